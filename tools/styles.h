// QGIS styles (QML) for the layers townsite writes: demonstration towns by tier, towns graduated by
// score, gap polygons and extensions by utility, isochrones graduated by minutes, road problems in
// warning colours, admin units as outlines; labels with the Chinese name; every field's alias.
// The same style goes into a GeoPackage's layer_styles table, beside single-layer files as
// LAYER.qml (which QGIS loads with the file), and into the QGIS project.
//
//   for (const OutputLayer* l : out.layers()) out.style(l->name(), "townsite", style_qml(layer_style(*l, hints)));
#pragma once

#include "geo/text.h"
#include "geo/writer.h"

#include <string>
#include <vector>

namespace townsite::tools {

struct StyleHints {
    double score_max = 100;                                    // towns graduated from 0 to this
    std::vector<std::pair<std::string, std::string>> tiers;    // key, label: demo towns in this order
    Lang lang = Lang::zh;                                      // of the legend's labels
};
// The hints of layers with no score or tier: only the language.
inline StyleHints hints_in(Lang lang) {
    StyleHints h;
    h.lang = lang;
    return h;
}

// The font of every label, legend and layout text (fonts-noto-cjk); QGIS falls back to another where it is missing.
inline constexpr const char* kLabelFont = "Noto Sans CJK SC";

struct LayerStyle {
    std::string body;      // renderer-v2, labeling, aliases: the children of <qgis> or <maplayer>
    bool labels = false;
};

LayerStyle layer_style(const OutputLayer& layer, const StyleHints& hints);
// A complete .qml document.
std::string style_qml(const LayerStyle& style);
// Adds a style to every layer of `out` that has none yet (GeoPackage only; elsewhere nothing).
void style_layers(OutputDataset& out, const StyleHints& hints);

// Escapes text for XML attributes and content.
std::string xml_escape(const std::string& text);

}  // namespace townsite::tools
