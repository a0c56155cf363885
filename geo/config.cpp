#include "geo/config.h"

#include "geo/osm.h"

#include "geo/error.h"
#include "geo/text.h"

#include <iconv.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace townsite {

namespace fs = std::filesystem;

bool looks_like_connection_string(const std::string& source) {
    static const std::regex prefix("^[A-Za-z][A-Za-z0-9_]+:");
    return source.rfind("/vsi", 0) == 0 || std::regex_search(source, prefix);
}

const char* to_string(FieldType t) {
    switch (t) {
        case FieldType::Text: return "text";
        case FieldType::Integer: return "integer";
        case FieldType::Real: return "number";
        case FieldType::Bool: return "yes/no";
    }
    return "?";
}

const char* to_string(GeomKind k) {
    switch (k) {
        case GeomKind::Point: return "points";
        case GeomKind::Line: return "lines";
        case GeomKind::Polygon: return "polygons";
        case GeomKind::Any: return "any geometry";
    }
    return "?";
}

const FieldSpec* RoleSpec::field(const std::string& field_name) const {
    for (const auto& f : fields)
        if (f.name == field_name) return &f;
    return nullptr;
}

namespace {

using FT = FieldType;

std::vector<FieldSpec> utility_fields() {
    return {{"id", FT::Text, false, "feature id"},
            {"kind", FT::Text, false, "pipe, plant or station"},
            {"name", FT::Text, false, "name"},
            {"radius_m", FT::Real, false, "service radius of a plant or station (m)", true},
            {"capacity", FT::Real, false, "capacity of a plant or station", true}};
}

std::vector<RoleSpec> make_catalogue() {
    std::vector<RoleSpec> roles = {
        {"prefectures", GeomKind::Polygon, true,
         {{"id", FT::Text, true, "prefecture code (6 digits, e.g. 220100)"},
          {"name", FT::Text, true, "name"},
          {"seat_lon", FT::Real, false, "longitude of the seat (WGS 84)"},
          {"seat_lat", FT::Real, false, "latitude of the seat (WGS 84)"}},
         "prefecture-level units (市/州)"},
        {"counties", GeomKind::Polygon, true,
         {{"id", FT::Text, true, "county code (6 digits)"},
          {"name", FT::Text, true, "name"},
          {"prefecture", FT::Text, true, "code of the prefecture it belongs to"},
          {"seat_lon", FT::Real, false, "longitude of the county seat (WGS 84)"},
          {"seat_lat", FT::Real, false, "latitude of the county seat (WGS 84)"},
          {"border", FT::Bool, false, "border county (边境县)"},
          {"key_assistance", FT::Bool, false, "provincial key assistance county (重点帮扶县)"}},
         "county-level units (县/市/区)"},
        {"towns", GeomKind::Any, true,
         {{"id", FT::Text, true, "township code (9 digits)"},
          {"name", FT::Text, true, "name"},
          {"kind", FT::Text, true, "镇, 乡, 街道, ..."},
          {"county", FT::Text, true, "code of the county it belongs to"},
          {"population", FT::Real, false, "resident population", true},
          {"industry_output", FT::Real, false, "industrial output (100 million yuan)", true},
          {"dev_land", FT::Real, false, "land available for development (ha)", true},
          {"node_town", FT::Bool, false, "important node town of the territorial plan"}},
         "towns, townships and sub-districts: seat points or built-up polygons"},
        {"builtup", GeomKind::Polygon, false,
         {{"id", FT::Text, false, "id"}, {"town", FT::Text, true, "id of the town it belongs to"}},
         "built-up areas of the towns (镇区), when the towns layer has seat points"},
        {"urban_boundary", GeomKind::Polygon, false,
         {{"id", FT::Text, false, "id"}, {"town", FT::Text, false, "id of the town it belongs to (without it: the boundary that holds the town's seat)"}},
         "urban development boundaries (城镇开发边界) of the towns: their area when there is no built-up layer"},
        {"farmland", GeomKind::Polygon, false, {{"id", FT::Text, false, "id"}}, "permanent basic farmland (永久基本农田)"},
        {"eco_redline", GeomKind::Polygon, false, {{"id", FT::Text, false, "id"}, {"name", FT::Text, false, "name"}},
         "ecological protection red line (生态保护红线)"},
        {"villages", GeomKind::Point, false,
         {{"id", FT::Text, true, "village code"},
          {"name", FT::Text, false, "name"},
          {"town", FT::Text, false, "code of the town it belongs to"},
          {"population", FT::Real, false, "resident population", true}},
         "administrative villages"},
        {"metro_areas", GeomKind::Polygon, false,
         {{"id", FT::Text, false, "id"}, {"name", FT::Text, false, "name"}},
         "metropolitan areas (e.g. the Changchun metropolitan circle)"},
        {"city_cores", GeomKind::Point, false,
         {{"id", FT::Text, true, "id"},
          {"name", FT::Text, false, "name"},
          {"prefecture", FT::Text, false, "code of its prefecture"}},
         "city cores"},
        {"border", GeomKind::Line, false, {{"id", FT::Text, false, "id"}, {"name", FT::Text, false, "name"}},
         "national border"},
        {"roads", GeomKind::Line, false,
         {{"id", FT::Text, false, "road id"},
          {"class", FT::Text, false, "road class (高速公路, 国道, ... or OSM highway=*)"},
          {"speed_kmh", FT::Real, false, "speed (km/h); wins over the class speed"},
          {"oneway", FT::Text, false, "one-way flag (yes, 1, -1, FT, TF)"},
          {"name", FT::Text, false, "name"}},
         "road network"},
        {"water", GeomKind::Any, false, utility_fields(), "water supply network and plants"},
        {"gas", GeomKind::Any, false, utility_fields(), "gas network and stations"},
        {"heating", GeomKind::Any, false, utility_fields(), "central heating network and plants"},
        {"sewage", GeomKind::Any, false, utility_fields(), "sewage network and treatment plants"},
        {"garbage", GeomKind::Any, false, utility_fields(), "garbage transfer stations"},
        {"facilities", GeomKind::Point, false,
         {{"id", FT::Text, true, "id"},
          {"kind", FT::Text, true, "elderly_care, childcare, school, clinic"},
          {"name", FT::Text, false, "name"},
          {"capacity", FT::Real, false, "places, seats or beds", true}},
         "public facilities"},
        {"protected", GeomKind::Any, false,
         {{"id", FT::Text, true, "id"}, {"name", FT::Text, true, "name"}, {"kind", FT::Text, false, "kind"}},
         "cultural relics, historic buildings, old trees"},
    };
    return roles;
}

std::vector<std::string> role_names() {
    std::vector<std::string> names;
    for (const auto& r : role_catalogue()) names.push_back(r.name);
    return names;
}

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a number";
        case toml::node_type::boolean: return "true/false";
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        default: return "a date or time";
    }
}

// Reads the optional string at `key` of `table`; a value of another type is a problem.
std::string get_string(const toml::table& table, const std::string& key, const std::string& key_path,
                       const std::string& example, std::vector<ConfigProblem>& problems) {
    const toml::node* node = table.get(key);
    if (!node) return {};
    if (auto s = node->value<std::string>(); s && node->is_string()) return *s;
    problems.push_back({line_of(*node), "key \"" + key_path + "." + key + "\" is " + type_name(*node) +
                                            ", expected a string",
                        "write it in quotes, e.g. " + key + " = " + example + "."});
    return {};
}


LayerSource parse_layer(const toml::table& t, const std::string& role, const std::string& key_path,
                        const std::string& dir, const std::string& config_path, std::vector<ConfigProblem>& problems) {
    static const std::vector<std::string> allowed = {"source", "layer", "where", "fields", "extra_fields", "assume_crs",
                                                     "encoding", "coordinates", "open_options", "osm_tags"};
    check_keys(t, key_path, allowed, problems);

    LayerSource src;
    src.role = role;
    src.line = line_of(t);
    src.config_path = config_path;
    src.source = get_string(t, "source", key_path, "\"towns.gpkg\"", problems);
    if (src.source.empty() && !t.get("source"))
        problems.push_back({src.line, "[" + key_path + "] has no \"source\"",
                            "add source = \"path/to/file.gpkg\" (relative to the config file) or a GDAL "
                            "connection string such as \"PG:dbname=gis\"."});
    if (!src.source.empty()) {
        if (looks_like_connection_string(src.source) || fs::path(src.source).is_absolute())
            src.resolved = src.source;
        else
            src.resolved = (fs::path(dir) / src.source).lexically_normal().string();
    }
    src.layer = get_string(t, "layer", key_path, "\"towns\"", problems);
    src.where = get_string(t, "where", key_path, "\"kind = '镇'\"", problems);
    src.assume_crs = get_string(t, "assume_crs", key_path, "\"EPSG:4490\"", problems);
    src.encoding = get_string(t, "encoding", key_path, "\"GBK\"", problems);
    if (!src.encoding.empty()) {
        const iconv_t cd = iconv_open("UTF-8", src.encoding.c_str());
        if (cd == reinterpret_cast<iconv_t>(-1))
            problems.push_back({line_of(*t.get("encoding")), "encoding = \"" + src.encoding + "\" is not an encoding townsite knows",
                                "write the encoding of the file's text, e.g. \"GBK\" (also for GB2312), \"GB18030\", \"BIG5\" or \"UTF-8\"."});
        else
            iconv_close(cd);
    }

    const std::string coordinates = get_string(t, "coordinates", key_path, "\"gcj02\"", problems);
    if (coordinates == "gcj02" || coordinates == "GCJ02" || coordinates == "GCJ-02")
        src.gcj02 = true;
    else if (!coordinates.empty() && coordinates != "crs")
        problems.push_back({line_of(*t.get("coordinates")),
                            "key \"" + key_path + ".coordinates\" is \"" + coordinates +
                                "\", expected \"crs\" (as the layer's CRS says) or \"gcj02\"",
                            "write coordinates = \"gcj02\" for data from Chinese web maps (Amap, DataV, "
                            "Tencent), or leave the key out."});

    if (const toml::node* oo = t.get("open_options")) {
        const toml::array* arr = oo->as_array();
        bool ok = arr != nullptr;
        if (arr)
            for (const auto& item : *arr) {
                auto s = item.value<std::string>();
                if (!item.is_string() || s->find('=') == std::string::npos) ok = false;
                else src.open_options.push_back(*s);
            }
        if (!ok)
            problems.push_back({line_of(*oo), "key \"" + key_path + ".open_options\" must be an array of "
                                                  "\"KEY=VALUE\" strings",
                                "e.g. open_options = [\"X_POSSIBLE_NAMES=lon\", \"Y_POSSIBLE_NAMES=lat\"]."});
    }

    if (role == "roads") src.osm_tags = default_osm_tags();
    if (const toml::node* on = t.get("osm_tags")) {
        const toml::array* arr = on->as_array();
        const std::string choices = "\"oneway\", \"junction\", \"maxspeed\", \"route\"";
        if (role != "roads")
            problems.push_back({line_of(*on), "key \"" + key_path + ".osm_tags\" applies to roads only",
                                "remove it, or move it to [layers.roads]."});
        else if (!arr)
            problems.push_back({line_of(*on), "key \"" + key_path + ".osm_tags\" must be an array of tag names",
                                "e.g. osm_tags = [" + choices + "] (the default), or [] to read none."});
        else {
            src.osm_tags.clear();
            const auto& known = default_osm_tags();
            for (const auto& item : *arr) {
                const auto name = item.value<std::string>();
                if (!item.is_string() || std::find(known.begin(), known.end(), *name) == known.end())
                    problems.push_back({line_of(item), "osm_tags holds " + (item.is_string() ? "\"" + *name + "\"" : type_name(item)) +
                                                           ", which is not a road tag townsite reads",
                                        "use some of: " + choices + "."});
                else
                    src.osm_tags.push_back(*name);
            }
        }
    }

    const RoleSpec* spec = find_role(role);
    if (const toml::node* fnode = t.get("fields")) {
        const toml::table* fields = fnode->as_table();
        if (!fields) {
            problems.push_back({line_of(*fnode), "key \"" + key_path + ".fields\" is " + type_name(*fnode) +
                                                     ", expected a table",
                                "write [" + key_path + ".fields] with lines like id = \"code\"."});
        } else {
            std::vector<std::string> known;
            for (const auto& f : spec->fields) known.push_back(f.name);
            for (const auto& [k, v] : *fields) {
                const std::string key(k.str());
                const int line = static_cast<int>(k.source().begin.line);
                if (!spec->field(key)) {
                    problems.push_back({line, "unknown field \"" + key + "\" in [" + key_path + ".fields]" + did_you_mean(key, known),
                                        "use one of: " + join(known) + "."});
                    continue;
                }
                if (!v.is_string() || v.value<std::string>()->empty()) {
                    problems.push_back({line, "field \"" + key_path + ".fields." + key + "\" is " + type_name(v) +
                                                  ", expected the name of a column in the source",
                                        "write " + key + " = \"COLUMN\"."});
                    continue;
                }
                src.fields[key] = {*v.value<std::string>(), line};
            }
        }
    }
    // More numeric columns to carry along (indicators for scoring that townsite has no name for).
    if (const toml::node* xnode = t.get("extra_fields")) {
        const toml::table* extra = xnode->as_table();
        if (!extra)
            problems.push_back({line_of(*xnode), "key \"" + key_path + ".extra_fields\" is " + type_name(*xnode) +
                                                     ", expected a table",
                                "write [" + key_path + ".extra_fields] with lines like tourism_visits = \"visitors\"."});
        else
            for (const auto& [k, v] : *extra) {
                const std::string key(k.str());
                const int line = static_cast<int>(k.source().begin.line);
                if (spec->field(key))
                    problems.push_back({line, "extra field \"" + key + "\" is one of the role's own fields",
                                        "map it in [" + key_path + ".fields] instead."});
                else if (!v.is_string() || v.value<std::string>()->empty())
                    problems.push_back({line, "field \"" + key_path + ".extra_fields." + key + "\" is " + type_name(v) +
                                                  ", expected the name of a column in the source",
                                        "write " + key + " = \"COLUMN\"."});
                else
                    src.extra_fields[key] = {*v.value<std::string>(), line};
            }
    }
    return src;
}

}  // namespace

const std::vector<RoleSpec>& role_catalogue() {
    static const std::vector<RoleSpec> roles = make_catalogue();
    return roles;
}

const RoleSpec* find_role(const std::string& name) {
    for (const auto& r : role_catalogue())
        if (r.name == name) return &r;
    return nullptr;
}

std::vector<const LayerSource*> StudyConfig::sources(const std::string& role) const {
    std::vector<const LayerSource*> out;
    for (const auto& l : layers)
        if (l.role == role) out.push_back(&l);
    return out;
}

void check_keys(const toml::table& table, const std::string& key_path, const std::vector<std::string>& allowed,
                std::vector<ConfigProblem>& problems) {
    for (const auto& [k, v] : table) {
        const std::string key(k.str());
        if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
        const std::string where = key_path.empty() ? key : key_path + "." + key;
        problems.push_back({static_cast<int>(k.source().begin.line), "unknown key \"" + where + "\"" + did_you_mean(key, allowed),
                            "valid keys " + (key_path.empty() ? std::string("at the top level") : "in [" + key_path + "]") +
                                " are: " + join(allowed) + "."});
    }
}

const toml::table* config_section(const StudyConfig& config, const std::string& name, std::vector<ConfigProblem>& problems) {
    const toml::node* node = config.table.get(name);
    if (!node) return nullptr;
    if (const toml::table* t = node->as_table()) return t;
    problems.push_back({line_of(*node), "\"" + name + "\" is " + type_name(*node) + ", expected a table",
                        "write a [" + name + "] section."});
    return nullptr;
}

void read_number(const toml::table& table, const std::string& key_path, const std::string& key, double& out, double min,
                 double max, std::vector<ConfigProblem>& problems) {
    const toml::node* n = table.get(key);
    if (!n) return;
    const auto v = finite_number(*n);
    if (v && *v >= min && *v <= max) {
        out = *v;
        return;
    }
    char range[96];
    std::snprintf(range, sizeof range, "a number from %g to %g", min, max);
    char example[64];
    std::snprintf(example, sizeof example, "%g", out);
    problems.push_back({line_of(*n), "\"" + key_path + "." + key + "\" is " + (n->is_number() ? "out of range" : type_name(*n)) +
                                         ", expected " + range,
                        "e.g. " + key + " = " + example + "."});
}

void read_text(const toml::table& table, const std::string& key_path, const std::string& key, std::string& out,
               std::vector<ConfigProblem>& problems, const std::vector<std::string>& choices) {
    const toml::node* n = table.get(key);
    if (!n) return;
    const std::string where = "\"" + key_path + "." + key + "\"";
    if (!n->is_string()) {
        problems.push_back({line_of(*n), where + " is " + type_name(*n) + ", expected a string",
                            "write it in quotes, e.g. " + key + " = \"" + (choices.empty() ? out : choices.front()) + "\"."});
        return;
    }
    const std::string v = *n->value<std::string>();
    if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end()) {
        problems.push_back({line_of(*n), where + " is \"" + v + "\"" + did_you_mean(v, choices),
                            "use one of: " + join(choices) + "."});
        return;
    }
    out = v;
}

void read_bool(const toml::table& table, const std::string& key_path, const std::string& key, bool& out,
               std::vector<ConfigProblem>& problems) {
    const toml::node* n = table.get(key);
    if (!n) return;
    if (n->is_boolean()) out = *n->value<bool>();
    else
        problems.push_back({line_of(*n), "\"" + key_path + "." + key + "\" is " + type_name(*n) + ", expected true or false",
                            "e.g. " + key + " = " + (out ? "true" : "false") + "."});
}

void read_integer(const toml::table& table, const std::string& key_path, const std::string& key, int& out, int min, int max,
                  std::vector<ConfigProblem>& problems) {
    const toml::node* n = table.get(key);
    if (!n) return;
    if (n->is_integer() && *n->value<std::int64_t>() >= min && *n->value<std::int64_t>() <= max) {
        out = static_cast<int>(*n->value<std::int64_t>());
        return;
    }
    problems.push_back({line_of(*n), "\"" + key_path + "." + key + "\" is " + (n->is_integer() ? "out of range" : type_name(*n)) +
                                         ", expected a whole number from " + std::to_string(min) + " to " + std::to_string(max),
                        "e.g. " + key + " = " + std::to_string(std::max(out, min)) + "."});
}

void read_text_list(const toml::table& table, const std::string& key_path, const std::string& key,
                    std::vector<std::string>& out, std::vector<ConfigProblem>& problems) {
    const toml::node* n = table.get(key);
    if (!n) return;
    const toml::array* arr = n->as_array();
    std::vector<std::string> got;
    if (arr)
        for (const auto& v : *arr)
            if (v.is_string()) got.push_back(*v.value<std::string>());
    if (!arr || got.size() != arr->size()) {
        problems.push_back({line_of(*n), "\"" + key_path + "." + key + "\" must be a list of strings",
                            "e.g. " + key + " = [\"" + (out.empty() ? std::string("a") : out.front()) + "\"]."});
        return;
    }
    out = got;
}

std::optional<double> finite_number(const toml::node& node) {
    if (!node.is_number()) return std::nullopt;
    const auto v = node.value<double>();
    if (!v || !std::isfinite(*v)) return std::nullopt;
    return v;
}

void throw_config_problems(const std::string& file, const std::vector<ConfigProblem>& problems) {
    if (problems.empty()) return;
    auto sorted = problems;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
    auto make = [&file](const ConfigProblem& p) { return Error(p.message).with_file(file).with_line(p.line).with_hint(p.hint); };
    Error error = make(sorted.front());
    for (size_t i = 1; i < sorted.size(); ++i) error.also(make(sorted[i]));
    throw error;
}

namespace {

// A copy of `t` that has no source positions, in its keys or its values (see extend_config).
toml::table without_lines(const toml::table& t);
toml::array without_lines(const toml::array& a) {
    toml::array out;
    for (auto&& item : a) {
        if (const toml::table* sub = item.as_table()) out.push_back(without_lines(*sub));
        else if (const toml::array* arr = item.as_array()) out.push_back(without_lines(*arr));
        else out.push_back(item);   // a copy: toml++ does not copy the position
    }
    return out;
}
toml::table without_lines(const toml::table& t) {
    toml::table out;
    out.is_inline(t.is_inline());
    for (auto&& [k, v] : t) {
        const std::string key(k.str());   // a key made from its text has no position either
        if (const toml::table* sub = v.as_table()) out.insert(key, without_lines(*sub));
        else if (const toml::array* arr = v.as_array()) out.insert(key, without_lines(*arr));
        else out.insert(key, v);
    }
    return out;
}

// [study] extends = "base.toml": the base config's sections, with this file's on top: [layers.ROLE]
// replaces the base's layers of that role, [study] keys replace the base's keys, and any other section
// replaces the base's section whole. The base's relative sources are rewritten to stay where they were.
void extend_config(toml::table& table, const std::string& dir, const std::string& path, int depth, std::vector<std::string>& files) {
    const toml::table* study = table["study"].as_table();
    const toml::node* ext = study ? study->get("extends") : nullptr;
    if (!ext) return;
    if (!ext->is_string())
        throw Error("\"study.extends\" must be the path of another config").with_file(path).with_line(line_of(*ext)).with_hint("e.g. extends = \"jilin.toml\".");
    if (depth > 8) throw Error("configs extend each other in a loop").with_file(path).with_hint("check the extends = keys of the configs.");
    const fs::path base_path = (fs::path(dir) / *ext->value<std::string>()).lexically_normal();
    std::ifstream in(base_path, std::ios::binary);
    if (!in)
        throw Error("cannot open the config it extends, " + base_path.string()).with_file(path).with_line(line_of(*ext)).with_hint("check the path (relative to this config).");
    files.push_back(base_path.string());
    std::stringstream text;
    text << in.rdbuf();
    toml::table base;
    try {
        base = toml::parse(text.str(), base_path.string());
    } catch (const toml::parse_error& e) {
        throw Error("not valid TOML: " + std::string(e.description())).with_file(base_path.string()).with_line(int(e.source().begin.line));
    }
    const std::string base_dir = base_path.parent_path().empty() ? "." : base_path.parent_path().string();
    extend_config(base, base_dir, base_path.string(), depth + 1, files);
    // The base's relative sources, as seen from this config's folder.
    auto rebase = [&](toml::table& layer) {
        if (auto s = layer["source"].value<std::string>(); s && !looks_like_connection_string(*s) && !fs::path(*s).is_absolute()) {
            const fs::path abs = fs::absolute(fs::path(base_dir) / *s).lexically_normal();
            const fs::path rel = abs.lexically_relative(fs::absolute(dir).lexically_normal());
            layer.insert_or_assign("source", (rel.empty() ? abs : rel).string());
        }
    };
    if (toml::table* layers = base["layers"].as_table())
        for (auto&& [role, node] : *layers) {
            if (toml::table* t = node.as_table()) rebase(*t);
            else if (toml::array* arr = node.as_array())
                for (auto&& item : *arr)
                    if (toml::table* one = item.as_table()) rebase(*one);
        }
    // Messages name this file: its own keys keep their lines (moved: toml++ keeps a node's line when
    // it is moved, not when copied), the base's lose theirs (a line of the base under this file's name
    // would point at the wrong place).
    toml::table merged = without_lines(base);
    for (auto&& [key, node] : table) {
        const std::string k(key.str());
        toml::table* mine = node.as_table();
        toml::table* theirs = merged[k].as_table();
        if ((k == "layers" || k == "study") && mine && theirs) {
            for (auto&& [sub, value] : *mine) theirs->insert_or_assign(sub, std::move(value));
        } else {
            merged.insert_or_assign(key, std::move(node));
        }
    }
    if (toml::table* merged_study = merged["study"].as_table()) merged_study->erase("extends");
    table = std::move(merged);
}

}  // namespace

StudyConfig parse_config(const std::string& text, const std::string& path) {
    StudyConfig cfg;
    cfg.path = path;
    cfg.dir = fs::path(path).parent_path().string();
    if (cfg.dir.empty()) cfg.dir = ".";
    try {
        cfg.table = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        throw Error("not valid TOML: " + std::string(e.description()))
            .with_file(path)
            .with_line(static_cast<int>(e.source().begin.line))
            .with_hint("correct the syntax at that line (strings in double quotes, one key = value per line).");
    }

    std::vector<ConfigProblem> problems;
    cfg.files = {path};
    extend_config(cfg.table, cfg.dir, path, 0, cfg.files);
    // Sections read by the modules that own them ([network] by the road graph, [access] by the
    // accessibility analysis, ...), each checking its own keys.
    check_keys(cfg.table, "", {"study", "layers", "network", "access", "coverage", "proximity", "land", "services", "scoring", "town_types",
                                "selection", "scenarios", "costs"},
               problems);

    if (const toml::node* sn = cfg.table.get("study")) {
        if (const toml::table* study = sn->as_table()) {
            check_keys(*study, "study", {"name", "crs", "year", "extends"}, problems);
            cfg.name = get_string(*study, "name", "study", "\"Jilin 2022\"", problems);
            read_integer(*study, "study", "year", cfg.year, 1949, 2200, problems);
            cfg.crs = get_string(*study, "crs", "study", "\"EPSG:4547\"", problems);
            if (cfg.crs == "auto") cfg.crs.clear();
        } else {
            problems.push_back({line_of(*sn), "\"study\" is " + type_name(*sn) + ", expected a table",
                                "write a [study] section."});
        }
    }

    const toml::node* ln = cfg.table.get("layers");
    const toml::table* layers = ln ? ln->as_table() : nullptr;
    if (!layers) {
        problems.push_back({ln ? line_of(*ln) : 1, "the config has no [layers.ROLE] sections",
                            "describe at least the layers " + std::string("prefectures, counties and towns, e.g. "
                            "[layers.towns] source = \"towns.gpkg\".")});
        throw_config_problems(path, problems);
    }
    check_keys(*layers, "layers", role_names(), problems);

    for (const auto& role : role_catalogue()) {
        const toml::node* node = layers->get(role.name);
        const std::string key_path = "layers." + role.name;
        if (!node) {
            if (role.required)
                problems.push_back({line_of(*layers), "the required layer \"" + role.name + "\" (" + role.meaning +
                                                          ") is missing",
                                    "add a [" + key_path + "] section with its source and field mapping."});
            continue;
        }
        if (const toml::table* t = node->as_table()) {
            cfg.layers.push_back(parse_layer(*t, role.name, key_path, cfg.dir, path, problems));
        } else if (const toml::array* arr = node->as_array(); arr && arr->is_array_of_tables()) {
            for (const auto& item : *arr)
                cfg.layers.push_back(parse_layer(*item.as_table(), role.name, key_path, cfg.dir, path, problems));
        } else {
            problems.push_back({line_of(*node), "\"" + key_path + "\" is " + type_name(*node) + ", expected a table",
                                "write [" + key_path + "] (or [[" + key_path + "]] for several layers)."});
        }
    }
    throw_config_problems(path, problems);
    return cfg;
}

StudyConfig load_config(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error("the config file does not exist")
            .with_file(path)
            .with_hint("check the path; with no config, townsite uses the bundled sample_data/jilin.toml.");
    if (fs::is_directory(path, ec)) {
        std::vector<std::string> tomls;
        for (const auto& e : fs::directory_iterator(path, ec))
            if (e.path().extension() == ".toml") tomls.push_back(e.path().string());
        std::sort(tomls.begin(), tomls.end());
        throw Error("this is a folder, not a config file")
            .with_file(path)
            .with_hint(tomls.empty() ? "give the study's .toml file (the folder has none)."
                                     : "give the study's .toml file, e.g. " + tomls.front() + ".");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot open the config file")
            .with_file(path)
            .with_hint("check the path; with no config, townsite uses the bundled sample_data/jilin.toml.");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_config(buffer.str(), path);
}

}  // namespace townsite
