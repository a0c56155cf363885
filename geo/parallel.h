// parallel_routes: many searches on one road graph, on every core.
//
//   parallel_routes(graph, towns.size(), progress, "catchments", [&](Router& r, std::size_t i) {
//       r.run_from(snaps[i]);
//       result[i] = ...;          // each item writes only its own slot
//   });
#pragma once

#include "geo/progress.h"
#include "geo/road_graph.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace townsite {

// Runs work(router, i) for i in [0, n) on every core, each thread with its own Router. Work items
// write only their own results, so the outcome does not depend on the number of threads. Only this
// thread reports progress. When the user cancels, or a work item throws, every thread stops taking
// work; once all have stopped, Cancelled (or the work's exception) is thrown here.
template <typename Work>
void parallel_routes(const RoadGraph& g, std::size_t n, const Progress& progress, const char* step, Work work, unsigned max_threads = 8) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto run = [&](bool report) {
        try {
            Router router(g);
            for (std::size_t i = next++; i < n && !stop; i = next++) {
                if (report && (i & 63) == 0 && !progress(double(i) / double(n), step)) {
                    stop = true;
                    break;
                }
                work(router, i);
            }
        } catch (...) {
            const std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            stop = true;
        }
    };
    const unsigned threads = std::max(1u, std::min(max_threads, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(run, false);
    run(true);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    if (stop) throw Cancelled();
    progress.advance(1.0, step);
}

}  // namespace townsite
