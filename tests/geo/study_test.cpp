#include "geo/error.h"
#include "geo/spatial_index.h"
#include "geo/study.h"
#include "tests/support.h"

#include <GeographicLib/Geodesic.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

const Problem* find_problem(const LayerInfo& info, const std::string& kind) {
    for (const auto& p : info.problems)
        if (p.kind == kind) return &p;
    return nullptr;
}

// A small province: one prefecture square, one county, a town given twice in two CRSs.
// Returns the admin sections of its config.
std::string write_small_province(const TempDir& dir) {
    const std::string admin = write_admin(dir, 4326, box_wkt(125, 43, 127, 45));
    // The same point, 126E 44N, as WGS 84 lon/lat and in CGCS2000 / 3-degree GK CM 126E (EPSG:4551),
    // where it sits on the central meridian: x = 500000 m, y = the meridian arc from the equator to
    // 44N on CGCS2000's ellipsoid, which GeographicLib gives independently of PROJ.
    double arc_m = 0;
    GeographicLib::Geodesic(6378137.0, 1 / 298.257222101).Inverse(0, 126, 44, 126, arc_m);
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"code", "name", "kind", "county"},
                {{"POINT (126 44)", {"1", "甲镇", "镇", "1"}}, {"POINT (140 44)", {"2", "远镇", "镇", "1"}}});
    write_layer(dir.path("villages.gpkg"), "GPKG", "villages", 4551, {"code"},
                {{"POINT (500000 " + std::to_string(arc_m) + ")", {"v1"}}});
    return admin;
}

const char* kStudy = R"(
[layers.towns]
source = "towns.gpkg"
[layers.towns.fields]
id = "code"
[layers.villages]
source = "villages.gpkg"
[layers.villages.fields]
id = "code"
)";

}  // namespace

TEST_CASE("layers in different CRSs meet in the working CRS", "[study]") {
    TempDir dir;
    const Study study = load_study(config_from(dir.path(), write_small_province(dir) + kStudy));
    REQUIRE(study.crs.chosen);
    const Feature& town = study.role("towns").front()->features.front();
    const Feature& village = study.role("villages").front()->features.front();
    double tx = 0, ty = 0, vx = 0, vy = 0;
    GEOSGeomGetX_r(study.geos->get(), town.geom.get(), &tx);
    GEOSGeomGetY_r(study.geos->get(), town.geom.get(), &ty);
    GEOSGeomGetX_r(study.geos->get(), village.geom.get(), &vx);
    GEOSGeomGetY_r(study.geos->get(), village.geom.get(), &vy);
    // CGCS2000 and WGS 84 agree to centimetres: the two points are one place.
    CHECK(std::hypot(tx - vx, ty - vy) < 0.05);
}

TEST_CASE("features outside the province are reported, not dropped", "[study]") {
    TempDir dir;
    const Study study = load_study(config_from(dir.path(), write_small_province(dir) + kStudy));
    const Layer& towns = *study.role("towns").front();
    CHECK(towns.features.size() == 2);
    const Problem* outside = find_problem(towns.info, "outside_province");
    REQUIRE(outside);
    CHECK(outside->ids == std::vector<std::string>{"2"});
    CHECK(study.usable());  // a warning, not an error
    SECTION("the study area (and the CRS) comes from the admin units, not the stray") {
        CHECK(study.area.east == Approx(127));
    }
}

TEST_CASE("a working CRS that distorts the study area by more than 0.5 % is warned about", "[study][crs]") {
    TempDir dir;
    const std::string admin = write_small_province(dir);
    // 125-127E in the GK zone of 114E: k = 1 + (12 deg of longitude)^2/2 ... about 1.8 % at 127E.
    const Study far = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4547\"\n" + admin + kStudy));
    const Problem* p = find_problem(far.role("prefectures").front()->info, "crs_scale_error");
    REQUIRE(p);
    CHECK(p->severity == Severity::Warning);
    CHECK_THAT(p->message, Contains("distorts lengths by up to 1.") && Contains("[study] crs = \"EPSG:4547\""));
    CHECK_THAT(p->hint, Contains("remove crs from [study]"));
    CHECK(far.usable());
    // The zone of the area itself (CM 126E): no word.
    const Study near = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin + kStudy));
    CHECK_FALSE(find_problem(near.role("prefectures").front()->info, "crs_scale_error"));
}

TEST_CASE("GCJ-02 points outside mainland China are reported as converted wrongly", "[study][gcj02]") {
    TempDir dir;
    const std::string admin = write_admin(dir, 4326, box_wkt(125, 43, 127, 45));
    // A town in the province, and one in the DPRK (Hyesan, 128.2E 41.4N): inside the GCJ-02
    // formula's box, so shifted, though web maps do not shift places there.
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"code", "name", "kind", "county"},
                {{"POINT (126 44)", {"1", "甲镇", "镇", "1"}}, {"POINT (128.18 41.40)", {"2", "惠山", "镇", "1"}}});
    const Study study = load_study(config_from(dir.path(), admin + "[layers.towns]\nsource = \"towns.gpkg\"\ncoordinates = \"gcj02\"\n"
                                                               "[layers.towns.fields]\nid = \"code\"\n"));
    const Problem* p = find_problem(study.role("towns").front()->info, "outside_province");
    REQUIRE(p);
    CHECK(p->ids == std::vector<std::string>{"2"});
    CHECK_THAT(p->message, Contains("converted from GCJ-02 all the same") && Contains("DPRK"));
    CHECK_THAT(p->hint, Contains("without coordinates = \"gcj02\""));
}

TEST_CASE("an unreadable layer makes the study unusable but the other layers are still read", "[study]") {
    TempDir dir;
    const std::string admin = write_small_province(dir);
    std::filesystem::remove(dir.path("villages.gpkg"));
    const Study study = load_study(config_from(dir.path(), admin + kStudy));
    CHECK_FALSE(study.usable());
    CHECK(study.role("towns").front()->features.size() == 2);
    const Layer& villages = *study.role("villages").front();
    REQUIRE(villages.info.problems.size() == 1);
    CHECK_THAT(villages.info.problems.front().message, Contains("villages.gpkg") && Contains("Fix:"));
}

TEST_CASE("GCJ-02 county outlines move onto the real border once converted", "[study][data][gcj02]") {
    const std::string data = shared_data();
    if (data.empty()) {
        WARN("../shared/data is absent: skipping the test on real GCJ-02 data");
        return;
    }
    // Natural Earth's border is generalised, so single vertices say little; the median distance of
    // the county outline's vertices that follow the border must drop when GCJ-02 is undone.
    auto median_border_distance = [&](bool gcj02) {
        const std::string cfg_text = std::string(R"(
[layers.prefectures]
source = ")") + data + R"(/jilin/jilin_prefecture_gcj02_datav.geojson"
)" + (gcj02 ? "coordinates = \"gcj02\"\n" : "") + R"(
[layers.prefectures.fields]
id = "adcode"
[layers.counties]
source = ")" + data + R"(/jilin/jilin_county_gcj02_datav.geojson"
)" + (gcj02 ? "coordinates = \"gcj02\"\n" : "") + R"(
[layers.counties.fields]
id = "adcode"
prefecture = "parent_adcode"
[layers.towns]
source = ")" + data + R"(/jilin/jilin_county_gcj02_datav.geojson"
[layers.towns.fields]
id = "adcode"
kind = "level"
county = "adcode"
[layers.border]
source = ")" + data + R"(/jilin/ne10m_cn_border_jilin.geojson"
)";
        const Study study = load_study(parse_config(cfg_text, "/tmp/gcj.toml"));
        REQUIRE(study.role("counties").front()->features.size() == 60);
        const GeosContext& geos = *study.geos;
        SegmentIndex border(geos);
        for (const Feature& f : study.role("border").front()->features) border.add(f.geom.get(), 0);
        border.build();
        const Measure measure(study.crs, geos);
        std::vector<double> d;
        for (const Feature& f : study.role("counties").front()->features) {
            GeomPtr pts = geos.own(GEOSGeom_extractUniquePoints_r(geos.get(), f.geom.get()));
            for (int i = 0, n = GEOSGetNumGeometries_r(geos.get(), pts.get()); i < n; ++i) {
                double x = 0, y = 0;
                GEOSGeomGetX_r(geos.get(), GEOSGetGeometryN_r(geos.get(), pts.get(), i), &x);
                GEOSGeomGetY_r(geos.get(), GEOSGetGeometryN_r(geos.get(), pts.get(), i), &y);
                const SegmentIndex::Hit hit = border.nearest(x, y);
                const double m = measure.distance_m(x, y, hit.x, hit.y);
                if (m < 3000) d.push_back(m);  // vertices along the border
            }
        }
        REQUIRE(d.size() > 100);
        std::sort(d.begin(), d.end());
        return d[d.size() / 2];
    };
    const double before = median_border_distance(false), after = median_border_distance(true);
    INFO("median distance to the Natural Earth border: " << before << " m as GCJ-02, " << after << " m converted");
    CHECK(after < before);
}

TEST_CASE("a UTF-8 Shapefile with a .cpg keeps its Chinese names", "[study][data][encoding]") {
    const std::string data = shared_data();
    if (data.empty()) {
        WARN("../shared/data is absent: skipping");
        return;
    }
    LayerSource src;
    src.role = "counties";
    src.source = src.resolved = data + "/jilin/jilin_county_gcj02_amap2020.shp";
    src.fields["id"] = {"adcode", 1};
    src.fields["prefecture"] = {"adcode", 1};
    GeosContext geos;
    Layer l;
    try {
        l = read_layer(src, geos);
    } catch (const Error& e) {
        FAIL(e.what());
    }
    REQUIRE(l.features.size() == 60);
    std::vector<std::string> names;
    for (const Feature& f : l.features) names.push_back(l.text(f, "name"));
    CHECK(std::find(names.begin(), names.end(), "延吉市") != names.end());
}

TEST_CASE("roads handed on as they are read are checked as held roads are, and their layer is released", "[study][roads]") {
    TempDir dir;
    const std::string admin = write_small_province(dir);
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4326, {"id", "class", "speed_kmh:real", "oneway"},
                {{"LINESTRING (126 44, 126.1 44)", {"in", "县道", "", ""}},
                 {"LINESTRING (140 44, 140.1 44)", {"far", "县道", "", "sideways"}},   // outside the province
                 {"LINESTRING (126 44.1, 126 44.1)", {"zero", "县道", "", ""}},        // nothing left once repaired
                 {"LINESTRING EMPTY", {"empty", "县道", "", ""}},
                 {"LINESTRING (126 44.2, 126.1 44.2)", {"fast", "县道", "900", ""}}});
    // The roads come first in the config: they are read after the layers that place the study.
    const StudyConfig cfg = config_from(dir.path(), "[layers.roads]\nsource = \"roads.gpkg\"\n" + admin + kStudy);
    auto handed = [](const StudyConfig& c, std::vector<std::string>& ids, std::vector<GeomPtr>& geoms) {
        return load_study(c, {}, [&](const Layer& l, std::uint32_t road_layer, Feature&& f) {
            CHECK(l.info.role == "roads");
            CHECK(road_layer == 0);
            ids.push_back(f.id);
            geoms.push_back(std::move(f.geom));
        });
    };
    const Study held = load_study(cfg);
    std::vector<std::string> ids;
    std::vector<GeomPtr> geoms;
    const Study streamed = handed(cfg, ids, geoms);
    const Layer& kept = *held.role("roads").front();
    const Layer& released = *streamed.role("roads").front();
    CHECK(released.released);
    CHECK(released.features.empty());
    CHECK(released.info.features_kept == 3);
    // Every kept road, in the working CRS, in order.
    CHECK(ids == std::vector<std::string>{"in", "far", "fast"});
    REQUIRE(kept.features.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) CHECK(GEOSEqualsExact_r(held.geos->get(), kept.features[i].geom.get(), geoms[i].get(), 0) == 1);
    // The same problems in the same order: reading's, projecting's, outside, then the roads' values.
    std::vector<std::string> kinds;
    REQUIRE(released.info.problems.size() == kept.info.problems.size());
    for (std::size_t i = 0; i < kept.info.problems.size(); ++i) {
        const Problem &a = kept.info.problems[i], &b = released.info.problems[i];
        kinds.push_back(b.kind);
        CHECK(b.kind == a.kind);
        CHECK(b.severity == a.severity);
        CHECK(b.count == a.count);
        CHECK(b.ids == a.ids);
    }
    CHECK(kinds == std::vector<std::string>{"empty_geometry", "degenerate", "outside_province", "oneway_unknown", "bad_speed"});
    CHECK(streamed.usable() == held.usable());

    SECTION("without admin units to place the study, the roads are read whole first, then handed on") {
        std::filesystem::remove(dir.path("admin.gpkg"));
        ids.clear();
        geoms.clear();
        const Study placed_by_all = handed(cfg, ids, geoms);
        CHECK_FALSE(placed_by_all.usable());
        CHECK(ids == std::vector<std::string>{"in", "far", "fast"});
        CHECK(placed_by_all.role("roads").front()->released);
        CHECK(placed_by_all.role("roads").front()->features.empty());
    }
}
