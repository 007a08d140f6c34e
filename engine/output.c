/*
 * output.c - verdicts and IR as JSON and text. Every piece of command text
 * that leaves shellgate goes through sg_mask_secrets(): token-like values
 * (ghp_..., sk-..., AKIA..., password=..., bearer headers) are masked.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "paths.h"

/* ---- secret masking ------------------------------------------------------------- */

static int tokch(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '+' || c == '=';
}

static const char *const prefixes[] = {
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "sk-", "sk_live_", "rk_live_",
	"xoxb-", "xoxp-", "xoxa-", "xoxs-", "AKIA", "ASIA", "AIza", "ya29.", "npm_", "hf_", "pypi-", NULL
};
static const char *const keys[] = {
	"password=", "passwd=", "pwd=", "secret=", "token=", "api_key=", "apikey=", "access_key=",
	"--password=", "--token=", "PASSWORD=", "TOKEN=", "SECRET=", "_KEY=", "_TOKEN=", "_SECRET=", NULL
};

#define NPREFIXES (sizeof prefixes / sizeof prefixes[0] - 1)
#define NKEYS (sizeof keys / sizeof keys[0] - 1)

/* Per byte: the prefixes and keys starting with it (bit i = entry i, so
 * they are tried in list order), whether anything (or "Bearer ") can start
 * with it, and isalnum() of it; most bytes start nothing and are passed
 * over at once. */
typedef struct start_set {
	uint32_t pre, key;
	unsigned char any, alnum;
} start_set;

static size_t prefix_len[NPREFIXES], key_len[NKEYS];

static const start_set *start_table(void)
{
	static start_set t[256];
	static int ready;
	if (!ready) {
		for (size_t i = 0; i < NPREFIXES; i++) {
			t[(unsigned char)prefixes[i][0]].pre |= 1u << i;
			prefix_len[i] = strlen(prefixes[i]);
		}
		for (size_t i = 0; i < NKEYS; i++) {
			t[(unsigned char)keys[i][0]].key |= 1u << i;
			key_len[i] = strlen(keys[i]);
		}
		t['B'].any = t['b'].any = 1;
		for (int c = 0; c < 256; c++) {
			t[c].any |= t[c].pre || t[c].key;
			t[c].alnum = isalnum(c) != 0;
		}
		ready = 1;
	}
	return t;
}

/* length of the secret value starting at s (0 = none); s[0] starts
 * something (start_table). Every prefix and key is at least 3 bytes and
 * n is checked first, so s[1] is there to compare before memcmp. */
static size_t secret_at(const start_set *st, const char *s, size_t n, size_t *keep)
{
	*keep = 0;
	for (uint32_t m = st->pre; m; m &= m - 1) {
		const char *p = prefixes[__builtin_ctz(m)];
		size_t pl = prefix_len[__builtin_ctz(m)];
		if (n > pl + 8 && s[1] == p[1] && !memcmp(s, p, pl)) {
			size_t k = pl;
			while (k < n && tokch((unsigned char)s[k]))
				k++;
			if (k >= pl + 8) {
				*keep = pl;
				return k;
			}
		}
	}
	for (uint32_t m = st->key; m; m &= m - 1) {
		const char *p = keys[__builtin_ctz(m)];
		size_t kl = key_len[__builtin_ctz(m)];
		if (n > kl && s[1] == p[1] && !memcmp(s, p, kl)) {
			size_t k = kl;
			while (k < n && !isspace((unsigned char)s[k]) && s[k] != '"' && s[k] != '\'' && s[k] != '&')
				k++;
			if (k > kl + 2) {
				*keep = kl;
				return k;
			}
		}
	}
	static const char bearer[] = "Bearer ";
	if ((s[0] == 'B' || s[0] == 'b') && n > sizeof bearer + 8 && !strncasecmp(s, bearer, sizeof bearer - 1)) {
		size_t k = sizeof bearer - 1;
		while (k < n && tokch((unsigned char)s[k]))
			k++;
		if (k > sizeof bearer + 6) {
			*keep = sizeof bearer - 1;
			return k;
		}
	}
	return 0;
}

void sg_mask_secrets_upto(const char *s, size_t n, sg_buf *out, size_t max);
void sg_mask_secrets_upto(const char *s, size_t n, sg_buf *out, size_t max)
{
	const start_set *tab = start_table();
	size_t i = 0, run = 0;	/* s[run..i) is copied as it is */
	size_t base = out->len;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (!tab[c].any) {
			i++;
			continue;
		}
		/* everything before i is final: s[run..i) is copied whatever
		 * follows, so stop once that makes max bytes */
		if (out->len - base + (i - run) >= max)
			break;
		int boundary = i == 0 || !tab[(unsigned char)s[i - 1]].alnum;
		size_t keep, l = 0;
		if (boundary || c == '_' || c == 'p' || c == 'P' || c == 't' || c == 'T' || c == 's' || c == 'S')
			l = secret_at(&tab[c], s + i, n - i, &keep);
		if (l && (boundary || keep > 0)) {
			sg_buf_add(out, s + run, i - run);
			sg_buf_add(out, s + i, keep);
			sg_buf_adds(out, "***");
			i += l;
			run = i;
			continue;
		}
		i++;
	}
	sg_buf_add(out, s + run, i - run);
}

void sg_mask_secrets(const char *s, size_t n, sg_buf *out);
void sg_mask_secrets(const char *s, size_t n, sg_buf *out)
{
	sg_mask_secrets_upto(s, n, out, SIZE_MAX);
}

static void json_masked(sg_buf *b, const char *s, size_t n)
{
	sg_buf m;
	sg_buf_init(&m);
	sg_mask_secrets(s, n, &m);
	sg_buf_json_str(b, m.data ? m.data : "", m.len);
	sg_buf_free(&m);
}

static void span_text(const sg_verdict *v, const sg_reason *r, const char **s, size_t *n)
{
	uint32_t a = r->start, e = r->end;
	if (e > v->input_len)
		e = (uint32_t)v->input_len;
	if (a > e)
		a = e;
	*s = v->input + a;
	*n = e - a;
}

/* ---- verdicts ----------------------------------------------------------------------- */

void sg_verdict_json(const sg_verdict *v, sg_buf *out)
{
	sg_buf_adds(out, "{\"decision\":\"");
	sg_buf_adds(out, sg_decision_name(v->decision));
	sg_buf_adds(out, "\",\"reasons\":[");
	for (size_t i = 0; i < v->nreasons; i++) {
		const sg_reason *r = &v->reasons[i];
		const char *t;
		size_t tn;
		span_text(v, r, &t, &tn);
		if (i)
			sg_buf_addc(out, ',');
		sg_buf_adds(out, "{\"rule\":");
		sg_buf_json_str(out, r->rule, strlen(r->rule));
		sg_buf_adds(out, ",\"decision\":\"");
		sg_buf_adds(out, sg_decision_name(r->decision));
		sg_buf_adds(out, "\",\"reason\":");
		sg_buf_json_str(out, r->reason ? r->reason : "", r->reason ? strlen(r->reason) : 0);
		sg_buf_printf(out, ",\"span\":[%u,%u],\"text\":", r->start, r->end);
		json_masked(out, t, tn);
		if (r->origin) {
			sg_buf_adds(out, ",\"origin\":");
			sg_buf_json_str(out, r->origin, strlen(r->origin));
		}
		sg_buf_addc(out, '}');
	}
	sg_buf_adds(out, "],\"flags\":[");
	static const char *fl[] = { "unparsable", "dynamic", "limit", "engine_error", "uncontained" };
	int first = 1;
	for (int i = 0; i < (int)(sizeof fl / sizeof *fl); i++)
		if (v->flags & (1u << i)) {
			sg_buf_printf(out, "%s\"%s\"", first ? "" : ",", fl[i]);
			first = 0;
		}
	sg_buf_adds(out, "]}");
}

void sg_verdict_text(const sg_verdict *v, sg_buf *out)
{
	sg_buf_printf(out, "%s\n", sg_decision_name(v->decision));
	for (size_t i = 0; i < v->nreasons; i++) {
		const sg_reason *r = &v->reasons[i];
		const char *t;
		size_t tn;
		span_text(v, r, &t, &tn);
		sg_buf_printf(out, "  %-5s %s  [%u,%u] ", sg_decision_name(r->decision), r->rule, r->start, r->end);
		sg_buf m;
		sg_buf_init(&m);
		sg_mask_secrets(t, tn > 160 ? 160 : tn, &m);
		if (tn > 160)
			sg_buf_printf(&m, "... (%zu bytes)", tn);
		/* one line: show newlines as \n */
		for (size_t k = 0; k < m.len; k++) {
			if (m.data[k] == '\n')
				sg_buf_adds(out, "\\n");
			else
				sg_buf_addc(out, m.data[k]);
		}
		sg_buf_free(&m);
		sg_buf_printf(out, "\n        %s\n", r->reason ? r->reason : "");
	}
}

void sg_verdict_message(const sg_verdict *v, sg_buf *out)
{
	int n = 0;
	for (size_t i = 0; i < v->nreasons; i++) {
		const sg_reason *r = &v->reasons[i];
		if (r->decision != v->decision)
			continue;
		const char *t;
		size_t tn;
		span_text(v, r, &t, &tn);
		if (n++)
			sg_buf_adds(out, " ");
		sg_buf_printf(out, "shellgate %s [%s]: %s", sg_decision_name(r->decision), r->rule,
			      r->reason ? r->reason : "");
		if (tn) {
			sg_buf_adds(out, " (`");
			sg_mask_secrets(t, tn > 200 ? 200 : tn, out);
			sg_buf_adds(out, tn > 200 ? "...`)" : "`)");
		}
		if (n >= 3)
			break;
	}
	if (!n)
		sg_buf_printf(out, "shellgate: %s", sg_decision_name(v->decision));
}

/* ---- IR ----------------------------------------------------------------------------------- */

static void word_json(sg_buf *b, const sg_word *w)
{
	sg_buf_adds(b, "{\"text\":");
	json_masked(b, w->text, w->len);
	sg_buf_printf(b, ",\"span\":[%u,%u]", w->start, w->end);
	if (w->flags & SG_W_DYNAMIC)
		sg_buf_adds(b, ",\"dynamic\":true");
	if (w->flags & SG_W_GLOB)
		sg_buf_adds(b, ",\"glob\":true");
	if (w->flags & SG_W_QUOTED)
		sg_buf_adds(b, ",\"quoted\":true");
	if (w->path) {
		sg_buf_adds(b, ",\"path\":{");
		if (w->path->abs) {
			sg_buf_adds(b, "\"abs\":");
			sg_buf_json_str(b, w->path->abs, strlen(w->path->abs));
			sg_buf_addc(b, ',');
		}
		if (w->path->real) {
			sg_buf_adds(b, "\"real\":");
			sg_buf_json_str(b, w->path->real, strlen(w->path->real));
			sg_buf_addc(b, ',');
		}
		sg_buf_adds(b, "\"classes\":[");
		int first = 1;
		for (int i = 0; i < SG_P_NCLASSES; i++)
			if (w->path->classes & (1u << i)) {
				sg_buf_printf(b, "%s\"%s\"", first ? "" : ",", sg_path_class_name(1u << i));
				first = 0;
			}
		sg_buf_adds(b, "]}");
	}
	sg_buf_addc(b, '}');
}

static const char *const ctxn[] = { "subst", "procsubst", "background", "function", "conditional", "remote",
				    "wrapper", "dynamic_prog", "dynamic_input", "funcall", "error", "negated",
				    "xargs", "assign_only", "stdin_script", "recursive", "obfuscated" };

void sg_ir_json(const sg_ir *ir, sg_buf *b)
{
	sg_buf_adds(b, "{\"commands\":[");
	for (size_t i = 0; i < ir->ncmds; i++) {
		const sg_cmd *c = ir->cmds[i];
		if (i)
			sg_buf_addc(b, ',');
		sg_buf_printf(b, "{\"id\":%d,\"program\":", c->id);
		json_masked(b, c->name ? c->name : "", c->name ? strlen(c->name) : 0);
		sg_buf_adds(b, ",\"argv\":[");
		for (size_t k = 0; k < c->argc; k++) {
			if (k)
				sg_buf_addc(b, ',');
			word_json(b, &c->argv[k]);
		}
		sg_buf_adds(b, "],\"flags\":[");
		for (size_t k = 0; k < c->nshort; k++) {
			/* the letter is the command's own byte: escape it like any text */
			size_t l = strlen(c->shortflags[k]);
			char *f = sg_xmalloc(l + 2);
			f[0] = '-';
			memcpy(f + 1, c->shortflags[k], l + 1);
			sg_buf_adds(b, k ? "," : "");
			sg_buf_json_str(b, f, l + 1);
			free(f);
		}
		for (size_t k = 0; k < c->nlong; k++) {
			sg_buf_adds(b, c->nshort || k ? "," : "");
			sg_buf_json_str(b, c->longflags[k], strlen(c->longflags[k]));
		}
		sg_buf_adds(b, "],\"positional\":[");
		for (size_t k = 0; k < c->npositional; k++)
			sg_buf_printf(b, "%s%zu", k ? "," : "", c->positional[k]);
		sg_buf_adds(b, "],\"assignments\":[");
		for (size_t k = 0; k < c->nassigns; k++) {
			if (k)
				sg_buf_addc(b, ',');
			sg_buf_adds(b, "{\"name\":");
			sg_buf_json_str(b, c->assigns[k].name, strlen(c->assigns[k].name));
			sg_buf_adds(b, ",\"value\":");
			word_json(b, &c->assigns[k].value);
			sg_buf_addc(b, '}');
		}
		sg_buf_adds(b, "],\"redirects\":[");
		for (size_t k = 0; k < c->nredirs; k++) {
			const sg_redir *r = &c->redirs[k];
			if (k)
				sg_buf_addc(b, ',');
			sg_buf_adds(b, "{\"op\":");
			sg_buf_json_str(b, r->op, strlen(r->op));
			sg_buf_printf(b, ",\"fd\":%d,\"target\":", r->fd);
			word_json(b, &r->target);
			sg_buf_addc(b, '}');
		}
		sg_buf_adds(b, "],\"context\":[");
		int first = 1;
		for (int k = 0; k < 17; k++)
			if (c->ctx & (1u << k)) {
				sg_buf_printf(b, "%s\"%s\"", first ? "" : ",", ctxn[k]);
				first = 0;
			}
		sg_buf_adds(b, "],\"fed_by\":[");
		for (size_t k = 0; k < c->nfed_by; k++)
			sg_buf_printf(b, "%s%d", k ? "," : "", c->fed_by[k]->id);
		sg_buf_adds(b, "],\"wrappers\":");
		sg_buf_json_str(b, c->wrappers, strlen(c->wrappers));
		sg_buf_printf(b, ",\"depth\":%d,\"cwd\":", c->depth);
		if (c->cwd)
			sg_buf_json_str(b, c->cwd, strlen(c->cwd));
		else
			sg_buf_adds(b, "null");
		sg_buf_printf(b, ",\"span\":[%u,%u]}", c->start, c->end);
	}
	sg_buf_adds(b, "],\"unparsable\":");
	sg_buf_adds(b, (ir->flags & SG_IR_UNPARSABLE) ? "true" : "false");
	sg_buf_adds(b, ",\"limit\":");
	if (ir->flags & SG_IR_LIMIT)
		sg_buf_json_str(b, ir->limit_what ? ir->limit_what : "?", strlen(ir->limit_what ? ir->limit_what : "?"));
	else
		sg_buf_adds(b, "null");
	sg_buf_addc(b, '}');
}
