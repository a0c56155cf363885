// The road graph: built once from the study's road layers, read-only after. Plain CSR arrays on
// the hot path (RoutingKit's first_out / head / weight shape), geodesic edge lengths, travel times
// from a speed table keyed by road class.
//
//   NetworkOptions opt = network_options(study.config);       // [network] of the config
//   RoadGraph g = build_road_graph(study, opt);
//   Snap s = g.snap(x, y);                                      // a point in the working CRS
//   Router r(g);
//   r.run_from(s);                                              // one-to-all, seconds
//   double minutes = r.seconds_to(g.snap(x2, y2)) / 60;
//
// Lines join at every vertex they share (within snap_tolerance_m) and, with node_crossings, where
// they cross. A graph node is a line end or a shared vertex; an edge ("piece") is the stretch of one
// line between two nodes. Points are snapped to the nearest point of the nearest segment; the piece
// they land on is split there implicitly (a Snap carries the legs to both ends of its piece), and the
// leg from the point to the road counts at offroad_speed_kmh. A point within snap_tolerance_m of a
// node (or whose nearest road point is one) is attached to that node itself, whichever of the pieces
// meeting there the index returned: the leg to it carries no one-way rule. Times are seconds,
// lengths metres.
#pragma once

#include "geo/config.h"
#include "geo/lines.h"
#include "geo/options.h"
#include "geo/spatial_index.h"
#include "geo/study.h"

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace townsite {

struct NetworkOptions {
    double snap_tolerance_m = 0.5;   // vertices closer than this are one node
    bool node_crossings = false;     // also join lines where they cross (data without shared vertices)
    double fallback_speed_kmh = 30;  // for road classes the table does not know
    double offroad_speed_kmh = 5;    // from a point to the road (walking)
    double max_snap_m = 2000;        // farther from every road: unreachable
    std::map<std::string, double> speeds_kmh;  // class -> speed; the config's entries over the built-in ones
};

// The built-in speeds (km/h): Chinese road classes by name and by administrative code, and OSM
// highway=* values. 0 means "not for motor vehicles": such roads are left out of the graph.
const std::map<std::string, double>& default_speeds_kmh();
// [network] of the config, each option declared once; throws Error listing the problems.
const Options<NetworkOptions>& network_option_table();
NetworkOptions network_options(const StudyConfig& config);

constexpr double kUnreachable = std::numeric_limits<double>::infinity();

struct RoadPiece {
    std::uint32_t from = 0, to = 0;            // nodes at the piece's ends
    std::uint32_t first_point = 0, points = 0; // its polyline in RoadGraph::points
    double length_m = 0;                       // geodesic
    double seconds = 0;                        // travel time end to end
    std::int8_t direction = 0;                 // 0 both ways, +1 only from -> to, -1 only to -> from
    std::uint32_t layer = 0, feature = 0;      // the road feature it comes from
};

// Where a point meets the network, and the legs from it to the ends of its piece.
struct Snap {
    bool ok = false;           // false: no road within max_snap_m (snap_m says how far the nearest is)
    double snap_m = kUnreachable;
    std::uint32_t piece = 0;
    double offset_m = 0;       // along the piece from its `from` node
    double x = 0, y = 0;       // the point on the road
    double offroad_s = 0;      // the leg from the point to the road
    // The graph node the point is attached to (kNoNode: somewhere along `piece`). Then `piece` is
    // the lowest-numbered piece at that node and offset_m its end there.
    static constexpr std::uint32_t kNoNode = UINT32_MAX;
    std::uint32_t node = kNoNode;

    struct Leg {
        std::uint32_t node;
        double seconds, metres;
    };
    struct Legs {  // at most two, no allocation: this sits in the inner loop of every matrix
        Leg leg[2];
        int n = 0;
        const Leg* begin() const { return leg; }
        const Leg* end() const { return leg + n; }
    };
    // Legs from the point to the nodes it can drive to (leaving) or from them to it (arriving).
    Legs legs(const struct RoadGraph& g, bool leaving) const;
    // Legs to both ends whatever the piece's direction (for pipes, which follow roads both ways).
    Legs legs_any(const struct RoadGraph& g) const;
};

struct GraphReport {
    std::size_t features = 0, lines = 0, multipart_lines = 0;
    std::size_t nodes = 0, pieces = 0, arcs = 0;
    std::size_t zero_length_dropped = 0, crossings_noded = 0;
    std::size_t duplicates_dropped = 0;  // the same stretch twice: merged into one piece
    std::size_t duplicates_other_speed = 0;  // of those, at two speeds: the faster kept
    std::size_t not_for_cars = 0, bad_speed_values = 0, oneway_unknown = 0;
    std::size_t ferries_left_out = 0;     // class "ferry" at speed 0 (the default)
    std::size_t reversible_left_out = 0;  // oneway = reversible
    std::map<std::string, std::size_t> unknown_classes;  // class -> features, driven at the fallback speed
    double total_km = 0;
};

struct RoadGraph {
    std::vector<Pt2> nodes;        // working CRS
    std::vector<RoadPiece> pieces;
    std::vector<Pt2> points;       // polylines of the pieces
    std::vector<double> along_m;   // geodesic distance from the piece's start at each of its points
    // Forward and backward CSR: arcs out of node v are out_arcs[first_out[v] .. first_out[v+1]), and
    // arcs into v are in_arcs[first_in[v] ..) with `head` the node they come from. One arc is one
    // cache line's third: what the relaxation reads, side by side.
    struct Arc {
        std::uint32_t head, piece;
        double seconds, metres;
    };
    std::vector<std::uint32_t> first_out, first_in;
    std::vector<Arc> out_arcs, in_arcs;
    // Per node: its connected piece of the network, ignoring direction; 1 is the longest piece,
    // 2 the next (ties: the one whose first piece comes first).
    std::vector<std::uint32_t> component;
    std::vector<double> component_km;  // [rank - 1]: total length
    NetworkOptions options;
    GraphReport report;
    std::vector<std::string> layer_ids;  // per road feature: its id, for messages

    Snap snap(double x, double y) const;
    // The node nearest the point within `radius` (planar, working CRS; ties: the first by position),
    // or Snap::kNoNode.
    std::uint32_t node_near(double x, double y, double radius) const;
    // The stretch of a piece between two distances (m) from its start, as points (at 0 and at the
    // length, its end vertices themselves).
    std::vector<Pt2> stretch(std::uint32_t piece, double a_m, double b_m) const;
    std::size_t node_count() const { return nodes.size(); }
    std::vector<std::uint32_t> degree() const;  // undirected: pieces touching each node (loops twice)
    // The component of a snapped point (0 when it is not on the network).
    std::uint32_t component_of(const Snap& s) const { return s.ok ? component[s.node != Snap::kNoNode ? s.node : pieces[s.piece].from] : 0; }

    // Filled by build_road_graph: segments of every piece, for snapping.
    std::unique_ptr<SegmentIndex> index;
    std::vector<std::uint32_t> segment_point;  // per indexed segment: index of its first point in `points`
    std::unique_ptr<GeosContext> geos;
    std::unique_ptr<Measure> measure;
};

// Builds the graph from every "roads" layer of the study. Throws Error when there are no roads.
RoadGraph build_road_graph(const Study& study, const NetworkOptions& options, const Progress& progress = {});

// The same from roads handed over one at a time, so that a country's roads are never held as
// features: add() takes a road's lines (the feature can be freed then) and finish() makes the
// graph. load_routed_study hands add() each road as load_study reads it.
class RoadGraphBuilder {
public:
    explicit RoadGraphBuilder(const NetworkOptions& options);
    ~RoadGraphBuilder();
    // `road_layer`: the layer's place among the study's "roads" layers (RoadPiece::layer).
    void add(const Layer& layer, std::uint32_t road_layer, const Feature& road);
    // Once, after the last add(). Throws Error when the study has no roads layer, or one has neither
    // a class nor a speed field.
    RoadGraph finish(const Study& study, const Progress& progress = {});

private:
    struct Lines;
    std::unique_ptr<Lines> m_lines;
    RoadGraph m_graph;
};

// How far a search goes, in the router's own metric: a time router is bounded in seconds, a length
// router in metres (the other is a bug: std::logic_error). Default: no bound.
struct SearchBound {
    bool in_metres = false;
    double value = kUnreachable;
    static SearchBound seconds(double s) { return {false, s}; }
    static SearchBound metres(double m) { return {true, m}; }
};

// The road graph taken apart for many whole searches (od's matrix), made once and shared by every
// thread's Router. Peeling the dead ends off, again and again, leaves the network's core; what was
// peeled are trees, each hanging from one node of the core. In the core, the nodes with exactly two
// neighbours lie on chains between the branching nodes (a ring without any is given one). A search
// with it runs Dijkstra on the branching nodes alone, each chain one arc each way it can be driven,
// then fills in the chains (one pass from each end) and the trees (one pass from the root): the same
// times as a search of the whole graph, with the heap holding a third of the nodes on a real city
// network. Seeds on a chain or a tree are carried to the branching nodes first.
struct SearchSkeleton {
    explicit SearchSkeleton(const RoadGraph& g);

    enum Kind : std::uint8_t { kBranch, kChain, kTree };
    struct Step {   // one arc of the search (its fastest, where two pieces join the same nodes)
        double seconds = kUnreachable, metres = 0;
    };
    // Per direction of search (0: forward, over out_arcs; 1: backward, over in_arcs): the arcs
    // between branching nodes, each chain one arc from end to end. Other nodes have none.
    std::vector<std::uint32_t> first[2];
    std::vector<RoadGraph::Arc> arcs[2];
    std::vector<Kind> kind;   // per node
    // Chains: the nodes chain_nodes[first_node, first_node + count) in order from a to b. Step j
    // (0..count) joins position j and j + 1, position 0 being a and count + 1 being b; its steps
    // sit at first_node + chain index + j, toward b and toward a, per direction.
    struct Chain {
        std::uint32_t a, b, first_node, count;
    };
    std::vector<Chain> chains;
    std::vector<std::uint32_t> chain_nodes;
    std::vector<Step> toward_b[2], toward_a[2];
    // Trees: their nodes, each after its parent; per tree node (by its place in tree_nodes) its
    // parent and the steps from the parent and to it, per direction.
    std::vector<std::uint32_t> tree_nodes, parent;
    std::vector<Step> from_parent[2], to_parent[2];
    // Per node: its chain and place on it (1..count), or its place in tree_nodes.
    std::vector<std::uint32_t> where, position;
};

// Dijkstra over the CSR arrays, with buffers reused between runs (only touched labels are reset).
// One Router per thread.
class Router {
public:
    // Time: fastest routes, respecting one-way roads. Length: shortest routes in metres, on every
    // road both ways (pipes follow roads but not their traffic rules); paths can be recovered.
    enum class Metric { Time, Length };
    using Bound = SearchBound;
    // Checks the graph's CSR arrays (sizes, ascending offsets, heads and pieces in range): a graph
    // that breaks them is a bug (std::logic_error), found here rather than as a wrong route.
    explicit Router(const RoadGraph& g, Metric metric = Metric::Time);
    // One-to-all from a point (forward) or all-to-one to a point (over the reversed arcs), stopping
    // at the bound. Afterwards seconds_to / seconds_from give times to or from any other snapped point.
    void run_from(const Snap& source, Bound bound = {});
    void run_to(const Snap& target, Bound bound = {});
    // Stops as soon as every node in `needed` is settled (or can never be, within `bound`): enough
    // for a few known points, such as the towns of one county, without searching the whole province.
    // Their times are those of a full run_to with the same bound.
    void run_to_until(const Snap& target, const std::vector<std::uint32_t>& needed, Bound bound = {});
    // The same from a point, forward, and stopping only once the nearest node that `any_of` flags
    // (one flag per graph node) is settled too: a Steiner tree's terminals and the nearest point of
    // the network they join. Every needed node's label, and the nearest flagged node's, are those of
    // a full run_from with the same bound.
    void run_from_until(const Snap& source, const std::vector<std::uint32_t>& needed, const std::vector<char>& any_of, Bound bound = {});
    // From several points at once (the nearest of them wins), e.g. all facilities of a kind.
    void run_from_many(const std::vector<Snap>& sources, bool reversed, Bound bound = {});
    // From graph nodes with starting seconds (benchmarks, tests).
    void run_from_nodes(const std::vector<std::pair<std::uint32_t, double>>& seeds, bool reversed, Bound bound = {});

    // The fastest route to or from another point: seconds, its length, and which seed it came from.
    struct Reach {
        double seconds = kUnreachable, metres = kUnreachable;
        std::uint32_t origin = 0;
    };
    Reach to(const Snap& target) const { return combine(target, true); }      // after run_from
    Reach from(const Snap& source) const { return combine(source, false); }   // after run_to
    double seconds_to(const Snap& target) const { return to(target).seconds; }
    double seconds_from(const Snap& source) const { return from(source).seconds; }
    // Runs from now on do not use the pieces flagged in `pieces` (one per RoadGraph::pieces; null:
    // every piece), e.g. roads through the ecological red line; the flags must outlive the runs.
    void avoid(const std::vector<char>* pieces) { m_avoid = pieces; }
    // Whole searches by time from now on (unbounded run_from, run_to, run_from_many; no pieces
    // avoided) search the skeleton of this router's graph; it must outlive the runs. touched() then
    // lists the nodes in another order.
    void use(const SearchSkeleton* skeleton) { m_skeleton = skeleton; }
    // Nodes reached by the last run (in the order first reached).
    const std::vector<std::uint32_t>& touched() const { return m_touched; }
    // Length mode: the pieces of the route from the run's seeds to node v, nearest the seed first.
    std::vector<std::uint32_t> pieces_to(std::uint32_t v) const;
    // Labels keep the metric's value in `key` and the other in `other`.
    double node_seconds(std::uint32_t v) const {
        return m_label[v].stamp == m_run ? (m_length ? m_label[v].other : m_label[v].key) : kUnreachable;
    }
    double node_metres(std::uint32_t v) const {
        return m_label[v].stamp == m_run ? (m_length ? m_label[v].key : m_label[v].other) : kUnreachable;
    }

private:
    // max_key: the bound in the router's metric.
    // needed, any_of: stop once these are settled (run_to_until, run_from_until).
    void run(const std::vector<std::array<double, 4>>& seeds, bool reversed, double max_key,
             const std::vector<std::uint32_t>* needed = nullptr, const std::vector<char>* any_of = nullptr);
    // Labels v with (key, other, origin) when better, and queues it (or moves it up the heap). Here,
    // to be inlined into the search's loop.
    void relax(std::uint32_t v, double key, double other, std::uint32_t origin, std::uint32_t pred, std::uint32_t piece) {
        Label& l = m_label[v];
        if (l.stamp != m_run) {
            l.stamp = m_run;
            l.pos = kOutside;
            m_touched.push_back(v);
        } else if (key >= l.key || l.pos == kSettled) {
            return;
        }
        l.key = key;
        l.other = other;
        l.origin = origin;
        if (m_length) m_pred_node[v] = pred, m_pred_piece[v] = piece;
        heap_update(v);
    }
    // A whole search by time on the skeleton (router_skeleton.cpp): the seeds on chains and trees
    // carried to the branching nodes before the search, and the chains and trees filled in after.
    void carry_seeds(const std::vector<std::array<double, 4>>& seeds, bool reversed);
    void fill_in(bool reversed);
    double bound_value(const Bound& bound) const;
    void set_seeds(const std::vector<Snap>& sources);
    // set_seeds, and the run's seeds: each source's legs to its nodes (both ways by length, else
    // leaving it forward or reaching it backward), with the source's index as their origin.
    std::vector<std::array<double, 4>> seed(const std::vector<Snap>& sources, bool reversed);
    // Indexed 4-ary min-heap on the labels' seconds, with decrease-key (no stale entries).
    void heap_update(std::uint32_t v);
    std::uint32_t heap_pop();
    void sift_up(std::uint32_t i);
    void sift_down(std::uint32_t i);
    // Best route through the legs of `other`, or along a piece it shares with a seed.
    Reach combine(const Snap& other, bool other_is_target) const;

    const RoadGraph& m_g;
    bool m_length = false;
    std::vector<std::uint32_t> m_pred_node, m_pred_piece;  // length mode only
    // Label::pos of a node settled in this run, and of one touched but not in the heap.
    static constexpr std::uint32_t kSettled = UINT32_MAX, kOutside = UINT32_MAX - 1;
    struct Label {  // everything a run keeps per node, in one place
        double key, other;                         // seconds and metres, or metres and seconds
        std::uint32_t stamp, pos, origin, needed;  // needed == run: a node the run must settle
    };
    std::vector<Label> m_label;
    const std::vector<char>* m_avoid = nullptr;
    const SearchSkeleton* m_skeleton = nullptr;
    std::vector<Label> m_pending;                  // skeleton runs: seeds' values carried along chains and trees
    std::vector<std::uint32_t> m_pending_nodes;    // the nodes holding one in this run
    std::vector<Label> m_sweep;                    // skeleton runs: one chain's values from its a end
    std::vector<std::uint32_t> m_heap;
    std::uint32_t m_run = 0;
    std::vector<Snap> m_seeds;  // the points of the last run
    std::multimap<std::uint32_t, std::uint32_t> m_seeds_on_piece;
    std::vector<std::uint32_t> m_touched;
};

}  // namespace townsite
