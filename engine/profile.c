/*
 * profile.c - sandbox profiles: the `sandbox.profiles` section of rule files.
 *
 *   { "format": 1, "sandbox": { "profiles": { "NAME": { ... } } } }
 *
 * Keys of a profile (docs/SANDBOX.md has the reference):
 *   extends      name of the profile this one adds to (lists appended,
 *                scalars replaced)
 *   read, write, readonly, mask      lists of paths (see sandbox.h)
 *   project      "rw" | "ro"          home   "empty" | "ro"
 *   env          { "allow": [...], "deny": [...], "pass": [...] }
 *   net          { "mode": "none"|"host"|"allow", "domains": [...], "private": bool }
 *   rlimits      { "cpu", "fsize", "nproc", "nofile", "as", "core": number|size|"unlimited" }
 *   umask        "022"                tmp_size  "1G"
 *   ptrace       "deny" | "inside"   (inside: between sandboxed processes only)
 *   description  text
 * An unknown key is an error: a typo must not silently widen a sandbox.
 *
 * Only trusted layers are read (built-in dir, user file, --rules): a
 * project's own rule file cannot define the sandbox it runs in.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "rules.h"
#include "sandbox.h"
#include "snapshot.h"

/* ---- string vectors ------------------------------------------------------------- */

void sg_strvec_push(sg_strvec *l, const char *s)
{
	l->v = sg_xrealloc(l->v, (l->n + 2) * sizeof *l->v);
	l->v[l->n++] = sg_xstrdup(s);
	l->v[l->n] = NULL;
}

void sg_strvec_free(sg_strvec *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int sg_strvec_has(const sg_strvec *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

/* every string list of a profile (freed, cached, restored alike) */
#define NLISTS 8

static void lists_of(sg_profile *p, sg_strvec *l[NLISTS])
{
	sg_strvec *v[NLISTS] = { &p->read, &p->write, &p->readonly, &p->mask,
				 &p->env_allow, &p->env_deny, &p->env_pass, &p->domains };
	memcpy(l, v, sizeof v);
}

void sg_profile_free(sg_profile *p)
{
	free(p->name);
	free(p->origin);
	sg_strvec *l[NLISTS];
	lists_of(p, l);
	for (size_t i = 0; i < NLISTS; i++)
		sg_strvec_free(l[i]);
	memset(p, 0, sizeof *p);
}

/* ---- the definitions database --------------------------------------------------- */

typedef struct pdef {
	char *name, *origin;
	cJSON *obj;		/* owned */
} pdef;

struct sg_profile_db {
	pdef *defs;
	size_t n;
};

sg_profile_db *sg_profile_db_new(void)
{
	return sg_xcalloc(1, sizeof(sg_profile_db));
}

void sg_profile_db_free(sg_profile_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++) {
		free(db->defs[i].name);
		free(db->defs[i].origin);
		cJSON_Delete(db->defs[i].obj);
	}
	free(db->defs);
	free(db);
}

int sg_profile_db_add_text(sg_profile_db *db, const char *origin, const char *text, size_t len, sg_buf *err)
{
	/* Most rule files have no sandbox section: skip them without parsing.
	 * A key spelled with \u escapes ("\u0073andbox") is still "sandbox"
	 * to the parser, so a file with any \u escape is parsed. */
	if (!memmem(text, len, "\"sandbox\"", 9) && !memmem(text, len, "\\u", 2))
		return 0;
	if (memchr(text, 0, len)) {
		sg_buf_printf(err, "%s: NUL byte in rule file\n", origin);
		return -1;
	}
	char *buf = sg_xstrndup(text, len);
	int rc = -1;
	cJSON *root = NULL;
	size_t bad;
	if (sg_json_strip_comments(buf, len, &bad) < 0 || sg_json_depth_exceeded(buf, len)) {
		sg_buf_printf(err, "%s: unterminated comment or JSON nested too deeply\n", origin);
		goto out;
	}
	root = cJSON_ParseWithLength(buf, len);
	if (!cJSON_IsObject(root)) {
		sg_buf_printf(err, "%s: invalid JSON\n", origin);
		goto out;
	}
	const cJSON *sb = cJSON_GetObjectItemCaseSensitive(root, "sandbox");
	if (!sb) {
		rc = 0;
		goto out;
	}
	const cJSON *profs = cJSON_GetObjectItemCaseSensitive(sb, "profiles");
	if (!cJSON_IsObject(sb) || !cJSON_IsObject(profs) || cJSON_GetArraySize(sb) != 1) {
		sg_buf_printf(err, "%s: 'sandbox' must be {\"profiles\": {NAME: {...}}}\n", origin);
		goto out;
	}
	const cJSON *p;
	cJSON_ArrayForEach(p, profs) {
		if (!cJSON_IsObject(p)) {
			sg_buf_printf(err, "%s: sandbox.profiles.%s must be an object\n", origin, p->string);
			goto out;
		}
		if (db->n >= SG_SBX_MAX_LIST) {
			sg_buf_printf(err, "%s: more than %d sandbox profiles\n", origin, SG_SBX_MAX_LIST);
			goto out;
		}
		db->defs = sg_xrealloc(db->defs, (db->n + 1) * sizeof *db->defs);
		db->defs[db->n++] = (pdef){ sg_xstrdup(p->string), sg_xstrdup(origin), cJSON_Duplicate(p, 1) };
	}
	rc = 0;
out:
	cJSON_Delete(root);
	free(buf);
	return rc;
}

int sg_profile_db_add_file(sg_profile_db *db, const char *path, int missing_ok, sg_buf *err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (missing_ok && errno == ENOENT)
			return 0;
		sg_buf_printf(err, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (st.st_mode & 022) {
		sg_buf_printf(err, "%s: refused: writable by group or others\n", path);
		return -1;
	}
	char *text;
	size_t len;
	int r = sg_read_file(path, SG_MAX_RULE_FILE, &text, &len);
	if (r < 0) {
		sg_buf_printf(err, "%s: %s\n", path, strerror(-r));
		return -1;
	}
	r = sg_profile_db_add_text(db, path, text, len, err);
	free(text);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sg_profile_db_load(sg_profile_db *db, const char *extra, sg_buf *err)
{
	const char *dir = sg_rules_builtin_dir();
	DIR *d = opendir(dir);
	if (!d) {
		sg_buf_printf(err, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	sg_strvec files = { 0 };
	struct dirent *e;
	while ((e = readdir(d)) && files.n < SG_SBX_MAX_LIST) {
		size_t l = strlen(e->d_name);
		if (l > 5 && !strcmp(e->d_name + l - 5, ".json") && e->d_name[0] != '.') {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			sg_strvec_push(&files, path);
		}
	}
	closedir(d);
	if (files.n)
		qsort(files.v, files.n, sizeof *files.v, cmp_str);
	int rc = 0;
	for (size_t i = 0; i < files.n; i++)
		if (sg_profile_db_add_file(db, files.v[i], 0, err) < 0)
			rc = -1;
	sg_strvec_free(&files);
	const char *user = sg_rules_user_file();
	if (user && sg_profile_db_add_file(db, user, 1, err) < 0)
		rc = -1;
	if (extra && sg_profile_db_add_file(db, extra, 0, err) < 0)
		rc = -1;
	return rc;
}

size_t sg_profile_db_names(const sg_profile_db *db, const char **names, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < db->n; i++) {
		int seen = 0;
		for (size_t j = 0; j < k; j++)
			if (!strcmp(names[j], db->defs[i].name))
				seen = 1;
		if (!seen && k < max)
			names[k++] = db->defs[i].name;
	}
	return k;
}

/* ---- values ------------------------------------------------------------------------ */

int sg_profile_parse_size(const char *s, unsigned long long *out)
{
	if (!s || !*s)
		return -1;
	if (!strcmp(s, "unlimited") || !strcmp(s, "infinity")) {
		*out = ~0ULL;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -1;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

typedef struct pctx {
	sg_buf *err;
	const char *origin, *name;
	int bad;
} pctx;

static void perr(pctx *c, const char *key, const char *msg)
{
	sg_buf_printf(c->err, "%s: sandbox.profiles.%s.%s: %s\n", c->origin, c->name, key, msg);
	c->bad = 1;
}

static void get_list(pctx *c, const cJSON *o, const char *key, sg_strvec *dst)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!a)
		return;
	if (!cJSON_IsArray(a)) {
		perr(c, key, "must be a list of strings");
		return;
	}
	const cJSON *x;
	cJSON_ArrayForEach(x, a) {
		if (!cJSON_IsString(x) || !x->valuestring[0]) {
			perr(c, key, "must be a list of non-empty strings");
			return;
		}
		if (dst->n >= SG_SBX_MAX_LIST) {
			perr(c, key, "too many entries (SG_SBX_MAX_LIST)");
			return;
		}
		if (!sg_strvec_has(dst, x->valuestring))
			sg_strvec_push(dst, x->valuestring);
	}
}

static int check_keys(pctx *c, const cJSON *o, const char *where, const char *const *keys)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, o) {
		int ok = 0;
		for (size_t i = 0; keys[i]; i++)
			if (!strcmp(x->string, keys[i]))
				ok = 1;
		if (!ok) {
			char m[200];
			snprintf(m, sizeof m, "unknown key '%s'", x->string);
			perr(c, where, m);
		}
	}
	return !c->bad;
}

static const char *const rl_names[SG_RL_COUNT] = { "cpu", "fsize", "nproc", "nofile", "as", "core" };

static void apply_rlimits(pctx *c, const cJSON *r, sg_profile *p)
{
	static const char *const keys[] = { "cpu", "fsize", "nproc", "nofile", "as", "core", NULL };
	if (!cJSON_IsObject(r)) {
		perr(c, "rlimits", "must be an object");
		return;
	}
	check_keys(c, r, "rlimits", keys);
	for (int i = 0; i < SG_RL_COUNT; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, rl_names[i]);
		unsigned long long n;
		if (!v)
			continue;
		if (cJSON_IsNull(v)) {
			p->rl_set[i] = 0;
			continue;
		}
		if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9.2e18)
			n = (unsigned long long)v->valuedouble;
		else if (!cJSON_IsString(v) || sg_profile_parse_size(v->valuestring, &n) < 0) {
			perr(c, "rlimits", "values are numbers, sizes (\"4G\"), \"unlimited\" or null");
			continue;
		}
		p->rl_set[i] = 1;
		p->rl[i] = n;
	}
}

static void apply_env(pctx *c, const cJSON *e, sg_profile *p)
{
	static const char *const keys[] = { "allow", "deny", "pass", NULL };
	if (!cJSON_IsObject(e)) {
		perr(c, "env", "must be an object");
		return;
	}
	check_keys(c, e, "env", keys);
	get_list(c, e, "allow", &p->env_allow);
	get_list(c, e, "deny", &p->env_deny);
	get_list(c, e, "pass", &p->env_pass);
}

static void apply_net(pctx *c, const cJSON *n, sg_profile *p)
{
	static const char *const keys[] = { "mode", "domains", "private", NULL };
	if (!cJSON_IsObject(n)) {
		perr(c, "net", "must be an object");
		return;
	}
	check_keys(c, n, "net", keys);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(n, "mode");
	if (m) {
		const char *s = cJSON_IsString(m) ? m->valuestring : "";
		if (!strcmp(s, "none"))
			p->net = SG_NET_NONE;
		else if (!strcmp(s, "host"))
			p->net = SG_NET_HOST;
		else if (!strcmp(s, "allow"))
			p->net = SG_NET_ALLOW;
		else
			perr(c, "net.mode", "must be none, host or allow");
	}
	get_list(c, n, "domains", &p->domains);
	const cJSON *pv = cJSON_GetObjectItemCaseSensitive(n, "private");
	if (pv && !cJSON_IsBool(pv))
		perr(c, "net.private", "must be true or false");
	else if (pv)
		p->net_private = cJSON_IsTrue(pv);
}

static void apply_scalars(pctx *c, const cJSON *o, sg_profile *p)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, "project");
	if (x) {
		if (cJSON_IsString(x) && !strcmp(x->valuestring, "rw"))
			p->project_rw = 1;
		else if (cJSON_IsString(x) && !strcmp(x->valuestring, "ro"))
			p->project_rw = 0;
		else
			perr(c, "project", "must be \"rw\" or \"ro\"");
	}
	if ((x = cJSON_GetObjectItemCaseSensitive(o, "home"))) {
		if (cJSON_IsString(x) && !strcmp(x->valuestring, "empty"))
			p->home = SG_HOME_EMPTY;
		else if (cJSON_IsString(x) && !strcmp(x->valuestring, "ro"))
			p->home = SG_HOME_RO;
		else
			perr(c, "home", "must be \"empty\" or \"ro\"");
	}
	if ((x = cJSON_GetObjectItemCaseSensitive(o, "umask"))) {
		char *end = NULL;
		unsigned long v = cJSON_IsString(x) ? strtoul(x->valuestring, &end, 8) : 01000;
		if (!end || *end || v > 0777)
			perr(c, "umask", "must be an octal string such as \"022\"");
		else
			p->umask = (unsigned)v;
	}
	if ((x = cJSON_GetObjectItemCaseSensitive(o, "ptrace"))) {
		if (cJSON_IsString(x) && !strcmp(x->valuestring, "deny"))
			p->ptrace_inside = 0;
		else if (cJSON_IsString(x) && !strcmp(x->valuestring, "inside"))
			p->ptrace_inside = 1;
		else
			perr(c, "ptrace", "must be \"deny\" or \"inside\"");
	}
	if ((x = cJSON_GetObjectItemCaseSensitive(o, "tmp_size"))) {
		unsigned long long v;
		if (!cJSON_IsString(x) || sg_profile_parse_size(x->valuestring, &v) < 0 || v < (1u << 20) ||
		    v > (1ULL << 40))
			perr(c, "tmp_size", "must be a size between 1M and 1T (\"1G\")");
		else
			p->tmp_mb = (unsigned)(v >> 20);
	}
}

/* Applies one definition on top of p (lists append, scalars replace). */
static void apply_def(pctx *c, const cJSON *o, sg_profile *p)
{
	static const char *const keys[] = { "extends", "description", "read", "write", "readonly", "mask",
					     "project", "home", "env", "net", "rlimits", "umask", "tmp_size",
					     "ptrace", NULL };
	const cJSON *x;
	if (!check_keys(c, o, "(profile)", keys))
		return;
	get_list(c, o, "read", &p->read);
	get_list(c, o, "write", &p->write);
	get_list(c, o, "readonly", &p->readonly);
	get_list(c, o, "mask", &p->mask);
	apply_scalars(c, o, p);
	if ((x = cJSON_GetObjectItemCaseSensitive(o, "env")))
		apply_env(c, x, p);
	if ((x = cJSON_GetObjectItemCaseSensitive(o, "net")))
		apply_net(c, x, p);
	if ((x = cJSON_GetObjectItemCaseSensitive(o, "rlimits")))
		apply_rlimits(c, x, p);
}

/* Index of the last definition of name before index `before`, or -1. */
static long find_def(const sg_profile_db *db, const char *name, size_t before)
{
	for (size_t i = before; i-- > 0;)
		if (!strcmp(db->defs[i].name, name))
			return (long)i;
	return -1;
}

int sg_profile_db_get(const sg_profile_db *db, const char *name, sg_profile *out, sg_buf *err)
{
	long chain[SG_SBX_MAX_EXTENDS + 1];
	size_t depth = 0;
	long i = find_def(db, name, db->n);
	memset(out, 0, sizeof *out);
	if (i < 0) {
		sg_buf_printf(err, "no sandbox profile named '%s' in the rule files\n", name);
		return -1;
	}
	/* Collect the chain from the named profile down to its root. */
	while (i >= 0) {
		if (depth > SG_SBX_MAX_EXTENDS) {
			sg_buf_printf(err, "%s: profile '%s': 'extends' chain longer than %d or cyclic\n",
				      db->defs[chain[0]].origin, name, SG_SBX_MAX_EXTENDS);
			return -1;
		}
		chain[depth++] = i;
		const cJSON *ext = cJSON_GetObjectItemCaseSensitive(db->defs[i].obj, "extends");
		if (!ext)
			break;
		if (!cJSON_IsString(ext)) {
			sg_buf_printf(err, "%s: sandbox.profiles.%s.extends must be a profile name\n",
				      db->defs[i].origin, db->defs[i].name);
			return -1;
		}
		const char *base = ext->valuestring;
		/* Extending one's own name reaches the earlier layer's definition. */
		long j = find_def(db, base, !strcmp(base, db->defs[i].name) ? (size_t)i : db->n);
		if (j < 0) {
			sg_buf_printf(err, "%s: profile '%s' extends unknown profile '%s'\n", db->defs[i].origin,
				      db->defs[i].name, base);
			return -1;
		}
		i = j;
	}
	out->umask = 022;
	out->tmp_mb = 1024;
	out->project_rw = 1;
	pctx c = { err, NULL, NULL, 0 };
	while (depth-- > 0) {
		const pdef *d = &db->defs[chain[depth]];
		c.origin = d->origin;
		c.name = d->name;
		apply_def(&c, d->obj, out);
	}
	out->name = sg_xstrdup(name);
	out->origin = sg_xstrdup(db->defs[chain[0]].origin);
	if (c.bad) {
		sg_profile_free(out);
		return -1;
	}
	return 0;
}

/* ---- the resolved-profile cache ------------------------------------------------------ */

/*
 * `shellgate exec` resolves one profile per run, and finding it means
 * reading every rule file of the trusted layers. The result is cached
 * (snapshot.h keyed blobs) under a key of everything resolving reads: this
 * executable, the built-in directory and each of its files, the user file
 * and the --rules file (path and identity, absent ones too), and the name.
 * Only a successful resolution is cached; an edited, added, removed,
 * re-owned or chmod-ed file changes the key, and the next run parses again
 * (and refuses again what it refused before).
 */

/* Layout of a cached profile: bump it with any change to sg_profile or to
 * what resolving means (it is part of the key). */
#define PROFILE_CACHE_TAG "profile-v1"
static void put_u64(sg_buf *b, uint64_t v)
{
	sg_buf_add(b, (const char *)&v, sizeof v);
}

static void put_str(sg_buf *b, const char *s)
{
	put_u64(b, strlen(s));
	sg_buf_add(b, s, strlen(s));
}

static void profile_encode(sg_profile *p, sg_buf *b)
{
	sg_strvec *l[NLISTS];
	lists_of(p, l);
	put_str(b, p->name);
	put_str(b, p->origin);
	for (size_t i = 0; i < NLISTS; i++) {
		put_u64(b, l[i]->n);
		for (size_t k = 0; k < l[i]->n; k++)
			put_str(b, l[i]->v[k]);
	}
	uint64_t sc[] = { (uint64_t)p->project_rw, p->home, p->net, (uint64_t)p->net_private,
			  (uint64_t)p->ptrace_inside, p->umask, p->tmp_mb };
	for (size_t i = 0; i < sizeof sc / sizeof sc[0]; i++)
		put_u64(b, sc[i]);
	for (size_t i = 0; i < SG_RL_COUNT; i++) {
		put_u64(b, (uint64_t)p->rl_set[i]);
		put_u64(b, p->rl[i]);
	}
}

typedef struct rd {
	const char *p;
	size_t left;
	int bad;
} rd;

static uint64_t get_u64(rd *r, uint64_t max)
{
	uint64_t v = 0;
	if (r->left < sizeof v) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, sizeof v);
	r->p += sizeof v;
	r->left -= sizeof v;
	if (v > max)
		r->bad = 1;
	return v > max ? 0 : v;
}

/* A heap copy of the next string; NULL (and bad) when it does not fit. */
static char *get_str(rd *r)
{
	size_t n = (size_t)get_u64(r, SG_MAX_RULE_FILE);
	if (r->bad || n > r->left || memchr(r->p, 0, n)) {
		r->bad = 1;
		return NULL;
	}
	char *s = sg_xstrndup(r->p, n);
	r->p += n;
	r->left -= n;
	return s;
}

/* Decodes what profile_encode wrote; 0, or -1 with *p freed. Every count
 * and value is checked as the parser would: a cache file is data too. */
static int profile_decode(const char *data, size_t len, sg_profile *p)
{
	rd r = { data, len, 0 };
	sg_strvec *l[NLISTS];
	memset(p, 0, sizeof *p);
	lists_of(p, l);
	p->name = get_str(&r);
	p->origin = get_str(&r);
	for (size_t i = 0; i < NLISTS && !r.bad; i++) {
		size_t n = (size_t)get_u64(&r, SG_SBX_MAX_LIST);
		for (size_t k = 0; k < n && !r.bad; k++) {
			char *s = get_str(&r);
			if (s && !*s)
				r.bad = 1;
			if (s && !r.bad)
				sg_strvec_push(l[i], s);
			free(s);
		}
	}
	p->project_rw = (int)get_u64(&r, 1);
	p->home = (sg_home_mode)get_u64(&r, SG_HOME_RO);
	p->net = (sg_net_mode)get_u64(&r, SG_NET_ALLOW);
	p->net_private = (int)get_u64(&r, 1);
	p->ptrace_inside = (int)get_u64(&r, 1);
	p->umask = (unsigned)get_u64(&r, 0777);
	p->tmp_mb = (unsigned)get_u64(&r, 1u << 20);
	for (size_t i = 0; i < SG_RL_COUNT; i++) {
		p->rl_set[i] = (int)get_u64(&r, 1);
		p->rl[i] = get_u64(&r, UINT64_MAX);
	}
	if (r.bad || r.left || !p->name || !p->origin || p->tmp_mb < 1) {
		sg_profile_free(p);
		return -1;
	}
	return 0;
}

static int profile_key(const char *extra, const char *name, uint64_t *key)
{
	uint64_t k;
	if (sg_cache_key_init(PROFILE_CACHE_TAG, &k) < 0)
		return -1;
	k = sg_cache_key_dir(k, sg_rules_builtin_dir());
	k = sg_cache_key_file(k, sg_rules_user_file());
	k = sg_cache_key_file(k, extra);
	*key = sg_cache_key_str(k, name);
	return 0;
}

int sg_profile_resolve(const char *extra, const char *name, sg_profile *out, sg_buf *err)
{
	uint64_t key;
	int cached = profile_key(extra, name, &key) == 0;
	char *data;
	size_t len;
	memset(out, 0, sizeof *out);
	if (cached && sg_cache_blob_load("profile", key, &data, &len) == 0) {
		int r = profile_decode(data, len, out);
		free(data);
		if (r == 0 && !strcmp(out->name, name))
			return 0;
		sg_profile_free(out);
	}
	sg_profile_db *db = sg_profile_db_new();
	int rc = sg_profile_db_load(db, extra, err) < 0 || sg_profile_db_get(db, name, out, err) < 0 ? -1 : 0;
	sg_profile_db_free(db);
	if (rc == 0 && cached) {
		sg_buf b;
		sg_buf_init(&b);
		profile_encode(out, &b);
		sg_cache_blob_save("profile", key, b.data, b.len);
		sg_buf_free(&b);
	}
	return rc;
}
