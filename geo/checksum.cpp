#include "geo/checksum.h"

#include "geo/error.h"

#include <openssl/evp.h>

#include <cstdio>
#include <memory>
#include <vector>

namespace townsite {

namespace {

struct Digest {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    Digest() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
    void add(const void* data, std::size_t size) { EVP_DigestUpdate(ctx.get(), data, size); }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx.get(), md, &len);
        static const char* digits = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < len; ++i) out += digits[md[i] >> 4], out += digits[md[i] & 15];
        return out;
    }
};

}  // namespace

std::string sha256_file(const std::string& path) {
    std::unique_ptr<std::FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw Error("cannot read " + path + " to checksum it").with_hint("check that the file exists and is readable.");
    Digest d;
    std::vector<char> buf(1 << 16);
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) d.add(buf.data(), n);
    return d.hex();
}

std::string sha256_text(const std::string& text) {
    Digest d;
    d.add(text.data(), text.size());
    return d.hex();
}

}  // namespace townsite
