#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Checks what tests/plan/plan-demo.sh produced and writes the table of
# docs/pruner.md ("Planned for three platforms"):
#   - each plan met its latency budget (the uniform model's cycles), in the
#     engine's counted cycles and in the cost model's prediction;
#   - on every layer the predicted cycles equal the engine's (edge-tiny,
#     no zero skipping) or are within 2 % (edge-mid, edge-max: zero skipping
#     predicted from calibration images, measured on test images);
#   - each plan is at least as accurate as uniform sparsity at that latency;
#   - the three plans differ.
#
#   tests/plan/plan-check.py OUT
# Exit status 0 when every check holds; the table goes to OUT/plan-table.md
# (OUT/plan-table.failed.md when a check fails).

import json
import sys

PLATFORMS = ["edge-tiny", "edge-mid", "edge-max"]


def load(path):
    with open(path) as f:
        return json.load(f)


def pct(x):
    return "%.2f %%" % (100 * x)


def main():
    out = sys.argv[1]
    failures = []
    passed = []
    rows = []
    plans = {}

    def check(ok, what):
        print("%s: %s" % ("ok" if ok else "FAIL", what))
        (passed if ok else failures).append(what)

    for p in PLATFORMS:
        u = load("%s/uniform-%s.json" % (out, p))
        r = load("%s/plan-%s.json" % (out, p))
        plan = r["plan"]
        budget = plan["latency_budget"]
        check(plan is not None and budget > 0, "%s: the plan has a budget" % p)
        check(r["pruned_cycles"] <= budget,
              "%s: engine cycles %.1f within the budget %d" %
              (p, r["pruned_cycles"], budget))
        predicted = sum(c["predicted"] for c in r["layer_cycles"])
        check(predicted <= budget,
              "%s: predicted cycles %.1f within the budget %d" %
              (p, predicted, budget))
        worst = 0.0
        for i, c in enumerate(r["layer_cycles"]):
            diff = abs(c["predicted"] - c["measured"]) / c["measured"]
            worst = max(worst, diff)
            if p == "edge-tiny":
                check(c["predicted"] == c["measured"],
                      "%s layer %d (%s): predicted %.1f == engine %.1f" %
                      (p, i, c["op"], c["predicted"], c["measured"]))
            else:
                check(diff <= 0.02,
                      "%s layer %d (%s): predicted %.1f within 2 %% of engine %.1f" %
                      (p, i, c["op"], c["predicted"], c["measured"]))
        check(r["pruned_int8_accuracy"] >= u["pruned_int8_accuracy"],
              "%s: plan %s at least as accurate as uniform %s at %.0f cycles" %
              (p, pct(r["pruned_int8_accuracy"]), pct(u["pruned_int8_accuracy"]),
               u["pruned_cycles"]))
        plans[p] = tuple(l["encoding"] + " %.2f" % l["sparsity"]
                         for l in r["layers"])
        choice = ", ".join("%s %s%s" % (l["name"], l["encoding"],
                                        "" if l["encoding"] == "dense" else
                                        " %.0f %%" % (100 * l["sparsity"]))
                           for l in r["layers"])
        rows.append("| %s | %s | %.0f | %.0f | %.0f | %.2f %% | %s | %s | %s | %d |" %
                    (p, choice, r["dense_cycles"], budget, r["pruned_cycles"],
                     100 * worst, pct(r["int8_accuracy"]),
                     pct(r["pruned_int8_accuracy"]),
                     pct(u["pruned_int8_accuracy"]), r["packed_bytes"]))
    check(len(set(plans.values())) == len(PLATFORMS),
          "the three platforms get three different plans")

    # the table is the make target: written only when every check holds
    table = "%s/plan-table%s.md" % (out, ".failed" if failures else "")
    with open(table, "w") as f:
        f.write("| platform | plan (per layer) | dense cycles | budget "
                "(uniform's cycles) | plan cycles | worst layer "
                "prediction error | dense int8 | plan int8 | uniform int8 "
                "| plan bytes |\n")
        f.write("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for row in rows:
            f.write(row + "\n")
    print(open(table).read())
    print("plan-check: %d passed, %d failed" % (len(passed), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
