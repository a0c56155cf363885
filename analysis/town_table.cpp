#include "analysis/town_table.h"

#include "geo/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace townsite {

namespace {

const std::vector<std::pair<std::string, std::string>>& coverage_suffixes() {
    static const std::vector<std::pair<std::string, std::string>> s = {{"_share_pct", "覆盖率 area served %"},
                                                                        {"_pop_share_pct", "人口覆盖率 population served %"},
                                                                        {"_seat_m", "镇驻地距管网 seat to network m"},
                                                                        {"_gap_km2", "缺口面积 gap km²"}};
    return s;
}

double flag(bool b) { return b ? 1.0 : 0.0; }
double pct(double share) { return std::isfinite(share) ? share * 100 : NAN; }

}  // namespace

bool is_coverage_column(const std::string& column) {
    for (const auto& u : utility_names())
        for (const auto& [suffix, label] : coverage_suffixes())
            if (column == u + suffix) return true;
    return false;
}

const std::vector<double>& TownTable::column(const std::string& c, const std::string& asked_in) const {
    if (auto it = values.find(c); it != values.end()) return it->second;
    std::string list;
    for (const auto& col : columns) list += (list.empty() ? "" : ", ") + col;
    const std::string near = closest_word(c, columns);
    throw Error("no town field \"" + c + "\"" + (asked_in.empty() ? "" : " (asked for in " + asked_in + ")") +
                (near.empty() ? "" : "; did you mean \"" + near + "\"?"))
        .with_field(c)
        .with_hint("use one of the fields the steps produce: " + list +
                   "; to score a column of the towns layer that townsite has no name for, map it in "
                   "[layers.towns.extra_fields].");
}

void TownTable::add(const std::string& c, const std::string& label, std::vector<double> v, bool is_flag) {
    if (!values.count(c)) columns.push_back(c);
    if (is_flag) flags.insert(c);
    labels[c] = label;
    values[c] = std::move(v);
}

TownTable build_town_table(const AccessResult& access, const AccessOptions& aopt,
                           const CoverageResult* coverage, const std::vector<TownProximity>& proximity) {
    TownTable t;
    t.proximity = proximity;
    const std::size_t n = access.towns.size();
    // The towns layers' own numbers: the role's numeric fields that are bound, and the extra ones.
    std::vector<std::string> source_columns;
    std::map<std::string, std::string> source_labels = {{"population", "人口 population"},
                                                        {"industry_output", "工业产值 industrial output (亿元)"},
                                                        {"dev_land", "可开发用地 land for development (ha)"}};
    for (const Layer* l : access.town_layers)
        for (const FieldBinding& b : l->info.fields)
            if ((b.type == FieldType::Real || b.type == FieldType::Integer) && !b.source_field.empty() &&
                std::find(source_columns.begin(), source_columns.end(), b.name) == source_columns.end())
                source_columns.push_back(b.name);
    std::map<std::string, std::vector<double>> source_values;
    for (const auto& c : source_columns) source_values[c].reserve(n);
    for (const Layer* l : access.town_layers)
        for (const Feature& f : l->features) {
            t.id.push_back(f.id);
            t.name.push_back(l->text(f, "name"));
            t.kind.push_back(l->text(f, "kind"));
            for (const auto& c : source_columns) source_values[c].push_back(l->number(f, c).value_or(NAN));
        }
    for (const auto& p : proximity) {
        t.county.push_back(p.county);
        t.county_name.push_back(p.county_name);
        t.prefecture.push_back(p.prefecture);
        t.prefecture_name.push_back(p.prefecture_name);
    }
    for (const auto& c : source_columns)
        t.add(c, source_labels.count(c) ? source_labels.at(c) : c, std::move(source_values[c]));

    auto from_proximity = [&](const std::string& c, const std::string& label, auto get, bool is_flag = false) {
        std::vector<double> v;
        for (const auto& p : proximity) v.push_back(get(p));
        t.add(c, label, std::move(v), is_flag);
    };
    from_proximity("node_town", "重要节点镇 node town", [](const TownProximity& p) { return flag(p.node_town); }, true);
    from_proximity("in_metro", "位于长春都市圈 in the metropolitan circle", [](const TownProximity& p) { return flag(p.in_metro); }, true);
    from_proximity("metro_km", "距都市圈 km to the metropolitan circle", [](const TownProximity& p) { return p.metro_km; });
    from_proximity("metro_core_min", "至都市圈核心 min to the metropolitan core", [](const TownProximity& p) { return p.metro_core_min; });
    from_proximity("city_surroundings", "城市周边 city surroundings", [](const TownProximity& p) { return flag(p.city_surroundings); }, true);
    from_proximity("nearest_city_min", "至最近市(州)政府 min to the nearest city", [](const TownProximity& p) { return p.nearest_city_min; });
    from_proximity("border_km", "距边境线 km to the border", [](const TownProximity& p) { return p.border_km; });
    from_proximity("border_county", "边境县 border county", [](const TownProximity& p) { return flag(p.border_county); }, true);
    from_proximity("key_assistance_county", "重点帮扶县 key-assistance county",
                   [](const TownProximity& p) { return flag(p.key_assistance_county); }, true);
    from_proximity("heritage_sites", "周边保护对象数 protected sites nearby", [](const TownProximity& p) { return double(p.heritage_sites); });

    auto from_access = [&](const std::string& c, const std::string& label, auto get, bool is_flag = false) {
        std::vector<double> v;
        for (const auto& a : access.towns) v.push_back(get(a));
        t.add(c, label, std::move(v), is_flag);
    };
    from_access("county_seat_min", "至县城 min to the county seat", [](const TownAccess& a) { return a.county_seat_min; });
    from_access("county_seat_km", "至县城 km to the county seat", [](const TownAccess& a) { return a.county_seat_km; });
    from_access("prefecture_seat_min", "至市(州)政府 min to the prefecture seat", [](const TownAccess& a) { return a.prefecture_seat_min; });
    from_access("metro_core_km", "至都市圈核心 km to the metropolitan core", [](const TownAccess& a) { return a.metro_core_km; });
    from_access("prefecture_seat_km", "至市(州)政府 km to the prefecture seat", [](const TownAccess& a) { return a.prefecture_seat_km; });
    from_access("nearest_city_km", "至最近市(州)政府 km to the nearest city", [](const TownAccess& a) { return a.nearest_prefecture_seat_km; });
    from_access("snap_m", "距道路 m to the road", [](const TownAccess& a) { return a.snap.snap_m; });
    from_access("reachable", "可达 reachable by road", [](const TownAccess& a) { return flag(a.snap.ok); }, true);
    from_access("no_route_to_seat", "无路通县城 no route to the county seat", [](const TownAccess& a) { return flag(a.no_route_to_seat); }, true);
    for (const auto& k : access.facility_kinds) {
        from_access(k + "_min", "至最近" + k + " min to the nearest " + k,
                    [&k](const TownAccess& a) { return a.facility_min.count(k) ? a.facility_min.at(k) : NAN; });
        from_access(k + "_e2sfca", k + " E2SFCA", [&k](const TownAccess& a) { return a.e2sfca.count(k) ? a.e2sfca.at(k) : NAN; });
    }
    for (std::size_t th = 0; th < aopt.thresholds_min.size(); ++th) {
        char name[32];
        std::snprintf(name, sizeof name, "pop_%.0fmin", aopt.thresholds_min[th]);
        from_access(name, std::string(name + 4) + "内人口 population within " + (name + 4),
                    [th](const TownAccess& a) { return th < a.catchment_pop.size() ? a.catchment_pop[th] : NAN; });
    }
    if (coverage) {
        std::vector<double> area;
        for (const auto& c : coverage->towns) area.push_back(c.area_km2);
        t.add("area_km2", "镇区面积 town area km²", std::move(area));
    }
    if (coverage)
        for (const auto& u : utility_names()) {
            std::vector<std::string> status;
            for (const auto& c : coverage->towns) status.push_back(c.utilities.at(u).status);
            t.text_columns.push_back(u + "_status");
            t.texts[u + "_status"] = std::move(status);
            t.labels[u + "_status"] = std::string(utility_zh(u)) + "状态 " + u + " status";
        }
    if (coverage)
        for (const auto& u : utility_names())
            for (const auto& [suffix, label] : coverage_suffixes()) {
                std::vector<double> v;
                for (const auto& c : coverage->towns) {
                    const UtilityCoverage& uc = c.utilities.at(u);
                    if (suffix == "_share_pct") v.push_back(pct(uc.share_area));
                    else if (suffix == "_pop_share_pct") v.push_back(pct(uc.share_population));
                    else if (suffix == "_seat_m") v.push_back(uc.seat_to_network_m);
                    else v.push_back(uc.gap_km2);
                }
                t.add(u + suffix, std::string(utility_zh(u)) + label, std::move(v));
            }
    return t;
}

}  // namespace townsite
