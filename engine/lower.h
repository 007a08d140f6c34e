/*
 * lower.h - from a tree-sitter-bash tree to the command IR.
 *
 * Internal to lower.c (statements), words.c (expansion, quote removal) and
 * unwrap.c (wrappers, shells, eval, xargs, find -exec). The public entry is
 * sg_lower(); everything else is shared only between those three files.
 */
#ifndef SG_LOWER_H
#define SG_LOWER_H

#include <tree_sitter/api.h>

#include "ir.h"
#include "parse.h"
#include "rules.h"

/* Lowers src (the whole request) into ir. Never fails: trouble becomes IR
 * flags (unparsable, limit). ir->arena must be set; parser is reused. */
void sg_lower(sg_ir *ir, sg_parser *parser, const sg_ruleset *rs);

/* ---- internal -------------------------------------------------------------- */

/* a variable's possible values */
typedef struct lvar {
	const char *name;
	const char *vals[SG_MAX_VALUES];
	int nvals;
	int unknown;		/* may hold a value we cannot know */
	int is_array;		/* vals are the elements of one array value */
	struct lvar *next;
} lvar;

/* a file the same input wrote with known text (echo ... > f; ./f) */
typedef struct lfile {
	const char *abs;
	const char *text;
	struct lfile *next;
} lfile;

typedef struct lfunc {
	const char *name;
	const char *body;	/* source text of the body (arena) */
	size_t len;
	uint32_t start, end;	/* span of the definition in the top-level input */
	int exact;
	const char *cwd;	/* cwd at the definition */
	int calls;		/* active expansions (recursion guard) */
	int called;		/* times called in this input */
	struct lfunc *next;
} lfunc;

typedef struct lalias {
	const char *name, *value;
	struct lalias *next;
} lalias;

/* shell state shared by one request (all nesting levels) */
typedef struct lstate {
	sg_ir *ir;
	sg_arena *A;
	sg_parser *parser;
	const sg_ruleset *rs;
	lvar *vars;
	lfunc *funcs;
	lalias *aliases;
	lfile *files;
	TSTree **trees;		/* every tree parsed, freed at the end */
	size_t ntrees, captrees;
	int parses;
	int depth;		/* current tree depth across all levels (SG_MAX_AST_DEPTH) */
} lstate;

/* per-level context */
typedef struct lctx {
	lstate *st;
	const char *src;	/* text of this level */
	size_t len;
	uint32_t base;		/* offset of src[0] in the top-level input when exact */
	int exact;		/* spans map 1:1 to the top level */
	uint32_t ostart, oend;	/* outer span used when !exact */
	int nesting;		/* re-parse depth */
	unsigned ctx;		/* SG_C_* inherited */
	const char *wrappers;
	sg_cmd *parent;
	const char *cwd;	/* NULL = unknown */
	const char **params;	/* positional parameters $1.., NULL = unknown */
	int nparams;
	const char *arg0;
	int conditional;	/* assignments add alternatives instead of replacing */
} lctx;

/* a word under construction / after expansion */
typedef struct lfield {
	sg_buf text;
	sg_buf uq;		/* one byte per text byte: 1 = unquoted literal (brace/glob/tilde eligible) */
	unsigned flags;
	size_t static_prefix;	/* bytes before the first dynamic part (SIZE_MAX = none) */
	int exact;		/* text maps 1:1 to source at text_base */
	uint32_t text_base;
} lfield;

/* a word's expansion: alternatives, each a list of fields */
typedef struct lwords {
	sg_word *w;
	size_t n, cap;
} lwords;

/* A command's output as static text, when it is echo/printf of literals (or
 * cat of a heredoc); NULL otherwise. */
const char *sg_lower_static_output(lctx *c, sg_cmd *cmd);

/* words.c */
uint32_t lw_map(const lctx *c, uint32_t off);
void lw_expand(lctx *c, TSNode n, lwords **alts, size_t *nalts, sg_cmd ***feeders, size_t *nfeeders);
void lw_lex(lctx *c, const char *s, size_t len, uint32_t s0, uint32_t e0, lwords *out);
void lwords_push(lctx *c, lwords *l, const sg_word *w);
sg_word lw_word_static(lctx *c, const char *s, size_t len, uint32_t start, uint32_t end);
const char *lw_var_get1(lctx *c, const char *name);
void lw_var_set(lctx *c, const char *name, const char *const *vals, int nvals, int unknown);
void lw_var_set_array(lctx *c, const char *name, const char *const *elems, int n, int unknown);
/* judges the script in a file this input wrote, if any; 1 when it did */
int lower_written_script(lctx *c, sg_cmd *cmd, const char *path);
int lw_is_name(const char *s, size_t n);

/* lower.c */
void lower_block(lctx *c, TSNode n, unsigned addctx);
void lower_text(lctx *parent, const char *text, size_t len, uint32_t s0, uint32_t e0, int exact,
		uint32_t base, unsigned addctx, const char *wrapper, sg_cmd *pcmd,
		const char **params, int nparams, sg_cmd **feeders, size_t nfeeders);
sg_cmd *emit_command(lctx *c, sg_word *words, size_t n, sg_assign *as, size_t nas,
		     sg_redir *rd, size_t nrd, sg_cmd **fed, size_t nfed, uint32_t s, uint32_t e,
		     unsigned ctx);
void lower_limit(lctx *c, const char *what);
const char *sg_canonical_name(sg_arena *A, const char *prog);

/* inline.c: judges the shell commands inside an inline program; returns 0
 * (the interpreter is not transparent) */
int unwrap_inline(lctx *c, sg_cmd *cmd, const sg_wrapper *w);
/* unwrap.c: judge a script as run by outer (no parameters) */
void unwrap_lower_script(lctx *c, sg_cmd *outer, const char *wname, const sg_word *script, unsigned ctx);

/* unwrap.c: returns 1 when cmd was a wrapper/shell/eval (inner commands emitted) */
int unwrap_command(lctx *c, sg_cmd *cmd, const sg_wrapper *w);
void unwrap_classify_args(lctx *c, sg_cmd *cmd);

#endif
