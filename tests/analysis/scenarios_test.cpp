// Scenarios: read from [[scenarios]], checked against the base run's indicators, bonuses and tiers,
// and applied to the base run's options. Weights, bonuses and counts below are hand-set.
#include "analysis/scenarios.h"
#include "geo/error.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

const std::string kBase = std::string(kConfigLayers) + R"([scoring]
weights = "ahp"
ahp = [[1, 3, 5], ["1/3", 1, 3], ["1/5", "1/3", 1]]
)" + kThreeIndicators + R"([scoring.bonus]
in_metro = 5
node_town = 4
[[selection.tiers]]
key = "provincial"
count = 2
[[selection.tiers]]
key = "municipal"
count = 3
)";

struct Read {
    ScoringOptions scoring;
    SelectionOptions selection;
    std::vector<Scenario> scenarios;
};

Read read(const TempDir& dir, const std::string& scenarios) {
    const StudyConfig config = config_from(dir.path(), kBase + scenarios);
    Read r{scoring_options(config), selection_options(config), {}};
    r.scenarios = scenario_options(config, r.scoring, r.selection);
    return r;
}

double bonus_of(const ScoringOptions& o, const std::string& field) {
    for (const auto& b : o.bonuses)
        if (b.field == field) return b.points;
    FAIL("no bonus " << field);
    return NAN;
}

}  // namespace

TEST_CASE("scenarios change only what they name: weights (then direct), bonus points, tier counts", "[scenarios]") {
    TempDir dir;
    const Read r = read(dir, R"(
[[scenarios]]
name = "industry_first"
weights = { industry = 0.6 }
counts = { provincial = 5 }

[[scenarios]]
name = "no_metro_bonus"
bonus = { in_metro = 0 }
)");
    REQUIRE(r.scenarios.size() == 2);
    CHECK(r.scenarios[0].name == "industry_first");
    CHECK(r.scenarios[0].line > 0);
    // The base run's weights as AHP gave them (any numbers do: the scenario keeps them for the rest).
    const std::vector<double> base = {0.637, 0.258, 0.105};

    const ScoringOptions first = with_scenario(r.scoring, base, r.scenarios[0]);
    CHECK(first.method == WeightMethod::Direct);   // weights given: direct from now on
    CHECK(first.indicators[0].weight == 0.6);
    CHECK(first.indicators[1].weight == 0.258);
    CHECK(first.indicators[2].weight == 0.105);
    CHECK(bonus_of(first, "in_metro") == 5);
    const SelectionOptions first_tiers = with_scenario(r.selection, r.scenarios[0]);
    CHECK(first_tiers.tiers[0].count == 5);
    CHECK(first_tiers.tiers[1].count == 3);

    const ScoringOptions second = with_scenario(r.scoring, base, r.scenarios[1]);
    CHECK(second.method == WeightMethod::Ahp);     // no weights named: the base method and matrix stay
    CHECK(second.ahp_matrix == r.scoring.ahp_matrix);
    CHECK(bonus_of(second, "in_metro") == 0);
    CHECK(bonus_of(second, "node_town") == 4);
    const SelectionOptions second_tiers = with_scenario(r.selection, r.scenarios[1]);
    CHECK(second_tiers.tiers[0].count == 2);

    // The base options are left as they were.
    CHECK(r.scoring.method == WeightMethod::Ahp);
    CHECK(bonus_of(r.scoring, "in_metro") == 5);
    CHECK(r.selection.tiers[0].count == 2);
}

TEST_CASE("a config without [[scenarios]] has none", "[scenarios]") {
    TempDir dir;
    CHECK(read(dir, "").scenarios.empty());
}

TEST_CASE("scenario mistakes are refused together, each with its line and the words that would do", "[scenarios][errors]") {
    TempDir dir;
    try {
        read(dir, R"(
[[scenarios]]
name = "a"
weights = { industy = 0.5 }

[[scenarios]]
name = "a"
counts = { provincal = 3 }
bonus = { border_county = 1 }
)");
        FAIL("accepted");
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK_THAT(m, Contains("study.toml"));
        CHECK_THAT(m, Contains("unknown weights key \"industy\" (did you mean \"industry\"?)"));
        CHECK_THAT(m, Contains("unknown counts key \"provincal\" (did you mean \"provincial\"?)"));
        CHECK_THAT(m, Contains("unknown bonus key \"border_county\""));
        CHECK_THAT(m, Contains("use one of: in_metro, node_town"));
        CHECK_THAT(m, Contains("scenario \"a\" is given twice"));
    }
    CHECK_THROWS_WITH(read(dir, "[[scenarios]]\nweights = { industry = 0.5 }\n"), Contains("has no name"));
    CHECK_THROWS_WITH(read(dir, "[[scenarios]]\nname = \"x\"\nweights = { industry = -1 }\n"), Contains("weights"));
}
