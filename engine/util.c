/*
 * util.c - the fatal path, allocators that never return NULL, the request
 * arena and growable buffers. Pure helpers: no policy here.
 *
 * INVARIANT: sg_fatal() is the only function in shellgate that ends the
 * process from below main(); it always prints the current emitter's deny.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <tree_sitter/api.h>

#include "sg.h"

const char *sg_decision_name(sg_decision d)
{
	switch (d) {
	case SG_ALLOW: return "allow";
	case SG_ASK: return "ask";
	case SG_DENY: return "deny";
	}
	return "deny";
}

int sg_decision_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "allow"))
		return SG_ALLOW;
	if (!strcmp(s, "ask"))
		return SG_ASK;
	if (!strcmp(s, "deny"))
		return SG_DENY;
	return -1;
}

/* ---- fatal ---------------------------------------------------------------- */

static void default_emitter(const char *msg, void *ctx)
{
	(void)ctx;
	/* Unknown caller: the portable shape that blocks in Claude Code, Codex and
	 * Gemini CLI alike, plus exit status 2 (set below) for exit-code clients. */
	char buf[1024];
	int n = snprintf(buf, sizeof buf, "shellgate: internal error: %s\n", msg);
	if (n > 0)
		(void)!write(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void sg_fatal_to_stderr(const char *msg, void *prefix)
{
	char out[600];
	int n = snprintf(out, sizeof out, "shellgate: %s: %s\n", (const char *)prefix, msg);
	if (n > 0)
		(void)sg_write_all(2, out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);
}

static sg_fatal_emitter fatal_fn = default_emitter;
static void *fatal_ctx;
static int fatal_status = 2;
static int in_fatal;

void sg_fatal_set_emitter(sg_fatal_emitter fn, void *ctx, int status)
{
	fatal_fn = fn ? fn : default_emitter;
	fatal_ctx = ctx;
	fatal_status = status;
}

void sg_fatal(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!in_fatal) {
		/* An emitter that itself runs out of memory lands here again:
		 * then only the exit status speaks. */
		in_fatal = 1;
		fatal_fn(msg, fatal_ctx);
	}
	_exit(fatal_status);
}

/* ---- allocators ------------------------------------------------------------ */

static unsigned long fail_countdown;

void sg_alloc_fail_after(unsigned long n)
{
	fail_countdown = n;
}

static int injected_failure(void)
{
	if (fail_countdown == 0)
		return 0;
	if (--fail_countdown == 0)
		return 1;
	return 0;
}

void *sg_xmalloc(size_t n)
{
	void *p = injected_failure() ? NULL : malloc(n ? n : 1);
	if (!p)
		sg_fatal("out of memory (%zu bytes)", n);
	return p;
}

void *sg_xcalloc(size_t n, size_t m)
{
	void *p = injected_failure() ? NULL : calloc(n ? n : 1, m ? m : 1);
	if (!p)
		sg_fatal("out of memory (%zu x %zu bytes)", n, m);
	return p;
}

void *sg_xrealloc(void *old, size_t n)
{
	void *p = injected_failure() ? NULL : realloc(old, n ? n : 1);
	if (!p)
		sg_fatal("out of memory (%zu bytes)", n);
	return p;
}

char *sg_xstrndup(const char *s, size_t n)
{
	char *p = sg_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *sg_xstrdup(const char *s)
{
	return sg_xstrndup(s, strlen(s));
}

static void *cjson_malloc(size_t n)
{
	return sg_xmalloc(n);
}

/* A bump arena for cJSON while a rule file is parsed: one free at the end
 * instead of a malloc and a free per node (rule loading is most of a hook
 * call's cost). Not reentrant; only rule loading uses it. */
static sg_arena json_arena;
static int json_arena_on;

static void *json_bump(size_t n)
{
	return sg_arena_alloc(&json_arena, n ? n : 1);
}

static void json_nofree(void *p)
{
	(void)p;
}

void sg_json_arena_begin(void)
{
	cJSON_Hooks h = { json_bump, json_nofree };
	sg_arena_init(&json_arena);
	json_arena_on = 1;
	cJSON_InitHooks(&h);
}

void sg_json_arena_end(void)
{
	cJSON_Hooks h = { cjson_malloc, free };
	if (!json_arena_on)
		return;
	cJSON_InitHooks(&h);
	sg_arena_free(&json_arena);
	json_arena_on = 0;
}

void sg_alloc_install_hooks(void)
{
	static int done;
	cJSON_Hooks h = { cjson_malloc, free };

	if (done)
		return;
	done = 1;
	/* tree-sitter 0.20.7's defaults print and exit(1) on OOM: fail-open
	 * for a hook. Ours go through sg_fatal. The grammar's scanner is built
	 * with TREE_SITTER_REUSE_ALLOCATOR so it uses these too. */
	ts_set_allocator(sg_xmalloc, sg_xcalloc, sg_xrealloc, free);
	cJSON_InitHooks(&h);
}

/* ---- arena ----------------------------------------------------------------- */

struct sg_arena_block {
	sg_arena_block *next;
	size_t size, used;
	max_align_t data[];
};

#define ARENA_BLOCK 65536

void sg_arena_init(sg_arena *a)
{
	a->head = NULL;
	a->used_total = 0;
	a->exhausted = 0;
	a->region = NULL;
}

sg_region *sg_region_new(void *hint, size_t size)
{
	void *p = mmap(hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	sg_region *r = sg_xcalloc(1, sizeof *r);
	r->base = p;
	r->size = size;
	return r;
}

void sg_region_free(sg_region *r)
{
	if (!r)
		return;
	munmap(r->base, r->size);
	free(r);
}

void sg_arena_free(sg_arena *a)
{
	sg_arena_block *b = a->head, *n;
	if (a->region) {
		/* the region's owner unmaps it */
		a->used_total = 0;
		return;
	}
	while (b) {
		n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->used_total = 0;
}

void *sg_arena_try_alloc(sg_arena *a, size_t n)
{
	size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	sg_arena_block *b = a->head;

	static size_t arena_max;
	if (!arena_max) {
		/* SHELLGATE_TEST_MAX_ARENA may only lower the ceiling (tests) */
		const char *t = getenv("SHELLGATE_TEST_MAX_ARENA");
		unsigned long long v = t && *t ? strtoull(t, NULL, 10) : 0;
		arena_max = v > 0 && v < SG_MAX_ARENA ? (size_t)v : SG_MAX_ARENA;
	}
	if (n > arena_max || a->used_total + need > arena_max) {
		a->exhausted = 1;
		return NULL;
	}
	if (a->region) {
		sg_region *r = a->region;
		if (r->fd_backed || r->size - r->used < need) {
			a->exhausted = 1;
			return NULL;
		}
		void *q = r->base + r->used;
		r->used += need;
		a->used_total += need;
		memset(q, 0, n);
		return q;
	}
	if (!b || b->size - b->used < need) {
		size_t sz = need > ARENA_BLOCK ? need : ARENA_BLOCK;
		b = injected_failure() ? NULL : malloc(sizeof *b + sz);
		if (!b) {
			a->exhausted = 1;
			return NULL;
		}
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += need;
	a->used_total += need;
	memset(p, 0, n);
	return p;
}

void *sg_arena_alloc(sg_arena *a, size_t n)
{
	void *p = sg_arena_try_alloc(a, n);
	if (!p)
		sg_fatal("out of memory in request arena (%zu bytes)", n);
	return p;
}

char *sg_arena_strndup(sg_arena *a, const char *s, size_t n)
{
	char *p = sg_arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void *sg_arena_grow(sg_arena *a, void *old, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return old;
	size_t nc = *cap ? *cap * 2 : 8;
	void *nv = sg_arena_alloc(a, nc * elem);
	if (n)
		memcpy(nv, old, n * elem);
	*cap = nc;
	return nv;
}

char *sg_arena_strdup(sg_arena *a, const char *s)
{
	return sg_arena_strndup(a, s, strlen(s));
}

char *sg_arena_printf(sg_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = sg_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

/* ---- buffers ---------------------------------------------------------------- */

void sg_buf_init(sg_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void sg_buf_free(sg_buf *b)
{
	free(b->data);
	sg_buf_init(b);
}

void sg_buf_reset(sg_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

static void buf_grow(sg_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2)
			sg_fatal("buffer too large");
		cap *= 2;
	}
	b->data = sg_xrealloc(b->data, cap);
	b->cap = cap;
}

void sg_buf_add(sg_buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

void sg_buf_adds(sg_buf *b, const char *s)
{
	sg_buf_add(b, s, strlen(s));
}

void sg_buf_addc_slow(sg_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = 0;
}

void sg_buf_fill(sg_buf *b, char c, size_t n)
{
	buf_grow(b, n);
	if (n)
		memset(b->data + b->len, c, n);
	b->len += n;
	b->data[b->len] = 0;
}

/* fmt is checked at every sg_buf_printf call (format attribute in sg.h) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
void sg_buf_vprintf(sg_buf *b, const char *fmt, va_list ap)
{
	/* one pass when the text fits in the room left, a second otherwise */
	va_list ap2;
	va_copy(ap2, ap);
	buf_grow(b, 0);
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->data + b->len, room, fmt, ap);
	if (n > 0 && (size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
	}
	if (n > 0)
		b->len += (size_t)n;
	b->data[b->len] = 0;
	va_end(ap2);
}
#pragma GCC diagnostic pop

void sg_buf_printf(sg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sg_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *sg_buf_cstr(sg_buf *b)
{
	if (!b->data)
		buf_grow(b, 0), b->data[0] = 0;
	return b->data;
}

/* Length of the UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t sg_utf8_valid_prefix(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* ASCII is valid, one byte each: eight at a time while it lasts */
		uint64_t w;
		if (n - i >= sizeof w) {
			memcpy(&w, s + i, sizeof w);
			if (!(w & 0x8080808080808080ULL)) {
				i += sizeof w;
				continue;
			}
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t l = utf8_seq((const unsigned char *)s + i, n - i);
		if (!l)
			return i;
		i += l;
	}
	return n;
}

void sg_buf_json_str(sg_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	sg_buf_addc(b, '"');
	size_t i = 0, run = 0;	/* s[run..i) is copied as it is */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t l = utf8_seq((const unsigned char *)s + i, n - i);
			if (l) {
				i += l;
				continue;
			}
		}
		sg_buf_add(b, s + run, i - run);
		switch (c) {
		case '"': sg_buf_add(b, "\\\"", 2); break;
		case '\\': sg_buf_add(b, "\\\\", 2); break;
		case '\n': sg_buf_add(b, "\\n", 2); break;
		case '\r': sg_buf_add(b, "\\r", 2); break;
		case '\t': sg_buf_add(b, "\\t", 2); break;
		default:
			if (c >= 0x80) {
				sg_buf_add(b, "\\ufffd", 6);
			} else {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				sg_buf_add(b, e, 6);
			}
		}
		i++;
		run = i;
	}
	sg_buf_add(b, s + run, i - run);
	sg_buf_addc(b, '"');
}

/* ---- files ---------------------------------------------------------------- */

int sg_read_file(const char *path, size_t max, char **out, size_t *outlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	size_t cap = st.st_size > 0 && (size_t)st.st_size <= max ? (size_t)st.st_size + 1 : 4096;
	char *buf = sg_xmalloc(cap);
	size_t len = 0;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap > max + 1) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			cap *= 2;
			buf = sg_xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			free(buf);
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[len] = 0;
	*out = buf;
	*outlen = len;
	return 0;
}

int sg_write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

const char *sg_self_exe(char *buf, size_t cap)
{
	ssize_t n = cap > 1 ? readlink("/proc/self/exe", buf, cap - 1) : -1;
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	return buf;
}

int sg_read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* doas: refuse a configuration others can write */
int sg_file_trustworthy(const char *path, sg_buf *log, int *exists)
{
	struct stat st;
	*exists = 0;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 1 : 0;
	*exists = 1;
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) < 0) {
			if (log)
				sg_buf_printf(log, "%s:1:1: error: dangling symlink\n", path);
			return 0;
		}
	}
	if (!S_ISREG(st.st_mode)) {
		if (log)
			sg_buf_printf(log, "%s:1:1: error: not a regular file\n", path);
		return 0;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		if (log)
			sg_buf_printf(log, "%s:1:1: error: refused: writable by group or others (chmod go-w)\n", path);
		return 0;
	}
	if (st.st_uid != getuid() && st.st_uid != 0) {
		if (log)
			sg_buf_printf(log, "%s:1:1: error: refused: owned by another user\n", path);
		return 0;
	}
	return 1;
}

/* ---- hashing and string indexes ----------------------------------------------- */

unsigned long sg_hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (unsigned long)h;
}

static size_t *strindex_probe(const sg_strindex *x, const char *key, const char *(*key_of)(const void *, size_t),
			      const void *ctx)
{
	size_t i = sg_hash_bytes(key, strlen(key)) & (x->nb - 1);
	while (x->slot[i] && strcmp(key_of(ctx, x->slot[i] - 1), key))
		i = (i + 1) & (x->nb - 1);
	return &x->slot[i];
}

size_t *sg_strindex_slot(sg_strindex *x, const char *key, size_t n, const char *(*key_of)(const void *, size_t),
			 const void *ctx)
{
	if (!x->slot || x->count != n || (n + 1) * 2 > x->nb) {
		free(x->slot);
		x->nb = 64;
		while (x->nb < n * 4 + 4)
			x->nb *= 2;
		x->slot = sg_xcalloc(x->nb, sizeof *x->slot);
		for (size_t i = 0; i < n; i++) {
			size_t *sl = strindex_probe(x, key_of(ctx, i), key_of, ctx);
			if (!*sl)
				*sl = i + 1;
		}
		x->count = n;
	}
	return strindex_probe(x, key, key_of, ctx);
}

void sg_strindex_free(sg_strindex *x)
{
	free(x->slot);
	x->slot = NULL;
	x->nb = x->count = 0;
}
