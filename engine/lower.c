/*
 * lower.c - walk the tree-sitter-bash tree and emit every simple command as
 * IR (ir.h), following the shell state the same input sets up statically:
 * variables, positional parameters, functions, aliases, the cwd.
 *
 * INVARIANTS:
 *  - Recursion depth is bounded by SG_MAX_AST_DEPTH (tree) and
 *    SG_MAX_NESTING (re-parsed text), never by the input.
 *  - Anything not understood is *stricter*: a limit or parse error sets the
 *    unparsable flag, an unknown value is dynamic; nothing is dropped silently.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "paths.h"

static void lower_node(lctx *c, TSNode n, int depth, sg_cmd **fed, size_t nfed);

void lower_limit(lctx *c, const char *what)
{
	c->st->ir->flags |= SG_IR_LIMIT;
	if (!c->st->ir->limit_what)
		c->st->ir->limit_what = what;
}

static int atoi_bounded(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n && i < 6 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int is_type(TSNode n, const char *t)
{
	return !strcmp(ts_node_type(n), t);
}

const char *sg_canonical_name(sg_arena *A, const char *prog)
{
	const char *b = strrchr(prog, '/');
	b = b ? b + 1 : prog;
	return sg_arena_strdup(A, b);
}

/* ---- IR bookkeeping ----------------------------------------------------------- */

static void ir_push(lctx *c, sg_cmd *cmd)
{
	sg_ir *ir = c->st->ir;
	ir->cmds = sg_arena_grow(c->st->A, ir->cmds, ir->ncmds, &ir->capcmds, sizeof *ir->cmds);
	cmd->id = (int)ir->ncmds;
	ir->cmds[ir->ncmds++] = cmd;
}

/* ---- static output of echo / printf / cat <<heredoc ----------------------- */

int sg_decode_escapes(const char *s, size_t n, sg_buf *out, int echo_style);

static int all_static(const sg_cmd *cmd)
{
	for (size_t i = 0; i < cmd->argc; i++)
		if (cmd->argv[i].flags & (SG_W_DYNAMIC | SG_W_GLOB))
			return 0;
	return 1;
}

static void printf_static(const sg_cmd *cmd, size_t first, sg_buf *out)
{
	const char *fmt = cmd->argv[first].text;
	size_t ai = first + 1;
	int rounds = 0;
	do {
		for (const char *p = fmt; *p; p++) {
			if (*p == '\\') {
				size_t k = 1;
				while (k < 4 && p[k] && (isdigit((unsigned char)p[k]) || k == 1))
					k++;
				sg_decode_escapes(p, 2, out, 0);
				p++;
				continue;
			}
			if (*p != '%') {
				sg_buf_addc(out, *p);
				continue;
			}
			p++;
			while (*p && strchr("-+ #0123456789.", *p))
				p++;
			if (!*p)
				break;
			const char *a = ai < cmd->argc ? cmd->argv[ai].text : "";
			switch (*p) {
			case '%': sg_buf_addc(out, '%'); continue;
			case 's': sg_buf_adds(out, a); break;
			case 'b': sg_decode_escapes(a, strlen(a), out, 1); break;
			case 'c': if (*a) sg_buf_addc(out, *a); break;
			case 'd': case 'i': case 'u': sg_buf_printf(out, "%ld", strtol(a, NULL, 0)); break;
			default: sg_buf_adds(out, a); break;
			}
			if (ai < cmd->argc)
				ai++;
		}
	} while (ai < cmd->argc && ai > first + 1 && ++rounds < 64);
}

const char *sg_lower_static_output(lctx *c, sg_cmd *cmd)
{
	if (!cmd->name || (cmd->ctx & SG_C_DYNAMIC_PROG) || !all_static(cmd))
		return NULL;
	sg_buf out;
	sg_buf_init(&out);
	if (!strcmp(cmd->name, "echo")) {
		size_t i = 1;
		int nl = 1, esc = 0;
		for (; i < cmd->argc; i++) {
			const char *a = cmd->argv[i].text;
			if (a[0] != '-' || !a[1] || strspn(a + 1, "neE") != strlen(a + 1))
				break;
			if (strchr(a, 'n'))
				nl = 0;
			if (strchr(a, 'e'))
				esc = 1;
			if (strchr(a, 'E'))
				esc = 0;
		}
		for (size_t k = i; k < cmd->argc; k++) {
			if (k > i)
				sg_buf_addc(&out, ' ');
			if (esc)
				sg_decode_escapes(cmd->argv[k].text, cmd->argv[k].len, &out, 1);
			else
				sg_buf_add(&out, cmd->argv[k].text, cmd->argv[k].len);
		}
		if (nl)
			sg_buf_addc(&out, '\n');
	} else if (!strcmp(cmd->name, "printf") && cmd->argc >= 2) {
		size_t first = 1;
		if (!strcmp(cmd->argv[1].text, "--") && cmd->argc >= 3)
			first = 2;
		if (cmd->argv[first].text[0] == '-' && strcmp(cmd->argv[first].text, "-")) {
			sg_buf_free(&out);
			return NULL;	/* printf -v var ...: no output */
		}
		printf_static(cmd, first, &out);
	} else if (!strcmp(cmd->name, "pwd") && cmd->argc == 1 && cmd->cwd) {
		sg_buf_adds(&out, cmd->cwd);
		sg_buf_addc(&out, '\n');
	} else if (!strcmp(cmd->name, "cat") && cmd->argc == 1) {
		int found = 0;
		for (size_t i = 0; i < cmd->nredirs; i++) {
			const sg_redir *r = &cmd->redirs[i];
			if ((r->is_heredoc || r->is_herestring) && !(r->target.flags & SG_W_DYNAMIC)) {
				sg_buf_add(&out, r->target.text, r->target.len);
				if (r->is_herestring)
					sg_buf_addc(&out, '\n');
				found = 1;
			}
		}
		if (!found) {
			sg_buf_free(&out);
			return NULL;
		}
	} else {
		return NULL;
	}
	if (out.len && memchr(out.data, 0, out.len)) {
		/* a NUL cannot travel in the text we hand on: unknown */
		sg_buf_free(&out);
		return NULL;
	}
	const char *r = sg_arena_strndup(c->st->A, out.data ? out.data : "", out.len);
	sg_buf_free(&out);
	return r;
}

/* ---- shell state builtins ---------------------------------------------------- */

static void builtin_state(lctx *c, sg_cmd *cmd)
{
	const char *nm = cmd->name;
	if (!strcmp(nm, "cd") || !strcmp(nm, "pushd") || !strcmp(nm, "popd") || !strcmp(nm, "chdir")) {
		const char *target = NULL;
		size_t i = 1;
		while (i < cmd->argc && cmd->argv[i].text[0] == '-' && cmd->argv[i].len > 1 &&
		       strcmp(cmd->argv[i].text, "-"))
			i++;
		if (!strcmp(nm, "popd"))
			target = NULL;
		else if (i >= cmd->argc)
			target = c->st->ir->home;
		else if (!(cmd->argv[i].flags & (SG_W_DYNAMIC | SG_W_GLOB)) && strcmp(cmd->argv[i].text, "-"))
			target = sg_path_resolve(c->st->A, cmd->argv[i].text, c->cwd, c->st->ir->home);
		c->cwd = target;	/* NULL: relative paths are unknown from here on */
		return;
	}
	if (!strcmp(nm, "set")) {
		size_t i = 1;
		while (i < cmd->argc && strcmp(cmd->argv[i].text, "--") &&
		       (cmd->argv[i].text[0] == '-' || cmd->argv[i].text[0] == '+'))
			i++;
		if (i < cmd->argc && !strcmp(cmd->argv[i].text, "--"))
			i++;
		else if (i >= cmd->argc)
			return;
		int n = (int)(cmd->argc - i);
		const char **p = sg_arena_alloc(c->st->A, ((size_t)n + 1) * sizeof *p);
		int dyn = 0;
		for (int k = 0; k < n; k++) {
			p[k] = cmd->argv[i + (size_t)k].text;
			dyn |= (cmd->argv[i + (size_t)k].flags & SG_W_DYNAMIC) != 0;
		}
		c->params = dyn ? NULL : p;
		c->nparams = dyn ? 0 : n;
		return;
	}
	if (!strcmp(nm, "alias")) {
		for (size_t i = 1; i < cmd->argc; i++) {
			const char *eq = strchr(cmd->argv[i].text, '=');
			if (!eq || (cmd->argv[i].flags & SG_W_DYNAMIC))
				continue;
			lalias *a = sg_arena_alloc(c->st->A, sizeof *a);
			a->name = sg_arena_strndup(c->st->A, cmd->argv[i].text, (size_t)(eq - cmd->argv[i].text));
			a->value = eq + 1;
			a->next = c->st->aliases;
			c->st->aliases = a;
		}
		return;
	}
	if (!strcmp(nm, "unset")) {
		for (size_t i = 1; i < cmd->argc; i++)
			lw_var_set(c, cmd->argv[i].text, NULL, 0, 0);
		return;
	}
	if (!strcmp(nm, "read") || !strcmp(nm, "mapfile") || !strcmp(nm, "readarray")) {
		/* read from a herestring or heredoc of known text sets known values */
		const char *in = NULL;
		for (size_t r = 0; r < cmd->nredirs; r++)
			if ((cmd->redirs[r].is_herestring || cmd->redirs[r].is_heredoc) &&
			    !(cmd->redirs[r].target.flags & SG_W_DYNAMIC))
				in = cmd->redirs[r].target.text;
		size_t nvars = 0;
		for (size_t i = 1; i < cmd->argc; i++)
			if (cmd->argv[i].text[0] != '-' && lw_is_name(cmd->argv[i].text, cmd->argv[i].len))
				nvars++;
		const char *p = in;
		size_t seen = 0;
		for (size_t i = 1; i < cmd->argc; i++) {
			if (cmd->argv[i].text[0] == '-' || !lw_is_name(cmd->argv[i].text, cmd->argv[i].len))
				continue;
			seen++;
			if (!p || strcmp(nm, "read")) {
				lw_var_set(c, cmd->argv[i].text, NULL, 0, 1);
				continue;
			}
			while (*p == ' ' || *p == '\t')
				p++;
			size_t l = seen == nvars ? strcspn(p, "\n") : strcspn(p, " \t\n");
			const char *v = sg_arena_strndup(c->st->A, p, l);
			lw_var_set(c, cmd->argv[i].text, &v, 1, 0);
			p += l;
		}
		return;
	}
	if (!strcmp(nm, "printf") && cmd->argc >= 4 && !strcmp(cmd->argv[1].text, "-v") &&
	    lw_is_name(cmd->argv[2].text, cmd->argv[2].len)) {
		/* printf -v NAME FORMAT ARGS: NAME gets the output */
		sg_cmd tmp = *cmd;
		tmp.argv = cmd->argv + 2;
		tmp.argc = cmd->argc - 2;
		tmp.name = "printf";
		const char *out = sg_lower_static_output(c, &tmp);
		lw_var_set(c, cmd->argv[2].text, out ? &out : NULL, out ? 1 : 0, out == NULL);
	}
}

static int is_decl(const char *nm)
{
	return !strcmp(nm, "export") || !strcmp(nm, "declare") || !strcmp(nm, "local") ||
	       !strcmp(nm, "readonly") || !strcmp(nm, "typeset");
}

static void decl_assign(lctx *c, sg_cmd *cmd)
{
	for (size_t i = 1; i < cmd->argc; i++) {
		const sg_word *w = &cmd->argv[i];
		const char *eq = strchr(w->text, '=');
		if (!eq || !lw_is_name(w->text, (size_t)(eq - w->text)))
			continue;
		char *name = sg_arena_strndup(c->st->A, w->text, (size_t)(eq - w->text));
		const char *v = eq + 1;
		if ((w->flags & SG_W_DYNAMIC) && w->static_prefix <= (size_t)(eq - w->text) + 1)
			lw_var_set(c, name, NULL, 0, 1);
		else if (w->flags & SG_W_DYNAMIC)
			lw_var_set(c, name, NULL, 0, 1);
		else
			lw_var_set(c, name, &v, 1, 0);
	}
}

/* ---- functions and aliases ------------------------------------------------------ */

static lfunc *func_find(lctx *c, const char *name)
{
	for (lfunc *f = c->st->funcs; f; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static lalias *alias_find(lctx *c, const char *name)
{
	for (lalias *a = c->st->aliases; a; a = a->next)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

static void call_function(lctx *c, sg_cmd *cmd, lfunc *f)
{
	if (f->calls > 0)
		cmd->ctx |= SG_C_RECURSIVE;	/* judged on its own: `:(){ :|:& };:` */
	if (f->calls >= 1 || c->nesting + 1 > SG_MAX_NESTING) {
		if (c->nesting + 1 > SG_MAX_NESTING)
			lower_limit(c, "SG_MAX_NESTING");
		return;	/* recursion: the body was judged at definition */
	}
	f->calls++;
	f->called++;
	int n = (int)cmd->argc - 1;
	const char **p = sg_arena_alloc(c->st->A, ((size_t)n + 1) * sizeof *p);
	int dyn = 0;
	for (int k = 0; k < n; k++) {
		p[k] = cmd->argv[k + 1].text;
		dyn |= (cmd->argv[k + 1].flags & SG_W_DYNAMIC) != 0;
	}
	lctx sub = *c;
	sub.cwd = c->cwd;
	lower_text(&sub, f->body, f->len, f->start, f->end, f->exact, f->start, SG_C_FUNCTION,
		   cmd->name, cmd, dyn ? NULL : p, dyn ? -1 : n, NULL, 0);
	f->calls--;
}

static int expand_alias(lctx *c, sg_cmd *cmd, lalias *a)
{
	/* alias expansion is textual: value followed by the arguments' text */
	if (c->nesting + 1 > SG_MAX_NESTING) {
		lower_limit(c, "SG_MAX_NESTING");
		return 0;
	}
	sg_buf t;
	sg_buf_init(&t);
	sg_buf_adds(&t, a->value);
	for (size_t i = 1; i < cmd->argc; i++) {
		sg_buf_addc(&t, ' ');
		sg_buf_addc(&t, '\'');
		for (const char *p = cmd->argv[i].text; *p; p++) {
			if (*p == '\'')
				sg_buf_adds(&t, "'\\''");
			else
				sg_buf_addc(&t, *p);
		}
		sg_buf_addc(&t, '\'');
	}
	const char *txt = sg_arena_strndup(c->st->A, t.data, t.len);
	size_t len = t.len;
	sg_buf_free(&t);
	lalias *saved = c->st->aliases;
	/* an alias does not expand itself again */
	lalias **pp = &c->st->aliases;
	while (*pp && *pp != a)
		pp = &(*pp)->next;
	if (*pp)
		*pp = a->next;
	lower_text(c, txt, len, cmd->start, cmd->end, 0, 0, 0, cmd->name, cmd, c->params, c->nparams,
		   cmd->fed_by, cmd->nfed_by);
	c->st->aliases = saved;
	return 1;
}

/* ---- files written and then run ------------------------------------------------------ */

/* echo 'rm -rf /' > s.sh: remember what s.sh holds, for `./s.sh`, `sh s.sh`
 * and `source s.sh` later in the same input */
static void record_written(lctx *c, sg_cmd *cmd)
{
	for (size_t i = 0; i < cmd->nredirs; i++) {
		const sg_redir *r = &cmd->redirs[i];
		if (!r->is_write || r->is_dup || (r->target.flags & (SG_W_DYNAMIC | SG_W_GLOB)) || (r->fd > 1))
			continue;
		const char *abs = sg_path_resolve(c->st->A, r->target.text, c->cwd, c->st->ir->home);
		if (!abs)
			continue;
		const char *out = sg_lower_static_output(c, cmd);
		lfile *f = sg_arena_alloc(c->st->A, sizeof *f);
		f->abs = abs;
		/* unknown content (or >> appends): a script of unknown text */
		f->text = out && strcmp(r->op, ">>") ? out : NULL;
		f->next = c->st->files;
		c->st->files = f;
	}
}

int lower_written_script(lctx *c, sg_cmd *cmd, const char *path)
{
	const char *abs = sg_path_resolve(c->st->A, path, c->cwd, c->st->ir->home);
	if (!abs)
		return 0;
	for (lfile *f = c->st->files; f; f = f->next) {
		if (strcmp(f->abs, abs))
			continue;
		if (!f->text) {
			cmd->ctx |= SG_C_DYNAMIC_INPUT;
			return 1;
		}
		lower_text(c, f->text, strlen(f->text), cmd->start, cmd->end, 0, 0, 0, cmd->name, cmd, NULL, -1, NULL, 0);
		return 1;
	}
	return 0;
}

/* ---- emitting a command ------------------------------------------------------------ */

sg_cmd *emit_command(lctx *c, sg_word *words, size_t n, sg_assign *as, size_t nas,
		     sg_redir *rd, size_t nrd, sg_cmd **fed, size_t nfed, uint32_t s, uint32_t e,
		     unsigned ctx)
{
	sg_ir *ir = c->st->ir;
	if (ir->ncmds >= SG_MAX_COMMANDS) {
		lower_limit(c, "SG_MAX_COMMANDS");
		return NULL;
	}
	if (n > SG_MAX_WORDS) {
		lower_limit(c, "SG_MAX_WORDS");
		n = SG_MAX_WORDS;
	}
	sg_cmd *cmd = sg_arena_alloc(c->st->A, sizeof *cmd);
	cmd->argv = words;
	cmd->argc = n;
	cmd->assigns = as;
	cmd->nassigns = nas;
	cmd->redirs = rd;
	cmd->nredirs = nrd;
	cmd->fed_by = fed;
	cmd->nfed_by = nfed;
	cmd->ctx = c->ctx | ctx | (c->conditional ? SG_C_CONDITIONAL : 0);
	cmd->depth = c->nesting;
	cmd->pipe_index = 0;
	cmd->pipe_len = 1;
	cmd->wrappers = c->wrappers ? c->wrappers : "";
	cmd->parent = c->parent;
	cmd->cwd = c->cwd;
	cmd->start = s;
	cmd->end = e;
	if (n == 0) {
		cmd->ctx |= SG_C_ASSIGN_ONLY;
		cmd->name = "";
		ir_push(c, cmd);
		return cmd;
	}
	cmd->prog = words[0];
	if (words[0].flags & SG_W_SUBST)
		cmd->ctx |= SG_C_OBFUSCATED;
	if (words[0].flags & SG_W_DYNAMIC) {
		cmd->ctx |= SG_C_DYNAMIC_PROG;
		cmd->name = words[0].text;
	} else {
		cmd->name = sg_canonical_name(c->st->A, words[0].text);
	}
	for (size_t i = 0; i < n; i++)
		cmd->argv[i].base_cwd = c->cwd;
	unwrap_classify_args(c, cmd);
	ir_push(c, cmd);
	if (cmd->ctx & SG_C_DYNAMIC_PROG) {
		/* `$SHELL -c '...'`, `"$(which bash)" -c ...`: the program may be a
		 * shell; judge the script as if it were (stricter, never looser) */
		const sg_wrapper *sh = sg_rules_wrapper(c->st->rs, "sh");
		if (sh && sh->kind == SG_WK_SHELL && c->nesting < SG_MAX_NESTING)
			(void)unwrap_command(c, cmd, sh);
		return cmd;
	}

	record_written(c, cmd);
	if (strchr(words[0].text, '/'))
		(void)lower_written_script(c, cmd, words[0].text);
	lalias *al = alias_find(c, cmd->name);
	if (al && expand_alias(c, cmd, al)) {
		cmd->ctx |= SG_C_WRAPPER;
		return cmd;
	}
	lfunc *f = func_find(c, cmd->name);
	if (f) {
		cmd->ctx |= SG_C_FUNCALL;
		call_function(c, cmd, f);
		return cmd;
	}
	if (is_decl(cmd->name))
		decl_assign(c, cmd);
	builtin_state(c, cmd);
	const sg_wrapper *w = sg_rules_wrapper(c->st->rs, cmd->name);
	if (w && c->nesting < SG_MAX_NESTING) {
		if (unwrap_command(c, cmd, w))
			cmd->ctx |= SG_C_WRAPPER;
	} else if (w) {
		lower_limit(c, "SG_MAX_NESTING");
	}
	return cmd;
}

/* ---- redirections ---------------------------------------------------------------- */

typedef struct rvec {
	sg_redir *v;
	size_t n, cap;
} rvec;

static void rvec_push(lctx *c, rvec *r, const sg_redir *x)
{
	r->v = sg_arena_grow(c->st->A, r->v, r->n, &r->cap, sizeof *r->v);
	r->v[r->n++] = *x;
}

typedef struct fvec {
	sg_cmd **v;
	size_t n;
} fvec;

static sg_word first_word(lctx *c, TSNode n, fvec *fe)
{
	lwords *alts;
	size_t nalts;
	lw_expand(c, n, &alts, &nalts, &fe->v, &fe->n);
	if (nalts && alts[0].n)
		return alts[0].w[0];
	return lw_word_static(c, "", 0, lw_map(c, ts_node_start_byte(n)), lw_map(c, ts_node_end_byte(n)));
}

static void lower_redirect(lctx *c, TSNode n, rvec *out, fvec *fe)
{
	sg_redir r;
	memset(&r, 0, sizeof r);
	r.fd = -1;
	uint32_t nc = ts_node_child_count(n);
	int have_target = 0;
	if (is_type(n, "heredoc_redirect")) {
		r.is_heredoc = 1;
		r.is_read = 1;
		memcpy(r.op, "<<", 3);
		for (uint32_t i = 0; i < nc; i++) {
			TSNode ch = ts_node_child(n, i);
			if (is_type(ch, "heredoc_body")) {
				/* quoted delimiter: literal; otherwise expansions apply */
				TSNode st = ts_node_child_by_field_name(n, "argument", 8);
				(void)st;
				r.target = first_word(c, ch, fe);
				r.target.flags &= ~SG_W_GLOB;
				have_target = 1;
			}
		}
		if (!have_target)
			r.target = lw_word_static(c, "", 0, lw_map(c, ts_node_start_byte(n)), lw_map(c, ts_node_end_byte(n)));
		rvec_push(c, out, &r);
		return;
	}
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_child(n, i);
		const char *ty = ts_node_type(ch);
		if (!ts_node_is_named(ch)) {
			size_t tl = strlen(ty);
			if (tl < sizeof r.op && strchr("<>&|", ty[0]))
				memcpy(r.op, ty, tl + 1);
			continue;
		}
		if (is_type(ch, "file_descriptor")) {
			size_t l = ts_node_end_byte(ch) - ts_node_start_byte(ch);
			if (l < 6)
				r.fd = atoi_bounded(c->src + ts_node_start_byte(ch), l);
			continue;
		}
		if (!have_target) {
			r.target = first_word(c, ch, fe);
			have_target = 1;
		}
	}
	if (is_type(n, "herestring_redirect")) {
		r.is_herestring = 1;
		r.is_read = 1;
		memcpy(r.op, "<<<", 4);
	} else if (!strcmp(r.op, "<")) {
		r.is_read = 1;
	} else if (!strcmp(r.op, ">&") || !strcmp(r.op, "<&") || !strcmp(r.op, ">&-") || !strcmp(r.op, "<&-")) {
		r.is_dup = 1;
		/* >&file (not a number) writes to a file */
		if (r.op[0] == '>' && have_target && r.target.len && !isdigit((unsigned char)r.target.text[0]) &&
		    strcmp(r.target.text, "-"))
			r.is_write = 1, r.is_dup = 0;
	} else if (!strcmp(r.op, "<>")) {
		r.is_read = r.is_write = 1;
	} else {
		r.is_write = 1;
	}
	if (!have_target)
		r.target = lw_word_static(c, "", 0, lw_map(c, ts_node_start_byte(n)), lw_map(c, ts_node_end_byte(n)));
	rvec_push(c, out, &r);
}

/* ---- simple commands ---------------------------------------------------------------- */

static int is_redirect(TSNode n)
{
	return is_type(n, "file_redirect") || is_type(n, "heredoc_redirect") || is_type(n, "herestring_redirect");
}

/* NAME=(a b c): the elements, when each is known */
static int array_assign(lctx *c, TSNode asg, const char *name, fvec *fe)
{
	TSNode val = ts_node_child_by_field_name(asg, "value", 5);
	if (ts_node_is_null(val) || strcmp(ts_node_type(val), "array"))
		return 0;
	const char *el[SG_MAX_VALUES + 1];
	int n = 0, unknown = 0;
	uint32_t k = ts_node_named_child_count(val);
	for (uint32_t i = 0; i < k; i++) {
		lwords *alts;
		size_t na;
		lw_expand(c, ts_node_named_child(val, i), &alts, &na, &fe->v, &fe->n);
		for (size_t j = 0; na && j < alts[0].n; j++) {
			if ((alts[0].w[j].flags & SG_W_DYNAMIC) || n > SG_MAX_VALUES - 1)
				unknown = 1;
			else
				el[n++] = alts[0].w[j].text;
		}
	}
	lw_var_set_array(c, name, el, n, unknown);
	return 1;
}

static void lower_command(lctx *c, TSNode n, rvec *extra, sg_cmd **fed, size_t nfed, unsigned ctx)
{
	uint32_t nc = ts_node_child_count(n);
	rvec rd = { 0 };
	fvec fe = { 0 };
	sg_assign *as = NULL;
	size_t nas = 0;
	/* word nodes (arena: frames stay small, recursion is deep) */
	TSNode *wnodes = sg_arena_alloc(c->st->A, ((size_t)nc + 1) * sizeof *wnodes);
	size_t nw = 0;

	if (fed && nfed) {
		fe.v = sg_arena_alloc(c->st->A, nfed * sizeof *fe.v);
		memcpy(fe.v, fed, nfed * sizeof *fe.v);
		fe.n = nfed;
	}
	/* declare/export/local/readonly/typeset/unset: the keyword is a token,
	 * the assignments after it are arguments that set variables */
	int decl = is_type(n, "declaration_command") || is_type(n, "unset_command");
	sg_word kw;
	int have_kw = 0;
	for (uint32_t i = 0; decl && i < nc && !have_kw; i++) {
		TSNode ch = ts_node_child(n, i);
		if (!ts_node_is_named(ch)) {
			uint32_t ks = ts_node_start_byte(ch), ke = ts_node_end_byte(ch);
			kw = lw_word_static(c, c->src + ks, ke - ks, lw_map(c, ks), c->exact ? lw_map(c, ke) : c->oend);
			have_kw = 1;
		}
	}
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_child(n, i);
		if (!ts_node_is_named(ch) || is_type(ch, "comment"))
			continue;
		if (decl && is_type(ch, "variable_assignment")) {
			TSNode nm = ts_node_child_by_field_name(ch, "name", 4);
			if (!ts_node_is_null(nm)) {
				uint32_t ns = ts_node_start_byte(nm), ne = ts_node_end_byte(nm);
				char *name = sg_arena_strndup(c->st->A, c->src + ns, ne - ns);
				if (array_assign(c, ch, name, &fe))
					continue;
			}
			/* NAME=value: an argument (decl_assign sets the variable) */
			if (nw < SG_MAX_WORDS)
				wnodes[nw++] = ch;
			continue;
		}
		if (is_type(ch, "variable_assignment")) {
			TSNode val = ts_node_child_by_field_name(ch, "value", 5);
			TSNode nm = ts_node_child_by_field_name(ch, "name", 4);
			sg_assign *na = sg_arena_alloc(c->st->A, (nas + 1) * sizeof *na);
			if (nas)
				memcpy(na, as, nas * sizeof *na);
			as = na;
			size_t l = ts_node_is_null(nm) ? 0 : ts_node_end_byte(nm) - ts_node_start_byte(nm);
			as[nas].name = sg_arena_strndup(c->st->A, c->src + (ts_node_is_null(nm) ? 0 : ts_node_start_byte(nm)), l);
			if (!ts_node_is_null(val)) {
				as[nas].value = first_word(c, val, &fe);
			} else {
				as[nas].value = lw_word_static(c, "", 0, lw_map(c, ts_node_start_byte(ch)), lw_map(c, ts_node_end_byte(ch)));
			}
			nas++;
			continue;
		}
		if (is_redirect(ch)) {
			lower_redirect(c, ch, &rd, &fe);
			continue;
		}
		if (nw < SG_MAX_WORDS)
			wnodes[nw++] = ch;
		else
			lower_limit(c, "SG_MAX_WORDS");
	}
	for (size_t i = 0; extra && i < extra->n; i++)
		rvec_push(c, &rd, &extra->v[i]);

	/* expand each word; build variants (cartesian product, bounded) */
	lwords *variants = sg_arena_alloc(c->st->A, sizeof *variants);
	size_t nvar = 1;
	for (size_t i = 0; i < nw; i++) {
		lwords *alts;
		size_t nalts;
		/* tree-sitter-bash sometimes splits one shell word in two nodes with
		 * no blank between them (`rm$IFS-rf$IFS~`): bash reads one word, so
		 * the joined text is expanded lexically */
		size_t last = i;
		while (last + 1 < nw && ts_node_end_byte(wnodes[last]) == ts_node_start_byte(wnodes[last + 1]))
			last++;
		if (last > i) {
			uint32_t s0 = ts_node_start_byte(wnodes[i]), e0 = ts_node_end_byte(wnodes[last]);
			lwords lx = { 0 };
			for (size_t k = i; k <= last; k++) {
				/* substitutions inside still run */
				lwords *ia;
				size_t ina;
				lw_expand(c, wnodes[k], &ia, &ina, &fe.v, &fe.n);
			}
			lw_lex(c, c->src + s0, e0 - s0, lw_map(c, s0), c->exact ? lw_map(c, e0) : c->oend, &lx);
			alts = sg_arena_alloc(c->st->A, sizeof *alts);
			alts[0] = lx;
			nalts = 1;
			i = last;
		} else {
			lw_expand(c, wnodes[i], &alts, &nalts, &fe.v, &fe.n);
		}
		if (nalts == 1) {
			for (size_t v = 0; v < nvar; v++)
				for (size_t k = 0; k < alts[0].n; k++)
					lwords_push(c, &variants[v], &alts[0].w[k]);
			continue;
		}
		size_t want = nvar * nalts;
		if (want > SG_MAX_VARIANTS) {
			lower_limit(c, "SG_MAX_VARIANTS");
			want = SG_MAX_VARIANTS;
		}
		lwords *nv = sg_arena_alloc(c->st->A, want * sizeof *nv);
		size_t k = 0;
		for (size_t v = 0; v < nvar && k < want; v++)
			for (size_t a = 0; a < nalts && k < want; a++, k++) {
				for (size_t j = 0; j < variants[v].n; j++)
					lwords_push(c, &nv[k], &variants[v].w[j]);
				for (size_t j = 0; j < alts[a].n; j++)
					lwords_push(c, &nv[k], &alts[a].w[j]);
			}
		variants = nv;
		nvar = k;
	}
	if (have_kw) {
		for (size_t v = 0; v < nvar; v++) {
			lwords nl = { 0 };
			lwords_push(c, &nl, &kw);
			for (size_t j = 0; j < variants[v].n; j++)
				lwords_push(c, &nl, &variants[v].w[j]);
			variants[v] = nl;
		}
	}
	uint32_t s = lw_map(c, ts_node_start_byte(n));
	uint32_t e = c->exact ? lw_map(c, ts_node_end_byte(n)) : c->oend;
	for (size_t v = 0; v < nvar; v++) {
		if (variants[v].n == 0 && nas && rd.n == 0 && ctx == 0) {
			/* plain assignments change the shell state */
			for (size_t i = 0; i < nas; i++) {
				const sg_word *w = &as[i].value;
				if (w->flags & SG_W_DYNAMIC)
					lw_var_set(c, as[i].name, NULL, 0, 1);
				else
					lw_var_set(c, as[i].name, &w->text, 1, 0);
			}
		}
		emit_command(c, variants[v].w, variants[v].n, as, nas, rd.v, rd.n, fe.v, fe.n, s, e, ctx);
	}
}

/* ---- statements ------------------------------------------------------------------------ */

static void lower_children(lctx *c, TSNode n, int depth, sg_cmd **fed, size_t nfed)
{
	uint32_t nc = ts_node_child_count(n);
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_child(n, i);
		if (!ts_node_is_named(ch))
			continue;
		/* `stmt &`: the statement runs in the background */
		int bg = i + 1 < nc && !strcmp(ts_node_type(ts_node_child(n, i + 1)), "&");
		size_t before = c->st->ir->ncmds;
		lower_node(c, ch, depth + 1, fed, nfed);
		for (size_t k = before; bg && k < c->st->ir->ncmds; k++)
			c->st->ir->cmds[k]->ctx |= SG_C_BACKGROUND;
	}
}

void lower_block(lctx *c, TSNode n, unsigned addctx)
{
	unsigned saved = c->ctx;
	const char *cwd = c->cwd;
	c->ctx |= addctx;
	lower_children(c, n, 0, NULL, 0);
	c->ctx = saved;
	c->cwd = cwd;	/* $( ) and <( ) run in a subshell */
}

static void lower_pipeline(lctx *c, TSNode n, int depth, sg_cmd **fed, size_t nfed)
{
	uint32_t nc = ts_node_named_child_count(n);
	sg_ir *ir = c->st->ir;
	/* what feeds the pipeline feeds its first stage (tree-sitter-bash nests
	 * `a | b | c && d` as `a | (b | c && d)`) */
	sg_cmd **prev = fed;
	size_t nprev = nfed;
	int idx = 0;
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_named_child(n, i);
		if (is_type(ch, "comment"))
			continue;
		size_t before = ir->ncmds;
		/* every stage but the last runs in a subshell: its cd does not
		 * leak. zsh and bash's lastpipe run the last one in the current
		 * shell, so a cd there leaves the directory unknown. */
		const char *cwd = c->cwd;
		lower_node(c, ch, depth + 1, prev, nprev);
		if (i + 1 == nc && c->cwd != cwd && (!c->cwd || !cwd || strcmp(c->cwd, cwd)))
			c->cwd = NULL;
		else
			c->cwd = cwd;
		size_t after = ir->ncmds;
		size_t k = 0;
		prev = after > before ? sg_arena_alloc(c->st->A, (after - before) * sizeof *prev) : NULL;
		for (size_t j = before; j < after; j++) {
			sg_cmd *cmd = ir->cmds[j];
			if (!(cmd->ctx & ~c->ctx & (SG_C_SUBST | SG_C_PROCSUBST))) {
				cmd->pipe_index = idx;
				prev[k++] = cmd;
			}
		}
		nprev = k;
		idx++;
	}
}

static void lower_list(lctx *c, TSNode n, int depth, sg_cmd **fed, size_t nfed)
{
	/* a && b, a || b: the right side is conditional */
	uint32_t nc = ts_node_child_count(n);
	int seen_op = 0;
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_child(n, i);
		if (!ts_node_is_named(ch)) {
			seen_op = 1;
			continue;
		}
		int saved = c->conditional;
		if (seen_op)
			c->conditional = 1;
		lower_node(c, ch, depth + 1, fed, nfed);
		c->conditional = saved;
	}
}

static void define_function(lctx *c, TSNode n, int depth)
{
	TSNode nm = ts_node_child_by_field_name(n, "name", 4);
	TSNode body = ts_node_child_by_field_name(n, "body", 4);
	if (ts_node_is_null(nm) || ts_node_is_null(body)) {
		lower_children(c, n, depth, NULL, 0);
		return;
	}
	lfunc *f = sg_arena_alloc(c->st->A, sizeof *f);
	uint32_t ns = ts_node_start_byte(nm), ne = ts_node_end_byte(nm);
	f->name = sg_arena_strndup(c->st->A, c->src + ns, ne - ns);
	uint32_t bs = ts_node_start_byte(body), be = ts_node_end_byte(body);
	f->body = sg_arena_strndup(c->st->A, c->src + bs, be - bs);
	f->len = be - bs;
	f->exact = c->exact;
	f->start = lw_map(c, bs);
	f->end = c->exact ? lw_map(c, be) : c->oend;
	f->cwd = c->cwd;
	f->next = c->st->funcs;
	c->st->funcs = f;
	/* The body runs when the function is called (judged then, with the
	 * call's arguments). Bodies never called are judged at the end only
	 * when something dynamic could call them (sg_lower). */
}

/* A function nobody called statically may still be called by a dynamic
 * command (`$cmd`, eval "$x"): judge its body as written, parameters unknown. */
static void judge_uncalled(lctx *c)
{
	int dynamic = 0;
	for (size_t i = 0; i < c->st->ir->ncmds; i++)
		if (c->st->ir->cmds[i]->ctx & (SG_C_DYNAMIC_PROG | SG_C_DYNAMIC_INPUT))
			dynamic = 1;
	if (!dynamic)
		return;
	for (lfunc *f = c->st->funcs; f; f = f->next) {
		if (f->called)
			continue;
		lctx sub = *c;
		sub.cwd = f->cwd;
		f->called++;
		lower_text(&sub, f->body, f->len, f->start, f->end, f->exact, f->start, SG_C_FUNCTION, f->name,
			   NULL, NULL, -1, NULL, 0);
	}
}

static void lower_for(lctx *c, TSNode n, int depth)
{
	TSNode var = ts_node_child_by_field_name(n, "variable", 8);
	uint32_t nc = ts_node_child_count(n);
	const char *vals[SG_MAX_VALUES];
	int nv = 0, unknown = 0, has_in = 0;
	fvec fe = { 0 };
	/* every word between `in` and the body is a value (tree-sitter 0.20.7
	 * labels only the first one with the "value" field) */
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_child(n, i);
		if (!ts_node_is_named(ch)) {
			if (!strcmp(ts_node_type(ch), "in"))
				has_in = 1;
			continue;
		}
		if (!has_in || is_type(ch, "do_group") || is_type(ch, "compound_statement") || is_type(ch, "comment"))
			continue;
		lwords *alts;
		size_t na;
		lw_expand(c, ch, &alts, &na, &fe.v, &fe.n);
		for (size_t a = 0; a < na; a++)
			for (size_t k = 0; k < alts[a].n; k++) {
				if (alts[a].w[k].flags & (SG_W_DYNAMIC | SG_W_GLOB))
					unknown = 1;
				else if (nv < SG_MAX_VALUES)
					vals[nv++] = alts[a].w[k].text;
				else
					unknown = 1;
			}
	}
	int saved = c->conditional;
	c->conditional = 0;
	if (!ts_node_is_null(var)) {
		uint32_t s = ts_node_start_byte(var), e = ts_node_end_byte(var);
		char *name = sg_arena_strndup(c->st->A, c->src + s, e - s);
		lw_var_set(c, name, vals, nv, unknown || !has_in);
	}
	c->conditional = 1;
	TSNode body = ts_node_child_by_field_name(n, "body", 4);
	if (!ts_node_is_null(body))
		lower_node(c, body, depth + 1, fe.v, fe.n);
	c->conditional = saved;
}

static void lower_error(lctx *c, TSNode n, int depth)
{
	/* Tree-sitter could not parse this region: judge what it holds (named
	 * statements inside) and also lex its text as plain words, so that
	 * `{rm,-rf,~}` is still seen as rm. The unparsable floor applies. */
	sg_ir *ir = c->st->ir;
	ir->flags |= SG_IR_UNPARSABLE;
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
	if (!ir->err_end) {
		ir->err_start = lw_map(c, s);
		ir->err_end = c->exact ? lw_map(c, e) : c->oend;
	}
	uint32_t nc = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_named_child(n, i);
		const char *ty = ts_node_type(ch);
		if (!strcmp(ty, "command") || !strcmp(ty, "pipeline") || !strcmp(ty, "list") ||
		    !strcmp(ty, "redirected_statement") || !strcmp(ty, "subshell") ||
		    !strcmp(ty, "compound_statement") || !strcmp(ty, "ERROR") ||
		    !strcmp(ty, "command_substitution") || !strcmp(ty, "process_substitution") ||
		    strstr(ty, "_statement") || !strcmp(ty, "function_definition"))
			lower_node(c, ch, depth + 1, NULL, 0);
	}
	/* lexical fallback, split on control operators */
	const char *src = c->src + s;
	size_t len = e - s, st = 0;
	for (size_t i = 0; i <= len; i++) {
		int q = 0;
		(void)q;
		if (i < len && src[i] == '\'') {
			const char *cl = memchr(src + i + 1, '\'', len - i - 1);
			if (cl) {
				i = (size_t)(cl - src);
				continue;
			}
		}
		if (i < len && src[i] == '"') {
			size_t j = i + 1;
			while (j < len && src[j] != '"')
				j += src[j] == '\\' ? 2 : 1;
			if (j < len) {
				i = j;
				continue;
			}
		}
		if (i == len || strchr(";&|()\n`", src[i])) {
			if (i > st) {
				lwords w = { 0 };
				lw_lex(c, src + st, i - st, lw_map(c, s + (uint32_t)st),
				       c->exact ? lw_map(c, s + (uint32_t)i) : c->oend, &w);
				if (w.n)
					emit_command(c, w.w, w.n, NULL, 0, NULL, 0, NULL, 0, lw_map(c, s + (uint32_t)st),
						     c->exact ? lw_map(c, s + (uint32_t)i) : c->oend, SG_C_ERROR);
			}
			st = i + 1;
		}
	}
}

static void lower_redirected(lctx *c, TSNode n, int depth, sg_cmd **fed, size_t nfed)
{
	/* body + redirects; the redirects apply to every command of the body.
	 * A pipeline that follows a heredoc start (`cat <<EOF | sh`) is nested
	 * inside the heredoc_redirect node: it is fed by the body. */
	rvec rd = { 0 };
	fvec fe = { 0 };
	uint32_t nc = ts_node_child_count(n);
	TSNode body = ts_node_child_by_field_name(n, "body", 4);
	TSNode tails[8];
	size_t ntails = 0;
	int has_doc = 0;
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_child(n, i);
		if (!ts_node_is_named(ch) || (!ts_node_is_null(body) && ts_node_eq(ch, body)))
			continue;
		if (is_redirect(ch)) {
			/* `cmd 2>/dev/null -rf /`: tree-sitter-bash hangs the words
			 * after a redirection's target on the redirection; in bash
			 * they are arguments of the command. Judge the statement's
			 * text as plain words too, with the unparsable floor. */
			if (is_type(ch, "file_redirect")) {
				uint32_t words = 0, hn = ts_node_named_child_count(ch);
				for (uint32_t k = 0; k < hn; k++)
					words += !is_type(ts_node_named_child(ch, k), "file_descriptor");
				if (words > 1)
					lower_error(c, n, depth);
			}
			lower_redirect(c, ch, &rd, &fe);
			has_doc |= is_type(ch, "heredoc_redirect") || is_type(ch, "herestring_redirect");
			if (is_type(ch, "heredoc_redirect")) {
				uint32_t hn = ts_node_named_child_count(ch);
				for (uint32_t k = 0; k < hn; k++) {
					TSNode h = ts_node_named_child(ch, k);
					const char *ty = ts_node_type(h);
					if ((!strcmp(ty, "pipeline") || !strcmp(ty, "command") || !strcmp(ty, "list") ||
					     !strcmp(ty, "redirected_statement") || !strcmp(ty, "subshell")) && ntails < 8)
						tails[ntails++] = h;
				}
			}
		}
	}
	sg_ir *ir = c->st->ir;
	size_t before = ir->ncmds;
	if (!ts_node_is_null(body) && (is_type(body, "list") || is_type(body, "pipeline")) && has_doc) {
		/* tree-sitter-bash hangs the heredoc of `true && bash <<EOF` (or `true | bash <<EOF`) on the
		 * whole list; in bash it belongs to the last command. That command
		 * and the redirects are also read again on their own. */
		TSNode last = body;
		while ((is_type(last, "list") || is_type(last, "pipeline")) && ts_node_named_child_count(last) > 0)
			last = ts_node_named_child(last, ts_node_named_child_count(last) - 1);
		uint32_t s = ts_node_start_byte(last), e = ts_node_end_byte(n);
		if (s < e && e <= c->len)
			lower_text(c, c->src + s, e - s, lw_map(c, s), c->exact ? lw_map(c, e) : c->oend, c->exact,
				   c->exact ? c->base + s : 0, 0, NULL, NULL, NULL, 0, NULL, 0);
	}
	if (!ts_node_is_null(body)) {
		if (is_type(body, "command")) {
			lower_command(c, body, &rd, fed, nfed, 0);
		} else {
			lower_node(c, body, depth + 1, fed, nfed);
			/* attach redirects to the commands the body ran at its top level */
			for (size_t j = before; j < ir->ncmds; j++) {
				sg_cmd *cmd = ir->cmds[j];
				/* skip substitutions inside the body, not the one the
				 * whole statement may sit in */
				if (cmd->ctx & ~c->ctx & (SG_C_SUBST | SG_C_PROCSUBST))
					continue;
				sg_redir *nr = sg_arena_alloc(c->st->A, (cmd->nredirs + rd.n + 1) * sizeof *nr);
				if (cmd->nredirs)
					memcpy(nr, cmd->redirs, cmd->nredirs * sizeof *nr);
				if (rd.n)
					memcpy(nr + cmd->nredirs, rd.v, rd.n * sizeof *nr);
				cmd->redirs = nr;
				cmd->nredirs += rd.n;
				record_written(c, cmd);	/* echo x > f attached late */
			}
		}
	} else if (rd.n) {
		/* bare redirection: `> file` truncates it */
		emit_command(c, NULL, 0, NULL, 0, rd.v, rd.n, NULL, 0, lw_map(c, ts_node_start_byte(n)),
			     c->exact ? lw_map(c, ts_node_end_byte(n)) : c->oend, 0);
	}
	size_t after = ir->ncmds;
	if (ntails) {
		/* the last top-level command of the body feeds the tail */
		sg_cmd **up = NULL;
		size_t nup = 0;
		for (size_t j = after; j > before; j--) {
			sg_cmd *cmd = ir->cmds[j - 1];
			if (!(cmd->ctx & ~c->ctx & (SG_C_SUBST | SG_C_PROCSUBST)) &&
			    (!cmd->parent || cmd->parent->id < (int)before)) {
				up = sg_arena_alloc(c->st->A, sizeof *up);
				up[0] = cmd;
				nup = 1;
				break;
			}
		}
		for (size_t t = 0; t < ntails; t++) {
			if (is_type(tails[t], "pipeline")) {
				/* `| sh` arrives as a pipeline whose first stage is sh */
				uint32_t pn = ts_node_named_child_count(tails[t]);
				sg_cmd **prev = up;
				size_t nprev = nup;
				for (uint32_t k = 0; k < pn; k++) {
					size_t b2 = ir->ncmds;
					lower_node(c, ts_node_named_child(tails[t], k), depth + 1, prev, nprev);
					prev = NULL;
					nprev = 0;
					if (ir->ncmds > b2) {
						prev = sg_arena_alloc(c->st->A, (ir->ncmds - b2) * sizeof *prev);
						for (size_t j = b2; j < ir->ncmds; j++)
							if (!(ir->cmds[j]->ctx & ~c->ctx & (SG_C_SUBST | SG_C_PROCSUBST)))
								prev[nprev++] = ir->cmds[j];
					}
				}
			} else {
				lower_node(c, tails[t], depth + 1, up, nup);
			}
		}
	}
}

static void lower_node_in(lctx *c, TSNode n, int depth, sg_cmd **fed, size_t nfed);

/* Every descent, including the ones through word expansion ($( ) inside a
 * word inside a command ...), passes here: st->depth is the real depth. */
static void lower_node(lctx *c, TSNode n, int depth, sg_cmd **fed, size_t nfed)
{
	(void)depth;
	if (c->st->depth >= SG_MAX_AST_DEPTH) {
		lower_limit(c, "SG_MAX_AST_DEPTH");
		return;
	}
	c->st->depth++;
	lower_node_in(c, n, c->st->depth, fed, nfed);
	c->st->depth--;
}

/* `{` is a reserved word only when a blank follows it, but tree-sitter-bash
 * also reads `{rm,-rf,~}` as a brace group (with a missing `}`) after `$(`,
 * `( ` or before a newline. Such a "group" is a word in bash: it is lowered
 * like a parse error, whose lexical fallback sees the brace expansion. */
static int brace_is_word(const lctx *c, TSNode n)
{
	uint32_t s = ts_node_start_byte(n);
	if (s + 1 >= c->len || c->src[s] != '{')
		return 0;
	char nx = c->src[s + 1];
	return nx != ' ' && nx != '\t' && nx != '\n';
}

static void lower_node_in(lctx *c, TSNode n, int depth, sg_cmd **fed, size_t nfed)
{
	const char *ty = ts_node_type(n);
	if (ts_node_is_missing(n))
		c->st->ir->flags |= SG_IR_UNPARSABLE;
	if (!strcmp(ty, "comment"))
		return;
	if (!strcmp(ty, "command")) {
		lower_command(c, n, NULL, fed, nfed, 0);
	} else if (!strcmp(ty, "redirected_statement")) {
		lower_redirected(c, n, depth, fed, nfed);
	} else if (!strcmp(ty, "pipeline")) {
		lower_pipeline(c, n, depth, fed, nfed);
	} else if (!strcmp(ty, "list")) {
		lower_list(c, n, depth, fed, nfed);
	} else if (!strcmp(ty, "subshell")) {
		const char *cwd = c->cwd;
		lower_children(c, n, depth, fed, nfed);
		c->cwd = cwd;
	} else if (!strcmp(ty, "variable_assignment") || !strcmp(ty, "variable_assignments")) {
		/* statement-level assignment: same path as a command with no words */
		TSNode fake = n;
		if (!strcmp(ty, "variable_assignments")) {
			uint32_t k = ts_node_named_child_count(n);
			for (uint32_t i = 0; i < k; i++)
				lower_node(c, ts_node_named_child(n, i), depth + 1, fed, nfed);
			return;
		}
		/* lower_command walks children: wrap by treating n's parent view */
		rvec rd = { 0 };
		fvec fe = { 0 };
		sg_assign *as = sg_arena_alloc(c->st->A, sizeof *as);
		TSNode nm = ts_node_child_by_field_name(fake, "name", 4);
		TSNode val = ts_node_child_by_field_name(fake, "value", 5);
		size_t l = ts_node_is_null(nm) ? 0 : ts_node_end_byte(nm) - ts_node_start_byte(nm);
		as->name = sg_arena_strndup(c->st->A, c->src + (ts_node_is_null(nm) ? 0 : ts_node_start_byte(nm)), l);
		if (array_assign(c, fake, as->name, &fe))
			return;
		if (!ts_node_is_null(val))
			as->value = first_word(c, val, &fe);
		else
			as->value = lw_word_static(c, "", 0, lw_map(c, ts_node_start_byte(n)), lw_map(c, ts_node_end_byte(n)));
		if (as->value.flags & SG_W_DYNAMIC)
			lw_var_set(c, as->name, NULL, 0, 1);
		else
			lw_var_set(c, as->name, &as->value.text, 1, 0);
		if (fe.n)
			emit_command(c, NULL, 0, as, 1, rd.v, rd.n, fe.v, fe.n, lw_map(c, ts_node_start_byte(n)),
				     c->exact ? lw_map(c, ts_node_end_byte(n)) : c->oend, 0);
	} else if (!strcmp(ty, "declaration_command") || !strcmp(ty, "unset_command") ||
		   !strcmp(ty, "test_command")) {
		/* export/declare/local/unset/[[ ]]: a command whose words are its children */
		lower_command(c, n, NULL, fed, nfed, 0);
	} else if (!strcmp(ty, "function_definition")) {
		define_function(c, n, depth);
	} else if (!strcmp(ty, "for_statement")) {
		lower_for(c, n, depth);
	} else if (!strcmp(ty, "if_statement") || !strcmp(ty, "while_statement") ||
		   !strcmp(ty, "case_statement") || !strcmp(ty, "c_style_for_statement") ||
		   !strcmp(ty, "elif_clause") || !strcmp(ty, "else_clause") || !strcmp(ty, "case_item")) {
		int saved = c->conditional;
		c->conditional = 1;
		lower_children(c, n, depth, fed, nfed);
		c->conditional = saved;
	} else if (!strcmp(ty, "ERROR")) {
		lower_error(c, n, depth);
	} else if (!strcmp(ty, "negated_command")) {
		unsigned saved = c->ctx;
		c->ctx |= SG_C_NEGATED;
		lower_children(c, n, depth, fed, nfed);
		c->ctx = saved;
	} else if (!strcmp(ty, "command_substitution") || !strcmp(ty, "process_substitution")) {
		lower_block(c, n, !strcmp(ty, "command_substitution") ? SG_C_SUBST : SG_C_PROCSUBST);
	} else if (!strcmp(ty, "word") || !strcmp(ty, "string") || !strcmp(ty, "concatenation") ||
		   !strcmp(ty, "raw_string") || !strcmp(ty, "simple_expansion") || !strcmp(ty, "expansion") ||
		   !strcmp(ty, "number") || !strcmp(ty, "heredoc_body") || !strcmp(ty, "array") ||
		   !strcmp(ty, "binary_expression") || !strcmp(ty, "unary_expression") ||
		   !strcmp(ty, "parenthesized_expression") || !strcmp(ty, "arithmetic_expansion") ||
		   !strcmp(ty, "postfix_expression") || !strcmp(ty, "ternary_expression") ||
		   !strcmp(ty, "subscript")) {
		/* words in statement position (case values, conditions): run only
		 * their substitutions */
		lwords *alts;
		size_t na;
		fvec fe = { 0 };
		lw_expand(c, n, &alts, &na, &fe.v, &fe.n);
	} else if (!strcmp(ty, "compound_statement") && brace_is_word(c, n)) {
		lower_error(c, n, depth);
	} else {
		/* program, compound_statement, do_group, ...: a sequence */
		lower_children(c, n, depth, fed, nfed);
	}
}

/* ---- nested text (bash -c, eval, aliases, function calls) ----------------------------- */

void lower_text(lctx *parent, const char *text, size_t len, uint32_t s0, uint32_t e0, int exact,
		uint32_t base, unsigned addctx, const char *wrapper, sg_cmd *pcmd,
		const char **params, int nparams, sg_cmd **feeders, size_t nfeeders)
{
	lstate *st = parent->st;
	if (parent->nesting + 1 > SG_MAX_NESTING) {
		lower_limit(parent, "SG_MAX_NESTING");
		return;
	}
	int status;
	TSTree *t = sg_parse(st->parser, text, len, &status);
	if (!t) {
		st->ir->flags |= status == SG_PARSE_TIMEOUT ? SG_IR_UNPARSABLE : SG_IR_LIMIT;
		if (status != SG_PARSE_TIMEOUT)
			lower_limit(parent, "SG_MAX_INPUT");
		return;
	}
	if (st->ntrees == st->captrees) {
		size_t cap = st->captrees ? st->captrees * 2 : 8;
		st->trees = sg_xrealloc(st->trees, cap * sizeof *st->trees);
		st->captrees = cap;
	}
	st->trees[st->ntrees++] = t;
	lctx c = *parent;
	c.src = text;
	c.len = len;
	c.exact = exact;
	c.base = base;
	c.ostart = s0;
	c.oend = e0;
	c.nesting = parent->nesting + 1;
	c.ctx = parent->ctx | addctx;
	c.parent = pcmd;
	if (params && nparams >= 0) {
		c.params = params;
		c.nparams = nparams;
	} else if (nparams < 0) {
		c.params = NULL;
		c.nparams = 0;
	}
	if (wrapper) {
		c.wrappers = parent->wrappers && *parent->wrappers
				     ? sg_arena_printf(st->A, "%s > %s", parent->wrappers, wrapper)
				     : wrapper;
	}
	TSNode root = ts_tree_root_node(t);
	if (ts_node_has_error(root))
		st->ir->flags |= SG_IR_UNPARSABLE;
	/* feeders (stdin of `bash`) apply to the first statement's commands */
	size_t before = st->ir->ncmds;
	lower_node(&c, root, 0, NULL, 0);
	if (feeders && nfeeders) {
		for (size_t j = before; j < st->ir->ncmds; j++) {
			sg_cmd *cmd = st->ir->cmds[j];
			if (cmd->nfed_by)
				continue;
			cmd->fed_by = feeders;
			cmd->nfed_by = nfeeders;
		}
	}
	/* variables, functions and cwd changes made by eval/alias text persist
	 * (a `bash -c` child's do not, but over-approximating is stricter) */
	parent->cwd = (addctx & SG_C_FUNCTION) || wrapper ? parent->cwd : c.cwd;
}

/* ---- entry ------------------------------------------------------------------------------ */

void sg_lower(sg_ir *ir, sg_parser *parser, const sg_ruleset *rs)
{
	lstate st;
	memset(&st, 0, sizeof st);
	st.ir = ir;
	st.A = ir->arena;
	st.parser = parser;
	st.rs = rs;
	lctx c;
	memset(&c, 0, sizeof c);
	c.st = &st;
	c.src = ir->input;
	c.len = ir->input_len;
	c.exact = 1;
	c.base = 0;
	c.ostart = 0;
	c.oend = (uint32_t)ir->input_len;
	c.cwd = ir->cwd;
	c.wrappers = "";

	if (memchr(ir->input, 0, ir->input_len)) {
		/* a NUL cannot reach a shell intact: refuse to guess */
		ir->flags |= SG_IR_NUL | SG_IR_UNPARSABLE;
	}
	if (sg_utf8_valid_prefix(ir->input, ir->input_len) != ir->input_len)
		ir->flags |= SG_IR_BAD_UTF8;
	int status;
	TSTree *t = sg_parse(parser, ir->input, ir->input_len, &status);
	if (!t) {
		ir->flags |= SG_IR_UNPARSABLE;
		if (status == SG_PARSE_TOO_LARGE) {
			ir->flags |= SG_IR_LIMIT;
			ir->limit_what = "SG_MAX_INPUT";
		} else {
			ir->flags |= SG_IR_LIMIT;
			ir->limit_what = "SG_PARSE_TIMEOUT_US";
		}
		return;
	}
	TSNode root = ts_tree_root_node(t);
	if (ts_node_has_error(root))
		ir->flags |= SG_IR_UNPARSABLE;
	lower_node(&c, root, 0, NULL, 0);
	judge_uncalled(&c);
	ts_tree_delete(t);
	for (size_t i = 0; i < st.ntrees; i++)
		ts_tree_delete(st.trees[i]);
	free(st.trees);
	if (ir->arena->exhausted)
		lower_limit(&c, "SG_MAX_ARENA");
}
