#include "analysis/proximity.h"

#include "geo/error.h"

#include <map>
#include <tuple>

namespace townsite {

const Options<ProximityOptions>& proximity_option_table() {
    static const Options<ProximityOptions> s =
        Options<ProximityOptions>("proximity", "the policy's priority areas")
            .number("city_surroundings_min", &ProximityOptions::city_surroundings_min, 0, 600, "min",
                    "within this drive of a prefecture seat a town is in the city surroundings (城市周边)")
            .number("heritage_radius_km", &ProximityOptions::heritage_radius_km, 0, 500, "km", "protected sites are counted within this distance of the seat");
    return s;
}

ProximityOptions proximity_options(const StudyConfig& config) { return proximity_option_table().read(config); }


std::vector<TownProximity> compute_proximity(const Study& study, const Settlements& settlements, const AccessResult& access,
                                             const ProximityOptions& opt) {
    const GeosContext& geos = *study.geos;
    const Measure measure(study.crs, geos);  // distances on the ellipsoid, whatever the working CRS's scale error
    std::map<std::string, std::pair<bool, bool>> county_flags;   // code -> (border, key assistance)
    std::map<std::string, std::string> prefecture_names;
    for (const Layer* l : study.role("counties"))
        for (const Feature& f : l->features) county_flags.emplace(f.id, std::pair{l->flag(f, "border"), l->flag(f, "key_assistance")});
    for (const Layer* l : study.role("prefectures"))
        for (const Feature& f : l->features) prefecture_names[f.id] = l->text(f, "name");

    const GeomPtr metro = study.union_of("metro_areas");
    const PreparedPtr metro_prepared = metro ? geos.prepare(metro.get()) : PreparedPtr();
    const GeomPtr border = study.union_of("border");
    std::vector<std::pair<double, double>> sites;
    for (const Layer* l : study.role("protected"))
        for (const Feature& f : l->features) {
            double x = 0, y = 0;
            if (geos.representative_point(f.geom.get(), x, y)) sites.emplace_back(x, y);
        }
    const double heritage_m = opt.heritage_radius_km * 1000;

    std::vector<TownProximity> out;
    for (std::size_t i = 0; i < settlements.towns.size(); ++i) {
        const Settlement& town = settlements.towns[i];
        const TownAccess& a = access.towns[i];
        TownProximity p;
        GeomPtr seat = geos.point(town.x, town.y);
        if (auto it = county_flags.find(town.county); it != county_flags.end())
            std::tie(p.border_county, p.key_assistance_county) = it->second;
        p.node_town = town.layer && town.layer->flag(*town.feature, "node_town");
        if (metro) {
            p.in_metro = GEOSPreparedIntersects_r(geos.get(), metro_prepared.get(), seat.get()) == 1;
            p.metro_km = p.in_metro ? 0.0 : measure.nearest_m(metro.get(), seat.get()) / 1000;
        }
        p.metro_core_min = a.metro_core_min;
        p.nearest_city_min = a.nearest_prefecture_seat_min;
        if (auto pn = prefecture_names.find(a.nearest_prefecture); pn != prefecture_names.end()) p.nearest_city = pn->second;
        p.city_surroundings = std::isfinite(a.nearest_prefecture_seat_min) && a.nearest_prefecture_seat_min <= opt.city_surroundings_min;
        if (border) p.border_km = measure.nearest_m(border.get(), seat.get()) / 1000;
        // Planar first, with room for the CRS's scale error; then on the ellipsoid.
        const double near_m = heritage_m * (1.01 + 2 * study.crs.max_scale_error);
        for (const auto& [sx, sy] : sites)
            p.heritage_sites += (sx - town.x) * (sx - town.x) + (sy - town.y) * (sy - town.y) <= near_m * near_m &&
                                measure.distance_m(town.x, town.y, sx, sy) <= heritage_m;
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace townsite
