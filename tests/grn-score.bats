#!/usr/bin/env bats
# grn-score: scModelForge's GRN benchmark against ../shared/golden/tasks/grn_kang (1e-6),
# duplicate edges, the degenerate result, bad input.
load helpers/sc

KANG=scgen_kang_valid.h5ad

mkmat() {
	local f=$1 r=$2 c=$3
	shift 3
	printf 'SCMAT1 {"rows":%d,"cols":%d,"dtype":"f32le"}\n' "$r" "$c" >"$f"
	perl -e 'print pack("f<*", map { $_ eq "nan" ? 9**9**9/9**9**9 : $_ } @ARGV)' "$@" >>"$f"
}

val() { jq -r "select(.metric==\"$2\") | .value" "$1"; }

@test "grn_kang: auroc, auprc and counts match the reference" {
	need_shared
	need_jq
	G="$GOLDEN/tasks/grn_kang.json"
	emb-extract --obsm X_pca -o "$T/emb.scmat" "$DATA/$KANG"
	emb-extract --X --var-out "$T/var.jsonl" -o "$T/x.scmat" "$DATA/$KANG"
	run -0 grn-score --expr "$T/x.scmat" --var "$T/var.jsonl" --truth "$DATA/grn/kang_truth.tsv" -o "$T/m.jsonl" "$T/emb.scmat"
	for m in auroc auprc n_genes_evaluated n_edges_evaluated; do
		awk -v a="$(val "$T/m.jsonl" $m)" -v b="$(jq -r ".result.metrics.$m" "$G")" \
			'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-6) }'
	done
}

# 12 cells, 2 dims; genes a, b, c expressed in all cells; d in none
small_case() {
	local vals=() i
	for i in $(seq 12); do vals+=("$i" "$((13 - i))"); done
	mkmat "$T/emb.scmat" 12 2 "${vals[@]}"
	vals=()
	for i in $(seq 12); do vals+=(1 "$((i % 2 + 1))" "$((i % 3 + 1))" 0); done
	mkmat "$T/x.scmat" 12 4 "${vals[@]}"
	printf '{"var_name":"%s"}\n' a b c d >"$T/var.jsonl"
}

@test "one label class, or no evaluable edge: 0.5 and 0.5 with a reason" {
	need_jq
	small_case
	printf 'gene1\tgene2\tweight\na\tb\t1\nb\tc\t2\nd\ta\t0\n' >"$T/t.tsv"
	run -0 grn-score --expr "$T/x.scmat" --var "$T/var.jsonl" --truth "$T/t.tsv" -o "$T/m.jsonl" "$T/emb.scmat"
	[ "$(val "$T/m.jsonl" auroc)" = 0.5 ] && [ "$(val "$T/m.jsonl" auprc)" = 0.5 ]
	[[ "$(jq -r 'select(.metric=="auroc") | .reason' "$T/m.jsonl")" == *"one label class"* ]]
	[ "$(val "$T/m.jsonl" n_edges_evaluated)" = 2 ]
	[ "$(val "$T/m.jsonl" n_genes_evaluated)" = 3 ]
	printf 'gene1\tgene2\tweight\nx\ty\t1\n' >"$T/u.tsv"
	run -0 grn-score --expr "$T/x.scmat" --var "$T/var.jsonl" --truth "$T/u.tsv" -o "$T/m.jsonl" "$T/emb.scmat"
	[[ "$(jq -r 'select(.metric=="auprc") | .reason' "$T/m.jsonl")" == *"fewer than 2 evaluable edges"* ]]
	[ "$(val "$T/m.jsonl" n_edges_evaluated)" = 0 ]
}

@test "a duplicated pair is scored each time with its last weight as the label" {
	need_jq
	small_case
	# a->b twice, last weight 0 (negative); b->c positive; c->a negative. With b->c the
	# only positive, auroc is the share of negatives scored below it.
	printf 'gene1\tgene2\tweight\na\tb\t1\nb\tc\t1\nc\ta\t0\na\tb\t0\n' >"$T/t.tsv"
	run -0 grn-score --expr "$T/x.scmat" --var "$T/var.jsonl" --truth "$T/t.tsv" -o "$T/m.jsonl" "$T/emb.scmat"
	[ "$(val "$T/m.jsonl" n_edges_evaluated)" = 4 ]
	printf 'gene1\tgene2\tweight\na\tb\t0\nb\tc\t1\nc\ta\t0\na\tb\t0\n' >"$T/t2.tsv"
	run -0 grn-score --expr "$T/x.scmat" --var "$T/var.jsonl" --truth "$T/t2.tsv" -o "$T/m2.jsonl" "$T/emb.scmat"
	cmp "$T/m.jsonl" "$T/m2.jsonl"
}

@test "bad input: malformed truth, NaN embedding, shape mismatch: exit 2, one line" {
	small_case
	printf 'gene1\tgene2\tweight\na\tb\tabc\n' >"$T/t.tsv"
	run --separate-stderr grn-score --expr "$T/x.scmat" --var "$T/var.jsonl" --truth "$T/t.tsv" -o "$T/out" "$T/emb.scmat"
	assert_status 2
	[[ "$stderr" == *"line 2: weight 'abc' is not a finite number"* ]]
	printf 'g1\tg2\tweight\n' >"$T/h.tsv"
	run --separate-stderr grn-score --expr "$T/x.scmat" --var "$T/var.jsonl" --truth "$T/h.tsv" "$T/emb.scmat"
	assert_status 2
	[[ "$stderr" == *"lacks a 'gene1' column"* ]]
	printf 'gene1\tgene2\tweight\na\tb\t1\n' >"$T/ok.tsv"
	mkmat "$T/nan.scmat" 12 2 nan 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23
	run --separate-stderr grn-score --expr "$T/x.scmat" --var "$T/var.jsonl" --truth "$T/ok.tsv" -o "$T/out" "$T/nan.scmat"
	assert_status 2
	[[ "$stderr" == *"NaN or Inf in the embedding (row 0)"* ]]
	printf '{"var_name":"a"}\n' >"$T/v1.jsonl"
	run --separate-stderr grn-score --expr "$T/x.scmat" --var "$T/v1.jsonl" --truth "$T/ok.tsv" "$T/emb.scmat"
	assert_status 2
	[[ "$stderr" == *"shapes disagree"* ]]
	[ ! -e "$T/out" ]
	run -2 grn-score --expr "$T/x.scmat" "$T/emb.scmat"
}
