#!/usr/bin/env python3
"""Turn a bench/run.sh work directory into results.json, results.md and
scaling.svg.

  report.py WORKDIR OUTDIR
"""
import json
import math
import os
import re
import sys

REQS = ["ls", "git_status", "grep_head", "pipeline", "heredoc10k", "nested_bash_c"]
# The budget is set for a typical request (issue: "on a typical request");
# the other requests are stress cases, reported against the same line.
TYPICAL = {"ls", "git_status", "grep_head"}
REQ_LABEL = {
    "ls": "short `ls`",
    "git_status": "`git status --short && git diff --stat`",
    "grep_head": "`grep -rn 'TODO' src | head -n 20`",
    "pipeline": "long pipeline (16 stages)",
    "heredoc10k": "10 KiB heredoc",
    "nested_bash_c": "nested `bash -c` (6 levels)",
}
# Growth exponent above which a curve is flagged as super-linear.
SUPERLINEAR = 1.15


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def kv(path):
    out = {}
    for ln in read(path).splitlines():
        if "=" in ln:
            k, v = ln.split("=", 1)
            out[k] = v
    return out


def jsonl(path):
    out = {}
    for ln in read(path).splitlines():
        ln = ln.strip()
        if ln:
            d = json.loads(ln)
            out[d["name"]] = d
    return out


def cg_totals(path, crashed=None):
    """name -> instructions; names whose process died of a signal (status
    >= 128) go to crashed instead."""
    out = {}
    for ln in read(path).splitlines():
        p = ln.split()
        if len(p) >= 2 and p[1].isdigit():
            if len(p) >= 3 and p[2] == "999":
                if crashed is not None:
                    crashed[p[0]] = 999
                continue
            if len(p) >= 3 and p[2].isdigit() and int(p[2]) >= 128:
                if crashed is not None:
                    crashed[p[0]] = int(p[2])
                continue
            out[p[0]] = int(p[1])
    return out


def verdict(work, name):
    """First meaningful word of a case's captured stdout."""
    t = read(os.path.join(work, "out", name + ".out")).strip()
    if not t:
        return "silent allow" if name.startswith("ccsn.") else "no output"
    m = re.search(r'"permissionDecision"\s*:\s*"(\w+)"', t)
    if m:
        return m.group(1)
    m = re.search(r'"decision"\s*:\s*"(\w+)"', t)
    if m:
        return m.group(1)
    return t.split()[0][:20]


def fmt_ms(x):
    return "%.2f" % x if x < 100 else "%.0f" % x


def mmm(d):
    return "%s / %s / %s" % (fmt_ms(d["min_ms"]), fmt_ms(d["median_ms"]), fmt_ms(d["max_ms"]))


def exponent(points, base, min_delta):
    """Growth exponent of (y - base) against x: the least-squares log-log
    slope over the upper half of the x range (log scale), using the points
    whose increment over base is at least min_delta. Also returns the
    slopes between consecutive points of that range."""
    pts = [(x, y - base) for x, y in points if y is not None and x > 0 and y - base >= min_delta]
    if len(pts) < 2:
        return None, []
    xs = [x for x, _ in points if x > 0]
    mid = math.sqrt(min(xs) * max(xs))
    upper = [p for p in pts if p[0] >= mid]
    if len(upper) < 2:
        upper = pts[-2:]
    lx = [math.log(x) for x, _ in upper]
    ly = [math.log(y) for _, y in upper]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((a - mx) ** 2 for a in lx)
    if den == 0:
        return None, []
    e = sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / den
    pairs = []
    for (x0, y0), (x1, y1) in zip(upper, upper[1:]):
        if x1 > x0 and y0 > 0:
            pairs.append((x0, x1, math.log(y1 / y0) / math.log(x1 / x0)))
    return e, pairs


# ---- SVG ---------------------------------------------------------------------

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]


def svg_panel(x0, y0, w, h, title, xlabel, ylabel, series, xlog=True, ylog=True):
    """series: [(label, [(x, y), ...])]. Returns SVG elements."""
    el = []
    allx = [p[0] for _, pts in series for p in pts if p[0] > 0]
    ally = [p[1] for _, pts in series for p in pts if p[1] > 0]
    if not allx or not ally:
        return el
    fx = (lambda v: math.log10(v)) if xlog else (lambda v: v)
    fy = (lambda v: math.log10(v)) if ylog else (lambda v: v)
    xmin, xmax = fx(min(allx)), fx(max(allx))
    ymin, ymax = fy(min(ally)), fy(max(ally))
    if xlog:
        xmin, xmax = math.floor(xmin), math.ceil(xmax)
    if ylog:
        ymin, ymax = math.floor(ymin), math.ceil(ymax)
    if xmax == xmin:
        xmax = xmin + 1
    if ymax == ymin:
        ymax = ymin + 1
    L, R, T, B = 60, 10, 28, 40
    pw, ph = w - L - R, h - T - B

    def px(v):
        return x0 + L + (fx(v) - xmin) / (xmax - xmin) * pw

    def py(v):
        return y0 + T + ph - (fy(v) - ymin) / (ymax - ymin) * ph

    el.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>' % (x0 + L, y0 + T, pw, ph))
    el.append('<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>' % (x0 + L, y0 + 18, title))
    el.append('<text x="%d" y="%d" font-size="11" text-anchor="middle">%s</text>' % (x0 + L + pw / 2, y0 + h - 6, xlabel))
    el.append('<text x="%d" y="%d" font-size="11" text-anchor="middle" transform="rotate(-90 %d %d)">%s</text>'
              % (x0 + 14, y0 + T + ph / 2, x0 + 14, y0 + T + ph / 2, ylabel))
    # ticks
    if xlog:
        xt = [10 ** e for e in range(int(xmin), int(xmax) + 1)]
    else:
        step = max(1, int(round((xmax - xmin) / 6)))
        xt = list(range(int(xmin), int(xmax) + 1, step))
    for v in xt:
        X = px(v)
        el.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (X, y0 + T, X, y0 + T + ph))
        lab = ("%g" % v) if v < 1e4 else ("1e%d" % round(math.log10(v)))
        el.append('<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%s</text>' % (X, y0 + T + ph + 14, lab))
    yt = [10 ** e for e in range(int(ymin), int(ymax) + 1)] if ylog else []
    for v in yt:
        Y = py(v)
        el.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (x0 + L, Y, x0 + L + pw, Y))
        el.append('<text x="%d" y="%.1f" font-size="10" text-anchor="end">%g</text>' % (x0 + L - 4, Y + 3, v))
    for i, (label, pts) in enumerate(series):
        c = COLORS[i % len(COLORS)]
        pts = [p for p in pts if p[0] > 0 and p[1] > 0]
        if not pts:
            continue
        d = " ".join("%s%.1f,%.1f" % ("M" if k == 0 else "L", px(x), py(y)) for k, (x, y) in enumerate(pts))
        el.append('<path d="%s" fill="none" stroke="%s" stroke-width="1.6"/>' % (d, c))
        for x, y in pts:
            el.append('<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>' % (px(x), py(y), c))
        el.append('<text x="%d" y="%d" font-size="10" fill="%s">%s</text>' % (x0 + L + 6, y0 + T + 12 + 12 * i, c, label))
    return el


def write_svg(path, panels):
    W, H = 440, 300
    el = []
    for i, p in enumerate(panels):
        el += svg_panel(i * W, 0, W, H, *p[0], **p[1])
    with open(path, "w", encoding="utf-8") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">\n'
                % (W * len(panels), H))
        f.write('<rect width="100%" height="100%" fill="white"/>\n')
        f.write("\n".join(el))
        f.write("\n</svg>\n")


# ---- main --------------------------------------------------------------------

def main():
    work, out = sys.argv[1], sys.argv[2]
    mach = kv(os.path.join(work, "machine.txt"))
    status = kv(os.path.join(work, "status.txt"))
    man = json.loads(read(os.path.join(work, "in", "manifest.json"), "{}"))
    hook = jsonl(os.path.join(work, "hook.jsonl"))
    batch = jsonl(os.path.join(work, "batch.jsonl"))
    scale = jsonl(os.path.join(work, "scale.jsonl"))
    sandbox = jsonl(os.path.join(work, "sandbox.jsonl"))
    cg_crashed = {}
    cg = cg_totals(os.path.join(work, "cg", "totals.txt"), cg_crashed)
    cgs = cg_totals(os.path.join(work, "cg", "scale_totals.txt"), cg_crashed)
    ccsn_note = read(os.path.join(work, "ccsn_note.txt")).strip()
    hook_built = status.get("hook") == "built"
    R = {"machine": mach, "status": status, "targets": [], "guard": {}}
    guard = R["guard"]
    targets = R["targets"]
    md = []
    w = md.append

    w("# shellgate benchmark results")
    w("")
    w("Written by `make bench` (`sh bench/run.sh BIN`); method and how to read "
      "this in [docs/BENCHMARKS.md](../docs/BENCHMARKS.md). Times are whole "
      "processes in milliseconds, **min / median / max** over the runs shown; "
      "ratios are medians measured in the same run, cases interleaved round by round.")
    w("")
    w("## Machine")
    w("")
    for k in ("cpu", "nproc", "mem", "kernel", "os", "cc", "loadavg", "load_note", "git", "binary_bytes", "linkage",
              "hyperfine", "valgrind", "bwrap", "firejail", "node", "perf_counters", "elapsed_s"):
        if mach.get(k):
            w("- %s: %s" % (k, mach[k]))
    w("- subcommands at run time: hook %s, exec %s, lint %s" % (status.get("hook"), status.get("exec"), status.get("lint")))
    w("")

    # ---- hook latency ----
    w("## 1. Hook latency (whole process, Claude Code PreToolUse request on stdin)")
    w("")
    if not hook_built:
        w("**`shellgate hook` was a placeholder in this build** (it answers a fixed deny "
          "without judging): its rows are shown for reference only, and the target is "
          "judged on `shellgate check --stdin` (the same engine path with the command "
          "text on stdin, without the JSON envelope) as the stand-in.")
        w("")
    w("| request | bytes (json) | /bin/true | shellgate hook claude | ratio | check --stdin | ratio | cc-safety-net hook -cc | ratio | sg/ccsn |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    R["hook"] = {"cases": hook, "rows": {}}
    for r in REQS:
        t = hook.get("true." + r)
        h = hook.get("hook." + r)
        c = hook.get("check." + r)
        n = hook.get("ccsn." + r)
        if not t:
            continue
        row = {"true_ms": t["median_ms"]}
        cells = [REQ_LABEL[r], str(man.get("req", {}).get(r, {}).get("json_bytes", "")), mmm(t)]
        for key, d in (("hook", h), ("check", c)):
            if d:
                ratio = d["median_ms"] / t["median_ms"]
                row[key + "_ms"] = d["median_ms"]
                row[key + "_ratio"] = ratio
                row[key + "_rss_kib"] = d["rss_kib_max"]
                row[key + "_verdict"] = verdict(work, key + "." + r)
                tag = "" if key != "hook" or hook_built else " (placeholder)"
                cells += ["%s (%s%s)" % (mmm(d), row[key + "_verdict"], tag), "%.2f×" % ratio]
            else:
                cells += ["—", "—"]
        sg = row.get("hook_ms") if hook_built else row.get("check_ms")
        if n:
            row["ccsn_ms"] = n["median_ms"]
            row["ccsn_ratio"] = n["median_ms"] / t["median_ms"]
            row["ccsn_rss_kib"] = n["rss_kib_max"]
            row["ccsn_verdict"] = verdict(work, "ccsn." + r)
            cells += ["%s (%s)" % (mmm(n), row["ccsn_verdict"]), "%.1f×" % row["ccsn_ratio"],
                      "%.3f" % (sg / n["median_ms"])]
            guard["latency.%s.sg_vs_ccsn" % r] = {"value": sg / n["median_ms"], "better": "lower", "gate": False}
        else:
            cells += ["not measured", "—", "—"]
        R["hook"]["rows"][r] = row
        w("| " + " | ".join(cells) + " |")
        sgd = h if hook_built else c
        if sgd:
            # the guard uses the ratio of the minima: far less sensitive to
            # load spikes than the medians the table reports
            guard["latency.%s.vs_true" % r] = {"value": sgd["min_ms"] / t["min_ms"], "better": "lower"}
    w("")
    w("Runs per case: %s. Verdicts in parentheses are what each tool answered "
      "(\"silent allow\" = cc-safety-net printed nothing and exited 0, its allow)." % (hook.get("true.ls", {}).get("runs", "?")))
    if "node.empty" in hook:
        w("Node start-up alone (`node -e 0`): %s ms." % mmm(hook["node.empty"]))
    if ccsn_note:
        w("cc-safety-net: %s" % ccsn_note)
    w("")
    w("Peak RSS (KiB, max over runs):")
    w("")
    w("| request | /bin/true | hook | check --stdin | cc-safety-net |")
    w("|---|---|---|---|---|")
    for r in REQS:
        t = hook.get("true." + r)
        if not t:
            continue
        w("| %s | %s | %s | %s | %s |" % (REQ_LABEL[r], t["rss_kib_max"],
                                        hook.get("hook." + r, {}).get("rss_kib_max", "—"),
                                        hook.get("check." + r, {}).get("rss_kib_max", "—"),
                                        hook.get("ccsn." + r, {}).get("rss_kib_max", "—")))
    w("")
    # targets for latency and RSS
    label = "shellgate hook claude" if hook_built else "check --stdin (stand-in: hook is a placeholder)"
    for r in REQS:
        row = R["hook"]["rows"].get(r, {})
        ratio = row.get("hook_ratio") if hook_built else row.get("check_ratio")
        rss = row.get("hook_rss_kib") if hook_built else row.get("check_rss_kib")
        sgd = hook.get(("hook." if hook_built else "check.") + r)
        tmin = hook.get("true." + r)
        minr = sgd["min_ms"] / tmin["min_ms"] if sgd and tmin else None
        if ratio is not None:
            targets.append({"target": "hook latency ≤ 2× /bin/true (median), %s %s" %
                            ("typical request:" if r in TYPICAL else "stress case (not a typical request):", REQ_LABEL[r]),
                            "measured": "%.2f× (%s; ratio of the minima %.2f×)" % (ratio, label, minr or 0),
                            "met": ratio <= 2.0,
                            "miss": None if ratio <= 2.0 else "%.0f %% over" % ((ratio / 2.0 - 1) * 100)})
        if rss is not None:
            targets.append({"target": "hook peak RSS ≤ 8 MiB, %s" % REQ_LABEL[r],
                            "measured": "%.1f MiB" % (rss / 1024), "met": rss <= 8192,
                            "miss": None if rss <= 8192 else "%.0f %% over" % ((rss / 8192 - 1) * 100)})
        if r == "ls" and rss is not None:
            guard["rss.ls_kib"] = {"value": rss, "better": "lower"}

    # ---- callgrind ----
    if cg:
        w("## 2. Instruction counts (callgrind, deterministic)")
        w("")
        w("| case | instructions | vs /bin/true |")
        w("|---|---|---|")
        tr = cg.get("true")
        for k in sorted(cg):
            v = cg[k]
            w("| %s | %s | %s |" % (k, format(v, ","), "%.1f×" % (v / tr) if tr and not k.startswith("batch") else ""))
        for k in sorted(cg_crashed):
            if k.startswith(("size.", "nest.", "rules")):
                continue
            if cg_crashed[k] == 999:
                w("| %s | left out: its answer under callgrind differed from the timed runs' | |" % k)
            else:
                w("| %s | **process died of signal %d** | |" % (k, cg_crashed[k] - 128))
        w("")
        R["callgrind"] = cg
        R["callgrind_crashed"] = cg_crashed
        if "batch.dev3k.nosnap" in cg:
            per = (cg["batch.dev3k.nosnap"] - cg.get("batch.empty.nosnap", 0)) / 3000
            R["callgrind_per_cmd_dev_nosnap"] = per
            w("`check --batch --jobs 1` without the snapshot: %s instructions per dev-corpus command (start-up subtracted)." % format(int(per), ","))
            guard["ir.batch_dev_per_cmd_nosnap"] = {"value": per, "better": "lower"}
        base = cg.get("batch.empty", 0)
        lines = man.get("corpus", {})
        if "batch.dev3k" in cg:
            per = (cg["batch.dev3k"] - base) / 3000
            R["callgrind_per_cmd_dev"] = per
            w("`check --batch --jobs 1`: %s instructions per dev-corpus command (3,000 lines, start-up subtracted)" % format(int(per), ","))
            guard["ir.batch_dev_per_cmd"] = {"value": per, "better": "lower"}
        if "batch.long200" in cg:
            per = (cg["batch.long200"] - base) / 200
            R["callgrind_per_cmd_long"] = per
            w("and %s per generated long command (200 lines, mean %d bytes)." % (
                format(int(per), ","), lines.get("long_bytes", 0) // max(1, lines.get("long_lines", 1))))
        w("")
        for r in REQS:
            k = ("hook." if hook_built else "check.") + r
            if k in cg and tr:
                guard["ir.%s.vs_true" % r] = {"value": cg[k] / tr, "better": "lower"}
        w("Inclusive cost by function (top entries, callgrind_annotate --inclusive=yes):")
        w("")
        for n in (("hook.ls", "hook.heredoc10k") if hook_built else ()) + ("check.ls", "check.ls.nosnap", "check.heredoc10k", "batch.dev3k.nosnap", "batch.long200"):
            t = read(os.path.join(work, "cg", n + ".incl.txt"))
            if not t:
                continue
            keep = []
            for ln in t.splitlines():
                if not ln.strip() or ln.startswith("Ir"):
                    continue
                if "ld-linux" in ln and len(keep) > 3:
                    continue
                ln = re.sub(r"\s+", " ", ln.strip())
                ln = re.sub(r"/\S*/(engine|build)/", r"\1/", ln)
                ln = re.sub(r"\[/\S*/shellgate\]", "[shellgate]", ln)
                keep.append(ln)
                if len(keep) >= 22:
                    break
            w("<details><summary>%s</summary>" % n)
            w("")
            w("```")
            w("\n".join(keep))
            w("```")
            w("</details>")
            w("")

    # ---- throughput ----
    w("## 3. Throughput: `check --batch`, default rule packs")
    w("")
    w("Default `--jobs`: one worker process per CPU (%s here), the parent reading and writing in input order." % mach.get("nproc", "?"))
    w("")
    w("Corpus: %s repeated to %s lines; plus %s generated long commands "
      "(pipelines, heredocs, long argument lists, nested `bash -c`)." % (
          man.get("corpus", {}).get("source", "?"), format(man.get("corpus", {}).get("dev_lines", 0), ","),
          format(man.get("corpus", {}).get("long_lines", 0), ",")))
    w("")
    w("| corpus | lines | bytes | time (s) min / median / max | commands/s (median) | peak RSS (MiB) |")
    w("|---|---|---|---|---|---|")
    R["throughput"] = {}
    for c in ("dev", "dev.nosnap", "long", "all"):
        d = batch.get("batch." + c)
        if not d:
            continue
        nl = man["corpus"]["%s_lines" % c.split(".")[0]]
        answered = len(read(os.path.join(work, "out", "batch.%s.out" % c)).splitlines())
        if d["exit"] > 3 or answered != nl:
            R["throughput"][c] = {"lines": nl, "failed": True, "exit": d["exit"], "answered": answered}
            w("| %s | %s | %s | **failed: exit status %d%s, %s of %s lines answered** | — | %.1f |" % (
                c, format(nl, ","), format(man["corpus"]["%s_bytes" % c.split(".")[0]], ","), d["exit"],
                " (signal %d)" % (d["exit"] - 128) if d["exit"] > 128 else "", format(answered, ","),
                format(nl, ","), d["rss_kib_max"] / 1024))
            continue
        cps = nl / (d["median_ms"] / 1e3)
        R["throughput"][c] = {"lines": nl, "median_s": d["median_ms"] / 1e3, "cmds_per_s": cps,
                              "cmds_per_s_best": nl / (d["min_ms"] / 1e3), "rss_kib": d["rss_kib_max"], "runs": d["runs"]}
        w("| %s | %s | %s | %.2f / %.2f / %.2f | %s | %.1f |" % (
            c + (" (SHELLGATE_NO_SNAPSHOT=1)" if c.endswith("nosnap") else ""), format(nl, ","),
            format(man["corpus"]["%s_bytes" % c.split(".")[0]], ","), d["min_ms"] / 1e3,
            d["median_ms"] / 1e3, d["max_ms"] / 1e3, format(int(cps), ","), d["rss_kib_max"] / 1024))
    tv = read(os.path.join(work, "time_v.txt"))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv)
    if m:
        w("")
        w("`/usr/bin/time -v` on the whole corpus: maximum resident set size %s KiB." % m.group(1))
        R["throughput"]["time_v_maxrss_kib"] = int(m.group(1))
    w("")
    tt = hook.get("true.ls")
    for c in ("dev",):
        t = R["throughput"].get(c)
        ns = R["throughput"].get("dev.nosnap")
        if t and t.get("failed"):
            if ns and not ns.get("failed"):
                targets.append({"target": "check --batch ≥ 50,000 commands/s (dev corpus)",
                                "measured": "crashed (exit %d) with the rule-set snapshot; %s/s with SHELLGATE_NO_SNAPSHOT=1" % (
                                    t["exit"], format(int(ns["cmds_per_s"]), ",")),
                                "met": False, "miss": "crash; and %.1f× too slow without the snapshot" % (50000 / ns["cmds_per_s"])
                                if ns["cmds_per_s"] < 50000 else "crash"})
                if tt:
                    guard["throughput.dev_nosnap.cmds_per_true"] = {"value": ns["cmds_per_s"] * tt["median_ms"] / 1e3, "better": "higher"}
            else:
                targets.append({"target": "check --batch ≥ 50,000 commands/s (dev corpus)",
                                "measured": "batch run failed (exit %d)" % t["exit"], "met": False, "miss": "crashed"})
        elif t:
            targets.append({"target": "check --batch ≥ 50,000 commands/s (dev corpus)",
                            "measured": "%s/s" % format(int(t["cmds_per_s"]), ","), "met": t["cmds_per_s"] >= 50000,
                            "miss": None if t["cmds_per_s"] >= 50000 else "%.1f× too slow" % (50000 / t["cmds_per_s"])})
            if tt:
                guard["throughput.dev.cmds_per_true"] = {"value": t["cmds_per_s_best"] * tt["min_ms"] / 1e3, "better": "higher"}
    for c in ("all",):
        t = R["throughput"].get(c)
        if t and not t.get("failed"):
            targets.append({"target": "batch peak RSS ≤ 8 MiB", "measured": "%.1f MiB" % (t["rss_kib"] / 1024),
                            "met": t["rss_kib"] <= 8192,
                            "miss": None if t["rss_kib"] <= 8192 else "%.0f %% over" % ((t["rss_kib"] / 8192 - 1) * 100)})
            guard["rss.batch_all_kib"] = {"value": t["rss_kib"], "better": "lower"}

    # ---- scaling ----
    if scale:
        w("## 4. Scaling (`check --stdin`, one process per input; median of the runs)")
        w("")
        w("The growth exponent is the largest log-log slope between consecutive points of "
          "(cost − cost of the smallest input), taken on callgrind instruction counts "
          "(noise-free) and on the minimum wall time (points with less than 2 ms of increment are "
          "skipped as noise), fitted over the upper half of each series. 1.0 is linear; above %.2f "
          "is flagged as super-linear. All of this section runs with the rule-set snapshot off "
          "(SHELLGATE_NO_SNAPSHOT=1) except the rules/single_snapshot series. An instruction count "
          "is left out (—) when callgrind's slowdown made the parse hit its wall-clock timeout "
          "(the verdict under callgrind differed) or the case took over 0.4 s." % SUPERLINEAR)
        w("")
        R["scaling"] = {"series": {}, "flags": []}
        series_defs = []
        for sect in ("size", "nest"):
            shapes = sorted(set(v["shape"] for v in man.get(sect, {}).values()))
            for sh in shapes:
                pts = sorted(((v["x"], v["bytes"], k) for k, v in man[sect].items() if v["shape"] == sh))
                series_defs.append((sect, sh, pts))
        rules_pts = sorted((v["x"], v["bytes"], k) for k, v in man.get("rules", {}).items())
        series_defs.append(("rules", "single", rules_pts))
        series_defs.append(("rules", "single_snapshot", rules_pts))
        series_defs.append(("rules", "batch3k", rules_pts))
        for sect, sh, pts in series_defs:
            rows = []
            for x, nbytes, key in pts:
                if sect == "rules":
                    name = {"single": "rules1.", "single_snapshot": "rules1s.", "batch3k": "rulesb."}[sh] + key
                else:
                    name = "%s.%s" % (sect, key)
                d = scale.get(name)
                if not d:
                    continue
                v = verdict(work, name)
                rows.append({"x": x, "bytes": nbytes, "median_ms": d["median_ms"], "min_ms": d["min_ms"],
                             "max_ms": d["max_ms"], "rss_kib": d["rss_kib_max"], "ir": cgs.get(name),
                             "exit": d["exit"], "verdict": v if d["exit"] < 128 else "died of signal %d" % (d["exit"] - 128),
                             "ir_crashed": cg_crashed.get(name, 0) not in (0, 999)})
            bad_rows = [r for r in rows if r["exit"] >= 128 or r["ir_crashed"]]
            if bad_rows:
                R["scaling"]["flags"].append({"series": "%s/%s" % (sect, sh), "what": "crash",
                                              "exponent": 0, "pairs": [], "x": [r["x"] for r in bad_rows]})
            rows = [r for r in rows if r["exit"] < 128]
            if not rows:
                continue
            xkey = "x" if sect == "rules" else "bytes"
            e_ir, pairs_ir = exponent([(r[xkey], r["ir"]) for r in rows if r["ir"]],
                                      rows[0]["ir"] or 0, 200000) if rows[0]["ir"] else (None, [])
            e_t, pairs_t = exponent([(r[xkey], r["min_ms"]) for r in rows], rows[0]["min_ms"], 2.0)
            e_m, pairs_m = exponent([(r[xkey], r["rss_kib"]) for r in rows], rows[0]["rss_kib"], 512)
            sname = "%s/%s" % (sect, sh)
            R["scaling"]["series"][sname] = {"rows": rows, "exp_ir": e_ir, "exp_time": e_t, "exp_rss": e_m}
            for what, e, pairs in (("instructions", e_ir, pairs_ir), ("time", e_t, pairs_t), ("memory", e_m, pairs_m)):
                if e is not None and e > SUPERLINEAR:
                    bad = [p for p in pairs if p[2] > SUPERLINEAR]
                    R["scaling"]["flags"].append({"series": sname, "what": what, "exponent": e,
                                                  "pairs": [{"from": a, "to": b, "exp": c} for a, b, c in bad]})
        # tables
        w("| series | x | input bytes | time ms min / median / max | instructions | peak RSS KiB | verdict |")
        w("|---|---|---|---|---|---|---|")
        for sname, s in R["scaling"]["series"].items():
            for r in s["rows"]:
                w("| %s | %s | %s | %s | %s | %s | %s |" % (sname, format(r["x"], ","), format(r["bytes"], ","),
                                                      "%s / %s / %s" % (fmt_ms(r["min_ms"]), fmt_ms(r["median_ms"]), fmt_ms(r["max_ms"])),
                                                      format(r["ir"], ",") if r["ir"] else "—", r["rss_kib"], r["verdict"]))
        w("")
        w("Growth exponents (x = input bytes; for the rules series x = rule count):")
        w("")
        w("| series | instructions | time | memory |")
        w("|---|---|---|---|")

        def fe(e):
            return "—" if e is None else ("**%.2f**" % e if e > SUPERLINEAR else "%.2f" % e)
        for sname, s in R["scaling"]["series"].items():
            w("| %s | %s | %s | %s |" % (sname, fe(s["exp_ir"]), fe(s["exp_time"]), fe(s["exp_rss"])))
        w("")
        if R["scaling"]["flags"]:
            w("**Super-linear curves:**")
            w("")
            for f in R["scaling"]["flags"]:
                if f["what"] == "crash":
                    w("- %s: the process **died of a signal** at x = %s (rows left out of the fit)" % (
                        f["series"], ", ".join(format(x, ",") for x in f["x"])))
                    continue
                w("- %s, %s: exponent %.2f (%s)" % (f["series"], f["what"], f["exponent"], "; ".join(
                    "%s → %s: %.2f" % (format(p["from"], ","), format(p["to"], ","), p["exp"]) for p in f["pairs"])))
            w("")
        else:
            w("No super-linear curve.")
            w("")
        ok = not any(f["what"] in ("instructions", "time", "crash") for f in R["scaling"]["flags"])
        targets.append({"target": "linear scaling (size, nesting, rule count)",
                        "measured": "max exponent %.2f" % max([s["exp_ir"] or 0 for s in R["scaling"]["series"].values()] +
                                                              [s["exp_time"] or 0 for s in R["scaling"]["series"].values()]),
                        "met": ok, "miss": None if ok else ", ".join(sorted(set(f["series"] for f in R["scaling"]["flags"]
                                                                             if f["what"] != "memory")))})
        w("![scaling](scaling.svg)")
        w("")
        S = R["scaling"]["series"]

        def ser(prefix, yk="median_ms", xk="bytes"):
            return [(k.split("/", 1)[1], [(r[xk], r[yk]) for r in v["rows"]]) for k, v in S.items() if k.startswith(prefix)]
        write_svg(os.path.join(out, "scaling.svg"), [
            (("Time vs command length", "input bytes", "ms (median)", ser("size/")), {}),
            (("Time vs nesting", "nesting level / AST depth", "ms (median)", ser("nest/", xk="x")), {"xlog": True}),
            (("Time vs rule count", "rules", "ms (median)", ser("rules/", xk="x")), {}),
            (("Memory vs command length", "input bytes", "peak RSS KiB", ser("size/", yk="rss_kib")), {}),
        ])

    # ---- sandbox ----
    w("## 5. Sandbox overhead (`/bin/true` inside each)")
    w("")
    cmds = read(os.path.join(work, "sandbox_cmds.txt")).splitlines()
    w("| launcher | ms min / median / max | overhead over /bin/true (median) | vs bwrap | peak RSS KiB |")
    w("|---|---|---|---|---|")
    R["sandbox"] = {"cases": sandbox, "commands": cmds}
    st = sandbox.get("sb.true")
    bw = sandbox.get("sb.bwrap")
    for k, lab in (("sb.true", "/bin/true"), ("sb.bwrap", "bwrap (equivalent confinement)"),
                   ("sb.firejail", "firejail"), ("sb.exec", "shellgate exec")):
        d = sandbox.get(k)
        if not d:
            if k == "sb.exec":
                w("| shellgate exec | not measured: `shellgate exec` is %s in this build | — | — | — |" % status.get("exec"))
            elif k == "sb.firejail":
                w("| firejail | not measured: not installed or failed to start | — | — | — |")
            continue
        ov = d["median_ms"] - st["median_ms"] if st else None
        vb = (ov / (bw["median_ms"] - st["median_ms"])) if (bw and st and k != "sb.true") else None
        w("| %s | %s | %s | %s | %s |" % (lab, mmm(d), "%.2f ms" % ov if ov is not None and k != "sb.true" else "—",
                                          "%.2f×" % vb if vb is not None else "—", d["rss_kib_max"]))
    w("")
    w("Commands: " + "; ".join("`%s`" % c for c in cmds) + ". Run as %s." % ("root" if os.geteuid() == 0 else "an unprivileged user"))
    w("")
    if sandbox.get("sb.exec") and bw and st:
        ov_e = sandbox["sb.exec"]["median_ms"] - st["median_ms"]
        ov_b = bw["median_ms"] - st["median_ms"]
        targets.append({"target": "sandbox overhead ≤ bwrap's", "measured": "%.2f ms vs %.2f ms" % (ov_e, ov_b),
                        "met": ov_e <= ov_b, "miss": None if ov_e <= ov_b else "%.0f %% over" % ((ov_e / ov_b - 1) * 100)})
        guard["sandbox.exec_vs_bwrap"] = {"value": (sandbox["sb.exec"]["min_ms"] - st["min_ms"]) / max(1e-3, bw["min_ms"] - st["min_ms"]),
                                          "better": "lower"}
    else:
        targets.append({"target": "sandbox overhead ≤ bwrap's", "measured": "not measured (exec %s)" % status.get("exec"),
                        "met": None, "miss": None})
    t = read(os.path.join(work, "sandbox_sh.txt"))
    if t:
        w("Output of bench/sandbox.sh:")
        w("")
        w("```")
        w(t.strip()[-6000:])
        w("```")
        w("")

    # ---- lint ----
    w("## 6. Lint throughput")
    w("")
    lint = jsonl(os.path.join(work, "lint.jsonl"))
    lman = json.loads(read(os.path.join(work, "lintin", "manifest.json"), "{}")).get("transcript", {})
    lint_measured = False
    if lint:
        w("`shellgate lint FILE` over synthetic Claude Code session logs (one Bash call per "
          "tool_use, each with a hook attachment and a 2.5 KiB tool_result; a 1.5 KiB "
          "attachment every tenth call; commands from the corpus):")
        w("")
        w("| calls | file MiB | s min / median / max | commands/s (median) | MiB/s | peak RSS MiB | verdicts |")
        w("|---|---|---|---|---|---|---|")
        R["lint"] = {}
        for k in sorted(lint, key=lambda k: int(k.split(".")[1])):
            d = lint[k]
            n = int(k.split(".")[1])
            info = lman.get("transcript_%d" % n, {})
            summ = read(os.path.join(work, "out", k + ".out"))
            m = re.search(r"(\d+) calls judged: (\d+) deny, (\d+) ask, (\d+) allow", summ)
            ok = m and int(m.group(1)) == n
            cps = n / (d["median_ms"] / 1e3)
            R["lint"][str(n)] = {"calls": n, "bytes": info.get("bytes"), "median_s": d["median_ms"] / 1e3,
                                 "cmds_per_s": cps, "rss_kib": d["rss_kib_max"], "complete": bool(ok)}
            w("| %s | %.1f | %.2f / %.2f / %.2f | %s | %.0f | %.1f | %s |" % (
                format(n, ","), info.get("bytes", 0) / 2 ** 20, d["min_ms"] / 1e3, d["median_ms"] / 1e3,
                d["max_ms"] / 1e3, format(int(cps), ","), info.get("bytes", 0) / 2 ** 20 / (d["median_ms"] / 1e3),
                d["rss_kib_max"] / 1024, m.group(0) if m else "**summary not found (exit %d)**" % d["exit"]))
        w("")
        big = R["lint"].get(str(max(int(x) for x in R["lint"])))
        small = R["lint"].get(str(min(int(x) for x in R["lint"])))
        if big and big["complete"]:
            lint_measured = True
            targets.append({"target": "lint ≥ 50,000 commands/s", "measured": "%s/s" % format(int(big["cmds_per_s"]), ","),
                            "met": big["cmds_per_s"] >= 50000,
                            "miss": None if big["cmds_per_s"] >= 50000 else "%.1f× too slow" % (50000 / big["cmds_per_s"])})
            if tt:
                guard["lint.cmds_per_true"] = {"value": big["cmds_per_s"] * tt["median_ms"] / 1e3, "better": "higher"}
        if big and small and big is not small:
            flat = big["rss_kib"] <= small["rss_kib"] * 1.25
            targets.append({"target": "lint memory flat in input size",
                            "measured": "%.1f MiB at %s calls, %.1f MiB at %s" % (small["rss_kib"] / 1024, format(small["calls"], ","),
                                                                              big["rss_kib"] / 1024, format(big["calls"], ",")),
                            "met": flat, "miss": None if flat else "grows with the input"})
    t = read(os.path.join(work, "lint_sh.txt"))
    if t:
        w("Output of bench/lint.sh:")
        w("")
        w("```")
        w(t.strip()[-6000:])
        w("```")
        m = re.search(r"([0-9][0-9,]*)\s*commands/s", t)
        if m and not lint_measured:
            v = int(m.group(1).replace(",", ""))
            targets.append({"target": "lint ≥ 50,000 commands/s", "measured": "%s/s" % format(v, ","),
                            "met": v >= 50000, "miss": None if v >= 50000 else "%.1f× too slow" % (50000 / v)})
    elif not lint:
        w("Not measured: bench/lint.sh is absent and `shellgate lint` is %s in this build." % status.get("lint"))
        targets.append({"target": "lint ≥ 50,000 commands/s", "measured": "not measured (lint %s)" % status.get("lint"),
                        "met": None, "miss": None})
    w("")

    # ---- alternatives ----
    w("## 7. Alternatives")
    w("")
    w("Measured here: cc-safety-net %s (npm; its Claude Code hook `cc-safety-net hook -cc`, run as "
      "`node dist/bin/cc-safety-net.js hook -cc`, i.e. without the `npx` resolution a plugin install adds), "
      "bubblewrap and firejail (Debian)." % (
          "2.4.5" if not ccsn_note else "(not measured: %s)" % ccsn_note))
    w("Tried and not installable here (only Debian's and npm's registries are reachable): "
      "dcg / destructive_command_guard (Rust, distributed as GitHub release binaries and crates.io: "
      "neither reachable), Dippy (Python, PyPI and GitHub: not reachable). "
      "agentsteer (npm) scores tool calls with a remote model service, so it cannot run offline and "
      "its latency is a network round trip, not comparable.")
    w("")

    # ---- targets ----
    w("## Targets")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    for t in targets:
        met = "n/a" if t["met"] is None else ("yes" if t["met"] else "**no** (%s)" % t["miss"])
        w("| %s | %s | %s |" % (t["target"], t["measured"], met))
    w("")
    # move the targets table up front
    i = md.index("## 1. Hook latency (whole process, Claude Code PreToolUse request on stdin)")
    j = md.index("## Targets")
    md = md[:i] + md[j:] + md[i:j]

    with open(os.path.join(out, "results.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md).rstrip() + "\n")
    with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(R, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
