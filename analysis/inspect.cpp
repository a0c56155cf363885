#include "analysis/inspect.h"

#include "geo/spatial_index.h"

#include <algorithm>
#include <cmath>

namespace townsite {

namespace {

double quantile(std::vector<double> sorted_values, double q) {
    if (sorted_values.empty()) return 0;
    const double pos = q * (sorted_values.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos)), hi = static_cast<size_t>(std::ceil(pos));
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo);
}

}  // namespace

InspectReport inspect_study(const Study& study, const Progress& progress) {
    InspectReport report;
    report.usable = study.usable();
    const auto roads = study.role("roads");
    if (roads.empty() || study.crs.definition.empty()) return report;

    const GeosContext& geos = *study.geos;
    SegmentIndex index(geos);
    for (const Layer* l : roads)
        for (const Feature& f : l->features) index.add(f.geom.get(), 0);
    if (index.size() == 0) return report;
    index.build();
    const Measure measure(study.crs, geos);

    const std::vector<std::string> roles = {"towns", "villages", "facilities"};
    for (size_t r = 0; r < roles.size(); ++r) {
        progress.advance(double(r) / roles.size(), "distance to roads");
        std::vector<double> distances;
        for (const Layer* l : study.role(roles[r]))
            for (const Feature& f : l->features) {
                double x = 0, y = 0;
                if (!geos.representative_point(f.geom.get(), x, y)) continue;
                const SegmentIndex::Hit hit = index.nearest(x, y);
                if (hit.found) distances.push_back(measure.distance_m(x, y, hit.x, hit.y));
            }
        if (distances.empty()) continue;
        std::sort(distances.begin(), distances.end());
        RoadDistanceCheck c;
        c.role = roles[r];
        c.points = distances.size();
        c.median_m = quantile(distances, 0.5);
        c.p90_m = quantile(distances, 0.9);
        c.share_within_50m =
            double(std::upper_bound(distances.begin(), distances.end(), 50.0) - distances.begin()) / distances.size();
        c.shifted = c.median_m > kShiftSuspectMedian_m;
        report.road_checks.push_back(c);
    }
    progress.advance(1.0, "distance to roads");
    return report;
}

}  // namespace townsite
