#!/usr/bin/env bash
# score-scib --flavor scib-metrics --metrics kbet: scib-metrics' kBET (diffusion map of each
# label's 50-NN UMAP graph, top-100 eigenpairs by thick-restart Lanczos, exact kNN in the
# map) on 100,000 simulated cells x 50 dims, 20 types, 4 batches, mixed (--batch-sd 0) so no
# label splits into components; the 49-NN is computed once beforehand and passed with --knn,
# so the figures are kBET alone. Prints -j1 and -j2 wall/CPU time and peak memory.
# The peak measured by lib.sh is the timing shell's; score-scib -v logs its own ("peak memory").
# SCBENCH_KBET_SM_SIZES sets the sizes (default 100000).
set -eu
. "$(dirname "$0")/lib.sh"
B=${SCBENCH_BIN:-$(dirname "$0")/../../bin}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

for n in ${SCBENCH_KBET_SM_SIZES:-100000}; do
	"$B/sc-simulate" -n "$n" -d 50 --types 20 --batches 4 --seed 1 --batch-sd 0 \
		-o "$W/x.scmat" --obs-out "$W/obs.jsonl"
	"$B/knn-graph" -k 49 --exact -j 0 -o "$W/x.knn" "$W/x.scmat"
	for j in 1 2; do
		measure "score-scib scib-metrics kbet, $n x 50, -j$j" bash -c "TIMEFORMAT='%U %S'; \
			{ time '$B/score-scib' -v -j$j --flavor scib-metrics --metrics kbet \
			--knn '$W/x.knn' --obs '$W/obs.jsonl' --label-key cell_type --batch-key batch \
			-o '$W/m$j.jsonl' '$W/x.scmat' 2>'$W/log'; } 2>'$W/cpu'"
		sed -n 's/^score-scib: /    /p' "$W/log"
		read -r u s <"$W/cpu"
		echo "    cpu: $u s user, $s s sys"
		echo "    kbet = $(grep '"metric":"kbet"' "$W/m$j.jsonl" | sed 's/.*"value":\([^,]*\).*/\1/')"
	done
done
