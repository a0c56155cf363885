#!/usr/bin/env bash
# One set-up step for a fresh Debian 12 machine.
#   tools/setup.sh run    install what is missing, build, run `townsite inspect` on the bundled sample
#   tools/setup.sh test   install what is missing, build, run the whole test suite
#   tools/setup.sh deps   only install what is missing
# Environment: BUILD_DIR (default build), BUILD_TYPE (default Release; ASan for sanitizers),
#              JOBS (default: number of cores), WERROR=1 to fail on warnings.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

install_missing() {
  local wanted missing=()
  wanted=$(grep -v -E '^\s*(#|$)' tools/debian-packages.txt)
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "townsite setup: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  local dir=${BUILD_DIR:-build} type=${BUILD_TYPE:-Release}
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DTOWNSITE_WERROR="${WERROR:-0}" >/dev/null
  cmake --build "$dir" -j "${JOBS:-$(nproc)}"
}

mode=${1:-}
case "$mode" in
  deps) install_missing ;;
  run)
    install_missing
    build
    # The main job on the bundled sample (or on the config given): every step, into ./townsite_out.
    "${BUILD_DIR:-build}/tools/townsite" run --overwrite "${@:2}"
    ;;
  test)
    install_missing
    build
    ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "${JOBS:-$(nproc)}"
    ;;
  *)
    echo "usage: tools/setup.sh run|test|deps" >&2
    exit 2
    ;;
esac
