// Numbers and words as text, the one way every message, report and table writes them.
//
//   fmt(12.345) == "12.3";  fmt(12.345, 2) == "12.35";  fmt(NAN) == "–"
//   join({"a", "b"}) == "a, b"
//   "no field \"popluation\"" + did_you_mean("popluation", fields)   // ... (did you mean "population"?)
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace townsite {

// Fixed-point with `decimals` digits; an absent (non-finite) value is a dash.
inline std::string fmt(double v, int decimals = 1) {
    if (!std::isfinite(v)) return "–";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// The words with `sep` between them.
std::string join(const std::vector<std::string>& words, const std::string& sep = ", ");

// How wide a UTF-8 text sets: `wide` per CJK character (three or four bytes), `narrow` per other
// character. Maps (ems: 1 and about 0.58) and spreadsheet columns (2 and 1) size their text by it.
inline double text_width(const std::string& text, double wide, double narrow) {
    double w = 0;
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += len >= 3 ? wide : narrow;
        i += len;
    }
    return w;
}

// The closest of `candidates` to `word` (edit distance), or "" when nothing is close.
std::string closest_word(const std::string& word, const std::vector<std::string>& candidates);
// " (did you mean "x"?)" with the closest candidate, or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace townsite
