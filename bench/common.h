// What every benchmark starts with: a clock, GDAL registered and quiet, and the run's label.
#pragma once

#include <cpl_error.h>
#include <gdal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace townsite::bench {

inline double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

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
