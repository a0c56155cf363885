#include "tests/support.h"

#include "geo/error.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <atomic>
#include <cstdio>
#include <iterator>
#include <sys/wait.h>
#include <fstream>
#include <unistd.h>

namespace townsite::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    m_dir = fs::temp_directory_path() / ("townsite-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
}

void write_layer(const std::string& path, const std::string& driver, const std::string& layer, int epsg,
                 const std::vector<std::string>& fields, const std::vector<Feat>& features,
                 const std::vector<std::string>& layer_options) {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) throw Error("test fixture: cannot create " + path + ": " + gdal_last_error());
    OGRSpatialReference srs;
    if (epsg) srs.importFromEPSG(epsg);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    CPLStringList opts;
    for (const auto& o : layer_options) opts.AddString(o.c_str());
    // The layer's geometry type is that of the first feature with a geometry.
    OGRwkbGeometryType type = wkbUnknown;
    for (const auto& feat : features)
        if (!feat.wkt.empty()) {
            OGRGeometry* g = nullptr;
            OGRGeometryFactory::createFromWkt(feat.wkt.c_str(), nullptr, &g);
            type = g->getGeometryType();
            OGRGeometryFactory::destroyGeometry(g);
            break;
        }
    OGRLayer* l = ds->CreateLayer(layer.c_str(), epsg ? &srs : nullptr, type, opts.List());
    std::vector<std::string> names;
    for (const auto& f : fields) {
        const auto colon = f.find(':');
        const std::string name = f.substr(0, colon);
        OGRFieldDefn fd(name.c_str(), colon != std::string::npos && f.substr(colon + 1) == "real" ? OFTReal : OFTString);
        l->CreateField(&fd);
        names.push_back(name);
    }
    for (const auto& feat : features) {
        OGRFeature f(l->GetLayerDefn());
        for (size_t i = 0; i < feat.values.size(); ++i)
            if (!feat.values[i].empty()) f.SetField(names[i].c_str(), feat.values[i].c_str());
        if (!feat.wkt.empty()) {
            OGRGeometry* g = nullptr;
            OGRGeometryFactory::createFromWkt(feat.wkt.c_str(), nullptr, &g);
            f.SetGeometryDirectly(g);
        }
        if (l->CreateFeature(&f) != OGRERR_NONE) throw Error("test fixture: cannot write to " + path + ": " + gdal_last_error());
    }
}

std::string box_wkt(double x0, double y0, double x1, double y1) {
    auto p = [](double x, double y) { return std::to_string(x) + " " + std::to_string(y); };
    return "POLYGON ((" + p(x0, y0) + ", " + p(x1, y0) + ", " + p(x1, y1) + ", " + p(x0, y1) + ", " + p(x0, y0) + "))";
}

std::string write_admin(const TempDir& dir, int epsg, const std::string& area_wkt) {
    write_layer(dir.path("admin.gpkg"), "GPKG", "admin", epsg, {"id", "name", "prefecture"}, {{area_wkt, {"1", "甲", "1"}}});
    return "[layers.prefectures]\nsource = \"admin.gpkg\"\n[layers.counties]\nsource = \"admin.gpkg\"\n";
}

const char* const kConfigLayers = "[layers.towns]\nsource = \"t.gpkg\"\n[layers.prefectures]\nsource = \"a.gpkg\"\n[layers.counties]\nsource = \"a.gpkg\"\n";
const char* const kThreeIndicators = R"(
[[scoring.indicators]]
name = "industry"
field = "industry_output"
[[scoring.indicators]]
name = "population"
field = "population"
[[scoring.indicators]]
name = "roads"
field = "county_seat_min"
direction = "lower"
)";

StudyConfig config_from(const std::string& dir, const std::string& toml) {
    return parse_config(toml, (fs::path(dir) / "study.toml").string());
}

Run run_shell(const std::string& command) {
    const std::string cmd = command + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) throw Error("test support: cannot run " + command);
    std::string out;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string shared_data() {
    const std::string dir = TOWNSITE_SHARED_DATA;
    return fs::exists(dir + "/jilin/ne10m_cn_border_jilin.geojson") ? dir : std::string();
}

void check_same_as_gpkg(const std::string& gpkg, const std::function<ReadBack(const std::string& name, bool is_table)>& open) {
    GDALDatasetUniquePtr ref(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR));
    REQUIRE(ref);
    std::size_t layers = 0, values = 0, chinese = 0;
    for (OGRLayer* l : ref->GetLayers()) {
        const std::string name = l->GetName();
        if (name == "layer_styles") continue;
        ++layers;
        INFO("layer " << name);
        const bool table = l->GetGeomType() == wkbNone;
        ReadBack copy = open(name, table);
        REQUIRE(copy.ds);
        OGRLayer* o = copy.ds->GetLayerByName(name.c_str());
        if (!o) o = copy.ds->GetLayer(0);
        REQUIRE(o);
        REQUIRE(o->GetFeatureCount() == l->GetFeatureCount());
        std::map<std::string, std::string> column;  // full name -> name in the copy
        for (int i = 0; i < l->GetLayerDefn()->GetFieldCount(); ++i) {
            const std::string full = l->GetLayerDefn()->GetFieldDefn(i)->GetNameRef();
            column[full] = copy.renamed.count(full) ? copy.renamed.at(full) : full;
        }
        l->ResetReading();
        o->ResetReading();
        for (auto& want : *l) {
            std::unique_ptr<OGRFeature> got(o->GetNextFeature());
            REQUIRE(got);
            for (const auto& [full, short_name] : column) {
                const int wi = want->GetFieldIndex(full.c_str()), gi = got->GetFieldIndex(short_name.c_str());
                INFO("field " << full << " (" << short_name << ")");
                REQUIRE(gi >= 0);
                const bool set = want->IsFieldSetAndNotNull(wi) && (!copy.dbf || *want->GetFieldAsString(wi));
                CHECK(set == got->IsFieldSetAndNotNull(gi));
                if (!set) continue;
                ++values;
                const std::string w = want->GetFieldAsString(wi), g = got->GetFieldAsString(gi);
                if (want->GetFieldDefnRef(wi)->GetType() == OFTReal)
                    CHECK(got->GetFieldAsDouble(gi) == Approx(want->GetFieldAsDouble(wi)).epsilon(1e-9).margin(1e-9));
                else if (copy.dbf && w.size() > 254)  // cut at a character, marked
                    CHECK((g.size() <= 254 && g.size() >= 250 && g.substr(g.size() - 3) == "…" && w.rfind(g.substr(0, g.size() - 3), 0) == 0));
                else
                    CHECK(g == w);
                chinese += static_cast<unsigned char>(w[0]) >= 0xE4;
            }
            if (!table) {
                REQUIRE(got->GetGeometryRef());
                OGREnvelope a, b;
                want->GetGeometryRef()->getEnvelope(&a);
                got->GetGeometryRef()->getEnvelope(&b);
                CHECK(std::max({std::fabs(a.MinX - b.MinX), std::fabs(a.MaxX - b.MaxX), std::fabs(a.MinY - b.MinY), std::fabs(a.MaxY - b.MaxY)}) < 1e-7);
                if (const auto* s = dynamic_cast<const OGRSurface*>(want->GetGeometryRef()))
                    CHECK(OGR_G_Area(OGRGeometry::ToHandle(got->GetGeometryRef())) == Approx(s->get_Area()).epsilon(1e-7));
            }
        }
    }
    CHECK(layers >= 10);
    CHECK(values > 100000);
    CHECK(chinese > 1000);
}

}  // namespace townsite::test
