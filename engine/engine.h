/*
 * engine.h - the engine's API: load rule layers once, judge many requests.
 *
 * Every front end (check, hook adapters, lint) goes through
 * sg_engine_judge(), so a lint finding and a live hook decision can never
 * disagree.
 *
 * Ownership: sg_engine_new() returns an engine the caller frees with
 * sg_engine_free(). A verdict owns its arena; sg_verdict_free() releases
 * everything it points to (reasons, IR).
 */
#ifndef SG_ENGINE_H
#define SG_ENGINE_H

#include "sg.h"
#include "ir.h"

typedef struct sg_engine sg_engine;
typedef struct sg_ruleset sg_ruleset;

/* policy modes */
typedef enum { SG_MODE_TRUSTED = 0, SG_MODE_STRICT = 1, SG_MODE_AUDIT = 2 } sg_mode;

typedef struct sg_config {
	/* Built-in pack directory; NULL = found relative to the executable
	 * (PREFIX/share/shellgate/rules) or the build-time path. */
	const char *builtin_dir;
	int no_builtin;		/* skip the built-in packs (tests) */
	int no_user;		/* skip the user and project layers (tests, --rules) */
	const char *user_file;	/* NULL = $XDG_CONFIG_HOME/shellgate/rules.json */
	const char **extra_files; /* --rules FILE..., loaded as trusted layers */
	size_t nextra;
	const char *project;	/* project dir for the project layer; NULL = none */
	int strict;		/* --strict: dynamic/unparsable default deny */
	int mode;		/* sg_mode; -1 = from configuration */
	/* Generated layers (imported permission lists): called once after the
	 * user and project files and before the --rules files, with the rule
	 * set still open for sg_ruleset_load_text(). NULL = none. */
	void (*add_layers)(sg_ruleset *rs, void *ctx, sg_buf *log);
	void *add_layers_ctx;
	/* Identity of whatever add_layers reads (e.g. the imported files' paths
	 * with size and mtime), for the rule-set snapshot cache. NULL with
	 * add_layers set = never use a snapshot. */
	const char *add_layers_key;
} sg_config;

typedef enum {
	SG_REQ_SHELL = 0,	/* a shell command line */
	SG_REQ_READ,		/* a file tool reads path */
	SG_REQ_WRITE,		/* a file tool writes/edits path */
	SG_REQ_SEARCH		/* a file tool lists/searches under path */
} sg_req_kind;

typedef struct sg_request {
	sg_req_kind kind;
	const char *text;	/* command, or path for file tools */
	size_t len;
	const char *cwd;	/* NULL = process cwd */
	const char *home;	/* NULL = $HOME */
	const char *project;	/* NULL = cwd */
} sg_request;

typedef struct sg_reason {
	const char *rule;	/* rule id, or "default.unmatched" / "default.dynamic" / "default.unparsable" / "engine.error" */
	sg_decision decision;
	const char *reason;	/* text for the model */
	uint32_t start, end;	/* span in the request text */
	const char *origin;	/* where the rule came from (file) */
} sg_reason;

enum {
	SG_V_UNPARSABLE = 1u << 0,
	SG_V_DYNAMIC = 1u << 1,
	SG_V_LIMIT = 1u << 2,
	SG_V_ENGINE_ERROR = 1u << 3,
	/* an ask came from a rule marked "sandbox_contains": false: running the
	 * command in the sandbox would not make it safe (it can lose project
	 * data), so the hook's on_ask sandbox keeps asking */
	SG_V_UNCONTAINED = 1u << 4
};

typedef struct sg_verdict {
	sg_decision decision;
	sg_reason *reasons;	/* every contributing reason, strictest first */
	size_t nreasons;
	unsigned flags;
	const char *input;	/* copy of the request text */
	size_t input_len;
	sg_ir *ir;		/* the IR that was judged (NULL for file requests) */
	sg_arena arena;		/* owns all of the above */
} sg_verdict;

/* Loads every layer. Never returns NULL: an engine whose rules failed to load
 * answers deny to every request, with the load error as its reason.
 * Warnings and errors are appended to *log (may be NULL) one per line as
 * "file:line:col: message". */
sg_engine *sg_engine_new(const sg_config *cfg, sg_buf *log);
void sg_engine_free(sg_engine *e);
/* Non-zero when a rule layer failed to load (the engine then denies). */
int sg_engine_broken(const sg_engine *e);
const sg_ruleset *sg_engine_rules(const sg_engine *e);

/* Judges one request into *v (initialised here; free with sg_verdict_free). */
void sg_engine_judge(sg_engine *e, const sg_request *req, sg_verdict *v);
void sg_verdict_free(sg_verdict *v);

/* {"decision":"deny","reasons":[{"rule":..,"decision":..,"reason":..,"span":[s,e],"text":..}],"flags":[..]} */
void sg_verdict_json(const sg_verdict *v, sg_buf *out);
/* One short paragraph for people: decision, then one line per reason. */
void sg_verdict_text(const sg_verdict *v, sg_buf *out);
/* The reason text to hand to a model: "shellgate: deny: <reason> [rule] `text`". */
void sg_verdict_message(const sg_verdict *v, sg_buf *out);

/* Testing: does rule r match some command of cmd (judged with the given
 * context)? 1 yes, 0 no, -1 a pattern failed. */
struct sg_rule;
int sg_engine_rule_matches(sg_engine *e, const struct sg_rule *r, const char *cmd, const char *cwd,
			   const char *home, const char *project);

/* The IR of a shell command, without judging (explain). */
void sg_ir_json(const sg_ir *ir, sg_buf *out);

#endif
