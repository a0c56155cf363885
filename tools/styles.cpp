#include "tools/styles.h"

#include "analysis/coverage.h"
#include "analysis/report.h"

#include <cstdio>

namespace townsite::tools {

std::string xml_escape(const std::string& text) { return html_escape(text); }   // the same five characters

namespace {

struct Colour {
    int r, g, b, a = 255;
    std::string text() const { return std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + "," + std::to_string(a); }
};

std::string prop(const std::string& k, const std::string& v) { return "<prop k=\"" + k + "\" v=\"" + xml_escape(v) + "\"/>"; }

std::string symbol(const std::string& type, int name, const std::string& layers) {
    return "<symbol type=\"" + type + "\" name=\"" + std::to_string(name) + "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">" + layers + "</symbol>";
}

std::string marker(int name, Colour fill, const std::string& shape, double size_mm, Colour outline = {50, 50, 50}) {
    char size[32];
    std::snprintf(size, sizeof size, "%.2f", size_mm);
    return symbol("marker", name,
                  "<layer class=\"SimpleMarker\" enabled=\"1\" pass=\"0\" locked=\"0\">" + prop("color", fill.text()) + prop("name", shape) +
                      prop("outline_color", outline.text()) + prop("outline_style", "solid") + prop("outline_width", "0.2") +
                      prop("outline_width_unit", "MM") + prop("size", size) + prop("size_unit", "MM") + prop("angle", "0") +
                      prop("horizontal_anchor_point", "1") + prop("vertical_anchor_point", "1") + "</layer>");
}

std::string fill(int name, Colour colour, Colour outline, double outline_mm, bool filled = true) {
    char width[32];
    std::snprintf(width, sizeof width, "%.2f", outline_mm);
    return symbol("fill", name,
                  "<layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">" + prop("color", colour.text()) +
                      prop("style", filled ? "solid" : "no") + prop("outline_color", outline.text()) + prop("outline_style", "solid") +
                      prop("outline_width", width) + prop("outline_width_unit", "MM") + prop("joinstyle", "bevel") + "</layer>");
}

std::string line(int name, Colour colour, double width_mm, const std::string& style = "solid") {
    char width[32];
    std::snprintf(width, sizeof width, "%.2f", width_mm);
    return symbol("line", name,
                  "<layer class=\"SimpleLine\" enabled=\"1\" pass=\"0\" locked=\"0\">" + prop("line_color", colour.text()) + prop("line_style", style) +
                      prop("line_width", width) + prop("line_width_unit", "MM") + prop("capstyle", "round") + prop("joinstyle", "round") +
                      "</layer>");
}

std::string single(const std::string& sym) {
    return "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><symbols>" + sym + "</symbols></renderer-v2>";
}

struct Category {
    std::string value, label, symbol;
};

std::string categorized(const std::string& field, const std::vector<Category>& cats) {
    std::string c, s;
    for (std::size_t i = 0; i < cats.size(); ++i) {
        c += "<category render=\"true\" symbol=\"" + std::to_string(i) + "\" value=\"" + xml_escape(cats[i].value) + "\" label=\"" +
             xml_escape(cats[i].label) + "\"/>";
        s += cats[i].symbol;
    }
    return "<renderer-v2 type=\"categorizedSymbol\" attr=\"" + field + "\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>" + c +
           "</categories><symbols>" + s + "</symbols></renderer-v2>";
}

struct Range {
    double lower, upper;
    std::string label, symbol;
};

// order_desc: draw features with the largest value first (so that small isochrones sit on top).
std::string graduated(const std::string& field, const std::vector<Range>& ranges, bool order_desc = false) {
    std::string r, s;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        char bounds[96];
        std::snprintf(bounds, sizeof bounds, "lower=\"%.6f\" upper=\"%.6f\"", ranges[i].lower, ranges[i].upper);
        r += "<range render=\"true\" symbol=\"" + std::to_string(i) + "\" " + bounds + " label=\"" + xml_escape(ranges[i].label) + "\"/>";
        s += ranges[i].symbol;
    }
    return "<renderer-v2 type=\"graduatedSymbol\" attr=\"" + field + "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"" +
           (order_desc ? "1" : "0") + "\" forceraster=\"0\"><ranges>" + r + "</ranges><symbols>" + s + "</symbols>" +
           (order_desc ? "<orderby><orderByClause asc=\"0\" nullsFirst=\"0\">\"" + field + "\"</orderByClause></orderby>" : "") + "</renderer-v2>";
}

std::string labels(const std::string& field, double size_pt, bool points) {
    char size[32];
    std::snprintf(size, sizeof size, "%.1f", size_pt);
    return "<labeling type=\"simple\"><settings calloutType=\"simple\"><text-style fieldName=\"" + field +
           "\" isExpression=\"0\" fontFamily=\"" + kLabelFont + "\" fontSize=\"" + size +
           "\" fontSizeUnit=\"Point\" textColor=\"30,30,30,255\" textOpacity=\"1\" fontWeight=\"50\" fontItalic=\"0\" namedStyle=\"Regular\">"
           "<text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.9\" "
           "bufferJoinStyle=\"128\" bufferNoFill=\"1\"/></text-style><text-format wrapChar=\"\" multilineAlign=\"0\"/>"
           "<placement placement=\"" +
           std::string(points ? "6" : "0") +
           "\" dist=\"1\" distUnits=\"MM\" priority=\"5\"/><rendering obstacle=\"1\" scaleVisibility=\"0\" displayAll=\"0\" "
           "upsidedownLabels=\"0\" labelPerPart=\"0\"/></settings></labeling>";
}

std::string aliases(const std::vector<OutField>& fields) {
    std::string a = "<aliases>";
    for (std::size_t i = 0; i < fields.size(); ++i)
        a += "<alias field=\"" + xml_escape(fields[i].name) + "\" index=\"" + std::to_string(i) + "\" name=\"" + xml_escape(fields[i].alias) + "\"/>";
    return a + "</aliases>";
}

// One colour per utility, the same in gaps and extensions.
const std::vector<std::pair<std::string, Colour>>& utility_colours() {
    static const std::vector<std::pair<std::string, Colour>> c = {
        {"water", {31, 120, 180}}, {"gas", {255, 127, 0}}, {"heating", {227, 26, 28}}, {"sewage", {140, 81, 10}}, {"garbage", {51, 160, 44}}};
    return c;
}

}  // namespace

LayerStyle layer_style(const OutputLayer& layer, const StyleHints& hints) {
    const std::string& name = layer.name();
    const Say T{hints.lang};
    LayerStyle st;
    std::string renderer, label;
    if (name == "demo_towns") {
        static const std::vector<std::pair<Colour, std::string>> looks = {
            {{215, 25, 28}, "star"}, {{253, 174, 97}, "diamond"}, {{44, 123, 182}, "circle"}, {{120, 120, 120}, "square"}};
        std::vector<Category> cats;
        for (std::size_t i = 0; i < hints.tiers.size(); ++i) {
            const auto& look = looks[std::min(i, looks.size() - 1)];
            cats.push_back({hints.tiers[i].first, hints.tiers[i].second, marker(int(i), look.first, look.second, i == 0 ? 5.0 : 3.6 - 0.4 * double(i))});
        }
        renderer = categorized("tier", cats);
        label = labels("name", 9, true);
    } else if (name == "towns") {
        static const std::vector<Colour> ramp = {{255, 255, 204}, {161, 218, 180}, {65, 182, 196}, {44, 127, 184}, {37, 52, 148}};
        std::vector<Range> ranges;
        const double step = hints.score_max / 5;
        for (int k = 0; k < 5; ++k) {
            char text[64];
            std::snprintf(text, sizeof text, "%.0f - %.0f", step * k, step * (k + 1));
            ranges.push_back({k == 0 ? -1e9 : step * k, k == 4 ? 1e9 : step * (k + 1), text, marker(k, ramp[std::size_t(k)], "circle", 1.6 + 0.3 * k)});
        }
        renderer = graduated("score", ranges);
    } else if (name == "review_towns") {
        // How much of each town's works list is done (filter on `year` for one year).
        const std::vector<std::tuple<double, double, std::string, Colour>> bands = {
            {-1, 10, "< 10 %", {215, 25, 28}}, {10, 50, "10 - 50 %", {253, 174, 97}}, {50, 90, "50 - 90 %", {166, 217, 106}}, {90, 1e9, "≥ 90 %", {26, 150, 65}}};
        std::vector<Range> ranges;
        int i = 0;
        for (const auto& [lo, hi, text, c] : bands) ranges.push_back({lo, hi, T("项目完成", "works done") + " " + text, marker(i++, c, "circle", 3.0)});
        renderer = graduated("works_done_pct", ranges);
        label = labels("name", 8, true);
    } else if (name == "coverage_gaps" || name == "network_extensions" || name == "built_extensions") {
        std::vector<Category> cats;
        int i = 0;
        for (const auto& [u, c] : utility_colours()) {
            Colour translucent = c;
            translucent.a = 110;
            cats.push_back({u, utility_label(u, hints.lang), name == "coverage_gaps"      ? fill(i, translucent, c, 0.3)
                                                 : name == "built_extensions" ? line(i, c, 1.2)
                                                                              : line(i, c, 0.7, "dash")});
            ++i;
        }
        renderer = categorized("utility", cats);
    } else if (name == "isochrones") {
        const std::vector<std::tuple<double, double, std::string, Colour>> bands = {
            {0, 15, "≤ 15" + T(" 分钟", " min"), {0, 104, 55, 140}}, {15, 30, "15 - 30" + T(" 分钟", " min"), {120, 198, 121, 120}},
            {30, 60, "30 - 60" + T(" 分钟", " min"), {217, 240, 163, 110}}, {60, 1e9, "> 60" + T(" 分钟", " min"), {255, 255, 204, 90}}};
        std::vector<Range> ranges;
        int i = 0;
        for (const auto& [lo, hi, text, c] : bands) ranges.push_back({lo, hi, text, fill(i++, c, {80, 80, 80, 160}, 0.2)});
        renderer = graduated("minutes", ranges, true);
    } else if (name == "road_dead_ends") {
        renderer = single(marker(0, {230, 0, 0}, "cross2", 3.0, {230, 0, 0}));
    } else if (name == "works") {
        renderer = categorized("work", {{"network_extension", T("管网延伸", "network extension"), marker(0, {31, 120, 180}, "square", 2.6, {31, 120, 180})},
                                        {"dead_end_link", T("断头路打通", "dead-end link"), marker(1, {230, 0, 0}, "triangle", 2.6, {230, 0, 0})},
                                        {"service_places", T("服务设施增量", "service places"), marker(2, {51, 160, 44}, "diamond", 2.6, {51, 160, 44})}});
    } else if (name == "dead_end_links") {
        renderer = single(line(0, {230, 0, 0}, 0.8));
    } else if (name == "roads") {
        // By the speed the class drives at: expressways, national and provincial roads, county roads, the rest.
        renderer = graduated("speed_kmh", {{90, 1e9, T("高速公路", "expressway") + " (≥ 90 km/h)", line(0, {230, 85, 13}, 0.9)},
                                           {60, 90, T("国道、省道", "trunk") + " (60 - 90 km/h)", line(1, {253, 141, 60}, 0.6)},
                                           {40, 60, T("县道", "county road") + " (40 - 60 km/h)", line(2, {140, 140, 140}, 0.4)},
                                           {0.001, 40, T("乡村道路", "local road") + " (< 40 km/h)", line(3, {185, 185, 185}, 0.2)},
                                           {-1, 0.001, T("非机动车道", "not for cars"), line(4, {215, 215, 215}, 0.15, "dash")}});
    } else if (name == "road_components") {
        renderer = categorized("main", {{"1", T("主网", "main network"), line(0, {150, 150, 150}, 0.3)},
                                        {"0", T("孤立路网", "not joined to the main network"), line(1, {255, 0, 255}, 1.2)}});
    } else if (name == "villages") {
        renderer = single(marker(0, {120, 120, 120}, "circle", 1.0, {120, 120, 120}));
    } else if (name == "prefectures") {
        renderer = single(fill(0, {0, 0, 0, 0}, {60, 60, 60}, 0.6, false));
        label = labels("name", 11, false);
    } else if (name == "counties") {
        renderer = single(fill(0, {0, 0, 0, 0}, {160, 160, 160}, 0.25, false));
        label = labels("name", 7.5, false);
    } else if (name == "scenario_tiers" || name == "town_changes") {
        renderer = categorized("changed", {{"1", T("有变化", "changed"), marker(0, {215, 25, 28}, "triangle", 3.2)},
                                           {"0", T("无变化", "unchanged"), marker(1, {180, 180, 180}, "circle", 1.6)}});
    } else {
        const OGRwkbGeometryType t = wkbFlatten(layer.geometry_type());
        if (t == wkbPoint || t == wkbMultiPoint) renderer = single(marker(0, {100, 100, 100}, "circle", 2));
        else if (t == wkbLineString || t == wkbMultiLineString) renderer = single(line(0, {100, 100, 100}, 0.4));
        else if (t == wkbPolygon || t == wkbMultiPolygon) renderer = single(fill(0, {200, 200, 200, 120}, {100, 100, 100}, 0.3));
    }
    st.labels = !label.empty();
    st.body = renderer + label + aliases(layer.fields());
    return st;
}

std::string style_qml(const LayerStyle& style) {
    return std::string("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.0\" styleCategories=\"AllStyleCategories\" "
                       "labelsEnabled=\"") +
           (style.labels ? "1" : "0") + "\">" + style.body + "</qgis>\n";
}

void style_layers(OutputDataset& out, const StyleHints& hints) {
    if (!out.supports_styles()) return;
    for (const OutputLayer* l : out.layers())
        if (wkbFlatten(l->geometry_type()) != wkbNone) out.style(l->name(), "townsite", style_qml(layer_style(*l, hints)));
}

}  // namespace townsite::tools
