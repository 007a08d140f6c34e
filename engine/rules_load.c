/*
 * rules_load.c - read rule files (JSON with comments) into a rule set.
 *
 * Errors carry file:line:col. A layer that is not trusted (a project's own
 * file) contributes deny and ask rules only; every other section is ignored
 * with a warning. Built-in packs compile their patterns lazily (checked by
 * `shellgate test` at build time); every other layer compiles them at load,
 * so a broken user or project file is caught before any request.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "match.h"
#include "paths.h"
#include "rules.h"

int sg_strlist_has(const sg_strlist *l, const char *s)
{
	if (!s)
		return 0;
	for (size_t i = 0; l && i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void sg_ruleset_init(sg_ruleset *rs)
{
	memset(rs, 0, sizeof *rs);
	sg_arena_init(&rs->arena);
	rs->def_unmatched = SG_ASK;
	rs->def_dynamic = SG_ASK;
	rs->def_unparsable = SG_ASK;
	rs->mode = -1;
}

void sg_ruleset_free(sg_ruleset *rs)
{
	sg_match_free_codes(rs);
	sg_paths_forget(rs);
	sg_strindex_free(&rs->ids);
	sg_strindex_free(&rs->pat_texts);
	/* everything else lives in the arena (or its region) */
	sg_arena_free(&rs->arena);
}

/* ---- locations --------------------------------------------------------------------- */

static void line_col(const char *text, size_t off, int *line, int *col)
{
	*line = 1, *col = 1;
	for (size_t i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n')
			(*line)++, *col = 1;
		else
			(*col)++;
	}
}

static void report(sg_buf *log, const char *file, const char *text, size_t off, const char *sev, const char *msg)
{
	int l, c;
	line_col(text, off, &l, &c);
	if (log)
		sg_buf_printf(log, "%s:%d:%d: %s%s\n", file, l, c, sev, msg);
}

/* offset of the first occurrence of "needle" (as a JSON string) after from */
static size_t find_key(const char *text, size_t len, const char *needle, size_t from)
{
	char q[256];
	int n = snprintf(q, sizeof q, "\"%s\"", needle);
	if (n <= 0 || (size_t)n >= sizeof q || from >= len)
		return from < len ? from : 0;
	const char *p = memmem(text + from, len - from, q, (size_t)n);
	return p ? (size_t)(p - text) : from;
}

/* Replace comments with spaces, keeping every byte offset (and so line:col). */
int sg_json_strip_comments(char *s, size_t n, size_t *bad)
{
	int in_str = 0;
	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '"')
				in_str = 0;
			continue;
		}
		if (s[i] == '"') {
			in_str = 1;
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				s[i++] = ' ';
		} else if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
			size_t st = i;
			s[i++] = ' ';
			s[i++] = ' ';
			while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) {
				if (s[i] != '\n')
					s[i] = ' ';
				i++;
			}
			if (i + 1 >= n) {
				*bad = st;
				return -1;
			}
			s[i] = s[i + 1] = ' ';
			i++;
		}
	}
	return 0;
}

size_t sg_json_depth_exceeded(const char *s, size_t n)
{
	int in_str = 0, depth = 0;
	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = 0;
		} else if (s[i] == '"') {
			in_str = 1;
		} else if (s[i] == '{' || s[i] == '[') {
			if (++depth > SG_MAX_JSON_DEPTH)
				return i + 1;
		} else if (s[i] == '}' || s[i] == ']') {
			depth--;
		}
	}
	return 0;
}

/* ---- growable arrays (heap; owned by the rule set) -------------------------------- */

/* Growable arrays live in the rule set's arena too (so the whole rule set
 * is one region that can be snapshotted); growing leaves the old copy behind,
 * which is bounded by doubling. */
#define PUSH(arr, n, cap, x)                                                         \
	do {                                                                         \
		(arr) = sg_arena_grow(&rs_->arena, (arr), (n), &(cap), sizeof *(arr));   \
		(arr)[(n)++] = (x);                                                  \
	} while (0)

static void strlist_push(sg_ruleset *rs, sg_strlist *l, const char *s)
{
	const char **v = sg_arena_alloc(&rs->arena, (l->n + 1) * sizeof *v);
	if (l->n)
		memcpy(v, l->v, l->n * sizeof *v);
	v[l->n++] = s;
	l->v = v;
}

static int to_strlist(sg_ruleset *rs, const cJSON *j, sg_strlist *out)
{
	memset(out, 0, sizeof *out);
	if (!j)
		return 0;
	if (cJSON_IsString(j)) {
		out->v = sg_arena_alloc(&rs->arena, sizeof *out->v);
		out->v[out->n++] = sg_arena_strdup(&rs->arena, j->valuestring);
		return 0;
	}
	if (!cJSON_IsArray(j))
		return -1;
	out->v = sg_arena_alloc(&rs->arena, ((size_t)cJSON_GetArraySize(j) + 1) * sizeof *out->v);
	const cJSON *x;
	cJSON_ArrayForEach(x, j) {
		if (!cJSON_IsString(x))
			return -1;
		out->v[out->n++] = sg_arena_strdup(&rs->arena, x->valuestring);
	}
	return 0;
}

static void strlist_merge(sg_ruleset *rs, sg_strlist *dst, const sg_strlist *src)
{
	const char **v = sg_arena_alloc(&rs->arena, (dst->n + src->n + 1) * sizeof *v);
	if (dst->n)
		memcpy(v, dst->v, dst->n * sizeof *v);
	if (src->n)
		memcpy(v + dst->n, src->v, src->n * sizeof *v);
	dst->v = v;
	dst->n += src->n;
}

/* ---- sections ------------------------------------------------------------------------ */

typedef struct ldctx {
	sg_ruleset *rs;
	const char *file, *text;
	size_t len;
	int layer, trusted, eager;
	sg_buf *log;
	int errors;
	size_t cursor;		/* rule and program keys appear in order: search from here */
} ldctx;

static void lerr(ldctx *L, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void lerr(ldctx *L, size_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	report(L->log, L->file, L->text, off, "error: ", msg);
	L->errors++;
}

static void lwarn(ldctx *L, size_t off, const char *msg)
{
	report(L->log, L->file, L->text, off, "warning: ", msg);
}

static sg_program *program_get(sg_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nprograms; i++)
		if (!strcmp(rs->programs[i]->name, name))
			return rs->programs[i];
	sg_program *p = sg_arena_alloc(&rs->arena, sizeof *p);
	p->name = sg_arena_strdup(&rs->arena, name);
	sg_ruleset *rs_ = rs;
	PUSH(rs->programs, rs->nprograms, rs->capprograms, p);
	return p;
}

static void load_programs(ldctx *L, const cJSON *j)
{
	size_t off = find_key(L->text, L->len, "programs", 0);
	if (!cJSON_IsObject(j)) {
		lerr(L, off, "'programs' must be an object");
		return;
	}
	const cJSON *pj;
	cJSON_ArrayForEach(pj, j) {
		size_t po = L->cursor = find_key(L->text, L->len, pj->string, L->cursor > off ? L->cursor : off);
		if (!cJSON_IsObject(pj)) {
			lerr(L, po, "program '%s' must be an object", pj->string);
			continue;
		}
		sg_program *p = program_get(L->rs, pj->string);
		const cJSON *x;
		cJSON_ArrayForEach(x, pj) {
			sg_strlist l;
			if (!strcmp(x->string, "options_with_value") || !strcmp(x->string, "chdir_options")) {
				if (to_strlist(L->rs, x, &l) < 0) {
					lerr(L, po, "program '%s': '%s' must list strings", pj->string, x->string);
					continue;
				}
				strlist_merge(L->rs, x->string[0] == 'o' ? &p->options_with_value : &p->chdir_options, &l);
				if (x->string[0] == 'c')	/* a chdir option takes a value */
					strlist_merge(L->rs, &p->options_with_value, &l);
			} else if (!strcmp(x->string, "kv_args")) {
				p->kv_args = cJSON_IsTrue(x);
			} else if (!strcmp(x->string, "non_path_positionals") && cJSON_IsNumber(x) && x->valueint >= 0 &&
				   x->valueint < 8) {
				p->non_path_positionals = x->valueint;
			} else if (!strcmp(x->string, "pattern_options")) {
				if (to_strlist(L->rs, x, &l) < 0)
					lerr(L, po, "program '%s': 'pattern_options' must list strings", pj->string);
				else
					strlist_merge(L->rs, &p->pattern_options, &l);
			} else if (!strcmp(x->string, "flags")) {
				if (!cJSON_IsObject(x)) {
					lerr(L, po, "program '%s': 'flags' must map meanings to flag lists", pj->string);
					continue;
				}
				const cJSON *f;
				cJSON_ArrayForEach(f, x) {
					if (to_strlist(L->rs, f, &l) < 0) {
						lerr(L, po, "program '%s': flag '%s' must list strings", pj->string, f->string);
						continue;
					}
					sg_flagmeaning *nf = sg_arena_alloc(&L->rs->arena, (p->nflags + 1) * sizeof *nf);
					if (p->nflags)
						memcpy(nf, p->flags, p->nflags * sizeof *nf);
					nf[p->nflags].name = sg_arena_strdup(&L->rs->arena, f->string);
					nf[p->nflags].aliases = l;
					p->flags = nf;
					p->nflags++;
				}
			} else {
				lerr(L, po, "program '%s': unknown key '%s'", pj->string, x->string);
			}
		}
	}
}

static const struct {
	const char *name;
	sg_wrapper_kind kind;
} wkinds[] = {
	{ "exec", SG_WK_EXEC }, { "shell", SG_WK_SHELL }, { "eval", SG_WK_EVAL },
	{ "xargs", SG_WK_XARGS }, { "find", SG_WK_FIND }, { "join", SG_WK_JOIN }, { "source", SG_WK_SOURCE },
	{ "inline", SG_WK_INLINE },
};

static void load_wrapper(ldctx *L, const cJSON *wj, size_t off)
{
	sg_wrapper *w = sg_arena_alloc(&L->rs->arena, sizeof *w);
	w->origin = L->file;
	const cJSON *x;
	int have_kind = 0;
	cJSON_ArrayForEach(x, wj) {
		const char *k = x->string;
		sg_strlist *dst = NULL;
		if (!strcmp(k, "names"))
			dst = &w->names;
		else if (!strcmp(k, "options_with_value"))
			dst = &w->options_with_value;
		else if (!strcmp(k, "chdir_options"))
			dst = &w->chdir_options;
		else if (!strcmp(k, "split_options"))
			dst = &w->split_options;
		else if (!strcmp(k, "shell_options"))
			dst = &w->shell_options;
		else if (!strcmp(k, "no_exec_options"))
			dst = &w->no_exec_options;
		else if (!strcmp(k, "replace_options"))
			dst = &w->replace_options;
		else if (!strcmp(k, "exec_actions"))
			dst = &w->exec_actions;
		else if (!strcmp(k, "stop_at"))
			dst = &w->stop_at;
		else if (!strcmp(k, "code_options"))
			dst = &w->code_options;
		else if (!strcmp(k, "calls"))
			dst = &w->calls;
		if (dst) {
			if (to_strlist(L->rs, x, dst) < 0)
				lerr(L, off, "wrapper: '%s' must list strings", k);
			continue;
		}
		if (!strcmp(k, "kind")) {
			size_t i;
			for (i = 0; i < sizeof wkinds / sizeof wkinds[0]; i++)
				if (cJSON_IsString(x) && !strcmp(x->valuestring, wkinds[i].name))
					break;
			if (i == sizeof wkinds / sizeof wkinds[0])
				lerr(L, off, "wrapper: unknown kind (exec, shell, eval, xargs, find, join, source, inline)");
			else
				w->kind = wkinds[i].kind, have_kind = 1;
		} else if (!strcmp(k, "skip_positionals") && cJSON_IsNumber(x) && x->valueint >= 0 && x->valueint < 16) {
			w->skip_positionals = x->valueint;
		} else if (!strcmp(k, "assignments") && cJSON_IsBool(x)) {
			w->assignments = cJSON_IsTrue(x);
		} else if (!strcmp(k, "remote") && cJSON_IsBool(x)) {
			w->remote = cJSON_IsTrue(x);
		} else if (!strcmp(k, "no_inner") && cJSON_IsBool(x)) {
			w->no_inner = cJSON_IsTrue(x);
		} else if (!strcmp(k, "code_positional") && cJSON_IsBool(x)) {
			w->code_positional = cJSON_IsTrue(x);
		} else if (!strcmp(k, "backticks") && cJSON_IsBool(x)) {
			w->backticks = cJSON_IsTrue(x);
		} else if (!strcmp(k, "first_only") && cJSON_IsBool(x)) {
			w->first_only = cJSON_IsTrue(x);
		} else {
			lerr(L, off, "wrapper: unknown or invalid key '%s'", k);
		}
	}
	if (!w->names.n)
		lerr(L, off, "wrapper: 'names' is required");
	if (!have_kind)
		lerr(L, off, "wrapper: 'kind' is required");
	/* options that take a shell script or a split string take a value */
	strlist_merge(L->rs, &w->options_with_value, &w->chdir_options);
	strlist_merge(L->rs, &w->options_with_value, &w->code_options);
	sg_ruleset *rs_ = L->rs;
	PUSH(L->rs->wrappers, L->rs->nwrappers, L->rs->capwrappers, w);
}

static void load_paths(ldctx *L, const cJSON *j)
{
	size_t off = find_key(L->text, L->len, "paths", 0);
	if (!cJSON_IsObject(j)) {
		lerr(L, off, "'paths' must map a class to a list of globs");
		return;
	}
	const cJSON *cj;
	cJSON_ArrayForEach(cj, j) {
		unsigned cls = sg_path_class_parse(cj->string);
		if (!cls) {
			lerr(L, find_key(L->text, L->len, cj->string, off), "paths: unknown class '%s'", cj->string);
			continue;
		}
		sg_strlist l;
		if (to_strlist(L->rs, cj, &l) < 0) {
			lerr(L, off, "paths: '%s' must list globs", cj->string);
			continue;
		}
		for (size_t i = 0; i < l.n; i++) {
			sg_pathpat p = { l.v[i], cls, 0 };
			if (p.glob[0] == '!')
				p.glob++, p.negate = 1;
			sg_ruleset *rs_ = L->rs;
			PUSH(L->rs->paths, L->rs->npaths, L->rs->cappaths, p);
		}
	}
}

static int parse_decision(const cJSON *j)
{
	return cJSON_IsString(j) ? sg_decision_parse(j->valuestring) : -1;
}

static void load_defaults(ldctx *L, const cJSON *j)
{
	size_t off = find_key(L->text, L->len, "defaults", 0);
	const cJSON *x;
	cJSON_ArrayForEach(x, j) {
		int d = parse_decision(x);
		if (d < 0) {
			lerr(L, off, "defaults: '%s' must be allow, ask or deny", x->string);
			continue;
		}
		if (!strcmp(x->string, "unmatched"))
			L->rs->def_unmatched = d;
		else if (!strcmp(x->string, "dynamic"))
			L->rs->def_dynamic = d;
		else if (!strcmp(x->string, "unparsable"))
			L->rs->def_unparsable = d;
		else
			lerr(L, off, "defaults: unknown key '%s'", x->string);
	}
}

static void load_examples(ldctx *L, sg_rule *r, const cJSON *ex, size_t off)
{
	if (!cJSON_IsObject(ex)) {
		lerr(L, off, "rule '%s': 'examples' must be {\"match\": [...], \"no_match\": [...]}", r->id);
		return;
	}
	const cJSON *x;
	cJSON_ArrayForEach(x, ex) {
		int m = !strcmp(x->string, "match");
		if (!m && strcmp(x->string, "no_match")) {
			lerr(L, off, "rule '%s': examples: unknown key '%s'", r->id, x->string);
			continue;
		}
		if (!cJSON_IsArray(x)) {
			lerr(L, off, "rule '%s': examples.%s must be a list", r->id, x->string);
			continue;
		}
		sg_strlist *cmds = m ? &r->ex_match : &r->ex_nomatch;
		sg_strlist *cwds = m ? &r->ex_match_cwd : &r->ex_nomatch_cwd;
		int n = cJSON_GetArraySize(x);
		cmds->v = sg_arena_alloc(&L->rs->arena, ((size_t)n + 1) * sizeof *cmds->v);
		cwds->v = sg_arena_alloc(&L->rs->arena, ((size_t)n + 1) * sizeof *cwds->v);
		const cJSON *e;
		cJSON_ArrayForEach(e, x) {
			const char *cmd = NULL, *cwd = "";
			if (cJSON_IsString(e)) {
				cmd = e->valuestring;
			} else if (cJSON_IsObject(e) && cJSON_IsString(cJSON_GetObjectItem(e, "cmd"))) {
				cmd = cJSON_GetObjectItem(e, "cmd")->valuestring;
				const cJSON *cw = cJSON_GetObjectItem(e, "cwd");
				if (cJSON_IsString(cw))
					cwd = cw->valuestring;
			} else {
				lerr(L, off, "rule '%s': an example is a string or {\"cmd\":..,\"cwd\":..}", r->id);
				continue;
			}
			cmds->v[cmds->n++] = sg_arena_strdup(&L->rs->arena, cmd);
			cwds->v[cwds->n++] = sg_arena_strdup(&L->rs->arena, cwd);
		}
	}
}

static const char *rule_id_of(const void *rs, size_t i)
{
	return ((const sg_ruleset *)rs)->rules[i]->id;
}

static int rule_id_exists(sg_ruleset *rs, const char *id)
{
	return *sg_strindex_slot(&rs->ids, id, rs->nrules, rule_id_of, rs) != 0;
}

/* records the rule just pushed (rules[nrules - 1]) in the id index; of
 * equal ids the first keeps the slot */
static void idtab_add(sg_ruleset *rs)
{
	size_t *sl = sg_strindex_slot(&rs->ids, rs->rules[rs->nrules - 1]->id, rs->nrules - 1, rule_id_of, rs);
	if (!*sl)
		*sl = rs->nrules;
	rs->ids.count = rs->nrules;
}

static void load_rule(ldctx *L, const cJSON *rj, size_t idx, const sg_strlist *modes)
{
	size_t off = L->cursor;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(rj, "id");
	if (!cJSON_IsObject(rj) || !cJSON_IsString(id) || !id->valuestring[0]) {
		lerr(L, off, "rule #%zu: needs a non-empty string 'id'", idx + 1);
		return;
	}
	off = L->cursor = find_key(L->text, L->len, id->valuestring, off);
	sg_rule *r = sg_arena_alloc(&L->rs->arena, sizeof *r);
	r->id = sg_arena_strdup(&L->rs->arena, id->valuestring);
	r->origin = L->file;
	r->layer = L->layer;
	r->decision = -1;
	const cJSON *match = NULL, *x;
	sg_strlist rmodes = { 0 };
	cJSON_ArrayForEach(x, rj) {
		const char *k = x->string;
		if (!strcmp(k, "id"))
			continue;
		if (!strcmp(k, "decision")) {
			r->decision = parse_decision(x);
		} else if (!strcmp(k, "reason") && cJSON_IsString(x)) {
			r->reason = sg_arena_strdup(&L->rs->arena, x->valuestring);
		} else if (!strcmp(k, "match")) {
			match = x;
		} else if (!strcmp(k, "allow_dynamic") && cJSON_IsBool(x)) {
			r->allow_dynamic = cJSON_IsTrue(x);
		} else if (!strcmp(k, "sandbox_contains") && cJSON_IsBool(x)) {
			r->uncontained = !cJSON_IsTrue(x);
		} else if (!strcmp(k, "examples")) {
			load_examples(L, r, x, off);
		} else if (!strcmp(k, "modes")) {
			if (to_strlist(L->rs, x, &rmodes) < 0)
				lerr(L, off, "rule '%s': 'modes' must list modes", r->id);
		} else {
			lerr(L, off, "rule '%s': unknown or invalid key '%s'", r->id, k);
		}
	}
	if (r->decision < 0) {
		lerr(L, off, "rule '%s': 'decision' must be allow, ask or deny", r->id);
		return;
	}
	if (!r->reason || !r->reason[0]) {
		lerr(L, off, "rule '%s': needs a 'reason' written for the model", r->id);
		return;
	}
	if (!match) {
		lerr(L, off, "rule '%s': needs 'match'", r->id);
		return;
	}
	sg_buf err;
	sg_buf_init(&err);
	r->cond = sg_cond_compile(L->rs, match, L->eager, &err);
	if (!r->cond) {
		lerr(L, off, "rule '%s': %s", r->id, sg_buf_cstr(&err));
		sg_buf_free(&err);
		return;
	}
	sg_buf_free(&err);
	if (!L->trusted && r->decision == SG_ALLOW) {
		lwarn(L, off, "allow rule ignored: an untrusted project file may only add deny and ask rules");
		return;
	}
	if (rule_id_exists(L->rs, r->id)) {
		lerr(L, off, "rule '%s': duplicate id", r->id);
		return;
	}
	if (L->rs->nrules >= SG_MAX_RULES) {
		lerr(L, off, "more than %d rules (SG_MAX_RULES)", SG_MAX_RULES);
		return;
	}
	/* modes: per rule, else per file; empty = every mode */
	const sg_strlist *m = rmodes.n ? &rmodes : modes;
	if (m && m->n) {
		static const char *names[] = { "trusted", "strict", "audit" };
		int mask = 0;
		for (size_t i = 0; i < m->n; i++)
			for (int k = 0; k < 3; k++)
				if (!strcmp(m->v[i], names[k]))
					mask |= 1 << k;
		r->modes = mask;
	}
	r->programs = sg_cond_programs(L->rs, r->cond, &r->nprograms);
	sg_ruleset *rs_ = L->rs;
	PUSH(L->rs->rules, L->rs->nrules, L->rs->caprules, r);
	idtab_add(L->rs);
}

static const char *const trusted_only[] = { "defaults", "mode", "trusted_projects", "programs",
					    "wrappers", "paths", "sandbox", NULL };

int sg_ruleset_load_text(sg_ruleset *rs, const char *origin, const char *text, size_t len, int layer,
			 int trusted, sg_buf *log)
{
	origin = sg_arena_strdup(&rs->arena, origin);
	ldctx L = { rs, origin, NULL, len, layer, trusted, layer != SG_LAYER_BUILTIN, log, 0 };
	char *buf = sg_xstrndup(text, len);
	L.text = buf;
	size_t bad = 0;
	if (memchr(text, 0, len)) {
		lerr(&L, (size_t)((const char *)memchr(text, 0, len) - text), "NUL byte in rule file");
		goto out;
	}
	if (sg_json_strip_comments(buf, len, &bad) < 0) {
		lerr(&L, bad, "unterminated /* comment");
		goto out;
	}
	if ((bad = sg_json_depth_exceeded(buf, len))) {
		lerr(&L, bad - 1, "JSON nested deeper than %d (SG_MAX_JSON_DEPTH)", SG_MAX_JSON_DEPTH);
		goto out;
	}
	const char *end = NULL;
	sg_json_arena_begin();
	cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!root) {
		const char *ep = cJSON_GetErrorPtr();
		size_t off = ep && ep >= buf && ep <= buf + len ? (size_t)(ep - buf) : 0;
		lerr(&L, off, "invalid JSON");
		sg_json_arena_end();
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		lerr(&L, 0, "a rule file is a JSON object");
		sg_json_arena_end();
		goto out;
	}
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
	if (!cJSON_IsNumber(fmt) || fmt->valueint != 1) {
		lerr(&L, find_key(buf, len, "format", 0), "'format' must be 1 (this shellgate reads format 1)");
		sg_json_arena_end();
		goto out;
	}
	sg_strlist modes = { 0 };
	const cJSON *x;
	cJSON_ArrayForEach(x, root) {
		const char *k = x->string;
		size_t off = find_key(buf, len, k, 0);
		int tonly = 0;
		for (int i = 0; trusted_only[i]; i++)
			if (!strcmp(k, trusted_only[i]))
				tonly = 1;
		if (tonly && !trusted) {
			char m[160];
			snprintf(m, sizeof m, "section '%s' ignored: an untrusted project file may only add deny and ask rules", k);
			lwarn(&L, off, m);
			continue;
		}
		if (!strcmp(k, "format") || !strcmp(k, "name") || !strcmp(k, "description") || !strcmp(k, "rules") ||
		    !strcmp(k, "sandbox"))
			continue;
		if (!strcmp(k, "modes")) {
			if (to_strlist(rs, x, &modes) < 0)
				lerr(&L, off, "'modes' must list modes");
		} else if (!strcmp(k, "programs")) {
			load_programs(&L, x);
		} else if (!strcmp(k, "wrappers")) {
			if (!cJSON_IsArray(x)) {
				lerr(&L, off, "'wrappers' must be a list");
				continue;
			}
			const cJSON *w;
			cJSON_ArrayForEach(w, x) load_wrapper(&L, w, off);
		} else if (!strcmp(k, "paths")) {
			load_paths(&L, x);
		} else if (!strcmp(k, "defaults")) {
			load_defaults(&L, x);
		} else if (!strcmp(k, "mode")) {
			static const char *names[] = { "trusted", "strict", "audit" };
			int m = -1;
			for (int i = 0; i < 3; i++)
				if (cJSON_IsString(x) && !strcmp(x->valuestring, names[i]))
					m = i;
			if (m < 0)
				lerr(&L, off, "'mode' must be trusted, strict or audit");
			else
				rs->mode = m;
		} else if (!strcmp(k, "trusted_projects")) {
			sg_strlist l;
			if (layer != SG_LAYER_USER && layer != SG_LAYER_EXTRA)
				lwarn(&L, off, "'trusted_projects' is read from the user file only");
			else if (to_strlist(rs, x, &l) < 0)
				lerr(&L, off, "'trusted_projects' must list directories");
			else
				for (size_t i = 0; i < l.n; i++)
					strlist_push(rs, &rs->trusted_projects, l.v[i]);
		} else {
			lerr(&L, off, "unknown top-level key '%s'", k);
		}
	}
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
	if (rules && !cJSON_IsArray(rules)) {
		lerr(&L, find_key(buf, len, "rules", 0), "'rules' must be a list");
	} else if (rules) {
		size_t i = 0;
		const cJSON *r;
		L.cursor = find_key(buf, len, "rules", 0);
		cJSON_ArrayForEach(r, rules) load_rule(&L, r, i++, &modes);
	}
	sg_json_arena_end();	/* frees the whole tree at once */
out:
	free(buf);
	strlist_push(rs, &rs->files, origin);
	if (L.errors) {
		rs->broken = 1;
		if (!rs->broken_why)
			rs->broken_why = sg_arena_printf(&rs->arena, "rule file %s has errors (run `shellgate test %s`)",
							 origin, origin);
		return -1;
	}
	return 0;
}

int sg_ruleset_load_file(sg_ruleset *rs, const char *path, int layer, int trusted, sg_buf *log)
{
	char *text;
	size_t len;
	int r = sg_read_file(path, SG_MAX_RULE_FILE, &text, &len);
	if (r < 0) {
		if (log)
			sg_buf_printf(log, "%s:1:1: error: cannot read: %s\n", path,
				      r == -EFBIG ? "larger than SG_MAX_RULE_FILE" : strerror(-r));
		rs->broken = 1;
		if (!rs->broken_why)
			rs->broken_why = sg_arena_printf(&rs->arena, "cannot read rule file %s", path);
		return -1;
	}
	r = sg_ruleset_load_text(rs, path, text, len, layer, trusted, log);
	free(text);
	return r;
}

/* Is project listed in the user file's trusted_projects (by path or real path)? */
int sg_ruleset_project_trusted(const sg_ruleset *rs, const char *project)
{
	char rp[PATH_MAX];
	const char *real = realpath(project, rp) ? rp : project;
	for (size_t i = 0; i < rs->trusted_projects.n; i++) {
		char tp[PATH_MAX];
		const char *t = rs->trusted_projects.v[i];
		const char *tr = realpath(t, tp) ? tp : t;
		if (!strcmp(tr, real) || !strcmp(t, project))
			return 1;
	}
	return 0;
}

/* ---- lookups ------------------------------------------------------------------------- */

/* name -> program (the first of that name) and name -> wrapper (the last
 * that lists it: later layers win), built by sg_ruleset_finish */
typedef struct nslot {
	const char *name;
	const void *p;
} nslot;

typedef struct ntable {
	nslot *s;
	size_t nb;		/* power of two, or 0: not built */
	size_t built_for;	/* rs->nprograms / rs->nwrappers when built */
} ntable;

static unsigned long hash_str(const char *s);

static const void *ntable_get(const ntable *t, const char *name)
{
	size_t i = hash_str(name) & (t->nb - 1);
	for (size_t k = 0; k < t->nb; k++, i = (i + 1) & (t->nb - 1)) {
		if (!t->s[i].name)
			return NULL;
		if (!strcmp(t->s[i].name, name))
			return t->s[i].p;
	}
	return NULL;
}

/* the slot of name: its own, or the free one where it goes (the table is
 * more than twice the keys, so there is always one) */
static nslot *ntable_slot(ntable *t, const char *name)
{
	size_t i = hash_str(name) & (t->nb - 1);
	for (size_t k = 0; k < t->nb; k++, i = (i + 1) & (t->nb - 1))
		if (!t->s[i].name || !strcmp(t->s[i].name, name))
			return &t->s[i];
	sg_fatal("name table full");
}

static void ntable_init(sg_ruleset *rs, ntable *t, size_t keys, size_t built_for)
{
	t->nb = 16;
	while (t->nb < keys * 2 + 1)
		t->nb *= 2;
	t->s = sg_arena_alloc(&rs->arena, t->nb * sizeof *t->s);
	t->built_for = built_for;
}

static const ntable *index_programs(const sg_ruleset *rs);
static const ntable *index_wrappers(const sg_ruleset *rs);

const sg_program *sg_rules_program(const sg_ruleset *rs, const char *name)
{
	if (!name)
		return NULL;
	const ntable *t = index_programs(rs);
	if (t)
		return ntable_get(t, name);
	for (size_t i = 0; i < rs->nprograms; i++)
		if (!strcmp(rs->programs[i]->name, name))
			return rs->programs[i];
	return NULL;
}

const sg_wrapper *sg_rules_wrapper(const sg_ruleset *rs, const char *name)
{
	const ntable *t = name ? index_wrappers(rs) : NULL;
	if (t)
		return ntable_get(t, name);
	/* later layers win: search from the end */
	for (size_t i = rs->nwrappers; i > 0; i--)
		if (sg_strlist_has(&rs->wrappers[i - 1]->names, name))
			return rs->wrappers[i - 1];
	return NULL;
}

const sg_strlist *sg_rules_flag_aliases(const sg_ruleset *rs, const char *prog, const char *meaning)
{
	const sg_program *p = sg_rules_program(rs, prog);
	if (!p)
		return NULL;
	for (size_t i = p->nflags; i > 0; i--)
		if (!strcmp(p->flags[i - 1].name, meaning))
			return &p->flags[i - 1].aliases;
	return NULL;
}

/* ---- index by program name ---------------------------------------------------------------- */

typedef struct rbucket {
	const char *name;
	sg_rule **rules;
	size_t n;
} rbucket;

struct sg_rindex {
	void *mem;		/* everything below in one allocation list */
	rbucket *b;
	size_t nb;
	sg_rule **any;
	size_t nany;
	ntable progs, wraps;
};

/* the tables, when built for the rule set as it is now */
static const ntable *index_programs(const sg_ruleset *rs)
{
	const struct sg_rindex *ix = rs->index;
	return ix && ix->progs.nb && ix->progs.built_for == rs->nprograms ? &ix->progs : NULL;
}

static const ntable *index_wrappers(const sg_ruleset *rs)
{
	const struct sg_rindex *ix = rs->index;
	return ix && ix->wraps.nb && ix->wraps.built_for == rs->nwrappers ? &ix->wraps : NULL;
}

static unsigned long hash_str(const char *s)
{
	return sg_hash_bytes(s, strlen(s));
}

static rbucket *bucket_find(const struct sg_rindex *ix, const char *name, int create)
{
	size_t i = hash_str(name) & (ix->nb - 1);
	for (size_t k = 0; k < ix->nb; k++, i = (i + 1) & (ix->nb - 1)) {
		if (!ix->b[i].name)
			return create ? &ix->b[i] : NULL;
		if (!strcmp(ix->b[i].name, name))
			return &ix->b[i];
	}
	return NULL;
}

void sg_ruleset_finish(sg_ruleset *rs)
{
	sg_strindex_free(&rs->ids);	/* heap: must not reach a snapshot */
	sg_strindex_free(&rs->pat_texts);
	struct sg_rindex *ix = sg_arena_alloc(&rs->arena, sizeof *ix);
	size_t keys = 0;
	for (size_t i = 0; i < rs->nrules; i++)
		keys += rs->rules[i]->nprograms;
	ix->nb = 64;
	while (ix->nb < keys * 2 + 1)
		ix->nb *= 2;
	ix->b = sg_arena_alloc(&rs->arena, ix->nb * sizeof *ix->b);
	/* two passes: count, then fill (arrays in the arena) */
	for (size_t i = 0; i < rs->nrules; i++) {
		sg_rule *r = rs->rules[i];
		r->index = (int)i;
		if (!r->nprograms) {
			ix->nany++;
			continue;
		}
		for (size_t k = 0; k < r->nprograms; k++) {
			rbucket *b = bucket_find(ix, r->programs[k], 1);
			b->name = r->programs[k];
			b->n++;
		}
	}
	for (size_t i = 0; i < ix->nb; i++)
		if (ix->b[i].name) {
			ix->b[i].rules = sg_arena_alloc(&rs->arena, (ix->b[i].n + 1) * sizeof(sg_rule *));
			ix->b[i].n = 0;
		}
	ix->any = sg_arena_alloc(&rs->arena, (ix->nany + 1) * sizeof(sg_rule *));
	ix->nany = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		sg_rule *r = rs->rules[i];
		if (!r->nprograms) {
			ix->any[ix->nany++] = r;
			continue;
		}
		for (size_t k = 0; k < r->nprograms; k++) {
			rbucket *b = bucket_find(ix, r->programs[k], 0);
			if (b && (b->n == 0 || b->rules[b->n - 1] != r))
				b->rules[b->n++] = r;
		}
	}
	ntable_init(rs, &ix->progs, rs->nprograms, rs->nprograms);
	for (size_t i = 0; i < rs->nprograms; i++) {
		nslot *sl = ntable_slot(&ix->progs, rs->programs[i]->name);
		if (!sl->name)
			sl->name = rs->programs[i]->name, sl->p = rs->programs[i];
	}
	size_t wkeys = 0;
	for (size_t i = 0; i < rs->nwrappers; i++)
		wkeys += rs->wrappers[i]->names.n;
	ntable_init(rs, &ix->wraps, wkeys, rs->nwrappers);
	for (size_t i = 0; i < rs->nwrappers; i++)
		for (size_t k = 0; k < rs->wrappers[i]->names.n; k++) {
			nslot *sl = ntable_slot(&ix->wraps, rs->wrappers[i]->names.v[k]);
			sl->name = rs->wrappers[i]->names.v[k];
			sl->p = rs->wrappers[i];
		}
	ix->mem = NULL;
	rs->index = ix;
}

void sg_ruleset_candidates(const sg_ruleset *rs, const char *prog, sg_rule ***own, size_t *nown, sg_rule ***any,
			   size_t *nany)
{
	const struct sg_rindex *ix = rs->index;
	*own = NULL;
	*nown = 0;
	if (!ix) {
		*any = rs->rules;
		*nany = rs->nrules;
		return;
	}
	rbucket *b = prog ? bucket_find(ix, prog, 0) : NULL;
	if (b) {
		*own = b->rules;
		*nown = b->n;
	}
	*any = ix->any;
	*nany = ix->nany;
}

/* ---- locations of the layers ---------------------------------------------------------------- */

const char *sg_rules_builtin_dir(void)
{
	static char buf[PATH_MAX + 64];
	const char *env = getenv("SG_RULES_DIR");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	if (sg_self_exe(exe, sizeof exe)) {
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			struct stat st;
			snprintf(buf, sizeof buf, "%s/../share/shellgate/rules", exe);
			char real[PATH_MAX];
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (realpath(buf, real) && strlen(real) < sizeof buf)
					memcpy(buf, real, strlen(real) + 1);
				return buf;
			}
		}
	}
	struct stat st;
	if (stat(SG_DATADIR "/rules", &st) == 0 && S_ISDIR(st.st_mode))
		return SG_DATADIR "/rules";
	return SG_BUILTIN_RULES;
}

const char *sg_rules_user_file(void)
{
	static char buf[PATH_MAX];
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *h = getenv("HOME");
	if (x && x[0] == '/')
		snprintf(buf, sizeof buf, "%s/shellgate/rules.json", x);
	else if (h && *h)
		snprintf(buf, sizeof buf, "%s/.config/shellgate/rules.json", h);
	else
		return NULL;
	return buf;
}
