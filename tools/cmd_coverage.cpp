// townsite coverage [CONFIG] [-o FILE]: utility coverage of every town and village, gap polygons
// and the network extensions that would close them.
#include "analysis/coverage.h"
#include "geo/error.h"
#include "geo/writer.h"
#include "tools/command.h"
#include "tools/layers_out.h"
#include "tools/styles.h"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace townsite::tools {

namespace {

double percent(double share) { return std::isfinite(share) ? share * 100 : NAN; }

}  // namespace

void add_coverage(CLI::App& app, const Globals& globals, Runner& run) {
    auto args = std::make_shared<StudyArgs>();
    CLI::App* cmd = app.add_subcommand("coverage", "Utility coverage of towns and villages, gaps and network extensions");
    add_study_args(cmd, *args, Writes::Layers, "townsite_coverage.gpkg");
    cmd->footer("Writes the layers towns, villages, coverage_gaps and network_extensions for water, gas,\n"
                "heating, sewage and garbage. Options in the config: [coverage] (service distances, town areas).\n"
                "Examples:\n"
                "  townsite coverage -o out/coverage.gpkg --overwrite      # the bundled sample\n"
                "  townsite coverage my.toml -o coverage.gpkg");
    cmd->callback([args, &globals, &run] {
        run = [args, &globals] {
            StepTimer timer(globals);
            const Progress progress = globals.make_progress();
            const StudyConfig config = args->load();
            const CoverageOptions opt = coverage_options(config);
            const RoutedStudy routed = load_routed_study(config, network_options(config), progress.slice(0, 0.2));
            const Study& study = routed.study;
            const RoadGraph& graph = routed.graph;
            timer.done("load and build the graph");
            const Settlements settlements = read_settlements(study, graph);
            const CoverageResult res = compute_coverage(study, graph, settlements, opt, progress.slice(0.2, 0.95));
            timer.done("compute coverage");

            OutputDataset out(args->out.path, study, output_options(args->out));
            const auto& names = utility_names();
            Fields tf("towns");
            tf.add({"id", "name", "kind", "county", "population", "area_km2", "area_source"})
                .per_utility({"{utility}_status", "{utility}_share_pct", "{utility}_pop_share_pct", "{utility}_seat_m", "{utility}_gap_km2"});
            OutputLayer& towns = out.layer("towns", wkbPoint, tf);
            for (std::size_t i = 0; i < settlements.towns.size(); ++i) {
                const Settlement& s = settlements.towns[i];
                const TownCoverage& t = res.towns[i];
                std::vector<FieldValue> v = {s.id, s.name, s.kind, s.county, s.population, t.area_km2, t.area_source};
                for (const auto& u : names) {
                    const UtilityCoverage& c = t.utilities.at(u);
                    v.insert(v.end(), {c.status, percent(c.share_area), percent(c.share_population), c.seat_to_network_m, c.gap_km2});
                }
                towns.add(v, seat_point(*study.geos, s).get());
            }
            write_villages(out, settlements, nullptr, &res);
            write_gaps(out, res, settlements.towns);
            write_extensions(out, res, settlements.towns);
            style_layers(out, hints_in(args->out.lang));
            out.commit();
            timer.done("write " + args->out.path);

            if (!globals.quiet) {
                std::ostream& os = std::cout;
                for (const UtilitySummary& s : res.summary) {
                    os << s.utility << ": ";
                    if (!s.has_data) {
                        os << "no data (no layer for this utility: not the same as no coverage)\n";
                        continue;
                    }
                    os << s.lines << " lines, " << s.plants << " plants/stations";
                    if (s.polygons) os << ", " << s.polygons << " service areas";
                    os << "; towns served " << s.towns_served << ", partly " << s.towns_partial << ", not " << s.towns_none << "\n";
                    if (s.plants_default_radius)
                        os << "  note: " << s.plants_default_radius << " stand-alone plants have no radius_m: they serve the default "
                           << opt.utilities.at(s.utility).plant_radius_m << " m ([coverage." << s.utility << "] plant_radius_m)\n";
                }
                double km = 0;
                std::size_t flagged = 0;
                for (const auto& e : res.extensions) km += e.length_km, flagged += !e.protected_sites.empty();
                char buf[200];
                std::snprintf(buf, sizeof buf, "Gaps: %zu polygons; extensions: %zu, %.1f km in all, %zu passing within %.0f m of a protected site\n",
                              res.gaps.size(), res.extensions.size(), km, flagged, opt.protected_m);
                os << buf;
                for (const auto& n : res.notes) os << "note: " << n.en << "\n";
                os << "Wrote " << written_text(out) << "\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
