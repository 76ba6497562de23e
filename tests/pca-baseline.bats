#!/usr/bin/env bats
# pca-baseline: czbenchmarks' PCA baseline against ../shared/golden/tasks/pca_pbmc68k_counts
# (HVG set exact, variance ratios 1e-4, PCs of the first cells), threads, bad input.
load helpers/sc

PBMC=atlastb_pbmc68k_batch.h5ad

mkmat() {
	local f=$1 r=$2 c=$3
	shift 3
	printf 'SCMAT1 {"rows":%d,"cols":%d,"dtype":"f32le"}\n' "$r" "$c" >"$f"
	perl -e 'print pack("f<*", map { $_ eq "nan" ? 9**9**9/9**9**9 : $_ } @ARGV)' "$@" >>"$f"
}

header() { head -1 "$1" | sed 's/^SCMAT1 //'; }

@test "pca_pbmc68k_counts: HVG set exact, variance ratios within 1e-4, first PCs, silhouette" {
	need_shared
	need_jq
	G="$GOLDEN/tasks/pca_pbmc68k_counts.json"
	emb-extract --layer counts --var-out "$T/var.jsonl" -o "$T/counts.scmat" "$DATA/$PBMC"
	run -0 pca-baseline --var "$T/var.jsonl" --n-top-genes 300 --hvg-out "$T/hvg.jsonl" -o "$T/pcs.scmat" "$T/counts.scmat"
	jq -r '.hvg[]' "$G" >"$T/gold_hvg"
	jq -r .var_name "$T/hvg.jsonl" >"$T/our_hvg"
	sc_cmp "$T/gold_hvg" "$T/our_hvg"
	[ "$(header "$T/pcs.scmat" | jq .n_hvg)" -eq 300 ]
	[ "$(header "$T/pcs.scmat" | jq .cols)" -eq 50 ]
	header "$T/pcs.scmat" | jq -c .variance_ratio >"$T/vr"
	jq -n --slurpfile a "$T/vr" --slurpfile g "$G" \
		'[range(50) as $i | ($a[0][$i] - $g[0].variance_ratio[$i]) | fabs] | max < 1e-4' | grep -qx true
	# the first five cells on PC1..3, each component up to its sign, within 1e-3 relative
	mat-info --head 5 "$T/pcs.scmat" | tail -5 | jq -c '.[0:3]' | jq -s . >"$T/first"
	jq -n --slurpfile a "$T/first" --slurpfile g "$G" '
		[range(3) as $c | ($g[0].first_cells_pc1_to_3 | map(.[$c])) as $w | ($a[0] | map(.[$c])) as $o
		 | (if ($w[0] * $o[0]) < 0 then -1 else 1 end) as $s
		 | range(5) as $i | (($o[$i] * $s - $w[$i]) | fabs) / (($w[$i] | fabs) + 1e-3)] | max < 1e-3' | grep -qx true
	# czbenchmarks scores the baseline like any embedding: silhouette of bulk_labels, 1e-4
	emb-extract --layer counts --obs bulk_labels --obs-out "$T/obs.jsonl" -o /dev/null "$DATA/$PBMC"
	s=$(score-scib --preset czbenchmarks --metrics silhouette_score --obs "$T/obs.jsonl" --label-key bulk_labels "$T/pcs.scmat" | jq .value)
	awk -v a="$s" -v b="$(jq .silhouette_score_on_baseline "$G")" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-4) }'
}

@test "n_top_genes above the gene count keeps every gene; -j1 == -j2" {
	sc-simulate -n 300 -d 5 --types 3 --genes 80 --seed 2 -o /dev/null --counts-out "$T/c.scmat" --var-out "$T/v.jsonl"
	run -0 pca-baseline --var "$T/v.jsonl" --n-pcs 10 -j1 --hvg-out "$T/h.jsonl" -o "$T/a.scmat" "$T/c.scmat"
	[ "$(wc -l <"$T/h.jsonl")" -eq 80 ]
	[ "$(header "$T/a.scmat" | jq .n_hvg)" -eq 80 ]
	run -0 pca-baseline --n-pcs 10 -j2 -o "$T/b.scmat" "$T/c.scmat"
	cmp "$T/a.scmat" "$T/b.scmat"
}

@test "bad input: NaN or negative counts, var mismatch, too many PCs: exit 2" {
	mkmat "$T/n.scmat" 3 2 1 2 nan 4 5 6
	run --separate-stderr pca-baseline --n-pcs 1 -o "$T/out" "$T/n.scmat"
	assert_status 2
	[[ "$stderr" == *"negative or not finite"* ]]
	[ ! -e "$T/out" ]
	mkmat "$T/m.scmat" 3 2 1 2 -3 4 5 6
	run --separate-stderr pca-baseline --n-pcs 1 -o "$T/out" "$T/m.scmat"
	assert_status 2
	mkmat "$T/c.scmat" 3 2 1 2 3 4 5 7
	printf '{"var_name":"a"}\n' >"$T/v.jsonl"
	run --separate-stderr pca-baseline --var "$T/v.jsonl" --n-pcs 1 -o "$T/out" "$T/c.scmat"
	assert_status 2
	[[ "$stderr" == *"var table has 1 genes but the matrix 2 columns"* ]]
	run --separate-stderr pca-baseline --n-pcs 3 -o "$T/out" "$T/c.scmat"
	assert_status 2
	[[ "$stderr" == *"--n-pcs 3 exceeds"* ]]
	[ ! -e "$T/out" ]
}

@test "usage errors exit 2" {
	run -2 pca-baseline
	run -2 pca-baseline --n-pcs 0 x
	run -2 pca-baseline --n-top-genes abc x
	run -0 pca-baseline -h
}
