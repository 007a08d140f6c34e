/*
 * seatbelt.c - the macOS sandbox profile (SBPL, run by `sandbox-exec -f`),
 * generated from the same profile data as the Linux launcher. Portable C:
 * compiled and golden-tested everywhere, executed only on macOS.
 *
 * SBPL is a Scheme dialect that Apple does not document publicly. Each
 * construct used below names where its meaning can be checked (docs/SANDBOX.md
 * repeats the table):
 *   [APPLE]    the system's own profiles, /System/Library/Sandbox/Profiles (*.sb)
 *              and /usr/share/sandbox (*.sb) on any Mac (bsd.sb, system.sb)
 *   [GUIDE]    "Apple Sandbox Guide v1.0" (fG!, 2011): operations, filters,
 *              require-all/require-not, regex literals
 *   [CHROME]   Chromium's sandbox/policy/mac (common.sb, renderer.sb)
 *   [CODEX]    OpenAI Codex CLI's seatbelt base policy (codex-rs/core, seatbelt_base_policy.sbpl)
 *   [SRT]      Anthropic's sandbox-runtime macOS profile generator
 *
 * INVARIANTS
 *  - (deny default) first: anything not allowed below is denied.
 *  - Writes are allowed only beneath the project (unless read-only), the
 *    profile's write set and the temporary directories; protected entries
 *    and masks are carved out of the same rule with require-not, so no
 *    reliance on rule order.
 *  - Every path is emitted as an escaped string or regex literal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

/* Appends s as an SBPL string literal: "..." with \ and " escaped. */
static void sb_str(sg_buf *o, const char *s)
{
	sg_buf_addc(o, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sg_buf_addc(o, '\\');
		sg_buf_addc(o, *s);
	}
	sg_buf_addc(o, '"');
}

/* Appends s escaped for a POSIX ERE inside an SBPL #"..." literal. */
static void re_lit(sg_buf *o, const char *s)
{
	for (; *s; s++) {
		if (strchr(".[]()*+?{}|^$\\", *s))
			sg_buf_addc(o, '\\');
		if (*s == '"')
			sg_buf_addc(o, '\\');
		sg_buf_addc(o, *s);
	}
}

/* A file-name glob (*, ?) as a regex fragment matching one component. */
static void re_glob(sg_buf *o, const char *g)
{
	for (; *g; g++) {
		if (*g == '*')
			sg_buf_adds(o, "[^/]*");
		else if (*g == '?')
			sg_buf_adds(o, "[^/]");
		else {
			char one[2] = { *g, 0 };
			re_lit(o, one);
		}
	}
}

static int is_glob_mask(const char *m)
{
	return m[0] != '/' && m[0] != '~' && !strchr(m, '/');
}

/* (require-not ...) filters for the protected and masked entries under dir. */
static void carve(sg_buf *o, const sg_sandbox_spec *s, const sg_strvec *l, int globs, const char *dir)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *m = l->v[i];
		if (globs && is_glob_mask(m)) {
			/* [GUIDE] regex filter: #"..." is a POSIX extended regex */
			sg_buf_adds(o, "\n    (require-not (regex #\"^");
			re_lit(o, dir);
			sg_buf_adds(o, "/(.*/)?");
			re_glob(o, m);
			sg_buf_adds(o, "$\"))");
			continue;
		}
		char *e = sg_sandbox_expand(m, s->home, s->project);
		size_t dl = strlen(dir);
		if (e && !strncmp(e, dir, dl) && (e[dl] == '/' || e[dl] == 0)) {
			/* [GUIDE] subpath: the path and everything beneath it */
			sg_buf_adds(o, "\n    (require-not (subpath ");
			sb_str(o, e);
			sg_buf_adds(o, "))");
		}
		free(e);
	}
}

static void header(sg_buf *o, const sg_sandbox_spec *s)
{
	sg_buf_printf(o, ";; shellgate exec: profile %s (generated; do not edit)\n", s->prof->name);
	/* [APPLE] every system profile starts with (version 1) */
	sg_buf_adds(o, "(version 1)\n");
	/* [APPLE][CHROME] deny by default; allow rules below open what is needed */
	sg_buf_adds(o, "(deny default)\n");
	/* [CODEX][CHROME] run programs, fork, and signal only inside the sandbox */
	sg_buf_adds(o, "(allow process-exec)\n(allow process-fork)\n");
	sg_buf_adds(o, "(allow signal (target same-sandbox))\n");
	sg_buf_adds(o, "(allow process-info* (target same-sandbox))\n");
	/* [CODEX] sysctl reads: hw.ncpu, kern.osversion ... used by every runtime */
	sg_buf_adds(o, "(allow sysctl-read)\n");
	/* [CODEX][SRT] POSIX shared memory and semaphores (Python multiprocessing) */
	sg_buf_adds(o, "(allow ipc-posix-sem)\n(allow ipc-posix-shm)\n");
	/* [APPLE] user preferences read by libc and CoreFoundation */
	sg_buf_adds(o, "(allow user-preference-read)\n");
	/* [CHROME][CODEX] the mach services a command-line tool needs: user and
	 * group lookups, logging, notifications, TLS trust evaluation */
	sg_buf_adds(o, "(allow mach-lookup\n"
		       "  (global-name \"com.apple.system.opendirectoryd.libinfo\")\n"
		       "  (global-name \"com.apple.system.logger\")\n"
		       "  (global-name \"com.apple.system.notification_center\")\n"
		       "  (global-name \"com.apple.logd\")\n"
		       "  (global-name \"com.apple.trustd.agent\")\n"
		       "  (global-name \"com.apple.SecurityServer\"))\n");
}

static void reads(sg_buf *o, const sg_sandbox_spec *s)
{
	const sg_profile *p = s->prof;
	/* [CODEX] metadata (stat, realpath) anywhere: tools walk up parents */
	sg_buf_adds(o, "(allow file-read-metadata)\n");
	/* [GUIDE] file-read* covers data, xattrs and directory listings */
	sg_buf_adds(o, "(allow file-read*\n  (literal \"/\")");
	/* macOS keeps /etc, /tmp and /var under /private */
	static const char *const sys[] = { "/System", "/Library", "/private/etc", "/private/var/db/timezone",
					   "/usr", "/bin", "/sbin", "/opt/homebrew", "/Applications/Xcode.app",
					   "/Library/Developer/CommandLineTools", NULL };
	for (size_t i = 0; sys[i]; i++) {
		sg_buf_adds(o, "\n  (subpath ");
		sb_str(o, sys[i]);
		sg_buf_addc(o, ')');
	}
	for (size_t i = 0; i < p->read.n; i++) {
		char *e = sg_sandbox_expand(p->read.v[i], s->home, s->project);
		int dup = 0;
		for (size_t k = 0; e && sys[k]; k++)
			dup |= !strcmp(e, sys[k]);
		/* Linux-only system paths have no meaning on macOS. */
		if (e && !dup && strncmp(e, "/lib", 4) && strncmp(e, "/var/", 5) && strcmp(e, "/etc")) {
			sg_buf_adds(o, "\n  (subpath ");
			sb_str(o, e);
			sg_buf_addc(o, ')');
		}
		free(e);
	}
	sg_buf_adds(o, ")\n");
	/* The project: readable except masked files ([GUIDE] require-all/require-not). */
	sg_buf_adds(o, "(allow file-read*\n  (require-all (subpath ");
	sb_str(o, s->project);
	sg_buf_addc(o, ')');
	carve(o, s, &p->mask, 1, s->project);
	sg_buf_adds(o, "))\n");
}

static void writes(sg_buf *o, const sg_sandbox_spec *s)
{
	const sg_profile *p = s->prof;
	if (p->project_rw) {
		/* [CODEX] the writable root with its protected entries carved out */
		sg_buf_adds(o, "(allow file-write*\n  (require-all (subpath ");
		sb_str(o, s->project);
		sg_buf_addc(o, ')');
		carve(o, s, &p->readonly, 0, s->project);
		carve(o, s, &p->mask, 1, s->project);
		sg_buf_adds(o, "))\n");
	}
	/* Temporary directories: /tmp is shared on macOS (no mount namespace);
	 * $TMPDIR lives in /private/var/folders, per user. */
	sg_buf_adds(o, "(allow file-read* file-write*\n  (subpath \"/private/tmp\")\n  (subpath \"/private/var/folders\")");
	for (size_t i = 0; i < p->write.n; i++) {
		char *e = sg_sandbox_expand(p->write.v[i], s->home, s->project);
		if (e) {
			sg_buf_adds(o, "\n  (subpath ");
			sb_str(o, e);
			sg_buf_addc(o, ')');
		}
		free(e);
	}
	sg_buf_adds(o, ")\n");
	/* [APPLE] bsd.sb: the harmless device nodes; terminals for interactive use */
	sg_buf_adds(o, "(allow file-read* file-write*\n  (literal \"/dev/null\")\n  (literal \"/dev/zero\")\n"
		       "  (literal \"/dev/tty\")\n  (regex #\"^/dev/ttys[0-9]+$\"))\n");
	sg_buf_adds(o, "(allow file-read*\n  (literal \"/dev/random\")\n  (literal \"/dev/urandom\")\n"
		       "  (literal \"/dev/dtracehelper\"))\n");
	/* [CODEX] terminal ioctls on the tty the command was given */
	sg_buf_adds(o, "(allow file-ioctl (literal \"/dev/tty\") (regex #\"^/dev/ttys[0-9]+$\"))\n");
}

static void network(sg_buf *o, const sg_sandbox_spec *s, int proxy_port)
{
	switch (s->net) {
	case SG_NET_HOST:
		sg_buf_adds(o, ";; --net host: no network isolation\n(allow network*)\n");
		/* [CODEX] DNS through mDNSResponder needs its mach service */
		sg_buf_adds(o, "(allow mach-lookup (global-name \"com.apple.dnssd.service\"))\n");
		break;
	case SG_NET_ALLOW:
		/* [GUIDE][SRT] remote ip filter: only the allowlist proxy on loopback */
		sg_buf_printf(o, ";; --net allow: only the shellgate proxy\n"
				 "(allow network-outbound (remote ip \"localhost:%d\"))\n", proxy_port);
		break;
	case SG_NET_NONE:
		/* No namespaces on macOS: even loopback would reach the host's own
		 * services, so nothing is allowed; (deny default) covers network*. */
		sg_buf_adds(o, ";; --net none: no network, loopback included\n");
		break;
	}
}

int sg_seatbelt_profile(const sg_sandbox_spec *s, sg_buf *out)
{
	return sg_seatbelt_profile_port(s, 0, out);
}

int sg_seatbelt_profile_port(const sg_sandbox_spec *s, int proxy_port, sg_buf *out)
{
	if (!s->project || s->project[0] != '/' || strchr(s->project, '\n'))
		return -1;
	header(out, s);
	reads(out, s);
	writes(out, s);
	network(out, s, proxy_port);
	return 0;
}
