/*
 * cli_install.c - `shellgate install` and `shellgate doctor`: option
 * parsing and reporting; the per-client work is in install_clients.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "install.h"
#include "protocol.h"
#include "rules.h"
#include "sandbox.h"

static const char install_usage[] =
	"usage: shellgate install CLIENT... [OPTIONS]\n"
	"\n"
	"Register shellgate as the pre-tool hook of CLIENT (claude, kiro, cursor, gemini,\n"
	"codex, copilot) by editing its settings in place (other keys kept, a backup beside\n"
	"the file, atomic replace; installing twice leaves one entry). The registered command\n"
	"is a small launcher that blocks every call when shellgate is missing or fails, so a\n"
	"teammate without shellgate is blocked too. Where a hook cannot approve (Kiro, Gemini,\n"
	"Codex) the everyday allow set also goes into the client's own allow list.\n"
	"\n"
	"  --scope SCOPE       user (default), project (shared settings in the repository),\n"
	"                      local (Claude Code: .claude/settings.local.json)\n"
	"  --project DIR       the project for --scope project/local (default: the cwd)\n"
	"  --dry-run           print the changes as a diff, write nothing\n"
	"  --uninstall         remove exactly what install added\n"
	"  --bin PATH          the shellgate to register (default: this one)\n"
	"  --settings FILE     edit FILE instead of the client's usual settings file\n"
	"  --on-failure MODE   Claude Code: auto (default: \"onFailure\":\"block\" when the installed\n"
	"                      claude is " SG_CLAUDE_ONFAILURE_MIN " or newer), block, omit\n"
	"  --claude-bin PATH   the claude whose version decides --on-failure auto\n"
	"  --no-allowlist      do not write the everyday allow set into native allow lists\n"
	"  --allow-list FILE   the everyday allow set (default: hooks/allow-everyday.txt)\n";

static const char doctor_usage[] =
	"usage: shellgate doctor [CLIENT...] [--project DIR]\n"
	"\n"
	"For each client (all by default): is the shellgate hook registered, in which file,\n"
	"which binary and rule files it uses, and what it answers to a test request sent\n"
	"through the registered command exactly as the client would send it.\n"
	"Exit status: 0 every registered hook blocks the test deny, 1 otherwise.\n";

static const char *const clients[] = { "claude", "kiro", "cursor", "gemini", "codex", "copilot", NULL };

static int is_client(const char *s)
{
	for (int i = 0; clients[i]; i++)
		if (!strcmp(s, clients[i]))
			return 1;
	return 0;
}

/* hooks/allow-everyday.txt next to the installed data, or in the source tree */
static const char *default_allow_list(char *buf, size_t cap)
{
	char exe[PATH_MAX];
	const char *rules = sg_rules_builtin_dir();
	struct stat st;
	if (rules) {
		snprintf(buf, cap, "%.3900s/../hooks/allow-everyday.txt", rules);
		if (stat(buf, &st) == 0)
			return buf;
	}
	if (sg_self_exe(exe, sizeof exe)) {
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(buf, cap, "%.3900s/../share/shellgate/hooks/allow-everyday.txt", exe);
			if (stat(buf, &st) == 0)
				return buf;
		}
	}
	return NULL;	/* the built-in copy of the list */
}

int sg_cli_install(int argc, char **argv)
{
	sg_install in;
	memset(&in, 0, sizeof in);
	in.on_failure = -1;
	const char *names[8];
	int nn = 0;
	char cwd[PATH_MAX], exe[PATH_MAX], allow[PATH_MAX];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!a)
			break;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(install_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--dry-run")) {
			in.dry_run = 1;
		} else if (!strcmp(a, "--uninstall")) {
			in.uninstall = 1;
		} else if (!strcmp(a, "--no-allowlist")) {
			in.no_allowlist = 1;
		} else if (v && !strcmp(a, "--scope")) {
			i++;
			in.scope = !strcmp(v, "user") ? SG_SCOPE_USER : !strcmp(v, "project") ? SG_SCOPE_PROJECT
							 : !strcmp(v, "local") ? SG_SCOPE_LOCAL : -1;
			if (in.scope < 0) {
				fprintf(stderr, "shellgate: --scope is user, project or local\n");
				return SG_EXIT_USAGE;
			}
		} else if (v && !strcmp(a, "--project")) {
			in.project = argv[++i];
		} else if (v && !strcmp(a, "--bin")) {
			in.bin = argv[++i];
		} else if (v && !strcmp(a, "--settings")) {
			in.settings = argv[++i];
		} else if (v && !strcmp(a, "--claude-bin")) {
			in.claude_bin = argv[++i];
		} else if (v && !strcmp(a, "--allow-list")) {
			in.allow_list = argv[++i];
		} else if (v && !strcmp(a, "--on-failure")) {
			i++;
			in.on_failure = !strcmp(v, "block") ? 1 : !strcmp(v, "omit") ? 0 : !strcmp(v, "auto") ? -1 : -2;
			if (in.on_failure == -2) {
				fprintf(stderr, "shellgate: --on-failure is auto, block or omit\n");
				return SG_EXIT_USAGE;
			}
		} else if (a[0] != '-' && is_client(a) && nn < 8) {
			names[nn++] = a;
		} else {
			fprintf(stderr, "shellgate: install: unknown argument '%s'\n%s", a, install_usage);
			return SG_EXIT_USAGE;
		}
	}
	if (!nn) {
		fputs(install_usage, stderr);
		return SG_EXIT_USAGE;
	}
	if (!in.project)
		in.project = getcwd(cwd, sizeof cwd) ? cwd : ".";
	if (!in.bin)
		in.bin = sg_self_exe(exe, sizeof exe);
	if (!in.bin || in.bin[0] != '/') {
		fprintf(stderr, "shellgate: cannot tell where this shellgate is; give --bin /absolute/path\n");
		return SG_EXIT_USAGE;
	}
	if (!in.allow_list)
		in.allow_list = default_allow_list(allow, sizeof allow);
	int status = 0;
	for (int i = 0; i < nn; i++) {
		in.client = names[i];
		in.errors = 0;
		if (sg_install_client(&in) < 0 || in.errors)
			status = SG_EXIT_USAGE;
	}
	if (in.dry_run && !in.changed)
		printf("shellgate: nothing to change\n");
	return status;
}

/* ---- doctor -------------------------------------------------------------------------------- */

static const char *test_request(const char *client, const char *cwd, char *buf, size_t cap)
{
	const char *cmd = "rm -rf ~";
	if (!strcmp(client, "claude"))
		snprintf(buf, cap, "{\"session_id\":\"doctor\",\"transcript_path\":\"/dev/null\",\"cwd\":\"%s\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"%s\"},\"tool_use_id\":\"doctor\"}", cwd, cmd);
	else if (!strcmp(client, "codex"))
		snprintf(buf, cap, "{\"session_id\":\"doctor\",\"turn_id\":\"doctor\",\"cwd\":\"%s\",\"hook_event_name\":\"PreToolUse\",\"model\":\"doctor\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"%s\"},\"tool_use_id\":\"doctor\"}", cwd, cmd);
	else if (!strcmp(client, "gemini"))
		snprintf(buf, cap, "{\"session_id\":\"doctor\",\"cwd\":\"%s\",\"hook_event_name\":\"BeforeTool\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"tool_name\":\"run_shell_command\",\"tool_input\":{\"command\":\"%s\"}}", cwd, cmd);
	else if (!strcmp(client, "cursor"))
		snprintf(buf, cap, "{\"conversation_id\":\"doctor\",\"cursor_version\":\"doctor\",\"workspace_roots\":[\"%s\"],\"hook_event_name\":\"beforeShellExecution\",\"command\":\"%s\",\"cwd\":\"%s\"}", cwd, cmd, cwd);
	else if (!strcmp(client, "kiro"))
		snprintf(buf, cap, "{\"hook_event_name\":\"preToolUse\",\"cwd\":\"%s\",\"tool_name\":\"execute_bash\",\"tool_input\":{\"command\":\"%s\"}}", cwd, cmd);
	else
		snprintf(buf, cap, "{\"sessionId\":\"doctor\",\"timestamp\":0,\"cwd\":\"%s\",\"toolName\":\"bash\",\"toolArgs\":{\"command\":\"%s\"}}", cwd, cmd);
	return buf;
}

/* Runs `sh -c CMD` with input on stdin; collects stdout+stderr and the status. */
static int run_hook(const char *cmd, const char *input, sg_buf *out, int *status)
{
	int in[2], o[2];
	if (pipe(in) < 0 || pipe(o) < 0)
		return -1;
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		dup2(in[0], 0);
		dup2(o[1], 1);
		dup2(o[1], 2);
		close(in[0]), close(in[1]), close(o[0]), close(o[1]);
		alarm(20);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(o[1]);
	(void)sg_write_all(in[1], input, strlen(input));
	close(in[1]);
	char buf[4096];
	ssize_t n;
	while ((n = read(o[0], buf, sizeof buf)) > 0)
		if (out->len < 65536)
			sg_buf_add(out, buf, (size_t)n);
	close(o[0]);
	int st = 0;
	waitpid(p, &st, 0);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

static int blocked(const char *client, const char *out, int st)
{
	if (!strcmp(client, "kiro"))
		return st == 2;
	if (!strcmp(client, "copilot"))
		return strstr(out, "\"permissionDecision\":\"deny\"") != NULL;
	if (st == 2)
		return 1;
	if (!strcmp(client, "gemini"))
		return strstr(out, "\"decision\":\"deny\"") || strstr(out, "\"decision\":\"block\"");
	if (!strcmp(client, "cursor"))
		return strstr(out, "\"permission\":\"deny\"") != NULL;
	return strstr(out, "\"permissionDecision\":\"deny\"") != NULL;
}

typedef struct dctx {
	const char *client, *cwd;
	int bad;
} dctx;

static void doctor_one(const char *file, const char *cmd, void *ctx)
{
	dctx *d = ctx;
	printf("  registered in %s\n", file);
	const char *s = strstr(cmd, "S='");
	if (s) {
		const char *e = strchr(s + 3, '\'');
		int len = e ? (int)(e - s - 3) : 0;
		char bin[PATH_MAX];
		snprintf(bin, sizeof bin, "%.*s", len, s + 3);
		printf("  binary: %s%s\n", bin, access(bin, X_OK) == 0 ? "" : " (MISSING: every call is blocked until it is installed)");
	}
	char req[2048];
	sg_buf out;
	sg_buf_init(&out);
	int st = 0;
	test_request(d->client, d->cwd, req, sizeof req);
	if (run_hook(cmd, req, &out, &st) < 0) {
		printf("  test request: could not run the hook command\n");
		d->bad = 1;
	} else {
		int b = blocked(d->client, sg_buf_cstr(&out), st);
		printf("  test request `rm -rf ~`: %s (exit %d)\n", b ? "blocked, as it should be" : "NOT BLOCKED", st);
		if (!b) {
			printf("    answer: %.300s\n", sg_buf_cstr(&out));
			d->bad = 1;
		}
	}
	sg_buf_free(&out);
}

int sg_cli_doctor(int argc, char **argv)
{
	const char *want[8];
	int nw = 0;
	const char *project = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(doctor_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--project") && i + 1 < argc) {
			project = argv[++i];
		} else if (is_client(argv[i]) && nw < 8) {
			want[nw++] = argv[i];
		} else {
			fputs(doctor_usage, stderr);
			return SG_EXIT_USAGE;
		}
	}
	char cwd[PATH_MAX], exe[PATH_MAX];
	if (!project)
		project = getcwd(cwd, sizeof cwd) ? cwd : ".";
	const char *home = getenv("HOME") ? getenv("HOME") : "/";
	printf("shellgate %s\n", sg_self_exe(exe, sizeof exe) ? exe : "(unknown path)");
	const char *rd = sg_rules_builtin_dir(), *uf = sg_rules_user_file();
	printf("built-in rules: %s%s\n", rd ? rd : "(not found)", rd && access(rd, R_OK) == 0 ? "" : " (MISSING: every request is denied)");
	printf("user rules: %s%s\n", uf ? uf : "(none)", uf && access(uf, R_OK) == 0 ? "" : " (absent)");
	char pf[PATH_MAX];
	snprintf(pf, sizeof pf, "%.4000s/.shellgate/rules.json", project);
	printf("project rules: %s%s\n", pf, access(pf, R_OK) == 0 ? "" : " (absent)");
	const sg_user_config *uc = sg_user_config_get();
	printf("config: %s%s%s\n", uc->path[0] ? uc->path : "(no home)", uc->found || uc->problem[0] ? "" : " (absent)",
	       uc->problem[0] ? " (PROBLEM, see below)" : "");
	if (uc->problem[0])
		printf("  %s\n", uc->problem);
	int on_ask = uc->on_ask_sandbox == 1, on_allow = uc->sandbox_allowed == 1;
	sg_sandbox_probe_result pr;
	int can = (on_ask || on_allow) ? sg_sandbox_probe(&pr) : 0;
	printf("on_ask: %s%s\n", on_ask ? "sandbox" : "ask", on_allow ? "; sandbox_allowed: every allowed command too" : "");
	if (on_ask || on_allow)
		printf("  sandbox here: %s%s%s\n", can ? "can start (" : "CANNOT start, so nothing is rewritten: ",
		       can ? pr.platform : pr.why, can ? ")" : "");
	if ((on_ask || on_allow) && can)
		printf("  profile: %s\n", uc->sandbox_profile[0] ? uc->sandbox_profile : "default");
	int bad = 0, any = 0;
	for (int i = 0; clients[i]; i++) {
		int sel = !nw;
		for (int k = 0; k < nw; k++)
			sel |= !strcmp(want[k], clients[i]);
		if (!sel)
			continue;
		printf("%s:\n", clients[i]);
		const sg_adapter *ad = sg_protocol_adapter(sg_protocol_client_parse(clients[i]));
		if (on_ask || on_allow)
			printf("  sandbox rewrite: %s\n", ad && ad->rewritable
								   ? "yes (shell commands are rewritten to run under shellgate exec)"
								   : "no: this client's hooks cannot replace a command; asks stay asks");
		dctx d = { clients[i], project, 0 };
		int n = sg_install_find(clients[i], project, home, doctor_one, &d);
		if (!n)
			printf("  not registered (shellgate install %s)\n", clients[i]);
		any += n;
		bad |= d.bad;
	}
	if (!any)
		printf("no client has the shellgate hook registered\n");
	return bad ? 1 : 0;
}
