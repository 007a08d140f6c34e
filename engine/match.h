/*
 * match.h - rule conditions over the IR, and PCRE2 patterns compiled lazily.
 */
#ifndef SG_MATCH_H
#define SG_MATCH_H

#include "ir.h"
#include "rules.h"

typedef struct sg_pat sg_pat;

/* Match state for one request: the first regex error (match limit, depth
 * limit, bad pattern) is recorded and makes the request fail closed. */
typedef struct sg_match_state {
	const sg_ir *ir;
	const sg_ruleset *rs;
	void *mdata;		/* pcre2_match_data_8 */
	void *mctx;		/* pcre2_match_context_8 */
	const char *error;	/* NULL, or what failed (arena) */
	unsigned long gen;	/* this state's number in the process (pattern memo) */
} sg_match_state;

/* Compiles a condition object (cJSON *) into the rule set's arena.
 * Patterns are kept as text; compiled on first use unless eager. On error
 * returns NULL with a message in err. */
sg_cond *sg_cond_compile(sg_ruleset *rs, const void *json, int eager, sg_buf *err);

/* Program names a condition can only match (index keys), or NULL (any):
 * its own program list, else the union of its `any` branches' names when
 * every branch has some, else the names of one of its `all` branches. A
 * command named otherwise cannot match, so it is not even tried. Lists
 * that are not the condition's own go to rs's arena. */
const char **sg_cond_programs(sg_ruleset *rs, const sg_cond *c, size_t *n);

int sg_cond_match(sg_match_state *ms, const sg_cond *c, sg_cmd *cmd);

/* 0 when c cannot match a command whose program is name (dyn: a program
 * only known at run time), and sg_cond_match would find that out before
 * running any pattern of c's other conditions (so leaving the rule out
 * can neither change a match nor hide a pattern error); 1 otherwise. A
 * pure function of (c, name, dyn): the engine caches it per program. */
int sg_cond_program_gate(sg_ruleset *rs, const sg_cond *c, const char *name, int dyn);

void sg_match_state_init(sg_match_state *ms, const sg_ir *ir, const sg_ruleset *rs);
void sg_match_state_fini(sg_match_state *ms);

/* Compiles every pattern of a condition now; 0 or -1 with err set. */
int sg_cond_compile_all(sg_ruleset *rs, sg_cond *c, sg_buf *err);

#endif
