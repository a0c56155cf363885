// Labels on the report's maps: placed where they overlap no label placed before, else left out.
#include "analysis/svg_map.h"

#include <catch2/catch.hpp>

#include <geos_c.h>
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
