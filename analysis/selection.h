// selection: which towns become provincial, municipal and county-level demonstration towns, under
// the quotas of the config ([selection] and [[selection.tiers]]), maximising the total score, with
// a reason for every town in Chinese and English.
//
//   SelectionOptions opt = selection_options(study.config);
//   Selection sel = select_towns(table, scores, types, scoring_opt, opt);
//   sel.tier_of[i] (-1: not selected), sel.reason_zh[i], sel.shortfalls ...
//
// The tiers are filled in their configured order (provincial first): each tier takes the towns that
// give it the highest total score possible while every later tier can still meet its quotas, the
// earlier tiers' choices standing (a lexicographic optimum; among equally good choices for a tier,
// which only equal scores allow, the first found stands). Three exact methods, tried in turn:
// - greedy, when each tier's limits are minimums and maximums over disjoint units (top `min` of every
//   unit, then the best of the rest: optimal because the total is a sum of per-unit prefix sums,
//   each concave), kept when every tier is met;
// - a min-cost flow, when each tier's units nest (counties within prefectures) and no tier has
//   spacing: the quotas are then a network, whose optimum is integral (near-linear in practice);
// - an integer program solved to optimality with GLPK, one tier at a time with the later tiers'
//   limits in the model, which also handles spacing (x_i + x_j <= 1 for towns of a tier closer than
//   min_spacing_km, straight-line in the working CRS) and minimums per town type (units that cut
//   across the prefectures).
#pragma once

#include "analysis/scoring.h"
#include "analysis/town_types.h"
#include "geo/progress.h"
#include "geo/study.h"
#include "geo/text.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace townsite {

struct TierRule {
    std::string key, name_zh, name_en;
    int count = 0;                // towns to select
    bool at_least = false;        // count is a minimum: the tier takes max(count, the sum of the unit minimums)
    std::vector<std::string> kinds;   // eligible kinds; empty: SelectionOptions::eligible_kinds
    int min_per_prefecture = 0, max_per_prefecture = -1;   // -1: no maximum
    int min_per_county = 0, max_per_county = -1;
    double min_spacing_km = 0;
    std::map<std::string, int> min_per_type;   // town type key -> minimum
    int line = 0;
};

struct SelectionOptions {
    std::vector<TierRule> tiers;                      // in the order they are filled
    std::vector<std::string> eligible_kinds = {"镇"};  // designated towns (建制镇) only
    bool report_shortfall = false;                    // on_shortfall = "report": select what can be, list the rest
    double time_limit_s = 120;                        // for GLPK
    std::string config_path;
};

// [selection] and [[selection.tiers]] (the policy's three tiers when absent), each option declared once.
const Options<SelectionOptions>& selection_option_table();
SelectionOptions selection_options(const StudyConfig& config);

// ---- the solver, on plain numbers (what the tests check against brute force)

struct UnitLimit {
    std::vector<std::size_t> members;   // town indices
    int min = 0, max = -1;              // -1: none
};

struct TierProblem {
    std::vector<bool> eligible;         // per town
    int count = 0;
    std::vector<UnitLimit> limits;
    double spacing_m = 0;
};

struct SelectionProblem {
    std::vector<double> score;
    std::vector<double> x, y;           // metres, for spacing
    std::vector<TierProblem> tiers;     // in fill order
};

struct Solution {
    bool feasible = false;
    bool optimal = false;               // proven (false only when GLPK hit its time limit)
    bool timed_out = false;             // GLPK hit its time limit before finding any selection
    std::string method;                 // "greedy", "min-cost flow" or "GLPK"
    std::vector<int> tier_of;           // per town, -1 none
    std::vector<double> tier_score;     // total score per tier
};

Solution solve_selection(const SelectionProblem& problem, double time_limit_s = 120);
// The greedy method alone: infeasible (not wrong) when a tier has spacing or overlapping limits.
Solution solve_greedy(const SelectionProblem& problem);
// The min-cost flow alone: nullopt when a tier has spacing or units that overlap without nesting
// (type minimums); otherwise the optimum, or infeasible when the quotas cannot be met.
std::optional<Solution> solve_flow(const SelectionProblem& problem);

// The problem with tier `tier`'s limits[limit] relaxed by one place: its maximum raised (at_max) or its
// minimum lowered.
SelectionProblem relaxed_problem(SelectionProblem problem, int tier, std::size_t limit, bool at_max);

// The chosen selection's min-cost flow, kept to solve the selection again with one unit limit relaxed
// by one place without solving from scratch (explain_tiers does so once per binding limit). Each
// tier's network is built once, with the chosen selection as its flow and the network simplex's node
// potentials as the proof that it is optimal. A relaxed limit changes one arc's bound; the flow is then
// re-optimised by successive shortest augmenting paths on the residual network (Ahuja, Magnanti and
// Orlin, Network Flows, 1993, sections 9.3 and 9.7), tier by tier, the towns an earlier tier now takes
// or gives up closing or opening in the later tiers' networks. The result is the relaxed problem's
// tier-by-tier optimum: the towns solve_selection chooses whenever that optimum is one set of towns
// (tested against brute force and against solving afresh); among equal scores it keeps the chosen
// selection's towns where it can. Each is checked by its potentials, and solved afresh if they fail.
//
//   if (auto flows = RelaxedFlows::build(problem, sel.tier_of)) tier_of = flows->relaxed(tier, limit, at_max);
class RelaxedFlows {
public:
    // nullptr when the flow cannot model the problem (spacing, units that overlap without nesting) or
    // the potentials do not prove `tier_of` the problem's tier-by-tier optimum.
    static std::unique_ptr<RelaxedFlows> build(const SelectionProblem& problem, const std::vector<int>& tier_of);
    ~RelaxedFlows();
    // The selection of relaxed_problem(problem, tier, limit, at_max); empty when it has none. Safe to
    // call from several threads.
    std::vector<int> relaxed(int tier, std::size_t limit, bool at_max) const;
    // How many relaxations were solved afresh because the shortest paths did not end in a flow their
    // potentials prove optimal (none is expected: a safeguard).
    int solved_afresh() const { return m_solved_afresh; }

    struct Network;   // one tier's network (selection_solve.cpp)

private:
    RelaxedFlows();
    SelectionProblem m_problem;
    std::vector<int> m_tier_of;
    std::vector<Network> m_networks;   // per tier: its own and the later tiers' towns and limits
    mutable std::atomic<int> m_solved_afresh = 0;
};

// The integer program alone. hold_totals: instead of fixing each tier's choice, hold only its total
// at the optimum (a row sum(score x) >= best): the lexicographic optimum even across equal scores,
// 1.3x slower on the sample at x1 and x10 (bench/select_bench), and the benchmark's baseline.
Solution solve_glpk(const SelectionProblem& problem, double time_limit_s = 120, bool hold_totals = false);

// The GLPK library's version, for the manifest.
std::string glpk_version();

// GLPK keeps its environment per thread (thread-local storage): each thread of a parallel_for that
// solves holds one of these, which frees a worker thread's environment when the thread is done.
class SolverThread {
public:
    explicit SolverThread(unsigned thread) : m_worker(thread != 0) {}
    ~SolverThread();
    SolverThread(const SolverThread&) = delete;
    SolverThread& operator=(const SolverThread&) = delete;

private:
    bool m_worker;
};

// ---- why a town's tier is not the one its score alone gives

// The tiers score alone gives: each tier, in fill order, takes its `count` best eligible towns not
// already taken (ties by index), with no unit limit and no spacing.
std::vector<int> tiers_by_score(const SelectionProblem& problem);

// What put a town in a tier other than its tier by score. Found from the optimisation itself: every
// limit that binds in the chosen selection (a unit at its minimum or at its maximum) and holds a town
// whose tier differs is relaxed by one place and the selection solved again; a town that the
// relaxed selection moves to (or towards) its tier by score owes its tier to that limit, and the
// other towns the relaxation moves are the ones the limit moved. Spacing is read off the selection:
// a selected town of the tier by score is too close. What no single limit explains is Combined: the
// towns the limits raised into (or lowered out of) the town's tier by score are named instead.
struct TierCause {
    enum class Role {
        OnMerit,     // its tier is its tier by score
        Needed,      // raised: selected in the tier to meet a minimum of its unit
        Filled,      // raised: takes a place that higher-scoring towns cannot take because of the limit
        Held,        // lowered: kept for the minimum of its unit in the limit's (later) tier
        Blocked,     // lowered: its unit's maximum in its tier by score is reached
        Displaced,   // lowered: its place went to towns the limit raised
        Spacing,     // lowered: too close to a selected town of its tier by score
        Combined,    // the limits together, no one of them alone
    };
    Role role = Role::OnMerit;
    int tier = -1;                 // the limit's tier
    std::size_t limit = 0;         // the limit: problem.tiers[tier].limits[limit]
    bool at_max = false;           // the limit's maximum binds (else its minimum)
    int tier_without = -1;         // the town's tier with the limit relaxed by one place
    // The towns that trade places with it: for a raised town (lowered), those that would have its
    // place without the limit; for a lowered one (raised), those in the place it would have. Combined:
    // the towns the limits raised into, or lowered out of, its tier by score.
    std::vector<std::size_t> raised, lowered;
    int moved = 0;                 // all the other towns whose tier the limit changes
    std::size_t near = 0;          // Spacing: the selected town too close
};
// The rank of a tier for comparisons: tiers in fill order, then "not selected".
inline int tier_rank(int tier, std::size_t tiers) { return tier < 0 ? int(tiers) : tier; }
// One cause per town; solves again once per binding limit that holds a town whose tier differs (by
// moving the chosen flow, RelaxedFlows, when the quotas are a network).
std::vector<TierCause> explain_tiers(const SelectionProblem& problem, const std::vector<int>& tier_of, double time_limit_s = 120,
                                     const Progress& progress = {});

// ---- towns

struct Shortfall {
    std::string tier, unit;   // unit: a prefecture, county or type name, or "total"
    int needed = 0, available = 0;
    Words why;                // plain words
};

struct TierSummary {
    std::string key, name_zh, name_en;
    int count = 0;                   // towns selected
    double cut_off = NAN;            // lowest score selected on merit (not placed by a unit limit)
    // Highest score of an eligible town left out of this tier (not selected, or in a later tier) that
    // no limit holds, blocks or spaces out of it.
    double best_left_out = NAN;
    double lowest_selected = NAN;
    int for_limits = 0;              // towns selected below best_left_out: placed by a unit limit
};

struct Selection {
    std::vector<int> tier_of;                  // per town: index into tiers, -1 none
    std::vector<bool> eligible;                // for some tier
    // Rank by score among the eligible towns of the province, the prefecture and the county (1 =
    // best; 0 for a town that is not eligible): what reasons quote. Scores::rank_* rank all towns.
    std::vector<int> eligible_rank_province, eligible_rank_prefecture, eligible_rank_county;
    std::vector<int> tier_by_score;            // per town: its tier by score alone (tiers_by_score), -1 none
    std::vector<TierCause> cause;              // per town: why its tier differs from tier_by_score
    std::vector<std::string> tier_limit;       // per town: the limit that placed it, in short Chinese ("" on merit)
    std::vector<std::string> reason_zh, reason_en;
    std::vector<TierSummary> tiers;
    std::vector<Shortfall> shortfalls;
    std::string method;
    bool optimal = false;
    SelectionProblem problem;                  // as solved (minimums lowered by shortfalls), for sensitivity
};

// The towns as the quotas see them: per town its kind, prefecture and county (codes and names) and
// its type (key and name). select_towns takes them from the town table; inspect from the study's
// settlements, before any analysis, without types (whose minimums are then not checked).
struct QuotaTowns {
    std::vector<std::string> kind, prefecture, prefecture_name, county, county_name, type, type_name;
};
QuotaTowns quota_towns(const std::vector<Settlement>& towns);
// Throws the Error select_towns would throw for these towns' quotas (inspect calls it, so that it
// refuses what select would refuse, with the same message).
void check_quotas(const QuotaTowns& towns, const SelectionOptions& options);

// Throws Error listing every shortfall (tier, unit, needed, available) when quotas cannot be met,
// unless options.report_shortfall; then the shortfalls are in the result and the minimums are lowered
// to what can be had.
// TiersOnly leaves out what explains the tiers (tier_by_score, cause, tier_limit, reasons): the
// explanation re-solves once per binding limit, which a scenario that only compares tiers skips.
enum class Explain { Reasons, TiersOnly };
// Progress: the explanation's re-solves (the bulk of the work).
Selection select_towns(const TownTable& table, const Scores& scores, const std::vector<TownType>& types,
                       const ScoringOptions& scoring, const SelectionOptions& options, Explain explain = Explain::Reasons,
                       const Progress& progress = {});

// ---- sensitivity

struct SensitivityOptions {
    int runs = 0;
    std::uint64_t seed = 1;
    bool dirichlet = false;       // else: each weight times a uniform factor in [1 - spread, 1 + spread]
    double spread = 0.2;
    double concentration = 100;   // Dirichlet(concentration * w): larger is closer to the weights
};
// A stability in `lang`: 稳定 stable, 临界 borderline, 不稳定 unstable.
std::string stability_text(Lang lang, const std::string& stability);


struct Sensitivity {
    int runs = 0;
    std::vector<std::vector<int>> selected;   // [town][tier]: runs in which the town got that tier
    std::vector<double> same_share;           // share of runs with the same tier (or none) as the base run
    std::vector<std::string> stability;       // "stable" (>= 90 %), "borderline" (>= 50 %), "unstable"
};

// Perturbs the weights `runs` times (seeded; the scheme of the options), rescoring and reselecting
// each time with the same quotas. Throws when a run finds no feasible selection.
Sensitivity run_sensitivity(const Scores& scores, const Selection& base, const SensitivityOptions& options, double time_limit_s = 120,
                            const Progress& progress = {});

// The perturbed weights of run `run` (0-based): what run_sensitivity uses, for tests.
std::vector<double> perturbed_weights(const std::vector<double>& weights, const SensitivityOptions& options, int run);

}  // namespace townsite
