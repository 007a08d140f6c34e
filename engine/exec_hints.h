/*
 * exec_hints.h - `shellgate exec --hints`: when a command that the hook
 * rewrote into the sandbox fails, and its error output shows that it hit the
 * sandbox's boundary (no network, a read-only or hidden path), say so on
 * stderr in words meant for the agent: ask the user rather than work around
 * the sandbox.
 *
 * The command's stderr goes through a pipe to a small relay process that
 * copies every byte to the real stderr unchanged and scans it; the relay's
 * exit status carries what it saw. Nothing is buffered or dropped: the
 * relay writes each chunk as it reads it.
 */
#ifndef SG_EXEC_HINTS_H
#define SG_EXEC_HINTS_H

#include <stddef.h>
#include <sys/types.h>

enum {
	SG_HINT_NET = 1u << 0,		/* name resolution or connection failed */
	SG_HINT_WRITE = 1u << 1,	/* read-only file system / permission denied */
	SG_HINT_DENIED = 1u << 2,	/* "Operation not permitted" (seccomp, no capabilities) */
	SG_HINT_HIDDEN = 1u << 3,	/* "No such file or directory" for a path that exists outside */
};

/* exec's own "could not set up" status: shellgate has already said why. */
#define SG_HINT_EXIT_SETUP 125

/* Longest pattern; the scanner keeps this many bytes across chunks. */
#define SG_HINT_MAX_PATTERN 48

/* Bytes of one stderr line kept for the "No such file or directory" check
 * (the relay still passes longer lines through whole). */
#define SG_HINT_MAX_LINE 1024

typedef struct sg_hint_scan {
	char tail[SG_HINT_MAX_PATTERN];
	size_t ntail;
	unsigned seen;
	char line[SG_HINT_MAX_LINE];
	size_t nline;
	/* For a line saying "No such file or directory": called with each
	 * absolute path in it; returns 1 when that path is hidden by the
	 * sandbox (it, or its directory, exists outside). NULL: not checked. */
	int (*hidden)(const char *path, void *ctx);
	void *ctx;
} sg_hint_scan;

/* The relay's check: path is outside project and exists on the host, or
 * its directory exists there and is writable (a new file the sandbox did
 * not let the command create). */
int sg_hint_path_hidden(const char *path, void *project);

/* Feeds n bytes; returns the SG_HINT_* bits seen so far (also in st->seen). */
unsigned sg_hint_scan_feed(sg_hint_scan *st, const char *buf, size_t n);

/* The message for bits seen when the command exited with status; "" when
 * there is nothing to say (success, or nothing recognised). */
void sg_hint_message(unsigned seen, int status, const char *project, char *out, size_t cap);

typedef struct sg_hints {
	int active;
	int saved_err;	/* the real stderr */
	pid_t relay;
} sg_hints;

/* Routes fd 2 through the relay. 0, or -1 with nothing changed (then the
 * command runs with its stderr untouched, and no hint is given). */
int sg_hints_start(sg_hints *h, const char *project);
/* Restores fd 2, reaps the relay, and prints the hint for status. */
void sg_hints_finish(sg_hints *h, int status, const char *project);

#endif
