#!/bin/sh
# Rule-set snapshots (engine/snapshot.c): written after a clean load, used by
# the next process, invalidated by any change of a rule file, ignored when
# not private or damaged, never written for a broken rule set.
. "$SG_ROOT/tests/tap.sh"
bin=${SG_BIN_PLAIN:-$SG_ROOT/build/shellgate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" SG_RULES_DIR="$SG_ROOT/rules"
unset SHELLGATE_NO_SNAPSHOT
snaps() { ls "$tmp/cache/shellgate"/snap-*.bin 2>/dev/null | wc -l; }
dec() { "$bin" check --json --no-user "$@" 2>/dev/null | sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p'; }
cat >"$tmp/r.json" <<'J'
{ "format": 1, "rules": [ { "id": "t.x", "decision": "deny", "reason": "r", "match": { "program": ["frob"] } } ] }
J
d1=$(dec --rules "$tmp/r.json" -- 'frob')
[ "$(snaps)" -eq 1 ] && ok "first load writes one snapshot" || notok "first load writes one snapshot ($(snaps))"
mode=$(stat -c %a "$tmp/cache/shellgate"/snap-*.bin 2>/dev/null)
[ "$mode" = 600 ] && ok "snapshot is private (0600)" || notok "snapshot mode $mode"
d2=$(dec --rules "$tmp/r.json" -- 'frob')
[ "$d1" = deny ] && [ "$d2" = deny ] && ok "same verdict with and without the snapshot" || notok "verdicts $d1/$d2"
# edit the rule file: the change is seen at once
sed -i 's/"deny"/"ask"/' "$tmp/r.json"
d3=$(dec --rules "$tmp/r.json" -- 'frob')
[ "$d3" = ask ] && ok "an edited rule file invalidates the snapshot" || notok "edited rule file (got $d3)"
# same size, same content length edit (deny<->ask differ in size; use a same-size change)
sed -i 's/"t.x"/"t.y"/' "$tmp/r.json"
"$bin" check --json --no-user --rules "$tmp/r.json" -- 'frob' | grep -q '"t.y"' && ok "a same-size edit invalidates the snapshot" || notok "same-size edit"
# damaged snapshot: truncated, and one writable by others
for f in "$tmp/cache/shellgate"/snap-*.bin; do : >"$f"; done
d4=$(dec --rules "$tmp/r.json" -- 'frob'); rc=$?
[ "$d4" = ask ] && ok "an empty snapshot file is ignored" || notok "empty snapshot (got $d4)"
for f in "$tmp/cache/shellgate"/snap-*.bin; do head -c 100 /dev/urandom >>"$f"; done
d5=$(dec --rules "$tmp/r.json" -- 'frob')
[ "$d5" = ask ] && ok "a snapshot of the wrong size is ignored" || notok "wrong-size snapshot (got $d5)"
rm -f "$tmp/cache/shellgate"/snap-*.bin
dec --rules "$tmp/r.json" -- 'frob' >/dev/null
chmod 666 "$tmp/cache/shellgate"/snap-*.bin
sed -i 's/"ask"/"deny"/' "$tmp/r.json"
d6=$(dec --rules "$tmp/r.json" -- 'frob')
[ "$d6" = deny ] && ok "rules reloaded after edit even with a foreign-writable snapshot around" || notok "got $d6"
# a snapshot writable by others is never used. First prove that a hit reads
# the file (a tampered private snapshot shows its tampered id), then the same
# tampering in a group/other-writable file must be ignored.
tamper() {
	rm -f "$tmp/cache/shellgate"/snap-*.bin
	dec --rules "$tmp/r.json" -- 'frob' >/dev/null
	f=$(ls "$tmp/cache/shellgate"/snap-*.bin)
	python3 - "$f" <<'P'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.find(b"t.y")
b[i:i+3] = b"t.z"          # a tampered rule id, same layout
open(p, "wb").write(bytes(b))
P
	chmod "$1" "$f"
}
tamper 600
"$bin" check --json --no-user --rules "$tmp/r.json" -- 'frob' | grep -q '"t.z"' && ok "(control) a snapshot hit reads the cached file" || notok "control: snapshot hit not observable"
tamper 666
"$bin" check --json --no-user --rules "$tmp/r.json" -- 'frob' | grep -q '"t.y"' && ok "a group/other-writable snapshot is not used" || notok "foreign-writable snapshot used"
# patterns compiled in one process are not part of the snapshot: a rule set
# with regexes, mapped from a snapshot, must still match (and not crash)
cat >"$tmp/re.json" <<'J'
{ "format": 1, "rules": [ { "id": "t.re", "decision": "deny", "reason": "r",
  "match": { "program": ["frob"], "args_any": ["^--ev[a-z]+$"], "option_value": { "-x": ["^b"] } } } ] }
J
for i in 1 2 3; do
	d=$(dec --rules "$tmp/re.json" -- 'frob --evil -x bad'); rc=$?
	[ "$d" = deny ] && ok "regex rules through a snapshot, run $i" || notok "regex rules through a snapshot, run $i (got '$d')"
done
# the same from a project directory that does not exist (cwd is only data)
d=$("$bin" check --json --no-user --rules "$tmp/re.json" --cwd /nonexistent/x --project /nonexistent/x -- 'frob --evil -x bad' | sed -n 's/^{"decision":"\([a-z]*\)".*/\1/p')
[ "$d" = deny ] && ok "snapshot hit with a missing cwd" || notok "snapshot hit with a missing cwd (got '$d')"

# the snapshot keeps each pattern compiled (pcre2_serialize_encode data
# starts with the bytes S2RP); decoded patterns answer as compiled ones, and a
# pattern that does not compile still fails closed through a snapshot
grep -c S2RP "$tmp/cache/shellgate"/snap-*.bin >/dev/null && ok "snapshot holds compiled patterns" || notok "no compiled pattern in the snapshot"
for c in 'frob --evil -x bad' 'frob --evil -x good' 'frob --EVIL -x bad' 'frob -x bad --evil' 'frob'; do
	a=$(SHELLGATE_NO_SNAPSHOT=1 dec --rules "$tmp/re.json" -- "$c")
	b=$(dec --rules "$tmp/re.json" -- "$c")
	[ -n "$a" ] && [ "$a" = "$b" ] && ok "decoded patterns answer as compiled ones: $c ($b)" || notok "decoded patterns: $c ($a vs $b)"
done
cat >"$tmp/badre.json" <<'J'
{ "format": 1, "rules": [ { "id": "t.bad", "decision": "allow", "reason": "r",
  "match": { "program": ["frob"], "args_any": ["(unclosed"] } } ] }
J
for i in 1 2; do
	"$bin" check --json --no-user --rules "$tmp/badre.json" -- 'frob x' >"$tmp/badre.out" 2>/dev/null; rc=$?
	[ "$rc" -eq 2 ] || [ "$rc" -eq 3 ] && ok "a pattern that does not compile fails closed, run $i (status $rc)" || notok "bad pattern run $i: status $rc" "$(cat "$tmp/badre.out")"
done

# opt-out and broken rule sets
rm -rf "$tmp/cache"
SHELLGATE_NO_SNAPSHOT=1 "$bin" check --no-user -- ls >/dev/null 2>&1
[ "$(snaps)" -eq 0 ] && ok "SHELLGATE_NO_SNAPSHOT=1 writes none" || notok "opt-out wrote a snapshot"
printf '{ "format": 1, "rules": [ { "id": "b" } ] }' >"$tmp/bad.json"
"$bin" check --no-user --rules "$tmp/bad.json" -- ls >/dev/null 2>&1
[ "$(snaps)" -eq 0 ] && ok "a broken rule set is never snapshotted" || notok "broken rule set snapshotted"
"$bin" check --no-user --rules "$tmp/bad.json" -- ls >/dev/null 2>&1; [ $? -eq 3 ] && ok "broken rule set still denies on the next run" || notok "broken rule set next run"
tap_done
