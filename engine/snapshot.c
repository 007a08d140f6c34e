/*
 * snapshot.c - cache of a loaded rule set, so that a hook (a fresh process
 * per command) does not parse every JSON pack each time.
 *
 * The rule set is loaded into one region mapped at a fixed address (util.c
 * sg_region). After a clean load the region is written to
 * $XDG_CACHE_HOME/shellgate/snap-KEY.bin; the next process with the same KEY
 * maps the file back at the same address (MAP_PRIVATE), so every internal
 * pointer is valid without fix-ups.
 *
 * KEY covers everything the load depends on: the executable (device, inode,
 * size, mtime, ctime), every rule file of every layer (path and the same
 * identity), the built-in directory itself, the configuration flags, and the
 * caller's key for generated layers. Any mismatch, a file not owned by us or
 * writable by others, a short file, or the address not being free: the
 * snapshot is ignored and the rules are parsed as usual. A snapshot is only
 * written after a load without errors. SHELLGATE_NO_SNAPSHOT=1 disables it.
 *
 * INVARIANT: a snapshot never changes a decision: it holds exactly what the
 * parse produced, and for each PCRE2 pattern the code pcre2_compile made of
 * its text (pcre2_serialize_encode; decoded on first use per process). The
 * per-process pattern state (rs->pat_rt) is on the heap, never in the file,
 * so the mapping is only read.
 *
 * Beside the snapshots, the same directory holds keyed blobs for exec
 * (sg_cache_blob_*: the resolved profile, the compiled seccomp filter):
 * KIND-KEY.bin, a header (magic, key, length, hash of header and bytes)
 * then the bytes. Their keys start from a tag naming the kind and its
 * layout version, mixed with the blob magic and this executable's
 * identity, then whatever the caller's value depends on; a blob is read
 * under the same trust checks as a snapshot (private directory, private
 * regular file of ours, not a symlink) and only when header and hash
 * match. The sandbox never shows this directory (mount_linux.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snapshot.h"

#define SNAP_MAGIC "SGSNAP03"
/* Keyed blobs (sg_cache_blob_*): a new layout gets a new magic, which is
 * also mixed into every blob key, so old files are never read. */
#define BLOB_MAGIC "SGBLOB01"
#define SNAP_HDR 4096			/* the region starts page-aligned in the file */
#define SNAP_MAX_AGE (7 * 24 * 3600)	/* older snapshots are removed when one is saved */

typedef struct snap_hdr {
	char magic[8];
	uint64_t key;
	uint64_t base, used;		/* region address and bytes */
	uint64_t rs_off;		/* offset of the sg_ruleset copy in the region */
	uint64_t log_off, log_len;	/* load warnings, replayed on every load */
	uint64_t sizeof_rs;
	uint64_t check;			/* hash of the fields above */
} snap_hdr;

/* ---- key ------------------------------------------------------------------ */

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
	if (!s)
		s = "(null)";
	return mix(h, s, strlen(s) + 1);
}

/* identity of a file: absent files count too (creating one changes the key) */
static uint64_t mix_file(uint64_t h, const char *path)
{
	struct stat st;
	h = mix_str(h, path);
	if (!path || stat(path, &st) < 0) {
		int e = errno;
		return mix(h, &e, sizeof e);
	}
	uint64_t v[8] = { (uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
			  (uint64_t)st.st_mode, (uint64_t)st.st_uid,
#ifdef __APPLE__
			  (uint64_t)st.st_mtimespec.tv_sec * 1000000000ULL + (uint64_t)st.st_mtimespec.tv_nsec,
			  (uint64_t)st.st_ctimespec.tv_sec * 1000000000ULL + (uint64_t)st.st_ctimespec.tv_nsec,
#else
			  (uint64_t)st.st_mtim.tv_sec * 1000000000ULL + (uint64_t)st.st_mtim.tv_nsec,
			  (uint64_t)st.st_ctim.tv_sec * 1000000000ULL + (uint64_t)st.st_ctim.tv_nsec,
#endif
			  0 };
	return mix(h, v, sizeof v);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint64_t mix_dir(uint64_t h, const char *dir)
{
	h = mix_file(h, dir);
	DIR *d = opendir(dir);
	if (!d)
		return h;
	char *names[512] = { 0 };
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 512) {
		size_t l = strlen(e->d_name);
		if (l > 5 && !strcmp(e->d_name + l - 5, ".json") && e->d_name[0] != '.')
			names[n++] = sg_xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmpstr);
	for (size_t i = 0; i < n; i++) {
		char p[PATH_MAX + 256];
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		h = mix_file(h, p);
		free(names[i]);
	}
	return h;
}

int sg_snapshot_key(const sg_config *cfg, const char *builtin_dir, const char *user_file, uint64_t *key)
{
	const char *off = getenv("SHELLGATE_NO_SNAPSHOT");
	if (off && *off && strcmp(off, "0"))
		return -1;
	if (cfg->add_layers && !cfg->add_layers_key)
		return -1;	/* generated layers whose inputs we cannot name */
	char exe[PATH_MAX];
	if (!sg_self_exe(exe, sizeof exe))
		return -1;
	uint64_t h = 0xcbf29ce484222325ULL;
	h = mix_str(h, SNAP_MAGIC);
	h = mix_file(h, exe);
	int flags[3] = { cfg->no_builtin, cfg->no_user, cfg->project != NULL };
	h = mix(h, flags, sizeof flags);
	if (!cfg->no_builtin)
		h = mix_dir(h, builtin_dir);
	if (!cfg->no_user) {
		h = mix_file(h, user_file);
		if (cfg->project) {
			char pf[PATH_MAX], rp[PATH_MAX];
			snprintf(pf, sizeof pf, "%s/.shellgate/rules.json", cfg->project);
			h = mix_str(h, realpath(cfg->project, rp) ? rp : cfg->project);
			h = mix_file(h, pf);
		}
	}
	for (size_t i = 0; i < cfg->nextra; i++)
		h = mix_file(h, cfg->extra_files[i]);
	h = mix_str(h, cfg->add_layers ? cfg->add_layers_key : "");
	*key = h;
	return 0;
}

/* ---- files ---------------------------------------------------------------- */

int sg_cache_dir(char *buf, size_t n)
{
	const char *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");
	int r;
	if (x && x[0] == '/')
		r = snprintf(buf, n, "%s/shellgate", x);
	else if (h && h[0] == '/')
		r = snprintf(buf, n, "%s/.cache/shellgate", h);
	else
		return -1;
	return r > 0 && (size_t)r < n ? 0 : -1;
}

/* the directory and file must be ours and private (doas-style trust) */
static int private_ok(const struct stat *st, int dir)
{
	if (st->st_uid != getuid())
		return 0;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return 0;
	return dir ? S_ISDIR(st->st_mode) : S_ISREG(st->st_mode);
}

static uint64_t hdr_check(const snap_hdr *h)
{
	snap_hdr c = *h;
	c.check = 0;
	return mix(0x84222325cbf29ce4ULL, &c, sizeof c);
}

/* Opens DIR/KIND-KEY.bin for reading when the cache directory and the
 * file pass the trust checks (ours, private, a regular file, not a
 * symlink); *st is the file's. -1 otherwise. */
static int open_cached(const char *kind, uint64_t key, struct stat *st)
{
	char dir[PATH_MAX - 64], path[PATH_MAX];
	if (sg_cache_dir(dir, sizeof dir) < 0 || stat(dir, st) < 0 || !private_ok(st, 1))
		return -1;
	snprintf(path, sizeof path, "%s/%s-%016llx.bin", dir, kind, (unsigned long long)key);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && (fstat(fd, st) < 0 || !private_ok(st, 0))) {
		close(fd);
		return -1;
	}
	return fd;
}

int sg_snapshot_load(uint64_t key, sg_ruleset *rs, sg_region **region, sg_buf *log)
{
	struct stat st;
	int fd = open_cached("snap", key, &st);
	if (fd < 0)
		return -1;
	snap_hdr h;
	if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h ||
	    memcmp(h.magic, SNAP_MAGIC, 8) || h.key != key || h.check != hdr_check(&h) ||
	    h.sizeof_rs != sizeof(sg_ruleset) || h.rs_off + sizeof(sg_ruleset) > h.used ||
	    h.log_off + h.log_len > h.used || (uint64_t)st.st_size != SNAP_HDR + h.used) {
		close(fd);
		return -1;
	}
	void *p = mmap((void *)(uintptr_t)h.base, h.used, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, SNAP_HDR);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	if ((uintptr_t)p != h.base) {
		munmap(p, h.used);
		return -1;	/* the address is taken in this process: parse instead */
	}
	sg_region *r = sg_xcalloc(1, sizeof *r);
	r->base = p;
	r->size = h.used;
	r->used = h.used;
	r->fd_backed = 1;
	memcpy(rs, (char *)p + h.rs_off, sizeof *rs);
	rs->arena.region = r;
	/* per-process heap state of the writer, never valid here */
	rs->pat_rt = NULL;
	rs->npat_rt = 0;
	rs->gate_md = rs->gate_mc = NULL;
	memset(&rs->ids, 0, sizeof rs->ids);
	memset(&rs->pat_texts, 0, sizeof rs->pat_texts);
	if (log && h.log_len)
		sg_buf_add(log, (char *)p + h.log_off, h.log_len);
	*region = r;
	return 0;
}

static void cleanup_old(const char *dir, const char *prefix, const char *keep)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	time_t now = time(NULL);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) || !strcmp(e->d_name, keep))
			continue;
		char p[PATH_MAX + 256];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) && now - st.st_mtime > SNAP_MAX_AGE)
			unlink(p);
	}
	closedir(d);
}

/* mkdir -p of the cache directory, private; 0 when it is usable. */
static int private_dir(char *dir)
{
	struct stat st;
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		(void)mkdir(dir, 0700);
		*slash = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	return stat(dir, &st) == 0 && private_ok(&st, 1) ? 0 : -1;
}

/* Writes head then body to DIR/KIND-KEY.bin through a private temporary
 * file and a rename, so that a reader sees the old file or the whole new
 * one; removes old files of the same kind. Silent on failure. */
static void save_file(const char *dir, const char *kind, uint64_t key, const void *head, size_t hlen,
		      const void *body, size_t blen)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s-%016llx.bin", dir, kind, (unsigned long long)key);
	snprintf(tmp, sizeof tmp, "%s/.tmp-%s-%016llx-%ld", dir, kind, (unsigned long long)key, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	int ok = sg_write_all(fd, head, hlen) == 0 && sg_write_all(fd, body, blen) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return;
	}
	char prefix[64];
	snprintf(prefix, sizeof prefix, "%s-", kind);
	cleanup_old(dir, prefix, strrchr(path, '/') + 1);
}

void sg_snapshot_save(uint64_t key, sg_ruleset *rs, sg_region *region, const sg_buf *log)
{
	char dir[PATH_MAX - 64];
	if (!region || region->fd_backed || rs->broken || sg_cache_dir(dir, sizeof dir) < 0 || private_dir(dir) < 0)
		return;
	/* the copy of the rule-set header and the log go into the region too */
	sg_match_serialize_all(rs);
	sg_ruleset *copy = sg_arena_try_alloc(&rs->arena, sizeof *copy);
	char *logc = log && log->len ? sg_arena_try_alloc(&rs->arena, log->len) : NULL;
	if (!copy || (log && log->len && !logc))
		return;
	memcpy(copy, rs, sizeof *copy);
	if (logc)
		memcpy(logc, log->data, log->len);
	snap_hdr h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, SNAP_MAGIC, 8);
	h.key = key;
	h.base = (uint64_t)(uintptr_t)region->base;
	h.used = region->used;
	h.rs_off = (uint64_t)((char *)copy - region->base);
	h.log_off = logc ? (uint64_t)(logc - region->base) : 0;
	h.log_len = logc ? log->len : 0;
	h.sizeof_rs = sizeof(sg_ruleset);
	h.check = hdr_check(&h);
	char page[SNAP_HDR];
	memset(page, 0, sizeof page);
	memcpy(page, &h, sizeof h);
	save_file(dir, "snap", key, page, sizeof page, region->base, region->used);
}

/* ---- keyed blobs ------------------------------------------------------------ */

typedef struct blob_hdr {
	char magic[8];
	uint64_t key;
	uint64_t len;			/* bytes after the header */
	uint64_t check;			/* hash of the fields above and of the bytes */
} blob_hdr;

static uint64_t blob_check(const blob_hdr *h, const void *data)
{
	blob_hdr c = *h;
	c.check = 0;
	return mix(mix(0x84222325cbf29ce4ULL, &c, sizeof c), data, (size_t)h->len);
}

int sg_cache_key_init(const char *tag, uint64_t *key)
{
	const char *off = getenv("SHELLGATE_NO_SNAPSHOT");
	char exe[PATH_MAX];
	if ((off && *off && strcmp(off, "0")) || !sg_self_exe(exe, sizeof exe))
		return -1;
	*key = mix_file(mix_str(mix_str(0xcbf29ce484222325ULL, BLOB_MAGIC), tag), exe);
	return 0;
}

uint64_t sg_cache_key_str(uint64_t key, const char *s)
{
	return mix_str(key, s);
}

uint64_t sg_cache_key_file(uint64_t key, const char *path)
{
	return mix_file(key, path);
}

uint64_t sg_cache_key_dir(uint64_t key, const char *dir)
{
	return mix_dir(key, dir);
}

int sg_cache_blob_load(const char *kind, uint64_t key, char **data, size_t *len)
{
	struct stat st;
	blob_hdr h;
	*data = NULL;
	*len = 0;
	int fd = open_cached(kind, key, &st);
	if (fd < 0)
		return -1;
	char *buf = NULL;
	int ok = st.st_size >= (off_t)sizeof h && (uint64_t)st.st_size - sizeof h <= SG_CACHE_BLOB_MAX;
	if (ok) {
		buf = sg_xmalloc((size_t)st.st_size);
		ok = sg_read_full(fd, buf, (size_t)st.st_size) == 0;
	}
	close(fd);
	if (ok) {
		memcpy(&h, buf, sizeof h);
		ok = !memcmp(h.magic, BLOB_MAGIC, 8) && h.key == key && h.len == (uint64_t)st.st_size - sizeof h &&
		     h.check == blob_check(&h, buf + sizeof h);
	}
	if (!ok) {
		free(buf);
		return -1;
	}
	memmove(buf, buf + sizeof h, (size_t)h.len);
	*data = buf;
	*len = (size_t)h.len;
	return 0;
}

void sg_cache_blob_save(const char *kind, uint64_t key, const void *data, size_t len)
{
	char dir[PATH_MAX - 64];
	if (len > SG_CACHE_BLOB_MAX || sg_cache_dir(dir, sizeof dir) < 0 || private_dir(dir) < 0)
		return;
	blob_hdr h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, BLOB_MAGIC, 8);
	h.key = key;
	h.len = len;
	h.check = blob_check(&h, data);
	save_file(dir, kind, key, &h, sizeof h, data, len);
}
