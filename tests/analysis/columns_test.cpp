// The column registry: every entry complete and unique per layer; names resolve to the right entry,
// fixed names before families and the longest family before a shorter one.
#include "analysis/columns.h"

#include <catch2/catch.hpp>

#include <set>
#include <stdexcept>

using namespace townsite;

TEST_CASE("every registered column has a type, both labels, a step and a meaning, once per layer", "[columns]") {
    for (std::string_view layer : column_layers()) {
        INFO(layer);
        const std::vector<Column> columns = layer_columns(layer);
        CHECK(columns.size() >= 3);
        std::set<std::string> names;
        for (const Column& c : columns) {
            INFO(c.name);
            CHECK(names.insert(c.name).second);
            CHECK_FALSE(c.zh.empty());
            CHECK_FALSE(c.en.empty());
            CHECK_FALSE(c.step.empty());
            CHECK_FALSE(c.description.empty());
            // A family's placeholder is in both labels, so that each member is labelled with its own words.
            const auto open = c.name.find('{');
            if (open != std::string::npos) {
                const std::string p = c.name.substr(open, c.name.find('}') - open + 1);
                CHECK(c.zh.find(p) != std::string::npos);
                CHECK(c.en.find(p) != std::string::npos);
            }
        }
    }
    // Every layer named by an entry is one the registry lists.
    for (const ColumnSpec& s : column_specs()) {
        std::string_view rest = s.layers;
        while (!rest.empty()) {
            const auto space = rest.find(' ');
            const std::string_view layer = rest.substr(0, space);
            INFO(std::string(s.name) + " in " + std::string(layer));
            CHECK(std::find(column_layers().begin(), column_layers().end(), layer) != column_layers().end());
            rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        }
    }
}

TEST_CASE("a written name resolves to its column, fixed names first and the longest family next", "[columns]") {
    const auto fixed = find_column("towns", "county_seat_min");
    REQUIRE(fixed);
    CHECK(fixed->label(Lang::both) == "至县城 to the county seat (min)");
    CHECK(fixed->label(Lang::zh) == "至县城 (分钟)");
    CHECK(fixed->label(Lang::en) == "to the county seat (min)");
    CHECK(fixed->type == ColumnType::Real);

    const auto pop_share = find_column("towns", "water_pop_share_pct");   // not {utility}_share_pct with utility "water_pop"
    REQUIRE(pop_share);
    CHECK(pop_share->label(Lang::both) == "供水人口覆盖率 water population served (%)");
    const auto share = find_column("towns", "gas_share_pct");
    REQUIRE(share);
    CHECK(share->label(Lang::both) == "燃气覆盖率 gas area served (%)");

    CHECK(find_column("towns", "clinic_min")->step == "access");   // {kind}_min, not an extra field of the towns layer
    const auto clinic = find_column("villages", "clinic_min");
    REQUIRE(clinic);
    CHECK(clinic->label(Lang::both) == "至最近卫生院 to the nearest clinic (min)");
    const auto pop = find_column("towns", "pop_30min");
    REQUIRE(pop);
    CHECK(pop->label(Lang::both) == "30分钟内人口 population within 30 min (persons)");

    // The same name means different things in different layers.
    CHECK(find_column("road_components", "villages")->type == ColumnType::Integer);
    CHECK(find_column("network_extensions", "villages")->type == ColumnType::Text);
    CHECK(find_column("coverage_gaps", "population")->zh == "缺口人口");

    // A towns column nothing else claims is a column of [layers.towns.extra_fields]; elsewhere it is unknown.
    CHECK(find_column("towns", "my_index")->step == "input");
    CHECK_FALSE(find_column("villages", "my_index"));
    CHECK_FALSE(find_column("od", "minutes_x"));
}

TEST_CASE("a writer asking for a column the registry lacks is a bug, not a silent field", "[columns]") {
    CHECK_THROWS_AS(column("villages", "county_seat_min"), std::logic_error);
    CHECK_THROWS_AS(column("towns", "{utility}_status"), std::logic_error);   // a family needs its fill
    const Column c = column("towns", "{utility}_status", fill_of("{utility}", "heating"));
    CHECK(c.name == "heating_status");
    CHECK(c.label(Lang::both) == "供热状态 heating status");
    CHECK(column("towns", "p_{tier}", {"provincial", "省级", "provincial"}).label(Lang::both) == "省级入选比例 share of runs provincial");
}
