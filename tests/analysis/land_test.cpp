// Room to grow and the bottom lines on shapes whose areas are worked out independently: the area of
// a rectangle inside a disc integrated numerically, not by GEOS. Metres in CGCS2000 / 3-degree
// Gauss-Kruger CM 126E (EPSG:4551) beside its central meridian, where the plane is true to 1e-7.
//
//   T1: seat (0, 0), no boundary: its zone is the 2 km circle. Built up [-300, 300]^2; farmland
//       x >= 1000; red line y >= 1500 (the two overlap in the circle's north-east).
//   T2: seat (10000, 0), urban development boundary [9000, 11000] x [-500, 500] (2 km²). Built up
//       [9800, 10200] x [-200, 200]; farmland [10500, 13000] x [-500, 500]; red line
//       [9000, 11000] x [250, 3000].
#include "analysis/land.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using namespace townsite;
using namespace townsite::test;

namespace {

constexpr double X0 = 500000, Y0 = 4800000;
std::string p(double x, double y) { return std::to_string(X0 + x) + " " + std::to_string(Y0 + y); }
std::string sq(double x0, double y0, double x1, double y1) { return box_wkt(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1); }

// m² of the rectangle [x0, x1] x [y0, y1] inside the disc of radius r at the origin: the midpoint
// rule over x with 200,000 strips, each strip's height clipped to the disc by hand.
double rect_in_disc_m2(double r, double x0, double x1, double y0, double y1) {
    const double a = std::max(x0, -r), b = std::min(x1, r);
    if (a >= b) return 0;
    const int n = 200000;
    const double dx = (b - a) / n;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        const double x = a + (i + 0.5) * dx, h = std::sqrt(r * r - x * x);
        sum += std::max(0.0, std::min(y1, h) - std::max(y0, -h));
    }
    return sum * dx;
}

// The five layers each test writes, by their file names.
constexpr const char* kLayers = R"(
[layers.towns]
source = "towns.gpkg"
[layers.builtup]
source = "builtup.gpkg"
[layers.urban_boundary]
source = "boundary.gpkg"
[layers.farmland]
source = "farmland.gpkg"
[layers.eco_redline]
source = "redline.gpkg"
)";

struct Fixture {
    TempDir dir;
    Study study;
    Settlements settlements;
    LandResult res;
    Fixture() {
        const std::string admin = write_admin(dir, 4551, sq(-20000, -20000, 30000, 20000));
        write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "population:real"},
                    {{"POINT (" + p(0, 0) + ")", {"T1", "甲镇", "镇", "1", "12000"}}, {"POINT (" + p(10000, 0) + ")", {"T2", "乙镇", "镇", "1", "12000"}}});
        write_layer(dir.path("builtup.gpkg"), "GPKG", "builtup", 4551, {"id", "town"},
                    {{sq(-300, -300, 300, 300), {"B1", "T1"}}, {sq(9800, -200, 10200, 200), {"B2", "T2"}}});
        write_layer(dir.path("boundary.gpkg"), "GPKG", "urban_boundary", 4551, {"id", "town"}, {{sq(9000, -500, 11000, 500), {"U2", "T2"}}});
        // The farmland of T1 comes as one multipolygon with a far part, as county layers do.
        write_layer(dir.path("farmland.gpkg"), "GPKG", "farmland", 4551, {"id"},
                    {{"MULTIPOLYGON (((" + p(1000, -5000) + ", " + p(5000, -5000) + ", " + p(5000, 5000) + ", " + p(1000, 5000) + ", " + p(1000, -5000) +
                          ")), ((" + p(-9000, -9000) + ", " + p(-8000, -9000) + ", " + p(-8000, -8000) + ", " + p(-9000, -9000) + ")))",
                      {"F1"}},
                     {sq(10500, -500, 13000, 500), {"F2"}}});
        write_layer(dir.path("redline.gpkg"), "GPKG", "eco_redline", 4551, {"id", "name"},
                    {{sq(-5000, 1500, 5000, 5000), {"R1", "北山"}}, {sq(9000, 250, 11000, 3000), {"R2", "河谷"}}});
        study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + kLayers + "[land]\nradius_km = 2\n"));
        const RoadGraph g;
        settlements = read_settlements(study, g);
        res = compute_land(study, settlements, land_options(study.config), coverage_options(study.config), BottomLines(study));
    }
};

}  // namespace

TEST_CASE("room to grow and the farmland and red-line shares agree with areas worked out independently", "[land]") {
    Fixture f;
    REQUIRE(f.res.towns.size() == 2);
    const TownLand& t1 = f.res.towns[0];
    const TownLand& t2 = f.res.towns[1];
    const double R = 2000;
    // T1: the circle, less the built-up square, the farmland and the red line, their overlap once.
    const double disc = std::numbers::pi * R * R;
    const double farm1 = rect_in_disc_m2(R, 1000, 5000, -5000, 5000), red1 = rect_in_disc_m2(R, -5000, 5000, 1500, 5000),
                 both1 = rect_in_disc_m2(R, 1000, 5000, 1500, 5000);
    CHECK(both1 > 1000);   // the overlap is there, and counted once
    CHECK(t1.zone_source == "radius");
    CHECK(t1.zone_km2 * 1e6 == Approx(disc).epsilon(0.005));
    CHECK(t1.builtup_km2 == Approx(0.36).epsilon(0.005));
    CHECK(t1.farmland_km2 * 1e6 == Approx(farm1).epsilon(0.005));
    CHECK(t1.redline_km2 * 1e6 == Approx(red1).epsilon(0.005));
    CHECK(t1.room_km2 * 1e6 == Approx(disc - 0.36e6 - farm1 - red1 + both1).epsilon(0.005));
    CHECK(t1.room_share == Approx((disc - 0.36e6 - farm1 - red1 + both1) / disc).epsilon(0.005));
    CHECK(t1.farmland_share == Approx(farm1 / disc).epsilon(0.005));
    CHECK(t1.redline_share == Approx(red1 / disc).epsilon(0.005));
    // T2: its boundary, by hand: 2 - 0.16 built up - 0.5 farmland - 0.5 red line + 0.125 both = 0.965 km².
    CHECK(t2.zone_source == "urban development boundary");
    CHECK(t2.zone_km2 == Approx(2.0).epsilon(0.005));
    CHECK(t2.builtup_km2 == Approx(0.16).epsilon(0.005));
    CHECK(t2.farmland_km2 == Approx(0.5).epsilon(0.005));
    CHECK(t2.redline_km2 == Approx(0.5).epsilon(0.005));
    CHECK(t2.room_km2 == Approx(0.965).epsilon(0.005));
    CHECK(t2.room_share == Approx(0.965 / 2).epsilon(0.005));
    // ... and what limits it is measured in the 2 km circle around its seat, not in the boundary.
    CHECK(t2.farmland_share == Approx(rect_in_disc_m2(R, 500, 3000, -500, 500) / disc).epsilon(0.005));
    CHECK(t2.redline_share == Approx(rect_in_disc_m2(R, -1000, 1000, 250, 3000) / disc).epsilon(0.005));
    CHECK(f.res.with_boundary == 1);
    REQUIRE_FALSE(f.res.notes.empty());
    CHECK_THAT(f.res.notes.front().en, Catch::Contains("1 towns have no urban development boundary") && Catch::Contains("2.0 km"));
}

TEST_CASE("land taken three ways over neighbouring farmland patches is counted once", "[land]") {
    // Zone: the boundary [0, 2000] x [0, 1000] (2 km²). Farmland in two patches sharing the edge
    // x = 1000 (F1 [0, 1000] x [0, 1000], F2 [1000, 2000] x [0, 600]); built up [800, 1200] x
    // [300, 700] across that edge; red line [900, 1100] x [0, 1000] across all. By hand, taken:
    // F1 1.0 + F2 0.6 + built up beyond them ([1000, 1200] x [600, 700]) 0.02 + red line beyond
    // all ([1000, 1100] x [700, 1000]) 0.03 = 1.65 km²; room 0.35 km².
    TempDir dir;
    const std::string admin = write_admin(dir, 4551, sq(-20000, -20000, 20000, 20000));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "population:real"},
                {{"POINT (" + p(1000, 500) + ")", {"T3", "丙镇", "镇", "1", "8000"}}});
    write_layer(dir.path("builtup.gpkg"), "GPKG", "builtup", 4551, {"id", "town"}, {{sq(800, 300, 1200, 700), {"B3", "T3"}}});
    write_layer(dir.path("boundary.gpkg"), "GPKG", "urban_boundary", 4551, {"id", "town"}, {{sq(0, 0, 2000, 1000), {"U3", "T3"}}});
    write_layer(dir.path("farmland.gpkg"), "GPKG", "farmland", 4551, {"id"}, {{sq(0, 0, 1000, 1000), {"F1"}}, {sq(1000, 0, 2000, 600), {"F2"}}});
    write_layer(dir.path("redline.gpkg"), "GPKG", "eco_redline", 4551, {"id", "name"}, {{sq(900, 0, 1100, 1000), {"R3", "河"}}});
    const Study study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + kLayers));
    const RoadGraph g;
    const BottomLines lines(study);
    CHECK(lines.farmland.overlaps() == 0);   // patches that only share an edge do not overlap
    const LandResult res = compute_land(study, read_settlements(study, g), land_options(study.config), coverage_options(study.config), lines);
    REQUIRE(res.towns.size() == 1);
    const TownLand& t = res.towns[0];
    CHECK(t.zone_km2 == Approx(2.0).epsilon(1e-5));
    CHECK(t.farmland_km2 == Approx(1.6).epsilon(1e-5));
    CHECK(t.builtup_km2 == Approx(0.16).epsilon(1e-5));
    CHECK(t.redline_km2 == Approx(0.2).epsilon(1e-5));
    CHECK(t.room_km2 == Approx(0.35).epsilon(1e-4));
    CHECK(t.room_share == Approx(0.175).epsilon(1e-4));
}

TEST_CASE("lines through the red line: their length inside, and the road pieces that run through it", "[land]") {
    Fixture f;
    const BottomLines lines(f.study);
    const Measure measure(f.study.crs, *f.study.geos);
    // A line from (0, 0) north to (0, 3000) runs 1500 m in the red line and none in the farmland.
    const GeomPtr north = f.study.geos->from_wkt("LINESTRING (" + p(0, 0) + ", " + p(0, 3000) + ")");
    CHECK(lines.redline.length_m(north.get(), measure) == Approx(1500).epsilon(1e-4));
    CHECK(lines.farmland.length_m(north.get(), measure) == 0);
    // One east to (4000, 0) runs 3000 m in the farmland (x >= 1000); a line wholly inside is all of it.
    const GeomPtr east = f.study.geos->from_wkt("LINESTRING (" + p(0, 0) + ", " + p(4000, 0) + ")");
    CHECK(lines.farmland.length_m(east.get(), measure) == Approx(3000).epsilon(1e-4));
    const GeomPtr in = f.study.geos->from_wkt("LINESTRING (" + p(2000, 0) + ", " + p(3000, 0) + ")");
    CHECK(lines.farmland.length_m(in.get(), measure) == Approx(1000).epsilon(1e-4));
    CHECK(lines.redline.inside(in.get()) == nullptr);
}

TEST_CASE("without the bottom-line layers room to grow is not measured; without one of them its share is absent", "[land][errors]") {
    TempDir dir;
    const std::string admin = write_admin(dir, 4551, sq(-20000, -20000, 30000, 20000));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "population:real"},
                {{"POINT (" + p(0, 0) + ")", {"T1", "甲镇", "镇", "1", "12000"}}});
    write_layer(dir.path("redline.gpkg"), "GPKG", "eco_redline", 4551, {"id"}, {{sq(-5000, 1500, 5000, 5000), {"R1"}}});
    const std::string base = "[study]\ncrs = \"EPSG:4551\"\n" + admin + "[layers.towns]\nsource = \"towns.gpkg\"\n";
    const Study none = load_study(config_from(dir.path(), base));
    CHECK_FALSE(has_land_layers(none));
    const Study red = load_study(config_from(dir.path(), base + "[layers.eco_redline]\nsource = \"redline.gpkg\"\n"));
    REQUIRE(has_land_layers(red));
    const RoadGraph g;
    const LandResult res = compute_land(red, read_settlements(red, g), land_options(red.config), coverage_options(red.config), BottomLines(red));
    REQUIRE(res.towns.size() == 1);
    // No builtup layer: the circle of 12,000 people at 12,000 per km² (1 km²) is built up.
    const double R = 2000, disc = std::numbers::pi * R * R, red1 = rect_in_disc_m2(R, -5000, 5000, 1500, 5000);
    CHECK(res.towns[0].builtup_km2 == Approx(1.0).epsilon(0.005));
    CHECK(res.towns[0].room_km2 * 1e6 == Approx(disc - 1e6 - red1).epsilon(0.005));
    CHECK(std::isnan(res.towns[0].farmland_share));
    CHECK(res.towns[0].redline_share == Approx(red1 / disc).epsilon(0.005));
    bool said = false;
    for (const Words& w : res.notes) said = said || w.en.find("No farmland layer") != std::string::npos;
    CHECK(said);
}
