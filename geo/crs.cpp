#include "geo/crs.h"

#include "geo/error.h"

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>

namespace townsite {

namespace {

const geod_geodesic& wgs84() {
    static const geod_geodesic g = [] {
        geod_geodesic geod;
        geod_init(&geod, 6378137.0, 1.0 / 298.257223563);
        return geod;
    }();
    return g;
}

std::string fmt(const char* pattern, double a) {
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, a);
    return buf;
}

// Rounds to 0.01 degrees so the chosen CRS (and every result in it) does not move with a stray feature.
double round2(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace

void LonLatBox::expand(double lon, double lat) {
    west = std::min(west, lon);
    east = std::max(east, lon);
    south = std::min(south, lat);
    north = std::max(north, lat);
}

void LonLatBox::expand(const LonLatBox& o) {
    if (o.empty()) return;
    expand(o.west, o.south);
    expand(o.east, o.north);
}

LonLatBox LonLatBox::grown_deg(double m) const { return {west - m, south - m, east + m, north + m}; }

double max_scale_error(const std::string& definition, const LonLatBox& extent, int n) {
    // Scale along the meridian (h) and the parallel (k) by central differences: plane distance over
    // geodesic distance for a step of 1e-4 degrees (about 10 m). This works for any CRS PROJ can
    // transform to, and needs no proj.db look-up per point (proj_factors on a CRS object makes one).
    WorkingCrs crs;
    crs.definition = definition;
    const Transformer tr(crs);
    constexpr double step_deg = 1e-4;
    auto plane = [&tr](double lon, double lat, double& x, double& y) {
        x = lon, y = lat;
        tr.to_working(x, y);
    };
    double worst = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const double lon = extent.west + (extent.east - extent.west) * i / (n - 1);
            const double lat = extent.south + (extent.north - extent.south) * j / (n - 1);
            double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
            plane(lon, lat - step_deg, x1, y1);
            plane(lon, lat + step_deg, x2, y2);
            const double h = std::hypot(x2 - x1, y2 - y1) / geodesic_distance_m(lon, lat - step_deg, lon, lat + step_deg);
            plane(lon - step_deg, lat, x1, y1);
            plane(lon + step_deg, lat, x2, y2);
            const double k = std::hypot(x2 - x1, y2 - y1) / geodesic_distance_m(lon - step_deg, lat, lon + step_deg, lat);
            if (std::isfinite(h) && std::isfinite(k)) worst = std::max({worst, std::fabs(h - 1), std::fabs(k - 1)});
        }
    return worst;
}

WorkingCrs choose_working_crs(const LonLatBox& e) {
    if (e.empty()) throw Error("no feature has a location, so no working CRS can be chosen").with_hint(
        "check that the layers have geometries, or set crs = \"EPSG:....\" in [study].");
    const double span = e.north - e.south;
    const double lat_1 = round2(e.south + span / 6), lat_2 = round2(e.north - span / 6);
    const double lat_0 = round2((e.south + e.north) / 2), lon_0 = round2((e.west + e.east) / 2);
    WorkingCrs crs;
    crs.definition = "+proj=aea +lat_0=" + fmt("%.2f", lat_0) + " +lon_0=" + fmt("%.2f", lon_0) +
                     " +lat_1=" + fmt("%.2f", lat_1) + " +lat_2=" + fmt("%.2f", lat_2) +
                     " +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs";
    const std::string parameters = "(lat_1=" + fmt("%.2f", lat_1) + ", lat_2=" + fmt("%.2f", lat_2) + ", lon_0=" + fmt("%.2f", lon_0) + ", WGS 84)";
    crs.name = "Albers equal-area conic for the study " + parameters;
    crs.name_zh = "研究区 Albers 等积圆锥投影 " + parameters;
    crs.chosen = true;
    crs.equal_area = true;
    crs.extent = e;
    crs.max_scale_error = max_scale_error(crs.definition, e);
    return crs;
}

WorkingCrs user_working_crs(const std::string& definition, const LonLatBox& e) {
    PjContextPtr ctx{proj_context_create()};
    PjPtr pj{proj_create(ctx.get(), definition.c_str())};
    if (!pj)
        throw Error("[study] crs = \"" + definition + "\" is not a CRS PROJ knows")
            .with_hint("use an EPSG code such as \"EPSG:4547\" (CGCS2000 / 3-degree Gauss-Kruger CM 114E) or "
                       "leave crs out to let townsite choose one.");
    const PJ_TYPE type = proj_get_type(pj.get());
    if (type != PJ_TYPE_PROJECTED_CRS)
        throw Error("[study] crs = \"" + definition + "\" is not a projected CRS (distances in degrees are "
                    "meaningless)")
            .with_hint("choose a projected CRS in metres, e.g. a CGCS2000 Gauss-Kruger zone, or leave crs out.");
    WorkingCrs crs;
    crs.definition = definition;
    const char* name = proj_get_name(pj.get());
    crs.name = name ? name : definition;
    const char* auth = proj_get_id_auth_name(pj.get(), 0);
    const char* code = proj_get_id_code(pj.get(), 0);
    if (auth && code && std::string(auth) == "EPSG") crs.epsg = std::atoi(code);
    crs.extent = e;
    crs.max_scale_error = e.empty() ? 0 : max_scale_error(definition, e);
    return crs;
}

Transformer::Transformer(const WorkingCrs& crs) : m_ctx(proj_context_create()) {
    // PROJ searches its database for the operation each time (some 10 ms): the pipeline it found is
    // kept by definition, and a later transformer is made from that pipeline, the same steps.
    static std::mutex mutex;
    static std::map<std::string, std::string> pipelines;
    {
        const std::lock_guard<std::mutex> lock(mutex);
        if (const auto it = pipelines.find(crs.definition); it != pipelines.end()) {
            m_pj.reset(proj_create(m_ctx.get(), it->second.c_str()));
            if (m_pj) return;
        }
    }
    PjPtr raw{proj_create_crs_to_crs(m_ctx.get(), "EPSG:4326", crs.definition.c_str(), nullptr)};
    if (!raw) throw Error("PROJ cannot transform WGS 84 to the working CRS \"" + crs.definition + "\"");
    m_pj.reset(proj_normalize_for_visualization(m_ctx.get(), raw.get()));
    if (!m_pj) throw Error("PROJ cannot normalise the axis order of \"" + crs.definition + "\"");
    // Only a single operation has one pipeline (several candidates, chosen by area, have none).
    if (const char* pipeline = proj_as_proj_string(m_ctx.get(), m_pj.get(), PJ_PROJ_5, nullptr)) {
        const std::lock_guard<std::mutex> lock(mutex);
        pipelines.emplace(crs.definition, pipeline);
    }
}

void Transformer::to_working(double& x, double& y) const {
    PJ_COORD c = proj_trans(m_pj.get(), PJ_FWD, proj_coord(x, y, 0, 0));
    x = c.xy.x;
    y = c.xy.y;
}

void Transformer::to_lonlat(double& x, double& y) const {
    PJ_COORD c = proj_trans(m_pj.get(), PJ_INV, proj_coord(x, y, 0, 0));
    x = c.lp.lam;
    y = c.lp.phi;
}

void Transformer::to_working(std::vector<double>& xs, std::vector<double>& ys) const {
    proj_trans_generic(m_pj.get(), PJ_FWD, xs.data(), sizeof(double), xs.size(), ys.data(), sizeof(double),
                       ys.size(), nullptr, 0, 0, nullptr, 0, 0);
}

void Transformer::to_lonlat(std::vector<double>& xs, std::vector<double>& ys) const {
    proj_trans_generic(m_pj.get(), PJ_INV, xs.data(), sizeof(double), xs.size(), ys.data(), sizeof(double),
                       ys.size(), nullptr, 0, 0, nullptr, 0, 0);
}

double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2) {
    double s12 = 0, azi1 = 0, azi2 = 0;
    geod_inverse(&wgs84(), lat1, lon1, lat2, lon2, &s12, &azi1, &azi2);
    return s12;
}

double geodesic_area_m2(const std::vector<double>& lons, const std::vector<double>& lats) {
    if (lons.size() < 3) return 0;
    std::vector<double> la(lats), lo(lons);
    if (lo.size() > 1 && lo.front() == lo.back() && la.front() == la.back()) lo.pop_back(), la.pop_back();
    double area = 0, perimeter = 0;
    geod_polygonarea(&wgs84(), la.data(), lo.data(), static_cast<int>(la.size()), &area, &perimeter);
    return std::fabs(area);
}

Measure::Measure(const WorkingCrs& crs, const GeosContext& geos) : m_tr(crs), m_geos(geos), m_equal_area(crs.equal_area) {}

namespace {
void coords_of(GEOSContextHandle_t ctx, const GEOSGeometry* line, std::vector<double>& xs, std::vector<double>& ys) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, line);
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(ctx, seq, &n);
    xs.resize(n);
    ys.resize(n);
    for (unsigned int i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx, seq, i, &xs[i], &ys[i]);
}
}  // namespace

double Measure::sequence_length_m(const GEOSGeometry* line) const {
    std::vector<double> xs, ys;
    coords_of(m_geos.get(), line, xs, ys);
    m_tr.to_lonlat(xs, ys);
    double total = 0;
    for (size_t i = 1; i < xs.size(); ++i) total += geodesic_distance_m(xs[i - 1], ys[i - 1], xs[i], ys[i]);
    return total;
}

double Measure::ring_area_m2(const GEOSGeometry* ring) const {
    std::vector<double> xs, ys;
    coords_of(m_geos.get(), ring, xs, ys);
    m_tr.to_lonlat(xs, ys);
    return geodesic_area_m2(xs, ys);
}

double Measure::length_m(const GEOSGeometry* g) const {
    GEOSContextHandle_t ctx = m_geos.get();
    switch (GEOSGeomTypeId_r(ctx, g)) {
        case GEOS_LINESTRING:
        case GEOS_LINEARRING: return sequence_length_m(g);
        case GEOS_POLYGON: {
            double total = sequence_length_m(GEOSGetExteriorRing_r(ctx, g));
            for (int i = 0, n = GEOSGetNumInteriorRings_r(ctx, g); i < n; ++i)
                total += sequence_length_m(GEOSGetInteriorRingN_r(ctx, g, i));
            return total;
        }
        case GEOS_MULTILINESTRING:
        case GEOS_MULTIPOLYGON:
        case GEOS_GEOMETRYCOLLECTION: {
            double total = 0;
            for (int i = 0, n = GEOSGetNumGeometries_r(ctx, g); i < n; ++i) total += length_m(GEOSGetGeometryN_r(ctx, g, i));
            return total;
        }
        default: return 0;
    }
}

double Measure::area_m2(const GEOSGeometry* g) const {
    GEOSContextHandle_t ctx = m_geos.get();
    // In an equal-area working CRS (the one townsite chooses) the plane's area is the ellipsoid's.
    if (m_equal_area) {
        double a = 0;
        return GEOSArea_r(ctx, g, &a) == 1 ? a : 0.0;
    }
    switch (GEOSGeomTypeId_r(ctx, g)) {
        case GEOS_POLYGON: {
            double area = ring_area_m2(GEOSGetExteriorRing_r(ctx, g));
            for (int i = 0, n = GEOSGetNumInteriorRings_r(ctx, g); i < n; ++i)
                area -= ring_area_m2(GEOSGetInteriorRingN_r(ctx, g, i));
            return area;
        }
        case GEOS_MULTIPOLYGON:
        case GEOS_GEOMETRYCOLLECTION: {
            double total = 0;
            for (int i = 0, n = GEOSGetNumGeometries_r(ctx, g); i < n; ++i) total += area_m2(GEOSGetGeometryN_r(ctx, g, i));
            return total;
        }
        default: return 0;
    }
}

double Measure::distance_m(double x1, double y1, double x2, double y2) const {
    m_tr.to_lonlat(x1, y1);
    m_tr.to_lonlat(x2, y2);
    return geodesic_distance_m(x1, y1, x2, y2);
}

double Measure::nearest_m(const GEOSGeometry* a, const GEOSGeometry* b) const {
    GEOSContextHandle_t ctx = m_geos.get();
    GEOSCoordSequence* cs = GEOSNearestPoints_r(ctx, a, b);
    if (!cs) return NAN;
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    GEOSCoordSeq_getXY_r(ctx, cs, 0, &x1, &y1);
    GEOSCoordSeq_getXY_r(ctx, cs, 1, &x2, &y2);
    GEOSCoordSeq_destroy_r(ctx, cs);
    return distance_m(x1, y1, x2, y2);
}

double Measure::scale(double x, double y) const {
    constexpr double step = 100;  // planar units: short enough that the scale is the local one
    const double east = distance_m(x, y, x + step, y), north = distance_m(x, y, x, y + step);
    return east > 0 && north > 0 ? 2 * step / (east + north) : 1;
}

}  // namespace townsite
