/*
 * import_claude.c - Claude Code `permissions` lists as shellgate rules
 * (issue 4 part 4), the layer hook for the engine, and `shellgate import`.
 *
 * Translation (PROTOCOLS.md 1.7):
 *   Bash                    any command
 *   Bash(git push:*)        program git, leading positionals "push", any rest
 *   Bash(git diff *)        the same (a trailing " *" is a word prefix)
 *   Bash(rm -rf:*)          program rm with flags -r and -f, in any order or cluster
 *   Bash(npm run build)     exactly those words (no further arguments)
 *   Bash(git * main)        program git, the command's text matches the glob
 *   Read(path) / Edit(path) / Write(path): the @read/@search or @write
 *                           pseudo-command whose path matches the gitignore-style glob
 * The structured form is matched on the IR, so `cd x && git push`,
 * `sudo git push`, `bash -c 'git push'` and `git -C . push` are all caught.
 * deny/ask rules also match the words as text (any of the two), allow rules
 * need both: imported allows are never looser than Claude's own matching.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "import.h"
#include "import_common.h"

/* ---- Bash(...) ---------------------------------------------------------------------------- */

/* Splits spec on blanks, dropping simple quotes. Returns the word count. */
static size_t split_words(const char *s, char **w, size_t max, sg_arena *A)
{
	size_t n = 0;
	while (*s && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		sg_buf b;
		sg_buf_init(&b);
		char q = 0;
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (!q && (*s == '"' || *s == '\''))
				q = *s;
			else if (q && *s == q)
				q = 0;
			else
				sg_buf_addc(&b, *s);
		}
		w[n++] = sg_arena_strndup(A, b.data ? b.data : "", b.len);
		sg_buf_free(&b);
	}
	return n;
}

/* A text regex for the words: ^\s*w1\s+w2...(\s[\s\S]*)?\s*$ */
static const char *words_regex(char **w, size_t n, int prefix, sg_arena *A)
{
	sg_buf b;
	sg_buf_init(&b);
	sg_buf_adds(&b, "^\\s*");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sg_buf_adds(&b, "\\s+");
		sg_imp_regex_quote(&b, w[i]);
	}
	sg_buf_adds(&b, prefix ? "(?:\\s[\\s\\S]*)?$" : "\\s*$");
	const char *r = sg_arena_strndup(A, b.data, b.len);
	sg_buf_free(&b);
	return r;
}

static cJSON *bash_cond(const char *spec, int decision, sg_arena *A)
{
	size_t len = strlen(spec);
	int prefix = 0;
	char *s = sg_arena_strndup(A, spec, len);
	if (len >= 2 && !strcmp(s + len - 2, ":*"))
		s[len - 2] = 0, prefix = 1;
	else if (len >= 2 && !strcmp(s + len - 2, " *"))
		s[len - 2] = 0, prefix = 1;
	while (*s == ' ')
		s++;
	if (!*s || !strcmp(s, "*"))
		return cJSON_CreateObject();	/* every command */
	char *w[64];
	size_t n = split_words(s, w, 64, A);
	if (!n)
		return cJSON_CreateObject();
	int glob = strpbrk(s, "*?[") != NULL || strchr(w[0], '=') != NULL || n == 64;
	cJSON *c = cJSON_CreateObject();
	if (glob) {
		/* mid-pattern wildcards: the command's own text, as Claude matches it */
		if (!strpbrk(w[0], "*?[=")) {
			const char *base = strrchr(w[0], '/') ? strrchr(w[0], '/') + 1 : w[0];
			cJSON_AddItemToObject(c, "program", cJSON_CreateStringArray(&base, 1));
		}
		sg_buf b;
		sg_buf_init(&b);
		sg_buf_adds(&b, "^\\s*");
		sg_imp_glob_regex(&b, s, 0);
		sg_buf_adds(&b, prefix ? "(?:\\s[\\s\\S]*)?$" : "\\s*$");
		cJSON *raw = cJSON_CreateArray();
		cJSON_AddItemToArray(raw, cJSON_CreateString(sg_buf_cstr(&b)));
		cJSON_AddItemToObject(c, "raw", raw);
		sg_buf_free(&b);
		return c;
	}
	const char *base = strrchr(w[0], '/') && w[0][strlen(w[0]) - 1] != '/' ? strrchr(w[0], '/') + 1 : w[0];
	cJSON_AddItemToObject(c, "program", cJSON_CreateStringArray(&base, 1));
	sg_buf sub;
	sg_buf_init(&sub);
	cJSON *flags = cJSON_CreateArray();
	for (size_t i = 1; i < n; i++) {
		if (w[i][0] == '-' && w[i][1] && w[i][1] != '-') {
			for (const char *p = w[i] + 1; *p; p++) {
				char f[3] = { '-', *p, 0 };
				cJSON_AddItemToArray(flags, cJSON_CreateString(f));
			}
		} else if (w[i][0] == '-' && w[i][1] == '-' && w[i][2]) {
			cJSON_AddItemToArray(flags, cJSON_CreateString(w[i]));
		} else {
			sg_buf_printf(&sub, "%s%s", sub.len ? " " : "", w[i]);
		}
	}
	if (sub.len) {
		cJSON *sc = cJSON_CreateArray();
		cJSON_AddItemToArray(sc, cJSON_CreateString(sg_buf_cstr(&sub)));
		cJSON_AddItemToObject(c, "subcommand", sc);
	}
	sg_buf_free(&sub);
	if (cJSON_GetArraySize(flags))
		cJSON_AddItemToObject(c, "flags_all", flags);
	else
		cJSON_Delete(flags);
	if (!prefix)
		cJSON_AddNumberToObject(c, "argc_max", (double)(n - 1));
	/* the same words as text: deny/ask match either form, allow needs both */
	cJSON *raw = cJSON_CreateObject(), *ra = cJSON_CreateArray();
	cJSON_AddItemToArray(ra, cJSON_CreateString(words_regex(w, n, prefix, A)));
	cJSON_AddItemToObject(raw, "raw", ra);
	cJSON *both = cJSON_CreateArray();
	cJSON_AddItemToArray(both, c);
	cJSON_AddItemToArray(both, raw);
	cJSON *top = cJSON_CreateObject();
	cJSON_AddItemToObject(top, decision == SG_ALLOW ? "all" : "any", both);
	return top;
}

/* ---- Read(path) / Edit(path) ------------------------------------------------------------- */

static cJSON *path_cond(const char *tool, const char *spec, const sg_imp_src *src, sg_arena *A)
{
	static const char *const rd[] = { "@read", "@search" }, *const wr[] = { "@write" };
	int write = !strcmp(tool, "Edit") || !strcmp(tool, "Write") || !strcmp(tool, "MultiEdit") ||
		    !strcmp(tool, "NotebookEdit");
	cJSON *c = cJSON_CreateObject();
	cJSON_AddItemToObject(c, "program", write ? cJSON_CreateStringArray(wr, 1) : cJSON_CreateStringArray(rd, 2));
	if (!spec || !*spec || !strcmp(spec, "*") || !strcmp(spec, "**"))
		return c;
	sg_buf b;
	sg_buf_init(&b);
	sg_buf_addc(&b, '^');
	const char *home = src->home;
	if (!strncmp(spec, "//", 2)) {
		sg_imp_glob_regex(&b, spec + 1, 1);
	} else if (!strncmp(spec, "~/", 2)) {
		sg_imp_regex_quote(&b, home);
		sg_imp_glob_regex(&b, spec + 1, 1);
	} else if (spec[0] == '/') {
		sg_imp_regex_quote(&b, src->root);
		sg_imp_glob_regex(&b, spec, 1);
	} else {
		const char *p = !strncmp(spec, "./", 2) ? spec + 2 : spec;
		int anchored = strchr(p, '/') && p[strlen(p) - 1] != '/';
		if (anchored || p != spec) {
			sg_imp_regex_quote(&b, src->root);
			sg_buf_addc(&b, '/');
		} else {
			sg_buf_adds(&b, "(?:.*/)?");	/* gitignore: a bare name matches at any depth */
		}
		sg_imp_glob_regex(&b, p, 1);
	}
	sg_buf_adds(&b, "(?:/.*)?$");
	cJSON *args = cJSON_CreateArray();
	cJSON_AddItemToArray(args, cJSON_CreateString(sg_buf_cstr(&b)));
	cJSON_AddItemToObject(c, "args_any", args);
	sg_buf_free(&b);
	(void)A;
	return c;
}

/* One permission entry -> a rule object, or NULL (not a tool shellgate judges). */
static cJSON *entry_rule(const char *entry, int decision, const sg_imp_src *src, int n, sg_arena *A)
{
	const char *open = strchr(entry, '(');
	size_t tl = open ? (size_t)(open - entry) : strlen(entry);
	char tool[64];
	if (tl == 0 || tl >= sizeof tool)
		return NULL;
	memcpy(tool, entry, tl);
	tool[tl] = 0;
	const char *spec = NULL;
	if (open) {
		size_t el = strlen(entry);
		if (el < tl + 2 || entry[el - 1] != ')')
			return NULL;
		spec = sg_arena_strndup(A, open + 1, el - tl - 2);
	}
	cJSON *cond;
	if (!strcmp(tool, "Bash"))
		cond = bash_cond(spec ? spec : "", decision, A);
	else if (!strcmp(tool, "Read") || !strcmp(tool, "Edit") || !strcmp(tool, "Write") || !strcmp(tool, "MultiEdit") ||
		 !strcmp(tool, "NotebookEdit") || !strcmp(tool, "Glob") || !strcmp(tool, "Grep"))
		cond = path_cond(tool, spec, src, A);
	else
		return NULL;
	const char *dn = sg_decision_name((sg_decision)decision);
	char *reason = sg_arena_printf(A, "The user's Claude Code settings (%s) %s this: `%s`.%s", src->file,
				       decision == SG_DENY ? "deny" : decision == SG_ASK ? "ask about" : "allow", entry,
				       decision == SG_DENY ? " Do not look for another way to do it; ask the user." : "");
	return sg_imp_rule(sg_arena_printf(A, "claude.%s.%s.%d", src->scope, dn, n), decision, reason, cond);
}

/* ---- sources --------------------------------------------------------------------------------- */

static int claude_rules(const sg_imp_src *src, cJSON *root, cJSON *rules, sg_buf *log, sg_arena *A)
{
	const cJSON *perm = cJSON_GetObjectItemCaseSensitive(root, "permissions");
	static const char *const lists[] = { "deny", "ask", "allow" };
	static const int dec[] = { SG_DENY, SG_ASK, SG_ALLOW };
	int added = 0;
	for (int l = 0; l < 3; l++) {
		if (dec[l] == SG_ALLOW && !src->trusted)
			continue;	/* an untrusted project may only tighten */
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(perm, lists[l]), *x;
		int n = 0;
		cJSON_ArrayForEach(x, arr) {
			n++;
			if (!cJSON_IsString(x))
				continue;
			cJSON *r = entry_rule(x->valuestring, dec[l], src, n, A);
			if (!r) {
				if (log && strncmp(x->valuestring, "mcp__", 5) && strncmp(x->valuestring, "Web", 3))
					sg_buf_printf(log, "%s:1:1: note: permission '%s' is not a tool shellgate judges; left to Claude Code\n",
						      src->file, x->valuestring);
				continue;
			}
			cJSON_AddItemToArray(rules, r);
			added++;
		}
	}
	return added;
}

static const char *claude_dir(sg_arena *A, const char *home)
{
	const char *d = getenv("CLAUDE_CONFIG_DIR");
	return d && *d ? d : sg_arena_printf(A, "%s/.claude", home);
}

/* Every Claude settings file that may hold permissions, in Claude's order. */
static size_t claude_sources(const sg_import_opts *io, sg_imp_src *s, int project_trusted, sg_arena *A)
{
	const char *home = io->home ? io->home : getenv("HOME") ? getenv("HOME") : "/";
	size_t n = 0;
	/* relative and "/path" patterns are relative to the project in every file */
	const char *root = io->project ? io->project : home;
	s[n++] = (sg_imp_src){ "/etc/claude-code/managed-settings.json", "managed", home, root, 1, SG_LAYER_USER };
	s[n++] = (sg_imp_src){ sg_arena_printf(A, "%s/settings.json", claude_dir(A, home)), "user", home, root, 1,
			       SG_LAYER_USER };
	if (io->project) {
		s[n++] = (sg_imp_src){ sg_arena_printf(A, "%s/.claude/settings.json", io->project), "project", home,
				       io->project, project_trusted, SG_LAYER_PROJECT };
		s[n++] = (sg_imp_src){ sg_arena_printf(A, "%s/.claude/settings.local.json", io->project), "local", home,
				       io->project, project_trusted, SG_LAYER_PROJECT };
	}
	return n;
}

int sg_import_claude_text(const sg_import_opts *io, int trusted_project, sg_buf *out, sg_buf *log)
{
	sg_arena A;
	sg_arena_init(&A);
	sg_imp_src src[8];
	size_t ns = claude_sources(io, src, trusted_project, &A);
	cJSON *rules = cJSON_CreateArray();
	sg_buf_adds(out, "// Claude Code permission lists translated by `shellgate import claude`.\n");
	int total = 0;
	for (size_t i = 0; i < ns; i++) {
		cJSON *root = sg_imp_read_json_src(&src[i], log);
		if (!root)
			continue;
		int k = claude_rules(&src[i], root, rules, log, &A);
		sg_buf_printf(out, "// %s: %d rule%s%s\n", src[i].file, k, k == 1 ? "" : "s",
			      src[i].trusted ? "" : " (project not trusted: deny and ask only)");
		total += k;
		cJSON_Delete(root);
	}
	sg_imp_print_file(out, "imported-claude", rules);
	cJSON_Delete(rules);
	sg_arena_free(&A);
	return total;
}

void sg_import_layers(sg_ruleset *rs, const sg_import_opts *io, sg_buf *log)
{
	sg_arena A;
	sg_arena_init(&A);
	int trusted = io->project ? sg_imp_project_trusted(rs, io->project) : 0;
	if (io->claude) {
		sg_imp_src src[8];
		size_t ns = claude_sources(io, src, trusted, &A);
		for (size_t i = 0; i < ns; i++) {
			cJSON *root = sg_imp_read_json_src(&src[i], log);
			if (!root)
				continue;
			cJSON *rules = cJSON_CreateArray();
			if (claude_rules(&src[i], root, rules, log, &A) > 0)
				sg_imp_load(rs, &src[i], rules, log);
			cJSON_Delete(rules);
			cJSON_Delete(root);
		}
	}
	if (io->kiro)
		sg_import_kiro_layers(rs, io, trusted, log);
	sg_arena_free(&A);
}

static int key_file(sg_buf *key, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return 0;
	sg_buf_printf(key, "%s:%lld:%lld.%ld:%lld.%ld:%llu;", path, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		      st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec, (unsigned long long)st.st_ino);
	return 1;
}

int sg_import_key(const sg_import_opts *io, sg_buf *key)
{
	sg_arena A;
	sg_arena_init(&A);
	int n = 0;
	if (io->claude) {
		sg_imp_src src[8];
		size_t ns = claude_sources(io, src, 0, &A);
		for (size_t i = 0; i < ns; i++)
			n += key_file(key, src[i].file);
	}
	if (io->kiro) {
		const char *home = io->home ? io->home : getenv("HOME") ? getenv("HOME") : "/";
		const char *dirs[2] = { sg_arena_printf(&A, "%s/.kiro/agents", home),
					io->project ? sg_arena_printf(&A, "%s/.kiro/agents", io->project) : NULL };
		for (int d = 0; d < 2; d++) {
			DIR *dir = dirs[d] ? opendir(dirs[d]) : NULL;
			if (!dir)
				continue;
			key_file(key, dirs[d]);
			struct dirent *e;
			while ((e = readdir(dir)))
				if (e->d_name[0] != '.')
					n += key_file(key, sg_arena_printf(&A, "%s/%s", dirs[d], e->d_name));
			closedir(dir);
		}
	}
	sg_arena_free(&A);
	return n;
}

/* ---- Claude's own matching, on the text (PermissionRequest) ------------------------------------ */

static int text_matches(const char *spec, const char *cmd)
{
	size_t len = strlen(spec);
	while (*cmd == ' ')
		cmd++;
	if (!len || !strcmp(spec, "*"))
		return 1;
	if (len >= 2 && (!strcmp(spec + len - 2, ":*") || !strcmp(spec + len - 2, " *"))) {
		size_t pl = len - 2;
		return !strncmp(cmd, spec, pl) && (cmd[pl] == 0 || cmd[pl] == ' ' || cmd[pl] == '\t' || cmd[pl] == '\n');
	}
	if (strchr(spec, '*'))
		return sg_imp_glob_text(spec, cmd);
	return !strcmp(spec, cmd);
}

int sg_import_claude_prompts(const char *project, const char *tool, const char *text)
{
	if (!tool || !text)
		return 0;
	sg_arena A;
	sg_arena_init(&A);
	sg_import_opts io = { project, NULL, 1, 0 };
	sg_imp_src src[8];
	size_t ns = claude_sources(&io, src, 0, &A);
	int hit = 0;
	for (size_t i = 0; i < ns && !hit; i++) {
		cJSON *root = sg_imp_read_json_path(src[i].file, NULL);
		const cJSON *perm = cJSON_GetObjectItemCaseSensitive(root, "permissions");
		static const char *const lists[] = { "deny", "ask" };
		for (int l = 0; l < 2 && !hit; l++) {
			const cJSON *x;
			cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(perm, lists[l])) {
				if (!cJSON_IsString(x))
					continue;
				const char *e = x->valuestring, *open = strchr(e, '(');
				size_t tl = open ? (size_t)(open - e) : strlen(e);
				if (strlen(tool) != tl || strncmp(e, tool, tl))
					continue;
				if (!open) {
					hit = 1;	/* the whole tool */
					break;
				}
				size_t el = strlen(e);
				if (el < tl + 2 || e[el - 1] != ')')
					continue;
				char *spec = sg_arena_strndup(&A, open + 1, el - tl - 2);
				if (strcmp(tool, "Bash") ? strstr(text, spec) != NULL : text_matches(spec, text)) {
					hit = 1;
					break;
				}
			}
		}
		cJSON_Delete(root);
	}
	sg_arena_free(&A);
	return hit;
}

/* ---- shellgate import ------------------------------------------------------------------------- */

static const char import_usage[] =
	"usage: shellgate import claude|kiro [--project DIR] [--trust]\n"
	"\n"
	"Print the permission lists you already wrote for Claude Code (`permissions`\n"
	"allow/ask/deny in ~/.claude/settings.json and the project's .claude/settings*.json)\n"
	"or Kiro (`toolsSettings.shell.allowedCommands/deniedCommands` in agent files) as a\n"
	"shellgate rule file. `shellgate hook` applies the same rules by itself; this shows\n"
	"what they become. A project's own lists keep only deny and ask entries unless the\n"
	"project is in trusted_projects of your shellgate rule file (or --trust is given).\n";

int sg_cli_import(int argc, char **argv)
{
	const char *which = NULL, *project = NULL;
	int trust = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(import_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--project") && i + 1 < argc) {
			project = argv[++i];
		} else if (!strcmp(argv[i], "--trust")) {
			trust = 1;
		} else if (argv[i][0] != '-' && !which) {
			which = argv[i];
		} else {
			fputs(import_usage, stderr);
			return SG_EXIT_USAGE;
		}
	}
	if (!which || (strcmp(which, "claude") && strcmp(which, "kiro"))) {
		fputs(import_usage, stderr);
		return SG_EXIT_USAGE;
	}
	char cwd[PATH_MAX];
	if (!project)
		project = getcwd(cwd, sizeof cwd) ? cwd : ".";
	/* the trust list lives in the user's shellgate rule file */
	sg_ruleset rs;
	sg_ruleset_init(&rs);
	const char *uf = sg_rules_user_file();
	if (uf && access(uf, R_OK) == 0)
		sg_ruleset_load_file(&rs, uf, SG_LAYER_USER, 1, NULL);
	int trusted = trust || sg_imp_project_trusted(&rs, project);
	sg_ruleset_free(&rs);
	sg_import_opts io = { project, NULL, 1, 1 };
	sg_buf out, log;
	sg_buf_init(&out);
	sg_buf_init(&log);
	if (!strcmp(which, "claude"))
		sg_import_claude_text(&io, trusted, &out, &log);
	else
		sg_import_kiro_text(&io, trusted, &out, &log);
	if (log.len)
		fputs(log.data, stderr);
	fwrite(out.data, 1, out.len, stdout);
	sg_buf_free(&out);
	sg_buf_free(&log);
	return fflush(stdout) ? SG_EXIT_USAGE : 0;
}
