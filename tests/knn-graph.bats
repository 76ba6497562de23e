#!/usr/bin/env bats
# knn-graph: exact and approximate search, the kNN and graph streams, options and bad input.
load helpers/sc
load helpers/knn

@test "kNN stream: header, size, self excluded, sorted rows" {
	sc-simulate -n 300 -d 8 --seed 2 -o "$T/x.scmat"
	run -0 knn-graph -k 7 -o "$T/x.knn" "$T/x.scmat"
	hdr=$(head -1 "$T/x.knn")
	[ "${hdr%% *}" = SCKNN1 ]
	[ "$(jq .n <<<"${hdr#* }")" = 300 ]
	[ "$(jq .k <<<"${hdr#* }")" = 7 ]
	[ "$(jq -r .search <<<"${hdr#* }")" = exact ]
	[ "$(stat -c %s "$T/x.knn")" -eq $((${#hdr} + 1 + 300 * 7 * 8)) ]
	run -0 knn-graph -k 7 --tsv "$T/x.scmat"
	[ "${#lines[@]}" -eq 300 ]
	awk -F'\t' '{ for (j = 2; j <= NF; j++) if ($j == $1) exit 1 }' <<<"$output"
}

@test "hand-checked neighbours on a line, ties broken by index" {
	printf 'SCMAT1 {"rows":5,"cols":1,"dtype":"f32le"}\n' >"$T/l.scmat"
	for v in 0 0x3f800000 0x40000000 0x40400000 0x40800000; do le32 $v; done >>"$T/l.scmat"
	run -0 knn-graph -k 2 --tsv "$T/l.scmat"
	assert_line -n 0 "$(printf '0\t1\t2')"
	assert_line -n 2 "$(printf '2\t1\t3')"
	assert_line -n 4 "$(printf '4\t3\t2')"
}

@test "output is byte-identical for -j1 and -j4 (exact and approximate)" {
	sc-simulate -n 2500 -d 20 --seed 4 -o "$T/x.scmat"
	knn-graph -j1 -k 10 -o "$T/a" "$T/x.scmat"
	knn-graph -j4 -k 10 -o "$T/b" "$T/x.scmat"
	cmp "$T/a" "$T/b"
	knn-graph -j1 --approx --seed 3 -k 10 -o "$T/c" "$T/x.scmat"
	knn-graph -j4 --approx --seed 3 -k 10 -o "$T/d" "$T/x.scmat"
	cmp "$T/c" "$T/d"
	knn-graph -j1 --graph umap -o "$T/e" "$T/x.scmat"
	knn-graph -j3 --graph umap -o "$T/f" "$T/x.scmat"
	cmp "$T/e" "$T/f"
}

@test "approximate search reports its recall on stderr and in the header" {
	sc-simulate -n 3000 -d 16 --seed 6 -o "$T/x.scmat"
	run --separate-stderr -0 knn-graph --approx --recall-check 300 -k 15 -o "$T/a.knn" "$T/x.scmat"
	[[ "$stderr" == *"recall@15 on 300 rows: "* ]]
	r=$(head -1 "$T/a.knn" | cut -d' ' -f2- | jq .recall)
	[ "$(head -1 "$T/a.knn" | cut -d' ' -f2- | jq -r .search)" = approx ]
	awk -v r="$r" 'BEGIN { exit !(r >= 0.95 && r <= 1) }'
	run --separate-stderr -0 knn-graph --exact --recall-check 100 -k 5 -o "$T/e.knn" "$T/x.scmat"
	[[ "$stderr" == *"recall@5 on 100 rows: 1.0000"* ]]
}

@test "cosine metric: distances are 1 - cos" {
	printf 'SCMAT1 {"rows":3,"cols":2,"dtype":"f32le"}\n' >"$T/c.scmat"
	{ le32 $F1; le32 0; le32 0; le32 $F1; le32 $F2; le32 $F2; } >>"$T/c.scmat"
	run -0 knn-graph --metric cosine -k 1 --tsv "$T/c.scmat"
	assert_line -n 0 "$(printf '0\t2')"
	assert_line -n 1 "$(printf '1\t2')"
	run -0 knn-graph --metric cosine -k 2 -o "$T/c.knn" "$T/c.scmat"
	[ "$(head -1 "$T/c.knn" | cut -d' ' -f2- | jq -r .metric)" = cosine ]
}

@test "--scanpy-k K keeps K-1 neighbours and --graph writes a symmetric CSR graph" {
	sc-simulate -n 400 -d 6 --seed 8 -o "$T/x.scmat"
	run -0 knn-graph --scanpy-k 15 -o "$T/x.knn" "$T/x.scmat"
	[ "$(head -1 "$T/x.knn" | cut -d' ' -f2- | jq .k)" = 14 ]
	run -0 knn-graph --scanpy-k 15 --graph umap --knn-out "$T/y.knn" -o "$T/g.csr" "$T/x.scmat"
	cmp <(tail -n +2 "$T/x.knn") <(tail -n +2 "$T/y.knn")
	[ "$(head -1 "$T/g.csr" | cut -d' ' -f1)" = SCCSR1 ]
	run -0 knn-graph --scanpy-k 15 --graph umap --tsv "$T/x.scmat"
	# symmetric with values in (0, 1], no diagonal
	awk -F'\t' '{ w[$1 "," $2] = $3; if ($1 == $2 || $3 <= 0 || $3 > 1) bad++ }
		END { for (e in w) { split(e, p, ","); if (w[p[2] "," p[1]] != w[e]) bad++ } exit bad > 0 }' <<<"$output"
	for kind in gauss binary; do
		run -0 knn-graph --graph $kind --tsv "$T/x.scmat"
		[ "${#lines[@]}" -gt 400 ]
	done
	run -0 knn-graph --graph binary --tsv "$T/x.scmat"
	[ -z "$(awk -F'\t' '$3 != 1' <<<"$output")" ]
}

@test "k >= n is clamped to n-1 with a warning" {
	sc-simulate -n 6 -d 3 -o "$T/x.scmat"
	run --separate-stderr -0 knn-graph -k 10 -o "$T/x.knn" "$T/x.scmat"
	[[ "$stderr" == *"warning: k = 10 >= 6 cells: using k = 5"* ]]
	[ "$(head -1 "$T/x.knn" | cut -d' ' -f2- | jq .k)" = 5 ]
}

@test "bad input: exit 2, one line naming the problem, no output file" {
	: >"$T/empty"
	run --separate-stderr knn-graph -o "$T/o" "$T/empty"
	assert_status 2
	[[ "$stderr" == *"empty input"* ]]
	[ ! -e "$T/o" ]
	sc-simulate -n 1 -d 3 -o "$T/one.scmat"
	run --separate-stderr knn-graph -o "$T/o" "$T/one.scmat"
	assert_status 2
	[[ "$stderr" == *"need at least 2 cells"* ]]
	printf 'SCMAT1 {"rows":3,"cols":1,"dtype":"f32le"}\n' >"$T/nan.scmat"
	{ le32 0; le32 0x7fc00000; le32 $F1; } >>"$T/nan.scmat"
	run --separate-stderr knn-graph -k 1 -o "$T/o" "$T/nan.scmat"
	assert_status 2
	[[ "$stderr" == *"row 1 holds NaN or Inf"* ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	sc-simulate -n 50 -d 4 -o "$T/x.scmat"
	head -c 500 "$T/x.scmat" >"$T/trunc.scmat"
	run --separate-stderr knn-graph -o "$T/o" "$T/trunc.scmat"
	assert_status 2
	[[ "$stderr" == *truncated* ]]
	run --separate-stderr knn-graph -o "$T/o" "$T/x.scmat.missing"
	assert_status 2
	printf 'SCKNN1 {}\n' >"$T/wrong"
	run --separate-stderr knn-graph -o "$T/o" "$T/wrong"
	assert_status 2
	[[ "$stderr" == *"not a SCMAT1 stream"* ]]
	[ ! -e "$T/o" ]
}

@test "usage errors: exit 2" {
	for args in "-k 0" "-k abc" "-k 2147483648" "--metric manhattan" "--exact --approx" \
		"--graph knn" "--knn-out x" "--recall-check 0" "--tsv -z" "a b"; do
		run knn-graph $args
		assert_status 2
	done
}
