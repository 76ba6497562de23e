#!/usr/bin/env bats
# knn-graph and cluster-leiden against ../shared/golden (scanpy 1.9.8, umap-learn 0.5.3,
# leidenalg 0.9.1, scib 1.2.1): exact neighbour sets, UMAP connectivities within 1e-5,
# Leiden quality >= 0.99 x leidenalg's, and scib's optimal-resolution NMI within 0.05.
# Embeddings come out of the .h5ad files through emb-extract.
load helpers/sc
load helpers/knn

setup() {
	T="$BATS_TEST_TMPDIR"
	need_shared
	need_jq
}

# Extract X_pca and the label column of case $1 into $T/$1.scmat and $T/$1.obs.jsonl.
extract() {
	local c=$1 f k
	read -r _ f k < <(golden_cases | grep "^$c ")
	emb-extract --obsm X_pca --obs "$k" --obs-out "$T/$c.obs.jsonl" -o "$T/$c.scmat" "$DATA/$f.h5ad"
	LABEL_KEY=$k
}

check_knn() {
	extract "$1"
	run -0 knn-graph -k 90 --tsv -o "$T/$1.knn.tsv" "$T/$1.scmat"
	read -r rows worst < <(knn_set_diff "$T/$1.knn.tsv" "$GOLDEN/$1.knn.tsv")
	echo "# $1: $rows rows differ as sets, at most $worst neighbours" >&3
	n=$(wc -l <"$GOLDEN/$1.knn.tsv")
	# only boundary swaps among near-ties: at most one per row, in at most 1% of rows
	[ "$worst" -le 1 ] && [ $((rows * 100)) -le "$n" ]
}

check_conn() {
	extract "$1"
	run -0 knn-graph --scanpy-k 15 --graph umap --tsv -o "$T/$1.conn.tsv" "$T/$1.scmat"
	read -r only maxd < <(conn_diff "$T/$1.conn.tsv" "$GOLDEN/$1.conn.tsv")
	echo "# $1: $only entries outside the common pattern, max |diff| $maxd" >&3
	[ "$only" -eq 0 ]
	awk -v m="$maxd" 'BEGIN { exit !(m <= 1e-5) }'
}

# Leiden (leidenalg semantics: iterations -1, seed 0) on our connectivities, which equal the
# golden ones within 2e-6: quality against the reference, NMI to the reference partition.
check_leiden() {
	extract "$1"
	knn-graph --scanpy-k 15 --graph umap -o "$T/g.csr" "$T/$1.scmat"
	awk '{ print "{\"ref\":\"" $1 "\"}" }' "$GOLDEN/$1.leiden.tsv" >"$T/ref.jsonl"
	run -0 cluster-leiden --iterations -1 --labels "$T/ref.jsonl" --label-key ref --obs "$T/$1.obs.jsonl" \
		--summary "$T/s.json" -o "$T/cl.jsonl" "$T/g.csr"
	q=$(jq .quality "$T/s.json")
	ref=$(jq .leiden.rb_quality "$GOLDEN/$1.json")
	echo "# $1: RB quality $q (reference $ref), NMI to reference partition $(jq .nmi "$T/s.json")," \
		"modularity $(jq .modularity "$T/s.json") (reference $(jq .leiden.modularity "$GOLDEN/$1.json"))" >&3
	awk -v q="$q" -v r="$ref" 'BEGIN { exit !(q >= 0.99 * r) }'
	awk -v x="$(jq .nmi "$T/s.json")" 'BEGIN { exit !(x >= 0.85) }'
	[ "$(wc -l <"$T/cl.jsonl")" -eq "$(wc -l <"$GOLDEN/$1.leiden.tsv")" ]
	[ "$(head -1 "$T/cl.jsonl" | jq -r .obs_name)" = "$(head -1 "$T/$1.obs.jsonl" | jq -r .obs_name)" ]
}

check_sweep() {
	extract "$1"
	knn-graph --scanpy-k 15 --graph umap -o "$T/g.csr" "$T/$1.scmat"
	run -0 cluster-leiden --iterations -1 --resolutions 0.2:2.0:0.2 --labels "$T/$1.obs.jsonl" \
		--label-key "$LABEL_KEY" --sweep-out "$T/sweep.jsonl" --summary "$T/s.json" -o "$T/cl.jsonl" "$T/g.csr"
	got=$(jq .nmi "$T/s.json")
	want=$(jq .metrics.scib_cluster_optimal_resolution_nmi "$GOLDEN/$1.json")
	echo "# $1: optimal-resolution NMI $got (scib $want), ARI $(jq .ari "$T/s.json") (scib $(jq .metrics.scib_cluster_optimal_resolution_ari "$GOLDEN/$1.json")), resolution $(jq .resolution "$T/s.json")" >&3
	awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= 0.05) }'
	[ "$(wc -l <"$T/sweep.jsonl")" -eq 10 ]
	[ "$(jq -s 'map(select(.best)) | length' "$T/sweep.jsonl")" -eq 1 ]
	[ "$(jq -s 'map(.nmi) | max' "$T/sweep.jsonl")" = "$got" ]
}

@test "kNN: exact neighbour sets equal kang.knn.tsv" { check_knn kang; }
@test "kNN: exact neighbour sets equal pbmc68k_batch.knn.tsv" { check_knn pbmc68k_batch; }
@test "kNN: exact neighbour sets equal pbmc68k_legacy.knn.tsv" { check_knn pbmc68k_legacy; }
@test "kNN: exact neighbour sets equal cellxgene.knn.tsv" { check_knn cellxgene; }
@test "UMAP connectivities within 1e-5 of kang.conn.tsv" { check_conn kang; }
@test "UMAP connectivities within 1e-5 of pbmc68k_batch.conn.tsv" { check_conn pbmc68k_batch; }
@test "UMAP connectivities within 1e-5 of pbmc68k_legacy.conn.tsv" { check_conn pbmc68k_legacy; }
@test "UMAP connectivities within 1e-5 of cellxgene.conn.tsv" { check_conn cellxgene; }
@test "Leiden quality >= 0.99 x reference: kang" { check_leiden kang; }
@test "Leiden quality >= 0.99 x reference: pbmc68k_batch" { check_leiden pbmc68k_batch; }
@test "Leiden quality >= 0.99 x reference: pbmc68k_legacy" { check_leiden pbmc68k_legacy; }
@test "Leiden quality >= 0.99 x reference: cellxgene" { check_leiden cellxgene; }
@test "optimal-resolution sweep NMI within 0.05 of scib: kang" { check_sweep kang; }
@test "optimal-resolution sweep NMI within 0.05 of scib: pbmc68k_batch" { check_sweep pbmc68k_batch; }
@test "optimal-resolution sweep NMI within 0.05 of scib: pbmc68k_legacy" { check_sweep pbmc68k_legacy; }
@test "optimal-resolution sweep NMI within 0.05 of scib: cellxgene" { check_sweep cellxgene; }

@test "graph-extract: the stored scanpy graph equals ours and clusters the same" {
	extract pbmc68k_batch
	run -0 graph-extract -o "$T/stored.csr" "$DATA/atlastb_pbmc68k_batch.h5ad"
	knn-graph --scanpy-k 15 --graph umap --tsv -o "$T/ours.tsv" "$T/pbmc68k_batch.scmat"
	# the stored distances as a kNN stream rebuild the same connectivities
	run -0 graph-extract --obsp distances --knn -o "$T/stored.knn" "$DATA/atlastb_pbmc68k_batch.h5ad"
	[ "$(head -1 "$T/stored.knn" | cut -d' ' -f2- | jq .k)" = 14 ]
	cluster-leiden --summary "$T/a.json" -o "$T/a.jsonl" "$T/stored.csr"
	cluster-leiden --summary "$T/b.json" -o "$T/b.jsonl" "$T/stored.knn"
	awk -v a="$(jq .quality "$T/a.json")" -v b="$(jq .quality "$T/b.json")" \
		'BEGIN { d = (a - b) / a; if (d < 0) d = -d; exit !(d < 1e-3) }'
	read -r only maxd < <(conn_diff "$T/ours.tsv" "$GOLDEN/pbmc68k_batch.conn.tsv")
	[ "$only" -eq 0 ]
}
