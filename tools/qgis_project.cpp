#include "tools/qgis_project.h"

#include <algorithm>

namespace townsite::tools {

namespace {

std::string geometry_name(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
        case wkbPoint:
        case wkbMultiPoint: return "Point";
        case wkbLineString:
        case wkbMultiLineString: return "Line";
        case wkbPolygon:
        case wkbMultiPolygon: return "Polygon";
        default: return "Unknown";
    }
}

std::string srs(const std::string& authid, const std::string& wkt) {
    return "<spatialrefsys nativeFormat=\"Wkt\"><wkt>" + xml_escape(wkt) + "</wkt><authid>" + xml_escape(authid) + "</authid></spatialrefsys>";
}

}  // namespace

std::string qgis_project(const std::string& title, const std::string& authid, const std::string& wkt, const std::vector<ProjectLayer>& layers) {
    std::vector<std::string> groups;
    for (const auto& l : layers)
        if (std::find(groups.begin(), groups.end(), l.group) == groups.end()) groups.push_back(l.group);
    std::string tree = "<layer-tree-group><customproperties/>";
    for (const auto& g : groups) {
        tree += "<layer-tree-group name=\"" + xml_escape(g) + "\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties/>";
        for (const auto& l : layers)
            if (l.group == g)
                tree += "<layer-tree-layer id=\"" + xml_escape(l.name) + "\" name=\"" + xml_escape(l.title) + "\" source=\"" + xml_escape(l.source) +
                        "\" providerKey=\"ogr\" checked=\"Qt::Checked\" expanded=\"0\"><customproperties/></layer-tree-layer>";
        tree += "</layer-tree-group>";
    }
    tree += "</layer-tree-group>";
    std::string maplayers;
    for (const auto& l : layers)
        maplayers += "<maplayer type=\"vector\" geometry=\"" + geometry_name(l.geometry) + "\" labelsEnabled=\"" + (l.style.labels ? "1" : "0") +
                     "\" autoRefreshEnabled=\"0\" styleCategories=\"AllStyleCategories\"><id>" + xml_escape(l.name) + "</id><datasource>" +
                     xml_escape(l.source) + "</datasource><layername>" + xml_escape(l.title) + "</layername><srs>" + srs(authid, wkt) +
                     "</srs><provider encoding=\"UTF-8\">ogr</provider>" + l.style.body + "</maplayer>\n";
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"" + xml_escape(title) +
           "\" version=\"3.22.0\">\n<homePath path=\"\"/><title>" + xml_escape(title) + "</title><projectCrs>" + srs(authid, wkt) + "</projectCrs>\n" +
           tree + "\n<projectlayers>\n" + maplayers + "</projectlayers>\n<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths></properties>\n</qgis>\n";
}

}  // namespace townsite::tools
