#include "analysis/settlements.h"

namespace townsite {

std::optional<std::size_t> Settlements::town_row(const std::string& id) const {
    const auto it = town_rows.find(id);
    if (it == town_rows.end()) return std::nullopt;
    return it->second;
}

std::map<std::string, std::vector<std::uint32_t>> Settlements::villages_by_town() const {
    std::map<std::string, std::vector<std::uint32_t>> out;
    for (std::uint32_t k = 0; k < villages.size(); ++k) out[villages[k].town].push_back(k);
    return out;
}

std::map<std::string, std::vector<std::uint32_t>> Settlements::towns_by_county() const {
    std::map<std::string, std::vector<std::uint32_t>> out;
    for (std::uint32_t k = 0; k < towns.size(); ++k) out[towns[k].county].push_back(k);
    return out;
}

Settlements read_settlements(const Study& study) {
    Settlements s;
    const GeosContext& geos = *study.geos;
    const Measure measure(study.crs, geos);
    struct County {
        std::string name, prefecture;
    };
    std::map<std::string, County> counties;
    std::map<std::string, std::string> prefecture_names;
    for (const Layer* l : study.role("counties"))
        for (const Feature& f : l->features) counties.emplace(f.id, County{l->text(f, "name"), l->text(f, "prefecture")});
    for (const Layer* l : study.role("prefectures"))
        for (const Feature& f : l->features) prefecture_names.emplace(f.id, l->text(f, "name"));

    auto read = [&](const Layer* l, const Feature& f) {
        Settlement t;
        t.id = f.id;
        t.name = l->text(f, "name");
        t.population = l->number(f, "population").value_or(NAN);
        geos.representative_point(f.geom.get(), t.x, t.y);
        if (GEOSGeom_getDimensions_r(geos.get(), f.geom.get()) == 2) t.area_km2 = measure.area_m2(f.geom.get()) / 1e6;
        t.layer = l;
        t.feature = &f;
        return t;
    };
    auto set_units = [&](Settlement& t, const std::string& county) {
        t.county = county;
        if (const auto c = counties.find(county); c != counties.end()) {
            t.county_name = c->second.name;
            t.prefecture = c->second.prefecture;
            if (const auto p = prefecture_names.find(t.prefecture); p != prefecture_names.end()) t.prefecture_name = p->second;
        }
    };
    // Reserved exactly: grown one by one, a country's 700,000 villages would leave room for a million.
    auto count = [&study](const char* role) {
        std::size_t n = 0;
        for (const Layer* l : study.role(role)) n += l->features.size();
        return n;
    };
    s.towns.reserve(count("towns"));
    s.villages.reserve(count("villages"));
    for (const Layer* l : study.role("towns")) {
        s.town_layers.push_back(l);
        for (const Feature& f : l->features) {
            Settlement t = read(l, f);
            t.kind = l->text(f, "kind");
            set_units(t, l->text(f, "county"));
            s.town_rows.emplace(t.id, s.towns.size());
            s.towns.push_back(std::move(t));
        }
    }
    for (const Layer* l : study.role("villages")) {
        s.village_layers.push_back(l);
        for (const Feature& f : l->features) {
            Settlement v = read(l, f);
            v.town = l->text(f, "town");
            if (const auto row = s.town_row(v.town)) set_units(v, s.towns[*row].county);
            s.villages.push_back(std::move(v));
        }
    }
    return s;
}

void snap_settlements(Settlements& settlements, const RoadGraph& graph) {
    for (auto* rows : {&settlements.towns, &settlements.villages})
        for (Settlement& t : *rows) t.snap = graph.snap(t.x, t.y);
}

Settlements read_settlements(const Study& study, const RoadGraph& graph) {
    Settlements s = read_settlements(study);
    snap_settlements(s, graph);
    return s;
}

std::vector<std::string> each(const std::vector<Settlement>& rows, std::string Settlement::*member) {
    std::vector<std::string> out;
    out.reserve(rows.size());
    for (const Settlement& s : rows) out.push_back(s.*member);
    return out;
}

GeomPtr seat_point(const GeosContext& geos, const Settlement& s) {
    return geos.point(s.x, s.y);
}

}  // namespace townsite
