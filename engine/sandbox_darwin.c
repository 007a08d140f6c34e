/*
 * sandbox_darwin.c - `shellgate exec` on macOS: the SBPL profile from
 * seatbelt.c, written to a private temporary file and applied by
 * /usr/bin/sandbox-exec -f, plus the same process hygiene as on Linux
 * (new session, rlimits, umask, descriptors closed, scrubbed environment).
 *
 * What macOS cannot give (no namespaces): /tmp stays shared, loopback is
 * the host's (so --net none denies it entirely), and a process that starts
 * its own session can outlive the command; after the command exits its
 * process group is killed. NOT YET RUN ON A MAC: compiled and syntax-checked
 * on Linux only (see docs/SANDBOX.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"

#define SANDBOX_EXEC "/usr/bin/sandbox-exec"

extern char **environ;

int sg_sandbox_probe(sg_sandbox_probe_result *r)
{
	memset(r, 0, sizeof *r);
	r->platform = "macos-seatbelt";
	int ok = access(SANDBOX_EXEC, X_OK) == 0;
	/* Seatbelt stands in for the filesystem, network and process layers. */
	for (int i = 0; i < SG_L_COUNT; i++) {
		r->have[i] = 0;
		r->err[i] = ENOSYS;
	}
	r->have[SG_L_LANDLOCK] = ok;	/* reported as the filesystem fence */
	r->err[SG_L_LANDLOCK] = ok ? 0 : ENOENT;
	r->can_exec = ok;
	if (!ok)
		snprintf(r->why, sizeof r->why, "%s not found", SANDBOX_EXEC);
	return ok;
}

void sg_sandbox_explain(const sg_sandbox_spec *s, sg_buf *out)
{
	sg_sandbox_explain_common(s, out);
	sg_buf_adds(out, "seatbelt  profile passed to " SANDBOX_EXEC " -f:\n");
	if (sg_seatbelt_profile_port(s, 3128, out) < 0)
		sg_buf_adds(out, "ERROR: the project path cannot be expressed in SBPL\n");
}

static void child(const sg_sandbox_spec *s, const char *file, char **env)
{
	size_t n = 0;
	while (s->argv[n])
		n++;
	char **argv = calloc(n + 5, sizeof *argv);
	if (!argv)
		_exit(SG_SBX_EXIT_SETUP);
	argv[0] = (char *)SANDBOX_EXEC;
	argv[1] = (char *)"-f";
	argv[2] = (char *)file;
	for (size_t i = 0; i < n; i++)
		argv[3 + i] = s->argv[i];
	(void)setsid();
	/* macOS refuses some values Linux takes (RLIMIT_NOFILE above
	 * OPEN_MAX): a limit that cannot be set is named, and fatal only with
	 * --require-all, like any other missing layer (see SANDBOX.md) */
	int rl = sg_sandbox_apply_rlimits(s->prof);
	if (rl < 0) {
		if (s->require_all || !s->quiet)
			dprintf(2, "shellgate: exec: %s: a resource limit of the profile could not be set (%s)\n",
				s->require_all ? "error" : "warning", strerror(-rl));
		if (s->require_all)
			_exit(SG_SBX_EXIT_SETUP);
	}
	umask(s->prof->umask);
	for (int fd = 3; fd < 4096; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (chdir(s->cwd) < 0 && chdir(s->project) < 0)
		_exit(SG_SBX_EXIT_SETUP);
	environ = env;
	execv(SANDBOX_EXEC, argv);
	_exit(SG_SBX_EXIT_SETUP);
}

static int write_profile(const sg_sandbox_spec *s, int port, char *path, size_t len)
{
	sg_buf b;
	sg_buf_init(&b);
	const char *tmp = getenv("TMPDIR");
	snprintf(path, len, "%s/shellgate-XXXXXX.sb", tmp && tmp[0] == '/' ? tmp : "/tmp");
	int fd = mkstemps(path, 3);
	int r = -1;
	if (fd >= 0 && sg_seatbelt_profile_port(s, port, &b) == 0 && sg_write_all(fd, b.data, b.len) == 0)
		r = 0;
	if (fd >= 0)
		close(fd);
	sg_buf_free(&b);
	return r;
}

static int chld_pipe[2] = { -1, -1 };

static void on_chld(int sig)
{
	(void)sig;
	(void)!write(chld_pipe[1], "c", 1);
}

int sg_sandbox_run(const sg_sandbox_spec *s)
{
	char file[1024];
	int port = 0, rc = SG_SBX_EXIT_SETUP;
	sg_netproxy *proxy = NULL;
	char **env = NULL;
	const char *extra[7] = { NULL };
	char vars[4][96];
	if (s->net == SG_NET_ALLOW) {
		if (sg_netproxy_new(&proxy, s->domains, s->prof->net_private, &port) < 0) {
			fprintf(stderr, "shellgate: exec: cannot start the network proxy\n");
			return SG_SBX_EXIT_SETUP;
		}
		const char *names[4] = { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy" };
		for (int i = 0; i < 4; i++) {
			snprintf(vars[i], sizeof vars[i], "%s=http://127.0.0.1:%d", names[i], port);
			extra[i] = vars[i];
		}
	}
	if (write_profile(s, port, file, sizeof file) < 0) {
		fprintf(stderr, "shellgate: exec: cannot write the Seatbelt profile\n");
		goto out;
	}
	env = sg_sandbox_env(s->prof, s->envp, s->home, s->cwd, extra);
	sg_sandbox_guard guard;
	sg_sandbox_guard_begin(&guard, s->prof, s->project);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		child(s, file, env);
	if (pid > 0) {
		int st = 0, reaped = 0;
		/* No pidfd on macOS: SIGCHLD writes to a pipe that stops the proxy. */
		if (proxy && pipe(chld_pipe) == 0) {
			struct sigaction sa;
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = on_chld;
			sigaction(SIGCHLD, &sa, NULL);
			if (waitpid(pid, &st, WNOHANG) == pid)
				reaped = 1;
			else
				(void)sg_netproxy_serve(proxy, chld_pipe[0]);
		}
		while (!reaped) {
			if (waitpid(pid, &st, 0) == pid)
				reaped = 1;
			else if (errno != EINTR)
				break;
		}
		kill(-pid, SIGKILL);	/* what stayed in the command's group */
		if (reaped)
			rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	sg_sandbox_guard_end(&guard);
	unlink(file);
out:
	sg_netproxy_free(proxy);
	sg_sandbox_env_free(env);
	return rc;
}
