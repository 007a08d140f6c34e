#!/usr/bin/env python3
"""Compare the regression-guard metrics of two results.json files.

  compare.py COMMITTED.json FRESH.json [TOLERANCE]

Each metric in "guard" is a ratio measured within one run (or an
instruction count or peak RSS, which do not depend on load). A metric
regresses when it is worse than the committed value by more than TOLERANCE
(default 0.25 = 25 %). Exit 1 if any regresses, 0 otherwise.
"""
import json
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old = json.load(open(sys.argv[1], encoding="utf-8")).get("guard", {})
    new = json.load(open(sys.argv[2], encoding="utf-8")).get("guard", {})
    tol = float(sys.argv[3]) if len(sys.argv) > 3 else 0.25
    bad = 0
    print("%-36s %12s %12s %8s  %s" % ("metric", "committed", "fresh", "change", "verdict"))
    for k in sorted(set(old) | set(new)):
        if k not in new:
            print("%-36s %12.4g %12s %8s  %s" % (k, old[k]["value"], "-", "", "not measured in the fresh run"))
            continue
        if k not in old:
            print("%-36s %12s %12.4g %8s  %s" % (k, "-", new[k]["value"], "", "new metric"))
            continue
        a, b = old[k]["value"], new[k]["value"]
        lower = old[k].get("better", "lower") == "lower"
        worse = (b / a - 1) if lower else (a / b - 1)
        change = (b / a - 1) * 100 if a else 0.0
        verdict = "ok"
        if worse > tol and new[k].get("gate", True) is False:
            verdict = "worse by %.0f %% (reported only: too noisy to gate)" % (worse * 100)
        elif worse > tol:
            verdict = "REGRESSED (%.0f %% worse, limit %.0f %%)" % (worse * 100, tol * 100)
            bad += 1
        print("%-36s %12.4g %12.4g %+7.1f%%  %s" % (k, a, b, change, verdict))
    print("%d metric(s) regressed by more than %.0f %%" % (bad, tol * 100) if bad else
          "no metric regressed by more than %.0f %%" % (tol * 100))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
