// inspect: is the study usable, and what is wrong with its layers? Adds to the load report the
// checks that need more than one layer: how far the settlement points (towns, villages,
// facilities) sit from the nearest road. Real settlements sit on or beside roads; a median of a
// few hundred metres means the whole layer is shifted, most often because it is GCJ-02 (Chinese
// web maps) or in another datum than its CRS says.
//
//   Study study = load_study(config, progress);
//   InspectReport r = inspect_study(study, progress);
//   r.usable, r.road_checks[i].median_m ...
//
// Distances are geodesic metres (WGS 84 ellipsoid) from the point to the nearest point of the
// nearest road segment.
#pragma once

#include "geo/progress.h"
#include "geo/study.h"

#include <string>
#include <vector>

namespace townsite {

struct RoadDistanceCheck {
    std::string role;
    std::size_t points = 0;
    double median_m = 0;
    double p90_m = 0;
    double share_within_50m = 0;  // 0..1
    bool shifted = false;         // median above kShiftSuspectMedian_m
};

// A median distance above this (m) is reported as a possible GCJ-02 or datum shift. Settlement
// points from a good source sit within tens of metres of a road; GCJ-02 moves them 300-700 m.
constexpr double kShiftSuspectMedian_m = 200.0;

struct InspectReport {
    std::vector<RoadDistanceCheck> road_checks;
    bool usable = false;
};

InspectReport inspect_study(const Study& study, const Progress& progress = {});

}  // namespace townsite
