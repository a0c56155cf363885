#pragma once
// A GeoPackage layer's spatial index (the gpkg_rtree_index extension), packed in one pass.
//
// GDAL 3.6 fills a new layer's R-tree at the end, one SQLite R*-tree insertion per feature (about
// 12 µs each: two minutes for the country's ten million roads, on one core). Here the boxes are
// read back from the table, packed bottom-up (sort-tile-recursive), and the nodes written straight
// into the R-tree's tables in SQLite's own layout; then the triggers and the extension's row, as
// GDAL writes them, keep the index right when the layer is edited later (in QGIS).
// The entries are GDAL's: every non-empty geometry, its box rounded outwards to 32-bit floats.

#include <cstddef>
#include <string>
#include <vector>

namespace townsite {

struct RtreeTable {
    std::string table, fid_column, geometry_column;
    std::size_t features = 0;   // as many as were written: room reserved for their boxes
};

// Adds the spatial index of each table to the GeoPackage at `path` (closed by GDAL, written with
// SPATIAL_INDEX=NO), in one transaction. Throws Error naming the file and table on failure.
void write_gpkg_rtrees(const std::string& path, const std::vector<RtreeTable>& tables);

}  // namespace townsite
