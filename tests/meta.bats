#!/usr/bin/env bats
# Every program: -h prints usage on stdout (exit 0, nothing on stderr, fits a screen),
# --version works, a man page exists, renders without warnings, and names every long option
# that --help names. Every script in scripts/ is executable.
load helpers/sc

progs() { for d in "$BATS_TEST_DIRNAME"/../cmd/*/; do basename "$d"; done; }

@test "every program has -h on stdout, exit 0, empty stderr, at most 24 lines" {
	for p in $(progs); do
		run --separate-stderr "$p" -h
		[ "$status" -eq 0 ] || { echo "$p -h: status $status"; return 1; }
		[ -z "$stderr" ] || { echo "$p -h wrote to stderr: $stderr"; return 1; }
		[[ "$output" == *usage:* ]] || { echo "$p -h: no usage line"; return 1; }
		[ "${#lines[@]}" -le 24 ] || { echo "$p -h: ${#lines[@]} lines"; return 1; }
	done
}

@test "every program answers --version" {
	for p in $(progs); do
		run -0 "$p" --version
		[[ "$output" == *"(scbench)"* ]] || { echo "$p: $output"; return 1; }
	done
}

@test "an unknown option is a usage error (exit 2)" {
	for p in $(progs); do
		run "$p" --no-such-option-here
		[ "$status" -eq 2 ] || { echo "$p: status $status"; return 1; }
	done
}

@test "every program has a man page that renders without warnings" {
	for p in $(progs); do
		f="$BATS_TEST_DIRNAME/../man/man1/$p.1"
		[ -f "$f" ] || { echo "missing $f"; return 1; }
		w=$(groff -mandoc -ww -z "$f" 2>&1)
		[ -z "$w" ] || { echo "$f: $w"; return 1; }
	done
	for f in "$BATS_TEST_DIRNAME"/../man/man5/*.5 "$BATS_TEST_DIRNAME"/../man/man7/*.7; do
		w=$(groff -mandoc -ww -z "$f" 2>&1)
		[ -z "$w" ] || { echo "$f: $w"; return 1; }
	done
}

@test "every long option in --help is documented in the man page" {
	for p in $(progs); do
		f="$BATS_TEST_DIRNAME/../man/man1/$p.1"
		page=$(groff -mandoc -Tascii -P-cbou -rLL=200n "$f" 2>/dev/null)
		for o in $("$p" -h | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
			grep -q -- "$o" <<<"$page" || { echo "$p: $o not in man page"; return 1; }
		done
	done
}

@test "scripts are executable" {
	for s in "$BATS_TEST_DIRNAME"/../scripts/*; do
		[ -x "$s" ] || { echo "$s not executable"; return 1; }
	done
}
