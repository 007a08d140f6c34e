/*
 * cli_exec.c - placeholder until the sandbox launcher lands: refuses to run
 * anything (status 125), never runs a command unconfined.
 */
#include <stdio.h>

#include "cli.h"

int sg_cli_exec(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("shellgate: exec: the sandbox is not built in this version; refusing to run the command\n", stderr);
	return 125;
}
