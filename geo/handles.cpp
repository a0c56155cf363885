#include "geo/handles.h"

#include "geo/error.h"

#include <cstdarg>
#include <cstdio>

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
