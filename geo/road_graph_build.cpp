// build_road_graph: the road layers as a routable graph (lines split into parts, crossings noded
// on request, vertices that coincide merged, pieces between junctions, CSR arcs both ways).
#include "geo/road_graph.h"

#include "geo/error.h"

#include <algorithm>
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
// the clusters do not depend on the order of the lines).
class VertexClusters {
public:
    explicit VertexClusters(double tolerance) : m_tol(tolerance), m_cell(std::max(tolerance, 1e-6)) {}
    std::uint32_t add(Pt2 p) {
        const auto cx = static_cast<std::int64_t>(std::floor(p.x / m_cell));
        const auto cy = static_cast<std::int64_t>(std::floor(p.y / m_cell));
        for (std::int64_t dx = -1; dx <= 1; ++dx)
            for (std::int64_t dy = -1; dy <= 1; ++dy) {
                auto it = m_grid.find(key(cx + dx, cy + dy));
                if (it == m_grid.end()) continue;
                for (std::uint32_t c : it->second) {
                    const Pt2 q = points[c];
                    if (std::hypot(q.x - p.x, q.y - p.y) <= m_tol) return c;
                }
            }
        points.push_back(p);
        m_grid[key(cx, cy)].push_back(std::uint32_t(points.size() - 1));
        return std::uint32_t(points.size() - 1);
    }
    std::vector<Pt2> points;

private:
    static std::uint64_t key(std::int64_t x, std::int64_t y) {
        return (static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ull) ^ static_cast<std::uint64_t>(y);
    }
    double m_tol, m_cell;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> m_grid;
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
    std::vector<std::vector<std::uint32_t>> line_clusters(lines.size());
    std::vector<std::uint32_t> uses;
    std::vector<bool> is_end;
    for (std::size_t l = 0; l < lines.size(); ++l) {
        for (std::size_t k = 0; k < lines[l].pts.size(); ++k) {
            const std::uint32_t c = clusters.add(lines[l].pts[k]);
            if (c >= uses.size()) uses.resize(c + 1, 0), is_end.resize(c + 1, false);
            // Consecutive vertices in one cluster are one vertex (a zero-length segment).
            if (!line_clusters[l].empty() && line_clusters[l].back() == c) continue;
            line_clusters[l].push_back(c);
            ++uses[c];
        }
        if (!line_clusters[l].empty()) is_end[line_clusters[l].front()] = is_end[line_clusters[l].back()] = true;
    }
    std::vector<std::uint32_t> node_of(clusters.points.size(), UINT32_MAX);
    auto node = [&](std::uint32_t c) {
        if (node_of[c] == UINT32_MAX) {
            node_of[c] = std::uint32_t(g.nodes.size());
            g.nodes.push_back(clusters.points[c]);
        }
        return node_of[c];
    };

    // 3. Pieces between nodes, with geodesic lengths.
    const Transformer to_lonlat(study.crs);
    std::map<std::tuple<std::uint32_t, std::uint32_t, long long>, std::uint32_t> seen;  // duplicate detection
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
            std::vector<double> xs, ys;
            for (std::size_t q = start; q <= k; ++q) {
                g.points.push_back(clusters.points[cl[q]]);
                xs.push_back(clusters.points[cl[q]].x);
                ys.push_back(clusters.points[cl[q]].y);
            }
            to_lonlat.to_lonlat(xs, ys);
            double along = 0;
            g.along_m.push_back(0);
            for (std::size_t q = 1; q < xs.size(); ++q) {
                along += geodesic_distance_m(xs[q - 1], ys[q - 1], xs[q], ys[q]);
                g.along_m.push_back(along);
            }
            p.points = std::uint32_t(k - start + 1);
            p.length_m = along;
            p.seconds = along / (lines[l].kmh / 3.6);
            // The same stretch twice (overlapping digitising, or a service way drawn over a street):
            // one piece, at the faster of the two speeds (the lower feature id on a tie, so that
            // input order does not matter).
            const auto key = std::make_tuple(std::min(p.from, p.to), std::max(p.from, p.to), std::llround(along * 100));
            RoadPiece* same = nullptr;
            if (auto it = seen.find(key); it != seen.end()) {
                RoadPiece& q = g.pieces[it->second];
                if (q.points == p.points && q.direction == (q.from == p.from ? p.direction : -p.direction)) same = &q;
            }
            if (same) {
                ++rep.duplicates_dropped;
                rep.duplicates_other_speed += p.seconds != same->seconds;
                if (std::make_pair(p.seconds, g.layer_ids[p.feature]) < std::make_pair(same->seconds, g.layer_ids[same->feature])) {
                    same->seconds = p.seconds;
                    same->layer = p.layer;
                    same->feature = p.feature;
                }
                g.points.resize(p.first_point);
                g.along_m.resize(p.first_point);
            } else {
                seen.emplace(key, std::uint32_t(g.pieces.size()));
                g.pieces.push_back(p);
                rep.total_km += along / 1000;
            }
            start = k;
        }
    }
    progress.advance(0.7, "road graph: arcs");
    // What steps 1 to 3 needed goes before the arrays below are made; what they grew is cut to size.
    lines = decltype(lines)();
    line_clusters = decltype(line_clusters)();
    seen = decltype(seen)();
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
