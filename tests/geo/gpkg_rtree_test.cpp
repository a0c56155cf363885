// The GeoPackage spatial index townsite packs itself (geo/gpkg_rtree.h) against the one GDAL grows
// feature by feature: the same entries, triggers and extension rows, a sound tree (SQLite's own
// rtreecheck), the same answers to GDAL's spatial filter, and it stays right when the layer is
// edited afterwards, as QGIS would.
#include "geo/road_graph.h"
#include "geo/random.h"
#include "geo/study.h"
#include "geo/writer.h"
#include "tests/support.h"

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <set>

using namespace townsite;
using namespace townsite::test;

namespace {

std::vector<std::string> rows(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    char* error = nullptr;
    const int rc = sqlite3_exec(
        db, sql.c_str(),
        [](void* into, int n, char** values, char**) {
            std::string row;
            for (int i = 0; i < n; ++i) row += std::string(i ? "|" : "") + (values[i] ? values[i] : "NULL");
            static_cast<std::vector<std::string>*>(into)->push_back(row);
            return 0;
        },
        &out, &error);
    INFO(sql << ": " << (error ? error : ""));
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
    return out;
}

// Points, lines and polygons scattered over the study (with nulls and empties among them), and a
// layer with no feature, written to `path`; `layer_options` as given to GDAL.
void write_sample(const Study& study, const std::string& path, const std::vector<std::string>& layer_options) {
    const GeosContext& geos = *study.geos;
    OutputDataset out(path, study, {"GPKG", "EPSG:4326", false, layer_options});
    SplitMix64 rng(7);
    auto coordinate = [&](double span) { return (double(rng.next() % 1000000) / 1000000 - 0.5) * span; };
    OutputLayer& points = out.layer("points", wkbPoint, {{"n", OFTInteger, ""}});
    OutputLayer& lines = out.layer("lines", wkbMultiLineString, {{"n", OFTInteger, ""}});
    OutputLayer& polygons = out.layer("polygons", wkbMultiPolygon, {{"n", OFTInteger, ""}});
    out.layer("nothing", wkbPoint, {{"n", OFTInteger, ""}});
    for (std::int64_t i = 0; i < 6000; ++i) {   // 6,000 boxes: a tree three levels deep (51 to a node)
        const double x = coordinate(80000), y = coordinate(80000);
        if (i % 997 == 5) points.add({i}, nullptr);
        else if (i % 991 == 3) points.add({i}, geos.own(GEOSGeom_createEmptyPoint_r(geos.get())).get());
        else points.add({i}, geos.point(x, y).get());
        lines.add({i}, line_geometry(geos, {{x, y}, {x + coordinate(3000), y + coordinate(3000)}, {x + coordinate(3000), y}}).get());
        if (i % 3 == 0) polygons.add({i}, geos.circle(x, y, 10 + double(rng.next() % 2000), 8).get());
    }
    out.commit();
}

std::set<GIntBig> fids_in(const std::string& path, const std::string& layer, double x0, double y0, double x1, double y1) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    REQUIRE(l);
    l->SetSpatialFilterRect(x0, y0, x1, y1);
    std::set<GIntBig> fids;
    for (const auto& f : *l) fids.insert(f->GetFID());
    return fids;
}

}  // namespace

TEST_CASE("a GeoPackage's spatial index is packed with the entries, triggers and answers of GDAL's own", "[output][gpkg]") {
    TempDir dir;
    const std::string admin = write_admin(dir, 4326, box_wkt(125, 43, 126, 44));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"id", "name", "kind", "county"}, {{"POINT (125.5 43.5)", {"T", "甲镇", "镇", "1"}}});
    const Study study = load_study(config_from(dir.path(), admin + "[layers.towns]\nsource = \"towns.gpkg\"\n"));
    const std::string packed = dir.path("packed.gpkg"), grown = dir.path("grown.gpkg");
    write_sample(study, packed, {});
    write_sample(study, grown, {"SPATIAL_INDEX=YES"});   // given: GDAL's own index, grown feature by feature

    for (const std::string t : {"points", "lines", "polygons", "nothing"}) {
        INFO(t);
        const std::string rtree = "rtree_" + t + "_geom";
        CHECK(rows(packed, "SELECT rtreecheck('" + rtree + "')") == std::vector<std::string>{"ok"});
        const auto entries = rows(packed, "SELECT id, minx, maxx, miny, maxy FROM " + rtree + " ORDER BY id");
        CHECK(entries == rows(grown, "SELECT id, minx, maxx, miny, maxy FROM " + rtree + " ORDER BY id"));
        CHECK(entries.size() == rows(packed, "SELECT fid FROM \"" + t + "\"").size() - (t == "points" ? 14 : 0));   // no null or empty point
        const std::string triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree%' AND tbl_name = '" + t + "' ORDER BY name";
        CHECK(rows(packed, triggers).size() == 6);
        CHECK(rows(packed, triggers) == rows(grown, triggers));
        const std::string extension = "SELECT * FROM gpkg_extensions WHERE table_name = '" + t + "'";
        CHECK(rows(packed, extension) == rows(grown, extension));
    }
    CHECK(rows(packed, "SELECT depth FROM (SELECT rtreedepth(data) AS depth FROM rtree_lines_geom_node WHERE nodeno = 1)") == std::vector<std::string>{"2"});

    SECTION("GDAL's spatial filter finds the same features in both") {
        SplitMix64 rng(11);
        for (int q = 0; q < 40; ++q) {
            const double x = 125 + double(rng.next() % 1000) / 1000, y = 43 + double(rng.next() % 1000) / 1000, w = double(rng.next() % 300) / 1000;
            for (const std::string t : {"points", "lines", "polygons"}) CHECK(fids_in(packed, t, x, y, x + w, y + w) == fids_in(grown, t, x, y, x + w, y + w));
        }
        CHECK(!fids_in(packed, "lines", 125, 43, 126, 44).empty());
    }

    SECTION("the index follows edits made afterwards, through the triggers") {
        {
            GDALDatasetUniquePtr ds(GDALDataset::Open(packed.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
            REQUIRE(ds);
            OGRLayer* l = ds->GetLayerByName("lines");
            REQUIRE(l->DeleteFeature(10) == OGRERR_NONE);
            OGRFeature f(l->GetLayerDefn());
            OGRGeometry* g = nullptr;
            OGRGeometryFactory::createFromWkt("MULTILINESTRING ((125.1 43.1, 125.2 43.3))", nullptr, &g);
            f.SetGeometryDirectly(g);
            REQUIRE(l->CreateFeature(&f) == OGRERR_NONE);
        }
        CHECK(rows(packed, "SELECT rtreecheck('rtree_lines_geom')") == std::vector<std::string>{"ok"});
        CHECK(rows(packed, "SELECT count(*) FROM rtree_lines_geom WHERE id = 10") == std::vector<std::string>{"0"});
        CHECK(rows(packed, "SELECT count(*) FROM rtree_lines_geom WHERE id = 6001 AND minx <= 125.1 AND maxx >= 125.2 AND miny <= 43.1 AND maxy >= 43.3") ==
              std::vector<std::string>{"1"});
    }
}
