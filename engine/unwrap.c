/*
 * unwrap.c - commands that run other commands. Which programs are wrappers,
 * which of their options take values and where the inner command starts is
 * data (rule files, "wrappers"); this file only knows the six kinds:
 * exec, shell, eval, xargs, find, join (docs/RULES.md).
 *
 * Also splits every command's arguments into short flags, long flags and
 * positionals with the program's data (options that take a value).
 */
#include <string.h>

#include "lower.h"
#include "paths.h"

/* ---- option helpers ------------------------------------------------------------ */

static int is_opt(const sg_word *w)
{
	return !(w->flags & SG_W_DYNAMIC) && w->len > 1 && w->text[0] == '-';
}

static const char *long_name(sg_arena *A, const sg_word *w)
{
	const char *eq = strchr(w->text, '=');
	return eq ? sg_arena_strndup(A, w->text, (size_t)(eq - w->text)) : w->text;
}

static int short_in(const sg_strlist *l, char ch)
{
	char o[3] = { '-', ch, 0 };
	return sg_strlist_has(l, o);
}

typedef struct svec {
	const char **v;
	size_t n, cap;
} svec;

static void svec_push(sg_arena *A, svec *s, const char *x)
{
	s->v = sg_arena_grow(A, (void *)s->v, s->n, &s->cap, sizeof *s->v);
	s->v[s->n++] = x;
}

void unwrap_classify_args(lctx *c, sg_cmd *cmd)
{
	sg_arena *A = c->st->A;
	const sg_program *pr = sg_rules_program(c->st->rs, cmd->name);
	static const sg_strlist empty = { 0 };
	const sg_strlist *wv = pr ? &pr->options_with_value : &empty;
	svec sf = { 0 }, lf = { 0 };
	size_t *pos = sg_arena_alloc(A, (cmd->argc + 1) * sizeof *pos);
	size_t np = 0;
	int ended = 0;
	for (size_t i = 1; i < cmd->argc; i++) {
		const sg_word *w = &cmd->argv[i];
		if (ended || !is_opt(w)) {
			pos[np++] = i;
			continue;
		}
		if (!strcmp(w->text, "--")) {
			ended = 1;
			continue;
		}
		if (w->text[1] == '-') {
			const char *nm = long_name(A, w);
			svec_push(A, &lf, nm);
			if (!strchr(w->text, '=') && sg_strlist_has(wv, nm))
				i++;
			continue;
		}
		for (size_t k = 1; k < w->len; k++) {
			char o[2] = { w->text[k], 0 };
			svec_push(A, &sf, sg_arena_strdup(A, o));
			if (short_in(wv, w->text[k])) {
				if (k + 1 == w->len)
					i++;
				break;
			}
		}
	}
	cmd->shortflags = sf.v;
	cmd->nshort = sf.n;
	cmd->longflags = lf.v;
	cmd->nlong = lf.n;
	cmd->positional = pos;
	cmd->npositional = np;
	/* chdir options of the program itself (git -C, make -C, tar -C) */
	if (pr && pr->chdir_options.n) {
		for (size_t i = 1; i + 1 < cmd->argc; i++) {
			const sg_word *w = &cmd->argv[i];
			if (is_opt(w) && sg_strlist_has(&pr->chdir_options, w->text)) {
				const sg_word *d = &cmd->argv[i + 1];
				const char *nd = NULL;
				if (!(d->flags & (SG_W_DYNAMIC | SG_W_GLOB)))
					nd = sg_path_resolve(A, d->text, c->cwd, c->st->ir->home);
				for (size_t k = i + 2; k < cmd->argc; k++)
					cmd->argv[k].base_cwd = nd;
			}
		}
	}
}

/* ---- emitting the inner command ------------------------------------------------- */

static sg_cmd *emit_inner(lctx *c, sg_cmd *outer, const char *wname, sg_word *words, size_t n,
			  sg_assign *as, size_t nas, const char *cwd, int cwd_set, unsigned ctx,
			  sg_cmd **fed, size_t nfed)
{
	if (n == 0)
		return NULL;
	lctx sub = *c;
	sub.nesting = c->nesting + 1;
	sub.parent = outer;
	sub.wrappers = c->wrappers && *c->wrappers ? sg_arena_printf(c->st->A, "%s > %s", c->wrappers, wname)
						   : wname;
	if (cwd_set)
		sub.cwd = cwd;
	sg_word *copy = sg_arena_alloc(c->st->A, n * sizeof *copy);
	memcpy(copy, words, n * sizeof *copy);
	if (cwd_set)
		for (size_t i = 0; i < n; i++)
			copy[i].base_cwd = cwd;
	/* the wrapper's redirections are the inner command's too (`sudo bash
	 * <<< script` feeds bash) */
	sg_cmd *r = emit_command(&sub, copy, n, as, nas, outer->redirs, outer->nredirs, fed, nfed, words[0].start,
				 outer->end, ctx);
	/* state changes of the inner command (cd) do not leak: it is a child */
	return r;
}

static void lower_script(lctx *c, sg_cmd *outer, const char *wname, const sg_word *script,
			 const sg_word *rest, size_t nrest, unsigned ctx, sg_cmd **fed, size_t nfed)
{
	if (script->flags & SG_W_DYNAMIC) {
		outer->ctx |= SG_C_DYNAMIC_INPUT;
		return;
	}
	const char **params = NULL;
	int np = -1;
	const char *arg0 = NULL;
	if (rest) {
		int dyn = 0;
		for (size_t i = 0; i < nrest; i++)
			dyn |= (rest[i].flags & SG_W_DYNAMIC) != 0;
		if (!dyn) {
			if (nrest >= 1)
				arg0 = rest[0].text;
			np = nrest > 1 ? (int)nrest - 1 : 0;
			params = sg_arena_alloc(c->st->A, ((size_t)np + 1) * sizeof *params);
			for (int i = 0; i < np; i++)
				params[i] = rest[i + 1].text;
		}
	} else {
		np = 0;
		params = sg_arena_alloc(c->st->A, sizeof *params);
	}
	const char *saved0 = c->arg0;
	c->arg0 = arg0;
	lower_text(c, script->text, script->len, script->start, script->end, script->exact, script->text_top,
		   ctx, wname, outer, params, np, fed, nfed);
	c->arg0 = saved0;
}

void unwrap_lower_script(lctx *c, sg_cmd *outer, const char *wname, const sg_word *script, unsigned ctx)
{
	lower_script(c, outer, wname, script, NULL, 0, ctx, NULL, 0);
}

/* ---- kinds ------------------------------------------------------------------------ */

static sg_cmd *emit_inner(lctx *c, sg_cmd *outer, const char *wname, sg_word *words, size_t n,
			  sg_assign *as, size_t nas, const char *cwd, int cwd_set, unsigned ctx,
			  sg_cmd **fed, size_t nfed);

/* What xargs/parallel read from stdin, when a feeder prints static text (no
 * -a/--arg-file: then the input is a file we do not read). */
static const char *xargs_static_input(lctx *c, sg_cmd *cmd)
{
	for (size_t i = 1; i < cmd->argc; i++) {
		const char *t = cmd->argv[i].text;
		if (!strcmp(t, "-a") || !strncmp(t, "--arg-file", 10) || !strcmp(t, "::::") || !strcmp(t, "-0") ||
		    !strcmp(t, "--null") || !strncmp(t, "-d", 2) || !strncmp(t, "--delimiter", 11))
			return NULL;	/* items from a file, or split another way */
	}
	if (cmd->nfed_by != 1)
		return NULL;
	return sg_lower_static_output(c, cmd->fed_by[0]);
}

/* split static input into items: lines, or blank-separated words */
static size_t split_items(lctx *c, const char *in, int lines, const char **out, size_t max)
{
	size_t n = 0;
	const char *p = in;
	while (*p && n < max) {
		while (*p && (lines ? *p == '\n' : strchr(" \t\n", *p) != NULL))
			p++;
		if (!*p)
			break;
		size_t l = lines ? strcspn(p, "\n") : strcspn(p, " \t\n");
		out[n++] = sg_arena_strndup(c->st->A, p, l);
		p += l;
	}
	if (*p && n == max)
		lower_limit(c, "SG_MAX_VARIANTS");
	return n;
}

static void xargs_runs(lctx *c, sg_cmd *cmd, const lwords *inner, const char *input, const char *repl,
		       sg_assign *as, size_t nas, const char *cwd, int cwd_set)
{
	const char *items[SG_MAX_VARIANTS];
	size_t n = split_items(c, input, repl != NULL, items, SG_MAX_VARIANTS);
	if (!repl) {
		/* xargs CMD: every item appended to one run */
		lwords w = { 0 };
		for (size_t k = 0; k < inner->n; k++)
			if (!(inner->w[k].flags & SG_W_DYNAMIC) || inner->w[k].len)
				lwords_push(c, &w, &inner->w[k]);
		for (size_t k = 0; k < n; k++) {
			sg_word x = lw_word_static(c, items[k], strlen(items[k]), cmd->start, cmd->end);
			x.base_cwd = c->cwd;
			lwords_push(c, &w, &x);
		}
		emit_inner(c, cmd, cmd->name, w.w, w.n, as, nas, cwd, cwd_set, SG_C_XARGS_ARGS, cmd->fed_by, cmd->nfed_by);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		lwords w = { 0 };
		for (size_t j = 0; j < inner->n; j++) {
			sg_word x = inner->w[j];
			const char *at = strstr(x.text, repl);
			if (at) {
				sg_buf b;
				sg_buf_init(&b);
				const char *t = x.text;
				while ((at = strstr(t, repl))) {
					sg_buf_add(&b, t, (size_t)(at - t));
					sg_buf_adds(&b, items[k]);
					t = at + strlen(repl);
				}
				sg_buf_adds(&b, t);
				x = lw_word_static(c, b.data, b.len, x.start, x.end);
				sg_buf_free(&b);
			}
			lwords_push(c, &w, &x);
		}
		emit_inner(c, cmd, cmd->name, w.w, w.n, as, nas, cwd, cwd_set, SG_C_XARGS_ARGS, cmd->fed_by, cmd->nfed_by);
	}
}

static int unwrap_exec(lctx *c, sg_cmd *cmd, const sg_wrapper *w, int xargs)
{
	sg_arena *A = c->st->A;
	lwords prefix = { 0 };
	sg_assign *as = NULL;
	size_t nas = 0, i = 1;
	int skip = w->skip_positionals, ran = 0;
	const char *cwd = c->cwd;
	int cwd_set = 0;
	const char *repl = NULL;
	while (i < cmd->argc) {
		sg_word *a = &cmd->argv[i];
		if (!(a->flags & SG_W_DYNAMIC) && !strcmp(a->text, "--")) {
			i++;
			break;
		}
		if (is_opt(a) && !(a->flags & SG_W_SUBST)) {
			/* (an "option" built by a substitution is not trusted as one:
			 * it is judged as the start of the inner command) */
			const char *nm = a->text[1] == '-' ? long_name(A, a) : NULL;
			char so[3] = { '-', a->text[1], 0 };
			const char *key = nm ? nm : so;
			const char *val = NULL;
			const sg_word *valw = NULL;
			int takes = sg_strlist_has(&w->options_with_value, key) ||
				    sg_strlist_has(&w->shell_options, key) ||
				    sg_strlist_has(&w->split_options, key) ||
				    sg_strlist_has(&w->chdir_options, key) ||
				    (sg_strlist_has(&w->replace_options, key) && strcmp(key, "-i"));
			if (sg_strlist_has(&w->no_exec_options, key))
				return 1;
			if (sg_strlist_has(&w->replace_options, key) && ((nm && !strchr(a->text, '=')) || !strcmp(a->text, "-i"))) {
				/* --replace / -i alone: the replace string is {} */
				repl = "{}";
				i++;
				continue;
			}
			if (nm && strchr(a->text, '=')) {
				val = strchr(a->text, '=') + 1;
			} else if (!nm && a->len > 2 && takes) {
				val = a->text + 2;
			} else if (!nm && a->len > 2) {
				/* clustered flags: -Eu root -> look for a value option inside */
				for (size_t k = 1; k < a->len; k++) {
					if (short_in(&w->no_exec_options, a->text[k]))
						return 1;
					if (short_in(&w->options_with_value, a->text[k]) ||
					    short_in(&w->shell_options, a->text[k])) {
						so[1] = a->text[k];
						key = so;
						takes = 1;
						if (k + 1 < a->len)
							val = a->text + k + 1;
						break;
					}
				}
				if (!takes) {
					i++;
					continue;
				}
			}
			if (takes && !val && i + 1 < cmd->argc) {
				valw = &cmd->argv[++i];
				val = valw->text;
			}
			i++;
			if (!val)
				continue;
			if (sg_strlist_has(&w->shell_options, key)) {
				sg_word sw = valw ? *valw : lw_word_static(c, val, strlen(val), a->start, a->end);
				if (!valw && (a->flags & SG_W_DYNAMIC))
					sw.flags |= SG_W_DYNAMIC;
				lower_script(c, cmd, cmd->name, &sw, NULL, 0, 0, cmd->fed_by, cmd->nfed_by);
				ran = 1;
			} else if (sg_strlist_has(&w->split_options, key)) {
				lw_lex(c, val, strlen(val), a->start, valw ? valw->end : a->end, &prefix);
			} else if (sg_strlist_has(&w->chdir_options, key)) {
				cwd = (valw && (valw->flags & SG_W_DYNAMIC)) ? NULL
									   : sg_path_resolve(A, val, c->cwd, c->st->ir->home);
				cwd_set = 1;
			} else if (sg_strlist_has(&w->replace_options, key)) {
				repl = val;
			}
			continue;
		}
		if (w->assignments && strchr(a->text, '=') &&
		    (size_t)(strchr(a->text, '=') - a->text) < a->static_prefix &&
		    lw_is_name(a->text, (size_t)(strchr(a->text, '=') - a->text))) {
			sg_assign *na = sg_arena_alloc(A, (nas + 1) * sizeof *na);
			if (nas)
				memcpy(na, as, nas * sizeof *na);
			as = na;
			const char *eq = strchr(a->text, '=');
			as[nas].name = sg_arena_strndup(A, a->text, (size_t)(eq - a->text));
			as[nas].value = lw_word_static(c, eq + 1, strlen(eq + 1), a->start, a->end);
			if (a->flags & SG_W_DYNAMIC)
				as[nas].value.flags |= SG_W_DYNAMIC, as[nas].value.static_prefix = 0;
			nas++;
			i++;
			continue;
		}
		if (skip > 0) {
			skip--;
			i++;
			continue;
		}
		break;
	}
	if (w->no_inner)
		return ran;
	lwords inner = { 0 };
	size_t pk = 0;
	/* env -S 'A=b cmd': the split words are processed like arguments, so
	 * leading assignments stay assignments */
	while (w->assignments && pk < prefix.n && strchr(prefix.w[pk].text, '=') &&
	       lw_is_name(prefix.w[pk].text, (size_t)(strchr(prefix.w[pk].text, '=') - prefix.w[pk].text))) {
		const char *eq = strchr(prefix.w[pk].text, '=');
		sg_assign *na = sg_arena_alloc(A, (nas + 1) * sizeof *na);
		if (nas)
			memcpy(na, as, nas * sizeof *na);
		as = na;
		as[nas].name = sg_arena_strndup(A, prefix.w[pk].text, (size_t)(eq - prefix.w[pk].text));
		as[nas].value = lw_word_static(c, eq + 1, strlen(eq + 1), prefix.w[pk].start, prefix.w[pk].end);
		nas++;
		pk++;
	}
	for (size_t k = pk; k < prefix.n; k++)
		lwords_push(c, &inner, &prefix.w[k]);
	if (pk == prefix.n) {
		/* assignments after the split words too (env -S 'A=1' B=2 cmd) */
		while (w->assignments && i < cmd->argc && strchr(cmd->argv[i].text, '=') &&
		       (size_t)(strchr(cmd->argv[i].text, '=') - cmd->argv[i].text) < cmd->argv[i].static_prefix &&
		       lw_is_name(cmd->argv[i].text, (size_t)(strchr(cmd->argv[i].text, '=') - cmd->argv[i].text)))
			i++;
	}
	const char *xin = xargs ? xargs_static_input(c, cmd) : NULL;
	for (size_t k = i; k < cmd->argc; k++) {
		sg_word x = cmd->argv[k];
		if (xargs && repl && !xin && strstr(x.text, repl)) {
			size_t off = (size_t)(strstr(x.text, repl) - x.text);
			x.flags |= SG_W_DYNAMIC;
			if (off < x.static_prefix)
				x.static_prefix = off;
		}
		lwords_push(c, &inner, &x);
	}
	if (xargs) {
		if (inner.n == 0) {
			sg_word e = lw_word_static(c, "echo", 4, cmd->start, cmd->end);
			lwords_push(c, &inner, &e);
		}
		const char *items = xin;
		if (items) {
			/* the input is known (echo / | xargs rm -rf): one run per item
			 * with -I, else the items appended */
			xargs_runs(c, cmd, &inner, items, repl, as, nas, cwd, cwd_set);
			return 1;
		}
		if (!repl) {
			/* arguments arrive from stdin: paths unknown, or below find's roots */
			const char *root = NULL;
			for (size_t f = 0; f < cmd->nfed_by; f++) {
				sg_cmd *up = cmd->fed_by[f];
				if (up->name && !strcmp(up->name, "find") && up->npositional)
					root = up->argv[up->positional[0]].text;
			}
			sg_word d = lw_word_static(c, root ? root : "", root ? strlen(root) : 0, cmd->end, cmd->end);
			if (root) {
				d.text = sg_arena_printf(A, "%s/{}", root);
				d.len = strlen(d.text);
				d.static_prefix = d.len;
			} else {
				d.text = "{stdin}";
				d.len = 7;
				d.static_prefix = 0;
				d.flags |= SG_W_DYNAMIC;
			}
			d.start = cmd->start;
			d.end = cmd->end;
			lwords_push(c, &inner, &d);
		}
	}
	if (inner.n == 0)
		return ran;
	emit_inner(c, cmd, cmd->name, inner.w, inner.n, as, nas, cwd, cwd_set, xargs ? SG_C_XARGS_ARGS : 0,
		   cmd->fed_by, cmd->nfed_by);
	return 1;
}

/* The script is whatever the feeders print: known when one of them prints
 * static text (echo, printf, cat <<EOF), else the input is dynamic. */
static int script_from_feeders(lctx *c, sg_cmd *cmd)
{
	int known = 0;
	for (size_t f = 0; f < cmd->nfed_by; f++) {
		const char *out = sg_lower_static_output(c, cmd->fed_by[f]);
		if (out) {
			sg_word sw = lw_word_static(c, out, strlen(out), cmd->fed_by[f]->start, cmd->fed_by[f]->end);
			lower_script(c, cmd, cmd->name, &sw, NULL, 0, 0, NULL, 0);
			known = 1;
		}
	}
	if (!known)
		cmd->ctx |= SG_C_DYNAMIC_INPUT;
	return 1;
}

/* source FILE / . FILE: only a <( ) file has a script we can see */
static int unwrap_source(lctx *c, sg_cmd *cmd)
{
	if (cmd->npositional < 1)
		return 0;
	sg_word *f = &cmd->argv[cmd->positional[0]];
	if (f->flags & SG_W_PROCSUBST)
		return script_from_feeders(c, cmd);
	if (!(f->flags & SG_W_DYNAMIC))
		(void)lower_written_script(c, cmd, f->text);
	if (!strcmp(f->text, "/dev/stdin") || !strcmp(f->text, "/dev/fd/0")) {
		for (size_t r = 0; r < cmd->nredirs; r++)
			if (cmd->redirs[r].is_heredoc || cmd->redirs[r].is_herestring) {
				lower_script(c, cmd, cmd->name, &cmd->redirs[r].target, NULL, 0, 0, NULL, 0);
				return 1;
			}
		if (cmd->nfed_by)
			return script_from_feeders(c, cmd);
		cmd->ctx |= SG_C_DYNAMIC_INPUT;
		return 1;
	}
	return 0;
}

static int unwrap_shell(lctx *c, sg_cmd *cmd, const sg_wrapper *w)
{
	size_t i = 1;
	int want = 0;
	while (i < cmd->argc) {
		sg_word *a = &cmd->argv[i];
		if (a->flags & SG_W_DYNAMIC)
			break;
		if (!strcmp(a->text, "--") || !strcmp(a->text, "-")) {
			i++;
			break;
		}
		const char *eq = a->text[0] == '-' && a->text[1] == '-' ? strchr(a->text, '=') : NULL;
		if (eq && eq > a->text + 2 &&
		    strspn(a->text + 2, "abcdefghijklmnopqrstuvwxyz-") == (size_t)(eq - a->text - 2)) {
			/* --init-file=PATH, --rcfile=PATH: a long option whatever its value */
			i++;
			continue;
		}
		if ((a->text[0] == '-' || a->text[0] == '+') && a->len > 1 &&
		    strspn(a->text + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-=_.") ==
			    a->len - 1) {
			/* (a word with blanks or operators is not an option cluster:
			 * after -c it is judged as the script, stricter) */
			if (a->text[1] == '-') {
				if (!strchr(a->text, '=') && sg_strlist_has(&w->options_with_value, a->text))
					i++;
				i++;
				continue;
			}
			int val = 0;
			for (size_t k = 1; k < a->len; k++) {
				if (a->text[k] == 'c')
					want = 1;
				else if (a->text[k] == 'n' && a->text[0] == '-')
					return 1;	/* -n: read commands, execute nothing */
				else if (short_in(&w->options_with_value, a->text[k]))
					val = 1;
			}
			i += 1 + (size_t)val;
			continue;
		}
		break;
	}
	if (want) {
		if (i >= cmd->argc)
			return 1;	/* -c without a script: an error, nothing runs */
		lower_script(c, cmd, cmd->name, &cmd->argv[i], cmd->argv + i + 1, cmd->argc - i - 1, 0, cmd->fed_by,
			     cmd->nfed_by);
		return 1;
	}
	if (i < cmd->argc && (cmd->argv[i].flags & SG_W_PROCSUBST)) {
		/* bash <(...): the script is the output of the substitution */
		return script_from_feeders(c, cmd);
	}
	if (i < cmd->argc && strcmp(cmd->argv[i].text, "/dev/stdin") && strcmp(cmd->argv[i].text, "/dev/fd/0") &&
	    strcmp(cmd->argv[i].text, "/proc/self/fd/0")) {
		/* a script file: judged as `bash FILE`, and its text when this
		 * same input wrote it */
		(void)lower_written_script(c, cmd, cmd->argv[i].text);
		return 0;
	}
	/* the script comes from stdin */
	for (size_t r = 0; r < cmd->nredirs; r++) {
		const sg_redir *rd = &cmd->redirs[r];
		if ((rd->is_heredoc || rd->is_herestring) && (rd->fd < 0 || rd->fd == 0)) {
			cmd->ctx |= SG_C_STDIN_SCRIPT;
			lower_script(c, cmd, cmd->name, &rd->target, NULL, 0, 0, NULL, 0);
			return 1;
		}
		if (rd->is_read && !rd->is_heredoc && !rd->is_herestring) {
			cmd->ctx |= SG_C_STDIN_SCRIPT | SG_C_DYNAMIC_INPUT;
			return 1;
		}
	}
	if (cmd->nfed_by) {
		cmd->ctx |= SG_C_STDIN_SCRIPT;
		int known = 0;
		for (size_t f = 0; f < cmd->nfed_by; f++) {
			/* a heredoc or a single echo argument: judge the word itself,
			 * so spans point into it */
			const sg_cmd *up = cmd->fed_by[f];
			const sg_word *direct = NULL;
			if (up->name && !strcmp(up->name, "cat") && up->argc == 1) {
				for (size_t r = 0; r < up->nredirs; r++)
					if ((up->redirs[r].is_heredoc || up->redirs[r].is_herestring) &&
					    !(up->redirs[r].target.flags & SG_W_DYNAMIC))
						direct = &up->redirs[r].target;
			} else if (up->name && !strcmp(up->name, "echo") && up->argc == 2 && up->argv[1].text[0] != '-' &&
				   !(up->argv[1].flags & (SG_W_DYNAMIC | SG_W_GLOB)) && !strchr(up->argv[1].text, '\\')) {
				direct = &up->argv[1];
			}
			if (direct) {
				lower_script(c, cmd, cmd->name, direct, NULL, 0, 0, NULL, 0);
				known = 1;
				continue;
			}
			const char *out = sg_lower_static_output(c, cmd->fed_by[f]);
			if (out) {
				sg_word sw = lw_word_static(c, out, strlen(out), cmd->fed_by[f]->start, cmd->fed_by[f]->end);
				lower_script(c, cmd, cmd->name, &sw, NULL, 0, 0, NULL, 0);
				known = 1;
			}
		}
		if (!known)
			cmd->ctx |= SG_C_DYNAMIC_INPUT;
		return 1;
	}
	return 0;
}

/* length of a GNU parallel replacement string at s ({} {.} {/} {//} {/.} {#} {%} {N}), 0 if none */
static size_t repl_at(const char *s)
{
	static const char *const r[] = { "{}", "{.}", "{/}", "{//}", "{/.}", "{#}", "{%}", NULL };
	for (int i = 0; r[i]; i++)
		if (!strncmp(s, r[i], strlen(r[i])))
			return strlen(r[i]);
	if (s[0] == '{' && s[1] >= '1' && s[1] <= '9') {
		size_t k = 1;
		while (s[k] >= '0' && s[k] <= '9')
			k++;
		if (s[k] == '}')
			return k + 1;
	}
	return 0;
}

/* one input substituted into the template words ({} ... or appended) */
static void par_words(lctx *c, const sg_cmd *cmd, size_t i, size_t end, const sg_word *in, lwords *out)
{
	int replaced = 0;
	for (size_t t = i; t < end; t++) {
		const char *x = cmd->argv[t].text;
		sg_buf b;
		sg_buf_init(&b);
		int here = 0;
		while (*x) {
			size_t rl = repl_at(x);
			if (rl) {
				sg_buf_adds(&b, in->text);
				x += rl;
				here = replaced = 1;
			} else {
				sg_buf_addc(&b, *x++);
			}
		}
		sg_word wd = cmd->argv[t];
		if (here) {
			wd = lw_word_static(c, b.data ? b.data : "", b.len, cmd->argv[t].start, cmd->argv[t].end);
			wd.flags = (cmd->argv[t].flags | in->flags) & SG_W_DYNAMIC;
			if (wd.flags)
				wd.static_prefix = 0;
		}
		sg_buf_free(&b);
		lwords_push(c, out, &wd);
	}
	if (!replaced)
		lwords_push(c, out, in);
}

/* Does text parse without errors? (parallel's shell reading is judged only
 * when it is shell at all; its argv reading is always judged) */
static int parses_clean(lctx *c, const char *text, size_t len)
{
	int st;
	TSTree *t = sg_parse(c->st->parser, text, len, &st);
	if (!t)
		return 0;
	int ok = !ts_node_has_error(ts_tree_root_node(t));
	ts_tree_delete(t);
	return ok;
}

static void par_shell(lctx *c, sg_cmd *cmd, const lwords *w, int remote)
{
	sg_buf b;
	sg_buf_init(&b);
	unsigned fl = 0;
	for (size_t k = 0; k < w->n; k++) {
		if (k)
			sg_buf_addc(&b, ' ');
		sg_buf_add(&b, w->w[k].text, w->w[k].len);
		fl |= w->w[k].flags;
	}
	if (b.len && parses_clean(c, b.data, b.len)) {
		sg_word sw = lw_word_static(c, b.data, b.len, cmd->start, cmd->end);
		sw.flags = fl & SG_W_DYNAMIC;
		lower_script(c, cmd, cmd->name, &sw, NULL, 0, remote ? SG_C_REMOTE : 0, cmd->fed_by, cmd->nfed_by);
	}
	sg_buf_free(&b);
}

/* GNU parallel: CMD ::: INPUTS (or inputs on stdin); each input replaces
 * {} {.} {/} {1} ... or is appended. Judged both as argv (-q) and as shell
 * text (the default); without CMD the inputs are commands. */
static int unwrap_parallel(lctx *c, sg_cmd *cmd, const sg_wrapper *w, size_t i, int remote)
{
	size_t end = cmd->argc;
	for (size_t k = i; k < cmd->argc; k++)
		if (!(cmd->argv[k].flags & SG_W_DYNAMIC) && sg_strlist_has(&w->stop_at, cmd->argv[k].text)) {
			end = k;
			break;
		}
	sg_word ins[SG_MAX_VARIANTS];
	size_t nin = 0;
	int known = 1;
	if (end < cmd->argc) {
		for (size_t k = end; k < cmd->argc; k++) {
			if (sg_strlist_has(&w->stop_at, cmd->argv[k].text))
				continue;
			if (nin == SG_MAX_VARIANTS) {
				lower_limit(c, "SG_MAX_VARIANTS");
				break;
			}
			ins[nin++] = cmd->argv[k];
		}
	} else {
		const char *in = xargs_static_input(c, cmd);
		const char *items[SG_MAX_VARIANTS];
		size_t n = in ? split_items(c, in, 1, items, SG_MAX_VARIANTS) : 0;
		for (size_t k = 0; k < n; k++)
			ins[nin++] = lw_word_static(c, items[k], strlen(items[k]), cmd->start, cmd->end);
		if (!in) {
			known = 0;
			ins[nin] = lw_word_static(c, "{stdin}", 7, cmd->start, cmd->end);
			ins[nin].flags |= SG_W_DYNAMIC;
			ins[nin].static_prefix = 0;
			nin++;
		}
	}
	if (end == i) {
		/* no command: every input is one */
		if (!known) {
			cmd->ctx |= SG_C_DYNAMIC_INPUT;
			return 1;
		}
		for (size_t k = 0; k < nin; k++)
			lower_script(c, cmd, cmd->name, &ins[k], NULL, 0, remote ? SG_C_REMOTE : 0, cmd->fed_by, cmd->nfed_by);
		return 1;
	}
	for (size_t k = 0; k < nin; k++) {
		lwords wd = { 0 };
		par_words(c, cmd, i, end, &ins[k], &wd);
		emit_inner(c, cmd, cmd->name, wd.w, wd.n, NULL, 0, NULL, 0, known ? 0 : SG_C_XARGS_ARGS, cmd->fed_by,
			   cmd->nfed_by);
		par_shell(c, cmd, &wd, remote);
	}
	return 1;
}

static int unwrap_eval(lctx *c, sg_cmd *cmd, const sg_wrapper *w, int remote)
{
	size_t i = 1;
	int skip = w->skip_positionals;
	if (w->kind == SG_WK_JOIN) {
		while (i < cmd->argc) {
			sg_word *a = &cmd->argv[i];
			if (!(a->flags & SG_W_DYNAMIC) && !strcmp(a->text, "--")) {
				i++;
				break;
			}
			if (is_opt(a)) {
				const char *key = a->text[1] == '-' ? long_name(c->st->A, a) : NULL;
				char so[3] = { '-', a->text[1], 0 };
				if (!key)
					key = so;
				if (sg_strlist_has(&w->no_exec_options, key))
					return 1;	/* --dry-run, --version: nothing runs */
				if (sg_strlist_has(&w->options_with_value, key) && !strchr(a->text, '=') &&
				    (a->text[1] == '-' || a->len == 2))
					i++;
				i++;
				continue;
			}
			if (skip > 0) {
				skip--;
				i++;
				continue;
			}
			break;
		}
	}
	if (w->kind == SG_WK_JOIN && w->stop_at.n)
		return unwrap_parallel(c, cmd, w, i, remote);
	if (w->first_only) {
		/* trap CMD SIGNAL...: only the first argument is a script */
		while (i < cmd->argc && is_opt(&cmd->argv[i]) && strcmp(cmd->argv[i].text, "-")) {
			if (sg_strlist_has(&w->no_exec_options, cmd->argv[i].text))
				return 1;
			i++;
		}
		if (i >= cmd->argc || !cmd->argv[i].len || !strcmp(cmd->argv[i].text, "-"))
			return 1;	/* trap - SIG / trap '' SIG: resets or ignores, runs nothing */
		lower_script(c, cmd, cmd->name, &cmd->argv[i], NULL, 0, 0, NULL, 0);
		return 1;
	}
	if (i >= cmd->argc)
		return 0;
	size_t end = cmd->argc;
	for (size_t k = i; k < cmd->argc; k++)
		if (!(cmd->argv[k].flags & SG_W_DYNAMIC) && sg_strlist_has(&w->stop_at, cmd->argv[k].text)) {
			end = k;
			break;
		}
	if (end == i)
		return 0;
	sg_word sw;
	if (end == i + 1) {
		sw = cmd->argv[i];
	} else {
		sg_buf b;
		sg_buf_init(&b);
		unsigned fl = 0;
		for (size_t k = i; k < end; k++) {
			if (k > i)
				sg_buf_addc(&b, ' ');
			sg_buf_add(&b, cmd->argv[k].text, cmd->argv[k].len);
			fl |= cmd->argv[k].flags;
		}
		sw = lw_word_static(c, b.data, b.len, cmd->argv[i].start, cmd->argv[end - 1].end);
		sw.flags = fl & SG_W_DYNAMIC;
		sg_buf_free(&b);
	}
	lower_script(c, cmd, cmd->name, &sw, NULL, 0, remote ? SG_C_REMOTE : 0, cmd->fed_by, cmd->nfed_by);
	return 1;
}

static int unwrap_find(lctx *c, sg_cmd *cmd, const sg_wrapper *w)
{
	sg_arena *A = c->st->A;
	const char *root = NULL;
	int root_dyn = 0;
	size_t i = 1;
	/* find's global options (-H -L -P -D x -Olevel) precede the start paths */
	while (i < cmd->argc && is_opt(&cmd->argv[i]) && cmd->argv[i].len == 2 &&
	       strchr("HLPDO", cmd->argv[i].text[1]))
		i += cmd->argv[i].text[1] == 'D' ? 2 : 1;
	for (; i < cmd->argc; i++) {
		const sg_word *a = &cmd->argv[i];
		if ((a->text[0] == '-' && !(a->flags & SG_W_DYNAMIC)) || !strcmp(a->text, "(") || !strcmp(a->text, "!"))
			break;
		if (!root) {
			root = a->text;
			root_dyn = (a->flags & SG_W_DYNAMIC) != 0;
		}
	}
	if (!root)
		root = ".";
	int any = 0;
	for (; i < cmd->argc; i++) {
		if (!sg_strlist_has(&w->exec_actions, cmd->argv[i].text))
			continue;
		size_t st = i + 1, k = st;
		while (k < cmd->argc && strcmp(cmd->argv[k].text, ";") && strcmp(cmd->argv[k].text, "+"))
			k++;
		if (k > st) {
			sg_word *words = sg_arena_alloc(A, (k - st) * sizeof *words);
			for (size_t j = st; j < k; j++) {
				words[j - st] = cmd->argv[j];
				const char *br = strstr(cmd->argv[j].text, "{}");
				if (br) {
					sg_word *x = &words[j - st];
					/* {} is each file found below the start path */
					size_t off = (size_t)(br - x->text);
					/* each file found below the start path: a child of it
					 * (rm -rf on every child of ~ is outside the project) */
					x->text = sg_arena_printf(A, "%.*s%s/{}%s", (int)off, x->text, root, br + 2);
					x->len = strlen(x->text);
					if (root_dyn)
						x->flags |= SG_W_DYNAMIC, x->static_prefix = off;
					else
						x->static_prefix = x->len;
				}
			}
			emit_inner(c, cmd, "find -exec", words, k - st, NULL, 0, NULL, 0, 0, NULL, 0);
			any = 1;
		}
		i = k;
	}
	(void)any;
	/* find is a program too (-delete, -fprint, dynamic words): it keeps its
	 * own verdict, it is never a transparent wrapper */
	return 0;
}

int unwrap_command(lctx *c, sg_cmd *cmd, const sg_wrapper *w)
{
	switch (w->kind) {
	case SG_WK_EXEC: return unwrap_exec(c, cmd, w, 0);
	case SG_WK_XARGS: return unwrap_exec(c, cmd, w, 1);
	case SG_WK_SHELL: return unwrap_shell(c, cmd, w);
	case SG_WK_EVAL: return unwrap_eval(c, cmd, w, 0);
	case SG_WK_JOIN: return unwrap_eval(c, cmd, w, w->remote);
	case SG_WK_FIND: return unwrap_find(c, cmd, w);
	case SG_WK_SOURCE: return unwrap_source(c, cmd);
	case SG_WK_INLINE: return unwrap_inline(c, cmd, w);
	}
	return 0;
}
