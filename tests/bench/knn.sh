#!/usr/bin/env bash
# knn-graph at scale, on sc-simulate data (50 dims, 20 cell types, 4 batches):
#  - exact search, 100k x 50, k=15: GFLOP/s against plain sgemm on the same tiles, same run;
#  - approximate search, 1M x 50, k=15: time, recall@15 on 1000 sampled cells, peak memory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
B=${BENCH_DIR:-build/bench}
mkdir -p "$B"
sim() { [ -s "$B/sim$1.scmat" ] || sc-simulate -n "$1" -d 50 --types 20 --batches 4 --seed 1 \
	-o "$B/sim$1.scmat" --obs-out "$B/sim$1.obs.jsonl"; }

sim 100000
measure "exact kNN 100k x 50, k=15 (+ plain sgemm baseline)" \
	sh -c 'exec knn-graph --exact --gemm-baseline -k 15 -o "$1" "$2" 2>"$3"' sh \
	"$B/knn100k.knn" "$B/sim100000.scmat" "$B/knn100k.err"
sed 's/^knn-graph: /  /' "$B/knn100k.err"

sim 1000000
measure "approximate kNN 1M x 50, k=15" \
	sh -c 'exec knn-graph --approx --recall-check 1000 -k 15 -o "$1" "$2" 2>"$3"' sh \
	"$B/knn1m.knn" "$B/sim1000000.scmat" "$B/knn1m.err"
sed 's/^knn-graph: /  /' "$B/knn1m.err"
echo "  (targets: exact >= 60% of sgemm; approximate <= 90 s with recall@15 >= 0.95; 2 cores)"
