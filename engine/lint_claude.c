/*
 * lint_claude.c - Claude Code project transcripts
 * ($CLAUDE_CONFIG_DIR|~/.claude)/projects/<slug>/<session>.jsonl
 * (PROTOCOLS.md 1.9; records observed with Claude Code 2.1.197).
 *
 * Calls: `assistant` records, message.content[] items of type tool_use
 * (Bash -> shell; Read; Write/Edit/MultiEdit/NotebookEdit; Glob/Grep).
 * Outcomes: `user` records' tool_result items (paired by tool_use_id), and
 * `attachment` records of the PreToolUse hooks (hook_success with the hook's
 * JSON answer, where a rewrite shows up as updatedInput; hook_blocking_error;
 * hook_non_blocking_error and hook_cancelled, which fail open).
 * The transcript keeps the model's original input; a rewrite is reported
 * alongside it.
 */
#include <string.h>

#include "lint.h"

/* Record types that carry no tool calls (they grow with every release). */
static const char *const quiet_types[] = {
	"system", "summary", "queue-operation", "last-prompt", "file-history-snapshot", "progress",
	"custom-title", "tag", "api-request", "api-request-blob", "atis-latch", "tools-used", "cost-state",
	"agent-name", "mode", "pr-link", "worktree-state", "ai-title", NULL
};

static int claude_detect(const sg_json *j)
{
	int t = sg_lint_json_get(j, 0, "type");
	if (t < 0 || j->t[t].type != SG_J_STR || sg_lint_json_get(j, 0, "payload") >= 0 ||
	    sg_lint_json_get(j, 0, "data") >= 0)
		return 0;
	return sg_lint_json_get(j, 0, "sessionId") >= 0 || sg_lint_json_get(j, 0, "parentUuid") >= 0 ||
	       sg_lint_json_get(j, 0, "leafUuid") >= 0 || sg_lint_json_get(j, 0, "uuid") >= 0;
}

/* tool name -> request kind and the input field holding its subject */
static int tool_kind(const char *name, sg_req_kind *kind, const char **field)
{
	static const struct { const char *name; sg_req_kind kind; const char *field; } map[] = {
		{ "Bash", SG_REQ_SHELL, "command" },	   { "Read", SG_REQ_READ, "file_path" },
		{ "Write", SG_REQ_WRITE, "file_path" },	   { "Edit", SG_REQ_WRITE, "file_path" },
		{ "MultiEdit", SG_REQ_WRITE, "file_path" }, { "NotebookEdit", SG_REQ_WRITE, "notebook_path" },
		{ "Glob", SG_REQ_SEARCH, "path" },	   { "Grep", SG_REQ_SEARCH, "path" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(name, map[i].name)) {
			*kind = map[i].kind;
			*field = map[i].field;
			return 1;
		}
	return 0;
}

static void tool_use(sg_lint *L, sg_lint_state *st, const sg_json *j, int item)
{
	const char *name = sg_lint_json_cstr(j, sg_lint_json_get(j, item, "name"), &st->c);
	const char *id = sg_lint_json_cstr(j, sg_lint_json_get(j, item, "id"), &st->a);
	sg_req_kind kind;
	const char *field;
	if (!name || !tool_kind(name, &kind, &field))
		return;
	int input = sg_lint_json_get(j, item, "input");
	const char *text = sg_lint_json_cstr(j, sg_lint_json_get(j, input, field), &st->b);
	if (!text && kind == SG_REQ_SEARCH) {	/* Glob/Grep without a path search the cwd */
		sg_buf_reset(&st->b);
		sg_buf_adds(&st->b, st->cwd.len ? st->cwd.data : ".");
		text = st->b.data;
	}
	if (!text) {
		sg_lint_warn(L, st, st->line, "%s call without its '%s' input; not judged", name, field);
		return;
	}
	sg_lint_call c = { kind, name, text, st->b.len, id, st->ts.len ? st->ts.data : NULL, 0, SG_RUN_UNKNOWN, NULL };
	sg_lint_add_call(L, st, &c);
}

static sg_lint_ran classify(const char *s, size_t n, int is_bash)
{
	if (!strncmp(s, "Exit code ", 10) || strstr(s, "timed out"))
		return SG_RUN_FAILED;
	if (!strncmp(s, "<tool_use_error>", 16))
		return SG_RUN_ERROR;
	/* A shell call that failed after running always says "Exit code N";
	 * any other error text is a refusal (hook reason, permission rule). */
	if (is_bash)
		return SG_RUN_DENIED;
	return sg_lint_classify_error(s, n);
}

static void tool_result(sg_lint *L, sg_lint_state *st, const sg_json *j, int item)
{
	const char *id = sg_lint_json_cstr(j, sg_lint_json_get(j, item, "tool_use_id"), &st->a);
	if (!id)
		return;
	int err = sg_lint_json_true(j, sg_lint_json_get(j, item, "is_error"));
	sg_lint_result_text(j, sg_lint_json_get(j, item, "content"), &st->b, 300);
	const char *text = sg_buf_cstr(&st->b);	/* "" when nothing was read */
	sg_lint_ran ran = SG_RUN_RAN;
	if (err) /* the result does not repeat the tool: the table knows it */
		ran = classify(text, st->b.len, sg_lint_call_kind(L, id) == SG_REQ_SHELL);
	sg_lint_set_result(L, id, ran, text, st->b.len);
}

static void hook_answer(sg_lint *L, sg_lint_state *st, const sg_json *j, int att, const char *id)
{
	const char *out = sg_lint_json_cstr(j, sg_lint_json_get(j, att, "stdout"), &st->b);
	if (!out || !*out || sg_lint_json_parse(&st->sub, out, st->b.len) < 0 || st->sub.t[0].type != SG_J_OBJ) {
		sg_lint_set_hook(L, id, "hook: no decision", 0);
		return;
	}
	const sg_json *h = &st->sub;
	int hso = sg_lint_json_get(h, 0, "hookSpecificOutput");
	const char *dec = sg_lint_json_cstr(h, sg_lint_json_get(h, hso, "permissionDecision"), &st->c);
	int legacy = sg_lint_json_is(h, sg_lint_json_get(h, 0, "decision"), "block");
	int cmd = sg_lint_json_path(h, hso, "updatedInput.command");
	if (cmd >= 0 && sg_lint_json_cstr(h, cmd, &st->d))
		sg_lint_set_rewrite(L, id, st->d.data, st->d.len);
	if (legacy || (dec && !strcmp(dec, "deny")))
		sg_lint_set_hook(L, id, "hook: deny", 1);
	else if (dec && *dec) {
		sg_buf_reset(&st->d);
		sg_buf_printf(&st->d, "hook: %.20s", dec);
		sg_lint_set_hook(L, id, st->d.data, 0);
	}
}

static void attachment(sg_lint *L, sg_lint_state *st, const sg_json *j, int att)
{
	if (!sg_lint_json_is(j, sg_lint_json_get(j, att, "hookEvent"), "PreToolUse"))
		return;
	const char *id = sg_lint_json_cstr(j, sg_lint_json_get(j, att, "toolUseID"), &st->a);
	if (!id)
		return;
	char idcopy[256];
	snprintf(idcopy, sizeof idcopy, "%s", id);
	int type = sg_lint_json_get(j, att, "type");
	if (sg_lint_json_is(j, type, "hook_success"))
		hook_answer(L, st, j, att, idcopy);
	else if (sg_lint_json_is(j, type, "hook_blocking_error"))
		sg_lint_set_hook(L, idcopy, "hook: blocked (exit 2)", 1);
	else if (sg_lint_json_is(j, type, "hook_non_blocking_error"))
		sg_lint_set_hook(L, idcopy, "hook failed (fail-open)", 0);
	else if (sg_lint_json_is(j, type, "hook_cancelled"))
		sg_lint_set_hook(L, idcopy, "hook timed out (fail-open)", 0);
}

static void each_content(sg_lint *L, sg_lint_state *st, const sg_json *j, int msg, const char *want,
			 void (*fn)(sg_lint *, sg_lint_state *, const sg_json *, int))
{
	int content = sg_lint_json_get(j, msg, "content");
	if (content < 0 || j->t[content].type != SG_J_ARR)
		return;
	for (int k = sg_lint_json_first(j, content); k >= 0; k = sg_lint_json_next(j, content, k))
		if (sg_lint_json_is(j, sg_lint_json_get(j, k, "type"), want))
			fn(L, st, j, k);
}

static void claude_record(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj)
{
	enum { TYPE, SESSION, CWD, VERSION, TS, MESSAGE, ATTACHMENT, NKEYS };
	static const char *const keys[NKEYS] = { "type", "sessionId", "cwd", "version", "timestamp", "message",
						 "attachment" };
	int v[NKEYS];
	sg_lint_json_getv(j, obj, keys, NKEYS, v);
	int type = v[TYPE];
	sg_lint_take_tok(j, v[SESSION], &st->session);
	sg_lint_take_tok(j, v[CWD], &st->cwd);
	sg_lint_take_tok(j, v[VERSION], &st->version);
	sg_buf_reset(&st->ts);
	sg_lint_take_tok(j, v[TS], &st->ts);
	if (sg_lint_json_is(j, type, "assistant"))
		each_content(L, st, j, v[MESSAGE], "tool_use", tool_use);
	else if (sg_lint_json_is(j, type, "user"))
		each_content(L, st, j, v[MESSAGE], "tool_result", tool_result);
	else if (sg_lint_json_is(j, type, "attachment"))
		attachment(L, st, j, v[ATTACHMENT]);
	else {
		const char *t = sg_lint_json_cstr(j, type, &st->a);
		for (int i = 0; t && quiet_types[i]; i++)
			if (!strcmp(t, quiet_types[i]))
				return;
		sg_lint_unknown_type(L, st, "record type", t ? t : "(none)");
	}
}

const sg_lint_reader sg_lint_claude_reader = { SG_LC_CLAUDE, claude_detect, NULL, claude_record, NULL };
