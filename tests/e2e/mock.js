#!/usr/bin/env node
// Offline stand-in for the model APIs the agent CLIs talk to, on 127.0.0.1 only:
//   POST /v1/messages                 Anthropic Messages (SSE or JSON)  - Claude Code
//   POST /v1/responses                OpenAI Responses (SSE)            - Codex CLI
//   POST /v1beta/models/M:(stream)GenerateContent   Gemini API         - Gemini CLI
// The scenario file ($MOCK_SCENARIO, re-read per request) is
//   {"steps":[{"tool":"Bash","input":{...}}, ...], "command":"shell command for codex/gemini"}
// Step k is answered once the conversation holds k tool calls; then a final text
// that quotes every tool result the client sent back, so the run's output shows
// what the model saw. Every request is appended to $MOCK_LOG (JSONL).
'use strict';
const http = require('http');
const fs = require('fs');
const LOG = process.env.MOCK_LOG || '/dev/null';
const log = r => { try { fs.appendFileSync(LOG, JSON.stringify(r) + '\n'); } catch (e) {} };
const scenario = () => { try { return JSON.parse(fs.readFileSync(process.env.MOCK_SCENARIO, 'utf8')); } catch (e) { return { steps: [] }; } };
let seq = 0;

function anthropic(body, res, n) {
  const sc = scenario();
  const tools = (body.tools || []).map(t => t.name);
  const msgs = body.messages || [];
  const turn = msgs.filter(m => m.role === 'assistant' && Array.isArray(m.content) && m.content.some(c => c.type === 'tool_use')).length;
  const results = [];
  for (const m of msgs) if (m.role === 'user' && Array.isArray(m.content)) for (const c of m.content) if (c.type === 'tool_result')
    results.push(`TOOL_RESULT is_error=${!!c.is_error}: ${typeof c.content === 'string' ? c.content : JSON.stringify(c.content)}`);
  const step = (sc.steps || [])[turn];
  let blocks, stop;
  if (step && tools.includes(step.tool)) {
    blocks = [{ type: 'tool_use', id: 'toolu_e2e' + String(turn).padStart(2, '0'), name: step.tool, input: step.input }];
    stop = 'tool_use';
  } else {
    blocks = [{ type: 'text', text: tools.length ? 'MOCK_FINAL\n' + results.join('\n') : 'Mock title' }];
    stop = 'end_turn';
  }
  log({ n, reply: blocks });
  const id = 'msg_e2e' + n, usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model: body.model || 'mock', content: blocks, stop_reason: stop, stop_sequence: null, usage }));
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const ev = (t, d) => res.write(`event: ${t}\ndata: ${JSON.stringify(Object.assign({ type: t }, d))}\n\n`);
  ev('message_start', { message: { id, type: 'message', role: 'assistant', model: body.model || 'mock', content: [], stop_reason: null, stop_sequence: null, usage } });
  blocks.forEach((b, i) => {
    if (b.type === 'tool_use') {
      ev('content_block_start', { index: i, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
      ev('content_block_delta', { index: i, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } });
    } else {
      ev('content_block_start', { index: i, content_block: { type: 'text', text: '' } });
      ev('content_block_delta', { index: i, delta: { type: 'text_delta', text: b.text } });
    }
    ev('content_block_stop', { index: i });
  });
  ev('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 5 } });
  ev('message_stop', {});
  res.end();
}

function responses(body, res, n) {
  const cmd = scenario().command || 'echo hello';
  const outputs = (body.input || []).filter(x => x.type === 'function_call_output' || x.type === 'local_shell_call_output');
  const names = (body.tools || []).map(t => t.name || t.type);
  let item = null;
  if (!outputs.length) {
    if (names.includes('exec_command')) item = { type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd }) };
    else if (names.includes('shell_command')) item = { type: 'function_call', name: 'shell_command', arguments: JSON.stringify({ command: cmd }) };
    else if (names.includes('shell')) item = { type: 'function_call', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', cmd] }) };
    if (item) Object.assign(item, { id: 'fc_e2e' + n, call_id: 'call_e2e' + n });
  }
  if (!item) item = { type: 'message', id: 'msg_e2e' + n, role: 'assistant', status: 'completed', content: [{ type: 'output_text', annotations: [], text: 'MOCK_FINAL ' + JSON.stringify(outputs).slice(0, 4000) }] };
  log({ n, reply: item });
  const ev = (t, d) => `event: ${t}\ndata: ${JSON.stringify(Object.assign({ type: t }, d))}\n\n`;
  const rid = 'resp_e2e' + n;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(ev('response.created', { response: { id: rid, object: 'response', status: 'in_progress', output: [] } }) +
    ev('response.output_item.added', { output_index: 0, item }) + ev('response.output_item.done', { output_index: 0, item }) +
    ev('response.completed', { response: { id: rid, object: 'response', status: 'completed', output: [item], usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 } } }));
}

function gemini(body, url, res, n) {
  const fnames = [];
  for (const t of body.tools || []) for (const f of t.functionDeclarations || []) fnames.push(f.name);
  const responsesSeen = [];
  for (const c of body.contents || []) for (const p of c.parts || []) if (p.functionResponse) responsesSeen.push(p.functionResponse);
  let content;
  if (fnames.includes('run_shell_command') && !responsesSeen.length)
    content = { role: 'model', parts: [{ functionCall: { name: 'run_shell_command', args: { command: scenario().command || 'echo hello', description: 'e2e' } } }] };
  else if (fnames.length) content = { role: 'model', parts: [{ text: 'MOCK_FINAL ' + JSON.stringify(responsesSeen).slice(0, 4000) }] };
  else content = { role: 'model', parts: [{ text: JSON.stringify({ reasoning: 'mock', next_speaker: 'user', model_choice: 'flash', complexity_reasoning: 'mock', complexity_score: 1 }) }] };
  log({ n, reply: content });
  const chunk = { candidates: [{ content, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 }, modelVersion: 'mock' };
  if (/stream/i.test(url)) { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end('data: ' + JSON.stringify(chunk) + '\r\n\r\n'); }
  else { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(chunk)); }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    let body = {};
    try { body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'); } catch (e) {}
    const n = ++seq, url = req.url.split('?')[0];
    log({ n, method: req.method, url: req.url, body });
    if (req.method === 'POST' && url === '/v1/messages') return anthropic(body, res, n);
    if (req.method === 'POST' && url === '/v1/messages/count_tokens') { res.writeHead(200, { 'content-type': 'application/json' }); return res.end('{"input_tokens":10}'); }
    if (req.method === 'POST' && /\/responses$/.test(url)) return responses(body, res, n);
    if (req.method === 'POST' && /:countTokens$/.test(url)) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end('{"totalTokens":10}'); }
    if (req.method === 'POST' && /:(stream)?[gG]enerateContent$/.test(url)) return gemini(body, url, res, n);
    if (req.method === 'GET' && /\/models/.test(url)) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ data: [{ id: 'mock', object: 'model', type: 'model', display_name: 'mock' }], models: [], has_more: false })); }
    if (req.method === 'HEAD' || url === '/') { res.writeHead(200); return res.end(); }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'mock: no ' + req.method + ' ' + url } }));
  });
});
server.listen(0, '127.0.0.1', () => { fs.writeFileSync(process.env.MOCK_PORT_FILE, String(server.address().port)); });
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
