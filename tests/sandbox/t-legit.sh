#!/bin/sh
# tests/sandbox/t-legit.sh - everyday work must still succeed inside
# `shellgate exec`, and the launcher's contract (exit statuses, --explain,
# --net allow, degrading loudly) must hold.
. "$(dirname "$0")/sandbox_lib.sh"
require_sandbox

# works NAME SNIPPET [HOSTCHECK]: SNIPPET must exit 0 inside the sandbox.
works() {
	_out=$(sbx $SBX_OPTS -- /bin/sh -c "$2" 2>&1 </dev/null)
	_rc=$?
	if [ $_rc -ne 0 ]; then
		notok "$1" "status $_rc: $_out"
	elif ! sh -c "${3:-true}"; then
		notok "$1" "host check failed: $3; output: $_out"
	else
		ok "$1"
	fi
}
status_is() { # NAME WANT CMD...
	_n=$1 _w=$2
	shift 2
	_out=$(sbx "$@" 2>&1 </dev/null)
	_rc=$?
	if [ "$_rc" = "$_w" ]; then ok "$_n"; else notok "$_n" "status $_rc, wanted $_w: $_out"; fi
}
SBX_OPTS=""
GIT_AS_USER=git
[ "$(id -u)" = 0 ] && GIT_AS_USER="runuser -u $U -- git"

# ---- the contract: exit statuses ----------------------------------------------------------
status_is "command status passes through" 7 -- /bin/sh -c 'exit 7'
status_is "death by signal is 128+N" 143 -- /bin/sh -c 'kill -TERM $$'
status_is "command not found is 127" 127 -- /nonexistent-command-sg
status_is "command not executable is 126" 126 -- /etc/passwd
status_is "unknown profile is 125 (nothing runs)" 125 --profile no-such-profile -- /bin/true
status_is "project / is refused with 125" 125 --project / -- /bin/true
status_is "--require-all passes when every layer is here" 0 --require-all -- /bin/true
out=$(echo piped | sbx -- /bin/cat 2>&1)
if [ "$out" = piped ]; then ok "stdin and stdout pass through"; else notok "stdin and stdout pass through" "$out"; fi

# ---- everyday work ---------------------------------------------------------------------------
as_user sh -c "cd '$P' && git init -q . && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m init"
works "git status and commit in the project" \
	"echo hello > README && git add README && git status --short | grep -q README && git -c user.name=t -c user.email=t@t commit -q -m add" \
	"$GIT_AS_USER -C '$P' log --oneline | grep -q add"
works "read system headers" "grep -q printf /usr/include/stdio.h"
works "compile and run a C program with gcc" \
	"printf '#include <stdio.h>\nint main(void){puts(\"built\");return 0;}\n' > hello.c && gcc -O2 -o hello hello.c && ./hello | grep -q built" \
	"test -x '$P/hello'"
works "write in the project" "mkdir -p out/deep && echo data > out/deep/f && mv out/deep/f out/g && rm -r out/deep" "test -f '$P/out/g'"
works "write in /tmp (private, gone afterwards)" "echo t > /tmp/sg-legit-$$ && cat /tmp/sg-legit-$$ >/dev/null" "test ! -e /tmp/sg-legit-$$"
works "home is an empty, writable tmpfs" "touch ~/.cache-test && test ! -e ~/.ssh"
works "/dev nodes a build uses" "head -c 16 /dev/urandom | wc -c | grep -q 16 && echo x > /dev/null && test -c /dev/zero"
works "/proc of the sandbox" "test -r /proc/self/status && test -d /proc/1"
works "unix sockets and loopback inside" \
	"$PY -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); s.listen(); c=socket.create_connection(s.getsockname()); print(\"ok\")'"

# ---- npm under --profile build (offline) -------------------------------------------------------------
if command -v npm >/dev/null 2>&1; then
	as_user mkdir -p "$P/pkg"
	as_user sh -c "cat > '$P/pkg/package.json'" <<'JSON'
{ "name": "sg-tiny", "version": "1.0.0", "private": true, "scripts": { "test": "node test.js" } }
JSON
	as_user sh -c "cat > '$P/pkg/test.js'" <<'JS'
const assert = require("assert");
const fs = require("fs");
assert.strictEqual(1 + 1, 2);
fs.writeFileSync("result.txt", "passed\n");
console.log("tests passed");
JS
	SBX_OPTS="--profile build"
	works "npm test of a local package under --profile build" \
		"cd pkg && npm_config_update_notifier=false npm_config_offline=true npm test 2>&1 | grep -q 'tests passed'" \
		"grep -q passed '$P/pkg/result.txt'"
	SBX_OPTS=""
else
	skip "npm test of a local package under --profile build" "npm not installed"
fi

# ---- sanitizers inside (LeakSanitizer needs ptrace between the build's own processes) -----------
if [ -x "${SG_BUILD:-$SG_ROOT/build}/asan/test_seccomp" ]; then
	cp "${SG_BUILD:-$SG_ROOT/build}/asan/test_seccomp" "$P/test_seccomp" && chown "$U" "$P/test_seccomp"
	SBX_OPTS="--profile build"
	works "an ASan+UBSan unit test binary runs under --profile build" \
		"ASAN_OPTIONS=detect_leaks=1 CMOCKA_MESSAGE_OUTPUT=TAP ./test_seccomp >/tmp/o && grep -q '^ok [0-9]* - test_ptrace' /tmp/o"
	SBX_OPTS=""
else
	skip "an ASan+UBSan unit test binary runs under --profile build" "build/asan/test_seccomp not built"
fi
# ---- shellgate's own make check, sanitizers included, inside --profile build -------------------
# Minutes, so `make check` leaves it to `make sandbox-full` (which .ci/run
# runs). The user's copy of the working tree sits beside what the build
# would fetch and the tests read from outside the repository: the verified
# grammar tarball (no network inside: fetch.sh takes SG_GRAMMAR_TGZ and
# still checks its sha512), Debian's cJSON source package (SG_CJSON_DSC;
# dpkg-source checks it against its .dsc), the SARIF test's npm packages when the caller
# has them, and ../shared/corpus when present. The project is their parent.
if [ "${SG_SANDBOX_FULL:-}" = 1 ]; then
	F=$WORK/full
	as_user mkdir -p "$F/shellgate" "$F/deps" "$F/shared/corpus"
	if git -C "$SG_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$SG_ROOT" && git ls-files -z --cached --others --exclude-standard |
			tar --null -T - --ignore-failed-read -cf - 2>/dev/null)
	else
		tar -C "$SG_ROOT" --exclude=./build --exclude=./.git -cf - .
	fi | as_user tar -x -C "$F/shellgate" -f -
	tgz=$(ls "${SG_BUILD:-$SG_ROOT/build}"/grammar/*.tgz 2>/dev/null | head -1)
	full_env="npm_config_offline=true npm_config_update_notifier=false"
	[ -n "$tgz" ] && cp "$tgz" "$F/deps/" && full_env="$full_env SG_GRAMMAR_TGZ=$F/deps/$(basename "$tgz")"
	# Debian's cJSON source package, for the static binary (cjson/fetch.sh)
	dsc=$(ls "${SG_BUILD:-$SG_ROOT/build}"/cjson/src/*.dsc 2>/dev/null | head -1)
	[ -n "$dsc" ] && mkdir -p "$F/deps/cjson" && cp "$(dirname "$dsc")"/* "$F/deps/cjson/" &&
		full_env="$full_env SG_CJSON_DSC=$F/deps/cjson/$(basename "$dsc")"
	npmc=${SG_NPM_CACHE:-${HOME:-/nonexistent}/.cache/shellgate-test-npm}
	[ -d "$npmc/node_modules" ] && cp -r "$npmc" "$F/deps/npm-sarif" && full_env="$full_env SG_NPM_CACHE=$F/deps/npm-sarif"
	[ -f "$SG_ROOT/../shared/corpus/dev.tsv" ] && cp "$SG_ROOT/../shared/corpus/dev.tsv" "$F/shared/corpus/"
	chown -R "$U" "$F" 2>/dev/null
	n="shellgate's own make check inside the sandbox (sanitizers included)"
	if [ -z "$tgz" ]; then
		notok "$n" "no fetched grammar tarball in ${SG_BUILD:-$SG_ROOT/build}/grammar (run make first)"
	else
		_t0=$(date +%s)
		_out=$(cd "$F/shellgate" && as_user env -i HOME="$UHOME" PATH=/usr/local/bin:/usr/bin:/bin USER="$U" \
			LOGNAME="$U" LANG=C.UTF-8 TERM=dumb $full_env "$SG" exec --profile build --project "$F" -- \
			/bin/sh -c 'make -j"$(nproc)" check >/tmp/check.log 2>&1; rc=$?
				grep -E "^# .*(not ok|SKIP)|^[0-9]+ passed" /tmp/check.log
				[ $rc = 0 ] || tail -40 /tmp/check.log; exit $rc' 2>&1 </dev/null)
		_rc=$?
		if [ $_rc = 0 ] && echo "$_out" | grep -Eq '^[0-9]+ passed, 0 failed'; then
			ok "$n"
		else
			notok "$n" "status $_rc: $_out"
		fi
		echo "$_out" | sed 's/^/# inside: /'
		echo "# make check inside the sandbox took $(($(date +%s) - _t0)) s"
	fi
else
	skip "shellgate's own make check inside the sandbox (sanitizers included)" "minutes; it runs in make sandbox-full (and .ci/run), or set SG_SANDBOX_FULL=1"
fi

# ---- offline-audit: the project is read-only ---------------------------------------------------
SBX_OPTS="--profile offline-audit"
works "offline-audit reads the project" "cat README >/dev/null && ! touch new-file 2>/dev/null" "test ! -e '$P/new-file'"
SBX_OPTS=""

# ---- --explain ------------------------------------------------------------------------------
out=$(sbx --explain -- /bin/true 2>&1)
case $out in
*"landlock (filesystem)"*"ABI"*) ok "--explain records the Landlock ABI" ;;
*) notok "--explain records the Landlock ABI" "$out" ;;
esac
out=$(sbx --explain --net host -- /bin/true 2>&1)
case $out in
*WARNING*"--net host"*) ok "--explain flags --net host" ;;
*) notok "--explain flags --net host" "$out" ;;
esac

# ---- --net allow through the proxy (loopback only) ----------------------------------------------
# The allowed name is this machine's own hostname, which must resolve to a
# loopback address (tests never reach another address).
HN=$(hostname)
ADDR=$(getent ahostsv4 "$HN" 2>/dev/null | awk 'NR==1 {print $1}')
case $ADDR in
127.*)
	PORT=$((20000 + ($$ + 7) % 20000))
	as_user sh -c "cd '$WORK' && echo served > index.html && exec $PY -m http.server --bind $ADDR $PORT" >/dev/null 2>&1 &
	stop_http() { pkill -u "$U" -f "http.server --bind $ADDR $PORT" 2>/dev/null; }
	cleanup_hooks="$cleanup_hooks stop_http"
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		curl -s "http://$ADDR:$PORT/index.html" >/dev/null 2>&1 && break
		sleep 0.1
	done
	cat > "$WORK/net.json" <<JSON
{ "format": 1, "sandbox": { "profiles": { "net-test": { "extends": "default",
  "net": { "mode": "allow", "domains": ["$HN"], "private": true } } } } }
JSON
	chmod 644 "$WORK/net.json"
	SBX_OPTS="--rules $WORK/net.json --profile net-test"
	CURL="curl -s --max-time 5 --noproxy ''"
	works "--net allow: a listed name is reached through the proxy" \
		"$CURL http://$HN:$PORT/index.html | grep -q served"
	works "--net allow: CONNECT (as for HTTPS) to a listed name" \
		"$CURL -p -x \"\$HTTP_PROXY\" http://$HN:$PORT/index.html | grep -q served"
	works "--net allow: an unlisted host gets 403" \
		"$CURL -o /dev/null -w '%{http_code}' http://$ADDR:$PORT/ | grep -q 403"
	works "--net allow: no direct route around the proxy" \
		"! curl -s --max-time 3 --noproxy '*' http://$ADDR:$PORT/index.html"
	SBX_OPTS=""
	;;
*)
	for t in "a listed name is reached through the proxy" "CONNECT (as for HTTPS) to a listed name" \
		"an unlisted host gets 403" "no direct route around the proxy"; do
		skip "--net allow: $t" "the hostname $HN does not resolve to a loopback address"
	done
	;;
esac

# ---- degrading loudly: shellgate inside shellgate cannot create namespaces ------------------
cp "$SG" "$P/sg-inner" && chown "$U" "$P/sg-inner"
as_user mkdir -p "$P/rules" && cp "$SG_ROOT/rules/sandbox.json" "$P/rules/" && chmod 644 "$P/rules/sandbox.json"
SBX_ENV="SG_RULES_DIR=$P/rules"
out=$(sbx -- "$P/sg-inner" exec --require-all -- /bin/echo INNER-RAN 2>&1)
rc=$?
case "$rc:$out" in
125:*"namespaces"*) case $out in *INNER-RAN*) notok "--require-all refuses when a layer is missing" "$out" ;; *) ok "--require-all refuses when a layer is missing" ;; esac ;;
*) notok "--require-all refuses when a layer is missing" "status $rc: $out" ;;
esac
out=$(sbx -- "$P/sg-inner" exec -- /bin/sh -c 'echo INNER-RAN; touch /etc/x 2>/dev/null && echo WROTE' 2>&1)
case $out in
*WROTE*) notok "without --require-all it names the missing layer and still confines" "$out" ;;
*"user namespace unavailable"*INNER-RAN*) ok "without --require-all it names the missing layer and still confines" ;;
*) notok "without --require-all it names the missing layer and still confines" "$out" ;;
esac
SBX_ENV=""
out=$(sbx -- "$P/sg-inner" exec --probe 2>&1)
case $out in
*"can_exec yes"*"user namespace"*|*"user namespace"*"can_exec yes"*) ok "probe inside a sandbox reports the missing namespaces" ;;
*) notok "probe inside a sandbox reports the missing namespaces" "$out" ;;
esac

tap_done
