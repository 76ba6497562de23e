#!/usr/bin/env bats
# score-scib --flavor scib-metrics kbet: scib-metrics' kbet_per_label (diffusion-map
# neighbours, acceptance over all cells). ../shared/golden holds no scib-metrics kBET value,
# so these tests check the definition's outcomes on simulated data and run on real data.
load helpers/sc

# sim NAME BATCH_SD [CELLS]: 3 types, 2 batches
sim() {
	sc-simulate -n "${3:-1200}" -d 10 --types 3 --batches 2 --seed 5 --batch-sd "$2" \
		-o "$T/$1.scmat" --obs-out "$T/$1.obs.jsonl"
}

kbet() {
	score-scib --flavor scib-metrics --metrics kbet --obs "$T/$1.obs.jsonl" --label-key cell_type \
		--batch-key batch "${@:2}" "$T/$1.scmat"
}

val() { jq -r 'select(.metric == "kbet") | .value' "$1"; }

# awk test: a <= v <= b
within() { awk -v v="$1" -v a="$2" -v b="$3" 'BEGIN { exit !(v != "null" && v + 0 >= a && v + 0 <= b) }' ||
	{ echo "kbet $1 not in [$2, $3]" >&2; return 1; }; }

@test "score-scib kbet scib-metrics: a number in [0, 1] with its parameters" {
	need_jq
	sim s 1
	run -0 kbet s -o "$T/s.jsonl"
	within "$(val "$T/s.jsonl")" 0 1
	run -0 jq -r 'select(.metric == "kbet") |
		"\(.flavor) \(.params.n_neighbors) \(.params.alpha) \(.params.diffusion_n_comps) \(.details.labels_scored)"' "$T/s.jsonl"
	assert_output "scib-metrics 50 0.05 100 3"
	run -0 jq -r 'select(.metric == "kbet") | .params.neighbours' "$T/s.jsonl"
	assert_output --partial "exact kNN"
}

@test "score-scib kbet scib-metrics: mixed batches accept, separated batches reject" {
	need_jq
	sim mix 0
	sim sep 30
	run -0 kbet mix -o "$T/mix.jsonl"
	run -0 kbet sep -o "$T/sep.jsonl"
	within "$(val "$T/mix.jsonl")" 0.9 1
	within "$(val "$T/sep.jsonl")" 0 0.05
}

@test "score-scib kbet scib-metrics: identical for -j1 and -j2" {
	sim d 1
	kbet d -j1 -o "$T/j1.jsonl"
	kbet d -j2 -o "$T/j2.jsonl"
	cmp "$T/j1.jsonl" "$T/j2.jsonl"
}

@test "score-scib kbet scib-metrics: small and single-batch labels are skipped" {
	need_jq
	sim k 0
	# 9 cells relabelled "rare" (< 10: skipped); 40 cells of batch_0 relabelled "solo" (one batch)
	awk 'NR <= 9 { sub(/"cell_type":"[^"]*"/, "\"cell_type\":\"rare\"") }
	     NR > 9 && /batch_0/ && solo < 40 { solo++; sub(/"cell_type":"[^"]*"/, "\"cell_type\":\"solo\"") }
	     { print }' "$T/k.obs.jsonl" >"$T/k2.obs.jsonl"
	mv "$T/k2.obs.jsonl" "$T/k.obs.jsonl"
	run -0 kbet k -o "$T/k.jsonl"
	run -0 jq -r 'select(.metric == "kbet") | .details.labels_scored' "$T/k.jsonl"
	assert_output 3
	within "$(val "$T/k.jsonl")" 0.9 1
}

@test "score-scib kbet scib-metrics: a small label lowers the diffusion components of later labels" {
	need_jq
	sim c 0
	# 60 cells of type_00 relabelled "aaa", first in label order: every later label gets 59
	# components
	awk '/type_00/ && n < 60 { n++; sub(/"cell_type":"[^"]*"/, "\"cell_type\":\"aaa\"") } { print }' \
		"$T/c.obs.jsonl" >"$T/c2.obs.jsonl"
	mv "$T/c2.obs.jsonl" "$T/c.obs.jsonl"
	run -0 kbet c -o "$T/c.jsonl"
	run -0 jq -r 'select(.metric == "kbet") | "\(.details.labels_scored) \(.details.diffusion_n_comps_last)"' "$T/c.jsonl"
	assert_output "4 59"
	sim c 0
	run -0 kbet c -o "$T/c0.jsonl"
	run -0 jq -r 'select(.metric == "kbet") | .details.diffusion_n_comps_last' "$T/c0.jsonl"
	assert_output 100
}

@test "score-scib kbet scib-metrics: every label skipped is null with a reason" {
	need_jq
	sim t 0 27
	# three labels of 9 cells each
	awk '{ sub(/"cell_type":"[^"]*"/, "\"cell_type\":\"t" (NR % 3) "\""); print }' \
		"$T/t.obs.jsonl" >"$T/t2.obs.jsonl"
	mv "$T/t2.obs.jsonl" "$T/t.obs.jsonl"
	run -0 kbet t -o "$T/t.jsonl"
	run -0 jq -r 'select(.metric == "kbet") | "\(.value) \(.reason)"' "$T/t.jsonl"
	assert_output --partial "null every label skipped"
}

@test "score-scib kbet scib-metrics: real data (kang), in [0, 1], deterministic" {
	need_shared
	need_jq
	emb-extract --obsm X_pca --obs cell_type,condition --obs-out "$T/kang.obs.jsonl" \
		-o "$T/kang.scmat" "$DATA/scgen_kang_valid.h5ad"
	for j in 1 2; do
		score-scib --flavor scib-metrics --metrics kbet --obs "$T/kang.obs.jsonl" \
			--label-key cell_type --batch-key condition -j$j -o "$T/kang$j.jsonl" "$T/kang.scmat"
	done
	cmp "$T/kang1.jsonl" "$T/kang2.jsonl"
	within "$(val "$T/kang1.jsonl")" 0 1
	run -0 jq -r 'select(.metric == "kbet") | .details.labels_eigensolver_failed' "$T/kang1.jsonl"
	assert_output 0
}
