#!/bin/sh
# Install the Debian packages shellgate builds and tests with, when pkg-config
# cannot find them. Uses apt-get directly as root, sudo otherwise, and says
# clearly what to install by hand when neither works.
set -eu
PKGS="pkg-config libtree-sitter-dev libpcre2-dev libcjson-dev libseccomp-dev libcmocka-dev zlib1g-dev npm dpkg-dev"
need=""
have_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
have_pc tree-sitter || need="$need libtree-sitter-dev"
have_pc libpcre2-8 || need="$need libpcre2-dev"
have_pc libcjson || need="$need libcjson-dev"
have_pc libseccomp || need="$need libseccomp-dev"
have_pc cmocka || need="$need libcmocka-dev"
have_pc zlib || need="$need zlib1g-dev"
command -v npm >/dev/null 2>&1 || need="$need npm"
# cjson/fetch.sh unpacks Debian's cJSON source package for the static binary
command -v dpkg-source >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1 || need="$need dpkg-dev"
[ -n "$need" ] || exit 0
if [ -n "${SHELLGATE_SANDBOX:-}" ]; then
	# Inside `shellgate exec`: no network and a read-only system.
	echo "deps: missing Debian packages:$need; inside shellgate exec nothing can be installed (install them outside)" >&2
	exit 1
fi
echo "deps: installing:$need"
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"
else
	echo "deps: missing Debian packages:$need" >&2
	echo "deps: not root and no password-less sudo; install them with: sudo apt-get install$need" >&2
	exit 1
fi
command -v apt-get >/dev/null 2>&1 || {
	echo "deps: no apt-get here; install the equivalents of:$need (Homebrew: tree-sitter pcre2 cjson cmocka pkg-config node)" >&2
	exit 1
}
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $need
