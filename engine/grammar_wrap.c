/*
 * grammar_wrap.c - tree-sitter-bash, with a linear get_column for its
 * external scanner.
 *
 * The grammar's scanner asks `lexer->get_column(lexer) == 0` for every
 * character of a heredoc body. tree-sitter 0.20.7 answers get_column by
 * re-reading the line from its start, so a heredoc with one long line costs
 * O(n^2) (100 KB: about 40 s) - and the parse timeout is only checked
 * between tokens, so it never fires inside the scanner. A hook that hangs
 * is fail-open for most clients.
 *
 * The runtime already keeps the byte column of the current position, right
 * after the public TSLexer in its private Lexer struct; it is 0 exactly at a
 * line start, which is all the scanner asks. This file hands the grammar a
 * copy of its language whose external scanner runs with get_column answered
 * from that counter.
 *
 * INVARIANT: the fast answer is used only after it has agreed with the
 * original (on a line start and a non-line start, or 16 times); any
 * disagreement switches it off for good (then the original runs, slow but
 * correct). Were the private layout ever different, line starts would go
 * unseen and heredocs would fail to parse: the unparsable floor, stricter,
 * never looser (and the heredoc golden tests fail).
 */
#include <string.h>

#include "grammar_wrap.h"

const TSLanguage *tree_sitter_bash(void);

/* tree-sitter 0.20.7 lib/src/lexer.h: Lexer { TSLexer data; Length
 * current_position; ... }, Length = { uint32_t bytes; TSPoint extent; } */
typedef struct lexpos {
	uint32_t bytes, row, column;
} lexpos;

enum { FAST_UNKNOWN = 0, FAST_ON = 1, FAST_OFF = 2 };
static int fast_state;
static int seen_zero, seen_nonzero, agreed;

static bool (*orig_scan)(void *, TSLexer *, const bool *);
static uint32_t (*orig_get_column)(TSLexer *);

static uint32_t fast_get_column(TSLexer *l)
{
	const lexpos *p = (const lexpos *)(const void *)(l + 1);
	uint32_t fast = p->column;
	if (fast_state == FAST_ON)
		return fast;
	uint32_t slow = orig_get_column(l);
	if ((slow == 0) != (fast == 0)) {
		fast_state = FAST_OFF;
		return slow;
	}
	if (slow == 0)
		seen_zero = 1;
	else
		seen_nonzero = 1;
	if ((seen_zero && seen_nonzero) || ++agreed >= 16)
		fast_state = FAST_ON;
	return slow;
}

static bool wrap_scan(void *payload, TSLexer *l, const bool *valid)
{
	if (fast_state == FAST_OFF)
		return orig_scan(payload, l, valid);
	uint32_t (*saved)(TSLexer *) = l->get_column;
	orig_get_column = saved;
	l->get_column = fast_get_column;
	bool r = orig_scan(payload, l, valid);
	l->get_column = saved;
	return r;
}

const TSLanguage *sg_bash_language(void)
{
	static TSLanguage lang;
	static int done;
	if (!done) {
		done = 1;
		memcpy(&lang, tree_sitter_bash(), sizeof lang);
		orig_scan = lang.external_scanner.scan;
		if (orig_scan)
			lang.external_scanner.scan = wrap_scan;
	}
	return &lang;
}

#ifdef SG_TS_TABLE_WRAP
/*
 * Parse-table lookups, memoised for long runs.
 *
 * tree-sitter 0.20.7 finds the actions of a (state, symbol) pair in a
 * "small" state (7,143 of tree-sitter-bash's 7,671 states) by scanning that
 * state's symbol groups linearly: about 250 instructions a lookup, and
 * error recovery asks for every symbol of a state. check --batch over the
 * dev corpus spent 14 % of its instructions there. The answer is a pure
 * function of (language, state, symbol), so a long run (batch, lint
 * workers) keeps the recent ones in a direct-mapped table. A single hook
 * parse makes far fewer calls than SG_TS_TABLE_AFTER and never allocates
 * it (its pages would cost more than the lookups).
 *
 * The linker sends the runtime's calls here (-Wl,--wrap, set by the
 * Makefile); __real_ is the runtime's own function. Entries are copied as
 * opaque bytes of sg_table_entry, the layout of lib/src/language.h's
 * TableEntry (0.20.x and later: a pointer, a count, a flag: 16 bytes). The
 * table is used only after a probe shows that the runtime writes no byte
 * beyond those 16; otherwise every lookup goes to the runtime.
 * tests/unit/test_grammar.c compares every (state, symbol) pair both ways.
 */
#include <stdlib.h>


#define SG_TS_TABLE_SLOTS 8192		/* power of two */
#define SG_TS_TABLE_AFTER 4096UL	/* lookups before the table is used */

typedef struct te_slot {
	const TSLanguage *lang;	/* NULL: empty */
	uint32_t key;		/* state << 16 | symbol */
	sg_table_entry e;
} te_slot;

static te_slot *te;
static unsigned long te_calls, te_after = SG_TS_TABLE_AFTER;
static int te_off;	/* the probe failed: never use the table */

/* does the runtime's entry fit in sg_table_entry? */
static int te_probe(const TSLanguage *lang, TSStateId state, TSSymbol symbol)
{
	union {
		sg_table_entry e;
		unsigned char b[64];
	} p;
	memset(&p, 0xa5, sizeof p);
	__real_ts_language_table_entry(lang, state, symbol, &p.e);
	for (size_t i = sizeof p.e; i < sizeof p.b; i++)
		if (p.b[i] != 0xa5)
			return -1;
	return 0;
}

/* tests: use the table after this many lookups (0: at once) */
void sg_grammar_table_cache_after(unsigned long calls)
{
	te_after = calls;
	te_calls = 0;
	te_off = 0;
	free(te);
	te = NULL;
}

/* tests: is the table in use (allocated, probe passed)? */
int sg_grammar_table_cache_used(void)
{
	return te != NULL;
}

void __wrap_ts_language_table_entry(const TSLanguage *lang, TSStateId state, TSSymbol symbol, sg_table_entry *out)
{
	if (!te) {
		if (te_off || te_calls < te_after)
			te_calls++;
		else if (te_probe(lang, state, symbol) < 0)
			te_off = 1;
		else
			te = calloc(SG_TS_TABLE_SLOTS, sizeof *te);	/* NULL: keep asking the runtime */
		if (!te) {
			__real_ts_language_table_entry(lang, state, symbol, out);
			return;
		}
	}
	uint32_t key = (uint32_t)state << 16 | symbol;
	te_slot *s = &te[(key * 2654435761u) >> 19 & (SG_TS_TABLE_SLOTS - 1)];
	if (s->lang == lang && s->key == key) {
		*out = s->e;
		return;
	}
	__real_ts_language_table_entry(lang, state, symbol, out);
	s->lang = lang;
	s->key = key;
	s->e = *out;
}
#endif
