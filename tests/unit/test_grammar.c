/*
 * test_grammar.c - grammar_wrap.c's memo of parse-table lookups answers
 * exactly what the tree-sitter runtime answers: every (state, terminal
 * symbol) pair of tree-sitter-bash, asked through the memo twice (the
 * second time mostly from its table, with slots replaced all along: far
 * more pairs than slots) and compared field by field with the runtime's own
 * function. Built only where the Makefile wraps the runtime's lookup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "grammar_wrap.h"

#ifdef SG_TS_TABLE_WRAP
static size_t compare_all(const TSLanguage *lang)
{
	size_t n = 0;
	for (uint32_t st = 0; st < lang->state_count; st++)
		for (uint32_t sym = 0; sym < lang->token_count; sym++) {
			sg_table_entry a, b;
			memset(&a, 0, sizeof a);
			memset(&b, 0, sizeof b);
			__real_ts_language_table_entry(lang, (TSStateId)st, (TSSymbol)sym, &a);
			__wrap_ts_language_table_entry(lang, (TSStateId)st, (TSSymbol)sym, &b);
			assert_ptr_equal(a.actions, b.actions);
			assert_int_equal(a.action_count, b.action_count);
			assert_int_equal(a.is_reusable, b.is_reusable);
			n++;
		}
	return n;
}

static void t_memo_agrees(void **st)
{
	(void)st;
	const TSLanguage *lang = sg_bash_language();
	assert_true(lang->state_count > 1000 && lang->token_count > 50);
	sg_grammar_table_cache_after(0);
	size_t n = compare_all(lang);
	/* the probe passed and the table was used, so the second pass also
	 * compares answers taken from it */
	assert_true(sg_grammar_table_cache_used());
	assert_int_equal(compare_all(lang), n);
	/* the error symbols the parser asks about */
	sg_table_entry a, b;
	for (TSStateId s = 0; s < 4; s++) {
		__real_ts_language_table_entry(lang, s, (TSSymbol)-1, &a);
		__wrap_ts_language_table_entry(lang, s, (TSSymbol)-1, &b);
		assert_ptr_equal(a.actions, b.actions);
		assert_int_equal(a.action_count, b.action_count);
	}
}

/* Before SG_TS_TABLE_AFTER lookups (a single hook parse) nothing is
 * allocated. */
static void t_memo_lazy(void **st)
{
	(void)st;
	sg_grammar_table_cache_after(100);
	sg_table_entry e;
	for (int i = 0; i < 100; i++)
		__wrap_ts_language_table_entry(sg_bash_language(), 1, 1, &e);
	assert_false(sg_grammar_table_cache_used());
	__wrap_ts_language_table_entry(sg_bash_language(), 1, 1, &e);
	assert_true(sg_grammar_table_cache_used());
	sg_grammar_table_cache_after(4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_memo_agrees),
		cmocka_unit_test(t_memo_lazy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
static void t_not_built(void **st)
{
	(void)st;
	skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(t_not_built) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
