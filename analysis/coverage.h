// coverage: how much of each town each utility serves, where the gaps are, which villages the
// networks reach, and the pipe it would take to close the gaps along the roads.
//
//   CoverageOptions opt = coverage_options(study.config);
//   CoverageResult r = compute_coverage(study, graph, settlements, opt, progress);
//   r.towns[i].utilities.at("water").share_area ...   (row i is settlements.towns[i])
//
// A utility serves what lies within `line_service_m` of its network lines (a plant joined to a line
// counts as a point of the network) and within the radius of a stand-alone plant or station (field
// radius_m, else `plant_radius_m`, counted); service-area polygons count as served as they are. A town's area is its built-up polygon when the
// towns layer has polygons, else a circle around its seat whose radius grows with its population:
// r = sqrt(population / builtup_people_per_km2 / pi), kept within [min_radius_m, max_radius_m].
// Extensions keep out of the ecological red line (eco_redline): when the shortest runs through it the
// roads through it are taken out and the search runs again (villages reached only through it are
// left out and named); when no way avoids it the extension is reported as blocked, not drawn. The
// length through permanent basic farmland (farmland) is measured on each.
// Coverage is answered town by town with an R-tree of the utility features: buffers and unions
// are built only for the features near one town, never for the province.
// Areas are geodesic (km2), distances geodesic (m), extension lengths along the roads (km).
#pragma once

#include "analysis/settlements.h"
#include "geo/progress.h"
#include "geo/road_graph.h"
#include "geo/study.h"
#include "geo/text.h"

#include "geo/options.h"

#include <map>
#include <string>
#include <vector>

namespace townsite {

struct UtilityRule {
    double line_service_m = 300;   // served within this distance of a line
    double plant_radius_m = 1000;  // a plant or station without radius_m serves this far
};

struct CoverageOptions {
    // Defaults: a main serves the plots within 400 m of it (a town's street grid of mains some 800 m
    // apart serves all of it; farther plots need a new main); a stand-alone plant a small settlement;
    // a garbage transfer station the 3 km a collection round covers. Set your own in [coverage.NAME].
    std::map<std::string, UtilityRule> utilities = {{"water", {400, 1000}}, {"gas", {400, 800}}, {"heating", {400, 1000}},
                                                    {"sewage", {400, 1000}}, {"garbage", {0, 3000}}};
    double served_share = 0.95;              // status "served" at or above this share of the area
    double builtup_people_per_km2 = 12000;   // for towns given as points
    double min_radius_m = 400, max_radius_m = 2500;
    // A town polygon larger than this is a township's territory (乡镇行政区域), not its built-up area
    // (a 镇区 of 20 km² would hold 200,000 people): the town gets the circle of a point instead, and
    // the run asks for the builtup or urban_boundary layer.
    double max_town_polygon_km2 = 20;
    double village_road_km = 5;              // villages this far from their town by road are looked at
    double protected_m = 200;                // extensions passing this close to a protected site are flagged
    double max_extension_km = 30;            // longer connections are not proposed (reported instead)
    bool extensions = true;                  // false: shares, gaps and villages only
};

// [coverage] of the config, each option declared once ([coverage.water] ... for the utilities).
const Options<CoverageOptions>& coverage_option_table();
CoverageOptions coverage_options(const StudyConfig& config);

struct UtilityCoverage {
    std::string status = "no data";   // served, partial, none, or "no data" (no layer for the utility)
    double share_area = NAN;          // 0..1
    double share_population = NAN;    // of the population points inside the town area; NaN when none
    double seat_to_network_m = NAN;
    double gap_km2 = NAN;
    double gap_population = NAN;
};

struct TownCoverage {
    double area_km2 = 0;
    std::string area_source;   // "built-up layer", "urban development boundary", "polygon" (the towns layer), "circle from population",
                               // or "circle: township polygon" (a polygon too large to be a built-up area)
    std::map<std::string, UtilityCoverage> utilities;
};

struct VillageCoverage {
    bool near_town = false;               // within village_road_km of its town by road
    double road_km_to_town = NAN;
    ByName<double> network_m;   // distance to the nearest network (m)
    ByName<bool> reached;       // within the served area
};

struct Gap {
    std::size_t town = 0;
    std::string utility;
    GeomPtr polygon;   // working CRS
    double area_km2 = 0, population = NAN;
};

struct Extension {
    std::size_t town = 0;
    std::string utility;
    GeomPtr lines;                       // working CRS: the whole road pieces it runs along, then the rest
    std::vector<std::uint32_t> road_pieces;   // those whole pieces, in the order of the first lines
    double length_km = 0;
    std::vector<std::string> villages;   // village ids it connects
    double population = 0;               // villages connected plus the gap's population
    bool connects_gap = false;           // includes the town's own gap
    std::vector<std::string> protected_sites;  // names of the sites it passes within protected_m of
    double farmland_km = NAN;                  // of it through permanent basic farmland (NaN without the farmland layer)
    double redline_detour_km = 0;              // longer by this than the shortest, which ran through the ecological red line
    std::vector<std::string> villages_in_redline;   // villages left out: their roads run through the red line
};

// An extension the ecological red line blocks: every way along the roads runs through it.
struct BlockedExtension {
    std::size_t town = 0;
    std::string utility;
    double length_km = 0, redline_km = 0;   // the shortest way, and how much of it runs through the red line
    std::size_t villages = 0;               // villages it would have joined
};

struct UtilitySummary {
    std::string utility;
    bool has_data = false;
    std::size_t lines = 0, plants = 0, polygons = 0;
    std::size_t plants_on_network = 0;       // joined to a line: serve through the network
    std::size_t plants_default_radius = 0;   // stand-alone with no radius_m: the default radius, counted
    std::size_t towns_served = 0, towns_partial = 0, towns_none = 0;
};

struct CoverageResult {
    std::vector<TownCoverage> towns;          // row i: Settlements::towns[i]
    std::vector<VillageCoverage> villages;    // row i: Settlements::villages[i]
    std::vector<Gap> gaps;
    std::vector<Extension> extensions;
    std::vector<BlockedExtension> blocked;   // not proposed: the red line is in the way
    std::vector<UtilitySummary> summary;
    std::vector<Words> notes;   // plain-words warnings for the report
    std::size_t towns_without_area = 0, extensions_too_long = 0;
    std::size_t township_polygons = 0;   // town polygons taken as territories (larger than max_town_polygon_km2)
};

// Each town's area as coverage takes it (see the top), in the working CRS: its built-up polygons,
// else its own polygon (up to max_town_polygon_km2), else, for a larger polygon (a territory), its
// urban development boundary, else the circle of its population; with how many territories were
// left a circle and how many towns had no population.
struct TownAreas {
    std::vector<GeomPtr> area;              // row i: Settlements::towns[i]
    std::vector<std::string> source;        // TownCoverage::area_source
    std::vector<double> km2;
    std::vector<GeomPtr> boundary;          // its urban development boundary (by town field or holding the seat); null: none
    std::size_t township_polygons = 0, without_population = 0;
    std::string largest_township;           // "name (id)" of the largest territory
    double largest_township_km2 = 0;
};
// With boundary_as_area false a boundary is only looked up, not taken as the area (land measures
// the built-up area inside it).
TownAreas town_areas(const Study& study, const Settlements& settlements, const CoverageOptions& options, bool boundary_as_area = true);

struct BottomLines;   // analysis/land.h

// The settlements must be snapped onto `graph`. `bottom`: the study's farmland and red line, when
// the caller has them already (else they are read from the study).
CoverageResult compute_coverage(const Study& study, const RoadGraph& graph, const Settlements& settlements, const CoverageOptions& options,
                                const Progress& progress = {}, const BottomLines* bottom = nullptr);

// The utilities coverage knows, in output order.
const std::vector<std::string>& utility_names();
// A utility's Chinese name (供水, 燃气, 供热, 污水, 垃圾转运), and its label in `lang` ("供水", "water", "供水 water").
const char* utility_zh(const std::string& utility);
std::string utility_label(const std::string& utility, Lang lang);
// A status that is a gap: partial or none ("no data" is not).
inline bool is_gap(const std::string& status) { return status == "partial" || status == "none"; }
// A status in `lang`: 已覆盖 served, 部分覆盖 partial, 未覆盖 none, 无数据 no data (and anything else).
std::string status_text(Lang lang, const std::string& status);

}  // namespace townsite
