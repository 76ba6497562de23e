#!/usr/bin/env bats
# report-md: Markdown tables of the right shape, scIB aggregate and ranking, baseline deltas,
# SVG figures that parse as XML, HTML output, byte-identical reruns, and bad input exit 2.
load helpers/sc

# Three models x three scIB metrics x two seeds on one dataset, one on another, and timings.
fixture() {
	local m v
	for m in good:0.9 mid:0.6 bad:0.3; do
		for met in nmi_leiden asw_label asw_batch; do
			for s in 1 2; do
				v=${m#*:}
				printf '{"schema":"scbench.metric/1","task":"batch_integration","dataset":"sim","model":"%s","metric":"%s","value":%s%s,"seed":%d,"tool":"score-scib 0.1.0"}\n' \
					"${m%%:*}" "$met" "$v" "$s" "$s"
			done
		done
	done
	printf '{"schema":"scbench.metric/1","dataset":"kang","model":"good","metric":"accuracy","value":0.75}\n'
	printf '{"schema":"scbench.metric/1","dataset":"kang","model":"bad","metric":"accuracy","value":null,"reason":"one class"}\n'
	printf '{"schema":"scbench.metric/1","dataset":"sim","model":"good","metric":"wall_s.knn","unit":"s","value":1.5,"repeat":0}\n'
}

# Rows of the first table after a heading within dataset sim's section.
table_after() {
	awk -v h="$2" '$0 == "## Dataset `sim`" {d=1; next} d && $0 == h {f=1; next}
		f && /^\|/ {print; t=1; next} t {exit}' "$1"
}

@test "per dataset a models x metrics table with the right shape" {
	fixture >"$T/m.jsonl"
	run -0 report-md -o "$T/r.md" "$T/m.jsonl"
	table_after "$T/r.md" "### Metrics" >"$T/t"
	# header + separator + 3 models; 1 model column + 3 metrics: 5 pipes per line
	[ "$(wc -l <"$T/t")" -eq 5 ]
	run -0 awk -F'|' '{print NF - 2}' "$T/t"
	assert_output $'4\n4\n4\n4\n4'
	run -0 sed -n 2p "$T/t"
	assert_output '|---|---:|---:|---:|'
	grep -q '^| good | \*\*0.9150 ± 0.0071\*\* |' "$T/t"
	grep -q '^## Dataset `kang`' "$T/r.md"
	grep -q '^| bad | n/a |' "$T/r.md"
}

@test "scIB aggregate and ranking: min-max scaled by default, raw with --scale none" {
	fixture >"$T/m.jsonl"
	run -0 report-md -o "$T/r.md" "$T/m.jsonl"
	table_after "$T/r.md" "### Ranking" >"$T/t"
	run -0 sed -n '3,5p' "$T/t"
	assert_output $'| 1 | good | 1.0000 | 1.0000 | 1.0000 |\n| 2 | mid | 0.5000 | 0.5000 | 0.5000 |\n| 3 | bad | 0.0000 | 0.0000 | 0.0000 |'
	run -0 report-md --scale none -o "$T/r2.md" "$T/m.jsonl"
	table_after "$T/r2.md" "### Ranking" >"$T/t"
	# bio = mean(nmi, asw_label) = 0.915, batch = asw_batch = 0.915, total = 0.915
	run -0 sed -n 3p "$T/t"
	assert_output '| 1 | good | 0.9150 | 0.9150 | 0.9150 |'
}

@test "--baseline adds direction-aware deltas" {
	fixture >"$T/m.jsonl"
	sed 's/"model":"mid","metric":"nmi_leiden","value":0.61/"model":"mid","metric":"nmi_leiden","value":0.71/' \
		"$T/m.jsonl" >"$T/base.jsonl"
	run -0 report-md --baseline "$T/base.jsonl" -o "$T/r.md" "$T/m.jsonl"
	grep -q '^### Change from the baseline' "$T/r.md"
	grep -q '^| mid | nmi\\_leiden | 0.6650 | 0.6150 | -0.0500 | worse |' "$T/r.md"
	grep -q '^| good | nmi\\_leiden | 0.9150 | 0.9150 | +0.0000 | same |' "$T/r.md"
}

@test "figures: SVG files that parse as XML, linked from the Markdown; --html embeds them" {
	command -v xmllint >/dev/null || skip "xmllint not installed"
	fixture >"$T/m.jsonl"
	mkdir "$T/out"
	run -0 report-md --figures "$T/out/figures" --html "$T/out/report.html" -o "$T/out/report.md" "$T/m.jsonl"
	run -0 ls "$T/out/figures"
	assert_output $'kang_bars.svg\nkang_results.svg\nsim_bars.svg\nsim_results.svg'
	xmllint --noout "$T"/out/figures/*.svg
	grep -q '^!\[sim: results by model (best first)\](figures/sim_results.svg)$' "$T/out/report.md"
	grep -q 'viewBox="0 0 ' "$T/out/figures/sim_results.svg"
	[ "$(grep -c '<svg ' "$T/out/report.html")" -eq 4 ]
	xmllint --html --noout "$T/out/report.html"
}

@test "the report is a pure function of its input: reruns are byte-identical" {
	fixture >"$T/m.jsonl"
	mkdir "$T/a" "$T/b"
	(cd "$T/a" && report-md --figures figs --html r.html -o r.md ../m.jsonl)
	(cd "$T/b" && report-md --figures figs --html r.html -o r.md ../m.jsonl)
	diff -r "$T/a" "$T/b"
	# and it cites the input's digest and every record's line
	grep -q "$(sha256sum "$T/m.jsonl" | cut -c1-64)" "$T/a/r.md"
	grep -q '| sim | bad | asw\\_batch | 2 | 0.32 | ../m.jsonl:18 |' "$T/a/r.md"
}

@test "bad input exits 2 and leaves no output" {
	printf '{"schema":"scbench.metric/2","metric":"x","value":1}\n' >"$T/v2.jsonl"
	run --separate-stderr report-md -o "$T/r.md" "$T/v2.jsonl"
	assert_status 2
	[[ "$stderr" == *"unknown metric schema"* ]]
	[ ! -e "$T/r.md" ]
	printf '{"schema":"scbench.metric/1","metric":"x","value":1}\n{"schema":' >"$T/trunc.jsonl"
	run report-md -o "$T/r.md" "$T/trunc.jsonl"
	assert_status 2
	run report-md --scale bogus "$T/v2.jsonl"
	assert_status 2
	run report-md "$T/none.jsonl"
	assert_status 2
}

# Label prediction as label-predict writes it (per-fold and mean_fold_ records per classifier,
# task label_prediction) and a linear probe, for models that the scIB fixture ranks good > bad.
lp_fixture() {
	local m clf met f
	for m in good:0.7 bad:0.9; do
		for clf in lr knn 'MEAN(knn,lr)'; do
			for met in accuracy f1; do
				printf '{"schema":"scbench.metric/1","task":"label_prediction","dataset":"sim","model":"%s","metric":"mean_fold_%s","value":%s,"params":{"classifier":"%s"}}\n' \
					"${m%%:*}" "$met" "${m#*:}$([ "$clf" = lr ] && echo 5 || echo 1)" "$clf"
			done
		done
		for f in 0 1; do
			printf '{"schema":"scbench.metric/1","task":"label_prediction","dataset":"sim","model":"%s","metric":"accuracy","value":0.5,"params":{"classifier":"lr","split":%d}}\n' "${m%%:*}" "$f"
		done
		printf '{"schema":"scbench.metric/1","task":"linear_probe","dataset":"sim","model":"%s","metric":"f1_macro","value":%s,"params":{"seed":42}}\n' "${m%%:*}" "${m#*:}"
	done
}

@test "label prediction: its own table per model and classifier, kept out of the scIB table and ranking" {
	{ fixture; lp_fixture; } >"$T/m.jsonl"
	run -0 report-md -o "$T/r.md" "$T/m.jsonl"
	# the scIB table and ranking are those of the scIB records alone
	table_after "$T/r.md" "### Metrics" >"$T/t"
	run -0 sed -n 1p "$T/t"
	assert_output '| model | asw\_label | nmi\_leiden | asw\_batch |'
	table_after "$T/r.md" "### Ranking" >"$T/t"
	run -0 sed -n '3,5p' "$T/t"
	assert_output $'| 1 | good | 1.0000 | 1.0000 | 1.0000 |\n| 2 | mid | 0.5000 | 0.5000 | 0.5000 |\n| 3 | bad | 0.0000 | 0.0000 | 0.0000 |'
	# label prediction: the mean_fold_ records, a row per model and classifier, best in bold
	table_after "$T/r.md" "### Label prediction" >"$T/t"
	run -0 cat "$T/t"
	assert_output - <<'TAB'
| model | classifier | accuracy | f1 |
|---|---|---:|---:|
| bad | MEAN(knn,lr) | 0.9100 | 0.9100 |
| bad | knn | 0.9100 | 0.9100 |
| bad | lr | **0.9500** | **0.9500** |
| good | MEAN(knn,lr) | 0.7100 | 0.7100 |
| good | knn | 0.7100 | 0.7100 |
| good | lr | 0.7500 | 0.7500 |
TAB
	table_after "$T/r.md" "### Linear probe" >"$T/t"
	run -0 sed -n '3,4p' "$T/t"
	assert_output $'| bad | **0.9000** |\n| good | 0.7000 |'
	# per-fold records only in the sources, named by their params
	grep -qF '| sim | good | accuracy {"classifier":"lr","split":1} |  | 0.5 |' "$T/r.md"
	# deltas against a baseline, per model and classifier
	sed 's/"model":"good","metric":"mean_fold_accuracy","value":0.75/"model":"good","metric":"mean_fold_accuracy","value":0.8/' \
		"$T/m.jsonl" >"$T/base.jsonl"
	run -0 report-md --baseline "$T/base.jsonl" -o "$T/r2.md" "$T/m.jsonl"
	grep -qF '| good (lr) | accuracy | 0.8000 | 0.7500 | -0.0500 | worse |' "$T/r2.md"
}

@test "label prediction and linear probe get their own bar figures" {
	command -v xmllint >/dev/null || skip "xmllint not installed"
	{ fixture; lp_fixture; } >"$T/m.jsonl"
	run -0 report-md --figures "$T/fig" -o "$T/r.md" "$T/m.jsonl"
	run -0 ls "$T/fig"
	assert_output $'kang_bars.svg\nkang_results.svg\nsim_bars.svg\nsim_label_prediction.svg\nsim_linear_probe.svg\nsim_results.svg'
	xmllint --noout "$T"/fig/*.svg
	grep -q '^!\[sim: label prediction by model and classifier\](fig/sim_label_prediction.svg)$' "$T/r.md"
	# one bar per model and classifier, named as in the table
	grep -qF 'good (MEAN(knn,lr))' "$T/fig/sim_label_prediction.svg"
	grep -qF '>bad (lr)<' "$T/fig/sim_label_prediction.svg"
	# the figure follows its table, before the linear probe section
	awk '/^### Label prediction/{l=NR} /sim_label_prediction.svg/{f=NR} /^### Linear probe/{p=NR} END{exit !(l < f && f < p)}' "$T/r.md"
}

@test "score-scib's aggregate records are recomputed, not shown as metric columns" {
	fixture >"$T/m.jsonl"
	for a in bio_conservation batch_correction total; do
		printf '{"schema":"scbench.metric/1","dataset":"sim","model":"good","metric":"%s","value":0.5}\n' "$a" >>"$T/m.jsonl"
	done
	run -0 report-md -o "$T/r.md" "$T/m.jsonl"
	hdr=$(table_after "$T/r.md" "### Metrics" | head -1)
	[[ "$hdr" == *nmi* ]]
	[[ "$hdr" != *conservation* && "$hdr" != *correction* && "$hdr" != *"| total"* ]]
	grep -q "^### Ranking" "$T/r.md"
}
