#!/usr/bin/env node
// blocks.js CLIENT STATUS OUTFILE ERRFILE: exit 0 when this answer blocks the
// tool call in CLIENT, per PROTOCOLS.md; "any" = must block in every client
// that might have sent it (the portable shape). Prints why not, otherwise.
'use strict';
const fs = require('fs');
const [client, st, of, ef] = process.argv.slice(2);
const status = Number(st), out = fs.readFileSync(of, 'utf8').trim(), err = fs.readFileSync(ef, 'utf8').trim();
let j = null;
try { j = out ? JSON.parse(out) : null; } catch (e) { j = undefined; }
const hso = j && j.hookSpecificOutput || {};
const checks = {
  // exit 2 + stderr blocks; JSON deny with exit 0 blocks (PermissionRequest: behavior deny)
  claude: () => (status === 2 && err !== '') ||
    (status === 0 && j && ((hso.hookEventName === 'PreToolUse' && hso.permissionDecision === 'deny' && hso.permissionDecisionReason) ||
      (hso.hookEventName === 'PermissionRequest' && hso.decision && hso.decision.behavior === 'deny'))),
  // a deny needs a non-empty reason; exit 2 needs stderr
  codex: () => (status === 2 && err !== '') ||
    (status === 0 && j && hso.hookEventName === 'PreToolUse' && hso.permissionDecision === 'deny' && !!hso.permissionDecisionReason),
  // stdout JSON is used whatever the status; non-JSON with a status other than 0/1 denies
  gemini: () => (j && (j.decision === 'deny' || j.decision === 'block')) || (j === undefined && status !== 0 && status !== 1) ||
    (!out && status !== 0 && status !== 1 && err !== ''),
  cursor: () => status === 2 || (status === 0 && j && j.permission === 'deny'),
  kiro: () => status === 2 && err !== '',
  // Copilot ignores failing exit codes: only JSON blocks
  copilot: () => j && j.permissionDecision === 'deny' && !!j.permissionDecisionReason,
};
let ok;
if (client === 'any') ok = ['claude', 'codex', 'gemini', 'cursor', 'kiro'].every(c => checks[c]());
else ok = checks[client] ? checks[client]() : false;
if (!ok) { console.log(`does not block in ${client}: status=${status} stdout=${out.slice(0, 300)} stderr=${err.slice(0, 200)}`); process.exit(1); }
