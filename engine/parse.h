/*
 * parse.h - tree-sitter-bash behind a bounded, fail-closed interface.
 */
#ifndef SG_PARSE_H
#define SG_PARSE_H

#include <tree_sitter/api.h>
#include "sg.h"

typedef struct sg_parser sg_parser;

/* One parser per process/thread; returns NULL only when the grammar's ABI is
 * not one this runtime loads (*why set). */
sg_parser *sg_parser_new(const char **why);
void sg_parser_free(sg_parser *p);

enum { SG_PARSE_OK = 0, SG_PARSE_TOO_LARGE, SG_PARSE_TIMEOUT };

/* Parses src[0..len). Returns a tree (caller frees with ts_tree_delete) or
 * NULL with *status set (too large: over SG_MAX_INPUT; timeout). */
TSTree *sg_parse(sg_parser *p, const char *src, size_t len, int *status);

/* Parses that ran into the timeout since the process started. A timed-out
 * parse makes a verdict depend on the machine's load, not on the input:
 * the agreement checks (fuzz/agree.h) do not compare such verdicts. */
unsigned long sg_parse_timeouts(void);

/* Prints the tree as an S-expression with node spans (explain --ast). */
void sg_parse_sexp(TSNode n, const char *src, sg_buf *out, int depth);

const TSLanguage *tree_sitter_bash(void);
/* grammar_wrap.c: the bash language with a linear get_column for its scanner */
const TSLanguage *sg_bash_language(void);

#endif
