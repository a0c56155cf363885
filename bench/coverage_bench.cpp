// Coverage benchmark: the served share of every town for every utility, ours (an R-tree of the
// utility features, buffers and unions only near each town) against the naive way (buffer every
// feature, union them all, intersect each town with the union), in the same run.
//
//   build-bench/bench/coverage_bench sample_data/jilin.toml "sample x1"
#include "analysis/coverage.h"

#include <cpl_error.h>
#include <gdal.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>

using namespace townsite;

namespace {
double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: coverage_bench CONFIG [label]\n");
        return 2;
    }
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    const std::string label = argc > 2 ? argv[2] : argv[1];
    const Study study = load_study(load_config(argv[1]));
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    CoverageOptions opt = coverage_options(study.config);
    opt.extensions = false;
    const GeosContext& geos = *study.geos;
    GEOSContextHandle_t ctx = geos.get();
    const Measure measure(study.crs, geos);

    double t0 = now_s();
    const CoverageResult ours = compute_coverage(study, g, opt);
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
    for (const std::string& u : utility_names()) {
        if (study.role(u).empty()) continue;
        std::vector<GEOSGeometry*> buffers;
        std::vector<const GEOSGeometry*> lines;
        for (const Layer* l : study.role(u))
            for (const Feature& f : l->features)
                if (GEOSGeom_getDimensions_r(ctx, f.geom.get()) == 1) lines.push_back(f.geom.get());
        for (const Layer* l : study.role(u))
            for (const Feature& f : l->features) {
                double reach = opt.utilities.at(u).line_service_m;
                if (GEOSGeom_getDimensions_r(ctx, f.geom.get()) == 0) {
                    double dmin = 1e300;  // a plant on a line serves through it (as ours does)
                    for (const GEOSGeometry* ln : lines) {
                        double d = 0;
                        GEOSDistance_r(ctx, ln, f.geom.get(), &d);
                        dmin = std::min(dmin, d);
                        if (dmin <= 50) break;
                    }
                    if (dmin > 50) reach = l->number(f, "radius_m").value_or(opt.utilities.at(u).plant_radius_m);
                }
                buffers.push_back(GEOSBuffer_r(ctx, f.geom.get(), reach, 8));  // as ours: 8 segments a quadrant
            }
        GeomPtr all = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, buffers.data(), unsigned(buffers.size())));
        GeomPtr served = geos.own(GEOSUnaryUnion_r(ctx, all.get()));
        for (std::size_t i = 0; i < areas.size(); ++i) {
            GeomPtr in = geos.own(GEOSIntersection_r(ctx, served.get(), areas[i].get()));
            const double share = measure.area_m2(in.get()) / measure.area_m2(areas[i].get());
            const double mine = ours.towns[i].utilities.at(u).share_area;
            ++compared;
            if (std::fabs(share - mine) > 1e-3) ++differ;
        }
    }
    const double naive_s = now_s() - t0;
    std::printf("%s: %zu towns, 5 utilities\n", label.c_str(), areas.size());
    std::printf("  served shares  ours %8.2f s   naive (buffer all, union, intersect) %8.2f s   ratio %.2fx\n", ours_s, naive_s,
                naive_s / ours_s);
    std::printf("  town-utility shares differing by more than 0.1 %%: %zu of %zu\n", differ, compared);
    return differ == 0 ? 0 : 1;
}
