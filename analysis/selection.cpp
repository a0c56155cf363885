#include "analysis/selection.h"

#include "geo/text.h"

#include "geo/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

namespace townsite {

namespace {

std::string str(int v) { return std::to_string(v); }

// The policy's tiers: provincial 30 (at least 2 per prefecture), municipal at least 40 (at least 2 per
// prefecture), county-level at least 50 (at least 1 per county-level unit).
std::vector<TierRule> default_tiers() {
    TierRule p{"provincial", "省级", "provincial", 30, false, {}, 2, -1, 0, -1, 0, {}, 0};
    TierRule m{"municipal", "市级", "municipal", 40, true, {}, 2, -1, 0, -1, 0, {}, 0};
    TierRule c{"county", "县级", "county-level", 50, true, {}, 0, -1, 1, -1, 0, {}, 0};
    return {p, m, c};
}

}  // namespace

const Options<SelectionOptions>& selection_option_table() {
    static const Options<TierRule> tier =
        Options<TierRule>("tier", "key, count and the unit minimums, in the order to fill them")
            .text("key", &TierRule::key, "the tier's short name (provincial, municipal, county)")
            .text("name_zh", &TierRule::name_zh, "its name in Chinese (default: the policy's, else the key)")
            .text("name_en", &TierRule::name_en, "its name in English")
            .integer("count", &TierRule::count, 0, 1000000, "towns to select (required)")
            .flag("at_least", &TierRule::at_least, "count is a minimum: the tier takes the larger of count and the sum of the unit minimums")
            .texts("kinds", &TierRule::kinds, "kinds of town eligible for the tier (empty: eligible_kinds)")
            .integer("min_per_prefecture", &TierRule::min_per_prefecture, 0, 100000, "towns at least per prefecture")
            .integer("max_per_prefecture", &TierRule::max_per_prefecture, 0, 100000, "towns at most per prefecture (-1: no maximum)")
            .integer("min_per_county", &TierRule::min_per_county, 0, 100000, "towns at least per county")
            .integer("max_per_county", &TierRule::max_per_county, 0, 100000, "towns at most per county (-1: no maximum)")
            .number("min_spacing_km", &TierRule::min_spacing_km, 0, 1000, "km", "towns of the tier at least this far apart")
            .whole_map("min_per_type", &TierRule::min_per_type, 0, 100000, "towns at least per development type, e.g. { border = 2 }")
            .check([](TierRule& r, const ConfigPlace& at, OptionTable::Problems& problems) {
                r.line = at.line;
                if (r.key.empty()) problems.push_back({r.line, "a [[selection.tiers]] entry has no key", "add key = \"provincial\"."});
                if (!at.given("count")) problems.push_back({r.line, "tier \"" + r.key + "\" has no count", "add count = 30 (towns to select)."});
                for (const auto& d : default_tiers())
                    if (d.key == r.key) {
                        if (!at.given("name_zh")) r.name_zh = d.name_zh;
                        if (!at.given("name_en")) r.name_en = d.name_en;
                    }
                if (r.name_zh.empty()) r.name_zh = r.key;
                if (r.name_en.empty()) r.name_en = r.key;
                if (r.max_per_prefecture >= 0 && r.max_per_prefecture < r.min_per_prefecture)
                    problems.push_back({r.line, "tier \"" + r.key + "\": max_per_prefecture is below min_per_prefecture", "raise the maximum."});
                if (r.max_per_county >= 0 && r.max_per_county < r.min_per_county)
                    problems.push_back({r.line, "tier \"" + r.key + "\": max_per_county is below min_per_county", "raise the maximum."});
            });
    static const Options<SelectionOptions> s =
        Options<SelectionOptions>("selection", "the demonstration towns of each tier",
                                  [] {
                                      SelectionOptions o;
                                      o.tiers = default_tiers();
                                      return o;
                                  })
            .texts("eligible_kinds", &SelectionOptions::eligible_kinds, "kinds of town that may be selected (designated towns, 镇)", true)
            .choice<bool>("on_shortfall", &SelectionOptions::report_shortfall, {{"error", false}, {"report", true}},
                          "error: stop when a quota cannot be met; report: select what can be and list the rest")
            .number("time_limit_s", &SelectionOptions::time_limit_s, 1, 86400, "s", "GLPK's time limit")
            .tables<TierRule>("tiers", &SelectionOptions::tiers, tier, "the tiers (default: the policy's three)");
    return s;
}

SelectionOptions selection_options(const StudyConfig& config) {
    SelectionOptions opt = selection_option_table().read(config);
    opt.config_path = config.path;
    return opt;
}

// ---------------------------------------------------------------- the solvers

namespace {

// One unit limit of one tier, with the names a reason needs.
// A unit as people name it: its name, else its code.
std::string label(const std::string& name, const std::string& code) { return name.empty() ? code : name; }

struct NamedLimit {
    std::string name;        // 白城市, 洮南市, 边境发展型
    std::string kind;        // "prefecture", "county", "type"
    std::string code;        // the unit's code (names repeat across a country) or the type's key
};

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// The tiers' eligibility and unit limits over the towns, fitted to them: a unit with fewer eligible
// towns than its minimums, or a tier with fewer than its count, is a shortfall (an Error, unless
// on_shortfall = "report"; then the minimums are lowered); minimums that add up to more than the
// tier's count are an Error always. Fills sel.problem.tiers, sel.eligible and sel.shortfalls.
std::vector<std::vector<NamedLimit>> fit_quotas(const QuotaTowns& towns, const SelectionOptions& opt, Selection& sel) {
    const std::size_t n = towns.kind.size(), T = opt.tiers.size();
    SelectionProblem& p = sel.problem;
    std::map<std::string, std::vector<std::size_t>> prefectures, counties, by_type;
    std::map<std::string, std::string> prefecture_name, county_name, type_name;
    for (std::size_t i = 0; i < n; ++i) {
        if (!towns.prefecture[i].empty()) prefectures[towns.prefecture[i]].push_back(i), prefecture_name[towns.prefecture[i]] = towns.prefecture_name[i];
        if (!towns.county[i].empty()) counties[towns.county[i]].push_back(i), county_name[towns.county[i]] = towns.county_name[i];
        if (!towns.type.empty()) by_type[towns.type[i]].push_back(i), type_name[towns.type[i]] = towns.type_name[i];
    }

    std::vector<std::vector<NamedLimit>> names(T);
    sel.eligible.assign(n, false);
    std::vector<Shortfall> problems;   // config contradictions: always errors
    for (std::size_t t = 0; t < T; ++t) {
        const TierRule& rule = opt.tiers[t];
        TierProblem tier;
        const auto& kinds = rule.kinds.empty() ? opt.eligible_kinds : rule.kinds;
        tier.eligible.assign(n, false);
        for (std::size_t i = 0; i < n; ++i)
            if (contains(kinds, towns.kind[i])) tier.eligible[i] = sel.eligible[i] = true;
        auto add = [&](const std::map<std::string, std::vector<std::size_t>>& units, const std::map<std::string, std::string>& unit_names,
                       int min, int max, const char* kind) {
            if (min <= 0 && max < 0) return;
            for (const auto& [code, members] : units) {
                tier.limits.push_back({members, min, max});
                names[t].push_back({label(unit_names.at(code), code), kind, code});
            }
        };
        add(prefectures, prefecture_name, rule.min_per_prefecture, rule.max_per_prefecture, "prefecture");
        add(counties, county_name, rule.min_per_county, rule.max_per_county, "county");
        for (const auto& [key, m] : towns.type.empty() ? std::map<std::string, int>{} : rule.min_per_type) {
            tier.limits.push_back({by_type.count(key) ? by_type.at(key) : std::vector<std::size_t>{}, m, -1});
            names[t].push_back({type_name.count(key) ? type_name.at(key) : key, "type", key});
        }
        tier.spacing_m = rule.min_spacing_km * 1000;
        tier.count = rule.count;
        p.tiers.push_back(tier);
    }

    // Shortfalls: a unit with fewer eligible towns than its minimums (over the tiers in fill order:
    // a town serves one tier only), and a tier with fewer eligible towns than its count.
    std::map<std::string, int> used;   // unit name + kind -> towns already claimed by earlier tiers' minimums
    for (std::size_t t = 0; t < T; ++t) {
        TierProblem& tier = p.tiers[t];
        for (std::size_t u = 0; u < tier.limits.size(); ++u) {
            UnitLimit& lim = tier.limits[u];
            if (lim.min <= 0) continue;
            int eligible = 0;
            for (std::size_t i : lim.members) eligible += tier.eligible[i];
            const std::string key = names[t][u].kind + ":" + names[t][u].code;
            const int left = std::max(0, eligible - used[key]);
            if (left < lim.min) {
                std::string why = eligible == 0 ? "no eligible town" : "only " + str(eligible) + " eligible towns";
                if (used[key] > 0 && eligible > 0) why += ", " + str(std::min(eligible, used[key])) + " of them needed by earlier tiers' minimums";
                sel.shortfalls.push_back({opt.tiers[t].key, names[t][u].name, lim.min, left, why});
                lim.min = left;
            }
            used[key] += lim.min;
        }
        // The minimums of one kind of unit (prefectures, counties, types) partition the towns: the
        // tier needs at least their sum.
        std::map<std::string, int> minimums;
        for (std::size_t u = 0; u < tier.limits.size(); ++u) minimums[names[t][u].kind] += tier.limits[u].min;
        int needed = 0;
        for (const auto& [kind, sum] : minimums) needed = std::max(needed, sum);
        if (needed > tier.count) {
            if (opt.tiers[t].at_least) tier.count = needed;
            else
                problems.push_back({opt.tiers[t].key, "total", needed, tier.count,
                                    "the unit minimums add up to " + str(needed) + ", more than the tier's count of " + str(tier.count)});
        }
        int eligible = 0;
        for (std::size_t i = 0; i < n; ++i) eligible += tier.eligible[i];
        int claimed = 0;
        for (std::size_t e = 0; e < t; ++e) claimed += p.tiers[e].count;
        const int left = std::max(0, eligible - claimed);
        if (left < tier.count) {
            sel.shortfalls.push_back({opt.tiers[t].key, "total", tier.count, left,
                                      str(eligible) + " eligible towns, " + str(std::min(eligible, claimed)) + " of them in earlier tiers"});
            tier.count = left;
            // The towns left cannot hold the tier's unit minimums either: they are dropped (and listed),
            // and the tier takes its best towns wherever they are.
            if (needed > tier.count) {
                sel.shortfalls.push_back({opt.tiers[t].key, "unit minimums", needed, tier.count,
                                          "only " + str(tier.count) + " towns are left for the tier, so its unit minimums are dropped"});
                for (UnitLimit& lim : tier.limits) lim.min = 0;
            }
        }
    }
    auto describe = [&](const Shortfall& s) {
        std::string tier_name = s.tier;
        for (const auto& r : opt.tiers)
            if (r.key == s.tier) tier_name = r.name_en + " (" + r.name_zh + ")";
        return "tier " + tier_name + ", " + s.unit + ": needs " + str(s.needed) + ", can have " + str(s.available) + " (" + s.why + "), short by " +
               str(s.needed - s.available);
    };
    if (!problems.empty() || (!sel.shortfalls.empty() && !opt.report_shortfall)) {
        auto all = problems;
        if (!opt.report_shortfall) all.insert(all.end(), sel.shortfalls.begin(), sel.shortfalls.end());
        std::string list;
        for (const auto& s : all) list += "\n  " + describe(s);
        throw Error("the selection quotas cannot be met:" + list)
            .with_file(opt.config_path)
            .with_hint(problems.empty()
                           ? "lower those minimums in [[selection.tiers]], widen kinds (eligible kinds), or set on_shortfall = \"report\" "
                             "in [selection] to select what can be and list the shortfalls."
                           : "raise the tier's count (or set at_least = true) or lower its unit minimums in [[selection.tiers]].");
    }
    return names;
}

}  // namespace

namespace {

// Ranks by score among the eligible towns (ties in row order, as Scores ranks them).
void rank_eligible(const TownTable& table, const std::vector<double>& score, Selection& sel) {
    const std::size_t n = score.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return score[a] > score[b]; });
    sel.eligible_rank_province.assign(n, 0);
    sel.eligible_rank_prefecture.assign(n, 0);
    sel.eligible_rank_county.assign(n, 0);
    int province = 0;
    std::map<std::string, int> in_prefecture, in_county;
    for (std::size_t i : order) {
        if (!sel.eligible[i]) continue;
        sel.eligible_rank_province[i] = ++province;
        sel.eligible_rank_prefecture[i] = ++in_prefecture[table.towns[i].prefecture];
        sel.eligible_rank_county[i] = ++in_county[table.towns[i].county];
    }
}

}  // namespace

QuotaTowns quota_towns(const std::vector<Settlement>& towns) {
    QuotaTowns q;
    for (const Settlement& t : towns) {
        q.kind.push_back(t.kind);
        q.county.push_back(t.county), q.county_name.push_back(t.county_name);
        q.prefecture.push_back(t.prefecture), q.prefecture_name.push_back(t.prefecture_name);
    }
    return q;
}

void check_quotas(const QuotaTowns& towns, const SelectionOptions& options) {
    Selection scratch;
    fit_quotas(towns, options, scratch);
}

Selection select_towns(const TownTable& table, const Scores& scores, const std::vector<TownType>& types, const ScoringOptions& scoring,
                       const SelectionOptions& opt) {
    const std::size_t n = table.size(), T = opt.tiers.size();
    Selection sel;
    SelectionProblem& p = sel.problem;
    p.score = scores.score;
    for (const Settlement& t : table.towns) p.x.push_back(t.x), p.y.push_back(t.y);

    QuotaTowns towns = quota_towns(table.towns);
    for (std::size_t i = 0; i < n; ++i) towns.type.push_back(types[i].key), towns.type_name.push_back(types[i].name_zh);
    const std::vector<std::vector<NamedLimit>> names = fit_quotas(towns, opt, sel);

    const Solution sol = solve_selection(p, opt.time_limit_s);
    if (sol.timed_out)
        throw Error("GLPK found no selection within the time limit of " + fmt(opt.time_limit_s, 0) + " s")
            .with_file(opt.config_path)
            .with_hint("raise time_limit_s in [selection], or loosen min_spacing_km (spacing makes the program hardest).");
    if (!sol.feasible) {
        std::string list;
        for (std::size_t t = 0; t < T; ++t) {
            list += "\n  tier " + opt.tiers[t].key + ": " + str(p.tiers[t].count) + " towns";
            if (opt.tiers[t].min_per_prefecture) list += ", at least " + str(opt.tiers[t].min_per_prefecture) + " per prefecture";
            if (opt.tiers[t].min_per_county) list += ", at least " + str(opt.tiers[t].min_per_county) + " per county";
            if (opt.tiers[t].max_per_prefecture >= 0) list += ", at most " + str(opt.tiers[t].max_per_prefecture) + " per prefecture";
            if (opt.tiers[t].max_per_county >= 0) list += ", at most " + str(opt.tiers[t].max_per_county) + " per county";
            if (opt.tiers[t].min_spacing_km > 0) list += ", " + fmt(opt.tiers[t].min_spacing_km) + " km apart";
        }
        throw Error("no selection meets all the quotas together (each unit alone has enough eligible towns, but not for all "
                    "the limits at once):" + list)
            .with_file(opt.config_path)
            .with_hint("loosen a limit in [[selection.tiers]]: a smaller min_spacing_km, larger maximums, or smaller minimums.");
    }
    sel.tier_of = sol.tier_of;
    sel.method = sol.method;
    sel.optimal = sol.optimal;

    // Tier summaries. A town not selected at all is "blocked" from a tier when spacing keeps it from
    // a selected town of the tier or its unit's maximum is reached; the best such town that is not
    // blocked bounds the towns selected on merit, and the lowest of those is the tier's cut-off.
    // Towns selected below that bound entered for a unit minimum.
    auto blocked = [&](std::size_t i, std::size_t t, std::string& zh, std::string& en) {
        const TierRule& rule = opt.tiers[t];
        const TierProblem& tier = p.tiers[t];
        if (tier.spacing_m > 0)
            for (std::size_t j = 0; j < n; ++j) {
                const double d = std::hypot(p.x[i] - p.x[j], p.y[i] - p.y[j]);
                if (sel.tier_of[j] != int(t) || j == i || d >= tier.spacing_m) continue;
                zh = "未入选：距已入选" + rule.name_zh + "示范镇" + table.towns[j].name + fmt(d / 1000) + "公里，小于最小间距" + fmt(rule.min_spacing_km) + "公里";
                en = "not selected: " + fmt(d / 1000) + " km from " + table.towns[j].name + ", already a " + rule.name_en + " town (minimum spacing " +
                     fmt(rule.min_spacing_km) + " km)";
                return true;
            }
        for (std::size_t u = 0; u < tier.limits.size(); ++u) {
            const UnitLimit& lim = tier.limits[u];
            if (lim.max < 0 || std::find(lim.members.begin(), lim.members.end(), i) == lim.members.end()) continue;
            int in_unit = 0;
            for (std::size_t k : lim.members) in_unit += sel.tier_of[k] == int(t);
            if (in_unit < lim.max) continue;
            zh = "未入选：" + names[t][u].name + "的" + rule.name_zh + "名额已满（最多" + str(lim.max) + "个）";
            en = "not selected: the " + rule.name_en + " places of " + names[t][u].name + " are filled (at most " + str(lim.max) + ")";
            return true;
        }
        return false;
    };
    std::vector<std::string> blocked_reason_zh(n), blocked_reason_en(n);
    for (std::size_t t = 0; t < T; ++t) {
        TierSummary ts{opt.tiers[t].key, opt.tiers[t].name_zh, opt.tiers[t].name_en, 0, NAN, NAN, NAN, 0};
        for (std::size_t i = 0; i < n; ++i) {
            if (sel.tier_of[i] == int(t)) {
                ++ts.count;
                if (!(p.score[i] >= ts.lowest_selected)) ts.lowest_selected = p.score[i];
            } else if (p.tiers[t].eligible[i] && sel.tier_of[i] < 0) {
                // Towns of a later tier are not "left out": a later tier's minimum may need them.
                std::string zh, en;   // a town never selected is explained against the last tier it could enter
                const bool held_back = blocked(i, t, zh, en);
                blocked_reason_zh[i] = zh, blocked_reason_en[i] = en;
                if (!held_back && !(p.score[i] <= ts.best_left_out)) ts.best_left_out = p.score[i];
            }
        }
        for (std::size_t i = 0; i < n; ++i)
            if (sel.tier_of[i] == int(t)) {
                if (p.score[i] < ts.best_left_out) ++ts.for_minimums;
                else if (!(p.score[i] >= ts.cut_off)) ts.cut_off = p.score[i];
            }
        sel.tiers.push_back(ts);
    }

    rank_eligible(table, p.score, sel);

    // Reasons, quoting the ranks among the towns that compete (街道 and other kinds left out).
    sel.reason_zh.assign(n, "");
    sel.reason_en.assign(n, "");
    for (std::size_t i = 0; i < n; ++i) {
        const std::string prefecture = label(table.towns[i].prefecture_name, table.towns[i].prefecture);
        const std::string town_zh = "得分" + fmt(p.score[i]) + "，全省参评镇第" + str(sel.eligible_rank_province[i]) + "名、" + prefecture + "第" +
                                    str(sel.eligible_rank_prefecture[i]) + "名";
        const std::string town_en = "score " + fmt(p.score[i]) + ", rank " + str(sel.eligible_rank_province[i]) +
                                    " among the province's eligible towns and " + str(sel.eligible_rank_prefecture[i]) + " in " + prefecture;
        const int t = sel.tier_of[i];
        if (t >= 0) {
            const TierRule& rule = opt.tiers[std::size_t(t)];
            std::string zh = rule.name_zh + "示范镇：", en = rule.name_en + " demonstration town: ";
            const double best_out = sel.tiers[std::size_t(t)].best_left_out;
            if (!(p.score[i] < best_out)) {
                // On merit: its score and what made it.
                std::vector<std::size_t> top(scoring.indicators.size());
                std::iota(top.begin(), top.end(), 0);
                std::stable_sort(top.begin(), top.end(), [&](auto a, auto b) { return scores.contribution[a][i] > scores.contribution[b][i]; });
                zh += town_zh + "；主要贡献：", en += town_en + "; top indicators: ";
                for (std::size_t k = 0; k < std::min<std::size_t>(2, top.size()); ++k) {
                    const Indicator& ind = scoring.indicators[top[k]];
                    zh += (k ? "、" : "") + ind.label_zh + " " + fmt(scores.contribution[top[k]][i]);
                    en += (k ? ", " : "") + ind.label_en + " " + fmt(scores.contribution[top[k]][i]);
                }
                std::string bz, be;
                for (const Bonus& b : scoring.bonuses) {
                    const auto& col = table.column(b.field);
                    if (b.points != 0 && std::isfinite(col[i]) && col[i] != 0)
                        bz += (bz.empty() ? "" : "、") + b.label_zh + "+" + fmt(b.points, 0), be += (be.empty() ? "" : ", ") + b.label_en + " +" + fmt(b.points, 0);
                }
                if (!bz.empty()) zh += "；加分：" + bz, en += "; bonus: " + be;
            } else {
                // Below a town left out: a minimum made it.
                std::string zh_why = "为满足本级各单位的限制入选", en_why = "selected within the tier's limits (unit maximums, spacing, places kept for later tiers)";
                const TierProblem& tier = p.tiers[std::size_t(t)];
                for (std::size_t u = 0; u < tier.limits.size(); ++u) {
                    const UnitLimit& lim = tier.limits[u];
                    if (lim.min <= 0 || std::find(lim.members.begin(), lim.members.end(), i) == lim.members.end()) continue;
                    int in_unit = 0;
                    for (std::size_t k : lim.members) in_unit += sel.tier_of[k] == t;
                    if (in_unit > lim.min) continue;
                    const NamedLimit& nl = names[std::size_t(t)][u];
                    if (nl.kind == "type") {
                        zh_why = "为满足至少" + str(lim.min) + "个" + nl.name + "的要求入选";
                        en_why = "selected to meet the minimum of " + str(lim.min) + " " + types[i].name_en + " towns";
                    } else {
                        zh_why = "为满足" + nl.name + "至少" + str(lim.min) + "个的要求入选";
                        en_why = "selected to meet the minimum of " + str(lim.min) + " in " + nl.name;
                    }
                    break;
                }
                zh += zh_why + "（" + town_zh + "）";
                en += en_why + " (" + town_en + ")";
            }
            zh += "；类型：" + types[i].name_zh + "（" + (types[i].rule.empty() ? std::string("不符合其他类型的规则") : types[i].rule) + "）";
            en += "; type: " + types[i].name_en + " (" + (types[i].rule.empty() ? std::string("no other type's rule holds") : types[i].rule) + ")";
            sel.reason_zh[i] = zh;
            sel.reason_en[i] = en;
            continue;
        }
        if (!sel.eligible[i]) {
            std::string kinds;
            for (const auto& k : opt.eligible_kinds) kinds += (kinds.empty() ? "" : "、") + k;
            sel.reason_zh[i] = "不参评：类型为" + (table.towns[i].kind.empty() ? std::string("空") : table.towns[i].kind) + "（参评类型：" + kinds + "）";
            sel.reason_en[i] = "not eligible: kind " + (table.towns[i].kind.empty() ? std::string("(none)") : table.towns[i].kind) + " (eligible: " + kinds + ")";
            continue;
        }
        // Not selected: explained against the last tier it could have entered.
        std::size_t last = 0;
        for (std::size_t u = 0; u < T; ++u)
            if (p.tiers[u].eligible[i]) last = u;
        const TierRule& rule = opt.tiers[last];
        const TierSummary& ts = sel.tiers[last];
        std::string zh = blocked_reason_zh[i], en = blocked_reason_en[i];
        if (zh.empty() && std::isfinite(ts.cut_off)) {
            zh = "未入选：" + town_zh + "，低于" + rule.name_zh + "入选线" + fmt(ts.cut_off);
            en = "not selected: " + town_en + ", below the " + rule.name_en + " cut-off " + fmt(ts.cut_off);
        } else if (zh.empty()) {
            zh = "未入选：" + town_zh + "；" + rule.name_zh + "名额全部用于满足各单位的最低数量要求";
            en = "not selected: " + town_en + "; every " + rule.name_en + " place went to meeting the units' minimums";
        }
        if (ts.for_minimums > 0 && std::isfinite(ts.cut_off) && blocked_reason_zh[i].empty()) {
            zh += "（另有" + str(ts.for_minimums) + "个名额用于满足各单位的最低数量要求）";
            en += " (" + str(ts.for_minimums) + " more places went to towns needed for the units' minimums)";
        }
        sel.reason_zh[i] = zh;
        sel.reason_en[i] = en;
    }
    return sel;
}

}  // namespace townsite
