/*
 * test_profile.c - sandbox profiles from rule files, the environment
 * filter, path expansion and the hook's command rewrite.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fnmatch.h>

#include "sandbox.h"
#include "sg.h"

static int load(sg_profile_db *db, const char *text, sg_buf *err)
{
	return sg_profile_db_add_text(db, "test.json", text, strlen(text), err);
}

static void test_builtin_profiles_load(void **state)
{
	(void)state;
	sg_profile_db *db = sg_profile_db_new();
	sg_buf err;
	sg_buf_init(&err);
	char path[4096];
	snprintf(path, sizeof path, "%s/sandbox.json", SG_BUILTIN_RULES);
	assert_int_equal(sg_profile_db_add_file(db, path, 0, &err), 0);
	const char *names[] = { "default", "build", "offline-audit" };
	for (size_t i = 0; i < 3; i++) {
		sg_profile p;
		assert_int_equal(sg_profile_db_get(db, names[i], &p, &err), 0);
		assert_true(sg_strvec_has(&p.readonly, ".git/hooks"));
		assert_true(sg_strvec_has(&p.mask, "~/.ssh"));
		assert_int_equal(p.net, SG_NET_NONE);
		assert_true(p.rl_set[SG_RL_NPROC]);
		assert_false(p.rl_set[SG_RL_AS]);	/* address space: only on request */
		if (!strcmp(names[i], "build")) {
			assert_true(sg_strvec_has(&p.write, "~/.npm"));
			assert_true(sg_strvec_has(&p.write, "~/.cargo/registry"));
			assert_int_equal(p.ptrace_inside, 1);
		}
		assert_int_equal(p.project_rw, strcmp(names[i], "offline-audit") != 0);
		sg_profile_free(&p);
	}
	sg_profile_db_free(db);
	sg_buf_free(&err);
}

static void test_extends_and_override(void **state)
{
	(void)state;
	sg_profile_db *db = sg_profile_db_new();
	sg_buf err;
	sg_buf_init(&err);
	assert_int_equal(load(db, "{\"format\":1,\"sandbox\":{\"profiles\":{"
				  "\"a\":{\"read\":[\"/usr\"],\"rlimits\":{\"nproc\":10},\"umask\":\"077\"},"
				  "\"b\":{\"extends\":\"a\",\"read\":[\"/opt\"],\"rlimits\":{\"nproc\":20,\"as\":\"1G\"}}}}}",
			 &err), 0);
	/* A later layer redefines "a" on top of the earlier one. */
	assert_int_equal(load(db, "// comment\n{\"format\":1,\"sandbox\":{\"profiles\":{"
				  "\"a\":{\"extends\":\"a\",\"write\":[\"~/.cache\"], /* c */ \"net\":{\"mode\":\"allow\","
				  "\"domains\":[\"example.com\"]}}}}}",
			 &err), 0);
	sg_profile p;
	assert_int_equal(sg_profile_db_get(db, "b", &p, &err), 0);
	assert_int_equal(p.read.n, 2);
	assert_int_equal(p.rl[SG_RL_NPROC], 20);
	assert_int_equal(p.rl[SG_RL_AS], 1ULL << 30);
	assert_int_equal(p.umask, 077);
	sg_profile_free(&p);
	assert_int_equal(sg_profile_db_get(db, "a", &p, &err), 0);
	assert_int_equal(p.net, SG_NET_ALLOW);
	assert_true(sg_strvec_has(&p.write, "~/.cache"));
	assert_true(sg_strvec_has(&p.read, "/usr"));
	sg_profile_free(&p);
	sg_profile_db_free(db);
	sg_buf_free(&err);
}

/* A profile whose "sandbox" key is spelled with a \u escape is still read:
 * skipping it would silently keep an earlier, looser definition. */
static void test_escaped_sandbox_key(void **state)
{
	(void)state;
	sg_profile_db *db = sg_profile_db_new();
	sg_buf err;
	sg_buf_init(&err);
	assert_int_equal(load(db, "{\"format\":1,\"\\u0073andbox\":{\"profiles\":{\"esc\":{\"umask\":\"077\"}}}}", &err),
			 0);
	sg_profile p;
	assert_int_equal(sg_profile_db_get(db, "esc", &p, &err), 0);
	assert_int_equal(p.umask, 077);
	sg_profile_free(&p);
	sg_profile_db_free(db);
	sg_buf_free(&err);
}

static void test_errors_fail_closed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"{\"format\":1,\"sandbox\":{\"profiles\":{\"x\":{\"raed\":[\"/usr\"]}}}}",	/* typo */
		"{\"format\":1,\"sandbox\":{\"profiles\":{\"x\":{\"read\":\"/usr\"}}}}",
		"{\"format\":1,\"sandbox\":{\"profiles\":{\"x\":{\"net\":{\"mode\":\"open\"}}}}}",
		"{\"format\":1,\"sandbox\":{\"profiles\":{\"x\":{\"rlimits\":{\"nproc\":\"lots\"}}}}}",
		"{\"format\":1,\"sandbox\":{\"profiles\":{\"x\":{\"extends\":\"x\"}}}}",
		"{\"format\":1,\"sandbox\":{\"profiles\":{\"x\":{\"extends\":\"y\"},\"y\":{\"extends\":\"x\"}}}}",
		"{\"format\":1,\"sandbox\":{\"profiles\":{\"x\":{\"umask\":\"999\"}}}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sg_profile_db *db = sg_profile_db_new();
		sg_buf err;
		sg_buf_init(&err);
		sg_profile p;
		int r = load(db, bad[i], &err);
		if (r == 0)
			r = sg_profile_db_get(db, "x", &p, &err);
		assert_int_equal(r, -1);
		assert_true(err.len > 0);
		sg_profile_db_free(db);
		sg_buf_free(&err);
	}
	sg_profile_db *db = sg_profile_db_new();
	sg_buf err;
	sg_buf_init(&err);
	sg_profile p;
	assert_int_equal(sg_profile_db_get(db, "nope", &p, &err), -1);
	assert_non_null(strstr(sg_buf_cstr(&err), "nope"));
	assert_int_equal(load(db, "{\"format\":1,\"sandbox\":{\"profiles\":{\"x\":{}} /* open", &err), -1);
	sg_profile_db_free(db);
	sg_buf_free(&err);
}

static void test_sizes(void **state)
{
	(void)state;
	unsigned long long v;
	assert_int_equal(sg_profile_parse_size("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(sg_profile_parse_size("2G", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(sg_profile_parse_size("unlimited", &v), 0);
	assert_int_equal(v, ~0ULL);
	assert_int_equal(sg_profile_parse_size("-1", &v), -1);
	assert_int_equal(sg_profile_parse_size("12q", &v), -1);
	assert_int_equal(sg_profile_parse_size("99999999999999999999T", &v), -1);
	assert_int_equal(sg_profile_parse_size("", &v), -1);
}

static void test_env_filter(void **state)
{
	(void)state;
	sg_profile_db *db = sg_profile_db_new();
	sg_buf err;
	sg_buf_init(&err);
	char path[4096];
	snprintf(path, sizeof path, "%s/sandbox.json", SG_BUILTIN_RULES);
	assert_int_equal(sg_profile_db_add_file(db, path, 0, &err), 0);
	sg_profile p;
	assert_int_equal(sg_profile_db_get(db, "default", &p, &err), 0);
	char *envp[] = { "PATH=/usr/bin", "LANG=C", "LC_ALL=C", "ANTHROPIC_API_KEY=sk-1", "GITHUB_TOKEN=g",
			 "AWS_SECRET_ACCESS_KEY=a", "SSH_AUTH_SOCK=/tmp/s", "MY_SERVICE_TOKEN=t",
			 "DB_PASSWORD=p", "HOME=/elsewhere", "TMPDIR=/var/x", "RANDOM_THING=1", "noeq", NULL };
	const char *extra[] = { "HTTP_PROXY=http://127.0.0.1:3128", NULL };
	char **env = sg_sandbox_env(&p, envp, "/home/u", "/home/u/proj", extra);
	sg_buf all;
	sg_buf_init(&all);
	for (size_t i = 0; env[i]; i++) {
		sg_buf_adds(&all, env[i]);
		sg_buf_addc(&all, '\n');
	}
	const char *s = sg_buf_cstr(&all);
	assert_non_null(strstr(s, "PATH=/usr/bin\n"));
	assert_non_null(strstr(s, "LC_ALL=C\n"));
	assert_non_null(strstr(s, "HOME=/home/u\n"));
	assert_non_null(strstr(s, "TMPDIR=/tmp\n"));
	assert_non_null(strstr(s, "PWD=/home/u/proj\n"));
	assert_non_null(strstr(s, "HTTP_PROXY=http://127.0.0.1:3128\n"));
	assert_non_null(strstr(s, "SHELLGATE_SANDBOX=default\n"));
	static const char *const gone[] = { "ANTHROPIC", "GITHUB_TOKEN", "AWS_", "SSH_AUTH_SOCK", "MY_SERVICE_TOKEN",
					    "DB_PASSWORD", "RANDOM_THING", "/elsewhere", "/var/x", "noeq" };
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
		assert_null(strstr(s, gone[i]));
	/* pass overrides deny */
	sg_strvec_push(&p.env_pass, "GITHUB_TOKEN");
	assert_true(sg_sandbox_env_passes(&p, "GITHUB_TOKEN"));
	assert_false(sg_sandbox_env_passes(&p, "GH_TOKEN"));
	sg_sandbox_env_free(env);
	sg_buf_free(&all);
	sg_profile_free(&p);
	sg_profile_db_free(db);
	sg_buf_free(&err);
}

static void test_rewrite_quotes_one_argument(void **state)
{
	(void)state;
	const char *cmd = "echo 'it''s' \"$HOME\" `id`; rm -rf x && printf '%s\\n' \\'";
	char *r = sg_sandbox_rewrite("/usr/bin/shellgate", "build", NULL, cmd, strlen(cmd));
	assert_non_null(r);
	assert_string_equal(r, "'/usr/bin/shellgate' exec --profile 'build' --hints -- /bin/bash -c "
			       "'echo '\\''it'\\'''\\''s'\\'' \"$HOME\" `id`; rm -rf x && printf '\\''%s\\n'\\'' \\'\\'''");
	free(r);
	assert_null(sg_sandbox_rewrite("sg", NULL, NULL, "a\0b", 3));
	r = sg_sandbox_rewrite("sg", NULL, NULL, "", 0);
	assert_string_equal(r, "'sg' exec --profile 'default' --hints -- /bin/bash -c ''");
	free(r);
	r = sg_sandbox_rewrite("sg", "p", "/home/u/it's", "true", 4);
	assert_string_equal(r, "'sg' exec --profile 'p' --project '/home/u/it'\\''s' --hints -- /bin/bash -c 'true'");
	free(r);
}

static void test_expand(void **state)
{
	(void)state;
	char *e = sg_sandbox_expand("~/.ssh/", "/home/u", "/p");
	assert_string_equal(e, "/home/u/.ssh");
	free(e);
	e = sg_sandbox_expand(".git/hooks", "/home/u", "/p");
	assert_string_equal(e, "/p/.git/hooks");
	free(e);
	e = sg_sandbox_expand("/etc", NULL, "/p");
	assert_string_equal(e, "/etc");
	free(e);
	assert_null(sg_sandbox_expand("~/x", NULL, "/p"));
}

static void test_proxy_domains(void **state)
{
	(void)state;
	sg_strvec d = { 0 };
	sg_strvec_push(&d, "registry.npmjs.org");
	sg_strvec_push(&d, ".github.com");
	sg_strvec_push(&d, "*.pypi.org");
	assert_true(sg_netproxy_host_allowed(&d, "registry.npmjs.org"));
	assert_true(sg_netproxy_host_allowed(&d, "REGISTRY.npmjs.org"));
	assert_false(sg_netproxy_host_allowed(&d, "evil-registry.npmjs.org"));
	assert_false(sg_netproxy_host_allowed(&d, "registry.npmjs.org.evil.com"));
	assert_true(sg_netproxy_host_allowed(&d, "github.com"));
	assert_true(sg_netproxy_host_allowed(&d, "api.github.com"));
	assert_false(sg_netproxy_host_allowed(&d, "notgithub.com"));
	assert_true(sg_netproxy_host_allowed(&d, "files.pypi.org"));
	assert_false(sg_netproxy_host_allowed(&d, ""));
	assert_false(sg_netproxy_host_allowed(NULL, "github.com"));
	sg_strvec_free(&d);
}

/* The env-name glob answers as fnmatch(pat, name, 0): every pattern and
 * name up to 5 bytes over a small alphabet (literal bytes, '*', and the
 * '?' and '[' that go to fnmatch itself), plus the built-in lists' shapes. */
static void test_env_glob_is_fnmatch(void **state)
{
	(void)state;
	static const char alpha[] = "AB_*?[";
	char pat[8], name[8];
	size_t na = sizeof alpha - 1, checked = 0;
	for (int pl = 0; pl <= 5; pl++) {
		size_t pn = 1;
		for (int i = 0; i < pl; i++)
			pn *= na;
		for (size_t pi = 0; pi < pn; pi++) {
			size_t x = pi;
			for (int i = 0; i < pl; i++, x /= na)
				pat[i] = alpha[x % na];
			pat[pl] = 0;
			for (int nl = 0; nl <= 4; nl++) {
				size_t nn = 1;
				for (int i = 0; i < nl; i++)
					nn *= 3;
				for (size_t ni = 0; ni < nn; ni++) {
					size_t y = ni;
					for (int i = 0; i < nl; i++, y /= 3)
						name[i] = "AB_"[y % 3];
					name[nl] = 0;
					if (sg_sandbox_env_glob(pat, name) != !fnmatch(pat, name, 0))
						fail_msg("pattern '%s' name '%s': %d", pat, name, sg_sandbox_env_glob(pat, name));
					checked++;
				}
			}
		}
	}
	assert_true(checked > 100000);
	static const char *const pats[] = { "*_TOKEN", "*_TOKEN_*", "*TOKEN*", "LC_*", "SG_*", "npm_config_*", "*KEY_ID*" };
	static const char *const names[] = { "GITHUB_TOKEN", "MY_TOKEN_X", "TOKEN", "LC_ALL", "LC_", "SG_", "npm_config_cache",
					     "AWS_ACCESS_KEY_ID", "PATH", "XTOKENY", "_TOKEN", "TOKEN_" };
	for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
			assert_int_equal(sg_sandbox_env_glob(pats[i], names[k]), !fnmatch(pats[i], names[k], 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_profiles_load),
		cmocka_unit_test(test_extends_and_override),
		cmocka_unit_test(test_escaped_sandbox_key),
		cmocka_unit_test(test_errors_fail_closed),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_env_filter),
		cmocka_unit_test(test_env_glob_is_fnmatch),
		cmocka_unit_test(test_rewrite_quotes_one_argument),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_proxy_domains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
