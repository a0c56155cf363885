// The roads layer of the outputs. `run` frees the road features once the graph holds them, and
// writes them out by reading their source again: every road comes out, not-for-cars ones too, and
// a source that changed in between is refused rather than written half old, half new.
#include "analysis/pipeline.h"
#include "geo/error.h"
#include "geo/writer.h"
#include "tests/support.h"
#include "tools/layers_out.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

constexpr double X0 = 500000, Y0 = 4800000;   // CGCS2000 / 3-degree Gauss-Kruger CM 126E (EPSG:4551)

std::string line(double x0, double y0, double x1, double y1) {
    return "LINESTRING (" + std::to_string(X0 + x0) + " " + std::to_string(Y0 + y0) + ", " + std::to_string(X0 + x1) + " " +
           std::to_string(Y0 + y1) + ")";
}

void write_roads_file(const TempDir& dir, const std::vector<Feat>& roads) {
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"id", "class"}, roads);
}

const std::vector<Feat> kRoads = {{line(0, 0, 1000, 0), {"r1", "县道"}},
                                  {line(1000, 0, 2000, 0), {"r2", "乡道"}},
                                  {line(0, 0, 0, 800), {"path", "footway"}},   // not for cars: not in the graph
                                  {line(2000, 0, 2000, 900), {"r3", "村道"}}};

// The roads output of `routed`, written to `name` in `dir`: each road's id and class, in order.
std::vector<std::pair<std::string, std::string>> written_roads(const TempDir& dir, const RoutedStudy& routed, const std::string& name) {
    {
        OutputDataset out(dir.path(name), routed.study, OutputOptions{});
        tools::write_roads(out, routed.study, routed.graph);
        out.commit();
    }
    GDALDatasetUniquePtr ds(GDALDataset::Open(dir.path(name).c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& f : *ds->GetLayerByName("roads")) got.emplace_back(f->GetFieldAsString("id"), f->GetFieldAsString("class"));
    return got;
}

}  // namespace

TEST_CASE("run's roads come out whole from their source, and a source changed meanwhile is refused", "[cli][roads]") {
    TempDir dir;
    const std::string admin = write_admin(dir, 4551, box_wkt(X0 - 1000, Y0 - 2000, X0 + 3000, Y0 + 2000));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"},
                {{"POINT (" + std::to_string(X0) + " " + std::to_string(Y0) + ")", {"A", "甲镇", "镇", "1"}}});
    write_roads_file(dir, kRoads);
    const StudyConfig cfg = config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin +
                                                        "[layers.towns]\nsource = \"towns.gpkg\"\n[layers.roads]\nsource = \"roads.gpkg\"\n");
    const RoutedStudy routed = load_routed_study(cfg, network_options(cfg));
    REQUIRE(routed.study.role("roads").front()->released);
    CHECK(routed.graph.report.not_for_cars == 1);

    const std::vector<std::pair<std::string, std::string>> all = {{"r1", "县道"}, {"r2", "乡道"}, {"path", "footway"}, {"r3", "村道"}};
    CHECK(written_roads(dir, routed, "a.gpkg") == all);

    SECTION("a road renamed") {
        std::vector<Feat> renamed = kRoads;
        renamed[1].values[0] = "r2-new";
        write_roads_file(dir, renamed);
        CHECK_THROWS_WITH(written_roads(dir, routed, "b.gpkg"), Contains("feature r2-new was not read before"));
    }
    SECTION("a road deleted at the end") {
        write_roads_file(dir, {kRoads.begin(), kRoads.end() - 1});
        CHECK_THROWS_WITH(written_roads(dir, routed, "b.gpkg"), Contains("1 of the roads read before are gone"));
    }
}
