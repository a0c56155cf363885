#!/usr/bin/env bash
# The od benchmark on a real city network: Andorra's OSM roads (../shared/data/osm/andorra.osm.pbf,
# one-way streets included), 1,000 origins x 60 destinations; townsite against Boost.Graph and
# igraph (Debian's python3-igraph), and a million CSV rows against GDAL's CSV driver.
# Usage: bench/od.sh [BUILD_DIR] [DATA_DIR]   (defaults build-bench, ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-bench}
data=$(cd "${2:-../shared/data}" && pwd)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DTOWNSITE_BENCH=ON -DTOWNSITE_TESTS=OFF >/dev/null
cmake --build "$dir" -j "$(nproc)" --target od_bench >/dev/null
study=/tmp/townsite_bench_andorra
mkdir -p "$study"
# A study around the roads: one prefecture and county (the country's box), one town.
cat > "$study/admin.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "1", "name": "Andorra", "prefecture": "1"},
 "geometry": {"type": "Polygon", "coordinates": [[[1.3, 42.3], [1.9, 42.3], [1.9, 42.8], [1.3, 42.8], [1.3, 42.3]]]}}]}
JSON
cat > "$study/towns.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "AD", "name": "Andorra la Vella", "kind": "town", "county": "1"},
 "geometry": {"type": "Point", "coordinates": [1.5218, 42.5063]}}]}
JSON
cat > "$study/andorra.toml" <<TOML
[study]
crs = "EPSG:32631"
[layers.prefectures]
source = "admin.geojson"
[layers.counties]
source = "admin.geojson"
[layers.towns]
source = "towns.geojson"
[layers.roads]
source = "$data/osm/andorra.osm.pbf"
TOML
"$dir/bench/od_bench" "$study/andorra.toml" "Andorra (OSM)" 1000 60 "$study/export"
/usr/bin/python3 bench/od_igraph.py "$study/export"
