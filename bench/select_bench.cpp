// Selection benchmark: the tiered selection of the sample's towns by the integer program as townsite
// solves it (one tier at a time, the earlier tiers' choices fixed) against the baseline formulation
// that holds only each earlier tier's optimal total (the lexicographic optimum even across equal
// scores), in the same run, on the same problem; and a sensitivity run of N perturbed weights.
//
//   build-bench/bench/select_bench sample_data/jilin.toml "sample x1"
//   build-bench/bench/select_bench /tmp/townsite_bench_x10/jilin_x10_quotas.toml "sample x10"
//
// Both formulations must give the first tier the same total; the later tiers' totals are printed.
#include "analysis/proximity.h"
#include "analysis/selection.h"

#include "bench/common.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace townsite;
using townsite::bench::now_s;

int main(int argc, char** argv) {
    const std::string label = bench::start(argc, argv, "select_bench CONFIG [label] [sensitivity runs]");
    const int runs = argc > 3 ? std::atoi(argv[3]) : 20;
    const Study study = load_study(load_config(argv[1]));
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    const AccessOptions aopt = access_options(study.config);
    const Settlements settlements = read_settlements(study, g);
    const AccessResult access = compute_access(study, g, settlements, aopt);
    const TownTable table =
        build_town_table(settlements, access, aopt, nullptr, compute_proximity(study, settlements, access, proximity_options(study.config)));
    const ScoringOptions sopt = scoring_options(study.config);
    const Scores scores = score_towns(table, sopt);
    SelectionOptions opt = selection_options(study.config);
    opt.report_shortfall = true;
    const Selection sel = select_towns(table, scores, classify_towns(table, town_type_options(study.config)), sopt, opt);
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
    const Solution held = solve_glpk(p, 600, true);
    const double held_s = now_s() - t0;
    std::printf("%s: %zu towns, %zu tier variables; greedy %s in %.3f s\n", label.c_str(), p.score.size(), vars,
                greedy.feasible ? "applies" : "does not apply (a later tier would be short)", greedy_s);
    std::printf("  GLPK, earlier choices fixed (ours): %8.3f s   totals", ours_s);
    for (double v : ours.tier_score) std::printf(" %.3f", v);
    std::printf("\n  GLPK, earlier totals held (baseline): %6.3f s   totals", held_s);
    for (double v : held.tier_score) std::printf(" %.3f", v);
    std::printf("%s\n  ratio baseline / ours: %.1fx; first tier %s\n", held.optimal ? "" : " (time limit)", held_s / ours_s,
                std::abs(ours.tier_score[0] - held.tier_score[0]) < 1e-6 ? "the same" : "DIFFERS");
    SensitivityOptions so;
    so.runs = runs;
    t0 = now_s();
    run_sensitivity(scores, sel, so, 600);
    std::printf("  sensitivity, %d runs: %.3f s (%.3f s per run)\n", runs, now_s() - t0, (now_s() - t0) / runs);
    return std::abs(ours.tier_score[0] - held.tier_score[0]) < 1e-6 ? 0 : 1;
}
