// Scoring: normalisations and missing values worked by hand, weights from the config (direct, AHP
// and its refusal, entropy), bonuses and ranks; town-type rules with percentiles.
#include "analysis/scoring.h"
#include "analysis/town_types.h"
#include "geo/error.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using namespace townsite::test;

namespace {

// A column of the towns layer that townsite has no name for ([layers.towns.extra_fields]).
Column extra(const std::string& name) { return column("towns", "{extra_field}", {name, name, name}); }

// Four towns: 甲市 holds the first three (甲县: 0, 1; 乙县: 2), 乙市 the fourth.
TownTable four_towns() {
    TownTable t;
    const char* county[] = {"1", "1", "2", "3"};
    const char* county_name[] = {"甲县", "甲县", "乙县", "丙县"};
    const char* prefecture[] = {"10", "10", "10", "20"};
    const char* prefecture_name[] = {"甲市", "甲市", "甲市", "乙市"};
    for (int i = 0; i < 4; ++i) {
        Settlement s;
        s.id = std::string(1, char('a' + i));
        s.name = std::string(1, char('A' + i)) + "镇";
        s.kind = "镇";
        s.county = county[i], s.county_name = county_name[i];
        s.prefecture = prefecture[i], s.prefecture_name = prefecture_name[i];
        t.towns.push_back(s);
    }
    t.proximity.resize(4);
    t.add(extra("v"), {10, 20, NAN, 40});
    t.add(extra("z"), {1, 2, 3, 4});
    t.add(extra("r"), {5, 7, 7, 9});
    t.add(extra("same"), {3, 3, 3, 3});
    t.add(column("towns", "in_metro"), {0, 1, 0, 0});
    return t;
}

ScoringOptions one(const std::string& field, bool higher, Normalisation norm, bool missing_mean = false) {
    ScoringOptions o;
    o.indicators = {{field, field, field, field, higher, norm, 1}};
    o.missing_mean = missing_mean;
    return o;
}

}  // namespace

TEST_CASE("min-max normalisation, either direction, with a missing value at the worst or the mean", "[scoring]") {
    const TownTable t = four_towns();
    Scores s = score_towns(t, one("v", true, Normalisation::MinMax));
    // (x - 10) / 30; the missing one gets the worst, 0.
    CHECK(s.normalised[0] == std::vector<double>{0, 1.0 / 3, 0, 1});
    CHECK(s.missing[0] == 1);
    CHECK(s.score[1] == Approx(100.0 / 3));
    s = score_towns(t, one("v", false, Normalisation::MinMax));
    CHECK(s.normalised[0][0] == Approx(1));
    CHECK(s.normalised[0][1] == Approx(2.0 / 3));
    CHECK(s.normalised[0][2] == Approx(0));
    CHECK(s.normalised[0][3] == Approx(0));
    s = score_towns(t, one("v", true, Normalisation::MinMax, true));
    CHECK(s.normalised[0][2] == Approx((0 + 1.0 / 3 + 1) / 3));
    SECTION("a column with one value everywhere adds nothing") {
        s = score_towns(t, one("same", true, Normalisation::MinMax));
        CHECK(s.normalised[0] == std::vector<double>{0, 0, 0, 0});
    }
}

TEST_CASE("z-score uses the population standard deviation; rank shares the mean rank between ties", "[scoring]") {
    const TownTable t = four_towns();
    Scores s = score_towns(t, one("z", true, Normalisation::ZScore));
    const double sd = std::sqrt((1.5 * 1.5 * 2 + 0.5 * 0.5 * 2) / 4);   // of 1, 2, 3, 4 around 2.5
    for (int i = 0; i < 4; ++i) CHECK(s.normalised[0][std::size_t(i)] == Approx((i + 1 - 2.5) / sd));
    s = score_towns(t, one("r", true, Normalisation::Rank));
    // 5 7 7 9: ranks 0, 1.5, 1.5, 3 over 3.
    CHECK(s.normalised[0] == std::vector<double>{0, 0.5, 0.5, 1});
}

TEST_CASE("the score adds the bonus to the weighted points; ranks in the province, prefecture and county", "[scoring]") {
    const TownTable t = four_towns();
    ScoringOptions o;
    o.indicators = {{"z", "z", "z", "z", true, Normalisation::MinMax, 3}, {"r", "r", "r", "r", false, Normalisation::MinMax, 1}};
    o.bonuses = {{"in_metro", "都市圈", "metro", 5}};
    const Scores s = score_towns(t, o);
    CHECK(s.weights == std::vector<double>{0.75, 0.25});
    // z: 0, 1/3, 2/3, 1; r lower is better: 1, 0.5, 0.5, 0.
    const std::vector<double> want = {75 * 0 + 25 * 1.0, 75 / 3.0 + 25 * 0.5 + 5, 75 * 2 / 3.0 + 25 * 0.5, 75.0};
    for (std::size_t i = 0; i < 4; ++i) CHECK(s.score[i] == Approx(want[i]));
    CHECK(s.contribution[0][2] == Approx(50));
    // Scores 25, 42.5, 62.5, 75.
    CHECK(s.rank_province == std::vector<int>{4, 3, 2, 1});
    CHECK(s.rank_prefecture == std::vector<int>{3, 2, 1, 1});
    CHECK(s.rank_county == std::vector<int>{2, 1, 1, 1});
}

TEST_CASE("entropy weights in scoring follow the method worked by hand", "[scoring][entropy]") {
    TownTable t = four_towns();
    t.add(extra("e1"), {0, 5, 10, 5});
    t.add(extra("e2"), {1, 3, 3, 3});
    ScoringOptions o;
    o.method = WeightMethod::Entropy;
    o.indicators = {{"e1", "e1", "", "", true, Normalisation::MinMax, 0}, {"e2", "e2", "", "", true, Normalisation::MinMax, 0}};
    const Scores s = score_towns(t, o);
    // Normalised e1: 0, .5, 1, .5 -> p = 0, .25, .5, .25; e2: 0, 1, 1, 1 -> p = 0, 1/3, 1/3, 1/3.
    auto entropy = [](std::vector<double> p) {
        double e = 0;
        for (double v : p) e -= v > 0 ? v * std::log(v) : 0;
        return e / std::log(4.0);
    };
    const double d1 = 1 - entropy({0, .25, .5, .25}), d2 = 1 - entropy({0, 1.0 / 3, 1.0 / 3, 1.0 / 3});
    CHECK(s.weights[0] == Approx(d1 / (d1 + d2)));
    CHECK(s.weights[1] == Approx(d2 / (d1 + d2)));
}

TEST_CASE("scoring options: AHP weights from the config, an inconsistent matrix refused with its worst judgements", "[scoring][ahp]") {
    TempDir dir;
    const std::string base = kConfigLayers;
    const std::string indicators = kThreeIndicators;
    // Saaty's consistent example 1, 3, 5 / 1/3 ... gives 0.637, 0.258, 0.105 (CR 0.033).
    ScoringOptions o = scoring_options(config_from(dir.path(), base + "[scoring]\nweights = \"ahp\"\nahp = [[1, 3, 5], [\"1/3\", 1, 3], [\"1/5\", \"1/3\", 1]]\n" + indicators));
    REQUIRE(o.method == WeightMethod::Ahp);
    CHECK(o.ahp_matrix[1][0] == Approx(1.0 / 3));
    CHECK_FALSE(o.indicators[2].higher_is_better);
    const std::string bad = "[scoring]\nweights = \"ahp\"\nahp = [[1, 9, \"1/9\"], [\"1/9\", 1, 9], [9, \"1/9\", 1]]\n";
    try {
        scoring_options(config_from(dir.path(), base + bad + indicators));
        FAIL("no error");
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK_THAT(m, Catch::Contains("study.toml:9: the AHP matrix"));
        CHECK_THAT(m, Catch::Contains("consistency ratio"));
        CHECK_THAT(m, Catch::Contains(" vs "));
        CHECK_THAT(m, Catch::Contains("the weights imply"));
        CHECK_THAT(m, Catch::Contains("Fix: revise those comparisons, or set allow_inconsistent = true"));
    }
    CHECK_NOTHROW(scoring_options(config_from(dir.path(), base + bad + "allow_inconsistent = true\n" + indicators)));
    SECTION("mistakes in [scoring] are reported together with their lines") {
        try {
            scoring_options(config_from(dir.path(), base + "[scoring]\nweights = \"ahp\"\n[[scoring.indicators]]\nfield = \"population\"\nnormalisation = \"minimax\"\n"));
            FAIL("no error");
        } catch (const Error& e) {
            const std::string m = e.what();
            CHECK_THAT(m, Catch::Contains("\"scoring.indicators.normalisation\" is \"minimax\" (did you mean \"minmax\"?)"));
            CHECK_THAT(m, Catch::Contains("weights = \"ahp\" but [scoring] has no ahp matrix"));
        }
    }
    SECTION("an indicator naming a field no step produces says which fields there are") {
        ScoringOptions wrong = one("populaton", true, Normalisation::MinMax);
        CHECK_THROWS_WITH(score_towns(four_towns(), wrong), Catch::Contains("no town field \"populaton\"") && Catch::Contains("Fix: use one of the fields"));
    }
}

TEST_CASE("the share of a score that comes from nearness to cities adds up every indicator and bonus that measures it", "[scoring]") {
    TownTable t = four_towns();
    t.add(column("towns", "nearest_city_min"), {10, 20, 30, 40});
    t.add(column("towns", "pop_{minutes}min", fill_of("{minutes}", "30")), {4000, 3000, 2000, 1000});
    ScoringOptions o;
    // z (1..4, higher) is not nearness; nearest_city_min (lower) and pop_30min (higher) are, each
    // weighted 1/4 against z's 1/2. Min-max: z -> 0, 1/3, 2/3, 1; both nearness ones -> 1, 2/3, 1/3, 0.
    o.indicators = {{"z", "z", "z", "z", true, Normalisation::MinMax, 0.5},
                    {"near", "nearest_city_min", "地理位置", "location", false, Normalisation::MinMax, 0.25},
                    {"pull", "pop_30min", "区域带动", "regional pull", true, Normalisation::MinMax, 0.25}};
    o.bonuses = {{"in_metro", "都市圈", "metro circle", 5}};   // town 1 only
    const Scores s = score_towns(t, o);
    // Town 0: z 0, nearness 25 + 25 = 50, no bonus: all of its 50 points.
    CHECK(s.score[0] == Approx(50));
    CHECK(s.city_nearness[0] == Approx(50));
    CHECK(city_nearness_pct(s, 0) == Approx(100));
    // Town 1: z 50/3, nearness 2 x 50/3, bonus 5: (100/3 + 5) / (50 + 5).
    CHECK(s.score[1] == Approx(55));
    CHECK(city_nearness_pct(s, 1) == Approx(100 * (100.0 / 3 + 5) / 55));
    // Town 3: z 50, nearness 0.
    CHECK(city_nearness_pct(s, 3) == Approx(0));
    CHECK(measures_city_nearness("pop_60min"));
    CHECK_FALSE(measures_city_nearness("county_seat_min"));   // the county seat is not a city
    CHECK_FALSE(measures_city_nearness("pop_share_min"));
    const NearnessSummary near = nearness_summary(s, o, {0, 1, -1, -1});
    CHECK(near.counted == "location, regional pull; bonus metro circle");
    CHECK(near.counted_zh == "地理位置、区域带动；加分都市圈");
    CHECK(near.mean_pct == Approx((100 + 100 * (100.0 / 3 + 5) / 55) / 2));
    CHECK(near.max_pct == Approx(100));
}

TEST_CASE("town types: the first rule that holds, with percentiles as numpy computes them", "[scoring][types]") {
    TownTable t;
    t.towns.resize(5);
    t.add(extra("x"), {1, 2, 3, 4, 5});
    t.add(extra("y"), {0, 1, NAN, 1, 0});
    TownTypeOptions o;
    o.rules = {{"top", "顶", "top", "x >= p75", parse_condition("x >= p75"), 0},
               {"y", "乙", "y", "y == 1 and x < 4", parse_condition("y == 1 and x < 4"), 0}};
    const auto types = classify_towns(t, o);
    // p75 of 1..5: position 0.75 * 4 = 3, the value 4.
    CHECK(types[3].key == "top");
    // In plain words from the fields' labels (an extra field's label is its name).
    CHECK(types[3].rule == "x不低于4（全省前25%）");
    CHECK(types[3].rule_en == "x at least 4 (top 25 % of towns)");
    CHECK(types[4].key == "top");
    CHECK(types[1].key == "y");
    CHECK(types[1].rule == "y等于1，x低于4");
    CHECK(types[1].rule_en == "y equal to 1, x below 4");
    CHECK(types[2].key == "comprehensive");   // y missing: the comparison is false
    CHECK(types[0].key == "comprehensive");
    CHECK(types[0].rule.empty());
    SECTION("the rules of registered fields read in their labels and units: yes/no fields by name, people in 万") {
        TownTable r;
        r.towns.resize(5);
        r.add(column("towns", "border_county"), {1, 1, 0, 0, 1});
        r.add(column("towns", "border_km"), {10, 80, 5, 200, 40});
        r.add(column("towns", "pop_{minutes}min", fill_of("{minutes}", "30")), {100000, 200000, 300000, 400000, 500000});
        r.add(column("towns", "county_seat_min"), {10, 20, 30, 40, 50});
        TownTypeOptions ro;
        ro.rules = {{"border", "边境发展型", "border development", "", parse_condition("border_county == 1 and border_km <= 50"), 0},
                    {"trade", "商贸流通型", "trade", "", parse_condition("pop_30min >= p75 and county_seat_min <= 45"), 0},
                    {"inland", "内陆型", "inland", "", parse_condition("border_county == 0 and county_seat_min < 35"), 0}};
        const auto rt = classify_towns(r, ro);
        CHECK(rt[0].rule == "边境县，距边境线不超过50公里");
        CHECK(rt[0].rule_en == "border county, to the border at most 50 km");
        // p75 of 100,000 .. 500,000 is 400,000: 30分钟内人口不低于40.0万人.
        CHECK(rt[3].key == "trade");
        CHECK(rt[3].rule == "30分钟内人口不低于40.0万人（全省前25%），至县城不超过45分钟");
        CHECK(rt[3].rule_en == "population within 30 min at least 400,000 persons (top 25 % of towns), to the county seat at most 45 min");
        CHECK(rt[2].rule == "非边境县，至县城低于35分钟");
        CHECK(rt[2].rule_en == "not border county, to the county seat below 35 min");
    }
    CHECK_THROWS_WITH(parse_condition("x >= p75 or y == 1"), Catch::Contains("only \"and\" is understood") && Catch::Contains("Fix:"));
    CHECK_THROWS_WITH(parse_condition("x => 3"), Catch::Contains("\"=>\" where a comparison"));
    CHECK_THROWS_WITH(parse_condition("x >= p175"), Catch::Contains("a number or a percentile (p0 to p100)"));
    CHECK_THROWS_WITH(parse_condition("x >="), Catch::Contains("ends early"));
}

TEST_CASE("indicators that reward the same towns are found over the eligible towns, signed by direction", "[scoring][correlation]") {
    // Raw values of five towns; c is lower-is-better. Pearson's r worked independently (Python):
    // r(a, b) = 0.9860533131446982, r(a, -c) = 0.9, r(b, -c) = 0.9594032236002469; over the first
    // four towns only r(a, b) = 0.99838143945703.
    ScoringOptions o;
    o.indicators = {{"a", "a", "甲", "a", true, Normalisation::MinMax, 1}, {"b", "b", "乙", "b", true, Normalisation::MinMax, 1},
                    {"c", "c", "丙", "c", false, Normalisation::MinMax, 1}, {"d", "d", "丁", "d", true, Normalisation::MinMax, 1}};
    Scores s;
    s.raw = {{1, 2, 3, 4, 5}, {2, 4, 6, 8.5, 9}, {5, 4, 3, 1, 2}, {3, 3, 3, 3, 3}};
    const std::vector<bool> all(5, true);
    const auto pairs = correlated_indicators(s, o, all, 0.8);
    REQUIRE(pairs.size() == 3);   // d is constant: it correlates with nothing
    CHECK(pairs[0].a == 0);
    CHECK(pairs[0].b == 1);
    CHECK(pairs[0].r == Approx(0.9860533131446982).epsilon(1e-12));
    CHECK(pairs[0].towns == 5);
    CHECK(pairs[1].a == 1);
    CHECK(pairs[1].b == 2);
    CHECK(pairs[1].r == Approx(0.9594032236002469).epsilon(1e-12));   // positive: lower c and higher b reward the same towns
    CHECK(pairs[2].r == Approx(0.9).epsilon(1e-12));
    CHECK(correlated_indicators(s, o, all, 0.95).size() == 2);
    // Only the eligible towns count, and a town missing a value is left out of that pair.
    const std::vector<bool> first_four = {true, true, true, true, false};
    CHECK(correlated_indicators(s, o, first_four, 0.8).at(0).r == Approx(0.99838143945703).epsilon(1e-12));
    s.raw[1][4] = NAN;
    CHECK(correlated_indicators(s, o, all, 0.8).at(0).r == Approx(0.99838143945703).epsilon(1e-12));
}
