// services: public services (elderly care, childcare, schools, clinics, ...) against the standards
// of the config. Per facility kind that [services.<kind>] names: the longest acceptable drive to the
// nearest facility, and the places per 1,000 people within reach (the E2SFCA index of access, which
// is places per person, times 1,000). Per village and per town (its seat and its villages together):
// which standard is met, the people beyond the drive, and the places missing to reach the standard.
// There are no defaults: a kind without a section has no standard, a standard without a value is not
// checked.
//
//   [services.elderly_care]
//   max_min = 30             # example value
//   places_per_1000 = 30     # example value
//
//   ServiceOptions opt = service_options(config);
//   ServiceResult r = assess_services(settlements, access, opt);
//   r.towns[k][i].pop_outside ... (kind r.kinds[k], row i of settlements.towns)
#pragma once

#include "analysis/access.h"
#include "analysis/settlements.h"
#include "analysis/town_table.h"
#include "geo/options.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace townsite {

struct ServiceStandard {
    double max_min = NAN;           // the longest acceptable drive to the nearest facility (NaN: not checked)
    double places_per_1000 = NAN;   // places within reach per 1,000 people (NaN: not checked)
};

struct ServiceOptions {
    std::map<std::string, ServiceStandard> standards;   // facility kind -> its standard
    std::string config_path;
};

const Options<ServiceOptions>& service_option_table();
ServiceOptions service_options(const StudyConfig& config);

// One kind, one village or one town (its seat and its villages). NaN where the standard has no such
// value or the access step has none (no capacities: no places).
struct ServiceStatus {
    double time_met = NAN;          // 1: everyone within max_min of the nearest facility, 0: not
    double pop_outside = NAN;       // persons beyond max_min (or with no route)
    double places_per_1000 = NAN;   // population-weighted E2SFCA x 1,000
    double places_met = NAN;        // 1: places_per_1000 >= the standard, 0: not
    double places_missing = NAN;    // places to add for the standard: sum over settlements of (standard - theirs) x people / 1,000
    double people_short = NAN;      // people of the settlements short of the places standard (whom the missing places serve)
};

struct ServiceResult {
    std::vector<std::string> kinds;                  // the kinds with a standard, in name order
    std::vector<ServiceStandard> standards;          // per kind
    std::vector<std::vector<ServiceStatus>> towns;   // [kind][town row]
    std::vector<std::vector<ServiceStatus>> villages;   // [kind][village row]
};

// Throws Error (with the kinds the facilities layer has) when a standard names a kind with no
// facility, or asks for places where no facility of the kind has a capacity.
ServiceResult assess_services(const Settlements& settlements, const AccessResult& access, const ServiceOptions& options);

// Adds the towns' columns ({kind}_time_met, {kind}_pop_outside, {kind}_places_per_1000,
// {kind}_places_met, {kind}_places_missing, as the standard has them) to the town table, where
// indicators and type rules can read them.
void add_service_columns(TownTable& table, const ServiceResult& services);

// The villages' columns of the same kinds, as (column, value per village), for the villages layer.
std::vector<std::pair<Column, std::vector<double>>> village_service_columns(const ServiceResult& services);

}  // namespace townsite
