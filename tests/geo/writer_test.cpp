// The CSV table townsite writes itself (od's million-row matrices) against GDAL's CSV driver: the
// same bytes for the same rows, whatever the values.
#include "geo/error.h"
#include "geo/random.h"
#include "geo/writer.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

Study tiny_study(const TempDir& dir) {
    const std::string admin = write_admin(dir, 4326, box_wkt(125, 43, 126, 44));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"id", "name", "kind", "county"}, {{"POINT (125.5 43.5)", {"T", "甲镇", "镇", "1"}}});
    return load_study(config_from(dir.path(), admin + "[layers.towns]\nsource = \"towns.gpkg\"\n"));
}

// Texts that GDAL quotes or not for every reason it has: numbers (with spaces, signs, exponents,
// hex), separators, quotes, line breaks, tabs, Chinese, empty.
const std::vector<std::string> kTexts = {"220102",  "220102200201", "12 ",  " 12", "-3.5", "1e5",   "0x1F",    "inf",   "nan", "x;y",
                                         "a,\"b\"", "tab\tz",       "nl\nx", "cr\rx", "",    "甲镇",  "not_connected", " x", "1,5", "+7",
                                         "1.",      ".5",           "1e",   "--1",  "1 2", "\"",    "x\"y"};

double random_real(SplitMix64& rng) {
    const double mantissa = double(rng.next() % 2000001) / 1000 - 1000;
    switch (rng.next() % 8) {
    case 0: return mantissa * std::pow(10.0, double(int(rng.next() % 60)) - 30);
    case 1: return double(std::int64_t(rng.next() % 200001) - 100000);
    case 2: return -0.0;
    case 3: return NAN;
    case 4: return 0.1 + 0.2;
    case 5: return std::numeric_limits<double>::max();
    case 6: return std::numeric_limits<double>::denorm_min();
    default: return mantissa / 7;
    }
}

FieldValue random_value(SplitMix64& rng, OGRFieldType type) {
    const std::uint64_t kind = rng.next() % 10;
    if (kind == 0) return FieldValue{};          // null
    if (kind == 1) return double(rng.next() % 1000) / 8;   // a value of another type than the field
    if (kind == 2) return std::int64_t(rng.next() % 1000) - 500;
    if (kind == 3) return kTexts[rng.next() % kTexts.size()];
    switch (type) {
    case OFTReal: return random_real(rng);
    case OFTInteger: return std::int64_t(rng.next() % 2000001) - 1000000;
    case OFTInteger64: return std::int64_t(rng.next()) / 3;
    default: return kTexts[rng.next() % kTexts.size()];
    }
}

}  // namespace

TEST_CASE("a CSV table is written byte for byte as GDAL's CSV driver writes it", "[output][csv]") {
    TempDir dir;
    const Study study = tiny_study(dir);
    const std::vector<OutField> fields = {{"id", OFTString, ""}, {"minutes", OFTReal, ""}, {"n", OFTInteger, ""}, {"big", OFTInteger64, ""},
                                          {"why", OFTString, ""}, {"名称", OFTString, ""},   {"a,b", OFTString, ""}, {"km", OFTReal, ""}};
    SplitMix64 rng(11);
    std::vector<std::vector<FieldValue>> rows(5000);
    for (auto& row : rows)
        for (const OutField& f : fields) row.push_back(random_value(rng, f.type));
    rows.push_back({});   // a row of nothing but nulls

    auto write = [&](const std::string& name, std::vector<std::string> options, OGRwkbGeometryType type = wkbNone) {
        OutputDataset out(dir.path(name), study, {"", "", false, options});
        OutputLayer& table = out.layer("od", type, fields);
        const GeomPtr point = study.geos->point(125.5, 43.5);
        for (const auto& row : rows) table.add(row, type == wkbNone ? nullptr : point.get());
        CHECK(table.count() == rows.size());
        out.commit();
        return slurp(dir.path(name));
    };
    SECTION("default options") {
        // STRING_QUOTING=IF_AMBIGUOUS is GDAL's default: it sends the table through GDAL's driver.
        const std::string gdal = write("gdal.csv", {"STRING_QUOTING=IF_AMBIGUOUS"});
        const std::string ours = write("ours.csv", {});
        REQUIRE(gdal.size() > 100000);
        CHECK(ours == gdal);
        CHECK(ours.find("\"220102\"") != std::string::npos);   // an id that reads as a number stays text
    }
    SECTION("with a byte order mark, for Excel") {
        const std::string gdal = write("gdal.csv", {"STRING_QUOTING=IF_AMBIGUOUS", "WRITE_BOM=YES"});
        const std::string ours = write("ours.csv", {"WRITE_BOM=YES"});
        CHECK(ours.rfind("\xEF\xBB\xBF" "id,", 0) == 0);
        CHECK(ours == gdal);
    }
    SECTION("a layer of points, whose geometry GDAL leaves out without a GEOMETRY option") {
        const std::string gdal = write("gdal.csv", {"STRING_QUOTING=IF_AMBIGUOUS", "WRITE_BOM=YES"}, wkbPoint);
        const std::string ours = write("ours.csv", {"WRITE_BOM=YES"}, wkbPoint);
        CHECK(ours.rfind("\xEF\xBB\xBF" "id,", 0) == 0);
        CHECK(ours == gdal);
        std::vector<std::string> files;   // no .prj or .csvt beside either
        for (const auto& e : std::filesystem::directory_iterator(dir.path())) files.push_back(e.path().filename().string());
        std::sort(files.begin(), files.end());
        CHECK(files == std::vector<std::string>{"admin.gpkg", "gdal.csv", "ours.csv", "towns.gpkg"});
    }
    CHECK(!std::filesystem::exists(dir.path(".ours.tmp-" + std::to_string(getpid()) + ".csv")));
}

TEST_CASE("an output of tables only leaves the geometries out and keeps every value", "[output]") {
    TempDir dir;
    const Study study = tiny_study(dir);
    const GeomPtr point = study.geos->point(125.5, 43.5);
    {
        OutputDataset out(dir.path("tables.gpkg"), study, {"GPKG", "working", false, {}, Lang::zh, false});
        OutputLayer& towns = out.layer("towns", wkbPoint, {{"id", OFTString, ""}, {"km", OFTReal, ""}, {"n", OFTInteger, ""}});
        towns.add({std::string("220102"), 1.25, std::int64_t(7)}, point.get());
        towns.add({std::string("甲镇"), NAN, FieldValue{}}, point.get());
        CHECK(towns.geometry_type() == wkbNone);
        out.commit();
    }
    const Table t = read_table(dir.path("tables.gpkg"), "towns", *study.geos);
    CHECK(t.fields == std::vector<std::string>{"id", "km", "n"});
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].text("id") == "220102");
    CHECK(t.rows[0].number("km") == 1.25);
    CHECK(t.rows[0].number("n") == 7.0);
    CHECK(t.rows[1].text("id") == "甲镇");
    CHECK_FALSE(t.rows[1].number("km").has_value());
    for (const Record& r : t.rows) CHECK(r.geom == nullptr);
}

TEST_CASE("a CSV file refuses a second table and leaves nothing when not committed", "[output][csv][errors]") {
    TempDir dir;
    const Study study = tiny_study(dir);
    {
        OutputDataset out(dir.path("od.csv"), study, {});
        out.layer("od", wkbNone, {{"id", OFTString, ""}}).add({std::string("1")}, nullptr);
        CHECK_THROWS_WITH(out.layer("more", wkbNone, {{"id", OFTString, ""}}),
                          Contains("od.csv") && Contains("one table") && Contains("\"od\"") && Contains("Fix:"));
    }
    CHECK(std::filesystem::is_empty(dir.path()) == false);
    CHECK(!std::filesystem::exists(dir.path("od.csv")));
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}
