#include "analysis/review.h"

#include "analysis/columns.h"
#include "analysis/coverage.h"
#include "analysis/report.h"
#include "geo/crs.h"
#include "geo/text.h"

#include <geos_c.h>

#include <algorithm>
#include <cstdlib>
#include <tuple>

namespace townsite {

namespace {

// A union of pieces (lines), or null when there are none.
GeomPtr union_of(std::vector<GeomPtr>& pieces, const GeosContext& geos) {
    if (pieces.empty()) return nullptr;
    std::vector<GEOSGeometry*> raw;
    for (GeomPtr& p : pieces) raw.push_back(p.release());
    GeomPtr all = geos.own(GEOSGeom_createCollection_r(geos.get(), GEOS_GEOMETRYCOLLECTION, raw.data(), unsigned(raw.size())));
    return geos.own(GEOSUnaryUnion_r(geos.get(), all.get()));
}

// The lines of one utility in one year, indexed by their envelopes.
class LineIndex {
public:
    LineIndex(const std::vector<GeomPtr>& lines, const GeosContext& geos) : m_lines(lines), m_geos(geos) {
        m_tree = GEOSSTRtree_create_r(geos.get(), 10);
        for (std::size_t i = 0; i < lines.size(); ++i)
            GEOSSTRtree_insert_r(geos.get(), m_tree, lines[i].get(), reinterpret_cast<void*>(i));   // NOLINT: index as payload
    }
    ~LineIndex() { GEOSSTRtree_destroy_r(m_geos.get(), m_tree); }
    LineIndex(const LineIndex&) = delete;
    LineIndex& operator=(const LineIndex&) = delete;

    // The union of the lines' pieces inside `area` (null when none).
    GeomPtr inside(const GEOSGeometry* area) const {
        std::vector<std::size_t> hits;
        GEOSSTRtree_query_r(m_geos.get(), m_tree, area,
                            [](void* item, void* out) { static_cast<std::vector<std::size_t>*>(out)->push_back(reinterpret_cast<std::size_t>(item)); },
                            &hits);
        std::sort(hits.begin(), hits.end());   // the same union whatever order the tree returns them in
        std::vector<GeomPtr> pieces;
        for (std::size_t i : hits) {
            GeomPtr piece = m_geos.own(GEOSIntersection_r(m_geos.get(), area, m_lines[i].get()));
            if (piece && !GEOSisEmpty_r(m_geos.get(), piece.get())) pieces.push_back(std::move(piece));
        }
        return union_of(pieces, m_geos);
    }

private:
    const std::vector<GeomPtr>& m_lines;
    const GeosContext& m_geos;
    GEOSSTRtree* m_tree = nullptr;
};

}  // namespace

std::vector<Corridor> extension_corridors(const std::vector<ExtensionLine>& extensions, double width_m, const Measure& measure,
                                          const GeosContext& geos) {
    std::vector<Corridor> out;
    for (const ExtensionLine& e : extensions) {
        if (!e.line || GEOSisEmpty_r(geos.get(), e.line.get())) continue;
        GeomPtr c = geos.own(GEOSGetCentroid_r(geos.get(), e.line.get()));
        double x = 0, y = 0;
        GEOSGeomGetX_r(geos.get(), c.get(), &x);
        GEOSGeomGetY_r(geos.get(), c.get(), &y);
        Corridor k;
        k.town_id = e.town_id, k.utility = e.utility, k.proposed_km = e.length_km;
        k.units_per_m = measure.scale(x, y);
        k.area = geos.own(GEOSBuffer_r(geos.get(), e.line.get(), width_m * k.units_per_m, 8));
        out.push_back(std::move(k));
    }
    return out;
}

void built_in_corridors(std::vector<Corridor>& corridors, const YearNetworks& base, const std::vector<YearNetworks>& years,
                        const Measure& measure, const GeosContext& geos) {
    static const std::vector<GeomPtr> kNone;
    auto lines = [](const YearNetworks& n, const std::string& u) -> const std::vector<GeomPtr>& {
        auto it = n.find(u);
        return it == n.end() ? kNone : it->second;
    };
    std::map<std::string, std::unique_ptr<LineIndex>> base_index;
    std::vector<std::map<std::string, std::unique_ptr<LineIndex>>> year_index(years.size());
    for (Corridor& c : corridors) {
        if (!base_index.count(c.utility)) base_index[c.utility] = std::make_unique<LineIndex>(lines(base, c.utility), geos);
        // What was there in the base year, widened a little: a main drawn again is not a new one.
        GeomPtr before = base_index[c.utility]->inside(c.area.get());
        GeomPtr before_zone;
        if (before) before_zone = geos.own(GEOSBuffer_r(geos.get(), before.get(), kSameLine_m * c.units_per_m, 4));
        c.built_km.assign(years.size(), 0.0);
        c.built.clear();
        for (std::size_t y = 0; y < years.size(); ++y) {
            auto& index = year_index[y][c.utility];
            if (!index) index = std::make_unique<LineIndex>(lines(years[y], c.utility), geos);
            GeomPtr now = index->inside(c.area.get());
            if (now && before_zone) now = geos.own(GEOSDifference_r(geos.get(), now.get(), before_zone.get()));
            if (now && GEOSisEmpty_r(geos.get(), now.get())) now.reset();
            c.built_km[y] = now ? measure.length_m(now.get()) / 1000.0 : 0.0;
            c.built.push_back(std::move(now));
        }
    }
}

double work_share_done(const ReviewWork& w, const ReviewTownState& now, const ReviewRun& year,
                       const std::map<std::pair<std::string, std::string>, double>& built_km) {
    if (w.kind == "network_extension") {
        auto it = built_km.find({w.town_id, w.what});
        const double built = it == built_km.end() ? 0.0 : it->second;
        return w.quantity > 0 ? std::clamp(built / w.quantity, 0.0, 1.0) : 0.0;
    }
    if (w.kind == "dead_end_link") return year.dead_end_roads.count(w.what) ? 0.0 : 1.0;
    if (w.kind == "service_places") {
        if (w.quantity <= 0) return 0.0;
        auto it = now.places_missing.find(w.what);
        if (it == now.places_missing.end()) return 0.0;
        const double missing = std::isfinite(it->second) ? it->second : 0.0;   // empty: no longer missing
        return std::clamp((w.quantity - missing) / w.quantity, 0.0, 1.0);
    }
    return 0.0;
}

void ReviewTotal::add(const ReviewTown& t) {
    ++towns;
    gaps_base += t.gaps_base, gaps_now += t.gaps_now, gaps_closed += t.gaps_closed, gaps_opened += t.gaps_opened;
    extension_km += t.extension_km, built_km += t.built_km;
    newly_met += t.newly_met, works += t.works, works_done += t.works_done;
    works_share_sum += t.works_share_sum;
}

Review review(const ReviewRun& base, const std::vector<ReviewRun>& years, const std::vector<std::pair<std::string, std::string>>& tier_order,
              const std::vector<ReviewWork>& works, const std::vector<Corridor>& corridors, double corridor_m) {
    Review r;
    r.base_label = base.label;
    r.tiers = tier_order;
    r.corridor_m = corridor_m;
    for (const ReviewRun& y : years) r.years.push_back(y.label);
    std::map<std::string, std::size_t> tier_rank;
    for (std::size_t i = 0; i < tier_order.size(); ++i) tier_rank[tier_order[i].first] = i;

    // The designated towns, in tier, prefecture, county and id order.
    std::vector<const ReviewTownState*> designated;
    for (const auto& [id, t] : base.towns)
        if (!t.tier.empty()) designated.push_back(&t);
    auto rank = [&](const std::string& tier) { return tier_rank.count(tier) ? tier_rank.at(tier) : tier_order.size(); };
    std::sort(designated.begin(), designated.end(), [&](const ReviewTownState* a, const ReviewTownState* b) {
        return std::forward_as_tuple(rank(a->tier), a->prefecture, a->county, a->id) < std::forward_as_tuple(rank(b->tier), b->prefecture, b->county, b->id);
    });
    std::map<std::string, std::vector<const ReviewWork*>> works_of;
    for (const ReviewWork& w : works) works_of[w.town_id].push_back(&w);
    std::map<std::string, std::vector<const Corridor*>> corridors_of;
    for (const Corridor& c : corridors) corridors_of[c.town_id].push_back(&c);

    for (std::size_t y = 0; y < years.size(); ++y) {
        std::map<std::pair<std::string, std::string>, double> built;   // (town, utility) -> km, at most the km proposed
        for (const Corridor& c : corridors) built[{c.town_id, c.utility}] += std::min(c.built_km.at(y), c.proposed_km);
        ReviewTotal province{"province", "", "全省", years[y].label};
        std::map<std::string, ReviewTotal> by_tier;
        std::map<std::pair<std::string, std::string>, ReviewTotal> by_prefecture, by_county;   // by code, in admin-code order
        for (const ReviewTownState* b : designated) {
            ReviewTown t;
            t.base = b;
            t.year = years[y].label;
            auto found = years[y].towns.find(b->id);
            const ReviewTownState* now = found == years[y].towns.end() ? nullptr : &found->second;
            t.in_run = now != nullptr;
            for (const std::string& u : utility_names()) {
                if (!b->status.count(u)) continue;
                const std::string& s = b->status.at(u);
                const std::string s_now = now && now->status.count(u) ? now->status.at(u) : std::string();
                t.status[u] = s_now;
                const bool before = is_gap(s), after = is_gap(s_now);
                t.gaps_base += before;
                t.gaps_now += after;
                if (before && s_now == "served") ++t.gaps_closed, t.closed += (t.closed.empty() ? "" : ", ") + u;
                if (s == "served" && after) ++t.gaps_opened, t.opened += (t.opened.empty() ? "" : ", ") + u;
            }
            for (const auto& [standard, met] : b->standards) {
                const bool met_now = now && now->standards.count(standard) && now->standards.at(standard);
                t.standards_base += met;
                t.standards_now += met_now;
                if (!met && met_now) ++t.newly_met, t.newly_met_list += (t.newly_met_list.empty() ? "" : ", ") + standard;
            }
            for (const Corridor* c : corridors_of[b->id]) t.extension_km += c->proposed_km, t.built_km += std::min(c->built_km.at(y), c->proposed_km);
            for (const ReviewWork* w : works_of[b->id]) {
                // A town missing from the year's run (a data problem the review table shows): nothing counts as done.
                const double share = now ? work_share_done(*w, *now, years[y], built) : 0.0;
                ++t.works;
                t.works_share_sum += share;
                t.works_done += share >= kDoneShare;
            }
            province.add(t);
            ReviewTotal& tier = by_tier[b->tier];
            if (tier.level.empty()) tier = {"tier", b->tier, b->tier_zh, years[y].label};
            tier.add(t);
            ReviewTotal& pref = by_prefecture[{b->prefecture, b->prefecture_name}];
            if (pref.level.empty()) pref = {"prefecture", b->prefecture, b->prefecture_name, years[y].label};
            pref.add(t);
            ReviewTotal& county = by_county[{b->county, b->county_name}];
            if (county.level.empty()) county = {"county", b->county, b->county_name, years[y].label};
            county.add(t);
            r.towns.push_back(std::move(t));
        }
        r.totals.push_back(province);
        for (const auto& [key, name] : tier_order)
            if (by_tier.count(key)) r.totals.push_back(by_tier.at(key));
        for (const auto& [k, v] : by_prefecture) r.totals.push_back(v);
        for (const auto& [k, v] : by_county) r.totals.push_back(v);
    }
    return r;
}

namespace {

std::string pct(double v) { return std::isfinite(v) ? fmt(v, 1) + " %" : "–"; }

// One line chart per tier: works done, extension built and gaps closed (% of the base's gaps) in the
// base year (0) and each later year.
std::string tier_chart(const Review& r, const std::string& tier, Lang lang) {
    const double w = 600, h = 190, left = 44, right = 220, top = 14, bottom = 30;
    const double pw = w - left - right, ph = h - top - bottom;
    std::vector<std::string> labels = {r.base_label};
    labels.insert(labels.end(), r.years.begin(), r.years.end());
    struct Series {
        std::string name;
        const char* colour;
        std::vector<double> values;
    };
    std::vector<Series> series = {{say(lang, "项目完成", "works done"), "#1a9641", {0}},
                                  {say(lang, "延伸建成", "extension built"), "#2c7bb6", {0}},
                                  {say(lang, "缺口消除", "gaps closed"), "#d7191c", {0}}};
    for (const ReviewTotal& t : r.totals)
        if (t.level == "tier" && t.code == tier) {
            series[0].values.push_back(std::isfinite(t.works_done_pct()) ? t.works_done_pct() : 0);
            series[1].values.push_back(std::isfinite(t.built_pct()) ? t.built_pct() : 0);
            series[2].values.push_back(t.gaps_base > 0 ? 100.0 * t.gaps_closed / t.gaps_base : 0);
        }
    const std::size_t n = labels.size();
    // Years are placed by their value (2022, 2024, 2025 are not evenly spaced); other labels evenly.
    std::vector<double> at(n);
    bool years = true;
    for (std::size_t i = 0; i < n; ++i) {
        char* end = nullptr;
        at[i] = std::strtod(labels[i].c_str(), &end);
        years = years && end && *end == '\0' && !labels[i].empty() && (i == 0 || at[i] > at[i - 1]);
    }
    if (!years)
        for (std::size_t i = 0; i < n; ++i) at[i] = double(i);
    auto px = [&](std::size_t i) { return left + (n > 1 ? pw * (at[i] - at[0]) / (at[n - 1] - at[0]) : pw / 2); };
    auto py = [&](double v) { return top + ph * (1 - std::clamp(v, 0.0, 100.0) / 100.0); };
    std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt(w, 0) + "\" height=\"" + fmt(h, 0) + "\" viewBox=\"0 0 " + fmt(w, 0) + " " +
                    fmt(h, 0) + "\" font-size=\"11\" font-family=\"'Noto Sans CJK SC',sans-serif\">";
    for (int v = 0; v <= 100; v += 25)
        s += "<line x1=\"" + fmt(left, 0) + "\" x2=\"" + fmt(left + pw, 0) + "\" y1=\"" + fmt(py(v), 1) + "\" y2=\"" + fmt(py(v), 1) +
             "\" stroke=\"#ddd\"/><text x=\"" + fmt(left - 4, 0) + "\" y=\"" + fmt(py(v) + 4, 1) + "\" text-anchor=\"end\">" + std::to_string(v) + "%</text>";
    for (std::size_t i = 0; i < n; ++i)
        s += "<text x=\"" + fmt(px(i), 1) + "\" y=\"" + fmt(h - 10, 0) + "\" text-anchor=\"middle\">" + html_escape(labels[i]) + "</text>";
    for (std::size_t k = 0; k < series.size(); ++k) {
        std::string pts;
        for (std::size_t i = 0; i < series[k].values.size(); ++i) pts += fmt(px(i), 1) + "," + fmt(py(series[k].values[i]), 1) + " ";
        s += "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + std::string(series[k].colour) + "\" points=\"" + pts + "\"/>";
        for (std::size_t i = 0; i < series[k].values.size(); ++i)
            s += "<circle r=\"3\" fill=\"" + std::string(series[k].colour) + "\" cx=\"" + fmt(px(i), 1) + "\" cy=\"" + fmt(py(series[k].values[i]), 1) + "\"/>";
        const double ly = top + 12 + 16.0 * double(k);
        s += "<line x1=\"" + fmt(left + pw + 10, 0) + "\" x2=\"" + fmt(left + pw + 24, 0) + "\" y1=\"" + fmt(ly - 4, 0) + "\" y2=\"" + fmt(ly - 4, 0) +
             "\" stroke-width=\"2\" stroke=\"" + series[k].colour + "\"/><text x=\"" + fmt(left + pw + 28, 0) + "\" y=\"" + fmt(ly, 0) + "\">" +
             html_escape(series[k].name) + "</text>";
    }
    return s + "</svg>";
}

std::vector<std::string> total_row(const ReviewTotal& t, bool with_year, Lang lang) {
    std::vector<std::string> row;
    if (with_year) row.push_back(html_escape(t.year));
    else row.push_back(html_escape(t.level == "province" ? say(lang, "全省", "province") : t.name));
    row.insert(row.end(), {std::to_string(t.towns), std::to_string(t.gaps_base) + " → " + std::to_string(t.gaps_now), std::to_string(t.gaps_closed),
                           std::to_string(t.gaps_opened), fmt(t.built_km, 1) + " / " + fmt(t.extension_km, 1), pct(t.built_pct()),
                           std::to_string(t.newly_met), std::to_string(t.works_done) + " / " + std::to_string(t.works), pct(t.works_done_pct())});
    return row;
}

std::vector<std::string> total_head(const std::string& first, Lang lang) {
    return {first,
            say(lang, "示范镇", "towns"),
            say(lang, "缺口：基准 → 当年", "gaps: base → now"),
            say(lang, "消除", "closed"),
            say(lang, "新增", "opened"),
            say(lang, "延伸建成 / 建议", "built / proposed") + " (km)",
            say(lang, "延伸完成", "built"),
            say(lang, "新达标", "standards newly met"),
            say(lang, "完成项目", "works done"),
            say(lang, "项目完成度", "works done (mean share)")};
}

// "water, gas" in `lang`: 供水、燃气.
std::string utilities_text(Lang lang, const std::string& list) {
    std::string out;
    for (std::size_t at = 0; at < list.size();) {
        const std::size_t end = std::min(list.find(", ", at), list.size());
        out += (out.empty() ? "" : say(lang, "、", ", ")) + utility_label(list.substr(at, end - at), lang);
        at = end + 2;
    }
    return out;
}

// "elderly_care_places, childcare_time" in `lang`: 养老机构千人指标、托育时间.
std::string standards_text(Lang lang, const std::string& list) {
    std::string out;
    for (std::size_t at = 0; at < list.size();) {
        const std::size_t end = std::min(list.find(", ", at), list.size());
        const std::string standard = list.substr(at, end - at);
        const std::size_t cut = standard.rfind('_');
        const std::string kind = standard.substr(0, cut), what = cut == std::string::npos ? "" : standard.substr(cut + 1);
        out += (out.empty() ? "" : say(lang, "、", ", ")) +
               say(lang, facility_kind_zh(kind) + (what == "time" ? "时间" : what == "places" ? "千人指标" : what), standard);
        at = end + 2;
    }
    return out;
}

}  // namespace

std::string html_review(const Review& r, Lang lang) {
    const Say T{lang};
    const std::string last = r.years.empty() ? r.base_label : r.years.back();
    std::string b = "<h1>" + T("示范镇年度评估", "Yearly review of the demonstration towns") + "</h1>\n";
    std::string years;
    for (const auto& y : r.years) years += (years.empty() ? "" : T("、", ", ")) + html_escape(y);
    int designated = 0;
    for (const ReviewTown& t : r.towns) designated += t.year == last;
    const std::string base = html_escape(r.base_label), corridor = fmt(r.corridor_m, 0), done = fmt(kDoneShare * 100, 0);
    b += "<p>" +
         T("基准：" + base + "（认定 " + std::to_string(designated) + " 个示范镇，名单固定）· 评估年份：" + years,
           "Base: " + base + " (" + std::to_string(designated) + " demonstration towns; the designated list is held fixed) · years reviewed: " + years) +
         "</p>\n<p class=\"note\">" +
         T("缺口：设施状态为部分覆盖或未覆盖。延伸建成：基准年建议的管网延伸线路两侧 " + corridor +
               " 米走廊内新增的管网长度（每条延伸至多计其建议长度）。项目完成度：基准年项目清单中各项目完成比例的平均（管网延伸按建成长度，断头路按是否已消除，服务设施按缺口减少的床位/学位），完成 ≥ " +
               done + " % 计为完成。",
           "A gap: a utility partial or none. Extension built: network added within " + corridor +
               " m of each extension the base run proposed, at most its proposed length. Works done: the mean share done of the base run's works "
               "(extensions by the length built, dead ends by whether they are gone, service places by the places no longer missing); a work counts as done from " +
               done + " % on.") +
         "</p>\n";

    b += "<h2>1 " + T("各层级", "By tier") + "</h2>\n";
    for (const auto& [key, name] : r.tiers) {
        std::vector<std::vector<std::string>> rows;
        for (const ReviewTotal& t : r.totals)
            if (t.level == "tier" && t.code == key) rows.push_back(total_row(t, true, lang));
        if (rows.empty()) continue;
        b += "<h3>" + html_escape(T(name, key)) + "</h3>\n<figure>" + tier_chart(r, key, lang) + "<figcaption>" +
             T(html_escape(name) + "示范镇：项目完成度、延伸建成比例与缺口消除比例（" + base + " = 0）",
               html_escape(key) + " tier: works done, extension built and gaps closed, by year (" + base + " = 0)") +
             "</figcaption></figure>\n";
        b += html_table(total_head(T("年份", "year"), lang), rows);
    }
    std::vector<std::vector<std::string>> prov;
    for (const ReviewTotal& t : r.totals)
        if (t.level == "province") prov.push_back(total_row(t, true, lang));
    b += "<h3>" + T("全部示范镇", "All demonstration towns") + "</h3>\n" + html_table(total_head(T("年份", "year"), lang), prov);

    for (const std::string level : {"prefecture", "county"}) {
        std::vector<std::vector<std::string>> rows;
        for (const ReviewTotal& t : r.totals)
            if (t.level == level && t.year == last) rows.push_back(total_row(t, false, lang));
        const std::string title = level == "county" ? "3 " + T("各县(市、区)", "By county") : "2 " + T("各市(州)", "By prefecture");
        b += "<h2>" + title + T("（", " (") + html_escape(last) + T("）", ")") + "</h2>\n" +
             html_table(total_head(level == "county" ? T("县(市、区)", "county") : T("市(州)", "prefecture"), lang), rows);
    }

    std::vector<std::vector<std::string>> rows;
    for (const ReviewTown& t : r.towns) {
        if (t.year != last) continue;
        const ReviewTownState& s = *t.base;
        rows.push_back({html_escape(T(s.tier_zh, s.tier)), html_escape(s.prefecture_name), html_escape(s.county_name),
                        html_escape(s.name) + (t.in_run ? "" : T("（当年数据中无此镇）", " (not in this year's run)")), html_escape(utilities_text(lang, t.closed)),
                        html_escape(utilities_text(lang, t.opened)), fmt(t.built_km, 1) + " / " + fmt(t.extension_km, 1),
                        html_escape(standards_text(lang, t.newly_met_list)), std::to_string(t.works_done) + " / " + std::to_string(t.works),
                        pct(t.works_done_pct())});
    }
    b += "<h2>4 " + T("示范镇", "The demonstration towns") + T("（", " (") + html_escape(last) + T("）", ")") + "</h2>\n" +
         html_table({T("层级", "tier"), T("市(州)", "prefecture"), T("县", "county"), T("镇", "town"), T("消除缺口", "gaps closed"), T("新增缺口", "gaps opened"),
                     T("延伸建成 / 建议", "built / proposed") + " (km)", T("新达标", "standards newly met"), T("完成项目", "works done"), T("项目完成度", "works done")},
                    rows);
    return html_page("townsite: " + T("示范镇年度评估 ", "yearly review ") + r.base_label + " → " + last, b, lang);
}

}  // namespace townsite
