#!/usr/bin/env bats
# score-scib: conformance with scib 1.2.1 / czbenchmarks golden values, undefined cases as
# null records, bad input, determinism.
load helpers/sc

# case -> "h5ad label_key batch_key"
declare -gA CASES=(
	[kang]="scgen_kang_valid cell_type condition"
	[pbmc68k_batch]="atlastb_pbmc68k_batch bulk_labels batch"
	[pbmc68k_legacy]="scanpy_pbmc68k_reduced bulk_labels phase"
	[cellxgene]="cellxgene_example_with_labels cell_type_ontology_term_id assay"
)

# Extract a golden case's embedding and obs table once per file.
extract() {
	local c=$1 f l b
	read -r f l b <<<"${CASES[$c]}"
	E="$BATS_FILE_TMPDIR/$c.scmat" O="$BATS_FILE_TMPDIR/$c.obs.jsonl" L=$l B=$b
	[ -s "$E" ] || emb-extract --obsm X_pca --obs "$l,$b" --obs-out "$O" -o "$E" "$DATA/$f.h5ad"
}

# value of a metric in a JSONL file ("null" when null)
val() { jq -r --arg m "$2" 'select(.metric == $m) | .value' "$1"; }
golden() { jq -r ".metrics.$2" "$GOLDEN/$1.json"; }

# |a - b| <= tol, both null, or fail with the numbers
near() {
	if [ "$1" = null ] || [ "$2" = null ]; then
		[ "$1" = "$2" ] || { echo "got $1, want $2" >&2; return 1; }
		return 0
	fi
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }' ||
		{ echo "got $1, want $2 (tolerance $3)" >&2; return 1; }
}

# The deterministic metrics of one case against golden values, on the reference graph and
# the reference Leiden partition.
check_case() {
	need_shared
	need_jq
	extract "$1"
	run -0 score-scib --obs "$O" --label-key "$L" --batch-key "$B" \
		--graph-tsv "$GOLDEN/$1.conn.tsv" --clusters "$GOLDEN/$1.leiden.tsv" \
		--metrics nmi,ari,asw_label,asw_batch,isolated_labels_asw,graph_connectivity,ilisi,clisi,pcr \
		-o "$T/out.jsonl" "$E"
	near "$(val "$T/out.jsonl" nmi)" "$(golden "$1" nmi_vs_reference_leiden)" 1e-9
	near "$(val "$T/out.jsonl" ari)" "$(golden "$1" ari_vs_reference_leiden)" 1e-9
	near "$(val "$T/out.jsonl" asw_label)" "$(golden "$1" asw_label)" 1e-6
	near "$(val "$T/out.jsonl" asw_batch)" "$(golden "$1" asw_batch)" 1e-6
	near "$(val "$T/out.jsonl" isolated_labels_asw)" "$(golden "$1" isolated_labels_asw)" 1e-6
	near "$(val "$T/out.jsonl" graph_connectivity)" "$(golden "$1" graph_connectivity)" 1e-9
	near "$(val "$T/out.jsonl" ilisi)" "$(golden "$1" ilisi_graph_knn)" 1e-4
	near "$(val "$T/out.jsonl" clisi)" "$(golden "$1" clisi_graph_knn)" 1e-4
	near "$(val "$T/out.jsonl" pcr)" "$(golden "$1" pcr_embed_batch)" 1e-4
}

# Everything computed in-process (kNN, UMAP graph, Leiden sweep): graph-based values must
# equal the golden ones within their tolerances.
check_full() {
	need_shared
	need_jq
	extract "$1"
	run -0 score-scib --obs "$O" --label-key "$L" --batch-key "$B" -o "$T/full.jsonl" "$E"
	near "$(val "$T/full.jsonl" nmi)" "$(golden "$1" scib_cluster_optimal_resolution_nmi)" 0.05
	near "$(val "$T/full.jsonl" ari)" "$(golden "$1" scib_cluster_optimal_resolution_ari)" 0.05
	near "$(val "$T/full.jsonl" isolated_labels_f1)" "$(golden "$1" isolated_labels_f1)" 0.05
	near "$(val "$T/full.jsonl" graph_connectivity)" "$(golden "$1" graph_connectivity)" 1e-6
	near "$(val "$T/full.jsonl" ilisi)" "$(golden "$1" ilisi_graph_embed)" 1e-4
	near "$(val "$T/full.jsonl" clisi)" "$(golden "$1" clisi_graph_embed)" 1e-4
	# the aggregates: means of the defined metrics they list
	run -0 jq -r 'select(.metric == "total") | .value' "$T/full.jsonl"
	local bio batch
	bio=$(val "$T/full.jsonl" bio_conservation)
	batch=$(val "$T/full.jsonl" batch_correction)
	near "$output" "$(awk -v a="$bio" -v b="$batch" 'BEGIN { printf "%.17g", 0.6 * a + 0.4 * b }')" 1e-12
}

@test "score-scib: kang, deterministic metrics match scib 1.2.1" { check_case kang; }
@test "score-scib: pbmc68k_batch, deterministic metrics match scib 1.2.1" { check_case pbmc68k_batch; }
@test "score-scib: pbmc68k_legacy, deterministic metrics match scib 1.2.1" { check_case pbmc68k_legacy; }
@test "score-scib: cellxgene, deterministic metrics match scib 1.2.1" { check_case cellxgene; }
@test "score-scib: kang, full suite from the embedding alone" { check_full kang; }
@test "score-scib: pbmc68k_batch, full suite from the embedding alone" { check_full pbmc68k_batch; }
@test "score-scib: pbmc68k_legacy, full suite from the embedding alone" { check_full pbmc68k_legacy; }
@test "score-scib: cellxgene, full suite from the embedding alone" { check_full cellxgene; }

@test "score-scib: kBET is the expected value of R kBET (within 0.1)" {
	need_shared
	need_jq
	for c in pbmc68k_batch pbmc68k_legacy cellxgene; do
		extract "$c"
		run -0 score-scib --metrics kbet --obs "$O" --label-key "$L" --batch-key "$B" -o "$T/k.jsonl" "$E"
		near "$(val "$T/k.jsonl" kbet)" "$(golden "$c" kbet_embed)" 0.1
	done
}

@test "score-scib: kang kBET matches R kBET (several-component labels, scib's index shift)" {
	need_shared
	need_jq
	extract kang
	run -0 score-scib --metrics kbet --obs "$O" --label-key "$L" --batch-key "$B" -o "$T/k.jsonl" "$E"
	near "$(val "$T/k.jsonl" kbet)" "$(golden kang kbet_embed)" 0.1
}

@test "score-scib: isolated labels undefined when every label is in every batch (null + reason)" {
	need_shared
	need_jq
	extract kang
	run -0 score-scib --metrics isolated_labels_asw,isolated_labels_f1 --obs "$O" \
		--label-key "$L" --batch-key "$B" -o "$T/iso.jsonl" "$E"
	run -0 jq -r 'select(.metric | startswith("isolated")) | "\(.value) \(.reason)"' "$T/iso.jsonl"
	assert_line --index 0 --partial "null no isolated label"
	assert_line --index 1 --partial "null no isolated label"
}

check_czb() {
	need_shared
	need_jq
	extract "$1"
	local g="$GOLDEN/tasks/bi_$1.json"
	gv() { jq -r --arg m "$1" '.metrics[] | select(.metric_type == $m) | .value' "$g"; }
	run -0 score-scib --preset czbenchmarks --obs "$O" --label-key "$L" --batch-key "$B" \
		--clusters "$GOLDEN/tasks/bi_$1.leiden.tsv" -o "$T/czb.jsonl" "$E"
	near "$(val "$T/czb.jsonl" entropy_per_cell)" "$(gv entropy_per_cell)" 1e-3
	near "$(val "$T/czb.jsonl" entropy_per_cell)" \
		"$(jq -r '.metrics[] | select(.metric_type == "entropy_per_cell") | .exact_knn_value' "$g")" 1e-9
	near "$(val "$T/czb.jsonl" batch_silhouette)" "$(gv batch_silhouette)" 1e-5
	near "$(val "$T/czb.jsonl" silhouette_score)" "$(gv silhouette_score)" 1e-5
	near "$(val "$T/czb.jsonl" adjusted_rand_index)" "$(gv adjusted_rand_index)" 1e-9
	near "$(val "$T/czb.jsonl" normalized_mutual_info)" "$(gv normalized_mutual_info)" 1e-9
	run -0 jq -r .flavor "$T/czb.jsonl"
	assert_output "$(printf 'czbenchmarks\n%.0s' 1 2 3 4 5)"
}

@test "score-scib --preset czbenchmarks: bi_kang" { check_czb kang; }
@test "score-scib --preset czbenchmarks: bi_pbmc68k_batch" { check_czb pbmc68k_batch; }

@test "score-scib --preset czbenchmarks: own Leiden (resolution 1, 2 iterations, seed 42) on kang" {
	need_shared
	need_jq
	extract kang
	local g="$GOLDEN/tasks/bi_kang.json"
	run -0 score-scib --preset czbenchmarks --metrics adjusted_rand_index,normalized_mutual_info \
		--obs "$O" --label-key "$L" --batch-key "$B" -o "$T/l.jsonl" "$E"
	near "$(val "$T/l.jsonl" adjusted_rand_index)" \
		"$(jq -r '.metrics[] | select(.metric_type == "adjusted_rand_index") | .value' "$g")" 0.05
	near "$(val "$T/l.jsonl" normalized_mutual_info)" \
		"$(jq -r '.metrics[] | select(.metric_type == "normalized_mutual_info") | .value' "$g")" 0.05
}

# Small synthetic inputs for the behaviour tests.
sim() {
	sc-simulate -n "${2:-300}" -d 8 --types 4 --batches "${3:-2}" --seed 3 -o "$T/$1.scmat" \
		--obs-out "$T/$1.obs.jsonl"
}

@test "score-scib: one batch gives null batch metrics with a reason, not an error" {
	need_jq
	sim one 200 1
	run -0 score-scib --obs "$T/one.obs.jsonl" --label-key cell_type --batch-key batch \
		--metrics asw_label,asw_batch,ilisi,kbet,pcr -o "$T/o.jsonl" "$T/one.scmat"
	run -0 jq -r 'select(.value == null) | "\(.metric): \(.reason)"' "$T/o.jsonl"
	assert_line "asw_batch: a single batch"
	assert_line "ilisi: a single batch"
	assert_line "kbet: a single batch"
	assert_line "pcr: a single batch"
	run -0 jq -r 'select(.metric == "asw_label") | .value | type' "$T/o.jsonl"
	assert_output number
}

@test "score-scib: one label class gives null asw_label and clisi" {
	need_jq
	sim s 120 2
	jq -c '.cell_type = "T"' "$T/s.obs.jsonl" >"$T/one.obs.jsonl"
	run -0 score-scib --obs "$T/one.obs.jsonl" --label-key cell_type --batch-key batch \
		--metrics asw_label,clisi -o "$T/o.jsonl" "$T/s.scmat"
	run -0 jq -r '"\(.metric) \(.value) \(.reason)"' "$T/o.jsonl"
	assert_line "asw_label null a single label class"
	assert_line "clisi null a single label class"
}

@test "score-scib: output is identical for -j1 and -j2" {
	sim d 400 3
	score-scib -j1 --obs "$T/d.obs.jsonl" --label-key cell_type --batch-key batch -o "$T/j1" "$T/d.scmat"
	score-scib -j2 --obs "$T/d.obs.jsonl" --label-key cell_type --batch-key batch -o "$T/j2" "$T/d.scmat"
	cmp "$T/j1" "$T/j2"
	[ "$(wc -l <"$T/j1")" -eq 14 ]
}

@test "score-scib --flavor scib-metrics: BRAS, kNN LISI, SCC graph connectivity, diffusion kBET" {
	need_jq
	sim f 300 2
	run -0 score-scib --flavor scib-metrics --obs "$T/f.obs.jsonl" --label-key cell_type \
		--batch-key batch -o "$T/f.jsonl" "$T/f.scmat"
	run -0 jq -r '"\(.metric) \(.flavor)"' "$T/f.jsonl"
	assert_line "bras scib-metrics"
	refute_line --partial "asw_batch"
	refute_line --partial "isolated_labels_f1"
	run -0 jq -r 'select(.metric == "kbet") | .params.diffusion_n_comps' "$T/f.jsonl"
	assert_output 100
}

@test "score-scib --unintegrated: pcr_comparison is 0 against itself" {
	need_jq
	sim u 200 2
	run -0 score-scib --metrics pcr_comparison --unintegrated "$T/u.scmat" --obs "$T/u.obs.jsonl" \
		--label-key cell_type --batch-key batch -o "$T/u.jsonl" "$T/u.scmat"
	run -0 val "$T/u.jsonl" pcr_comparison
	assert_output 0
}

@test "score-scib: missing label key is exit 2 naming the key" {
	sim m
	run --separate-stderr score-scib --obs "$T/m.obs.jsonl" --label-key celltype "$T/m.scmat"
	assert_status 2
	[[ "$stderr" == *"celltype"* ]]
}

@test "score-scib: NaN in the embedding is exit 2 naming the row" {
	sim n 50 2
	# overwrite the first float of row 7 with a NaN (header line, then 8 floats per row)
	local off=$(( $(head -1 "$T/n.scmat" | wc -c) + 7 * 8 * 4 ))
	printf '\x00\x00\xc0\x7f' | dd of="$T/n.scmat" bs=1 seek="$off" conv=notrunc status=none
	run --separate-stderr score-scib --obs "$T/n.obs.jsonl" --label-key cell_type "$T/n.scmat"
	assert_status 2
	[[ "$stderr" == *"row 7"* ]]
}

@test "score-scib: row counts that disagree are exit 2, and -o is not left behind" {
	sim r 50 2
	head -40 "$T/r.obs.jsonl" >"$T/short.jsonl"
	run --separate-stderr score-scib --obs "$T/short.jsonl" --label-key cell_type -o "$T/x" "$T/r.scmat"
	assert_status 2
	[[ "$stderr" == *"40 rows"* ]]
	[ ! -e "$T/x" ]
	printf '0\t1\t0.5\n' >"$T/g.tsv"
	run -0 score-scib --metrics graph_connectivity --graph-tsv "$T/g.tsv" --obs "$T/r.obs.jsonl" \
		--label-key cell_type "$T/r.scmat"
	printf '0\t99\t0.5\n' >"$T/g.tsv"
	run score-scib --metrics graph_connectivity --graph-tsv "$T/g.tsv" --obs "$T/r.obs.jsonl" \
		--label-key cell_type "$T/r.scmat"
	assert_status 2
	printf '1\n2\n' >"$T/p.tsv"
	run score-scib --metrics nmi --clusters "$T/p.tsv" --obs "$T/r.obs.jsonl" \
		--label-key cell_type "$T/r.scmat"
	assert_status 2
}

@test "score-scib: usage errors are exit 2" {
	run score-scib
	assert_status 2
	run score-scib --obs x --label-key y --metrics nope
	assert_status 2
	run score-scib --obs x --label-key y --flavor other
	assert_status 2
	run score-scib --obs x --label-key y --weights 0.5
	assert_status 2
	run score-scib --obs x --label-key y --metrics pcr_comparison
	assert_status 2
	run -0 score-scib -h
	assert_output --partial "usage: score-scib"
}

@test "score-scib: kNN, graph and partition from knn-graph and cluster-leiden give the in-process values" {
	sim p 500 3
	local x="$T/p.scmat" o="$T/p.obs.jsonl"
	score-scib --obs "$o" --label-key cell_type --batch-key batch -o "$T/self.jsonl" "$x"
	knn-graph -k 49 -o "$T/knn" "$x"
	knn-graph --scanpy-k 15 --graph umap -o "$T/graph" "$x"
	score-scib --knn "$T/knn" --graph "$T/graph" --obs "$o" --label-key cell_type \
		--batch-key batch -o "$T/given.jsonl" "$x"
	cmp "$T/self.jsonl" "$T/given.jsonl"
	# czbenchmarks' Leiden: resolution 1, 2 iterations, seed 42, on the 15-NN graph
	score-scib --preset czbenchmarks --obs "$o" --label-key cell_type --batch-key batch \
		--metrics adjusted_rand_index,normalized_mutual_info -o "$T/czb_self.jsonl" "$x"
	cluster-leiden --resolution 1 --iterations 2 --seed 42 -o "$T/cl.jsonl" "$T/graph"
	score-scib --preset czbenchmarks --clusters "$T/cl.jsonl" --obs "$o" --label-key cell_type \
		--batch-key batch --metrics adjusted_rand_index,normalized_mutual_info \
		-o "$T/czb_given.jsonl" "$x"
	cmp "$T/czb_self.jsonl" "$T/czb_given.jsonl"
	# too few neighbours in a given kNN stream is an input error
	knn-graph -k 5 -o "$T/knn5" "$x"
	run --separate-stderr score-scib --knn "$T/knn5" --metrics kbet --obs "$o" \
		--label-key cell_type --batch-key batch "$x"
	assert_status 2
	[[ "$stderr" == *"k = 5"* ]]
}

@test "score-scib: emb-extract piped into score-scib" {
	need_shared
	emb-extract --obs cell_type_ontology_term_id,assay --obs-out "$T/o.jsonl" -o "$T/dummy" \
		"$DATA/cellxgene_example_with_labels.h5ad"
	run -0 sh -c "emb-extract --obsm X_pca '$DATA/cellxgene_example_with_labels.h5ad' |
		score-scib --obs '$T/o.jsonl' --label-key cell_type_ontology_term_id --batch-key assay \
		--metrics asw_label -"
	assert_output --partial '"metric":"asw_label","value":0.7572139'
}

@test "outcomes go in details, settings in params (gates join on params)" {
	sc-simulate -n 400 -d 8 --types 4 --batches 2 --seed 2 -o "$T/x" --obs-out "$T/o.jsonl"
	run -0 score-scib --obs "$T/o.jsonl" --label-key cell_type --batch-key batch -o "$T/m.jsonl" "$T/x"
	[ "$(jq -r 'select(.metric=="nmi") | .params.clustering' "$T/m.jsonl")" = "leiden optimal resolution" ]
	[ "$(jq 'select(.metric=="nmi") | .details.resolution > 0' "$T/m.jsonl")" = true ]
	[ "$(jq 'select(.metric=="nmi") | .params | has("resolution") or has("n_clusters")' "$T/m.jsonl")" = false ]
	[ "$(jq 'select(.metric=="kbet") | .details.labels_scored' "$T/m.jsonl")" -ge 1 ]
	[ "$(jq -c 'select(.metric=="total") | .params' "$T/m.jsonl")" = '{"w_bio":0.6,"w_batch":0.4}' ]
	[ "$(jq 'select(.metric=="bio_conservation") | .details.metrics | length' "$T/m.jsonl")" -ge 3 ]
}
