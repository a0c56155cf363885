// The router against an independent Dijkstra (Boost.Graph) on the whole sample province.
#include "analysis/access.h"
#include "tests/bgl_baseline.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace townsite;

TEST_CASE("the towns x county seats matrix equals Boost.Graph's Dijkstra on the sample", "[access][baseline][slow]") {
    const Study study = load_study(load_config(std::string(TOWNSITE_SAMPLE_DIR) + "/jilin.toml"));
    const RoadGraph g = build_road_graph(study, network_options(study.config));
    const Settlements settlements = read_settlements(study, g);
    const AccessResult res = compute_access(study, g, settlements, access_options(study.config));
    bgl::BglGraph reversed = bgl::to_bgl(g, true);

    std::map<std::string, const Seat*> seat_of;
    for (const Seat& s : res.county_seats) seat_of[s.id] = &s;
    std::size_t compared = 0, same_piece = 0;
    for (std::size_t i = 0; i < res.towns.size(); ++i) {
        const Settlement& town = settlements.towns[i];
        const TownAccess& t = res.towns[i];
        const Seat& seat = *seat_of.at(town.county);
        // Boost.Graph from the seat over reversed arcs: seconds from every node to the seat.
        std::vector<std::pair<std::uint32_t, double>> seeds;
        for (const auto& leg : seat.snap.legs(g, false)) seeds.emplace_back(leg.node, leg.seconds);
        const std::vector<double> to_seat = bgl::bgl_seconds(reversed, seeds);
        double best = std::numeric_limits<double>::max();
        for (const auto& leg : town.snap.legs(g, true)) best = std::min(best, leg.seconds + to_seat[leg.node]);
        if (town.snap.piece == seat.snap.piece) {
            // Along the shared piece directly (both ways here: the sample has no one-way roads).
            const RoadPiece& p = g.pieces[town.snap.piece];
            best = std::min(best, town.snap.offroad_s + seat.snap.offroad_s +
                                      std::fabs(town.snap.offset_m - seat.snap.offset_m) * p.seconds / p.length_m);
            ++same_piece;
        }
        if (best >= std::numeric_limits<double>::max()) {
            CHECK(std::isnan(t.county_seat_min));
            continue;
        }
        INFO("town " << town.id);
        CHECK(t.county_seat_min == Approx(best / 60).epsilon(1e-9));
        ++compared;
    }
    CHECK(compared > 1000);
    CHECK(same_piece < 100);
}
