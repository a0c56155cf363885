// townsite score [CONFIG] [-o FILE]: proximity, indicators, weights, score and ranks of every town.
#include "tools/decision.h"

#include <iostream>

namespace townsite::tools {

void add_score(CLI::App& app, const Globals& globals, Runner& run) {
    auto args = std::make_shared<StudyArgs>();
    auto top = std::make_shared<int>(10);
    CLI::App* cmd = app.add_subcommand("score", "Proximity to the priority areas, indicators, weights (direct, AHP, entropy), scores and ranks");
    add_study_args(cmd, *args, Writes::Layers, "townsite_score.gpkg");
    cmd->add_option("--top", *top, "How many of the best towns to list")->capture_default_str()->check(CLI::Range(0, 100000));
    cmd->footer("Writes the layer towns: proximity (in_metro, metro_km, border_km, ...), every indicator, its normalised\n"
                "value and points, bonus, score, ranks in the province, prefecture and county, and the development type.\n"
                "Options in the config: [proximity], [scoring] (indicators, weights, ahp, bonus), [[town_types]].\n"
                "Examples:\n"
                "  townsite score -o out/score.gpkg --overwrite            # the bundled sample\n"
                "  townsite score my.toml -o score.csv --top 30");
    cmd->callback([args, top, &globals, &run] {
        run = [args, top, &globals] {
            StepTimer timer(globals);
            const Progress progress = globals.make_progress();
            const StudyConfig cfg = args->load();
            const auto d = compute_decision(cfg, read_study_options(cfg), progress.slice(0, 0.95), timer.callback());
            OutputDataset out(args->out.path, d->routed.study, output_options(args->out));
            write_towns(out, *d);
            style_layers(out, style_hints(*d, false, args->out.lang));
            out.commit();
            progress(1.0, "done");
            timer.done("write " + args->out.path);
            if (!globals.quiet) {
                print_scores(*d, std::cout, *top);
                std::cout << "Wrote " << written_text(out) << "\n";
            }
            return kOk;
        };
    });
}

}  // namespace townsite::tools
