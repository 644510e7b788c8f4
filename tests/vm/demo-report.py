#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# The last step of `make demo`: merge each model's prune report
# (DEMO/<m>-report.json) with what the device did (VMOUT/<m>-device.json)
# into DEMO/report.json, print the summary and check the bars of the
# pruning issue. Exit 1 when the device disagrees with the int8 reference
# on any image or a bar is missed.
#
#   tests/vm/demo-report.py DEMO VMOUT
import json
import sys

demo, vmout = sys.argv[1], sys.argv[2]
models = {}
for m in ("lenet300", "cnn"):
    with open(f"{demo}/{m}-report.json") as f:
        r = json.load(f)
    with open(f"{vmout}/{m}-device.json") as f:
        d = json.load(f)
    r["device_accuracy"] = d["accuracy"]
    r["device_matches_reference"] = d["matches_reference"]
    r["device_images"] = d["images"]
    models[m] = r

# Top level: the LeNet-300-100 run (the headline bar), then both.
report = dict(models["lenet300"])
report["models"] = models
with open(f"{demo}/report.json", "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")

ok = True


def bar(name, cond, detail):
    global ok
    ok &= cond
    print(f"  [{'met' if cond else 'MISSED'}] {name}: {detail}")


print(f"{'model':10} {'fp32':>7} {'int8':>7} {'pruned':>7} {'device':>7} "
      f"{'sparsity':>8} {'fp32 B':>9} {'packed B':>9} {'ratio':>6}")
for m, r in models.items():
    print(f"{m:10} {100 * r['dense_fp32_accuracy']:6.2f}% "
          f"{100 * r['int8_accuracy']:6.2f}% "
          f"{100 * r['pruned_int8_accuracy']:6.2f}% "
          f"{100 * r['device_accuracy']:6.2f}% "
          f"{100 * r['sparsity']:7.1f}% {r['fp32_bytes']:9d} "
          f"{r['packed_bytes']:9d} {r['fp32_bytes'] / r['packed_bytes']:5.1f}x")
print()
le, cnn = models["lenet300"], models["cnn"]
bar("LeNet-300-100 dense fp32 >= 88 %", le["dense_fp32_accuracy"] >= 0.88,
    f"{100 * le['dense_fp32_accuracy']:.2f} %")
bar("LeNet-300-100 sparsity >= 90 %", le["sparsity"] >= 0.90,
    f"{100 * le['sparsity']:.2f} %")
drop = 100 * (le["dense_fp32_accuracy"] - le["device_accuracy"])
bar("LeNet-300-100 int8 packed drop <= 1.0 point", drop <= 1.0,
    f"{drop:.2f} points (device)")
bar("LeNet-300-100 packed <= 1/25 of fp32",
    le["packed_bytes"] * 25 <= le["fp32_bytes"],
    f"{le['packed_bytes']} <= {le['fp32_bytes'] / 25:.0f} bytes")
drop = 100 * (cnn["dense_fp32_accuracy"] - cnn["device_accuracy"])
bar("CNN 2:4 drop <= 0.5 point", drop <= 0.5, f"{drop:.2f} points (device)")
for m, r in models.items():
    bar(f"{m}: device equals the int8 reference on every image",
        r["device_matches_reference"] == r["device_images"],
        f"{r['device_matches_reference']} of {r['device_images']}")
print(f"\nwrote {demo}/report.json")
sys.exit(0 if ok else 1)
