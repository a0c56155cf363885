// The works list of hand-made results: what enters it, quantities equal to the layers they come
// from, costs only where [costs] has them, and the order within a town.
#include "analysis/works.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using namespace townsite::test;

namespace {

// 甲镇 (selected, seat at 0,0; its village 一村 at 1 km, 300 people) and 乙镇 (not selected).
struct Fixture {
    Settlements settlements;
    CoverageResult coverage;
    AccessResult access;
    ServiceResult services;
    std::vector<int> tier_of = {0, -1};
    Fixture() {
        auto settlement = [](std::string id, std::string town, double x, double people) {
            Settlement s;
            s.id = s.name = std::move(id);
            s.town = std::move(town);
            s.x = x, s.population = people;
            return s;
        };
        settlements.towns = {settlement("甲镇", "", 0, 1000), settlement("乙镇", "", 50000, 800)};
        settlements.villages = {settlement("一村", "甲镇", 1000, 300)};
        auto extension = [](std::size_t town, std::string utility, double km, double people, std::vector<std::string> sites) {
            Extension e;
            e.town = town, e.utility = std::move(utility), e.length_km = km, e.population = people, e.protected_sites = std::move(sites);
            return e;
        };
        coverage.extensions.push_back(extension(0, "water", 2.0, 1300, {}));
        coverage.extensions.push_back(extension(0, "gas", 5.0, 300, {"文庙", "古塔"}));
        coverage.extensions.push_back(extension(1, "water", 9.0, 800, {}));   // not a demonstration town
        DeadEnd linked;
        linked.town = 0, linked.road_id = "R7", linked.link_m = 600, linked.x = 2500, linked.y = 0;   // 一村 (1.5 km) within 2 km, the seat not
        DeadEnd none;
        none.town = 0, none.road_id = "R8";   // no link proposed
        access.dead_ends = {linked, none};
        services.kinds = {"elderly_care"};
        services.standards = {{30, 4}};
        ServiceStatus short_of;
        short_of.places_missing = 3.5, short_of.people_short = 1300;
        services.towns = {{short_of, short_of}};
    }
};

}  // namespace

TEST_CASE("the works list: every extension, link and missing place of the demonstration towns, costed only from [costs]", "[works]") {
    Fixture f;
    AccessOptions aopt;   // dead_end_link_m = 2000
    SECTION("without [costs] the costs stay empty and the works go by people served") {
        const std::vector<Work> w = works_list(f.settlements, f.tier_of, &f.coverage, f.access, f.services, aopt, CostOptions{});
        REQUIRE(w.size() == 4);   // 2 extensions, 1 link, 1 service; nothing of 乙镇
        for (const Work& x : w) {
            CHECK(x.town == 0);
            CHECK(std::isnan(x.cost));
        }
        // 1,300 people each: the kind breaks the tie (network_extension before service_places); then
        // 300 each: dead_end_link before network_extension.
        CHECK(w[0].what == "water");
        CHECK(w[1].kind == "service_places");
        CHECK(w[2].kind == "dead_end_link");
        CHECK(w[2].quantity == Approx(0.6));
        CHECK(w[2].people == 300);
        CHECK(w[3].what == "gas");
        CHECK(w[3].protected_sites == "文庙、古塔");
        // Quantities are the layers' own: the extensions' km and the towns' missing places.
        double km = 0;
        for (const Work& x : w)
            if (x.kind == "network_extension") km += x.quantity;
        CHECK(km == Approx(2.0 + 5.0));
        CHECK(w[1].quantity == 3.5);
    }
    SECTION("with unit costs the works go by people per 万元") {
        CostOptions costs;
        costs.pipe_per_km = {{"water", 100}};   // gas has no price: its cost stays empty
        costs.road_per_km = 500;                // the link: 0.6 km, 300 万元, 300 people: 1 per 万元
        costs.place = {{"elderly_care", 10}};   // 35 万元 for 1,300 people: 37.1 per 万元
        const std::vector<Work> w = works_list(f.settlements, f.tier_of, &f.coverage, f.access, f.services, aopt, costs);
        REQUIRE(w.size() == 4);
        CHECK(w[0].kind == "service_places");
        CHECK(w[0].cost == Approx(35));
        CHECK(w[1].what == "water");   // 200 万元: 6.5 per 万元
        CHECK(w[1].cost == Approx(200));
        CHECK(w[2].kind == "dead_end_link");
        CHECK(w[2].cost == Approx(300));
        CHECK(w[3].what == "gas");     // no cost: last
        CHECK(std::isnan(w[3].cost));
    }
}

TEST_CASE("[costs]: unit costs by utility and kind, none by default", "[works][config]") {
    TempDir dir;
    const std::string base = kConfigLayers;
    const CostOptions none = cost_options(config_from(dir.path(), base));
    CHECK(none.pipe_per_km.empty());
    CHECK(std::isnan(none.road_per_km));
    const CostOptions c = cost_options(config_from(dir.path(), base + "[costs]\npipe_per_km = { water = 80 }\nroad_per_km = 300\n"));
    CHECK(c.pipe_per_km.at("water") == 80);
    CHECK(c.road_per_km == 300);
    CHECK_THROWS_WITH(cost_options(config_from(dir.path(), base + "[costs]\nroad_per_km = -1\n")), Catch::Contains("road_per_km"));
}
