/*
 * protocol_codex.c - Codex CLI hooks (PROTOCOLS.md section 5).
 *
 * Input is Claude-shaped ({"hook_event_name":"PreToolUse","turn_id",
 * "tool_name":"Bash","tool_input":{"command": STRING}}), but the answers
 * differ: only a deny with a non-empty reason (or exit 2 with stderr)
 * counts; a bare allow or ask is reported as a failed hook and the command
 * runs. So: allow and no-opinion print nothing and exit 0, ask becomes a
 * deny that tells the model to ask the user, deny is a deny.
 * PermissionRequest: decision.behavior allow/deny, or nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

/* Bounds on reading the user's Codex rule files (rewrite check). */
#define CODEX_RULES_MAX_FILES 64
#define CODEX_RULES_MAX_BYTES (1u << 20)

/* Older Codex shell tools passed an argv array: quote it back into one
 * command line so that the engine parses exactly what runs. */
static const char *argv_to_command(const cJSON *arr, sg_arena *A)
{
	sg_buf b;
	sg_buf_init(&b);
	const cJSON *x;
	int n = 0;
	cJSON_ArrayForEach(x, arr) {
		if (!cJSON_IsString(x)) {
			sg_buf_free(&b);
			return NULL;
		}
		if (n++)
			sg_buf_addc(&b, ' ');
		sg_buf_addc(&b, '\'');
		for (const char *p = x->valuestring; *p; p++) {
			if (*p == '\'')
				sg_buf_adds(&b, "'\\''");
			else
				sg_buf_addc(&b, *p);
		}
		sg_buf_addc(&b, '\'');
	}
	const char *s = n ? sg_arena_strndup(A, b.data, b.len) : NULL;
	sg_buf_free(&b);
	return s;
}

/* apply_patch: every file the patch adds, updates, deletes or moves to. */
static void patch_paths(const char *patch, sg_hook_req *r, sg_arena *A)
{
	static const char *const heads[] = { "*** Add File: ", "*** Update File: ", "*** Delete File: ",
					     "*** Move to: ", NULL };
	int found = 0;
	for (const char *line = patch; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		for (int i = 0; heads[i]; i++) {
			size_t hl = strlen(heads[i]);
			if (len > hl && !strncmp(line, heads[i], hl)) {
				size_t pl = len - hl;
				while (pl && (line[hl + pl - 1] == '\r' || line[hl + pl - 1] == ' '))
					pl--;
				sg_hook_add(r, SG_REQ_WRITE, sg_arena_strndup(A, line + hl, pl), "apply_patch with an empty path");
				found = 1;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!found) {
		r->judged = 1;
		r->error = "apply_patch without a file header";
	}
}

static void codex_parse(const cJSON *root, sg_hook_req *r, sg_arena *A)
{
	const char *ev = sg_json_str(root, "hook_event_name");
	const char *tool = sg_json_str(root, "tool_name");
	r->event_name = ev ? ev : "";
	r->tool = tool ? tool : "";
	r->cwd = sg_json_str(root, "cwd");
	r->session = sg_json_str(root, "session_id");
	if (!ev || !tool) {
		r->judged = 1;
		r->error = !ev ? "request without hook_event_name" : "request without tool_name";
		if (!ev)
			return;
	}
	r->event = !strcmp(ev, "PreToolUse") ? SG_EV_PRE_TOOL : !strcmp(ev, "PermissionRequest") ? SG_EV_PERMISSION
												   : SG_EV_OTHER;
	if (r->event == SG_EV_OTHER || !tool)
		return;
	r->tool_input = sg_json_obj(root, "tool_input");
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(r->tool_input, "command");
	if (!strcmp(tool, "Bash") || !strcmp(tool, "shell") || !strcmp(tool, "exec_command") ||
	    !strcmp(tool, "local_shell") || !strcmp(tool, "shell_command")) {
		const char *c = cJSON_IsString(cmd) ? cmd->valuestring : cJSON_IsArray(cmd) ? argv_to_command(cmd, A) : NULL;
		if (!c)
			c = sg_json_str(r->tool_input, "cmd");
		sg_hook_add(r, SG_REQ_SHELL, c, "shell tool without a command");
	} else if (!strcmp(tool, "apply_patch")) {
		const char *p = cJSON_IsString(cmd) ? cmd->valuestring : sg_json_str(r->tool_input, "patch");
		if (!p) {
			r->judged = 1;
			r->error = "apply_patch without the patch text";
		} else {
			patch_paths(p, r, A);
		}
	}
	if (r->judged && !r->tool_input)
		r->error = "tool_input is not an object";
}

static const char ASK_PREFIX[] =
	"This needs the user's approval, and a Codex hook cannot ask for it: ask the user to run it or to allow it "
	"(`shellgate allow`). ";

static void codex_answer(const sg_hook_req *r, sg_outcome o, const char *reason, sg_hook_answer *a)
{
	a->status = 0;
	if (r->event == SG_EV_UNKNOWN) {
		sg_protocol_portable_block(reason, a);
		return;
	}
	if (!reason || !*reason)
		reason = "shellgate: denied";
	if (r->event == SG_EV_PERMISSION) {
		if (o == SG_OUT_ALLOW) {
			sg_buf_adds(&a->out, "{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\","
					     "\"decision\":{\"behavior\":\"allow\"}}}\n");
		} else if (o == SG_OUT_DENY || o == SG_OUT_FAIL) {
			sg_buf_adds(&a->out, "{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\","
					     "\"decision\":{\"behavior\":\"deny\",\"message\":");
			sg_buf_json_str(&a->out, reason, strlen(reason));
			sg_buf_adds(&a->out, "}}}\n");
		}
		return;	/* ask / none: the approval prompt decides */
	}
	if (o == SG_OUT_ASK) {
		sg_buf m;
		sg_buf_init(&m);
		sg_buf_adds(&m, ASK_PREFIX);
		sg_buf_adds(&m, reason);
		sg_protocol_hso(&a->out, "PreToolUse", "deny", sg_buf_cstr(&m));
		sg_buf_free(&m);
	} else if (o == SG_OUT_DENY || o == SG_OUT_FAIL) {
		sg_protocol_hso(&a->out, "PreToolUse", "deny", reason);
	} else if (o == SG_OUT_ALLOW && r->rewrite) {
		/* allow is only accepted together with updatedInput (PROTOCOLS.md 5.4) */
		sg_protocol_hso_rewrite(&a->out, "PreToolUse", r->tool_input, r->rewrite, NULL);
	}
	/* allow / none: exit 0 and nothing on stdout is Codex's "carry on" */
}

/* PreToolUse Bash with a string command: allow + updatedInput.command runs
 * the new command (PROTOCOLS.md 5.4, run against Codex CLI 0.169.0). */
/* Codex checks its execpolicy rules against the rewritten command only
 * (PROTOCOLS.md 5.4). shellgate does not read Starlark, so when any rule
 * file of the user's may forbid or prompt, nothing is rewritten. */
static int codex_rules_may_refuse(void)
{
	char dir[PATH_MAX];
	const char *ch = getenv("CODEX_HOME"), *h = getenv("HOME");
	if (ch && *ch)
		snprintf(dir, sizeof dir, "%s/rules", ch);
	else if (h && *h)
		snprintf(dir, sizeof dir, "%s/.codex/rules", h);
	else
		return 1;
	DIR *d = opendir(dir);
	if (!d)
		return errno != ENOENT;
	int refuse = 0;
	size_t files = 0;
	struct dirent *e;
	while (!refuse && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 7 || strcmp(e->d_name + n - 6, ".rules"))
			continue;
		if (++files > CODEX_RULES_MAX_FILES) {
			refuse = 1;
			break;
		}
		char p[PATH_MAX + 256], *text;
		size_t len;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (sg_read_file(p, CODEX_RULES_MAX_BYTES, &text, &len) < 0) {
			refuse = 1;
			break;
		}
		refuse = memmem(text, len, "\"forbidden\"", 11) || memmem(text, len, "\"prompt\"", 8) ||
			 memmem(text, len, "'forbidden'", 11) || memmem(text, len, "'prompt'", 8);
		free(text);
	}
	closedir(d);
	return refuse;
}

static int codex_rewritable(const sg_hook_req *r, const char *project, const char **why)
{
	(void)project;
	if (r->event != SG_EV_PRE_TOOL || strcmp(r->tool, "Bash") || r->nreq != 1 ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r->tool_input, "command"))) {
		*why = "only PreToolUse Bash calls with a string command can be rewritten";
		return 0;
	}
	if (codex_rules_may_refuse()) {
		*why = "the user's Codex rules may forbid or prompt for commands (~/.codex/rules), which a rewrite "
		       "would hide from Codex";
		return 0;
	}
	return 1;
}

const sg_adapter sg_adapter_codex = { SG_CLIENT_CODEX, "codex", codex_parse, codex_answer, codex_rewritable };
