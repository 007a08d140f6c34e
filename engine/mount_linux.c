/*
 * mount_linux.c - the mount tree of `shellgate exec`: planned outside from
 * the profile (sg_sandbox_plan_build), executed inside the new user and
 * mount namespaces (sg_sandbox_mount_tree).
 *
 * The new root is a tmpfs holding only what the plan names:
 *   system paths read-only, the project read-write (read-only for
 *   offline-audit), its protected entries read-only again, a fresh /tmp
 *   and $HOME (tmpfs), an empty /run, a private /dev with only harmless
 *   nodes, a fresh /proc for the new pid namespace, and masks over secrets.
 *
 * INVARIANTS
 *  - Every bind is nosuid and nodev (except the device nodes in /dev).
 *  - The host root is detached before the command runs: nothing outside
 *    the plan is reachable by path.
 *  - Ancestors of protected entries are pinned (bound onto themselves), so
 *    that renaming `.git` away and recreating `.git/hooks` fails with EBUSY.
 *  - The executor allocates nothing and follows only host symlinks that the
 *    planner resolved.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"
#include "sandbox_linux.h"
#include "snapshot.h"

/* The host root during setup; its parent is covered before the command
 * runs (a cover stacked on the old root itself would be what a later
 * umount of the old root removes). */
#define OLD_PARENT "/.sg"
#define OLD OLD_PARENT "/host"

/* ---- planning (outside, may allocate) ---------------------------------------------- */

static int path_depth(const char *p)
{
	int d = 0;
	for (; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			d++;
	return d;
}

static void add_op(sg_sbx_plan *pl, int kind, const char *src, const char *dst)
{
	pl->ops = sg_xrealloc(pl->ops, (pl->n + 1) * sizeof *pl->ops);
	pl->ops[pl->n++] = (sg_sbx_op){ kind, src ? sg_xstrdup(src) : NULL, sg_xstrdup(dst), path_depth(dst) };
}

static int beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return 1;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0);
}

/* Is host path p visible in the planned tree (beneath a bind)? */
static int visible(const sg_sbx_plan *pl, const char *p)
{
	for (size_t i = 0; i < pl->n; i++) {
		int k = pl->ops[i].kind;
		if ((k == SG_OP_RO || k == SG_OP_RW) && beneath(p, pl->ops[i].dst))
			return 1;
	}
	return 0;
}

static void plan_bind(sg_sbx_plan *pl, const char *path, int rw)
{
	struct stat st;
	char real[PATH_MAX];
	if (lstat(path, &st) < 0 || !realpath(path, real))
		return;		/* missing: nothing to show */
	if (strcmp(real, path)) {
		/* A symlink on the way: show the target, link the name to it. */
		add_op(pl, SG_OP_LINK, real, path);
		if (!visible(pl, real))
			plan_bind(pl, real, rw);
		return;
	}
	for (size_t i = 0; i < pl->n; i++)
		if ((pl->ops[i].kind == SG_OP_RO || pl->ops[i].kind == SG_OP_RW) && !strcmp(pl->ops[i].dst, path))
			return;
	add_op(pl, rw ? SG_OP_RW : SG_OP_RO, path, path);
	sg_strvec_push(rw ? &pl->ll_write : &pl->ll_read, path);
}

static int expand_all(const sg_sandbox_spec *s, const sg_strvec *l, sg_strvec *out)
{
	for (size_t i = 0; i < l->n; i++) {
		char *e = sg_sandbox_expand(l->v[i], s->home, s->project);
		if (!e)
			continue;
		if (strstr(e, "/../") || strstr(e, "/./")) {
			free(e);
			return -1;
		}
		sg_strvec_push(out, e);
		free(e);
	}
	return 0;
}

/* Pins every directory strictly between top and p (p beneath top). */
static void plan_pins(sg_sbx_plan *pl, const char *top, const char *p)
{
	char anc[PATH_MAX];
	size_t tlen = strlen(top);
	for (const char *q = p + tlen + 1; (q = strchr(q, '/')); q++) {
		size_t n = (size_t)(q - p);
		if (n >= sizeof anc)
			break;
		memcpy(anc, p, n);
		anc[n] = 0;
		int dup = 0;
		for (size_t k = 0; k < pl->n; k++)
			if (pl->ops[k].kind == SG_OP_PIN && !strcmp(pl->ops[k].dst, anc))
				dup = 1;
		if (!dup)
			add_op(pl, SG_OP_PIN, anc, anc);
	}
}

/* Protected entries inside the project: read-only, and their ancestors
 * (below the project) pinned so that they cannot be renamed away. */
static void plan_readonly(const sg_sandbox_spec *s, sg_sbx_plan *pl, const sg_strvec *ro)
{
	for (size_t i = 0; i < ro->n; i++) {
		const char *p = ro->v[i];
		struct stat st;
		if (!beneath(p, s->project) || lstat(p, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		plan_pins(pl, s->project, p);
		add_op(pl, SG_OP_RO, p, p);
	}
}

static void plan_masks(const sg_sandbox_spec *s, sg_sbx_plan *pl, const sg_strvec *mask)
{
	for (size_t i = 0; i < mask->n; i++) {
		struct stat st;
		const char *p = mask->v[i];
		if (lstat(p, &st) < 0 || !visible(pl, p))
			continue;
		if (S_ISLNK(st.st_mode) && stat(p, &st) < 0)
			continue;
		add_op(pl, S_ISDIR(st.st_mode) ? SG_OP_MASK_DIR : SG_OP_MASK_FILE, NULL, p);
	}
}

/*
 * shellgate's own cache (rule-set snapshots, resolved profiles, seccomp
 * filters) is trusted by later runs outside the sandbox, so no profile may
 * expose it: wherever a bind would show it, it is masked, and when that
 * bind is writable its ancestors below the bind are pinned so that it
 * cannot be renamed away and recreated. It is created first when missing,
 * so that the sandbox cannot create it either.
 */
static void plan_cache(sg_sbx_plan *pl)
{
	char dir[PATH_MAX], real[PATH_MAX];
	if (sg_cache_dir(dir, sizeof dir) < 0)
		return;
	for (char *q = dir + 1; *q; q++)
		if (*q == '/') {
			*q = 0;
			(void)mkdir(dir, 0700);
			*q = '/';
		}
	(void)mkdir(dir, 0700);
	if (!realpath(dir, real))
		return;
	const sg_sbx_op *top = NULL;
	for (size_t i = 0; i < pl->n; i++) {
		const sg_sbx_op *o = &pl->ops[i];
		if ((o->kind == SG_OP_RO || o->kind == SG_OP_RW) && beneath(real, o->dst) &&
		    (!top || strlen(o->dst) > strlen(top->dst)))
			top = o;
	}
	if (!top)
		return;
	if (top->kind == SG_OP_RW && strcmp(top->dst, real))
		plan_pins(pl, top->dst, real);
	add_op(pl, SG_OP_MASK_DIR, NULL, real);
}

static int cmp_depth(const void *a, const void *b)
{
	const sg_sbx_op *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth - y->depth;
	/* Masks and read-only re-binds go after the bind they cover. */
	return (x->kind >= SG_OP_MASK_FILE) - (y->kind >= SG_OP_MASK_FILE);
}

static void sort_ops(sg_sbx_plan *pl)
{
	/* Stable insertion sort: plans are a few dozen ops. */
	for (size_t i = 1; i < pl->n; i++) {
		sg_sbx_op t = pl->ops[i];
		size_t j = i;
		while (j > 0 && cmp_depth(&pl->ops[j - 1], &t) > 0) {
			pl->ops[j] = pl->ops[j - 1];
			j--;
		}
		pl->ops[j] = t;
	}
}

int sg_sandbox_plan_build(const sg_sandbox_spec *s, const char *proxy_sock, sg_sbx_plan *pl, sg_buf *err)
{
	const sg_profile *p = s->prof;
	sg_strvec rd = { 0 }, wr = { 0 }, ro = { 0 }, mk = { 0 };
	int rc = -1;
	memset(pl, 0, sizeof *pl);
	pl->tmp_mb = p->tmp_mb;
	if (expand_all(s, &p->read, &rd) < 0 || expand_all(s, &p->write, &wr) < 0 ||
	    expand_all(s, &p->readonly, &ro) < 0 || expand_all(s, &p->mask, &mk) < 0) {
		sg_buf_printf(err, "profile %s: a path holds '.' or '..' components\n", p->name);
		goto out;
	}
	add_op(pl, SG_OP_TMPFS, NULL, "/tmp");
	for (size_t i = 0; i < rd.n; i++)
		plan_bind(pl, rd.v[i], 0);
	if (!s->home || beneath(s->home, s->project)) {
		/* No home, or home inside the project: the project shows it. */
	} else if (p->home == SG_HOME_RO) {
		plan_bind(pl, s->home, 0);
	} else {
		add_op(pl, SG_OP_TMPFS, NULL, s->home);
		pl->home_tmpfs = 1;
	}
	plan_bind(pl, s->project, p->project_rw);
	for (size_t i = 0; i < wr.n; i++)
		plan_bind(pl, wr.v[i], 1);
	if (p->project_rw)
		plan_readonly(s, pl, &ro);
	int r = sg_sandbox_find_masked(p, s->project, &mk);
	if (r < 0) {
		sg_buf_printf(err, "more than %d files to mask in %s (SG_SBX_MAX_MASKS)\n", SG_SBX_MAX_MASKS,
			      s->project);
		goto out;
	}
	pl->mask_budget_hit = r;
	plan_masks(s, pl, &mk);
	plan_cache(pl);
	if (proxy_sock)
		add_op(pl, SG_OP_SOCK, proxy_sock, SG_SBX_PROXY_SOCK);
	sort_ops(pl);
	sg_strvec_push(&pl->ll_write, "/tmp");
	sg_strvec_push(&pl->ll_write, "/dev/shm");
	static const char *const devs[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/pts",
					    "/dev/ptmx", NULL };
	for (size_t i = 0; devs[i]; i++)
		sg_strvec_push(&pl->ll_dev, devs[i]);
	rc = 0;
out:
	sg_strvec_free(&rd);
	sg_strvec_free(&wr);
	sg_strvec_free(&ro);
	sg_strvec_free(&mk);
	return rc;
}

void sg_sandbox_plan_free(sg_sbx_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->ops[i].src);
		free(pl->ops[i].dst);
	}
	free(pl->ops);
	sg_strvec_free(&pl->ll_read);
	sg_strvec_free(&pl->ll_write);
	sg_strvec_free(&pl->ll_dev);
	memset(pl, 0, sizeof *pl);
}

void sg_sandbox_plan_print(const sg_sbx_plan *pl, sg_buf *out)
{
	static const char *const kinds[] = { "ro", "rw", "link", "tmpfs", "mask", "mask-dir", "pin", "socket" };
	for (size_t i = 0; i < pl->n; i++) {
		const sg_sbx_op *o = &pl->ops[i];
		sg_buf_printf(out, "mount     %-8s %s", kinds[o->kind], o->dst);
		if (o->kind == SG_OP_LINK)
			sg_buf_printf(out, " -> %s", o->src);
		sg_buf_addc(out, '\n');
	}
}

/* ---- execution (inside; no allocation) ------------------------------------------------ */

typedef struct xctx {
	const char *step, *path;
	char pathbuf[4096];	/* a copy: callers pass stack buffers */
} xctx;

static int fail(xctx *x, const char *step, const char *path)
{
	int e = errno ? errno : EINVAL;
	x->step = step;
	if (path) {
		snprintf(x->pathbuf, sizeof x->pathbuf, "%s", path);
		x->path = x->pathbuf;
	} else {
		x->path = NULL;
	}
	return -e;
}

static int mkdirs(char *p, mode_t mode)
{
	for (char *q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		int r = mkdir(p, mode);
		*q = '/';
		if (r < 0 && errno != EEXIST)
			return -1;
	}
	return mkdir(p, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/* Creates the mount point dst (a directory or an empty file). */
static int mountpoint(const char *dst, int dir)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", dst) >= (int)sizeof buf)
		return errno = ENAMETOOLONG, -1;
	if (dir)
		return mkdirs(buf, 0755);
	char *slash = strrchr(buf, '/');
	if (slash && slash != buf) {
		*slash = 0;
		if (mkdirs(buf, 0755) < 0)
			return -1;
		*slash = '/';
	}
	int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno != EEXIST && errno != EISDIR)
		return -1;
	if (fd >= 0)
		close(fd);
	return 0;
}

static int setattr(const char *path, unsigned long set, int recursive)
{
	struct mount_attr a = { .attr_set = set };
	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &a, sizeof a);
}

static int do_bind(xctx *x, const char *src, const char *dst, int rec, unsigned long attrs)
{
	char from[PATH_MAX];
	struct stat st;
	if (snprintf(from, sizeof from, OLD "%s", src) >= (int)sizeof from)
		return errno = ENAMETOOLONG, fail(x, "path", src);
	if (stat(from, &st) < 0)
		return fail(x, "stat", src);
	if (mountpoint(dst, S_ISDIR(st.st_mode)) < 0)
		return fail(x, "mkdir", dst);
	if (mount(from, dst, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
		return fail(x, "bind", dst);
	if (attrs && setattr(dst, attrs, rec) < 0)
		return fail(x, "mount_setattr", dst);
	return 0;
}

static int do_tmpfs(xctx *x, const char *dst, const char *opts, unsigned long flags)
{
	if (mountpoint(dst, 1) < 0)
		return fail(x, "mkdir", dst);
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | flags, opts) < 0)
		return fail(x, "tmpfs", dst);
	return 0;
}

static int do_op(xctx *x, const sg_sbx_op *o, unsigned tmp_mb)
{
	char opts[64];
	const unsigned long safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	switch (o->kind) {
	case SG_OP_RO: return do_bind(x, o->src, o->dst, 1, safe | MOUNT_ATTR_RDONLY);
	case SG_OP_RW: return do_bind(x, o->src, o->dst, 1, safe);
	case SG_OP_PIN: return do_bind(x, o->src, o->dst, 0, 0);
	case SG_OP_SOCK: return do_bind(x, o->src, o->dst, 0, safe | MOUNT_ATTR_NOEXEC);
	case SG_OP_MASK_FILE: return do_bind(x, "/dev/null", o->dst, 0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC);
	case SG_OP_MASK_DIR:
		return do_tmpfs(x, o->dst, "mode=0,size=4k,nr_inodes=1", MS_RDONLY | MS_NOEXEC);
	case SG_OP_TMPFS:
		snprintf(opts, sizeof opts, "mode=0700,size=%um", tmp_mb);
		if (!strcmp(o->dst, "/tmp"))
			snprintf(opts, sizeof opts, "mode=1777,size=%um", tmp_mb);
		return do_tmpfs(x, o->dst, opts, 0);
	case SG_OP_LINK:
		if (mountpoint(o->dst, 0) < 0 && errno != EEXIST)
			return fail(x, "mkdir", o->dst);
		(void)unlink(o->dst);
		if (symlink(o->src, o->dst) < 0 && errno != EEXIST)
			return fail(x, "symlink", o->dst);
		return 0;
	}
	return errno = EINVAL, fail(x, "op", o->dst);
}

static int setup_dev(xctx *x)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty", NULL };
	char dst[64], src[64];
	int r = do_tmpfs(x, "/dev", "mode=0755,size=64k,nr_inodes=64", MS_NOEXEC);
	if (r < 0)
		return r;
	for (size_t i = 0; nodes[i]; i++) {
		snprintf(dst, sizeof dst, "/dev/%s", nodes[i]);
		snprintf(src, sizeof src, OLD "/dev/%s", nodes[i]);
		if (mountpoint(dst, 0) < 0)
			return fail(x, "mknod", dst);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
			return fail(x, "bind", dst);
	}
	static const char *const links[][2] = { { "/proc/self/fd", "/dev/fd" }, { "/proc/self/fd/0", "/dev/stdin" },
						 { "/proc/self/fd/1", "/dev/stdout" },
						 { "/proc/self/fd/2", "/dev/stderr" }, { "pts/ptmx", "/dev/ptmx" } };
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			return fail(x, "symlink", links[i][1]);
	if (mkdir("/dev/pts", 0755) < 0 || mkdir("/dev/shm", 01777) < 0)
		return fail(x, "mkdir", "/dev");
	/* A private devpts instance: the host's terminals stay out of reach. */
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") < 0)
		return fail(x, "devpts", "/dev/pts");
	if ((r = do_tmpfs(x, "/dev/shm", "mode=1777,size=64m", MS_NOEXEC)) < 0)
		return r;
	if (setattr("/dev", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0) < 0)
		return fail(x, "mount_setattr", "/dev");
	return 0;
}

static int setup_proc(void)
{
	static const char *const ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus",
					  "/proc/fs", NULL };
	if (mkdir("/proc", 0555) < 0 && errno != EEXIST)
		return -1;
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -1;
	for (size_t i = 0; ro[i]; i++) {
		if (access(ro[i], F_OK) < 0)
			continue;
		if (mount(ro[i], ro[i], NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    setattr(ro[i], MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 1) < 0)
			return -1;
	}
	return 0;
}

/*
 * Hides the host root without paying for its unmount now: detaching the
 * host tree waits for an RCU grace period (about 4 ms here), which would
 * dominate exec's overhead. An empty, read-only, mode-0 tmpfs is mounted
 * over its parent so that no path reaches the host any more; an O_PATH
 * descriptor to the old root lets the caller detach the whole host tree
 * (cover included) later, in parallel with the command's start, via
 * /proc/self/fd. Without /proc the detach happens here, synchronously.
 */
static int hide_old_root(xctx *x, int proc_ok, int *old_fd)
{
	*old_fd = -1;
	if (proc_ok) {
		*old_fd = open(OLD, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (*old_fd < 0)
			return fail(x, "open", OLD);
		if (mount("tmpfs", OLD_PARENT, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "mode=0,size=4k,nr_inodes=1") < 0)
			return fail(x, "cover", OLD_PARENT);
		return 0;
	}
	if (umount2(OLD, MNT_DETACH) < 0)
		return fail(x, "detach", "host root");
	return 0;
}

int sg_sandbox_detach_old_root(int old_fd)
{
	char p[64];
	if (old_fd < 0)
		return 0;
	snprintf(p, sizeof p, "/proc/self/fd/%d", old_fd);
	int r = umount2(p, MNT_DETACH) < 0 ? -errno : 0;
	close(old_fd);
	return r;
}

int sg_sandbox_mount_tree(const sg_sbx_plan *pl, const char **step, const char **path, int *proc_ok,
			  int *old_fd)
{
	xctx x = { NULL, NULL };
	int r;
	*proc_ok = 0;
	errno = 0;
	/* Our mounts must not propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		r = fail(&x, "make-rslave", "/");
	else if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m,nr_inodes=4096") < 0)
		r = fail(&x, "tmpfs", "new root");
	else if (mkdir("/tmp" OLD_PARENT, 0700) < 0 || mkdir("/tmp" OLD, 0700) < 0 ||
		 syscall(SYS_pivot_root, "/tmp", "/tmp" OLD) < 0 || chdir("/") < 0)
		r = fail(&x, "pivot_root", "/tmp");
	else
		r = setup_dev(&x);
	if (r == 0)
		*proc_ok = setup_proc() == 0;
	/* /run is an empty directory of the read-only root: nothing in the
	 * sandbox writes there (Landlock grants no write beneath it), and the
	 * proxy socket's mount point is made below it. */
	if (r == 0 && mkdir("/run", 0755) < 0)
		r = fail(&x, "mkdir", "/run");
	for (size_t i = 0; r == 0 && i < pl->n; i++)
		r = do_op(&x, &pl->ops[i], pl->tmp_mb);
	*old_fd = -1;
	if (r == 0)
		r = hide_old_root(&x, *proc_ok, old_fd);
	if (r == 0 && setattr("/", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0) < 0)
		r = fail(&x, "mount_setattr", "/");
	*step = x.step;
	*path = x.path;
	return r;
}
