// Output to PostGIS, against a real server: a throw-away cluster under the build folder (Debian's
// postgresql and postgresql-15-postgis-3, initdb, pg_ctl start/stop), skipped with a message where
// they are not installed. As root the cluster runs as the postgres user, as PostgreSQL requires.
#include "tests/support.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <glob.h>
#include <unistd.h>

using namespace townsite;
using namespace townsite::test;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

Run run(const std::string& args) { return run_shell(std::string(TOWNSITE_BIN) + " " + args); }

std::string first_match(const std::string& pattern) {
    glob_t g{};
    std::string out;
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) out = g.gl_pathv[g.gl_pathc - 1];
    globfree(&g);
    return out;
}

class Cluster {
public:
    Cluster() {
        m_bin = fs::path(first_match("/usr/lib/postgresql/*/bin/initdb")).parent_path().string();
        if (m_bin.empty() || first_match("/usr/share/postgresql/*/extension/postgis.control").empty()) {
            m_why = "PostgreSQL or PostGIS is not installed (tools/setup.sh installs postgresql and postgresql-15-postgis-3)";
            return;
        }
        m_port = std::to_string(50000 + getpid() % 10000);
        m_as = geteuid() == 0 ? "runuser -u postgres -- " : "";
        // Under the build folder; under /tmp where the postgres user cannot reach the build folder
        // (a clone in root's home).
        for (const std::string& parent : {std::string(TOWNSITE_BUILD_DIR), fs::temp_directory_path().string()}) {
            m_dir = parent + "/townsite-pg-test-" + std::to_string(getpid());
            fs::remove_all(m_dir);
            fs::create_directories(m_dir);
            if (geteuid() != 0 || (run_shell("chown postgres " + m_dir).exit_code == 0 && run_shell(m_as + "test -w " + m_dir).exit_code == 0))
                break;
            fs::remove_all(m_dir);
            m_dir.clear();
        }
        if (m_dir.empty()) {
            m_why = "the postgres user can write neither under the build folder nor under " + fs::temp_directory_path().string();
            return;
        }
        for (const std::string& step :
             {m_as + m_bin + "/initdb -D " + m_dir + "/data -A trust -U postgres -E UTF8 --locale=C.UTF-8",
              m_as + m_bin + "/pg_ctl -D " + m_dir + "/data -l " + m_dir + "/log -w -o \"-k " + m_dir + " -p " + m_port +
                  " -c listen_addresses=''\" start",
              psql("postgres", "CREATE DATABASE plan"), psql("plan", "CREATE EXTENSION postgis")}) {
            const Run r = run_shell(step);
            if (r.exit_code != 0) {
                m_why = "setting up the test cluster failed: " + step + "\n" + r.out;
                return;
            }
            m_started = m_started || step.find("pg_ctl") != std::string::npos;
        }
    }
    ~Cluster() {
        if (m_started) run_shell(m_as + m_bin + "/pg_ctl -D " + m_dir + "/data -m immediate -w stop");
        std::error_code ec;
        if (!m_dir.empty()) fs::remove_all(m_dir, ec);
    }
    bool ok() const { return m_why.empty(); }
    const std::string& why() const { return m_why; }
    std::string connection() const { return "PG:host=" + m_dir + " port=" + m_port + " user=postgres dbname=plan"; }
    std::string psql(const std::string& db, const std::string& sql) const {
        return "psql -X -q -At -h " + m_dir + " -p " + m_port + " -U postgres -d " + db + " -c \"" + sql + "\"";
    }
    std::string query(const std::string& sql) const { return run_shell(psql("plan", sql)).out; }

private:
    std::string m_bin, m_dir, m_port, m_as, m_why;
    bool m_started = false;
};

}  // namespace

TEST_CASE("PostGIS: every layer and its style into a real database, replaced only with --overwrite, in one transaction",
          "[cli][postgis][slow]") {
    const Cluster pg;
    if (!pg.ok()) {
        WARN("skipped: " << pg.why());
        return;
    }
    const std::string db = "\"" + pg.connection() + "\"";

    // A single-file command: its seven layers, each with a default style in QGIS's layer_styles.
    Run r = run("-q access -o " + db);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(pg.query("SELECT count(*) FROM towns") == "1075\n");
    CHECK(pg.query("SELECT name FROM towns WHERE id = '220102002'") == "自强街道\n");
    CHECK(pg.query("SELECT ST_SRID(wkb_geometry) FROM towns LIMIT 1") == "4326\n");
    CHECK(pg.query("SELECT count(*) FROM layer_styles WHERE useasdefault AND stylename = 'townsite' "
                   "AND f_table_schema = 'public' AND f_geometry_column = 'wkb_geometry' AND styleqml::text LIKE '%renderer-v2%'") == "7\n");

    // Again: refused without --overwrite, replaced with it (the styles replaced, not added).
    r = run("-q access -o " + db);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains("the table \"towns\" exists already") && Contains("--overwrite"));
    REQUIRE(run("-q access --overwrite -o " + db).exit_code == 0);
    CHECK(pg.query("SELECT count(*) FROM layer_styles") == "7\n");

    // run --db: the layers in the database, the project pointing at them; the same towns as in a GeoPackage run.
    TempDir dir;
    pg.query("DROP TABLE IF EXISTS towns, villages, isochrones, road_dead_ends, dead_end_links, road_components, towns_without_seat_route, layer_styles");
    r = run("-q run -o " + dir.path("out") + " --db " + db + " --sensitivity 0");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    REQUIRE(run("-q run -o " + dir.path("gpkg") + " --sensitivity 0").exit_code == 0);
    std::size_t layers = 0;
    check_same_as_gpkg(dir.path("gpkg/townsite.gpkg"), [&](const std::string&, bool) {
        ++layers;
        return ReadBack{GDALDatasetUniquePtr(GDALDataset::Open(pg.connection().c_str(), GDAL_OF_VECTOR)), {}, false};
    });
    CHECK(pg.query("SELECT count(*) FROM layer_styles") == std::to_string(layers) + "\n");
    CHECK_THAT(slurp(dir.path("out/townsite.qgs")), Contains(pg.connection() + "|layername=demo_towns"));

    // A run that fails half-way leaves the database as it was: one late table in the way, no --overwrite.
    pg.query("DROP TABLE IF EXISTS towns, demo_towns, villages, coverage_gaps, network_extensions, isochrones, road_dead_ends, dead_end_links, "
             "works, roads, road_components, counties, prefectures, towns_without_seat_route, layer_styles");
    pg.query("CREATE TABLE scenario_tiers (x int)");
    r = run("-q run -o " + dir.path("out2") + " --db " + db + " --sensitivity 0");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains("\"scenario_tiers\" exists already"));
    CHECK(pg.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'") == "1\n");
    CHECK_FALSE(fs::exists(dir.path("out2")));

    // No server there: a clear error before any work.
    r = run("-q run -o " + dir.path("out3") + " --db \"PG:host=" + dir.path() + " port=1 dbname=none\"");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Contains("cannot connect to") && Contains("CREATE EXTENSION postgis"));
}
