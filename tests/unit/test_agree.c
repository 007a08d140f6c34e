/*
 * test_agree.c - the agreement invariant of fuzz/agree.h over every command
 * of the project's own test inputs: `check`, `hook` (Claude Code, Codex CLI,
 * Gemini CLI) and `lint` (a Claude Code transcript) come to the same
 * decision, as far as each client can express it.
 *
 * Inputs, one test each: tests/golden/verdicts.tsv and pathological.tsv,
 * tests/golden/ir/\*.cmd, tests/regress/check/\* and tests/regress/agree/\*
 * (byte for byte), every example of the built-in rule packs, and
 * ../shared/corpus/dev.tsv when it is there (skipped otherwise). Paths are
 * relative to $SG_ROOT (set by tests/run.sh), else the current directory.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../fuzz/agree.h"
#include "cliopt.h"
#include "rules.h"

static sg_engine *eng;
static const char *root = ".";
static size_t timed_out_total;

/* Runs the invariant on one command; prints a TAP diagnostic when it fails. */
static int one(const char *where, const char *cmd, size_t n)
{
	sg_buf why;
	sg_buf_init(&why);
	int timed_out;
	int bad = agree_one(eng, cmd, n, &why, &timed_out);
	if (timed_out) {
		printf("# %s: not compared, its parse ran into the timeout %d times\n", where, AGREE_TRIES);
		timed_out_total++;
	}
	if (bad) {
		sg_buf shown;
		sg_buf_init(&shown);
		sg_buf_json_str(&shown, cmd, n > 200 ? 200 : n);
		printf("# disagreement at %s: %s\n#   command: %s\n", where, why.data, shown.data);
		sg_buf_free(&shown);
	}
	sg_buf_free(&why);
	return bad;
}

/* Every line of a TSV file whose command is the last of `col` columns
 * (escaped as the dev corpus: \\ \t \n \r). Returns the number of
 * disagreements; *seen counts commands. -1 when the file is missing. */
static int tsv(const char *rel, int col, size_t *seen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long ln = 0;
	int bad = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		ln++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!len || line[0] == '#')
			continue;
		char *p = line;
		for (int c = 1; c < col && p; c++) {
			p = strchr(p, '\t');
			if (p)
				p++;
		}
		if (!p)
			continue;
		size_t n = sg_batch_decode(p, strlen(p));
		char where[4200];
		snprintf(where, sizeof where, "%s:%lu", rel, ln);
		bad += one(where, p, n);
		(*seen)++;
	}
	free(line);
	fclose(f);
	return bad;
}

/* Every regular file of a directory (with a name suffix, or all), as one
 * command each. -1 when the directory is missing. */
static int files(const char *rel, const char *suffix, size_t *seen)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/%s", root, rel);
	struct dirent **names;
	int nn = scandir(dir, &names, NULL, alphasort);
	if (nn < 0)
		return -1;
	int bad = 0;
	for (int i = 0; i < nn; i++) {
		const char *name = names[i]->d_name;
		size_t l = strlen(name), sl = suffix ? strlen(suffix) : 0;
		if (name[0] != '.' && (!suffix || (l > sl && !strcmp(name + l - sl, suffix))) && strcmp(name, "README.md")) {
			char path[8300];
			snprintf(path, sizeof path, "%s/%s", dir, name);
			char *data;
			size_t n;
			if (sg_read_file(path, SG_MAX_INPUT, &data, &n) == 0) {
				char where[4400];
				snprintf(where, sizeof where, "%s/%s", rel, name);
				bad += one(where, data, n);
				(*seen)++;
				free(data);
			}
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

static void report(const char *what, int bad, size_t seen)
{
	printf("# %s: %zu commands, %d disagreements\n", what, seen, bad < 0 ? 0 : bad);
	assert_int_equal(bad, 0);
}

static void t_golden_verdicts(void **st)
{
	(void)st;
	size_t seen = 0;
	int bad = tsv("tests/golden/verdicts.tsv", 2, &seen);
	assert_true(bad >= 0);
	assert_true(seen > 0);
	report("golden verdicts", bad, seen);
}

static void t_pathological(void **st)
{
	(void)st;
	size_t seen = 0;
	int bad = tsv("tests/golden/pathological.tsv", 2, &seen);
	assert_true(bad >= 0);
	report("pathological", bad, seen);
}

static void t_golden_ir(void **st)
{
	(void)st;
	size_t seen = 0;
	int bad = files("tests/golden/ir", ".cmd", &seen);
	assert_true(bad >= 0);
	assert_true(seen > 0);
	report("golden IR commands", bad, seen);
}

static void t_regress(void **st)
{
	(void)st;
	size_t seen = 0;
	int bad = files("tests/regress/check", NULL, &seen);
	assert_true(bad >= 0);
	int b2 = files("tests/regress/agree", NULL, &seen);
	bad += b2 > 0 ? b2 : 0;
	report("regression inputs", bad, seen);
}

static void t_rule_examples(void **st)
{
	(void)st;
	const sg_ruleset *rs = sg_engine_rules(eng);
	size_t seen = 0;
	int bad = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		const sg_rule *r = rs->rules[i];
		const sg_strlist *ls[] = { &r->ex_match, &r->ex_nomatch, &r->ex_match_cwd, &r->ex_nomatch_cwd };
		for (size_t k = 0; k < sizeof ls / sizeof ls[0]; k++)
			for (size_t j = 0; j < ls[k]->n; j++) {
				bad += one(r->id, ls[k]->v[j], strlen(ls[k]->v[j]));
				seen++;
			}
	}
	assert_true(seen > 0);
	report("rule examples", bad, seen);
}

static void t_dev_corpus(void **st)
{
	(void)st;
	size_t seen = 0;
	int bad = tsv("../shared/corpus/dev.tsv", 3, &seen);
	if (bad < 0)
		skip();
	report("dev corpus", bad, seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_golden_verdicts), cmocka_unit_test(t_pathological), cmocka_unit_test(t_golden_ir),
		cmocka_unit_test(t_regress),	     cmocka_unit_test(t_rule_examples), cmocka_unit_test(t_dev_corpus),
	};
	sg_alloc_install_hooks();
	if (getenv("SG_ROOT"))
		root = getenv("SG_ROOT");
	agree_setup();
	sg_config cfg;
	memset(&cfg, 0, sizeof cfg);
	char rules[4200];
	snprintf(rules, sizeof rules, "%s/rules", root);
	cfg.builtin_dir = rules;
	cfg.no_user = 1;
	cfg.mode = -1;
	sg_buf log;
	sg_buf_init(&log);
	eng = sg_engine_new(&cfg, &log);
	if (sg_engine_broken(eng)) {
		printf("not ok 1 - the built-in rules load\n# %s", log.data ? log.data : "");
		return 1;
	}
	sg_buf_free(&log);
	int f = cmocka_run_group_tests_name("agree", tests, NULL, NULL);
	printf("# %zu commands not compared (parse timeout every time)\n", timed_out_total);
	sg_engine_free(eng);
	return f;
}
