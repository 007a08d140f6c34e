/*
 * protocol_gemini.c - Gemini CLI hooks (PROTOCOLS.md section 4).
 *
 * BeforeTool input: {"hook_event_name":"BeforeTool","tool_name",
 * "tool_input",...}. Answer: top-level {"decision":"deny"|"ask"|"allow",
 * "reason"} on stdout, exit 0 (Gemini uses stdout JSON whatever the exit
 * status). "allow" cannot approve in Gemini: its policy engine still
 * decides; "ask" forces the confirmation dialog; "deny" blocks and the model
 * reads "Tool execution blocked: <reason>".
 */
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

static const char *joined(sg_arena *A, const char *dir, const char *p)
{
	if (!p)
		return NULL;
	if (!dir || !*dir || p[0] == '/' || p[0] == '~')
		return p;
	return sg_arena_printf(A, "%s/%s", dir, p);
}

static void gemini_parse(const cJSON *root, sg_hook_req *r, sg_arena *A)
{
	const char *ev = sg_json_str(root, "hook_event_name");
	const char *tool = sg_json_str(root, "tool_name");
	r->event_name = ev ? ev : "";
	r->tool = tool ? tool : "";
	r->cwd = sg_json_str(root, "cwd");
	r->session = sg_json_str(root, "session_id");
	r->project = getenv("GEMINI_PROJECT_DIR");
	if (!ev || !tool) {
		r->judged = 1;
		r->error = !ev ? "request without hook_event_name" : "request without tool_name";
		r->event = ev && strcmp(ev, "BeforeTool") ? SG_EV_OTHER : SG_EV_PRE_TOOL;
		if (r->event == SG_EV_OTHER)
			r->judged = 0, r->error = NULL;
		return;
	}
	if (strcmp(ev, "BeforeTool")) {
		r->event = SG_EV_OTHER;
		return;
	}
	r->event = SG_EV_PRE_TOOL;
	const cJSON *ti = r->tool_input = sg_json_obj(root, "tool_input");
	const char *dir = sg_json_str(ti, "dir_path");
	if (!strcmp(tool, "run_shell_command")) {
		sg_hook_add(r, SG_REQ_SHELL, sg_json_str(ti, "command"), "run_shell_command without a command");
		if (dir && *dir)
			r->cwd = joined(A, r->cwd, dir);	/* the command runs there */
	} else if (!strcmp(tool, "read_file")) {
		sg_hook_add(r, SG_REQ_READ, sg_json_str(ti, "file_path") ? sg_json_str(ti, "file_path")
									: sg_json_str(ti, "absolute_path"),
			    "read_file without file_path");
	} else if (!strcmp(tool, "write_file") || !strcmp(tool, "replace")) {
		sg_hook_add(r, SG_REQ_WRITE, sg_json_str(ti, "file_path"), "file edit without file_path");
	} else if (!strcmp(tool, "read_many_files")) {
		const cJSON *ps = cJSON_GetObjectItemCaseSensitive(ti, "paths"), *x;
		if (!cJSON_IsArray(ps) || !cJSON_GetArraySize(ps)) {
			r->judged = 1;
			r->error = "read_many_files without paths";
		} else {
			cJSON_ArrayForEach(x, ps) sg_hook_add(r, SG_REQ_READ, cJSON_IsString(x) ? x->valuestring : NULL,
							      "read_many_files with a non-string path");
		}
	} else if (!strcmp(tool, "list_directory") || !strcmp(tool, "grep_search") || !strcmp(tool, "search_file_content")) {
		const char *p = dir ? dir : sg_json_str(ti, "path");
		sg_hook_add(r, SG_REQ_SEARCH, p ? p : r->cwd ? r->cwd : ".", "search without a directory");
	} else if (!strcmp(tool, "glob")) {
		sg_hook_add(r, SG_REQ_SEARCH, joined(A, dir, sg_json_str(ti, "pattern")), "glob without a pattern");
	}
	if (r->judged && !ti)
		r->error = "tool_input is not an object";
}

static void gemini_answer(const sg_hook_req *r, sg_outcome o, const char *reason, sg_hook_answer *a)
{
	a->status = 0;
	if (r->event == SG_EV_UNKNOWN) {
		sg_protocol_portable_block(reason, a);
		return;
	}
	const char *d = o == SG_OUT_ALLOW ? "allow" : o == SG_OUT_ASK ? "ask" : o == SG_OUT_NONE ? NULL : "deny";
	if (!d) {
		sg_buf_adds(&a->out, "{}\n");
		return;
	}
	sg_buf_printf(&a->out, "{\"decision\":\"%s\"", d);
	if (o != SG_OUT_ALLOW) {
		if (!reason || !*reason)
			reason = "shellgate: denied";
		sg_buf_adds(&a->out, ",\"reason\":");
		sg_buf_json_str(&a->out, reason, strlen(reason));
	}
	sg_buf_adds(&a->out, "}\n");
}

const sg_adapter sg_adapter_gemini = { SG_CLIENT_GEMINI, "gemini", gemini_parse, gemini_answer };
