#include "geo/spatial_index.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace townsite {

namespace bgi = boost::geometry::index;

double nearest_on_segment(double px, double py, double ax, double ay, double bx, double by, double& qx, double& qy) {
    const double dx = bx - ax, dy = by - ay;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    qx = ax + t * dx;
    qy = ay + t * dy;
    return (px - qx) * (px - qx) + (py - qy) * (py - qy);
}

void SegmentIndex::add_sequence(const GEOSGeometry* line, std::uint32_t owner) {
    GEOSContextHandle_t ctx = m_geos.get();
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, line);
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(ctx, seq, &n);
    double px = 0, py = 0;
    for (unsigned int i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y);
        if (i > 0) add_segment(px, py, x, y, owner);
        px = x;
        py = y;
    }
}

void SegmentIndex::add(const GEOSGeometry* g, std::uint32_t owner) {
    GEOSContextHandle_t ctx = m_geos.get();
    switch (GEOSGeomTypeId_r(ctx, g)) {
        case GEOS_LINESTRING:
        case GEOS_LINEARRING: add_sequence(g, owner); break;
        case GEOS_POLYGON:
            add_sequence(GEOSGetExteriorRing_r(ctx, g), owner);
            for (int i = 0, n = GEOSGetNumInteriorRings_r(ctx, g); i < n; ++i)
                add_sequence(GEOSGetInteriorRingN_r(ctx, g, i), owner);
            break;
        case GEOS_MULTILINESTRING:
        case GEOS_MULTIPOLYGON:
        case GEOS_GEOMETRYCOLLECTION:
            for (int i = 0, n = GEOSGetNumGeometries_r(ctx, g); i < n; ++i) add(GEOSGetGeometryN_r(ctx, g, i), owner);
            break;
        default: break;
    }
}

void SegmentIndex::add_segment(double x1, double y1, double x2, double y2, std::uint32_t owner) {
    if (m_owners.size() > kIndex) throw std::length_error("more than 2^30 segments in one index");
    std::uint32_t i = std::uint32_t(m_owners.size());
    if (x1 > x2) i |= kFirstXMax;
    if (y1 > y2) i |= kFirstYMax;
    m_values.emplace_back(Box(Point(std::min(x1, x2), std::min(y1, y2)), Point(std::max(x1, x2), std::max(y1, y2))), i);
    m_owners.push_back(owner);
}

SegmentIndex::Segment SegmentIndex::segment(const Value& v) {
    const Point &lo = v.first.min_corner(), &hi = v.first.max_corner();
    const bool x_max = v.second & kFirstXMax, y_max = v.second & kFirstYMax;
    return {x_max ? hi.x() : lo.x(), y_max ? hi.y() : lo.y(), x_max ? lo.x() : hi.x(), y_max ? lo.y() : hi.y()};
}

void SegmentIndex::build() {
    m_tree = decltype(m_tree)(m_values.begin(), m_values.end());  // packing construction
    m_values = std::vector<Value>();
}

// Ties between equally near segments go to the one that comes first by its end points, so that the
// answer does not follow the order the segments were added in.
bool SegmentIndex::before(const Value& a, const Value& b) const {
    auto key = [this](const Value& v) {
        const Segment s = segment(v);
        const auto p = std::make_pair(s.x1, s.y1), q = std::make_pair(s.x2, s.y2);
        return std::make_tuple(std::min(p, q), std::max(p, q), m_owners[v.second & kIndex]);
    };
    return key(a) < key(b);
}

SegmentIndex::Hit SegmentIndex::nearest(double x, double y) const {
    // The k boxes nearest the point come first; a box is never farther than its segment. When the
    // best segment among them is nearer than the k-th box, no other segment can beat it; otherwise
    // ask again with more boxes.
    Hit best;
    if (m_owners.empty()) return best;
    double best_d2 = std::numeric_limits<double>::infinity();
    const Point p(x, y);
    std::vector<Value> boxes;
    Value best_value;
    for (unsigned k = 8;; k *= 4) {
        boxes.clear();
        m_tree.query(bgi::nearest(p, k), std::back_inserter(boxes));
        double farthest_box = 0;
        for (const Value& v : boxes) {
            farthest_box = std::max(farthest_box, boost::geometry::comparable_distance(p, v.first));
            const Segment s = segment(v);
            double qx = 0, qy = 0;
            const double d2 = nearest_on_segment(x, y, s.x1, s.y1, s.x2, s.y2, qx, qy);
            if (d2 < best_d2 || (d2 == best_d2 && before(v, best_value))) {
                best_d2 = d2;
                best_value = v;
                best = {true, std::sqrt(d2), qx, qy, m_owners[v.second & kIndex], v.second & kIndex};
            }
        }
        if (boxes.size() < k || best_d2 <= farthest_box) return best;
    }
}

std::vector<SegmentIndex::Hit> SegmentIndex::within(double x, double y, double radius) const {
    std::vector<Value> boxes;
    m_tree.query(bgi::intersects(Box(Point(x - radius, y - radius), Point(x + radius, y + radius))), std::back_inserter(boxes));
    std::vector<Hit> hits;
    for (const Value& v : boxes) {
        const Segment s = segment(v);
        double qx = 0, qy = 0;
        const double d = std::sqrt(nearest_on_segment(x, y, s.x1, s.y1, s.x2, s.y2, qx, qy));
        if (d <= radius) hits.push_back({true, d, qx, qy, m_owners[v.second & kIndex], v.second & kIndex});
    }
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.distance < b.distance || (a.distance == b.distance && a.segment < b.segment); });
    return hits;
}

void BoxIndex::add(const GEOSGeometry* g) {
    const GeosContext::Extent e = m_geos.extent(g);
    m_boxes.emplace_back(Box(Point(e.x0, e.y0), Point(e.x1, e.y1)), std::uint32_t(m_boxes.size()));
}

void BoxIndex::build() { m_tree = decltype(m_tree)(m_boxes.begin(), m_boxes.end()); }

std::vector<std::uint32_t> BoxIndex::meeting(const GeosContext::Extent& e) const {
    std::vector<Value> found;
    m_tree.query(boost::geometry::index::intersects(Box(Point(e.x0, e.y0), Point(e.x1, e.y1))), std::back_inserter(found));
    std::vector<std::uint32_t> out;
    out.reserve(found.size());
    for (const Value& v : found) out.push_back(v.second);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace townsite
