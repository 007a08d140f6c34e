/*
 * protocol_copilot.c - GitHub Copilot CLI hooks (PROTOCOLS.md section 6;
 * documentation only, never run here).
 *
 * preToolUse (camelCase registration): {sessionId, timestamp, cwd,
 * toolName, toolArgs (object or JSON string)}; PreToolUse (PascalCase):
 * VS Code-compatible {hook_event_name, session_id, tool_name, tool_input}.
 * Answer: {"permissionDecision": allow|ask|deny, "permissionDecisionReason"}
 * on stdout, exit 0 - Copilot ignores failing exit codes (they never
 * block), so every block is JSON. The snake_case variant also gets the
 * Claude-style hookSpecificOutput.
 */
#include <string.h>

#include "protocol.h"

static void copilot_parse(const cJSON *root, sg_hook_req *r, sg_arena *A)
{
	const char *tool = sg_json_str(root, "toolName");
	const cJSON *ti = NULL;
	if (tool || cJSON_GetObjectItemCaseSensitive(root, "toolArgs")) {
		r->event_name = "preToolUse";
		r->session = sg_json_str(root, "sessionId");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(root, "toolArgs");
		if (cJSON_IsString(args)) {
			cJSON *p = cJSON_Parse(args->valuestring);
			if (p) {
				cJSON_AddItemToObject((cJSON *)root, "_shellgate_args", p); /* freed with root */
				ti = cJSON_IsObject(p) ? p : NULL;
			}
		} else {
			ti = cJSON_IsObject(args) ? args : NULL;
		}
	} else {
		r->variant = 1;
		const char *ev = sg_json_str(root, "hook_event_name");
		r->event_name = ev ? ev : "";
		tool = sg_json_str(root, "tool_name");
		r->session = sg_json_str(root, "session_id");
		ti = sg_json_obj(root, "tool_input");
		if (ev && strcmp(ev, "PreToolUse") && strcmp(ev, "preToolUse")) {
			r->event = SG_EV_OTHER;
			return;
		}
	}
	r->event = SG_EV_PRE_TOOL;
	r->cwd = sg_json_str(root, "cwd");
	r->tool = tool ? tool : "";
	r->tool_input = ti;
	if (!tool) {
		r->judged = 1;
		r->error = "request without a tool name";
		return;
	}
	if (!strcmp(tool, "bash")) {
		sg_hook_add(r, SG_REQ_SHELL, sg_json_str(ti, "command"), "bash without a command");
	} else if (!strcmp(tool, "view")) {
		sg_hook_add(r, SG_REQ_READ, sg_json_str(ti, "path"), "view without a path");
	} else if (!strcmp(tool, "create") || !strcmp(tool, "edit")) {
		sg_hook_add(r, SG_REQ_WRITE, sg_json_str(ti, "path"), "file edit without a path");
	} else if (!strcmp(tool, "glob") || !strcmp(tool, "grep")) {
		const char *p = sg_json_str(ti, "path");
		const char *pat = sg_json_str(ti, "pattern");
		if (!strcmp(tool, "glob") && pat)
			p = pat[0] == '/' || !p ? pat : sg_arena_printf(A, "%s/%s", p, pat);
		sg_hook_add(r, SG_REQ_SEARCH, p ? p : r->cwd ? r->cwd : ".", "search without a path");
	}
	if (r->judged && !ti)
		r->error = "tool arguments are not an object";
}

static void copilot_answer(const sg_hook_req *r, sg_outcome o, const char *reason, sg_hook_answer *a)
{
	a->status = 0;
	if (o == SG_OUT_NONE) {
		sg_buf_adds(&a->out, "{}\n");
		return;
	}
	const char *d = o == SG_OUT_ALLOW ? "allow" : o == SG_OUT_ASK ? "ask" : "deny";
	if (o != SG_OUT_ALLOW && (!reason || !*reason))
		reason = "shellgate: denied";
	sg_buf_printf(&a->out, "{\"permissionDecision\":\"%s\"", d);
	if (reason && *reason) {
		sg_buf_adds(&a->out, ",\"permissionDecisionReason\":");
		sg_buf_json_str(&a->out, reason, strlen(reason));
	}
	if (r->variant == 1 || r->event == SG_EV_UNKNOWN) {
		sg_buf_printf(&a->out, ",\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"%s\"", d);
		if (reason && *reason) {
			sg_buf_adds(&a->out, ",\"permissionDecisionReason\":");
			sg_buf_json_str(&a->out, reason, strlen(reason));
		}
		sg_buf_adds(&a->out, "}");
	}
	sg_buf_adds(&a->out, "}\n");
	if (o == SG_OUT_DENY || o == SG_OUT_FAIL) {
		sg_buf_adds(&a->err, reason);
		sg_buf_addc(&a->err, '\n');
	}
}

const sg_adapter sg_adapter_copilot = { SG_CLIENT_COPILOT, "copilot", copilot_parse, copilot_answer };
