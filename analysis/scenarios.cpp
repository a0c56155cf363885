#include "analysis/scenarios.h"

#include "geo/error.h"
#include "geo/text.h"

#include <algorithm>
#include <set>

namespace townsite {

namespace {

// What a scenario may change; the keys of its tables are checked against the base run's
// indicators, bonuses and tiers once those are known (scenario_options).
struct ScenarioList {
    std::vector<Scenario> scenarios;
};

const Options<ScenarioList>& scenario_table() {
    static const Options<Scenario> scenario =
        Options<Scenario>("scenario", "a name and the weights, bonus or counts that change")
            .text("name", &Scenario::name, "the scenario's name (unique): the key in field names (tier_<name>)")
            .text("label_zh", &Scenario::label_zh, "its name in Chinese, for the report and the QGIS aliases (default: the name)")
            .text("label_en", &Scenario::label_en, "its name in English (default: the name)")
            .number_map("weights", &Scenario::weights, 0, 1e6, "", "direct weights for the named indicators; the others keep the base run's")
            .number_map("bonus", &Scenario::bonus, 0, 1000, "points", "bonus points for the named priority areas")
            .whole_map("counts", &Scenario::counts, 0, 1000000, "towns to select in the named tiers")
            .check([](Scenario& s, const ConfigPlace& at, OptionTable::Problems& problems) {
                s.line = at.line;
                if (s.name.empty()) problems.push_back({s.line, "a [[scenarios]] entry has no name", "add name = \"more_industry\"."});
            });
    static const Options<ScenarioList> s = Options<ScenarioList>("scenarios", "the same study with other weights, bonuses or tier counts")
                                               .tables<Scenario>("scenarios", &ScenarioList::scenarios, scenario, "none by default");
    return s;
}

}  // namespace

const OptionTable& scenario_option_table() { return scenario_table(); }

std::vector<Scenario> scenario_options(const StudyConfig& config, const ScoringOptions& scoring, const SelectionOptions& selection) {
    const std::vector<Scenario> out = scenario_table().read_top_level(config).scenarios;
    std::vector<std::string> indicators, bonuses, tiers;
    for (const auto& i : scoring.indicators) indicators.push_back(i.name);
    for (const auto& b : scoring.bonuses) bonuses.push_back(b.field);
    for (const auto& t : selection.tiers) tiers.push_back(t.key);
    std::vector<ConfigProblem> problems;
    std::set<std::string> names;
    for (const Scenario& s : out) {
        if (!s.name.empty() && !names.insert(s.name).second)
            problems.push_back({s.line, "scenario \"" + s.name + "\" is given twice", "give each scenario its own name."});
        auto known = [&](const char* table, const std::vector<std::string>& words, const auto& given) {
            for (const auto& [name, value] : given) {
                if (std::find(words.begin(), words.end(), name) != words.end()) continue;
                problems.push_back({s.line, "scenario \"" + s.name + "\": unknown " + table + " key \"" + name + "\"" + did_you_mean(name, words),
                                    "use one of: " + join(words) + "."});
            }
        };
        known("weights", indicators, s.weights);
        known("bonus", bonuses, s.bonus);
        known("counts", tiers, s.counts);
    }
    throw_config_problems(config.path, problems);
    return out;
}

ScoringOptions with_scenario(const ScoringOptions& scoring, const std::vector<double>& base_weights, const Scenario& s) {
    ScoringOptions o = scoring;
    if (!s.weights.empty()) {
        o.method = WeightMethod::Direct;
        for (std::size_t j = 0; j < o.indicators.size(); ++j) {
            const auto it = s.weights.find(o.indicators[j].name);
            o.indicators[j].weight = it != s.weights.end() ? it->second : base_weights[j];
        }
    }
    for (auto& b : o.bonuses)
        if (auto it = s.bonus.find(b.field); it != s.bonus.end()) b.points = it->second;
    return o;
}

SelectionOptions with_scenario(const SelectionOptions& selection, const Scenario& s) {
    SelectionOptions o = selection;
    for (auto& t : o.tiers)
        if (auto it = s.counts.find(t.key); it != s.counts.end()) t.count = it->second;
    return o;
}

}  // namespace townsite
