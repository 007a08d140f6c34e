#!/bin/sh
# scripts/lint.sh - static checks (make lint). Prints TAP and ends with
# "N passed, N failed, N skipped".
#
#   1. banned calls in engine/*.c: system popen strcpy sprintf vsprintf gets
#      strtok atoi strcat strncat (shell-outs, unbounded copies, silent
#      conversions). A call that must stay carries `lint: allow <name>` on
#      its line with the reason.
#   2. the engine compiles warning-free (-Werror, the Makefile's list) with
#      gcc and with clang;
#   3. cppcheck (warning, portability, performance) with --error-exitcode;
#   4. clang's static analyser (clang --analyze per file, text output).
# A tool that is not installed is a skip with the reason, never a pass.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. tests/tap.sh
nskip=0
sk() { nskip=$((nskip + 1)); skip "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

src=$(ls engine/*.c)
case $(uname -s) in
Linux) src=$(echo "$src" | tr ' ' '\n' | grep -v -e '_darwin\.c$' -e '_other\.c$') ;;
Darwin) src=$(echo "$src" | tr ' ' '\n' | grep -v -e '_linux\.c$' -e '_other\.c$') ;;
esac
pkgs="tree-sitter libpcre2-8 libcjson zlib"
[ "$(uname -s)" = Linux ] && pkgs="$pkgs libseccomp"
pkgc=$(pkg-config --cflags $pkgs 2>/dev/null)
defs="-std=c11 -D_GNU_SOURCE -Iengine -DSG_BUILTIN_RULES=\"$root/rules\" -DSG_DATADIR=\"/usr/local/share/shellgate\""
warn="-Wall -Wextra -Werror -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
-Wno-unused-parameter -Wno-missing-field-initializers -Werror=implicit-function-declaration \
-Werror=format-security -Werror=return-type -Werror=incompatible-pointer-types -Werror=int-conversion -Werror=vla"

# ---- 1. banned calls ------------------------------------------------------------------
banned="system popen strcpy sprintf vsprintf gets strtok atoi strcat strncat"
for fn in $banned; do
	# a call: the name as a word followed by '(' (not snprintf, not a member, not a comment line)
	hits=$(grep -nE "(^|[^A-Za-z0-9_.>])$fn[[:space:]]*\(" $src 2>/dev/null |
		grep -v "lint: allow $fn" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)' || true)
	if [ -z "$hits" ]; then
		ok "no $fn() in engine/"
	else
		notok "$fn() called in engine/" "$hits"
	fi
done

# ---- 2. both compilers, warnings as errors ----------------------------------------------------
for cc in gcc clang; do
	if ! command -v $cc >/dev/null 2>&1; then
		sk "$cc -Werror" "$cc not installed"
		continue
	fi
	: >"$tmp/cc.log"
	bad=0
	for f in $src; do
		# shellcheck disable=SC2086
		$cc $defs $warn $pkgc -O2 -fsyntax-only "$f" >>"$tmp/cc.log" 2>&1 || bad=$((bad + 1))
	done
	if [ "$bad" -eq 0 ]; then
		ok "$cc -Werror: $(echo "$src" | wc -w | tr -d ' ') files"
	else
		notok "$cc -Werror: $bad files with warnings" "$(grep -E 'error|warning' "$tmp/cc.log" | head -20)"
	fi
done

# ---- 3. cppcheck ---------------------------------------------------------------------------
if command -v cppcheck >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	cppcheck -j2 --quiet --error-exitcode=1 --enable=warning,portability,performance --std=c11 \
		--inline-suppr -D_GNU_SOURCE -D__linux__ -Iengine $(echo "$pkgc" | tr " " "\n" | grep "^-I") \
		--suppress=missingIncludeSystem \
		--suppress=unknownMacro \
		$src >"$tmp/cppcheck.log" 2>&1
	if [ $? -eq 0 ]; then
		ok "cppcheck: no findings"
	else
		notok "cppcheck: $(grep -c ': \(error\|warning\|portability\|performance\)' "$tmp/cppcheck.log") findings" \
			"$(head -30 "$tmp/cppcheck.log")"
	fi
else
	sk "cppcheck" "cppcheck not installed (Debian: cppcheck)"
fi

# ---- 4. clang static analyser ------------------------------------------------------------------
if command -v clang >/dev/null 2>&1; then
	# two at a time: each file is analysed on its own
	export defs pkgc
	# shellcheck disable=SC2016,SC2086
	printf '%s\n' $src | xargs -P 2 -I{} sh -c \
		'clang --analyze -Xanalyzer -analyzer-output=text $defs $pkgc "{}" -o /dev/null 2>&1' >"$tmp/an.log"
	n=$(grep -c 'warning:' "$tmp/an.log")
	if [ "$n" -eq 0 ]; then
		ok "clang --analyze: no findings"
	else
		notok "clang --analyze: $n findings" "$(grep 'warning:' "$tmp/an.log" | sort -u | head -30)"
	fi
else
	sk "clang --analyze" "clang not installed"
fi

echo "1..$_tap_n"
echo "$((_tap_n - _tap_fail - nskip)) passed, $_tap_fail failed, $nskip skipped"
[ "$_tap_fail" -eq 0 ]
