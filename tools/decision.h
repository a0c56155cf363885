// The decision pipeline shared by `townsite score` and `townsite select`: load the study, build the
// road graph, run access (and coverage when an indicator or a town-type rule asks for a coverage
// field), proximity, the town table, scores and town types; and the writer of the towns layer with
// every field those steps produce.
#pragma once

#include "analysis/scenarios.h"
#include "analysis/selection.h"
#include "geo/writer.h"
#include "tools/command.h"
#include "tools/styles.h"

#include <optional>

namespace townsite::tools {

struct Decision {
    RoutedStudy routed;
    AccessOptions access_options;
    AccessResult access;
    std::optional<CoverageResult> coverage;
    std::vector<TownProximity> proximity;
    TownTable table;
    ScoringOptions scoring;
    Scores scores;
    TownTypeOptions type_options;
    std::vector<TownType> types;
};

// Every option of the config is read (and every problem reported) before any heavy work.
std::unique_ptr<Decision> compute_decision(const StudyConfig& config, const Progress& progress, StepTimer& timer);

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
