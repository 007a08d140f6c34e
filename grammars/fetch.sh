#!/bin/sh
# Fetch the pinned tree-sitter-bash grammar with `npm pack`, verify its sha512
# against grammars/tree-sitter-bash.pin and unpack src/ into $1 (build output).
# Exits non-zero with a message on any mismatch; never builds from an
# unverified tarball.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: fetch.sh OUTDIR}
pin="$here/tree-sitter-bash.pin"
name=$(sed -n 's/^name=//p' "$pin")
version=$(sed -n 's/^version=//p' "$pin")
want=$(sed -n 's/^integrity=sha512-//p' "$pin")
command -v npm >/dev/null 2>&1 || {
	echo "fetch.sh: npm is needed to fetch $name@$version (Debian: apt-get install npm)" >&2
	exit 1
}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tgz="$tmp/$name-$version.tgz"
if [ -n "${SG_GRAMMAR_TGZ:-}" ]; then
	cp "$SG_GRAMMAR_TGZ" "$tgz"
else
	(cd "$tmp" && npm pack --silent "$name@$version" >/dev/null 2>"$tmp/npm.err") || {
		cat "$tmp/npm.err" >&2
		echo "fetch.sh: npm pack $name@$version failed" >&2
		[ -z "${SHELLGATE_SANDBOX:-}" ] ||
			echo "fetch.sh: inside shellgate exec there is no network; set SG_GRAMMAR_TGZ to the tarball (build/grammar/*.tgz of a build outside)" >&2
		exit 1
	}
fi
got=$(openssl dgst -sha512 -binary "$tgz" 2>/dev/null | base64 -w0 2>/dev/null) ||
	got=$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")
if [ "$got" != "$want" ]; then
	echo "fetch.sh: checksum mismatch for $name@$version" >&2
	echo "  expected sha512-$want" >&2
	echo "  got      sha512-$got" >&2
	exit 1
fi
tar -xzf "$tgz" -C "$tmp" package/src
grep -q '^#define LANGUAGE_VERSION 14$' "$tmp/package/src/parser.c" || {
	echo "fetch.sh: $name@$version is not tree-sitter language ABI 14" >&2
	exit 1
}
rm -rf "$out/src"
mv "$tmp/package/src" "$out/src"
cp "$tgz" "$out/"
echo "fetch.sh: $name@$version verified (sha512) into $out/src"
