#include "geo/error.h"
#include "geo/layer.h"
#include "geo/study.h"
#include "tests/support.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <catch2/catch.hpp>

#include <filesystem>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

// A config with the three required roles pointing at `towns_source`, plus `extra` TOML.
std::string towns_config(const std::string& towns_table) {
    return R"(
[layers.prefectures]
source = "admin.gpkg"
layer = "prefectures"
[layers.counties]
source = "admin.gpkg"
layer = "counties"
)" + towns_table;
}

const LayerSource& towns_of(const StudyConfig& cfg) { return *cfg.sources("towns").front(); }

const Problem* find_problem(const LayerInfo& info, const std::string& kind) {
    for (const auto& p : info.problems)
        if (p.kind == kind) return &p;
    return nullptr;
}

// The ids a problem names; fails the test when the layer has no such problem.
std::vector<std::string> ids_of(const LayerInfo& info, const std::string& kind) {
    const Problem* p = find_problem(info, kind);
    INFO("problem kind " << kind);
    REQUIRE(p);
    return p->ids;
}

std::string read_error(const LayerSource& src) {
    GeosContext geos;
    try {
        read_layer(src, geos);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("the layer was read");
    return {};
}

}  // namespace

TEST_CASE("towns load from a GeoPackage with their fields and lon/lat geometry", "[layer]") {
    TempDir dir;
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"code", "name", "kind", "county", "pop:real"},
                {{"POINT (125.18 44.43)", {"220122100", "农安镇", "镇", "220122", "52000"}},
                 {"POINT (125.30 44.50)", {"220122101", "伏龙泉镇", "镇", "220122", ""}}});
    const StudyConfig cfg = config_from(dir.path(), towns_config(R"(
[layers.towns]
source = "towns.gpkg"
[layers.towns.fields]
id = "code"
population = "pop"
)"));
    GeosContext geos;
    const Layer l = read_layer(towns_of(cfg), geos);
    REQUIRE(l.features.size() == 2);
    CHECK(l.info.driver == "GPKG");
    CHECK(l.info.crs_epsg == 4326);
    CHECK(l.features[0].id == "220122100");
    CHECK(l.text(l.features[0], "name") == "农安镇");
    CHECK(l.number(l.features[0], "population") == 52000.0);
    CHECK_FALSE(l.number(l.features[1], "population").has_value());
    CHECK(l.info.extent.west == Approx(125.18));
    CHECK(l.info.extent.north == Approx(44.50));
    SECTION("fields not mapped bind to a column of the same name, and say so") {
        const FieldBinding& kind = l.info.fields[2];
        CHECK(kind.name == "kind");
        CHECK(kind.by_same_name);
    }
}

TEST_CASE("layers read through sources kept open each get their own filter, driver and warnings", "[layer]") {
    TempDir dir;
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"code", "name", "kind", "county"},
                {{"POINT (125.18 44.43)", {"1", "甲镇", "镇", "9"}},
                 {"POINT (125.30 44.50)", {"2", "乙乡", "乡", "9"}},
                 {"POINT (125.40 44.60)", {"3", "丙镇", "镇", "9"}}});
    const std::string base = "[layers.towns]\nsource = \"towns.gpkg\"\n";
    const std::string fields = "[layers.towns.fields]\nid = \"code\"\n";
    const StudyConfig towns_only = config_from(dir.path(), towns_config(base + "where = \"kind = '镇'\"\n" + fields));
    const StudyConfig all = config_from(dir.path(), towns_config(base + fields));
    const StudyConfig with_encoding = config_from(dir.path(), towns_config(base + "encoding = \"GBK\"\n" + fields));
    GeosContext geos;
    OpenSources open;   // one dataset for the first two: the second must not keep the first's filter
    for (int pass = 0; pass < 2; ++pass) {
        INFO("pass " << pass);
        const Layer filtered = read_layer(towns_of(towns_only), geos, {}, &open);
        CHECK(filtered.features.size() == 2);
        CHECK(filtered.info.driver == "GPKG");
        const Layer whole = read_layer(towns_of(all), geos, {}, &open);
        CHECK(whole.features.size() == 3);
        CHECK(whole.info.driver == "GPKG");
        CHECK(whole.info.problems.empty());
        const Layer encoded = read_layer(towns_of(with_encoding), geos, {}, &open);
        CHECK(encoded.features.size() == 3);
        CHECK(find_problem(encoded.info, "encoding_ignored"));
    }
}

TEST_CASE("Chinese text survives a GBK Shapefile with and without a .cpg", "[layer][encoding]") {
    TempDir dir;
    SECTION("with a .cpg, as GDAL writes it") {
        write_layer(dir.path("towns.shp"), "ESRI Shapefile", "towns", 4490, {"code", "name", "kind", "county"},
                    {{"POINT (125.18 44.43)", {"220122100", "农安镇", "镇", "220122"}}}, {"ENCODING=CP936"});
        REQUIRE(std::filesystem::exists(dir.path("towns.cpg")));
        const StudyConfig cfg = config_from(dir.path(), towns_config("[layers.towns]\nsource = \"towns.shp\"\n[layers.towns.fields]\nid = \"code\"\n"));
        GeosContext geos;
        const Layer l = read_layer(towns_of(cfg), geos);
        CHECK(l.text(l.features[0], "name") == "农安镇");
        CHECK(l.info.crs_epsg == 4490);
    }
    SECTION("without a .cpg, when the config gives the encoding") {
        // The bytes are GBK with no word about it in the file: what planners get from old tools.
        char* gbk = CPLRecode("农安镇", CPL_ENC_UTF8, "CP936");
        char* gbk_kind = CPLRecode("镇", CPL_ENC_UTF8, "CP936");
        write_layer(dir.path("towns.shp"), "ESRI Shapefile", "towns", 4490, {"code", "name", "kind", "county"},
                    {{"POINT (125.18 44.43)", {"220122100", gbk, gbk_kind, "220122"}}}, {"ENCODING="});
        CPLFree(gbk);
        CPLFree(gbk_kind);
        std::filesystem::remove(dir.path("towns.cpg"));
        const std::string base = "[layers.towns]\nsource = \"towns.shp\"\n";
        GeosContext geos;
        const StudyConfig with = config_from(dir.path(), towns_config(base + "encoding = \"GBK\"\n[layers.towns.fields]\nid = \"code\"\n"));
        const Layer good = read_layer(towns_of(with), geos);
        CHECK(good.text(good.features[0], "name") == "农安镇");
        CHECK(good.info.problems.empty());
        // Without a word about it: read as GBK all the same, and said (once per field, counted per feature).
        const StudyConfig without = config_from(dir.path(), towns_config(base + "[layers.towns.fields]\nid = \"code\"\n"));
        const Layer guessed = read_layer(towns_of(without), geos);
        CHECK(guessed.text(guessed.features[0], "name") == "农安镇");
        CHECK(guessed.text(guessed.features[0], "kind") == "镇");
        REQUIRE(guessed.info.problems.size() == 2);
        CHECK(guessed.info.problems[0].severity == Severity::Warning);
        CHECK_THAT(guessed.info.problems[0].message, Contains("field \"name\" (column \"name\") is not UTF-8 and was read as GBK (e.g. \"农安镇\")"));
        CHECK_THAT(guessed.info.problems[0].hint, Contains("encoding = \"GBK\""));
        // An encoding iconv does not know is a config error.
        CHECK_THROWS_WITH(config_from(dir.path(), towns_config(base + "encoding = \"GKB\"\n")),
                          Contains("encoding = \"GKB\" is not an encoding townsite knows"));
    }
    SECTION("bytes that are neither UTF-8 nor GBK are an error with the bytes and the fix") {
        write_layer(dir.path("towns.shp"), "ESRI Shapefile", "towns", 4490, {"code", "name", "kind", "county"},
                    {{"POINT (125.18 44.43)", {"220122100", "\xFF\xFE\xFF", "town", "220122"}}}, {"ENCODING="});
        std::filesystem::remove(dir.path("towns.cpg"));
        const StudyConfig cfg = config_from(dir.path(), towns_config("[layers.towns]\nsource = \"towns.shp\"\n[layers.towns.fields]\nid = \"code\"\n"));
        GeosContext geos;
        const Layer l = read_layer(towns_of(cfg), geos);
        REQUIRE(l.info.problems.size() == 1);
        CHECK(l.info.problems[0].severity == Severity::Error);
        CHECK_THAT(l.info.problems[0].message, Contains("neither UTF-8 nor GBK (bytes FF FE FF"));
        CHECK(l.info.problems[0].ids == std::vector<std::string>{"220122100"});
    }
}

TEST_CASE("GeoJSON and CSV layers load", "[layer]") {
    TempDir dir;
    GeosContext geos;
    SECTION("GeoJSON") {
        dir.write("towns.geojson", R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"1","name":"甲镇","kind":"镇","county":"9"},"geometry":{"type":"Point","coordinates":[126.5,43.8]}}]})");
        const StudyConfig cfg = config_from(dir.path(), towns_config("[layers.towns]\nsource = \"towns.geojson\"\n[layers.towns.fields]\nid = \"code\"\n"));
        const Layer l = read_layer(towns_of(cfg), geos);
        REQUIRE(l.features.size() == 1);
        CHECK(l.info.driver == "GeoJSON");
        CHECK(l.text(l.features[0], "name") == "甲镇");
    }
    SECTION("CSV with a WKT column, which has no CRS of its own") {
        dir.write("towns.csv", "code,name,kind,county,WKT\n1,甲镇,镇,9,\"POINT (126.5 43.8)\"\n2,乙乡,乡,9,\"POINT (126.6 43.9)\"\n");
        const StudyConfig cfg = config_from(dir.path(), towns_config(
            "[layers.towns]\nsource = \"towns.csv\"\nassume_crs = \"EPSG:4326\"\n[layers.towns.fields]\nid = \"code\"\n"));
        const Layer l = read_layer(towns_of(cfg), geos);
        REQUIRE(l.features.size() == 2);
        CHECK(l.info.crs_assumed);
        CHECK(l.text(l.features[1], "kind") == "乡");
    }
    SECTION("CSV with lon/lat columns, through GDAL open options") {
        dir.write("towns.csv", "code,name,kind,county,lon,lat\n1,甲镇,镇,9,126.5,43.8\n");
        const StudyConfig cfg = config_from(dir.path(), towns_config(
            "[layers.towns]\nsource = \"towns.csv\"\nassume_crs = \"EPSG:4326\"\n"
            "open_options = [\"X_POSSIBLE_NAMES=lon\", \"Y_POSSIBLE_NAMES=lat\"]\n[layers.towns.fields]\nid = \"code\"\n"));
        const Layer l = read_layer(towns_of(cfg), geos);
        REQUIRE(l.features.size() == 1);
        CHECK(l.info.extent.west == Approx(126.5));
    }
}

TEST_CASE("layer errors name the file, the layer, the field and the fix", "[layer][errors]") {
    TempDir dir;
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"code", "name", "kind", "county", "pop"},
                {{"POINT (125.18 44.43)", {"1", "甲镇", "镇", "9", "约3万"}}});
    SECTION("a missing file") {
        const StudyConfig cfg = config_from(dir.path(), towns_config("[layers.towns]\nsource = \"nope.gpkg\"\n"));
        const std::string msg = read_error(towns_of(cfg));
        CHECK_THAT(msg, Contains("nope.gpkg"));
        CHECK_THAT(msg, Contains("Fix:"));
        CHECK_THAT(msg, Contains("study.toml:8"));
    }
    SECTION("a layer name that is not there") {
        const StudyConfig cfg = config_from(dir.path(), towns_config("[layers.towns]\nsource = \"towns.gpkg\"\nlayer = \"town\"\n"));
        const std::string msg = read_error(towns_of(cfg));
        CHECK_THAT(msg, Contains("no layer \"town\""));
        CHECK_THAT(msg, Contains("did you mean \"towns\""));
        CHECK_THAT(msg, Contains("Fix:"));
    }
    SECTION("a field mapped to a column that does not exist") {
        const StudyConfig cfg = config_from(dir.path(), towns_config(
            "[layers.towns]\nsource = \"towns.gpkg\"\n[layers.towns.fields]\nid = \"code\"\npopulation = \"pop2\"\n"));
        const std::string msg = read_error(towns_of(cfg));
        CHECK_THAT(msg, Contains("study.toml:12"));
        CHECK_THAT(msg, Contains("\"pop2\""));
        CHECK_THAT(msg, Contains("did you mean \"pop\""));
        CHECK_THAT(msg, Contains("Fix: map population to one of the columns: code, name, kind, county, pop"));
    }
    SECTION("a required field with no column") {
        write_layer(dir.path("bare.gpkg"), "GPKG", "towns", 4326, {"code", "name"}, {{"POINT (125 44)", {"1", "甲"}}});
        const StudyConfig cfg = config_from(dir.path(), towns_config(
            "[layers.towns]\nsource = \"bare.gpkg\"\n[layers.towns.fields]\nid = \"code\"\n"));
        const std::string msg = read_error(towns_of(cfg));
        CHECK_THAT(msg, Contains("bare.gpkg"));
        CHECK_THAT(msg, Contains("layer \"towns\""));
        CHECK_THAT(msg, Contains("required field \"kind\""));
        CHECK_THAT(msg, Contains("Fix:"));
    }
    SECTION("text where a number is expected names the feature") {
        const StudyConfig cfg = config_from(dir.path(), towns_config(
            "[layers.towns]\nsource = \"towns.gpkg\"\n[layers.towns.fields]\nid = \"code\"\npopulation = \"pop\"\n"));
        GeosContext geos;
        const Layer l = read_layer(towns_of(cfg), geos);
        const Problem* p = find_problem(l.info, "not_a_number:population");
        REQUIRE(p);
        CHECK(p->severity == Severity::Error);
        CHECK(p->ids == std::vector<std::string>{"1"});
        CHECK_THAT(p->message, Contains("(\"约3万\"), expected a number"));
        CHECK_FALSE(p->hint.empty());
        CHECK_FALSE(l.info.usable());
    }
    SECTION("no CRS and no assume_crs") {
        dir.write("towns.csv", "code,name,kind,county,WKT\n1,甲镇,镇,9,\"POINT (126.5 43.8)\"\n");
        const StudyConfig cfg = config_from(dir.path(), towns_config("[layers.towns]\nsource = \"towns.csv\"\n"));
        const std::string msg = read_error(towns_of(cfg));
        CHECK_THAT(msg, Contains("towns.csv"));
        CHECK_THAT(msg, Contains("has no CRS"));
        CHECK_THAT(msg, Contains("Fix: add assume_crs"));
    }
    SECTION("points where polygons are expected") {
        write_layer(dir.path("admin.gpkg"), "GPKG", "prefectures", 4326, {"code", "name"}, {{"POINT (125 44)", {"1", "甲"}}});
        const StudyConfig cfg = config_from(dir.path(), towns_config("[layers.towns]\nsource = \"towns.gpkg\"\n"));
        const std::string msg = read_error(*cfg.sources("prefectures").front());
        CHECK_THAT(msg, Contains("expected polygons"));
        CHECK_THAT(msg, Contains("Fix:"));
    }
}

TEST_CASE("bad geometries are repaired, skipped or refused, and every one is counted", "[layer][validity]") {
    TempDir dir;
    write_layer(dir.path("c.gpkg"), "GPKG", "counties", 4326, {"code", "name", "prefecture"},
                {{"POLYGON ((125 43, 126 43, 126 44, 125 44, 125 43))", {"good", "好", "p"}},
                 {"POLYGON ((125 43, 126 44, 126 43, 125 44, 125 43))", {"bowtie", "蝶", "p"}},
                 {"", {"nogeom", "无", "p"}},
                 {"POLYGON EMPTY", {"empty", "空", "p"}},
                 {"POLYGON ((125 43, 126 43, 125 43, 125 43))", {"flat", "扁", "p"}},
                 {"POLYGON ((125 43, 126 43, 126 44, 125 44, 125 43))", {"good", "重", "p"}},
                 {"POLYGON ((500000 4800000, 500100 4800000, 500100 4800100, 500000 4800000))", {"metres", "米", "p"}}});
    const StudyConfig cfg = config_from(dir.path(), R"(
[layers.prefectures]
source = "c.gpkg"
[layers.counties]
source = "c.gpkg"
[layers.counties.fields]
id = "code"
[layers.towns]
source = "c.gpkg"
)");
    GeosContext geos;
    Layer l = read_layer(*cfg.sources("counties").front(), geos);
    CHECK(l.info.features_read == 7);
    CHECK(ids_of(l.info, "null_geometry") == std::vector<std::string>{"nogeom"});
    CHECK(ids_of(l.info, "empty_geometry") == std::vector<std::string>{"empty"});
    const Problem* range = find_problem(l.info, "out_of_range");
    REQUIRE(range);
    CHECK(range->severity == Severity::Error);
    CHECK(range->ids == std::vector<std::string>{"metres"});
    CHECK_THAT(range->hint, Contains("CRS"));
    CHECK(ids_of(l.info, "duplicate_id") == std::vector<std::string>{"good"});

    const WorkingCrs crs = choose_working_crs({125, 43, 127, 44});
    project_layer(l, Transformer(crs), geos);
    CHECK(ids_of(l.info, "repaired") == std::vector<std::string>{"bowtie"});
    CHECK(ids_of(l.info, "degenerate") == std::vector<std::string>{"flat"});
    CHECK(l.features.size() == 3);  // good, bowtie (repaired into two triangles), good again
    // The repaired bowtie keeps its area: two triangles of a quarter of the cell each.
    const Measure m(crs, geos);
    CHECK(m.area_m2(l.features[1].geom.get()) == Approx(m.area_m2(l.features[0].geom.get()) / 2).epsilon(0.01));

    // One feature at a time (how a released layer is written out): the same features, in the same
    // order, with the same geometries, and the same problems.
    Layer streamed;
    std::vector<Feature> got;
    stream_layer(*cfg.sources("counties").front(), Transformer(crs), geos, streamed, [&](Feature&& f) { got.push_back(std::move(f)); });
    CHECK(streamed.features.empty());
    CHECK(streamed.info.features_kept == 3);
    REQUIRE(got.size() == l.features.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].id == l.features[i].id);
        CHECK(got[i].values == l.features[i].values);
        CHECK(GEOSEqualsExact_r(geos.get(), got[i].geom.get(), l.features[i].geom.get(), 0) == 1);
    }
    for (const char* kind : {"null_geometry", "empty_geometry", "out_of_range", "duplicate_id", "repaired", "degenerate"})
        CHECK(ids_of(streamed.info, kind) == ids_of(l.info, kind));
}

TEST_CASE("parse_flag reads yes/no as planners write it", "[layer]") {
    for (const char* yes : {"1", "yes", "Y", "true", "是"}) CHECK(parse_flag(yes) == true);
    for (const char* no : {"0", "no", "N", "false", "否", ""}) CHECK(parse_flag(no) == false);
    CHECK_FALSE(parse_flag("maybe").has_value());
}
