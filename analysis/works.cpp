#include "analysis/works.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace townsite {

std::string work_text(Lang lang, const Work& w) {
    const std::string what = say(lang, w.kind == "network_extension" ? utility_zh(w.what) : w.kind == "service_places" ? facility_kind_zh(w.what) : w.what, w.what);
    if (w.kind == "network_extension") return say(lang, "管网延伸（" + what + "）", "network extension (" + what + ")");
    if (w.kind == "dead_end_link") return say(lang, "断头路打通（" + what + "）", "dead-end link (" + what + ")");
    return say(lang, "服务设施增量（" + what + "）", "service places (" + what + ")");
}

const Options<CostOptions>& cost_option_table() {
    static const Options<CostOptions> s =
        Options<CostOptions>("costs", "unit costs of the works, in 万元 (no defaults: without one a work's cost stays empty)")
            .number_map("pipe_per_km", &CostOptions::pipe_per_km, 0, 1e6, "万元/km", "network extension per km, by utility, e.g. { water = 80 }")
            .number("road_per_km", &CostOptions::road_per_km, 0, 1e6, "万元/km", "dead-end link per km")
            .number_map("place", &CostOptions::place, 0, 1e6, "万元", "one service place, by facility kind, e.g. { elderly_care = 6 }");
    return s;
}

CostOptions cost_options(const StudyConfig& config) { return cost_option_table().read(config); }

namespace {

double unit_cost(const std::map<std::string, double>& costs, const std::string& key) {
    const auto it = costs.find(key);
    return it == costs.end() ? NAN : it->second;
}

}  // namespace

std::vector<Work> works_list(const Settlements& settlements, const std::vector<int>& tier_of, const CoverageResult* coverage,
                             const AccessResult& access, const ServiceResult& services, const AccessOptions& aopt, const CostOptions& costs) {
    const std::size_t n = settlements.towns.size();
    std::vector<std::vector<Work>> by_town(n);
    auto selected = [&](std::size_t i) { return i < n && tier_of[i] >= 0; };

    if (coverage)
        for (const Extension& e : coverage->extensions) {
            if (!selected(e.town)) continue;
            Work w;
            w.town = e.town, w.kind = "network_extension", w.what = e.utility, w.quantity = e.length_km, w.unit = "km", w.people = e.population;
            for (const std::string& site : e.protected_sites) w.protected_sites += (w.protected_sites.empty() ? "" : "、") + site;
            w.farmland_km = e.farmland_km;
            w.redline_detour_km = e.redline_detour_km;
            w.cost = e.length_km * unit_cost(costs.pipe_per_km, e.utility);
            w.x = settlements.towns[e.town].x, w.y = settlements.towns[e.town].y;
            by_town[e.town].push_back(w);
        }

    // A dead-end link serves the people of its town's seat and villages within the link's reach of
    // the dead end (dead_end_link_m, straight): an estimate of who the opened road is near.
    const auto villages = settlements.villages_by_town();
    for (const DeadEnd& d : access.dead_ends) {
        if (std::isnan(d.link_m) || !selected(d.town)) continue;
        const Settlement& town = settlements.towns[d.town];
        Work w;
        w.town = d.town, w.kind = "dead_end_link", w.what = d.road_id, w.quantity = d.link_m / 1000, w.unit = "km";
        w.farmland_km = d.link_farmland_m / 1000;
        auto near = [&](const Settlement& s) { return std::hypot(s.x - d.x, s.y - d.y) <= aopt.dead_end_link_m ? s.population_or(0) : 0.0; };
        w.people = near(town);
        if (const auto it = villages.find(town.id); it != villages.end())
            for (std::uint32_t v : it->second) w.people += near(settlements.villages[v]);
        w.cost = w.quantity * costs.road_per_km;
        w.x = d.x, w.y = d.y;
        by_town[d.town].push_back(w);
    }

    for (std::size_t k = 0; k < services.kinds.size(); ++k)
        for (std::size_t i = 0; i < n; ++i) {
            const ServiceStatus& st = services.towns[k][i];
            if (!selected(i) || !(st.places_missing > 0)) continue;
            Work w;
            w.town = i, w.kind = "service_places", w.what = services.kinds[k], w.quantity = st.places_missing, w.unit = "places";
            w.people = st.people_short;
            w.cost = st.places_missing * unit_cost(costs.place, services.kinds[k]);
            w.x = settlements.towns[i].x, w.y = settlements.towns[i].y;
            by_town[i].push_back(w);
        }

    std::vector<std::size_t> towns(n);
    std::iota(towns.begin(), towns.end(), 0);
    std::stable_sort(towns.begin(), towns.end(), [&](std::size_t a, std::size_t b) {
        const Settlement &ta = settlements.towns[a], &tb = settlements.towns[b];
        return std::tie(tier_of[a], ta.prefecture, ta.county, ta.id) < std::tie(tier_of[b], tb.prefecture, tb.county, tb.id);
    });
    std::vector<Work> out;
    for (std::size_t i : towns) {
        std::vector<Work>& w = by_town[i];
        // Most people per 万元 first; works without a cost after those with one, by people served.
        std::stable_sort(w.begin(), w.end(), [](const Work& a, const Work& b) {
            const double pa = a.people_per_cost(), pb = b.people_per_cost();
            if (std::isnan(pa) != std::isnan(pb)) return !std::isnan(pa);
            if (!std::isnan(pa) && pa != pb) return pa > pb;
            if (a.people != b.people) return a.people > b.people;
            return std::tie(a.kind, a.what) < std::tie(b.kind, b.what);
        });
        out.insert(out.end(), w.begin(), w.end());
    }
    return out;
}

}  // namespace townsite
