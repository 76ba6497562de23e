#!/usr/bin/env bats
# metric-gate and scripts/bench-gate: direction-aware tolerances, paired exact tests on
# multi-seed data, underpowered flagging, timings by ratio, and exit 2 on every join error.
load helpers/sc

# rec METRIC VALUE [extra json fields] -> one scbench.metric/1 line
rec() {
	printf '{"schema":"scbench.metric/1","dataset":"sim","model":"m","metric":"%s","value":%s%s}\n' "$1" "$2" "${3:+,$3}"
}

@test "equal files pass with exit 0" {
	{ rec nmi_leiden 0.8; rec asw_label 0.6; } >"$T/b.jsonl"
	run -0 metric-gate "$T/b.jsonl" "$T/b.jsonl"
	assert_line --partial "2 compared, 0 regressions, 0 improvements"
	run -0 bench-gate "$T/b.jsonl" "$T/b.jsonl"
}

@test "an NMI drop of 0.1 fails (exit 1); an improvement passes; tolerances absorb small changes" {
	{ rec nmi_leiden 0.8; rec asw_label 0.6; } >"$T/b.jsonl"
	{ rec nmi_leiden 0.7; rec asw_label 0.6; } >"$T/c.jsonl"
	run -1 metric-gate "$T/b.jsonl" "$T/c.jsonl"
	assert_line --regexp '^regression +sim/m/nmi_leiden +0\.8 +0\.7 '
	run -1 bench-gate --tol nmi_leiden=0.05 "$T/b.jsonl" "$T/c.jsonl"
	run -0 bench-gate --tol 'nmi*=0.2' "$T/b.jsonl" "$T/c.jsonl"
	run -0 metric-gate "$T/c.jsonl" "$T/b.jsonl"
	assert_line --regexp '^improvement +sim/m/nmi_leiden'
	# relative tolerance: 0.1 of 0.8 is 12.5 %
	run -0 metric-gate --tol 'nmi_leiden=13%' "$T/b.jsonl" "$T/c.jsonl"
	run -1 metric-gate --tol 'nmi_leiden=12%' "$T/b.jsonl" "$T/c.jsonl"
}

@test "direction: a lower-is-better metric regresses when it grows" {
	{ rec mse 1.0; rec custom 5 '"higher_is_better":false'; } >"$T/b.jsonl"
	{ rec mse 1.5; rec custom 4 '"higher_is_better":false'; } >"$T/c.jsonl"
	run -1 metric-gate --jsonl "$T/g.jsonl" "$T/b.jsonl" "$T/c.jsonl"
	need_jq
	run -0 jq -r '"\(.metric) \(.verdict) \(.delta)"' "$T/g.jsonl"
	assert_output $'mse regression -0.5\ncustom improvement 1'
}

@test "schema mismatch, duplicates, unknown or conflicting directions exit 2" {
	rec nmi_leiden 0.8 >"$T/b.jsonl"
	sed 's/metric\/1/metric\/2/' "$T/b.jsonl" >"$T/v2.jsonl"
	run --separate-stderr metric-gate "$T/b.jsonl" "$T/v2.jsonl"
	assert_status 2
	[[ "$stderr" == *"unknown metric schema"* ]]
	{ rec nmi_leiden 0.8; rec nmi_leiden 0.7; } >"$T/dup.jsonl"
	run metric-gate "$T/b.jsonl" "$T/dup.jsonl"
	assert_status 2
	rec mystery 1 >"$T/u.jsonl"
	run --separate-stderr metric-gate "$T/u.jsonl" "$T/u.jsonl"
	assert_status 2
	[[ "$stderr" == *"higher_is_better"* ]]
	rec nmi_leiden 0.8 '"higher_is_better":false' >"$T/flip.jsonl"
	rec nmi_leiden 0.8 '"higher_is_better":true' >"$T/flip2.jsonl"
	run metric-gate "$T/flip.jsonl" "$T/flip2.jsonl"
	assert_status 2
	run bench-gate "$T/b.jsonl" "$T/v2.jsonl"
	assert_status 2
}

@test "a baseline metric missing from current exits 2 unless --allow-missing; empty join exits 2" {
	{ rec nmi_leiden 0.8; rec asw_label 0.6; } >"$T/b.jsonl"
	rec nmi_leiden 0.8 >"$T/c.jsonl"
	run metric-gate "$T/b.jsonl" "$T/c.jsonl"
	assert_status 2
	run -0 metric-gate --allow-missing "$T/b.jsonl" "$T/c.jsonl"
	assert_line --regexp '^missing +sim/m/asw_label'
	rec ari_leiden 0.5 >"$T/other.jsonl"
	run --separate-stderr metric-gate --allow-missing "$T/b.jsonl" "$T/other.jsonl"
	assert_status 2
	[[ "$stderr" == *"nothing was compared"* ]]
	: >"$T/empty.jsonl"
	run bench-gate "$T/empty.jsonl" "$T/empty.jsonl"
	assert_status 2
}

@test "8 seeds with a consistent drop: exact Wilcoxon p = 2^-8, exit 1" {
	need_jq
	for s in 1 2 3 4 5 6 7 8; do rec nmi_leiden "0.8$s" "\"seed\":$s"; done >"$T/b.jsonl"
	for s in 1 2 3 4 5 6 7 8; do rec nmi_leiden "0.7$s" "\"seed\":$s"; done >"$T/c.jsonl"
	run -1 metric-gate --tol nmi_leiden=0.01 --jsonl "$T/g.jsonl" "$T/b.jsonl" "$T/c.jsonl"
	run -0 jq -r '"\(.verdict) \(.p) \(.test) \(.method) \(.n) \(.underpowered) \(.ci_high < -0.09)"' "$T/g.jsonl"
	assert_output "regression 0.00390625 wilcoxon exact 8 false true"
	run -1 metric-gate --test signflip --jsonl "$T/g.jsonl" "$T/b.jsonl" "$T/c.jsonl"
	run -0 jq -r .p "$T/g.jsonl"
	assert_output 0.00390625
	# mixed signs: not significant at 0.05, so unchanged despite the mean drop
	for s in 1 2 3 4 5 6 7 8; do rec nmi_leiden "0.$((s % 2 ? 7 : 9))$s" "\"seed\":$s"; done >"$T/mix.jsonl"
	run -0 metric-gate --jsonl "$T/g.jsonl" "$T/b.jsonl" "$T/mix.jsonl"
	run -0 jq -r .verdict "$T/g.jsonl"
	assert_output unchanged
}

@test "3 seeds are underpowered and judged on the tolerance alone" {
	need_jq
	for s in 1 2 3; do rec nmi_leiden "0.8$s" "\"seed\":$s"; done >"$T/b.jsonl"
	for s in 1 2 3; do rec nmi_leiden "0.8$((s - 1))5" "\"seed\":$s"; done >"$T/c.jsonl"
	run -0 metric-gate --tol nmi_leiden=0.01 --jsonl "$T/g.jsonl" "$T/b.jsonl" "$T/c.jsonl"
	run -0 jq -r '"\(.verdict) \(.underpowered) \(.p)"' "$T/g.jsonl"
	assert_output "unchanged true 0.125"
	run -1 metric-gate --tol nmi_leiden=0.001 "$T/b.jsonl" "$T/c.jsonl"
	assert_line --partial "underpowered"
}

@test "timings are gated by ratio, separately from the scientific family" {
	for r in 0 1 2 3 4 5; do rec wall_s.knn "1.0$r" "\"unit\":\"s\",\"repeat\":$r"; done >"$T/b.jsonl"
	rec nmi_leiden 0.8 >>"$T/b.jsonl"
	for r in 0 1 2 3 4 5; do rec wall_s.knn "1.5$r" "\"unit\":\"s\",\"repeat\":$r"; done >"$T/c.jsonl"
	rec nmi_leiden 0.8 >>"$T/c.jsonl"
	run -1 metric-gate --family performance "$T/b.jsonl" "$T/c.jsonl"
	assert_line --regexp '^regression +sim/m/wall_s.knn .* 1\.48.x'
	run -0 metric-gate --family scientific "$T/b.jsonl" "$T/c.jsonl"
	run -0 metric-gate --family performance --factor 1.6 "$T/b.jsonl" "$T/c.jsonl"
	run -0 metric-gate --family performance --tol 'wall_s.*=60%' "$T/b.jsonl" "$T/c.jsonl"
	run -1 bench-gate "$T/b.jsonl" "$T/c.jsonl"
	assert_line "== scientific"
	assert_line "== performance"
	run -0 bench-gate --family scientific "$T/b.jsonl" "$T/c.jsonl"
}

@test "bench-gate: run directories, and timings from different machines exit 2 unless --cross-machine" {
	for d in base cur; do
		mkdir -p "$T/$d/aggregated"
		run-dir init "$T/$d" --workflow test >/dev/null
	done
	rec wall_s.knn 1.0 '"unit":"s"' >"$T/base/aggregated/metrics.jsonl"
	rec wall_s.knn 1.01 '"unit":"s"' >"$T/cur/aggregated/metrics.jsonl"
	run -0 bench-gate "$T/base" "$T/cur"
	sed -i 's/"cpu_model": ".*"/"cpu_model": "Other CPU 9000"/' "$T/cur/provenance.json"
	run --separate-stderr bench-gate "$T/base" "$T/cur"
	assert_status 2
	[[ "$stderr" == *"different machines"* ]]
	run -0 bench-gate --cross-machine --jsonl "$T/g.jsonl" --markdown "$T/g.md" "$T/base" "$T/cur"
	[ -s "$T/g.jsonl" ]
	grep -q '^| verdict | key |' "$T/g.md"
}

@test "usage errors exit 2" {
	run metric-gate only-one.jsonl
	assert_status 2
	run metric-gate --tol nmi "$T/a" "$T/b"
	assert_status 2
	run metric-gate --test bogus "$T/a" "$T/b"
	assert_status 2
	run bench-gate --family bogus a b
	assert_status 2
	run bench-gate a
	assert_status 2
	run -0 bench-gate -h
	assert_line --partial "usage: bench-gate"
}
