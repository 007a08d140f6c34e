/*
 * snapshot.h - a cached, memory-mapped copy of a loaded rule set, and the
 * smaller keyed caches beside it (exec's resolved profile and seccomp
 * filter), all in one private directory under the same trust checks.
 */
#ifndef SG_SNAPSHOT_H
#define SG_SNAPSHOT_H

#include "engine.h"
#include "rules.h"

/* Where rule-set regions are mapped (a free spot in the user half of a
 * 47-bit address space); and how much address space one may use. */
#define SG_SNAPSHOT_BASE ((void *)0x5e5a00000000ULL)
#define SG_SNAPSHOT_REGION (256u << 20)

/* 0 and *key set, or -1 when no snapshot may be used for this configuration. */
int sg_snapshot_key(const sg_config *cfg, const char *builtin_dir, const char *user_file, uint64_t *key);
/* Maps the snapshot for key into *rs (and *region); appends the load
 * warnings it recorded to log. 0 loaded, -1 not available. */
int sg_snapshot_load(uint64_t key, sg_ruleset *rs, sg_region **region, sg_buf *log);
/* Writes rs (loaded into region) for key; silent on any failure. */
void sg_snapshot_save(uint64_t key, sg_ruleset *rs, sg_region *region, const sg_buf *log);

/* ---- keyed blobs ------------------------------------------------------------ */

/* Largest blob accepted (a resolved profile is a few KiB, a filter 2-3 KiB). */
#define SG_CACHE_BLOB_MAX (1u << 20)

/* The cache directory ($XDG_CACHE_HOME/shellgate or ~/.cache/shellgate);
 * 0, or -1 when neither variable gives an absolute path. */
int sg_cache_dir(char *buf, size_t n);
/* Starts a key from tag (what is cached and its layout version) and this
 * executable's identity; -1 when caching is off (SHELLGATE_NO_SNAPSHOT) or
 * the executable cannot be named. Then mix in everything the cached value
 * depends on: strings, files (path and identity: device, inode, size, mode,
 * owner, mtime, ctime; an absent file counts) and rule directories (the
 * directory and each *.json file in it). */
int sg_cache_key_init(const char *tag, uint64_t *key);
uint64_t sg_cache_key_str(uint64_t key, const char *s);
uint64_t sg_cache_key_file(uint64_t key, const char *path);
uint64_t sg_cache_key_dir(uint64_t key, const char *dir);
/* Reads KIND-KEY.bin: only from a private directory and a private regular
 * file of ours (not a symlink) whose header names this key and whose
 * checksum matches. 0 with *data (heap, the caller frees) and *len, or -1. */
int sg_cache_blob_load(const char *kind, uint64_t key, char **data, size_t *len);
/* Writes it atomically (private file, private directory created if
 * needed); silent on any failure: the cache is only ever an optimisation. */
void sg_cache_blob_save(const char *kind, uint64_t key, const void *data, size_t len);

#endif
