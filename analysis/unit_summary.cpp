#include "analysis/unit_summary.h"

#include <cmath>

namespace townsite {

std::map<std::string, UnitSummary> summarise_units(const std::vector<std::string>& unit_of, const Selection& sel, std::size_t tiers,
                                                   const CoverageResult* coverage, const std::vector<std::string>& keys) {
    std::map<std::string, UnitSummary> units;
    auto unit = [&](const std::string& key) -> UnitSummary& {
        UnitSummary& u = units[key];
        if (u.per_tier.empty()) {
            u.per_tier.assign(tiers, 0);
            for (const auto& name : utility_names()) u.gap_towns[name] = 0, u.gap_km2[name] = 0, u.extension_km[name] = 0;
        }
        return u;
    };
    for (const auto& key : keys) unit(key);
    for (std::size_t i = 0; i < unit_of.size(); ++i) {
        UnitSummary& u = unit(unit_of[i]);
        ++u.towns;
        u.eligible += sel.eligible[i];
        if (sel.tier_of[i] >= 0) ++u.per_tier[std::size_t(sel.tier_of[i])];
        if (!coverage) continue;
        for (const auto& [name, c] : coverage->towns[i].utilities) {
            u.gap_towns[name] += is_gap(c.status);
            if (std::isfinite(c.gap_km2)) u.gap_km2[name] += c.gap_km2;
        }
    }
    if (coverage)
        for (const Extension& e : coverage->extensions) unit(unit_of[e.town]).extension_km[e.utility] += e.length_km;
    return units;
}

}  // namespace townsite
