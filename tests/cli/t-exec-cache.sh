#!/bin/sh
# The cache of resolved sandbox profiles (engine/profile.c, keyed blobs of
# engine/snapshot.c): written after a clean resolution, read by the next
# `shellgate exec`, invalidated by any edit of a rule file it was read from,
# and never read when damaged, forged without the right key or format, not
# private, or not ours. `exec --explain` shows the resolved profile, so
# every case is observable without starting a sandbox.
. "$SG_ROOT/tests/tap.sh"
bin=${SG_BIN_PLAIN:-$SG_ROOT/build/shellgate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config" HOME="$tmp/home" SG_RULES_DIR="$SG_ROOT/rules"
unset SHELLGATE_NO_SNAPSHOT
mkdir -p "$HOME" "$tmp/proj"
C=$tmp/cache/shellgate
blobs() { ls "$C"/profile-*.bin 2>/dev/null | wc -l; }
cat >"$tmp/r.json" <<'J'
{ "format": 1, "sandbox": { "profiles": { "t": { "extends": "default", "read": ["/opt/marker-aaaa"] } } } }
J
explain() { "$bin" exec --rules "$tmp/r.json" --profile "${1:-t}" --project "$tmp/proj" --explain -- true 2>&1; }
reads() { explain | sed -n 's/^read  *//p' | tr ' ' '\n' | grep marker; }

e1=$(explain)
[ "$(blobs)" -eq 1 ] && ok "first resolution writes one cached profile" || notok "cached profiles: $(blobs)"
[ "$(stat -c %a "$C"/profile-*.bin 2>/dev/null)" = 600 ] && ok "cached profile is private (0600)" || notok "mode"
e2=$(explain)
[ "$e1" = "$e2" ] && ok "same plan from the cache" || notok "plans differ" "$(printf '%s\n---\n%s' "$e1" "$e2")"
[ "$(reads)" = /opt/marker-aaaa ] && ok "profile read through the cache" || notok "got $(reads)"

# forge: rewrite the marker and fix the checksum (the layout of snapshot.c's
# blob header: magic, key, length, FNV-style hash of header and data)
forge() { # $1 = old text, $2 = new text (same length), $3 = magic
	python3 - "$(ls "$C"/profile-*.bin)" "$1" "$2" "${3:-SGBLOB01}" <<'P'
import struct, sys
p, old, new, magic = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4].encode()
b = bytearray(open(p, "rb").read())
data = bytes(b[32:]).replace(old, new)
key = struct.unpack_from("<Q", b, 8)[0]
def mix(h, s):
    for c in s:
        h ^= c
        h = (h * 0x100000001b3) & 0xffffffffffffffff
    return h
hdr = magic + struct.pack("<QQQ", key, len(data), 0)
check = mix(mix(0x84222325cbf29ce4, hdr), data)
open(p, "wb").write(magic + struct.pack("<QQQ", key, len(data), check) + data)
P
}
forge marker-aaaa marker-zzzz
[ "$(reads)" = /opt/marker-zzzz ] && ok "(control) a hit reads the cached file" || notok "control: forged private blob not read ($(reads))"
f=$(ls "$C"/profile-*.bin)
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[-1]^=1; open(p,"wb").write(bytes(b))' "$f"
[ "$(reads)" = /opt/marker-aaaa ] && ok "a damaged cached profile is ignored" || notok "damaged blob used ($(reads))"
forge marker-aaaa marker-zzzz
chmod 620 "$(ls "$C"/profile-*.bin)"
[ "$(reads)" = /opt/marker-aaaa ] && ok "a group-writable cached profile is ignored" || notok "group-writable blob used"
rm -f "$C"/profile-*.bin
explain >/dev/null
forge marker-aaaa marker-zzzz SGBLOB00
[ "$(reads)" = /opt/marker-aaaa ] && ok "a cached profile of another format is ignored" || notok "old-format blob used"
rm -f "$C"/profile-*.bin
explain >/dev/null
forge marker-aaaa marker-zzzz
chmod 777 "$C"
[ "$(reads)" = /opt/marker-aaaa ] && ok "a cache directory writable by others is ignored" || notok "shared cache dir used"
chmod 700 "$C"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	forge marker-aaaa marker-zzzz
	chown nobody "$(ls "$C"/profile-*.bin)"
	[ "$(reads)" = /opt/marker-aaaa ] && ok "a cached profile owned by another user is ignored" || notok "foreign blob used"
	rm -f "$C"/profile-*.bin
else
	skip "a cached profile owned by another user is ignored" "needs root to chown"
fi

# the rule file changes after caching: the next run sees it (same size too)
explain >/dev/null
sed -i 's/marker-aaaa/marker-bbbb/' "$tmp/r.json"
[ "$(reads)" = /opt/marker-bbbb ] && ok "an edited rule file is picked up (same size)" || notok "stale profile ($(reads))"
mkdir -p "$XDG_CONFIG_HOME/shellgate"
cat >"$XDG_CONFIG_HOME/shellgate/rules.json" <<'J'
{ "format": 1, "sandbox": { "profiles": { "u": { "extends": "default", "read": ["/opt/marker-user"] } } } }
J
explain u | grep -q marker-user && ok "a new user rule file is picked up" || notok "user file ignored"
explain u | grep -q marker-user && ok "its profile through the cache" || notok "user profile not cached"
chmod 664 "$XDG_CONFIG_HOME/shellgate/rules.json"
explain u | grep -q "refused: writable by group or others" && ok "a user file made group-writable is refused again" ||
	notok "group-writable user file" "$(explain u)"
rm "$XDG_CONFIG_HOME/shellgate/rules.json"
explain u | grep -q "no sandbox profile named 'u'" && ok "a removed user rule file is picked up" || notok "removed user file still used"

# failures are not cached; SHELLGATE_NO_SNAPSHOT=1 turns the cache off
rm -f "$C"/profile-*.bin
explain nope >/dev/null; explain nope | grep -q "no sandbox profile named 'nope'" && [ "$(blobs)" -eq 0 ] &&
	ok "an unknown profile fails every time and is not cached" || notok "unknown profile"
SHELLGATE_NO_SNAPSHOT=1 explain >/dev/null
[ "$(blobs)" -eq 0 ] && ok "SHELLGATE_NO_SNAPSHOT=1 writes no cached profile" || notok "blob written"
tap_done
