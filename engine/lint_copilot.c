/*
 * lint_copilot.c - GitHub Copilot CLI session logs
 * ~/.copilot/session-state/<session-id>/events.jsonl (older:
 * session-state/<id>.jsonl) (PROTOCOLS.md 6; the format comes from
 * third-party parsers, the client could not be run).
 *
 * Lines {type, id, parentId, timestamp, data}: tool.execution_start
 * {toolCallId, toolName, arguments} (bash/powershell -> command; view ->
 * path; create/edit -> path; glob/grep -> path) and tool.execution_complete
 * {toolCallId, success, result.content | error}.
 */
#include <string.h>

#include "lint.h"

static int copilot_detect(const sg_json *j)
{
	int t = sg_lint_json_get(j, 0, "type");
	if (t < 0 || j->t[t].type != SG_J_STR || sg_lint_json_get(j, 0, "data") < 0)
		return 0;
	return memchr(j->s + j->t[t].start, '.', j->t[t].end - j->t[t].start) != NULL;
}

static void start(sg_lint *L, sg_lint_state *st, const sg_json *j, int data)
{
	char tool[64];
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, data, "toolName"), &st->c))
		return;
	snprintf(tool, sizeof tool, "%s", st->c.data);
	int args = sg_lint_json_get(j, data, "arguments");
	if (args >= 0 && j->t[args].type == SG_J_STR) {	/* arguments as a JSON string */
		sg_lint_json_cstr(j, args, &st->d);
		if (sg_lint_json_parse(&st->sub, st->d.data, st->d.len) < 0)
			return;
		j = &st->sub;
		args = 0;
	}
	sg_req_kind kind;
	const char *field = "path";
	if (!strcmp(tool, "bash") || !strcmp(tool, "shell"))
		kind = SG_REQ_SHELL, field = "command";
	else if (!strcmp(tool, "view"))
		kind = SG_REQ_READ;
	else if (!strcmp(tool, "create") || !strcmp(tool, "edit") || !strcmp(tool, "str_replace_editor"))
		kind = SG_REQ_WRITE;
	else if (!strcmp(tool, "glob") || !strcmp(tool, "grep"))
		kind = SG_REQ_SEARCH;
	else
		return;
	const char *text = sg_lint_json_cstr(j, sg_lint_json_get(j, args, field), &st->b);
	if (!text && kind == SG_REQ_SEARCH && st->cwd.len) {
		sg_buf_reset(&st->b);
		sg_buf_add(&st->b, st->cwd.data, st->cwd.len);
		text = st->b.data;
	}
	if (!text) {
		sg_lint_warn(L, st, st->line, "%s call without its '%s' argument; not judged", tool, field);
		return;
	}
	sg_lint_call c = { kind, tool, text, st->b.len, st->a.len ? st->a.data : NULL, st->ts.len ? st->ts.data : NULL,
			   0, SG_RUN_UNKNOWN, NULL };
	sg_lint_add_call(L, st, &c);
}

static void complete(sg_lint *L, sg_lint_state *st, const sg_json *j, int data)
{
	int ok = sg_lint_json_true(j, sg_lint_json_get(j, data, "success"));
	int res = sg_lint_json_path(j, data, "result.content");
	if (res < 0)
		res = sg_lint_json_get(j, data, "error");
	if (res >= 0 && j->t[res].type == SG_J_OBJ)
		res = sg_lint_json_get(j, res, "message");
	sg_lint_result_text(j, res, &st->b, 300);
	const char *s = st->b.data;
	sg_lint_ran ran = ok ? SG_RUN_RAN : sg_lint_classify_error(s, st->b.len);
	sg_lint_set_result(L, st->a.data, ran, s, st->b.len);
}

static void copilot_record(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj)
{
	static const char *const quiet[] = { "session.start", "session.resume", "session.end", "session.shutdown",
					     "session.info", "session.error", "session.model_change", "user.message",
					     "assistant.message", "assistant.turn_start", "assistant.turn_end",
					     "assistant.message_delta", "assistant.reasoning", "permission.requested",
					     "permission.completed", "hook.start", "hook.end", "subagent.started",
					     "subagent.completed", "session.truncation", "session.compaction_start",
					     "session.compaction_complete", "tool.user_requested", NULL };
	int type = sg_lint_json_get(j, obj, "type"), data = sg_lint_json_get(j, obj, "data");
	sg_buf_reset(&st->ts);
	sg_lint_take(j, obj, "timestamp", &st->ts);
	if (sg_lint_json_is(j, type, "session.start")) {
		sg_lint_take(j, data, "sessionId", &st->session);
		sg_lint_take(j, data, "cwd", &st->cwd);
		sg_lint_take(j, sg_lint_json_get(j, data, "context"), "cwd", &st->cwd);
		return;
	}
	int is_start = sg_lint_json_is(j, type, "tool.execution_start");
	if (is_start || sg_lint_json_is(j, type, "tool.execution_complete")) {
		if (!sg_lint_json_cstr(j, sg_lint_json_get(j, data, "toolCallId"), &st->a))
			sg_buf_reset(&st->a);
		if (is_start)
			start(L, st, j, data);
		else if (st->a.len)
			complete(L, st, j, data);
		return;
	}
	const char *t = sg_lint_json_cstr(j, type, &st->c);
	for (int i = 0; t && quiet[i]; i++)
		if (!strcmp(t, quiet[i]))
			return;
	sg_lint_unknown_type(L, st, "event type", t ? t : "(none)");
}

const sg_lint_reader sg_lint_copilot_reader = { SG_LC_COPILOT, copilot_detect, NULL, copilot_record, NULL };
