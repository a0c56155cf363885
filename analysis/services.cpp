#include "analysis/services.h"

#include "geo/error.h"
#include "geo/text.h"

#include <algorithm>

namespace townsite {

const Options<ServiceOptions>& service_option_table() {
    static const Options<ServiceStandard> standard =
        Options<ServiceStandard>("service standard", "max_min and/or places_per_1000")
            .number("max_min", &ServiceStandard::max_min, 1, 600, "min", "the longest acceptable drive to the nearest facility of the kind")
            .number("places_per_1000", &ServiceStandard::places_per_1000, 0, 100000, "places",
                    "places within reach per 1,000 people (E2SFCA x 1,000; needs the facilities' capacity)")
            .check([](ServiceStandard& s, const ConfigPlace& at, OptionTable::Problems& problems) {
                if (std::isnan(s.max_min) && std::isnan(s.places_per_1000))
                    problems.push_back({at.line, "[" + at.path + "] sets no standard", "give max_min (minutes), places_per_1000, or both."});
            });
    static const Options<ServiceOptions> s =
        Options<ServiceOptions>("services", "public services against standards, per facility kind (no defaults: a kind without a section is not checked)")
            .named_tables("<kind>", &ServiceOptions::standards, standard,
                          "[services.elderly_care], [services.school], ...: the standard of a kind of the facilities layer");
    return s;
}

ServiceOptions service_options(const StudyConfig& config) {
    ServiceOptions o = service_option_table().read(config);
    o.config_path = config.path;
    return o;
}

namespace {

// One settlement against a standard: its people, minutes to the nearest facility and E2SFCA.
struct Reach {
    double people, minutes, e2sfca;
};

// A town's seat and villages together (a village alone is a list of one).
ServiceStatus assess(const std::vector<Reach>& settlements, const ServiceStandard& standard) {
    ServiceStatus st;
    if (!std::isnan(standard.max_min)) {
        st.time_met = 1, st.pop_outside = 0;
        for (const Reach& r : settlements)
            if (!(r.minutes <= standard.max_min)) st.time_met = 0, st.pop_outside += r.people;
    }
    if (!std::isnan(standard.places_per_1000)) {
        double people = 0, weighted = 0;
        st.places_missing = st.people_short = 0;
        for (const Reach& r : settlements) {
            const double per_1000 = 1000 * (std::isnan(r.e2sfca) ? 0.0 : r.e2sfca);
            people += r.people, weighted += r.people * per_1000;
            st.places_missing += std::max(0.0, standard.places_per_1000 - per_1000) * r.people / 1000;
            if (per_1000 < standard.places_per_1000) st.people_short += r.people;
        }
        st.places_per_1000 = people > 0 ? weighted / people : 1000 * (std::isnan(settlements.front().e2sfca) ? 0.0 : settlements.front().e2sfca);
        st.places_met = st.places_per_1000 >= standard.places_per_1000 ? 1 : 0;
    }
    return st;
}

double get(const ByName<double>& m, const std::string& kind) {
    const auto it = m.find(kind);
    return it == m.end() ? NAN : it->second;
}

}  // namespace

ServiceResult assess_services(const Settlements& settlements, const AccessResult& access, const ServiceOptions& opt) {
    ServiceResult r;
    for (const auto& [kind, standard] : opt.standards) {
        if (std::find(access.facility_kinds.begin(), access.facility_kinds.end(), kind) == access.facility_kinds.end())
            throw Error("[services." + kind + "] names a kind that no facility has" + did_you_mean(kind, access.facility_kinds))
                .with_file(opt.config_path)
                .with_hint("use a kind of the facilities layer (" + join(access.facility_kinds, ", ") + ") or remove the section.");
        bool capacities = false;
        for (const FacilityKindSummary& s : access.facility_summary) capacities = capacities || (s.kind == kind && s.with_capacity > 0);
        if (!std::isnan(standard.places_per_1000) && !capacities)
            throw Error("[services." + kind + "] sets places_per_1000, but no " + kind + " facility has a capacity")
                .with_file(opt.config_path)
                .with_hint("give the facilities layer a capacity field (places or beds), or drop places_per_1000.");
        r.kinds.push_back(kind);
        r.standards.push_back(standard);
        std::vector<ServiceStatus> villages;
        for (std::size_t i = 0; i < settlements.villages.size(); ++i) {
            const VillageAccess& a = access.villages[i];
            villages.push_back(assess({{settlements.villages[i].population_or(0), get(a.facility_min, kind), get(a.e2sfca, kind)}}, standard));
        }
        const auto by_town = settlements.villages_by_town();
        std::vector<ServiceStatus> towns;
        for (std::size_t i = 0; i < settlements.towns.size(); ++i) {
            const Settlement& town = settlements.towns[i];
            std::vector<Reach> reach = {{town.population_or(0), get(access.towns[i].facility_min, kind), get(access.towns[i].e2sfca, kind)}};
            if (const auto it = by_town.find(town.id); it != by_town.end())
                for (std::uint32_t v : it->second)
                    reach.push_back({settlements.villages[v].population_or(0), get(access.villages[v].facility_min, kind), get(access.villages[v].e2sfca, kind)});
            towns.push_back(assess(reach, standard));
        }
        r.towns.push_back(std::move(towns));
        r.villages.push_back(std::move(villages));
    }
    return r;
}

namespace {

// The columns a standard has, for one layer, with each row's value.
std::vector<std::pair<Column, std::vector<double>>> service_columns(const ServiceResult& r, const std::vector<std::vector<ServiceStatus>>& rows,
                                                                    std::string_view layer) {
    std::vector<std::pair<Column, std::vector<double>>> out;
    for (std::size_t k = 0; k < r.kinds.size(); ++k) {
        const Fill fill = fill_of("{kind}", r.kinds[k]);
        auto add = [&](std::string_view family, double ServiceStatus::*member) {
            std::vector<double> v;
            for (const ServiceStatus& s : rows[k]) v.push_back(s.*member);
            out.emplace_back(column(layer, family, fill), std::move(v));
        };
        if (!std::isnan(r.standards[k].max_min)) {
            add("{kind}_time_met", &ServiceStatus::time_met);
            if (layer == "towns") add("{kind}_pop_outside", &ServiceStatus::pop_outside);
        }
        if (!std::isnan(r.standards[k].places_per_1000)) {
            add("{kind}_places_per_1000", &ServiceStatus::places_per_1000);
            add("{kind}_places_met", &ServiceStatus::places_met);
            add("{kind}_places_missing", &ServiceStatus::places_missing);
        }
    }
    return out;
}

}  // namespace

void add_service_columns(TownTable& table, const ServiceResult& services) {
    for (auto& [c, v] : service_columns(services, services.towns, "towns")) table.add(c, std::move(v));
}

std::vector<std::pair<Column, std::vector<double>>> village_service_columns(const ServiceResult& services) {
    return service_columns(services, services.villages, "villages");
}

}  // namespace townsite
