// town_table: every town with every number the steps before scoring produce, by field name, so that
// the config can name any of them as an indicator or in a town-type rule: the towns layer's own
// fields (population, industry_output, dev_land and [layers.towns.extra_fields]), the access step
// (county_seat_min, metro_core_min, clinic_min, school_e2sfca, pop_30min, ...), the coverage step
// (water_share_pct, gas_gap_km2, ...) and proximity (in_metro, metro_km, border_km, ...). Yes/no
// values are 1/0; missing ones NaN.
//
//   TownTable t = build_town_table(settlements, access, access_opt, &coverage, proximity);
//   const std::vector<double>& pop = t.column("population");   // throws Error naming the choices
//   t.towns[i].name, t.towns[i].county_name ...                // the settlement row of town i
#pragma once

#include "analysis/access.h"
#include "analysis/columns.h"
#include "analysis/coverage.h"
#include "analysis/land.h"
#include "analysis/proximity.h"

#include <map>
#include <string>
#include <vector>

namespace townsite {

struct TownTable {
    std::vector<Settlement> towns;                         // the spine: row i of every column is towns[i]
    std::vector<TownProximity> proximity;
    std::vector<Column> columns;                           // numeric columns (registered in analysis/columns), in output order
    std::map<std::string, std::vector<double>> values;     // column -> one value per town
    std::vector<Column> text_columns;                      // text columns (coverage status per utility), in output order
    std::map<std::string, std::vector<std::string>> texts;

    std::size_t size() const { return towns.size(); }
    bool has(const std::string& column) const { return values.count(column) > 0; }
    // Throws Error (with the closest column name and the list of columns) when there is no such column.
    const std::vector<double>& column(const std::string& column, const std::string& asked_in = "") const;
    // A Flag column holds 1, 0 or NaN.
    void add(const Column& column, std::vector<double> v);
    void add_text(const Column& column, std::vector<std::string> v);
};

// coverage and land may be null: then their columns are absent.
TownTable build_town_table(const Settlements& settlements, const AccessResult& access, const AccessOptions& access_options,
                           const CoverageResult* coverage, const std::vector<TownProximity>& proximity, const LandResult* land = nullptr);

// True when one of these column names is one the coverage step produces (water_share_pct, ...).
bool is_coverage_column(const std::string& column);

}  // namespace townsite
