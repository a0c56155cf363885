#include "tools/qgis_project.h"

#include "geo/text.h"

#include <cpl_conv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <iterator>
#include <tuple>
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

std::string srs(const ProjectCrs& c) {
    return "<spatialrefsys nativeFormat=\"Wkt\"><wkt>" + xml_escape(c.wkt) + "</wkt><proj4>" + xml_escape(c.proj4) + "</proj4><authid>" +
           xml_escape(c.authid) + "</authid><description>" + xml_escape(c.name) + "</description><geographicflag>" +
           (c.geographic ? "true" : "false") + "</geographicflag></spatialrefsys>";
}

// Coordinates and sizes in the project, to the millimetre.
std::string num(double v) { return fmt(v, 3); }

// Layers switched on when the project opens, and the scale (1:N) beyond which dense layers are not drawn.
bool shown_at_start(const std::string& name) {
    static const char* shown[] = {"demo_towns", "coverage_gaps", "roads", "counties", "prefectures"};
    return std::find_if(std::begin(shown), std::end(shown), [&](const char* n) { return name == n; }) != std::end(shown);
}
double drawn_below_scale(const std::string& name) {
    if (name == "villages") return 300000;
    if (name == "coverage_gaps" || name == "network_extensions" || name == "works" || name == "dead_end_links") return 1500000;
    return 0;
}

// `box` grown by 4 % and to the width:height of a frame w x h.
Extent fit(Extent box, double w, double h) {
    double cx = (box.xmin + box.xmax) / 2, cy = (box.ymin + box.ymax) / 2;
    double bw = (box.xmax - box.xmin) * 1.08, bh = (box.ymax - box.ymin) * 1.08;
    if (bw <= 0) bw = 1000;
    if (bh <= 0) bh = 1000;
    if (bw / bh > w / h) bh = bw * h / w;
    else bw = bh * w / h;
    return {cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2};
}

std::string uuid(int layout, int item) {
    char b[48];
    std::snprintf(b, sizeof b, "{7a0c5e1d-0000-4000-8000-%06d%06d}", layout, item);
    return b;
}

// An item's common attributes: where it is on the page (mm).
std::string item(int type, const std::string& id, double x, double y, double w, double h, int z) {
    const std::string pos = num(x) + "," + num(y) + ",mm";
    return "<LayoutItem type=\"" + std::to_string(type) + "\" uuid=\"" + id + "\" templateUuid=\"" + id + "\" id=\"\" position=\"" + pos +
           "\" positionOnPage=\"" + pos + "\" size=\"" + num(w) + "," + num(h) + ",mm\" zValue=\"" + std::to_string(z) +
           "\" visibility=\"1\" opacity=\"1\" blendMode=\"0\" referencePoint=\"0\" positionLock=\"false\" groupUuid=\"\" excludeFromExports=\"0\" "
           "itemRotation=\"0\" frameJoinStyle=\"miter\" outlineWidthM=\"0.3,mm\"";
}
const char* kItemColours = "<FrameColor alpha=\"255\" red=\"0\" green=\"0\" blue=\"0\"/><BackgroundColor alpha=\"255\" red=\"255\" green=\"255\" "
                           "blue=\"255\"/><LayoutObject><dataDefinedProperties/><customproperties/></LayoutObject>";

std::string font(double size_pt, bool bold) { return std::string(kLabelFont) + "," + num(size_pt) + ",-1,5," + (bold ? "75" : "50") + ",0,0,0,0,0"; }

std::string label(int layout, int n, const std::string& text, double x, double y, double w, double h, double size_pt, bool bold) {
    return item(65641, uuid(layout, n), x, y, w, h, 5) + " frame=\"false\" background=\"false\" labelText=\"" + xml_escape(text) +
           "\" htmlState=\"0\" marginX=\"0\" marginY=\"0\" halign=\"1\" valign=\"128\">" + kItemColours + "<LabelFont style=\"\" description=\"" +
           font(size_pt, bold) + "\"/><FontColor alpha=\"255\" red=\"20\" green=\"20\" blue=\"20\"/></LayoutItem>";
}

// An A4 landscape print layout: title, the map on `extent`, legend (of what the map shows), scale
// bar, north arrow and the source with the date of printing.
std::string layout(int k, const std::string& name, const std::string& title, const Extent& extent, const ProjectCrs& crs, const std::string& source, Lang lang) {
    const double mw = 200, mh = 168;
    const Extent e = fit(extent, mw, mh);
    const std::string map = uuid(k, 1);
    std::string l = "<Layout name=\"" + xml_escape(name) + "\" units=\"mm\" printResolution=\"300\" worldFileMap=\"" + map + "\"><PageCollection>" +
                    item(65638, uuid(k, 0), 0, 0, 297, 210, 0) + " frame=\"false\" background=\"true\">" + kItemColours +
                    "</LayoutItem><GuideCollection visible=\"1\"/></PageCollection>";
    l += item(65639, map, 10, 22, mw, mh, 1) + " frame=\"true\" background=\"true\" keepLayerSet=\"false\" drawCanvasItems=\"true\" "
         "mapRotation=\"0\" followPreset=\"false\" followPresetName=\"\" mapFlags=\"0\" labelMargin=\"0,mm\" isTemporal=\"0\">" + kItemColours +
         "<Extent xmin=\"" + num(e.xmin) + "\" ymin=\"" + num(e.ymin) + "\" xmax=\"" + num(e.xmax) + "\" ymax=\"" + num(e.ymax) + "\"/><crs>" +
         srs(crs) + "</crs><LayerSet/></LayoutItem>";
    l += label(k, 2, title, 10, 6, 277, 12, 16, true);
    std::string styles = "<styles>";
    for (const auto& [style, size, bold] : std::vector<std::tuple<std::string, double, bool>>{
             {"title", 12, true}, {"group", 10, true}, {"subgroup", 9, true}, {"symbol", 8, false}, {"symbolLabel", 8, false}})
        styles += "<style name=\"" + style + "\" alignment=\"1\" marginTop=\"1.5\"><styleFont style=\"\" description=\"" + font(size, bold) +
                  "\"/></style>";
    styles += "</styles>";
    l += item(65642, uuid(k, 3), 215, 22, 72, 150, 3) + " frame=\"false\" background=\"true\" map_uuid=\"" + map +
         "\" title=\"" + say(lang, "图例", "Legend") + "\" legendFilterByMap=\"1\" legendFilterByAtlas=\"0\" resizeToContents=\"1\" columnCount=\"1\" "
         "splitLayer=\"0\" equalColumnWidth=\"0\" symbolWidth=\"6\" symbolHeight=\"3.5\" boxSpace=\"2\" columnSpace=\"2\" lineSpacing=\"1\" "
         "wrapChar=\"\" titleAlignment=\"1\" symbolAlignment=\"1\" fontColor=\"#000000\" rasterBorder=\"1\" rasterBorderColor=\"0,0,0,255\" "
         "rasterBorderWidth=\"0\" wmsLegendWidth=\"50\" wmsLegendHeight=\"25\" minSymbolSize=\"0\" maxSymbolSize=\"0\">" +
         kItemColours + styles + "</LayoutItem>";
    l += item(65646, uuid(k, 4), 12, 177, 62, 11, 4) + " frame=\"false\" background=\"true\" mapUuid=\"" + map +
         "\" style=\"Single Box\" unitType=\"kilometers\" unitLabel=\"km\" numMapUnitsPerScaleBarUnit=\"1000\" numSegments=\"2\" "
         "numSegmentsLeft=\"0\" numSubdivisions=\"1\" subdivisionsHeight=\"1.5\" numUnitsPerSegment=\"10\" segmentSizeMode=\"1\" minBarWidth=\"20\" "
         "maxBarWidth=\"40\" height=\"2\" labelBarSpace=\"2\" boxContentSpace=\"1\" alignment=\"0\" labelVerticalPlacement=\"0\" "
         "labelHorizontalPlacement=\"0\" outlineWidth=\"0.3\" lineJoinStyle=\"miter\" lineCapStyle=\"square\">" +
         kItemColours +
         "<text-style fontFamily=\"" + kLabelFont + "\" fontSize=\"8\" fontSizeUnit=\"Point\" fontWeight=\"50\" fontItalic=\"0\" "
         "textColor=\"0,0,0,255\" textOpacity=\"1\" namedStyle=\"Regular\"/></LayoutItem>";
    l += item(65640, uuid(k, 5), 196, 25, 11, 14, 6) + " frame=\"false\" background=\"false\" mapUuid=\"" + map +
         "\" file=\":/images/north_arrows/layout_default_north_arrow.svg\" mode=\"0\" resizeMode=\"0\" northMode=\"0\" northOffset=\"0\" "
         "anchorPoint=\"0\" pictureRotation=\"0\" pictureWidth=\"11\" pictureHeight=\"14\" svgFillColor=\"0,0,0,255\" "
         "svgBorderColor=\"0,0,0,255\" svgBorderWidth=\"0.2\">" +
         kItemColours + "</LayoutItem>";
    l += label(k, 6, source, 215, 178, 77, 20, 7, false);
    return l + "</Layout>";
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

ProjectCrs project_crs(const std::string& definition, const std::string& name) {
    ProjectCrs c;
    OGRSpatialReference sr;
    if (definition.empty() || sr.SetFromUserInput(definition.c_str()) != OGRERR_NONE) return c;
    char* text = nullptr;
    const char* wkt2[] = {"FORMAT=WKT2_2019", nullptr};
    if (sr.exportToWkt(&text, wkt2) == OGRERR_NONE && text) c.wkt = text;
    CPLFree(text);
    text = nullptr;
    if (sr.exportToProj4(&text) == OGRERR_NONE && text) c.proj4 = text;
    CPLFree(text);
    if (sr.GetAuthorityName(nullptr) && sr.GetAuthorityCode(nullptr)) c.authid = std::string(sr.GetAuthorityName(nullptr)) + ":" + sr.GetAuthorityCode(nullptr);
    c.name = !name.empty() ? name : sr.GetName() ? sr.GetName() : definition;
    c.geographic = sr.IsGeographic();
    const char* auth = sr.GetAuthorityName("GEOGCS|DATUM|SPHEROID");
    const char* code = sr.GetAuthorityCode("GEOGCS|DATUM|SPHEROID");
    char ab[96];
    std::snprintf(ab, sizeof ab, "PARAMETER:%.4f:%.4f", sr.GetSemiMajor(), sr.GetSemiMinor());
    c.ellipsoid = auth && code && std::string(auth) == "EPSG" ? "EPSG:" + std::string(code) : std::string(ab);
    return c;
}

std::string qgis_project(const std::string& title, const ProjectCrs& layers_crs, const std::vector<ProjectLayer>& layers, const ProjectView& view) {
    std::vector<std::string> groups;
    for (const auto& l : layers)
        if (std::find(groups.begin(), groups.end(), l.group) == groups.end()) groups.push_back(l.group);
    std::string tree = "<layer-tree-group><customproperties/>";
    for (const auto& g : groups) {
        bool any = false;
        for (const auto& l : layers) any |= l.group == g && shown_at_start(l.name);
        tree += "<layer-tree-group name=\"" + xml_escape(g) + "\" checked=\"" + (any ? "Qt::Checked" : "Qt::Unchecked") + "\" expanded=\"" +
                (g == groups.front() ? "1" : "0") + "\"><customproperties/>";
        for (const auto& l : layers)
            if (l.group == g)
                tree += "<layer-tree-layer id=\"" + layer_id(l.name) + "\" name=\"" + xml_escape(l.title) + "\" source=\"" + xml_escape(l.source) +
                        "\" providerKey=\"ogr\" checked=\"" + (shown_at_start(l.name) ? "Qt::Checked" : "Qt::Unchecked") +
                        "\" expanded=\"0\"><customproperties/></layer-tree-layer>";
        tree += "</layer-tree-group>";
    }
    tree += "</layer-tree-group>";
    std::string maplayers;
    for (const auto& l : layers) {
        const double below = drawn_below_scale(l.name);
        maplayers += "<maplayer type=\"vector\" geometry=\"" + geometry_name(l.geometry) + "\" labelsEnabled=\"" + (l.style.labels ? "1" : "0") +
                     "\" hasScaleBasedVisibilityFlag=\"" + (below > 0 ? "1" : "0") + "\" minScale=\"" + num(below > 0 ? below : 1e8) +
                     "\" maxScale=\"0\" autoRefreshEnabled=\"0\" styleCategories=\"AllStyleCategories\"><id>" + layer_id(l.name) + "</id><datasource>" +
                     xml_escape(l.source) + "</datasource><layername>" + xml_escape(l.title) + "</layername><srs>" + srs(layers_crs) +
                     "</srs><provider encoding=\"UTF-8\">ogr</provider>" + l.style.body + "</maplayer>\n";
    }
    const double margin = std::max(view.province.xmax - view.province.xmin, view.province.ymax - view.province.ymin) * 0.03;
    const Extent p{view.province.xmin - margin, view.province.ymin - margin, view.province.xmax + margin, view.province.ymax + margin};
    const std::string box = "xmin=\"" + num(p.xmin) + "\" ymin=\"" + num(p.ymin) + "\" xmax=\"" + num(p.xmax) + "\" ymax=\"" + num(p.ymax) + "\"";
    std::string view_xml = "<mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\"><units>" + std::string(view.crs.geographic ? "degrees" : "meters") +
                           "</units><extent><xmin>" + num(p.xmin) + "</xmin><ymin>" + num(p.ymin) + "</ymin><xmax>" + num(p.xmax) + "</xmax><ymax>" +
                           num(p.ymax) + "</ymax></extent><rotation>0</rotation><destinationsrs>" + srs(view.crs) +
                           "</destinationsrs><rendermaptile>0</rendermaptile><expressionContextScope/></mapcanvas>\n"
                           "<ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\"><Scales/><DefaultViewExtent " +
                           box + ">" + srs(view.crs) + "</DefaultViewExtent></ProjectViewSettings>\n";
    std::string layouts = "<Layouts>";
    const std::string province = say(view.lang, "全省", "province");
    layouts += layout(0, province, title + " · " + province, view.province, view.crs, view.source, view.lang);
    for (std::size_t k = 0; k < view.prefectures.size(); ++k)
        layouts += layout(int(k) + 1, view.prefectures[k].first, title + " · " + view.prefectures[k].first, view.prefectures[k].second, view.crs, view.source,
                          view.lang);
    layouts += "</Layouts>\n";
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"" + xml_escape(title) +
           "\" version=\"3.22.0\">\n<homePath path=\"\"/><title>" + xml_escape(title) + "</title><projectCrs>" + srs(view.crs) + "</projectCrs>\n" + tree +
           "\n" + view_xml + "<projectlayers>\n" + maplayers +
           "</projectlayers>\n<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths><SpatialRefSys><ProjectionsEnabled "
           "type=\"int\">1</ProjectionsEnabled></SpatialRefSys><Measure><Ellipsoid type=\"QString\">" +
           xml_escape(view.crs.ellipsoid) + "</Ellipsoid></Measure></properties>\n" + layouts + "</qgis>\n";
}

}  // namespace townsite::tools
