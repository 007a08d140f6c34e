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

#include "tree_sitter/parser.h"

const TSLanguage *tree_sitter_bash(void);
const TSLanguage *sg_bash_language(void);

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
