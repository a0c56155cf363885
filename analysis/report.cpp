#include "analysis/report.h"

#include "analysis/columns.h"
#include "analysis/svg_map.h"
#include "analysis/town_pages.h"
#include "geo/parallel.h"
#include "geo/text.h"

#include <algorithm>
#include <set>
#include <cmath>
#include <cstdio>
#include <map>
#include <iterator>
#include <numeric>

namespace townsite {

namespace {


std::string num(std::size_t v) { return std::to_string(v); }


// The counties and prefectures; with a window, only those whose extent meets it.
void draw_admin(SvgMap& map, const Study& study, const GEOSGeometry* window = nullptr) {
    const GeosContext& geos = *study.geos;
    GeosContext::Extent w{};
    if (window) w = geos.extent(window);
    auto near = [&](const GEOSGeometry* g) {
        if (!window) return true;
        const GeosContext::Extent e = geos.extent(g);
        return e.x0 <= w.x1 && w.x0 <= e.x1 && e.y0 <= w.y1 && w.y0 <= e.y1;
    };
    for (const Layer* l : study.role("counties"))
        for (const Feature& f : l->features)
            if (near(f.geom.get())) map.geometry(f.geom.get(), "fill=\"#f7f7f4\" stroke=\"#c8c8c8\" stroke-width=\"0.4\"");
    for (const Layer* l : study.role("prefectures"))
        for (const Feature& f : l->features)
            if (near(f.geom.get())) map.geometry(f.geom.get(), "fill=\"none\" stroke=\"#555\" stroke-width=\"1\"");
}

// The gaps of each town as one symbol: total gap area (circle area) and how many utilities lack (colour).
struct TownGaps {
    double km2 = 0;
    int utilities = 0;
};
std::vector<TownGaps> gaps_by_town(const CoverageResult& coverage, std::size_t towns) {
    std::vector<TownGaps> out(towns);
    std::vector<std::set<std::string>> kinds(towns);
    for (const Gap& g : coverage.gaps)
        if (g.town < towns) out[g.town].km2 += g.area_km2, kinds[g.town].insert(g.utility);
    for (std::size_t i = 0; i < towns; ++i) out[i].utilities = int(kinds[i].size());
    return out;
}
const char* const kGapCountColour[] = {"#fcbba1", "#fc9272", "#ef3b2c", "#a50f15"};   // 1, 2, 3, 4 or more utilities lacking
void draw_town_gaps(SvgMap& map, const TownTable& t, const std::vector<TownGaps>& gaps, double px_per_sqrt_km2, const std::vector<bool>* only = nullptr) {
    for (std::size_t i = 0; i < gaps.size(); ++i)
        if (gaps[i].utilities > 0 && (!only || (*only)[i]))
            map.circle(t.towns[i].x, t.towns[i].y, std::max(1.5, std::sqrt(gaps[i].km2) * px_per_sqrt_km2),
                       std::string("fill=\"") + kGapCountColour[std::min(gaps[i].utilities, 4) - 1] +
                           "\" fill-opacity=\"0.7\" stroke=\"#67000d\" stroke-width=\"0.3\"");
}
std::vector<std::pair<std::string, std::string>> town_gap_legend(Lang lang) {
    return {{kGapCountColour[0], say(lang, "缺1项设施", "1 utility lacking")},
            {kGapCountColour[1], say(lang, "缺2项", "2 utilities")},
            {kGapCountColour[2], say(lang, "缺3项", "3 utilities")},
            {kGapCountColour[3], say(lang, "缺4项及以上", "4 or more")}};
}

// A horizontal bar chart: one row per label, stacked segments (value, colour).
std::string bar_chart(const std::vector<std::pair<std::string, std::vector<std::pair<double, std::string>>>>& rows, double max_value,
                      const std::vector<std::pair<std::string, std::string>>& legend, double label_px = 150) {
    const double width = 760, bar = 14, gap = 4, plot = width - label_px - 60;
    const double height = double(rows.size()) * (bar + gap) + 30 + 18.0 * double((legend.size() + 3) / 4);
    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt(width, 0) + "\" height=\"" + fmt(height, 0) +
                    "\" font-family=\"sans-serif\" font-size=\"11\">\n";
    double y = 10;
    for (const auto& [label, segments] : rows) {
        s += "<text x=\"" + fmt(label_px - 6, 0) + "\" y=\"" + fmt(y + bar - 3, 1) + "\" text-anchor=\"end\">" + html_escape(label) + "</text>";
        double x = label_px, total = 0;
        for (const auto& [v, colour] : segments) {
            const double w = max_value > 0 ? std::max(0.0, v) / max_value * plot : 0;
            s += "<rect x=\"" + fmt(x, 1) + "\" y=\"" + fmt(y, 1) + "\" width=\"" + fmt(w, 1) + "\" height=\"" + fmt(bar, 0) + "\" fill=\"" + colour + "\"/>";
            x += w;
            total += v;
        }
        s += "<text x=\"" + fmt(x + 4, 1) + "\" y=\"" + fmt(y + bar - 3, 1) + "\">" + fmt(total) + "</text>\n";
        y += bar + gap;
    }
    y += 14;
    for (std::size_t k = 0; k < legend.size(); ++k) {
        const double x = 10 + double(k % 4) * 185, ly = y + double(k / 4) * 18;
        s += "<rect x=\"" + fmt(x, 0) + "\" y=\"" + fmt(ly - 9, 0) + "\" width=\"12\" height=\"10\" fill=\"" + legend[k].first + "\"/><text x=\"" +
             fmt(x + 16, 0) + "\" y=\"" + fmt(ly, 0) + "\">" + html_escape(legend[k].second) + "</text>";
    }
    return s + "</svg>\n";
}

const char* kIndicatorColour[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"};

}  // namespace

std::string html_words(Lang lang, const std::string& zh, const std::string& en) {
    if (lang == Lang::both) return html_escape(zh) + "<br><span class=\"note\">" + html_escape(en) + "</span>";
    return html_escape(say(lang, zh, en));
}

std::string html_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string html_table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows, const std::string& cls) {
    std::string t = "<table" + (cls.empty() ? std::string() : " class=\"" + cls + "\"") + "><thead><tr>";
    for (const auto& h : head) t += "<th>" + h + "</th>";
    t += "</tr></thead><tbody>";
    for (const auto& r : rows) {
        t += "<tr>";
        for (const auto& c : r) t += "<td>" + c + "</td>";
        t += "</tr>";
    }
    return t + "</tbody></table>\n";
}

GeomPtr reached_area(const GeosContext& geos, const GEOSGeometry* bands, double radius_m) {
    GEOSContextHandle_t ctx = geos.get();
    // Grown in four steps of a quarter of the radius, simplified before each (Douglas-Peucker at
    // radius / 64, finer than the map shows; before the first too, which halves the time at x10):
    // growing by the whole radius at once sets the offset curve of every vertex against those of
    // the hundreds within twice the radius, which took 29 s for the three maps of a province of ten
    // times the sample (3.5 s in four steps, the areas within 1.2 %; eight steps are faster still,
    // but round the ends of a closed gap off by 2 %, see the test). Growing by discs one after
    // another is growing by their sum. Each part is grown alone, then the grown parts (few
    // vertices, smooth) united: cheaper than growing the overlapping bands of every city core at
    // once, which nodes them all first.
    constexpr int kSteps = 4;
    const double step = radius_m / kSteps, tolerance = radius_m / 16;
    auto grow = [&](const GeosContext& own, const GEOSGeometry* g) {
        GEOSContextHandle_t c = own.get();
        GeomPtr out = own.own(GEOSGeom_clone_r(c, g));
        for (int k = 0; k < kSteps && out; ++k) {
            const GeomPtr simple = own.own(GEOSSimplify_r(c, out.get(), radius_m / 64));
            out = simple ? own.own(GEOSBuffer_r(c, simple.get(), step, 4)) : nullptr;
        }
        return out;
    };
    // Each part on a core of its own, with its own GEOS context; owned through the caller's.
    geos.share(bands);
    std::vector<GeomPtr> parts(std::size_t(GEOSGetNumGeometries_r(ctx, bands)));
    parallel_for(parts.size(), Progress(), "report: isochrone areas", [](unsigned) { return GeosContext(); },
                 [&](GeosContext& own, std::size_t i) {
                     GeomPtr grown = grow(own, GEOSGetGeometryN_r(own.get(), bands, int(i)));
                     parts[i] = geos.own(grown.release());
                 });
    std::erase(parts, nullptr);
    const GeomPtr grown = geos.union_of(std::move(parts));
    // Simplified once grown (a band thinner than the tolerance would vanish before), finer than a map shows.
    const GeomPtr simple = grown ? geos.own(GEOSSimplify_r(ctx, grown.get(), tolerance)) : GeomPtr();
    return simple ? geos.own(GEOSBuffer_r(ctx, simple.get(), -radius_m, 4)) : GeomPtr();
}

std::string html_page(const std::string& title, const std::string& body, Lang lang) {
    return "<!DOCTYPE html>\n<html lang=\"" + std::string(html_lang(lang)) + "\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
           "</title>\n<style>\nbody{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
           "color:#222;line-height:1.45}\nh1{font-size:1.6em}h2{border-bottom:2px solid #2c7bb6;padding-bottom:.2em;margin-top:2em}"
           "h3{margin-top:1.4em}\ntable{border-collapse:collapse;margin:.6em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .5em;"
           "text-align:left;vertical-align:top}th{background:#eef3f8}\ntd.num,th.num{text-align:right}.note{color:#555;font-size:.9em}"
           "figure{margin:1em 0}figcaption{font-size:.9em;color:#444}\n.reasons td{max-width:520px}\nsvg{max-width:100%;height:auto}\n"
           "@page{size:A4;margin:14mm 12mm}\n@media print{body{max-width:none;margin:0;padding:0;font-size:9.5pt}"
           "h2{break-before:page}h2:first-of-type{break-before:auto}h2,h3{break-after:avoid}tr,figure,svg{break-inside:avoid}"
           "thead{display:table-header-group}table{width:100%}a{color:inherit;text-decoration:none}"
           "figure svg{max-height:235mm;width:auto;max-width:100%}}\n</style></head><body>\n" +
           body + "</body></html>\n";
}


namespace {

// A data problem in Chinese, by its kind ("read_as_gbk:name" names the field): the details (samples,
// values) stay in the English text, the ids are listed by the report.
std::string problem_zh(const Problem& p) {
    const std::size_t colon = p.kind.find(':');
    const std::string kind = p.kind.substr(0, colon), field = colon == std::string::npos ? "" : "字段“" + p.kind.substr(colon + 1) + "”";
    static const std::map<std::string, std::string> zh = {
        {"encoding_ignored", "配置的 encoding 被忽略：该格式自带编码"},
        {"assume_crs_ignored", "配置的 assume_crs 被忽略：图层自带坐标系"},
        {"read_as_gbk", "不是 UTF-8 编码，已按 GBK 读取"},
        {"not_utf8", "既非 UTF-8 也非 GBK 编码"},
        {"not_a_number", "为文本，应为数值"},
        {"not_finite", "为 NaN 或无穷大，应为数值"},
        {"negative", "为负数，应不小于 0"},
        {"not_a_flag", "不是“是/否”值"},
        {"maxspeed_unknown", "maxspeed 无法解析为车速：按道路等级车速计"},
        {"not_a_road", "无 highway 标签的线（铁路、电力线、水系、界线等）：不是道路，已略去"},
        {"duplicate_id", "编码被多个要素使用"},
        {"null_geometry", "无几何的要素，已跳过"},
        {"empty_geometry", "几何为空（或坐标为 NaN）的要素，已跳过"},
        {"wrong_geometry", "几何类型不符的要素，已跳过"},
        {"out_of_range", "经纬度超出有效范围，已跳过"},
        {"transform_failed", "坐标无法转换（PROJ），已跳过"},
        {"unreadable_geometry", "GEOS 无法读取的几何，已跳过"},
        {"degenerate", "修复后无剩余的几何（如零长度线、零面积面），已跳过"},
        {"repaired", "无效几何，已用 GEOS MakeValid 修复"},
        {"outside_province", "位于省界外 2 km 以上的要素"},
        {"no_features", "必需图层无可用要素"},
        {"no_speed", "道路既无等级也无车速字段，行程时间无从计算"},
        {"bad_speed", "speed_kmh 为 0、负数或超过 200 km/h：按道路等级车速计"},
        {"reversible", "可逆向单行道（方向随时段变化）：不计入路网（与 OSRM 相同）"},
        {"oneway_unknown", "oneway 值无法识别：按双向通行"},
        {"crs_scale_error", "工作坐标系的长度和面积变形较大：townsite 在椭球面上量算，数值不受影响，但地图会有变形"},
        {"unknown_prefecture", "县所属市(州)不在市(州)图层中"},
        {"overlap", "县界相互重叠（两县编码、重叠面积 km²）"},
    };
    const auto it = zh.find(kind);
    return field + (it == zh.end() ? p.message : it->second);
}

// html_report's sections, in order; each appends to `b`.
struct ReportSections {
    const ReportInput& in;
    const Study& study = *in.study;
    const TownTable& t = *in.table;
    const Scores& sc = *in.scores;
    const Selection& sel = *in.selection;
    const SelectionOptions& so = *in.selection_options;
    const std::size_t n = t.size();
    const bool with_services = in.services && !in.services->kinds.empty();
    std::string b{};

    // The words in the report's language.
    Say T{in.lang};
    // A tier's name: "省级示范镇", "provincial".
    std::string tier_name(std::size_t k) const { return T(so.tiers[k].name_zh + "示范镇", so.tiers[k].name_en); }
    // A registered field's header in the report's language.
    std::string label(std::string_view layer, std::string_view field, const Fill& fill = {}) const { return html_escape(column(layer, field, fill).label(in.lang)); }

    void study_and_parameters();
    void data_quality();
    void maps();
    void prefecture_maps();
    void by_prefecture();
    void demonstration_towns();
    std::string utilities_short(std::size_t town) const;
    std::string services_short(std::size_t town) const;
    void services();
    void road_problems();
    void bottom_lines();
    void charts();
    void scenarios();
};

// 1 Study and parameters: the config, CRS, counts, speeds, service distances, weights, quotas.
void ReportSections::study_and_parameters() {
    b += "<h2>1 " + T("研究与参数", "Study and parameters") + "</h2>\n";
    std::size_t villages = in.access ? in.access->villages.size() : 0;
    b += html_table({T("项目", "item"), T("值", "value")},
               {{T("配置", "config"), html_escape(study.config.path)},
                {T("工作坐标系", "working CRS"), html_escape(in.lang == Lang::en || study.crs.name_zh.empty() ? study.crs.name : study.crs.name_zh) + (study.crs.chosen ? T("（按研究区自动选择）", " (chosen for the study area)") : "")},
                {T("最大尺度误差", "largest scale error"), fmt(study.crs.max_scale_error * 100, 3) + " %"},
                {T("镇 / 村", "towns / villages"), num(n) + " / " + num(villages)},
                {T("路网", "road graph"), num(in.graph->report.nodes) + T(" 个节点，", " nodes, ") + num(in.graph->report.pieces) + T(" 条边，", " edges, ") +
                                        fmt(in.graph->report.total_km, 0) + " km"}});
    b += "<h3>" + T("车速", "Speeds") + " (km/h)</h3><p class=\"note\">";
    {
        std::string speeds;
        for (const auto& [cls, v] : in.graph->options.speeds_kmh)
            if (static_cast<unsigned char>(cls[0]) >= 0x80) speeds += (speeds.empty() ? "" : " · ") + html_escape(cls) + " " + fmt(v, 0);
        b += speeds + " · " + T("其他", "fallback") + " " + fmt(in.graph->options.fallback_speed_kmh, 0) + " · " + T("步行", "off-road") + " " +
             fmt(in.graph->options.offroad_speed_kmh, 0) + "</p>\n";
    }
    if (in.coverage_options) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& u : utility_names()) {
            const UtilityRule& r = in.coverage_options->utilities.at(u);
            rows.push_back({utility_label(u, in.lang), fmt(r.line_service_m, 0), fmt(r.plant_radius_m, 0)});
        }
        b += "<h3>" + T("服务距离", "Service distances") + " (m)</h3>" + html_table({T("设施", "utility"), T("管网服务距离", "line"), T("站点服务半径", "plant radius")}, rows);
        const std::string share = fmt(in.coverage_options->served_share * 100, 0);
        b += "<p class=\"note\">" + T("覆盖率达到 " + share + " % 视为已覆盖。", "A town is served when " + share + " % of its area is served.") + "</p>\n";
    }
    {
        std::vector<std::vector<std::string>> rows;
        const std::string norms[] = {T("极差标准化", "min-max"), T("Z 分数", "z-score"), T("排序", "rank")};
        for (std::size_t j = 0; j < in.scoring->indicators.size(); ++j) {
            const Indicator& ind = in.scoring->indicators[j];
            rows.push_back({html_escape(T(ind.label_zh, ind.label_en)), html_escape(ind.field), ind.higher_is_better ? T("越高越好", "higher") : T("越低越好", "lower"),
                            norms[int(ind.normalisation)], fmt(sc.weights[j], 3)});
        }
        b += "<h3>" + T("指标与权重", "Indicators and weights") + "</h3>" + html_table({T("指标", "indicator"), T("字段", "field"), T("方向", "direction"), T("标准化", "normalisation"), T("权重", "weight")}, rows);
        // Indicators that reward the same towns may count one thing twice.
        std::string pairs;
        for (const IndicatorPair& p : correlated_indicators(sc, *in.scoring, sel.eligible)) {
            const Indicator &a = in.scoring->indicators[p.a], &c = in.scoring->indicators[p.b];
            pairs += (pairs.empty() ? "" : T("；", "; ")) + html_escape(T(a.label_zh + "与" + c.label_zh, a.label_en + " / " + c.label_en)) + " r = " + fmt(p.r, 2);
        }
        b += "<p>" + T("高度相关的指标（参评镇中 |r| ≥ 0.8，可能重复计分）：", "Indicators that reward the same towns (|r| ≥ 0.8 over the eligible towns; they may count one thing twice): ") +
             (pairs.empty() ? T("无", "none") : pairs) + "</p>\n";
        if (const NearnessSummary near = nearness_summary(sc, *in.scoring, sel.tier_of); !near.counted.empty())
            b += "<p>" + T(html_escape(near.counted_zh) + "都衡量与城市的接近程度，占示范镇得分平均 " + fmt(near.mean_pct, 0) + " %、最高 " + fmt(near.max_pct, 0) +
                               " %（见下文" + label("demo_towns", "city_nearness_pct") + "列）。",
                           "Nearness to cities: " + html_escape(near.counted) + " all measure nearness to cities: " + fmt(near.mean_pct, 0) +
                               " % of the demonstration towns' score on average, up to " + fmt(near.max_pct, 0) + " % (column " +
                               label("demo_towns", "city_nearness_pct") + " below).") +
                 "</p>\n";
        if (sc.ahp)
            b += "<p>AHP: λmax " + fmt(sc.ahp->lambda_max, 3) + ", CI " + fmt(sc.ahp->consistency_index, 4) + ", RI " + fmt(sc.ahp->random_index, 2) +
                 ", <b>CR " + fmt(sc.ahp->consistency_ratio, 3) + "</b> (" + (sc.ahp->consistency_ratio <= in.scoring->max_consistency_ratio ? "≤ " : "> ") +
                 fmt(in.scoring->max_consistency_ratio, 2) + ")</p>\n";
        std::string bonus;
        for (const Bonus& bo : in.scoring->bonuses) bonus += (bonus.empty() ? "" : " · ") + html_escape(T(bo.label_zh, bo.label_en)) + " +" + fmt(bo.points, 1);
        b += "<p>" + T("加分：", "Bonuses: ") + bonus + "</p>\n";
        std::vector<std::vector<std::string>> tiers;
        for (const TierRule& r : so.tiers) {
            std::string limits;
            if (r.min_per_prefecture) limits += T("每市(州)", "per prefecture ") + "≥" + std::to_string(r.min_per_prefecture) + " ";
            if (r.max_per_prefecture >= 0) limits += T("每市(州)", "per prefecture ") + "≤" + std::to_string(r.max_per_prefecture) + " ";
            if (r.min_per_county) limits += T("每县", "per county ") + "≥" + std::to_string(r.min_per_county) + " ";
            if (r.max_per_county >= 0) limits += T("每县", "per county ") + "≤" + std::to_string(r.max_per_county) + " ";
            if (r.min_spacing_km > 0) limits += T("间距", "spacing ") + "≥" + fmt(r.min_spacing_km) + "km ";
            tiers.push_back({html_escape(T(r.name_zh, r.name_en)), (r.at_least ? "≥ " : "") + std::to_string(r.count), limits});
        }
        b += "<h3>" + T("层级与名额", "Tiers and quotas") + "</h3>" + html_table({T("层级", "tier"), T("数量", "count"), T("限制", "limits")}, tiers);
        b += "<p class=\"note\">" +
             T("求解方法：" + html_escape(sel.method == "greedy" ? "贪心法" : sel.method == "min-cost flow" ? "最小费用流" : "GLPK 整数规划") + (sel.optimal ? "（最优解）" : "（达到时间限制，未证明最优）") +
                   "；各层级依次遴选，每一层级取总得分最高、且仍能满足后续层级名额的方案。",
               "Solved by " + html_escape(sel.method) + (sel.optimal ? " (optimal)" : " (time limit: not proven optimal)") +
                   "; tiers filled in this order, each the best total score that leaves the later tiers able to meet their quotas.") +
             "</p>\n";
    }
}

// 2 Data quality: every repaired, skipped and unreachable count.
void ReportSections::data_quality() {
    b += "<h2>2 " + T("数据质量", "Data quality") + "</h2>\n";
    {
        std::vector<std::vector<std::string>> rows;
        for (const Layer& l : study.layers) {
            std::string problems;
            for (const Problem& p : l.info.problems) {
                problems += (problems.empty() ? "" : "<br>") + html_escape(T(problem_zh(p), p.message)) + T("：", ": ") + num(p.count);
                if (!p.ids.empty()) {
                    std::string ids;
                    for (const auto& id : p.ids) ids += (ids.empty() ? "" : ", ") + id;
                    problems += " (" + html_escape(ids) + (p.count > p.ids.size() ? ", …" : "") + ")";
                }
            }
            rows.push_back({html_escape(l.info.role), html_escape(l.info.layer_name), num(l.info.features_read), num(l.info.features_kept),
                            problems.empty() ? "–" : problems});
        }
        b += html_table({T("角色", "role"), T("图层", "layer"), T("读取", "read"), T("保留", "kept"), T("问题（修复、跳过）", "problems (repaired, skipped)")}, rows);
        const GraphReport& g = in.graph->report;
        b += "<p>" +
             T("路网：删除零长度线 " + num(g.zero_length_dropped) + " 条，合并重复路段 " + num(g.duplicates_dropped) + " 处（保留较快者），连接交叉点 " +
                   num(g.crossings_noded) + " 处，未知道路等级 " + num(g.unknown_classes.size()) + " 种（按默认车速）。",
               "Road graph: " + num(g.zero_length_dropped) + " zero-length lines dropped, " + num(g.duplicates_dropped) +
                   " duplicated stretches merged (the faster kept), " + num(g.crossings_noded) + " crossings joined, " + num(g.unknown_classes.size()) +
                   " unknown road classes at the fallback speed.") +
             "</p>\n";
        if (in.access) {
            const AccessResult& a = *in.access;
            const std::string towns = num(a.unreachable_towns), villages = num(a.unreachable_villages), facilities = num(a.unreachable_facilities),
                              snap = fmt(in.graph->options.max_snap_m, 0),
                              no_route = num(std::size_t(std::count_if(a.towns.begin(), a.towns.end(), [](const TownAccess& x) { return x.no_route_to_seat; }))),
                              pieces = num(a.components.size()), dead_ends = num(a.dead_ends.size()),
                              linked = num(std::size_t(std::count_if(a.dead_ends.begin(), a.dead_ends.end(), [](const DeadEnd& d) { return !std::isnan(d.link_m); })));
            b += "<p>" +
                 T("可达性：" + towns + " 个镇、" + villages + " 个村和 " + facilities + " 处设施距任何道路超过 " + snap + " 米（不可达）；" + no_route +
                       " 个镇无道路通往县城；路网分为 " + pieces + " 片；断头路 " + dead_ends + " 处（其中 " + linked + " 处建议连通至其他道路）。",
                   "Access: " + towns + " towns, " + villages + " villages and " + facilities + " facilities farther than " + snap +
                       " m from every road (unreachable); " + no_route + " towns with no road route to their county seat; " + pieces +
                       " road network pieces, " + dead_ends + " dead ends (" + linked + " with a proposed link to another road).") +
                 "</p>\n";
        }
        if (in.coverage)
            b += "<p>" +
                 T("覆盖：" + num(in.coverage->towns_without_area) + " 个镇无范围，" + num(in.coverage->extensions_too_long) + " 处延伸超过长度上限（未提出）。",
                   "Coverage: " + num(in.coverage->towns_without_area) + " towns without an area, " + num(in.coverage->extensions_too_long) +
                       " extensions longer than the limit (not proposed).") +
                 "</p>\n";
        for (std::size_t j = 0; j < in.scoring->indicators.size(); ++j)
            if (sc.missing[j]) {
                const std::string field = html_escape(in.scoring->indicators[j].field);
                b += "<p>" +
                     T("评分：" + num(sc.missing[j]) + " 个镇缺少 " + field + "（取" + (in.scoring->missing_mean ? "平均" : "最差") + "的标准化值）。",
                       "Scoring: " + num(sc.missing[j]) + " towns lack " + field + " (given the " + (in.scoring->missing_mean ? "mean" : "worst") +
                           " normalised value).") +
                     "</p>\n";
            }
        std::vector<Words> notes;
        if (in.access) notes.insert(notes.end(), in.access->notes.begin(), in.access->notes.end());
        if (in.coverage) notes.insert(notes.end(), in.coverage->notes.begin(), in.coverage->notes.end());
        if (in.land) notes.insert(notes.end(), in.land->notes.begin(), in.land->notes.end());
        for (const auto& note : notes) b += "<p class=\"note\">" + html_escape(say(in.lang, note)) + "</p>\n";
    }
}

// 3 Maps: the demonstration towns by tier, coverage gaps, isochrones of the city cores.
void ReportSections::maps() {
    b += "<h2>3 " + T("地图", "Maps") + "</h2>\n";
    if (study.province) {
        const GeosContext& geos = *study.geos;
        {
            SvgMap map(geos, study.province.get(), 760);
            draw_admin(map, study);
            for (std::size_t i = 0; i < n; ++i) map.circle(t.towns[i].x, t.towns[i].y, 0.9, "fill=\"#bbb\"");
            for (std::size_t k = so.tiers.size(); k-- > 0;)
                for (std::size_t i = 0; i < n; ++i)
                    if (sel.tier_of[i] == int(k))
                        map.circle(t.towns[i].x, t.towns[i].y, k == 0 ? 5 : 3.5, std::string("fill=\"") + kTierColour[std::min<std::size_t>(k, 3)] +
                                                                                                "\" stroke=\"#222\" stroke-width=\"0.5\"");
            // The names of the first tier, then of the second, where they fit without overlapping.
            std::size_t named = 0, left_out = 0;
            for (std::size_t k = 0; k < std::min<std::size_t>(2, so.tiers.size()); ++k)
                for (std::size_t i = 0; i < n; ++i)
                    if (sel.tier_of[i] == int(k)) ++(map.label(t.towns[i].x, t.towns[i].y, t.towns[i].name, k == 0 ? 10 : 8.5, "fill=\"#222\"") ? named : left_out);
            std::vector<std::pair<std::string, std::string>> legend;
            for (std::size_t k = 0; k < so.tiers.size(); ++k)
                legend.push_back({kTierColour[std::min<std::size_t>(k, 3)], tier_name(k) + " (" + std::to_string(sel.tiers[k].count) + ")"});
            legend.push_back({"#bbb", T("其他镇", "other towns")});
            b += "<figure>" + map.svg(legend) + "<figcaption>" +
                 T("图1 各级示范镇（标注 " + num(named) + " 个名称，" + num(left_out) + " 个因重叠未标注，见第5节名单）",
                   "Fig. 1 Demonstration towns by tier (" + num(named) + " names shown, " + num(left_out) +
                       " left out where they would overlap: see the list in section 5)") +
                 "</figcaption></figure>\n";
        }
        if (in.coverage) {
            SvgMap map(geos, study.province.get(), 760);
            draw_admin(map, study);
            draw_town_gaps(map, t, gaps_by_town(*in.coverage, n), 1.5);
            b += "<figure>" + map.svg(town_gap_legend(in.lang)) + "<figcaption>" +
                 T("图2 各镇基础设施缺口（每镇一个符号：圆面积与缺口总面积成正比，颜色为缺少的设施项数）",
                   "Fig. 2 Coverage gaps, one symbol per town (circle area grows with the town's total gap area; colour: how many utilities it lacks)") +
                 "</figcaption></figure>\n";
        }
        if (in.access && !in.access->isochrones.empty()) {
            SvgMap map(geos, study.province.get(), 760);
            draw_admin(map, study);
            std::vector<double> minutes;
            for (const Isochrone& x : in.access->isochrones) minutes.push_back(x.minutes);
            std::sort(minutes.begin(), minutes.end());
            minutes.erase(std::unique(minutes.begin(), minutes.end()), minutes.end());
            const char* shades[] = {"#006837", "#78c679", "#d9f0a3", "#ffffcc"};
            const double radius_m = 8 * map.metres_per_px();   // roads 16 px apart on the map: one area
            for (std::size_t k = minutes.size(); k-- > 0;) {
                std::vector<GEOSGeometry*> bands;   // every city core's, as one
                for (const Isochrone& x : in.access->isochrones)
                    if (x.minutes == minutes[k] && x.origin_role == "city_cores") bands.push_back(GEOSGeom_clone_r(geos.get(), x.polygon.get()));
                const GeomPtr all = geos.collect(std::move(bands), GEOS_GEOMETRYCOLLECTION);
                if (const GeomPtr area = all ? reached_area(geos, all.get(), radius_m) : GeomPtr())
                    map.geometry(area.get(), std::string("fill=\"") + shades[std::min<std::size_t>(k, 3)] +
                                                 "\" fill-opacity=\"0.8\" stroke=\"#555\" stroke-width=\"0.3\"");
            }
            std::vector<std::pair<std::string, std::string>> legend;
            for (std::size_t k = 0; k < minutes.size(); ++k) legend.push_back({shades[std::min<std::size_t>(k, 3)], "≤ " + fmt(minutes[k], 0) + T(" 分钟", " min")});
            const std::string km = fmt(2 * radius_m / 1000, 0);
            b += "<figure>" + map.svg(legend) + "<figcaption>" +
                 T("图3 城市核心区等时圈（时限内可达的道路，相距不足 " + km + " km 的合并为面）",
                   "Fig. 3 Isochrones of the city cores (the roads reached in time, drawn as one area where they are less than " + km + " km apart)") +
                 "</figcaption></figure>\n";
        }
        prefecture_maps();
    }
}

// One map per prefecture: its demonstration towns by tier, named where the names fit, over each town's gaps.
void ReportSections::prefecture_maps() {
    const GeosContext& geos = *study.geos;
    const std::vector<TownGaps> gaps = in.coverage ? gaps_by_town(*in.coverage, n) : std::vector<TownGaps>(n);
    int k = 0;
    for (const Layer* l : study.role("prefectures"))
        for (const Feature& f : l->features) {
            ++k;
            std::vector<bool> inside(n);
            for (std::size_t i = 0; i < n; ++i) inside[i] = t.towns[i].prefecture == f.id;
            SvgMap map(geos, f.geom.get(), 700);
            draw_admin(map, study, f.geom.get());
            map.geometry(f.geom.get(), "fill=\"none\" stroke=\"#222\" stroke-width=\"2\"");
            draw_town_gaps(map, t, gaps, 4.0, &inside);
            for (std::size_t tier = so.tiers.size(); tier-- > 0;)
                for (std::size_t i = 0; i < n; ++i)
                    if (inside[i] && sel.tier_of[i] == int(tier))
                        map.circle(t.towns[i].x, t.towns[i].y, tier == 0 ? 6 : 4.5,
                                   std::string("fill=\"") + kTierColour[std::min<std::size_t>(tier, 3)] + "\" stroke=\"#222\" stroke-width=\"0.6\"");
            std::size_t left_out = 0;
            for (std::size_t tier = 0; tier < so.tiers.size(); ++tier)
                for (std::size_t i = 0; i < n; ++i)
                    if (inside[i] && sel.tier_of[i] == int(tier)) left_out += !map.label(t.towns[i].x, t.towns[i].y, t.towns[i].name, 10, "fill=\"#222\"");
            std::vector<std::pair<std::string, std::string>> legend;
            for (std::size_t tier = 0; tier < so.tiers.size(); ++tier)
                legend.push_back({kTierColour[std::min<std::size_t>(tier, 3)], tier_name(tier)});
            if (in.coverage)
                for (const auto& g : town_gap_legend(in.lang)) legend.push_back(g);
            const std::string name = html_escape(l->text(f, "name")), fig = std::to_string(k);
            b += "<figure>" + map.svg(legend) + "<figcaption>" +
                 T("图3." + fig + " " + name + "：示范镇与各镇基础设施缺口" + (left_out ? "（" + num(left_out) + " 个名称因重叠未标注）" : std::string()),
                   "Fig. 3." + fig + " " + name + ": demonstration towns and each town's gaps" +
                       (left_out ? " (" + num(left_out) + " names left out where they would overlap)" : std::string())) +
                 "</figcaption></figure>\n";
        }
}

// 7 Road problems: the dead ends, county by county, with the proposed links; the pieces of the road
// network not joined to the main one.
void ReportSections::road_problems() {
    if (!in.access) return;
    const AccessResult& a = *in.access;
    b += "<h2>7 " + T("道路问题", "Road problems") + "</h2>\n";
    const std::size_t linked = std::size_t(std::count_if(a.dead_ends.begin(), a.dead_ends.end(), [](const DeadEnd& e) { return !std::isnan(e.link_m); }));
    std::size_t apart = 0;
    for (const Component& c : a.components) apart += c.rank > 1;
    b += "<p>" +
         T("断头路 " + num(a.dead_ends.size()) + " 处，其中 " + num(linked) + " 处建议打通；未接入主路网的路网片 " + num(apart) + " 个。",
           num(a.dead_ends.size()) + " dead ends, " + num(linked) + " with a proposed link; " + num(apart) + " pieces of the road network not joined to the main one.") +
         "</p>\n";
    // County by county, in admin-code order.
    std::map<std::pair<std::string, std::string>, std::vector<const DeadEnd*>> by_county;
    for (const DeadEnd& e : a.dead_ends) {
        const Settlement& s = t.towns[std::min(e.town, n - 1)];
        by_county[{s.county, s.prefecture_name + " " + s.county_name}].push_back(&e);
    }
    for (const auto& [county, ends] : by_county) {
        std::vector<std::vector<std::string>> rows;
        for (const DeadEnd* e : ends)
            rows.push_back({html_escape(t.towns[std::min(e->town, n - 1)].name), html_escape(e->road_id), fmt(e->nearest_settlement_m, 0),
                            std::isnan(e->link_m) ? "–" : fmt(e->link_m, 0) + " m → " + html_escape(e->link_road_id),
                            std::isnan(e->link_m) ? html_escape(say(in.lang, e->no_link)) : std::string()});
        b += "<h3>" + html_escape(county.second) + "</h3>\n" +
             html_table({label("road_dead_ends", "town_name"), label("road_dead_ends", "road_id"), label("road_dead_ends", "nearest_settlement_m"),
                         T("打通建议", "proposed link"), label("road_dead_ends", "no_link")},
                        rows);
    }
    std::vector<std::vector<std::string>> pieces;
    for (const Component& c : a.components) {
        if (c.rank <= 1) continue;
        std::string towns;
        for (std::size_t k = 0; k < c.towns.size() && k < 10; ++k) {
            const std::string& id = c.towns[k];
            auto it = std::find_if(t.towns.begin(), t.towns.end(), [&](const Settlement& s) { return s.id == id; });
            towns += (towns.empty() ? "" : "、") + (it == t.towns.end() ? id : it->name);
        }
        if (c.towns.size() > 10) towns += "…";
        pieces.push_back({std::to_string(c.rank), fmt(c.length_km, 1), html_escape(towns), num(c.villages)});
    }
    if (!pieces.empty())
        b += "<h3>" + T("未接入主路网的路网片", "Pieces not joined to the main network") + "</h3>\n" +
             html_table({label("road_components", "component"), label("road_components", "length_km"), label("road_components", "town_ids"),
                         label("road_components", "villages")},
                        pieces);
}

// 8 Bottom lines and room to grow: each demonstration town's room and what limits it; the extensions
// the ecological red line lengthened, shortened or blocked; the length through permanent farmland.
void ReportSections::bottom_lines() {
    if (!in.land && !(in.coverage && (!in.coverage->blocked.empty()))) return;
    b += "<h2>8 " + T("底线管控与发展空间", "Bottom lines and room to grow") + "</h2>\n";
    if (in.land) {
        const LandResult& land = *in.land;
        b += "<p>" +
             T("发展空间：城镇开发边界（无边界的镇取镇驻地周边圆）内扣除已建成区、永久基本农田和生态保护红线后的面积；"
               "周边农田、红线占比按镇驻地周边圆计。",
               "Room to grow: the urban development boundary (for a town without one, the circle around its seat) less built-up land, "
               "permanent basic farmland and the ecological red line; the farmland and red-line shares are of the circle around the seat.") +
             "</p>\n";
        std::vector<std::vector<std::string>> rows;
        for (std::size_t k = 0; k < so.tiers.size(); ++k)
            for (std::size_t i = 0; i < n; ++i) {
                if (sel.tier_of[i] != int(k)) continue;
                const TownLand& l = land.towns[i];
                // What limits it most: the larger of the two shares, when it is a fifth of the circle or more.
                const double farm = std::isnan(l.farmland_share) ? 0 : l.farmland_share, red = std::isnan(l.redline_share) ? 0 : l.redline_share;
                const std::string limit = std::max(farm, red) < 0.2 ? "–" : farm >= red ? T("永久基本农田", "farmland") : T("生态保护红线", "red line");
                rows.push_back({html_escape(tier_name(k)), html_escape(t.towns[i].county_name), html_escape(t.towns[i].name),
                                html_escape(l.zone_source == "radius" ? T("周边圆", "circle") : T("城镇开发边界", "boundary")), fmt(l.zone_km2, 2),
                                fmt(l.room_km2, 2), fmt(l.room_share * 100, 0), fmt(l.farmland_share * 100, 0), fmt(l.redline_share * 100, 0),
                                html_escape(limit)});
            }
        b += "<h3>" + T("示范镇的发展空间", "Room to grow of the demonstration towns") + "</h3>\n" +
             html_table({T("层级", "tier"), label("towns", "county_name"), label("towns", "name"), label("towns", "zone_source"),
                         label("towns", "zone_km2"), label("towns", "room_km2"), label("towns", "room_share_pct"), label("towns", "farmland_share_pct"),
                         label("towns", "redline_share_pct"), T("主要限制", "main limit")},
                        rows);
    }
    if (!in.coverage) return;
    const CoverageResult& c = *in.coverage;
    std::size_t rerouted = 0, left_out = 0, through_farmland = 0;
    double detour_km = 0, farmland_km = 0;
    for (const Extension& e : c.extensions) {
        rerouted += e.redline_detour_km > 0;
        detour_km += e.redline_detour_km;
        left_out += e.villages_in_redline.size();
        if (e.farmland_km > 0) ++through_farmland, farmland_km += e.farmland_km;
    }
    b += "<p>" +
         T("管网延伸：" + num(rerouted) + " 处为避让生态保护红线绕行（共增加 " + fmt(detour_km, 1) + " km），" + num(left_out) + " 个村的道路均穿越红线而未纳入，" +
               num(c.blocked.size()) + " 处无法避让红线（未提出，见下表）；" + num(through_farmland) + " 处涉及永久基本农田，共 " + fmt(farmland_km, 1) + " km。",
           "Extensions: " + num(rerouted) + " go round the ecological red line (" + fmt(detour_km, 1) + " km longer in all), " + num(left_out) +
               " villages are left out because every road to them runs through it, " + num(c.blocked.size()) +
               " cannot avoid it (not proposed, listed below); " + num(through_farmland) + " run through permanent basic farmland, " +
               fmt(farmland_km, 1) + " km in all.") +
         "</p>\n";
    std::vector<std::vector<std::string>> blocked;
    for (const BlockedExtension& x : c.blocked) {
        const Settlement& s = t.towns[std::min(x.town, n - 1)];
        blocked.push_back({html_escape(s.prefecture_name), html_escape(s.county_name), html_escape(s.name), html_escape(utility_label(x.utility, in.lang)),
                           fmt(x.length_km, 2), fmt(x.redline_km, 2), num(x.villages)});
    }
    if (!blocked.empty())
        b += "<h3>" + T("因生态保护红线未提出的管网延伸", "Extensions not proposed: the red line is in the way") + "</h3>\n" +
             html_table({label("towns", "prefecture_name"), label("towns", "county_name"), label("towns", "name"), T("设施", "utility"),
                         T("最短路径 (km)", "shortest way (km)"), T("其中穿越红线 (km)", "of it in the red line (km)"), T("涉及村数", "villages")},
                        blocked);
}

// 4 By prefecture: towns, picks per tier, gaps and extensions.
void ReportSections::by_prefecture() {
    b += "<h2>4 " + T("各市(州)、县汇总", "By prefecture and county") + "</h2>\n";
    {
        // One row per unit (prefecture or county) in admin-code order: towns, eligible, picks per tier, gaps, extension km.
        auto unit_table = [&](bool county) {
            std::vector<std::string> head;
            if (county) head.push_back(label("demo_towns", "prefecture_name"));
            head.push_back(county ? label("demo_towns", "county_name") : label("demo_towns", "prefecture_name"));
            head.insert(head.end(), {label("prefectures", "towns"), label("prefectures", "eligible")});
            for (const TierRule& r : so.tiers) head.push_back(label("prefectures", "n_{tier}", {r.key, r.name_zh, r.name_en}));
            if (in.coverage)
                for (const auto& u : utility_names()) head.push_back(label("prefectures", "gap_towns_{utility}", fill_of("{utility}", u)));
            if (in.coverage) head.push_back(T("管网延伸", "extensions") + " (km)");
            std::vector<std::vector<std::string>> rows;
            std::map<std::string, const Settlement*> first;   // code -> a town of it (its names); the rows in admin-code order
            for (const Settlement& s : t.towns) first.emplace(county ? s.county : s.prefecture, &s);
            for (const auto& [code, unit] :
                 summarise_units(each(t.towns, county ? &Settlement::county : &Settlement::prefecture), sel, so.tiers.size(), in.coverage)) {
                const Settlement* s = first.count(code) ? first.at(code) : nullptr;
                const std::string name = s ? (county ? s->county_name : s->prefecture_name) : std::string();
                std::vector<std::string> row;
                if (county) row.push_back(html_escape(s ? s->prefecture_name : std::string("–")));
                row.insert(row.end(), {html_escape(name.empty() ? std::string("–") : name), num(unit.towns), num(unit.eligible)});
                for (std::size_t c : unit.per_tier) row.push_back(num(c));
                if (in.coverage) {
                    double km = 0;
                    for (const auto& u : utility_names()) row.push_back(num(unit.gap_towns.at(u))), km += unit.extension_km.at(u);
                    row.push_back(fmt(km));
                }
                rows.push_back(row);
            }
            return html_table(head, rows);
        };
        b += unit_table(false);
        b += "<h3>" + T("各县(市、区)", "By county") + "</h3>\n" + unit_table(true);
        if (!sel.shortfalls.empty()) {
            std::vector<std::vector<std::string>> srows;
            for (const Shortfall& s : sel.shortfalls) {
                std::string tier = s.tier;
                for (std::size_t k = 0; k < so.tiers.size(); ++k)
                    if (so.tiers[k].key == s.tier) tier = tier_name(k);
                const std::string unit = s.unit == "total" ? T("合计", "total") : s.unit == "unit minimums" ? T("各单位下限", "unit minimums") : s.unit;
                srows.push_back({html_escape(tier), html_escape(unit), std::to_string(s.needed), std::to_string(s.available),
                                 std::to_string(s.needed - s.available), html_escape(say(in.lang, s.why))});
            }
            b += "<h3>" + T("名额缺口", "Shortfalls") + "</h3>" + html_table({T("层级", "tier"), T("单位", "unit"), T("需要", "needed"), T("可选", "available"), T("缺", "short"), T("原因", "why")}, srows);
        }
    }
}

// 5 The demonstration towns with their reasons.
// A town's utilities in a few words: those not served (partial or none), or that all are.
std::string ReportSections::utilities_short(std::size_t i) const {
    std::string out;
    for (const auto& [utility, c] : in.coverage->towns[i].utilities)
        if (is_gap(c.status))
            out += (out.empty() ? "" : "<br>") + html_escape(utility_label(utility, in.lang) + T("：", ": ") + status_text(in.lang, c.status) +
                                                             (c.status == "none" ? "" : " " + fmt(c.share_area * 100, 0) + " %"));
    return out.empty() ? T("全部覆盖", "all served") : out;
}

// A town's services in a few words: the standards it misses, or that it meets them all.
std::string ReportSections::services_short(std::size_t i) const {
    std::string out;
    const ServiceResult& r = *in.services;
    for (std::size_t k = 0; k < r.kinds.size(); ++k) {
        const ServiceStatus& st = r.towns[k][i];
        std::string miss;
        if (st.time_met == 0) miss += T("超时" + fmt(st.pop_outside, 0) + "人", fmt(st.pop_outside, 0) + " people beyond");
        if (st.places_met == 0) miss += (miss.empty() ? "" : T("；", "; ")) + T("缺" + fmt(st.places_missing, 0) + "位", fmt(st.places_missing, 0) + " places short");
        if (!miss.empty()) out += (out.empty() ? "" : "<br>") + html_escape(T(facility_kind_zh(r.kinds[k]), r.kinds[k]) + T("：", ": ") + miss);
    }
    return out.empty() ? T("全部达标", "all met") : out;
}

// 6 Public services against the standards of [services.<kind>]: all towns, the demonstration towns, villages.
void ReportSections::services() {
    if (!with_services) return;
    const ServiceResult& r = *in.services;
    b += "<h2>6 " + T("公共服务", "Public services") + "</h2>\n";
    b += "<p class=\"note\">" +
         T("标准取自配置 [services.&lt;kind&gt;]（示例数据中为示例值）。千人服务量为E2SFCA可达性指数×1000；镇的时间标准要求镇驻地及所有行政村均在时限内。",
           "Standards from the config's [services.&lt;kind&gt;] (example values in the sample); places per 1,000 are the E2SFCA index × 1,000; a town "
           "meets the time standard when its seat and every village are within it.") +
         "</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (std::size_t k = 0; k < r.kinds.size(); ++k) {
        const ServiceStandard& standard = r.standards[k];
        std::size_t time_all = 0, time_demo = 0, places_all = 0, places_demo = 0, demo = 0, villages_in_time = 0;
        double beyond = 0, beyond_demo = 0, missing = 0, missing_demo = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const ServiceStatus& st = r.towns[k][i];
            const bool d = sel.tier_of[i] >= 0;
            demo += d;
            time_all += st.time_met == 1, time_demo += d && st.time_met == 1;
            places_all += st.places_met == 1, places_demo += d && st.places_met == 1;
            if (std::isfinite(st.pop_outside)) beyond += st.pop_outside, beyond_demo += d ? st.pop_outside : 0;
            if (std::isfinite(st.places_missing)) missing += st.places_missing, missing_demo += d ? st.places_missing : 0;
        }
        for (const ServiceStatus& st : r.villages[k]) villages_in_time += st.time_met == 1;
        const bool time = !std::isnan(standard.max_min), places = !std::isnan(standard.places_per_1000);
        std::string std_text = time ? "≤ " + fmt(standard.max_min, 0) + T(" 分钟", " min") : "";
        if (places) std_text += (time ? T("，", ", ") : "") + "≥ " + fmt(standard.places_per_1000, 1) + T(" 位/千人", " per 1,000");
        auto share = [](std::size_t a, std::size_t of) { return num(a) + " / " + num(of); };
        rows.push_back({html_escape(T(facility_kind_zh(r.kinds[k]), r.kinds[k])), html_escape(std_text),
                        time ? share(time_all, n) : "", time ? share(time_demo, demo) : "", time ? share(villages_in_time, r.villages[k].size()) : "",
                        time ? fmt(beyond, 0) + " (" + fmt(beyond_demo, 0) + ")" : "", places ? share(places_all, n) : "",
                        places ? share(places_demo, demo) : "", places ? fmt(missing, 0) + " (" + fmt(missing_demo, 0) + ")" : ""});
    }
    b += html_table({T("服务", "service"), T("标准", "standard"), T("时间达标镇", "towns within time"), T("其中示范镇", "demonstration towns"), T("时间达标村", "villages within time"),
                T("超时人口（示范镇）", "people beyond (demonstration towns)"), T("千人指标达标镇", "towns meeting places"), T("其中示范镇", "demonstration towns"),
                 T("缺口床位/学位（示范镇）", "places missing (demonstration towns)")},
               rows);
}

void ReportSections::demonstration_towns() {
    b += "<h2>5 " + T("示范镇名单", "The demonstration towns") + "</h2>\n";
    for (std::size_t k = 0; k < so.tiers.size(); ++k) {
        std::vector<std::size_t> towns;
        for (std::size_t i = 0; i < n; ++i)
            if (sel.tier_of[i] == int(k)) towns.push_back(i);
        std::stable_sort(towns.begin(), towns.end(), [&](auto a, auto c) {
            // Prefectures in admin-code order, then by score.
            return t.towns[a].prefecture < t.towns[c].prefecture || (t.towns[a].prefecture == t.towns[c].prefecture && sc.score[a] > sc.score[c]);
        });
        std::vector<std::vector<std::string>> rows;
        for (std::size_t i : towns) {
            const std::string name = in.town_pages ? "<a href=\"" + town_page_file(t.towns[i].id) + "\">" + html_escape(t.towns[i].name) + "</a>"
                                                   : html_escape(t.towns[i].name);
            std::vector<std::string> row = {html_escape(t.towns[i].prefecture_name), html_escape(t.towns[i].county_name), name,
                                            html_escape(T((*in.types)[i].name_zh, (*in.types)[i].name_en)), fmt(sc.score[i]), fmt(city_nearness_pct(sc, i), 0),
                                            std::to_string(sel.eligible_rank_province[i]),
                                            html_words(in.lang, sel.reason_zh[i], sel.reason_en[i])};
            if (in.sensitivity) row.push_back(stability_text(in.lang, in.sensitivity->stability[i]) + " " + fmt(in.sensitivity->same_share[i] * 100, 0) + " %");
            if (in.coverage) row.push_back(utilities_short(i));
            if (with_services) row.push_back(services_short(i));
            rows.push_back(row);
        }
        std::vector<std::string> head;
        for (const char* field : {"prefecture_name", "county_name", "name", in.lang == Lang::en ? "town_type_en" : "town_type_zh", "score", "city_nearness_pct",
                                  "eligible_rank_province", in.lang == Lang::en ? "reason_en" : "reason_zh"})
            head.push_back(label("demo_towns", field));
        if (in.sensitivity) head.push_back(label("demo_towns", "stability"));
        if (in.coverage) head.push_back(T("基础设施缺口", "utility gaps"));
        if (with_services) head.push_back(T("公共服务", "public services"));
        b += "<h3>" + html_escape(tier_name(k)) + " (" + num(towns.size()) + ")</h3>" + html_table(head, rows, "reasons");
    }
}

// 6 Charts: scores with the cut-offs, contributions, stability.
void ReportSections::charts() {
    b += "<h2>9 " + T("图表", "Charts") + "</h2>\n";
    {
        // Score distribution of the eligible towns, 5-point bins, with the cut-offs.
        double hi = 0;
        for (std::size_t i = 0; i < n; ++i)
            if (sel.eligible[i]) hi = std::max(hi, sc.score[i]);
        const int bins = std::max(1, int(std::ceil(hi / 5)));
        std::vector<int> count(std::size_t(bins), 0);
        for (std::size_t i = 0; i < n; ++i)
            if (sel.eligible[i]) ++count[std::size_t(std::clamp(int(sc.score[i] / 5), 0, bins - 1))];
        const int top = std::max(1, *std::max_element(count.begin(), count.end()));
        const double w = 760, h = 240, left = 40, bottom = 200, bw = (w - left - 20) / bins;
        std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"" + fmt(h + 30, 0) + "\" font-family=\"sans-serif\" font-size=\"11\">";
        for (int k = 0; k < bins; ++k) {
            const double bh = double(count[std::size_t(k)]) / top * (bottom - 20);
            s += "<rect x=\"" + fmt(left + k * bw, 1) + "\" y=\"" + fmt(bottom - bh, 1) + "\" width=\"" + fmt(bw - 1, 1) + "\" height=\"" + fmt(bh, 1) +
                 "\" fill=\"#9ecae1\"/>";
            if (k % 2 == 0) s += "<text x=\"" + fmt(left + k * bw, 1) + "\" y=\"" + fmt(bottom + 14, 0) + "\">" + std::to_string(k * 5) + "</text>";
        }
        // The y axis: towns per bin, ticks at a round step (1, 2 or 5 times a power of ten), about four of them.
        int step = 1;
        for (int p10 = 1; step * 4 < top; p10 *= 10)
            for (int m : {1, 2, 5})
                if (step * 4 < top) step = m * p10;
        s += "<line x1=\"" + fmt(left - 3, 0) + "\" y1=\"20\" x2=\"" + fmt(left - 3, 0) + "\" y2=\"" + fmt(bottom, 0) + "\" stroke=\"#555\"/>";
        for (int v = 0; v <= top; v += step) {
            const double y = bottom - double(v) / top * (bottom - 20);
            s += "<line x1=\"" + fmt(left - 7, 0) + "\" y1=\"" + fmt(y, 1) + "\" x2=\"" + fmt(left - 3, 0) + "\" y2=\"" + fmt(y, 1) +
                 "\" stroke=\"#555\"/><text x=\"" + fmt(left - 9, 0) + "\" y=\"" + fmt(y + 4, 1) + "\" text-anchor=\"end\">" + std::to_string(v) + "</text>";
        }
        s += "<text x=\"" + fmt(left - 3, 0) + "\" y=\"12\" text-anchor=\"middle\">" + T("镇数", "towns") + "</text>";
        for (std::size_t k = 0; k < sel.tiers.size(); ++k) {
            if (!std::isfinite(sel.tiers[k].cut_off)) continue;
            const double x = left + sel.tiers[k].cut_off / 5 * bw;
            s += "<line x1=\"" + fmt(x, 1) + "\" y1=\"15\" x2=\"" + fmt(x, 1) + "\" y2=\"" + fmt(bottom, 0) + "\" stroke=\"" + kTierColour[std::min<std::size_t>(k, 3)] +
                 "\" stroke-width=\"2\"/><text x=\"" + fmt(x + 3, 1) + "\" y=\"" + fmt(26 + 13.0 * double(k), 0) + "\" fill=\"" + kTierColour[std::min<std::size_t>(k, 3)] +
                 "\">" + html_escape(T(sel.tiers[k].name_zh, sel.tiers[k].name_en)) + " " + fmt(sel.tiers[k].cut_off) + "</text>";
        }
        s += "<text x=\"" + fmt(w / 2, 0) + "\" y=\"" + fmt(bottom + 30, 0) + "\">" + T("得分（参评镇）", "score (eligible towns)") + "</text></svg>\n";
        b += "<figure>" + s + "<figcaption>" +
             T("图4 得分分布与各级入选线（按得分入选的最低分）", "Fig. 4 Scores of the eligible towns and each tier's cut-off (lowest score selected on merit)") +
             "</figcaption></figure>\n";
    }
    {
        std::vector<std::size_t> first;
        for (std::size_t i = 0; i < n; ++i)
            if (sel.tier_of[i] == 0) first.push_back(i);
        std::stable_sort(first.begin(), first.end(), [&](auto a, auto c) { return sc.score[a] > sc.score[c]; });
        std::vector<std::pair<std::string, std::vector<std::pair<double, std::string>>>> rows;
        double max_score = 0;
        for (std::size_t i : first) {
            std::vector<std::pair<double, std::string>> seg;
            for (std::size_t j = 0; j < in.scoring->indicators.size(); ++j) seg.push_back({sc.contribution[j][i], kIndicatorColour[j % std::size(kIndicatorColour)]});
            seg.push_back({sc.bonus[i], "#999999"});
            rows.push_back({t.towns[i].name, seg});
            max_score = std::max(max_score, sc.score[i]);
        }
        std::vector<std::pair<std::string, std::string>> legend;
        for (std::size_t j = 0; j < in.scoring->indicators.size(); ++j)
            legend.push_back({kIndicatorColour[j % std::size(kIndicatorColour)], T(in.scoring->indicators[j].label_zh, in.scoring->indicators[j].label_en)});
        legend.push_back({"#999999", T("加分", "bonus")});
        if (!rows.empty())
            b += "<figure>" + bar_chart(rows, max_score, legend) + "<figcaption>" +
                 T("图5 " + html_escape(so.tiers[0].name_zh) + "示范镇的指标贡献",
                   "Fig. 5 What each indicator contributed to the " + html_escape(so.tiers[0].name_en) + " towns' scores") +
                 "</figcaption></figure>\n";
    }
    if (in.sensitivity) {
        std::vector<std::pair<std::string, std::vector<std::pair<double, std::string>>>> rows;
        double most = 0;
        for (std::size_t k = 0; k < so.tiers.size(); ++k) {
            double stable = 0, borderline = 0, unstable = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (sel.tier_of[i] == int(k)) {
                    const std::string& s = in.sensitivity->stability[i];
                    (s == "stable" ? stable : s == "borderline" ? borderline : unstable) += 1;
                }
            rows.push_back({T(so.tiers[k].name_zh, so.tiers[k].name_en), {{stable, "#1a9641"}, {borderline, "#fdae61"}, {unstable, "#d7191c"}}});
            most = std::max(most, stable + borderline + unstable);
        }
        b += "<figure>" +
             bar_chart(rows, most, {{"#1a9641", stability_text(in.lang, "stable") + " (≥ 90 %)"}, {"#fdae61", stability_text(in.lang, "borderline") + " (≥ 50 %)"},
                                    {"#d7191c", stability_text(in.lang, "unstable")}}) +
             "<figcaption>" +
             T("图6 权重扰动下的稳定性（" + std::to_string(in.sensitivity->runs) + " 次）",
               "Fig. 6 How often each selected town keeps its tier when the weights are perturbed (" + std::to_string(in.sensitivity->runs) + " runs)") +
             "</figcaption></figure>\n";
    }
}

// 7 Scenarios: the towns whose tier changes.
void ReportSections::scenarios() {
    if (!in.scenario_names.empty()) {
        b += "<h2>10 " + T("情景比较", "Scenarios") + "</h2>\n";
        auto tier_name = [this](int k) { return k >= 0 ? T(so.tiers[std::size_t(k)].name_zh, so.tiers[std::size_t(k)].name_en) : std::string("–"); };
        std::vector<std::string> head = {label("demo_towns", "prefecture_name"), T("镇", "town"), T("基准", "base")};
        for (const auto& name : in.scenario_names) head.push_back(html_escape(say(in.lang, name)));
        std::vector<std::vector<std::string>> rows;
        std::vector<std::size_t> changes(in.scenario_names.size(), 0);
        for (std::size_t i = 0; i < n; ++i) {
            bool changed = false;
            std::vector<std::string> row = {html_escape(t.towns[i].prefecture_name), html_escape(t.towns[i].name), tier_name(sel.tier_of[i])};
            for (std::size_t s = 0; s < in.scenario_names.size(); ++s) {
                const int k = in.scenario_tiers[s][i];
                if (k != sel.tier_of[i]) changed = true, ++changes[s];
                row.push_back(k != sel.tier_of[i] ? "<b>" + tier_name(k) + "</b>" : tier_name(k));
            }
            if (changed) rows.push_back(row);
        }
        std::string counts;
        for (std::size_t s = 0; s < changes.size(); ++s)
            counts += (counts.empty() ? "" : " · ") + html_escape(say(in.lang, in.scenario_names[s])) + T("：", ": ") + num(changes[s]) + T(" 个镇层级变化", " towns change tier");
        b += "<p>" + counts + "</p>\n" + html_table(head, rows);
    }
}

}  // namespace

std::string html_report(const ReportInput& in) {
    ReportSections r{in};
    r.b += "<h1>" + (in.lang == Lang::both ? std::string("示范镇遴选与基础设施短板报告<br>Demonstration towns and infrastructure gaps")
                                          : r.T("示范镇遴选与基础设施短板报告", "Demonstration towns and infrastructure gaps")) + "</h1>\n";
    r.b += "<p>" + html_escape(r.study.config.name) + " · townsite " + html_escape(in.version) + "</p>\n";
    r.study_and_parameters();
    r.data_quality();
    r.maps();
    r.by_prefecture();
    r.demonstration_towns();
    r.services();
    r.road_problems();
    r.bottom_lines();
    r.charts();
    r.scenarios();
    return html_page(r.T("示范镇遴选报告：", "townsite report: ") + r.study.config.name, r.b, in.lang);
}

}  // namespace townsite
