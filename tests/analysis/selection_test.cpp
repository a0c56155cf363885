// Selection against brute force on small random instances (every assignment of every town to a
// tier or none, the lexicographic best kept), quotas that cannot be met, reasons, determinism and
// the sensitivity runs.
#include "analysis/selection.h"
#include "geo/error.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <random>

using namespace townsite;

namespace {

bool feasible(const SelectionProblem& p, const std::vector<int>& tier_of) {
    for (std::size_t t = 0; t < p.tiers.size(); ++t) {
        const TierProblem& tier = p.tiers[t];
        int count = 0;
        for (std::size_t i = 0; i < tier_of.size(); ++i)
            if (tier_of[i] == int(t)) {
                if (!tier.eligible[i]) return false;
                ++count;
            }
        if (count != tier.count) return false;
        for (const UnitLimit& lim : tier.limits) {
            int in = 0;
            for (std::size_t i : lim.members) in += tier_of[i] == int(t);
            if (in < lim.min || (lim.max >= 0 && in > lim.max)) return false;
        }
        for (std::size_t i = 0; i < tier_of.size(); ++i)
            for (std::size_t j = i + 1; j < tier_of.size(); ++j)
                if (tier_of[i] == int(t) && tier_of[j] == int(t) && std::hypot(p.x[i] - p.x[j], p.y[i] - p.y[j]) < tier.spacing_m) return false;
    }
    return true;
}

std::vector<double> sums(const SelectionProblem& p, const std::vector<int>& tier_of) {
    std::vector<double> s(p.tiers.size(), 0.0);
    for (std::size_t i = 0; i < tier_of.size(); ++i)
        if (tier_of[i] >= 0) s[std::size_t(tier_of[i])] += p.score[i];
    return s;
}

// The lexicographic best tier sums over every assignment; empty when none is feasible.
std::vector<double> brute_force(const SelectionProblem& p) {
    const std::size_t n = p.score.size(), T = p.tiers.size();
    std::vector<int> a(n, -1);
    std::vector<double> best;
    while (true) {
        if (feasible(p, a)) {
            const auto s = sums(p, a);
            bool better = best.empty();
            for (std::size_t t = 0; t < T && !better; ++t) {
                if (s[t] > best[t] + 1e-9) better = true;
                else if (s[t] < best[t] - 1e-9) break;
            }
            if (better) best = s;
        }
        std::size_t k = 0;
        while (k < n && a[k] == int(T) - 1) a[k++] = -1;
        if (k == n) break;
        ++a[k];
    }
    return best;
}

// For each tier t, the best tier-t total over the feasible assignments that make the same choices
// as `chosen` in the tiers before t: what a tier-by-tier optimum must reach (with equal scores the
// earlier tiers' choices may differ from another optimum's, so the later tiers are judged given them).
std::vector<double> brute_force_given(const SelectionProblem& p, const std::vector<int>& chosen) {
    const std::size_t n = p.score.size(), T = p.tiers.size();
    std::vector<double> best(T, -INFINITY);
    std::vector<int> a(n, -1);
    while (true) {
        if (feasible(p, a)) {
            const auto s = sums(p, a);
            for (std::size_t t = 0; t < T; ++t) {
                bool same_before = true;
                for (std::size_t i = 0; i < n && same_before; ++i)
                    same_before = (a[i] >= 0 && a[i] < int(t)) == (chosen[i] >= 0 && chosen[i] < int(t)) && (a[i] >= int(t) || a[i] == chosen[i] || a[i] < 0);
                if (same_before) best[t] = std::max(best[t], s[t]);
            }
        }
        std::size_t k = 0;
        while (k < n && a[k] == int(T) - 1) a[k++] = -1;
        if (k == n) break;
        ++a[k];
    }
    return best;
}

bool distinct_scores(const SelectionProblem& p) {
    auto s = p.score;
    std::sort(s.begin(), s.end());
    return std::adjacent_find(s.begin(), s.end()) == s.end();
}

SelectionProblem random_problem(std::mt19937& rng) {
    auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    SelectionProblem p;
    const int T = pick(1, 3);
    const int n = T == 3 ? pick(4, 7) : pick(5, 9);
    const bool ties = pick(0, 1) == 1;
    std::vector<int> prefecture(static_cast<std::size_t>(n)), county(prefecture), type(prefecture);
    for (int i = 0; i < n; ++i) {
        p.score.push_back(ties ? double(pick(0, 4)) : std::uniform_real_distribution<double>(0, 100)(rng));
        p.x.push_back(pick(0, 10) * 1000.0);
        p.y.push_back(pick(0, 10) * 1000.0);
        prefecture[std::size_t(i)] = pick(0, 2);
        county[std::size_t(i)] = prefecture[std::size_t(i)] * 2 + pick(0, 1);   // counties within prefectures
        type[std::size_t(i)] = pick(0, 1);
    }
    for (int t = 0; t < T; ++t) {
        TierProblem tier;
        for (int i = 0; i < n; ++i) tier.eligible.push_back(pick(0, 5) > 0);
        tier.count = pick(1, std::max(1, n / T));
        auto units = [&](const std::vector<int>& of, int k, int min_hi, bool with_max) {
            for (int u = 0; u < k; ++u) {
                UnitLimit lim;
                for (int i = 0; i < n; ++i)
                    if (of[std::size_t(i)] == u) lim.members.push_back(std::size_t(i));
                lim.min = pick(0, min_hi);
                lim.max = with_max && pick(0, 1) ? lim.min + pick(0, 2) : -1;
                tier.limits.push_back(lim);
            }
        };
        switch (pick(0, 4)) {
            case 0: units(prefecture, 3, 1, false); break;                      // the policy's shape
            case 1: units(prefecture, 3, 1, true); break;                       // with maximums
            case 2: units(county, 6, 1, false); units(prefecture, 3, 1, true); break;   // overlapping units
            case 3: units(type, 2, 1, false); units(prefecture, 3, 1, false); break;    // type minimums
            default: break;
        }
        if (pick(0, 3) == 0) tier.spacing_m = pick(1, 5) * 1000.0;
        p.tiers.push_back(tier);
    }
    return p;
}

using Units = std::vector<std::vector<std::size_t>>;
using Pick = std::function<int(int, int)>;
// A province of 300 towns in 30 counties of 6 prefectures, with distinct scores (seeded), and three
// tiers of 20, 35 and 50 towns, each with about 90 % of the towns eligible; limits(tier, its problem,
// prefectures, counties, pick) adds each tier's unit limits.
template <class Limits>
SelectionProblem province_of_300(unsigned seed, Limits limits) {
    std::mt19937 rng(seed);
    const Pick pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    SelectionProblem p;
    const std::size_t n = 300;
    Units prefecture(6), county(30);
    for (std::size_t i = 0; i < n; ++i) {
        p.score.push_back(std::uniform_real_distribution<double>(0, 100)(rng));
        p.x.push_back(0), p.y.push_back(0);
        const int c = pick(0, 29);
        county[std::size_t(c)].push_back(i), prefecture[std::size_t(c / 5)].push_back(i);
    }
    for (int t = 0; t < 3; ++t) {
        TierProblem tier;
        for (std::size_t i = 0; i < n; ++i) tier.eligible.push_back(pick(0, 9) > 0);
        tier.count = 20 + 15 * t;
        limits(t, tier, prefecture, county, pick);
        p.tiers.push_back(tier);
    }
    return p;
}

}  // namespace

TEST_CASE("selection is the lexicographic optimum that brute force finds, on 400 random instances", "[selection]") {
    int greedy_used = 0, flow_used = 0, glpk_used = 0, infeasible = 0;
    for (unsigned seed = 1; seed <= 400; ++seed) {
        std::mt19937 rng(seed);
        const SelectionProblem p = random_problem(rng);
        const std::vector<double> best = brute_force(p);
        const Solution s = solve_selection(p);
        INFO("seed " << seed);
        REQUIRE(s.feasible == !best.empty());
        const std::optional<Solution> flow = solve_flow(p);
        if (flow) CHECK(flow->feasible == !best.empty());   // the flow says so when quotas cannot be met
        if (!s.feasible) {
            ++infeasible;
            continue;
        }
        // Each method alone too: GLPK always, greedy and the flow whenever they accept the instance.
        std::vector<Solution> solutions = {s, solve_glpk(p)};
        REQUIRE(solutions[1].feasible);
        // Holding each tier's total instead of its choice: the lexicographic optimum even across ties.
        const Solution held = solve_glpk(p, 120, true);
        REQUIRE(held.feasible);
        CHECK(feasible(p, held.tier_of));
        for (std::size_t t = 0; t < best.size(); ++t) CHECK(held.tier_score[t] == Approx(best[t]).margin(1e-6));
        if (const Solution gr = solve_greedy(p); gr.feasible) solutions.push_back(gr);
        if (flow) solutions.push_back(*flow), ++flow_used;
        for (const Solution& x : solutions) {
            INFO(x.method);
            CHECK(feasible(p, x.tier_of));
            CHECK(x.tier_score[0] == Approx(best[0]).margin(1e-6));   // the first tier: the best there is
            const std::vector<double> given = brute_force_given(p, x.tier_of);
            for (std::size_t t = 0; t < best.size(); ++t) CHECK(x.tier_score[t] == Approx(given[t]).margin(1e-6));
            if (distinct_scores(p))   // one optimum per tier: the lexicographic best itself
                for (std::size_t t = 0; t < best.size(); ++t) CHECK(x.tier_score[t] == Approx(best[t]).margin(1e-6));
        }
        (s.method == "greedy" ? greedy_used : glpk_used) += s.method != "min-cost flow";
    }
    // The instances exercise every method (the flow checked wherever it accepts) and infeasible quotas.
    CHECK(greedy_used > 20);
    CHECK(flow_used > 20);
    CHECK(glpk_used > 20);
    CHECK(infeasible > 10);
}

TEST_CASE("the min-cost flow and GLPK choose the same towns on provinces of 300 towns, and the flow declines what it cannot model", "[selection]") {
    // Too large for brute force: GLPK's proven optimum is the reference. Three tiers as in the policy,
    // minimums and maximums per prefecture and per county (counties within prefectures), distinct
    // scores, so that each tier's optimum is one set of towns.
    for (unsigned seed = 1; seed <= 12; ++seed) {
        const SelectionProblem p = province_of_300(seed, [](int t, TierProblem& tier, const Units& prefecture, const Units& county, const Pick& pick) {
            for (const auto& m : prefecture) tier.limits.push_back({m, pick(0, 3), t == 1 ? pick(5, 8) : -1});
            if (t == 2)
                for (const auto& m : county) tier.limits.push_back({m, pick(0, 1), pick(2, 3)});
        });
        INFO("seed " << seed);
        REQUIRE(distinct_scores(p));
        const std::optional<Solution> flow = solve_flow(p);
        const Solution glpk = solve_glpk(p);
        REQUIRE(flow);
        REQUIRE(flow->feasible == glpk.feasible);
        if (!glpk.feasible) continue;
        CHECK(feasible(p, flow->tier_of));
        CHECK(flow->tier_of == glpk.tier_of);
        for (std::size_t t = 0; t < 3; ++t) CHECK(flow->tier_score[t] == Approx(glpk.tier_score[t]).epsilon(1e-12));
        CHECK(solve_selection(p).method != "GLPK");
        // Spacing, or units that cut across each other (types across prefectures), are GLPK's.
        SelectionProblem spaced = p;
        spaced.tiers[1].spacing_m = 1000;
        CHECK_FALSE(solve_flow(spaced));
        SelectionProblem typed = p;
        typed.tiers[0].limits.push_back({{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}, 1, -1});
        CHECK_FALSE(solve_flow(typed));   // towns 0 to 19 lie in several prefectures, each with others
    }
}

namespace {

// Every limit of the problem relaxed by one place, each way it can be: its maximum raised, its minimum lowered.
struct LimitRelaxation {
    int tier;
    std::size_t limit;
    bool at_max;
};
std::vector<LimitRelaxation> every_relaxation(const SelectionProblem& p) {
    std::vector<LimitRelaxation> all;
    for (std::size_t t = 0; t < p.tiers.size(); ++t)
        for (std::size_t l = 0; l < p.tiers[t].limits.size(); ++l) {
            if (p.tiers[t].limits[l].max >= 0) all.push_back({int(t), l, true});
            if (p.tiers[t].limits[l].min > 0) all.push_back({int(t), l, false});
        }
    return all;
}
SelectionProblem relaxed_problem(const SelectionProblem& p, const LimitRelaxation& r) { return relaxed_problem(p, r.tier, r.limit, r.at_max); }

}  // namespace

TEST_CASE("a limit relaxed by one place moves the chosen flow to the relaxed problem's optimum that brute force finds", "[selection]") {
    // The instances of the brute-force test that the flow models (no spacing, nested units). Each
    // limit is relaxed each way it can be, whether it binds or not.
    int built = 0, tried = 0, moved = 0, cascaded = 0;
    for (unsigned seed = 1; seed <= 1200; ++seed) {
        std::mt19937 rng(seed);
        SelectionProblem p = random_problem(rng);
        for (TierProblem& tier : p.tiers) tier.spacing_m = 0;
        const Solution s = solve_selection(p);
        if (!s.feasible || !solve_flow(p)) continue;
        const std::unique_ptr<RelaxedFlows> flows = RelaxedFlows::build(p, s.tier_of);
        if (!flows) continue;
        ++built;
        for (const LimitRelaxation& r : every_relaxation(p)) {
            INFO("seed " << seed << ", tier " << r.tier << ", limit " << r.limit << (r.at_max ? " max" : " min"));
            const SelectionProblem q = relaxed_problem(p, r);
            const std::vector<double> best = brute_force(q);
            const std::vector<int> tier_of = flows->relaxed(r.tier, r.limit, r.at_max);
            ++tried;
            REQUIRE(!best.empty());   // relaxing a limit keeps a feasible problem feasible
            REQUIRE(tier_of.size() == p.score.size());
            CHECK(feasible(q, tier_of));
            const std::vector<double> got = sums(q, tier_of), given = brute_force_given(q, tier_of);
            CHECK(got[0] == Approx(best[0]).margin(1e-6));
            for (std::size_t t = 0; t < got.size(); ++t) CHECK(got[t] == Approx(given[t]).margin(1e-6));
            if (distinct_scores(q))
                for (std::size_t t = 0; t < got.size(); ++t) CHECK(got[t] == Approx(best[t]).margin(1e-6));
            moved += tier_of != s.tier_of;
            for (std::size_t i = 0; i < tier_of.size(); ++i)
                if (tier_of[i] != s.tier_of[i] && std::max(tier_of[i], s.tier_of[i]) > r.tier) {
                    ++cascaded;   // a tier after the relaxed limit's changed too
                    break;
                }
        }
        CHECK(flows->solved_afresh() == 0);   // every one by shortest paths, proven optimal by its potentials
    }
    // The instances exercise relaxations that move towns, in later tiers too (294 instances, 565
    // relaxations, 96 that move towns, 27 of them in a later tier).
    CHECK(built > 200);
    CHECK(tried > 400);
    CHECK(moved > 60);
    CHECK(cascaded > 15);
}

TEST_CASE("a limit relaxed by one place moves the chosen flow to the towns a fresh solve chooses, on provinces of 300 towns", "[selection]") {
    // Three tiers as in the policy, with minimums and maximums per prefecture and per county and
    // distinct scores: each relaxed problem's optimum is one set of towns per tier, the fresh
    // min-cost flow's.
    int moved = 0;
    for (unsigned seed = 1; seed <= 8; ++seed) {
        const SelectionProblem p = province_of_300(seed, [](int t, TierProblem& tier, const Units& prefecture, const Units& county, const Pick& pick) {
            for (const auto& m : prefecture) tier.limits.push_back({m, pick(0, 3), pick(t == 2 ? 10 : 7, 12)});
            for (const auto& m : county) tier.limits.push_back({m, t == 2 ? pick(0, 1) : 0, pick(2, 4)});
        });
        INFO("seed " << seed);
        const std::optional<Solution> s = solve_flow(p);
        REQUIRE(s);
        REQUIRE(s->feasible);
        const std::unique_ptr<RelaxedFlows> flows = RelaxedFlows::build(p, s->tier_of);
        REQUIRE(flows);
        for (const LimitRelaxation& r : every_relaxation(p)) {
            INFO("tier " << r.tier << ", limit " << r.limit << (r.at_max ? " max" : " min"));
            const std::optional<Solution> fresh = solve_flow(relaxed_problem(p, r));
            REQUIRE(fresh);
            const std::vector<int> tier_of = flows->relaxed(r.tier, r.limit, r.at_max);
            CHECK(tier_of.empty() == !fresh->feasible);
            if (fresh->feasible) CHECK(tier_of == fresh->tier_of);
            moved += !tier_of.empty() && tier_of != s->tier_of;
        }
        CHECK(flows->solved_afresh() == 0);
    }
    CHECK(moved > 40);
}

TEST_CASE("the relaxed flows decline a selection their network does not prove optimal, and problems the flow cannot model", "[selection]") {
    SelectionProblem p;
    p.score = {90, 80, 70, 60};
    p.x = p.y = {0, 0, 0, 0};
    p.tiers.push_back({{true, true, true, true}, 2, {{{0, 1}, 0, 1}, {{2, 3}, 0, 2}}, 0});
    const std::optional<Solution> s = solve_flow(p);
    REQUIRE(s);
    REQUIRE(s->tier_of == std::vector<int>{0, -1, 0, -1});
    CHECK(RelaxedFlows::build(p, s->tier_of));
    CHECK_FALSE(RelaxedFlows::build(p, {0, -1, -1, 0}));   // feasible, not the best
    CHECK_FALSE(RelaxedFlows::build(p, {0, 0, -1, -1}));   // over the first unit's maximum
    SelectionProblem spaced = p;
    spaced.tiers[0].spacing_m = 1;
    CHECK_FALSE(RelaxedFlows::build(spaced, s->tier_of));
    // With the first unit's maximum raised, 二 (80) takes 三's (70) place.
    CHECK(RelaxedFlows::build(p, s->tier_of)->relaxed(0, 0, true) == std::vector<int>{0, 0, -1, -1});
}

TEST_CASE("the greedy method takes each unit's minimum, then the best of the rest", "[selection]") {
    // Unit A: 90, 80, 70; unit B: 10. Two places, at least one per unit: 90 and 10 (not 90 and 80).
    SelectionProblem p;
    p.score = {90, 80, 70, 10};
    p.x = p.y = {0, 0, 0, 0};
    p.tiers.push_back({{true, true, true, true}, 2, {{{0, 1, 2}, 1, -1}, {{3}, 1, -1}}, 0});
    const Solution s = solve_greedy(p);
    REQUIRE(s.feasible);
    CHECK(s.tier_of == std::vector<int>{0, -1, -1, 0});
    SECTION("with a maximum of 1 in A and three places, B's town and A's best, and the third place cannot be filled") {
        p.tiers[0].count = 3;
        p.tiers[0].limits[0].max = 1;
        CHECK_FALSE(solve_selection(p).feasible);
    }
    SECTION("with 5 km spacing the integer program keeps A's towns apart") {
        p.x = {0, 1000, 6000, 20000};
        p.tiers[0].count = 3;
        p.tiers[0].spacing_m = 5000;
        const Solution sp = solve_selection(p);
        REQUIRE(sp.feasible);
        CHECK(sp.method == "GLPK");
        CHECK(sp.tier_of == std::vector<int>{0, -1, 0, 0});   // 90 and 70 are 6 km apart; 80 is 1 km from 90
    }
}

namespace {

// Towns as a table: name, kind, county, prefecture, score, x (km). Counties and prefectures by name.
struct TownRow {
    std::string name, kind, county, prefecture;
    double score, x_km;
};

struct Fixture {
    TownTable table;
    Scores scores;
    std::vector<TownType> types;
    ScoringOptions scoring;
    explicit Fixture(const std::vector<TownRow>& rows) {
        scoring.indicators = {{"x", "x", "指标", "indicator", true, Normalisation::MinMax, 1}};
        scores.weights = {1};
        scores.normalised.resize(1);
        scores.contribution.resize(1);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const TownRow& r = rows[i];
            Settlement town;
            town.id = "T";
            town.id += std::to_string(i);   // built with += : GCC 12 warns falsely (-Wrestrict) on "T" + ...
            town.name = r.name;
            town.kind = r.kind;
            town.county = town.county_name = r.county;
            town.prefecture = town.prefecture_name = r.prefecture;
            town.x = r.x_km * 1000;
            table.towns.push_back(town);
            table.proximity.emplace_back();
            scores.score.push_back(r.score);
            scores.bonus.push_back(0);
            scores.normalised[0].push_back(r.score / 100);
            scores.contribution[0].push_back(r.score);
            types.push_back({"comprehensive", "综合服务型", "comprehensive service", "", ""});
        }
        rank_towns(table, scores);
    }
    Selection select(const SelectionOptions& opt) const { return select_towns(table, scores, types, scoring, opt); }
};

TierRule tier(const std::string& key, int count, int min_per_prefecture, int min_per_county = 0) {
    TierRule r;
    r.key = key;
    r.name_zh = key == "provincial" ? "省级" : "县级";
    r.name_en = key;
    r.count = count;
    r.min_per_prefecture = min_per_prefecture;
    r.min_per_county = min_per_county;
    return r;
}

}  // namespace

TEST_CASE("a unit with no eligible town is a shortfall that names the tier, the unit and how many are missing", "[selection]") {
    Fixture f({{"一镇", "镇", "甲县", "甲市", 90, 0}, {"二镇", "镇", "甲县", "甲市", 80, 10}, {"三镇", "镇", "甲县", "甲市", 70, 20},
               {"四乡", "乡", "乙县", "乙市", 95, 30}});
    SelectionOptions opt;
    opt.tiers = {tier("provincial", 2, 1)};
    opt.config_path = "quota.toml";
    try {
        f.select(opt);
        FAIL("no error");
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK_THAT(m, Catch::Contains("quota.toml"));
        CHECK_THAT(m, Catch::Contains("tier provincial (省级), 乙市: needs 1, can have 0 (no eligible town), short by 1"));
        CHECK_THAT(m, Catch::Contains("Fix:"));
    }
    SECTION("on_shortfall = report selects what can be and lists the shortfall") {
        opt.report_shortfall = true;
        const Selection s = f.select(opt);
        REQUIRE(s.shortfalls.size() == 1);
        CHECK(s.shortfalls[0].unit == "乙市");
        CHECK(s.shortfalls[0].needed - s.shortfalls[0].available == 1);
        CHECK(s.tier_of == std::vector<int>{0, 0, -1, -1});
        CHECK(s.reason_en[3] == "not eligible: kind 乡 (eligible: 镇)");
    }
    SECTION("a total below the sum of the minimums is refused even in report mode") {
        opt.report_shortfall = true;
        opt.tiers = {tier("provincial", 1, 1)};
        opt.eligible_kinds = {"镇", "乡"};
        CHECK_THROWS_WITH(f.select(opt), Catch::Contains("the unit minimums add up to 2, more than the tier's count of 1"));
    }
    SECTION("a county needed by two tiers' minimums with one eligible town is short in the later tier") {
        Fixture g({{"一镇", "镇", "甲县", "甲市", 90, 0}, {"二镇", "镇", "乙县", "甲市", 80, 10}, {"三镇", "镇", "乙县", "甲市", 70, 20}});
        opt.report_shortfall = false;
        opt.tiers = {tier("provincial", 2, 0, 1), tier("county", 2, 0, 1)};
        CHECK_THROWS_WITH(g.select(opt), Catch::Contains("tier county (县级), 甲县: needs 1, can have 0 (only 1 eligible towns, 1 of them needed by "
                                                         "earlier tiers' minimums), short by 1"));
    }
}

TEST_CASE("every town gets a reason: on merit, for a unit minimum, displaced by one, below the cut-off, not eligible", "[selection]") {
    // 甲市: 90, 80, 70, 60; 乙市: 20, 10. Two provincial places, one at least in each prefecture; then two
    // county places with no minimum. By score alone: 一 and 二 provincial, 三 and 四 county. 乙市's
    // minimum puts 五 (20) in 二's provincial place, 二 takes 四's county place, and 四 is left out.
    Fixture f({{"一镇", "镇", "甲县", "甲市", 90, 0}, {"二镇", "镇", "甲县", "甲市", 80, 10}, {"三镇", "镇", "甲县", "甲市", 70, 20},
               {"四镇", "镇", "甲县", "甲市", 60, 30}, {"五镇", "镇", "乙县", "乙市", 20, 40}, {"六镇", "镇", "乙县", "乙市", 10, 50},
               {"七街道", "街道", "乙县", "乙市", 99, 60}});
    SelectionOptions opt;
    opt.tiers = {tier("provincial", 2, 1), tier("county", 2, 0)};
    const Selection s = f.select(opt);
    CHECK(s.tier_of == std::vector<int>{0, 1, 1, -1, 0, -1, -1});
    CHECK(s.tier_by_score == std::vector<int>{0, 0, 1, 1, -1, -1, -1});
    CHECK(s.method == "greedy");
    // Reasons quote the ranks among the eligible towns: 七街道 (99) outscores 一镇 but does not compete.
    CHECK(f.scores.rank_province == std::vector<int>{2, 3, 4, 5, 6, 7, 1});
    CHECK(s.eligible_rank_province == std::vector<int>{1, 2, 3, 4, 5, 6, 0});
    CHECK(s.eligible_rank_prefecture == std::vector<int>{1, 2, 3, 4, 1, 2, 0});
    CHECK(s.eligible_rank_county == std::vector<int>{1, 2, 3, 4, 1, 2, 0});
    using Role = TierCause::Role;
    CHECK(s.cause[0].role == Role::OnMerit);
    CHECK_THAT(s.reason_zh[0], Catch::StartsWith("省级示范镇：得分90.0，全省参评镇第1名、甲市第1名；主要贡献：指标 90.0"));
    CHECK_THAT(s.reason_en[0], Catch::StartsWith("provincial demonstration town: score 90.0, rank 1 among the province's eligible towns and 1 in 甲市; "
                                                 "top indicators: indicator 90.0"));
    // 五: needed by 乙市's minimum, in 二's place; the limit moves three towns (五, 二 and 四).
    CHECK(s.cause[4].role == Role::Needed);
    CHECK(s.cause[4].lowered == std::vector<std::size_t>{1});
    CHECK(s.cause[4].moved == 2);
    CHECK(s.tier_limit[4] == "乙市至少1个省级示范镇");
    CHECK_THAT(s.reason_zh[4], Catch::StartsWith("省级示范镇：为满足乙市至少1个省级示范镇的要求入选（按得分不入选；得分20.0，全省参评镇第5名、乙市第1名）；"
                                                 "若无此要求，其名额属于二镇（此要求共改变3个镇的层级）"));
    CHECK_THAT(s.reason_en[4], Catch::StartsWith("provincial demonstration town: selected to meet at least 1 provincial town in 乙市 (by score alone "
                                                 "not selected; score 20.0, rank 5 among the province's eligible towns and 1 in 乙市); without it, its "
                                                 "place would go to 二镇 (the limit changes the tiers of 3 towns in all)"));
    // 二: provincial by score, its place taken by 五.
    CHECK(s.cause[1].role == Role::Displaced);
    CHECK_THAT(s.reason_en[1], Catch::StartsWith("county demonstration town: its place went to 五镇, placed to meet at least 1 provincial town in "
                                                 "乙市 (by score alone provincial; score 80.0"));
    // 四: county by score; its place went to 二, whom the limit moved down.
    CHECK(s.cause[3].role == Role::Displaced);
    CHECK(s.cause[3].raised == std::vector<std::size_t>{1});
    CHECK(s.reason_zh[3] == "未入选：名额由因乙市至少1个省级示范镇的要求而改变层级的二镇占用（按得分应为县级；得分60.0，全省参评镇第4名、甲市第4名）");
    CHECK(s.cause[5].role == Role::OnMerit);
    CHECK(s.reason_en[5] == "not selected: score 10.0, rank 6 among the province's eligible towns and 2 in 乙市, below the county cut-off 70.0");
    CHECK(s.reason_zh[6] == "不参评：类型为街道（参评类型：镇）");
    // Provincial: 二 (80), left out of the tier and not held by any limit, bounds the merit picks; 五
    // is below it.
    CHECK(s.tiers[0].cut_off == 90);
    CHECK(s.tiers[0].best_left_out == 80);
    CHECK(s.tiers[0].for_limits == 1);
    CHECK(s.tiers[1].for_limits == 0);
    SECTION("a town kept out by spacing says which selected town is too close") {
        opt.tiers[1].min_spacing_km = 15;
        const Selection sp = f.select(opt);
        CHECK(sp.method == "GLPK");
        CHECK(sp.tier_of == std::vector<int>{0, 1, -1, 1, 0, -1, -1});   // 二镇 at 10 km and 四镇 at 30 km; 三镇 (20 km) is 10 km from both
        CHECK(sp.cause[2].role == Role::Spacing);
        CHECK(sp.tier_limit[2] == "县级示范镇间距不小于15.0公里");
        CHECK(sp.reason_en[2] == "not selected: 10.0 km from 二镇, already a county town (minimum spacing 15.0 km; by score alone county; score "
                                 "70.0, rank 3 among the province's eligible towns and 3 in 甲市)");
    }
    SECTION("the same input gives the same selection and reasons") {
        const Selection again = f.select(opt);
        CHECK(again.tier_of == s.tier_of);
        CHECK(again.reason_zh == s.reason_zh);
        CHECK(again.reason_en == s.reason_en);
    }
}

TEST_CASE("a town's tier that differs from its tier by score names the binding limit, found by re-solving", "[selection]") {
    using Role = TierCause::Role;
    SECTION("across tiers: a later tier's county minimum holds the best town, and the next one fills its place") {
        // 甲县 has one town (90); 乙县 80, 70, 60. One provincial place; county tier at least one per county.
        // By score 一 is provincial, but the county tier needs it: 二 is provincial instead.
        Fixture f({{"一镇", "镇", "甲县", "甲市", 90, 0}, {"二镇", "镇", "乙县", "甲市", 80, 10}, {"三镇", "镇", "乙县", "甲市", 70, 20},
                   {"四镇", "镇", "乙县", "甲市", 60, 30}});
        SelectionOptions opt;
        opt.tiers = {tier("provincial", 1, 0), tier("county", 1, 0, 1)};
        opt.tiers[1].at_least = true;
        const Selection s = f.select(opt);
        CHECK(s.tier_of == std::vector<int>{1, 0, 1, -1});
        CHECK(s.tier_by_score == std::vector<int>{0, 1, 1, -1});
        CHECK(s.cause[0].role == Role::Held);
        CHECK(s.cause[0].tier == 1);
        CHECK(s.cause[0].tier_without == 0);
        CHECK(s.cause[0].raised == std::vector<std::size_t>{1});
        CHECK(s.reason_zh[0] == "县级示范镇：须留作满足甲县至少1个县级示范镇的要求（甲县参评镇共1个；按得分应为省级；得分90.0，全省参评镇第1名、甲市第1名）；"
                                "其名额由二镇递补；类型：综合服务型（不符合其他类型的规则）");
        CHECK(s.cause[1].role == Role::Filled);
        CHECK(s.cause[1].lowered == std::vector<std::size_t>{0});
        CHECK_THAT(s.reason_en[1], Catch::StartsWith("provincial demonstration town: takes a place that 一镇, scoring higher, cannot take because of "
                                                     "at least 1 county town in 甲县 (by score alone county"));
        CHECK(s.cause[2].role == Role::OnMerit);
        // 一 did not compete for the provincial place, so 二 is there on merit as far as the tier goes.
        CHECK(s.tiers[0].for_limits == 0);
        CHECK(s.tiers[0].cut_off == 80);
    }
    SECTION("a unit maximum keeps the second town of a prefecture out") {
        // 甲市 90, 80, 70; 乙市 50, 40. Two provincial places, at most one per prefecture.
        Fixture f({{"一镇", "镇", "甲县", "甲市", 90, 0}, {"二镇", "镇", "甲县", "甲市", 80, 10}, {"三镇", "镇", "甲县", "甲市", 70, 20},
                   {"四镇", "镇", "乙县", "乙市", 50, 30}, {"五镇", "镇", "乙县", "乙市", 40, 40}});
        SelectionOptions opt;
        opt.tiers = {tier("provincial", 2, 0)};
        opt.tiers[0].max_per_prefecture = 1;
        const Selection s = f.select(opt);
        CHECK(s.tier_of == std::vector<int>{0, -1, -1, 0, -1});
        CHECK(s.cause[1].role == Role::Blocked);
        CHECK(s.cause[1].at_max);
        CHECK(s.tier_limit[1] == "甲市最多1个省级示范镇");
        CHECK(s.reason_en[1] == "not selected: the places under at most 1 provincial town in 甲市 are filled (by score alone provincial; score 80.0, "
                                "rank 2 among the province's eligible towns and 2 in 甲市)");
        CHECK(s.cause[3].role == Role::Filled);
        CHECK(s.cause[3].lowered == std::vector<std::size_t>{1});
        CHECK(s.cause[2].role == Role::OnMerit);   // third in 甲市: not provincial by score either
        // Every town left out is held out by its prefecture's maximum (五 by 乙市's), so none bounds the
        // merit picks: 四 is on merit.
        CHECK(s.tiers[0].for_limits == 0);
        CHECK(std::isnan(s.tiers[0].best_left_out));
        CHECK(s.tiers[0].cut_off == 50);
    }
    SECTION("a minimum per town type") {
        Fixture f({{"一镇", "镇", "甲县", "甲市", 90, 0}, {"二镇", "镇", "甲县", "甲市", 80, 10}, {"三镇", "镇", "乙县", "甲市", 30, 20}});
        f.types[2] = {"border", "边境发展型", "border development", "边境县", "border county"};
        SelectionOptions opt;
        opt.tiers = {tier("provincial", 2, 0)};
        opt.tiers[0].min_per_type = {{"border", 1}};
        const Selection s = f.select(opt);
        CHECK(s.tier_of == std::vector<int>{0, -1, 0});
        CHECK(s.cause[2].role == Role::Needed);
        CHECK(s.tier_limit[2] == "至少1个边境发展型的省级示范镇");
        CHECK_THAT(s.reason_en[2], Catch::StartsWith("provincial demonstration town: selected to meet at least 1 provincial town of type border"));
        CHECK(s.cause[1].role == Role::Displaced);
        CHECK(s.cause[1].raised == std::vector<std::size_t>{2});
    }
    SECTION("two minimums in one tier: the second town they push out owes it to both together") {
        // 甲市 90, 80, 70; 乙市 20; 丙市 10. Three provincial places, one at least per prefecture. Relaxing
        // either minimum alone brings back 二 (80), never 三 (70).
        Fixture f({{"一镇", "镇", "甲县", "甲市", 90, 0}, {"二镇", "镇", "甲县", "甲市", 80, 10}, {"三镇", "镇", "甲县", "甲市", 70, 20},
                   {"四镇", "镇", "乙县", "乙市", 20, 30}, {"五镇", "镇", "丙县", "丙市", 10, 40}});
        SelectionOptions opt;
        opt.tiers = {tier("provincial", 3, 1)};
        const Selection s = f.select(opt);
        CHECK(s.tier_of == std::vector<int>{0, -1, -1, 0, 0});
        CHECK(s.cause[1].role == Role::Displaced);
        CHECK(s.cause[2].role == Role::Combined);
        CHECK(s.cause[2].raised == std::vector<std::size_t>{3, 4});
        CHECK(s.tier_limit[2] == "多项单位限制共同作用");
        CHECK(s.reason_zh[2] == "未入选：省级名额中有2个给了因各单位限制而入选的四镇、五镇（按得分应为省级；得分70.0，全省参评镇第3名、甲市第3名）");
        CHECK(s.tiers[0].for_limits == 2);
        CHECK(s.tiers[0].cut_off == 90);
    }
    SECTION("equal scores swapped by the solver are on merit, not a limit") {
        Fixture f({{"一镇", "镇", "甲县", "甲市", 50, 0}, {"二镇", "镇", "乙县", "乙市", 50, 10}});
        SelectionOptions opt;
        opt.tiers = {tier("provincial", 1, 0)};
        opt.tiers[0].max_per_prefecture = 1;
        const Selection s = f.select(opt);
        for (const TierCause& c : s.cause) CHECK(c.role == Role::OnMerit);
    }
}

TEST_CASE("weight perturbations: uniform within the spread, Dirichlet around the weights, seeded", "[selection][sensitivity]") {
    const std::vector<double> w = {0.5, 0.3, 0.2, 0};
    SensitivityOptions opt;
    opt.spread = 0.2;
    for (int run = 0; run < 200; ++run) {
        const auto p = perturbed_weights(w, opt, run);
        CHECK(p[0] + p[1] + p[2] + p[3] == Approx(1));
        CHECK(p[3] == 0);
        // Before normalising each weight is within +-20 %; after, a ratio moves at most 1.2 / 0.8.
        CHECK(p[0] / p[1] <= Approx(0.5 / 0.3 * 1.5));
        CHECK(p[0] / p[1] >= Approx(0.5 / 0.3 / 1.5));
    }
    CHECK(perturbed_weights(w, opt, 3) == perturbed_weights(w, opt, 3));
    CHECK(perturbed_weights(w, opt, 3) != perturbed_weights(w, opt, 4));
    opt.dirichlet = true;
    opt.concentration = 50;
    std::vector<double> mean(4, 0.0);
    const int runs = 4000;
    for (int run = 0; run < runs; ++run) {
        const auto p = perturbed_weights(w, opt, run);
        for (std::size_t j = 0; j < 4; ++j) mean[j] += p[j] / runs;
    }
    // Dirichlet(50 w): mean w, standard deviation sqrt(w (1 - w) / 51), about 0.07 for w = 0.5; the mean of
    // 4000 draws is within 0.005 of w.
    CHECK(mean[0] == Approx(0.5).margin(0.005));
    CHECK(mean[1] == Approx(0.3).margin(0.005));
    CHECK(mean[2] == Approx(0.2).margin(0.005));
}

TEST_CASE("with no spread every sensitivity run repeats the base selection", "[selection][sensitivity]") {
    Fixture f({{"一镇", "镇", "甲县", "甲市", 90, 0}, {"二镇", "镇", "甲县", "甲市", 80, 10}, {"三镇", "镇", "乙县", "乙市", 20, 40}});
    SelectionOptions opt;
    opt.tiers = {tier("provincial", 2, 1)};
    const Selection s = f.select(opt);
    SensitivityOptions so;
    so.runs = 5;
    so.spread = 0;
    const Sensitivity r = run_sensitivity(f.scores, s, so);
    CHECK(r.selected[0][0] == 5);
    CHECK(r.selected[1][0] == 0);
    CHECK(r.same_share == std::vector<double>{1, 1, 1});
    CHECK(r.stability[1] == "stable");
}
