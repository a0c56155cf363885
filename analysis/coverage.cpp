#include "analysis/coverage.h"

#include "analysis/land.h"
#include "geo/error.h"
#include "geo/lines.h"
#include "geo/parallel.h"
#include "geo/spatial_index.h"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <set>

namespace townsite {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

const char* utility_zh(const std::string& utility) {
    if (utility == "water") return "供水";
    if (utility == "gas") return "燃气";
    if (utility == "heating") return "供热";
    if (utility == "sewage") return "污水";
    return "垃圾转运";
}

std::string status_text(Lang lang, const std::string& status) {
    if (status == "served") return say(lang, "已覆盖", "served");
    if (status == "partial") return say(lang, "部分覆盖", "partial");
    if (status == "none") return say(lang, "未覆盖", "none");
    return say(lang, "无数据", "no data");
}

std::string utility_label(const std::string& utility, Lang lang) { return say(lang, utility_zh(utility), utility); }

const std::vector<std::string>& utility_names() {
    static const std::vector<std::string> names = {"water", "gas", "heating", "sewage", "garbage"};
    return names;
}

const Options<CoverageOptions>& coverage_option_table() {
    static const Options<UtilityRule> utility =
        Options<UtilityRule>("utility", "one utility's service distances")
            .number("line_service_m", &UtilityRule::line_service_m, 0, 10000, "m", "a line (main, pipe) serves the plots within this distance")
            .number("plant_radius_m", &UtilityRule::plant_radius_m, 0, 50000, "m", "a plant or station without radius_m serves this far");
    static const Options<CoverageOptions> s = [] {
        Options<CoverageOptions> o("coverage", "utility coverage of towns and villages, gaps and network extensions");
        o.number("served_share", &CoverageOptions::served_share, 0.01, 1, "", "status \"served\" at or above this share of the town's area")
            .number("builtup_people_per_km2", &CoverageOptions::builtup_people_per_km2, 100, 100000, "persons/km²",
                    "density that sizes the circle of a town given as a point")
            .number("min_radius_m", &CoverageOptions::min_radius_m, 10, 20000, "m", "smallest circle of a town given as a point")
            .number("max_radius_m", &CoverageOptions::max_radius_m, 10, 50000, "m", "largest circle of a town given as a point")
            .number("max_town_polygon_km2", &CoverageOptions::max_town_polygon_km2, 0.1, 100000, "km²",
                    "a town polygon larger than this is a township's territory, not its built-up area: the town gets a circle instead")
            .number("village_road_km", &CoverageOptions::village_road_km, 0, 200, "km", "villages this far from their town by road are looked at")
            .number("protected_m", &CoverageOptions::protected_m, 0, 10000, "m", "extensions passing this close to a protected site are flagged")
            .number("max_extension_km", &CoverageOptions::max_extension_km, 0.1, 1000, "km", "longer connections are not proposed (reported instead)");
        for (const auto& u : utility_names())
            o.table<UtilityRule>(u, [u](CoverageOptions& c) -> UtilityRule& { return c.utilities[u]; }, utility,
                                 std::string(utility_zh(u)) + ": [coverage." + u + "]");
        return o;
    }();
    return s;
}

CoverageOptions coverage_options(const StudyConfig& config) { return coverage_option_table().read(config); }

namespace {

using P = bg::model::d2::point_xy<double>;
using Box = bg::model::box<P>;
using Tree = bgi::rtree<std::pair<Box, std::uint32_t>, bgi::rstar<16>>;

Box envelope(const GeosContext& geos, const GEOSGeometry* g, double grow = 0) {
    const GeosContext::Extent e = geos.extent(g);
    return Box(P(e.x0 - grow, e.y0 - grow), P(e.x1 + grow, e.y1 + grow));
}

// One utility's features, indexed by their served extent.
struct Network {
    struct Item {
        const GEOSGeometry* geom;
        int dim;        // 0 plant, 1 line, 2 service-area polygon
        double reach;   // served within this of the feature: working-CRS units (metres on the ground times the local scale)
    };
    std::vector<Item> items;
    double line_m = 0;  // the lines' reach on the ground
    Tree tree;
    std::unique_ptr<SegmentIndex> nearest;

    // Whether a point lies in the served area.
    bool serves(const GeosContext& geos, double x, double y) const {
        std::vector<std::pair<Box, std::uint32_t>> found;
        tree.query(bgi::intersects(P(x, y)), std::back_inserter(found));
        if (found.empty()) return false;
        GeomPtr p = geos.point(x, y);
        for (const auto& f : found) {
            double d = 1e300;
            GEOSDistance_r(geos.get(), items[f.second].geom, p.get(), &d);
            if (d <= items[f.second].reach) return true;
        }
        return false;
    }
    // The served area near a box, in parts that may overlap: the buffers of the features that reach
    // into it. The lines are cut to the box (with their reach around it), joined where they meet
    // (`join_at_ends`) and each joined line buffered by `line_band`, their reach at the box (metres on
    // the ground times the scale there): the same area as a buffer of every line, with far fewer
    // edges (no round ends overlapping where one pipe meets the next).
    std::vector<GeomPtr> served_near(const GeosContext& geos, const Box& box, double line_band) const {
        // The index holds each line grown by its reach at the line's own point; the band at the box
        // may be a little wider (the working CRS's scale changes by a few percent across a country,
        // far less along one pipe).
        const double slack = 0.05 * line_band;
        const Box wide(P(box.min_corner().x() - slack, box.min_corner().y() - slack), P(box.max_corner().x() + slack, box.max_corner().y() + slack));
        std::vector<std::pair<Box, std::uint32_t>> found;
        tree.query(bgi::intersects(wide), std::back_inserter(found));
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        std::vector<GeomPtr> buffers;
        std::vector<std::vector<Pt2>> lines;
        for (const auto& f : found) {
            const Item& it = items[f.second];
            if (it.dim == 1) {
                // Only the stretch of a long pipe near the box matters: clip before buffering.
                const double around = it.reach > 0 ? std::max(it.reach, line_band) : 0;
                GeomPtr part = geos.own(GEOSClipByRect_r(geos.get(), it.geom, box.min_corner().x() - around, box.min_corner().y() - around,
                                                         box.max_corner().x() + around, box.max_corner().y() + around));
                if (!part || GEOSisEmpty_r(geos.get(), part.get())) continue;
                if (it.reach > 0) collect_lines(geos, part.get(), lines);
                else buffers.push_back(std::move(part));
                continue;
            }
            GeomPtr part = geos.own(GEOSGeom_clone_r(geos.get(), it.geom));
            buffers.push_back(it.reach > 0 ? geos.own(GEOSBuffer_r(geos.get(), part.get(), it.reach, 8)) : std::move(part));
        }
        for (const auto& line : join_at_ends(std::move(lines)))
            buffers.push_back(geos.own(GEOSBuffer_r(geos.get(), line_geometry(geos, line).get(), line_band, 8)));
        return buffers;
    }
};

// How close a plant must be to a line of its utility to count as part of that network (m).
constexpr double kPlantOnNetwork_m = 50;

Network build_network(const Study& study, const Measure& measure, const std::string& utility, const UtilityRule& rule,
                      UtilitySummary& sum) {
    Network net;
    net.line_m = rule.line_service_m;
    const GeosContext& geos = *study.geos;
    GEOSContextHandle_t ctx = geos.get();
    // Lines first: a plant joined to a line is a point of that network, not a stand-alone plant.
    SegmentIndex lines(geos);
    for (const Layer* l : study.role(utility))
        for (const Feature& f : l->features)
            if (GEOSGeom_getDimensions_r(ctx, f.geom.get()) == 1) lines.add(f.geom.get(), 0);
    lines.build();
    std::vector<std::pair<Box, std::uint32_t>> boxes;
    for (const Layer* l : study.role(utility)) {
        sum.has_data = true;
        for (const Feature& f : l->features) {
            const int dim = GEOSGeom_getDimensions_r(ctx, f.geom.get());
            double reach = rule.line_service_m;
            if (dim == 0) {
                ++sum.plants;
                double x = 0, y = 0;
                geos.representative_point(f.geom.get(), x, y);
                const SegmentIndex::Hit hit = lines.size() ? lines.nearest(x, y) : SegmentIndex::Hit{};
                if (hit.found && hit.distance <= kPlantOnNetwork_m) {
                    ++sum.plants_on_network;  // serves through its lines, like any point of them
                } else if (const auto r = l->number(f, "radius_m"); r && *r > 0) {
                    reach = *r;
                } else {
                    reach = rule.plant_radius_m;
                    ++sum.plants_default_radius;
                }
            } else if (dim == 2) {
                reach = 0;
                ++sum.polygons;
            } else {
                ++sum.lines;
            }
            if (reach > 0) {
                double x = 0, y = 0;
                geos.representative_point(f.geom.get(), x, y);
                reach *= measure.scale(x, y);
            }
            boxes.emplace_back(envelope(geos, f.geom.get(), reach), std::uint32_t(net.items.size()));
            geos.share(f.geom.get());   // the towns' threads read it
            net.items.push_back({f.geom.get(), dim, reach});
        }
    }
    net.tree = Tree(boxes.begin(), boxes.end());
    net.nearest = std::make_unique<SegmentIndex>(geos);
    for (std::uint32_t i = 0; i < net.items.size(); ++i) {
        const Network::Item& it = net.items[i];
        if (it.dim == 0) {
            double x = 0, y = 0;
            geos.representative_point(it.geom, x, y);
            net.nearest->add_segment(x, y, x, y, i);
        } else {
            net.nearest->add(it.geom, i);
        }
    }
    net.nearest->build();
    return net;
}

// Geodesic distance from a point to the nearest feature of the network (its line, or its plant).
double network_distance(const Network& net, const Measure& measure, double x, double y) {
    if (net.nearest->size() == 0) return NAN;
    const SegmentIndex::Hit hit = net.nearest->nearest(x, y);
    return hit.found ? measure.distance_m(x, y, hit.x, hit.y) : NAN;
}

double largest_part_point(const GeosContext& geos, const GEOSGeometry* g, const Measure& measure, double& x, double& y) {
    double best = -1;
    for (int i = 0, n = GEOSGetNumGeometries_r(geos.get(), g); i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(geos.get(), g, i);
        const double a = measure.area_m2(part);
        if (a > best) best = a, geos.representative_point(part, x, y);
    }
    return best;
}

// A point to connect: a village, or the gap of the town.
struct Terminal {
    Snap snap;
    double px = 0, py = 0;   // the point itself (the pipe runs from the road to it)
    std::string village;     // empty for the gap
    double population = 0;
};

struct TownArea {
    GeomPtr area;
    PreparedPtr prepared;
};

using PointTree = bgi::rtree<std::pair<P, std::uint32_t>, bgi::rstar<16>>;

// What a town's served area gives, for one utility.
struct Served {
    UtilityCoverage c;
    GeomPtr gap;          // the town area the network does not serve
    Terminal terminal;    // the gap's largest part, snapped to the roads (snap.ok false: none)
};

// The served share of a town's area and people, and its gap. Reads the network, the town's area and
// the villages; writes nothing shared (the town's prepared area is this town's alone).
Served serve(const GeosContext& geos, const Measure& measure, const Network& net, const Settlement& town, const TownArea& t, double area_km2,
             const std::vector<Settlement>& villages, const PointTree& village_tree, const CoverageOptions& opt, const RoadGraph& g) {
    GEOSContextHandle_t ctx = geos.get();
    Served out;
    UtilityCoverage& c = out.c;
    c.seat_to_network_m = network_distance(net, measure, town.x, town.y);
    // The gap: the town area less each served part that meets it, in turn. Never uniting the parts
    // keeps every overlay as small as the town (a union of the parts reaches their whole extent), and
    // the first part that holds the whole town ends it. A town no part meets keeps all its area as
    // the gap, and its share is exactly 0. The largest parts go first (the gap shrinks soonest and
    // more often ends empty), and a part that misses the gap's box is passed over without an overlay
    // (on the sample: 19,400 overlays, not 25,300).
    // (The town's area is prepared here, not through t.prepared: the segment index an intersects
    // test builds would stay with every town till the end of coverage, half a GiB for a country.)
    GeomPtr gap = geos.own(GEOSGeom_clone_r(ctx, t.area.get()));
    const PreparedPtr area = geos.prepare(t.area.get());
    std::vector<GeomPtr> parts = net.served_near(geos, envelope(geos, t.area.get()), net.line_m * measure.scale(town.x, town.y));
    std::vector<std::pair<double, std::size_t>> largest;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        double a = 0;
        GEOSArea_r(ctx, parts[k].get(), &a);
        largest.emplace_back(-a, k);
    }
    std::sort(largest.begin(), largest.end());
    bool cut = false;
    for (const auto& [minus_area, k] : largest) {
        const GEOSGeometry* part = parts[k].get();
        if (GEOSisEmpty_r(ctx, gap.get())) break;
        if (!bg::intersects(envelope(geos, gap.get()), envelope(geos, part))) continue;
        if (GEOSPreparedIntersects_r(ctx, area.get(), part) != 1) continue;
        gap = geos.own(GEOSDifference_r(ctx, gap.get(), part));
        if (!gap) throw Error("GEOS could not cut the served area out of town " + town.name + " (" + town.id + ")");
        cut = true;
    }
    const double area_m2 = area_km2 * 1e6;
    const double gap_m2 = !cut ? area_m2 : GEOSisEmpty_r(ctx, gap.get()) ? 0.0 : measure.area_m2(gap.get());
    c.share_area = area_m2 > 0 ? std::clamp(1 - gap_m2 / area_m2, 0.0, 1.0) : NAN;
    c.status = c.share_area >= opt.served_share ? "served" : c.share_area > 1e-6 ? "partial" : "none";
    // Population points inside the town area, and those of them served (not in the gap, nor on its edge).
    std::vector<std::pair<P, std::uint32_t>> inside;
    village_tree.query(bgi::within(envelope(geos, t.area.get())), std::back_inserter(inside));
    double pop_in = 0, pop_served = 0;
    PreparedPtr gap_prep = inside.empty() ? nullptr : geos.prepare(gap.get());
    for (const auto& [pt, v] : inside) {
        GeomPtr p = geos.point(villages[v].x, villages[v].y);
        if (GEOSPreparedContains_r(ctx, t.prepared.get(), p.get()) != 1) continue;
        pop_in += villages[v].population_or(0);
        if (GEOSPreparedIntersects_r(ctx, gap_prep.get(), p.get()) != 1) pop_served += villages[v].population_or(0);
    }
    if (pop_in > 0) c.share_population = pop_served / pop_in;
    if (c.status == "served") {
        c.gap_km2 = c.gap_population = 0;
        return out;
    }
    // People in the gap: the population points in it, else the town's population spread evenly over
    // its area (an estimate, said so in the report).
    if (GEOSisEmpty_r(ctx, gap.get())) return out;
    c.gap_km2 = gap_m2 / 1e6;
    c.gap_population = pop_in > 0 ? pop_in - pop_served : (std::isfinite(town.population) ? town.population * (1 - c.share_area) : NAN);
    Terminal& tm = out.terminal;
    largest_part_point(geos, gap.get(), measure, tm.px, tm.py);
    tm.snap = g.snap(tm.px, tm.py);
    tm.population = std::isfinite(c.gap_population) ? c.gap_population : 0;
    out.gap = std::move(gap);
    return out;
}

// Connects the terminals to the served road nodes along the roads: the minimum spanning tree of
// the metric closure over the terminals and the network (taken as one vertex), each tree edge laid
// along its shortest road path; pieces shared by several paths are laid, and counted, once. This
// is the 2-approximation of Kou, Markowsky & Berman (1981), as GRASS's v.net.steiner uses, without
// its final pruning step.
bool steiner_extension(const RoadGraph& g, Router& router, const std::vector<Terminal>& terms, const std::vector<char>& served_node,
                       double max_m, const GeosContext& geos, Extension& ext) {
    const std::size_t k = terms.size();
    const std::size_t root = k;  // the network
    std::vector<std::vector<double>> d(k + 1, std::vector<double>(k + 1, kUnreachable));
    // paths[i][j]: (full pieces, end node at j's side) of the route found from terminal i
    struct Route {
        std::vector<std::uint32_t> pieces;
        std::uint32_t start_node = UINT32_MAX, end_node = UINT32_MAX;
        bool same_piece = false;
    };
    std::vector<std::vector<Route>> routes(k, std::vector<Route>(k + 1));
    auto start_of = [&](const std::vector<std::uint32_t>& pieces, std::uint32_t end) {
        // Walks the pieces back from `end` to the node the route started at.
        std::uint32_t v = end;
        for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) v = g.pieces[*it].from == v ? g.pieces[*it].to : g.pieces[*it].from;
        return v;
    };
    std::vector<std::uint32_t> others;  // the nodes at the other terminals' legs
    for (std::size_t i = 0; i < k; ++i) {
        // Searched only as far as the other terminals and the nearest served node.
        others.clear();
        for (std::size_t j = 0; j < k; ++j)
            if (j != i)
                for (const auto& leg : terms[j].snap.legs_any(g)) others.push_back(leg.node);
        router.run_from_until(terms[i].snap, others, served_node, Router::Bound::metres(max_m));
        for (std::size_t j = 0; j < k; ++j) {
            if (j == i) continue;
            const Snap& t = terms[j].snap;
            double best = kUnreachable;
            Route r;
            for (const auto& leg : t.legs_any(g)) {
                const double m = router.node_metres(leg.node) + leg.metres;
                if (m < best) best = m, r.end_node = leg.node;
            }
            if (t.piece == terms[i].snap.piece) {
                const double m = terms[i].snap.snap_m + t.snap_m + std::fabs(t.offset_m - terms[i].snap.offset_m);
                if (m <= best) best = m, r.same_piece = true;
            }
            if (!r.same_piece && r.end_node != UINT32_MAX) {
                r.pieces = router.pieces_to(r.end_node);
                r.start_node = start_of(r.pieces, r.end_node);
            }
            d[i][j] = best;
            routes[i][j] = r;
        }
        double best = kUnreachable;
        Route r;
        for (std::uint32_t v : router.touched())
            if (served_node[v] && router.node_metres(v) < best) best = router.node_metres(v), r.end_node = v;
        if (r.end_node != UINT32_MAX) {
            r.pieces = router.pieces_to(r.end_node);
            r.start_node = start_of(r.pieces, r.end_node);
        }
        d[i][root] = d[root][i] = best;
        routes[i][root] = r;
    }
    // Prim on the closure, from the network.
    std::vector<double> best(k + 1, kUnreachable);
    std::vector<std::size_t> from(k + 1, root);
    std::vector<char> in(k + 1, 0);
    in[root] = 1;
    for (std::size_t i = 0; i < k; ++i) best[i] = d[i][root];
    std::vector<std::pair<std::size_t, std::size_t>> tree;
    for (std::size_t step = 0; step < k; ++step) {
        std::size_t pick = k + 1;
        for (std::size_t i = 0; i < k; ++i)
            if (!in[i] && std::isfinite(best[i]) && (pick > k || best[i] < best[pick])) pick = i;
        if (pick > k) return false;  // a terminal no path reaches within max_m
        in[pick] = 1;
        tree.emplace_back(pick, from[pick]);
        for (std::size_t i = 0; i < k; ++i)
            if (!in[i] && d[pick][i] < best[i]) best[i] = d[pick][i], from[i] = pick;
    }
    // Lay the tree: whole pieces once; the stretches from each terminal's point to the piece end it
    // leaves by; the pipe from the road to the point.
    std::set<std::uint32_t> full;
    std::vector<std::tuple<std::uint32_t, double, double>> partial;  // piece, from m, to m
    auto leave = [&](const Terminal& t, std::uint32_t node) {
        const RoadPiece& p = g.pieces[t.snap.piece];
        partial.emplace_back(t.snap.piece, t.snap.offset_m, node == p.from ? 0.0 : p.length_m);
    };
    for (const auto& [a, b] : tree) {
        // a is a terminal; b is a terminal or the network. Routes were searched from the terminal side.
        const std::size_t src = a, dst = b;
        const Route& r = routes[src][dst];
        if (r.same_piece) {
            partial.emplace_back(terms[src].snap.piece, terms[src].snap.offset_m, terms[dst].snap.offset_m);
            continue;
        }
        for (std::uint32_t p : r.pieces) full.insert(p);
        if (r.start_node != UINT32_MAX) leave(terms[src], r.start_node);
        if (dst != root && r.end_node != UINT32_MAX) leave(terms[dst], r.end_node);
    }
    std::vector<GeomPtr> lines;
    double metres = 0;
    ext.road_pieces.assign(full.begin(), full.end());
    for (std::uint32_t p : full) {
        const RoadPiece& piece = g.pieces[p];
        metres += piece.length_m;
        lines.push_back(line_geometry(geos, std::vector<Pt2>(g.points.begin() + piece.first_point,
                                                         g.points.begin() + piece.first_point + piece.points)));
    }
    std::set<std::tuple<std::uint32_t, long long, long long>> laid;
    for (const auto& [p, a, b] : partial) {
        if (full.count(p) || std::fabs(a - b) < 0.01) continue;
        if (!laid.emplace(p, std::llround(std::min(a, b) * 100), std::llround(std::max(a, b) * 100)).second) continue;
        metres += std::fabs(a - b);
        lines.push_back(line_geometry(geos, g.stretch(p, a, b)));
    }
    for (const Terminal& t : terms)
        if (t.snap.snap_m > 0.01) {
            metres += t.snap.snap_m;
            lines.push_back(line_geometry(geos, {{t.px, t.py}, {t.snap.x, t.snap.y}}));
        }
    ext.length_km = metres / 1000;
    ext.lines = geos.collect(std::move(lines), GEOS_MULTILINESTRING);
    for (const Terminal& t : terms) {
        ext.population += t.population;
        if (t.village.empty()) ext.connects_gap = true;
        else ext.villages.push_back(t.village);
    }
    return true;
}

// Metres of an extension inside an overlay: its whole road pieces each measured once for every
// extension (`per_piece`, NaN until a first extension runs along it), the rest of its lines one by one.
double metres_inside(const Overlay& overlay, std::vector<double>& per_piece, const RoadGraph& g, const Extension& ext,
                     const GeosContext& geos, const Measure& measure) {
    double metres = 0;
    for (std::uint32_t p : ext.road_pieces) {
        if (std::isnan(per_piece[p])) per_piece[p] = overlay.piece_length_m(g, p, measure);
        metres += per_piece[p];
    }
    GEOSContextHandle_t ctx = geos.get();
    for (int i = int(ext.road_pieces.size()), n = GEOSGetNumGeometries_r(ctx, ext.lines.get()); i < n; ++i)
        metres += overlay.length_m(GEOSGetGeometryN_r(ctx, ext.lines.get(), i), measure);
    return metres;
}

// Keeps an extension out of the ecological red line. When `ext` runs through it, the search runs
// again without the road pieces through it (`in_redline`) and without the villages on them (named in
// villages_in_redline). True with `ext` the extension to propose; false when no way avoids the red
// line, or the town's own gap lies on a road through it: the case goes to `blocked`.
bool keep_out_of_redline(const RoadGraph& g, Router& router, const std::vector<Terminal>& terms, const std::vector<char>& served_node,
                         double max_km, const GeosContext& geos, const Measure& measure, const Overlay& redline,
                         std::vector<double>& redline_m, const std::vector<char>& in_redline, Extension& ext,
                         std::vector<BlockedExtension>& blocked) {
    if (redline.empty()) return true;
    const double through_m = metres_inside(redline, redline_m, g, ext, geos, measure);
    if (through_m <= 1) return true;
    Extension alt;
    alt.town = ext.town;
    alt.utility = ext.utility;
    std::vector<Terminal> kept;
    bool gap_kept = true;
    for (const Terminal& t : terms) {
        if (!in_redline[t.snap.piece]) kept.push_back(t);
        else if (t.village.empty()) gap_kept = false;
        else alt.villages_in_redline.push_back(t.village);
    }
    bool ok = false;
    if (gap_kept && !kept.empty()) {
        router.avoid(&in_redline);
        ok = steiner_extension(g, router, kept, served_node, max_km * 1000, geos, alt) && alt.length_km <= max_km &&
             metres_inside(redline, redline_m, g, alt, geos, measure) <= 1;   // the pipes from the roads to the points too
        router.avoid(nullptr);
    }
    if (!ok) {
        blocked.push_back({ext.town, ext.utility, ext.length_km, through_m / 1000, ext.villages.size()});
        return false;
    }
    alt.redline_detour_km = std::max(0.0, alt.length_km - ext.length_km);
    ext = std::move(alt);
    return true;
}

}  // namespace

TownAreas town_areas(const Study& study, const Settlements& settlements, const CoverageOptions& opt, bool boundary_as_area) {
    TownAreas out;
    const GeosContext& geos = *study.geos;
    GEOSContextHandle_t ctx = geos.get();
    const Measure measure(study.crs, geos);
    // Built-up polygons by town, when the study has a builtup layer.
    std::map<std::string, std::vector<const GEOSGeometry*>> builtup;
    for (const Layer* l : study.role("builtup"))
        for (const Feature& f : l->features) builtup[l->text(f, "town")].push_back(f.geom.get());
    // Urban development boundaries: by their town field, else the one holding the town's seat.
    std::map<std::string, std::vector<const GEOSGeometry*>> boundary_of;
    std::vector<const GEOSGeometry*> unassigned;
    for (const Layer* l : study.role("urban_boundary"))
        for (const Feature& f : l->features) {
            const std::string town = l->has_field("town") ? l->text(f, "town") : std::string();
            (town.empty() ? unassigned : boundary_of[town]).push_back(f.geom.get());
        }
    Tree boundary_index;
    for (std::uint32_t k = 0; k < unassigned.size(); ++k) boundary_index.insert({envelope(geos, unassigned[k]), k});
    auto union_of = [&](const std::vector<const GEOSGeometry*>& geoms) {
        if (geoms.size() == 1) return geos.own(GEOSGeom_clone_r(ctx, geoms.front()));   // valid since loading: nothing to unite
        std::vector<GeomPtr> parts;
        for (const GEOSGeometry* part : geoms) parts.push_back(geos.own(GEOSGeom_clone_r(ctx, part)));
        return geos.union_of(std::move(parts));
    };
    for (const Settlement& s : settlements.towns) {
        std::vector<const GEOSGeometry*> boundary;
        if (const auto b = boundary_of.find(s.id); b != boundary_of.end()) boundary = b->second;
        if (boundary.empty() && !unassigned.empty()) {
            const GeomPtr seat = geos.point(s.x, s.y);
            std::vector<std::pair<Box, std::uint32_t>> found;
            boundary_index.query(bgi::intersects(P(s.x, s.y)), std::back_inserter(found));
            std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.second < b.second; });   // input order, whatever the tree's
            for (const auto& [box, k] : found)
                if (GEOSIntersects_r(ctx, unassigned[k], seat.get()) == 1) boundary.push_back(unassigned[k]);
        }
        out.boundary.push_back(boundary.empty() ? nullptr : union_of(boundary));
        const bool polygon = s.feature && GEOSGeom_getDimensions_r(ctx, s.feature->geom.get()) == 2;
        GeomPtr area;
        std::string source;
        if (const auto b = builtup.find(s.id); b != builtup.end()) {
            area = union_of(b->second);
            source = "built-up layer";
        } else if (polygon && s.area_km2 <= opt.max_town_polygon_km2) {
            area = geos.own(GEOSGeom_clone_r(ctx, s.feature->geom.get()));
            source = "polygon";
        } else if (polygon && boundary_as_area && out.boundary.back()) {
            // A township's territory: its urban development boundary stands for the town. (A town
            // given as a point keeps the circle of its people: the boundary holds land not yet built.)
            area = geos.own(GEOSGeom_clone_r(ctx, out.boundary.back().get()));
            source = "urban development boundary";
        } else {
            source = polygon ? "circle: township polygon" : "circle from population";
            if (polygon) {
                ++out.township_polygons;
                if (s.area_km2 > out.largest_township_km2) out.largest_township_km2 = s.area_km2, out.largest_township = s.name + " (" + s.id + ")";
            }
            const double pop = std::isfinite(s.population) && s.population > 0 ? s.population : 0;   // never a NaN radius
            if (!std::isfinite(s.population)) ++out.without_population;
            const double r = std::clamp(std::sqrt(pop / opt.builtup_people_per_km2 / std::numbers::pi) * 1000, opt.min_radius_m,
                                        opt.max_radius_m);
            area = geos.circle(s.x, s.y, r * measure.scale(s.x, s.y));
        }
        // The town's own polygon was measured when the settlements were read.
        out.km2.push_back(source == "polygon" ? s.area_km2 : measure.area_m2(area.get()) / 1e6);
        out.area.push_back(std::move(area));
        out.source.push_back(std::move(source));
    }
    return out;
}

CoverageResult compute_coverage(const Study& study, const RoadGraph& g, const Settlements& settlements, const CoverageOptions& opt,
                                const Progress& progress, const BottomLines* given) {
    CoverageResult res;
    const GeosContext& geos = *study.geos;
    const Measure measure(study.crs, geos);

    // ---- towns: their areas (built-up polygons, their own polygon, or a circle from population)
    TownAreas ta = town_areas(study, settlements, opt);
    const std::vector<Settlement>& towns = settlements.towns;
    const std::vector<Settlement>& villages = settlements.villages;
    std::vector<TownArea> areas;
    for (std::size_t i = 0; i < towns.size(); ++i) {
        TownCoverage tc;
        tc.area_source = ta.source[i];
        tc.area_km2 = ta.km2[i];
        PreparedPtr prepared = geos.prepare(ta.area[i].get());
        areas.push_back({std::move(ta.area[i]), std::move(prepared)});
        res.towns.push_back(std::move(tc));
    }
    res.township_polygons = ta.township_polygons;
    if (res.township_polygons) {
        const std::string n = std::to_string(res.township_polygons), limit = fmt(opt.max_town_polygon_km2, 0), km2 = fmt(ta.largest_township_km2, 0);
        res.notes.push_back({n + " 个镇的面大于 " + limit + " km²（最大为" + ta.largest_township + "，" + km2 +
                                 " km²），应为乡镇行政区域而非镇区：按人口取圆作为其范围。请提供 builtup（镇区）或 urban_boundary（城镇开发边界）图层。",
                             n + " towns are polygons larger than " + limit + " km² (the largest " + ta.largest_township + ", " + km2 +
                                 " km²): township territories, not built-up areas, so each is given the circle of its population instead. "
                                 "Fix: give the builtup or urban_boundary layer (or raise [coverage] max_town_polygon_km2 if these are built-up areas)."});
    }
    res.towns_without_area = ta.without_population;
    if (res.towns_without_area)
        res.notes.push_back({std::to_string(res.towns_without_area) + " 个镇无人口数据：其范围取半径为 min_radius_m 的圆",
                             std::to_string(res.towns_without_area) + " towns have no population: their area is a circle of min_radius_m"});

    // ---- population points (villages), indexed
    res.villages.resize(villages.size());
    std::vector<std::pair<P, std::uint32_t>> vpts;
    for (std::uint32_t i = 0; i < villages.size(); ++i) vpts.emplace_back(P(villages[i].x, villages[i].y), i);
    const PointTree village_tree(vpts.begin(), vpts.end());

    // ---- villages near their town, by road (shortest length)
    progress.advance(0.05, "coverage: villages");
    const auto villages_of = settlements.villages_by_town();
    Router length_router(g, Router::Metric::Length);
    for (const auto& [town_id, members] : villages_of) {
        const auto row = settlements.town_row(town_id);
        if (!row || !towns[*row].snap.ok) continue;
        length_router.run_from(towns[*row].snap, Router::Bound::metres(opt.village_road_km * 1000));
        for (std::uint32_t v : members) {
            const double m = length_router.to(villages[v].snap).metres;
            res.villages[v].road_km_to_town = std::isfinite(m) ? m / 1000 : NAN;
            res.villages[v].near_town = std::isfinite(m) && m <= opt.village_road_km * 1000;
        }
    }

    // ---- protected sites, for flagging extensions
    std::vector<std::pair<Box, std::uint32_t>> site_boxes;
    std::vector<std::pair<const GEOSGeometry*, std::string>> sites;
    for (const Layer* l : study.role("protected"))
        for (const Feature& f : l->features) {
            double x = 0, y = 0;
            geos.representative_point(f.geom.get(), x, y);
            site_boxes.emplace_back(envelope(geos, f.geom.get(), opt.protected_m * measure.scale(x, y)), std::uint32_t(sites.size()));
            sites.emplace_back(f.geom.get(), l->text(f, "name"));
        }
    const Tree site_tree(site_boxes.begin(), site_boxes.end());

    // ---- the bottom lines: road pieces through the red line, which extensions keep out of
    const std::optional<BottomLines> read = given ? std::nullopt : std::optional<BottomLines>(std::in_place, study);
    const BottomLines& bottom = given ? *given : *read;
    // (every piece through the red line, for the searches to leave out; farmland only along the extensions)
    std::vector<double> redline_m = opt.extensions ? bottom.redline.piece_lengths_m(g, measure) : std::vector<double>();
    std::vector<double> farmland_m(opt.extensions ? g.pieces.size() : 0, NAN);
    std::vector<char> in_redline(redline_m.size());   // closed to extensions: more than a metre through it
    for (std::size_t p = 0; p < redline_m.size(); ++p) in_redline[p] = redline_m[p] > 1;

    // ---- each utility
    const auto& names = utility_names();
    for (std::size_t u = 0; u < names.size(); ++u) {
        const std::string& name = names[u];
        const Progress step = progress.slice(0.1 + 0.9 * u / names.size(), 0.1 + 0.9 * (u + 1) / names.size());
        UtilitySummary sum;
        sum.utility = name;
        const UtilityRule rule = opt.utilities.count(name) ? opt.utilities.at(name) : UtilityRule{};
        const Network net = build_network(study, measure, name, rule, sum);
        if (!sum.has_data) {
            for (auto& t : res.towns) t.utilities[name] = UtilityCoverage{};
            res.summary.push_back(sum);
            continue;
        }
        // Villages: reached, and how far the network is; road nodes the network already serves (where
        // extensions start). On every core, in blocks (a country has 700,000 villages and millions of
        // nodes), each thread with its own GEOS context and Measure, each block writing only its own slots.
        constexpr std::size_t kBlock = 4096;
        const std::size_t village_blocks = (villages.size() + kBlock - 1) / kBlock;
        const std::size_t nodes = opt.extensions ? g.node_count() : 0;
        std::vector<char> served_node(g.node_count(), 0);
        parallel_for(village_blocks + (nodes + kBlock - 1) / kBlock, step.slice(0, 0.1), ("coverage: " + name + " reach").c_str(),
                     [&](unsigned) { return GeometryThread(study.crs); },
                     [&](GeometryThread& th, std::size_t b) {
                         if (b < village_blocks) {
                             for (std::size_t v = b * kBlock; v < std::min(villages.size(), (b + 1) * kBlock); ++v) {
                                 res.villages[v].network_m[name] = network_distance(net, th.measure, villages[v].x, villages[v].y);
                                 res.villages[v].reached[name] = net.serves(th.geos, villages[v].x, villages[v].y);
                             }
                             return;
                         }
                         const std::size_t first = (b - village_blocks) * kBlock;
                         for (std::size_t n = first; n < std::min(nodes, first + kBlock); ++n) served_node[n] = net.serves(th.geos, g.nodes[n].x, g.nodes[n].y);
                     });

        // The served share of every town, its people served and its gap: on every core, each thread
        // with its own GEOS context and Measure, each town writing only its own slot.
        std::vector<Served> served(towns.size());
        parallel_for(towns.size(), step.slice(0.1, 0.8), ("coverage: " + name).c_str(),
                     [&](unsigned) { return GeometryThread(study.crs); },
                     [&](GeometryThread& th, std::size_t i) {
                         served[i] = serve(th.geos, th.measure, net, towns[i], areas[i], res.towns[i].area_km2, villages, village_tree, opt, g);
                         // Owned through the study's context, which outlives the worker's (even when a step is cancelled).
                         served[i].gap = geos.own(served[i].gap.release());
                     });
        const Progress extension_step = step.slice(0.8, 1);
        for (std::size_t i = 0; i < towns.size(); ++i) {
            if ((i & 63) == 0) extension_step.advance(double(i) / towns.size(), ("coverage: " + name + " extensions").c_str());
            const Settlement& town = towns[i];
            Served& sv = served[i];
            const UtilityCoverage& c = sv.c;
            if (sv.gap) res.gaps.push_back({i, name, std::move(sv.gap), sv.c.gap_km2, sv.c.gap_population});
            (c.status == "served" ? sum.towns_served : c.status == "partial" ? sum.towns_partial : sum.towns_none) += 1;

            // Extension: the gap and the unserved villages near the town, joined to the network.
            std::vector<Terminal> terms;
            if (sv.terminal.snap.ok) terms.push_back(sv.terminal);
            if (const auto vit = villages_of.find(town.id); vit != villages_of.end())
                for (std::uint32_t v : vit->second)
                    if (res.villages[v].near_town && !res.villages[v].reached[name] && villages[v].snap.ok)
                        terms.push_back({villages[v].snap, villages[v].x, villages[v].y, villages[v].id, villages[v].population_or(0)});
            if (!terms.empty() && opt.extensions) {
                Extension ext;
                ext.town = i;
                ext.utility = name;
                if (!steiner_extension(g, length_router, terms, served_node, opt.max_extension_km * 1000, geos, ext) ||
                    ext.length_km > opt.max_extension_km) {
                    ++res.extensions_too_long;
                } else if (keep_out_of_redline(g, length_router, terms, served_node, opt.max_extension_km, geos, measure, bottom.redline,
                                               redline_m, in_redline, ext, res.blocked)) {
                    ext.farmland_km = bottom.farmland.empty() ? NAN : metres_inside(bottom.farmland, farmland_m, g, ext, geos, measure) / 1000;
                    std::vector<std::pair<Box, std::uint32_t>> near;
                    site_tree.query(bgi::intersects(envelope(geos, ext.lines.get())), std::back_inserter(near));
                    std::sort(near.begin(), near.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
                    for (const auto& [box, s] : near) {
                        if (measure.nearest_m(ext.lines.get(), sites[s].first) <= opt.protected_m) ext.protected_sites.push_back(sites[s].second);
                    }
                    res.extensions.push_back(std::move(ext));
                }
            }
            res.towns[i].utilities[name] = c;
        }
        res.summary.push_back(sum);
    }
    if (res.extensions_too_long)
        res.notes.push_back({std::to_string(res.extensions_too_long) + " 处镇设施缺口在 " + std::to_string(int(opt.max_extension_km)) +
                                 " km 内无道路可连至管网：未提出延伸方案",
                             std::to_string(res.extensions_too_long) + " town-utility gaps have no road connection to the network within " +
                                 std::to_string(int(opt.max_extension_km)) + " km: no extension is proposed for them"});
    if (!res.blocked.empty()) {
        const std::string n = std::to_string(res.blocked.size());
        res.notes.push_back({n + " 处管网延伸只能穿越生态保护红线：未提出方案（见报告）",
                             n + " extensions could only run through the ecological red line: not proposed (see the report)"});
    }
    progress.advance(1.0, "coverage");
    return res;
}

}  // namespace townsite
