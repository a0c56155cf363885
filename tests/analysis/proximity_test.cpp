// Proximity on a drawn province, in metres of EPSG:4551 (used as the working CRS):
//
//   [ metro area ]                                                   | border
//   T1(0) ---------------- T2(20 km) -- site(23 km) ---------------- | (40 km)
#include "analysis/proximity.h"
#include "analysis/town_table.h"
#include "tests/support.h"

#include <GeographicLib/Geodesic.hpp>
#include <catch2/catch.hpp>
#include <ogr_spatialref.h>

#include <memory>

using namespace townsite;
using namespace townsite::test;

namespace {
constexpr double X0 = 500000, Y0 = 4800000;
std::string pt(double x_km) { return "POINT (" + std::to_string(X0 + x_km * 1000) + " " + std::to_string(Y0) + ")"; }
}  // namespace

TEST_CASE("proximity: inside the metropolitan area, kilometres to it and to the border, county flags, sites nearby", "[proximity]") {
    TempDir dir;
    const std::string area = box_wkt(X0 - 5000, Y0 - 5000, X0 + 45000, Y0 + 5000);
    write_layer(dir.path("admin.gpkg"), "GPKG", "prefectures", 4551, {"id", "name"}, {{area, {"P", "甲市"}}});
    write_layer(dir.path("counties.gpkg"), "GPKG", "counties", 4551, {"id", "name", "prefecture", "border", "key_assistance"},
                {{area, {"C", "乙县", "P", "1", "0"}}});
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county", "node_town"},
                {{pt(0), {"T1", "一镇", "镇", "C", "0"}}, {pt(20), {"T2", "二镇", "镇", "C", "1"}}});
    write_layer(dir.path("metro.gpkg"), "GPKG", "metro", 4551, {"name"}, {{box_wkt(X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000), {"都市圈"}}});
    write_layer(dir.path("border.gpkg"), "GPKG", "border", 4551, {"name"},
                {{"LINESTRING (" + std::to_string(X0 + 40000) + " " + std::to_string(Y0 - 5000) + ", " + std::to_string(X0 + 40000) + " " +
                      std::to_string(Y0 + 5000) + ")",
                  {"国界"}}});
    write_layer(dir.path("sites.gpkg"), "GPKG", "sites", 4551, {"id", "name"}, {{pt(23), {"S", "古树"}}});
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"class"},
                {{"LINESTRING (" + std::to_string(X0) + " " + std::to_string(Y0) + ", " + std::to_string(X0 + 40000) + " " + std::to_string(Y0) + ")",
                  {"县道"}}});
    const Study study = load_study(config_from(dir.path(), R"([study]
crs = "EPSG:4551"
[layers.prefectures]
source = "admin.gpkg"
[layers.counties]
source = "counties.gpkg"
[layers.towns]
source = "towns.gpkg"
[layers.metro_areas]
source = "metro.gpkg"
[layers.border]
source = "border.gpkg"
[layers.protected]
source = "sites.gpkg"
[layers.roads]
source = "roads.gpkg"
[network.speeds]
"县道" = 60
[proximity]
heritage_radius_km = 5
)"));
    const RoadGraph graph = build_road_graph(study, network_options(study.config));
    const AccessOptions aopt = access_options(study.config);
    const Settlements settlements = read_settlements(study, graph);
    const AccessResult access = compute_access(study, graph, settlements, aopt);
    const ProximityOptions opt = proximity_options(study.config);
    const auto p = compute_proximity(study, settlements, access, opt);
    REQUIRE(p.size() == 2);
    CHECK(p[0].in_metro);
    CHECK(p[0].metro_km == 0);
    CHECK_FALSE(p[1].in_metro);
    // Kilometres on the ellipsoid between the drawn points (GDAL to lon/lat, GeographicLib's geodesic):
    // 15 planar km here are 14.99997 on the ground.
    OGRSpatialReference gk, wgs84;
    gk.importFromEPSG(4551);
    wgs84.importFromEPSG(4326);
    gk.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&gk, &wgs84));
    auto ground_km = [&](double xa_km, double xb_km) {
        double xa = X0 + xa_km * 1000, ya = Y0, xb = X0 + xb_km * 1000, yb = Y0, s = 0;
        ct->Transform(1, &xa, &ya);
        ct->Transform(1, &xb, &yb);
        GeographicLib::Geodesic::WGS84().Inverse(ya, xa, yb, xb, s);
        return s / 1000;
    };
    CHECK(p[1].metro_km == Approx(ground_km(5, 20)).epsilon(1e-7));
    CHECK(p[0].border_km == Approx(ground_km(0, 40)).epsilon(1e-7));
    CHECK(p[1].border_km == Approx(ground_km(20, 40)).epsilon(1e-7));
    CHECK(ground_km(0, 40) < 40 - 1e-4);
    CHECK(p[0].border_county);
    CHECK_FALSE(p[0].key_assistance_county);
    CHECK(p[1].node_town);
    CHECK_FALSE(p[0].node_town);
    CHECK(p[0].heritage_sites == 0);
    CHECK(p[1].heritage_sites == 1);
    CHECK(settlements.towns[0].prefecture_name == "甲市");
    CHECK(settlements.towns[0].county_name == "乙县");
    for (const auto& town : p) CHECK(town.city_surroundings == (town.nearest_city_min <= opt.city_surroundings_min));
    SECTION("the town table carries them as fields, yes/no as 1/0") {
        const TownTable t = build_town_table(settlements, access, aopt, nullptr, p);
        CHECK(t.column("in_metro") == std::vector<double>{1, 0});
        CHECK(t.column("border_km")[1] == Approx(20));
        CHECK(t.column("node_town") == std::vector<double>{0, 1});
        CHECK_FALSE(t.has("water_share_pct"));   // no coverage run
        CHECK(is_coverage_column("water_share_pct"));
        CHECK_THROWS_WITH(t.column("border_kms"), Catch::Contains("did you mean \"border_km\"?"));
    }
}
