// Seeded mutation fuzzing, bounded in time, inside the suite (so that it also runs under ASan and
// UBSan in CI): the config reader, the layer reader with the whole load (GeoJSON and the GeoPackage
// and Shapefile drivers), and the GCJ-02 and CRS paths get mutated inputs; the only acceptable
// outcomes are a result or a townsite::Error. The seeds are the inputs below; the mutations are
// byte flips, cuts, repeats and insertions of tokens that have broken parsers before (inf, nan,
// 1e999, unbalanced brackets, invalid UTF-8). A crash found here becomes a case of its own in
// bad_input_test.cpp or in the test of the module.
#include "geo/config.h"
#include "geo/crs.h"
#include "geo/error.h"
#include "geo/gcj02.h"
#include "geo/random.h"
#include "geo/study.h"
#include "tests/support.h"

#include <gdal_priv.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

using namespace townsite;
using namespace townsite::test;

namespace {

using Rng = SplitMix64;

std::string mutate(std::string s, Rng& rng) {
    static const std::vector<std::string> tokens = {"inf", "-inf", "nan", "NaN", "1e999", "-1", "0", "\"", "[", "]", "{", "}", "=", ",",
                                                    "\n", "[[", "]]", "\xff\xfe", "\xe9\x95", "null", "true", "\"\"", "-0", "9999999999999999999"};
    const int edits = 1 + int(rng.below(4));
    for (int e = 0; e < edits && !s.empty(); ++e) {
        const std::size_t at = rng.below(s.size());
        switch (rng.below(5)) {
            case 0: s[at] = char(rng.below(256)); break;
            case 1: s.erase(at, 1 + rng.below(16)); break;
            case 2: s.insert(at, s.substr(at, 1 + rng.below(32))); break;
            case 3: s.insert(at, tokens[rng.below(tokens.size())]); break;
            default: s.resize(at); break;   // cut off
        }
    }
    return s;
}

// Runs `body` on mutations of `seed` until `iterations` or `seconds` run out; returns how many ran.
template <class Body>
int fuzz(const std::string& seed, std::uint64_t rng_seed, int iterations, double seconds, Body body) {
    Rng rng(rng_seed);
    const auto start = std::chrono::steady_clock::now();
    int done = 0;
    for (; done < iterations; ++done) {
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds) break;
        const std::string input = mutate(seed, rng);
        INFO("mutation " << done << ":\n" << input);
        try {
            body(input);
        } catch (const Error&) {
            // a clear refusal is a right answer
        }
    }
    return done;
}

const std::string kConfigSeed = R"([study]
name = "fuzz"
crs = "EPSG:4547"
[layers.prefectures]
source = "admin.gpkg"
[layers.counties]
source = "admin.gpkg"
[layers.counties.fields]
prefecture = "prefecture"
[layers.towns]
source = "towns.geojson"
where = "kind = '镇'"
assume_crs = "EPSG:4490"
encoding = "GBK"
open_options = ["X_POSSIBLE_NAMES=lon"]
[layers.towns.fields]
id = "id"
population = "pop"
[[layers.water]]
source = "water.gpkg"
[network]
snap_tolerance_m = 0.5
max_snap_m = 2000
[network.speeds]
"县道" = 45
)";

const std::string kTownsSeed =
    R"({"type":"FeatureCollection","features":[)"
    R"({"type":"Feature","properties":{"id":"1","name":"一镇","kind":"镇","county":"1","population":20000},"geometry":{"type":"Point","coordinates":[125.2,43.3]}},)"
    R"({"type":"Feature","properties":{"id":"2","name":"二镇","kind":"镇","county":"1","population":1.5e4},"geometry":{"type":"Polygon","coordinates":[[[125.3,43.6],[125.4,43.6],[125.4,43.7],[125.3,43.6]]]}}]})";

}  // namespace

TEST_CASE("mutated configs are read or refused, never crash", "[fuzz]") {
    TempDir dir;
    const int ran = fuzz(kConfigSeed, 20261201, 3000, 10, [&](const std::string& text) { parse_config(text, dir.path("study.toml")); });
    CHECK(ran > 100);
}

TEST_CASE("mutated layers are loaded or refused, never crash, through GeoJSON, GeoPackage and Shapefile", "[fuzz]") {
    TempDir dir;
    const std::string admin = write_admin(dir, 4326, box_wkt(125, 43, 126, 44));
    const StudyConfig json_cfg = config_from(dir.path(), admin + "[layers.towns]\nsource = \"towns.geojson\"\n");
    int ran = fuzz(kTownsSeed, 42, 400, 8, [&](const std::string& text) {
        dir.write("towns.geojson", text);
        load_study(json_cfg);
    });
    CHECK(ran > 20);

    // The binary formats: GDAL writes the seed, the bytes are mutated.
    GDALDatasetUniquePtr src(GDALDataset::Open(dir.write("seed.geojson", kTownsSeed).c_str(), GDAL_OF_VECTOR));
    REQUIRE(src);
    for (const char* driver : {"GPKG", "ESRI Shapefile"}) {
        const std::string ext = std::string(driver) == "GPKG" ? "gpkg" : "shp";
        const std::string seed_path = dir.path(std::string("seed.") + ext);
        {
            GDALDatasetUniquePtr out(GetGDALDriverManager()->GetDriverByName(driver)->Create(seed_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
            REQUIRE(out);
            // A Shapefile holds one geometry type: the points only.
            CPLStringList opts;
            if (ext == "shp") opts.SetNameValue("SHPT", "POINT");
            REQUIRE(out->CopyLayer(src->GetLayer(0), "towns", opts.List()) != nullptr);
        }
        const std::string main_file = ext == "gpkg" ? seed_path : dir.path("seed.dbf");   // the .dbf holds the attributes
        std::ifstream in(main_file, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const StudyConfig cfg = config_from(dir.path(), admin + "[layers.towns]\nsource = \"seed." + ext + "\"\n");
        ran = fuzz(bytes, 7, 150, 8, [&](const std::string& mutated) {
            dir.write(ext == "gpkg" ? "seed.gpkg" : "seed.dbf", mutated);
            load_study(cfg);
        });
        INFO(driver);
        CHECK(ran > 10);
    }
}

TEST_CASE("GCJ-02 and CRS transforms take any number without crashing, and finite in gives finite out", "[fuzz]") {
    Rng rng(99);
    const double specials[] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(), 1e308, -1e308, 0, -0.0, 180, -180, 90, -90, 72.004, 137.8347, 0.8293, 55.8271};
    WorkingCrs crs = choose_working_crs(LonLatBox{121, 40, 131, 46});
    const Transformer t(crs);
    for (int i = 0; i < 20000; ++i) {
        double lon = rng.below(4) == 0 ? specials[rng.below(std::size(specials))] : -200 + double(rng.next() % 400000) / 1000;
        double lat = rng.below(4) == 0 ? specials[rng.below(std::size(specials))] : -100 + double(rng.next() % 200000) / 1000;
        const bool finite_in = std::isfinite(lon) && std::isfinite(lat) && std::abs(lon) <= 180 && std::abs(lat) <= 90;
        double x = lon, y = lat;
        gcj02_to_wgs84(x, y);
        if (finite_in) {
            INFO(lon << ", " << lat);
            CHECK(std::isfinite(x));
            CHECK(std::isfinite(y));
        }
        if (std::isfinite(lon) && std::isfinite(lat) && std::abs(lat) <= 90) {   // PROJ logs every refusal of the rest
            double px = lon, py = lat;
            t.to_working(px, py);   // PROJ answers HUGE_VAL for what it cannot do: no crash is the test
        }
    }
}
