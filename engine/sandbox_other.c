/*
 * sandbox_other.c - platforms without a sandbox backend: `shellgate exec`
 * refuses to run anything (status 125), and the probe says why, so the hook
 * never rewrites a command into an exec that cannot start.
 */
#include <stdio.h>
#include <string.h>

#include "sandbox.h"

int sg_sandbox_probe(sg_sandbox_probe_result *r)
{
	memset(r, 0, sizeof *r);
	r->platform = "none";
	snprintf(r->why, sizeof r->why, "no sandbox on this platform (Linux and macOS only)");
	return 0;
}

int sg_sandbox_run(const sg_sandbox_spec *s)
{
	(void)s;
	fputs("shellgate: exec: no sandbox on this platform (Linux and macOS only); the command was not run\n",
	      stderr);
	return SG_SBX_EXIT_SETUP;
}

void sg_sandbox_explain(const sg_sandbox_spec *s, sg_buf *out)
{
	sg_sandbox_explain_common(s, out);
	sg_buf_adds(out, "sandbox   NONE on this platform: exec refuses to run commands\n");
}
