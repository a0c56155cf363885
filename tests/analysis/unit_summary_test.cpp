// Per-unit summaries on hand-made towns: four towns in two counties, one county with none, a
// selection and the coverage of two utilities; every count and sum worked by hand.
#include "analysis/unit_summary.h"

#include <catch2/catch.hpp>

#include <tuple>

using namespace townsite;

TEST_CASE("unit summaries count towns, eligible ones, picks per tier, gap towns, gap and extension lengths", "[units]") {
    const std::vector<std::string> county_of = {"A", "A", "B", "A"};
    Selection sel;
    sel.eligible = {true, true, false, true};
    sel.tier_of = {0, -1, -1, 1};
    CoverageResult cov;
    auto town = [](const char* water, double water_gap, const char* gas, double gas_gap) {
        TownCoverage t;
        t.utilities["water"].status = water, t.utilities["water"].gap_km2 = water_gap;
        t.utilities["gas"].status = gas, t.utilities["gas"].gap_km2 = gas_gap;
        return t;
    };
    cov.towns = {town("served", 0, "none", 2.5), town("partial", 0.4, "none", 1.0), town("none", 3.0, "served", 0),
                 town("partial", NAN, "partial", 0.25)};
    for (const auto& [row, utility, km] : {std::tuple{0, "gas", 4.0}, {3, "gas", 1.5}, {2, "water", 7.0}}) {
        Extension e;
        e.town = std::size_t(row), e.utility = utility, e.length_km = km;
        cov.extensions.push_back(std::move(e));
    }

    const auto units = summarise_units(county_of, sel, 2, &cov, {"A", "B", "C"});
    REQUIRE(units.size() == 3);
    const UnitSummary& a = units.at("A");
    CHECK(a.towns == 3);
    CHECK(a.eligible == 3);
    CHECK(a.per_tier == std::vector<std::size_t>{1, 1});
    CHECK(a.gap_towns.at("water") == 2);        // partial, partial
    CHECK(a.gap_towns.at("gas") == 3);          // none, none, partial
    CHECK(a.gap_km2.at("water") == 0.4);        // a gap of unknown size adds nothing
    CHECK(a.gap_km2.at("gas") == 3.75);
    CHECK(a.extension_km.at("gas") == 5.5);
    CHECK(a.extension_km.at("water") == 0);
    const UnitSummary& b = units.at("B");
    CHECK(b.towns == 1);
    CHECK(b.eligible == 0);
    CHECK(b.per_tier == std::vector<std::size_t>{0, 0});
    CHECK(b.gap_towns.at("water") == 1);
    CHECK(b.gap_towns.at("gas") == 0);
    CHECK(b.extension_km.at("water") == 7.0);
    // A unit with no town is listed with zeros for every tier and utility.
    const UnitSummary& c = units.at("C");
    CHECK(c.towns == 0);
    CHECK(c.per_tier == std::vector<std::size_t>{0, 0});
    for (const auto& u : utility_names()) {
        CHECK(c.gap_towns.at(u) == 0);
        CHECK(c.gap_km2.at(u) == 0);
        CHECK(c.extension_km.at(u) == 0);
    }

    SECTION("without coverage only the towns and the selection are counted") {
        const auto plain = summarise_units(county_of, sel, 2, nullptr);
        REQUIRE(plain.size() == 2);   // no unit list: the units the towns name
        CHECK(plain.at("A").per_tier == std::vector<std::size_t>{1, 1});
        CHECK(plain.at("A").gap_towns.at("water") == 0);
    }
}
