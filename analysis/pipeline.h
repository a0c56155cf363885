// pipeline: the decision as named steps, each a function of the steps before it:
//
//   options      every section of the config, read and checked before any step runs
//   study        the layers, projected, repaired and checked (refused when it has errors)
//   graph        the road network
//   settlements  the towns and villages, snapped once
//   access       travel times, catchments, E2SFCA, isochrones, road problems
//   coverage     utility coverage, gaps and extensions (when a rule reads it, or asked for)
//   proximity    the policy's priority areas
//   land         room to grow and the bottom lines (when the study has their layers)
//   services     public services against the standards of [services.<kind>]
//   scores       the town table, scores, ranks and development types
//   selection    the tiers under the quotas, with reasons
//   sensitivity  stability under other weights (when asked for)
//   scenarios    the [[scenarios]] of the config against the base run
//
//   const StudyOptions options = read_study_options(config);        // throws Error listing every problem
//   auto d = compute_decision(config, options, progress, done);
//   DecisionRun r = run_selection(*d, sensitivity, progress, done);
//
// Each step reports its progress; when the progress callback returns false (the user cancelled)
// the step stops at the next point where it can and throws Cancelled.
#pragma once

#include "analysis/access.h"
#include "analysis/coverage.h"
#include "analysis/land.h"
#include "analysis/proximity.h"
#include "analysis/scenarios.h"
#include "analysis/selection.h"
#include "analysis/services.h"
#include "analysis/settlements.h"
#include "analysis/town_table.h"
#include "analysis/town_types.h"
#include "analysis/works.h"
#include "geo/road_graph.h"
#include "geo/study.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace townsite {

// Every section of the config, as the steps read it.
struct StudyOptions {
    NetworkOptions network;
    AccessOptions access;
    CoverageOptions coverage;
    ProximityOptions proximity;
    LandOptions land;
    ScoringOptions scoring;
    ServiceOptions services;
    TownTypeOptions types;
    SelectionOptions selection;
    std::vector<Scenario> scenarios;
    CostOptions costs;
};

// Reads every section; all the problems of all sections in one Error (file, line, key, fix).
StudyOptions read_study_options(const StudyConfig& config);

// Called with a step's name when it is done (timings, logs); may be empty.
using StepDone = std::function<void(const std::string& step)>;

// The study and its road graph. The study is refused (Error with every Error-severity problem, each
// with its file, layer, feature and fix) when it has errors; `inspect` lists the warnings too. The
// graph took each road as it was read, so the roads are held once, in the graph: the roads layers
// are released (Layer::released), and writing them out reads them again.
struct RoutedStudy {
    Study study;
    RoadGraph graph;
};
Study load_usable_study(const StudyConfig& config, const Progress& progress = {}, const RoadSink& roads = {});
RoutedStudy load_routed_study(const StudyConfig& config, const NetworkOptions& network, const Progress& progress = {});

// The steps up to the scores and types.
struct Decision {
    StudyOptions options;
    RoutedStudy routed;
    Settlements settlements;
    AccessResult access;
    std::optional<CoverageResult> coverage;
    std::vector<TownProximity> proximity;
    std::optional<LandResult> land;   // when has_land_layers(study)
    ServiceResult services;   // the standards of [services.<kind>]; empty without them
    TownTable table;
    Scores scores;
    std::vector<TownType> types;
};

// True when a scoring indicator or a town-type rule reads a field of the coverage step.
bool needs_coverage(const StudyOptions& options);

// Coverage runs when needs_coverage(options), or when `with_coverage`.
std::unique_ptr<Decision> compute_decision(const StudyConfig& config, StudyOptions options, const Progress& progress = {},
                                           const StepDone& done = {}, bool with_coverage = false);

// The steps after it: the selection, its stability and the scenarios.
struct DecisionRun {
    Selection selection;
    std::optional<Sensitivity> sensitivity;
    std::vector<std::vector<int>> scenario_tiers;   // [scenario][town]
    std::vector<std::size_t> scenario_changes;      // towns whose tier differs from the base run's
};
DecisionRun run_selection(const Decision& decision, const SensitivityOptions& sensitivity, const Progress& progress = {},
                          const StepDone& done = {});

}  // namespace townsite
