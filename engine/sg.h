/*
 * sg.h - common definitions for every shellgate module: limits, the
 * per-request arena, growable buffers and the single fatal path.
 *
 * INVARIANTS (every file that includes this one MUST keep them):
 *  - No exit()/err()/abort() below main: fatal conditions call sg_fatal(),
 *    which emits the current client's *deny* and terminates.
 *  - Untrusted bytes travel with their length (const char *, size_t).
 *  - Every limit is one of the SG_MAX_* constants below; hitting one makes a
 *    verdict stricter (the *unparsable* floor), never looser.
 */
#ifndef SG_H
#define SG_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

/* ---- limits (documented in SECURITY.md) ---------------------------------- */

/* A hook request's command text. Agents' commands are rarely over a few KiB;
 * 1 MiB leaves room for heredocs while keeping parse time and memory bounded. */
#define SG_MAX_INPUT (1u << 20)
/* Bytes asked of one read of stdin. The buffer is on the heap: a stack
 * array this size is probed page by page (-fstack-clash-protection), 16
 * page faults whatever the input's size. */
#define SG_READ_CHUNK (64u << 10)
/* Nesting of re-parsed shell text (bash -c, eval, su -c, aliases, heredocs
 * fed to a shell, function calls): each level re-parses, so this bounds work. */
#define SG_MAX_NESTING 16
/* Depth of the syntax tree walked by the lowering (subshells in subshells...).
 * Recursion is bounded by this, never by the attacker. */
#define SG_MAX_AST_DEPTH 200
/* Words in one simple command after expansion. */
#define SG_MAX_WORDS 4096
/* Simple commands per request, across all nesting levels. */
#define SG_MAX_COMMANDS 2048
/* Alternatives kept per variable, and command variants judged per command,
 * when a value depends on a branch ("judge both"). */
#define SG_MAX_VALUES 8
#define SG_MAX_VARIANTS 16
/* Brace-expansion results per word ({a,b}{c,d}...). */
#define SG_MAX_BRACE 64
/* Bytes of one expanded word. */
#define SG_MAX_WORD_BYTES (1u << 20)
/* tree-sitter parse timeout per parse, in microseconds. */
#define SG_PARSE_TIMEOUT_US 500000
/* PCRE2 limits per match: a hit is an error that fails closed. */
#define SG_PCRE_MATCH_LIMIT 100000
#define SG_PCRE_DEPTH_LIMIT 5000
/* A pattern is JIT-compiled once it has been matched this many times in one
 * process (batch, lint); a one-shot hook only interprets. */
#define SG_PCRE_JIT_AFTER 64
/* JSON nesting accepted from rule files and hook input. */
#define SG_MAX_JSON_DEPTH 64
/* Rules across all loaded layers. */
#define SG_MAX_RULES 20000
/* Size of one rule file. */
#define SG_MAX_RULE_FILE (8u << 20)
/* Per-request arena ceiling: a request that needs more is unparsable. */
#define SG_MAX_ARENA (256u << 20)

/* ---- decisions ----------------------------------------------------------- */

typedef enum { SG_ALLOW = 0, SG_ASK = 1, SG_DENY = 2 } sg_decision;

const char *sg_decision_name(sg_decision d);
/* Parses "allow"/"ask"/"deny"; returns -1 when unknown. */
int sg_decision_parse(const char *s);

/* ---- fatal path ---------------------------------------------------------- */

/*
 * The one place where shellgate gives up. The current emitter (set by main
 * for the chosen subcommand/client) prints that client's deny, then the
 * process ends with the emitter's status. Never returns.
 */
typedef void (*sg_fatal_emitter)(const char *msg, void *ctx);
void sg_fatal_set_emitter(sg_fatal_emitter fn, void *ctx, int status);
/* An emitter for commands that answer no client: "shellgate: PREFIX: MSG" on
 * stderr, where the context is the PREFIX string ("lint", "worker"). */
void sg_fatal_to_stderr(const char *msg, void *prefix);
void sg_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Routes tree-sitter's and cJSON's allocators through sg_x* (OOM -> sg_fatal). */
void sg_alloc_install_hooks(void);
/* cJSON allocations go to a bump arena until sg_json_arena_end(), which
 * frees the whole parsed tree at once (never call cJSON_Delete on it). */
void sg_json_arena_begin(void);
void sg_json_arena_end(void);
/* Test hook: make the Nth allocation from now fail (0 = never). */
void sg_alloc_fail_after(unsigned long n);

/* Allocators that never return NULL: on failure they call sg_fatal. */
void *sg_xmalloc(size_t n);
void *sg_xcalloc(size_t n, size_t m);
/* FNV-1a with a final mix: the low bits (a table index) depend on every
 * byte, so keys that differ only in their last bytes do not pile up */
unsigned long sg_hash_bytes(const void *p, size_t n);
/* An open-addressing index of strings kept elsewhere, by position: a slot
 * holds an item's index + 1, 0 when free. Heap memory. */
typedef struct sg_strindex {
	size_t *slot;
	size_t nb;	/* power of two, 0: not built */
	size_t count;	/* the items it covers: 0 .. count - 1 */
} sg_strindex;
/* The slot of key among items 0 .. n - 1 (key_of(ctx, i) is item i's
 * string): its item's (the first of equal ones), or the free one where it
 * would go. The index is rebuilt when it does not cover exactly n items or
 * would be over half full with one more. After adding item n at a free
 * slot, store n + 1 there and set count to n + 1. */
size_t *sg_strindex_slot(sg_strindex *x, const char *key, size_t n, const char *(*key_of)(const void *, size_t),
			 const void *ctx);
void sg_strindex_free(sg_strindex *x);
void *sg_xrealloc(void *p, size_t n);
char *sg_xstrndup(const char *s, size_t n);
char *sg_xstrdup(const char *s);

/* ---- arena --------------------------------------------------------------- */

/* A per-request arena: everything a request allocates goes here and is freed
 * at once by sg_arena_free. Allocation failure or the SG_MAX_ARENA ceiling
 * returns NULL from sg_arena_try_alloc and sets ->exhausted; sg_arena_alloc
 * treats exhaustion as fatal. */
typedef struct sg_arena_block sg_arena_block;
typedef struct sg_region sg_region;
typedef struct sg_arena {
	sg_arena_block *head;
	size_t used_total;
	int exhausted;
	sg_region *region;	/* when set, allocations bump inside this region */
} sg_arena;

/* A contiguous region mapped at a chosen address (rule-set snapshots: the
 * memory can be written to a file and mapped back at the same address, so
 * its internal pointers stay valid). */
struct sg_region {
	char *base;
	size_t size, used;
	int fd_backed;		/* mapped from a snapshot file (read-only use) */
};
/* Maps size bytes, preferably at hint; NULL when mmap fails. */
sg_region *sg_region_new(void *hint, size_t size);
void sg_region_free(sg_region *r);

void sg_arena_init(sg_arena *a);
void sg_arena_free(sg_arena *a);
void *sg_arena_try_alloc(sg_arena *a, size_t n);
void *sg_arena_alloc(sg_arena *a, size_t n);	/* zeroed */
char *sg_arena_strndup(sg_arena *a, const char *s, size_t n);
/* Growable arrays in an arena: returns old when n < *cap, else a copy with
 * twice the capacity (at least 8; the old copy stays in the arena). */
void *sg_arena_grow(sg_arena *a, void *old, size_t n, size_t *cap, size_t elem);
char *sg_arena_strdup(sg_arena *a, const char *s);
char *sg_arena_printf(sg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- growable byte buffer (heap) ---------------------------------------- */

typedef struct sg_buf {
	char *data;	/* always NUL-terminated when len > 0 or after sg_buf_cstr */
	size_t len, cap;
} sg_buf;

void sg_buf_init(sg_buf *b);
void sg_buf_free(sg_buf *b);
void sg_buf_reset(sg_buf *b);
void sg_buf_add(sg_buf *b, const char *s, size_t n);
void sg_buf_adds(sg_buf *b, const char *s);
/* one byte: inline while it fits (the lowering and the request reader add
 * most of their bytes one at a time) */
void sg_buf_addc_slow(sg_buf *b, char c);
static inline void sg_buf_addc(sg_buf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = 0;
	} else {
		sg_buf_addc_slow(b, c);
	}
}
/* n copies of byte c */
void sg_buf_fill(sg_buf *b, char c, size_t n);
void sg_buf_printf(sg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sg_buf_vprintf(sg_buf *b, const char *fmt, va_list ap);
const char *sg_buf_cstr(sg_buf *b);
/* Appends s as a JSON string literal (with quotes), escaping control bytes
 * and replacing invalid UTF-8 with U+FFFD so the output always parses. */
void sg_buf_json_str(sg_buf *b, const char *s, size_t n);

/* ---- small helpers ------------------------------------------------------- */

/* doas: a configuration file of the user's is used only when it is a
 * regular file (a symlink to one is followed), not writable by group or
 * others and owned by the user or root. 1: usable, or absent (*exists 0);
 * 0: refused, with "PATH:1:1: error: why" appended to log (may be NULL). */
int sg_file_trustworthy(const char *path, sg_buf *log, int *exists);
/* This program's own path (from /proc/self/exe), or NULL where it cannot be known. */
const char *sg_self_exe(char *buf, size_t cap);
/* Reads a whole file of at most max bytes; returns 0, or -errno (-EFBIG when
 * larger). *out is heap memory the caller frees. */
int sg_read_file(const char *path, size_t max, char **out, size_t *outlen);
/* Writes all of buf to fd, retrying on EINTR; 0 or -errno. */
int sg_write_all(int fd, const char *buf, size_t n);
/* Reads exactly n bytes (retrying short reads and EINTR): 0, or -1 on an
 * error or an end of file before n bytes. */
int sg_read_full(int fd, void *buf, size_t n);
/* Length of a prefix of s that is valid UTF-8. */
size_t sg_utf8_valid_prefix(const char *s, size_t n);

#endif
