// What every benchmark starts with: a clock, GDAL registered and quiet, and the run's label.
#pragma once

#include <cpl_error.h>
#include <gdal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace townsite::bench {

inline double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// The best wall time of `repeats` runs of f().
template <typename F>
double best_of(int repeats, F f) {
    double best = 1e300;
    for (int i = 0; i < repeats; ++i) {
        const double t0 = now_s();
        f();
        best = std::min(best, now_s() - t0);
    }
    return best;
}

// Exits with the usage line when no config is given; returns the label (argv[2], else the config).
inline std::string start(int argc, char** argv, const char* usage) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s\n", usage);
        std::exit(2);
    }
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return argc > 2 ? argv[2] : argv[1];
}

}  // namespace townsite::bench
