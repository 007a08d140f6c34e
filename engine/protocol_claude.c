/*
 * protocol_claude.c - Claude Code hooks (PROTOCOLS.md section 1).
 *
 * Input: {"hook_event_name":"PreToolUse"|"PermissionRequest","tool_name",
 * "tool_input",...}. PreToolUse answers with hookSpecificOutput
 * permissionDecision allow/ask/deny (+reason, which the model reads on
 * deny and ask); PermissionRequest with decision.behavior allow/deny, or
 * nothing so the prompt is shown. Every answer exits 0 with JSON; a failure
 * before the event is known uses the portable block (exit 2 + stderr),
 * which blocks whatever the event was.
 */
#include <string.h>

#include "import.h"
#include "protocol.h"

/* Claude's file tools and the request each makes (PROTOCOLS.md 1.3). */
static void parse_tool(const char *tool, const cJSON *ti, sg_hook_req *r, sg_arena *A)
{
	if (!strcmp(tool, "Bash")) {
		sg_hook_add(r, SG_REQ_SHELL, sg_json_str(ti, "command"), "Bash without a string tool_input.command");
	} else if (!strcmp(tool, "Read")) {
		sg_hook_add(r, SG_REQ_READ, sg_json_str(ti, "file_path"), "Read without tool_input.file_path");
	} else if (!strcmp(tool, "Write") || !strcmp(tool, "Edit") || !strcmp(tool, "MultiEdit")) {
		sg_hook_add(r, SG_REQ_WRITE, sg_json_str(ti, "file_path"), "file edit without tool_input.file_path");
	} else if (!strcmp(tool, "NotebookEdit")) {
		sg_hook_add(r, SG_REQ_WRITE, sg_json_str(ti, "notebook_path"),
			    "NotebookEdit without tool_input.notebook_path");
	} else if (!strcmp(tool, "Glob")) {
		const char *pat = sg_json_str(ti, "pattern"), *dir = sg_json_str(ti, "path");
		if (pat && dir && *dir && pat[0] != '/' && pat[0] != '~')
			pat = sg_arena_printf(A, "%s/%s", dir, pat);
		sg_hook_add(r, SG_REQ_SEARCH, pat, "Glob without tool_input.pattern");
	} else if (!strcmp(tool, "Grep") || !strcmp(tool, "LS")) {
		const char *dir = sg_json_str(ti, "path"), *glob = sg_json_str(ti, "glob");
		if (!cJSON_GetObjectItemCaseSensitive(ti, "path"))
			dir = r->cwd ? r->cwd : ".";	/* Grep defaults to the cwd */
		if (dir && glob && *glob && glob[0] != '/')
			dir = sg_arena_printf(A, "%s/%s", dir, glob);
		sg_hook_add(r, SG_REQ_SEARCH, dir, "Grep with a non-string tool_input.path");
	}
}

static void claude_parse(const cJSON *root, sg_hook_req *r, sg_arena *A)
{
	const char *ev = sg_json_str(root, "hook_event_name");
	const char *tool = sg_json_str(root, "tool_name");
	r->event_name = ev ? ev : "";
	r->tool = tool ? tool : "";
	r->cwd = sg_json_str(root, "cwd");
	r->session = sg_json_str(root, "session_id");
	if (ev && !strcmp(ev, "PreToolUse"))
		r->event = SG_EV_PRE_TOOL;
	else if (ev && !strcmp(ev, "PermissionRequest"))
		r->event = SG_EV_PERMISSION;
	else if (ev)
		r->event = SG_EV_OTHER;
	if (r->event != SG_EV_PRE_TOOL && r->event != SG_EV_PERMISSION) {
		if (!ev) {
			r->judged = 1;
			r->error = "request without hook_event_name";
		}
		return;
	}
	if (!tool) {
		r->judged = 1;
		r->error = "request without tool_name";
		return;
	}
	r->tool_input = sg_json_obj(root, "tool_input");
	parse_tool(tool, r->tool_input, r, A);
	if (r->judged && !r->tool_input)
		r->error = "tool_input is not an object";
}

static void claude_answer(const sg_hook_req *r, sg_outcome o, const char *reason, sg_hook_answer *a)
{
	a->status = 0;
	if (r->event == SG_EV_UNKNOWN) {
		sg_protocol_portable_block(reason, a);
		return;
	}
	if (o == SG_OUT_FAIL)
		o = SG_OUT_DENY;
	if (r->event == SG_EV_PERMISSION) {
		if (o == SG_OUT_ALLOW) {
			sg_buf_adds(&a->out, "{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\","
					     "\"decision\":{\"behavior\":\"allow\"}}}\n");
		} else if (o == SG_OUT_DENY) {
			sg_buf_adds(&a->out, "{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\","
					     "\"decision\":{\"behavior\":\"deny\",\"message\":");
			sg_buf_json_str(&a->out, reason ? reason : "shellgate: denied", reason ? strlen(reason) : 17);
			sg_buf_adds(&a->out, "}}}\n");
		} else {
			sg_buf_adds(&a->out, "{}\n");	/* the permission prompt decides */
		}
		return;
	}
	switch (o) {
	case SG_OUT_ALLOW:
		if (r->rewrite)
			sg_protocol_hso_rewrite(&a->out, "PreToolUse", r->tool_input, r->rewrite, reason);
		else
			sg_protocol_hso(&a->out, "PreToolUse", "allow", reason);
		break;
	case SG_OUT_ASK:
		sg_protocol_hso(&a->out, "PreToolUse", "ask", reason);
		break;
	case SG_OUT_DENY:
		sg_protocol_hso(&a->out, "PreToolUse", "deny", reason && *reason ? reason : "shellgate: denied");
		break;
	default:
		sg_buf_adds(&a->out, "{}\n");
		break;
	}
}

/* PreToolUse for Bash: updatedInput with allow runs the new command
 * (PROTOCOLS.md 1.6, run against Claude Code 2.1.197 and 2.1.330). */
static int claude_rewritable(const sg_hook_req *r, const char *project, const char **why)
{
	if (r->event != SG_EV_PRE_TOOL || strcmp(r->tool, "Bash") || !r->tool_input || r->nreq != 1) {
		*why = "only PreToolUse Bash calls can be rewritten";
		return 0;
	}
	/* Claude would check its permissions.deny/ask against the rewritten
	 * text, which they no longer match: apply them to the original here. */
	if (sg_import_claude_prompts(project, r->tool, r->req[0].text)) {
		*why = "the user's own Claude Code ask/deny rules match this command";
		return 0;
	}
	return 1;
}

const sg_adapter sg_adapter_claude = { SG_CLIENT_CLAUDE, "claude", claude_parse, claude_answer, claude_rewritable };
