#include "analysis/pipeline.h"

#include "geo/error.h"

namespace townsite {

StudyOptions read_study_options(const StudyConfig& config) {
    StudyOptions o;
    // Each reader reports every problem of its section; the sections' errors go out together.
    Errors errors;
    auto read = [&](auto& into, auto&& reader) {
        try {
            into = reader();
            return true;
        } catch (const Error& e) {
            errors.add(e);
            return false;
        }
    };
    read(o.network, [&] { return network_options(config); });
    read(o.access, [&] { return access_options(config); });
    read(o.coverage, [&] { return coverage_options(config); });
    read(o.proximity, [&] { return proximity_options(config); });
    read(o.land, [&] { return land_options(config); });
    read(o.services, [&] { return service_options(config); });
    read(o.costs, [&] { return cost_options(config); });
    read(o.types, [&] { return town_type_options(config); });
    const bool scoring = read(o.scoring, [&] { return scoring_options(config); });
    const bool selection = read(o.selection, [&] { return selection_options(config); });
    // Scenarios name indicators, bonuses and tiers: checked against the sections that read.
    if (scoring && selection) read(o.scenarios, [&] { return scenario_options(config, o.scoring, o.selection); });
    errors.throw_if_any();
    return o;
}

Study load_usable_study(const StudyConfig& config, const Progress& progress, const RoadSink& roads) {
    Study study = load_study(config, progress, roads);
    if (study.usable()) return study;
    // The problems themselves, each with its layer, first features and fix (inspect lists the warnings too).
    Errors errors;
    for (const Layer& l : study.layers)
        for (const Problem& p : l.info.problems) {
            if (p.severity != Severity::Error) continue;
            std::string ids;
            for (const std::string& id : p.ids) ids += (ids.empty() ? "" : ", ") + id;
            Error e(p.count > 1 ? p.message + " (" + std::to_string(p.count) + " features, e.g. " + ids + ")" : p.message);
            if (p.kind != "unreadable")   // its message names the file and layer already
                e.with_file(l.info.source).with_layer(l.info.layer_name.empty() ? l.info.role : l.info.layer_name);
            if (p.count == 1 && p.ids.size() == 1) e.with_feature(p.ids.front());
            if (!p.hint.empty()) e.with_hint(p.hint);
            errors.add(e);
        }
    errors.add(Error("the study " + config.path + " cannot be used as it is")
                   .with_hint("fix the problems above; `townsite inspect " + config.path + "` lists every problem, warnings too."));
    errors.throw_if_any();
    return study;   // not reached: the study has at least this error
}

RoutedStudy load_routed_study(const StudyConfig& config, const NetworkOptions& network, const Progress& progress) {
    RoadGraphBuilder builder(network);
    RoutedStudy out{load_usable_study(config, progress.slice(0, 0.8),
                                      [&](const Layer& layer, std::uint32_t road_layer, Feature&& road) { builder.add(layer, road_layer, road); }),
                    {}};
    out.graph = builder.finish(out.study, progress.slice(0.8, 1));
    return out;
}

namespace {
void report_done(const StepDone& done, const std::string& step) {
    if (done) done(step);
}
}  // namespace

bool needs_coverage(const StudyOptions& o) {
    for (const auto& ind : o.scoring.indicators)
        if (is_coverage_column(ind.field)) return true;
    for (const auto& rule : o.types.rules)
        for (const auto& c : rule.all)
            if (is_coverage_column(c.field)) return true;
    return false;
}

std::unique_ptr<Decision> compute_decision(const StudyConfig& config, StudyOptions options, const Progress& progress, const StepDone& done,
                                           bool with_coverage) {
    auto note = [&](const std::string& step) { report_done(done, step); };
    auto d = std::make_unique<Decision>();
    d->options = std::move(options);
    const StudyOptions& o = d->options;
    const bool coverage = with_coverage || needs_coverage(o);   // the slowest step: only when read

    d->routed = load_routed_study(config, o.network, progress.slice(0, 0.3));
    const Study& study = d->routed.study;
    const RoadGraph& graph = d->routed.graph;
    d->settlements = read_settlements(study, graph);
    progress.advance(0.3, "settlements");
    note("load and build the graph");
    const BottomLines bottom(study);   // farmland and red line, read once for links, extensions and room to grow
    d->access = compute_access(study, graph, d->settlements, o.access, progress.slice(0.3, coverage ? 0.6 : 0.9), &bottom);
    note("compute access");
    if (coverage) {
        d->coverage = compute_coverage(study, graph, d->settlements, o.coverage, progress.slice(0.6, 0.9), &bottom);
        note("compute coverage");
    }
    d->proximity = compute_proximity(study, d->settlements, d->access, o.proximity);
    if (has_land_layers(study)) {
        d->land = compute_land(study, d->settlements, o.land, o.coverage, bottom, progress.slice(0.9, 0.92));
        note("room to grow");
    }
    d->table = build_town_table(d->settlements, d->access, o.access, d->coverage ? &*d->coverage : nullptr, d->proximity,
                                d->land ? &*d->land : nullptr);
    d->services = assess_services(d->settlements, d->access, o.services);
    add_service_columns(d->table, d->services);   // before scoring: an indicator may read them
    d->scores = score_towns(d->table, o.scoring);
    d->types = classify_towns(d->table, o.types);
    progress.advance(0.92, "scored");
    note("proximity, scores and types");
    return d;
}

DecisionRun run_selection(const Decision& d, const SensitivityOptions& sensitivity, const Progress& progress, const StepDone& done) {
    auto note = [&](const std::string& step) { report_done(done, step); };
    const StudyOptions& o = d.options;
    DecisionRun r;
    r.selection = select_towns(d.table, d.scores, d.types, o.scoring, o.selection, Explain::Reasons, progress.slice(0, 0.1));
    progress.advance(0.1, "selected");
    note("select (" + r.selection.method + ")");
    if (sensitivity.runs > 0) {
        r.sensitivity = run_sensitivity(d.scores, r.selection, sensitivity, o.selection.time_limit_s, progress.slice(0.1, 0.8));
        note("sensitivity, " + std::to_string(sensitivity.runs) + " runs");
    }
    progress.advance(0.8, "sensitivity");
    for (std::size_t k = 0; k < o.scenarios.size(); ++k) {
        const Scenario& s = o.scenarios[k];
        const ScoringOptions sc = with_scenario(o.scoring, d.scores.weights, s);
        const Scores scores = score_towns(d.table, sc);
        r.scenario_tiers.push_back(select_towns(d.table, scores, d.types, sc, with_scenario(o.selection, s), Explain::TiersOnly).tier_of);
        std::size_t changes = 0;
        for (std::size_t i = 0; i < d.table.size(); ++i) changes += r.scenario_tiers.back()[i] != r.selection.tier_of[i];
        r.scenario_changes.push_back(changes);
        progress.advance(0.8 + 0.2 * double(k + 1) / double(o.scenarios.size()), "scenarios");
    }
    if (!o.scenarios.empty()) note("scenarios");
    progress.advance(1.0, "scenarios");
    return r;
}

}  // namespace townsite
