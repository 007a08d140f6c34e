/*
 * words.c - word expansion as bash does it, statically: quote removal,
 * escapes, ANSI-C strings, tilde, parameters (with the values the same input
 * assigned), command substitution of echo/printf of literals, word splitting
 * on IFS, brace expansion, glob marks.
 *
 * What cannot be known before run time is kept as its source text and
 * marked SG_W_DYNAMIC, with static_prefix saying how much of the word before
 * it is known (so "$HOME/$X" still classifies as "somewhere in home").
 *
 * INVARIANT: every loop here is bounded by a SG_MAX_* constant; hitting one
 * calls lower_limit() (the unparsable floor) and keeps what was built.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

uint32_t lw_map(const lctx *c, uint32_t off)
{
	if (c->exact)
		return c->base + off;
	return c->ostart;
}

int lw_is_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* ---- variables ------------------------------------------------------------- */

static lvar *var_find(lctx *c, const char *name)
{
	for (lvar *v = c->st->vars; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

void lw_var_set(lctx *c, const char *name, const char *const *vals, int nvals, int unknown)
{
	lvar *v = var_find(c, name);
	if (!v) {
		v = sg_arena_alloc(c->st->A, sizeof *v);
		v->name = sg_arena_strdup(c->st->A, name);
		v->next = c->st->vars;
		c->st->vars = v;
	} else if (!c->conditional) {
		v->nvals = 0;
		v->unknown = 0;
	}
	if (c->conditional && v->nvals == 0 && !v->unknown && v != NULL)
		v->unknown = 0;
	for (int i = 0; i < nvals; i++) {
		int dup = 0;
		for (int k = 0; k < v->nvals; k++)
			if (!strcmp(v->vals[k], vals[i]))
				dup = 1;
		if (dup)
			continue;
		if (v->nvals == SG_MAX_VALUES) {
			v->unknown = 1;
			break;
		}
		v->vals[v->nvals++] = sg_arena_strdup(c->st->A, vals[i]);
	}
	if (unknown)
		v->unknown = 1;
}

void lw_var_set_array(lctx *c, const char *name, const char *const *elems, int n, int unknown)
{
	int saved = c->conditional;
	c->conditional = 0;
	lw_var_set(c, name, NULL, 0, 0);
	c->conditional = saved;
	lvar *v = var_find(c, name);
	if (!v)
		return;
	v->is_array = 1;
	for (int i = 0; i < n && i < SG_MAX_VALUES; i++)
		v->vals[v->nvals++] = sg_arena_strdup(c->st->A, elems[i]);
	if (n > SG_MAX_VALUES || unknown)
		v->unknown = 1;
}

/* Single known value of a variable, or NULL. */
const char *lw_var_get1(lctx *c, const char *name)
{
	lvar *v = var_find(c, name);
	if (v && v->nvals == 1 && !v->unknown)
		return v->vals[0];
	if (!v && !strcmp(name, "HOME"))
		return c->st->ir->home;
	return NULL;
}

/* ---- field builder with alternatives ------------------------------------ */

typedef struct partial {
	lwords done;
	lfield cur;
	int started;
} partial;

typedef struct xst {
	lctx *c;
	partial *p;
	size_t np;
	uint32_t s, e;		/* span of the whole word (top-level) */
	sg_cmd ***feeders;
	size_t *nfeeders;
	size_t fcap;
} xst;

static void field_init(lfield *f)
{
	sg_buf_init(&f->text);
	sg_buf_init(&f->uq);
	f->flags = 0;
	f->static_prefix = SIZE_MAX;
	f->exact = 0;
	f->text_base = 0;
}

static void field_copy(lfield *dst, const lfield *src)
{
	field_init(dst);
	sg_buf_add(&dst->text, src->text.data ? src->text.data : "", src->text.len);
	sg_buf_add(&dst->uq, src->uq.data ? src->uq.data : "", src->uq.len);
	dst->flags = src->flags;
	dst->static_prefix = src->static_prefix;
}

static void field_free(lfield *f)
{
	sg_buf_free(&f->text);
	sg_buf_free(&f->uq);
}

void lwords_push(lctx *c, lwords *l, const sg_word *w)
{
	l->w = sg_arena_grow(c->st->A, l->w, l->n, &l->cap, sizeof *l->w);
	l->w[l->n++] = *w;
}

static void append(lfield *f, const char *s, size_t n, char uqv)
{
	sg_buf_add(&f->text, s, n);
	sg_buf_fill(&f->uq, uqv, n);
	if (f->text.len > SG_MAX_WORD_BYTES)
		f->flags |= SG_W_DYNAMIC;	/* caller reports the limit */
}

static void x_lit(xst *x, const char *s, size_t n, char uqv)
{
	for (size_t i = 0; i < x->np; i++) {
		append(&x->p[i].cur, s, n, uqv);
		x->p[i].started = 1;
		if (uqv == 0)
			x->p[i].cur.flags |= SG_W_QUOTED;
	}
}

static void x_dyn(xst *x, const char *s, size_t n, unsigned extra)
{
	for (size_t i = 0; i < x->np; i++) {
		lfield *f = &x->p[i].cur;
		if (f->static_prefix == SIZE_MAX)
			f->static_prefix = f->text.len;
		append(f, s, n, 0);
		f->flags |= SG_W_DYNAMIC | extra;
		x->p[i].started = 1;
	}
}

/* finish the current field of p into p->done as a raw field (expansion of
 * braces/tilde happens in finalize) */
static void p_break(xst *x, partial *p);

static void x_split_into(xst *x, partial *p, const char *val, const char *ifs, int quoted)
{
	if (quoted) {
		append(&p->cur, val, strlen(val), 0);
		p->cur.flags |= SG_W_QUOTED;
		p->started = 1;
		return;
	}
	const char *s = val;
	while (*s) {
		size_t k = strcspn(s, ifs);
		if (k) {
			append(&p->cur, s, k, 2);
			p->started = 1;
		}
		s += k;
		if (!*s)
			break;
		/* a separator: end the field (whitespace runs fold) */
		if (p->started)
			p_break(x, p);
		s++;
	}
}

static void x_values(xst *x, const char **vals, int nvals, int quoted)
{
	const char *ifs = lw_var_get1(x->c, "IFS");
	if (!ifs)
		ifs = " \t\n";
	if (nvals <= 1) {
		for (size_t i = 0; i < x->np; i++)
			x_split_into(x, &x->p[i], nvals ? vals[0] : "", ifs, quoted);
		return;
	}
	size_t want = x->np * (size_t)nvals;
	if (want > SG_MAX_VARIANTS) {
		lower_limit(x->c, "SG_MAX_VARIANTS");
		want = SG_MAX_VARIANTS;
	}
	partial *np = sg_xcalloc(want, sizeof *np);
	size_t k = 0;
	for (size_t i = 0; i < x->np; i++)
		for (int v = 0; v < nvals; v++) {
			if (k == want)
				break;
			partial *d = &np[k++];
			d->done = x->p[i].done;	/* shallow: arena words are immutable; copy on push */
			d->done.w = NULL, d->done.n = d->done.cap = 0;
			for (size_t j = 0; j < x->p[i].done.n; j++)
				lwords_push(x->c, &d->done, &x->p[i].done.w[j]);
			field_copy(&d->cur, &x->p[i].cur);
			d->started = x->p[i].started;
			x_split_into(x, d, vals[v], ifs, quoted);
		}
	for (size_t i = 0; i < x->np; i++)
		field_free(&x->p[i].cur);
	free(x->p);
	x->p = np;
	x->np = k;
}

/* ---- brace expansion, tilde, glob marks ---------------------------------- */

typedef struct rawf {
	char *t;
	char *uq;
	size_t n;
} rawf;

static int find_brace(const rawf *r, size_t *open, size_t *close, int *seq)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->t[i] != '{' || r->uq[i] != 1)
			continue;
		int depth = 0, comma = 0;
		for (size_t j = i + 1; j < r->n; j++) {
			if (r->uq[j] != 1)
				continue;
			if (r->t[j] == '{')
				depth++;
			else if (r->t[j] == '}') {
				if (depth == 0) {
					int dots = 0;
					if (!comma && j > i + 3) {
						const char *m = memmem(r->t + i + 1, j - i - 1, "..", 2);
						dots = m != NULL;
					}
					if (comma || dots) {
						*open = i, *close = j, *seq = !comma;
						return 1;
					}
					break;
				}
				depth--;
			} else if (r->t[j] == ',' && depth == 0)
				comma = 1;
		}
	}
	return 0;
}

static void brace_expand(lctx *c, rawf r, rawf *out, size_t *nout, int budget);

static void brace_emit(lctx *c, const rawf *r, size_t o, size_t cl, const char *mid, const char *miduq,
		       size_t midn, rawf *out, size_t *nout, int budget)
{
	rawf n;
	n.n = o + midn + (r->n - cl - 1);
	n.t = sg_arena_alloc(c->st->A, n.n + 1);
	n.uq = sg_arena_alloc(c->st->A, n.n + 1);
	memcpy(n.t, r->t, o);
	memcpy(n.uq, r->uq, o);
	memcpy(n.t + o, mid, midn);
	memcpy(n.uq + o, miduq, midn);
	memcpy(n.t + o + midn, r->t + cl + 1, r->n - cl - 1);
	memcpy(n.uq + o + midn, r->uq + cl + 1, r->n - cl - 1);
	brace_expand(c, n, out, nout, budget - 1);
}

static void brace_seq(lctx *c, const rawf *r, size_t o, size_t cl, rawf *out, size_t *nout, int budget)
{
	char a[32], b[32];
	const char *in = r->t + o + 1;
	size_t len = cl - o - 1;
	const char *dots = memmem(in, len, "..", 2);
	size_t la = (size_t)(dots - in), lb = len - la - 2;
	if (la == 0 || lb == 0 || la >= sizeof a || lb >= sizeof b) {
		out[(*nout)++] = *r;
		return;
	}
	memcpy(a, in, la), a[la] = 0;
	memcpy(b, dots + 2, lb), b[lb] = 0;
	char *ea, *eb;
	long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
	int chars = 0;
	if (*ea || *eb) {
		if (la == 1 && lb == 1) {
			x = (unsigned char)a[0], y = (unsigned char)b[0], chars = 1;
		} else {
			out[(*nout)++] = *r;
			return;
		}
	}
	long step = x <= y ? 1 : -1;
	for (long v = x;; v += step) {
		if (*nout >= SG_MAX_BRACE) {
			lower_limit(c, "SG_MAX_BRACE");
			return;
		}
		char mid[32], muq[32];
		int m = chars ? (mid[0] = (char)v, 1) : snprintf(mid, sizeof mid, "%ld", v);
		memset(muq, 1, sizeof muq);
		brace_emit(c, r, o, cl, mid, muq, (size_t)m, out, nout, budget);
		if (v == y)
			break;
	}
}

static void brace_expand(lctx *c, rawf r, rawf *out, size_t *nout, int budget)
{
	size_t o, cl;
	int seq;
	if (*nout >= SG_MAX_BRACE) {
		lower_limit(c, "SG_MAX_BRACE");
		return;
	}
	if (budget <= 0 || !find_brace(&r, &o, &cl, &seq)) {
		out[(*nout)++] = r;
		return;
	}
	if (seq) {
		brace_seq(c, &r, o, cl, out, nout, budget);
		return;
	}
	size_t st = o + 1;
	int depth = 0;
	for (size_t j = o + 1; j <= cl; j++) {
		int uqj = r.uq[j] == 1;
		if (uqj && r.t[j] == '{')
			depth++;
		else if (uqj && r.t[j] == '}' && depth > 0 && j != cl)
			depth--;
		else if ((uqj && r.t[j] == ',' && depth == 0) || j == cl) {
			brace_emit(c, &r, o, cl, r.t + st, r.uq + st, j - st, out, nout, budget);
			st = j + 1;
		}
	}
}

static const char *tilde_home(lctx *c, const char *user, size_t n)
{
	if (n == 0)
		return c->st->ir->home;
	if (n == 4 && !memcmp(user, "root", 4))
		return "/root";
	return sg_arena_printf(c->st->A, "/home/%.*s", (int)n, user);
}

static void finalize_field(xst *x, partial *p, lfield *f)
{
	lctx *c = x->c;
	rawf r = { f->text.data ? f->text.data : (char *)"", f->uq.data ? f->uq.data : (char *)"", f->text.len };
	rawf outs[SG_MAX_BRACE];
	size_t nout = 0;
	int has_brace = memchr(r.t, '{', r.n) != NULL;
	if (has_brace)
		brace_expand(c, r, outs, &nout, 8);
	else
		outs[nout++] = r;
	for (size_t i = 0; i < nout; i++) {
		sg_word w;
		memset(&w, 0, sizeof w);
		unsigned flags = f->flags;
		const char *t = outs[i].t;
		const char *uq = outs[i].uq;
		size_t n = outs[i].n;
		size_t sp = f->static_prefix;
		sg_buf nt;
		sg_buf_init(&nt);
		/* tilde: unquoted ~ or ~user at the start, up to the first '/' */
		if (n && t[0] == '~' && uq[0] == 1) {
			size_t k = 1;
			while (k < n && t[k] != '/' && uq[k] == 1)
				k++;
			if ((k == n || t[k] == '/') && lw_is_name(t + 1, k - 1) == (k > 1)) {
				const char *h = tilde_home(c, t + 1, k - 1);
				sg_buf_adds(&nt, h ? h : "~");
				sg_buf_add(&nt, t + k, n - k);
				if (sp != SIZE_MAX)
					sp = sp + nt.len - n;
				flags |= SG_W_TILDE;
				if (!h)
					flags |= SG_W_DYNAMIC, sp = 0;
			}
		}
		for (size_t k = 0; k < n; k++)
			if (uq[k] && (t[k] == '*' || t[k] == '?' || t[k] == '['))
				flags |= SG_W_GLOB;
		if (nt.len) {
			w.text = sg_arena_strndup(c->st->A, nt.data, nt.len);
			w.len = nt.len;
		} else {
			w.text = sg_arena_strndup(c->st->A, t, n);
			w.len = n;
		}
		sg_buf_free(&nt);
		w.flags = flags;
		w.static_prefix = sp == SIZE_MAX ? w.len : (sp > w.len ? w.len : sp);
		w.start = x->s;
		w.end = x->e;
		w.base_cwd = c->cwd;
		if (f->exact && nout == 1 && !(flags & SG_W_TILDE)) {
			w.exact = 1;
			w.text_top = f->text_base;
		}
		lwords_push(c, &p->done, &w);
	}
}

static void p_break(xst *x, partial *p)
{
	finalize_field(x, p, &p->cur);
	field_free(&p->cur);
	field_init(&p->cur);
	p->started = 0;
}

/* ---- escapes ----------------------------------------------------------------- */

static void put_utf8(sg_buf *b, unsigned long cp)
{
	if (cp < 0x80)
		sg_buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		sg_buf_addc(b, (char)(0xc0 | (cp >> 6)));
		sg_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sg_buf_addc(b, (char)(0xe0 | (cp >> 12)));
		sg_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sg_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x110000) {
		sg_buf_addc(b, (char)(0xf0 | (cp >> 18)));
		sg_buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		sg_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sg_buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes backslash escapes as $'...' (and echo -e / printf %b) do. Returns
 * 1 when a \c stop was seen (printf %b / echo -e: stop output). */
int sg_decode_escapes(const char *s, size_t n, sg_buf *out, int echo_style);
int sg_decode_escapes(const char *s, size_t n, sg_buf *out, int echo_style)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			sg_buf_addc(out, s[i]);
			continue;
		}
		char ch = s[++i];
		switch (ch) {
		case 'n': sg_buf_addc(out, '\n'); break;
		case 't': sg_buf_addc(out, '\t'); break;
		case 'r': sg_buf_addc(out, '\r'); break;
		case 'a': sg_buf_addc(out, '\a'); break;
		case 'b': sg_buf_addc(out, '\b'); break;
		case 'e': case 'E': sg_buf_addc(out, 27); break;
		case 'f': sg_buf_addc(out, '\f'); break;
		case 'v': sg_buf_addc(out, '\v'); break;
		case '\\': sg_buf_addc(out, '\\'); break;
		case '\'': sg_buf_addc(out, '\''); break;
		case '"': sg_buf_addc(out, '"'); break;
		case '?': sg_buf_addc(out, '?'); break;
		case 'c':
			if (echo_style)
				return 1;
			if (i + 1 < n) {
				sg_buf_addc(out, (char)(s[++i] & 0x1f));
			}
			break;
		case 'x': case 'u': case 'U': {
			int maxd = ch == 'x' ? 2 : ch == 'u' ? 4 : 8;
			unsigned long v = 0;
			int d = 0;
			while (d < maxd && i + 1 < n && hexval((unsigned char)s[i + 1]) >= 0)
				v = v * 16 + (unsigned long)hexval((unsigned char)s[++i]), d++;
			if (!d) {
				sg_buf_addc(out, '\\');
				sg_buf_addc(out, ch);
			} else if (ch == 'x')
				sg_buf_addc(out, (char)v);
			else
				put_utf8(out, v);
			break;
		}
		default:
			if (ch >= '0' && ch <= '7') {
				unsigned v = 0;
				int d = 0;
				size_t j = i;
				/* echo -e wants \0nnn; $'' takes \nnn */
				if (echo_style && ch == '0')
					j++;
				while (d < 3 && j < n && s[j] >= '0' && s[j] <= '7')
					v = v * 8 + (unsigned)(s[j++] - '0'), d++;
				i = j - 1;
				sg_buf_addc(out, (char)v);
			} else {
				sg_buf_addc(out, '\\');
				sg_buf_addc(out, ch);
			}
		}
	}
	return 0;
}

/* ---- node walkers ----------------------------------------------------------- */

static void x_node(xst *x, TSNode n, int quoted);
static void x_heredoc(xst *x, TSNode n);
static void add_feeder(xst *x, sg_cmd *cmd);

static const char *node_text(lctx *c, TSNode n, size_t *len)
{
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
	if (e > c->len)
		e = (uint32_t)c->len;
	if (s > e)
		s = e;
	*len = e - s;
	return c->src + s;
}

/* unquoted literal word text: backslash escapes, line continuations */
static void x_word_lit(xst *x, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			if (s[i] == '\n')
				continue;
			x_lit(x, s + i, 1, 0);	/* escaped: quoted */
			continue;
		}
		x_lit(x, s + i, 1, 1);
	}
}

/* "..." content: only \$ \` \" \\ and \newline are escapes */
/* the literal text of a "..." string: \$ \` \" \\ lose the backslash,
 * \<newline> disappears; added in runs between those */
static void x_dq_lit(xst *x, const char *s, size_t n)
{
	size_t run = 0;
	const char *b;
	for (size_t i = 0; i < n && (b = memchr(s + i, '\\', n - i)); i++) {
		i = (size_t)(b - s);
		if (i + 1 < n && strchr("$`\"\\\n", s[i + 1])) {
			if (i > run)
				x_lit(x, s + run, i - run, 0);
			i++;
			run = s[i] == '\n' ? i + 1 : i;
		}
	}
	if (n > run)
		x_lit(x, s + run, n - run, 0);
}

static void add_feeder(xst *x, sg_cmd *cmd)
{
	if (!x->feeders)
		return;
	*x->feeders = sg_arena_grow(x->c->st->A, *x->feeders, *x->nfeeders, &x->fcap, sizeof **x->feeders);
	(*x->feeders)[(*x->nfeeders)++] = cmd;
}

static void x_subst(xst *x, TSNode n, int quoted, int proc)
{
	lctx *c = x->c;
	sg_ir *ir = c->st->ir;
	size_t before = ir->ncmds;
	lower_block(c, n, proc ? SG_C_PROCSUBST : SG_C_SUBST);
	size_t after = ir->ncmds;
	for (size_t i = before; i < after; i++)
		add_feeder(x, ir->cmds[i]);
	size_t tl;
	const char *t = node_text(c, n, &tl);
	if (proc) {
		x_dyn(x, t, tl, SG_W_SUBST | SG_W_PROCSUBST);
		return;
	}
	/* $(echo rm) / $(printf 'r%s' m): the output is known */
	if (after == before + 1) {
		const char *out = sg_lower_static_output(c, ir->cmds[before]);
		if (out) {
			size_t ol = strlen(out);
			while (ol && out[ol - 1] == '\n')
				ol--;
			const char *v = sg_arena_strndup(c->st->A, out, ol);
			x_values(x, &v, 1, quoted);
			for (size_t k = 0; k < x->np; k++)
				x->p[k].cur.flags |= SG_W_SUBST;
			return;
		}
	}
	x_dyn(x, t, tl, SG_W_SUBST);
}

static void x_param(xst *x, const char *name, size_t nlen, const char *src, size_t slen, int quoted)
{
	lctx *c = x->c;
	char nm[128];
	if (nlen >= sizeof nm) {
		x_dyn(x, src, slen, 0);
		return;
	}
	memcpy(nm, name, nlen);
	nm[nlen] = 0;
	if (isdigit((unsigned char)nm[0])) {
		long k = strtol(nm, NULL, 10);
		if (k == 0 && c->arg0) {
			x_values(x, &c->arg0, 1, quoted);
			return;
		}
		if (c->params && k >= 1 && k <= c->nparams) {
			x_values(x, &c->params[k - 1], 1, quoted);
			return;
		}
		if (c->params && k > c->nparams) {
			const char *e = "";
			x_values(x, &e, 1, quoted);
			return;
		}
		x_dyn(x, src, slen, 0);
		return;
	}
	if ((!strcmp(nm, "@") || !strcmp(nm, "*")) && c->params) {
		if (quoted && nm[0] == '@') {
			/* "$@": one field per parameter */
			for (int i = 0; i < c->nparams; i++) {
				if (i > 0)
					for (size_t k = 0; k < x->np; k++)
						p_break(x, &x->p[k]);
				x_values(x, &c->params[i], 1, 1);
			}
			return;
		}
		/* "$*" joins with the first character of IFS */
		const char *ifs = lw_var_get1(c, "IFS");
		char sep = ifs ? ifs[0] : ' ';
		sg_buf j;
		sg_buf_init(&j);
		for (int i = 0; i < c->nparams; i++) {
			if (i && (sep || !ifs))
				sg_buf_addc(&j, sep ? sep : ' ');
			sg_buf_adds(&j, c->params[i]);
		}
		const char *v = sg_arena_strdup(c->st->A, sg_buf_cstr(&j));
		sg_buf_free(&j);
		x_values(x, &v, 1, quoted);
		return;
	}
	if (!strcmp(nm, "#") && c->params) {
		const char *v = sg_arena_printf(c->st->A, "%d", c->nparams);
		x_values(x, &v, 1, quoted);
		return;
	}
	if (!strcmp(nm, "PWD") && c->cwd && !var_find(c, "PWD")) {
		x_values(x, &c->cwd, 1, quoted);
		return;
	}
	lvar *v = var_find(c, nm);
	if (v && v->is_array && v->nvals > 0 && !v->unknown) {
		x_values(x, v->vals, 1, quoted);	/* $A is ${A[0]} */
		return;
	}
	if (v && v->nvals > 0 && !v->unknown) {
		x_values(x, v->vals, v->nvals, quoted);
		return;
	}
	if (!v && !strcmp(nm, "HOME") && c->st->ir->home) {
		const char *h = c->st->ir->home;
		x_values(x, &h, 1, quoted);
		return;
	}
	if (!v && !strcmp(nm, "TMPDIR")) {
		/* the agent's environment is the command's: its TMPDIR, or /tmp */
		const char *t = getenv("TMPDIR");
		const char *d = t && t[0] == '/' ? t : "/tmp";
		x_values(x, &d, 1, quoted);
		return;
	}
	if (!v && !strcmp(nm, "IFS")) {
		/* bash starts every shell with IFS=<space><tab><newline>:
		 * rm${IFS}-rf${IFS}~ is rm -rf ~ */
		const char *d = " \t\n";
		x_values(x, &d, 1, quoted);
		return;
	}
	x_dyn(x, src, slen, 0);
}

/* Splits the partials in two: one gets the static value, the other the
 * unknown run-time value ("judge both", bounded by SG_MAX_VARIANTS). */
static void x_static_or_dyn(xst *x, const char *val, int quoted, const char *src, size_t slen)
{
	size_t want = x->np * 2;
	if (want > SG_MAX_VARIANTS) {
		lower_limit(x->c, "SG_MAX_VARIANTS");
		x_values(x, &val, 1, quoted);
		return;
	}
	partial *np = sg_xcalloc(want, sizeof *np);
	for (size_t i = 0; i < x->np; i++) {
		for (int k = 0; k < 2; k++) {
			partial *d = &np[i * 2 + (size_t)k];
			for (size_t j = 0; j < x->p[i].done.n; j++)
				lwords_push(x->c, &d->done, &x->p[i].done.w[j]);
			field_copy(&d->cur, &x->p[i].cur);
			d->started = x->p[i].started;
		}
		field_free(&x->p[i].cur);
	}
	free(x->p);
	x->p = np;
	size_t n = want;
	/* static half */
	x->np = 1;
	for (size_t i = 0; i < n; i += 2) {
		partial *save = x->p;
		x->p = &save[i];
		x_values(x, &val, 1, quoted);
		x->p = save;
	}
	/* dynamic half */
	for (size_t i = 1; i < n; i += 2) {
		partial *save = x->p;
		x->p = &save[i];
		x_dyn(x, src, slen, 0);
		x->p = save;
	}
	x->np = n;
}

static void x_expansion(xst *x, TSNode n, int quoted)
{
	/* ${name} and ${name:-default} / ${name-default}: known when name is;
	 * anything else (substrings, replacement, indirection) is dynamic, but
	 * substitutions inside are still lowered. */
	lctx *c = x->c;
	size_t tl;
	const char *t = node_text(c, n, &tl);
	uint32_t nc = ts_node_named_child_count(n);
	if (tl >= 3 && t[0] == '$' && t[1] == '{' && t[tl - 1] == '}') {
		const char *in = t + 2;
		size_t il = tl - 3;
		/* arrays: ${A[@]} ${A[*]} ${A[0]} */
		const char *br = memchr(in, '[', il);
		if (br && il >= 3 && in[il - 1] == ']' && lw_is_name(in, (size_t)(br - in)) && (size_t)(br - in) < 120) {
			char an[128];
			memcpy(an, in, (size_t)(br - in));
			an[br - in] = 0;
			lvar *av = var_find(c, an);
			const char *ix = br + 1;
			size_t ixl = il - (size_t)(br - in) - 2;
			if (av && av->is_array && !av->unknown) {
				if (ixl == 1 && (ix[0] == '@' || ix[0] == '*')) {
					for (int i = 0; i < av->nvals; i++) {
						if (i > 0 && quoted && ix[0] == '@')
							for (size_t k = 0; k < x->np; k++)
								p_break(x, &x->p[k]);
						else if (i > 0) {
							const char *sp = " ";
							x_values(x, &sp, 1, quoted);
						}
						x_values(x, &av->vals[i], 1, quoted);
					}
					return;
				}
				char *e;
				long k = strtol(ix, &e, 10);
				if ((size_t)(e - ix) == ixl && k >= 0 && k < av->nvals) {
					x_values(x, &av->vals[k], 1, quoted);
					return;
				}
			}
		}
		size_t k = 0;
		while (k < il && (isalnum((unsigned char)in[k]) || in[k] == '_' || in[k] == '@' || in[k] == '*'))
			k++;
		if (k == il && k > 0) {
			x_param(x, in, k, t, tl, quoted);
			return;
		}
		/* ${name:-word} ${name-word} ${name:=word} ${name=word}: the
		 * value when name is known, else both the word and the unknown */
		size_t op = k;
		if (k > 0 && op < il && in[op] == ':')
			op++;
		if (k > 0 && op < il && (in[op] == '-' || in[op] == '=') && nc <= 2) {
			const char *def = in + op + 1;
			size_t dl = il - op - 1;
			int literal = 1;
			for (size_t q = 0; q < dl; q++)
				if (strchr("$`{}", def[q]))
					literal = 0;
			if (literal && (memchr(def, '\'', dl) || memchr(def, '"', dl) || memchr(def, '\\', dl))) {
				/* quotes in the default word: remove them (.e"nv" is .env) */
				lwords lx = { 0 };
				lw_lex(c, def, dl, x->s, x->e, &lx);
				if (lx.n != 1)
					literal = 0;
				else
					def = lx.w[0].text, dl = lx.w[0].len;
			}
			char nm[128];
			if (literal && k < sizeof nm) {
				memcpy(nm, in, k);
				nm[k] = 0;
				lvar *v = var_find(c, nm);
				if (v || (c->params && isdigit((unsigned char)nm[0])) || !strcmp(nm, "HOME")) {
					x_param(x, in, k, t, tl, quoted);
					return;
				}
				const char *dv = sg_arena_strndup(c->st->A, def, dl);
				x_static_or_dyn(x, dv, quoted, t, tl);
				return;
			}
		}
	}
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_named_child(n, i);
		const char *ty = ts_node_type(ch);
		if (!strcmp(ty, "command_substitution") || !strcmp(ty, "process_substitution")) {
			size_t before = c->st->ir->ncmds;
			lower_block(c, ch, SG_C_SUBST);
			for (size_t j = before; j < c->st->ir->ncmds; j++)
				add_feeder(x, c->st->ir->cmds[j]);
		}
	}
	x_dyn(x, t, tl, 0);
}

/* heredoc body: text with expansions (the delimiter was unquoted) or plain
 * text (quoted delimiter: tree-sitter then gives no expansion children) */
/* In an unquoted heredoc, `cmd` runs even where tree-sitter kept it as
 * text: judge it (as a substitution feeding the heredoc's reader). */
static void heredoc_backticks(xst *x, const char *s, size_t n)
{
	lctx *c = x->c;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] != '`')
			continue;
		const char *e = memchr(s + i + 1, '`', n - i - 1);
		if (!e)
			return;
		size_t before = c->st->ir->ncmds;
		lower_text(c, s + i + 1, (size_t)(e - s) - i - 1, x->s, x->e, 0, 0, SG_C_SUBST, NULL, c->parent,
			   c->params, c->nparams, NULL, 0);
		for (size_t j = before; j < c->st->ir->ncmds; j++)
			add_feeder(x, c->st->ir->cmds[j]);
		x_dyn(x, "`", 1, SG_W_SUBST);
		i = (size_t)(e - s);
	}
}

static int heredoc_quoted(lctx *c, TSNode body)
{
	TSNode p = ts_node_prev_named_sibling(body);
	for (int k = 0; k < 64 && !ts_node_is_null(p); k++, p = ts_node_prev_named_sibling(p)) {
		if (!strcmp(ts_node_type(p), "heredoc_start")) {
			uint32_t s = ts_node_start_byte(p), e = ts_node_end_byte(p);
			return memchr(c->src + s, '\'', e - s) || memchr(c->src + s, '"', e - s) ||
			       memchr(c->src + s, '\\', e - s);
		}
	}
	return 1;
}

static void x_heredoc(xst *x, TSNode n)
{
	lctx *c = x->c;
	uint32_t pos = ts_node_start_byte(n), end = ts_node_end_byte(n);
	uint32_t nc = ts_node_named_child_count(n);
	x_lit(x, "", 0, 0);
	if (!heredoc_quoted(c, n) && end <= c->len)
		heredoc_backticks(x, c->src + pos, end - pos);
	for (uint32_t i = 0; i < nc; i++) {
		TSNode ch = ts_node_named_child(n, i);
		uint32_t s = ts_node_start_byte(ch), e = ts_node_end_byte(ch);
		const char *ty = ts_node_type(ch);
		if (s > pos && s <= c->len)
			x_dq_lit(x, c->src + pos, s - pos);
		if (!strcmp(ty, "heredoc_content") || !strcmp(ty, "heredoc_end"))
			x_dq_lit(x, c->src + s, e - s);
		else
			x_node(x, ch, 1);
		pos = e;
	}
	if (end > pos && end <= c->len)
		x_dq_lit(x, c->src + pos, end - pos);
}

static void x_children(xst *x, TSNode n, int quoted)
{
	uint32_t nc = ts_node_child_count(n);
	for (uint32_t i = 0; i < nc; i++)
		x_node(x, ts_node_child(n, i), quoted);
}

static void x_node(xst *x, TSNode n, int quoted)
{
	lctx *c = x->c;
	const char *ty = ts_node_type(n);
	size_t tl;
	const char *t = node_text(c, n, &tl);

	if (!strcmp(ty, "word") || !strcmp(ty, "number") || !strcmp(ty, "extglob_pattern") ||
	    !strcmp(ty, "regex") || !strcmp(ty, "test_operator") || !strcmp(ty, "file_descriptor") ||
	    !strcmp(ty, "variable_name") || !strcmp(ty, "heredoc_start")) {
		if (quoted)
			x_dq_lit(x, t, tl);
		else
			x_word_lit(x, t, tl);
	} else if (!strcmp(ty, "raw_string")) {
		if (quoted)	/* '...' inside "..." is literal text */
			x_lit(x, t, tl, 0);
		else if (tl >= 2)
			x_lit(x, t + 1, tl - 2, 0);
		else
			x_lit(x, "", 0, 0);
	} else if (!strcmp(ty, "ansi_c_string")) {
		sg_buf b;
		sg_buf_init(&b);
		if (tl >= 3)
			sg_decode_escapes(t + 2, tl - 3, &b, 0);
		x_lit(x, b.data ? b.data : "", b.len, 0);
		sg_buf_free(&b);
	} else if (!strcmp(ty, "string") || !strcmp(ty, "translated_string")) {
		/* quoted: empty "" still makes a field */
		x_lit(x, "", 0, 0);
		uint32_t nc = ts_node_child_count(n);
		for (uint32_t i = 0; i < nc; i++) {
			TSNode ch = ts_node_child(n, i);
			if (!ts_node_is_named(ch))
				continue;
			x_node(x, ch, 1);
		}
	} else if (!strcmp(ty, "string_content")) {
		x_dq_lit(x, t, tl);
	} else if (!strcmp(ty, "simple_expansion")) {
		const char *nm = t + 1;
		size_t nl = tl > 0 ? tl - 1 : 0;
		x_param(x, nm, nl, t, tl, quoted);
	} else if (!strcmp(ty, "expansion")) {
		x_expansion(x, n, quoted);
	} else if (!strcmp(ty, "command_substitution")) {
		x_subst(x, n, quoted, 0);
	} else if (!strcmp(ty, "process_substitution")) {
		x_subst(x, n, quoted, 1);
	} else if (!strcmp(ty, "arithmetic_expansion")) {
		size_t before = c->st->ir->ncmds;
		lower_block(c, n, SG_C_SUBST);
		for (size_t j = before; j < c->st->ir->ncmds; j++)
			add_feeder(x, c->st->ir->cmds[j]);
		x_dyn(x, t, tl, 0);
	} else if (!strcmp(ty, "concatenation") || !strcmp(ty, "command_name")) {
		x_children(x, n, quoted);
	} else if (!strcmp(ty, "heredoc_body")) {
		x_heredoc(x, n);
	} else if (!strcmp(ty, "brace_expression")) {
		x_word_lit(x, t, tl);
	} else if (!ts_node_is_named(n)) {
		/* punctuation tokens inside concatenations: '{', '}', '$' ... */
		if (quoted)
			x_dq_lit(x, t, tl);
		else
			x_word_lit(x, t, tl);
	} else {
		/* array, subscript, ERROR, ...: lower what runs inside, keep text as dynamic */
		size_t before = c->st->ir->ncmds;
		lower_block(c, n, SG_C_SUBST);
		for (size_t j = before; j < c->st->ir->ncmds; j++)
			add_feeder(x, c->st->ir->cmds[j]);
		x_dyn(x, t, tl, 0);
		if (!strcmp(ty, "ERROR"))
			c->st->ir->flags |= SG_IR_UNPARSABLE;
	}
}

/* Is the word node a single literal whose text maps 1:1 to the source? */
static int exact_base(lctx *c, TSNode n, uint32_t *base)
{
	const char *ty = ts_node_type(n);
	size_t tl;
	const char *t = node_text(c, n, &tl);
	if (!strcmp(ty, "raw_string")) {
		*base = ts_node_start_byte(n) + 1;
		return 1;
	}
	if (!strcmp(ty, "word") && !memchr(t, '\\', tl) && !memchr(t, '{', tl) && (tl == 0 || t[0] != '~')) {
		*base = ts_node_start_byte(n);
		return 1;
	}
	if (!strcmp(ty, "string") && ts_node_named_child_count(n) == 1) {
		TSNode ch = ts_node_named_child(n, 0);
		size_t cl;
		const char *ct = node_text(c, ch, &cl);
		if (!strcmp(ts_node_type(ch), "string_content") && !memchr(ct, '\\', cl)) {
			*base = ts_node_start_byte(ch);
			return 1;
		}
	}
	return 0;
}

void lw_expand(lctx *c, TSNode n, lwords **alts, size_t *nalts, sg_cmd ***feeders, size_t *nfeeders)
{
	xst x;
	memset(&x, 0, sizeof x);
	x.c = c;
	x.np = 1;
	x.p = sg_xcalloc(1, sizeof *x.p);
	field_init(&x.p[0].cur);
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
	x.s = lw_map(c, s);
	x.e = c->exact ? lw_map(c, e) : c->oend;
	x.feeders = feeders;
	x.nfeeders = nfeeders;
	x.fcap = feeders ? *nfeeders : 0;
	uint32_t base;
	int exact = c->exact && exact_base(c, n, &base);
	x_node(&x, n, 0);
	*alts = sg_arena_alloc(c->st->A, x.np * sizeof **alts);
	*nalts = x.np;
	for (size_t i = 0; i < x.np; i++) {
		partial *p = &x.p[i];
		if (exact) {
			p->cur.exact = 1;
			p->cur.text_base = lw_map(c, base);
		}
		if (p->started)
			finalize_field(&x, p, &p->cur);
		field_free(&p->cur);
		(*alts)[i] = p->done;
	}
	free(x.p);
}

sg_word lw_word_static(lctx *c, const char *s, size_t len, uint32_t start, uint32_t end)
{
	sg_word w;
	memset(&w, 0, sizeof w);
	w.text = sg_arena_strndup(c->st->A, s, len);
	w.len = len;
	w.static_prefix = len;
	w.start = start;
	w.end = end;
	w.base_cwd = c->cwd;
	return w;
}

/*
 * A small lexer for text tree-sitter could not parse (ERROR regions): splits
 * on unquoted blanks, removes quotes, expands braces and ~; `$` parts are
 * dynamic. Operators end a command: the caller splits on them first.
 */
void lw_lex(lctx *c, const char *s, size_t len, uint32_t s0, uint32_t e0, lwords *out)
{
	xst x;
	memset(&x, 0, sizeof x);
	x.c = c;
	x.np = 1;
	x.p = sg_xcalloc(1, sizeof *x.p);
	field_init(&x.p[0].cur);
	x.s = s0;
	x.e = e0;
	partial *p;
	size_t i = 0;
	while (i < len) {
		char ch = s[i];
		if (ch == ' ' || ch == '\t' || ch == '\n') {
			for (size_t a = 0; a < x.np; a++)
				if (x.p[a].started)
					p_break(&x, &x.p[a]);
			i++;
		} else if (ch == '\'') {
			size_t j = i + 1;
			while (j < len && s[j] != '\'')
				j++;
			x_lit(&x, s + i + 1, j - i - 1, 0);
			i = j < len ? j + 1 : j;
		} else if (ch == '"') {
			size_t j = i + 1;
			while (j < len && s[j] != '"') {
				if (s[j] == '\\' && j + 1 < len)
					j++;
				j++;
			}
			size_t k = i + 1;
			for (; k < j && k < len; k++) {
				if (s[k] == '$') {
					x_dyn(&x, s + k, 1, 0);
					continue;
				}
				x_dq_lit(&x, s + k, 1);
			}
			i = j < len ? j + 1 : j;
		} else if (ch == '\\' && i + 1 < len) {
			x_lit(&x, s + i + 1, 1, 0);
			i += 2;
		} else if (ch == '$') {
			/* $NAME and ${NAME}: the value when the input fixes it */
			size_t k = i + 1, nb = 0, ne = 0;
			if (k < len && s[k] == '{') {
				nb = k + 1;
				ne = nb;
				while (ne < len && (isalnum((unsigned char)s[ne]) || s[ne] == '_'))
					ne++;
				if (ne < len && s[ne] == '}' && ne > nb) {
					x_param(&x, s + nb, ne - nb, s + i, ne + 1 - i, 0);
					i = ne + 1;
					continue;
				}
			} else {
				ne = k;
				while (ne < len && (isalnum((unsigned char)s[ne]) || s[ne] == '_'))
					ne++;
				if (ne > k) {
					x_param(&x, s + k, ne - k, s + i, ne - i, 0);
					i = ne;
					continue;
				}
			}
			x_dyn(&x, s + i, 1, 0);
			i++;
		} else {
			x_lit(&x, s + i, 1, 1);
			i++;
		}
	}
	/* alternatives from x_param: the first one is the lexical reading;
	 * keep every field of every alternative (stricter, never looser) */
	for (size_t a = 0; a < x.np; a++) {
		p = &x.p[a];
		if (p->started)
			finalize_field(&x, p, &p->cur);
		field_free(&p->cur);
		for (size_t k = 0; k < p->done.n && (a == 0 || out->n < SG_MAX_WORDS); k++)
			lwords_push(c, out, &p->done.w[k]);
	}
	free(x.p);
}
