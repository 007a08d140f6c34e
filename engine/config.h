/*
 * config.h - the user's own settings file, $XDG_CONFIG_HOME/shellgate/config.json
 * (else ~/.config/shellgate/config.json). Settings that only the user may
 * choose live here, never in rule files a project could ship:
 *
 *   {"audit_log": PATH, "audit_max_bytes": N,
 *    "on_ask": "ask" | "sandbox", "sandbox_allowed": BOOL, "sandbox_profile": NAME}
 *
 * The file is refused when it is not a regular file, is writable by group or
 * others, or is larger than SG_USER_CONFIG_MAX. A refused file or a key with
 * an invalid value leaves that setting at its safe default (no log, asks stay
 * asks, nothing sandboxed), and the reason is kept for `--verbose`/doctor.
 */
#ifndef SG_CONFIG_H
#define SG_CONFIG_H

#include <limits.h>

#define SG_USER_CONFIG_MAX 65536
#define SG_PROFILE_NAME_MAX 64

typedef struct sg_user_config {
	char path[PATH_MAX];	/* the file looked at ("" when there is no home) */
	int found;		/* the file exists and was read */
	char audit_log[PATH_MAX];	/* "" = not set */
	unsigned long audit_max_bytes;	/* 0 = not set */
	int on_ask_sandbox;	/* -1 not set, 0 ask, 1 sandbox */
	int sandbox_allowed;	/* -1 not set, 0/1 */
	char sandbox_profile[SG_PROFILE_NAME_MAX];	/* "" = not set */
	char problem[PATH_MAX + 256];	/* why the file or a key was ignored, "" when fine */
} sg_user_config;

/* Reads the file once per process; later calls return the same result. */
const sg_user_config *sg_user_config_get(void);

#endif
