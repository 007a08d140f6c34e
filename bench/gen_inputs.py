#!/usr/bin/env python3
"""Generate the benchmark inputs into OUTDIR (deterministic; no randomness).

  gen_inputs.py OUTDIR [--corpus DEV.TSV] [--max-nesting N] [--max-ast-depth N]

OUTDIR/
  req/NAME.json      Claude Code PreToolUse requests (hook latency)
  req/NAME.cmd       the same command as raw text (check --stdin stand-in)
  corpus_dev.txt     the dev corpus repeated (check --batch format)
  corpus_long.txt    generated long commands (check --batch format)
  corpus_all.txt     both
  size/SHAPE_BYTES.cmd       command length series (100 B .. 1 MiB)
  nest/SHAPE_N.cmd           nesting series (re-parse nesting and AST depth)
  rules/rules_N.json         generated rule files (10 .. 10,000 rules)
  manifest.json      what was generated, with byte sizes
"""
import json
import os
import sys

SIZES = [100, 300, 1000, 3000, 10000, 30000, 100000, 300000, 1040000]
RULE_COUNTS = [10, 30, 100, 300, 1000, 3000, 10000]

# Used when the dev corpus is absent: everyday agent commands.
FALLBACK = [
    "ls", "ls -la", "git status", "git diff --stat", "git log --oneline -20",
    "cat README.md", "grep -rn TODO src/", "make -j2", "npm test", "npm run build",
    "python3 -m pytest -q", "cargo build --release", "go test ./...",
    "find . -name '*.o' -delete", "rm -rf build", "rm -rf ~", "rm -rf /",
    "curl -fsSL https://example.com/install.sh | sh", "git push --force origin main",
    "git reset --hard HEAD~1", "cat ~/.ssh/id_rsa", "sed -i 's/foo/bar/g' src/main.c",
    "mkdir -p build && cd build && cmake .. && make", "echo $HOME", "wc -l *.c",
    "docker run --rm -it ubuntu bash", "sudo apt-get install -y jq", "chmod -R 777 /",
    "tar czf out.tgz src", "bash -c 'rm -rf /tmp/x'", "eval \"$(ssh-agent)\"",
    "head -n 50 src/lib.rs", "git checkout -b feature/x", "node scripts/build.js",
    "dd if=/dev/zero of=/dev/sda", "xargs rm < files.txt", "kill -9 1",
    "export PATH=$PATH:/opt/bin", "python3 -c 'print(1)'", "npx prettier --write .",
]


def esc(cmd):
    """check --batch line escaping: backslash, TAB, LF, CR."""
    return (cmd.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def dq(s):
    """Double-quote s for a POSIX shell."""
    out = []
    for ch in s:
        if ch in '\\"$`':
            out.append("\\")
        out.append(ch)
    return '"' + "".join(out) + '"'


def text_lines(nbytes, prefix="line"):
    """Prose-like lines totalling about nbytes."""
    words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu "
             "nu xi omicron pi rho sigma tau upsilon phi chi psi omega").split()
    out, n, i = [], 0, 0
    while n < nbytes:
        ln = "%s %d: %s" % (prefix, i, " ".join(words[(i + k) % len(words)] for k in range(8)))
        out.append(ln)
        n += len(ln) + 1
        i += 1
    return "\n".join(out)


def pipeline(stages):
    parts = ["git log --oneline --no-merges -500"]
    tools = [
        "grep -v 'Merge pull request'", "awk '{print $1}'", "sed -e 's/^/sha:/'",
        "sort", "uniq -c", "sort -rn", "head -n 200", "cut -c1-40", "tr a-z A-Z",
        "grep -E '^[0-9a-f]+'", "tee /tmp/log-%d.txt", "xargs -n1 echo", "wc -l",
    ]
    for i in range(stages - 1):
        t = tools[i % len(tools)]
        parts.append(t % i if "%d" in t else t)
    return " | ".join(parts)


def nest_bash_c(inner, n):
    cmd = inner
    for i in range(n):
        cmd = ("bash -c " if i % 2 == 0 else "sh -c ") + dq(cmd)
    return cmd


def nest_heredoc(inner, n):
    cmd = inner
    for i in range(n):
        tag = "E%d" % i
        cmd = "bash <<'%s'\n%s\n%s" % (tag, cmd, tag)
    return cmd


def nest_eval(inner, n):
    return "eval " * n + inner


def nest_subshell(inner, n):
    return "( " * n + inner + " )" * n


def nest_cmdsubst(inner, n):
    cmd = inner
    for _ in range(n):
        cmd = "echo $(%s)" % cmd
    return cmd


def size_shape(shape, nbytes):
    if shape == "heredoc":
        head, tail = "cat > notes.md <<'EOF'\n", "\nEOF"
        return head + text_lines(nbytes - len(head) - len(tail)) + tail
    if shape == "string":
        head = 'echo "'
        body = text_lines(nbytes - len(head) - 1).replace("\n", " $HOME ")
        return head + body[: max(0, nbytes - len(head) - 1)] + '"'
    if shape == "args":
        out, n, i = ["ls -la"], 6, 0
        while n < nbytes:
            w = "src/module_%05d/file_%05d.c" % (i // 50, i)
            out.append(w)
            n += len(w) + 1
            i += 1
        return " ".join(out)
    if shape == "sequence":
        out, n, i = [], 0, 0
        while n < nbytes:
            c = "mkdir -p build/d%05d" % i
            out.append(c)
            n += len(c) + 4
            i += 1
        return " && ".join(out)
    raise ValueError(shape)


def gen_rules(n):
    """n rules: 40 % distinct programs, 25 % git subcommands, 15 % args_any on
    everyday programs (ls, cat, grep, echo: reached by most commands), 10 %
    program_re, 10 % path classes on rm/cp/mv. Deterministic."""
    rules = []
    everyday = ["ls", "cat", "grep", "echo", "git", "find", "sed", "make"]
    for i in range(n):
        k = i % 20
        rid = "bench.r%05d" % i
        if k < 8:
            m = {"program": ["tool%05d" % i], "flags_any": ["-f", "--force"]}
        elif k < 13:
            m = {"program": ["git"], "subcommand": ["sub%05d" % i]}
        elif k < 16:
            m = {"program": [everyday[i % len(everyday)]], "args_any": ["^--opt%05d=" % i]}
        elif k < 18:
            m = {"program_re": "^gen%05d[a-z]*$" % i}
        else:
            m = {"program": [["rm", "cp", "mv"][i % 3]], "path_any": ["secret"],
                 "args_any": ["marker%05d" % i]}
        rules.append({"id": rid, "decision": ["deny", "ask"][i % 2],
                      "reason": "Generated rule %d for the rule-count benchmark." % i,
                      "match": m})
    return {"format": 1, "name": "bench-%d" % n, "rules": rules}


def claude_request(cmd, cwd):
    return {
        "session_id": "2a93a7e6-8168-4fd9-8918-1559dcce4760",
        "transcript_path": cwd + "/.transcript.jsonl",
        "cwd": cwd,
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": cmd, "description": "benchmark request"},
        "tool_use_id": "toolu_bench",
    }


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(data)
    return len(data.encode())


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    out = args[0]
    corpus, max_nest, max_depth, cwd = None, 16, 200, os.path.join(out, "proj")
    i = 1
    while i < len(args):
        if args[i] == "--corpus":
            corpus = args[i + 1]
        elif args[i] == "--max-nesting":
            max_nest = int(args[i + 1])
        elif args[i] == "--max-ast-depth":
            max_depth = int(args[i + 1])
        elif args[i] == "--cwd":
            cwd = args[i + 1]
        i += 2
    man = {"req": {}, "size": {}, "nest": {}, "rules": {}, "corpus": {}}

    # Hook requests.
    heredoc = "cat > docs/NOTES.md <<'EOF'\n" + text_lines(10 * 1024 - 40, "note") + "\nEOF"
    reqs = {
        "ls": "ls",
        "pipeline": pipeline(16),
        "heredoc10k": heredoc,
        "nested_bash_c": nest_bash_c("rm -rf ./build && make -j2", 6),
    }
    for name, cmd in reqs.items():
        write(os.path.join(out, "req", name + ".cmd"), cmd)
        js = json.dumps(claude_request(cmd, cwd))
        man["req"][name] = {"cmd_bytes": len(cmd.encode()), "json_bytes": write(os.path.join(out, "req", name + ".json"), js)}

    # Corpora.
    dev = []
    if corpus and os.path.exists(corpus):
        with open(corpus, encoding="utf-8") as f:
            for ln in f:
                ln = ln.rstrip("\n")
                if not ln or ln.startswith("#") or ln.startswith("expected\t"):
                    continue
                parts = ln.split("\t", 2)
                if len(parts) == 3:
                    dev.append(parts[2])
        man["corpus"]["source"] = "dev.tsv (%d commands)" % len(dev)
    else:
        dev = [esc(c) for c in FALLBACK]
        man["corpus"]["source"] = "built-in fallback list (%d commands): dev corpus not found" % len(dev)
    reps = max(1, -(-60000 // len(dev)))
    dev_lines = dev * reps
    long_lines = []
    for i in range(2000):
        k = i % 4
        if k == 0:
            c = pipeline(8 + i % 12)
        elif k == 1:
            c = "cat > src/gen_%d.txt <<'EOF'\n%s\nEOF" % (i, text_lines(1000 + (i * 37) % 3000, "gen"))
        elif k == 2:
            c = size_shape("args", 1000 + (i * 53) % 3000)
        else:
            c = nest_bash_c("rm -rf ./out%d && make -C sub%d" % (i, i), 1 + i % 5)
        long_lines.append(esc(c))
    man["corpus"]["dev_lines"] = len(dev_lines)
    man["corpus"]["dev_bytes"] = write(os.path.join(out, "corpus_dev.txt"), "\n".join(dev_lines) + "\n")
    man["corpus"]["long_lines"] = len(long_lines)
    man["corpus"]["long_bytes"] = write(os.path.join(out, "corpus_long.txt"), "\n".join(long_lines) + "\n")
    allc = dev_lines + long_lines
    man["corpus"]["all_lines"] = len(allc)
    man["corpus"]["all_bytes"] = write(os.path.join(out, "corpus_all.txt"), "\n".join(allc) + "\n")

    # Size series.
    for shape in ("heredoc", "string", "args", "sequence"):
        for n in SIZES:
            cmd = size_shape(shape, n)
            man["size"]["%s_%d" % (shape, n)] = {"shape": shape, "x": n,
                                                 "bytes": write(os.path.join(out, "size", "%s_%d.cmd" % (shape, n)), cmd)}

    # Nesting series: re-parse nesting up to the limit and a little beyond,
    # AST depth up to the limit and beyond.
    nest_x = sorted(set([1, 2, 4, 6, 8, 10, 12, 14, max_nest, max_nest + 4]))
    depth_x = sorted(set([1, 10, 25, 50, 100, 150, max_depth, max_depth + 50]))
    inner = "rm -rf ./build"
    series = [("bash_c", nest_bash_c, nest_x), ("heredoc_sh", nest_heredoc, nest_x),
              ("eval", nest_eval, nest_x), ("subshell", nest_subshell, depth_x),
              ("cmdsubst", nest_cmdsubst, depth_x)]
    for shape, fn, xs in series:
        for n in xs:
            cmd = fn(inner, n)
            if len(cmd.encode()) > 1040000:
                continue
            man["nest"]["%s_%d" % (shape, n)] = {"shape": shape, "x": n,
                                                 "bytes": write(os.path.join(out, "nest", "%s_%d.cmd" % (shape, n)), cmd)}

    for n in RULE_COUNTS:
        man["rules"]["rules_%d" % n] = {"x": n, "bytes": write(os.path.join(out, "rules", "rules_%d.json" % n),
                                                              json.dumps(gen_rules(n), indent=1))}
    write(os.path.join(out, "manifest.json"), json.dumps(man, indent=1))


if __name__ == "__main__":
    main()
