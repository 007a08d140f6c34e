/*
 * match.c - evaluate rule conditions (docs/RULES.md) against IR commands.
 *
 * PCRE2 patterns are compiled on first use (a hook is a fresh process per
 * command: compiling every pattern of every pack each time would dominate),
 * or decoded from the compiled form a rule-set snapshot keeps for each
 * (snapshot.c), and JIT-compiled once a process keeps using them. A match that fails with an
 * error (match limit, depth limit) is NOT "no match": it is recorded in the
 * match state and the request fails closed.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "match.h"
#include "paths.h"

/* A pattern as the rule set holds it (arena; in a snapshot, read-only
 * after the load): its text, its index in rs->pats and, in a snapshot, its
 * compiled code serialized by pcre2_serialize_encode. */
struct sg_pat {
	const char *src;
	size_t idx;
	const uint8_t *ser;	/* NULL: compile from src */
	size_t nser;
};

/* What one process knows of a pattern (heap, rs->pat_rt[idx]; never in a
 * snapshot, so a mapped snapshot's pages are never written). */
typedef struct pat_rt {
	pcre2_code *code;
	const char *err;
	unsigned uses;		/* matches so far in this process (JIT after SG_PCRE_JIT_AFTER) */
	uint32_t minlen;	/* PCRE2_INFO_MINLENGTH: no shorter subject can match */
	int tried;
	/* the last answer, for the same subject bytes in the same match state
	 * (the IR is not changed while it is matched): rules that share a
	 * pattern ask it about the same program name one after another */
	unsigned long memo_gen;
	const char *memo_s;
	size_t memo_n;
	int memo_hit;
} pat_rt;

typedef struct optval {
	sg_strlist opts;
	sg_pat **pats;
	size_t npats;
} optval;

struct sg_cond {
	sg_strlist program;
	sg_pat *program_re;
	sg_strlist *subcmds;	/* each entry split into words */
	size_t nsubcmds;
	sg_strlist flags_any, flags_all, flags_none;
	sg_pat **args_any, **args_none, **assign_any, **raw, **stdin_any;
	size_t nargs_any, nargs_none, nassign_any, nraw, nstdin_any;
	sg_pat *args_all_re;
	optval *optvals;
	size_t noptvals;
	unsigned path_any, path_none, redir_any, redir_read_any;
	sg_cond *fed_by;
	unsigned context_any;
	sg_strlist wrapped_by;
	int static_;		/* -1 unset */
	int argc_max;		/* -1 unset */
	int pos_min;		/* -1 unset: positionals after the subcommand words */
	sg_strlist projects;	/* the request's project is one of these */
	double before;		/* 0 unset: holds while the clock is before this (epoch seconds) */
	sg_cond **any, **all;
	size_t nany, nall;
	sg_cond *not_;
};

/* ---- patterns ---------------------------------------------------------------- */

static pat_rt *pat_rt_of(sg_ruleset *rs, const sg_pat *p)
{
	if (p->idx >= rs->npat_rt) {
		size_t n = rs->npats > p->idx ? rs->npats : p->idx + 1;
		pat_rt *v = sg_xrealloc(rs->pat_rt, n * sizeof *v);
		memset(v + rs->npat_rt, 0, (n - rs->npat_rt) * sizeof *v);
		rs->pat_rt = v;
		rs->npat_rt = n;
	}
	return (pat_rt *)rs->pat_rt + p->idx;
}

/* Compiles p on first use, or decodes the code a snapshot holds for it
 * (the bytes pcre2_compile produced from the same text, so the same
 * answers; a decode that fails compiles instead). */
static int pat_compile(sg_ruleset *rs, sg_pat *p)
{
	pat_rt *rt = pat_rt_of(rs, p);
	if (rt->tried)
		return rt->code ? 0 : -1;
	rt->tried = 1;
	if (p->ser && pcre2_serialize_decode(&rt->code, 1, p->ser, NULL) == 1) {
		if (pcre2_pattern_info(rt->code, PCRE2_INFO_MINLENGTH, &rt->minlen) != 0)
			rt->minlen = 0;
		return 0;
	}
	rt->code = NULL;
	int ec;
	PCRE2_SIZE eo;
	rt->code = pcre2_compile((PCRE2_SPTR)p->src, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
				 &ec, &eo, NULL);
	if (!rt->code) {
		static char buf[512];
		PCRE2_UCHAR msg[200];
		pcre2_get_error_message(ec, msg, sizeof msg);
		snprintf(buf, sizeof buf, "bad pattern /%.60s/ at offset %zu: %s", p->src, (size_t)eo, (char *)msg);
		rt->err = buf;
		return -1;
	}
	if (pcre2_pattern_info(rt->code, PCRE2_INFO_MINLENGTH, &rt->minlen) != 0)
		rt->minlen = 0;
	return 0;
}

static const char *pat_err(sg_ruleset *rs, const sg_pat *p)
{
	return pat_rt_of(rs, p)->err;
}

/* 1 match, 0 no match; errors recorded in ms (and counted as a match, so the
 * rule fires: stricter). */
static int pat_match(sg_match_state *ms, sg_pat *p, const char *s, size_t n)
{
	sg_ruleset *rs = (sg_ruleset *)ms->rs;
	if (pat_compile(rs, p) < 0) {
		if (!ms->error)
			ms->error = pat_err(rs, p);
		return 1;
	}
	pat_rt *rt = pat_rt_of(rs, p);
	/* fewer bytes than the pattern's minimum length in characters: no
	 * match, which is what pcre2_match answers after its set-up */
	if (n < rt->minlen)
		return 0;
	if (rt->memo_gen == ms->gen && rt->memo_s == s && rt->memo_n == n)
		return rt->memo_hit;
	/* JIT costs far more than one match: a hook (one request per process)
	 * interprets; batch and lint JIT the patterns they keep using. A
	 * failure to JIT is fine (the interpreter gives the same answers). */
	if (++rt->uses == SG_PCRE_JIT_AFTER)
		(void)pcre2_jit_compile(rt->code, PCRE2_JIT_COMPLETE);
	int rc = pcre2_match(rt->code, (PCRE2_SPTR)s, n, 0, 0, ms->mdata, ms->mctx);
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) {
		/* only clean answers are kept: an error is met (and recorded) again */
		rt->memo_gen = ms->gen;
		rt->memo_s = s;
		rt->memo_n = n;
		rt->memo_hit = rc >= 0;
		return rt->memo_hit;
	}
	if (!ms->error) {
		static char buf[400];
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(rc, msg, sizeof msg);
		snprintf(buf, sizeof buf, "pattern /%.60s/: %s", p->src, (char *)msg);
		ms->error = buf;
	}
	return 1;
}

/* match data and a context with the named limits (a match that reaches
 * them is an error, which fails closed) */
static void match_pair_new(void **md, void **mc)
{
	pcre2_match_data *d = pcre2_match_data_create(4, NULL);
	pcre2_match_context *c = pcre2_match_context_create(NULL);
	if (!d || !c)
		sg_fatal("out of memory (pcre2 match data)");
	pcre2_set_match_limit(c, SG_PCRE_MATCH_LIMIT);
	pcre2_set_depth_limit(c, SG_PCRE_DEPTH_LIMIT);
	*md = d;
	*mc = c;
}

void sg_match_state_init(sg_match_state *ms, const sg_ir *ir, const sg_ruleset *rs)
{
	static unsigned long gens;
	memset(ms, 0, sizeof *ms);
	ms->ir = ir;
	ms->rs = rs;
	ms->gen = ++gens;	/* never 0: a fresh pattern's memo matches no state */
	match_pair_new(&ms->mdata, &ms->mctx);
}

void sg_match_free_codes(sg_ruleset *rs)
{
	pat_rt *rt = rs->pat_rt;
	for (size_t i = 0; i < rs->npat_rt; i++)
		pcre2_code_free(rt[i].code);
	free(rt);
	rs->pat_rt = NULL;
	rs->npat_rt = 0;
	pcre2_match_data_free(rs->gate_md);
	pcre2_match_context_free(rs->gate_mc);
	rs->gate_md = rs->gate_mc = NULL;
}

void sg_match_serialize_all(sg_ruleset *rs)
{
	sg_pat **pats = (sg_pat **)rs->pats;
	for (size_t i = 0; i < rs->npats; i++) {
		sg_pat *p = pats[i];
		if (p->ser || pat_compile(rs, p) < 0)
			continue;
		const pcre2_code *c = pat_rt_of(rs, p)->code;
		uint8_t *bytes;
		PCRE2_SIZE n;
		if (pcre2_serialize_encode(&c, 1, &bytes, &n, NULL) != 1)
			continue;
		uint8_t *copy = sg_arena_try_alloc(&rs->arena, n);
		if (copy) {
			memcpy(copy, bytes, n);
			p->ser = copy;
			p->nser = n;
		}
		pcre2_serialize_free(bytes);
	}
}

void sg_match_state_fini(sg_match_state *ms)
{
	pcre2_match_data_free(ms->mdata);
	pcre2_match_context_free(ms->mctx);
}

/* ---- compiling conditions ---------------------------------------------------------- */

static int strlist_from(sg_ruleset *rs, const cJSON *j, sg_strlist *out, const char *key, sg_buf *err)
{
	if (cJSON_IsString(j)) {
		out->v = sg_arena_alloc(&rs->arena, sizeof *out->v);
		out->v[0] = sg_arena_strdup(&rs->arena, j->valuestring);
		out->n = 1;
		return 0;
	}
	if (!cJSON_IsArray(j)) {
		sg_buf_printf(err, "'%s' must be a string or a list of strings", key);
		return -1;
	}
	int n = cJSON_GetArraySize(j);
	out->v = sg_arena_alloc(&rs->arena, ((size_t)n + 1) * sizeof *out->v);
	out->n = 0;
	const cJSON *x;
	cJSON_ArrayForEach(x, j) {
		if (!cJSON_IsString(x)) {
			sg_buf_printf(err, "'%s' must list strings", key);
			return -1;
		}
		out->v[out->n++] = sg_arena_strdup(&rs->arena, x->valuestring);
	}
	return 0;
}

static const char *pat_text_of(const void *rs, size_t i)
{
	return ((sg_pat *const *)((const sg_ruleset *)rs)->pats)[i]->src;
}

static sg_pat *pat_new(sg_ruleset *rs, const char *src, int eager, sg_buf *err)
{
	/* one sg_pat per distinct text: rules that repeat a pattern share its
	 * code and its memo */
	size_t *slot = sg_strindex_slot(&rs->pat_texts, src, rs->npats, pat_text_of, rs);
	if (*slot) {
		sg_pat *q = ((sg_pat **)rs->pats)[*slot - 1];
		if (eager && pat_compile(rs, q) < 0) {
			sg_buf_adds(err, pat_err(rs, q));
			return NULL;
		}
		return q;
	}
	sg_pat *p = sg_arena_alloc(&rs->arena, sizeof *p);
	p->src = sg_arena_strdup(&rs->arena, src);
	p->idx = rs->npats;
	rs->pats = sg_arena_grow(&rs->arena, rs->pats, rs->npats, &rs->cappats, sizeof *rs->pats);
	rs->pats[rs->npats++] = p;
	*slot = rs->npats;
	rs->pat_texts.count = rs->npats;
	if (eager && pat_compile(rs, p) < 0) {
		sg_buf_adds(err, pat_err(rs, p));
		return NULL;
	}
	return p;
}

static int pats_from(sg_ruleset *rs, const cJSON *j, sg_pat ***out, size_t *n, const char *key, int eager,
		     sg_buf *err)
{
	sg_strlist l;
	if (strlist_from(rs, j, &l, key, err) < 0)
		return -1;
	*out = sg_arena_alloc(&rs->arena, (l.n + 1) * sizeof **out);
	*n = l.n;
	for (size_t i = 0; i < l.n; i++)
		if (!((*out)[i] = pat_new(rs, l.v[i], eager, err)))
			return -1;
	return 0;
}

static int classes_from(sg_ruleset *rs, const cJSON *j, unsigned *out, const char *key, sg_buf *err)
{
	sg_strlist l;
	if (strlist_from(rs, j, &l, key, err) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++) {
		unsigned b = sg_path_class_parse(l.v[i]);
		if (!b) {
			sg_buf_printf(err, "'%s': unknown path class '%s'", key, l.v[i]);
			return -1;
		}
		*out |= b;
	}
	return 0;
}

static const struct {
	const char *name;
	unsigned bit;
} ctx_names[] = {
	{ "subst", SG_C_SUBST }, { "procsubst", SG_C_PROCSUBST }, { "background", SG_C_BACKGROUND },
	{ "function", SG_C_FUNCTION }, { "conditional", SG_C_CONDITIONAL }, { "remote", SG_C_REMOTE },
	{ "dynamic_prog", SG_C_DYNAMIC_PROG }, { "dynamic_input", SG_C_DYNAMIC_INPUT },
	{ "funcall", SG_C_FUNCALL }, { "xargs", SG_C_XARGS_ARGS }, { "stdin_script", SG_C_STDIN_SCRIPT },
	{ "assign_only", SG_C_ASSIGN_ONLY }, { "wrapper", SG_C_WRAPPER }, { "error", SG_C_ERROR },
	{ "recursive", SG_C_RECURSIVE }, { "negated", SG_C_NEGATED }, { "obfuscated", SG_C_OBFUSCATED },
};

static int context_from(sg_ruleset *rs, const cJSON *j, unsigned *out, sg_buf *err)
{
	sg_strlist l;
	if (strlist_from(rs, j, &l, "context_any", err) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++) {
		size_t k;
		for (k = 0; k < sizeof ctx_names / sizeof ctx_names[0]; k++)
			if (!strcmp(ctx_names[k].name, l.v[i]))
				break;
		if (k == sizeof ctx_names / sizeof ctx_names[0]) {
			sg_buf_printf(err, "'context_any': unknown context '%s'", l.v[i]);
			return -1;
		}
		*out |= ctx_names[k].bit;
	}
	return 0;
}

static int subcmds_from(sg_ruleset *rs, const cJSON *j, sg_cond *c, sg_buf *err)
{
	sg_strlist l;
	if (strlist_from(rs, j, &l, "subcommand", err) < 0)
		return -1;
	c->subcmds = sg_arena_alloc(&rs->arena, (l.n + 1) * sizeof *c->subcmds);
	c->nsubcmds = l.n;
	for (size_t i = 0; i < l.n; i++) {
		sg_strlist *w = &c->subcmds[i];
		w->v = sg_arena_alloc(&rs->arena, (strlen(l.v[i]) / 2 + 2) * sizeof *w->v);
		const char *s = l.v[i];
		while (*s) {
			while (*s == ' ')
				s++;
			size_t k = strcspn(s, " ");
			if (k)
				w->v[w->n++] = sg_arena_strndup(&rs->arena, s, k);
			s += k;
		}
	}
	return 0;
}

static int optvals_from(sg_ruleset *rs, const cJSON *j, sg_cond *c, int eager, sg_buf *err)
{
	if (!cJSON_IsObject(j)) {
		sg_buf_adds(err, "'option_value' must be an object {\"-c\": [patterns]}");
		return -1;
	}
	int n = cJSON_GetArraySize(j);
	c->optvals = sg_arena_alloc(&rs->arena, ((size_t)n + 1) * sizeof *c->optvals);
	const cJSON *x;
	cJSON_ArrayForEach(x, j) {
		optval *o = &c->optvals[c->noptvals++];
		o->opts.v = sg_arena_alloc(&rs->arena, 2 * sizeof *o->opts.v);
		/* "-c|--command": alternatives separated by | */
		const char *k = x->string;
		size_t cnt = 1;
		for (const char *p = k; *p; p++)
			cnt += *p == '|';
		o->opts.v = sg_arena_alloc(&rs->arena, (cnt + 1) * sizeof *o->opts.v);
		while (*k) {
			size_t l = strcspn(k, "|");
			o->opts.v[o->opts.n++] = sg_arena_strndup(&rs->arena, k, l);
			k += l;
			if (*k)
				k++;
		}
		if (pats_from(rs, x, &o->pats, &o->npats, "option_value", eager, err) < 0)
			return -1;
	}
	return 0;
}

static sg_cond *conds_list(sg_ruleset *rs, const cJSON *j, sg_cond ***out, size_t *n, int eager, sg_buf *err,
			   const char *key)
{
	if (!cJSON_IsArray(j)) {
		sg_buf_printf(err, "'%s' must be a list of condition objects", key);
		return NULL;
	}
	int k = cJSON_GetArraySize(j);
	*out = sg_arena_alloc(&rs->arena, ((size_t)k + 1) * sizeof **out);
	const cJSON *x;
	cJSON_ArrayForEach(x, j) {
		sg_cond *c = sg_cond_compile(rs, x, eager, err);
		if (!c)
			return NULL;
		(*out)[(*n)++] = c;
	}
	return (sg_cond *)1;
}

sg_cond *sg_cond_compile(sg_ruleset *rs, const void *json, int eager, sg_buf *err)
{
	const cJSON *j = json;
	if (!cJSON_IsObject(j)) {
		sg_buf_adds(err, "a condition must be an object");
		return NULL;
	}
	sg_cond *c = sg_arena_alloc(&rs->arena, sizeof *c);
	c->static_ = -1;
	c->argc_max = -1;
	c->pos_min = -1;
	const cJSON *x;
	cJSON_ArrayForEach(x, j) {
		const char *k = x->string;
		int r = 0;
		if (!strcmp(k, "program"))
			r = strlist_from(rs, x, &c->program, k, err);
		else if (!strcmp(k, "program_re"))
			r = cJSON_IsString(x) && (c->program_re = pat_new(rs, x->valuestring, eager, err)) ? 0 : -1;
		else if (!strcmp(k, "subcommand"))
			r = subcmds_from(rs, x, c, err);
		else if (!strcmp(k, "flags_any"))
			r = strlist_from(rs, x, &c->flags_any, k, err);
		else if (!strcmp(k, "flags_all"))
			r = strlist_from(rs, x, &c->flags_all, k, err);
		else if (!strcmp(k, "flags_none"))
			r = strlist_from(rs, x, &c->flags_none, k, err);
		else if (!strcmp(k, "args_any"))
			r = pats_from(rs, x, &c->args_any, &c->nargs_any, k, eager, err);
		else if (!strcmp(k, "args_none"))
			r = pats_from(rs, x, &c->args_none, &c->nargs_none, k, eager, err);
		else if (!strcmp(k, "args_all_re"))
			r = cJSON_IsString(x) && (c->args_all_re = pat_new(rs, x->valuestring, eager, err)) ? 0 : -1;
		else if (!strcmp(k, "assign_any"))
			r = pats_from(rs, x, &c->assign_any, &c->nassign_any, k, eager, err);
		else if (!strcmp(k, "raw"))
			r = pats_from(rs, x, &c->raw, &c->nraw, k, eager, err);
		else if (!strcmp(k, "stdin_any"))
			r = pats_from(rs, x, &c->stdin_any, &c->nstdin_any, k, eager, err);
		else if (!strcmp(k, "option_value"))
			r = optvals_from(rs, x, c, eager, err);
		else if (!strcmp(k, "path_any"))
			r = classes_from(rs, x, &c->path_any, k, err);
		else if (!strcmp(k, "path_none"))
			r = classes_from(rs, x, &c->path_none, k, err);
		else if (!strcmp(k, "redirect_any"))
			r = classes_from(rs, x, &c->redir_any, k, err);
		else if (!strcmp(k, "redirect_read_any"))
			r = classes_from(rs, x, &c->redir_read_any, k, err);
		else if (!strcmp(k, "fed_by"))
			r = (c->fed_by = sg_cond_compile(rs, x, eager, err)) ? 0 : -1;
		else if (!strcmp(k, "context_any"))
			r = context_from(rs, x, &c->context_any, err);
		else if (!strcmp(k, "wrapped_by"))
			r = strlist_from(rs, x, &c->wrapped_by, k, err);
		else if (!strcmp(k, "static"))
			r = cJSON_IsBool(x) ? (c->static_ = cJSON_IsTrue(x), 0) : -1;
		else if (!strcmp(k, "argc_max"))
			r = cJSON_IsNumber(x) ? (c->argc_max = x->valueint, 0) : -1;
		else if (!strcmp(k, "project"))
			r = strlist_from(rs, x, &c->projects, k, err);
		else if (!strcmp(k, "before"))
			r = cJSON_IsNumber(x) && x->valuedouble > 0 ? (c->before = x->valuedouble, 0) : -1;
		else if (!strcmp(k, "positionals_min"))
			r = cJSON_IsNumber(x) && x->valueint >= 0 ? (c->pos_min = x->valueint, 0) : -1;
		else if (!strcmp(k, "any"))
			r = conds_list(rs, x, &c->any, &c->nany, eager, err, k) ? 0 : -1;
		else if (!strcmp(k, "all"))
			r = conds_list(rs, x, &c->all, &c->nall, eager, err, k) ? 0 : -1;
		else if (!strcmp(k, "not"))
			r = (c->not_ = sg_cond_compile(rs, x, eager, err)) ? 0 : -1;
		else {
			sg_buf_printf(err, "unknown condition '%s'", k);
			return NULL;
		}
		if (r < 0) {
			if (!err->len)
				sg_buf_printf(err, "bad value for '%s'", k);
			return NULL;
		}
	}
	return c;
}

/* c's own program list when it has one without a wildcard, else NULL */
static const sg_strlist *plain_programs(const sg_cond *c)
{
	if (!c->program.n)
		return NULL;
	for (size_t i = 0; i < c->program.n; i++) {
		size_t l = strlen(c->program.v[i]);
		if (l == 0 || c->program.v[i][l - 1] == '*')
			return NULL;
	}
	return &c->program;
}

/* Adds the names c can only match (see sg_cond_programs) to out (a list
 * in rs's arena, duplicates skipped); 0, or -1 when c may match any name. */
static int cond_keys(sg_ruleset *rs, const sg_cond *c, sg_strlist *out, size_t *cap, int depth)
{
	if (depth > SG_MAX_JSON_DEPTH)
		return -1;
	const sg_strlist *own = plain_programs(c);
	if (own) {
		for (size_t i = 0; i < own->n; i++) {
			if (sg_strlist_has(out, own->v[i]))
				continue;
			out->v = sg_arena_grow(&rs->arena, out->v, out->n, cap, sizeof *out->v);
			out->v[out->n++] = own->v[i];
		}
		return 0;
	}
	/* any: every branch needs one of its names; all: every branch must
	 * match, so one branch's names are enough */
	if (c->nany) {
		size_t before = out->n, i;
		for (i = 0; i < c->nany; i++)
			if (cond_keys(rs, c->any[i], out, cap, depth + 1) < 0)
				break;
		if (i == c->nany)
			return 0;
		out->n = before;
	}
	for (size_t i = 0; i < c->nall; i++) {
		size_t before = out->n;
		if (cond_keys(rs, c->all[i], out, cap, depth + 1) == 0)
			return 0;
		out->n = before;
	}
	return -1;
}

const char **sg_cond_programs(sg_ruleset *rs, const sg_cond *c, size_t *n)
{
	*n = 0;
	const sg_strlist *own = plain_programs(c);
	if (own) {
		*n = own->n;
		return own->v;
	}
	sg_strlist keys = { NULL, 0 };
	size_t cap = 0;
	if (cond_keys(rs, c, &keys, &cap, 0) < 0 || !keys.n)
		return NULL;
	*n = keys.n;
	return keys.v;
}

static int compile_pats(sg_ruleset *rs, sg_pat **p, size_t n, sg_buf *err)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] && pat_compile(rs, p[i]) < 0) {
			sg_buf_adds(err, pat_err(rs, p[i]));
			return -1;
		}
	return 0;
}

int sg_cond_compile_all(sg_ruleset *rs, sg_cond *c, sg_buf *err)
{
	if (!c)
		return 0;
	if (compile_pats(rs, &c->program_re, c->program_re ? 1 : 0, err) < 0 ||
	    compile_pats(rs, c->args_any, c->nargs_any, err) < 0 || compile_pats(rs, c->args_none, c->nargs_none, err) < 0 ||
	    compile_pats(rs, c->assign_any, c->nassign_any, err) < 0 || compile_pats(rs, c->raw, c->nraw, err) < 0 ||
	    compile_pats(rs, c->stdin_any, c->nstdin_any, err) < 0 ||
	    compile_pats(rs, &c->args_all_re, c->args_all_re ? 1 : 0, err) < 0)
		return -1;
	for (size_t i = 0; i < c->noptvals; i++)
		if (compile_pats(rs, c->optvals[i].pats, c->optvals[i].npats, err) < 0)
			return -1;
	for (size_t i = 0; i < c->nany; i++)
		if (sg_cond_compile_all(rs, c->any[i], err) < 0)
			return -1;
	for (size_t i = 0; i < c->nall; i++)
		if (sg_cond_compile_all(rs, c->all[i], err) < 0)
			return -1;
	if (sg_cond_compile_all(rs, c->not_, err) < 0 || sg_cond_compile_all(rs, c->fed_by, err) < 0)
		return -1;
	return 0;
}

/* ---- matching ------------------------------------------------------------------------ */

static int program_in(const sg_strlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *p = l->v[i];
		/* a match (exact, or a prefix before a final '*') shares the first
		 * byte, unless the entry starts with its wildcard */
		if (p[0] != name[0] && p[0] != '*')
			continue;
		size_t n = strlen(p);
		if (n && p[n - 1] == '*') {
			if (!strncmp(name, p, n - 1))
				return 1;
		} else if (!strcmp(p, name)) {
			return 1;
		}
	}
	return 0;
}

static int has_literal_flag(sg_match_state *ms, const sg_cmd *cmd, const char *f)
{
	if (f[0] != '-')
		return 0;
	if (f[1] == '-') {
		for (size_t i = 0; i < cmd->nlong; i++)
			if (!strcmp(cmd->longflags[i], f))
				return 1;
		return 0;
	}
	if (f[1] && !f[2]) {
		for (size_t i = 0; i < cmd->nshort; i++)
			if (cmd->shortflags[i][0] == f[1])
				return 1;
		return 0;
	}
	/* single-dash long options (find -delete, -exec): not the value of an
	 * option that takes one (find -name -delete), nor a word of the command
	 * a find action runs (find -exec echo -delete ';') */
	const sg_program *pr = sg_rules_program(ms->rs, cmd->name);
	const sg_wrapper *wr = sg_rules_wrapper(ms->rs, cmd->name);
	int in_action = 0;
	for (size_t i = 1; i < cmd->argc; i++) {
		const sg_word *w = &cmd->argv[i];
		if (w->flags & SG_W_DYNAMIC)
			continue;
		if (in_action) {
			if (!strcmp(w->text, ";") || !strcmp(w->text, "+"))
				in_action = 0;
			continue;
		}
		if (!strcmp(w->text, f))
			return 1;
		if (wr && wr->kind == SG_WK_FIND && sg_strlist_has(&wr->exec_actions, w->text))
			in_action = 1;
		else if (pr && sg_strlist_has(&pr->options_with_value, w->text))
			i++;
	}
	return 0;
}

static int has_flag(sg_match_state *ms, const sg_cmd *cmd, const char *f)
{
	const sg_strlist *al = sg_rules_flag_aliases(ms->rs, cmd->name, f);
	if (al) {
		for (size_t i = 0; i < al->n; i++)
			if (has_literal_flag(ms, cmd, al->v[i]))
				return 1;
		return 0;
	}
	return has_literal_flag(ms, cmd, f);
}

static int subcmd_match(const sg_cond *c, const sg_cmd *cmd, size_t *nwords)
{
	for (size_t i = 0; i < c->nsubcmds; i++) {
		const sg_strlist *w = &c->subcmds[i];
		if (w->n > cmd->npositional)
			continue;
		size_t k;
		for (k = 0; k < w->n; k++)
			if (strcmp(cmd->argv[cmd->positional[k]].text, w->v[k]))
				break;
		if (k == w->n) {
			*nwords = w->n;
			return 1;
		}
	}
	return 0;
}

static unsigned word_classes(sg_match_state *ms, sg_word *w)
{
	return sg_path_of_word(ms->ir, ms->rs, w)->classes;
}

/* classes of every path argument, OR-ed; `each` gets called per arg */
static int paths_test(sg_match_state *ms, sg_cmd *cmd, size_t skip, unsigned any, unsigned none)
{
	const sg_program *pr = sg_rules_program(ms->rs, cmd->name);
	int any_hit = 0;
	if (pr && pr->non_path_positionals) {
		int pat_opt = 0;
		for (size_t k = 0; k < pr->pattern_options.n && !pat_opt; k++)
			pat_opt = has_literal_flag(ms, cmd, pr->pattern_options.v[k]);
		if (!pat_opt && skip < (size_t)pr->non_path_positionals)
			skip = (size_t)pr->non_path_positionals;
	}
	for (size_t i = skip; i < cmd->npositional; i++) {
		sg_word *w = &cmd->argv[cmd->positional[i]];
		if (!w->len)
			continue;
		sg_word tmp;
		sg_word *pw = w;
		if (pr && pr->kv_args) {
			const char *eq = strchr(w->text, '=');
			if (eq && eq > w->text) {
				tmp = *w;
				tmp.text = eq + 1;
				tmp.len = strlen(eq + 1);
				tmp.static_prefix = w->static_prefix > (size_t)(eq + 1 - w->text)
							    ? w->static_prefix - (size_t)(eq + 1 - w->text)
							    : 0;
				tmp.path = NULL;
				pw = &tmp;
			}
		}
		unsigned cl = word_classes(ms, pw);
		if (cl & none)
			return 0;
		if (cl & any)
			any_hit = 1;
	}
	/* --opt=PATH values */
	for (size_t i = 1; i < cmd->argc; i++) {
		sg_word *w = &cmd->argv[i];
		if (w->len < 4 || w->text[0] != '-' || w->text[1] != '-' || (w->flags & SG_W_DYNAMIC))
			continue;
		const char *eq = strchr(w->text, '=');
		if (!eq || !(eq[1] == '/' || eq[1] == '~' || eq[1] == '.'))
			continue;
		sg_word tmp = *w;
		tmp.text = eq + 1;
		tmp.len = strlen(eq + 1);
		tmp.static_prefix = tmp.len;
		tmp.path = NULL;
		unsigned cl = word_classes(ms, &tmp);
		if (cl & none)
			return 0;
		if (cl & any)
			any_hit = 1;
	}
	return any ? any_hit : 1;
}

static int redir_test(sg_match_state *ms, sg_cmd *cmd, unsigned any, int write)
{
	for (size_t i = 0; i < cmd->nredirs; i++) {
		sg_redir *r = &cmd->redirs[i];
		if (r->is_heredoc || r->is_herestring || r->is_dup)
			continue;
		if (write ? !r->is_write : !r->is_read)
			continue;
		if (word_classes(ms, &r->target) & any)
			return 1;
	}
	return 0;
}

#define SG_FED_DEPTH 8		/* feeders of feeders followed this far back */
#define SG_FED_BUDGET 256	/* feeder conditions tried per fed_by test */

static int fed_test(sg_match_state *ms, const sg_cond *c, sg_cmd *cmd, int depth, int *budget)
{
	if (depth > SG_FED_DEPTH)
		return 0;
	for (size_t i = 0; i < cmd->nfed_by; i++) {
		if (--*budget < 0)
			return 0;
		sg_cmd *up = cmd->fed_by[i];
		if (up == cmd)
			continue;
		if (sg_cond_match(ms, c, up) || fed_test(ms, c, up, depth + 1, budget))
			return 1;
	}
	/* a command inside a shell that was fed inherits its feeders */
	if (cmd->parent && cmd->parent != cmd)
		return fed_test(ms, c, cmd->parent, depth + 1, budget);
	return 0;
}

static int optval_test(sg_match_state *ms, const optval *o, const sg_cmd *cmd)
{
	for (size_t i = 1; i < cmd->argc; i++) {
		const sg_word *w = &cmd->argv[i];
		if (w->flags & SG_W_DYNAMIC && w->static_prefix == 0)
			continue;
		for (size_t k = 0; k < o->opts.n; k++) {
			const char *opt = o->opts.v[k];
			size_t ol = strlen(opt);
			const char *val = NULL;
			size_t vl = 0;
			if (!strcmp(w->text, opt) && i + 1 < cmd->argc) {
				val = cmd->argv[i + 1].text;
				vl = cmd->argv[i + 1].len;
			} else if (!strncmp(w->text, opt, ol) && w->len > ol) {
				if (opt[1] == '-' && w->text[ol] == '=')
					val = w->text + ol + 1, vl = w->len - ol - 1;
				else if (opt[1] != '-')
					val = w->text + ol, vl = w->len - ol;
			}
			if (!val)
				continue;
			for (size_t p = 0; p < o->npats; p++)
				if (pat_match(ms, o->pats[p], val, vl))
					return 1;
		}
	}
	return 0;
}

static int any_arg(sg_match_state *ms, sg_pat **p, size_t n, const sg_cmd *cmd)
{
	for (size_t i = 1; i < cmd->argc; i++)
		for (size_t k = 0; k < n; k++)
			if (pat_match(ms, p[k], cmd->argv[i].text, cmd->argv[i].len))
				return 1;
	return 0;
}

static int all_static(const sg_cmd *cmd)
{
	for (size_t i = 0; i < cmd->argc; i++)
		if (cmd->argv[i].flags & SG_W_DYNAMIC)
			return 0;
	return 1;
}

/* program_re against a program name, outside any request: 1 match, 0 no
 * match, -1 any error (the caller then keeps the rule, and the request's
 * own evaluation meets and records the error). */
static int gate_re(sg_ruleset *rs, sg_pat *p, const char *name)
{
	if (pat_compile(rs, p) < 0)
		return -1;
	size_t n = strlen(name);
	pat_rt *rt = pat_rt_of(rs, p);
	if (n < rt->minlen)
		return 0;	/* as in pat_match: pcre2_match would say no match */
	if (!rs->gate_md)	/* one pair per rule set and process, kept until its codes are freed */
		match_pair_new(&rs->gate_md, &rs->gate_mc);
	int rc = pcre2_match(rt->code, (PCRE2_SPTR)name, n, 0, 0, rs->gate_md, rs->gate_mc);
	return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* Conditions at this level that sg_cond_match evaluates before all/any
 * and that run a pattern (whose error would be recorded). */
static int level_has_patterns(const sg_cond *c)
{
	return c->nargs_any || c->nargs_none || c->args_all_re || c->nassign_any || c->nraw || c->nstdin_any ||
	       c->noptvals;
}

int sg_cond_program_gate(sg_ruleset *rs, const sg_cond *c, const char *name, int dyn)
{
	if (c->program.n && (dyn || !program_in(&c->program, name)))
		return 0;
	if (c->program_re && (dyn || gate_re(rs, c->program_re, name) == 0))
		return 0;
	if (level_has_patterns(c))
		return 1;
	if (c->nall)
		return sg_cond_program_gate(rs, c->all[0], name, dyn);
	if (c->nany) {
		for (size_t i = 0; i < c->nany; i++)
			if (sg_cond_program_gate(rs, c->any[i], name, dyn))
				return 1;
		return 0;
	}
	return 1;
}

int sg_cond_match(sg_match_state *ms, const sg_cond *c, sg_cmd *cmd)
{
	if (c->program.n && ((cmd->ctx & SG_C_DYNAMIC_PROG) || !program_in(&c->program, cmd->name)))
		return 0;
	if (c->program_re && ((cmd->ctx & SG_C_DYNAMIC_PROG) || !pat_match(ms, c->program_re, cmd->name, strlen(cmd->name))))
		return 0;
	size_t skip = 0;
	if (c->nsubcmds && !subcmd_match(c, cmd, &skip))
		return 0;
	for (size_t i = 0; i < c->flags_all.n; i++)
		if (!has_flag(ms, cmd, c->flags_all.v[i]))
			return 0;
	if (c->flags_any.n) {
		size_t i;
		for (i = 0; i < c->flags_any.n; i++)
			if (has_flag(ms, cmd, c->flags_any.v[i]))
				break;
		if (i == c->flags_any.n)
			return 0;
	}
	for (size_t i = 0; i < c->flags_none.n; i++)
		if (has_flag(ms, cmd, c->flags_none.v[i]))
			return 0;
	if (c->context_any && !(cmd->ctx & c->context_any))
		return 0;
	if (c->static_ >= 0 && all_static(cmd) != c->static_)
		return 0;
	if (c->argc_max >= 0 && cmd->argc > (size_t)c->argc_max + 1)
		return 0;
	if (c->pos_min >= 0 && cmd->npositional < skip + (size_t)c->pos_min)
		return 0;
	if (c->before > 0 && (double)time(NULL) >= c->before)
		return 0;
	if (c->projects.n) {
		const char *pj = ms->ir->project;
		size_t i;
		for (i = 0; pj && i < c->projects.n; i++) {
			const char *q = c->projects.v[i];
			size_t ql = strlen(q);
			while (ql > 1 && q[ql - 1] == '/')
				ql--;
			if (!strncmp(pj, q, ql) && (pj[ql] == 0 || (pj[ql] == '/' && pj[ql + 1] == 0)))
				break;
		}
		if (!pj || i == c->projects.n)
			return 0;
	}
	if (c->wrapped_by.n) {
		const sg_cmd *p = cmd->parent;
		int hit = 0;
		for (int d = 0; p && d < 64; p = p->parent, d++)
			if (program_in(&c->wrapped_by, p->name))
				hit = 1;
		if (!hit)
			return 0;
	}
	if (c->nargs_any && !any_arg(ms, c->args_any, c->nargs_any, cmd))
		return 0;
	if (c->nargs_none && any_arg(ms, c->args_none, c->nargs_none, cmd))
		return 0;
	if (c->args_all_re) {
		if (!cmd->npositional)
			return 0;
		for (size_t i = 0; i < cmd->npositional; i++) {
			const sg_word *w = &cmd->argv[cmd->positional[i]];
			if (!pat_match(ms, c->args_all_re, w->text, w->len))
				return 0;
		}
	}
	if (c->nassign_any) {
		int hit = 0;
		for (size_t i = 0; i < cmd->nassigns && !hit; i++) {
			char *kv = sg_arena_printf(ms->ir->arena, "%s=%s", cmd->assigns[i].name, cmd->assigns[i].value.text);
			for (size_t k = 0; k < c->nassign_any && !hit; k++)
				hit = pat_match(ms, c->assign_any[k], kv, strlen(kv));
		}
		if (!hit)
			return 0;
	}
	if (c->nraw) {
		int hit = 0;
		uint32_t s = cmd->start, e = cmd->end;
		if (e > ms->ir->input_len)
			e = (uint32_t)ms->ir->input_len;
		if (s > e)
			s = e;
		for (size_t k = 0; k < c->nraw && !hit; k++)
			hit = pat_match(ms, c->raw[k], ms->ir->input + s, e - s);
		if (!hit)
			return 0;
	}
	if (c->nstdin_any) {
		/* heredoc and herestring bodies: what an interpreter reads as its program */
		int hit = 0;
		for (size_t i = 0; i < cmd->nredirs && !hit; i++) {
			const sg_redir *r = &cmd->redirs[i];
			if (!r->is_heredoc && !r->is_herestring)
				continue;
			for (size_t k = 0; k < c->nstdin_any && !hit; k++)
				hit = pat_match(ms, c->stdin_any[k], r->target.text, r->target.len);
		}
		if (!hit)
			return 0;
	}
	for (size_t i = 0; i < c->noptvals; i++)
		if (!optval_test(ms, &c->optvals[i], cmd))
			return 0;
	if ((c->path_any || c->path_none) && !paths_test(ms, cmd, skip, c->path_any, c->path_none))
		return 0;
	if (c->redir_any && !redir_test(ms, cmd, c->redir_any, 1))
		return 0;
	if (c->redir_read_any && !redir_test(ms, cmd, c->redir_read_any, 0))
		return 0;
	for (size_t i = 0; i < c->nall; i++)
		if (!sg_cond_match(ms, c->all[i], cmd))
			return 0;
	if (c->nany) {
		size_t i;
		for (i = 0; i < c->nany; i++)
			if (sg_cond_match(ms, c->any[i], cmd))
				break;
		if (i == c->nany)
			return 0;
	}
	/* after all/any: walking the feeders (up to SG_FED_BUDGET conditions
	 * matched against earlier commands) is the costliest test here */
	if (c->fed_by) {
		int budget = SG_FED_BUDGET;
		if (!fed_test(ms, c->fed_by, cmd, 0, &budget))
			return 0;
	}
	if (c->not_ && sg_cond_match(ms, c->not_, cmd))
		return 0;
	return 1;
}
