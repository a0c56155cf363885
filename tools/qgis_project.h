// A QGIS project (.qgs) that opens the layers of a run, grouped and styled, with paths relative to
// the project file (so the folder can be moved or sent as a whole).
#pragma once

#include "tools/styles.h"

#include <string>
#include <vector>

namespace townsite::tools {

struct ProjectLayer {
    std::string name;         // the layer's name in the data source
    std::string title;        // what the layers panel shows
    std::string source;       // relative to the project: "./townsite.gpkg|layername=towns"
    std::string group;
    OGRwkbGeometryType geometry = wkbUnknown;
    LayerStyle style;
};

// crs: the CRS of the written layers (authority id and WKT). Groups appear in the order of their
// first layer; layers in their order, the first on top.
std::string qgis_project(const std::string& title, const std::string& crs_authid, const std::string& crs_wkt,
                         const std::vector<ProjectLayer>& layers);

}  // namespace townsite::tools
