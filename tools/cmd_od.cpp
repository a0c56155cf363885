// townsite od [CONFIG] --from ROLE --to ROLE [-o FILE] [--nearest K]: an origin-destination matrix
// of travel times (minutes) and route lengths (km) on the road network.
#include "analysis/access.h"
#include "geo/error.h"
#include "geo/parallel.h"
#include "geo/writer.h"
#include "tools/command.h"
#include "tools/layers_out.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

namespace townsite::tools {

namespace {

struct OdArgs {
    StudyArgs study;
    std::string from, to;
    std::size_t nearest = 0;
    double max_minutes = 0;   // 0: no cut-off
};

struct Place {
    std::string id;
    Snap snap;
};

const std::vector<std::string> kRoles = {"towns", "villages", "city_cores", "facilities", "county_seats", "prefecture_seats"};

// Towns and villages from the settlements table (snapped once), seats from the admin units, other
// roles at a point of each feature.
std::vector<Place> places(const Study& study, const RoadGraph& g, const Settlements& settlements, const std::string& role) {
    std::vector<Place> out;
    if (role == "towns" || role == "villages") {
        for (const Settlement& s : role == "towns" ? settlements.towns : settlements.villages) out.push_back({s.id, s.snap});
        return out;
    }
    if (role == "county_seats" || role == "prefecture_seats") {
        for (const Seat& s : admin_seats(study, role == "county_seats" ? "counties" : "prefectures")) out.push_back({s.id, g.snap(s.x, s.y)});
        return out;
    }
    for (const Layer* l : study.role(role))
        for (const Feature& f : l->features) {
            double x = 0, y = 0;
            study.geos->representative_point(f.geom.get(), x, y);
            out.push_back({f.id, g.snap(x, y)});
        }
    return out;
}

struct Cell {
    std::uint32_t to;
    double seconds, metres;
};

// Why a pair has no route: an end too far from every road, the ends on pieces of the network that
// no road joins, or (same piece) one-way roads that allow no way from the one to the other.
std::string unreachable_reason(const RoadGraph& g, const Snap& from, const Snap& to) {
    if (!from.ok) return "origin_off_road";
    if (!to.ok) return "destination_off_road";
    if (g.component_of(from) != g.component_of(to)) return "not_connected";
    return "one_way";
}

}  // namespace

void add_od(CLI::App& app, const Globals& globals, Runner& run) {
    auto args = std::make_shared<OdArgs>();
    CLI::App* cmd = app.add_subcommand("od", "Origin-destination matrix of travel times on the road network");
    add_study_args(cmd, args->study, Writes::Table, "townsite_od.csv");
    cmd->add_option("--from", args->from, "Origins: a point role")->required()->check(CLI::IsMember(kRoles));
    cmd->add_option("--to", args->to, "Destinations: a point role")->required()->check(CLI::IsMember(kRoles));
    cmd->add_option("--nearest", args->nearest, "Keep only each origin's K fastest destinations");
    cmd->add_option("--max-minutes", args->max_minutes, "Keep only the pairs within M minutes (each search stops there)")
        ->check(CLI::PositiveNumber);
    cmd->footer("Rows: from_id, to_id, minutes, km, and for each end its distance to the road (m) and network piece\n"
                "(1 = the largest); unreachable pairs are kept with empty minutes and km and say why: origin_off_road,\n"
                "destination_off_road (farther than [network] max_snap_m), not_connected (different pieces), one_way.\n"
                "With --max-minutes only the pairs within the cut-off are written (the others are farther or unreachable).\n"
                "Roles: towns, villages, city_cores, facilities, county_seats, prefecture_seats.\n"
                "Examples:\n"
                "  townsite od --from towns --to county_seats -o od.csv --overwrite\n"
                "  townsite od --from villages --to facilities --nearest 3 -o nearest.xlsx\n"
                "  townsite od --from villages --to towns --max-minutes 30 -o within_30min.csv");
    cmd->callback([args, &globals, &run] {
        run = [args, &globals] {
            StepTimer timer(globals);
            const Progress progress = globals.make_progress();
            const StudyConfig config = args->study.load();
            const RoutedStudy routed = load_routed_study(config, network_options(config), progress.slice(0, 0.2));
            const Study& study = routed.study;
            const RoadGraph& graph = routed.graph;
            const Settlements settlements = read_settlements(study, graph);
            const std::vector<Place> from = places(study, graph, settlements, args->from), to = places(study, graph, settlements, args->to);
            timer.done("load and build the graph");
            if (!globals.quiet) print_graph_report(graph.report, std::cout);

            std::vector<Snap> from_snaps, to_snaps;
            for (const auto& p : from) from_snaps.push_back(p.snap);
            for (const auto& p : to) to_snaps.push_back(p.snap);
            const bool cut_off = args->max_minutes > 0;
            const auto matrix = route_matrix(graph, from_snaps, to_snaps, cut_off ? Router::Bound::seconds(args->max_minutes * 60) : Router::Bound{},
                                             progress.slice(0.2, 0.9));
            std::vector<std::vector<Cell>> rows(from.size());
            for (std::size_t i = 0; i < from.size(); ++i) {
                auto& row = rows[i];
                row.reserve(cut_off ? 0 : to.size());
                for (std::uint32_t j = 0; j < to.size(); ++j)
                    if (!cut_off || std::isfinite(matrix[i][j].seconds)) row.push_back({j, matrix[i][j].seconds, matrix[i][j].metres});
                if (args->nearest > 0 && row.size() > args->nearest) {
                    std::stable_sort(row.begin(), row.end(), [](const Cell& a, const Cell& b) { return a.seconds < b.seconds; });
                    row.resize(args->nearest);
                }
            }
            timer.done("route");

            OutputDataset out(args->study.out.path, study, {args->study.out.format, "", args->study.out.overwrite, {}});
            OutputLayer& table = out.layer("od", wkbNone,
                                           Fields("od").add({"from_id", "to_id", "minutes", "km", "unreachable", "from_snap_m", "to_snap_m",
                                                             "from_component", "to_component"}));
            std::map<std::string, std::size_t> unreachable;
            for (std::size_t i = 0; i < rows.size(); ++i)
                for (const Cell& c : rows[i]) {
                    const bool ok = std::isfinite(c.seconds);
                    const Snap &a = from[i].snap, &b = to[c.to].snap;
                    const std::string why = ok ? "" : unreachable_reason(graph, a, b);
                    if (!ok) ++unreachable[why];
                    auto metres = [](double m) { return std::isfinite(m) ? m : NAN; };
                    table.add({from[i].id, to[c.to].id, ok ? c.seconds / 60 : NAN, ok ? c.metres / 1000 : NAN,
                               ok ? FieldValue{} : FieldValue{why}, metres(a.snap_m), metres(b.snap_m),
                               std::int64_t(graph.component_of(a)), std::int64_t(graph.component_of(b))},
                              nullptr);
                }
            out.commit();
            timer.done("write " + args->study.out.path);
            if (!globals.quiet) {
                std::size_t total = 0;
                std::string why;
                for (const auto& [reason, n] : unreachable) total += n, why += (why.empty() ? ": " : ", ") + std::to_string(n) + " " + reason;
                if (cut_off)
                    std::cout << "Wrote " << table.count() << " pairs within " << args->max_minutes << " minutes (of " << from.size() * to.size()
                              << "; the others are farther or unreachable) to " << out.path() << "\n";
                else
                    std::cout << "Wrote " << table.count() << " pairs (" << total << " unreachable" << why << "; kept with empty values) to "
                              << out.path() << "\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
