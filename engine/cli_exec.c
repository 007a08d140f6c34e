/*
 * cli_exec.c - `shellgate exec`: option parsing only; the mechanism lives
 * behind sandbox.h.
 *
 *   shellgate exec [--profile NAME] [--project DIR] [--net none|host|allow=D,...]
 *                  [--require-all] [--explain] [--probe] [--rules FILE]
 *                  [--backend native|podman|docker] [--image IMAGE] [--quiet]
 *                  -- CMD [ARG...]
 *
 * Exit status: the command's; 125 when shellgate itself fails (nothing was
 * run), 126/127 when CMD cannot be executed / is not found, 128+N when CMD
 * died of signal N.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "exec_hints.h"
#include "paths.h"
#include "sandbox.h"

extern char **environ;

static const char usage_text[] =
	"usage: shellgate exec [OPTIONS] -- CMD [ARG...]\n"
	"\n"
	"Runs CMD confined: it can read what a build needs, write only inside the\n"
	"project and a private /tmp, reach no network unless allowed, see no secrets,\n"
	"and cannot outlive or escape shellgate.\n"
	"\n"
	"  --profile NAME      sandbox profile from the rule files (default, build,\n"
	"                      offline-audit, or your own); default: default\n"
	"  --project DIR       the writable project (default: the current directory)\n"
	"  --net MODE          none (default), host (no network isolation), or\n"
	"                      allow=DOMAIN,... (HTTP(S) proxy admitting only those)\n"
	"  --require-all       refuse to run when any sandbox layer is missing\n"
	"  --explain           print the plan (layers, Landlock ABI, mounts, env) and exit\n"
	"  --probe             print which layers this machine offers and exit (0 = usable)\n"
	"  --rules FILE        an extra rule file to read profiles from\n"
	"  --backend B         native (default), podman or docker\n"
	"  --image IMAGE       container image for --backend (default: shellgate-sandbox)\n"
	"  --quiet             do not warn about missing layers (still fatal with --require-all)\n"
	"  --hints             when CMD fails and its errors show it hit the sandbox (no\n"
	"                      network, a read-only or hidden path), say so on stderr in words\n"
	"                      for an agent (the hook's rewrite adds this); stderr passes\n"
	"                      through a relay process, unchanged\n"
	"\n"
	"Exit status: CMD's; 125 when the sandbox could not be set up (CMD did not run);\n"
	"126/127 when CMD cannot be run / is not found; 128+N when CMD died of signal N.\n";

typedef struct execopt {
	const char *profile, *project, *net, *rules, *backend, *image;
	int require_all, explain, probe, quiet, hints;
	int argi;
} execopt;

static int parse(int argc, char **argv, execopt *o)
{
	memset(o, 0, sizeof *o);
	o->profile = "default";
	o->backend = "native";
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return 1;
		}
		if (!strcmp(a, "--require-all"))
			o->require_all = 1;
		else if (!strcmp(a, "--explain"))
			o->explain = 1;
		else if (!strcmp(a, "--probe"))
			o->probe = 1;
		else if (!strcmp(a, "--quiet"))
			o->quiet = 1;
		else if (!strcmp(a, "--hints"))
			o->hints = 1;
		else if (!strcmp(a, "--profile"))
			slot = &o->profile;
		else if (!strcmp(a, "--project"))
			slot = &o->project;
		else if (!strcmp(a, "--net"))
			slot = &o->net;
		else if (!strcmp(a, "--rules"))
			slot = &o->rules;
		else if (!strcmp(a, "--backend"))
			slot = &o->backend;
		else if (!strcmp(a, "--image"))
			slot = &o->image;
		else if (a[0] == '-') {
			fprintf(stderr, "shellgate: exec: unknown option '%s'\n%s", a, usage_text);
			return -1;
		} else
			break;	/* CMD without "--" */
		if (slot) {
			if (i + 1 >= argc) {
				fprintf(stderr, "shellgate: exec: %s needs a value\n", a);
				return -1;
			}
			*slot = argv[++i];
		}
	}
	o->argi = i;
	if (!o->probe && i >= argc) {
		fprintf(stderr, "shellgate: exec: no command given\n%s", usage_text);
		return -1;
	}
	return 0;
}

/* Applies --net to the spec; domains are pushed into *doms. */
static int parse_net(const char *net, const sg_profile *p, sg_sandbox_spec *s, sg_strvec *doms)
{
	s->net = p->net;
	for (size_t i = 0; i < p->domains.n; i++)
		sg_strvec_push(doms, p->domains.v[i]);
	if (!net)
		return 0;
	if (!strcmp(net, "none")) {
		s->net = SG_NET_NONE;
	} else if (!strcmp(net, "host")) {
		s->net = SG_NET_HOST;
	} else if (!strncmp(net, "allow=", 6) && net[6]) {
		s->net = SG_NET_ALLOW;
		sg_strvec_free(doms);
		char *copy = sg_xstrdup(net + 6), *save = NULL;
		for (char *d = strtok_r(copy, ",", &save); d; d = strtok_r(NULL, ",", &save))
			if (*d && doms->n < SG_SBX_MAX_LIST)
				sg_strvec_push(doms, d);
		free(copy);
	} else {
		fprintf(stderr, "shellgate: exec: --net takes none, host or allow=DOMAIN,...\n");
		return -1;
	}
	if (s->net == SG_NET_ALLOW && !doms->n) {
		fprintf(stderr, "shellgate: exec: --net allow needs at least one domain\n");
		return -1;
	}
	return 0;
}

/* Canonical project, cwd and home; refuses a project that would open up
 * the whole machine or the whole home. */
static int resolve_paths(const execopt *o, char *project, char *cwd, char *home, int *has_home)
{
	char here[PATH_MAX];
	if (!getcwd(here, sizeof here) || !realpath(o->project ? o->project : here, project)) {
		fprintf(stderr, "shellgate: exec: project %s: %s\n", o->project ? o->project : ".", strerror(errno));
		return -1;
	}
	const char *h = getenv("HOME");
	*has_home = h && h[0] == '/' && realpath(h, home);
	if (!strcmp(project, "/") || (*has_home && sg_path_within(home, project))) {
		fprintf(stderr, "shellgate: exec: refusing project %s: it holds your home directory or the "
				"whole system; use the project's own directory\n", project);
		return -1;
	}
	if (!realpath(here, cwd) || !sg_path_within(cwd, project))
		snprintf(cwd, PATH_MAX, "%s", project);
	return 0;
}

static int do_probe(void)
{
	sg_sandbox_probe_result r;
	sg_sandbox_probe(&r);
	printf("platform %s\n", r.platform);
	for (int i = 0; i < SG_L_COUNT; i++)
		printf("%-22s %s%s%s\n", sg_sandbox_layer_name(i), r.have[i] ? "yes" : "missing",
		       !r.have[i] && r.err[i] ? ": " : "", !r.have[i] && r.err[i] ? strerror(r.err[i]) : "");
	printf("landlock_abi %d\n", r.landlock_abi);
	printf("can_exec %s%s%s\n", r.can_exec ? "yes" : "no", r.can_exec ? "" : ": ", r.can_exec ? "" : r.why);
	return r.can_exec ? 0 : 1;
}

static void on_fatal(const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "shellgate: exec: %s; the command was not run\n", msg);
}

int sg_cli_exec(int argc, char **argv)
{
	execopt o;
	int r = parse(argc, argv, &o);
	if (r)
		return r > 0 ? 0 : SG_SBX_EXIT_SETUP;
	sg_fatal_set_emitter(on_fatal, NULL, SG_SBX_EXIT_SETUP);
	if (o.probe)
		return do_probe();
	char project[PATH_MAX], cwd[PATH_MAX], home[PATH_MAX];
	int has_home = 0, rc = SG_SBX_EXIT_SETUP;
	if (resolve_paths(&o, project, cwd, home, &has_home) < 0)
		return SG_SBX_EXIT_SETUP;
	sg_profile prof;
	sg_strvec doms = { 0 };
	sg_buf err;
	sg_buf_init(&err);
	if (sg_profile_resolve(o.rules, o.profile, &prof, &err) < 0) {
		fprintf(stderr, "shellgate: exec: %sthe command was not run\n", sg_buf_cstr(&err));
		goto out;
	}
	sg_sandbox_spec s = { &prof, project, cwd, has_home ? home : NULL, argv + o.argi, environ,
			      SG_NET_NONE, &doms, o.require_all, o.quiet };
	if (parse_net(o.net, &prof, &s, &doms) < 0)
		goto out;
	if (o.explain) {
		sg_buf out;
		sg_buf_init(&out);
		sg_sandbox_explain(&s, &out);
		fputs(sg_buf_cstr(&out), stdout);
		sg_buf_free(&out);
		rc = 0;
	} else if (!strcmp(o.backend, "native") || !strcmp(o.backend, "podman") || !strcmp(o.backend, "docker")) {
		sg_hints h;
		if (o.hints && sg_hints_start(&h, project) < 0)
			h.active = 0;
		if (!strcmp(o.backend, "native")) {
			if (s.net == SG_NET_HOST && !o.quiet)
				fputs("shellgate: exec: warning: --net host: the command shares the host network\n", stderr);
			rc = sg_sandbox_run(&s);
		} else {
			rc = sg_sandbox_container_run(&s, o.backend, o.image ? o.image : "shellgate-sandbox");
		}
		if (o.hints)
			sg_hints_finish(&h, rc, project);
	} else {
		fprintf(stderr, "shellgate: exec: unknown backend '%s' (native, podman, docker)\n", o.backend);
	}
out:
	sg_profile_free(&prof);
	sg_strvec_free(&doms);
	sg_buf_free(&err);
	return rc;
}
