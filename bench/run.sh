#!/usr/bin/env bash
# Runs the benchmarks on the sample at x1 and x10 (x10 is generated into /tmp, about 20 s):
# loading (bench/load_bench.cpp), routing (bench/route_bench.cpp), coverage (bench/coverage_bench.cpp), selection (bench/select_bench.cpp) and
# the bottom lines and room to grow (bench/land_bench.cpp),
# each against its baseline.
# Usage: bench/run.sh [BUILD_DIR]   (default build-bench, a Release build with TOWNSITE_BENCH=ON)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-bench}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DTOWNSITE_BENCH=ON -DTOWNSITE_TESTS=OFF >/dev/null
cmake --build "$dir" -j "$(nproc)" --target route_bench coverage_bench select_bench land_bench load_bench townsite-make-sample >/dev/null
x10=/tmp/townsite_bench_x10
mkdir -p "$x10"
[ -f "$x10/jilin.gpkg" ] || "$dir/sample_data/townsite-make-sample" --sources sample_data/sources -o "$x10/jilin.gpkg" --scale 10 >/dev/null
cp sample_data/jilin.toml "$x10/jilin.toml"
"$dir/bench/load_bench" sample_data/jilin.toml "sample x1"
"$dir/bench/load_bench" "$x10/jilin.toml" "sample x10"
"$dir/bench/route_bench" sample_data/jilin.toml "sample x1"
"$dir/bench/route_bench" "$x10/jilin.toml" "sample x10"
"$dir/bench/coverage_bench" sample_data/jilin.toml "sample x1"
"$dir/bench/coverage_bench" "$x10/jilin.toml" "sample x10" 20   # baseline intersections on every 20th town
# Selection at x10 with x10 quotas (300 / 400 / 500), so that every prefecture's minimum fits.
sed -e 's/^count = 30$/count = 300/' -e 's/^count = 40$/count = 400/' -e 's/^count = 50$/count = 500/' sample_data/jilin.toml > "$x10/jilin_x10_quotas.toml"
"$dir/bench/select_bench" sample_data/jilin.toml "sample x1" 100
"$dir/bench/select_bench" "$x10/jilin_x10_quotas.toml" "sample x10" 10
"$dir/bench/land_bench" sample_data/jilin.toml "sample x1"
"$dir/bench/land_bench" "$x10/jilin.toml" "sample x10" 20   # naive shares on every 20th town
