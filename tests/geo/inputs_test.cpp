// Nothing a user has is lost: inputs known by identity (not by spelling), output folders replaced
// only when townsite wrote them, one writer at a time, what a killed run left restored, and no
// outputs committed from inputs that changed under the run.
#include "geo/error.h"
#include "geo/inputs.h"
#include "geo/writer.h"
#include "tests/support.h"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// A study folder as a planner keeps it: a config and a data file beside it.
struct StudyFolder {
    TempDir dir;
    std::string study = dir.path("study");
    StudyFolder() {
        fs::create_directories(study);
        std::ofstream(study + "/study.toml") << "[study]\nname = \"x\"\n";
        std::ofstream(study + "/data.gpkg") << "not really a GeoPackage, but the user's file";
        fs::create_directory_symlink(study, dir.path("alias"));
    }
    InputFiles inputs_via_alias() const {
        InputFiles in;
        in.add(dir.path("alias/study.toml"), "config");
        in.add(dir.path("alias/data.gpkg"), "towns");
        return in;
    }
};

// A process id that is not running (for the names a killed run leaves).
long dead_pid() {
    for (long pid = 4000000; pid > 1000; --pid)
        if (kill(pid_t(pid), 0) != 0 && errno == ESRCH) return pid;
    return 0;
}

void write_townsite_folder(const std::string& dir, const std::string& what) {
    fs::create_directories(dir);
    // As run writes it: keys sorted, so "townsite" comes after the config's whole text.
    std::ofstream(dir + "/manifest.json") << "{\n  \"config\": {\"text\": \"" << std::string(20000, 'x') << "\"},\n  \"townsite\": \"0.1.0\"\n}\n";
    std::ofstream(dir + "/what.txt") << what;
}

}  // namespace

TEST_CASE("an input is found inside a folder whatever path leads to either", "[inputs]") {
    StudyFolder s;
    const InputFiles in = s.inputs_via_alias();
    REQUIRE(in.files().size() == 2);
    CHECK(in.inside(s.study) != nullptr);                                  // the real folder
    CHECK(in.inside(s.dir.path("alias")) != nullptr);                      // through the link
    CHECK(in.inside(s.dir.path("study/../alias/.")) != nullptr);           // another spelling
    CHECK(in.inside(s.dir.path()) != nullptr);                             // a folder above
    fs::create_directories(s.dir.path("elsewhere"));
    CHECK(in.inside(s.dir.path("elsewhere")) == nullptr);
    CHECK(in.inside(s.dir.path("missing")) == nullptr);
    CHECK(in.same_as(s.study + "/data.gpkg") != nullptr);
    CHECK(in.same_as(s.study + "/study.toml")->role == "config");
}

TEST_CASE("an output folder that reaches the inputs through a link is refused before anything is touched", "[inputs][output]") {
    StudyFolder s;
    SECTION("output given as the real folder, inputs read through the link") {
        CHECK_THROWS_WITH(OutputFolder(s.study, s.inputs_via_alias(), true), Contains("holds one of the study's inputs") && Contains("Fix:"));
    }
    SECTION("output given through the link") {
        CHECK_THROWS_WITH(OutputFolder(s.dir.path("alias"), s.inputs_via_alias(), true), Contains("holds one of the study's inputs"));
    }
    SECTION("output a folder above the inputs") {
        CHECK_THROWS_WITH(OutputFolder(s.dir.path("alias/.."), s.inputs_via_alias(), true), Contains("holds one of the study's inputs"));
    }
    CHECK(slurp(s.study + "/data.gpkg") == "not really a GeoPackage, but the user's file");
    CHECK(fs::exists(s.study + "/study.toml"));
    CHECK(!fs::exists(s.dir.path(".study.lock")));
}

TEST_CASE("an output folder is replaced by --overwrite only when townsite wrote it, or it is empty", "[output]") {
    TempDir dir;
    const std::string out = dir.path("out");
    SECTION("someone else's folder is refused, and kept") {
        fs::create_directories(out);
        std::ofstream(out + "/thesis.docx") << "years of work";
        CHECK_THROWS_WITH(OutputFolder(out, {}, true), Contains("was not written by townsite") && Contains("Fix:"));
        CHECK(slurp(out + "/thesis.docx") == "years of work");
    }
    SECTION("without --overwrite nothing is replaced") {
        write_townsite_folder(out, "old");
        CHECK_THROWS_WITH(OutputFolder(out, {}, false), Contains("exists already") && Contains("--overwrite"));
    }
    SECTION("townsite's own folder is replaced whole, atomically") {
        write_townsite_folder(out, "old");
        {
            OutputFolder f(out, {}, true);
            std::ofstream(f.file("manifest.json")) << "{\"townsite\": \"0.1.0\"}";
            std::ofstream(f.file("new.txt")) << "new";
            CHECK(slurp(out + "/what.txt") == "old");   // untouched until commit
            f.commit();
        }
        CHECK(slurp(out + "/new.txt") == "new");
        CHECK(!fs::exists(out + "/what.txt"));
        // Nothing left beside it: no temporary folder, no previous outputs, no lock.
        int entries = 0;
        for (const auto& e : fs::directory_iterator(dir.path())) entries += e.path().filename().string() != "out";
        CHECK(entries == 0);
    }
    SECTION("an empty folder may be replaced") {
        fs::create_directories(out);
        OutputFolder f(out, {}, true);
        std::ofstream(f.file("manifest.json")) << "{\"townsite\": \"0.1.0\"}";
        f.commit();
        CHECK(fs::exists(out + "/manifest.json"));
    }
    SECTION("a run that stops before commit leaves the previous outputs and nothing else") {
        write_townsite_folder(out, "old");
        {
            OutputFolder f(out, {}, true);
            std::ofstream(f.file("half.txt")) << "half";
        }
        CHECK(slurp(out + "/what.txt") == "old");
        int entries = 0;
        for (const auto& e : fs::directory_iterator(dir.path())) entries += e.path().filename().string() != "out";
        CHECK(entries == 0);
    }
}

TEST_CASE("a second run into the same folder fails at once while the first writes", "[output]") {
    TempDir dir;
    const std::string out = dir.path("new_out");
    OutputFolder first(out, {}, false);
    CHECK_THROWS_WITH(OutputFolder(out, {}, false), Contains("another townsite run") && Contains("is writing") && Contains("Fix:"));
    CHECK_THROWS_WITH(OutputFolder(out, {}, true), Contains("another townsite run"));
    std::ofstream(first.file("manifest.json")) << "{\"townsite\": \"0.1.0\"}";
    first.commit();
    // Once it is done, the folder exists: a later run without --overwrite is refused, not merged.
    CHECK_THROWS_WITH(OutputFolder(out, {}, false), Contains("exists already"));
    OutputFolder later(out, {}, true);   // and the lock was given back
}

TEST_CASE("what a run killed during the swap left is restored or removed by the next run, which says so", "[output]") {
    TempDir dir;
    const std::string out = dir.path("out");
    const long pid = dead_pid();
    REQUIRE(pid > 0);
    SECTION("killed after moving the previous outputs aside: they are restored") {
        write_townsite_folder(dir.path(".out.old-" + std::to_string(pid)), "previous");
        write_townsite_folder(dir.path(".out.tmp-" + std::to_string(pid)), "unfinished");
        OutputFolder f(out, {}, true);
        CHECK(slurp(out + "/what.txt") == "previous");
        REQUIRE(f.notes().size() == 2);
        CHECK_THAT(f.notes()[0], Contains("restored the previous outputs"));
        CHECK_THAT(f.notes()[1], Contains("left by a run that was stopped"));
        CHECK(!fs::exists(dir.path(".out.old-" + std::to_string(pid))));
        CHECK(!fs::exists(dir.path(".out.tmp-" + std::to_string(pid))));
    }
    SECTION("killed after the new outputs were in place: the old ones are removed") {
        write_townsite_folder(out, "new");
        write_townsite_folder(dir.path(".out.old-" + std::to_string(pid)), "previous");
        CHECK_THROWS_WITH(OutputFolder(out, {}, false), Contains("exists already"));   // tidied up all the same
        CHECK(slurp(out + "/what.txt") == "new");
        CHECK(!fs::exists(dir.path(".out.old-" + std::to_string(pid))));
    }
    SECTION("a restored folder is not replaced without --overwrite") {
        write_townsite_folder(dir.path(".out.old-" + std::to_string(pid)), "previous");
        CHECK_THROWS_WITH(OutputFolder(out, {}, false), Contains("exists already"));
        CHECK(slurp(out + "/what.txt") == "previous");
    }
}

TEST_CASE("outputs are not committed when an input changed while the run read it", "[inputs][output]") {
    TempDir dir;
    const std::string data = dir.write("towns.csv", "id,name\n1,甲\n");
    InputFiles in;
    in.add(data, "towns");
    CHECK_NOTHROW(in.check_unchanged());
    OutputFolder f(dir.path("out"), in, false);
    std::ofstream(f.file("manifest.json")) << "{\"townsite\": \"0.1.0\"}";
    SECTION("truncated") {
        std::ofstream(data, std::ios::trunc) << "id";
        CHECK_THROWS_WITH(f.commit(), Contains("towns.csv") && Contains("changed size") && Contains("Fix:"));
    }
    SECTION("rewritten with the same size") {
        std::ofstream(data, std::ios::trunc) << "id,name\n2,甲\n";
        struct timespec later[2] = {{0, UTIME_OMIT}, {std::time(nullptr) + 5, 0}};
        REQUIRE(utimensat(AT_FDCWD, data.c_str(), later, 0) == 0);
        CHECK_THROWS_WITH(f.commit(), Contains("was modified"));
    }
    SECTION("replaced") {
        fs::remove(data);
        CHECK_THROWS_WITH(f.commit(), Contains("was removed"));
    }
    CHECK(!fs::exists(dir.path("out")));
}

TEST_CASE("a config path that is a folder or does not exist says so", "[config]") {
    TempDir dir;
    dir.write("jilin.toml", "");
    CHECK_THROWS_WITH(load_config(dir.path()), Contains("is a folder, not a config file") && Contains("jilin.toml") && Contains("Fix:"));
    CHECK_THROWS_WITH(load_config(dir.path("nope.toml")), Contains("nope.toml") && Contains("does not exist") && Contains("Fix:"));
}

TEST_CASE("the config files of an extends chain are inputs", "[config][inputs]") {
    TempDir dir;
    const std::string admin = write_admin(dir, 4326, box_wkt(125, 43, 126, 44));
    dir.write("base.toml", admin + "\n[layers.towns]\nsource = \"towns.csv\"\n");
    const std::string child = dir.write("child.toml", "[study]\nextends = \"base.toml\"\n");
    const StudyConfig cfg = load_config(child);
    REQUIRE(cfg.files.size() == 2);
    CHECK(fs::path(cfg.files[1]).filename() == "base.toml");
    const InputFiles in = InputFiles::of(cfg);
    CHECK(in.same_as(dir.path("base.toml")) != nullptr);
    CHECK(in.same_as(dir.path("admin.gpkg")) != nullptr);
}
