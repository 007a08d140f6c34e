/*
 * lint_core.c - one lint run: reads each file with its reader, pairs every
 * call with its result in a bounded table, judges each call through
 * sg_engine_judge() (the same path as `check` and the live hook, with the
 * session's cwd as cwd and project), and hands findings to the report.
 *
 * INVARIANTS:
 *  - A call that was read is always judged and counted: when its result
 *    never arrives it is reported at end of file with an unknown outcome;
 *    when the pairing table is full the oldest call is reported early (with
 *    a warning), never dropped.
 *  - Calls are reported in the order they were made (FIFO), so output is
 *    deterministic.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jobs.h"
#include "lint.h"

#define HBUCKETS (SG_LINT_MAX_PENDING * 2)

typedef struct pend {
	char *tool, *text, *id, *ts, *session, *cwd, *rewritten, *detail, *hook;
	size_t len, rwlen, bytes;
	sg_req_kind kind;
	unsigned long line;
	sg_lint_ran ran;
	int resolved, hold, hnext;
} pend;

struct sg_lint {
	sg_engine *e;
	sg_lint_opts o;
	sg_lint_report *r;
	pend *slots;		/* ring of SG_LINT_MAX_PENDING */
	int head, count;
	int buckets[HBUCKETS];	/* slot + 1, 0 = empty */
	size_t pending_bytes;
	unsigned long overflowed;
	sg_lint_state *st;	/* current file */
	const char *cur_path;
	int64_t file_mtime;
	sg_lint_summary sum;
	/* baseline: open-addressing set of 128-bit fingerprints */
	uint64_t *base;
	size_t nbase, capbase;
	/* progress */
	uint64_t bytes_done;
	time_t started, last_progress;
	int progress_shown;
	sg_json j;
	/* judging in workers: calls sent, waiting for their verdicts, in order */
	sg_jobs *jobs;
	struct judging *q;
	size_t qcap, qhead, qcount;
	sg_buf req;
	sg_buf reasons;		/* the reasons of the verdict being reported */
	int worker_failed;
};

/* A call handed to a worker: the report needs its file and client too,
 * which may be gone (next file) when the verdict arrives. */
typedef struct judging {
	pend p;
	char *file;
	int client;
} judging;

static void sync_jobs(sg_lint *L);

/* ---- names ----------------------------------------------------------------------------- */

static const char *const client_names[SG_LC_N] = { "claude", "codex", "gemini", "kiro", "cursor", "copilot" };

const char *sg_lint_client_name(int c)
{
	return c >= 0 && c < SG_LC_N ? client_names[c] : "unknown";
}

int sg_lint_client_parse(const char *s)
{
	for (int c = 0; c < SG_LC_N; c++)
		if (!strcmp(s, client_names[c]))
			return c;
	return -1;
}

const char *sg_lint_ran_name(sg_lint_ran r)
{
	static const char *const n[] = { "unknown", "ran", "ran-rewritten", "ran-failed", "denied", "error",
					 "not-logged" };
	return (unsigned)r < sizeof n / sizeof n[0] ? n[r] : "unknown";
}

const sg_lint_reader *sg_lint_reader_for(int client)
{
	static const sg_lint_reader *const rd[SG_LC_N] = { &sg_lint_claude_reader, &sg_lint_codex_reader,
							   &sg_lint_gemini_reader, &sg_lint_kiro_reader,
							   &sg_lint_cursor_reader, &sg_lint_copilot_reader };
	return client >= 0 && client < SG_LC_N ? rd[client] : NULL;
}

const sg_lint_reader *sg_lint_detect(const sg_json *j)
{
	if (!j->nt || j->t[0].type != SG_J_OBJ)
		return NULL;
	for (int c = 0; c < SG_LC_N; c++) {
		const sg_lint_reader *r = sg_lint_reader_for(c);
		if (r->detect(j))
			return r;
	}
	return NULL;
}

/* ---- reader helpers ---------------------------------------------------------------------- */

void sg_lint_take(const sg_json *j, int obj, const char *key, sg_buf *dst)
{
	sg_lint_take_tok(j, sg_lint_json_get(j, obj, key), dst);
}

void sg_lint_take_tok(const sg_json *j, int t, sg_buf *dst)
{
	if (t >= 0 && j->t[t].type == SG_J_STR) {
		sg_buf_reset(dst);
		sg_lint_json_str(j, t, dst);
		sg_buf_cstr(dst);
	}
}

void sg_lint_result_text(const sg_json *j, int tok, sg_buf *out, size_t max)
{
	sg_buf_reset(out);
	if (tok < 0) {
		sg_buf_cstr(out);	/* "" (callers read out->data as a string) */
		return;
	}
	if (j->t[tok].type == SG_J_STR) {
		sg_lint_json_str_upto(j, tok, out, max);
	} else if (j->t[tok].type == SG_J_ARR) {
		for (int k = sg_lint_json_first(j, tok); k >= 0 && out->len < max; k = sg_lint_json_next(j, tok, k)) {
			int tx = sg_lint_json_get(j, k, "text");
			if (tx < 0 && j->t[k].type == SG_J_STR)
				tx = k;
			if (tx >= 0 && sg_lint_json_str_upto(j, tx, out, max) == 0)
				sg_buf_addc(out, '\n');
		}
	}
	if (out->len > max) {
		size_t cut = sg_utf8_valid_prefix(out->data, max);
		out->len = cut;
		out->data[cut] = 0;
	}
	sg_buf_cstr(out);
}

static int starts(const char *s, size_t n, const char *p)
{
	size_t l = strlen(p);
	return n >= l && !memcmp(s, p, l);
}

static int contains(const char *s, size_t n, const char *p)
{
	return memmem(s, n, p, strlen(p)) != NULL;
}

sg_lint_ran sg_lint_classify_error(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\n'))
		s++, n--;
	if (starts(s, n, "Error: "))
		s += 7, n -= 7;
	if (starts(s, n, "Exit code ") || contains(s, n, "Process exited with code"))
		return SG_RUN_FAILED;
	if (starts(s, n, "<tool_use_error>") || contains(s, n, "InputValidationError"))
		return SG_RUN_ERROR;
	if (contains(s, n, "hook") || contains(s, n, "denied") || contains(s, n, "blocked") ||
	    contains(s, n, "doesn't want to proceed") || contains(s, n, "rejected") ||
	    contains(s, n, "requires approval") || contains(s, n, "Permission to use") || contains(s, n, "not allowed"))
		return SG_RUN_DENIED;
	return SG_RUN_ERROR;
}

/* ---- warnings ------------------------------------------------------------------------------- */

void sg_lint_warn(sg_lint *L, sg_lint_state *st, unsigned long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sync_jobs(L);
	L->sum.warnings++;
	const char *file = st ? st->path : "";
	if (line)
		fprintf(stderr, "shellgate: %s:%lu: warning: %s\n", file, line, msg);
	else
		fprintf(stderr, "shellgate: %s: warning: %s\n", file, msg);
	sg_lint_report_warning(L->r, file, line, msg);
}

static unsigned hash32(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void sg_lint_unknown_type(sg_lint *L, sg_lint_state *st, const char *what, const char *type)
{
	unsigned h = hash32(type);
	for (int i = 0; i < st->nunknown; i++)
		if (st->unknown_seen[i] == h)
			return;
	if (st->nunknown < (int)(sizeof st->unknown_seen / sizeof st->unknown_seen[0]))
		st->unknown_seen[st->nunknown++] = h;
	sg_buf m;
	sg_buf_init(&m);
	sg_mask_secrets(type, strnlen(type, 80), &m);
	sg_lint_warn(L, st, st->line, "unknown %s '%s' skipped (later ones of this type in this file are not reported)",
		     what, m.data ? m.data : "");
	sg_buf_free(&m);
}

void sg_lint_doc_line(sg_lint_state *st, const sg_json *j, int tok)
{
	size_t to = j->t[tok].start;
	if (to < st->doc_off) {
		st->doc_off = 0;
		st->doc_line = 1;
	}
	if (!st->doc_line)
		st->doc_line = 1;
	for (size_t i = st->doc_off; i < to; i++)
		if (j->s[i] == '\n')
			st->doc_line++;
	st->doc_off = to;
	st->line = st->doc_line;
}

/* ---- the pairing table -------------------------------------------------------------------- */

static unsigned bucket_of(const char *id)
{
	return hash32(id) % HBUCKETS;
}

static pend *find(sg_lint *L, const char *id)
{
	if (!id || !L->slots)
		return NULL;
	for (int k = L->buckets[bucket_of(id)]; k; k = L->slots[k - 1].hnext)
		if (!strcmp(L->slots[k - 1].id, id))
			return &L->slots[k - 1];
	return NULL;
}

static void unlink_slot(sg_lint *L, int slot)
{
	pend *p = &L->slots[slot];
	if (!p->id)
		return;
	int *k = &L->buckets[bucket_of(p->id)];
	while (*k && *k != slot + 1)
		k = &L->slots[*k - 1].hnext;
	if (*k)
		*k = p->hnext;
}

static void pend_free(pend *p)
{
	free(p->tool);
	free(p->text);
	free(p->id);
	free(p->ts);
	free(p->session);
	free(p->cwd);
	free(p->rewritten);
	free(p->detail);
	free(p->hook);
	memset(p, 0, sizeof *p);
}

static int64_t since_time(sg_lint *L, const char *ts)
{
	int64_t t = ts ? sg_lint_parse_time(ts, strlen(ts)) : -1;
	return t >= 0 ? t : L->file_mtime;
}

static void judge_and_report(sg_lint *L, pend *p);
static void judge_in_worker(sg_lint *L, pend *p);

/* Reports and removes the oldest call. */
static void pop_head(sg_lint *L)
{
	pend *p = &L->slots[L->head];
	unlink_slot(L, L->head);
	L->pending_bytes -= p->bytes;
	if (L->jobs) {
		judge_in_worker(L, p);	/* takes p's strings */
		memset(p, 0, sizeof *p);
	} else {
		judge_and_report(L, p);
		pend_free(p);
	}
	L->head = (L->head + 1) % SG_LINT_MAX_PENDING;
	L->count--;
}

/* Reports every resolved call at the head of the queue. */
static void drain(sg_lint *L)
{
	while (L->count && L->slots[L->head].resolved && !L->slots[L->head].hold)
		pop_head(L);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? sg_xstrdup(s) : NULL;
}

static void make_room(sg_lint *L, size_t need)
{
	while (L->count && (L->count >= SG_LINT_MAX_PENDING || L->pending_bytes + need > SG_LINT_MAX_PENDING_BYTES)) {
		if (!L->overflowed++)
			sg_lint_warn(L, L->st, L->st->line,
				     "pairing table full (%d calls or %u MiB awaiting results): the oldest calls are "
				     "reported without their outcome",
				     SG_LINT_MAX_PENDING, SG_LINT_MAX_PENDING_BYTES >> 20);
		pop_head(L);
	}
}

static void fill_pend(pend *p, sg_lint_state *st, const sg_lint_call *c)
{
	p->kind = c->kind;
	p->tool = dup_or_null(c->tool);
	p->text = sg_xstrndup(c->text, c->len);
	p->len = c->len;
	p->ts = dup_or_null(c->timestamp);
	p->session = dup_or_null(st->session.data);
	p->cwd = dup_or_null(c->cwd_override && *c->cwd_override ? c->cwd_override : st->cwd.data);
	p->line = st->line;
	p->ran = c->ran;
	p->hold = c->hold;
	p->resolved = !c->id;
	p->bytes = c->len + 256;
}

void sg_lint_add_call(sg_lint *L, sg_lint_state *st, const sg_lint_call *c)
{
	if (L->o.since >= 0 && since_time(L, c->timestamp) < L->o.since) {
		L->sum.older++;
		return;
	}
	pend *old = find(L, c->id);
	if (old) {	/* a record written again (Gemini): the last one wins */
		int hnext = old->hnext;
		size_t ob = old->bytes;
		char *id = old->id;
		old->id = NULL;
		pend_free(old);
		fill_pend(old, st, c);
		old->id = id;
		old->hnext = hnext;
		L->pending_bytes += old->bytes - ob;
		return;
	}
	make_room(L, c->len + 256);
	int slot = (L->head + L->count) % SG_LINT_MAX_PENDING;
	pend *p = &L->slots[slot];
	fill_pend(p, st, c);
	if (c->id) {
		p->id = sg_xstrdup(c->id);
		unsigned b = bucket_of(p->id);
		p->hnext = L->buckets[b];
		L->buckets[b] = slot + 1;
	}
	L->count++;
	L->pending_bytes += p->bytes;
	drain(L);
}

int sg_lint_set_result(sg_lint *L, const char *id, sg_lint_ran ran, const char *detail, size_t dlen)
{
	pend *p = find(L, id);
	if (!p)
		return -1;
	if (ran == SG_RUN_RAN && p->rewritten)
		ran = SG_RUN_REWRITTEN;
	if (ran == SG_RUN_ERROR && p->ran == SG_RUN_DENIED)
		ran = SG_RUN_DENIED;	/* a hook already said it blocked */
	p->ran = ran;
	free(p->detail);
	p->detail = NULL;
	if (detail && dlen)	/* masked when reported: most calls never are */
		p->detail = sg_xstrndup(detail, sg_utf8_valid_prefix(detail, dlen > 200 ? 200 : dlen));
	p->resolved = 1;
	drain(L);
	return 0;
}

void sg_lint_set_rewrite(sg_lint *L, const char *id, const char *text, size_t n)
{
	pend *p = find(L, id);
	if (!p)
		return;
	free(p->rewritten);
	p->rewritten = sg_xstrndup(text, n);
	p->rwlen = n;
	if (p->ran == SG_RUN_RAN)
		p->ran = SG_RUN_REWRITTEN;
}

void sg_lint_set_hook(sg_lint *L, const char *id, const char *note, int blocked)
{
	pend *p = find(L, id);
	if (!p)
		return;
	free(p->hook);
	p->hook = sg_xstrdup(note);
	if (blocked)
		p->ran = SG_RUN_DENIED;
}

/* ---- judging ------------------------------------------------------------------------------- */

static int base_has(const sg_lint *L, uint64_t a, uint64_t b);

static uint64_t hex64(const char *s)
{
	uint64_t v = 0;
	for (int i = 0; i < 16; i++) {
		char c = s[i];
		v = v << 4 | (uint64_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* Counts and reports one judged call (file and client: where it was read). */
static void report(sg_lint *L, const pend *p, const char *file, int client, const sg_verdict *v)
{
	L->sum.calls++;
	L->sum.by[v->decision]++;
	L->sum.by_ran[p->ran]++;
	if ((int)v->decision >= L->o.report_min) {
		sg_lint_finding f;
		memset(&f, 0, sizeof f);
		f.file = file;
		f.line = p->line;
		f.client = client;
		f.session = p->session;
		f.timestamp = p->ts;
		f.cwd = p->cwd;
		f.tool = p->tool;
		f.call_id = p->id;
		f.kind = p->kind;
		f.text = p->text;
		f.len = p->len;
		f.rewritten = p->rewritten;
		f.rewritten_len = p->rwlen;
		f.ran = p->ran;
		f.ran_detail = p->detail;
		f.hook = p->hook;
		f.v = v;
		sg_lint_fingerprint(&f, f.fingerprint);
		f.baselined = L->nbase && base_has(L, hex64(f.fingerprint), hex64(f.fingerprint + 16));
		if (f.baselined)
			L->sum.baselined++;
		else
			L->sum.reported++;
		if (!f.baselined && (int)v->decision >= L->o.fail_on)
			L->sum.failing = 1;
		sg_lint_report_finding(L->r, &f);
	}
}

static void judge_and_report(sg_lint *L, pend *p)
{
	const char *cwd = p->cwd ? p->cwd : L->o.cwd;
	sg_request req = { p->kind, p->text, p->len, cwd, L->o.home, cwd };
	sg_verdict v;
	sg_engine_judge(L->e, &req, &v);
	report(L, p, L->st->path, L->st->client, &v);
	sg_verdict_free(&v);
}

/* ---- judging in workers ---------------------------------------------------------------------- */

/* In a worker: one packed request -> one packed verdict. */
static void lint_work(void *ctx, const char *s, size_t n, sg_buf *ans)
{
	sg_lint *L = ctx;
	sg_request req;
	sg_verdict v;
	if (sg_lint_req_unpack(s, n, &req) < 0)
		sg_fatal("malformed request from the lint process");
	req.home = L->o.home;
	req.project = req.cwd;
	sg_engine_judge(L->e, &req, &v);
	sg_lint_verdict_pack(&v, ans);
	sg_verdict_free(&v);
}

/* In the parent, in the order the calls were sent: reports the oldest. */
static void lint_done(void *ctx, const char *ans, size_t n)
{
	sg_lint *L = ctx;
	judging *j = &L->q[L->qhead];
	sg_verdict v;
	if (!ans || sg_lint_verdict_unpack(ans, n, &v, &L->reasons) < 0) {
		if (ans)
			sg_verdict_free(&v);
		sg_lint_verdict_failed(&v);
		L->worker_failed = 1;
	}
	report(L, &j->p, j->file, j->client, &v);
	sg_verdict_free(&v);
	pend_free(&j->p);
	free(j->file);
	L->qhead = (L->qhead + 1) % L->qcap;
	L->qcount--;
}

static void judge_in_worker(sg_lint *L, pend *p)
{
	judging *j = &L->q[(L->qhead + L->qcount) % L->qcap];
	j->p = *p;
	j->file = sg_xstrdup(L->st->path);
	j->client = L->st->client;
	L->qcount++;
	const char *cwd = p->cwd ? p->cwd : L->o.cwd;
	sg_buf_reset(&L->req);
	sg_lint_req_pack(&L->req, p->kind, cwd, p->text, p->len);
	sg_jobs_submit(L->jobs, L->req.data, L->req.len);
}

/* Every call sent has been reported: before anything else is written to
 * the report (warnings), so its order is that of --jobs 1. */
static void sync_jobs(sg_lint *L)
{
	if (L->jobs)
		sg_jobs_drain(L->jobs);
}

/* ---- baseline -------------------------------------------------------------------------------- */

static int base_has(const sg_lint *L, uint64_t a, uint64_t b)
{
	size_t mask = L->capbase - 1;
	for (size_t i = (size_t)(a ^ (b >> 7)) & mask;; i = (i + 1) & mask) {
		if (!L->base[2 * i] && !L->base[2 * i + 1])
			return 0;
		if (L->base[2 * i] == a && L->base[2 * i + 1] == b)
			return 1;
	}
}

static void base_add(sg_lint *L, uint64_t a, uint64_t b)
{
	if (!a && !b)
		b = 1;
	if ((L->nbase + 1) * 2 > L->capbase) {
		uint64_t *old = L->base;
		size_t oc = L->capbase;
		L->capbase = oc ? oc * 2 : 1024;
		L->base = sg_xcalloc(L->capbase * 2, sizeof *L->base);
		L->nbase = 0;
		for (size_t i = 0; i < oc; i++)
			if (old[2 * i] || old[2 * i + 1])
				base_add(L, old[2 * i], old[2 * i + 1]);
		free(old);
	}
	if (base_has(L, a, b))
		return;
	size_t mask = L->capbase - 1;
	size_t i = (size_t)(a ^ (b >> 7)) & mask;
	while (L->base[2 * i] || L->base[2 * i + 1])
		i = (i + 1) & mask;
	L->base[2 * i] = a;
	L->base[2 * i + 1] = b;
	L->nbase++;
}

static int is_hex32(const char *s, size_t n)
{
	if (n < 32)
		return 0;
	for (int i = 0; i < 32; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			return 0;
	return n == 32 || !strchr("0123456789abcdef", s[32]) || !s[32];
}

/* Accepts JSON lines from --format json ("fingerprint"), SARIF
 * ("shellgate/v1" partial fingerprints) or one fingerprint per line. */
static void base_scan_line(sg_lint *L, const char *s, size_t n)
{
	static const char *const keys[] = { "\"fingerprint\":\"", "\"shellgate/v1\":\"", "\"shellgate/v1\": \"" };
	if (is_hex32(s, n)) {
		base_add(L, hex64(s), hex64(s + 16));
		return;
	}
	for (size_t k = 0; k < 3; k++) {
		size_t kl = strlen(keys[k]);
		const char *p = s, *end = s + n;
		while ((p = memmem(p, (size_t)(end - p), keys[k], kl)) != NULL) {
			p += kl;
			if (end - p >= 32 && is_hex32(p, (size_t)(end - p)) && L->nbase < SG_LINT_MAX_BASELINE)
				base_add(L, hex64(p), hex64(p + 16));
		}
	}
}

int sg_lint_baseline_load(sg_lint *L, const char *path, sg_buf *err)
{
	sg_lint_in in;
	if (sg_lint_in_open(&in, path) < 0) {
		sg_buf_printf(err, "%s: %s", path, in.errmsg);
		return -1;
	}
	const char *s;
	size_t n;
	int toolong, r;
	while ((r = sg_lint_in_next(&in, &s, &n, &toolong)) > 0)
		base_scan_line(L, s, n);
	if (r < 0)
		sg_buf_printf(err, "%s: %s", path, in.errmsg);
	sg_lint_in_close(&in);
	return r < 0 ? -1 : 0;
}

/* ---- files ---------------------------------------------------------------------------------- */

static void progress(sg_lint *L, int final)
{
	if (!L->o.progress)
		return;
	time_t now = time(NULL);
	if (final) {
		if (L->progress_shown)
			fputs("\r\033[K", stderr);
		return;
	}
	if (now == L->last_progress || (now - L->started < 1 && L->bytes_done < (64u << 20)))
		return;
	L->last_progress = now;
	L->progress_shown = 1;
	fprintf(stderr, "\rshellgate lint: %lu files, %llu MiB, %lu calls judged\033[K", L->sum.files,
		(unsigned long long)(L->bytes_done >> 20), L->sum.calls);
}

static void state_init(sg_lint_state *st, const char *path, int client)
{
	memset(st, 0, sizeof *st);
	st->path = path;
	st->client = client;
	sg_lint_json_init(&st->sub);
}

static void state_free(sg_lint_state *st)
{
	sg_buf *b[] = { &st->session, &st->cwd, &st->version, &st->ts, &st->a, &st->b, &st->c, &st->d };
	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
		sg_buf_free(b[i]);
	sg_lint_json_free(&st->sub);
}

static void read_error(sg_lint *L, const char *path, const char *msg)
{
	sync_jobs(L);
	L->sum.read_errors++;
	fprintf(stderr, "shellgate: %s: error: %s\n", path, msg);
	sg_lint_report_warning(L->r, path, 0, msg);
}

/* Recognises the file's format from its first records; NULL if none. */
static const sg_lint_reader *detect_file(sg_lint *L, const char *path, int *binary)
{
	sg_lint_in in;
	*binary = 0;
	if (sg_lint_in_open(&in, path) < 0)
		return NULL;
	const sg_lint_reader *rd = NULL;
	const char *s;
	size_t n;
	int toolong, k = 0;
	while (!rd && k < SG_LINT_DETECT_LINES && sg_lint_in_next(&in, &s, &n, &toolong) > 0) {
		if (in.binary) {
			*binary = 1;
			break;
		}
		if (toolong || !n)
			continue;
		k++;
		if (sg_lint_json_parse(&L->j, s, n) == 0)
			rd = sg_lint_detect(&L->j);
	}
	sg_lint_in_close(&in);
	return rd;
}

static int is_document(const char *path)
{
	size_t n = strlen(path);
	return (n > 5 && !strcmp(path + n - 5, ".json")) || (n > 8 && !strcmp(path + n - 8, ".json.gz"));
}

static void one_line(sg_lint *L, sg_lint_state *st, const sg_lint_reader *rd, const char *s, size_t n,
		     int toolong, int last)
{
	if (toolong) {
		sg_lint_warn(L, st, st->line, "line longer than %u MiB skipped", SG_LINT_MAX_LINE >> 20);
		return;
	}
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n)
		return;
	L->sum.records++;
	if (memchr(s, 0, n)) {
		sg_lint_warn(L, st, st->line, "binary data (NUL byte) in a record; line skipped");
		return;
	}
	if (sg_lint_json_parse(&L->j, s, n) < 0) {
		const char *why = L->j.err;
		if (last && (!strcmp(why, "truncated record") || !strcmp(why, "unterminated string")))
			why = "truncated record at end of file";
		sg_lint_warn(L, st, st->line, "unreadable record (%s at byte %zu); line skipped", why, L->j.err_at + 1);
		return;
	}
	if (L->j.t[0].type != SG_J_OBJ) {
		sg_lint_warn(L, st, st->line, "record is not a JSON object; line skipped");
		return;
	}
	rd->record(L, st, &L->j, 0);
}

static void state_init(sg_lint_state *st, const char *path, int client);
static void state_free(sg_lint_state *st);
static void flush_file(sg_lint *L);

/* A document whose reader is not known yet: recognise it from its root. */
static void document_detected(sg_lint *L, const char *path, sg_json *j)
{
	const sg_lint_reader *rd = sg_lint_detect(j);
	if (!rd) {
		read_error(L, path, "not a recognised transcript format (use --client to force one)");
		return;
	}
	sg_lint_state st;
	state_init(&st, path, rd->client);
	L->st = &st;
	st.line = 1;
	if (rd->begin)
		rd->begin(L, &st);
	rd->record(L, &st, j, 0);
	flush_file(L);
	if (rd->end)
		rd->end(L, &st);
	state_free(&st);
	L->st = NULL;
}

/* Gemini's older single-document sessions: the whole file is one record.
 * st and rd are NULL when the format is still to be recognised. */
static void read_document(sg_lint *L, sg_lint_state *st, const sg_lint_reader *rd, sg_lint_in *in)
{
	sg_buf doc;
	sg_buf_init(&doc);
	const char *s;
	size_t n;
	int toolong, r, big = 0;
	while ((r = sg_lint_in_next(in, &s, &n, &toolong)) > 0) {
		if (toolong || doc.len + n + 1 > SG_LINT_MAX_DOC) {
			big = 1;
			continue;
		}
		sg_buf_add(&doc, s, n);
		sg_buf_addc(&doc, '\n');
	}
	const char *path = L->cur_path;
	if (st)
		st->line = 1;
	L->sum.records++;
	if (r < 0)
		read_error(L, path, in->errmsg);
	else if (in->binary)
		read_error(L, path, "binary file (NUL bytes), not a transcript; skipped");
	else if (big || sg_lint_json_parse(&L->j, doc.data ? doc.data : "", doc.len) < 0 || L->j.t[0].type != SG_J_OBJ)
		read_error(L, path, big ? "document larger than the line limit; skipped" : "unreadable JSON document; skipped");
	else if (!rd)
		document_detected(L, path, &L->j);
	else
		rd->record(L, st, &L->j, 0);
	sg_buf_free(&doc);
}

static void read_lines(sg_lint *L, sg_lint_state *st, const sg_lint_reader *rd, sg_lint_in *in)
{
	const char *s;
	size_t n;
	int toolong, r;
	while ((r = sg_lint_in_next(in, &s, &n, &toolong)) > 0) {
		if (in->binary) {
			read_error(L, st->path, "binary file (NUL bytes), not a transcript; skipped");
			return;
		}
		st->line = in->lineno;
		one_line(L, st, rd, s, n, toolong, in->last_unterminated);
		if ((in->lineno & 0xfff) == 0) {
			L->bytes_done += in->bytes;
			in->bytes = 0;
			progress(L, 0);
		}
	}
	L->bytes_done += in->bytes;
	if (r < 0)
		read_error(L, st->path, in->errmsg);
}

static void flush_file(sg_lint *L)
{
	for (int i = 0; i < L->count; i++)
		L->slots[(L->head + i) % SG_LINT_MAX_PENDING].hold = 0;
	while (L->count)
		pop_head(L);
	L->overflowed = 0;
	L->pending_bytes = 0;
}

void sg_lint_file(void *ctx, const char *path, int explicit_arg)
{
	sg_lint *L = ctx;
	struct stat sb;
	memset(&sb, 0, sizeof sb);
	L->file_mtime = stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : -1;
	if (L->o.since >= 0 && L->file_mtime >= 0 && L->file_mtime < L->o.since) {
		L->sum.files++;
		return;	/* not written to since: nothing newer inside */
	}
	int binary;
	L->cur_path = path;
	const sg_lint_reader *rd = L->o.client != SG_LC_AUTO ? sg_lint_reader_for(L->o.client) : NULL;
	sg_lint_in in;
	if (sg_lint_in_open(&in, path) < 0) {
		read_error(L, path, in.errmsg);
		return;
	}
	L->sum.files++;
	if (!rd && is_document(path)) {
		read_document(L, NULL, NULL, &in);
		sg_lint_in_close(&in);
		return;
	}
	if (!rd && !(rd = detect_file(L, path, &binary))) {
		if (binary)
			read_error(L, path, "binary file (NUL bytes), not a transcript; skipped");
		else if (in.bytes || sb.st_size > 0 || in.gz)
			read_error(L, path, "not a recognised transcript format (use --client to force one)");
		sg_lint_in_close(&in);
		return;
	}
	(void)explicit_arg;
	sg_lint_state st;
	state_init(&st, path, rd->client);
	L->st = &st;
	if (rd->begin)
		rd->begin(L, &st);
	if (is_document(path))
		read_document(L, &st, rd, &in);
	else
		read_lines(L, &st, rd, &in);
	sg_lint_in_close(&in);
	flush_file(L);
	if (rd->end)
		rd->end(L, &st);
	state_free(&st);
	L->st = NULL;
}

/* ---- the run ------------------------------------------------------------------------------ */

sg_lint *sg_lint_new(sg_engine *e, const sg_lint_opts *o, sg_lint_report *r)
{
	sg_lint *L = sg_xcalloc(1, sizeof *L);
	L->e = e;
	L->o = *o;
	L->r = r;
	L->slots = sg_xcalloc(SG_LINT_MAX_PENDING, sizeof *L->slots);
	L->started = time(NULL);
	L->sum.fail_on = o->fail_on;
	sg_lint_json_init(&L->j);
	if (o->jobs > 1 && (L->jobs = sg_jobs_start(o->jobs, lint_work, L, lint_done, L))) {
		L->qcap = (size_t)o->jobs * SG_JOBS_MAX_LINES + 1;
		L->q = sg_xcalloc(L->qcap, sizeof *L->q);
	}
	return L;
}

void sg_lint_count_read_error(sg_lint *L)
{
	L->sum.read_errors++;
}

void sg_lint_finish(sg_lint *L, sg_lint_summary *s)
{
	if (L->jobs && sg_jobs_end(L->jobs))
		L->worker_failed = 1;
	L->jobs = NULL;
	progress(L, 1);
	*s = L->sum;
	s->exit_status = s->failing ? 1 : 0;
	if (s->read_errors || (L->o.strict_input && s->warnings) || L->worker_failed)
		s->exit_status = 2;
}

void sg_lint_free(sg_lint *L)
{
	if (!L)
		return;
	sg_jobs_end(L->jobs);
	free(L->q);
	sg_buf_free(&L->req);
	sg_buf_free(&L->reasons);
	free(L->slots);
	free(L->base);
	sg_lint_json_free(&L->j);
	free(L);
}

int sg_lint_call_kind(sg_lint *L, const char *id)
{
	pend *p = find(L, id);
	return p ? (int)p->kind : -1;
}

const char *sg_lint_call_text(sg_lint *L, const char *id)
{
	pend *p = find(L, id);
	return p ? p->text : NULL;
}

static void quote_word(sg_buf *out, const char *w, size_t n)
{
	int plain = n > 0;
	for (size_t i = 0; i < n && plain; i++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", w[i]) && w[i];
	if (plain) {
		sg_buf_add(out, w, n);
		return;
	}
	sg_buf_addc(out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (w[i] == '\'')
			sg_buf_adds(out, "'\\''");
		else
			sg_buf_addc(out, w[i]);
	}
	sg_buf_addc(out, '\'');
}

void sg_lint_argv_command(const sg_json *j, int arr, sg_buf *out)
{
	sg_buf_reset(out);
	if (arr < 0 || j->t[arr].type != SG_J_ARR)
		return;
	int k0 = sg_lint_json_first(j, arr), k1 = k0 >= 0 ? sg_lint_json_next(j, arr, k0) : -1;
	int k2 = k1 >= 0 ? sg_lint_json_next(j, arr, k1) : -1;
	if (k2 >= 0 && sg_lint_json_next(j, arr, k2) < 0) {
		sg_buf w0, w1;
		sg_buf_init(&w0);
		sg_buf_init(&w1);
		const char *a = sg_lint_json_cstr(j, k0, &w0), *b = sg_lint_json_cstr(j, k1, &w1);
		const char *base = a ? strrchr(a, '/') : NULL;
		base = base ? base + 1 : a;
		int shell = base && (!strcmp(base, "bash") || !strcmp(base, "sh") || !strcmp(base, "zsh") || !strcmp(base, "dash"));
		int dashc = b && b[0] == '-' && strchr(b, 'c') && strspn(b + 1, "lic") == strlen(b + 1);
		sg_buf_free(&w0);
		sg_buf_free(&w1);
		if (shell && dashc && sg_lint_json_str(j, k2, out) == 0) {
			sg_buf_cstr(out);
			return;
		}
	}
	sg_buf w;
	sg_buf_init(&w);
	for (int k = k0; k >= 0; k = sg_lint_json_next(j, arr, k)) {
		sg_buf_reset(&w);
		if (sg_lint_json_str(j, k, &w) < 0)
			continue;
		if (out->len)
			sg_buf_addc(out, ' ');
		quote_word(out, w.data ? w.data : "", w.len);
	}
	sg_buf_free(&w);
	sg_buf_cstr(out);
}
