// od benchmark: the routing of an origins x destinations matrix (what `townsite od` runs) on a
// network, against Boost.Graph in the same run and, through files, against igraph
// (bench/od_igraph.py); and the writing of a million CSV rows, ours against GDAL's CSV driver.
//
//   build-bench/bench/od_bench CONFIG [label] [origins] [destinations] [export_dir]
//   bench/od.sh                      # Andorra's real OSM network, 1,000 x 60, with igraph
//
// Origins and destinations are nodes of the largest piece of the network, picked with a fixed
// seed. export_dir receives arcs.tsv (tail, head, seconds), origins.txt, destinations.txt and
// ours.tsv (the matrix) for the igraph side.
#include "analysis/access.h"
#include "geo/parallel.h"
#include "geo/random.h"
#include "geo/writer.h"
#include "tests/bgl_baseline.h"

#include "bench/common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <thread>

using namespace townsite;
using townsite::bench::best_of;
using townsite::bench::now_s;

namespace {

// `n` distinct nodes of the largest piece, picked at random with a fixed seed.
std::vector<std::uint32_t> pick(const RoadGraph& g, std::size_t n, std::uint64_t seed) {
    std::vector<std::uint32_t> in_main;
    for (std::uint32_t v = 0; v < g.node_count(); ++v)
        if (g.component[v] == 1) in_main.push_back(v);
    SplitMix64 rng(seed);
    std::set<std::uint32_t> chosen;
    while (chosen.size() < std::min(n, in_main.size())) chosen.insert(in_main[rng.below(in_main.size())]);
    return {chosen.begin(), chosen.end()};
}

// Writes `rows` rows of an od table, cycling through the matrix; returns the seconds it took.
double write_rows(const Study& study, const std::string& path, std::size_t rows, const std::vector<std::vector<Router::Reach>>& m,
                  const std::vector<std::string>& options) {
    const double t0 = now_s();
    OutputDataset out(path, study, {"", "", true, options});
    OutputLayer& table = out.layer("od", wkbNone,
                                   {{"from_id", OFTString, ""}, {"to_id", OFTString, ""}, {"minutes", OFTReal, ""}, {"km", OFTReal, ""},
                                    {"unreachable", OFTString, ""}, {"from_snap_m", OFTReal, ""}, {"to_snap_m", OFTReal, ""},
                                    {"from_component", OFTInteger, ""}, {"to_component", OFTInteger, ""}});
    std::vector<FieldValue> row(9);
    for (std::size_t k = 0; k < rows; ++k) {
        const std::size_t i = k / m.front().size() % m.size(), j = k % m.front().size();
        const Router::Reach& r = m[i][j];
        row = {std::to_string(220102200000 + k / m.front().size()), std::to_string(220102 + j), r.seconds / 60, r.metres / 1000,
               FieldValue{}, 0.0, 12.5, std::int64_t(1), std::int64_t(1)};
        table.add(row, nullptr);
    }
    out.commit();
    return now_s() - t0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string label = bench::start(argc, argv, "od_bench CONFIG [label] [origins] [destinations] [export_dir]");
    const std::size_t n_origins = argc > 3 ? std::stoul(argv[3]) : 1000, n_destinations = argc > 4 ? std::stoul(argv[4]) : 60;
    const std::string export_dir = argc > 5 ? argv[5] : "";
    const Study study = load_study(load_config(argv[1]));
    const RoadGraph g = build_road_graph(study, network_options(study.config));

    const std::vector<std::uint32_t> origin_nodes = pick(g, n_origins, 1), destination_nodes = pick(g, n_destinations, 2);
    auto snaps_at = [&](const std::vector<std::uint32_t>& nodes) {
        std::vector<Snap> out;
        for (std::uint32_t v : nodes) {  // a point on the node itself
            Snap s;
            s.ok = true, s.snap_m = 0, s.node = v, s.x = g.nodes[v].x, s.y = g.nodes[v].y;
            out.push_back(s);
        }
        return out;
    };
    const std::vector<Snap> origins = snaps_at(origin_nodes), destinations = snaps_at(destination_nodes);

    std::vector<std::vector<Router::Reach>> m;
    set_thread_count(1);
    const double ours_1 = best_of(5, [&] { m = route_matrix(g, origins, destinations); });
    set_thread_count(std::max(1u, std::thread::hardware_concurrency()));
    const double ours_all = best_of(5, [&] { m = route_matrix(g, origins, destinations); });

    // Boost.Graph: one search per destination over the reversed arcs, as od does.
    bgl::BglGraph reversed = bgl::to_bgl(g, true);
    std::size_t differ = 0, reachable = 0;
    const double bgl_s = best_of(5, [&] {
        differ = reachable = 0;
        for (std::size_t j = 0; j < destination_nodes.size(); ++j) {
            const std::vector<double> d = bgl::bgl_seconds(reversed, {{destination_nodes[j], 0.0}});
            for (std::size_t i = 0; i < origin_nodes.size(); ++i) {
                const double want = d[origin_nodes[i]] < std::numeric_limits<double>::max() ? d[origin_nodes[i]] : kUnreachable;
                const double got = m[i][j].seconds;
                reachable += std::isfinite(want);
                if (std::isfinite(want) != std::isfinite(got) || (std::isfinite(want) && std::fabs(want - got) > 1e-6 * std::max(1.0, want))) ++differ;
            }
        }
    });

    // A million rows, ours and through GDAL's CSV driver (forced by naming its default quoting).
    const std::string tmp = (std::filesystem::temp_directory_path() / ("od_bench_" + std::to_string(getpid()))).string();
    std::filesystem::create_directories(tmp);
    const double write_ours = best_of(3, [&] { write_rows(study, tmp + "/ours.csv", 1000000, m, {}); });
    const double write_gdal = write_rows(study, tmp + "/gdal.csv", 1000000, m, {"STRING_QUOTING=IF_AMBIGUOUS"});
    std::ifstream a(tmp + "/ours.csv", std::ios::binary), b(tmp + "/gdal.csv", std::ios::binary);
    const bool same_bytes = std::equal(std::istreambuf_iterator<char>(a), {}, std::istreambuf_iterator<char>(b), {});
    std::filesystem::remove_all(tmp);

    if (!export_dir.empty()) {
        std::filesystem::create_directories(export_dir);
        std::FILE* f = std::fopen((export_dir + "/arcs.tsv").c_str(), "w");
        for (std::uint32_t v = 0; v < g.node_count(); ++v)
            for (std::uint32_t k = g.first_out[v]; k < g.first_out[v + 1]; ++k) std::fprintf(f, "%u\t%u\t%.17g\n", v, g.out_arcs[k].head, g.out_arcs[k].seconds);
        std::fclose(f);
        std::ofstream o(export_dir + "/origins.txt"), d(export_dir + "/destinations.txt"), mat(export_dir + "/ours.tsv");
        o << g.node_count() << "\n";
        for (std::uint32_t v : origin_nodes) o << v << "\n";
        for (std::uint32_t v : destination_nodes) d << v << "\n";
        mat.precision(17);
        for (const auto& row : m) {
            for (std::size_t j = 0; j < row.size(); ++j) mat << (j ? "\t" : "") << row[j].seconds;
            mat << "\n";
        }
        std::ofstream(export_dir + "/ours_seconds.txt") << ours_1 << "\n" << ours_all << "\n";
    }

    std::printf("%s: %zu nodes, %zu arcs; %zu origins x %zu destinations (%zu pairs reachable)\n", label.c_str(), g.node_count(),
                g.out_arcs.size(), origins.size(), destinations.size(), reachable);
    std::printf("  routing  ours 1 thread %9.4f s   all threads %9.4f s   Boost.Graph %9.4f s   ratio %.2fx (1 thread)\n", ours_1, ours_all,
                bgl_s, bgl_s / ours_1);
    std::printf("  matrix cells that differ from Boost.Graph's: %zu of %zu\n", differ, origins.size() * destinations.size());
    std::printf("  1,000,000 CSV rows  ours %7.3f s   GDAL's CSV driver %7.3f s   ratio %.1fx   same bytes: %s\n", write_ours, write_gdal,
                write_gdal / write_ours, same_bytes ? "yes" : "NO");
    return differ == 0 && same_bytes ? 0 : 1;
}
