/*
 * protocol_kiro.c - Kiro hooks (PROTOCOLS.md section 2): CLI 2.x agent
 * hooks (camelCase "preToolUse"), CLI v3 / IDE 1.x v1 hook files
 * (snake_case "PreToolUse" with Kiro tool names), and IDE 0.x legacy hooks
 * whose context is only in $USER_PROMPT ({toolName, toolArgs}).
 *
 * The only language is the exit status: 0 lets the call go on (Kiro then
 * applies its own trust prompt: a hook cannot approve), 2 blocks with
 * stderr as the reason the model reads. An "ask" is a block whose reason
 * says the user must run or approve the command, since a hook cannot ask.
 */
#include <string.h>

#include "protocol.h"

static const char *path_of(const cJSON *ti)
{
	static const char *const keys[] = { "path", "file_path", "filePath", "target_file", NULL };
	for (int i = 0; keys[i]; i++)
		if (sg_json_str(ti, keys[i]))
			return sg_json_str(ti, keys[i]);
	return NULL;
}

static int is(const char *t, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(t, names[i]))
			return 1;
	return 0;
}

static void kiro_tool(const char *tool, const cJSON *ti, sg_hook_req *r)
{
	static const char *const shell[] = { "execute_bash", "execute_cmd", "shell", "executeBash", "runCommand", NULL };
	static const char *const write[] = { "fs_write", "write", "str_replace", "fs_append", "fsWrite",
					     "strReplace", "fsAppend", "deleteFile", "fs_delete", NULL };
	static const char *const read[] = { "fs_read", "read", "readFile", "readMultipleFiles", NULL };
	if (is(tool, shell)) {
		sg_hook_add(r, SG_REQ_SHELL, sg_json_str(ti, "command"), "shell tool without a command");
	} else if (is(tool, write)) {
		sg_hook_add(r, SG_REQ_WRITE, path_of(ti), "write tool without a path");
	} else if (is(tool, read)) {
		const cJSON *ops = cJSON_GetObjectItemCaseSensitive(ti, "operations"), *op;
		if (cJSON_IsArray(ops)) {
			if (!cJSON_GetArraySize(ops))
				r->judged = 1, r->error = "read without operations";
			cJSON_ArrayForEach(op, ops) {
				const char *mode = sg_json_str(op, "mode");
				sg_req_kind k = mode && (!strcmp(mode, "Directory") || !strcmp(mode, "Search")) ? SG_REQ_SEARCH
														 : SG_REQ_READ;
				sg_hook_add(r, k, path_of(op), "read operation without a path");
			}
		} else {
			sg_hook_add(r, SG_REQ_READ, path_of(ti), "read tool without a path");
		}
	}
}

static void kiro_parse(const cJSON *root, sg_hook_req *r, sg_arena *A)
{
	(void)A;
	r->cwd = sg_json_str(root, "cwd");
	r->session = sg_json_str(root, "session_id");
	const char *ev = sg_json_str(root, "hook_event_name");
	const char *tool = sg_json_str(root, "tool_name");
	const cJSON *ti = sg_json_obj(root, "tool_input");
	if (!ev && (tool = sg_json_str(root, "toolName"))) {
		/* IDE 0.x legacy: toolArgs is an object or a JSON string */
		ev = "preToolUse";
		r->variant = 1;
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(root, "toolArgs");
		if (cJSON_IsString(args)) {
			cJSON *p = cJSON_Parse(args->valuestring);
			if (p) {
				/* owned by the root from here on: freed with it */
				cJSON_AddItemToObject((cJSON *)root, "_shellgate_args", p);
				ti = cJSON_IsObject(p) ? p : NULL;
			}
		} else {
			ti = cJSON_IsObject(args) ? args : NULL;
		}
	}
	r->event_name = ev ? ev : "";
	r->tool = tool ? tool : "";
	r->tool_input = ti;
	if (!ev) {
		r->event = SG_EV_PRE_TOOL;
		r->judged = 1;
		r->error = "request without hook_event_name";
		return;
	}
	if (strcmp(ev, "preToolUse") && strcmp(ev, "PreToolUse")) {
		r->event = SG_EV_OTHER;
		return;
	}
	r->event = SG_EV_PRE_TOOL;
	if (!tool) {
		r->judged = 1;
		r->error = "request without tool_name";
		return;
	}
	kiro_tool(tool, ti, r);
	if (r->judged && !ti)
		r->error = "tool_input is not an object";
}

static void kiro_answer(const sg_hook_req *r, sg_outcome o, const char *reason, sg_hook_answer *a)
{
	(void)r;
	if (o == SG_OUT_ALLOW || o == SG_OUT_NONE) {
		a->status = 0;
		return;
	}
	if (!reason || !*reason)
		reason = "shellgate: denied";
	if (o == SG_OUT_ASK)
		sg_buf_adds(&a->err, "This needs the user's approval, and a Kiro hook cannot ask for it: ask the user to "
				     "run it themselves or to allow it (`shellgate allow`). ");
	sg_buf_adds(&a->err, reason);
	sg_buf_addc(&a->err, '\n');
	a->status = 2;
}

const sg_adapter sg_adapter_kiro = { SG_CLIENT_KIRO, "kiro", kiro_parse, kiro_answer };
