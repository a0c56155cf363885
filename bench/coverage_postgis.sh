#!/usr/bin/env bash
# Coverage against PostGIS, side by side on the same layers: the served share of every town for
# every utility, `townsite coverage` (the whole command: reading, the road graph, shares, gaps,
# extensions, writing) against the same shares computed in PostGIS (a throw-away cluster of Debian's
# postgresql and postgresql-15-postgis-3, as tools/setup.sh installs them), two ways:
#   union:  every feature buffered on geography, one ST_Union per utility, ST_Subdivide, a GiST
#           index, then ST_Intersection with each town's circle;
#   local:  every feature buffered on geography and indexed, then per town the ST_Union of the
#           buffers that reach it, intersected with its circle (what townsite does).
# The PostGIS times leave out loading the layers (ogr2ogr) and cover only the SQL; townsite's are its
# whole command and its coverage step (`-v`), which also finds the gaps, the villages' service and
# the extensions. The script checks that both give the same shares (to within a percentage point:
# geography buffers are drawn in a UTM zone, townsite's in the study's CRS) and prints the ratios
# against PostGIS's faster way.
#
# Usage: bench/coverage_postgis.sh [CONFIG] [BUILD_DIR]
#   CONFIG: a study laid out as the sample's (default sample_data/jilin.toml; a generated
#   townsite-make-sample study works too). BUILD_DIR: where townsite is built (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
config=$(realpath "${1:-sample_data/jilin.toml}")
townsite=$(realpath "${2:-build}")/tools/townsite
gpkg=$(dirname "$config")/$(sed -n 's/^source = "\(.*\.gpkg\)"/\1/p' "$config" | head -1)

bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | tail -1)")
[ -x "$bin/initdb" ] && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null ||
    { echo "PostgreSQL or PostGIS is not installed (tools/setup.sh test installs them)" >&2; exit 2; }
work=$(mktemp -d /tmp/townsite-pg-bench.XXXXXX)
chmod 755 "$work"
as=""
if [ "$(id -u)" = 0 ]; then as="runuser -u postgres --"; chown postgres "$work"; fi
port=$((50000 + $$ % 10000))
stop() { $as "$bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$work"; }
[ -n "${KEEP:-}" ] || trap stop EXIT
$as "$bin/initdb" -D "$work/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
$as "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-k $work -p $port -c listen_addresses='' -c work_mem=256MB -c jit=off" start >/dev/null
psql() { command psql -X -q -At -v ON_ERROR_STOP=1 -h "$work" -p "$port" -U postgres -d plan "$@"; }
command psql -X -q -h "$work" -p "$port" -U postgres -d postgres -c "CREATE DATABASE plan"
psql -c "CREATE EXTENSION postgis"

echo "loading $gpkg into PostGIS (not timed)"
for layer in towns water_pipes water_plants gas_pipes gas_plants heating_pipes heating_plants sewage_pipes sewage_plants garbage_stations; do
    ogr2ogr -f PostgreSQL "PG:host=$work port=$port user=postgres dbname=plan" "$gpkg" "$layer" -nln "$layer" \
        -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST -nlt PROMOTE_TO_MULTI -t_srs EPSG:4326
done
psql -c "ANALYZE"

# The served features with their reach, as townsite's defaults have them ([coverage]): lines serve
# 400 m; a plant within 50 m of its utility's lines serves through them, else within radius_m (when
# positive) or its utility's plant radius; garbage stations 3 km. The pipes get a GiST index on
# geography, without which the plants' ST_DWithin on geography scans every pipe (7 s for water alone).
features_sql() {
    local sql="" u plants radius lines
    for spec in "water water_plants 1000 water_pipes" "gas gas_plants 800 gas_pipes" "heating heating_plants 1000 heating_pipes" \
                "sewage sewage_plants 1000 sewage_pipes" "garbage garbage_stations 3000 -"; do
        read -r u plants radius lines <<<"$spec"
        [ -n "$sql" ] && sql+=" UNION ALL "
        if [ "$lines" = - ]; then
            sql+="SELECT '$u' AS u, geom, COALESCE(NULLIF(GREATEST(radius_m, 0), 0), $radius)::float8 AS reach FROM $plants"
        else
            sql+="SELECT '$u' AS u, geom, 400.0::float8 AS reach FROM $lines UNION ALL SELECT '$u', p.geom, COALESCE(NULLIF(GREATEST(p.radius_m, 0), 0), $radius)::float8 FROM $plants p
                  WHERE NOT EXISTS (SELECT 1 FROM $lines l WHERE ST_DWithin(l.geom::geography, p.geom::geography, 50))"
        fi
    done
    echo "$sql"
}
common="
SET client_min_messages = warning; DROP TABLE IF EXISTS town_area, buffered, served, share;
CREATE TABLE town_area AS SELECT code AS id, ST_Buffer(geom::geography,
    LEAST(GREATEST(sqrt(GREATEST(COALESCE(population, 0), 0)::float8 / 12000 / pi()) * 1000, 400), 2500), 'quad_segs=32')::geometry AS geom FROM towns;
CREATE INDEX ON town_area USING gist (geom);
$(for t in water gas heating sewage; do echo "CREATE INDEX IF NOT EXISTS ${t}_pipes_geog ON ${t}_pipes USING gist ((geom::geography));"; done)
CREATE TABLE buffered AS SELECT u, ST_Buffer(geom::geography, reach, 'quad_segs=8')::geometry AS geom FROM ($(features_sql)) f;"
union_sql="$common
CREATE TABLE served AS SELECT u, ST_Subdivide(ST_Union(geom), 256) AS geom FROM buffered GROUP BY u;
CREATE INDEX ON served USING gist (geom);
ANALYZE served;
CREATE TABLE share AS SELECT t.id, s.u, SUM(ST_Area(ST_Intersection(s.geom, t.geom)::geography)) / ST_Area(t.geom::geography) AS share
    FROM town_area t JOIN served s ON ST_Intersects(s.geom, t.geom) GROUP BY t.id, s.u, t.geom;"
local_sql="$common
CREATE INDEX ON buffered USING gist (geom);
ANALYZE buffered;
CREATE TABLE share AS SELECT t.id, b.u, ST_Area(ST_Intersection(ST_Union(b.geom), t.geom)::geography) / ST_Area(t.geom::geography) AS share
    FROM town_area t JOIN buffered b ON ST_Intersects(b.geom, t.geom) GROUP BY t.id, b.u, t.geom;"

now() { date +%s.%N; }
declare -A took
for way in union local; do
    sql_var=${way}_sql
    t0=$(now)
    psql -c "${!sql_var}"
    took[$way]=$(awk "BEGIN { print $(now) - $t0 }")
    psql -F, -c "SELECT id, u, share FROM share ORDER BY id, u" >"$work/postgis_$way.csv"
    echo "PostGIS, $way: ${took[$way]} s ($(wc -l <"$work/postgis_$way.csv") town-utility shares above zero)"
done

t0=$(now)
"$townsite" -v coverage "$config" -o "$work/ours.gpkg" 2>"$work/ours.log" >/dev/null
ours=$(awk "BEGIN { print $(now) - $t0 }")
step=$(sed -n 's/^townsite: compute coverage *\([0-9.]*\) s wall.*/\1/p' "$work/ours.log")
ogr2ogr -f CSV "$work/ours.csv" "$work/ours.gpkg" towns -select id,water_share_pct,gas_share_pct,heating_share_pct,sewage_share_pct,garbage_share_pct
echo "townsite coverage (reading, graph, shares, gaps, extensions, writing): $ours s; its coverage step (shares, gaps, villages, extensions): $step s"

/usr/bin/python3 - "$work" "$ours" "$step" "${took[union]}" "${took[local]}" <<'PY'
import csv, sys
work, ours, step, union, local = sys.argv[1], *map(float, sys.argv[2:])
mine = {}
for row in csv.DictReader(open(f"{work}/ours.csv")):
    for u in ("water", "gas", "heating", "sewage", "garbage"):
        mine[(row["id"], u)] = float(row[f"{u}_share_pct"] or 0) / 100
ok = True
for way in ("union", "local"):
    theirs = {(i, u): float(s) for i, u, s in csv.reader(open(f"{work}/postgis_{way}.csv"))}
    diffs = [abs(mine[k] - theirs.get(k, 0.0)) for k in mine]
    over = sum(d > 0.01 for d in diffs)
    print(f"  {way}: {len(diffs)} town-utility shares, largest difference {max(diffs) * 100:.3f} points, "
          f"mean {sum(diffs) / len(diffs) * 100:.4f}, over one point: {over}")
    ok = ok and over == 0
best = min(union, local)
print(f"PostGIS's faster way {best:.2f} s against townsite's coverage step {step:.2f} s: {best / step:.1f}x; "
      f"against the whole command {ours:.2f} s: {best / ours:.1f}x")
sys.exit(0 if ok else 1)
PY
