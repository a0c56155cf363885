// report: the HTML report of a run, one self-contained file (inline SVG and CSS, no scripts, no
// network), with Chinese and English headings: the study and its parameters, data quality, maps
// (demonstration towns by tier, coverage gaps, isochrones of the city cores), tables per prefecture,
// the demonstration towns with their reasons, public services against the standards of the config,
// and charts (score distribution with the tiers'
// cut-offs, indicator contributions of the provincial towns, stability under other weights), and the
// towns whose tier changes between the scenarios of the config.
//
//   ReportInput in{&study, &graph, ...};
//   std::string html = html_report(in);   // the caller writes it
//
// Maps are drawn in the study's working CRS (equal-area), north up.
#pragma once

#include "analysis/selection.h"
#include "analysis/services.h"
#include "analysis/works.h"
#include "analysis/unit_summary.h"

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
    const LandResult* land = nullptr;                           // room to grow; null without the bottom-line layers
    const TownTable* table = nullptr;
    const ScoringOptions* scoring = nullptr;
    const Scores* scores = nullptr;
    const std::vector<TownType>* types = nullptr;
    const SelectionOptions* selection_options = nullptr;
    const Selection* selection = nullptr;
    const Sensitivity* sensitivity = nullptr;                   // may be null
    const ServiceResult* services = nullptr;                    // may be null or hold no standard
    const std::vector<Work>* works = nullptr;                   // the works list (town pages); may be null
    const std::vector<Settlement>* villages = nullptr;          // for the town pages' maps; may be null
    double heritage_radius_km = 10;                             // [proximity]: the town pages show the protected sites within it
    double land_radius_km = 2;                                  // [land] radius_km
    bool town_pages = false;                                    // the demonstration towns link to towns/<id>.html
    std::vector<Words> scenario_names;                          // [[scenarios]] of the config: their labels
    std::vector<std::vector<int>> scenario_tiers;               // [scenario][town]: tier index, -1 none
    std::string version;
    Lang lang = Lang::zh;                                       // of every heading, sentence, label and legend
};

std::string html_report(const ReportInput& in);

// An isochrone as the area it reaches at a map's scale, rather than a band along each reached road:
// the bands closed (grown by `radius_m`, then shrunk by it; GEOS buffers), so that land between
// reached roads less than twice the radius apart is filled and land farther from them stays out.
// Null when GEOS fails.
GeomPtr reached_area(const GeosContext& geos, const GEOSGeometry* bands, double radius_m);

// Pieces the compare report shares.
std::string html_escape(const std::string& text);
// A text written in both languages as HTML in `lang`; with both, the English below in small type.
std::string html_words(Lang lang, const std::string& zh, const std::string& en);
std::string html_page(const std::string& title, const std::string& body, Lang lang);
// A table: header cells and rows of cells, as HTML already (escape the text first); `cls` its class.
std::string html_table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows, const std::string& cls = "");

}  // namespace townsite
