#include "analysis/inspect.h"
#include "tests/support.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using namespace townsite::test;

namespace {

// One east-west road along 44N from 125.5E to 126.5E; towns `offset_deg` north of it.
std::string write_study(const TempDir& dir, double offset_deg) {
    const std::string admin = write_admin(dir, 4326, box_wkt(125, 43, 127, 45));
    // Densely noded, as real roads are: a straight line in lon/lat is a chord once projected, and a
    // vertex every 0.01 degrees keeps the road within a centimetre of the parallel.
    std::string road = "LINESTRING (";
    for (int i = 0; i <= 100; ++i) road += (i ? ", " : "") + std::to_string(125.5 + 0.01 * i) + " 44";
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4326, {"class"}, {{road + ")", {"县道"}}});
    std::vector<Feat> towns;
    for (int i = 0; i < 5; ++i)
        towns.push_back({"POINT (" + std::to_string(125.6 + 0.2 * i) + " " + std::to_string(44 + offset_deg) + ")",
                         {std::to_string(i), "镇" + std::to_string(i), "镇", "1"}});
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"code", "name", "kind", "county"}, towns);
    return admin + R"(
[layers.towns]
source = "towns.gpkg"
fields = { id = "code" }
[layers.roads]
source = "roads.gpkg"
)";
}

}  // namespace

TEST_CASE("towns sitting on the roads raise no shift warning", "[inspect]") {
    TempDir dir;
    const Study study = load_study(config_from(dir.path(), write_study(dir, 0.0)));
    const InspectReport r = inspect_study(study);
    REQUIRE(r.road_checks.size() == 1);
    CHECK(r.road_checks[0].points == 5);
    CHECK(r.road_checks[0].median_m == Approx(0).margin(0.01));
    CHECK_FALSE(r.road_checks[0].shifted);
    CHECK(r.usable);
}

TEST_CASE("a layer shifted by a GCJ-02-sized offset is named as possibly shifted", "[inspect]") {
    TempDir dir;
    // 0.004 degrees of latitude at 44N: the meridian arc over it, from the ellipsoid's radius of
    // curvature M = a(1-e^2)/(1-e^2 sin^2 phi)^1.5 (a formula independent of the program).
    const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f), phi = 44.002 * M_PI / 180;
    const double meridian_radius = a * (1 - e2) / std::pow(1 - e2 * std::sin(phi) * std::sin(phi), 1.5);
    const double expected_m = meridian_radius * 0.004 * M_PI / 180;  // about 444 m
    const Study study = load_study(config_from(dir.path(), write_study(dir, 0.004)));
    const InspectReport r = inspect_study(study);
    REQUIRE(r.road_checks.size() == 1);
    CHECK(r.road_checks[0].median_m == Approx(expected_m).epsilon(1e-4));
    CHECK(r.road_checks[0].shifted);
    CHECK(r.road_checks[0].share_within_50m == 0);
}

TEST_CASE("inspect on the sample reads every role with its real counts", "[inspect][slow]") {
    const Study study = load_study(load_config(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.toml"));
    const InspectReport r = inspect_study(study);
    CHECK(r.usable);
    // Real facts: 9 prefecture-level units, 60 county-level units, 1,075 township-level units.
    CHECK(study.role("prefectures").front()->features.size() == 9);
    CHECK(study.role("counties").front()->features.size() == 60);
    CHECK(study.role("towns").front()->features.size() == 1075);
    // Every other layer: as many features as GDAL itself counts in the GeoPackage, none lost.
    GDALDatasetUniquePtr ds(GDALDataset::Open((std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg").c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    for (const Layer& l : study.layers) {
        INFO(l.info.role << " / " << l.info.layer_name);
        CHECK(l.info.problems.empty());
        CHECK(static_cast<GIntBig>(l.features.size()) == ds->GetLayerByName(l.info.layer_name.c_str())->GetFeatureCount());
    }
    for (const auto& c : r.road_checks) CHECK_FALSE(c.shifted);
    CHECK(study.crs.max_scale_error < 0.001);
}
