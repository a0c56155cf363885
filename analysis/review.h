// review: the yearly review (年度评估) of the demonstration towns designated in a base run. The base
// run's list is held fixed; each later year's run says what has been done since: the utility gaps
// closed and opened, the network built inside the corridors of the extensions the base run proposed,
// the service standards newly met, and how much of each town's works list is done. Figures per town,
// and totals per tier, prefecture and county, for every year.
//
//   std::vector<Corridor> c = extension_corridors(base_extensions, 50.0, measure, geos);   // per town and utility
//   built_in_corridors(c, year_networks, measure, geos);            // km built per corridor and year
//   Review r = review(base, years, works, c);                       // one ReviewTown per town and year
//   std::string page = html_review(r, Lang::zh);                            // review.html
//
// A gap is a utility status of "partial" or "none" (as compare counts them). A work is done to the
// share of it the year shows: an extension by the km built in its corridor over the km proposed, a
// dead-end link when the dead end is gone from the year's run, missing service places by the places
// no longer missing; a work counts as done from kDoneShare of it on.
#pragma once

#include "geo/handles.h"
#include "geo/text.h"

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace townsite {

class Measure;

// A town as one run's towns layer gives it.
struct ReviewTownState {
    std::string id, name, county, county_name, prefecture, prefecture_name;
    std::string tier, tier_zh;                        // the run's own selection (empty: not designated)
    double lon = NAN, lat = NAN;
    double population = NAN;
    std::map<std::string, std::string> status;       // utility -> served, partial, none, no data (read in utility_names() order)
    std::map<std::string, bool> standards;           // "elderly_care_time", "elderly_care_places", ... -> met
    std::map<std::string, double> places_missing;    // facility kind -> places short of the standard
};

// What one run says: its label (the year), its towns by id and the dead-end roads it still finds.
struct ReviewRun {
    std::string label;
    int year = 0;
    std::map<std::string, ReviewTownState> towns;
    std::set<std::string> dead_end_roads;             // road ids of the road_dead_ends layer
};

// One work of the base run's works list.
struct ReviewWork {
    std::string town_id, kind, what;                  // kind: network_extension, dead_end_link, service_places
    double quantity = 0;                              // km or places
};

// The corridor of one proposed extension (a town and a utility), and what each year built in it.
struct Corridor {
    std::string town_id, utility;
    double proposed_km = 0;
    GeomPtr area;                                     // the extension buffered by the corridor width (working CRS)
    double units_per_m = 1;                           // working-CRS units per metre there (Measure::scale)
    std::vector<double> built_km;                     // per later year
    std::vector<GeomPtr> built;                       // per later year: the new network inside the corridor
};

// A work counts as done from this share of it on (an extension built to 90 % of its length).
constexpr double kDoneShare = 0.9;

// The corridors of the base run's extensions: each extension (lines, working CRS) buffered by
// `width_m` on the ground.
struct ExtensionLine {
    std::string town_id, utility;
    double length_km = 0;
    GeomPtr line;
};
std::vector<Corridor> extension_corridors(const std::vector<ExtensionLine>& extensions, double width_m, const Measure& measure,
                                          const GeosContext& geos);

// The network of one utility in one year (lines, working CRS).
using YearNetworks = std::map<std::string, std::vector<GeomPtr>>;   // utility -> lines

// Fills each corridor's built_km and built for every later year: the year's network inside the
// corridor that lies more than kSameLine_m from the base year's network (what was there already).
constexpr double kSameLine_m = 5.0;
void built_in_corridors(std::vector<Corridor>& corridors, const YearNetworks& base, const std::vector<YearNetworks>& years,
                        const Measure& measure, const GeosContext& geos);

// One designated town in one later year.
struct ReviewTown {
    const ReviewTownState* base = nullptr;            // as designated
    std::string year;                                 // the later run's label
    std::map<std::string, std::string> status;        // utility -> status this year ("" when the town is not in the run)
    int gaps_base = 0, gaps_now = 0, gaps_closed = 0, gaps_opened = 0;
    std::string closed, opened;                       // the utilities, ", "-joined
    double extension_km = 0, built_km = 0;            // proposed in the base run; built inside their corridors since (at most
                                                      // the km proposed, per extension)
    int standards_base = 0, standards_now = 0, newly_met = 0;
    std::string newly_met_list;                       // "elderly_care_places, childcare_time"
    int works = 0, works_done = 0;
    double works_share_sum = 0;                       // sum over the works of the share done (0..1)
    bool in_run = true;                               // false: the year's run has no such town
    double built_pct() const { return extension_km > 0 ? 100.0 * built_km / extension_km : NAN; }
    double works_done_pct() const { return works > 0 ? 100.0 * works_share_sum / works : NAN; }
};

// Totals of a group of designated towns (a tier, a prefecture, a county, the province) in one year.
struct ReviewTotal {
    std::string level;                                // province, tier, prefecture, county
    std::string code, name;                           // the tier's key and Chinese name; the unit's code and name
    std::string year;
    int towns = 0, gaps_base = 0, gaps_now = 0, gaps_closed = 0, gaps_opened = 0;
    double extension_km = 0, built_km = 0;            // built: at most the km proposed, per extension
    int newly_met = 0, works = 0, works_done = 0;
    double works_share_sum = 0;
    double built_pct() const { return extension_km > 0 ? 100.0 * built_km / extension_km : NAN; }
    double works_done_pct() const { return works > 0 ? 100.0 * works_share_sum / works : NAN; }
    void add(const ReviewTown& t);
};

struct Review {
    std::string base_label;
    std::vector<std::string> years;                   // the later runs' labels, in order
    std::vector<std::pair<std::string, std::string>> tiers;   // (key, Chinese name) in the base run's order
    std::vector<ReviewTown> towns;                    // per year, the designated towns in tier, prefecture, county, id order
    std::vector<ReviewTotal> totals;                  // per year: the province, then tiers, prefectures, counties
    double corridor_m = 0;
};

// The review: `tier_order` lists the base run's tiers in their order (key, Chinese name); `works`
// is the base run's works list; corridors carry built_km per year (built_in_corridors).
Review review(const ReviewRun& base, const std::vector<ReviewRun>& years, const std::vector<std::pair<std::string, std::string>>& tier_order,
              const std::vector<ReviewWork>& works, const std::vector<Corridor>& corridors, double corridor_m);

// The share (0..1) of one work done in `year`, whose run has the town as `now`; built_km: (town,
// utility) -> km built in the corridors, at most the km proposed.
double work_share_done(const ReviewWork& w, const ReviewTownState& now, const ReviewRun& year,
                       const std::map<std::pair<std::string, std::string>, double>& built_km);

// review.html: printable (A4), totals per tier with a chart across the years, per prefecture and
// county, and the towns.
std::string html_review(const Review& r, Lang lang);

}  // namespace townsite
