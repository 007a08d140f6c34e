/*
 * lint_cursor.c - Cursor agent transcripts
 * ~/.cursor/projects/<slug>/agent-transcripts/<id>/<id>.jsonl
 * (PROTOCOLS.md 3.6; from the @cursor/sdk 1.0.18 runtime's code, no
 * transcript from a running Cursor was available).
 *
 * Lines {role, message: {content: [{type: text|tool_use, name, input}]}}
 * and {type: turn_ended, status}. Tool results are not written, so every
 * call's outcome is "not-logged". The workspace is the slug (path with every
 * non-alphanumeric run turned into '-'); it is used as the cwd when reading
 * it back as a path names an existing directory, or the call names a cwd.
 */
#include <string.h>
#include <sys/stat.h>

#include "lint.h"

static int cursor_detect(const sg_json *j)
{
	int role = sg_lint_json_get(j, 0, "role");
	if (sg_lint_json_get(j, 0, "message") >= 0 && sg_lint_json_get(j, 0, "type") < 0 &&
	    (sg_lint_json_is(j, role, "assistant") || sg_lint_json_is(j, role, "user")))
		return 1;
	return sg_lint_json_is(j, sg_lint_json_get(j, 0, "type"), "turn_ended");
}

static void begin(sg_lint *L, sg_lint_state *st)
{
	(void)L;
	const char *slash = strrchr(st->path, '/'), *dot = strrchr(st->path, '.');
	slash = slash ? slash + 1 : st->path;
	if (dot > slash) {	/* <conversationId>.jsonl */
		sg_buf_reset(&st->session);
		sg_buf_add(&st->session, slash, (size_t)(dot - slash));
		sg_buf_cstr(&st->session);
	}
	const char *p = strstr(st->path, "/.cursor/projects/");
	const char *e = p ? strstr(p + 18, "/agent-transcripts/") : NULL;
	if (!e)
		return;
	sg_buf d;
	sg_buf_init(&d);
	sg_buf_addc(&d, '/');
	for (const char *s = p + 18; s < e; s++)
		sg_buf_addc(&d, *s == '-' ? '/' : *s);
	struct stat sb;
	if (stat(d.data, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		sg_buf_reset(&st->cwd);
		sg_buf_add(&st->cwd, d.data, d.len);
	}
	sg_buf_free(&d);
}

static void tool_use(sg_lint *L, sg_lint_state *st, const sg_json *j, int item)
{
	static const char *const paths[] = { "file_path", "path", "target_file", "target_directory", NULL };
	char tool[64];
	if (!sg_lint_json_cstr(j, sg_lint_json_get(j, item, "name"), &st->c))
		return;
	snprintf(tool, sizeof tool, "%s", st->c.data);
	int in = sg_lint_json_get(j, item, "input");
	sg_req_kind kind;
	if (!strcmp(tool, "Shell") || !strcmp(tool, "run_terminal_cmd"))
		kind = SG_REQ_SHELL;
	else if (!strcmp(tool, "Read") || !strcmp(tool, "read_file"))
		kind = SG_REQ_READ;
	else if (!strcmp(tool, "Write") || !strcmp(tool, "Delete") || !strcmp(tool, "edit_file") ||
		 !strcmp(tool, "delete_file"))
		kind = SG_REQ_WRITE;
	else if (!strcmp(tool, "Grep") || !strcmp(tool, "List") || !strcmp(tool, "list_dir"))
		kind = SG_REQ_SEARCH;
	else
		return;
	const char *text = NULL;
	if (kind == SG_REQ_SHELL)
		text = sg_lint_json_cstr(j, sg_lint_json_get(j, in, "command"), &st->b);
	for (int i = 0; !text && kind != SG_REQ_SHELL && paths[i]; i++)
		text = sg_lint_json_cstr(j, sg_lint_json_get(j, in, paths[i]), &st->b);
	if (!text) {
		sg_lint_warn(L, st, st->line, "%s call without a command or path; not judged", tool);
		return;
	}
	const char *cwd = sg_lint_json_cstr(j, sg_lint_json_get(j, in, "cwd"), &st->d);
	sg_lint_call c = { kind, tool, text, st->b.len, NULL, NULL, 0, SG_RUN_NOT_LOGGED, cwd };
	sg_lint_add_call(L, st, &c);
}

static void cursor_record(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj)
{
	if (!sg_lint_json_is(j, sg_lint_json_get(j, obj, "role"), "assistant"))
		return;
	int content = sg_lint_json_path(j, obj, "message.content");
	for (int k = sg_lint_json_first(j, content); k >= 0; k = sg_lint_json_next(j, content, k))
		if (sg_lint_json_is(j, sg_lint_json_get(j, k, "type"), "tool_use"))
			tool_use(L, st, j, k);
}

const sg_lint_reader sg_lint_cursor_reader = { SG_LC_CURSOR, cursor_detect, begin, cursor_record, NULL };
