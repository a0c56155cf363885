#include "geo/spatial_index.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

using namespace townsite;

namespace {
struct Lcg {  // fixed-seed numbers for the brute-force comparison
    std::uint64_t s;
    double next() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return double(s >> 11) * 0x1.0p-53;
    }
};
}  // namespace

TEST_CASE("the nearest segment agrees with brute force", "[spatial_index]") {
    GeosContext geos;
    for (std::uint64_t seed : {1ull, 7ull, 42ull}) {
        Lcg rng{seed};
        SegmentIndex index(geos);
        std::vector<std::array<double, 4>> segments;
        for (int line = 0; line < 200; ++line) {
            // Coordinates as the WKT below writes them, so that both sides have the same doubles.
            auto written = [](double v) { return std::stod(std::to_string(v)); };
            double x = written(rng.next() * 10000), y = written(rng.next() * 10000);
            std::string wkt = "LINESTRING (" + std::to_string(x) + " " + std::to_string(y);
            for (int v = 0; v < 4; ++v) {
                const double nx = written(x + (rng.next() - 0.5) * 800), ny = written(y + (rng.next() - 0.5) * 800);
                segments.push_back({x, y, nx, ny});
                x = nx, y = ny;
                wkt += ", " + std::to_string(x) + " " + std::to_string(y);
            }
            GeomPtr g = geos.from_wkt(wkt + ")");
            index.add(g.get(), static_cast<std::uint32_t>(line));
        }
        index.build();
        for (int q = 0; q < 300; ++q) {
            const double px = rng.next() * 12000 - 1000, py = rng.next() * 12000 - 1000;
            double best = std::numeric_limits<double>::infinity(), bx = 0, by = 0;
            bool at_end = false;   // nearest to a vertex: the segments meeting there tie
            for (const auto& s : segments) {
                double qx = 0, qy = 0;
                const double d = std::sqrt(nearest_on_segment(px, py, s[0], s[1], s[2], s[3], qx, qy));
                if (d < best)
                    best = d, bx = qx, by = qy,
                    at_end = std::hypot(qx - s[0], qy - s[1]) < 1e-6 || std::hypot(qx - s[2], qy - s[3]) < 1e-6;
            }
            const SegmentIndex::Hit hit = index.nearest(px, py);
            REQUIRE(hit.found);
            CHECK(hit.distance == Approx(best).margin(1e-6));
            // The index keeps boxes, not segments: the segment it gives back is the one added, end
            // points in their order, so the nearest point is the same to the last bit.
            if (at_end) continue;
            CHECK(hit.x == bx);
            CHECK(hit.y == by);
        }
    }
}

TEST_CASE("a point beside a segment's middle is nearest to its foot", "[spatial_index]") {
    double qx = 0, qy = 0;
    CHECK(nearest_on_segment(5, 3, 0, 0, 10, 0, qx, qy) == Approx(9));
    CHECK(qx == Approx(5));
    CHECK(qy == Approx(0));
    CHECK(nearest_on_segment(-4, 3, 0, 0, 10, 0, qx, qy) == Approx(25));  // past the end: the end point
}

TEST_CASE("the box index gives every geometry whose box meets a box, in the order added, as brute force does", "[spatial_index]") {
    GeosContext geos;
    Lcg rng{7};
    std::vector<GeomPtr> geoms;
    BoxIndex index(geos);
    for (int i = 0; i < 500; ++i) {
        const double x = rng.next() * 1000, y = rng.next() * 1000, w = rng.next() * 50, h = rng.next() * 50;
        geoms.push_back(geos.own(GEOSGeom_createRectangle_r(geos.get(), x, y, x + w, y + h)));
        index.add(geoms.back().get());
    }
    index.build();
    for (int q = 0; q < 200; ++q) {
        const double x = rng.next() * 1000, y = rng.next() * 1000, s = rng.next() * 100;
        const GeosContext::Extent box{x, y, x + s, y + s};
        std::vector<std::uint32_t> expected;
        for (std::uint32_t k = 0; k < geoms.size(); ++k) {
            const GeosContext::Extent e = geos.extent(geoms[k].get());
            if (e.x0 <= box.x1 && box.x0 <= e.x1 && e.y0 <= box.y1 && box.y0 <= e.y1) expected.push_back(k);
        }
        CHECK(index.meeting(box) == expected);
    }
}
