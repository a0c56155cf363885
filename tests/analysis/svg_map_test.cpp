// Labels on the report's maps: placed where they overlap no label placed before, else left out.
#include "analysis/report.h"
#include "analysis/svg_map.h"

#include <catch2/catch.hpp>

#include <geos_c.h>
#include <cmath>
#include <regex>

using namespace townsite;

TEST_CASE("map labels go beside their point without overlapping, and are left out where they cannot", "[report][svg]") {
    GeosContext geos;
    // A 10 km square frame drawn 220 px wide: 0.02 px per metre.
    GeomPtr frame = geos.own(GEOSGeom_createRectangle_r(geos.get(), 0, 0, 10000, 10000));
    SvgMap map(geos, frame.get(), 220);
    CHECK(map.label(5000, 5000, "甲镇", 10, ""));   // to the right
    CHECK(map.label(5000, 5000, "乙镇", 10, ""));   // the same point: to the left
    CHECK(map.label(5000, 5000, "丙镇", 10, ""));   // above
    CHECK(map.label(5000, 5000, "丁镇", 10, ""));   // below
    int placed = 0;
    for (int k = 0; k < 20; ++k) placed += map.label(5000, 5000, "戊镇", 10, "");
    CHECK(placed == 4);                               // beside the boxes above and below, then nothing
    CHECK_FALSE(map.label(0, 10000, "一个很长很长很长很长很长很长很长很长很长很长的名字", 10, ""));   // would leave the frame on every side
    // The placed boxes do not overlap: read them back from the SVG.
    const std::string svg = map.svg({});
    std::regex text("<text x=\"([0-9.]+)\" y=\"([0-9.]+)\" font-size=\"10.0\"[^>]*>([^<]+)</text>");
    struct Box {
        double x0, y0, x1, y1;
    };
    std::vector<Box> boxes;
    for (auto m = std::sregex_iterator(svg.begin(), svg.end(), text); m != std::sregex_iterator(); ++m) {
        const double x = std::stod((*m)[1]), y = std::stod((*m)[2]);
        boxes.push_back({x, y - 9, x + 2 * 10 + 2, y + 1});   // two CJK characters at 10 px
    }
    REQUIRE(boxes.size() == 8);
    for (std::size_t i = 0; i < boxes.size(); ++i)
        for (std::size_t j = i + 1; j < boxes.size(); ++j) {
            const Box &a = boxes[i], &b = boxes[j];
            CHECK_FALSE((a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5));
        }
}

TEST_CASE("an isochrone's bands along roads close into the area they reach; land far from them stays out", "[report][svg]") {
    GeosContext geos;
    // Two 200 m bands along parallel roads 1.8 km apart, and a third 5 km beyond them; closed with a
    // 1 km radius the gap of 1.6 km between the first two fills (< 2 km), the 4.8 km gap does not.
    auto rect = [&](double y0, double y1) { return GEOSGeom_createRectangle_r(geos.get(), 0, y0, 10000, y1); };
    const GeomPtr bands = geos.collect({rect(0, 200), rect(1800, 2000), rect(7000, 7200)}, GEOS_MULTIPOLYGON);
    const GeomPtr area = reached_area(geos, bands.get(), 1000);
    REQUIRE(area);
    double m2 = 0;
    GEOSArea_r(geos.get(), area.get(), &m2);
    // 10 km x 2 km filled, plus the lone band's 10 km x 200 m, less at each open end of the gap what a
    // 1 km disc outside both bands reaches: it touches the corners (0, 200) and (0, 1800) from its
    // centre (-600, 1000), so it cuts a circular segment 400 m deep past x = 0.
    const double r = 1000, d = 600, segment = r * r * std::acos(d / r) - d * std::sqrt(r * r - d * d);
    CHECK(m2 == Approx(10000.0 * 2000 + 10000.0 * 200 - 2 * segment).epsilon(0.01));
    CHECK(GEOSGetNumGeometries_r(geos.get(), area.get()) == 2);
    const GeomPtr between = geos.point(5000, 1000), beyond = geos.point(5000, 4500);
    CHECK(GEOSIntersects_r(geos.get(), area.get(), between.get()) == 1);
    CHECK(GEOSIntersects_r(geos.get(), area.get(), beyond.get()) == 0);
}

TEST_CASE("an isochrone's area keeps the land a band holds far from its edges, and a large hole in a band open", "[report][svg]") {
    GeosContext geos;
    // A 10 km square band (reached all over) and, 20 km east, a 10 km square band around a 6 km
    // square hole; closed with a 1 km radius the first stays whole, the hole (> 2 km across) stays open.
    const GeomPtr block = geos.own(GEOSGeom_createRectangle_r(geos.get(), 0, 0, 10000, 10000));
    const GeomPtr frame = geos.from_wkt("POLYGON((20000 0,30000 0,30000 10000,20000 10000,20000 0),(22000 2000,22000 8000,28000 8000,28000 2000,22000 2000))");
    std::vector<GEOSGeometry*> parts = {GEOSGeom_clone_r(geos.get(), block.get()), GEOSGeom_clone_r(geos.get(), frame.get())};
    const GeomPtr bands = geos.collect(std::move(parts), GEOS_GEOMETRYCOLLECTION);
    const GeomPtr area = reached_area(geos, bands.get(), 1000);
    REQUIRE(area);
    double m2 = 0;
    GEOSArea_r(geos.get(), area.get(), &m2);
    // The square whole, and the frame's 100 - 36 km² with the hole's corners: closing the band opens
    // the hole, whose corners come back rounded, so the band gains 4 (r² - πr²/4).
    const double r = 1000, corners = 4 * (r * r - M_PI * r * r / 4);
    CHECK(m2 == Approx(1e8 + 64e6 + corners).epsilon(0.002));   // the corners are 0.5 %
    CHECK(GEOSIntersects_r(geos.get(), area.get(), geos.point(5000, 5000).get()) == 1);
    CHECK(GEOSIntersects_r(geos.get(), area.get(), geos.point(25000, 5000).get()) == 0);
}
