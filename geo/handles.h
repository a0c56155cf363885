// RAII for the C handles of GDAL, GEOS and PROJ. Raw pointers never own; every handle that must be
// freed lives in a CHandle (a unique_ptr with the library's own deleter) or GDALDatasetUniquePtr.
//
//   GeosContext geos;                              // one per thread
//   GeomPtr g = geos.from_wkt("POINT (1 2)");      // freed with GEOSGeom_destroy_r on scope exit
//   PjPtr p{proj_create(ctx, "EPSG:4326")};
#pragma once

#include <geos_c.h>
#include <proj.h>

#include <memory>
#include <string>
#include <vector>

namespace townsite {

// unique_ptr with a plain C deleter: CHandle<PJ, proj_destroy>.
template <typename T, auto Deleter>
struct CDeleter {
    void operator()(T* p) const noexcept { if (p) Deleter(p); }
};
template <typename T, auto Deleter>
using CHandle = std::unique_ptr<T, CDeleter<T, Deleter>>;

using PjPtr = CHandle<PJ, proj_destroy>;
using PjContextPtr = CHandle<PJ_CONTEXT, proj_context_destroy>;

// A GEOS geometry owned together with the context that made it.
struct GeosGeomDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(GEOSGeometry* g) const noexcept { if (g) GEOSGeom_destroy_r(ctx, g); }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeosGeomDeleter>;

struct GeosPreparedDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(const GEOSPreparedGeometry* g) const noexcept { if (g) GEOSPreparedGeom_destroy_r(ctx, g); }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, GeosPreparedDeleter>;

// One reentrant GEOS context (GEOS_USE_ONLY_R_API): make one per thread, never share.
class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t get() const { return m_ctx; }
    GeomPtr own(GEOSGeometry* g) const { return GeomPtr(g, GeosGeomDeleter{m_ctx}); }
    PreparedPtr prepare(const GEOSGeometry* g) const;

    GeomPtr from_wkt(const std::string& wkt) const;        // throws Error on bad WKT
    GeomPtr from_wkb(const unsigned char* wkb, size_t size) const;
    std::string to_wkt(const GEOSGeometry* g, int decimals = 6) const;
    // A point standing for the geometry: the point itself, else a point inside it (GEOS
    // PointOnSurface: inside a polygon, on a line). False for an empty geometry.
    bool representative_point(const GEOSGeometry* g, double& x, double& y) const;

    // Small builders the analyses share.
    GeomPtr point(double x, double y) const;
    // The circle of radius r around (x, y) with quadsegs segments a quarter: the same ring as GEOS's
    // buffer of the point (from east, clockwise), without the buffer's noding and ring building.
    GeomPtr circle(double x, double y, double r, int quadsegs = 32) const;
    // A collection of `type` (GEOS_MULTILINESTRING, ...) that takes the parts over.
    GeomPtr collect(std::vector<GEOSGeometry*> parts, int type = GEOS_GEOMETRYCOLLECTION) const;
    GeomPtr collect(std::vector<GeomPtr> parts, int type = GEOS_GEOMETRYCOLLECTION) const;
    // The union of the parts (taken over); null when there are none.
    GeomPtr union_of(std::vector<GEOSGeometry*> parts) const;
    GeomPtr union_of(std::vector<GeomPtr> parts) const;
    // The polygons of an overlay's result, those of at least min_m2 (planar): a cut can leave lines
    // and points beside them, and GEOS's overlay refuses such a mixed collection as the input of the
    // next cut. `g` itself when it is already polygons and no smallest area is given.
    GeomPtr polygonal(GeomPtr g, double min_m2 = 0) const;
    // The bounding box.
    struct Extent {
        double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    };
    Extent extent(const GEOSGeometry* g) const;
    // Makes a geometry safe to read from several threads at once, each with its own context: GEOS
    // 3.11 computes a geometry's envelope (and a coordinate sequence's dimension) on first use and
    // keeps it, a write that two threads must not race to; this computes them all, part by part and
    // ring by ring. (Prepared geometries stay one thread's: they build their indexes as they go.)
    void share(const GEOSGeometry* g) const;
    // The last message GEOS gave through this context (errors and notices).
    const std::string& last_message() const { return m_last_message; }

private:
    GEOSContextHandle_t m_ctx = nullptr;
    std::string m_last_message;
};

}  // namespace townsite
