// Accessibility on a drawn line, worked by hand. Coordinates are metres in CGCS2000 / 3-degree
// Gauss-Kruger CM 126E (EPSG:4551) next to its central meridian (scale factor 1 to 1e-6).
//
//   V1(0) --F1(2000)-------------- T,V2(10000) ------------------F2(19000)-- V3(20000)
//   one road, 60 km/h = 1 km per minute, so minutes = km between the points.
#include "analysis/access.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using namespace townsite::test;

namespace {

constexpr double X0 = 500000, Y0 = 4800000;
std::string pt(double x) { return "POINT (" + std::to_string(X0 + x) + " " + std::to_string(Y0) + ")"; }

struct LineStudy {
    TempDir dir;
    Study study;
    RoadGraph graph;
    AccessOptions opt;
    Settlements settlements;
    AccessResult res;
    LineStudy() {
        const std::string admin = write_admin(dir, 4551, box_wkt(X0 - 5000, Y0 - 5000, X0 + 25000, Y0 + 5000));
        write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "population:real"},
                    {{pt(10000), {"T", "甲镇", "镇", "1", "0"}}});
        write_layer(dir.path("villages.gpkg"), "GPKG", "villages", 4551, {"id", "town", "population:real"},
                    {{pt(0), {"V1", "T", "1000"}}, {pt(10000), {"V2", "T", "2000"}}, {pt(20000), {"V3", "T", "500"}}});
        write_layer(dir.path("facilities.gpkg"), "GPKG", "facilities", 4551, {"id", "kind", "capacity:real"},
                    {{pt(2000), {"F1", "clinic", "30"}}, {pt(19000), {"F2", "clinic", "10"}}});
        write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"class"},
                    {{"LINESTRING (" + std::to_string(X0) + " " + std::to_string(Y0) + ", " + std::to_string(X0 + 20000) + " " +
                          std::to_string(Y0) + ")",
                      {"县道"}}});
        study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + R"(
[layers.towns]
source = "towns.gpkg"
[layers.villages]
source = "villages.gpkg"
[layers.facilities]
source = "facilities.gpkg"
[layers.roads]
source = "roads.gpkg"
[network.speeds]
"县道" = 60
[access]
thresholds_min = [5, 15]
isochrone_towns = ["T"]
isochrone_buffer_m = 200
[access.e2sfca]
catchment_min = 30
weights = [[10, 1.0], [20, 0.68], [30, 0.22]]
)"));
        graph = build_road_graph(study, network_options(study.config));
        opt = access_options(study.config);
        settlements = read_settlements(study, graph);
        res = compute_access(study, graph, settlements, opt);
    }
};

}  // namespace

TEST_CASE("E2SFCA on a line agrees with the two steps worked by hand", "[access][e2sfca]") {
    LineStudy s;
    // Minutes: F1 to V1 2, V2 8, V3 18; F2 to V1 19, V2 9, V3 1. Weights 1 (<=10), 0.68 (<=20).
    const double d1 = 1000 * 1.0 + 2000 * 1.0 + 500 * 0.68;   // 3340
    const double d2 = 1000 * 0.68 + 2000 * 1.0 + 500 * 1.0;   // 3180
    const double r1 = 30 / d1, r2 = 10 / d2;
    REQUIRE(s.res.villages.size() == 3);
    CHECK(s.res.villages[0].e2sfca.at("clinic") == Approx(r1 * 1.0 + r2 * 0.68).epsilon(1e-6));
    CHECK(s.res.villages[1].e2sfca.at("clinic") == Approx(r1 * 1.0 + r2 * 1.0).epsilon(1e-6));
    CHECK(s.res.villages[2].e2sfca.at("clinic") == Approx(r1 * 0.68 + r2 * 1.0).epsilon(1e-6));
    CHECK(s.res.facility_summary.at(0).unserved_population == 0);
    SECTION("and the nearest facility") {
        CHECK(s.res.villages[0].facility_min.at("clinic") == Approx(2).epsilon(1e-5));
        CHECK(s.res.villages[2].facility_min.at("clinic") == Approx(1).epsilon(1e-5));
    }
}

TEST_CASE("the E2SFCA weight steps down with time and is zero past the catchment", "[access][e2sfca]") {
    AccessOptions opt;
    CHECK(e2sfca_weight(opt, 0) == 1.0);
    CHECK(e2sfca_weight(opt, 10) == 1.0);
    CHECK(e2sfca_weight(opt, 10.5) == 0.68);
    CHECK(e2sfca_weight(opt, 29) == 0.22);
    CHECK(e2sfca_weight(opt, 31) == 0);
    CHECK(e2sfca_weight(opt, NAN) == 0);
}

TEST_CASE("a town's catchment counts the people within each threshold", "[access]") {
    LineStudy s;
    const TownAccess& t = s.res.towns.at(0);
    CHECK(t.catchment_pop.at(0) == 2000);              // 5 min: V2 only
    CHECK(t.catchment_pop.at(1) == 1000 + 2000 + 500); // 15 min: V1 and V3 are 10 min away
    CHECK(s.res.villages[0].nearest_town == "T");
    CHECK(s.res.villages[0].nearest_town_min == Approx(10).epsilon(1e-5));
    CHECK(s.res.villages[2].own_town_min == Approx(10).epsilon(1e-5));
}

TEST_CASE("an isochrone is the reached road buffered, partial edges included", "[access][isochrone]") {
    LineStudy s;
    const Isochrone* five = nullptr;
    for (const auto& iso : s.res.isochrones)
        if (iso.origin_id == "T" && iso.minutes == 5) five = &iso;
    REQUIRE(five);
    // 5 min at 1 km/min both ways from x=10000: the road from 5000 to 15000 (10 km of road).
    CHECK(five->road_km == Approx(10).epsilon(1e-5));
    // Its 200 m buffer: a 10 km x 400 m band plus two half 16-gons (GEOS, 4 segments a quadrant).
    const double expected_m2 = 10000 * 400 + 8 * 200.0 * 200.0 * std::sin(M_PI / 8);
    CHECK(five->area_km2 * 1e6 == Approx(expected_m2).epsilon(1e-4));
    const GeosContext& geos = *s.study.geos;
    auto inside = [&](double x, double y) {
        GeomPtr p = geos.own(GEOSGeom_createPointFromXY_r(geos.get(), X0 + x, Y0 + y));
        return GEOSContains_r(geos.get(), five->polygon.get(), p.get()) == 1;
    };
    CHECK(inside(5100, 0));    // 4.9 min away
    CHECK(inside(14900, 150));
    CHECK_FALSE(inside(4700, 0));  // 5.3 min: beyond the threshold by more than the buffer width
    CHECK_FALSE(inside(10000, 300));
}

// A grid of six roads 6 km long, crossing every 2 km, each drawn as pieces from crossing to crossing:
// three along x and three along y, at 0, 2000 and 4000 m, from -1000 to 5000 m. The town is at the
// middle crossing (2000, 2000); 60 km/h, 1 km a minute.
struct GridStudy {
    TempDir dir;
    Study study;
    RoadGraph graph;
    AccessResult res;
    GridStudy() {
        auto xy = [](double x, double y) { return std::to_string(X0 + x) + " " + std::to_string(Y0 + y); };
        std::vector<Feat> roads;
        const double cuts[] = {-1000, 0, 2000, 4000, 5000};
        for (double at : {0.0, 2000.0, 4000.0})
            for (int k = 0; k < 4; ++k) {
                roads.push_back({"LINESTRING (" + xy(cuts[k], at) + ", " + xy(cuts[k + 1], at) + ")", {"县道"}});
                roads.push_back({"LINESTRING (" + xy(at, cuts[k]) + ", " + xy(at, cuts[k + 1]) + ")", {"县道"}});
            }
        const std::string admin = write_admin(dir, 4551, box_wkt(X0 - 3000, Y0 - 3000, X0 + 7000, Y0 + 7000));
        write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "population:real"},
                    {{"POINT (" + xy(2000, 2000) + ")", {"T", "甲镇", "镇", "1", "0"}}});
        write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"class"}, roads);
        study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + R"(
[layers.towns]
source = "towns.gpkg"
[layers.roads]
source = "roads.gpkg"
[network.speeds]
"县道" = 60
[access]
thresholds_min = [3, 30]
isochrone_towns = ["T"]
isochrone_buffer_m = 200
)"));
        graph = build_road_graph(study, network_options(study.config));
        res = compute_access(study, graph, read_settlements(study, graph), access_options(study.config));
    }
};

TEST_CASE("a grid's isochrone is its reached roads' band: crossings counted once, ends rounded", "[access][isochrone]") {
    GridStudy s;
    REQUIRE(s.res.isochrones.size() == 2);
    const Isochrone &three = s.res.isochrones[0], &thirty = s.res.isochrones[1];
    REQUIRE(three.minutes == 3);
    REQUIRE(thirty.minutes == 30);
    // Worked by hand. A road of length L has the band L x 400 m and two half 16-gons at its ends
    // (GEOS, 4 segments a quadrant: together 8 r^2 sin(pi/8)); two crossing roads share a 400 m square.
    const double r = 200, end_caps = 8 * r * r * std::sin(M_PI / 8), square = 4 * r * r;
    SECTION("30 minutes: the whole grid, 6 roads and 9 crossings") {
        CHECK(thirty.road_km == Approx(36).epsilon(1e-6));
        CHECK(thirty.area_km2 * 1e6 == Approx(6 * (6000 * 2 * r + end_caps) - 9 * square).epsilon(1e-5));
    }
    SECTION("3 minutes: the two roads through the town whole, and 1 km either way along the four roads they cross") {
        // From the town 2 km to the next crossings, then 1 km on: the whole of x = 2000 and y = 2000,
        // and x = 0, x = 4000, y = 0 and y = 4000 from 1000 to 3000 m, each crossing one road.
        CHECK(three.road_km == Approx(2 * 6 + 4 * 2).epsilon(1e-6));
        const double whole = 2 * (6000 * 2 * r + end_caps) - square, part = 2000 * 2 * r + end_caps - square;
        CHECK(three.area_km2 * 1e6 == Approx(whole + 4 * part).epsilon(1e-5));
        const GeosContext& geos = *s.study.geos;
        auto inside = [&](double x, double y) {
            GeomPtr p = geos.own(GEOSGeom_createPointFromXY_r(geos.get(), X0 + x, Y0 + y));
            return GEOSContains_r(geos.get(), three.polygon.get(), p.get()) == 1;
        };
        CHECK(inside(0, 2950));
        CHECK_FALSE(inside(0, 3250));
        CHECK_FALSE(inside(1000, 1000));  // a block's middle
        CHECK(GEOSisValid_r(geos.get(), three.polygon.get()) == 1);
    }
}

TEST_CASE("road problems on the sample: one piece apart, its town cut off, the drawn dead ends", "[access][slow]") {
    const Study study = load_study(load_config(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.toml"));
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    const AccessResult res = compute_access(study, g, read_settlements(study, g), access_options(study.config));
    // The sample draws one disconnected piece (the roads of the last 林场 in the township list) and
    // 12 village roads that stop in the fields (sample_data/README.md).
    REQUIRE(res.components.size() == 2);
    CHECK(res.components[1].towns.size() == 1);
    std::size_t cut_off = 0;
    for (const auto& t : res.towns) cut_off += t.no_route_to_seat;
    CHECK(cut_off == 1);
    CHECK(res.dead_ends.size() == 12);
    SECTION("every node reached within an isochrone's minutes lies inside it") {
        const Isochrone& iso = res.isochrones.at(1);  // the first city core, 30 minutes
        REQUIRE(iso.minutes == 30);
        Router r(g);
        double x = 0, y = 0;
        const Feature& core = study.role("city_cores").front()->features.front();
        GEOSGeomGetX_r(study.geos->get(), core.geom.get(), &x);
        GEOSGeomGetY_r(study.geos->get(), core.geom.get(), &y);
        r.run_from(g.snap(x, y), Router::Bound::seconds(30 * 60));
        PreparedPtr prepared = study.geos->prepare(iso.polygon.get());
        std::size_t checked = 0;
        for (std::uint32_t v : r.touched()) {
            GeomPtr p = study.geos->own(GEOSGeom_createPointFromXY_r(study.geos->get(), g.nodes[v].x, g.nodes[v].y));
            CHECK(GEOSPreparedContains_r(study.geos->get(), prepared.get(), p.get()) == 1);
            ++checked;
        }
        CHECK(checked > 50);
    }
}

TEST_CASE("access gives the same numbers and shapes on every run, threads or not", "[access][slow]") {
    const Study study = load_study(load_config(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.toml"));
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    const AccessOptions opt = access_options(study.config);
    const Settlements s = read_settlements(study, g);
    const AccessResult a = compute_access(study, g, s, opt), b = compute_access(study, g, s, opt);
    REQUIRE(a.towns.size() == b.towns.size());
    for (std::size_t i = 0; i < a.towns.size(); ++i) {
        CHECK(a.towns[i].catchment_pop == b.towns[i].catchment_pop);
        CHECK((a.towns[i].e2sfca == b.towns[i].e2sfca));
        CHECK((std::isnan(a.towns[i].county_seat_min) ? std::isnan(b.towns[i].county_seat_min)
                                                       : a.towns[i].county_seat_min == b.towns[i].county_seat_min));
    }
    REQUIRE(a.isochrones.size() == b.isochrones.size());
    for (std::size_t i = 0; i < a.isochrones.size(); ++i)
        CHECK(GEOSEqualsExact_r(study.geos->get(), a.isochrones[i].polygon.get(), b.isochrones[i].polygon.get(), 0) == 1);
}

TEST_CASE("access stops at the next report when the progress callback says the user cancelled", "[access][cancel]") {
    LineStudy s;
    for (int stop_at : {1, 3, 6}) {
        struct Count {
            int calls = 0, stop_at = 0;
        } count{0, stop_at};
        const Progress p{[](double, const char*, void* data) -> int {
                             auto* c = static_cast<Count*>(data);
                             return ++c->calls < c->stop_at;
                         },
                         &count};
        INFO("cancelled at report " << stop_at);
        CHECK_THROWS_AS(compute_access(s.study, s.graph, s.settlements, s.opt, p), Cancelled);
        CHECK(count.calls == stop_at);   // not one report more: the step stopped there
    }
    // Not cancelled: the same call runs to the end.
    int calls = 0;
    const Progress counting{[](double, const char*, void* data) -> int { return ++*static_cast<int*>(data) > 0; }, &calls};
    CHECK_NOTHROW(compute_access(s.study, s.graph, s.settlements, s.opt, counting));
    CHECK(calls > 6);
}
