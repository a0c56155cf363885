#include "geo/gcj02.h"

#include <GeographicLib/Geodesic.hpp>
#include <catch2/catch.hpp>

using namespace townsite;

TEST_CASE("GCJ-02 round trips to WGS 84 within a millimetre", "[gcj02]") {
    for (double lon = 122.0; lon <= 131.0; lon += 1.5)
        for (double lat = 41.0; lat <= 46.0; lat += 1.0) {
            double x = lon, y = lat;
            wgs84_to_gcj02(x, y);
            gcj02_to_wgs84(x, y);
            double s12 = 0;
            GeographicLib::Geodesic::WGS84().Inverse(lat, lon, y, x, s12);
            CHECK(s12 < 1e-3);
        }
}

TEST_CASE("in Jilin GCJ-02 shifts positions by 300 to 700 m, east and north", "[gcj02]") {
    // Near Yanji the published offset is about 0.007 degrees east and 0.0025 north.
    double lon = 129.5, lat = 42.9;
    wgs84_to_gcj02(lon, lat);
    CHECK(lon - 129.5 == Approx(0.007).margin(0.0015));
    CHECK(lat - 42.9 == Approx(0.0025).margin(0.0015));
    double s12 = 0;
    GeographicLib::Geodesic::WGS84().Inverse(42.9, 129.5, lat, lon, s12);
    CHECK(s12 > 300);
    CHECK(s12 < 700);
}

TEST_CASE("outside China GCJ-02 is WGS 84", "[gcj02]") {
    double lon = 2.35, lat = 48.85;
    gcj02_to_wgs84(lon, lat);
    CHECK(lon == 2.35);
    CHECK(lat == 48.85);
}
