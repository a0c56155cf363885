// Dead-end links on a drawn map (metres in EPSG:4551 near its central meridian), worked by hand:
//
//                      E4 (3000,4000)
//                      |
//   (0,800) ---------- + ------------ E2 (6000,800)      road B, in two pieces
//      |               |                  :  800 m link: the way round is 6000 + 800 + 6000
//      |  T (1500,400)                    :
//   (0,0) ------------ + ------------ E1 (6000,0)        road A, in two pieces
//                      |
//                      E3 (3000,-400)
//
// E1 and E2 link to each other's road. E3's nearest other road (A, 400 m) is already joined by
// road, and its link to B would cross A. E4 has no other road within 2 km.
#include "analysis/access.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>

using namespace townsite;
using namespace townsite::test;

namespace {

constexpr double X0 = 500000, Y0 = 4800000;
std::string line(double x1, double y1, double x2, double y2) {
    return "LINESTRING (" + std::to_string(X0 + x1) + " " + std::to_string(Y0 + y1) + ", " + std::to_string(X0 + x2) + " " + std::to_string(Y0 + y2) + ")";
}
std::string point(double x, double y) { return "POINT (" + std::to_string(X0 + x) + " " + std::to_string(Y0 + y) + ")"; }

struct DrawnMap {
    TempDir dir;
    Study study;
    RoadGraph graph;
    Settlements settlements;
    // bottom: "eco_redline" or "farmland" puts that layer's box [5900, 6100] x [100, 300] across E1-E2's link.
    explicit DrawnMap(const std::string& protected_site = "", const std::string& bottom = "") {
        const std::string admin = write_admin(dir, 4551, box_wkt(X0 - 10000, Y0 - 10000, X0 + 16000, Y0 + 14000));
        write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "population:real"},
                    {{point(1500, 400), {"T", "甲镇", "镇", "1", "1000"}}});
        write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"id", "class"},
                    {{line(0, 0, 3000, 0), {"A1", "县道"}},
                     {line(3000, 0, 6000, 0), {"A2", "县道"}},
                     {line(0, 800, 3000, 800), {"B1", "县道"}},
                     {line(3000, 800, 6000, 800), {"B2", "县道"}},
                     {line(0, 0, 0, 800), {"C", "县道"}},
                     {line(3000, 0, 3000, -400), {"S3", "乡道"}},
                     {line(3000, 800, 3000, 4000), {"S4", "乡道"}}});
        std::string sites;
        if (!protected_site.empty()) {
            write_layer(dir.path("sites.gpkg"), "GPKG", "sites", 4551, {"id", "name"}, {{point(6000, 400), {"P1", protected_site}}});
            sites = "[layers.protected]\nsource = \"sites.gpkg\"\n";
        }
        if (!bottom.empty()) {
            write_layer(dir.path("bottom.gpkg"), "GPKG", bottom, 4551, {"id"}, {{box_wkt(X0 + 5900, Y0 + 100, X0 + 6100, Y0 + 300), {"L1"}}});
            sites += "[layers." + bottom + "]\nsource = \"bottom.gpkg\"\n";
        }
        study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + sites + R"(
[layers.towns]
source = "towns.gpkg"
[layers.roads]
source = "roads.gpkg"
[network.speeds]
"县道" = 60
"乡道" = 30
)"));
        graph = build_road_graph(study, network_options(study.config));
        settlements = read_settlements(study, graph);
    }
    // The dead ends found, by where they are (x, y relative to the drawing).
    std::map<std::pair<int, int>, DeadEnd> dead_ends() const {
        const AccessResult res = compute_access(study, graph, settlements, access_options(study.config));
        std::map<std::pair<int, int>, DeadEnd> out;
        for (const DeadEnd& d : res.dead_ends) out[{int(std::lround(d.x - X0)), int(std::lround(d.y - Y0))}] = d;
        return out;
    }
};

}  // namespace

TEST_CASE("a dead end is linked to the nearest other road where the way round is long, never across another road", "[access][dead_ends]") {
    DrawnMap map;
    auto ends = map.dead_ends();
    REQUIRE(ends.size() == 4);
    const DeadEnd& e1 = ends.at({6000, 0});
    CHECK(e1.link_m == Approx(800).margin(0.5));   // the ellipsoid and the projection agree to 1e-6 here
    CHECK(e1.link_road_id == "B2");
    // The way round (12.8 km) is longer than the search goes (3 x 2 km): not joined as far as it matters.
    CHECK(std::isnan(e1.road_m_now));
    CHECK(map.settlements.towns[e1.town].id == "T");
    const DeadEnd& e2 = ends.at({6000, 800});
    CHECK(e2.link_road_id == "A2");
    const DeadEnd& e3 = ends.at({3000, -400});
    CHECK(std::isnan(e3.link_m));
    CHECK_THAT(e3.no_link.en, Catch::Contains("joined to it by road already") && Catch::Contains("cross another road"));
    const DeadEnd& e4 = ends.at({3000, 4000});
    CHECK(std::isnan(e4.link_m));
    CHECK_THAT(e4.no_link.en, Catch::Contains("no other road within 2000 m"));
    CHECK(e4.no_link.zh == "2000 m内无其他道路");
    SECTION("with a longer search the way round is measured") {
        AccessOptions wide = access_options(map.study.config);
        wide.dead_end_link_detour = 15;   // searched to 30 km; 12.8 km is still more than 15 x 800 m
        const AccessResult res = compute_access(map.study, map.graph, map.settlements, wide);
        int linked = 0;
        for (const DeadEnd& d : res.dead_ends)
            if (d.link_road_id == "B2") {
                CHECK(d.road_m_now == Approx(6000 + 800 + 6000).margin(1));
                ++linked;
            }
        CHECK(linked == 1);
    }
    SECTION("a link passing within 200 m of a protected site is not proposed") {
        DrawnMap guarded("文庙");
        auto g = guarded.dead_ends();
        CHECK(std::isnan(g.at({6000, 0}).link_m));
        CHECK_THAT(g.at({6000, 0}).no_link.en, Catch::Contains("within 200 m of 文庙"));
    }
}

TEST_CASE("a dead-end link may not enter the ecological red line; its length through farmland is measured", "[access][dead_ends][land]") {
    // E1-E2's link runs along x = 6000 from y = 0 to 800: 200 m of it inside the box.
    auto red = DrawnMap("", "eco_redline").dead_ends();
    REQUIRE(red.count({6000, 0}) == 1);
    CHECK(std::isnan(red.at({6000, 0}).link_m));
    CHECK(red.at({6000, 0}).no_link.en == "a link would run through the ecological red line");
    CHECK(red.at({6000, 0}).no_link.zh == "连线须穿越生态保护红线");
    auto farm = DrawnMap("", "farmland").dead_ends();
    REQUIRE(farm.count({6000, 0}) == 1);
    CHECK(farm.at({6000, 0}).link_m == Approx(800).epsilon(1e-4));
    CHECK(farm.at({6000, 0}).link_farmland_m == Approx(200).epsilon(1e-4));
    // Without the layer the length through farmland is not known, not 0.
    CHECK(std::isnan(DrawnMap().dead_ends().at({6000, 0}).link_farmland_m));
}
