/*
 * audit.h - optional JSON-lines log of hook decisions.
 *
 * Off by default; on with `hook --audit-log FILE`, $SHELLGATE_AUDIT_LOG, or
 * "audit_log" in $XDG_CONFIG_HOME/shellgate/config.json. One record is one
 * write(2) on an O_APPEND descriptor, so concurrent hooks never interleave
 * inside a line. The log is rotated by size (FILE -> FILE.1). Any failure
 * (disk full, permissions) is ignored: the log never changes an answer and
 * never makes a hook slower than one open+write+close.
 */
#ifndef SG_AUDIT_H
#define SG_AUDIT_H

typedef struct sg_audit_entry {
	const char *path;	/* NULL = from env/config; still NULL = off */
	const char *client, *event, *session, *cwd, *tool, *text, *decision, *rules, *error;
} sg_audit_entry;

/* Rotation threshold unless the configuration sets audit_max_bytes. */
#define SG_AUDIT_MAX_BYTES (10u << 20)
/* Command text kept per record. */
#define SG_AUDIT_MAX_TEXT 4096

void sg_audit_record(const sg_audit_entry *e);

#endif
