#include "geo/study.h"

#include "geo/error.h"
#include "geo/parallel.h"
#include "geo/text.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace townsite {

std::vector<const Layer*> Study::role(const std::string& name) const {
    std::vector<const Layer*> out;
    for (const auto& l : layers)
        if (l.info.role == name) out.push_back(&l);
    return out;
}

GeomPtr Study::union_of(const std::string& name) const {
    std::vector<GEOSGeometry*> parts;
    for (const Layer* l : role(name))
        for (const Feature& f : l->features) parts.push_back(GEOSGeom_clone_r(geos->get(), f.geom.get()));
    return geos->union_of(std::move(parts));
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
    const std::vector<const Layer*> prefectures = study.role("prefectures");
    return study.union_of(prefectures.empty() || prefectures.front()->features.empty() ? "counties" : "prefectures");
}

// The admin units grown by the tolerance: what lies beyond is reported. Without a province, nothing is.
class ProvinceCheck {
public:
    explicit ProvinceCheck(const Study& study) : m_ctx(study.geos->get()) {
        if (!study.province) return;
        m_grown = study.geos->own(GEOSBuffer_r(m_ctx, study.province.get(), kOutsideProvinceTolerance_m, 8));
        m_prepared = study.geos->prepare(m_grown.get());
    }
    // Counts `f` in `into` (the layer's problems, or a later list of them) when it lies outside.
    void check(const Feature& f, bool gcj02, LayerInfo& into) const {
        if (!m_prepared || GEOSPreparedIntersects_r(m_ctx, m_prepared.get(), f.geom.get()) == 1) return;
        if (gcj02)
            // GCJ-02 shifts places in mainland China only: web maps give a place in the DPRK or
            // Russia in plain WGS 84, and undoing a shift that was never made moves it wrongly.
            into.add_problem("outside_province", Severity::Warning,
                             "features outside the province (more than 2 km beyond the admin units), converted from GCJ-02 all "
                             "the same: outside mainland China (e.g. in the DPRK or Russia) web maps do not shift places, so "
                             "these may now be off by up to 700 m",
                             f.id, "check them; give places outside mainland China in a separate layer without coordinates = \"gcj02\".");
        else
            into.add_problem("outside_province", Severity::Warning, "features outside the province (more than 2 km beyond the admin units)",
                             f.id, "check their coordinates and CRS, or filter them out with where = \"...\".");
    }

private:
    GEOSContextHandle_t m_ctx;
    GeomPtr m_grown;
    PreparedPtr m_prepared;   // of m_grown, so declared after it
};

// Not one feature inside: a wrong CRS or another region's file, not a few strays.
void flag_all_outside(LayerInfo& info) {
    for (Problem& p : info.problems)
        if (p.kind == "outside_province" && p.count == info.features_kept && p.count > 0) {
            p.severity = Severity::Error;
            p.message = "every feature of the layer lies outside the study area (more than 2 km beyond the admin units)";
            p.hint = "check the layer's CRS (its .prj or assume_crs), whether it is GCJ-02 (coordinates = \"gcj02\"), and that it covers this study.";
        }
}

// Reports the held features that do not touch the admin units (grown by the tolerance).
void flag_outside(Study& study, const ProvinceCheck& province) {
    for (Layer& l : study.layers) {
        if (l.info.role == "prefectures" || l.info.role == "counties" || l.info.role == "border") continue;
        for (const Feature& f : l.features) province.check(f, l.info.gcj02, l.info);
        flag_all_outside(l.info);
    }
}

// A required role read from its sources with no feature left: nothing could be analysed, and a run
// would "select" nobody and still succeed.
void flag_empty_required(Study& study) {
    for (const RoleSpec& role : role_catalogue()) {
        if (!role.required) continue;
        std::vector<Layer*> layers;
        std::size_t kept = 0;
        for (Layer& l : study.layers)
            if (l.info.role == role.name) layers.push_back(&l), kept += l.info.features_kept;
        if (layers.empty() || kept > 0) continue;
        for (Layer* l : layers) {
            if (!l->info.usable()) continue;   // it says why already (unreadable, wrong fields)
            const bool none_read = l->info.features_read == 0;
            std::string hint = none_read ? "check the source, its layer and the where filter in [layers." + role.name + "]"
                                         : "see the problems above: every feature was skipped";
            if (none_read && (l->info.driver == "CSV" || l->info.source.ends_with(".csv")))
                hint += "; a CSV of points needs open_options = [\"X_POSSIBLE_NAMES=lon\", \"Y_POSSIBLE_NAMES=lat\"] (its column names)";
            l->info.problem("no_features", Severity::Error,
                            "the required layer \"" + role.name + "\" has no usable features (read " + std::to_string(l->info.features_read) +
                                ", kept 0)",
                            hint + ".").count = 1;
        }
    }
}

// Roads with neither a class nor a speed field: every travel time would be a guess.
void flag_road_fields(Layer& roads) {
    if (!roads.has_field("class") && !roads.has_field("speed_kmh") && roads.info.features_kept > 0)
        roads.info.problem("no_speed", Severity::Error, "the roads have neither a class nor a speed field, so every travel time would be a guess",
                           "map class (for OSM data: class = \"highway\") or speed_kmh in [layers.roads.fields].")
            .count = 1;
}

// A road's values that the graph cannot use as given, counted in `into` with the first ids.
void flag_road_values(const Layer& roads, const Feature& f, LayerInfo& into) {
    if (auto kmh = roads.number(f, "speed_kmh"); kmh && !plausible_speed_kmh(*kmh))
        into.add_problem("bad_speed", Severity::Warning, "speed_kmh 0, negative or above 200 km/h: the class's speed is used", f.id,
                         "correct speed_kmh, or leave it empty where the class's speed applies.");
    if (is_reversible(roads.text(f, "oneway")))
        into.add_problem("reversible", Severity::Warning,
                         "reversible roads (one way at a time, the direction changing): left out of the network, as OSRM does", f.id,
                         "nothing to do; or set oneway to the direction that matters for the study.");
    else if (roads.has_field("oneway") && !parse_oneway(roads.text(f, "oneway")))
        into.add_problem("oneway_unknown", Severity::Warning,
                         "oneway values not understood (e.g. \"" + roads.text(f, "oneway") + "\"): driven both ways", f.id,
                         "write yes/1/true/FT (along the line), -1/TF (against it) or no/0 (both ways).");
}

// A working CRS that distorts lengths by more than half a percent over the study area: townsite's
// own numbers stay right (lengths, areas and buffers are measured on the ellipsoid), but maps and
// measurements in that CRS are off. Said on the admin layer that defines the study area.
constexpr double kScaleErrorWarning = 0.005;
void flag_scale_error(Study& study) {
    if (study.crs.max_scale_error <= kScaleErrorWarning || study.layers.empty()) return;
    Layer* admin = &study.layers.front();
    for (Layer& l : study.layers)
        if (l.info.role == "prefectures" || l.info.role == "counties") {
            admin = &l;
            break;
        }
    const double e = study.crs.max_scale_error * 100;
    admin->info
        .problem("crs_scale_error", Severity::Warning,
                 "the working CRS (" + study.crs.name + ", [study] crs = \"" + study.config.crs + "\") distorts lengths by up to " + fmt(e, 2) +
                     " % and areas by up to " + fmt(((1 + e / 100) * (1 + e / 100) - 1) * 100, 2) +
                     " % over the study area; townsite measures on the ellipsoid, so its numbers stay right, but maps and "
                     "measurements in this CRS do not",
                 "remove crs from [study] to let townsite choose an equal-area CRS for the area, or give one made for it.")
        .count = 1;
}

// Counties must name a prefecture of the prefectures layer, and must not overlap each other
// (a town in the overlap would belong to two counties). Slivers of generalised outlines are let
// pass: an overlap counts from 0.1 % of the smaller county and 0.01 km².
void flag_admin_consistency(Study& study) {
    std::set<std::string> prefecture_ids;
    for (const Layer* l : study.role("prefectures"))
        for (const Feature& f : l->features) prefecture_ids.insert(f.id);
    GEOSContextHandle_t ctx = study.geos->get();
    struct County {
        Layer* layer;
        const Feature* f;
        double area_m2, x0, y0, x1, y1;
    };
    std::vector<County> counties;
    for (Layer& l : study.layers) {
        if (l.info.role != "counties") continue;
        for (const Feature& f : l.features) {
            const std::string pref = l.text(f, "prefecture");
            if (!prefecture_ids.empty() && !prefecture_ids.count(pref))
                l.info.add_problem("unknown_prefecture", Severity::Error,
                                   "counties whose prefecture (\"" + pref + "\") is not in the prefectures layer", f.id,
                                   "correct the county's prefecture code, or map prefecture to the column that holds the prefecture's id.");
            County c{&l, &f, 0, 0, 0, 0, 0};
            GEOSArea_r(ctx, f.geom.get(), &c.area_m2);
            GEOSGeom_getXMin_r(ctx, f.geom.get(), &c.x0), GEOSGeom_getYMin_r(ctx, f.geom.get(), &c.y0);
            GEOSGeom_getXMax_r(ctx, f.geom.get(), &c.x1), GEOSGeom_getYMax_r(ctx, f.geom.get(), &c.y1);
            counties.push_back(c);
        }
    }
    std::sort(counties.begin(), counties.end(), [](const County& a, const County& b) { return a.x0 < b.x0; });
    for (std::size_t i = 0; i < counties.size(); ++i)
        for (std::size_t j = i + 1; j < counties.size() && counties[j].x0 <= counties[i].x1; ++j) {
            const County &a = counties[i], &b = counties[j];
            if (b.y0 > a.y1 || a.y0 > b.y1) continue;
            // Neighbours share a border: a relate test (interiors meet in an area?) rules them out
            // without building the overlay.
            if (GEOSRelatePattern_r(ctx, a.f->geom.get(), b.f->geom.get(), "2********") != 1) continue;
            GeomPtr both = study.geos->own(GEOSIntersection_r(ctx, a.f->geom.get(), b.f->geom.get()));
            double area = 0;
            if (!both || GEOSArea_r(ctx, both.get(), &area) != 1) continue;
            if (area < 1e4 || area < 1e-3 * std::min(a.area_m2, b.area_m2)) continue;
            char km2[32];
            std::snprintf(km2, sizeof km2, "%.2f", area / 1e6);
            a.layer->info.add_problem("overlap", Severity::Warning, "counties that overlap each other (ids of both, km² of the overlap)",
                                      a.f->id + "/" + b.f->id + " " + km2 + " km²",
                                      "correct the outlines so that the counties only touch; towns in the overlap are given to one of them.");
        }
}

// The place of source i among the config's "roads" sources (RoadPiece::layer).
std::uint32_t road_layer_of(const StudyConfig& config, size_t i) {
    return std::uint32_t(std::count_if(config.layers.begin(), config.layers.begin() + std::ptrdiff_t(i),
                                       [](const LayerSource& src) { return src.role == "roads"; }));
}

}  // namespace

Study load_study(const StudyConfig& config, const Progress& progress, const RoadSink& roads) {
    Study study;
    study.geos = std::make_unique<GeosContext>();
    study.config = config;
    study.inputs = InputFiles::of(config);

    // With a road sink the roads are read last, once the working CRS is known, and handed on as read.
    const size_t n = config.layers.size();
    std::vector<size_t> held, streamed;
    for (size_t i = 0; i < n; ++i) (roads && config.layers[i].role == "roads" ? streamed : held).push_back(i);
    study.layers.resize(n);
    auto read = [&](size_t i, const GeosContext& geos, const Progress& slice, OpenSources* open) {
        try {
            study.layers[i] = read_layer(config.layers[i], geos, slice, open);
        } catch (const Error& e) {
            study.layers[i] = unreadable(config.layers[i], e);
        }
    };
    // The held layers on every core, each read whole by one thread with a GEOS context of its own
    // (GEOS geometries do not belong to a context) and the sources it has opened kept open for its
    // next layers; the progress counts layers done.
    struct Reader {
        GeosContext geos;
        OpenSources open;
    };
    parallel_for(held.size(), progress.slice(0, 0.8 * held.size() / n), "reading", [](unsigned) { return Reader(); },
                 [&](Reader& r, std::size_t k) { read(held[k], r.geos, {}, &r.open); });

    // The study area is the extent of the admin units; other layers can carry strays that would
    // stretch the CRS choice.
    for (const auto& l : study.layers)
        if (l.info.role == "prefectures" || l.info.role == "counties") study.area.expand(l.info.extent);
    if (study.area.empty()) {
        // No admin units to place the study: the roads' extent counts too, so they are read whole.
        for (size_t i : streamed) read(i, *study.geos, progress.slice(0.8 * held.size() / n, 0.8 * (held.size() + 1) / n), nullptr), held.push_back(i);
        streamed.clear();
        for (const auto& l : study.layers) study.area.expand(l.info.extent);
    }

    if (!config.crs.empty())
        study.crs = user_working_crs(config.crs, study.area);
    else if (study.area.empty()) {
        flag_empty_required(study);
        return study;  // nothing could be read: the layer problems say why
    }
    else
        study.crs = choose_working_crs(study.area);

    flag_scale_error(study);
    const Transformer to_working(study.crs);
    const double read_end = 0.8 * held.size() / n, projected = streamed.empty() ? 0.95 : read_end + 0.05;
    for (size_t k = 0; k < held.size(); ++k) {
        progress.advance(read_end + (projected - read_end) * k / held.size(), "projecting");
        project_layer(study.layers[held[k]], to_working, *study.geos);
    }
    study.province = province_of(study);
    const ProvinceCheck province(study);
    flag_outside(study, province);
    for (size_t k = 0; k < streamed.size(); ++k) {
        const size_t i = streamed[k];
        const std::uint32_t road_layer = road_layer_of(config, i);
        Layer& layer = study.layers[i];
        LayerInfo outside, values;   // listed after the reading's problems, as for a held layer
        try {
            stream_layer(config.layers[i], to_working, *study.geos, layer, [&](Feature&& f) {
                province.check(f, layer.info.gcj02, outside);
                flag_road_values(layer, f, values);
                roads(layer, road_layer, std::move(f));
            }, progress.slice(projected + (0.95 - projected) * k / streamed.size(), projected + (0.95 - projected) * (k + 1) / streamed.size()));
        } catch (const Error& e) {
            layer = unreadable(config.layers[i], e);
        }
        layer.released = true;
        layer.info.append_problems(outside);
        flag_all_outside(layer.info);
        flag_road_fields(layer);
        layer.info.append_problems(values);
    }
    flag_empty_required(study);
    flag_admin_consistency(study);
    for (size_t i : held) {
        Layer& l = study.layers[i];
        if (l.info.role != "roads") continue;
        flag_road_fields(l);
        for (const Feature& f : l.features) flag_road_values(l, f, l.info);
        if (!roads) continue;
        // Held because there were no admin units to place the study: handed on now.
        const std::uint32_t road_layer = road_layer_of(config, i);
        for (Feature& f : l.features) roads(l, road_layer, std::move(f));
        l.features = std::vector<Feature>();
        l.released = true;
    }
    progress.advance(1.0, "loaded");
    return study;
}

}  // namespace townsite
