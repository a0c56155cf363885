#include "tools/decision.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>

namespace townsite::tools {

namespace {

std::string fmt(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

bool is_flag_column(const std::string& c) {
    return c == "node_town" || c == "in_metro" || c == "city_surroundings" || c == "border_county" || c == "key_assistance_county";
}

}  // namespace

std::unique_ptr<Decision> compute_decision(const StudyConfig& config, const Progress& progress, StepTimer& timer) {
    auto d = std::make_unique<Decision>();
    d->access_options = access_options(config);
    const ProximityOptions prox = proximity_options(config);
    d->scoring = scoring_options(config);
    d->type_options = town_type_options(config);
    // Coverage only when a scoring or type rule reads one of its fields (it is the slowest step).
    bool needs_coverage = false;
    for (const auto& ind : d->scoring.indicators) needs_coverage |= is_coverage_column(ind.field);
    for (const auto& rule : d->type_options.rules)
        for (const auto& c : rule.all) needs_coverage |= is_coverage_column(c.field);
    const CoverageOptions cov = coverage_options(config);

    d->routed = load_routed_study(config, progress.slice(0, 0.3));
    timer.done("load and build the graph");
    d->access = compute_access(d->routed.study, d->routed.graph, d->access_options, progress.slice(0.3, needs_coverage ? 0.6 : 0.9));
    timer.done("compute access");
    if (needs_coverage) {
        d->coverage = compute_coverage(d->routed.study, d->routed.graph, cov, progress.slice(0.6, 0.9));
        timer.done("compute coverage");
    }
    d->proximity = compute_proximity(d->routed.study, d->access, prox);
    d->table = build_town_table(d->access, d->access_options, d->coverage ? &*d->coverage : nullptr, d->proximity);
    d->scores = score_towns(d->table, d->scoring);
    d->types = classify_towns(d->table, d->type_options);
    progress(0.92, "scored");
    timer.done("proximity, scores and types");
    return d;
}

GeomPtr town_point(const Decision& d, std::size_t i) {
    const GeosContext& geos = *d.routed.study.geos;
    return geos.own(GEOSGeom_createPointFromXY_r(geos.get(), d.table.proximity[i].x, d.table.proximity[i].y));
}

void write_towns(OutputDataset& out, const Decision& d, const SelectionOptions* so, const Selection* sel, const Sensitivity* sens) {
    const TownTable& t = d.table;
    std::vector<OutField> fields = {{"id", OFTString, "编码 id"},
                                    {"name", OFTString, "名称 name"},
                                    {"kind", OFTString, "类型 kind"},
                                    {"county", OFTString, "县编码 county code"},
                                    {"county_name", OFTString, "县 county"},
                                    {"prefecture", OFTString, "市(州)编码 prefecture code"},
                                    {"prefecture_name", OFTString, "市(州) prefecture"},
                                    {"nearest_city", OFTString, "最近市(州) nearest city"}};
    for (const auto& c : t.columns) fields.push_back({c, is_flag_column(c) ? OFTInteger : OFTReal, t.labels.at(c)});
    for (const auto& ind : d.scoring.indicators) {
        fields.push_back({"norm_" + ind.name, OFTReal, ind.label_zh + "标准化值 " + ind.label_en + " normalised"});
        fields.push_back({"contrib_" + ind.name, OFTReal, ind.label_zh + "得分贡献 " + ind.label_en + " points"});
    }
    for (auto [name, alias] : std::vector<std::pair<std::string, std::string>>{{"bonus", "加分 bonus"},
                                                                               {"score", "综合得分 score"}})
        fields.push_back({name, OFTReal, alias});
    fields.push_back({"rank_province", OFTInteger, "全省排名 rank in the province"});
    fields.push_back({"rank_prefecture", OFTInteger, "市(州)内排名 rank in the prefecture"});
    fields.push_back({"rank_county", OFTInteger, "县内排名 rank in the county"});
    fields.push_back({"town_type", OFTString, "类型键 type key"});
    fields.push_back({"town_type_zh", OFTString, "发展类型 development type"});
    fields.push_back({"town_type_rule", OFTString, "类型规则 type rule"});
    if (sel) {
        fields.push_back({"eligible", OFTInteger, "参评 eligible"});
        fields.push_back({"tier", OFTString, "层级键 tier key"});
        fields.push_back({"tier_zh", OFTString, "示范层级 tier"});
        fields.push_back({"reason_zh", OFTString, "理由 reason (中文)"});
        fields.push_back({"reason_en", OFTString, "理由 reason (English)"});
    }
    if (sens) {
        for (const auto& tier : so->tiers) fields.push_back({"p_" + tier.key, OFTReal, tier.name_zh + "入选比例 share of runs " + tier.name_en});
        fields.push_back({"same_tier_share", OFTReal, "结果一致比例 share of runs with the same tier"});
        fields.push_back({"stability", OFTString, "稳定性 stability"});
    }
    OutputLayer& layer = out.layer("towns", wkbPoint, fields);
    for (std::size_t i = 0; i < t.size(); ++i) {
        std::vector<FieldValue> v = {t.id[i], t.name[i], t.kind[i], t.county[i], t.county_name[i], t.prefecture[i], t.prefecture_name[i],
                                     t.proximity[i].nearest_city};
        for (const auto& c : t.columns) {
            const double x = t.values.at(c)[i];
            if (is_flag_column(c)) v.push_back(std::isfinite(x) ? FieldValue(std::int64_t(x)) : FieldValue());
            else v.push_back(x);
        }
        for (std::size_t j = 0; j < d.scoring.indicators.size(); ++j) {
            v.push_back(d.scores.normalised[j][i]);
            v.push_back(d.scores.contribution[j][i]);
        }
        v.insert(v.end(), {d.scores.bonus[i], d.scores.score[i], std::int64_t(d.scores.rank_province[i]), std::int64_t(d.scores.rank_prefecture[i]),
                           std::int64_t(d.scores.rank_county[i]), d.types[i].key, d.types[i].name_zh, d.types[i].rule});
        if (sel) {
            const int tier = sel->tier_of[i];
            v.push_back(std::int64_t(sel->eligible[i]));
            v.push_back(tier >= 0 ? FieldValue(so->tiers[std::size_t(tier)].key) : FieldValue());
            v.push_back(tier >= 0 ? FieldValue(so->tiers[std::size_t(tier)].name_zh) : FieldValue());
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

StyleHints style_hints(const Decision& d, const SelectionOptions* so) {
    StyleHints h;
    h.score_max = 0;
    for (double s : d.scores.score) h.score_max = std::max(h.score_max, std::ceil(s / 5) * 5);
    if (so)
        for (const auto& t : so->tiers) h.tiers.push_back({t.key, t.name_zh + " " + t.name_en});
    return h;
}

void print_scores(const Decision& d, std::ostream& os, int top) {
    const char* method = d.scoring.method == WeightMethod::Ahp ? "AHP" : d.scoring.method == WeightMethod::Entropy ? "entropy" : "direct";
    os << "Weights (" << method << "):";
    for (std::size_t j = 0; j < d.scoring.indicators.size(); ++j)
        os << (j ? ", " : " ") << d.scoring.indicators[j].name << " " << fmt(d.scores.weights[j], 3);
    os << "\n";
    if (d.scores.ahp)
        os << "  AHP: lambda_max " << fmt(d.scores.ahp->lambda_max, 3) << ", CI " << fmt(d.scores.ahp->consistency_index, 4) << ", RI "
           << fmt(d.scores.ahp->random_index, 2) << ", CR " << fmt(d.scores.ahp->consistency_ratio, 3)
           << (d.scores.ahp->consistency_ratio <= d.scoring.max_consistency_ratio ? " (consistent enough: <= " + fmt(d.scoring.max_consistency_ratio, 2) + ")"
                                                                                 : " (too high: used because allow_inconsistent = true)") << "\n";
    for (std::size_t j = 0; j < d.scoring.indicators.size(); ++j)
        if (d.scores.missing[j])
            os << "  note: " << d.scores.missing[j] << " towns have no " << d.scoring.indicators[j].field << "; they get the "
               << (d.scoring.missing_mean ? "mean" : "worst") << " normalised value\n";
    std::vector<std::size_t> order(d.table.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return d.scores.rank_province[a] < d.scores.rank_province[b]; });
    os << "Best " << top << " of " << d.table.size() << " towns:\n";
    for (int k = 0; k < top && k < int(order.size()); ++k) {
        const std::size_t i = order[std::size_t(k)];
        os << "  " << (k + 1 < 10 ? " " : "") << (k + 1) << ". " << d.table.name[i] << " (" << d.table.county_name[i] << ", "
           << d.table.prefecture_name[i] << ") " << fmt(d.scores.score[i]) << "  " << d.types[i].name_zh << "\n";
    }
}

}  // namespace townsite::tools
