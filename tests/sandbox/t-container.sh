#!/bin/sh
# tests/sandbox/t-container.sh - `shellgate exec --backend podman`: the same
# contract as the native launcher, from a throwaway container. No registry
# is reachable, so the image is built here from the host's static busybox
# (Debian busybox-static) and `podman import`. Rootless podman on a host
# with cgroups v1/hybrid needs runc (crun refuses hybrid mode); the test
# sets that in the user's containers.conf.
. "$(dirname "$0")/sandbox_lib.sh"

if ! command -v podman >/dev/null 2>&1; then
	echo "1..0 # SKIP podman not installed (apt-get install podman)"
	exit 0
fi
if [ ! -x /bin/busybox ] || ! /bin/busybox --list 2>/dev/null | grep -qx sh; then
	echo "1..0 # SKIP no static busybox to build the test image from (apt-get install busybox-static)"
	exit 0
fi
if command -v runc >/dev/null 2>&1 && grep -q ' cgroup ' /proc/mounts; then
	as_user sh -c 'mkdir -p ~/.config/containers && f=~/.config/containers/containers.conf &&
		{ grep -q runtime "$f" 2>/dev/null || printf "[engine]\nruntime = \"runc\"\n" >> "$f"; }'
fi
R=$WORK/rootfs
as_user mkdir -p "$R/bin" "$R/tmp" "$R/etc" "$R/home" "$R/proc" "$R/dev" "$R/sys"
as_user cp /bin/busybox "$R/bin/busybox"
for c in $(/bin/busybox --list); do [ "$c" = busybox ] || as_user ln -sf busybox "$R/bin/$c"; done
echo "$U:x:$(id -u "$U"):$(id -g "$U")::$UHOME:/bin/sh" | as_user tee "$R/etc/passwd" >/dev/null
if ! out=$(as_user env -i HOME="$UHOME" PATH=/usr/bin:/bin sh -c "cd '$WORK' && tar -C '$R' -c . | podman import - shellgate-sandbox" 2>&1); then
	echo "1..0 # SKIP podman cannot import an image here: $(echo "$out" | tail -1)"
	exit 0
fi
if ! out=$(cd "$P" && as_user env -i HOME="$UHOME" PATH=/usr/bin:/bin podman run --rm shellgate-sandbox /bin/true 2>&1); then
	echo "1..0 # SKIP podman cannot run containers here: $(echo "$out" | tail -1)"
	exit 0
fi

c() { sbx --backend podman "$@" 2>&1 </dev/null | grep -v 'Resource limits are not supported'; }
SBX_ENV="ANTHROPIC_API_KEY=SECRET-ENV GITHUB_TOKEN=SECRET-ENV"
out=$(c -- /bin/sh -c 'echo RAN; env | grep -q SECRET-ENV && echo ESCAPED; exit 7'; echo "rc=$?")
SBX_ENV=""
case $out in *ESCAPED*) notok "container: environment scrubbed" "$out" ;; *RAN*) ok "container: environment scrubbed" ;; *) notok "container: environment scrubbed" "$out" ;; esac
st=$(cd "$P" && as_user env -i HOME="$UHOME" PATH=/usr/bin:/bin "$SG" exec --backend podman -- /bin/sh -c 'exit 7' >/dev/null 2>&1; echo $?)
if [ "$st" = 7 ]; then ok "container: the command's status passes through"; else notok "container: the command's status passes through" "status $st"; fi
out=$(c -- /bin/sh -c "echo hi > '$P/from-container' && echo WROTE")
if [ -f "$P/from-container" ]; then ok "container: the project is writable"; else notok "container: the project is writable" "$out"; fi
out=$(c -- /bin/sh -c 'touch /etc/x 2>/dev/null && echo ESCAPED; touch /bin/x 2>/dev/null && echo ESCAPED; echo RAN')
case $out in *ESCAPED*) notok "container: read-only root" "$out" ;; *RAN*) ok "container: read-only root" ;; *) notok "container: read-only root" "$out" ;; esac
out=$(c -- /bin/sh -c 'grep -E "CapEff|NoNewPrivs" /proc/self/status; id -u')
case $out in *"CapEff:	0000000000000000"*"NoNewPrivs:	1"*) ok "container: no capabilities, no_new_privs, not root" ;; *) notok "container: no capabilities, no_new_privs, not root" "$out" ;; esac
out=$(c -- /bin/sh -c 'grep -c : /proc/net/dev')
case $out in 1) ok "container: no network but loopback" ;; *) notok "container: no network but loopback" "$out" ;; esac
out=$(c -- /bin/sh -c "cat '$UHOME/.ssh/id_rsa' 2>/dev/null; ls '$UHOME' ; echo RAN")
case $out in *proj*) notok "container: only the project is mounted" "$out" ;; *RAN*) ok "container: only the project is mounted" ;; *) notok "container: only the project is mounted" "$out" ;; esac
out=$(c --net allow=example.com -- /bin/true; echo "rc=$?")
case $out in *"rc=125"*|*"native backend"*) ok "container: --net allow is refused (proxy is native-only)" ;; *) notok "container: --net allow is refused (proxy is native-only)" "$out" ;; esac
as_user env -i HOME="$UHOME" PATH=/usr/bin:/bin podman rmi -f shellgate-sandbox >/dev/null 2>&1
tap_done
