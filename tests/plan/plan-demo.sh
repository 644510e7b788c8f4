#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The hardware-aware demonstration (issue 6), on the host: the small CNN
# trained on Fashion-MNIST, then for each of the three platforms
#   uniform  every layer pruned alike (edge-tiny: 2:4, the only sparse form
#            it runs; edge-mid and edge-max: 70 % unstructured), each layer
#            packed in the encoding fastest on the platform;
#   plan     snpu prune --latency-budget set to the uniform model's cycles:
#            per-layer encodings and sparsities chosen for that platform.
# tests/plan/plan-check.py then checks the plans (budget met, predicted
# cycles against the engine's per layer, at least as accurate as uniform
# at that latency, three different plans) and writes the table for
# docs/pruner.md; the VM test (tests/device/plan_test.c) runs the packed
# plans on all three emulated platforms at once.
#
#   tests/plan/plan-demo.sh OUT [SCHEDULE [EPOCHS]]
#
# SCHEDULE is oneshot (make check: about 2 minutes) or gradual (make
# demo: fine-tuned, as a user would); EPOCHS trains the CNN (default 1).
set -euo pipefail

cli=${SNPU_CLI:-build/bin/snpu}
fw=${SNPU_FW_DIR:-build/firmware/snpu}
out=$1
schedule=${2:-oneshot}
epochs=${3:-1}
mkdir -p "$out"
export OPENBLAS_NUM_THREADS=1

if [ ! -f "$out/cnn.onnx" ]; then
	echo "== snpu train --arch cnn --epochs $epochs"
	"$cli" train --arch cnn --epochs "$epochs" --output "$out/cnn.onnx.tmp" --quiet
	mv "$out/cnn.onnx.tmp" "$out/cnn.onnx"
fi

# make check plans on 1000 validation images, make demo on 2000
tune=(--val 1000)
if [ "$schedule" = gradual ]; then
	tune=(--schedule gradual --epochs 1 --lr 0.002)
fi

for p in edge-tiny edge-mid edge-max; do
	if [ "$p" = edge-tiny ]; then
		uniform=(--pattern 2:4)
	else
		uniform=(--pattern unstructured --sparsity 0.7)
	fi
	echo "== $p: uniform ${uniform[*]}"
	"$cli" prune "$out/cnn.onnx" --target "$fw/$p.bin" "${uniform[@]}" \
		"${tune[@]}" --sweep none --quiet \
		--report "$out/uniform-$p.json" --output "$out/uniform-$p.snpu" \
		>"$out/uniform-$p.txt"
	budget=$(/usr/bin/python3 -c 'import json, math, sys
print(math.floor(json.load(open(sys.argv[1]))["pruned_cycles"]))' \
		"$out/uniform-$p.json")
	echo "== $p: plan within $budget cycles (the uniform model's)"
	"$cli" prune "$out/cnn.onnx" --target "$fw/$p.bin" \
		--latency-budget "$budget" "${tune[@]}" --sweep none --quiet \
		--report "$out/plan-$p.json" --output "$out/plan-$p.snpu" \
		--test-input "$out/test-$p.npy" --ref-output "$out/ref-$p.npy" \
		>"$out/plan-$p.txt"
	sed -n '/^layer .*plan/,/^plan:/p' "$out/plan-$p.txt"
done
if [ "$schedule" = oneshot ]; then
	echo "== edge-tiny: an impossible budget exits 5 with the best reachable point"
	rm -f "$out/impossible.snpu"
	rc=0
	"$cli" prune "$out/cnn.onnx" --target "$fw/edge-tiny.bin" \
		--latency-budget 1000 --val 200 --sweep none --quiet \
		--output "$out/impossible.snpu" >/dev/null 2>"$out/impossible.err" || rc=$?
	cat "$out/impossible.err"
	if [ "$rc" != 5 ] || [ -e "$out/impossible.snpu" ] ||
	   ! grep -q "out of reach on edge-tiny: the fastest plan takes" \
		"$out/impossible.err"; then
		echo "plan-demo: FAIL: exit $rc, want 5, the message and no model" >&2
		exit 1
	fi
fi
/usr/bin/python3 tests/plan/plan-check.py "$out"
