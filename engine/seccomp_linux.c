/*
 * seccomp_linux.c - the system-call filter of `shellgate exec` (libseccomp).
 *
 * Default allow, with a deny list of calls a build or test never needs and
 * that widen the attack surface or escape the other layers. Denied calls
 * fail with EPERM (programs handle it), except clone3 and io_uring, which
 * fail with ENOSYS so that libc and runtimes fall back to what they did
 * before those calls existed (clone3 -> clone, whose flags we can inspect).
 *
 * INVARIANTS
 *  - The filter checks the architecture: a syscall made through another
 *    ABI (i386 int 0x80, x32) kills the process (libseccomp's bad-arch
 *    action), so the numbers below cannot be sidestepped.
 *  - ioctl requests are compared on their low 32 bits only, which is what
 *    the kernel uses (`unsigned int cmd`): an equality test on the full
 *    64-bit register would be bypassed by setting high bits
 *    (CVE-2019-10063 in flatpak). tests/unit/test_seccomp.c proves it.
 *  - The filter must be installed after no_new_privs (or with CAP_SYS_ADMIN
 *    in the user namespace); the caller guarantees it.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/filter.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <linux/seccomp.h>

#include <seccomp.h>

#include "sandbox.h"
#include "sandbox_linux.h"
#include "sg.h"
#include "snapshot.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Every namespace-creating flag: nested namespaces are how sandboxes are
 * usually escaped (new user namespace = new set of capabilities). */
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
		  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)

/* Denied with EPERM whatever their arguments. */
static const char *const deny_eperm[] = {
	/* debugging other processes, reading their memory (ptrace: see below) */
	"process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp",
	/* the mount family: the mount tree is the sandbox */
	"mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen",
	"fsconfig", "fsmount", "fspick", "mount_setattr", "open_tree_attr",
	/* namespaces: joining one */
	"setns",
	/* the kernel itself */
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"create_module", "bpf", "perf_event_open", "reboot", "swapon", "swapoff", "syslog", "acct",
	"iopl", "ioperm", "lookup_dcookie", "quotactl", "quotactl_fd", "nfsservctl", "uselib",
	"vhangup", "settimeofday", "clock_settime", "clock_settime64", "clock_adjtime",
	"clock_adjtime64", "sethostname", "setdomainname", "sysfs", "_sysctl",
	/* kernel keyrings hold other sessions' credentials */
	"keyctl", "add_key", "request_key",
	/* classic exploit helpers */
	"userfaultfd", "open_by_handle_at", "name_to_handle_at", "fanotify_init", "move_pages",
	"migrate_pages", "mbind", "set_mempolicy", "lsm_set_self_attr",
	NULL,
};

/* Denied with ENOSYS: callers fall back to older interfaces. */
static const char *const deny_enosys[] = {
	"clone3", "io_uring_setup", "io_uring_enter", "io_uring_register", NULL,
};

/* personality(2) values that stay allowed (Docker's default list): the
 * query 0xffffffff, PER_LINUX 0, PER_LINUX32 8, UNAME26 0x20000 and
 * 0x20008. Others change address-space layout (ADDR_NO_RANDOMIZE,
 * READ_IMPLIES_EXEC) and are denied. */
#define PERSONA_OK_BITS ((1UL << 3) | (1UL << 17))
#define BIT31 (1UL << 31)

static int add_by_name(scmp_filter_ctx ctx, uint32_t action, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0;	/* unknown to this libseccomp/arch: nothing to deny */
	int r = seccomp_rule_add(ctx, action, nr, 0);
	/* -EDOM: a pseudo-syscall on this arch (e.g. umount on x86_64). */
	return r == -EDOM ? 0 : r;
}

static int add_ns_rules(scmp_filter_ctx ctx)
{
	int r;
	/* unshare(flags) and clone(flags, ...): flags is argument 0 on every
	 * architecture libseccomp supports except s390 (argument 1). One rule
	 * per flag: "any of these bits set" is an OR of masked tests. */
	for (unsigned bit = 0; bit < 32; bit++) {
		unsigned long f = 1UL << bit;
		if (!(NS_FLAGS & f))
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
		if (r < 0)
			return r;
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_ioctl_rules(scmp_filter_ctx ctx)
{
	static const unsigned long bad[] = { TIOCSTI, TIOCLINUX };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* Low 32 bits only: see INVARIANTS. */
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, bad[i]));
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * libseccomp allows one comparison per argument in a rule, so "none of the
 * allowed values" is spelled with single masked tests. Bit 31 separates the
 * query (all 32 bits set) from every allowed setting (bit 31 clear):
 *   deny when a bit other than 3 or 17 is set and bit 31 is clear;
 *   deny when bit 31 is set and any lower bit is clear (not the query);
 *   deny anything above 32 bits.
 */
static int add_personality_rule(scmp_filter_ctx ctx)
{
	int r;
	for (unsigned b = 0; b < 31; b++) {
		unsigned long bit = 1UL << b;
		if (!(PERSONA_OK_BITS & bit)) {
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
					     SCMP_A0(SCMP_CMP_MASKED_EQ, bit | BIT31, bit));
			if (r < 0)
				return r;
		}
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, bit | BIT31, BIT31));
		if (r < 0)
			return r;
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
				SCMP_A0(SCMP_CMP_GT, 0xffffffffUL));
}

static int build(scmp_filter_ctx ctx, int allow_ptrace)
{
	int r;
	/* ptrace is denied unless the profile allows it between sandboxed
	 * processes (LeakSanitizer attaches to its own threads); the caller
	 * only allows it under Landlock, which refuses ptrace of any process
	 * outside the domain, and the pid namespace hides those anyway. */
	if (!allow_ptrace && (r = add_by_name(ctx, SCMP_ACT_ERRNO(EPERM), "ptrace")) < 0)
		return r;
	for (size_t i = 0; deny_eperm[i]; i++)
		if ((r = add_by_name(ctx, SCMP_ACT_ERRNO(EPERM), deny_eperm[i])) < 0)
			return r;
	for (size_t i = 0; deny_enosys[i]; i++)
		if ((r = add_by_name(ctx, SCMP_ACT_ERRNO(ENOSYS), deny_enosys[i])) < 0)
			return r;
	if ((r = add_ns_rules(ctx)) < 0 || (r = add_ioctl_rules(ctx)) < 0 || (r = add_personality_rule(ctx)) < 0)
		return r;
	return 0;
}

/* The filter as a classic BPF program (struct sock_filter array), built by
 * libseccomp and exported through a memory file, so that it can be made
 * where there is time (P0, while P1 builds the mount tree) and loaded where
 * it is needed (P2) without libseccomp's work on the command's path. */
int sg_sandbox_seccomp_compile(int allow_ptrace, void **prog, size_t *len)
{
	*prog = NULL;
	*len = 0;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	/* A syscall from a foreign ABI is not judged: it kills the process. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);	/* the caller sets it */
	if (r == 0)
		r = build(ctx, allow_ptrace);
	int fd = r == 0 ? memfd_create("shellgate-seccomp", MFD_CLOEXEC) : -1;
	if (r == 0 && fd < 0)
		r = -errno;
	if (r == 0)
		r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	off_t end = r == 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (r == 0 && (end <= 0 || end > SG_SECCOMP_MAX_BPF || end % (off_t)sizeof(struct sock_filter)))
		r = end < 0 ? -errno : -E2BIG;
	if (r == 0) {
		*prog = sg_xmalloc((size_t)end);
		if (pread(fd, *prog, (size_t)end, 0) != end) {
			r = -EIO;
			free(*prog);
			*prog = NULL;
		} else {
			*len = (size_t)end;
		}
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* Tag of a cached filter, part of its key. The rules above reach the key
 * through the executable's identity (any rebuild changes it). */
#define FILTER_CACHE_TAG "seccomp-v1"

/*
 * libseccomp's output depends on the library (linked into this executable),
 * the architecture and the kernel's seccomp API level, which it probes. The
 * key therefore holds the executable's identity, the kernel's release,
 * version and machine, and allow_ptrace. A cached program is only taken
 * from a private file of ours (snapshot.h) and is checked for shape like
 * any program before loading.
 */
int sg_sandbox_seccomp_program(int allow_ptrace, void **prog, size_t *len)
{
	uint64_t key;
	struct utsname u;
	int cached = sg_cache_key_init(FILTER_CACHE_TAG, &key) == 0 && uname(&u) == 0;
	if (cached) {
		key = sg_cache_key_str(sg_cache_key_str(sg_cache_key_str(key, u.release), u.version), u.machine);
		key = sg_cache_key_str(key, allow_ptrace ? "ptrace allowed" : "ptrace denied");
		char *data;
		size_t n;
		if (sg_cache_blob_load("seccomp", key, &data, &n) == 0) {
			if (n && n <= SG_SECCOMP_MAX_BPF && n % sizeof(struct sock_filter) == 0) {
				*prog = data;
				*len = n;
				return 0;
			}
			free(data);
		}
	}
	int r = sg_sandbox_seccomp_compile(allow_ptrace, prog, len);
	if (r == 0 && cached)
		sg_cache_blob_save("seccomp", key, *prog, *len);
	return r;
}

int sg_sandbox_seccomp_load(const void *prog, size_t len)
{
	if (!prog || !len || len % sizeof(struct sock_filter) || len > SG_SECCOMP_MAX_BPF)
		return -EINVAL;
	struct sock_fprog fp = { (unsigned short)(len / sizeof(struct sock_filter)), (struct sock_filter *)prog };
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0) < 0 ? -errno : 0;
}

int sg_sandbox_seccomp_install(int allow_ptrace)
{
	void *prog;
	size_t len;
	int r = sg_sandbox_seccomp_compile(allow_ptrace, &prog, &len);
	if (r == 0)
		r = sg_sandbox_seccomp_load(prog, len);
	free(prog);
	return r;
}

int sg_sandbox_seccomp_available(void)
{
	/* EFAULT: the kernel understood SECCOMP_MODE_FILTER and tripped on the
	 * NULL program, so filters are supported. EINVAL: not built in. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) < 0 && errno == EFAULT)
		return 0;
	return -errno;
}
