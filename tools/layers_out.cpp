#include "tools/layers_out.h"

#include "geo/error.h"
#include "geo/parallel.h"
#include "geo/text.h"

#include <cmath>

namespace townsite::tools {

namespace {

OGRFieldType ogr_type(ColumnType t) {
    switch (t) {
    case ColumnType::Text: return OFTString;
    case ColumnType::Real: return OFTReal;
    case ColumnType::Integer64: return OFTInteger64;
    case ColumnType::Integer:
    case ColumnType::Flag: return OFTInteger;
    }
    return OFTString;
}

}  // namespace

Fields& Fields::add(const Column& c) {
    m_fields.push_back({c.name, ogr_type(c.type), "", {c.zh, c.en}, c.unit});
    return *this;
}

Fields& Fields::add(std::initializer_list<std::string_view> names) {
    for (std::string_view n : names) add(column(m_layer, n));
    return *this;
}

Fields& Fields::add(std::string_view family, const Fill& fill) { return add(column(m_layer, family, fill)); }

Fields& Fields::per_utility(std::initializer_list<std::string_view> families) {
    for (const auto& u : utility_names())
        for (std::string_view f : families) add(f, fill_of("{utility}", u));
    return *this;
}

void write_villages(OutputDataset& out, const Settlements& settlements, const AccessResult* a, const CoverageResult* c, const ServiceResult* services) {
    Fields vf("villages");
    vf.add({"id", "name", "town", "population"});
    if (a) {
        vf.add({"snap_m", "reachable", "nearest_town", "nearest_town_min", "own_town_min"});
        for (const auto& k : a->facility_kinds) vf.add("{kind}_min", fill_of("{kind}", k));
        for (const auto& k : a->facility_kinds) vf.add("{kind}_e2sfca", fill_of("{kind}", k));
    }
    if (c) vf.add({"road_km_to_town", "near_town"}).per_utility({"{utility}_reached", "{utility}_network_m"});
    const auto service_columns = services ? village_service_columns(*services) : std::vector<std::pair<Column, std::vector<double>>>{};
    for (const auto& [col, values] : service_columns) vf.add(col);
    OutputLayer& villages = out.layer("villages", wkbPoint, vf);
    for (std::size_t i = 0; i < settlements.villages.size(); ++i) {
        const Settlement& s = settlements.villages[i];
        std::vector<FieldValue> v = {s.id, s.name, s.town, s.population};
        if (a) {
            const VillageAccess& va = a->villages[i];
            v.insert(v.end(), {s.snap.snap_m, std::int64_t(s.snap.ok), va.nearest_town, va.nearest_town_min, va.own_town_min});
            for (const auto& k : a->facility_kinds) v.push_back(va.facility_min.count(k) ? va.facility_min.at(k) : NAN);
            for (const auto& k : a->facility_kinds) v.push_back(va.e2sfca.count(k) ? va.e2sfca.at(k) : NAN);
        }
        if (c) {
            const VillageCoverage& vc = c->villages[i];
            v.push_back(vc.road_km_to_town);
            v.push_back(std::int64_t(vc.near_town));
            for (const auto& u : utility_names()) {
                const bool known = vc.reached.count(u) > 0;
                v.push_back(known ? FieldValue(std::int64_t(vc.reached.at(u))) : FieldValue());
                v.push_back(known ? vc.network_m.at(u) : NAN);
            }
        }
        for (const auto& [col, values] : service_columns)
            v.push_back(col.type != ColumnType::Flag ? FieldValue(values[i]) : std::isfinite(values[i]) ? FieldValue(std::int64_t(values[i])) : FieldValue());
        villages.add(v, s.feature->geom.get());
    }
}

void write_isochrones(OutputDataset& out, const AccessResult& res) {
    OutputLayer& iso = out.layer("isochrones", wkbMultiPolygon,
                                 Fields("isochrones").add({"origin_role", "origin_id", "origin_name", "minutes", "area_km2", "road_km"}));
    for (const Isochrone& x : res.isochrones) iso.add({x.origin_role, x.origin_id, x.origin_name, x.minutes, x.area_km2, x.road_km}, x.polygon.get());
}

void write_dead_ends(OutputDataset& out, const Study& study, const AccessResult& res, const std::vector<Settlement>& towns) {
    const GeosContext& geos = *study.geos;
    OutputLayer& dead = out.layer("road_dead_ends", wkbPoint,
                                  Fields("road_dead_ends").add({"node", "road_id", "nearest_settlement_m", "town_id", "town_name", "county_name", "link_m",
                                                                "link_road_id", "road_m_now", "no_link"}));
    auto text = [](const std::string& s) { return s.empty() ? FieldValue() : FieldValue(s); };
    for (const DeadEnd& d : res.dead_ends) {
        const Settlement& town = towns.at(d.town);
        dead.add({std::int64_t(d.node), d.road_id, d.nearest_settlement_m, town.id, town.name, town.county_name, d.link_m, text(d.link_road_id),
                  d.road_m_now, text(say(out.lang(), d.no_link))},
                 geos.point(d.x, d.y).get());
    }
}

void write_dead_end_links(OutputDataset& out, const Study& study, const AccessResult& res, const std::vector<Settlement>& towns) {
    OutputLayer& links = out.layer("dead_end_links", wkbLineString,
                                   Fields("dead_end_links").add({"town_id", "town_name", "county_name", "road_id", "to_road_id", "length_m", "road_m_now", "farmland_m",
                                                                 "farmland_flag"}));
    for (const DeadEnd& d : res.dead_ends) {
        if (std::isnan(d.link_m)) continue;
        const Settlement& town = towns.at(d.town);
        const FieldValue farmland_flag = std::isnan(d.link_farmland_m) ? FieldValue{} : FieldValue{std::int64_t(d.link_farmland_m > 0)};
        links.add({town.id, town.name, town.county_name, d.road_id, d.link_road_id, d.link_m, d.road_m_now, d.link_farmland_m, farmland_flag},
                  line_geometry(*study.geos, {{d.x, d.y}, {d.link_x, d.link_y}}).get());
    }
}

std::string towns_field(std::string_view name, const std::string& utility) {
    return column("towns", name, utility.empty() ? Fill{} : fill_of("{utility}", utility)).name;
}

void write_roads(OutputDataset& out, const Study& study, const RoadGraph& graph) {
    OutputLayer& roads = out.layer("roads", wkbMultiLineString, Fields("roads").add({"id", "class", "speed_kmh"}));
    const NetworkOptions& o = graph.options;
    // The graph released the roads: they are read again, one feature at a time, and must be the
    // features it was built from (graph.layer_ids, in the same order). Reading, projecting and
    // converting them runs on a second thread (with its own GEOS context and transformations) while
    // this one writes.
    std::size_t next = 0;
    using Prepared = OutputLayer::Prepared;
    produce_consume<Prepared>(
        [&](const std::function<void(Prepared&&)>& emit) {
            const GeosContext geos;
            const Transformer to_working(study.crs);
            const OutputLayer::Transformation to_output = roads.transformation();
            for (std::size_t i = 0; i < study.layers.size(); ++i) {
                const Layer& l = study.layers[i];
                if (l.info.role != "roads") continue;
                Layer again;
                stream_layer(study.config.layers[i], to_working, geos, again, [&](Feature&& f) {
                    if (next >= graph.layer_ids.size() || graph.layer_ids[next] != f.id)
                        throw Error("the roads changed while townsite ran (feature " + f.id + " was not read before)")
                            .with_file(l.info.source)
                            .with_layer(l.info.layer_name)
                            .with_hint("leave the inputs alone while townsite runs, and run it again.");
                    ++next;
                    const std::string cls = again.text(f, "class");
                    auto it = o.speeds_kmh.find(cls);
                    emit(roads.prepare({f.id, cls, it == o.speeds_kmh.end() ? o.fallback_speed_kmh : it->second}, f.geom.get(), geos, to_output.get()));
                });
            }
        },
        [&](Prepared&& p) { roads.write(std::move(p)); });
    if (next != graph.layer_ids.size())
        throw Error("the roads changed while townsite ran: " + std::to_string(graph.layer_ids.size() - next) + " of the roads read before are gone")
            .with_hint("leave the inputs alone while townsite runs, and run it again.");
}

void write_components(OutputDataset& out, const RoadGraph& graph, const AccessResult& res) {
    OutputLayer& comps = out.layer("road_components", wkbMultiLineString,
                                   Fields("road_components")
                                       .add({"component", "main", "county", "county_name", "length_km", "component_km", "towns", "town_ids", "villages"}));
    // Every road again, as lines: drawn and prepared on a second thread while this one writes.
    using Prepared = OutputLayer::Prepared;
    produce_consume<Prepared>(
        [&](const std::function<void(Prepared&&)>& emit) {
            const GeosContext geos;
            const OutputLayer::Transformation to_output = comps.transformation();
            for (const Component& c : res.components)
                for (const ComponentPart& part : c.parts) {
                    std::vector<GEOSGeometry*> parts;
                    for (std::uint32_t p : part.pieces) {
                        const RoadPiece& piece = graph.pieces[p];
                        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.get(), piece.points, 2);
                        for (std::uint32_t k = 0; k < piece.points; ++k)
                            GEOSCoordSeq_setXY_r(geos.get(), seq, k, graph.points[piece.first_point + k].x, graph.points[piece.first_point + k].y);
                        parts.push_back(GEOSGeom_createLineString_r(geos.get(), seq));
                    }
                    GeomPtr ml = geos.collect(std::move(parts), GEOS_MULTILINESTRING);
                    std::string ids;
                    for (std::size_t k = 0; k < part.towns.size() && k < 20; ++k) ids += (k ? "," : "") + part.towns[k];
                    if (part.towns.size() > 20) ids += ",…";
                    emit(comps.prepare({std::int64_t(c.rank), std::int64_t(c.rank == 1), part.county, part.county_name, part.length_km, c.length_km,
                                        std::int64_t(part.towns.size()), ids, std::int64_t(part.villages)},
                                       ml.get(), geos, to_output.get()));
                }
        },
        [&](Prepared&& p) { comps.write(std::move(p)); }, 4);
}

void write_gaps(OutputDataset& out, const CoverageResult& res, const std::vector<Settlement>& towns) {
    OutputLayer& gaps = out.layer("coverage_gaps", wkbMultiPolygon,
                                  Fields("coverage_gaps").add({"town_id", "town_name", "utility", "utility_zh", "area_km2", "population"}));
    for (const Gap& gp : res.gaps)
        gaps.add({towns[gp.town].id, towns[gp.town].name, gp.utility, std::string(utility_zh(gp.utility)), gp.area_km2, gp.population},
                 gp.polygon.get());
}

void write_extensions(OutputDataset& out, const CoverageResult& res, const std::vector<Settlement>& towns) {
    OutputLayer& ext = out.layer("network_extensions", wkbMultiLineString,
                                 Fields("network_extensions")
                                     .add({"town_id", "town_name", "utility", "length_km", "villages", "village_count", "connects_gap", "population",
                                           "protected_sites", "protected_flag", "farmland_km", "farmland_flag", "redline_detour_km",
                                           "villages_in_redline", "redline_flag"}));
    for (const Extension& e : res.extensions)
        ext.add({towns[e.town].id, towns[e.town].name, e.utility, e.length_km, join(e.villages, ","), std::int64_t(e.villages.size()),
                 std::int64_t(e.connects_gap), e.population, join(e.protected_sites, ","), std::int64_t(!e.protected_sites.empty()), e.farmland_km,
                 std::isnan(e.farmland_km) ? FieldValue{} : FieldValue{std::int64_t(e.farmland_km > 0)}, e.redline_detour_km, join(e.villages_in_redline, ","),
                 std::int64_t(e.redline_detour_km > 0 || !e.villages_in_redline.empty())},
                e.lines.get());
}

}  // namespace townsite::tools
