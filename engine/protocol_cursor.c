/*
 * protocol_cursor.c - Cursor hooks (PROTOCOLS.md section 3): hooks.json
 * entries, and the Claude Code hooks Cursor also runs with Cursor-shaped
 * input.
 *
 * Events judged: beforeShellExecution {command, cwd}; preToolUse
 * {tool_name, tool_input} for Shell and the file tools; beforeReadFile
 * {file_path} (allow/deny only). Answer: {"permission": allow|ask|deny,
 * "user_message", "agent_message"} on stdout, exit 0. Cursor treats invalid
 * output on these events as a deny, and with failClosed every other
 * failure too.
 */
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

static const char *file_of(const cJSON *ti)
{
	static const char *const keys[] = { "file_path", "path", "target_file", "filePath", NULL };
	for (int i = 0; keys[i]; i++)
		if (sg_json_str(ti, keys[i]))
			return sg_json_str(ti, keys[i]);
	return NULL;
}

static void cursor_parse(const cJSON *root, sg_hook_req *r, sg_arena *A)
{
	(void)A;
	const char *ev = sg_json_str(root, "hook_event_name");
	r->event_name = ev ? ev : "";
	r->cwd = sg_json_str(root, "cwd");
	r->session = sg_json_str(root, "conversation_id") ? sg_json_str(root, "conversation_id")
							  : sg_json_str(root, "session_id");
	const cJSON *roots = cJSON_GetObjectItemCaseSensitive(root, "workspace_roots");
	if (cJSON_IsArray(roots) && cJSON_IsString(cJSON_GetArrayItem(roots, 0)))
		r->project = cJSON_GetArrayItem(roots, 0)->valuestring;
	else if (getenv("CURSOR_PROJECT_DIR"))
		r->project = getenv("CURSOR_PROJECT_DIR");
	if (!r->cwd)
		r->cwd = r->project;
	if (!ev) {
		r->event = SG_EV_PRE_TOOL;
		r->judged = 1;
		r->error = "request without hook_event_name";
		return;
	}
	if (!strcmp(ev, "beforeShellExecution")) {
		r->event = SG_EV_SHELL;
		r->tool = "Shell";
		sg_hook_add(r, SG_REQ_SHELL, sg_json_str(root, "command"), "beforeShellExecution without a command");
		return;
	}
	if (!strcmp(ev, "beforeReadFile")) {
		r->event = SG_EV_READ_FILE;
		r->tool = "Read";
		sg_hook_add(r, SG_REQ_READ, sg_json_str(root, "file_path"), "beforeReadFile without file_path");
		return;
	}
	if (strcmp(ev, "preToolUse")) {
		r->event = SG_EV_OTHER;
		return;
	}
	r->event = SG_EV_PRE_TOOL;
	const char *tool = sg_json_str(root, "tool_name");
	r->tool = tool ? tool : "";
	if (!tool) {
		r->judged = 1;
		r->error = "preToolUse without tool_name";
		return;
	}
	const cJSON *ti = r->tool_input = sg_json_obj(root, "tool_input");
	if (!strcmp(tool, "Shell") || !strcmp(tool, "Bash")) {
		sg_hook_add(r, SG_REQ_SHELL, sg_json_str(ti, "command"), "Shell without tool_input.command");
		if (sg_json_str(ti, "cwd"))
			r->cwd = sg_json_str(ti, "cwd");
	} else if (!strcmp(tool, "Read")) {
		sg_hook_add(r, SG_REQ_READ, file_of(ti), "Read without a path");
	} else if (!strcmp(tool, "Write") || !strcmp(tool, "Edit") || !strcmp(tool, "Delete")) {
		sg_hook_add(r, SG_REQ_WRITE, file_of(ti), "file edit without a path");
	} else if (!strcmp(tool, "Grep") || !strcmp(tool, "List") || !strcmp(tool, "Glob")) {
		const char *p = file_of(ti);
		sg_hook_add(r, SG_REQ_SEARCH, p ? p : r->cwd ? r->cwd : ".", "search without a path");
	}
	if (r->judged && !ti)
		r->error = "tool_input is not an object";
}

static void cursor_answer(const sg_hook_req *r, sg_outcome o, const char *reason, sg_hook_answer *a)
{
	a->status = 0;
	if (r->event == SG_EV_UNKNOWN) {
		sg_protocol_portable_block(reason, a);
		return;
	}
	if (o == SG_OUT_NONE) {
		sg_buf_adds(&a->out, "{}\n");
		return;
	}
	if (o == SG_OUT_FAIL || (o == SG_OUT_ASK && r->event == SG_EV_READ_FILE))
		o = SG_OUT_DENY;	/* beforeReadFile knows allow and deny only */
	const char *d = o == SG_OUT_ALLOW ? "allow" : o == SG_OUT_ASK ? "ask" : "deny";
	sg_buf_printf(&a->out, "{\"permission\":\"%s\"", d);
	if (o != SG_OUT_ALLOW) {
		if (!reason || !*reason)
			reason = "shellgate: denied";
		size_t n = strlen(reason);
		sg_buf_adds(&a->out, ",\"user_message\":");
		sg_buf_json_str(&a->out, reason, n);
		sg_buf_adds(&a->out, ",\"agent_message\":");
		sg_buf_json_str(&a->out, reason, n);
	}
	sg_buf_adds(&a->out, "}\n");
}

const sg_adapter sg_adapter_cursor = { SG_CLIENT_CURSOR, "cursor", cursor_parse, cursor_answer };
