/*
 * paths.c - path resolution and classification.
 *
 * A path is classified lexically (after resolving ~, $HOME, the cwd in force,
 * "." and ".."), and, when it exists, also through its real path (symlinks
 * resolved on the longest existing prefix). The classes of both are united,
 * so a symlink can only make a path *more* sensitive.
 *
 * RACE: this happens before the command runs; the file system can change
 * between the check and the use. The sandbox (`shellgate exec`) is the
 * boundary for that; the rules are a convenience layer.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

static int fs_enabled = 1;

void sg_paths_set_fs(int enabled)
{
	fs_enabled = enabled;
}

static const char *const class_names[SG_P_NCLASSES] = {
	"root", "home", "in_home", "system", "project", "project_root", "outside", "temp",
	"device", "secret", "unknown", "git", "ancestor", "config", "harmless_device", "temp_root"
};

const char *sg_path_class_name(unsigned bit)
{
	for (int i = 0; i < SG_P_NCLASSES; i++)
		if (bit == (1u << i))
			return class_names[i];
	return "?";
}

unsigned sg_path_class_parse(const char *name)
{
	for (int i = 0; i < SG_P_NCLASSES; i++)
		if (!strcmp(name, class_names[i]))
			return 1u << i;
	return 0;
}

/* ---- lexical resolution ---------------------------------------------------- */

const char *sg_path_resolve(sg_arena *A, const char *p, const char *cwd, const char *home)
{
	sg_buf b;
	sg_buf_init(&b);
	if (p[0] == '~' && (p[1] == 0 || p[1] == '/') && home) {
		sg_buf_adds(&b, home);
		sg_buf_addc(&b, '/');
		sg_buf_adds(&b, p + 1);
	} else if (p[0] == '/') {
		sg_buf_adds(&b, p);
	} else if (cwd) {
		sg_buf_adds(&b, cwd);
		sg_buf_addc(&b, '/');
		sg_buf_adds(&b, p);
	} else {
		return NULL;
	}
	/* normalise: split on '/', fold . and .. */
	const char *s = sg_buf_cstr(&b);
	size_t n = b.len;
	char *out = sg_arena_alloc(A, n + 2);
	size_t o = 0;
	size_t i = 0;
	while (i < n) {
		while (i < n && s[i] == '/')
			i++;
		size_t st = i;
		while (i < n && s[i] != '/')
			i++;
		size_t l = i - st;
		if (l == 0 || (l == 1 && s[st] == '.'))
			continue;
		if (l == 2 && s[st] == '.' && s[st + 1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, s + st, l);
		o += l;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = 0;
	sg_buf_free(&b);
	return out;
}

/* ---- glob ------------------------------------------------------------------------ */

static int class_match(const char **pp, char ch)
{
	const char *p = *pp + 1;
	int neg = 0, ok = 0;
	if (*p == '!' || *p == '^')
		neg = 1, p++;
	int first = 1;
	while (*p && (first || *p != ']')) {
		first = 0;
		/* a single character is the range [c-c] */
		// cppcheck-suppress duplicateAssignExpression
		char lo = *p, hi = *p;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = p[2];
			p += 2;
		}
		if (ch >= lo && ch <= hi)
			ok = 1;
		p++;
	}
	if (*p != ']')
		return -1;	/* not a class: literal '[' */
	*pp = p + 1;
	return ok != neg;
}

/* iterative-with-bounded-backtracking glob: '*' never crosses '/', '**' does */
int sg_glob_match(const char *pat, const char *s)
{
	const char *p = pat;
	const char *star_p = NULL, *star_s = NULL;
	int star_any = 0;
	unsigned long steps = 0;
	while (*s) {
		if (++steps > 100000)
			return 0;
		if (*p == '*') {
			star_any = p[1] == '*';
			p += star_any ? 2 : 1;
			if (star_any && *p == '/' && 0)
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (*p == '?' && *s != '/') {
			p++, s++;
			continue;
		}
		if (*p == '[') {
			const char *q = p;
			int r = class_match(&q, *s);
			if (r == 1) {
				p = q, s++;
				continue;
			}
			if (r == -1 && *s == '[') {
				p++, s++;
				continue;
			}
		} else if (*p && *p == *s) {
			p++, s++;
			continue;
		}
		if (star_p && (star_any || *star_s != '/')) {
			p = star_p;
			s = ++star_s;
			continue;
		}
		return 0;
	}
	while (*p == '*')
		p++;
	/* "dir/ **" (no space) also matches "dir" itself */
	if (p[0] == '/' && p[1] == '*' && p[2] == '*' && p[3] == 0)
		return 1;
	return *p == 0;
}

/* ---- classification ------------------------------------------------------------------ */

int sg_path_within(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return 1;
	return !strncmp(p, dir, n) && (p[n] == 0 || p[n] == '/');
}

static int is_strict_ancestor(const char *a, const char *b)
{
	/* a is an ancestor of b (a != b) */
	if (!a || !b || !strcmp(a, b))
		return 0;
	return sg_path_within(b, a);
}

static const char *const system_dirs[] = {
	"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev",
	"/proc", "/sys", "/var", "/opt", "/srv", "/root", "/snap", "/run", "/mnt", "/media", "/home",
	"/Applications", "/Library", "/System", "/private", "/Users", "/Volumes", "/nix", NULL
};
static const char *const temp_dirs[] = { "/tmp", "/var/tmp", "/dev/shm", "/private/tmp", NULL };
static const char *const harmless_devs[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/tty",
	"/dev/random", "/dev/urandom", "/dev/ptmx", NULL
};

/*
 * Rule-file path patterns with ~ and project-relative forms expanded, cached
 * per (rule set, home, project): a batch or lint run classifies thousands of
 * paths against the same patterns. Heap memory kept for the process (one
 * cache; rebuilt when the rule set, home or project changes).
 */
typedef struct xpat {
	char *glob;		/* expanded; NULL = cannot apply (no home/project) */
	int base;		/* no '/': matched against every component */
	int literal;		/* no '*': a directory prefix matches what is below */
	size_t len;
	size_t prefix;		/* bytes before the first wildcard (a cheap pre-check) */
	const char *suffix;	/* base pattern "*LITERAL": the literal end, else NULL */
} xpat;

static struct {
	const sg_ruleset *rs;
	size_t npaths;
	char *home, *proj;
	xpat *x;
	char *pool;		/* every expanded glob, NUL-separated: one allocation */
} pc;

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void pc_prepare(const sg_ir *ir, const sg_ruleset *rs)
{
	if (pc.rs == rs && pc.npaths == rs->npaths && same(pc.home, ir->home) && same(pc.proj, ir->project))
		return;
	free(pc.x);
	free(pc.pool);
	free(pc.home);
	free(pc.proj);
	pc.rs = rs;
	pc.npaths = rs->npaths;
	pc.home = ir->home ? sg_xstrdup(ir->home) : NULL;
	pc.proj = ir->project ? sg_xstrdup(ir->project) : NULL;
	pc.x = sg_xcalloc(rs->npaths + 1, sizeof *pc.x);
	/* first the texts into one buffer (offsets: it may move while it
	 * grows), then the pointers into it */
	sg_buf b;
	sg_buf_init(&b);
	size_t *off = sg_xcalloc(rs->npaths + 1, sizeof *off);
	for (size_t i = 0; i < rs->npaths; i++) {
		const char *g = rs->paths[i].glob;
		xpat *x = &pc.x[i];
		size_t start = b.len;
		if (g[0] == '~' && (g[1] == '/' || g[1] == 0)) {
			if (!ir->home)
				continue;	/* glob stays NULL: cannot apply */
			sg_buf_adds(&b, ir->home);
			sg_buf_adds(&b, g + 1);
		} else if (!strchr(g, '/')) {
			sg_buf_adds(&b, g);
			x->base = 1;
		} else if (g[0] != '/') {
			if (!ir->project)
				continue;
			sg_buf_adds(&b, ir->project);
			sg_buf_addc(&b, '/');
			sg_buf_adds(&b, g);
		} else {
			sg_buf_adds(&b, g);
		}
		x->len = b.len - start;
		off[i] = start + 1;	/* 0: no glob */
		sg_buf_addc(&b, 0);
	}
	pc.pool = b.data;	/* NULL when no pattern applies */
	for (size_t i = 0; i < rs->npaths; i++) {
		xpat *x = &pc.x[i];
		if (!off[i])
			continue;
		x->glob = pc.pool + off[i] - 1;
		x->literal = !strchr(x->glob, '*');
		x->prefix = strcspn(x->glob, "*?[");
		if (x->base && x->glob[0] == '*' && !strpbrk(x->glob + 1, "*?["))
			x->suffix = x->glob + 1;
	}
	free(off);
}

/* the path's components, split once per classification */
typedef struct comps {
	char buf[PATH_MAX];
	const char *v[PATH_MAX / 2];
	size_t n;
} comps;

static void split_comps(const char *abs, comps *c)
{
	size_t l = strlen(abs);
	c->n = 0;
	if (l >= sizeof c->buf)
		l = sizeof c->buf - 1;
	memcpy(c->buf, abs, l);
	c->buf[l] = 0;
	char *s = c->buf;
	while (*s) {
		while (*s == '/')
			*s++ = 0;
		if (!*s)
			break;
		c->v[c->n++] = s;
		while (*s && *s != '/')
			s++;
	}
}

static int pat_match(const xpat *x, const char *abs, const comps *cs)
{
	if (!x->glob)
		return 0;
	if (x->base) {
		size_t sl = x->suffix ? strlen(x->suffix) : 0;
		for (size_t i = 0; i < cs->n; i++) {
			if (x->suffix) {
				size_t cl = strlen(cs->v[i]);
				if (cl >= sl && !memcmp(cs->v[i] + cl - sl, x->suffix, sl))
					return 1;
				continue;
			}
			if (x->prefix && strncmp(cs->v[i], x->glob, x->prefix))
				continue;
			if (sg_glob_match(x->glob, cs->v[i]))
				return 1;
		}
		return 0;
	}
	/* the literal prefix must match ("dir/" + "**" also matches "dir") */
	size_t pl = x->prefix;
	if (pl && x->glob[pl - 1] == '/')
		pl--;
	if (pl && strncmp(abs, x->glob, pl))
		return 0;
	if (sg_glob_match(x->glob, abs))
		return 1;
	/* a pattern "dir/ **" (no space) covers what is below (glob); a
	 * path below a matching directory pattern "dir" counts too */
	return x->literal && !strncmp(abs, x->glob, x->len) && abs[x->len] == '/';
}

static unsigned classify_lexical(const sg_ir *ir, const sg_ruleset *rs, const char *abs, int all_of)
{
	unsigned cls = 0;
	const char *home = ir->home, *proj = ir->project;
	if (!strcmp(abs, "/"))
		cls |= SG_P_ROOT | SG_P_ANCESTOR;
	if (home && !strcmp(abs, home))
		cls |= SG_P_HOME;
	else if (home && sg_path_within(abs, home))
		cls |= SG_P_IN_HOME;
	if (is_strict_ancestor(abs, home) || is_strict_ancestor(abs, proj))
		cls |= SG_P_ANCESTOR;
	int in_proj = proj && sg_path_within(abs, proj);
	if (in_proj)
		cls |= SG_P_PROJECT;
	if (proj && !strcmp(abs, proj))
		cls |= SG_P_PROJECT_ROOT;
	if (all_of && !strcmp(abs, "/"))
		cls |= SG_P_ROOT;
	int temp = 0, temp_root = 0;
	for (int i = 0; temp_dirs[i]; i++)
		if (sg_path_within(abs, temp_dirs[i])) {
			temp = 1;
			temp_root |= !strcmp(abs, temp_dirs[i]);
		}
	const char *td = getenv("TMPDIR");
	if (td && td[0] == '/' && strlen(td) > 1 && sg_path_within(abs, td)) {
		temp = 1;
		char tn[PATH_MAX];
		size_t tl = strlen(td);
		if (tl < sizeof tn) {
			memcpy(tn, td, tl + 1);
			while (tl > 1 && tn[tl - 1] == '/')
				tn[--tl] = 0;
			temp_root |= !strcmp(abs, tn);
		}
	}
	if (in_proj)
		temp = temp_root = 0;	/* a project under /tmp: its files are project files */
	if (temp_root)
		cls |= SG_P_TEMP_ROOT;
	int harmless = 0;
	for (int i = 0; harmless_devs[i]; i++)
		if (!strcmp(abs, harmless_devs[i]))
			harmless = 1;
	if (sg_path_within(abs, "/dev/fd") || sg_path_within(abs, "/proc/self/fd"))
		harmless = 1;
	if (harmless)
		cls |= SG_P_HARMLESS_DEV;
	else if (sg_path_within(abs, "/dev") && strcmp(abs, "/dev") && !sg_path_within(abs, "/dev/shm"))
		cls |= SG_P_DEVICE;
	if (temp)
		cls |= SG_P_TEMP;
	if (!temp && !harmless && !in_proj) {
		for (int i = 0; system_dirs[i]; i++)
			if (sg_path_within(abs, system_dirs[i]) && !(home && sg_path_within(abs, home)))
				cls |= SG_P_SYSTEM;
	}
	if (!in_proj && !temp && !harmless)
		cls |= SG_P_OUTSIDE;
	if (strstr(abs, "/.git/") || (strlen(abs) >= 5 && !strcmp(abs + strlen(abs) - 5, "/.git")))
		cls |= SG_P_GIT;
	/* rule-file patterns: later patterns win, '!' removes */
	if (rs && rs->npaths) {
		static comps cs;	/* one classification at a time */
		pc_prepare(ir, rs);
		split_comps(abs, &cs);
		for (size_t i = 0; i < rs->npaths; i++) {
			const sg_pathpat *pp = &rs->paths[i];
			if (pat_match(&pc.x[i], abs, &cs)) {
				if (pp->negate)
					cls &= ~pp->cls;
				else
					cls |= pp->cls;
			}
		}
	}
	return cls;
}

/*
 * classify_lexical() reads no file: its answer depends on the path text,
 * all_of, home, project, $TMPDIR and the rule set's path patterns only.
 * Answers are kept per (path, all_of, patterns applied or not) while those
 * stay the same (any change empties the table); a batch or lint run
 * classifies the same project paths over and over. Direct-mapped: a slot is
 * replaced when another path hashes to it. Longer paths are not kept.
 */
#define SG_CLASS_SLOTS 1024
#define SG_CLASS_PATH 160

typedef struct cslot {
	char path[SG_CLASS_PATH + 1];
	unsigned char used, key;	/* key: all_of | (patterns applied) << 1 */
	unsigned cls;
} cslot;

static struct {
	const sg_ruleset *rs;
	size_t npaths;
	char *home, *proj, *tmpdir;
	cslot *slot;
} cc;

static void cc_reset(void)
{
	free(cc.home);
	free(cc.proj);
	free(cc.tmpdir);
	cc.home = cc.proj = cc.tmpdir = NULL;
	cc.rs = NULL;
	cc.npaths = 0;
	/* freed rather than cleared: a fresh zeroed table costs nothing until
	 * used, while clearing one touches all of its pages (a hook process
	 * would fault them in only to forget them at exit) */
	free(cc.slot);
	cc.slot = NULL;
}

static void cc_prepare(const sg_ir *ir, const sg_ruleset *rs)
{
	const char *td = getenv("TMPDIR");
	if (cc.slot && cc.rs == rs && cc.npaths == (rs ? rs->npaths : 0) && same(cc.home, ir->home) &&
	    same(cc.proj, ir->project) && same(cc.tmpdir, td))
		return;
	cc_reset();
	if (!cc.slot)
		cc.slot = sg_xcalloc(SG_CLASS_SLOTS, sizeof *cc.slot);
	cc.rs = rs;
	cc.npaths = rs ? rs->npaths : 0;
	cc.home = ir->home ? sg_xstrdup(ir->home) : NULL;
	cc.proj = ir->project ? sg_xstrdup(ir->project) : NULL;
	cc.tmpdir = td ? sg_xstrdup(td) : NULL;
}

void sg_paths_forget(const sg_ruleset *rs)
{
	if (cc.rs == rs)
		cc_reset();
	if (pc.rs == rs)
		pc.rs = NULL;	/* rebuilt on next use */
}

static unsigned classify_abs(const sg_ir *ir, const sg_ruleset *rs, const char *abs, int all_of)
{
	/* the cache is tied to one rule set: classifications without the
	 * patterns (rs NULL) are kept under the request's rule set too */
	const sg_ruleset *owner = rs ? rs : cc.rs;
	size_t len = strlen(abs);
	if (len > SG_CLASS_PATH || !owner)
		return classify_lexical(ir, rs, abs, all_of);
	cc_prepare(ir, owner);
	unsigned char key = (unsigned char)((all_of ? 1 : 0) | (rs ? 2 : 0));
	unsigned long h = sg_hash_bytes(abs, len) ^ key;
	cslot *sl = &cc.slot[h % SG_CLASS_SLOTS];
	if (sl->used && sl->key == key && !memcmp(sl->path, abs, len + 1))
		return sl->cls;
	unsigned cls = classify_lexical(ir, rs, abs, all_of);
	memcpy(sl->path, abs, len + 1);
	sl->key = key;
	sl->cls = cls;
	sl->used = 1;
	return cls;
}

/* A lexically normal absolute path: "/", or "/" components with no empty,
 * "." or ".." component and no trailing '/'. */
static int is_normal(const char *p, size_t n)
{
	if (n == 0 || p[0] != '/')
		return 0;
	if (n == 1)
		return 1;
	if (p[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '/')
			continue;
		size_t j = i + 1;
		while (j < n && p[j] != '/')
			j++;
		size_t l = j - i - 1;
		if (l == 0 || (l == 1 && p[i + 1] == '.') || (l == 2 && p[i + 1] == '.' && p[i + 2] == '.'))
			return 0;
	}
	return 1;
}

/*
 * The common case of real_of() in one readlink(2) per component (the
 * realpath retry loop below costs one per component per retry): every
 * component up to the first missing one exists and none is a symlink, so
 * the real path is the path itself. 1 with *res set when that holds, 0
 * when the general loop must decide (a symlink, a non-directory, no
 * permission, any other error).
 */
/*
 * Directories found to exist and not be symlinks, remembered per process
 * for lint (sg_paths_memo_plain): a transcript's commands resolve the same
 * session directories over and over, and lint judges what was run, not
 * what the filesystem will be when a command runs. Off everywhere else: a
 * hook, check or batch coprocess must see a symlink made a moment ago.
 * Direct-mapped; a slot is replaced when another path hashes to it;
 * longer paths are not kept.
 */
#define SG_PLAIN_SLOTS 1024
#define SG_PLAIN_PATH 160

typedef struct pslot {
	char path[SG_PLAIN_PATH + 1];
	unsigned char used;
} pslot;

static int plain_memo_on;
static pslot *plain_memo;

void sg_paths_memo_plain(int enabled)
{
	plain_memo_on = enabled;
	if (!enabled) {
		free(plain_memo);
		plain_memo = NULL;
	}
}

static pslot *plain_slot(const char *p, size_t n)
{
	if (!plain_memo_on || n > SG_PLAIN_PATH)
		return NULL;
	if (!plain_memo)
		plain_memo = sg_xcalloc(SG_PLAIN_SLOTS, sizeof *plain_memo);
	return &plain_memo[sg_hash_bytes(p, n) % SG_PLAIN_SLOTS];
}

static int real_plain(const char *abs, size_t n, const char **res)
{
	char tmp[PATH_MAX];
	if (n >= sizeof tmp || !is_normal(abs, n))
		return 0;
	if (n == 1) {
		*res = abs;
		return 1;
	}
	memcpy(tmp, abs, n + 1);
	for (size_t j = 1; j <= n; j++) {
		if (j < n && tmp[j] != '/')
			continue;
		char save = tmp[j], c;
		tmp[j] = 0;
		pslot *ps = j < n ? plain_slot(tmp, j) : NULL;	/* directories only */
		if (ps && ps->used && !memcmp(ps->path, tmp, j + 1)) {
			tmp[j] = save;
			continue;
		}
		ssize_t r = readlink(tmp, &c, 1);
		int e = errno;
		if (r < 0 && e == EINVAL && ps) {
			memcpy(ps->path, tmp, j + 1);
			ps->used = 1;
		}
		tmp[j] = save;
		if (r >= 0)
			return 0;	/* a symlink */
		if (e == EINVAL)
			continue;	/* exists, not a symlink */
		if (e != ENOENT)
			return 0;
		/* first missing component: the loop below would find the
		 * existing parent, itself (NULL when that is the root) */
		if (memchr(abs + 1, '/', j - 1) == NULL)
			*res = NULL;
		else
			*res = abs;
		return 1;
	}
	*res = abs;
	return 1;
}

static const char *real_of(sg_arena *A, const char *abs)
{
	/* realpath of the longest existing prefix, plus the rest */
	const char *plain;
	if (real_plain(abs, strlen(abs), &plain))
		return plain;
	char tmp[PATH_MAX];
	size_t n = strlen(abs);
	if (n >= sizeof tmp)
		return NULL;
	memcpy(tmp, abs, n + 1);
	size_t cut = n;
	for (int guard = 0; guard < 256; guard++) {
		char save = tmp[cut];
		tmp[cut] = 0;
		char *r = realpath(tmp[0] ? tmp : "/", NULL);
		tmp[cut] = save;
		if (r) {
			const char *res = sg_arena_printf(A, "%s%s%s", strcmp(r, "/") ? r : "",
							  cut < n ? "" : "", abs + cut);
			if (!*res)
				res = "/";
			free(r);
			return res;
		}
		while (cut > 0 && tmp[cut - 1] != '/')
			cut--;
		if (cut == 0)
			return NULL;
		cut--;
		if (cut == 0)
			return NULL;
	}
	return NULL;
}

static unsigned classify_full(const sg_ir *ir, const sg_ruleset *rs, const char *abs, int all_of,
			      const char **realp)
{
	unsigned cls = classify_abs(ir, rs, abs, all_of);
	*realp = NULL;
	if (fs_enabled) {
		const char *real = real_of(ir->arena, abs);
		if (real && strcmp(real, abs)) {
			*realp = real;
			unsigned rc = classify_abs(ir, rs, real, all_of);
			/* a real path inside the (real) project stays project */
			const char *rproj = ir->project ? real_of(ir->arena, ir->project) : NULL;
			if (rproj && sg_path_within(real, rproj))
				rc = (rc & ~(SG_P_OUTSIDE | SG_P_SYSTEM)) | SG_P_PROJECT;
			cls |= rc;
			if ((rc & SG_P_OUTSIDE) && !(rc & SG_P_PROJECT))
				cls = (cls | SG_P_OUTSIDE);
		}
	}
	return cls;
}

unsigned sg_path_classes(const sg_ir *ir, const sg_ruleset *rs, const char *path, const char *cwd)
{
	const char *abs = sg_path_resolve(ir->arena, path, cwd, ir->home);
	if (!abs)
		return SG_P_UNKNOWN;
	const char *real;
	return classify_full(ir, rs, abs, 0, &real);
}

const sg_path *sg_path_of_word(const sg_ir *ir, const sg_ruleset *rs, sg_word *w)
{
	if (w->path)
		return w->path;
	sg_path *p = sg_arena_alloc(ir->arena, sizeof *p);
	w->path = p;
	size_t n = w->len;
	int all_of = 0;
	unsigned extra = 0;
	if (w->flags & SG_W_DYNAMIC) {
		n = w->static_prefix;
		extra |= SG_P_UNKNOWN;
		all_of = 1;
	}
	if (w->flags & SG_W_GLOB) {
		/* dir/STAR, dir/.STAR, dir/STAR.STAR (pure wildcards): all of dir. dir/aSTAR: some
		 * of dir, classified by its literal text. */
		size_t g = strcspn(w->text, "*?[");
		size_t cs = g, ce = g;
		while (cs > 0 && w->text[cs - 1] != '/')
			cs--;
		while (ce < w->len && w->text[ce] != '/')
			ce++;
		int pure = ce == w->len || (ce + 1 == w->len && w->text[ce] == '/');
		for (size_t k = cs; k < ce && pure; k++)
			pure = strchr("*?.", w->text[k]) != NULL;
		if (pure) {
			if (g < n)
				n = g;
			all_of = 1;
		}
	}
	const char *t = w->text;
	if (all_of) {
		/* classify the directory whose contents are meant */
		size_t k = n;
		while (k > 0 && t[k - 1] != '/')
			k--;
		if (k == 0 && !(w->flags & SG_W_DYNAMIC)) {
			t = ".";
			n = 1;
		} else if (k == 0) {
			p->classes = SG_P_UNKNOWN;
			return p;
		} else {
			n = k;
		}
	}
	char *txt = sg_arena_strndup(ir->arena, t, n);
	if (n == 0) {
		p->classes = SG_P_UNKNOWN;
		return p;
	}
	const char *abs = sg_path_resolve(ir->arena, txt, w->base_cwd, ir->home);
	if (!abs) {
		p->classes = SG_P_UNKNOWN | extra;
		return p;
	}
	p->abs = abs;
	/* A word holding a blank followed by an absolute, home or relative
	 * path ("cat ~/.ssh/id_rsa", "cat .env" passed as data) is text, not a file name: the
	 * rule-file patterns (secret, config) are not applied to it. Its
	 * built-in classes (project, outside, system ...) still are. */
	int text = 0;
	for (size_t i = 0; i + 1 < w->len && !text; i++)
		text = (w->text[i] == ' ' || w->text[i] == '\t' || w->text[i] == '\n') &&
		       (w->text[i + 1] == '/' || w->text[i + 1] == '~' || w->text[i + 1] == '.');
	p->classes = classify_full(ir, text ? NULL : rs, abs, all_of, &p->real) | extra;
	return p;
}
