// Coverage on shapes whose answers are known by hand. Metres in CGCS2000 / 3-degree Gauss-Kruger
// CM 126E (EPSG:4551) beside its central meridian, where the plane is true to 1e-7.
//
//   T1: square town [0,1000]^2, a water pipe along x = 250 (250 m corridor: x = 0 .. 500)
//   T2: square town [2000,3000]x[0,1000], gas pipes along x = 2200 and x = 2300 (corridors overlap)
//   T3: town point at (5000, 500) with no population (circle of min_radius_m = 400 m), a heating
//       plant of radius 300 m at its centre and a sewage plant with no radius, neither on a line
//   Roads for the extensions:  N(250,1500) ---1000 m--- J(1250,1500) -- V1 (up), V2 (right), V3 (down), 100 m each
#include "analysis/coverage.h"
#include "tests/support.h"

#include <GeographicLib/PolygonArea.hpp>
#include <GeographicLib/TransverseMercator.hpp>
#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using namespace townsite::test;

namespace {

constexpr double X0 = 500000, Y0 = 4800000;
std::string p(double x, double y) { return std::to_string(X0 + x) + " " + std::to_string(Y0 + y); }
std::string ln(double x1, double y1, double x2, double y2) { return "LINESTRING (" + p(x1, y1) + ", " + p(x2, y2) + ")"; }
std::string sq(double x0, double y0, double x1, double y1) { return box_wkt(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1); }

// Area (m2) of a rectangle given in the GK plane, computed on the ellipsoid by GeographicLib alone.
double geodesic_rect_m2(double x0, double y0, double x1, double y1) {
    const GeographicLib::TransverseMercator tm(6378137.0, 1 / 298.257222101, 1.0);
    GeographicLib::PolygonArea poly(GeographicLib::Geodesic(6378137.0, 1 / 298.257222101));
    for (auto [x, y] : std::vector<std::pair<double, double>>{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}) {
        double lat = 0, lon = 0;
        tm.Reverse(126, x, Y0 + y, lat, lon);  // x from the central meridian: the false easting taken off
        poly.AddPoint(lat, lon);
    }
    double perimeter = 0, area = 0;
    poly.Compute(false, true, perimeter, area);
    return std::fabs(area);
}

struct Fixture {
    TempDir dir;
    Study study;
    RoadGraph graph;
    CoverageOptions opt;
    Settlements settlements;
    CoverageResult res;
    Fixture() {
        const std::string admin = write_admin(dir, 4551, sq(-3000, -3000, 8000, 4000));
        write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"},
                    {{sq(0, 0, 1000, 1000), {"T1", "甲镇", "镇", "1"}}, {sq(2000, 0, 3000, 1000), {"T2", "乙镇", "镇", "1"}}});
        write_layer(dir.path("town_points.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"},
                    {{"POINT (" + p(5000, 500) + ")", {"T3", "丙镇", "镇", "1"}}});
        write_layer(dir.path("water.gpkg"), "GPKG", "water", 4551, {"id"}, {{ln(250, -1000, 250, 2000), {"w1"}}});
        write_layer(dir.path("gas.gpkg"), "GPKG", "gas", 4551, {"id"},
                    {{ln(2200, -1000, 2200, 2000), {"g1"}}, {ln(2300, -1000, 2300, 2000), {"g2"}}});
        write_layer(dir.path("heating.gpkg"), "GPKG", "heating", 4551, {"id", "radius_m:real"}, {{"POINT (" + p(5000, 500) + ")", {"h1", "300"}}});
        write_layer(dir.path("sewage.gpkg"), "GPKG", "sewage", 4551, {"id"}, {{"POINT (" + p(5000, 500) + ")", {"s1"}}});
        write_layer(dir.path("villages.gpkg"), "GPKG", "villages", 4551, {"id", "town", "population:real"},
                    {{"POINT (" + p(1250, 1600) + ")", {"V1", "T1", "100"}},
                     {"POINT (" + p(1350, 1500) + ")", {"V2", "T1", "200"}},
                     {"POINT (" + p(1250, 1400) + ")", {"V3", "T1", "300"}}});
        write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"class"},
                    {{ln(250, 1500, 1250, 1500), {"村道"}}, {ln(1250, 1500, 1250, 1600), {"村道"}},
                     {ln(1250, 1500, 1350, 1500), {"村道"}}, {ln(1250, 1500, 1250, 1400), {"村道"}}});
        write_layer(dir.path("protected.gpkg"), "GPKG", "protected", 4551, {"id", "name"}, {{"POINT (" + p(1300, 1550) + ")", {"P1", "古榆"}}});
        study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + R"(
[[layers.towns]]
source = "towns.gpkg"
[[layers.towns]]
source = "town_points.gpkg"
[layers.villages]
source = "villages.gpkg"
[layers.water]
source = "water.gpkg"
[layers.gas]
source = "gas.gpkg"
[layers.heating]
source = "heating.gpkg"
[layers.sewage]
source = "sewage.gpkg"
[layers.roads]
source = "roads.gpkg"
[layers.protected]
source = "protected.gpkg"
[coverage]
min_radius_m = 400
[coverage.water]
line_service_m = 250
[coverage.gas]
line_service_m = 250
[coverage.sewage]
plant_radius_m = 1000
)"));
        graph = build_road_graph(study, network_options(study.config));
        opt = coverage_options(study.config);
        settlements = read_settlements(study, graph);
        res = compute_coverage(study, graph, settlements, opt);
    }
};

}  // namespace

TEST_CASE("a square town half inside a pipe's corridor is half served", "[coverage]") {
    Fixture f;
    // The corridor of the pipe at x = 250 reaches x = 0 .. 500: half of [0, 1000].
    const UtilityCoverage& w = f.res.towns[0].utilities.at("water");
    CHECK(w.status == "partial");
    CHECK(w.share_area == Approx(0.5).epsilon(1e-6));
    CHECK(w.seat_to_network_m == Approx(250).epsilon(1e-5));  // from the square's centre
    CHECK(f.res.towns[0].area_km2 * 1e6 == Approx(geodesic_rect_m2(0, 0, 1000, 1000)).epsilon(1e-6));
    CHECK(w.gap_km2 * 1e6 == Approx(geodesic_rect_m2(500, 0, 1000, 1000)).epsilon(1e-6));
}

TEST_CASE("overlapping corridors are counted once", "[coverage]") {
    Fixture f;
    // Pipes at x = 2200 and 2300 with 250 m corridors: together x = 2000 .. 2550, 55 % of the town.
    CHECK(f.res.towns[1].utilities.at("gas").share_area == Approx(0.55).epsilon(1e-6));
}

TEST_CASE("a town with no network has none, and its whole area is the gap", "[coverage]") {
    Fixture f;
    const UtilityCoverage& g = f.res.towns[0].utilities.at("gas");  // T1 has no gas pipe near it
    CHECK(g.status == "none");
    CHECK(g.share_area == 0);
    CHECK(g.gap_km2 == Approx(f.res.towns[0].area_km2).epsilon(1e-9));
    SECTION("and a utility with no layer is no data, not no coverage") {
        CHECK(f.res.towns[0].utilities.at("garbage").status == "no data");
        CHECK(std::isnan(f.res.towns[0].utilities.at("garbage").share_area));
    }
}

TEST_CASE("a plant with no lines serves its radius; without a radius, the default, counted", "[coverage]") {
    Fixture f;
    // Both polygons are GEOS buffers: the plant's 300 m circle with 8 segments a quadrant (a
    // 32-gon), the town's 400 m circle with 32 (a 128-gon). Areas of regular n-gons: n/2 r^2 sin(2pi/n).
    auto ngon = [](int n, double r) { return n / 2.0 * r * r * std::sin(2 * M_PI / n); };
    CHECK(f.res.towns[2].utilities.at("heating").share_area == Approx(ngon(32, 300) / ngon(128, 400)).epsilon(1e-4));
    CHECK(f.res.towns[2].utilities.at("sewage").status == "served");  // default radius 1000 m covers it
    for (const auto& s : f.res.summary)
        if (s.utility == "sewage") CHECK(s.plants_default_radius == 1);
}

TEST_CASE("invalid and multi-part town polygons, and a built-up layer, give the right areas", "[coverage][errors]") {
    TempDir dir;
    const std::string admin = write_admin(dir, 4551, sq(-3000, -3000, 8000, 4000));
    // T1: a bow-tie (invalid: repaired into two triangles, a quarter of its box each);
    // T2: two separate squares of 1 km2 (multi-part); T3: a point with a built-up polygon of its own.
    const std::string two = "MULTIPOLYGON (((" + p(2000, 0) + ", " + p(3000, 0) + ", " + p(3000, 1000) + ", " + p(2000, 1000) + ", " +
                            p(2000, 0) + ")), ((" + p(4000, 0) + ", " + p(5000, 0) + ", " + p(5000, 1000) + ", " + p(4000, 1000) + ", " +
                            p(4000, 0) + ")))";
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"},
                {{"MULTIPOLYGON (((" + p(0, 0) + ", " + p(1000, 1000) + ", " + p(1000, 0) + ", " + p(0, 1000) + ", " + p(0, 0) + ")))", {"T1", "甲", "镇", "1"}},
                 {two, {"T2", "乙", "镇", "1"}}});
    write_layer(dir.path("points.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"}, {{"POINT (" + p(6500, 500) + ")", {"T3", "丙", "镇", "1"}}});
    write_layer(dir.path("builtup.gpkg"), "GPKG", "builtup", 4551, {"town"}, {{sq(6000, 0, 7000, 2000), {"T3"}}});
    // Water: a pipe along x = 2500 serving x = 2000 .. 3000 (all of T2's first square), and an empty pipe.
    write_layer(dir.path("water.gpkg"), "GPKG", "water", 4551, {"id"}, {{ln(2500, -1000, 2500, 2000), {"w1"}}, {"LINESTRING EMPTY", {"w2"}}});
    const Study study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + R"(
[[layers.towns]]
source = "towns.gpkg"
[[layers.towns]]
source = "points.gpkg"
[layers.builtup]
source = "builtup.gpkg"
[layers.water]
source = "water.gpkg"
[coverage.water]
line_service_m = 500
)"));
    std::map<std::string, std::size_t> water_problems;
    for (const auto& pr : study.role("water").front()->info.problems) water_problems[pr.kind] = pr.count;
    CHECK(water_problems["empty_geometry"] == 1);
    const RoadGraph g;  // no roads: coverage needs none for shares
    CoverageOptions opt = coverage_options(study.config);
    opt.extensions = false;
    const CoverageResult res = compute_coverage(study, g, read_settlements(study, g), opt);
    REQUIRE(res.towns.size() == 3);
    CHECK(res.towns[0].area_km2 == Approx(0.5).epsilon(1e-4));   // two triangles of 0.25 km2
    CHECK(res.towns[1].area_km2 == Approx(2.0).epsilon(1e-4));
    CHECK(res.towns[1].utilities.at("water").share_area == Approx(0.5).epsilon(1e-4));
    CHECK(res.towns[2].area_source == "built-up layer");
    CHECK(res.towns[2].area_km2 == Approx(2.0).epsilon(1e-4));
}

TEST_CASE("a village group is joined along shared road, shorter than separate connections", "[coverage][steiner]") {
    Fixture f;
    const Extension* water = nullptr;
    for (const auto& e : f.res.extensions)
        if (e.utility == "water" && e.town == 0) water = &e;
    REQUIRE(water);
    CHECK(water->villages.size() == 3);
    CHECK(water->connects_gap);
    // The trunk N-J (1000 m) once, three 100 m branches, and the 1000 m pipe from the road at y=1500
    // to the gap's centre (750, 500). Separately: 3 x 1100 m for the villages and 1500 m for the gap.
    CHECK(water->length_km * 1000 == Approx(1000 + 3 * 100 + 1000).margin(0.01));
    CHECK(water->length_km * 1000 < 3 * 1100 + 1500);
    CHECK(water->population == Approx(600 + 0).margin(1e-9));  // villages; the gap has no people here
    REQUIRE(water->protected_sites.size() == 1);
    CHECK(water->protected_sites[0] == "古榆");
}

TEST_CASE("township territories given as town polygons are not taken as built-up areas; an urban development boundary is", "[coverage][errors]") {
    TempDir dir;
    const std::string admin = write_admin(dir, 4551, sq(-20000, -20000, 40000, 20000));
    // T1: a 12 km x 12 km township territory (144 km²) with 30,000 people and no boundary: the circle
    // of its people at the default 12,000 per km² (r = sqrt(2.5 / pi) km), not the 144 km².
    // T2: the same territory beside it, with an urban development boundary (no town field) of 2 km x 1 km around its seat.
    // T3: a 3 km x 3 km polygon (9 km², under the 20 km² limit): a built-up area, kept.
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "population:real"},
                {{sq(0, 0, 12000, 12000), {"T1", "甲镇", "镇", "1", "30000"}},
                 {sq(14000, 0, 26000, 12000), {"T2", "乙镇", "镇", "1", "30000"}},
                 {sq(28000, 0, 31000, 3000), {"T3", "丙镇", "镇", "1", "30000"}}});
    write_layer(dir.path("boundary.gpkg"), "GPKG", "urban_boundary", 4551, {"id"}, {{sq(19000, 5500, 21000, 6500), {"B1"}}});
    const Study study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + R"(
[layers.towns]
source = "towns.gpkg"
[layers.urban_boundary]
source = "boundary.gpkg"
)"));
    const RoadGraph g;
    CoverageOptions opt = coverage_options(study.config);
    opt.extensions = false;
    const CoverageResult res = compute_coverage(study, g, read_settlements(study, g), opt);
    REQUIRE(res.towns.size() == 3);
    CHECK(res.towns[0].area_source == "circle: township polygon");
    CHECK(res.towns[0].area_km2 == Approx(30000.0 / 12000).epsilon(0.01));   // a 32-segment circle of 2.5 km²
    CHECK(res.towns[1].area_source == "urban development boundary");
    CHECK(res.towns[1].area_km2 == Approx(2.0).epsilon(1e-3));
    CHECK(res.towns[2].area_source == "polygon");
    CHECK(res.towns[2].area_km2 == Approx(9.0).epsilon(1e-3));
    CHECK(res.township_polygons == 1);
    REQUIRE_FALSE(res.notes.empty());
    CHECK_THAT(res.notes.front().en, Catch::Contains("1 towns are polygons larger than 20 km²") && Catch::Contains("甲镇 (T1), 144 km²") &&
                                         Catch::Contains("Fix: give the builtup or urban_boundary layer"));
    CHECK_THAT(res.notes.front().zh, Catch::Contains("城镇开发边界"));
    // A limit raised above the territories takes them as they are.
    opt.max_town_polygon_km2 = 200;
    const CoverageResult raised = compute_coverage(study, g, read_settlements(study, g), opt);
    CHECK(raised.towns[0].area_source == "polygon");
    CHECK(raised.township_polygons == 0);
}

TEST_CASE("extensions keep out of the ecological red line, or are reported as blocked; their length through farmland is measured", "[coverage][land]") {
    // A water main along x = -100 serves road node A (0, 0). Town T: a point at (3000, 0) with no
    // population (its whole 400 m circle is the gap, joined at its centre, on the piece B-C).
    // Roads: A-B straight (2800 m) through the red line [1000, 2000] x [-200, 200]; a detour A-(0,
    // 1000)-(2800, 1000)-B of 4800 m; B (2800, 0) - C (3200, 0). Farmland [2900, 3100] x [-50, 50]
    // lies on B-C: all of the pipe from B to the gap's point but its first 100 m (GEOS puts the
    // point near the circle's centre, some metres east of it).
    TempDir dir;
    const std::string admin = write_admin(dir, 4551, sq(-3000, -3000, 6000, 4000));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"}, {{"POINT (" + p(3000, 0) + ")", {"T", "甲镇", "镇", "1"}}});
    write_layer(dir.path("water.gpkg"), "GPKG", "water", 4551, {"id"}, {{ln(-100, -2000, -100, 2000), {"w1"}}});
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"class"},
                {{ln(0, 0, 2800, 0), {"村道"}},
                 {"LINESTRING (" + p(0, 0) + ", " + p(0, 1000) + ", " + p(2800, 1000) + ", " + p(2800, 0) + ")", {"村道"}},
                 {ln(2800, 0, 3200, 0), {"村道"}}});
    write_layer(dir.path("farmland.gpkg"), "GPKG", "farmland", 4551, {"id"}, {{sq(2900, -50, 3100, 50), {"F1"}}});
    write_layer(dir.path("red.gpkg"), "GPKG", "eco_redline", 4551, {"id"}, {{sq(1000, -200, 2000, 200), {"R1"}}});
    write_layer(dir.path("red_both.gpkg"), "GPKG", "eco_redline", 4551, {"id"}, {{sq(1000, -200, 2000, 1200), {"R1"}}});
    auto coverage_with = [&](const std::string& red) {
        const Study study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + R"(
[layers.towns]
source = "towns.gpkg"
[layers.water]
source = "water.gpkg"
[layers.roads]
source = "roads.gpkg"
[layers.farmland]
source = "farmland.gpkg"
)" + (red.empty() ? "" : "[layers.eco_redline]\nsource = \"" + red + "\"\n") + "[coverage]\nmin_radius_m = 400\n[coverage.water]\nline_service_m = 250\n"));
        const RoadGraph g = build_road_graph(study, network_options(study.config));
        return compute_coverage(study, g, read_settlements(study, g), coverage_options(study.config));
    };
    // Without the red line: straight along A-B, 2800 m and the stretch of B-C to the point.
    const CoverageResult free = coverage_with("");
    REQUIRE(free.extensions.size() == 1);
    const double stretch_km = free.extensions[0].length_km - 2.8;
    CHECK(stretch_km == Approx(0.2).margin(0.02));
    CHECK(free.extensions[0].farmland_km == Approx(stretch_km - 0.1).epsilon(1e-4));
    CHECK(free.extensions[0].redline_detour_km == 0);
    // With it: round by the detour, 4800 m and the same stretch, 2 km longer; nothing blocked.
    const CoverageResult round = coverage_with("red.gpkg");
    REQUIRE(round.extensions.size() == 1);
    CHECK(round.extensions[0].length_km == Approx(4.8 + stretch_km).epsilon(1e-4));
    CHECK(round.extensions[0].redline_detour_km == Approx(2.0).epsilon(1e-4));
    CHECK(round.extensions[0].farmland_km == Approx(stretch_km - 0.1).epsilon(1e-4));
    CHECK(round.blocked.empty());
    // A red line across both ways: no extension drawn through it; the case is reported.
    const CoverageResult shut = coverage_with("red_both.gpkg");
    CHECK(shut.extensions.empty());
    REQUIRE(shut.blocked.size() == 1);
    CHECK(shut.blocked[0].utility == "water");
    CHECK(shut.blocked[0].length_km == Approx(2.8 + stretch_km).epsilon(1e-4));
    CHECK(shut.blocked[0].redline_km == Approx(1.0).epsilon(1e-3));
    bool said = false;
    for (const Words& w : shut.notes) said = said || w.en.find("1 extensions could only run through the ecological red line") != std::string::npos;
    CHECK(said);
}
