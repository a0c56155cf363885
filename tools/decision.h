// The decision pipeline shared by `townsite score` and `townsite select`: load the study, build the
// road graph, run access (and coverage when an indicator or a town-type rule asks for a coverage
// field), proximity, the town table, scores and town types; and the writer of the towns layer with
// every field those steps produce.
#pragma once

#include "analysis/scenarios.h"
#include "analysis/selection.h"
#include "geo/writer.h"
#include "tools/command.h"
#include "tools/layers_out.h"
#include "tools/styles.h"

#include <optional>

namespace townsite::tools {

struct Decision {
    RoutedStudy routed;
    AccessOptions access_options;
    CoverageOptions coverage_options;
    AccessResult access;
    std::optional<CoverageResult> coverage;
    ProximityOptions proximity_options;
    std::vector<TownProximity> proximity;
    TownTable table;
    ScoringOptions scoring;
    Scores scores;
    TownTypeOptions type_options;
    std::vector<TownType> types;
};

// Every option of the config is read (and every problem reported) before any heavy work. Coverage
// runs when an indicator or a type rule needs it, or when `with_coverage`.
std::unique_ptr<Decision> compute_decision(const StudyConfig& config, const Progress& progress, StepTimer& timer, bool with_coverage = false);

// The selection, its stability and the scenarios of the config.
struct DecisionRun {
    Selection selection;
    std::optional<Sensitivity> sensitivity;
    std::vector<Scenario> scenarios;
    std::vector<std::vector<int>> scenario_tiers;   // [scenario][town]
    std::vector<std::size_t> scenario_changes;      // towns whose tier differs from the base run
};

// --sensitivity, --seed, --scheme, --spread, --concentration, bound once for select and run.
struct SensitivityArgs {
    SensitivityOptions options;
    std::string scheme = "uniform";
    double spread_pct = 20;
};
void add_sensitivity_options(CLI::App* cmd, SensitivityArgs& args, int default_runs);

DecisionRun run_selection(const Decision& d, const StudyConfig& config, const SelectionOptions& selection, SensitivityArgs& sensitivity,
                          const Progress& progress, StepTimer& timer);

// demo_towns: the selected towns with tier, type, score, ranks and reasons.
void write_demo_towns(OutputDataset& out, const Decision& d, const SelectionOptions& selection, const DecisionRun& run);
// scenario_tiers, when the config has scenarios: each town's tier in the base run and in each scenario.
void write_scenario_tiers(OutputDataset& out, const Decision& d, const SelectionOptions& selection, const DecisionRun& run);
// Prints the tiers (count, cut-off, per prefecture), the shortfalls, stability and scenario changes.
void print_selection(const Decision& d, const SelectionOptions& selection, const DecisionRun& run, const SensitivityArgs& sensitivity,
                     std::ostream& os);

// The towns layer: identity, every table field, each indicator's normalised value and
// contribution, bonus, score, ranks, type; the tier, reasons and stability when given.
void write_towns(OutputDataset& out, const Decision& d, const SelectionOptions* selection_options = nullptr,
                 const Selection* selection = nullptr, const Sensitivity* sensitivity = nullptr);

// A town's seat point (working CRS), for layers of towns.
GeomPtr town_point(const Decision& d, std::size_t town);

// Style hints from the scores (towns graduated up to the best score) and the tiers.
StyleHints style_hints(const Decision& d, const SelectionOptions* selection);

// Prints the weights (with AHP's consistency) and the best towns.
void print_scores(const Decision& d, std::ostream& os, int top);

}  // namespace townsite::tools
