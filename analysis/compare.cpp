#include "analysis/compare.h"

#include "analysis/columns.h"
#include "geo/text.h"

#include "analysis/report.h"

#include <algorithm>
#include <cstdio>

namespace townsite {

namespace {


UtilityChange change_of(const std::string& old_status, const std::string& new_status, double old_gap, double new_gap) {
    UtilityChange u{old_status, new_status, old_gap, new_gap, "same"};
    const double a = std::isfinite(old_gap) ? old_gap : 0, b = std::isfinite(new_gap) ? new_gap : 0;
    if (old_status.empty() || new_status.empty() || old_status == "no data" || new_status == "no data") u.change = "no data";
    else if (is_gap(old_status) && !is_gap(new_status)) u.change = "closed";
    else if (!is_gap(old_status) && is_gap(new_status)) u.change = "opened";
    else if (is_gap(old_status) && b < a - 1e-6) u.change = "smaller";
    else if (is_gap(old_status) && b > a + 1e-6) u.change = "larger";
    return u;
}

// The towns as dots on a lon/lat map (equirectangular at the mean latitude: shapes are right within
// a province): green where gaps closed, red where they opened, grey otherwise.
std::string change_map(const Comparison& c) {
    double lon0 = INFINITY, lon1 = -INFINITY, lat0 = INFINITY, lat1 = -INFINITY;
    for (const auto& t : c.towns)
        if (std::isfinite(t.lon)) lon0 = std::min(lon0, t.lon), lon1 = std::max(lon1, t.lon), lat0 = std::min(lat0, t.lat), lat1 = std::max(lat1, t.lat);
    if (!(lon1 > lon0) || !(lat1 > lat0)) return "";
    const double k = std::cos((lat0 + lat1) / 2 * M_PI / 180), width = 740;
    const double scale = width / ((lon1 - lon0) * k), height = (lat1 - lat0) * scale;
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt(width + 20, 0) + "\" height=\"" + fmt(height + 20, 0) + "\">\n";
    for (int pass = 0; pass < 2; ++pass)   // changed towns drawn over the others
        for (const auto& t : c.towns) {
            if (!std::isfinite(t.lon) || (pass == 1) != (t.gaps_closed + t.gaps_opened > 0)) continue;
            const char* colour = t.gaps_opened > 0 ? "#d7191c" : t.gaps_closed > 0 ? "#1a9641" : "#c8c8c8";
            svg += "<circle cx=\"" + fmt(10 + (t.lon - lon0) * k * scale, 1) + "\" cy=\"" + fmt(10 + (lat1 - t.lat) * scale, 1) + "\" r=\"" +
                   (pass ? fmt(2 + t.gaps_closed + t.gaps_opened, 0) : std::string("1.5")) + "\" fill=\"" + colour + "\" fill-opacity=\"0.8\"/>\n";
        }
    return svg + "</svg>\n";
}

}  // namespace

Comparison compare_runs(const std::vector<TownSnapshot>& old_run, const std::vector<TownSnapshot>& new_run, const std::vector<std::string>& utilities) {
    Comparison c;
    std::map<std::string, const TownSnapshot*> old_by_id;
    for (const auto& t : old_run) old_by_id[t.id] = &t;
    std::map<std::string, UtilityChangeSummary> sums;
    for (const auto& u : utilities) sums[u].utility = u;
    auto add = [&](const TownSnapshot* o, const TownSnapshot* n) {
        const TownSnapshot& any = n ? *n : *o;
        TownChange tc;
        tc.id = any.id, tc.name = any.name, tc.prefecture = any.prefecture, tc.prefecture_code = any.prefecture_code, tc.lon = any.lon, tc.lat = any.lat;
        tc.in_old = o != nullptr, tc.in_new = n != nullptr;
        for (const auto& u : utilities) {
            auto get_status = [&u](const TownSnapshot* s) { return s && s->status.count(u) ? s->status.at(u) : std::string(); };
            auto get_gap = [&u](const TownSnapshot* s) { return s && s->gap_km2.count(u) ? s->gap_km2.at(u) : NAN; };
            const UtilityChange ch = change_of(get_status(o), get_status(n), get_gap(o), get_gap(n));
            tc.utilities[u] = ch;
            UtilityChangeSummary& s = sums[u];
            const double a = std::isfinite(ch.old_gap_km2) ? ch.old_gap_km2 : 0, b = std::isfinite(ch.new_gap_km2) ? ch.new_gap_km2 : 0;
            if (ch.change == "closed") ++s.closed, ++tc.gaps_closed, s.closed_km2 += a;
            if (ch.change == "opened") ++s.opened, ++tc.gaps_opened, s.opened_km2 += b;
            if (ch.change == "smaller") ++s.smaller, s.closed_km2 += a - b;
            if (ch.change == "larger") ++s.larger, s.opened_km2 += b - a;
            if (ch.change != "same" && ch.change != "no data") tc.changed = true;
        }
        tc.old_county_seat_min = o ? o->county_seat_min : NAN;
        tc.new_county_seat_min = n ? n->county_seat_min : NAN;
        tc.old_tier = o ? o->tier : "";
        tc.new_tier = n ? n->tier : "";
        if (o && n && tc.old_tier != tc.new_tier) tc.changed = true, ++c.tier_changes;
        const bool both = std::isfinite(tc.old_county_seat_min) && std::isfinite(tc.new_county_seat_min);
        if (o && n && ((both && std::abs(tc.old_county_seat_min - tc.new_county_seat_min) > 0.05) ||
                       std::isfinite(tc.old_county_seat_min) != std::isfinite(tc.new_county_seat_min)))
            tc.changed = true, ++c.travel_changes;
        if (!o || !n) tc.changed = true, ++(o ? c.only_old : c.only_new);
        c.towns.push_back(tc);
    };
    std::map<std::string, bool> seen;
    for (const auto& n : new_run) {
        auto it = old_by_id.find(n.id);
        add(it == old_by_id.end() ? nullptr : it->second, &n);
        seen[n.id] = true;
    }
    for (const auto& o : old_run)
        if (!seen.count(o.id)) add(&o, nullptr);
    for (const auto& u : utilities) c.utilities.push_back(sums[u]);
    return c;
}

std::string html_comparison(const Comparison& c, const std::string& old_label, const std::string& new_label, Lang lang) {
    const Say T{lang};
    // A header cell for a field of the town_changes layer: its registered label.
    auto th = [lang](std::string_view field) { return "<th>" + html_escape(column("town_changes", field).label(lang)) + "</th>"; };
    auto change = [&](const std::string& ch) {
        if (ch == "closed") return T("消除", "closed");
        if (ch == "opened") return T("新增", "opened");
        if (ch == "smaller") return T("缩小", "smaller");
        if (ch == "larger") return T("扩大", "larger");
        return ch;
    };
    std::string b = "<h1>" + T("年度对比", "Year-on-year comparison") + "</h1>\n<p>" + html_escape(old_label) + " → " + html_escape(new_label) + "</p>\n";
    b += "<h2>1 " + T("各设施缺口变化", "Gaps by utility") + "</h2>\n<table><thead><tr><th>" + T("设施", "utility") + "</th><th>" + T("消除", "closed") +
         "</th><th>" + T("新增", "opened") + "</th><th>" + T("缩小", "smaller") + "</th><th>" + T("扩大", "larger") + "</th><th>" + T("减少面积", "closed") +
         " (km²)</th><th>" + T("新增面积", "opened") + " (km²)</th></tr></thead><tbody>";
    for (const auto& s : c.utilities)
        b += "<tr><td>" + html_escape(utility_label(s.utility, lang)) + "</td><td>" + std::to_string(s.closed) + "</td><td>" + std::to_string(s.opened) +
             "</td><td>" + std::to_string(s.smaller) + "</td><td>" + std::to_string(s.larger) + "</td><td>" + fmt(s.closed_km2, 2) + "</td><td>" +
             fmt(s.opened_km2, 2) + "</td></tr>";
    const std::string tiers = std::to_string(c.tier_changes), travel = std::to_string(c.travel_changes), only_old = std::to_string(c.only_old),
                      only_new = std::to_string(c.only_new);
    b += "</tbody></table>\n<p>" +
         T("层级变化 " + tiers + " · 至县城时间变化 " + travel + " · 仅在旧数据 " + only_old + " · 仅在新数据 " + only_new,
           "Tier changes: " + tiers + " · changed drive to the county seat: " + travel + " · only in the old run: " + only_old + " · only in the new run: " + only_new) +
         "</p>\n";
    b += "<figure>" + change_map(c) + "<figcaption>" +
         T("图1 缺口消除（绿）与新增（红）的镇；灰色：无变化", "Fig. 1 Towns where gaps closed (green) or opened (red); grey: no change") + "</figcaption></figure>\n";
    std::map<std::pair<std::string, std::string>, std::pair<int, int>> by_prefecture;   // (code, name) in admin-code order -> closed, opened
    for (const auto& t : c.towns) {
        by_prefecture[{t.prefecture_code, t.prefecture}].first += t.gaps_closed;
        by_prefecture[{t.prefecture_code, t.prefecture}].second += t.gaps_opened;
    }
    b += "<h2>2 " + T("各市(州)", "By prefecture") + "</h2>\n<table><thead><tr>" + th("prefecture_name") + th("gaps_closed") + th("gaps_opened") +
         "</tr></thead><tbody>";
    for (const auto& [p, co] : by_prefecture)
        b += "<tr><td>" + html_escape(p.second) + "</td><td>" + std::to_string(co.first) + "</td><td>" + std::to_string(co.second) + "</td></tr>";
    b += "</tbody></table>\n<h2>3 " + T("有变化的镇", "Towns that changed") + "</h2>\n<table><thead><tr>" + th("prefecture_name") + th("name") + "<th>" +
         T("缺口变化", "gaps") + "</th><th>" + T("至县城（分钟）：旧 → 新", "to the county seat (min): old → new") + "</th><th>" +
         T("层级：旧 → 新", "tier: old → new") + "</th></tr></thead><tbody>";
    for (const auto& t : c.towns) {
        if (!t.changed) continue;
        std::string gaps;
        for (const auto& [u, ch] : t.utilities)
            if (ch.change != "same" && ch.change != "no data")
                gaps += (gaps.empty() ? "" : T("；", "; ")) + utility_label(u, lang) + " " + change(ch.change) + " (" + fmt(ch.old_gap_km2, 2) + " → " +
                        fmt(ch.new_gap_km2, 2) + " km²)";
        b += "<tr><td>" + html_escape(t.prefecture) + "</td><td>" + html_escape(t.name) +
             (t.in_old && t.in_new ? "" : t.in_old ? T("（仅旧数据）", " (old only)") : T("（仅新数据）", " (new only)")) + "</td><td>" + html_escape(gaps) +
             "</td><td>" + fmt(t.old_county_seat_min, 1) + " → " + fmt(t.new_county_seat_min, 1) + "</td><td>" + html_escape(t.old_tier) + " → " +
             html_escape(t.new_tier) + "</td></tr>";
    }
    b += "</tbody></table>\n";
    return html_page("townsite: " + old_label + " → " + new_label, b, lang);
}

}  // namespace townsite
