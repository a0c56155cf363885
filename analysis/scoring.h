// scoring: one score per town from the indicators the config declares ([scoring]), with the weight
// of each indicator given directly, derived by AHP from a pairwise comparison matrix, or by the
// entropy weight method (熵权法); priority-area bonuses on top; ranks in the province, prefecture and
// county; and what each indicator contributed to each town's score.
//
//   ScoringOptions opt = scoring_options(study.config);
//   Scores s = score_towns(table, opt);      // table: build_town_table(...)
//   s.score[i], s.contribution[j][i], s.rank_province[i] ...
//
// score = 100 * sum_j w_j * n_ij + bonus_i, where n_ij is indicator j of town i normalised so that
// larger is better: min-max to [0, 1], rank to [0, 1] (ties share their mean rank), or z-score
// (unbounded). A missing value becomes the worst normalised value of the indicator ("worst", the
// default: a town gains nothing from data it lacks) or its mean ("mean"). Normalisation runs over
// every town of the study; the weights sum to 1.
#pragma once

#include "analysis/town_table.h"
#include "analysis/weights.h"
#include "geo/options.h"

#include <optional>
#include <string>
#include <vector>

namespace townsite {

enum class Normalisation { MinMax, ZScore, Rank };
enum class WeightMethod { Direct, Ahp, Entropy };

struct Indicator {
    std::string name;       // the config's key for it
    std::string field;      // the town field it reads
    std::string label_zh, label_en;
    bool higher_is_better = true;
    Normalisation normalisation = Normalisation::MinMax;
    double weight = 0;      // direct weight (any scale; normalised to sum 1)
};

// Points added to the score of a town whose yes/no field is yes (priority areas of the policy).
struct Bonus {
    std::string field;      // a 0/1 town field: in_metro, city_surroundings, node_town, ...
    std::string label_zh, label_en;
    double points = 0;
};

struct ScoringOptions {
    std::vector<Indicator> indicators;
    WeightMethod method = WeightMethod::Direct;
    std::vector<std::vector<double>> ahp_matrix;   // in the order of indicators
    double max_consistency_ratio = 0.10;
    bool allow_inconsistent = false;
    bool missing_mean = false;                     // false: missing = worst
    std::vector<Bonus> bonuses;
    std::string config_path;
    int ahp_line = 0;
};

// Reads [scoring] (the policy's six criteria and five priority areas when absent); checks that the
// AHP matrix is consistent enough (CR <= max_consistency_ratio) unless allow_inconsistent.
const Options<ScoringOptions>& scoring_option_table();
ScoringOptions scoring_options(const StudyConfig& config);

struct Scores {
    std::vector<double> weights;                       // per indicator, summing to 1
    std::optional<AhpResult> ahp;
    std::vector<std::vector<double>> raw;              // [indicator][town], NaN missing
    std::vector<std::vector<double>> normalised;       // [indicator][town], missing filled
    std::vector<std::size_t> missing;                  // per indicator: towns without a value
    std::vector<std::vector<double>> contribution;     // [indicator][town] = 100 w_j n_ij
    std::vector<double> bonus, score;
    // Per town: the points from indicators and bonuses that measure nearness to cities
    // (measures_city_nearness), which several of them may count at once.
    std::vector<double> city_nearness;
    std::vector<int> rank_province, rank_prefecture, rank_county;   // 1 = best
};

// Whether a town field measures nearness to cities (prefecture seats and the metropolitan core): the
// drive or distance to them (nearest_city_min, prefecture_seat_min, metro_core_min, metro_km, ...),
// the people within a drive of the town (pop_30min: most of them live in the cities), and the flags
// for the metropolitan circle and the city surroundings. Location, catchment and the city bonuses
// can count the same nearness up to four times; the report shows how much of a score it makes.
bool measures_city_nearness(const std::string& field);

// The share of each town's score that comes from nearness to cities, in percent (NaN for a score of 0).
double city_nearness_pct(const Scores& scores, std::size_t town);

// What nearness to cities makes of the selected towns' scores (tier_of[i] >= 0): the indicators and
// bonuses that count it, by English label ("location, regional pull; bonus metropolitan circle"; empty
// when none does), and its mean and largest share.
struct NearnessSummary {
    std::string counted, counted_zh;
    double mean_pct = NAN, max_pct = NAN;
};
NearnessSummary nearness_summary(const Scores& scores, const ScoringOptions& options, const std::vector<int>& tier_of);

// Throws Error when an indicator names a field the table lacks or an AHP matrix is refused.
Scores score_towns(const TownTable& table, const ScoringOptions& options);

// The scores of every town under other weights (one per indicator, summing to 1) over the same
// normalised values and bonuses: for sensitivity runs and scenarios.
std::vector<double> rescore(const Scores& base, const std::vector<double>& weights);

// Ranks by score, best first; ties by table order, so ranks are the same on every run.
void rank_towns(const TownTable& table, Scores& scores);

// Two indicators that rank towns alike (they may measure the same thing and count it twice).
struct IndicatorPair {
    std::size_t a = 0, b = 0;   // indicator indexes, a < b
    double r = 0;               // Pearson's r, signed so that r > 0 means both reward the same towns
    std::size_t towns = 0;      // towns with both values, over which r was computed
};
// The pairs with |r| >= threshold among the towns in `over` (e.g. the eligible ones) that have both
// raw values; an indicator where lower is better counts negated. Strongest first.
std::vector<IndicatorPair> correlated_indicators(const Scores& scores, const ScoringOptions& options, const std::vector<bool>& over,
                                                 double threshold = 0.8);

// Checks an AHP result against the options: an Error naming the worst judgements when CR is too high.
void check_consistency(const AhpResult& ahp, const ScoringOptions& options);

}  // namespace townsite
