// townsite select [CONFIG] [-o FILE] [--sensitivity N]: the demonstration towns of every tier under
// the quotas, with reasons, stability under other weights, and the scenarios of the config.
#include "geo/error.h"
#include "tools/decision.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>

namespace townsite::tools {

namespace {

struct SelectArgs {
    std::string config;
    OutputArgs out;
    int top = 10;
    SensitivityOptions sensitivity;
    std::string scheme = "uniform";
    double spread_pct = 20;
};

std::string fmt(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string tier_key(const SelectionOptions& so, int tier) { return tier >= 0 ? so.tiers[std::size_t(tier)].key : std::string(); }

// Prints the tiers: count, cut-off and per-prefecture counts, then the shortfalls.
void print_selection(const Decision& d, const SelectionOptions& so, const Selection& sel, std::ostream& os) {
    os << "Selection (" << sel.method << (sel.optimal ? ", optimal" : ", time limit reached: best found, not proven optimal") << "):\n";
    for (std::size_t t = 0; t < sel.tiers.size(); ++t) {
        const TierSummary& ts = sel.tiers[t];
        os << "  " << ts.name_en << " (" << ts.name_zh << "): " << ts.count << " towns, lowest score " << fmt(ts.cut_off) << "\n";
    }
    std::map<std::string, std::vector<int>> per_prefecture;
    for (std::size_t i = 0; i < d.table.size(); ++i) {
        auto& row = per_prefecture[d.table.prefecture_name[i]];
        row.resize(so.tiers.size());
        if (sel.tier_of[i] >= 0) ++row[std::size_t(sel.tier_of[i])];
    }
    os << "  per prefecture:";
    for (const auto& t : so.tiers) os << " " << t.key;
    os << "\n";
    for (const auto& [name, row] : per_prefecture) {
        os << "    " << name;
        for (int c : row) os << "  " << c;
        os << "\n";
    }
    for (const Shortfall& s : sel.shortfalls)
        os << "  shortfall: tier " << s.tier << ", " << s.unit << ": needs " << s.needed << ", can have " << s.available << " (" << s.why
           << "), short by " << (s.needed - s.available) << "\n";
}

}  // namespace

void add_select(CLI::App& app, const Globals& globals, Runner& run) {
    auto a = std::make_shared<SelectArgs>();
    CLI::App* cmd = app.add_subcommand("select", "Demonstration towns per tier under the quotas, with reasons, sensitivity and scenarios");
    cmd->add_option("CONFIG", a->config, "Study config (TOML); default: the bundled sample");
    add_output_options(cmd, a->out, "townsite_select.gpkg");
    cmd->add_option("--sensitivity", a->sensitivity.runs, "Perturb the weights N times and report how often each town is selected")
        ->capture_default_str()
        ->check(CLI::Range(0, 100000));
    cmd->add_option("--seed", a->sensitivity.seed, "Seed of the perturbations")->capture_default_str();
    cmd->add_option("--scheme", a->scheme, "uniform: each weight times 1 +- spread; dirichlet: weights drawn from Dirichlet(concentration * w)")
        ->capture_default_str()
        ->check(CLI::IsMember({"uniform", "dirichlet"}));
    cmd->add_option("--spread", a->spread_pct, "Uniform scheme: largest change of a weight, percent")->capture_default_str()->check(CLI::Range(0.0, 100.0));
    cmd->add_option("--concentration", a->sensitivity.concentration, "Dirichlet scheme: larger stays closer to the weights")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->footer("Writes the layers towns (every field of `score` plus eligible, tier, reason_zh, reason_en and, with\n"
                "--sensitivity, the share of runs at each tier), demo_towns (the selected ones), and scenario_tiers when the\n"
                "config has [[scenarios]]. Quotas in [selection] and [[selection.tiers]].\n"
                "Examples:\n"
                "  townsite select -o out/select.gpkg --overwrite                  # the bundled sample\n"
                "  townsite select -o out/select.gpkg --overwrite --sensitivity 100 --seed 7\n"
                "  townsite select my.toml -o select.gpkg --sensitivity 200 --scheme dirichlet --concentration 50");
    cmd->callback([a, &globals, &run] {
        run = [a, &globals] {
            StepTimer timer(globals);
            const Progress progress = globals.make_progress();
            const StudyConfig cfg = load_config(config_or_sample(a->config));
            const SelectionOptions so = selection_options(cfg);
            a->sensitivity.dirichlet = a->scheme == "dirichlet";
            a->sensitivity.spread = a->spread_pct / 100;
            const auto d = compute_decision(cfg, progress.slice(0, 0.6), timer);
            const std::vector<Scenario> scenarios = scenario_options(cfg, d->scoring, so);
            const Selection sel = select_towns(d->table, d->scores, d->types, d->scoring, so);
            progress(0.65, "selected");
            timer.done("select (" + sel.method + ")");
            std::optional<Sensitivity> sens;
            if (a->sensitivity.runs > 0) {
                sens = run_sensitivity(d->scores, sel, a->sensitivity, so.time_limit_s);
                timer.done("sensitivity, " + std::to_string(a->sensitivity.runs) + " runs");
            }
            progress(0.85, "sensitivity");
            std::vector<std::vector<int>> scenario_tiers;
            for (const Scenario& s : scenarios) {
                const ScoringOptions sc = with_scenario(d->scoring, d->scores.weights, s);
                const SelectionOptions ss = with_scenario(so, s);
                const Scores scores = score_towns(d->table, sc);
                scenario_tiers.push_back(select_towns(d->table, scores, d->types, sc, ss).tier_of);
            }
            if (!scenarios.empty()) timer.done("scenarios");

            OutputDataset out(a->out.path, d->routed.study, {a->out.format, a->out.t_srs, a->out.overwrite});
            write_towns(out, *d, &so, &sel, sens ? &*sens : nullptr);
            std::vector<OutField> df = {{"id", OFTString, "编码 id"},
                                        {"name", OFTString, "名称 name"},
                                        {"county_name", OFTString, "县 county"},
                                        {"prefecture_name", OFTString, "市(州) prefecture"},
                                        {"tier", OFTString, "层级键 tier key"},
                                        {"tier_zh", OFTString, "示范层级 tier"},
                                        {"tier_en", OFTString, "tier (English)"},
                                        {"town_type_zh", OFTString, "发展类型 development type"},
                                        {"town_type_en", OFTString, "development type (English)"},
                                        {"score", OFTReal, "综合得分 score"},
                                        {"rank_province", OFTInteger, "全省排名 rank in the province"},
                                        {"rank_prefecture", OFTInteger, "市(州)内排名 rank in the prefecture"},
                                        {"reason_zh", OFTString, "理由 reason (中文)"},
                                        {"reason_en", OFTString, "理由 reason (English)"}};
            if (sens) df.push_back({"stability", OFTString, "稳定性 stability"});
            OutputLayer& demo = out.layer("demo_towns", wkbPoint, df);
            const TownTable& t = d->table;
            for (std::size_t k = 0; k < so.tiers.size(); ++k)
                for (std::size_t i = 0; i < t.size(); ++i) {
                    if (sel.tier_of[i] != int(k)) continue;
                    std::vector<FieldValue> v = {t.id[i], t.name[i], t.county_name[i], t.prefecture_name[i], so.tiers[k].key, so.tiers[k].name_zh,
                                                 so.tiers[k].name_en, d->types[i].name_zh, d->types[i].name_en, d->scores.score[i],
                                                 std::int64_t(d->scores.rank_province[i]), std::int64_t(d->scores.rank_prefecture[i]),
                                                 sel.reason_zh[i], sel.reason_en[i]};
                    if (sens) v.push_back(sens->stability[i]);
                    demo.add(v, town_point(*d, i).get());
                }
            std::vector<std::size_t> changes(scenarios.size(), 0);
            if (!scenarios.empty()) {
                std::vector<OutField> sf = {{"id", OFTString, "编码 id"}, {"name", OFTString, "名称 name"},
                                            {"prefecture_name", OFTString, "市(州) prefecture"}, {"tier", OFTString, "基准层级 base tier"}};
                for (const auto& s : scenarios) sf.push_back({"tier_" + s.name, OFTString, "情景 scenario " + s.name});
                sf.push_back({"changed", OFTInteger, "层级变化 tier changes"});
                OutputLayer& sl = out.layer("scenario_tiers", wkbPoint, sf);
                for (std::size_t i = 0; i < t.size(); ++i) {
                    bool changed = false;
                    std::vector<FieldValue> v = {t.id[i], t.name[i], t.prefecture_name[i], tier_key(so, sel.tier_of[i])};
                    for (std::size_t s = 0; s < scenarios.size(); ++s) {
                        v.push_back(tier_key(so, scenario_tiers[s][i]));
                        if (scenario_tiers[s][i] != sel.tier_of[i]) changed = true, ++changes[s];
                    }
                    v.push_back(std::int64_t(changed));
                    if (changed || sel.tier_of[i] >= 0) sl.add(v, town_point(*d, i).get());
                }
            }
            style_layers(out, style_hints(*d, &so));
            out.commit();
            progress(1.0, "done");
            timer.done("write " + a->out.path);

            if (!globals.quiet) {
                std::ostream& os = std::cout;
                print_scores(*d, os, a->top);
                print_selection(*d, so, sel, os);
                if (sens) {
                    std::map<std::string, int> stable_selected, all_selected;
                    for (std::size_t i = 0; i < t.size(); ++i)
                        if (sel.tier_of[i] >= 0) ++all_selected[sens->stability[i]];
                    int borderline_out = 0;
                    for (std::size_t i = 0; i < t.size(); ++i)
                        if (sel.tier_of[i] < 0 && sens->same_share[i] < 0.9) ++borderline_out;
                    os << "Sensitivity (" << sens->runs << " runs, " << (a->sensitivity.dirichlet ? "Dirichlet, concentration " + fmt(a->sensitivity.concentration, 0)
                                                                                                  : "uniform +-" + fmt(a->spread_pct, 0) + " %")
                       << ", seed " << a->sensitivity.seed << "): selected towns stable " << all_selected["stable"] << ", borderline "
                       << all_selected["borderline"] << ", unstable " << all_selected["unstable"] << "; towns left out that some runs select: "
                       << borderline_out << "\n";
                }
                for (std::size_t s = 0; s < scenarios.size(); ++s)
                    os << "Scenario " << scenarios[s].name << ": " << changes[s] << " towns change tier\n";
                os << "Wrote " << out.path() << " (" << out.driver() << ")\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
