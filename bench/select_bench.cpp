// Selection benchmark: the tiered selection of the sample's towns by the min-cost flow (what townsite
// uses when the units nest and no tier has spacing) against the integer program (GLPK, one tier at a
// time, the earlier tiers' choices fixed: what townsite used before), and that against the
// formulation that holds only each earlier tier's optimal total (the lexicographic optimum even
// across equal scores), in the same run, on the same problem; the whole selection with the reasons
// (which re-solves once per binding limit); and a sensitivity run of N perturbed weights.
//
//   build-bench/bench/select_bench sample_data/jilin.toml "sample x1"
//   build-bench/bench/select_bench /tmp/townsite_bench_x10/jilin_x10_quotas.toml "sample x10"
//
// The flow and GLPK must choose the same towns (the sample's scores are distinct); both GLPK
// formulations must give the first tier the same total; the later tiers' totals are printed.
#include "analysis/pipeline.h"
#include "analysis/selection.h"

#include "bench/common.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

using namespace townsite;
using townsite::bench::now_s;

int main(int argc, char** argv) {
    const std::string label = bench::start(argc, argv, "select_bench CONFIG [label] [sensitivity runs]");
    const int runs = argc > 3 ? std::atoi(argv[3]) : 20;
    // The steps before the selection as `townsite run` takes them (coverage and room to grow included).
    const StudyConfig config = load_config(argv[1]);
    const std::unique_ptr<Decision> d = compute_decision(config, read_study_options(config));
    const TownTable& table = d->table;
    const Scores& scores = d->scores;
    const ScoringOptions& sopt = d->options.scoring;
    SelectionOptions opt = d->options.selection;
    opt.report_shortfall = true;
    const std::vector<TownType>& types = d->types;
    const double whole_t0 = now_s();
    const Selection sel = select_towns(table, scores, types, sopt, opt);
    const double whole_s = now_s() - whole_t0;
    const SelectionProblem& p = sel.problem;
    std::size_t vars = 0;
    for (const auto& t : p.tiers)
        for (bool e : t.eligible) vars += e;

    double t0 = now_s();
    const Solution greedy = solve_greedy(p);
    const double greedy_s = now_s() - t0;
    t0 = now_s();
    const Solution ours = solve_glpk(p, 600);
    const double ours_s = now_s() - t0;
    t0 = now_s();
    const std::optional<Solution> flow = solve_flow(p);
    const double flow_s = now_s() - t0;
    t0 = now_s();
    const Solution held = solve_glpk(p, 600, true);
    const double held_s = now_s() - t0;
    std::printf("%s: %zu towns, %zu tier variables; greedy %s in %.3f s\n", label.c_str(), p.score.size(), vars,
                greedy.feasible ? "applies" : "does not apply (a later tier would be short)", greedy_s);
    const bool same = flow && flow->tier_of == ours.tier_of;
    // GLPK holds a total to 1e-7 of it.
    const bool same_first = std::abs(ours.tier_score[0] - held.tier_score[0]) <= 2e-7 * std::max(1.0, std::abs(ours.tier_score[0]));
    if (flow) {
        std::printf("  min-cost flow (ours):                  %8.3f s   totals", flow_s);
        for (double v : flow->tier_score) std::printf(" %.3f", v);
        std::printf("\n  ratio GLPK / flow: %.0fx; %s\n", ours_s / flow_s, same ? "the same towns" : "DIFFERENT TOWNS");
    }
    std::printf("  whole selection with the reasons (%s): %.3f s\n", sel.method.c_str(), whole_s);
    std::printf("  GLPK, earlier choices fixed:         %8.3f s   totals", ours_s);
    for (double v : ours.tier_score) std::printf(" %.3f", v);
    std::printf("\n  GLPK, earlier totals held (baseline): %6.3f s   totals", held_s);
    for (double v : held.tier_score) std::printf(" %.3f", v);
    std::printf("%s\n  ratio held / fixed: %.1fx; first tier %s\n", held.optimal ? "" : " (time limit)", held_s / ours_s,
                same_first ? "the same" : "DIFFERS");
    SensitivityOptions so;
    so.runs = runs;
    t0 = now_s();
    run_sensitivity(scores, sel, so, 600);
    std::printf("  sensitivity, %d runs: %.3f s (%.3f s per run)\n", runs, now_s() - t0, (now_s() - t0) / runs);
    return same_first && (!flow || same) ? 0 : 1;
}
