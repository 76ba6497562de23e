# Shared by tests/bench/*.sh: time a command and report its peak memory.
# usage: measure LABEL CMD... ; prints "LABEL: 1.234 s, peak 56.7 MiB" and sets MEASURED_S.
# With BENCH_JSONL=FILE each measurement is also appended to FILE as scbench.metric/1
# performance records (wall_s.LABEL in s, peak_rss.LABEL in bytes, one repeat index per call),
# so bench-gate can gate timings against a baseline run.
declare -A BENCH_REPEAT 2>/dev/null || true
bench_record() {
	local label=${1// /_} s kib=$3 r=${BENCH_REPEAT[$1]:-0}
	s=$(awk "BEGIN{printf \"%.6f\", $2}")
	BENCH_REPEAT[$1]=$((r + 1))
	printf '{"schema":"scbench.metric/1","dataset":"%s","model":"scbench","metric":"wall_s.%s","unit":"s","family":"performance","value":%s,"repeat":%d}\n' \
		"${BENCH_NAME:-bench}" "$label" "$s" "$r" >>"$BENCH_JSONL"
	printf '{"schema":"scbench.metric/1","dataset":"%s","model":"scbench","metric":"peak_rss.%s","unit":"bytes","family":"performance","value":%d,"repeat":%d}\n' \
		"${BENCH_NAME:-bench}" "$label" "$((kib * 1024))" "$r" >>"$BENCH_JSONL"
}
measure() {
	local label=$1 out
	shift
	out=$(mktemp)
	local t0 t1
	t0=$(date +%s.%N)
	"$@" 2>"$out.err" &
	local pid=$! peak=0 cur
	while kill -0 "$pid" 2>/dev/null; do
		cur=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ -n "$cur" ] && [ "$cur" -gt "$peak" ] && peak=$cur
		sleep 0.05
	done
	wait "$pid" || { echo "$label: FAILED"; cat "$out.err"; rm -f "$out" "$out.err"; return 1; }
	t1=$(date +%s.%N)
	MEASURED_S=$(echo "$t1 - $t0" | bc -l 2>/dev/null || awk "BEGIN{print $t1-$t0}")
	printf '%s: %.3f s, peak %.1f MiB\n' "$label" "$MEASURED_S" "$(awk "BEGIN{print $peak/1024}")"
	[ -z "${BENCH_JSONL:-}" ] || bench_record "$label" "$MEASURED_S" "$peak"
	rm -f "$out" "$out.err"
}
