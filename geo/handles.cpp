#include "geo/handles.h"

#include "geo/error.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <numbers>

namespace townsite {

namespace {
void geos_message(const char* message, void* userdata) {
    *static_cast<std::string*>(userdata) = message ? message : "";
}
}  // namespace

GeosContext::GeosContext() : m_ctx(GEOS_init_r()) {
    GEOSContext_setErrorMessageHandler_r(m_ctx, geos_message, &m_last_message);
    GEOSContext_setNoticeMessageHandler_r(m_ctx, geos_message, &m_last_message);
}

GeosContext::~GeosContext() { GEOS_finish_r(m_ctx); }

PreparedPtr GeosContext::prepare(const GEOSGeometry* g) const {
    return PreparedPtr(GEOSPrepare_r(m_ctx, g), GeosPreparedDeleter{m_ctx});
}

GeomPtr GeosContext::from_wkt(const std::string& wkt) const {
    GEOSWKTReader* reader = GEOSWKTReader_create_r(m_ctx);
    GEOSGeometry* g = GEOSWKTReader_read_r(m_ctx, reader, wkt.c_str());
    GEOSWKTReader_destroy_r(m_ctx, reader);
    if (!g) throw Error("cannot read WKT \"" + wkt.substr(0, 60) + "\": " + m_last_message);
    return own(g);
}

GeomPtr GeosContext::from_wkb(const unsigned char* wkb, size_t size) const {
    GEOSWKBReader* reader = GEOSWKBReader_create_r(m_ctx);
    GEOSGeometry* g = GEOSWKBReader_read_r(m_ctx, reader, wkb, size);
    GEOSWKBReader_destroy_r(m_ctx, reader);
    return own(g);
}

bool GeosContext::representative_point(const GEOSGeometry* g, double& x, double& y) const {
    if (GEOSGeomTypeId_r(m_ctx, g) == GEOS_POINT) return GEOSGeomGetX_r(m_ctx, g, &x) == 1 && GEOSGeomGetY_r(m_ctx, g, &y) == 1;
    GeomPtr p = own(GEOSPointOnSurface_r(m_ctx, g));
    return p && GEOSGeomGetX_r(m_ctx, p.get(), &x) == 1 && GEOSGeomGetY_r(m_ctx, p.get(), &y) == 1;
}

GeomPtr GeosContext::point(double x, double y) const { return own(GEOSGeom_createPointFromXY_r(m_ctx, x, y)); }

GeomPtr GeosContext::circle(double x, double y, double r, int quadsegs) const {
    // As GEOS's OffsetSegmentGenerator makes a point's buffer: the angle grows by equal steps from
    // 0 and turns clockwise; the ring is closed on its first point.
    const unsigned n = 4 * unsigned(std::max(1, quadsegs));
    const double step = 2 * std::numbers::pi / n;
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(m_ctx, n + 1, 2);
    double angle = 0;
    for (unsigned i = 0; i < n; ++i, angle += step) GEOSCoordSeq_setXY_r(m_ctx, seq, i, x + r * std::cos(-angle), y + r * std::sin(-angle));
    GEOSCoordSeq_setXY_r(m_ctx, seq, n, x + r, y);
    return own(GEOSGeom_createPolygon_r(m_ctx, GEOSGeom_createLinearRing_r(m_ctx, seq), nullptr, 0));
}

GeomPtr GeosContext::collect(std::vector<GEOSGeometry*> parts, int type) const {
    return own(GEOSGeom_createCollection_r(m_ctx, type, parts.data(), static_cast<unsigned>(parts.size())));
}

GeomPtr GeosContext::collect(std::vector<GeomPtr> parts, int type) const {
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (GeomPtr& p : parts) raw.push_back(p.release());
    return collect(std::move(raw), type);
}

GeomPtr GeosContext::union_of(std::vector<GEOSGeometry*> parts) const {
    if (parts.empty()) return nullptr;
    const GeomPtr all = collect(std::move(parts));
    return own(GEOSUnaryUnion_r(m_ctx, all.get()));
}

GeomPtr GeosContext::union_of(std::vector<GeomPtr> parts) const {
    if (parts.empty()) return nullptr;
    const GeomPtr all = collect(std::move(parts));
    return own(GEOSUnaryUnion_r(m_ctx, all.get()));
}

GeomPtr GeosContext::polygonal(GeomPtr g, double min_m2) const {
    if (!g) return g;
    const int type = GEOSGeomTypeId_r(m_ctx, g.get());
    if (min_m2 <= 0 && (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)) return g;
    std::vector<GEOSGeometry*> polys;
    for (int i = 0, n = GEOSGetNumGeometries_r(m_ctx, g.get()); i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(m_ctx, g.get(), i);
        for (int j = 0, m = GEOSGetNumGeometries_r(m_ctx, part); j < m; ++j) {
            const GEOSGeometry* poly = GEOSGetGeometryN_r(m_ctx, part, j);
            double a = 0;
            if (GEOSGeomTypeId_r(m_ctx, poly) == GEOS_POLYGON && (min_m2 <= 0 || (GEOSArea_r(m_ctx, poly, &a) == 1 && a >= min_m2)))
                polys.push_back(GEOSGeom_clone_r(m_ctx, poly));
        }
    }
    return collect(std::move(polys), GEOS_MULTIPOLYGON);
}

void GeosContext::share(const GEOSGeometry* g) const {
    double v = 0;
    GEOSGeom_getXMin_r(m_ctx, g, &v);
    switch (GEOSGeomTypeId_r(m_ctx, g)) {
        case GEOS_POINT:
        case GEOS_LINESTRING:
        case GEOS_LINEARRING:
            if (const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(m_ctx, g)) {
                unsigned dims = 0;
                GEOSCoordSeq_getDimensions_r(m_ctx, seq, &dims);
            }
            break;
        case GEOS_POLYGON:
            if (GEOSisEmpty_r(m_ctx, g) == 1) break;
            share(GEOSGetExteriorRing_r(m_ctx, g));
            for (int i = 0, n = GEOSGetNumInteriorRings_r(m_ctx, g); i < n; ++i) share(GEOSGetInteriorRingN_r(m_ctx, g, i));
            break;
        default:
            for (int i = 0, n = GEOSGetNumGeometries_r(m_ctx, g); i < n; ++i) share(GEOSGetGeometryN_r(m_ctx, g, i));
    }
}

GeosContext::Extent GeosContext::extent(const GEOSGeometry* g) const {
    Extent e;
    GEOSGeom_getXMin_r(m_ctx, g, &e.x0);
    GEOSGeom_getYMin_r(m_ctx, g, &e.y0);
    GEOSGeom_getXMax_r(m_ctx, g, &e.x1);
    GEOSGeom_getYMax_r(m_ctx, g, &e.y1);
    return e;
}

std::string GeosContext::to_wkt(const GEOSGeometry* g, int decimals) const {
    GEOSWKTWriter* writer = GEOSWKTWriter_create_r(m_ctx);
    GEOSWKTWriter_setRoundingPrecision_r(m_ctx, writer, decimals);
    GEOSWKTWriter_setTrim_r(m_ctx, writer, 1);
    char* text = GEOSWKTWriter_write_r(m_ctx, writer, g);
    std::string out = text ? text : "";
    GEOSFree_r(m_ctx, text);
    GEOSWKTWriter_destroy_r(m_ctx, writer);
    return out;
}

}  // namespace townsite
