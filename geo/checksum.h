// Checksums of input and output files, for the manifest: SHA-256 through OpenSSL's EVP interface.
//
//   std::string hex = sha256_file("sample_data/jilin.gpkg");   // 64 hex digits
#pragma once

#include <string>

namespace townsite {

// Throws Error naming the file when it cannot be read.
std::string sha256_file(const std::string& path);
std::string sha256_text(const std::string& text);

}  // namespace townsite
