// Options declared once: one declaration reads a section (every problem with its line and a fix),
// lists it with its defaults, and writes back the values a run used.
#include "geo/error.h"
#include "geo/options.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using Catch::Matchers::Contains;

namespace {

struct Inner {
    double radius_m = 300;
};

struct Demo {
    double buffer_m = 200;
    int runs = 5;
    bool cross = false;
    std::string mode = "fast";
    std::vector<std::string> ids;
    std::vector<double> minutes = {15, 30};
    std::vector<std::pair<double, double>> steps = {{10, 1.0}};
    std::map<std::string, double> speeds = {{"国道", 80}};
    Inner water;
    double lo = 0, hi = 10;
};

const Options<Demo>& demo() {
    static const Options<Inner> inner = Options<Inner>("inner", "one utility").number("radius_m", &Inner::radius_m, 0, 5000, "m", "how far it serves");
    static const Options<Demo> s = Options<Demo>("demo", "a demonstration section")
                                       .number("buffer_m", &Demo::buffer_m, 1, 5000, "m", "band half-width")
                                       .integer("runs", &Demo::runs, 0, 100, "how many")
                                       .flag("cross", &Demo::cross, "join crossings")
                                       .text("mode", &Demo::mode, "how", {"fast", "exact"})
                                       .texts("ids", &Demo::ids, "some ids")
                                       .numbers("minutes", &Demo::minutes, 1, 600, "minutes", "thresholds")
                                       .pairs("steps", &Demo::steps, "up_to_min", "weight", "decay steps")
                                       .number_map("speeds", &Demo::speeds, 0, 200, "km/h", "class = km/h")
                                       .table<Inner>("water", [](Demo& d) -> Inner& { return d.water; }, inner, "[demo.water]")
                                       .number("lo", &Demo::lo, 0, 100, "", "low")
                                       .number("hi", &Demo::hi, 0, 100, "", "high")
                                       .check([](Demo& d, const ConfigPlace& at, OptionTable::Problems& problems) {
                                           if (d.hi < d.lo) problems.push_back({at.line_of("hi"), "hi is below lo", "raise hi."});
                                       });
    return s;
}

StudyConfig config(const std::string& text) {
    StudyConfig c;
    c.path = "/data/study.toml";
    c.table = toml::parse(text);
    return c;
}

std::string problems_of(const std::string& text) {
    try {
        demo().read(config(text));
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a declared section reads every kind of option over its defaults", "[options]") {
    const Demo absent = demo().read(config("[other]\nx = 1\n"));
    CHECK(absent.buffer_m == 200);
    CHECK(absent.speeds.at("国道") == 80);

    const Demo d = demo().read(config(R"(
[demo]
buffer_m = 50
runs = 7
cross = true
mode = "exact"
ids = ["a", "b"]
minutes = [60, 15]
steps = [[20, 0.5], [10, 1]]
speeds = { "县道" = 40 }
water = { radius_m = 150 }
)"));
    CHECK(d.buffer_m == 50);
    CHECK(d.runs == 7);
    CHECK(d.cross);
    CHECK(d.mode == "exact");
    CHECK(d.ids == std::vector<std::string>{"a", "b"});
    CHECK(d.minutes == std::vector<double>{15, 60});   // sorted
    CHECK(d.steps == std::vector<std::pair<double, double>>{{10, 1}, {20, 0.5}});
    CHECK(d.speeds.at("国道") == 80);   // the config's entries over the defaults
    CHECK(d.speeds.at("县道") == 40);
    CHECK(d.water.radius_m == 150);
}

TEST_CASE("every problem of a declared section is reported at once, with its line and a fix", "[options][errors]") {
    const std::string msg = problems_of(R"([demo]
bufer_m = 3
runs = 1.5
mode = "slow"
minutes = [15, "x"]
speeds = { "县道" = 500 }
water = { radius = 1 }
lo = 5
hi = 2
)");
    CHECK_THAT(msg, Contains("/data/study.toml:2: unknown key \"demo.bufer_m\" (did you mean \"buffer_m\"?)"));
    CHECK_THAT(msg, Contains(":3: \"demo.runs\" is") && Contains("expected a whole number from 0 to 100"));
    CHECK_THAT(msg, Contains(":4: ") && Contains("fast"));
    CHECK_THAT(msg, Contains(":5: \"demo.minutes\" must be a list of minutes from 1 to 600") && Contains("minutes = [15, 30]"));
    CHECK_THAT(msg, Contains(":6: \"demo.speeds.县道\" must be a number of km/h from 0 to 200"));
    CHECK_THAT(msg, Contains("unknown key \"demo.water.radius\" (did you mean \"radius_m\"?)"));
    CHECK_THAT(msg, Contains(":9: hi is below lo. Fix: raise hi."));
    CHECK(problems_of("demo = 3\n").find("expected a table") != std::string::npos);
}

TEST_CASE("a declared section lists its options with their defaults, and writes back what was used", "[options]") {
    const std::vector<OptionInfo> info = demo().describe_defaults();
    REQUIRE(info.size() == 11);
    CHECK(info[0].key == "buffer_m");
    CHECK(info[0].range == "1 to 5000");
    CHECK(info[0].unit == "m");
    CHECK(info[0].default_value == "200");
    CHECK(info[3].range == "fast or exact");
    CHECK(info[3].default_value == "\"fast\"");
    CHECK(info[5].default_value == "[15, 30]");
    CHECK(info[7].default_value == "{\"国道\" = 80}");
    CHECK(info[8].key == "water.radius_m");   // nested tables key by key
    CHECK(info[8].default_value == "300");

    // The values as TOML read back to the same values: the manifest's "options as used" is a config.
    Demo d = demo().read(config("[demo]\nbuffer_m = 12.5\nspeeds = { \"县道\" = 40 }\nmode = \"exact\"\n"));
    toml::table as_used;
    as_used.insert_or_assign("demo", demo().as_toml(d));
    StudyConfig again;
    again.path = "/data/as_used.toml";
    again.table = as_used;
    const Demo back = demo().read(again);
    CHECK(back.buffer_m == 12.5);
    CHECK(back.mode == "exact");
    CHECK(back.speeds == d.speeds);
    CHECK(back.steps == d.steps);
    CHECK(back.water.radius_m == d.water.radius_m);
}
