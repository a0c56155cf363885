// One main for every test executable: GDAL set up once, GDAL's own messages kept quiet.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cpl_error.h>
#include <gdal.h>

int main(int argc, char* argv[]) {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return Catch::Session().run(argc, argv);
}
