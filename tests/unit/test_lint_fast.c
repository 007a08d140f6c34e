/*
 * test_lint_fast.c - the fast paths of lint's reading and reporting give
 * what plain byte-at-a-time code gives. The JSON tokenizer (string runs 32
 * bytes at a time with SSE2, eight with SWAR; escapes passed over inside a
 * run; UTF-8 checked per run; the parser core) is compared with the
 * previous tokenizer, kept here as the reference with its string scan made
 * bytewise. Secret masking (per-byte candidate table) and the masked span
 * (no re-masking when nothing was masked) are compared with the previous
 * masking, as is the masking capped at a length. Verdicts read in place from
 * a worker's answer are checked field by field, and cut or damaged frames
 * refused. Inputs: escapes, \u sequences, invalid UTF-8, control bytes at
 * every offset around the 16- and 32-byte blocks, records cut at every
 * length near their end, and seeded random records with mutations. Each
 * input sits in a heap buffer of exactly its size, so that a read past it
 * fails under ASan (make check).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lint.h"

/* ---- the reference tokenizer (the previous lint_json.c) -------------------------------- */

static int ref_push(sg_json *j, unsigned char type, size_t start)
{
	if (j->nt == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 256;
		j->t = sg_xrealloc(j->t, cap * sizeof *j->t);
		j->cap = cap;
	}
	sg_jtok *t = &j->t[j->nt];
	t->type = type;
	t->esc = 0;
	t->start = (uint32_t)start;
	t->end = (uint32_t)start;
	t->next = (uint32_t)j->nt + 1;
	return (int)j->nt++;
}

static int ref_fail(sg_json *j, size_t at, const char *msg)
{
	j->err = msg;
	j->err_at = at;
	return -1;
}

static int ref_hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Skips plain ASCII string bytes (not '"', '\\', control or non-ASCII),
 * eight at a time: most of a transcript is long tool output. */
static size_t ref_plain_run(const unsigned char *s, size_t i, size_t n)
{
	while (i < n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/* Scans a string starting after its opening quote; returns the index of
 * the closing quote or (size_t)-1. */
static size_t ref_scan_string(sg_json *j, size_t i, int *esc)
{
	const unsigned char *s = (const unsigned char *)j->s;
	size_t n = j->n;
	while (i < n) {
		i = ref_plain_run(s, i, n);
		if (i >= n)
			break;
		unsigned c = s[i];
		if (c == '"')
			return i;
		if (c == '\\') {
			*esc = 1;
			if (i + 1 >= n)
				break;
			c = s[i + 1];
			if (c == 'u') {
				if (i + 5 >= n || ref_hexv(s[i + 2]) < 0 || ref_hexv(s[i + 3]) < 0 || ref_hexv(s[i + 4]) < 0 ||
				    ref_hexv(s[i + 5]) < 0) {
					ref_fail(j, i, "bad \\u escape");
					return (size_t)-1;
				}
				i += 6;
			} else if (c == 'n' || c == '"' || c == '\\' || c == 't' || c == '/' || c == 'r' || c == 'b' ||
				   c == 'f') {
				i += 2;
			} else {
				ref_fail(j, i, "bad escape");
				return (size_t)-1;
			}
			continue;
		}
		if (c < 0x20) {
			ref_fail(j, i, "control character in string");
			return (size_t)-1;
		}
		size_t l = sg_utf8_valid_prefix((const char *)s + i, n - i < 4 ? n - i : 4);
		/* one valid sequence is at least its lead byte's length */
		size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		if (!want || l < want) {
			ref_fail(j, i, "invalid UTF-8");
			return (size_t)-1;
		}
		i += want;
	}
	ref_fail(j, n, "unterminated string");
	return (size_t)-1;
}

static size_t ref_scan_number(sg_json *j, size_t i)
{
	const char *s = j->s;
	size_t n = j->n, st = i;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return ref_fail(j, st, "bad number"), (size_t)-1;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return ref_fail(j, st, "bad number"), (size_t)-1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return ref_fail(j, st, "bad number"), (size_t)-1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i;
}

static size_t ref_skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Parses one ref_scalar at i into a token; returns the index after it. */
static size_t ref_scalar(sg_json *j, size_t i)
{
	const char *s = j->s;
	size_t n = j->n;
	char c = s[i];
	if (c == '"') {
		int esc = 0;
		size_t e = ref_scan_string(j, i + 1, &esc);
		if (e == (size_t)-1)
			return e;
		int t = ref_push(j, SG_J_STR, i + 1);
		j->t[t].end = (uint32_t)e;
		j->t[t].esc = (unsigned char)esc;
		return e + 1;
	}
	static const struct { const char *w; unsigned char type; } lits[] = {
		{ "true", SG_J_TRUE }, { "false", SG_J_FALSE }, { "null", SG_J_NULL }
	};
	for (size_t k = 0; k < 3; k++) {
		size_t l = strlen(lits[k].w);
		if (n - i >= l && !memcmp(s + i, lits[k].w, l)) {
			int t = ref_push(j, lits[k].type, i);
			j->t[t].end = (uint32_t)(i + l);
			return i + l;
		}
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		size_t e = ref_scan_number(j, i);
		if (e == (size_t)-1)
			return e;
		int t = ref_push(j, SG_J_NUM, i);
		j->t[t].end = (uint32_t)e;
		return e;
	}
	ref_fail(j, i, "unexpected character");
	return (size_t)-1;
}

/* State per open container: its token, and what is expected next. */
enum { RX_VALUE, RX_KEY_OR_END, RX_KEY, RX_COLON, RX_COMMA_OR_END, RX_VALUE_OR_END };

/* Parser state: the open containers and what may come next. */
typedef struct ref_pstate {
	int stack[SG_LINT_MAX_JSON_DEPTH];
	int depth, expect;
} ref_pstate;

/* Closes the innermost container at byte i; 1 when the record ended. */
static int ref_close_container(sg_json *j, ref_pstate *ps, size_t i)
{
	int top = ps->stack[--ps->depth];
	j->t[top].end = (uint32_t)(i + 1);
	j->t[top].next = (uint32_t)j->nt;
	ps->expect = RX_COMMA_OR_END;
	return ps->depth == 0;
}

/* After a value inside a container: ',' or the closing bracket.
 * Returns 0 to go on, 1 when the record ended, -1 on a syntax error. */
static int ref_after_value(sg_json *j, ref_pstate *ps, size_t i)
{
	if (ps->depth <= 0)
		return -1;
	int top = ps->stack[ps->depth - 1];
	int obj = j->t[top].type == SG_J_OBJ;
	if (j->s[i] == ',') {
		ps->expect = obj ? RX_KEY : RX_VALUE;
		return 0;
	}
	if (j->s[i] != (obj ? '}' : ']'))
		return ref_fail(j, i, "expected ',' or a closing bracket");
	return ref_close_container(j, ps, i);
}

/* One ref_step at byte i (not blank): returns the next index, or (size_t)-1 on
 * an error, or n + 1 when the record ended at i - 1. */
static size_t ref_step(sg_json *j, ref_pstate *ps, size_t i)
{
	char c = j->s[i];
	int r;
	switch (ps->expect) {
	case RX_COMMA_OR_END:
		r = ref_after_value(j, ps, i);
		return r < 0 ? (size_t)-1 : r ? j->n + 1 + i + 1 : i + 1;
	case RX_COLON:
		if (c != ':')
			return ref_fail(j, i, "expected ':'"), (size_t)-1;
		ps->expect = RX_VALUE;
		return i + 1;
	case RX_KEY_OR_END:
	case RX_VALUE_OR_END:
		if (c == (ps->expect == RX_KEY_OR_END ? '}' : ']'))
			return ref_close_container(j, ps, i) ? j->n + 1 + i + 1 : i + 1;
		break;
	}
	if (ps->expect == RX_KEY || ps->expect == RX_KEY_OR_END) {
		if (c != '"')
			return ref_fail(j, i, "expected a key"), (size_t)-1;
		ps->expect = RX_COLON;
		return ref_scalar(j, i);
	}
	if (c == '{' || c == '[') {
		if (ps->depth >= SG_LINT_MAX_JSON_DEPTH)
			return ref_fail(j, i, "nested too deeply"), (size_t)-1;
		ps->stack[ps->depth++] = ref_push(j, c == '{' ? SG_J_OBJ : SG_J_ARR, i);
		ps->expect = c == '{' ? RX_KEY_OR_END : RX_VALUE_OR_END;
		return i + 1;
	}
	size_t e = ref_scalar(j, i);
	if (e == (size_t)-1)
		return e;
	ps->expect = RX_COMMA_OR_END;
	return ps->depth ? e : j->n + 1 + e;
}

static int ref_parse(sg_json *j, const char *s, size_t n)
{
	ref_pstate ps;
	ps.depth = 0;
	ps.expect = RX_VALUE;
	size_t i = 0;
	j->s = s;
	j->n = n;
	j->nt = 0;
	j->err = NULL;
	j->err_at = 0;
	if (n >= UINT32_MAX / 2)
		return ref_fail(j, 0, "record too large");
	for (;;) {
		i = ref_skip_ws(s, n, i);
		if (i >= n)
			return ref_fail(j, n, j->nt ? "truncated record" : "empty record");
		i = ref_step(j, &ps, i);
		if (i == (size_t)-1)
			return -1;
		if (i > n) {	/* the record ended: only blanks may follow */
			i = ref_skip_ws(s, n, i - n - 1);
			return i < n ? ref_fail(j, i, "text after the record") : 0;
		}
	}
}

/* ---- access ---------------------------------------------------------------------------- */

/* ---- the reference masking (the previous output.c) -------------------------------------- */

#include <ctype.h>
#include <strings.h>

static int ref_tokch(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '+' || c == '=';
}

static const char *const ref_prefixes[] = {
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "sk-", "sk_live_", "rk_live_",
	"xoxb-", "xoxp-", "xoxa-", "xoxs-", "AKIA", "ASIA", "AIza", "ya29.", "npm_", "hf_", "pypi-", NULL
};
static const char *const ref_keys[] = {
	"password=", "passwd=", "pwd=", "secret=", "token=", "api_key=", "apikey=", "access_key=",
	"--password=", "--token=", "PASSWORD=", "TOKEN=", "SECRET=", "_KEY=", "_TOKEN=", "_SECRET=", NULL
};

/* 1 for a byte that can start a prefix, a key or "Bearer " (ref_secret_at
 * finds nothing anywhere else) */
static int ref_may_start(unsigned char c)
{
	static unsigned char t[256];
	static int ready;
	if (!ready) {
		for (int i = 0; ref_prefixes[i]; i++)
			t[(unsigned char)ref_prefixes[i][0]] = 1;
		for (int i = 0; ref_keys[i]; i++)
			t[(unsigned char)ref_keys[i][0]] = 1;
		t['B'] = t['b'] = 1;
		ready = 1;
	}
	return t[c];
}

/* length of the secret value starting at s (0 = none) */
static size_t ref_secret_at(const char *s, size_t n, size_t *keep)
{
	*keep = 0;
	/* (the previous code built the ref_may_start table a second time here) */
	if (!n || !ref_may_start((unsigned char)s[0]))
		return 0;
	for (int i = 0; ref_prefixes[i]; i++) {
		if (ref_prefixes[i][0] != s[0])
			continue;
		size_t pl = strlen(ref_prefixes[i]);
		if (n > pl + 8 && !strncmp(s, ref_prefixes[i], pl)) {
			size_t k = pl;
			while (k < n && ref_tokch((unsigned char)s[k]))
				k++;
			if (k >= pl + 8) {
				*keep = pl;
				return k;
			}
		}
	}
	for (int i = 0; ref_keys[i]; i++) {
		if (ref_keys[i][0] != s[0])
			continue;
		size_t kl = strlen(ref_keys[i]);
		if (n > kl && !strncmp(s, ref_keys[i], kl)) {
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
		while (k < n && ref_tokch((unsigned char)s[k]))
			k++;
		if (k > sizeof bearer + 6) {
			*keep = sizeof bearer - 1;
			return k;
		}
	}
	return 0;
}

static void ref_mask(const char *s, size_t n, sg_buf *out)
{
	size_t i = 0, run = 0;	/* s[run..i) is copied as it is */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (!ref_may_start(c)) {
			i++;
			continue;
		}
		int boundary = i == 0 || !isalnum((unsigned char)s[i - 1]);
		size_t keep, l = 0;
		if (boundary || c == '_' || c == 'p' || c == 'P' || c == 't' || c == 'T' || c == 's' || c == 'S')
			l = ref_secret_at(s + i, n - i, &keep);
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


static void ref_span(const char *s, size_t n, uint32_t a, uint32_t e, sg_buf *out, size_t *ma, size_t *me)
{
	sg_buf t;
	sg_buf_init(&t);
	if (e > n)
		e = (uint32_t)n;
	if (a > e)
		a = e;
	sg_buf_reset(out);
	ref_mask(s, n, out);
	sg_buf_cstr(out);
	ref_mask(s, a, &t);
	*ma = t.len;
	sg_buf_reset(&t);
	ref_mask(s, e, &t);
	*me = t.len;
	sg_buf_free(&t);
	if (*me > out->len)
		*me = out->len;
	if (*ma > *me)
		*ma = *me;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33) % n;
}

static void show(const char *what, const char *s, size_t n)
{
	fprintf(stderr, "%s (%zu bytes): ", what, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputc('\n', stderr);
}

static sg_json fast_j, ref_j;
static unsigned long compared, failed_parses;

/* Tokenizes s[0..n) (copied to a buffer of exactly n bytes) both ways and
 * checks that the result, the error and its offset, or every token agree. */
static void same(const char *src, size_t n)
{
	char *b = malloc(n ? n : 1);
	assert_non_null(b);
	memcpy(b, src, n);
	int x = sg_lint_json_parse(&fast_j, b, n), y = ref_parse(&ref_j, b, n);
	int ok = x == y;
	if (ok && x < 0)
		ok = !strcmp(fast_j.err, ref_j.err) && fast_j.err_at == ref_j.err_at;
	if (ok && x == 0) {
		ok = fast_j.nt == ref_j.nt;
		for (size_t k = 0; ok && k < fast_j.nt; k++) {
			const sg_jtok *p = &fast_j.t[k], *q = &ref_j.t[k];
			ok = p->type == q->type && p->esc == q->esc && p->start == q->start && p->end == q->end &&
			     p->next == q->next;
		}
	}
	if (!ok) {
		show("tokenizers disagree on", b, n);
		fprintf(stderr, "fast: %d %s at %zu, %zu tokens; reference: %d %s at %zu, %zu tokens\n", x,
			fast_j.err ? fast_j.err : "ok", fast_j.err_at, fast_j.nt, y, ref_j.err ? ref_j.err : "ok",
			ref_j.err_at, ref_j.nt);
	}
	compared++;
	failed_parses += x < 0;
	free(b);
	assert_true(ok);
}

static void same_str(const char *s)
{
	same(s, strlen(s));
}

/* String content pieces: plain, multi-byte, every escape, good and bad \u
 * sequences, control bytes, and each kind of invalid UTF-8. */
static const char *const pieces[] = {
	"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\\n", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r",
	"\\t", "\\u00e9", "\\uD83D\\uDE00", "\\ud800", "\\u001b", "\\u12G4", "\\u12", "\\x", "\\", "\x01", "\x1f",
	"\x7f", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\xe0\x80\x80", "\x80",
	"\"", " ", "\t",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

/* ---- tokenizer cases ------------------------------------------------------------------------ */

/* Every piece at every offset around the blocks, with runs after it that
 * end before, at and after a block boundary; and the same records cut at
 * every length over their last 40 bytes (strings running off the end). */
static void t_pieces_everywhere(void **state)
{
	(void)state;
	static const size_t after[] = { 0, 1, 15, 16, 17, 31, 32, 33, 64 };
	char rec[512];
	for (size_t p = 0; p < NPIECES; p++)
		for (size_t pre = 0; pre <= 40; pre++)
			for (size_t a = 0; a < sizeof after / sizeof after[0]; a++) {
				size_t n = 0;
				n += (size_t)snprintf(rec + n, sizeof rec - n, "{\"k\":\"");
				memset(rec + n, 'x', pre);
				n += pre;
				n += (size_t)snprintf(rec + n, sizeof rec - n, "%s", pieces[p]);
				memset(rec + n, 'y', after[a]);
				n += after[a];
				n += (size_t)snprintf(rec + n, sizeof rec - n, "\", \"n\": [1, true]}");
				same(rec, n);
				for (size_t cut = n > 40 ? n - 40 : 0; cut < n; cut++)
					same(rec, cut);
			}
}

/* Two pieces: a stop right after an escape, escapes across a block edge. */
static void t_piece_pairs(void **state)
{
	(void)state;
	char rec[256];
	for (size_t p = 0; p < NPIECES; p++)
		for (size_t q = 0; q < NPIECES; q++)
			for (size_t pre = 26; pre <= 34; pre++) {
				int n = snprintf(rec, sizeof rec, "[\"%.*s%s%s\"]", (int)pre,
						 "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", pieces[p], pieces[q]);
				same(rec, (size_t)n);
			}
}

static void t_grammar(void **state)
{
	(void)state;
	static const char *const recs[] = {
		"", " ", "{}", "[]", "{ }", "[ ]", "{\"a\":1}", "{\"a\" : [ ] , \"b\" : { } }", "{\"a\":1,}", "[1,]",
		"{,}", "[,]", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{1:2}", "[1 2]", "[1}", "{\"a\":1]", "\"top\"",
		"\"top\" x", "1", "-", "-0", "01", "1.", "1.5e", "1e+", "1E-7", "-12.5e+3", "tru", "true", "false",
		"null", "nul", "[true,false,null]", "{\"a\":tru}", "{} {}", "{}  \r\n", "[\"a\"", "{\"a\":\"b\"",
		"{\"a", "{\"a\\", "[\"\\u", "[\"\\u00\"]", "[\"\\\\\\\"\"]", "{\"\\u0061\":1}", "[1,[2,[3,{\"x\":[]}]]]",
		"\t[\n1\r]\n", "[\x01]", "{\"a\":1}x", "[\"a\"]]",
	};
	for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
		same_str(recs[i]);
	/* nesting at, just under and over the limit */
	static char deep[2 * SG_LINT_MAX_JSON_DEPTH + 8];
	for (int d = SG_LINT_MAX_JSON_DEPTH - 1; d <= SG_LINT_MAX_JSON_DEPTH + 1; d++) {
		memset(deep, '[', (size_t)d);
		memset(deep + d, ']', (size_t)d);
		same(deep, 2 * (size_t)d);
		same(deep, 2 * (size_t)d - 1);
	}
}

/* A random record: objects, arrays, strings made of pieces, numbers and
 * literals, with blanks between tokens. */
static void gen_value(sg_buf *b, int depth)
{
	static const char *const blanks[] = { "", " ", "  ", "\n", "\t", "\r\n " };
	unsigned k = depth > 4 ? 2 + rnd(3) : rnd(5);
	sg_buf_adds(b, blanks[rnd(6)]);
	if (k == 0 || k == 1) {
		int obj = k == 0;
		sg_buf_addc(b, obj ? '{' : '[');
		unsigned m = rnd(5);
		for (unsigned i = 0; i < m; i++) {
			if (i)
				sg_buf_addc(b, ',');
			if (obj) {
				sg_buf_printf(b, "%s\"%s\"%s:", blanks[rnd(6)], rnd(2) ? "type" : "k\\u0041", blanks[rnd(6)]);
			}
			gen_value(b, depth + 1);
		}
		sg_buf_adds(b, blanks[rnd(6)]);
		sg_buf_addc(b, obj ? '}' : ']');
	} else if (k == 2) {
		sg_buf_addc(b, '"');
		unsigned m = rnd(4) ? rnd(12) : rnd(200);
		for (unsigned i = 0; i < m; i++) {
			/* mostly good text so that the errors come late */
			unsigned r = rnd(100);
			sg_buf_adds(b, r < 70 ? "plain text " : r < 97 ? pieces[rnd(16)] : pieces[rnd(NPIECES)]);
		}
		sg_buf_addc(b, '"');
	} else if (k == 3) {
		static const char *const nums[] = { "0", "-1", "12.5", "3e7", "-0.25E-3", "100000" };
		sg_buf_adds(b, nums[rnd(6)]);
	} else {
		static const char *const lits[] = { "true", "false", "null" };
		sg_buf_adds(b, lits[rnd(3)]);
	}
}

static void t_random_mutated(void **state)
{
	(void)state;
	static const char interesting[] = "{}[]:,\"\\ \n\tu0aeftn\x01\x80\xc3\xe2\xff";
	sg_buf b;
	sg_buf_init(&b);
	for (int r = 0; r < 4000; r++) {
		sg_buf_reset(&b);
		gen_value(&b, 0);
		same(b.data, b.len);
		for (int m = 0; m < 6 && b.len; m++) {
			size_t at = rnd((unsigned)b.len);
			unsigned op = rnd(3);
			char c = interesting[rnd(sizeof interesting - 1)];
			if (op == 0) {
				b.data[at] = c;
			} else if (op == 1) {
				memmove(b.data + at, b.data + at + 1, b.len - at - 1);
				b.len--;
			} else {
				sg_buf_addc(&b, 0);
				memmove(b.data + at + 1, b.data + at, b.len - at - 1);
				b.data[at] = c;
			}
			same(b.data, b.len);
		}
	}
	sg_buf_free(&b);
	/* the cases above did reach both outcomes */
	assert_true(failed_parses > 1000 && failed_parses < compared - 1000);
}

/* One pass for several keys finds what one lookup each finds: the first
 * of a repeated key, escaped keys, missing keys, non-objects. */
static void t_getv(void **state)
{
	(void)state;
	static const char *const recs[] = {
		"{\"type\":1,\"cwd\":2,\"type\":3,\"version\":{\"type\":9},\"t\\u0079pe\":4}",
		"{\"ty\\u0070e\":\"x\",\"type\":\"y\",\"cwd\":[1,2],\"\":0,\"sessionId\":\"s\"}",
		"{}", "[1,2]", "{\"a\":{\"type\":1},\"timestamp\":\"t\",\"timestamp\":\"u\"}",
		"{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\":1,\"message\":2}",
	};
	static const char *const keys[] = { "type", "cwd", "version", "timestamp", "", "sessionId", "missing",
					    "message", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	int nk = (int)(sizeof keys / sizeof keys[0]);
	for (size_t r = 0; r < sizeof recs / sizeof recs[0]; r++) {
		assert_int_equal(sg_lint_json_parse(&fast_j, recs[r], strlen(recs[r])), 0);
		for (int n = 1; n <= nk; n++) {
			int out[16];
			/* the last n keys, so that long and empty keys come first too */
			sg_lint_json_getv(&fast_j, 0, keys + nk - n, n, out);
			for (int q = 0; q < n; q++)
				assert_int_equal(out[q], sg_lint_json_get(&fast_j, 0, keys[nk - n + q]));
			for (int obj = 0; obj < 2; obj++) {	/* token 1 is no object */
				sg_lint_json_getv(&fast_j, obj, keys, n, out);
				for (int q = 0; q < n; q++)
					assert_int_equal(out[q], sg_lint_json_get(&fast_j, obj, keys[q]));
			}
		}
	}
}

/* ---- masking cases ---------------------------------------------------------------------------- */

static void t_mask(void **state)
{
	(void)state;
	static const char *const frags[] = {
		"ghp_", "abcdefgh12345678", "token=", "TOKEN=", "_KEY=", "_SECRET=", "Bearer ", "bearer ", "BEARER ",
		"sk-", "sk_live_", "xoxb-", "AKIA", "password=", "--password=", "api_key=", "apikey=", "pwd=", " ", "\n",
		"'", "\"", "&", "=", "x", "a", "_", "-", "p", "s", "t", "T", "\xc3\xa9", "***", "gh", "pypi-", "hf_",
		"ya29.", "github_pat_", "glpat-", "npm_", "9", "/", ".", "+", "export ", "curl -H ", "abc",
	};
	sg_buf s, a, b;
	sg_buf_init(&s);
	sg_buf_init(&a);
	sg_buf_init(&b);
	unsigned long masked = 0;
	for (int r = 0; r < 30000; r++) {
		sg_buf_reset(&s);
		unsigned m = 1 + rnd(14);
		for (unsigned i = 0; i < m; i++)
			sg_buf_adds(&s, frags[rnd(sizeof frags / sizeof frags[0])]);
		char *t = malloc(s.len ? s.len : 1);
		assert_non_null(t);
		memcpy(t, s.data, s.len);
		sg_buf_reset(&a);
		sg_buf_reset(&b);
		sg_mask_secrets(t, s.len, &a);
		ref_mask(t, s.len, &b);
		if (a.len != b.len || memcmp(a.data, b.data, a.len)) {
			show("masks differ on", t, s.len);
			show("fast", a.data, a.len);
			show("reference", b.data, b.len);
		}
		assert_true(a.len == b.len && !memcmp(a.data, b.data, a.len));
		masked += a.len != s.len || memcmp(a.data, t, a.len);
		/* a capped masking is the whole masking's first bytes */
		for (size_t max = 0; max <= s.len + 1; max += 1 + rnd(9)) {
			sg_buf_reset(&a);
			sg_buf_adds(&a, "kept:");
			sg_mask_secrets_upto(t, s.len, &a, max);
			size_t want = max < b.len ? max : b.len;
			assert_true(a.len >= 5 + want && !memcmp(a.data, "kept:", 5));
			assert_true(!memcmp(a.data + 5, b.data, a.len - 5 < b.len ? a.len - 5 : b.len));
		}
		/* spans, including reversed and past the end */
		for (int k = 0; k < 4; k++) {
			uint32_t x = rnd((unsigned)s.len + 3), y = rnd((unsigned)s.len + 3);
			size_t fa, fe, ra, re;
			sg_lint_mask_span(t, s.len, x, y, &a, &fa, &fe);
			ref_span(t, s.len, x, y, &b, &ra, &re);
			if (fa != ra || fe != re)
				show("spans differ on", t, s.len);
			assert_true(fa == ra && fe == re);
			assert_true(a.len == b.len && !memcmp(a.data, b.data, a.len));
		}
		free(t);
	}
	assert_true(masked > 1000);
	sg_buf_free(&s);
	sg_buf_free(&a);
	sg_buf_free(&b);
}

/* Verdicts as workers send them: every field comes back, strings in place;
 * a frame cut anywhere, with a string's NUL or length wrong, or with bytes
 * after it is refused. */
static void t_verdict_frames(void **state)
{
	(void)state;
	sg_reason rs[3] = {
		{ .rule = "a.rule", .reason = "why", .origin = NULL, .decision = SG_DENY, .start = 3, .end = 9 },
		{ .rule = "default.dynamic", .reason = "", .origin = "/x/rules.json", .decision = SG_ASK, .start = 0,
		  .end = 0 },
		{ .rule = "r3", .reason = NULL, .origin = NULL, .decision = SG_ALLOW, .start = 7, .end = 1 },
	};
	sg_verdict v;
	memset(&v, 0, sizeof v);
	v.decision = SG_DENY;
	v.flags = 5;
	v.reasons = rs;
	v.nreasons = 3;
	sg_buf b, store;
	sg_buf_init(&b);
	sg_buf_init(&store);
	sg_lint_verdict_pack(&v, &b);
	char *f = malloc(b.len);
	assert_non_null(f);
	memcpy(f, b.data, b.len);
	sg_verdict u;
	assert_int_equal(sg_lint_verdict_unpack(f, b.len, &u, &store), 0);
	assert_int_equal(u.decision, SG_DENY);
	assert_int_equal(u.flags, 5);
	assert_int_equal(u.nreasons, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(u.reasons[i].decision, rs[i].decision);
		assert_int_equal(u.reasons[i].start, rs[i].start);
		assert_int_equal(u.reasons[i].end, rs[i].end);
		assert_string_equal(u.reasons[i].rule, rs[i].rule);
		if (rs[i].reason)
			assert_string_equal(u.reasons[i].reason, rs[i].reason);
		else
			assert_null(u.reasons[i].reason);
		if (rs[i].origin)
			assert_string_equal(u.reasons[i].origin, rs[i].origin);
		else
			assert_null(u.reasons[i].origin);
		/* read in place */
		assert_true(u.reasons[i].rule > f && u.reasons[i].rule < f + b.len);
	}
	sg_verdict_free(&u);
	for (size_t cut = 0; cut < b.len; cut++) {
		char *g = malloc(cut ? cut : 1);
		assert_non_null(g);
		memcpy(g, f, cut);
		assert_int_equal(sg_lint_verdict_unpack(g, cut, &u, &store), -1);
		sg_verdict_free(&u);
		free(g);
	}
	/* each string's NUL (found by walking the layout) made non-NUL */
	size_t at = 1 + 4 + 4, nuls = 0;
	for (int i = 0; i < 3; i++) {
		at += 1 + 4 + 4;
		for (int k = 0; k < 3; k++) {
			uint32_t len;
			memcpy(&len, f + at, 4);
			at += 4;
			if (len == UINT32_MAX)
				continue;
			at += len;
			assert_int_equal(f[at], 0);
			f[at] = 'x';
			assert_int_equal(sg_lint_verdict_unpack(f, b.len, &u, &store), -1);
			sg_verdict_free(&u);
			f[at++] = 0;
			nuls++;
		}
	}
	assert_int_equal(at, b.len);
	assert_int_equal(nuls, 6);
	char *g = malloc(b.len + 1);
	assert_non_null(g);
	memcpy(g, f, b.len);
	g[b.len] = 0;
	assert_int_equal(sg_lint_verdict_unpack(g, b.len + 1, &u, &store), -1);
	sg_verdict_free(&u);
	free(g);
	free(f);
	sg_buf_free(&b);
	sg_buf_free(&store);
}

static int teardown(void **state)
{
	(void)state;
	sg_lint_json_free(&fast_j);
	sg_lint_json_free(&ref_j);
	return 0;
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(t_grammar), cmocka_unit_test(t_pieces_everywhere), cmocka_unit_test(t_piece_pairs),
		cmocka_unit_test(t_random_mutated), cmocka_unit_test(t_mask), cmocka_unit_test(t_verdict_frames),
		cmocka_unit_test(t_getv),
	};
	sg_alloc_install_hooks();
	return cmocka_run_group_tests_name("lint fast paths", t, NULL, teardown);
}
