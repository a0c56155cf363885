// Writing results: the only code besides layer.cpp that touches a dataset, and the only code that
// writes one. Everything is written to a temporary file beside the target and renamed into place
// by commit(), so an interrupted run leaves what was there before; a target that is one of the
// study's inputs is refused.
//
//   OutputDataset out("out/access.gpkg", "", study, {.overwrite = true});
//   OutputLayer& towns = out.layer("towns", wkbPoint, {{"id", OFTString}, {"travel_min", OFTReal}});
//   towns.add({std::string("220122100"), 12.5}, point_in_working_crs);
//   out.commit();
#pragma once

#include "geo/gpkg_rtree.h"
#include "geo/inputs.h"
#include "geo/layer.h"
#include "geo/study.h"
#include "geo/text.h"

#include <ogr_core.h>

#include <memory>
#include <string>
#include <vector>

class GDALDataset;
class OGRLayer;
class OGRFeature;
class OGRCoordinateTransformation;

namespace townsite {

struct OutField {
    std::string name;
    OGRFieldType type;
    // Shown by QGIS instead of the name: in the QML styles, and in the data source where GDAL (3.7+)
    // stores them. Given as words and unit, the layer's field says them in the dataset's language.
    std::string alias;
    Words label = {};
    std::string unit = {};
};

struct OutputOptions {
    std::string format;                  // GDAL driver short name; empty: from the file extension
    std::string target_crs = "EPSG:4326";  // CRS of the written geometries ("" or "working": the study's)
    bool overwrite = false;
    std::vector<std::string> layer_options;  // GDAL layer creation options, KEY=VALUE (e.g. WRITE_BOM=YES for CSV)
    Lang lang = Lang::zh;                     // of the field aliases
    bool geometry = true;                     // false: every layer a table, its geometries left out
};

class OutputLayer {
public:
    // values: one per field, in order; a NaN double is written as null. geom: working CRS, may be null.
    void add(const std::vector<FieldValue>& values, const GEOSGeometry* geom);

    // add() in two halves, for a layer too large to convert and write on one thread: prepare() on
    // any thread, with that thread's GEOS context and its own copy of the transformation to the
    // output CRS (transformation()); write() on the thread that made the dataset, in order.
    struct Prepared {
        struct Deleter {
            void operator()(OGRFeature* f) const;
        };
        std::unique_ptr<OGRFeature, Deleter> feature;
        bool cut = false;   // a text cut to a Shapefile's 254 bytes
    };
    struct TransformDeleter {
        void operator()(OGRCoordinateTransformation* ct) const;
    };
    using Transformation = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;
    Transformation transformation() const;   // null: the output is in the working CRS
    Prepared prepare(const std::vector<FieldValue>& values, const GEOSGeometry* geom, const GeosContext& geos,
                     OGRCoordinateTransformation* to_output) const;
    void write(Prepared prepared);
    std::size_t count() const { return m_count; }
    const std::string& name() const { return m_name; }
    const std::vector<OutField>& fields() const { return m_fields; }
    OGRwkbGeometryType geometry_type() const { return m_type; }

private:
    friend class OutputDataset;
    OGRLayer* m_layer = nullptr;
    class OutputDataset* m_owner = nullptr;
    std::vector<OutField> m_fields;          // as written (a Shapefile's names cut to 10 characters)
    std::vector<std::string> m_full_names;   // as the command named them
    std::string m_name;
    OGRwkbGeometryType m_type = wkbUnknown;
    std::size_t m_count = 0;
};

class OutputDataset {
public:
    OutputDataset(std::string path, const Study& study, OutputOptions options);
    ~OutputDataset();
    OutputDataset(const OutputDataset&) = delete;
    OutputDataset& operator=(const OutputDataset&) = delete;

    OutputLayer& layer(const std::string& name, OGRwkbGeometryType type, const std::vector<OutField>& fields);
    // A QGIS style (QML) for a layer, applied when QGIS opens it: in a GeoPackage, a row of the
    // layer_styles table that QGIS reads (useAsDefault); other formats ignore it (see supports_styles).
    void style(const std::string& layer, const std::string& name, const std::string& qml);
    bool supports_styles() const { return m_driver == "GPKG" || database(); }
    // A PostGIS database ("PG:..." with -f PostgreSQL): tables replaced only with overwrite, all
    // of them and their styles in one transaction.
    bool database() const { return m_driver == "PostgreSQL"; }
    Lang lang() const { return m_options.lang; }   // of the aliases and of texts written for people
    // The layers written so far, in order.
    std::vector<const OutputLayer*> layers() const;
    // Moves the output into place whole: one rename, or every part of every Shapefile (x.shp, .shx,
    // .dbf, .prj, .cpg, and x.fields.csv where field names were cut; a second layer as x_LAYER.shp).
    void commit();
    const std::string& path() const { return m_path; }
    const std::string& driver() const { return m_driver; }
    std::vector<std::string> files() const;  // after commit(): every file written
    // Text values longer than a Shapefile's 254 bytes, cut (ending in "…"): for the user to hear of.
    std::size_t cut_texts() const { return m_cut_texts; }

private:
    void open_database();
    void create_dataset();
    void set_target_crs();
    void write_database_styles();
    std::string shapefile_base(std::size_t layer) const;
    void commit_shapefiles();
    friend class OutputLayer;
    std::string m_path, m_tmp, m_driver;
    const Study& m_study;
    OutputOptions m_options;
    struct Closer {
        void operator()(GDALDataset* ds) const;  // GDALClose
    };
    struct CtDeleter {
        void operator()(OGRCoordinateTransformation* ct) const;
    };
    std::unique_ptr<GDALDataset, Closer> m_ds;
    std::unique_ptr<OGRCoordinateTransformation, CtDeleter> m_ct;
    // A CSV table (no geometry, GDAL's default options) is written here directly, in GDAL's own
    // layout: GDAL's CSV driver takes about 11 µs a row, too slow for a million-row od matrix.
    class CsvTable;
    struct CsvTableDeleter {
        void operator()(CsvTable* t) const;
    };
    std::unique_ptr<CsvTable, CsvTableDeleter> m_csv;
    std::vector<std::unique_ptr<OutputLayer>> m_layers;
    struct Style {
        std::string layer, name, qml;
    };
    std::vector<Style> m_styles;
    std::vector<RtreeTable> m_rtrees;   // GeoPackage layers whose spatial index commit() packs
    bool m_committed = false;
    bool m_in_transaction = false;
    std::size_t m_cut_texts = 0;
    void write_styles();
};

// A folder of outputs written as a whole, without ever losing what was there:
//   - refused before any work when the folder holds one of the study's inputs, however the path
//     reaches it (links, "..", bind mounts: compared by device and inode);
//   - an existing folder is replaced only with `overwrite`, and only when townsite wrote it (it
//     holds townsite's manifest.json) or it is empty;
//   - a lock beside the folder (.NAME.lock, flock) makes a second run into the same folder fail
//     at once instead of replacing the first's outputs;
//   - everything is written into a temporary folder beside it, which commit() swaps into place in
//     one atomic step (renameat2 RENAME_EXCHANGE), after checking that no input changed;
//   - what a killed run left (its temporary folder, or the previous outputs moved aside by an older
//     two-step swap) is cleaned up or restored by the next run, which says so in notes().
//
//   OutputFolder dir("out", InputFiles::of(config), overwrite);   // checks before any work
//   OutputDataset gpkg(dir.file("townsite.gpkg"), study, {...});
//   dir.commit();
class OutputFolder {
public:
    // `signature`: the file that marks a folder as townsite's (it must name "townsite").
    OutputFolder(std::string path, InputFiles inputs, bool overwrite, std::string signature = "manifest.json");
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;
    std::string file(const std::string& name) const;   // in the temporary folder until commit()
    const std::string& path() const { return m_path; }
    // What was found and put right before the run (for the user to read).
    const std::vector<std::string>& notes() const { return m_notes; }
    void commit();

private:
    std::string m_path, m_target, m_tmp, m_lock_path, m_signature;
    InputFiles m_inputs;
    std::vector<std::string> m_notes;
    int m_lock_fd = -1;
    bool m_overwrite = false, m_committed = false;
    void check_replaceable() const;
    void recover();
    void release_lock();
};

// Connects to a PostGIS database for writing, and lets go; throws Error with the fix when it cannot
// (for commands that check their output before the work).
void check_output_database(const std::string& connection);

// Writes a text file whole (UTF-8 bytes as given); throws Error naming the file when it cannot.
void write_text_file(const std::string& path, const std::string& text);
// The same through a temporary file renamed into place; an existing file is replaced only with
// `overwrite`, never when it is one of `inputs`.
void replace_text_file(const std::string& path, const std::string& text, bool overwrite, const InputFiles& inputs = {});

// The GDAL driver for a file name's extension (.gpkg, .geojson, .fgb, .csv, .xlsx, .shp, ...), or "".
std::string driver_for_path(const std::string& path);
// The usual file extension of a GDAL vector driver (GPKG: "gpkg", GeoJSON: "geojson", ...), or "".
std::string extension_for_driver(const std::string& driver);


}  // namespace townsite
