/*
 * cli_hook.c - placeholder until the protocol adapters land: it blocks in
 * every client (fail closed), it never lets a command through.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "sg.h"

int sg_cli_hook(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	static const char deny[] =
		"{\"decision\":\"block\",\"reason\":\"shellgate: hook adapters are not built in this version\","
		"\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\","
		"\"permissionDecisionReason\":\"shellgate: hook adapters are not built in this version\"}}\n";
	(void)sg_write_all(1, deny, sizeof deny - 1);
	fputs("shellgate: hook adapters are not built in this version\n", stderr);
	return 2;
}
