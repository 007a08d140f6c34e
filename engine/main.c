/*
 * main.c - dispatch to a subcommand. Nothing else lives here.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sg.h"

#ifndef SG_VERSION
#define SG_VERSION "0.1.0"
#endif

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} cmds[] = {
	{ "check", sg_cli_check, "judge a shell command: allow, ask or deny" },
	{ "explain", sg_cli_explain, "print the command IR shellgate judges" },
	{ "test", sg_cli_test, "check every rule's examples" },
	{ "rules", sg_cli_rules, "list the effective rules and where each came from" },
	{ "allow", sg_cli_allow, "add a narrow allow rule to your rule file" },
	{ "forget", sg_cli_forget, "remove a rule from your rule file" },
	{ "hook", sg_cli_hook, "answer an agent's pre-tool hook on stdin" },
	{ "install", sg_cli_install, "register shellgate as an agent's hook" },
	{ "doctor", sg_cli_doctor, "check the hook registrations and answer a test request" },
	{ "import", sg_cli_import, "print Claude Code / Kiro permission lists as shellgate rules" },
	{ "exec", sg_cli_exec, "run a command inside the sandbox" },
	{ "lint", sg_cli_lint, "audit agent transcripts" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: shellgate SUBCOMMAND [OPTIONS]\n\n"
		   "A pre-execution policy engine for AI coding agents.\n\nSubcommands:\n");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n`shellgate SUBCOMMAND --help` describes each one.\n"
		   "`shellgate --version` prints the version.\n");
}

int main(int argc, char **argv)
{
	sg_alloc_install_hooks();
	if (argc < 2) {
		usage(stderr);
		return SG_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("shellgate %s\n", SG_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "shellgate: unknown subcommand '%s'\n", argv[1]);
	usage(stderr);
	return SG_EXIT_USAGE;
}
