#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Sum the results of every test runner in a `make check` log into one
# closing line: cmocka ("[  PASSED  ] N test(s)."), the harness self-test
# ("ok: ... matches"), the script checks ("plan-check: N passed, N
# failed", "check-install: N passed, N failed, N skipped", "udev-vm: N
# passed, N failed") and the VM
# device suite ("N passed, N failed, N skipped" from
# tests/vm/device-suite.sh).
set -euo pipefail

log=$1
awk '
{ sub(/\r$/, "") }	# lines from the serial console end in CR
/^\[  PASSED  \] [0-9]+ test/ { unit_pass += $4 }
/^\[  FAILED  \] [0-9]+ test/ { unit_fail += $4 }
/^ok: .* matches / { harness_pass++ }
/^(plan-check|check-install|udev-vm): [0-9]+ passed, [0-9]+ failed/ {
	unit_pass += $2; unit_fail += $4
}
/^FAIL: .* differs / { harness_fail++ }
/^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ {
	dev_pass += $1; dev_fail += $3; dev_skip += $5; dev_runs++
}
END {
	printf "check summary: host unit %d passed %d failed; harness self-test %d passed %d failed; VM device suite %d passed %d failed %d skipped\n",
		unit_pass, unit_fail, harness_pass, harness_fail, dev_pass, dev_fail, dev_skip
	if (dev_runs == 0)
		print "check summary: the VM device suite did not report"
	printf "%d passed, %d failed, %d skipped\n",
		unit_pass + harness_pass + dev_pass,
		unit_fail + harness_fail + dev_fail, dev_skip
	exit (unit_fail + harness_fail + dev_fail > 0 || dev_runs == 0)
}' "$log"
