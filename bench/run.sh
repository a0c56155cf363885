#!/usr/bin/env bash
# Runs the benchmarks on the sample at x1 and x10 (x10 is generated into /tmp, about 20 s):
# routing (bench/route_bench.cpp) and coverage (bench/coverage_bench.cpp), each against its baseline.
# Usage: bench/run.sh [BUILD_DIR]   (default build-bench, a Release build with TOWNSITE_BENCH=ON)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-bench}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DTOWNSITE_BENCH=ON -DTOWNSITE_TESTS=OFF >/dev/null
cmake --build "$dir" -j "$(nproc)" --target route_bench coverage_bench townsite-make-sample >/dev/null
x10=/tmp/townsite_bench_x10
mkdir -p "$x10"
[ -f "$x10/jilin.gpkg" ] || "$dir/sample_data/townsite-make-sample" --sources sample_data/sources -o "$x10/jilin.gpkg" --scale 10 >/dev/null
cp sample_data/jilin.toml "$x10/jilin.toml"
"$dir/bench/route_bench" sample_data/jilin.toml "sample x1"
"$dir/bench/route_bench" "$x10/jilin.toml" "sample x10"
"$dir/bench/coverage_bench" sample_data/jilin.toml "sample x1"
"$dir/bench/coverage_bench" "$x10/jilin.toml" "sample x10" 20   # baseline intersections on every 20th town
