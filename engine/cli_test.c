/*
 * cli_test.c - `shellgate test [RULEFILE...]`: load rule files strictly
 * (every pattern compiled), then check every rule's examples: a "match"
 * example must make the rule match some command of it, a "no_match" example
 * none. Prints one line per failure and "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cliopt.h"
#include "engine.h"
#include "match.h"
#include "paths.h"
#include "rules.h"

static const char test_usage[] =
	"usage: shellgate test [--no-builtin] [--builtin-dir DIR] [RULEFILE...]\n"
	"\n"
	"Check rule files: report errors as file:line:col, compile every pattern, and\n"
	"check every rule's examples. Without RULEFILE, the built-in packs are tested.\n"
	"With RULEFILEs, the built-in packs are loaded too (their programs and wrappers\n"
	"data), but only the given files' rules are tested.\n"
	"Examples are judged with cwd = project = /home/user/project and home =\n"
	"/home/user, without looking at the file system.\n"
	"Prints \"N passed, N failed\"; exit status 0 when all pass, 1 when an example\n"
	"fails, 2 when a file has errors.\n";

#define T_HOME "/home/user"
#define T_PROJ "/home/user/project"

static int in_files(const sg_rule *r, int argc, char **argv, int from)
{
	if (from >= argc)
		return r->layer == SG_LAYER_BUILTIN;
	for (int i = from; i < argc; i++)
		if (!strcmp(r->origin, argv[i]))
			return 1;
	return 0;
}

static int check_examples(sg_engine *e, const sg_rule *r, int *pass, int *fail)
{
	const sg_strlist *lists[2] = { &r->ex_match, &r->ex_nomatch };
	const sg_strlist *cwds[2] = { &r->ex_match_cwd, &r->ex_nomatch_cwd };
	for (int m = 0; m < 2; m++) {
		for (size_t i = 0; i < lists[m]->n; i++) {
			const char *cwd = cwds[m]->n > i && cwds[m]->v[i][0] ? cwds[m]->v[i] : T_PROJ;
			int hit = sg_engine_rule_matches(e, r, lists[m]->v[i], cwd, T_HOME, T_PROJ);
			int want = m == 0;
			if (hit < 0) {
				printf("FAIL %s (%s): example `%s`: a pattern failed to compile or match\n", r->id, r->origin,
				       lists[m]->v[i]);
				(*fail)++;
			} else if (hit != want) {
				printf("FAIL %s (%s): %s example does %s: `%s`\n", r->id, r->origin,
				       want ? "match" : "no_match", want ? "not match" : "match", lists[m]->v[i]);
				(*fail)++;
			} else {
				(*pass)++;
			}
		}
	}
	return 0;
}

int sg_cli_test(int argc, char **argv)
{
	sg_cliopt o;
	int r = sg_cliopt_parse(argc, argv, &o, test_usage);
	if (r) {
		free(o.extra);
		return r > 0 ? 0 : 2;
	}
	/* positional arguments are rule files, loaded as extra layers */
	for (int i = o.argi; i < argc; i++)
		o.extra[o.cfg.nextra++] = argv[i];
	o.cfg.extra_files = o.extra;
	o.cfg.no_user = 1;
	o.cfg.project = NULL;
	sg_paths_set_fs(0);
	sg_buf log;
	sg_buf_init(&log);
	sg_engine *e = sg_engine_new(&o.cfg, &log);
	int pass = 0, fail = 0, errors = 0;
	const sg_ruleset *rs = sg_engine_rules(e);
	/* compile every pattern now: built-in packs are otherwise lazy */
	for (size_t i = 0; i < rs->nrules; i++) {
		sg_buf err;
		sg_buf_init(&err);
		if (sg_cond_compile_all((sg_ruleset *)rs, rs->rules[i]->cond, &err) < 0) {
			sg_buf_printf(&log, "%s: error: rule '%s': %s\n", rs->rules[i]->origin, rs->rules[i]->id,
				      sg_buf_cstr(&err));
			errors++;
		}
		sg_buf_free(&err);
	}
	if (log.len)
		fputs(log.data, stdout);
	if (sg_engine_broken(e))
		errors++;
	for (size_t i = 0; i < rs->nrules; i++) {
		const sg_rule *rule = rs->rules[i];
		if (!in_files(rule, argc, argv, o.argi))
			continue;
		if (!rule->ex_match.n && rule->decision != SG_ALLOW) {
			printf("FAIL %s (%s): a %s rule needs at least one \"match\" example\n", rule->id, rule->origin,
			       sg_decision_name(rule->decision));
			fail++;
		}
		check_examples(e, rule, &pass, &fail);
	}
	sg_buf_free(&log);
	sg_engine_free(e);
	free(o.extra);
	printf("%d passed, %d failed\n", pass, fail + errors);
	return errors ? 2 : fail ? 1 : 0;
}
