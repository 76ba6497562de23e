#!/usr/bin/env bats
# Annotation benchmark: cm-build, cm-aggregate, fmeasure, hfmeasure and
# scripts/annotation-benchmark against the cellarium-cas golden cases, plus bad input.
load helpers/sc

# Hierarchical CSVs: every field exact except the six macro/weighted columns (the last six),
# which upstream sums in a hash-seed-dependent order: relative 1e-12 (golden README).
hier_cmp() {
	awk -F, -v tol=1e-12 '
	NR == FNR { want[FNR] = $0; n = FNR; next }
	{
		if (!(FNR in want)) { print "extra line " FNR; bad = 1; next }
		nf = split(want[FNR], w, ",")
		if (nf != NF) { print "line " FNR ": " NF " fields, want " nf; bad = 1; next }
		for (i = 1; i <= NF; i++) {
			if (i <= NF - 6 || FNR == 1) {
				if ($i != w[i]) { print "line " FNR " field " i ": " $i " != " w[i]; bad = 1 }
			} else {
				d = $i - w[i]; if (d < 0) d = -d
				m = w[i] < 0 ? -w[i] : w[i]
				if (d > tol * m) { print "line " FNR " field " i ": " $i " vs " w[i]; bad = 1 }
			}
		}
	}
	END { if (FNR != n) { print "line count " FNR " != " n; bad = 1 }; exit bad }' "$2" "$1"
}

run_case() { # case -> $T/$case
	cd "$GOLDEN/annotation/$1/inputs"
	run annotation-benchmark --annotate-dirs annotate --output-dir "$T/$1" \
		--gt-label cell_type_ontology_term_id --inferred-label cas_cell_type_name_1 --top-k 3
	assert_status 0
}

check_case() {
	local e="$GOLDEN/annotation/$1/expected"
	sc_cmp "$e/f_measure_per_sample.csv" "$T/$1/f_measure_per_sample.csv"
	sc_cmp "$e/f_measure_per_group.csv" "$T/$1/f_measure_per_group.csv"
	hier_cmp "$e/hierarchical_f_measure_per_sample.csv" "$T/$1/hierarchical_f_measure_per_sample.csv"
	hier_cmp "$e/hierarchical_f_measure_per_group.csv" "$T/$1/hierarchical_f_measure_per_group.csv"
}

@test "golden small: annotation-benchmark reproduces the four CSVs" {
	need_shared
	run_case small
	check_case small
}

@test "golden edge: annotation-benchmark reproduces the four CSVs" {
	need_shared
	run_case edge
	check_case edge
}

@test "golden: layout, clamped ranks in the meta, safe group names" {
	need_shared
	need_jq
	run_case edge
	for kk in 1 2 3; do
		for d in "$GOLDEN"/annotation/edge/expected/cm_raw_k$kk/*/; do
			[ -f "$T/edge/cm_raw_k$kk/$(basename "$d")/confusion_matrix.jsonl" ]
		done
		for d in "$GOLDEN"/annotation/edge/expected/cm_aggregate_k$kk/*/; do
			[ -f "$T/edge/cm_aggregate_k$kk/$(basename "$d")/confusion_matrix.jsonl" ]
		done
	done
	run jq -c .inferred_labels "$T/edge/cm_raw_k3/edge_c_two_ranks/confusion_matrix.jsonl"
	assert_output '["cas_cell_type_name_1","cas_cell_type_name_2"]'
	exp="$GOLDEN/annotation/edge/expected/cm_raw_k3/edge_c_two_ranks/confusion_matrix_meta.json"
	run jq -c .f_measure_inferred_labels "$exp"
	assert_output '["cas_cell_type_name_1","cas_cell_type_name_2"]'
	run jq -r .group "$T/edge/cm_aggregate_k1/org_m_2/confusion_matrix.jsonl"
	assert_output 'org/m:2'
	run jq -c '[.n_samples_aggregated, (.label_order|length)]' "$T/edge/cm_aggregate_k1/org_m_2/confusion_matrix.jsonl"
	assert_output '[2,2683]'
	# label order = cl_names of the resource, as upstream's meta
	diff <(jq -c .label_order "$T/edge/cm_raw_k1/edge_a_perfect/confusion_matrix.jsonl") \
		<(jq -c .label_order "$GOLDEN/annotation/edge/expected/cm_raw_k1/edge_a_perfect/confusion_matrix_meta.json")
}

@test "hfmeasure: OBO and OBO-Graphs releases give the resource's numbers" {
	need_shared
	run_case small
	for o in "$DATA/cl-basic_2022-11-25.obo" "$DATA/cl-basic_2022-11-25.json"; do
		run -0 hfmeasure --ontology "$o" "$T/small/cm_aggregate.jsonl" -o "$T/h.csv"
		hier_cmp "$GOLDEN/annotation/small/expected/hierarchical_f_measure_per_group.csv" "$T/h.csv"
	done
}

@test "cm-build: plain TSV and JSONL tables give the same matrices as the same labels in CSV" {
	printf 'truth\tp_1\tp_2\nA\tA\tB\nB\tA\tB\nC\tA\tNA\nB\tB\tC\n' >"$T/cells.tsv"
	run -0 cm-build --no-provenance --truth "$T/cells.tsv" --pred "$T/cells.tsv" \
		--gt-label truth --inferred-label p_1 -k 2 --sample s -o "$T/a.jsonl"
	printf '{"truth":"A","p_1":"A","p_2":"B"}\n{"truth":"B","p_1":"A","p_2":"B"}\n{"truth":"C","p_1":"A","p_2":null}\n{"truth":"B","p_1":"B","p_2":"C"}\n' >"$T/cells.jsonl"
	run -0 cm-build --no-provenance --truth "$T/cells.jsonl" --pred "$T/cells.jsonl" \
		--gt-label truth --inferred-label p_1 -k 2 --sample s -o "$T/b.jsonl"
	sc_cmp "$T/a.jsonl" "$T/b.jsonl"
	run -0 fmeasure "$T/a.jsonl"
	assert_line --index 1 'unknown,s,2,2,2,0.5,0.5,0.5,0.38888888888888884,0.4444444444444444,0.5,0.5833333333333334,0.5,0.4583333333333333,3,1,1,0.75,0.75,0.75,0.5555555555555555,0.5,0.6666666666666666,0.625,0.75,0.6666666666666666'
}

@test "cm-build: truth and predictions in separate files; length mismatch is exit 2" {
	printf 'truth\nA\nB\n' >"$T/t.tsv"
	printf 'p_1\nA\nA\n' >"$T/p.tsv"
	run -0 cm-build --truth "$T/t.tsv" --pred "$T/p.tsv" --gt-label truth --inferred-label p_1
	printf 'p_1\nA\nA\nB\n' >"$T/p3.tsv"
	run --separate-stderr cm-build --truth "$T/t.tsv" --pred "$T/p3.tsv" --gt-label truth \
		--inferred-label p_1 -o "$T/out.jsonl"
	assert_status 2
	[[ $stderr == *"truth"*"2 cells"* ]]
	[ ! -e "$T/out.jsonl" ]
}

@test "cm-build: a label outside the label order names it and the sample; --unknown skip" {
	printf 'A\nB\n' >"$T/labels.txt"
	printf 'truth\tp_1\nA\tA\nB\tZ\n' >"$T/c.tsv"
	run --separate-stderr cm-build --labels "$T/labels.txt" --truth "$T/c.tsv" --pred "$T/c.tsv" \
		--gt-label truth --inferred-label p_1 --sample s1 -o "$T/o.jsonl"
	assert_status 2
	[[ $stderr == *"'Z'"* && $stderr == *s1* ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[ ! -e "$T/o.jsonl" ]
	run -0 cm-build -q --unknown skip --labels "$T/labels.txt" --truth "$T/c.tsv" \
		--pred "$T/c.tsv" --gt-label truth --inferred-label p_1 -o "$T/o.jsonl"
	need_jq
	run jq -c '[.n_cells, .entries]' "$T/o.jsonl"
	assert_output '[1,[[0,0,1]]]'
}

@test "cm-build: duplicate rank columns, k>1 without _1, missing column: exit 2" {
	printf 'truth\tp_1\tp_2\tp_2\nA\tA\tB\tC\n' >"$T/d.tsv"
	run cm-build --truth "$T/d.tsv" --pred "$T/d.tsv" --gt-label truth --inferred-label p_1 -k 2
	assert_status 2
	assert_output --partial "appears twice"
	run cm-build --truth "$T/d.tsv" --pred "$T/d.tsv" --gt-label truth --inferred-label p_2x -k 2
	assert_status 2
	run cm-build --truth "$T/d.tsv" --pred "$T/d.tsv" --gt-label nope --inferred-label p_1
	assert_status 2
	assert_output --partial "nope"
}

@test "cm-build: annotate directory problems are exit 2 with one line" {
	need_shared
	src="$GOLDEN/annotation/small/inputs/annotate/model-a__pbmc_s1"
	mkdir -p "$T/ann"
	cp "$src"/* "$T/ann/"
	printf '{"model_name": "m"}\n' >"$T/ann/metadata.json"
	run --separate-stderr cm-build "$T/ann" -o "$T/x.jsonl"
	assert_status 2
	[[ $stderr == *input_path* ]]
	[ ! -e "$T/x.jsonl" ]
	rm "$T/ann/metadata.json"
	run --separate-stderr cm-build "$T/ann"
	assert_status 2
	[[ $stderr == *"metadata.json"* ]]
	cp "$src/metadata.json" "$T/ann/"
	sed -i 's#"h5ad/#"'"$GOLDEN"'/annotation/small/inputs/h5ad/#' "$T/ann/metadata.json"
	head -50 "$src/inferred_labels.csv" >"$T/ann/inferred_labels.csv"
	run --separate-stderr cm-build "$T/ann"
	assert_status 2
	[[ $stderr == *"same length"* ]]
}

@test "hfmeasure: malformed OBO, cyclic is_a and unknown labels are exit 2" {
	printf '{"truth":"T:1","p_1":"T:2"}\n' >"$T/c.jsonl"
	run -0 cm-build --truth "$T/c.jsonl" --pred "$T/c.jsonl" --gt-label truth --inferred-label p_1 -o "$T/cm.jsonl"
	printf '[Term]\nid: T:1\nis_a: T:2\n\n[Term]\nid: T:2\nis_a: T:1\n' >"$T/cyc.obo"
	run hfmeasure --ontology "$T/cyc.obo" "$T/cm.jsonl" -o "$T/h.csv"
	assert_status 2
	assert_output --partial "cyclic"
	[ ! -e "$T/h.csv" ]
	printf '[Term]\nid: T:1\nthis line has no tag\n' >"$T/bad.obo"
	run hfmeasure --ontology "$T/bad.obo" "$T/cm.jsonl"
	assert_status 2
	assert_output --partial "line 3"
	printf '[Term]\nname: no id\n' >"$T/noid.obo"
	run hfmeasure --ontology "$T/noid.obo" "$T/cm.jsonl"
	assert_status 2
	printf '[Term]\nid: T:1\n' >"$T/one.obo"
	run hfmeasure --ontology "$T/one.obo" "$T/cm.jsonl"
	assert_status 2
	assert_output --partial "'T:2'"
	run -0 hfmeasure --unknown self --root '' --ontology "$T/one.obo" "$T/cm.jsonl"
	assert_line --index 1 'unknown,'"$T"'/c.jsonl,0,1,1,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0'
}

@test "hfmeasure: diamond DAG (spec case B) from an OBO file" {
	printf '[Term]\nid: CL:0000000\n\n[Term]\nid: CL:0000001\nis_a: CL:0000000 ! root\n\n[Term]\nid: CL:0000002\nis_a: CL:0000001\n\n[Term]\nid: CL:0000003\nis_a: CL:0000001\n\n[Term]\nid: CL:0000004\nis_a: CL:0000002\nis_a: CL:0000003\n\n[Term]\nid: CL:0000005\nis_a: CL:0000003\n' >"$T/d.obo"
	printf 't\tp_1\nCL:0000004\tCL:0000005\nCL:0000004\tCL:0000002\nCL:0000005\tCL:0000004\nCL:0000002\tCL:0000002\nCL:0000003\tCL:0000000\nCL:0000004\tCL:0000004\n' >"$T/d.tsv"
	run -0 cm-build --ontology "$T/d.obo" --truth "$T/d.tsv" --pred "$T/d.tsv" --gt-label t --inferred-label p_1 -o "$T/cm.jsonl"
	run -0 fmeasure "$T/cm.jsonl"
	assert_line --index 1 --partial ',2,4,4,0.3333333333333333,0.3333333333333333,0.3333333333333333,0.21333333333333332,0.2,0.26666666666666666,0.3333333333333333,0.3333333333333333,0.3111111111111111'
	run -0 hfmeasure --ontology "$T/d.obo" "$T/cm.jsonl"
	assert_line --index 1 --partial ',12,3,7,0.8,0.631578947368421,0.7058823529411765,0.5618181818181818,0.65,0.503333333333333'
	# the macro/weighted tails vary in the last bit upstream (spec 11.2 B)
	assert_line --index 1 --regexp ',0.8157894736842(105|104|106),0.631578947368421,0.705502392344497[56]$'
}

@test "confusion-matrix JSONL: bad records are exit 2, nothing written" {
	printf '{"schema":"scbench.cm/9","k":1,"label_order":[],"entries":[]}\n' >"$T/v.jsonl"
	run fmeasure "$T/v.jsonl" -o "$T/o.csv"
	assert_status 2
	assert_output --partial "scbench.cm/9"
	[ ! -e "$T/o.csv" ]
	printf '{"schema":"scbench.cm/1","k":1,"sample":"s","label_order":["a"],"entries":[[0,1,3]]}\n' >"$T/r.jsonl"
	run fmeasure "$T/r.jsonl"
	assert_status 2
	assert_output --partial "out of range"
	printf '{"schema":"scbench.cm/1","k":1,"sample":"s","label_order":["a","a"],"entries":[]}\n' >"$T/d.jsonl"
	run fmeasure "$T/d.jsonl"
	assert_status 2
	printf '{"schema":"scbench.cm/1","k":1,"sample":"s","label_order":["a"],"entr' >"$T/t.jsonl"
	run fmeasure "$T/t.jsonl"
	assert_status 2
	: >"$T/e.jsonl"
	run fmeasure "$T/e.jsonl"
	assert_status 2
}

@test "cm-aggregate: label orders must agree within a group; --by any key" {
	printf '{"schema":"scbench.cm/1","k":1,"sample":"s1","model_name":"m","label_order":["a","b"],"entries":[[0,0,2],[1,0,1]]}\n{"schema":"scbench.cm/1","k":1,"sample":"s2","model_name":"m","label_order":["a","b"],"entries":[[0,0,1],[1,1,4]]}\n' >"$T/ok.jsonl"
	run -0 cm-aggregate "$T/ok.jsonl" -o "$T/agg.jsonl"
	need_jq
	run jq -c '[.group, .n_samples_aggregated, .entries]' "$T/agg.jsonl"
	assert_output '["m",2,[[0,0,3],[1,0,1],[1,1,4]]]'
	run -0 cm-aggregate --by sample "$T/ok.jsonl"
	[ "${#lines[@]}" -eq 2 ]
	printf '{"schema":"scbench.cm/1","k":1,"sample":"s3","model_name":"m","label_order":["b","a"],"entries":[]}\n' >>"$T/ok.jsonl"
	run cm-aggregate "$T/ok.jsonl" -o "$T/bad.jsonl"
	assert_status 2
	assert_output --partial "label orders differ"
	[ ! -e "$T/bad.jsonl" ]
	run cm-aggregate --by nokey "$T/ok.jsonl"
	assert_status 2
}

@test "fmeasure --format jsonl writes metric records" {
	need_jq
	printf '{"schema":"scbench.cm/1","k":1,"sample":"s","model_name":"m","test_sample":"x","label_order":["a","b"],"entries":[[0,0,2],[1,0,1]]}\n' >"$T/c.jsonl"
	run -0 fmeasure --format jsonl "$T/c.jsonl" -o "$T/m.jsonl"
	run jq -r 'select(.metric=="precision_micro") | "\(.schema) \(.model) \(.dataset) \(.value) \(.params.k)"' "$T/m.jsonl"
	assert_output 'scbench.metric/1 m x 0.6666666666666666 1'
	[ "$(wc -l <"$T/m.jsonl")" -eq 12 ]
}

@test "annotation-benchmark: usage errors are exit 2" {
	run annotation-benchmark --output-dir "$T/o"
	assert_status 2
	run annotation-benchmark --annotate-dirs "$T/none" --output-dir "$T/o" --gt-label a --inferred-label b
	assert_status 2
	run -0 annotation-benchmark -h
}

@test "golden: every record's metadata matches upstream's confusion_matrix_meta.json" {
	need_shared
	need_jq
	for c in small edge; do
		run_case $c
		e="$GOLDEN/annotation/$c/expected"
		for m in "$e"/cm_raw_k*/*/confusion_matrix_meta.json; do
			rel=${m#"$e"/}
			ours="$T/$c/${rel%confusion_matrix_meta.json}confusion_matrix.jsonl"
			diff <(jq -S '{model_name, test_sample, gt_label, inferred_label, label_order,
				matrix_shape, f_measure_top_k, f_measure_inferred_labels,
				dir: (.annotate_dir | split("/") | last)}' "$m") \
				<(jq -S '{model_name, test_sample, gt_label, inferred_label, label_order,
				matrix_shape: [(.label_order|length), (.label_order|length)],
				f_measure_top_k: .k, f_measure_inferred_labels: .inferred_labels,
				dir: (.annotate_dir | split("/") | last)}' "$ours") || { echo "$rel"; return 1; }
		done
		for m in "$e"/cm_aggregate_k*/*/confusion_matrix_meta.json; do
			rel=${m#"$e"/}
			ours="$T/$c/${rel%confusion_matrix_meta.json}confusion_matrix.jsonl"
			diff <(jq -S '{model_name, label_order, matrix_shape, n_samples_aggregated,
				dirs: [.source_annotate_dirs[] | split("/") | last]}' "$m") \
				<(jq -S '{model_name, label_order, n_samples_aggregated,
				matrix_shape: [(.label_order|length), (.label_order|length)],
				dirs: [.source_annotate_dirs[] | split("/") | last]}' "$ours") || { echo "$rel"; return 1; }
		done
	done
}

@test "golden: n_cells of every raw record equals metadata.json's n_cells" {
	need_shared
	need_jq
	run_case small
	for d in "$GOLDEN"/annotation/small/inputs/annotate/*/; do
		b=$(basename "$d")
		[ "$(jq .n_cells "$d/metadata.json")" = "$(jq .n_cells "$T/small/cm_raw_k1/$b/confusion_matrix.jsonl")" ]
	done
}

@test "realistic set: pipeline through pipes equals the script, and is deterministic" {
	need_shared
	cd "$DATA/annotation-realistic"
	run -0 annotation-benchmark --annotate-dirs annotate --output-dir "$T/r" \
		--gt-label cell_type_ontology_term_id --inferred-label cas_cell_type_name_1 --top-k 3
	[ "$(wc -l <"$T/r/f_measure_per_group.csv")" -eq 4 ]
	[ "$(wc -l <"$T/r/hierarchical_f_measure_per_sample.csv")" -eq 10 ]
	cm-build -q -k 3 --no-provenance annotate/* >"$T/a.jsonl"
	cm-build -q -k 3 --no-provenance annotate/* >"$T/b.jsonl"
	cmp "$T/a.jsonl" "$T/b.jsonl"
	cm-build -q -k 3 annotate/* | cm-aggregate | fmeasure >"$T/g.csv"
	sc_cmp "$T/r/f_measure_per_group.csv" "$T/g.csv"
	cm-build -q annotate/* | cm-aggregate | hfmeasure --ontology "$DATA/cl-basic_2022-11-25.obo" >"$T/h.csv"
	sc_cmp "$T/r/hierarchical_f_measure_per_group.csv" "$T/h.csv"
}

@test "golden: confusion_matrix.npz arrays and meta JSON byte-identical to upstream's" {
	need_shared
	command -v unzip >/dev/null || skip "unzip not installed"
	for c in small edge; do
		run_case $c
		e="$GOLDEN/annotation/$c/expected"
		n=0
		for d in "$e"/cm_raw_k*/*/ "$e"/cm_aggregate_k*/*/; do
			rel=${d#"$e"/}
			for mem in indices indptr format shape data; do
				cmp <(unzip -p "$d/confusion_matrix.npz" $mem.npy) \
					<(unzip -p "$T/$c/$rel/confusion_matrix.npz" $mem.npy) || { echo "$rel $mem"; return 1; }
			done
			# upstream's absolute annotate paths were rewritten relative to inputs/
			sed "s#\"$GOLDEN/annotation/$c/inputs/#\"#" "$T/$c/$rel/confusion_matrix_meta.json" |
				cmp - "$d/confusion_matrix_meta.json" || { echo "$rel meta"; return 1; }
			n=$((n + 1))
		done
		[ "$n" -gt 10 ]
	done
}

@test "cm-export: a record name that is not a directory name is refused" {
	printf '{"schema":"scbench.cm/1","k":1,"sample":"../x","label_order":["a"],"entries":[]}\n' >"$T/r.jsonl"
	run cm-export --layout "$T/L" "$T/r.jsonl"
	assert_status 2
	assert_output --partial "not a directory name"
	[ ! -e "$T/x" ]
	run cm-export "$T/r.jsonl"
	assert_status 2
}

@test "cm-build: h5ad truth equals the same column exported by emb-extract as JSONL" {
	need_shared
	cd "$GOLDEN/annotation/small/inputs"
	run -0 emb-extract -q --obs cell_type_ontology_term_id --obs-out "$T/obs.jsonl" h5ad/pbmc_s1.h5ad -o /dev/null
	run -0 cm-build -q -k 3 --no-provenance annotate/model-b__pbmc_s1 -o "$T/a.jsonl"
	run -0 cm-build -q -k 3 --no-provenance --truth "$T/obs.jsonl" annotate/model-b__pbmc_s1 -o "$T/b.jsonl"
	cmp "$T/a.jsonl" "$T/b.jsonl"
	run --separate-stderr cm-build --gt-label no_such_column annotate/model-b__pbmc_s1
	assert_status 2
	[[ $stderr == *no_such_column* ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
}

@test "fmeasure: CSV and --metrics-out in one run; a sample missing a k is exit 2" {
	need_jq
	printf '{"schema":"scbench.cm/1","k":1,"sample":"s","model_name":"m","test_sample":"x","label_order":["a","b"],"entries":[[0,0,2],[1,0,1]]}\n{"schema":"scbench.cm/1","k":2,"sample":"s","model_name":"m","test_sample":"x","label_order":["a","b"],"entries":[[0,0,2],[1,1,1]]}\n' >"$T/c.jsonl"
	run -0 fmeasure --metrics-out "$T/m.jsonl" "$T/c.jsonl" -o "$T/f.csv"
	[ "$(wc -l <"$T/m.jsonl")" -eq 24 ]
	run jq -r 'select(.metric=="f1_micro" and .params.k==2) | .value' "$T/m.jsonl"
	assert_output '1'
	run -0 cut -d, -f1-3,15 "$T/f.csv"
	assert_output $'model_name,test_sample,tp_k1,tp_k2\nm,x,2,3'
	printf '{"schema":"scbench.cm/1","k":1,"sample":"t","model_name":"m","test_sample":"y","label_order":["a"],"entries":[[0,0,1]]}\n' >>"$T/c.jsonl"
	run fmeasure "$T/c.jsonl" -o "$T/g.csv"
	assert_status 2
	assert_output --partial "no k=2"
	[ ! -e "$T/g.csv" ]
}

@test "hfmeasure -k picks the records scored" {
	printf '[Term]\nid: R\n\n[Term]\nid: A\nis_a: R\n\n[Term]\nid: B\nis_a: R\n' >"$T/o.obo"
	printf 't\tp_1\tp_2\nA\tB\tA\nB\tB\tA\n' >"$T/c.tsv"
	run -0 cm-build -k 2 --ontology "$T/o.obo" --truth "$T/c.tsv" --pred "$T/c.tsv" --gt-label t \
		--inferred-label p_1 --sample s -o "$T/cm.jsonl"
	run -0 hfmeasure --root R --ontology "$T/o.obo" "$T/cm.jsonl"
	assert_line --index 1 --partial 's,1,1,1,0.5,0.5,0.5,'
	run -0 hfmeasure --root R -k 2 --ontology "$T/o.obo" "$T/cm.jsonl"
	assert_line --index 1 'unknown,s,2,0,0,1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0,1.0'
	run hfmeasure -k 3 --ontology "$T/o.obo" "$T/cm.jsonl"
	assert_status 2
}

@test "annotation-benchmark: a .txt list in any order gives upstream's sorted rows" {
	need_shared
	cd "$GOLDEN/annotation/small/inputs"
	printf '  annotate/model-b__pbmc_s2\n\nannotate/model-a__pbmc_s2  \nannotate/model-b__pbmc_s1\nannotate/model-a__pbmc_s1\n' >"$T/list.txt"
	run -0 annotation-benchmark --annotate-dirs "$T/list.txt" --output-dir "$T/o" \
		--gt-label cell_type_ontology_term_id --inferred-label cas_cell_type_name_1 --f-measure-top-k 3
	sc_cmp "$GOLDEN/annotation/small/expected/f_measure_per_sample.csv" "$T/o/f_measure_per_sample.csv"
	sc_cmp "$GOLDEN/annotation/small/expected/f_measure_per_group.csv" "$T/o/f_measure_per_group.csv"
}
