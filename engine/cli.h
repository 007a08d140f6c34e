/*
 * cli.h - one entry point per subcommand. main.c only dispatches; each
 * subcommand parses its own options in its own cli_<name>.c file.
 *
 * Every entry returns the process exit status; none calls exit().
 */
#ifndef SG_CLI_H
#define SG_CLI_H

int sg_cli_check(int argc, char **argv);	/* cli_check.c */
int sg_cli_explain(int argc, char **argv);	/* cli_check.c */
int sg_cli_test(int argc, char **argv);		/* cli_test.c */
int sg_cli_rules(int argc, char **argv);	/* cli_rules.c */
int sg_cli_allow(int argc, char **argv);	/* cli_allow.c */
int sg_cli_forget(int argc, char **argv);	/* cli_allow.c */
int sg_cli_exec(int argc, char **argv);		/* cli_exec.c (sandbox) */
int sg_cli_hook(int argc, char **argv);		/* cli_hook.c (protocol adapters) */
int sg_cli_install(int argc, char **argv);	/* cli_install.c */
int sg_cli_doctor(int argc, char **argv);	/* cli_install.c */
int sg_cli_lint(int argc, char **argv);		/* cli_lint.c (transcripts) */
int sg_cli_import(int argc, char **argv);	/* import_claude.c (Claude / Kiro permission lists) */

/* exit statuses of check */
enum { SG_EXIT_ALLOW = 0, SG_EXIT_ASK = 1, SG_EXIT_DENY = 2, SG_EXIT_USAGE = 3 };

#endif
