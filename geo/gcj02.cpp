#include "geo/gcj02.h"

#include <cmath>

namespace townsite {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kA = 6378245.0;                   // Krasovsky 1940 semi-major axis, as the formula uses
constexpr double kEE = 0.00669342162296594323;     // and its first eccentricity squared

bool outside_china(double lon, double lat) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }

double offset_lat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * kPi) + 320 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
    return r;
}

double offset_lon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
    return r;
}

void delta(double lon, double lat, double& dlon, double& dlat) {
    dlat = offset_lat(lon - 105.0, lat - 35.0);
    dlon = offset_lon(lon - 105.0, lat - 35.0);
    const double rad_lat = lat / 180.0 * kPi;
    double magic = std::sin(rad_lat);
    magic = 1 - kEE * magic * magic;
    const double sqrt_magic = std::sqrt(magic);
    dlat = (dlat * 180.0) / ((kA * (1 - kEE)) / (magic * sqrt_magic) * kPi);
    dlon = (dlon * 180.0) / (kA / sqrt_magic * std::cos(rad_lat) * kPi);
}

}  // namespace

void wgs84_to_gcj02(double& lon, double& lat) {
    if (outside_china(lon, lat)) return;
    double dlon = 0, dlat = 0;
    delta(lon, lat, dlon, dlat);
    lon += dlon;
    lat += dlat;
}

void gcj02_to_wgs84(double& lon, double& lat) {
    if (outside_china(lon, lat)) return;
    // Fixed point: find w with forward(w) = g. The offset varies slowly, so w <- g - delta(w) converges
    // in a handful of steps.
    const double g_lon = lon, g_lat = lat;
    double w_lon = g_lon, w_lat = g_lat;
    for (int i = 0; i < 30; ++i) {
        double f_lon = w_lon, f_lat = w_lat;
        wgs84_to_gcj02(f_lon, f_lat);
        const double e_lon = f_lon - g_lon, e_lat = f_lat - g_lat;
        w_lon -= e_lon;
        w_lat -= e_lat;
        if (std::fabs(e_lon) < 1e-10 && std::fabs(e_lat) < 1e-10) break;
    }
    lon = w_lon;
    lat = w_lat;
}

}  // namespace townsite
