/*
 * inline.c - shell commands inside inline programs: `python -c`, `node -e`,
 * `perl -e`, `ruby -e`, `php -r`, an awk program, or code on a heredoc.
 *
 * The code is scanned (not executed, not parsed as its language) for the
 * calls the rule data names (wrappers of kind "inline": "calls", plus
 * backticks and awk's `| "cmd"`): the first argument of each, when it is a
 * string literal or a list of string literals, is judged as a shell command.
 * A call whose argument is anything else makes the interpreter command
 * *dynamic input*: it runs something only known at run time.
 *
 * The interpreter keeps its own verdict (it is not a transparent wrapper):
 * code that deletes or reads files without a shell is left to the rules.
 *
 * INVARIANT: every scan is linear in the code length, and at most
 * SG_MAX_VARIANTS commands are extracted per program.
 */
#include <ctype.h>
#include <string.h>

#include "lower.h"

/* Parses a string literal at s (quote ' " or `; python triple quotes);
 * decoded text into out. Returns bytes consumed, 0 if not a literal, and
 * *interp set when it has ${...} / #{...} interpolation. */
static size_t str_lit(const char *s, size_t n, sg_buf *out, int *interp)
{
	if (!n || (s[0] != '\'' && s[0] != '"' && s[0] != '`'))
		return 0;
	char q = s[0];
	size_t i = 1, ql = 1;
	if (n >= 3 && s[1] == q && s[2] == q && q != '`')
		ql = 3, i = 3;
	while (i < n) {
		if (s[i] == '\\' && i + 1 < n) {
			char e = s[i + 1];
			sg_buf_addc(out, e == 'n' ? '\n' : e == 't' ? '\t' : e);
			i += 2;
			continue;
		}
		if (s[i] == q && (ql == 1 || (i + 2 < n && s[i + 1] == q && s[i + 2] == q)))
			return i + ql;
		if ((q != '\'' && s[i] == '$' && i + 1 < n && s[i + 1] == '{') ||
		    (q == '"' && s[i] == '#' && i + 1 < n && s[i + 1] == '{'))
			*interp = 1;
		sg_buf_addc(out, s[i]);
		i++;
	}
	return 0;	/* unterminated */
}

static int word_boundary(const char *code, size_t at)
{
	if (at == 0)
		return 1;
	char p = code[at - 1];
	return !(isalnum((unsigned char)p) || p == '_');
}

/* The first argument after "name(" or "name " (perl/ruby call syntax):
 * a literal, or a [list] of literals joined as shell words. 1 static,
 * 0 not static, -1 no argument found. */
static int first_arg(const char *s, size_t n, sg_buf *cmd)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] == '(')
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
		i++;
	if (i >= n || s[i] == ')')
		return -1;
	int interp = 0;
	if (s[i] == '[') {
		/* ["rm", "-rf", "/"]: argv */
		i++;
		int any = 0;
		for (;;) {
			while (i < n && strchr(" \t\n,", s[i]))
				i++;
			if (i < n && s[i] == ']')
				return any && !interp ? 1 : 0;
			sg_buf w;
			sg_buf_init(&w);
			size_t l = str_lit(s + i, n - i, &w, &interp);
			if (!l) {
				sg_buf_free(&w);
				return 0;
			}
			if (any)
				sg_buf_addc(cmd, ' ');
			sg_buf_addc(cmd, '\'');
			for (size_t k = 0; k < w.len; k++) {
				if (w.data[k] == '\'')
					sg_buf_adds(cmd, "'\\''");
				else
					sg_buf_addc(cmd, w.data[k]);
			}
			sg_buf_addc(cmd, '\'');
			sg_buf_free(&w);
			any = 1;
			i += l;
		}
	}
	size_t l = str_lit(s + i, n - i, cmd, &interp);
	if (!l || interp)
		return 0;
	/* "cmd " + x: a literal followed by concatenation is not the whole string */
	size_t j = i + l;
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j < n && (s[j] == '+' || s[j] == '.' || s[j] == '%'))
		return 0;
	return 1;
}

static void judge(lctx *c, sg_cmd *cmd, const sg_word *code, const char *text, size_t len, int *n)
{
	if (*n >= SG_MAX_VARIANTS) {
		lower_limit(c, "SG_MAX_VARIANTS");
		return;
	}
	(*n)++;
	sg_word sw = lw_word_static(c, text, len, code->start, code->end);
	unwrap_lower_script(c, cmd, cmd->name, &sw, SG_C_SUBST);
}

/* Scans code for the wrapper's calls; returns the number of commands judged. */
static int scan(lctx *c, sg_cmd *cmd, const sg_wrapper *w, const sg_word *code)
{
	const char *s = code->text;
	size_t n = code->len;
	int judged = 0;
	for (size_t i = 0; i < n; i++) {
		sg_buf b;
		for (size_t k = 0; k < w->calls.n; k++) {
			const char *name = w->calls.v[k];
			size_t nl = strlen(name);
			if (i + nl > n || memcmp(s + i, name, nl) || !word_boundary(s, i))
				continue;
			char after = i + nl < n ? s[i + nl] : 0;
			if (isalnum((unsigned char)after) || after == '_')
				continue;
			sg_buf_init(&b);
			int r = first_arg(s + i + nl, n - i - nl, &b);
			if (r == 1)
				judge(c, cmd, code, b.data ? b.data : "", b.len, &judged);
			else if (r == 0)
				cmd->ctx |= SG_C_DYNAMIC_INPUT;
			sg_buf_free(&b);
			break;
		}
		if (w->backticks && s[i] == '`') {
			const char *e = memchr(s + i + 1, '`', n - i - 1);
			if (!e)
				break;
			judge(c, cmd, code, s + i + 1, (size_t)(e - s) - i - 1, &judged);
			i = (size_t)(e - s);
		}
		/* awk: print ... | "cmd"   and   "cmd" | getline */
		if (w->code_positional && s[i] == '|' && (i + 1 >= n || s[i + 1] != '|')) {
			size_t j = i + 1;
			while (j < n && s[j] == ' ')
				j++;
			int interp = 0;
			sg_buf_init(&b);
			if (j < n && s[j] == '"' && str_lit(s + j, n - j, &b, &interp))
				judge(c, cmd, code, b.data ? b.data : "", b.len, &judged);
			else if (j < n && strncmp(s + j, "getline", 7))
				cmd->ctx |= SG_C_DYNAMIC_INPUT;
			sg_buf_free(&b);
			if (i > 0) {
				/* "cmd" | getline: the literal before the bar */
				size_t e = i;
				while (e > 0 && s[e - 1] == ' ')
					e--;
				if (e > 0 && s[e - 1] == '"' && j + 7 <= n && !strncmp(s + j, "getline", 7)) {
					size_t st = e - 1;
					while (st > 0 && s[st - 1] != '"')
						st--;
					if (st > 0)
						judge(c, cmd, code, s + st, e - 1 - st, &judged);
				}
			}
		}
	}
	return judged;
}

int unwrap_inline(lctx *c, sg_cmd *cmd, const sg_wrapper *w)
{
	const sg_word *code = NULL;
	size_t i;
	for (i = 1; i < cmd->argc; i++)
		if (sg_strlist_has(&w->no_exec_options, cmd->argv[i].text))
			return 0;	/* awk -f FILE: the program is elsewhere */
	for (i = 1; i < cmd->argc; i++) {
		const sg_word *a = &cmd->argv[i];
		for (size_t k = 0; k < w->code_options.n && !code; k++) {
			const char *o = w->code_options.v[k];
			if (!strcmp(a->text, o) && i + 1 < cmd->argc)
				code = &cmd->argv[i + 1];
		}
		if (code)
			break;
	}
	if (!code && w->code_positional && cmd->npositional)
		code = &cmd->argv[cmd->positional[0]];
	if (!code && !cmd->npositional) {
		/* python3 <<EOF ... EOF: the program is on stdin */
		for (size_t r = 0; r < cmd->nredirs; r++)
			if (cmd->redirs[r].is_heredoc || cmd->redirs[r].is_herestring)
				code = &cmd->redirs[r].target;
	}
	if (!code)
		return 0;
	if (code->flags & SG_W_DYNAMIC)
		cmd->ctx |= SG_C_DYNAMIC_INPUT;	/* part of the program is only known at run time */
	scan(c, cmd, w, code);
	return 0;	/* the interpreter keeps its own verdict */
}
