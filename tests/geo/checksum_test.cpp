// SHA-256 against the known answers of FIPS 180-2 (appendix B) and NIST's examples.
#include "geo/checksum.h"
#include "geo/error.h"
#include "tests/support.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace townsite;
using namespace townsite::test;

TEST_CASE("SHA-256 gives the published digests of texts and of files", "[checksum]") {
    CHECK(sha256_text("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_text("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // One million "a": more than one read buffer of a file.
    const std::string million(1000000, 'a');
    CHECK(sha256_text(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    TempDir dir;
    {
        std::ofstream out(dir.path("a.txt"), std::ios::binary);
        out << million;
    }
    CHECK(sha256_file(dir.path("a.txt")) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK_THROWS_AS(sha256_file(dir.path("missing.txt")), Error);
}
