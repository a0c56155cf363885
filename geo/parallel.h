// parallel_for: independent work items on every core, each thread with its own state;
// parallel_routes: many searches on one road graph; route_matrix: the fastest route between every
// origin and destination, searching from the side with fewer points; produce_consume: reading on a
// second thread while this one writes.
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
#include <condition_variable>
#include <cstddef>
#include <cstdlib>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace townsite {

// The threads parallel_for may use: every core, unless set (townsite --threads; TOWNSITE_THREADS in
// the environment, for the tests). Outputs never depend on it.
inline std::atomic<unsigned>& thread_count_setting() {
    static std::atomic<unsigned> n{[] {
        const char* e = std::getenv("TOWNSITE_THREADS");
        const int v = e ? std::atoi(e) : 0;
        return v > 0 ? unsigned(v) : std::max(1u, std::thread::hardware_concurrency());
    }()};
    return n;
}
inline void set_thread_count(unsigned n) { thread_count_setting() = std::max(1u, n); }
inline unsigned thread_count() { return thread_count_setting(); }

// Runs work(state, i) for i in [0, n) on every core (at most max_threads). Each thread has its own
// state, made by make_state(thread) (thread 0 is the calling one) and destroyed when the thread is
// done: a Router, or a solver's per-thread set-up. Work items write only their own results, so the
// outcome does not depend on the number of threads. Only this thread reports progress. When the
// user cancels, or a work item throws, every thread stops taking work; once all have stopped,
// Cancelled (or the work's exception) is thrown here.
template <typename MakeState, typename Work>
void parallel_for(std::size_t n, const Progress& progress, const char* step, MakeState make_state, Work work, unsigned max_threads = 8) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    // Few, long items (a solver run) report each; many short ones (a search) every 64th.
    const std::size_t report_every = n < 1024 ? 1 : 64;
    auto run = [&](unsigned thread) {
        try {
            auto state = make_state(thread);
            for (std::size_t i = next++; i < n && !stop; i = next++) {
                if (thread == 0 && i % report_every == 0 && !progress(double(i) / double(n), step)) {
                    stop = true;
                    break;
                }
                work(state, i);
            }
        } catch (...) {
            const std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            stop = true;
        }
    };
    const unsigned threads = std::max(1u, std::min(max_threads, thread_count()));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(run, t);
    run(0);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    if (stop) throw Cancelled();
    progress.advance(1.0, step);
}

// parallel_for with a Router per thread: many searches on one road graph.
template <typename Work>
void parallel_routes(const RoadGraph& g, std::size_t n, const Progress& progress, const char* step, Work work, unsigned max_threads = 8) {
    parallel_for(n, progress, step, [&](unsigned) { return Router(g); }, work, max_threads);
}

// The fastest route from each origin to each destination, [origin][destination] (unreachable, or
// farther than `bound`: kUnreachable): one search per origin, or one backward search per
// destination when those are fewer (1,075 towns x 60 county seats: 60 searches, not 1,075). A
// bound stops each search there; without one, every search is whole and runs on the graph's
// skeleton (SearchSkeleton), made once for all of them.
inline std::vector<std::vector<Router::Reach>> route_matrix(const RoadGraph& g, const std::vector<Snap>& origins,
                                                            const std::vector<Snap>& destinations, Router::Bound bound = {},
                                                            const Progress& progress = {}, unsigned max_threads = 4) {
    std::vector<std::vector<Router::Reach>> m(origins.size(), std::vector<Router::Reach>(destinations.size()));
    // The search stops at the bound, but a point's way onto the road may take it past.
    auto keep = [&](Router::Reach r) { return (bound.in_metres ? r.metres : r.seconds) <= bound.value ? r : Router::Reach{}; };
    const bool backward = destinations.size() < origins.size();
    const std::size_t searches = backward ? destinations.size() : origins.size();
    std::unique_ptr<SearchSkeleton> skeleton;
    if (bound.value == kUnreachable && searches > 1) skeleton = std::make_unique<SearchSkeleton>(g);
    parallel_for(searches, progress, "od matrix", [&](unsigned) {
        Router router(g);
        router.use(skeleton.get());
        return router;
    }, [&](Router& router, std::size_t k) {
        if (backward) {
            if (!destinations[k].ok) return;
            router.run_to(destinations[k], bound);
            for (std::size_t i = 0; i < origins.size(); ++i)
                if (origins[i].ok) m[i][k] = keep(router.from(origins[i]));   // each search writes its own column
        } else {
            if (!origins[k].ok) return;
            router.run_from(origins[k], bound);
            for (std::size_t j = 0; j < destinations.size(); ++j) m[k][j] = keep(router.to(destinations[j]));
        }
    }, max_threads);
    return m;
}

// produce(emit) on a second thread, consume(item) on this one, in the order emitted, at most
// `capacity` items apart: for work split into reading and writing, where the writing must stay on
// one thread (SQLite). Items go over in batches of capacity / 8, so that the two threads meet once a
// batch rather than once an item (a million roads took a million sleeps and wakes). An exception on
// either side stops both and is thrown here: the consumer's first (the producer, stopped at its
// next hand-over, then throws Cancelled), else the producer's. With one thread (--threads 1) both
// run on this one, each item consumed as it is emitted.
template <typename T>
void produce_consume(const std::function<void(const std::function<void(T&&)>& emit)>& produce, const std::function<void(T&&)>& consume,
                     std::size_t capacity = 256) {
    if (thread_count() == 1) {
        produce([&](T&& item) { consume(std::move(item)); });
        return;
    }
    capacity = std::max<std::size_t>(capacity, 1);
    const std::size_t batch = std::max<std::size_t>(capacity / 8, 1);
    std::mutex m;
    std::condition_variable has_items, has_room;
    std::deque<std::vector<T>> batches;
    std::size_t held = 0;   // items handed over and not yet consumed, the consumer's batch included
    bool produced = false, stopped = false;
    std::exception_ptr producer_failure;
    std::thread producer([&] {
        std::vector<T> filling;
        const auto hand_over = [&] {
            std::unique_lock<std::mutex> lock(m);
            has_room.wait(lock, [&] { return held + filling.size() <= capacity || stopped; });
            if (stopped) throw Cancelled();
            held += filling.size();
            if (batches.empty()) has_items.notify_one();
            batches.push_back(std::move(filling));
            filling.clear();   // moved from: valid, and now surely empty
        };
        try {
            produce([&](T&& item) {
                filling.push_back(std::move(item));
                if (filling.size() >= batch) hand_over();
            });
            if (!filling.empty()) hand_over();
        } catch (...) {
            producer_failure = std::current_exception();
        }
        const std::lock_guard<std::mutex> lock(m);
        produced = true;
        has_items.notify_one();
    });
    std::exception_ptr consumer_failure;
    try {
        for (;;) {
            std::vector<T> items;
            {
                std::unique_lock<std::mutex> lock(m);
                has_items.wait(lock, [&] { return !batches.empty() || produced; });
                if (batches.empty()) break;
                items = std::move(batches.front());
                batches.pop_front();
            }
            for (T& item : items) consume(std::move(item));
            const std::lock_guard<std::mutex> lock(m);
            held -= items.size();
            has_room.notify_one();
        }
    } catch (...) {
        consumer_failure = std::current_exception();
        const std::lock_guard<std::mutex> lock(m);
        stopped = true;
        has_room.notify_one();
    }
    producer.join();
    if (consumer_failure) std::rethrow_exception(consumer_failure);
    if (producer_failure) std::rethrow_exception(producer_failure);
}

}  // namespace townsite
