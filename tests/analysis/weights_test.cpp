#include "analysis/weights.h"
#include "geo/error.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace townsite;
using Catch::Matchers::Contains;

TEST_CASE("AHP on a consistent matrix returns the weights it was built from", "[weights][ahp]") {
    // a_ij = w_i / w_j for w = (0.5, 0.3, 0.2): perfectly consistent, so lambda_max = n and CR = 0.
    const std::vector<double> w = {0.5, 0.3, 0.2};
    std::vector<std::vector<double>> a(3, std::vector<double>(3));
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) a[i][j] = w[i] / w[j];
    const AhpResult r = ahp(a);
    for (int i = 0; i < 3; ++i) CHECK(r.weights[i] == Approx(w[i]).epsilon(1e-12));
    CHECK(r.lambda_max == Approx(3).epsilon(1e-12));
    CHECK(r.consistency_ratio == Approx(0).margin(1e-12));
}

TEST_CASE("AHP on Saaty's textbook 3x3 matrix", "[weights][ahp]") {
    // The classic example (1, 3, 5 / 1/3, 1, 3 / 1/5, 1/3, 1): published weights 0.637, 0.258, 0.105,
    // lambda_max 3.039, CR 0.033 with RI = 0.58.
    const AhpResult r = ahp({{1, 3, 5}, {1.0 / 3, 1, 3}, {1.0 / 5, 1.0 / 3, 1}});
    CHECK(r.weights[0] == Approx(0.637).margin(5e-4));
    CHECK(r.weights[1] == Approx(0.258).margin(5e-4));
    CHECK(r.weights[2] == Approx(0.105).margin(5e-4));
    CHECK(r.lambda_max == Approx(3.039).margin(5e-4));
    CHECK(r.random_index == 0.58);
    CHECK(r.consistency_ratio == Approx(0.033).margin(1e-3));
}

TEST_CASE("AHP names the judgement that breaks consistency", "[weights][ahp]") {
    // Consistent weights (8, 4, 2, 1) need a_14 = 8; one judgement reversed to 1/8, the rest kept.
    // (With three criteria every judgement of a cycle is equally to blame, so this takes four.)
    const std::vector<double> w = {8, 4, 2, 1};
    std::vector<std::vector<double>> a(4, std::vector<double>(4));
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) a[i][j] = w[i] / w[j];
    a[0][3] = 1.0 / 8;
    a[3][0] = 8;
    const AhpResult r = ahp(a);
    CHECK(r.consistency_ratio > 0.10);
    REQUIRE(!r.most_inconsistent.empty());
    const AhpComparison& worst = r.most_inconsistent.front();
    CHECK(worst.i == 0);
    CHECK(worst.j == 3);
    CHECK(worst.given == 1.0 / 8);
}

TEST_CASE("AHP refuses matrices that are not positive reciprocal", "[weights][ahp][errors]") {
    CHECK_THROWS_WITH(ahp({{1, 2}, {2, 1}}), Contains("not reciprocal") && Contains("Fix:"));
    CHECK_THROWS_WITH(ahp({{1, 2, 3}, {0.5, 1}}), Contains("not square") && Contains("Fix:"));
    CHECK_THROWS_WITH(ahp({{1, -2}, {-0.5, 1}}), Contains("not positive"));
}

TEST_CASE("entropy weights, worked by hand", "[weights][entropy]") {
    SECTION("an indicator equal everywhere says nothing; one that singles out one alternative says all") {
        const std::vector<double> w = entropy_weights({{1, 1, 1}, {1, 0, 0}});
        CHECK(w[0] == Approx(0).margin(1e-12));
        CHECK(w[1] == Approx(1).epsilon(1e-12));
    }
    SECTION("three alternatives, values 1, 2, 3 against 1, 1, 2") {
        // p = (1/6, 2/6, 3/6) and (1/4, 1/4, 2/4); e = -sum p ln p / ln 3; d = 1 - e; w = d / sum d.
        auto e = [](std::vector<double> p) {
            double s = 0;
            for (double q : p) s -= q * std::log(q);
            return s / std::log(3.0);
        };
        const double d1 = 1 - e({1.0 / 6, 2.0 / 6, 3.0 / 6}), d2 = 1 - e({0.25, 0.25, 0.5});
        const std::vector<double> w = entropy_weights({{1, 2, 3}, {1, 1, 2}});
        CHECK(w[0] == Approx(d1 / (d1 + d2)).epsilon(1e-12));
        CHECK(w[1] == Approx(d2 / (d1 + d2)).epsilon(1e-12));
        CHECK(w[0] + w[1] == Approx(1).epsilon(1e-12));
    }
    CHECK_THROWS_WITH(entropy_weights({{1, -1}}), Contains("non-negative"));
}
