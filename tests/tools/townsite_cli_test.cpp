// The townsite command as a user runs it: exit codes, messages, JSON.
#include "analysis/access.h"
#include "analysis/columns.h"
#include "analysis/coverage.h"
#include "analysis/proximity.h"
#include "analysis/report.h"
#include "analysis/selection.h"
#include "analysis/services.h"
#include "sample_data/tiling.h"
#include "tests/bgl_baseline.h"
#include "tests/support.h"

#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>
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
#include <cctype>
#include <regex>
#include <set>
#include <sstream>
#include <sys/wait.h>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

Run run(const std::string& args) { return run_shell(std::string(TOWNSITE_BIN) + " " + args); }

// Every layer has its default QML style, every field written is one the registry declares for its
// layer with the registry's type, and QGIS shows the registry's label (GDAL 3.6 cannot store aliases
// in the GeoPackage itself, so they come with the styles). Family members labelled with config words
// (indicators, tiers, scenarios) are checked by name and type. Returns layer -> field -> alias.
std::map<std::string, std::map<std::string, std::string>> check_fields_registered(GDALDataset& ds, const std::vector<std::string>& layers) {
    OGRLayer* styles = ds.ExecuteSQL("SELECT f_table_name, styleQML, useAsDefault FROM layer_styles", nullptr, nullptr);
    REQUIRE(styles);
    std::map<std::string, std::map<std::string, std::string>> aliases;
    for (const auto& f : *styles) {
        const std::string qml = f->GetFieldAsString(1);
        CHECK_THAT(qml, Contains("<renderer-v2") && Contains("<aliases>"));
        const std::regex alias("<alias field=\"([^\"]+)\" index=\"[0-9]+\" name=\"([^\"]*)\"/>");
        for (auto m = std::sregex_iterator(qml.begin(), qml.end(), alias); m != std::sregex_iterator(); ++m)
            aliases[f->GetFieldAsString(0)][(*m)[1]] = (*m)[2];
        CHECK(f->GetFieldAsInteger(2) == 1);
    }
    ds.ReleaseResultSet(styles);
    for (const auto& name : layers) {
        REQUIRE(ds.GetLayerByName(name.c_str()));
        OGRFeatureDefn* defn = ds.GetLayerByName(name.c_str())->GetLayerDefn();
        std::set<std::string> fixed;
        for (const Column& c : layer_columns(name)) fixed.insert(c.name);
        for (int k = 0; k < defn->GetFieldCount(); ++k) {
            const std::string field = defn->GetFieldDefn(k)->GetNameRef();
            INFO(name << "." << field);
            const std::optional<Column> c = find_column(name, field);
            REQUIRE(c);
            CHECK((c->step != "input" || fixed.count(field) > 0));   // no field falls through to [layers.towns.extra_fields] on the sample
            const OGRFieldType expected = c->type == ColumnType::Text        ? OFTString
                                          : c->type == ColumnType::Real      ? OFTReal
                                          : c->type == ColumnType::Integer64 ? OFTInteger64
                                                                             : OFTInteger;
            CHECK(defn->GetFieldDefn(k)->GetType() == expected);
            const bool config_words = field.rfind("norm_", 0) == 0 || field.rfind("contrib_", 0) == 0 || field.rfind("p_", 0) == 0 ||
                                      field.rfind("n_", 0) == 0 || (name == "scenario_tiers" && field.rfind("tier_", 0) == 0);
            // Tables without geometry (review_totals) carry no style: QGIS shows their names.
            const bool styled = defn->GetGeomType() != wkbNone;
            if (!config_words && styled) CHECK(aliases[name][field] == c->label(Lang::zh));   // the default --lang
        }
    }
    return aliases;
}

// The roads of a generated province read back with GDAL alone: each road's end points, the
// pieces they join into (by shared end points, as townsite's graph joins them), the end points
// that no other road meets and no settlement is at, and each county's road density (roads whose
// middle point is inside it, per km² of its area on the WGS 84 ellipsoid).
struct RoadCensus {
    std::size_t roads = 0, towns = 0, rural_towns = 0, villages = 0, ends = 0, pieces = 0, largest_piece = 0, loose_ends = 0;   // pieces: of end points
    std::vector<double> county_density;   // roads per km², counties over 1,000 km²
};

RoadCensus road_census(const std::string& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    RoadCensus c;
    using Key = std::pair<long long, long long>;   // 1e-7 degrees
    auto key = [](double lon, double lat) { return Key{std::llround(lon * 1e7), std::llround(lat * 1e7)}; };
    std::set<Key> settlements;
    OGRSpatialReference wgs;
    wgs.SetWellKnownGeogCS("WGS84");
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    for (const char* layer : {"towns", "villages"}) {
        OGRLayer* l = ds->GetLayerByName(layer);
        std::unique_ptr<OGRCoordinateTransformation> to_wgs(OGRCreateCoordinateTransformation(l->GetSpatialRef(), &wgs));   // villages are CGCS2000
        for (const auto& f : *l) {
            OGRGeometry* g = f->GetGeometryRef();
            g->transform(to_wgs.get());
            settlements.insert(key(g->toPoint()->getX(), g->toPoint()->getY()));
            if (std::string(layer) == "villages") ++c.villages;
            else if (++c.towns; std::set<std::string>{"镇", "乡", "农场", "林场"}.count(f->GetFieldAsString("kind"))) ++c.rural_towns;
        }
    }
    std::map<Key, std::size_t> ends;   // end point -> roads meeting there
    std::map<Key, Key> parent;
    std::function<Key(Key)> find = [&](Key k) { return parent[k] == k ? k : parent[k] = find(parent[k]); };
    OGRLayer* roads = ds->GetLayerByName("roads");
    for (const auto& f : *roads) {
        const OGRLineString* l = f->GetGeometryRef()->toLineString();
        const Key a = key(l->getX(0), l->getY(0)), b = key(l->getX(l->getNumPoints() - 1), l->getY(l->getNumPoints() - 1));
        ++ends[a], ++ends[b], ++c.roads;
        parent.try_emplace(a, a), parent.try_emplace(b, b);
        parent[find(a)] = find(b);
    }
    std::map<Key, std::size_t> piece_size;
    for (const auto& [k, n] : ends) {
        ++piece_size[find(k)];
        if (n == 1 && !settlements.count(k)) ++c.loose_ends;
    }
    c.ends = ends.size();
    c.pieces = piece_size.size();
    for (const auto& [k, n] : piece_size) c.largest_piece = std::max(c.largest_piece, n);
    const GeographicLib::Geodesic& wgs84 = GeographicLib::Geodesic::WGS84();
    for (const auto& county : *ds->GetLayerByName("counties")) {
        double area_m2 = 0;
        const OGRMultiPolygon* mp = county->GetGeometryRef()->toMultiPolygon();
        for (const OGRPolygon* poly : *mp)
            for (int r = 0; r <= poly->getNumInteriorRings(); ++r) {
                const OGRLinearRing* ring = r == 0 ? poly->getExteriorRing() : poly->getInteriorRing(r - 1);
                GeographicLib::PolygonArea pa(wgs84);
                for (int i = 0; i + 1 < ring->getNumPoints(); ++i) pa.AddPoint(ring->getY(i), ring->getX(i));
                double perimeter = 0, area = 0;
                pa.Compute(false, true, perimeter, area);
                area_m2 += (r == 0 ? 1 : -1) * std::fabs(area);
            }
        if (area_m2 < 1000e6) continue;
        roads->SetSpatialFilter(county->GetGeometryRef());
        std::size_t inside = 0;
        for (const auto& f : *roads) {
            const OGRLineString* l = f->GetGeometryRef()->toLineString();
            OGRPoint mid((l->getX(0) + l->getX(l->getNumPoints() - 1)) / 2, (l->getY(0) + l->getY(l->getNumPoints() - 1)) / 2);
            inside += county->GetGeometryRef()->Contains(&mid);
        }
        roads->SetSpatialFilter(nullptr);
        c.county_density.push_back(inside / (area_m2 / 1e6));
    }
    std::sort(c.county_density.begin(), c.county_density.end());
    return c;
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
    CHECK(j["layers"].size() == 22);
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

TEST_CASE("command lines as GDAL users type them: one-dash long options, and mistakes named with what was meant", "[cli]") {
    TempDir dir;
    auto usage = [](const Run& r, const std::string& says) {
        INFO(r.out);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.out, Contains(says));
    };
    usage(run("rnu"), "there is no command \"rnu\" (did you mean \"run\"?)");
    // A global option's value before the command is not the command: --threads 1 run.
    for (const char* threads : {"--threads 1", "-threads 1", "--threads=1"}) {
        const Run r = run(std::string(threads) + " config --help");
        INFO(threads << "\n" << r.out);
        CHECK(r.exit_code == 0);
    }
    usage(run("--threads 1 rnu"), "there is no command \"rnu\" (did you mean \"run\"?)");
    usage(run("run --overwirte"), "there is no option \"--overwirte\" (did you mean \"--overwrite\"?)");
    // Misspelt with one dash it would be -o with the value "vrewrite", a folder of that name.
    usage(run("run -ovrewrite -o " + dir.path("x")), "there is no option \"-ovrewrite\" (did you mean \"--overwrite\"?)");
    CHECK_FALSE(std::filesystem::exists("vrewrite"));
    usage(run("select -f GPGK -o " + dir.path("s.gpkg")), "GDAL has no driver \"GPGK\" that writes vector data (did you mean \"GPKG\"?)");
    usage(run("select -f GPGK -o " + dir.path("s.gpkg")), "XLSX");   // the list of those that do
    usage(run("od --from towns --to county_seats --bogus"), "there is no option \"--bogus\" for townsite od");
    CHECK_FALSE(std::filesystem::exists(dir.path("s.gpkg")));
    // od writes a table: no -t_srs offered.
    const Run help = run("od --help");
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, !Contains("t_srs"));
    // -overwrite as ogr2ogr spells it replaces the output; -o keeps its value after a space.
    const std::string csv = dir.path("od.csv");
    REQUIRE(run("-q od --from towns --to county_seats -o " + csv).exit_code == 0);
    CHECK(run("-q od --from towns --to county_seats -o " + csv).exit_code == 1);   // exists: refused without it
    const Run again = run("-q od --from towns --to county_seats -o " + csv + " -overwrite");
    INFO(again.out);
    CHECK(again.exit_code == 0);
    CHECK_FALSE(std::filesystem::exists("verwrite"));
}

TEST_CASE("the sample generator writes the same bytes for the same seed", "[sample][slow]") {
    TempDir dir;
    const std::string gen = std::string(TOWNSITE_MAKE_SAMPLE_BIN) + " --sources " + TOWNSITE_SAMPLE_DIR + "/sources -o ";
    REQUIRE(std::system((gen + dir.path("a.gpkg") + " --later-year 2024=" + dir.path("a2024.gpkg") + " --later-year 2025=" + dir.path("a2025.gpkg") +
                         " > /dev/null").c_str()) == 0);
    REQUIRE(std::system((gen + dir.path("b.gpkg") + " > /dev/null").c_str()) == 0);
    const std::string a = slurp(dir.path("a.gpkg"));
    CHECK(a.size() > 1000000);
    CHECK(a == slurp(dir.path("b.gpkg")));
    SECTION("and the committed sample is what the generator writes") {
        CHECK(a == slurp(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg"));
        CHECK(slurp(dir.path("a2024.gpkg")) == slurp(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin_2024.gpkg"));
        CHECK(slurp(dir.path("a2025.gpkg")) == slurp(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin_2025.gpkg"));
    }
}

TEST_CASE("the sample's copies stay on the globe at any --scale, and up to x25 where they always were", "[sample]") {
    const LonLatBox jilin{121.6, 40.8, 131.4, 46.4};
    for (int n = 1; n <= 25; ++n) {   // up to 5 x 5: the grid the benchmarks were measured on
        const int cols = int(std::ceil(std::sqrt(double(n))));
        const auto tiles = sample::tile_offsets(n, jilin);
        REQUIRE(tiles.size() == std::size_t(n));
        for (int k = 0; k < n; ++k) CHECK((tiles[std::size_t(k)].dlon == 10.0 * (k % cols) && tiles[std::size_t(k)].dlat == 6.0 * (k / cols)));
    }
    for (int n : {26, 37, 100, 400}) {
        INFO(n << " copies");
        const auto tiles = sample::tile_offsets(n, jilin);
        std::set<std::pair<double, double>> places;
        double east = -1e9, west = 1e9, north = -1e9, south = 1e9;
        for (const auto& t : tiles) {
            places.insert({t.dlon, t.dlat});
            east = std::max(east, jilin.east + t.dlon), west = std::min(west, jilin.west + t.dlon);
            north = std::max(north, jilin.north + t.dlat), south = std::min(south, jilin.south + t.dlat);
        }
        CHECK(places.size() == std::size_t(n));   // no copy on another
        CHECK(east <= 180);
        CHECK(west >= -180);
        CHECK(north <= 84);
        CHECK(south >= -84);
        CHECK(east > 170);   // moved no farther than it had to
    }
    CHECK_THROWS_WITH(sample::tile_offsets(2000, jilin), Contains("2000 copies") && Contains("do not fit"));
}

TEST_CASE("the country-density sample (--density country) has a country's villages and roads per town, roads growing with area", "[sample][slow]") {
    TempDir dir;
    const std::string gen = std::string(TOWNSITE_MAKE_SAMPLE_BIN) + " --sources " + TOWNSITE_SAMPLE_DIR + "/sources -o ";
    REQUIRE(std::system((gen + dir.path("country.gpkg") + " --density country > /dev/null").c_str()) == 0);
    const RoadCensus sample = road_census(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg");
    const RoadCensus country = road_census(dir.path("country.gpkg"));
    // China: about 40,000 township-level units, 700,000 villages and 10 million road segments, so
    // per town about 17.5 villages and 250 road segments; per copy of the province (1,075 towns)
    // about 19,000 villages and 270,000 segments.
    CHECK(country.towns == sample.towns);
    CHECK(double(country.villages) / country.towns == Approx(17.5).epsilon(0.1));
    CHECK(double(country.roads) / country.towns == Approx(250).epsilon(0.1));
    CHECK(country.villages >= 10 * country.rural_towns);
    // Still one network and the one disconnected forest farm, with only the sample's 12 dead ends:
    // every other end of a road is at a settlement or meets another road.
    CHECK(sample.pieces == 2);
    CHECK(country.pieces == 2);
    CHECK(double(country.largest_piece) > 0.999 * double(country.ends));
    CHECK(sample.loose_ends == 12);
    CHECK(country.loose_ends == 12);
    // Roads grow with area: every large county has about the same number of roads per km² (a grid
    // 1.1 km apart: 1.35 to 1.85), where the sample's follow its towns and villages (they vary 15-fold).
    REQUIRE(country.county_density.size() > 30);
    INFO("roads per km², sample " << sample.county_density.front() << " to " << sample.county_density.back() << ", country "
                                  << country.county_density.front() << " to " << country.county_density.back());
    CHECK(country.county_density.front() > 1.2);
    CHECK(country.county_density.back() < 2);
    CHECK(sample.county_density.back() / sample.county_density.front() > 10);
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
    // The network's pieces cut by county: the main one in 60 counties and outside them, the forest farm's.
    CHECK(ds->GetLayerByName("road_components")->GetFeatureCount() == 62);
    {
        GDALDatasetUniquePtr sample(GDALDataset::Open((std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg").c_str(), GDAL_OF_VECTOR));
        std::map<std::string, std::unique_ptr<OGRGeometry>> county;
        for (auto& f : *sample->GetLayerByName("counties")) county[f->GetFieldAsString("code")].reset(f->GetGeometryRef()->clone());
        std::map<std::string, int> towns_in_county;
        for (auto& f : *sample->GetLayerByName("towns")) ++towns_in_county[f->GetFieldAsString("county")];
        std::map<int, double> km, whole_km;   // per component: its parts' length_km added up, its component_km
        int towns = 0, outside = 0;
        for (auto& f : *ds->GetLayerByName("road_components")) {
            const std::string c = f->GetFieldAsString("county");
            const OGRGeometry* lines = f->GetGeometryRef();
            km[f->GetFieldAsInteger("component")] += f->GetFieldAsDouble("length_km");
            whole_km[f->GetFieldAsInteger("component")] = f->GetFieldAsDouble("component_km");
            CHECK(f->GetFieldAsDouble("component_km") >= f->GetFieldAsDouble("length_km"));
            towns += f->GetFieldAsInteger("towns");
            if (c.empty()) {
                ++outside;
                continue;
            }
            INFO("county " << c);
            // Its roads lie in its county (each piece goes by its middle: a long one may cross the edge far).
            std::unique_ptr<OGRGeometry> inside(lines->Intersection(county.at(c).get()));
            CHECK(inside->toMultiLineString()->get_Length() >= 0.5 * lines->toMultiLineString()->get_Length());
            CHECK(f->GetFieldAsInteger("towns") <= towns_in_county.at(c));
        }
        CHECK(outside == 1);
        CHECK(towns == 1075 - 0);   // every town is on a road
        // nearest_city names the prefecture, as run's towns do.
        std::set<std::string> prefecture_names;
        for (auto& f : *sample->GetLayerByName("prefectures")) prefecture_names.insert(f->GetFieldAsString("name"));
        std::size_t named = 0;
        for (auto& f : *ds->GetLayerByName("towns")) named += prefecture_names.count(f->GetFieldAsString("nearest_city"));
        CHECK(named == 1074);   // all but the forest farm cut off from every seat
        // The parts add up to their whole piece, and the pieces to every road of the sample, measured
        // here on the WGS 84 ellipsoid with GeographicLib (27,345.275 km).
        double roads_m = 0;
        for (auto& f : *sample->GetLayerByName("roads")) {
            const OGRLineString* line = f->GetGeometryRef()->toLineString();
            for (int k = 1; k < line->getNumPoints(); ++k) {
                double m = 0;
                GeographicLib::Geodesic::WGS84().Inverse(line->getY(k - 1), line->getX(k - 1), line->getY(k), line->getX(k), m);
                roads_m += m;
            }
        }
        double all_km = 0;
        for (const auto& [c, sum] : km) {
            CHECK(sum == Approx(whole_km.at(c)).epsilon(1e-9));
            all_km += sum;
        }
        CHECK(km.size() == 2);
        CHECK(all_km * 1000 == Approx(roads_m).epsilon(1e-9));
    }
    CHECK(ds->GetLayerByName("road_dead_ends")->GetFeatureCount() == 12);
    CHECK(ds->GetLayerByName("towns_without_seat_route")->GetFeatureCount() == 1);
    CHECK(ds->GetLayerByName("towns")->GetLayerDefn()->GetFieldIndex("county_seat_min") >= 0);
    CHECK(ds->GetLayerByName("towns")->GetLayerDefn()->GetFieldIndex("pop_30min") >= 0);
    // One name per quantity: the towns of access and of run both say nearest_city_km.
    CHECK(ds->GetLayerByName("towns")->GetLayerDefn()->GetFieldIndex("nearest_city_km") >= 0);
    CHECK(ds->GetLayerByName("towns")->GetLayerDefn()->GetFieldIndex("nearest_prefecture_km") < 0);
    check_fields_registered(*ds, {"towns", "villages", "isochrones", "road_dead_ends", "road_components", "towns_without_seat_route"});
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
    bgl::BglGraph reversed = bgl::to_bgl(g, true);
    std::map<std::string, std::vector<double>> to_seat;
    std::map<std::string, Snap> seat_snap, town_snap;
    for (const Seat& s : admin_seats(study, "counties")) {
        seat_snap[s.id] = g.snap(s.x, s.y);
        std::vector<std::pair<std::uint32_t, double>> seeds;
        for (const auto& leg : seat_snap[s.id].legs(g, false)) seeds.emplace_back(leg.node, leg.seconds);
        to_seat[s.id] = bgl::bgl_seconds(reversed, seeds);
    }
    for (const Feature& f : study.role("towns").front()->features) {
        double x = 0, y = 0;
        GEOSGeomGetX_r(study.geos->get(), f.geom.get(), &x);
        GEOSGeomGetY_r(study.geos->get(), f.geom.get(), &y);
        town_snap[f.id] = g.snap(x, y);
    }
    auto best_seconds = [&](const std::string& from, const std::string& to) {
        const Snap& t = town_snap.at(from);
        const Snap& s = seat_snap.at(to);
        double best = std::numeric_limits<double>::max();
        for (const auto& leg : t.legs(g, true)) best = std::min(best, leg.seconds + to_seat.at(to)[leg.node]);
        if (t.piece == s.piece) {
            const RoadPiece& p = g.pieces[t.piece];
            best = std::min(best, t.offroad_s + s.offroad_s + std::fabs(t.offset_m - s.offset_m) * p.seconds / p.length_m);
        }
        return best;
    };
    GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayer(0);
    CHECK(l->GetFeatureCount() == 1075 * 60);
    std::size_t checked = 0, empty = 0, mismatched = 0;
    for (auto& row : *l) {
        const std::string from = row->GetFieldAsString("from_id"), to = row->GetFieldAsString("to_id");
        const double best = best_seconds(from, to);
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
    std::size_t not_connected = 0;
    for (auto& row : *l) not_connected += std::string(row->GetFieldAsString("unreachable")) == "not_connected";
    CHECK(not_connected == 60);

    // With a cut-off, bounded searches: exactly the pairs Boost.Graph finds within 40 minutes.
    const std::string within = dir.path("within.csv");
    const Run r = run("od --from towns --to county_seats --max-minutes 40 -o " + within);
    REQUIRE(r.exit_code == 0);
    std::set<std::string> want;
    for (const auto& [town, snap] : town_snap)
        for (const auto& [seat, seat_snap_] : seat_snap)
            if (best_seconds(town, seat) <= 40 * 60) want.insert(town + ">" + seat);
    CHECK(want.size() > 1000);
    CHECK(want.size() < 1075 * 60 / 4);
    CHECK_THAT(r.out, Contains("Wrote " + std::to_string(want.size()) + " pairs within 40 minutes (of 64500;"));
    GDALDatasetUniquePtr bounded(GDALDataset::Open(within.c_str(), GDAL_OF_VECTOR));
    REQUIRE(bounded);
    std::size_t found = 0;
    mismatched = 0;
    for (auto& row : *bounded->GetLayer(0)) {
        const std::string from = row->GetFieldAsString("from_id"), to = row->GetFieldAsString("to_id");
        found += want.count(from + ">" + to);
        if (std::fabs(row->GetFieldAsDouble("minutes") - best_seconds(from, to) / 60) > 1e-6 * 40) ++mismatched;
    }
    CHECK(found == want.size());
    CHECK(bounded->GetLayer(0)->GetFeatureCount() == GIntBig(want.size()));
    CHECK(mismatched == 0);
}

TEST_CASE("townsite od says why a pair is unreachable", "[cli][od]") {
    //  A(0,0) ---- B(1000,0) ---> C(2000,0)        E(5000,0) ---- F(6000,0)        Z(0,8000): far from every road
    TempDir dir;
    const std::string admin = write_admin(dir, 4551, box_wkt(499000, 4790000, 508000, 4810000));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"},
                {{"POINT (500000 4800000)", {"A", "甲镇", "镇", "1"}}, {"POINT (502000 4800000)", {"C", "丙镇", "镇", "1"}},
                 {"POINT (505000 4800000)", {"E", "戊镇", "镇", "1"}}, {"POINT (500000 4808000)", {"Z", "子镇", "镇", "1"}}});
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"id", "class", "oneway"},
                {{"LINESTRING (500000 4800000, 501000 4800000)", {"AB", "县道", ""}},
                 {"LINESTRING (501000 4800000, 502000 4800000)", {"BC", "县道", "yes"}},
                 {"LINESTRING (505000 4800000, 506000 4800000)", {"EF", "县道", ""}}});
    const std::string cfg = dir.write("study.toml", "[study]\ncrs = \"EPSG:4551\"\n" + admin +
                                                        "[layers.towns]\nsource = \"towns.gpkg\"\n[layers.roads]\nsource = \"roads.gpkg\"\n"
                                                        "[network]\nmax_snap_m = 1000\n");
    const Run r = run("od " + cfg + " --from towns --to towns -o " + dir.path("od.csv"));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("Road graph: 3 road features"));
    CHECK_THAT(r.out, Contains("16 pairs (12 unreachable: 3 destination_off_road, 4 not_connected, 1 one_way, 4 origin_off_road;"));
    std::map<std::string, std::string> why;
    GDALDatasetUniquePtr ds(GDALDataset::Open(dir.path("od.csv").c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    for (auto& row : *ds->GetLayer(0))
        why[std::string(row->GetFieldAsString("from_id")) + ">" + row->GetFieldAsString("to_id")] = row->GetFieldAsString("unreachable");
    CHECK(why["A>C"].empty());
    CHECK(why["C>A"] == "one_way");
    CHECK(why["A>E"] == "not_connected");
    CHECK(why["Z>A"] == "origin_off_road");
    CHECK(why["A>Z"] == "destination_off_road");
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
    check_fields_registered(*ds, {"towns", "villages", "coverage_gaps", "network_extensions"});
    // The towns are shared out over the threads: on one thread, the same bytes (at the same date:
    // coverage, unlike run, dates the GeoPackage's tables).
    const std::string two = dir.path("coverage_two_threads.gpkg"), one = dir.path("coverage_one_thread.gpkg");
    setenv("OGR_CURRENT_DATE", "2000-01-01T00:00:00Z", 1);
    const int two_exit = run("coverage -q --threads 2 -o " + two).exit_code, one_exit = run("coverage -q --threads 1 -o " + one).exit_code;
    unsetenv("OGR_CURRENT_DATE");
    REQUIRE(two_exit == 0);
    REQUIRE(one_exit == 0);
    CHECK(slurp(one) == slurp(two));
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

namespace {

// Every value of every feature of a layer as text, in FID order: to compare two runs.
std::vector<std::string> layer_rows(const std::string& path, const std::string& layer) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    REQUIRE(l);
    std::vector<std::string> rows;
    for (const auto& f : *l) {
        std::string row;
        for (int i = 0; i < f->GetFieldCount(); ++i) row += std::string(f->GetFieldAsString(i)) + "|";
        if (const OGRGeometry* g = f->GetGeometryRef()) row += g->exportToWkt();
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

TEST_CASE("townsite select on the sample meets the policy's quotas, explains every town and reports stability", "[cli][select][slow]") {
    TempDir dir;
    const std::string out = dir.path("select.gpkg");
    const Run r = run("select -o " + out + " --sensitivity 20 --seed 3");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("AHP: lambda_max") && Contains("CR 0.0"));
    // 铁西区 (四平) has no designated town: the sample config reports it instead of stopping.
    CHECK_THAT(r.out, Contains("shortfall: tier county, 铁西区: needs 1, can have 0 (no eligible town), short by 1"));
    CHECK_THAT(r.out, Contains("Sensitivity (20 runs, uniform +-20 %, seed 3)"));
    CHECK_THAT(r.out, Contains("Scenario industry_first:") && Contains("Scenario no_bonus:"));

    GDALDatasetUniquePtr ds(GDALDataset::Open(out.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* towns = ds->GetLayerByName("towns");
    REQUIRE(towns);
    CHECK(towns->GetFeatureCount() == 1075);
    for (const char* field : {"in_metro", "metro_km", "metro_core_min", "city_surroundings", "border_km", "border_county",
                              "key_assistance_county", "node_town", "contrib_industry", "score", "rank_province", "rank_prefecture",
                              "rank_county", "town_type_zh", "tier", "reason_zh", "reason_en", "p_provincial", "stability"})
        CHECK(towns->GetLayerDefn()->GetFieldIndex(field) >= 0);
    std::map<std::string, std::map<std::string, int>> per_prefecture;   // tier -> prefecture -> towns
    std::map<std::string, int> total, county_tier;
    std::set<std::string> counties_with_towns;
    for (const auto& f : *towns) {
        CHECK(std::string(f->GetFieldAsString("reason_zh")).size() > 10);
        CHECK(std::string(f->GetFieldAsString("reason_en")).size() > 10);
        if (std::string(f->GetFieldAsString("kind")) == "镇") counties_with_towns.insert(f->GetFieldAsString("county_name"));
        if (!f->IsFieldSetAndNotNull(f->GetFieldIndex("tier"))) continue;
        const std::string tier = f->GetFieldAsString("tier");
        CHECK(std::string(f->GetFieldAsString("kind")) == "镇");
        ++per_prefecture[tier][f->GetFieldAsString("prefecture_name")];
        ++total[tier];
        if (tier == "county") ++county_tier[f->GetFieldAsString("county_name")];
        const double p = f->GetFieldAsDouble(("p_" + tier).c_str());   // the share of runs at its own tier
        CHECK(p >= 0);
        CHECK(p <= 1);
    }
    CHECK(total["provincial"] == 30);
    CHECK(total["municipal"] >= 40);
    CHECK(total["county"] >= 50);
    REQUIRE(per_prefecture["provincial"].size() == 9);
    REQUIRE(per_prefecture["municipal"].size() == 9);
    for (const auto& [name, n] : per_prefecture["provincial"]) CHECK(n >= 2);
    for (const auto& [name, n] : per_prefecture["municipal"]) CHECK(n >= 2);
    // Every county-level unit with a designated town left has its county-level town.
    CHECK(counties_with_towns.size() == 59);
    CHECK(county_tier.size() == 59);
    CHECK(counties_with_towns.count("铁西区") == 0);
    CHECK(ds->GetLayerByName("demo_towns")->GetFeatureCount() == total["provincial"] + total["municipal"] + total["county"]);
    CHECK(ds->GetLayerByName("scenario_tiers") != nullptr);

    // Every eligible town whose tier is not its tier by score names the limit that put it there. Two
    // the issue found: 镇赉镇 is 白城's second provincial town below the best 30 eligible scores; 寿山镇,
    // the only 镇 of 龙山区, is among the best 30 but kept for the county tier.
    std::vector<double> eligible_scores;
    std::map<std::string, int> eligible_in_county;
    std::map<std::string, std::map<std::string, std::string>> town;   // name -> field -> value
    for (const auto& f : *towns) {
        if (!f->GetFieldAsInteger("eligible")) continue;
        eligible_scores.push_back(f->GetFieldAsDouble("score"));
        ++eligible_in_county[f->GetFieldAsString("county_name")];
        const std::string tier = f->GetFieldAsString("tier"), by_score = f->GetFieldAsString("tier_by_score"), limit = f->GetFieldAsString("tier_limit");
        INFO(f->GetFieldAsString("name") << ": " << f->GetFieldAsString("reason_zh"));
        CHECK(limit.empty() == (tier == by_score));
        auto& row = town[f->GetFieldAsString("name")];
        for (const char* field : {"county_name", "prefecture_name", "score", "tier", "tier_by_score", "tier_limit", "reason_zh"})
            row[field] = f->GetFieldAsString(field);
    }
    std::sort(eligible_scores.rbegin(), eligible_scores.rend());
    const double thirtieth = eligible_scores.at(29);
    auto& zhenlai = town["镇赉镇"];
    CHECK(std::stod(zhenlai["score"]) < thirtieth);
    CHECK(per_prefecture["provincial"]["白城市"] == 2);
    CHECK(zhenlai["tier"] == "provincial");
    CHECK(zhenlai["tier_by_score"] != "provincial");
    CHECK(zhenlai["tier_limit"] == "白城市至少2个省级示范镇");
    CHECK_THAT(zhenlai["reason_zh"], Contains("为满足白城市至少2个省级示范镇的要求入选"));
    auto& shoushan = town["寿山镇"];
    CHECK(shoushan["county_name"] == "龙山区");
    CHECK(eligible_in_county["龙山区"] == 1);
    CHECK(std::stod(shoushan["score"]) >= thirtieth);
    CHECK(shoushan["tier"] == "county");
    CHECK(shoushan["tier_by_score"] == "provincial");
    CHECK(shoushan["tier_limit"] == "龙山区至少1个县级示范镇");
    CHECK_THAT(shoushan["reason_zh"], Contains("须留作满足龙山区至少1个县级示范镇的要求（龙山区参评镇共1个"));
    // Provincial towns below the best town left out (not held by a limit) are counted as placed by limits.
    CHECK_THAT(r.out, Contains("provincial (省级): 30 towns") && Contains("placed by unit limits"));

    SECTION("the same config gives the same selection, reasons and stability") {
        const std::string again = dir.path("again.gpkg");
        REQUIRE(run("-q select -o " + again + " --sensitivity 20 --seed 3").exit_code == 0);
        CHECK(layer_rows(out, "towns") == layer_rows(again, "towns"));
        CHECK(layer_rows(out, "demo_towns") == layer_rows(again, "demo_towns"));
    }
}

TEST_CASE("townsite score lists the weights and writes every town's score", "[cli][score][slow]") {
    TempDir dir;
    const Run r = run("score -o " + dir.path("score.csv") + " --top 3");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    // The sample's AHP matrix (sample_data/jilin.toml, in the order of its indicators), worked here:
    // the principal eigenvector by power iteration, lambda_max = mean of (A w)_i / w_i, CI = (lambda_max
    // - n) / (n - 1), CR = CI / RI with Saaty's RI = 1.24 for n = 6.
    const double A[6][6] = {{1, 2, 1, 3, 3, 2},           {1. / 2, 1, 1. / 2, 1, 1, 1. / 2}, {1, 2, 1, 2, 2, 1},
                            {1. / 3, 1, 1. / 2, 1, 1, 1. / 2}, {1. / 3, 1, 1. / 2, 1, 1, 1. / 2}, {1. / 2, 2, 1, 2, 2, 1}};
    std::array<double, 6> w{1, 1, 1, 1, 1, 1};
    for (int it = 0; it < 500; ++it) {
        std::array<double, 6> next{};
        double sum = 0;
        for (int i = 0; i < 6; ++i) {
            for (int j = 0; j < 6; ++j) next[i] += A[i][j] * w[j];
            sum += next[i];
        }
        for (int i = 0; i < 6; ++i) w[i] = next[i] / sum;
    }
    double lambda = 0;
    for (int i = 0; i < 6; ++i) {
        double aw = 0;
        for (int j = 0; j < 6; ++j) aw += A[i][j] * w[j];
        lambda += aw / w[i] / 6;
    }
    const double ci = (lambda - 6) / 5, cr = ci / 1.24;
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, std::regex("Weights \\(AHP\\): industry ([0-9.]+), land ([0-9.]+), population ([0-9.]+), location "
                                                   "([0-9.]+), roads ([0-9.]+), driving ([0-9.]+)")));
    for (int i = 0; i < 6; ++i) CHECK(std::stod(m[i + 1]) == Approx(w[i]).margin(0.0005));
    REQUIRE(std::regex_search(r.out, m, std::regex("AHP: lambda_max ([0-9.]+), CI ([0-9.]+), RI ([0-9.]+), CR ([0-9.]+)")));
    CHECK(std::stod(m[1]) == Approx(lambda).margin(0.0005));
    CHECK(std::stod(m[2]) == Approx(ci).margin(0.00005));
    CHECK(std::stod(m[3]) == Approx(1.24));
    CHECK(std::stod(m[4]) == Approx(cr).margin(0.0005));
    CHECK_THAT(r.out, Contains("Best 3 of 1075 towns:"));
    CHECK_THAT(slurp(dir.path("score.csv")), Contains("rank_province"));
}

TEST_CASE("quotas that cannot be met stop select with the unit, the tier and how many are missing", "[cli][select][errors]") {
    TempDir dir;
    std::string cfg = slurp(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.toml");
    const std::string from = "on_shortfall = \"report\"";
    REQUIRE(cfg.find(from) != std::string::npos);
    cfg.replace(cfg.find(from), from.size(), "on_shortfall = \"error\"");
    const std::string sample = std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg";
    for (std::size_t at; (at = cfg.find("\"jilin.gpkg\"")) != std::string::npos;) cfg.replace(at, 12, "\"" + sample + "\"");
    const std::string path = dir.write("strict.toml", cfg);
    const Run r = run("-q select " + path + " -o " + dir.path("s.gpkg"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains("strict.toml") && Contains("tier county-level (县级), 铁西区: needs 1, can have 0 (no eligible town), short by 1") &&
                          Contains("Fix:"));
}

namespace {

// The runs of three or more English words in an HTML page's text (tags, styles and `name`, the
// study's own name, left out): what a Chinese page must not have.
std::vector<std::string> english_runs(std::string html, const std::string& name) {
    // By hand, not std::regex: libstdc++'s matcher recurses once per character and overflows the
    // stack on a report's length (under ASan).
    std::string text;
    for (std::size_t at = 0; at < html.size();) {
        if (html.compare(at, 6, "<style") == 0) {
            const std::size_t end = html.find("</style>", at);
            at = end == std::string::npos ? html.size() : end + 8;
        } else if (html[at] == '<') {
            const std::size_t end = html.find('>', at);
            at = end == std::string::npos ? html.size() : end + 1;
            text += '\n';
        } else if (!name.empty() && html.compare(at, name.size(), name) == 0) {
            at += name.size();
            text += ' ';
        } else {
            text += html[at++];
        }
    }
    // Words of letters (with ' and -), three letters or more for the first; runs of three or more joined by single spaces.
    auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
    std::vector<std::string> runs;
    for (std::size_t at = 0; at < text.size();) {
        if (!letter(text[at]) || (at > 0 && (letter(text[at - 1]) || text[at - 1] == '\'' || text[at - 1] == '-'))) {
            ++at;
            continue;
        }
        std::size_t end = at, words = 0, first_len = 0;
        while (true) {
            std::size_t w = end;
            while (w < text.size() && (letter(text[w]) || text[w] == '\'' || text[w] == '-')) ++w;
            if (w == end || !letter(text[end])) break;
            if (words == 0) first_len = w - end;
            ++words;
            end = w;
            if (end + 1 < text.size() && text[end] == ' ' && letter(text[end + 1])) ++end;
            else break;
        }
        if (words >= 3 && first_len >= 3) runs.push_back(text.substr(at, end - at));
        at = std::max(end, at + 1);
    }
    return runs;
}

// towns.xlsx as a planner opens it: the sheets in order, one Chinese header row (label and unit),
// frozen, with an autofilter; statuses in Chinese; numbers rounded to what they mean, checked
// against the GeoPackage's unrounded values; the demonstration towns in the layer's order.
void check_workbook(const std::string& outdir) {
    GDALDatasetUniquePtr xlsx(GDALDataset::Open((outdir + "/towns.xlsx").c_str(), GDAL_OF_VECTOR));
    REQUIRE(xlsx);
    std::vector<std::string> sheets;
    for (int i = 0; i < xlsx->GetLayerCount(); ++i) sheets.push_back(xlsx->GetLayer(i)->GetName());
    CHECK(sheets == std::vector<std::string>{"示范镇", "全部乡镇", "县(市、区)", "市(州)", "项目清单", "字段说明"});
    GDALDatasetUniquePtr gpkg(GDALDataset::Open((outdir + "/townsite.gpkg").c_str(), GDAL_OF_VECTOR));
    REQUIRE(gpkg);
    OGRLayer* all = xlsx->GetLayerByName("全部乡镇");
    REQUIRE(all);
    CHECK(all->GetFeatureCount() == 1075);
    CHECK(xlsx->GetLayerByName("项目清单")->GetFeatureCount() == gpkg->GetLayerByName("works")->GetFeatureCount());
    const std::string minutes = column("towns", "county_seat_min").zh + "（分钟）", km = column("towns", "county_seat_km").zh + "（km）";
    const std::string status = column("towns", "{utility}_status", fill_of("{utility}", "water")).zh;
    REQUIRE(all->GetLayerDefn()->GetFieldIndex(minutes.c_str()) >= 0);
    REQUIRE(all->GetLayerDefn()->GetFieldIndex(status.c_str()) >= 0);
    std::map<std::string, std::pair<double, double>> exact;   // id -> county_seat_min, county_seat_km
    std::map<std::string, std::string> water;
    for (const auto& f : *gpkg->GetLayerByName("towns")) {
        exact[f->GetFieldAsString("id")] = {f->GetFieldAsDouble("county_seat_min"), f->GetFieldAsDouble("county_seat_km")};
        water[f->GetFieldAsString("id")] = f->GetFieldAsString("water_status");
    }
    const std::map<std::string, std::string> zh = {{"served", "已覆盖"}, {"partial", "部分覆盖"}, {"none", "未覆盖"}, {"no data", "无数据"}};
    int checked = 0;
    for (const auto& f : *all) {
        const std::string id = f->GetFieldAsString(column("towns", "id").zh.c_str());
        INFO(id);
        REQUIRE(exact.count(id));
        const int m = f->GetFieldIndex(minutes.c_str()), k = f->GetFieldIndex(km.c_str());
        if (f->IsFieldSetAndNotNull(m)) {
            CHECK(f->GetFieldAsDouble(m) == Approx(std::round(exact[id].first * 10) / 10).margin(1e-9));
            CHECK(f->GetFieldAsDouble(k) == Approx(std::round(exact[id].second * 100) / 100).margin(1e-9));
            ++checked;
        }
        CHECK(f->GetFieldAsString(status.c_str()) == zh.at(water[id]));
    }
    CHECK(checked > 1000);
    std::vector<std::string> demo_xlsx, demo_gpkg;
    for (const auto& f : *xlsx->GetLayerByName("示范镇")) demo_xlsx.push_back(f->GetFieldAsString(0));
    for (const auto& f : *gpkg->GetLayerByName("demo_towns")) demo_gpkg.push_back(f->GetFieldAsString("id"));
    CHECK(demo_xlsx == demo_gpkg);
    // The sheet's own XML: the header frozen, an autofilter, column widths, the header bold.
    auto part = [&](const std::string& name) {
        VSILFILE* fp = VSIFOpenL(("/vsizip/" + outdir + "/towns.xlsx/" + name).c_str(), "rb");
        REQUIRE(fp);
        std::string text;
        char buf[65536];
        for (std::size_t n; (n = VSIFReadL(buf, 1, sizeof buf, fp)) > 0;) text.append(buf, n);
        VSIFCloseL(fp);
        return text;
    };
    const std::string sheet = part("xl/worksheets/sheet2.xml");
    CHECK_THAT(sheet, Contains("ySplit=\"1\"") && Contains("state=\"frozen\"") && Contains("<autoFilter ref=\"A1:") && Contains("customWidth=\"1\""));
    CHECK_THAT(part("xl/styles.xml"), Contains("<b/>"));
    // Every column of every sheet is described.
    int described = 0;
    for (const auto& f : *xlsx->GetLayerByName("字段说明")) described += std::string(f->GetFieldAsString(2)) == "county_seat_min";
    CHECK(described == 1);
}

}  // namespace

TEST_CASE("townsite run writes the styled GeoPackage, the QGIS project, the report, the tables and the manifest", "[cli][run][slow]") {
    // Catch2 enters a test case once for each of its sections: the run they all start from is made
    // on the first entry only (each section leaves the folder's outputs as equal as it found them;
    // the three repeated runs were half this test's time: 135 -> 68 s under the sanitizers).
    static const TempDir dir;
    const std::string outdir = dir.path("out");
    static const Run r = run("run -o " + outdir + " --sensitivity 10");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("Open " + outdir + "/townsite.qgs in QGIS"));
    const std::string study_name = "吉林省示范镇遴选样例 (Jilin sample province)";   // the sample's [study] name: a name, in both languages
    const std::string gpkg = outdir + "/townsite.gpkg";
    GDALDatasetUniquePtr ds(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    const std::map<std::string, long> counts = {{"towns", 1075}, {"villages", 4608}, {"isochrones", 27}, {"road_dead_ends", 12},
                                                {"road_components", 62}, {"roads", 5861}, {"prefectures", 9}, {"counties", 60},
                                                {"demo_towns", 30 + 40 + 59}};
    const std::vector<std::string> layers = {"demo_towns", "towns", "scenario_tiers", "coverage_gaps", "network_extensions", "works", "villages",
                                             "isochrones", "road_dead_ends", "dead_end_links", "road_components", "roads", "counties", "prefectures"};
    for (const auto& name : layers) {
        OGRLayer* l = ds->GetLayerByName(name.c_str());
        INFO(name);
        REQUIRE(l);
        if (counts.count(name)) CHECK(l->GetFeatureCount() == counts.at(name));
        CHECK(l->GetFeatureCount() > 0);
        REQUIRE(l->GetSpatialRef());
        CHECK(std::string(l->GetSpatialRef()->GetAuthorityCode(nullptr)) == "4326");
    }
    // The works list's totals are the layers' own: the demonstration towns' extension km and missing places.
    {
        std::set<std::string> demo;
        for (const auto& f : *ds->GetLayerByName("demo_towns")) demo.insert(f->GetFieldAsString("id"));
        double extension_km = 0, places = 0, works_km = 0, works_places = 0;
        for (const auto& f : *ds->GetLayerByName("network_extensions"))
            if (demo.count(f->GetFieldAsString("town_id"))) extension_km += f->GetFieldAsDouble("length_km");
        for (const auto& f : *ds->GetLayerByName("towns"))
            if (demo.count(f->GetFieldAsString("id")))
                for (const char* kind : {"elderly_care", "childcare", "clinic"})
                    places += f->GetFieldAsDouble((std::string(kind) + "_places_missing").c_str());
        for (const auto& f : *ds->GetLayerByName("works")) {
            CHECK(demo.count(f->GetFieldAsString("town_id")) == 1);
            const std::string work = f->GetFieldAsString("work");
            if (work == "network_extension") works_km += f->GetFieldAsDouble("quantity");
            if (work == "service_places") works_places += f->GetFieldAsDouble("quantity");
        }
        CHECK(extension_km > 100);
        CHECK(works_km == Approx(extension_km).epsilon(1e-9));
        CHECK(places > 100);
        CHECK(works_places == Approx(places).epsilon(1e-9));
    }
    // One page per demonstration town (一镇一档), linked from the report: printable, no scripts, its
    // reason, and on its map one dashed line per extension of the town.
    {
        const std::string report = slurp(outdir + "/report.html");
        CHECK_THAT(report, Contains(">镇数<") && Contains("text-anchor=\"end\">0</text>"));   // the histogram's y axis and its ticks
        std::map<std::string, int> extensions;
        for (const auto& f : *ds->GetLayerByName("network_extensions")) ++extensions[f->GetFieldAsString("town_id")];
        int pages = 0;
        for (const auto& f : *ds->GetLayerByName("demo_towns")) {
            const std::string id = f->GetFieldAsString("id"), file = "towns/" + id + ".html";
            INFO(file);
            REQUIRE(std::filesystem::exists(outdir + "/" + file));
            CHECK_THAT(report, Contains("<a href=\"" + file + "\">"));
            const std::string html = slurp(outdir + "/" + file);
            CHECK_THAT(html, Contains(f->GetFieldAsString("name")) && Contains("@page{size:A4") && Contains(">项目清单<") &&
                                 Contains(">公共服务<") && Contains(html_escape(f->GetFieldAsString("reason_zh"))));
            CHECK(english_runs(html, study_name).empty());
            CHECK(html.find("<script") == std::string::npos);
            std::size_t dashed = 0;
            const std::string extension_dash = "stroke-dasharray=\"5,3\"";   // (urban development boundaries are dashed 4,2)
            for (std::size_t at = html.find(extension_dash); at != std::string::npos; at = html.find(extension_dash, at + 1)) ++dashed;
            CHECK(dashed == std::size_t(extensions[id]));
            ++pages;
        }
        CHECK(pages == 30 + 40 + 59);
    }
    // A style for every layer, as QGIS reads them: the default style of the table, QML.
    const auto aliases = check_fields_registered(*ds, layers);
    CHECK(aliases.at("towns").at("score") == "综合得分 (分)");
    for (const auto& name : layers) CHECK(aliases.count(name) == 1);
    CHECK_THAT(slurp(outdir + "/townsite.gpkg").substr(0, 16), Contains("SQLite format 3"));
    // Units carry their summaries; aliases are there in Chinese and English.
    OGRLayer* prefectures = ds->GetLayerByName("prefectures");
    int provincial = 0;
    for (const auto& f : *prefectures) {
        CHECK(f->GetFieldAsInteger("n_provincial") >= 2);
        provincial += f->GetFieldAsInteger("n_provincial");
    }
    CHECK(provincial == 30);

    const std::string qgs = slurp(outdir + "/townsite.qgs");
    CHECK_THAT(qgs, Contains("./townsite.gpkg|layername=demo_towns") && Contains("<Absolute type=\"bool\">false</Absolute>") &&
                        Contains("layer-tree-group name=\"决策\"") && Contains("layer-tree-group name=\"道路问题\""));
    const std::string html = slurp(outdir + "/report.html");
    CHECK_THAT(html, Contains("1 研究与参数") && Contains("2 数据质量") && Contains("<svg") && Contains("CR 0.0") && Contains("铁西区") &&
                         Contains("10 情景比较") && Contains("产业优先"));
    // In Chinese (the default), no English sentence: nothing but names, field names and units.
    CHECK(english_runs(html, study_name).empty());
    // Print CSS, a map per prefecture (9), one gap symbol per town, the road problems county by county, a table per county.
    CHECK_THAT(html, Contains("@page{size:A4") && Contains("break-before:page") && Contains("图3.9 ") && !Contains("图3.10 ") &&
                         Contains("每镇一个符号") && Contains("7 道路问题") && Contains("各县(市、区)") &&
                         Contains("未接入主路网的路网片"));
    {
        std::size_t county_rows = 0;
        const auto at = html.find("各县(市、区)</h3>");
        const auto end = html.find("</table>", at);
        for (auto p = html.find("<tr>", at); p != std::string::npos && p < end; p = html.find("<tr>", p + 1)) ++county_rows;
        CHECK(county_rows == 1 + 60);   // the header and the sample's 60 counties
    }
    CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));   // no resource from the network, only the SVG namespace
    CHECK(html.find("<script") == std::string::npos);
    CHECK_THAT(slurp(outdir + "/towns.csv"), Contains("reason_zh"));
    check_workbook(outdir);
    const auto manifest = nlohmann::json::parse(slurp(outdir + "/manifest.json"));
    CHECK(manifest["versions"]["gdal"].get<std::string>().size() > 0);
    CHECK(manifest["counts"]["selected"]["provincial"] == 30);
    CHECK(manifest["inputs"][0]["files"][0]["sha256"].get<std::string>().size() == 64);
    CHECK_THAT(manifest["config"]["text"].get<std::string>(), Contains("[selection]"));
    // Every declared option with the value used: the sample's own [access] thresholds and the defaults it leaves.
    const std::string options = manifest["config"]["options"].get<std::string>();
    CHECK_THAT(options, Contains("[access]") && Contains("thresholds_min = [ 15, 30, 60 ]") && Contains("[coverage.garbage]") &&
                            Contains("plant_radius_m = 3000") && Contains("[proximity]") && Contains("heritage_radius_km =") &&
                            Contains("[[scoring.indicators]]") && Contains("[[selection.tiers]]") && Contains("[[town_types]]"));

    SECTION("the same inputs give the same outputs, on one thread as on every core, apart from the manifest's times") {
        // On one thread the roads are read in turn with their writing, towns.xlsx is written after the
        // report, not beside the layers, and the town pages one after another.
        const std::string again = dir.path("again");
        REQUIRE(run("-q --threads 1 run -o " + again + " --sensitivity 10").exit_code == 0);
        std::vector<std::string> files = {"townsite.gpkg", "townsite.qgs", "report.html", "towns.csv", "towns.xlsx"};
        std::size_t pages = 0;
        for (const auto& e : std::filesystem::directory_iterator(outdir + "/towns")) files.push_back("towns/" + e.path().filename().string()), ++pages;
        CHECK(pages > 100);
        for (const std::string& f : files) {
            INFO(f);
            CHECK(slurp(outdir + "/" + f) == slurp(again + "/" + f));
        }
        auto m2 = nlohmann::json::parse(slurp(again + "/manifest.json"));
        auto m1 = manifest;
        for (auto* m : {&m1, &m2}) m->erase("created"), m->erase("steps");
        CHECK(m1 == m2);
    }
    SECTION("a run killed half-way leaves the previous outputs as they were, and the next run tidies up") {
        const std::string cmd = std::string(TOWNSITE_BIN) + " -q run --overwrite -o " + outdir + " --sensitivity 10 > /dev/null 2>&1 & pid=$!; "
                                "sleep 1.5; kill -9 $pid; wait $pid 2> /dev/null; true";
        REQUIRE(std::system(cmd.c_str()) == 0);
        CHECK(slurp(outdir + "/report.html") == html);
        bool leftover = false;
        for (const auto& e : std::filesystem::directory_iterator(dir.path()))
            leftover = leftover || e.path().filename().string().rfind(".out.tmp-", 0) == 0;
        CHECK(leftover);   // killed outright: nothing could clean up ...
        REQUIRE(run("-q run --overwrite -o " + outdir + " --sensitivity 10").exit_code == 0);
        leftover = false;
        for (const auto& e : std::filesystem::directory_iterator(dir.path()))
            leftover = leftover || e.path().filename().string().rfind(".out.", 0) == 0;
        CHECK_FALSE(leftover);   // ... until the next run
        CHECK(slurp(outdir + "/report.html") == html);
    }
    SECTION("a run cancelled half-way (SIGTERM, as Ctrl-C) stops with 130, tidies up and leaves the previous outputs") {
        // SIGINT stays ignored in a background job of a non-interactive shell, so the test sends
        // SIGTERM, which townsite handles the same way.
        const std::string cmd = std::string(TOWNSITE_BIN) + " run --overwrite -o " + outdir + " --sensitivity 10 > /dev/null 2> " +
                                dir.path("cancel.err") + " & pid=$!; sleep 1.5; kill -TERM $pid; wait $pid; echo $? > " + dir.path("cancel.rc");
        REQUIRE(std::system(cmd.c_str()) == 0);
        CHECK(slurp(dir.path("cancel.rc")) == "130\n");
        CHECK_THAT(slurp(dir.path("cancel.err")), Contains("townsite: cancelled: nothing was written"));
        CHECK(slurp(outdir + "/report.html") == html);
        bool leftover = false;
        for (const auto& e : std::filesystem::directory_iterator(dir.path()))
            leftover = leftover || e.path().filename().string().rfind(".out.", 0) == 0;
        CHECK_FALSE(leftover);   // the temporary folder and the lock are gone
    }
    SECTION("an existing folder is kept unless --overwrite; an input folder is refused") {
        const Run again = run("-q run -o " + outdir);
        CHECK(again.exit_code == 1);
        CHECK_THAT(again.out, Contains("exists already") && Contains("--overwrite"));
        CHECK(slurp(outdir + "/report.html") == html);
        const Run input = run("-q run --overwrite -o " + std::string(TOWNSITE_SAMPLE_DIR));
        CHECK(input.exit_code == 1);
        CHECK_THAT(input.out, Contains("holds one of the study's inputs"));
    }
}

TEST_CASE("the README lists every field townsite writes, as `townsite fields --markdown` prints them", "[cli][fields]") {
    const std::string readme = slurp(std::string(TOWNSITE_SAMPLE_DIR) + "/../README.md");
    const std::string tables = columns_markdown();
    INFO("README.md's section \"Fields\" is out of date: paste the output of `townsite fields --markdown` between its markers");
    CHECK(readme.find(tables) != std::string::npos);
    const Run r = run("fields --markdown");
    CHECK(r.exit_code == 0);
    CHECK(r.out == tables);
    for (std::string_view layer : column_layers())
        for (const Column& c : layer_columns(layer)) CHECK(readme.find("| `" + c.name + "` |") != std::string::npos);
    const Run one = run("fields villages");
    CHECK(one.exit_code == 0);
    CHECK_THAT(one.out, Contains("own_town_min") && Contains("至所属镇 to its own town (min)"));
    const Run typo = run("fields vilages");
    CHECK(typo.exit_code == 1);
    CHECK_THAT(typo.out, Contains("did you mean \"villages\"") && Contains("Fix:"));
}

TEST_CASE("townsite config lists every declared option with its default, range and unit", "[cli][config]") {
    const Run r = run("config");
    REQUIRE(r.exit_code == 0);
    const std::vector<const OptionTable*> sections = {&network_option_table(), &access_option_table(),  &coverage_option_table(),
                                                      &proximity_option_table(), &land_option_table(), &service_option_table(), &scoring_option_table(),
                                                      &selection_option_table()};
    for (const OptionTable* s : sections) {
        CHECK_THAT(r.out, Contains("[" + s->name() + "]"));
        for (const OptionInfo& o : s->describe_defaults()) CHECK_THAT(r.out, Contains("  " + o.key + " = "));
    }
    CHECK_THAT(r.out, Contains("[[town_types]]") && Contains("  when = ") && Contains("  tiers[].min_per_type = {}") &&
                          Contains("  indicators[].direction = \"higher\""));
    CHECK_THAT(r.out, Contains("isochrone_buffer_m = 200") && Contains("(number, 1 to 5000, m)"));
    CHECK_THAT(r.out, Contains("  <kind>.max_min = (none)"));   // [services.<kind>]: no defaults
    INFO("README.md's list of options is out of date: paste the output of `townsite config` between its markers");
    CHECK(slurp(std::string(TOWNSITE_SAMPLE_DIR) + "/../README.md").find("```text\n" + r.out + "```") != std::string::npos);
    const Run one = run("config proximity");
    CHECK(one.exit_code == 0);
    CHECK(one.out.find("[access]") == std::string::npos);
    const Run typo = run("config acess");
    CHECK(typo.exit_code == 1);
    CHECK_THAT(typo.out, Contains("did you mean \"access\"") && Contains("Fix:"));
}

TEST_CASE("townsite run --lang en writes every text a person reads in English, --lang both in both", "[cli][run][slow]") {
    TempDir dir;
    const std::string en = dir.path("en");
    const Run r = run("run -o " + en + " --sensitivity 0 --lang en");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    // The report and the town pages: English headings and sentences, none of the Chinese ones.
    const std::string report = slurp(en + "/report.html");
    CHECK_THAT(report, Contains("<html lang=\"en\">") && Contains("1 Study and parameters") && Contains("2 Data quality") &&
                           Contains("7 Road problems") && Contains("10 Scenarios") && Contains("industry first") && Contains("one symbol per town"));
    for (const char* zh : {"研究与参数", "数据质量", "示范镇名单", "道路问题", "情景比较", "产业优先", "每镇一个符号", "已覆盖", "未覆盖"})
        CHECK(report.find(zh) == std::string::npos);
    // The check the Chinese pages pass finds the English sentences here (it can fail).
    CHECK(english_runs(report, "").size() > 100);
    CHECK(english_runs("<p>Study and <b>x</b> parameters of it</p>", "") == std::vector<std::string>{"parameters of it"});
    GDALDatasetUniquePtr ds(GDALDataset::Open((en + "/townsite.gpkg").c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    const std::string first = (*ds->GetLayerByName("demo_towns")->begin())->GetFieldAsString("id");
    const std::string page = slurp(en + "/towns/" + first + ".html");
    CHECK_THAT(page, Contains("Score and reason") && Contains(">Works<") && Contains(">Utilities<"));
    CHECK(page.find("得分与理由") == std::string::npos);
    // The GeoPackage's aliases (in its layer styles, as QGIS reads them) and the QGIS project's groups and legend.
    std::string towns_style;
    if (OGRLayer* styles = ds->ExecuteSQL("SELECT styleQML FROM layer_styles WHERE f_table_name = 'towns'", nullptr, nullptr)) {
        for (const auto& f : *styles) towns_style = f->GetFieldAsString(0);
        ds->ReleaseResultSet(styles);
    }
    CHECK_THAT(towns_style, Contains("field=\"score\" index=") && Contains("name=\"score (points)\"") && Contains("name=\"to the county seat (min)\""));
    const std::string qgs = slurp(en + "/townsite.qgs");
    CHECK_THAT(qgs, Contains("layer-tree-group name=\"decision\"") && Contains("title=\"Legend\"") && Contains("Layout name=\"province\""));
    CHECK(qgs.find("决策") == std::string::npos);
    // The workbook: English sheets, headers and statuses; the Chinese twins of English columns left out.
    GDALDatasetUniquePtr xlsx(GDALDataset::Open((en + "/towns.xlsx").c_str(), GDAL_OF_VECTOR));
    REQUIRE(xlsx);
    CHECK(std::string(xlsx->GetLayer(0)->GetName()) == "demonstration towns");
    OGRLayer* all = xlsx->GetLayerByName("all towns");
    REQUIRE(all);
    CHECK(all->GetLayerDefn()->GetFieldIndex("to the county seat (min)") >= 0);
    std::set<std::string> statuses;
    for (const auto& f : *all) statuses.insert(f->GetFieldAsString("water status"));
    CHECK(statuses == std::set<std::string>{"served", "partial", "none"});
    OGRFeatureDefn* demo = xlsx->GetLayerByName("demonstration towns")->GetLayerDefn();
    CHECK(demo->GetFieldIndex("reason (English)") >= 0);
    CHECK(demo->GetFieldIndex("理由") < 0);
    // Both: the Chinese and then the English, as the deliverables were before --lang.
    const std::string both = dir.path("both");
    REQUIRE(run("run -o " + both + " --sensitivity 0 --lang both").exit_code == 0);
    CHECK_THAT(slurp(both + "/report.html"), Contains("1 研究与参数 Study and parameters") && Contains("2 数据质量 Data quality"));
    // A language townsite does not write is a usage error.
    const Run fr = run("run -o " + dir.path("fr") + " --lang fr");
    CHECK(fr.exit_code == 2);
    CHECK_THAT(fr.out, Contains("--lang") && Contains("zh"));
}

TEST_CASE("townsite run in GeoJSON and Shapefile: every layer, feature and field reads back as in the GeoPackage", "[cli][run][slow]") {
    TempDir dir;
    REQUIRE(run("-q run -o " + dir.path("gpkg") + " --sensitivity 0").exit_code == 0);
    for (const auto& [format, ext] : {std::pair<std::string, std::string>{"GeoJSON", "geojson"}, {"\"ESRI Shapefile\"", "shp"}}) {
        const Run r = run("-q run -o " + dir.path(ext) + " -f " + format + " --sensitivity 0");
        INFO(r.out);
        REQUIRE(r.exit_code == 0);
        check_same_as_gpkg(dir.path("gpkg") + "/townsite.gpkg", [&](const std::string& name, bool table) {
            const std::string base = dir.path(ext) + "/" + name;
            CHECK_THAT(slurp(base + ".qml"), Contains("<renderer-v2"));
            ReadBack rb;
            rb.ds.reset(GDALDataset::Open((base + "." + (table && ext == "shp" ? "dbf" : ext)).c_str(), GDAL_OF_VECTOR));
            if (ext != "shp") return rb;
            // DBF: names cut to 10 characters (x.fields.csv says which), no null text, 254 bytes of text.
            CHECK(slurp(base + ".cpg") == "UTF-8");
            std::istringstream mapping(slurp(base + ".fields.csv"));
            std::string line;
            while (std::getline(mapping, line))
                if (const auto comma = line.find(','); comma != std::string::npos && line.rfind("\xEF\xBB\xBF", 0) != 0)
                    rb.renamed[line.substr(comma + 1, line.find(',', comma + 1) - comma - 1)] = line.substr(0, comma);
            rb.dbf = true;
            return rb;
        });
        CHECK_THAT(slurp(dir.path(ext) + "/townsite.qgs"), Contains("./demo_towns." + ext));
        // Nothing left behind: no hidden temporary files.
        for (const auto& e : std::filesystem::directory_iterator(dir.path(ext))) CHECK(e.path().filename().string()[0] != '.');
    }
}

namespace {

// The length (km) of the network of `layer` in `gpkg` within `width_m` of `ext` (a lon/lat line),
// less what lies within 5 m of `base_layer`'s network there, worked with OGR in an azimuthal
// equidistant projection centred on the extension: independent of townsite's GEOS and CRS code.
double built_in_corridor(const OGRGeometry& ext, GDALDataset& year, GDALDataset& base, const std::string& layer, double width_m) {
    OGREnvelope env;
    ext.getEnvelope(&env);
    OGRSpatialReference wgs, local;
    wgs.SetWellKnownGeogCS("WGS84");
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    local.SetAE((env.MinY + env.MaxY) / 2, (env.MinX + env.MaxX) / 2, 0, 0);
    local.SetWellKnownGeogCS("WGS84");
    local.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &local));
    std::unique_ptr<OGRGeometry> e(ext.clone());
    e->transform(ct.get());
    std::unique_ptr<OGRGeometry> corridor(e->Buffer(width_m, 8));
    OGREnvelope corridor_env;
    corridor->getEnvelope(&corridor_env);
    auto inside = [&](GDALDataset& ds) {
        OGRLayer* l = ds.GetLayerByName(layer.c_str());
        std::unique_ptr<OGRGeometry> acc;
        if (!l) return acc;
        l->SetSpatialFilterRect(env.MinX - 0.001, env.MinY - 0.001, env.MaxX + 0.001, env.MaxY + 0.001);   // 0.001° > 50 m here
        for (auto& f : *l) {
            std::unique_ptr<OGRGeometry> g(f->GetGeometryRef()->clone());
            g->assignSpatialReference(&wgs);
            g->transform(ct.get());
            OGREnvelope ge;
            g->getEnvelope(&ge);
            if (!ge.Intersects(corridor_env)) continue;   // cheap: most lines near the box miss the corridor
            std::unique_ptr<OGRGeometry> piece(g->Intersection(corridor.get()));
            if (!piece || piece->IsEmpty()) continue;
            acc.reset(acc ? acc->Union(piece.get()) : piece.release());
        }
        l->SetSpatialFilter(nullptr);
        return acc;
    };
    std::unique_ptr<OGRGeometry> now = inside(year), before = inside(base);
    if (!now) return 0;
    if (before) {
        std::unique_ptr<OGRGeometry> zone(before->Buffer(5.0, 4));
        now.reset(now->Difference(zone.get()));
    }
    double m = 0;
    if (auto* ml = dynamic_cast<OGRMultiLineString*>(now.get())) m = ml->get_Length();
    else if (auto* ls = dynamic_cast<OGRLineString*>(now.get())) m = ls->get_Length();
    else if (auto* gc = dynamic_cast<OGRGeometryCollection*>(now.get()))
        for (int i = 0; i < gc->getNumGeometries(); ++i)
            if (auto* part = dynamic_cast<OGRLineString*>(gc->getGeometryRef(i))) m += part->get_Length();
    return m / 1000.0;
}

}  // namespace

TEST_CASE("townsite review follows the 2022 designated towns through 2024 and 2025, figures recomputed from the yearly layers",
          "[cli][review][slow]") {
    TempDir dir;
    const std::string sample = TOWNSITE_SAMPLE_DIR;
    const std::string y2022 = dir.path("y2022"), y2024 = dir.path("y2024"), y2025 = dir.path("y2025"), out = dir.path("review");
    REQUIRE(run("-q run -o " + y2022 + " --sensitivity 0").exit_code == 0);
    REQUIRE(run("-q run " + sample + "/jilin_2024.toml -o " + y2024 + " --sensitivity 0").exit_code == 0);
    REQUIRE(run("-q run " + sample + "/jilin_2025.toml -o " + y2025 + " --sensitivity 0").exit_code == 0);
    const Run r = run("review " + y2022 + " " + y2024 + " " + y2025 + " -o " + out);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);

    auto open = [](const std::string& path) {
        GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
        REQUIRE(ds);
        return ds;
    };
    // The designated towns of 2022 and their tiers; each year's towns layer as read by GDAL.
    using Row = std::map<std::string, std::string>;
    auto rows = [](GDALDataset& ds, const char* layer) {
        std::map<std::string, Row> by_id;
        for (auto& f : *ds.GetLayerByName(layer)) {
            Row row;
            for (int i = 0; i < f->GetFieldCount(); ++i) row[f->GetFieldDefnRef(i)->GetNameRef()] = f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "";
            by_id[row.count("id") ? row["id"] : std::to_string(f->GetFID())] = row;
        }
        return by_id;
    };
    auto g2022 = open(y2022 + "/townsite.gpkg");
    const auto base = rows(*g2022, "towns");
    std::map<std::string, std::string> tier_of;
    for (const auto& [id, row] : base)
        if (!row.at("tier").empty()) tier_of[id] = row.at("tier");
    REQUIRE(tier_of.size() == 129);

    // The review's totals, by (level, code, year).
    auto grv = open(out + "/review.gpkg");
    check_fields_registered(*grv, {"review_towns", "review_totals", "built_extensions"});
    CHECK(grv->GetLayerByName("review_towns")->GetFeatureCount() == 2 * 129);
    std::map<std::tuple<std::string, std::string, std::string>, OGRFeatureUniquePtr> totals;
    for (auto& f : *grv->GetLayerByName("review_totals"))
        totals[{f->GetFieldAsString("level"), f->GetFieldAsString("code"), f->GetFieldAsString("year")}] = OGRFeatureUniquePtr(f->Clone());

    // The base works and extensions, and the input networks of each year.
    std::vector<std::tuple<std::string, std::string, std::string, double>> works;   // town, work, what, quantity
    for (auto& f : *g2022->GetLayerByName("works"))
        works.emplace_back(f->GetFieldAsString("town_id"), f->GetFieldAsString("work"), f->GetFieldAsString("what"), f->GetFieldAsDouble("quantity"));
    auto in2022 = open(sample + "/jilin.gpkg");
    const std::vector<std::string> utilities = {"water", "gas", "heating", "sewage", "garbage"};
    for (const std::string year : {"2024", "2025"}) {
        INFO(year);
        auto gy = open(dir.path("y" + year) + "/townsite.gpkg");
        const auto now = rows(*gy, "towns");
        std::set<std::string> dead_ends;
        for (auto& f : *gy->GetLayerByName("road_dead_ends")) dead_ends.insert(f->GetFieldAsString("road_id"));
        // Gaps closed and opened per tier, and standards newly met, from the two towns layers.
        std::map<std::string, int> closed, opened;
        int newly_met = 0;
        for (const auto& [id, tier] : tier_of) {
            for (const auto& u : utilities) {
                const std::string a = base.at(id).at(u + "_status"), b = now.at(id).at(u + "_status");
                closed[tier] += (a == "partial" || a == "none") && b == "served";
                opened[tier] += a == "served" && (b == "partial" || b == "none");
            }
            for (const auto& [field, value] : base.at(id))
                if (field.size() > 4 && (field.ends_with("_time_met") || field.ends_with("_places_met")))
                    newly_met += value == "0" && now.at(id).at(field) == "1";
        }
        int closed_all = 0;
        for (const char* tier : {"provincial", "municipal", "county"}) {
            INFO(tier);
            const auto& t = totals.at({"tier", tier, year});
            CHECK(t->GetFieldAsInteger("gaps_closed") == closed[tier]);
            CHECK(t->GetFieldAsInteger("gaps_opened") == opened[tier]);
            closed_all += closed[tier];
        }
        CHECK(closed_all > 10);
        const auto& all = totals.at({"province", "", year});
        CHECK(all->GetFieldAsInteger("standards_newly_met") == newly_met);
        CHECK(newly_met > 0);
        // Network built inside 50 m of each proposed extension, with OGR; and the works done.
        auto in_year = open(sample + "/jilin_" + year + ".gpkg");
        std::map<std::pair<std::string, std::string>, double> built;
        double built_km = 0, proposed_km = 0;
        for (auto& f : *g2022->GetLayerByName("network_extensions")) {
            const std::string town = f->GetFieldAsString("town_id"), u = f->GetFieldAsString("utility");
            if (!tier_of.count(town)) continue;
            const double proposed = f->GetFieldAsDouble("length_km");
            const double b = std::min(proposed, built_in_corridor(*f->GetGeometryRef(), *in_year, *in2022, u + "_pipes", 50.0));
            built[{town, u}] += b;
            built_km += b, proposed_km += proposed;
        }
        CHECK(built_km > 10);
        CHECK(all->GetFieldAsDouble("extension_km") == Approx(proposed_km).epsilon(1e-9));
        CHECK(all->GetFieldAsDouble("extension_built_km") == Approx(built_km).epsilon(0.005));
        double share_sum = 0;
        for (const auto& [town, work, what, quantity] : works) {
            double share = 0;
            if (work == "network_extension") share = std::clamp(built[{town, what}] / quantity, 0.0, 1.0);
            if (work == "dead_end_link") share = dead_ends.count(what) ? 0 : 1;
            if (work == "service_places") {
                const std::string m = now.at(town).at(what + "_places_missing");
                share = std::clamp((quantity - (m.empty() ? 0.0 : std::stod(m))) / quantity, 0.0, 1.0);
            }
            share_sum += share;
        }
        CHECK(all->GetFieldAsInteger("works") == int(works.size()));
        CHECK(all->GetFieldAsDouble("works_done_pct") == Approx(100.0 * share_sum / double(works.size())).epsilon(0.01));
    }
    // The trend: 2025 has done more than 2024.
    CHECK(totals.at({"province", "", "2025"})->GetFieldAsDouble("works_done_pct") > totals.at({"province", "", "2024"})->GetFieldAsDouble("works_done_pct"));
    const std::string html = slurp(out + "/review.html");
    CHECK_THAT(html, Contains("示范镇年度评估") && Contains("2022") && Contains("2024") && Contains("2025") && Contains("@page"));
    std::size_t charts = 0;
    for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) ++charts;
    CHECK(charts == 3);   // one per tier
    CHECK_THAT(r.out, Contains("2025 provincial (30 towns)"));

    // (Blocks, not SECTIONs: Catch2 would run the three runs again for each section.)
    {   // a network file changed since its run is refused, not measured
        const std::string copy = dir.path("y2025b");
        std::filesystem::copy(y2025, copy, std::filesystem::copy_options::recursive);
        std::string manifest = slurp(copy + "/manifest.json");
        const std::string file = "jilin_2025.gpkg\",\n          \"sha256\": \"";
        int replaced = 0;
        for (auto at = manifest.find(file); at != std::string::npos; at = manifest.find(file, at + 1), ++replaced)
            manifest.replace(at + file.size(), 64, std::string(64, '0'));
        REQUIRE(replaced > 0);
        std::ofstream(copy + "/manifest.json") << manifest;
        const Run bad = run("-q review " + y2022 + " " + copy + " -o " + dir.path("bad"));
        CHECK(bad.exit_code == 1);
        CHECK_THAT(bad.out, Contains("jilin_2025.gpkg") && Contains("changed") && Contains("Fix:"));
        CHECK_FALSE(std::filesystem::exists(dir.path("bad")));
    }
    {   // runs out of year order, or a folder that is not a run, are refused with a fix
        const Run order = run("-q review " + y2025 + " " + y2022 + " -o " + dir.path("x"));
        CHECK(order.exit_code == 1);
        CHECK_THAT(order.out, Contains("year order"));
        const Run notrun = run("-q review " + y2022 + " " + sample + " -o " + dir.path("x"));
        CHECK(notrun.exit_code == 1);
        CHECK_THAT(notrun.out, Contains("not a folder written by `townsite run`") && Contains("Fix:"));
    }
}

TEST_CASE("townsite compare on the sample's two years shows the gaps the 2025 networks closed", "[cli][compare][slow]") {
    TempDir dir;
    const std::string y2022 = dir.path("y2022"), y2025 = dir.path("y2025"), cmp = dir.path("cmp");
    REQUIRE(run("-q run -o " + y2022 + " --sensitivity 0").exit_code == 0);
    REQUIRE(run("-q run " + std::string(TOWNSITE_SAMPLE_DIR) + "/jilin_2025.toml -o " + y2025 + " --sensitivity 0").exit_code == 0);
    const Run r = run("compare " + y2022 + " " + y2025 + " -o " + cmp);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    // Independently: towns with a water gap in 2022 (partial or none) that are served in 2025, by SQL on the two runs.
    auto statuses = [](const std::string& gpkg) {
        std::map<std::string, std::string> out;
        GDALDatasetUniquePtr ds(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR));
        REQUIRE(ds);
        for (const auto& f : *ds->GetLayerByName("towns")) out[f->GetFieldAsString("id")] = f->GetFieldAsString("water_status");
        return out;
    };
    const auto before = statuses(y2022 + "/townsite.gpkg"), after = statuses(y2025 + "/townsite.gpkg");
    int closed = 0;
    for (const auto& [id, s] : before)
        if ((s == "partial" || s == "none") && after.at(id) == "served") ++closed;
    CHECK(closed > 10);
    CHECK_THAT(r.out, Contains("water: gaps closed " + std::to_string(closed) + ", opened 0"));
    GDALDatasetUniquePtr ds(GDALDataset::Open((cmp + "/compare.gpkg").c_str(), GDAL_OF_VECTOR));
    REQUIRE(ds);
    OGRLayer* changes = ds->GetLayerByName("town_changes");
    REQUIRE(changes);
    CHECK(changes->GetFeatureCount() == 1075);
    check_fields_registered(*ds, {"town_changes"});
    int closed_in_layer = 0;
    for (const auto& f : *changes) closed_in_layer += std::string(f->GetFieldAsString("water_change")) == "closed";
    CHECK(closed_in_layer == closed);
    CHECK_THAT(slurp(cmp + "/compare.html"), Contains("年度对比") && Contains("消除"));
    {   // a folder that is not a run is refused with a fix (a block: a SECTION would redo both runs)
        const Run bad = run("-q compare " + std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg " + y2025 + " -o " + dir.path("x"));
        CHECK(bad.exit_code == 1);
        CHECK_THAT(bad.out, Contains("jilin.gpkg") && Contains("no field") && Contains("Fix:"));
    }
}
