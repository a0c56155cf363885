#include "tools/decision.h"

#include "geo/error.h"

#include "geo/text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>

namespace townsite::tools {

StudyConfig load_checked_config(const std::string& path) {
    StudyConfig config = load_config(path);
    // Every section of the config, whichever command runs: a mistake anywhere is reported before any
    // work, and inspect refuses exactly what run would.
    read_study_options(config);
    return config;
}

SensitivityOptions SensitivityArgs::resolved() const {
    SensitivityOptions o = options;
    o.dirichlet = scheme == "dirichlet";
    o.spread = spread_pct / 100;
    return o;
}

namespace {
GeomPtr town_point(const Decision& d, std::size_t i) { return seat_point(*d.routed.study.geos, d.table.towns[i]); }
std::string tier_key(const SelectionOptions& so, int tier) { return tier >= 0 ? so.tiers[std::size_t(tier)].key : std::string(); }
// Empty text as a null field, as `tier` is for a town not selected.
FieldValue optional_text(const std::string& s) { return s.empty() ? FieldValue() : FieldValue(s); }
}  // namespace

void write_towns(OutputDataset& out, const Decision& d, const DecisionRun* run) {
    const TownTable& t = d.table;
    const SelectionOptions* so = run ? &d.options.selection : nullptr;
    const Selection* sel = run ? &run->selection : nullptr;
    const Sensitivity* sens = run && run->sensitivity ? &*run->sensitivity : nullptr;
    Fields fields("towns");
    fields.add({"id", "name", "kind", "county", "county_name", "prefecture", "prefecture_name", "nearest_city"});
    for (const Column& c : t.text_columns) fields.add(c);
    for (const Column& c : t.columns) fields.add(c);
    for (const auto& ind : d.options.scoring.indicators) {
        const Fill fill{ind.name, ind.label_zh, ind.label_en};
        fields.add("norm_{indicator}", fill).add("contrib_{indicator}", fill);
    }
    fields.add({"bonus", "score", "city_nearness_pct", "rank_province", "rank_prefecture", "rank_county", "town_type", "town_type_zh", "town_type_rule",
                "town_type_rule_en"});
    if (sel)
        fields.add({"eligible", "eligible_rank_province", "eligible_rank_prefecture", "eligible_rank_county", "tier", "tier_zh", "tier_by_score", "tier_limit",
                    "reason_zh", "reason_en"});
    if (sens) {
        for (const auto& tier : so->tiers) fields.add("p_{tier}", {tier.key, tier.name_zh, tier.name_en});
        fields.add({"same_tier_share", "stability"});
    }
    OutputLayer& layer = out.layer("towns", wkbPoint, fields);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const Settlement& town = t.towns[i];
        std::vector<FieldValue> v = {town.id, town.name, town.kind, town.county, town.county_name, town.prefecture, town.prefecture_name,
                                     t.proximity[i].nearest_city};
        for (const Column& c : t.text_columns) v.push_back(t.texts.at(c.name)[i]);
        for (const Column& c : t.columns) {
            const double x = t.values.at(c.name)[i];
            if (c.type == ColumnType::Flag) v.push_back(std::isfinite(x) ? FieldValue(std::int64_t(x)) : FieldValue());
            else v.push_back(x);
        }
        for (std::size_t j = 0; j < d.options.scoring.indicators.size(); ++j) {
            v.push_back(d.scores.normalised[j][i]);
            v.push_back(d.scores.contribution[j][i]);
        }
        v.insert(v.end(), {d.scores.bonus[i], d.scores.score[i], city_nearness_pct(d.scores, i), std::int64_t(d.scores.rank_province[i]), std::int64_t(d.scores.rank_prefecture[i]),
                           std::int64_t(d.scores.rank_county[i]), d.types[i].key, d.types[i].name_zh, d.types[i].rule, d.types[i].rule_en});
        if (sel) {
            const int tier = sel->tier_of[i];
            v.push_back(std::int64_t(sel->eligible[i]));
            for (const auto* rank : {&sel->eligible_rank_province, &sel->eligible_rank_prefecture, &sel->eligible_rank_county})
                v.push_back((*rank)[i] > 0 ? FieldValue(std::int64_t((*rank)[i])) : FieldValue());
            v.push_back(tier >= 0 ? FieldValue(so->tiers[std::size_t(tier)].key) : FieldValue());
            v.push_back(tier >= 0 ? FieldValue(so->tiers[std::size_t(tier)].name_zh) : FieldValue());
            v.push_back(optional_text(tier_key(*so, sel->tier_by_score[i])));
            v.push_back(optional_text(sel->tier_limit[i]));
            v.push_back(sel->reason_zh[i]);
            v.push_back(sel->reason_en[i]);
        }
        if (sens) {
            for (std::size_t k = 0; k < so->tiers.size(); ++k) v.push_back(sens->runs ? double(sens->selected[i][k]) / sens->runs : NAN);
            v.push_back(sens->same_share[i]);
            v.push_back(sens->stability[i]);
        }
        layer.add(v, town_point(d, i).get());
    }
}

StyleHints style_hints(const Decision& d, bool with_tiers, Lang lang) {
    StyleHints h;
    h.lang = lang;
    h.score_max = 0;
    for (double s : d.scores.score) h.score_max = std::max(h.score_max, std::ceil(s / 5) * 5);
    if (with_tiers)
        for (const auto& t : d.options.selection.tiers) h.tiers.push_back({t.key, say(lang, t.name_zh, t.name_en)});
    return h;
}

void print_scores(const Decision& d, std::ostream& os, int top) {
    const char* method = d.options.scoring.method == WeightMethod::Ahp ? "AHP" : d.options.scoring.method == WeightMethod::Entropy ? "entropy" : "direct";
    os << "Weights (" << method << "):";
    for (std::size_t j = 0; j < d.options.scoring.indicators.size(); ++j)
        os << (j ? ", " : " ") << d.options.scoring.indicators[j].name << " " << fmt(d.scores.weights[j], 3);
    os << "\n";
    if (d.scores.ahp)
        os << "  AHP: lambda_max " << fmt(d.scores.ahp->lambda_max, 3) << ", CI " << fmt(d.scores.ahp->consistency_index, 4) << ", RI "
           << fmt(d.scores.ahp->random_index, 2) << ", CR " << fmt(d.scores.ahp->consistency_ratio, 3)
           << (d.scores.ahp->consistency_ratio <= d.options.scoring.max_consistency_ratio ? " (consistent enough: <= " + fmt(d.options.scoring.max_consistency_ratio, 2) + ")"
                                                                                 : " (too high: used because allow_inconsistent = true)") << "\n";
    for (std::size_t j = 0; j < d.options.scoring.indicators.size(); ++j)
        if (d.scores.missing[j])
            os << "  note: " << d.scores.missing[j] << " towns have no " << d.options.scoring.indicators[j].field << "; they get the "
               << (d.options.scoring.missing_mean ? "mean" : "worst") << " normalised value\n";
    std::vector<std::size_t> order(d.table.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return d.scores.rank_province[a] < d.scores.rank_province[b]; });
    os << "Best " << top << " of " << d.table.size() << " towns:\n";
    for (int k = 0; k < top && k < int(order.size()); ++k) {
        const std::size_t i = order[std::size_t(k)];
        os << "  " << (k + 1 < 10 ? " " : "") << (k + 1) << ". " << d.table.towns[i].name << " (" << d.table.towns[i].county_name << ", "
           << d.table.towns[i].prefecture_name << ") " << fmt(d.scores.score[i]) << "  " << d.types[i].name_zh << "\n";
    }
}

void add_sensitivity_options(CLI::App* cmd, SensitivityArgs& a, int default_runs) {
    a.options.runs = default_runs;
    cmd->add_option("--sensitivity", a.options.runs, "Perturb the weights N times and report how often each town is selected")
        ->capture_default_str()
        ->check(CLI::Range(0, 100000));
    cmd->add_option("--seed", a.options.seed, "Seed of the perturbations")->capture_default_str();
    cmd->add_option("--scheme", a.scheme, "uniform: each weight times 1 +- spread; dirichlet: weights drawn from Dirichlet(concentration * w)")
        ->capture_default_str()
        ->check(CLI::IsMember({"uniform", "dirichlet"}));
    cmd->add_option("--spread", a.spread_pct, "Uniform scheme: largest change of a weight, percent")->capture_default_str()->check(CLI::Range(0.0, 100.0));
    cmd->add_option("--concentration", a.options.concentration, "Dirichlet scheme: larger stays closer to the weights")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
}

void write_demo_towns(OutputDataset& out, const Decision& d, const DecisionRun& r) {
    const SelectionOptions& so = d.options.selection;
    const Selection& sel = r.selection;
    Fields df("demo_towns");
    df.add({"id", "name", "county_name", "prefecture_name", "tier", "tier_zh", "tier_en", "town_type_zh", "town_type_en", "score", "city_nearness_pct",
            "eligible_rank_province", "eligible_rank_prefecture", "rank_province", "rank_prefecture", "tier_by_score", "tier_limit", "reason_zh", "reason_en"});
    if (r.sensitivity) df.add({"stability"});
    OutputLayer& demo = out.layer("demo_towns", wkbPoint, df);
    const TownTable& t = d.table;
    for (std::size_t k = 0; k < so.tiers.size(); ++k)
        for (std::size_t i = 0; i < t.size(); ++i) {
            if (sel.tier_of[i] != int(k)) continue;
            std::vector<FieldValue> v = {t.towns[i].id, t.towns[i].name, t.towns[i].county_name, t.towns[i].prefecture_name, so.tiers[k].key, so.tiers[k].name_zh,
                                         so.tiers[k].name_en, d.types[i].name_zh, d.types[i].name_en, d.scores.score[i], city_nearness_pct(d.scores, i),
                                         std::int64_t(sel.eligible_rank_province[i]), std::int64_t(sel.eligible_rank_prefecture[i]),
                                         std::int64_t(d.scores.rank_province[i]), std::int64_t(d.scores.rank_prefecture[i]),
                                         optional_text(tier_key(so, sel.tier_by_score[i])), optional_text(sel.tier_limit[i]), sel.reason_zh[i],
                                         sel.reason_en[i]};
            if (r.sensitivity) v.push_back(r.sensitivity->stability[i]);
            demo.add(v, town_point(d, i).get());
        }
}


void write_works(OutputDataset& out, const Decision& d, const DecisionRun& r, const std::vector<Work>& works) {
    const SelectionOptions& so = d.options.selection;
    OutputLayer& layer = out.layer("works", wkbPoint,
                                   Fields("works").add({"town_id", "town_name", "county_name", "prefecture_name", "tier_zh", "work", "work_zh", "what",
                                                        "quantity", "unit", "people", "protected_sites", "farmland_km", "redline_detour_km", "cost",
                                                        "people_per_cost"}));
    
    for (const Work& w : works) {
        const Settlement& town = d.table.towns[w.town];
        const int tier = r.selection.tier_of[w.town];
        
        layer.add({town.id, town.name, town.county_name, town.prefecture_name, tier >= 0 ? so.tiers[std::size_t(tier)].name_zh : std::string(), w.kind,
                   work_text(Lang::zh, w), w.what, w.quantity, w.unit, w.people, optional_text(w.protected_sites), w.farmland_km, w.redline_detour_km, w.cost,
                   w.people_per_cost()},
                  d.routed.study.geos->point(w.x, w.y).get());
    }
}

void write_scenario_tiers(OutputDataset& out, const Decision& d, const DecisionRun& r) {
    const SelectionOptions& so = d.options.selection;
    const std::vector<Scenario>& scenarios = d.options.scenarios;
    if (scenarios.empty()) return;
    const TownTable& t = d.table;
    Fields sf("scenario_tiers");
    sf.add({"id", "name", "prefecture_name", "tier"});
    for (const auto& s : scenarios) {
        const Words w = scenario_words(s);
        sf.add("tier_{scenario}", {s.name, w.zh, w.en});
    }
    sf.add({"changed"});
    OutputLayer& sl = out.layer("scenario_tiers", wkbPoint, sf);
    for (std::size_t i = 0; i < t.size(); ++i) {
        bool changed = false;
        std::vector<FieldValue> v = {t.towns[i].id, t.towns[i].name, t.towns[i].prefecture_name, tier_key(so, r.selection.tier_of[i])};
        for (std::size_t s = 0; s < scenarios.size(); ++s) {
            v.push_back(tier_key(so, r.scenario_tiers[s][i]));
            changed = changed || r.scenario_tiers[s][i] != r.selection.tier_of[i];
        }
        v.push_back(std::int64_t(changed));
        if (changed || r.selection.tier_of[i] >= 0) sl.add(v, town_point(d, i).get());
    }
}

void print_selection(const Decision& d, const DecisionRun& r, const SensitivityOptions& sensitivity, std::ostream& os) {
    const SelectionOptions& so = d.options.selection;
    const Selection& sel = r.selection;
    os << "Selection (" << sel.method << (sel.optimal ? ", optimal" : ", time limit reached: best found, not proven optimal") << "):\n";
    for (const TierSummary& ts : sel.tiers)
        os << "  " << ts.name_en << " (" << ts.name_zh << "): " << ts.count << " towns, cut-off " << fmt(ts.cut_off) << ", lowest selected "
           << fmt(ts.lowest_selected) << (ts.for_limits ? ", " + std::to_string(ts.for_limits) + " placed by unit limits" : "") << "\n";
    std::map<std::string, std::vector<int>> per_prefecture;   // by code: admin-code order
    std::map<std::string, std::string> prefecture_name;
    for (std::size_t i = 0; i < d.table.size(); ++i) {
        const Settlement& town = d.table.towns[i];
        prefecture_name[town.prefecture] = town.prefecture_name;
        auto& row = per_prefecture[town.prefecture];
        row.resize(so.tiers.size());
        if (sel.tier_of[i] >= 0) ++row[std::size_t(sel.tier_of[i])];
    }
    os << "  per prefecture:";
    for (const auto& t : so.tiers) os << " " << t.key;
    os << "\n";
    for (const auto& [code, row] : per_prefecture) {
        os << "    " << prefecture_name[code];
        for (int c : row) os << "  " << c;
        os << "\n";
    }
    if (const NearnessSummary near = nearness_summary(d.scores, d.options.scoring, sel.tier_of); !near.counted.empty())
        os << "  nearness to cities (" << near.counted << ") makes " << fmt(near.mean_pct, 0) << " % of the demonstration towns' score on average, up to "
           << fmt(near.max_pct, 0) << " %\n";
    for (const IndicatorPair& p : correlated_indicators(d.scores, d.options.scoring, sel.eligible))
        os << "  note: indicators " << d.options.scoring.indicators[p.a].name << " and " << d.options.scoring.indicators[p.b].name
           << " reward the same towns (r = " << fmt(p.r, 2) << " over " << p.towns << " eligible towns): they may count one thing twice\n";
    for (const Shortfall& s : sel.shortfalls)
        os << "  shortfall: tier " << s.tier << ", " << s.unit << ": needs " << s.needed << ", can have " << s.available << " (" << s.why.en
           << "), short by " << (s.needed - s.available) << "\n";
    if (r.sensitivity) {
        std::map<std::string, int> selected;
        int left_out_moving = 0;
        for (std::size_t i = 0; i < d.table.size(); ++i) {
            if (sel.tier_of[i] >= 0) ++selected[r.sensitivity->stability[i]];
            else if (r.sensitivity->same_share[i] < 0.9) ++left_out_moving;
        }
        os << "Sensitivity (" << r.sensitivity->runs << " runs, "
           << (sensitivity.dirichlet ? "Dirichlet, concentration " + fmt(sensitivity.concentration, 0)
                                     : "uniform +-" + fmt(sensitivity.spread * 100, 0) + " %")
           << ", seed " << sensitivity.seed << "): selected towns stable " << selected["stable"] << ", borderline " << selected["borderline"]
           << ", unstable " << selected["unstable"] << "; towns left out that some runs select: " << left_out_moving << "\n";
    }
    for (std::size_t s = 0; s < d.options.scenarios.size(); ++s)
        os << "Scenario " << d.options.scenarios[s].name << ": " << r.scenario_changes[s] << " towns change tier\n";
}

}  // namespace townsite::tools
