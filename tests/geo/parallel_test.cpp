// produce_consume (geo/parallel.h): every item, in order, at most `capacity` apart; a failure on
// either side stops both and comes out on the calling thread, without a thread left waiting.
#include "geo/error.h"
#include "geo/parallel.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace townsite;
using Catch::Matchers::Contains;

namespace {

// Hands 0, 1, ... n-1 over at `capacity`: checks they all arrive in order, and returns how far the
// producer ever got ahead of the consumer.
std::size_t hand_over_in_order(int n, std::size_t capacity) {
    std::atomic<int> emitted{0};
    std::vector<int> got;
    std::size_t most_ahead = 0;
    produce_consume<int>(
        [&](const std::function<void(int&&)>& emit) {
            for (int i = 0; i < n; ++i) {
                emit(int(i));
                ++emitted;
            }
        },
        [&](int&& i) {
            most_ahead = std::max(most_ahead, std::size_t(emitted - int(got.size())));
            got.push_back(i);
        },
        capacity);
    REQUIRE(got.size() == std::size_t(n));
    for (int i = 0; i < n; ++i) REQUIRE(got[std::size_t(i)] == i);
    return most_ahead;
}

}  // namespace

TEST_CASE("produce_consume hands every item over in order, and a failure on either side stops both", "[parallel]") {
    SECTION("in order, whole, never more than `capacity` ahead") {
        CHECK(hand_over_in_order(20000, 3) <= 4);   // 3 queued, and the one the consumer holds
    }
    SECTION("in batches (of 8 at a capacity of 64), still in order, whole and never more than `capacity` ahead") {
        // Not a whole number of batches: the last one is short. 64 handed over, and a batch filling.
        CHECK(hand_over_in_order(20003, 64) <= 64 + 8);
    }
    SECTION("the producer's failure, after what it emitted before") {
        std::vector<int> got;
        CHECK_THROWS_WITH(produce_consume<int>(
                              [](const std::function<void(int&&)>& emit) {
                                  for (int i = 0; i < 10; ++i) emit(int(i));
                                  throw Error("the roads changed");
                              },
                              [&](int&& i) { got.push_back(i); }, 2),
                          Contains("the roads changed"));
        CHECK(got.size() == 10);
    }
    SECTION("the consumer's failure stops the producer, which would otherwise never end") {
        std::atomic<int> emitted{0};
        CHECK_THROWS_WITH(produce_consume<int>(
                              [&](const std::function<void(int&&)>& emit) {
                                  for (int i = 0;; ++i) emit(int(i)), ++emitted;
                              },
                              [](int&& i) {
                                  if (i == 5) throw Error("the disk is full");
                              },
                              2),
                          Contains("the disk is full"));
        CHECK(emitted <= 5 + 1 + 2 + 1);
    }
}

TEST_CASE("produce_consume with --threads 1 produces and consumes on the calling thread, in turn", "[parallel]") {
    struct OneThread {
        const unsigned before = thread_count();
        OneThread() { set_thread_count(1); }
        ~OneThread() { set_thread_count(before); }
    } one;
    const std::thread::id here = std::this_thread::get_id();
    std::vector<int> got;
    int emitted = 0;
    bool in_turn = true, on_this_thread = true;
    produce_consume<int>(
        [&](const std::function<void(int&&)>& emit) {
            for (int i = 0; i < 1000; ++i) {
                on_this_thread = on_this_thread && std::this_thread::get_id() == here;
                emit(int(i));
                ++emitted;
            }
        },
        [&](int&& i) {
            on_this_thread = on_this_thread && std::this_thread::get_id() == here;
            in_turn = in_turn && i == emitted;   // consumed before the next is made
            got.push_back(i);
        },
        64);
    CHECK(on_this_thread);
    CHECK(in_turn);
    REQUIRE(got.size() == 1000);
    for (int i = 0; i < 1000; ++i) CHECK(got[std::size_t(i)] == i);
    CHECK_THROWS_WITH(produce_consume<int>([](const std::function<void(int&&)>& emit) { emit(1); },
                                           [](int&&) { throw Error("the disk is full"); }),
                      Contains("the disk is full"));
}
