// townsite's routes against an oracle that shares none of its graph builder, snapping or router:
// every distinct line vertex is a node, every consecutive pair of vertices an arc (one-way honoured,
// read from the OSM tags by a regular expression of its own), edge lengths from GeographicLib's geodesic,
// and a textbook Dijkstra on std::priority_queue. Points sit exactly on line vertices, so that the
// oracle needs no snapping either. Cases: drawn junctions where one-way ways meet, duplicated ways,
// a roundabout; random grids with one-way streets; the real OSM extracts of ../shared/data/osm.
#include "geo/road_graph.h"
#include "geo/parallel.h"
#include "geo/random.h"
#include "tests/support.h"

#include <catch2/catch.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <queue>
#include <regex>
#include <set>

using namespace townsite;
using namespace townsite::test;

namespace {

using LonLat = std::pair<double, double>;

// A road as the oracle sees it: lon/lat vertices, the highway class and the raw other_tags text.
struct Way {
    std::vector<LonLat> pts;
    std::string highway, other_tags, osm_id;
};

std::string tag(const std::string& other_tags, const std::string& key) {
    const std::regex re("\"" + key + "\"=>\"([^\"]*)\"");
    std::smatch m;
    return std::regex_search(other_tags, m, re) ? m[1].str() : std::string();
}

class Oracle {
public:
    // length: shortest routes in metres on every road both ways, as townsite's Length router (pipes
    // follow roads, not their traffic rules); else fastest routes honouring one-way roads.
    explicit Oracle(bool length = false) : m_length(length) {}
    // Speeds: townsite's table of highway classes (data, not code); maxspeed when it is a plain number.
    void add(const Way& w) {
        const auto& speeds = default_speeds_kmh();
        const auto it = speeds.find(w.highway);
        if (w.highway.empty() || it == speeds.end() || it->second <= 0) return;
        double kmh = it->second;
        const std::string maxspeed = tag(w.other_tags, "maxspeed");
        if (!maxspeed.empty() && maxspeed.find_first_not_of("0123456789") == std::string::npos) kmh = std::stod(maxspeed);
        std::string oneway = tag(w.other_tags, "oneway");
        if (oneway == "reversible") return;
        if (oneway.empty() && tag(w.other_tags, "junction") == "roundabout") oneway = "yes";
        const bool forward = m_length || oneway != "-1", backward = m_length || !(oneway == "yes" || oneway == "1" || oneway == "true");
        for (std::size_t k = 0; k + 1 < w.pts.size(); ++k) {
            const std::uint32_t a = node(w.pts[k]), b = node(w.pts[k + 1]);
            double metres = 0;
            GeographicLib::Geodesic::WGS84().Inverse(w.pts[k].second, w.pts[k].first, w.pts[k + 1].second, w.pts[k + 1].first, metres);
            const double s = m_length ? metres : metres / (kmh / 3.6);
            if (forward) m_out[a].push_back({b, s});
            if (backward) m_out[b].push_back({a, s});
            m_used.insert(a), m_used.insert(b);
            if (!forward || !backward) m_oneway_nodes.insert(a), m_oneway_nodes.insert(b);
        }
    }
    // Seconds from the vertex at `p` to every node (infinity where no route).
    std::vector<double> from(LonLat p) const {
        std::vector<double> dist(m_out.size(), kUnreachable);
        using Item = std::pair<double, std::uint32_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
        const std::uint32_t s = m_id.at(p);
        dist[s] = 0;
        heap.push({0, s});
        while (!heap.empty()) {
            const auto [d, v] = heap.top();
            heap.pop();
            if (d > dist[v]) continue;
            for (const auto& [w, len] : m_out[v])
                if (d + len < dist[w]) dist[w] = d + len, heap.push({d + len, w});
        }
        return dist;
    }
    std::uint32_t id(LonLat p) const { return m_id.at(p); }
    // Vertices of driven roads, and those where a one-way road starts, ends or passes.
    std::vector<LonLat> vertices(bool oneway_only) const {
        std::vector<LonLat> out;
        for (const auto& [p, i] : m_id)
            if (m_used.count(i) && (!oneway_only || m_oneway_nodes.count(i))) out.push_back(p);
        return out;
    }

private:
    std::uint32_t node(LonLat p) {
        auto [it, fresh] = m_id.emplace(p, std::uint32_t(m_out.size()));
        if (fresh) m_out.emplace_back();
        return it->second;
    }
    bool m_length = false;
    std::map<LonLat, std::uint32_t> m_id;
    std::vector<std::vector<std::pair<std::uint32_t, double>>> m_out;
    std::set<std::uint32_t> m_used, m_oneway_nodes;
};

// Lon/lat <-> a projected CRS with GDAL's own transformation (not townsite's).
class Projection {
public:
    explicit Projection(int epsg) {
        m_wgs84.importFromEPSG(4326);
        m_proj.importFromEPSG(epsg);
        m_wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        m_proj.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        m_fwd.reset(OGRCreateCoordinateTransformation(&m_wgs84, &m_proj));
        m_inv.reset(OGRCreateCoordinateTransformation(&m_proj, &m_wgs84));
    }
    std::pair<double, double> to_xy(LonLat p) const {
        double x = p.first, y = p.second;
        m_fwd->Transform(1, &x, &y);
        return {x, y};
    }
    LonLat to_lonlat(double x, double y) const {
        m_inv->Transform(1, &x, &y);
        return {x, y};
    }

private:
    OGRSpatialReference m_wgs84, m_proj;
    std::unique_ptr<OGRCoordinateTransformation> m_fwd, m_inv;
};

// Writes the ways as an OSM-style GeoPackage (osm_id, highway, other_tags) in lon/lat, in the given order.
void write_ways(const std::string& path, const std::vector<Way>& ways) {
    std::vector<Feat> feats;
    for (const Way& w : ways) {
        std::string wkt = "LINESTRING (";
        for (std::size_t k = 0; k < w.pts.size(); ++k) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "%s%.17g %.17g", k ? ", " : "", w.pts[k].first, w.pts[k].second);
            wkt += buf;
        }
        feats.push_back({wkt + ")", {w.osm_id, w.highway, w.other_tags}});
    }
    write_layer(path, "GPKG", "lines", 4326, {"osm_id", "highway", "other_tags"}, feats);
}

// The study around a roads source: admin covering the box, one town, the roads, snap tolerance 0.
Study study_for(const TempDir& dir, const std::string& roads_source, int working_epsg, double x0, double y0, double x1, double y1,
                const std::string& roads_extra = "") {
    const std::string admin = write_admin(dir, 4326, box_wkt(x0, y0, x1, y1));
    write_layer(dir.path("towns.gpkg"), "GPKG", "towns", 4326, {"id", "name", "kind", "county"},
                {{"POINT (" + std::to_string((x0 + x1) / 2) + " " + std::to_string((y0 + y1) / 2) + ")", {"T", "甲镇", "镇", "1"}}});
    return load_study(config_from(dir.path(), "[study]\ncrs = \"EPSG:" + std::to_string(working_epsg) + "\"\n" + admin +
                                                   "[layers.towns]\nsource = \"towns.gpkg\"\n[layers.roads]\nsource = \"" + roads_source +
                                                   "\"\n" + roads_extra + "[network]\nsnap_tolerance_m = 0\nmax_snap_m = 1\n"));
}

struct Disagreement {
    std::size_t pairs = 0, wrong = 0;   // pairs: of the searches one per origin; wrong: of those and of the matrices
    std::size_t matrix_pairs = 0;   // of the matrices, unbounded and bounded
    std::size_t within_cut = 0;     // of the bounded matrices' pairs, those within the cut-off
    std::string first;
};

// Every pair of `origins` x `targets`: townsite's Router on its own graph against the oracle.
Disagreement compare(const Study& study, const Oracle& oracle, const Projection& proj, const std::vector<LonLat>& origins,
                     const std::vector<LonLat>& targets) {
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    Router router(g);
    std::vector<Snap> snaps;
    for (const LonLat& t : targets) {
        const auto [x, y] = proj.to_xy(t);
        snaps.push_back(g.snap(x, y));
    }
    Disagreement d;
    auto check = [&](const LonLat& o, std::size_t j, double want, double got, const char* how, bool matrix) {
        ++(matrix ? d.matrix_pairs : d.pairs);
        const bool same = std::isinf(want) ? std::isinf(got) : std::fabs(got - want) <= 1e-6 + 1e-7 * want;
        if (!same && d.wrong++ == 0) {
            char buf[300];
            std::snprintf(buf, sizeof buf, "%s (%.7f %.7f) -> (%.7f %.7f): townsite %.6f s, oracle %.6f s", how, o.first, o.second,
                          targets[j].first, targets[j].second, got, want);
            d.first = buf;
        }
    };
    std::vector<Snap> origin_snaps;
    for (const LonLat& o : origins) {
        const auto [x, y] = proj.to_xy(o);
        origin_snaps.push_back(g.snap(x, y));
        router.run_from(origin_snaps.back());
        const std::vector<double> truth = oracle.from(o);
        for (std::size_t j = 0; j < targets.size(); ++j) check(o, j, truth[oracle.id(targets[j])], router.seconds_to(snaps[j]), "search", false);
    }
    // The matrix od writes, in its two shapes: fewer destinations than origins (one backward search
    // per destination) and fewer origins (one search per origin).
    const std::size_t few = std::min<std::size_t>(5, std::min(origins.size(), targets.size()));
    for (const bool backward : {true, false}) {
        const std::size_t n_o = backward ? origins.size() : few, n_t = backward ? few : targets.size();
        const std::vector<Snap> os(origin_snaps.begin(), origin_snaps.begin() + long(n_o)), ts(snaps.begin(), snaps.begin() + long(n_t));
        const auto m = route_matrix(g, os, ts);
        for (std::size_t i = 0; i < n_o; ++i) {
            const std::vector<double> truth = oracle.from(origins[i]);
            for (std::size_t j = 0; j < n_t; ++j) check(origins[i], j, truth[oracle.id(targets[j])], m[i][j].seconds, backward ? "matrix (backward)" : "matrix", true);
        }
        // Bounded, as od --max-minutes bounds it: the pairs within the cut-off exactly, the others
        // unreachable. The cut-off lies halfway between the two middle true times, so that about
        // half the pairs fall on each side and none on it.
        std::vector<double> times;
        for (std::size_t i = 0; i < n_o; ++i) {
            const std::vector<double> truth = oracle.from(origins[i]);
            for (std::size_t j = 0; j < n_t; ++j)
                if (const double t = truth[oracle.id(targets[j])]; std::isfinite(t)) times.push_back(t);
        }
        std::sort(times.begin(), times.end());
        times.erase(std::unique(times.begin(), times.end(), [](double a, double b) { return b - a < 1e-3; }), times.end());
        if (times.size() < 2) continue;
        const double cut_s = (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
        const auto bounded = route_matrix(g, os, ts, Router::Bound::seconds(cut_s));
        for (std::size_t i = 0; i < n_o; ++i) {
            const std::vector<double> truth = oracle.from(origins[i]);
            for (std::size_t j = 0; j < n_t; ++j) {
                const double t = truth[oracle.id(targets[j])];
                check(origins[i], j, t <= cut_s ? t : kUnreachable, bounded[i][j].seconds, backward ? "bounded matrix (backward)" : "bounded matrix", true);
                d.within_cut += t <= cut_s;
            }
        }
    }
    return d;
}

template <class T>
std::vector<T> pick(const std::vector<T>& from, std::size_t n, SplitMix64& rng) {
    std::vector<T> out;
    for (std::size_t i = 0; i < n && !from.empty(); ++i) out.push_back(from[rng.below(from.size())]);
    return out;
}

// Metres east/north of a point near EPSG:4551's central meridian, as lon/lat.
struct Drawing {
    Projection proj{4551};
    LonLat at(double x, double y) const { return proj.to_lonlat(500000 + x, 4800000 + y); }
    Way way(std::string id, std::string highway, std::string tags, std::initializer_list<std::pair<double, double>> pts) const {
        Way w{{}, std::move(highway), std::move(tags), std::move(id)};
        for (auto [x, y] : pts) w.pts.push_back(at(x, y));
        return w;
    }
};

}  // namespace

TEST_CASE("oracle: points on junctions where one-way ways meet are reached and left as the roads allow", "[road_graph][oracle]") {
    //  A(0,0) ----- B(500,0) -- B'(520,0) ----- C(1000,0)     residential, both ways
    //                 |            ^
    //        one-way  v            | one-way (drawn B' -> E, tagged oneway=-1)
    //                 |            E(520,-400)
    //                 |           /
    //               D(500,-600) ---> (700,-600)                roundabout-tagged way D -> (700,-600) -> E
    // B is a node of four pieces; whichever the index returns, a point there leaves towards D and is
    // reached from E through B'. D can only be left through the roundabout way.
    TempDir dir;
    Drawing d;
    const std::vector<Way> ways = {
        d.way("1", "residential", "", {{0, 0}, {500, 0}}),
        d.way("2", "residential", "", {{500, 0}, {1000, 0}}),
        d.way("3", "tertiary", "\"oneway\"=>\"yes\"", {{500, 0}, {500, -600}}),
        d.way("4", "tertiary", "\"oneway\"=>\"-1\"", {{520, 0}, {520, -400}}),
        d.way("5", "residential", "", {{500, 0}, {520, 0}}),
        d.way("6", "tertiary", "\"junction\"=>\"roundabout\"", {{500, -600}, {700, -600}, {520, -400}}),
    };
    write_ways(dir.path("roads.gpkg"), ways);
    Oracle oracle;
    for (const Way& w : ways) oracle.add(w);
    const Study study = study_for(dir, "roads.gpkg", 4551, 125.9, 43.0, 126.1, 43.6);
    const std::vector<LonLat> points = {d.at(0, 0), d.at(500, 0), d.at(1000, 0), d.at(520, 0), d.at(500, -600), d.at(520, -400), d.at(700, -600)};
    const Disagreement r = compare(study, oracle, d.proj, points, points);
    INFO(r.first);
    CHECK(r.pairs == 49);
    CHECK(r.matrix_pairs == 4 * 7 * 5);   // 7 x 5 backward, 5 x 7 forward, each unbounded and bounded
    CHECK(r.wrong == 0);
    // By eye: B -> D is 600 m at 40 km/h = 54 s; D is left only by the roundabout, so D -> B runs
    // D -> (700,-600) -> E(520,-400) -> B'(520,0) -> B: 200 + 269.07 + 400 m at 40 km/h, 20 m at 25 km/h.
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    Router router(g);
    router.run_from(g.snap(500000 + 500, 4800000));
    CHECK(router.seconds_to(g.snap(500000 + 500, 4800000 - 600)) == Approx(54).epsilon(1e-5));
    router.run_to(g.snap(500000 + 500, 4800000));
    CHECK(router.seconds_from(g.snap(500000 + 500, 4800000 - 600)) ==
          Approx((200 + std::hypot(180, 200) + 400) / (40 / 3.6) + 20 / (25 / 3.6)).epsilon(1e-5));
}

TEST_CASE("oracle: a way drawn twice keeps the faster, whichever comes first", "[road_graph][oracle]") {
    // A service way (15 km/h) drawn over a residential one (25 km/h) the other way round.
    Drawing d;
    for (bool service_first : {true, false}) {
        TempDir dir;
        std::vector<Way> ways = {d.way("1", "residential", "", {{0, 0}, {300, 0}, {600, 0}}),
                                 d.way("2", "service", "", {{600, 0}, {300, 0}, {0, 0}})};
        if (service_first) std::swap(ways[0], ways[1]);
        write_ways(dir.path("roads.gpkg"), ways);
        const Study study = study_for(dir, "roads.gpkg", 4551, 125.9, 43.0, 126.1, 43.6);
        const RoadGraph g = build_road_graph(study, network_options(study.config));
        CHECK(g.report.duplicates_dropped == 2);  // both halves: the vertex at 300 m is shared, so a node
        CHECK(g.report.duplicates_other_speed == 2);
        Router router(g);
        router.run_from(g.snap(500000, 4800000));
        CHECK(router.seconds_to(g.snap(500000 + 600, 4800000)) == Approx(600 / (25 / 3.6)).epsilon(1e-5));
    }
}

namespace {

// A 12 x 12 grid of 100 m blocks; each street between crossings is its own way (sometimes split in
// two at a mid vertex, sometimes drawn backwards), of a random class and one-way state.
std::vector<Way> random_grid(const Drawing& d, SplitMix64& rng) {
    const std::vector<std::string> classes = {"residential", "tertiary", "secondary", "service", "unclassified"};
    const std::vector<std::string> oneways = {"", "", "\"oneway\"=>\"yes\"", "\"oneway\"=>\"-1\"", "\"oneway\"=>\"no\"",
                                              "\"junction\"=>\"roundabout\"", "\"oneway\"=>\"1\""};
    std::vector<Way> ways;
    std::size_t n = 0;
    for (int i = 0; i < 12; ++i)
        for (int j = 0; j < 12; ++j)
            for (int dir = 0; dir < 2; ++dir) {
                if ((dir == 0 && i == 11) || (dir == 1 && j == 11) || rng.uniform() < 0.1) continue;
                const double x = i * 100, y = j * 100, x2 = x + (dir == 0 ? 100 : 0), y2 = y + (dir == 1 ? 100 : 0);
                Way w = rng.uniform() < 0.3 ? d.way(std::to_string(++n), "", "", {{x2, y2}, {(x + x2) / 2, (y + y2) / 2}, {x, y}})
                                            : d.way(std::to_string(++n), "", "", {{x, y}, {x2, y2}});
                w.highway = classes[rng.below(classes.size())];
                w.other_tags = oneways[rng.below(oneways.size())];
                ways.push_back(w);
            }
    return ways;
}

bool same_cost(double got, double want) { return std::isinf(want) ? std::isinf(got) : std::fabs(got - want) <= 1e-6 + 1e-7 * want; }

}  // namespace

TEST_CASE("oracle: random grids with one-way streets, every pair", "[road_graph][oracle]") {
    Drawing d;
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        SplitMix64 rng(seed);
        const std::vector<Way> ways = random_grid(d, rng);
        TempDir dir;
        write_ways(dir.path("roads.gpkg"), ways);
        Oracle oracle;
        for (const Way& w : ways) oracle.add(w);
        const Study study = study_for(dir, "roads.gpkg", 4551, 125.9, 43.0, 126.1, 43.6);
        const std::vector<LonLat> points = pick(oracle.vertices(false), 40, rng);
        const Disagreement r = compare(study, oracle, d.proj, points, points);
        INFO("seed " << seed << ": " << r.first);
        CHECK(r.matrix_pairs > 0);
        CHECK(r.wrong == 0);
    }
}

TEST_CASE("oracle: every search the router offers on random one-way grids: length, backward, bounded, several sources", "[road_graph][oracle]") {
    Drawing d;
    for (std::uint64_t seed : {4u, 5u}) {
        INFO("seed " << seed);
        SplitMix64 rng(seed);
        const std::vector<Way> ways = random_grid(d, rng);
        TempDir dir;
        write_ways(dir.path("roads.gpkg"), ways);
        Oracle time_oracle, length_oracle(true);
        for (const Way& w : ways) time_oracle.add(w), length_oracle.add(w);
        const Study study = study_for(dir, "roads.gpkg", 4551, 125.9, 43.0, 126.1, 43.6);
        RoadGraph g = build_road_graph(study, network_options(study.config));
        const std::vector<LonLat> points = pick(time_oracle.vertices(false), 25, rng);
        std::vector<Snap> snaps;
        for (const LonLat& p : points) {
            const auto [x, y] = d.proj.to_xy(p);
            snaps.push_back(g.snap(x, y));
        }
        Router by_time(g), by_length(g, Router::Metric::Length);
        // A search bounded at `bound`: within it exact (-1), beyond it never shorter than the truth
        // (+1); at the bound itself the router's sum and the oracle's may fall either side (0).
        auto check_bounded = [](double got, double want, double bound) {
            if (want < bound - 1e-6) {
                CHECK(same_cost(got, want));
                return -1;
            }
            if (want > bound + 1e-6) {
                CHECK(got >= want - 1e-6);
                return 1;
            }
            return 0;
        };
        std::size_t bounded_checked = 0, beyond_checked = 0, until_checked = 0, stopped_early = 0;
        for (std::size_t i = 0; i < points.size(); ++i) {
            const std::vector<double> seconds = time_oracle.from(points[i]), metres = length_oracle.from(points[i]);
            // Length mode: metres along the shortest route, every road both ways.
            by_length.run_from(snaps[i]);
            for (std::size_t j = 0; j < points.size(); ++j) {
                INFO("length " << i << " -> " << j);
                CHECK(same_cost(by_length.to(snaps[j]).metres, metres[length_oracle.id(points[j])]));
            }
            // Length mode bounded in metres: exact within the bound.
            by_length.run_from(snaps[i], Router::Bound::metres(600));
            for (std::size_t j = 0; j < points.size(); ++j)
                if (const double want = metres[length_oracle.id(points[j])]; want < 600 - 1e-6) CHECK(same_cost(by_length.to(snaps[j]).metres, want));
            // Backward: every point to this one, over the reversed arcs.
            by_time.run_to(snaps[i]);
            for (std::size_t j = 0; j < points.size(); ++j) {
                INFO("backward " << j << " -> " << i);
                CHECK(same_cost(by_time.seconds_from(snaps[j]), time_oracle.from(points[j])[time_oracle.id(points[i])]));
            }
            // Bounded: within max_s exact; beyond it never shorter than the truth.
            std::vector<double> finite;
            for (std::size_t j = 0; j < points.size(); ++j)
                if (const double t = seconds[time_oracle.id(points[j])]; std::isfinite(t)) finite.push_back(t);
            std::sort(finite.begin(), finite.end());
            const double max_s = finite.empty() ? 60 : finite[finite.size() / 2];
            by_time.run_from(snaps[i], Router::Bound::seconds(max_s));
            for (std::size_t j = 0; j < points.size(); ++j) {
                const double want = seconds[time_oracle.id(points[j])], got = by_time.seconds_to(snaps[j]);
                INFO("bounded " << i << " -> " << j << " at " << max_s << " s: want " << want << ", got " << got);
                const int side = check_bounded(got, want, max_s);
                bounded_checked += side < 0, beyond_checked += side > 0;
            }
            // Backward until a few points are settled, unbounded and bounded: those points as a full
            // backward search (with the same bound) has them.
            std::vector<std::size_t> few = {rng.below(points.size()), rng.below(points.size()), rng.below(points.size())};
            std::vector<std::uint32_t> needed;
            for (std::size_t j : few)
                for (const auto& leg : snaps[j].legs(g, true)) needed.push_back(leg.node);
            for (const double bound : {kUnreachable, max_s}) {
                by_time.run_to_until(snaps[i], needed, Router::Bound::seconds(bound));
                for (std::size_t j : few) {
                    const double want = time_oracle.from(points[j])[time_oracle.id(points[i])], got = by_time.seconds_from(snaps[j]);
                    INFO("until " << j << " -> " << i << " within " << bound << " s: want " << want << ", got " << got);
                    until_checked += check_bounded(got, want, bound) < 0;
                }
            }
            // Forward by length until those points and the nearest of a few flagged nodes are
            // settled: the same metres as the full run (checked against the oracle above), and the
            // same nearest flagged node.
            std::vector<char> flagged(g.node_count(), 0);
            for (int f = 0; f < 4; ++f) flagged[rng.below(g.node_count())] = 1;
            std::vector<std::uint32_t> needed_any;
            for (std::size_t j : few)
                for (const auto& leg : snaps[j].legs_any(g)) needed_any.push_back(leg.node);
            by_length.run_from(snaps[i]);
            double nearest = kUnreachable;
            for (std::uint32_t v = 0; v < g.node_count(); ++v)
                if (flagged[v]) nearest = std::min(nearest, by_length.node_metres(v));
            std::vector<double> want_m;
            for (std::size_t j : few) want_m.push_back(by_length.to(snaps[j]).metres);
            const std::size_t full = by_length.touched().size();
            for (const bool with_points : {false, true}) {
                by_length.run_from_until(snaps[i], with_points ? needed_any : std::vector<std::uint32_t>{}, flagged);
                double got_nearest = kUnreachable;
                for (std::uint32_t v : by_length.touched())
                    if (flagged[v]) got_nearest = std::min(got_nearest, by_length.node_metres(v));
                CHECK(got_nearest == nearest);
                if (with_points)
                    for (std::size_t k = 0; k < few.size(); ++k) CHECK(by_length.to(snaps[few[k]]).metres == want_m[k]);
                else
                    stopped_early += by_length.touched().size() < full;
            }
            until_checked += std::isfinite(nearest);
        }
        CHECK(bounded_checked > 100);
        CHECK(until_checked > 50);
        CHECK(stopped_early > 10);
        CHECK(beyond_checked > 100);
        // A bound in the other metric is a bug, not a silently wrong search.
        CHECK_THROWS_AS(by_time.run_from(snaps[0], Router::Bound::metres(500)), std::logic_error);
        CHECK_THROWS_AS(by_length.run_from(snaps[0], Router::Bound::seconds(60)), std::logic_error);
        // Several sources at once: the nearest of them wins, and says which it is.
        for (int round = 0; round < 10; ++round) {
            std::vector<std::size_t> sources = {rng.below(points.size()), rng.below(points.size()), rng.below(points.size())};
            std::vector<Snap> seeds;
            std::vector<std::vector<double>> truth;
            for (std::size_t s : sources) seeds.push_back(snaps[s]), truth.push_back(time_oracle.from(points[s]));
            by_time.run_from_many(seeds, false);
            for (std::size_t j = 0; j < points.size(); ++j) {
                double best = kUnreachable;
                for (const auto& t : truth) best = std::min(best, t[time_oracle.id(points[j])]);
                const Router::Reach r = by_time.to(snaps[j]);
                INFO("round " << round << ", target " << j);
                CHECK(same_cost(r.seconds, best));
                if (std::isfinite(best)) CHECK(same_cost(truth[r.origin][time_oracle.id(points[j])], best));
            }
        }
        // A graph whose CSR arrays do not hold together is refused when a router is made on it.
        g.first_out.back() += 1;
        CHECK_THROWS_AS(Router(g), std::logic_error);
    }
}

namespace {

std::vector<Way> read_osm_ways(const std::string& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    OGRLayer* lines = ds->GetLayerByName("lines");
    REQUIRE(lines);
    std::vector<Way> ways;
    for (auto& f : *lines) {
        const OGRLineString* ls = f->GetGeometryRef() ? dynamic_cast<const OGRLineString*>(f->GetGeometryRef()) : nullptr;
        if (!ls) continue;
        Way w{{}, f->GetFieldAsString("highway"), f->GetFieldAsString("other_tags"), f->GetFieldAsString("osm_id")};
        for (int k = 0; k < ls->getNumPoints(); ++k) w.pts.push_back({ls->getX(k), ls->getY(k)});
        ways.push_back(std::move(w));
    }
    return ways;
}

}  // namespace

TEST_CASE("oracle: real OSM extracts, every pair of 60 vertices (most at one-way junctions), any input order", "[road_graph][oracle][shared]") {
    const std::string data = shared_data();
    if (data.empty()) {
        WARN("../shared/data is absent: the OSM oracle test is skipped");
        return;
    }
    struct Extract {
        std::string path;
        int epsg;
        double x0, y0, x1, y1;
    };
    for (const Extract& e : {Extract{data + "/osm/andorra.osm.pbf", 32631, 1.3, 42.3, 1.9, 42.8},
                             Extract{"/vsigzip/" + data + "/osm/monaco.osm.gz", 32632, 7.3, 43.6, 7.5, 43.8}}) {
        const std::vector<Way> ways = read_osm_ways(e.path);
        Oracle oracle;
        for (const Way& w : ways) oracle.add(w);
        SplitMix64 rng(7);
        std::vector<LonLat> points = pick(oracle.vertices(true), 40, rng);
        for (const LonLat& p : pick(oracle.vertices(false), 20, rng)) points.push_back(p);
        const Projection proj(e.epsg);
        TempDir dir;
        const Study study = study_for(dir, e.path, e.epsg, e.x0, e.y0, e.x1, e.y1);
        const Disagreement r = compare(study, oracle, proj, points, points);
        INFO(e.path << ": " << r.first);
        CHECK(r.pairs == 3600);
        CHECK(r.matrix_pairs == 4 * 60 * 5);
        CHECK(r.within_cut > 200);   // of 600 bounded pairs: both sides of the cut-off are checked
        CHECK(r.within_cut < 400);
        CHECK(r.wrong == 0);

        // The same ways converted to a GeoPackage in reverse order: the same answers.
        TempDir dir2;
        write_ways(dir2.path("reversed.gpkg"), std::vector<Way>(ways.rbegin(), ways.rend()));
        const Study reversed = study_for(dir2, "reversed.gpkg", e.epsg, e.x0, e.y0, e.x1, e.y1);
        const Disagreement r2 = compare(reversed, oracle, proj, points, points);
        INFO("reversed: " << r2.first);
        CHECK(r2.wrong == 0);
    }
}
