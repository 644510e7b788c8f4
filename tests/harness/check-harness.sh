#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Checks the test harness against itself: runs each given build of
# selftest.c with a fixed list of arguments and compares the transcript
# (output and exit status of every run) with selftest.expected.
#
#   tests/harness/check-harness.sh SELFTEST_BINARY...
#   tests/harness/check-harness.sh --update SELFTEST_BINARY   (rewrite)
#
# The selftest fails some tests on purpose; what must hold is that the
# harness reports exactly those failures, in exactly this format.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXPECTED=$HERE/selftest.expected

update=0
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
[ $# -gt 0 ] || { echo "usage: $0 [--update] SELFTEST_BINARY..." >&2; exit 2; }

# One run per line: the arguments given to the selftest.
RUNS=(
	""
	"-t checks_pass"
	"-t global.skipped -t no_device.body_not_run"
	"-f arith -v plus_two -t sums"
	"-t no_such_test"
	"-l"
)

transcript() {
	local bin=$1 args rc
	for args in "${RUNS[@]}"; do
		rc=0
		# shellcheck disable=SC2086 # the arguments are meant to split
		out=$(SNPU_TEST_TIMEOUT_MULT='' "$bin" $args 2>&1) || rc=$?
		echo "== selftest${args:+ $args}"
		# __FILE__ depends on where the compiler ran; keep the base name.
		printf '%s\n' "$out" | sed 's|^# [^:]*/selftest\.c:|# selftest.c:|'
		echo "== exit $rc"
	done
}

if [ "$update" = 1 ]; then
	transcript "$1" >"$EXPECTED"
	echo "wrote $EXPECTED; review it before committing"
	exit 0
fi

fail=0
for bin in "$@"; do
	if diff -u "$EXPECTED" <(transcript "$bin") >"$bin.diff"; then
		echo "ok: $bin matches ${EXPECTED#"$PWD"/}"
		rm -f "$bin.diff"
	else
		echo "FAIL: $bin differs from ${EXPECTED#"$PWD"/}:"
		cat "$bin.diff"
		fail=1
	fi
done
exit "$fail"
