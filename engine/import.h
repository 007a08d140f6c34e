/*
 * import.h - the user's own permission lists, as extra rule layers
 * (issue 4 part 4): Claude Code `permissions` (import_claude.c) and Kiro
 * `toolsSettings.shell` (import_kiro.c). The engine applies them to the
 * IR, so chaining, flag order and wrappers do not bypass them.
 *
 * Trust: lists from the user's own files (and managed settings) are
 * imported whole; lists found inside a project (.claude/settings*.json,
 * .kiro/agents/ files) only as deny/ask, unless the user's shellgate file
 * lists the project in trusted_projects.
 */
#ifndef SG_IMPORT_H
#define SG_IMPORT_H

#include "engine.h"
#include "rules.h"

typedef struct sg_import_opts {
	const char *project;	/* project root (its .claude/, .kiro/) */
	const char *home;	/* NULL = $HOME */
	int claude;		/* import Claude Code permissions */
	int kiro;		/* import Kiro shell allowed/denied commands */
} sg_import_opts;

/* Adds one layer per settings file found (for sg_config.add_layers).
 * Problems go to log as "file:1:1: warning: ..." and never break the
 * engine: an unreadable foreign file is skipped. */
void sg_import_layers(sg_ruleset *rs, const sg_import_opts *io, sg_buf *log);

/* Appends the rule file text (JSON, format 1) that the lists of one client
 * translate to, with a comment per source file; trusted = whether the
 * project's lists keep their allow entries. Returns rules written. */
int sg_import_claude_text(const sg_import_opts *io, int trusted_project, sg_buf *out, sg_buf *log);
int sg_import_kiro_text(const sg_import_opts *io, int trusted_project, sg_buf *out, sg_buf *log);

/* 1 when one of the user's Claude `ask` or `deny` rules matches the call
 * as Claude itself would match it (on the text): a PermissionRequest is
 * then left to the prompt, whatever the policy says. */
/* The identity (path, size, mtime, ctime, inode) of every file the layers
 * would read, for the engine's snapshot key; returns the number of files
 * that exist (0: nothing to import, no layer needed). */
int sg_import_key(const sg_import_opts *io, sg_buf *key);

int sg_import_claude_prompts(const char *project, const char *tool, const char *text);

#endif
