#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The main job, run inside the VM by `make demo`: load snpu.ko with three
# emulated devices, one per platform profile, and show what each one is.
# (Later issues grow this into prune -> pack -> run on the device.)

set -euo pipefail

ko=${SNPU_KO:-driver/snpu.ko}
cli=${SNPU_CLI:-build/bin/snpu}
params=${SNPU_MODULE_ARGS:-emulate=3 emulate_fw=snpu/edge-tiny.bin,snpu/edge-mid.bin,snpu/edge-max.bin}

for f in "$ko" "$cli"; do
	[ -e "$f" ] || { echo "demo: $f not found; run 'make' first" >&2; exit 1; }
done

echo "== insmod $ko $params"
# shellcheck disable=SC2086 # module parameters are separate words
insmod "$ko" $params
dmesg | grep 'snpu snpu-emu' | sed 's/^\[[ 0-9.]*\] /   /'

echo
echo "== snpu info"
"$cli" info

echo
echo "== snpu info --json"
json=$("$cli" info --json)
echo "$json"
# The JSON is for scripts: prove it parses.
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys; d = json.load(sys.stdin); print("   valid JSON:", len(d), "devices:", ", ".join(x["platform"] for x in d))' <<<"$json"
fi

echo
echo "== snpu info --device 2"
"$cli" info --device 2

rmmod snpu
echo
echo "== rmmod snpu: ok"
