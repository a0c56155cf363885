// Public services against the standards of [services.<kind>]: a town with two villages worked by
// hand, the config's mistakes, and the columns an indicator can read.
#include "analysis/services.h"
#include "geo/error.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using namespace townsite::test;

namespace {

// Town 甲镇 (1,000 people at the seat: 5 min to the nearest elderly care home, E2SFCA 0.005 places per
// person), its villages 一村 (200 people, 10 min, 0.003) and 二村 (300 people, 40 min, 0.001), and
// 乙镇 (no villages, no route to any home: minutes and E2SFCA NaN, as the access step leaves them).
struct Fixture {
    Settlements settlements;
    AccessResult access;
    Fixture() {
        auto settlement = [](std::string id, std::string town, double people) {
            Settlement s;
            s.id = s.name = std::move(id);
            s.town = std::move(town);
            s.population = people;
            return s;
        };
        settlements.towns = {settlement("甲镇", "", 1000), settlement("乙镇", "", 50)};
        settlements.villages = {settlement("一村", "甲镇", 200), settlement("二村", "甲镇", 300)};
        access.facility_kinds = {"elderly_care"};
        access.facility_summary = {{"elderly_care", 3, 3, 0}};
        access.towns.resize(2);
        access.villages.resize(2);
        access.towns[0].facility_min["elderly_care"] = 5, access.towns[0].e2sfca["elderly_care"] = 0.005;
        access.towns[1].facility_min["elderly_care"] = NAN, access.towns[1].e2sfca["elderly_care"] = 0;
        access.villages[0].facility_min["elderly_care"] = 10, access.villages[0].e2sfca["elderly_care"] = 0.003;
        access.villages[1].facility_min["elderly_care"] = 40, access.villages[1].e2sfca["elderly_care"] = 0.001;
    }
};

}  // namespace

TEST_CASE("a town meets a service standard when its seat and every village do; places missing add up where they fall short", "[services]") {
    Fixture f;
    ServiceOptions opt;
    opt.standards["elderly_care"] = {30, 4};   // 30 minutes, 4 places per 1,000
    const ServiceResult r = assess_services(f.settlements, f.access, opt);
    REQUIRE(r.kinds == std::vector<std::string>{"elderly_care"});
    const ServiceStatus& town = r.towns[0][0];
    // 二村 (300 people) is 40 minutes away.
    CHECK(town.time_met == 0);
    CHECK(town.pop_outside == 300);
    // (1000 x 5 + 200 x 3 + 300 x 1) / 1500 = 3.933 places per 1,000; short at 一村 by 1 x 200 / 1000 and
    // at 二村 by 3 x 300 / 1000.
    CHECK(town.places_per_1000 == Approx(5900.0 / 1500));
    CHECK(town.places_met == 0);
    CHECK(town.places_missing == Approx(0.2 + 0.9));
    const ServiceStatus& near = r.villages[0][0];
    CHECK(near.time_met == 1);
    CHECK(near.places_per_1000 == Approx(3));
    CHECK(near.places_missing == Approx(0.2));
    CHECK(r.villages[0][1].time_met == 0);
    // No route: beyond any time, and no places within reach.
    const ServiceStatus& cut_off = r.towns[0][1];
    CHECK(cut_off.time_met == 0);
    CHECK(cut_off.pop_outside == 50);
    CHECK(cut_off.places_per_1000 == 0);
    CHECK(cut_off.places_missing == Approx(4 * 50 / 1000.0));

    SECTION("a standard with the time only has no places fields, and the town table gains the columns an indicator reads") {
        opt.standards["elderly_care"] = {60, NAN};
        const ServiceResult t = assess_services(f.settlements, f.access, opt);
        CHECK(t.towns[0][0].time_met == 1);
        CHECK(t.towns[0][0].pop_outside == 0);
        CHECK(std::isnan(t.towns[0][0].places_per_1000));
        TownTable table;
        table.towns = f.settlements.towns;
        add_service_columns(table, t);
        CHECK(table.column("elderly_care_time_met") == std::vector<double>{1, 0});
        CHECK(table.column("elderly_care_pop_outside") == std::vector<double>{0, 50});
        CHECK_FALSE(table.has("elderly_care_places_per_1000"));
        const auto villages = village_service_columns(t);
        REQUIRE(villages.size() == 1);
        CHECK(villages[0].first.name == "elderly_care_time_met");
        CHECK(villages[0].first.zh == "养老机构时间达标");
    }
    SECTION("a kind no facility has, or places where no facility has a capacity, is an error with the fix") {
        opt.standards = {{"eldery_care", {30, NAN}}};
        CHECK_THROWS_WITH(assess_services(f.settlements, f.access, opt),
                          Catch::Contains("[services.eldery_care] names a kind that no facility has") && Catch::Contains("did you mean \"elderly_care\"") &&
                              Catch::Contains("Fix:"));
        opt.standards = {{"elderly_care", {30, 4}}};
        f.access.facility_summary[0].with_capacity = 0;
        CHECK_THROWS_WITH(assess_services(f.settlements, f.access, opt), Catch::Contains("no elderly_care facility has a capacity"));
    }
}

TEST_CASE("[services.<kind>] sections: each a table of max_min and places_per_1000, mistakes with their lines", "[services][config]") {
    TempDir dir;
    const std::string base = kConfigLayers;
    const ServiceOptions o = service_options(config_from(dir.path(), base + "[services.school]\nmax_min = 25\n[services.clinic]\nplaces_per_1000 = 1.5\n"));
    REQUIRE(o.standards.size() == 2);
    CHECK(o.standards.at("school").max_min == 25);
    CHECK(std::isnan(o.standards.at("school").places_per_1000));
    CHECK(o.standards.at("clinic").places_per_1000 == 1.5);
    CHECK(service_options(config_from(dir.path(), base)).standards.empty());   // no hidden defaults
    try {
        service_options(config_from(dir.path(), base + "[services.school]\nmax_mins = 25\n[services.clinic]\n[services]\nelderly_care = 3\n"));
        FAIL("no error");
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK_THAT(m, Catch::Contains("max_mins") && Catch::Contains("did you mean \"max_min\""));
        CHECK_THAT(m, Catch::Contains("[services.clinic] sets no standard"));
        CHECK_THAT(m, Catch::Contains("\"services.elderly_care\" must be a table"));
    }
}
