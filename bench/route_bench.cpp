// Road routing benchmark: graph build, one-to-all, and the full towns x county seats matrix,
// ours against Boost.Graph's dijkstra_shortest_paths on the same arcs, in the same run.
//
//   build/bench/route_bench sample_data/jilin.toml          # x1
//   bench/run.sh                                            # x1 and x10 (generates x10 in /tmp)
#include "analysis/access.h"
#include "tests/bgl_baseline.h"

#include "bench/common.h"

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <limits>

using namespace townsite;
using townsite::bench::best_of;

int main(int argc, char** argv) {
    const std::string label = bench::start(argc, argv, "route_bench CONFIG [label]");
    const Study study = load_study(load_config(argv[1]));
    const NetworkOptions net = network_options(study.config);

    RoadGraph g;
    const double build_s = best_of(3, [&] { g = build_road_graph(study, net); });
    const std::vector<Seat> seats = admin_seats(study, "counties");
    std::vector<Snap> seat_snaps, town_snaps;
    for (const Seat& s : seats) seat_snaps.push_back(g.snap(s.x, s.y));
    for (const Layer* l : study.role("towns"))
        for (const Feature& f : l->features) {
            double x = 0, y = 0;
            GEOSGeomGetX_r(study.geos->get(), f.geom.get(), &x);
            GEOSGeomGetY_r(study.geos->get(), f.geom.get(), &y);
            town_snaps.push_back(g.snap(x, y));
        }

    // One-to-all from 50 nodes picked with a fixed step (no randomness to seed).
    std::vector<std::uint32_t> sources;
    for (std::uint32_t k = 0; k < 50; ++k) sources.push_back(std::uint32_t((std::uint64_t(k) * 2654435761u) % g.node_count()));
    Router router(g);
    const double ours_one = best_of(3, [&] {
        for (std::uint32_t v : sources) router.run_from_nodes({{v, 0.0}}, false);
    }) / sources.size();
    bgl::BglGraph forward = bgl::to_bgl(g, false);
    const double bgl_one = best_of(3, [&] {
        for (std::uint32_t v : sources) bgl::bgl_seconds(forward, {{v, 0.0}});
    }) / sources.size();

    // The full matrix: every town to every county seat.
    std::vector<double> ours_matrix(town_snaps.size() * seat_snaps.size()), bgl_matrix(ours_matrix.size());
    const double ours_mat = best_of(3, [&] {
        for (std::size_t s = 0; s < seat_snaps.size(); ++s) {
            router.run_to(seat_snaps[s]);
            for (std::size_t t = 0; t < town_snaps.size(); ++t) ours_matrix[t * seat_snaps.size() + s] = router.seconds_from(town_snaps[t]);
        }
    });
    bgl::BglGraph reversed = bgl::to_bgl(g, true);
    const double bgl_mat = best_of(3, [&] {
        for (std::size_t s = 0; s < seat_snaps.size(); ++s) {
            std::vector<std::pair<std::uint32_t, double>> seeds;
            for (const auto& leg : seat_snaps[s].legs(g, false)) seeds.emplace_back(leg.node, leg.seconds);
            const std::vector<double> d = bgl::bgl_seconds(reversed, seeds);
            for (std::size_t t = 0; t < town_snaps.size(); ++t) {
                double best = std::numeric_limits<double>::infinity();
                for (const auto& leg : town_snaps[t].legs(g, true))
                    if (d[leg.node] < std::numeric_limits<double>::max()) best = std::min(best, leg.seconds + d[leg.node]);
                bgl_matrix[t * seat_snaps.size() + s] = best;
            }
        }
    });
    std::size_t differ = 0;
    for (std::size_t i = 0; i < ours_matrix.size(); ++i)
        if (std::isfinite(ours_matrix[i]) != std::isfinite(bgl_matrix[i]) ||
            (std::isfinite(ours_matrix[i]) && ours_matrix[i] > bgl_matrix[i] + 1e-6))
            ++differ;

    std::printf("%s: %zu nodes, %zu edges, %zu towns, %zu county seats\n", label.c_str(), g.node_count(), g.pieces.size(),
                town_snaps.size(), seat_snaps.size());
    std::printf("  graph build            %9.3f s\n", build_s);
    std::printf("  one-to-all   ours      %9.3f ms   Boost.Graph %9.3f ms   ratio %.2fx\n", ours_one * 1e3, bgl_one * 1e3, bgl_one / ours_one);
    std::printf("  towns x seats ours     %9.3f s    Boost.Graph %9.3f s    ratio %.2fx\n", ours_mat, bgl_mat, bgl_mat / ours_mat);
    std::printf("  matrix cells where ours is slower than Boost.Graph's route: %zu of %zu\n", differ, ours_matrix.size());
    return differ == 0 ? 0 : 1;
}
