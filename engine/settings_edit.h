/*
 * settings_edit.h - edit a client's JSON settings file in place: read,
 * change with cJSON, write back atomically with a backup; or, for a dry
 * run, print the diff. Files with comments (JSONC) are never rewritten,
 * since cJSON would drop the comments: the caller prints the snippet.
 */
#ifndef SG_SETTINGS_EDIT_H
#define SG_SETTINGS_EDIT_H

#include <cjson/cJSON.h>

#include "sg.h"

typedef struct sg_settings {
	const char *path;
	char *text;		/* the file as read (heap), NULL when absent */
	size_t len;
	cJSON *root;		/* parsed (an empty object when absent) */
	int exists;
	int jsonc;		/* has comments: do not rewrite */
	char indent[16];	/* the file's indentation unit ("  " by default) */
} sg_settings;

/* 0, or -1 with *why (unreadable, not a JSON object, too large). */
int sg_settings_load(sg_settings *s, const char *path, const char **why);
void sg_settings_free(sg_settings *s);
/* The new text for s->root, formatted with the file's indentation. */
void sg_settings_render(const sg_settings *s, sg_buf *out);
/* Any JSON value, formatted like a settings file (2-space indent). */
void sg_json_render(const cJSON *j, sg_buf *out);
/* Writes the new text: dry_run prints a unified diff on stdout instead.
 * Otherwise backs up the old file to PATH.shellgate-bak, writes PATH.tmp,
 * fsyncs and renames over PATH (keeping its mode; 0644/0600 when new).
 * Returns 1 written (or would be), 0 unchanged, -1 error (*why). */
int sg_settings_save(sg_settings *s, int dry_run, const char **why);
/* Same for a file that belongs to shellgate entirely (new text given). */
int sg_file_save(const char *path, const char *text, int dry_run, int mode, const char **why);

#endif
