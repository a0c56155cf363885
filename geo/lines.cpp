#include "geo/lines.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>

namespace townsite {

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

GeomPtr line_geometry(const GeosContext& geos, const std::vector<Pt2>& pts) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.get(), unsigned(pts.size()), 2);
    for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(geos.get(), seq, i, pts[i].x, pts[i].y);
    return geos.own(GEOSGeom_createLineString_r(geos.get(), seq));
}

std::vector<std::vector<Pt2>> join_at_ends(std::vector<std::vector<Pt2>> lines, std::size_t max_joined) {
    constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
    // An end is line * 2 + side (0 its first point, 1 its last); lines of fewer than two points
    // have no direction and join nothing.
    auto point_of = [&](std::uint32_t end) { return end % 2 ? lines[end / 2].back() : lines[end / 2].front(); };
    auto heading = [&](std::uint32_t end) {  // unit vector from the end into its line
        const auto& pts = lines[end / 2];
        const Pt2 a = point_of(end), b = end % 2 ? pts[pts.size() - 2] : pts[1];
        const double dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
        return len > 0 ? Pt2{dx / len, dy / len} : Pt2{};
    };
    std::vector<std::uint32_t> ends;
    for (std::uint32_t i = 0; i < lines.size(); ++i)
        if (lines[i].size() >= 2) ends.push_back(2 * i), ends.push_back(2 * i + 1);
    auto by_point = [&](std::uint32_t a, std::uint32_t b) {
        const Pt2 p = point_of(a), q = point_of(b);
        return std::tie(p.x, p.y, a) < std::tie(q.x, q.y, b);
    };
    std::sort(ends.begin(), ends.end(), by_point);
    std::vector<std::uint32_t> partner(2 * lines.size(), kNone);
    std::vector<std::tuple<double, std::uint32_t, std::uint32_t>> pairs;
    for (std::size_t lo = 0, hi; lo < ends.size(); lo = hi) {
        const Pt2 p = point_of(ends[lo]);
        for (hi = lo + 1; hi < ends.size() && point_of(ends[hi]).x == p.x && point_of(ends[hi]).y == p.y; ++hi) {}
        pairs.clear();
        for (std::size_t i = lo; i < hi; ++i)
            for (std::size_t j = i + 1; j < hi; ++j) {
                const Pt2 u = heading(ends[i]), v = heading(ends[j]);
                pairs.emplace_back(u.x * v.x + u.y * v.y, ends[i], ends[j]);
            }
        std::sort(pairs.begin(), pairs.end());  // straightest first: the headings opposite
        for (const auto& [cosine, a, b] : pairs)
            if (partner[a] == kNone && partner[b] == kNone && a / 2 != b / 2) partner[a] = b, partner[b] = a;
    }
    std::vector<std::vector<Pt2>> joined;
    std::vector<char> used(lines.size(), 0);
    // From the line entered by `end`, on through each line's other end while it is paired, for at
    // most max_joined lines; then the end where the next joined line goes on (kNone: the run ended).
    auto walk = [&](std::uint32_t end) {
        std::vector<Pt2> line;
        std::uint32_t next = kNone;
        for (std::size_t n = 0; n < max_joined; ++n) {
            std::vector<Pt2>& pts = lines[end / 2];
            used[end / 2] = 1;
            if (end % 2) std::reverse(pts.begin(), pts.end());
            line.insert(line.end(), pts.begin() + (line.empty() ? 0 : 1), pts.end());
            next = partner[end ^ 1];
            if (next == kNone || used[next / 2]) next = kNone;
            if (next == kNone) break;
            end = next;
        }
        joined.push_back(std::move(line));
        return next;
    };
    for (std::uint32_t i = 0; i < lines.size(); ++i)  // a line of one point or none: dropped
        if (lines[i].size() < 2) used[i] = 1;
    for (std::uint32_t i = 0; i < lines.size(); ++i)  // runs from their free ends
        for (std::uint32_t side = 0; side < 2; ++side)
            if (!used[i] && partner[2 * i + side] == kNone)
                for (std::uint32_t end = 2 * i + side; end != kNone;) end = walk(end);
    for (std::uint32_t i = 0; i < lines.size(); ++i)  // then rings
        if (!used[i])
            for (std::uint32_t end = 2 * i; end != kNone;) end = walk(end);
    return joined;
}

}  // namespace townsite
