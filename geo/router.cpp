// Router: Dijkstra on the road graph's CSR arrays with a 4-ary heap, forward and backward, from
// one or many sources, bounded in seconds or metres.
#include "geo/road_graph.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace townsite {

Router::Router(const RoadGraph& g, Metric metric)
    : m_g(g), m_length(metric == Metric::Length), m_label(g.node_count(), Label{0, 0, 0, 0, 0, 0}) {
    // The CSR invariants every loop below relies on (RoutingKit's first_out shape).
    auto check = [&](const std::vector<std::uint32_t>& first, const std::vector<RoadGraph::Arc>& arcs, const char* which) {
        // (A graph with no node may have no offsets at all.)
        bool ok = first.empty() ? g.node_count() == 0 && arcs.empty()
                                : first.size() == g.node_count() + 1 && first.front() == 0 && first.back() == arcs.size() &&
                                      std::is_sorted(first.begin(), first.end());
        for (const RoadGraph::Arc& a : arcs) ok = ok && a.head < g.node_count() && a.piece < g.pieces.size();
        if (!ok) throw std::logic_error(std::string("the road graph's ") + which + " arrays are not a valid CSR graph");
    };
    check(g.first_out, g.out_arcs, "forward");
    check(g.first_in, g.in_arcs, "backward");
    m_heap.reserve(1024);
    if (m_length) m_pred_node.assign(g.node_count(), UINT32_MAX), m_pred_piece.assign(g.node_count(), UINT32_MAX);
}

std::vector<std::uint32_t> Router::pieces_to(std::uint32_t v) const {
    std::vector<std::uint32_t> out;
    if (!m_length || m_label[v].stamp != m_run) return out;
    while (m_pred_node[v] != UINT32_MAX) {
        out.push_back(m_pred_piece[v]);
        v = m_pred_node[v];
    }
    std::reverse(out.begin(), out.end());
    return out;
}

namespace {
constexpr std::uint32_t kArity = 4;
}  // namespace

void Router::sift_up(std::uint32_t i) {
    const std::uint32_t v = m_heap[i];
    const double key = m_label[v].key;
    while (i > 0) {
        const std::uint32_t parent = (i - 1) / kArity;
        const std::uint32_t u = m_heap[parent];
        if (m_label[u].key <= key) break;
        m_heap[i] = u;
        m_label[u].pos = i;
        i = parent;
    }
    m_heap[i] = v;
    m_label[v].pos = i;
}

void Router::sift_down(std::uint32_t i) {
    const std::uint32_t v = m_heap[i];
    const double key = m_label[v].key;
    const auto n = static_cast<std::uint32_t>(m_heap.size());
    for (;;) {
        const std::uint32_t first = kArity * i + 1;
        if (first >= n) break;
        std::uint32_t best = first;
        double best_key = m_label[m_heap[first]].key;
        const std::uint32_t last = std::min(first + kArity, n);
        for (std::uint32_t c = first + 1; c < last; ++c)
            if (m_label[m_heap[c]].key < best_key) best = c, best_key = m_label[m_heap[c]].key;
        if (best_key >= key) break;
        m_heap[i] = m_heap[best];
        m_label[m_heap[i]].pos = i;
        i = best;
    }
    m_heap[i] = v;
    m_label[v].pos = i;
}

void Router::heap_update(std::uint32_t v) {
    if (m_label[v].pos == kOutside) {
        m_heap.push_back(v);
        m_label[v].pos = static_cast<std::uint32_t>(m_heap.size() - 1);
    }
    sift_up(m_label[v].pos);
}

std::uint32_t Router::heap_pop() {
    const std::uint32_t top = m_heap.front();
    const std::uint32_t last = m_heap.back();
    m_heap.pop_back();
    if (!m_heap.empty()) {
        m_heap[0] = last;
        m_label[last].pos = 0;
        sift_down(0);
    }
    m_label[top].pos = kSettled;
    return top;
}

double Router::bound_value(const Bound& bound) const {
    if (std::isfinite(bound.value) && bound.in_metres != m_length)
        throw std::logic_error(m_length ? "a length router bounded in seconds" : "a time router bounded in metres");
    return bound.value;
}

void Router::run(const std::vector<std::array<double, 4>>& seeds, bool reversed, double max_key,
                 const std::vector<std::uint32_t>* needed, const std::vector<char>* any_of) {
    // Dijkstra with an indexed 4-ary heap (decrease-key, no stale entries). Labels are valid where
    // stamp == m_run, so nothing is cleared between runs.
    ++m_run;
    m_touched.clear();
    m_heap.clear();
    // A whole search by time runs on the skeleton: its branching nodes here, the rest after.
    const bool skeleton = m_skeleton && !m_length && !m_avoid && !needed && !any_of && max_key == kUnreachable;
    if (skeleton) {
        carry_seeds(seeds, reversed);
    } else {
        // Seeds come as (node, seconds, metres, origin).
        for (const auto& s : seeds) {
            const double key = m_length ? s[2] : s[1], other = m_length ? s[1] : s[2];
            if (key <= max_key) relax(static_cast<std::uint32_t>(s[0]), key, other, static_cast<std::uint32_t>(s[3]), UINT32_MAX, UINT32_MAX);
        }
    }
    std::size_t left = 0;
    if (needed)
        for (std::uint32_t v : *needed)
            if (m_label[v].needed != m_run) m_label[v].needed = m_run, ++left;
    // Whether to stop early, and then once nothing is left to settle (the needed nodes, and one
    // flagged node when there are flags).
    const bool until = left > 0 || any_of;
    bool flagged_left = any_of != nullptr;
    // Time follows the arcs (one-way roads one way); length uses both directions of every road.
    const std::uint32_t* first = skeleton ? m_skeleton->first[reversed].data() : reversed ? m_g.first_in.data() : m_g.first_out.data();
    const RoadGraph::Arc* arcs = skeleton ? m_skeleton->arcs[reversed].data() : reversed ? m_g.in_arcs.data() : m_g.out_arcs.data();
    const std::uint32_t* first2 = reversed ? m_g.first_out.data() : m_g.first_in.data();
    const RoadGraph::Arc* arcs2 = reversed ? m_g.out_arcs.data() : m_g.in_arcs.data();
    while (!m_heap.empty()) {
        const std::uint32_t v = heap_pop();
        const Label& l = m_label[v];
        if (until) {
            if (needed && l.needed == m_run) --left;
            if (flagged_left && (*any_of)[v]) flagged_left = false;
            if (left == 0 && !flagged_left) break;
        }
        const double key = l.key, other = l.other;
        const std::uint32_t origin = l.origin;
        if (!m_length) {
            for (std::uint32_t a = first[v]; a < first[v + 1]; ++a) {
                if (m_avoid && (*m_avoid)[arcs[a].piece]) continue;
                const double nk = key + arcs[a].seconds;
                if (nk <= max_key) relax(arcs[a].head, nk, other + arcs[a].metres, origin, v, arcs[a].piece);
            }
            continue;
        }
        for (int pass = 0; pass < 2; ++pass) {
            const std::uint32_t* f = pass == 0 ? first : first2;
            const RoadGraph::Arc* arc = pass == 0 ? arcs : arcs2;
            for (std::uint32_t a = f[v]; a < f[v + 1]; ++a) {
                if (m_avoid && (*m_avoid)[arc[a].piece]) continue;
                const double nk = key + arc[a].metres;
                if (nk <= max_key) relax(arc[a].head, nk, other + arc[a].seconds, origin, v, arc[a].piece);
            }
        }
    }
    if (skeleton) fill_in(reversed);
}

void Router::set_seeds(const std::vector<Snap>& sources) {
    m_seeds = sources;
    m_seeds_on_piece.clear();
    for (std::uint32_t i = 0; i < sources.size(); ++i)
        if (sources[i].ok && sources[i].node == Snap::kNoNode) m_seeds_on_piece.emplace(sources[i].piece, i);
}

std::vector<std::array<double, 4>> Router::seed(const std::vector<Snap>& sources, bool reversed) {
    set_seeds(sources);
    std::vector<std::array<double, 4>> seeds;
    for (std::size_t i = 0; i < sources.size(); ++i)
        for (const auto& leg : m_length ? sources[i].legs_any(m_g) : sources[i].legs(m_g, !reversed))
            seeds.push_back({double(leg.node), leg.seconds, leg.metres, double(i)});
    return seeds;
}

void Router::run_to_until(const Snap& target, const std::vector<std::uint32_t>& needed, Bound bound) {
    run(seed({target}, true), true, bound_value(bound), &needed);
}

void Router::run_from_until(const Snap& source, const std::vector<std::uint32_t>& needed, const std::vector<char>& any_of, Bound bound) {
    run(seed({source}, false), false, bound_value(bound), &needed, &any_of);
}

void Router::run_from_many(const std::vector<Snap>& sources, bool reversed, Bound bound) {
    run(seed(sources, reversed), reversed, bound_value(bound));
}

void Router::run_from_nodes(const std::vector<std::pair<std::uint32_t, double>>& seeds, bool reversed, Bound bound) {
    m_seeds.clear();
    m_seeds_on_piece.clear();
    std::vector<std::array<double, 4>> s;
    for (std::size_t i = 0; i < seeds.size(); ++i) s.push_back({double(seeds[i].first), seeds[i].second, 0.0, double(i)});
    run(s, reversed, bound_value(bound));
}

void Router::run_from(const Snap& source, Bound bound) { run_from_many({source}, false, bound); }
void Router::run_to(const Snap& target, Bound bound) { run_from_many({target}, true, bound); }

Router::Reach Router::combine(const Snap& other, bool other_is_target) const {
    Reach best;
    if (!other.ok) return best;
    auto better = [this](const Reach& a, const Reach& b) { return m_length ? a.metres < b.metres : a.seconds < b.seconds; };
    // Length mode ignores direction: legs both ways.
    const Snap::Legs legs = m_length ? other.legs_any(m_g) : other.legs(m_g, !other_is_target);
    for (const auto& leg : legs) {
        const Reach r{node_seconds(leg.node) + leg.seconds, node_metres(leg.node) + leg.metres, m_label[leg.node].origin};
        if (better(r, best)) best = r;
    }
    // Along the shared piece, without passing a node.
    if (other.node != Snap::kNoNode) return best;
    const auto [lo, hi] = m_seeds_on_piece.equal_range(other.piece);
    for (auto it = lo; it != hi; ++it) {
        const Snap& seed = m_seeds[it->second];
        const RoadPiece& p = m_g.pieces[other.piece];
        const double from_off = other_is_target ? seed.offset_m : other.offset_m;
        const double to_off = other_is_target ? other.offset_m : seed.offset_m;
        const bool ok = m_length || to_off == from_off || (to_off > from_off ? p.direction != -1 : p.direction != +1);
        if (!ok) continue;
        const double m = std::fabs(to_off - from_off);
        const Reach r{seed.offroad_s + other.offroad_s + (p.length_m > 0 ? m * p.seconds / p.length_m : 0),
                      seed.snap_m + other.snap_m + m, it->second};
        if (better(r, best)) best = r;
    }
    return best;
}

}  // namespace townsite
