// land: the bottom lines of the spatial plan (三区三线 底线管控) and each town's room to grow (发展空间).
//
//   const BottomLines lines(study);                       // farmland and eco_redline, indexed once
//   LandResult r = compute_land(study, settlements, land_opt, coverage_opt, lines);
//   r.towns[i].room_km2, r.towns[i].room_share, r.towns[i].farmland_share ...
//   lines.redline.length_m(extension, measure)            // what of a pipe runs through the red line
//   lines.farmland.piece_lengths_m(graph, measure)        // and of each road piece, once for many pipes
//
// Room to grow: the zone a town may grow in (its urban development boundary, 城镇开发边界, else the
// circle of [land] radius_km around its seat) less what is built up (the builtup layer, else the
// town's own area as coverage takes it), permanent basic farmland (永久基本农田) and the ecological
// protection red line (生态保护红线), counted once where they overlap. What limits a town: the
// shares of farmland and of red line in the circle of radius_km around its seat. A layer the study
// does not have limits nothing, and its share is absent (NaN).
//
// Every overlay goes through an R-tree of the polygons' parts and their prepared geometries: a part
// that holds the zone whole answers at once, one that misses it is never cut, and a large part is
// clipped to the zone's box before it is cut. Areas are geodesic (km²).
#pragma once

#include "analysis/coverage.h"
#include "analysis/settlements.h"
#include "geo/options.h"
#include "geo/progress.h"
#include "geo/road_graph.h"
#include "geo/study.h"
#include "geo/text.h"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <string>
#include <vector>

namespace townsite {

struct LandOptions {
    // The zone of a town without an urban development boundary, and the circle in which what limits
    // each town is measured: 2 km holds a town's built-up area several times over.
    double radius_km = 2;
};

// [land] of the config, each option declared once.
const Options<LandOptions>& land_option_table();
LandOptions land_options(const StudyConfig& config);

// The polygons of some layer roles, each part indexed with its prepared geometry.
class Overlay {
public:
    Overlay(const Study& study, const std::vector<std::string>& roles);
    bool empty() const { return m_parts.empty(); }
    // Pairs of parts that overlap (their interiors meet): the polygons were dissolved into disjoint ones.
    std::size_t overlaps() const { return m_overlaps; }
    // The part of `g` (polygons or lines, working CRS) inside the polygons, overlaps counted once;
    // null when none of it is.
    GeomPtr inside(const GEOSGeometry* g) const;
    // Geodesic m² of polygons `g` inside, and m of lines `g` inside.
    double area_m2(const GEOSGeometry* g, const Measure& measure) const;
    double length_m(const GEOSGeometry* g, const Measure& measure) const;
    // Metres of road piece `piece` of `graph` inside the polygons, and of each piece (all zero when
    // there are no polygons).
    double piece_length_m(const RoadGraph& graph, std::uint32_t piece, const Measure& measure) const;
    std::vector<double> piece_lengths_m(const RoadGraph& graph, const Measure& measure) const;

private:
    using P = boost::geometry::model::d2::point_xy<double>;
    using Box = boost::geometry::model::box<P>;
    struct Part {
        GeomPtr geom;
        PreparedPtr prepared;
    };
    // Makes the polygon parts of `polygons` the parts, indexed; returns their boxes, part by part.
    std::vector<std::pair<Box, std::uint32_t>> index(std::vector<GeomPtr> polygons);

    const GeosContext& m_geos;
    std::vector<Part> m_parts;
    std::size_t m_overlaps = 0;
    boost::geometry::index::rtree<std::pair<Box, std::uint32_t>, boost::geometry::index::rstar<16>> m_tree;
};

// The two bottom lines that limit works: permanent basic farmland (role farmland) and the
// ecological protection red line (role eco_redline). Empty overlays when the study lacks them.
struct BottomLines {
    Overlay farmland, redline;
    explicit BottomLines(const Study& study) : farmland(study, {"farmland"}), redline(study, {"eco_redline"}) {}
};

// True when the study has a farmland, eco_redline or urban_boundary layer: room to grow is measured
// only then (without any of them it would be a circle less a guess of the built-up area).
bool has_land_layers(const Study& study);

struct TownLand {
    std::string zone_source;   // "urban development boundary" or "radius"
    double zone_km2 = NAN;     // the zone, and in it:
    double builtup_km2 = NAN, farmland_km2 = NAN, redline_km2 = NAN;
    double room_km2 = NAN, room_share = NAN;             // room to grow: the zone less the three (0..1)
    double farmland_share = NAN, redline_share = NAN;    // in the circle of radius_km (0..1); NaN without the layer
};

struct LandResult {
    std::vector<TownLand> towns;   // row i: Settlements::towns[i]
    std::size_t with_boundary = 0;
    bool farmland = false, redline = false, builtup_layer = false;   // which layers there were
    std::vector<Words> notes;
};

LandResult compute_land(const Study& study, const Settlements& settlements, const LandOptions& options, const CoverageOptions& coverage,
                        const BottomLines& lines, const Progress& progress = {});

}  // namespace townsite
