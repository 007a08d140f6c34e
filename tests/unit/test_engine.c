/*
 * test_engine.c - unit tests of the engine modules: glob and path
 * classification (paths.c), batch decoding, rule-file loading errors
 * (rules_load.c), word expansion and lowering (words.c, lower.c, unwrap.c)
 * observed through the IR, and decisions (engine.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cliopt.h"
#include "engine.h"
#include "paths.h"
#include "rules.h"

#define HOME "/home/user"
#define PROJ "/home/user/project"

/* ---- glob / paths -------------------------------------------------------------- */

static void t_glob(void **st)
{
	(void)st;
	assert_true(sg_glob_match("*.pem", "key.pem"));
	assert_false(sg_glob_match("*.pem", "dir/key.pem"));
	assert_true(sg_glob_match("/home/u/.ssh/**", "/home/u/.ssh/id_rsa"));
	assert_true(sg_glob_match("/home/u/.ssh/**", "/home/u/.ssh"));
	assert_true(sg_glob_match("/a/**/z", "/a/b/c/z"));
	assert_false(sg_glob_match("/a/*/z", "/a/b/c/z"));
	assert_true(sg_glob_match(".env.*", ".env.local"));
	assert_true(sg_glob_match("id_[re]*", "id_rsa"));
	assert_false(sg_glob_match("id_[!r]*", "id_rsa"));
}

static void t_resolve(void **st)
{
	(void)st;
	sg_arena a;
	sg_arena_init(&a);
	assert_string_equal(sg_path_resolve(&a, "~", "/x", HOME), HOME);
	assert_string_equal(sg_path_resolve(&a, "~/a/../b/./c", "/x", HOME), HOME "/b/c");
	assert_string_equal(sg_path_resolve(&a, "../..", PROJ "/src", HOME), HOME);
	assert_string_equal(sg_path_resolve(&a, "/../..", "/x", HOME), "/");
	assert_string_equal(sg_path_resolve(&a, "a//b/", "/x", HOME), "/x/a/b");
	assert_null(sg_path_resolve(&a, "rel", NULL, HOME));
	sg_arena_free(&a);
}

static unsigned classes(const char *p, const char *cwd)
{
	sg_arena a;
	sg_arena_init(&a);
	sg_ir ir;
	memset(&ir, 0, sizeof ir);
	ir.arena = &a;
	ir.home = HOME;
	ir.project = PROJ;
	ir.cwd = cwd;
	unsigned c = sg_path_classes(&ir, NULL, p, cwd);
	sg_arena_free(&a);
	return c;
}

static void t_classes(void **st)
{
	(void)st;
	sg_paths_set_fs(0);
	assert_true(classes("/", PROJ) & SG_P_ROOT);
	assert_true(classes("~", PROJ) & SG_P_HOME);
	assert_true(classes("~/x", PROJ) & SG_P_IN_HOME);
	assert_true(classes("..", PROJ) & SG_P_ANCESTOR);
	assert_true(classes(".", PROJ) & SG_P_PROJECT_ROOT);
	assert_true(classes("src/a.c", PROJ) & SG_P_PROJECT);
	assert_false(classes("src/a.c", PROJ) & SG_P_OUTSIDE);
	assert_true(classes("/etc/passwd", PROJ) & SG_P_SYSTEM);
	assert_true(classes("/tmp/x", PROJ) & SG_P_TEMP);
	assert_false(classes("/tmp/x", PROJ) & SG_P_OUTSIDE);
	assert_true(classes("/dev/sda", PROJ) & SG_P_DEVICE);
	assert_true(classes("/dev/null", PROJ) & SG_P_HARMLESS_DEV);
	assert_false(classes("/dev/null", PROJ) & SG_P_DEVICE);
	assert_true(classes(".git/config", PROJ) & SG_P_GIT);
	assert_true(classes("../other", PROJ) & SG_P_OUTSIDE);
	sg_paths_set_fs(1);
}

/* ---- batch decoding -------------------------------------------------------------- */

static void t_batch_decode(void **st)
{
	(void)st;
	char s[] = "a\\tb\\nc\\\\n\\rd\\x";
	size_t n = sg_batch_decode(s, strlen(s));
	assert_int_equal(n, 11);
	assert_memory_equal(s, "a\tb\nc\\n\rd\\x", n);
}

/* ---- rule loading ------------------------------------------------------------------ */

static int load(const char *text, sg_buf *log)
{
	sg_ruleset rs;
	sg_ruleset_init(&rs);
	int r = sg_ruleset_load_text(&rs, "t.json", text, strlen(text), SG_LAYER_EXTRA, 1, log);
	sg_ruleset_free(&rs);
	return r;
}

static void t_load_errors(void **st)
{
	(void)st;
	sg_buf log;
	sg_buf_init(&log);
	assert_int_equal(load("{\"format\":1}", &log), 0);
	assert_int_equal(load("// c\n{\"format\":1, /* x */ \"rules\":[]}", &log), 0);
	sg_buf_reset(&log);
	assert_int_equal(load("{\n  \"format\": 1,\n  \"bogus\": 2\n}", &log), -1);
	assert_non_null(strstr(sg_buf_cstr(&log), "t.json:3:3: error: unknown top-level key 'bogus'"));
	sg_buf_reset(&log);
	assert_int_equal(load("{\"format\":1,\n\"rules\":[{\"id\":\"a\",\"decision\":\"maybe\",\"reason\":\"r\",\"match\":{}}]}", &log), -1);
	assert_non_null(strstr(sg_buf_cstr(&log), "t.json:2:"));
	assert_non_null(strstr(sg_buf_cstr(&log), "'decision' must be allow, ask or deny"));
	sg_buf_reset(&log);
	assert_int_equal(load("{\"format\":1, \"rules\": [", &log), -1);
	assert_non_null(strstr(sg_buf_cstr(&log), "invalid JSON"));
	sg_buf_reset(&log);
	assert_int_equal(load("{\"format\":1,\"rules\":[{\"id\":\"a\",\"decision\":\"deny\",\"reason\":\"r\",\"match\":{\"path_any\":[\"nowhere\"]}}]}", &log), -1);
	assert_non_null(strstr(sg_buf_cstr(&log), "unknown path class 'nowhere'"));
	/* nesting deeper than SG_MAX_JSON_DEPTH */
	sg_buf deep;
	sg_buf_init(&deep);
	sg_buf_adds(&deep, "{\"format\":1,\"x\":");
	for (int i = 0; i < SG_MAX_JSON_DEPTH + 5; i++)
		sg_buf_addc(&deep, '[');
	sg_buf_reset(&log);
	assert_int_equal(load(sg_buf_cstr(&deep), &log), -1);
	assert_non_null(strstr(sg_buf_cstr(&log), "SG_MAX_JSON_DEPTH"));
	sg_buf_free(&deep);
	sg_buf_free(&log);
}

static void t_untrusted_layer(void **st)
{
	(void)st;
	sg_ruleset rs;
	sg_ruleset_init(&rs);
	sg_buf log;
	sg_buf_init(&log);
	const char *t = "{\"format\":1,\"defaults\":{\"unmatched\":\"allow\"},\"rules\":["
			"{\"id\":\"p.allow\",\"decision\":\"allow\",\"reason\":\"r\",\"match\":{\"program\":\"rm\"}},"
			"{\"id\":\"p.deny\",\"decision\":\"deny\",\"reason\":\"r\",\"match\":{\"program\":\"curl\"}}]}";
	assert_int_equal(sg_ruleset_load_text(&rs, "proj.json", t, strlen(t), SG_LAYER_PROJECT, 0, &log), 0);
	assert_int_equal(rs.nrules, 1);
	assert_string_equal(rs.rules[0]->id, "p.deny");
	assert_int_equal(rs.def_unmatched, SG_ASK);
	assert_non_null(strstr(sg_buf_cstr(&log), "section 'defaults' ignored"));
	assert_non_null(strstr(sg_buf_cstr(&log), "allow rule ignored"));
	sg_buf_free(&log);
	sg_ruleset_free(&rs);
}

/* ---- engine decisions and IR ------------------------------------------------------------ */

static sg_engine *E;

static int setup(void **st)
{
	(void)st;
	sg_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.mode = -1;
	cfg.builtin_dir = SG_BUILTIN_RULES;
	cfg.no_user = 1;
	sg_paths_set_fs(0);
	E = sg_engine_new(&cfg, NULL);
	return sg_engine_broken(E);
}

static int teardown(void **st)
{
	(void)st;
	sg_engine_free(E);
	sg_paths_set_fs(1);
	return 0;
}

static sg_decision judge(const char *cmd)
{
	sg_request r = { SG_REQ_SHELL, cmd, strlen(cmd), PROJ, HOME, PROJ };
	sg_verdict v;
	sg_engine_judge(E, &r, &v);
	sg_decision d = v.decision;
	sg_verdict_free(&v);
	return d;
}

/* the programs of the IR, space-separated */
static char *progs(const char *cmd)
{
	static char buf[1024];
	sg_request r = { SG_REQ_SHELL, cmd, strlen(cmd), PROJ, HOME, PROJ };
	sg_verdict v;
	sg_engine_judge(E, &r, &v);
	buf[0] = 0;
	for (size_t i = 0; v.ir && i < v.ir->ncmds; i++) {
		const sg_cmd *c = v.ir->cmds[i];
		strncat(buf, c->name, sizeof buf - strlen(buf) - 2);
		for (size_t k = 1; k < c->argc; k++) {
			strncat(buf, "+", sizeof buf - strlen(buf) - 2);
			strncat(buf, c->argv[k].text, sizeof buf - strlen(buf) - 2);
		}
		strncat(buf, " ", sizeof buf - strlen(buf) - 1);
	}
	sg_verdict_free(&v);
	return buf;
}

static void t_expansion(void **st)
{
	(void)st;
	assert_string_equal(progs("$'\\x72\\x6d' -rf x"), "rm+-rf+x ");
	assert_string_equal(progs("\"r\"'m' a\\ b"), "rm+a b ");
	assert_string_equal(progs("echo {a,b}c"), "echo+ac+bc ");
	assert_string_equal(progs("echo x{1..3}"), "echo+x1+x2+x3 ");
	assert_string_equal(progs("x='a b'; echo $x \"$x\""), "echo+a+b+a b ");
	assert_string_equal(progs("IFS=:; p=a:b; echo $p"), "echo+a+b ");
	assert_string_equal(progs("echo ~/x ~root"), "echo+" HOME "/x+/root ");
	assert_string_equal(progs("echo '~'"), "echo+~ ");
	assert_string_equal(progs("set -- a 'b c'; echo \"$@\" $#"), "set+--+a+b c echo+a+b c+2 ");
	assert_string_equal(progs("echo \"$(printf '%s-%s' a b)\""), "printf+%s-%s+a+b echo+a-b ");
	assert_string_equal(progs("cat <<'E'\nx $y\nE\n"), "cat ");
}

static void t_unwrap(void **st)
{
	(void)st;
	assert_string_equal(progs("sudo -u x env A=1 nice -n 3 ls -l"),
			    "sudo+-u+x+env+A=1+nice+-n+3+ls+-l env+A=1+nice+-n+3+ls+-l nice+-n+3+ls+-l ls+-l ");
	assert_string_equal(progs("command -v rm"), "command+-v+rm ");
	assert_string_equal(progs("timeout -s 9 5 make"), "timeout+-s+9+5+make make ");
	assert_string_equal(progs("bash -c 'echo $0 $1' a b"), "bash+-c+echo $0 $1+a+b echo+a+b ");
}

static void t_decisions(void **st)
{
	(void)st;
	/* strictest wins across commands */
	assert_int_equal(judge("rm -rf ~"), SG_DENY);
	assert_int_equal(judge("git status && rm -rf ~"), SG_DENY);
	assert_int_equal(judge("rm -rf ~ || true"), SG_DENY);
	assert_int_equal(judge("echo $(rm -rf ~)"), SG_DENY);
	/* unparsable is a floor, never a ceiling */
	assert_int_equal(judge("rm -rf ~ && echo \"x"), SG_DENY);
	assert_true(judge("echo \"x") >= SG_ASK);
	/* dynamic program */
	assert_true(judge("$X -rf build") >= SG_ASK);
	/* data, not text */
	assert_true(judge("echo \"rm -rf /\"") <= SG_ASK);
	/* limits: over SG_MAX_INPUT is unparsable */
	size_t n = SG_MAX_INPUT + 10;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	big[n] = 0;
	assert_true(judge(big) >= SG_ASK);
	free(big);
}

static void t_verdict_json(void **st)
{
	(void)st;
	const char *cmd = "ls && rm -rf ~";
	sg_request r = { SG_REQ_SHELL, cmd, strlen(cmd), PROJ, HOME, PROJ };
	sg_verdict v;
	sg_engine_judge(E, &r, &v);
	sg_buf b;
	sg_buf_init(&b);
	sg_verdict_json(&v, &b);
	assert_non_null(strstr(sg_buf_cstr(&b), "{\"decision\":\"deny\",\"reasons\":[{\"rule\":"));
	assert_non_null(strstr(sg_buf_cstr(&b), "\"span\":[6,14],\"text\":\"rm -rf ~\""));
	sg_buf_reset(&b);
	sg_verdict_message(&v, &b);
	assert_non_null(strstr(sg_buf_cstr(&b), "shellgate deny ["));
	sg_buf_free(&b);
	sg_verdict_free(&v);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(t_glob), cmocka_unit_test(t_resolve), cmocka_unit_test(t_classes),
		cmocka_unit_test(t_batch_decode), cmocka_unit_test(t_load_errors), cmocka_unit_test(t_untrusted_layer),
	};
	const struct CMUnitTest eng[] = {
		cmocka_unit_test(t_expansion), cmocka_unit_test(t_unwrap), cmocka_unit_test(t_decisions),
		cmocka_unit_test(t_verdict_json),
	};
	sg_alloc_install_hooks();
	int f = cmocka_run_group_tests_name("engine-pure", pure, NULL, NULL);
	f += cmocka_run_group_tests_name("engine", eng, setup, teardown);
	return f;
}
