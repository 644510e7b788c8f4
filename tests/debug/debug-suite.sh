#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The guest half of `make check-debug` and `make fuzz-ioctl`, against the
# snpu.ko built for the debug kernel:
#   1. the whole device suite (build/tests/device),
#   2. the fault-injection sweeps (build/tests/fault),
#   3. the ioctl fuzzer for a bounded number of calls,
# then two kmemleak scans (objects freed late by RCU or workqueues settle
# between them). Any leak report fails the run and is printed; KASAN,
# lockdep, UBSAN, "BUG: sleeping function" and refcount splats fail it
# through tests/vm/run-vm.sh's dmesg check.
#
#   tests/debug/debug-suite.sh [--fuzz-only] [--fuzz-calls N]
#                              [--fuzz-seconds T] [--fuzz-threads K]
#                              [--seed S] KO
set -uo pipefail

PROG=${0##*/}
O=${O:-build}
fuzz_only=0 fuzz_calls=100000 fuzz_seconds=900 fuzz_threads=4 seed=$(date +%s)
while [ $# -gt 1 ]; do
	case $1 in
	--fuzz-only) fuzz_only=1; shift ;;
	--fuzz-calls) fuzz_calls=$2; shift 2 ;;
	--fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
	--fuzz-threads) fuzz_threads=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	*) echo "$PROG: unknown argument '$1'"; exit 2 ;;
	esac
done
ko=${1:?usage: debug-suite.sh [options] KO}
leaks=/sys/kernel/debug/kmemleak

if [ ! -w "$leaks" ]; then
	echo "$PROG: $leaks missing: not a kmemleak kernel"
	exit 1
fi
# What boot left behind is not ours: scan, and mark it as seen.
echo scan >"$leaks"
echo clear >"$leaks"

export SNPU_KO=$ko
rc=0
if [ "$fuzz_only" = 0 ]; then
	tests/vm/device-suite.sh "$O/tests/device" "$O/tests/fault" || rc=1
fi

echo "# ==== $O/tests/debug/snpu-ioctl-fuzz"
start=$(date +%s)
"$O/tests/debug/snpu-ioctl-fuzz" --seed "$seed" --calls "$fuzz_calls" \
	--seconds "$fuzz_seconds" --threads "$fuzz_threads" || rc=1
echo "# $PROG: ioctl fuzzer: $(( $(date +%s) - start )) s"
if [ -d /sys/module/snpu ] && ! rmmod snpu; then
	echo "# $PROG: snpu.ko does not unload after fuzzing (a leaked reference?)"
	rc=1
fi

# What a scan after everything (snpu.ko unloaded) still finds is ours.
# kmemleak turns itself off when it runs out of its own memory: then a
# scan is refused, and an empty report would prove nothing.
if ! { echo scan >"$leaks" && sleep 5 && echo scan >"$leaks"; }; then
	echo "$PROG: kmemleak refused to scan (it turned itself off): no leak check"
	exit 1
fi
report=$(cat "$leaks")
if [ -n "$report" ]; then
	echo "$PROG: kmemleak reports:"
	echo "$report"
	echo "$PROG: kmemleak found leaks"
	exit 1
fi
echo "$PROG: kmemleak: no leaks after the suite"
exit "$rc"
