// Why a town's tier is not the one its score alone gives: the binding limits of the chosen
// selection, found by relaxing each by one place and solving again (by moving the chosen flow when
// the quotas are a network: RelaxedFlows).
#include "analysis/selection.h"
#include "geo/parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

namespace townsite {

std::vector<int> tiers_by_score(const SelectionProblem& p) {
    const std::size_t n = p.score.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return p.score[a] > p.score[b]; });
    std::vector<int> tier_of(n, -1);
    for (std::size_t t = 0; t < p.tiers.size(); ++t) {
        int left = p.tiers[t].count;
        for (std::size_t k = 0; k < n && left > 0; ++k)
            if (const std::size_t i = order[k]; tier_of[i] < 0 && p.tiers[t].eligible[i]) tier_of[i] = int(t), --left;
    }
    return tier_of;
}

namespace {

using Role = TierCause::Role;

bool holds(const UnitLimit& lim, std::size_t i) { return std::find(lim.members.begin(), lim.members.end(), i) != lim.members.end(); }

// One binding limit relaxed by one place, and the selection solved again.
struct Relaxation {
    int tier = -1;
    std::size_t limit = 0;
    bool at_max = false;
    std::vector<int> tier_of;
};

}  // namespace

SelectionProblem relaxed_problem(SelectionProblem p, int tier, std::size_t limit, bool at_max) {
    UnitLimit& lim = p.tiers[std::size_t(tier)].limits[limit];
    if (at_max) ++lim.max;
    else --lim.min;
    return p;
}

std::vector<TierCause> explain_tiers(const SelectionProblem& p, const std::vector<int>& tier_of, double time_limit_s, const Progress& progress) {
    const std::size_t n = tier_of.size(), T = p.tiers.size();
    const std::vector<int> by_score = tiers_by_score(p);
    auto rank = [&](int t) { return tier_rank(t, T); };
    std::vector<TierCause> cause(n);
    std::vector<bool> differs(n, false);
    for (std::size_t i = 0; i < n; ++i) differs[i] = tier_of[i] != by_score[i];
    if (std::find(differs.begin(), differs.end(), true) == differs.end()) return cause;

    // The binding limits, each relaxed by one place: a minimum binds when its unit has exactly that
    // many towns in the tier, a maximum when it is full. Only those that can have moved one of their
    // own towns are tried: a minimum with a town in its tier that score alone puts elsewhere, a
    // maximum with a town that score alone puts in its tier but is not. (A town outside the unit
    // that the limit moves is moved through those.)
    std::vector<Relaxation> tried;
    for (std::size_t t = 0; t < T; ++t)
        for (std::size_t u = 0; u < p.tiers[t].limits.size(); ++u) {
            const UnitLimit& lim = p.tiers[t].limits[u];
            int in_unit = 0;
            bool moved_in = false, kept_out = false;
            for (std::size_t i : lim.members) {
                in_unit += tier_of[i] == int(t);
                moved_in = moved_in || (tier_of[i] == int(t) && by_score[i] != int(t));
                kept_out = kept_out || (by_score[i] == int(t) && tier_of[i] != int(t));
            }
            if (moved_in && lim.min > 0 && in_unit == lim.min) tried.push_back({int(t), u, false, {}});
            if (kept_out && lim.max >= 0 && in_unit == lim.max) tried.push_back({int(t), u, true, {}});
        }
    // When the quotas are a network, each relaxation moves the chosen selection's own flow (a few
    // shortest paths); otherwise it is solved again, on its own thread's GLPK environment. Each writes
    // only its own slot.
    const std::unique_ptr<RelaxedFlows> flows = tried.empty() ? nullptr : RelaxedFlows::build(p, tier_of);
    parallel_for(tried.size(), progress, "select: explaining the tiers", [](unsigned thread) { return SolverThread(thread); },
                 [&](SolverThread&, std::size_t k) {
                     Relaxation& r = tried[k];
                     if (flows) {
                         r.tier_of = flows->relaxed(r.tier, r.limit, r.at_max);
                         return;
                     }
                     const Solution sol = solve_selection(relaxed_problem(p, r.tier, r.limit, r.at_max), time_limit_s);
                     if (sol.feasible) r.tier_of = sol.tier_of;
                 });
    std::vector<Relaxation> relaxations;
    for (Relaxation& r : tried)
        if (!r.tier_of.empty()) relaxations.push_back(std::move(r));

    auto assign = [&](std::size_t i, const Relaxation& r) {
        TierCause& c = cause[i];
        c.tier = r.tier, c.limit = r.limit, c.at_max = r.at_max, c.tier_without = r.tier_of[i];
        // Named: the towns that trade places with it. A raised town would cede its place in its tier
        // to them; a lowered one finds the place it would have taken held by them.
        const bool raised = rank(tier_of[i]) < rank(r.tier_of[i]);
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i || r.tier_of[j] == tier_of[j]) continue;
            ++c.moved;
            if (raised && r.tier_of[j] == tier_of[i]) c.lowered.push_back(j);
            if (!raised && tier_of[j] == r.tier_of[i]) c.raised.push_back(j);
        }
        const UnitLimit& lim = p.tiers[std::size_t(r.tier)].limits[r.limit];
        const bool member = holds(lim, i);
        if (raised) c.role = member && !r.at_max ? Role::Needed : Role::Filled;
        else if (member && (r.at_max || r.tier == tier_of[i])) c.role = r.at_max ? Role::Blocked : Role::Held;
        else c.role = Role::Displaced;
    };
    auto spaced_out = [&](std::size_t i) {
        const int t = by_score[i];
        if (t < 0 || rank(tier_of[i]) <= rank(t) || !(p.tiers[std::size_t(t)].spacing_m > 0)) return false;
        for (std::size_t j = 0; j < n; ++j)
            if (j != i && tier_of[j] == t && std::hypot(p.x[i] - p.x[j], p.y[i] - p.y[j]) < p.tiers[std::size_t(t)].spacing_m) {
                cause[i].role = Role::Spacing, cause[i].tier = t, cause[i].near = j;
                return true;
            }
        return false;
    };
    for (std::size_t i = 0; i < n; ++i) {
        if (!differs[i] || spaced_out(i)) continue;
        const int gap = std::abs(rank(tier_of[i]) - rank(by_score[i]));
        const Relaxation* best = nullptr;
        for (const Relaxation& r : relaxations) {
            const int left = std::abs(rank(r.tier_of[i]) - rank(by_score[i]));
            if (left == 0) {
                best = &r;
                break;
            }
            if (left < gap && !best) best = &r;
        }
        if (best) {
            assign(i, *best);
            continue;
        }
        // No single limit: the towns the limits moved into or out of its tier by score.
        TierCause& c = cause[i];
        c.role = Role::Combined;
        c.tier = rank(tier_of[i]) > rank(by_score[i]) ? by_score[i] : tier_of[i];
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i || tier_of[j] == by_score[j]) continue;
            if (rank(tier_of[i]) > rank(by_score[i]) && tier_of[j] == by_score[i] && rank(by_score[j]) > rank(tier_of[j])) c.raised.push_back(j);
            if (rank(tier_of[i]) < rank(by_score[i]) && by_score[j] == tier_of[i] && rank(tier_of[j]) > rank(by_score[j])) c.lowered.push_back(j);
        }
        if (c.raised.empty() && c.lowered.empty()) c = TierCause{};   // an exchange between equal scores
    }
    return cause;
}

}  // namespace townsite
