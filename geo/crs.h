// The working CRS of a study and exact measures in it.
//
// Geometry operations (buffers, nearest points, overlays) run in one planar working CRS: the user's
// ([study] crs), or an Albers equal-area conic fitted to the data extent (standard parallels at 1/6
// and 5/6 of the latitude span, the classic rule that keeps scale error small over the band).
// Distances that matter are never planar: Measure gives ellipsoidal (geodesic) lengths and areas on
// the WGS 84 ellipsoid (Karney's algorithms, as in PROJ's geod and GeographicLib), so a province
// that spans several Gauss-Krüger zones still measures right whatever the working CRS.
//
//   WorkingCrs crs = choose_working_crs({121.6, 40.8, 131.3, 46.3});
//   Transformer to_work(crs);                 // lon/lat (WGS 84) <-> working CRS metres
//   Measure measure(crs);
//   double m = measure.length_m(line);        // line in the working CRS, answer in metres
//
// Lon/lat are always in the order longitude, latitude, in degrees.
#pragma once

#include "geo/handles.h"

#include <string>
#include <vector>

namespace townsite {

struct LonLatBox {
    double west = 1e300, south = 1e300, east = -1e300, north = -1e300;

    bool empty() const { return west > east || south > north; }
    void expand(double lon, double lat);
    void expand(const LonLatBox& other);
    bool contains(double lon, double lat) const { return lon >= west && lon <= east && lat >= south && lat <= north; }
    bool intersects(const LonLatBox& o) const { return !(o.west > east || o.east < west || o.south > north || o.north < south); }
    LonLatBox grown_deg(double margin_deg) const;
};

struct WorkingCrs {
    std::string definition;  // as handed to PROJ: "EPSG:4547" or a +proj string
    std::string name;        // what people read
    std::string name_zh;     // the same in Chinese, when townsite named it (empty: the name is the CRS's own)
    int epsg = 0;            // 0 when it has no EPSG code
    bool chosen = false;     // true when townsite chose it for the extent
    bool equal_area = false;
    double max_scale_error = 0;  // largest |k - 1| or |h - 1| over the extent, as a fraction
    LonLatBox extent;            // the extent it was judged on
};

// An Albers equal-area conic for the extent; max_scale_error is measured with proj_factors on a grid.
WorkingCrs choose_working_crs(const LonLatBox& extent);
// The user's CRS (any PROJ/GDAL definition); throws Error if PROJ cannot use it as a planar CRS.
WorkingCrs user_working_crs(const std::string& definition, const LonLatBox& extent);
// Largest scale error of a projected CRS over the extent, measured on a (n x n) grid.
double max_scale_error(const std::string& definition, const LonLatBox& extent, int n = 25);

// Transforms between WGS 84 lon/lat and the working CRS. Not thread-safe: one per thread.
class Transformer {
public:
    explicit Transformer(const WorkingCrs& crs);
    void to_working(double& x, double& y) const;   // lon/lat in, metres out
    void to_lonlat(double& x, double& y) const;    // metres in, lon/lat out
    void to_working(std::vector<double>& xs, std::vector<double>& ys) const;
    void to_lonlat(std::vector<double>& xs, std::vector<double>& ys) const;

private:
    PjContextPtr m_ctx;
    PjPtr m_pj;
};

// Geodesic length and area of geometries given in the working CRS.
class Measure {
public:
    Measure(const WorkingCrs& crs, const GeosContext& geos);
    double length_m(const GEOSGeometry* g) const;   // sum over all lines (and polygon rings: perimeter)
    double area_m2(const GEOSGeometry* g) const;     // polygons: shells minus holes; 0 for others
                                                     // (planar when the working CRS is equal-area)
    double distance_m(double x1, double y1, double x2, double y2) const;  // working-CRS points
    // Geodesic distance between the nearest points of two geometries (0 when they meet).
    double nearest_m(const GEOSGeometry* a, const GEOSGeometry* b) const;
    // Working-CRS units per metre on the ground near a point (the mean of the east and north scale):
    // a buffer of r metres there is a planar buffer of r * scale(x, y), whatever the CRS's distortion.
    double scale(double x, double y) const;

private:
    double ring_area_m2(const GEOSGeometry* ring) const;
    double sequence_length_m(const GEOSGeometry* line) const;

    Transformer m_tr;
    const GeosContext& m_geos;
    bool m_equal_area = false;
};

// A worker thread's own GEOS context and Measure (PROJ context): parallel_for's state for work on
// geometries. Not moved once made (the Measure keeps the context).
struct GeometryThread {
    explicit GeometryThread(const WorkingCrs& crs) : measure(crs, geos) {}
    GeometryThread(const GeometryThread&) = delete;
    GeometryThread& operator=(const GeometryThread&) = delete;
    GeosContext geos;
    Measure measure;
};

// Geodesic distance (m) and area (m², positive) on WGS 84, lon/lat in degrees.
double geodesic_distance_m(double lon1, double lat1, double lon2, double lat2);
double geodesic_area_m2(const std::vector<double>& lons, const std::vector<double>& lats);

}  // namespace townsite
