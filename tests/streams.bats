#!/usr/bin/env bats
# The matrix stream, atomic outputs and zstd handling, through sc-simulate and mat-info.
load helpers/sc

@test "sc-simulate writes a matrix stream mat-info reads back" {
	run -0 sc-simulate -n 100 -d 7 --types 3 --batches 2 --seed 5 -o "$T/x.scmat" --obs-out "$T/obs.jsonl"
	run -0 mat-info "$T/x.scmat"
	[ "$(jq -r .magic <<<"$output")" = SCMAT1 ]
	[ "$(jq .rows <<<"$output")" = 100 ]
	[ "$(jq .cols <<<"$output")" = 7 ]
	[ "$(jq .finite <<<"$output")" = 700 ]
	[ "$(wc -l <"$T/obs.jsonl")" -eq 100 ]
	[ "$(jq -r .obs_name "$T/obs.jsonl" | head -1)" = cell0 ]
}

@test "payload size is exactly rows x cols x 4 after the header line" {
	sc-simulate -n 10 -d 3 -o "$T/x.scmat"
	hdr=$(head -1 "$T/x.scmat" | wc -c)
	[ "$(stat -c %s "$T/x.scmat")" -eq $((hdr + 10 * 3 * 4)) ]
}

@test "same seed gives identical bytes, other seed differs" {
	sc-simulate -n 200 -d 5 --seed 3 -o "$T/a"
	sc-simulate -n 200 -d 5 --seed 3 -o "$T/b"
	sc-simulate -n 200 -d 5 --seed 4 -o "$T/c"
	cmp "$T/a" "$T/b"
	! cmp -s "$T/a" "$T/c"
}

@test "zstd output (-z and .zst) reads back identically" {
	sc-simulate -n 300 -d 4 -o "$T/p.scmat"
	sc-simulate -n 300 -d 4 -z -o "$T/z.scmat"
	sc-simulate -n 300 -d 4 -o "$T/y.scmat.zst"
	[ "$(head -c 4 "$T/z.scmat" | od -An -tx1 | tr -d ' ')" = 28b52ffd ]
	[ "$(head -c 4 "$T/y.scmat.zst" | od -An -tx1 | tr -d ' ')" = 28b52ffd ]
	a=$(mat-info "$T/p.scmat"); b=$(mat-info "$T/z.scmat"); c=$(mat-info - <"$T/y.scmat.zst")
	[ "$(jq -c 'del(.header)' <<<"$a")" = "$(jq -c 'del(.header)' <<<"$b")" ]
	[ "$(jq -c 'del(.header)' <<<"$a")" = "$(jq -c 'del(.header)' <<<"$c")" ]
}

@test "mat-info --head prints the first rows exactly" {
	sc-simulate -n 4 -d 2 -o "$T/x"
	run -0 mat-info --head 2 "$T/x"
	[ "${#lines[@]}" -eq 3 ]
	[ "$(jq length <<<"${lines[1]}")" -eq 2 ]
}

@test "truncated matrix stream: exit 2 with a message" {
	sc-simulate -n 50 -d 4 -o "$T/x"
	head -c 300 "$T/x" >"$T/t"
	run --separate-stderr mat-info "$T/t"
	assert_status 2
	[[ "$stderr" == *"truncated"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "trailing bytes after the payload: exit 2" {
	sc-simulate -n 5 -d 2 -o "$T/x"
	printf 'junk' >>"$T/x"
	run --separate-stderr mat-info "$T/x"
	assert_status 2
	[[ "$stderr" == *"unexpected data after"* ]]
}

@test "wrong magic: exit 2" {
	printf 'NOTMAT {"rows":1,"cols":1,"dtype":"f32le"}\n1234' >"$T/x"
	run --separate-stderr sc-simulate -n 1 -o "$T/ok"
	run --separate-stderr mat-info --check-finite "$T/x"
	assert_status 0
	printf 'garbage without newline' >"$T/g"
	run --separate-stderr mat-info "$T/g"
	assert_status 2
}

@test "header claiming 10^15 rows is refused before allocating" {
	printf 'SCMAT1 {"rows":1000000000000000,"cols":50,"dtype":"f32le"}\n' >"$T/x"
	run --separate-stderr mat-info "$T/x"
	assert_status 2
	[[ "$stderr" == *"absurd"* || "$stderr" == *"out of range"* ]]
	printf 'SCMAT1 {"rows":100000000,"cols":50,"dtype":"f32le"}\nabcd' >"$T/y"
	run --separate-stderr mat-info "$T/y"
	assert_status 2
	[[ "$stderr" == *"truncated"* ]]
}

@test "zstd garbage: exit 2" {
	printf '\x28\xb5\x2f\xfd\x00\x01\x02garbage' >"$T/x"
	run --separate-stderr mat-info "$T/x"
	assert_status 2
	[[ "$stderr" == *"zstd"* ]]
}

@test "truncated zstd frame: exit 2" {
	sc-simulate -n 500 -d 8 -z -o "$T/z"
	head -c 1000 "$T/z" >"$T/t"
	run --separate-stderr mat-info "$T/t"
	assert_status 2
}

@test "empty input and missing file: exit 2" {
	: >"$T/empty"
	run --separate-stderr mat-info "$T/empty"
	assert_status 2
	[[ "$stderr" == *"empty"* ]]
	run --separate-stderr mat-info "$T/nope"
	assert_status 2
	[[ "$stderr" == *"cannot open"* ]]
}

@test "NaN and Inf are counted; --check-finite exits 1" {
	printf 'SCMAT1 {"rows":2,"cols":2,"dtype":"f32le"}\n' >"$T/x"
	printf '\x00\x00\x80\x3f\x00\x00\xc0\x7f\x00\x00\x80\x7f\x00\x00\x00\x40' >>"$T/x"
	run -0 mat-info "$T/x"
	[ "$(jq .nan <<<"$output")" = 1 ]
	[ "$(jq .inf <<<"$output")" = 1 ]
	[ "$(jq .first_nonfinite_row <<<"$output")" = 0 ]
	run -1 mat-info --check-finite "$T/x"
}

@test "a failed run leaves no output file and keeps an old one intact" {
	echo old >"$T/out"
	run sc-simulate -n 10 --embedding nonsense -o "$T/out"
	assert_status 2
	[ "$(cat "$T/out")" = old ]
	run sc-simulate -n 10 --genes 0 --counts-out "$T/c"
	assert_status 2
	[ ! -e "$T/c" ]
	[ -z "$(ls -A "$T" | grep tmp)" ]
}

@test "bad numbers are usage errors" {
	run --separate-stderr sc-simulate -n 12abc
	assert_status 2
	[[ "$stderr" == *"not an integer"* ]]
	run --separate-stderr sc-simulate -n 2147483648000000000000
	assert_status 2
	run --separate-stderr sc-simulate -d 0
	assert_status 2
}

@test "writing to /dev/stdout goes through the descriptor, not a rename" {
	run -0 sc-simulate -n 3 -d 2 -o "$T/x" --obs-out /dev/stdout
	[ "${#lines[@]}" -eq 3 ]
	[ -L /dev/stdout ] || [ -c /dev/stdout ]
}

@test "counts and gene table" {
	run -0 sc-simulate -n 50 -d 5 --genes 30 --counts-out "$T/c" --var-out "$T/v" -o "$T/x"
	run -0 mat-info "$T/c"
	[ "$(jq .cols <<<"$output")" = 30 ]
	[ "$(jq '.min >= 0' <<<"$output")" = true ]
	[ "$(wc -l <"$T/v")" -eq 30 ]
}
