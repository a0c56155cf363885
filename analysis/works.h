// works: the works list (项目清单) of the demonstration towns, one row per proposed work: a network
// extension per utility (coverage), a dead-end link (access), the service places missing (services).
// Each with its quantity (km or places), the people it serves, the protected sites it passes, and
// its cost when [costs] gives a unit cost (never invented: without one the cost stays empty).
// Within each town the works are sorted by people served per 万元 (then by people served).
//
//   [costs]                             # 万元 (10,000 yuan); example values in the sample
//   pipe_per_km = { water = 80, gas = 120 }
//   road_per_km = 300
//   place = { elderly_care = 6 }
//
//   std::vector<Work> w = works_list(settlements, tier_of, &coverage, access, services, costs);
#pragma once

#include "analysis/access.h"
#include "analysis/coverage.h"
#include "analysis/services.h"
#include "analysis/settlements.h"
#include "geo/options.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace townsite {

struct CostOptions {
    std::map<std::string, double> pipe_per_km;   // utility -> 万元 per km of network extension
    double road_per_km = NAN;                    // 万元 per km of dead-end link
    std::map<std::string, double> place;         // facility kind -> 万元 per place
};

const Options<CostOptions>& cost_option_table();
CostOptions cost_options(const StudyConfig& config);

struct Work {
    std::size_t town = 0;             // row of the town
    std::string kind;                 // network_extension, dead_end_link, service_places
    std::string what;                 // the utility, the dead-end road's id, the facility kind
    double quantity = 0;              // km (extension, link) or places
    std::string unit;                 // "km" or "places"
    double people = 0;                // served: an extension's villages and gap; the town's people within a link's length of
                                      // the dead end; the people short of the places standard
    std::string protected_sites;      // the sites an extension passes (names, "、"-joined)
    double farmland_km = NAN;         // of an extension or link through permanent basic farmland (NaN: not known)
    double redline_detour_km = NAN;   // an extension longer by this to keep out of the ecological red line
    double cost = NAN;                // 万元, when [costs] has the unit cost
    double x = 0, y = 0;              // where: the dead end, else the town's seat (working CRS)
    double people_per_cost() const { return cost > 0 ? people / cost : NAN; }
};

// A work in `lang`: "管网延伸（供水）", "network extension (water)", "断头路打通（R17）", ...
std::string work_text(Lang lang, const Work& w);

// The works of the towns with tier_of[i] >= 0, ordered by tier, prefecture and county code and town
// id, and within a town by people per 万元 (then people served, then kind and what). coverage may be
// null (no extensions then).
std::vector<Work> works_list(const Settlements& settlements, const std::vector<int>& tier_of, const CoverageResult* coverage,
                             const AccessResult& access, const ServiceResult& services, const AccessOptions& access_options,
                             const CostOptions& costs);

}  // namespace townsite
