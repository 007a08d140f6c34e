#!/bin/sh
# CLI-level engine tests: teaching a wrapper through a rule file alone, the
# installed binary finding its packs from an unrelated directory, exit
# statuses, JSON shape, rule-file errors with file:line:col failing closed,
# and no leaks over batch mode (ASan build).
. "$SG_ROOT/tests/tap.sh"
bin=${SG_BIN:-$SG_ROOT/build/asan/shellgate}
plain=${SG_BIN_PLAIN:-$SG_ROOT/build/shellgate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SG_RULES_DIR="$SG_ROOT/rules"
ctx="--no-user --no-fs --cwd /home/user/project --home /home/user --project /home/user/project"
dec() { "$@" 2>/dev/null | sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p'; }

# 1. a new wrapper, taught by a rule file alone
cat >"$tmp/wrap.json" <<'J'
{ "format": 1,
  "wrappers": [ { "names": ["mywrap"], "kind": "exec", "options_with_value": ["--tag"], "skip_positionals": 1 } ] }
J
before=$(dec "$bin" check --json $ctx -- 'mywrap --tag x job1 rm -rf ~')
after=$(dec "$bin" check --json $ctx --rules "$tmp/wrap.json" -- 'mywrap --tag x job1 rm -rf ~')
[ "$before" = ask ] && ok "unknown wrapper alone: ask" || notok "unknown wrapper alone: ask (got $before)"
[ "$after" = deny ] && ok "wrapper taught by a rule file: inner rm -rf ~ denied" || notok "taught wrapper: deny (got $after)"
"$bin" explain $ctx --rules "$tmp/wrap.json" -- 'mywrap --tag x job1 rm -rf ~' | grep -q 'via: mywrap' &&
	ok "explain shows the wrapper chain" || notok "explain shows the wrapper chain"

# 2. exit statuses and JSON shape
"$bin" check $ctx -- 'rm -rf ~' >/dev/null 2>&1; [ $? -eq 2 ] && ok "deny exits 2" || notok "deny exits 2"
"$bin" check $ctx -- 'some-unknown-tool --x' >/dev/null 2>&1; [ $? -eq 1 ] && ok "ask exits 1" || notok "ask exits 1"
"$bin" check --bogus-option >/dev/null 2>&1; [ $? -eq 3 ] && ok "usage error exits 3" || notok "usage error exits 3"
"$bin" check --json $ctx -- 'git status && rm -rf ~' >"$tmp/v.json"
python3 - "$tmp/v.json" <<'P' && ok "JSON verdict has decision, reasons with rule/decision/reason/span/text" || notok "JSON verdict shape"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["decision"] == "deny", v
r = [x for x in v["reasons"] if x["decision"] == "deny"][0]
assert set(["rule", "decision", "reason", "span", "text"]) <= set(r), r
s, e = r["span"]
assert "git status && rm -rf ~"[s:e] == r["text"] == "rm -rf ~", r
P

# 3. a broken rule file: file:line:col on stderr, and every request denied
printf '{\n  "format": 1,\n  "rules": [ { "id": "x", "decision": "deny", "reason": "r", "match": { "nope": 1 } } ]\n}\n' >"$tmp/bad.json"
out=$("$bin" check $ctx --rules "$tmp/bad.json" -- 'ls' 2>"$tmp/err"); rc=$?
grep -q "bad.json:[0-9]*:[0-9]*: error: rule 'x': unknown condition 'nope'" "$tmp/err" &&
	ok "rule error reported as file:line:col" || notok "rule error reported as file:line:col" "$(cat "$tmp/err")"
[ $rc -eq 3 ] && printf '%s' "$out" | grep -q '^deny' && ok "broken rule file: deny, exit 3" || notok "broken rule file: deny, exit 3 (rc=$rc)"
printf '{ "format": 1, "rules": [ { "id": "y", "decision": "deny", "reason": "r", "match": { "args_any": ["(unclosed"] }, "examples": {"match": ["x"]} } ] }' >"$tmp/badre.json"
"$bin" check $ctx --rules "$tmp/badre.json" -- 'ls' >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] && grep -q "bad pattern" "$tmp/err" && ok "bad regex in a user layer is caught at load" || notok "bad regex at load (rc=$rc)" "$(cat "$tmp/err")"
printf '{ "format": 2 }' >"$tmp/fmt.json"
"$bin" check $ctx --rules "$tmp/fmt.json" -- 'ls' >/dev/null 2>&1; [ $? -eq 3 ] && ok "unknown format version refused" || notok "unknown format version refused"
printf '{ "format": 1, /* unterminated' >"$tmp/cm.json"
"$bin" check $ctx --rules "$tmp/cm.json" -- 'ls' >/dev/null 2>&1; [ $? -eq 3 ] && ok "unterminated comment refused" || notok "unterminated comment refused"

# 3b. a regex that hits the PCRE2 match limit fails closed (deny), never "no match"
cat >"$tmp/redos.json" <<'J'
{ "format": 1, "rules": [ { "id": "t.redos", "decision": "ask", "reason": "r",
  "match": { "program": ["echo"], "args_any": ["^(a+)+$"] }, "examples": { "match": ["echo aaaa"] } } ] }
J
long=$(python3 -c 'print("a" * 5000 + "b")')
d=$(dec "$bin" check --json $ctx --no-builtin --rules "$tmp/redos.json" -- "echo $long")
[ "$d" = deny ] && ok "PCRE2 match limit: deny (fail closed)" || notok "PCRE2 match limit: deny (got $d)"
"$bin" check --json $ctx --no-builtin --rules "$tmp/redos.json" -- "echo $long" | grep -q '"engine.error"' &&
	ok "match-limit verdict names engine.error" || notok "match-limit verdict names engine.error"

# 4. the installed binary, from an unrelated directory
if make -s -C "$SG_ROOT" install PREFIX="$tmp/prefix" >"$tmp/install.log" 2>&1; then
	d=$(cd / && env -u SG_RULES_DIR "$tmp/prefix/bin/shellgate" check --json --no-user -- 'rm -rf ~' | sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p')
	[ "$d" = deny ] && ok "installed binary finds PREFIX/share/shellgate/rules (deny)" || notok "installed binary verdict (got '$d')"
	o=$(cd / && env -u SG_RULES_DIR "$tmp/prefix/bin/shellgate" check --json --no-user -- 'rm -rf ~')
	printf '%s' "$o" | grep -q "$tmp/prefix/share/shellgate/rules" && ok "verdict names the installed pack" || notok "verdict names the installed pack" "$o"
else
	notok "make install PREFIX=..." "$(tail -5 "$tmp/install.log")"
fi

# 5. batch mode under ASan (leaks are errors: ASAN exit code 86)
grep -v '^#' "$SG_ROOT/tests/golden/verdicts.tsv" | cut -f2 >"$tmp/batch"
grep -v '^#' "$SG_ROOT/tests/golden/pathological.tsv" | cut -f2 >>"$tmp/batch"
for f in "$SG_ROOT"/tests/golden/ir/*.cmd; do tr '\n' ' ' <"$f"; echo; done >>"$tmp/batch"
n=$(wc -l <"$tmp/batch")
"$bin" check --batch $ctx <"$tmp/batch" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -le 2 ] && ok "batch of $n commands under ASan: no error or leak (status $rc)" || notok "batch under ASan (status $rc)" "$(tail -20 "$tmp/err")"
[ "$(wc -l <"$tmp/out")" -eq "$n" ] && ok "batch: one verdict per line" || notok "batch: one verdict per line"
printf 'a\\tb\\\\n\\n' | "$bin" check --batch --json $ctx >"$tmp/o1"
python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/o1" && ok "batch output parses as JSON lines" || notok "batch output parses"
# 6. parsing: the input is parsed with a newline after it and the tree cut
# back to the input's length (engine/parse.c); spans never pass the input,
# and an input a final newline would change is parsed as it is
out=$("$bin" explain --ast $ctx -- 'ls | grep x | wc -l')
printf '%s\n' "$out" | grep -q '^(program \[0,19\]' && ok "parse: a pipeline's tree ends at the input's end" || notok "parse: pipeline span" "$out"
"$bin" explain --json $ctx -- 'ls | grep x | wc -l' | grep -q '"unparsable":false' && ok "parse: a three-stage pipeline parses cleanly" || notok "parse: three-stage pipeline"
"$bin" explain --json $ctx -- 'echo a \' | grep -q '"unparsable":true' && ok "parse: a final backslash stays unparsable (no line continuation added)" || notok "parse: final backslash"
"$bin" explain --json $ctx -- 'echo "a' | grep -q '"unparsable":true' && ok "parse: an unterminated quote stays unparsable" || notok "parse: unterminated quote"
for c in 'ls | grep x | wc -l' 'cat <<EOF
x
EOF' 'echo a # c' 'x=' 'f() { ls; }'; do
	a=$("$bin" explain --ast $ctx -- "$c")
	b=$("$bin" explain --ast $ctx -- "$c
")
	# the same tree as with a newline typed at the end, but for the root span
	if [ "$(printf '%s' "$a" | sed 1d)" = "$(printf '%s' "$b" | sed 1d)" ]; then
		ok "parse: same tree as with a final newline: $(printf '%s' "$c" | head -1)"
	else
		notok "parse: tree differs from the one with a final newline: $c" "$a"
	fi
done
tap_done
