// settlements: the towns and villages of a study, read once. Each row has the settlement's id, name
// and kind, its units (county and prefecture, codes and names; a village's town), its seat point, its
// snap onto the road network, its population and its area. Every analysis takes this table and
// returns one row per settlement in its order, so rows line up by construction: row i of
// AccessResult::towns, CoverageResult::towns and the proximity list is settlements.towns[i].
//
//   Settlements s = read_settlements(study);        // no road network needed (inspect, quotas)
//   snap_settlements(s, graph);                     // each seat onto the roads, once
//   AccessResult a = compute_access(study, graph, s, access_options(study.config));
//   a.towns[i].county_seat_min ... s.towns[i].name
#pragma once

#include "geo/road_graph.h"
#include "geo/study.h"

#include <boost/container/flat_map.hpp>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace townsite {

// A settlement's values by a short name (facility kind, utility), sorted by name: a sorted vector,
// not a tree, since a country's 700,000 villages hold four of these each (about half the memory).
template <class V>
using ByName = boost::container::flat_map<std::string, V>;

struct Settlement {
    std::string id, name;
    std::string kind;                                        // towns: 镇, 乡, 街道 as the layer gives it
    std::string county, county_name, prefecture, prefecture_name;   // codes and names (a village's through its town)
    std::string town;                                        // villages: the id of their town
    double x = 0, y = 0;                                     // seat: the point, or a point inside the polygon (working CRS)
    Snap snap;                                               // onto the road network; not ok until snapped, or when too far
    double population = NAN;                                 // persons; NaN when the layer gives none
    double area_km2 = NAN;                                   // the polygon's area on the ellipsoid; NaN for a point
    const Layer* layer = nullptr;                            // where it was read (null in hand-made tables)
    const Feature* feature = nullptr;

    double population_or(double missing) const { return std::isnan(population) ? missing : population; }
};

struct Settlements {
    std::vector<Settlement> towns, villages;                 // the towns layers, then the villages layers, in config order
    std::vector<const Layer*> town_layers, village_layers;

    // The row of a town id (the first when ids repeat), or nothing.
    std::optional<std::size_t> town_row(const std::string& id) const;
    // Rows of villages by the id of their town, in row order.
    std::map<std::string, std::vector<std::uint32_t>> villages_by_town() const;
    // Rows of towns by county code, in row order.
    std::map<std::string, std::vector<std::uint32_t>> towns_by_county() const;

    std::map<std::string, std::size_t> town_rows;            // filled by read_settlements
};

// Reads the towns and villages roles: identity, units (through the counties and prefectures
// layers), seat, population, area. Snaps stay empty.
Settlements read_settlements(const Study& study);

// Snaps every seat onto the graph.
void snap_settlements(Settlements& settlements, const RoadGraph& graph);
// Both: the table every analysis on this graph takes.
Settlements read_settlements(const Study& study, const RoadGraph& graph);

// One member of every row, e.g. each(towns, &Settlement::county) for the towns' county codes.
std::vector<std::string> each(const std::vector<Settlement>& rows, std::string Settlement::*member);

// The seat as a point geometry (working CRS), for layers of settlements drawn at their seats.
GeomPtr seat_point(const GeosContext& geos, const Settlement& settlement);

}  // namespace townsite
