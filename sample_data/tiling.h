// Where townsite-make-sample --scale N puts its N copies of the province: a grid as square as it
// can be (copy k in column k % cols, row k / cols), 10 degrees of longitude and 6 of latitude apart,
// moved west and south as a whole where it would pass 180 degrees of longitude or 84 of latitude.
//
//   tile_offsets(26, {121.6, 40.8, 131.4, 46.4})   // 6 columns: shifted 10 degrees west
#pragma once

#include "geo/crs.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace townsite::sample {

struct Tile {
    double dlon, dlat;   // the copy's shift, whole degrees
};

// The grid's columns: copy k is in column k % cols, row k / cols.
inline int tile_columns(int copies) { return int(std::ceil(std::sqrt(double(copies)))); }

inline std::vector<Tile> tile_offsets(int copies, const LonLatBox& e, double step_lon = 10, double step_lat = 6, double max_lat = 84) {
    const int cols = tile_columns(copies), rows = (copies + cols - 1) / cols;
    // The first column and row, 0 unless the grid must move to stay on the globe.
    const int col0 = std::min(0, int(std::floor((180 - e.east) / step_lon)) - (cols - 1));
    const int row0 = std::min(0, int(std::floor((max_lat - e.north) / step_lat)) - (rows - 1));
    if (e.west + step_lon * col0 < -180 || e.south + step_lat * row0 < -max_lat)
        throw std::invalid_argument(std::to_string(copies) + " copies of the province do not fit on the globe");
    std::vector<Tile> out;
    for (int k = 0; k < copies; ++k) out.push_back({step_lon * (k % cols + col0), step_lat * (k / cols + row0)});
    return out;
}

}  // namespace townsite::sample
