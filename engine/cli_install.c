/*
 * cli_install.c - placeholder until `install` and `doctor` land.
 */
#include <stdio.h>

#include "cli.h"

int sg_cli_install(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("shellgate: install is not built in this version\n", stderr);
	return 3;
}

int sg_cli_doctor(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("shellgate: doctor is not built in this version\n", stderr);
	return 3;
}
