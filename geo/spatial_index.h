// SegmentIndex: nearest line segment to a point, for many points against many lines (roads,
// pipes). A Boost.Geometry R-tree (R*-tree, built once by packing, read-only after) of the
// segments of line geometries in the working CRS.
//
//   SegmentIndex roads(geos);
//   for (const Feature& f : road_layer.features) roads.add(f.geom.get(), feature_index);
//   roads.build();
//   SegmentIndex::Hit hit = roads.nearest(x, y);    // hit.distance is planar, in working-CRS metres
#pragma once

#include "geo/handles.h"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <cstdint>
#include <vector>

namespace townsite {

class SegmentIndex {
public:
    struct Hit {
        bool found = false;
        double distance = 0;       // planar distance in the working CRS
        double x = 0, y = 0;       // the nearest point on the segment
        std::uint32_t owner = 0;   // what add() was given
        std::uint32_t segment = 0; // which segment (ties go to the first by its end points, whatever the order added)
    };

    explicit SegmentIndex(const GeosContext& geos) : m_geos(geos) {}
    // Adds every segment of every line (or polygon ring) of `g`.
    void add(const GEOSGeometry* g, std::uint32_t owner);
    // Adds one segment (coordinates in the working CRS).
    void add_segment(double x1, double y1, double x2, double y2, std::uint32_t owner);
    void reserve(std::size_t segments) { m_values.reserve(segments), m_owners.reserve(segments); }
    void build();
    Hit nearest(double x, double y) const;
    // Every segment within `radius` (planar) of the point, nearest first (ties by segment).
    std::vector<Hit> within(double x, double y, double radius) const;
    std::size_t size() const { return m_owners.size(); }

private:
    using Point = boost::geometry::model::d2::point_xy<double>;
    using Box = boost::geometry::model::box<Point>;
    // A segment's bounding box and its index into m_owners. A segment is a diagonal of its box, so
    // two bits of the index (which end has the larger x, which the larger y) give back its end
    // points exactly: the index holds no copy of the coordinates (a country has 10 million roads).
    using Value = std::pair<Box, std::uint32_t>;
    static constexpr std::uint32_t kFirstXMax = 1u << 31, kFirstYMax = 1u << 30, kIndex = kFirstYMax - 1;
    struct Segment {
        double x1, y1, x2, y2;
    };
    static Segment segment(const Value& v);

    void add_sequence(const GEOSGeometry* line, std::uint32_t owner);
    bool before(const Value& a, const Value& b) const;

    const GeosContext& m_geos;
    std::vector<Value> m_values;          // until build()
    std::vector<std::uint32_t> m_owners;  // per segment: what add() was given
    boost::geometry::index::rtree<Value, boost::geometry::index::rstar<16>> m_tree;
};

// BoxIndex: which of many geometries may meet a box (their bounding boxes meet it), in the order
// they were added: for the pages that each draw a small part of large layers.
//
//   BoxIndex counties(geos);
//   for (const Feature& f : layer.features) counties.add(f.geom.get());
//   counties.build();
//   for (std::uint32_t k : counties.meeting(geos.extent(frame))) ...   // then the exact test
class BoxIndex {
public:
    explicit BoxIndex(const GeosContext& geos) : m_geos(geos) {}
    void add(const GEOSGeometry* g);   // numbered from 0 in the order added
    void build();
    std::vector<std::uint32_t> meeting(const GeosContext::Extent& box) const;   // ascending
    std::size_t size() const { return m_boxes.size(); }

private:
    using Point = boost::geometry::model::d2::point_xy<double>;
    using Box = boost::geometry::model::box<Point>;
    using Value = std::pair<Box, std::uint32_t>;
    const GeosContext& m_geos;
    std::vector<Value> m_boxes;
    boost::geometry::index::rtree<Value, boost::geometry::index::rstar<16>> m_tree;
};

// Nearest point to (px, py) on segment a-b, and its squared distance.
double nearest_on_segment(double px, double py, double ax, double ay, double bx, double by, double& qx, double& qy);

}  // namespace townsite
