// Helpers for tests: fixtures written to a fresh temporary folder, configs from inline TOML.
#pragma once

#include "geo/config.h"

#include <filesystem>
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

}  // namespace townsite::test
