// Polylines as plain points, and joining them where they meet.
//
//   std::vector<std::vector<Pt2>> lines = ...;           // stretches of road, pipes cut to a box
//   for (const auto& line : join_at_ends(std::move(lines)))
//       parts.push_back(GEOSBuffer_r(ctx, line_geometry(geos, line).get(), r, 4));
//   GeomPtr band = geos.union_of(std::move(parts));      // the same area as buffering each alone
#pragma once

#include "geo/handles.h"

#include <cstddef>
#include <vector>

namespace townsite {

struct Pt2 {
    double x = 0, y = 0;
};

// The points of every line string in `g` (a line, a multi-line or a collection), one vector each.
void collect_lines(const GeosContext& geos, const GEOSGeometry* g, std::vector<std::vector<Pt2>>& out);
// A GEOS line string through the points.
GeomPtr line_geometry(const GeosContext& geos, const std::vector<Pt2>& pts);

// The lines joined end to end where their ends are the same point: at each point, the ends are
// paired straightest first (the two roads through a crossing go on through it), and each joined line
// takes at most `max_joined` of the given ones. Every given line is in exactly one joined line, in
// its own or the reverse direction, so the joined lines cover the same points (lines of fewer than
// two points are dropped). The result depends only on the lines and their order.
// What it is for: the band around a line is the union of the bands around its pieces, and buffering
// the joined lines, then uniting, nodes far fewer edges than uniting a buffer of every piece (no
// round ends overlapping wherever pieces meet).
std::vector<std::vector<Pt2>> join_at_ends(std::vector<std::vector<Pt2>> lines, std::size_t max_joined = 64);

}  // namespace townsite
