// townsite-make-sample: writes the sample province (sample_data/jilin.gpkg) from the real facts in
// sample_data/sources/ and a seeded generator for everything synthetic. Same seed and scale, same
// bytes: the random numbers come from SplitMix64 with our own distributions (not <random>'s,
// whose output differs between standard libraries), every container is ordered, and GDAL is told
// the date to write (OGR_CURRENT_DATE).
//
//   townsite-make-sample --sources sample_data/sources -o sample_data/jilin.gpkg            # x1
//   townsite-make-sample --sources sample_data/sources -o /tmp/jilin_x10.gpkg --scale 10    # benchmarks
//   townsite-make-sample --sources sample_data/sources -o /tmp/country_x4.gpkg --scale 4 --density country
//
// --scale N tiles N copies of the province side by side (each shifted by whole degrees, codes
// prefixed "cK-"; never past 180 degrees of longitude: sample_data/tiling.h), joined by one
// expressway each, so that a province N times larger keeps the same structure and is still one
// road network. --density country adds a country's villages and local roads per town (see
// build_country_density), for the country-size benchmark.
//
// What is real and what is synthetic is listed in sample_data/README.md. Generation works in an
// Albers equal-area plane fitted to the outline (metres), output is WGS 84 lon/lat, except the
// villages (CGCS2000 lon/lat, EPSG:4490) and the protected sites (CGCS2000 / 3-degree
// Gauss-Kruger CM 126E, EPSG:4551), as planners' data arrives in several CRSs.
#include "geo/crs.h"
#include "geo/error.h"
#include "geo/handles.h"
#include "geo/random.h"
#include "sample_data/tiling.h"

#include <CLI/CLI.hpp>
#include <cpl_conv.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <numbers>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace townsite;
namespace fs = std::filesystem;

// ---------------------------------------------------------------- random numbers
class Rng : public SplitMix64 {
public:
    using SplitMix64::SplitMix64;
    double u01() { return SplitMix64::uniform(); }
    double uniform(double a, double b) { return a + (b - a) * u01(); }
    bool chance(double p) { return u01() < p; }
    int integer(int lo, int hi) { return lo + int(next() % std::uint64_t(hi - lo + 1)); }
    double normal() {  // Box-Muller
        const double u1 = std::max(u01(), 1e-300), u2 = u01();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
};

struct Pt {
    double x = 0, y = 0;
};
double dist(Pt a, Pt b) { return std::hypot(a.x - b.x, a.y - b.y); }

// ---------------------------------------------------------------- the province in memory (metres)
struct Prefecture {
    std::string code6, name;
    Pt seat;
    GeomPtr poly;
};
struct County {
    std::string code, name, pref6;
    Pt seat;
    bool key_assistance = false, border = false;
    GeomPtr poly;
    PreparedPtr prepared;
};
struct Town {
    std::string code, name, kind, county, stat_county;
    Pt p;
    double pop = 0, industry = 0, land = 0;
    bool node = false, seat = false;
};
struct Village {
    std::string code, name, town;
    Pt p;
    double pop = 0;
};
struct Road {
    std::string cls, ref;
    std::vector<Pt> pts;
    std::string town;   // a village road: the town whose village tree it belongs to
};
struct Pipe {
    std::string utility, town;
    std::vector<Pt> pts;
};
struct Plant {
    std::string utility, id, name, kind;
    Pt p;
    double radius_m = NAN, capacity = NAN;
};
struct Facility {
    std::string id, kind, name;
    Pt p;
    double capacity = 0;
};
struct Site {
    std::string id, name, kind;
    Pt p;
};
// A polygon of the spatial plan: an urban development boundary (town set), farmland, a red line.
struct Zone {
    std::string id, name, town;
    GeomPtr poly;
};

struct Province {
    GeomPtr outline;
    std::vector<Prefecture> prefectures;
    std::vector<County> counties;
    std::vector<Town> towns;
    std::vector<Village> villages;
    std::vector<Road> roads;
    std::vector<Pipe> pipes;
    std::vector<Plant> plants;
    std::vector<Facility> facilities;
    std::vector<Site> sites;
    GeomPtr metro;
    std::vector<std::vector<Pt>> border;
    std::vector<Zone> boundaries, farmland, redline;
};

// ---------------------------------------------------------------- reading the sources
std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) throw Error("cannot open " + path + ": " + gdal_last_error());
    std::vector<std::map<std::string, std::string>> rows;
    for (auto& f : *ds->GetLayer(0)) {
        std::map<std::string, std::string> row;
        for (int i = 0; i < f->GetFieldCount(); ++i) row[f->GetFieldDefnRef(i)->GetNameRef()] = f->GetFieldAsString(i);
        rows.push_back(row);
    }
    return rows;
}

// Every geometry of a GeoJSON file, as GEOS geometries in lon/lat.
std::vector<GeomPtr> read_geometries(const std::string& path, const GeosContext& geos) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) throw Error("cannot open " + path + ": " + gdal_last_error());
    std::vector<GeomPtr> out;
    for (auto& f : *ds->GetLayer(0)) {
        const OGRGeometry* g = f->GetGeometryRef();
        std::vector<unsigned char> wkb(g->WkbSize());
        g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        out.push_back(geos.from_wkb(wkb.data(), wkb.size()));
    }
    return out;
}

int project_cb(double* x, double* y, void* t) {
    static_cast<const Transformer*>(t)->to_working(*x, *y);
    return 1;
}

// ---------------------------------------------------------------- geometry helpers
class Maker {
public:
    Maker(const GeosContext& geos, Rng& rng) : m_geos(geos), m_rng(rng) {}

    GeomPtr point(Pt p) const { return m_geos.own(GEOSGeom_createPointFromXY_r(m_geos.get(), p.x, p.y)); }
    bool inside(const County& c, Pt p) const {
        GeomPtr g = point(p);
        return GEOSPreparedContains_r(m_geos.get(), c.prepared.get(), g.get()) == 1;
    }
    // A random point in the county, at least `spacing` from `taken` (relaxed when it cannot be had).
    Pt sample_in(const County& c, const std::vector<Pt>& taken, double spacing, Pt centre, double radius) {
        double minx = 0, miny = 0, maxx = 0, maxy = 0;
        GEOSGeom_getXMin_r(m_geos.get(), c.poly.get(), &minx);
        GEOSGeom_getYMin_r(m_geos.get(), c.poly.get(), &miny);
        GEOSGeom_getXMax_r(m_geos.get(), c.poly.get(), &maxx);
        GEOSGeom_getYMax_r(m_geos.get(), c.poly.get(), &maxy);
        for (int attempt = 0; attempt < 4000; ++attempt) {
            if (attempt % 400 == 399) spacing *= 0.7;
            Pt p;
            if (radius > 0) {
                const double a = m_rng.uniform(0, 2 * std::numbers::pi), r = radius * std::sqrt(m_rng.u01());
                p = {centre.x + r * std::cos(a), centre.y + r * std::sin(a)};
            } else {
                p = {m_rng.uniform(minx, maxx), m_rng.uniform(miny, maxy)};
            }
            if (!inside(c, p)) continue;
            if (std::all_of(taken.begin(), taken.end(), [&](Pt q) { return dist(p, q) >= spacing; })) return p;
        }
        return centre;
    }
    // A road from a to b: exact ends, gentle bends, a vertex every ~1.2 km.
    std::vector<Pt> road(Pt a, Pt b) {
        const double len = dist(a, b);
        std::vector<Pt> pts{a};
        const int k = std::max(1, int(std::ceil(len / 1200.0)));
        const double amp = m_rng.uniform(-1, 1) * std::min(0.08 * len, 4000.0);
        const double nx = len > 0 ? -(b.y - a.y) / len : 0, ny = len > 0 ? (b.x - a.x) / len : 0;
        for (int i = 1; i < k; ++i) {
            const double t = double(i) / k;
            const double off = amp * std::sin(std::numbers::pi * t) + m_rng.normal() * std::min(40.0, 0.01 * len);
            pts.push_back({a.x + t * (b.x - a.x) + off * nx, a.y + t * (b.y - a.y) + off * ny});
        }
        pts.push_back(b);
        return pts;
    }

private:
    const GeosContext& m_geos;
    Rng& m_rng;
};

// Prim's minimum spanning tree over points (Euclidean): the (parent, child) links in the order added.
std::vector<std::pair<int, int>> prim(const std::vector<Pt>& pts, int root = 0) {
    const int n = int(pts.size());
    std::vector<std::pair<int, int>> links;
    if (n < 2) return links;
    std::vector<double> best(n, 1e300);
    std::vector<int> from(n, -1);
    std::vector<bool> in(n, false);
    in[root] = true;
    for (int i = 0; i < n; ++i) best[i] = dist(pts[root], pts[i]), from[i] = root;
    for (int step = 1; step < n; ++step) {
        int pick = -1;
        for (int i = 0; i < n; ++i)
            if (!in[i] && (pick < 0 || best[i] < best[pick])) pick = i;
        in[pick] = true;
        links.emplace_back(from[pick], pick);
        for (int i = 0; i < n; ++i)
            if (!in[i] && dist(pts[pick], pts[i]) < best[i]) best[i] = dist(pts[pick], pts[i]), from[i] = pick;
    }
    return links;
}

std::string county_stem(const std::string& name) {
    size_t cut = name.size();
    for (const char* s : {"满族", "朝鲜族", "蒙古族", "前郭尔罗斯蒙古族", "县", "市", "区"}) {
        const size_t at = name.find(s);
        if (at != std::string::npos && at > 0) cut = std::min(cut, at);
    }
    return name.substr(0, cut);
}

std::string kind_of(const std::string& name) {
    auto ends = [&name](const std::string& s) {
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    for (const char* k : {"街道", "镇", "乡", "开发区", "农场", "林场"})
        if (ends(k)) return k;
    return "区";
}

// ---------------------------------------------------------------- building the province
void build_admin(Province& pv, const std::string& sources, const GeosContext& geos, const Transformer& tr) {
    GEOSContextHandle_t ctx = geos.get();
    std::map<std::string, Pt> seats;
    std::map<std::string, bool> key;
    for (const auto& r : read_csv(sources + "/seats.csv")) {
        Pt p{std::stod(r.at("seat_lon")), std::stod(r.at("seat_lat"))};
        tr.to_working(p.x, p.y);
        seats[r.at("code")] = p;
        key[r.at("code")] = r.at("key_assistance") == "1";
    }
    for (const auto& r : read_csv(sources + "/modood_cities_jilin_2022.csv")) {
        const std::string code6 = r.at("code") + "00";
        pv.prefectures.push_back({code6, r.at("name"), seats.at(code6), nullptr});
    }
    for (const auto& r : read_csv(sources + "/modood_areas_jilin_2022.csv")) {
        if (!seats.count(r.at("code"))) continue;  // development zones: statistical units with no territory here
        County c;
        c.code = r.at("code");
        c.name = r.at("name");
        c.pref6 = r.at("cityCode") + "00";
        c.seat = seats.at(c.code);
        c.key_assistance = key.at(c.code);
        pv.counties.push_back(std::move(c));
    }
    // County polygons: Voronoi cells of the seats, clipped to the real outline.
    std::vector<GEOSGeometry*> points;
    for (const auto& c : pv.counties) points.push_back(GEOSGeom_createPointFromXY_r(ctx, c.seat.x, c.seat.y));
    GeomPtr multipoint = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOINT, points.data(), unsigned(points.size())));
    GeomPtr envelope = geos.own(GEOSBuffer_r(ctx, pv.outline.get(), 50000, 4));
    GeomPtr cells = geos.own(GEOSVoronoiDiagram_r(ctx, multipoint.get(), envelope.get(), 0, 0));
    for (int i = 0, n = GEOSGetNumGeometries_r(ctx, cells.get()); i < n; ++i) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(ctx, cells.get(), i);
        for (auto& c : pv.counties) {
            GeomPtr seat = geos.own(GEOSGeom_createPointFromXY_r(ctx, c.seat.x, c.seat.y));
            if (GEOSContains_r(ctx, cell, seat.get()) == 1) {
                c.poly = geos.own(GEOSIntersection_r(ctx, cell, pv.outline.get()));
                break;
            }
        }
    }
    for (auto& c : pv.counties) {
        if (!c.poly || GEOSisEmpty_r(ctx, c.poly.get())) throw Error("county " + c.name + " got no polygon");
        // A seat outside the generalised outline moves to the nearest point well inside its cell.
        GeomPtr seat = geos.own(GEOSGeom_createPointFromXY_r(ctx, c.seat.x, c.seat.y));
        if (GEOSContains_r(ctx, c.poly.get(), seat.get()) != 1) {
            GeomPtr inner = geos.own(GEOSBuffer_r(ctx, c.poly.get(), -1500, 4));
            GEOSCoordSequence* near = GEOSNearestPoints_r(ctx, inner.get(), seat.get());
            GEOSCoordSeq_getXY_r(ctx, near, 0, &c.seat.x, &c.seat.y);
            GEOSCoordSeq_destroy_r(ctx, near);
        }
        c.prepared = geos.prepare(c.poly.get());
    }
    for (auto& p : pv.prefectures) {
        std::vector<GEOSGeometry*> parts;
        for (const auto& c : pv.counties)
            if (c.pref6 == p.code6) parts.push_back(GEOSGeom_clone_r(ctx, c.poly.get()));
        GeomPtr all = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(), unsigned(parts.size())));
        p.poly = geos.own(GEOSUnaryUnion_r(ctx, all.get()));
        // The prefecture seat is the seat of its first urban district (the city proper).
        for (const auto& c : pv.counties)
            if (c.pref6 == p.code6) { p.seat = c.seat; break; }
    }
    // Border counties: those whose polygon comes within 3 km of the national border line.
    std::vector<GEOSGeometry*> lines;
    for (const auto& l : pv.border) {
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, unsigned(l.size()), 2);
        for (unsigned i = 0; i < l.size(); ++i) GEOSCoordSeq_setXY_r(ctx, seq, i, l[i].x, l[i].y);
        lines.push_back(GEOSGeom_createLineString_r(ctx, seq));
    }
    GeomPtr border = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_MULTILINESTRING, lines.data(), unsigned(lines.size())));
    for (auto& c : pv.counties) {
        double d = 1e300;
        GEOSDistance_r(ctx, c.poly.get(), border.get(), &d);
        c.border = d < 3000;
    }
    // The Changchun metropolitan circle, approximated: the hull of the seats of Changchun, Jilin,
    // Siping, Liaoyuan, Songyuan and Meihekou grown by 25 km, within the province.
    std::vector<GEOSGeometry*> hull_pts;
    for (const char* code : {"220102", "220202", "220302", "220402", "220702", "220581"})
        for (const auto& c : pv.counties)
            if (c.code == code) hull_pts.push_back(GEOSGeom_createPointFromXY_r(ctx, c.seat.x, c.seat.y));
    GeomPtr mp = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOINT, hull_pts.data(), unsigned(hull_pts.size())));
    GeomPtr hull = geos.own(GEOSConvexHull_r(ctx, mp.get()));
    GeomPtr grown = geos.own(GEOSBuffer_r(ctx, hull.get(), 25000, 8));
    pv.metro = geos.own(GEOSIntersection_r(ctx, grown.get(), pv.outline.get()));
}

const County& county_of(const Province& pv, const std::string& code) {
    for (const auto& c : pv.counties)
        if (c.code == code) return c;
    throw Error("no county " + code);
}

void build_towns(Province& pv, const std::string& sources, Maker& make, Rng& rng) {
    // Towns of development zones (statistical units with no territory of their own) go to the
    // first urban district of their prefecture; stat_county keeps the official code.
    std::map<std::string, std::vector<Pt>> taken;  // per county
    for (const auto& r : read_csv(sources + "/modood_streets_jilin_2022.csv")) {
        Town t;
        t.code = r.at("code");
        t.name = r.at("name");
        t.kind = kind_of(t.name);
        t.stat_county = r.at("areaCode");
        t.county = t.stat_county;
        bool known = false;
        for (const auto& c : pv.counties) known |= c.code == t.county;
        if (!known)
            for (const auto& c : pv.counties)
                if (c.pref6.substr(0, 4) == r.at("cityCode")) { t.county = c.code; break; }
        pv.towns.push_back(t);
    }
    // The seat town: the 镇 named after the county (农安镇 in 农安县), else its first 街道.
    std::map<std::string, bool> has_seat;
    for (auto& t : pv.towns) {
        const County& c = county_of(pv, t.county);
        if (t.kind == "镇" && t.name == county_stem(c.name) + "镇" && !has_seat[c.code]) t.seat = has_seat[c.code] = true;
    }
    for (auto& t : pv.towns)
        if (!has_seat[t.county] && t.kind == "街道") t.seat = has_seat[t.county] = true;
    for (auto& t : pv.towns) {
        const County& c = county_of(pv, t.county);
        auto& here = taken[c.code];
        if (t.seat) {
            t.p = c.seat;
        } else if (t.kind == "街道" || t.kind == "区" || t.kind == "开发区") {
            t.p = make.sample_in(c, here, 900, c.seat, 5000);
        } else {
            t.p = make.sample_in(c, here, 6000, c.seat, 0);
        }
        here.push_back(t.p);
        // Populations in persons; industrial output in 100 million yuan; land in hectares.
        if (t.kind == "街道") t.pop = rng.lognormal(32000, 0.45);
        else if (t.kind == "镇") t.pop = rng.lognormal(22000, 0.5);
        else if (t.kind == "乡") t.pop = rng.lognormal(8000, 0.4);
        else t.pop = rng.lognormal(6000, 0.5);
        if (t.seat) t.pop *= 2.5;
        t.pop = std::round(t.pop);
        t.industry = std::round(rng.lognormal(t.pop / 10000.0 * (t.kind == "乡" ? 0.8 : 2.5), 0.7) * 100) / 100;
        t.land = std::round(rng.lognormal(t.kind == "镇" ? 120 : 40, 0.6));
        t.node = t.kind == "镇" && rng.chance(t.pop > 30000 ? 0.5 : 0.15);
    }
}

const char* kVillageStems[] = {"前进", "红旗", "新立", "永安", "太平", "兴隆", "长发", "东升", "双山", "三家子", "新民",
                               "合心", "胜利", "富裕", "团结", "和平", "新华", "光明", "东风", "民主", "向阳", "建设",
                               "五星", "友谊", "保安", "万宝", "长山", "平安", "德胜", "宝山", "新安", "靠山"};

// The i-th village of town t: code t.code + (201 + i), a name from the stems.
Village village_of(const Town& t, int i) {
    Village v;
    char code[16];
    std::snprintf(code, sizeof code, "%03d", 200 + i + 1);
    v.code = t.code + code;
    v.name = std::string(kVillageStems[(i * 7 + t.code.back()) % std::size(kVillageStems)]) + "村";
    v.town = t.code;
    return v;
}

void build_villages(Province& pv, Maker& make, Rng& rng) {
    std::map<std::string, std::vector<Pt>> taken;
    for (const auto& t : pv.towns) taken[t.county].push_back(t.p);
    for (const auto& t : pv.towns) {
        if (t.kind == "街道" || t.kind == "区" || t.kind == "开发区") continue;
        const County& c = county_of(pv, t.county);
        const int n = std::clamp(int(std::lround(t.pop / 2600.0)), 3, 14);
        for (int i = 0; i < n; ++i) {
            Village v = village_of(t, i);
            v.pop = std::round(rng.lognormal(1100, 0.45));
            v.p = make.sample_in(c, taken[c.code], 1300, t.p, 7000);
            taken[c.code].push_back(v.p);
            pv.villages.push_back(v);
        }
    }
}

// The forest farm whose roads stay to themselves (the last 林场): the sample's disconnected piece.
std::string isolated_town(const Province& pv) {
    std::string code;
    for (const auto& t : pv.towns)
        if (t.kind == "林场") code = t.code;
    return code;
}

void build_roads(Province& pv, Maker& make, Rng& rng) {
    int ref = 100;
    auto add = [&](const std::string& cls, const std::string& prefix, Pt a, Pt b, const std::string& town = "") {
        if (dist(a, b) < 1.0) return;
        pv.roads.push_back({cls, prefix + std::to_string(ref++), make.road(a, b), town});
    };
    // Expressways: spanning tree of the prefecture seats, plus the two shortest other links.
    std::vector<Pt> pseats;
    for (const auto& p : pv.prefectures) pseats.push_back(p.seat);
    std::set<std::pair<int, int>> linked;
    for (auto [a, b] : prim(pseats)) {
        add("高速公路", "G", pseats[a], pseats[b]);
        linked.insert({std::min(a, b), std::max(a, b)});
    }
    std::vector<std::tuple<double, int, int>> others;
    for (int a = 0; a < int(pseats.size()); ++a)
        for (int b = a + 1; b < int(pseats.size()); ++b)
            if (!linked.count({a, b})) others.emplace_back(dist(pseats[a], pseats[b]), a, b);
    std::sort(others.begin(), others.end());
    for (size_t i = 0; i < 2 && i < others.size(); ++i) add("高速公路", "G", pseats[std::get<1>(others[i])], pseats[std::get<2>(others[i])]);

    // National and provincial roads: spanning tree of the county seats (between prefectures: 国道).
    std::vector<Pt> cseats;
    for (const auto& c : pv.counties) cseats.push_back(c.seat);
    for (auto [a, b] : prim(cseats)) {
        const bool national = pv.counties[a].pref6 != pv.counties[b].pref6;
        add(national ? "国道" : "省道", national ? "G" : "S", cseats[a], cseats[b]);
    }

    // County roads: inside each county, a tree from the seat through its towns. One forest farm
    // (the last 林场) keeps its roads to itself: the disconnected piece of the sample.
    const std::string isolated = isolated_town(pv);
    for (const auto& c : pv.counties) {
        std::vector<Pt> pts{c.seat};
        for (const auto& t : pv.towns)
            if (t.county == c.code && !t.seat && t.code != isolated) {
                pts.push_back(t.p);
            }
        for (auto [a, b] : prim(pts)) add("县道", "X", pts[a], pts[b]);
    }
    // Township roads: each 镇/乡 linked to its nearest town of another county when within 15 km.
    std::set<std::pair<size_t, size_t>> cross;
    for (size_t i = 0; i < pv.towns.size(); ++i) {
        const Town& t = pv.towns[i];
        if ((t.kind != "镇" && t.kind != "乡") || t.code == isolated) continue;
        size_t best = i;
        double best_d = 15000;
        for (size_t j = 0; j < pv.towns.size(); ++j) {
            const Town& u = pv.towns[j];
            if (u.county == t.county || (u.kind != "镇" && u.kind != "乡") || u.code == isolated) continue;
            if (dist(t.p, u.p) < best_d) best_d = dist(t.p, u.p), best = j;
        }
        if (best != i && cross.insert({std::min(i, best), std::max(i, best)}).second) add("乡道", "Y", t.p, pv.towns[best].p);
    }
    // Village roads: a tree from each town through its villages.
    std::map<std::string, std::vector<const Village*>> by_town;
    for (const auto& v : pv.villages) by_town[v.town].push_back(&v);
    for (const auto& t : pv.towns) {
        std::vector<Pt> pts{t.p};
        for (const Village* v : by_town[t.code]) pts.push_back(v->p);
        for (auto [a, b] : prim(pts)) add("村道", "C", pts[a], pts[b], t.code);
    }
    // Dead ends: a dozen village roads that stop in the fields (the policy's 断头路).
    for (int i = 0; i < 12; ++i) {
        const Village& v = pv.villages[size_t(rng.integer(0, int(pv.villages.size()) - 1))];
        const double a = rng.uniform(0, 2 * std::numbers::pi), len = rng.uniform(1200, 3000);
        add("村道", "C", v.p, {v.p.x + len * std::cos(a), v.p.y + len * std::sin(a)});
    }
}

struct UtilityRule {
    const char* name;
    double full, partial;          // chances for a 镇/乡; a 街道's are higher
    const char* plant_kind;
    const char* plant_word;
};
const UtilityRule kUtilities[] = {{"water", 0.55, 0.30, "plant", "水厂"},
                                  {"gas", 0.15, 0.15, "station", "燃气站"},
                                  {"heating", 0.25, 0.20, "plant", "热源厂"},
                                  {"sewage", 0.30, 0.25, "plant", "污水处理厂"}};

// The built-up area of a town: a circle whose radius grows with population (about 4,000 people per
// km² live in the town proper, a third of the town's people).
double builtup_radius_m(const Town& t) { return std::clamp(std::sqrt(t.pop / 3.0 / 4000.0 / std::numbers::pi) * 1000.0, 400.0, 2500.0); }

// A street grid of mains 800 m apart over the built-up circle; `keep` clips each main to the part
// that is built (false: none of it).
template <typename Keep>
void grid(std::vector<Pipe>& pipes, const char* utility, const Town& t, double radius, Keep keep) {
    const double cx = t.p.x, cy = t.p.y;
    for (double off = -radius + 400; off < radius; off += 800) {
        const double half = std::sqrt(std::max(0.0, radius * radius - off * off));
        Pt a{cx - half, cy + off}, b{cx + half, cy + off};
        Pt c{cx + off, cy - half}, d{cx + off, cy + half};
        if (keep(a, b)) pipes.push_back({utility, t.code, {a, b}});
        if (keep(c, d)) pipes.push_back({utility, t.code, {c, d}});
    }
}

void build_utilities(Province& pv, Rng& rng) {
    int plant_no = 1;
    std::map<std::string, std::vector<const Village*>> by_town;
    for (const auto& v : pv.villages) by_town[v.town].push_back(&v);
    for (const auto& t : pv.towns) {
        const double radius = builtup_radius_m(t);
        const bool urban = t.kind == "街道" || t.kind == "区" || t.kind == "开发区";
        for (const auto& u : kUtilities) {
            const double full = urban ? std::min(0.9, u.full + 0.5) : u.full;
            const double partial = urban ? 0.08 : u.partial;
            const double roll = rng.u01();
            if (roll >= full + partial) continue;  // none
            const bool is_full = roll < full;
            // A street grid of mains 800 m apart over the built-up circle; a partial network covers
            // one half only (east, west, north or south, at random).
            const int side = rng.integer(0, 3);  // served half of a partial network: E, W, N, S
            const double cx = t.p.x, cy = t.p.y;
            // Clips an axis-parallel main to the served half-plane; false when nothing is left.
            auto clip = [&](Pt& a, Pt& b) {
                if (is_full) return true;
                const bool horizontal = a.y == b.y;
                switch (side) {
                    case 0: if (horizontal) a.x = std::max(a.x, cx), b.x = std::max(b.x, cx); else if (a.x < cx) return false; break;
                    case 1: if (horizontal) a.x = std::min(a.x, cx), b.x = std::min(b.x, cx); else if (a.x > cx) return false; break;
                    case 2: if (!horizontal) a.y = std::max(a.y, cy), b.y = std::max(b.y, cy); else if (a.y < cy) return false; break;
                    default: if (!horizontal) a.y = std::min(a.y, cy), b.y = std::min(b.y, cy); else if (a.y > cy) return false; break;
                }
                return dist(a, b) > 1;
            };
            grid(pv.pipes, u.name, t, radius, clip);
            // The plant or station outside the town, joined by a trunk main.
            const double ang = rng.uniform(0, 2 * std::numbers::pi), away = radius + rng.uniform(300, 900);
            Pt plant{t.p.x + away * std::cos(ang), t.p.y + away * std::sin(ang)};
            if (!is_full) {  // on the served side
                const double dx = plant.x - t.p.x, dy = plant.y - t.p.y;
                if ((side == 0 && dx < 0) || (side == 1 && dx > 0)) plant.x = 2 * t.p.x - plant.x;
                if ((side == 2 && dy < 0) || (side == 3 && dy > 0)) plant.y = 2 * t.p.y - plant.y;
            }
            pv.pipes.push_back({u.name, t.code, {plant, t.p}});
            char id[32];
            std::snprintf(id, sizeof id, "%c%05d", u.name[0] - 32, plant_no++);
            pv.plants.push_back({u.name, id, t.name + u.plant_word, u.plant_kind, plant, NAN,
                                 std::round(t.pop * rng.uniform(0.15, 0.4))});
            // Fully served towns reach some of their villages (the policy's 向周边村屯延伸).
            if (is_full)
                for (const Village* v : by_town[t.code])
                    if (dist(v->p, t.p) < 4500 && rng.chance(0.3)) pv.pipes.push_back({u.name, t.code, {t.p, v->p}});
        }
        // Garbage transfer stations: points only.
        if (rng.chance(urban ? 0.9 : 0.55)) {
            char id[32];
            std::snprintf(id, sizeof id, "R%05d", plant_no++);
            const double ang = rng.uniform(0, 2 * std::numbers::pi), away = radius + rng.uniform(200, 800);
            pv.plants.push_back({"garbage", id, t.name + "垃圾转运站", "station",
                                 {t.p.x + away * std::cos(ang), t.p.y + away * std::sin(ang)}, 3000,
                                 std::round(t.pop / 1000.0 * 0.8)});
        }
    }
    // Village water stations with no network: plants that serve by radius.
    for (const auto& v : pv.villages)
        if (rng.chance(0.05)) {
            char id[32];
            std::snprintf(id, sizeof id, "W%05d", plant_no++);
            pv.plants.push_back({"water", id, v.name + "供水站", "plant", {v.p.x + rng.uniform(-150, 150), v.p.y + rng.uniform(-150, 150)},
                                 500, std::round(v.pop)});
        }
}

// The later years of the utility and facility layers: the first year's networks, plants and
// facilities plus the works built since, each dated 2024 or 2025; a year's file holds the works of
// that year and before, so that the yearly review sees a trend. The works: in about a fifth of the
// town-utility pairs a full street grid of mains (which closes the town's gap); in about a sixth of
// the 镇 and 乡 that have a network, mains along the village roads to all of their villages (the
// extension to the villages, along the roads that townsite's extensions follow); and in about one
// 镇 or 乡 in eight a new home for the elderly (敬老院), in one in ten a new kindergarten (幼儿园).
struct LaterWorks {
    std::vector<std::pair<int, Pipe>> pipes;           // (year built, main)
    std::vector<std::pair<int, Facility>> facilities;  // (year opened, facility)
    int grids = 0, village_mains = 0;
};

LaterWorks build_later_works(const Province& pv, Rng& rng) {
    LaterWorks w;
    std::map<std::string, std::vector<const Road*>> village_roads;
    for (const auto& r : pv.roads)
        if (!r.town.empty()) village_roads[r.town].push_back(&r);
    std::set<std::pair<std::string, std::string>> has_network;   // (utility, town)
    for (const auto& p : pv.pipes) has_network.insert({p.utility, p.town});
    int facility_no = int(pv.facilities.size()) + 1;
    auto year = [&rng] { return rng.chance(0.45) ? 2024 : 2025; };
    for (const auto& t : pv.towns) {
        const bool rural = t.kind == "镇" || t.kind == "乡";
        for (const auto& u : kUtilities) {
            if (rng.chance(0.2)) {
                std::vector<Pipe> g;
                grid(g, u.name, t, builtup_radius_m(t), [](Pt&, Pt&) { return true; });
                const int y = year();
                for (auto& p : g) w.pipes.emplace_back(y, std::move(p));
                ++w.grids;
            }
            if (rural && has_network.count({u.name, t.code}) && rng.chance(0.17)) {
                const int y = year();
                for (const Road* r : village_roads[t.code]) w.pipes.emplace_back(y, Pipe{u.name, t.code, r->pts});
                ++w.village_mains;
            }
        }
        if (!rural) continue;
        const double scale = t.pop / 20000.0;
        auto open = [&](const char* kind, const std::string& name, double capacity) {
            char id[16];
            std::snprintf(id, sizeof id, "F%05d", facility_no++);
            const double a = rng.uniform(0, 2 * std::numbers::pi), r = rng.uniform(40, 220);
            const int y = year();
            w.facilities.emplace_back(y, Facility{id, kind, name, {t.p.x + r * std::cos(a), t.p.y + r * std::sin(a)}, std::round(capacity)});
        };
        if (rng.chance(0.125)) open("elderly_care", t.name + "新建敬老院", rng.uniform(40, 100) * scale);
        if (rng.chance(0.1)) open("childcare", t.name + "新建幼儿园", rng.uniform(90, 200) * scale);
    }
    return w;
}

void build_facilities(Province& pv, Rng& rng) {
    int no = 1;
    auto near = [&rng](Pt p) {
        const double a = rng.uniform(0, 2 * std::numbers::pi), r = rng.uniform(40, 220);
        return Pt{p.x + r * std::cos(a), p.y + r * std::sin(a)};
    };
    auto add = [&](const std::string& kind, const std::string& name, Pt p, double capacity) {
        char id[16];
        std::snprintf(id, sizeof id, "F%05d", no++);
        pv.facilities.push_back({id, kind, name, near(p), std::round(capacity)});
    };
    for (const auto& t : pv.towns) {
        const bool urban = t.kind == "街道" || t.kind == "区" || t.kind == "开发区";
        const double scale = t.pop / 20000.0;
        if (rng.chance(urban ? 0.9 : 0.95)) add("clinic", t.name + (urban ? "社区卫生服务中心" : "卫生院"), t.p, rng.uniform(15, 40) * scale);
        if (rng.chance(0.9)) add("school", t.name + "中心小学", t.p, rng.uniform(600, 1200) * scale);
        if (rng.chance(urban ? 0.8 : 0.6)) add("elderly_care", t.name + (urban ? "养老服务中心" : "敬老院"), t.p, rng.uniform(30, 90) * scale);
        if (rng.chance(urban ? 0.85 : 0.45)) add("childcare", t.name + "中心幼儿园", t.p, rng.uniform(90, 240) * scale);
    }
    for (const auto& v : pv.villages) {
        if (rng.chance(0.5)) add("clinic", v.name + "卫生室", v.p, rng.uniform(2, 6));
        if (rng.chance(0.15)) add("elderly_care", v.name + "幸福院", v.p, rng.uniform(10, 30));
    }
}

void build_sites(Province& pv, Rng& rng) {
    const char* kinds[] = {"文物保护单位", "历史建筑", "古树名木"};
    const char* suffix[] = {"遗址", "老街", "古榆"};
    for (int i = 0; i < 40; ++i) {
        const Town& t = pv.towns[size_t(rng.integer(0, int(pv.towns.size()) - 1))];
        const int k = i % 3;
        const double a = rng.uniform(0, 2 * std::numbers::pi), r = rng.uniform(300, 2000);
        char id[16];
        std::snprintf(id, sizeof id, "P%03d", i + 1);
        pv.sites.push_back({id, t.name + suffix[k], kinds[k], {t.p.x + r * std::cos(a), t.p.y + r * std::sin(a)}});
    }
}

GeomPtr line(const GeosContext& geos, const std::vector<Pt>& pts);

// An irregular blob of mean radius r around c: three waves of random phase on the circle.
GeomPtr blob(const GeosContext& geos, Rng& rng, Pt c, double r, int n = 48) {
    double amp[3], phase[3];
    for (int k = 0; k < 3; ++k) amp[k] = rng.uniform(0, 0.18 / (k + 1)), phase[k] = rng.uniform(0, 2 * std::numbers::pi);
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.get(), unsigned(n + 1), 2);
    for (int i = 0; i <= n; ++i) {
        const double a = 2 * std::numbers::pi * (i % n) / n;
        double f = 1;
        for (int k = 0; k < 3; ++k) f += amp[k] * std::cos((k + 1) * a + phase[k]);
        GEOSCoordSeq_setXY_r(geos.get(), seq, unsigned(i), c.x + r * f * std::cos(a), c.y + r * f * std::sin(a));
    }
    return geos.own(GEOSGeom_createPolygon_r(geos.get(), GEOSGeom_createLinearRing_r(geos.get(), seq), nullptr, 0));
}

// The spatial plan's bottom lines, all synthetic (sample_data/README.md), from their own seed so
// that every other layer stays as it was:
//   - an urban development boundary around each 镇 and 乡: a blob 1.2 to 1.6 times its built-up radius;
//   - permanent basic farmland around the towns of the western and central plains (west of 126.3°E):
//     a blob of 3.5 to 5 km, 300 m clear of every town's built-up circle and boundary, with one or two wedges left out (roads,
//     orchards, villages' own land), and less the patches of the towns before it (no overlaps);
//   - ecological protection red lines: forests over the eastern mountains (counties seated east of
//     127°E, two blobs of 6 to 14 km each) and three river corridors 600 m wide across the east;
//     none within 1 km of a town's seat or 200 m of its boundary, and the corridors of the roads of
//     county class and above (40 m wide: the existing roads and bridges) left out of them.
void build_bottom_lines(Province& pv, const GeosContext& geos, const Transformer& tr, Maker& make, Rng& rng) {
    GEOSContextHandle_t ctx = geos.get();
    auto lon_of = [&](Pt p) { tr.to_lonlat(p.x, p.y); return p.x; };
    auto circle = [&](Pt c, double r) { return geos.own(GEOSBuffer_r(ctx, make.point(c).get(), r, 16)); };
    auto seats_within = [&](double r) {
        std::vector<GeomPtr> parts;
        for (const Town& t : pv.towns) parts.push_back(circle(t.p, r));
        return geos.union_of(std::move(parts));
    };
    int no = 1;
    char id[16];
    for (const Town& t : pv.towns) {
        if (t.kind != "镇" && t.kind != "乡") continue;
        std::snprintf(id, sizeof id, "U%04d", no++);
        pv.boundaries.push_back({id, t.name + "城镇开发边界", t.code, blob(geos, rng, t.p, builtup_radius_m(t) * rng.uniform(1.2, 1.6))});
    }
    std::map<std::string, const GEOSGeometry*> boundary_of;
    for (const Zone& z : pv.boundaries) boundary_of[z.town] = z.poly.get();
    no = 1;
    std::vector<Pt> farmland_centre;
    for (std::size_t i = 0; i < pv.towns.size(); ++i) {
        const Town& t = pv.towns[i];
        if (lon_of(t.p) >= 126.3 || t.kind == "区") continue;
        GeomPtr land = blob(geos, rng, t.p, rng.uniform(3500, 5000));
        // Not on any town: 300 m clear of every built-up circle and urban development boundary near.
        for (std::size_t j = 0; j < pv.towns.size(); ++j) {
            const Town& other = pv.towns[j];
            if (dist(other.p, t.p) > 12000) continue;
            if (GeomPtr rest = geos.own(GEOSDifference_r(ctx, land.get(), circle(other.p, builtup_radius_m(other) + 300).get()))) land = geos.polygonal(std::move(rest));
            const auto b = boundary_of.find(other.code);
            if (b == boundary_of.end()) continue;
            const GeomPtr clear = geos.own(GEOSBuffer_r(ctx, b->second, 300, 4));
            if (GeomPtr rest = geos.own(GEOSDifference_r(ctx, land.get(), clear.get()))) land = geos.polygonal(std::move(rest));
        }
        for (int w = 0, wedges = rng.integer(1, 2); w < wedges; ++w) {
            const double a = rng.uniform(0, 2 * std::numbers::pi), half = rng.uniform(0.3, 0.7);
            const std::vector<Pt> tri = {t.p, {t.p.x + 8000 * std::cos(a - half), t.p.y + 8000 * std::sin(a - half)},
                                         {t.p.x + 8000 * std::cos(a + half), t.p.y + 8000 * std::sin(a + half)}, t.p};
            GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, 4, 2);
            for (unsigned k = 0; k < 4; ++k) GEOSCoordSeq_setXY_r(ctx, seq, k, tri[k].x, tri[k].y);
            GeomPtr wedge = geos.own(GEOSGeom_createPolygon_r(ctx, GEOSGeom_createLinearRing_r(ctx, seq), nullptr, 0));
            if (GeomPtr rest = geos.own(GEOSDifference_r(ctx, land.get(), wedge.get()))) land = geos.polygonal(std::move(rest));
        }
        // Patches do not overlap, as in a real farmland layer: what an earlier town took is not taken again.
        // (A cut that fails on a nearly degenerate shape is retried on the shapes made valid.)
        for (std::size_t k = 0; k < pv.farmland.size(); ++k)
            if (dist(farmland_centre[k], t.p) < 14000) {
                GeomPtr rest = geos.own(GEOSDifference_r(ctx, land.get(), pv.farmland[k].poly.get()));
                if (!rest) {
                    const GeomPtr a = geos.own(GEOSMakeValid_r(ctx, land.get())), b = geos.own(GEOSMakeValid_r(ctx, pv.farmland[k].poly.get()));
                    rest = geos.own(GEOSDifference_r(ctx, a.get(), b.get()));
                }
                if (!rest) throw Error("farmland: a cut failed");
                land = geos.polygonal(std::move(rest));
            }
        // The cuts leave slivers a few centimetres wide that rounding to centimetres would make
        // invalid: opened by 2 m (shrunk, then grown back).
        if (GeomPtr shrunk = geos.own(GEOSBuffer_r(ctx, land.get(), -2, 2)))
            if (GeomPtr opened = geos.own(GEOSBuffer_r(ctx, shrunk.get(), 2, 2))) land = geos.polygonal(std::move(opened));
        if (GEOSisEmpty_r(ctx, land.get()) == 1 || GEOSGeom_getDimensions_r(ctx, land.get()) != 2) continue;
        std::snprintf(id, sizeof id, "F%04d", no++);
        farmland_centre.push_back(t.p);
        pv.farmland.push_back({id, t.name + "永久基本农田", "", std::move(land)});
    }
    // Red lines: keep the towns and the main roads out.
    GeomPtr kept_out;
    {
        std::vector<GeomPtr> parts;
        parts.push_back(seats_within(1000));
        for (const Zone& z : pv.boundaries) parts.push_back(geos.own(GEOSBuffer_r(ctx, z.poly.get(), 200, 4)));
        std::vector<GEOSGeometry*> mains;
        for (const Road& r : pv.roads)
            if (r.cls != "村道" && r.cls != "乡道") mains.push_back(line(geos, r.pts).release());
        GeomPtr all = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_MULTILINESTRING, mains.data(), unsigned(mains.size())));
        parts.push_back(geos.own(GEOSBuffer_r(ctx, all.get(), 20, 2)));
        kept_out = geos.union_of(std::move(parts));
    }

    no = 1;
    for (const County& c : pv.counties) {
        if (lon_of(c.seat) <= 127.0) continue;
        std::vector<GeomPtr> parts;
        for (int k = 0; k < 2; ++k) parts.push_back(blob(geos, rng, make.sample_in(c, {}, 0, c.seat, 0), rng.uniform(6000, 14000)));
        GeomPtr forest = geos.union_of(std::move(parts));
        forest = geos.own(GEOSIntersection_r(ctx, forest.get(), c.poly.get()));
        forest = geos.own(GEOSDifference_r(ctx, forest.get(), kept_out.get()));
        if (!forest || GEOSisEmpty_r(ctx, forest.get())) continue;
        std::snprintf(id, sizeof id, "R%03d", no++);
        pv.redline.push_back({id, c.name + "森林生态保护红线", "", std::move(forest)});
    }
    // Rivers: a meander from a random eastern county seat, westward, about 120 km.
    std::vector<const County*> east;
    for (const County& c : pv.counties)
        if (lon_of(c.seat) > 127.5) east.push_back(&c);
    for (int river = 0; river < 3 && !east.empty(); ++river) {
        const County& from = *east[std::size_t(rng.integer(0, int(east.size()) - 1))];
        Pt p = {from.seat.x + rng.uniform(-15000, 15000), from.seat.y + rng.uniform(-15000, 15000)};
        double heading = std::numbers::pi + rng.uniform(-0.6, 0.6);
        std::vector<Pt> pts{p};
        for (int step = 0; step < 60; ++step) {
            heading += rng.normal() * 0.25;
            p = {p.x + 2000 * std::cos(heading), p.y + 2000 * std::sin(heading)};
            pts.push_back(p);
        }
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, unsigned(pts.size()), 2);
        for (unsigned k = 0; k < pts.size(); ++k) GEOSCoordSeq_setXY_r(ctx, seq, k, pts[k].x, pts[k].y);
        GeomPtr course = geos.own(GEOSGeom_createLineString_r(ctx, seq));
        GeomPtr corridor = geos.own(GEOSBuffer_r(ctx, course.get(), 300, 4));
        corridor = geos.own(GEOSIntersection_r(ctx, corridor.get(), pv.outline.get()));
        corridor = geos.own(GEOSDifference_r(ctx, corridor.get(), kept_out.get()));
        if (!corridor || GEOSisEmpty_r(ctx, corridor.get())) continue;
        std::snprintf(id, sizeof id, "R%03d", no++);
        pv.redline.push_back({id, "河流生态保护红线（第" + std::to_string(river + 1) + "段）", "", std::move(corridor)});
    }
}

// --density country: the settlements and roads of a whole country at the density of China's
// (about 40,000 township-level units, 700,000 villages and 10 million road segments: some 17
// villages per town and 270,000 road segments per copy of the province). Drawn after everything
// else from their own seed, so that every other layer is the sample's own:
//   - villages: each 镇, 乡, 农场 and 林场 gets one per 640 people (10 to 60), its sample villages
//     first; each new village of about 700 people is linked by a village road to the local roads;
//   - local roads that grow with area, not with towns: in each county a grid of roads `spacing`
//     apart (every fifth line a township road, the others village roads), its nodes moved by up
//     to a fifth of the spacing and a sixth of its links left out, cut to the county, kept to its
//     largest connected piece and with no dead ends (a link to a node with no other road is dropped
//     until there is none); every town is linked to it by a township road. Each link between two
//     nodes is one feature, as in OSM.
// The disconnected forest farm keeps to itself: no new villages, no link to the grid.
void build_country_density(Province& pv, const GeosContext& geos, Rng& rng, double spacing) {
    GEOSContextHandle_t ctx = geos.get();
    Maker make(geos, rng);
    const std::string isolated = isolated_town(pv);
    int ref = 1;
    auto add = [&](const char* cls, const char* prefix, std::vector<Pt> pts, const std::string& town) {
        pv.roads.push_back({cls, prefix + std::to_string(ref++), std::move(pts), town});
    };

    // The grid of each county: node (i, j) near (x0 + (i + 0.5) spacing, y0 + (j + 0.5) spacing).
    struct Grid {
        double x0 = 0, y0 = 0;
        int nx = 0, ny = 0;
        std::vector<Pt> at;        // nx * ny positions
        std::vector<char> alive;   // nx * ny: the node is on a kept road
    };
    std::map<std::string, Grid> grids;
    for (const County& c : pv.counties) {
        Grid& g = grids[c.code];
        double x1 = 0, y1 = 0;
        GEOSGeom_getXMin_r(ctx, c.poly.get(), &g.x0);
        GEOSGeom_getYMin_r(ctx, c.poly.get(), &g.y0);
        GEOSGeom_getXMax_r(ctx, c.poly.get(), &x1);
        GEOSGeom_getYMax_r(ctx, c.poly.get(), &y1);
        g.nx = int((x1 - g.x0) / spacing) + 1;
        g.ny = int((y1 - g.y0) / spacing) + 1;
        const int n = g.nx * g.ny;
        g.at.resize(std::size_t(n));
        g.alive.assign(std::size_t(n), 0);
        for (int j = 0; j < g.ny; ++j)
            for (int i = 0; i < g.nx; ++i) {
                const Pt p{g.x0 + (i + 0.5 + rng.uniform(-0.2, 0.2)) * spacing, g.y0 + (j + 0.5 + rng.uniform(-0.2, 0.2)) * spacing};
                g.at[std::size_t(j * g.nx + i)] = p;
                g.alive[std::size_t(j * g.nx + i)] = make.inside(c, p);
            }
        // Links to the right (even) and up (odd) neighbour, a sixth of them left out.
        std::vector<char> link(std::size_t(2 * n), 0);
        for (int k = 0; k < n; ++k) {
            const int i = k % g.nx, j = k / g.nx;
            if (i + 1 < g.nx) link[std::size_t(2 * k)] = g.alive[std::size_t(k)] && g.alive[std::size_t(k + 1)] && !rng.chance(1.0 / 6);
            if (j + 1 < g.ny) link[std::size_t(2 * k + 1)] = g.alive[std::size_t(k)] && g.alive[std::size_t(k + g.nx)] && !rng.chance(1.0 / 6);
        }
        auto other = [&](int l) { return l % 2 == 0 ? l / 2 + 1 : l / 2 + g.nx; };
        // The largest connected piece (union-find by node).
        std::vector<int> root(static_cast<std::size_t>(n));
        for (int k = 0; k < n; ++k) root[std::size_t(k)] = k;
        auto find = [&](int k) {
            while (root[std::size_t(k)] != k) k = root[std::size_t(k)] = root[std::size_t(root[std::size_t(k)])];
            return k;
        };
        for (int l = 0; l < 2 * n; ++l)
            if (link[std::size_t(l)]) root[std::size_t(find(l / 2))] = find(other(l));
        std::vector<int> size(std::size_t(n), 0);
        for (int l = 0; l < 2 * n; ++l)
            if (link[std::size_t(l)]) ++size[std::size_t(find(l / 2))];
        const int biggest = int(std::max_element(size.begin(), size.end()) - size.begin());
        std::vector<int> degree(std::size_t(n), 0);
        for (int l = 0; l < 2 * n; ++l) {
            if (link[std::size_t(l)] && find(l / 2) != biggest) link[std::size_t(l)] = 0;
            if (link[std::size_t(l)]) ++degree[std::size_t(l / 2)], ++degree[std::size_t(other(l))];
        }
        // No dead ends: drop the link of a node with one, until none is left.
        auto links_of = [&](int k) {
            std::vector<int> ls;
            const int i = k % g.nx;
            if (i + 1 < g.nx) ls.push_back(2 * k);
            if (k + g.nx < n) ls.push_back(2 * k + 1);
            if (i > 0) ls.push_back(2 * (k - 1));
            if (k - g.nx >= 0) ls.push_back(2 * (k - g.nx) + 1);
            return ls;
        };
        std::vector<int> todo;
        for (int k = 0; k < n; ++k)
            if (degree[std::size_t(k)] == 1) todo.push_back(k);
        while (!todo.empty()) {
            const int k = todo.back();
            todo.pop_back();
            if (degree[std::size_t(k)] != 1) continue;
            for (int l : links_of(k)) {
                if (!link[std::size_t(l)]) continue;
                link[std::size_t(l)] = 0;
                const int a = l / 2, b = other(l), far = a == k ? b : a;
                --degree[std::size_t(k)];
                if (--degree[std::size_t(far)] == 1) todo.push_back(far);
            }
        }
        for (int k = 0; k < n; ++k) g.alive[std::size_t(k)] = degree[std::size_t(k)] > 0;
        for (int l = 0; l < 2 * n; ++l) {
            if (!link[std::size_t(l)]) continue;
            const int a = l / 2, b = other(l);
            const bool township = l % 2 == 0 ? (a / g.nx) % 5 == 0 : (a % g.nx) % 5 == 0;
            add(township ? "乡道" : "村道", township ? "Y" : "C", {g.at[std::size_t(a)], g.at[std::size_t(b)]}, "");
        }
    }
    // The nearest node on the county's kept roads, if one is within a few cells.
    auto nearest = [&](const std::string& county, Pt p) -> std::optional<Pt> {
        const Grid& g = grids.at(county);
        const int ci = int((p.x - g.x0) / spacing), cj = int((p.y - g.y0) / spacing);
        std::optional<Pt> best;
        for (int reach = 2; reach <= 8 && !best; reach *= 2)
            for (int j = std::max(0, cj - reach); j <= std::min(g.ny - 1, cj + reach); ++j)
                for (int i = std::max(0, ci - reach); i <= std::min(g.nx - 1, ci + reach); ++i) {
                    const std::size_t k = std::size_t(j * g.nx + i);
                    if (g.alive[k] && (!best || dist(p, g.at[k]) < dist(p, *best))) best = g.at[k];
                }
        return best;
    };

    std::map<std::string, std::vector<Pt>> taken;   // per county: towns, then the sample's villages
    std::map<std::string, std::string> county_of_town;
    std::map<std::string, int> villages_of;
    for (const auto& t : pv.towns) taken[t.county].push_back(t.p), county_of_town[t.code] = t.county;
    for (const auto& v : pv.villages) ++villages_of[v.town], taken[county_of_town.at(v.town)].push_back(v.p);
    for (const auto& t : pv.towns) {
        if (t.code == isolated) continue;
        if (const auto node = nearest(t.county, t.p); node && dist(t.p, *node) >= 1.0) add("乡道", "Y", make.road(t.p, *node), "");
        if (t.kind == "街道" || t.kind == "区" || t.kind == "开发区") continue;
        const County& c = county_of(pv, t.county);
        const int n = std::clamp(int(std::lround(t.pop / 640.0)), 10, 60);
        for (int i = villages_of[t.code]; i < n; ++i) {
            Village v = village_of(t, i);
            v.pop = std::round(rng.lognormal(700, 0.45));
            v.p = make.sample_in(c, taken[c.code], 1300, t.p, 9000);
            taken[c.code].push_back(v.p);
            const auto node = nearest(t.county, v.p);
            const Pt to = node ? *node : t.p;
            if (dist(v.p, to) >= 1.0) add("村道", "C", make.road(v.p, to), t.code);
            pv.villages.push_back(v);
        }
    }
}

// ---------------------------------------------------------------- writing
class Writer {
public:
    Writer(const std::string& path, const GeosContext& geos, const Transformer& tr)
        : m_geos(geos), m_tr(tr) {
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        m_ds.reset(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!m_ds) throw Error("cannot create " + path + ": " + gdal_last_error());
    }
    void start_transaction() { m_ds->StartTransaction(); }
    void commit() { m_ds->CommitTransaction(); }

    OGRLayer* layer(const std::string& name, OGRwkbGeometryType type, int epsg,
                    const std::vector<std::pair<std::string, OGRFieldType>>& fields) {
        OGRSpatialReference srs;
        srs.importFromEPSG(epsg);
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        char** opts = CSLSetNameValue(nullptr, "FID", "fid");
        OGRLayer* l = m_ds->CreateLayer(name.c_str(), &srs, type, opts);
        CSLDestroy(opts);
        for (const auto& [fname, ftype] : fields) {
            OGRFieldDefn fd(fname.c_str(), ftype);
            if (ftype == OFTInteger && (fname == "border" || fname == "key_assistance" || fname == "node_town"))
                fd.SetSubType(OFSTBoolean);
            l->CreateField(&fd);
        }
        m_epsg[l] = epsg;
        return l;
    }

    // Geometry from metres to the layer's CRS, shifted by (dlon, dlat) for tiled copies.
    void put(OGRLayer* l, OGRFeature& f, const GEOSGeometry* g) {
        GeomPtr ll = m_geos.own(GEOSGeom_transformXY_r(m_geos.get(), g, to_lonlat_cb, this));
        std::unique_ptr<unsigned char, decltype(&std::free)> wkb(nullptr, &std::free);
        size_t size = 0;
        GEOSWKBWriter* w = GEOSWKBWriter_create_r(m_geos.get());
        unsigned char* raw = GEOSWKBWriter_write_r(m_geos.get(), w, ll.get(), &size);
        GEOSWKBWriter_destroy_r(m_geos.get(), w);
        OGRGeometry* og = nullptr;
        OGRGeometryFactory::createFromWkb(raw, nullptr, &og, size);
        GEOSFree_r(m_geos.get(), raw);
        if (m_epsg[l] != 4326 && m_epsg[l] != 4490) {
            auto& ct = m_ct[l];  // one transformation per layer
            if (!ct) {
                OGRSpatialReference wgs, target;
                wgs.SetWellKnownGeogCS("WGS84");
                wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
                target.importFromEPSG(m_epsg[l]);
                target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
                ct.reset(OGRCreateCoordinateTransformation(&wgs, &target));
            }
            og->transform(ct.get());
            round_coords(og, 100.0);  // centimetres
        }
        f.SetGeometryDirectly(og);
        if (l->CreateFeature(&f) != OGRERR_NONE) throw Error("cannot write a feature: " + gdal_last_error());
    }

    // A geometry already in lon/lat (EPSG:4326 layers only).
    void put_lonlat(OGRLayer* l, OGRFeature& f, OGRGeometry* g) {
        f.SetGeometryDirectly(g);
        if (l->CreateFeature(&f) != OGRERR_NONE) throw Error("cannot write a feature: " + gdal_last_error());
    }

    double dlon = 0, dlat = 0;

private:
    static int to_lonlat_cb(double* x, double* y, void* self) {
        auto* w = static_cast<Writer*>(self);
        w->m_tr.to_lonlat(*x, *y);
        // 1e-7 degrees (about 1 cm): stable bytes, no false precision.
        *x = std::round((*x + w->dlon) * 1e7) / 1e7;
        *y = std::round((*y + w->dlat) * 1e7) / 1e7;
        return 1;
    }
    static void round_coords(OGRGeometry* g, double factor) {
        struct Rounder : public OGRDefaultGeometryVisitor {
            double k;
            using OGRDefaultGeometryVisitor::visit;
            void visit(OGRPoint* p) override { p->setX(std::round(p->getX() * k) / k); p->setY(std::round(p->getY() * k) / k); }
        } r;
        r.k = factor;
        g->accept(&r);
    }

    const GeosContext& m_geos;
    const Transformer& m_tr;
    GDALDatasetUniquePtr m_ds;
    std::map<OGRLayer*, int> m_epsg;
    std::map<OGRLayer*, std::unique_ptr<OGRCoordinateTransformation>> m_ct;
};

GeomPtr line(const GeosContext& geos, const std::vector<Pt>& pts) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.get(), unsigned(pts.size()), 2);
    for (unsigned i = 0; i < pts.size(); ++i) GEOSCoordSeq_setXY_r(geos.get(), seq, i, pts[i].x, pts[i].y);
    return geos.own(GEOSGeom_createLineString_r(geos.get(), seq));
}

struct LayerSet {
    OGRLayer *prefectures, *counties, *towns, *villages, *metro, *cores, *border, *roads, *facilities, *protected_sites;
    OGRLayer *boundaries, *farmland, *redline;
    std::map<std::string, OGRLayer*> pipes, plants;
};

void add_utility_layers(Writer& w, LayerSet& s);
void add_facility_layer(Writer& w, LayerSet& s) {
    using F = std::vector<std::pair<std::string, OGRFieldType>>;
    s.facilities = w.layer("facilities", wkbPoint, 4326, F{{"id", OFTString}, {"kind", OFTString}, {"name", OFTString}, {"capacity", OFTInteger}});
}

LayerSet create_layers(Writer& w) {
    using F = std::vector<std::pair<std::string, OGRFieldType>>;
    LayerSet s;
    s.prefectures = w.layer("prefectures", wkbMultiPolygon, 4326, F{{"code", OFTString}, {"name", OFTString}, {"seat_lon", OFTReal}, {"seat_lat", OFTReal}});
    s.counties = w.layer("counties", wkbMultiPolygon, 4326,
                         F{{"code", OFTString}, {"name", OFTString}, {"prefecture", OFTString}, {"seat_lon", OFTReal},
                           {"seat_lat", OFTReal}, {"border", OFTInteger}, {"key_assistance", OFTInteger}});
    s.towns = w.layer("towns", wkbPoint, 4326,
                      F{{"code", OFTString}, {"name", OFTString}, {"kind", OFTString}, {"county", OFTString},
                        {"stat_county", OFTString}, {"seat", OFTInteger}, {"population", OFTInteger},
                        {"industry_output", OFTReal}, {"dev_land_ha", OFTReal}, {"node_town", OFTInteger}});
    s.villages = w.layer("villages", wkbPoint, 4490, F{{"code", OFTString}, {"name", OFTString}, {"town", OFTString}, {"population", OFTInteger}});
    s.metro = w.layer("metro_areas", wkbMultiPolygon, 4326, F{{"id", OFTString}, {"name", OFTString}});
    s.cores = w.layer("city_cores", wkbPoint, 4326, F{{"id", OFTString}, {"name", OFTString}, {"prefecture", OFTString}});
    s.border = w.layer("border", wkbMultiLineString, 4326, F{{"id", OFTString}, {"name", OFTString}});
    s.roads = w.layer("roads", wkbLineString, 4326, F{{"id", OFTString}, {"class", OFTString}, {"ref", OFTString}, {"oneway", OFTString}});
    add_utility_layers(w, s);
    add_facility_layer(w, s);
    s.protected_sites = w.layer("protected_sites", wkbPoint, 4551, F{{"id", OFTString}, {"name", OFTString}, {"kind", OFTString}});
    // The spatial plan's layers come as planning offices send them: boundaries in CGCS2000 lon/lat,
    // farmland and red lines in CGCS2000 / 3-degree Gauss-Kruger CM 126E.
    s.boundaries = w.layer("urban_boundaries", wkbMultiPolygon, 4490, F{{"id", OFTString}, {"name", OFTString}, {"town", OFTString}});
    s.farmland = w.layer("farmland", wkbMultiPolygon, 4551, F{{"id", OFTString}, {"name", OFTString}});
    s.redline = w.layer("eco_redline", wkbMultiPolygon, 4551, F{{"id", OFTString}, {"name", OFTString}});
    return s;
}

void add_utility_layers(Writer& w, LayerSet& s) {
    using F = std::vector<std::pair<std::string, OGRFieldType>>;
    for (const auto& u : kUtilities) {
        s.pipes[u.name] = w.layer(std::string(u.name) + "_pipes", wkbLineString, 4326, F{{"id", OFTString}, {"kind", OFTString}, {"town", OFTString}});
        s.plants[u.name] = w.layer(std::string(u.name) + "_plants", wkbPoint, 4326,
                                   F{{"id", OFTString}, {"kind", OFTString}, {"name", OFTString}, {"radius_m", OFTReal}, {"capacity", OFTReal}});
    }
    s.plants["garbage"] = w.layer("garbage_stations", wkbPoint, 4326,
                                  F{{"id", OFTString}, {"kind", OFTString}, {"name", OFTString}, {"radius_m", OFTReal}, {"capacity", OFTReal}});
}

// The pipes and plants of one year.
void write_utilities(const std::vector<Pipe>& pipes, const std::vector<Plant>& plants, Writer& w, const LayerSet& s, const GeosContext& geos,
                     const std::string& prefix) {
    auto code = [&prefix](const std::string& c) { return prefix + c; };
    auto pt = [&](Pt p) { return geos.own(GEOSGeom_createPointFromXY_r(geos.get(), p.x, p.y)); };
    int no = 1;
    for (const auto& p : pipes) {
        OGRFeature f(s.pipes.at(p.utility)->GetLayerDefn());
        char id[16];
        std::snprintf(id, sizeof id, "%06d", no++);
        f.SetField("id", code(id).c_str());
        f.SetField("kind", "pipe");
        f.SetField("town", code(p.town).c_str());
        w.put(s.pipes.at(p.utility), f, line(geos, p.pts).get());
    }
    for (const auto& p : plants) {
        OGRLayer* l = s.plants.at(p.utility);
        OGRFeature f(l->GetLayerDefn());
        f.SetField("id", code(p.id).c_str());
        f.SetField("kind", p.kind.c_str());
        f.SetField("name", p.name.c_str());
        if (!std::isnan(p.radius_m)) f.SetField("radius_m", p.radius_m);
        if (!std::isnan(p.capacity)) f.SetField("capacity", p.capacity);
        w.put(l, f, pt(p.p).get());
    }
}

void write_facilities(const std::vector<Facility>& facilities, Writer& w, const LayerSet& s, const GeosContext& geos,
                      const std::string& prefix) {
    for (const auto& x : facilities) {
        OGRFeature f(s.facilities->GetLayerDefn());
        f.SetField("id", (prefix + x.id).c_str());
        f.SetField("kind", x.kind.c_str());
        f.SetField("name", x.name.c_str());
        f.SetField("capacity", int(x.capacity));
        w.put(s.facilities, f, geos.own(GEOSGeom_createPointFromXY_r(geos.get(), x.p.x, x.p.y)).get());
    }
}

void write_copy(const Province& pv, Writer& w, const LayerSet& s, const GeosContext& geos, const Transformer& tr,
                const std::string& prefix) {
    GEOSContextHandle_t ctx = geos.get();
    auto code = [&prefix](const std::string& c) { return prefix + c; };
    auto multi = [&](const GEOSGeometry* g) {
        if (GEOSGeomTypeId_r(ctx, g) == GEOS_MULTIPOLYGON) return geos.own(GEOSGeom_clone_r(ctx, g));
        GEOSGeometry* parts[] = {GEOSGeom_clone_r(ctx, g)};
        return geos.own(GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, parts, 1));
    };
    auto lonlat = [&](Pt p) { tr.to_lonlat(p.x, p.y); return Pt{std::round((p.x + w.dlon) * 1e7) / 1e7, std::round((p.y + w.dlat) * 1e7) / 1e7}; };
    auto pt = [&](Pt p) { return geos.own(GEOSGeom_createPointFromXY_r(ctx, p.x, p.y)); };

    for (const auto& p : pv.prefectures) {
        OGRFeature f(s.prefectures->GetLayerDefn());
        f.SetField("code", code(p.code6).c_str());
        f.SetField("name", p.name.c_str());
        const Pt ll = lonlat(p.seat);
        f.SetField("seat_lon", ll.x);
        f.SetField("seat_lat", ll.y);
        w.put(s.prefectures, f, multi(p.poly.get()).get());
    }
    for (const auto& c : pv.counties) {
        OGRFeature f(s.counties->GetLayerDefn());
        f.SetField("code", code(c.code).c_str());
        f.SetField("name", c.name.c_str());
        f.SetField("prefecture", code(c.pref6).c_str());
        const Pt ll = lonlat(c.seat);
        f.SetField("seat_lon", ll.x);
        f.SetField("seat_lat", ll.y);
        f.SetField("border", c.border ? 1 : 0);
        f.SetField("key_assistance", c.key_assistance ? 1 : 0);
        w.put(s.counties, f, multi(c.poly.get()).get());
    }
    for (const auto& t : pv.towns) {
        OGRFeature f(s.towns->GetLayerDefn());
        f.SetField("code", code(t.code).c_str());
        f.SetField("name", t.name.c_str());
        f.SetField("kind", t.kind.c_str());
        f.SetField("county", code(t.county).c_str());
        f.SetField("stat_county", code(t.stat_county).c_str());
        f.SetField("seat", t.seat ? 1 : 0);
        f.SetField("population", int(t.pop));
        f.SetField("industry_output", t.industry);
        f.SetField("dev_land_ha", t.land);
        f.SetField("node_town", t.node ? 1 : 0);
        w.put(s.towns, f, pt(t.p).get());
    }
    for (const auto& v : pv.villages) {
        OGRFeature f(s.villages->GetLayerDefn());
        f.SetField("code", code(v.code).c_str());
        f.SetField("name", v.name.c_str());
        f.SetField("town", code(v.town).c_str());
        f.SetField("population", int(v.pop));
        w.put(s.villages, f, pt(v.p).get());
    }
    {
        OGRFeature f(s.metro->GetLayerDefn());
        f.SetField("id", code("changchun").c_str());
        f.SetField("name", "长春都市圈");
        w.put(s.metro, f, multi(pv.metro.get()).get());
    }
    for (const auto& p : pv.prefectures) {
        OGRFeature f(s.cores->GetLayerDefn());
        f.SetField("id", code(p.code6).c_str());
        f.SetField("name", (p.name + "城区").c_str());
        f.SetField("prefecture", code(p.code6).c_str());
        w.put(s.cores, f, pt(p.seat).get());
    }
    {
        std::vector<GEOSGeometry*> parts;
        for (const auto& l : pv.border) parts.push_back(line(geos, l).release());
        OGRFeature f(s.border->GetLayerDefn());
        f.SetField("id", code("border").c_str());
        f.SetField("name", "国界 (中朝、中俄)");
        GeomPtr ml = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_MULTILINESTRING, parts.data(), unsigned(parts.size())));
        w.put(s.border, f, ml.get());
    }
    int no = 1;
    for (const auto& r : pv.roads) {
        OGRFeature f(s.roads->GetLayerDefn());
        char id[16];
        std::snprintf(id, sizeof id, "%06d", no++);
        f.SetField("id", code(id).c_str());
        f.SetField("class", r.cls.c_str());
        f.SetField("ref", r.ref.c_str());
        f.SetField("oneway", "no");
        w.put(s.roads, f, line(geos, r.pts).get());
    }
    write_utilities(pv.pipes, pv.plants, w, s, geos, prefix);
    write_facilities(pv.facilities, w, s, geos, prefix);
    for (const auto& x : pv.sites) {
        OGRFeature f(s.protected_sites->GetLayerDefn());
        f.SetField("id", code(x.id).c_str());
        f.SetField("name", x.name.c_str());
        f.SetField("kind", x.kind.c_str());
        w.put(s.protected_sites, f, pt(x.p).get());
    }
    auto zones = [&](OGRLayer* l, const std::vector<Zone>& list) {
        for (const Zone& z : list) {
            OGRFeature f(l->GetLayerDefn());
            f.SetField("id", code(z.id).c_str());
            f.SetField("name", z.name.c_str());
            if (!z.town.empty()) f.SetField("town", code(z.town).c_str());
            // The polygons only, and no crumbs under 0.5 ha; all crumbs: not written (so the count
            // printed below may be one or two more).
            const GeomPtr polys = geos.polygonal(geos.own(GEOSGeom_clone_r(ctx, z.poly.get())), 5000);
            if (!polys || GEOSisEmpty_r(ctx, polys.get()) == 1) continue;
            w.put(l, f, polys.get());
        }
    };
    zones(s.boundaries, pv.boundaries);
    zones(s.farmland, pv.farmland);
    zones(s.redline, pv.redline);
}

}  // namespace

int main(int argc, char** argv) {
    std::string sources = "sample_data/sources", output = "sample_data/jilin.gpkg";
    std::vector<std::string> later_years;   // YEAR=FILE
    int scale = 1;
    std::uint64_t seed = 2022;
    std::string density = "sample";
    CLI::App app{"Writes the townsite sample province (a GeoPackage) from sample_data/sources and a seed."};
    app.add_option("--sources", sources, "Folder with the real facts (outline, border, code lists, seats)")->check(CLI::ExistingDirectory);
    app.add_option("-o,--output", output, "GeoPackage to write (replaced if it exists)");
    app.add_option("--scale", scale, "Number of copies of the province, tiled side by side")->check(CLI::Range(1, 400));
    app.add_option("--seed", seed, "Random seed");
    app.add_option("--density", density,
                   "sample: the demo's 4 villages and 5 roads per town; country: a whole country's density, about 17 villages per "
                   "town and 270,000 road segments per copy (a grid of local roads that grows with area), for the country-size "
                   "benchmark")
        ->check(CLI::IsMember({"sample", "country"}));
    app.add_option("--later-year", later_years,
                   "YEAR=FILE (2024 or 2025, repeatable): also write that year's utility and facility layers (the works built since "
                   "2022 added) to this GeoPackage");
    CLI11_PARSE(app, argc, argv);

    GDALAllRegister();
    CPLSetConfigOption("OGR_CURRENT_DATE", "2022-10-31T00:00:00.000Z");  // same bytes on every run
    CPLSetErrorHandler(CPLQuietErrorHandler);
    try {
        GeosContext geos;
        Rng rng(seed);
        Province pv;
        std::vector<GeomPtr> outline = read_geometries(sources + "/ne10m_jilin_province.geojson", geos);
        LonLatBox box{121.6, 40.8, 131.4, 46.4};
        const WorkingCrs crs = choose_working_crs(box);
        const Transformer tr(crs);
        pv.outline = geos.own(GEOSGeom_transformXY_r(geos.get(), outline.front().get(), project_cb, const_cast<Transformer*>(&tr)));
        for (const GeomPtr& b : read_geometries(sources + "/ne10m_cn_border_jilin.geojson", geos)) {
            GeomPtr m = geos.own(GEOSGeom_transformXY_r(geos.get(), b.get(), project_cb, const_cast<Transformer*>(&tr)));
            for (int i = 0, n = GEOSGetNumGeometries_r(geos.get(), m.get()); i < n; ++i) {
                const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(geos.get(), GEOSGetGeometryN_r(geos.get(), m.get(), i));
                unsigned size = 0;
                GEOSCoordSeq_getSize_r(geos.get(), seq, &size);
                std::vector<Pt> pts(size);
                for (unsigned k = 0; k < size; ++k) GEOSCoordSeq_getXY_r(geos.get(), seq, k, &pts[k].x, &pts[k].y);
                pv.border.push_back(pts);
            }
        }
        Maker make(geos, rng);
        build_admin(pv, sources, geos, tr);
        build_towns(pv, sources, make, rng);
        build_villages(pv, make, rng);
        build_roads(pv, make, rng);
        build_utilities(pv, rng);
        build_facilities(pv, rng);
        build_sites(pv, rng);
        {
            Rng plan_rng(seed + 2026);   // their own seed: every layer above stays as it was
            Maker plan_make(geos, plan_rng);
            build_bottom_lines(pv, geos, tr, plan_make, plan_rng);
        }
        if (density == "country") {
            Rng country_rng(seed + 40000);   // their own seed, after everything else: the sample's layers stay as they are
            build_country_density(pv, geos, country_rng, 1100);
        }

        const std::string tmp = output + ".tmp";
        fs::remove(tmp);
        {
            Writer w(tmp, geos, tr);
            LayerSet layers = create_layers(w);
            const int cols = sample::tile_columns(scale);
            const std::vector<sample::Tile> tiles = sample::tile_offsets(scale, box);
            for (int k = 0; k < scale; ++k) {
                w.dlon = tiles[std::size_t(k)].dlon;
                w.dlat = tiles[std::size_t(k)].dlat;
                w.start_transaction();
                write_copy(pv, w, layers, geos, tr, k == 0 ? "" : "c" + std::to_string(k) + "-");
                w.commit();
            }
            // Copies are joined into one network: an expressway from each copy to its left
            // neighbour (east-most seat to west-most seat) or, first in a row, to the copy below.
            std::vector<Pt> seats_ll;
            for (const auto& p : pv.prefectures) {
                Pt q = p.seat;
                tr.to_lonlat(q.x, q.y);
                seats_ll.push_back({std::round(q.x * 1e7) / 1e7, std::round(q.y * 1e7) / 1e7});
            }
            auto extreme = [&](bool by_lon, bool max) {
                return *std::max_element(seats_ll.begin(), seats_ll.end(), [&](Pt a, Pt b) {
                    const double va = by_lon ? a.x : a.y, vb = by_lon ? b.x : b.y;
                    return max ? va < vb : va > vb;
                });
            };
            w.start_transaction();
            for (int k = 1; k < scale; ++k) {
                const int col = k % cols;
                const bool sideways = col > 0;
                const int other = sideways ? k - 1 : k - cols;
                const Pt a = sideways ? extreme(true, true) : extreme(false, true);
                const Pt b = sideways ? extreme(true, false) : extreme(false, false);
                const sample::Tile from = tiles[std::size_t(other)], to = tiles[std::size_t(k)];
                const double ax = std::round((a.x + from.dlon) * 1e7) / 1e7, ay = std::round((a.y + from.dlat) * 1e7) / 1e7;
                const double bx = std::round((b.x + to.dlon) * 1e7) / 1e7, by = std::round((b.y + to.dlat) * 1e7) / 1e7;
                auto* link = new OGRLineString();
                const int steps = std::max(1, int(std::hypot(bx - ax, by - ay) / 0.05));
                for (int i = 0; i <= steps; ++i) {
                    const double t = double(i) / steps;
                    link->addPoint(i == steps ? bx : std::round((ax + t * (bx - ax)) * 1e7) / 1e7,
                                   i == steps ? by : std::round((ay + t * (by - ay)) * 1e7) / 1e7);
                }
                OGRFeature f(layers.roads->GetLayerDefn());
                f.SetField("id", ("link-" + std::to_string(k)).c_str());
                f.SetField("class", "高速公路");
                f.SetField("ref", "G-link");
                f.SetField("oneway", "no");
                w.put_lonlat(layers.roads, f, link);
            }
            w.commit();
        }
        fs::rename(tmp, output);
        if (!later_years.empty()) {
            // Their own seed, so that the first year is the same whether or not later ones are written.
            Rng rng2(seed + 2025);
            const LaterWorks works = build_later_works(pv, rng2);
            for (const std::string& spec : later_years) {
                const auto eq = spec.find('=');
                const int year = eq == std::string::npos ? 0 : std::atoi(spec.substr(0, eq).c_str());
                if (year != 2024 && year != 2025) throw Error("--later-year wants 2024=FILE or 2025=FILE, not " + spec);
                const std::string file = spec.substr(eq + 1), tmp2 = file + ".tmp";
                std::vector<Pipe> pipes = pv.pipes;
                std::vector<Facility> facilities = pv.facilities;
                for (const auto& [y, p] : works.pipes)
                    if (y <= year) pipes.push_back(p);
                for (const auto& [y, f] : works.facilities)
                    if (y <= year) facilities.push_back(f);
                fs::remove(tmp2);
                {
                    Writer w(tmp2, geos, tr);
                    LayerSet layers;
                    add_utility_layers(w, layers);
                    add_facility_layer(w, layers);
                    w.start_transaction();
                    write_utilities(pipes, pv.plants, w, layers, geos, "");
                    write_facilities(facilities, w, layers, geos, "");
                    w.commit();
                }
                fs::rename(tmp2, file);
                std::cout << file << ": the utilities and facilities of " << year << ", " << pipes.size() - pv.pipes.size() << " mains and "
                          << facilities.size() - pv.facilities.size() << " facilities added\n";
            }
        }
        std::cout << output << ": " << pv.prefectures.size() * scale << " prefectures, " << pv.counties.size() * scale
                  << " counties, " << pv.towns.size() * scale << " towns, " << pv.villages.size() * scale << " villages, "
                  << pv.roads.size() * scale << " roads, " << pv.pipes.size() * scale << " pipes, "
                  << pv.plants.size() * scale << " plants and stations, " << pv.facilities.size() * scale
                  << " facilities, " << pv.sites.size() * scale << " protected sites, " << pv.boundaries.size() * scale
                  << " urban development boundaries, " << pv.farmland.size() * scale << " farmland and " << pv.redline.size() * scale
                  << " red-line polygons\n";
    } catch (const std::exception& e) {
        std::cerr << "townsite-make-sample: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
