#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The device test suite; runs inside the VM (tests/vm/run-vm.sh), from the
# repository folder.
#
#   tests/vm/device-suite.sh [DIR...]     (default build/tests/device)
#
# Runs every executable in each DIR in name order, passes their kselftest TAP
# output through, and ends with the totals summed from each binary's own
# "# Totals:" line. A binary that exits with a failure status (anything but
# 0 = pass and 4 = all skipped) or prints no Totals line fails the suite;
# so does snpu.ko refusing to unload when the tests leave it loaded.

set -uo pipefail

[ $# -gt 0 ] || set -- build/tests/device
PROG=${0##*/}

bins=()
for dir in "$@"; do
	if [ ! -d "$dir" ]; then
		echo "$PROG: $dir: no such folder; build the device tests first (make)"
		exit 1
	fi
	n=${#bins[@]}
	for f in "$dir"/*; do
		[ -f "$f" ] && [ -x "$f" ] && bins+=("$f")
	done
	if [ ${#bins[@]} -eq "$n" ]; then
		echo "$PROG: no test binaries in $dir"
		exit 1
	fi
done

declare -A sum=([pass]=0 [fail]=0 [xfail]=0 [xpass]=0 [skip]=0 [error]=0)
failed_bins=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for bin in "${bins[@]}"; do
	echo "# ==== $bin"
	"$bin" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	totals=$(grep -E '^# Totals: ' "$log" | tail -n 1)
	if [ -z "$totals" ]; then
		echo "# $PROG: $bin printed no Totals line (exit status $rc)"
		sum[error]=$((sum[error] + 1))
		failed_bins+=("$bin")
		continue
	fi
	for key in pass fail xfail xpass skip error; do
		n=$(sed -n "s/.* $key:\([0-9]\+\).*/\1/p" <<<"$totals")
		sum[$key]=$((sum[$key] + ${n:-0}))
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
		echo "# $PROG: $bin exited with status $rc"
		failed_bins+=("$bin")
	fi
done

# Unloading runs the driver's teardown, so leaks and warnings show up in the
# dmesg the runner checks.
if [ -d /sys/module/snpu ]; then
	if rmmod snpu; then
		echo "# $PROG: unloaded snpu.ko left loaded by the tests"
	else
		echo "# $PROG: snpu.ko left loaded and rmmod failed (a leaked reference?)"
		sum[error]=$((sum[error] + 1))
		failed_bins+=("rmmod snpu")
	fi
fi

echo "# Totals: pass:${sum[pass]} fail:${sum[fail]} xfail:${sum[xfail]}" \
	"xpass:${sum[xpass]} skip:${sum[skip]} error:${sum[error]}"
echo "${sum[pass]} passed, ${sum[fail]} failed, ${sum[skip]} skipped"
if [ ${#failed_bins[@]} -gt 0 ]; then
	echo "# $PROG: FAILED: ${failed_bins[*]}"
	exit 1
fi
exit 0
