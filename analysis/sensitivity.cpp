// Sensitivity: the selection re-solved under perturbed weights, and how stable each town's tier is.
#include "analysis/selection.h"
#include "geo/parallel.h"

#include "geo/error.h"
#include "geo/random.h"
#include "geo/text.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace townsite {

std::string stability_text(Lang lang, const std::string& stability) {
    if (stability == "stable") return say(lang, "稳定", "stable");
    if (stability == "borderline") return say(lang, "临界", "borderline");
    if (stability == "unstable") return say(lang, "不稳定", "unstable");
    return stability;
}

namespace {

// SplitMix64 with the distributions the sensitivity runs draw from.
struct Random : SplitMix64 {
    using SplitMix64::SplitMix64;
    double normal() {                                                 // Box-Muller
        const double u1 = 1.0 - uniform(), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
    }
    // Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 by the boost U^(1/shape).
    double gamma(double shape) {
        if (shape < 1) return gamma(shape + 1) * std::pow(1.0 - uniform(), 1.0 / shape);
        const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
        for (;;) {
            double x, v;
            do {
                x = normal();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            const double u = 1.0 - uniform();
            if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
        }
    }
};

}  // namespace

std::vector<double> perturbed_weights(const std::vector<double>& w, const SensitivityOptions& opt, int run) {
    Random rng{opt.seed * 0x2545F4914F6CDD1Dull + std::uint64_t(run) * 0x9E3779B97F4A7C15ull};
    std::vector<double> out(w.size(), 0.0);
    for (std::size_t j = 0; j < w.size(); ++j) {
        if (!(w[j] > 0)) continue;
        out[j] = opt.dirichlet ? rng.gamma(opt.concentration * w[j]) : w[j] * (1 + opt.spread * (2 * rng.uniform() - 1));
    }
    const double sum = std::accumulate(out.begin(), out.end(), 0.0);
    for (auto& v : out) v = sum > 0 ? v / sum : 0.0;
    return out;
}

Sensitivity run_sensitivity(const Scores& scores, const Selection& base, const SensitivityOptions& opt, double time_limit_s,
                            const Progress& progress) {
    Sensitivity s;
    s.runs = opt.runs;
    const std::size_t n = base.tier_of.size(), T = base.problem.tiers.size();
    s.selected.assign(n, std::vector<int>(T, 0));
    std::vector<int> same(n, 0);
    // The runs on every core, each on its own copy of the problem and its thread's GLPK environment;
    // the tallies are made afterwards in run order, so they do not depend on the threads.
    std::vector<Solution> runs(std::size_t(std::max(0, opt.runs)));
    parallel_for(runs.size(), progress, "sensitivity", [](unsigned thread) { return SolverThread(thread); },
                 [&](SolverThread&, std::size_t r) {
                     SelectionProblem p = base.problem;
                     p.score = rescore(scores, perturbed_weights(scores.weights, opt, int(r)));
                     runs[r] = solve_selection(p, time_limit_s);
                 });
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const Solution& sol = runs[r];
        if (sol.timed_out)
            throw Error("sensitivity run " + std::to_string(r + 1) + ": GLPK found no selection within the time limit of " + fmt(time_limit_s, 0) + " s")
                .with_hint("raise time_limit_s in [selection], or run fewer sensitivity runs.");
        if (!sol.feasible)
            throw Error("sensitivity run " + std::to_string(r + 1) + " found no selection that meets the quotas")
                .with_hint("this should not happen with the quotas of the base run; please report it with the config.");
        for (std::size_t i = 0; i < n; ++i) {
            if (sol.tier_of[i] >= 0) ++s.selected[i][std::size_t(sol.tier_of[i])];
            same[i] += sol.tier_of[i] == base.tier_of[i];
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        const double share = opt.runs > 0 ? double(same[i]) / opt.runs : 1.0;
        s.same_share.push_back(share);
        s.stability.push_back(share >= 0.9 ? "stable" : share >= 0.5 ? "borderline" : "unstable");
    }
    return s;
}

}  // namespace townsite
