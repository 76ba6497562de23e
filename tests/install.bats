#!/usr/bin/env bats
# make install honours PREFIX and DESTDIR and installs every program and man page.
load helpers/sc

@test "make install PREFIX DESTDIR installs programs and man pages" {
	top="$BATS_TEST_DIRNAME/.."
	run make -s -C "$top" install PREFIX=/opt/scb DESTDIR="$T/root"
	assert_status 0
	for d in "$top"/cmd/*/; do
		p=$(basename "$d")
		[ -x "$T/root/opt/scb/bin/$p" ] || { echo "missing bin/$p"; return 1; }
		[ -f "$T/root/opt/scb/share/man/man1/$p.1" ] || { echo "missing $p.1"; return 1; }
	done
	[ -f "$T/root/opt/scb/share/man/man5/scbench-formats.5" ]
	[ -f "$T/root/opt/scb/share/man/man7/scbench.7" ]
}
