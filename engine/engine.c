/*
 * engine.c - load the rule layers, judge requests: parse -> IR -> match ->
 * decide. The decision is the strictest over every command (deny > ask >
 * allow); defaults apply to unmatched, dynamic and unparsable parts, the
 * latter as a floor that can only make a verdict stricter.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "lower.h"
#include "match.h"
#include "paths.h"
#include "rules.h"
#include "snapshot.h"

/*
 * Candidate rules per program name: the index's bucket (or the any-program
 * list) less the rules whose program conditions rule the name out
 * (sg_cond_program_gate, a pure function of rule and name). A batch or lint
 * run meets the same few programs again and again. Direct-mapped and
 * bounded: a slot is replaced when another name hashes to it; names longer
 * than SG_CAND_NAME are filtered every time and not kept.
 */
#define SG_CAND_SLOTS 1024
#define SG_CAND_NAME 48

typedef struct cand_slot {
	char name[SG_CAND_NAME + 1];
	int used, dyn;
	sg_rule **rules;	/* heap, owned by the slot */
	size_t n;
} cand_slot;

struct sg_engine {
	sg_ruleset rs;
	cand_slot *cand;	/* SG_CAND_SLOTS, allocated on first use */
	sg_rule **scratch;	/* candidates of an uncached name */
	size_t nscratch;
	sg_region *region;	/* where rs lives (snapshot-able), or NULL */
	sg_parser *parser;
	int mode;
	int strict;
	const char *parser_why;
};

/* ---- loading -------------------------------------------------------------------- */

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void load_dir(sg_ruleset *rs, const char *dir, sg_buf *log)
{
	DIR *d = opendir(dir);
	if (!d) {
		if (log)
			sg_buf_printf(log, "%s:1:1: error: cannot open built-in rule directory: %s\n", dir, strerror(errno));
		rs->broken = 1;
		rs->broken_why = sg_arena_printf(&rs->arena, "built-in rules not found at %s", dir);
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 5 && !strcmp(e->d_name + l - 5, ".json") && e->d_name[0] != '.') {
			names = sg_xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = sg_xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmpstr);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		sg_ruleset_load_file(rs, path, SG_LAYER_BUILTIN, 1, log);
		free(names[i]);
	}
	free(names);
}

sg_engine *sg_engine_new(const sg_config *cfg, sg_buf *log)
{
	sg_engine *e = sg_xcalloc(1, sizeof *e);
	sg_ruleset_init(&e->rs);
	e->parser = sg_parser_new(&e->parser_why);
	if (!e->parser) {
		e->rs.broken = 1;
		e->rs.broken_why = e->parser_why;
	}
	const char *bdir = cfg->builtin_dir ? cfg->builtin_dir : sg_rules_builtin_dir();
	const char *ufile = cfg->user_file ? cfg->user_file : sg_rules_user_file();
	uint64_t key;
	int snap = e->parser && sg_snapshot_key(cfg, bdir, ufile, &key) == 0;
	if (snap && sg_snapshot_load(key, &e->rs, &e->region, log) == 0)
		goto loaded;
	if (snap && (e->region = sg_region_new(SG_SNAPSHOT_BASE, SG_SNAPSHOT_REGION)))
		e->rs.arena.region = e->region;
	sg_buf loadlog;
	sg_buf_init(&loadlog);
	sg_buf *olog = log;
	log = &loadlog;
	if (!cfg->no_builtin)
		load_dir(&e->rs, bdir, log);
	if (!cfg->no_user) {
		const char *uf = ufile;
		int exists = 0;
		if (uf && !sg_file_trustworthy(uf, log, &exists)) {
			e->rs.broken = 1;
			e->rs.broken_why = sg_arena_printf(&e->rs.arena, "user rule file %s refused", uf);
		} else if (uf && exists) {
			sg_ruleset_load_file(&e->rs, uf, SG_LAYER_USER, 1, log);
		}
		if (cfg->project) {
			char pf[PATH_MAX];
			snprintf(pf, sizeof pf, "%s/.shellgate/rules.json", cfg->project);
			struct stat st;
			if (stat(pf, &st) == 0) {
				int trusted = sg_ruleset_project_trusted(&e->rs, cfg->project);
				sg_ruleset_load_file(&e->rs, pf, SG_LAYER_PROJECT, trusted, log);
			}
		}
	}
	if (cfg->add_layers)
		cfg->add_layers(&e->rs, cfg->add_layers_ctx, log);
	for (size_t i = 0; i < cfg->nextra; i++)
		sg_ruleset_load_file(&e->rs, cfg->extra_files[i], SG_LAYER_EXTRA, 1, log);
	sg_ruleset_finish(&e->rs);
	if (e->rs.arena.exhausted) {
		e->rs.broken = 1;
		e->rs.broken_why = "the rule set does not fit in its region";
	}
	if (snap && e->region && !e->rs.broken)
		sg_snapshot_save(key, &e->rs, e->region, &loadlog);
	if (olog && loadlog.len)
		sg_buf_add(olog, loadlog.data, loadlog.len);
	sg_buf_free(&loadlog);
loaded:
	e->mode = cfg->mode >= 0 ? cfg->mode : e->rs.mode >= 0 ? e->rs.mode : SG_MODE_TRUSTED;
	e->strict = cfg->strict || e->mode == SG_MODE_STRICT;
	if (e->strict) {
		e->rs.def_dynamic = SG_DENY;
		e->rs.def_unparsable = SG_DENY;
	}
	return e;
}

void sg_engine_free(sg_engine *e)
{
	if (!e)
		return;
	sg_parser_free(e->parser);
	for (size_t i = 0; e->cand && i < SG_CAND_SLOTS; i++)
		free(e->cand[i].rules);
	free(e->cand);
	free(e->scratch);
	sg_ruleset_free(&e->rs);
	sg_region_free(e->region);
	free(e);
}

int sg_engine_broken(const sg_engine *e)
{
	return e->rs.broken;
}

const sg_ruleset *sg_engine_rules(const sg_engine *e)
{
	return &e->rs;
}

/* ---- judging ------------------------------------------------------------------------ */

typedef struct rvec {
	sg_reason *v;
	size_t n, cap;
} rvec;

static void add_reason(sg_verdict *v, rvec *r, const char *rule, int d, const char *reason, uint32_t s,
		       uint32_t e, const char *origin)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].rule, rule) && r->v[i].start == s && r->v[i].end == e)
			return;
	r->v = sg_arena_grow(&v->arena, r->v, r->n, &r->cap, sizeof *r->v);
	sg_reason *x = &r->v[r->n++];
	x->rule = rule;
	x->decision = (sg_decision)d;
	x->reason = reason;
	x->start = s;
	x->end = e;
	x->origin = origin;
	if ((sg_decision)d > v->decision)
		v->decision = (sg_decision)d;
}

static const char *R_UNMATCHED = "No rule covers this command, so it needs the user's approval.";
static const char *R_DYNAMIC = "Part of this command is only known when it runs (a variable, substitution or script), so it cannot be checked in advance: ask the user, or write it out literally.";
static const char *R_UNPARSABLE = "This command could not be parsed completely (a syntax error, an unterminated quote, or a size limit), so it cannot be checked: fix or simplify it, or ask the user.";

static int rule_active(const sg_engine *e, const sg_rule *r)
{
	return !r->modes || (r->modes & (1 << e->mode));
}

/* The rules of own[] and any[] (each in rule order) whose program
 * conditions admit name, merged in rule order into out. */
static size_t gate_filter(sg_engine *e, sg_rule **own, size_t nown, sg_rule **any, size_t nany, const char *name,
			  int dyn, sg_rule **out)
{
	size_t k = 0, i = 0, j = 0;
	while (i < nown || j < nany) {
		sg_rule *r = j >= nany || (i < nown && own[i]->index < any[j]->index) ? own[i++] : any[j++];
		if (sg_cond_program_gate(&e->rs, r->cond, name, dyn))
			out[k++] = r;
	}
	return k;
}

static sg_rule **candidates(sg_engine *e, const char *name, int dyn, size_t *np)
{
	size_t nown, nany;
	sg_rule **own, **any;
	sg_ruleset_candidates(&e->rs, dyn ? "" : name, &own, &nown, &any, &nany);
	size_t n = nown + nany;
	size_t len = strlen(name);
	if (len > SG_CAND_NAME) {
		if (e->nscratch < n + 1) {
			e->scratch = sg_xrealloc(e->scratch, (n + 1) * sizeof *e->scratch);
			e->nscratch = n + 1;
		}
		*np = gate_filter(e, own, nown, any, nany, name, dyn, e->scratch);
		return e->scratch;
	}
	unsigned long h = sg_hash_bytes(name, len) ^ (unsigned long)dyn;
	if (!e->cand)
		e->cand = sg_xcalloc(SG_CAND_SLOTS, sizeof *e->cand);
	cand_slot *sl = &e->cand[h % SG_CAND_SLOTS];
	if (sl->used && sl->dyn == dyn && !strcmp(sl->name, name)) {
		*np = sl->n;
		return sl->rules;
	}
	sl->rules = sg_xrealloc(sl->rules, (n + 1) * sizeof *sl->rules);
	sl->n = gate_filter(e, own, nown, any, nany, name, dyn, sl->rules);
	memcpy(sl->name, name, len + 1);
	sl->dyn = dyn;
	sl->used = 1;
	*np = sl->n;
	return sl->rules;
}

static void judge_cmd(sg_engine *e, sg_match_state *ms, sg_verdict *v, rvec *rv, sg_cmd *cmd)
{
	const sg_ruleset *rs = &e->rs;
	size_t n;
	int dyn = (cmd->ctx & SG_C_DYNAMIC_PROG) != 0;
	sg_rule **cand, **own_unused;
	size_t nown_unused;
	if (!dyn && !cmd->name)
		sg_ruleset_candidates(rs, NULL, &own_unused, &nown_unused, &cand, &n);
	else
		cand = candidates(e, dyn ? "" : cmd->name, dyn, &n);
	int best = -1;
	sg_rule *hits[64];
	size_t nh = 0;
	for (size_t i = 0; i < n; i++) {
		sg_rule *r = cand[i];
		if (!rule_active(e, r) || !sg_cond_match(ms, r->cond, cmd))
			continue;
		int d = r->decision;
		if (d == SG_ALLOW && !r->allow_dynamic) {
			for (size_t k = 0; k < cmd->argc; k++)
				if (cmd->argv[k].flags & SG_W_DYNAMIC) {
					d = -2;	/* dynamic words: the dynamic default decides */
					break;
				}
		}
		if (d == -2) {
			add_reason(v, rv, "default.dynamic", rs->def_dynamic, R_DYNAMIC, cmd->start, cmd->end, NULL);
			d = rs->def_dynamic;
		} else {
			if (nh < 64)
				hits[nh++] = r;
		}
		if (d > best)
			best = d;
	}
	for (size_t i = 0; i < nh; i++) {
		add_reason(v, rv, hits[i]->id, hits[i]->decision, hits[i]->reason, cmd->start, cmd->end, hits[i]->origin);
		if (hits[i]->uncontained && hits[i]->decision == SG_ASK)
			v->flags |= SG_V_UNCONTAINED;
	}
	int transparent = ((cmd->ctx & (SG_C_WRAPPER | SG_C_FUNCALL)) && !(cmd->ctx & SG_C_RECURSIVE)) ||
			  ((cmd->ctx & SG_C_ASSIGN_ONLY) && !cmd->nredirs);
	if (cmd->ctx & (SG_C_DYNAMIC_PROG | SG_C_DYNAMIC_INPUT)) {
		add_reason(v, rv, "default.dynamic", rs->def_dynamic, R_DYNAMIC, cmd->start, cmd->end, NULL);
		return;
	}
	if (best < 0 && !transparent)
		add_reason(v, rv, "default.unmatched", rs->def_unmatched, R_UNMATCHED, cmd->start, cmd->end, NULL);
}

static int cmp_reason(const void *a, const void *b)
{
	const sg_reason *x = a, *y = b;
	if (x->decision != y->decision)
		return (int)y->decision - (int)x->decision;
	return x->start < y->start ? -1 : x->start > y->start;
}

static const char *abs_or(sg_arena *A, const char *p, const char *fallback)
{
	if (!p || !*p)
		p = fallback;
	if (!p)
		return NULL;
	if (p[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			return NULL;
		return sg_path_resolve(A, p, cwd, NULL);
	}
	return sg_path_resolve(A, p, "/", NULL);
}

static void file_request(sg_engine *e, const sg_request *req, sg_ir *ir)
{
	static const char *names[] = { "", "@read", "@write", "@search" };
	sg_arena *A = ir->arena;
	sg_cmd *cmd = sg_arena_alloc(A, sizeof *cmd);
	cmd->argv = sg_arena_alloc(A, 2 * sizeof *cmd->argv);
	cmd->argc = 2;
	cmd->name = names[req->kind];
	cmd->argv[0].text = cmd->name;
	cmd->argv[0].len = strlen(cmd->name);
	cmd->argv[0].static_prefix = cmd->argv[0].len;
	cmd->argv[1].text = ir->input;
	cmd->argv[1].len = ir->input_len;
	cmd->argv[1].static_prefix = ir->input_len;
	cmd->argv[1].end = (uint32_t)ir->input_len;
	cmd->argv[1].base_cwd = ir->cwd;
	if (strpbrk(ir->input, "*?["))
		cmd->argv[1].flags |= SG_W_GLOB;
	cmd->prog = cmd->argv[0];
	cmd->positional = sg_arena_alloc(A, sizeof *cmd->positional);
	cmd->positional[0] = 1;
	cmd->npositional = 1;
	cmd->cwd = ir->cwd;
	cmd->wrappers = "";
	cmd->end = (uint32_t)ir->input_len;
	cmd->pipe_len = 1;
	ir->cmds = sg_arena_alloc(A, sizeof *ir->cmds);
	ir->cmds[0] = cmd;
	ir->ncmds = 1;
	(void)e;
}

void sg_engine_judge(sg_engine *e, const sg_request *req, sg_verdict *v)
{
	memset(v, 0, sizeof *v);
	sg_arena_init(&v->arena);
	v->decision = SG_ALLOW;
	size_t len = req->len;
	v->input = sg_arena_strndup(&v->arena, req->text ? req->text : "", req->text ? len : 0);
	v->input_len = req->text ? len : 0;
	rvec rv = { 0 };
	if (e->rs.broken || !e->parser) {
		add_reason(v, &rv, "engine.error", SG_DENY,
			   sg_arena_printf(&v->arena, "shellgate cannot judge commands: %s. Ask the user to fix it.",
					   e->rs.broken_why ? e->rs.broken_why : "engine error"),
			   0, (uint32_t)v->input_len, NULL);
		v->flags |= SG_V_ENGINE_ERROR;
		goto out;
	}
	if (len > SG_MAX_INPUT) {
		v->flags |= SG_V_LIMIT | SG_V_UNPARSABLE;
		add_reason(v, &rv, "default.unparsable", e->rs.def_unparsable, R_UNPARSABLE, 0, (uint32_t)len, NULL);
		goto out;
	}
	sg_ir *ir = sg_arena_alloc(&v->arena, sizeof *ir);
	ir->arena = &v->arena;
	ir->input = v->input;
	ir->input_len = v->input_len;
	ir->cwd = abs_or(&v->arena, req->cwd, ".");
	ir->home = abs_or(&v->arena, req->home, getenv("HOME"));
	ir->project = abs_or(&v->arena, req->project, ir->cwd);
	v->ir = ir;
	if (req->kind == SG_REQ_SHELL)
		sg_lower(ir, e->parser, &e->rs);
	else
		file_request(e, req, ir);
	sg_match_state ms;
	sg_match_state_init(&ms, ir, &e->rs);
	for (size_t i = 0; i < ir->ncmds; i++)
		judge_cmd(e, &ms, v, &rv, ir->cmds[i]);
	if (ms.error) {
		v->flags |= SG_V_ENGINE_ERROR;
		add_reason(v, &rv, "engine.error", SG_DENY,
			   sg_arena_printf(&v->arena, "shellgate could not evaluate a rule (%s); failing closed.", ms.error),
			   0, (uint32_t)v->input_len, NULL);
	}
	sg_match_state_fini(&ms);
	if (ir->flags & SG_IR_NUL) {
		/* argv strings end at a NUL: what would run is a guess */
		v->flags |= SG_V_UNPARSABLE;
		add_reason(v, &rv, "default.nul", SG_DENY,
			   "The command contains a NUL byte, which no shell command line can hold: what would run cannot be known. Send the command without NUL bytes.",
			   0, (uint32_t)v->input_len, NULL);
	}
	if (ir->flags & (SG_IR_UNPARSABLE | SG_IR_LIMIT)) {
		v->flags |= SG_V_UNPARSABLE | ((ir->flags & SG_IR_LIMIT) ? SG_V_LIMIT : 0);
		uint32_t s = ir->err_end ? ir->err_start : 0, en = ir->err_end ? ir->err_end : (uint32_t)v->input_len;
		const char *why = R_UNPARSABLE;
		if (ir->flags & SG_IR_LIMIT)
			why = sg_arena_printf(&v->arena, "%s (limit %s)", R_UNPARSABLE,
					      ir->limit_what ? ir->limit_what : "?");
		add_reason(v, &rv, "default.unparsable", e->rs.def_unparsable, why, s, en, NULL);
	}
	for (size_t i = 0; i < rv.n; i++)
		if (!strcmp(rv.v[i].rule, "default.dynamic"))
			v->flags |= SG_V_DYNAMIC;
	if (e->mode == SG_MODE_AUDIT && v->decision == SG_ALLOW && ir->ncmds > 0) {
		add_reason(v, &rv, "mode.audit", SG_ASK, "Audit mode: every command that is not denied is asked.", 0,
			   (uint32_t)v->input_len, NULL);
	}
out:
	if (rv.n)
		qsort(rv.v, rv.n, sizeof *rv.v, cmp_reason);
	v->reasons = rv.v;
	v->nreasons = rv.n;
}

void sg_verdict_free(sg_verdict *v)
{
	sg_arena_free(&v->arena);
	memset(v, 0, sizeof *v);
}

/* ---- rule examples (shellgate test) ---------------------------------------------- */

int sg_engine_rule_matches(sg_engine *e, const struct sg_rule *r, const char *cmd, const char *cwd,
			   const char *home, const char *project)
{
	sg_verdict v;
	memset(&v, 0, sizeof v);
	sg_arena_init(&v.arena);
	sg_ir *ir = sg_arena_alloc(&v.arena, sizeof *ir);
	ir->arena = &v.arena;
	ir->input = sg_arena_strdup(&v.arena, cmd);
	ir->input_len = strlen(cmd);
	ir->cwd = cwd;
	ir->home = home;
	ir->project = project;
	int hit = 0;
	if (e->parser) {
		sg_lower(ir, e->parser, &e->rs);
		sg_match_state ms;
		sg_match_state_init(&ms, ir, &e->rs);
		for (size_t i = 0; i < ir->ncmds && !hit; i++)
			hit = sg_cond_match(&ms, r->cond, ir->cmds[i]);
		if (ms.error)
			hit = -1;
		sg_match_state_fini(&ms);
	}
	sg_arena_free(&v.arena);
	return hit;
}
