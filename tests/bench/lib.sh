# Shared by tests/bench/*.sh: time a command and report its peak memory.
# usage: measure LABEL CMD... ; prints "LABEL: 1.234 s, peak 56.7 MiB" and sets MEASURED_S.
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
	rm -f "$out" "$out.err"
}
