#!/usr/bin/env bats
# emb-extract: options, outputs (matrix stream, obs/var JSONL, --list) and bad input.
# Conformance with anndata's reading of ../shared/data is in h5ad-conformance.bats.
load helpers/sc

PBMC=atlastb_pbmc68k_batch.h5ad

# A bad-input run: exit 2, exactly one line on stderr matching $2, no output left behind.
bad_input() {
	local pattern=$1
	shift
	run --separate-stderr emb-extract "$@"
	assert_status 2
	[ -z "$output" ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "stderr: $stderr"; return 1; }
	[[ "$stderr" == emb-extract:* ]]
	[[ "$stderr" == *$pattern* ]] || { echo "stderr: $stderr"; return 1; }
	[ ! -e "$T/out" ] && [ ! -e "$T/obs.jsonl" ]
	[ -z "$(ls "$T" | grep '\.tmp')" ]
}

@test "no arguments, no mode, two modes: usage errors (exit 2)" {
	run emb-extract
	assert_status 2
	need_shared
	run emb-extract "$DATA/$PBMC"
	assert_status 2
	[[ "$output" == *"nothing to extract"* ]]
	run emb-extract --X --obsm X_pca "$DATA/$PBMC"
	assert_status 2
	[[ "$output" == *exclusive* ]]
	run emb-extract --list --X "$DATA/$PBMC"
	assert_status 2
	run emb-extract --X --obs bulk_labels "$DATA/$PBMC"
	assert_status 2
	[[ "$output" == *--obs-out* ]]
	run emb-extract --max-gb -1 --X "$DATA/$PBMC"
	assert_status 2
}

@test "missing file: exit 2, one line, nothing written" {
	bad_input "No such file" --obsm X_pca -o "$T/out" "$T/nope.h5ad"
}

@test "not an HDF5 file: exit 2, one line" {
	printf 'this is not hdf5\n' >"$T/text.h5ad"
	bad_input "not an HDF5 file" --obsm X_pca -o "$T/out" "$T/text.h5ad"
}

@test "empty file: exit 2, one line" {
	: >"$T/empty.h5ad"
	bad_input "empty file" --X -o "$T/out" "$T/empty.h5ad"
}

@test "truncated h5ad: exit 2, one line, nothing written" {
	need_shared
	for n in 100 5000 300000 2000000; do
		head -c $n "$DATA/$PBMC" >"$T/trunc.h5ad"
		bad_input "trunc" --obsm X_pca -o "$T/out" --obs-out "$T/obs.jsonl" --all-obs "$T/trunc.h5ad"
	done
}

@test "missing obsm key names it and lists what exists" {
	need_shared
	bad_input "obsm key 'X_nope' not found (available: X_pca, X_umap)" --obsm X_nope -o "$T/out" "$DATA/$PBMC"
	bad_input "obsm key 'X_nope' not found (available: X_pca, X_umap)" --obsm X_nope -o "$T/out" \
		"$DATA/scanpy_pbmc68k_reduced.h5ad"
}

@test "missing obs column names it and lists what exists; no matrix is left either" {
	need_shared
	bad_input "obs column 'celltype' not found (available: bulk_labels, n_genes" \
		--obsm X_pca -o "$T/out" --obs bulk_labels,celltype --obs-out "$T/obs.jsonl" "$DATA/$PBMC"
}

@test "missing layer and missing modality are input errors" {
	need_shared
	bad_input "layer 'nope' not found (available: counts, normcounts)" --layer nope -o "$T/out" "$DATA/$PBMC"
	bad_input "no modality 'rna'" --mod rna --X -o "$T/out" "$DATA/$PBMC"
}

@test "--max-gb refuses a densification past the limit with the sizes in the message" {
	need_shared
	bad_input "over the memory limit" --X --max-gb 0.01 -o "$T/out" "$DATA/scgen_kang_valid.h5ad"
	[[ "$stderr" == *"1975 x 6998"* ]]
	run -0 emb-extract --X --max-gb 0.06 -o "$T/out" "$DATA/scgen_kang_valid.h5ad"
}

@test "matrix stream header records source, key and sizes; stdout works" {
	need_shared
	run -0 emb-extract --obsm X_umap "$DATA/$PBMC" -o "$T/u.scmat"
	hdr=$(head -1 "$T/u.scmat")
	[[ "$hdr" == "SCMAT1 {"* ]]
	h=${hdr#SCMAT1 }
	[ "$(jq -r .key <<<"$h")" = obsm/X_umap ]
	[ "$(jq -r .source <<<"$h")" = "$DATA/$PBMC" ]
	[ "$(jq -c '[.rows, .cols, .n_obs, .n_vars]' <<<"$h")" = "[700,2,700,765]" ]
	[ "$(stat -c %s "$T/u.scmat")" -eq $((${#hdr} + 1 + 700 * 2 * 4)) ]
	emb-extract --obsm X_umap "$DATA/$PBMC" >"$T/stdout.scmat"
	cmp "$T/u.scmat" "$T/stdout.scmat"
}

@test "-z writes zstd that reads back to the same matrix" {
	need_shared
	emb-extract --obsm X_pca -o "$T/p.scmat" "$DATA/$PBMC"
	emb-extract --obsm X_pca -z -o "$T/z.scmat" "$DATA/$PBMC"
	emb-extract --obsm X_pca -o "$T/y.scmat.zst" "$DATA/$PBMC"
	[ "$(head -c 4 "$T/z.scmat" | od -An -tx1 | tr -d ' ')" = 28b52ffd ]
	[ "$(mat-info "$T/p.scmat" | jq -c 'del(.header)')" = "$(mat-info "$T/z.scmat" | jq -c 'del(.header)')" ]
	[ "$(mat-info "$T/p.scmat" | jq -c 'del(.header)')" = "$(mat-info "$T/y.scmat.zst" | jq -c 'del(.header)')" ]
}

@test "obs table: names in row order, typed values, missing as null" {
	need_shared
	run -0 emb-extract --obsm X_pca -o "$T/m" --obs na_column,n_genes,percent_mito,is_cd14_mono,na_str_column \
		--obs-out "$T/obs.jsonl" "$DATA/$PBMC"
	[ "$(wc -l <"$T/obs.jsonl")" -eq 700 ]
	row=$(sed -n 2p "$T/obs.jsonl")
	[ "$(jq -c 'keys_unsorted' <<<"$row")" = '["obs_name","na_column","n_genes","percent_mito","is_cd14_mono","na_str_column"]' ]
	[ "$(jq -c '[.obs_name, .na_column, .n_genes, .is_cd14_mono, .na_str_column]' <<<"$row")" = \
		'["AAATTCGATGCACA-1",null,1080,false,"nan"]' ]
	[ "$(jq '.percent_mito | type' <<<"$row")" = '"number"' ]
	grep -q '"n_counts":2557.0' < <(emb-extract --obs n_counts "$DATA/$PBMC")
	[ "$(jq -s 'map(select(.na_column == null)) | length' "$T/obs.jsonl")" -gt 0 ]
}

@test "obs table alone goes to -o or stdout; --var-out writes var_name rows" {
	need_shared
	run -0 emb-extract --obs phase -o "$T/o.jsonl" "$DATA/scanpy_pbmc68k_reduced.h5ad"
	[ "$(jq -s -c '[.[0].phase, length]' "$T/o.jsonl")" = '["G1",700]' ]
	run -0 emb-extract --all-var --var-out "$T/v.jsonl" --obs-out "$T/o2.jsonl" "$DATA/scgen_kang_valid.h5ad"
	[ "$(wc -l <"$T/v.jsonl")" -eq 6998 ]
	[ "$(wc -l <"$T/o2.jsonl")" -eq 1975 ]
	[ "$(head -1 "$T/v.jsonl" | jq -r 'keys_unsorted[0]')" = var_name ]
	run -0 emb-extract --var feature_name "$DATA/cellxgene_example_with_labels.h5ad"
	[ "${#lines[@]}" -eq 143 ]
	[ "$(jq -r '.feature_name | type' <<<"${lines[0]}")" = string ]
}

@test "--list describes X, layers, obsm, obsp and columns as JSONL" {
	need_shared
	run -0 emb-extract --list "$DATA/$PBMC"
	jq -e . <<<"$output" >/dev/null
	[ "$(head -1 <<<"$output" | jq -r .layout)" = "anndata>=0.8" ]
	[ "$(jq -c 'select(.kind == "obsm" and .key == "X_pca") | .shape' <<<"$output")" = "[700,50]" ]
	[ "$(jq -c 'select(.kind == "layer") | .key' <<<"$output" | tr '\n' ' ')" = '"counts" "normcounts" ' ]
	[ "$(jq -c 'select(.kind == "obsp" and .key == "distances") | [.format, .nnz]' <<<"$output")" = '["csr",9800]' ]
	[ "$(jq -c 'select(.kind == "obs" and .column == "na_column") | [.type, .n_categories, .n_missing]' <<<"$output")" = '["categorical",9,240]' ]
	run -0 emb-extract --list "$DATA/scanpy_pbmc68k_reduced.h5ad"
	[ "$(head -1 <<<"$output" | jq -r .layout)" = "anndata<=0.6" ]
	[ "$(jq -c 'select(.kind == "obsp") | .key' <<<"$output" | wc -l)" -eq 2 ]
	run -0 emb-extract --list "$DATA/cellxgene_example_with_labels.h5ad"
	[ "$(head -1 <<<"$output" | jq -r .layout)" = "anndata-0.7" ]
}

@test "layers: int64 counts and a dense layer come out as float32 of the right shape" {
	need_shared
	run -0 emb-extract --layer counts -o "$T/c.scmat" "$DATA/$PBMC"
	run -0 mat-info "$T/c.scmat"
	[ "$(jq -c '[.rows, .cols, .nan]' <<<"$output")" = "[700,765,0]" ]
	run -0 emb-extract --layer logcounts -o "$T/l.scmat" "$DATA/openproblems_pancreas_669.h5ad"
	run -0 mat-info "$T/l.scmat"
	[ "$(jq -c '[.rows, .cols]' <<<"$output")" = "[669,296]" ]
}

# The payload of a matrix stream (everything after the header line).
payload() { tail -c +$(($(head -1 "$1" | wc -c) + 1)) "$1"; }

@test "round trip: sc-simulate --h5ad reads back exactly (embeddings, X counts, obs, var)" {
	run -0 sc-simulate -n 300 -d 6 --types 4 --batches 3 --genes 40 --seed 9 --h5ad "$T/s.h5ad" \
		-o "$T/obs.scmat" --obs-out "$T/obs.jsonl" --counts-out "$T/c.scmat" --var-out "$T/var.jsonl"
	sc-simulate -n 300 -d 6 --types 4 --batches 3 --seed 9 --embedding latent -o "$T/lat.scmat"
	emb-extract --obsm X_observed -o "$T/e1" "$T/s.h5ad"
	emb-extract --obsm X_latent -o "$T/e2" "$T/s.h5ad"
	emb-extract --X -o "$T/x" "$T/s.h5ad"
	cmp <(payload "$T/obs.scmat") <(payload "$T/e1")
	cmp <(payload "$T/lat.scmat") <(payload "$T/e2")
	cmp <(payload "$T/c.scmat") <(payload "$T/x")
	emb-extract --all-obs --obs-out "$T/o2.jsonl" --var-out "$T/v2.jsonl" "$T/s.h5ad"
	cmp "$T/obs.jsonl" "$T/o2.jsonl"
	cmp "$T/var.jsonl" "$T/v2.jsonl"
	run -0 emb-extract --list "$T/s.h5ad"
	[ "$(jq -c 'select(.kind == "obs") | [.column, .n_categories]' <<<"$output" | tr -d '\n')" = '["cell_type",4]["batch",3]' ]
	[ "$(ls "$T" | grep -c tmp)" -eq 0 ]
}

@test "sc-simulate --h5ad without counts has no X and an empty var" {
	run -0 sc-simulate -n 50 -d 3 --seed 2 --h5ad "$T/s.h5ad"
	[ -z "$output" ]
	run -0 emb-extract --list "$T/s.h5ad"
	[ "$(head -1 <<<"$output" | jq -c '[.n_obs, .n_vars]')" = "[50,0]" ]
	run emb-extract --X -o "$T/x" "$T/s.h5ad"
	assert_status 2
	[[ "$output" == *"no X matrix"* ]]
}

@test "an output naming the input is refused, the input left intact" {
	need_shared
	cp "$DATA/scanpy_t_cells.h5ad" "$T/in.h5ad"
	run emb-extract --X -o "$T/in.h5ad" "$T/in.h5ad"
	assert_status 2
	[[ "$output" == *"would replace the input"* ]]
	run emb-extract --obsm X_pca -o "$T/m" --obs-out "$T/in.h5ad" "$T/in.h5ad"
	assert_status 2
	cmp "$T/in.h5ad" "$DATA/scanpy_t_cells.h5ad"
	[ ! -e "$T/m" ]
}

@test "empty category lists and all-missing columns read as null" {
	need_shared
	run -0 emb-extract --obs IR_VJ_2_c_call,IR_VJ_2_consensus_count,is_outlier "$DATA/scanpy_t_cells.h5ad"
	[ "${#lines[@]}" -eq 8 ]
	[ "$(jq -s -c 'map([.IR_VJ_2_c_call, .IR_VJ_2_consensus_count]) | unique' <<<"$output")" = '[[null,null]]' ]
	[ "$(jq -s -c 'map(.is_outlier | type) | unique' <<<"$output")" = '["boolean"]' ]
}

@test "--raw writes raw X of the legacy (raw.X) and modern (raw/X) layouts with raw's genes" {
	need_shared
	for f in scanpy_pbmc68k_reduced atlastb_pbmc68k_batch; do
		run -0 emb-extract --raw --var-out "$T/rv.jsonl" -o "$T/raw.scmat" "$DATA/$f.h5ad"
		run -0 mat-info "$T/raw.scmat"
		[ "$(jq -c '[.rows, .cols, .header.key, .nan]' <<<"$output")" = '[700,765,"raw/X",0]' ]
		[ "$(wc -l <"$T/rv.jsonl")" -eq 765 ]
		[ "$(head -1 "$T/rv.jsonl")" = '{"var_name":"HES4"}' ]
		run -0 emb-extract --list "$DATA/$f.h5ad"
		[ "$(jq -c 'select(.kind == "raw") | [.format, .shape]' <<<"$output")" = '["csr",[700,765]]' ]
	done
	run emb-extract --raw -o "$T/x" "$DATA/scanpy_t_cells.h5ad"
	assert_status 2
	[[ "$output" == *"no raw X"* ]]
	run emb-extract --raw --X "$DATA/scanpy_t_cells.h5ad"
	assert_status 2
	[[ "$output" == *exclusive* ]]
}

@test "--latent reads a model run's embeddings.h5 back to the sealed matrix" {
	sc-simulate -n 30 -d 5 --types 3 --batches 2 --seed 4 -o "$T/x.scmat" --obs-out "$T/sim_obs.jsonl"
	mkdir "$T/b"
	artifact-seal -q --embedding "$T/x.scmat" --obs "$T/sim_obs.jsonl" "$T/b" >/dev/null
	run -0 emb-extract --latent -o "$T/e.scmat" "$T/b/embeddings.h5"
	# same float32 payload as the matrix it was sealed from
	cmp <(tail -c +"$(($(head -1 "$T/e.scmat" | wc -c) + 1))" "$T/e.scmat") \
		<(tail -c +"$(($(head -1 "$T/x.scmat" | wc -c) + 1))" "$T/x.scmat")
	run -0 mat-info "$T/e.scmat"
	assert_output --partial '"rows":30'
	assert_output --partial '"obs_names_sha256"'
	# an .h5ad is not an embeddings.h5, and --latent takes no other mode
	need_shared
	bad_input "latent" --latent -o "$T/out" "$DATA/$PBMC"
	run --separate-stderr emb-extract --latent --obsm X_pca -o "$T/out" "$T/b/embeddings.h5"
	assert_status 2
	[[ "$stderr" == "emb-extract: --latent reads an embeddings.h5 and takes no other"* ]]
	[ ! -e "$T/out" ]
}
