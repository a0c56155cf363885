// Helpers for tests: fixtures written to a fresh temporary folder, configs from inline TOML.
#pragma once

#include "geo/config.h"

#include <gdal_priv.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace townsite::test {

// A fresh folder under the system temp dir, removed when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string path(const std::string& name = "") const { return (m_dir / name).string(); }
    std::string write(const std::string& name, const std::string& text) const;  // returns the path

private:
    std::filesystem::path m_dir;
};

struct Feat {
    std::string wkt;                       // empty: no geometry
    std::vector<std::string> values;       // one per field, as text ("" = null)
};

// Writes a one-layer dataset with string/real fields ("name:real" makes a real field).
void write_layer(const std::string& path, const std::string& driver, const std::string& layer, int epsg,
                 const std::vector<std::string>& fields, const std::vector<Feat>& features,
                 const std::vector<std::string>& layer_options = {});

// A rectangle as a WKT polygon.
std::string box_wkt(double x0, double y0, double x1, double y1);

// One prefecture and one county ("1", 甲) covering `area_wkt`, written to admin.gpkg in `dir`;
// returns the [layers.prefectures] and [layers.counties] sections that read them.
std::string write_admin(const TempDir& dir, int epsg, const std::string& area_wkt);

// Parses a config written inline; the config "file" sits in `dir`.
StudyConfig config_from(const std::string& dir, const std::string& toml);
// The layers a config needs to parse (towns, prefectures, counties; files not read) and three
// indicators: industry (industry_output), population, roads (county_seat_min, lower is better).
extern const char* const kConfigLayers;
extern const char* const kThreeIndicators;

// A shell command's exit code (-1 when it did not exit) and all it printed, stdout and stderr
// together; for running townsite as a user does.
struct Run {
    int exit_code;
    std::string out;
};
Run run_shell(const std::string& command);

// A file's bytes ("" when it cannot be read).
std::string slurp(const std::string& path);

// Where ../shared/data is; empty when it is absent (a user's fresh clone).
std::string shared_data();

// Another format's copy of one layer, for check_same_as_gpkg.
struct ReadBack {
    GDALDatasetUniquePtr ds;                  // the layer is its only (or same-named) layer
    std::map<std::string, std::string> renamed;  // full field name -> name in the copy
    bool dbf = false;                         // a Shapefile: empty text reads as null, text cut at 254 bytes with …
};
// Every layer of a GeoPackage run against its copy: the same features in the same order, every
// field's value (reals to 1e-9), the same places (envelopes to 1e-7 degrees, polygon areas to 1e-7).
// `open(name, is_table)` opens the copy of one layer. Checks with Catch; counts layers, values and
// Chinese texts compared and requires enough of each.
void check_same_as_gpkg(const std::string& gpkg, const std::function<ReadBack(const std::string& name, bool is_table)>& open);

}  // namespace townsite::test
