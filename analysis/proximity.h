// proximity: where each town lies with respect to the policy's priority areas (重点区域): the
// Changchun metropolitan circle, the surroundings of the other cities, the national border, and
// its county's standing (border county, provincial key-assistance county), plus the node-town
// flag of the territorial plan and the protected sites near it (for culture and tourism towns).
//
//   ProximityOptions opt = proximity_options(study.config);
//   std::vector<TownProximity> p = compute_proximity(study, settlements, access, opt);
//   p[i].in_metro, p[i].metro_km, p[i].border_km ...
//
// Towns are taken at their seat point (a point inside polygons). Straight-line distances are
// planar in the study's equal-area working CRS (its scale error, which inspect prints, is far
// below a kilometre over the province); travel times come from the access step.
#pragma once

#include "analysis/access.h"
#include "geo/study.h"

#include <string>
#include <vector>

namespace townsite {

struct ProximityOptions {
    double city_surroundings_min = 30;   // within this drive of any prefecture seat: "city surroundings"
    double heritage_radius_km = 10;      // protected sites counted within this distance of the seat
};

// [proximity] of the config, each option declared once.
const Options<ProximityOptions>& proximity_option_table();
ProximityOptions proximity_options(const StudyConfig& config);

// One per row of Settlements::towns.
struct TownProximity {
    bool in_metro = false;               // inside a metropolitan area polygon
    double metro_km = NAN;               // to the nearest metropolitan area (0 inside); NaN without the layer
    double metro_core_min = NAN;         // drive to the metropolitan core (access)
    bool city_surroundings = false;      // within city_surroundings_min of a prefecture seat
    double nearest_city_min = NAN;       // drive to the nearest prefecture seat (access)
    std::string nearest_city;            // its name
    double border_km = NAN;              // to the national border; NaN without the layer
    bool border_county = false, key_assistance_county = false, node_town = false;
    int heritage_sites = 0;              // protected sites within heritage_radius_km
};

// One entry per town of `settlements`; `access` is their access result.
std::vector<TownProximity> compute_proximity(const Study& study, const Settlements& settlements, const AccessResult& access,
                                             const ProximityOptions& options);

}  // namespace townsite
