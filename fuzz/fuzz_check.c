/*
 * fuzz_check.c - command text -> sg_engine_judge with the built-in packs.
 *
 * Beyond "no crash", every input A is checked for:
 *  - a decision that is allow, ask or deny, never allow with the
 *    unparsable/limit/error flags, and JSON (verdict and IR) that parses back
 *    with the same decision (fuzz_common.h);
 *  - strictest wins: `A && B`, `B && A`, `A; B`, `B; A`, `A | B`,
 *    `echo $(A)` are never looser than A alone;
 *  - wrapping never loosens: `bash -c 'A'` (quoted properly), `sudo A`,
 *    `env A`, `command A`, `( A )`.
 * B is `true`, a command every pack allows, so a looser composite can only
 * come from how A was read. `B | A` is not checked: A then runs as the last
 * pipeline stage, in the current shell under zsh or lastpipe and in a
 * subshell otherwise, so a cd in A makes the directory unknown (ask) where
 * A alone may be judged in a known one.
 *
 * A pair in which a parse ran into the parse timeout (a loaded machine) is
 * judged again and skipped if it times out again: the unparsable floor
 * then says nothing about how A was read.
 *
 * `bash -c 'A'` is skipped when A names a positional or special parameter
 * ($#, $@, $*, $0..$9, ${#...}): bash -c sets them (no arguments: $# is 0),
 * so the script is rightly known better than A alone, where they are the
 * caller's and unknown. It is also skipped when A starts with '-' or '+':
 * bash then takes A for options (`bash -c '+dd'` runs nothing: "+d:
 * invalid option"), not for the script.
 *
 * Forms that put text after A close with a newline first where A could end
 * in a comment (`( A` NL `)`); `A && B` is kept literal, since a comment in A
 * then swallows B and the composite must still be as strict as A.
 */
#include <stdint.h>

#include "fuzz_common.h"
#include "parse.h"

typedef struct form {
	const char *name;
	const char *pre, *post;
	int quote;	/* single-quote A for bash -c '...' */
	int prefix_only;	/* a wrapper that reads options: skip when A starts with '-' etc. */
} form;

static const form forms[] = {
	{ "A && B", "", " && true", 0, 0 },
	{ "B && A", "true && ", "", 0, 0 },
	{ "A; B", "", "; true", 0, 0 },
	{ "B; A", "true; ", "", 0, 0 },
	{ "A | B", "", " | cat", 0, 0 },
	{ "$(A)", "echo $( ", "\n)", 0, 0 },
	{ "bash -c 'A'", "bash -c '", "'", 1, 0 },
	{ "sudo A", "sudo ", "", 0, 1 },
	{ "env A", "env ", "", 0, 1 },
	{ "command A", "command ", "", 0, 1 },
	{ "( A )", "( ", "\n)", 0, 0 },
};

/* A wrapper applies to one simple command: `sudo f() { ...; }; f` or
 * `sudo cd x; rm y` mean something else than A, and the wrapper's own
 * options or assignments change what it does (`sudo -l`, `env X=1` prints
 * the environment). So the prefix forms are checked only when A is a single
 * simple command that parses cleanly and starts with a plain word. */
static int single_command(const char *a, size_t n)
{
	static sg_parser *p;
	if (!p && !(p = sg_parser_new(NULL)))
		abort();
	size_t i = 0;
	while (i < n && (a[i] == ' ' || a[i] == '\t'))
		i++;
	if (i == n || a[i] == '-' || a[i] == '+' || memchr(a, 0, n))
		return 0;
	size_t k = i;
	while (k < n && a[k] != ' ' && a[k] != '\t' && a[k] != '\n')
		if (a[k++] == '=')
			return 0;
	int st;
	TSTree *t = sg_parse(p, a, n, &st);
	if (!t)
		return 0;
	TSNode root = ts_tree_root_node(t);
	int ok = !ts_node_has_error(root) && ts_node_named_child_count(root) == 1 &&
		 !strcmp(ts_node_type(ts_node_named_child(root, 0)), "command");
	ts_tree_delete(t);
	return ok;
}

/* does A mention $#, $@, $*, $0..$9 or ${ followed by one of those? */
static int names_positional(const char *a, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (a[i] != '$')
			continue;
		char c = a[i + 1];
		if (c == '{' && i + 2 < n)
			c = a[i + 2];
		if (c == '#' || c == '@' || c == '*' || (c >= '0' && c <= '9'))
			return 1;
	}
	return 0;
}

static void report(const char *what, const char *a, size_t alen, const char *c, size_t clen, sg_decision da,
		   sg_decision dc)
{
	FUZZ_FAIL("%s is looser than A: A=%s composite=%s\n  A: %.*s\n  composite: %.*s", what, sg_decision_name(da),
		  sg_decision_name(dc), (int)(alen > 300 ? 300 : alen), a, (int)(clen > 400 ? 400 : clen), c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	const char *a = (const char *)data;
	unsigned fa = 0;
	unsigned long t0 = sg_parse_timeouts();
	sg_decision da = fuzz_judge(a, size, &fa);
	int timed_out_a = sg_parse_timeouts() != t0;
	if (da == SG_ALLOW && (fa & (SG_V_UNPARSABLE | SG_V_LIMIT | SG_V_ENGINE_ERROR)))
		FUZZ_FAIL("allow with flags 0x%x", fa);
	sg_buf c;
	sg_buf_init(&c);
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		const form *f = &forms[i];
		if (f->prefix_only && !single_command(a, size))
			continue;
		/* text appended or prepended to an input with a syntax error can
		 * complete it into another command (`dd x) $(y` inside `$( )`);
		 * only the quoted script keeps A's text as one unit */
		if ((fa & SG_V_UNPARSABLE) && !f->quote)
			continue;
		if (f->quote && (names_positional(a, size) || (size && (a[0] == '-' || a[0] == '+'))))
			continue;
		sg_buf_reset(&c);
		sg_buf_adds(&c, f->pre);
		if (f->quote) {
			for (size_t k = 0; k < size; k++) {
				if (a[k] == '\'')
					sg_buf_adds(&c, "'\\''");
				else
					sg_buf_addc(&c, a[k]);
			}
		} else {
			sg_buf_add(&c, a, size);
		}
		sg_buf_adds(&c, f->post);
		unsigned long before = sg_parse_timeouts();
		sg_decision dc = fuzz_judge(c.data, c.len, NULL);
		/* a parse that ran into SG_PARSE_TIMEOUT_US (on a loaded machine,
		 * for A or the composite) makes that verdict the unparsable floor,
		 * so the two are not comparable: judge both again, and skip the
		 * pair if a parse times out again (as fuzz/agree.h does) */
		if (dc < da && (timed_out_a || sg_parse_timeouts() != before)) {
			before = sg_parse_timeouts();
			sg_decision da2 = fuzz_judge(a, size, NULL);
			dc = fuzz_judge(c.data, c.len, NULL);
			if (sg_parse_timeouts() != before)
				continue;
			if (dc < da2)
				report(f->name, a, size, c.data, c.len, da2, dc);
			continue;
		}
		if (dc < da)
			report(f->name, a, size, c.data, c.len, da, dc);
	}
	sg_buf_free(&c);
	return 0;
}
