/*
 * cli_hook.c - `shellgate hook [CLIENT]`: read one hook request, judge it,
 * answer in the client's own protocol.
 *
 * INVARIANTS (PROTOCOLS.md section 7):
 *  - Fail closed, always: every failure (unreadable, truncated or oversized
 *    input, a judged tool without its fields, broken rules, out of memory, a
 *    crash signal, our own timeout) is answered with the client's block.
 *    The block answer is rendered before any risky work and written from
 *    the fatal emitter and the signal handlers with write(2) only.
 *  - Never exit 1 (non-blocking error = fail-open in Claude, Codex, Kiro),
 *    never an empty stdout where the client reads JSON.
 *  - One answer: the final write happens with the alarm off and the
 *    signals blocked, so a late alarm cannot add a second one.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "config.h"
#include "import.h"
#include "paths.h"
#include "protocol.h"
#include "sandbox.h"

static const char hook_usage[] =
	"usage: shellgate hook [CLIENT] [OPTIONS] < request.json\n"
	"\n"
	"Answer one pre-tool hook request (JSON on stdin) in the client's protocol.\n"
	"CLIENT is claude, kiro, cursor, gemini, codex or copilot; without it the client\n"
	"is detected from the request's shape. Input shaped like another client's is\n"
	"answered in that client's dialect (Cursor runs hooks registered for Claude Code).\n"
	"Any failure is answered as that client's block.\n"
	"\n"
	"  --verbose        say on stderr which client, event and tool were seen\n"
	"  --timeout SEC    give up (and block) after SEC seconds (default 5)\n"
	"  --rules FILE     load FILE as an extra rule layer (repeatable)\n"
	"  --project DIR    project root (default: from the request, else its cwd)\n"
	"  --mode MODE      trusted, strict or audit\n"
	"  --strict         dynamic and unparsable commands are denied\n"
	"  --no-builtin     do not load the built-in packs (tests)\n"
	"  --no-user        do not load user/project rule files or imported lists (tests)\n"
	"  --no-import      do not apply the client's own permission lists\n"
	"  --audit-log FILE append one JSON line per decision to FILE\n"
	"  --on-ask ask|sandbox  sandbox: a command the rules would ask about is allowed\n"
	"                   and rewritten to run under `shellgate exec` (no network, writes\n"
	"                   only in the project), where the client can rewrite (Claude Code,\n"
	"                   Codex); deny stays deny (default: ask, or \"on_ask\" in config.json)\n"
	"  --sandbox-allowed  also run allowed commands under `shellgate exec`\n"
	"  --sandbox-profile NAME  the exec profile for rewritten commands (default: default)\n"
	"  --no-sandbox     never rewrite, whatever config.json says\n"
	"  --read-timeout MS  wait at most MS for each chunk of stdin (default 3000)\n";

#define HOOK_TIMEOUT_DEFAULT 5

/* ---- the pre-rendered block, for paths that cannot allocate ---------------------- */

static char fail_out[8192], fail_err[2048];
static size_t fail_out_len, fail_err_len;
static int fail_status = 2;

static void copy_fixed(char *dst, size_t cap, size_t *dlen, const sg_buf *src)
{
	*dlen = src->len < cap ? src->len : 0;
	if (*dlen)
		memcpy(dst, src->data, *dlen);
}

/* Renders the block answer for (ad, r) now, so that a later failure only has
 * to write bytes. Falls back to the portable block when it does not fit. */
static void prepare_fail(const sg_adapter *ad, const sg_hook_req *r, const char *why)
{
	sg_hook_answer a;
	sg_buf_init(&a.out);
	sg_buf_init(&a.err);
	a.status = 2;
	char reason[512];
	snprintf(reason, sizeof reason, "shellgate: %s; the call is blocked (fail closed). Ask the user to check `shellgate doctor`.", why);
	if (ad)
		ad->answer(r, SG_OUT_FAIL, reason, &a);
	else
		sg_protocol_portable_block(reason, &a);
	if (!a.err.len) {
		sg_buf_adds(&a.err, reason);
		sg_buf_addc(&a.err, '\n');
	}
	if (a.out.len >= sizeof fail_out || a.err.len >= sizeof fail_err) {
		sg_buf_reset(&a.out);
		sg_buf_reset(&a.err);
		sg_protocol_portable_block("shellgate: internal error; blocked (fail closed)", &a);
	}
	copy_fixed(fail_out, sizeof fail_out, &fail_out_len, &a.out);
	copy_fixed(fail_err, sizeof fail_err, &fail_err_len, &a.err);
	fail_status = a.status;
	sg_buf_free(&a.out);
	sg_buf_free(&a.err);
}

static void write_fail(void)
{
	if (fail_out_len)
		(void)!write(1, fail_out, fail_out_len);
	if (fail_err_len)
		(void)!write(2, fail_err, fail_err_len);
}

static void hook_fatal(const char *msg, void *ctx)
{
	(void)msg;
	(void)ctx;
	write_fail();
}

static void on_signal(int sig)
{
	(void)sig;
	write_fail();
	_exit(fail_status);
}

static void arm(unsigned timeout)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	int sigs[] = { SIGALRM, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTERM, SIGXCPU };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm(timeout);
}

static void set_fail(const sg_adapter *ad, const sg_hook_req *r, const char *why)
{
	prepare_fail(ad, r, why);
	sg_fatal_set_emitter(hook_fatal, NULL, fail_status);
}

/* ---- options ------------------------------------------------------------------------ */

typedef struct hookopt {
	sg_client hint;
	int verbose, no_builtin, no_user, no_import, strict, mode;
	unsigned timeout;
	const char *project, *audit_log;
	const char **rules;
	size_t nrules;
	unsigned long alloc_fail;
	int read_timeout_ms;
	int on_ask_sandbox, sandbox_allowed;	/* -1: from config.json */
	const char *sandbox_profile;
} hookopt;

static int parse_opts(int argc, char **argv, hookopt *o)
{
	memset(o, 0, sizeof *o);
	o->mode = -1;
	o->timeout = HOOK_TIMEOUT_DEFAULT;
	o->read_timeout_ms = SG_HOOK_READ_TIMEOUT_MS;
	o->on_ask_sandbox = o->sandbox_allowed = -1;
	o->rules = sg_xcalloc((size_t)argc + 1, sizeof *o->rules);
	int words = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(hook_usage, stdout);
			return 1;
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			o->verbose = 1;
		} else if (!strcmp(a, "--no-builtin")) {
			o->no_builtin = 1;
		} else if (!strcmp(a, "--no-user")) {
			o->no_user = 1;
		} else if (!strcmp(a, "--no-import")) {
			o->no_import = 1;
		} else if (!strcmp(a, "--strict")) {
			o->strict = 1;
		} else if (!strcmp(a, "--no-fs")) {
			sg_paths_set_fs(0);
		} else if (!strcmp(a, "--sandbox-allowed")) {
			o->sandbox_allowed = 1;
		} else if (!strcmp(a, "--no-sandbox")) {
			o->sandbox_allowed = o->on_ask_sandbox = 0;
		} else if (!strcmp(a, "--on-ask") || !strcmp(a, "--sandbox-profile")) {
			if (!val)
				return -1;
			i++;
			if (!strcmp(a, "--sandbox-profile"))
				o->sandbox_profile = val;
			else if (!strcmp(val, "sandbox") || !strcmp(val, "ask"))
				o->on_ask_sandbox = !strcmp(val, "sandbox");
			else
				return -1;
		} else if (!strcmp(a, "--timeout") || !strcmp(a, "--rules") || !strcmp(a, "--project") ||
			   !strcmp(a, "--mode") || !strcmp(a, "--audit-log") || !strcmp(a, "--test-alloc-fail") ||
			   !strcmp(a, "--read-timeout")) {
			if (!val)
				return -1;
			i++;
			if (!strcmp(a, "--timeout")) {
				char *end;
				unsigned long t = strtoul(val, &end, 10);
				if (*end || t == 0 || t > 3600)
					return -1;
				o->timeout = (unsigned)t;
			} else if (!strcmp(a, "--rules")) {
				o->rules[o->nrules++] = val;
			} else if (!strcmp(a, "--project")) {
				o->project = val;
			} else if (!strcmp(a, "--audit-log")) {
				o->audit_log = val;
			} else if (!strcmp(a, "--test-alloc-fail")) {
				o->alloc_fail = strtoul(val, NULL, 10);
			} else if (!strcmp(a, "--read-timeout")) {
				o->read_timeout_ms = (int)strtoul(val, NULL, 10);
				if (o->read_timeout_ms <= 0 || o->read_timeout_ms > 60000)
					return -1;
			} else {
				o->mode = !strcmp(val, "trusted") ? 0 : !strcmp(val, "strict") ? 1 : !strcmp(val, "audit") ? 2 : -2;
				if (o->mode == -2)
					return -1;
			}
		} else if (a[0] != '-' && words++ == 0) {
			/* the client; later words ("pre-tool-use") are the event, read from the input */
			o->hint = sg_protocol_client_parse(a);
			if (o->hint == SG_CLIENT_UNKNOWN && strcmp(a, "auto"))
				return -1;
		} else if (a[0] == '-') {
			return -1;
		}
	}
	return 0;
}

/* ---- judging -------------------------------------------------------------------------- */

static void import_layers(sg_ruleset *rs, void *ctx, sg_buf *log)
{
	const sg_import_opts *io = ctx;
	sg_import_layers(rs, io, log);
}

static const char *getcwd_or(sg_arena *A, const char *fallback)
{
	char buf[4096];
	return getcwd(buf, sizeof buf) ? sg_arena_strdup(A, buf) : fallback;
}

/* ---- on_ask: sandbox (rewrite into `shellgate exec`) -------------------------------- */

static int has_rule_id(const char *ids, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = ids; p && (p = strstr(p, id)); p += n)
		if ((p == ids || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

/* The exec command line that replaces an allowed or asked shell command, or
 * NULL (with *why when the configuration asked for it but it cannot be done:
 * then the decision stays what the rules said). */
static char *sandbox_rewrite(const hookopt *o, const sg_adapter *ad, const sg_hook_req *r, sg_outcome out,
			     unsigned vflags, const char *rule_ids, const char *project, const char **why,
			     sg_arena *A)
{
	const sg_user_config *uc = sg_user_config_get();
	int on_ask = o->on_ask_sandbox >= 0 ? o->on_ask_sandbox : uc->on_ask_sandbox == 1;
	int on_allow = o->sandbox_allowed >= 0 ? o->sandbox_allowed : uc->sandbox_allowed == 1;
	const char *profile = o->sandbox_profile ? o->sandbox_profile
			      : uc->sandbox_profile[0] ? uc->sandbox_profile : "default";
	*why = NULL;
	if (o->verbose && uc->problem[0])
		fprintf(stderr, "shellgate: %s\n", uc->problem);
	if (!(out == SG_OUT_ASK ? on_ask : out == SG_OUT_ALLOW ? on_allow : 0))
		return NULL;
	if (out == SG_OUT_ASK && (vflags & SG_V_UNCONTAINED)) {
		*why = "an ask rule whose risk the sandbox does not remove matched (\"sandbox_contains\": false)";
		return NULL;
	}
	if (out == SG_OUT_ASK && has_rule_id(rule_ids, "mode.audit")) {
		*why = "audit mode asks about every command";
		return NULL;
	}
	if (!ad->rewritable) {
		*why = sg_arena_printf(A, "%s hooks cannot replace a command", ad->name);
		return NULL;
	}
	if (!ad->rewritable(r, project, why))
		return NULL;
	char proj[PATH_MAX], home[PATH_MAX], exe[PATH_MAX];
	const char *h = getenv("HOME");
	if (!realpath(project, proj)) {
		*why = sg_arena_printf(A, "the project %s cannot be resolved", project);
		return NULL;
	}
	if (!strcmp(proj, "/") || (h && realpath(h, home) && sg_path_within(home, proj))) {
		*why = sg_arena_printf(A, "the project %s is / or holds the home directory", proj);
		return NULL;
	}
	if (!sg_self_exe(exe, sizeof exe)) {
		*why = "shellgate's own path is unknown";
		return NULL;
	}
	sg_profile prof;
	sg_buf err;
	sg_buf_init(&err);
	int ok = sg_profile_resolve(NULL, profile, &prof, &err) == 0;
	if (!ok)
		*why = sg_arena_printf(A, "sandbox profile '%s': %s", profile, sg_buf_cstr(&err));
	sg_profile_free(&prof);
	sg_buf_free(&err);
	if (!ok)
		return NULL;
	sg_sandbox_probe_result pr;
	if (!sg_sandbox_probe(&pr)) {
		*why = sg_arena_printf(A, "the sandbox cannot start here: %s", pr.why);
		return NULL;
	}
	/* Turning an ask into an allow needs the whole boundary: without user
	 * namespaces exec runs degraded (no masks, no private /tmp, no pid
	 * namespace), which is fine for a command that was allowed anyway but
	 * not for one the rules asked about. */
	if (out == SG_OUT_ASK && !pr.have[SG_L_USERNS]) {
		*why = sg_arena_printf(A, "the sandbox would run degraded here (no user namespaces: %s)",
				       strerror(pr.err[SG_L_USERNS]));
		return NULL;
	}
	char *cmd = sg_sandbox_rewrite(exe, profile, proj, r->req[0].text, r->req[0].len);
	if (!cmd)
		*why = "the command cannot be passed to the sandbox";
	return cmd;
}

int sg_cli_hook(int argc, char **argv)
{
	hookopt o;
	/* until the client is known, a failure is the portable block */
	set_fail(NULL, NULL, "internal error");
	int pr = parse_opts(argc, argv, &o);
	if (pr > 0) {
		free(o.rules);
		return 0;
	}
	const sg_adapter *hint_ad = sg_protocol_adapter(o.hint);
	sg_hook_req r;
	memset(&r, 0, sizeof r);
	r.client = o.hint;
	if (pr < 0) {
		/* a bad registration must still block, in the client's language */
		set_fail(hint_ad, &r, "invalid `shellgate hook` options in the hook registration");
		write_fail();
		free(o.rules);
		return fail_status;
	}
	set_fail(hint_ad, &r, "internal error");
	arm(o.timeout);
	if (o.alloc_fail)
		sg_alloc_fail_after(o.alloc_fail);

	sg_arena A;
	sg_arena_init(&A);
	sg_buf in;
	sg_buf_init(&in);
	const char *why = NULL;
	int from_env = 0, rc;
	const char *up = getenv("USER_PROMPT");
	if ((o.hint == SG_CLIENT_KIRO || o.hint == SG_CLIENT_UNKNOWN) && up && strchr(up, '{') &&
	    strstr(up, "\"toolName\"")) {
		/* Kiro IDE 0.x: the context is only here; stdin is never written */
		from_env = 1;
		rc = sg_protocol_filter(up, strlen(up), &in, &why);
	} else {
		rc = sg_protocol_read(0, o.read_timeout_ms, &in, &why);
	}
	cJSON *root = NULL;
	if (rc == 0) {
		root = cJSON_ParseWithLength(in.data, in.len);
		if (!root || !cJSON_IsObject(root))
			why = "the hook request is not a valid JSON object";
	} else {
		why = sg_arena_printf(&A, "could not read the hook request (%s)", why);
	}
	const sg_adapter *ad = hint_ad;
	sg_outcome out = SG_OUT_FAIL;
	const char *reason = NULL;
	sg_buf msg, rule_ids;
	sg_buf_init(&msg);
	sg_buf_init(&rule_ids);
	sg_engine *e = NULL;
	char *rewrite = NULL;
	int strong = 0;
	if (root && cJSON_IsObject(root)) {
		r.client = sg_protocol_detect(root, from_env, o.hint, &strong);
		ad = sg_protocol_adapter(r.client);
		if (!ad) {
			why = "the hook request's client could not be recognised";
		} else {
			r.root = root;
			set_fail(ad, &r, "internal error");
			ad->parse(root, &r, &A);
			set_fail(ad, &r, "internal error");
			if (o.verbose)
				fprintf(stderr, "shellgate: client %s (%s), event %s, tool %s%s\n",
					sg_protocol_client_name(r.client), strong ? "detected" : "named",
					r.event_name ? r.event_name : "?", r.tool ? r.tool : "?",
					r.judged ? "" : " (not judged)");
			if (sg_hook_screen(&r, &A, &why) == 0)
				out = SG_OUT_NONE;
		}
	}
	if (ad && !why && out != SG_OUT_NONE) {
		const char *cwd = r.cwd && *r.cwd ? r.cwd : getcwd_or(&A, "/");
		const char *project = o.project ? o.project : r.project && *r.project ? r.project : cwd;
		sg_import_opts io = { project, NULL, r.client == SG_CLIENT_CLAUDE || r.client == SG_CLIENT_CURSOR,
				      r.client == SG_CLIENT_KIRO };
		sg_config cfg;
		memset(&cfg, 0, sizeof cfg);
		cfg.mode = o.mode;
		cfg.strict = o.strict;
		cfg.no_builtin = o.no_builtin;
		cfg.no_user = o.no_user;
		cfg.extra_files = o.rules;
		cfg.nextra = o.nrules;
		cfg.project = project;
		sg_buf ikey;
		sg_buf_init(&ikey);
		if (!o.no_import && !o.no_user && sg_import_key(&io, &ikey) > 0) {
			cfg.add_layers = import_layers;
			cfg.add_layers_ctx = &io;
			cfg.add_layers_key = sg_arena_strdup(&A, sg_buf_cstr(&ikey));
		}
		sg_buf_free(&ikey);
		sg_buf log;
		sg_buf_init(&log);
		e = sg_engine_new(&cfg, &log);
		if (o.verbose && log.len)
			fputs(log.data, stderr);
		sg_buf_free(&log);
		unsigned wflags = 0;
		out = sg_hook_judge(e, &r, cwd, project, &msg, &rule_ids, &wflags);
		if (r.event == SG_EV_PRE_TOOL && (out == SG_OUT_ASK || out == SG_OUT_ALLOW) && r.nreq == 1 &&
		    r.req[0].kind == SG_REQ_SHELL) {
			const char *nowhy = NULL;
			rewrite = sandbox_rewrite(&o, ad, &r, out, wflags, sg_buf_cstr(&rule_ids), project, &nowhy, &A);
			if (rewrite) {
				sg_buf m;
				sg_buf_init(&m);
				sg_buf_printf(&m, "shellgate: runs in the sandbox (profile and limits: `shellgate exec "
						  "--explain`; no network, writes only in the project and /tmp)%s%s",
					      out == SG_OUT_ASK ? " instead of asking: " : "",
					      out == SG_OUT_ASK ? sg_buf_cstr(&msg) : "");
				sg_buf_reset(&msg);
				sg_buf_adds(&msg, sg_buf_cstr(&m));
				sg_buf_free(&m);
				r.rewrite = rewrite;
				out = SG_OUT_ALLOW;
			} else if (nowhy && o.verbose) {
				fprintf(stderr, "shellgate: not rewritten to run in the sandbox: %s\n", nowhy);
			}
		}
		reason = sg_buf_cstr(&msg);
	}
	if (why) {
		out = SG_OUT_FAIL;
		reason = sg_arena_printf(&A, "shellgate: %s; the call is blocked (fail closed)", why);
	}
	sg_hook_answer ans;
	sg_buf_init(&ans.out);
	sg_buf_init(&ans.err);
	ans.status = 0;
	if (ad)
		ad->answer(&r, out, reason, &ans);
	else
		sg_protocol_portable_block(reason, &ans);

	/* one answer: no alarm, no signal from here on */
	alarm(0);
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	int status = ans.status;
	if (ans.out.len && sg_write_all(1, ans.out.data, ans.out.len) < 0)
		status = status ? status : 2;
	if (ans.err.len)
		(void)sg_write_all(2, ans.err.data, ans.err.len);

	static const char *const outs[] = { "none", "allow", "ask", "deny", "error" };
	sg_audit_entry ae = { o.audit_log, sg_protocol_client_name(r.client), r.event_name, r.session, r.cwd, r.tool,
			      r.nreq ? r.req[0].text : NULL, rewrite ? "sandbox" : outs[out], rule_ids.len ? sg_buf_cstr(&rule_ids) : NULL, why };
	sg_audit_record(&ae);

	sg_buf_free(&ans.out);
	sg_buf_free(&ans.err);
	sg_buf_free(&msg);
	sg_buf_free(&rule_ids);
	free(rewrite);
	sg_engine_free(e);
	cJSON_Delete(root);
	sg_buf_free(&in);
	sg_arena_free(&A);
	free(o.rules);
	return status;
}
