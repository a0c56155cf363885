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
// which only equal scores allow, the first found stands). Two exact methods: a greedy one when each
// tier's limits are minimums and maximums over disjoint units (top `min` of every unit, then the best
// of the rest: optimal because the total is a sum of per-unit prefix sums, each concave), tried first
// and kept when every tier is met; otherwise an integer program solved to optimality with GLPK, one
// tier at a time with the later tiers' limits in the model, which also handles spacing
// (x_i + x_j <= 1 for towns of a tier closer than min_spacing_km, straight-line in the working CRS),
// minimums per town type, and units that overlap (counties within prefectures).
#pragma once

#include "analysis/scoring.h"
#include "analysis/town_types.h"
#include "geo/study.h"

#include <cstdint>
#include <map>
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
    std::string method;                 // "greedy" or "GLPK"
    std::vector<int> tier_of;           // per town, -1 none
    std::vector<double> tier_score;     // total score per tier
};

Solution solve_selection(const SelectionProblem& problem, double time_limit_s = 120);
// The greedy method alone: infeasible (not wrong) when a tier has spacing or overlapping limits.
Solution solve_greedy(const SelectionProblem& problem);
// The integer program alone. hold_totals: instead of fixing each tier's choice, hold only its total
// at the optimum (a row sum(score x) >= best): the lexicographic optimum even across equal scores,
// 1.3x slower on the sample at x1 and x10 (bench/select_bench), and the benchmark's baseline.
Solution solve_glpk(const SelectionProblem& problem, double time_limit_s = 120, bool hold_totals = false);

// The GLPK library's version, for the manifest.
std::string glpk_version();

// ---- towns

struct Shortfall {
    std::string tier, unit;   // unit: a prefecture, county or type name, or "total"
    int needed = 0, available = 0;
    std::string why;          // plain words
};

struct TierSummary {
    std::string key, name_zh, name_en;
    int count = 0;                   // towns selected
    double cut_off = NAN;            // lowest score selected on merit (not for a unit minimum)
    double best_left_out = NAN;      // highest score of an eligible town not selected in any tier (nor held back by spacing or a maximum)
    double lowest_selected = NAN;
    int for_minimums = 0;            // towns selected below best_left_out: for a unit minimum
};

struct Selection {
    std::vector<int> tier_of;                  // per town: index into tiers, -1 none
    std::vector<bool> eligible;                // for some tier
    // Rank by score among the eligible towns of the province, the prefecture and the county (1 =
    // best; 0 for a town that is not eligible): what reasons quote. Scores::rank_* rank all towns.
    std::vector<int> eligible_rank_province, eligible_rank_prefecture, eligible_rank_county;
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
Selection select_towns(const TownTable& table, const Scores& scores, const std::vector<TownType>& types,
                       const ScoringOptions& scoring, const SelectionOptions& options);

// ---- sensitivity

struct SensitivityOptions {
    int runs = 0;
    std::uint64_t seed = 1;
    bool dirichlet = false;       // else: each weight times a uniform factor in [1 - spread, 1 + spread]
    double spread = 0.2;
    double concentration = 100;   // Dirichlet(concentration * w): larger is closer to the weights
};

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
