#!/bin/sh
# tests/e2e/run.sh BIN - end-to-end tests with the real Claude Code, Codex CLI
# and Gemini CLI (installed from npm into ~/.cache/shellgate-e2e, pinned),
# offline against tests/e2e/mock.js on 127.0.0.1. `make e2e` runs it.
# TAP on stdout, last line "N passed, N failed, N skipped". See run.js.
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: run.sh /path/to/shellgate}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "ok 1 - end-to-end tests # SKIP node and npm are needed to install and drive the clients"
	echo "1..1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
exec node "$here/run.js" "$bin"
