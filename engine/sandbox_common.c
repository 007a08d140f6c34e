/*
 * sandbox_common.c - the portable half of the launcher: environment
 * scrubbing, the hook's command rewrite, path expansion, the project scan
 * for masked files, the guard against protected paths created during a run,
 * and --explain. No platform calls beyond POSIX here.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

const char *sg_sandbox_layer_name(int layer)
{
	static const char *const names[SG_L_COUNT] = {
		[SG_L_USERNS] = "user namespace", [SG_L_MOUNTNS] = "mount namespace",
		[SG_L_PIDNS] = "pid namespace", [SG_L_NETNS] = "network namespace",
		[SG_L_IPCNS] = "ipc namespace", [SG_L_UTSNS] = "uts namespace",
		[SG_L_PROC] = "private /proc", [SG_L_LANDLOCK] = "landlock (filesystem)",
		[SG_L_LANDLOCK_NET] = "landlock (tcp)", [SG_L_LANDLOCK_SCOPE] = "landlock (scopes)",
		[SG_L_SECCOMP] = "seccomp", [SG_L_NNP] = "no_new_privs",
	};
	return layer >= 0 && layer < SG_L_COUNT ? names[layer] : "?";
}

/* ---- environment ------------------------------------------------------------------ */

/* fnmatch(pat, name, 0) for patterns of literal bytes and '*' (what the
 * profiles' env lists hold); anything else goes to fnmatch. The classic
 * two-pointer match: on a mismatch, the last '*' takes one more byte. */
static int env_glob(const char *pat, const char *name)
{
	if (strpbrk(pat, "?[\\"))
		return !fnmatch(pat, name, 0);
	const char *p = pat, *n = name, *star = NULL, *back = NULL;
	while (*n) {
		if (*p == '*') {
			star = p++;
			back = n;
		} else if (*p == *n) {
			p++;
			n++;
		} else if (star) {
			p = star + 1;
			n = ++back;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == 0;
}

static int glob_any(const sg_strvec *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (env_glob(l->v[i], name))
			return 1;
	return 0;
}

/* tests: env_glob against fnmatch */
int sg_sandbox_env_glob(const char *pat, const char *name)
{
	return env_glob(pat, name);
}

int sg_sandbox_env_passes(const sg_profile *p, const char *name)
{
	if (sg_strvec_has(&p->env_pass, name))
		return 1;
	return glob_any(&p->env_allow, name) && !glob_any(&p->env_deny, name);
}

static const char *const env_forced[] = { "HOME", "TMPDIR", "PWD", "SHELLGATE_SANDBOX", NULL };

char **sg_sandbox_env(const sg_profile *p, char **envp, const char *home, const char *cwd,
		      const char *const *extra)
{
	size_t n = 0, cap = 8;
	char **out = sg_xcalloc(cap, sizeof *out);
	sg_buf b;
	sg_buf_init(&b);
	for (size_t i = 0; envp && envp[i]; i++) {
		const char *eq = strchr(envp[i], '=');
		if (!eq || eq == envp[i] || (size_t)(eq - envp[i]) > 255)
			continue;
		char name[256];
		memcpy(name, envp[i], (size_t)(eq - envp[i]));
		name[eq - envp[i]] = 0;
		int forced = 0;
		for (size_t k = 0; env_forced[k]; k++)
			if (!strcmp(name, env_forced[k]))
				forced = 1;
		for (size_t k = 0; extra && extra[k]; k++)
			if (!strncmp(extra[k], name, strlen(name)) && extra[k][strlen(name)] == '=')
				forced = 1;
		if (forced || !sg_sandbox_env_passes(p, name))
			continue;
		if (n + 8 >= cap)
			out = sg_xrealloc(out, (cap *= 2) * sizeof *out);
		out[n++] = sg_xstrdup(envp[i]);
	}
	const char *fixed[5] = { NULL };
	size_t nf = 0;
	if (home) {
		sg_buf_printf(&b, "HOME=%s", home);
		fixed[nf++] = sg_xstrdup(sg_buf_cstr(&b));
	}
	fixed[nf++] = sg_xstrdup("TMPDIR=/tmp");
	sg_buf_reset(&b);
	sg_buf_printf(&b, "PWD=%s", cwd);
	fixed[nf++] = sg_xstrdup(sg_buf_cstr(&b));
	sg_buf_reset(&b);
	sg_buf_printf(&b, "SHELLGATE_SANDBOX=%s", p->name ? p->name : "1");
	fixed[nf++] = sg_xstrdup(sg_buf_cstr(&b));
	for (size_t k = 0; extra && extra[k]; k++) {
		if (n + nf + 2 >= cap)
			out = sg_xrealloc(out, (cap *= 2) * sizeof *out);
		out[n++] = sg_xstrdup(extra[k]);
	}
	out = sg_xrealloc(out, (n + nf + 1) * sizeof *out);
	for (size_t k = 0; k < nf; k++)
		out[n++] = (char *)fixed[k];
	out[n] = NULL;
	sg_buf_free(&b);
	return out;
}

void sg_sandbox_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* ---- the hook's rewrite ------------------------------------------------------------- */

void sg_sandbox_shquote(sg_buf *b, const char *s, size_t n)
{
	sg_buf_addc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			sg_buf_adds(b, "'\\''");
		else
			sg_buf_addc(b, s[i]);
	}
	sg_buf_addc(b, '\'');
}

char *sg_sandbox_rewrite(const char *shellgate, const char *profile, const char *project, const char *command,
			 size_t len)
{
	if (len > SG_MAX_INPUT || memchr(command, 0, len))
		return NULL;
	if (!profile)
		profile = "default";
	sg_buf b;
	sg_buf_init(&b);
	sg_sandbox_shquote(&b, shellgate, strlen(shellgate));
	sg_buf_adds(&b, " exec --profile ");
	sg_sandbox_shquote(&b, profile, strlen(profile));
	if (project) {
		sg_buf_adds(&b, " --project ");
		sg_sandbox_shquote(&b, project, strlen(project));
	}
	sg_buf_adds(&b, " --hints -- /bin/bash -c ");
	sg_sandbox_shquote(&b, command, len);
	char *r = sg_xstrdup(sg_buf_cstr(&b));
	sg_buf_free(&b);
	return r;
}

char *sg_sandbox_expand(const char *p, const char *home, const char *project)
{
	sg_buf b;
	sg_buf_init(&b);
	if (!strcmp(p, "~") || !strncmp(p, "~/", 2)) {
		if (!home) {
			sg_buf_free(&b);
			return NULL;
		}
		sg_buf_adds(&b, home);
		sg_buf_adds(&b, p + 1);
	} else if (p[0] == '/') {
		sg_buf_adds(&b, p);
	} else {
		sg_buf_adds(&b, project);
		sg_buf_addc(&b, '/');
		sg_buf_adds(&b, p);
	}
	/* Trailing slashes carry no meaning here. */
	while (b.len > 1 && b.data[b.len - 1] == '/')
		b.data[--b.len] = 0;
	char *r = sg_xstrdup(sg_buf_cstr(&b));
	sg_buf_free(&b);
	return r;
}

/* ---- masked files inside the project ----------------------------------------------- */

typedef struct scan {
	const sg_profile *p;
	sg_strvec *out;
	size_t seen;
	int budget_hit, overflow;
} scan;

static int mask_glob(const sg_profile *p, const char *base)
{
	for (size_t i = 0; i < p->mask.n; i++) {
		const char *m = p->mask.v[i];
		if (m[0] != '/' && m[0] != '~' && !strchr(m, '/') && !fnmatch(m, base, FNM_PERIOD))
			return 1;
	}
	return 0;
}

static void scan_dir(scan *s, int dfd, const char *path, int depth)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (++s->seen > SG_SBX_MASK_SCAN) {
			s->budget_hit = 1;
			break;
		}
		if (mask_glob(s->p, e->d_name) && e->d_type != DT_DIR) {
			if (s->out->n >= SG_SBX_MAX_MASKS) {
				s->overflow = 1;
				break;
			}
			sg_buf b;
			sg_buf_init(&b);
			sg_buf_printf(&b, "%s/%s", path, e->d_name);
			sg_strvec_push(s->out, sg_buf_cstr(&b));
			sg_buf_free(&b);
			continue;
		}
		if (e->d_type != DT_DIR || depth >= SG_SBX_MASK_DEPTH || !strcmp(e->d_name, ".git") ||
		    !strcmp(e->d_name, "node_modules"))
			continue;
		int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		sg_buf b;
		sg_buf_init(&b);
		sg_buf_printf(&b, "%s/%s", path, e->d_name);
		scan_dir(s, sub, sg_buf_cstr(&b), depth + 1);
		sg_buf_free(&b);
		if (s->budget_hit || s->overflow)
			break;
	}
	closedir(d);
}

int sg_sandbox_find_masked(const sg_profile *p, const char *project, sg_strvec *out)
{
	int has_glob = 0;
	for (size_t i = 0; i < p->mask.n; i++)
		if (p->mask.v[i][0] != '/' && p->mask.v[i][0] != '~' && !strchr(p->mask.v[i], '/'))
			has_glob = 1;
	if (!has_glob)
		return 0;
	int fd = open(project, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	scan s = { p, out, 0, 0, 0 };
	scan_dir(&s, fd, project, 1);
	if (s.overflow)
		return -1;
	return s.budget_hit;
}

/* ---- protected paths created during a run -------------------------------------------- */

static int exists_beneath(const char *project, const char *rel)
{
	char *full = sg_sandbox_expand(rel, NULL, project);
	struct stat st;
	int r = full && lstat(full, &st) == 0;
	free(full);
	return r;
}

void sg_sandbox_guard_begin(sg_sandbox_guard *g, const sg_profile *p, const char *project)
{
	memset(g, 0, sizeof *g);
	g->project = sg_xstrdup(project);
	for (size_t i = 0; i < p->readonly.n; i++) {
		const char *r = p->readonly.v[i];
		if (r[0] == '/' || r[0] == '~' || strstr(r, ".."))
			continue;
		if (!exists_beneath(project, r))
			sg_strvec_push(&g->missing, r);
	}
}

int sg_sandbox_guard_end(sg_sandbox_guard *g)
{
	int moved = 0;
	for (size_t i = 0; i < g->missing.n; i++) {
		if (!exists_beneath(g->project, g->missing.v[i]))
			continue;
		char *full = sg_sandbox_expand(g->missing.v[i], NULL, g->project);
		sg_buf to;
		sg_buf_init(&to);
		sg_buf_printf(&to, "%s.shellgate-blocked-%ld", full, (long)time(NULL));
		/* rename(2) never follows a symlink in its last component. */
		if (rename(full, sg_buf_cstr(&to)) == 0) {
			fprintf(stderr,
				"shellgate: exec: the command created %s, which makes something run outside the "
				"sandbox later; moved it to %s\n", full, sg_buf_cstr(&to));
			moved++;
		} else {
			fprintf(stderr, "shellgate: exec: the command created %s (protected) and it could not "
					"be moved aside: %s; remove it before trusting this project\n",
				full, strerror(errno));
			moved++;
		}
		sg_buf_free(&to);
		free(full);
	}
	sg_strvec_free(&g->missing);
	free(g->project);
	g->project = NULL;
	return moved;
}

/* ---- --explain ------------------------------------------------------------------------ */

static void explain_list(sg_buf *o, const char *title, const sg_strvec *l)
{
	sg_buf_printf(o, "%-10s", title);
	if (!l->n)
		sg_buf_adds(o, " (none)");
	for (size_t i = 0; i < l->n; i++)
		sg_buf_printf(o, " %s", l->v[i]);
	sg_buf_addc(o, '\n');
}

static void explain_layers(const sg_sandbox_spec *s, sg_buf *o)
{
	sg_sandbox_probe_result r;
	sg_sandbox_probe(&r);
	sg_buf_printf(o, "platform  %s\n", r.platform);
	for (int i = 0; i < SG_L_COUNT; i++) {
		int needed = !(i == SG_L_NETNS && s->net == SG_NET_HOST);
		sg_buf_printf(o, "layer     %-22s %s", sg_sandbox_layer_name(i),
			      !needed ? "not used (--net host)" : r.have[i] ? "yes" : "MISSING");
		if (i == SG_L_LANDLOCK && r.have[i])
			sg_buf_printf(o, " (ABI %d)", r.landlock_abi);
		if (needed && !r.have[i] && r.err[i])
			sg_buf_printf(o, " (%s)", strerror(r.err[i]));
		sg_buf_addc(o, '\n');
	}
	if (!r.can_exec)
		sg_buf_printf(o, "exec      CANNOT START HERE: %s\n", r.why);
}

void sg_sandbox_explain_common(const sg_sandbox_spec *s, sg_buf *o)
{
	const sg_profile *p = s->prof;
	sg_buf_printf(o, "profile   %s (%s)\n", p->name, p->origin);
	sg_buf_printf(o, "project   %s (%s)\n", s->project, p->project_rw ? "read-write" : "read-only");
	sg_buf_printf(o, "cwd       %s\n", s->cwd);
	sg_buf_printf(o, "home      %s (%s)\n", s->home ? s->home : "(none)",
		      p->home == SG_HOME_RO ? "read-only view" : "empty tmpfs");
	explain_layers(s, o);
	explain_list(o, "read", &p->read);
	explain_list(o, "write", &p->write);
	explain_list(o, "readonly", &p->readonly);
	explain_list(o, "mask", &p->mask);
	sg_strvec found = { 0 };
	int r = sg_sandbox_find_masked(p, s->project, &found);
	explain_list(o, "masked", &found);
	if (r)
		sg_buf_printf(o, "masked    WARNING: %s\n",
			      r < 0 ? "too many files (SG_SBX_MAX_MASKS): exec refuses this project"
				    : "scan budget hit (SG_SBX_MASK_SCAN): files beyond it are not masked");
	sg_strvec_free(&found);
	if (s->net == SG_NET_HOST)
		sg_buf_adds(o, "net       host  ** WARNING: the command shares the host network (--net host) **\n");
	else if (s->net == SG_NET_ALLOW)
		explain_list(o, "net allow", s->domains);
	else
		sg_buf_adds(o, "net       none (empty network namespace, loopback only)\n");
	sg_buf_adds(o, "env       ");
	for (size_t i = 0; s->envp && s->envp[i]; i++) {
		const char *eq = strchr(s->envp[i], '=');
		char name[256];
		if (!eq || (size_t)(eq - s->envp[i]) >= sizeof name)
			continue;
		memcpy(name, s->envp[i], (size_t)(eq - s->envp[i]));
		name[eq - s->envp[i]] = 0;
		if (sg_sandbox_env_passes(p, name))
			sg_buf_printf(o, "%s ", name);
	}
	sg_buf_adds(o, "(+ HOME TMPDIR PWD SHELLGATE_SANDBOX)\n");
	static const char *const rl[SG_RL_COUNT] = { "cpu", "fsize", "nproc", "nofile", "as", "core" };
	sg_buf_adds(o, "rlimits  ");
	for (int i = 0; i < SG_RL_COUNT; i++) {
		if (!p->rl_set[i])
			continue;
		if (p->rl[i] == ~0ULL)
			sg_buf_printf(o, " %s=unlimited", rl[i]);
		else
			sg_buf_printf(o, " %s=%llu", rl[i], p->rl[i]);
	}
	sg_buf_printf(o, "\numask     %03o\n", p->umask);
}

/* ---- rlimits --------------------------------------------------------------------------- */

int sg_sandbox_apply_rlimits(const sg_profile *p)
{
	static const int res[SG_RL_COUNT] = { RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NPROC, RLIMIT_NOFILE,
					      RLIMIT_AS, RLIMIT_CORE };
	for (int i = 0; i < SG_RL_COUNT; i++) {
		struct rlimit cur, want;
		if (!p->rl_set[i] || getrlimit(res[i], &cur) < 0)
			continue;
		rlim_t v = p->rl[i] == ~0ULL ? RLIM_INFINITY : (rlim_t)p->rl[i];
		/* Hard limits only ever go down: an unprivileged process cannot
		 * raise them, and the command must not either. */
		if (cur.rlim_max != RLIM_INFINITY && (v == RLIM_INFINITY || v > cur.rlim_max))
			v = cur.rlim_max;
		want.rlim_cur = want.rlim_max = v;
		if (setrlimit(res[i], &want) < 0)
			return -errno;
	}
	return 0;
}
