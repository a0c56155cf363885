// Joining lines at shared ends, on lines drawn by hand.
#include "geo/lines.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace townsite;

namespace {

using Line = std::vector<Pt2>;

double length(const Line& l) {
    double m = 0;
    for (std::size_t i = 1; i < l.size(); ++i) m += std::hypot(l[i].x - l[i - 1].x, l[i].y - l[i - 1].y);
    return m;
}

// The segments of the lines, each as an unordered pair of points, sorted: what must be kept.
std::vector<std::array<double, 4>> segments(const std::vector<Line>& lines) {
    std::vector<std::array<double, 4>> s;
    for (const Line& l : lines)
        for (std::size_t i = 1; i < l.size(); ++i) {
            std::array<double, 4> e{l[i - 1].x, l[i - 1].y, l[i].x, l[i].y};
            if (std::tie(e[2], e[3]) < std::tie(e[0], e[1])) e = {e[2], e[3], e[0], e[1]};
            s.push_back(e);
        }
    std::sort(s.begin(), s.end());
    return s;
}

bool straight(const Line& l) {  // every point on the line through the first two
    for (const Pt2& p : l)
        if (std::abs((l[1].x - l[0].x) * (p.y - l[0].y) - (l[1].y - l[0].y) * (p.x - l[0].x)) > 1e-9) return false;
    return true;
}

}  // namespace

TEST_CASE("at a crossing the two roads go straight through; every segment is kept once", "[lines]") {
    // A plus: four arms drawn out from the middle, and one drawn in, so one is reversed.
    const std::vector<Line> arms = {{{0, 0}, {10, 0}}, {{0, 0}, {0, 10}}, {{-10, 0}, {0, 0}}, {{0, 0}, {0, -10}}};
    const auto joined = join_at_ends(arms);
    REQUIRE(joined.size() == 2);
    for (const Line& l : joined) {
        CHECK(l.size() == 3);
        CHECK(straight(l));
        CHECK(length(l) == Approx(20));
    }
    CHECK(segments(joined) == segments(arms));
}

TEST_CASE("at a T the two ends that go on straightest join; the third stays apart", "[lines]") {
    const std::vector<Line> t = {{{0, 0}, {0, 5}}, {{0, 0}, {-10, 0.5}}, {{10, -0.5}, {0, 0}}};
    const auto joined = join_at_ends(t);
    REQUIRE(joined.size() == 2);
    CHECK(segments(joined) == segments(t));
    const auto& longer = length(joined[0]) > length(joined[1]) ? joined[0] : joined[1];
    CHECK(longer.size() == 3);  // the almost straight road, not the stem
    CHECK(std::abs(longer[0].x) == 10);
    CHECK(std::abs(longer[2].x) == 10);
}

TEST_CASE("a closed run becomes one ring; runs longer than the limit are cut; lines of one point dropped", "[lines]") {
    const std::vector<Line> square = {{{0, 0}, {1, 0}}, {{1, 1}, {1, 0}}, {{1, 1}, {0, 1}}, {{0, 1}, {0, 0}}};
    SECTION("a ring") {
        const auto joined = join_at_ends(square);
        REQUIRE(joined.size() == 1);
        CHECK(joined[0].size() == 5);
        CHECK(joined[0].front().x == joined[0].back().x);
        CHECK(joined[0].front().y == joined[0].back().y);
        CHECK(segments(joined) == segments(square));
    }
    SECTION("a run of ten, at most three joined") {
        std::vector<Line> run;
        for (int i = 0; i < 10; ++i) run.push_back({{double(i), 0}, {double(i + 1), 0}});
        std::reverse(run.begin(), run.end());
        const auto joined = join_at_ends(run, 3);
        CHECK(joined.size() == 4);
        for (const Line& l : joined) CHECK(l.size() <= 4);
        CHECK(segments(joined) == segments(run));
    }
    SECTION("one point and none") {
        std::vector<Line> lines = square;
        lines.push_back({{5, 5}});
        lines.push_back({});
        const auto joined = join_at_ends(lines);
        CHECK(joined.size() == 1);
        CHECK(segments(joined) == segments(square));
    }
}

TEST_CASE("joining depends only on the lines and their order", "[lines]") {
    std::vector<Line> grid;  // six roads each way, crossing at 0..5, drawn from crossing to crossing
    const double cuts[] = {-1, 0, 1, 2, 3, 4, 5, 6};
    for (int i = 0; i <= 5; ++i)
        for (int k = 0; k < 7; ++k) {
            grid.push_back({{cuts[k], double(i)}, {cuts[k + 1], double(i)}});
            grid.push_back({{double(i), cuts[k]}, {double(i), cuts[k + 1]}});
        }
    const auto a = join_at_ends(grid), b = join_at_ends(grid);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(segments({a[i]}) == segments({b[i]}));
    CHECK(a.size() == 12);  // each road straight through the crossings
    for (const Line& l : a) CHECK(straight(l));
    CHECK(segments(a) == segments(grid));
}
