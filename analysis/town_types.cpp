#include "analysis/town_types.h"

#include "geo/error.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace townsite {

namespace {

// Jilin's development types of demonstration towns, with rules a planner can read and change.
std::vector<TownTypeRule> default_rules() {
    std::vector<TownTypeRule> r = {
        {"border", "边境发展型", "border development", "border_county == 1 and border_km <= 50", {}, 0},
        {"metro", "都市卫星型", "metro satellite", "in_metro == 1 and metro_core_min <= 60", {}, 0},
        {"industry", "产业带动型", "industry-led", "industry_output >= p75", {}, 0},
        {"tourism", "文旅融合型", "culture and tourism", "heritage_sites >= 1", {}, 0},
        {"trade", "商贸流通型", "trade and logistics", "pop_30min >= p75 and county_seat_min <= 30", {}, 0},
    };
    for (auto& rule : r) rule.all = parse_condition(rule.when);
    return r;
}

std::string fmt(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// 597362 -> "597,362".
std::string with_separators(long long v) {
    std::string digits = std::to_string(v < 0 ? -v : v), out;
    for (std::size_t k = 0; k < digits.size(); ++k) {
        if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
        out += digits[k];
    }
    return v < 0 ? "-" + out : out;
}

// One comparison as a planner says it, from the column's labels and unit: 至县城不超过30分钟 / to the
// county seat at most 30 min; a yes/no field by its label (边境县 / border county); a percentile
// threshold with the share of towns it keeps (全省前25% / top 25 % of towns).
Words plain(const Column& col, const std::string& op, double v, double percentile) {
    if (col.type == ColumnType::Flag && (v == 0 || v == 1) && (op == "==" || op == "!=")) {
        if ((op == "==") == (v == 1)) return {col.zh, col.en};
        return {"非" + col.zh, "not " + col.en};
    }
    static const std::vector<std::array<std::string, 3>> ops = {{">=", "不低于", "at least"}, {">", "高于", "above"}, {"<=", "不超过", "at most"},
                                                                {"<", "低于", "below"},     {"==", "等于", "equal to"}, {"!=", "不等于", "not"}};
    Words w{col.zh, col.en};
    for (const auto& [symbol, zh, en] : ops)
        if (symbol == op) w.zh += zh, w.en += " " + en + " ";
    static const std::vector<std::array<std::string, 3>> units = {{"min", "分钟", " min"}, {"km", "公里", " km"}, {"m", "米", " m"},
                                                                  {"km²", "平方公里", " km²"}, {"persons", "人", " persons"}, {"%", "%", " %"}};
    std::string unit_zh = col.unit, unit_en = col.unit.empty() ? "" : " " + col.unit;
    for (const auto& [unit, zh, en] : units)
        if (unit == col.unit) unit_zh = zh, unit_en = en;
    const bool people = col.unit == "persons" && std::abs(v) >= 1e4;
    char wan[32];
    std::snprintf(wan, sizeof wan, "%.1f万", v / 1e4);
    w.zh += (people ? std::string(wan) : fmt(v)) + unit_zh;
    if (col.unit == "亿元") w.en += fmt(v / 10) + " billion yuan";   // 1 亿 = 100 million
    else w.en += (people ? with_separators(std::llround(v)) : fmt(v)) + unit_en;
    if (std::isfinite(percentile)) {
        if (op == ">" || op == ">=") w.zh += "（全省前" + fmt(100 - percentile) + "%）", w.en += " (top " + fmt(100 - percentile) + " % of towns)";
        else if (op == "<" || op == "<=") w.zh += "（全省后" + fmt(percentile) + "%）", w.en += " (bottom " + fmt(percentile) + " % of towns)";
        else w.zh += "（第" + fmt(percentile) + "百分位）", w.en += " (percentile " + fmt(percentile) + ")";
    }
    return w;
}

bool compare(double a, const std::string& op, double b) {
    if (!std::isfinite(a)) return false;
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    if (op == ">=") return a >= b;
    if (op == "==") return a == b;
    return a != b;
}

// Percentile p (0..100) of the finite values, linear between order statistics (as numpy's default).
double percentile(std::vector<double> v, double p) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const double pos = p / 100 * double(v.size() - 1);
    const std::size_t lo = std::size_t(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

}  // namespace

std::vector<Condition> parse_condition(const std::string& when) {
    std::vector<Condition> out;
    std::istringstream in(when);
    std::string field, op, value, joiner;
    auto bad = [&when](const std::string& what) {
        return Error("the town type rule \"" + when + "\" " + what)
            .with_hint("write comparisons of a town field with a number or a percentile joined by \"and\", e.g. "
                       "when = \"industry_output >= p75 and county_seat_min <= 30\".");
    };
    while (in >> field) {
        if (!(in >> op >> value)) throw bad("ends early after \"" + field + "\"");
        static const std::vector<std::string> ops = {"<", "<=", ">", ">=", "==", "!="};
        if (std::find(ops.begin(), ops.end(), op) == ops.end()) throw bad("has \"" + op + "\" where a comparison (<, <=, >, >=, ==, !=) belongs");
        Condition c{field, op, 0, NAN};
        try {
            std::size_t used = 0;
            if (!value.empty() && (value[0] == 'p' || value[0] == 'P')) {
                c.percentile = std::stod(value.substr(1), &used);
                if (used != value.size() - 1 || c.percentile < 0 || c.percentile > 100) throw std::invalid_argument(value);
            } else {
                c.value = std::stod(value, &used);
                if (used != value.size()) throw std::invalid_argument(value);
            }
        } catch (const std::exception&) {
            throw bad("has \"" + value + "\" where a number or a percentile (p0 to p100) belongs");
        }
        out.push_back(c);
        if (!(in >> joiner)) break;
        if (joiner != "and") throw bad("joins comparisons with \"" + joiner + "\"; only \"and\" is understood (put alternatives in separate rules)");
    }
    if (out.empty()) throw bad("is empty");
    return out;
}

const Options<TownTypeOptions>& town_type_option_table() {
    static const Options<TownTypeRule> rule =
        Options<TownTypeRule>("town_type", "key, name_zh, name_en and when")
            .text("key", &TownTypeRule::key, "the type's short name; \"comprehensive\" (or no `when`) names the fallback")
            .text("name_zh", &TownTypeRule::name_zh, "its name in Chinese (default: the key)")
            .text("name_en", &TownTypeRule::name_en, "its name in English (default: the key)")
            .text("when", &TownTypeRule::when, "conditions joined by \"and\": field op value, or field op p75 (a percentile over all towns)")
            .check([](TownTypeRule& r, const ConfigPlace& at, OptionTable::Problems& problems) {
                r.line = at.line;
                if (r.key.empty()) problems.push_back({r.line, "a [[town_types]] entry has no key", "add key = \"industry\" (a short name)."});
                if (r.name_zh.empty()) r.name_zh = r.key;
                if (r.name_en.empty()) r.name_en = r.key;
                if (r.when.empty() || r.key == "comprehensive") return;
                try {
                    r.all = parse_condition(r.when);
                } catch (const Error& e) {
                    problems.push_back({r.line, e.message(), e.hint()});
                }
            });
    static const Options<TownTypeOptions> s = Options<TownTypeOptions>("town_types", "development types, tried in order",
                                                                       [] {
                                                                           TownTypeOptions o;
                                                                           o.rules = default_rules();
                                                                           return o;
                                                                       })
                                                  .tables<TownTypeRule>("town_types", &TownTypeOptions::rules, rule,
                                                                        "the types (default: Jilin's six), the first that holds wins");
    return s;
}

TownTypeOptions town_type_options(const StudyConfig& config) {
    TownTypeOptions opt = town_type_option_table().read_top_level(config);
    opt.config_path = config.path;
    // The fallback ("comprehensive", or a rule with no condition) is what no rule gives, not a rule.
    std::vector<TownTypeRule> rules;
    for (TownTypeRule& r : opt.rules) {
        if (r.when.empty() || r.key == "comprehensive") {
            opt.fallback = r;
            opt.fallback.when.clear();
        } else {
            rules.push_back(std::move(r));
        }
    }
    opt.rules = std::move(rules);
    return opt;
}

std::vector<TownType> classify_towns(const TownTable& table, const TownTypeOptions& opt) {
    // Resolve fields and percentiles once.
    struct Resolved {
        const std::vector<double>* column;
        std::string op;
        double value;
        Words text;
    };
    std::vector<std::vector<Resolved>> rules;
    for (const auto& r : opt.rules) {
        std::vector<Resolved> rr;
        for (const auto& c : r.all) {
            const auto& values = table.column(c.field, "[[town_types]] \"" + r.key + "\" of " + opt.config_path);
            const double v = std::isfinite(c.percentile) ? percentile(values, c.percentile) : c.value;
            Column col;
            col.zh = col.en = c.field;
            for (const Column& k : table.columns)
                if (k.name == c.field) col = k;
            rr.push_back({&values, c.op, v, plain(col, c.op, v, c.percentile)});
        }
        rules.push_back(rr);
    }
    std::vector<TownType> out(table.size());
    for (std::size_t i = 0; i < table.size(); ++i) {
        out[i] = {opt.fallback.key, opt.fallback.name_zh, opt.fallback.name_en, "", ""};
        for (std::size_t k = 0; k < rules.size(); ++k) {
            bool holds = true;
            for (const auto& c : rules[k]) holds = holds && compare((*c.column)[i], c.op, c.value);
            if (!holds) continue;
            std::string zh, en;
            for (const auto& c : rules[k]) zh += (zh.empty() ? "" : "，") + c.text.zh, en += (en.empty() ? "" : ", ") + c.text.en;
            out[i] = {opt.rules[k].key, opt.rules[k].name_zh, opt.rules[k].name_en, zh, en};
            break;
        }
    }
    return out;
}

}  // namespace townsite
