#!/usr/bin/env bash
# score-scib: the full scIB suite (kNN, UMAP graph, Leiden sweep, silhouettes, isolated
# labels, graph LISI, kBET, graph connectivity, PCR) on simulated 50-dim embeddings of
# 100,000 and 500,000 cells (20 types, 4 batches), then the czbenchmarks preset at 100,000.
# Prints total time and peak memory, the time of every part, and the all-pairs pass's
# GFLOP/s (kNN + silhouettes in one pass) against plain sgemm on the same tiles in the same
# run; at 100,000 also the silhouettes alone (with the sgemm comparison) and the preset's
# entropy_per_cell alone (the k = 200 kNN pass) and batch_silhouette alone (within-label
# blocks only).
# SCBENCH_SCIB_SIZES sets the sizes (default "100000 500000"; the 500,000-cell run takes tens
# of minutes on 2 cores).
set -eu
. "$(dirname "$0")/lib.sh"
B=${SCBENCH_BIN:-$(dirname "$0")/../../bin}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

parts() { sed -n 's/^score-scib: /    /p' "$1"; }

for n in ${SCBENCH_SCIB_SIZES:-100000 500000}; do
	"$B/sc-simulate" -n "$n" -d 50 --types 20 --batches 4 --seed 1 -o "$W/x.scmat" \
		--obs-out "$W/obs.jsonl"
	measure "score-scib full suite, $n x 50" sh -c "exec '$B/score-scib' -v --sgemm-reference \
		--obs '$W/obs.jsonl' --label-key cell_type --batch-key batch -o '$W/m.jsonl' \
		'$W/x.scmat' 2>'$W/log'"
	parts "$W/log"
	echo "    records: $(wc -l <"$W/m.jsonl"); total = $(grep '"total"' "$W/m.jsonl" | sed 's/.*"value":\([^,]*\).*/\1/')"
	if [ "$n" = 100000 ]; then
		measure "score-scib --preset czbenchmarks, $n x 50" sh -c "exec '$B/score-scib' -v \
			--preset czbenchmarks --obs '$W/obs.jsonl' --label-key cell_type \
			--batch-key batch -o '$W/c.jsonl' '$W/x.scmat' 2>'$W/log'"
		parts "$W/log"
		measure "score-scib silhouettes alone (asw_label, asw_batch), $n x 50" sh -c "exec \
			'$B/score-scib' -v --sgemm-reference --metrics asw_label,asw_batch \
			--obs '$W/obs.jsonl' --label-key cell_type --batch-key batch -o '$W/s.jsonl' \
			'$W/x.scmat' 2>'$W/log'"
		parts "$W/log"
		for m in entropy_per_cell batch_silhouette; do
			measure "score-scib --preset czbenchmarks --metrics $m, $n x 50" sh -c "exec \
				'$B/score-scib' -v --preset czbenchmarks --metrics $m \
				--obs '$W/obs.jsonl' --label-key cell_type --batch-key batch \
				-o '$W/p.jsonl' '$W/x.scmat' 2>'$W/log'"
			parts "$W/log"
			echo "    $m = $(sed 's/.*"value":\([^,]*\).*/\1/' "$W/p.jsonl")"
		done
	fi
done
