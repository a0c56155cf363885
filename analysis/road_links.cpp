// Dead ends (断头路): the town each belongs to, and a short link to another road where the way round
// by road is long, as the policy asks dead-end roads to be opened.
#include "analysis/access.h"
#include "analysis/land.h"

#include "geo/spatial_index.h"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <cmath>
#include <optional>
#include <set>

namespace townsite {

namespace {

// Whether segments pq and ab cross or touch, q's end excepted (where the link meets its road).
bool segments_cross(double px, double py, double qx, double qy, double ax, double ay, double bx, double by) {
    auto side = [](double x1, double y1, double x2, double y2, double x, double y) { return (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1); };
    const double d1 = side(ax, ay, bx, by, px, py), d2 = side(ax, ay, bx, by, qx, qy);
    const double d3 = side(px, py, qx, qy, ax, ay), d4 = side(px, py, qx, qy, bx, by);
    if (std::abs(d2) < 1e-9) return false;   // q on ab: the link ends on this road
    return ((d1 > 0) != (d2 > 0) || d1 == 0) && ((d3 > 0) != (d4 > 0) || d3 == 0 || d4 == 0);
}

}  // namespace

void link_dead_ends(const Study& study, const RoadGraph& g, const Settlements& settlements, const AccessOptions& opt, std::vector<DeadEnd>& dead_ends,
                    const BottomLines* given) {
    if (dead_ends.empty() || settlements.towns.empty()) return;
    namespace bg = boost::geometry;
    namespace bgi = boost::geometry::index;
    using P = bg::model::d2::point_xy<double>;
    const GeosContext& geos = *study.geos;
    const Measure measure{study.crs, geos};

    // Its town: the nearest town seat, straight (ties: the first row).
    std::vector<std::pair<P, std::uint32_t>> seat_points;
    for (std::uint32_t i = 0; i < settlements.towns.size(); ++i) seat_points.emplace_back(P(settlements.towns[i].x, settlements.towns[i].y), i);
    const bgi::rtree<std::pair<P, std::uint32_t>, bgi::rstar<16>> seats(seat_points.begin(), seat_points.end());

    std::vector<std::pair<const GEOSGeometry*, std::string>> sites;
    for (const Layer* l : study.role("protected"))
        for (const Feature& f : l->features) sites.emplace_back(f.geom.get(), l->text(f, "name"));

    const std::optional<BottomLines> read = given ? std::nullopt : std::optional<BottomLines>(std::in_place, study);
    const BottomLines& bottom = given ? *given : *read;
    Router router(g, Router::Metric::Length);
    const std::string within = std::to_string(int(std::lround(opt.dead_end_link_m))) + " m";
    for (DeadEnd& d : dead_ends) {
        std::vector<std::pair<P, std::uint32_t>> found;
        seats.query(bgi::nearest(P(d.x, d.y), 2), std::back_inserter(found));
        std::sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
            const double da = bg::comparable_distance(a.first, P(d.x, d.y)), db = bg::comparable_distance(b.first, P(d.x, d.y));
            return da < db || (da == db && a.second < b.second);
        });
        d.town = found.front().second;
        if (!(opt.dead_end_link_m > 0)) continue;

        // The other roads within reach, nearest first, one point per piece; not the dead end's own.
        const double scale = measure.scale(d.x, d.y);
        std::set<std::uint32_t> seen;
        std::vector<SegmentIndex::Hit> candidates;
        const std::vector<SegmentIndex::Hit> near = g.index->within(d.x, d.y, opt.dead_end_link_m * scale);   // nearest first
        for (const SegmentIndex::Hit& h : near) {
            const RoadPiece& piece = g.pieces[h.owner];
            if (piece.from == d.node || piece.to == d.node || !seen.insert(h.owner).second) continue;
            candidates.push_back(h);
        }
        if (candidates.empty()) {
            d.no_link = {within + "内无其他道路", "no other road within " + within};
            continue;
        }
        // The way round by road, as far as it could matter.
        router.run_from(g.snap(d.x, d.y), Router::Bound::metres(opt.dead_end_link_detour * opt.dead_end_link_m));
        std::string blocked_by;
        bool redline = false;   // a link was refused for entering the red line
        for (const SegmentIndex::Hit& c : candidates) {
            const double link_m = measure.distance_m(d.x, d.y, c.x, c.y);
            if (link_m > opt.dead_end_link_m) continue;
            const double road_m = router.to(g.snap(c.x, c.y)).metres;
            if (road_m < kUnreachable && road_m <= opt.dead_end_link_detour * link_m) continue;   // joined nearly as directly already
            // A link that crosses another road on its way would meet that road first. Such a road is
            // nearer than the link's end: among the hits already found.
            bool crosses = false;
            for (const SegmentIndex::Hit& h : near) {
                if (h.distance > c.distance) break;
                const RoadPiece& piece = g.pieces[h.owner];
                if (h.owner == c.owner || piece.from == d.node || piece.to == d.node) continue;
                const Pt2 a = g.points[g.segment_point[h.segment]], b = g.points[g.segment_point[h.segment] + 1];
                crosses = crosses || segments_cross(d.x, d.y, c.x, c.y, a.x, a.y, b.x, b.y);
            }
            if (crosses) continue;
            const GeomPtr line = line_geometry(geos, {{d.x, d.y}, {c.x, c.y}});
            std::string near_site;
            for (const auto& [site, name] : sites)
                if (measure.nearest_m(line.get(), site) <= opt.dead_end_link_clearance_m) {
                    near_site = name.empty() ? "a protected site" : name;
                    break;
                }
            if (!near_site.empty()) {
                if (blocked_by.empty()) blocked_by = near_site;
                continue;
            }
            if (bottom.redline.length_m(line.get(), measure) > 1) {
                redline = true;
                continue;
            }
            if (!bottom.farmland.empty()) d.link_farmland_m = bottom.farmland.length_m(line.get(), measure);
            d.link_m = link_m, d.link_x = c.x, d.link_y = c.y;
            d.link_road_id = g.layer_ids[g.pieces[c.owner].feature];
            d.road_m_now = road_m < kUnreachable ? road_m : NAN;
            break;
        }
        const std::string clearance = std::to_string(int(std::lround(opt.dead_end_link_clearance_m))) + " m";
        const std::string detour = std::to_string(int(std::lround(opt.dead_end_link_detour)));
        if (std::isnan(d.link_m))
            d.no_link = !blocked_by.empty() ? Words{"连线距保护对象" + blocked_by + "不足" + clearance, "a link would pass within " + clearance + " of " + blocked_by}
                        : redline           ? Words{"连线须穿越生态保护红线", "a link would run through the ecological red line"}
                                            : Words{within + "内的道路已由现有道路连通（绕行不超过" + detour + "倍）或连线须穿越其他道路",
                                                    "every road within " + within + " is joined to it by road already (at most " + detour +
                                                        " times the link), or a link would cross another road"};
    }
}

}  // namespace townsite
