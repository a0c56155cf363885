#include "geo/layer.h"

#include "geo/osm.h"

#include "geo/error.h"
#include "geo/text.h"
#include "geo/gcj02.h"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <iconv.h>

#include <algorithm>
#include <filesystem>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>

namespace townsite {

bool LayerInfo::usable() const {
    return std::none_of(problems.begin(), problems.end(), [](const Problem& p) { return p.severity == Severity::Error; });
}

Problem& LayerInfo::problem(const std::string& kind, Severity severity, const std::string& message,
                            const std::string& hint) {
    for (auto& p : problems)
        if (p.kind == kind) return p;
    problems.push_back({severity, kind, message, {}, 0, hint});
    return problems.back();
}

void LayerInfo::add_problem(const std::string& kind, Severity severity, const std::string& message,
                            const std::string& id, const std::string& hint) {
    Problem& p = problem(kind, severity, message, hint);
    ++p.count;
    if (!id.empty() && p.ids.size() < kExampleIds) p.ids.push_back(id);
}

void LayerInfo::append_problems(const LayerInfo& later) {
    for (const Problem& q : later.problems) {
        Problem& p = problem(q.kind, q.severity, q.message, q.hint);
        p.count += q.count;
        for (const std::string& id : q.ids)
            if (p.ids.size() < kExampleIds) p.ids.push_back(id);
    }
}

int Layer::field_index(const std::string& name) const {
    for (size_t i = 0; i < info.fields.size(); ++i)
        if (info.fields[i].name == name) return info.fields[i].source_field.empty() ? -1 : static_cast<int>(i);
    return -1;
}

std::optional<double> as_number(const FieldValue& v) {
    if (auto d = std::get_if<double>(&v)) return *d;
    if (auto n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
    return std::nullopt;
}

std::string as_text(const FieldValue& v) {
    if (auto s = std::get_if<std::string>(&v)) return *s;
    if (auto n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
    if (auto d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.15g", *d);
        return buf;
    }
    return {};
}

std::optional<double> Layer::number(const Feature& f, const std::string& name) const {
    const int i = field_index(name);
    return i < 0 ? std::nullopt : as_number(f.values[i]);
}

std::string Layer::text(const Feature& f, const std::string& name) const {
    const int i = field_index(name);
    return i < 0 ? std::string() : as_text(f.values[i]);
}

bool Layer::flag(const Feature& f, const std::string& name) const {
    const int i = field_index(name);
    if (i < 0) return false;
    if (auto n = std::get_if<std::int64_t>(&f.values[i])) return *n != 0;
    return false;
}

std::optional<std::int8_t> parse_oneway(const std::string& raw) {
    std::string v;
    for (char c : raw) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "yes" || v == "true" || v == "1" || v == "ft" || v == "f" || v == "forward" || v == "是") return +1;
    if (v == "-1" || v == "tf" || v == "t" || v == "reverse" || v == "backward") return -1;
    if (v.empty() || v == "no" || v == "false" || v == "0" || v == "b" || v == "both" || v == "否") return 0;
    return std::nullopt;
}

std::optional<bool> parse_flag(const std::string& raw) {
    std::string t;
    for (char c : raw)
        if (!std::isspace(static_cast<unsigned char>(c))) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t == "1" || t == "yes" || t == "true" || t == "y" || t == "t" || t == "是") return true;
    if (t == "0" || t == "no" || t == "false" || t == "n" || t == "f" || t == "否" || t.empty()) return false;
    return std::nullopt;
}

namespace {

using CharList = CPLStringList;

int role_dimension(GeomKind k) {
    switch (k) {
        case GeomKind::Point: return 0;
        case GeomKind::Line: return 1;
        case GeomKind::Polygon: return 2;
        default: return -1;
    }
}

int ogr_dimension(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
        case wkbPoint:
        case wkbMultiPoint: return 0;
        case wkbLineString:
        case wkbMultiLineString:
        case wkbCircularString:
        case wkbCompoundCurve:
        case wkbMultiCurve: return 1;
        case wkbPolygon:
        case wkbMultiPolygon:
        case wkbCurvePolygon:
        case wkbMultiSurface: return 2;
        default: return -1;
    }
}

std::optional<double> parse_number(const std::string& text) {
    const char* begin = text.c_str();
    while (std::isspace(static_cast<unsigned char>(*begin))) ++begin;
    if (!*begin) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(begin, &end);
    while (end && std::isspace(static_cast<unsigned char>(*end))) ++end;
    if (end == begin || (end && *end) || !std::isfinite(v)) return std::nullopt;
    return v;
}

bool is_numeric(OGRFieldType t) { return t == OFTInteger || t == OFTInteger64 || t == OFTReal; }

std::string quoted_sample(const std::string& text) {
    std::size_t cut = 40;
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) >> 6) == 2) --cut;  // not inside a UTF-8 character
    return "\"" + (text.size() > 40 ? text.substr(0, cut) + "…" : text) + "\"";
}

// Opens read-only. `encoding` is handed to the Shapefile driver, which alone takes one.
GDALDatasetUniquePtr open_dataset(const LayerSource& src) {
    CharList options;
    for (const auto& o : src.open_options) options.AddString(o.c_str());
    CPLErrorReset();
    GDALDatasetUniquePtr ds(GDALDataset::Open(src.resolved.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                              options.List(), nullptr));
    if (!ds) {
        namespace fs = std::filesystem;
        std::error_code ec;
        const bool is_path = !looks_like_connection_string(src.source);
        std::string why = "cannot open the data source: " + gdal_last_error("no GDAL vector driver can read it");
        if (is_path && !fs::exists(src.resolved, ec)) why = "the file does not exist";
        else if (is_path && fs::is_regular_file(src.resolved, ec) && fs::file_size(src.resolved, ec) == 0) why = "the file is empty (0 bytes)";
        else if (is_path && fs::is_regular_file(src.resolved, ec))
            why = "the file is not a vector format GDAL reads, or it is damaged (truncated?): " + gdal_last_error("no GDAL vector driver can read it");
        Error e(why);
        e.with_file(src.resolved);
        throw e.with_hint("check source = \"" + src.source + "\" in [layers." + src.role + "] (" + src.config_path +
                          ":" + std::to_string(src.line) + "): the path is relative to the config file.");
    }
    if (!src.encoding.empty() && std::string(ds->GetDriverName()) == "ESRI Shapefile") {
        options.SetNameValue("ENCODING", src.encoding.c_str());
        ds.reset(GDALDataset::Open(src.resolved.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.List(), nullptr));
        if (!ds)
            throw Error("cannot open with encoding \"" + src.encoding + "\": " + gdal_last_error())
                .with_file(src.resolved)
                .with_hint("use an encoding name iconv knows, e.g. GBK, CP936, GB18030 or UTF-8.");
    }
    return ds;
}

}  // namespace

OpenSources::OpenSources() = default;
OpenSources::~OpenSources() = default;
OpenSources::OpenSources(OpenSources&&) noexcept = default;
OpenSources& OpenSources::operator=(OpenSources&&) noexcept = default;

GDALDataset& OpenSources::open(const LayerSource& src, LayerInfo& info) {
    std::string key = src.resolved + '\n' + src.encoding;
    for (const auto& o : src.open_options) key.append(1, '\n').append(o);
    const auto kept = m_open.find(key);
    std::shared_ptr<GDALDataset> ds =
        kept != m_open.end() ? kept->second : std::shared_ptr<GDALDataset>(open_dataset(src).release(), GDALDatasetUniquePtrDeleter());
    info.driver = ds->GetDriverName();
    if (!src.encoding.empty() && info.driver != "ESRI Shapefile")
        info.add_problem("encoding_ignored", Severity::Warning,
                         "encoding = \"" + src.encoding + "\" is ignored: the " + info.driver + " driver reads the encoding stored in the data",
                         "", "remove encoding from [layers." + src.role + "]; it applies to Shapefiles only.");
    // GDAL's OSM driver reads its layers together, in one pass over the file: a second layer from it
    // needs a dataset of its own.
    if (info.driver == "OSM") m_last = ds;
    else m_open.emplace(key, ds);
    return *ds;
}

namespace {

OGRLayer* pick_layer(GDALDataset& ds, const LayerSource& src) {
    std::vector<std::string> names;
    for (auto* l : ds.GetLayers()) names.push_back(l->GetName());
    // An OSM file's roads are ways, which GDAL's OSM driver puts in its "lines" layer.
    if (src.layer.empty() && src.role == "roads" && std::string(ds.GetDriverName()) == "OSM") return ds.GetLayerByName("lines");
    if (src.layer.empty()) {
        if (names.size() == 1) return ds.GetLayer(0);
        throw Error(names.empty() ? std::string("the data source has no vector layer")
                                  : "the data source has " + std::to_string(names.size()) + " layers and the config "
                                    "does not say which to use")
            .with_file(src.resolved)
            .with_hint(names.empty() ? "check that the file holds vector data."
                                     : "add layer = \"NAME\" to [layers." + src.role + "]; the layers are: " +
                                           join(names) + ".");
    }
    OGRLayer* layer = ds.GetLayerByName(src.layer.c_str());
    if (!layer) {
        throw Error("there is no layer \"" + src.layer + "\"" + did_you_mean(src.layer, names))
            .with_file(src.resolved)
            .with_hint("set layer in [layers." + src.role + "] (" + src.config_path + ":" + std::to_string(src.line) +
                       ") to one of: " + join(names) + ".");
    }
    return layer;
}

// The source CRS, the assumed one, or an Error that says how to give one.
OGRSpatialReference source_crs(OGRLayer& layer, const LayerSource& src, LayerInfo& info) {
    OGRSpatialReference srs;
    if (layer.GetLayerDefn()->GetGeomFieldCount() == 0)
        throw Error("the layer has no geometry, so its " + std::string(info.driver == "CSV" ? "rows" : "features") + " cannot be placed")
            .with_file(src.resolved)
            .with_hint(info.driver == "CSV"
                           ? "name the coordinate columns in [layers." + src.role + "]: open_options = [\"X_POSSIBLE_NAMES=lon\", \"Y_POSSIBLE_NAMES=lat\"], "
                             "and assume_crs = \"EPSG:4490\" (or the CRS they are in)."
                           : "give the source a geometry column, or choose the layer that has one.");
    if (const OGRSpatialReference* own = layer.GetSpatialRef()) {
        srs = *own;
        OGRSpatialReference check;
        if (!src.assume_crs.empty() && check.SetFromUserInput(src.assume_crs.c_str()) != OGRERR_NONE)
            throw Error("assume_crs = \"" + src.assume_crs + "\" is not a CRS GDAL knows")
                .with_file(src.config_path)
                .with_line(src.line)
                .with_hint("write an EPSG code such as \"EPSG:4490\" (CGCS2000 lon/lat) or \"EPSG:4326\" (WGS 84), or remove it: the layer has its own CRS.");
        if (!src.assume_crs.empty())
            info.add_problem("assume_crs_ignored", Severity::Warning,
                             "assume_crs = \"" + src.assume_crs + "\" is ignored: the layer has its own CRS", "",
                             "remove assume_crs, or fix the layer's CRS (.prj) if it is wrong.");
    } else if (!src.assume_crs.empty()) {
        if (srs.SetFromUserInput(src.assume_crs.c_str()) != OGRERR_NONE)
            throw Error("assume_crs = \"" + src.assume_crs + "\" is not a CRS GDAL knows")
                .with_file(src.config_path)
                .with_line(src.line)
                .with_hint("write an EPSG code such as \"EPSG:4490\" (CGCS2000 lon/lat) or \"EPSG:4326\" (WGS 84).");
        info.crs_assumed = true;
    } else {
        throw Error("the layer has no CRS (no .prj file or CRS definition)")
            .with_file(src.resolved)
            .with_layer(layer.GetName())
            .with_hint("add assume_crs to [layers." + src.role + "] in " + src.config_path +
                       ": \"EPSG:4490\" (CGCS2000) or \"EPSG:4326\" (WGS 84) for lon/lat, or the projected CRS "
                       "such as \"EPSG:4547\" for metres.");
    }
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* name = srs.GetName();
    info.crs_name = name ? name : "unnamed";
    OGRSpatialReference probe(srs);
    if (!probe.GetAuthorityName(nullptr)) probe.AutoIdentifyEPSG();
    if (const char* auth = probe.GetAuthorityName(nullptr); auth && std::string(auth) == "EPSG")
        info.crs_epsg = std::atoi(probe.GetAuthorityCode(nullptr));
    return srs;
}

// Whether [layers.roads] osm_tags names the tag.
bool honours(const LayerSource& src, const char* tag) {
    return std::find(src.osm_tags.begin(), src.osm_tags.end(), tag) != src.osm_tags.end();
}

void bind_fields(OGRLayer& layer, const LayerSource& src, const RoleSpec& spec, LayerInfo& info) {
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    std::vector<std::string> columns;
    for (int i = 0; i < defn->GetFieldCount(); ++i) columns.push_back(defn->GetFieldDefn(i)->GetNameRef());

    auto mappings = src.fields;
    mappings.insert(src.extra_fields.begin(), src.extra_fields.end());
    for (const auto& mapped : mappings)
        if (defn->GetFieldIndex(mapped.second.source_field.c_str()) < 0) {
            throw Error("field \"" + mapped.first + "\" is mapped to column \"" + mapped.second.source_field +
                        "\", which layer \"" + info.layer_name + "\" of " + src.resolved + " does not have" +
                        did_you_mean(mapped.second.source_field, columns))
                .with_file(src.config_path)
                .with_line(mapped.second.line)
                .with_field(mapped.first)
                .with_hint("map " + mapped.first + " to one of the columns: " + join(columns) + ".");
        }

    for (const auto& f : spec.fields) {
        FieldBinding b{f.name, f.type, f.required, "", "", false, f.non_negative, ""};
        if (auto it = src.fields.find(f.name); it != src.fields.end()) {
            b.source_field = it->second.source_field;
        } else if (defn->GetFieldIndex(f.name.c_str()) >= 0) {
            b.source_field = f.name;
            b.by_same_name = true;
        }
        if (!b.source_field.empty()) {
            const OGRFieldDefn* fd = defn->GetFieldDefn(defn->GetFieldIndex(b.source_field.c_str()));
            b.source_type = OGRFieldDefn::GetFieldTypeName(fd->GetType());
            const OGRFieldType t = fd->GetType();
            const bool ok = f.type == FieldType::Text || is_numeric(t) || t == OFTString;
            if (!ok)
                throw Error("field \"" + f.name + "\" is mapped to column \"" + b.source_field + "\" of type " +
                            b.source_type + ", expected " + to_string(f.type))
                    .with_file(src.resolved)
                    .with_layer(info.layer_name)
                    .with_field(f.name)
                    .with_hint("map " + f.name + " to a " + to_string(f.type) + " column in [layers." + src.role +
                               ".fields] of " + src.config_path + ".");
        } else if (f.required) {
            throw Error("the layer has no column for the required field \"" + f.name + "\" (" + f.meaning + ")")
                .with_file(src.resolved)
                .with_layer(info.layer_name)
                .with_field(f.name)
                .with_hint("map it in [layers." + src.role + ".fields] of " + src.config_path + ", e.g. " + f.name +
                           " = \"COLUMN\"; the layer's columns are: " + join(columns) + ".");
        }
        info.fields.push_back(b);
    }
    // OSM roads (GDAL's OSM driver, or its output converted by ogr2ogr): the class is highway=*, and
    // oneway and speed come from the tags in other_tags unless mapped to columns.
    if (src.role == "roads" && defn->GetFieldIndex("other_tags") >= 0) {
        for (FieldBinding& b : info.fields) {
            if (!b.source_field.empty()) continue;
            if (b.name == "id" && defn->GetFieldIndex("osm_id") >= 0) b.source_field = "osm_id", b.source_type = "String";
            if (b.name == "class" && defn->GetFieldIndex("highway") >= 0) b.source_field = "highway", b.source_type = "String";
            if (b.name == "oneway" && (honours(src, "oneway") || honours(src, "junction"))) b.osm_tag = "oneway";
            if (b.name == "speed_kmh" && honours(src, "maxspeed")) b.osm_tag = "maxspeed";
            if (!b.osm_tag.empty()) b.source_field = "other_tags", b.source_type = "String";
        }
    }
    for (const auto& [name, mapped] : src.extra_fields) {
        FieldBinding b{name, FieldType::Real, false, mapped.source_field, "", false, false, ""};   // indicators may be negative
        const OGRFieldDefn* fd = defn->GetFieldDefn(defn->GetFieldIndex(b.source_field.c_str()));
        b.source_type = OGRFieldDefn::GetFieldTypeName(fd->GetType());
        info.fields.push_back(b);
    }
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (n < 0 || (n > 0 && i + n >= s.size())) return false;
        for (int k = 1; k <= n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
        i += n + 1;
    }
    return true;
}

// GB18030 (a superset of GBK and GB2312) to UTF-8; nullopt when the bytes are not GB18030.
std::optional<std::string> from_gb18030(const std::string& s) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    std::string out(s.size() * 2 + 4, '\0');
    char* in_p = const_cast<char*>(s.data());
    char* out_p = out.data();
    std::size_t in_left = s.size(), out_left = out.size();
    const std::size_t r = iconv(cd, &in_p, &in_left, &out_p, &out_left);
    iconv_close(cd);
    if (r == static_cast<std::size_t>(-1) || in_left != 0) return std::nullopt;
    out.resize(out.size() - out_left);
    return out;
}

// Text as the source holds it, in UTF-8. Bytes that are not UTF-8 (a GBK Shapefile without .cpg and
// without `encoding`, a GBK CSV) are read as GBK when they are GBK, with a warning; else an error.
std::string text_value(const char* raw, const FieldBinding& b, const std::string& feature_id, LayerInfo& info) {
    std::string text(raw);
    if (valid_utf8(text)) return text;
    const std::string fix = "[layers." + info.role + "] of the config";
    if (auto decoded = from_gb18030(text)) {
        info.add_problem("read_as_gbk:" + b.name, Severity::Warning,
                         "field \"" + b.name + "\" (column \"" + b.source_field + "\") is not UTF-8 and was read as GBK (e.g. " +
                             quoted_sample(*decoded) + ")",
                         feature_id,
                         "if the text reads right, say so with encoding = \"GBK\" in " + fix +
                             " (or a .cpg file holding GBK beside a .shp); otherwise give the right encoding there.");
        return *decoded;
    }
    std::string hex;
    for (std::size_t i = 0; i < text.size() && i < 12; ++i) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%02X ", static_cast<unsigned char>(text[i]));
        hex += buf;
    }
    info.add_problem("not_utf8:" + b.name, Severity::Error,
                     "field \"" + b.name + "\" (column \"" + b.source_field + "\") is neither UTF-8 nor GBK (bytes " + hex + "...)", feature_id,
                     "give the text's encoding as encoding = \"...\" (e.g. \"BIG5\", \"CP1252\") in " + fix + ", or save the file as UTF-8.");
    return {};
}

FieldValue read_value(const OGRFeature& feat, int idx, const FieldBinding& b, const std::string& feature_id,
                      LayerInfo& info) {
    if (idx < 0 || !feat.IsFieldSetAndNotNull(idx)) return std::monostate{};
    const OGRFieldType t = feat.GetFieldDefnRef(idx)->GetType();
    const std::string where_to_fix = "[layers." + info.role + ".fields]";
    switch (b.type) {
        case FieldType::Text: return text_value(feat.GetFieldAsString(idx), b, feature_id, info);
        case FieldType::Integer:
        case FieldType::Real: {
            std::optional<double> v;
            if (is_numeric(t)) {
                v = feat.GetFieldAsDouble(idx);
            } else {
                const std::string text = feat.GetFieldAsString(idx);
                v = parse_number(text);
                if (!v) {
                    if (text.find_first_not_of(" \t") == std::string::npos) return std::monostate{};
                    info.add_problem("not_a_number:" + b.name, Severity::Error,
                                     "field \"" + b.name + "\" (column \"" + b.source_field + "\") is text (" +
                                         quoted_sample(text) + "), expected a number",
                                     feature_id,
                                     "map " + b.name + " to a numeric column in " + where_to_fix + " or clean the column.");
                    return std::monostate{};
                }
            }
            // No NaN or infinity goes further (into GEOS, GLPK or an output), and no negative count or area.
            if (!std::isfinite(*v)) {
                info.add_problem("not_finite:" + b.name, Severity::Error,
                                 "field \"" + b.name + "\" (column \"" + b.source_field + "\") is " +
                                     (std::isnan(*v) ? std::string("NaN") : std::string("infinite")) + ", expected a number",
                                 feature_id, "correct the value in the source, or leave it empty when it is not known.");
                return std::monostate{};
            }
            if (*v < 0 && b.non_negative) {
                info.add_problem("negative:" + b.name, Severity::Error,
                                 "field \"" + b.name + "\" (column \"" + b.source_field + "\") is negative (" + quoted_sample(as_text(*v)) +
                                     "), expected 0 or more",
                                 feature_id, "correct the value in the source, or leave it empty when it is not known.");
                return std::monostate{};
            }
            if (b.type == FieldType::Integer) {
                if (is_numeric(t) && t != OFTReal) return static_cast<std::int64_t>(feat.GetFieldAsInteger64(idx));
                return static_cast<std::int64_t>(std::llround(*v));
            }
            return *v;
        }
        case FieldType::Bool: {
            if (is_numeric(t)) return static_cast<std::int64_t>(feat.GetFieldAsDouble(idx) != 0 ? 1 : 0);
            const std::string text = feat.GetFieldAsString(idx);
            if (auto v = parse_flag(text)) return static_cast<std::int64_t>(*v ? 1 : 0);
            info.add_problem("not_a_flag:" + b.name, Severity::Error,
                             "field \"" + b.name + "\" (column \"" + b.source_field + "\") is " + quoted_sample(text) +
                                 ", expected yes/no (1/0, true/false, 是/否)",
                             feature_id, "clean the column, or map " + b.name + " to another column in " + where_to_fix + ".");
            return std::monostate{};
        }
    }
    return std::monostate{};
}

// The road tags of one OSM way into its oneway, speed_kmh and class values. False when the way is
// not a road (no highway tag, and not a ferry): then it is counted and left out.
bool read_osm_road(Layer& layer, const LayerSource& src, const std::string& other_tags, Feature& f) {
    const auto tags = parse_hstore(other_tags);
    auto tag = [&](const std::string& key) {
        const auto it = tags.find(key);
        return it == tags.end() ? std::string() : it->second;
    };
    for (std::size_t i = 0; i < layer.info.fields.size(); ++i) {
        const FieldBinding& b = layer.info.fields[i];
        if (b.osm_tag == "oneway") {
            std::string oneway = honours(src, "oneway") ? tag("oneway") : "";
            const std::string junction = tag("junction");
            if (oneway.empty() && honours(src, "junction") && (junction == "roundabout" || junction == "circular")) oneway = "yes";
            if (!oneway.empty()) f.values[i] = oneway;
        } else if (b.osm_tag == "maxspeed" && !tag("maxspeed").empty()) {
            if (const auto kmh = parse_maxspeed_kmh(tag("maxspeed")))
                f.values[i] = *kmh;
            else
                layer.info.add_problem("maxspeed_unknown", Severity::Warning,
                                       "maxspeed values that give no speed (e.g. " + quoted_sample(tag("maxspeed")) + "): the class's speed is used",
                                       f.id, "nothing to do if the class's speed is right; else set the road's speed in the data.");
        }
    }
    const int cls = layer.field_index("class");
    if (cls < 0 || !as_text(f.values[cls]).empty()) return true;
    if (honours(src, "route") && tag("route") == "ferry") {
        f.values[cls] = std::string("ferry");
        return true;
    }
    layer.info.add_problem("not_a_road", Severity::Warning,
                           "lines with no highway tag (railways, power lines, waterways, boundaries, ...): not roads, left out", f.id,
                           "nothing to do; to read fewer lines, add where = \"highway IS NOT NULL\" to [layers." + src.role + "].");
    return false;
}

// The transformation from `srs` (lon/lat axis order) to WGS 84 lon/lat, or null when PROJ has none.
// Made once per CRS for the process and cloned once per thread: PROJ searches its database for each
// new one (some 30 ms for CGCS2000 or a Gauss-Kruger zone), a clone only rebuilds the operation found,
// and a study often has several layers in one CRS read on several threads, each step's threads new.
OGRCoordinateTransformation* to_wgs84(const OGRSpatialReference& srs) {
    static std::mutex made_lock;
    static std::map<std::string, std::unique_ptr<OGRCoordinateTransformation>> made;   // never used to transform
    thread_local std::map<std::string, std::unique_ptr<OGRCoordinateTransformation>> mine;
    char* wkt = nullptr;
    const char* const options[] = {"FORMAT=WKT2_2019", nullptr};
    srs.exportToWkt(&wkt, options);
    std::string key = wkt ? wkt : "";
    CPLFree(wkt);
    for (int axis : srs.GetDataAxisToSRSAxisMapping()) key.append(1, ' ').append(std::to_string(axis));   // the axis order too
    auto [it, inserted] = mine.try_emplace(key);
    if (inserted) {
        const std::lock_guard<std::mutex> hold(made_lock);
        auto [first, new_crs] = made.try_emplace(key);
        if (new_crs) {
            OGRSpatialReference wgs84;
            wgs84.SetWellKnownGeogCS("WGS84");
            wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            first->second.reset(OGRCreateCoordinateTransformation(&srs, &wgs84));
        }
        if (first->second) it->second.reset(first->second->Clone());
    }
    return it->second.get();
}

int gcj_callback(double* x, double* y, void*) {
    gcj02_to_wgs84(*x, *y);
    return 1;
}

int to_working_callback(double* x, double* y, void* data) {
    static_cast<const Transformer*>(data)->to_working(*x, *y);
    return std::isfinite(*x) && std::isfinite(*y) ? 1 : 0;
}

// Keeps the parts of `g` of dimension `dim` (all when dim < 0); nullptr when nothing is left.
GeomPtr keep_dimension(const GeosContext& geos, GeomPtr g, int dim) {
    GEOSContextHandle_t ctx = geos.get();
    if (dim < 0 || !g) return g;
    const int type = GEOSGeomTypeId_r(ctx, g.get());
    if (type != GEOS_GEOMETRYCOLLECTION) return GEOSGeom_getDimensions_r(ctx, g.get()) == dim ? std::move(g) : nullptr;
    std::vector<GEOSGeometry*> parts;
    for (int i = 0, n = GEOSGetNumGeometries_r(ctx, g.get()); i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx, g.get(), i);
        if (GEOSGeom_getDimensions_r(ctx, part) == dim && !GEOSisEmpty_r(ctx, part))
            parts.push_back(GEOSGeom_clone_r(ctx, part));
    }
    return geos.union_of(std::move(parts));
}

}  // namespace

namespace {

// read_layer's reading: each kept feature (WGS 84 lon/lat) goes to `keep`.
void read_features(const LayerSource& src, const GeosContext& geos, const Progress& progress, Layer& out,
                   const std::function<void(Feature&&)>& keep, OpenSources* open) {
    out.spec = find_role(src.role);
    LayerInfo& info = out.info;
    info.role = src.role;
    info.source = src.resolved;
    info.gcj02 = src.gcj02;
    info.where = src.where;

    OpenSources opened_here;
    GDALDataset& ds = (open ? *open : opened_here).open(src, info);
    OGRLayer* layer = pick_layer(ds, src);
    info.layer_name = layer->GetName();
    info.geometry_type = OGRGeometryTypeToName(wkbFlatten(layer->GetGeomType()));
    // The layer may have been read before through the same dataset, with another filter.
    layer->SetSpatialFilter(nullptr);
    if (layer->SetAttributeFilter(src.where.empty() ? nullptr : src.where.c_str()) != OGRERR_NONE)
        throw Error("the attribute filter where = \"" + src.where + "\" is not valid: " + gdal_last_error())
            .with_file(src.config_path)
            .with_line(src.line)
            .with_layer(info.layer_name)
            .with_hint("write an OGR SQL expression over the layer's columns, e.g. where = \"kind = '镇'\".");

    const int want_dim = role_dimension(out.spec->geometry);
    const int layer_dim = ogr_dimension(layer->GetGeomType());
    if (want_dim >= 0 && layer_dim >= 0 && layer_dim != want_dim)
        throw Error("the layer holds " + info.geometry_type + " geometries, expected " + to_string(out.spec->geometry) +
                    " for the role \"" + src.role + "\" (" + out.spec->meaning + ")")
            .with_file(src.resolved)
            .with_layer(info.layer_name)
            .with_hint("point [layers." + src.role + "] of " + src.config_path + " at a layer of " +
                       to_string(out.spec->geometry) + ".");

    OGRSpatialReference srs = source_crs(*layer, src, info);
    const bool geographic = srs.IsGeographic();
    OGRCoordinateTransformation* ct = to_wgs84(srs);
    if (!ct)
        throw Error("PROJ cannot transform the layer's CRS (" + info.crs_name + ") to WGS 84: " + gdal_last_error())
            .with_file(src.resolved)
            .with_layer(info.layer_name)
            .with_hint("give the layer a CRS PROJ knows (assume_crs = \"EPSG:....\").");

    bind_fields(*layer, src, *out.spec, info);
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    std::vector<int> column(info.fields.size(), -1);
    for (size_t i = 0; i < info.fields.size(); ++i)
        if (!info.fields[i].source_field.empty() && info.fields[i].osm_tag.empty())
            column[i] = defn->GetFieldIndex(info.fields[i].source_field.c_str());
    const int id_field = out.field_index("id");
    const int other_tags = src.role == "roads" ? defn->GetFieldIndex("other_tags") : -1;

    // The OSM driver would read the whole file once more to count.
    const GIntBig total = info.driver == "OSM" ? -1 : layer->GetFeatureCount(TRUE);
    const std::string step = "reading " + src.role;
    layer->ResetReading();
    std::map<std::string, std::int64_t> seen_ids;
    std::vector<unsigned char> wkb;
    for (auto& feat : *layer) {
        ++info.features_read;
        if ((info.features_read & 1023) == 0 && total > 0) progress.advance(double(info.features_read) / double(total), step.c_str());

        Feature f;
        f.fid = feat->GetFID();
        f.values.resize(info.fields.size());
        const std::string fid_text = std::to_string(f.fid);
        if (id_field >= 0 && feat->IsFieldSetAndNotNull(column[id_field]))
            f.id = text_value(feat->GetFieldAsString(column[id_field]), info.fields[id_field], fid_text, info);
        if (f.id.empty()) f.id = fid_text;
        for (size_t i = 0; i < info.fields.size(); ++i) f.values[i] = read_value(*feat, column[i], info.fields[i], f.id, info);
        if (other_tags >= 0 && !read_osm_road(out, src, feat->GetFieldAsString(other_tags), f)) continue;

        if (auto [it, inserted] = seen_ids.emplace(f.id, f.fid); !inserted)
            info.add_problem("duplicate_id", Severity::Warning, "the id is used by more than one feature", f.id,
                             "give every feature its own id, or map id to a unique column.");

        OGRGeometry* g = feat->GetGeometryRef();
        if (!g) {
            info.add_problem("null_geometry", Severity::Warning, "features with no geometry, skipped", f.id,
                             "give them a geometry, or filter them out with where = \"...\".");
            continue;
        }
        if (g->IsEmpty()) {
            info.add_problem("empty_geometry", Severity::Warning, "features with an empty geometry (or NaN coordinates), skipped", f.id,
                             "give them a geometry, or filter them out with where = \"...\".");
            continue;
        }
        if (want_dim >= 0 && ogr_dimension(g->getGeometryType()) >= 0 && ogr_dimension(g->getGeometryType()) != want_dim) {
            info.add_problem("wrong_geometry", Severity::Error,
                             std::string("features whose geometry is not ") + to_string(out.spec->geometry) + ", skipped",
                             f.id, "give them the right geometry, or filter them out with where = \"...\".");
            continue;
        }
        std::unique_ptr<OGRGeometry> geom(g->hasCurveGeometry() ? g->getLinearGeometry() : g->clone());
        geom->flattenTo2D();
        if (geographic) {
            OGREnvelope env;
            geom->getEnvelope(&env);
            if (env.MinX < -180 || env.MaxX > 180 || env.MinY < -90 || env.MaxY > 90) {
                // The offending coordinate when there is one, else the corner's.
                const double bad_x = env.MinX < -180 ? env.MinX : env.MaxX > 180 ? env.MaxX : env.MinX;
                const double bad_y = env.MinY < -90 ? env.MinY : env.MaxY > 90 ? env.MaxY : env.MinY;
                char buf[128];
                std::snprintf(buf, sizeof buf, " (e.g. %.6g, %.6g)", bad_x, bad_y);
                info.add_problem("out_of_range", Severity::Error,
                                 "longitude/latitude outside the valid range (-180..180, -90..90)" + std::string(buf) +
                                     ", skipped",
                                 f.id,
                                 "the coordinates are probably metres: set the layer's real CRS (its .prj, or "
                                 "assume_crs in [layers." + src.role + "]), or correct the feature.");
                continue;
            }
        }
        if (geom->transform(ct) != OGRERR_NONE) {
            info.add_problem("transform_failed", Severity::Error,
                             "coordinates PROJ cannot transform to WGS 84, skipped", f.id,
                             "check the layer's CRS and the feature's coordinates.");
            continue;
        }
        wkb.resize(geom->WkbSize());
        geom->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        GeomPtr gg = geos.from_wkb(wkb.data(), wkb.size());
        if (!gg) {
            info.add_problem("unreadable_geometry", Severity::Warning,
                             "geometries GEOS cannot read (" + geos.last_message() + "), skipped", f.id,
                             "repair them in the source (e.g. lines of one point).");
            continue;
        }
        if (src.gcj02) gg = geos.own(GEOSGeom_transformXY_r(geos.get(), gg.get(), gcj_callback, nullptr));
        double minx = 0, miny = 0, maxx = 0, maxy = 0;
        GEOSGeom_getXMin_r(geos.get(), gg.get(), &minx);
        GEOSGeom_getYMin_r(geos.get(), gg.get(), &miny);
        GEOSGeom_getXMax_r(geos.get(), gg.get(), &maxx);
        GEOSGeom_getYMax_r(geos.get(), gg.get(), &maxy);
        info.extent.expand(minx, miny);
        info.extent.expand(maxx, maxy);
        f.geom = std::move(gg);
        ++info.features_kept;
        keep(std::move(f));
    }
    progress.advance(1.0, step.c_str());
}

// project_layer's work on one feature: false when it is dropped (counted in the layer's problems).
bool project_feature(Feature& f, LayerInfo& info, int dim, const Transformer& to_working, const GeosContext& geos) {
    GEOSContextHandle_t ctx = geos.get();
    GeomPtr g = geos.own(GEOSGeom_transformXY_r(ctx, f.geom.get(), to_working_callback, const_cast<Transformer*>(&to_working)));
    if (!g) {
        info.add_problem("transform_failed", Severity::Error,
                         "coordinates PROJ cannot transform to the working CRS, skipped", f.id,
                         "check the feature's coordinates, or set another [study] crs.");
        return false;
    }
    if (GEOSisValid_r(ctx, g.get()) != 1) {
        GeomPtr fixed = keep_dimension(geos, geos.own(GEOSMakeValid_r(ctx, g.get())), dim);
        if (!fixed || GEOSisEmpty_r(ctx, fixed.get())) {
            info.add_problem("degenerate", Severity::Warning,
                             "geometries with nothing left after repair (e.g. zero-length lines, zero-area "
                             "polygons), skipped",
                             f.id, "correct or delete them in the source.");
            return false;
        }
        info.add_problem("repaired", Severity::Warning, "invalid geometries repaired with GEOS MakeValid", f.id,
                         "nothing to do unless the repaired shapes look wrong; correct them in the source to be sure.");
        g = std::move(fixed);
    }
    f.geom = std::move(g);
    return true;
}

}  // namespace

Layer read_layer(const LayerSource& src, const GeosContext& geos, const Progress& progress, OpenSources* open) {
    Layer out;
    read_features(src, geos, progress, out, [&](Feature&& f) { out.features.push_back(std::move(f)); }, open);
    return out;
}

void project_layer(Layer& layer, const Transformer& to_working, const GeosContext& geos) {
    const int dim = role_dimension(layer.spec->geometry);
    std::vector<Feature> kept;
    kept.reserve(layer.features.size());
    for (Feature& f : layer.features)
        if (project_feature(f, layer.info, dim, to_working, geos)) kept.push_back(std::move(f));
    layer.features = std::move(kept);
    layer.info.features_kept = layer.features.size();
}

void stream_layer(const LayerSource& source, const Transformer& to_working, const GeosContext& geos, Layer& out,
                  const std::function<void(Feature&&)>& sink, const Progress& progress) {
    std::size_t kept = 0;
    const int dim = role_dimension(find_role(source.role)->geometry);
    LayerInfo projecting;   // listed after the reading's problems, as project_layer lists them
    read_features(source, geos, progress, out, [&](Feature&& f) {
        if (!project_feature(f, projecting, dim, to_working, geos)) return;
        ++kept;
        sink(std::move(f));
    }, nullptr);
    out.info.append_problems(projecting);
    out.info.features_kept = kept;
}

std::vector<std::string> source_files(const LayerSource& source) {
    CPLStringList options;
    for (const auto& o : source.open_options) options.AddString(o.c_str());
    GDALDatasetUniquePtr ds(GDALDataset::Open(source.resolved.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.List()));
    std::vector<std::string> out;
    if (!ds) return out;
    CPLStringList files(ds->GetFileList());
    for (int i = 0; i < files.size(); ++i) out.emplace_back(files[i]);
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<double> Record::number(const std::string& field) const {
    const auto it = values.find(field);
    return it == values.end() ? std::nullopt : as_number(it->second);
}

std::string Record::text(const std::string& field) const {
    const auto it = values.find(field);
    return it == values.end() ? std::string() : as_text(it->second);
}

bool Table::has(const std::string& field) const { return std::find(fields.begin(), fields.end(), field) != fields.end(); }

Table read_table(const std::string& path, const std::string& layer_name, const GeosContext& geos) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds) throw Error("cannot open " + path + ": " + gdal_last_error()).with_file(path).with_hint("check the path: a GeoPackage townsite wrote.");
    OGRLayer* layer = ds->GetLayerByName(layer_name.c_str());
    if (!layer) throw Error("there is no layer \"" + layer_name + "\"").with_file(path).with_layer(layer_name).with_hint("give a GeoPackage written by townsite run.");
    Table t{path, layer_name, {}, {}};
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) t.fields.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    OGRCoordinateTransformation* ct = nullptr;
    if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
        OGRSpatialReference from(*srs);
        from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        ct = to_wgs84(from);
    }
    for (const auto& f : *layer) {
        Record r;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (!f->IsFieldSetAndNotNull(i)) r.values[t.fields[std::size_t(i)]] = std::monostate{};
            else if (defn->GetFieldDefn(i)->GetType() == OFTInteger || defn->GetFieldDefn(i)->GetType() == OFTInteger64)
                r.values[t.fields[std::size_t(i)]] = std::int64_t(f->GetFieldAsInteger64(i));
            else if (defn->GetFieldDefn(i)->GetType() == OFTReal) r.values[t.fields[std::size_t(i)]] = f->GetFieldAsDouble(i);
            else r.values[t.fields[std::size_t(i)]] = std::string(f->GetFieldAsString(i));
        }
        if (OGRGeometry* g = f->GetGeometryRef()) {
            std::unique_ptr<OGRGeometry> copy(g->clone());
            if (ct) copy->transform(ct);
            std::vector<unsigned char> wkb(std::size_t(copy->WkbSize()));
            copy->exportToWkb(wkbNDR, wkb.data());
            r.geom = geos.from_wkb(wkb.data(), wkb.size());
        }
        t.rows.push_back(std::move(r));
    }
    return t;
}

}  // namespace townsite
