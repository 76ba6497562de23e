#!/usr/bin/env bats
# run-dir (manifest, provenance, DVC-style stamps) and the embedding-benchmark / demo
# workflows built on it. The workflows' scoring runs when score-scib is on PATH.
load helpers/sc

@test "run-dir init: inputs with digests, params, seeds; provenance with versions and git state" {
	need_jq
	printf 'x\n' >"$T/in.txt"
	run -0 run-dir init "$T/run" --workflow wf --param k=15 --seed 3 --input data="$T/in.txt" \
		--tool "score-scib 0.1.0" --git v1-2-gabc-dirty -- wf --k 15
	spec=$output
	run -0 jq -r '"\(.schema) \(.params.k) \(.seeds[0]) \(.inputs[0].role) \(.inputs[0].sha256) \(.spec_sha256)"' "$T/run/manifest.json"
	assert_output "scbench.run_manifest/1 15 3 data $(sha256sum "$T/in.txt" | cut -c1-64) $spec"
	run -0 jq -r '"\(.schema) \(.dirty) \(.git_describe) \(.tools[0]) \(.cpu_cores > 0) \(.libraries.hdf5 != null)"' "$T/run/provenance.json"
	assert_output "scbench.provenance/1 true v1-2-gabc-dirty score-scib 0.1.0 true true"
	# the same spec reuses the directory; another one is refused unless -f
	run -0 run-dir init "$T/run" --workflow wf --param k=15 --seed 3 --input data="$T/in.txt"
	assert_output "$spec"
	run --separate-stderr run-dir init "$T/run" --workflow wf --param k=30 --seed 3 --input data="$T/in.txt"
	assert_status 2
	run -0 run-dir init -f "$T/run" --workflow wf --param k=30 --seed 3 --input data="$T/in.txt"
	run run-dir init "$T/run" --workflow wf --input data="$T/missing"
	assert_status 2
}

@test "run-dir stamps: complete only with the same key and intact outputs" {
	printf 'a\n' >"$T/in"
	printf 'o\n' >"$T/out"
	run -0 run-dir key s1 --part "cmd --x" --input "$T/in"
	key=$output
	run -1 run-dir check "$T/run" s1 "$key"
	run -0 run-dir stamp "$T/run" s1 "$key" "$T/out"
	run -0 run-dir check "$T/run" s1 "$key"
	run -0 run-dir key s1 --part "cmd --y" --input "$T/in"
	run -1 run-dir check "$T/run" s1 "$output"
	printf 'b\n' >"$T/in"
	run -0 run-dir key s1 --part "cmd --x" --input "$T/in"
	[ "$output" != "$key" ]
	printf 'O\n' >"$T/out"
	run -1 run-dir check "$T/run" s1 "$key"
	run run-dir stamp "$T/run" ../escape "$key"
	assert_status 2
}

@test "embedding-benchmark: usage and input errors exit 2 before any work" {
	run embedding-benchmark --dataset sim=x
	assert_status 2
	run embedding-benchmark -o "$T/r" --dataset sim="$T/none.jsonl" --embedding sim:m="$T/none"
	assert_status 2
	printf '{"obs_name":"c0"}\n' >"$T/obs.jsonl"
	run --separate-stderr embedding-benchmark -o "$T/r" --dataset "bad/name=$T/obs.jsonl" --embedding "x:m=$T/obs.jsonl"
	assert_status 2
	run --separate-stderr embedding-benchmark -o "$T/r" --dataset "sim=$T/obs.jsonl" --embedding "other:m=$T/obs.jsonl"
	assert_status 2
	[[ "$stderr" == *"no --dataset named 'other'"* ]]
	run -0 embedding-benchmark -h
}

@test "embedding-benchmark end to end: metrics, report, figures; a rerun skips every step" {
	command -v score-scib >/dev/null || skip "score-scib is not on PATH (merge scib)"
	command -v xmllint >/dev/null || skip "xmllint not installed"
	sc-simulate -n 600 -d 8 --types 4 --batches 2 --seed 1 --embedding latent -o "$T/l.scmat" --obs-out "$T/obs.jsonl"
	sc-simulate -n 600 -d 8 --types 4 --batches 2 --seed 1 --noise-sd 2 -o "$T/n.scmat"
	run -0 embedding-benchmark -o "$T/run" --dataset "sim=$T/obs.jsonl" --embedding "sim:latent=$T/l.scmat" \
		--embedding "sim:noisy=$T/n.scmat"
	[ -s "$T/run/aggregated/metrics.jsonl" ]
	grep -q '^| 1 | latent |' "$T/run/report/report.md"
	xmllint --noout "$T"/run/report/figures/*.svg
	# label prediction ran for every model: czbenchmarks lr and knn, not rf, by default
	need_jq
	run -0 jq -r 'select(.task == "label_prediction" and (.metric | startswith("mean_fold_accuracy")))
		| "\(.model) \(.params.classifier)"' "$T/run/aggregated/metrics.jsonl"
	assert_output $'latent MEAN(knn,lr)\nlatent lr\nlatent knn\nnoisy MEAN(knn,lr)\nnoisy lr\nnoisy knn'
	run -0 jq -s '[.[] | select(.task == "label_prediction" and .params.split != null)] | length' \
		"$T/run/aggregated/metrics.jsonl"
	assert_output 100 # 2 models x 2 classifiers x 5 folds x 5 metrics
	# and the report shows them in a table of their own, not among the scIB metrics
	grep -q '^### Label prediction$' "$T/run/report/report.md"
	grep -Eq '^\| latent \| MEAN\(knn,lr\) \| (\*\*)?[01]\.[0-9]{4}(\*\*)? \|' "$T/run/report/report.md"
	grep -Eq '^\| noisy \| knn \| (\*\*)?[01]\.[0-9]{4}(\*\*)? \|' "$T/run/report/report.md"
	run -1 grep -q '^| model |.*mean\\_fold' "$T/run/report/report.md"
	run --separate-stderr embedding-benchmark -o "$T/run" --dataset "sim=$T/obs.jsonl" \
		--embedding "sim:latent=$T/l.scmat" --embedding "sim:noisy=$T/n.scmat"
	assert_status 0
	[[ "$stderr" == *"score_sim_latent: up to date"* ]]
	[[ "$stderr" == *"lp_sim_noisy: up to date"* ]]
	[[ "$stderr" == *"report: up to date"* ]]
	run --separate-stderr embedding-benchmark --force -o "$T/run" --dataset "sim=$T/obs.jsonl" \
		--embedding "sim:latent=$T/l.scmat" --embedding "sim:noisy=$T/n.scmat"
	[[ "$stderr" != *"up to date"* ]]
	# the gate accepts the run directory itself
	run -0 bench-gate "$T/run" "$T/run"
}

@test "embedding-benchmark --label-prediction: scmodelforge probe, none, or a bad choice" {
	command -v score-scib >/dev/null || skip "score-scib is not on PATH (merge scib)"
	need_jq
	sc-simulate -n 300 -d 6 --types 3 --batches 2 --seed 2 --embedding latent -o "$T/l.scmat" --obs-out "$T/obs.jsonl"
	run embedding-benchmark --label-prediction bogus -o "$T/r0" --dataset "sim=$T/obs.jsonl" --embedding "sim:latent=$T/l.scmat"
	assert_status 2
	run embedding-benchmark --classifiers 'lr,,knn' -o "$T/r0" --dataset "sim=$T/obs.jsonl" --embedding "sim:latent=$T/l.scmat"
	assert_status 2
	[ ! -e "$T/r0" ]
	run -0 embedding-benchmark --label-prediction scmodelforge --metrics nmi,asw_batch -o "$T/r1" \
		--dataset "sim=$T/obs.jsonl" --embedding "sim:latent=$T/l.scmat"
	run -0 jq -r 'select(.task == "linear_probe") | .metric' "$T/r1/aggregated/metrics.jsonl"
	assert_output $'accuracy\nf1_macro\nf1_weighted'
	grep -q '^### Linear probe$' "$T/r1/report/report.md"
	run -0 jq -r '.params.label_prediction' "$T/r1/manifest.json"
	assert_output scmodelforge
	run -0 embedding-benchmark --label-prediction none --metrics nmi,asw_batch -o "$T/r2" \
		--dataset "sim=$T/obs.jsonl" --embedding "sim:latent=$T/l.scmat"
	[ ! -e "$T/r2/steps/lp_sim_latent" ]
	run -0 jq -s '[.[] | select(.task == "label_prediction" or .task == "linear_probe")] | length' \
		"$T/r2/aggregated/metrics.jsonl"
	assert_output 0
	run -1 grep -q '^### Label prediction$' "$T/r2/report/report.md"
}
