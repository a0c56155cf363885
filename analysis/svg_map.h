// svg_map: maps as inline SVG for the report and the town pages: geometries in the working CRS,
// north up, fitted to a frame, with a legend and a scale bar; and the colours the outputs share.
//
//   SvgMap map(geos, frame, 760);                 // frame: what the map must show
//   map.geometry(county, "fill=\"none\" stroke=\"#555\"");
//   map.circle(x, y, 3, "fill=\"red\"");
//   std::string svg = map.svg({{"red", "示范镇 demonstration towns"}});
#pragma once

#include "geo/handles.h"
#include "geo/text.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace townsite {

std::string html_escape(const std::string& text);

inline const char* const kUtilityColour[] = {"#1f78b4", "#ff7f00", "#e31a1c", "#8c510a", "#33a02c"};
inline const char* const kTierColour[] = {"#d7191c", "#fdae61", "#2c7bb6", "#777777"};

// An SVG map of geometries in the working CRS, north up, fitted to a frame.
class SvgMap {
public:
    SvgMap(const GeosContext& geos, const GEOSGeometry* frame, double width_px) : m_geos(geos), m_width(width_px) {
        const GeosContext::Extent e = geos.extent(frame);
        m_x0 = e.x0, m_y1 = e.y1;
        m_scale = (m_width - 20) / std::max(1.0, e.x1 - e.x0);
        m_height = (e.y1 - e.y0) * m_scale + 20;
    }
    double metres_per_px() const { return 1 / m_scale; }

    void geometry(const GEOSGeometry* g, const std::string& attrs, double simplify_px = 0.5) {
        GeomPtr clipped, simple;
        if (GEOSGeom_getDimensions_r(m_geos.get(), g) > 0) {
            // Only what the map shows (and 10 px round it, where a clipped edge is out of sight) is
            // simplified and written: a county's farmland on a town's map is a few patches, not all.
            const GeosContext::Extent e = m_geos.extent(g);
            const double margin = 10 / m_scale, x1 = m_x0 + (m_width - 20) / m_scale, y0 = m_y1 - (m_height - 20) / m_scale;
            if (e.x0 < m_x0 - margin || e.x1 > x1 + margin || e.y0 < y0 - margin || e.y1 > m_y1 + margin) {
                clipped = m_geos.own(GEOSClipByRect_r(m_geos.get(), g, m_x0 - margin, y0 - margin, x1 + margin, m_y1 + margin));
                if (!clipped || GEOSisEmpty_r(m_geos.get(), clipped.get()) == 1) return;
                g = clipped.get();
            }
        }
        if (simplify_px > 0 && GEOSGeomTypeId_r(m_geos.get(), g) != GEOS_POINT) {
            // Douglas-Peucker: at half a pixel what it may cross or collapse is out of sight, and it
            // costs a fraction of the topology-preserving kind.
            simple = m_geos.own(GEOSSimplify_r(m_geos.get(), g, simplify_px / m_scale));
            if (simple) g = simple.get();
        }
        std::string d;
        path(g, d);
        if (!d.empty()) m_body += "<path d=\"" + d + "\" " + attrs + "/>\n";
    }
    void circle(double x, double y, double r_px, const std::string& attrs) {
        m_body += "<circle cx=\"" + fmt(px(x), 1) + "\" cy=\"" + fmt(py(y), 1) + "\" r=\"" + fmt(r_px, 1) + "\" " + attrs + "/>\n";
    }
    void text(double x, double y, const std::string& t, const std::string& attrs) {
        m_body += "<text x=\"" + fmt(px(x) + 4, 1) + "\" y=\"" + fmt(py(y) - 3, 1) + "\" " + attrs + ">" + html_escape(t) + "</text>\n";
    }
    // A label beside a point, placed where it overlaps no label placed before it (right, left, above
    // or below the point), inside the frame; left out when there is no such place. Returns whether
    // it was placed: callers add labels in order of importance and can say how many were left out.
    bool label(double x, double y, const std::string& t, double font_px, const std::string& attrs) {
        const double w = text_width(t, 1.0, 0.58) * font_px * 1.08 + 2, h = font_px * 1.1;
        const double cx = px(x), cy = py(y), gap = 4;
        // Candidate boxes (left, top): right, left, above, below, then beside the boxes above and below.
        const double spots[][2] = {{cx + gap, cy - h / 2},         {cx - gap - w, cy - h / 2},         {cx - w / 2, cy - 1.5 * h},
                                   {cx - w / 2, cy + h / 2},       {cx + w / 2, cy - 1.5 * h},         {cx - 1.5 * w, cy - 1.5 * h},
                                   {cx + w / 2, cy + h / 2},       {cx - 1.5 * w, cy + h / 2}};
        for (const auto& s : spots) {
            const Box b{s[0], s[1], s[0] + w, s[1] + h};
            if (b.x0 < 0 || b.y0 < 0 || b.x1 > m_width || b.y1 > m_height) continue;
            if (std::any_of(m_labels.begin(), m_labels.end(), [&](const Box& o) {   // touching is not overlapping
                    constexpr double e = 0.01;
                    return b.x0 < o.x1 - e && o.x0 < b.x1 - e && b.y0 < o.y1 - e && o.y0 < b.y1 - e;
                }))
                continue;
            m_labels.push_back(b);
            m_body += "<text x=\"" + fmt(b.x0, 1) + "\" y=\"" + fmt(b.y1 - h * 0.15, 1) + "\" font-size=\"" + fmt(font_px, 1) + "\" " + attrs + ">" +
                      html_escape(t) + "</text>\n";
            return true;
        }
        return false;
    }
    std::string svg(const std::vector<std::pair<std::string, std::string>>& legend) const {
        const std::string w = fmt(m_width, 0), h = fmt(m_height + 22.0 * double(legend.size()) + 10, 0);
        std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h +
                          "\" font-family=\"sans-serif\" font-size=\"11\">\n" +
                          // the map in a viewport of its own: what lies beyond the frame is cut, not drawn over the legend
                          "<svg x=\"0\" y=\"0\" width=\"" + fmt(m_width, 0) + "\" height=\"" + fmt(m_height, 0) + "\" overflow=\"hidden\">\n" + m_body +
                          "</svg>\n";
        double y = m_height + 14;
        for (const auto& [colour, label] : legend) {
            out += "<rect x=\"12\" y=\"" + fmt(y - 9, 1) + "\" width=\"14\" height=\"10\" fill=\"" + colour + "\" stroke=\"#333\" stroke-width=\"0.3\"/>";
            out += "<text x=\"32\" y=\"" + fmt(y, 1) + "\">" + html_escape(label) + "</text>\n";
            y += 20;
        }
        // A scale bar of a round length near a fifth of the width.
        const double target_m = (m_width / 5) / m_scale;
        double bar_m = std::pow(10.0, std::floor(std::log10(target_m)));
        if (bar_m * 5 <= target_m) bar_m *= 5;
        else if (bar_m * 2 <= target_m) bar_m *= 2;
        const double bx = m_width - 20 - bar_m * m_scale, by = m_height - 6;
        out += "<line x1=\"" + fmt(bx, 1) + "\" y1=\"" + fmt(by, 1) + "\" x2=\"" + fmt(m_width - 20, 1) + "\" y2=\"" + fmt(by, 1) +
               "\" stroke=\"#000\" stroke-width=\"2\"/><text x=\"" + fmt(bx, 1) + "\" y=\"" + fmt(by - 4, 1) + "\">" + fmt(bar_m / 1000, 0) +
               " km</text>\n";
        return out + "</svg>\n";
    }

private:
    struct Box {
        double x0, y0, x1, y1;
    };
    double px(double x) const { return 10 + (x - m_x0) * m_scale; }
    double py(double y) const { return 10 + (m_y1 - y) * m_scale; }
    void ring(const GEOSGeometry* g, std::string& d, bool close) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(m_geos.get(), g);
        unsigned int n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(m_geos.get(), seq, &n) || n == 0) return;
        for (unsigned int i = 0; i < n; ++i) {
            double x = 0, y = 0;
            GEOSCoordSeq_getXY_r(m_geos.get(), seq, i, &x, &y);
            d += i ? 'L' : 'M';   // appended piece by piece: GCC 12 warns falsely (-Wrestrict) on one concatenation
            d += fmt(px(x), 1);
            d += ' ';
            d += fmt(py(y), 1);
        }
        if (close) d += "Z";
    }
    void path(const GEOSGeometry* g, std::string& d) {
        switch (GEOSGeomTypeId_r(m_geos.get(), g)) {
            case GEOS_LINESTRING:
            case GEOS_LINEARRING: ring(g, d, false); break;
            case GEOS_POLYGON: {
                ring(GEOSGetExteriorRing_r(m_geos.get(), g), d, true);
                const int holes = GEOSGetNumInteriorRings_r(m_geos.get(), g);
                for (int k = 0; k < holes; ++k) ring(GEOSGetInteriorRingN_r(m_geos.get(), g, k), d, true);
                break;
            }
            case GEOS_MULTILINESTRING:
            case GEOS_MULTIPOLYGON:
            case GEOS_GEOMETRYCOLLECTION: {
                const int n = GEOSGetNumGeometries_r(m_geos.get(), g);
                for (int k = 0; k < n; ++k) path(GEOSGetGeometryN_r(m_geos.get(), g, k), d);
                break;
            }
            default: break;
        }
    }
    const GeosContext& m_geos;
    double m_width, m_height = 0, m_scale = 1, m_x0 = 0, m_y1 = 0;
    std::string m_body;
    std::vector<Box> m_labels;
};


}  // namespace townsite
