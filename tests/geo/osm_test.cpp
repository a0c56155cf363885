// OSM roads read as OSM users expect: tags from GDAL's other_tags, ways that are not roads left out,
// ferries only on request. Values checked against the OSM wiki's definitions, by hand.
#include "geo/error.h"
#include "geo/osm.h"
#include "geo/road_graph.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

TEST_CASE("HSTORE text of other_tags", "[osm]") {
    const auto tags = parse_hstore(R"("oneway"=>"yes","maxspeed"=>"30 mph","name:en"=>"Say \"hi\"","note"=>NULL)");
    CHECK(tags.at("oneway") == "yes");
    CHECK(tags.at("maxspeed") == "30 mph");
    CHECK(tags.at("name:en") == "Say \"hi\"");
    CHECK(tags.at("note").empty());
    CHECK(parse_hstore("").empty());
    CHECK(parse_hstore("not hstore").empty());
    CHECK(parse_hstore(R"("a"=>"1", "b"=>"2)").size() == 1);  // unterminated: what came before
}

TEST_CASE("maxspeed values", "[osm]") {
    CHECK(*parse_maxspeed_kmh("50") == 50);
    CHECK(*parse_maxspeed_kmh("50 km/h") == 50);
    CHECK(*parse_maxspeed_kmh("30 mph") == Approx(48.28032));
    CHECK(*parse_maxspeed_kmh("10 knots") == Approx(18.52));
    CHECK(*parse_maxspeed_kmh("CN:motorway") == 120);
    CHECK(*parse_maxspeed_kmh("CN:urban") == 50);
    CHECK(*parse_maxspeed_kmh("CN:rural") == 70);
    for (const char* none : {"none", "signals", "variable", "90;30", "DE:urban", "", "0", "-5", "walk"}) CHECK_FALSE(parse_maxspeed_kmh(none));
}

namespace {

// Eight ways along one line of 1 km each, east from (126E, 43.3N) in EPSG:4551 metres.
struct OsmMap {
    TempDir dir;
    Study study;
    RoadGraph graph;
    explicit OsmMap(const std::string& roads_extra = "", const std::string& network = "") {
        auto seg = [](int i) {
            return "LINESTRING (" + std::to_string(500000 + i * 1000) + " 4800000, " + std::to_string(501000 + i * 1000) + " 4800000)";
        };
        write_layer(dir.path("roads.gpkg"), "GPKG", "lines", 4551, {"osm_id", "highway", "railway", "other_tags"},
                    {{seg(0), {"w1", "primary", "", R"("maxspeed"=>"36","oneway"=>"yes")"}},
                     {seg(1), {"w2", "residential", "", R"("junction"=>"roundabout")"}},
                     {seg(2), {"w3", "", "rail", R"("electrified"=>"contact_line")"}},
                     {seg(3), {"w4", "", "", R"("route"=>"ferry")"}},
                     {seg(4), {"w5", "tertiary", "", R"("oneway"=>"reversible")"}},
                     {seg(5), {"w6", "tertiary", "", R"("maxspeed"=>"none","oneway"=>"-1")"}},
                     {seg(6), {"w7", "primary", "", R"("maxspeed"=>"20 mph")"}},
                     {seg(7), {"w8", "tertiary", "", ""}}});
        const std::string admin = write_admin(dir, 4551, box_wkt(499000, 4799000, 510000, 4801000));
        write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"},
                    {{"POINT (500000 4800000)", {"A", "甲镇", "镇", "1"}}});
        study = load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:4551\"\n" + admin +
                                                       "[layers.towns]\nsource = \"towns.gpkg\"\n[layers.roads]\nsource = \"roads.gpkg\"\n" +
                                                       roads_extra + network));
        graph = build_road_graph(study, network_options(study.config));
    }
    const Layer& roads() const { return *study.role("roads")[0]; }
    std::size_t problem(const std::string& kind) const {
        for (const Problem& p : roads().info.problems)
            if (p.kind == kind) return p.count;
        return 0;
    }
    // Seconds to drive piece k (the k-th kilometre) the way it allows; infinity when left out.
    double seconds(int k) const {
        Router r(graph);
        const Snap a = graph.snap(500000 + k * 1000 + 1, 4800000), b = graph.snap(500000 + k * 1000 + 999, 4800000);
        if (!a.ok || a.snap_m > 0.01) return kUnreachable;
        r.run_from(a);
        const double fwd = r.seconds_to(b);
        r.run_from(b);
        return std::min(fwd, r.seconds_to(a)) * 1000 / 998;
    }
};

}  // namespace

TEST_CASE("OSM ways: class from highway, one-way and speed from other_tags, non-roads left out and counted", "[osm]") {
    OsmMap m;
    // Bound without a [fields] table: class = highway, id = osm_id, oneway and speed_kmh from the tags.
    CHECK(m.roads().info.features_read == 8);
    CHECK(m.roads().info.features_kept == 7);   // the railway is not a road
    CHECK(m.problem("not_a_road") == 1);
    CHECK(m.problem("maxspeed_unknown") == 1);  // "none": the class speed
    CHECK(m.problem("reversible") == 1);
    CHECK(m.graph.report.ferries_left_out == 1);
    CHECK(m.graph.report.reversible_left_out == 1);
    CHECK(m.roads().features[0].id == "w1");
    CHECK(m.seconds(0) == Approx(100).epsilon(1e-4));             // maxspeed 36 km/h = 10 m/s
    CHECK(m.seconds(1) == Approx(1000 / (25 / 3.6)).epsilon(1e-4));  // residential
    CHECK(m.seconds(3) == kUnreachable);                          // ferry, out by default
    CHECK(m.seconds(4) == kUnreachable);                          // reversible
    CHECK(m.seconds(5) == Approx(1000 / (40 / 3.6)).epsilon(1e-4));  // tertiary at its class speed
    CHECK(m.seconds(6) == Approx(1000 / (20 * 1.609344 / 3.6)).epsilon(1e-4));

    // One-way: w1 east only (oneway=yes), w2 east only (roundabout), w6 west only (-1).
    Router r(m.graph);
    r.run_from(m.graph.snap(500500, 4800000));
    CHECK(r.seconds_to(m.graph.snap(501500, 4800000)) < kUnreachable);
    r.run_from(m.graph.snap(501500, 4800000));
    CHECK(r.seconds_to(m.graph.snap(500500, 4800000)) == kUnreachable);
    r.run_from(m.graph.snap(505500, 4800000));
    CHECK(r.seconds_to(m.graph.snap(506500, 4800000)) == kUnreachable);
}

TEST_CASE("OSM ways: which tags are honoured is a config key; ferries with a speed", "[osm]") {
    OsmMap m("osm_tags = [\"maxspeed\", \"route\"]\n", "[network.speeds]\nferry = 10\n");
    CHECK(m.seconds(3) == Approx(360).epsilon(1e-4));  // the ferry at 10 km/h
    CHECK(m.graph.report.ferries_left_out == 0);
    Router r(m.graph);  // oneway no longer read: w1 both ways
    r.run_from(m.graph.snap(501500, 4800000));
    CHECK(r.seconds_to(m.graph.snap(500500, 4800000)) < kUnreachable);

    TempDir dir;
    CHECK_THROWS_WITH(config_from(dir.path(), "[layers.roads]\nsource = \"r.gpkg\"\nosm_tags = [\"surface\"]\n"),
                      Contains("\"surface\", which is not a road tag townsite reads"));
    CHECK_THROWS_WITH(config_from(dir.path(), "[layers.towns]\nsource = \"t.gpkg\"\nosm_tags = []\n"), Contains("applies to roads only"));
}
