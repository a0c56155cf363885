#include "analysis/access.h"

#include "geo/error.h"
#include "geo/lines.h"
#include "geo/parallel.h"
#include "geo/spatial_index.h"

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

namespace townsite {

const Options<AccessOptions>& access_option_table() {
    static const Options<AccessOptions> e2sfca =
        Options<AccessOptions>("e2sfca", "the enhanced two-step floating catchment index (Luo & Qi 2009)")
            .number("catchment_min", &AccessOptions::e2sfca_catchment_min, 1, 600, "min", "facilities and people farther apart than this do not count")
            .pairs("weights", &AccessOptions::e2sfca_weights, "up_to_min", "weight",
                   "distance-decay steps: within up_to_min minutes a place counts with this weight (Gaussian steps 1.00, 0.68, 0.22)");
    static const Options<AccessOptions> s =
        Options<AccessOptions>("access", "travel times, catchments, service access, isochrones and road problems")
            .numbers("thresholds_min", &AccessOptions::thresholds_min, 1, 600, "minutes", "catchments (pop_<N>min) and isochrones")
            .texts("isochrone_towns", &AccessOptions::isochrone_towns, "town ids whose isochrones are drawn too")
            .number("isochrone_buffer_m", &AccessOptions::isochrone_buffer_m, 1, 5000, "m", "half-width of the band around the roads reached")
            .text("metro_core", &AccessOptions::metro_core, "city_cores id of the metropolitan core (empty: the core of metro_prefecture)")
            .text("metro_prefecture", &AccessOptions::metro_prefecture, "prefecture whose core is the metropolitan core")
            .number("dead_end_settlement_m", &AccessOptions::dead_end_settlement_m, 0, 10000, "m",
                    "a dead end this close to a settlement is its access road, not a 断头路")
            .number("dead_end_boundary_m", &AccessOptions::dead_end_boundary_m, 0, 100000, "m",
                    "a dead end this close to the study boundary goes on beyond it")
            .number("dead_end_link_m", &AccessOptions::dead_end_link_m, 0, 20000, "m",
                    "propose a link from a dead end to another road at most this far (0: none)")
            .number("dead_end_link_detour", &AccessOptions::dead_end_link_detour, 1, 100, "",
                    "... only where the way round by road is more than this many times the link")
            .number("dead_end_link_clearance_m", &AccessOptions::dead_end_link_clearance_m, 0, 10000, "m",
                    "... and the link passes no protected site this close")
            .number("own_town_max_min", &AccessOptions::own_town_max_min, 1, 1440, "min", "search limit from a village to its own town")
            .table<AccessOptions>("e2sfca", [](AccessOptions& o) -> AccessOptions& { return o; }, e2sfca, "[access.e2sfca]");
    return s;
}

AccessOptions access_options(const StudyConfig& config) { return access_option_table().read(config); }

std::string facility_kind_zh(const std::string& kind) {
    static const std::map<std::string, std::string> zh = {{"elderly_care", "养老机构"}, {"childcare", "托育机构"}, {"school", "学校"}, {"clinic", "卫生院"}};
    const auto it = zh.find(kind);
    return it == zh.end() ? kind : it->second;
}

double e2sfca_weight(const AccessOptions& opt, double minutes) {
    if (!(minutes <= opt.e2sfca_catchment_min)) return 0;
    for (const auto& [upto, w] : opt.e2sfca_weights)
        if (minutes <= upto) return w;
    return 0;
}

namespace {

double minutes(double seconds) { return std::isfinite(seconds) ? seconds / 60.0 : NAN; }
double km(double metres) { return std::isfinite(metres) ? metres / 1000.0 : NAN; }

// Points snapped to the network, with indexes from nodes to the points that hang on them, so a
// bounded search answers for the points it reached without looking at every point.
struct PointSet {
    std::vector<Snap> snaps;
    std::vector<double> population;
    std::vector<std::vector<std::pair<std::uint32_t, double>>> arrive, leave;  // per node: (point, leg seconds)
    std::multimap<std::uint32_t, std::uint32_t> on_piece;

    void index(const RoadGraph& g) {
        arrive.assign(g.node_count(), {});
        leave.assign(g.node_count(), {});
        for (std::uint32_t i = 0; i < snaps.size(); ++i) {
            if (!snaps[i].ok) continue;
            for (const auto& l : snaps[i].legs(g, false)) arrive[l.node].emplace_back(i, l.seconds);
            for (const auto& l : snaps[i].legs(g, true)) leave[l.node].emplace_back(i, l.seconds);
            on_piece.emplace(snaps[i].piece, i);
        }
    }

    // After a run from `seeds` (forward: times from the seeds to the points; reversed: from the
    // points to the seeds), the points reached with their best seconds.
    void reached(const Router& r, const std::vector<Snap>& seeds, bool reversed,
                 std::vector<std::pair<std::uint32_t, double>>& out) const {
        out.clear();
        const auto& by_node = reversed ? leave : arrive;
        for (std::uint32_t v : r.touched())
            for (const auto& [i, leg] : by_node[v]) out.emplace_back(i, r.node_seconds(v) + leg);
        for (const Snap& s : seeds) {
            if (!s.ok) continue;
            const auto [lo, hi] = on_piece.equal_range(s.piece);
            for (auto it = lo; it != hi; ++it)
                out.emplace_back(it->second, reversed ? r.seconds_from(snaps[it->second]) : r.seconds_to(snaps[it->second]));
        }
        // Keep each point's best time once, in point order (so sums add up the same way every run).
        std::sort(out.begin(), out.end());
        std::size_t w = 0;
        for (std::size_t k = 0; k < out.size(); ++k)
            if (w == 0 || out[w - 1].first != out[k].first) out[w++] = out[k];
        out.resize(w);
    }
};

void note_unreachable(AccessResult& r, const std::string& what, const Snap& s) {
    if (r.unreachable_examples.size() < 10) r.unreachable_examples.emplace_back(what, s.snap_m);
}

// The roads reached within `max_s` of the last run's source (partial pieces included), buffered:
// the stretches joined where they meet (`join_at_ends`), each line buffered on its own and the bands
// united. The same area as a buffer of every stretch united, in about a third of the time on a
// dense network.
void isochrone(const RoadGraph& g, const Router& r, const Snap& source, double max_s, double buffer_m,
               const GeosContext& geos, const Measure& measure, Isochrone& out) {
    std::vector<std::vector<Pt2>> stretches;
    double road_m = 0;
    const double band = buffer_m * measure.scale(source.x, source.y);
    auto add = [&](std::uint32_t piece, double a, double b) {
        if (b - a <= 0.01) return;
        stretches.push_back(g.stretch(piece, a, b));
        road_m += b - a;
    };
    const bool from_source = source.ok && source.offroad_s < max_s;
    std::vector<std::uint32_t> pieces;
    for (std::uint32_t v : r.touched())
        for (std::uint32_t a = g.first_out[v]; a < g.first_out[v + 1]; ++a) pieces.push_back(g.out_arcs[a].piece);
    if (from_source) pieces.push_back(source.piece);
    std::sort(pieces.begin(), pieces.end());
    pieces.erase(std::unique(pieces.begin(), pieces.end()), pieces.end());
    std::vector<std::pair<double, double>> reached;  // stretches of one piece, metres from its start
    for (std::uint32_t pi : pieces) {
        const RoadPiece& p = g.pieces[pi];
        const double speed = p.seconds > 0 ? p.length_m / p.seconds : 0;
        reached.clear();
        // From either end, as the piece's direction allows.
        const double tf = r.node_seconds(p.from), tt = r.node_seconds(p.to);
        if (p.direction != -1 && tf < max_s) reached.emplace_back(0, std::min(p.length_m, (max_s - tf) * speed));
        if (p.direction != +1 && tt < max_s) reached.emplace_back(std::max(0.0, p.length_m - (max_s - tt) * speed), p.length_m);
        // The source's own piece, from the point both ways as its direction allows.
        if (from_source && pi == source.piece) {
            const double reach = (max_s - source.offroad_s) * speed;
            reached.emplace_back(p.direction != +1 ? std::max(0.0, source.offset_m - reach) : source.offset_m,
                                 p.direction != -1 ? std::min(p.length_m, source.offset_m + reach) : source.offset_m);
        }
        // Each stretch of road once, where the ways in overlap.
        std::sort(reached.begin(), reached.end());
        for (std::size_t k = 0; k < reached.size();) {
            auto [a, b] = reached[k];
            for (++k; k < reached.size() && reached[k].first <= b; ++k) b = std::max(b, reached[k].second);
            add(pi, a, b);
        }
    }
    std::vector<GEOSGeometry*> parts;
    for (const auto& line : join_at_ends(std::move(stretches)))
        if (GEOSGeometry* part = GEOSBuffer_r(geos.get(), line_geometry(geos, line).get(), band, 4)) parts.push_back(part);
    out.road_km = road_m / 1000;
    out.polygon = parts.empty() ? geos.circle(source.x, source.y, band, 8) : geos.union_of(std::move(parts));
    out.area_km2 = measure.area_m2(out.polygon.get()) / 1e6;
}

}  // namespace

std::vector<Seat> admin_seats(const Study& study, const std::string& role) {
    std::vector<Seat> seats;
    const WorkingCrs& crs = study.crs;
    const Transformer tr(crs);
    for (const Layer* l : study.role(role))
        for (const Feature& f : l->features) {
            Seat s;
            s.id = f.id;
            s.name = l->text(f, "name");
            const auto lon = l->number(f, "seat_lon"), lat = l->number(f, "seat_lat");
            if (lon && lat) {
                s.x = *lon, s.y = *lat;
                tr.to_working(s.x, s.y);
                s.from_fields = true;
            } else {
                study.geos->representative_point(f.geom.get(), s.x, s.y);
            }
            seats.push_back(s);
        }
    return seats;
}

namespace {

// compute_access's steps, in order. Each reads the settlements and the points and writes its part
// of `res`; rows of res.towns and res.villages are those of the settlements.
struct AccessSteps {
    const Study& study;
    const RoadGraph& g;
    const Settlements& settlements;
    const AccessOptions& opt;
    const Progress& progress;
    AccessResult& res;
    const BottomLines* bottom;
    const GeosContext& geos = *study.geos;
    const Measure measure{study.crs, geos};
    const std::vector<Settlement>& towns = settlements.towns;
    const std::size_t n_towns = towns.size();
    PointSet points{};                // every settlement, towns first, indexed by node
    std::vector<Snap> town_snaps{};
    // Searches over the whole network, each from many points at once (the nearest prefecture seat,
    // the metro core, the nearest facility of each kind, the nearest town): the steps queue them,
    // search_whole_network runs them side by side, each writing only its own results.
    std::vector<std::function<void(Router&)>> whole_network{};
    std::vector<std::vector<double>> nearest_facility_min{};   // per kind (res.facility_kinds), per point

    void read_points();
    void time_to_seats();
    void time_to_metro_core();
    void reach_facilities();
    void count_catchments();
    void time_villages();
    void search_whole_network();
    void split_components_by_county();
    void draw_isochrones();
    void find_road_problems();
};

// The settlements (towns first, then villages) as points on the network, the seats snapped.
void AccessSteps::read_points() {
    res.towns.resize(n_towns);
    res.villages.resize(settlements.villages.size());
    for (const auto* rows : {&settlements.towns, &settlements.villages})
        for (const Settlement& s : *rows) {
            points.snaps.push_back(s.snap);
            points.population.push_back(s.population_or(0));
        }
    for (const Settlement& t : towns)
        if (!t.snap.ok) ++res.unreachable_towns, note_unreachable(res, "town " + t.id, t.snap);
    for (const Settlement& v : settlements.villages)
        if (!v.snap.ok) ++res.unreachable_villages, note_unreachable(res, "village " + v.id, v.snap);
    points.index(g);

    res.county_seats = admin_seats(study, "counties");
    res.prefecture_seats = admin_seats(study, "prefectures");
    for (auto& s : res.county_seats) s.snap = g.snap(s.x, s.y);
    for (auto& s : res.prefecture_seats) s.snap = g.snap(s.x, s.y);
    town_snaps.assign(points.snaps.begin(), points.snaps.begin() + long(n_towns));
}

// County seats (only the towns of that county), prefecture seats (every town).
void AccessSteps::time_to_seats() {
    progress.advance(0.05, "access: seats");
    const auto towns_of_county = settlements.towns_by_county();
    for (const Seat& seat : res.county_seats)
        if (!seat.snap.ok)
            res.notes.push_back({"县 " + seat.id + " 的驻地距最近道路 " + std::to_string(int(seat.snap.snap_m)) + " 米",
                                 "the seat of county " + seat.id + " is " + std::to_string(int(seat.snap.snap_m)) + " m from the nearest road"});
    // From each unit's seat to its own towns: the search stops once they are settled; units
    // write disjoint towns.
    auto own_seat = [&](const std::vector<Seat>& seats, const std::map<std::string, std::vector<std::uint32_t>>& members_of,
                        const Progress& part, const char* step, auto store) {
        parallel_routes(g, seats.size(), part, step, [&](Router& r, std::size_t k) {
            const Seat& seat = seats[k];
            const auto members = members_of.find(seat.id);
            if (!seat.snap.ok || members == members_of.end()) return;
            std::vector<std::uint32_t> needed;
            for (std::uint32_t i : members->second)
                for (const auto& leg : towns[i].snap.legs(g, true)) needed.push_back(leg.node);
            r.run_to_until(seat.snap, needed);
            for (std::uint32_t i : members->second) store(res.towns[i], towns[i], r.from(towns[i].snap));
        });
    };
    own_seat(res.county_seats, towns_of_county, progress.slice(0.05, 0.1), "access: county seats",
             [&](TownAccess& t, const Settlement& s, const Router::Reach& reach) {
                 t.county_seat_min = minutes(reach.seconds);
                 t.county_seat_km = km(reach.metres);
                 t.no_route_to_seat = s.snap.ok && !std::isfinite(reach.seconds);
             });
    std::map<std::string, std::vector<std::uint32_t>> towns_of_prefecture;
    for (std::uint32_t i = 0; i < n_towns; ++i) towns_of_prefecture[towns[i].prefecture].push_back(i);
    own_seat(res.prefecture_seats, towns_of_prefecture, progress.slice(0.1, 0.15), "access: prefecture seats",
             [&](TownAccess& t, const Settlement&, const Router::Reach& reach) {
                 t.prefecture_seat_min = minutes(reach.seconds);
                 t.prefecture_seat_km = km(reach.metres);
             });
    // The nearest prefecture seat: one search from all of them at once.
    std::vector<Snap> seat_snaps;
    std::vector<std::size_t> seat_of;   // search origin -> prefecture seat
    for (std::size_t k = 0; k < res.prefecture_seats.size(); ++k)
        if (res.prefecture_seats[k].snap.ok) seat_snaps.push_back(res.prefecture_seats[k].snap), seat_of.push_back(k);
    if (seat_snaps.empty()) return;
    whole_network.push_back([this, seat_snaps, seat_of](Router& router) {
        router.run_from_many(seat_snaps, true);
        for (std::uint32_t i = 0; i < n_towns; ++i) {
            const Router::Reach r = router.from(towns[i].snap);
            if (!std::isfinite(r.seconds)) continue;
            TownAccess& t = res.towns[i];
            t.nearest_prefecture_seat_min = minutes(r.seconds);
            t.nearest_prefecture_seat_km = km(r.metres);
            t.nearest_prefecture = res.prefecture_seats[seat_of[r.origin]].id;
        }
    });
}

// The metropolitan core.
void AccessSteps::time_to_metro_core() {
    const Snap* core = nullptr;
    Snap core_snap;
    for (const Layer* l : study.role("city_cores"))
        for (const Feature& f : l->features)
            if ((!opt.metro_core.empty() && f.id == opt.metro_core) ||
                (opt.metro_core.empty() && res.metro_core_id.empty() && l->text(f, "prefecture") == opt.metro_prefecture)) {
                double x = 0, y = 0;
                geos.representative_point(f.geom.get(), x, y);
                core_snap = g.snap(x, y);
                res.metro_core_id = f.id;
                core = &core_snap;
            }
    if (!core)
        for (const Seat& s : res.prefecture_seats)
            if (s.id == opt.metro_prefecture) core_snap = s.snap, core = &core_snap, res.metro_core_id = s.id;
    if (core && core->ok) {
        whole_network.push_back([this, core_snap](Router& router) {
            router.run_to(core_snap);
            for (std::size_t i = 0; i < n_towns; ++i) {
                const Router::Reach r = router.from(towns[i].snap);
                res.towns[i].metro_core_min = minutes(r.seconds);
                res.towns[i].metro_core_km = km(r.metres);
            }
        });
    } else {
        res.notes.push_back({"未找到都市圈核心（在 [access] metro_core 中给出 city_cores 的编码）：metro_core_min 为空",
                             "no metropolitan core found (set [access] metro_core to a city_cores id): metro_core_min is empty"});
    }
}

// Facilities: nearest of each kind, and E2SFCA where capacities are known.
void AccessSteps::reach_facilities() {
    progress.advance(0.15, "access: facilities");
    struct Facility {
        Snap snap;
        double capacity;
    };
    std::map<std::string, std::vector<Facility>> by_kind;
    for (const Layer* l : study.role("facilities"))
        for (const Feature& f : l->features) {
            double x = 0, y = 0;
            geos.representative_point(f.geom.get(), x, y);
            Facility fac{g.snap(x, y), l->number(f, "capacity").value_or(NAN)};
            if (!fac.snap.ok) {
                ++res.unreachable_facilities;
                note_unreachable(res, "facility " + f.id, fac.snap);
                continue;
            }
            by_kind[l->text(f, "kind")].push_back(fac);
        }
    for (auto& [kind, facs] : by_kind) {
        res.facility_kinds.push_back(kind);
        std::vector<Snap> snaps;
        for (const auto& f : facs) snaps.push_back(f.snap);
        const std::size_t slot = nearest_facility_min.size();   // not a reference: the vector grows
        nearest_facility_min.emplace_back();
        whole_network.push_back([this, snaps, slot](Router& router) {
            router.run_from_many(snaps, true);  // from every settlement to the nearest facility
            std::vector<double>& nearest = nearest_facility_min[slot];
            nearest.resize(points.snaps.size());
            for (std::size_t i = 0; i < points.snaps.size(); ++i) nearest[i] = minutes(router.seconds_from(points.snaps[i]));
        });

        FacilityKindSummary sum;
        sum.kind = kind;
        sum.facilities = facs.size();
        // E2SFCA step 1: each facility's supply over the weighted population in its catchment;
        // step 2: each settlement sums the ratios of the facilities it reaches, weighted again.
        // Facilities go in a fixed number of contiguous chunks, each with its own sums, added up in
        // chunk order: the same result on any number of cores.
        constexpr std::size_t kChunks = 16;
        const std::size_t n_set = points.snaps.size();
        std::vector<std::vector<double>> chunk_access(kChunks);
        std::vector<std::vector<char>> chunk_covered(kChunks);
        for (const auto& fac : facs) sum.with_capacity += fac.capacity > 0;
        const double catchment_s = opt.e2sfca_catchment_min * 60;
        parallel_routes(g, kChunks, {}, "", [&](Router& r, std::size_t chunk) {
            std::vector<double>& access = chunk_access[chunk];
            std::vector<char>& covered = chunk_covered[chunk];
            access.assign(n_set, 0.0);
            covered.assign(n_set, 0);
            std::vector<std::pair<std::uint32_t, double>> reached;
            for (std::size_t j = facs.size() * chunk / kChunks; j < facs.size() * (chunk + 1) / kChunks; ++j) {
                const auto& fac = facs[j];
                if (!(fac.capacity > 0)) continue;
                r.run_to(fac.snap, Router::Bound::seconds(catchment_s));
                points.reached(r, {fac.snap}, true, reached);
                double demand = 0;
                for (const auto& [i, s] : reached) demand += points.population[i] * e2sfca_weight(opt, s / 60);
                if (demand <= 0) continue;
                const double ratio = fac.capacity / demand;
                for (const auto& [i, s] : reached) {
                    const double w = e2sfca_weight(opt, s / 60);
                    if (w > 0) access[i] += ratio * w, covered[i] = 1;
                }
            }
        });
        std::vector<double> access(n_set, 0.0);
        std::vector<bool> covered(n_set, false);
        for (std::size_t chunk = 0; chunk < kChunks; ++chunk)
            for (std::size_t i = 0; i < n_set; ++i) {
                access[i] += chunk_access[chunk][i];
                covered[i] = covered[i] || chunk_covered[chunk][i];
            }
        if (sum.with_capacity > 0) {
            for (std::size_t i = 0; i < points.snaps.size(); ++i) {
                if (!covered[i]) sum.unserved_population += points.population[i];
                if (i < n_towns) res.towns[i].e2sfca[kind] = access[i];
                else res.villages[i - n_towns].e2sfca[kind] = access[i];
            }
        }
        res.facility_summary.push_back(sum);
    }
}

// Catchments: population within each threshold of every town.
void AccessSteps::count_catchments() {
    progress.advance(0.3, "access: catchments");
    const double max_threshold_s = opt.thresholds_min.back() * 60;
    parallel_routes(g, n_towns, progress.slice(0.3, 0.6), "access: catchments", [&](Router& r, std::size_t i) {
        TownAccess& t = res.towns[i];
        const Snap& snap = towns[i].snap;
        t.catchment_pop.assign(opt.thresholds_min.size(), snap.ok ? 0.0 : NAN);
        if (!snap.ok) return;
        std::vector<std::pair<std::uint32_t, double>> reached;
        r.run_from(snap, Router::Bound::seconds(max_threshold_s));
        points.reached(r, {snap}, false, reached);
        for (const auto& [k, s] : reached)
            for (std::size_t th = 0; th < opt.thresholds_min.size(); ++th)
                if (s <= opt.thresholds_min[th] * 60) t.catchment_pop[th] += points.population[k];
    });
}

// Villages: nearest town (over all towns at once) and their own town.
void AccessSteps::time_villages() {
    progress.advance(0.6, "access: villages");
    if (!res.villages.empty() && n_towns > 0) {
        whole_network.push_back([this](Router& router) {
            router.run_from_many(town_snaps, true);
            for (std::size_t k = 0; k < res.villages.size(); ++k) {
                VillageAccess& v = res.villages[k];
                const Router::Reach r = router.from(settlements.villages[k].snap);
                v.nearest_town_min = minutes(r.seconds);
                if (std::isfinite(r.seconds)) v.nearest_town = towns[r.origin].id;
            }
        });
        // Each town's villages to it: on every core, each search stopping once they are all settled
        // (within own_town_max_min), each town writing only its own villages.
        const auto by_town = settlements.villages_by_town();
        std::vector<std::pair<std::uint32_t, const std::vector<std::uint32_t>*>> own;   // town row, its villages
        for (const auto& [town_id, members] : by_town)
            if (const auto row = settlements.town_row(town_id); row && town_snaps[*row].ok) own.emplace_back(*row, &members);
        parallel_routes(g, own.size(), progress.slice(0.6, 0.7), "access: villages", [&](Router& r, std::size_t i) {
            const auto& [row, members] = own[i];
            std::vector<std::uint32_t> needed;
            for (std::uint32_t k : *members)
                for (const auto& leg : settlements.villages[k].snap.legs(g, true)) needed.push_back(leg.node);
            r.run_to_until(town_snaps[row], needed, Router::Bound::seconds(opt.own_town_max_min * 60));
            for (std::uint32_t k : *members) res.villages[k].own_town_min = minutes(r.seconds_from(settlements.villages[k].snap));
        });
    }
}

// The searches the steps queued, side by side; then each settlement's nearest facility of each kind.
void AccessSteps::search_whole_network() {
    parallel_routes(g, whole_network.size(), progress.slice(0.7, 0.75), "access: nearest", [&](Router& r, std::size_t j) { whole_network[j](r); });
    whole_network.clear();
    for (std::size_t kind = 0; kind < res.facility_kinds.size(); ++kind) {
        const std::vector<double>& nearest = nearest_facility_min[kind];
        for (std::size_t i = 0; i < n_towns; ++i) res.towns[i].facility_min[res.facility_kinds[kind]] = nearest[i];
        for (std::size_t k = 0; k < res.villages.size(); ++k) res.villages[k].facility_min[res.facility_kinds[kind]] = nearest[n_towns + k];
    }
}

// Isochrones: the city cores and the chosen towns.
void AccessSteps::draw_isochrones() {
    const double max_threshold_s = opt.thresholds_min.back() * 60;
    progress.advance(0.75, "access: isochrones");
    struct Origin {
        std::string role, id, name;
        Snap snap;
    };
    std::vector<Origin> origins;
    for (const Layer* l : study.role("city_cores"))
        for (const Feature& f : l->features) {
            double x = 0, y = 0;
            geos.representative_point(f.geom.get(), x, y);
            origins.push_back({"city_cores", f.id, l->text(f, "name"), g.snap(x, y)});
        }
    for (const std::string& id : opt.isochrone_towns) {
        const auto row = settlements.town_row(id);
        if (!row) {
            res.notes.push_back({"[access] isochrone_towns 中的镇 " + id + " 不在镇图层中", "[access] isochrone_towns names town " + id + ", which the towns layer does not have"});
            continue;
        }
        origins.push_back({"towns", id, towns[*row].name, town_snaps[*row]});
    }
    // Origins in parallel: each with its own GEOS context (GEOS contexts are per thread) and slots
    // in the result fixed in advance, so the order never depends on the threads.
    const std::size_t n_th = opt.thresholds_min.size();
    std::vector<Isochrone> isochrones(origins.size() * n_th);
    parallel_routes(g, origins.size(), progress.slice(0.75, 0.85), "access: isochrones", [&](Router& r, std::size_t k) {
        const Origin& o = origins[k];
        if (!o.snap.ok) return;
        const GeosContext local;
        const Measure local_measure(study.crs, local);
        r.run_from(o.snap, Router::Bound::seconds(max_threshold_s));
        for (std::size_t th = 0; th < n_th; ++th) {
            Isochrone& iso = isochrones[k * n_th + th];
            iso.origin_role = o.role;
            iso.origin_id = o.id;
            iso.origin_name = o.name;
            iso.minutes = opt.thresholds_min[th];
            isochrone(g, r, o.snap, iso.minutes * 60, opt.isochrone_buffer_m, local, local_measure, iso);
            // Handed over to the study's context, which outlives the result.
            iso.polygon = geos.own(iso.polygon.release());
        }
    });
    for (auto& iso : isochrones)
        if (iso.polygon) res.isochrones.push_back(std::move(iso));
}

// Each component cut by county: a road piece goes to the county its middle lies in (the first in
// the layer's order on a shared edge; "" outside them all), a settlement to its own county.
void AccessSteps::split_components_by_county() {
    struct County {
        std::string id, name;
        const GEOSGeometry* geom;
    };
    std::vector<County> counties;
    BoxIndex boxes(geos);
    for (const Layer* l : study.role("counties"))
        for (const Feature& f : l->features) {
            counties.push_back({f.id, l->text(f, "name"), f.geom.get()});
            boxes.add(f.geom.get());
        }
    boxes.build();
    std::vector<PreparedPtr> prepared(counties.size());
    auto county_at = [&](double x, double y) -> std::size_t {
        const GeomPtr point = geos.point(x, y);
        for (std::uint32_t k : boxes.meeting({x, y, x, y})) {
            if (!prepared[k]) prepared[k] = geos.prepare(counties[k].geom);
            if (GEOSPreparedIntersects_r(geos.get(), prepared[k].get(), point.get()) == 1) return k;
        }
        return counties.size();   // outside every county
    };
    std::map<std::string, std::size_t> county_index;
    for (std::size_t k = 0; k < counties.size(); ++k) county_index.emplace(counties[k].id, k);
    auto index_of = [&](const std::string& county) {
        const auto it = county_index.find(county);
        return it == county_index.end() ? counties.size() : it->second;
    };
    std::vector<std::map<std::size_t, ComponentPart>> parts(res.components.size());
    auto part = [&](std::uint32_t component, std::size_t county) -> ComponentPart& { return parts[component - 1][county]; };
    for (std::uint32_t i = 0; i < g.pieces.size(); ++i) {
        const RoadPiece& piece = g.pieces[i];
        const Pt2 a = g.points[piece.first_point + (piece.points - 1) / 2], b = g.points[piece.first_point + piece.points / 2];
        ComponentPart& p = part(g.component[piece.from], county_at((a.x + b.x) / 2, (a.y + b.y) / 2));
        p.pieces.push_back(i);
        p.length_km += piece.length_m / 1000;
    }
    for (std::uint32_t i = 0; i < points.snaps.size(); ++i) {
        const Snap& s = points.snaps[i];
        if (!s.ok) continue;
        const Settlement& settlement = i < n_towns ? towns[i] : settlements.villages[i - n_towns];
        ComponentPart& p = part(g.component_of(s), index_of(settlement.county));
        if (i < n_towns) p.towns.push_back(settlement.id);
        else ++p.villages;
    }
    for (std::size_t c = 0; c < parts.size(); ++c)
        for (auto& [k, p] : parts[c]) {
            if (k < counties.size()) p.county = counties[k].id, p.county_name = counties[k].name;
            res.components[c].parts.push_back(std::move(p));
        }
}

// Road problems: components, dead ends.
void AccessSteps::find_road_problems() {
    progress.advance(0.85, "access: road problems");
    res.components.resize(g.component_km.size());
    for (std::size_t i = 0; i < res.components.size(); ++i) res.components[i].rank = int(i + 1), res.components[i].length_km = g.component_km[i];
    for (std::uint32_t i = 0; i < points.snaps.size(); ++i) {
        const Snap& s = points.snaps[i];
        if (!s.ok) continue;
        Component& c = res.components[g.component_of(s) - 1];
        if (i < n_towns) c.towns.push_back(towns[i].id);
        else ++c.villages;
    }
    split_components_by_county();

    namespace bg = boost::geometry;
    namespace bgi = boost::geometry::index;
    using P = bg::model::d2::point_xy<double>;
    std::vector<std::pair<P, std::uint32_t>> snapped;
    for (std::uint32_t i = 0; i < points.snaps.size(); ++i)
        if (points.snaps[i].ok) snapped.emplace_back(P(points.snaps[i].x, points.snaps[i].y), i);
    const bgi::rtree<std::pair<P, std::uint32_t>, bgi::rstar<16>> near_settlement(snapped.begin(), snapped.end());
    const GeomPtr boundary = study.province ? geos.own(GEOSBoundary_r(geos.get(), study.province.get())) : nullptr;
    const PreparedPtr prepared_boundary = boundary ? geos.prepare(boundary.get()) : nullptr;
    const std::vector<std::uint32_t> degree = g.degree();
    std::vector<std::uint32_t> piece_at(g.node_count(), 0);
    for (std::uint32_t i = 0; i < g.pieces.size(); ++i) piece_at[g.pieces[i].from] = piece_at[g.pieces[i].to] = i;
    for (std::uint32_t v = 0; v < g.node_count(); ++v) {
        if (degree[v] != 1) continue;
        const Pt2 p = g.nodes[v];
        double nearest = NAN;
        std::vector<std::pair<P, std::uint32_t>> found;
        near_settlement.query(bgi::nearest(P(p.x, p.y), 1), std::back_inserter(found));
        if (!found.empty()) nearest = measure.distance_m(p.x, p.y, found[0].first.x(), found[0].first.y());
        if (nearest <= opt.dead_end_settlement_m) continue;
        if (prepared_boundary) {
            GeomPtr point = geos.point(p.x, p.y);
            if (GEOSPreparedDistanceWithin_r(geos.get(), prepared_boundary.get(), point.get(), opt.dead_end_boundary_m) == 1) continue;
        }
        const RoadPiece& piece = g.pieces[piece_at[v]];
        DeadEnd d;
        d.node = v, d.x = p.x, d.y = p.y, d.road_id = g.layer_ids[piece.feature], d.nearest_settlement_m = nearest;
        res.dead_ends.push_back(d);
    }
    link_dead_ends(study, g, settlements, opt, res.dead_ends, bottom);
}

}  // namespace

AccessResult compute_access(const Study& study, const RoadGraph& g, const Settlements& settlements, const AccessOptions& opt,
                            const Progress& progress, const BottomLines* bottom) {
    AccessResult res;
    AccessSteps steps{study, g, settlements, opt, progress, res, bottom};
    steps.read_points();
    steps.time_to_seats();
    steps.time_to_metro_core();
    steps.reach_facilities();
    steps.count_catchments();
    steps.time_villages();
    steps.search_whole_network();
    steps.draw_isochrones();
    steps.find_road_problems();
    progress.advance(1.0, "access");
    return res;
}

}  // namespace townsite
