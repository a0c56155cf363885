// Layer I/O: the only code that opens datasets. read_layer opens one data source of the config
// through GDAL (read-only), checks its fields against the role, and reads every feature into
// GEOS geometries in WGS 84 lon/lat (after converting GCJ-02 when asked); project_layer then brings
// the layer into the working CRS and repairs or drops bad geometries, counting each case.
//
//   GeosContext geos;
//   Layer towns = read_layer(*cfg.sources("towns")[0], geos, progress);   // lon/lat
//   project_layer(towns, Transformer(crs), geos);                          // working CRS
//   for (const Feature& f : towns.features) towns.number(f, "population");
//
// Nothing here writes to a data source. Problems are collected in LayerInfo::problems rather
// than thrown, so that inspect can report every problem of every layer together; only problems
// that make the layer unreadable (missing file, layer, field, CRS) throw Error.
#pragma once

#include "geo/config.h"
#include "geo/crs.h"
#include "geo/handles.h"
#include "geo/progress.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

class GDALDataset;

namespace townsite {

// A field value as read: nothing (null), an integer (also yes/no as 1/0), a number or text.
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;

// A value as a number (integers too), or nullopt for null and text; as text (numbers printed), or "".
std::optional<double> as_number(const FieldValue& v);
std::string as_text(const FieldValue& v);

struct Feature {
    std::int64_t fid = -1;            // the data source's own feature id (FID)
    std::string id;                   // the mapped id field, else the FID as text
    std::vector<FieldValue> values;   // one per LayerInfo::fields entry
    GeomPtr geom;                     // never null in a loaded layer
};

// How one townsite field of the role is bound to the source.
struct FieldBinding {
    std::string name;           // townsite's
    FieldType type;
    bool required = false;
    std::string source_field;   // empty: not bound
    std::string source_type;    // GDAL's type name of the source column
    bool by_same_name = false;  // bound because the source has a column of the same name
    bool non_negative = false;  // FieldSpec::non_negative
    std::string osm_tag;        // read from this key of the OSM other_tags column (source_field "other_tags")
};

enum class Severity { Warning, Error };

// One kind of problem in one layer: a count, the first few feature ids, and what to do.
struct Problem {
    Severity severity = Severity::Warning;
    std::string kind;                // short key: "repaired", "empty_geometry", "duplicate_id", ...
    std::string message;             // plain words, without the ids
    std::vector<std::string> ids;    // the first few feature ids
    std::size_t count = 0;
    std::string hint;                // what to do
};

struct LayerInfo {
    std::string role;
    std::string source;       // path or connection string handed to GDAL
    std::string driver;
    std::string layer_name;
    std::string geometry_type;
    std::string crs_name;     // of the source
    int crs_epsg = 0;
    bool crs_assumed = false;
    bool gcj02 = false;
    std::string where;
    std::size_t features_read = 0;   // after the attribute filter
    std::size_t features_kept = 0;
    LonLatBox extent;                // WGS 84 lon/lat of the kept features
    std::vector<FieldBinding> fields;
    std::vector<Problem> problems;

    bool usable() const;
    // Appends the problems a later check found, merging a kind already listed (counts added, example
    // ids kept up to kExampleIds), so that checks run feature by feature list them as layer-wide runs do.
    void append_problems(const LayerInfo& later);
    Problem& problem(const std::string& kind, Severity severity, const std::string& message, const std::string& hint);
    void add_problem(const std::string& kind, Severity severity, const std::string& message, const std::string& id,
                     const std::string& hint);
};

struct Layer {
    LayerInfo info;
    const RoleSpec* spec = nullptr;
    std::vector<Feature> features;
    // The features were handed on and freed (a country's roads, once the road graph holds them):
    // `features` is empty, and stream_layer reads them again.
    bool released = false;

    int field_index(const std::string& name) const;  // -1 when the role has no such bound field
    bool has_field(const std::string& name) const { return field_index(name) >= 0; }
    std::optional<double> number(const Feature& f, const std::string& name) const;
    std::string text(const Feature& f, const std::string& name) const;
    bool flag(const Feature& f, const std::string& name) const;   // null and missing are false
};

// How many feature ids a Problem keeps as examples.
constexpr std::size_t kExampleIds = 5;

// Data sources kept open from one layer to the next, for one thread: the layers of one GeoPackage
// are read through one connection rather than each through its own (opening one costs some 10 ms:
// GDAL reads its schema again). Closes them when destroyed.
class OpenSources {
public:
    OpenSources();
    ~OpenSources();
    OpenSources(OpenSources&&) noexcept;
    OpenSources& operator=(OpenSources&&) noexcept;
    // The source opened read-only (by path, open options and encoding), from before when it is kept.
    GDALDataset& open(const LayerSource& source, LayerInfo& info);

private:
    std::map<std::string, std::shared_ptr<GDALDataset>> m_open;
    std::shared_ptr<GDALDataset> m_last;   // a source that is not kept (an OSM file), until the next one
};

// Opens and reads one source (geometries in WGS 84 lon/lat). Throws Error when it cannot be read.
// `open`: the sources this thread keeps open (else the source is opened for this layer alone).
Layer read_layer(const LayerSource& source, const GeosContext& geos, const Progress& progress = {}, OpenSources* open = nullptr);
// Transforms a layer read by read_layer into the working CRS, repairing invalid geometries
// (GEOS MakeValid) and dropping those that are empty or of the wrong dimension, with counts.
void project_layer(Layer& layer, const Transformer& to_working, const GeosContext& geos);
// read_layer and project_layer one feature at a time, without holding the layer: each kept feature,
// in the working CRS, goes to `sink` in the order read_layer keeps them. `out` gets the layer's
// info and problems. For writing out a layer too large to hold twice.
void stream_layer(const LayerSource& source, const Transformer& to_working, const GeosContext& geos, Layer& out,
                  const std::function<void(Feature&&)>& sink, const Progress& progress = {});

// A layer as written (by townsite or anyone), read back whole: every field by name, the geometry in
// WGS 84 lon/lat. For comparing runs; throws Error naming the file and layer when it cannot be read.
struct Record {
    std::map<std::string, FieldValue> values;
    GeomPtr geom;   // may be null
    std::optional<double> number(const std::string& field) const;   // nullopt: absent, null or text
    std::string text(const std::string& field) const;               // "": absent or null
};
struct Table {
    std::string path, layer;
    std::vector<std::string> fields;
    std::vector<Record> rows;
    bool has(const std::string& field) const;
};
Table read_table(const std::string& path, const std::string& layer, const GeosContext& geos);

// The files a source is made of (a Shapefile's .shp, .dbf, .prj, ...), as GDAL lists them; empty
// for sources that are not files (a PostGIS table).
std::vector<std::string> source_files(const LayerSource& source);

// Parses yes/no as planners write it: 1/0, yes/no, true/false, y/n, 是/否. nullopt when it is neither.
std::optional<bool> parse_flag(const std::string& text);
// Parses a road's one-way value: +1 along the line (yes/1/true/FT/forward/是), -1 against it
// (-1/TF/reverse/backward), 0 both ways (no/0/false/empty/both/否); nullopt when it is none of these
// (also for OSM's "reversible": one way at a time, which the graph leaves out as OSRM does).
std::optional<std::int8_t> parse_oneway(const std::string& text);
inline bool is_reversible(const std::string& oneway) { return oneway == "reversible"; }
// A road's own speed that the graph uses (km/h); anything else falls back to the class's speed.
inline bool plausible_speed_kmh(double kmh) { return kmh > 0 && kmh <= 200; }

}  // namespace townsite
