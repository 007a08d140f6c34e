#!/bin/sh
# Build a static libcjson.a for the static build/shellgate, from Debian's own
# source package of the libcjson-dev installed here: the same version, with
# Debian's patches applied (dpkg-source -x). Debian ships cJSON only as a
# shared library, and a hook that loads one pays the dynamic loader on every
# command an agent runs.
#
#   sh cjson/fetch.sh OUTDIR     -> OUTDIR/libcjson.a, OUTDIR/VERSION
#
# The source comes from the Debian archive through apt, whose signed index
# vouches for the files (apt-get source checks their hashes). The system's
# apt configuration is not changed: the deb-src list (the system's own
# Debian mirrors, as deb-src) and apt's state live under OUTDIR.
# SG_CJSON_DSC=path/to/cjson_VERSION.dsc uses already downloaded files
# (their hashes are checked by dpkg-source against the .dsc) instead.
# Exits non-zero with a message when something is missing; the Makefile
# then links the shared library and says so.
set -eu
out=${1:?usage: fetch.sh OUTDIR}
say() { echo "cjson/fetch.sh: $*" >&2; }
for t in dpkg-query dpkg-source ar; do
	command -v "$t" >/dev/null 2>&1 || { say "$t is needed (Debian: apt-get install dpkg-dev binutils)"; exit 1; }
done
ver=$(dpkg-query -W -f '${Version}' libcjson-dev 2>/dev/null) || ver=""
[ -n "$ver" ] || { say "libcjson-dev is not installed (dpkg)"; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${SG_CJSON_DSC:-}" ]; then
	dsc=$SG_CJSON_DSC
else
	if [ -n "${SHELLGATE_SANDBOX:-}" ]; then
		say "inside shellgate exec there is no network; set SG_CJSON_DSC to build/cjson/src/*.dsc of a build outside"
		exit 1
	fi
	command -v apt-get >/dev/null 2>&1 || { say "apt-get is needed to fetch Debian's cjson source"; exit 1; }
	# deb-src twins of the system's Debian sources (one-line and deb822 forms)
	a=$out/apt
	rm -rf "$a"
	mkdir -p "$a/parts" "$a/lists/partial" "$a/cache/archives/partial"
	: >"$a/sources.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" | grep -E 'debian' >>"$a/sources.list" || true
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		grep -q -E 'URIs:.*debian' "$f" || continue
		sed 's/^Types:.*/Types: deb-src/' "$f" >"$a/parts/$(basename "$f")"
	done
	if [ ! -s "$a/sources.list" ] && [ -z "$(ls "$a/parts")" ]; then
		say "no Debian apt source is configured here"
		exit 1
	fi
	set -- -q -o Dir::Etc::sourcelist="$a/sources.list" -o Dir::Etc::sourceparts="$a/parts" \
		-o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache" -o Debug::NoLocking=1
	apt-get "$@" update >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; say "apt-get update (deb-src) failed"; exit 1; }
	(cd "$tmp" && apt-get "$@" source --download-only "cjson=$ver") >"$tmp/apt.log" 2>&1 || {
		cat "$tmp/apt.log" >&2
		say "apt-get source cjson=$ver failed (the archive may no longer carry this version: upgrade libcjson-dev)"
		exit 1
	}
	dsc=$(ls "$tmp"/cjson_*.dsc)
fi
dpkg-source --no-copy -x "$dsc" "$tmp/src" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; say "dpkg-source -x $dsc failed"; exit 1; }
grep -q '^#define CJSON_VERSION_MAJOR 1$' "$tmp/src/cJSON.h" || { say "not cJSON 1.x: $dsc"; exit 1; }
CC=${CC:-cc}
# the same hardening as shellgate's own objects; no -Werror (other people's code)
$CC -O2 -g -std=c99 -fPIE -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
	-fno-strict-overflow -fdebug-prefix-map="$tmp/src=cjson-$ver" -c "$tmp/src/cJSON.c" -o "$tmp/cJSON.o"
rm -f "$out/libcjson.a"
ar rcs "$out/libcjson.a" "$tmp/cJSON.o"
rm -rf "$out/src"
mkdir -p "$out/src"
cp "$dsc" "$(dirname "$dsc")"/cjson_*.tar.* "$out/src/" 2>/dev/null || true
echo "$ver" >"$out/VERSION"
say "cJSON $ver from Debian's source package, with its patches, into $out/libcjson.a"
