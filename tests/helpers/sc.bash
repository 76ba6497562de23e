# Shared bats setup: programs on PATH, bats-assert, a scratch dir, and ../shared detection.
bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${SCBENCH_BIN:=$BATS_TEST_DIRNAME/../bin}"
: "${SCBENCH_SHARED:=$BATS_TEST_DIRNAME/../../shared}"
export PATH="$SCBENCH_BIN:$BATS_TEST_DIRNAME/../scripts:$PATH"
DATA="$SCBENCH_SHARED/data"
GOLDEN="$SCBENCH_SHARED/golden"

setup() {
	T="$BATS_TEST_TMPDIR"
}

# Skip (visibly) when ../shared is not beside the checkout.
need_shared() {
	[ -d "$DATA" ] || skip "../shared is absent: conformance data not available"
}

# Assert a failing run exited with exactly the given status (never a signal).
assert_status() {
	if [ "$status" -ne "$1" ]; then
		echo "expected exit status $1, got $status" >&2
		echo "output: $output" >&2
		return 1
	fi
}

# Compare two files byte for byte, showing a diff on failure.
sc_cmp() { diff -u "$1" "$2"; }

# jq is a test dependency (installed by scripts/install-deps; see README).
need_jq() { command -v jq >/dev/null || skip "jq not installed"; }
