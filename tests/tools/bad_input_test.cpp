// Every bad input gets an answer: a tiny, valid study is spoilt one way at a time (config mistakes,
// broken values, broken geometries, wrong CRS, damaged and non-GIS files), and `inspect` and `run`
// must both give the same verdict: exit 1 with a message that names the place and ends in a Fix,
// or exit 0 with the repair counted (inspect's list, run's notes, the manifest). A failed run
// writes nothing, and no input is ever changed.
#include "tests/support.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <sys/wait.h>

using namespace townsite::test;
using Catch::Matchers::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

Run townsite(const std::string& args) { return run_shell(std::string(TOWNSITE_BIN) + " " + args); }

json box(double x0, double y0, double x1, double y1) {
    return {{"type", "Polygon"}, {"coordinates", {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}};
}
json point(double x, double y) { return {{"type", "Point"}, {"coordinates", {x, y}}}; }
json line(std::vector<std::array<double, 2>> pts) {
    json c = json::array();
    for (const auto& p : pts) c.push_back({p[0], p[1]});
    return {{"type", "LineString"}, {"coordinates", c}};
}
json feature(json props, json geom) { return {{"type", "Feature"}, {"properties", props}, {"geometry", geom}}; }

// One prefecture, two counties, four towns (three 镇), a grid of county roads, two villages: a study
// that `run` finishes in well under a second. Layers are GeoJSON objects until write().
struct Tiny {
    TempDir dir;
    std::map<std::string, json> layers;
    std::string config;
    std::string config_path = dir.path("study.toml");
    std::map<std::string, std::string> raw;   // files written as given, after the layers

    Tiny() {
        layers["prefectures"] = {{"type", "FeatureCollection"},
                                 {"features", {feature({{"id", "220100"}, {"name", "长春市"}}, box(125, 43, 126, 44))}}};
        layers["counties"] = {{"type", "FeatureCollection"},
                              {"features", {feature({{"id", "220101"}, {"name", "甲县"}, {"prefecture", "220100"}}, box(125, 43, 125.5, 44)),
                                            feature({{"id", "220102"}, {"name", "乙县"}, {"prefecture", "220100"}}, box(125.5, 43, 126, 44))}}};
        json towns = json::array();
        const std::vector<std::tuple<const char*, const char*, const char*, const char*, double, double, double>> t = {
            {"220101100", "一镇", "镇", "220101", 125.2, 43.3, 20000}, {"220101101", "二镇", "镇", "220101", 125.3, 43.7, 15000},
            {"220102100", "三镇", "镇", "220102", 125.7, 43.3, 18000}, {"220102200", "四乡", "乡", "220102", 125.8, 43.7, 9000}};
        for (const auto& [id, name, kind, county, x, y, pop] : t)
            towns.push_back(feature({{"id", id}, {"name", name}, {"kind", kind}, {"county", county}, {"population", pop}, {"industry_output", pop / 4000},
                                     {"dev_land", pop / 1000}},
                                    point(x, y)));
        layers["towns"] = {{"type", "FeatureCollection"}, {"features", towns}};
        json roads = json::array();
        const std::vector<std::vector<std::array<double, 2>>> r = {{{125.1, 43.3}, {125.5, 43.3}, {125.9, 43.3}},
                                                                   {{125.1, 43.7}, {125.5, 43.7}, {125.9, 43.7}},
                                                                   {{125.2, 43.2}, {125.2, 43.8}},
                                                                   {{125.3, 43.2}, {125.3, 43.8}},
                                                                   {{125.7, 43.2}, {125.7, 43.8}},
                                                                   {{125.8, 43.2}, {125.8, 43.8}}};
        for (std::size_t i = 0; i < r.size(); ++i)
            roads.push_back(feature({{"id", std::to_string(i)}, {"class", "县道"}, {"oneway", "no"}, {"speed_kmh", nullptr}}, line(r[i])));
        layers["roads"] = {{"type", "FeatureCollection"}, {"features", roads}};
        layers["villages"] = {{"type", "FeatureCollection"},
                              {"features", {feature({{"id", "v1"}, {"name", "甲村"}, {"population", 500}}, point(125.25, 43.3)),
                                            feature({{"id", "v2"}, {"name", "乙村"}, {"population", 700}}, point(125.7, 43.65))}}};
        config = "[study]\nname = \"tiny\"\n";
        for (const char* role : {"prefectures", "counties", "towns", "roads", "villages"})
            config += std::string("[layers.") + role + "]\nsource = \"" + role + ".geojson\"\n";
        config += "[selection]\non_shortfall = \"report\"\n"
                  "[[selection.tiers]]\nkey = \"provincial\"\ncount = 1\n"
                  "[[selection.tiers]]\nkey = \"county\"\ncount = 1\nat_least = true\nmin_per_county = 1\n";
    }
    json& props(const std::string& role, std::size_t k) { return layers[role]["features"][k]["properties"]; }
    json& geom(const std::string& role, std::size_t k) { return layers[role]["features"][k]["geometry"]; }
    // The layer written as text with `what` replaced: for what JSON writers will not write (NaN, 1e999).
    void raw_edit(const std::string& role, const std::string& what, const std::string& with) {
        std::string text = layers[role].dump();
        const auto at = text.find(what);
        REQUIRE(at != std::string::npos);
        raw[role + ".geojson"] = text.replace(at, what.size(), with);
    }
    // Replaces `what` in the config (which must be there).
    void edit(const std::string& what, const std::string& with) {
        const auto at = config.find(what);
        REQUIRE(at != std::string::npos);
        config.replace(at, what.size(), with);
    }
    void write() {
        for (const auto& [role, fc] : layers) dir.write(role + ".geojson", fc.dump());
        for (const auto& [name, text] : raw) dir.write(name, text);
        dir.write("study.toml", config);
    }
    // A copy of one layer in another format, through GDAL (the source then points at it).
    void convert(const std::string& role, const std::string& driver, const std::string& file) {
        write();
        GDALDatasetUniquePtr src(GDALDataset::Open(dir.path(role + ".geojson").c_str(), GDAL_OF_VECTOR));
        REQUIRE(src);
        GDALDatasetUniquePtr dst(GetGDALDriverManager()->GetDriverByName(driver.c_str())->Create(dir.path(file).c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        REQUIRE(dst);
        REQUIRE(dst->CopyLayer(src->GetLayer(0), role.c_str()) != nullptr);
        dst.reset();
        edit("source = \"" + role + ".geojson\"", "source = \"" + file + "\"");
    }
    // Every file of the study folder with its bytes, to prove no input was touched.
    std::map<std::string, std::string> snapshot() const {
        std::map<std::string, std::string> out;
        for (const auto& e : fs::recursive_directory_iterator(dir.path()))
            if (e.is_regular_file()) out[e.path().string()] = slurp(e.path().string());
        return out;
    }
};

struct Case {
    std::string name;
    std::function<void(Tiny&)> spoil;
    int exit_code;                    // of both inspect and run
    std::vector<std::string> says;    // in both outputs
    std::string config_arg = "";      // instead of the study's config path
};

// Runs one case the way a planner would, and checks everything the standards promise.
void check_case(const Case& c) {
    Tiny t;
    c.spoil(t);
    t.write();
    const std::string cfg = c.config_arg.empty() ? t.config_path : t.dir.path(c.config_arg);
    const auto before = t.snapshot();
    const Run inspect = townsite("inspect " + cfg);
    const std::string out = t.dir.path("out");
    const Run run = townsite("run " + cfg + " -o " + out + " --sensitivity 0");
    INFO("inspect said:\n" << inspect.out << "\nrun said:\n" << run.out);
    CHECK(inspect.exit_code == c.exit_code);
    CHECK(run.exit_code == c.exit_code);
    for (const std::string& s : c.says) {
        CHECK_THAT(inspect.out, Contains(s));
        CHECK_THAT(run.out, Contains(s));
    }
    if (c.exit_code != 0) {
        CHECK_THAT(run.out, Contains("Fix:"));
        CHECK_THAT(inspect.out, Contains("Fix:"));
        CHECK(!fs::exists(out));
    } else {
        REQUIRE(fs::exists(out + "/manifest.json"));
        const std::string quality = json::parse(slurp(out + "/manifest.json"))["data_quality"].dump();
        for (const std::string& s : c.says) CHECK_THAT(quality, Contains(s));
    }
    // Nothing of the study was changed, and nothing but the outputs was added beside it.
    auto after = t.snapshot();
    for (auto it = after.begin(); it != after.end();) it = it->first.rfind(out + "/", 0) == 0 ? after.erase(it) : std::next(it);
    CHECK(after == before);
}

void check_cases(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.name) { check_case(c); }
    }
}

}  // namespace

TEST_CASE("the tiny study itself is clean: inspect and run succeed", "[cli][bad_input]") {
    check_case({"clean", [](Tiny&) {}, 0, {}});
}

TEST_CASE("every mistake in a config is an error with its line and fix, in inspect and in run alike", "[cli][bad_input]") {
    check_cases({
        {"the config is a folder", [](Tiny&) {}, 1, {"is a folder, not a config file", "study.toml"}, "."},
        {"the config does not exist", [](Tiny&) {}, 1, {"the config file does not exist"}, "nope.toml"},
        {"the config is not TOML", [](Tiny& t) { t.config += "[layers\n"; }, 1, {"not valid TOML"}},
        {"the config is binary", [](Tiny& t) { t.config = std::string("\x89PNG\r\n\x1a\n\0\0\0", 11); }, 1, {"not valid TOML"}},
        {"a misspelt key", [](Tiny& t) { t.edit("name = \"tiny\"", "nmae = \"tiny\""); }, 1, {"did you mean \"name\""}},
        {"the towns are not described", [](Tiny& t) { t.edit("[layers.towns]\nsource = \"towns.geojson\"\n", ""); }, 1, {"required layer \"towns\""}},
        {"a source that does not exist", [](Tiny& t) { t.edit("towns.geojson", "townz.geojson"); }, 1, {"townz.geojson", "the file does not exist"}},
        {"a bonus of infinity", [](Tiny& t) { t.config += "[scoring.bonus]\nnode_town = inf\n"; }, 1, {"\"scoring.bonus.node_town\" must be a number of points from -1000 to 1000"}},
        {"a scenario weight that is not a number", [](Tiny& t) { t.config += "[[scenarios]]\nname = \"x\"\nweights = { industry = nan }\n"; }, 1,
         {"\"scenarios.weights.industry\" must be a number from 0 to 1e+06"}},
        {"a scenario key that does not exist", [](Tiny& t) { t.config += "[[scenarios]]\nname = \"x\"\nweights = { industri = 0.5 }\n"; }, 1,
         {"did you mean \"industry\""}},
        {"an indicator direction that is a number",
         [](Tiny& t) { t.config += "[scoring]\n[[scoring.indicators]]\nname = \"pop\"\nfield = \"population\"\ndirection = 42\nweight = 1\n"; }, 1,
         {"direction"}},
        {"no eligible kinds", [](Tiny& t) { t.edit("on_shortfall", "eligible_kinds = []\non_shortfall"); }, 1, {"eligible_kinds\" is empty"}},
        {"county minimums that add up to more than the tier's count",
         [](Tiny& t) { t.edit("count = 1\nat_least = true\nmin_per_county = 1", "count = 1\nmin_per_county = 1"); }, 1,
         {"the selection quotas cannot be met", "the unit minimums add up to 2, more than the tier's count of 1"}},
        {"a county with fewer eligible towns than its minimum",
         [](Tiny& t) {
             t.edit("on_shortfall = \"report\"", "on_shortfall = \"error\"");
             t.edit("min_per_county = 1", "min_per_county = 2");
         },
         1, {"the selection quotas cannot be met", "needs 2, can have 1"}},
        {"E2SFCA weights with infinity", [](Tiny& t) { t.config += "[access.e2sfca]\nweights = [[10, inf]]\n"; }, 1, {"access.e2sfca.weights"}},
        {"a class speed that is not a number", [](Tiny& t) { t.config += "[network.speeds]\n\"县道\" = nan\n"; }, 1, {"\"network.speeds.县道\" must be a number of km/h from 0 to 200"}},
        {"a snap distance below zero", [](Tiny& t) { t.config += "[network]\nmax_snap_m = -1\n"; }, 1, {"network.max_snap_m"}},
        {"a yes/no option given as text", [](Tiny& t) { t.config += "[network]\nnode_crossings = \"yes\"\n"; }, 1, {"network.node_crossings"}},
        {"an AHP matrix with a zero",
         [](Tiny& t) {
             t.config += "[scoring]\nweights = \"ahp\"\nahp = [[1, 0], [0, 1]]\n"
                         "[[scoring.indicators]]\nname = \"pop\"\nfield = \"population\"\n"
                         "[[scoring.indicators]]\nname = \"ind\"\nfield = \"industry_output\"\n";
         },
         1, {"matrix of positive numbers"}},
        {"a working CRS that does not exist", [](Tiny& t) { t.edit("name = \"tiny\"", "name = \"tiny\"\ncrs = \"EPSG:999999\""); }, 1, {"EPSG:999999"}},
        {"extends a config that is not there", [](Tiny& t) { t.edit("[study]\n", "[study]\nextends = \"base.toml\"\n"); }, 1,
         {"cannot open the config it extends"}},
        {"a field mapped to a column that is not there", [](Tiny& t) { t.edit("source = \"towns.geojson\"\n", "source = \"towns.geojson\"\n[layers.towns.fields]\npopulation = \"POP\"\n"); },
         1, {"POP"}},
        {"an attribute filter that is not SQL", [](Tiny& t) { t.edit("source = \"towns.geojson\"\n", "source = \"towns.geojson\"\nwhere = \"kind ==== 1\"\n"); }, 1,
         {"where"}},
        {"a layer name the source does not have", [](Tiny& t) { t.edit("source = \"towns.geojson\"\n", "source = \"towns.geojson\"\nlayer = \"nope\"\n"); }, 1,
         {"nope"}},
        {"a CRS to assume that is not one", [](Tiny& t) { t.edit("source = \"towns.geojson\"\n", "source = \"towns.geojson\"\nassume_crs = \"EPSG:bogus\"\n"); },
         1, {"assume_crs = \"EPSG:bogus\" is not a CRS GDAL knows"}},
        {"a tier minimum below zero", [](Tiny& t) { t.edit("min_per_county = 1", "min_per_county = -1"); }, 1, {"min_per_county"}},
        {"a town type rule that does not parse", [](Tiny& t) { t.config += "[[town_types]]\nkey = \"x\"\nname_zh = \"x\"\nname_en = \"x\"\nwhen = \"population >=\"\n"; }, 1,
         {"population >="}},
        {"isochrone thresholds with infinity", [](Tiny& t) { t.config += "[access]\nthresholds_min = [inf]\n"; }, 1, {"thresholds_min"}},
    });
}

TEST_CASE("broken values and geometries are errors with the feature, or counted repairs, in inspect and in run alike", "[cli][bad_input]") {
    check_cases({
        {"no towns at all (and so no columns)", [](Tiny& t) { t.layers["towns"]["features"] = json::array(); }, 1, {"required field \"id\""}},
        {"a filter that keeps no town", [](Tiny& t) { t.edit("source = \"towns.geojson\"\n", "source = \"towns.geojson\"\nwhere = \"kind = 'x'\"\n"); }, 1,
         {"the required layer \"towns\" has no usable features", "where filter"}},
        {"a negative population", [](Tiny& t) { t.props("towns", 0)["population"] = -5; }, 1, {"is negative", "220101100"}},
        {"a population written in words", [](Tiny& t) { t.props("towns", 1)["population"] = "约3万"; }, 1, {"is text", "220101101"}},
        {"an infinite industrial output", [](Tiny& t) { t.props("towns", 2)["industry_output"] = 7; t.raw_edit("towns", "\"industry_output\":7", "\"industry_output\":1e999"); }, 1,
         {"is infinite", "220102100"}},
        {"a town with no geometry", [](Tiny& t) { t.geom("towns", 3) = nullptr; }, 0, {"features with no geometry, skipped"}},
        {"a town with NaN coordinates", [](Tiny& t) { t.raw_edit("towns", "[125.8,43.7]", "[NaN,NaN]"); }, 0, {"empty geometry (or NaN coordinates)"}},
        {"a town at longitude 200", [](Tiny& t) { t.geom("towns", 0) = point(200, 43.3); }, 1, {"outside the valid range"}},
        {"towns in metres read as degrees", [](Tiny& t) { for (int k = 0; k < 4; ++k) t.geom("towns", k) = point(500000 + k, 4800000); }, 1,
         {"outside the valid range"}},
        {"two towns with one id", [](Tiny& t) { t.props("towns", 1)["id"] = "220101100"; }, 0, {"the id is used by more than one feature"}},
        {"towns without a kind", [](Tiny& t) { for (int k = 0; k < 4; ++k) t.props("towns", k).erase("kind"); }, 1, {"required field \"kind\""}},
        {"villages drawn as lines", [](Tiny& t) { t.geom("villages", 0) = line({{125.2, 43.3}, {125.3, 43.3}}); t.geom("villages", 1) = line({{125.2, 43.3}, {125.3, 43.4}}); },
         1, {"expected points for the role \"villages\""}},
        {"a county drawn as a bow tie", [](Tiny& t) { t.geom("counties", 0) = {{"type", "Polygon"}, {"coordinates", {{{125, 43}, {125.5, 44}, {125.5, 43}, {125, 44}, {125, 43}}}}}; }, 0,
         {"invalid geometries repaired"}},
        {"a county of a prefecture that does not exist", [](Tiny& t) { t.props("counties", 1)["prefecture"] = "999999"; }, 1,
         {"is not in the prefectures layer", "220102"}},
        {"counties that overlap", [](Tiny& t) { t.geom("counties", 1) = box(125.4, 43, 126, 44); }, 0, {"counties that overlap each other", "220101/220102"}},
        {"no prefectures at all", [](Tiny& t) { t.layers["prefectures"]["features"] = json::array(); }, 1, {"required field \"id\""}},
        {"every prefecture without a geometry", [](Tiny& t) { t.geom("prefectures", 0) = nullptr; }, 1, {"the required layer \"prefectures\" has no usable features"}},
        {"a road speed below zero", [](Tiny& t) { t.props("roads", 2)["speed_kmh"] = -5; }, 0, {"speed_kmh 0, negative or above 200"}},
        {"a road speed of zero", [](Tiny& t) { t.props("roads", 2)["speed_kmh"] = 0; }, 0, {"speed_kmh 0, negative or above 200"}},
        {"a one-way value nobody knows", [](Tiny& t) { t.props("roads", 3)["oneway"] = "sometimes"; }, 0, {"oneway values not understood"}},
        {"roads with neither class nor speed",
         [](Tiny& t) { for (int k = 0; k < 6; ++k) t.props("roads", k).erase("class"), t.props("roads", k).erase("speed_kmh"); }, 1,
         {"neither a class nor a speed field", "class = \"highway\""}},
        {"a road with an empty geometry", [](Tiny& t) { t.geom("roads", 5) = {{"type", "LineString"}, {"coordinates", json::array()}}; }, 0,
         {"features with an empty geometry"}},
        {"a village with a NaN population", [](Tiny& t) { t.raw_edit("villages", "\"population\":500", "\"population\":NaN"); }, 1, {"is NaN", "v1"}},
        {"a village with a negative population", [](Tiny& t) { t.props("villages", 1)["population"] = -700; }, 1, {"is negative", "v2"}},
        {"a village far outside the province", [](Tiny& t) { t.geom("villages", 1) = point(130, 43.6); }, 0, {"features outside the province"}},
        {"every village outside the province",
         [](Tiny& t) { t.geom("villages", 0) = point(110, 30); t.geom("villages", 1) = point(110.1, 30); }, 1,
         {"every feature of the layer lies outside the study area"}},
        {"counties drawn as points", [](Tiny& t) { t.geom("counties", 0) = point(125.2, 43.5); t.geom("counties", 1) = point(125.7, 43.5); }, 1,
         {"expected polygons for the role \"counties\""}},
        {"an empty metropolitan area",
         [](Tiny& t) {
             t.layers["metro_areas"] = {{"type", "FeatureCollection"},
                                        {"features", {feature({{"id", "m1"}, {"name", "都市圈"}}, {{"type", "Polygon"}, {"coordinates", json::array()}})}}};
             t.config += "[layers.metro_areas]\nsource = \"metro_areas.geojson\"\n";
         },
         0, {"features with no geometry, skipped"}},
        {"towns as a CSV without its coordinate columns named",
         [](Tiny& t) {
             t.raw["towns.csv"] = "id,name,kind,county,lon,lat\n220101100,一镇,镇,220101,125.2,43.3\n";
             t.edit("towns.geojson", "towns.csv");
         },
         1, {"the layer has no geometry", "X_POSSIBLE_NAMES"}},
    });
}

TEST_CASE("damaged and non-GIS files are errors that name the file, in inspect and in run alike", "[cli][bad_input]") {
    check_cases({
        {"roads that are a text file", [](Tiny& t) { t.raw["roads.geojson"] = "these are not the roads you are looking for\n"; }, 1,
         {"roads.geojson", "not a vector format GDAL reads"}},
        {"towns cut off half-way", [](Tiny& t) { t.write(); const std::string full = t.layers["towns"].dump(); t.raw["towns.geojson"] = full.substr(0, full.size() / 2); }, 1,
         {"towns.geojson"}},
        {"towns of zero bytes", [](Tiny& t) { t.raw["towns.geojson"] = ""; }, 1, {"towns.geojson", "the file is empty"}},
        {"towns that are binary noise", [](Tiny& t) {
             static const char noise[] = "\x00\x01\x02\xff\xfe GPKG\x00 junk";
             t.raw["towns.geojson"] = std::string(noise, sizeof noise - 1);   // embedded NULs: the length from the array
         },
         1, {"towns.geojson"}},
        {"JSON that is not GeoJSON", [](Tiny& t) { t.raw["towns.geojson"] = "{\"a\": 1}"; }, 1, {"towns.geojson"}},
        {"a GeoPackage cut off", [](Tiny& t) {
             t.convert("towns", "GPKG", "towns.gpkg");
             const std::string bytes = slurp(t.dir.path("towns.gpkg"));
             t.raw["towns.gpkg"] = bytes.substr(0, 4096);
         },
         1, {"towns.gpkg"}},
        {"a Shapefile without its .dbf", [](Tiny& t) {
             t.convert("towns", "ESRI Shapefile", "towns.shp");
             fs::remove(t.dir.path("towns.dbf"));
         },
         1, {"towns.shp"}},
        {"a Shapefile without its .prj", [](Tiny& t) {
             t.convert("towns", "ESRI Shapefile", "towns.shp");
             fs::remove(t.dir.path("towns.prj"));
         },
         1, {"towns.shp", "assume_crs"}},
    });
}
