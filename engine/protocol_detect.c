/*
 * protocol_detect.c - read one hook request and tell the client from its
 * shape; helpers shared by the protocol adapters.
 *
 * INVARIANTS:
 *  - Reading never waits for EOF: it stops at the end of the first complete
 *    JSON value (Kiro IDE 0.x opens stdin and never closes it), and waits at
 *    most SG_HOOK_READ_TIMEOUT_MS for each chunk.
 *  - Memory is bounded by SG_HOOK_MAX_JSON whatever the input size: file
 *    payload strings (content, new_string, ...) are cut while reading, since
 *    only paths and commands are judged. A big Write is judged by its path.
 *  - A NUL byte, raw or as \u0000, is refused: the text judged must be the
 *    text the client runs.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "protocol.h"

/* ---- clients ------------------------------------------------------------------------ */

static const char *const client_names[SG_CLIENT_N] = { "unknown", "claude", "kiro", "cursor",
							"gemini", "codex", "copilot" };

const char *sg_protocol_client_name(sg_client c)
{
	return c >= 0 && c < SG_CLIENT_N ? client_names[c] : "unknown";
}

sg_client sg_protocol_client_parse(const char *name)
{
	for (int i = 1; i < SG_CLIENT_N; i++)
		if (name && !strcmp(name, client_names[i]))
			return (sg_client)i;
	if (name && (!strcmp(name, "claude-code") || !strcmp(name, "kiro-cli") || !strcmp(name, "kiro-ide")))
		return name[0] == 'c' ? SG_CLIENT_CLAUDE : SG_CLIENT_KIRO;
	return SG_CLIENT_UNKNOWN;
}

const sg_adapter *sg_protocol_adapter(sg_client c)
{
	switch (c) {
	case SG_CLIENT_CLAUDE:
		return &sg_adapter_claude;
	case SG_CLIENT_KIRO:
		return &sg_adapter_kiro;
	case SG_CLIENT_CURSOR:
		return &sg_adapter_cursor;
	case SG_CLIENT_GEMINI:
		return &sg_adapter_gemini;
	case SG_CLIENT_CODEX:
		return &sg_adapter_codex;
	case SG_CLIENT_COPILOT:
		return &sg_adapter_copilot;
	default:
		return NULL;
	}
}

/* ---- detection -------------------------------------------------------------------- */

static int has(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k) != NULL;
}

static int is_kiro_tool(const char *t)
{
	static const char *const k[] = { "execute_bash", "execute_cmd", "shell", "fs_write", "fs_read", "write",
					 "read", "str_replace", "fs_append", NULL };
	for (int i = 0; t && k[i]; i++)
		if (!strcmp(t, k[i]))
			return 1;
	return 0;
}

sg_client sg_protocol_detect(const cJSON *root, int from_env, sg_client hint, int *strong)
{
	*strong = 1;
	if (from_env)
		return SG_CLIENT_KIRO;	/* Kiro IDE 0.x: context only in USER_PROMPT */
	const char *ev = sg_json_str(root, "hook_event_name");
	const char *tool = sg_json_str(root, "tool_name");
	if (has(root, "cursor_version") || has(root, "workspace_roots") ||
	    (ev && (!strcmp(ev, "beforeShellExecution") || !strcmp(ev, "beforeReadFile") ||
		    !strcmp(ev, "beforeMCPExecution"))))
		return SG_CLIENT_CURSOR;
	if (ev && (!strcmp(ev, "BeforeTool") || !strcmp(ev, "AfterTool") || !strcmp(ev, "BeforeAgent") ||
		   !strcmp(ev, "BeforeModel") || !strcmp(ev, "BeforeToolSelection")))
		return SG_CLIENT_GEMINI;
	if (has(root, "turn_id"))
		return SG_CLIENT_CODEX;
	if (has(root, "toolName") || has(root, "toolArgs"))
		return SG_CLIENT_COPILOT;
	if (ev && (!strcmp(ev, "preToolUse") || !strcmp(ev, "postToolUse") || !strcmp(ev, "userPromptSubmit") ||
		   !strcmp(ev, "agentSpawn") || !strcmp(ev, "stop")))
		return SG_CLIENT_KIRO;
	if (ev && (!strcmp(ev, "PreToolUse") || !strcmp(ev, "PermissionRequest") || !strcmp(ev, "PostToolUse"))) {
		if (is_kiro_tool(tool))
			return SG_CLIENT_KIRO;	/* Kiro IDE 1.x / CLI v3: snake_case, Kiro tool names */
		if (has(root, "timestamp") && !has(root, "transcript_path"))
			return SG_CLIENT_COPILOT; /* Copilot's VS Code-compatible input */
		if (has(root, "prompt_id") || has(root, "transcript_path"))
			return SG_CLIENT_CLAUDE;
		*strong = 0;
		return hint == SG_CLIENT_CODEX || hint == SG_CLIENT_COPILOT || hint == SG_CLIENT_KIRO ? hint
											 : SG_CLIENT_CLAUDE;
	}
	*strong = 0;
	return hint;
}

/* ---- bounded reading ------------------------------------------------------------- */

typedef struct jfilter {
	sg_buf *out;
	size_t total;
	int started, done, depth;
	unsigned char stack[SG_MAX_JSON_DEPTH + 1]; /* '{' or '[' */
	int in_str, esc, uhex, is_key, expect_key, payload, skipping;
	char ubuf[4];
	size_t kept;
	char key[32];
	size_t keylen;
	int key_over;
	const char *why;
} jfilter;

/* String values under these keys are file contents or tool output: never
 * judged, so they are cut to SG_HOOK_PAYLOAD_KEEP bytes while reading. */
static int payload_key(const char *k)
{
	static const char *const keys[] = { "content", "contents", "new_string", "old_string", "file_text",
					    "new_str", "old_str", "new_source", "text", "tool_response",
					    "tool_output", "stdout", "stderr", "output", "toolResult", NULL };
	for (int i = 0; keys[i]; i++)
		if (!strcmp(k, keys[i]))
			return 1;
	return 0;
}

static int jf_fail(jfilter *f, const char *why)
{
	f->why = why;
	return -1;
}

/* Feeds bytes; 0 = need more, 1 = one value complete, -1 = error (f->why). */
/* Bytes from s[i] on that are plain string content ('"', '\\' and NUL
 * end a run), at most max. */
#define BYTES_ONES 0x0101010101010101ULL
/* some byte of v is zero (exact: no false positive, no false negative) */
static int has_zero_byte(uint64_t v)
{
	return ((v - BYTES_ONES) & ~v & (BYTES_ONES << 7)) != 0;
}

static size_t plain_run(const char *s, size_t i, size_t n, size_t max)
{
	size_t k = i;
	size_t end = n - i > max ? i + max : n;
	uint64_t w;
	while (end - k >= sizeof w) {	/* eight bytes at a time */
		memcpy(&w, s + k, sizeof w);
		if (has_zero_byte(w) || has_zero_byte(w ^ (BYTES_ONES * '"')) || has_zero_byte(w ^ (BYTES_ONES * '\\')))
			break;
		k += sizeof w;
	}
	while (k < end && s[k] != '"' && s[k] != '\\' && s[k] != '\0')
		k++;
	return k - i;
}

static int jf_feed(jfilter *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* Inside a string with no escape pending, a run of plain bytes
		 * changes nothing but the counters and the output: take it at
		 * once (what the byte loop below does, byte for byte, stopping
		 * where SG_HOOK_MAX_STREAM or SG_HOOK_PAYLOAD_KEEP is reached). */
		if (f->in_str && !f->esc && !f->uhex && !f->is_key && f->total < SG_HOOK_MAX_STREAM) {
			size_t max = SG_HOOK_MAX_STREAM - f->total;
			if (f->payload && !f->skipping)
				max = f->kept + 1 < SG_HOOK_PAYLOAD_KEEP ? SG_HOOK_PAYLOAD_KEEP - 1 - f->kept : 0;
			size_t r = plain_run(s, i, n, max);
			if (r) {
				if (!f->skipping)
					sg_buf_add(f->out, s + i, r);
				if (f->payload && !f->skipping)
					f->kept += r;
				f->total += r;
				i += r;
				if (i == n)
					break;
			}
		}
		char c = s[i];
		if (++f->total > SG_HOOK_MAX_STREAM)
			return jf_fail(f, "request larger than SG_HOOK_MAX_STREAM");
		if (c == '\0')
			return jf_fail(f, "NUL byte in request");
		if (!f->started) {
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
				continue;
			if (c != '{')
				return jf_fail(f, "request is not a JSON object");
			f->started = 1;
		}
		if (f->in_str) {
			if (f->skipping) {
				if (f->esc)
					f->esc = 0;
				else if (c == '\\')
					f->esc = 1;
				else if (c == '"')
					f->in_str = 0, f->skipping = 0, sg_buf_addc(f->out, '"');
				continue;
			}
			sg_buf_addc(f->out, c);
			if (f->uhex) {
				f->ubuf[4 - f->uhex] = c;
				if (--f->uhex == 0 && !memcmp(f->ubuf, "0000", 4))
					return jf_fail(f, "NUL character (\\u0000) in request");
			} else if (f->esc) {
				f->esc = 0;
				if (c == 'u')
					f->uhex = 4;
			} else if (c == '\\') {
				f->esc = 1;
			} else if (c == '"') {
				f->in_str = 0;
				if (f->is_key)
					f->key[f->keylen] = 0;
				continue;
			}
			if (f->is_key && f->keylen + 1 < sizeof f->key)
				f->key[f->keylen++] = c;
			else if (f->is_key)
				f->key_over = 1;
			if (f->payload && ++f->kept >= SG_HOOK_PAYLOAD_KEEP && !f->esc && !f->uhex)
				f->skipping = 1;
		} else {
			switch (c) {
			case '"':
				f->in_str = 1;
				f->is_key = f->depth > 0 && f->stack[f->depth] == '{' && f->expect_key;
				f->payload = !f->is_key && f->depth > 0 && f->stack[f->depth] == '{' && !f->key_over &&
					     payload_key(f->key);
				f->kept = 0;
				if (f->is_key)
					f->keylen = 0, f->key_over = 0;
				break;
			case ':':
				f->expect_key = 0;
				break;
			case ',':
				f->expect_key = f->depth > 0 && f->stack[f->depth] == '{';
				f->key[0] = 0;
				break;
			case '{':
			case '[':
				if (f->depth >= SG_MAX_JSON_DEPTH)
					return jf_fail(f, "request nested deeper than SG_MAX_JSON_DEPTH");
				f->stack[++f->depth] = (unsigned char)c;
				f->expect_key = c == '{';
				f->key[0] = 0;
				break;
			case '}':
			case ']':
				if (f->depth == 0)
					return jf_fail(f, "invalid JSON");
				f->depth--;
				f->expect_key = 0;
				if (f->depth == 0) {
					sg_buf_addc(f->out, c);
					f->done = 1;
					return 1;
				}
				break;
			default:
				break;
			}
			sg_buf_addc(f->out, c);
		}
		if (f->out->len > SG_HOOK_MAX_JSON)
			return jf_fail(f, "request larger than SG_HOOK_MAX_JSON");
	}
	return 0;
}

int sg_protocol_filter(const char *s, size_t n, sg_buf *out, const char **why)
{
	jfilter f;
	memset(&f, 0, sizeof f);
	f.out = out;
	int r = jf_feed(&f, s, n);
	if (r < 0) {
		*why = f.why;
		return -1;
	}
	if (r == 0) {
		*why = f.started ? "truncated JSON request" : "empty request";
		return -1;
	}
	sg_buf_cstr(out);
	return 0;
}

int sg_protocol_read(int fd, int timeout_ms, sg_buf *out, const char **why)
{
	jfilter f;
	memset(&f, 0, sizeof f);
	f.out = out;
	char *chunk = sg_xmalloc(SG_READ_CHUNK);
	int rc = -1;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int pr = poll(&p, 1, timeout_ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0) {
			*why = "cannot read stdin";
			goto out;
		}
		if (pr == 0) {
			*why = f.started ? "timed out reading a truncated request" : "no request on stdin (timed out)";
			goto out;
		}
		ssize_t n = read(fd, chunk, SG_READ_CHUNK);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			*why = "cannot read stdin";
			goto out;
		}
		if (n == 0) {
			*why = f.started ? "truncated JSON request" : "empty request";
			goto out;
		}
		int r = jf_feed(&f, chunk, (size_t)n);
		if (r < 0) {
			*why = f.why;
			goto out;
		}
		if (r > 0)
			break;
	}
	sg_buf_cstr(out);
	rc = 0;
out:
	free(chunk);
	return rc;
}

/* ---- helpers for adapters ------------------------------------------------------------ */

const char *sg_json_str(const cJSON *o, const char *key)
{
	const cJSON *x = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return x && cJSON_IsString(x) ? x->valuestring : NULL;
}

const cJSON *sg_json_obj(const cJSON *o, const char *key)
{
	const cJSON *x = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	return cJSON_IsObject(x) ? x : NULL;
}

void sg_hook_add(sg_hook_req *r, sg_req_kind k, const char *text, const char *what)
{
	r->judged = 1;
	if (!text || !*text) {
		if (!r->error)
			r->error = what;
		return;
	}
	if (r->nreq >= SG_HOOK_MAX_REQ) {
		r->error = "too many paths in one request";
		return;
	}
	sg_request *q = &r->req[r->nreq++];
	memset(q, 0, sizeof *q);
	q->kind = k;
	q->text = text;
	q->len = strlen(text);
}

/* {"hookSpecificOutput":{"hookEventName":E,"permissionDecision":D
 * [,"permissionDecisionReason":R][,"updatedInput":U]}} and a newline */
static void hso(sg_buf *b, const char *event, const char *decision, const char *reason, const char *updated)
{
	sg_buf_adds(b, "{\"hookSpecificOutput\":{\"hookEventName\":");
	sg_buf_json_str(b, event, strlen(event));
	sg_buf_adds(b, ",\"permissionDecision\":");
	sg_buf_json_str(b, decision, strlen(decision));
	if (reason && *reason) {
		sg_buf_adds(b, ",\"permissionDecisionReason\":");
		sg_buf_json_str(b, reason, strlen(reason));
	}
	if (updated) {
		sg_buf_adds(b, ",\"updatedInput\":");
		sg_buf_adds(b, updated);
	}
	sg_buf_adds(b, "}}\n");
}

void sg_protocol_hso(sg_buf *b, const char *event, const char *decision, const char *reason)
{
	hso(b, event, decision, reason, NULL);
}

void sg_protocol_hso_rewrite(sg_buf *b, const char *event, const cJSON *tool_input, const char *command,
			     const char *reason)
{
	cJSON *ti = tool_input ? cJSON_Duplicate(tool_input, 1) : cJSON_CreateObject();
	cJSON *c = cJSON_CreateString(command);
	if (!ti || !c)
		sg_fatal("out of memory");
	if (cJSON_GetObjectItemCaseSensitive(ti, "command"))
		cJSON_ReplaceItemInObjectCaseSensitive(ti, "command", c);
	else
		cJSON_AddItemToObject(ti, "command", c);
	char *js = cJSON_PrintUnformatted(ti);
	if (!js)
		sg_fatal("out of memory");
	hso(b, event, "allow", reason, js);
	cJSON_free(js);
	cJSON_Delete(ti);
}

void sg_protocol_portable_block(const char *reason, sg_hook_answer *a)
{
	if (!reason || !*reason)
		reason = "shellgate: blocked";
	size_t n = strlen(reason);
	sg_buf_adds(&a->out, "{\"decision\":\"block\",\"reason\":");
	sg_buf_json_str(&a->out, reason, n);
	sg_buf_adds(&a->out, ",\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":"
			     "\"deny\",\"permissionDecisionReason\":");
	sg_buf_json_str(&a->out, reason, n);
	sg_buf_adds(&a->out, "}}\n");
	sg_buf_add(&a->err, reason, n);
	sg_buf_addc(&a->err, '\n');
	a->status = 2;
}
