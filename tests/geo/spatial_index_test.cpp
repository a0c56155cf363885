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
            double x = rng.next() * 10000, y = rng.next() * 10000;
            std::string wkt = "LINESTRING (" + std::to_string(x) + " " + std::to_string(y);
            for (int v = 0; v < 4; ++v) {
                const double nx = x + (rng.next() - 0.5) * 800, ny = y + (rng.next() - 0.5) * 800;
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
            double best = std::numeric_limits<double>::infinity();
            for (const auto& s : segments) {
                double qx = 0, qy = 0;
                best = std::min(best, std::sqrt(nearest_on_segment(px, py, s[0], s[1], s[2], s[3], qx, qy)));
            }
            const SegmentIndex::Hit hit = index.nearest(px, py);
            REQUIRE(hit.found);
            CHECK(hit.distance == Approx(best).margin(1e-6));
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
