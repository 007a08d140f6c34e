/*
 * snapshot.h - a cached, memory-mapped copy of a loaded rule set.
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

#endif
