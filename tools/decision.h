// What `townsite score`, `select`, `run` and `report` write and print of the decision (the steps of
// analysis/pipeline): the towns layer with every field the steps produce, the demonstration towns,
// the scenario tiers, the style hints and the console summaries; and the sensitivity arguments.
#pragma once

#include "analysis/pipeline.h"
#include "geo/writer.h"
#include "tools/command.h"
#include "tools/layers_out.h"
#include "tools/styles.h"

namespace townsite::tools {

// --sensitivity, --seed, --scheme, --spread, --concentration, bound once for select, run and report.
struct SensitivityArgs {
    SensitivityOptions options;
    std::string scheme = "uniform";
    double spread_pct = 20;
    SensitivityOptions resolved() const;   // the scheme and spread as the options take them
};
void add_sensitivity_options(CLI::App* cmd, SensitivityArgs& args, int default_runs);

// The towns layer: identity, every table field, each indicator's normalised value and
// contribution, bonus, score, ranks, type; with a run, the tier, reasons and stability.
void write_towns(OutputDataset& out, const Decision& d, const DecisionRun* run = nullptr);
// demo_towns: the selected towns with tier, type, score, ranks and reasons.
void write_demo_towns(OutputDataset& out, const Decision& d, const DecisionRun& run);
// scenario_tiers, when the config has scenarios: each town's tier in the base run and in each scenario.
void write_scenario_tiers(OutputDataset& out, const Decision& d, const DecisionRun& run);
// The works list (项目清单) of the demonstration towns, as points at each work's place.
void write_works(OutputDataset& out, const Decision& d, const DecisionRun& run, const std::vector<Work>& works);

// Style hints from the scores (towns graduated up to the best score) and, with_tiers, the tiers.
StyleHints style_hints(const Decision& d, bool with_tiers, Lang lang);

// Prints the weights (with AHP's consistency) and the best towns.
void print_scores(const Decision& d, std::ostream& os, int top);
// Prints the tiers (count, cut-off, per prefecture), the shortfalls, stability and scenario changes.
void print_selection(const Decision& d, const DecisionRun& run, const SensitivityOptions& sensitivity, std::ostream& os);

}  // namespace townsite::tools
