#!/usr/bin/env bats
# perturb-score: scModelForge's perturbation benchmark against
# ../shared/golden/tasks/perturb_synthetic (1e-4) and czbenchmarks' perturbation expression
# prediction on a fixture built here (masked genes drawn by numpy's legacy RandomState(42)).
load helpers/sc

PERT=synthetic_perturbation.h5ad

mkmat() {
	local f=$1 r=$2 c=$3
	shift 3
	printf 'SCMAT1 {"rows":%d,"cols":%d,"dtype":"f32le"}\n' "$r" "$c" >"$f"
	perl -e 'print pack("f<*", map { $_ eq "nan" ? 9**9**9/9**9**9 : $_ } @ARGV)' "$@" >>"$f"
}

@test "perturb_synthetic: the seven metrics within 1e-4, counts, held-out labels" {
	need_shared
	need_jq
	G="$GOLDEN/tasks/perturb_synthetic.json"
	emb-extract --obsm X_emb --obs perturbation --obs-out "$T/obs.jsonl" -o "$T/emb.scmat" "$DATA/$PERT"
	emb-extract --X -o "$T/x.scmat" "$DATA/$PERT"
	run -0 perturb-score --obs "$T/obs.jsonl" --perturbation-key perturbation --control control --expr "$T/x.scmat" -o "$T/m.jsonl" "$T/emb.scmat"
	[ "$(wc -l <"$T/m.jsonl")" -eq 7 ]
	for m in $(jq -r '.result.metrics | keys[]' "$G"); do
		a=$(jq -r "select(.metric==\"$m\") | .value" "$T/m.jsonl")
		b=$(jq -r ".result.metrics.$m" "$G")
		awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-4) }' || { echo "$m: $a vs $b"; return 1; }
	done
	for k in n_cells n_perturbations n_train n_test; do
		[ "$(jq -r "select(.metric==\"mse_mean\") | .$k" "$T/m.jsonl")" = "$(jq -r ".result.metadata.$k" "$G")" ]
	done
	[ "$(jq -c 'select(.metric=="mse_mean") | .test_perturbations' "$T/m.jsonl")" = '["PERT16","PERT10","PERT15","PERT08"]' ]
}

@test "no control cells, a single perturbation, NaN embedding: exit 2 with one line" {
	mkmat "$T/e.scmat" 4 1 1 2 3 4
	mkmat "$T/x.scmat" 4 2 1 2 3 4 5 6 7 8
	printf '{"p":"a"}\n{"p":"a"}\n{"p":"b"}\n{"p":"c"}\n' >"$T/obs.jsonl"
	run --separate-stderr perturb-score --obs "$T/obs.jsonl" --perturbation-key p --expr "$T/x.scmat" "$T/e.scmat"
	assert_status 2
	[[ "$stderr" == "perturb-score: no control cells (label 'control' absent)"* ]]
	run --separate-stderr perturb-score --obs "$T/obs.jsonl" --perturbation-key p --control a --expr "$T/x.scmat" "$T/e.scmat"
	assert_status 0
	printf '{"p":"a"}\n{"p":"a"}\n{"p":"b"}\n{"p":"b"}\n' >"$T/one.jsonl"
	run --separate-stderr perturb-score --obs "$T/one.jsonl" --perturbation-key p --control a --expr "$T/x.scmat" "$T/e.scmat"
	assert_status 2
	[[ "$stderr" == *"1 perturbation besides the control"* ]]
	mkmat "$T/n.scmat" 4 1 1 nan 3 4
	run --separate-stderr perturb-score --obs "$T/obs.jsonl" --perturbation-key p --control a --expr "$T/x.scmat" -o "$T/out" "$T/n.scmat"
	assert_status 2
	[[ "$stderr" == *"NaN or Inf in the embedding (row 1)"* ]]
	[ ! -e "$T/out" ]
}

# czbenchmarks fixture: condition B (9 DE rows -> 4 < 5 masked, skipped without drawing),
# condition A (10 kept DE rows, g0..g9 with logfoldchange i+1; g10 and g11 filtered out by
# pval and |lfc|). RandomState(42).permutation(10)[:5] = 8 1 5 0 7 masks g8 g1 g5 g0 g7.
# Treated cells carry 1 + lfc on the masked genes and a reversed, larger signal elsewhere, so
# rho is 1 exactly when the masked set is right.
czb_fixture() {
	{
		printf 'condition\tgene\tlogfoldchange\tpval_adj\n'
		for i in 0 1 2 3 4 5 6 7 8; do printf 'B\tg%d\t%d\t1e-6\n' "$i" $((i + 1)); done
		for i in 0 1 2 3 4 5 6 7 8 9; do printf 'A\tg%d\t%d\t1e-6\n' "$i" $((i + 1)); done
		printf 'A\tg10\t3\t0.01\nA\tg11\t0.5\t1e-9\n'
	} >"$T/de.tsv"
	printf 'condition\ttreated\tcontrol\nA\tt1\tc1\nA\tt2\tc2\nA\ttX\tc1\n' >"$T/cmap.tsv"
	printf '{"obs_name":"%s"}\n' c1 c2 t1 t2 >"$T/obs.jsonl"
	for i in $(seq 0 11); do printf '{"var_name":"g%d"}\n' "$i"; done >"$T/var.jsonl"
	local ctrl=(1 1 1 1 1 1 1 1 1 1 1 1) trt=() i
	for i in $(seq 0 11); do
		case $i in 0 | 1 | 5 | 7 | 8) trt+=($((1 + i + 1))) ;; *) trt+=($((1 + 100 * (12 - i)))) ;; esac
	done
	mkmat "$T/pred.scmat" 4 12 "${ctrl[@]}" "${ctrl[@]}" "${trt[@]}" "${trt[@]}"
}

@test "czbenchmarks protocol: masked genes as numpy draws them, rho 1, ratio and difference" {
	need_jq
	czb_fixture
	run -0 perturb-score --protocol czbenchmarks --obs "$T/obs.jsonl" --var "$T/var.jsonl" --de "$T/de.tsv" --control-map "$T/cmap.tsv" -o "$T/m.jsonl" "$T/pred.scmat"
	[ "$(wc -l <"$T/m.jsonl")" -eq 1 ]
	[ "$(jq -r .metric "$T/m.jsonl")" = spearman_correlation_calculation ]
	[ "$(jq -r .params.condition "$T/m.jsonl")" = A ]
	[ "$(jq -r .value "$T/m.jsonl")" = 1.0 ] || [ "$(jq -r .value "$T/m.jsonl")" = 1 ]
	[ "$(jq -r '[.n_genes, .n_pairs, .operation] | @tsv' "$T/m.jsonl")" = "$(printf '5\t2\tratio')" ]
	run -0 perturb-score --protocol czbenchmarks --operation difference --obs "$T/obs.jsonl" --var "$T/var.jsonl" --de "$T/de.tsv" --control-map "$T/cmap.tsv" -o "$T/d.jsonl" "$T/pred.scmat"
	[ "$(jq -r .operation "$T/d.jsonl")" = difference ]
	# another seed masks another set: some reversed gene enters and rho drops below 1
	run -0 perturb-score --protocol czbenchmarks --seed 1 --obs "$T/obs.jsonl" --var "$T/var.jsonl" --de "$T/de.tsv" --control-map "$T/cmap.tsv" -o "$T/s.jsonl" "$T/pred.scmat"
	awk -v v="$(jq -r .value "$T/s.jsonl")" 'BEGIN { exit !(v < 1) }'
}

@test "czbenchmarks protocol: a zero control mean falls back to the difference; bad tables" {
	need_jq
	czb_fixture
	local ctrl=(0 1 1 1 1 1 1 1 1 1 1 1) trt=(2 3 1201 1101 1001 7 801 9 10 401 301 201)
	mkmat "$T/pred.scmat" 4 12 "${ctrl[@]}" "${ctrl[@]}" "${trt[@]}" "${trt[@]}"
	run -0 perturb-score --protocol czbenchmarks --obs "$T/obs.jsonl" --var "$T/var.jsonl" --de "$T/de.tsv" --control-map "$T/cmap.tsv" -o "$T/m.jsonl" "$T/pred.scmat"
	[ "$(jq -r .operation "$T/m.jsonl")" = difference ]
	printf 'condition\tgene\tlfc\n' >"$T/bad.tsv"
	run --separate-stderr perturb-score --protocol czbenchmarks --obs "$T/obs.jsonl" --var "$T/var.jsonl" --de "$T/bad.tsv" --control-map "$T/cmap.tsv" "$T/pred.scmat"
	assert_status 2
	[[ "$stderr" == *"no 'logfoldchange' column"* ]]
	run -2 perturb-score --protocol czbenchmarks --obs "$T/obs.jsonl" "$T/pred.scmat"
}
