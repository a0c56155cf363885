// SearchSkeleton: the road graph's branching nodes, the chains between them and the dead-end trees
// hanging off them; and the Router's whole searches on it (road_graph.h).
#include "geo/road_graph.h"

#include <algorithm>

namespace townsite {

namespace {

using Step = SearchSkeleton::Step;

// The search's fastest arc from u to v (arcs[first[u], first[u + 1])): the first of equals, as
// Dijkstra's relaxation keeps it.
Step fastest(const std::uint32_t* first, const RoadGraph::Arc* arcs, std::uint32_t u, std::uint32_t v) {
    Step best;
    for (std::uint32_t a = first[u]; a < first[u + 1]; ++a)
        if (arcs[a].head == v && arcs[a].seconds < best.seconds) best = {arcs[a].seconds, arcs[a].metres};
    return best;
}

}  // namespace

SearchSkeleton::SearchSkeleton(const RoadGraph& g) {
    const auto n = static_cast<std::uint32_t>(g.node_count());
    // Each node's distinct neighbours, by an arc either way, itself left out.
    std::vector<std::uint32_t> first_nbr(n + 1, 0), nbrs, own;
    for (std::uint32_t v = 0; v < n; ++v) {
        own.clear();
        for (std::uint32_t a = g.first_out[v]; a < g.first_out[v + 1]; ++a) own.push_back(g.out_arcs[a].head);
        for (std::uint32_t a = g.first_in[v]; a < g.first_in[v + 1]; ++a) own.push_back(g.in_arcs[a].head);
        std::sort(own.begin(), own.end());
        own.erase(std::unique(own.begin(), own.end()), own.end());
        own.erase(std::remove(own.begin(), own.end(), v), own.end());
        nbrs.insert(nbrs.end(), own.begin(), own.end());
        first_nbr[v + 1] = static_cast<std::uint32_t>(nbrs.size());
    }
    auto each_nbr = [&](std::uint32_t v, auto f) {
        for (std::uint32_t k = first_nbr[v]; k < first_nbr[v + 1]; ++k)
            if (!f(nbrs[k])) return;
    };

    // Peel the dead ends until none is left: what stays is the core, each node with its neighbours there.
    std::vector<std::uint32_t> degree(n), stack;
    std::vector<char> peeled(n, 0);
    for (std::uint32_t v = 0; v < n; ++v)
        if ((degree[v] = first_nbr[v + 1] - first_nbr[v]) <= 1) stack.push_back(v);
    while (!stack.empty()) {
        const std::uint32_t v = stack.back();
        stack.pop_back();
        if (peeled[v]) continue;
        peeled[v] = 1;
        each_nbr(v, [&](std::uint32_t w) {
            if (!peeled[w] && --degree[w] == 1) stack.push_back(w);
            return true;
        });
    }
    kind.assign(n, kTree);
    for (std::uint32_t v = 0; v < n; ++v)
        if (!peeled[v]) kind[v] = degree[v] == 2 ? kChain : kBranch;

    // Chains: from each branching node along each neighbour not yet on one, to the next branching
    // node; then the rings without any, each from its first node, made branching.
    where.assign(n, UINT32_MAX);
    position.assign(n, 0);
    auto walk = [&](std::uint32_t a, std::uint32_t y) {
        Chain c{a, a, static_cast<std::uint32_t>(chain_nodes.size()), 0};
        std::uint32_t prev = a, cur = y;
        while (kind[cur] == kChain) {
            where[cur] = static_cast<std::uint32_t>(chains.size());
            position[cur] = ++c.count;
            chain_nodes.push_back(cur);
            std::uint32_t next = cur;
            each_nbr(cur, [&](std::uint32_t w) {
                if (peeled[w] || w == prev) return true;
                next = w;
                return false;
            });
            prev = cur, cur = next;
        }
        c.b = cur;
        chains.push_back(c);
    };
    auto chains_from = [&](std::uint32_t a, bool one) {
        each_nbr(a, [&](std::uint32_t y) {
            if (kind[y] != kChain || where[y] != UINT32_MAX) return true;
            walk(a, y);
            return !one;
        });
    };
    for (std::uint32_t a = 0; a < n; ++a)
        if (kind[a] == kBranch) chains_from(a, false);
    for (std::uint32_t v = 0; v < n; ++v)
        if (kind[v] == kChain && where[v] == UINT32_MAX) kind[v] = kBranch, chains_from(v, true);

    // Trees, breadth first from the core; then the pieces of network that are trees alone, each
    // from its first node, made branching.
    auto grow = [&](std::uint32_t root) {
        auto take = [&](std::uint32_t from) {
            each_nbr(from, [&](std::uint32_t w) {
                if (kind[w] == kTree && where[w] == UINT32_MAX) {
                    where[w] = static_cast<std::uint32_t>(tree_nodes.size());
                    tree_nodes.push_back(w);
                    parent.push_back(from);
                }
                return true;
            });
        };
        std::size_t next = tree_nodes.size();
        take(root);
        while (next < tree_nodes.size()) take(tree_nodes[next++]);
    };
    for (std::uint32_t v = 0; v < n; ++v)
        if (kind[v] != kTree) grow(v);
    for (std::uint32_t v = 0; v < n; ++v)
        if (kind[v] == kTree && where[v] == UINT32_MAX) kind[v] = kBranch, grow(v);

    for (int d = 0; d < 2; ++d) {
        const std::uint32_t* f = d ? g.first_in.data() : g.first_out.data();
        const RoadGraph::Arc* arc = d ? g.in_arcs.data() : g.out_arcs.data();
        // The steps along the chains and to and from the trees' parents.
        toward_b[d].resize(chain_nodes.size() + chains.size());
        toward_a[d].resize(chain_nodes.size() + chains.size());
        for (std::uint32_t c = 0; c < chains.size(); ++c) {
            const Chain& ch = chains[c];
            auto at = [&](std::uint32_t j) { return j == 0 ? ch.a : j == ch.count + 1 ? ch.b : chain_nodes[ch.first_node + j - 1]; };
            for (std::uint32_t j = 0; j <= ch.count; ++j) {
                toward_b[d][ch.first_node + c + j] = fastest(f, arc, at(j), at(j + 1));
                toward_a[d][ch.first_node + c + j] = fastest(f, arc, at(j + 1), at(j));
            }
        }
        from_parent[d].resize(tree_nodes.size());
        to_parent[d].resize(tree_nodes.size());
        for (std::uint32_t t = 0; t < tree_nodes.size(); ++t) {
            from_parent[d][t] = fastest(f, arc, parent[t], tree_nodes[t]);
            to_parent[d][t] = fastest(f, arc, tree_nodes[t], parent[t]);
        }
        // The branching nodes' arcs, in the graph's order: to another branching node as they are;
        // onto a chain, as one arc to its other end (when it can be driven all the way); none into a tree.
        first[d].assign(n + 1, 0);
        for (std::uint32_t u = 0; u < n; ++u) {
            for (std::uint32_t a = f[u]; kind[u] == kBranch && a < f[u + 1]; ++a) {
                const std::uint32_t h = arc[a].head;
                if (kind[h] == kBranch) {
                    arcs[d].push_back(arc[a]);
                    continue;
                }
                if (kind[h] != kChain) continue;
                const std::uint32_t c = where[h];
                const Chain& ch = chains[c];
                const std::uint32_t base = ch.first_node + c;
                RoadGraph::Arc through = arc[a];
                std::uint32_t end = UINT32_MAX;
                if (position[h] == 1 && ch.a == u) {
                    end = ch.b;
                    for (std::uint32_t j = 1; j <= ch.count && through.seconds != kUnreachable; ++j)
                        through.seconds += toward_b[d][base + j].seconds, through.metres += toward_b[d][base + j].metres;
                } else if (position[h] == ch.count && ch.b == u) {
                    end = ch.a;
                    for (std::uint32_t j = ch.count; j >= 1 && through.seconds != kUnreachable; --j)
                        through.seconds += toward_a[d][base + j - 1].seconds, through.metres += toward_a[d][base + j - 1].metres;
                }
                if (end == UINT32_MAX || end == u || through.seconds == kUnreachable) continue;
                through.head = end;
                arcs[d].push_back(through);
            }
            first[d][u + 1] = static_cast<std::uint32_t>(arcs[d].size());
        }
    }
}

void Router::carry_seeds(const std::vector<std::array<double, 4>>& seeds, bool reversed) {
    const SearchSkeleton& k = *m_skeleton;
    const int d = reversed ? 1 : 0;
    if (m_pending.size() != m_label.size()) m_pending.assign(m_label.size(), Label{0, 0, 0, 0, 0, 0});
    m_pending_nodes.clear();
    // A value for a node off the branching ones: kept when it betters the one there.
    auto offer = [&](std::uint32_t v, double key, double other, std::uint32_t origin) {
        Label& p = m_pending[v];
        if (p.stamp == m_run && p.key <= key) return false;
        if (p.stamp != m_run) m_pending_nodes.push_back(v);
        p = Label{key, other, m_run, 0, origin, 0};
        return true;
    };
    auto arrive = [&](std::uint32_t v, double key, double other, std::uint32_t origin) {
        if (k.kind[v] == SearchSkeleton::kBranch) relax(v, key, other, origin, UINT32_MAX, UINT32_MAX);
        else offer(v, key, other, origin);
    };
    for (const auto& s : seeds) arrive(static_cast<std::uint32_t>(s[0]), s[1], s[2], static_cast<std::uint32_t>(s[3]));
    // Up each tree from its seeds, as long as the value betters what is there, to the root.
    for (std::size_t i = 0; i < m_pending_nodes.size(); ++i) {
        std::uint32_t x = m_pending_nodes[i];
        while (k.kind[x] == SearchSkeleton::kTree) {
            const std::uint32_t t = k.where[x];
            const Step& st = k.to_parent[d][t];
            if (st.seconds == kUnreachable) break;
            const Label cur = m_pending[x];
            const std::uint32_t p = k.parent[t];
            if (k.kind[p] == SearchSkeleton::kBranch) {
                relax(p, cur.key + st.seconds, cur.other + st.metres, cur.origin, UINT32_MAX, UINT32_MAX);
                break;
            }
            if (!offer(p, cur.key + st.seconds, cur.other + st.metres, cur.origin)) break;
            x = p;
        }
    }
    // Along each chain holding values, to both its ends.
    std::vector<std::uint32_t> held;
    for (std::uint32_t v : m_pending_nodes)
        if (k.kind[v] == SearchSkeleton::kChain) held.push_back(k.where[v]);
    std::sort(held.begin(), held.end());
    held.erase(std::unique(held.begin(), held.end()), held.end());
    for (std::uint32_t c : held) {
        const SearchSkeleton::Chain& ch = k.chains[c];
        const std::uint32_t base = ch.first_node + c;
        auto carry = [&](Label& val, const Step& st, std::uint32_t v) {
            val.key += st.seconds, val.other += st.metres;   // kUnreachable stays so
            const Label& p = m_pending[v];
            if (p.stamp == m_run && p.key < val.key) val = p;
        };
        Label val{kUnreachable, 0, 0, 0, 0, 0};
        for (std::uint32_t j = 1; j <= ch.count; ++j) carry(val, k.toward_b[d][base + j - 1], k.chain_nodes[ch.first_node + j - 1]);
        if (const Step& st = k.toward_b[d][base + ch.count]; val.key + st.seconds < kUnreachable)
            relax(ch.b, val.key + st.seconds, val.other + st.metres, val.origin, UINT32_MAX, UINT32_MAX);
        val = Label{kUnreachable, 0, 0, 0, 0, 0};
        for (std::uint32_t j = ch.count; j >= 1; --j) carry(val, k.toward_a[d][base + j], k.chain_nodes[ch.first_node + j - 1]);
        if (const Step& st = k.toward_a[d][base]; val.key + st.seconds < kUnreachable)
            relax(ch.a, val.key + st.seconds, val.other + st.metres, val.origin, UINT32_MAX, UINT32_MAX);
    }
}

void Router::fill_in(bool reversed) {
    const SearchSkeleton& k = *m_skeleton;
    const int d = reversed ? 1 : 0;
    auto reached = [&](std::uint32_t v) { return m_label[v].stamp == m_run ? m_label[v] : Label{kUnreachable, 0, 0, 0, 0, 0}; };
    auto pending_better = [&](Label& val, std::uint32_t v) {
        const Label& p = m_pending[v];
        if (p.stamp == m_run && p.key < val.key) val = p;
    };
    auto settle = [&](std::uint32_t v, const Label& val) {
        if (val.key == kUnreachable) return;
        m_label[v] = Label{val.key, val.other, m_run, kSettled, val.origin, 0};
        m_touched.push_back(v);
    };
    // Each chain from its a end, then from its b end, each node keeping the better.
    for (std::uint32_t c = 0; c < k.chains.size(); ++c) {
        const SearchSkeleton::Chain& ch = k.chains[c];
        const std::uint32_t base = ch.first_node + c;
        m_sweep.resize(ch.count);
        Label val = reached(ch.a);
        for (std::uint32_t j = 1; j <= ch.count; ++j) {
            const Step& st = k.toward_b[d][base + j - 1];
            val.key += st.seconds, val.other += st.metres;
            pending_better(val, k.chain_nodes[ch.first_node + j - 1]);
            m_sweep[j - 1] = val;
        }
        val = reached(ch.b);
        for (std::uint32_t j = ch.count; j >= 1; --j) {
            const Step& st = k.toward_a[d][base + j];
            val.key += st.seconds, val.other += st.metres;
            pending_better(val, k.chain_nodes[ch.first_node + j - 1]);
            settle(k.chain_nodes[ch.first_node + j - 1], m_sweep[j - 1].key <= val.key ? m_sweep[j - 1] : val);
        }
    }
    // The trees from their roots down, each node after its parent.
    for (std::uint32_t t = 0; t < k.tree_nodes.size(); ++t) {
        Label val = reached(k.parent[t]);
        const Step& st = k.from_parent[d][t];
        val.key += st.seconds, val.other += st.metres;
        pending_better(val, k.tree_nodes[t]);
        settle(k.tree_nodes[t], val);
    }
}

}  // namespace townsite
