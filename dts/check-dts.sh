#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# check-dts: validate the devicetree binding and every tree in dts/ with
# Debian's dt-schema and dtc, one test per file, cmocka-style summary.
#
#   dts/check-dts.sh OUTDIR
#
# Tests: dt-doc-validate on each binding; each binding's examples compiled
# and checked by dt-validate; each dts/*.dts compiled and checked; each
# dts/*.dtso compiled, applied with fdtoverlay to its board stub
# (dts/stubs/<board>-stub.dts) and the result checked; and generated bad
# nodes that dt-validate must reject. dtc warnings count as failures, and
# dt-validate (which exits 0 on schema errors) fails a test when it prints
# anything, or when a snpu,npu node did not match the binding.
set -uo pipefail

out=${1:?usage: $0 OUTDIR}
bindings=dts/bindings
schema=$out/processed-schema.json
DTC=/usr/bin/dtc
FDTOVERLAY=/usr/bin/fdtoverlay
# Called by path: python3 on PATH may be a pyenv shim without dtschema.
DT_DOC_VALIDATE=/usr/bin/dt-doc-validate
DT_MK_SCHEMA=/usr/bin/dt-mk-schema
DT_VALIDATE=/usr/bin/dt-validate
DT_EXTRACT_EXAMPLE=/usr/bin/dt-extract-example

# Checks that need the base tree are off for a lone overlay (dtc cannot
# know the target's #address-cells or interrupt-parent); they run on the
# merged tree instead. Examples are fragments under a fake root.
DTC_OVERLAY_FLAGS="-Wno-reg_format -Wno-avoid_default_addr_size -Wno-interrupts_property"
DTC_EXAMPLE_FLAGS="-Wno-avoid_unnecessary_addr_size"

passed=0
failed=0
failed_names=()

for tool in $DTC $FDTOVERLAY $DT_DOC_VALIDATE $DT_MK_SCHEMA $DT_VALIDATE \
	    $DT_EXTRACT_EXAMPLE; do
	if [ ! -x "$tool" ]; then
		echo "check-dts: $tool missing; run 'make deps' (dt-schema device-tree-compiler)" >&2
		echo "[  FAILED  ] 1 test."
		exit 1
	fi
done

rm -rf "$out"
mkdir -p "$out"

# run_test NAME FUNCTION ARGS...: the function's output goes to a log
# printed only on failure.
run_test() {
	local name=$1 log
	shift
	log=$out/$(echo "$name" | tr -c 'A-Za-z0-9._-' '_').log
	echo "[ RUN      ] $name"
	if "$@" >"$log" 2>&1; then
		echo "[       OK ] $name"
		passed=$((passed + 1))
	else
		sed 's/^/    /' "$log"
		echo "[  FAILED  ] $name"
		failed=$((failed + 1))
		failed_names+=("$name")
	fi
}

# dtc_quiet ARGS...: dtc whose warnings are errors.
dtc_quiet() {
	local err
	err=$("$DTC" "$@" 2>&1) || { echo "$err"; return 1; }
	[ -z "$err" ] || { echo "$err"; echo "dtc: warnings are errors here"; return 1; }
}

# validate DTB: no dt-validate message at all, and every node with
# compatible "snpu,npu" matched the binding.
validate() {
	local dtb=$1 msgs want got
	msgs=$("$DT_VALIDATE" -s "$schema" "$dtb" 2>&1) || { echo "$msgs"; return 1; }
	[ -z "$msgs" ] || { echo "$msgs"; return 1; }
	want=$("$DTC" -I dtb -O dts "$dtb" 2>/dev/null | grep -c '"snpu,npu"')
	got=$("$DT_VALIDATE" -M -l snpu,npu.yaml -s "$schema" "$dtb" 2>&1 |
		grep -c 'schemas/snpu,npu.yaml#')
	if [ "$want" -lt 1 ] || [ "$got" -ne "$want" ]; then
		echo "$dtb: $want snpu,npu node(s), $got matched the binding"
		return 1
	fi
}

test_binding() {
	"$DT_DOC_VALIDATE" -u "$bindings" "$1" 2>&1 | tee "$out/doc.msg"
	[ "${PIPESTATUS[0]}" = 0 ] && [ ! -s "$out/doc.msg" ]
}

test_examples() {
	local base=$out/$(basename "$1" .yaml).example
	"$DT_EXTRACT_EXAMPLE" "$1" >"$base.dts" &&
		dtc_quiet $DTC_EXAMPLE_FLAGS -I dts -O dtb -o "$base.dtb" "$base.dts" &&
		validate "$base.dtb"
}

test_dts() {
	local dtb=$out/$(basename "$1" .dts).dtb
	dtc_quiet -@ -I dts -O dtb -o "$dtb" "$1" && validate "$dtb"
}

test_overlay() {
	local board=$(basename "$1" -snpu.dtso)
	local stub=dts/stubs/$board-stub.dts
	local dtbo=$out/$board-snpu.dtbo merged=$out/$board-snpu.dtb
	[ -f "$stub" ] || { echo "$1: no base tree $stub"; return 1; }
	dtc_quiet -@ $DTC_OVERLAY_FLAGS -I dts -O dtb -o "$dtbo" "$1" &&
		dtc_quiet -@ -I dts -O dtb -o "$out/$board-stub.dtb" "$stub" &&
		"$FDTOVERLAY" -i "$out/$board-stub.dtb" -o "$merged" "$dtbo" &&
		dtc_quiet -I dtb -O dtb -o /dev/null "$merged" &&
		validate "$merged"
}

# test_reject NAME SED-SCRIPT EXPECTED: a copy of snpu-example.dts edited
# by SED-SCRIPT must compile and be rejected by the binding with a
# message containing EXPECTED.
test_reject() {
	local name=$1 edit=$2 expect=$3 src=$out/bad-$1.dts msgs
	sed "$edit" dts/snpu-example.dts >"$src"
	cmp -s "$src" dts/snpu-example.dts && { echo "edit '$edit' changed nothing"; return 1; }
	dtc_quiet -@ -I dts -O dtb -o "$out/bad-$name.dtb" "$src" || return 1
	msgs=$("$DT_VALIDATE" -s "$schema" "$out/bad-$name.dtb" 2>&1)
	echo "$msgs"
	if ! grep -F -- "$expect" <<<"$msgs" | grep -q 'npu@a000000'; then
		echo "expected the npu node rejected with: $expect"
		return 1
	fi
	grep -q 'From schema: .*snpu,npu.yaml' <<<"$msgs"
}

for yaml in "$bindings"/*.yaml; do
	run_test "binding $(basename "$yaml")" test_binding "$yaml"
done

if ! "$DT_MK_SCHEMA" -j -o "$schema" "$bindings"/ >"$out/mk-schema.log" 2>&1 ||
   ! grep -q 'snpu,npu.yaml' "$schema"; then
	cat "$out/mk-schema.log"
	echo "check-dts: dt-mk-schema failed; nothing can be validated" >&2
	echo "[  FAILED  ] 1 test."
	exit 1
fi

for yaml in "$bindings"/*.yaml; do
	run_test "examples $(basename "$yaml")" test_examples "$yaml"
done
for dts in dts/*.dts; do
	run_test "dts $(basename "$dts")" test_dts "$dts"
done
for dtso in dts/*.dtso; do
	run_test "overlay $(basename "$dtso")" test_overlay "$dtso"
done

run_test "reject missing interrupts" test_reject no-interrupts \
	'/npu@a000000/,/};/{/interrupts = /d}' "'interrupts' is a required property"
run_test "reject unknown property" test_reject unknown-prop \
	's/firmware-name = "snpu\/edge-mid.bin";/&\n\t\t\tsnpu,turbo;/' \
	"'snpu,turbo' does not match any of the regexes"
run_test "reject bad firmware-name" test_reject bad-fw-name \
	's/snpu\/edge-mid.bin/edge-mid.fw/' "'edge-mid.fw' does not match"
run_test "reject emulated with registers" test_reject emulated-reg \
	's/firmware-name = "snpu\/edge-mid.bin";/&\n\t\t\tsnpu,emulated;/' \
	"reg: False schema does not allow"

echo "[==========] $((passed + failed)) test(s) run."
echo "[  PASSED  ] $passed tests."
if [ "$failed" -gt 0 ]; then
	echo "[  FAILED  ] $failed tests, listed below:"
	for n in "${failed_names[@]}"; do
		echo "[  FAILED  ] $n"
	done
	exit 1
fi
