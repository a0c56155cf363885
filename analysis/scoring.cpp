#include "analysis/scoring.h"

#include "geo/text.h"

#include "geo/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <set>

namespace townsite {

namespace {

// The policy's six criteria (产业基础, 发展空间, 人口聚集, 地理位置, 道路交通, 区域带动) as fields the
// steps produce; the weights a planner would start from before an AHP session.
std::vector<Indicator> default_indicators() {
    return {{"industry", "industry_output", "产业基础", "industrial base", true, Normalisation::MinMax, 0.25},
            {"land", "dev_land", "发展空间", "room to grow", true, Normalisation::MinMax, 0.15},
            {"population", "population", "人口聚集", "population", true, Normalisation::MinMax, 0.20},
            {"location", "nearest_city_min", "地理位置", "location", false, Normalisation::MinMax, 0.10},
            {"roads", "county_seat_min", "道路交通", "road access", false, Normalisation::MinMax, 0.10},
            {"driving", "pop_30min", "区域带动", "regional pull", true, Normalisation::MinMax, 0.20}};
}

// The policy's priority areas (重点区域) and the bonus points they carry by default.
std::vector<Bonus> default_bonuses() {
    return {{"in_metro", "长春都市圈", "Changchun metropolitan circle", 5},
            {"city_surroundings", "城市周边", "city surroundings", 3},
            {"node_town", "重要节点镇", "node town", 4},
            {"key_assistance_county", "重点帮扶县", "key-assistance county", 3},
            {"border_county", "边境地区", "border area", 3}};
}

std::vector<double> normalise(const std::vector<double>& raw, const Indicator& ind, bool missing_mean) {
    const std::size_t n = raw.size();
    std::vector<double> out(n, NAN);
    std::vector<std::size_t> present;
    for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(raw[i])) present.push_back(i);
    auto oriented = [&](std::size_t i) { return ind.higher_is_better ? raw[i] : -raw[i]; };
    if (!present.empty()) {
        switch (ind.normalisation) {
            case Normalisation::MinMax: {
                double lo = INFINITY, hi = -INFINITY;
                for (auto i : present) lo = std::min(lo, oriented(i)), hi = std::max(hi, oriented(i));
                for (auto i : present) out[i] = hi > lo ? (oriented(i) - lo) / (hi - lo) : 0.0;
                break;
            }
            case Normalisation::ZScore: {
                double mean = 0, var = 0;
                for (auto i : present) mean += oriented(i);
                mean /= double(present.size());
                for (auto i : present) var += (oriented(i) - mean) * (oriented(i) - mean);
                const double sd = std::sqrt(var / double(present.size()));   // population SD
                for (auto i : present) out[i] = sd > 0 ? (oriented(i) - mean) / sd : 0.0;
                break;
            }
            case Normalisation::Rank: {
                // Fractional ranks: equal values share the mean of their ranks; worst 0, best 1.
                std::vector<std::size_t> order = present;
                std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return oriented(a) < oriented(b); });
                const double m = double(order.size());
                for (std::size_t k = 0; k < order.size();) {
                    std::size_t e = k;
                    while (e + 1 < order.size() && oriented(order[e + 1]) == oriented(order[k])) ++e;
                    const double mean_rank = (double(k) + double(e)) / 2;
                    for (std::size_t q = k; q <= e; ++q) out[order[q]] = m > 1 ? mean_rank / (m - 1) : 0.0;
                    k = e + 1;
                }
                break;
            }
        }
    }
    double fill = 0;
    if (!present.empty()) {
        if (missing_mean) {
            for (auto i : present) fill += out[i];
            fill /= double(present.size());
        } else {
            fill = INFINITY;
            for (auto i : present) fill = std::min(fill, out[i]);
        }
    }
    for (auto& v : out)
        if (!std::isfinite(v)) v = fill;
    return out;
}

}  // namespace

const Options<ScoringOptions>& scoring_option_table() {
    static const Options<Indicator> indicator =
        Options<Indicator>("indicator", "name, field, direction and weight",
                           [] {
                               Indicator i;
                               i.weight = NAN;   // given, or an error with direct weights
                               return i;
                           })
            .text("name", &Indicator::name, "the indicator's key (default: its field)")
            .text("field", &Indicator::field, "the town field it reads: any of `townsite fields towns` (required)")
            .choice<bool>("direction", &Indicator::higher_is_better, {{"higher", true}, {"lower", false}}, "which way is better")
            .choice<Normalisation>("normalisation", &Indicator::normalisation,
                                   {{"minmax", Normalisation::MinMax}, {"zscore", Normalisation::ZScore}, {"rank", Normalisation::Rank}},
                                   "how values are put on one scale")
            .number("weight", &Indicator::weight, 0, 1e6, "", "direct weight (any scale; normalised to sum 1)")
            .text("label_zh", &Indicator::label_zh, "label in Chinese (default: the name)")
            .text("label_en", &Indicator::label_en, "label in English (default: the name)")
            .check([](Indicator& ind, const ConfigPlace& at, OptionTable::Problems& problems) {
                if (ind.field.empty())
                    problems.push_back({at.line, "an indicator in [[scoring.indicators]] has no field",
                                        "add field = \"population\" (any town field: a source column or one the steps compute)."});
                if (ind.name.empty()) ind.name = ind.field;
                if (ind.label_zh.empty()) ind.label_zh = ind.name;
                if (ind.label_en.empty()) ind.label_en = ind.name;
            });
    static const Options<ScoringOptions> s =
        Options<ScoringOptions>("scoring", "indicators, weights and bonuses",
                                [] {
                                    ScoringOptions o;
                                    o.indicators = default_indicators();
                                    o.bonuses = default_bonuses();
                                    return o;
                                })
            .choice<WeightMethod>("weights", &ScoringOptions::method,
                                  {{"direct", WeightMethod::Direct}, {"ahp", WeightMethod::Ahp}, {"entropy", WeightMethod::Entropy}},
                                  "direct weights, AHP from the ahp matrix, or entropy (熵权法)")
            .choice<bool>("missing", &ScoringOptions::missing_mean, {{"worst", false}, {"mean", true}},
                          "a missing value gets the worst normalised value or the mean")
            .number("max_consistency_ratio", &ScoringOptions::max_consistency_ratio, 0, 1, "", "AHP: the largest consistency ratio accepted")
            .flag("allow_inconsistent", &ScoringOptions::allow_inconsistent, "AHP: use the weights even above max_consistency_ratio")
            .matrix("ahp", &ScoringOptions::ahp_matrix, "AHP pairwise comparisons, one row and column per indicator in their order")
            .tables<Indicator>("indicators", &ScoringOptions::indicators, indicator, "the indicators (default: the policy's six criteria)")
            .number_entries(
                "bonus", [](ScoringOptions& o) { o.bonuses.clear(); },
                [](ScoringOptions& o, const std::string& field, double points) {
                    Bonus b{field, field, field, points};
                    for (const auto& d : default_bonuses())
                        if (d.field == field) b = {d.field, d.label_zh, d.label_en, points};
                    o.bonuses.push_back(b);
                },
                [](const ScoringOptions& o) {
                    std::vector<std::pair<std::string, double>> out;
                    for (const auto& b : o.bonuses) out.emplace_back(b.field, b.points);
                    return out;
                },
                -1000, 1000, "points", "points added to the score of a town where the yes/no field is yes (replaces the default bonuses)")
            .check([](ScoringOptions& opt, const ConfigPlace& at, OptionTable::Problems& problems) {
                opt.ahp_line = at.line_of("ahp");
                if (opt.method == WeightMethod::Direct) {
                    double sum = 0;
                    for (const auto& ind : opt.indicators) {
                        if (!std::isfinite(ind.weight))
                            problems.push_back({at.line_of("indicators"), "indicator \"" + ind.name + "\" has no weight (weights = \"direct\")",
                                                "add weight = 0.2, or set weights = \"ahp\" or \"entropy\" in [scoring]."});
                        sum += std::isfinite(ind.weight) ? ind.weight : 0;
                    }
                    if (!(sum > 0)) problems.push_back({at.line, "the indicator weights in [scoring] sum to 0", "give some indicator a weight above 0."});
                }
                if (at.given("ahp") && !opt.ahp_matrix.empty() && opt.ahp_matrix.size() != opt.indicators.size())
                    problems.push_back({opt.ahp_line, "\"scoring.ahp\" has " + std::to_string(opt.ahp_matrix.size()) + " rows for " +
                                                          std::to_string(opt.indicators.size()) + " indicators",
                                        "give one row and one column per [[scoring.indicators]], in their order."});
                if (!at.given("ahp") && opt.method == WeightMethod::Ahp)
                    problems.push_back({at.line, "weights = \"ahp\" but [scoring] has no ahp matrix",
                                        "add ahp = [[1, 3, ...], ...], one row per indicator in their order."});
            });
    return s;
}

ScoringOptions scoring_options(const StudyConfig& config) {
    ScoringOptions opt = scoring_option_table().read(config);
    opt.config_path = config.path;
    if (opt.method == WeightMethod::Ahp) {
        try {
            check_consistency(ahp(opt.ahp_matrix), opt);
        } catch (Error& e) {
            e.with_file(config.path).with_line(opt.ahp_line);
            throw;
        }
    }
    return opt;
}

void check_consistency(const AhpResult& r, const ScoringOptions& opt) {
    if (r.consistency_ratio <= opt.max_consistency_ratio || opt.allow_inconsistent) return;
    std::string worst;
    for (std::size_t k = 0; k < std::min<std::size_t>(3, r.most_inconsistent.size()); ++k) {
        const AhpComparison& c = r.most_inconsistent[k];
        worst += (k ? "; " : "") + opt.indicators[c.i].name + " vs " + opt.indicators[c.j].name + " is " + fmt(c.given, 3) +
                 ", the weights imply " + fmt(c.implied, 3);
    }
    throw Error("the AHP matrix in [scoring] is not consistent enough: consistency ratio " + fmt(r.consistency_ratio, 3) +
                " > " + fmt(opt.max_consistency_ratio, 2) + " (lambda_max " + fmt(r.lambda_max, 3) + "); the most inconsistent judgements: " +
                worst)
        .with_hint("revise those comparisons, or set allow_inconsistent = true in [scoring] to use the weights anyway.");
}

Scores score_towns(const TownTable& table, const ScoringOptions& opt) {
    Scores s;
    const std::size_t n = table.size(), m = opt.indicators.size();
    for (const auto& ind : opt.indicators) {
        s.raw.push_back(table.column(ind.field, "[[scoring.indicators]] \"" + ind.name + "\" of " + opt.config_path));
        s.normalised.push_back(normalise(s.raw.back(), ind, opt.missing_mean));
        s.missing.push_back(std::size_t(std::count_if(s.raw.back().begin(), s.raw.back().end(), [](double v) { return !std::isfinite(v); })));
    }
    switch (opt.method) {
        case WeightMethod::Direct:
            for (const auto& ind : opt.indicators) s.weights.push_back(ind.weight);
            break;
        case WeightMethod::Ahp:
            s.ahp = ahp(opt.ahp_matrix);
            check_consistency(*s.ahp, opt);
            s.weights = s.ahp->weights;
            break;
        case WeightMethod::Entropy: {
            // The entropy method needs non-negative values: each normalised column rescaled to [0, 1].
            std::vector<std::vector<double>> cols;
            for (const auto& col : s.normalised) {
                const auto [lo, hi] = std::minmax_element(col.begin(), col.end());
                std::vector<double> c(col.size(), 0.0);
                if (*hi > *lo)
                    for (std::size_t i = 0; i < col.size(); ++i) c[i] = (col[i] - *lo) / (*hi - *lo);
                cols.push_back(c);
            }
            s.weights = entropy_weights(cols);
            break;
        }
    }
    const double sum = std::accumulate(s.weights.begin(), s.weights.end(), 0.0);
    for (auto& w : s.weights) w = sum > 0 ? w / sum : 1.0 / double(m);

    s.bonus.assign(n, 0.0);
    for (const Bonus& b : opt.bonuses) {
        const auto& col = table.column(b.field, "[scoring.bonus] of " + opt.config_path);
        for (std::size_t i = 0; i < n; ++i)
            if (std::isfinite(col[i]) && col[i] != 0) s.bonus[i] += b.points;
    }
    s.score = rescore(s, s.weights);
    s.contribution.assign(m, std::vector<double>(n));
    for (std::size_t j = 0; j < m; ++j)
        for (std::size_t i = 0; i < n; ++i) s.contribution[j][i] = 100 * s.weights[j] * s.normalised[j][i];
    s.city_nearness.assign(n, 0.0);
    for (std::size_t j = 0; j < m; ++j)
        if (measures_city_nearness(opt.indicators[j].field))
            for (std::size_t i = 0; i < n; ++i) s.city_nearness[i] += s.contribution[j][i];
    for (const Bonus& b : opt.bonuses) {
        if (!measures_city_nearness(b.field)) continue;
        const auto& col = table.column(b.field);
        for (std::size_t i = 0; i < n; ++i)
            if (std::isfinite(col[i]) && col[i] != 0) s.city_nearness[i] += b.points;
    }
    rank_towns(table, s);
    return s;
}

bool measures_city_nearness(const std::string& field) {
    static const std::set<std::string> fields = {"nearest_city_min",    "nearest_city_km", "prefecture_seat_min", "prefecture_seat_km", "metro_core_min",
                                                 "metro_core_km",       "metro_km",        "in_metro",            "city_surroundings"};
    // pop_{minutes}min: the people within that drive.
    const bool catchment = field.size() > 7 && field.rfind("pop_", 0) == 0 && field.compare(field.size() - 3, 3, "min") == 0 &&
                           std::isdigit(static_cast<unsigned char>(field[4]));
    return catchment || fields.count(field) > 0;
}

double city_nearness_pct(const Scores& scores, std::size_t i) {
    return scores.score[i] != 0 ? 100 * scores.city_nearness[i] / scores.score[i] : NAN;
}

NearnessSummary nearness_summary(const Scores& scores, const ScoringOptions& opt, const std::vector<int>& tier_of) {
    NearnessSummary s;
    std::string bonus_en, bonus_zh;
    for (const Indicator& ind : opt.indicators)
        if (measures_city_nearness(ind.field))
            s.counted += (s.counted.empty() ? "" : ", ") + ind.label_en, s.counted_zh += (s.counted_zh.empty() ? "" : "、") + ind.label_zh;
    for (const Bonus& b : opt.bonuses)
        if (measures_city_nearness(b.field) && b.points != 0)
            bonus_en += (bonus_en.empty() ? "" : ", ") + b.label_en, bonus_zh += (bonus_zh.empty() ? "" : "、") + b.label_zh;
    if (!bonus_en.empty()) {
        s.counted += (s.counted.empty() ? "bonus " : "; bonus ") + bonus_en;
        s.counted_zh += (s.counted_zh.empty() ? "加分" : "；加分") + bonus_zh;
    }
    if (s.counted.empty()) return s;
    double sum = 0;
    int towns = 0;
    for (std::size_t i = 0; i < tier_of.size(); ++i) {
        const double pct = city_nearness_pct(scores, i);
        if (tier_of[i] < 0 || !std::isfinite(pct)) continue;
        sum += pct, ++towns;
        if (!(pct <= s.max_pct)) s.max_pct = pct;
    }
    if (towns > 0) s.mean_pct = sum / towns;
    return s;
}

std::vector<double> rescore(const Scores& base, const std::vector<double>& weights) {
    std::vector<double> score = base.bonus;
    for (std::size_t j = 0; j < weights.size(); ++j)
        for (std::size_t i = 0; i < score.size(); ++i) score[i] += 100 * weights[j] * base.normalised[j][i];
    return score;
}

void rank_towns(const TownTable& table, Scores& s) {
    const std::size_t n = s.score.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return s.score[a] > s.score[b]; });
    s.rank_province.assign(n, 0);
    s.rank_prefecture.assign(n, 0);
    s.rank_county.assign(n, 0);
    std::map<std::string, int> in_prefecture, in_county;
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = order[k];
        s.rank_province[i] = int(k) + 1;
        s.rank_prefecture[i] = ++in_prefecture[table.towns[i].prefecture];
        s.rank_county[i] = ++in_county[table.towns[i].county];
    }
}

std::vector<IndicatorPair> correlated_indicators(const Scores& scores, const ScoringOptions& options, const std::vector<bool>& over,
                                                 double threshold) {
    std::vector<IndicatorPair> out;
    const std::size_t m = scores.raw.size();
    for (std::size_t a = 0; a < m; ++a)
        for (std::size_t b = a + 1; b < m; ++b) {
            const double sa = options.indicators[a].higher_is_better ? 1 : -1, sb = options.indicators[b].higher_is_better ? 1 : -1;
            // Two passes: the means, then the centred sums (no cancellation on large values).
            std::vector<std::pair<double, double>> xy;
            for (std::size_t i = 0; i < scores.raw[a].size(); ++i)
                if (i < over.size() && over[i] && std::isfinite(scores.raw[a][i]) && std::isfinite(scores.raw[b][i]))
                    xy.emplace_back(sa * scores.raw[a][i], sb * scores.raw[b][i]);
            if (xy.size() < 3) continue;
            double mx = 0, my = 0;
            for (const auto& [x, y] : xy) mx += x, my += y;
            mx /= double(xy.size()), my /= double(xy.size());
            double sxy = 0, sxx = 0, syy = 0;
            for (const auto& [x, y] : xy) sxy += (x - mx) * (y - my), sxx += (x - mx) * (x - mx), syy += (y - my) * (y - my);
            if (!(sxx > 0) || !(syy > 0)) continue;   // a constant indicator correlates with nothing
            const double r = sxy / std::sqrt(sxx * syy);
            if (std::fabs(r) >= threshold) out.push_back({a, b, r, xy.size()});
        }
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return std::fabs(x.r) > std::fabs(y.r); });
    return out;
}

}  // namespace townsite
