/*
 * cli_lint.c - placeholder until the transcript readers land.
 */
#include <stdio.h>

#include "cli.h"

int sg_cli_lint(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("shellgate: lint is not built in this version\n", stderr);
	return 2;
}
