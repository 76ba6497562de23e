#!/usr/bin/env bats
# cluster-leiden: inputs (graph or kNN stream), outputs, sweeps, determinism, bad input.
load helpers/sc
load helpers/knn

# Two 4-cliques (0-3, 4-7) joined by the edge 3-4, as an SCCSR1 stream from the kNN route:
# a binary kNN graph with k = 3 on points at 0,1,2,3 and 10,11,12,13 has exactly the cliques.
mk_two_groups() {
	printf 'SCMAT1 {"rows":8,"cols":1,"dtype":"f32le"}\n' >"$T/p.scmat"
	for v in 0 0x3f800000 0x40000000 0x40400000 0x41200000 0x41300000 0x41400000 0x41500000; do
		le32 $v
	done >>"$T/p.scmat"
	knn-graph -k 3 -o "$T/p.knn" "$T/p.scmat"
}

@test "two groups: one cluster each, per-cell JSONL with row or obs_name" {
	mk_two_groups
	run -0 cluster-leiden --graph binary "$T/p.knn"
	[ "${#lines[@]}" -eq 8 ]
	assert_line -n 0 '{"row":0,"leiden":0}'
	assert_line -n 7 '{"row":7,"leiden":1}'
	for i in 1 2 3; do assert_line -n $i "{\"row\":$i,\"leiden\":0}"; done
	for i in 4 5 6; do assert_line -n $i "{\"row\":$i,\"leiden\":1}"; done
	for i in $(seq 0 7); do echo "{\"obs_name\":\"c$i\",\"t\":\"t$((i / 4))\"}"; done >"$T/obs.jsonl"
	run -0 cluster-leiden --obs "$T/obs.jsonl" --key-added cl "$T/p.knn"
	assert_line -n 5 '{"obs_name":"c5","cl":1}'
}

@test "summary record: quality and modularity of the partition" {
	mk_two_groups
	run -0 cluster-leiden --graph binary --summary "$T/s.json" -o "$T/c.jsonl" "$T/p.knn"
	[ "$(jq .n_clusters "$T/s.json")" = 2 ]
	# binary 3-NN union on two groups of 4 on a line: each group is a 4-clique (6 edges), no
	# edge between groups: W = 24, K_c = 12, Q = 2 (12 - 144/24) = 12, modularity 0.5
	[ "$(jq .quality "$T/s.json")" = 12 ]
	[ "$(jq .modularity "$T/s.json")" = 0.5 ]
	[ "$(jq -r .objective "$T/s.json")" = modularity ]
}

@test "same seed gives identical output; thread count does not matter" {
	sc-simulate -n 3000 -d 10 --seed 9 -o "$T/x.scmat"
	knn-graph --graph umap -o "$T/g" "$T/x.scmat"
	cluster-leiden --seed 4 -o "$T/a" "$T/g"
	SCBENCH_THREADS=1 cluster-leiden --seed 4 -o "$T/b" "$T/g"
	cmp "$T/a" "$T/b"
	cluster-leiden --iterations -1 --seed 4 -o "$T/c" "$T/g"
	cluster-leiden --iterations -1 --seed 4 -o "$T/d" "$T/g"
	cmp "$T/c" "$T/d"
}

@test "sweep on several threads: the same partitions and records as on one" {
	sc-simulate -n 3000 -d 10 --types 6 --seed 9 -o "$T/x.scmat" --obs-out "$T/obs.jsonl"
	knn-graph --scanpy-k 15 --graph umap -o "$T/g" "$T/x.scmat"
	for j in 1 2 3; do
		run -0 cluster-leiden -j $j --iterations -1 --resolutions 0.2:2.0:0.2 --labels "$T/obs.jsonl" \
			--label-key cell_type --sweep-out "$T/sw$j" -o "$T/c$j" "$T/g"
	done
	[ "$(wc -l <"$T/sw1")" -eq 10 ]
	cmp "$T/sw1" "$T/sw2"
	cmp "$T/sw1" "$T/sw3"
	cmp "$T/c1" "$T/c2"
	cmp "$T/c1" "$T/c3"
	run -2 cluster-leiden -j -1 "$T/g"
}

@test "clusters recover simulated cell types; CPM, no-weights, resolution change the result" {
	sc-simulate -n 2000 -d 20 --types 5 --batches 1 --centre-sd 4 --seed 3 -o "$T/x.scmat" --obs-out "$T/obs.jsonl"
	knn-graph --scanpy-k 15 --graph umap -o "$T/g" "$T/x.scmat"
	run -0 cluster-leiden --labels "$T/obs.jsonl" --label-key cell_type --summary "$T/s.json" -o "$T/c" "$T/g"
	awk -v x="$(jq .nmi "$T/s.json")" 'BEGIN { exit !(x > 0.9) }'
	[ "$(head -1 "$T/c" | jq -r .obs_name)" = cell0 ]
	cluster-leiden --resolution 3 --summary "$T/hi.json" -o /dev/null "$T/g"
	[ "$(jq .n_clusters "$T/hi.json")" -gt "$(jq .n_clusters "$T/s.json")" ]
	cluster-leiden --objective cpm --resolution 0.05 --summary "$T/cpm.json" -o /dev/null "$T/g"
	[ "$(jq -r .objective "$T/cpm.json")" = cpm ]
	cluster-leiden --no-weights --summary "$T/nw.json" -o /dev/null "$T/g"
	[ "$(jq .use_weights "$T/nw.json")" = false ]
}

@test "sweep: one record per resolution, best NMI kept, ties keep the lowest resolution" {
	mk_two_groups
	for i in $(seq 0 7); do echo "{\"t\":\"t$((i / 4))\"}"; done >"$T/lab.jsonl"
	run -0 cluster-leiden --graph binary --resolutions 0.2:1.0:0.2 --labels "$T/lab.jsonl" \
		--label-key t --sweep-out "$T/sw.jsonl" --summary "$T/s.json" -o "$T/c" "$T/p.knn"
	[ "$(jq -s -c 'map(.resolution)' "$T/sw.jsonl")" = '[0.2,0.4,0.6,0.8,1]' ]
	[ "$(jq -s -c 'map(select(.best)) | map(.resolution)' "$T/sw.jsonl")" = '[0.2]' ]
	[ "$(jq .nmi "$T/s.json")" = 1 ]
	[ "$(jq .ari "$T/s.json")" = 1 ]
}

@test "bad graph input: asymmetric, negative, truncated, wrong magic (exit 2, no output)" {
	mkcsr3 $F2 $F1 >"$T/asym.csr"
	run --separate-stderr cluster-leiden -o "$T/o" "$T/asym.csr"
	assert_status 2
	[[ "$stderr" == *"not symmetric"* ]]
	mkcsr3 $FM1 $FM1 >"$T/neg.csr"
	run --separate-stderr cluster-leiden -o "$T/o" "$T/neg.csr"
	assert_status 2
	[[ "$stderr" == *"negative weight"* ]]
	mkcsr3 $F1 $F1 >"$T/ok.csr"
	run -0 cluster-leiden "$T/ok.csr"
	head -c 120 "$T/ok.csr" >"$T/trunc.csr"
	run --separate-stderr cluster-leiden -o "$T/o" "$T/trunc.csr"
	assert_status 2
	[[ "$stderr" == *truncated* ]]
	: >"$T/empty"
	run --separate-stderr cluster-leiden -o "$T/o" "$T/empty"
	assert_status 2
	[[ "$stderr" == *"empty input"* ]]
	sc-simulate -n 5 -d 2 -o "$T/x.scmat"
	run --separate-stderr cluster-leiden -o "$T/o" "$T/x.scmat"
	assert_status 2
	[[ "$stderr" == *"neither a graph"* ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	[ ! -e "$T/o" ]
}

@test "bad tables: labels with a different row count, missing label key" {
	mk_two_groups
	for i in 1 2 3; do echo '{"t":"a"}'; done >"$T/short.jsonl"
	run --separate-stderr cluster-leiden --labels "$T/short.jsonl" --label-key t -o "$T/o" "$T/p.knn"
	assert_status 2
	[[ "$stderr" == *"has 3 rows, the graph has 8 cells"* ]]
	for i in $(seq 8); do echo '{"u":"a"}'; done >"$T/nokey.jsonl"
	run --separate-stderr cluster-leiden --labels "$T/nokey.jsonl" --label-key t -o "$T/o" "$T/p.knn"
	assert_status 2
	[[ "$stderr" == *'no record has the key "t"'* ]]
	run --separate-stderr cluster-leiden --scanpy-k 30 -o "$T/o" "$T/p.knn"
	assert_status 2
	[[ "$stderr" == *"needs 29 neighbours"* ]]
	[ ! -e "$T/o" ]
}

@test "usage errors: exit 2" {
	for args in "--iterations 0" "--iterations -2" "--resolution -1" "--resolution x" \
		"--objective surprise" "--resolutions 1:0:0.1" "--resolutions 0.2:2" \
		"--resolution 1 --resolutions 0.2:1:0.2" "--resolutions 0.2:1:0.2" \
		"--labels x" "--sweep-out x" "--graph foo" "a b"; do
		run cluster-leiden $args
		assert_status 2
	done
}
