/*
 * jobs_linux.c - a worker dies with its parent: PR_SET_PDEATHSIG.
 */
#include <signal.h>
#include <sys/prctl.h>

#include "jobs.h"

void sg_jobs_die_with_parent(void)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
}
