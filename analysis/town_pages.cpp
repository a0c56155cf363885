#include "analysis/town_pages.h"

#include "analysis/svg_map.h"
#include "geo/parallel.h"
#include "geo/spatial_index.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <tuple>
#include <type_traits>

namespace townsite {

std::string town_page_file(const std::string& id) {
    std::string safe;
    for (char c : id) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return "towns/" + (safe.empty() ? std::string("_") : safe) + ".html";
}

namespace {

std::string number(double v, int decimals) { return std::isfinite(v) ? fmt(v, decimals) : "—"; }

// An A4 page: the print CSS of a planning deliverable, no scripts.
std::string page(const std::string& title, const std::string& body, Lang lang) {
    return "<!DOCTYPE html>\n<html lang=\"" + std::string(html_lang(lang)) + "\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
           "</title>\n<style>\n@page{size:A4;margin:12mm}\nbody{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:186mm;margin:1em auto;"
           "color:#222;font-size:10pt;line-height:1.35}\nh1{font-size:15pt;margin:.2em 0}h2{font-size:11.5pt;border-bottom:1.5px solid #2c7bb6;margin:.9em 0 .3em}"
           "\ntable{border-collapse:collapse;width:100%;margin:.3em 0;font-size:9pt}th,td{border:1px solid #ccc;padding:.15em .35em;text-align:left;"
           "vertical-align:top}th{background:#eef3f8}tr{page-break-inside:avoid}\n.note{color:#555;font-size:8.5pt}svg{max-width:100%;height:auto}"
           "\n@media print{a{color:inherit;text-decoration:none}}\n</style></head><body>\n" +
           body + "</body></html>\n";
}

// The bottom lines of the spatial plan on the page maps, in the order drawn.
struct Plan {
    const char* role;
    const char* colour;   // of the legend
    const char* style;
    Words label;
};
const Plan kPlans[] = {
    {"farmland", "#c7e9a0", "fill=\"#c7e9a0\" fill-opacity=\"0.7\" stroke=\"none\"", {"永久基本农田", "permanent farmland"}},
    {"eco_redline", "#1a9850", "fill=\"#1a9850\" fill-opacity=\"0.25\" stroke=\"#1a9850\" stroke-width=\"0.8\"",
     {"生态保护红线", "ecological red line"}},
    {"urban_boundary", "#b35806", "fill=\"none\" stroke=\"#b35806\" stroke-width=\"1\" stroke-dasharray=\"4,2\"",
     {"城镇开发边界", "urban development boundary"}},
};

}  // namespace

std::vector<TownPage> town_pages(const ReportInput& in) {
    const TownTable& t = *in.table;
    const Selection& sel = *in.selection;
    const SelectionOptions& so = *in.selection_options;
    const Scores& sc = *in.scores;
    const Study& study = *in.study;
    const GeosContext& study_geos = *study.geos;
    const std::size_t n = t.size();
    const Say T{in.lang};

    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n; ++i)
        if (sel.tier_of[i] >= 0) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(sel.tier_of[a], t.towns[a].prefecture, t.towns[a].county, t.towns[a].id) <
               std::tie(sel.tier_of[b], t.towns[b].prefecture, t.towns[b].county, t.towns[b].id);
    });

    // What the maps draw a part of, indexed once for every page: each page draws what its frame meets,
    // in the order of the layers (the same page whatever the index).
    // Each is made safe to read from the pages' threads (GeosContext::share).
    struct Drawn {
        explicit Drawn(const GeosContext& context) : geos(context), index(context) {}
        const GeosContext& geos;
        std::vector<const GEOSGeometry*> geoms;
        BoxIndex index;
        void add(const GEOSGeometry* g) { geos.share(g), geoms.push_back(g), index.add(g); }
    };
    auto layers = [&](const char* role) {
        auto d = std::make_unique<Drawn>(study_geos);
        for (const Layer* l : study.role(role))
            for (const Feature& f : l->features) d->add(f.geom.get());
        d->index.build();
        return d;
    };
    const std::unique_ptr<Drawn> counties = layers("counties");
    std::vector<std::unique_ptr<Drawn>> plan_layers;
    for (const Plan& plan : kPlans) plan_layers.push_back(layers(plan.role));
    // The utility networks' lines.
    const auto& utilities = utility_names();
    std::vector<std::size_t> line_utility;
    Drawn network_lines(study_geos);
    for (std::size_t u = 0; u < utilities.size(); ++u)
        for (const Layer* l : study.role(utilities[u]))
            for (const Feature& f : l->features) {
                const int type = GEOSGeomTypeId_r(study_geos.get(), f.geom.get());
                if (type == GEOS_LINESTRING || type == GEOS_MULTILINESTRING) line_utility.push_back(u), network_lines.add(f.geom.get());
            }
    network_lines.index.build();
    std::vector<std::string> site_names;
    Drawn sites(study_geos);
    for (const Layer* l : study.role("protected"))
        for (const Feature& f : l->features) site_names.push_back(l->text(f, "name")), sites.add(f.geom.get());
    sites.index.build();
    auto colour_of = [&](const std::string& utility) {
        return kUtilityColour[std::min<std::size_t>(std::size_t(std::find(utilities.begin(), utilities.end(), utility) - utilities.begin()), 4)];
    };
    // Each town's gaps, extensions, blocked extensions and works, in their order; each county's road dead ends.
    auto by_town = [n](const auto* items) {
        std::vector<std::vector<const typename std::remove_pointer_t<decltype(items)>::value_type*>> of(n);
        if (items)
            for (const auto& x : *items) of[x.town].push_back(&x);
        return of;
    };
    const auto gaps_of = by_town(in.coverage ? &in.coverage->gaps : nullptr);
    const auto extensions_of = by_town(in.coverage ? &in.coverage->extensions : nullptr);
    const auto blocked_of = by_town(in.coverage ? &in.coverage->blocked : nullptr);
    const auto works_of = by_town(in.works);
    std::map<std::string, std::vector<const DeadEnd*>> dead_ends_of;   // county code -> its dead ends
    if (in.access)
        for (const DeadEnd& d : in.access->dead_ends) dead_ends_of[t.towns[d.town].county].push_back(&d);
    std::map<std::string, std::vector<std::uint32_t>> villages;   // town id -> rows of its villages
    for (std::uint32_t v = 0; v < (in.villages ? in.villages->size() : 0); ++v) villages[(*in.villages)[v].town].push_back(v);

    // What the pages draw of each town (its area, gaps and extensions), made safe to read from several threads.
    for (std::size_t i : order) {
        if (t.towns[i].feature) study_geos.share(t.towns[i].feature->geom.get());
        for (const Gap* g : gaps_of[i]) study_geos.share(g->polygon.get());
        for (const Extension* e : extensions_of[i]) study_geos.share(e->lines.get());
    }
    const std::vector<const DeadEnd*> no_dead_ends;
    auto county_dead_ends = [&](const std::string& county) -> const std::vector<const DeadEnd*>& {
        const auto it = dead_ends_of.find(county);
        return it == dead_ends_of.end() ? no_dead_ends : it->second;
    };
    // One page per town, on every core: each with the GEOS context and Measure of its thread.
    auto make_page = [&](std::size_t i, const GeosContext& geos, const Measure& measure) -> TownPage {
        const Settlement& town = t.towns[i];
        const int tier = sel.tier_of[i];
        const TierRule& rule = so.tiers[std::size_t(tier)];
        const double radius_m = std::max(5.0, in.heritage_radius_km) * 1000;
        std::string b = "<p class=\"note\"><a href=\"../report.html\">← " + T("报告", "report") + "</a></p>\n";
        b += "<h1>" + html_escape(town.name) + "　" + html_escape(T(rule.name_zh + "示范镇", rule.name_en + " demonstration town")) + "</h1>\n";
        b += "<p>" + html_escape(town.prefecture_name + " · " + town.county_name) + " · " + T("编码", "code") + " " + html_escape(town.id) + " · " +
             T("一镇一档", "town plan") + "</p>\n";

        // The map: the town and what lies within the radius of its seat.
        const GeomPtr seat = geos.point(town.x, town.y);
        const GeomPtr frame = geos.circle(town.x, town.y, radius_m * measure.scale(town.x, town.y), 16);
        const PreparedPtr near = geos.prepare(frame.get());
        auto inside = [&](const GEOSGeometry* g) { return GEOSPreparedIntersects_r(geos.get(), near.get(), g) == 1; };
        const GeosContext::Extent box = geos.extent(frame.get());
        SvgMap map(geos, frame.get(), 640);
        for (std::uint32_t k : counties->index.meeting(box))
            if (inside(counties->geoms[k])) map.geometry(counties->geoms[k], "fill=\"#f7f7f4\" stroke=\"#aaa\" stroke-width=\"0.8\"");
        // The bottom lines of the spatial plan, under everything else.
        std::vector<std::pair<std::string, std::string>> plan_legend;
        for (std::size_t p = 0; p < std::size(kPlans); ++p) {
            bool drawn = false;
            for (std::uint32_t k : plan_layers[p]->index.meeting(box))
                if (inside(plan_layers[p]->geoms[k])) map.geometry(plan_layers[p]->geoms[k], kPlans[p].style), drawn = true;
            if (drawn) plan_legend.push_back({kPlans[p].colour, T(kPlans[p].label.zh, kPlans[p].label.en)});
        }
        if (town.feature && GEOSGeomTypeId_r(geos.get(), town.feature->geom.get()) != GEOS_POINT)
            map.geometry(town.feature->geom.get(), "fill=\"#fde0c5\" stroke=\"#e08214\" stroke-width=\"1\"");
        if (in.graph) {
            std::set<std::uint32_t> pieces;
            for (const auto& h : in.graph->index->within(town.x, town.y, radius_m * measure.scale(town.x, town.y))) pieces.insert(h.owner);
            for (std::uint32_t p : pieces) {
                const RoadPiece& piece = in.graph->pieces[p];
                std::vector<Pt2> pts(in.graph->points.begin() + piece.first_point, in.graph->points.begin() + piece.first_point + piece.points);
                map.geometry(line_geometry(geos, pts).get(), "fill=\"none\" stroke=\"#888\" stroke-width=\"0.8\"", 0);
            }
        }
        for (std::uint32_t k : network_lines.index.meeting(box))
            if (inside(network_lines.geoms[k]))
                map.geometry(network_lines.geoms[k], std::string("fill=\"none\" stroke=\"") + kUtilityColour[std::min<std::size_t>(line_utility[k], 4)] + "\" stroke-width=\"1\"", 0);
        std::vector<std::string> works_here;
        for (const Gap* g : gaps_of[i])
            map.geometry(g->polygon.get(), std::string("fill=\"") + colour_of(g->utility) + "\" fill-opacity=\"0.3\" stroke=\"none\"");
        for (const Extension* e : extensions_of[i])
            map.geometry(e->lines.get(), std::string("fill=\"none\" stroke=\"") + colour_of(e->utility) + "\" stroke-width=\"2.4\" stroke-dasharray=\"5,3\"", 0);
        if (const auto it = villages.find(town.id); it != villages.end())
            for (std::uint32_t v : it->second) {
                const Settlement& s = (*in.villages)[v];
                map.circle(s.x, s.y, 2.2, "fill=\"#777\" stroke=\"#fff\" stroke-width=\"0.5\"");
                map.text(s.x, s.y, s.name, "font-size=\"8\" fill=\"#555\"");
            }
        std::vector<std::string> near_sites;
        // Sites within the radius on the ground: within twice it in the working CRS, whatever its scale there.
        const double reach = 2 * in.heritage_radius_km * 1000 * measure.scale(town.x, town.y);
        for (std::uint32_t k : sites.index.meeting({town.x - reach, town.y - reach, town.x + reach, town.y + reach}))
            if (const GEOSGeometry* g = sites.geoms[k]; measure.nearest_m(seat.get(), g) <= in.heritage_radius_km * 1000) {
                const std::string& name = site_names[k];
                double x = 0, y = 0;
                geos.representative_point(g, x, y);
                map.circle(x, y, 3.5, "fill=\"#984ea3\" stroke=\"#222\" stroke-width=\"0.5\"");
                map.text(x, y, name, "font-size=\"8\" fill=\"#984ea3\"");
                near_sites.push_back(name);
            }
        if (in.access)
            for (const DeadEnd& d : in.access->dead_ends) {
                if (std::hypot(d.x - town.x, d.y - town.y) > radius_m * measure.scale(town.x, town.y)) continue;
                if (!std::isnan(d.link_m))
                    map.geometry(line_geometry(geos, {{d.x, d.y}, {d.link_x, d.link_y}}).get(), "fill=\"none\" stroke=\"#e31a1c\" stroke-width=\"2\"", 0);
                map.circle(d.x, d.y, 3, "fill=\"#fff\" stroke=\"#e31a1c\" stroke-width=\"1.5\"");
            }
        map.circle(town.x, town.y, 5.5, std::string("fill=\"") + kTierColour[std::min(tier, 3)] + "\" stroke=\"#222\" stroke-width=\"0.8\"");
        map.text(town.x, town.y, town.name, "font-size=\"11\" font-weight=\"bold\"");
        std::vector<std::pair<std::string, std::string>> legend = {{"#fde0c5", T("镇域/建成区", "town area")}, {"#888", T("道路", "roads")}};
        for (std::size_t u = 0; u < utilities.size(); ++u)
            legend.push_back({kUtilityColour[u], utility_label(utilities[u], in.lang) + T("：管网、缺口、拟延伸（虚线）", ": network, gap, extension (dashed)")});
        legend.push_back({"#777", T("行政村", "villages")});
        legend.push_back({"#984ea3", T("保护对象", "protected sites")});
        legend.push_back({"#e31a1c", T("断头路及建议连通", "dead ends and proposed links")});
        legend.insert(legend.end(), plan_legend.begin(), plan_legend.end());
        const std::string radius_km = fmt(radius_m / 1000, 0);
        b += "<figure>" + map.svg(legend) + "<figcaption class=\"note\">" + T("镇驻地半径 " + radius_km + " 公里范围", "within " + radius_km + " km of the seat") +
             "</figcaption></figure>\n";

        // Score against the tier's cut-off, and what makes it.
        const TierSummary& ts = sel.tiers[std::size_t(tier)];
        const std::string rank = std::to_string(sel.eligible_rank_province[i]), nearness = number(city_nearness_pct(sc, i), 0);
        b += "<h2>" + T("得分与理由", "Score and reason") + "</h2>\n<p>" +
             T("综合得分 <b>" + fmt(sc.score[i]) + "</b>；" + html_escape(rule.name_zh) + "入选线 " + number(ts.cut_off, 1) + "；全省参评镇第 " + rank +
                   " 名；近城市得分占比 " + nearness + " %",
               "score <b>" + fmt(sc.score[i]) + "</b>; " + html_escape(rule.name_en) + " cut-off " + number(ts.cut_off, 1) + "; rank " + rank +
                   " among the eligible towns; " + nearness + " % from nearness to cities");
        if (in.sensitivity)
            b += T("；稳定性 ", "; stability ") + stability_text(in.lang, in.sensitivity->stability[i]) + " (" + fmt(in.sensitivity->same_share[i] * 100, 0) + " %)";
        b += "</p>\n";
        std::vector<std::vector<std::string>> contributions;
        for (std::size_t j = 0; j < in.scoring->indicators.size(); ++j)
            contributions.push_back({html_escape(T(in.scoring->indicators[j].label_zh, in.scoring->indicators[j].label_en)), fmt(sc.contribution[j][i])});
        contributions.push_back({T("加分", "bonus"), fmt(sc.bonus[i])});
        b += html_table({T("指标", "indicator"), T("得分", "points")}, contributions);
        b += "<p>" +
             html_words(in.lang, sel.reason_zh[i], sel.reason_en[i]) +
             "</p>\n";
        const TownType& type = (*in.types)[i];
        const std::string type_rule = in.lang == Lang::en ? type.rule_en : type.rule;
        b += "<p>" + T("类型：", "type: ") + html_escape(T(type.name_zh, type.name_en)) +
             (type_rule.empty() ? std::string() : T("（", " (") + html_escape(type_rule) + T("）", ")")) + "</p>\n";

        if (in.coverage) {
            std::vector<std::vector<std::string>> rows;
            const TownCoverage& tc = in.coverage->towns[i];
            for (const std::string& u : utilities) {
                const auto it = tc.utilities.find(u);
                if (it == tc.utilities.end()) continue;
                const UtilityCoverage& c = it->second;
                double km = 0, people = 0;
                std::size_t connected = 0;
                std::string protected_sites, bottom;   // the sites it passes; what the bottom lines did to it
                for (const Extension* x : extensions_of[i])
                    if (const Extension& e = *x; e.utility == u) {
                        km += e.length_km, people += e.population, connected += e.villages.size();
                        for (const auto& site : e.protected_sites) protected_sites += (protected_sites.empty() ? "" : "、") + site;
                        if (e.redline_detour_km > 0) bottom += T("避让生态红线绕行 +" + fmt(e.redline_detour_km, 2) + " km；", "goes round the red line, +" + fmt(e.redline_detour_km, 2) + " km; ");
                        if (!e.villages_in_redline.empty())
                            bottom += T(std::to_string(e.villages_in_redline.size()) + " 个村被红线阻隔；", std::to_string(e.villages_in_redline.size()) + " villages behind the red line; ");
                        if (e.farmland_km > 0) bottom += T("涉及永久基本农田 " + fmt(e.farmland_km, 2) + " km", fmt(e.farmland_km, 2) + " km through farmland");
                    }
                for (const BlockedExtension* x : blocked_of[i])
                    if (x->utility == u)
                        bottom += T("须穿越生态红线 " + fmt(x->redline_km, 2) + " km：未提出延伸", "would run " + fmt(x->redline_km, 2) + " km through the red line: not proposed");
                rows.push_back({html_escape(utility_label(u, in.lang)), status_text(in.lang, c.status), number(c.share_area * 100, 0), number(c.gap_km2, 2),
                                number(c.gap_population, 0), km > 0 ? fmt(km, 2) : "—", km > 0 ? std::to_string(connected) : "—", km > 0 ? fmt(people, 0) : "—",
                                html_escape(protected_sites), html_escape(bottom)});
            }
            b += "<h2>" + T("基础设施", "Utilities") + "</h2>\n" +
                 html_table({T("设施", "utility"), T("状态", "status"), T("覆盖率", "share") + " (%)", T("缺口", "gap") + " (km²)", T("缺口人口", "gap people"),
                             T("拟延伸", "extension") + " (km)", T("连通村", "villages"), T("受益人口", "people"), T("涉及保护对象", "protected sites"),
                             T("底线管控", "bottom lines")},
                            rows);
        }
        if (in.land) {
            const TownLand& l = in.land->towns[i];
            b += "<h2>" + T("发展空间", "Room to grow") + "</h2>\n<p>" +
                 T((l.zone_source == "radius" ? "镇驻地周边 " + fmt(in.land_radius_km, 1) + " km 范围" : std::string("城镇开发边界")) + " " + fmt(l.zone_km2, 2) +
                       " km²，扣除已建成区 " + fmt(l.builtup_km2, 2) + " km²、永久基本农田 " + fmt(l.farmland_km2, 2) + " km²、生态保护红线 " +
                       fmt(l.redline_km2, 2) + " km²（重叠只计一次）后，发展空间 " + fmt(l.room_km2, 2) + " km²（" + fmt(l.room_share * 100, 0) +
                       " %）。周边 " + fmt(in.land_radius_km, 1) + " km 内永久基本农田占 " + fmt(l.farmland_share * 100, 0) + " %，生态保护红线占 " +
                       fmt(l.redline_share * 100, 0) + " %。",
                   (l.zone_source == "radius" ? "Within " + fmt(in.land_radius_km, 1) + " km of the seat" : std::string("Urban development boundary")) + ", " +
                       fmt(l.zone_km2, 2) + " km²; less built-up land " + fmt(l.builtup_km2, 2) + " km², permanent farmland " + fmt(l.farmland_km2, 2) +
                       " km² and the ecological red line " + fmt(l.redline_km2, 2) + " km² (overlaps once): room to grow " + fmt(l.room_km2, 2) + " km² (" +
                       fmt(l.room_share * 100, 0) + " %). Within " + fmt(in.land_radius_km, 1) + " km: farmland " + fmt(l.farmland_share * 100, 0) +
                       " %, red line " + fmt(l.redline_share * 100, 0) + " %.") +
                 "</p>\n";
        }
        if (in.services && !in.services->kinds.empty()) {
            std::vector<std::vector<std::string>> rows;
            for (std::size_t k = 0; k < in.services->kinds.size(); ++k) {
                const ServiceStatus& st = in.services->towns[k][i];
                const ServiceStandard& std_ = in.services->standards[k];
                auto yes = [&](double v) { return std::isnan(v) ? std::string("—") : v == 1 ? T("达标", "met") : T("未达标", "not met"); };
                rows.push_back({html_escape(T(facility_kind_zh(in.services->kinds[k]), in.services->kinds[k])),
                                std::isnan(std_.max_min) ? "—" : "≤ " + fmt(std_.max_min, 0) + T(" 分钟", " min"), yes(st.time_met), number(st.pop_outside, 0),
                                std::isnan(std_.places_per_1000) ? "—" : "≥ " + fmt(std_.places_per_1000, 1), number(st.places_per_1000, 1), yes(st.places_met),
                                number(st.places_missing, 1)});
            }
            b += "<h2>" + T("公共服务", "Public services") + "</h2>\n" +
                 html_table({T("服务", "service"), T("时间标准", "time standard"), T("时间达标", "time met"), T("超时人口", "people beyond"), T("千人标准", "places standard"),
                             T("千人服务量", "per 1,000"), T("千人指标达标", "places met"), T("缺口", "places missing")},
                            rows);
        }
        if (in.works) {
            std::vector<std::vector<std::string>> rows;
            for (const Work* work : works_of[i]) {
                const Work& w = *work;
                rows.push_back({html_escape(work_text(in.lang, w)), fmt(w.quantity, 2) + " " + (w.unit == "places" ? T("位", "places") : w.unit), fmt(w.people, 0),
                                html_escape(w.protected_sites), number(w.cost, 1), number(w.people_per_cost(), 1)});
            }
            b += "<h2>" + T("项目清单", "Works") + "</h2>\n" +
                 (rows.empty() ? "<p>" + T("无", "none") + "</p>\n"
                               : html_table({T("项目", "work"), T("数量", "quantity"), T("受益人口", "people"), T("保护对象", "protected sites"),
                                             T("投资（万元）", "cost (10,000 yuan)"), T("每万元受益人口", "people per 10,000 yuan")},
                                            rows));
        }
        if (in.access) {
            std::vector<std::vector<std::string>> rows;
            std::size_t links = 0;
            for (const DeadEnd* end : county_dead_ends(town.county)) {
                const DeadEnd& d = *end;
                links += !std::isnan(d.link_m);
                rows.push_back({html_escape(d.road_id), html_escape(t.towns[d.town].name), number(d.link_m, 0), html_escape(say(in.lang, d.no_link))});
            }
            const std::string ends = std::to_string(rows.size()), linked = std::to_string(links);
            b += "<h2>" + html_escape(T(town.county_name + "道路问题", "Road problems of " + town.county_name)) + "</h2>\n<p>" +
                 T("断头路 " + ends + " 处，其中 " + linked + " 处建议连通。", ends + " dead ends, " + linked + " with a proposed link.") + "</p>\n";
            if (!rows.empty()) b += html_table({T("道路", "road"), T("所属镇", "town"), T("建议连通", "link") + " (m)", T("未建议原因", "why none")}, rows);
        }
        if (!near_sites.empty()) {
            std::string names;
            for (const auto& site : near_sites) names += (names.empty() ? "" : "、") + site;
            const std::string km = fmt(in.heritage_radius_km, 0);
            b += "<p>" + T(km + " 公里内保护对象：", "protected sites within " + km + " km: ") + html_escape(names) + "</p>\n";
        }
        return {i, town_page_file(town.id), page(town.name + T(" 一镇一档", ": town plan"), b, in.lang)};
    };
    std::vector<TownPage> pages(order.size());
    parallel_for(order.size(), {}, "town pages", [&](unsigned) { return GeometryThread(study.crs); },
                 [&](GeometryThread& th, std::size_t k) { pages[k] = make_page(order[k], th.geos, th.measure); });
    return pages;
}

}  // namespace townsite
