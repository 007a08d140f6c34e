/*
 * lint_json.c - a strict, non-allocating-per-value JSON tokenizer for
 * transcript records.
 *
 * Transcripts are mostly large strings (tool results, file contents) around
 * a few small fields the linter needs. Building a tree with cJSON for every
 * multi-KiB line would copy every byte; here one pass validates the whole
 * record (grammar, escapes, UTF-8, nesting) into a flat token array that is
 * reused across lines, and only the strings a reader asks for are decoded.
 *
 * Bounds: nesting depth SG_LINT_MAX_JSON_DEPTH (iterative, no recursion);
 * the token array grows with the record, which the line limit bounds.
 */
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "lint.h"

void sg_lint_json_init(sg_json *j)
{
	memset(j, 0, sizeof *j);
}

void sg_lint_json_free(sg_json *j)
{
	free(j->t);
	memset(j, 0, sizeof *j);
}

static void __attribute__((noinline)) grow(sg_json *j)
{
	size_t cap = j->cap ? j->cap * 2 : 256;
	j->t = sg_xrealloc(j->t, cap * sizeof *j->t);
	j->cap = cap;
}

static inline int push(sg_json *j, unsigned char type, size_t start)
{
	if (j->nt == j->cap)
		grow(j);
	sg_jtok *t = &j->t[j->nt];
	t->type = type;
	t->esc = 0;
	t->start = (uint32_t)start;
	t->end = (uint32_t)start;
	t->next = (uint32_t)j->nt + 1;
	return (int)j->nt++;
}

static int fail(sg_json *j, size_t at, const char *msg)
{
	j->err = msg;
	j->err_at = at;
	return -1;
}

static int hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Length of the escape at s[i] == '\\' when it is a valid one, 0 when the
 * text ends inside it, (size_t)-1 when it is malformed. */
static size_t escape_len(const unsigned char *s, size_t i, size_t n)
{
	static const unsigned char simple[256] = { ['n'] = 1, ['"'] = 1, ['\\'] = 1, ['t'] = 1,
						   ['/'] = 1, ['r'] = 1, ['b'] = 1, ['f'] = 1 };
	if (i + 1 >= n)
		return 0;
	unsigned c = s[i + 1];
	if (c == 'u')
		return i + 5 < n && hexv(s[i + 2]) >= 0 && hexv(s[i + 3]) >= 0 && hexv(s[i + 4]) >= 0 &&
				       hexv(s[i + 5]) >= 0
			       ? 6
			       : (size_t)-1;
	return simple[c] ? 2 : (size_t)-1;
}

/* A valid escape at s[i] is passed over: returns the index after it (and
 * sets *esc), or (size_t)-1 when s[i] ends the run ('"', a control
 * character, a bad or cut escape). */
static inline size_t run_stop(const unsigned char *s, size_t i, size_t n, int *esc)
{
	if (s[i] != '\\')
		return (size_t)-1;
	size_t l = escape_len(s, i, n);
	if (!l || l == (size_t)-1)
		return (size_t)-1;
	*esc = 1;
	return i + l;
}

/* The last bytes of a run one by one (see run_end). */
static size_t run_tail(const unsigned char *s, size_t i, size_t n, unsigned *hi, int *esc)
{
	while (i < n) {
		unsigned c = s[i];
		if (c == '"' || c == '\\' || c < 0x20) {
			size_t next = run_stop(s, i, n, esc);
			if (next == (size_t)-1)
				break;
			i = next;
			continue;
		}
		*hi |= c & 0x80;
		i++;
	}
	return i;
}

/* Scans a run of string text from i: bytes other than '"', '\\' and
 * control characters, and valid escapes. Returns the index of the byte that
 * ends it ('"', a control character, a bad or cut escape) or n, and sets
 * *high when the run has a non-ASCII byte (the caller checks its UTF-8; an
 * escape is ASCII). Most of a transcript is long tool output: 32 bytes at a
 * time with SSE2 (every stop of a block handled from its mask), eight
 * (SWAR) elsewhere, the last few one by one. */
#if defined(__SSE2__)
#include <emmintrin.h>

/* Bit k set when s[k] (of 16) is '"', '\\' or a control character; *h
 * gets the bytes' high bits. */
static inline unsigned stops16(const unsigned char *s, unsigned *h)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	/* v <= 0x1f unsigned: saturating v - 0x1f is zero */
	__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
						 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				    _mm_cmpeq_epi8(_mm_subs_epu8(v, _mm_set1_epi8(0x1f)), _mm_setzero_si128()));
	*h = (unsigned)_mm_movemask_epi8(v);
	return (unsigned)_mm_movemask_epi8(stop);
}

static size_t run_end(const unsigned char *s, size_t i, size_t n, int *high, int *esc)
{
	unsigned hi = 0;
next_block:
	while (i + 32 <= n) {
		unsigned h0, h1;
		uint32_t m = stops16(s + i, &h0) | stops16(s + i + 16, &h1) << 16, h = h0 | h1 << 16;
		while (m) {
			unsigned k = (unsigned)__builtin_ctz(m);
			size_t next = run_stop(s, i + k, n, esc);
			if (next == (size_t)-1) {
				/* only the high bytes before the stop are in the run */
				hi |= h & ((1u << k) - 1);
				*high = hi != 0;
				return i + k;
			}
			if (next - i >= 32) {	/* the escape ends past the block */
				hi |= h;
				i = next;
				goto next_block;
			}
			m &= ~0u << (next - i);	/* the escaped byte is no stop */
		}
		hi |= h;
		i += 32;
	}
	i = run_tail(s, i, n, &hi, esc);
	*high = hi != 0;
	return i;
}
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static size_t run_end(const unsigned char *s, size_t i, size_t n, int *high, int *esc)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t hi = 0;
	while (i + 8 <= n) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
		/* a byte flagged falsely (borrow) only ever follows a real stop,
		 * so the lowest flag is a real one; high bytes never flag */
		uint64_t stop = (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
		if (!stop) {
			hi |= w & highs;
			i += 8;
			continue;
		}
		unsigned at = (unsigned)__builtin_ctzll(stop) >> 3;
		hi |= w & highs & ((1ull << (8 * at)) - 1);
		size_t next = run_stop(s, i + at, n, esc);
		if (next == (size_t)-1) {
			*high = hi != 0;
			return i + at;
		}
		i = next;
	}
	unsigned t = 0;
	i = run_tail(s, i, n, &t, esc);
	*high = hi || t;
	return i;
}
#else
static size_t run_end(const unsigned char *s, size_t i, size_t n, int *high, int *esc)
{
	unsigned hi = 0;
	i = run_tail(s, i, n, &hi, esc);
	*high = hi != 0;
	return i;
}
#endif

/* Scans a string starting after its opening quote; returns the index of
 * the closing quote or (size_t)-1. Errors are found in text order: a run's
 * UTF-8 is checked before the byte that ends it. */
static size_t __attribute__((noinline)) scan_string(sg_json *j, size_t i, int *esc)
{
	const unsigned char *s = (const unsigned char *)j->s;
	size_t n = j->n;
	int high;
	size_t e = run_end(s, i, n, &high, esc);
	if (high) {
		size_t ok = sg_utf8_valid_prefix((const char *)s + i, e - i);
		if (ok < e - i)
			return fail(j, i + ok, "invalid UTF-8"), (size_t)-1;
	}
	if (e >= n)
		return fail(j, n, "unterminated string"), (size_t)-1;
	if (s[e] == '"')
		return e;
	if (s[e] != '\\')
		return fail(j, e, "control character in string"), (size_t)-1;
	*esc = 1;
	if (escape_len(s, e, n) == 0)	/* the text ends inside the escape */
		return fail(j, n, "unterminated string"), (size_t)-1;
	return fail(j, e, s[e + 1] == 'u' ? "bad \\u escape" : "bad escape"), (size_t)-1;
}

static size_t scan_number(sg_json *j, size_t i)
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
		return fail(j, st, "bad number"), (size_t)-1;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return fail(j, st, "bad number"), (size_t)-1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return fail(j, st, "bad number"), (size_t)-1;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Most strings are short keys and values: one starting at i that ends in
 * its first 16 bytes with nothing to check (no escape, no non-ASCII, no
 * control character) is found at once. Returns its closing quote, or
 * (size_t)-1 when scan_string must look. */
static inline size_t plain_short(const sg_json *j, size_t i)
{
#if defined(__SSE2__)
	const unsigned char *s = (const unsigned char *)j->s;
	unsigned h, m;
	if (i + 16 <= j->n && (m = stops16(s + i, &h)) != 0 && s[i + (unsigned)__builtin_ctz(m)] == '"' &&
	    !(h & ((m & -m) - 1)))
		return i + (unsigned)__builtin_ctz(m);
#else
	(void)j;
	(void)i;
#endif
	return (size_t)-1;
}

/* The string whose opening quote is at i into a token; returns the index
 * after it or -1. */
static inline size_t string(sg_json *j, size_t i)
{
	int esc = 0;
	size_t e = plain_short(j, i + 1);
	if (e == (size_t)-1 && (e = scan_string(j, i + 1, &esc)) == (size_t)-1)
		return e;
	int t = push(j, SG_J_STR, i + 1);
	j->t[t].end = (uint32_t)e;
	j->t[t].esc = (unsigned char)esc;
	return e + 1;
}

/* Parses one scalar at i into a token; returns the index after it. */
static size_t scalar(sg_json *j, size_t i)
{
	const char *s = j->s;
	size_t n = j->n;
	char c = s[i];
	if (c == '"')
		return string(j, i);
	const char *w = c == 't' ? "true" : c == 'f' ? "false" : c == 'n' ? "null" : NULL;
	if (w) {
		size_t l = c == 'f' ? 5 : 4;
		if (n - i >= l && !memcmp(s + i, w, l)) {
			int t = push(j, c == 't' ? SG_J_TRUE : c == 'f' ? SG_J_FALSE : SG_J_NULL, i);
			j->t[t].end = (uint32_t)(i + l);
			return i + l;
		}
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		size_t e = scan_number(j, i);
		if (e == (size_t)-1)
			return e;
		int t = push(j, SG_J_NUM, i);
		j->t[t].end = (uint32_t)e;
		return e;
	}
	fail(j, i, "unexpected character");
	return (size_t)-1;
}

/* The open containers (their tokens), innermost last. */
typedef struct pstate {
	int stack[SG_LINT_MAX_JSON_DEPTH];
	int depth;
} pstate;

/* The first non-blank byte at or after i, or (size_t)-1 when the record
 * ends first (an error: something must follow). */
static inline size_t need(sg_json *j, size_t i)
{
	i = skip_ws(j->s, j->n, i);
	if (i < j->n)
		return i;
	return fail(j, j->n, j->nt ? "truncated record" : "empty record"), (size_t)-1;
}

/* A key at i and its colon: returns the index of the value, or -1. */
static size_t key(sg_json *j, size_t i)
{
	if (j->s[i] != '"')
		return fail(j, i, "expected a key"), (size_t)-1;
	size_t e = string(j, i);
	if (e == (size_t)-1 || (e = need(j, e)) == (size_t)-1)
		return (size_t)-1;
	if (j->s[e] != ':')
		return fail(j, e, "expected ':'"), (size_t)-1;
	return need(j, e + 1);
}

/* Opens the container at i: returns the index of its first key or value,
 * or of its closing bracket (*empty set), or -1. */
static size_t open_container(sg_json *j, pstate *ps, size_t i, int *empty)
{
	int obj = j->s[i] == '{';
	if (ps->depth >= SG_LINT_MAX_JSON_DEPTH)
		return fail(j, i, "nested too deeply"), (size_t)-1;
	ps->stack[ps->depth++] = push(j, obj ? SG_J_OBJ : SG_J_ARR, i);
	size_t e = need(j, i + 1);
	*empty = e != (size_t)-1 && j->s[e] == (obj ? '}' : ']');
	return obj && !*empty && e != (size_t)-1 ? key(j, e) : e;
}

/* After a value ending at i: closes containers until a ',' and returns the
 * index of the next value (past its key in an object), or -1; at the end
 * of the record returns n + 1 + the index after it. */
static size_t after_value(sg_json *j, pstate *ps, size_t i)
{
	while (ps->depth) {
		if ((i = need(j, i)) == (size_t)-1)
			return i;
		int top = ps->stack[ps->depth - 1], obj = j->t[top].type == SG_J_OBJ;
		if (j->s[i] == ',') {
			i = need(j, i + 1);
			return obj && i != (size_t)-1 ? key(j, i) : i;
		}
		if (j->s[i] != (obj ? '}' : ']'))
			return fail(j, i, "expected ',' or a closing bracket"), (size_t)-1;
		j->t[top].end = (uint32_t)(i + 1);
		j->t[top].next = (uint32_t)j->nt;
		ps->depth--;
		i++;
	}
	return j->n + 1 + i;
}

int sg_lint_json_parse(sg_json *j, const char *s, size_t n)
{
	pstate ps;
	ps.depth = 0;
	j->s = s;
	j->n = n;
	j->nt = 0;
	j->err = NULL;
	j->err_at = 0;
	if (n >= UINT32_MAX / 2)
		return fail(j, 0, "record too large");
	size_t i = need(j, 0);
	while (i != (size_t)-1) {	/* a value at i */
		int empty = 0;
		if (s[i] == '{' || s[i] == '[') {
			i = open_container(j, &ps, i, &empty);
			if (!empty)
				continue;
			/* i is at the closing bracket, which after_value takes */
		} else if ((i = s[i] == '"' ? string(j, i) : scalar(j, i)) == (size_t)-1) {
			break;
		}
		i = after_value(j, &ps, i);
		if (i != (size_t)-1 && i > n) {	/* the record ended: only blanks may follow */
			i = skip_ws(s, n, i - n - 1);
			return i < n ? fail(j, i, "text after the record") : 0;
		}
	}
	return -1;
}

/* ---- access ---------------------------------------------------------------------------- */

int sg_lint_json_first(const sg_json *j, int tok)
{
	if (tok < 0 || (j->t[tok].type != SG_J_OBJ && j->t[tok].type != SG_J_ARR))
		return -1;
	return (size_t)tok + 1 < j->t[tok].next ? tok + 1 : -1;
}

int sg_lint_json_next(const sg_json *j, int parent, int tok)
{
	uint32_t nx = j->t[tok].next;
	if (j->t[parent].type == SG_J_OBJ && nx < j->t[parent].next)
		nx = j->t[nx].next;	/* skip the value: to the next key */
	return nx < j->t[parent].next ? (int)nx : -1;
}

int sg_lint_json_get(const sg_json *j, int obj, const char *key)
{
	if (obj < 0 || (size_t)obj >= j->nt || j->t[obj].type != SG_J_OBJ)
		return -1;
	size_t kl = strlen(key);
	/* keys are at obj + 1 and after each value's subtree */
	for (uint32_t k = (uint32_t)obj + 1; k < j->t[obj].next; k = j->t[k + 1].next) {
		const sg_jtok *t = &j->t[k];
		if (t->esc ? sg_lint_json_is(j, (int)k, key)
			   : t->end - t->start == kl && (!kl || j->s[t->start] == key[0]) &&
				     !memcmp(j->s + t->start, key, kl))
			return (int)k + 1;
	}
	return -1;
}

void sg_lint_json_getv(const sg_json *j, int obj, const char *const *keys, int nkeys, int *out)
{
	/* wanted keys by length (bit q = keys[q]): a key of the record is
	 * compared only with the wanted ones as long as it */
	uint32_t bylen[32] = { 0 }, slow = 0;
	int left = nkeys;
	for (int q = 0; q < nkeys; q++) {
		out[q] = -1;
		size_t l = strlen(keys[q]);
		if (q >= 32 || l >= 32)
			slow = 1;
		else
			bylen[l] |= 1u << q;
	}
	if (slow) {
		for (int q = 0; q < nkeys; q++)
			out[q] = sg_lint_json_get(j, obj, keys[q]);
		return;
	}
	if (obj < 0 || (size_t)obj >= j->nt || j->t[obj].type != SG_J_OBJ)
		return;
	for (uint32_t k = (uint32_t)obj + 1; left && k < j->t[obj].next; k = j->t[k + 1].next) {
		const sg_jtok *t = &j->t[k];
		size_t l = t->end - t->start;
		/* an escaped key may decode to any length: every wanted key */
		uint32_t m = t->esc ? (uint32_t)(((uint64_t)1 << nkeys) - 1) : l < 32 ? bylen[l] : 0;
		for (; m; m &= m - 1) {
			int q = __builtin_ctz(m);
			if (out[q] >= 0)
				continue;	/* the first of a repeated key counts */
			if (t->esc ? sg_lint_json_is(j, (int)k, keys[q]) : !memcmp(j->s + t->start, keys[q], l)) {
				out[q] = (int)k + 1;
				left--;
				break;
			}
		}
	}
}

int sg_lint_json_path(const sg_json *j, int obj, const char *path)
{
	char part[64];
	while (obj >= 0 && *path) {
		const char *dot = strchr(path, '.');
		size_t l = dot ? (size_t)(dot - path) : strlen(path);
		if (l >= sizeof part)
			return -1;
		memcpy(part, path, l);
		part[l] = 0;
		obj = sg_lint_json_get(j, obj, part);
		path += l + (dot ? 1 : 0);
	}
	return obj;
}

static void put_utf8(sg_buf *out, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80)
		b[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	else if (cp < 0x10000)
		b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
		b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	else
		b[0] = (char)(0xf0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	sg_buf_add(out, b, n);
}

static unsigned hex4(const char *p)
{
	return (unsigned)hexv(p[0]) << 12 | (unsigned)hexv(p[1]) << 8 | (unsigned)hexv(p[2]) << 4 | (unsigned)hexv(p[3]);
}

/* Decodes escapes (already validated by the tokenizer). Lone surrogates
 * become U+FFFD so the result is always valid UTF-8. */
static void decode_upto(const char *s, size_t n, sg_buf *out, size_t max)
{
	size_t i = 0;
	while (i < n && out->len <= max) {
		size_t lim = n - i;
		if (lim > max + 1 - out->len)
			lim = max + 1 - out->len;	/* enough to pass max */
		const char *bs = memchr(s + i, '\\', lim);
		size_t run = bs ? (size_t)(bs - (s + i)) : lim;
		sg_buf_add(out, s + i, run);
		i += run;
		if (out->len > max)
			break;
		if (i >= n)
			break;
		char c = s[i + 1];
		if (c != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			sg_buf_addc(out, to[strchr(from, c) - from]);
			i += 2;
			continue;
		}
		unsigned cp = hex4(s + i + 2);
		i += 6;
		if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u') {
			unsigned lo = hex4(s + i + 2);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			}
		}
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;
		put_utf8(out, cp);
	}
}

static void decode(const char *s, size_t n, sg_buf *out)
{
	decode_upto(s, n, out, SIZE_MAX - 1);
}

int sg_lint_json_str_upto(const sg_json *j, int tok, sg_buf *out, size_t max)
{
	if (tok < 0)
		return -1;
	const sg_jtok *t = &j->t[tok];
	if (t->type != SG_J_STR || out->len > max)
		return sg_lint_json_str(j, tok, out);
	size_t n = t->end - t->start;
	if (t->esc)
		decode_upto(j->s + t->start, n, out, max);
	else
		sg_buf_add(out, j->s + t->start, n < max + 1 - out->len ? n : max + 1 - out->len);
	return 0;
}

int sg_lint_json_str(const sg_json *j, int tok, sg_buf *out)
{
	if (tok < 0)
		return -1;
	const sg_jtok *t = &j->t[tok];
	if (t->type == SG_J_NUM) {
		sg_buf_add(out, j->s + t->start, t->end - t->start);
		return 0;
	}
	if (t->type != SG_J_STR)
		return -1;
	if (t->esc)
		decode(j->s + t->start, t->end - t->start, out);
	else
		sg_buf_add(out, j->s + t->start, t->end - t->start);
	return 0;
}

const char *sg_lint_json_cstr(const sg_json *j, int tok, sg_buf *out)
{
	sg_buf_reset(out);
	if (sg_lint_json_str(j, tok, out) < 0)
		return NULL;
	return sg_buf_cstr(out);
}

int sg_lint_json_is(const sg_json *j, int tok, const char *lit)
{
	if (tok < 0 || j->t[tok].type != SG_J_STR)
		return 0;
	const sg_jtok *t = &j->t[tok];
	size_t l = strlen(lit);
	if (!t->esc)
		return t->end - t->start == l && !memcmp(j->s + t->start, lit, l);
	sg_buf b;
	sg_buf_init(&b);
	decode(j->s + t->start, t->end - t->start, &b);
	int eq = b.len == l && !memcmp(b.data, lit, l);
	sg_buf_free(&b);
	return eq;
}

int sg_lint_json_true(const sg_json *j, int tok)
{
	return tok >= 0 && j->t[tok].type == SG_J_TRUE;
}
