/*
 * sandbox.h - the sandbox launcher's one interface: profiles (profile.c),
 * the platform launcher (sandbox_linux.c, sandbox_darwin.c, sandbox_other.c),
 * the portable helpers every platform shares (sandbox_common.c), the Seatbelt
 * generator (seatbelt.c) and the network allowlist proxy (netproxy.c).
 *
 * INVARIANTS (every file implementing this header MUST keep them):
 *  - Never run the command unconfined because setup failed. A layer that is
 *    missing is named on stderr; --require-all makes it fatal; losing every
 *    filesystem confinement layer is always fatal.
 *  - Exit statuses follow env(1)/timeout(1): SG_SBX_EXIT_SETUP (125) for
 *    shellgate's own errors, 126 when the command cannot be executed, 127
 *    when it is not found, 128+N when it died of signal N, its own status
 *    otherwise.
 *  - No helper process outlives `shellgate exec`.
 */
#ifndef SG_SANDBOX_H
#define SG_SANDBOX_H

#include <stddef.h>

#include "sg.h"

/* ---- limits ----------------------------------------------------------------- */

/* Entries in one list of a profile (read, write, mask, env, domains): rule
 * files are data from users, so every list is bounded. */
#define SG_SBX_MAX_LIST 256
/* `extends` chains: a profile may extend one that extends another, and so
 * on; a cycle or a longer chain is an error, not recursion without end. */
#define SG_SBX_MAX_EXTENDS 8
/* Masked files found in the project (.env* ...). More than this is an error
 * (fail closed), never a silent partial mask. */
#define SG_SBX_MAX_MASKS 512
/* The project scan for masked basenames stops at this depth and after this
 * many directory entries, so that exec stays fast on huge trees. Files
 * beyond the budget stay readable, so hitting it prints a warning. */
#define SG_SBX_MASK_DEPTH 4
#define SG_SBX_MASK_SCAN 50000
/* Bytes of the HTTP request head the proxy reads before deciding. */
#define SG_SBX_PROXY_HEAD 8192
/* Concurrent proxied connections (each holds two descriptors). */
#define SG_SBX_PROXY_CONNS 128

enum {
	SG_SBX_EXIT_SETUP = 125,
	SG_SBX_EXIT_NOEXEC = 126,
	SG_SBX_EXIT_NOTFOUND = 127,
};

/* ---- profiles (profile.c) ------------------------------------------------------ */

typedef struct sg_strvec {
	char **v;		/* heap; each entry heap */
	size_t n;
} sg_strvec;

void sg_strvec_push(sg_strvec *l, const char *s);	/* copies s */
void sg_strvec_free(sg_strvec *l);
int sg_strvec_has(const sg_strvec *l, const char *s);

typedef enum { SG_NET_NONE = 0, SG_NET_HOST, SG_NET_ALLOW } sg_net_mode;
typedef enum { SG_HOME_EMPTY = 0, SG_HOME_RO } sg_home_mode;

enum { SG_RL_CPU = 0, SG_RL_FSIZE, SG_RL_NPROC, SG_RL_NOFILE, SG_RL_AS, SG_RL_CORE, SG_RL_COUNT };

/*
 * One resolved profile (after `extends`). Path entries are as written:
 * "~/x" is below $HOME, "/x" absolute, anything else relative to the project
 * (in `mask`, an entry without '/' is a basename glob searched in the
 * project). Owns every string; free with sg_profile_free.
 */
typedef struct sg_profile {
	char *name, *origin;
	sg_strvec read;		/* read-only views */
	sg_strvec write;	/* read-write views */
	sg_strvec readonly;	/* read-only even inside the writable project */
	sg_strvec mask;		/* hidden: empty file / empty directory */
	sg_strvec env_allow;	/* names or globs that pass */
	sg_strvec env_deny;	/* globs removed even when allowed */
	sg_strvec env_pass;	/* exact names passed even when denied */
	sg_strvec domains;	/* net allow mode */
	int project_rw;		/* 1 read-write, 0 read-only */
	sg_home_mode home;
	sg_net_mode net;
	int net_private;	/* the proxy may reach loopback/private addresses */
	int ptrace_inside;	/* ptrace between sandboxed processes (sanitizers, debuggers);
				 * only honoured with Landlock, which forbids it across the boundary */
	unsigned umask;
	unsigned tmp_mb;	/* size ceiling of /tmp and $HOME tmpfs */
	int rl_set[SG_RL_COUNT];
	unsigned long long rl[SG_RL_COUNT];
} sg_profile;

void sg_profile_free(sg_profile *p);

/*
 * A set of profile definitions gathered from rule files in layer order
 * (built-in dir, user file, --rules file). Later definitions of a name
 * replace earlier ones; `extends` reaches the earlier definition.
 */
typedef struct sg_profile_db sg_profile_db;

sg_profile_db *sg_profile_db_new(void);
void sg_profile_db_free(sg_profile_db *db);
/* Reads the `sandbox` section of one rule file's text (comments allowed).
 * Errors are appended to err as "origin: message\n"; returns 0 or -1. */
int sg_profile_db_add_text(sg_profile_db *db, const char *origin, const char *text, size_t len, sg_buf *err);
/* Same for a file; missing_ok makes ENOENT a no-op. A user file writable by
 * group or others is refused (its author might not be the user). */
int sg_profile_db_add_file(sg_profile_db *db, const char *path, int missing_ok, sg_buf *err);
/* Built-in rules dir (every *.json), the user file, then extra (may be NULL). */
int sg_profile_db_load(sg_profile_db *db, const char *extra, sg_buf *err);
/* Resolves NAME into *out (zeroed first). 0, or -1 with a message in err. */
int sg_profile_db_get(const sg_profile_db *db, const char *name, sg_profile *out, sg_buf *err);
/* What exec uses: the built-in dir, the user file and extra (may be NULL)
 * resolved for NAME into *out, as sg_profile_db_load plus _get do, through
 * a cache of resolved profiles keyed by every file they read (profile.c).
 * 0, or -1 with a message in err. */
int sg_profile_resolve(const char *extra, const char *name, sg_profile *out, sg_buf *err);
/* Names defined, in order of first definition (borrowed from db). */
size_t sg_profile_db_names(const sg_profile_db *db, const char **names, size_t max);

/* Parses "1024", "1k", "4M", "2G", "unlimited" for rlimits. 0 or -1. */
int sg_profile_parse_size(const char *s, unsigned long long *out);

/* ---- a launch ------------------------------------------------------------------ */

typedef struct sg_sandbox_spec {
	const sg_profile *prof;
	const char *project;	/* canonical absolute path */
	const char *cwd;	/* canonical absolute path where CMD starts */
	const char *home;	/* canonical absolute $HOME, or NULL */
	char *const *argv;	/* CMD ARG..., NULL-terminated */
	char **envp;		/* the caller's environment (scrubbed before use) */
	sg_net_mode net;	/* from --net, else the profile's */
	const sg_strvec *domains; /* allow mode */
	int require_all;
	int quiet;		/* no "layer missing" warnings (still fatal with require_all) */
} sg_sandbox_spec;

/* The layers the launcher builds; each can be present or missing. */
enum {
	SG_L_USERNS = 0, SG_L_MOUNTNS, SG_L_PIDNS, SG_L_NETNS, SG_L_IPCNS, SG_L_UTSNS,
	SG_L_PROC, SG_L_LANDLOCK, SG_L_LANDLOCK_NET, SG_L_LANDLOCK_SCOPE, SG_L_SECCOMP,
	SG_L_NNP, SG_L_COUNT
};
const char *sg_sandbox_layer_name(int layer);

typedef struct sg_sandbox_probe_result {
	int have[SG_L_COUNT];	/* 1 available here, 0 missing */
	int err[SG_L_COUNT];	/* errno that says why it is missing */
	int landlock_abi;	/* 0 when Landlock is missing */
	int can_exec;		/* `shellgate exec` can start with its minimum layers */
	char why[256];		/* when !can_exec: the reason, for doctor and the hook */
	const char *platform;	/* "linux-namespaces", "macos-seatbelt", "none" */
} sg_sandbox_probe_result;

/* "Can exec start here?" Cheap enough for the hook adapter to call once per
 * process (about a millisecond on Linux: one short-lived child). Always
 * fills *r; returns r->can_exec. */
int sg_sandbox_probe(sg_sandbox_probe_result *r);

/* Runs spec->argv confined; returns the exit status (see INVARIANTS). */
int sg_sandbox_run(const sg_sandbox_spec *s);

/* Prints the plan (layers with their availability, Landlock ABI, mounts,
 * environment names, network, rlimits) without running anything. The
 * platform file implements it on top of sg_sandbox_explain_common. */
void sg_sandbox_explain(const sg_sandbox_spec *s, sg_buf *out);
void sg_sandbox_explain_common(const sg_sandbox_spec *s, sg_buf *out);

/* ---- portable helpers (sandbox_common.c) ------------------------------------------ */

/* Builds the scrubbed environment: allowlist, then deny globs, then the
 * exact pass names; HOME, TMPDIR, PWD and SHELLGATE_SANDBOX are set; extra
 * ("NAME=value" strings, may be NULL) is appended. Returns a heap vector of
 * heap strings, NULL-terminated; free with sg_sandbox_env_free. */
char **sg_sandbox_env(const sg_profile *p, char **envp, const char *home, const char *cwd,
		      const char *const *extra);
void sg_sandbox_env_free(char **env);
/* 1 when the variable NAME passes the profile's environment filter. */
int sg_sandbox_env_passes(const sg_profile *p, const char *name);
/* fnmatch(pat, name, 0) == 0, faster for literal-and-'*' patterns (tests) */
int sg_sandbox_env_glob(const char *pat, const char *name);

/* The hook adapter's rewrite: a shell command line that runs `command`
 * (len bytes, embedded NUL refused) under the sandbox, as
 *   'SHELLGATE' exec --profile 'PROFILE' [--project 'PROJECT'] --hints -- /bin/bash -c 'COMMAND'
 * with every piece single-quoted. NULL profile means "default", NULL
 * project leaves exec's default (the current directory). Returns heap
 * memory, or NULL when command holds a NUL byte or is over SG_MAX_INPUT. */
char *sg_sandbox_rewrite(const char *shellgate, const char *profile, const char *project, const char *command,
			 size_t len);
/* Sets the profile's rlimits (soft = hard) on this process; hard limits
 * only ever go down. 0, or -errno of the first setrlimit that failed. */
int sg_sandbox_apply_rlimits(const sg_profile *p);
/* Appends s single-quoted for POSIX shells ('it'\''s'). */
void sg_sandbox_shquote(sg_buf *b, const char *s, size_t n);

/* Expands a profile path: "~/x" -> home/x, "/x" -> /x, "x" -> project/x.
 * Returns heap memory, or NULL when "~/" is used without a home. */
char *sg_sandbox_expand(const char *p, const char *home, const char *project);

/*
 * Paths that must not appear inside the project during a run (protected
 * entries such as .claude/ that did not exist before): the mount layer can
 * make existing ones read-only but cannot stop their creation. Snapshot
 * before, check after; what appeared is renamed aside and reported.
 */
typedef struct sg_sandbox_guard {
	sg_strvec missing;	/* project-relative paths absent before the run */
	char *project;
} sg_sandbox_guard;
void sg_sandbox_guard_begin(sg_sandbox_guard *g, const sg_profile *p, const char *project);
/* Returns the number of paths moved aside (each reported on stderr). */
int sg_sandbox_guard_end(sg_sandbox_guard *g);

/* Project files hidden by basename globs in p->mask: absolute paths pushed
 * to out. Returns 0, 1 when the scan budget was hit (some directories not
 * searched), -1 over SG_SBX_MAX_MASKS. */
int sg_sandbox_find_masked(const sg_profile *p, const char *project, sg_strvec *out);

/* ---- container backend (container.c, portable) --------------------------------------- */

/* Runs spec->argv in a throwaway container of `engine` ("podman" or
 * "docker") from image: only the project mounted, non-root user, read-only
 * root, no capabilities, no-new-privileges, --network none unless --net
 * host, the same scrubbed environment and exit statuses. */
int sg_sandbox_container_run(const sg_sandbox_spec *s, const char *engine, const char *image);
/* Builds the engine's argv (heap vector of heap strings, NULL-terminated);
 * free with sg_sandbox_env_free. NULL with a message when unsupported. */
char **sg_sandbox_container_argv(const sg_sandbox_spec *s, const char *engine, const char *image,
				 char *const *env, sg_buf *err);

/* ---- macOS Seatbelt generator (seatbelt.c, portable) ---------------------------------- */

/* Appends an SBPL profile for spec to out. Paths are emitted as given
 * (canonical absolute). 0, or -1 when a path cannot be expressed.
 * _port: with --net allow, the loopback port of the proxy. */
int sg_seatbelt_profile(const sg_sandbox_spec *s, sg_buf *out);
int sg_seatbelt_profile_port(const sg_sandbox_spec *s, int proxy_port, sg_buf *out);

/* ---- network allowlist proxy (netproxy.c) ----------------------------------------- */

typedef struct sg_netproxy sg_netproxy;
/* Listens on a fresh unix socket in a private directory (its path in
 * sg_netproxy_path) or, with tcp_port != NULL, on 127.0.0.1 (port stored).
 * Admits HTTP CONNECT and absolute-form requests to the listed domains
 * (exact, or ".example.com"/"*.example.com" for subdomains). 0 or -errno. */
int sg_netproxy_new(sg_netproxy **out, const sg_strvec *domains, int allow_private, int *tcp_port);
const char *sg_netproxy_path(const sg_netproxy *p);
int sg_netproxy_fd(const sg_netproxy *p);
/* Serves until stop_fd becomes readable (a pidfd or pipe); returns 0, or
 * -errno when poll fails. Connections stay open across calls. */
int sg_netproxy_serve(sg_netproxy *p, int stop_fd);
void sg_netproxy_free(sg_netproxy *p);
/* 1 when host is admitted by the domain list (case-insensitive). */
int sg_netproxy_host_allowed(const sg_strvec *domains, const char *host);
/* The in-sandbox half: a relay that accepts TCP on listen_fd (owned from
 * now on) and connects each client to the unix socket at unix_path. Served
 * with sg_netproxy_serve like the proxy; connections survive between calls. */
int sg_netproxy_new_forwarder(sg_netproxy **out, int listen_fd, const char *unix_path);

#endif
