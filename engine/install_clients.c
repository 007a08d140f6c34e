/*
 * install_clients.c - where and how each client registers a hook
 * (PROTOCOLS.md sections 1-6), and the native allow lists written for the
 * clients whose hooks cannot approve (Kiro, Gemini CLI, Codex).
 *
 * INVARIANTS:
 *  - Only entries carrying SG_INSTALL_MARKER (or files named shellgate.*
 *    that we create) are ever changed or removed; every other key of a
 *    settings file is kept.
 *  - Allow-list entries are narrow: a known prefix followed by plain
 *    arguments, never shell syntax; nothing shellgate writes loosens a deny.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "install.h"
#include "settings_edit.h"

/* ---- launchers ------------------------------------------------------------------------- */

static void sh_quote(sg_buf *b, const char *s)
{
	sg_buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sg_buf_adds(b, "'\\''");
		else
			sg_buf_addc(b, *s);
	}
	sg_buf_addc(b, '\'');
}

char *sg_install_launcher(const char *client, const char *bin, int shared)
{
	sg_buf b;
	sg_buf_init(&b);
	/* the registered binary, else the one on PATH (a teammate's install) */
	sg_buf_adds(&b, "S=");
	sh_quote(&b, bin);
	sg_buf_adds(&b, "; [ -x \"$S\" ] || S=$(command -v shellgate 2>/dev/null) || S=; ");
	(void)shared;
	if (!strcmp(client, "copilot")) {
		/* Copilot ignores failing exit codes: every block is JSON on stdout */
		sg_buf_adds(&b, "if [ -n \"$S\" ]; then o=$(\"$S\" hook copilot); r=$?; "
				"if [ $r -eq 0 ] && [ -n \"$o\" ]; then printf '%s\\n' \"$o\"; exit 0; fi; fi; "
				"printf '%s\\n' '{\"permissionDecision\":\"deny\",\"permissionDecisionReason\":"
				"\"shellgate is not installed or failed, so this hook blocks every call (fail closed). "
				"Ask the user to install shellgate or run shellgate doctor.\"}'; exit 0 ");
	} else {
		sg_buf_printf(&b, "if [ -n \"$S\" ]; then \"$S\" hook %s; r=$?; [ $r -eq 0 ] || [ $r -eq 2 ] && exit $r; fi; "
				  "echo 'shellgate is not installed or failed, so this hook blocks every call (fail closed). "
				  "Ask the user to install shellgate or run shellgate doctor.' >&2; exit 2 ",
			      client);
	}
	sg_buf_adds(&b, SG_INSTALL_MARKER);
	return (char *)sg_buf_cstr(&b);
}

static int is_ours(const cJSON *entry, const char *key)
{
	const char *c = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(entry, key))
				? cJSON_GetObjectItemCaseSensitive(entry, key)->valuestring
				: NULL;
	return c && strstr(c, SG_INSTALL_MARKER) != NULL;
}

/* ---- Claude-shaped hook maps: {"hooks":{EVENT:[{"matcher","hooks":[{"command"}]}]}} ---- */

static void drop_empty(cJSON *parent, const char *key)
{
	cJSON *x = cJSON_GetObjectItemCaseSensitive(parent, key);
	if (x && (cJSON_IsArray(x) || cJSON_IsObject(x)) && !x->child)
		cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
}

/* Removes our entries under hooks.EVENT; grouped = Claude-style matcher groups. */
static void remove_ours(cJSON *root, const char *event, int grouped, const char *cmdkey)
{
	cJSON *hooks = cJSON_GetObjectItemCaseSensitive(root, "hooks");
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(hooks, event);
	if (!cJSON_IsArray(arr))
		return;
	for (int i = cJSON_GetArraySize(arr) - 1; i >= 0; i--) {
		cJSON *g = cJSON_GetArrayItem(arr, i);
		if (!grouped) {
			if (is_ours(g, cmdkey))
				cJSON_DeleteItemFromArray(arr, i);
			continue;
		}
		cJSON *hs = cJSON_GetObjectItemCaseSensitive(g, "hooks");
		if (!cJSON_IsArray(hs))
			continue;
		for (int k = cJSON_GetArraySize(hs) - 1; k >= 0; k--)
			if (is_ours(cJSON_GetArrayItem(hs, k), cmdkey))
				cJSON_DeleteItemFromArray(hs, k);
		if (!cJSON_GetArraySize(hs))
			cJSON_DeleteItemFromArray(arr, i);
	}
	drop_empty(hooks, event);
	drop_empty(root, "hooks");
}

static cJSON *ensure(cJSON *o, const char *key, int array)
{
	cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!x || (array ? !cJSON_IsArray(x) : !cJSON_IsObject(x))) {
		if (x)
			cJSON_DeleteItemFromObjectCaseSensitive(o, key);
		x = array ? cJSON_CreateArray() : cJSON_CreateObject();
		cJSON_AddItemToObject(o, key, x);
	}
	return x;
}

static void add_group(cJSON *root, const char *event, const char *matcher, cJSON *entry)
{
	cJSON *arr = ensure(ensure(root, "hooks", 0), event, 1);
	cJSON *g = cJSON_CreateObject();
	if (matcher)
		cJSON_AddStringToObject(g, "matcher", matcher);
	cJSON *hs = cJSON_AddArrayToObject(g, "hooks");
	cJSON_AddItemToArray(hs, entry);
	cJSON_AddItemToArray(arr, g);
}

static void add_flat(cJSON *root, const char *event, cJSON *entry)
{
	cJSON_AddItemToArray(ensure(ensure(root, "hooks", 0), event, 1), entry);
}

/* ---- files -------------------------------------------------------------------------------- */

static void say_snippet(const char *path, const cJSON *snippet, const char *why)
{
	sg_buf s;
	sg_buf_init(&s);
	sg_json_render(snippet, &s);
	printf("shellgate: %s %s; not rewriting it. Merge this into it yourself:\n%s", path, why, sg_buf_cstr(&s));
	sg_buf_free(&s);
}

/* Loads path, applies fn(root, ctx) (which removes ours and, unless
 * uninstalling, adds ours), saves. snippet: what to print for JSONC files. */
static int edit_file(sg_install *in, const char *path, void (*fn)(cJSON *root, sg_install *in, void *ctx), void *ctx)
{
	sg_settings s;
	const char *why = NULL;
	if (sg_settings_load(&s, path, &why) < 0) {
		if (s.jsonc && !in->uninstall) {
			cJSON *snip = cJSON_CreateObject();
			fn(snip, in, ctx);
			say_snippet(path, snip, why);
			cJSON_Delete(snip);
		} else {
			fprintf(stderr, "shellgate: %s: %s; not changed\n", path, why);
		}
		sg_settings_free(&s);
		in->errors++;
		return -1;
	}
	if (in->uninstall && !s.exists) {
		sg_settings_free(&s);
		return 0;
	}
	fn(s.root, in, ctx);
	int r = sg_settings_save(&s, in->dry_run, &why);
	if (r < 0) {
		fprintf(stderr, "shellgate: cannot write %s: %s\n", path, why);
		in->errors++;
	} else if (r > 0) {
		in->changed++;
		if (!in->dry_run)
			printf("shellgate: %s %s%s\n", in->uninstall ? "removed shellgate from" : "registered in", path,
			       s.exists ? " (backup: .shellgate-bak beside it)" : "");
	} else {
		printf("shellgate: %s already %s\n", path, in->uninstall ? "has no shellgate entry" : "up to date");
	}
	sg_settings_free(&s);
	return r < 0 ? -1 : 0;
}

/* A file that is entirely ours: write it, or remove it on uninstall. */
static int own_file(sg_install *in, const char *path, const char *text)
{
	if (in->uninstall) {
		struct stat st;
		if (stat(path, &st) < 0)
			return 0;
		if (in->dry_run) {
			printf("shellgate: would remove %s\n", path);
			return 0;
		}
		if (unlink(path) < 0) {
			fprintf(stderr, "shellgate: cannot remove %s: %s\n", path, strerror(errno));
			in->errors++;
			return -1;
		}
		printf("shellgate: removed %s\n", path);
		in->changed++;
		return 0;
	}
	const char *why;
	int r = sg_file_save(path, text, in->dry_run, 0644, &why);
	if (r < 0) {
		fprintf(stderr, "shellgate: cannot write %s: %s\n", path, why);
		in->errors++;
		return -1;
	}
	if (r > 0)
		in->changed++;
	if (!in->dry_run)
		printf("shellgate: %s %s\n", path, r ? "written" : "already up to date");
	return 0;
}

static const char *home_of(const sg_install *in)
{
	return in->home ? in->home : getenv("HOME") ? getenv("HOME") : "/";
}

static char *pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *pathf(const char *fmt, ...)
{
	static char bufs[8][PATH_MAX];
	static int k;
	char *b = bufs[k++ & 7];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, PATH_MAX, fmt, ap);
	va_end(ap);
	return b;
}

/* ---- the everyday allow set ------------------------------------------------------------- */

/* The same list as hooks/allow-everyday.txt, for an installed binary without it. */
static const char *const builtin_allow[] = { "ls", "pwd", "whoami", "date", "cat", "head", "tail", "wc", "diff", "grep", "rg", "git status", "git diff", "git log", "git show", "git branch", "git rev-parse", "git remote -v", "make", "cargo build", "cargo test", "cargo check", "npm test", "npm run", "go build", "go test", "go vet", "pytest", "python3 -m pytest", NULL };

/* Plain argument characters: no shell syntax can appear in an allowed command. */
#define ARG_CLASS "[A-Za-z0-9_./=:@%+,~-]"

typedef struct allowset {
	char **v;
	size_t n;
} allowset;

static void allow_load(const sg_install *in, allowset *a)
{
	memset(a, 0, sizeof *a);
	char *text = NULL;
	size_t len;
	if (in->allow_list && sg_read_file(in->allow_list, 1 << 20, &text, &len) == 0) {
		char *save = NULL;
		for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			while (*line == ' ')
				line++;
			if (!*line || *line == '#' || strpbrk(line, ";&|<>$`()'\"\\*?[{"))
				continue;
			a->v = sg_xrealloc(a->v, (a->n + 1) * sizeof *a->v);
			a->v[a->n++] = sg_xstrdup(line);
		}
		free(text);
		return;
	}
	for (int i = 0; builtin_allow[i]; i++) {
		a->v = sg_xrealloc(a->v, (a->n + 1) * sizeof *a->v);
		a->v[a->n++] = sg_xstrdup(builtin_allow[i]);
	}
}

static void allow_free(allowset *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* "git status" -> git\s+status(\s+ARG+)* (for Kiro, anchored by Kiro itself) */
static void prefix_regex(sg_buf *b, const char *p, int anchors)
{
	if (anchors)
		sg_buf_addc(b, '^');
	for (; *p; p++) {
		if (*p == ' ') {
			while (p[1] == ' ')
				p++;
			sg_buf_adds(b, " +");
		} else {
			if (strchr(".+-", *p))
				sg_buf_addc(b, '\\');
			sg_buf_addc(b, *p);
		}
	}
	sg_buf_adds(b, "( +" ARG_CLASS "+)*");
	if (anchors)
		sg_buf_addc(b, '$');
}

/* ---- Claude Code ------------------------------------------------------------------------- */

static const char CLAUDE_MATCHER[] = "Bash|Read|Write|Edit|MultiEdit|NotebookEdit|Glob|Grep";

static int version_ge(const char *v, const char *min)
{
	unsigned a[3] = { 0 }, b[3] = { 0 };
	if (sscanf(v, "%u.%u.%u", &a[0], &a[1], &a[2]) < 2 || sscanf(min, "%u.%u.%u", &b[0], &b[1], &b[2]) < 2)
		return 0;
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] > b[i];
	return 1;
}

/* `claude --version` -> "2.1.330"; "" when it cannot be run */
static void claude_version(const char *bin, char *out, size_t cap)
{
	out[0] = 0;
	int p[2];
	if (pipe(p) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		int dn = open("/dev/null", 0);
		if (dn >= 0)
			dup2(dn, 0), dup2(dn, 2);
		alarm(10);
		execlp(bin ? bin : "claude", bin ? bin : "claude", "--version", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	ssize_t n = pid > 0 ? read(p[0], out, cap - 1) : -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	out[n > 0 ? n : 0] = 0;
	out[strcspn(out, " \n")] = 0;
}

static void claude_edit(cJSON *root, sg_install *in, void *ctx)
{
	const char *launcher = ctx;
	remove_ours(root, "PreToolUse", 1, "command");
	remove_ours(root, "PermissionRequest", 1, "command");
	if (in->uninstall)
		return;
	static const char *const events[] = { "PreToolUse", "PermissionRequest" };
	for (int i = 0; i < 2; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "type", "command");
		cJSON_AddStringToObject(e, "command", launcher);
		cJSON_AddNumberToObject(e, "timeout", SG_INSTALL_TIMEOUT);
		if (in->on_failure == 1)
			cJSON_AddStringToObject(e, "onFailure", "block");
		add_group(root, events[i], CLAUDE_MATCHER, e);
	}
}

static int install_claude(sg_install *in)
{
	const char *cfg = getenv("CLAUDE_CONFIG_DIR");
	const char *path = in->settings ? in->settings
			   : in->scope == SG_SCOPE_USER
				   ? (cfg && *cfg ? pathf("%s/settings.json", cfg) : pathf("%s/.claude/settings.json", home_of(in)))
			   : in->scope == SG_SCOPE_PROJECT ? pathf("%s/.claude/settings.json", in->project)
							   : pathf("%s/.claude/settings.local.json", in->project);
	if (in->on_failure < 0 && !in->uninstall) {
		char v[64];
		claude_version(in->claude_bin, v, sizeof v);
		in->on_failure = v[0] && version_ge(v, SG_CLAUDE_ONFAILURE_MIN);
		printf("shellgate: Claude Code %s: %s\n", v[0] ? v : "(not found)",
		       in->on_failure ? "registering with onFailure: block"
				      : "onFailure not set (needs " SG_CLAUDE_ONFAILURE_MIN "; the launcher still fails closed)");
	}
	char *l = sg_install_launcher("claude", in->bin, in->scope == SG_SCOPE_PROJECT);
	int r = edit_file(in, path, claude_edit, l);
	free(l);
	return r;
}

/* ---- Codex ---------------------------------------------------------------------------------- */

static void codex_edit(cJSON *root, sg_install *in, void *ctx)
{
	const char *launcher = ctx;
	remove_ours(root, "PreToolUse", 1, "command");
	remove_ours(root, "PermissionRequest", 1, "command");
	if (in->uninstall)
		return;
	static const char *const events[] = { "PreToolUse", "PermissionRequest" };
	for (int i = 0; i < 2; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "type", "command");
		cJSON_AddStringToObject(e, "command", launcher);
		cJSON_AddNumberToObject(e, "timeout", SG_INSTALL_TIMEOUT);
		cJSON_AddStringToObject(e, "statusMessage", "shellgate policy check");
		add_group(root, events[i], NULL, e);	/* every tool: Bash and apply_patch are judged */
	}
}

static int install_codex(sg_install *in)
{
	const char *ch = getenv("CODEX_HOME");
	const char *dir = in->scope == SG_SCOPE_PROJECT ? pathf("%s/.codex", in->project)
			  : ch && *ch ? ch : pathf("%s/.codex", home_of(in));
	char dirbuf[PATH_MAX];
	snprintf(dirbuf, sizeof dirbuf, "%s", dir);
	char *l = sg_install_launcher("codex", in->bin, in->scope == SG_SCOPE_PROJECT);
	int r = edit_file(in, in->settings ? in->settings : pathf("%s/hooks.json", dirbuf), codex_edit, l);
	free(l);
	if (in->scope == SG_SCOPE_USER && !in->no_allowlist) {
		/* execpolicy prefix rules: the everyday set runs without approval */
		allowset a;
		allow_load(in, &a);
		sg_buf b;
		sg_buf_init(&b);
		sg_buf_adds(&b, "# Written by `shellgate install codex` (everyday commands that need no approval;\n"
				"# the shellgate hook still judges every command first). Removed by --uninstall.\n");
		for (size_t i = 0; i < a.n; i++) {
			sg_buf_adds(&b, "prefix_rule(pattern = [");
			char *w = sg_xstrdup(a.v[i]);
			int k = 0;
			char *save = NULL;
			for (char *t = strtok_r(w, " ", &save); t; t = strtok_r(NULL, " ", &save))
				sg_buf_printf(&b, "%s\"%s\"", k++ ? ", " : "", t);
			free(w);
			sg_buf_adds(&b, "], decision = \"allow\")\n");
		}
		own_file(in, pathf("%s/rules/shellgate.rules", dirbuf), sg_buf_cstr(&b));
		sg_buf_free(&b);
		allow_free(&a);
	}
	if (!in->uninstall && !in->dry_run)
		printf("shellgate: Codex runs only hooks you have trusted: review it once with /hooks in the Codex TUI.\n");
	return r;
}

/* ---- Gemini CLI ------------------------------------------------------------------------------ */

static const char GEMINI_MATCHER[] =
	"run_shell_command|read_file|write_file|replace|read_many_files|list_directory|glob|grep_search|search_file_content";

static void gemini_edit(cJSON *root, sg_install *in, void *ctx)
{
	remove_ours(root, "BeforeTool", 1, "command");
	if (in->uninstall)
		return;
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "type", "command");
	cJSON_AddStringToObject(e, "name", "shellgate");
	cJSON_AddStringToObject(e, "command", (const char *)ctx);
	cJSON_AddNumberToObject(e, "timeout", SG_INSTALL_TIMEOUT * 1000);
	add_group(root, "BeforeTool", GEMINI_MATCHER, e);
}

static int install_gemini(sg_install *in)
{
	const char *path = in->settings ? in->settings
			   : in->scope == SG_SCOPE_PROJECT ? pathf("%s/.gemini/settings.json", in->project)
							   : pathf("%s/.gemini/settings.json", home_of(in));
	char *l = sg_install_launcher("gemini", in->bin, in->scope == SG_SCOPE_PROJECT);
	int r = edit_file(in, path, gemini_edit, l);
	free(l);
	if (in->scope == SG_SCOPE_USER && !in->no_allowlist) {
		allowset a;
		allow_load(in, &a);
		sg_buf b;
		sg_buf_init(&b);
		sg_buf_adds(&b, "# Written by `shellgate install gemini`: everyday commands that need no confirmation.\n"
				"# The shellgate BeforeTool hook still judges every command first. Removed by --uninstall.\n");
		for (size_t i = 0; i < a.n; i++) {
			sg_buf tmp;
			sg_buf_init(&tmp);
			prefix_regex(&tmp, a.v[i], 1);
			sg_buf_adds(&b, "\n[[rule]]\ntoolName = \"run_shell_command\"\ncommandRegex = '");
			sg_buf_adds(&b, sg_buf_cstr(&tmp));
			sg_buf_adds(&b, "'\ndecision = \"allow\"\npriority = 100\n");
			sg_buf_free(&tmp);
		}
		own_file(in, pathf("%s/.gemini/policies/shellgate.toml", home_of(in)), sg_buf_cstr(&b));
		sg_buf_free(&b);
		allow_free(&a);
	}
	return r;
}

/* ---- Cursor ----------------------------------------------------------------------------------- */

static void cursor_edit(cJSON *root, sg_install *in, void *ctx)
{
	static const char *const events[] = { "beforeShellExecution", "preToolUse", "beforeReadFile" };
	for (int i = 0; i < 3; i++)
		remove_ours(root, events[i], 0, "command");
	if (in->uninstall)
		return;
	if (!cJSON_GetObjectItemCaseSensitive(root, "version"))
		cJSON_AddNumberToObject(root, "version", 1);
	for (int i = 0; i < 3; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "command", (const char *)ctx);
		if (i == 1)
			cJSON_AddStringToObject(e, "matcher", "Shell|Read|Write|Delete|Grep");
		cJSON_AddNumberToObject(e, "timeout", SG_INSTALL_TIMEOUT);
		cJSON_AddBoolToObject(e, "failClosed", 1);
		add_flat(root, events[i], e);
	}
}

static int install_cursor(sg_install *in)
{
	const char *path = in->settings ? in->settings
			   : in->scope == SG_SCOPE_PROJECT ? pathf("%s/.cursor/hooks.json", in->project)
							   : pathf("%s/.cursor/hooks.json", home_of(in));
	char *l = sg_install_launcher("cursor", in->bin, in->scope == SG_SCOPE_PROJECT);
	int r = edit_file(in, path, cursor_edit, l);
	free(l);
	return r;
}

/* ---- Kiro ---------------------------------------------------------------------------------------- */

typedef struct kiro_ctx {
	const char *launcher;
	allowset allow;
} kiro_ctx;

static void kiro_allow_regex(sg_buf *b, const char *prefix)
{
	prefix_regex(b, prefix, 0);
}

static void kiro_agent_edit(cJSON *root, sg_install *in, void *ctx)
{
	kiro_ctx *k = ctx;
	remove_ours(root, "preToolUse", 0, "command");
	/* our allowedCommands entries are exactly the regexes of the allow set */
	cJSON *ts = cJSON_GetObjectItemCaseSensitive(root, "toolsSettings");
	cJSON *sh = cJSON_GetObjectItemCaseSensitive(ts, "shell");
	cJSON *ac = cJSON_GetObjectItemCaseSensitive(sh, "allowedCommands");
	for (size_t i = 0; i < k->allow.n && cJSON_IsArray(ac); i++) {
		sg_buf re;
		sg_buf_init(&re);
		kiro_allow_regex(&re, k->allow.v[i]);
		for (int j = cJSON_GetArraySize(ac) - 1; j >= 0; j--) {
			cJSON *x = cJSON_GetArrayItem(ac, j);
			if (cJSON_IsString(x) && !strcmp(x->valuestring, sg_buf_cstr(&re)))
				cJSON_DeleteItemFromArray(ac, j);
		}
		sg_buf_free(&re);
	}
	if (in->uninstall) {
		drop_empty(sh, "allowedCommands");
		drop_empty(ts, "shell");
		drop_empty(root, "toolsSettings");
		return;
	}
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "command", k->launcher);
	cJSON_AddNumberToObject(e, "timeout_ms", SG_INSTALL_TIMEOUT * 1000);
	cJSON_AddNumberToObject(e, "cache_ttl_seconds", 0);
	add_flat(root, "preToolUse", e);
	if (!in->no_allowlist) {
		ac = ensure(ensure(ensure(root, "toolsSettings", 0), "shell", 0), "allowedCommands", 1);
		for (size_t i = 0; i < k->allow.n; i++) {
			sg_buf re;
			sg_buf_init(&re);
			kiro_allow_regex(&re, k->allow.v[i]);
			cJSON_AddItemToArray(ac, cJSON_CreateString(sg_buf_cstr(&re)));
			sg_buf_free(&re);
		}
	}
}

static int install_kiro(sg_install *in)
{
	const char *base = in->scope == SG_SCOPE_PROJECT ? in->project : home_of(in);
	char agents[PATH_MAX], hookfile[PATH_MAX];
	snprintf(agents, sizeof agents, "%s/.kiro/agents", base);
	snprintf(hookfile, sizeof hookfile, "%s/.kiro/hooks/shellgate.json", base);
	kiro_ctx k;
	k.launcher = sg_install_launcher("kiro", in->bin, in->scope == SG_SCOPE_PROJECT);
	allow_load(in, &k.allow);
	/* Kiro CLI v3 and Kiro IDE: a v1 hook file applies to every agent, the default one included */
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "version", "v1");
	cJSON *hs = cJSON_AddArrayToObject(f, "hooks");
	cJSON *h = cJSON_CreateObject();
	cJSON_AddStringToObject(h, "name", "shellgate");
	cJSON_AddStringToObject(h, "trigger", "PreToolUse");
	cJSON_AddStringToObject(h, "matcher", ".*");
	cJSON *act = cJSON_AddObjectToObject(h, "action");
	cJSON_AddStringToObject(act, "type", "command");
	cJSON_AddStringToObject(act, "command", k.launcher);
	cJSON_AddNumberToObject(h, "timeout", SG_INSTALL_TIMEOUT);
	cJSON_AddBoolToObject(h, "enabled", 1);
	cJSON_AddItemToArray(hs, h);
	sg_buf ft;
	sg_buf_init(&ft);
	sg_json_render(f, &ft);
	own_file(in, hookfile, sg_buf_cstr(&ft));
	sg_buf_free(&ft);
	cJSON_Delete(f);
	/* Kiro CLI 2.x: hooks run only for the agent in use, so every agent file gets one;
	 * "shellgate" is an agent with everything allowed-by-default removed, to use as default */
	char own[PATH_MAX + 32];
	snprintf(own, sizeof own, "%s/shellgate.json", agents);
	if (in->uninstall) {
		own_file(in, own, "");
	} else {
		struct stat st;
		if (stat(own, &st) < 0) {
			const char *why;
			if (!in->dry_run && sg_file_save(own, "{\n  \"name\": \"shellgate\",\n  \"description\": \"Default agent with every shell command and file change checked by shellgate\",\n  \"tools\": [\"*\"]\n}\n", 0, 0644, &why) < 0)
				fprintf(stderr, "shellgate: cannot write %s: %s\n", own, why);
		}
	}
	DIR *d = opendir(agents);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l <= 5 || strcmp(e->d_name + l - 5, ".json") || e->d_name[0] == '.')
			continue;
		char p[PATH_MAX + 260];
		snprintf(p, sizeof p, "%s/%s", agents, e->d_name);
		if (in->uninstall && !strcmp(e->d_name, "shellgate.json"))
			continue;
		edit_file(in, p, kiro_agent_edit, &k);
		n++;
	}
	if (d)
		closedir(d);
	if (!in->uninstall && !in->dry_run)
		printf("shellgate: Kiro CLI 2.x runs agent hooks only for the agent in use: %d agent file%s in %s registered; "
		       "make the checked agent your default with `kiro-cli settings chat.defaultAgent shellgate`.\n",
		       n, n == 1 ? "" : "s", agents);
	allow_free(&k.allow);
	free((char *)k.launcher);
	return 0;
}

/* ---- Copilot CLI ------------------------------------------------------------------------------- */

static int install_copilot(sg_install *in)
{
	if (in->scope != SG_SCOPE_PROJECT) {
		fprintf(stderr, "shellgate: Copilot CLI reads hooks from the repository (.github/hooks/): use --scope project\n");
		in->errors++;
		return -1;
	}
	char *l = sg_install_launcher("copilot", in->bin, 1);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddNumberToObject(f, "version", 1);
	cJSON *hooks = cJSON_AddObjectToObject(f, "hooks");
	cJSON *arr = cJSON_AddArrayToObject(hooks, "preToolUse");
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "type", "command");
	cJSON_AddStringToObject(e, "bash", l);
	cJSON_AddNumberToObject(e, "timeoutSec", SG_INSTALL_TIMEOUT);
	cJSON_AddItemToArray(arr, e);
	sg_buf t;
	sg_buf_init(&t);
	sg_json_render(f, &t);
	int r = own_file(in, pathf("%s/.github/hooks/shellgate.json", in->project), sg_buf_cstr(&t));
	sg_buf_free(&t);
	cJSON_Delete(f);
	free(l);
	return r;
}

int sg_install_client(sg_install *in)
{
	if (!strcmp(in->client, "claude"))
		return install_claude(in);
	if (in->scope == SG_SCOPE_LOCAL) {
		fprintf(stderr, "shellgate: --scope local exists for Claude Code only\n");
		in->errors++;
		return -1;
	}
	if (!strcmp(in->client, "codex"))
		return install_codex(in);
	if (!strcmp(in->client, "gemini"))
		return install_gemini(in);
	if (!strcmp(in->client, "cursor"))
		return install_cursor(in);
	if (!strcmp(in->client, "kiro"))
		return install_kiro(in);
	if (!strcmp(in->client, "copilot"))
		return install_copilot(in);
	fprintf(stderr, "shellgate: unknown client '%s' (claude, kiro, cursor, gemini, codex, copilot)\n", in->client);
	in->errors++;
	return -1;
}

/* ---- doctor ------------------------------------------------------------------------------------- */

static void find_in(const char *file, const cJSON *j, void (*fn)(const char *, const char *, void *), void *ctx, int *n)
{
	if (cJSON_IsString(j) && strstr(j->valuestring, SG_INSTALL_MARKER)) {
		fn(file, j->valuestring, ctx);	/* the first one per file: they are all the same */
		(*n)++;
		return;
	}
	for (const cJSON *c = j ? j->child : NULL; c && !*n; c = c->next)
		find_in(file, c, fn, ctx, n);
}

static void scan_file(const char *file, void (*fn)(const char *, const char *, void *), void *ctx, int *n)
{
	char *text;
	size_t len;
	if (sg_read_file(file, 4u << 20, &text, &len) < 0)
		return;
	cJSON *j = cJSON_ParseWithLength(text, len);
	free(text);
	int found = 0;
	find_in(file, j, fn, ctx, &found);
	cJSON_Delete(j);
	*n += found;
}

int sg_install_find(const char *client, const char *project, const char *home,
		    void (*fn)(const char *file, const char *cmd, void *ctx), void *ctx)
{
	int n = 0;
	const char *cfg = getenv("CLAUDE_CONFIG_DIR");
	if (!strcmp(client, "claude")) {
		scan_file(cfg && *cfg ? pathf("%s/settings.json", cfg) : pathf("%s/.claude/settings.json", home), fn, ctx, &n);
		scan_file(pathf("%s/.claude/settings.json", project), fn, ctx, &n);
		scan_file(pathf("%s/.claude/settings.local.json", project), fn, ctx, &n);
	} else if (!strcmp(client, "codex")) {
		const char *ch = getenv("CODEX_HOME");
		scan_file(ch && *ch ? pathf("%s/hooks.json", ch) : pathf("%s/.codex/hooks.json", home), fn, ctx, &n);
		scan_file(pathf("%s/.codex/hooks.json", project), fn, ctx, &n);
	} else if (!strcmp(client, "gemini")) {
		scan_file(pathf("%s/.gemini/settings.json", home), fn, ctx, &n);
		scan_file(pathf("%s/.gemini/settings.json", project), fn, ctx, &n);
	} else if (!strcmp(client, "cursor")) {
		scan_file(pathf("%s/.cursor/hooks.json", home), fn, ctx, &n);
		scan_file(pathf("%s/.cursor/hooks.json", project), fn, ctx, &n);
	} else if (!strcmp(client, "kiro")) {
		scan_file(pathf("%s/.kiro/hooks/shellgate.json", home), fn, ctx, &n);
		scan_file(pathf("%s/.kiro/hooks/shellgate.json", project), fn, ctx, &n);
		scan_file(pathf("%s/.kiro/agents/default.json", home), fn, ctx, &n);
	} else if (!strcmp(client, "copilot")) {
		scan_file(pathf("%s/.github/hooks/shellgate.json", project), fn, ctx, &n);
	}
	return n;
}
