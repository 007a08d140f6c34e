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
  transcript_N.jsonl synthetic Claude Code session logs with N Bash calls
                     (with --transcript N[,N...]): tool_use, hook attachment and
                     a multi-KiB tool_result per call, as real sessions have
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
    if shape == "heredoc_1line":
        head, tail = "cat > data.json <<'EOF'\n", "\nEOF"
        return head + ("0123456789abcdef" * (nbytes // 16 + 1))[: max(1, nbytes - len(head) - len(tail))] + tail
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


def load_corpus(corpus):
    """Commands of the dev corpus (still escaped), or the fallback list."""
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
        return dev, "dev.tsv (%d commands)" % len(dev)
    return [esc(c) for c in FALLBACK], "built-in fallback list (%d commands): dev corpus not found" % len(FALLBACK)


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


def unesc(s):
    out, i = [], 0
    m = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in m:
            out.append(m[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def transcript(path, commands, ncalls, cwd):
    """A Claude Code project JSONL shaped like the captured sessions in
    shared/claude-mock/fixtures, with multi-KiB results and attachments."""
    sid = "04116877-1887-4e7a-a353-6999516e5306"
    body = text_lines(2500, "out")
    listing = text_lines(1500, "skill")
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        def rec(d):
            f.write(json.dumps(d) + "\n")
        rec({"type": "user", "message": {"role": "user", "content": "benchmark session"}, "uuid": "u0",
             "timestamp": "2026-11-22T12:05:52.263Z", "cwd": cwd, "sessionId": sid, "version": "2.1.197"})
        for i in range(ncalls):
            cmd = commands[i % len(commands)]
            tid = "toolu_%08d" % i
            ts = "2026-11-22T12:%02d:%02d.%03dZ" % ((i // 3600) % 60, (i // 60) % 60, i % 1000)
            rec({"parentUuid": "u%d" % i, "isSidechain": False, "type": "assistant", "uuid": "a%d" % i,
                 "timestamp": ts, "cwd": cwd, "sessionId": sid,
                 "message": {"id": "msg_%d" % i, "type": "message", "role": "assistant", "model": "claude-opus-4-8",
                             "content": [{"type": "text", "text": "Running step %d." % i},
                                         {"type": "tool_use", "id": tid, "name": "Bash",
                                          "input": {"command": cmd, "description": "step %d" % i}}],
                             "stop_reason": "tool_use"}})
            rec({"parentUuid": "a%d" % i, "isSidechain": False, "type": "attachment", "uuid": "h%d" % i,
                 "timestamp": ts, "cwd": cwd, "sessionId": sid,
                 "attachment": {"type": "hook_success", "hookName": "PreToolUse:Bash", "toolUseID": tid,
                                "hookEvent": "PreToolUse", "content": "", "stdout": "", "stderr": "",
                                "exitCode": 0, "command": "shellgate hook claude", "durationMs": 3}})
            if i % 10 == 0:
                rec({"parentUuid": "h%d" % i, "isSidechain": False, "type": "attachment", "uuid": "s%d" % i,
                     "timestamp": ts, "sessionId": sid,
                     "attachment": {"type": "skill_listing", "content": listing, "skillCount": 13}})
            rec({"parentUuid": "a%d" % i, "isSidechain": False, "type": "user", "uuid": "u%d" % (i + 1),
                 "timestamp": ts, "cwd": cwd, "sessionId": sid,
                 "message": {"role": "user", "content": [{"tool_use_id": tid, "type": "tool_result",
                                                          "content": body, "is_error": False}]},
                 "toolUseResult": {"stdout": body, "stderr": "", "interrupted": False, "isImage": False}})
            n += 1
    return os.path.getsize(path)


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
    tx, only_tx = [], False
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
        elif args[i] == "--only-transcript":
            only_tx = True
            i -= 1
        elif args[i] == "--transcript":
            tx = [int(v) for v in args[i + 1].split(",")]
        i += 2
    man = {"req": {}, "size": {}, "nest": {}, "rules": {}, "corpus": {}}

    os.makedirs(out, exist_ok=True)
    if only_tx:
        dev = load_corpus(corpus)[0]
        man = {"transcript": {}}
        for n in tx:
            p = os.path.join(out, "transcript_%d.jsonl" % n)
            man["transcript"]["transcript_%d" % n] = {"calls": n, "bytes": transcript(p, [unesc(c) for c in dev], n, cwd)}
        write(os.path.join(out, "manifest.json"), json.dumps(man, indent=1))
        return

    # Hook requests.
    heredoc = "cat > docs/NOTES.md <<'EOF'\n" + text_lines(10 * 1024 - 40, "note") + "\nEOF"
    reqs = {
        "ls": "ls",
        "git_status": "git status --short && git diff --stat",
        "grep_head": "grep -rn 'TODO' src | head -n 20",
        "pipeline": pipeline(16),
        "heredoc10k": heredoc,
        "nested_bash_c": nest_bash_c("rm -rf ./build && make -j2", 6),
    }
    for name, cmd in reqs.items():
        write(os.path.join(out, "req", name + ".cmd"), cmd)
        js = json.dumps(claude_request(cmd, cwd))
        man["req"][name] = {"cmd_bytes": len(cmd.encode()), "json_bytes": write(os.path.join(out, "req", name + ".json"), js)}

    # Corpora.
    dev, man["corpus"]["source"] = load_corpus(corpus)
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

    # Size series. A heredoc whose body is one long line (minified JSON, a
    # base64 blob) is its own shape, kept to 30 KB: it is quadratic in the
    # line length in the bash grammar's scanner (see docs/BENCHMARKS.md).
    for shape in ("heredoc", "heredoc_1line", "string", "args", "sequence"):
        for n in (SIZES if shape != "heredoc_1line" else [x for x in SIZES if x <= 30000]):
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
    man["transcript"] = {}
    for n in tx:
        p = os.path.join(out, "transcript_%d.jsonl" % n)
        man["transcript"]["transcript_%d" % n] = {"calls": n, "bytes": transcript(p, [unesc(c) for c in dev], n, cwd)}
    write(os.path.join(out, "manifest.json"), json.dumps(man, indent=1))


if __name__ == "__main__":
    main()
