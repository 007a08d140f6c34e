/*
 * import_kiro.c - Kiro `toolsSettings.shell.allowedCommands` /
 * `deniedCommands` (regexes anchored at both ends) as shellgate rules.
 *
 * Kiro matches each regex against the whole command string; here it is
 * matched against the text of every simple command of the IR, so
 * `true && git push`, `sudo git push` or `bash -c 'git push'` meet a
 * `git push.*` deny as well. Agent files: the JSON files in ~/.kiro/agents (the user's)
 * and in PROJECT/.kiro/agents (the project's: deny only, unless the
 * project is trusted). A regex PCRE2 cannot compile is skipped with a
 * warning (Kiro still applies it itself).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_common.h"

static void ident(char *dst, size_t cap, const char *s)
{
	size_t n = 0;
	for (; *s && n + 1 < cap; s++)
		dst[n++] = ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_') ? *s
			   : (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : '_';
	dst[n] = 0;
}

static int agent_rules(const sg_imp_src *src, const cJSON *root, const char *agent, cJSON *rules, sg_buf *log,
		       sg_arena *A)
{
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(root, "toolsSettings");
	const cJSON *sh = cJSON_GetObjectItemCaseSensitive(ts, "shell");
	if (!sh)
		sh = cJSON_GetObjectItemCaseSensitive(ts, "execute_bash");
	static const char *const lists[] = { "deniedCommands", "allowedCommands" };
	static const int dec[] = { SG_DENY, SG_ALLOW };
	char id[64];
	ident(id, sizeof id, agent);
	int added = 0;
	for (int l = 0; l < 2; l++) {
		if (dec[l] == SG_ALLOW && !src->trusted)
			continue;
		const cJSON *x;
		int n = 0;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(sh, lists[l])) {
			n++;
			if (!cJSON_IsString(x) || !x->valuestring[0])
				continue;
			const char *re = sg_arena_printf(A, "^\\s*(?:%s)\\s*$", x->valuestring);
			if (!sg_imp_regex_ok(re)) {
				if (log)
					sg_buf_printf(log, "%s:1:1: warning: %s regex '%s' is not valid PCRE2; left to Kiro\n",
						      src->file, lists[l], x->valuestring);
				continue;
			}
			cJSON *cond = cJSON_CreateObject(), *raw = cJSON_CreateArray();
			cJSON_AddItemToArray(raw, cJSON_CreateString(re));
			cJSON_AddItemToObject(cond, "raw", raw);
			const char *reason = sg_arena_printf(
				A, "The user's Kiro agent '%s' (%s) %s this command (%s `%s`).%s", agent, src->file,
				dec[l] == SG_DENY ? "denies" : "allows", lists[l], x->valuestring,
				dec[l] == SG_DENY ? " Do not look for another way to run it; ask the user." : "");
			cJSON_AddItemToArray(rules, sg_imp_rule(sg_arena_printf(A, "kiro.%s.%s.%s.%d", src->scope, id,
										 dec[l] == SG_DENY ? "deny" : "allow", n),
							       dec[l], reason, cond));
			added++;
		}
	}
	return added;
}

typedef void (*agent_fn)(sg_imp_src *src, cJSON *root, const char *agent, void *ctx);

static void each_agent(const sg_import_opts *io, int project_trusted, sg_arena *A, sg_buf *log, agent_fn fn, void *ctx)
{
	const char *home = io->home ? io->home : getenv("HOME") ? getenv("HOME") : "/";
	const char *dirs[2] = { sg_arena_printf(A, "%s/.kiro/agents", home),
				io->project ? sg_arena_printf(A, "%s/.kiro/agents", io->project) : NULL };
	for (int d = 0; d < 2; d++) {
		if (!dirs[d] || (d == 1 && dirs[0] && !strcmp(dirs[0], dirs[1])))
			continue;
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			continue;
		struct dirent *e;
		char *names[256];
		size_t nn = 0;
		while ((e = readdir(dir)) && nn < 256) {
			size_t l = strlen(e->d_name);
			if (l > 5 && !strcmp(e->d_name + l - 5, ".json") && e->d_name[0] != '.')
				names[nn++] = sg_arena_strdup(A, e->d_name);
		}
		closedir(dir);
		for (size_t i = 0; i < nn; i++) {
			sg_imp_src src = { sg_arena_printf(A, "%s/%s", dirs[d], names[i]), d ? "project" : "user", home,
					   d ? io->project : home, d ? project_trusted : 1,
					   d ? SG_LAYER_PROJECT : SG_LAYER_USER };
			cJSON *root = sg_imp_read_json_src(&src, log);
			if (!root)
				continue;
			const char *name = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "name"))
						   ? cJSON_GetObjectItemCaseSensitive(root, "name")->valuestring
						   : sg_arena_strndup(A, names[i], strlen(names[i]) - 5);
			fn(&src, root, name, ctx);
			cJSON_Delete(root);
		}
	}
}

typedef struct kctx {
	sg_ruleset *rs;
	sg_buf *log, *out;
	cJSON *all;
	sg_arena *A;
	int total;
} kctx;

static void load_one(sg_imp_src *src, cJSON *root, const char *agent, void *ctx)
{
	kctx *k = ctx;
	cJSON *rules = cJSON_CreateArray();
	if (agent_rules(src, root, agent, rules, k->log, k->A) > 0)
		sg_imp_load(k->rs, src, rules, k->log);
	cJSON_Delete(rules);
}

void sg_import_kiro_layers(sg_ruleset *rs, const sg_import_opts *io, int project_trusted, sg_buf *log)
{
	sg_arena A;
	sg_arena_init(&A);
	kctx k = { rs, log, NULL, NULL, &A, 0 };
	each_agent(io, project_trusted, &A, log, load_one, &k);
	sg_arena_free(&A);
}

static void text_one(sg_imp_src *src, cJSON *root, const char *agent, void *ctx)
{
	kctx *k = ctx;
	int n = agent_rules(src, root, agent, k->all, k->log, k->A);
	sg_buf_printf(k->out, "// %s (agent '%s'): %d rule%s%s\n", src->file, agent, n, n == 1 ? "" : "s",
		      src->trusted ? "" : " (project not trusted: deny only)");
	k->total += n;
}

int sg_import_kiro_text(const sg_import_opts *io, int trusted_project, sg_buf *out, sg_buf *log)
{
	sg_arena A;
	sg_arena_init(&A);
	kctx k = { NULL, log, out, cJSON_CreateArray(), &A, 0 };
	sg_buf_adds(out, "// Kiro shell allowedCommands/deniedCommands translated by `shellgate import kiro`.\n");
	each_agent(io, trusted_project, &A, log, text_one, &k);
	sg_imp_print_file(out, "imported-kiro", k.all);
	cJSON_Delete(k.all);
	sg_arena_free(&A);
	return k.total;
}
