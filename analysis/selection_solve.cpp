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
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <queue>

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

// ---------------------------------------------------------------- the flow, relaxed one limit at a time

// One tier's network as plain arrays (source 0, sink 1), with a flow and node potentials that prove
// it optimal: every arc with room has reduced cost cost + pi[tail] - pi[head] >= 0, every arc with
// flow above its lower bound <= 0 (LEMON's convention).
struct RelaxedFlows::Network {
    int nodes = 2;
    std::vector<int> tail, head;
    std::vector<long long> lower, upper, cost, flow, pi;
    std::vector<int> first_out, incident;       // per node its arcs, either way: arc * 2 + (1 when the node is the head)
    std::vector<int> town_sink;                 // per town: its arc to the sink, -1 when not in this network
    std::vector<std::pair<int, std::size_t>> taken;   // the tier's arcs to its towns
    std::vector<std::vector<int>> limit_arc;    // [u - t][l]: the arc into tier u's limit l

    int add_arc(int a, int b, long long lo, long long hi, long long c) {
        tail.push_back(a), head.push_back(b), lower.push_back(lo), upper.push_back(hi), cost.push_back(c), flow.push_back(0);
        return int(tail.size()) - 1;
    }
    long long reduced(int e, const std::vector<long long>& p) const { return cost[std::size_t(e)] + p[std::size_t(tail[std::size_t(e)])] - p[std::size_t(head[std::size_t(e)])]; }
};

namespace {

using Network = RelaxedFlows::Network;

// Tier t's network as solve_flow builds it, but with every town eligible for tier t or a later one
// (a town an earlier tier took has no room to the sink, so that an earlier tier that gives it up can
// open it) and the chosen selection as its flow.
Network chosen_network(const SelectionProblem& p, const std::vector<Nesting>& nesting, std::size_t t, const std::vector<int>& tier_of,
                       long long scale) {
    const std::size_t n = p.score.size(), T = p.tiers.size();
    Network g;
    g.town_sink.assign(n, -1);
    std::vector<int> town(n, -1);
    auto town_node = [&](std::size_t i) {
        if (town[i] < 0) {
            town[i] = g.nodes++;
            const bool open = tier_of[i] < 0 || tier_of[i] >= int(t);
            g.town_sink[i] = g.add_arc(town[i], 1, 0, open ? 1 : 0, 0);
            g.flow.back() = tier_of[i] >= int(t);
        }
        return town[i];
    };
    for (std::size_t u = t; u < T; ++u) {
        const TierProblem& tier = p.tiers[u];
        const Nesting& f = nesting[u];
        const int root = g.nodes++;
        g.add_arc(0, root, tier.count, tier.count, 0);
        g.flow.back() = tier.count;
        std::vector<int> unit(tier.limits.size());
        for (int& v : unit) v = g.nodes++;
        std::vector<int>& arc_of = g.limit_arc.emplace_back(tier.limits.size(), -1);
        for (std::size_t l = 0; l < unit.size(); ++l) {
            const UnitLimit& lim = tier.limits[l];
            arc_of[l] = g.add_arc(f.parent[l] < 0 ? root : unit[std::size_t(f.parent[l])], unit[l], std::max(0, lim.min),
                                  lim.max >= 0 ? lim.max : tier.count, 0);
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (!tier.eligible[i]) continue;
            const long long c = u == t ? -std::llround(p.score[i] * double(scale)) : 0;
            const int e = g.add_arc(f.home[i] < 0 ? root : unit[std::size_t(f.home[i])], town_node(i), 0, 1, c);
            if (u == t) g.taken.emplace_back(e, i);
            if (tier_of[i] != int(u)) continue;
            g.flow[std::size_t(e)] = 1;
            for (int l = f.home[i]; l >= 0; l = f.parent[std::size_t(l)]) ++g.flow[std::size_t(arc_of[std::size_t(l)])];
        }
    }
    g.first_out.assign(std::size_t(g.nodes) + 1, 0);
    for (std::size_t e = 0; e < g.tail.size(); ++e) ++g.first_out[std::size_t(g.tail[e]) + 1], ++g.first_out[std::size_t(g.head[e]) + 1];
    for (std::size_t v = 0; v < std::size_t(g.nodes); ++v) g.first_out[v + 1] += g.first_out[v];
    g.incident.resize(2 * g.tail.size());
    std::vector<int> next(g.first_out.begin(), g.first_out.end() - 1);
    for (std::size_t e = 0; e < g.tail.size(); ++e) {
        g.incident[std::size_t(next[std::size_t(g.tail[e])]++)] = int(2 * e);
        g.incident[std::size_t(next[std::size_t(g.head[e])]++)] = int(2 * e + 1);
    }
    return g;
}

// The network simplex's potentials for g, when they prove g's flow optimal (and the flow is one).
bool prove_optimal(Network& g) {
    Graph lg;
    std::vector<Graph::Node> node(std::size_t(g.nodes));
    for (auto& v : node) v = lg.addNode();
    Graph::ArcMap<long long> lower(lg), upper(lg), cost(lg);
    long long total = 0;
    std::vector<long long> balance(std::size_t(g.nodes), 0);
    for (std::size_t e = 0; e < g.tail.size(); ++e) {
        const Graph::Arc a = lg.addArc(node[std::size_t(g.tail[e])], node[std::size_t(g.head[e])]);
        lower[a] = g.lower[e], upper[a] = g.upper[e], cost[a] = g.cost[e];
        if (g.flow[e] < g.lower[e] || g.flow[e] > g.upper[e]) return false;
        balance[std::size_t(g.tail[e])] -= g.flow[e], balance[std::size_t(g.head[e])] += g.flow[e];
        if (g.tail[e] == 0) total += g.flow[e];
    }
    for (std::size_t v = 2; v < balance.size(); ++v)
        if (balance[v] != 0) return false;
    Flow flow(lg);
    flow.lowerMap(lower).upperMap(upper).costMap(cost).stSupply(node[0], node[1], total);
    if (flow.run() != Flow::OPTIMAL) return false;
    g.pi.resize(std::size_t(g.nodes));
    for (std::size_t v = 0; v < node.size(); ++v) g.pi[v] = flow.potential(node[v]);
    for (std::size_t e = 0; e < g.tail.size(); ++e) {
        const long long rc = g.reduced(int(e), g.pi);
        if ((g.flow[e] < g.upper[e] && rc < 0) || (g.flow[e] > g.lower[e] && rc > 0)) return false;
    }
    return true;
}

// A copy of a network's flow, potentials and bounds, changed and re-optimised.
struct Repair {
    const Network& g;
    std::vector<long long> lower, upper, flow, pi, excess;

    explicit Repair(const Network& net)
        : g(net), lower(net.lower), upper(net.upper), flow(net.flow), pi(net.pi), excess(std::size_t(net.nodes), 0) {}

    void push(int e, long long amount) {
        flow[std::size_t(e)] += amount;
        excess[std::size_t(g.tail[std::size_t(e)])] -= amount, excess[std::size_t(g.head[std::size_t(e)])] += amount;
    }
    // New bounds for arc e: its flow is moved into them, and to the bound its reduced cost asks for, so
    // that the potentials still prove every arc optimal; the nodes it leaves out of balance are
    // balanced by augment().
    void rebound(int e, long long lo, long long hi) {
        const std::size_t a = std::size_t(e);
        lower[a] = lo, upper[a] = hi;
        const long long rc = g.reduced(e, pi);
        const long long want = rc < 0 ? hi : rc > 0 ? lo : std::clamp(flow[a], lo, hi);
        if (want != flow[a]) push(e, want - flow[a]);
    }
    // Successive shortest paths: from the nodes with too much flow in to those with too little, over
    // the arcs with room (reduced costs, all >= 0: Dijkstra), the potentials raised by the distances
    // so that they stay >= 0. False when some imbalance cannot be routed.
    bool augment() {
        constexpr long long inf = std::numeric_limits<long long>::max();
        const std::size_t V = std::size_t(g.nodes);
        std::vector<long long> dist(V, inf);
        std::vector<int> via(V, -1);   // the residual arc a node was reached by: arc * 2 + (1 when against the arc)
        std::vector<int> settled;
        using Entry = std::pair<long long, int>;
        std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
        while (true) {
            std::fill(dist.begin(), dist.end(), inf);
            settled.clear();
            for (std::size_t v = 0; v < V; ++v)
                if (excess[v] > 0) dist[v] = 0, via[v] = -1, heap.emplace(0, int(v));
            if (heap.empty()) return true;
            int target = -1;
            std::vector<bool> done(V, false);
            while (!heap.empty()) {
                const auto [d, v] = heap.top();
                heap.pop();
                if (done[std::size_t(v)]) continue;
                done[std::size_t(v)] = true;
                settled.push_back(v);
                if (excess[std::size_t(v)] < 0) {
                    target = v;
                    break;
                }
                for (int k = g.first_out[std::size_t(v)]; k < g.first_out[std::size_t(v) + 1]; ++k) {
                    const int code = g.incident[std::size_t(k)], e = code / 2;
                    const std::size_t a = std::size_t(e);
                    const bool forward = code % 2 == 0;   // v is the arc's tail: flow can rise
                    if (forward ? flow[a] >= upper[a] : flow[a] <= lower[a]) continue;
                    const long long rc = forward ? g.reduced(e, pi) : -g.reduced(e, pi);
                    const int w = forward ? g.head[a] : g.tail[a];
                    if (d + rc < dist[std::size_t(w)]) dist[std::size_t(w)] = d + rc, via[std::size_t(w)] = forward ? 2 * e : 2 * e + 1, heap.emplace(d + rc, w);
                }
            }
            heap = {};
            if (target < 0) return false;
            const long long D = dist[std::size_t(target)];
            for (int v : settled) pi[std::size_t(v)] -= D - dist[std::size_t(v)];
            long long amount = -excess[std::size_t(target)];
            int start = target;
            for (int v = target; via[std::size_t(v)] >= 0;) {
                const std::size_t a = std::size_t(via[std::size_t(v)] / 2);
                const bool forward = via[std::size_t(v)] % 2 == 0;
                amount = std::min(amount, forward ? upper[a] - flow[a] : flow[a] - lower[a]);
                v = start = forward ? g.tail[a] : g.head[a];
            }
            amount = std::min(amount, excess[std::size_t(start)]);
            for (int v = target; via[std::size_t(v)] >= 0;) {
                const int e = via[std::size_t(v)] / 2;
                const bool forward = via[std::size_t(v)] % 2 == 0;
                push(e, forward ? amount : -amount);
                v = forward ? g.tail[std::size_t(e)] : g.head[std::size_t(e)];
            }
        }
    }
    // The certificate: every node balanced, every arc within its bounds, and the potentials proving
    // the flow optimal.
    bool optimal() const {
        for (long long e : excess)
            if (e != 0) return false;
        for (std::size_t e = 0; e < flow.size(); ++e) {
            const long long rc = g.reduced(int(e), pi);
            if (flow[e] < lower[e] || flow[e] > upper[e] || (flow[e] < upper[e] && rc < 0) || (flow[e] > lower[e] && rc > 0)) return false;
        }
        return true;
    }
};

}  // namespace

RelaxedFlows::RelaxedFlows() = default;
RelaxedFlows::~RelaxedFlows() = default;

std::unique_ptr<RelaxedFlows> RelaxedFlows::build(const SelectionProblem& p, const std::vector<int>& tier_of) {
    const std::size_t n = p.score.size(), T = p.tiers.size();
    std::vector<Nesting> nesting;
    const std::vector<bool> all(n, true);
    for (const TierProblem& tier : p.tiers) {
        std::optional<Nesting> f = tier.spacing_m > 0 ? std::nullopt : nest(tier, all);
        if (!f) return nullptr;
        nesting.push_back(std::move(*f));
        for (std::size_t i = 0; i < n; ++i)
            if (tier.eligible[i] && !std::isfinite(p.score[i])) return nullptr;
    }
    std::size_t nodes = n + 2;
    for (const TierProblem& tier : p.tiers) nodes += 1 + tier.limits.size();
    const long long scale = scale_of(p, nodes);
    std::unique_ptr<RelaxedFlows> flows(new RelaxedFlows);
    flows->m_problem = p;
    flows->m_tier_of = tier_of;
    for (std::size_t t = 0; t < T; ++t) {
        flows->m_networks.push_back(chosen_network(p, nesting, t, tier_of, scale));
        if (!prove_optimal(flows->m_networks.back())) return nullptr;
    }
    return flows;
}

std::vector<int> RelaxedFlows::relaxed(int relaxed_tier, std::size_t limit, bool at_max) const {
    std::vector<int> now = m_tier_of;
    bool changed = false;   // an earlier tier took or gave up a town
    for (std::size_t t = 0; t < m_networks.size(); ++t) {
        if (int(t) > relaxed_tier && !changed) break;   // the rest stands
        const Network& g = m_networks[t];
        Repair r(g);
        if (int(t) <= relaxed_tier) {
            const int e = g.limit_arc[std::size_t(relaxed_tier) - t][limit];
            const std::size_t a = std::size_t(e);
            r.rebound(e, at_max ? g.lower[a] : std::max(0LL, g.lower[a] - 1), at_max ? g.upper[a] + 1 : g.upper[a]);
        }
        // The towns an earlier tier now holds close, those it gave up open.
        for (std::size_t i = 0; i < now.size() && changed; ++i) {
            const bool closed = now[i] >= 0 && now[i] < int(t), was = m_tier_of[i] >= 0 && m_tier_of[i] < int(t);
            if (closed != was && g.town_sink[i] >= 0) r.rebound(g.town_sink[i], 0, closed ? 0 : 1);
        }
        if (!r.augment() || !r.optimal()) {   // not expected: the relaxed problem solved afresh
            ++m_solved_afresh;
            const Solution fresh = solve_selection(relaxed_problem(m_problem, relaxed_tier, limit, at_max));
            return fresh.feasible ? fresh.tier_of : std::vector<int>{};
        }
        for (const auto& [e, i] : g.taken) {
            const bool in = r.flow[std::size_t(e)] > 0;
            if (in != (now[i] == int(t))) changed = true, now[i] = in ? int(t) : -1;
        }
    }
    return now;
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
