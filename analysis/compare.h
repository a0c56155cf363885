// compare: what changed for every town between two runs (for example the 2022 and the 2025 layers):
// coverage status and gap area per utility (gaps closed, opened, smaller, larger), the drive to the
// county seat, and the tier.
//
//   Comparison c = compare_runs(old_towns, new_towns);   // snapshots read from two runs' towns layers
//   c.towns[i].utilities.at("water").change == "closed"
//
// Towns are matched by id; a town in one run only is listed as such. A gap is a status of
// "partial" or "none"; "no data" on either side is not a change.
#pragma once

#include "geo/text.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace townsite {

struct TownSnapshot {
    std::string id, name, prefecture, prefecture_code;
    double lon = NAN, lat = NAN;
    std::map<std::string, std::string> status;   // utility -> served, partial, none, no data
    std::map<std::string, double> gap_km2;
    double county_seat_min = NAN;
    std::string tier;                            // empty: not selected
};

struct UtilityChange {
    std::string old_status, new_status;
    double old_gap_km2 = NAN, new_gap_km2 = NAN;
    std::string change;   // closed, opened, smaller, larger, same, no data
};

struct TownChange {
    std::string id, name, prefecture, prefecture_code;
    double lon = NAN, lat = NAN;
    bool in_old = false, in_new = false;
    std::map<std::string, UtilityChange> utilities;
    double old_county_seat_min = NAN, new_county_seat_min = NAN;
    std::string old_tier, new_tier;
    int gaps_closed = 0, gaps_opened = 0;
    bool changed = false;
};

struct UtilityChangeSummary {
    std::string utility;
    int closed = 0, opened = 0, smaller = 0, larger = 0;
    double closed_km2 = 0;   // gap area no longer there (closed gaps and the shrinking of the others)
    double opened_km2 = 0;   // new gap area (opened gaps and the growth of the others)
};

struct Comparison {
    std::vector<TownChange> towns;   // in the order of the new run, then towns of the old run only
    std::vector<UtilityChangeSummary> utilities;
    int tier_changes = 0, travel_changes = 0, only_old = 0, only_new = 0;
};

Comparison compare_runs(const std::vector<TownSnapshot>& old_run, const std::vector<TownSnapshot>& new_run,
                        const std::vector<std::string>& utilities);

// The report section (a whole page): totals per utility, per prefecture, and the towns that changed.
std::string html_comparison(const Comparison& c, const std::string& old_label, const std::string& new_label, Lang lang);

}  // namespace townsite
