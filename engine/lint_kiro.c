/*
 * lint_kiro.c - Kiro CLI 2.x sessions ~/.kiro/sessions/cli/<uuid>.jsonl
 * (PROTOCOLS.md 2.4; the format comes from third-party parsers, no Kiro
 * binary could be run).
 *
 * Lines {version, kind, data}: AssistantMessage content items of kind
 * toolUse {toolUseId, name, input} (shell/execute_bash/execute_cmd ->
 * command; fs_write/write -> path; fs_read/read -> operations[].path);
 * ToolResults content items of kind toolResult {toolUseId, status, content}.
 * The JSONL has no cwd or session id: they come from the <uuid>.json
 * metadata file beside it.
 */
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static int kiro_detect(const sg_json *j)
{
	return sg_lint_json_get(j, 0, "kind") >= 0 && sg_lint_json_get(j, 0, "data") >= 0 &&
	       sg_lint_json_get(j, 0, "version") >= 0;
}

static void begin(sg_lint *L, sg_lint_state *st)
{
	(void)L;
	size_t n = strlen(st->path);
	const char *ext = n > 6 && !strcmp(st->path + n - 6, ".jsonl") ? st->path + n - 6 : NULL;
	if (!ext)
		return;
	sg_buf f;
	sg_buf_init(&f);
	sg_buf_printf(&f, "%.*s.json", (int)(ext - st->path), st->path);
	const char *slash = strrchr(st->path, '/');
	sg_buf_reset(&st->session);
	sg_buf_add(&st->session, slash ? slash + 1 : st->path, (size_t)(ext - (slash ? slash + 1 : st->path)));
	sg_buf_cstr(&st->session);
	char *text = NULL;
	sg_json j;
	sg_lint_json_init(&j);
	if (sg_read_file(f.data, 1u << 20, &text, &n) == 0 && sg_lint_json_parse(&j, text, n) == 0) {
		sg_lint_take(&j, 0, "session_id", &st->session);
		sg_lint_take(&j, 0, "cwd", &st->cwd);
	}
	sg_lint_json_free(&j);
	free(text);
	sg_buf_free(&f);
}

static void add(sg_lint *L, sg_lint_state *st, sg_req_kind kind, const char *tool, const char *id)
{
	sg_lint_call c = { kind, tool, st->b.data, st->b.len, id, NULL, 0, SG_RUN_UNKNOWN, NULL };
	sg_lint_add_call(L, st, &c);
}

static void tool_use(sg_lint *L, sg_lint_state *st, const sg_json *j, int d)
{
	char tool[64];
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, d, "name"), &st->c))
		return;
	snprintf(tool, sizeof tool, "%s", st->c.data);
	const char *id = sg_lint_json_cstr(j, sg_lint_json_get(j, d, "toolUseId"), &st->a);
	int in = sg_lint_json_get(j, d, "input");
	if (!strcmp(tool, "shell") || !strcmp(tool, "execute_bash") || !strcmp(tool, "execute_cmd")) {
		if (sg_lint_json_cstr(j, sg_lint_json_get(j, in, "command"), &st->b))
			add(L, st, SG_REQ_SHELL, tool, id);
		else
			sg_lint_warn(L, st, st->line, "%s call without a command; not judged", tool);
	} else if (!strcmp(tool, "fs_write") || !strcmp(tool, "write")) {
		if (sg_lint_json_cstr(j, sg_lint_json_get(j, in, "path"), &st->b))
			add(L, st, SG_REQ_WRITE, tool, id);
	} else if (!strcmp(tool, "fs_read") || !strcmp(tool, "read")) {
		int ops = sg_lint_json_get(j, in, "operations"), first = 1;
		for (int k = sg_lint_json_first(j, ops); k >= 0; k = sg_lint_json_next(j, ops, k)) {
			int dir = sg_lint_json_is(j, sg_lint_json_get(j, k, "mode"), "Directory") ||
				  sg_lint_json_is(j, sg_lint_json_get(j, k, "mode"), "Search");
			if (sg_lint_json_cstr(j, sg_lint_json_get(j, k, "path"), &st->b))
				add(L, st, dir ? SG_REQ_SEARCH : SG_REQ_READ, tool, first ? id : NULL);
			first = 0;	/* one result for all operations: paired with the first */
		}
		if (first && sg_lint_json_cstr(j, sg_lint_json_get(j, in, "path"), &st->b))
			add(L, st, SG_REQ_READ, tool, id);
	}
}

static void tool_result(sg_lint *L, sg_lint_state *st, const sg_json *j, int d)
{
	char id[256];
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, d, "toolUseId"), &st->a))
		return;
	snprintf(id, sizeof id, "%s", st->a.data);
	int status = sg_lint_json_get(j, d, "status"), content = sg_lint_json_get(j, d, "content");
	sg_buf_reset(&st->b);
	for (int k = sg_lint_json_first(j, content); k >= 0 && st->b.len < 300; k = sg_lint_json_next(j, content, k)) {
		int data = sg_lint_json_get(j, k, "data");
		if (data >= 0 && j->t[data].type == SG_J_OBJ) {	/* {"exit_status":"exit status: 0","stdout","stderr"} */
			sg_lint_json_str(j, sg_lint_json_get(j, data, "exit_status"), &st->b);
			sg_buf_addc(&st->b, ' ');
			sg_lint_json_str(j, sg_lint_json_get(j, data, "stdout"), &st->b);
		} else {
			sg_lint_json_str(j, data, &st->b);
		}
	}
	const char *s = sg_buf_cstr(&st->b);
	sg_lint_ran ran;
	if (sg_lint_json_is(j, status, "success"))
		ran = strstr(s, "exit status: ") && !strstr(s, "exit status: 0") ? SG_RUN_FAILED : SG_RUN_RAN;
	else if (strstr(s, "PreToolHook blocked") || strstr(s, "denied") || strstr(s, "rejected") ||
		 sg_lint_json_is(j, status, "cancelled"))
		ran = SG_RUN_DENIED;
	else
		ran = strstr(s, "exit status: ") ? SG_RUN_FAILED : SG_RUN_ERROR;
	sg_lint_set_result(L, id, ran, s, st->b.len);
}

static void each(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj, const char *kind,
		 void (*fn)(sg_lint *, sg_lint_state *, const sg_json *, int))
{
	int content = sg_lint_json_path(j, obj, "data.content");
	for (int k = sg_lint_json_first(j, content); k >= 0; k = sg_lint_json_next(j, content, k))
		if (sg_lint_json_is(j, sg_lint_json_get(j, k, "kind"), kind))
			fn(L, st, j, sg_lint_json_get(j, k, "data"));
}

static void kiro_record(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj)
{
	static const char *const quiet[] = { "Prompt", "Summary", "Compaction", "Clear", "Metadata", NULL };
	int kind = sg_lint_json_get(j, obj, "kind");
	if (sg_lint_json_is(j, kind, "AssistantMessage"))
		each(L, st, j, obj, "toolUse", tool_use);
	else if (sg_lint_json_is(j, kind, "ToolResults"))
		each(L, st, j, obj, "toolResult", tool_result);
	else {
		const char *k = sg_lint_json_cstr(j, kind, &st->a);
		for (int i = 0; k && quiet[i]; i++)
			if (!strcmp(k, quiet[i]))
				return;
		sg_lint_unknown_type(L, st, "record kind", k ? k : "(none)");
	}
}

const sg_lint_reader sg_lint_kiro_reader = { SG_LC_KIRO, kiro_detect, begin, kiro_record, NULL };
