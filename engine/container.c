/*
 * container.c - `shellgate exec --backend podman|docker`: the same contract
 * as the native launcher, delivered by a throwaway container.
 *
 * What the container gets: the project bind-mounted at its own path
 * (read-only for profiles with "project": "ro"), a tmpfs /tmp and $HOME,
 * a read-only root filesystem, no capabilities, no-new-privileges, the
 * caller's uid (podman: --userns=keep-id; docker: --user UID:GID), the
 * profile's rlimits, --network none unless --net host, and the scrubbed
 * environment passed by name (`-e NAME`, values taken from the engine's own
 * environment so that they never appear in a process listing).
 * --net allow is refused here: the proxy needs the native launcher.
 *
 * Exit statuses: podman and docker already follow env(1) (125 for their
 * own errors, 126, 127, the command's status), so theirs is returned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"

static void push(sg_strvec *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void push(sg_strvec *v, const char *fmt, ...)
{
	sg_buf b;
	va_list ap;
	sg_buf_init(&b);
	va_start(ap, fmt);
	sg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sg_strvec_push(v, sg_buf_cstr(&b));
	sg_buf_free(&b);
}

static void push_limits(sg_strvec *v, const sg_profile *p, int podman)
{
	static const char *const names[SG_RL_COUNT] = { "cpu", "fsize", "nproc", "nofile", NULL, "core" };
	for (int i = 0; i < SG_RL_COUNT; i++) {
		if (!p->rl_set[i] || !names[i] || p->rl[i] == ~0ULL)
			continue;
		if (i == SG_RL_NPROC) {
			push(v, "--pids-limit=%llu", p->rl[i]);
			continue;
		}
		push(v, "--ulimit=%s=%llu:%llu", names[i], p->rl[i], p->rl[i]);
	}
	if (p->rl_set[SG_RL_AS] && p->rl[SG_RL_AS] != ~0ULL)
		push(v, "--memory=%llu", p->rl[SG_RL_AS]);
	(void)podman;
}

char **sg_sandbox_container_argv(const sg_sandbox_spec *s, const char *engine, const char *image,
				 char *const *env, sg_buf *err)
{
	const sg_profile *p = s->prof;
	int podman = !strcmp(engine, "podman");
	if (s->net == SG_NET_ALLOW) {
		sg_buf_adds(err, "--net allow needs the native backend (the proxy lives there)\n");
		return NULL;
	}
	sg_strvec v = { 0 };
	sg_strvec_push(&v, engine);
	sg_strvec_push(&v, "run");
	sg_strvec_push(&v, "--rm");
	sg_strvec_push(&v, "--interactive");
	if (isatty(0) && isatty(1))
		sg_strvec_push(&v, "--tty");
	sg_strvec_push(&v, "--read-only");
	sg_strvec_push(&v, "--cap-drop=ALL");
	sg_strvec_push(&v, "--security-opt=no-new-privileges");
	push(&v, "--network=%s", s->net == SG_NET_HOST ? "host" : "none");
	if (podman)
		sg_strvec_push(&v, "--userns=keep-id");
	else
		push(&v, "--user=%u:%u", (unsigned)getuid(), (unsigned)getgid());
	push(&v, "--volume=%s:%s:%s", s->project, s->project, p->project_rw ? "rw" : "ro");
	push(&v, "--tmpfs=/tmp:rw,nosuid,nodev,size=%um", p->tmp_mb);
	if (s->home && strncmp(s->home, s->project, strlen(s->project)))
		push(&v, "--tmpfs=%s:rw,nosuid,nodev,size=%um,mode=0700%s", s->home, p->tmp_mb, podman ? ",U" : "");
	push(&v, "--workdir=%s", s->cwd);
	push_limits(&v, p, podman);
	for (size_t i = 0; env && env[i]; i++) {
		const char *eq = strchr(env[i], '=');
		if (eq)
			push(&v, "--env=%.*s", (int)(eq - env[i]), env[i]);
	}
	sg_strvec_push(&v, image);
	for (size_t i = 0; s->argv[i]; i++)
		sg_strvec_push(&v, s->argv[i]);
	return v.v;
}

int sg_sandbox_container_run(const sg_sandbox_spec *s, const char *engine, const char *image)
{
	sg_buf err;
	sg_buf_init(&err);
	char **env = sg_sandbox_env(s->prof, s->envp, s->home, s->cwd, NULL);
	char **argv = sg_sandbox_container_argv(s, engine, image, env, &err);
	int rc = SG_SBX_EXIT_SETUP;
	if (!argv) {
		fprintf(stderr, "shellgate: exec: %s", sg_buf_cstr(&err));
		goto out;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "shellgate: exec: fork: %s\n", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		/* The engine sees only the scrubbed environment (plus what it
		 * needs to find its own storage), and passes it on by name. */
		extern char **environ;
		environ = env;
		execvp(argv[0], argv);
		fprintf(stderr, "shellgate: exec: %s: %s\n", argv[0], strerror(errno));
		_exit(SG_SBX_EXIT_SETUP);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			goto out;
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
out:
	sg_sandbox_env_free(argv);
	sg_sandbox_env_free(env);
	sg_buf_free(&err);
	return rc;
}
