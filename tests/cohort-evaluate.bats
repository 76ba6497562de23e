#!/usr/bin/env bats
# scripts/cohort-evaluate and cohort-tool: readiness and evaluation statuses per member, one
# failing member never stops the others, the derived report, skips keyed on digests and
# versions, --force and -j. Scoring runs end to end when emb-extract and score-scib are on
# PATH; without them ready members are evaluation_failed (and the tests say so).
load helpers/sc

DS() { echo "$DATA/scanpy_pbmc68k_reduced.h5ad"; }

# A launch dir in $T/launch: good members a and b (700 rows bound to the dataset), c with a
# tampered embedding, d without an artifact dir, e with 40 rows.
mklaunch() {
	local m
	mkdir -p "$T/launch/art"
	for m in a b c; do
		sc-simulate -n 700 -d 6 --types 4 --seed ${#m}$RANDOM -o "$T/$m.scmat"
		mkdir -p "$T/launch/art/$m"
		echo "run $m" >"$T/launch/art/$m/run.log"
		artifact-seal -q --embedding "$T/$m.scmat" --dataset "$(DS)" "$T/launch/art/$m" >/dev/null
	done
	printf '\x01' | dd of="$T/launch/art/c/embeddings.h5" bs=1 seek=4000 conv=notrunc status=none
	sc-simulate -n 40 -d 6 --seed 5 -o "$T/e.scmat"
	mkdir -p "$T/launch/art/e"
	artifact-seal -q --embedding "$T/e.scmat" "$T/launch/art/e" >/dev/null
	{
		printf '{"schema_version":1,"launch_id":"L1","manifest_hash":"abc","backend":"local","seed":0,'
		printf '"experiment_name":"t","created_at":"20261124T000000Z","members":['
		for m in a b c d e; do
			printf '{"member_id":"pbmc-%s","dataset_slug":"pbmc","model_slug":"%s","dataset_path":"%s",' "$m" "$m" "$(DS)"
			[ $m = d ] || printf '"artifact_dir":"art/%s",' "$m"
			printf '"label_key":"bulk_labels","batch_key":"phase"}%s' "$([ $m = e ] || echo ,)"
		done
		printf ']}\n'
	} >"$T/launch/cohort.json"
}

have_scoring() { command -v score-scib >/dev/null && command -v emb-extract >/dev/null; }

status_of() { jq -r --arg m "$1" '.table[] | select(.member_id == $m) | .eval_status' "$T/launch/evaluation_report.json"; }

@test "one failing member among good ones: the others are evaluated, exit 1, derived report" {
	need_shared
	need_jq
	mklaunch
	run --separate-stderr cohort-evaluate "$T/launch/cohort.json"
	assert_status 1
	[ "$(status_of pbmc-c)" = no_embeddings ]
	[ "$(status_of pbmc-d)" = not_ready ]
	[ "$(status_of pbmc-e)" = obs_mismatch ]
	run -0 jq -r '.readiness_counts | to_entries | map("\(.key)=\(.value)") | join(",")' "$T/launch/evaluation_report.json"
	assert_output "missing_artifact_dir=1,no_embeddings=1,obs_mismatch=1,ready=2"
	run -0 jq -r '.code + " " + .error.message' "$T/launch/evaluations/pbmc-c.json"
	assert_output --partial "CHECKSUM_MISMATCH"
	run -0 jq -r '"\(.schema_version) \(.total) \(.launch_id)"' "$T/launch/evaluation_report.json"
	assert_output "1 5 L1"
	[ -f "$T/launch/manifest.json" ] && [ -f "$T/launch/provenance.json" ]
	if have_scoring; then
		[ "$(status_of pbmc-a)" = done ] && [ "$(status_of pbmc-b)" = done ]
		run -0 jq -r '.metrics.evaluation | has("Silhouette label")' "$T/launch/evaluations/pbmc-a.json"
		assert_output true
		[ -s "$T/launch/report.md" ]
	else
		echo "# score-scib/emb-extract not on PATH: ready members fail scoring" >&3
		[ "$(status_of pbmc-a)" = evaluation_failed ]
		run -0 jq -r .reason "$T/launch/evaluations/pbmc-a.json"
		assert_output "scoring failed; see logs/pbmc-a.log"
	fi
}

@test "-j 2 gives the same statuses as -j 1" {
	need_shared
	need_jq
	mklaunch
	run cohort-evaluate -j 1 "$T/launch/cohort.json"
	jq -S '[.table[] | {member_id, eval_status, readiness_status}]' "$T/launch/evaluation_report.json" >"$T/j1"
	run cohort-evaluate -j 2 --force "$T/launch/cohort.json"
	jq -S '[.table[] | {member_id, eval_status, readiness_status}]' "$T/launch/evaluation_report.json" >"$T/j2"
	sc_cmp "$T/j1" "$T/j2"
}

@test "idempotent rerun skips done members; --force and a changed artifact re-score" {
	need_shared
	need_jq
	have_scoring || skip "score-scib and emb-extract are not on PATH (merge scib and h5ad)"
	mklaunch
	run cohort-evaluate "$T/launch/cohort.json"
	cp "$T/launch/evaluations/pbmc-a.json" "$T/a1.json"
	run --separate-stderr cohort-evaluate "$T/launch/cohort.json"
	assert_status 1
	[[ "$stderr" == *"pbmc-a: up to date, skipped"* ]]
	sc_cmp "$T/a1.json" "$T/launch/evaluations/pbmc-a.json"
	run --separate-stderr cohort-evaluate --force "$T/launch/cohort.json"
	[[ "$stderr" == *"pbmc-a: done"* ]]
	echo more >>"$T/launch/art/a/run.log"
	artifact-seal -q --dataset "$(DS)" "$T/launch/art/a" >/dev/null
	run --separate-stderr cohort-evaluate "$T/launch/cohort.json"
	[[ "$stderr" == *"pbmc-a: done"* ]]
	[[ "$stderr" == *"pbmc-b: up to date, skipped"* ]]
	run -0 cohort-tool field "$T/launch/evaluations/pbmc-a.json" artifact_manifest_sha256
	assert_output "$(sha256sum "$T/launch/art/a/artifact_manifest.json" | cut -c1-64)"
}

@test "cohort-tool current: done with the same digest, version and parameters, nothing else" {
	r=$T/r.json
	run -0 cohort-tool result --member m1 --status done --reason "" --manifest-sha256 aa --tool-version "v 1" \
		--params-sha256 pp -o "$r"
	run -0 cohort-tool current "$r" --manifest-sha256 aa --tool-version "v 1" --params-sha256 pp
	run -1 cohort-tool current "$r" --manifest-sha256 ab --tool-version "v 1" --params-sha256 pp
	run -1 cohort-tool current "$r" --manifest-sha256 aa --tool-version "v 2" --params-sha256 pp
	run -1 cohort-tool current "$r" --manifest-sha256 aa --tool-version "v 1" --params-sha256 pq
	run -1 cohort-tool current "$T/none.json" --manifest-sha256 aa
	run -0 cohort-tool result --member m1 --status evaluation_failed --reason x --manifest-sha256 aa \
		--tool-version "v 1" --params-sha256 pp -o "$r"
	run -1 cohort-tool current "$r" --manifest-sha256 aa --tool-version "v 1" --params-sha256 pp
}

@test "readiness projects to Multiverse's evaluation statuses" {
	need_jq
	for pair in ready:pending bad_artifact_manifest:bad_manifest missing_artifact_dir:not_ready \
		no_embeddings:no_embeddings obs_mismatch:obs_mismatch cancelled:training_failed; do
		printf '{"status":"%s","code":null,"reason":"r"}\n' "${pair%%:*}" >"$T/rd.json"
		run -0 cohort-tool result --member m --readiness "$T/rd.json" -o "$T/out.json"
		run -0 jq -r .status "$T/out.json"
		assert_output "${pair#*:}"
	done
}

@test "a bad cohort is exit 2: schema, duplicate ids, unsafe ids, missing file" {
	printf '{"schema_version":2,"members":[]}' >"$T/c.json"
	run cohort-evaluate "$T/c.json"
	assert_status 2
	printf '{"schema_version":1,"members":[{"member_id":"x"},{"member_id":"x"}]}' >"$T/c.json"
	run --separate-stderr cohort-evaluate "$T/c.json"
	assert_status 2
	[[ "$stderr" == *"appears twice"* ]]
	printf '{"schema_version":1,"members":[{"member_id":"../x"}]}' >"$T/c.json"
	run cohort-evaluate "$T/c.json"
	assert_status 2
	run cohort-evaluate "$T/none.json"
	assert_status 2
	run cohort-evaluate -j x "$T/c.json"
	assert_status 2
	run -0 cohort-evaluate -h
}
