/*
 * lint_jobs.c - what travels between lint and its judging workers: a
 * request (kind, cwd, command) and the parts of a verdict the report reads
 * (decision, flags, reasons). Both ends are the same binary; numbers are in
 * host order. An unpacked verdict borrows: its strings are read in place
 * from the answer (each is sent with its NUL), its reasons array lives in a
 * buffer of the caller's; it has no input copy and no IR.
 */
#include <string.h>

#include "lint.h"

/* [kind][1 if a cwd follows][cwd NUL][text] */
void sg_lint_req_pack(sg_buf *b, sg_req_kind kind, const char *cwd, const char *text, size_t len)
{
	sg_buf_addc(b, (char)kind);
	sg_buf_addc(b, cwd ? 1 : 0);
	if (cwd)
		sg_buf_add(b, cwd, strlen(cwd) + 1);
	sg_buf_add(b, text, len);
}

int sg_lint_req_unpack(const char *s, size_t n, sg_request *r)
{
	memset(r, 0, sizeof *r);
	if (n < 2 || (unsigned char)s[0] > SG_REQ_SEARCH || (unsigned char)s[1] > 1)
		return -1;
	r->kind = (sg_req_kind)s[0];
	size_t at = 2;
	if (s[1]) {
		const char *z = memchr(s + 2, 0, n - 2);
		if (!z)
			return -1;
		r->cwd = s + 2;
		at = (size_t)(z - s) + 1;
	}
	r->text = s + at;
	r->len = n - at;
	return 0;
}

static void put32(sg_buf *b, uint32_t v)
{
	sg_buf_add(b, (const char *)&v, sizeof v);
}

static void put_str(sg_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put32(b, s ? (uint32_t)n : UINT32_MAX);
	if (s)
		sg_buf_add(b, s, n + 1);
}

/* [decision][flags][n] then n x [decision][start][end][rule][reason][origin],
 * a string being [length][bytes][NUL], or [UINT32_MAX] for none */
void sg_lint_verdict_pack(const sg_verdict *v, sg_buf *b)
{
	sg_buf_addc(b, (char)v->decision);
	put32(b, v->flags);
	put32(b, (uint32_t)v->nreasons);
	for (size_t i = 0; i < v->nreasons; i++) {
		const sg_reason *r = &v->reasons[i];
		sg_buf_addc(b, (char)r->decision);
		put32(b, r->start);
		put32(b, r->end);
		put_str(b, r->rule);
		put_str(b, r->reason);
		put_str(b, r->origin);
	}
}

typedef struct rd {
	const char *s;
	size_t n, at;
	int bad;
} rd;

static uint32_t get32(rd *r)
{
	uint32_t v = 0;
	if (r->n - r->at < sizeof v) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->s + r->at, sizeof v);
	r->at += sizeof v;
	return v;
}

static int get_dec(rd *r)
{
	if (r->at >= r->n || (unsigned char)r->s[r->at] > SG_DENY) {
		r->bad = 1;
		return SG_DENY;
	}
	return r->s[r->at++];
}

/* A string in place: it must end with its NUL inside the frame. */
static const char *get_str(rd *r)
{
	uint32_t n = get32(r);
	if (r->bad || n == UINT32_MAX)
		return NULL;
	if (r->n - r->at <= n || r->s[r->at + n]) {
		r->bad = 1;
		return NULL;
	}
	const char *s = r->s + r->at;
	r->at += (size_t)n + 1;
	return s;
}

int sg_lint_verdict_unpack(const char *s, size_t n, sg_verdict *v, sg_buf *store)
{
	memset(v, 0, sizeof *v);
	sg_arena_init(&v->arena);
	rd r = { s, n, 0, 0 };
	v->decision = (sg_decision)get_dec(&r);
	v->flags = get32(&r);
	uint32_t nr = get32(&r);
	if (r.bad || nr > (n - r.at) / 16)	/* each reason takes at least 16 bytes */
		return -1;
	sg_buf_reset(store);
	sg_buf_fill(store, 0, nr * sizeof *v->reasons);
	v->reasons = nr ? (sg_reason *)(void *)store->data : NULL;
	v->nreasons = nr;
	for (uint32_t i = 0; i < nr && !r.bad; i++) {
		sg_reason *x = &v->reasons[i];
		x->decision = (sg_decision)get_dec(&r);
		x->start = get32(&r);
		x->end = get32(&r);
		x->rule = get_str(&r);
		x->reason = get_str(&r);
		x->origin = get_str(&r);
		if (!x->rule)
			r.bad = 1;
	}
	return r.bad || r.at != n ? -1 : 0;
}

void sg_lint_verdict_failed(sg_verdict *v)
{
	memset(v, 0, sizeof *v);
	sg_arena_init(&v->arena);
	v->decision = SG_DENY;
	v->flags = SG_V_ENGINE_ERROR;
	v->reasons = sg_arena_alloc(&v->arena, sizeof *v->reasons);
	v->nreasons = 1;
	v->reasons[0].rule = "engine.error";
	v->reasons[0].decision = SG_DENY;
	v->reasons[0].reason = "shellgate internal error (the worker judging this call failed)";
}
