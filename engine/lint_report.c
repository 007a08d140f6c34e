/*
 * lint_report.c - lint findings as text (colour on a TTY only), JSON lines,
 * SARIF 2.1.0, or one self-contained HTML file.
 *
 * Every format is written as findings arrive (nothing is collected), except
 * the few warnings that SARIF and HTML place after the results, which are
 * capped at MAX_KEPT_WARNINGS (the count is always exact).
 * Every command text goes through sg_mask_secrets() before it is written.
 */
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "rules.h"

#ifndef SG_VERSION
#define SG_VERSION "0.1.0"
#endif

/* Warnings kept for the SARIF/HTML trailer; later ones are only counted. */
#define MAX_KEPT_WARNINGS 1000
/* Display width of a command in the text report before it is windowed. */
#define TEXT_WIDTH 160
/* Bytes of a call's result shown in the text report. */
#define TEXT_DETAIL 100

struct sg_lint_report {
	int format, color;
	FILE *out;
	const sg_ruleset *rs;
	unsigned long nresults;
	sg_buf warn;		/* SARIF/HTML: kept warnings, already formatted */
	unsigned long nwarn;
	/* rule id -> SARIF ruleIndex */
	const char **ids;
	const sg_rule **rp;	/* NULL for the synthetic defaults */
	size_t nids;
	int *tab;
	size_t tabcap;
	sg_buf b, m, d;		/* the finding being written; scratch */
};

static const char *const synthetic[][3] = {
	{ "default.unmatched", "ask", "No rule covers this command, so it needs the user's approval." },
	{ "default.dynamic", "ask", "The command's program or arguments are only known at run time." },
	{ "default.unparsable", "ask", "The command could not be parsed completely." },
	{ "engine.error", "deny", "shellgate could not judge this request." },
};
#define NSYNTH (sizeof synthetic / sizeof synthetic[0])

/* ---- shared helpers ------------------------------------------------------------------------- */

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return (h ^ 0xff) * 0x100000001b3ull;	/* field separator */
}

static const char *primary_rule(const sg_verdict *v)
{
	return v->nreasons ? v->reasons[0].rule : "none";
}

static void hex16(uint64_t v, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
}

void sg_lint_fingerprint(const sg_lint_finding *f, char out[33])
{
	char line[32];
	const char *fields[6];
	if (!f->call_id)
		snprintf(line, sizeof line, "%lu", f->line);
	fields[0] = sg_lint_client_name(f->client);
	fields[1] = f->session ? f->session : "";
	fields[2] = f->call_id ? f->call_id : line;
	fields[3] = f->kind == SG_REQ_SHELL ? "shell" : f->kind == SG_REQ_READ ? "read" : f->kind == SG_REQ_WRITE ? "write" : "search";
	fields[4] = primary_rule(f->v);
	fields[5] = f->text;
	uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
	for (int i = 0; i < 6; i++) {
		size_t n = i == 5 ? f->len : strlen(fields[i]);
		a = fnv(a, fields[i], n);
		b = fnv(b ^ (uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull, fields[i], n);
	}
	hex16(a, out);
	hex16(b, out + 16);
	out[32] = 0;
}

void sg_lint_mask_span(const char *s, size_t n, uint32_t a, uint32_t e, sg_buf *out, size_t *ma, size_t *me)
{
	sg_buf t;
	sg_buf_init(&t);
	if (e > n)
		e = (uint32_t)n;
	if (a > e)
		a = e;
	sg_buf_reset(out);
	sg_mask_secrets(s, n, out);
	sg_buf_cstr(out);
	if (!memmem(out->data, out->len, "***", 3)) {
		/* nothing was masked (a mask leaves "***"), so nothing is in a
		 * prefix either (a shorter text only ever ends a secret sooner):
		 * the span stays where it was */
		*ma = a;
		*me = e;
		return;
	}
	sg_mask_secrets(s, a, &t);
	*ma = t.len;
	sg_buf_reset(&t);
	sg_mask_secrets(s, e, &t);
	*me = t.len;
	sg_buf_free(&t);
	if (*me > out->len)
		*me = out->len;
	if (*ma > *me)
		*ma = *me;
}

static const char *kind_name(sg_req_kind k)
{
	return k == SG_REQ_SHELL ? "shell" : k == SG_REQ_READ ? "read" : k == SG_REQ_WRITE ? "write" : "search";
}

/* 1 when reason i decided the verdict and its rule was not listed before */
static int decided_first(const sg_verdict *v, size_t i)
{
	if (v->reasons[i].decision != v->decision)
		return 0;
	for (size_t k = 0; k < i; k++)
		if (v->reasons[k].decision == v->decision && !strcmp(v->reasons[k].rule, v->reasons[i].rule))
			return 0;
	return 1;
}

/* Decimal, as %lu writes it: findings are written one by one, so the
 * per-finding text is appended piece by piece rather than formatted. */
static void add_ulong(sg_buf *b, unsigned long v)
{
	char d[24];
	size_t k = sizeof d;
	do
		d[--k] = (char)('0' + v % 10);
	while (v /= 10);
	sg_buf_add(b, d + k, sizeof d - k);
}

static void flush_buf(sg_lint_report *r, sg_buf *b)
{
	if (b->len)
		fwrite(b->data, 1, b->len, r->out);
	sg_buf_reset(b);
}

/* ---- rule index (SARIF) ----------------------------------------------------------------------- */

static unsigned hstr(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void index_rules(sg_lint_report *r)
{
	size_t n = (r->rs ? r->rs->nrules : 0) + NSYNTH;
	r->ids = sg_xcalloc(n, sizeof *r->ids);
	r->rp = sg_xcalloc(n, sizeof *r->rp);
	r->tabcap = 16;
	while (r->tabcap < n * 2)
		r->tabcap *= 2;
	r->tab = sg_xcalloc(r->tabcap, sizeof *r->tab);
	for (size_t i = 0; i < n; i++) {
		const char *id = i < NSYNTH ? synthetic[i][0] : r->rs->rules[i - NSYNTH]->id;
		size_t k = hstr(id) & (r->tabcap - 1);
		int dup = 0;
		for (; r->tab[k]; k = (k + 1) & (r->tabcap - 1))
			if (!strcmp(r->ids[r->tab[k] - 1], id))
				dup = 1;
		if (dup)
			continue;
		r->ids[r->nids] = id;
		r->rp[r->nids] = i < NSYNTH ? NULL : r->rs->rules[i - NSYNTH];
		r->tab[k] = (int)++r->nids;
	}
}

static int rule_index(const sg_lint_report *r, const char *id)
{
	for (size_t k = hstr(id) & (r->tabcap - 1); r->tab[k]; k = (k + 1) & (r->tabcap - 1))
		if (!strcmp(r->ids[r->tab[k] - 1], id))
			return r->tab[k] - 1;
	return -1;
}

/* ---- text ------------------------------------------------------------------------------------ */

#define C(r, code) ((r)->color ? "\033[" code "m" : "")

static const char *dec_color(const sg_lint_report *r, sg_decision d)
{
	if (!r->color)
		return "";
	return d == SG_DENY ? "\033[1;31m" : d == SG_ASK ? "\033[1;33m" : "\033[32m";
}

/* Display form of a masked command on one line: newlines shown as the
 * two characters \n, tabs as a space. cols receives the column of each of
 * the two span offsets. */
static void display(const char *s, size_t n, size_t a, size_t e, sg_buf *out, size_t *ca, size_t *ce)
{
	size_t col = 0, run = 0;	/* s[run..i) is copied as it is */
	*ca = *ce = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == a)
			*ca = col;
		if (i == e)
			*ce = col;
		if (i == n)
			break;
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20) {
			col += (c & 0xc0) != 0x80;
			continue;
		}
		sg_buf_add(out, s + run, i - run);
		run = i + 1;
		if (c == '\n') {
			sg_buf_add(out, "\\n", 2);
			col += 2;
		} else {	/* tab, CR and the other controls */
			sg_buf_addc(out, ' ');
			col++;
		}
	}
	sg_buf_add(out, s + run, n - run);
}

/* Byte offset of display column col in d (UTF-8 aware). */
static size_t col_offset(const char *d, size_t n, size_t col)
{
	size_t i = 0, c = 0;
	while (i < n && c < col) {
		i++;
		while (i < n && ((unsigned char)d[i] & 0xc0) == 0x80)
			i++;
		c++;
	}
	return i;
}

static void text_command(sg_lint_report *r, const sg_lint_finding *f, sg_buf *b)
{
	const sg_verdict *v = f->v;
	uint32_t a = v->nreasons ? v->reasons[0].start : 0, e = v->nreasons ? v->reasons[0].end : 0;
	size_t ma, me, ca, ce;
	sg_lint_mask_span(f->text, f->len, a, e, &r->m, &ma, &me);
	sg_buf *d = &r->d;
	sg_buf_reset(d);
	display(r->m.data, r->m.len, ma, me, d, &ca, &ce);
	size_t from = 0, shown;
	if (ce - from > TEXT_WIDTH && ca > 40)
		from = ca - 40;
	size_t bo = col_offset(d->data ? d->data : "", d->len, from);
	size_t eo = col_offset(d->data ? d->data : "", d->len, from + TEXT_WIDTH);
	shown = eo - bo;
	/* display() leaves no NUL in d: the whole window is written */
	sg_buf_adds(b, from ? "    ..." : "    ");
	sg_buf_add(b, d->data ? d->data + bo : "", d->data ? shown : 0);
	sg_buf_adds(b, eo < d->len ? "...\n" : "\n");
	if (ce > ca && v->decision != SG_ALLOW) {
		size_t pad = ca - from + (from ? 3 : 0), len = ce - ca;
		if (ca - from + len > TEXT_WIDTH)
			len = ca - from < TEXT_WIDTH ? TEXT_WIDTH - (ca - from) : 1;
		sg_buf_fill(b, ' ', 4 + pad);
		sg_buf_adds(b, dec_color(r, v->decision));
		sg_buf_fill(b, '^', len);
		sg_buf_adds(b, C(r, "0"));
		sg_buf_addc(b, '\n');
	}
}

static void text_finding(sg_lint_report *r, const sg_lint_finding *f)
{
	sg_buf *b = &r->b;
	const sg_verdict *v = f->v;
	/* every string is written up to its first NUL, as %s would */
	sg_buf_adds(b, C(r, "1"));
	sg_buf_adds(b, f->file);
	sg_buf_addc(b, ':');
	add_ulong(b, f->line);
	sg_buf_addc(b, ':');
	sg_buf_adds(b, C(r, "0"));
	sg_buf_addc(b, ' ');
	sg_buf_adds(b, dec_color(r, v->decision));
	sg_buf_adds(b, sg_decision_name(v->decision));
	sg_buf_adds(b, C(r, "0"));
	sg_buf_addc(b, ' ');
	sg_buf_adds(b, C(r, "2"));
	sg_buf_addc(b, '[');
	sg_buf_adds(b, sg_lint_ran_name(f->ran));
	sg_buf_addc(b, ']');
	sg_buf_adds(b, C(r, "0"));
	sg_buf_addc(b, ' ');
	sg_buf_adds(b, f->tool ? f->tool : kind_name(f->kind));
	sg_buf_adds(b, f->baselined ? " (baseline)\n" : "\n");
	text_command(r, f, b);
	for (size_t i = 0; i < v->nreasons; i++) {
		const sg_reason *rs = &v->reasons[i];
		if (!decided_first(v, i))
			continue;
		sg_buf_adds(b, "    ");
		sg_buf_adds(b, C(r, "1"));
		sg_buf_adds(b, rs->rule);
		sg_buf_adds(b, C(r, "0"));
		sg_buf_adds(b, ": ");
		sg_buf_adds(b, rs->reason ? rs->reason : "");
		sg_buf_addc(b, '\n');
	}
	if (f->rewritten) {
		sg_buf_reset(&r->m);
		sg_mask_secrets(f->rewritten, f->rewritten_len, &r->m);
		sg_buf_adds(b, "    rewritten by a hook to: ");
		sg_buf_adds(b, r->m.data ? r->m.data : "");
		sg_buf_addc(b, '\n');
	}
	sg_buf_adds(b, "    ");
	sg_buf_adds(b, C(r, "2"));
	sg_buf_adds(b, sg_lint_client_name(f->client));
	sg_buf_adds(b, " session ");
	sg_buf_adds(b, f->session ? f->session : "?");
	if (f->timestamp) {
		sg_buf_adds(b, " at ");
		sg_buf_adds(b, f->timestamp);
	}
	if (f->cwd) {
		sg_buf_adds(b, " cwd ");
		sg_buf_adds(b, f->cwd);
	}
	if (f->hook) {
		sg_buf_adds(b, "; ");
		sg_buf_adds(b, f->hook);
	}
	if (f->ran_detail && *f->ran_detail) {
		/* TEXT_DETAIL bytes are shown: masking and display() map a prefix
		 * to a prefix at least as long, so that much of each is enough */
		size_t ca, ce;
		sg_buf_reset(&r->m);
		sg_mask_secrets_upto(f->ran_detail, strlen(f->ran_detail), &r->m, TEXT_DETAIL);
		sg_buf_reset(&r->d);
		display(r->m.data, r->m.len < TEXT_DETAIL ? r->m.len : TEXT_DETAIL, 0, 0, &r->d, &ca, &ce);
		sg_buf_adds(b, "; result: ");
		sg_buf_add(b, r->d.data ? r->d.data : "", r->d.data ? strnlen(r->d.data, TEXT_DETAIL) : 0);
	}
	sg_buf_adds(b, C(r, "0"));
	sg_buf_adds(b, "\n\n");
	flush_buf(r, b);
}

static void text_summary(sg_lint_report *r, const sg_lint_summary *s)
{
	sg_buf *b = &r->b;
	sg_buf_printf(b, "shellgate lint: %lu file%s, %lu record%s, %lu call%s judged: %lu deny, %lu ask, %lu allow\n",
		      s->files, s->files == 1 ? "" : "s", s->records, s->records == 1 ? "" : "s", s->calls,
		      s->calls == 1 ? "" : "s", s->by[SG_DENY], s->by[SG_ASK], s->by[SG_ALLOW]);
	sg_buf_adds(b, "  outcomes:");
	int any = 0;
	for (int i = 0; i <= SG_RUN_NOT_LOGGED; i++)
		if (s->by_ran[i]) {
			sg_buf_printf(b, "%s %lu %s", any ? "," : "", s->by_ran[i], sg_lint_ran_name((sg_lint_ran)i));
			any = 1;
		}
	sg_buf_printf(b, "%s\n", any ? "" : " none");
	sg_buf_printf(b, "  reported %lu (%lu accepted by the baseline)", s->reported, s->baselined);
	if (s->older)
		sg_buf_printf(b, ", %lu older calls skipped by --since", s->older);
	sg_buf_printf(b, "; %lu warning%s, %lu read error%s\n", s->warnings, s->warnings == 1 ? "" : "s",
		      s->read_errors, s->read_errors == 1 ? "" : "s");
	if (s->read_errors || s->warnings)
		sg_buf_printf(b, "  %sNOT CLEAN:%s some input could not be read (see the warnings on stderr)\n",
			      C(r, "1;31"), C(r, "0"));
	if (s->failing)
		sg_buf_printf(b, "  %sFAIL:%s findings at or above --fail-on %s\n", C(r, "1;31"), C(r, "0"),
			      sg_decision_name((sg_decision)s->fail_on));
	else
		sg_buf_printf(b, "  %sOK:%s nothing at or above --fail-on %s\n", C(r, "32"), C(r, "0"),
			      sg_decision_name((sg_decision)s->fail_on));
	flush_buf(r, b);
}

/* ---- JSON lines ------------------------------------------------------------------------------ */

static void json_masked(sg_lint_report *r, sg_buf *b, const char *s, size_t n)
{
	sg_buf_reset(&r->m);
	sg_mask_secrets(s, n, &r->m);
	sg_buf_json_str(b, r->m.data ? r->m.data : "", r->m.len);
}

static void json_opt(sg_buf *b, const char *key, const char *v)
{
	sg_buf_printf(b, ",\"%s\":", key);
	if (v)
		sg_buf_json_str(b, v, strlen(v));
	else
		sg_buf_adds(b, "null");
}

/* "reasons":[{rule,decision,reason,span,text}] with spans in the masked command */
static void json_reasons(sg_lint_report *r, sg_buf *b, const sg_lint_finding *f)
{
	const sg_verdict *v = f->v;
	sg_buf_adds(b, ",\"rules\":[");
	for (size_t i = 0, k = 0; i < v->nreasons; i++)
		if (decided_first(v, i)) {
			sg_buf_adds(b, k++ ? "," : "");
			sg_buf_json_str(b, v->reasons[i].rule, strlen(v->reasons[i].rule));
		}
	sg_buf_adds(b, "],\"reasons\":[");
	for (size_t i = 0; i < v->nreasons; i++) {
		const sg_reason *rs = &v->reasons[i];
		size_t ma, me;
		sg_lint_mask_span(f->text, f->len, rs->start, rs->end, &r->m, &ma, &me);
		sg_buf_adds(b, i ? ",{\"rule\":" : "{\"rule\":");
		sg_buf_json_str(b, rs->rule, strlen(rs->rule));
		sg_buf_printf(b, ",\"decision\":\"%s\",\"reason\":", sg_decision_name(rs->decision));
		sg_buf_json_str(b, rs->reason ? rs->reason : "", rs->reason ? strlen(rs->reason) : 0);
		sg_buf_printf(b, ",\"span\":[%zu,%zu],\"text\":", ma, me);
		sg_buf_json_str(b, r->m.data + ma, me - ma);
		sg_buf_addc(b, '}');
	}
	sg_buf_addc(b, ']');
}

static void json_finding(sg_lint_report *r, const sg_lint_finding *f)
{
	sg_buf *b = &r->b;
	sg_buf_adds(b, "{\"type\":\"finding\",\"file\":");
	sg_buf_json_str(b, f->file, strlen(f->file));
	sg_buf_printf(b, ",\"line\":%lu,\"client\":\"%s\"", f->line, sg_lint_client_name(f->client));
	json_opt(b, "session", f->session);
	json_opt(b, "timestamp", f->timestamp);
	json_opt(b, "cwd", f->cwd);
	json_opt(b, "tool", f->tool);
	json_opt(b, "call_id", f->call_id);
	sg_buf_printf(b, ",\"kind\":\"%s\",\"command\":", kind_name(f->kind));
	json_masked(r, b, f->text, f->len);
	sg_buf_adds(b, ",\"rewritten\":");
	if (f->rewritten)
		json_masked(r, b, f->rewritten, f->rewritten_len);
	else
		sg_buf_adds(b, "null");
	sg_buf_printf(b, ",\"ran\":\"%s\"", sg_lint_ran_name(f->ran));
	sg_buf_adds(b, ",\"result\":");
	if (f->ran_detail)
		json_masked(r, b, f->ran_detail, strlen(f->ran_detail));
	else
		sg_buf_adds(b, "null");
	json_opt(b, "hook", f->hook);
	sg_buf_printf(b, ",\"decision\":\"%s\"", sg_decision_name(f->v->decision));
	json_reasons(r, b, f);
	sg_buf_printf(b, ",\"fingerprint\":\"%s\",\"baselined\":%s}\n", f->fingerprint, f->baselined ? "true" : "false");
	flush_buf(r, b);
}

static void json_summary(sg_lint_report *r, const sg_lint_summary *s)
{
	sg_buf *b = &r->b;
	sg_buf_printf(b,
		      "{\"type\":\"summary\",\"files\":%lu,\"records\":%lu,\"calls\":%lu,\"deny\":%lu,\"ask\":%lu,"
		      "\"allow\":%lu,\"reported\":%lu,\"baselined\":%lu,\"older\":%lu,\"warnings\":%lu,\"read_errors\":%lu,",
		      s->files, s->records, s->calls, s->by[SG_DENY], s->by[SG_ASK], s->by[SG_ALLOW], s->reported,
		      s->baselined, s->older, s->warnings, s->read_errors);
	sg_buf_adds(b, "\"outcomes\":{");
	for (int i = 0; i <= SG_RUN_NOT_LOGGED; i++)
		sg_buf_printf(b, "%s\"%s\":%lu", i ? "," : "", sg_lint_ran_name((sg_lint_ran)i), s->by_ran[i]);
	sg_buf_printf(b, "},\"fail_on\":\"%s\",\"clean\":%s,\"exit\":%d}\n", sg_decision_name((sg_decision)s->fail_on),
		      s->warnings || s->read_errors ? "false" : "true", s->exit_status);
	flush_buf(r, b);
}

/* ---- SARIF 2.1.0 ------------------------------------------------------------------------------ */

static const char *sarif_level(int d)
{
	return d == SG_DENY ? "error" : d == SG_ASK ? "warning" : "note";
}

static void uri_of(sg_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	sg_buf u;
	sg_buf_init(&u);
	if (path[0] == '/')
		sg_buf_adds(&u, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p))
			sg_buf_addc(&u, (char)*p);
		else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			sg_buf_add(&u, e, 3);
		}
	}
	sg_buf_json_str(b, u.data ? u.data : "", u.len);
	sg_buf_free(&u);
}

static void sarif_rule(sg_buf *b, const char *id, const char *decision, const char *reason, const char *origin)
{
	size_t rl = reason ? strlen(reason) : 0;
	const char *dot = reason ? strstr(reason, ". ") : NULL;
	size_t sl = dot ? (size_t)(dot - reason) + 1 : rl;
	sg_buf_adds(b, "{\"id\":");
	sg_buf_json_str(b, id, strlen(id));
	sg_buf_adds(b, ",\"shortDescription\":{\"text\":");
	sg_buf_json_str(b, rl ? reason : id, rl ? sl : strlen(id));
	sg_buf_adds(b, "},\"fullDescription\":{\"text\":");
	sg_buf_json_str(b, rl ? reason : id, rl ? rl : strlen(id));
	sg_buf_adds(b, "},\"help\":{\"text\":");
	sg_buf_json_str(b, rl ? reason : id, rl ? rl : strlen(id));
	sg_buf_printf(b, "},\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{\"decision\":\"%s\"",
		      sarif_level(sg_decision_parse(decision)), decision);
	if (origin)
		json_opt(b, "origin", origin);
	sg_buf_adds(b, ",\"tags\":[\"security\",\"shellgate\"]}}");
}

static void sarif_begin(sg_lint_report *r)
{
	sg_buf *b = &r->b;
	index_rules(r);
	sg_buf_printf(b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
			 "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"shellgate\",\"semanticVersion\":\"%s\","
			 "\"informationUri\":\"https://github.com/shellgate/shellgate\",\"rules\":[",
		      SG_VERSION);
	for (size_t i = 0; i < r->nids; i++) {
		const sg_rule *ru = r->rp[i];
		size_t s = i < NSYNTH && !ru ? i : 0;
		if (i)
			sg_buf_addc(b, ',');
		if (ru)
			sarif_rule(b, ru->id, sg_decision_name((sg_decision)ru->decision), ru->reason, ru->origin);
		else
			sarif_rule(b, synthetic[s][0], synthetic[s][1], synthetic[s][2], NULL);
		if (b->len > 65536)
			flush_buf(r, b);
	}
	sg_buf_adds(b, "]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[");
	flush_buf(r, b);
}

static void sarif_props(sg_lint_report *r, sg_buf *b, const sg_lint_finding *f)
{
	sg_buf_printf(b, ",\"properties\":{\"client\":\"%s\",\"decision\":\"%s\",\"ran\":\"%s\",\"kind\":\"%s\"",
		      sg_lint_client_name(f->client), sg_decision_name(f->v->decision), sg_lint_ran_name(f->ran),
		      kind_name(f->kind));
	json_opt(b, "session", f->session);
	json_opt(b, "timestamp", f->timestamp);
	json_opt(b, "cwd", f->cwd);
	json_opt(b, "tool", f->tool);
	json_opt(b, "hook", f->hook);
	if (f->rewritten) {
		sg_buf_adds(b, ",\"rewritten\":");
		json_masked(r, b, f->rewritten, f->rewritten_len);
	}
	json_reasons(r, b, f);
	sg_buf_addc(b, '}');
}

static void sarif_finding(sg_lint_report *r, const sg_lint_finding *f)
{
	sg_buf *b = &r->b;
	const sg_verdict *v = f->v;
	const char *rule = primary_rule(v);
	int idx = rule_index(r, rule);
	const sg_reason *rs = v->nreasons ? &v->reasons[0] : NULL;
	size_t ma, me;
	sg_lint_mask_span(f->text, f->len, rs ? rs->start : 0, rs ? rs->end : 0, &r->m, &ma, &me);
	if (r->nresults++)
		sg_buf_addc(b, ',');
	sg_buf_adds(b, "{\"ruleId\":");
	sg_buf_json_str(b, rule, strlen(rule));
	if (idx >= 0)
		sg_buf_printf(b, ",\"ruleIndex\":%d", idx);
	sg_buf_printf(b, ",\"level\":\"%s\",\"message\":{\"text\":", sarif_level(v->decision));
	sg_buf t;
	sg_buf_init(&t);
	sg_buf_printf(&t, "%s (%s): %s `%s`", sg_decision_name(v->decision), sg_lint_ran_name(f->ran),
		      rs && rs->reason ? rs->reason : rule, r->m.data ? r->m.data : "");
	sg_buf_json_str(b, t.data, t.len);
	sg_buf_free(&t);
	sg_buf_adds(b, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
	uri_of(b, f->file);
	sg_buf_printf(b, "},\"region\":{\"startLine\":%lu,\"snippet\":{\"text\":", f->line ? f->line : 1);
	sg_buf_json_str(b, r->m.data ? r->m.data : "", r->m.len);
	sg_buf_printf(b, "}}}}],\"partialFingerprints\":{\"shellgate/v1\":\"%s\"}", f->fingerprint);
	if (f->baselined)
		sg_buf_adds(b, ",\"baselineState\":\"unchanged\",\"suppressions\":[{\"kind\":\"external\","
			       "\"justification\":\"accepted in the shellgate baseline\"}]");
	sarif_props(r, b, f);
	sg_buf_addc(b, '}');
	flush_buf(r, b);
}

static void sarif_end(sg_lint_report *r, const sg_lint_summary *s)
{
	sg_buf *b = &r->b;
	sg_buf_printf(b, "],\"invocations\":[{\"executionSuccessful\":%s,\"exitCode\":%d,"
			 "\"toolExecutionNotifications\":[",
		      s->exit_status == 2 ? "false" : "true", s->exit_status);
	sg_buf_add(b, r->warn.data ? r->warn.data : "", r->warn.len);
	sg_buf_printf(b, "],\"properties\":{\"files\":%lu,\"records\":%lu,\"calls\":%lu,\"deny\":%lu,\"ask\":%lu,"
			 "\"allow\":%lu,\"baselined\":%lu,\"warnings\":%lu,\"readErrors\":%lu}}]}]}\n",
		      s->files, s->records, s->calls, s->by[SG_DENY], s->by[SG_ASK], s->by[SG_ALLOW], s->baselined,
		      s->warnings, s->read_errors);
	flush_buf(r, b);
}

static void sarif_warning(sg_lint_report *r, const char *file, unsigned long line, const char *msg)
{
	sg_buf *w = &r->warn;
	if (r->nwarn > 1)
		sg_buf_addc(w, ',');
	sg_buf_adds(w, "{\"level\":\"warning\",\"message\":{\"text\":");
	sg_buf_json_str(w, msg, strlen(msg));
	sg_buf_adds(w, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
	uri_of(w, file);
	sg_buf_adds(w, "}");
	if (line)
		sg_buf_printf(w, ",\"region\":{\"startLine\":%lu}", line);
	sg_buf_adds(w, "}}]}");
}

/* ---- HTML ------------------------------------------------------------------------------------ */

static void html_esc(sg_buf *b, const char *s, size_t n)
{
	size_t ok = 0;
	for (size_t i = 0; i < n; i = ok) {
		size_t v = sg_utf8_valid_prefix(s + i, n - i);
		for (size_t k = i; k < i + v; k++) {
			char c = s[k];
			if (c == '<')
				sg_buf_adds(b, "&lt;");
			else if (c == '>')
				sg_buf_adds(b, "&gt;");
			else if (c == '&')
				sg_buf_adds(b, "&amp;");
			else if (c == '"')
				sg_buf_adds(b, "&quot;");
			else if (c == '\'')
				sg_buf_adds(b, "&#39;");
			else
				sg_buf_addc(b, c);
		}
		ok = i + v;
		if (ok < n) {
			sg_buf_adds(b, "\xef\xbf\xbd");
			ok++;
		}
	}
}

static void html_escs(sg_buf *b, const char *s)
{
	if (s)
		html_esc(b, s, strlen(s));
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>shellgate lint report</title>\n<style>\n"
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}\n"
	"table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 6px;"
	"text-align:left;vertical-align:top}\n"
	"th{background:#f4f4f4;position:sticky;top:0}code{font:12px/1.3 ui-monospace,monospace;white-space:pre-wrap;"
	"word-break:break-all}\n"
	"mark{background:#fdd;color:#900}.deny{color:#b00;font-weight:bold}.ask{color:#a60;font-weight:bold}"
	".allow{color:#070}.muted{color:#777;font-size:12px}\n"
	"#filters{margin:1em 0}#filters label{margin-right:1.5em}.warn{color:#a60}\n"
	"</style></head><body>\n<h1>shellgate lint report</h1>\n"
	"<div id=\"filters\"><label>Decision <select id=\"fdec\"><option value=\"\">all</option>"
	"<option>deny</option><option>ask</option><option>allow</option></select></label>"
	"<label>Rule <select id=\"frule\"><option value=\"\">all</option></select></label>"
	"<label>Outcome <select id=\"fran\"><option value=\"\">all</option></select></label>"
	"<span id=\"count\" class=\"muted\"></span></div>\n"
	"<table id=\"findings\"><thead><tr><th>Decision</th><th>Command</th><th>Rules and reasons</th>"
	"<th>Outcome</th><th>Where</th></tr></thead><tbody>\n";

static const char html_script[] =
	"<script>\n(function(){\n"
	"var rows=[].slice.call(document.querySelectorAll('#findings tbody tr'));\n"
	"var fd=document.getElementById('fdec'),fr=document.getElementById('frule'),fo=document.getElementById('fran');\n"
	"function fill(sel,key){var seen={};rows.forEach(function(r){(r.dataset[key]||'').split(' ').forEach("
	"function(x){if(x)seen[x]=1;});});Object.keys(seen).sort().forEach(function(x){var o=document.createElement("
	"'option');o.textContent=x;sel.appendChild(o);});}\n"
	"fill(fr,'rules');fill(fo,'ran');\n"
	"function apply(){var n=0;rows.forEach(function(r){var ok=(!fd.value||r.dataset.decision===fd.value)&&"
	"(!fr.value||(' '+r.dataset.rules+' ').indexOf(' '+fr.value+' ')>=0)&&(!fo.value||r.dataset.ran===fo.value);"
	"r.style.display=ok?'':'none';if(ok)n++;});document.getElementById('count').textContent=n+' of '+rows.length+"
	"' shown';}\n"
	"fd.onchange=fr.onchange=fo.onchange=apply;apply();\n})();\n</script>\n</body></html>\n";

static void html_command(sg_lint_report *r, sg_buf *b, const sg_lint_finding *f)
{
	const sg_reason *rs = f->v->nreasons ? &f->v->reasons[0] : NULL;
	size_t ma, me;
	sg_lint_mask_span(f->text, f->len, rs ? rs->start : 0, rs ? rs->end : 0, &r->m, &ma, &me);
	sg_buf_adds(b, "<td><code>");
	html_esc(b, r->m.data, ma);
	sg_buf_adds(b, "<mark>");
	html_esc(b, r->m.data + ma, me - ma);
	sg_buf_adds(b, "</mark>");
	html_esc(b, r->m.data + me, r->m.len - me);
	sg_buf_adds(b, "</code>");
	if (f->rewritten) {
		sg_buf_reset(&r->m);
		sg_mask_secrets(f->rewritten, f->rewritten_len, &r->m);
		sg_buf_adds(b, "<div class=\"muted\">rewritten to <code>");
		html_esc(b, r->m.data ? r->m.data : "", r->m.len);
		sg_buf_adds(b, "</code></div>");
	}
	sg_buf_adds(b, "</td>");
}

static void html_finding(sg_lint_report *r, const sg_lint_finding *f)
{
	sg_buf *b = &r->b;
	const sg_verdict *v = f->v;
	const char *d = sg_decision_name(v->decision);
	sg_buf_printf(b, "<tr data-decision=\"%s\" data-ran=\"%s\" data-rules=\"", d, sg_lint_ran_name(f->ran));
	for (size_t i = 0, k = 0; i < v->nreasons; i++)
		if (decided_first(v, i)) {
			sg_buf_adds(b, k++ ? " " : "");
			html_escs(b, v->reasons[i].rule);
		}
	sg_buf_printf(b, "\"><td class=\"%s\">%s%s</td>", d, d, f->baselined ? " <span class=\"muted\">(baseline)</span>" : "");
	html_command(r, b, f);
	sg_buf_adds(b, "<td>");
	for (size_t i = 0; i < v->nreasons; i++)
		if (decided_first(v, i)) {
			sg_buf_adds(b, "<div><b>");
			html_escs(b, v->reasons[i].rule);
			sg_buf_adds(b, "</b>: ");
			html_escs(b, v->reasons[i].reason);
			sg_buf_adds(b, "</div>");
		}
	sg_buf_printf(b, "</td><td>%s", sg_lint_ran_name(f->ran));
	if (f->hook) {
		sg_buf_adds(b, "<div class=\"muted\">");
		html_escs(b, f->hook);
		sg_buf_adds(b, "</div>");
	}
	sg_buf_adds(b, "</td><td>");
	html_escs(b, f->file);
	sg_buf_printf(b, ":%lu<div class=\"muted\">%s ", f->line, sg_lint_client_name(f->client));
	html_escs(b, f->session);
	sg_buf_adds(b, " ");
	html_escs(b, f->timestamp);
	sg_buf_adds(b, "</div></td></tr>\n");
	flush_buf(r, b);
}

static void html_warning(sg_lint_report *r, const char *file, unsigned long line, const char *msg)
{
	sg_buf *w = &r->warn;
	sg_buf_adds(w, "<li>");
	html_escs(w, file);
	if (line)
		sg_buf_printf(w, ":%lu", line);
	sg_buf_adds(w, ": ");
	html_escs(w, msg);
	sg_buf_adds(w, "</li>\n");
}

static void html_end(sg_lint_report *r, const sg_lint_summary *s)
{
	sg_buf *b = &r->b;
	sg_buf_printf(b, "</tbody></table>\n<h2>Summary</h2>\n<p>%lu files, %lu records, %lu calls judged: "
			 "<span class=\"deny\">%lu deny</span>, <span class=\"ask\">%lu ask</span>, "
			 "<span class=\"allow\">%lu allow</span>; %lu reported, %lu accepted by the baseline.</p>\n",
		      s->files, s->records, s->calls, s->by[SG_DENY], s->by[SG_ASK], s->by[SG_ALLOW], s->reported,
		      s->baselined);
	if (s->warnings || s->read_errors)
		sg_buf_printf(b, "<p class=\"warn\"><b>Not clean:</b> %lu warnings and %lu read errors; some input "
				 "could not be read.</p>\n<ul class=\"warn\">",
			      s->warnings, s->read_errors);
	sg_buf_add(b, r->warn.data ? r->warn.data : "", r->warn.len);
	if (s->warnings || s->read_errors)
		sg_buf_adds(b, "</ul>\n");
	sg_buf_adds(b, html_script);
	flush_buf(r, b);
}

/* ---- dispatch ------------------------------------------------------------------------------------ */

sg_lint_report *sg_lint_report_new(int format, FILE *out, int color, const sg_ruleset *rs)
{
	sg_lint_report *r = sg_xcalloc(1, sizeof *r);
	r->format = format;
	r->out = out;
	r->color = color && format == SG_LF_TEXT;
	r->rs = rs;
	if (format == SG_LF_SARIF)
		sarif_begin(r);
	else if (format == SG_LF_HTML)
		fputs(html_head, out);
	return r;
}

void sg_lint_report_finding(sg_lint_report *r, const sg_lint_finding *f)
{
	switch (r->format) {
	case SG_LF_JSON: json_finding(r, f); break;
	case SG_LF_SARIF: sarif_finding(r, f); break;
	case SG_LF_HTML: html_finding(r, f); break;
	default: text_finding(r, f); break;
	}
}

void sg_lint_report_warning(sg_lint_report *r, const char *file, unsigned long line, const char *msg)
{
	if (r->format == SG_LF_JSON) {
		sg_buf *b = &r->b;
		sg_buf_adds(b, "{\"type\":\"warning\",\"file\":");
		sg_buf_json_str(b, file, strlen(file));
		sg_buf_printf(b, ",\"line\":%lu,\"message\":", line);
		sg_buf_json_str(b, msg, strlen(msg));
		sg_buf_adds(b, "}\n");
		flush_buf(r, b);
		return;
	}
	if (++r->nwarn > MAX_KEPT_WARNINGS)
		return;
	if (r->format == SG_LF_SARIF)
		sarif_warning(r, file, line, msg);
	else if (r->format == SG_LF_HTML)
		html_warning(r, file, line, msg);
}

void sg_lint_report_end(sg_lint_report *r, const sg_lint_summary *s)
{
	switch (r->format) {
	case SG_LF_JSON: json_summary(r, s); break;
	case SG_LF_SARIF: sarif_end(r, s); break;
	case SG_LF_HTML: html_end(r, s); break;
	default: text_summary(r, s); break;
	}
	fflush(r->out);
	sg_buf_free(&r->b);
	sg_buf_free(&r->m);
	sg_buf_free(&r->d);
	sg_buf_free(&r->warn);
	free(r->ids);
	free(r->rp);
	free(r->tab);
	free(r);
}
