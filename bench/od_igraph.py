#!/usr/bin/python3
"""The igraph side of the od benchmark: the same origins x destinations matrix on the arcs that
build-bench/bench/od_bench exported, called the best ways igraph offers, timed and checked against
townsite's matrix.

    /usr/bin/python3 bench/od_igraph.py EXPORT_DIR

Debian's python3-igraph (0.10, C core). Times are the best of five; loading the graph is not timed.
"""
import math
import sys
import time

import igraph


def best_of(n, f):
    best, out = math.inf, None
    for _ in range(n):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(d):
    with open(f"{d}/origins.txt") as f:
        nodes = int(f.readline())
        origins = [int(x) for x in f]
    with open(f"{d}/destinations.txt") as f:
        destinations = [int(x) for x in f]
    edges, weights = [], []
    with open(f"{d}/arcs.tsv") as f:
        for line in f:
            a, b, s = line.split("\t")
            edges.append((int(a), int(b)))
            weights.append(float(s))
    ours = [[float(x) for x in line.split("\t")] for line in open(f"{d}/ours.tsv")]
    ours_1, ours_all = (float(x) for x in open(f"{d}/ours_seconds.txt"))

    g = igraph.Graph(n=nodes, edges=edges, directed=True)
    g.es["w"] = weights
    # One Dijkstra per destination over the arcs turned around: mode "in".
    one_call, m = best_of(5, lambda: g.distances(source=destinations, target=origins, weights="w", mode="in"))
    per_dest, _ = best_of(5, lambda: [g.distances(source=[t], target=origins, weights="w", mode="in")[0] for t in destinations])
    # The reversed graph built once, searched forward (what "reversed graph" means in igraph).
    r = igraph.Graph(n=nodes, edges=[(b, a) for a, b in edges], directed=True)
    r.es["w"] = weights
    reversed_s, m2 = best_of(5, lambda: r.distances(source=destinations, target=origins, weights="w", mode="out"))

    differ = 0
    for j, row in enumerate(m):
        for i, want in enumerate(row):
            got = ours[i][j]
            if math.isinf(want) != math.isinf(got) or (not math.isinf(want) and abs(want - got) > 1e-6 * max(1.0, want)):
                differ += 1
    differ2 = sum(1 for j, row in enumerate(m2) for i, v in enumerate(row) if not (v == m[j][i] or abs(v - m[j][i]) <= 1e-9 * max(1.0, v)))
    igraph_best = min(one_call, per_dest, reversed_s)
    print(f"  igraph {igraph.__version__}: one call {one_call:.4f} s, one call per destination {per_dest:.4f} s, "
          f"reversed graph {reversed_s:.4f} s")
    print(f"  ours 1 thread {ours_1:.4f} s ({igraph_best / ours_1:.1f}x igraph's best), all threads {ours_all:.4f} s "
          f"({igraph_best / ours_all:.1f}x)")
    print(f"  matrix cells that differ from igraph's: {differ} of {len(origins) * len(destinations)} "
          f"(igraph's two ways differ in {differ2})")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
