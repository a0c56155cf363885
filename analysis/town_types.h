// town_types: the development type of each town (Jilin publishes its provincial demonstration towns
// by type), by rules over its fields, the first rule that holds winning. A rule is a condition in
// plain words: comparisons of a town field with a number or with a percentile of that field over
// the study's towns ("p75"), joined by "and":
//
//   [[town_types]]
//   key = "industry"  name_zh = "产业带动型"  name_en = "industry-led"
//   when = "industry_output >= p75"
//
//   TownTypeOptions opt = town_type_options(study.config);
//   std::vector<TownType> types = classify_towns(table, opt);   // types[i].name_zh, types[i].rule
//
// A town no rule fits is of the fallback type (综合服务型, comprehensive service). A field that is
// missing for a town makes the comparison false.
#pragma once

#include "analysis/town_table.h"
#include "geo/options.h"

#include <string>
#include <vector>

namespace townsite {

struct Condition {
    std::string field, op;   // op: < <= > >= == !=
    double value = 0;
    double percentile = NAN; // when the value was written pNN
};

struct TownTypeRule {
    std::string key, name_zh, name_en;
    std::string when;                  // as written; empty for the fallback
    std::vector<Condition> all;
    int line = 0;
};

struct TownTypeOptions {
    std::vector<TownTypeRule> rules;   // in the order they are tried
    TownTypeRule fallback{"comprehensive", "综合服务型", "comprehensive service", "", {}, 0};
    std::string config_path;
};

// Reads [[town_types]] (Jilin's six types when absent). The key "comprehensive" (or a rule with no
// `when`) names the fallback. Conditions that do not parse are config problems with the line.
const Options<TownTypeOptions>& town_type_option_table();
TownTypeOptions town_type_options(const StudyConfig& config);

// Parses "field op value [and field op value ...]"; throws Error saying what it expected.
std::vector<Condition> parse_condition(const std::string& when);

struct TownType {
    std::string key, name_zh, name_en;
    // The condition that fired, in plain words from the fields' labels and units, percentiles resolved
    // ("30分钟内人口不低于59.7万人（全省前25%），至县城不超过30分钟" / "population within 30 min at least
    // 597,362 persons (top 25 % of towns), to the county seat at most 30 min"); empty: the fallback.
    std::string rule, rule_en;
};

// Throws Error when a rule names a field the table lacks.
std::vector<TownType> classify_towns(const TownTable& table, const TownTypeOptions& options);

}  // namespace townsite
