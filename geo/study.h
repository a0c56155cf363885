// A loaded study: the config, the working CRS, and every layer in it, validated and counted.
// Data flows forward once: load_study reads each source (lon/lat), chooses the working CRS for
// the study area (the extent of the admin units), projects and repairs every layer, then flags
// features that lie outside the province. Analyses read the Study; none re-reads a source.
//
//   Study study = load_study(load_config("sample_data/jilin.toml"), progress);
//   if (!study.usable()) ...                       // some layer has an Error-severity problem
//   for (const Layer* towns : study.role("towns")) ...
#pragma once

#include "geo/config.h"
#include "geo/crs.h"
#include "geo/handles.h"
#include "geo/inputs.h"
#include "geo/layer.h"
#include "geo/progress.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace townsite {

struct Study {
    std::unique_ptr<GeosContext> geos;  // declared first: every geometry below dies before it
    StudyConfig config;
    InputFiles inputs;            // the files read, as they were before reading (outputs check them before commit)
    WorkingCrs crs;
    LonLatBox area;               // the study area (admin units), lon/lat
    std::vector<Layer> layers;    // one per config source, in config order; unreadable ones have no features
    GeomPtr province;             // union of the prefectures (else the counties), working CRS; null without them

    std::vector<const Layer*> role(const std::string& name) const;
    // The union of every geometry of a role (working CRS); null when the role has none.
    GeomPtr union_of(const std::string& role) const;
    bool usable() const;          // no layer has an Error-severity problem
};

// How far outside the admin units a feature may lie before it is reported (m): data along the
// border and generalised outlines should not raise noise.
constexpr double kOutsideProvinceTolerance_m = 2000.0;

// Called with each road as it is read (in the working CRS, after the study's checks), with the
// layer and its place among the "roads" layers; the feature is freed when the call returns.
using RoadSink = std::function<void(const Layer& layer, std::uint32_t road_layer, Feature&& road)>;

// With `roads`, the roads are not held: each goes to `roads` as it is read, and the roads layers are
// left `released` (no features; stream_layer reads them again). A country's roads are then held
// once, by what `roads` makes of them (the road graph).
Study load_study(const StudyConfig& config, const Progress& progress = {}, const RoadSink& roads = {});

}  // namespace townsite
