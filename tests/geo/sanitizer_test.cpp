// The sanitizer build (BUILD_TYPE=ASan) must really carry its sanitizers: an earlier build type
// silently lost its flags, and the suite "passed under ASan" without ASan. Each runtime is proved
// by a symbol only it defines, looked up weakly (null when the runtime is not linked).
#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <string>

extern "C" {
void __asan_init() __attribute__((weak));
void __ubsan_handle_add_overflow() __attribute__((weak));
}

TEST_CASE("the sanitizer build has its sanitizers, and the others have none", "[sanitizer]") {
#if TOWNSITE_SANITIZE
    INFO("built as BUILD_TYPE=ASan: AddressSanitizer and UBSan must be compiled in");
#if !defined(__SANITIZE_ADDRESS__)
    FAIL("__SANITIZE_ADDRESS__ is not defined: the ASan flags did not reach the compiler");
#endif
    CHECK(&__asan_init != nullptr);
    CHECK(&__ubsan_handle_add_overflow != nullptr);
#else
    CHECK(&__asan_init == nullptr);
    CHECK(&__ubsan_handle_add_overflow == nullptr);
#endif
}

// The programs allocate with tcmalloc (CMakeLists.txt: TOWNSITE_TCMALLOC), unless built with the
// sanitizers: the malloc every library calls is tcmalloc's, not the C library's (a linker that
// dropped the library as unneeded would leave glibc's, silently slower).
TEST_CASE("the programs allocate with tcmalloc, the sanitizer build with its own", "[sanitizer]") {
    Dl_info info{};
    REQUIRE(dladdr(dlsym(RTLD_DEFAULT, "malloc"), &info) != 0);
    const std::string from = info.dli_fname ? info.dli_fname : "";
    INFO("malloc comes from " << from);
#if TOWNSITE_TCMALLOC
    CHECK(from.find("tcmalloc") != std::string::npos);
#else
    CHECK(from.find("tcmalloc") == std::string::npos);
#endif
}
