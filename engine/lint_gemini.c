/*
 * lint_gemini.c - Gemini CLI chat logs
 * ~/.gemini/tmp/<project-id>/chats/session-*.jsonl, and the older
 * single-document session-*.json (PROTOCOLS.md 4.5; records observed with
 * Gemini CLI 0.61.0).
 *
 * A metadata line {sessionId, projectHash, startTime, ...}, then message
 * records {id, timestamp, type: user|gemini|info|error|warning, ...};
 * `gemini` messages carry toolCalls [{id, name, args, result, status}];
 * {"$set": {...}} lines patch the metadata (and may hold whole messages).
 * A message is written again whenever it changes, so calls are keyed by
 * their id and kept until the end of the file: the last version wins.
 * The log has no cwd: it comes from ~/.gemini/projects.json (project path
 * -> id), or from the "Workspace Directories" the first prompt lists.
 */
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static int gemini_detect(const sg_json *j)
{
	if (sg_lint_json_get(j, 0, "$set") >= 0)
		return 1;
	if (sg_lint_json_get(j, 0, "sessionId") >= 0 &&
	    (sg_lint_json_get(j, 0, "projectHash") >= 0 || sg_lint_json_get(j, 0, "messages") >= 0))
		return 1;
	int t = sg_lint_json_get(j, 0, "type");
	return sg_lint_json_get(j, 0, "id") >= 0 && sg_lint_json_get(j, 0, "uuid") < 0 &&
	       sg_lint_json_get(j, 0, "data") < 0 && sg_lint_json_get(j, 0, "payload") < 0 &&
	       (sg_lint_json_is(j, t, "gemini") || (sg_lint_json_is(j, t, "user") && sg_lint_json_get(j, 0, "sessionId") < 0));
}

/* cwd from <base>/.gemini/projects.json for the project id in the path */
static void begin(sg_lint *L, sg_lint_state *st)
{
	(void)L;
	const char *p = strstr(st->path, "/tmp/");
	const char *ch = p ? strstr(p + 5, "/chats/") : NULL;
	if (!ch)
		return;
	sg_buf f, id;
	sg_buf_init(&f);
	sg_buf_init(&id);
	sg_buf_printf(&f, "%.*s/projects.json", (int)(p - st->path), st->path);
	sg_buf_add(&id, p + 5, (size_t)(ch - (p + 5)));
	char *text = NULL;
	size_t n;
	sg_json j;
	sg_lint_json_init(&j);
	if (sg_read_file(f.data, 1u << 20, &text, &n) == 0 && sg_lint_json_parse(&j, text, n) == 0) {
		int projects = sg_lint_json_get(&j, 0, "projects");
		for (int k = sg_lint_json_first(&j, projects); k >= 0; k = sg_lint_json_next(&j, projects, k))
			if (sg_lint_json_is(&j, k + 1, id.data)) {
				sg_buf_reset(&st->cwd);
				sg_lint_json_str(&j, k, &st->cwd);
				sg_buf_cstr(&st->cwd);
				break;
			}
	}
	sg_lint_json_free(&j);
	free(text);
	sg_buf_free(&f);
	sg_buf_free(&id);
}

/* "- **Workspace Directories:**\n  - /path" in the session context */
static void cwd_from_prompt(sg_lint_state *st, const sg_json *j, int msg)
{
	if (st->cwd.len)
		return;
	sg_lint_result_text(j, sg_lint_json_get(j, msg, "content"), &st->a, 1u << 16);
	const char *w = strstr(st->a.data ? st->a.data : "", "Workspace Directories:");
	const char *d = w ? strstr(w, "\n  - ") : NULL;
	if (!d)
		return;
	d += 5;
	size_t l = strcspn(d, "\n");
	sg_buf_reset(&st->cwd);
	sg_buf_add(&st->cwd, d, l);
	sg_buf_cstr(&st->cwd);
}

static int tool_kind(const char *name, sg_req_kind *kind, const char **field)
{
	static const struct { const char *name; sg_req_kind kind; const char *field; } map[] = {
		{ "run_shell_command", SG_REQ_SHELL, "command" }, { "read_file", SG_REQ_READ, "file_path" },
		{ "write_file", SG_REQ_WRITE, "file_path" },	  { "replace", SG_REQ_WRITE, "file_path" },
		{ "list_directory", SG_REQ_SEARCH, "dir_path" },  { "glob", SG_REQ_SEARCH, "dir_path" },
		{ "grep_search", SG_REQ_SEARCH, "dir_path" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(name, map[i].name)) {
			*kind = map[i].kind;
			*field = map[i].field;
			return 1;
		}
	return 0;
}

static sg_lint_ran outcome(sg_lint_state *st, const sg_json *j, int call)
{
	int status = sg_lint_json_get(j, call, "status");
	if (sg_lint_json_is(j, status, "success"))
		return SG_RUN_RAN;
	if (sg_lint_json_is(j, status, "cancelled"))
		return SG_RUN_DENIED;
	if (!sg_lint_json_is(j, status, "error"))
		return SG_RUN_UNKNOWN;
	sg_lint_result_text(j, sg_lint_json_get(j, call, "resultDisplay"), &st->c, 300);
	if (strstr(st->c.data, "blocked") || strstr(st->c.data, "denied") || strstr(st->c.data, "declined"))
		return SG_RUN_DENIED;
	return SG_RUN_ERROR;
}

static void tool_call(sg_lint *L, sg_lint_state *st, const sg_json *j, int call, const char *ts)
{
	const char *name = sg_lint_json_cstr(j, sg_lint_json_get(j, call, "name"), &st->d);
	sg_req_kind kind;
	const char *field;
	if (!name || !tool_kind(name, &kind, &field))
		return;
	int args = sg_lint_json_get(j, call, "args");
	const char *text = sg_lint_json_cstr(j, sg_lint_json_get(j, args, field), &st->b);
	if (!text && kind != SG_REQ_SHELL)
		text = sg_lint_json_cstr(j, sg_lint_json_get(j, args, "path"), &st->b);
	if (!text && kind == SG_REQ_READ)
		text = sg_lint_json_cstr(j, sg_lint_json_get(j, args, "absolute_path"), &st->b);
	if (!text && kind == SG_REQ_SEARCH) {	/* no directory: the project */
		sg_buf_reset(&st->b);
		sg_buf_adds(&st->b, st->cwd.len ? st->cwd.data : ".");
		text = st->b.data;
	}
	if (!text) {
		sg_lint_warn(L, st, st->line, "%s call without its '%s' argument; not judged", name, field);
		return;
	}
	sg_lint_ran ran = outcome(st, j, call);
	const char *id = sg_lint_json_cstr(j, sg_lint_json_get(j, call, "id"), &st->a);
	sg_buf dir;
	sg_buf_init(&dir);
	if (kind == SG_REQ_SHELL && sg_lint_json_str(j, sg_lint_json_get(j, args, "dir_path"), &dir) == 0 &&
	    dir.data[0] != '/' && st->cwd.len) {
		sg_buf t;
		sg_buf_init(&t);
		sg_buf_printf(&t, "%s/%s", st->cwd.data, dir.data);
		sg_buf_free(&dir);
		dir = t;
	}
	sg_lint_call c = { kind, name, text, st->b.len, id, ts, 1, ran, dir.len ? dir.data : NULL };
	sg_lint_add_call(L, st, &c);
	sg_buf_free(&dir);
}

static void message(sg_lint *L, sg_lint_state *st, const sg_json *j, int msg)
{
	int type = sg_lint_json_get(j, msg, "type");
	if (sg_lint_json_is(j, type, "user")) {
		cwd_from_prompt(st, j, msg);
		return;
	}
	if (!sg_lint_json_is(j, type, "gemini")) {
		const char *t = sg_lint_json_cstr(j, type, &st->a);
		if (t && (!strcmp(t, "info") || !strcmp(t, "error") || !strcmp(t, "warning")))
			return;
		sg_lint_unknown_type(L, st, "message type", t ? t : "(none)");
		return;
	}
	char ts[64] = "";
	if (sg_lint_json_cstr(j, sg_lint_json_get(j, msg, "timestamp"), &st->a))
		snprintf(ts, sizeof ts, "%s", st->a.data);
	int calls = sg_lint_json_get(j, msg, "toolCalls");
	for (int k = sg_lint_json_first(j, calls); k >= 0; k = sg_lint_json_next(j, calls, k))
		tool_call(L, st, j, k, *ts ? ts : NULL);
}

static void messages(sg_lint *L, sg_lint_state *st, const sg_json *j, int arr, int doc)
{
	for (int k = sg_lint_json_first(j, arr); k >= 0; k = sg_lint_json_next(j, arr, k)) {
		if (doc)
			sg_lint_doc_line(st, j, k);
		message(L, st, j, k);
	}
}

static void gemini_record(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj)
{
	int set = sg_lint_json_get(j, obj, "$set");
	sg_lint_take(j, obj, "sessionId", &st->session);
	if (set >= 0) {
		messages(L, st, j, sg_lint_json_get(j, set, "messages"), 0);
		return;
	}
	int msgs = sg_lint_json_get(j, obj, "messages");
	if (msgs >= 0) {	/* older single-document session-*.json */
		messages(L, st, j, msgs, 1);
		return;
	}
	if (sg_lint_json_get(j, obj, "projectHash") >= 0 || sg_lint_json_get(j, obj, "startTime") >= 0)
		return;	/* metadata */
	message(L, st, j, obj);
}

const sg_lint_reader sg_lint_gemini_reader = { SG_LC_GEMINI, gemini_detect, begin, gemini_record, NULL };
