// The yearly review on hand-made runs: what each figure must be is worked out in the comments.
#include "analysis/review.h"
#include "geo/crs.h"

#include <catch2/catch.hpp>

#include <geos_c.h>

using namespace townsite;

namespace {

// Metres in EPSG:4551 (Gauss-Kruger, CM 126E, scale 1 on the meridian) near the central meridian.
constexpr double X0 = 500000, Y0 = 4800000;

GeomPtr line(const GeosContext& geos, double x1, double y1, double x2, double y2) {
    GEOSCoordSequence* s = GEOSCoordSeq_create_r(geos.get(), 2, 2);
    GEOSCoordSeq_setXY_r(geos.get(), s, 0, X0 + x1, Y0 + y1);
    GEOSCoordSeq_setXY_r(geos.get(), s, 1, X0 + x2, Y0 + y2);
    return geos.own(GEOSGeom_createLineString_r(geos.get(), s));
}

}  // namespace

TEST_CASE("the network built inside an extension's corridor, less what was there, counted once", "[review]") {
    GeosContext geos;
    LonLatBox box;
    box.expand(125.5, 43.0), box.expand(126.5, 43.6);
    const WorkingCrs crs = user_working_crs("EPSG:4551", box);
    const Measure measure(crs, geos);
    // The extension proposed for town T's water: 1,000 m east from (0,0); corridor 50 m each side.
    std::vector<ExtensionLine> ext;
    ext.push_back({"T", "water", 1.0, line(geos, 0, 0, 1000, 0)});
    std::vector<Corridor> corridors = extension_corridors(ext, 50.0, measure, geos);
    REQUIRE(corridors.size() == 1);
    auto base_water = [&] {
        std::vector<GeomPtr> w;
        w.push_back(line(geos, -500, 0, 0, 0));   // the main the extension starts from
        w.push_back(line(geos, 0, 0, 200, 0));    // 200 m of it already there in the base year
        return w;
    };
    YearNetworks base;
    base["water"] = base_water();
    // 2024: water from 200 to 700 m (drawn twice, once in part), a main crossing the corridor at 500 m,
    // one 5 km away, and gas along the rest (another utility).
    YearNetworks y2024;
    y2024["water"] = base_water();
    y2024["water"].push_back(line(geos, 200, 0, 700, 0));
    y2024["water"].push_back(line(geos, 300, 0, 700, 0));
    y2024["water"].push_back(line(geos, 500, -1000, 500, 1000));
    y2024["water"].push_back(line(geos, 0, 5000, 1000, 5000));
    y2024["gas"].push_back(line(geos, 700, 0, 1000, 0));
    // 2025: the water main reaches the end.
    YearNetworks y2025;
    for (auto& [u, lines] : y2024)
        for (auto& l : lines) y2025[u].push_back(geos.own(GEOSGeom_clone_r(geos.get(), l.get())));
    y2025["water"].push_back(line(geos, 700, 0, 1000, 0));
    std::vector<YearNetworks> years;
    years.push_back(std::move(y2024));
    years.push_back(std::move(y2025));
    built_in_corridors(corridors, base, years, measure, geos);
    // 2024: 205..700 m along (the first 5 m from the base main's end are the base's), and the
    // crossing main's 100 m inside the corridor: 0.595 km. 2025: 300 m more.
    CHECK(corridors[0].built_km[0] == Approx(0.595).epsilon(1e-3));
    CHECK(corridors[0].built_km[1] == Approx(0.895).epsilon(1e-3));
    REQUIRE(corridors[0].built.size() == 2);
    CHECK(corridors[0].built[0] != nullptr);
}

TEST_CASE("the review holds the base list fixed and counts gaps, standards and works per year and group", "[review]") {
    ReviewRun base{"2022", 2022, {}, {"R9", "R5"}};
    ReviewTownState a;
    a.id = "A", a.name = "甲镇", a.county = "C1", a.county_name = "一县", a.prefecture = "P1", a.prefecture_name = "一市";
    a.tier = "provincial", a.tier_zh = "省级";
    a.status = {{"water", "partial"}, {"gas", "served"}, {"heating", "none"}};
    a.standards = {{"elderly_care_time", false}, {"elderly_care_places", false}, {"childcare_time", true}};
    a.places_missing = {{"elderly_care", 40}};
    ReviewTownState b = a;
    b.id = "B", b.name = "乙镇", b.county = "C2", b.county_name = "二县", b.tier = "county", b.tier_zh = "县级";
    b.status = {{"water", "served"}}, b.standards = {}, b.places_missing = {};
    ReviewTownState c = b;
    c.id = "C", c.tier = "", c.tier_zh = "";   // not designated: not reviewed
    base.towns = {{"A", a}, {"B", b}, {"C", c}};

    ReviewRun y2024 = base;
    y2024.label = "2024", y2024.year = 2024;
    y2024.towns["A"].status["water"] = "served";
    y2024.towns["A"].standards["elderly_care_time"] = true;
    y2024.towns["A"].standards["childcare_time"] = false;   // no longer met: not "newly met"
    y2024.towns["A"].places_missing["elderly_care"] = 10;
    y2024.towns["B"].status["water"] = "partial";
    y2024.towns["C"].tier = "provincial";                   // re-selected in 2024: the base list holds
    ReviewRun y2025 = y2024;
    y2025.label = "2025", y2025.year = 2025;
    y2025.towns["A"].status = {{"water", "served"}, {"gas", "partial"}, {"heating", "served"}};
    y2025.towns["A"].standards["elderly_care_places"] = true;
    y2025.towns["A"].places_missing["elderly_care"] = NAN;   // empty: nothing missing
    y2025.towns.erase("B");
    y2025.dead_end_roads.clear();

    const std::vector<ReviewWork> works = {{"A", "network_extension", "water", 1.0},
                                           {"A", "service_places", "elderly_care", 40},
                                           {"A", "dead_end_link", "R9", 0.4},
                                           {"B", "dead_end_link", "R5", 0.3}};
    std::vector<Corridor> corridors(1);
    corridors[0].town_id = "A", corridors[0].utility = "water", corridors[0].proposed_km = 1.0, corridors[0].built_km = {0.5, 1.2};
    const Review r = review(base, {y2024, y2025}, {{"provincial", "省级"}, {"county", "县级"}}, works, corridors, 50);

    REQUIRE(r.towns.size() == 4);   // A and B, in two years; C was not designated in the base
    const ReviewTown& a24 = r.towns[0];
    CHECK(a24.base->id == "A");
    CHECK(a24.year == "2024");
    CHECK(a24.gaps_base == 2);
    CHECK(a24.gaps_now == 1);
    CHECK(a24.gaps_closed == 1);
    CHECK(a24.closed == "water");
    CHECK(a24.gaps_opened == 0);
    CHECK(a24.newly_met == 1);
    CHECK(a24.newly_met_list == "elderly_care_time");
    CHECK(a24.built_km == Approx(0.5));
    // Works: extension 0.5, places (40 - 10) / 40 = 0.75, dead end still there 0: none done.
    CHECK(a24.works == 3);
    CHECK(a24.works_done == 0);
    CHECK(a24.works_done_pct() == Approx(100.0 * 1.25 / 3));
    const ReviewTown& b24 = r.towns[1];
    CHECK(b24.base->id == "B");
    CHECK(b24.gaps_opened == 1);
    CHECK(b24.opened == "water");
    CHECK(b24.works_done == 0);

    const ReviewTown& a25 = r.towns[2];
    CHECK(a25.gaps_closed == 2);
    CHECK(a25.closed == "water, heating");
    CHECK(a25.gaps_opened == 1);
    CHECK(a25.opened == "gas");
    CHECK(a25.newly_met == 2);
    CHECK(a25.built_km == Approx(1.0));   // at most the km proposed
    CHECK(a25.built_pct() == Approx(100));
    CHECK(a25.works_done == 3);
    CHECK(a25.works_done_pct() == Approx(100));
    const ReviewTown& b25 = r.towns[3];
    CHECK_FALSE(b25.in_run);
    CHECK(b25.works_done == 0);   // its dead end is gone from the run, but so is the town: unknown, not done

    auto total = [&](const std::string& level, const std::string& code, const std::string& year) {
        for (const ReviewTotal& t : r.totals)
            if (t.level == level && t.code == code && t.year == year) return t;
        FAIL("no total " << level << " " << code << " " << year);
        return ReviewTotal{};
    };
    const ReviewTotal p25 = total("province", "", "2025");
    CHECK(p25.towns == 2);
    CHECK(p25.gaps_base == 2);
    CHECK(p25.gaps_closed == 2);
    CHECK(p25.gaps_opened == 1);
    CHECK(p25.works == 4);
    CHECK(p25.works_done == 3);
    CHECK(p25.works_done_pct() == Approx(75));
    CHECK(total("tier", "provincial", "2024").towns == 1);
    CHECK(total("tier", "county", "2024").gaps_opened == 1);
    CHECK(total("prefecture", "P1", "2024").towns == 2);
    CHECK(total("county", "C2", "2025").towns == 1);
    CHECK(total("tier", "provincial", "2025").built_pct() == Approx(100));
    // The page: a chart per tier, both years, every town.
    const std::string page = html_review(r, Lang::both);
    CHECK(page.find("<svg") != std::string::npos);
    CHECK(page.find("甲镇") != std::string::npos);
    CHECK(page.find("not in this year's run") != std::string::npos);
    const std::string zh = html_review(r, Lang::zh);
    CHECK(zh.find("当年数据中无此镇") != std::string::npos);
    CHECK(zh.find("not in this year's run") == std::string::npos);
    CHECK(zh.find("Yearly review") == std::string::npos);
}
