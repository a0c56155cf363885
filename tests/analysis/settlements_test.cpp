// The settlements table on a drawn study in EPSG:4551 (the working CRS): two counties of one
// prefecture, a town given as a point and one as a 2 km x 1 km polygon, villages of each town and
// one whose town the towns layer does not have; one road along y = Y0.
#include "analysis/settlements.h"
#include "tests/support.h"

#include <GeographicLib/PolygonArea.hpp>
#include <catch2/catch.hpp>
#include <ogr_spatialref.h>

#include <memory>

using namespace townsite;
using namespace townsite::test;

namespace {
constexpr double X0 = 500000, Y0 = 4800000;
std::string pt(double x_m, double y_m) { return "POINT (" + std::to_string(X0 + x_m) + " " + std::to_string(Y0 + y_m) + ")"; }

// The area of a box of EPSG:4551 on the WGS 84 ellipsoid: its corners to lon/lat by GDAL, then GeographicLib.
double ground_km2(double x0, double y0, double x1, double y1) {
    OGRSpatialReference gk, wgs84;
    gk.importFromEPSG(4551);
    wgs84.importFromEPSG(4326);
    gk.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&gk, &wgs84));
    GeographicLib::PolygonArea poly(GeographicLib::Geodesic::WGS84());
    const double xs[] = {x0, x1, x1, x0}, ys[] = {y0, y0, y1, y1};
    for (int k = 0; k < 4; ++k) {
        double x = xs[k], y = ys[k];
        ct->Transform(1, &x, &y);
        poly.AddPoint(y, x);
    }
    double perimeter = 0, area = 0;
    poly.Compute(false, true, perimeter, area);
    return area / 1e6;
}
}  // namespace

TEST_CASE("settlements: read once with their units, seats, populations and areas; snapped onto the roads", "[settlements]") {
    TempDir dir;
    const std::string west = box_wkt(X0 - 10000, Y0 - 10000, X0, Y0 + 10000), east = box_wkt(X0, Y0 - 10000, X0 + 10000, Y0 + 10000);
    write_layer(dir.path("prefectures.gpkg"), "GPKG", "prefectures", 4551, {"id", "name"},
                {{box_wkt(X0 - 10000, Y0 - 10000, X0 + 10000, Y0 + 10000), {"P", "甲市"}}});
    write_layer(dir.path("counties.gpkg"), "GPKG", "counties", 4551, {"id", "name", "prefecture"},
                {{west, {"CW", "西县", "P"}}, {east, {"CE", "东县", "P"}}});
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "population"},
                {{pt(-5000, 300), {"TW", "西镇", "镇", "CW", "12000"}},
                 {box_wkt(X0 + 4000, Y0 - 500, X0 + 6000, Y0 + 500), {"TE", "东乡", "乡", "CE", ""}}});
    write_layer(dir.path("villages.gpkg"), "GPKG", "villages", 4551, {"id", "name", "town", "population"},
                {{pt(-7000, 50), {"V1", "一村", "TW", "800"}},
                 {pt(7000, -40), {"V2", "二村", "TE", "600"}},
                 {pt(9000, 9000), {"V3", "三村", "TX", "100"}}});
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"class"},
                {{"LINESTRING (" + std::to_string(X0 - 9000) + " " + std::to_string(Y0) + ", " + std::to_string(X0 + 9000) + " " +
                      std::to_string(Y0) + ")",
                  {"县道"}}});
    const Study study = load_study(config_from(dir.path(), R"([study]
crs = "EPSG:4551"
[layers.prefectures]
source = "prefectures.gpkg"
[layers.counties]
source = "counties.gpkg"
[layers.towns]
source = "towns.gpkg"
[layers.villages]
source = "villages.gpkg"
[layers.roads]
source = "roads.gpkg"
[network]
max_snap_m = 1000
[network.speeds]
"县道" = 60
)"));
    const RoadGraph graph = build_road_graph(study, network_options(study.config));

    const Settlements unsnapped = read_settlements(study);
    CHECK_FALSE(unsnapped.towns.at(0).snap.ok);

    const Settlements s = read_settlements(study, graph);
    REQUIRE(s.towns.size() == 2);
    REQUIRE(s.villages.size() == 3);
    const Settlement& tw = s.towns[0];
    const Settlement& te = s.towns[1];
    CHECK(tw.id == "TW");
    CHECK(tw.name == "西镇");
    CHECK(tw.kind == "镇");
    CHECK(tw.county == "CW");
    CHECK(tw.county_name == "西县");
    CHECK(tw.prefecture == "P");
    CHECK(tw.prefecture_name == "甲市");
    CHECK(tw.population == 12000);
    CHECK(std::isnan(tw.area_km2));   // a point has no area
    CHECK(tw.x == Approx(X0 - 5000).margin(1e-6));
    CHECK(tw.y == Approx(Y0 + 300).margin(1e-6));
    CHECK(te.kind == "乡");
    CHECK(te.county_name == "东县");
    CHECK(std::isnan(te.population));   // the layer gives none: no made-up number
    CHECK(te.population_or(0) == 0);
    // The polygon's area on the ellipsoid, worked independently (GDAL to lon/lat, GeographicLib).
    CHECK(te.area_km2 == Approx(ground_km2(X0 + 4000, Y0 - 500, X0 + 6000, Y0 + 500)).epsilon(1e-6));
    CHECK(std::fabs(te.area_km2 - 2.0) > 1e-6);   // and not the planar 2 km2 of the projection
    // Its seat is a point inside the polygon, and it is snapped onto the road at y = Y0.
    CHECK(te.x > X0 + 4000);
    CHECK(te.x < X0 + 6000);
    // Snaps: 300 m from the road, the polygon's seat on it; the village far off the road is not snapped.
    CHECK(tw.snap.ok);
    CHECK(tw.snap.snap_m == Approx(300).epsilon(1e-3));
    CHECK(tw.snap.y == Approx(Y0).margin(1e-6));
    CHECK(te.snap.ok);
    CHECK_FALSE(s.villages[2].snap.ok);

    // Villages take their units through their town.
    CHECK(s.villages[0].town == "TW");
    CHECK(s.villages[0].county == "CW");
    CHECK(s.villages[0].prefecture_name == "甲市");
    CHECK(s.villages[1].county_name == "东县");
    CHECK(s.villages[2].town == "TX");
    CHECK(s.villages[2].county.empty());
    CHECK(s.villages[0].kind.empty());

    // Lookups.
    CHECK(s.town_row("TE") == std::optional<std::size_t>(1));
    CHECK_FALSE(s.town_row("TX"));
    const auto by_town = s.villages_by_town();
    CHECK(by_town.at("TW") == std::vector<std::uint32_t>{0});
    CHECK(by_town.at("TX") == std::vector<std::uint32_t>{2});
    CHECK(s.towns_by_county().at("CE") == std::vector<std::uint32_t>{1});
    CHECK(each(s.towns, &Settlement::county_name) == std::vector<std::string>{"西县", "东县"});
    // The rows point back at the features they were read from.
    REQUIRE(tw.feature);
    CHECK(tw.feature->id == "TW");
    CHECK(tw.layer == s.town_layers.at(0));
}
