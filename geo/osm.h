// OpenStreetMap tags as GDAL's OSM driver hands them over: the keys osmconf.ini does not turn into
// columns arrive in one `other_tags` column in PostgreSQL HSTORE syntax ("key"=>"value",...), and
// stay there when the data is converted with ogr2ogr. read_layer reads the road tags from it.
//
//   auto tags = parse_hstore(R"("oneway"=>"yes","maxspeed"=>"30 mph")");   // {oneway: yes, maxspeed: 30 mph}
//   parse_maxspeed_kmh("30 mph") == 48.28;  parse_maxspeed_kmh("CN:urban") == 50;  parse_maxspeed_kmh("none") == nullopt
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace townsite {

// Keys and values of an HSTORE text (backslash escapes undone). Text that is not HSTORE gives what
// could be read before the first malformed pair.
std::map<std::string, std::string> parse_hstore(const std::string& text);

// A maxspeed value in km/h: a number ("50"), with a unit ("30 mph", "10 knots", "50 km/h"), or an
// implicit value of China ("CN:motorway" 120, "CN:urban" 50, "CN:rural" 70: the limits of the Road
// Traffic Safety Law's regulations, art. 45-46 and 78). nullopt for what gives no number: "none",
// "signals", "variable", lists ("90;30"), and other countries' implicit values.
std::optional<double> parse_maxspeed_kmh(const std::string& value);

// The OSM tags a roads layer honours by default (the `osm_tags` key of [layers.roads]): oneway
// (yes/1/true/-1/reversible/no), junction (roundabout or circular implies one-way), maxspeed, and
// route (route=ferry ways are the class "ferry", driven only when [network.speeds] gives it a speed).
const std::vector<std::string>& default_osm_tags();

}  // namespace townsite
