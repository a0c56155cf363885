#include "analysis/columns.h"

#include "analysis/access.h"
#include "analysis/coverage.h"

#include <algorithm>
#include <stdexcept>

namespace townsite {

namespace {

using T = ColumnType;

// Layers, by the command that writes them: run writes all but od and town_changes; access and
// coverage write their own subsets of towns and villages.
constexpr std::string_view kTownLayers = "towns";

}  // namespace

const std::vector<std::string_view>& column_layers() {
    static const std::vector<std::string_view> layers = {
        "towns",          "demo_towns",     "scenario_tiers", "villages",   "coverage_gaps", "network_extensions", "isochrones",
        "road_dead_ends", "dead_end_links", "works", "road_components", "towns_without_seat_route", "roads", "counties", "prefectures", "od", "town_changes",
        "review_towns", "review_totals", "built_extensions"};
    return layers;
}

const std::vector<ColumnSpec>& column_specs() {
    static const std::vector<ColumnSpec> specs = {
        // Identity, from the input layers.
        {"towns demo_towns scenario_tiers villages towns_without_seat_route counties prefectures town_changes review_towns", "id", T::Text, "", "编码", "id",
         "input", "the feature's id in its input layer"},
        {"towns demo_towns scenario_tiers villages towns_without_seat_route counties prefectures town_changes review_towns", "name", T::Text, "", "名称",
         "name", "input", "the feature's name in its input layer"},
        {kTownLayers, "kind", T::Text, "", "类型", "kind", "input", "镇, 乡, 街道 … as the towns layer says"},
        {"towns towns_without_seat_route", "county", T::Text, "", "县编码", "county code", "input", "the town's county (its id in the counties layer)"},
        {"towns demo_towns review_towns", "county_name", T::Text, "", "县", "county", "proximity", "the county's name"},
        {"towns counties", "prefecture", T::Text, "", "市(州)编码", "prefecture code", "input", "the prefecture's id in the prefectures layer"},
        {"towns demo_towns scenario_tiers town_changes review_towns", "prefecture_name", T::Text, "", "市(州)", "prefecture", "proximity", "the prefecture's name"},
        {"villages", "town", T::Text, "", "所属镇", "town", "input", "the id of the village's own town"},
        {"towns villages", "population", T::Real, "persons", "人口", "population", "input", "resident population, as the input layer says"},
        {kTownLayers, "industry_output", T::Real, "亿元", "工业产值", "industrial output", "input", "as the towns layer says"},
        {kTownLayers, "dev_land", T::Real, "ha", "可开发用地", "land for development", "input", "as the towns layer says (typed in; room_km2 measures it)"},
        {kTownLayers, "{extra_field}", T::Real, "", "{extra_field}", "{extra_field}", "input",
         "a numeric column of the towns layer mapped in [layers.towns.extra_fields], under the name given there"},

        // Priority areas (proximity).
        {kTownLayers, "nearest_city", T::Text, "", "最近市(州)", "nearest city", "proximity", "the prefecture seat reached fastest by road"},
        {kTownLayers, "node_town", T::Flag, "", "重要节点镇", "node town", "input", "the towns layer marks it as a node town"},
        {kTownLayers, "in_metro", T::Flag, "", "位于都市圈", "in the metropolitan circle", "proximity", "inside a metro_areas polygon"},
        {kTownLayers, "metro_km", T::Real, "km", "距都市圈", "to the metropolitan circle", "proximity",
         "straight-line distance to the nearest metro_areas polygon (0 inside)"},
        {kTownLayers, "metro_core_min", T::Real, "min", "至都市圈核心", "to the metropolitan core", "access",
         "fastest drive to the metropolitan core ([access] metro_core)"},
        {kTownLayers, "city_surroundings", T::Flag, "", "城市周边", "city surroundings", "proximity",
         "within [proximity] city_surroundings_min of a prefecture seat"},
        {kTownLayers, "nearest_city_min", T::Real, "min", "至最近市(州)政府", "to the nearest city", "access",
         "fastest drive to the nearest prefecture seat"},
        {kTownLayers, "border_km", T::Real, "km", "距边境线", "to the border", "proximity", "geodesic distance to the national border"},
        {kTownLayers, "border_county", T::Flag, "", "边境县", "border county", "proximity", "its county is marked as a border county"},
        {kTownLayers, "key_assistance_county", T::Flag, "", "重点帮扶县", "key-assistance county", "proximity",
         "its county is marked as a key-assistance county"},
        {kTownLayers, "heritage_sites", T::Real, "", "周边保护对象数", "protected sites nearby", "proximity",
         "protected sites within [proximity] heritage_radius_km"},

        // Access.
        {kTownLayers, "county_seat_min", T::Real, "min", "至县城", "to the county seat", "access", "fastest drive to the town's county seat"},
        {kTownLayers, "county_seat_km", T::Real, "km", "至县城", "to the county seat", "access", "length of that route"},
        {kTownLayers, "prefecture_seat_min", T::Real, "min", "至市(州)政府", "to the prefecture seat", "access",
         "fastest drive to the seat of the town's prefecture"},
        {kTownLayers, "prefecture_seat_km", T::Real, "km", "至市(州)政府", "to the prefecture seat", "access", "length of that route"},
        {kTownLayers, "nearest_city_km", T::Real, "km", "至最近市(州)政府", "to the nearest city", "access",
         "length of the fastest route to the nearest prefecture seat"},
        {kTownLayers, "metro_core_km", T::Real, "km", "至都市圈核心", "to the metropolitan core", "access", "length of that route"},
        {"towns villages", "snap_m", T::Real, "m", "距道路", "to the road", "access", "distance from the settlement's point to the nearest road"},
        {"towns villages", "reachable", T::Flag, "", "可达", "reachable by road", "access", "within [network] max_snap_m of a road"},
        {kTownLayers, "no_route_to_seat", T::Flag, "", "无路通县城", "no route to the county seat", "access",
         "no road route joins the town to its county seat"},
        {"towns villages", "{kind}_min", T::Real, "min", "至最近{kind}", "to the nearest {kind}", "access",
         "fastest drive to the nearest facility of the kind"},
        {"towns villages", "{kind}_e2sfca", T::Real, "", "{kind} E2SFCA", "{kind} E2SFCA", "access",
         "enhanced two-step floating catchment index (Luo & Qi 2009): capacity per person within the catchment, weighted by time"},
        {"towns villages", "{kind}_time_met", T::Flag, "", "{kind}时间达标", "{kind} time standard met", "services",
         "everyone within max_min of [services.{kind}] of the nearest one (a town: its seat and all its villages)"},
        {kTownLayers, "{kind}_pop_outside", T::Real, "persons", "{kind}超时人口", "people beyond the {kind} time", "services",
         "people of the seat and the villages farther than max_min from the nearest one, or with no route"},
        {"towns villages", "{kind}_places_per_1000", T::Real, "places", "{kind}千人服务量", "{kind} places per 1,000", "services",
         "places within reach per 1,000 people: the E2SFCA index x 1,000 (a town: weighted by the people of its seat and villages)"},
        {"towns villages", "{kind}_places_met", T::Flag, "", "{kind}千人指标达标", "{kind} places standard met", "services",
         "places per 1,000 at least places_per_1000 of [services.{kind}]"},
        {"towns villages", "{kind}_places_missing", T::Real, "places", "{kind}缺口", "{kind} places missing", "services",
         "places to add for the standard: (standard - places per 1,000) x people / 1,000, summed over the seat and villages short of it"},
        {kTownLayers, "pop_{minutes}min", T::Real, "persons", "{minutes}内人口", "population within {minutes}", "access",
         "people of towns and villages within that drive, the town's own included"},
        {"villages", "nearest_town", T::Text, "", "最近镇", "nearest town", "access", "the town reached fastest"},
        {"villages", "nearest_town_min", T::Real, "min", "至最近镇", "to the nearest town", "access", "fastest drive to the nearest town"},
        {"villages", "own_town_min", T::Real, "min", "至所属镇", "to its own town", "access", "fastest drive to the village's own town"},

        // Coverage.
        {kTownLayers, "area_km2", T::Real, "km²", "镇区面积", "town area", "coverage", "the town's built-up area (its polygon, or a circle)"},
        {kTownLayers, "zone_km2", T::Real, "km²", "发展范围面积", "growth zone", "land",
         "the zone the town may grow in: its urban development boundary, else the circle of [land] radius_km"},
        {kTownLayers, "zone_source", T::Text, "", "发展范围来源", "growth zone source", "land", "urban development boundary, or radius ([land] radius_km)"},
        {kTownLayers, "room_km2", T::Real, "km²", "发展空间", "room to grow", "land",
         "the growth zone less built-up land, permanent basic farmland and the ecological red line (overlaps once)"},
        {kTownLayers, "room_share_pct", T::Real, "%", "发展空间占比", "room to grow share", "land", "room_km2 as a share of zone_km2"},
        {kTownLayers, "farmland_share_pct", T::Real, "%", "周边永久基本农田占比", "farmland nearby", "land",
         "share of the circle of [land] radius_km around the seat that is permanent basic farmland (absent without the farmland layer)"},
        {kTownLayers, "redline_share_pct", T::Real, "%", "周边生态保护红线占比", "red line nearby", "land",
         "share of the circle of [land] radius_km around the seat inside the ecological protection red line (absent without the eco_redline layer)"},
        {kTownLayers, "area_source", T::Text, "", "面积来源", "area source", "coverage", "how the area was made: built-up layer, urban development boundary, polygon, circle from population, or circle: township polygon (a polygon too large to be built-up)"},
        {kTownLayers, "{utility}_status", T::Text, "", "{utility}状态", "{utility} status", "coverage",
         "served (at or above [coverage] served_share), partial, none, or no data when the study has no layer for the utility"},
        {kTownLayers, "{utility}_share_pct", T::Real, "%", "{utility}覆盖率", "{utility} area served", "coverage", "share of the town's area served"},
        {kTownLayers, "{utility}_pop_share_pct", T::Real, "%", "{utility}人口覆盖率", "{utility} population served", "coverage",
         "share of the population points inside the town that are served (empty when there are none)"},
        {kTownLayers, "{utility}_seat_m", T::Real, "m", "{utility}镇驻地距管网", "{utility} seat to network", "coverage",
         "distance from the town's seat to the nearest network"},
        {kTownLayers, "{utility}_gap_km2", T::Real, "km²", "{utility}缺口面积", "{utility} gap", "coverage", "unserved part of the town's area"},
        {"villages", "road_km_to_town", T::Real, "km", "至所属镇道路距离", "road distance to its town", "coverage",
         "shortest road distance to the village's own town"},
        {"villages", "near_town", T::Flag, "", "周边村", "near its town", "coverage", "within [coverage] village_road_km of its town by road"},
        {"villages", "{utility}_reached", T::Flag, "", "{utility}已覆盖", "{utility} reached", "coverage", "within the utility's service distance"},
        {"villages", "{utility}_network_m", T::Real, "m", "{utility}距管网", "{utility} to the network", "coverage", "distance to the nearest network"},

        // Scores, types, selection, stability.
        {kTownLayers, "norm_{indicator}", T::Real, "", "{indicator}标准化值", "{indicator} normalised", "scoring",
         "the indicator made larger-is-better and normalised over all towns"},
        {kTownLayers, "contrib_{indicator}", T::Real, "points", "{indicator}得分贡献", "{indicator} points", "scoring",
         "100 × weight × normalised value"},
        {kTownLayers, "bonus", T::Real, "points", "加分", "bonus", "scoring", "points added by [[scoring.bonus]] rules"},
        {"towns demo_towns", "score", T::Real, "points", "综合得分", "score", "scoring", "sum of the contributions and the bonus"},
        {"towns demo_towns", "city_nearness_pct", T::Real, "%", "近城市得分占比", "score from nearness to cities", "scoring",
         "share of the score from indicators and bonuses that measure nearness to cities (drive to a prefecture seat or the metropolitan "
         "core, people within a drive, metropolitan-circle and city-surroundings bonuses): they can count the same nearness several times"},
        {"towns demo_towns", "rank_province", T::Integer, "", "全省排名(全部乡镇)", "rank among all townships in the province", "scoring",
         "rank by score among all township-level units, 街道 and other kinds that are not eligible included"},
        {"towns demo_towns", "rank_prefecture", T::Integer, "", "市(州)内排名(全部乡镇)", "rank among all townships in the prefecture", "scoring",
         "rank by score among all township-level units of the prefecture"},
        {kTownLayers, "rank_county", T::Integer, "", "县内排名(全部乡镇)", "rank among all townships in the county", "scoring",
         "rank by score among all township-level units of the county"},
        {kTownLayers, "town_type", T::Text, "", "类型键", "type key", "types", "key of the development type ([[town_types]])"},
        {"towns demo_towns", "town_type_zh", T::Text, "", "发展类型", "development type", "types", "the development type, in Chinese"},
        {"demo_towns", "town_type_en", T::Text, "", "发展类型(英文)", "development type (English)", "types", "the development type, in English"},
        {kTownLayers, "town_type_rule", T::Text, "", "类型规则", "type rule", "types",
         "the rule that gave the type, in Chinese words from the fields' labels and units, percentiles resolved"},
        {kTownLayers, "town_type_rule_en", T::Text, "", "类型规则(英文)", "type rule (English)", "types", "the same in English"},
        {kTownLayers, "eligible", T::Flag, "", "参评", "eligible", "selection", "may be selected (its kind is eligible)"},
        {"towns demo_towns", "eligible_rank_province", T::Integer, "", "全省参评镇排名", "rank among eligible towns in the province", "selection",
         "rank by score among the eligible towns of the province (empty when not eligible): the rank reasons quote"},
        {"towns demo_towns", "eligible_rank_prefecture", T::Integer, "", "市(州)参评镇排名", "rank among eligible towns in the prefecture",
         "selection", "rank by score among the eligible towns of the prefecture (empty when not eligible)"},
        {kTownLayers, "eligible_rank_county", T::Integer, "", "县内参评镇排名", "rank among eligible towns in the county", "selection",
         "rank by score among the eligible towns of the county (empty when not eligible)"},
        {"towns demo_towns review_towns", "tier", T::Text, "", "层级键", "tier key", "selection", "the tier it is selected for (empty: not selected)"},
        {"towns demo_towns review_towns", "tier_zh", T::Text, "", "示范层级", "tier", "selection", "the tier, in Chinese"},
        {"demo_towns", "tier_en", T::Text, "", "示范层级(英文)", "tier (English)", "selection", "the tier, in English"},
        {"towns demo_towns", "tier_by_score", T::Text, "", "按得分层级", "tier by score alone", "selection",
         "the tier key its score alone would give (each tier takes its best eligible towns, no unit limits); empty: none"},
        {"towns demo_towns", "tier_limit", T::Text, "", "层级限制", "limit that placed it", "selection",
         "the unit limit that put it in a tier other than its tier by score, found by re-solving with the limit relaxed (empty: on merit)"},
        {"towns demo_towns", "reason_zh", T::Text, "", "理由", "reason (中文)", "selection", "why it was selected or left out, in Chinese"},
        {"towns demo_towns", "reason_en", T::Text, "", "理由(英文)", "reason (English)", "selection", "the same in English"},
        {kTownLayers, "p_{tier}", T::Real, "", "{tier}入选比例", "share of runs {tier}", "sensitivity",
         "share of the perturbed-weight runs that select it at that tier"},
        {kTownLayers, "same_tier_share", T::Real, "", "结果一致比例", "share of runs with the same tier", "sensitivity",
         "share of the runs that keep it at its own tier (or none)"},
        {"towns demo_towns", "stability", T::Text, "", "稳定性", "stability", "sensitivity",
         "stable (at least 90 % of runs at its tier), borderline (at least 50 %) or unstable"},

        // Scenarios.
        {"scenario_tiers", "tier", T::Text, "", "基准层级", "base tier", "scenarios", "the tier in the base run"},
        {"scenario_tiers", "tier_{scenario}", T::Text, "", "情景 {scenario}", "scenario {scenario}", "scenarios", "the tier in the scenario"},
        {"scenario_tiers", "changed", T::Flag, "", "层级变化", "tier changes", "scenarios", "a scenario puts it in another tier"},

        // Gaps and extensions.
        {"coverage_gaps network_extensions", "town_id", T::Text, "", "镇编码", "town id", "coverage", "the town's id"},
        {"coverage_gaps network_extensions", "town_name", T::Text, "", "镇名称", "town", "coverage", "the town's name"},
        {"coverage_gaps network_extensions", "utility", T::Text, "", "设施", "utility", "coverage", "water, gas, heating, sewage or garbage"},
        {"coverage_gaps", "utility_zh", T::Text, "", "设施", "utility (中文)", "coverage", "the utility, in Chinese"},
        {"coverage_gaps", "area_km2", T::Real, "km²", "缺口面积", "gap area", "coverage", "area of the gap"},
        {"coverage_gaps", "population", T::Real, "persons", "缺口人口", "population in the gap", "coverage",
         "population points in the gap, else the town's population spread evenly over its area"},
        {"network_extensions", "length_km", T::Real, "km", "延伸长度", "extension length", "coverage",
         "length of the pipe along the roads, shared trunks counted once"},
        {"network_extensions", "villages", T::Text, "", "连接村", "villages", "coverage", "ids of the villages it connects"},
        {"network_extensions", "village_count", T::Integer, "", "连接村数", "villages connected", "coverage", "how many villages it connects"},
        {"network_extensions", "connects_gap", T::Flag, "", "覆盖镇区缺口", "closes the town gap", "coverage", "it reaches the town's gap"},
        {"network_extensions", "population", T::Real, "persons", "受益人口", "population served", "coverage",
         "people of the gap and the villages it connects"},
        {"network_extensions", "protected_sites", T::Text, "", "涉及保护对象", "protected sites nearby", "coverage",
         "protected sites within [coverage] protected_m"},
        {"network_extensions", "protected_flag", T::Flag, "", "需避让", "flagged", "coverage", "passes near a protected site"},
        {"network_extensions", "farmland_km", T::Real, "km", "占用永久基本农田长度", "through farmland", "coverage",
         "length through permanent basic farmland (empty without the farmland layer)"},
        {"network_extensions", "farmland_flag", T::Flag, "", "涉及永久基本农田", "crosses farmland", "coverage", "runs through permanent basic farmland"},
        {"network_extensions", "redline_detour_km", T::Real, "km", "避让红线增加长度", "red-line detour", "coverage",
         "longer by this than the shortest way, which ran through the ecological red line"},
        {"network_extensions", "villages_in_redline", T::Text, "", "红线阻隔村", "villages behind the red line", "coverage",
         "ids of the villages left out: every road to them runs through the ecological red line"},
        {"network_extensions", "redline_flag", T::Flag, "", "避让生态红线", "avoids the red line", "coverage",
         "rerouted or shortened to keep out of the ecological red line"},

        // Isochrones and road problems.
        {"isochrones", "origin_role", T::Text, "", "起点类型", "origin role", "access", "city_cores or towns"},
        {"isochrones", "origin_id", T::Text, "", "起点", "origin id", "access", "the origin's id"},
        {"isochrones", "origin_name", T::Text, "", "起点名称", "origin", "access", "the origin's name"},
        {"isochrones", "minutes", T::Real, "min", "分钟", "minutes", "access", "the threshold"},
        {"isochrones", "area_km2", T::Real, "km²", "面积", "area", "access", "area of the polygon"},
        {"isochrones", "road_km", T::Real, "km", "可达道路", "road reached", "access", "length of road reached within the threshold"},
        {"road_dead_ends", "node", T::Integer64, "", "节点", "node", "access", "the road graph's node"},
        {"road_dead_ends", "road_id", T::Text, "", "道路", "road id", "access", "id of the road that ends there"},
        {"road_dead_ends dead_end_links", "town_id", T::Text, "", "所属镇编码", "town id", "access", "the nearest town seat (straight line): the town it belongs to"},
        {"road_dead_ends dead_end_links", "town_name", T::Text, "", "所属镇", "town", "access", "that town's name"},
        {"road_dead_ends dead_end_links", "county_name", T::Text, "", "县(市、区)", "county", "access", "that town's county"},
        {"road_dead_ends", "link_m", T::Real, "m", "建议连通长度", "proposed link", "access",
         "a straight link to the nearest other road within [access] dead_end_link_m whose way round by road is more than dead_end_link_detour "
         "times longer and that passes no protected site within dead_end_link_clearance_m (empty: none)"},
        {"road_dead_ends", "link_road_id", T::Text, "", "连通至道路", "link to road", "access", "id of the road the link reaches"},
        {"road_dead_ends dead_end_links", "road_m_now", T::Real, "m", "现绕行距离", "way round by road now", "access",
         "shortest way by road today between the link's two ends (empty: not joined within dead_end_link_detour x dead_end_link_m)"},
        {"road_dead_ends", "no_link", T::Text, "", "未建议原因", "why no link", "access", "why no link is proposed"},
        {"dead_end_links", "road_id", T::Text, "", "断头道路", "dead-end road", "access", "id of the road that ends"},
        {"works", "town_id", T::Text, "", "镇编码", "town id", "works", "the demonstration town"},
        {"works", "town_name", T::Text, "", "镇", "town", "works", "its name"},
        {"works", "county_name", T::Text, "", "县(市、区)", "county", "works", "its county"},
        {"works", "prefecture_name", T::Text, "", "市(州)", "prefecture", "works", "its prefecture"},
        {"works", "tier_zh", T::Text, "", "示范层级", "tier", "works", "its tier"},
        {"works", "work", T::Text, "", "项目类型", "work", "works",
         "network_extension (管网延伸), dead_end_link (断头路打通) or service_places (服务设施增量)"},
        {"works", "work_zh", T::Text, "", "项目", "work (中文)", "works", "the work in Chinese, with its utility or facility kind"},
        {"works", "what", T::Text, "", "对象", "what", "works", "the utility, the dead-end road's id, or the facility kind"},
        {"works", "quantity", T::Real, "", "数量", "quantity", "works", "km of pipe or road, or places"},
        {"works", "unit", T::Text, "", "单位", "unit", "works", "km or places"},
        {"works", "people", T::Real, "persons", "受益人口", "people served", "works",
         "an extension's villages and gap; the town's people within dead_end_link_m of a dead end; the people short of the places standard"},
        {"works", "protected_sites", T::Text, "", "涉及保护对象", "protected sites", "works", "sites an extension passes within protected_m of"},
        {"works", "farmland_km", T::Real, "km", "占用永久基本农田长度", "through farmland", "works",
         "length of an extension or link through permanent basic farmland (empty without the farmland layer)"},
        {"works", "redline_detour_km", T::Real, "km", "避让红线增加长度", "red-line detour", "works",
         "an extension longer by this to keep out of the ecological red line"},
        {"works", "cost", T::Real, "万元", "估算投资", "cost", "works", "quantity x the unit cost of [costs] (empty without one)"},
        {"works", "people_per_cost", T::Real, "persons/万元", "每万元受益人口", "people served per cost", "works",
         "people served per 万元: the works of a town are listed by it, most first"},
        {"dead_end_links", "to_road_id", T::Text, "", "连通至道路", "to road", "access", "id of the road the link reaches"},
        {"dead_end_links", "length_m", T::Real, "m", "长度", "length", "access", "the link's length on the ellipsoid"},
        {"dead_end_links", "farmland_m", T::Real, "m", "占用永久基本农田长度", "through farmland", "access",
         "length through permanent basic farmland (empty without the farmland layer)"},
        {"dead_end_links", "farmland_flag", T::Flag, "", "涉及永久基本农田", "crosses farmland", "access", "runs through permanent basic farmland"},
        {"road_dead_ends", "nearest_settlement_m", T::Real, "m", "距最近居民点", "to the nearest settlement", "access",
         "distance to the nearest town or village"},
        {"roads", "id", T::Text, "", "道路编码", "road id", "input", "the road's id in the roads layer (its FID when none is mapped)"},
        {"roads", "class", T::Text, "", "道路等级", "class", "input", "the road's class, as the roads layer says"},
        {"roads", "speed_kmh", T::Real, "km/h", "设计车速", "speed", "network",
         "the speed its class is driven at ([network.speeds], else fallback_speed_kmh; 0: not for motor vehicles)"},
        {"road_components", "component", T::Integer, "", "连通分量", "component", "access",
         "the connected piece's rank by length (1 = the main network); one feature per piece and county"},
        {"road_components", "main", T::Flag, "", "主网", "main network", "access", "the main network"},
        {"road_components", "county", T::Text, "", "县编码", "county code", "access",
         "the county its roads lie in (by the middle of each road piece; empty outside every county)"},
        {"road_components", "county_name", T::Text, "", "县(市、区)", "county", "access", "that county's name"},
        {"road_components", "length_km", T::Real, "km", "长度", "length", "access", "road length of the piece in the county"},
        {"road_components", "component_km", T::Real, "km", "连通分量长度", "piece length", "access", "road length of the whole piece"},
        {"road_components", "towns", T::Integer, "", "镇数", "towns", "access", "towns of the county snapped onto the piece"},
        {"road_components", "town_ids", T::Text, "", "镇", "town ids", "access", "the first 20 of their ids"},
        {"road_components", "villages", T::Integer, "", "村数", "villages", "access", "villages of the county snapped onto the piece"},
        {"towns_without_seat_route", "reason", T::Text, "", "原因", "reason", "access",
         "no road route to the county seat, or farther than max_snap_m from every road"},

        // Counties and prefectures.
        {"counties prefectures", "towns", T::Integer, "", "乡镇数", "towns", "summary", "towns in the unit"},
        {"counties prefectures", "eligible", T::Integer, "", "参评镇数", "eligible towns", "summary", "eligible towns in the unit"},
        {"counties prefectures", "n_{tier}", T::Integer, "", "{tier}示范镇数", "{tier} towns", "summary", "towns selected at that tier"},
        {"counties prefectures", "gap_towns_{utility}", T::Integer, "", "{utility}缺口镇数", "towns with {utility} gaps", "summary",
         "towns with a gap of the utility"},
        {"counties prefectures", "gap_km2_{utility}", T::Real, "km²", "{utility}缺口面积", "{utility} gaps", "summary", "gap area of the utility"},
        {"counties prefectures", "ext_km_{utility}", T::Real, "km", "{utility}管网延伸", "{utility} extensions", "summary",
         "length of the proposed extensions of the utility"},
        {"counties prefectures", "shortfall", T::Text, "", "名额缺口", "shortfall", "summary", "tier quotas the unit cannot meet, and why"},

        // od.
        {"od", "from_id", T::Text, "", "起点", "from", "od", "the origin's id"},
        {"od", "to_id", T::Text, "", "终点", "to", "od", "the destination's id"},
        {"od", "minutes", T::Real, "min", "时间", "travel time", "od", "fastest drive (empty when unreachable)"},
        {"od", "km", T::Real, "km", "距离", "distance", "od", "length of that route"},
        {"od", "unreachable", T::Text, "", "不可达原因", "why unreachable", "od",
         "origin_off_road, destination_off_road, not_connected or one_way; empty when reachable"},
        {"od", "from_snap_m", T::Real, "m", "起点距道路", "origin to the road", "od", "distance from the origin to the nearest road"},
        {"od", "to_snap_m", T::Real, "m", "终点距道路", "destination to the road", "od", "distance from the destination to the nearest road"},
        {"od", "from_component", T::Integer, "", "起点路网片", "origin's network piece", "od", "the origin's connected piece (1 = the largest)"},
        {"od", "to_component", T::Integer, "", "终点路网片", "destination's network piece", "od", "the destination's connected piece"},

        // compare.
        {"town_changes", "in_old", T::Flag, "", "旧数据中", "in the old run", "compare", "the town is in the old run"},
        {"town_changes", "in_new", T::Flag, "", "新数据中", "in the new run", "compare", "the town is in the new run"},
        {"town_changes", "{utility}_old", T::Text, "", "{utility}原状态", "{utility} before", "compare", "status in the old run"},
        {"town_changes", "{utility}_new", T::Text, "", "{utility}现状态", "{utility} now", "compare", "status in the new run"},
        {"town_changes", "{utility}_gap_km2_old", T::Real, "km²", "{utility}原缺口", "{utility} gap before", "compare", "gap area in the old run"},
        {"town_changes", "{utility}_gap_km2_new", T::Real, "km²", "{utility}现缺口", "{utility} gap now", "compare", "gap area in the new run"},
        {"town_changes", "{utility}_change", T::Text, "", "{utility}变化", "{utility} change", "compare",
         "closed, opened, smaller, larger, same, or no data"},
        {"town_changes", "county_seat_min_old", T::Real, "min", "原至县城", "to the county seat before", "compare", "county_seat_min in the old run"},
        {"town_changes", "county_seat_min_new", T::Real, "min", "现至县城", "to the county seat now", "compare", "county_seat_min in the new run"},
        {"town_changes", "tier_old", T::Text, "", "原层级", "tier before", "compare", "the tier in the old run"},
        {"town_changes", "tier_new", T::Text, "", "现层级", "tier now", "compare", "the tier in the new run"},
        {"town_changes review_towns review_totals", "gaps_closed", T::Integer, "", "消除缺口数", "gaps closed", "compare",
         "utilities with a gap (partial or none) in the old or base run that are served in the new one"},
        {"town_changes review_towns review_totals", "gaps_opened", T::Integer, "", "新增缺口数", "gaps opened", "compare",
         "utilities served in the old or base run that have a gap in the new one"},
        {"town_changes", "changed", T::Flag, "", "有变化", "changed", "compare", "anything above changed"},

        // review: one row per designated town and later year, totals per group and year, the network built.
        {"review_towns review_totals built_extensions", "year", T::Text, "", "评估年份", "year", "review",
         "the later run: its config's [study] year, else its folder's name"},
        {"review_towns", "{utility}_status", T::Text, "", "{utility}状态", "{utility} status", "review", "status in that year's run"},
        {"review_towns review_totals", "gaps_base", T::Integer, "", "基准缺口数", "gaps in the base year", "review",
         "utilities with a gap (partial or none) in the base run"},
        {"review_towns review_totals", "gaps_now", T::Integer, "", "当年缺口数", "gaps this year", "review", "utilities with a gap in that year's run"},
        {"review_towns", "gaps_closed_list", T::Text, "", "消除缺口设施", "utilities closed", "review", "the utilities whose gap closed"},
        {"review_towns", "gaps_opened_list", T::Text, "", "新增缺口设施", "utilities opened", "review", "the utilities whose gap opened"},
        {"review_towns review_totals", "extension_km", T::Real, "km", "建议延伸长度", "extension proposed", "review",
         "length of the network extensions the base run proposed"},
        {"review_towns review_totals", "extension_built_km", T::Real, "km", "延伸已建长度", "extension built", "review",
         "network added since the base year within --corridor-m of a proposed extension, at most the extension's length each"},
        {"review_towns review_totals", "extension_built_pct", T::Real, "%", "延伸完成比例", "extension built share", "review",
         "extension_built_km / extension_km"},
        {"review_towns", "standards_met_base", T::Integer, "", "基准达标项数", "standards met in the base year", "review",
         "service standards ({kind}_time_met, {kind}_places_met) met in the base run"},
        {"review_towns", "standards_met", T::Integer, "", "当年达标项数", "standards met this year", "review", "the same in that year's run"},
        {"review_towns review_totals", "standards_newly_met", T::Integer, "", "新达标项数", "standards newly met", "review",
         "standards not met in the base run and met in that year's"},
        {"review_towns", "standards_newly_met_list", T::Text, "", "新达标项", "standards newly met (which)", "review",
         "those standards, as {kind}_time or {kind}_places"},
        {"review_towns review_totals", "works", T::Integer, "", "项目数", "works", "review", "works of the base run's works list"},
        {"review_towns review_totals", "works_done", T::Integer, "", "完成项目数", "works done", "review",
         "works done to at least 90 %: an extension by km built, a dead-end link when the dead end is gone, service places by places no longer missing"},
        {"review_towns review_totals", "works_done_pct", T::Real, "%", "项目完成度", "works done share", "review",
         "the mean share done of the works"},
        {"review_totals", "level", T::Text, "", "汇总层次", "level", "review", "province, tier, prefecture or county"},
        {"review_totals", "code", T::Text, "", "编码", "code", "review", "the tier's key, the prefecture's or the county's code"},
        {"review_totals", "name", T::Text, "", "名称", "name", "review", "the tier's, prefecture's or county's name"},
        {"review_totals", "towns", T::Integer, "", "示范镇数", "towns", "review", "designated towns in the group"},
        {"built_extensions", "town_id", T::Text, "", "镇编码", "town id", "review", "the demonstration town"},
        {"built_extensions", "town_name", T::Text, "", "镇", "town", "review", "its name"},
        {"built_extensions", "utility", T::Text, "", "设施", "utility", "review", "water, gas, heating or sewage"},
        {"built_extensions", "built_km", T::Real, "km", "已建长度", "built", "review",
         "network within --corridor-m of the proposed extension that was not there in the base year (5 m tolerance)"},
        {"built_extensions", "proposed_km", T::Real, "km", "建议长度", "proposed", "review", "the extension's length in the base run"},
    };
    return specs;
}

namespace {

bool in_layer(const ColumnSpec& s, std::string_view layer) {
    std::string_view rest = s.layers;
    while (!rest.empty()) {
        const std::size_t space = rest.find(' ');
        if (rest.substr(0, space) == layer) return true;
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    return false;
}

// The placeholder of a family's name: the part in braces ("" for a fixed name).
std::string_view placeholder(std::string_view text) {
    const std::size_t open = text.find('{');
    return open == std::string_view::npos ? std::string_view() : text.substr(open, text.find('}', open) - open + 1);
}

std::string filled(std::string_view text, std::string_view value) {
    std::string out(text);
    const std::string_view p = placeholder(text);
    if (!p.empty()) out.replace(out.find(p), p.size(), value);
    return out;
}

Column make(const ColumnSpec& s, const Fill& fill) {
    return {filled(s.name, fill.key),   s.type, std::string(s.unit), filled(s.zh, fill.zh), filled(s.en, fill.en), std::string(s.step),
            std::string(s.description)};
}

const char* type_name(ColumnType t) {
    switch (t) {
    case ColumnType::Text: return "text";
    case ColumnType::Real: return "real";
    case ColumnType::Integer:
    case ColumnType::Integer64: return "integer";
    case ColumnType::Flag: return "yes/no (1/0)";
    }
    return "";
}

}  // namespace

Fill fill_of(std::string_view placeholder, const std::string& key) {
    if (placeholder == "{utility}") return {key, utility_zh(key), key};
    if (placeholder == "{kind}") return {key, facility_kind_zh(key), key};
    if (placeholder == "{minutes}") return {key, key + "分钟", key + " min"};
    return {key, key, key};
}

std::string Column::label(Lang lang) const { return with_unit(lang, say(lang, zh, en), unit); }

Column column(std::string_view layer, std::string_view name, const Fill& fill) {
    for (const ColumnSpec& s : column_specs())
        if (s.name == name && in_layer(s, layer)) {
            if (!placeholder(s.name).empty() && fill.key.empty())
                throw std::logic_error("column " + std::string(name) + " of " + std::string(layer) + " needs what fills its placeholder");
            return make(s, fill);
        }
    throw std::logic_error("no column " + std::string(name) + " registered for the layer " + std::string(layer) + " (analysis/columns.cpp)");
}

std::optional<Column> find_column(std::string_view layer, std::string_view written) {
    // Fixed names first ("county_seat_min" is not a member of "{kind}_min"), then the family whose
    // fixed part is longest ("water_pop_share_pct" is of "{utility}_pop_share_pct", not of
    // "{utility}_share_pct"; a towns column matches "{extra_field}" only when nothing else does).
    for (const ColumnSpec& s : column_specs())
        if (placeholder(s.name).empty() && s.name == written && in_layer(s, layer)) return make(s, {});
    const ColumnSpec* best = nullptr;
    std::string best_key;
    for (const ColumnSpec& s : column_specs()) {
        const std::string_view p = placeholder(s.name);
        if (p.empty() || !in_layer(s, layer) || (best && best->name.size() - placeholder(best->name).size() >= s.name.size() - p.size()))
            continue;
        const std::string_view head = s.name.substr(0, s.name.find('{'));
        const std::string_view tail = s.name.substr(head.size() + p.size());
        if (written.size() > head.size() + tail.size() && written.substr(0, head.size()) == head &&
            written.substr(written.size() - tail.size()) == tail) {
            best = &s;
            best_key = std::string(written.substr(head.size(), written.size() - head.size() - tail.size()));
        }
    }
    if (!best) return std::nullopt;
    return make(*best, fill_of(placeholder(best->name), best_key));
}

std::vector<Column> layer_columns(std::string_view layer) {
    std::vector<Column> out;
    for (const ColumnSpec& s : column_specs())
        if (in_layer(s, layer)) {
            const std::string p(placeholder(s.name));
            out.push_back(make(s, {p, p, p}));
        }
    return out;
}

std::string columns_markdown() {
    std::string out;
    for (std::string_view layer : column_layers()) {
        out += "#### `" + std::string(layer) + "`\n\n| field | type | unit | 中文 | English | step | what |\n| --- | --- | --- | --- | --- | --- | --- |\n";
        for (const Column& c : layer_columns(layer))
            out += "| `" + c.name + "` | " + type_name(c.type) + " | " + c.unit + " | " + c.zh + " | " + c.en + " | " + c.step + " | " + c.description +
                   " |\n";
        out += "\n";
    }
    return out;
}

}  // namespace townsite
