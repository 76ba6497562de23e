#!/usr/bin/env bats
# artifact-verify / artifact-seal: every failure class of the bundle checks gives the right
# readiness status, code and exit status; sealing agrees with sha256sum -c.
load helpers/sc

# A sealed bundle in $T/b: a 40 x 6 embedding bound to sim obs names, a job spec and a log.
mkbundle() {
	sc-simulate -n 40 -d 6 --types 3 --batches 2 --seed 3 -o "$T/x.scmat" --obs-out "$T/obs.jsonl"
	rm -rf "$T/b"
	mkdir -p "$T/b/logs"
	printf '{"hyperparameters":{"m":{"lr":0.1}},"model_name":"m","seed":1}\n' >"$T/b/job_spec.json"
	printf 'container started\n' >"$T/b/logs/container.log"
	artifact-seal -q --embedding "$T/x.scmat" --obs "$T/obs.jsonl" --dataset-slug sim "$T/b" >/dev/null
}

# Re-sign the manifest after a test edits it (what a careless or hostile producer would do).
resign() { (cd "$1" && sha256sum artifact_manifest.json >artifact_manifest.sha256); }

# Run the verifier and check status, code and exit status.
expect() {
	local st=$1 code=$2 want=$3
	shift 3
	run --separate-stderr artifact-verify "$@"
	assert_status "$want"
	[ "$(jq -r .status <<<"$output")" = "$st" ] || { echo "status: $output"; return 1; }
	[ "$(jq -r .code <<<"$output")" = "$code" ] || { echo "code: $output"; return 1; }
}

@test "a fresh seal verifies ready and sha256sum -c agrees with the sidecar" {
	need_jq
	mkbundle
	(cd "$T/b" && sha256sum -c --strict artifact_manifest.sha256)
	expect ready null 0 "$T/b"
	[ "$(jq -r .files_checked <<<"$output")" = 3 ]
	[ "$(jq -r .n_obs <<<"$output")" = 40 ]
	# every file is listed, logs and job_spec included, with its role
	run -0 jq -r '.artifacts[] | "\(.name) \(.role)"' "$T/b/artifact_manifest.json"
	assert_output $'embeddings.h5 embedding\njob_spec.json job_spec\nlogs/container.log log'
	# the manifest has no trailing newline and sorted keys, like Multiverse's writer
	[ "$(tail -c1 "$T/b/artifact_manifest.json" | od -An -c | tr -d ' ')" = "}" ]
	run -0 jq -r 'keys_unsorted == keys' "$T/b/artifact_manifest.json"
	assert_output true
}

@test "sealing twice gives the same artifact list, and leaves no temporary files" {
	need_jq
	mkbundle
	jq -S .artifacts "$T/b/artifact_manifest.json" >"$T/a1"
	run -0 artifact-seal --attempt-id 00000000-0000-4000-8000-000000000000 "$T/b"
	jq -S .artifacts "$T/b/artifact_manifest.json" >"$T/a2"
	sc_cmp "$T/a1" "$T/a2"
	run -0 jq -r .physical_attempt_id "$T/b/artifact_manifest.json"
	assert_output 00000000-0000-4000-8000-000000000000
	run -0 find "$T/b" -name '*tmp*'
	assert_output ""
}

@test "a flipped byte in a listed file is CHECKSUM_MISMATCH (the embedding: no_embeddings)" {
	need_jq
	mkbundle
	printf 'container stArted\n' >"$T/b/logs/container.log"
	expect bad_artifact_manifest CHECKSUM_MISMATCH 1 "$T/b"
	mkbundle
	printf '\x01' | dd of="$T/b/embeddings.h5" bs=1 seek=3000 conv=notrunc status=none
	expect no_embeddings CHECKSUM_MISMATCH 1 "$T/b"
}

@test "a truncated file is SIZE_MISMATCH; a removed one LISTED_FILE_MISSING; an added one UNLISTED_FILE" {
	need_jq
	mkbundle
	truncate -s 5 "$T/b/job_spec.json"
	expect bad_artifact_manifest SIZE_MISMATCH 1 "$T/b"
	mkbundle
	rm "$T/b/job_spec.json"
	expect bad_artifact_manifest LISTED_FILE_MISSING 1 "$T/b"
	mkbundle
	echo extra >"$T/b/logs/orchestrator.log"
	expect bad_artifact_manifest UNLISTED_FILE 1 "$T/b"
}

@test "a tampered manifest is SIDECAR_MISMATCH; a missing or malformed sidecar is refused" {
	need_jq
	mkbundle
	sed -i 's/"slug": "sim"/"slug": "simX"/' "$T/b/artifact_manifest.json"
	expect bad_artifact_manifest SIDECAR_MISMATCH 1 "$T/b"
	mkbundle
	rm "$T/b/artifact_manifest.sha256"
	expect bad_artifact_manifest SIDECAR_MISSING 1 "$T/b"
	printf 'abc  artifact_manifest.json\n' >"$T/b/artifact_manifest.sha256"
	expect bad_artifact_manifest SIDECAR_MALFORMED 1 "$T/b"
	rm "$T/b/artifact_manifest.json"
	expect bad_artifact_manifest MANIFEST_MISSING 1 "$T/b"
}

@test "a re-signed manifest must still parse, have schema_version 1 and well-typed entries" {
	need_jq
	mkbundle
	printf '{"schema_version": "1", "artifacts": [' >"$T/b/artifact_manifest.json"
	resign "$T/b"
	expect bad_artifact_manifest MANIFEST_PARSE 1 "$T/b"
	printf '{"schema_version": "2", "artifacts": []}' >"$T/b/artifact_manifest.json"
	resign "$T/b"
	expect bad_artifact_manifest SCHEMA_VERSION 1 "$T/b"
	printf '{"schema_version": "1", "artifacts": [{"name": "x", "sha256": "zz", "size": 1}]}' \
		>"$T/b/artifact_manifest.json"
	resign "$T/b"
	expect bad_artifact_manifest MANIFEST_SHAPE 1 "$T/b"
}

@test "entries naming ../x, /etc/passwd or a//b are PATH_ESCAPE" {
	need_jq
	mkbundle
	cp "$T/b/artifact_manifest.json" "$T/orig.json"
	for bad in ../x /etc/passwd a//b './job_spec.json' '~root/x'; do
		jq --arg n "$bad" '.artifacts[1].name = $n' "$T/orig.json" >"$T/b/artifact_manifest.json"
		resign "$T/b"
		expect bad_artifact_manifest PATH_ESCAPE 1 "$T/b"
	done
}

@test "a listed file replaced by a symlink, out of or inside the bundle, is SYMLINK" {
	need_jq
	mkbundle
	cp "$T/b/job_spec.json" "$T/outside.json"
	ln -sf "$T/outside.json" "$T/b/job_spec.json"
	expect bad_artifact_manifest SYMLINK 1 "$T/b"
	mkbundle
	mv "$T/b/logs" "$T/logs-elsewhere"
	ln -s "$T/logs-elsewhere" "$T/b/logs"
	expect bad_artifact_manifest SYMLINK 1 "$T/b"
	# and the sealer refuses to list a symlink at all
	run --separate-stderr artifact-seal "$T/b"
	assert_status 2
	[[ "$stderr" == *"symlink"* ]]
}

@test "directory and embedding presence come first, in Multiverse's order" {
	need_jq
	expect missing_artifact_dir DIR_MISSING 1 "$T/nope"
	mkbundle
	ln -s "$T/b" "$T/link"
	expect missing_artifact_dir DIR_IS_SYMLINK 1 "$T/link"
	rm "$T/b/embeddings.h5" "$T/b/artifact_manifest.sha256"
	expect no_embeddings EMBEDDING_MISSING 1 "$T/b"
}

@test "a NaN in the embedding is EMBEDDING_TOO_MANY_NONFINITE unless --finite-min allows it" {
	need_jq
	mkdir "$T/b"
	{ printf 'SCMAT1 {"rows":2,"cols":2,"dtype":"f32le"}\n'
	  printf '\x00\x00\x80\x3f\x00\x00\xc0\x7f\x00\x00\x80\x3f\x00\x00\x00\x40'; } >"$T/nan.scmat"
	run -0 artifact-seal --embedding "$T/nan.scmat" "$T/b"
	expect no_embeddings EMBEDDING_TOO_MANY_NONFINITE 1 "$T/b"
	expect ready null 0 --finite-min 0.75 "$T/b"
}

@test "--dataset: a row-count mismatch is obs_mismatch, rows bound to other cells too" {
	need_shared
	need_jq
	mkbundle
	ds="$DATA/scanpy_pbmc68k_reduced.h5ad"
	expect obs_mismatch EMBEDDING_WRONG_N_OBS 1 --dataset "$ds" "$T/b"
	# 700 rows bound to the dataset's own obs names: ready
	sc-simulate -n 700 -d 4 --seed 2 -o "$T/y.scmat" --obs-out "$T/obs700.jsonl"
	mkdir "$T/c"
	run -0 artifact-seal --embedding "$T/y.scmat" --dataset "$ds" "$T/c"
	expect ready null 0 --dataset "$ds" "$T/c"
	run -0 jq -r .dataset_fingerprint.slug "$T/c/artifact_manifest.json"
	assert_output scanpy_pbmc68k_reduced
	# the same count bound to other names: the order cannot be trusted
	run -0 artifact-seal --embedding "$T/y.scmat" --obs "$T/obs700.jsonl" "$T/c"
	expect obs_mismatch OBS_ORDER_MISMATCH 1 --dataset "$ds" "$T/c"
	expect missing_dataset DATASET_MISSING 1 --dataset "$T/none.h5ad" "$T/c"
	touch "$T/data.csv"
	expect unsupported_dataset DATASET_EXT 1 --dataset "$T/data.csv" "$T/c"
}

@test "a Multiverse-shaped bundle (contract artifacts only) verifies; --strict wants every file" {
	need_jq
	mkbundle
	jq 'del(.x_scbench) | .artifacts |= map(select(.name == "embeddings.h5"))' \
		"$T/b/artifact_manifest.json" >"$T/m.json"
	printf '%s' "$(cat "$T/m.json")" >"$T/b/artifact_manifest.json"
	resign "$T/b"
	echo '{"owner_token":"x"}' >"$T/b/.mvd_owner"
	expect ready null 0 "$T/b"
	expect bad_artifact_manifest UNLISTED_FILE 1 --strict "$T/b"
}

@test "several bundles: one record each in argument order, exit 1 if any is not ready" {
	need_jq
	mkbundle
	run --separate-stderr artifact-verify "$T/b" "$T/missing" "$T/b"
	assert_status 1
	[ "${#lines[@]}" -eq 3 ]
	run -0 jq -rs 'map(.status) | join(",")' <<<"$output"
	assert_output ready,missing_artifact_dir,ready
}

@test "usage errors exit 2 with one line on stderr" {
	run --separate-stderr artifact-verify
	assert_status 2
	run --separate-stderr artifact-verify --finite-min 2 "$T"
	assert_status 2
	run --separate-stderr artifact-seal --dataset a.h5ad --obs b.jsonl "$T"
	assert_status 2
	[[ "$stderr" == *"exclusive"* ]]
	run --separate-stderr artifact-seal --embedding "$T/none.scmat" "$T"
	assert_status 2
}

@test "--embedding-out writes the verified embedding, only when the bundle is ready" {
	mkbundle
	run -0 artifact-verify -o "$T/st.jsonl" --embedding-out "$T/e.scmat" "$T/b"
	# same payload as the matrix the bundle was sealed from
	cmp <(tail -c +"$(($(head -1 "$T/e.scmat" | wc -c) + 1))" "$T/e.scmat") \
		<(tail -c +"$(($(head -1 "$T/x.scmat" | wc -c) + 1))" "$T/x.scmat")
	run -0 mat-info "$T/e.scmat"
	assert_output --partial '"rows":40'
	printf 'tampered\n' >"$T/b/logs/container.log"
	run -1 artifact-verify -o "$T/st.jsonl" --embedding-out "$T/e2.scmat" "$T/b"
	[ ! -e "$T/e2.scmat" ]
	run artifact-verify --embedding-out - "$T/b"
	assert_status 2
	run artifact-verify -o "$T/st.jsonl" --embedding-out "$T/e3.scmat" "$T/b" "$T/b"
	assert_status 2
}
