// Bottom lines and room to grow benchmark: what the farmland, red-line and urban-boundary layers
// cost a run, step by step (reading them, indexing them, the red line on the road pieces, room to
// grow), against the naive overlay (dissolve each layer whole, then one intersection per town), in
// the same run and with the same answers.
//
//   build-bench/bench/land_bench sample_data/jilin.toml "sample x1"
//   build-bench/bench/land_bench x10.toml "sample x10" 20   # naive shares on every 20th town, time scaled
#include "analysis/land.h"

#include "bench/common.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <string>

using namespace townsite;
using townsite::bench::now_s;

int main(int argc, char** argv) {
    const std::string label = bench::start(argc, argv, "land_bench CONFIG [label] [K]");
    const std::size_t every = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
    const StudyConfig config = load_config(argv[1]);
    StudyConfig without = config;   // the same study without the three layers: what reading them costs
    std::erase_if(without.layers, [](const LayerSource& l) { return l.role == "farmland" || l.role == "eco_redline" || l.role == "urban_boundary"; });

    double t0 = now_s();
    const Study bare = load_study(without);
    const double bare_s = now_s() - t0;
    t0 = now_s();
    const Study study = load_study(config);
    const double load_s = now_s() - t0;
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    const Settlements settlements = read_settlements(study, g);
    const GeosContext& geos = *study.geos;
    GEOSContextHandle_t ctx = geos.get();
    const Measure measure(study.crs, geos);

    t0 = now_s();
    t0 = now_s();
    const BottomLines lines(study);
    const double index_s = now_s() - t0;
    t0 = now_s();
    const std::vector<double> redline_m = lines.redline.piece_lengths_m(g, measure), farmland_m = lines.farmland.piece_lengths_m(g, measure);
    const double pieces_s = now_s() - t0;
    t0 = now_s();
    const LandResult land = compute_land(study, settlements, land_options(study.config), coverage_options(study.config), lines);
    const double land_s = now_s() - t0;

    // Coverage with extensions, without and with the bottom lines (red-line detours, farmland lengths).
    const RoadGraph bare_g = build_road_graph(bare, network_options(bare.config));
    const CoverageOptions copt = coverage_options(study.config);
    t0 = now_s();
    compute_coverage(bare, bare_g, read_settlements(bare, bare_g), copt);
    const double coverage_bare_s = now_s() - t0;
    t0 = now_s();
    compute_coverage(study, g, settlements, copt, {}, &lines);
    const double coverage_s = now_s() - t0;

    // Naive: each layer dissolved whole, then every zone intersected with each.
    t0 = now_s();
    auto dissolved = [&](const char* role) {
        std::vector<GeomPtr> all;
        for (const Layer* l : study.role(role))
            for (const Feature& f : l->features) all.push_back(geos.own(GEOSGeom_clone_r(ctx, f.geom.get())));
        return all.empty() ? GeomPtr() : geos.union_of(std::move(all));
    };
    const GeomPtr farmland = dissolved("farmland"), redline = dissolved("eco_redline");
    const double r = land_options(study.config).radius_km * 1000;
    double most = 0;
    std::size_t compared = 0;
    const double dissolve_s = now_s() - t0;
    t0 = now_s();
    for (std::size_t i = 0; i < settlements.towns.size(); i += every) {
        const Settlement& s = settlements.towns[i];
        const GeomPtr circle = geos.own(GEOSBuffer_r(ctx, geos.point(s.x, s.y).get(), r * measure.scale(s.x, s.y), 32));
        for (const auto& [layer, share] : {std::pair{farmland.get(), land.towns[i].farmland_share}, {redline.get(), land.towns[i].redline_share}}) {
            if (!layer) continue;
            const GeomPtr in = geos.own(GEOSIntersection_r(ctx, circle.get(), layer));
            const double naive = in ? measure.area_m2(in.get()) / measure.area_m2(circle.get()) : 0.0;
            most = std::max(most, std::abs(naive - share));
            ++compared;
        }
    }
    const double naive_s = dissolve_s + (now_s() - t0) * double(every);

    std::size_t n_closed = 0;
    for (double m : redline_m) n_closed += m > 1;
    std::printf("%s: %zu towns, %zu road pieces (%zu through the red line)\n", label.c_str(), settlements.towns.size(), g.pieces.size(), n_closed);
    std::printf("  read the study without / with the three layers  %.3f s / %.3f s (+%.3f s)\n", bare_s, load_s, load_s - bare_s);
    std::printf("  index farmland and red line (overlap check)      %.3f s (%zu + %zu overlapping pairs)\n", index_s, lines.farmland.overlaps(),
                lines.redline.overlaps());
    std::printf("  every road piece: length in red line, farmland   %.3f s\n", pieces_s);
    std::printf("  coverage without / with the bottom lines         %.3f s / %.3f s (+%.3f s)\n", coverage_bare_s, coverage_s,
                coverage_s - coverage_bare_s);
    std::printf("  room to grow, every town                         %.3f s\n", land_s);
    std::printf("  naive circle shares (dissolve, intersect)        %.3f s  (%.1fx ours); %zu shares compared%s, largest difference %.2g\n",
                naive_s, naive_s / land_s, compared, every > 1 ? " (every K-th town, time scaled by K)" : "", most);
    return 0;
}
