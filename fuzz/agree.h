/*
 * agree.h - the agreement invariant: one shell command judged by `check`,
 * by `hook` (Claude Code, Codex CLI and Gemini CLI requests) and by `lint`
 * (a one-call Claude Code transcript) gets the same decision, as far as
 * each client can express it.
 *
 * Shared by fuzz/fuzz_agree.c (libFuzzer) and tests/unit/test_agree.c (every
 * command of the project's own test inputs, under `make check`). Each path
 * is the real one, in-process:
 *
 *   check  sg_engine_judge() on the command, as cli_check.c does.
 *   hook   the request JSON through sg_protocol_filter() (the stdin
 *          reader's filter), cJSON, sg_protocol_detect() with the client
 *          named as `shellgate hook CLIENT` names it, the adapter's parse,
 *          sg_hook_screen() and sg_hook_judge() (cli_hook.c's decision) and
 *          the adapter's answer; the answer's bytes and exit status are read
 *          back into a decision. The `on_ask: sandbox` rewrite (an ask
 *          answered as an allow running under `shellgate exec`) is a
 *          setting, off by default, and is not part of the comparison.
 *   lint   a Claude Code JSONL transcript (user prompt, assistant tool_use,
 *          user tool_result, shaped like tests/lint/fixtures/claude) read
 *          by sg_lint_file() with the client detected, judged by the lint
 *          core, written by the JSON report writer; the one finding's
 *          decision is read back.
 *
 * Every path judges with the same engine (same rule layers), the same home
 * ($HOME is set to AGREE_HOME, which the hook's requests fall back to), and
 * the same working directory and project (AGREE_PROJECT, carried as the
 * request's and the transcript's cwd; GEMINI_PROJECT_DIR is set to it).
 *
 * What each client can express, and so what is compared (check's decision
 * on the left):
 *
 *   Claude Code  permissionDecision allow / ask / deny (exit 2 = deny):
 *                allow=allow, ask=ask, deny=deny.
 *   Codex CLI    permissionDecision deny or exit 2 = blocked; anything
 *                else (nothing on stdout, a bare allow or ask, which Codex
 *                reports as a failed hook) = the call runs. Codex has no
 *                ask: the adapter turns ask into a deny telling the model
 *                to ask the user. allow=runs, ask=blocked, deny=blocked.
 *   Gemini CLI   top-level decision allow / ask / deny (exit 2 or "block"
 *                = deny): allow=allow, ask=ask, deny=deny.
 *   lint         the finding's decision: allow=allow, ask=ask, deny=deny.
 *
 * The command a client runs is the string its JSON carries, so the command
 * compared is the fuzzed bytes as JSON can carry them: a byte that is not
 * part of valid UTF-8 becomes U+FFFD (what sg_buf_json_str writes, and what
 * a client's JSON encoder would send). The empty command is not a command:
 * each hook adapter refuses a request without one as malformed (blocked),
 * so it is left out.
 */
#ifndef SG_AGREE_H
#define SG_AGREE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include <cjson/cJSON.h>

#include "engine.h"
#include "lint.h"
#include "parse.h"
#include "paths.h"
#include "protocol.h"
#include "sg.h"

#define AGREE_HOME "/home/agree"
#define AGREE_PROJECT "/home/agree/project"

enum { AGREE_HOOK_CLAUDE, AGREE_HOOK_CODEX, AGREE_HOOK_GEMINI, AGREE_NHOOK };

static const sg_client agree_clients[AGREE_NHOOK] = { SG_CLIENT_CLAUDE, SG_CLIENT_CODEX, SG_CLIENT_GEMINI };

/* The environment every path reads: call once before the first check. */
static void agree_setup(void)
{
	setenv("HOME", AGREE_HOME, 1);
	setenv("GEMINI_PROJECT_DIR", AGREE_PROJECT, 1);
	sg_paths_set_fs(0);
}

/* The command as JSON carries it: every byte that does not start a valid
 * UTF-8 sequence replaced by U+FFFD, as sg_buf_json_str encodes it. */
static void agree_canon(const char *s, size_t n, sg_buf *out)
{
	sg_buf_reset(out);
	size_t i = 0;
	while (i < n) {
		size_t ok = sg_utf8_valid_prefix(s + i, n - i);
		sg_buf_add(out, s + i, ok);
		i += ok;
		if (i < n) {
			sg_buf_adds(out, "\xef\xbf\xbd");
			i++;
		}
	}
	sg_buf_cstr(out);
}

/* ---- check ----------------------------------------------------------------------- */

static sg_decision agree_check(sg_engine *e, const char *cmd, size_t len)
{
	sg_request q = { SG_REQ_SHELL, cmd, len, AGREE_PROJECT, AGREE_HOME, AGREE_PROJECT };
	sg_verdict v;
	sg_engine_judge(e, &q, &v);
	sg_decision d = v.decision;
	sg_verdict_free(&v);
	return d;
}

/* ---- hook ------------------------------------------------------------------------ */

/* A PreToolUse request as each client sends it for its shell tool
 * (tests/protocol/golden and PROTOCOLS.md). */
static void agree_request(int which, const char *cmd, size_t len, sg_buf *b)
{
	sg_buf_reset(b);
	switch (which) {
	case AGREE_HOOK_CLAUDE:
		sg_buf_adds(b, "{\"session_id\":\"0f2c5a1e-agree\",\"transcript_path\":\"" AGREE_HOME
			       "/.claude/projects/-home-agree-project/0f2c5a1e-agree.jsonl\",\"cwd\":\"" AGREE_PROJECT
			       "\",\"permission_mode\":\"default\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
			       "\"tool_input\":{\"command\":");
		sg_buf_json_str(b, cmd, len);
		sg_buf_adds(b, ",\"description\":\"agree\"},\"tool_use_id\":\"toolu_agree01\"}");
		break;
	case AGREE_HOOK_CODEX:
		sg_buf_adds(b, "{\"session_id\":\"01a2\",\"turn_id\":\"01a3\",\"transcript_path\":\"" AGREE_HOME
			       "/.codex/sessions/r.jsonl\",\"cwd\":\"" AGREE_PROJECT
			       "\",\"model\":\"gpt-5\",\"permission_mode\":\"default\",\"hook_event_name\":\"PreToolUse\","
			       "\"tool_name\":\"Bash\",\"tool_input\":{\"command\":");
		sg_buf_json_str(b, cmd, len);
		sg_buf_adds(b, "},\"tool_use_id\":\"call_agree\"}");
		break;
	default:
		sg_buf_adds(b, "{\"session_id\":\"g-agree\",\"transcript_path\":\"" AGREE_HOME
			       "/.gemini/tmp/x/chats/s.jsonl\",\"cwd\":\"" AGREE_PROJECT
			       "\",\"timestamp\":\"2026-11-22T10:00:00.000Z\",\"hook_event_name\":\"BeforeTool\","
			       "\"tool_name\":\"run_shell_command\",\"tool_input\":{\"command\":");
		sg_buf_json_str(b, cmd, len);
		sg_buf_adds(b, ",\"description\":\"agree\"}}");
		break;
	}
}

/* The hook's answer to request json for client c, decided as cli_hook.c
 * decides (engine e instead of one built from the hook's options). */
static void agree_hook_answer(sg_engine *e, sg_client c, const char *json, size_t n, sg_hook_answer *ans,
			      sg_client *detected)
{
	sg_arena A;
	sg_arena_init(&A);
	sg_buf in, msg, ids;
	sg_buf_init(&in);
	sg_buf_init(&msg);
	sg_buf_init(&ids);
	const char *why = NULL, *reason = NULL;
	sg_hook_req r;
	memset(&r, 0, sizeof r);
	r.client = c;
	const sg_adapter *ad = sg_protocol_adapter(c);
	sg_outcome out = SG_OUT_FAIL;
	cJSON *root = NULL;
	if (sg_protocol_filter(json, n, &in, &why) == 0) {
		root = cJSON_ParseWithLength(in.data ? in.data : "", in.len);
		if (!root || !cJSON_IsObject(root))
			why = "the hook request is not a valid JSON object";
	}
	if (root && cJSON_IsObject(root)) {
		int strong;
		r.client = sg_protocol_detect(root, 0, c, &strong);
		ad = sg_protocol_adapter(r.client);
		if (!ad) {	/* read as no client at all: reported as a mismatch */
			ad = sg_protocol_adapter(c);
			r.client = SG_CLIENT_UNKNOWN;
		}
		r.root = root;
		ad->parse(root, &r, &A);
		int j = sg_hook_screen(&r, &A, &why);
		if (j == 0)
			out = SG_OUT_NONE;
		if (j > 0) {
			const char *cwd = r.cwd && *r.cwd ? r.cwd : "/";
			const char *project = r.project && *r.project ? r.project : cwd;
			out = sg_hook_judge(e, &r, cwd, project, &msg, &ids, NULL);
			reason = sg_buf_cstr(&msg);
		}
	}
	if (why) {
		out = SG_OUT_FAIL;
		reason = sg_arena_printf(&A, "shellgate: %s; the call is blocked (fail closed)", why);
	}
	*detected = r.client;
	ad->answer(&r, out, reason, ans);
	cJSON_Delete(root);
	sg_buf_free(&in);
	sg_buf_free(&msg);
	sg_buf_free(&ids);
	sg_arena_free(&A);
}

/* The decision a client takes from an answer, in the words of the table
 * above: "allow", "ask", "deny" (Codex: "runs", "blocked"), or a
 * description of an answer the client cannot read as a decision. */
static const char *agree_read_answer(int which, const sg_hook_answer *a)
{
	if (a->status == 2)
		return which == AGREE_HOOK_CODEX ? "blocked" : "deny";
	if (a->status != 0)
		return "a non-blocking error exit";
	if (which == AGREE_HOOK_CODEX && !a->out.len)
		return "runs";
	cJSON *j = cJSON_ParseWithLength(a->out.data ? a->out.data : "", a->out.len);
	if (!j)
		return "stdout that is not JSON";
	const char *d = NULL;
	if (which == AGREE_HOOK_GEMINI) {
		d = sg_json_str(j, "decision");
	} else {
		const cJSON *h = sg_json_obj(j, "hookSpecificOutput");
		d = h ? sg_json_str(h, "permissionDecision") : NULL;
	}
	static const char *const known[] = { "allow", "ask", "deny", "block" };
	const char *res = "JSON without a decision";
	for (size_t i = 0; d && i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(d, known[i]))
			res = known[i];
	cJSON_Delete(j);
	if (!strcmp(res, "block"))
		res = "deny";
	/* Codex blocks on a deny only; any other answer lets the call run
	 * (a bare allow or ask is reported as a failed hook, which fails open) */
	if (which == AGREE_HOOK_CODEX)
		res = !strcmp(res, "deny") ? "blocked" : "runs";
	return res;
}

/* check's decision as client `which` can express it */
static const char *agree_expect(int which, sg_decision d)
{
	if (which == AGREE_HOOK_CODEX)
		return d == SG_ALLOW ? "runs" : "blocked";
	return sg_decision_name(d);
}

/* ---- lint ------------------------------------------------------------------------ */

/* A one-call Claude Code transcript (records as Claude Code 2.1 writes them,
 * trimmed to the fields a transcript always has). */
static void agree_transcript(const char *cmd, size_t len, sg_buf *b)
{
	static const char common[] = "\"userType\":\"external\",\"entrypoint\":\"cli\",\"cwd\":\"" AGREE_PROJECT
				     "\",\"sessionId\":\"0f2c5a1e-agree\",\"version\":\"2.1.197\",\"gitBranch\":\"main\"}\n";
	sg_buf_reset(b);
	sg_buf_adds(b, "{\"parentUuid\":null,\"isSidechain\":false,\"type\":\"user\",\"message\":{\"role\":\"user\","
		       "\"content\":\"run it\"},\"uuid\":\"a0000000-0000-4000-8000-000000000001\",\"timestamp\":"
		       "\"2026-11-22T12:05:52.263Z\",");
	sg_buf_adds(b, common);
	sg_buf_adds(b, "{\"parentUuid\":\"a0000000-0000-4000-8000-000000000001\",\"isSidechain\":false,\"message\":"
		       "{\"id\":\"msg_agree\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-opus-4-8\","
		       "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_agree01\",\"name\":\"Bash\",\"input\":"
		       "{\"command\":");
	sg_buf_json_str(b, cmd, len);
	sg_buf_adds(b, ",\"description\":\"agree\"}}],\"stop_reason\":\"tool_use\"},\"type\":\"assistant\",\"uuid\":"
		       "\"a0000000-0000-4000-8000-000000000002\",\"timestamp\":\"2026-11-22T12:05:52.313Z\",");
	sg_buf_adds(b, common);
	sg_buf_adds(b, "{\"parentUuid\":\"a0000000-0000-4000-8000-000000000002\",\"isSidechain\":false,\"type\":"
		       "\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"toolu_agree01\","
		       "\"type\":\"tool_result\",\"content\":\"ok\",\"is_error\":false}]},\"uuid\":"
		       "\"a0000000-0000-4000-8000-000000000003\",\"timestamp\":\"2026-11-22T12:05:52.426Z\","
		       "\"toolUseResult\":{\"stdout\":\"ok\",\"stderr\":\"\",\"interrupted\":false,\"isImage\":false},");
	sg_buf_adds(b, common);
}

/* Writes data to a file lint can open by path; returns the path (static
 * buffer) and its descriptor, or NULL; agree_tmpfile_done() removes it.
 * An anonymous memory file where there is one, else a temp file. */
static const char *agree_tmpfile(const char *data, size_t n, int *fd)
{
	static char path[64];
#ifdef __linux__
	*fd = memfd_create("agree-transcript", 0);
	if (*fd < 0)
		return NULL;
	snprintf(path, sizeof path, "/proc/self/fd/%d", *fd);
#else
	snprintf(path, sizeof path, "/tmp/sg-agree-XXXXXX");
	*fd = mkstemp(path);
	if (*fd < 0)
		return NULL;
#endif
	if (n && write(*fd, data, n) != (ssize_t)n) {
		close(*fd);
		return NULL;
	}
	return path;
}

static void agree_tmpfile_done(const char *path, int fd)
{
	close(fd);
#ifndef __linux__
	unlink(path);
#else
	(void)path;
#endif
}

/* The decision of the single finding lint reports for the transcript, or
 * -1 (with *nfind the number of findings) when there is not exactly one. */
static int agree_lint(sg_engine *e, const sg_buf *transcript, int *nfind)
{
	int fd;
	const char *path = agree_tmpfile(transcript->data, transcript->len, &fd);
	*nfind = 0;
	if (!path)
		return -1;
	char *rep = NULL;
	size_t replen = 0;
	FILE *out = open_memstream(&rep, &replen);
	if (!out)
		abort();
	sg_lint_report *rp = sg_lint_report_new(SG_LF_JSON, out, 0, sg_engine_rules(e));
	sg_lint_opts o;
	memset(&o, 0, sizeof o);
	o.client = SG_LC_AUTO;
	o.fail_on = SG_DENY;
	o.report_min = SG_ALLOW;
	o.since = -1;
	o.cwd = "/";
	o.home = AGREE_HOME;
	sg_lint *L = sg_lint_new(e, &o, rp);
	sg_lint_file(L, path, 1);
	sg_lint_summary s;
	sg_lint_finish(L, &s);
	sg_lint_report_end(rp, &s);
	sg_lint_free(L);
	fclose(out);
	agree_tmpfile_done(path, fd);
	int d = -1;
	for (char *line = rep, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		cJSON *j = cJSON_ParseWithLength(line, nl ? (size_t)(nl - line) : strlen(line));
		const char *type = j ? sg_json_str(j, "type") : NULL;
		if (type && !strcmp(type, "finding")) {
			const char *dn = sg_json_str(j, "decision");
			(*nfind)++;
			d = !dn ? -1 : !strcmp(dn, "allow") ? SG_ALLOW : !strcmp(dn, "ask") ? SG_ASK : !strcmp(dn, "deny") ? SG_DENY : -1;
		}
		cJSON_Delete(j);
	}
	free(rep);
	return *nfind == 1 ? d : -1;
}

/* ---- the invariant ---------------------------------------------------------------- */

/* One comparison of the (canonical, non-empty) command every way: 0 when
 * all agree, else 1 with a description appended to why. */
static int agree_once(sg_engine *e, const sg_buf *cmd, sg_buf *why)
{
	sg_buf b;
	sg_buf_init(&b);
	sg_decision d = agree_check(e, cmd->data, cmd->len);
	sg_buf_printf(why, "check %s", sg_decision_name(d));
	int bad = 0;
	for (int w = 0; w < AGREE_NHOOK; w++) {
		agree_request(w, cmd->data, cmd->len, &b);
		sg_hook_answer a;
		sg_buf_init(&a.out);
		sg_buf_init(&a.err);
		a.status = 0;
		sg_client got;
		agree_hook_answer(e, agree_clients[w], b.data, b.len, &a, &got);
		const char *said = agree_read_answer(w, &a), *want = agree_expect(w, d);
		sg_buf_printf(why, ", hook %s %s", sg_protocol_client_name(agree_clients[w]), said);
		if (got != agree_clients[w]) {
			sg_buf_printf(why, " (read as %s)", sg_protocol_client_name(got));
			bad = 1;
		}
		if (strcmp(said, want)) {
			size_t shown = a.out.len > 300 ? 300 : a.out.len;
			while (shown && a.out.data[shown - 1] == '\n')
				shown--;
			sg_buf_printf(why, " (want %s: %.*s)", want, (int)shown, a.out.data ? a.out.data : "");
			bad = 1;
		}
		sg_buf_free(&a.out);
		sg_buf_free(&a.err);
	}
	agree_transcript(cmd->data, cmd->len, &b);
	int nfind;
	int ld = agree_lint(e, &b, &nfind);
	if (ld < 0) {
		sg_buf_printf(why, ", lint %d findings", nfind);
		bad = 1;
	} else {
		sg_buf_printf(why, ", lint %s", sg_decision_name((sg_decision)ld));
		if (ld != (int)d)
			bad = 1;
	}
	sg_buf_free(&b);
	return bad;
}

/* A parse that runs into SG_PARSE_TIMEOUT_US gives the unparsable verdict,
 * so under load one path can time out where another did not: such a
 * comparison says nothing about the front ends. It is repeated; an input
 * that times out every time is not compared. */
#define AGREE_TRIES 3

/* Judges raw[0..n) every way. Returns 0 when all agree (or the command is
 * empty, or cannot be judged without a parse timeout: *timed_out set), else
 * 1 with a description in *why (reset first). */
static int agree_one(sg_engine *e, const char *raw, size_t n, sg_buf *why, int *timed_out)
{
	sg_buf cmd;
	sg_buf_init(&cmd);
	agree_canon(raw, n, &cmd);
	*timed_out = 0;
	int bad = 0;
	for (int t = 0; cmd.len && t < AGREE_TRIES; t++) {
		sg_buf_reset(why);
		unsigned long before = sg_parse_timeouts();
		bad = agree_once(e, &cmd, why);
		*timed_out = sg_parse_timeouts() != before;
		if (!*timed_out)
			break;
		bad = 0;
	}
	sg_buf_free(&cmd);
	return bad;
}

#endif
