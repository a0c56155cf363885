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
                Words why = eligible == 0 ? Words{"无参评镇", "no eligible town"} : Words{"仅有 " + str(eligible) + " 个参评镇", "only " + str(eligible) + " eligible towns"};
                if (used[key] > 0 && eligible > 0) {
                    const std::string claimed = str(std::min(eligible, used[key]));
                    why.zh += "，其中 " + claimed + " 个须满足此前层级的下限";
                    why.en += ", " + claimed + " of them needed by earlier tiers' minimums";
                }
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
                                    Words{"各单位下限之和为 " + str(needed) + "，超过该层级名额 " + str(tier.count),
                                          "the unit minimums add up to " + str(needed) + ", more than the tier's count of " + str(tier.count)}});
        }
        int eligible = 0;
        for (std::size_t i = 0; i < n; ++i) eligible += tier.eligible[i];
        int claimed = 0;
        for (std::size_t e = 0; e < t; ++e) claimed += p.tiers[e].count;
        const int left = std::max(0, eligible - claimed);
        if (left < tier.count) {
            sel.shortfalls.push_back({opt.tiers[t].key, "total", tier.count, left,
                                      Words{str(eligible) + " 个参评镇，其中 " + str(std::min(eligible, claimed)) + " 个已入选此前层级",
                                            str(eligible) + " eligible towns, " + str(std::min(eligible, claimed)) + " of them in earlier tiers"}});
            tier.count = left;
            // The towns left cannot hold the tier's unit minimums either: they are dropped (and listed),
            // and the tier takes its best towns wherever they are.
            if (needed > tier.count) {
                sel.shortfalls.push_back({opt.tiers[t].key, "unit minimums", needed, tier.count,
                                          Words{"该层级仅余 " + str(tier.count) + " 个镇，故不再执行各单位下限",
                                                "only " + str(tier.count) + " towns are left for the tier, so its unit minimums are dropped"}});
                for (UnitLimit& lim : tier.limits) lim.min = 0;
            }
        }
    }
    auto describe = [&](const Shortfall& s) {
        std::string tier_name = s.tier;
        for (const auto& r : opt.tiers)
            if (r.key == s.tier) tier_name = r.name_en + " (" + r.name_zh + ")";
        return "tier " + tier_name + ", " + s.unit + ": needs " + str(s.needed) + ", can have " + str(s.available) + " (" + s.why.en + "), short by " +
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

// Tier summaries. A town is left out of a tier when it is eligible for it and neither in it nor in
// an earlier tier (a town of a later tier is left out too: it competed and lost); towns that a limit
// holds, blocks or spaces out of their tier by score did not compete and are not counted. The best
// town left out bounds the towns selected on merit, the lowest of those is the tier's cut-off, and
// towns selected below that bound were placed by a unit limit.
// Whether tier t cannot take town i as selected: a unit of i is at its maximum in t, or a town of t
// is closer than the tier's spacing (whether or not i is in that tier by score).
bool barred(const SelectionProblem& p, const std::vector<int>& tier_of, std::size_t t, std::size_t i) {
    const TierProblem& tier = p.tiers[t];
    for (const UnitLimit& lim : tier.limits) {
        if (lim.max < 0 || std::find(lim.members.begin(), lim.members.end(), i) == lim.members.end()) continue;
        int in_unit = 0;
        for (std::size_t k : lim.members) in_unit += tier_of[k] == int(t);
        if (in_unit >= lim.max) return true;
    }
    if (tier.spacing_m > 0)
        for (std::size_t j = 0; j < tier_of.size(); ++j)
            if (j != i && tier_of[j] == int(t) && std::hypot(p.x[i] - p.x[j], p.y[i] - p.y[j]) < tier.spacing_m) return true;
    return false;
}

void summarise_tiers(const SelectionOptions& opt, Selection& sel) {
    const SelectionProblem& p = sel.problem;
    const std::size_t n = p.score.size(), T = opt.tiers.size();
    for (std::size_t t = 0; t < T; ++t) {
        TierSummary ts{opt.tiers[t].key, opt.tiers[t].name_zh, opt.tiers[t].name_en, 0, NAN, NAN, NAN, 0};
        for (std::size_t i = 0; i < n; ++i) {
            if (sel.tier_of[i] == int(t)) {
                ++ts.count;
                if (!(p.score[i] >= ts.lowest_selected)) ts.lowest_selected = p.score[i];
                continue;
            }
            using Role = TierCause::Role;
            const Role role = sel.cause[i].role;
            // The cheap tests first: barred() scans the tier's units and, with spacing, every town.
            if (!p.tiers[t].eligible[i] || tier_rank(sel.tier_of[i], T) <= int(t) || p.score[i] <= ts.best_left_out) continue;
            if (role == Role::Held || role == Role::Blocked || role == Role::Spacing || barred(p, sel.tier_of, t, i)) continue;
            ts.best_left_out = p.score[i];
        }
        for (std::size_t i = 0; i < n; ++i)
            if (sel.tier_of[i] == int(t)) {
                if (p.score[i] < ts.best_left_out) ++ts.for_limits;
                else if (!(p.score[i] >= ts.cut_off)) ts.cut_off = p.score[i];
            }
        sel.tiers.push_back(ts);
    }
}

// A town's reason: on merit, its score and what made it; otherwise the limit that placed it (or the
// towns the limits moved), its tier by score, and the towns the limit moved.
void write_reasons(const TownTable& table, const Scores& scores, const std::vector<TownType>& types, const ScoringOptions& scoring,
                   const SelectionOptions& opt, const std::vector<std::vector<NamedLimit>>& names, Selection& sel) {
    using Role = TierCause::Role;
    const SelectionProblem& p = sel.problem;
    const std::size_t n = p.score.size(), T = opt.tiers.size();
    auto town_names = [&](const std::vector<std::size_t>& towns, bool zh) {
        std::string s;
        for (std::size_t k = 0; k < std::min<std::size_t>(2, towns.size()); ++k) s += (k ? (zh ? "、" : ", ") : "") + table.towns[towns[k]].name;
        if (towns.size() > 2) s += zh ? "等" + str(int(towns.size())) + "个镇" : " and " + str(int(towns.size() - 2)) + " more";
        return s;
    };
    // The limit as a planner states it: 白城市至少2个省级示范镇 / at least 2 provincial towns in 白城市.
    auto limit_text = [&](const TierCause& c, bool zh) {
        const TierRule& rule = opt.tiers[std::size_t(c.tier)];
        const UnitLimit& lim = p.tiers[std::size_t(c.tier)].limits[c.limit];
        const NamedLimit& nl = names[std::size_t(c.tier)][c.limit];
        const std::string bound = str(c.at_max ? lim.max : lim.min);
        const std::string towns = bound == "1" ? " town" : " towns";
        if (nl.kind == "type")
            return zh ? "至少" + bound + "个" + nl.name + "的" + rule.name_zh + "示范镇" : "at least " + bound + " " + rule.name_en + towns + " of type " + nl.code;
        if (zh) return nl.name + (c.at_max ? "最多" : "至少") + bound + "个" + rule.name_zh + "示范镇";
        return (c.at_max ? "at most " : "at least ") + bound + " " + rule.name_en + towns + " in " + nl.name;
    };
    // How many towns in all the limit moves, when more than the reason names.
    auto moved_zh = [](const TierCause& c) {
        return c.moved > int(c.raised.size() + c.lowered.size()) ? "（此要求共改变" + str(c.moved + 1) + "个镇的层级）" : std::string();
    };
    auto moved_en = [](const TierCause& c) {
        return c.moved > int(c.raised.size() + c.lowered.size()) ? " (the limit changes the tiers of " + str(c.moved + 1) + " towns in all)" : std::string();
    };
    auto holds = [&](const TierCause& c, std::size_t j) {
        const auto& members = p.tiers[std::size_t(c.tier)].limits[c.limit].members;
        return std::find(members.begin(), members.end(), j) != members.end();
    };
    sel.tier_limit.assign(n, "");
    sel.reason_zh.assign(n, "");
    sel.reason_en.assign(n, "");
    for (std::size_t i = 0; i < n; ++i) {
        const Settlement& town = table.towns[i];
        const std::string prefecture = label(town.prefecture_name, town.prefecture);
        const std::string score_zh = "得分" + fmt(p.score[i]) + "，全省参评镇第" + str(sel.eligible_rank_province[i]) + "名、" + prefecture + "第" +
                                     str(sel.eligible_rank_prefecture[i]) + "名";
        const std::string score_en = "score " + fmt(p.score[i]) + ", rank " + str(sel.eligible_rank_province[i]) +
                                     " among the province's eligible towns and " + str(sel.eligible_rank_prefecture[i]) + " in " + prefecture;
        const int t = sel.tier_of[i];
        if (!sel.eligible[i]) {
            std::string kinds;
            for (const auto& k : opt.eligible_kinds) kinds += (kinds.empty() ? "" : "、") + k;
            sel.reason_zh[i] = "不参评：类型为" + (town.kind.empty() ? std::string("空") : town.kind) + "（参评类型：" + kinds + "）";
            sel.reason_en[i] = "not eligible: kind " + (town.kind.empty() ? std::string("(none)") : town.kind) + " (eligible: " + kinds + ")";
            continue;
        }
        std::string zh = t >= 0 ? opt.tiers[std::size_t(t)].name_zh + "示范镇：" : "未入选：";
        std::string en = t >= 0 ? opt.tiers[std::size_t(t)].name_en + " demonstration town: " : "not selected: ";
        const TierCause& c = sel.cause[i];
        if (c.role == Role::OnMerit && t >= 0) {
            // Its score and what made it.
            std::vector<std::size_t> top(scoring.indicators.size());
            std::iota(top.begin(), top.end(), 0);
            std::stable_sort(top.begin(), top.end(), [&](auto a, auto b) { return scores.contribution[a][i] > scores.contribution[b][i]; });
            zh += score_zh + "；主要贡献：", en += score_en + "; top indicators: ";
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
        } else if (c.role == Role::OnMerit) {
            // Not selected, and score alone would not select it either: the last tier it could enter.
            std::size_t last = 0;
            for (std::size_t u = 0; u < T; ++u)
                if (p.tiers[u].eligible[i]) last = u;
            const TierRule& rule = opt.tiers[last];
            const TierSummary& ts = sel.tiers[last];
            if (std::isfinite(ts.cut_off)) {
                zh += score_zh + "，低于" + rule.name_zh + "入选线" + fmt(ts.cut_off);
                en += score_en + ", below the " + rule.name_en + " cut-off " + fmt(ts.cut_off);
            } else {
                zh += score_zh + "；" + rule.name_zh + "名额全部用于满足各单位的限制";
                en += score_en + "; every " + rule.name_en + " place went to meeting the units' limits";
            }
            if (ts.for_limits > 0 && std::isfinite(ts.cut_off)) {
                zh += "（另有" + str(ts.for_limits) + "个名额用于满足各单位的限制）";
                en += " (" + str(ts.for_limits) + " more places went to towns placed by the units' limits)";
            }
        } else {
            // Placed by a limit: the limit, its tier by score, and the towns the limit moved.
            const int b = sel.tier_by_score[i];
            const std::string by_zh = (b >= 0 ? "按得分应为" + opt.tiers[std::size_t(b)].name_zh : std::string("按得分不入选")) + "；" + score_zh;
            const std::string by_en = (b >= 0 ? "by score alone " + opt.tiers[std::size_t(b)].name_en : std::string("by score alone not selected")) +
                                      "; " + score_en;
            const bool has_limit = c.role != Role::Spacing && c.role != Role::Combined;
            const std::string lz = has_limit ? limit_text(c, true) : "", le = has_limit ? limit_text(c, false) : "";
            sel.tier_limit[i] = lz;
            switch (c.role) {
            case Role::Needed:
                zh += "为满足" + lz + "的要求入选（" + by_zh + "）";
                en += "selected to meet " + le + " (" + by_en + ")";
                if (!c.lowered.empty()) zh += "；若无此要求，其名额属于" + town_names(c.lowered, true), en += "; without it, its place would go to " + town_names(c.lowered, false);
                zh += moved_zh(c), en += moved_en(c);
                break;
            case Role::Filled:
                zh += town_names(c.lowered, true) + "得分更高，但受" + lz + "的要求限制，名额由本镇递补（" + by_zh + "）";
                en += "takes a place that " + town_names(c.lowered, false) + ", scoring higher, cannot take because of " + le + " (" + by_en + ")";
                break;
            case Role::Held: {
                const TierProblem& tier = p.tiers[std::size_t(c.tier)];
                int eligible = 0;
                for (std::size_t j : tier.limits[c.limit].members) eligible += tier.eligible[j];
                const std::string unit = names[std::size_t(c.tier)][c.limit].name;
                zh += "须留作满足" + lz + "的要求（" + unit + "参评镇共" + str(eligible) + "个；" + by_zh + "）";
                en += "kept to meet " + le + " (" + str(eligible) + " eligible in " + unit + "; " + by_en + ")";
                if (!c.raised.empty()) zh += "；其名额由" + town_names(c.raised, true) + "递补", en += "; its place went to " + town_names(c.raised, false);
                zh += moved_zh(c), en += moved_en(c);
                break;
            }
            case Role::Blocked:
                zh += lz + "的名额已满（" + by_zh + "）";
                en += "the places under " + le + " are filled (" + by_en + ")";
                break;
            case Role::Displaced:
                if (c.raised.empty()) {
                    zh += "受" + lz + "的要求影响（" + by_zh + "）";
                    en += "moved by " + le + " (" + by_en + ")";
                } else if (std::all_of(c.raised.begin(), c.raised.end(), [&](std::size_t j) { return holds(c, j); })) {
                    zh += "名额让给了为满足" + lz + "的要求而入选的" + town_names(c.raised, true) + "（" + by_zh + "）";
                    en += "its place went to " + town_names(c.raised, false) + ", placed to meet " + le + " (" + by_en + ")";
                } else {
                    // A knock-on effect: the limit moved other towns, which moved these.
                    zh += "名额由因" + lz + "的要求而改变层级的" + town_names(c.raised, true) + "占用（" + by_zh + "）";
                    en += "its place went to " + town_names(c.raised, false) + ", moved there by the limit of " + le + " (" + by_en + ")";
                }
                break;
            case Role::Spacing: {
                const TierRule& rule = opt.tiers[std::size_t(c.tier)];
                const double d = std::hypot(p.x[i] - p.x[c.near], p.y[i] - p.y[c.near]);
                zh += "距已入选" + rule.name_zh + "示范镇" + table.towns[c.near].name + fmt(d / 1000) + "公里，小于最小间距" + fmt(rule.min_spacing_km) + "公里（" + by_zh + "）";
                en += fmt(d / 1000) + " km from " + table.towns[c.near].name + ", already a " + rule.name_en + " town (minimum spacing " +
                      fmt(rule.min_spacing_km) + " km; " + by_en + ")";
                sel.tier_limit[i] = rule.name_zh + "示范镇间距不小于" + fmt(rule.min_spacing_km) + "公里";
                break;
            }
            case Role::Combined: {
                const TierRule& rule = opt.tiers[std::size_t(c.tier)];
                if (!c.raised.empty()) {
                    zh += rule.name_zh + "名额中有" + str(int(c.raised.size())) + "个给了因各单位限制而入选的" + town_names(c.raised, true) + "（" + by_zh + "）";
                    en += str(int(c.raised.size())) + " " + rule.name_en + " places went to towns placed by the units' limits: " + town_names(c.raised, false) +
                          " (" + by_en + ")";
                } else {
                    zh += "得分更高的" + town_names(c.lowered, true) + "因各单位限制未进入" + rule.name_zh + "，名额由本镇递补（" + by_zh + "）";
                    en += "takes a place left by " + town_names(c.lowered, false) + ", who score higher but are placed elsewhere by the units' limits (" +
                          by_en + ")";
                }
                sel.tier_limit[i] = "多项单位限制共同作用";
                break;
            }
            case Role::OnMerit: break;
            }
        }
        if (t >= 0) {
            zh += "；类型：" + types[i].name_zh + "（" + (types[i].rule.empty() ? std::string("不符合其他类型的规则") : types[i].rule) + "）";
            en += "; type: " + types[i].name_en + " (" + (types[i].rule_en.empty() ? std::string("no other type's rule holds") : types[i].rule_en) + ")";
        }
        sel.reason_zh[i] = zh;
        sel.reason_en[i] = en;
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
                       const SelectionOptions& opt, Explain explain, const Progress& progress) {
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

    sel.tier_by_score = tiers_by_score(p);
    sel.cause = explain == Explain::Reasons ? explain_tiers(p, sel.tier_of, opt.time_limit_s, progress) : std::vector<TierCause>(n);
    summarise_tiers(opt, sel);
    rank_eligible(table, p.score, sel);
    if (explain == Explain::Reasons) write_reasons(table, scores, types, scoring, opt, names, sel);
    return sel;
}

}  // namespace townsite
