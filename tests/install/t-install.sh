#!/bin/sh
# tests/install/t-install.sh - `shellgate install` / `--uninstall` / `doctor` on
# scratch homes and projects: other keys kept, backup, idempotent, exactly ours
# removed, JSONC left alone, dry-run writes nothing, registrations block when
# the binary is missing, allow lists narrow; `shellgate import`.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tap.sh"
BIN=${SG_BIN_PLAIN:-${SG_BIN:-$here/../../build/shellgate}}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_CONFIG_HOME= CLAUDE_CONFIG_DIR= CODEX_HOME=
mkdir -p "$HOME" "$tmp/proj/.claude"
cd "$tmp/proj" || exit 1
I() { "$BIN" install "$@" --on-failure omit >"$tmp/out" 2>&1; }

printf '{\n    "model": "opus",\n    "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/local/bin/other-hook"}]}]}\n}\n' >.claude/settings.json
cp .claude/settings.json "$tmp/orig.json"
I claude --scope project --dry-run
ok_if "dry-run prints a diff" grep -q '^+.*shellgate-hook' "$tmp/out"
ok_if "dry-run writes nothing" cmp -s .claude/settings.json "$tmp/orig.json"
I claude --scope project
ok_if "install keeps the other keys and hooks" sh -c 'grep -q "\"model\": \"opus\"" .claude/settings.json && grep -q other-hook .claude/settings.json'
ok_if "install keeps the file's indentation" grep -q '^    "model"' .claude/settings.json
ok_if "backup beside the file" cmp -s .claude/settings.json.shellgate-bak "$tmp/orig.json"
n1=$(grep -c shellgate-hook .claude/settings.json)
I claude --scope project
n2=$(grep -c shellgate-hook .claude/settings.json)
ok_if "installing twice leaves one entry per event ($n1 = $n2 = 2)" [ "$n1" = 2 ] && [ "$n2" = 2 ]
ok_if "second install reports up to date" grep -q "up to date" "$tmp/out"
cp .claude/settings.json "$tmp/installed.json"
# the registered command blocks when shellgate is gone, and answers when it is there
cmd=$(node -e 'const s=require(process.argv[1]);console.log(s.hooks.PreToolUse.find(g=>g.hooks.some(h=>/shellgate-hook/.test(h.command))).hooks.find(h=>/shellgate-hook/.test(h.command)).command)' "$tmp/proj/.claude/settings.json" 2>/dev/null)
req='{"session_id":"s","transcript_path":"/t","cwd":"/","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf ~"}}'
out=$(printf '%s' "$req" | sh -c "$cmd" 2>/dev/null)
ok_if "registered command answers through shellgate (deny)" sh -c "printf '%s' '$out' | grep -q '\"permissionDecision\":\"deny\"'"
missing=$(printf '%s' "$cmd" | sed "s|S='[^']*'|S='/nonexistent/shellgate'|")
printf '%s' "$req" | env PATH=/usr/bin:/bin sh -c "$missing" >/dev/null 2>"$tmp/err"
st=$?
ok_if "without the binary the launcher exits 2 with a reason" sh -c "[ $st -eq 2 ] && grep -q 'not installed' '$tmp/err'"
I claude --scope project --uninstall
ok_if "uninstall removes exactly ours" sh -c "! grep -q shellgate .claude/settings.json && grep -q other-hook .claude/settings.json && grep -q opus .claude/settings.json"
printf '{\n  // my comment\n  "model": "x"\n}\n' >.claude/settings.local.json
cp .claude/settings.local.json "$tmp/jsonc"
I claude --scope local
ok_if "JSONC settings are not rewritten" cmp -s .claude/settings.local.json "$tmp/jsonc"
ok_if "JSONC: the snippet is printed instead" grep -q 'shellgate-hook' "$tmp/out"

# other clients
I cursor --scope project
ok_if "cursor: hooks.json with failClosed" sh -c 'grep -q failClosed .cursor/hooks.json && grep -q beforeShellExecution .cursor/hooks.json'
I gemini
ok_if "gemini: BeforeTool hook in ~/.gemini/settings.json" grep -q BeforeTool "$HOME/.gemini/settings.json"
ok_if "gemini: policy rules written" grep -q 'decision = "allow"' "$HOME/.gemini/policies/shellgate.toml"
ok_if "gemini: allow rules are narrow (no shell syntax)" sh -c "! grep commandRegex '$HOME/.gemini/policies/shellgate.toml' | sed 's/\\$.\$//' | grep -q '[;&|\`\$<>]'"
I codex
ok_if "codex: hooks.json and prefix rules" sh -c "grep -q PreToolUse '$HOME/.codex/hooks.json' && grep -q 'prefix_rule(pattern = \[\"git\", \"status\"\]' '$HOME/.codex/rules/shellgate.rules'"
mkdir -p "$HOME/.kiro/agents"
printf '{"name":"dev","tools":["*"],"toolsSettings":{"shell":{"allowedCommands":["mine"]}}}\n' >"$HOME/.kiro/agents/dev.json"
I kiro
ok_if "kiro: v1 hook file for every agent" grep -q '"trigger": "PreToolUse"' "$HOME/.kiro/hooks/shellgate.json"
ok_if "kiro: named agent gets the hook and the allow list, keeps its own" sh -c "grep -q shellgate-hook '$HOME/.kiro/agents/dev.json' && grep -q '\"mine\"' '$HOME/.kiro/agents/dev.json' && grep -q 'git +status' '$HOME/.kiro/agents/dev.json'"
I kiro --uninstall
ok_if "kiro: uninstall keeps the user's allowedCommands only" sh -c "! grep -q 'shellgate\|git +status' '$HOME/.kiro/agents/dev.json' && grep -q '\"mine\"' '$HOME/.kiro/agents/dev.json' && [ ! -e '$HOME/.kiro/hooks/shellgate.json' ]"
I copilot --scope project
ok_if "copilot: .github/hooks/shellgate.json" grep -q preToolUse .github/hooks/shellgate.json
"$BIN" doctor cursor gemini codex copilot >"$tmp/out" 2>&1
st=$?
ok_if "doctor: registered hooks block the test request" sh -c "[ $st -eq 0 ] && [ \$(grep -c 'blocked, as it should be' '$tmp/out') -ge 4 ]"

# import
printf '{"permissions":{"allow":["Bash(make:*)"],"deny":["Bash(git push:*)","Read(./.env)"]}}\n' >.claude/settings.json
"$BIN" import claude >"$tmp/out" 2>&1
ok_if "import claude: project lists are deny/ask only unless trusted" sh -c "grep -q claude.project.deny.1 '$tmp/out' && ! grep -q claude.project.allow '$tmp/out'"
"$BIN" import claude --trust >"$tmp/out" 2>&1
ok_if "import claude --trust keeps the allow entries" grep -q claude.project.allow.1 "$tmp/out"
sed -n '/^{/,$p' "$tmp/out" >"$tmp/imported.json"
"$BIN" check --no-user --rules "$tmp/imported.json" -- 'cd sub && sudo git -C . push origin main' >"$tmp/chk" 2>&1
ok_if "imported Bash(git push:*) deny holds through cd, sudo and git -C" grep -q 'claude.project.deny.1' "$tmp/chk"
mkdir -p "$HOME/.kiro/agents" .kiro/agents
printf '{"name":"dev","toolsSettings":{"shell":{"deniedCommands":["npm publish.*"],"allowedCommands":["ls"]}}}\n' >.kiro/agents/dev.json
"$BIN" import kiro >"$tmp/out" 2>&1
ok_if "import kiro: project agent's deniedCommands only" sh -c "grep -q kiro.project.dev.deny.1 '$tmp/out' && ! grep -q kiro.project.dev.allow '$tmp/out'"
tap_done
