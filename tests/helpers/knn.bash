# Helpers for the knn-graph / cluster-leiden / graph-extract suites.

# Little-endian binary words for hand-made streams.
le32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"; }
le64() { le32 "$1"; le32 0; }
# float32 bit patterns used below
F1=0x3f800000 # 1.0
F2=0x40000000 # 2.0
FM1=0xbf800000 # -1.0

# A 3-node SCCSR1 graph: edges 0-1 (weights w01 / w10 for the two directions) and 1-2 (1.0).
mkcsr3() {
	local w01=$1 w10=$2
	printf 'SCCSR1 {"rows":3,"cols":3,"nnz":4,"indptr":"i64le","indices":"i32le","data":"f32le"}\n'
	le64 0; le64 1; le64 3; le64 4
	le32 1; le32 0; le32 2; le32 1
	le32 "$w01"; le32 "$w10"; le32 $F1; le32 $F1
}

# Case table of the golden embedding cases: name file label-key.
golden_cases() {
	cat <<'T'
kang scgen_kang_valid cell_type
pbmc68k_batch atlastb_pbmc68k_batch bulk_labels
pbmc68k_legacy scanpy_pbmc68k_reduced bulk_labels
cellxgene cellxgene_example_with_labels cell_type_ontology_term_id
T
}

# Compare our "i j1..jk" TSV with the golden one as sets per row (first k golden columns).
# Prints the number of rows that differ and the largest per-row difference.
knn_set_diff() {
	awk -F'\t' 'NR == FNR { for (j = 2; j <= NF; j++) ours[$1, $j] = 1; k[$1] = NF - 1; next }
	{ d = 0; for (j = 2; j <= k[$1] + 1; j++) if (!(($1, $j) in ours)) d++
	  if (d) rows++; if (d > worst) worst = d }
	END { printf "%d %d\n", rows, worst }' "$1" "$2"
}

# Compare two "i j w" TSV graphs: prints entries only in one, and the max |w - w'|.
conn_diff() {
	awk -F'\t' 'NR == FNR { w[$1 "," $2] = $3; next }
	{ key = $1 "," $2; if (!(key in w)) { only++; next } d = w[key] - $3; if (d < 0) d = -d
	  if (d > m) m = d; seen[key] = 1 }
	END { for (key in w) if (!(key in seen)) only++; printf "%d %.3g\n", only, m }' "$1" "$2"
}
