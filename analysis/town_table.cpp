#include "analysis/town_table.h"

#include "geo/error.h"
#include "geo/text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace townsite {

namespace {

// The coverage step's numeric families, per utility.
const std::vector<std::string_view>& coverage_families() {
    static const std::vector<std::string_view> f = {"{utility}_share_pct", "{utility}_pop_share_pct", "{utility}_seat_m", "{utility}_gap_km2"};
    return f;
}

double flag(bool b) { return b ? 1.0 : 0.0; }
double pct(double share) { return std::isfinite(share) ? share * 100 : NAN; }

}  // namespace

bool is_coverage_column(const std::string& column) {
    for (const auto& u : utility_names())
        for (std::string_view f : coverage_families())
            if (column == townsite::column("towns", f, fill_of("{utility}", u)).name) return true;
    return false;
}

const std::vector<double>& TownTable::column(const std::string& c, const std::string& asked_in) const {
    if (auto it = values.find(c); it != values.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& col : columns) names.push_back(col.name);
    throw Error("no town field \"" + c + "\"" + (asked_in.empty() ? "" : " (asked for in " + asked_in + ")") + did_you_mean(c, names))
        .with_field(c)
        .with_hint("use one of the fields the steps produce: " + join(names) +
                   "; to score a column of the towns layer that townsite has no name for, map it in "
                   "[layers.towns.extra_fields].");
}

void TownTable::add(const Column& c, std::vector<double> v) {
    if (!values.count(c.name)) columns.push_back(c);
    values[c.name] = std::move(v);
}

void TownTable::add_text(const Column& c, std::vector<std::string> v) {
    if (!texts.count(c.name)) text_columns.push_back(c);
    texts[c.name] = std::move(v);
}

TownTable build_town_table(const Settlements& settlements, const AccessResult& access, const AccessOptions& aopt,
                           const CoverageResult* coverage, const std::vector<TownProximity>& proximity, const LandResult* land) {
    TownTable t;
    t.towns = settlements.towns;
    t.proximity = proximity;
    const std::size_t n = settlements.towns.size();
    // The towns layers' own numbers: the role's numeric fields that are bound, and the extra ones.
    std::vector<std::string> source_columns;
    for (const Layer* l : settlements.town_layers)
        for (const FieldBinding& b : l->info.fields)
            if ((b.type == FieldType::Real || b.type == FieldType::Integer) && !b.source_field.empty() &&
                std::find(source_columns.begin(), source_columns.end(), b.name) == source_columns.end())
                source_columns.push_back(b.name);
    std::map<std::string, std::vector<double>> source_values;
    for (const auto& c : source_columns) source_values[c].reserve(n);
    for (const Settlement& s : settlements.towns)
        for (const auto& c : source_columns) source_values[c].push_back(s.layer->number(*s.feature, c).value_or(NAN));
    for (const auto& c : source_columns) {
        // The towns layer's named numbers are registered; a column of [layers.towns.extra_fields] keeps its own name.
        const bool named = c == "population" || c == "industry_output" || c == "dev_land" || c == "node_town";
        t.add(named ? column("towns", c) : column("towns", "{extra_field}", {c, c, c}), std::move(source_values[c]));
    }

    auto from_proximity = [&](std::string_view c, auto get) {
        std::vector<double> v;
        for (const auto& p : proximity) v.push_back(get(p));
        t.add(column("towns", c), std::move(v));
    };
    from_proximity("node_town", [](const TownProximity& p) { return flag(p.node_town); });
    from_proximity("in_metro", [](const TownProximity& p) { return flag(p.in_metro); });
    from_proximity("metro_km", [](const TownProximity& p) { return p.metro_km; });
    from_proximity("metro_core_min", [](const TownProximity& p) { return p.metro_core_min; });
    from_proximity("city_surroundings", [](const TownProximity& p) { return flag(p.city_surroundings); });
    from_proximity("nearest_city_min", [](const TownProximity& p) { return p.nearest_city_min; });
    from_proximity("border_km", [](const TownProximity& p) { return p.border_km; });
    from_proximity("border_county", [](const TownProximity& p) { return flag(p.border_county); });
    from_proximity("key_assistance_county", [](const TownProximity& p) { return flag(p.key_assistance_county); });
    from_proximity("heritage_sites", [](const TownProximity& p) { return double(p.heritage_sites); });

    auto from_access = [&](const Column& c, auto get) {
        std::vector<double> v;
        for (const auto& a : access.towns) v.push_back(get(a));
        t.add(c, std::move(v));
    };
    auto from_snap = [&](std::string_view c, auto get) {
        std::vector<double> v;
        for (const auto& s : settlements.towns) v.push_back(get(s.snap));
        t.add(column("towns", c), std::move(v));
    };
    from_access(column("towns", "county_seat_min"), [](const TownAccess& a) { return a.county_seat_min; });
    from_access(column("towns", "county_seat_km"), [](const TownAccess& a) { return a.county_seat_km; });
    from_access(column("towns", "prefecture_seat_min"), [](const TownAccess& a) { return a.prefecture_seat_min; });
    from_access(column("towns", "metro_core_km"), [](const TownAccess& a) { return a.metro_core_km; });
    from_access(column("towns", "prefecture_seat_km"), [](const TownAccess& a) { return a.prefecture_seat_km; });
    from_access(column("towns", "nearest_city_km"), [](const TownAccess& a) { return a.nearest_prefecture_seat_km; });
    from_snap("snap_m", [](const Snap& s) { return s.snap_m; });
    from_snap("reachable", [](const Snap& s) { return flag(s.ok); });
    from_access(column("towns", "no_route_to_seat"), [](const TownAccess& a) { return flag(a.no_route_to_seat); });
    for (const auto& k : access.facility_kinds) {
        from_access(column("towns", "{kind}_min", fill_of("{kind}", k)),
                    [&k](const TownAccess& a) { return a.facility_min.count(k) ? a.facility_min.at(k) : NAN; });
        from_access(column("towns", "{kind}_e2sfca", fill_of("{kind}", k)),
                    [&k](const TownAccess& a) { return a.e2sfca.count(k) ? a.e2sfca.at(k) : NAN; });
    }
    for (std::size_t th = 0; th < aopt.thresholds_min.size(); ++th) {
        char minutes[32];
        std::snprintf(minutes, sizeof minutes, "%.0f", aopt.thresholds_min[th]);
        from_access(column("towns", "pop_{minutes}min", fill_of("{minutes}", minutes)),
                    [th](const TownAccess& a) { return th < a.catchment_pop.size() ? a.catchment_pop[th] : NAN; });
    }
    if (coverage) {
        std::vector<double> area;
        for (const auto& c : coverage->towns) area.push_back(c.area_km2);
        t.add(column("towns", "area_km2"), std::move(area));
    }
    if (coverage)
        for (const auto& u : utility_names()) {
            std::vector<std::string> status;
            for (const auto& c : coverage->towns) status.push_back(c.utilities.at(u).status);
            t.add_text(column("towns", "{utility}_status", fill_of("{utility}", u)), std::move(status));
        }
    if (coverage)
        for (const auto& u : utility_names())
            for (std::string_view family : coverage_families()) {
                std::vector<double> v;
                for (const auto& c : coverage->towns) {
                    const UtilityCoverage& uc = c.utilities.at(u);
                    if (family == "{utility}_share_pct") v.push_back(pct(uc.share_area));
                    else if (family == "{utility}_pop_share_pct") v.push_back(pct(uc.share_population));
                    else if (family == "{utility}_seat_m") v.push_back(uc.seat_to_network_m);
                    else v.push_back(uc.gap_km2);
                }
                t.add(column("towns", family, fill_of("{utility}", u)), std::move(v));
            }
    if (land) {
        auto from_land = [&](std::string_view c, auto get) {
            std::vector<double> v;
            for (const TownLand& l : land->towns) v.push_back(get(l));
            t.add(column("towns", c), std::move(v));
        };
        from_land("zone_km2", [](const TownLand& l) { return l.zone_km2; });
        from_land("room_km2", [](const TownLand& l) { return l.room_km2; });
        from_land("room_share_pct", [](const TownLand& l) { return pct(l.room_share); });
        from_land("farmland_share_pct", [](const TownLand& l) { return pct(l.farmland_share); });
        from_land("redline_share_pct", [](const TownLand& l) { return pct(l.redline_share); });
        std::vector<std::string> source;
        for (const TownLand& l : land->towns) source.push_back(l.zone_source);
        t.add_text(column("towns", "zone_source"), std::move(source));
    }
    return t;
}

}  // namespace townsite
