/*
 * test_hints.c - `exec --hints`: the stderr scanner and the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exec_hints.h"

static unsigned feed_in_pieces(const char *s, size_t piece, int (*hidden)(const char *, void *), void *ctx)
{
	sg_hint_scan st;
	memset(&st, 0, sizeof st);
	st.hidden = hidden;
	st.ctx = ctx;
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i += piece)
		sg_hint_scan_feed(&st, s + i, n - i < piece ? n - i : piece);
	return st.seen;
}

static void test_patterns_across_chunks(void **state)
{
	(void)state;
	const char *net = "fetching...\ncurl: (6) Could not resolve host: example.com\n";
	/* every split point, down to one byte at a time */
	for (size_t piece = 1; piece <= strlen(net); piece++)
		assert_int_equal(feed_in_pieces(net, piece, NULL, NULL), SG_HINT_NET);
	assert_int_equal(feed_in_pieces("touch: cannot touch '/usr/x': Read-only file system\n", 3, NULL, NULL),
			 SG_HINT_WRITE);
	assert_int_equal(feed_in_pieces("unshare: unshare failed: Operation not permitted\n", 5, NULL, NULL),
			 SG_HINT_DENIED);
	assert_int_equal(feed_in_pieces("FAIL test_add: expected 2, got 3\n", 4, NULL, NULL), 0);
}

static void test_long_output_before_the_pattern(void **state)
{
	(void)state;
	size_t n = 100000;
	char *big = malloc(n + 64);
	assert_non_null(big);
	memset(big, 'x', n);
	strcpy(big + n, "Network is unreachable\n");
	assert_int_equal(feed_in_pieces(big, 8192, NULL, NULL), SG_HINT_NET);
	assert_int_equal(feed_in_pieces(big, 4097, NULL, NULL), SG_HINT_NET);
	free(big);
}

static const char *asked[8];
static int nasked;

static int fake_hidden(const char *path, void *ctx)
{
	(void)ctx;
	if (nasked < 8)
		asked[nasked++] = strdup(path);
	return !strcmp(path, "/var/tmp/out");
}

static void test_missing_path_check(void **state)
{
	(void)state;
	nasked = 0;
	unsigned s = feed_in_pieces("bash: line 1: /var/tmp/out: No such file or directory\n", 7, fake_hidden, NULL);
	assert_int_equal(s, SG_HINT_HIDDEN);
	assert_int_equal(nasked, 1);
	assert_string_equal(asked[0], "/var/tmp/out");
	/* a relative path is not asked about; a path that is not hidden gives nothing */
	nasked = 0;
	assert_int_equal(feed_in_pieces("cat: nothere: No such file or directory\n", 2, fake_hidden, NULL), 0);
	assert_int_equal(nasked, 0);
	assert_int_equal(feed_in_pieces("ls: cannot access '/opt/none': No such file or directory", 64, fake_hidden,
					NULL),
			 0);	/* last line without a newline is not checked by the scanner itself */
	for (int i = 0; i < 8 && i < nasked; i++)
		free((void *)asked[i]);
}

static void test_message(void **state)
{
	(void)state;
	char m[2048];
	sg_hint_message(SG_HINT_NET, 0, "/p", m, sizeof m);
	assert_string_equal(m, "");	/* success: nothing to say */
	sg_hint_message(SG_HINT_NET, SG_HINT_EXIT_SETUP, "/p", m, sizeof m);
	assert_string_equal(m, "");	/* exec's own failure already said why */
	sg_hint_message(0, 1, "/p", m, sizeof m);
	assert_string_equal(m, "");
	sg_hint_message(SG_HINT_NET, 6, "/p", m, sizeof m);
	assert_non_null(strstr(m, "reach the network"));
	assert_non_null(strstr(m, "ask the user"));
	assert_non_null(strstr(m, "/p"));
	sg_hint_message(SG_HINT_HIDDEN, 1, "/p", m, sizeof m);
	assert_non_null(strstr(m, "read-only or hidden"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns_across_chunks),
		cmocka_unit_test(test_long_output_before_the_pattern),
		cmocka_unit_test(test_missing_path_check),
		cmocka_unit_test(test_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
