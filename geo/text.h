// Numbers as text, the one way every message, report and table writes them.
//
//   fmt(12.345) == "12.3";  fmt(12.345, 2) == "12.35";  fmt(NAN) == "–"
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace townsite {

// Fixed-point with `decimals` digits; an absent (non-finite) value is a dash.
inline std::string fmt(double v, int decimals = 1) {
    if (!std::isfinite(v)) return "–";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace townsite
