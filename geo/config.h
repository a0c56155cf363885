// The study configuration: a TOML file (toml++) that says where each layer of the study comes from
// and how its fields map onto townsite's. Every problem (unknown key, wrong type, missing role)
// is an Error naming the config file, the line and the key, with what would be valid; all problems
// of one file are reported together.
//
//   StudyConfig cfg = load_config("sample_data/jilin.toml");
//   for (const LayerSource& src : cfg.sources("towns")) open(src.resolved, src.layer);
//
// Paths in `source` are relative to the config file; anything that looks like a GDAL connection
// string (`PG:...`, `/vsizip/...`, `GPKG:...`) is passed to GDAL as written.
//
// [layers.ROLE] is a table, or an array of tables ([[layers.water]]) when one role is drawn from
// several layers (for example pipes as lines and plants as points).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace townsite {

enum class FieldType { Text, Integer, Real, Bool };
enum class GeomKind { Point, Line, Polygon, Any };

const char* to_string(FieldType t);
const char* to_string(GeomKind k);

// One field a role understands: townsite's name, the type it must have, whether it is required.
struct FieldSpec {
    std::string name;
    FieldType type;
    bool required;
    std::string meaning;
    bool non_negative = false;   // a count, size or rate: a value below 0 is an error (coordinates and indicators may be negative)
};

// One layer role of a study (towns, roads, ...): its fields and the geometry it expects.
struct RoleSpec {
    std::string name;
    GeomKind geometry;
    bool required;
    std::vector<FieldSpec> fields;
    std::string meaning;

    const FieldSpec* field(const std::string& field_name) const;
};

// Every role townsite knows, in the order inspect lists them.
const std::vector<RoleSpec>& role_catalogue();
const RoleSpec* find_role(const std::string& name);

struct FieldMapping {
    std::string source_field;  // the column in the data source
    int line = 0;              // where the config maps it
};

// One data source of one role, as the config describes it.
struct LayerSource {
    std::string role;
    std::string source;    // as written in the config
    std::string resolved;  // the path or connection string handed to GDAL
    std::string layer;     // empty: the data source's only layer
    std::string where;     // OGR SQL attribute filter, empty for none
    std::map<std::string, FieldMapping> fields;  // townsite field -> source field
    std::map<std::string, FieldMapping> extra_fields;  // more numeric columns: name -> source field
    std::string assume_crs;                      // for sources with no CRS
    std::string encoding;                        // e.g. GBK, for Shapefiles without .cpg
    std::vector<std::string> osm_tags;           // roads: OSM tags read from other_tags (default_osm_tags())
    bool gcj02 = false;                          // coordinates = "gcj02": convert to WGS 84 on load
    std::vector<std::string> open_options;       // GDAL open options, KEY=VALUE
    int line = 0;                                // line of the [layers.ROLE] table
    std::string config_path;                     // the config file that describes it
};

struct StudyConfig {
    std::string path;  // the config file
    std::string dir;   // its folder: relative sources resolve against it
    std::string name;  // [study] name
    std::string crs;   // [study] crs; empty = choose one for the data extent
    int year = 0;      // [study] year: the year the data describe (0: not given); the yearly review labels runs by it
    std::vector<std::string> files;   // the config file and every file its `extends` chain read, in that order
    std::vector<LayerSource> layers;  // in role_catalogue() order, then config order
    toml::table table;                // the whole file, for sections that analyses read

    std::vector<const LayerSource*> sources(const std::string& role) const;
    bool has(const std::string& role) const { return !sources(role).empty(); }
};

// A source that GDAL opens as written (PG:..., /vsizip/..., GPKG:...), not a path relative to the config.
bool looks_like_connection_string(const std::string& source);

// Reads and checks a study config. Throws Error (with all problems found) when it is not valid.
StudyConfig load_config(const std::string& path);
StudyConfig parse_config(const std::string& text, const std::string& path);

// A problem found while checking a config; load_config turns the list into one Error.
struct ConfigProblem {
    int line;
    std::string message;
    std::string hint;
};

// For sections that analyses add to the config, so that every key is checked the same way:
// one problem per key of `table` (found at `key_path`, e.g. "layers.towns") not in `allowed`.
void check_keys(const toml::table& table, const std::string& key_path, const std::vector<std::string>& allowed,
                std::vector<ConfigProblem>& problems);
// The table [name] of the config, or nullptr when it is absent (a problem when it is not a table).
const toml::table* config_section(const StudyConfig& config, const std::string& name, std::vector<ConfigProblem>& problems);
// Reads the optional number at `key` of `table` (found at `key_path`) into `out` when it lies in
// [min, max]; anything else is a problem that gives the valid range and an example.
void read_number(const toml::table& table, const std::string& key_path, const std::string& key, double& out, double min,
                 double max, std::vector<ConfigProblem>& problems);
// The same for a string (one of `choices` when they are given), true/false, a whole number in
// [min, max], and a list of strings.
void read_text(const toml::table& table, const std::string& key_path, const std::string& key, std::string& out,
               std::vector<ConfigProblem>& problems, const std::vector<std::string>& choices = {});
void read_bool(const toml::table& table, const std::string& key_path, const std::string& key, bool& out,
               std::vector<ConfigProblem>& problems);
void read_integer(const toml::table& table, const std::string& key_path, const std::string& key, int& out, int min, int max,
                  std::vector<ConfigProblem>& problems);
void read_text_list(const toml::table& table, const std::string& key_path, const std::string& key,
                    std::vector<std::string>& out, std::vector<ConfigProblem>& problems);
// The node's value when it is a finite number (TOML allows inf and nan, which no option means).
std::optional<double> finite_number(const toml::node& node);
// Where a node of the config is (its line).
inline int config_line(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

// Throws one Error holding every problem (file and line in each); does nothing when there are none.
void throw_config_problems(const std::string& file, const std::vector<ConfigProblem>& problems);


}  // namespace townsite
