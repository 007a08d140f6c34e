/*
 * landlock_linux.c - the Landlock layer: a second, kernel-enforced fence
 * under the mount namespace (and the only filesystem fence when namespaces
 * are unavailable).
 *
 * The ABI is asked of the kernel and rights it lacks are stripped, as the
 * kernel's samples/landlock/sandboxer.c does:
 *   ABI 1 filesystem, 2 REFER, 3 TRUNCATE, 4 TCP bind/connect,
 *   5 IOCTL_DEV, 6 scopes (abstract unix sockets, signals), 7 logging flags.
 * Debian 12's <linux/landlock.h> predates most of these, so the constants
 * and the grown ruleset struct are spelled out here.
 *
 * INVARIANTS
 *  - Rights are only ever granted beneath paths the caller names; nothing
 *    is granted by default (Landlock is deny-by-default for handled rights).
 *  - MAKE_CHAR and MAKE_BLOCK are handled and never granted.
 *  - no_new_privs is set by the caller before restrict_self.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"
#include "sandbox_linux.h"

#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)
#define LL_FS_TRUNCATE (1ULL << 14)
#define LL_FS_IOCTL_DEV (1ULL << 15)
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)
#define LL_RULE_PATH_BENEATH 1
#define LL_RULE_NET_PORT 2
#define LL_CREATE_RULESET_VERSION (1U << 0)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port {
	uint64_t allowed_access;
	uint64_t port;
};

#define FS_READ (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
#define FS_WRITE (LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_DIR | \
		  LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_SYM | LL_FS_REFER | \
		  LL_FS_TRUNCATE)
#define FS_FILE_ONLY (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

int sg_sandbox_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	return abi < 0 ? -errno : (int)abi;
}

static uint64_t fs_handled(int abi)
{
	uint64_t h = FS_READ | FS_WRITE | LL_FS_MAKE_CHAR | LL_FS_MAKE_BLOCK | LL_FS_IOCTL_DEV;
	/* Fall through on purpose: each older ABI lacks one more right. */
	switch (abi) {
	case 1: h &= ~LL_FS_REFER; /* fallthrough */
	case 2: h &= ~LL_FS_TRUNCATE; /* fallthrough */
	case 3: /* fallthrough */
	case 4: h &= ~LL_FS_IOCTL_DEV; break;
	default: break;
	}
	return h;
}

static int add_path(int rfd, const char *path, uint64_t access, uint64_t handled)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == EACCES ? 0 : -errno;
	struct stat st;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= FS_FILE_ONLY;
	struct ll_path_beneath pb = { access & handled, fd };
	int r = 0;
	if (pb.allowed_access && syscall(SYS_landlock_add_rule, rfd, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int add_list(int rfd, const sg_strvec *l, uint64_t access, uint64_t handled, const char **bad)
{
	for (size_t i = 0; l && i < l->n; i++) {
		int r = add_path(rfd, l->v[i], access, handled);
		if (r < 0) {
			*bad = l->v[i];
			return r;
		}
	}
	return 0;
}

static int add_net(int rfd, const sg_sbx_landlock *s)
{
	if (!s->tcp_connect_port)
		return 0;
	struct ll_net_port np = { LL_NET_CONNECT_TCP, (uint64_t)s->tcp_connect_port };
	return syscall(SYS_landlock_add_rule, rfd, LL_RULE_NET_PORT, &np, 0) < 0 ? -errno : 0;
}

int sg_sandbox_landlock_apply(const sg_sbx_landlock *s, int abi, const char **bad)
{
	struct ll_ruleset_attr attr = { fs_handled(abi), 0, 0 };
	size_t size = sizeof(uint64_t);
	*bad = NULL;
	if (abi >= 4 && s->tcp_restrict) {
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = 2 * sizeof(uint64_t);
	}
	if (abi >= 6 && s->scope) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
		size = sizeof attr;
	}
	int rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (rfd < 0)
		return -errno;
	uint64_t h = attr.handled_access_fs;
	int r = add_list(rfd, s->read, FS_READ, h, bad);
	if (r == 0)
		r = add_list(rfd, s->write, FS_READ | FS_WRITE, h, bad);
	if (r == 0)
		r = add_list(rfd, s->devices, FS_READ | LL_FS_WRITE_FILE | LL_FS_IOCTL_DEV | LL_FS_TRUNCATE, h, bad);
	if (r == 0 && attr.handled_access_net)
		r = add_net(rfd, s);
	if (r == 0 && syscall(SYS_landlock_restrict_self, rfd, 0) < 0)
		r = -errno;
	close(rfd);
	return r;
}
