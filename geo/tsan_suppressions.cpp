// The TSan build's suppressions (CMakeLists.txt, build type TSan), compiled into every program so that
// its runs and tests need no TSAN_OPTIONS. One: GDAL's CPLCreateOrAcquireMutex takes GDAL's global
// mutex and then the one asked for, and elsewhere the same two the other way round, on one thread;
// TSan reports a possible deadlock inside GDAL's own mutexes.
extern "C" const char* __tsan_default_suppressions() { return "deadlock:libgdal.so\n"; }
