// produce_consume (geo/parallel.h): every item, in order, at most `capacity` apart; a failure on
// either side stops both and comes out on the calling thread, without a thread left waiting.
#include "geo/error.h"
#include "geo/parallel.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace townsite;
using Catch::Matchers::Contains;

TEST_CASE("produce_consume hands every item over in order, and a failure on either side stops both", "[parallel]") {
    SECTION("in order, whole, never more than `capacity` ahead") {
        std::atomic<int> emitted{0};
        std::vector<int> got;
        std::size_t most_ahead = 0;
        produce_consume<int>(
            [&](const std::function<void(int&&)>& emit) {
                for (int i = 0; i < 20000; ++i) {
                    emit(int(i));
                    ++emitted;
                }
            },
            [&](int&& i) {
                most_ahead = std::max(most_ahead, std::size_t(emitted - int(got.size())));
                got.push_back(i);
            },
            3);
        REQUIRE(got.size() == 20000);
        for (int i = 0; i < 20000; ++i) REQUIRE(got[std::size_t(i)] == i);
        CHECK(most_ahead <= 4);   // 3 queued, and the one the consumer holds
    }
    SECTION("in batches (of 8 at a capacity of 64), still in order, whole and never more than `capacity` ahead") {
        std::atomic<int> emitted{0};
        std::vector<int> got;
        std::size_t most_ahead = 0;
        produce_consume<int>(
            [&](const std::function<void(int&&)>& emit) {
                for (int i = 0; i < 20003; ++i) {   // not a whole number of batches: the last one is short
                    emit(int(i));
                    ++emitted;
                }
            },
            [&](int&& i) {
                most_ahead = std::max(most_ahead, std::size_t(emitted - int(got.size())));
                got.push_back(i);
            },
            64);
        REQUIRE(got.size() == 20003);
        for (int i = 0; i < 20003; ++i) REQUIRE(got[std::size_t(i)] == i);
        CHECK(most_ahead <= 64 + 8);   // 64 handed over, and a batch filling
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
