#include "analysis/land.h"

#include "geo/error.h"

#include <algorithm>
#include <cmath>

namespace townsite {

namespace bgi = boost::geometry::index;

const Options<LandOptions>& land_option_table() {
    static const Options<LandOptions> s =
        Options<LandOptions>("land", "bottom lines of the spatial plan (permanent farmland, ecological red line) and room to grow")
            .number("radius_km", &LandOptions::radius_km, 0.1, 50, "km",
                    "room to grow of a town without an urban development boundary is measured within this distance of its seat, "
                    "and the farmland and red-line shares of every town");
    return s;
}

LandOptions land_options(const StudyConfig& config) { return land_option_table().read(config); }

Overlay::Overlay(const Study& study, const std::vector<std::string>& roles) : m_geos(*study.geos) {
    GEOSContextHandle_t ctx = m_geos.get();
    std::vector<GeomPtr> polygons;
    for (const std::string& role : roles)
        for (const Layer* l : study.role(role))
            for (const Feature& f : l->features) polygons.push_back(m_geos.own(GEOSGeom_clone_r(ctx, f.geom.get())));
    const std::vector<std::pair<Box, std::uint32_t>> boxes = index(std::move(polygons));
    // Parts that overlap (a patch digitised twice, two layers of one role) are counted, and the
    // whole is dissolved once, so that each query can add its pieces up instead of uniting them.
    // Neighbours that share an edge overlap by slivers (coordinates rounded, reprojected): an
    // overlap counts from 0.1 % of the smaller part and 100 m², as counties' do.
    for (std::uint32_t k = 0; k < m_parts.size(); ++k) {
        std::vector<std::pair<Box, std::uint32_t>> found;
        m_tree.query(bgi::intersects(boxes[k].first), std::back_inserter(found));
        for (const auto& [box, j] : found) {
            if (j <= k || GEOSPreparedIntersects_r(ctx, m_parts[k].prepared.get(), m_parts[j].geom.get()) != 1) continue;
            const GeomPtr both = m_geos.own(GEOSIntersection_r(ctx, m_parts[k].geom.get(), m_parts[j].geom.get()));
            double a = 0, ak = 0, aj = 0;
            if (!both || GEOSArea_r(ctx, both.get(), &a) != 1) continue;
            GEOSArea_r(ctx, m_parts[k].geom.get(), &ak);
            GEOSArea_r(ctx, m_parts[j].geom.get(), &aj);
            m_overlaps += a > 100 && a > 0.001 * std::min(ak, aj);
        }
    }
    if (m_overlaps == 0) return;
    std::vector<GeomPtr> all;
    for (Part& p : m_parts) all.push_back(std::move(p.geom));
    std::vector<GeomPtr> dissolved;
    dissolved.push_back(m_geos.union_of(std::move(all)));
    index(std::move(dissolved));
}

std::vector<std::pair<Overlay::Box, std::uint32_t>> Overlay::index(std::vector<GeomPtr> polygons) {
    GEOSContextHandle_t ctx = m_geos.get();
    m_parts.clear();
    std::vector<std::pair<Box, std::uint32_t>> boxes;
    for (const GeomPtr& g : polygons)
        for (int i = 0, n = g ? GEOSGetNumGeometries_r(ctx, g.get()) : 0; i < n; ++i) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(ctx, g.get(), i);
            if (GEOSGeom_getDimensions_r(ctx, part) != 2 || GEOSisEmpty_r(ctx, part) == 1) continue;
            const GeosContext::Extent e = m_geos.extent(part);
            boxes.emplace_back(Box(P(e.x0, e.y0), P(e.x1, e.y1)), std::uint32_t(m_parts.size()));
            GeomPtr copy = m_geos.own(GEOSGeom_clone_r(ctx, part));
            PreparedPtr prepared = m_geos.prepare(copy.get());
            m_parts.push_back({std::move(copy), std::move(prepared)});
        }
    m_tree = decltype(m_tree)(boxes.begin(), boxes.end());
    return boxes;
}

namespace {

// Copies of the non-empty pieces of dimension `dim` of each of `parts` (a cut can leave points and
// lines beside polygons), to be collected into one multi-geometry.
std::vector<GEOSGeometry*> pieces_of(GEOSContextHandle_t ctx, const std::vector<GeomPtr>& parts, int dim) {
    std::vector<GEOSGeometry*> pieces;
    for (const GeomPtr& part : parts)
        for (int i = 0, n = GEOSGetNumGeometries_r(ctx, part.get()); i < n; ++i) {
            const GEOSGeometry* piece = GEOSGetGeometryN_r(ctx, part.get(), i);
            if (GEOSGeom_getDimensions_r(ctx, piece) == dim && GEOSisEmpty_r(ctx, piece) != 1) pieces.push_back(GEOSGeom_clone_r(ctx, piece));
        }
    return pieces;
}

}  // namespace

GeomPtr Overlay::inside(const GEOSGeometry* g) const {
    if (m_parts.empty() || !g || GEOSisEmpty_r(m_geos.get(), g) == 1) return nullptr;
    GEOSContextHandle_t ctx = m_geos.get();
    if (GEOSGeomTypeId_r(ctx, g) == GEOS_MULTILINESTRING && GEOSGetNumGeometries_r(ctx, g) > 1) {
        // An extension's many lines: line by line, each with its own small box, instead of the box of all.
        std::vector<GeomPtr> ins;
        for (int i = 0, n = GEOSGetNumGeometries_r(ctx, g); i < n; ++i)
            if (GeomPtr in = inside(GEOSGetGeometryN_r(ctx, g, i))) ins.push_back(std::move(in));
        std::vector<GEOSGeometry*> pieces = pieces_of(ctx, ins, 1);
        return pieces.empty() ? nullptr : m_geos.collect(std::move(pieces), GEOS_MULTILINESTRING);
    }
    const GeosContext::Extent e = m_geos.extent(g);
    std::vector<std::pair<Box, std::uint32_t>> found;
    m_tree.query(bgi::intersects(Box(P(e.x0, e.y0), P(e.x1, e.y1))), std::back_inserter(found));
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.second < b.second; });   // input order, whatever the tree's
    const bool area = GEOSGeom_getDimensions_r(ctx, g) == 2;
    PreparedPtr g_prepared;
    std::vector<GeomPtr> parts;
    for (const auto& [box, k] : found) {
        const Part& p = m_parts[k];
        if (GEOSPreparedContains_r(ctx, p.prepared.get(), g) == 1) return m_geos.own(GEOSGeom_clone_r(ctx, g));   // all of it
        if (GEOSPreparedIntersects_r(ctx, p.prepared.get(), g) != 1) continue;
        if (area) {
            if (!g_prepared) g_prepared = m_geos.prepare(g);
            if (GEOSPreparedContains_r(ctx, g_prepared.get(), p.geom.get()) == 1) {   // the part whole
                parts.push_back(m_geos.own(GEOSGeom_clone_r(ctx, p.geom.get())));
                continue;
            }
        }
        // A large part (a county's farmland) is cut to the box first: the cut then costs what the box holds.
        // (Grown by a metre: the box of a straight north-south line has no width.)
        GeomPtr clipped = m_geos.own(GEOSClipByRect_r(ctx, p.geom.get(), e.x0 - 1, e.y0 - 1, e.x1 + 1, e.y1 + 1));
        if (!clipped) continue;
        GeomPtr cut = m_geos.own(GEOSIntersection_r(ctx, clipped.get(), g));
        if (cut && GEOSisEmpty_r(ctx, cut.get()) != 1) parts.push_back(std::move(cut));
    }
    if (parts.empty()) return nullptr;
    if (parts.size() == 1) return std::move(parts.front());
    // The parts are disjoint (dissolved when they were not): their pieces only need collecting.
    return m_geos.collect(pieces_of(ctx, parts, GEOSGeom_getDimensions_r(ctx, g)), area ? GEOS_MULTIPOLYGON : GEOS_MULTILINESTRING);
}

double Overlay::area_m2(const GEOSGeometry* g, const Measure& measure) const {
    const GeomPtr in = inside(g);
    return in ? measure.area_m2(in.get()) : 0.0;
}

double Overlay::length_m(const GEOSGeometry* g, const Measure& measure) const {
    const GeomPtr in = inside(g);
    return in ? measure.length_m(in.get()) : 0.0;
}

double Overlay::piece_length_m(const RoadGraph& graph, std::uint32_t k, const Measure& measure) const {
    if (m_parts.empty()) return 0;
    const RoadPiece& piece = graph.pieces[k];
    Box box(P(1e300, 1e300), P(-1e300, -1e300));
    for (std::uint32_t i = 0; i < piece.points; ++i) {
        const Pt2& pt = graph.points[piece.first_point + i];
        boost::geometry::expand(box, P(pt.x, pt.y));
    }
    if (m_tree.qbegin(bgi::intersects(box)) == m_tree.qend()) return 0;
    const GeomPtr line = line_geometry(m_geos, std::vector<Pt2>(graph.points.begin() + piece.first_point,
                                                                graph.points.begin() + piece.first_point + piece.points));
    return length_m(line.get(), measure);
}

std::vector<double> Overlay::piece_lengths_m(const RoadGraph& graph, const Measure& measure) const {
    std::vector<double> metres(graph.pieces.size(), 0.0);
    if (m_parts.empty()) return metres;
    for (std::uint32_t k = 0; k < graph.pieces.size(); ++k) metres[k] = piece_length_m(graph, k, measure);
    return metres;
}

namespace {

// The polygons two polygonal geometries share; null when they share no area (their boxes miss,
// they do not meet, or only their edges do), and when GEOS cannot cut them (`failed` set).
GeomPtr shared(const GeosContext& geos, const GEOSGeometry* a, const GEOSPreparedGeometry* a_prepared, const GEOSGeometry* b, bool& failed) {
    GEOSContextHandle_t ctx = geos.get();
    const GeosContext::Extent ea = geos.extent(a), eb = geos.extent(b);
    if (ea.x1 < eb.x0 || eb.x1 < ea.x0 || ea.y1 < eb.y0 || eb.y1 < ea.y0 || GEOSPreparedIntersects_r(ctx, a_prepared, b) != 1) return nullptr;
    GeomPtr both = geos.own(GEOSIntersection_r(ctx, a, b));
    if (!both) {
        failed = true;
        return nullptr;
    }
    double m2 = 0;
    return GEOSArea_r(ctx, both.get(), &m2) == 1 && m2 > 0 ? geos.polygonal(std::move(both)) : nullptr;
}

// Geodesic m² of the union of polygonal geometries, each given with its own m² and free of overlaps
// within itself: inclusion-exclusion (the sum, less what each pair shares, plus what each three
// share, ...), a set followed further only while its members share something. Built-up land,
// farmland and red line in a town's zone mostly share nothing, and then no cut is made at all,
// where uniting them would node every edge. The pieces of neighbouring patches that share an edge
// make a collection GEOS's cut may refuse as invalid: then they are united after all.
double union_area_m2(const GeosContext& geos, const Measure& measure, std::vector<std::pair<GeomPtr, double>> parts) {
    double total = 0;
    bool failed = false;
    auto visit = [&](auto& self, const GEOSGeometry* common, std::size_t from, double sign) -> void {
        const PreparedPtr prepared = common && from < parts.size() ? geos.prepare(common) : nullptr;
        for (std::size_t j = from; j < parts.size() && !failed; ++j) {
            GeomPtr both;
            if (common && !(both = shared(geos, common, prepared.get(), parts[j].first.get(), failed))) continue;
            total += sign * (common ? measure.area_m2(both.get()) : parts[j].second);
            self(self, common ? both.get() : parts[j].first.get(), j + 1, -sign);
        }
    };
    visit(visit, nullptr, 0, 1.0);
    if (!failed) return total;
    std::vector<GeomPtr> all;
    for (auto& [g, m2] : parts) all.push_back(std::move(g));
    const GeomPtr united = geos.union_of(std::move(all));
    if (!united) throw Error("GEOS could not unite the land taken in a town's zone: " + geos.last_message());
    return measure.area_m2(united.get());
}

}  // namespace

bool has_land_layers(const Study& study) {
    return !study.role("farmland").empty() || !study.role("eco_redline").empty() || !study.role("urban_boundary").empty();
}

LandResult compute_land(const Study& study, const Settlements& settlements, const LandOptions& opt, const CoverageOptions& coverage,
                        const BottomLines& lines, const Progress& progress) {
    LandResult res;
    const GeosContext& geos = *study.geos;
    GEOSContextHandle_t ctx = geos.get();
    const Measure measure(study.crs, geos);
    const Overlay builtup(study, {"builtup"});
    res.builtup_layer = !builtup.empty();
    res.farmland = !lines.farmland.empty();
    res.redline = !lines.redline.empty();
    // Each town's boundary, and its built-up area when there is no builtup layer.
    TownAreas areas = town_areas(study, settlements, coverage, false);
    const std::vector<Settlement>& towns = settlements.towns;
    for (std::size_t i = 0; i < towns.size(); ++i) {
        if ((i & 63) == 0) progress.advance(double(i) / towns.size(), "land: room to grow");
        const Settlement& s = towns[i];
        TownLand t;
        const GeomPtr circle = geos.circle(s.x, s.y, opt.radius_km * 1000 * measure.scale(s.x, s.y));
        const GEOSGeometry* zone = areas.boundary[i] ? areas.boundary[i].get() : circle.get();
        t.zone_source = areas.boundary[i] ? "urban development boundary" : "radius";
        res.with_boundary += areas.boundary[i] != nullptr;
        const double zone_m2 = measure.area_m2(zone);
        t.zone_km2 = zone_m2 / 1e6;

        // What is taken in the zone: each of the three, then all three together (overlaps once).
        std::vector<std::pair<GeomPtr, double>> taken;   // each with its m²
        auto take = [&](GeomPtr part, double& km2) {
            const double m2 = part ? measure.area_m2(part.get()) : 0.0;
            km2 = m2 / 1e6;
            if (part) taken.emplace_back(geos.polygonal(std::move(part)), m2);
        };
        if (res.builtup_layer) {
            take(builtup.inside(zone), t.builtup_km2);
        } else {
            const PreparedPtr z = geos.prepare(zone);
            take(GEOSPreparedContains_r(ctx, z.get(), areas.area[i].get()) == 1
                     ? geos.own(GEOSGeom_clone_r(ctx, areas.area[i].get()))
                     : geos.own(GEOSIntersection_r(ctx, zone, areas.area[i].get())),
                 t.builtup_km2);
        }
        if (res.farmland) take(lines.farmland.inside(zone), t.farmland_km2);
        if (res.redline) take(lines.redline.inside(zone), t.redline_km2);
        const double taken_m2 = union_area_m2(geos, measure, std::move(taken));
        t.room_km2 = std::max(0.0, zone_m2 - taken_m2) / 1e6;
        t.room_share = zone_m2 > 0 ? std::clamp(t.room_km2 * 1e6 / zone_m2, 0.0, 1.0) : NAN;

        // What limits it: the shares of the circle.
        const double circle_m2 = zone == circle.get() ? zone_m2 : measure.area_m2(circle.get());
        auto share = [&](const Overlay& o, double in_zone_km2) {
            if (zone == circle.get()) return in_zone_km2 * 1e6 / circle_m2;
            return o.area_m2(circle.get(), measure) / circle_m2;
        };
        if (res.farmland) t.farmland_share = std::clamp(share(lines.farmland, t.farmland_km2), 0.0, 1.0);
        if (res.redline) t.redline_share = std::clamp(share(lines.redline, t.redline_km2), 0.0, 1.0);
        res.towns.push_back(std::move(t));
    }
    const std::string r = fmt(opt.radius_km, 1);
    if (res.with_boundary < towns.size())
        res.notes.push_back({std::to_string(towns.size() - res.with_boundary) + " 个镇无城镇开发边界：其发展空间按镇驻地周边 " + r + " km 范围计",
                             std::to_string(towns.size() - res.with_boundary) + " towns have no urban development boundary: their room to grow is measured within " +
                                 r + " km of the seat ([land] radius_km)"});
    if (!res.farmland || !res.redline)
        res.notes.push_back({std::string("缺少") + (!res.farmland ? "永久基本农田（farmland）" : "") + (!res.farmland && !res.redline ? "和" : "") +
                                 (!res.redline ? "生态保护红线（eco_redline）" : "") + "图层：发展空间未扣除之",
                             std::string("No ") + (!res.farmland ? "farmland" : "") + (!res.farmland && !res.redline ? " or " : "") +
                                 (!res.redline ? "eco_redline" : "") + " layer: room to grow does not take it off"});
    for (const auto& [overlay, role] : {std::pair{&lines.farmland, "farmland"}, std::pair{&lines.redline, "eco_redline"}})
        if (overlay->overlaps())
            res.notes.push_back({std::string(role) + " 图层有 " + std::to_string(overlay->overlaps()) + " 对相互重叠的面：已合并，重叠只计一次",
                                 "The " + std::string(role) + " layer has " + std::to_string(overlay->overlaps()) +
                                     " pairs of polygons that overlap: dissolved, overlaps counted once. Fix: nothing to do, unless they are digitised twice"});
    if (!res.builtup_layer)
        res.notes.push_back({"无 builtup（镇区）图层：已建成区按镇的面或人口圆计", "No builtup layer: the built-up area is the town's polygon or the circle of its population"});
    progress.advance(1.0, "land");
    return res;
}

}  // namespace townsite
