#include "geo/handles.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;

TEST_CASE("a circle is the ring of GEOS's buffer of its centre, vertex by vertex", "[handles]") {
    GeosContext geos;
    GEOSContextHandle_t ctx = geos.get();
    for (const auto& [x, y, r, quadsegs] : {std::tuple{0.0, 0.0, 1.0, 2}, {512345.25, 4876543.5, 2000.0, 32}, {-73.5, 41.2, 0.013, 8}}) {
        const GeomPtr ours = geos.circle(x, y, r, quadsegs);
        const GeomPtr buffer = geos.own(GEOSBuffer_r(ctx, geos.point(x, y).get(), r, quadsegs));
        const GEOSCoordSequence* a = GEOSGeom_getCoordSeq_r(ctx, GEOSGetExteriorRing_r(ctx, ours.get()));
        const GEOSCoordSequence* b = GEOSGeom_getCoordSeq_r(ctx, GEOSGetExteriorRing_r(ctx, buffer.get()));
        unsigned na = 0, nb = 0;
        GEOSCoordSeq_getSize_r(ctx, a, &na);
        GEOSCoordSeq_getSize_r(ctx, b, &nb);
        REQUIRE(na == unsigned(4 * quadsegs + 1));
        REQUIRE(na == nb);
        double worst = 0;
        for (unsigned i = 0; i < na; ++i) {
            double xa = 0, ya = 0, xb = 0, yb = 0;
            GEOSCoordSeq_getXY_r(ctx, a, i, &xa, &ya);
            GEOSCoordSeq_getXY_r(ctx, b, i, &xb, &yb);
            worst = std::max(worst, std::hypot(xa - xb, ya - yb));
        }
        CHECK(worst <= 1e-9 * r);
        CHECK(GEOSisValid_r(ctx, ours.get()) == 1);
        // The polygon of 4q sides inscribed in the circle: (4q/2) r² sin(2π/4q).
        double area = 0;
        GEOSArea_r(ctx, ours.get(), &area);
        CHECK(area == Approx(2.0 * quadsegs * r * r * std::sin(2 * M_PI / (4 * quadsegs))).epsilon(1e-12));
    }
}

TEST_CASE("polygonal keeps the polygons of a mixed collection", "[handles]") {
    GeosContext geos;
    GEOSContextHandle_t ctx = geos.get();
    const GeomPtr mixed = geos.from_wkt("GEOMETRYCOLLECTION (POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0)), LINESTRING (20 0, 30 0), "
                                        "MULTIPOLYGON (((40 0, 41 0, 41 1, 40 1, 40 0))), POINT (50 50))");
    const GeomPtr all = geos.polygonal(geos.own(GEOSGeom_clone_r(ctx, mixed.get())));
    CHECK(GEOSGeomTypeId_r(ctx, all.get()) == GEOS_MULTIPOLYGON);
    CHECK(GEOSGetNumGeometries_r(ctx, all.get()) == 2);
    const GeomPtr large = geos.polygonal(geos.own(GEOSGeom_clone_r(ctx, mixed.get())), 50);
    CHECK(GEOSGetNumGeometries_r(ctx, large.get()) == 1);
    double area = 0;
    GEOSArea_r(ctx, large.get(), &area);
    CHECK(area == 100);
}
