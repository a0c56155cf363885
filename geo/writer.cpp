#include "geo/writer.h"

#include "geo/error.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace townsite {

namespace fs = std::filesystem;

std::string driver_for_path(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".gpkg") return "GPKG";
    if (ext == ".geojson" || ext == ".json") return "GeoJSON";
    if (ext == ".fgb") return "FlatGeobuf";
    if (ext == ".csv") return "CSV";
    if (ext == ".xlsx") return "XLSX";
    if (ext == ".shp") return "ESRI Shapefile";
    if (ext == ".sqlite") return "SQLite";
    if (ext == ".gml") return "GML";
    if (ext == ".kml") return "KML";
    if (path.rfind("PG:", 0) == 0) return "PostgreSQL";
    return "";
}

std::string extension_for_driver(const std::string& driver) {
    static const std::map<std::string, std::string> usual = {{"GPKG", "gpkg"}, {"GeoJSON", "geojson"}, {"FlatGeobuf", "fgb"},
                                                             {"ESRI Shapefile", "shp"}, {"CSV", "csv"}, {"XLSX", "xlsx"}};
    if (auto it = usual.find(driver); it != usual.end()) return it->second;
    if (GDALDriver* d = GetGDALDriverManager()->GetDriverByName(driver.c_str()))
        if (const char* ext = d->GetMetadataItem(GDAL_DMD_EXTENSIONS)) {
            std::string first = ext;
            return first.substr(0, first.find(' '));
        }
    return "";
}

namespace {

constexpr std::size_t kDbfTextBytes = 254;
const std::vector<std::string> kShapefileParts = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".fields.csv"};

// The files a dataset of this driver at `path` consists of (a Shapefile's side-cars too).
std::vector<std::string> dataset_files(const std::string& path, const std::string& driver) {
    std::vector<std::string> out{path};
    if (driver == "ESRI Shapefile")
        for (const std::string& ext : kShapefileParts) out.push_back(fs::path(path).replace_extension(ext).string());
    return out;
}

// DBF field names: at most 10 bytes, unique (case-insensitively, as dBASE compares them); longer
// names are cut and numbered where two would meet.
std::vector<std::string> dbf_names(const std::vector<OutField>& fields) {
    std::vector<std::string> out;
    std::set<std::string> taken;
    auto key = [](std::string n) {
        for (char& c : n) c = char(std::tolower(static_cast<unsigned char>(c)));
        return n;
    };
    for (const OutField& f : fields) {
        std::string n = f.name.substr(0, 10);
        for (int k = 1; taken.count(key(n)); ++k) {
            std::string suffix = "_";
            suffix += std::to_string(k);
            n = f.name.substr(0, 10 - suffix.size());
            n += suffix;
        }
        taken.insert(key(n));
        out.push_back(n);
    }
    return out;
}

}  // namespace

OutputDataset::OutputDataset(std::string path, const Study& study, OutputOptions options)
    : m_path(std::move(path)), m_study(study), m_options(std::move(options)) {
    m_driver = m_options.format.empty() ? driver_for_path(m_path) : m_options.format;
    if (m_driver.empty())
        throw Error("cannot tell the output format from the name \"" + m_path + "\"")
            .with_hint("give a name ending in .gpkg, .geojson, .fgb, .csv, .xlsx or .shp, or say -f GPKG.");
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(m_driver.c_str());
    if (!drv || !drv->GetMetadataItem(GDAL_DCAP_CREATE))
        throw Error("GDAL has no driver \"" + m_driver + "\" that can create datasets")
            .with_hint("use -f with a vector driver GDAL lists under `ogrinfo --formats`, e.g. GPKG or GeoJSON.");
    if (m_driver == "PostgreSQL") {
        open_database();
        return;
    }
    for (const std::string& file : dataset_files(m_path, m_driver))
        if (const InputFile* f = study.inputs.same_as(file))
            throw Error("the output " + m_path + " would replace one of the study's inputs (" + f->path + ", " + f->role + ")")
                .with_hint("write the results somewhere else: townsite never writes to its inputs.");
    if (fs::exists(m_path) && !m_options.overwrite)
        throw Error("the output " + m_path + " exists already")
            .with_hint("add --overwrite to replace it, or choose another name.");
    if (!m_path.empty() && fs::path(m_path).has_parent_path()) fs::create_directories(fs::path(m_path).parent_path());

    const fs::path p(m_path);
    std::string tmp_name = ".";  // built step by step: GCC 12 warns falsely (-Wrestrict) on one long concatenation
    tmp_name += p.stem().string();
    tmp_name += ".tmp-" + std::to_string(getpid());
    // A Shapefile is several files (and one layer each): GDAL writes them into a temporary folder,
    // and commit() moves every part into place.
    if (m_driver != "ESRI Shapefile") tmp_name += p.extension().string();
    m_tmp = (p.parent_path() / tmp_name).string();
    fs::remove_all(m_tmp);
    // A CSV file waits for its first layer: a table without geometry is written directly.
    if (m_driver != "CSV") create_dataset();
    set_target_crs();
}

void OutputDataset::create_dataset() {
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(m_driver.c_str());
    m_ds.reset(drv->Create(m_tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m_ds) throw Error("cannot create " + m_path + ": " + gdal_last_error()).with_hint("check that the folder is writable.");
}

// One CSV table in the layout GDAL's CSV driver writes with its default options (tested against
// it): a header of the field names; reals as %.15g; every other value quoted when it reads as a
// number (STRING_QUOTING=IF_AMBIGUOUS, so that ids such as 220102 stay text), else quoted only when
// it holds a separator, a quote or a line break; null and empty as nothing; LF line ends.
class OutputDataset::CsvTable {
public:
    CsvTable(const std::string& tmp, std::string shown, bool bom) : m_shown(std::move(shown)) {
        m_file = std::fopen(tmp.c_str(), "wb");
        if (!m_file) throw Error("cannot create " + m_shown + ": " + std::strerror(errno)).with_hint("check that the folder is writable.");
        if (bom) m_buf = "\xEF\xBB\xBF";
    }
    ~CsvTable() {
        m_feature.reset();
        if (m_defn) m_defn->Release();
        if (m_file) std::fclose(m_file);
    }
    CsvTable(const CsvTable&) = delete;
    CsvTable& operator=(const CsvTable&) = delete;

    void header(const std::vector<OutField>& fields) {
        m_defn = new OGRFeatureDefn();
        m_defn->Reference();
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i > 0) m_buf += ',';
            append_escaped(fields[i].name, false);
            m_types.push_back(fields[i].type);
            OGRFieldDefn fd(fields[i].name.c_str(), fields[i].type);
            m_defn->AddFieldDefn(&fd);
        }
        m_buf += '\n';
    }

    void row(const std::vector<FieldValue>& values) {
        for (std::size_t i = 0; i < m_types.size(); ++i) {
            if (i > 0) m_buf += ',';
            const FieldValue& v = i < values.size() ? values[i] : FieldValue{};
            const bool real = m_types[i] == OFTReal;
            if (const auto* d = std::get_if<double>(&v); d && real) {
                if (std::isfinite(*d)) append_number(*d);
            } else if (const auto* n = std::get_if<std::int64_t>(&v); n && m_types[i] != OFTString) {
                if (real) append_number(double(*n));
                else append_quoted_integer(*n);
            } else if (const auto* s = std::get_if<std::string>(&v); s && m_types[i] == OFTString) {
                append_escaped(*s, CPLGetValueType(s->c_str()) != CPL_VALUE_STRING);
            } else if (!std::holds_alternative<std::monostate>(v)) {
                append_converted(int(i), v);
            }
        }
        m_buf += '\n';
        if (m_buf.size() >= (1u << 20)) flush();
    }

    // Writes what is left and closes the file; a full disk is an error here, not a short file.
    void close() {
        flush();
        const int rc = std::fclose(m_file);
        m_file = nullptr;
        if (rc != 0) throw Error("cannot finish writing " + m_shown + ": " + std::strerror(errno)).with_hint("check the free space.");
    }

private:
    void flush() {
        if (!m_buf.empty() && std::fwrite(m_buf.data(), 1, m_buf.size(), m_file) != m_buf.size())
            throw Error("cannot write " + m_shown + ": " + std::strerror(errno)).with_hint("check the free space.");
        m_buf.clear();
    }
    void append_number(double d) {
        char text[32];
        const auto r = std::to_chars(text, text + sizeof text, d, std::chars_format::general, 15);
        m_buf.append(text, r.ptr);
    }
    void append_quoted_integer(std::int64_t n) {
        char text[24];
        const auto r = std::to_chars(text, text + sizeof text, n);
        m_buf += '"';
        m_buf.append(text, r.ptr);
        m_buf += '"';
    }
    void append_escaped(const std::string& s, bool force_quotes) {
        if (force_quotes) {
            m_buf += '"';
            for (char c : s) (c == '"' ? m_buf += "\"\"" : m_buf += c);
            m_buf += '"';
        } else if (s.find_first_of("\",;\t\r\n") == std::string::npos) {
            m_buf += s;
        } else {
            char* e = CPLEscapeString(s.c_str(), int(s.size()), CPLES_CSV);
            m_buf += e;
            CPLFree(e);
        }
    }
    // A value of another type than its field (rare): converted as GDAL converts it.
    void append_converted(int i, const FieldValue& v) {
        if (!m_feature) m_feature = std::make_unique<OGRFeature>(m_defn);
        if (const auto* n = std::get_if<std::int64_t>(&v)) m_feature->SetField(i, static_cast<GIntBig>(*n));
        else if (const auto* d = std::get_if<double>(&v)) {
            if (!std::isfinite(*d)) return;
            m_feature->SetField(i, *d);
        } else m_feature->SetField(i, std::get<std::string>(v).c_str());
        const std::string text = m_feature->GetFieldAsString(i);
        if (m_types[std::size_t(i)] == OFTReal) m_buf += text;
        else append_escaped(text, CPLGetValueType(text.c_str()) != CPL_VALUE_STRING);
    }

    std::string m_shown, m_buf;
    std::FILE* m_file = nullptr;
    std::vector<OGRFieldType> m_types;
    OGRFeatureDefn* m_defn = nullptr;
    std::unique_ptr<OGRFeature> m_feature;
};

// A PostGIS database: connected to, never created; every layer (and the styles) written in one
// transaction, so that a run that fails leaves the tables as they were.
namespace {
GDALDatasetUniquePtr connect(const std::string& connection) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(connection.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    if (!ds)
        throw Error("cannot connect to " + connection + ": " + gdal_last_error())
            .with_hint("check the connection string (e.g. \"PG:dbname=plan host=localhost user=me\"), that the server runs, and that the "
                       "database has PostGIS (CREATE EXTENSION postgis).");
    return ds;
}
}  // namespace

void check_output_database(const std::string& connection) { connect(connection); }

void OutputDataset::open_database() {
    GDALDatasetUniquePtr ds = connect(m_path);
    m_ds.reset(ds.release());
    if (m_ds->StartTransaction() != OGRERR_NONE)
        throw Error("cannot start a transaction in " + m_path + ": " + gdal_last_error());
    m_in_transaction = true;
    set_target_crs();
}

void OutputDataset::set_target_crs() {
    if (!m_options.target_crs.empty() && m_options.target_crs != "working") {
        OGRSpatialReference work, target;
        work.SetFromUserInput(m_study.crs.definition.c_str());
        work.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (target.SetFromUserInput(m_options.target_crs.c_str()) != OGRERR_NONE)
            throw Error("-t_srs \"" + m_options.target_crs + "\" is not a CRS GDAL knows").with_hint("write an EPSG code such as EPSG:4326.");
        target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        m_ct.reset(OGRCreateCoordinateTransformation(&work, &target));
    }
}

void OutputDataset::Closer::operator()(GDALDataset* ds) const { GDALClose(ds); }
void OutputDataset::CsvTableDeleter::operator()(CsvTable* t) const { delete t; }
void OutputDataset::CtDeleter::operator()(OGRCoordinateTransformation* ct) const { OGRCoordinateTransformation::DestroyCT(ct); }

OutputDataset::~OutputDataset() {
    if (m_committed) return;
    if (m_in_transaction && database()) m_ds->RollbackTransaction();
    m_ds.reset();
    m_csv.reset();
    if (database()) return;
    std::error_code ec;
    fs::remove_all(m_tmp, ec);  // an interrupted write leaves nothing behind and the old output as it was
}

namespace {
// The layer options the direct CSV table writes as GDAL would: none, or a byte order mark.
bool direct_csv_options(const std::vector<std::string>& options) {
    return std::all_of(options.begin(), options.end(), [](const std::string& o) { return o == "WRITE_BOM=YES" || o == "WRITE_BOM=NO"; });
}
}  // namespace

OutputLayer& OutputDataset::layer(const std::string& name, OGRwkbGeometryType type, const std::vector<OutField>& fields) {
    if (!m_options.geometry) type = wkbNone;
    if (m_csv) throw Error("a CSV file holds one table: " + m_path + " has \"" + m_layers.front()->name() + "\" already, not also \"" + name + "\"")
                     .with_hint("write to a GeoPackage (.gpkg) or a workbook (.xlsx) to keep several tables in one file.");
    if (m_driver == "CSV" && !m_ds) {
        // Without a GEOMETRY= option GDAL's CSV driver writes no geometry, so a layer of points is
        // such a table too (towns.csv).
        if (direct_csv_options(m_options.layer_options)) {
            const auto& o = m_options.layer_options;
            m_csv.reset(new CsvTable(m_tmp, m_path, std::find(o.begin(), o.end(), "WRITE_BOM=YES") != o.end()));
            m_csv->header(fields);
            auto out = std::make_unique<OutputLayer>();
            out->m_owner = this;
            out->m_fields = fields;
            for (const auto& f : fields) out->m_full_names.push_back(f.name);
            out->m_name = name;
            out->m_type = type;
            m_layers.push_back(std::move(out));
            return *m_layers.back();
        }
        create_dataset();
    }
    if (m_in_transaction && !database()) m_ds->CommitTransaction(), m_in_transaction = false;
    if (database()) {
        for (const LayerSource& src : m_study.config.layers)
            if (src.resolved == m_path && (src.layer == name || src.layer.ends_with("." + name)))
                throw Error("the table \"" + name + "\" in " + m_path + " is one of the study's inputs ([layers." + src.role + "])")
                    .with_hint("write the results to another database or schema: townsite never writes to its inputs.");
        if (m_ds->GetLayerByName(name.c_str()) && !m_options.overwrite)
            throw Error("the table \"" + name + "\" exists already in " + m_path)
                .with_hint("add --overwrite to replace it (in one transaction: a run that fails leaves the tables as they were).");
    }
    OGRSpatialReference srs;
    if (m_ct) srs = *m_ct->GetTargetCS();
    else srs.SetFromUserInput(m_study.crs.definition.c_str());
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    CPLStringList options;
    if (m_driver == "GPKG") options.SetNameValue("FID", "fid");
    if (m_driver == "CSV" && type == wkbNone) options.SetNameValue("GEOMETRY", "");
    std::vector<OutField> written = fields;
    for (OutField& f : written)
        if (!f.label.zh.empty() || !f.label.en.empty()) f.alias = with_unit(m_options.lang, say(m_options.lang, f.label), f.unit);
    if (m_driver == "ESRI Shapefile") {
        options.SetNameValue("ENCODING", "UTF-8");  // the .cpg that tells QGIS and ArcGIS the text is UTF-8
        // The header's date follows a fixed OGR_CURRENT_DATE (run's), so that the same inputs give the same bytes.
        if (const char* date = CPLGetConfigOption("OGR_CURRENT_DATE", nullptr))
            options.SetNameValue("DBF_DATE_LAST_UPDATE", std::string(date).substr(0, 10).c_str());
        const std::vector<std::string> short_names = dbf_names(fields);
        for (std::size_t i = 0; i < fields.size(); ++i) written[i].name = short_names[i];
    }
    if (database() && m_options.overwrite) options.SetNameValue("OVERWRITE", "YES");
    for (const auto& o : m_options.layer_options) options.AddString(o.c_str());
    // A GeoPackage's spatial index is packed at commit (write_gpkg_rtrees), not grown by GDAL.
    const bool pack_index = m_driver == "GPKG" && type != wkbNone && !options.FetchNameValue("SPATIAL_INDEX");
    if (pack_index) options.SetNameValue("SPATIAL_INDEX", "NO");
    OGRLayer* l = m_ds->CreateLayer(name.c_str(), type == wkbNone ? nullptr : &srs, type, options.List());
    if (!l) throw Error("cannot create the layer \"" + name + "\" in " + m_path + ": " + gdal_last_error());
    if (pack_index) m_rtrees.push_back({name, l->GetFIDColumn(), l->GetGeometryColumn()});
    if (m_driver == "ESRI Shapefile") options.SetNameValue("RESIZE", "YES");  // text columns shrink to their longest value
    for (const auto& f : written) {
        OGRFieldDefn fd(f.name.c_str(), f.type);
        if (m_driver == "ESRI Shapefile" && f.type == OFTString) fd.SetWidth(254);  // DBF's widest, not GDAL's default 80
        if (!f.alias.empty()) fd.SetAlternativeName(f.alias.c_str());
        if (l->CreateField(&fd) != OGRERR_NONE)
            throw Error("cannot create the field \"" + f.name + "\" in " + m_path + ": " + gdal_last_error());
    }
    if (!database() && m_ds->TestCapability(ODsCTransactions) && m_ds->StartTransaction() == OGRERR_NONE) m_in_transaction = true;
    auto out = std::make_unique<OutputLayer>();
    out->m_layer = l;
    out->m_owner = this;
    out->m_fields = written;
    out->m_full_names.reserve(fields.size());
    for (const auto& f : fields) out->m_full_names.push_back(f.name);
    out->m_name = name;
    out->m_type = type;
    m_layers.push_back(std::move(out));
    return *m_layers.back();
}

void OutputLayer::add(const std::vector<FieldValue>& values, const GEOSGeometry* geom) {
    if (!m_layer) {  // a CSV table, written directly (it has no geometry)
        m_owner->m_csv->row(values);
        ++m_count;
        return;
    }
    write(prepare(values, geom, *m_owner->m_study.geos, m_owner->m_ct.get()));
}

void OutputLayer::Prepared::Deleter::operator()(OGRFeature* f) const { OGRFeature::DestroyFeature(f); }

void OutputLayer::TransformDeleter::operator()(OGRCoordinateTransformation* ct) const { OGRCoordinateTransformation::DestroyCT(ct); }

OutputLayer::Transformation OutputLayer::transformation() const {
    return Transformation(m_owner->m_ct ? m_owner->m_ct->Clone() : nullptr);
}

OutputLayer::Prepared OutputLayer::prepare(const std::vector<FieldValue>& values, const GEOSGeometry* geom, const GeosContext& geos,
                                           OGRCoordinateTransformation* to_output) const {
    Prepared out;
    out.feature.reset(new OGRFeature(m_layer->GetLayerDefn()));
    OGRFeature& f = *out.feature;
    for (std::size_t i = 0; i < values.size() && i < m_fields.size(); ++i) {
        const int idx = int(i);
        if (const auto* n = std::get_if<std::int64_t>(&values[i])) f.SetField(idx, static_cast<GIntBig>(*n));
        else if (const auto* d = std::get_if<double>(&values[i])) {
            if (std::isfinite(*d)) f.SetField(idx, *d);
            else f.SetFieldNull(idx);
        } else if (const auto* s = std::get_if<std::string>(&values[i])) {
            if (m_owner->m_driver == "ESRI Shapefile" && s->size() > kDbfTextBytes) {
                // DBF holds 254 bytes of text: cut at a character boundary, marked, and counted.
                std::size_t cut = kDbfTextBytes - 3;
                while (cut > 0 && (static_cast<unsigned char>((*s)[cut]) >> 6) == 2) --cut;
                f.SetField(idx, (s->substr(0, cut) + "…").c_str());
                out.cut = true;
            } else {
                f.SetField(idx, s->c_str());
            }
        }
        else f.SetFieldNull(idx);
    }
    if (geom && m_type != wkbNone) {
        GEOSWKBWriter* w = GEOSWKBWriter_create_r(geos.get());
        size_t size = 0;
        unsigned char* wkb = GEOSWKBWriter_write_r(geos.get(), w, geom, &size);
        GEOSWKBWriter_destroy_r(geos.get(), w);
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkb(wkb, nullptr, &g, size);
        GEOSFree_r(geos.get(), wkb);
        if (g && to_output) g->transform(to_output);
        if (g) {
            const OGRwkbGeometryType want = wkbFlatten(m_layer->GetGeomType());
            if (want == wkbMultiPolygon && wkbFlatten(g->getGeometryType()) == wkbPolygon) g = OGRGeometryFactory::forceToMultiPolygon(g);
            if (want == wkbMultiLineString && wkbFlatten(g->getGeometryType()) == wkbLineString) g = OGRGeometryFactory::forceToMultiLineString(g);
        }
        f.SetGeometryDirectly(g);
    }
    return out;
}

void OutputLayer::write(Prepared prepared) {
    if (m_layer->CreateFeature(prepared.feature.get()) != OGRERR_NONE)
        throw Error("cannot write to " + m_owner->m_path + ", layer \"" + m_layer->GetName() + "\": " + gdal_last_error());
    if (prepared.cut) ++m_owner->m_cut_texts;
    ++m_count;
}

std::vector<const OutputLayer*> OutputDataset::layers() const {
    std::vector<const OutputLayer*> out;
    for (const auto& l : m_layers) out.push_back(l.get());
    return out;
}

void OutputDataset::style(const std::string& layer, const std::string& name, const std::string& qml) {
    m_styles.push_back({layer, name, qml});
}

// The table QGIS keeps styles in (the columns QGIS creates; QgsOgrProviderUtils). A fixed
// update_time keeps the output the same from run to run.
void OutputDataset::write_styles() {
    if (m_styles.empty() || !supports_styles()) return;
    if (database()) return write_database_styles();
    if (m_in_transaction) m_ds->CommitTransaction(), m_in_transaction = false;
    OGRLayer* l = m_ds->CreateLayer("layer_styles", nullptr, wkbNone, nullptr);
    if (!l) throw Error("cannot create the table layer_styles in " + m_path + ": " + gdal_last_error());
    const std::vector<std::pair<const char*, OGRFieldType>> columns = {
        {"f_table_catalog", OFTString}, {"f_table_schema", OFTString}, {"f_table_name", OFTString}, {"f_geometry_column", OFTString},
        {"styleName", OFTString},       {"styleQML", OFTString},       {"styleSLD", OFTString},    {"useAsDefault", OFTInteger},
        {"description", OFTString},     {"owner", OFTString},          {"ui", OFTString},          {"update_time", OFTDateTime}};
    for (const auto& [name, type] : columns) {
        OGRFieldDefn fd(name, type);
        if (type == OFTInteger && std::string(name) == "useAsDefault") fd.SetSubType(OFSTBoolean);
        if (l->CreateField(&fd) != OGRERR_NONE) throw Error("cannot create layer_styles." + std::string(name) + ": " + gdal_last_error());
    }
    m_ds->StartTransaction();
    for (const Style& st : m_styles) {
        OGRLayer* target = m_ds->GetLayerByName(st.layer.c_str());
        OGRFeature f(l->GetLayerDefn());
        f.SetField("f_table_catalog", "");
        f.SetField("f_table_schema", "");
        f.SetField("f_table_name", st.layer.c_str());
        f.SetField("f_geometry_column", target ? target->GetGeometryColumn() : "");
        f.SetField("styleName", st.name.c_str());
        f.SetField("styleQML", st.qml.c_str());
        f.SetField("styleSLD", "");
        f.SetField("useAsDefault", 1);
        f.SetField("description", "townsite");
        f.SetField("owner", "");
        f.SetField("ui", "");
        f.SetField("update_time", 2000, 1, 1, 0, 0, 0, 100);
        if (l->CreateFeature(&f) != OGRERR_NONE) throw Error("cannot write a style to " + m_path + ": " + gdal_last_error());
    }
    m_ds->CommitTransaction();
}

// PostGIS: QGIS's own layer_styles table (the columns QGIS creates, QgsPostgresProvider), one default
// style per table, replacing townsite's earlier style of the same name; in the write's transaction.
void OutputDataset::write_database_styles() {
    auto sql = [this](const std::string& statement) {
        CPLErrorReset();
        if (OGRLayer* r = m_ds->ExecuteSQL(statement.c_str(), nullptr, nullptr)) m_ds->ReleaseResultSet(r);
        if (CPLGetLastErrorType() >= CE_Failure) throw Error("cannot write the styles to " + m_path + ": " + gdal_last_error());
    };
    auto literal = [](const std::string& text) {
        std::string out = "'";
        for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
        return out + "'";
    };
    sql("CREATE TABLE IF NOT EXISTS layer_styles (id SERIAL PRIMARY KEY, f_table_catalog varchar, f_table_schema varchar, "
        "f_table_name varchar, f_geometry_column varchar, stylename text, styleqml xml, stylesld xml, useasdefault boolean, "
        "description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)");
    for (const Style& st : m_styles) {
        OGRLayer* target = m_ds->GetLayerByName(st.layer.c_str());
        const std::string geometry_column = target && target->GetGeometryColumn() ? target->GetGeometryColumn() : "";
        sql("DELETE FROM layer_styles WHERE f_table_catalog = current_database() AND f_table_schema = current_schema() AND f_table_name = " +
            literal(st.layer) + " AND stylename = " + literal(st.name));
        sql("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, stylename, styleqml, "
            "useasdefault, description, update_time, type) VALUES (current_database(), current_schema(), " +
            literal(st.layer) + ", " + literal(geometry_column) + ", " + literal(st.name) + ", XMLPARSE(DOCUMENT " + literal(st.qml) +
            "), true, 'townsite', '2000-01-01', 'vector')");
    }
}

void OutputDataset::commit() {
    if (database()) {
        write_styles();
        m_study.inputs.check_unchanged();
        if (m_ds->CommitTransaction() != OGRERR_NONE) throw Error("cannot commit the tables to " + m_path + ": " + gdal_last_error());
        m_in_transaction = false;
        m_ds.reset();
        m_committed = true;
        return;
    }
    if (m_in_transaction) m_ds->CommitTransaction(), m_in_transaction = false;
    if (m_driver == "CSV" && !m_ds && !m_csv) create_dataset();  // no table at all: what GDAL makes of that
    write_styles();
    if (m_csv) m_csv->close();
    CPLErrorReset();
    m_ds.reset();
    if (CPLGetLastErrorType() >= CE_Failure) throw Error("cannot finish writing " + m_path + ": " + gdal_last_error());
    for (RtreeTable& t : m_rtrees)
        for (const auto& l : m_layers)
            if (l->m_name == t.table) t.features = l->m_count;
    write_gpkg_rtrees(m_tmp, m_rtrees);
    m_study.inputs.check_unchanged();
    std::error_code ec;
    if (m_driver == "ESRI Shapefile") {
        commit_shapefiles();
    } else {
        fs::remove_all(m_path, ec);
        fs::rename(m_tmp, m_path);
    }
    m_committed = true;
}

std::vector<std::string> OutputDataset::files() const {
    if (m_driver != "ESRI Shapefile") return {m_path};
    std::vector<std::string> out;
    for (std::size_t k = 0; k < m_layers.size(); ++k)
        for (const std::string& ext : kShapefileParts)
            if (fs::exists(shapefile_base(k) + ext)) out.push_back(shapefile_base(k) + ext);
    return out;
}

// The first layer is the name given (x.shp), the others beside it as x_LAYER.shp.
std::string OutputDataset::shapefile_base(std::size_t k) const {
    const fs::path p(m_path);
    std::string base = (p.parent_path() / p.stem()).string();
    if (k > 0) base += '_', base += m_layers[k]->name();  // step by step: GCC 12 warns falsely (-Wrestrict) on a + chain
    return base;
}

void OutputDataset::commit_shapefiles() {
    std::error_code ec;
    for (std::size_t k = 0; k < m_layers.size(); ++k) {
        const OutputLayer& l = *m_layers[k];
        const std::string from = (fs::path(m_tmp) / l.name()).string(), to = shapefile_base(k);
        // Where a name was cut to DBF's 10 characters, the full names beside the files.
        std::string mapping;
        for (std::size_t i = 0; i < l.m_fields.size(); ++i)
            if (l.m_fields[i].name != l.m_full_names[i])
                mapping += l.m_fields[i].name + "," + l.m_full_names[i] + ",\"" + l.m_fields[i].alias + "\"\n";
        if (!mapping.empty()) write_text_file(from + ".fields.csv", "\xEF\xBB\xBF" "shapefile_field,field,alias\n" + mapping);
        for (const std::string& ext : kShapefileParts) fs::remove(to + ext, ec);  // an older output's parts, .qix included
        for (const std::string& ext : kShapefileParts)
            if (fs::exists(from + ext)) {
                fs::rename(from + ext, to + ext, ec);
                if (ec) throw Error("cannot move " + to + ext + " into place: " + ec.message()).with_hint("check that the folder is writable.");
            }
    }
    fs::remove_all(m_tmp, ec);
}

namespace {

bool process_alive(long pid) { return pid > 0 && (kill(pid_t(pid), 0) == 0 || errno == EPERM); }

// The process id at the end of a name such as ".out.tmp-1234" that starts with `prefix`, else 0.
long pid_after(const std::string& name, const std::string& prefix) {
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return 0;
    for (std::size_t i = prefix.size(); i < name.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(name[i]))) return 0;
    return std::atol(name.c_str() + prefix.size());
}

// ".NAME" + suffix, built step by step: GCC 12 warns falsely (-Wrestrict) on one concatenation.
std::string hidden_name(const fs::path& target, const std::string& suffix) {
    std::string name = ".";
    name += target.filename().string();
    name += suffix;
    return name;
}

}  // namespace

OutputFolder::OutputFolder(std::string path, InputFiles inputs, bool overwrite, std::string signature)
    : m_path(std::move(path)), m_signature(std::move(signature)), m_inputs(std::move(inputs)), m_overwrite(overwrite) {
    if (m_path.empty()) throw Error("the output folder is empty").with_hint("give -o a folder name.");
    // Where the path really leads: links resolved, so that the temporary folder sits beside the real
    // folder (same file system, so that the final rename is atomic).
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(fs::absolute(m_path), ec);
    m_target = (ec ? fs::absolute(m_path).lexically_normal() : target).string();
    if (fs::exists(m_target) && !fs::is_directory(m_target))
        throw Error("the output " + m_path + " exists and is not a folder").with_hint("give -o a folder name.");
    if (const InputFile* f = m_inputs.inside(m_target))
        throw Error("the output folder " + m_path + " holds one of the study's inputs (" + f->path + ", " + f->role + ")")
            .with_hint("write the results to another folder: townsite never writes over its inputs.");
    const fs::path parent = fs::path(m_target).parent_path();
    fs::create_directories(parent, ec);
    if (ec) throw Error("cannot create the folder " + parent.string() + ": " + ec.message()).with_hint("check that the parent folder is writable.");

    // The lock: held until commit() or destruction; the kernel drops it when the process dies.
    m_lock_path = (parent / hidden_name(m_target, ".lock")).string();
    for (int attempt = 0; m_lock_fd < 0; ++attempt) {
        const int fd = ::open(m_lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) throw Error("cannot create the lock file " + m_lock_path + ": " + std::strerror(errno)).with_hint("check that the folder is writable.");
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            char buf[32] = {};
            const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
            ::close(fd);
            throw Error("another townsite run (process " + std::string(n > 0 ? buf : "?") + ") is writing " + m_path)
                .with_hint("wait for it to finish, or write to another folder with -o.");
        }
        // The holder before us may have removed the file after we opened it: lock the file that is there.
        struct stat on_disk {}, held {};
        if (::stat(m_lock_path.c_str(), &on_disk) == 0 && ::fstat(fd, &held) == 0 && on_disk.st_ino == held.st_ino && on_disk.st_dev == held.st_dev) {
            const std::string pid = std::to_string(getpid());
            if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {}   // the pid is only for the message above
            m_lock_fd = fd;
        } else {
            ::close(fd);
            if (attempt > 100) throw Error("cannot take the lock " + m_lock_path).with_hint("remove the file if no townsite run is writing " + m_path + ".");
        }
    }
    try {
        recover();
        if (fs::exists(m_target)) {
            if (!m_overwrite)
                throw Error("the output folder " + m_path + " exists already")
                    .with_hint("add --overwrite to replace it (it is replaced only once the new outputs are complete), or choose another folder.");
            check_replaceable();
        }
        m_tmp = (parent / hidden_name(m_target, ".tmp-" + std::to_string(getpid()))).string();
        fs::remove_all(m_tmp, ec);
        fs::create_directory(m_tmp, ec);
        if (ec) throw Error("cannot create the folder " + m_tmp + ": " + ec.message()).with_hint("check that the parent folder is writable.");
    } catch (...) {
        release_lock();
        throw;
    }
}

// Only a folder that townsite wrote (its signature file names townsite) or an empty one may be
// replaced: --overwrite given with the wrong folder must not delete someone's work.
void OutputFolder::check_replaceable() const {
    std::error_code ec;
    if (fs::is_empty(m_target, ec) && !ec) return;
    std::ifstream in(fs::path(m_target) / m_signature, std::ios::binary);
    const nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
    if (!manifest.is_object() || !manifest.contains("townsite") || !manifest["townsite"].is_string())
        throw Error("the folder " + m_path + " was not written by townsite (it has no " + m_signature + " of townsite's), so --overwrite does not replace it")
            .with_hint("give -o a new folder; townsite replaces only folders it wrote itself.");
}

// What a run killed outright leaves beside the target: its temporary folder (.NAME.tmp-PID, with
// either unfinished outputs or, after the swap, the previous ones), or, from a two-step swap, the
// previous outputs moved aside (.NAME.old-PID) and perhaps no target. The lock is held.
void OutputFolder::recover() {
    const fs::path target(m_target);
    const fs::path parent = target.parent_path();
    const std::string tmp_prefix = hidden_name(target, ".tmp-"), old_prefix = hidden_name(target, ".old-");
    std::vector<fs::path> tmps, olds;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
        const std::string name = entry.path().filename().string();
        if (const long pid = pid_after(name, tmp_prefix); pid && pid != getpid() && !process_alive(pid)) tmps.push_back(entry.path());
        if (const long pid = pid_after(name, old_prefix); pid && pid != getpid() && !process_alive(pid)) olds.push_back(entry.path());
    }
    std::sort(olds.begin(), olds.end());
    std::sort(tmps.begin(), tmps.end());
    for (const fs::path& old : olds) {
        if (!fs::exists(target)) {
            fs::rename(old, target, ec);
            if (ec) throw Error("cannot restore the previous outputs " + old.string() + " to " + m_path + ": " + ec.message())
                    .with_hint("move " + old.string() + " back to " + m_path + " yourself.");
            m_notes.push_back("restored the previous outputs of " + m_path + " from " + old.filename().string() +
                              " (a run was stopped while it replaced them)");
        } else {
            fs::remove_all(old, ec);
            m_notes.push_back("removed " + old.filename().string() + ", outputs that a stopped run had already replaced");
        }
    }
    for (const fs::path& tmp : tmps) {
        fs::remove_all(tmp, ec);
        m_notes.push_back("removed " + tmp.filename().string() + ", left by a run that was stopped");
    }
}

void OutputFolder::release_lock() {
    if (m_lock_fd < 0) return;
    ::unlink(m_lock_path.c_str());   // while still held: a run waiting on the old file sees it gone and retries
    ::close(m_lock_fd);
    m_lock_fd = -1;
}

OutputFolder::~OutputFolder() {
    if (!m_committed && !m_tmp.empty()) {
        std::error_code ec;
        fs::remove_all(m_tmp, ec);
    }
    release_lock();
}

std::string OutputFolder::file(const std::string& name) const { return (fs::path(m_tmp) / name).string(); }

void OutputFolder::commit() {
    m_inputs.check_unchanged();
    auto appeared = [&] {
        return Error("the output folder " + m_path + " appeared while townsite wrote it").with_hint("run again with --overwrite, or choose another folder.");
    };
    auto cannot_move = [&](const std::string& why) {
        return Error("cannot move the outputs into " + m_path + ": " + why).with_hint("check the folder's permissions.");
    };
    if (fs::exists(m_target)) {
        if (!m_overwrite) throw appeared();
        check_replaceable();
        // One atomic step: the new outputs take the target's place, the previous ones the temporary name.
        if (::renameat2(AT_FDCWD, m_tmp.c_str(), AT_FDCWD, m_target.c_str(), RENAME_EXCHANGE) != 0) {
            if (errno != EINVAL && errno != ENOSYS) throw cannot_move(std::strerror(errno));
            // A file system without RENAME_EXCHANGE: two steps, which recover() can finish.
            const fs::path old = fs::path(m_target).parent_path() / hidden_name(fs::path(m_target), ".old-" + std::to_string(getpid()));
            std::error_code ec;
            fs::rename(m_target, old, ec);
            if (ec) throw Error("cannot move the old " + m_path + " aside: " + ec.message()).with_hint("check the folder's permissions.");
            fs::rename(m_tmp, m_target, ec);
            if (ec) {
                std::error_code back;
                fs::rename(old, m_target, back);
                throw cannot_move(ec.message());
            }
            fs::rename(old, m_tmp, ec);
        }
    } else if (::renameat2(AT_FDCWD, m_tmp.c_str(), AT_FDCWD, m_target.c_str(), RENAME_NOREPLACE) != 0) {
        if (errno == EEXIST) throw appeared();
        if (errno != EINVAL && errno != ENOSYS) throw cannot_move(std::strerror(errno));
        std::error_code ec;
        fs::rename(m_tmp, m_target, ec);
        if (ec) throw cannot_move(ec.message());
    }
    m_committed = true;
    std::error_code ec;
    fs::remove_all(m_tmp, ec);   // the previous outputs, when there were some
    release_lock();
}

void write_text_file(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw Error("cannot write " + path).with_hint("check that the folder exists and is writable.");
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !ok) throw Error("cannot finish writing " + path).with_hint("check the free disk space.");
}

void replace_text_file(const std::string& path, const std::string& text, bool overwrite, const InputFiles& inputs) {
    if (const InputFile* f = inputs.same_as(path))
        throw Error("the output " + path + " is one of the study's inputs (" + f->path + ", " + f->role + ")")
            .with_hint("write the results somewhere else: townsite never writes to its inputs.");
    if (fs::exists(path) && !overwrite)
        throw Error("the output " + path + " exists already").with_hint("add --overwrite to replace it, or choose another name with -o.");
    if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path());
    const std::string tmp = path + ".tmp-" + std::to_string(getpid());
    write_text_file(tmp, text);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw Error("cannot move the output into " + path).with_hint("check the folder's permissions.");
    }
}

}  // namespace townsite
