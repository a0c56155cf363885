#include "geo/config.h"
#include "geo/error.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

using namespace townsite;
using Catch::Matchers::Contains;

namespace {

const char* kMinimal = R"(
[study]
name = "test"

[layers.prefectures]
source = "admin.gpkg"
layer = "prefectures"
[layers.prefectures.fields]
id = "code"

[layers.counties]
source = "admin.gpkg"
layer = "counties"

[layers.towns]
source = "PG:dbname=gis"
layer = "towns"
)";

// Parses `toml` and returns the error message it gives (fails the test when it gives none).
std::string error_of(const std::string& toml) {
    try {
        parse_config(toml, "/data/study.toml");
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("the config was accepted");
    return {};
}

}  // namespace

TEST_CASE("a minimal config lists its layers with paths resolved against the config file", "[config]") {
    const StudyConfig cfg = parse_config(kMinimal, "/data/project/study.toml");
    REQUIRE(cfg.layers.size() == 3);
    CHECK(cfg.name == "test");
    CHECK(cfg.crs.empty());
    CHECK(cfg.sources("prefectures").front()->resolved == "/data/project/admin.gpkg");
    CHECK(cfg.sources("prefectures").front()->fields.at("id").source_field == "code");
    CHECK(cfg.sources("prefectures").front()->fields.at("id").line == 9);
    SECTION("a GDAL connection string is passed as written") {
        CHECK(cfg.sources("towns").front()->resolved == "PG:dbname=gis");
    }
}

TEST_CASE("a role drawn from several layers is an array of tables", "[config]") {
    const StudyConfig cfg = parse_config(std::string(kMinimal) + R"(
[[layers.water]]
source = "water.gpkg"
layer = "pipes"
[[layers.water]]
source = "water.gpkg"
layer = "plants"
coordinates = "gcj02"
encoding = "GBK"
assume_crs = "EPSG:4490"
open_options = ["X_POSSIBLE_NAMES=lon"]
)", "/d/s.toml");
    const auto water = cfg.sources("water");
    REQUIRE(water.size() == 2);
    CHECK(water[0]->layer == "pipes");
    CHECK_FALSE(water[0]->gcj02);
    CHECK(water[1]->gcj02);
    CHECK(water[1]->encoding == "GBK");
    CHECK(water[1]->assume_crs == "EPSG:4490");
    CHECK(water[1]->open_options == std::vector<std::string>{"X_POSSIBLE_NAMES=lon"});
}

// Lines of kMinimal: it opens with a blank line and its last line (17) ends with a newline, so text
// appended to it starts on line 18.
TEST_CASE("config errors name the file, the line and the key, and say how to fix it", "[config][errors]") {
    SECTION("unknown top-level key, with a suggestion") {
        const std::string msg = error_of(std::string(kMinimal) + "\n[layer]\nx = 1\n");
        CHECK_THAT(msg, Contains("/data/study.toml:19"));
        CHECK_THAT(msg, Contains("unknown key \"layer\""));
        CHECK_THAT(msg, Contains("did you mean \"layers\""));
        CHECK_THAT(msg, Contains("Fix:"));
    }
    SECTION("unknown key inside a layer") {
        const std::string msg = error_of(std::string(kMinimal) + "filter = \"kind = 1\"\n");
        CHECK_THAT(msg, Contains("/data/study.toml:18"));
        CHECK_THAT(msg, Contains("layers.towns.filter"));
        CHECK_THAT(msg, Contains("where"));
        CHECK_THAT(msg, Contains("Fix:"));
    }
    SECTION("unknown role, with a suggestion") {
        const std::string msg = error_of(std::string(kMinimal) + "[layers.town]\nsource = \"t.gpkg\"\n");
        CHECK_THAT(msg, Contains(":18"));
        CHECK_THAT(msg, Contains("did you mean \"towns\""));
    }
    SECTION("missing required role") {
        const std::string msg = error_of(R"([layers.prefectures]
source = "a.gpkg"
[layers.counties]
source = "a.gpkg"
)");
        CHECK_THAT(msg, Contains("/data/study.toml:1"));
        CHECK_THAT(msg, Contains("required layer \"towns\""));
        CHECK_THAT(msg, Contains("Fix: add a [layers.towns] section"));
    }
    SECTION("a value of the wrong type") {
        const std::string msg = error_of(std::string(kMinimal) + "assume_crs = 4490\n");
        CHECK_THAT(msg, Contains(":18"));
        CHECK_THAT(msg, Contains("\"layers.towns.assume_crs\" is an integer, expected a string"));
        CHECK_THAT(msg, Contains("Fix:"));
    }
    SECTION("an unknown field in a mapping") {
        const std::string msg = error_of(std::string(kMinimal) + "[layers.towns.fields]\npopulaton = \"pop\"\n");
        CHECK_THAT(msg, Contains(":19"));
        CHECK_THAT(msg, Contains("unknown field \"populaton\""));
        CHECK_THAT(msg, Contains("did you mean \"population\""));
    }
    SECTION("a coordinates value that is neither crs nor gcj02") {
        const std::string msg = error_of(std::string(kMinimal) + "coordinates = \"bd09\"\n");
        CHECK_THAT(msg, Contains(":18"));
        CHECK_THAT(msg, Contains("gcj02"));
    }
    SECTION("a layer with no source") {
        const std::string msg = error_of(std::string(kMinimal) + "[layers.roads]\nlayer = \"roads\"\n");
        CHECK_THAT(msg, Contains(":18"));
        CHECK_THAT(msg, Contains("has no \"source\""));
    }
    SECTION("TOML syntax errors give the line") {
        const std::string msg = error_of("[study]\nname = \"unterminated\n");
        CHECK_THAT(msg, Contains("/data/study.toml:2"));
        CHECK_THAT(msg, Contains("not valid TOML"));
    }
}

TEST_CASE("every problem of a config is reported at once", "[config][errors]") {
    try {
        parse_config(std::string(kMinimal) + "colour = \"red\"\n[layers.roads]\nsource = 7\n", "s.toml");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.count() == 2);
        CHECK_THAT(e.what(), Contains("s.toml:18"));  // colour
        CHECK_THAT(e.what(), Contains("s.toml:20"));  // source = 7
    }
}

TEST_CASE("a missing config file is an error that says what to do", "[config][errors]") {
    try {
        load_config("/nonexistent/study.toml");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Contains("/nonexistent/study.toml"));
        CHECK_THAT(e.what(), Contains("Fix:"));
    }
}

TEST_CASE("the bundled sample config is valid", "[config]") {
    const StudyConfig cfg = load_config(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.toml");
    // Every role but builtup (the sample's towns are seat points, and their areas circles).
    const std::set<std::string> not_in_sample = {"builtup"};
    for (const auto& role : role_catalogue())
        if (!not_in_sample.count(role.name)) CHECK(cfg.has(role.name));
}

namespace {
// [access] checked the way every section reader checks its keys (only thresholds_min is known here).
void access_options_like(const StudyConfig& c) {
    std::vector<ConfigProblem> problems;
    if (const toml::table* t = c.table["access"].as_table()) check_keys(*t, "access", {"thresholds_min"}, problems);
    throw_config_problems(c.path, problems);
}
}  // namespace

TEST_CASE("a config that extends another takes its sections and replaces the layers it names", "[config]") {
    townsite::test::TempDir dir;
    std::filesystem::create_directories(dir.path("base/data"));
    dir.write("base/base.toml", R"([study]
name = "2022"
crs = "EPSG:4547"
[layers.prefectures]
source = "data/admin.gpkg"
[layers.counties]
source = "data/admin.gpkg"
[layers.towns]
source = "data/towns.gpkg"
[layers.water]
source = "data/water.gpkg"
[access]
thresholds_min = [10]
)");
    std::filesystem::create_directories(dir.path("y2025"));
    const std::string path = dir.write("y2025/study.toml", R"([study]
extends = "../base/base.toml"
name = "2025"
[layers.water]
source = "water_2025.gpkg"
)");
    const StudyConfig cfg = load_config(path);
    CHECK(cfg.name == "2025");
    CHECK(cfg.crs == "EPSG:4547");   // from the base
    REQUIRE(cfg.sources("towns").size() == 1);
    CHECK(std::filesystem::path(cfg.sources("towns")[0]->resolved).lexically_normal() ==
          std::filesystem::path(dir.path("base/data/towns.gpkg")).lexically_normal());
    CHECK(std::filesystem::path(cfg.sources("water")[0]->resolved).lexically_normal() ==
          std::filesystem::path(dir.path("y2025/water_2025.gpkg")).lexically_normal());
    CHECK(cfg.table["access"]["thresholds_min"][0].value<int>() == 10);
    SECTION("a missing base is an error naming it") {
        const std::string bad = dir.write("y2025/bad.toml", "[study]\nextends = \"nowhere.toml\"\n");
        CHECK_THROWS_WITH(load_config(bad), Catch::Contains("nowhere.toml") && Catch::Contains("Fix:"));
    }
    SECTION("a mistake in the config's own sections has its line; one in the base has none under this file's name") {
        const std::string own = dir.write("y2025/own.toml", "[study]\nextends = \"../base/base.toml\"\n\n[access]\nthresholds_min = [10]\nbogus = 1\n");
        CHECK_THROWS_WITH(access_options_like(load_config(own)), Catch::Contains("own.toml:6: unknown key \"access.bogus\""));
        dir.write("base/broken.toml", "[study]\nname = \"b\"\n[layers.prefectures]\nsource = \"data/admin.gpkg\"\n[layers.counties]\n"
                                      "source = \"data/admin.gpkg\"\n[layers.towns]\nsource = \"data/towns.gpkg\"\n[access]\nbogus = 1\n");
        const std::string derived = dir.write("y2025/derived.toml", "[study]\nextends = \"../base/broken.toml\"\nname = \"d\"\n");
        try {
            access_options_like(load_config(derived));
            FAIL("accepted");
        } catch (const Error& e) {
            const std::string m = e.what();
            CHECK_THAT(m, Catch::Contains("unknown key \"access.bogus\""));
            CHECK_THAT(m, !Catch::Contains("derived.toml:10"));   // line 10 is the base's, not this file's
        }
    }
}
