/*
 * lint.h - `shellgate lint`: transcript readers, the call/result pairing
 * table, and the report writers.
 *
 * Data flow: lint_read.c splits a (possibly gzip) file into bounded lines,
 * lint_json.c tokenises each line without allocating per value, a reader
 * (lint_<client>.c) turns records into calls (sg_lint_call) and results,
 * cli_lint.c pairs them, judges every call with sg_engine_judge() exactly as
 * `check` does, and lint_report.c writes the findings.
 *
 * INVARIANTS:
 *  - Nothing reads a whole transcript: memory is bounded by SG_LINT_MAX_LINE
 *    plus the pairing table (SG_LINT_MAX_PENDING entries and
 *    SG_LINT_MAX_PENDING_BYTES bytes).
 *  - Every record that cannot be read becomes a warning with file:line;
 *    every call that is seen becomes a finding (judged), even when its
 *    result never shows up or the pairing table overflows.
 *  - Every command text leaving shellgate goes through sg_mask_secrets().
 */
#ifndef SG_LINT_H
#define SG_LINT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "engine.h"

/* output.c: every command text printed by lint goes through this. */
void sg_mask_secrets(const char *s, size_t n, sg_buf *out);
/* The same, stopping once out has max bytes more (at least): those are the
 * first max bytes of the whole text's masking (for a report that shows no
 * more of a long text). */
void sg_mask_secrets_upto(const char *s, size_t n, sg_buf *out, size_t max);

/* ---- limits ---------------------------------------------------------------- */

/* One transcript line. Claude Code and Gemini store whole tool results (file
 * contents, base64 images) in a line; a few MiB is common, 64 MiB is far past
 * any we have seen while keeping memory bounded. Longer lines are skipped
 * with a warning. */
#define SG_LINT_MAX_LINE (64u << 20)
/* Calls waiting for their result. Results follow their call within a few
 * records (parallel calls: a handful), so 4096 only fills when results are
 * missing; then the oldest call is reported with an unknown outcome and a
 * warning is printed, never dropped. */
#define SG_LINT_MAX_PENDING 4096
/* Bytes of command text held by the pairing table (same overflow rule). */
#define SG_LINT_MAX_PENDING_BYTES (64u << 20)
/* JSON nesting inside one record; deeper records are reported as corrupt. */
#define SG_LINT_MAX_JSON_DEPTH 512
/* Lines looked at to recognise a file's format. */
#define SG_LINT_DETECT_LINES 64
/* Directory nesting followed by the walk (symlinked directories are not
 * followed at all). */
#define SG_LINT_MAX_WALK_DEPTH 32
/* Fingerprints accepted from a --baseline file. */
#define SG_LINT_MAX_BASELINE (1u << 20)
/* A single-document transcript (Gemini's older session-*.json) is parsed as
 * one record, so it is bounded like a line. */
#define SG_LINT_MAX_DOC SG_LINT_MAX_LINE

/* ---- clients and outcomes ------------------------------------------------------- */

typedef enum {
	SG_LC_AUTO = -1,
	SG_LC_CLAUDE = 0,
	SG_LC_CODEX,
	SG_LC_GEMINI,
	SG_LC_KIRO,
	SG_LC_CURSOR,
	SG_LC_COPILOT,
	SG_LC_N
} sg_lint_client;

const char *sg_lint_client_name(int c);
int sg_lint_client_parse(const char *s);	/* -1 unknown */

/* What happened to a call, from the transcript's own evidence. */
typedef enum {
	SG_RUN_UNKNOWN = 0,	/* no result recorded */
	SG_RUN_RAN,		/* ran */
	SG_RUN_REWRITTEN,	/* a hook rewrote it, the rewritten command ran */
	SG_RUN_FAILED,		/* ran and exited non-zero */
	SG_RUN_DENIED,		/* refused before running (hook, permission rule, user) */
	SG_RUN_ERROR,		/* the tool failed (bad input, spawn error); did not run */
	SG_RUN_NOT_LOGGED	/* the client does not log results (Cursor) */
} sg_lint_ran;

const char *sg_lint_ran_name(sg_lint_ran r);

/* ---- JSON tokens (lint_json.c) -------------------------------------------------- */

enum { SG_J_OBJ = 1, SG_J_ARR, SG_J_STR, SG_J_NUM, SG_J_TRUE, SG_J_FALSE, SG_J_NULL };

typedef struct sg_jtok {
	unsigned char type;
	unsigned char esc;	/* string holds backslash escapes */
	uint32_t start, end;	/* bytes; strings without their quotes */
	uint32_t next;		/* index of the token after this one's subtree */
} sg_jtok;

/* A tokenised JSON text. Tokens point into the caller's bytes, which must
 * outlive the sg_json. Reused across lines: sg_lint_json_parse resets it. */
typedef struct sg_json {
	const char *s;
	size_t n;
	sg_jtok *t;
	size_t nt, cap;
	size_t err_at;		/* byte offset of a syntax error */
	const char *err;	/* static message, NULL when ok */
} sg_json;

void sg_lint_json_init(sg_json *j);
void sg_lint_json_free(sg_json *j);
/* 0 ok, -1 syntax error (err, err_at set). Validates UTF-8 inside strings. */
int sg_lint_json_parse(sg_json *j, const char *s, size_t n);
/* Value of key in object token obj, or -1. */
int sg_lint_json_get(const sg_json *j, int obj, const char *key);
/* sg_lint_json_get of each of nkeys keys, in one pass over obj: out[q] is
 * the value of keys[q] or -1. */
void sg_lint_json_getv(const sg_json *j, int obj, const char *const *keys, int nkeys, int *out);
/* Follows a dotted path of keys ("message.content"), or -1. */
int sg_lint_json_path(const sg_json *j, int obj, const char *path);
/* Appends the decoded string (or a number's text) to out; -1 if not one. */
int sg_lint_json_str(const sg_json *j, int tok, sg_buf *out);
/* The same, stopping once out holds more than max bytes (what a caller
 * that keeps only a max-byte prefix needs); 0 or -1 as sg_lint_json_str. */
int sg_lint_json_str_upto(const sg_json *j, int tok, sg_buf *out, size_t max);
/* Decoded string into a reset buffer, NUL-terminated; NULL if not a string. */
const char *sg_lint_json_cstr(const sg_json *j, int tok, sg_buf *out);
/* 1 when tok is a string equal to lit (escapes compared decoded). */
int sg_lint_json_is(const sg_json *j, int tok, const char *lit);
/* 1 for true, 0 for false or anything else. */
int sg_lint_json_true(const sg_json *j, int tok);
/* Iteration over an array or object's children (objects: the keys; the
 * value of key k is k + 1). First child or -1; next sibling or -1. */
int sg_lint_json_first(const sg_json *j, int tok);
int sg_lint_json_next(const sg_json *j, int parent, int tok);

/* ---- calls, as readers produce them ---------------------------------------------- */

typedef struct sg_lint_call {
	sg_req_kind kind;
	const char *tool;	/* the client's tool name */
	const char *text;	/* command, or path for file tools */
	size_t len;
	const char *id;		/* pairing key; NULL = no result will follow */
	const char *timestamp;	/* ISO 8601 or NULL */
	int hold;		/* keep until end of file (records that are re-appended) */
	sg_lint_ran ran;	/* outcome already known (no id), else SG_RUN_UNKNOWN */
	const char *cwd_override; /* the call's own working directory, if it names one */
} sg_lint_call;

/* Per-file state shared by every reader. */
typedef struct sg_lint_state {
	const char *path;
	int client;
	unsigned long line;	/* current record's line */
	sg_buf session, cwd, version, ts;
	sg_buf a, b, c, d;	/* scratch */
	sg_json sub;		/* nested JSON (Codex arguments, hook stdout) */
	unsigned unknown_seen[16]; /* hashes of unknown record types already warned about */
	int nunknown;
	size_t doc_off;		/* document mode: offset/line reached so far */
	unsigned long doc_line;
	void *priv;		/* reader-owned state, freed by the reader's end() */
} sg_lint_state;

typedef struct sg_lint sg_lint;

/* Registers a call (copied). With an id it waits for its result. */
void sg_lint_add_call(sg_lint *L, sg_lint_state *st, const sg_lint_call *c);
/* Sets the outcome of the waiting call with this id; detail (may be NULL) is
 * a short excerpt of the result. Unknown ids are ignored. Returns 0 if found. */
int sg_lint_set_result(sg_lint *L, const char *id, sg_lint_ran ran, const char *detail, size_t dlen);
/* Kind of the waiting call with this id, or -1. */
int sg_lint_call_kind(sg_lint *L, const char *id);
/* Text of the waiting call with this id (NUL-terminated), or NULL. */
const char *sg_lint_call_text(sg_lint *L, const char *id);
/* Shell argv -> one command line into out: the script of sh/bash -c/-lc,
 * else the words joined with shell quoting. items: array token. */
void sg_lint_argv_command(const sg_json *j, int arr, sg_buf *out);
/* A hook rewrote the call's input: text is what ran. */
void sg_lint_set_rewrite(sg_lint *L, const char *id, const char *text, size_t n);
/* A hook answered for the call (note for the report: "hook: deny"). */
void sg_lint_set_hook(sg_lint *L, const char *id, const char *note, int blocked);
/* Warning about the current file at line (0 = the file itself). */
void sg_lint_warn(sg_lint *L, sg_lint_state *st, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An unknown record type: one warning per type per file. */
void sg_lint_unknown_type(sg_lint *L, sg_lint_state *st, const char *what, const char *type);

/* ---- readers (lint_<client>.c) ---------------------------------------------------- */

typedef struct sg_lint_reader {
	int client;
	/* 1 when this record looks like this client's, 0 otherwise */
	int (*detect)(const sg_json *j);
	/* called once per file before the first record (may be NULL) */
	void (*begin)(sg_lint *L, sg_lint_state *st);
	/* one record: the object at token obj */
	void (*record)(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj);
	/* called once per file after the last record (may be NULL) */
	void (*end)(sg_lint *L, sg_lint_state *st);
} sg_lint_reader;

extern const sg_lint_reader sg_lint_claude_reader;
extern const sg_lint_reader sg_lint_codex_reader;
extern const sg_lint_reader sg_lint_gemini_reader;
extern const sg_lint_reader sg_lint_kiro_reader;
extern const sg_lint_reader sg_lint_cursor_reader;
extern const sg_lint_reader sg_lint_copilot_reader;

const sg_lint_reader *sg_lint_reader_for(int client);
/* The reader recognising this record, or NULL. */
const sg_lint_reader *sg_lint_detect(const sg_json *j);

/* Helpers for readers: copy a string field into a state buffer if present. */
void sg_lint_take(const sg_json *j, int obj, const char *key, sg_buf *dst);
/* The same for a value already looked up (tok may be -1). */
void sg_lint_take_tok(const sg_json *j, int tok, sg_buf *dst);
/* First max bytes of a result's text (string, or array of {text}) into out;
 * out->data is always a string afterwards ("" when tok is -1 or holds no
 * text). */
void sg_lint_result_text(const sg_json *j, int tok, sg_buf *out, size_t max);
/* Classifies a shell tool's error text (Exit code N -> failed, etc.). */
sg_lint_ran sg_lint_classify_error(const char *s, size_t n);

/* ---- line input (lint_read.c) ----------------------------------------------------- */

typedef struct sg_lint_in {
	int fd;
	void *gz;		/* gzFile when the input is gzip */
	char *buf;
	size_t bpos, blen;
	int eof, err;
	char errmsg[160];
	sg_buf line;
	unsigned long lineno;
	uint64_t bytes;		/* consumed so far (compressed side for gzip: approximate) */
	int binary;		/* a NUL byte was seen in the first block */
	int last_unterminated;	/* the last line had no newline */
} sg_lint_in;

/* 0, or -errno with errmsg set. */
int sg_lint_in_open(sg_lint_in *in, const char *path);
/* 1 a line (*s,*n valid until the next call; *toolong set when the line
 * exceeded SG_LINT_MAX_LINE and was skipped), 0 end of file, -1 read error. */
int sg_lint_in_next(sg_lint_in *in, const char **s, size_t *n, int *toolong);
void sg_lint_in_close(sg_lint_in *in);

/* Calls fn for every transcript file under path (sorted, depth-first; a file
 * named explicitly is always read). Returns the number of errors reported
 * through warn (unreadable directories). */
typedef void (*sg_lint_file_fn)(void *ctx, const char *path, int explicit_arg);
int sg_lint_walk(const char *path, sg_lint_file_fn fn, void *ctx, FILE *err);

/* Default session folders for a client (NULL-terminated list of existing
 * directories, heap; free each and the array). */
char **sg_lint_default_dirs(int client);

/* "7d", "12h", "30m", "2w", or an ISO 8601 date/time -> seconds since the
 * epoch (now - age). -1 when unparsable. */
int64_t sg_lint_parse_since(const char *s, time_t now);
/* ISO 8601 timestamp (or epoch milliseconds) -> seconds; -1 unparsable. */
int64_t sg_lint_parse_time(const char *s, size_t n);

/* ---- findings and reports (lint_report.c) ------------------------------------------ */

typedef struct sg_lint_finding {
	const char *file;
	unsigned long line;
	int client;
	const char *session, *timestamp, *cwd, *tool, *call_id;
	sg_req_kind kind;
	const char *text;	/* original, as the model asked */
	size_t len;
	const char *rewritten;	/* what ran instead, or NULL */
	size_t rewritten_len;
	sg_lint_ran ran;
	const char *ran_detail;	/* excerpt of the result, or NULL */
	const char *hook;	/* hook note, or NULL */
	const sg_verdict *v;
	char fingerprint[33];
	int baselined;
} sg_lint_finding;

typedef struct sg_lint_summary {
	unsigned long files, records, calls, by[3], reported, baselined, warnings, read_errors, older;
	unsigned long by_ran[SG_RUN_NOT_LOGGED + 1];
	int fail_on;
	int failing;		/* a finding not in the baseline is at or above fail_on */
	int exit_status;	/* 0, 1 (failing), 2 (read errors; strict input) */
} sg_lint_summary;

enum { SG_LF_TEXT = 0, SG_LF_JSON, SG_LF_SARIF, SG_LF_HTML };

typedef struct sg_lint_report sg_lint_report;

/* rs gives rule metadata (SARIF); out is written as findings arrive. */
sg_lint_report *sg_lint_report_new(int format, FILE *out, int color, const sg_ruleset *rs);
void sg_lint_report_finding(sg_lint_report *r, const sg_lint_finding *f);
void sg_lint_report_warning(sg_lint_report *r, const char *file, unsigned long line, const char *msg);
/* Writes the summary/trailer and frees r. */
void sg_lint_report_end(sg_lint_report *r, const sg_lint_summary *s);

/* Stable fingerprint of a finding: client, session, call id (or line), tool
 * kind, command text and the deciding rule. 32 hex digits + NUL. */
void sg_lint_fingerprint(const sg_lint_finding *f, char out[33]);
/* Masks secrets in s[0..n) into out and maps span [a,e) into the masked text. */
void sg_lint_mask_span(const char *s, size_t n, uint32_t a, uint32_t e, sg_buf *out, size_t *ma, size_t *me);

/* ---- the run (lint_core.c) ------------------------------------------------------------ */

typedef struct sg_lint_opts {
	int client;		/* SG_LC_AUTO = detect per file */
	int fail_on;		/* sg_decision */
	int report_min;		/* lowest decision reported */
	int strict_input;	/* warnings make the exit status 2 */
	int64_t since;		/* -1 = no limit */
	const char *cwd;	/* for sessions that record none; NULL = process cwd */
	const char *home;	/* NULL = $HOME */
	int progress;		/* progress line on stderr (a TTY) for large input */
	int jobs;		/* judging processes; <= 1 judges in this one */
} sg_lint_opts;

/* The engine, report and options are borrowed and must outlive the run. */
sg_lint *sg_lint_new(sg_engine *e, const sg_lint_opts *o, sg_lint_report *r);
/* Reads one transcript (an sg_lint_file_fn; ctx is the sg_lint). */
void sg_lint_file(void *ctx, const char *path, int explicit_arg);
/* Loads accepted fingerprints; 0, or -1 with a message in err. */
int sg_lint_baseline_load(sg_lint *L, const char *path, sg_buf *err);
/* Counts a problem outside any file (unreadable directory). */
void sg_lint_count_read_error(sg_lint *L);
/* Final counts and exit status. */
void sg_lint_finish(sg_lint *L, sg_lint_summary *s);
void sg_lint_free(sg_lint *L);
/* Document-mode readers: sets st->line to the line of token tok. */
void sg_lint_doc_line(sg_lint_state *st, const sg_json *j, int tok);

/* ---- judging in workers (lint_jobs.c) ----------------------------------------------------- */

/* A call to judge, as sent to a worker; unpacked, r's strings point into s. */
void sg_lint_req_pack(sg_buf *b, sg_req_kind kind, const char *cwd, const char *text, size_t len);
int sg_lint_req_unpack(const char *s, size_t n, sg_request *r);	/* 0, -1 malformed */
/* What the report reads of a verdict (decision, flags, reasons). An
 * unpacked verdict has no input or IR and borrows: its strings point into
 * s, its reasons into store (reused from call to call), and both must
 * outlive it; it owns nothing (sg_verdict_free is harmless). 0, -1 malformed. */
void sg_lint_verdict_pack(const sg_verdict *v, sg_buf *b);
int sg_lint_verdict_unpack(const char *s, size_t n, sg_verdict *v, sg_buf *store);
/* The verdict of a call whose worker failed: deny, engine.error. */
void sg_lint_verdict_failed(sg_verdict *v);

#endif
