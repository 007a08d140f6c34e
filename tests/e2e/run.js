#!/usr/bin/env node
// End-to-end tests with the real agent clients, offline: each client is
// installed from npm into a cache folder (pinned versions), pointed at
// mock.js on 127.0.0.1, and shellgate is registered with `shellgate install`
// exactly as a user would. Prints TAP and "N passed, N failed, N skipped".
//
//   node run.js /path/to/shellgate
//
// Env: SG_E2E_CACHE (default ~/.cache/shellgate-e2e), SG_E2E_KEEP=1 keeps the
// case folders, SG_E2E_ONLY=claude|codex|gemini, CLAUDE_CODE_VERSION,
// CODEX_VERSION, GEMINI_VERSION. When the npm registry cannot be reached the
// clients are skipped with that reason; when it can, a client that does not
// install or run is a failure.
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');

const BIN = path.resolve(process.argv[2] || '');
const HERE = __dirname;
const CACHE = process.env.SG_E2E_CACHE || path.join(process.env.HOME || '/tmp', '.cache', 'shellgate-e2e');
// Projects live under the cache, not /tmp: the default packs treat /tmp as a
// temporary directory, which is not what a project checkout looks like.
const RUNS = path.join(CACHE, 'runs', String(process.pid));
const VERS = {
  claude: process.env.CLAUDE_CODE_VERSION || '2.1.330', // native binary; runs on Node 20 although npm says >=22
  codex: process.env.CODEX_VERSION || '0.169.0',
  gemini: process.env.GEMINI_VERSION || '0.61.0',
};
let n = 0, pass = 0, fail = 0, skipped = 0;
const ok = (c, name, diag) => {
  n++;
  if (c) { pass++; console.log(`ok ${n} - ${name}`); }
  else { fail++; console.log(`not ok ${n} - ${name}`); if (diag) console.log(String(diag).split('\n').slice(0, 25).map(l => '#   ' + l).join('\n')); }
};
const skip = (name, why) => { n++; skipped++; console.log(`ok ${n} - ${name} # SKIP ${why}`); };

if (!fs.existsSync(BIN)) { console.log('Bail out! no shellgate binary at ' + BIN); process.exit(2); }
fs.mkdirSync(RUNS, { recursive: true });

function sh(cmd, args, opts) { return cp.spawnSync(cmd, args, Object.assign({ encoding: 'utf8', maxBuffer: 64 << 20 }, opts)); }
let registry = null;
function registryUp() {
  if (registry === null) registry = sh('npm', ['ping'], { timeout: 30000 }).status === 0;
  return registry;
}

// ---- client installs -------------------------------------------------------------------
function npmInstall(dir, pkgs) {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"sg-e2e","private":true}\n');
  return sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'].concat(pkgs), { cwd: dir, timeout: 600000 });
}
const works = (bin, re) => { const r = sh(bin, ['--version'], { env: Object.assign({}, process.env, { HOME: '/tmp' }), timeout: 60000 }); return r.status === 0 && re.test(r.stdout); };
function clientBin(name) {
  const dir = path.join(CACHE, name + '-' + VERS[name]);
  const cands = {
    claude: () => [path.join(dir, 'node_modules/@anthropic-ai/claude-code-linux-x64/claude'), path.join(dir, 'node_modules/@anthropic-ai/claude-code-linux-arm64/claude'), path.join(dir, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe')],
    codex: () => [path.join(dir, 'node_modules/.bin/codex')],
    gemini: () => [path.join(dir, 'node_modules/.bin/gemini')],
  }[name];
  const pkg = { claude: '@anthropic-ai/claude-code', codex: '@openai/codex', gemini: '@google/gemini-cli' }[name];
  const ver = new RegExp(VERS[name].replace(/\./g, '\\.'));
  let b = cands().find(c => fs.existsSync(c) && works(c, ver));
  if (b) return { bin: b };
  if (!registryUp()) return { skip: 'the npm registry cannot be reached' };
  const r = npmInstall(dir, [pkg + '@' + VERS[name]]);
  b = cands().find(c => fs.existsSync(c) && works(c, ver));
  return b ? { bin: b } : { error: `${pkg}@${VERS[name]} did not install or run: ${(r.stderr || '').slice(-500)}` };
}

// ---- mock ------------------------------------------------------------------------------------
const MOCK_DIR = path.join(RUNS, 'mock');
fs.mkdirSync(MOCK_DIR, { recursive: true });
const SCEN = path.join(MOCK_DIR, 'scenario.json'), MLOG = path.join(MOCK_DIR, 'requests.jsonl'), PORTF = path.join(MOCK_DIR, 'port');
const mock = cp.spawn(process.execPath, [path.join(HERE, 'mock.js')], { env: Object.assign({}, process.env, { MOCK_SCENARIO: SCEN, MOCK_LOG: MLOG, MOCK_PORT_FILE: PORTF }), stdio: 'ignore' });
mock.unref();
process.on('exit', () => { try { mock.kill('SIGTERM'); } catch (e) {} if (process.env.SG_E2E_KEEP !== '1') fs.rmSync(RUNS, { recursive: true, force: true }); });
function waitPort() {
  for (let i = 0; i < 100; i++) { if (fs.existsSync(PORTF) && fs.readFileSync(PORTF, 'utf8')) return fs.readFileSync(PORTF, 'utf8'); sh('sleep', ['0.1']); }
  return null;
}
const PORT = waitPort();
if (!PORT) { console.log('Bail out! the mock did not start'); process.exit(2); }
const URL = 'http://127.0.0.1:' + PORT;
const readLog = () => fs.readFileSync(MLOG, 'utf8').split('\n').filter(Boolean).map(l => { try { return JSON.parse(l); } catch (e) { return null; } }).filter(Boolean);

function newCase(client, name) {
  const dir = path.join(RUNS, client + '-' + name.replace(/[^A-Za-z0-9]+/g, '-'));
  const c = { dir, work: path.join(dir, 'work'), home: path.join(dir, 'home'), tmp: path.join(dir, 'tmp') };
  for (const d of [c.work, c.home, c.tmp]) fs.mkdirSync(d, { recursive: true });
  c.marker = path.join(c.work, 'e2e-marker');
  c.env = { PATH: process.env.PATH, HOME: c.home, LANG: 'C.UTF-8', TERM: 'dumb', USER: process.env.USER || 'root', SHELL: '/bin/bash', TMPDIR: c.tmp };
  return c;
}
function install(c, args) {
  const r = sh(BIN, ['install'].concat(args), { cwd: c.work, env: c.env });
  fs.writeFileSync(path.join(c.dir, 'install.txt'), (r.stdout || '') + (r.stderr || ''));
  return r;
}

// ---- Claude Code ------------------------------------------------------------------------------
function claudeRun(c, steps, extra) {
  fs.writeFileSync(SCEN, JSON.stringify({ steps }));
  fs.writeFileSync(MLOG, '');
  const env = Object.assign({}, c.env, {
    ANTHROPIC_BASE_URL: URL, ANTHROPIC_API_KEY: 'sk-ant-e2e-mock', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', DISABLE_ERROR_REPORTING: '1',
    IS_SANDBOX: '1', // root may use --dangerously-skip-permissions only with this
    CLAUDE_CODE_TMPDIR: c.tmp,
  });
  const args = ['-p', 'Run the tool calls of this test', '--output-format', 'stream-json', '--verbose', '--include-hook-events']
    .concat(extra || ['--dangerously-skip-permissions']);
  const r = sh(CLAUDE, args, { cwd: c.work, env, timeout: 180000 });
  fs.writeFileSync(path.join(c.dir, 'claude-stdout.jsonl'), r.stdout || '');
  fs.writeFileSync(path.join(c.dir, 'claude-stderr.txt'), r.stderr || '');
  fs.copyFileSync(MLOG, path.join(c.dir, 'mock-requests.jsonl'));
  const reqs = readLog().filter(x => x.url && x.url.startsWith('/v1/messages') && x.body && (x.body.tools || []).length);
  const last = reqs[reqs.length - 1];
  const results = [];
  for (const m of (last ? last.body.messages : [])) if (m.role === 'user' && Array.isArray(m.content)) for (const b of m.content) if (b.type === 'tool_result')
    results.push({ is_error: !!b.is_error, content: typeof b.content === 'string' ? b.content : JSON.stringify(b.content) });
  const events = (r.stdout || '').split('\n').filter(Boolean).map(l => { try { return JSON.parse(l); } catch (e) { return null; } }).filter(Boolean);
  return { status: r.status, results, events, ran: fs.existsSync(c.marker), stderr: r.stderr || '', out: (r.stdout || '').slice(-1500) };
}
const diag = (o) => JSON.stringify({ status: o.status, ran: o.ran, results: o.results, stderr: o.stderr.slice(-400) }, null, 1);

let CLAUDE = null;
function claudeTests() {
  const cb = clientBin('claude');
  if (cb.skip) return skip('Claude Code ' + VERS.claude, cb.skip);
  if (cb.error) return ok(false, 'Claude Code ' + VERS.claude + ' installs and runs', cb.error);
  CLAUDE = cb.bin;
  const inst = (c) => install(c, ['claude', '--scope', 'project', '--claude-bin', CLAUDE]);

  // 1. installed as a new user would; an everyday command runs without a prompt
  let c = newCase('claude', 'allow');
  let r = inst(c);
  const settings = path.join(c.work, '.claude', 'settings.json');
  ok(r.status === 0 && fs.existsSync(settings), 'claude: shellgate install claude --scope project', r.stdout + r.stderr);
  const sj = fs.existsSync(settings) ? fs.readFileSync(settings, 'utf8') : '';
  ok(/"onFailure": "block"/.test(sj) && /# shellgate-hook/.test(sj), 'claude: registration has onFailure block (2.1.330) and the fail-closed launcher', sj.slice(0, 600));
  let o = claudeRun(c, [{ tool: 'Bash', input: { command: `touch ${c.marker} && echo made-marker`, description: 'make marker' } }], ['--permission-mode', 'default']);
  ok(o.ran && o.results.length === 1 && !o.results[0].is_error && /made-marker/.test(o.results[0].content),
    'claude: allowed command ran without a prompt (default permission mode)', diag(o));

  // 2. denied: did not run, the model read shellgate's reason
  c = newCase('claude', 'deny');
  inst(c);
  o = claudeRun(c, [{ tool: 'Bash', input: { command: `touch ${c.marker} && git push --force origin main` } }]);
  ok(!o.ran && o.results[0] && o.results[0].is_error && /shellgate deny \[/.test(o.results[0].content) && /force/i.test(o.results[0].content),
    'claude: denied command did not run and the model saw the reason', diag(o));

  // 3. ask is refused in -p mode (nobody to answer), with the reason; a program
  //    no rule covers is asked about (defaults.unmatched)
  c = newCase('claude', 'ask');
  inst(c);
  o = claudeRun(c, [{ tool: 'Bash', input: { command: `touch ${c.marker} && sg-e2e-unknown-tool --flag` } }]);
  ok(!o.ran && o.results[0] && o.results[0].is_error && /shellgate ask \[/.test(o.results[0].content),
    'claude: ask is refused in -p mode and the model saw why', diag(o));

  // 4. a broken rule file still blocks (even a command that is otherwise allowed)
  c = newCase('claude', 'broken-rules');
  inst(c);
  fs.mkdirSync(path.join(c.home, '.config', 'shellgate'), { recursive: true });
  fs.writeFileSync(path.join(c.home, '.config', 'shellgate', 'rules.json'), '{"format": 1, "rules": [ {"id": ', { mode: 0o600 });
  o = claudeRun(c, [{ tool: 'Bash', input: { command: `touch ${c.marker}` } }]);
  ok(!o.ran && o.results[0] && o.results[0].is_error && /shellgate/.test(o.results[0].content),
    'claude: a broken rule file blocks every command', diag(o));

  // 5. shellgate missing (a teammate who cloned the project): the launcher blocks
  c = newCase('claude', 'missing-binary');
  install(c, ['claude', '--scope', 'project', '--claude-bin', CLAUDE, '--bin', path.join(c.dir, 'no-such', 'shellgate')]);
  o = claudeRun(c, [{ tool: 'Bash', input: { command: `touch ${c.marker}` } }]);
  ok(!o.ran && o.results[0] && o.results[0].is_error && /not installed or failed/.test(o.results[0].content),
    'claude: without shellgate the shared registration blocks (fail closed)', diag(o));

  // 6. a file tool: reading a private key is denied by path
  c = newCase('claude', 'read-secret');
  inst(c);
  fs.mkdirSync(path.join(c.home, '.ssh'), { recursive: true });
  fs.writeFileSync(path.join(c.home, '.ssh', 'id_rsa'), 'E2E-PRIVATE-KEY\n');
  o = claudeRun(c, [{ tool: 'Read', input: { file_path: path.join(c.home, '.ssh', 'id_rsa') } }]);
  ok(o.results[0] && o.results[0].is_error && !/E2E-PRIVATE-KEY/.test(o.results[0].content) && /shellgate deny/.test(o.results[0].content),
    'claude: Read of ~/.ssh/id_rsa denied, the key never reached the model', diag(o));

  // 7. the user's own Claude deny list, applied on the IR: a wrapper does not bypass it
  c = newCase('claude', 'imported-deny');
  fs.mkdirSync(path.join(c.work, '.claude'), { recursive: true });
  fs.writeFileSync(path.join(c.work, '.claude', 'settings.json'), JSON.stringify({ permissions: { deny: ['Bash(touch:*)'] } }, null, 2));
  inst(c);
  o = claudeRun(c, [{ tool: 'Bash', input: { command: `bash -c 'touch ${c.marker}'` } }]);
  ok(!o.ran && o.results[0] && o.results[0].is_error && /claude\.project\.deny/.test(o.results[0].content),
    "claude: the project's Bash(touch:*) deny also stops bash -c 'touch ...'", diag(o));

  // 8. on_ask sandbox: an asked command is rewritten to run under `shellgate exec`;
  //    its write in the project lands, its write outside fails, the model is told why
  sandboxCase('claude', (c) => { inst(c); }, (c, cmd) => {
    const o = claudeRun(c, [{ tool: 'Bash', input: { command: cmd, description: 'sandboxed' } }]);
    return { o, text: o.results.map(x => x.content).join('\n'), diag: diag(o) };
  });

  // 9. uninstall removes exactly ours: the command then runs unchecked (bypass mode)
  c = newCase('claude', 'uninstall');
  inst(c);
  r = install(c, ['claude', '--scope', 'project', '--uninstall']);
  const after = fs.readFileSync(path.join(c.work, '.claude', 'settings.json'), 'utf8');
  o = claudeRun(c, [{ tool: 'Bash', input: { command: `touch ${c.marker} && git push --force origin main 2>/dev/null; true` } }]);
  ok(r.status === 0 && !/shellgate/.test(after) && o.ran, 'claude: --uninstall leaves no hook behind', after + diag(o));
}

// The sandbox rewrite, the same for every client that can rewrite: the user turns
// on_ask sandbox on in ~/.config/shellgate/config.json; the command below is asked
// by the rules (it writes outside the project), so it runs in the sandbox instead.
function sandboxCase(client, setup, run) {
  const probe = sh(BIN, ['exec', '--probe']);
  if (probe.status !== 0) return skip(client + ': asked command runs in the sandbox', 'the sandbox cannot start here: ' + (probe.stdout + probe.stderr).slice(-200));
  const c = newCase(client, 'sandbox');
  setup(c);
  const cfgDir = path.join(c.home, '.config', 'shellgate');
  fs.mkdirSync(cfgDir, { recursive: true });
  fs.writeFileSync(path.join(cfgDir, 'config.json'), '{"on_ask": "sandbox"}\n', { mode: 0o600 });
  // outside the project, in a directory the user may write to (so the rules ask,
  // not deny); the sandbox does not show /var/tmp at all
  const outside = path.join('/var/tmp', 'sg-e2e-outside-' + process.pid + '-' + client);
  fs.rmSync(outside, { force: true });
  const { o, text, diag: d } = run(c, `echo "sandbox=$SHELLGATE_SANDBOX" > ${c.marker} && echo escaped > ${outside}`);
  const inside = fs.existsSync(c.marker) ? fs.readFileSync(c.marker, 'utf8') : '';
  ok(inside.trim() === 'sandbox=default' && !fs.existsSync(outside) && /ran in shellgate's sandbox/.test(text) && /ask the user/.test(text),
    client + ': on_ask sandbox: the asked command ran under shellgate exec (project write kept, write outside failed, the model was told why)',
    'marker: ' + JSON.stringify(inside) + ' outside exists: ' + fs.existsSync(outside) + '\n' + d);
  fs.rmSync(outside, { force: true });
}

// ---- Codex CLI -----------------------------------------------------------------------------------
function codexRun(c, cmd) {
  fs.writeFileSync(SCEN, JSON.stringify({ command: cmd }));
  fs.writeFileSync(MLOG, '');
  const ch = path.join(c.home, '.codex');
  const env = Object.assign({}, c.env, { CODEX_HOME: ch, MOCK_API_KEY: 'mock' });
  const r = sh(CODEX, ['exec', '--skip-git-repo-check', '--json', '--dangerously-bypass-hook-trust', '--dangerously-bypass-approvals-and-sandbox', 'run the test command'],
    { cwd: c.work, env, timeout: 180000, input: '' });
  fs.writeFileSync(path.join(c.dir, 'codex-stdout.jsonl'), r.stdout || '');
  fs.writeFileSync(path.join(c.dir, 'codex-stderr.txt'), r.stderr || '');
  const outs = [];
  for (const x of readLog()) if (x.body && Array.isArray(x.body.input)) for (const i of x.body.input) if (i.type === 'function_call_output') outs.push(typeof i.output === 'string' ? i.output : JSON.stringify(i.output));
  return { status: r.status, ran: fs.existsSync(c.marker), outputs: [...new Set(outs)], stderr: (r.stderr || '').slice(-600) };
}
let CODEX = null;
function codexTests() {
  const cb = clientBin('codex');
  if (cb.skip) return skip('Codex CLI ' + VERS.codex, cb.skip);
  if (cb.error) return ok(false, 'Codex CLI ' + VERS.codex + ' installs and runs', cb.error);
  CODEX = cb.bin;
  const setup = (c) => {
    const ch = path.join(c.home, '.codex');
    fs.mkdirSync(ch, { recursive: true });
    fs.writeFileSync(path.join(ch, 'config.toml'), `model = "mock-model"\nmodel_provider = "mock"\n[model_providers.mock]\nname = "mock"\nbase_url = "${URL}/v1"\nwire_api = "responses"\nenv_key = "MOCK_API_KEY"\n`);
    c.env.CODEX_HOME = ch;
    return install(c, ['codex', '--scope', 'user']);
  };
  let c = newCase('codex', 'allow');
  let r = setup(c);
  ok(r.status === 0 && fs.existsSync(path.join(c.home, '.codex', 'hooks.json')), 'codex: shellgate install codex', r.stdout + r.stderr);
  let o = codexRun(c, `touch ${c.marker} && echo made-marker`);
  ok(o.ran && o.outputs.some(x => /made-marker/.test(x)), 'codex: allowed command ran (shellgate stays silent, Codex runs it)', JSON.stringify(o, null, 1));
  c = newCase('codex', 'deny');
  setup(c);
  o = codexRun(c, `touch ${c.marker} && git push --force origin main`);
  ok(!o.ran && o.outputs.some(x => /shellgate deny \[/.test(x)), 'codex: denied command did not run and the model saw the reason', JSON.stringify(o, null, 1));
  c = newCase('codex', 'ask');
  setup(c);
  o = codexRun(c, `touch ${c.marker} && sg-e2e-unknown-tool --flag`);
  ok(!o.ran && o.outputs.some(x => /cannot ask/.test(x)), 'codex: ask becomes a deny that tells the model to ask the user', JSON.stringify(o, null, 1));
  sandboxCase('codex', (c) => { setup(c); }, (c, cmd) => {
    const o = codexRun(c, cmd);
    return { o, text: o.outputs.join('\n'), diag: JSON.stringify(o, null, 1) };
  });
  c = newCase('codex', 'missing-binary');
  const ch = path.join(c.home, '.codex');
  fs.mkdirSync(ch, { recursive: true });
  fs.writeFileSync(path.join(ch, 'config.toml'), `model = "mock-model"\nmodel_provider = "mock"\n[model_providers.mock]\nname = "mock"\nbase_url = "${URL}/v1"\nwire_api = "responses"\nenv_key = "MOCK_API_KEY"\n`);
  c.env.CODEX_HOME = ch;
  install(c, ['codex', '--scope', 'user', '--bin', path.join(c.dir, 'no-such', 'shellgate')]);
  o = codexRun(c, `touch ${c.marker}`);
  ok(!o.ran && o.outputs.some(x => /not installed or failed/.test(x)), 'codex: without shellgate the registration blocks (fail closed)', JSON.stringify(o, null, 1));
}

// ---- Gemini CLI ----------------------------------------------------------------------------------
let GEMINI = null;
function geminiRun(c, cmd) {
  fs.writeFileSync(SCEN, JSON.stringify({ command: cmd }));
  fs.writeFileSync(MLOG, '');
  const env = Object.assign({}, c.env, { GEMINI_API_KEY: 'mock', GOOGLE_GEMINI_BASE_URL: URL });
  const r = sh(GEMINI, ['-p', 'run the test command', '--skip-trust', '--yolo', '-o', 'stream-json'], { cwd: c.work, env, timeout: 180000, input: '' });
  fs.writeFileSync(path.join(c.dir, 'gemini-stdout.jsonl'), r.stdout || '');
  fs.writeFileSync(path.join(c.dir, 'gemini-stderr.txt'), r.stderr || '');
  const outs = [];
  for (const x of readLog()) if (x.body && Array.isArray(x.body.contents)) for (const ct of x.body.contents) for (const p of ct.parts || []) if (p.functionResponse) outs.push(JSON.stringify(p.functionResponse));
  return { status: r.status, ran: fs.existsSync(c.marker), outputs: [...new Set(outs)], stderr: (r.stderr || '').slice(-600) };
}
function geminiTests() {
  const cb = clientBin('gemini');
  if (cb.skip) return skip('Gemini CLI ' + VERS.gemini, cb.skip);
  if (cb.error) return ok(false, 'Gemini CLI ' + VERS.gemini + ' installs and runs', cb.error);
  GEMINI = cb.bin;
  const setup = (c, extra) => {
    fs.mkdirSync(path.join(c.home, '.gemini'), { recursive: true });
    fs.writeFileSync(path.join(c.home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false } }, null, 2));
    return install(c, ['gemini', '--scope', 'user'].concat(extra || []));
  };
  let c = newCase('gemini', 'allow');
  let r = setup(c);
  ok(r.status === 0 && /shellgate-hook/.test(fs.readFileSync(path.join(c.home, '.gemini', 'settings.json'), 'utf8')), 'gemini: shellgate install gemini', r.stdout + r.stderr);
  let o = geminiRun(c, `touch ${c.marker} && echo made-marker`);
  ok(o.ran, 'gemini: allowed command ran', JSON.stringify(o, null, 1));
  c = newCase('gemini', 'deny');
  setup(c);
  o = geminiRun(c, `touch ${c.marker} && git push --force origin main`);
  ok(!o.ran && o.outputs.some(x => /shellgate deny \[/.test(x)), 'gemini: denied command did not run and the model saw the reason', JSON.stringify(o, null, 1));
  c = newCase('gemini', 'missing-binary');
  setup(c, ['--bin', path.join(c.dir, 'no-such', 'shellgate')]);
  o = geminiRun(c, `touch ${c.marker}`);
  ok(!o.ran, 'gemini: without shellgate the registration blocks (fail closed)', JSON.stringify(o, null, 1));
}

const only = process.env.SG_E2E_ONLY;
if (!only || only === 'claude') claudeTests();
if (!only || only === 'codex') codexTests();
if (!only || only === 'gemini') geminiTests();
console.log('1..' + n);
console.log(`${pass} passed, ${fail} failed, ${skipped} skipped`);
process.exit(fail ? 1 : 0);
