// The search skeleton (SearchSkeleton): a drawn graph whose chains and trees a reader counts by eye,
// and random graphs full of dead ends, chains, rings, one-way pieces, parallel pieces and loops,
// where every whole search on the skeleton must give the times and lengths of the plain search.
#include "geo/parallel.h"
#include "geo/random.h"
#include "geo/road_graph.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace townsite;

namespace {

struct Piece {
    std::uint32_t from, to;
    double seconds, metres;
    int direction;   // 0 both ways, +1 from -> to, -1 to -> from
};

// A road graph from pieces alone (no geometry): what the router reads.
RoadGraph graph_of(std::uint32_t n, const std::vector<Piece>& pieces) {
    RoadGraph g;
    g.nodes.resize(n);
    for (const Piece& p : pieces) {
        RoadPiece r;
        r.from = p.from, r.to = p.to, r.seconds = p.seconds, r.length_m = p.metres, r.direction = static_cast<std::int8_t>(p.direction);
        g.pieces.push_back(r);
    }
    for (const bool backward : {false, true}) {
        std::vector<std::uint32_t>& first = backward ? g.first_in : g.first_out;
        std::vector<RoadGraph::Arc>& arcs = backward ? g.in_arcs : g.out_arcs;
        first.assign(n + 1, 0);
        std::vector<std::pair<std::uint32_t, RoadGraph::Arc>> all;
        for (std::uint32_t i = 0; i < pieces.size(); ++i) {
            const Piece& p = pieces[i];
            auto add = [&](std::uint32_t tail, std::uint32_t head) {
                if (backward) std::swap(tail, head);
                all.push_back({tail, {head, i, p.seconds, p.metres}});
            };
            if (p.direction != -1) add(p.from, p.to);
            if (p.direction != +1) add(p.to, p.from);
        }
        std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& a : all) ++first[a.first + 1], arcs.push_back(a.second);
        for (std::uint32_t v = 0; v < n; ++v) first[v + 1] += first[v];
    }
    return g;
}

Snap at_node(std::uint32_t v) {
    Snap s;
    s.ok = true, s.snap_m = 0, s.node = v;
    return s;
}

bool same(double a, double b) { return std::isinf(a) ? std::isinf(b) : std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a)); }

}  // namespace

TEST_CASE("skeleton: a drawn graph's branching nodes, chains and trees", "[road_graph][skeleton]") {
    //   0 ==== 1 -- 2 -- 3 ==== 4          0, 4: branching (three neighbours each); 1-2-3 a chain
    //   |\                     /|          5-6 and 7: dead-end trees (6 hangs from 5, 5 from 0; 7 from 4)
    //   | 8 ------------------ 9 |         8, 9: a second chain 0-8-9-4 ... with 0-10-11-4 a third
    //   5   10 ------------ 11   7         12-13-14-12: a ring alone; 15-16: a tree alone
    //   |
    //   6
    const std::vector<Piece> pieces = {{0, 1, 10, 100, 0},  {1, 2, 10, 100, 0},  {2, 3, 10, 100, +1}, {3, 4, 10, 100, 0},
                                       {0, 5, 10, 100, 0},  {5, 6, 10, 100, -1}, {4, 7, 10, 100, 0},  {0, 8, 10, 100, 0},
                                       {8, 9, 10, 100, 0},  {9, 4, 10, 100, 0},  {0, 10, 10, 100, 0}, {10, 11, 10, 100, 0},
                                       {11, 4, 10, 100, 0}, {12, 13, 1, 10, 0},  {13, 14, 1, 10, 0},  {14, 12, 1, 10, 0},
                                       {15, 16, 1, 10, 0}};
    const RoadGraph g = graph_of(17, pieces);
    const SearchSkeleton k(g);
    std::vector<std::uint32_t> branch, chain, tree;
    for (std::uint32_t v = 0; v < 17; ++v)
        (k.kind[v] == SearchSkeleton::kBranch ? branch : k.kind[v] == SearchSkeleton::kChain ? chain : tree).push_back(v);
    CHECK(branch == std::vector<std::uint32_t>{0, 4, 12, 15});   // the ring and the lone tree each get one
    CHECK(chain == std::vector<std::uint32_t>{1, 2, 3, 8, 9, 10, 11, 13, 14});
    CHECK(tree == std::vector<std::uint32_t>{5, 6, 7, 16});
    REQUIRE(k.chains.size() == 4);
    CHECK(k.chains[0].a == 0);
    CHECK(k.chains[0].b == 4);
    CHECK(k.chains[0].count == 3);
    CHECK(k.chains[3].a == 12);   // the ring, from its node to itself
    CHECK(k.chains[3].b == 12);
    CHECK(k.chains[3].count == 2);
    // Forward from 0: the chain 0-1-2-3-4 is one arc of 40 s (2 -> 3 is one-way that way); the other
    // two chains too. Backward it is none: 3 -> 2 cannot be driven.
    auto arcs_of = [&](int d, std::uint32_t v) {
        std::vector<std::pair<std::uint32_t, double>> out;
        for (std::uint32_t a = k.first[d][v]; a < k.first[d][v + 1]; ++a) out.push_back({k.arcs[d][a].head, k.arcs[d][a].seconds});
        std::sort(out.begin(), out.end());
        return out;
    };
    CHECK(arcs_of(0, 0) == std::vector<std::pair<std::uint32_t, double>>{{4, 30}, {4, 30}, {4, 40}});
    CHECK(arcs_of(0, 4) == std::vector<std::pair<std::uint32_t, double>>{{0, 30}, {0, 30}});
    CHECK(arcs_of(1, 0) == std::vector<std::pair<std::uint32_t, double>>{{4, 30}, {4, 30}});   // into 0, from 4
    // Times on it, forward from 6 (a tree node whose piece to 5 runs only 6 -> 5): 6 -> 5 -> 0 20 s,
    // then 2 (up the one-way chain) 40 s, 7 via 4 70 s; nothing reaches the ring.
    Router plain(g), on(g);
    on.use(&k);
    on.run_from(at_node(6));
    plain.run_from(at_node(6));
    CHECK(on.node_seconds(0) == 20);
    CHECK(on.node_seconds(2) == 40);
    CHECK(on.node_seconds(3) == 50);   // 0-1-2-3 (0-8-9-4-3 is 60)
    CHECK(on.node_seconds(7) == 60);
    CHECK(std::isinf(on.node_seconds(12)));
    for (std::uint32_t v = 0; v < 17; ++v) CHECK(same(on.node_seconds(v), plain.node_seconds(v)));
    // Backward to 6: 5 -> 6 cannot be driven, so only 6 itself.
    on.run_to(at_node(6));
    for (std::uint32_t v = 0; v < 17; ++v) CHECK(std::isinf(on.node_seconds(v)) == (v != 6));
}

TEST_CASE("skeleton: every whole search on random graphs gives the plain search's times and lengths", "[road_graph][skeleton]") {
    std::size_t searches = 0, reached = 0, on_chains_and_trees = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        SplitMix64 rng(seed);
        const std::uint32_t n = 20 + static_cast<std::uint32_t>(rng.below(60));
        std::vector<Piece> pieces;
        auto piece = [&](std::uint32_t a, std::uint32_t b) {
            const int dir = rng.below(4) == 0 ? (rng.below(2) ? +1 : -1) : 0;
            // Times in 2^-20 s: two routes of the same time would have to draw it to the microsecond,
            // so each node's fastest route, and so its length, is one.
            const double s = 1 + double(rng.below(1u << 30)) / double(1u << 20);
            pieces.push_back({a, b, s, s * (5 + double(rng.below(20))), dir});
        };
        // A few branching nodes joined by long chains, dead ends and trees off anything, a ring or
        // two, parallel pieces, loops, and pieces of network apart.
        std::uint32_t next = 0;
        const std::uint32_t hubs = 2 + static_cast<std::uint32_t>(rng.below(5));
        next = hubs;
        while (next < n) {
            const std::uint64_t what = rng.below(10);
            if (what < 4 && next + 3 < n) {   // a chain between two hubs (or a hub and itself)
                std::uint32_t prev = static_cast<std::uint32_t>(rng.below(hubs));
                const std::uint32_t len = 1 + static_cast<std::uint32_t>(rng.below(4)), end = static_cast<std::uint32_t>(rng.below(hubs));
                for (std::uint32_t j = 0; j < len && next < n; ++j) piece(prev, next), prev = next++;
                piece(prev, end);
            } else if (what < 7) {   // a dead end off any node so far
                piece(static_cast<std::uint32_t>(rng.below(next)), next), ++next;
            } else if (what < 8 && next + 3 < n) {   // a ring apart
                piece(next, next + 1), piece(next + 1, next + 2), piece(next + 2, next), next += 3;
            } else if (what < 9) {   // a parallel piece, or a loop
                const auto a = static_cast<std::uint32_t>(rng.below(next));
                if (rng.below(2)) piece(a, a);
                else if (!pieces.empty()) {
                    const Piece& p = pieces[rng.below(pieces.size())];
                    piece(p.from, p.to);
                }
            } else {   // a node left alone, or a pair apart
                ++next;
                if (next < n && rng.below(2)) piece(next - 1, next), ++next;
            }
        }
        if (pieces.empty()) piece(0, 1);
        const RoadGraph g = graph_of(n, pieces);
        const SearchSkeleton k(g);
        for (std::uint32_t v = 0; v < n; ++v) on_chains_and_trees += k.kind[v] != SearchSkeleton::kBranch;
        Router plain(g), on(g);
        on.use(&k);
        for (std::uint32_t s = 0; s < n; ++s) {
            for (const bool backward : {false, true}) {
                // From a node, and from a point a third of the way along a piece (legs to both ends).
                Snap mid;
                const std::uint32_t pi = static_cast<std::uint32_t>(rng.below(pieces.size()));
                mid.ok = true, mid.snap_m = 0, mid.piece = pi, mid.offset_m = pieces[pi].metres / 3;
                for (const Snap& from : {at_node(s), mid}) {
                    backward ? plain.run_to(from) : plain.run_from(from);
                    backward ? on.run_to(from) : on.run_from(from);
                    ++searches;
                    for (std::uint32_t v = 0; v < n; ++v) {
                        INFO("seed " << seed << ", node " << s << (backward ? " backward" : " forward") << ", to " << v);
                        CHECK(same(on.node_seconds(v), plain.node_seconds(v)));
                        if (!std::isfinite(plain.node_seconds(v))) continue;
                        CHECK(same(on.node_metres(v), plain.node_metres(v)));
                        ++reached;
                    }
                }
            }
        }
        // Several sources at once: the nearest wins, wherever the sources lie.
        std::vector<Snap> several;
        for (int j = 0; j < 3; ++j) several.push_back(at_node(static_cast<std::uint32_t>(rng.below(n))));
        plain.run_from_many(several, false);
        on.run_from_many(several, false);
        for (std::uint32_t v = 0; v < n; ++v) CHECK(same(on.node_seconds(v), plain.node_seconds(v)));
    }
    CHECK(searches > 4000);
    CHECK(reached > 20000);
    CHECK(on_chains_and_trees > 1000);   // most searches start on, and fill in, chains and trees
}

TEST_CASE("skeleton: a bounded search, or one by length, is the plain search", "[road_graph][skeleton]") {
    const RoadGraph g = graph_of(4, {{0, 1, 10, 100, 0}, {1, 2, 10, 100, 0}, {2, 3, 10, 100, 0}, {3, 0, 10, 100, 0}});
    const SearchSkeleton k(g);
    Router on(g);
    on.use(&k);
    on.run_from(at_node(0), Router::Bound::seconds(15));
    CHECK(on.node_seconds(1) == 10);
    CHECK(std::isinf(on.node_seconds(2)));   // beyond the bound: not filled in from the chain
    Router length(g, Router::Metric::Length);
    length.use(&k);
    length.run_from(at_node(0));
    CHECK(length.node_metres(2) == 200);
    // route_matrix without a bound uses it, and agrees with a bounded one where that reaches.
    const auto whole = route_matrix(g, {at_node(0), at_node(1), at_node(2)}, {at_node(3), at_node(2)});
    const auto cut = route_matrix(g, {at_node(0), at_node(1), at_node(2)}, {at_node(3), at_node(2)}, Router::Bound::seconds(100));
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 2; ++j) CHECK(whole[i][j].seconds == cut[i][j].seconds);
    CHECK(whole[1][0].seconds == 20);
}
