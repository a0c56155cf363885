// Coverage benchmark: the served share of every town for every utility, ours (an R-tree of the
// utility features, buffers and unions only near each town) against the naive way (buffer every
// feature, union them all, intersect each town with the union), in the same run.
//
//   build-bench/bench/coverage_bench sample_data/jilin.toml "sample x1"
//   build-bench/bench/coverage_bench x10.toml "sample x10" 20   # naive intersections on every 20th town
//
// With a third argument K the naive way intersects only every K-th town (its unions are still
// built in full) and its intersection time is scaled by K: said so in the output. At x10 the full
// naive run takes over an hour on this machine.
#include "analysis/coverage.h"
#include "geo/spatial_index.h"

#include "bench/common.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <numbers>

using namespace townsite;
using townsite::bench::now_s;

int main(int argc, char** argv) {
    const std::string label = bench::start(argc, argv, "coverage_bench CONFIG [label] [K]");
    const std::size_t every = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
    const Study study = load_study(load_config(argv[1]));
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    CoverageOptions opt = coverage_options(study.config);
    opt.extensions = false;
    const GeosContext& geos = *study.geos;
    GEOSContextHandle_t ctx = geos.get();
    const Measure measure(study.crs, geos);

    double t0 = now_s();
    const CoverageResult ours = compute_coverage(study, g, read_settlements(study, g), opt);
    const double ours_s = now_s() - t0;

    // Naive: every buffer, one union per utility, then one intersection per town.
    t0 = now_s();
    std::vector<GeomPtr> areas;
    for (const Layer* l : study.role("towns"))
        for (const Feature& f : l->features) {
            const double pop = l->number(f, "population").value_or(0);
            const double r = std::clamp(std::sqrt(pop / opt.builtup_people_per_km2 / std::numbers::pi) * 1000, opt.min_radius_m, opt.max_radius_m);
            areas.push_back(geos.own(GEOSBuffer_r(ctx, f.geom.get(), r, 32)));
        }
    std::size_t differ = 0, compared = 0;
    double union_s = 0, intersect_s = 0;
    for (const std::string& u : utility_names()) {
        if (study.role(u).empty()) continue;
        std::vector<GEOSGeometry*> buffers;
        // Which plants sit on a line (and so serve through it, as ours): indexed, so that the
        // baseline pays for its buffers and unions, not for a quadratic search.
        SegmentIndex lines(geos);
        for (const Layer* l : study.role(u))
            for (const Feature& f : l->features)
                if (GEOSGeom_getDimensions_r(ctx, f.geom.get()) == 1) lines.add(f.geom.get(), 0);
        lines.build();
        for (const Layer* l : study.role(u))
            for (const Feature& f : l->features) {
                double reach = opt.utilities.at(u).line_service_m;
                if (GEOSGeom_getDimensions_r(ctx, f.geom.get()) == 0) {
                    double x = 0, y = 0;
                    GEOSGeomGetX_r(ctx, f.geom.get(), &x);
                    GEOSGeomGetY_r(ctx, f.geom.get(), &y);
                    const SegmentIndex::Hit hit = lines.size() ? lines.nearest(x, y) : SegmentIndex::Hit{};
                    if (!hit.found || hit.distance > 50) reach = l->number(f, "radius_m").value_or(opt.utilities.at(u).plant_radius_m);
                }
                buffers.push_back(GEOSBuffer_r(ctx, f.geom.get(), reach, 8));  // as ours: 8 segments a quadrant
            }
        GeomPtr all = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, buffers.data(), unsigned(buffers.size())));
        GeomPtr served = geos.own(GEOSUnaryUnion_r(ctx, all.get()));
        const double t_union = now_s();
        union_s += t_union - t0;
        for (std::size_t i = 0; i < areas.size(); i += every) {
            GeomPtr in = geos.own(GEOSIntersection_r(ctx, served.get(), areas[i].get()));
            const double share = measure.area_m2(in.get()) / measure.area_m2(areas[i].get());
            const double mine = ours.towns[i].utilities.at(u).share_area;
            ++compared;
            if (std::fabs(share - mine) > 1e-3) ++differ;
        }
        intersect_s += (now_s() - t_union) * double(every);
        t0 = now_s();
        std::fprintf(stderr, "  naive %s: union %.1f s so far, intersections %.1f s so far\n", u.c_str(), union_s, intersect_s);
    }
    const double naive_s = union_s + intersect_s;
    std::printf("%s: %zu towns, 5 utilities\n", label.c_str(), areas.size());
    std::printf("  served shares  ours %8.2f s   naive (buffer all, union, intersect) %8.2f s   ratio %.2fx\n", ours_s, naive_s,
                naive_s / ours_s);
    std::printf("  naive: buffers and unions %.2f s, intersections %.2f s%s\n", union_s, intersect_s,
                every > 1 ? (" (measured on every " + std::to_string(every) + "th town, times " + std::to_string(every) + ")").c_str() : "");
    std::printf("  town-utility shares differing by more than 0.1 %%: %zu of %zu\n", differ, compared);
    return differ == 0 ? 0 : 1;
}
