#include "geo/osm.h"

#include <cctype>
#include <cstdlib>

namespace townsite {

std::map<std::string, std::string> parse_hstore(const std::string& text) {
    std::map<std::string, std::string> tags;
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    };
    auto quoted = [&](std::string& out) {
        if (i >= text.size() || text[i] != '"') return false;
        for (++i; i < text.size(); ++i) {
            if (text[i] == '\\' && i + 1 < text.size()) out += text[++i];
            else if (text[i] == '"') return ++i, true;
            else out += text[i];
        }
        return false;
    };
    for (skip_space(); i < text.size(); skip_space()) {
        std::string key, value;
        if (!quoted(key)) break;
        while (i < text.size() && text[i] == ' ') ++i;
        if (text.compare(i, 2, "=>") != 0) break;
        i += 2;
        while (i < text.size() && text[i] == ' ') ++i;
        if (text.compare(i, 4, "NULL") == 0) i += 4;
        else if (!quoted(value)) break;
        tags[key] = value;
    }
    return tags;
}

std::optional<double> parse_maxspeed_kmh(const std::string& raw) {
    std::string v;
    for (char c : raw) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!v.empty() && v.back() == ' ') v.pop_back();
    static const std::map<std::string, double> implicit = {
        {"cn:motorway", 120}, {"cn:urban", 50}, {"cn:rural", 70},
    };
    if (auto it = implicit.find(v); it != implicit.end()) return it->second;
    const char* begin = v.c_str();
    char* end = nullptr;
    const double number = std::strtod(begin, &end);
    if (end == begin || !(number > 0)) return std::nullopt;
    std::string unit(end);
    while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
    if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return number;
    if (unit == "mph") return number * 1.609344;
    if (unit == "knots") return number * 1.852;
    return std::nullopt;
}

const std::vector<std::string>& default_osm_tags() {
    static const std::vector<std::string> tags = {"oneway", "junction", "maxspeed", "route"};
    return tags;
}

}  // namespace townsite
