#include "geo/crs.h"
#include "geo/error.h"

#include <GeographicLib/AlbersEqualArea.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/PolygonArea.hpp>
#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using Catch::Matchers::Contains;

namespace {
const LonLatBox kJilin{121.64, 40.86, 131.31, 46.30};
}

TEST_CASE("geodesic distances agree with GeographicLib and with the equator's arc", "[crs]") {
    // One degree along the equator is a * pi / 180 on any ellipsoid.
    CHECK(geodesic_distance_m(0, 0, 1, 0) == Approx(6378137.0 * M_PI / 180.0).epsilon(1e-12));
    // Changchun to Yanji, against GeographicLib's own implementation.
    double s12 = 0;
    GeographicLib::Geodesic::WGS84().Inverse(43.817, 125.324, 42.891, 129.509, s12);
    CHECK(geodesic_distance_m(125.324, 43.817, 129.509, 42.891) == Approx(s12).margin(1e-6));
}

TEST_CASE("geodesic areas agree with GeographicLib", "[crs]") {
    GeographicLib::PolygonArea poly(GeographicLib::Geodesic::WGS84());
    const std::vector<double> lons{125, 126, 126, 125}, lats{43, 43, 44, 44};
    for (size_t i = 0; i < lons.size(); ++i) poly.AddPoint(lats[i], lons[i]);
    double perimeter = 0, area = 0;
    poly.Compute(false, true, perimeter, area);
    CHECK(geodesic_area_m2(lons, lats) == Approx(std::fabs(area)).epsilon(1e-12));
    CHECK(geodesic_area_m2(lons, lats) == Approx(9.0e9).epsilon(0.01));  // ~ 81 km x 111 km
}

TEST_CASE("the chosen CRS for Jilin is an Albers conic whose scale error matches GeographicLib's", "[crs]") {
    const WorkingCrs crs = choose_working_crs(kJilin);
    CHECK(crs.chosen);
    CHECK(crs.equal_area);
    CHECK_THAT(crs.definition, Contains("+proj=aea"));
    // Standard parallels at 1/6 and 5/6 of the latitude span.
    const double lat1 = std::round((40.86 + 5.44 / 6) * 100) / 100, lat2 = std::round((46.30 - 5.44 / 6) * 100) / 100;
    CHECK_THAT(crs.definition, Contains("+lat_1=41.77"));
    CHECK_THAT(crs.definition, Contains("+lat_2=45.39"));
    // Independent scale factor: GeographicLib's Albers with the same parallels, on the same grid.
    const GeographicLib::AlbersEqualArea albers(6378137.0, 1 / 298.257223563, lat1, lat2, 1.0);
    double worst = 0;
    for (int i = 0; i < 25; ++i)
        for (int j = 0; j < 25; ++j) {
            const double lon = kJilin.west + (kJilin.east - kJilin.west) * i / 24;
            const double lat = kJilin.south + (kJilin.north - kJilin.south) * j / 24;
            double x = 0, y = 0, gamma = 0, k = 0;
            albers.Forward(126.47, lat, lon, x, y, gamma, k);
            worst = std::max({worst, std::fabs(k - 1), std::fabs(1 / k - 1)});
        }
    CHECK(crs.max_scale_error == Approx(worst).margin(2e-6));
    CHECK(crs.max_scale_error < 0.001);  // under 0.1 % over the whole province
}

TEST_CASE("measures in the working CRS are geodesic, whatever the CRS", "[crs]") {
    GeosContext geos;
    SECTION("the chosen Albers") {
        const WorkingCrs crs = choose_working_crs(kJilin);
        const Transformer tr(crs);
        const Measure m(crs, geos);
        double x1 = 122.0, y1 = 45.5, x2 = 131.0, y2 = 42.5;
        tr.to_working(x1, y1);
        tr.to_working(x2, y2);
        GeomPtr line = geos.from_wkt("LINESTRING (" + std::to_string(x1) + " " + std::to_string(y1) + ", " +
                                     std::to_string(x2) + " " + std::to_string(y2) + ")");
        double s12 = 0;
        GeographicLib::Geodesic::WGS84().Inverse(45.5, 122.0, 42.5, 131.0, s12);
        CHECK(m.length_m(line.get()) == Approx(s12).epsilon(1e-7));
    }
    SECTION("a Gauss-Kruger zone far from the data (CM 114E for data at 131E)") {
        const WorkingCrs crs = user_working_crs("EPSG:4547", kJilin);
        CHECK(crs.epsg == 4547);
        CHECK(crs.max_scale_error > 0.01);  // the plane is badly off out there ...
        const Transformer tr(crs);
        const Measure m(crs, geos);
        std::vector<double> xs{130.0, 131.0, 131.0, 130.0, 130.0}, ys{42.0, 42.0, 43.0, 43.0, 42.0};
        tr.to_working(xs, ys);
        std::string wkt = "POLYGON ((";
        for (size_t i = 0; i < xs.size(); ++i) wkt += (i ? ", " : "") + std::to_string(xs[i]) + " " + std::to_string(ys[i]);
        GeomPtr poly = geos.from_wkt(wkt + "))");
        GeographicLib::PolygonArea pa(GeographicLib::Geodesic::WGS84());
        pa.AddPoint(42.0, 130.0);
        pa.AddPoint(42.0, 131.0);
        pa.AddPoint(43.0, 131.0);
        pa.AddPoint(43.0, 130.0);
        double perimeter = 0, area = 0;
        pa.Compute(false, true, perimeter, area);
        // ... but areas still come out right: they are computed on the ellipsoid from the vertices.
        CHECK(m.area_m2(poly.get()) == Approx(std::fabs(area)).epsilon(1e-4));

        // Buffers too: a 1 km circle at 131E drawn with the local scale covers pi km² on the ground
        // (GeographicLib's area of its vertices), where a plain 1 km planar buffer covers 5 % less.
        double x = 131.0, y = 42.5;
        tr.to_working(x, y);
        CHECK(m.scale(x, y) > 1.02);
        auto circle_km2 = [&](double radius) {
            GeomPtr point = geos.from_wkt("POINT (" + std::to_string(x) + " " + std::to_string(y) + ")");
            GeomPtr disc = geos.own(GEOSBuffer_r(geos.get(), point.get(), radius, 64));
            GeomPtr ring = geos.own(GEOSGeom_clone_r(geos.get(), GEOSGetExteriorRing_r(geos.get(), disc.get())));
            const GEOSCoordSequence* cs = GEOSGeom_getCoordSeq_r(geos.get(), ring.get());
            unsigned n = 0;
            GEOSCoordSeq_getSize_r(geos.get(), cs, &n);
            GeographicLib::PolygonArea ring_area(GeographicLib::Geodesic::WGS84());
            for (unsigned i = 0; i + 1 < n; ++i) {
                double px = 0, py = 0;
                GEOSCoordSeq_getXY_r(geos.get(), cs, i, &px, &py);
                tr.to_lonlat(px, py);
                ring_area.AddPoint(py, px);
            }
            double p = 0, a = 0;
            ring_area.Compute(false, true, p, a);
            return std::fabs(a) / 1e6;
        };
        const double polygon_factor = 128 * std::sin(M_PI / 128) / M_PI;  // the 256-gon GEOS draws, to its circle
        CHECK(circle_km2(1000 * m.scale(x, y)) == Approx(M_PI * polygon_factor).epsilon(2e-4));
        CHECK(circle_km2(1000) < 0.96 * M_PI * polygon_factor);
        // And distances between nearest points are geodesic.
        GeomPtr a = geos.from_wkt("POINT (" + std::to_string(x) + " " + std::to_string(y) + ")");
        GeomPtr b = geos.from_wkt("LINESTRING (" + std::to_string(x + 5000) + " " + std::to_string(y - 100) + ", " + std::to_string(x + 5000) + " " +
                                  std::to_string(y + 100) + ")");
        double lon1 = x, lat1 = y, lon2 = x + 5000, lat2 = y;
        tr.to_lonlat(lon1, lat1);
        tr.to_lonlat(lon2, lat2);
        double s = 0;
        GeographicLib::Geodesic::WGS84().Inverse(lat1, lon1, lat2, lon2, s);
        CHECK(m.nearest_m(a.get(), b.get()) == Approx(s).epsilon(1e-9));
        CHECK(s < 5000 / 1.02);
    }
}

TEST_CASE("a working CRS that is not projected is refused with a fix", "[crs][errors]") {
    CHECK_THROWS_WITH(user_working_crs("EPSG:4326", kJilin), Contains("not a projected CRS") && Contains("Fix:"));
    CHECK_THROWS_WITH(user_working_crs("EPSG:999999", kJilin), Contains("not a CRS PROJ knows") && Contains("Fix:"));
}

TEST_CASE("the chosen CRS does not move with a stray hundredth of a degree", "[crs]") {
    LonLatBox nudged = kJilin;
    nudged.east += 0.001;
    CHECK(choose_working_crs(nudged).definition == choose_working_crs(kJilin).definition);
}
