// Progress in GDAL's callback shape (fraction, message, data), so the same callback goes straight
// into GDAL calls. Sub-steps get scaled slices; only the orchestrating thread reports.
//
//   Progress p{GDALTermProgress, nullptr};
//   Progress reading = p.slice(0.0, 0.8);     // this step is 80 % of the work
//   if (!reading(0.5, "reading towns")) ...   // false: the user cancelled
//   reading.advance(0.6, "reading villages"); // or: throws Cancelled when the user cancelled
#pragma once

#include <cpl_progress.h>

#include <exception>

namespace townsite {

// The user cancelled (the progress callback returned false): the step stopped where it could and
// nothing was written. Not an Error: the input was not at fault.
struct Cancelled : std::exception {
    const char* what() const noexcept override { return "cancelled"; }
};

struct Progress {
    GDALProgressFunc fn = nullptr;
    void* data = nullptr;
    double lo = 0.0, hi = 1.0;

    // Reports `fraction` of this slice; returns false when the callback asks to stop.
    bool operator()(double fraction, const char* message = "") const {
        if (!fn) return true;
        return fn(lo + (hi - lo) * fraction, message, data) != 0;
    }
    // Reports, and throws Cancelled when the callback asks to stop.
    void advance(double fraction, const char* message = "") const {
        if (!(*this)(fraction, message)) throw Cancelled();
    }
    Progress slice(double from, double to) const { return {fn, data, lo + (hi - lo) * from, lo + (hi - lo) * to}; }
};

}  // namespace townsite
