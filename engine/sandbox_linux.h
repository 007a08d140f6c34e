/*
 * sandbox_linux.h - internals shared by the Linux launcher's files
 * (sandbox_linux.c orchestrates; mount_linux.c, landlock_linux.c,
 * seccomp_linux.c and netns_linux.c each build one layer). Not an
 * interface for the rest of shellgate: that is sandbox.h.
 */
#ifndef SG_SANDBOX_LINUX_H
#define SG_SANDBOX_LINUX_H

#include "sandbox.h"

/* ---- seccomp_linux.c ---- */
/* Loads the filter into the calling thread. allow_ptrace keeps ptrace(2)
 * (only safe under Landlock). 0 or -errno. */
int sg_sandbox_seccomp_install(int allow_ptrace);
/* The same filter as a BPF program (heap, *len bytes; free it), and its
 * loading (no_new_privs must be set). 0 or -errno. */
/* Larger is refused (the filter is about 2-3 KiB). */
#define SG_SECCOMP_MAX_BPF (32u << 10)
int sg_sandbox_seccomp_compile(int allow_ptrace, void **prog, size_t *len);
/* What exec uses: the compiled program from the cache of filters (keyed by
 * this executable, the kernel and allow_ptrace), compiled and cached on a
 * miss. Same contract as sg_sandbox_seccomp_compile. */
int sg_sandbox_seccomp_program(int allow_ptrace, void **prog, size_t *len);
int sg_sandbox_seccomp_load(const void *prog, size_t len);
/* 0 when seccomp filters are supported, else -errno. */
int sg_sandbox_seccomp_available(void);

/* ---- landlock_linux.c ---- */
typedef struct sg_sbx_landlock {
	const sg_strvec *read;		/* read + execute beneath */
	const sg_strvec *write;		/* read + write beneath */
	const sg_strvec *devices;	/* read, write and ioctl on device nodes */
	int tcp_restrict;		/* handle TCP bind and connect (ABI >= 4) */
	int tcp_connect_port;		/* the one port connect may reach, 0 none */
	int scope;			/* abstract unix sockets and signals (ABI >= 6) */
} sg_sbx_landlock;
/* The kernel's Landlock ABI (>= 1), or -errno (-ENOSYS, -EOPNOTSUPP). */
int sg_sandbox_landlock_abi(void);
/* Builds and enforces the ruleset for abi. 0 or -errno; *bad names the path
 * whose rule failed, if one did. */
int sg_sandbox_landlock_apply(const sg_sbx_landlock *s, int abi, const char **bad);

/* ---- mount_linux.c ---- */
/* One step of the mount tree, built outside (P0) from the profile and the
 * host's view, executed inside the new namespaces in order. */
enum { SG_OP_RO = 0, SG_OP_RW, SG_OP_LINK, SG_OP_TMPFS, SG_OP_MASK_FILE, SG_OP_MASK_DIR, SG_OP_PIN,
       SG_OP_SOCK };
typedef struct sg_sbx_op {
	int kind;
	char *src;		/* host path (LINK: link text; TMPFS: NULL) */
	char *dst;		/* path in the new root */
	int depth;		/* components of dst: ops run parents first */
} sg_sbx_op;
typedef struct sg_sbx_plan {
	sg_sbx_op *ops;
	size_t n;
	unsigned tmp_mb;
	sg_strvec ll_read, ll_write, ll_dev;	/* Landlock sets matching the tree */
	int mask_budget_hit;
	int home_tmpfs;		/* $HOME is an empty tmpfs (writable in the sandbox only) */
} sg_sbx_plan;
#define SG_SBX_PROXY_SOCK "/run/shellgate/proxy.sock"
/* Builds the plan for spec (proxy_sock: host path to bind, or NULL).
 * 0, or -1 with a message in err. */
int sg_sandbox_plan_build(const sg_sandbox_spec *s, const char *proxy_sock, sg_sbx_plan *pl, sg_buf *err);
void sg_sandbox_plan_free(sg_sbx_plan *pl);
void sg_sandbox_plan_print(const sg_sbx_plan *pl, sg_buf *out);
/* Inside a fresh user+mount namespace: builds the new root and switches to
 * it. 0, or -errno with *step and *path naming what failed. *proc_ok says
 * whether a private /proc could be mounted. On success the host root is
 * already unreachable by path; *old_fd (or -1) is an O_PATH descriptor the
 * caller hands to sg_sandbox_detach_old_root once the command is on its
 * way. Allocates nothing. */
int sg_sandbox_mount_tree(const sg_sbx_plan *pl, const char **step, const char **path, int *proc_ok,
			  int *old_fd);
/* Detaches the host's mount tree from this namespace; closes old_fd. */
int sg_sandbox_detach_old_root(int old_fd);

/* ---- netns_linux.c ---- */
/* Brings up lo in the current network namespace. 0 or -errno. */
int sg_sandbox_loopback_up(void);
/* Listens on 127.0.0.1:port in the current network namespace; fd or -errno. */
int sg_sandbox_listen_loopback(int port);

#endif
