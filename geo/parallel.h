// parallel_routes: many searches on one road graph, on every core; route_matrix: the fastest
// route between every origin and destination, searching from the side with fewer points.
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

// The fastest route from each origin to each destination, [origin][destination] (unreachable:
// kUnreachable): one search per origin, or one backward search per destination when those are
// fewer (1,075 towns x 60 county seats: 60 searches, not 1,075).
inline std::vector<std::vector<Router::Reach>> route_matrix(const RoadGraph& g, const std::vector<Snap>& origins,
                                                            const std::vector<Snap>& destinations, const Progress& progress = {},
                                                            unsigned max_threads = 4) {
    std::vector<std::vector<Router::Reach>> m(origins.size(), std::vector<Router::Reach>(destinations.size()));
    if (destinations.size() < origins.size()) {
        parallel_routes(g, destinations.size(), progress, "od matrix", [&](Router& router, std::size_t j) {
            if (!destinations[j].ok) return;
            router.run_to(destinations[j]);
            for (std::size_t i = 0; i < origins.size(); ++i)
                if (origins[i].ok) m[i][j] = router.from(origins[i]);   // each search writes its own column
        }, max_threads);
    } else {
        parallel_routes(g, origins.size(), progress, "od matrix", [&](Router& router, std::size_t i) {
            if (!origins[i].ok) return;
            router.run_from(origins[i]);
            for (std::size_t j = 0; j < destinations.size(); ++j) m[i][j] = router.to(destinations[j]);
        }, max_threads);
    }
    return m;
}

}  // namespace townsite
