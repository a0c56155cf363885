// Year-on-year comparison of towns, worked by hand.
#include "analysis/compare.h"

#include <catch2/catch.hpp>

using namespace townsite;

TEST_CASE("comparing two runs: gaps closed, opened, smaller, tier and travel changes, towns in one run only", "[compare]") {
    auto town = [](std::string id, std::string water, double water_gap, std::string gas, double gas_gap, double seat_min, std::string tier) {
        TownSnapshot s;
        s.id = id;
        s.name = id + "镇";
        s.prefecture = "甲市";
        s.status = {{"water", water}, {"gas", gas}};
        s.gap_km2 = {{"water", water_gap}, {"gas", gas_gap}};
        s.county_seat_min = seat_min;
        s.tier = tier;
        return s;
    };
    const std::vector<TownSnapshot> old_run = {town("A", "partial", 1.5, "none", 2.0, 30, "county"), town("B", "served", 0, "partial", 1.0, 20, ""),
                                               town("C", "served", 0, "no data", NAN, 10, ""), town("D", "none", 3, "none", 3, 40, "")};
    const std::vector<TownSnapshot> new_run = {town("A", "served", 0, "partial", 0.5, 30, "county"), town("B", "partial", 0.25, "partial", 1.0, 15, "municipal"),
                                               town("C", "served", 0, "none", 2, 10, ""), town("E", "none", 1, "none", 1, 50, "")};
    const Comparison c = compare_runs(old_run, new_run, {"water", "gas"});
    REQUIRE(c.towns.size() == 5);
    CHECK(c.towns[0].utilities.at("water").change == "closed");
    CHECK(c.towns[0].utilities.at("gas").change == "smaller");
    CHECK(c.towns[0].gaps_closed == 1);
    CHECK(c.towns[1].utilities.at("water").change == "opened");
    CHECK(c.towns[1].utilities.at("gas").change == "same");
    CHECK(c.towns[1].new_tier == "municipal");
    CHECK(c.towns[2].utilities.at("gas").change == "no data");   // no layer before: not a new gap
    CHECK_FALSE(c.towns[2].changed);
    CHECK(c.towns[3].id == "E");
    CHECK(c.towns[4].id == "D");
    CHECK(c.only_new == 1);
    CHECK(c.only_old == 1);
    CHECK(c.tier_changes == 1);
    CHECK(c.travel_changes == 1);
    // water: A closed 1.5 km²; B opened 0.25 km². gas: A shrank by 1.5 km².
    CHECK(c.utilities[0].closed == 1);
    CHECK(c.utilities[0].closed_km2 == Approx(1.5));
    CHECK(c.utilities[0].opened == 1);
    CHECK(c.utilities[0].opened_km2 == Approx(0.25));
    CHECK(c.utilities[1].smaller == 1);
    CHECK(c.utilities[1].closed_km2 == Approx(1.5));
    const std::string html = html_comparison(c, "2022", "2025", Lang::zh);
    CHECK(html.find("A镇") != std::string::npos);
    CHECK(html.find("C镇") == std::string::npos);   // unchanged towns are not listed
    // In Chinese the headings and changes are Chinese; in English, English.
    CHECK(html.find("各设施缺口变化") != std::string::npos);
    CHECK(html.find("供水 消除") != std::string::npos);
    CHECK(html.find("Gaps by utility") == std::string::npos);
    const std::string en = html_comparison(c, "2022", "2025", Lang::en);
    CHECK(en.find("Gaps by utility") != std::string::npos);
    CHECK(en.find("water closed") != std::string::npos);
    CHECK(en.find("各设施") == std::string::npos);
}
