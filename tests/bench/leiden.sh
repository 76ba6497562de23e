#!/usr/bin/env bash
# cluster-leiden at scale: 2 iterations on the UMAP graph (scanpy n_neighbors=15) of 200k and
# 1M sc-simulate cells, with the modularity reached, and the peak memory of each step of the
# 1M graph+cluster pipeline.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
B=${BENCH_DIR:-build/bench}
mkdir -p "$B"
sim() { [ -s "$B/sim$1.scmat" ] || sc-simulate -n "$1" -d 50 --types 20 --batches 4 --seed 1 \
	-o "$B/sim$1.scmat" --obs-out "$B/sim$1.obs.jsonl"; }
run() {
	local n=$1 label=$2
	sim "$n"
	measure "graph $label: approximate kNN + UMAP connectivities" \
		knn-graph --approx --scanpy-k 15 --graph umap -o "$B/g$n.csr" "$B/sim$n.scmat"
	echo "  $(head -1 "$B/g$n.csr" | cut -d' ' -f2- | jq -c '{rows, nnz}')"
	measure "Leiden $label, 2 iterations" \
		cluster-leiden --iterations 2 --labels "$B/sim$n.obs.jsonl" --label-key cell_type \
		--summary "$B/leiden$n.json" -o "$B/leiden$n.jsonl" "$B/g$n.csr"
	echo "  $(jq -c '{n_clusters, modularity, quality, nmi_vs_cell_type: .nmi, seconds_in_leiden: .seconds, cpu_seconds}' "$B/leiden$n.json")"
}
# scib's optimal-resolution sweep (10 resolutions 0.2..2.0, n_iterations=-1, as score-scib
# runs it) on one and two threads: the same partitions, the resolutions split over the cores
sweep() {
	local n=$1 label=$2 j
	for j in 1 2; do
		measure "Leiden sweep $label, 10 resolutions, -j$j" \
			cluster-leiden -j $j --iterations -1 --resolutions 0.2:2.0:0.2 \
			--labels "$B/sim$n.obs.jsonl" --label-key cell_type --summary "$B/sweep$n.j$j.json" \
			-o "$B/sweep$n.j$j.jsonl" "$B/g$n.csr"
		echo "  $(jq -c '{resolution, n_clusters, nmi, seconds_in_sweep: .seconds, cpu_seconds}' "$B/sweep$n.j$j.json")"
	done
	cmp -s "$B/sweep$n.j1.jsonl" "$B/sweep$n.j2.jsonl" && echo "  -j1 and -j2 partitions identical"
}
run 200000 200k
sweep 200000 200k
run 1000000 1M
echo "  (targets: 200k <= 3 s, 1M <= 20 s; peak of the 1M pipeline < 2 GB; 2 cores)"
