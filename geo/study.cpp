#include "geo/study.h"

#include "geo/error.h"

#include <algorithm>

namespace townsite {

std::vector<const Layer*> Study::role(const std::string& name) const {
    std::vector<const Layer*> out;
    for (const auto& l : layers)
        if (l.info.role == name) out.push_back(&l);
    return out;
}

bool Study::usable() const {
    return std::all_of(layers.begin(), layers.end(), [](const Layer& l) { return l.info.usable(); });
}

namespace {

// A layer entry for a source that could not be read: its Error becomes the layer's one problem.
Layer unreadable(const LayerSource& src, const Error& e) {
    Layer l;
    l.spec = find_role(src.role);
    l.info.role = src.role;
    l.info.source = src.resolved;
    l.info.layer_name = src.layer;
    l.info.where = src.where;
    l.info.gcj02 = src.gcj02;
    l.info.problems.push_back({Severity::Error, "unreadable", e.what(), {}, 1, ""});
    return l;
}

// The province: the union of the prefectures, else of the counties. Null when there are neither.
GeomPtr province_of(const Study& study) {
    const GeosContext& geos = *study.geos;
    GEOSContextHandle_t ctx = geos.get();
    std::vector<const Layer*> admin = study.role("prefectures");
    if (admin.empty() || admin.front()->features.empty()) admin = study.role("counties");
    std::vector<GEOSGeometry*> parts;
    for (const Layer* l : admin)
        for (const Feature& f : l->features) parts.push_back(GEOSGeom_clone_r(ctx, f.geom.get()));
    if (parts.empty()) return nullptr;
    GeomPtr all = geos.own(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                       static_cast<unsigned>(parts.size())));
    return geos.own(GEOSUnaryUnion_r(ctx, all.get()));
}

// Reports features that do not touch the admin units (grown by the tolerance).
void flag_outside(Study& study) {
    if (!study.province) return;
    const GeosContext& geos = *study.geos;
    GEOSContextHandle_t ctx = geos.get();
    GeomPtr grown = geos.own(GEOSBuffer_r(ctx, study.province.get(), kOutsideProvinceTolerance_m, 8));
    PreparedPtr prepared = geos.prepare(grown.get());
    for (Layer& l : study.layers) {
        if (l.info.role == "prefectures" || l.info.role == "counties" || l.info.role == "border") continue;
        for (const Feature& f : l.features)
            if (GEOSPreparedIntersects_r(ctx, prepared.get(), f.geom.get()) != 1)
                l.info.add_problem("outside_province", Severity::Warning,
                                   "features outside the province (more than 2 km beyond the admin units)", f.id,
                                   "check their coordinates and CRS, or filter them out with where = \"...\".");
    }
}

}  // namespace

Study load_study(const StudyConfig& config, const Progress& progress) {
    Study study;
    study.geos = std::make_unique<GeosContext>();
    study.config = config;

    const size_t n = config.layers.size();
    for (size_t i = 0; i < n; ++i) {
        const LayerSource& src = config.layers[i];
        try {
            study.layers.push_back(read_layer(src, *study.geos, progress.slice(0.8 * i / n, 0.8 * (i + 1) / n)));
        } catch (const Error& e) {
            study.layers.push_back(unreadable(src, e));
        }
    }

    // The study area is the extent of the admin units; other layers can carry strays that would
    // stretch the CRS choice.
    for (const auto& l : study.layers)
        if (l.info.role == "prefectures" || l.info.role == "counties") study.area.expand(l.info.extent);
    if (study.area.empty())
        for (const auto& l : study.layers) study.area.expand(l.info.extent);

    if (!config.crs.empty())
        study.crs = user_working_crs(config.crs, study.area);
    else if (study.area.empty())
        return study;  // nothing could be read: the layer problems say why
    else
        study.crs = choose_working_crs(study.area);

    const Transformer to_working(study.crs);
    for (size_t i = 0; i < study.layers.size(); ++i) {
        progress(0.8 + 0.15 * i / study.layers.size(), "projecting");
        project_layer(study.layers[i], to_working, *study.geos);
    }
    study.province = province_of(study);
    flag_outside(study);
    progress(1.0, "loaded");
    return study;
}

}  // namespace townsite
