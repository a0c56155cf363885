// townsite access [CONFIG] [-o FILE]: travel times of towns and villages, catchments, E2SFCA,
// isochrones and road problems, written as layers.
#include "analysis/access.h"

#include "geo/text.h"
#include "geo/error.h"
#include "geo/writer.h"
#include "tools/command.h"
#include "tools/layers_out.h"
#include "tools/styles.h"

#include <cmath>
#include <map>
#include <cstdio>
#include <iostream>

namespace townsite::tools {

void add_access(CLI::App& app, const Globals& globals, Runner& run) {
    auto args = std::make_shared<StudyArgs>();
    CLI::App* cmd = app.add_subcommand("access", "Travel times, catchments, service access, isochrones and road problems");
    add_study_args(cmd, *args, Writes::Layers, "townsite_access.gpkg");
    cmd->footer("Writes the layers towns, villages, isochrones, road_dead_ends, dead_end_links, road_components and\n"
                "towns_without_seat_route. Options in the config: [network] (speeds, snapping) and [access].\n"
                "Examples:\n"
                "  townsite access -o out/access.gpkg --overwrite          # the bundled sample\n"
                "  townsite access my.toml -o access.fgb -t_srs EPSG:4490");
    cmd->callback([args, &globals, &run] {
        run = [args, &globals] {
            StepTimer timer(globals);
            const Progress progress = globals.make_progress();
            const StudyConfig config = args->load();
            const AccessOptions opt = access_options(config);
            const RoutedStudy routed = load_routed_study(config, network_options(config), progress.slice(0, 0.3));
            const Study& study = routed.study;
            const RoadGraph& graph = routed.graph;
            timer.done("load and build the graph");
            const Settlements settlements = read_settlements(study, graph);
            const AccessResult res = compute_access(study, graph, settlements, opt, progress.slice(0.3, 0.9));
            timer.done("compute access");

            OutputDataset out(args->out.path, study, output_options(args->out));
            // towns
            Fields tf("towns");
            tf.add({"id", "name", "kind", "county", "population", "snap_m", "reachable", "county_seat_min", "county_seat_km", "prefecture_seat_min",
                    "prefecture_seat_km", "nearest_city", "nearest_city_min", "nearest_city_km", "metro_core_min", "metro_core_km",
                    "no_route_to_seat"});
            for (const auto& k : res.facility_kinds) tf.add("{kind}_min", fill_of("{kind}", k));
            for (const auto& k : res.facility_kinds) tf.add("{kind}_e2sfca", fill_of("{kind}", k));
            for (double th : opt.thresholds_min) tf.add("pop_{minutes}min", fill_of("{minutes}", fmt(th, 0)));
            OutputLayer& towns = out.layer("towns", wkbPoint, tf);
            OutputLayer& no_route =
                out.layer("towns_without_seat_route", wkbPoint, Fields("towns_without_seat_route").add({"id", "name", "county", "reason"}));
            // nearest_city names the prefecture, as in `townsite run`'s towns.
            std::map<std::string, std::string> prefecture_name;
            for (const Seat& seat : res.prefecture_seats) prefecture_name[seat.id] = seat.name;
            for (std::size_t i = 0; i < settlements.towns.size(); ++i) {
                const Settlement& s = settlements.towns[i];
                const TownAccess& t = res.towns[i];
                const auto city = prefecture_name.find(t.nearest_prefecture);
                std::vector<FieldValue> v = {s.id, s.name, s.kind, s.county, s.population, s.snap.snap_m, std::int64_t(s.snap.ok),
                                             t.county_seat_min, t.county_seat_km, t.prefecture_seat_min, t.prefecture_seat_km,
                                             city == prefecture_name.end() ? std::string() : city->second,
                                             t.nearest_prefecture_seat_min, t.nearest_prefecture_seat_km,
                                             t.metro_core_min, t.metro_core_km, std::int64_t(t.no_route_to_seat)};
                for (const auto& k : res.facility_kinds) v.push_back(t.facility_min.count(k) ? t.facility_min.at(k) : NAN);
                for (const auto& k : res.facility_kinds) v.push_back(t.e2sfca.count(k) ? t.e2sfca.at(k) : NAN);
                for (std::size_t th = 0; th < opt.thresholds_min.size(); ++th) v.push_back(t.catchment_pop[th]);
                const GEOSGeometry* geom = s.feature->geom.get();
                towns.add(v, geom);
                if (t.no_route_to_seat || !s.snap.ok)
                    no_route.add({s.id, s.name, s.county,
                                  std::string(s.snap.ok ? "no road route to the county seat" : "farther than max_snap_m from every road")},
                                 geom);
            }
            write_villages(out, settlements, &res, nullptr);
            write_isochrones(out, res);
            write_dead_ends(out, study, res, settlements.towns);
            write_dead_end_links(out, study, res, settlements.towns);
            write_components(out, graph, res);
            style_layers(out, hints_in(args->out.lang));
            out.commit();
            timer.done("write " + args->out.path);

            if (!globals.quiet) {
                std::ostream& os = std::cout;
                print_graph_report(graph.report, os);
                os << "Towns: " << res.towns.size() << " (" << res.unreachable_towns << " farther than " << fmt(graph.options.max_snap_m, 0)
                   << " m from every road), villages: " << res.villages.size() << " (" << res.unreachable_villages
                   << " unreachable), facilities unreachable: " << res.unreachable_facilities << "\n";
                for (const auto& [what, m] : res.unreachable_examples) os << "  unreachable: " << what << ", " << fmt(m, 0) << " m from the nearest road\n";
                std::size_t without_route = 0;
                for (const auto& t : res.towns) without_route += t.no_route_to_seat;
                os << "Towns with no road route to their county seat: " << without_route << "\n";
                os << "Road network: " << res.components.size() << " connected pieces";
                if (!res.components.empty())
                    os << " (main " << fmt(res.components.front().length_km, 0) << " km; " << res.components.size() - 1
                       << " not joined to it)";
                std::size_t links = 0;
                for (const DeadEnd& d : res.dead_ends) links += !std::isnan(d.link_m);
                os << ", " << res.dead_ends.size() << " dead ends (" << links << " with a proposed link to another road)\n";
                for (const auto& s : res.facility_summary)
                    os << "Facilities \"" << s.kind << "\": " << s.facilities << " (" << s.with_capacity << " with capacity); population with none within "
                       << fmt(opt.e2sfca_catchment_min, 0) << " min: " << fmt(s.unserved_population, 0) << "\n";
                os << "Isochrones: " << res.isochrones.size() << "\n";
                for (const auto& n : res.notes) os << "note: " << n.en << "\n";
                os << "Wrote " << written_text(out) << "\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
