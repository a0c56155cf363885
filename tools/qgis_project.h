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

// A CRS as QGIS stores it.
struct ProjectCrs {
    std::string authid, wkt, proj4, name;
    std::string ellipsoid;   // for measurements: "EPSG:7019", or "PARAMETER:a:b"
    bool geographic = false;
};
// A CRS given as GDAL/PROJ understand it ("EPSG:4326", a +proj string, WKT); `name` replaces the
// name PROJ gives it (a +proj string's is "unknown").
ProjectCrs project_crs(const std::string& definition, const std::string& name = "");

struct Extent {
    double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
};

// How the project opens and prints: in the study's working CRS (so that the province is not
// stretched), on the province, with a print layout for the province and one per prefecture.
struct ProjectView {
    ProjectCrs crs;
    Extent province;                                   // in crs
    std::vector<std::pair<std::string, Extent>> prefectures;   // name, extent in crs
    std::string source;                                // the layouts' source line
    Lang lang = Lang::zh;                              // of the layouts' titles and legend
};

// layers_crs: the CRS of the written layers. Groups appear in the order of their first layer;
// layers in their order, the first on top. Only the layers a planner starts from are switched on
// (the demonstration towns, the gaps, the admin units and the roads), the dense ones are drawn only
// when zoomed in (villages, gaps, extensions, works).
std::string qgis_project(const std::string& title, const ProjectCrs& layers_crs, const std::vector<ProjectLayer>& layers, const ProjectView& view);

}  // namespace townsite::tools
