// scenarios: other weights, bonuses and quotas to try against the base run, in one config:
//
//   [[scenarios]]
//   name = "more_industry"
//   weights = { industry = 0.4, population = 0.2 }   # direct weights of the indicators named (others keep theirs)
//   bonus = { in_metro = 0 }                          # bonus points replaced
//   counts = { provincial = 25 }                      # tier counts replaced
//
//   for (const Scenario& s : scenario_options(config)) {
//       Scores sc = score_towns(table, with_scenario(scoring, s));
//       Selection sel = select_towns(table, sc, types, with_scenario(scoring, s), with_scenario(selection, s));
//   }
//
// A scenario that sets weights switches to direct weights: the base run's weights (whatever method
// gave them) for the indicators it does not name.
#pragma once

#include "analysis/selection.h"

#include <map>
#include <string>
#include <vector>

namespace townsite {

struct Scenario {
    std::string name;
    std::string label_zh, label_en;   // what the report and the QGIS aliases call it; the name when empty
    std::map<std::string, double> weights, bonus;
    std::map<std::string, int> counts;
    int line = 0;
};

// [[scenarios]], each option declared once; names must be unique, and every indicator, bonus and
// tier named must exist.
const OptionTable& scenario_option_table();
// A scenario's label in both languages (its name where a label is not given).
inline Words scenario_words(const Scenario& s) { return {s.label_zh.empty() ? s.name : s.label_zh, s.label_en.empty() ? s.name : s.label_en}; }
std::vector<Scenario> scenario_options(const StudyConfig& config, const ScoringOptions& scoring, const SelectionOptions& selection);

// The options of the base run changed as the scenario says. `base_weights`: the weights the base
// run used (from AHP or entropy too), for the indicators the scenario leaves alone.
ScoringOptions with_scenario(const ScoringOptions& scoring, const std::vector<double>& base_weights, const Scenario& scenario);
SelectionOptions with_scenario(const SelectionOptions& selection, const Scenario& scenario);

}  // namespace townsite
