#include "tools/qgis_project.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

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

// A layer id as QGIS makes them (name, underscore, a unique suffix), the same on every run: QGIS
// renews ids that do not look like its own.
std::string layer_id(const std::string& name) {
    std::uint64_t h = 1469598103934665603ull;   // FNV-1a of the name
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
    char suffix[40];
    std::snprintf(suffix, sizeof suffix, "_%08x_%04x_%04x_%04x_%012llx", unsigned(h >> 32), unsigned(h >> 16) & 0xffffu, unsigned(h) & 0xffffu,
                  unsigned(h >> 48) & 0xffffu, static_cast<unsigned long long>(h & 0xffffffffffffull));
    return name + suffix;
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
                tree += "<layer-tree-layer id=\"" + layer_id(l.name) + "\" name=\"" + xml_escape(l.title) + "\" source=\"" + xml_escape(l.source) +
                        "\" providerKey=\"ogr\" checked=\"Qt::Checked\" expanded=\"0\"><customproperties/></layer-tree-layer>";
        tree += "</layer-tree-group>";
    }
    tree += "</layer-tree-group>";
    std::string maplayers;
    for (const auto& l : layers)
        maplayers += "<maplayer type=\"vector\" geometry=\"" + geometry_name(l.geometry) + "\" labelsEnabled=\"" + (l.style.labels ? "1" : "0") +
                     "\" autoRefreshEnabled=\"0\" styleCategories=\"AllStyleCategories\"><id>" + layer_id(l.name) + "</id><datasource>" +
                     xml_escape(l.source) + "</datasource><layername>" + xml_escape(l.title) + "</layername><srs>" + srs(authid, wkt) +
                     "</srs><provider encoding=\"UTF-8\">ogr</provider>" + l.style.body + "</maplayer>\n";
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"" + xml_escape(title) +
           "\" version=\"3.22.0\">\n<homePath path=\"\"/><title>" + xml_escape(title) + "</title><projectCrs>" + srs(authid, wkt) + "</projectCrs>\n" +
           tree + "\n<projectlayers>\n" + maplayers + "</projectlayers>\n<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths></properties>\n</qgis>\n";
}

}  // namespace townsite::tools
