/*
 * sandbox_test.h - helpers shared by the sandbox unit tests: run a probe in
 * a forked child (so that filters and limits never touch the test runner)
 * and report what it saw through the exit status.
 */
#ifndef SG_SANDBOX_TEST_H
#define SG_SANDBOX_TEST_H

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn(arg) in a child and returns its raw wait status (-1 on fork
 * failure). fn's return value becomes the child's exit status. */
static inline int sbx_in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* Child exit status that means "the call failed with this errno". */
#define SBX_ERRNO(e) (100 + (e) % 100)
static inline int sbx_errno_status(long r)
{
	return r >= 0 ? 0 : SBX_ERRNO(errno);
}

#endif
