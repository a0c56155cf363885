#include "tools/layers_out.h"

#include <cmath>

namespace townsite::tools {

namespace {

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) out += (i ? "," : "") + words[i];
    return out;
}

}  // namespace

void write_villages(OutputDataset& out, const AccessResult* a, const CoverageResult* c) {
    std::vector<OutField> vf = {{"id", OFTString, "编码 id"}, {"name", OFTString, "名称 name"}, {"town", OFTString, "所属镇 town"},
                                {"population", OFTReal, "人口 population"}};
    if (a) {
        vf.insert(vf.end(), {{"snap_m", OFTReal, "距道路 m"},
                             {"reachable", OFTInteger, "可达 reachable"},
                             {"nearest_town", OFTString, "最近镇 nearest town"},
                             {"nearest_town_min", OFTReal, "至最近镇 min"},
                             {"own_town_min", OFTReal, "至所属镇 min"}});
        for (const auto& k : a->facility_kinds) vf.push_back({k + "_min", OFTReal, "至最近 " + k + " min"});
        for (const auto& k : a->facility_kinds) vf.push_back({k + "_e2sfca", OFTReal, k + " E2SFCA"});
    }
    if (c) {
        vf.push_back({"road_km_to_town", OFTReal, "至所属镇道路距离 km"});
        vf.push_back({"near_town", OFTInteger, "周边村 near town"});
        for (const auto& u : utility_names()) {
            vf.push_back({u + "_reached", OFTInteger, std::string(utility_zh(u)) + "已覆盖 " + u + " reached"});
            vf.push_back({u + "_network_m", OFTReal, std::string(utility_zh(u)) + "距管网 " + u + " network m"});
        }
    }
    OutputLayer& villages = out.layer("villages", wkbPoint, vf);
    std::size_t i = 0;
    for (const Layer* l : a ? a->village_layers : c->village_layers)
        for (const Feature& f : l->features) {
            std::vector<FieldValue> v = {f.id, l->text(f, "name"), l->text(f, "town"), l->number(f, "population").value_or(NAN)};
            if (a) {
                const VillageAccess& va = a->villages[i];
                v.insert(v.end(), {va.snap.snap_m, std::int64_t(va.snap.ok), va.nearest_town, va.nearest_town_min, va.own_town_min});
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
            villages.add(v, f.geom.get());
            ++i;
        }
}

void write_isochrones(OutputDataset& out, const AccessResult& res) {
    OutputLayer& iso = out.layer("isochrones", wkbMultiPolygon,
                                 {{"origin_role", OFTString, "起点类型 origin role"}, {"origin_id", OFTString, "起点 origin id"},
                                  {"origin_name", OFTString, "起点名称 origin"}, {"minutes", OFTReal, "分钟 minutes"},
                                  {"area_km2", OFTReal, "面积 km²"}, {"road_km", OFTReal, "可达道路 km"}});
    for (const Isochrone& x : res.isochrones) iso.add({x.origin_role, x.origin_id, x.origin_name, x.minutes, x.area_km2, x.road_km}, x.polygon.get());
}

void write_dead_ends(OutputDataset& out, const Study& study, const AccessResult& res) {
    const GeosContext& geos = *study.geos;
    OutputLayer& dead = out.layer("road_dead_ends", wkbPoint,
                                  {{"node", OFTInteger64, "节点 node"}, {"road_id", OFTString, "道路 road id"},
                                   {"nearest_settlement_m", OFTReal, "距最近居民点 m"}});
    for (const DeadEnd& d : res.dead_ends)
        dead.add({std::int64_t(d.node), d.road_id, d.nearest_settlement_m}, geos.own(GEOSGeom_createPointFromXY_r(geos.get(), d.x, d.y)).get());
}

void write_components(OutputDataset& out, const Study& study, const RoadGraph& graph, const AccessResult& res) {
    const GeosContext& geos = *study.geos;
    OutputLayer& comps = out.layer("road_components", wkbMultiLineString,
                                   {{"component", OFTInteger, "连通分量 component"}, {"main", OFTInteger, "主网 main network"},
                                    {"length_km", OFTReal, "长度 km"}, {"towns", OFTInteger, "镇数 towns"},
                                    {"town_ids", OFTString, "镇 town ids"}, {"villages", OFTInteger, "村数 villages"}});
    for (const Component& c : res.components) {
        std::vector<GEOSGeometry*> parts;
        for (std::uint32_t p : c.pieces) {
            const RoadPiece& piece = graph.pieces[p];
            GEOSCoordSequence* seq = GEOSCoordSeq_create_r(geos.get(), piece.points, 2);
            for (std::uint32_t k = 0; k < piece.points; ++k)
                GEOSCoordSeq_setXY_r(geos.get(), seq, k, graph.points[piece.first_point + k].x, graph.points[piece.first_point + k].y);
            parts.push_back(GEOSGeom_createLineString_r(geos.get(), seq));
        }
        GeomPtr ml = geos.own(GEOSGeom_createCollection_r(geos.get(), GEOS_MULTILINESTRING, parts.data(), unsigned(parts.size())));
        std::string ids;
        for (std::size_t k = 0; k < c.towns.size() && k < 20; ++k) ids += (k ? "," : "") + c.towns[k];
        if (c.towns.size() > 20) ids += ",…";
        comps.add({std::int64_t(c.rank), std::int64_t(c.rank == 1), c.length_km, std::int64_t(c.towns.size()), ids, std::int64_t(c.villages)},
                  ml.get());
    }
}

void write_gaps(OutputDataset& out, const CoverageResult& res, const std::vector<std::string>& town_ids,
                const std::vector<std::string>& town_names) {
    OutputLayer& gaps = out.layer("coverage_gaps", wkbMultiPolygon,
                                  {{"town_id", OFTString, "镇编码 town id"}, {"town_name", OFTString, "镇名称 town"},
                                   {"utility", OFTString, "设施 utility"}, {"utility_zh", OFTString, "设施"},
                                   {"area_km2", OFTReal, "缺口面积 km²"}, {"population", OFTReal, "缺口人口 population"}});
    for (const Gap& gp : res.gaps)
        gaps.add({town_ids[gp.town], town_names[gp.town], gp.utility, std::string(utility_zh(gp.utility)), gp.area_km2, gp.population},
                 gp.polygon.get());
}

void write_extensions(OutputDataset& out, const CoverageResult& res, const std::vector<std::string>& town_ids,
                      const std::vector<std::string>& town_names) {
    OutputLayer& ext = out.layer("network_extensions", wkbMultiLineString,
                                 {{"town_id", OFTString, "镇编码 town id"}, {"town_name", OFTString, "镇名称 town"},
                                  {"utility", OFTString, "设施 utility"}, {"length_km", OFTReal, "延伸长度 km"},
                                  {"villages", OFTString, "连接村 villages"}, {"village_count", OFTInteger, "连接村数"},
                                  {"connects_gap", OFTInteger, "覆盖镇区缺口 closes the town gap"},
                                  {"population", OFTReal, "受益人口 population served"},
                                  {"protected_sites", OFTString, "涉及保护对象 protected sites nearby"},
                                  {"protected_flag", OFTInteger, "需避让 flagged"}});
    for (const Extension& e : res.extensions)
        ext.add({town_ids[e.town], town_names[e.town], e.utility, e.length_km, join(e.villages), std::int64_t(e.villages.size()),
                 std::int64_t(e.connects_gap), e.population, join(e.protected_sites), std::int64_t(!e.protected_sites.empty())},
                e.lines.get());
}

}  // namespace townsite::tools
