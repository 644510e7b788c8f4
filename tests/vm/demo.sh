#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The VM half of `make demo`: load snpu.ko with three emulated devices,
# one per platform profile, show what each one is, then run the packed
# models tests/vm/demo-host.sh made over the 10 000 Fashion-MNIST test
# images on the edge-max device and score the device's outputs: accuracy,
# and how many equal the independent int8 reference's byte for byte.
# Results go to $SNPU_OUT (the runner's writable share).

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

demo=${SNPU_DEMO:-build/demo}
out=${SNPU_OUT:-$demo}
for m in lenet300 cnn; do
	[ -e "$demo/$m.snpu" ] || {
		echo "demo: $demo/$m.snpu not found; tests/vm/demo-host.sh makes it" >&2
		exit 1
	}
	echo
	echo "== snpu run $m.snpu on the edge-max device: 10000 test images"
	"$cli" run "$demo/$m.snpu" --device 2 --input "$demo/$m-test.npy" \
		--output "$out/$m-device.npy" --counters
	echo "== snpu eval: the device's outputs against the int8 reference"
	"$cli" eval "$demo/$m.snpu" --outputs "$out/$m-device.npy" \
		--reference "$demo/$m-ref.npy"
	"$cli" eval "$demo/$m.snpu" --outputs "$out/$m-device.npy" \
		--reference "$demo/$m-ref.npy" --json >"$out/$m-device.json"
done

echo
echo "== snpu bench lenet300.snpu on the edge-max device"
"$cli" bench "$demo/lenet300.snpu" --device 2 --runs 50

rmmod snpu

echo
echo "== the libaccel example on one edge-max device: fmnist_classify"
insmod "$ko" emulate=1 emulate_fw=snpu/edge-max.bin
build/bin/fmnist_classify "$demo/lenet300.snpu"
rmmod snpu
echo
echo "== rmmod snpu: ok"
