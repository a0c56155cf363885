// The townsite command as a user runs it: exit codes, messages, JSON.
#include "analysis/access.h"
#include "bench/bgl_baseline.h"
#include "tests/support.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

struct Run {
    int exit_code;
    std::string out;  // stdout and stderr together
};

Run run(const std::string& args) {
    const std::string cmd = std::string(TOWNSITE_BIN) + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe);
    std::string out;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("townsite inspect on the bundled sample succeeds and lists every role", "[cli][slow]") {
    const Run r = run("inspect");
    INFO(r.out);
    CHECK(r.exit_code == 0);
    for (const char* role : {"prefectures", "counties", "towns", "villages", "metro_areas", "city_cores", "border",
                             "roads", "water", "gas", "heating", "sewage", "garbage", "facilities", "protected"})
        CHECK_THAT(r.out, Contains(std::string("\n") + role + "\n"));
    CHECK_THAT(r.out, Contains("Working CRS: Albers equal-area"));
    CHECK_THAT(r.out, Contains("the study is usable (0 errors"));
}

TEST_CASE("townsite inspect --json is JSON with the same verdict", "[cli][slow]") {
    const Run r = run("-q inspect --json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["usable"] == true);
    CHECK(j["layers"].size() == 19);
    CHECK(j["working_crs"]["max_scale_error_percent"].get<double>() < 0.1);
}

TEST_CASE("a broken config exits 1 with the file, line and fix", "[cli][errors]") {
    TempDir dir;
    const std::string cfg = dir.write("bad.toml", "[study]\nnmae = \"x\"\n");
    const Run r = run("inspect " + cfg);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains(cfg + ":2"));
    CHECK_THAT(r.out, Contains("did you mean \"name\""));
    CHECK_THAT(r.out, Contains("Fix:"));
}

TEST_CASE("a study with a broken layer exits 1 and names it", "[cli][errors]") {
    TempDir dir;
    const std::string sample = TOWNSITE_SAMPLE_DIR;
    std::string text = slurp(sample + "/jilin.toml");
    // Point the config at the sample from a copy elsewhere, with one layer name wrong.
    for (size_t at = text.find("\"jilin.gpkg\""); at != std::string::npos; at = text.find("\"jilin.gpkg\"", at + 1))
        text.replace(at, 12, "\"" + sample + "/jilin.gpkg\"");
    text.replace(text.find("layer = \"roads\""), 15, "layer = \"road\"");
    const Run r = run("-q inspect " + dir.write("broken.toml", text));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains("no layer \"road\" (did you mean \"roads\"?)"));
    CHECK_THAT(r.out, Contains("NOT USABLE"));
}

TEST_CASE("usage errors exit 2", "[cli]") {
    CHECK(run("").exit_code == 2);
    CHECK(run("inspect --no-such-flag").exit_code == 2);
    CHECK(run("frobnicate").exit_code == 2);
    CHECK(run("--help").exit_code == 0);
}

TEST_CASE("the sample generator writes the same bytes for the same seed", "[sample][slow]") {
    TempDir dir;
    const std::string gen = std::string(TOWNSITE_MAKE_SAMPLE_BIN) + " --sources " + TOWNSITE_SAMPLE_DIR + "/sources -o ";
    REQUIRE(std::system((gen + dir.path("a.gpkg") + " > /dev/null").c_str()) == 0);
    REQUIRE(std::system((gen + dir.path("b.gpkg") + " > /dev/null").c_str()) == 0);
    const std::string a = slurp(dir.path("a.gpkg"));
    CHECK(a.size() > 1000000);
    CHECK(a == slurp(dir.path("b.gpkg")));
    SECTION("and the committed sample is what the generator writes") {
        CHECK(a == slurp(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg"));
    }
}

TEST_CASE("townsite access on the sample writes every layer", "[cli][access][slow]") {
    TempDir dir;
    const std::string out = dir.path("out/access.gpkg");
    const Run r = run("-q access -o " + out);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    CHECK(ds->GetLayerByName("towns")->GetFeatureCount() == 1075);
    CHECK(ds->GetLayerByName("villages")->GetFeatureCount() == 4608);
    CHECK(ds->GetLayerByName("isochrones")->GetFeatureCount() == 9 * 3);  // 9 city cores x 15/30/60 min
    CHECK(ds->GetLayerByName("road_components")->GetFeatureCount() == 2);
    CHECK(ds->GetLayerByName("road_dead_ends")->GetFeatureCount() == 12);
    CHECK(ds->GetLayerByName("towns_without_seat_route")->GetFeatureCount() == 1);
    CHECK(ds->GetLayerByName("towns")->GetLayerDefn()->GetFieldIndex("county_seat_min") >= 0);
    CHECK(ds->GetLayerByName("towns")->GetLayerDefn()->GetFieldIndex("pop_30min") >= 0);
    SECTION("and refuses to overwrite it without --overwrite, or to write over an input") {
        const Run again = run("-q access -o " + out);
        CHECK(again.exit_code == 1);
        CHECK_THAT(again.out, Contains("exists already") && Contains("--overwrite"));
        const Run input = run("-q access --overwrite -o " + std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg");
        CHECK(input.exit_code == 1);
        CHECK_THAT(input.out, Contains("one of the study's inputs"));
    }
}

TEST_CASE("townsite od writes the towns x county seats matrix that Boost.Graph computes too", "[cli][od][slow]") {
    TempDir dir;
    const std::string out = dir.path("od.csv");
    REQUIRE(run("-q od --from towns --to county_seats -o " + out).exit_code == 0);
    // Independently: Boost.Graph's Dijkstra from every seat over the reversed arcs.
    const Study study = load_study(load_config(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.toml"));
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    bench::BglGraph reversed = bench::to_bgl(g, true);
    std::map<std::string, std::vector<double>> to_seat;
    std::map<std::string, Snap> seat_snap, town_snap;
    for (const Seat& s : admin_seats(study, "counties")) {
        seat_snap[s.id] = g.snap(s.x, s.y);
        std::vector<std::pair<std::uint32_t, double>> seeds;
        for (const auto& leg : seat_snap[s.id].legs(g, false)) seeds.emplace_back(leg.node, leg.seconds);
        to_seat[s.id] = bench::bgl_seconds(reversed, seeds);
    }
    for (const Feature& f : study.role("towns").front()->features) {
        double x = 0, y = 0;
        GEOSGeomGetX_r(study.geos->get(), f.geom.get(), &x);
        GEOSGeomGetY_r(study.geos->get(), f.geom.get(), &y);
        town_snap[f.id] = g.snap(x, y);
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayer(0);
    CHECK(l->GetFeatureCount() == 1075 * 60);
    std::size_t checked = 0, empty = 0, mismatched = 0;
    for (auto& row : *l) {
        const std::string from = row->GetFieldAsString("from_id"), to = row->GetFieldAsString("to_id");
        const Snap& t = town_snap.at(from);
        const Snap& s = seat_snap.at(to);
        double best = std::numeric_limits<double>::max();
        for (const auto& leg : t.legs(g, true)) best = std::min(best, leg.seconds + to_seat.at(to)[leg.node]);
        if (t.piece == s.piece) {
            const RoadPiece& p = g.pieces[t.piece];
            best = std::min(best, t.offroad_s + s.offroad_s + std::fabs(t.offset_m - s.offset_m) * p.seconds / p.length_m);
        }
        if (!row->IsFieldSetAndNotNull(row->GetFieldIndex("minutes")) || std::string(row->GetFieldAsString("minutes")).empty()) {
            ++empty;
            if (best < std::numeric_limits<double>::max()) ++mismatched;
            continue;
        }
        if (std::fabs(row->GetFieldAsDouble("minutes") - best / 60) > 1e-6 * std::max(1.0, best / 60)) ++mismatched;
        ++checked;
    }
    CHECK(mismatched == 0);
    CHECK(checked > 60000);
    CHECK(empty == 60);  // the forest farm cut off from every county seat
}

TEST_CASE("roads with neither a class nor a speed are refused with a fix", "[cli][access][errors]") {
    TempDir dir;
    write_layer(dir.path("admin.gpkg"), "GPKG", "admin", 4326, {"id", "name", "prefecture"},
                {{"POLYGON ((125 43, 126 43, 126 44, 125 44, 125 43))", {"1", "甲", "1"}}});
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"id", "name", "kind", "county"}, {{"POINT (125.5 43.5)", {"t", "甲镇", "镇", "1"}}});
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4326, {"id"}, {{"LINESTRING (125.2 43.5, 125.8 43.5)", {"r"}}});
    const std::string cfg = dir.write("s.toml", "[layers.prefectures]\nsource = \"admin.gpkg\"\n[layers.counties]\nsource = \"admin.gpkg\"\n"
                                                "[layers.towns]\nsource = \"towns.gpkg\"\n[layers.roads]\nsource = \"roads.gpkg\"\n");
    const Run r = run("-q access " + cfg + " -o " + dir.path("a.gpkg"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains("roads.gpkg") && Contains("neither a class nor a speed") && Contains("Fix: map class"));
}

TEST_CASE("townsite coverage on the sample writes towns, villages, gaps and extensions", "[cli][coverage][slow]") {
    TempDir dir;
    const std::string out = dir.path("coverage.gpkg");
    const Run r = run("coverage -o " + out);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("water:") && Contains("garbage:") && Contains("extensions:"));
    GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* towns = ds->GetLayerByName("towns");
    CHECK(towns->GetFeatureCount() == 1075);
    CHECK(ds->GetLayerByName("villages")->GetFeatureCount() == 4608);
    CHECK(ds->GetLayerByName("coverage_gaps")->GetFeatureCount() > 100);
    CHECK(ds->GetLayerByName("network_extensions")->GetFeatureCount() > 100);
    // Every status is one of the four words, and "served" towns have no gap.
    std::size_t served = 0, none = 0;
    for (auto& f : *towns) {
        const std::string s = f->GetFieldAsString("water_status");
        CHECK((s == "served" || s == "partial" || s == "none"));
        served += s == "served";
        none += s == "none";
        if (s == "served") CHECK(f->GetFieldAsDouble("water_share_pct") >= 95);
        if (s == "none") CHECK(f->GetFieldAsDouble("water_share_pct") == 0);
    }
    // The sample gives water to most towns and leaves some without (sample_data/README.md).
    CHECK(served > 500);
    CHECK(none > 10);
}
