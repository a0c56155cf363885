// build_road_graph: the road layers as a routable graph (lines split into parts, crossings noded
// on request, vertices that coincide merged, pieces between junctions, CSR arcs both ways).
#include "geo/road_graph.h"

#include "geo/error.h"
#include "geo/parallel.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace townsite {

namespace {

struct Line {
    std::vector<Pt2> pts;
    double kmh;
    std::int8_t direction;
    std::uint32_t layer, feature;
};

// Inserts the points where segments of different lines (or distant parts of one line) cross, in
// both lines, so that node detection joins them.
std::size_t node_crossings(std::vector<Line>& lines) {
    namespace bg = boost::geometry;
    namespace bgi = boost::geometry::index;
    using P = bg::model::d2::point_xy<double>;
    using B = bg::model::box<P>;
    struct Seg {
        std::uint32_t line, k;
    };
    std::vector<std::pair<B, std::uint32_t>> boxes;
    std::vector<Seg> segs;
    for (std::uint32_t l = 0; l < lines.size(); ++l)
        for (std::uint32_t k = 0; k + 1 < lines[l].pts.size(); ++k) {
            const Pt2 a = lines[l].pts[k], b = lines[l].pts[k + 1];
            boxes.emplace_back(B(P(std::min(a.x, b.x), std::min(a.y, b.y)), P(std::max(a.x, b.x), std::max(a.y, b.y))),
                               std::uint32_t(segs.size()));
            segs.push_back({l, k});
        }
    bgi::rtree<std::pair<B, std::uint32_t>, bgi::rstar<16>> tree(boxes.begin(), boxes.end());
    // (line, segment, t, point) for every crossing found
    std::vector<std::tuple<std::uint32_t, std::uint32_t, double, Pt2>> inserts;
    std::size_t crossings = 0;
    std::vector<std::pair<B, std::uint32_t>> found;
    for (std::uint32_t i = 0; i < segs.size(); ++i) {
        found.clear();
        tree.query(bgi::intersects(boxes[i].first), std::back_inserter(found));
        const Pt2 a = lines[segs[i].line].pts[segs[i].k], b = lines[segs[i].line].pts[segs[i].k + 1];
        for (const auto& f : found) {
            const std::uint32_t j = f.second;
            if (j <= i) continue;
            if (segs[i].line == segs[j].line && (segs[j].k == segs[i].k + 1 || segs[i].k == segs[j].k + 1)) continue;
            const Pt2 c = lines[segs[j].line].pts[segs[j].k], d = lines[segs[j].line].pts[segs[j].k + 1];
            const double den = (b.x - a.x) * (d.y - c.y) - (b.y - a.y) * (d.x - c.x);
            if (den == 0) continue;  // parallel
            const double t = ((c.x - a.x) * (d.y - c.y) - (c.y - a.y) * (d.x - c.x)) / den;
            const double u = ((c.x - a.x) * (b.y - a.y) - (c.y - a.y) * (b.x - a.x)) / den;
            // Proper crossings only: touching at an end is already a shared vertex (or within tolerance).
            constexpr double eps = 1e-9;
            if (t <= eps || t >= 1 - eps || u <= eps || u >= 1 - eps) continue;
            const Pt2 x{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
            inserts.emplace_back(segs[i].line, segs[i].k, t, x);
            inserts.emplace_back(segs[j].line, segs[j].k, u, x);
            ++crossings;
        }
    }
    std::sort(inserts.begin(), inserts.end(), [](const auto& p, const auto& q) {
        return std::tie(std::get<0>(p), std::get<1>(p), std::get<2>(p)) < std::tie(std::get<0>(q), std::get<1>(q), std::get<2>(q));
    });
    for (std::size_t i = 0; i < inserts.size();) {
        const std::uint32_t l = std::get<0>(inserts[i]);
        std::vector<Pt2> pts;
        std::size_t j = i;
        for (std::uint32_t k = 0; k < lines[l].pts.size(); ++k) {
            pts.push_back(lines[l].pts[k]);
            while (j < inserts.size() && std::get<0>(inserts[j]) == l && std::get<1>(inserts[j]) == k) pts.push_back(std::get<3>(inserts[j++]));
        }
        lines[l].pts = std::move(pts);
        i = j;
    }
    return crossings;
}

// Clusters vertices closer than the tolerance (a grid of cells of that size; the first vertex
// added in a place stands for the cluster: build_road_graph adds them sorted by position first, so
// the clusters do not depend on the order of the lines). The cells are an open-addressing table
// of each cell's first cluster, the others chained in the order they were made.
class VertexClusters {
public:
    explicit VertexClusters(double tolerance) : m_tol(tolerance), m_cell(std::max(tolerance, 1e-6)) {}
    std::uint32_t add(Pt2 p) {
        if (const std::uint32_t c = find(p); c != kNone) return c;
        const auto c = std::uint32_t(points.size());
        points.push_back(p);
        m_next.push_back(kNone);
        if (2 * (m_used + 1) > m_slots.size()) grow();
        Slot& s = slot(key(cell(p.x), cell(p.y)));
        if (s.first == kNone) s.first = c, ++m_used;
        else m_next[s.last] = c;
        s.last = c;
        return c;
    }
    // The first cluster within the tolerance of p (cells in a fixed order, and in each cell in the
    // order made), or kNone. It only reads, so once the clusters are made any thread may ask.
    std::uint32_t find(Pt2 p) const {
        if (m_slots.empty()) return kNone;
        const std::int64_t cx = cell(p.x), cy = cell(p.y);
        for (std::int64_t dx = -1; dx <= 1; ++dx)
            for (std::int64_t dy = -1; dy <= 1; ++dy)
                for (std::uint32_t c = m_slots[index(key(cx + dx, cy + dy))].first; c != kNone; c = m_next[c]) {
                    const Pt2 q = points[c];
                    if (std::hypot(q.x - p.x, q.y - p.y) <= m_tol) return c;
                }
        return kNone;
    }
    static constexpr std::uint32_t kNone = UINT32_MAX;
    std::vector<Pt2> points;

private:
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t first = kNone, last = kNone;
    };
    std::int64_t cell(double v) const { return static_cast<std::int64_t>(std::floor(v / m_cell)); }
    // Cells whose keys collide share a chain, as they shared a list before: the same clusters.
    static std::uint64_t key(std::int64_t x, std::int64_t y) {
        return (static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ull) ^ static_cast<std::uint64_t>(y);
    }
    std::size_t home(std::uint64_t k) const { return std::size_t((k * 0xBF58476D1CE4E5B9ull) >> m_shift); }
    // The slot holding key k, or the empty slot where it would go.
    std::size_t index(std::uint64_t k) const {
        std::size_t i = home(k);
        while (m_slots[i].first != kNone && m_slots[i].key != k) i = (i + 1) & (m_slots.size() - 1);
        return i;
    }
    Slot& slot(std::uint64_t k) {
        Slot& s = m_slots[index(k)];
        s.key = k;
        return s;
    }
    void grow() {
        std::vector<Slot> old = std::move(m_slots);
        m_slots.assign(old.empty() ? 1024 : 2 * old.size(), Slot{});
        m_shift = 64 - std::countr_zero(m_slots.size());
        for (const Slot& s : old)
            if (s.first != kNone) m_slots[index(s.key)] = s;
    }
    double m_tol, m_cell;
    std::vector<Slot> m_slots;
    std::vector<std::uint32_t> m_next;   // the next cluster in the same cell
    std::size_t m_used = 0;
    int m_shift = 64;
};

void build_csr(std::size_t n, const std::vector<RoadPiece>& pieces, bool backward, std::vector<std::uint32_t>& first,
               std::vector<RoadGraph::Arc>& out) {
    struct Raw {
        std::uint32_t tail, head, piece;
    };
    std::vector<Raw> arcs;
    for (std::uint32_t i = 0; i < pieces.size(); ++i) {
        const RoadPiece& p = pieces[i];
        if (p.direction != -1) arcs.push_back({p.from, p.to, i});
        if (p.direction != +1) arcs.push_back({p.to, p.from, i});
    }
    if (backward)
        for (auto& a : arcs) std::swap(a.tail, a.head);
    std::stable_sort(arcs.begin(), arcs.end(), [](const Raw& a, const Raw& b) { return a.tail < b.tail; });
    first.assign(n + 1, 0);
    for (const auto& a : arcs) ++first[a.tail + 1];
    std::partial_sum(first.begin(), first.end(), first.begin());
    out.resize(arcs.size());
    for (std::size_t i = 0; i < arcs.size(); ++i)
        out[i] = {arcs[i].head, arcs[i].piece, pieces[arcs[i].piece].seconds, pieces[arcs[i].piece].length_m};
}

// Union-find over the pieces, then components ranked by length.
void number_components(RoadGraph& g) {
    std::vector<std::uint32_t> parent(g.node_count());
    std::iota(parent.begin(), parent.end(), 0u);
    auto find = [&parent](std::uint32_t v) {
        while (parent[v] != v) v = parent[v] = parent[parent[v]];
        return v;
    };
    for (const auto& p : g.pieces) parent[find(p.from)] = find(p.to);
    struct Comp {
        double km = 0;
        std::uint32_t first_piece = UINT32_MAX, rank = 0;
    };
    std::unordered_map<std::uint32_t, Comp> comps;
    for (std::uint32_t i = 0; i < g.pieces.size(); ++i) {
        Comp& c = comps[find(g.pieces[i].from)];
        c.km += g.pieces[i].length_m / 1000;
        c.first_piece = std::min(c.first_piece, i);
    }
    std::vector<Comp*> order;
    for (auto& [root, c] : comps) order.push_back(&c);
    std::sort(order.begin(), order.end(), [](const Comp* a, const Comp* b) { return std::tie(b->km, a->first_piece) < std::tie(a->km, b->first_piece); });
    g.component_km.clear();
    for (std::size_t i = 0; i < order.size(); ++i) order[i]->rank = std::uint32_t(i + 1), g.component_km.push_back(order[i]->km);
    g.component.resize(g.node_count());
    for (std::uint32_t v = 0; v < g.node_count(); ++v) g.component[v] = comps[find(v)].rank;
}

// work(state, i) for every i in [0, n), in runs of 4,096 on every core (each thread's state made
// by make_state, as in parallel_for): for many small items, each writing only its own results.
template <typename MakeState, typename Work>
void parallel_items(std::size_t n, MakeState make_state, Work work) {
    constexpr std::size_t kRun = 4096;
    parallel_for((n + kRun - 1) / kRun, {}, "", make_state, [&](auto& state, std::size_t run) {
        for (std::size_t i = run * kRun; i < std::min(n, (run + 1) * kRun); ++i) work(state, i);
    });
}

// Each piece's geodesic length (and its points' distances along it) and its travel time at its
// line's speed, on every core: lon/lat through a PROJ transformation of each thread's own.
void measure_pieces(const WorkingCrs& crs, const std::vector<double>& kmh, RoadGraph& g) {
    g.along_m.assign(g.points.size(), 0.0);
    struct Scratch {
        Transformer to_lonlat;
        std::vector<double> xs, ys;
    };
    parallel_items(g.pieces.size(), [&](unsigned) { return Scratch{Transformer(crs), {}, {}}; }, [&](Scratch& s, std::size_t i) {
        RoadPiece& p = g.pieces[i];
        s.xs.clear(), s.ys.clear();
        for (std::uint32_t q = 0; q < p.points; ++q) {
            s.xs.push_back(g.points[p.first_point + q].x);
            s.ys.push_back(g.points[p.first_point + q].y);
        }
        s.to_lonlat.to_lonlat(s.xs, s.ys);
        double along = 0;
        for (std::uint32_t q = 1; q < p.points; ++q) {
            along += geodesic_distance_m(s.xs[q - 1], s.ys[q - 1], s.xs[q], s.ys[q]);
            g.along_m[p.first_point + q] = along;
        }
        p.length_m = along;
        p.seconds = along / (kmh[i] / 3.6);
    });
}

// The same stretch twice (overlapping digitising, or a service way drawn over a street): one piece,
// at the faster of the two speeds (the lower feature id on a tie, so that input order does not
// matter). A stretch is its two nodes and its length to the centimetre; a later piece is the same
// as the first of its stretch when it also has as many points and runs the same way. The pieces
// left, and their points, keep their order.
void drop_duplicate_pieces(RoadGraph& g, GraphReport& rep) {
    struct Key {
        std::uint32_t a, b;
        long long cm;
        std::uint32_t piece;
        bool operator<(const Key& o) const { return std::tie(a, b, cm, piece) < std::tie(o.a, o.b, o.cm, o.piece); }
    };
    std::vector<Key> keys;
    keys.reserve(g.pieces.size());
    for (std::uint32_t i = 0; i < g.pieces.size(); ++i) {
        const RoadPiece& p = g.pieces[i];
        keys.push_back({std::min(p.from, p.to), std::max(p.from, p.to), std::llround(p.length_m * 100), i});
    }
    std::sort(keys.begin(), keys.end());
    std::vector<bool> dropped(g.pieces.size(), false);
    std::size_t n_dropped = 0;
    for (std::size_t first = 0, k = 1; k < keys.size(); ++k) {
        if (std::tie(keys[k].a, keys[k].b, keys[k].cm) != std::tie(keys[first].a, keys[first].b, keys[first].cm)) {
            first = k;
            continue;
        }
        RoadPiece& q = g.pieces[keys[first].piece];
        const RoadPiece& p = g.pieces[keys[k].piece];
        if (q.points != p.points || q.direction != (q.from == p.from ? p.direction : -p.direction)) continue;
        ++rep.duplicates_dropped;
        rep.duplicates_other_speed += p.seconds != q.seconds;
        if (std::make_pair(p.seconds, g.layer_ids[p.feature]) < std::make_pair(q.seconds, g.layer_ids[q.feature])) {
            q.seconds = p.seconds;
            q.layer = p.layer;
            q.feature = p.feature;
        }
        dropped[keys[k].piece] = true;
        ++n_dropped;
    }
    keys = decltype(keys)();
    if (n_dropped > 0) {
        std::size_t kept = 0, point = 0;
        for (std::size_t i = 0; i < g.pieces.size(); ++i) {
            if (dropped[i]) continue;
            RoadPiece p = g.pieces[i];
            std::copy_n(g.points.begin() + p.first_point, p.points, g.points.begin() + long(point));
            std::copy_n(g.along_m.begin() + p.first_point, p.points, g.along_m.begin() + long(point));
            p.first_point = std::uint32_t(point);
            point += p.points;
            g.pieces[kept++] = p;
        }
        g.pieces.resize(kept);
        g.points.resize(point);
        g.along_m.resize(point);
    }
    for (const RoadPiece& p : g.pieces) rep.total_km += p.length_m / 1000;
}

}  // namespace

struct RoadGraphBuilder::Lines {
    std::vector<Line> lines;
};

RoadGraphBuilder::RoadGraphBuilder(const NetworkOptions& options) : m_lines(std::make_unique<Lines>()) {
    m_graph.options = options;
    m_graph.geos = std::make_unique<GeosContext>();
}

RoadGraphBuilder::~RoadGraphBuilder() = default;

// 1. Lines with their speed and direction, one road at a time.
void RoadGraphBuilder::add(const Layer& layer, std::uint32_t road_layer, const Feature& f) {
    const NetworkOptions& options = m_graph.options;
    GraphReport& rep = m_graph.report;
    ++rep.features;
    m_graph.layer_ids.push_back(f.id);
    double kmh = options.fallback_speed_kmh;
    const std::string cls = layer.text(f, "class");
    if (layer.has_field("class")) {
        if (auto it = options.speeds_kmh.find(cls); it != options.speeds_kmh.end())
            kmh = it->second;
        else
            ++rep.unknown_classes[cls.empty() ? "(empty)" : cls];
    }
    if (auto own = layer.number(f, "speed_kmh")) {
        if (plausible_speed_kmh(*own)) kmh = *own;
        else ++rep.bad_speed_values;
    }
    if (kmh <= 0) {
        ++(cls == "ferry" ? rep.ferries_left_out : rep.not_for_cars);
        return;
    }
    if (is_reversible(layer.text(f, "oneway"))) {
        ++rep.reversible_left_out;
        return;
    }
    const std::optional<std::int8_t> oneway = parse_oneway(layer.text(f, "oneway"));
    if (!oneway) ++rep.oneway_unknown;
    const std::int8_t dir = oneway.value_or(0);
    std::vector<std::vector<Pt2>> parts;
    collect_lines(*m_graph.geos, f.geom.get(), parts);
    if (parts.size() > 1) ++rep.multipart_lines;
    for (auto& pts : parts) m_lines->lines.push_back({std::move(pts), kmh, dir, road_layer, std::uint32_t(m_graph.layer_ids.size() - 1)});
}

RoadGraph RoadGraphBuilder::finish(const Study& study, const Progress& progress) {
    const auto roads = study.role("roads");
    if (roads.empty())
        throw Error("the study has no roads layer, so nothing can be routed")
            .with_file(study.config.path)
            .with_hint("add a [layers.roads] section with the road lines.");
    for (const Layer* l : roads)
        if (!l->has_field("class") && !l->has_field("speed_kmh"))
            throw Error("the roads have neither a class nor a speed field, so every travel time would be a guess")
                .with_file(l->info.source)
                .with_layer(l->info.layer_name)
                .with_hint("map class (or speed_kmh) in [layers.roads.fields] of " + study.config.path + ".");

    RoadGraph g = std::move(m_graph);
    const NetworkOptions& options = g.options;
    g.measure = std::make_unique<Measure>(study.crs, *g.geos);
    GraphReport& rep = g.report;
    std::vector<Line> lines = std::move(m_lines->lines);
    rep.lines = lines.size();
    progress.advance(0.2, "road graph: lines");
    if (options.node_crossings) rep.crossings_noded = node_crossings(lines);
    progress.advance(0.4, "road graph: nodes");

    // 2. Vertices to clusters; a cluster is a node when a line ends there or it is used twice.
    VertexClusters clusters(options.snap_tolerance_m);
    {
        std::vector<Pt2> all;
        for (const Line& line : lines) all.insert(all.end(), line.pts.begin(), line.pts.end());
        std::sort(all.begin(), all.end(), [](Pt2 a, Pt2 b) { return std::tie(a.x, a.y) < std::tie(b.x, b.y); });
        for (Pt2 p : all) clusters.add(p);
    }
    // Each line's clusters (consecutive vertices in one cluster are one vertex: a zero-length
    // segment), on every core: every vertex was added above, so this only looks them up.
    std::vector<std::vector<std::uint32_t>> line_clusters(lines.size());
    parallel_items(lines.size(), [](unsigned) { return 0; }, [&](int, std::size_t l) {
        for (const Pt2 p : lines[l].pts) {
            const std::uint32_t c = clusters.find(p);
            if (line_clusters[l].empty() || line_clusters[l].back() != c) line_clusters[l].push_back(c);
        }
    });
    std::vector<std::uint32_t> uses(clusters.points.size(), 0);
    std::vector<bool> is_end(clusters.points.size(), false);
    for (const auto& cl : line_clusters) {
        for (std::uint32_t c : cl) {
            if (c == VertexClusters::kNone) throw Error("internal error: a road vertex is in no cluster");
            ++uses[c];
        }
        if (!cl.empty()) is_end[cl.front()] = is_end[cl.back()] = true;
    }
    std::vector<std::uint32_t> node_of(clusters.points.size(), UINT32_MAX);
    auto node = [&](std::uint32_t c) {
        if (node_of[c] == UINT32_MAX) {
            node_of[c] = std::uint32_t(g.nodes.size());
            g.nodes.push_back(clusters.points[c]);
        }
        return node_of[c];
    };

    // 3. Pieces between nodes: their polylines first, in order; then their geodesic lengths, on
    // every core (each piece's own); then the duplicates out, in order again.
    std::vector<double> piece_kmh;
    for (std::size_t l = 0; l < lines.size(); ++l) {
        const auto& cl = line_clusters[l];
        if (cl.size() < 2) {
            ++rep.zero_length_dropped;
            continue;
        }
        std::size_t start = 0;
        for (std::size_t k = 1; k < cl.size(); ++k) {
            if (!(is_end[cl[k]] || uses[cl[k]] > 1 || k + 1 == cl.size())) continue;
            RoadPiece p;
            p.from = node(cl[start]);
            p.to = node(cl[k]);
            p.direction = lines[l].direction;
            p.layer = lines[l].layer;
            p.feature = lines[l].feature;
            p.first_point = std::uint32_t(g.points.size());
            p.points = std::uint32_t(k - start + 1);
            for (std::size_t q = start; q <= k; ++q) g.points.push_back(clusters.points[cl[q]]);
            g.pieces.push_back(p);
            piece_kmh.push_back(lines[l].kmh);
            start = k;
        }
    }
    progress.advance(0.5, "road graph: lengths");
    measure_pieces(study.crs, piece_kmh, g);
    drop_duplicate_pieces(g, rep);
    progress.advance(0.7, "road graph: arcs");
    // What steps 1 to 3 needed goes before the arrays below are made; what they grew is cut to size.
    lines = decltype(lines)();
    line_clusters = decltype(line_clusters)();
    clusters = VertexClusters(options.snap_tolerance_m);
    uses = decltype(uses)();
    node_of = decltype(node_of)();
    g.nodes.shrink_to_fit();
    g.points.shrink_to_fit();
    g.pieces.shrink_to_fit();
    g.along_m.shrink_to_fit();
    g.layer_ids.shrink_to_fit();

    // 4. CSR both ways, and the segment index for snapping.
    build_csr(g.nodes.size(), g.pieces, false, g.first_out, g.out_arcs);
    build_csr(g.nodes.size(), g.pieces, true, g.first_in, g.in_arcs);
    g.index = std::make_unique<SegmentIndex>(*g.geos);
    const std::size_t segments = g.points.size() - g.pieces.size();   // every piece has one point more than segments
    g.index->reserve(segments);
    g.segment_point.reserve(segments);
    for (std::uint32_t i = 0; i < g.pieces.size(); ++i) {
        const RoadPiece& p = g.pieces[i];
        for (std::uint32_t k = 0; k + 1 < p.points; ++k) {
            const Pt2 a = g.points[p.first_point + k], b = g.points[p.first_point + k + 1];
            g.index->add_segment(a.x, a.y, b.x, b.y, i);
            g.segment_point.push_back(p.first_point + k);
        }
    }
    g.index->build();
    number_components(g);
    rep.nodes = g.nodes.size();
    rep.pieces = g.pieces.size();
    rep.arcs = g.out_arcs.size();
    progress.advance(1.0, "road graph");
    return g;
}

RoadGraph build_road_graph(const Study& study, const NetworkOptions& options, const Progress& progress) {
    RoadGraphBuilder builder(options);
    const auto roads = study.role("roads");
    for (std::uint32_t li = 0; li < roads.size(); ++li)
        for (const Feature& f : roads[li]->features) builder.add(*roads[li], li, f);
    return builder.finish(study, progress);
}

}  // namespace townsite
