#include "analysis/scenarios.h"

#include "geo/error.h"

#include <set>

namespace townsite {

std::vector<Scenario> scenario_options(const StudyConfig& config, const ScoringOptions& scoring, const SelectionOptions& selection) {
    std::vector<Scenario> out;
    std::vector<ConfigProblem> problems;
    const toml::node* n = config.table.get("scenarios");
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) {
        problems.push_back({config_line(*n), "\"scenarios\" must be [[scenarios]] tables", "write [[scenarios]] with a name and weights, bonus or counts."});
        throw_config_problems(config.path, problems);
    }
    std::vector<std::string> indicators, bonuses, tiers;
    for (const auto& i : scoring.indicators) indicators.push_back(i.name);
    for (const auto& b : scoring.bonuses) bonuses.push_back(b.field);
    for (const auto& t : selection.tiers) tiers.push_back(t.key);
    std::set<std::string> names;
    for (const auto& item : *arr) {
        const toml::table& t = *item.as_table();
        check_keys(t, "scenarios", {"name", "weights", "bonus", "counts"}, problems);
        Scenario s;
        s.line = config_line(t);
        read_text(t, "scenarios", "name", s.name, problems);
        if (s.name.empty()) problems.push_back({s.line, "a [[scenarios]] entry has no name", "add name = \"more_industry\"."});
        else if (!names.insert(s.name).second) problems.push_back({s.line, "scenario \"" + s.name + "\" is given twice", "give each scenario its own name."});
        // One table of numbers whose keys must be among `known`.
        auto numbers = [&](const char* key, const std::vector<std::string>& known, auto store) {
            const toml::node* tn = t.get(key);
            if (!tn) return;
            const toml::table* tt = tn->as_table();
            if (!tt) {
                problems.push_back({config_line(*tn), std::string("\"scenarios.") + key + "\" must be a table", std::string("e.g. ") + key + " = { " + (known.empty() ? "x" : known[0]) + " = 1 }."});
                return;
            }
            for (const auto& [k, v] : *tt) {
                const std::string name(k.str());
                const int line = int(k.source().begin.line);
                if (std::find(known.begin(), known.end(), name) == known.end()) {
                    const std::string near = closest_word(name, known);
                    std::string list;
                    for (const auto& w : known) list += (list.empty() ? "" : ", ") + w;
                    problems.push_back({line, "scenario \"" + s.name + "\": unknown " + key + " key \"" + name + "\"" + (near.empty() ? "" : " (did you mean \"" + near + "\"?)"),
                                        "use one of: " + list + "."});
                } else if (const auto x = finite_number(v); !x || *x < 0) {
                    problems.push_back({line, "scenario \"" + s.name + "\": " + key + "." + name + " must be a number of 0 or more", "e.g. " + name + " = 1."});
                } else {
                    store(name, *x);
                }
            }
        };
        numbers("weights", indicators, [&s](const std::string& k, double v) { s.weights[k] = v; });
        numbers("bonus", bonuses, [&s](const std::string& k, double v) { s.bonus[k] = v; });
        numbers("counts", tiers, [&s](const std::string& k, double v) { s.counts[k] = int(v); });
        out.push_back(s);
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
