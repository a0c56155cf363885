// Solving a SelectionProblem: the greedy method, a min-cost flow and GLPK's branch and bound, tier by tier.
#include "analysis/selection.h"

#include <glpk.h>
// GDAL's cpl_port.h (through geo/study.h) defines MIN and MAX as macros, which LEMON uses as names.
#undef MAX
#undef MIN
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>

namespace townsite {

namespace {

// Towns of the tier sorted best first; ties by index so that every run picks the same ones.
std::vector<std::size_t> by_score(const SelectionProblem& p, const std::vector<bool>& available) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < p.score.size(); ++i)
        if (available[i]) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return p.score[a] > p.score[b]; });
    return order;
}

void total_scores(const SelectionProblem& p, Solution& s) {
    s.tier_score.assign(p.tiers.size(), 0.0);
    for (std::size_t i = 0; i < s.tier_of.size(); ++i)
        if (s.tier_of[i] >= 0) s.tier_score[std::size_t(s.tier_of[i])] += p.score[i];
}

}  // namespace

Solution solve_greedy(const SelectionProblem& p) {
    Solution s;
    s.method = "greedy";
    const std::size_t n = p.score.size();
    s.tier_of.assign(n, -1);
    for (std::size_t t = 0; t < p.tiers.size(); ++t) {
        const TierProblem& tier = p.tiers[t];
        if (tier.spacing_m > 0) return s;
        std::vector<int> unit_of(n, -1);
        for (std::size_t u = 0; u < tier.limits.size(); ++u)
            for (std::size_t i : tier.limits[u].members) {
                if (unit_of[i] >= 0) return s;   // overlapping units: not for the greedy method
                unit_of[i] = int(u);
            }
        std::vector<bool> available(n);
        for (std::size_t i = 0; i < n; ++i) available[i] = tier.eligible[i] && s.tier_of[i] < 0;
        const std::vector<std::size_t> order = by_score(p, available);
        std::vector<int> taken(tier.limits.size(), 0);
        std::vector<bool> chosen(n, false);
        int count = 0;
        for (std::size_t u = 0; u < tier.limits.size(); ++u) {
            const UnitLimit& lim = tier.limits[u];
            if (lim.max >= 0 && lim.min > lim.max) return s;
            for (std::size_t i : order)
                if (taken[u] < lim.min && unit_of[i] == int(u)) chosen[i] = true, ++taken[u], ++count;
            if (taken[u] < lim.min) return s;
        }
        if (count > tier.count) return s;
        for (std::size_t i : order) {
            if (count == tier.count) break;
            if (chosen[i]) continue;
            const int u = unit_of[i];
            if (u >= 0 && tier.limits[std::size_t(u)].max >= 0 && taken[std::size_t(u)] >= tier.limits[std::size_t(u)].max) continue;
            chosen[i] = true, ++count;
            if (u >= 0) ++taken[std::size_t(u)];
        }
        if (count < tier.count) return s;
        for (std::size_t i = 0; i < n; ++i)
            if (chosen[i]) s.tier_of[i] = int(t);
    }
    s.feasible = s.optimal = true;
    total_scores(p, s);
    return s;
}

// ---------------------------------------------------------------- min-cost flow
// When each tier's unit limits nest (counties within prefectures, no
// two units overlapping otherwise) and no tier has spacing, the quotas are a network and the
// network's matrix is totally unimodular, so the flow LEMON's network simplex finds is the integer
// optimum that GLPK's branch and bound would prove, in a fraction of the time.
//
//   source --[count, count]--> tier --[min, max]--> unit --[min, max]--> smaller unit ... --[0, 1]--> town --[0, 1]--> sink
//
// The tiers are solved in fill order, like solve_glpk: tier t's arcs to its towns carry minus their
// scores, the later tiers' arcs nothing (they only have to stay feasible); then the towns tier t
// takes leave the network, with tier t.
namespace {

using Graph = lemon::SmartDigraph;
using Flow = lemon::NetworkSimplex<Graph, long long, long long>;

// One tier's limits as a forest over the towns still open: parent[u] is the smallest limit holding
// limit u, home[i] the smallest limit holding town i (-1: the tier itself).
struct Nesting {
    std::vector<int> parent, home;
};

// The limits' members that the tier can take; nullopt when two limits overlap without one holding
// the other. Largest first: a limit lies within the limit that holds all its members so far.
std::optional<Nesting> nest(const TierProblem& tier, const std::vector<bool>& open) {
    const std::size_t n = open.size(), L = tier.limits.size();
    std::vector<std::vector<std::size_t>> members(L);
    for (std::size_t u = 0; u < L; ++u) {
        for (std::size_t i : tier.limits[u].members)
            if (i < n && tier.eligible[i] && open[i]) members[u].push_back(i);
        std::sort(members[u].begin(), members[u].end());
        members[u].erase(std::unique(members[u].begin(), members[u].end()), members[u].end());
    }
    std::vector<std::size_t> order(L);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return members[a].size() > members[b].size(); });
    Nesting f{std::vector<int>(L, -1), std::vector<int>(n, -1)};
    for (std::size_t u : order) {
        if (members[u].empty()) continue;
        const int within = f.home[members[u][0]];
        for (std::size_t i : members[u])
            if (f.home[i] != within) return std::nullopt;
        f.parent[u] = within;
        for (std::size_t i : members[u]) f.home[i] = int(u);
    }
    return f;
}

// Scores as integers (the network simplex is exact on them): 1e-9 resolution, less when the scores
// are so large that a path's cost could leave 62 bits.
long long scale_of(const SelectionProblem& p, std::size_t nodes) {
    double top = 1;
    for (double s : p.score) top = std::max(top, std::abs(s));
    return (long long)(std::min(1e9, std::ldexp(1.0, 60) / (top * double(nodes + 1))));
}

}  // namespace

std::optional<Solution> solve_flow(const SelectionProblem& p) {
    const std::size_t n = p.score.size(), T = p.tiers.size();
    std::vector<bool> open(n, true);
    for (const TierProblem& tier : p.tiers) {
        if (tier.spacing_m > 0 || !nest(tier, open)) return std::nullopt;
        for (std::size_t i = 0; i < n; ++i)
            if (tier.eligible[i] && !std::isfinite(p.score[i])) return std::nullopt;
    }
    Solution s;
    s.method = "min-cost flow";
    s.tier_of.assign(n, -1);
    std::size_t nodes = n + 2;   // towns, source and sink, each tier and each of its units
    for (const TierProblem& tier : p.tiers) nodes += 1 + tier.limits.size();
    const long long scale = scale_of(p, nodes);
    for (std::size_t t = 0; t < T; ++t) {
        Graph g;
        Graph::ArcMap<long long> lower(g), upper(g), cost(g);
        auto arc = [&](Graph::Node a, Graph::Node b, long long lo, long long hi, long long c) {
            const Graph::Arc e = g.addArc(a, b);
            lower[e] = lo, upper[e] = hi, cost[e] = c;
            return e;
        };
        const Graph::Node source = g.addNode(), sink = g.addNode();
        std::vector<Graph::Node> town(n, lemon::INVALID);
        auto town_node = [&](std::size_t i) {
            if (town[i] == lemon::INVALID) arc(town[i] = g.addNode(), sink, 0, 1, 0);
            return town[i];
        };
        std::vector<std::pair<Graph::Arc, std::size_t>> taken;   // tier t's arcs to its towns
        long long total = 0;
        for (std::size_t u = t; u < T; ++u) {
            const TierProblem& tier = p.tiers[u];
            const Nesting f = *nest(tier, open);
            const Graph::Node root = g.addNode();
            arc(source, root, tier.count, tier.count, 0);
            total += tier.count;
            std::vector<Graph::Node> unit(tier.limits.size());
            for (auto& v : unit) v = g.addNode();
            for (std::size_t l = 0; l < unit.size(); ++l) {
                const UnitLimit& lim = tier.limits[l];
                arc(f.parent[l] < 0 ? root : unit[std::size_t(f.parent[l])], unit[l], std::max(0, lim.min), lim.max >= 0 ? lim.max : tier.count, 0);
            }
            for (std::size_t i = 0; i < n; ++i) {
                if (!tier.eligible[i] || !open[i]) continue;
                const long long c = u == t ? -std::llround(p.score[i] * double(scale)) : 0;
                const Graph::Arc e = arc(f.home[i] < 0 ? root : unit[std::size_t(f.home[i])], town_node(i), 0, 1, c);
                if (u == t) taken.emplace_back(e, i);
            }
        }
        Flow flow(g);
        flow.lowerMap(lower).upperMap(upper).costMap(cost).stSupply(source, sink, total);
        if (flow.run() != Flow::OPTIMAL) return s;
        for (const auto& [e, i] : taken)
            if (flow.flow(e) > 0) s.tier_of[i] = int(t), open[i] = false;
    }
    s.feasible = s.optimal = true;
    total_scores(p, s);
    return s;
}

// ---------------------------------------------------------------- GLPK

namespace {

struct GlpDeleter {
    void operator()(glp_prob* lp) const noexcept { glp_delete_prob(lp); }
};

// Adds the row lo <= sum(coef * x_col) <= hi (hi < 0: no upper bound; lo <= 0 and hi < 0: skipped).
void add_row(glp_prob* lp, const std::vector<int>& cols, const std::vector<double>& coef, double lo, double hi) {
    if (cols.empty() && lo <= 0) return;
    const int row = glp_add_rows(lp, 1);
    if (hi < 0) glp_set_row_bnds(lp, row, GLP_LO, lo, 0);
    else if (lo == hi) glp_set_row_bnds(lp, row, GLP_FX, lo, hi);
    else if (lo <= 0) glp_set_row_bnds(lp, row, GLP_UP, 0, hi);
    else glp_set_row_bnds(lp, row, GLP_DB, lo, hi);
    std::vector<int> ind(cols.size() + 1);
    std::vector<double> val(cols.size() + 1);
    for (std::size_t k = 0; k < cols.size(); ++k) ind[k + 1] = cols[k], val[k + 1] = coef[k];
    glp_set_mat_row(lp, row, int(cols.size()), ind.data(), val.data());
}

// Pairs of eligible towns closer than `d` (m), by a sweep along x.
std::vector<std::pair<std::size_t, std::size_t>> close_pairs(const SelectionProblem& p, const std::vector<bool>& eligible, double d) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < eligible.size(); ++i)
        if (eligible[i]) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return p.x[a] < p.x[b] || (p.x[a] == p.x[b] && a < b); });
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    for (std::size_t a = 0; a < order.size(); ++a)
        for (std::size_t b = a + 1; b < order.size() && p.x[order[b]] - p.x[order[a]] < d; ++b) {
            const std::size_t i = order[a], j = order[b];
            if (std::hypot(p.x[i] - p.x[j], p.y[i] - p.y[j]) < d) pairs.emplace_back(std::min(i, j), std::max(i, j));
        }
    std::sort(pairs.begin(), pairs.end());
    return pairs;
}

}  // namespace

Solution solve_glpk(const SelectionProblem& p, double time_limit_s, bool hold_totals) {
    Solution s;
    s.method = "GLPK";
    const std::size_t n = p.score.size(), T = p.tiers.size();
    s.tier_of.assign(n, -1);
    glp_term_out(GLP_OFF);
    std::unique_ptr<glp_prob, GlpDeleter> owner(glp_create_prob());
    glp_prob* lp = owner.get();
    glp_set_obj_dir(lp, GLP_MAX);
    std::vector<std::vector<int>> col(T, std::vector<int>(n, 0));   // 0: no variable
    for (std::size_t t = 0; t < T; ++t)
        for (std::size_t i = 0; i < n; ++i)
            if (p.tiers[t].eligible[i]) {
                const int c = glp_add_cols(lp, 1);
                glp_set_col_kind(lp, c, GLP_BV);
                col[t][i] = c;
            }
    // A town is in one tier at most.
    for (std::size_t i = 0; i < n && T > 1; ++i) {
        std::vector<int> cols;
        for (std::size_t t = 0; t < T; ++t)
            if (col[t][i]) cols.push_back(col[t][i]);
        if (cols.size() > 1) add_row(lp, cols, std::vector<double>(cols.size(), 1.0), 0, 1);
    }
    for (std::size_t t = 0; t < T; ++t) {
        const TierProblem& tier = p.tiers[t];
        std::vector<int> all;
        for (std::size_t i = 0; i < n; ++i)
            if (col[t][i]) all.push_back(col[t][i]);
        if (int(all.size()) < tier.count) return s;
        {
            const int row = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, row, GLP_FX, tier.count, tier.count);
            std::vector<int> ind(all.size() + 1);
            std::vector<double> val(all.size() + 1, 1.0);
            std::copy(all.begin(), all.end(), ind.begin() + 1);
            glp_set_mat_row(lp, row, int(all.size()), ind.data(), val.data());
        }
        for (const UnitLimit& lim : tier.limits) {
            std::vector<int> cols;
            for (std::size_t i : lim.members)
                if (col[t][i]) cols.push_back(col[t][i]);
            if (int(cols.size()) < lim.min) return s;
            if (lim.min <= 0 && lim.max < 0) continue;
            add_row(lp, cols, std::vector<double>(cols.size(), 1.0), lim.min, lim.max);
        }
        if (tier.spacing_m > 0)
            for (const auto& [i, j] : close_pairs(p, tier.eligible, tier.spacing_m))
                add_row(lp, {col[t][i], col[t][j]}, {1.0, 1.0}, 0, 1);
    }
    // GLPK's MIP presolver declared a feasible model infeasible when the row that holds an earlier
    // tier at its optimum was tight (seen in the brute-force tests); the plain LP relaxation first,
    // then branch and bound without presolving, has no such trouble.
    glp_smcp lp_parm;
    glp_init_smcp(&lp_parm);
    lp_parm.msg_lev = GLP_MSG_OFF;
    lp_parm.presolve = GLP_OFF;
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.presolve = GLP_OFF;
    parm.msg_lev = GLP_MSG_OFF;
    parm.tm_lim = int(std::min(time_limit_s, 1e6) * 1000);
    s.optimal = true;
    // Lexicographic: the best total for each tier in turn, with the later tiers' limits in the model
    // (so that they stay feasible) and the earlier tiers' choices fixed. Fixing the choice rather than
    // only its total (hold_totals) keeps the program free of a real-valued knapsack row and is 1.3x
    // faster on the sample; the price is that among equally good choices for a tier (equal scores)
    // the one found first stands.
    for (std::size_t t = 0; t < T; ++t) {
        for (std::size_t u = 0; u < T; ++u)
            for (std::size_t i = 0; i < n; ++i)
                if (col[u][i]) glp_set_obj_coef(lp, col[u][i], u == t ? p.score[i] : 0.0);
        if (glp_simplex(lp, &lp_parm) != 0 || glp_get_status(lp) != GLP_OPT) return s;
        const int ret = glp_intopt(lp, &parm);
        const int status = glp_mip_status(lp);
        if (ret == GLP_ETMLIM && status != GLP_FEAS && status != GLP_OPT) {
            s.timed_out = true;
            return s;
        }
        if (ret == GLP_ETMLIM) s.optimal = false;
        else if (ret != 0 || status != GLP_OPT) return s;
        if (hold_totals) {
            const double best = glp_mip_obj_val(lp);
            std::vector<int> cols;
            std::vector<double> coef;
            for (std::size_t i = 0; i < n; ++i)
                if (col[t][i]) cols.push_back(col[t][i]), coef.push_back(p.score[i]);
            const int row = glp_add_rows(lp, 1);
            glp_set_row_bnds(lp, row, GLP_LO, best - 1e-7 * std::max(1.0, std::abs(best)), 0);
            std::vector<int> ind(cols.size() + 1);
            std::vector<double> val(cols.size() + 1);
            for (std::size_t k = 0; k < cols.size(); ++k) ind[k + 1] = cols[k], val[k + 1] = coef[k];
            glp_set_mat_row(lp, row, int(cols.size()), ind.data(), val.data());
        }
        for (std::size_t i = 0; i < n; ++i)
            if (col[t][i]) {
                const double v = glp_mip_col_val(lp, col[t][i]) > 0.5 ? 1.0 : 0.0;
                if (!hold_totals) glp_set_col_bnds(lp, col[t][i], GLP_FX, v, v);
                if (v > 0 && (!hold_totals || t + 1 == T)) s.tier_of[i] = int(t);
            }
        if (hold_totals && t + 1 == T)
            for (std::size_t u = 0; u < T; ++u)
                for (std::size_t i = 0; i < n; ++i)
                    if (col[u][i] && glp_mip_col_val(lp, col[u][i]) > 0.5) s.tier_of[i] = int(u);
    }
    s.feasible = true;
    total_scores(p, s);
    return s;
}

std::string glpk_version() { return glp_version(); }

SolverThread::~SolverThread() {
    if (m_worker) glp_free_env();
}

Solution solve_selection(const SelectionProblem& p, double time_limit_s) {
    if (Solution s = solve_greedy(p); s.feasible) return s;
    if (std::optional<Solution> s = solve_flow(p)) return *s;
    return solve_glpk(p, time_limit_s);
}

// ---------------------------------------------------------------- towns

}  // namespace townsite
