/*
 * test_alloc_fail.c - allocation failure at every allocation site of a
 * request gives a block, never a crash and never allow.
 *
 * For n = 1, 2, ... a child process makes the nth allocation from
 * sg_alloc_fail_after(n) on fail (through sg_x*, which tree-sitter, the
 * grammar's scanner and cJSON are routed to) and runs the request. Each
 * outcome must be one of:
 *  - the fatal path: the emitter ran (it writes 'F' to a pipe) and the
 *    process ended with the emitter's status (2): the client sees a deny;
 *  - a normal verdict, which for a request whose real verdict is deny must
 *    be deny, and for one whose real verdict is allow may be allow only once
 *    n is past the request's last allocation (from there on every n gives
 *    the real verdict, so an allow followed by a fatal is a fail-open).
 * The engine is built before the fork (its allocations are tested by the
 * rule-loading case); patterns are warmed up so PCRE2 compiles before, too.
 * PCRE2 allocates with its own malloc: a failure there is an error that
 * match.c turns into a deny (see SECURITY.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine.h"
#include "rules.h"

#define HOME "/home/user"
#define PROJ "/home/user/project"
/* stop after this many consecutive normal real verdicts past the last failure */
#define TAIL 8
/* a request has fewer allocations than this; more means the loop is stuck */
#define MAX_N 20000

static int fatal_fd = -1;

static void child_fatal(const char *msg, void *ctx)
{
	(void)msg;
	(void)ctx;
	(void)!write(fatal_fd, "F", 1);
}

enum { R_FATAL = -1, R_CRASH = -2 };

/* Runs fn in a child with the nth allocation failing: R_FATAL, R_CRASH, or
 * the decision the child reported. */
static int run_child(unsigned long n, int (*fn)(void *), void *arg)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		fatal_fd = p[1];
		sg_fatal_set_emitter(child_fatal, NULL, 2);
		sg_alloc_fail_after(n);
		int d = fn(arg);
		char c = (char)('0' + d);
		(void)!write(p[1], &c, 1);
		_exit(0);
	}
	close(p[1]);
	char c = 0;
	ssize_t got = read(p[0], &c, 1);
	close(p[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		return R_CRASH;
	if (got == 1 && c == 'F' && WIFEXITED(status) && WEXITSTATUS(status) == 2)
		return R_FATAL;
	if (got == 1 && c >= '0' && c <= '2' && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return c - '0';
	/* anything else (a sanitizer exit, a silent exit): not a clean block */
	print_error("n=%lu: status 0x%x, pipe '%c' (%zd bytes)\n", n, status, c, got);
	return R_CRASH;
}

/* Sweeps n until TAIL normal real verdicts in a row; checks every outcome. */
static void sweep(const char *what, int (*fn)(void *), void *arg, int real)
{
	int tail = 0, fatals = 0, seen_real = 0;
	unsigned long n;
	for (n = 1; n < MAX_N && tail < TAIL; n++) {
		int r = run_child(n, fn, arg);
		if (r == R_CRASH)
			fail_msg("%s: allocation %lu failing crashed the process", what, n);
		if (r == R_FATAL) {
			fatals++;
			if (seen_real && real == SG_ALLOW)
				fail_msg("%s: allow at an earlier n, yet allocation %lu still failed: "
					 "a failure was swallowed", what, n);
			tail = 0;
			continue;
		}
		if (r < real)
			fail_msg("%s: allocation %lu failing gave %s, real verdict %s", what, n,
				 sg_decision_name((sg_decision)r), sg_decision_name((sg_decision)real));
		if (r == real) {
			seen_real = 1;
			tail++;
		} else {
			tail = 0;
		}
	}
	assert_true(n < MAX_N);
	/* the sweep must have hit real allocation sites */
	assert_true(fatals > 0);
	print_message("# %s: %d allocation sites failed, every one blocked\n", what, fatals);
}

/* ---- a shell request --------------------------------------------------------------- */

typedef struct req_arg {
	sg_engine *e;
	const char *cmd;
} req_arg;

static int judge(void *p)
{
	req_arg *a = p;
	sg_request r = { SG_REQ_SHELL, a->cmd, strlen(a->cmd), PROJ, HOME, PROJ };
	sg_verdict v;
	sg_engine_judge(a->e, &r, &v);
	sg_buf out;
	sg_buf_init(&out);
	sg_verdict_json(&v, &out);	/* the answer is rendered too */
	sg_buf_free(&out);
	int d = v.decision;
	sg_verdict_free(&v);
	return d;
}

static sg_engine *engine(void)
{
	sg_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.builtin_dir = SG_BUILTIN_RULES;
	cfg.no_user = 1;
	cfg.mode = -1;
	sg_engine *e = sg_engine_new(&cfg, NULL);
	assert_false(sg_engine_broken(e));
	return e;
}

static void request_case(const char *cmd, int real)
{
	req_arg a = { engine(), cmd };
	/* warm up: compiles the patterns this request reaches */
	assert_int_equal(judge(&a), real);
	sweep(cmd, judge, &a, real);
	sg_engine_free(a.e);
}

static void t_deny_request(void **st)
{
	(void)st;
	request_case("x=$(cat ~/.ssh/id_rsa); sudo env A=1 bash -c 'for f in a b; do rm -rf ~/$f; done' "
		     "| tee out.log <<EOF\nhello\nEOF", SG_DENY);
}

static void t_allow_request(void **st)
{
	(void)st;
	request_case("git status && ls -la src | grep -c x", SG_ALLOW);
}

/* ---- rule loading ------------------------------------------------------------------- */

static const char rule_text[] =
	"// comment\n{\"format\": 1, \"rules\": [\n"
	"{\"id\": \"t.rm\", \"decision\": \"deny\", \"reason\": \"no\", /* c */\n"
	" \"match\": {\"program\": [\"rm\"], \"flags_any\": [\"-r\"], \"args_any\": [\"^/\"]},\n"
	" \"examples\": {\"match\": [\"rm -r /x\"], \"no_match\": [\"rm x\"]}},\n"
	"{\"id\": \"t.ls\", \"decision\": \"allow\", \"reason\": \"ok\", \"match\": {\"program\": \"ls\"}}]}\n";

static int load_and_judge(void *p)
{
	(void)p;
	sg_ruleset rs;
	sg_ruleset_init(&rs);
	int r = sg_ruleset_load_text(&rs, "t.json", rule_text, sizeof rule_text - 1, SG_LAYER_EXTRA, 1, NULL);
	sg_ruleset_finish(&rs);
	int d = r < 0 || rs.broken ? SG_DENY : SG_ALLOW;
	sg_ruleset_free(&rs);
	return d;
}

static void t_rule_loading(void **st)
{
	(void)st;
	assert_int_equal(load_and_judge(NULL), SG_ALLOW);
	/* a loader that runs out of memory must not come back with a usable,
	 * partial rule set: fatal, or the complete one */
	sweep("rule file", load_and_judge, NULL, SG_ALLOW);
}

int main(void)
{
	sg_alloc_install_hooks();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_deny_request),
		cmocka_unit_test(t_allow_request),
		cmocka_unit_test(t_rule_loading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
