// townsite select [CONFIG] [-o FILE] [--sensitivity N]: the demonstration towns of every tier under
// the quotas, with reasons, stability under other weights, and the scenarios of the config.
#include "tools/decision.h"

#include <iostream>

namespace townsite::tools {

void add_select(CLI::App& app, const Globals& globals, Runner& run) {
    struct Args {
        StudyArgs study;
        int top = 10;
        SensitivityArgs sensitivity;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("select", "Demonstration towns per tier under the quotas, with reasons, sensitivity and scenarios");
    add_study_args(cmd, a->study, Writes::Layers, "townsite_select.gpkg");
    add_sensitivity_options(cmd, a->sensitivity, 0);
    cmd->add_option("--top", a->top, "How many of the best towns to list")->capture_default_str()->check(CLI::Range(0, 100000));
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
            const StudyConfig cfg = a->study.load();
            const auto d = compute_decision(cfg, read_study_options(cfg), progress.slice(0, 0.6), timer.callback());
            const SensitivityOptions sensitivity = a->sensitivity.resolved();
            const DecisionRun r = run_selection(*d, sensitivity, progress.slice(0.6, 0.9), timer.callback());

            OutputDataset out(a->study.out.path, d->routed.study, output_options(a->study.out));
            write_towns(out, *d, &r);
            write_demo_towns(out, *d, r);
            write_scenario_tiers(out, *d, r);
            style_layers(out, style_hints(*d, true, a->study.out.lang));
            out.commit();
            progress(1.0, "done");
            timer.done("write " + a->study.out.path);

            if (!globals.quiet) {
                print_scores(*d, std::cout, a->top);
                print_selection(*d, r, sensitivity, std::cout);
                std::cout << "Wrote " << written_text(out) << "\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
