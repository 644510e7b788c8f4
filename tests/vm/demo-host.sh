#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The host half of `make demo`: train LeNet-300-100 and the small CNN on
# Fashion-MNIST, then prune, quantize and pack each:
#   lenet300  unstructured magnitude pruning to a 96 % target (the
#             10-way classifier at 50 %) with gradual (polynomial) masked
#             fine-tuning, keeping the weights CSR stores fillers for
#             anyway (--csr-fill: more weights for the same bytes);
#   cnn       2:4 on every conv and FC layer, fine-tuned the same way;
#   plan/     the CNN planned for edge-tiny, edge-mid and edge-max within
#             the latency of uniform sparsity on each, fine-tuned
#             (tests/plan/plan-demo.sh; its checks must hold).
# Each prune writes the packed model, its report (JSON + SVG plot), the
# quantized test images and the independent int8 reference's outputs for
# them, which the VM half (tests/vm/demo.sh) runs on the device.
#
#   tests/vm/demo-host.sh [OUT]      (default build/demo)
set -euo pipefail

cli=${SNPU_CLI:-build/bin/snpu}
out=${1:-build/demo}
quiet=${SNPU_DEMO_QUIET:+--quiet}
mkdir -p "$out"

echo "== snpu train --arch lenet300"
"$cli" train --arch lenet300 --output "$out/lenet300.onnx" $quiet
echo
echo "== snpu prune lenet300: 96 % unstructured + CSR fillers, gradual"
"$cli" prune "$out/lenet300.onnx" --output "$out/lenet300.snpu" \
	--sparsity 0.96 --layer fc3=0.5 --csr-fill --pattern unstructured \
	--schedule gradual --epochs 6 --lr 0.003 \
	--report "$out/lenet300-report.json" --plot "$out/lenet300.svg" \
	--export-onnx "$out/lenet300-pruned.onnx" \
	--test-input "$out/lenet300-test.npy" \
	--ref-output "$out/lenet300-ref.npy" $quiet

echo
echo "== snpu train --arch cnn"
"$cli" train --arch cnn --output "$out/cnn.onnx" $quiet
echo
echo "== snpu prune cnn: 2:4 on every layer, gradual"
"$cli" prune "$out/cnn.onnx" --output "$out/cnn.snpu" \
	--pattern 2:4 --schedule gradual --epochs 2 --lr 0.002 \
	--report "$out/cnn-report.json" --plot "$out/cnn.svg" \
	--export-onnx "$out/cnn-pruned.onnx" \
	--test-input "$out/cnn-test.npy" --ref-output "$out/cnn-ref.npy" \
	$quiet

echo
echo "== hardware-aware plans for the CNN on three platforms, fine-tuned"
mkdir -p "$out/plan"
cp "$out/cnn.onnx" "$out/plan/cnn.onnx"
tests/plan/plan-demo.sh "$out/plan" gradual
