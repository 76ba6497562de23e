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
	run --separate-stderr embedding-benchmark -o "$T/run" --dataset "sim=$T/obs.jsonl" \
		--embedding "sim:latent=$T/l.scmat" --embedding "sim:noisy=$T/n.scmat"
	assert_status 0
	[[ "$stderr" == *"score_sim_latent: up to date"* ]]
	[[ "$stderr" == *"report: up to date"* ]]
	run --separate-stderr embedding-benchmark --force -o "$T/run" --dataset "sim=$T/obs.jsonl" \
		--embedding "sim:latent=$T/l.scmat" --embedding "sim:noisy=$T/n.scmat"
	[[ "$stderr" != *"up to date"* ]]
	# the gate accepts the run directory itself
	run -0 bench-gate "$T/run" "$T/run"
}
