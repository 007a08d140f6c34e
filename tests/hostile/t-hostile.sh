#!/bin/sh
# tests/hostile/t-hostile.sh - a hostile environment never turns into an
# allow or a crash: rule files that are symlinks, writable by others,
# replaced while being read; a full disk; a $HOME that does not exist; a
# deleted cwd; stdin that never closes; stdout closed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
: "${SG_BIN:=$here/../../build/asan/shellgate}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/cfg/shellgate" "$tmp/home" "$tmp/p"
uf=$tmp/cfg/shellgate/rules.json
good='{"format": 1, "rules": [{"id": "u.no-ls", "decision": "deny", "reason": "r", "match": {"program": "ls"}}]}'
run() { # check CMD with the user layer at $uf; sets rc, out
	XDG_CONFIG_HOME=$tmp/cfg HOME=$tmp/home "$SG_BIN" check --cwd "$tmp/p" --project "$tmp/p" -- "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(head -1 "$tmp/out")
}

printf '%s' "$good" >"$uf"; chmod 600 "$uf"
run ls
if [ "$rc" -eq 2 ] && [ "$out" = deny ]; then ok "user rule file loads (control)"; else notok "control: exit $rc, $out"; fi

# writable by others: refused, everything denied
chmod 666 "$uf"
run git status
if [ "$rc" -eq 3 ] && [ "$out" = deny ] && grep -q 'writable by group or others' "$tmp/err"; then
	ok "rule file writable by others: refused, deny (status 3)"
else
	notok "rule file writable by others: exit $rc, $out" "$(head -3 "$tmp/err")"
fi
chmod 600 "$uf"

# symlinks: to a safe file it is read; dangling or to a file others can write it is refused
mv "$uf" "$tmp/real.json"
ln -s "$tmp/real.json" "$uf"
run ls
if [ "$rc" -eq 2 ] && [ "$out" = deny ]; then ok "rule file symlink to a safe file: read"; else notok "symlink to safe file: exit $rc, $out" "$(head -3 "$tmp/err")"; fi
chmod 666 "$tmp/real.json"
run git status
if [ "$rc" -eq 3 ] && [ "$out" = deny ]; then ok "rule file symlink to a file others can write: refused, deny"; else notok "symlink to writable file: exit $rc, $out" "$(head -3 "$tmp/err")"; fi
rm -f "$tmp/real.json"
run git status
if [ "$rc" -eq 3 ] && [ "$out" = deny ]; then ok "dangling rule file symlink: refused, deny"; else notok "dangling symlink: exit $rc, $out" "$(head -3 "$tmp/err")"; fi
rm -f "$uf"

# replaced while being read: a writer swaps in good, truncated and empty
# versions (rename, as editors do) while check runs; every answer must be a
# verdict from one version or the broken-file deny, never allow for ls with
# the good version visible, never a crash
printf '%s' "$good" >"$uf"; chmod 600 "$uf"
( i=0; while [ -f "$tmp/go" ]; do
	i=$((i + 1))
	case $((i % 3)) in
	0) printf '%s' "$good" >"$uf.new" ;;
	1) printf '%s' "$good" | head -c 40 >"$uf.new" ;;
	2) : >"$uf.new" ;;
	esac
	chmod 600 "$uf.new"; mv -f "$uf.new" "$uf"
done ) &
touch "$tmp/go"
bad=0 crashes=0
for i in $(seq 1 25); do
	run ls
	[ "$rc" -ge 4 ] && crashes=$((crashes + 1))
	case "$rc:$out" in 2:deny | 3:deny) ;; *) bad=$((bad + 1)) ;; esac
done
rm -f "$tmp/go"; wait
if [ "$crashes" -eq 0 ] && [ "$bad" -eq 0 ]; then
	ok "rule file replaced while read: 25 runs, each the rule's deny or the broken-file deny"
else
	notok "rule file replaced while read: $crashes crashes, $bad other answers"
fi
rm -f "$uf"

# full disk: the verdict cannot be written; the status must not say allow (0)
if [ -w /dev/full ]; then
	XDG_CONFIG_HOME=$tmp/cfg "$SG_BIN" check --no-user -- git status >/dev/full 2>/dev/null
	rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -lt 4 ]; then ok "stdout on a full disk (/dev/full): status $rc, not allow"; else notok "stdout on a full disk: status $rc"; fi
	printf '%s' '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"},"cwd":"/tmp"}' |
		"$SG_BIN" hook claude --no-user >/dev/full 2>/dev/null
	rc=$?
	if [ "$rc" -eq 2 ]; then ok "hook answer on a full disk: exit 2 (blocks)"; else notok "hook answer on a full disk: exit $rc"; fi
else
	skip "stdout on a full disk" "/dev/full is not available"
	skip "hook answer on a full disk" "/dev/full is not available"
fi

# a $HOME that does not exist
HOME=/nonexistent/home XDG_CONFIG_HOME= "$SG_BIN" check -- 'rm -rf ~' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(head -1 "$tmp/out")" = deny ]; then ok "nonexistent \$HOME: rm -rf ~ still denied"; else notok "nonexistent \$HOME: exit $rc" "$(head -3 "$tmp/out" "$tmp/err")"; fi
env -u HOME "$SG_BIN" check --no-user -- 'rm -rf ~' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ge 1 ] && [ "$rc" -le 3 ]; then ok "unset \$HOME: rm -rf ~ is not allowed (status $rc)"; else notok "unset \$HOME: exit $rc"; fi

# a deleted cwd
mkdir "$tmp/gone"
( cd "$tmp/gone" && rmdir "$tmp/gone" && "$SG_BIN" check --no-user -- 'rm -rf build' >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc" )
rc=$(cat "$tmp/rc")
d=$(head -1 "$tmp/out")
if [ "$rc" -ge 1 ] && [ "$rc" -le 3 ] && [ "$d" != allow ]; then ok "deleted cwd: rm -rf build is $d (status $rc)"; else notok "deleted cwd: exit $rc, $d" "$(head -3 "$tmp/err")"; fi

# stdin that never closes: hook must answer (block) within its read timeout
mkfifo "$tmp/fifo"
sleep 30 >"$tmp/fifo" &
writer=$!
start=$(date +%s)
timeout 15 "$SG_BIN" hook claude --no-user <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err"
rc=$?
took=$(($(date +%s) - start))
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
if [ "$rc" -ne 124 ] && [ "$took" -lt 12 ] && { [ "$rc" -eq 2 ] || grep -q '"deny"' "$tmp/out"; }; then
	ok "hook with stdin open and silent: blocked after ${took}s (exit $rc)"
else
	notok "hook with stdin open and silent: exit $rc after ${took}s" "$(head -c 300 "$tmp/out")"
fi
# a request without its end: still blocked, no hang
rm -f "$tmp/fifo"; mkfifo "$tmp/fifo"
{ printf '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls'; sleep 30; } >"$tmp/fifo" &
writer=$!
start=$(date +%s)
timeout 15 "$SG_BIN" hook claude --no-user <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err"
rc=$?
took=$(($(date +%s) - start))
kill "$writer" 2>/dev/null; wait "$writer" 2>/dev/null
if [ "$rc" -ne 124 ] && [ "$took" -lt 12 ] && { [ "$rc" -eq 2 ] || grep -q '"deny"' "$tmp/out"; }; then
	ok "hook with half a request and stdin open: blocked after ${took}s (exit $rc)"
else
	notok "half request: exit $rc after ${took}s"
fi
# check --batch may wait for input (its output is buffered until stdin ends)
rm -f "$tmp/fifo"; mkfifo "$tmp/fifo"
{ echo 'rm -rf ~'; sleep 2; } >"$tmp/fifo" &
writer=$!
timeout 10 "$SG_BIN" check --batch --no-user <"$tmp/fifo" >"$tmp/out" 2>/dev/null
rc=$?
wait "$writer" 2>/dev/null
if [ "$rc" -eq 2 ] && grep -q '^{"decision":"deny"' "$tmp/out"; then ok "check --batch with a slow stdin: waits, then answers"; else notok "check --batch with a slow stdin: exit $rc"; fi

# stdout closed
"$SG_BIN" check --no-user -- git status >&- 2>/dev/null
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -lt 4 ]; then ok "check with stdout closed: status $rc, not allow"; else notok "check with stdout closed: status $rc"; fi
printf '%s' '{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"},"cwd":"/tmp"}' |
	"$SG_BIN" hook claude --no-user >&- 2>/dev/null
rc=$?
if [ "$rc" -eq 2 ]; then ok "hook with stdout closed: exit 2 (blocks)"; else notok "hook with stdout closed: exit $rc"; fi
tap_done
