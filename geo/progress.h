// Progress in GDAL's callback shape (fraction, message, data), so the same callback goes straight
// into GDAL calls. Sub-steps get scaled slices; only the orchestrating thread reports.
//
//   Progress p{GDALTermProgress, nullptr};
//   Progress reading = p.slice(0.0, 0.8);     // this step is 80 % of the work
//   if (!reading(0.5, "reading towns")) ...   // false: the user cancelled
#pragma once

#include <cpl_progress.h>

namespace townsite {

struct Progress {
    GDALProgressFunc fn = nullptr;
    void* data = nullptr;
    double lo = 0.0, hi = 1.0;

    // Reports `fraction` of this slice; returns false when the callback asks to stop.
    bool operator()(double fraction, const char* message = "") const {
        if (!fn) return true;
        return fn(lo + (hi - lo) * fraction, message, data) != 0;
    }
    Progress slice(double from, double to) const { return {fn, data, lo + (hi - lo) * from, lo + (hi - lo) * to}; }
};

}  // namespace townsite
