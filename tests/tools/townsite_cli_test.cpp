// The townsite command as a user runs it: exit codes, messages, JSON.
#include "tests/support.h"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

struct Run {
    int exit_code;
    std::string out;  // stdout and stderr together
};

Run run(const std::string& args) {
    const std::string cmd = std::string(TOWNSITE_BIN) + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    REQUIRE(pipe);
    std::string out;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("townsite inspect on the bundled sample succeeds and lists every role", "[cli][slow]") {
    const Run r = run("inspect");
    INFO(r.out);
    CHECK(r.exit_code == 0);
    for (const char* role : {"prefectures", "counties", "towns", "villages", "metro_areas", "city_cores", "border",
                             "roads", "water", "gas", "heating", "sewage", "garbage", "facilities", "protected"})
        CHECK_THAT(r.out, Contains(std::string("\n") + role + "\n"));
    CHECK_THAT(r.out, Contains("Working CRS: Albers equal-area"));
    CHECK_THAT(r.out, Contains("the study is usable (0 errors"));
}

TEST_CASE("townsite inspect --json is JSON with the same verdict", "[cli][slow]") {
    const Run r = run("-q inspect --json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["usable"] == true);
    CHECK(j["layers"].size() == 19);
    CHECK(j["working_crs"]["max_scale_error_percent"].get<double>() < 0.1);
}

TEST_CASE("a broken config exits 1 with the file, line and fix", "[cli][errors]") {
    TempDir dir;
    const std::string cfg = dir.write("bad.toml", "[study]\nnmae = \"x\"\n");
    const Run r = run("inspect " + cfg);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains(cfg + ":2"));
    CHECK_THAT(r.out, Contains("did you mean \"name\""));
    CHECK_THAT(r.out, Contains("Fix:"));
}

TEST_CASE("a study with a broken layer exits 1 and names it", "[cli][errors]") {
    TempDir dir;
    const std::string sample = TOWNSITE_SAMPLE_DIR;
    std::string text = slurp(sample + "/jilin.toml");
    // Point the config at the sample from a copy elsewhere, with one layer name wrong.
    for (size_t at = text.find("\"jilin.gpkg\""); at != std::string::npos; at = text.find("\"jilin.gpkg\"", at + 1))
        text.replace(at, 12, "\"" + sample + "/jilin.gpkg\"");
    text.replace(text.find("layer = \"roads\""), 15, "layer = \"road\"");
    const Run r = run("-q inspect " + dir.write("broken.toml", text));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains("no layer \"road\" (did you mean \"roads\"?)"));
    CHECK_THAT(r.out, Contains("NOT USABLE"));
}

TEST_CASE("usage errors exit 2", "[cli]") {
    CHECK(run("").exit_code == 2);
    CHECK(run("inspect --no-such-flag").exit_code == 2);
    CHECK(run("frobnicate").exit_code == 2);
    CHECK(run("--help").exit_code == 0);
}

TEST_CASE("the sample generator writes the same bytes for the same seed", "[sample][slow]") {
    TempDir dir;
    const std::string gen = std::string(TOWNSITE_MAKE_SAMPLE_BIN) + " --sources " + TOWNSITE_SAMPLE_DIR + "/sources -o ";
    REQUIRE(std::system((gen + dir.path("a.gpkg") + " > /dev/null").c_str()) == 0);
    REQUIRE(std::system((gen + dir.path("b.gpkg") + " > /dev/null").c_str()) == 0);
    const std::string a = slurp(dir.path("a.gpkg"));
    CHECK(a.size() > 1000000);
    CHECK(a == slurp(dir.path("b.gpkg")));
    SECTION("and the committed sample is what the generator writes") {
        CHECK(a == slurp(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.gpkg"));
    }
}
