/*
 * sandbox_linux.c - `shellgate exec` on Linux: no setuid, unprivileged user
 * namespaces, Landlock, seccomp.
 *
 * Three processes, none left behind:
 *   P0  shellgate, outside. Plans the mount tree, scrubs the environment,
 *       runs the allowlist proxy when asked, forwards signals, waits, and
 *       moves aside protected files created during the run.
 *   P1  pid 1 of new user+mount+pid+ipc+uts(+net) namespaces. Maps its own
 *       uid/gid, builds the mount tree, then confines itself (no_new_privs,
 *       Landlock, seccomp) before it forks P2, so nothing inside is ever
 *       unconfined. It reaps, relays the proxy when asked, and exits with
 *       P2's status. PR_SET_PDEATHSIG kills it with P0; as pid 1, its death
 *       kills every process in the namespace: the command cannot outlive
 *       its parent.
 *   P2  the command: new session, rlimits, umask, no capabilities, every
 *       fd above 2 closed, scrubbed environment, execvp.
 *
 * Failures inside travel to P0 over a close-on-exec pipe as one record; P0
 * then exits 125 (126/127 for exec errors) without running anything else.
 *
 * When user namespaces are unavailable (inside another sandbox, sysctl),
 * P1 is a plain child and Landlock carries the filesystem, TCP and scope
 * fences alone, loudly; --require-all refuses instead. With neither
 * namespaces nor Landlock, nothing runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "sandbox.h"
#include "sandbox_linux.h"

extern char **environ;

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
/* The in-sandbox end of the allowlist proxy (HTTP(S)_PROXY points here). */
#define PROXY_PORT 3128

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

enum { R_SETUP = 1, R_EXEC };
typedef struct report {
	int kind, err;
	char text[240];
} report;

typedef struct launch {
	const sg_sandbox_spec *s;
	sg_sbx_plan plan;
	char **env;
	int errp[2], alive[2];
	void *bpf;		/* the seccomp program (P0 gets it, P1 and P2 inherit it) */
	size_t bpf_len;
	int use_ns, netns, ll_abi, seccomp_ok;
	int proxy_port;		/* degraded allow mode: host loopback port */
	sg_netproxy *proxy;
	uid_t uid;
	gid_t gid;
} launch;

static volatile sig_atomic_t fwd_pid;

/* ---- reporting from the children --------------------------------------------------- */

static void report_send(const launch *L, int kind, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void report_send(const launch *L, int kind, int err, const char *fmt, ...)
{
	report r = { kind, err, { 0 } };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r.text, sizeof r.text, fmt, ap);
	va_end(ap);
	(void)!write(L->errp[1], &r, sizeof r);
}

static void warn_layer(const launch *L, int layer, int err, const char *hint)
{
	if (L->s->quiet)
		return;
	fprintf(stderr, "shellgate: exec: warning: %s unavailable (%s)%s%s\n", sg_sandbox_layer_name(layer),
		strerror(err), hint ? ": " : "", hint ? hint : "");
}

/* ---- P2: the command ------------------------------------------------------------------ */

static void drop_caps(void)
{
	/* Only uid 0 keeps capabilities across exec; others lose them anyway
	 * (and no_new_privs plus nosuid mounts stop file capabilities). */
	if (geteuid() == 0)
		for (int c = 0; c <= 63; c++)
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL)
				break;
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	(void)syscall(SYS_capset, &h, d);
}

static void run_command(const launch *L)
{
	const sg_sandbox_spec *s = L->s;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* P1's handlers vanish at exec; SIGPIPE back to default for pipelines. */
	signal(SIGPIPE, SIG_DFL);
	/* A new session: no controlling terminal to write into (TIOCSTI). */
	if (setsid() < 0 || prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		report_send(L, R_SETUP, errno, "setsid");
		_exit(SG_SBX_EXIT_SETUP);
	}
	int r = sg_sandbox_apply_rlimits(s->prof);
	if (r < 0) {
		report_send(L, R_SETUP, -r, "setrlimit");
		_exit(SG_SBX_EXIT_SETUP);
	}
	umask(s->prof->umask);
	drop_caps();
	/* Every inherited descriptor above 2 goes at exec, the report pipe too. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		report_send(L, R_SETUP, errno, "close_range");
		_exit(SG_SBX_EXIT_SETUP);
	}
	if (chdir(s->cwd) < 0 && chdir(s->project) < 0) {
		report_send(L, R_SETUP, errno, "chdir %s", s->cwd);
		_exit(SG_SBX_EXIT_SETUP);
	}
	environ = L->env;
	execvp(s->argv[0], s->argv);
	report_send(L, R_EXEC, errno, "%s", s->argv[0]);
	_exit(SG_SBX_EXIT_NOTFOUND);
}

/* ---- P1: namespaces, mounts, confinement ------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = sg_write_all(fd, text, strlen(text));
	close(fd);
	return r;
}

static int map_ids(const launch *L)
{
	char m[64];
	int r;
	snprintf(m, sizeof m, "%u %u 1\n", (unsigned)L->uid, (unsigned)L->uid);
	if ((r = write_file("/proc/self/uid_map", m)) < 0)
		return r;
	if ((r = write_file("/proc/self/setgroups", "deny")) < 0 && r != -ENOENT)
		return r;
	snprintf(m, sizeof m, "%u %u 1\n", (unsigned)L->gid, (unsigned)L->gid);
	return write_file("/proc/self/gid_map", m);
}

/* Closes every descriptor above 2 except the n in keep. */
static void close_others(const int *keep, size_t n)
{
	unsigned next = 3;
	for (;;) {
		int lo = -1;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)next && (lo < 0 || keep[i] < lo))
				lo = keep[i];
		if (lo < 0)
			break;
		if ((unsigned)lo > next)
			syscall(SYS_close_range, next, (unsigned)lo - 1, 0);
		next = (unsigned)lo + 1;
	}
	syscall(SYS_close_range, next, ~0U, 0);
}

/* Returns the descriptor for sg_sandbox_detach_old_root, or -1. */
static int setup_ns(const launch *L)
{
	const char *step = NULL, *path = NULL;
	int proc_ok = 0, r, old_fd = -1;
	if ((r = map_ids(L)) < 0) {
		report_send(L, R_SETUP, -r, "writing the user namespace's id maps");
		_exit(SG_SBX_EXIT_SETUP);
	}
	(void)!sethostname("shellgate", 9);
	if (L->netns && (r = sg_sandbox_loopback_up()) < 0) {
		report_send(L, R_SETUP, -r, "bringing up loopback in the network namespace");
		_exit(SG_SBX_EXIT_SETUP);
	}
	if ((r = sg_sandbox_mount_tree(&L->plan, &step, &path, &proc_ok, &old_fd)) < 0) {
		report_send(L, R_SETUP, -r, "mount tree: %s %s", step ? step : "?", path ? path : "");
		_exit(SG_SBX_EXIT_SETUP);
	}
	if (!proc_ok) {
		if (L->s->require_all) {
			report_send(L, R_SETUP, EPERM, "a private /proc could not be mounted (--require-all)");
			_exit(SG_SBX_EXIT_SETUP);
		}
		warn_layer(L, SG_L_PROC, EPERM, "no /proc inside the sandbox");
	}
	return old_fd;
}

static void confine_landlock(const launch *L)
{
	const sg_sandbox_spec *s = L->s;
	sg_strvec root = { 0 }, rd = { 0 };
	sg_sbx_landlock ll = { 0 };
	if (L->use_ns) {
		/* The mount tree already shows only what the profile allows. */
		sg_strvec_push(&root, "/");
		ll.read = &root;
	} else {
		for (size_t i = 0; i < L->plan.ll_read.n; i++)
			sg_strvec_push(&rd, L->plan.ll_read.v[i]);
		sg_strvec_push(&rd, "/dev");
		sg_strvec_push(&rd, "/proc");
		if (s->home && s->prof->home == SG_HOME_RO)
			sg_strvec_push(&rd, s->home);
		ll.read = &rd;
	}
	sg_strvec wr = { 0 };
	for (size_t i = 0; i < L->plan.ll_write.n; i++)
		sg_strvec_push(&wr, L->plan.ll_write.v[i]);
	/* The empty home is a tmpfs only inside namespaces; without them the
	 * path is the real home, which stays read-denied. */
	if (L->use_ns && L->plan.home_tmpfs)
		sg_strvec_push(&wr, s->home);
	ll.write = &wr;
	ll.devices = &L->plan.ll_dev;
	ll.tcp_restrict = !L->netns && s->net != SG_NET_HOST;
	ll.tcp_connect_port = L->proxy_port;
	ll.scope = 1;
	const char *bad = NULL;
	int r = sg_sandbox_landlock_apply(&ll, L->ll_abi, &bad);
	sg_strvec_free(&root);
	sg_strvec_free(&rd);
	sg_strvec_free(&wr);
	if (r < 0) {
		report_send(L, R_SETUP, -r, "landlock rule for %s", bad ? bad : "(ruleset)");
		_exit(SG_SBX_EXIT_SETUP);
	}
}

static void confine(const launch *L)
{
	const sg_sandbox_spec *s = L->s;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		report_send(L, R_SETUP, errno, "PR_SET_NO_NEW_PRIVS");
		_exit(SG_SBX_EXIT_SETUP);
	}
	if (L->ll_abi > 0)
		confine_landlock(L);
	if (L->ll_abi > 0 && L->ll_abi < 6 && !s->quiet)
		warn_layer(L, SG_L_LANDLOCK_SCOPE, ENOSYS, "abstract unix sockets and signals not scoped");
	int r = L->seccomp_ok ? sg_sandbox_seccomp_load(L->bpf, L->bpf_len) : -ENOSYS;
	if (r < 0) {
		report_send(L, R_SETUP, -r, "seccomp filter");
		_exit(SG_SBX_EXIT_SETUP);
	}
}

static volatile sig_atomic_t chld_pipe = -1;

static void on_signal(int sig)
{
	if (sig == SIGCHLD) {
		if (chld_pipe >= 0)
			(void)!write(chld_pipe, "c", 1);
		return;
	}
	if (fwd_pid > 0)
		kill((pid_t)fwd_pid, sig);
}

static void install_forwarding(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Waits for P2 (reaping every orphan as pid 1 must) and exits with its status. */
static void supervise(pid_t cmd, sg_netproxy *fwd, int stop_fd)
{
	for (;;) {
		if (fwd && sg_netproxy_serve(fwd, stop_fd) < 0 && errno != EINTR)
			_exit(SG_SBX_EXIT_SETUP);
		int st;
		pid_t w = waitpid(-1, &st, fwd ? WNOHANG : 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			_exit(SG_SBX_EXIT_SETUP);
		if (w == cmd)
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		if (w == 0 && stop_fd >= 0) {
			char b[64];
			(void)!read(stop_fd, b, sizeof b);
		}
	}
}

static void p1_main(launch *L)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	struct pollfd pf = { L->alive[0], POLLIN, 0 };
	if (poll(&pf, 1, 0) != 0)	/* P0 already gone: do nothing */
		_exit(SG_SBX_EXIT_SETUP);
	int keep[] = { L->errp[1], L->alive[0] };
	close_others(keep, sizeof keep / sizeof *keep);
	int old_fd = L->use_ns ? setup_ns(L) : -1;
	int fwd = -1, cp[2] = { -1, -1 };
	sg_netproxy *relay = NULL;
	if (L->use_ns && L->s->net == SG_NET_ALLOW) {
		if ((fwd = sg_sandbox_listen_loopback(PROXY_PORT)) < 0 || pipe2(cp, O_CLOEXEC | O_NONBLOCK) < 0 ||
		    sg_netproxy_new_forwarder(&relay, fwd, SG_SBX_PROXY_SOCK) < 0) {
			report_send(L, R_SETUP, fwd < 0 ? -fwd : errno, "proxy forwarder on 127.0.0.1:%d", PROXY_PORT);
			_exit(SG_SBX_EXIT_SETUP);
		}
		chld_pipe = cp[1];
	}
	install_forwarding();
	pid_t cmd = fork();
	if (cmd < 0) {
		report_send(L, R_SETUP, errno, "fork");
		_exit(SG_SBX_EXIT_SETUP);
	}
	if (cmd == 0) {
		if (fwd >= 0)
			close(fwd);
		if (old_fd >= 0)
			close(old_fd);
		/* The command confines itself before anything of its own runs;
		 * P1 stays outside the Landlock domain and the filter so that it
		 * can still detach the host tree (Landlock forbids umount). */
		confine(L);
		run_command(L);
	}
	fwd_pid = cmd;
	close(L->errp[1]);
	/* Covered already; unmounting it now overlaps with the command's start. */
	(void)sg_sandbox_detach_old_root(old_fd);
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	supervise(cmd, relay, cp[0]);
}

/* ---- P0 --------------------------------------------------------------------------------- */

static pid_t spawn(launch *L, int *pidfd)
{
	uint64_t flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_PIDFD;
	if (L->s->net != SG_NET_HOST)
		flags |= CLONE_NEWNET;
	struct clone_args_v0 ca = { flags, (uint64_t)(uintptr_t)pidfd, 0, 0, SIGCHLD, 0, 0, 0 };
	*pidfd = -1;
	if (L->use_ns) {
		long pid = syscall(SYS_clone3, &ca, sizeof ca);
		if (pid >= 0) {
			L->netns = (flags & CLONE_NEWNET) != 0;
			return (pid_t)pid;
		}
		int e = errno;
		if (L->s->require_all) {
			fprintf(stderr, "shellgate: exec: cannot create namespaces (%s); --require-all refuses to "
					"run without them\n", strerror(e));
			return -2;
		}
		if (L->s->net == SG_NET_ALLOW || (L->s->net == SG_NET_NONE && L->ll_abi < 4)) {
			fprintf(stderr, "shellgate: exec: cannot create namespaces (%s), and without a network "
					"namespace %s; refusing to run\n", strerror(e),
				L->s->net == SG_NET_ALLOW ? "--net allow cannot work"
							  : "Landlock lacks TCP rules (ABI < 4) to cut the network");
			return -2;
		}
		warn_layer(L, SG_L_USERNS, e, "no mount, pid or network namespace; Landlock and seccomp only");
		L->use_ns = 0;
	}
	/* Plain fork: clone3 itself may be what is missing (or filtered). */
	pid_t pid = fork();
	if (pid > 0)
		*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return pid;
}

static int wait_child(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return SG_SBX_EXIT_SETUP;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void on_parent_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	/* A terminal's ^C reaches P1 directly (same process group); forward
	 * only what was sent to shellgate alone. */
	if (fwd_pid > 0 && si->si_code != SI_KERNEL)
		kill((pid_t)fwd_pid, sig);
}

static int collect(launch *L, pid_t pid, int pidfd)
{
	report r;
	ssize_t n;
	while ((n = read(L->errp[0], &r, sizeof r)) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof r) {
		r.text[sizeof r.text - 1] = 0;
		kill(pid, SIGKILL);
		wait_child(pid);
		if (r.kind == R_EXEC) {
			fprintf(stderr, "shellgate: exec: %s: %s\n", r.text, strerror(r.err));
			return r.err == ENOENT ? SG_SBX_EXIT_NOTFOUND : SG_SBX_EXIT_NOEXEC;
		}
		fprintf(stderr, "shellgate: exec: sandbox setup failed: %s: %s; the command was not run\n", r.text,
			strerror(r.err));
		return SG_SBX_EXIT_SETUP;
	}
	if (L->proxy)
		sg_netproxy_serve(L->proxy, pidfd);
	return wait_child(pid);
}

static int prepare(launch *L, const sg_sandbox_spec *s)
{
	sg_buf err;
	sg_buf_init(&err);
	int rc = -1;
	const char *extra[8] = { NULL };
	char pbuf[64];
	if (s->net == SG_NET_ALLOW) {
		int r = sg_netproxy_new(&L->proxy, s->domains, s->prof->net_private, L->use_ns ? NULL : &L->proxy_port);
		if (r < 0) {
			fprintf(stderr, "shellgate: exec: cannot start the network proxy: %s\n", strerror(-r));
			goto out;
		}
		snprintf(pbuf, sizeof pbuf, "http://127.0.0.1:%d", L->use_ns ? PROXY_PORT : L->proxy_port);
		static char vars[4][96];
		const char *names[4] = { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy" };
		for (int i = 0; i < 4; i++) {
			snprintf(vars[i], sizeof vars[i], "%s=%s", names[i], pbuf);
			extra[i] = vars[i];
		}
		extra[4] = "NO_PROXY=localhost,127.0.0.1";
		extra[5] = "no_proxy=localhost,127.0.0.1";
	}
	if (sg_sandbox_plan_build(s, L->proxy && L->use_ns ? sg_netproxy_path(L->proxy) : NULL, &L->plan, &err) < 0) {
		fprintf(stderr, "shellgate: exec: %s", sg_buf_cstr(&err));
		goto out;
	}
	if (L->plan.mask_budget_hit && !s->quiet)
		fprintf(stderr, "shellgate: exec: warning: the project is large; files beyond the first %d "
				"entries were not searched for secrets to mask\n", SG_SBX_MASK_SCAN);
	L->env = sg_sandbox_env(s->prof, s->envp, s->home, s->cwd, extra);
	rc = 0;
out:
	sg_buf_free(&err);
	return rc;
}

static int check_layers(launch *L)
{
	const sg_sandbox_spec *s = L->s;
	L->ll_abi = sg_sandbox_landlock_abi();
	int sc = sg_sandbox_seccomp_available();
	L->seccomp_ok = sc == 0;
	if (L->ll_abi <= 0 && (s->require_all || !L->use_ns)) {
		fprintf(stderr, "shellgate: exec: Landlock is unavailable (%s)%s\n", strerror(-L->ll_abi),
			s->require_all ? "; --require-all refuses to run without it" : "");
		return -1;
	}
	if (L->ll_abi <= 0)
		warn_layer(L, SG_L_LANDLOCK, -L->ll_abi, "the mount namespace is the only filesystem fence");
	if (!L->seccomp_ok) {
		fprintf(stderr, "shellgate: exec: seccomp is unavailable (%s); refusing to run\n", strerror(-sc));
		return -1;
	}
	int r = sg_sandbox_seccomp_program(s->prof->ptrace_inside && L->ll_abi > 0, &L->bpf, &L->bpf_len);
	if (r < 0) {
		fprintf(stderr, "shellgate: exec: cannot build the seccomp filter (%s); refusing to run\n", strerror(-r));
		return -1;
	}
	return 0;
}

int sg_sandbox_run(const sg_sandbox_spec *s)
{
	launch L;
	memset(&L, 0, sizeof L);
	L.s = s;
	L.uid = getuid();
	L.gid = getgid();
	L.use_ns = 1;
	L.errp[0] = L.errp[1] = L.alive[0] = L.alive[1] = -1;
	int rc = SG_SBX_EXIT_SETUP, pidfd = -1;
	sg_sandbox_guard guard;
	sg_sandbox_guard_begin(&guard, s->prof, s->project);
	if (check_layers(&L) < 0 || prepare(&L, s) < 0)
		goto out;
	if (pipe2(L.errp, O_CLOEXEC) < 0 || pipe2(L.alive, O_CLOEXEC) < 0)
		goto out;
	fflush(NULL);
	pid_t pid = spawn(&L, &pidfd);
	if (pid == 0)
		p1_main(&L);
	if (pid < 0) {
		if (pid == -1)
			fprintf(stderr, "shellgate: exec: cannot start the sandbox: %s\n", strerror(errno));
		goto out;
	}
	fwd_pid = pid;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_parent_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	close(L.errp[1]);
	L.errp[1] = -1;
	close(L.alive[0]);
	L.alive[0] = -1;
	rc = collect(&L, pid, pidfd);
	fwd_pid = 0;
out:
	sg_sandbox_guard_end(&guard);
	for (int i = 0; i < 2; i++) {
		if (L.errp[i] >= 0)
			close(L.errp[i]);
		if (L.alive[i] >= 0)
			close(L.alive[i]);
	}
	if (pidfd >= 0)
		close(pidfd);
	sg_netproxy_free(L.proxy);
	sg_sandbox_plan_free(&L.plan);
	sg_sandbox_env_free(L.env);
	free(L.bpf);
	return rc;
}

/* ---- probe and explain --------------------------------------------------------------------- */

static int probe_ns(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int f = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET;
		_exit(unshare(f) < 0 ? (errno & 0x7f) : 0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? -WEXITSTATUS(st) : -ECHILD;
}

int sg_sandbox_probe(sg_sandbox_probe_result *r)
{
	memset(r, 0, sizeof *r);
	r->platform = "linux-namespaces";
	int ns = probe_ns();
	for (int i = SG_L_USERNS; i <= SG_L_PROC; i++) {
		r->have[i] = ns == 0;
		r->err[i] = ns < 0 ? -ns : 0;
	}
	int abi = sg_sandbox_landlock_abi();
	r->landlock_abi = abi > 0 ? abi : 0;
	r->have[SG_L_LANDLOCK] = abi > 0;
	r->have[SG_L_LANDLOCK_NET] = abi >= 4;
	r->have[SG_L_LANDLOCK_SCOPE] = abi >= 6;
	for (int i = SG_L_LANDLOCK; i <= SG_L_LANDLOCK_SCOPE; i++)
		r->err[i] = r->have[i] ? 0 : abi < 0 ? -abi : ENOSYS;
	int sc = sg_sandbox_seccomp_available();
	r->have[SG_L_SECCOMP] = sc == 0;
	r->err[SG_L_SECCOMP] = sc < 0 ? -sc : 0;
	r->have[SG_L_NNP] = 1;
	r->can_exec = r->have[SG_L_SECCOMP] && (r->have[SG_L_USERNS] || r->have[SG_L_LANDLOCK_NET]);
	if (!r->have[SG_L_SECCOMP])
		snprintf(r->why, sizeof r->why, "seccomp filters are unavailable");
	else if (!r->can_exec)
		snprintf(r->why, sizeof r->why, "no user namespaces (%s) and no Landlock with TCP rules",
			 strerror(r->err[SG_L_USERNS]));
	return r->can_exec;
}

void sg_sandbox_explain(const sg_sandbox_spec *s, sg_buf *out)
{
	sg_sbx_plan pl;
	sg_buf err;
	sg_sandbox_explain_common(s, out);
	sg_buf_init(&err);
	if (sg_sandbox_plan_build(s, s->net == SG_NET_ALLOW ? "(proxy socket)" : NULL, &pl, &err) < 0)
		sg_buf_printf(out, "mount     ERROR: %s", sg_buf_cstr(&err));
	else
		sg_sandbox_plan_print(&pl, out);
	sg_sandbox_plan_free(&pl);
	sg_buf_free(&err);
	sg_buf_adds(out, "seccomp   deny: ptrace process_vm_* mount family pivot_root kexec modules bpf "
			 "perf_event_open keyrings userfaultfd setns unshare/clone(CLONE_NEW*) "
			 "ioctl(TIOCSTI,TIOCLINUX) personality; ENOSYS: clone3 io_uring_*\n");
}
