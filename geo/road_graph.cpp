#include "geo/road_graph.h"

#include "geo/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace townsite {

namespace {
// Nearer than this to a node is at the node, even with snap_tolerance_m = 0 (rounding in the
// nearest-point arithmetic).
constexpr double kAtNodeM = 1e-3;
}  // namespace

const std::map<std::string, double>& default_speeds_kmh() {
    // Typical free-flow speeds for rural China (the design speeds of JTG B01 classes, rounded down
    // for mixed traffic), and for OSM highway=* values. 0: not for motor vehicles.
    static const std::map<std::string, double> speeds = {
        {"高速公路", 100}, {"高速", 100}, {"expressway", 100},
        {"国道", 70},     {"G", 70},     {"national", 70},
        {"省道", 60},     {"S", 60},     {"provincial", 60},
        {"县道", 50},     {"X", 50},     {"county", 50},
        {"乡道", 40},     {"Y", 40},     {"township", 40},
        {"村道", 30},     {"C", 30},     {"village", 30},
        {"专用公路", 40}, {"Z", 40},
        {"城市道路", 30}, {"街道", 30},
        {"motorway", 100}, {"motorway_link", 60}, {"trunk", 80}, {"trunk_link", 50},
        {"primary", 60}, {"primary_link", 40}, {"secondary", 50}, {"secondary_link", 40},
        {"tertiary", 40}, {"tertiary_link", 30}, {"unclassified", 30}, {"residential", 25},
        {"living_street", 10}, {"service", 15}, {"track", 15}, {"road", 30},
        {"footway", 0}, {"path", 0}, {"cycleway", 0}, {"steps", 0}, {"pedestrian", 0},
        {"bridleway", 0}, {"corridor", 0}, {"proposed", 0}, {"construction", 0}, {"platform", 0},
        {"ferry", 0},  // route=ferry ways of OSM data: out unless given a speed
    };
    return speeds;
}

const Options<NetworkOptions>& network_option_table() {
    static const Options<NetworkOptions> s =
        Options<NetworkOptions>("network", "the road graph: snapping, speeds",
                                [] {
                                    NetworkOptions d;
                                    d.speeds_kmh = default_speeds_kmh();
                                    return d;
                                })
            .number("snap_tolerance_m", &NetworkOptions::snap_tolerance_m, 0, 100, "m", "vertices closer than this are one node")
            .flag("node_crossings", &NetworkOptions::node_crossings, "also join roads where they cross (data without shared vertices)")
            .number("fallback_speed_kmh", &NetworkOptions::fallback_speed_kmh, 1, 200, "km/h", "speed of road classes the table does not know")
            .number("offroad_speed_kmh", &NetworkOptions::offroad_speed_kmh, 1, 100, "km/h", "from a point to the road (walking)")
            .number("max_snap_m", &NetworkOptions::max_snap_m, 0, 100000, "m", "farther than this from every road: unreachable")
            .number_map("speeds", &NetworkOptions::speeds_kmh, 0, 200, "km/h",
                        "[network.speeds] class = km/h, over the built-in table (0 leaves the class out of the network)");
    return s;
}

NetworkOptions network_options(const StudyConfig& config) { return network_option_table().read(config); }

Snap::Legs Snap::legs(const RoadGraph& g, bool leaving) const {
    Legs out;
    if (!ok) return out;
    if (node != kNoNode) {
        out.leg[out.n++] = {node, offroad_s, snap_m};
        return out;
    }
    const RoadPiece& p = g.pieces[piece];
    const double to_from_m = offset_m, to_to_m = p.length_m - offset_m;
    const double per_m = p.length_m > 0 ? p.seconds / p.length_m : 0;
    // Leaving toward `from` goes against the piece; arriving from `from` goes with it.
    const bool toward_from_ok = leaving ? p.direction != +1 : p.direction != -1;
    const bool toward_to_ok = leaving ? p.direction != -1 : p.direction != +1;
    if (toward_from_ok) out.leg[out.n++] = {p.from, offroad_s + to_from_m * per_m, snap_m + to_from_m};
    if (toward_to_ok) out.leg[out.n++] = {p.to, offroad_s + to_to_m * per_m, snap_m + to_to_m};
    return out;
}

Snap::Legs Snap::legs_any(const RoadGraph& g) const {
    Legs out;
    if (!ok) return out;
    if (node != kNoNode) return legs(g, true);
    const RoadPiece& p = g.pieces[piece];
    const double per_m = p.length_m > 0 ? p.seconds / p.length_m : 0;
    out.leg[out.n++] = {p.from, offroad_s + offset_m * per_m, snap_m + offset_m};
    out.leg[out.n++] = {p.to, offroad_s + (p.length_m - offset_m) * per_m, snap_m + p.length_m - offset_m};
    return out;
}

std::vector<Pt2> RoadGraph::stretch(std::uint32_t piece, double a_m, double b_m) const {
    const RoadPiece& p = pieces[piece];
    if (a_m > b_m) std::swap(a_m, b_m);
    auto at = [&](double m) {
        std::uint32_t k = 0;
        while (k + 2 < p.points && along_m[p.first_point + k + 1] < m) ++k;
        const double l0 = along_m[p.first_point + k], l1 = along_m[p.first_point + k + 1];
        const double t = l1 > l0 ? std::clamp((m - l0) / (l1 - l0), 0.0, 1.0) : 0.0;
        const Pt2 u = points[p.first_point + k], v = points[p.first_point + k + 1];
        return std::make_pair(k, Pt2{u.x + t * (v.x - u.x), u.y + t * (v.y - u.y)});
    };
    const auto [ka, pa] = at(a_m);
    const auto [kb, pb] = at(b_m);
    std::vector<Pt2> out{pa};
    for (std::uint32_t k = ka + 1; k <= kb; ++k) out.push_back(points[p.first_point + k]);
    out.push_back(pb);
    return out;
}

GeomPtr line_geometry(const GeosContext& geos, const std::vector<Pt2>& pts) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.get(), unsigned(pts.size()), 2);
    for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(geos.get(), seq, i, pts[i].x, pts[i].y);
    return geos.own(GEOSGeom_createLineString_r(geos.get(), seq));
}

std::vector<std::uint32_t> RoadGraph::degree() const {
    std::vector<std::uint32_t> d(nodes.size(), 0);
    for (const auto& p : pieces) ++d[p.from], ++d[p.to];
    return d;
}

Snap RoadGraph::snap(double x, double y) const {
    Snap s;
    if (!index || index->size() == 0) return s;
    const SegmentIndex::Hit hit = index->nearest(x, y);
    if (!hit.found) return s;
    s.snap_m = measure->distance_m(x, y, hit.x, hit.y);
    s.piece = hit.owner;
    s.x = hit.x;
    s.y = hit.y;
    const std::uint32_t k = segment_point[hit.segment];
    s.offset_m = along_m[k] + measure->distance_m(points[k].x, points[k].y, hit.x, hit.y);
    s.offset_m = std::min(s.offset_m, pieces[s.piece].length_m);
    // At a node: the point itself within the tolerance of one, or its nearest road point. Several
    // pieces are then equally near and the index's pick among them must not matter.
    const double tolerance = std::max(options.snap_tolerance_m, kAtNodeM);
    PointIndex::Hit at = node_index->nearest(x, y);
    if (!at.found || at.distance > tolerance) at = node_index->nearest(hit.x, hit.y);
    if (at.found && at.distance <= tolerance) {
        s.node = at.id;
        s.x = nodes[at.id].x;
        s.y = nodes[at.id].y;
        s.snap_m = measure->distance_m(x, y, s.x, s.y);
        s.piece = UINT32_MAX;
        for (const auto* arcs : {&out_arcs, &in_arcs}) {
            const auto& first = arcs == &out_arcs ? first_out : first_in;
            for (std::uint32_t a = first[at.id]; a < first[at.id + 1]; ++a) s.piece = std::min(s.piece, (*arcs)[a].piece);
        }
        s.offset_m = pieces[s.piece].from == at.id ? 0 : pieces[s.piece].length_m;
    }
    s.offroad_s = s.snap_m / (options.offroad_speed_kmh / 3.6);
    s.ok = s.snap_m <= options.max_snap_m;
    return s;
}

namespace {

struct Line {
    std::vector<Pt2> pts;
    double kmh;
    std::int8_t direction;
    std::uint32_t layer, feature;
};

void collect_lines(const GeosContext& geos, const GEOSGeometry* g, std::vector<std::vector<Pt2>>& out) {
    GEOSContextHandle_t ctx = geos.get();
    const int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, g);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(ctx, seq, &n);
        std::vector<Pt2> pts(n);
        for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx, seq, i, &pts[i].x, &pts[i].y);
        out.push_back(std::move(pts));
    } else if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0, n = GEOSGetNumGeometries_r(ctx, g); i < n; ++i) collect_lines(geos, GEOSGetGeometryN_r(ctx, g, i), out);
    }
}

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

RoadGraph build_road_graph(const Study& study, const NetworkOptions& options, const Progress& progress) {
    RoadGraph g;
    g.options = options;
    g.geos = std::make_unique<GeosContext>();
    g.measure = std::make_unique<Measure>(study.crs, *g.geos);
    GraphReport& rep = g.report;
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

    // 1. Lines with their speed and direction.
    std::vector<Line> lines;
    for (std::uint32_t li = 0; li < roads.size(); ++li) {
        const Layer& layer = *roads[li];
        for (std::uint32_t fi = 0; fi < layer.features.size(); ++fi) {
            const Feature& f = layer.features[fi];
            ++rep.features;
            g.layer_ids.push_back(f.id);
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
                continue;
            }
            if (is_reversible(layer.text(f, "oneway"))) {
                ++rep.reversible_left_out;
                continue;
            }
            const std::optional<std::int8_t> oneway = parse_oneway(layer.text(f, "oneway"));
            if (!oneway) ++rep.oneway_unknown;
            const std::int8_t dir = oneway.value_or(0);
            std::vector<std::vector<Pt2>> parts;
            collect_lines(*study.geos, f.geom.get(), parts);
            if (parts.size() > 1) ++rep.multipart_lines;
            for (auto& pts : parts) lines.push_back({std::move(pts), kmh, dir, li, std::uint32_t(g.layer_ids.size() - 1)});
        }
    }
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

    // 4. CSR both ways, and the segment index for snapping.
    build_csr(g.nodes.size(), g.pieces, false, g.first_out, g.out_arcs);
    build_csr(g.nodes.size(), g.pieces, true, g.first_in, g.in_arcs);
    g.index = std::make_unique<SegmentIndex>(*g.geos);
    for (std::uint32_t i = 0; i < g.pieces.size(); ++i) {
        const RoadPiece& p = g.pieces[i];
        for (std::uint32_t k = 0; k + 1 < p.points; ++k) {
            const Pt2 a = g.points[p.first_point + k], b = g.points[p.first_point + k + 1];
            g.index->add_segment(a.x, a.y, b.x, b.y, i);
            g.segment_point.push_back(p.first_point + k);
        }
    }
    g.index->build();
    g.node_index = std::make_unique<PointIndex>();
    for (std::uint32_t v = 0; v < g.nodes.size(); ++v) g.node_index->add(g.nodes[v].x, g.nodes[v].y, v);
    g.node_index->build();
    number_components(g);
    rep.nodes = g.nodes.size();
    rep.pieces = g.pieces.size();
    rep.arcs = g.out_arcs.size();
    progress.advance(1.0, "road graph");
    return g;
}

// ------------------------------------------------------------------------------------------ Router

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
constexpr std::uint32_t kSettled = UINT32_MAX;
constexpr std::uint32_t kOutside = UINT32_MAX - 1;  // touched in this run, not in the heap
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
                 const std::vector<std::uint32_t>* needed) {
    // Dijkstra with an indexed 4-ary heap (decrease-key, no stale entries). Labels are valid where
    // stamp == m_run, so nothing is cleared between runs.
    ++m_run;
    m_touched.clear();
    m_heap.clear();
    // key/other: the metric's value and the other one; pred: where the route came from (length mode).
    auto relax = [&](std::uint32_t v, double key, double other, std::uint32_t origin, std::uint32_t pred,
                     std::uint32_t piece) {
        Label& l = m_label[v];
        if (l.stamp != m_run) {
            l.stamp = m_run;
            l.pos = kOutside;
            m_touched.push_back(v);
        } else if (key >= l.key || l.pos == kSettled) {
            return;
        }
        l.key = key;
        l.other = other;
        l.origin = origin;
        if (m_length) m_pred_node[v] = pred, m_pred_piece[v] = piece;
        heap_update(v);
    };
    // Seeds come as (node, seconds, metres, origin).
    for (const auto& s : seeds) {
        const double key = m_length ? s[2] : s[1], other = m_length ? s[1] : s[2];
        if (key <= max_key) relax(static_cast<std::uint32_t>(s[0]), key, other, static_cast<std::uint32_t>(s[3]), UINT32_MAX, UINT32_MAX);
    }
    std::size_t left = 0;
    if (needed)
        for (std::uint32_t v : *needed)
            if (m_label[v].needed != m_run) m_label[v].needed = m_run, ++left;
    // Time follows the arcs (one-way roads one way); length uses both directions of every road.
    const std::uint32_t* first = reversed ? m_g.first_in.data() : m_g.first_out.data();
    const RoadGraph::Arc* arcs = reversed ? m_g.in_arcs.data() : m_g.out_arcs.data();
    const std::uint32_t* first2 = reversed ? m_g.first_out.data() : m_g.first_in.data();
    const RoadGraph::Arc* arcs2 = reversed ? m_g.out_arcs.data() : m_g.in_arcs.data();
    while (!m_heap.empty()) {
        const std::uint32_t v = heap_pop();
        const Label& l = m_label[v];
        if (needed && l.needed == m_run && --left == 0) break;
        const double key = l.key, other = l.other;
        const std::uint32_t origin = l.origin;
        if (!m_length) {
            for (std::uint32_t a = first[v]; a < first[v + 1]; ++a) {
                const double nk = key + arcs[a].seconds;
                if (nk <= max_key) relax(arcs[a].head, nk, other + arcs[a].metres, origin, v, arcs[a].piece);
            }
            continue;
        }
        for (int pass = 0; pass < 2; ++pass) {
            const std::uint32_t* f = pass == 0 ? first : first2;
            const RoadGraph::Arc* arc = pass == 0 ? arcs : arcs2;
            for (std::uint32_t a = f[v]; a < f[v + 1]; ++a) {
                const double nk = key + arc[a].metres;
                if (nk <= max_key) relax(arc[a].head, nk, other + arc[a].seconds, origin, v, arc[a].piece);
            }
        }
    }
}

void Router::set_seeds(const std::vector<Snap>& sources) {
    m_seeds = sources;
    m_seeds_on_piece.clear();
    for (std::uint32_t i = 0; i < sources.size(); ++i)
        if (sources[i].ok && sources[i].node == Snap::kNoNode) m_seeds_on_piece.emplace(sources[i].piece, i);
}

void Router::run_to_until(const Snap& target, const std::vector<std::uint32_t>& needed) {
    set_seeds({target});
    std::vector<std::array<double, 4>> seeds;
    for (const auto& leg : target.legs(m_g, false)) seeds.push_back({double(leg.node), leg.seconds, leg.metres, 0.0});
    run(seeds, true, kUnreachable, &needed);
}

void Router::run_from_many(const std::vector<Snap>& sources, bool reversed, Bound bound) {
    set_seeds(sources);
    std::vector<std::array<double, 4>> seeds;
    for (std::size_t i = 0; i < sources.size(); ++i)
        for (const auto& leg : m_length ? sources[i].legs_any(m_g) : sources[i].legs(m_g, !reversed))
            seeds.push_back({double(leg.node), leg.seconds, leg.metres, double(i)});
    run(seeds, reversed, bound_value(bound));
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
