// access: how well towns and villages reach what the policy cares about, on the road network.
// For every town: minutes and km to its county seat, its prefecture seat, the nearest prefecture
// seat and the metropolitan core; to the nearest facility of each kind; the population within 15,
// 30 and 60 minutes (its catchment). For every village: minutes to the nearest town and to its own.
// Public services: an enhanced two-step floating catchment area index (E2SFCA, Luo & Qi 2009) per
// facility kind. Isochrones of the city cores and chosen towns; road problems (dead ends,
// disconnected components, towns with no route to their county seat).
//
//   AccessOptions opt = access_options(study.config);
//   RoadGraph g = build_road_graph(study, network_options(study.config));
//   Settlements s = read_settlements(study);
//   snap_settlements(s, g);
//   AccessResult r = compute_access(study, g, s, opt, progress);
//   r.towns[i].county_seat_min ... (row i is s.towns[i])
//
// Times are minutes, distances km along the fastest route, populations persons. Unreachable
// values are NaN (written as empty fields), never a made-up number.
#pragma once

#include "analysis/settlements.h"
#include "geo/options.h"
#include "geo/progress.h"
#include "geo/road_graph.h"
#include "geo/study.h"
#include "geo/text.h"

#include <map>
#include <string>
#include <vector>

namespace townsite {

struct AccessOptions {
    std::vector<double> thresholds_min = {15, 30, 60};   // catchments and isochrones
    std::vector<std::string> isochrone_towns;            // town ids whose isochrones are drawn too
    double isochrone_buffer_m = 200;                     // half-width of the band around reached roads
    std::string metro_core;                              // city_cores id of the metropolitan core
    std::string metro_prefecture = "220100";             // else: the core of this prefecture (Changchun)
    double dead_end_settlement_m = 150;                  // a dead end this close to a settlement is its access road
    double dead_end_boundary_m = 1000;                   // ... or this close to the study boundary: the road goes on
    double own_town_max_min = 180;                       // search limit for village -> own town
    double dead_end_link_m = 2000;                       // a dead end's link to another road at most this long (0: none proposed)
    double dead_end_link_detour = 3;                     // ... where the way round by road is more than this many times longer
    double dead_end_link_clearance_m = 200;              // ... and the link passes no protected site this close
    // E2SFCA: catchment and step weights (Luo & Qi 2009's Gaussian steps 1.00, 0.68, 0.22).
    double e2sfca_catchment_min = 30;
    std::vector<std::pair<double, double>> e2sfca_weights = {{10, 1.0}, {20, 0.68}, {30, 0.22}};
};

// [access] of the config: every option declared once (key, range, unit, default, help).
const Options<AccessOptions>& access_option_table();
AccessOptions access_options(const StudyConfig& config);

// A facility kind in Chinese (elderly_care 养老机构, childcare 托育机构, school 学校, clinic 卫生院);
// another kind as it is spelt.
std::string facility_kind_zh(const std::string& kind);

// The E2SFCA distance-decay weight for a travel time (0 outside the catchment).
double e2sfca_weight(const AccessOptions& opt, double minutes);

struct Seat {
    std::string id, name;   // the admin unit's
    double x = 0, y = 0;    // working CRS
    bool from_fields = false;  // seat_lon/seat_lat given; else a point inside the polygon
    Snap snap;
};

// One per row of Settlements::towns.
struct TownAccess {
    double county_seat_min = NAN, county_seat_km = NAN;
    double prefecture_seat_min = NAN, prefecture_seat_km = NAN;
    double nearest_prefecture_seat_min = NAN, nearest_prefecture_seat_km = NAN;
    std::string nearest_prefecture;
    double metro_core_min = NAN, metro_core_km = NAN;
    ByName<double> facility_min;   // kind -> minutes to the nearest one
    std::vector<double> catchment_pop;            // per threshold
    ByName<double> e2sfca;         // kind -> accessibility index
    bool no_route_to_seat = false;
};

// One per row of Settlements::villages.
struct VillageAccess {
    double nearest_town_min = NAN;
    std::string nearest_town;
    double own_town_min = NAN;
    ByName<double> facility_min;
    ByName<double> e2sfca;
};

struct Isochrone {
    std::string origin_role, origin_id, origin_name;
    double minutes = 0;
    GeomPtr polygon;   // working CRS
    double area_km2 = 0;
    double road_km = 0;  // length of road reached
};

struct DeadEnd {
    std::uint32_t node = 0;
    double x = 0, y = 0;
    std::string road_id;
    double nearest_settlement_m = NAN;
    std::size_t town = 0;                 // row of the nearest town seat (straight line): its town and county
    // The proposed link (断头路打通): a straight line to the nearest other road within
    // dead_end_link_m whose way round by road is more than dead_end_link_detour times longer, that
    // passes no protected site within dead_end_link_clearance_m and does not enter the ecological
    // red line (eco_redline). NaN link_m: none, and why.
    double link_m = NAN;
    double link_x = 0, link_y = 0;        // where it meets the other road
    std::string link_road_id;
    double road_m_now = NAN;              // the way round by road today between its two ends (NaN: not joined)
    double link_farmland_m = NAN;         // of the link through permanent basic farmland (NaN without the farmland layer)
    Words no_link;                        // why none: no other road near, the roads near are joined already, a protected site,
                                          // the ecological red line
};

// A component's roads in one county: where the middle of each road piece lies ("" outside every
// county); towns and villages by their own county.
struct ComponentPart {
    std::string county, county_name;
    double length_km = 0;
    std::vector<std::uint32_t> pieces;
    std::vector<std::string> towns;
    std::size_t villages = 0;
};

struct Component {
    int rank = 0;            // 1: the main network (the longest)
    double length_km = 0;
    std::vector<std::string> towns;   // town ids snapped onto it
    std::size_t villages = 0;
    // Cut by county, in the counties layer's order ("" last): one feature each in road_components,
    // so that no feature grows with the network (whole, the main one was 14 MB at 25 provinces).
    std::vector<ComponentPart> parts;
};

struct FacilityKindSummary {
    std::string kind;
    std::size_t facilities = 0, with_capacity = 0;
    double unserved_population = 0;   // settlements with no such facility within the catchment
};

struct AccessResult {
    std::vector<TownAccess> towns;          // row i: Settlements::towns[i]
    std::vector<VillageAccess> villages;    // row i: Settlements::villages[i]
    std::vector<Seat> county_seats, prefecture_seats;
    std::vector<std::string> facility_kinds;                 // sorted
    std::vector<FacilityKindSummary> facility_summary;
    std::vector<Isochrone> isochrones;
    std::vector<DeadEnd> dead_ends;
    std::vector<Component> components;
    std::size_t unreachable_towns = 0, unreachable_villages = 0, unreachable_facilities = 0;
    std::vector<std::pair<std::string, double>> unreachable_examples;  // (role/id, snap distance m)
    std::string metro_core_id;
    std::vector<Words> notes;   // plain-words warnings for the report
};

struct BottomLines;   // analysis/land.h

// The settlements must be snapped onto `graph`. `bottom`: the study's farmland and red line, when
// the caller has them already (else they are read from the study).
AccessResult compute_access(const Study& study, const RoadGraph& graph, const Settlements& settlements, const AccessOptions& options,
                            const Progress& progress = {}, const BottomLines* bottom = nullptr);

// Each dead end's town (the nearest town seat) and its proposed link to another road (see DeadEnd).
// compute_access calls it; for tests.
void link_dead_ends(const Study& study, const RoadGraph& graph, const Settlements& settlements, const AccessOptions& options,
                    std::vector<DeadEnd>& dead_ends, const BottomLines* bottom = nullptr);

// Seats of the admin units: seat_lon/seat_lat when the layer has them, else a point inside.
std::vector<Seat> admin_seats(const Study& study, const std::string& role);

}  // namespace townsite
