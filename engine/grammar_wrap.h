/*
 * grammar_wrap.h - the parse-table memo of grammar_wrap.c, for its tests.
 * Needs the grammar's tree_sitter/parser.h (the fetched grammar's src/).
 */
#ifndef SG_GRAMMAR_WRAP_H
#define SG_GRAMMAR_WRAP_H

#include "tree_sitter/parser.h"

const TSLanguage *sg_bash_language(void);

#ifdef SG_TS_TABLE_WRAP
/* tree-sitter's lib/src/language.h TableEntry (0.20.x and later) */
typedef struct sg_table_entry {
	const TSParseAction *actions;
	uint32_t action_count;
	bool is_reusable;
} sg_table_entry;

/* the runtime's lookup, and the memo the linker sends its callers to */
void __real_ts_language_table_entry(const TSLanguage *, TSStateId, TSSymbol, sg_table_entry *);
void __wrap_ts_language_table_entry(const TSLanguage *, TSStateId, TSSymbol, sg_table_entry *);
/* use the table after this many lookups (0: at once); drops the table */
void sg_grammar_table_cache_after(unsigned long calls);
/* is the table in use (allocated, probe passed)? */
int sg_grammar_table_cache_used(void);
#endif

#endif
