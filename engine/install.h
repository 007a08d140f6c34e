/*
 * install.h - registering shellgate with each client (install_clients.c),
 * driven by `shellgate install` and checked by `shellgate doctor`
 * (cli_install.c).
 *
 * Every registration runs a small fail-closed launcher instead of a bare
 * path: when shellgate is missing (a teammate who cloned a project whose
 * shared settings register it) or fails outside its own fail-closed paths
 * (killed, crashed before answering), the launcher blocks in the client's
 * language. A marker comment ("# shellgate-hook") identifies our entries,
 * so `--uninstall` removes exactly those.
 */
#ifndef SG_INSTALL_H
#define SG_INSTALL_H

#include "sg.h"

#define SG_INSTALL_MARKER "# shellgate-hook"
/* Seconds the client waits for the hook; shellgate's own alarm (5 s) fires first. */
#define SG_INSTALL_TIMEOUT 10
/* Claude Code release with "onFailure" verified (PROTOCOLS.md 1.8). */
#define SG_CLAUDE_ONFAILURE_MIN "2.1.330"

enum { SG_SCOPE_USER = 0, SG_SCOPE_PROJECT, SG_SCOPE_LOCAL };

typedef struct sg_install {
	const char *client;	/* claude kiro cursor gemini codex copilot */
	int scope;
	int dry_run, uninstall;
	const char *bin;	/* absolute path of the shellgate to register */
	const char *project;	/* project directory (project/local scopes) */
	const char *home;
	const char *settings;	/* --settings FILE: edit this file instead */
	int on_failure;		/* Claude: -1 auto (by version), 0 omit, 1 block */
	const char *claude_bin;	/* for the version check; NULL = from PATH */
	int no_allowlist;	/* do not write the native allow lists */
	const char *allow_list;	/* file with the everyday prefixes; NULL = built in */
	int changed, errors;
} sg_install;

/* Installs or uninstalls for one client; messages on stdout/stderr. 0 or -1. */
int sg_install_client(sg_install *in);
/* The launcher command for a client (heap string). */
char *sg_install_launcher(const char *client, const char *bin, int shared);
/* Registered hook commands of a client found in its files (for doctor):
 * calls fn(file, command) for each of ours. Returns the count. */
int sg_install_find(const char *client, const char *project, const char *home,
		    void (*fn)(const char *file, const char *cmd, void *ctx), void *ctx);

#endif
