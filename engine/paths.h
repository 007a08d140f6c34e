/*
 * paths.h - resolve path words against the command's cwd and home, and
 * classify them (ir.h SG_P_*).
 */
#ifndef SG_PATHS_H
#define SG_PATHS_H

#include "ir.h"
#include "rules.h"

/* Lexically normalised absolute path of p (~ and relative resolved against
 * home/cwd; "." and ".." folded), in arena A; NULL when p is relative and cwd
 * unknown. */
const char *sg_path_resolve(sg_arena *A, const char *p, const char *cwd, const char *home);

/* Classes of a word used as a path; cached on the word. `ir` supplies home
 * and project. Filesystem: realpath of the longest existing prefix. */
const sg_path *sg_path_of_word(const sg_ir *ir, const sg_ruleset *rs, sg_word *w);

/* Classes of a literal absolute or relative path (file tools). */
unsigned sg_path_classes(const sg_ir *ir, const sg_ruleset *rs, const char *path, const char *cwd);

/* glob with *, ?, [..] within a component and ** across '/' */
int sg_glob_match(const char *pat, const char *s);

/* Drops the classification caches tied to rs (called when rs is freed:
 * another rule set may later live at the same address). */
void sg_paths_forget(const sg_ruleset *rs);

/* Test hook: disable the filesystem lookups (realpath) for reproducible
 * example checks. */
void sg_paths_set_fs(int enabled);
/* lint: remember directories found to exist and not be symlinks, for the
 * rest of the process (never for hooks, check or batch) */
void sg_paths_memo_plain(int enabled);

/* 1 when the absolute path p is dir or lies below it (component-wise:
 * /a/bc is not within /a/b); every path is within "/". */
int sg_path_within(const char *p, const char *dir);

#endif
