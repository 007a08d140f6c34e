/*
 * lint_codex.c - OpenAI Codex CLI rollouts
 * ($CODEX_HOME|~/.codex)/sessions/YYYY/MM/DD/rollout-*.jsonl
 * (PROTOCOLS.md 5.7; records observed with Codex CLI 0.169.0).
 *
 * Lines are {timestamp, ordinal?, type, payload}. Calls: response_item
 * payloads of type function_call (exec_command {cmd, workdir}, shell_command
 * {command}, older shell {command: argv}; `arguments` is a JSON string) and
 * local_shell_call {action: {command: argv, working_directory}}. Outcomes:
 * function_call_output by call_id ("Process exited with code N", "Command
 * blocked by PreToolUse hook: ...", older {"output","metadata":{exit_code}}).
 * The event_msg item_completed CommandExecution holds the argv that really
 * ran: when it differs from the model's call, a hook rewrote it.
 */
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static const char *const types[] = { "session_meta", "response_item", "turn_context", "event_msg", "compacted",
				     "world_state", "token_usage_record", NULL };

static int codex_detect(const sg_json *j)
{
	int t = sg_lint_json_get(j, 0, "type");
	if (sg_lint_json_get(j, 0, "payload") < 0)
		return 0;
	for (int i = 0; types[i]; i++)
		if (sg_lint_json_is(j, t, types[i]))
			return 1;
	return 0;
}

/* The command of a function call's decoded arguments (in st->sub), into
 * st->b; workdir into st->d. 0 when this is not a shell call. */
static int call_command(sg_lint_state *st, const char *name)
{
	const sg_json *a = &st->sub;
	sg_buf_reset(&st->b);
	sg_buf_reset(&st->d);
	if (strcmp(name, "exec_command") && strcmp(name, "shell") && strcmp(name, "shell_command") &&
	    strcmp(name, "local_shell") && strcmp(name, "container.exec"))
		return 0;
	int cmd = sg_lint_json_get(a, 0, "cmd");
	if (cmd < 0)
		cmd = sg_lint_json_get(a, 0, "command");
	if (cmd >= 0 && a->t[cmd].type == SG_J_ARR)
		sg_lint_argv_command(a, cmd, &st->b);
	else if (sg_lint_json_str(a, cmd, &st->b) < 0)
		return -1;
	int wd = sg_lint_json_get(a, 0, "workdir");
	if (sg_lint_json_str(a, wd, &st->d) < 0)
		sg_buf_reset(&st->d);
	sg_buf_cstr(&st->b);
	sg_buf_cstr(&st->d);
	return 1;
}

static void add_shell(sg_lint *L, sg_lint_state *st, const char *name, const char *id)
{
	const char *wd = st->d.len ? st->d.data : NULL;
	sg_buf abs;
	sg_buf_init(&abs);
	if (wd && wd[0] != '/' && st->cwd.len) {	/* relative workdir: under the session cwd */
		sg_buf_printf(&abs, "%s/%s", st->cwd.data, wd);
		wd = abs.data;
	}
	sg_lint_call c = { SG_REQ_SHELL, name, st->b.data, st->b.len, id, st->ts.len ? st->ts.data : NULL, 0,
			   SG_RUN_UNKNOWN, wd };
	sg_lint_add_call(L, st, &c);
	sg_buf_free(&abs);
}

static void function_call(sg_lint *L, sg_lint_state *st, const sg_json *j, int p)
{
	char name[64], id[256];
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, p, "name"), &st->a))
		return;
	snprintf(name, sizeof name, "%s", st->a.data);
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, p, "call_id"), &st->a))
		sg_buf_reset(&st->a), sg_buf_cstr(&st->a);
	snprintf(id, sizeof id, "%s", st->a.data);
	const char *args = sg_lint_json_cstr(j, sg_lint_json_get(j, p, "arguments"), &st->c);
	if (!args)
		return;
	if (sg_lint_json_parse(&st->sub, args, st->c.len) < 0 || st->sub.t[0].type != SG_J_OBJ) {
		if (call_command(st, name) != 0 || !strcmp(name, "exec_command"))
			sg_lint_warn(L, st, st->line, "%s call with unreadable arguments (%s); not judged", name,
				     st->sub.err ? st->sub.err : "not an object");
		return;
	}
	int r = call_command(st, name);
	if (r < 0)
		sg_lint_warn(L, st, st->line, "%s call without a command; not judged", name);
	else if (r > 0)
		add_shell(L, st, name, *id ? id : NULL);
}

static void local_shell_call(sg_lint *L, sg_lint_state *st, const sg_json *j, int p)
{
	char id[256];
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, p, "call_id"), &st->a))
		sg_buf_reset(&st->a), sg_buf_cstr(&st->a);
	snprintf(id, sizeof id, "%s", st->a.data);
	int act = sg_lint_json_get(j, p, "action");
	sg_lint_argv_command(j, sg_lint_json_get(j, act, "command"), &st->b);
	if (!st->b.len) {
		sg_lint_warn(L, st, st->line, "local_shell_call without a command; not judged");
		return;
	}
	sg_buf_reset(&st->d);
	if (sg_lint_json_str(j, sg_lint_json_get(j, act, "working_directory"), &st->d) < 0)
		sg_buf_reset(&st->d);
	sg_buf_cstr(&st->d);
	add_shell(L, st, "local_shell", *id ? id : NULL);
}

static sg_lint_ran classify_output(const char *s, size_t n, int exit_code)
{
	const char *p = memmem(s, n, "Process exited with code ", 25);
	if (exit_code >= 0)
		return exit_code ? SG_RUN_FAILED : SG_RUN_RAN;
	if (p)
		return strtol(p + 25, NULL, 10) ? SG_RUN_FAILED : SG_RUN_RAN;
	if (!strncmp(s, "Command blocked by", 18) || memmem(s, n, "Rejected(", 9) || memmem(s, n, "rejected:", 9) ||
	    memmem(s, n, "rejected by user", 16))
		return SG_RUN_DENIED;
	if (!strncmp(s, "exec_command failed", 19))
		return SG_RUN_ERROR;
	return SG_RUN_RAN;
}

static void call_output(sg_lint *L, sg_lint_state *st, const sg_json *j, int p)
{
	char id[256];
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, p, "call_id"), &st->a))
		return;
	snprintf(id, sizeof id, "%s", st->a.data);
	if (sg_lint_call_kind(L, id) < 0)
		return;
	int exit_code = -1;
	sg_lint_result_text(j, sg_lint_json_get(j, p, "output"), &st->b, 4096);
	/* older rollouts: output is a JSON string {"output":..., "metadata":{"exit_code":N}} */
	if (st->b.len && st->b.data[0] == '{' && sg_lint_json_parse(&st->sub, st->b.data, st->b.len) == 0) {
		int ec = sg_lint_json_path(&st->sub, 0, "metadata.exit_code");
		if (ec >= 0 && st->sub.t[ec].type == SG_J_NUM)
			exit_code = (int)strtol(st->sub.s + st->sub.t[ec].start, NULL, 10);
		sg_lint_result_text(&st->sub, sg_lint_json_get(&st->sub, 0, "output"), &st->c, 300);
		sg_buf_reset(&st->b);
		sg_buf_add(&st->b, st->c.data ? st->c.data : "", st->c.len);
	}
	sg_lint_ran ran = classify_output(st->b.data ? st->b.data : "", st->b.len, exit_code);
	sg_lint_set_result(L, id, ran, st->b.data, st->b.len);
}

/* item_completed CommandExecution: the argv that ran; a rewrite if it differs */
static void executed(sg_lint *L, sg_lint_state *st, const sg_json *j, int p)
{
	int item = sg_lint_json_get(j, p, "item");
	if (!sg_lint_json_is(j, sg_lint_json_get(j, item, "type"), "CommandExecution"))
		return;
	char id[256];
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, item, "id"), &st->a))
		return;
	snprintf(id, sizeof id, "%s", st->a.data);
	const char *orig = sg_lint_call_text(L, id);
	if (!orig)
		return;
	sg_lint_argv_command(j, sg_lint_json_get(j, item, "command"), &st->b);
	if (st->b.len && strcmp(st->b.data, orig))
		sg_lint_set_rewrite(L, id, st->b.data, st->b.len);
}

static void codex_record(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj)
{
	int type = sg_lint_json_get(j, obj, "type"), p = sg_lint_json_get(j, obj, "payload");
	int pt = sg_lint_json_get(j, p, "type");
	sg_buf_reset(&st->ts);
	sg_lint_take(j, obj, "timestamp", &st->ts);
	if (sg_lint_json_is(j, type, "session_meta")) {
		sg_lint_take(j, p, "id", &st->session);
		sg_lint_take(j, p, "session_id", &st->session);
		sg_lint_take(j, p, "cwd", &st->cwd);
		sg_lint_take(j, p, "cli_version", &st->version);
	} else if (sg_lint_json_is(j, type, "turn_context")) {
		sg_lint_take(j, p, "cwd", &st->cwd);
	} else if (sg_lint_json_is(j, type, "response_item")) {
		if (sg_lint_json_is(j, pt, "function_call"))
			function_call(L, st, j, p);
		else if (sg_lint_json_is(j, pt, "local_shell_call"))
			local_shell_call(L, st, j, p);
		else if (sg_lint_json_is(j, pt, "function_call_output") || sg_lint_json_is(j, pt, "local_shell_call_output"))
			call_output(L, st, j, p);
	} else if (sg_lint_json_is(j, type, "event_msg")) {
		if (sg_lint_json_is(j, pt, "item_completed"))
			executed(L, st, j, p);
	} else if (!codex_detect(j) || obj != 0) {
		const char *t = sg_lint_json_cstr(j, type, &st->a);
		sg_lint_unknown_type(L, st, "record type", t ? t : "(none)");
	}
}

const sg_lint_reader sg_lint_codex_reader = { SG_LC_CODEX, codex_detect, NULL, codex_record, NULL };
