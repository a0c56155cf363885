// unit_summary: what was selected and what is missing per admin unit (a prefecture or a county),
// for the counties and prefectures layers of `run` and the report's tables per prefecture.
//
//   auto units = summarise_units(each(table.towns, &Settlement::county), selection, tiers, &coverage, county_codes);
//   units.at("220102").per_tier[0] ...
#pragma once

#include "analysis/coverage.h"
#include "analysis/selection.h"

#include <map>
#include <string>
#include <vector>

namespace townsite {

// What was selected and what is missing in one admin unit (a prefecture or a county).
struct UnitSummary {
    std::size_t towns = 0, eligible = 0;
    std::vector<std::size_t> per_tier;              // towns selected at each tier
    std::map<std::string, std::size_t> gap_towns;   // utility -> towns whose status is partial or none
    std::map<std::string, double> gap_km2, extension_km;
};
// The towns grouped by unit_of[i] (a code or a name per town), in key order; coverage may be null.
// Every key of `units` is there too, with zeros when no town belongs to it.
std::map<std::string, UnitSummary> summarise_units(const std::vector<std::string>& unit_of, const Selection& selection, std::size_t tiers,
                                                   const CoverageResult* coverage, const std::vector<std::string>& units = {});

}  // namespace townsite
