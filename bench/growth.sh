#!/usr/bin/env bash
# Whole runs as the sample grows: `townsite -v run` (each step's wall and CPU time and the peak
# memory) on N copies of the sample, quotas times N, at the sample's density or a country's.
# Usage: bench/growth.sh [sample|country] [SCALES...] [BUILD_DIR]
#   bench/growth.sh country 1 4 8      # a country's villages and roads per town (about 9 minutes)
#   bench/growth.sh sample 1 10 25     # the sample's density (about 5 minutes)
# Data goes to /tmp/townsite_growth_DENSITY_xN (generated once, kept); the table is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
density=${1:-country}
shift || true
scales=()
while [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; do scales+=("$1"); shift; done
[ ${#scales[@]} -gt 0 ] || scales=(1 4 8)
dir=${1:-build}
cmake --build "$dir" -j "$(nproc)" --target townsite townsite-make-sample >/dev/null
for n in "${scales[@]}"; do
  d=/tmp/townsite_growth_${density}_x$n
  mkdir -p "$d"
  [ -f "$d/jilin.gpkg" ] || "$dir/sample_data/townsite-make-sample" --sources sample_data/sources -o "$d/jilin.gpkg" \
    --scale "$n" --density "$density" >/dev/null
  sed -e "s/^count = 30\$/count = $((30 * n))/" -e "s/^count = 40\$/count = $((40 * n))/" -e "s/^count = 50\$/count = $((50 * n))/" \
    sample_data/jilin.toml > "$d/jilin.toml"
  start=$(date +%s.%N)
  "$dir/tools/townsite" -v run "$d/jilin.toml" -o "$d/out" --overwrite > /dev/null 2> "$d/steps.txt" || { cat "$d/steps.txt"; exit 1; }
  echo "$start $(date +%s.%N)" | awk '{printf "%.1f\n", $2 - $1}' > "$d/wall.txt"
done
# One row per step: CPU seconds at each scale; then wall time and peak memory of the whole run.
printf '%-45s' "step (CPU s), $density density"; for n in "${scales[@]}"; do printf '%10s' "x$n"; done; echo
grep -h "wall" "/tmp/townsite_growth_${density}_x${scales[0]}/steps.txt" | sed -e 's/^townsite: //' -e 's/ *[0-9.]* s wall.*//' |
while read -r step; do
  printf '%-45s' "$step"
  for n in "${scales[@]}"; do
    printf '%10s' "$(grep -F "townsite: $step " "/tmp/townsite_growth_${density}_x$n/steps.txt" | sed -e 's/.* s wall *//' -e 's/ s CPU.*//')"
  done
  echo
done
printf '%-45s' "whole run, wall s"; for n in "${scales[@]}"; do printf '%10s' "$(cat "/tmp/townsite_growth_${density}_x$n/wall.txt")"; done; echo
printf '%-45s' "peak memory, MiB"
for n in "${scales[@]}"; do printf '%10s' "$(grep "wall" "/tmp/townsite_growth_${density}_x$n/steps.txt" | tail -1 | sed -e 's/.*peak *//' -e 's/ MiB//')"; done; echo
