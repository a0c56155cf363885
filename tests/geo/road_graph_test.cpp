// Routing on tiny drawn maps whose answers a reader checks by eye. Coordinates are metres in
// CGCS2000 / 3-degree Gauss-Kruger CM 126E (EPSG:4551) near its central meridian, where the scale
// factor is 1 to within 1e-6, so plane lengths are ellipsoidal lengths to a millimetre per km.
#include "geo/error.h"
#include "geo/road_graph.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

constexpr double X0 = 500000, Y0 = 4800000;

std::string pt(double x, double y) { return std::to_string(X0 + x) + " " + std::to_string(Y0 + y); }
std::string line(std::initializer_list<std::pair<double, double>> pts) {
    std::string s = "LINESTRING (";
    bool first = true;
    for (auto [x, y] : pts) s += (first ? "" : ", ") + pt(x, y), first = false;
    return s + ")";
}

//   A(0,0) ---- slow ---- B(1000,0) ---- slow ---- C(2000,0)          E(5000,0) -- F(6000,0)
//                            |                 G(1500,500)
//                            | fast, one-way       |  fast, crosses A-C without a shared vertex
//                            v B -> D          H(1500,-500)
//                          D(1000,-1000)
// slow = 36 km/h = 10 m/s, fast = 72 km/h = 20 m/s; off-road 5 km/h.
//
// The study around it: admin units covering the map, one town at A, the roads in roads.gpkg.
std::string small_study(const TempDir& dir, const std::string& network) {
    const std::string admin = write_admin(dir, 4551, box_wkt(X0 - 1000, Y0 - 2000, X0 + 7000, Y0 + 2000));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4551, {"id", "name", "kind", "county"},
                {{"POINT (" + pt(0, 0) + ")", {"A", "甲镇", "镇", "1"}}});
    return "[study]\ncrs = \"EPSG:4551\"\n" + admin + "[layers.towns]\nsource = \"towns.gpkg\"\n[layers.roads]\nsource = \"roads.gpkg\"\n" +
           network + "[network.speeds]\nslow = 36\nfast = 72\n";
}

struct Map {
    TempDir dir;
    Study study;
    RoadGraph graph;
    explicit Map(bool crossings, const std::string& extra_network = "") {
        write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"id", "class", "oneway"},
                    {{line({{0, 0}, {1000, 0}, {2000, 0}}), {"AC", "slow", ""}},
                     {line({{1000, 0}, {1000, -1000}}), {"BD", "fast", "FT"}},
                     {line({{5000, 0}, {6000, 0}}), {"EF", "slow", ""}},
                     {line({{1500, 500}, {1500, -500}}), {"GH", "fast", ""}}});
        study = load_study(config_from(dir.path(), small_study(dir, "[network]\noffroad_speed_kmh = 5\nnode_crossings = " +
                                                                        std::string(crossings ? "true" : "false") + "\n" + extra_network)));
        graph = build_road_graph(study, network_options(study.config));
    }
    Snap at(double x, double y) const { return graph.snap(X0 + x, Y0 + y); }
};

}  // namespace

TEST_CASE("lines join at shared vertices and travel at their class speed", "[road_graph]") {
    Map m(false);
    // Nodes: A, B (shared), C, D, E, F, G, H.
    CHECK(m.graph.report.nodes == 8);
    CHECK(m.graph.report.pieces == 5);  // A-B, B-C, B-D, E-F, G-H
    Router r(m.graph);
    r.run_from(m.at(0, 0));
    CHECK(r.seconds_to(m.at(2000, 0)) == Approx(200).epsilon(1e-5));    // 2 km at 10 m/s
    CHECK(r.to(m.at(2000, 0)).metres == Approx(2000).epsilon(1e-5));
    CHECK(r.seconds_to(m.at(1000, -1000)) == Approx(150).epsilon(1e-5)); // 100 s + 1 km at 20 m/s
}

TEST_CASE("one-way roads are driven one way only", "[road_graph]") {
    Map m(false);
    Router r(m.graph);
    r.run_from(m.at(1000, -1000));  // from D, against the one-way
    CHECK(r.seconds_to(m.at(0, 0)) == kUnreachable);
    r.run_to(m.at(1000, -1000));    // who can reach D: A in 150 s
    CHECK(r.seconds_from(m.at(0, 0)) == Approx(150).epsilon(1e-5));
}

TEST_CASE("a point beside a road is snapped to the nearest point of the segment, splitting it", "[road_graph]") {
    Map m(false);
    const Snap p = m.at(500, 30);  // 30 m off A-B, halfway
    REQUIRE(p.ok);
    CHECK(p.snap_m == Approx(30).epsilon(1e-5));
    CHECK(p.offset_m == Approx(500).epsilon(1e-5));
    const double offroad = 30 / (5 / 3.6);  // 21.6 s
    Router r(m.graph);
    r.run_from(p);
    CHECK(r.seconds_to(m.at(2000, 0)) == Approx(offroad + 50 + 100).epsilon(1e-5));
    CHECK(r.seconds_to(m.at(1000, -1000)) == Approx(offroad + 50 + 50).epsilon(1e-5));
    SECTION("and two points on one piece reach each other along it") {
        const Snap q = m.at(800, -10);
        CHECK(r.seconds_to(q) == Approx(offroad + 30 + 10 / (5 / 3.6)).epsilon(1e-5));
        CHECK(r.to(q).metres == Approx(30 + 300 + 10).epsilon(1e-5));
    }
    SECTION("a point exactly on a vertex, or two points on top of each other") {
        const Snap b = m.at(1000, 0);
        CHECK(b.snap_m == Approx(0).margin(1e-6));
        Router rb(m.graph);
        rb.run_from(b);
        CHECK(rb.seconds_to(m.at(1000, 0)) == Approx(0).margin(1e-6));
        CHECK(rb.seconds_to(m.at(0, 0)) == Approx(100).epsilon(1e-5));
    }
}

TEST_CASE("a disconnected piece is unreachable", "[road_graph]") {
    Map m(false);
    Router r(m.graph);
    r.run_from(m.at(0, 0));
    CHECK(r.seconds_to(m.at(5500, 0)) == kUnreachable);
}

TEST_CASE("crossing roads join only when node_crossings is on", "[road_graph]") {
    SECTION("off: G-H passes over A-C as a bridge would") {
        Map m(false);
        Router r(m.graph);
        r.run_from(m.at(1500, 500));
        CHECK(r.seconds_to(m.at(2000, 0)) == kUnreachable);
    }
    SECTION("on: they meet at (1500, 0)") {
        Map m(true);
        CHECK(m.graph.report.crossings_noded == 1);
        Router r(m.graph);
        r.run_from(m.at(1500, 500));
        CHECK(r.seconds_to(m.at(2000, 0)) == Approx(25 + 50).epsilon(1e-5));  // 500 m fast + 500 m slow
    }
}

TEST_CASE("points too far from every road are unreachable, with the distance", "[road_graph]") {
    Map m(false, "max_snap_m = 200\n");
    const Snap far = m.at(3000, 900);  // nearest road point: C (2000, 0)
    CHECK_FALSE(far.ok);
    CHECK(far.snap_m == Approx(std::hypot(1000, 900)).epsilon(1e-5));
}

TEST_CASE("the speed table: built-in classes, config overrides, unknown classes counted", "[road_graph]") {
    CHECK(default_speeds_kmh().at("县道") == 50);
    CHECK(default_speeds_kmh().at("motorway") == 100);
    CHECK(default_speeds_kmh().at("footway") == 0);
    Map m(false);
    CHECK(m.graph.options.speeds_kmh.at("slow") == 36);
    CHECK(m.graph.report.unknown_classes.empty());
}

TEST_CASE("bad [network] values name the line and the fix", "[road_graph][errors]") {
    const StudyConfig cfg = parse_config(R"([layers.prefectures]
source = "a"
[layers.counties]
source = "a"
[layers.towns]
source = "a"
[network]
fallback_speed_kmh = -5
[network.speeds]
"县道" = "fast"
)", "net.toml");
    try {
        network_options(cfg);
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Contains("net.toml:8") && Contains("fallback_speed_kmh") && Contains("Fix:"));
        CHECK_THAT(e.what(), Contains("net.toml:10") && Contains("县道"));
    }
}

TEST_CASE("messy roads are handled and counted, never a crash", "[road_graph][errors]") {
    TempDir dir;
    const std::string two_parts = "MULTILINESTRING ((" + pt(0, 500) + ", " + pt(1000, 500) + "), (" + pt(1000, 500) + ", " +
                                  pt(2000, 500) + "))";
    write_layer(dir.path("roads.gpkg"), "GPKG", "roads", 4551, {"id", "class", "speed_kmh:real", "oneway"},
                {{line({{0, 0}, {1000, 0}}), {"r1", "slow", "", ""}},
                 {line({{0, 0}, {1000, 0}}), {"r1-again", "slow", "", ""}},          // digitised twice
                 {two_parts, {"multi", "slow", "", ""}},                             // one feature, two parts
                 {line({{3000, 0}, {3000, 0}}), {"zero", "slow", "", ""}},           // zero length
                 {"LINESTRING (" + pt(4000, 0) + ")", {"one-point", "slow", "", ""}}, // one point
                 {line({{0, -500}, {1000, -500}}), {"stopped", "slow", "0", ""}},    // speed 0 in the field
                 {line({{0, -600}, {1000, -600}}), {"negative", "slow", "-5", "sideways"}},
                 {line({{0, -700}, {1000, -700}}), {"mystery", "土路", "", ""}}});
    const Study study = load_study(config_from(dir.path(), small_study(dir, "[network]\nfallback_speed_kmh = 18\n")));
    const Layer& roads = *study.role("roads").front();
    std::map<std::string, std::size_t> problems;
    for (const auto& p : roads.info.problems) problems[p.kind] = p.count;
    CHECK(problems["degenerate"] == 1);           // the zero-length line
    CHECK(problems["unreadable_geometry"] == 1);  // the one-point line
    CHECK(problems["duplicate_id"] == 0);
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    CHECK(g.report.multipart_lines == 1);
    CHECK(g.report.duplicates_dropped == 1);
    // The twin is gone, and the pieces after it have their own points: each piece's run one after
    // another from its `from` node to its `to` node, the distance along them from 0 to its length.
    CHECK(g.pieces.size() == 6);   // r1, the two parts, stopped, negative, mystery
    REQUIRE(g.along_m.size() == g.points.size());
    std::size_t next_point = 0;
    for (const RoadPiece& p : g.pieces) {
        CHECK(p.first_point == next_point);
        next_point += p.points;
        const Pt2 first = g.points[p.first_point], last = g.points[p.first_point + p.points - 1];
        CHECK((first.x == g.nodes[p.from].x && first.y == g.nodes[p.from].y));
        CHECK((last.x == g.nodes[p.to].x && last.y == g.nodes[p.to].y));
        CHECK(g.along_m[p.first_point] == 0);
        CHECK(g.along_m[p.first_point + p.points - 1] == p.length_m);
        CHECK(p.length_m == Approx(1000).epsilon(0.01));
    }
    CHECK(next_point == g.points.size());
    CHECK(g.report.bad_speed_values == 2);
    CHECK(g.report.oneway_unknown == 1);
    CHECK(g.report.unknown_classes.at("土路") == 1);
    Router r(g);
    r.run_from(g.snap(X0, Y0 - 700));
    CHECK(r.seconds_to(g.snap(X0 + 1000, Y0 - 700)) == Approx(1000 / 5.0).epsilon(1e-5));  // fallback 18 km/h
    r.run_from(g.snap(X0, Y0 - 500));
    CHECK(r.seconds_to(g.snap(X0 + 1000, Y0 - 500)) == Approx(100).epsilon(1e-5));  // class speed, not 0

    // Built from each road as it is read (as run does): the same graph, and the roads layer released.
    RoadGraphBuilder builder(network_options(study.config));
    const Study owned = load_study(study.config, {}, [&](const Layer& l, std::uint32_t li, Feature&& f) { builder.add(l, li, f); });
    const RoadGraph h = builder.finish(owned);
    const Layer& released = *owned.role("roads").front();
    CHECK(released.released);
    CHECK(released.features.empty());
    CHECK(roads.features.size() == 6);
    CHECK_FALSE(roads.released);
    CHECK(released.info.features_kept == 6);
    // The same problems, in the same order (reading's, then projecting's, then the roads' values).
    REQUIRE(released.info.problems.size() == roads.info.problems.size());
    for (std::size_t i = 0; i < roads.info.problems.size(); ++i) {
        CHECK(released.info.problems[i].kind == roads.info.problems[i].kind);
        CHECK(released.info.problems[i].count == roads.info.problems[i].count);
        CHECK(released.info.problems[i].ids == roads.info.problems[i].ids);
    }
    CHECK(h.layer_ids == g.layer_ids);
    CHECK(h.report.pieces == g.report.pieces);
    CHECK(h.report.duplicates_dropped == g.report.duplicates_dropped);
    REQUIRE(h.pieces.size() == g.pieces.size());
    for (std::size_t i = 0; i < g.pieces.size(); ++i) {
        CHECK(h.pieces[i].feature == g.pieces[i].feature);
        CHECK(h.pieces[i].seconds == g.pieces[i].seconds);
    }
    CHECK(h.points.size() == g.points.size());
    CHECK(h.out_arcs.size() == g.out_arcs.size());
    CHECK(h.along_m == g.along_m);
}
