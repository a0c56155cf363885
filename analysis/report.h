// report: the HTML report of a run, one self-contained file (inline SVG and CSS, no scripts, no
// network), with Chinese and English headings: the study and its parameters, data quality, maps
// (demonstration towns by tier, coverage gaps, isochrones of the city cores), tables per prefecture,
// the demonstration towns with their reasons, and charts (score distribution with the tiers'
// cut-offs, indicator contributions of the provincial towns, stability under other weights), and the
// towns whose tier changes between the scenarios of the config.
//
//   ReportInput in{&study, &graph, ...};
//   std::string html = html_report(in);   // the caller writes it
//
// Maps are drawn in the study's working CRS (equal-area), north up.
#pragma once

#include "analysis/selection.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace townsite {

struct ReportInput {
    const Study* study = nullptr;
    const RoadGraph* graph = nullptr;
    const AccessResult* access = nullptr;
    const CoverageOptions* coverage_options = nullptr;
    const CoverageResult* coverage = nullptr;
    const TownTable* table = nullptr;
    const ScoringOptions* scoring = nullptr;
    const Scores* scores = nullptr;
    const std::vector<TownType>* types = nullptr;
    const SelectionOptions* selection_options = nullptr;
    const Selection* selection = nullptr;
    const Sensitivity* sensitivity = nullptr;                   // may be null
    std::vector<std::string> scenario_names;                    // [[scenarios]] of the config
    std::vector<std::vector<int>> scenario_tiers;               // [scenario][town]: tier index, -1 none
    std::string version;
};

std::string html_report(const ReportInput& in);

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

// Pieces the compare report shares.
std::string html_escape(const std::string& text);
std::string html_page(const std::string& title, const std::string& body);

}  // namespace townsite
