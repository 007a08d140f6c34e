/*
 * test_seatbelt.c - the SBPL generator, on Linux: golden files for the
 * built-in profiles (tests/sandbox/seatbelt/NAME.sb; SG_UPDATE_GOLDEN=1
 * rewrites them after a deliberate change), plus checks of what the
 * profile must say whatever the golden file holds: deny by default first,
 * balanced parentheses, escaped strings, carve-outs for protected entries
 * and masks, no network unless asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sandbox.h"
#include "sg.h"

static sg_profile_db *db;

static void golden_dir(char *buf, size_t n)
{
	/* SG_BUILTIN_RULES is <source>/rules */
	snprintf(buf, n, "%s/../tests/sandbox/seatbelt", SG_BUILTIN_RULES);
}

static void gen(const char *profile, sg_net_mode net, const char *project, sg_buf *out)
{
	sg_profile p;
	sg_buf err;
	sg_buf_init(&err);
	assert_int_equal(sg_profile_db_get(db, profile, &p, &err), 0);
	char *argv[] = { "/bin/true", NULL };
	sg_strvec doms = { 0 };
	sg_strvec_push(&doms, "registry.npmjs.org");
	sg_sandbox_spec s = { &p, project, project, "/Users/dev", argv, NULL, net, &doms, 0, 1 };
	assert_int_equal(sg_seatbelt_profile_port(&s, 3128, out), 0);
	sg_strvec_free(&doms);
	sg_profile_free(&p);
	sg_buf_free(&err);
}

static void check_golden(const char *name, const sg_buf *got)
{
	char dir[4096], path[4200];
	golden_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/%s.sb", dir, name);
	if (getenv("SG_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fwrite(got->data, 1, got->len, f);
		fclose(f);
	}
	char *want;
	size_t wl;
	assert_int_equal(sg_read_file(path, 1 << 20, &want, &wl), 0);
	if (wl != got->len || memcmp(want, got->data, wl)) {
		fprintf(stderr, "# %s differs from the generator's output:\n%s", path, got->data);
		fail();
	}
	free(want);
}

static void check_shape(const char *t)
{
	const char *deny = strstr(t, "(deny default)");
	const char *allow = strstr(t, "(allow ");
	assert_non_null(deny);
	assert_true(deny < allow);
	int depth = 0, in_str = 0;
	for (const char *c = t; *c; c++) {
		if (in_str) {
			if (*c == '\\')
				c++;
			else if (*c == '"')
				in_str = 0;
		} else if (*c == ';') {
			while (*c && *c != '\n')
				c++;
			if (!*c)
				break;
		} else if (*c == '"') {
			in_str = 1;
		} else if (*c == '(') {
			depth++;
		} else if (*c == ')') {
			assert_true(--depth >= 0);
		}
	}
	assert_int_equal(depth, 0);
	assert_int_equal(in_str, 0);
}

static void test_default_profile(void **state)
{
	(void)state;
	sg_buf o;
	sg_buf_init(&o);
	gen("default", SG_NET_NONE, "/Users/dev/proj", &o);
	const char *t = sg_buf_cstr(&o);
	check_shape(t);
	/* protected entries carved out of the project's write rule */
	assert_non_null(strstr(t, "(require-not (subpath \"/Users/dev/proj/.git/hooks\"))"));
	assert_non_null(strstr(t, "(require-not (subpath \"/Users/dev/proj/.claude\"))"));
	/* masks: .env* anywhere in the project, as a regex */
	assert_non_null(strstr(t, "(require-not (regex #\"^/Users/dev/proj/(.*/)?\\.env\\.[^/]*$\"))"));
	/* no network rule at all, no home read */
	assert_null(strstr(t, "(allow network"));
	assert_null(strstr(t, "(subpath \"/Users/dev\")"));
	check_golden("default", &o);
	sg_buf_free(&o);
}

static void test_offline_audit_has_no_project_writes(void **state)
{
	(void)state;
	sg_buf o;
	sg_buf_init(&o);
	gen("offline-audit", SG_NET_NONE, "/Users/dev/proj", &o);
	const char *t = sg_buf_cstr(&o);
	check_shape(t);
	const char *w = strstr(t, "(allow file-write*");
	assert_true(!w || !strstr(w, "(subpath \"/Users/dev/proj\")"));
	check_golden("offline-audit", &o);
	sg_buf_free(&o);
}

static void test_network_modes(void **state)
{
	(void)state;
	sg_buf o;
	sg_buf_init(&o);
	gen("build", SG_NET_ALLOW, "/Users/dev/proj", &o);
	check_shape(sg_buf_cstr(&o));
	assert_non_null(strstr(sg_buf_cstr(&o), "(allow network-outbound (remote ip \"localhost:3128\"))"));
	assert_null(strstr(sg_buf_cstr(&o), "(allow network*)"));
	assert_non_null(strstr(sg_buf_cstr(&o), "(subpath \"/Users/dev/.npm\")"));
	check_golden("build-net-allow", &o);
	sg_buf_reset(&o);
	gen("default", SG_NET_HOST, "/Users/dev/proj", &o);
	assert_non_null(strstr(sg_buf_cstr(&o), "(allow network*)"));
	sg_buf_free(&o);
}

static void test_escaping(void **state)
{
	(void)state;
	sg_buf o;
	sg_buf_init(&o);
	gen("default", SG_NET_NONE, "/Users/dev/we\"ird\\dir (1)", &o);
	const char *t = sg_buf_cstr(&o);
	check_shape(t);
	assert_non_null(strstr(t, "(subpath \"/Users/dev/we\\\"ird\\\\dir (1)\")"));
	/* in a regex, ( and \ are escaped for the regex and then for the string */
	assert_non_null(strstr(t, "#\"^/Users/dev/we\\\"ird\\\\dir \\(1\\)/(.*/)?"));
	sg_buf_reset(&o);
	char *argv[] = { "x", NULL };
	sg_profile p;
	sg_buf err;
	sg_buf_init(&err);
	assert_int_equal(sg_profile_db_get(db, "default", &p, &err), 0);
	sg_sandbox_spec s = { &p, "relative/dir", "relative/dir", NULL, argv, NULL, SG_NET_NONE, NULL, 0, 1 };
	assert_int_equal(sg_seatbelt_profile(&s, &o), -1);
	sg_profile_free(&p);
	sg_buf_free(&err);
	sg_buf_free(&o);
}

static int setup(void **state)
{
	(void)state;
	sg_buf err;
	sg_buf_init(&err);
	char path[4096];
	db = sg_profile_db_new();
	snprintf(path, sizeof path, "%s/sandbox.json", SG_BUILTIN_RULES);
	int r = sg_profile_db_add_file(db, path, 0, &err);
	sg_buf_free(&err);
	return r;
}

static int teardown(void **state)
{
	(void)state;
	sg_profile_db_free(db);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_profile),
		cmocka_unit_test(test_offline_audit_has_no_project_writes),
		cmocka_unit_test(test_network_modes),
		cmocka_unit_test(test_escaping),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
