/*
 * test_caches.c - the caches of the judging path give the answers a fresh
 * computation gives: candidate rules per program name (engine.c, with the
 * program gate of match.c), lexical path classes (paths.c), the program
 * and wrapper lookup tables (rules_load.c) and the one-readlink-per-
 * component real path (paths.c). Each case is one where a cache keyed or
 * emptied wrongly would answer differently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine.h"
#include "paths.h"
#include "rules.h"

#define HOME "/home/user"
#define PROJ "/home/user/project"

static sg_engine *engine_with(const char *rules_json)
{
	char path[] = "/tmp/sg-test-caches-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(rules_json);
	assert_int_equal(write(fd, rules_json, n), (ssize_t)n);
	close(fd);
	sg_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = -1;
	cfg.no_builtin = 1;
	cfg.no_user = 1;
	const char *files[1] = { path };
	cfg.extra_files = files;
	cfg.nextra = 1;
	sg_buf log;
	sg_buf_init(&log);
	sg_engine *e = sg_engine_new(&cfg, &log);
	if (log.len)
		fprintf(stderr, "%s", log.data);
	sg_buf_free(&log);
	unlink(path);
	assert_false(sg_engine_broken(e));
	return e;
}

/* decision, and the deciding rule's id copied into rule (may be NULL) */
static sg_decision judge(sg_engine *e, const char *cmd, char *rule, size_t rn)
{
	sg_request r = { SG_REQ_SHELL, cmd, strlen(cmd), PROJ, HOME, PROJ };
	sg_verdict v;
	sg_engine_judge(e, &r, &v);
	sg_decision d = v.decision;
	if (rule) {
		rule[0] = 0;
		if (v.nreasons)
			snprintf(rule, rn, "%s", v.reasons[0].rule);
	}
	sg_verdict_free(&v);
	return d;
}

static const char *RULES =
	"{ \"format\": 1, \"rules\": [\n"
	"  { \"id\": \"t.empty\", \"decision\": \"deny\", \"reason\": \"r\", \"match\": {\"program_re\": \"^$\"} },\n"
	"  { \"id\": \"t.any\", \"decision\": \"deny\", \"reason\": \"r\",\n"
	"    \"match\": {\"any\": [{\"program\": [\"alpha\"]}, {\"program_re\": \"^bet+a$\"}]} },\n"
	"  { \"id\": \"t.long\", \"decision\": \"deny\", \"reason\": \"r\",\n"
	"    \"match\": {\"program_re\": \"^x{60}$\"} },\n"
	"  { \"id\": \"t.allow\", \"decision\": \"allow\", \"reason\": \"r\", \"match\": {\"program_re\": \"^p[0-9]+$\"} },\n"
	"  { \"id\": \"t.order\", \"decision\": \"ask\", \"reason\": \"r\",\n"
	"    \"match\": {\"args_any\": [\"^(a+)+$\"], \"any\": [{\"program\": [\"nothing-runs-this\"]}]} }\n"
	"] }\n";

/* A name and a program only known at run time share the text "" but not
 * the answer. */
static void t_cand_dynamic_vs_empty(void **st)
{
	(void)st;
	char rule[64];
	/* both orders: the first answer cached must not serve the other */
	for (int first_dyn = 0; first_dyn < 2; first_dyn++) {
		sg_engine *e = engine_with(RULES);
		for (int round = 0; round < 4; round++) {
			if ((round + first_dyn) % 2 == 0) {
				assert_int_equal(judge(e, "\"\" arg", rule, sizeof rule), SG_DENY);
				assert_string_equal(rule, "t.empty");
			} else {
				assert_int_equal(judge(e, "$X arg", rule, sizeof rule), SG_ASK);
				assert_string_equal(rule, "default.dynamic");
			}
		}
		sg_engine_free(e);
	}
}

/* Nested any: either alternative's program admits the rule, others not. */
static void t_cand_any(void **st)
{
	(void)st;
	sg_engine *e = engine_with(RULES);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(judge(e, "alpha", NULL, 0), SG_DENY);
		assert_int_equal(judge(e, "betttta", NULL, 0), SG_DENY);
		assert_int_equal(judge(e, "gamma", NULL, 0), SG_ASK);
		assert_int_equal(judge(e, "alphabet", NULL, 0), SG_ASK);
	}
	sg_engine_free(e);
}

/* More names than the cache has slots, then the first ones again; names
 * longer than what a slot keeps, equal up to that length. */
static void t_cand_many_and_long(void **st)
{
	(void)st;
	sg_engine *e = engine_with(RULES);
	char cmd[32];
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 3000; i++) {
			snprintf(cmd, sizeof cmd, "p%d", i);
			assert_int_equal(judge(e, cmd, NULL, 0), SG_ALLOW);
			snprintf(cmd, sizeof cmd, "q%d", i);
			assert_int_equal(judge(e, cmd, NULL, 0), SG_ASK);
		}
	char x60[61], x61[62], xy[61];
	memset(x60, 'x', 60), x60[60] = 0;
	memset(x61, 'x', 61), x61[61] = 0;
	memcpy(xy, x60, 61), xy[59] = 'y';
	/* shorter than the pattern's minimum length in characters (60): no
	 * match, answered before pcre2_match; 30 two-byte characters are 60
	 * bytes but still too short */
	char x59[60], e30[61];
	memset(x59, 'x', 59), x59[59] = 0;
	for (int i = 0; i < 30; i++)
		memcpy(e30 + 2 * i, "\xc3\xa9", 2);
	e30[60] = 0;
	for (int round = 0; round < 2; round++) {
		assert_int_equal(judge(e, x60, NULL, 0), SG_DENY);
		assert_int_equal(judge(e, x61, NULL, 0), SG_ASK);
		assert_int_equal(judge(e, xy, NULL, 0), SG_ASK);
		assert_int_equal(judge(e, x59, NULL, 0), SG_ASK);
		assert_int_equal(judge(e, e30, NULL, 0), SG_ASK);
	}
	sg_engine_free(e);
}

/* A rule whose only program names are in a nested any is indexed by those
 * names: for another program it is not tried at all (it cannot match, so
 * its pattern's error cannot arise); for its own program a pattern error
 * still fails closed, on every call, not only the first. */
static void t_cand_pattern_error_kept(void **st)
{
	(void)st;
	sg_engine *e = engine_with(RULES);
	char cmd[128], rule[64];
	const char *evil = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
	for (int round = 0; round < 2; round++) {
		snprintf(cmd, sizeof cmd, "nothing-runs-this %s", evil);
		assert_int_equal(judge(e, cmd, rule, sizeof rule), SG_DENY);
		assert_string_equal(rule, "engine.error");
		snprintf(cmd, sizeof cmd, "zeta %s", evil);
		assert_int_equal(judge(e, cmd, rule, sizeof rule), SG_ASK);
		assert_string_equal(rule, "default.unmatched");
	}
	assert_int_equal(judge(e, "nothing-runs-this aaa", rule, sizeof rule), SG_ASK);
	assert_string_equal(rule, "t.order");
	sg_engine_free(e);
}

/* ---- lexical path classes ---------------------------------------------------------- */

static unsigned classes(const sg_ruleset *rs, const char *p, const char *home, const char *proj)
{
	sg_arena a;
	sg_arena_init(&a);
	sg_ir ir;
	memset(&ir, 0, sizeof ir);
	ir.arena = &a;
	ir.home = home;
	ir.project = proj;
	ir.cwd = proj;
	unsigned c = sg_path_classes(&ir, rs, p, proj);
	sg_arena_free(&a);
	return c;
}

static void load_paths(sg_ruleset *rs, const char *json)
{
	sg_ruleset_init(rs);
	sg_buf log;
	sg_buf_init(&log);
	assert_int_equal(sg_ruleset_load_text(rs, "t.json", json, strlen(json), SG_LAYER_USER, 1, &log), 0);
	sg_buf_free(&log);
	sg_ruleset_finish(rs);
}

static const char *PATHS_A = "{ \"format\": 1, \"paths\": { \"secret\": [\"*.key\"] } }";
static const char *PATHS_B = "{ \"format\": 1, \"paths\": { \"config\": [\"*.key\"] } }";

/* the same text under another project, home or $TMPDIR */
static void t_class_context(void **st)
{
	(void)st;
	sg_paths_set_fs(0);
	sg_ruleset rs;
	load_paths(&rs, PATHS_A);
	const char *p = "/srv/a/x.c";
	for (int round = 0; round < 2; round++) {
		assert_true(classes(&rs, p, HOME, "/srv/a") & SG_P_PROJECT);
		assert_false(classes(&rs, p, HOME, "/srv/b") & SG_P_PROJECT);
		assert_true(classes(&rs, p, HOME, "/srv/b") & SG_P_OUTSIDE);
		assert_true(classes(&rs, "/srv/a", "/srv/a", "/srv/b") & SG_P_HOME);
		assert_false(classes(&rs, "/srv/a", HOME, "/srv/b") & SG_P_HOME);
		unsetenv("TMPDIR");
		assert_false(classes(&rs, "/scratch/t/x", HOME, PROJ) & SG_P_TEMP);
		setenv("TMPDIR", "/scratch/t", 1);
		assert_true(classes(&rs, "/scratch/t/x", HOME, PROJ) & SG_P_TEMP);
		unsetenv("TMPDIR");
	}
	sg_ruleset_free(&rs);
	sg_paths_set_fs(1);
}

/* patterns applied (rs) or not (text words: NULL) for the same path */
static void t_class_patterns_or_not(void **st)
{
	(void)st;
	sg_paths_set_fs(0);
	sg_ruleset rs;
	load_paths(&rs, PATHS_A);
	for (int round = 0; round < 2; round++) {
		assert_true(classes(&rs, PROJ "/id.key", HOME, PROJ) & SG_P_SECRET);
		assert_false(classes(NULL, PROJ "/id.key", HOME, PROJ) & SG_P_SECRET);
	}
	sg_ruleset_free(&rs);
	sg_paths_set_fs(1);
}

/* a rule set freed and another loaded, likely at the same address */
static unsigned class_with(const char *json, const char *p)
{
	static sg_ruleset rs;	/* the same address every time */
	load_paths(&rs, json);
	unsigned c = classes(&rs, p, HOME, PROJ);
	sg_ruleset_free(&rs);
	return c;
}

static void t_class_ruleset_replaced(void **st)
{
	(void)st;
	sg_paths_set_fs(0);
	for (int round = 0; round < 2; round++) {
		unsigned a = class_with(PATHS_A, PROJ "/id.key");
		unsigned b = class_with(PATHS_B, PROJ "/id.key");
		assert_true(a & SG_P_SECRET);
		assert_false(a & SG_P_CONFIG);
		assert_true(b & SG_P_CONFIG);
		assert_false(b & SG_P_SECRET);
	}
	sg_paths_set_fs(1);
}

/* ---- program and wrapper tables ------------------------------------------------------ */

static void t_tables(void **st)
{
	(void)st;
	const char *json =
		"{ \"format\": 1,\n"
		"  \"programs\": { \"tool\": { \"options_with_value\": [\"-a\"] } },\n"
		"  \"wrappers\": [ { \"names\": [\"w1\", \"both\"], \"kind\": \"exec\" },\n"
		"                { \"names\": [\"both\", \"w2\"], \"kind\": \"shell\" } ] }";
	sg_ruleset rs;
	sg_ruleset_init(&rs);
	sg_buf log;
	sg_buf_init(&log);
	assert_int_equal(sg_ruleset_load_text(&rs, "t.json", json, strlen(json), SG_LAYER_USER, 1, &log), 0);
	sg_buf_free(&log);
	const sg_wrapper *before = sg_rules_wrapper(&rs, "both");
	const sg_program *pbefore = sg_rules_program(&rs, "tool");
	sg_ruleset_finish(&rs);
	/* the tables answer what the linear search answered: later wrappers win */
	assert_ptr_equal(sg_rules_wrapper(&rs, "both"), before);
	assert_int_equal(sg_rules_wrapper(&rs, "both")->kind, SG_WK_SHELL);
	assert_int_equal(sg_rules_wrapper(&rs, "w1")->kind, SG_WK_EXEC);
	assert_null(sg_rules_wrapper(&rs, "w3"));
	assert_ptr_equal(sg_rules_program(&rs, "tool"), pbefore);
	assert_non_null(pbefore);
	assert_null(sg_rules_program(&rs, "tool2"));
	sg_ruleset_free(&rs);
}

/* ---- real paths ------------------------------------------------------------------------ */

/* real path shown for a word, as explain records it ("" when none) */
static const char *real_of_word(sg_engine *e, const char *cmd, const char *cwd)
{
	static char out[512];
	sg_request r = { SG_REQ_SHELL, cmd, strlen(cmd), cwd, HOME, cwd };
	sg_verdict v;
	sg_engine_judge(e, &r, &v);
	out[0] = 0;
	assert_non_null(v.ir);
	assert_true(v.ir->ncmds >= 1);
	sg_word *w = &v.ir->cmds[0]->argv[1];
	const sg_path *p = sg_path_of_word(v.ir, sg_engine_rules(e), w);
	snprintf(out, sizeof out, "%s", p->real ? p->real : "");
	sg_verdict_free(&v);
	return out;
}

static void t_real_paths(void **st)
{
	(void)st;
	char dir[] = "/tmp/sg-test-real-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char d[600], l[600], c[1400];
	snprintf(d, sizeof d, "%s/d", dir);
	snprintf(l, sizeof l, "%s/l", dir);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(symlink(d, l), 0);
	sg_engine *e = engine_with(RULES);
	for (int round = 0; round < 2; round++) {
		/* no symlink: the real path is the path (not recorded) */
		snprintf(c, sizeof c, "cat %s/missing/x", d);
		assert_string_equal(real_of_word(e, c, dir), "");
		/* through a symlink, existing or not below it */
		snprintf(c, sizeof c, "cat %s/f", l);
		snprintf(d + strlen(d), sizeof d - strlen(d), "/f");
		assert_string_equal(real_of_word(e, c, dir), d);
		d[strlen(d) - 2] = 0;
		snprintf(c, sizeof c, "cat %s/missing/x", l);
		char want[700];
		snprintf(want, sizeof want, "%s/missing/x", d);
		assert_string_equal(real_of_word(e, c, dir), want);
		/* the first component missing: no real path */
		assert_string_equal(real_of_word(e, "cat /no-such-top-dir-sg/x", dir), "");
	}
	sg_engine_free(e);
	unlink(l);
	rmdir(d);
	rmdir(dir);
}

/* Patterns are kept once per distinct text (found by hash while loading):
 * 600 rules over 300 texts, each used twice and in two files, make 300
 * patterns; the set still answers for every rule, and a second load of
 * the same texts into a set that already has them adds none. */
static void t_pattern_dedup(void **st)
{
	(void)st;
	sg_buf j;
	sg_buf_init(&j);
	sg_buf_adds(&j, "{ \"format\": 1, \"rules\": [\n");
	for (int i = 0; i < 600; i++)
		sg_buf_printf(&j, "%s{ \"id\": \"t.p%d\", \"decision\": \"deny\", \"reason\": \"r\", "
			      "\"match\": {\"program\": [\"prog%d\"], \"args_any\": [\"^arg%d$\"]} }\n",
			      i ? "," : "", i, i, i % 300);
	sg_buf_adds(&j, "] }\n");
	sg_ruleset rs;
	sg_ruleset_init(&rs);
	sg_buf log;
	sg_buf_init(&log);
	assert_int_equal(sg_ruleset_load_text(&rs, "a.json", j.data, j.len, SG_LAYER_USER, 1, &log), 0);
	assert_int_equal(rs.npats, 300);
	sg_buf_reset(&j);
	sg_buf_adds(&j, "{ \"format\": 1, \"rules\": [\n");
	for (int i = 0; i < 300; i++)
		sg_buf_printf(&j, "%s{ \"id\": \"t.q%d\", \"decision\": \"ask\", \"reason\": \"r\", "
			      "\"match\": {\"program\": [\"other\"], \"args_any\": [\"^arg%d$\"]} }\n",
			      i ? "," : "", i, 299 - i);
	sg_buf_adds(&j, "] }\n");
	assert_int_equal(sg_ruleset_load_text(&rs, "b.json", j.data, j.len, SG_LAYER_USER, 1, &log), 0);
	assert_int_equal(rs.npats, 300);
	sg_buf_free(&log);
	sg_buf_free(&j);
	sg_ruleset_finish(&rs);
	assert_null(rs.pat_texts.slot);
	sg_ruleset_free(&rs);
}

/* The plain-directory memo (lint only) answers as the filesystem does while
 * it stays the same, and is off unless asked for: a directory replaced by a
 * symlink is seen at once without it (hooks, check, batch), and not with it
 * (lint: what was run is judged against the filesystem as first seen). */
static void t_plain_memo(void **st)
{
	(void)st;
	char dir[] = "/tmp/sg-test-plain-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char d[600], t[600], c[1400], want[1400];
	snprintf(d, sizeof d, "%s/d", dir);
	snprintf(t, sizeof t, "%s/t", dir);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(mkdir(t, 0700), 0);
	snprintf(c, sizeof c, "cat %s/f", d);
	snprintf(want, sizeof want, "%s/f", t);
	sg_engine *e = engine_with(RULES);
	for (int memo = 0; memo < 2; memo++) {
		sg_paths_memo_plain(memo);
		/* twice while nothing changes: no real path either way */
		assert_string_equal(real_of_word(e, c, dir), "");
		assert_string_equal(real_of_word(e, c, dir), "");
		/* d becomes a symlink to t */
		assert_int_equal(rmdir(d), 0);
		assert_int_equal(symlink(t, d), 0);
		assert_string_equal(real_of_word(e, c, dir), memo ? "" : want);
		assert_int_equal(unlink(d), 0);
		assert_int_equal(mkdir(d, 0700), 0);
	}
	sg_paths_memo_plain(0);
	sg_engine_free(e);
	rmdir(d);
	rmdir(t);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(t_cand_dynamic_vs_empty), cmocka_unit_test(t_cand_any),
		cmocka_unit_test(t_cand_many_and_long), cmocka_unit_test(t_cand_pattern_error_kept),
		cmocka_unit_test(t_class_context), cmocka_unit_test(t_class_patterns_or_not),
		cmocka_unit_test(t_class_ruleset_replaced), cmocka_unit_test(t_tables),
		cmocka_unit_test(t_real_paths), cmocka_unit_test(t_plain_memo),
		cmocka_unit_test(t_pattern_dedup),
	};
	sg_alloc_install_hooks();
	return cmocka_run_group_tests_name("caches", t, NULL, NULL);
}
