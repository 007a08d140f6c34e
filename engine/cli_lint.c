/*
 * cli_lint.c - `shellgate lint`: option parsing only. Reading, pairing and
 * judging live in lint_core.c, the formats in lint_report.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "jobs.h"
#include "lint.h"
#include "paths.h"

static const char lint_usage[] =
	"usage: shellgate lint [OPTIONS] [PATH...]\n"
	"\n"
	"Audit agent transcripts: every shell command and file operation in them is\n"
	"judged by the same engine and rules as the live hook (the session's cwd is the\n"
	"cwd and project). Directories are walked (*.jsonl, *.jsonl.gz, session-*.json);\n"
	"the format is recognised per file. With no PATH, the default session folders of\n"
	"every client (or of --client) are read.\n"
	"\n"
	"  --format FMT      text (default), json (JSON lines), sarif (SARIF 2.1.0), html\n"
	"  --fail-on LEVEL   exit 1 when a finding is at or above allow|ask|deny (default deny)\n"
	"  --report LEVEL    lowest decision reported (default: ask, or allow with --fail-on allow)\n"
	"  --client NAME     claude, codex, gemini, kiro, cursor or copilot: force the format,\n"
	"                    or pick that client's default folders when no PATH is given\n"
	"  --since AGE       only calls newer than AGE (30m, 12h, 7d, 2w) or a date (2026-11-01)\n"
	"  --baseline FILE   accept the findings listed in FILE (an earlier --format json or\n"
	"                    sarif output, or one fingerprint per line)\n"
	"  --strict-input    any unreadable record makes the exit status 2\n"
	"  --color WHEN      auto (default: only when stdout is a terminal), always, never\n"
	"  --output FILE     write the report to FILE instead of stdout\n"
	"  --cwd DIR         cwd for sessions that do not record one (default: the current one)\n"
	"  --jobs N          judge in N worker processes (default: one per CPU, at most 8,\n"
	"                    or $SHELLGATE_JOBS); the report is the same; 1 judges in this one\n"
	"  --home DIR, --rules FILE, --no-builtin, --no-user, --strict, --mode MODE,\n"
	"  --project DIR     engine options, as for `shellgate check`\n"
	"\n"
	"Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or read errors\n"
	"(and, with --strict-input, unreadable records). Warnings go to stderr.\n";

typedef struct lintopt {
	sg_config cfg;
	const char **extra;
	sg_lint_opts lo;
	int format, color, report_set;
	const char *baseline, *output;
	int argi;
} lintopt;

static int parse_value(lintopt *o, const char *a, const char *val)
{
	static const char *const fmts[] = { "text", "json", "sarif", "html" };
	static const char *const colors[] = { "never", "always", "auto" };
	if (!strcmp(a, "--format")) {
		for (int k = 0; k < 4; k++)
			if (!strcmp(val, fmts[k]))
				return o->format = k, 0;
		return fprintf(stderr, "shellgate: --format must be text, json, sarif or html\n"), -1;
	}
	if (!strcmp(a, "--fail-on") || !strcmp(a, "--report")) {
		int d = sg_decision_parse(val);
		if (d < 0)
			return fprintf(stderr, "shellgate: %s must be allow, ask or deny\n", a), -1;
		if (a[2] == 'f')
			o->lo.fail_on = d;
		else
			o->lo.report_min = d, o->report_set = 1;
		return 0;
	}
	if (!strcmp(a, "--client")) {
		if ((o->lo.client = sg_lint_client_parse(val)) < 0)
			return fprintf(stderr, "shellgate: unknown client '%s' (claude, codex, gemini, kiro, cursor, copilot)\n", val), -1;
		return 0;
	}
	if (!strcmp(a, "--since")) {
		if ((o->lo.since = sg_lint_parse_since(val, time(NULL))) < 0)
			return fprintf(stderr, "shellgate: --since: '%s' is not an age (7d, 12h) or a date\n", val), -1;
		return 0;
	}
	if (!strcmp(a, "--color")) {
		for (int k = 0; k < 3; k++)
			if (!strcmp(val, colors[k]))
				return o->color = k, 0;
		return fprintf(stderr, "shellgate: --color must be auto, always or never\n"), -1;
	}
	if (!strcmp(a, "--mode")) {
		static const char *const m[] = { "trusted", "strict", "audit" };
		for (int k = 0; k < 3; k++)
			if (!strcmp(val, m[k]))
				return o->cfg.mode = k, 0;
		return fprintf(stderr, "shellgate: --mode must be trusted, strict or audit\n"), -1;
	}
	if (!strcmp(a, "--jobs")) {
		if ((o->lo.jobs = sg_jobs_parse(val)) < 0)
			return fprintf(stderr, "shellgate: --jobs must be a number from 0 (one per CPU) to %d\n", SG_MAX_JOBS), -1;
		return 0;
	}
	if (!strcmp(a, "--baseline"))
		o->baseline = val;
	else if (!strcmp(a, "--output"))
		o->output = val;
	else if (!strcmp(a, "--cwd"))
		o->lo.cwd = val;
	else if (!strcmp(a, "--home"))
		o->lo.home = val;
	else if (!strcmp(a, "--project"))
		o->cfg.project = val;
	else if (!strcmp(a, "--rules"))
		o->extra[o->cfg.nextra++] = val;
	else if (!strcmp(a, "--builtin-dir"))
		o->cfg.builtin_dir = val;
	else
		return 1;	/* not an option with a value */
	return 0;
}

static int parse_flag(lintopt *o, const char *a)
{
	if (!strcmp(a, "--strict-input"))
		o->lo.strict_input = 1;
	else if (!strcmp(a, "--strict"))
		o->cfg.strict = 1;
	else if (!strcmp(a, "--no-builtin"))
		o->cfg.no_builtin = 1;
	else if (!strcmp(a, "--no-user"))
		o->cfg.no_user = 1;
	else
		return -1;
	return 0;
}

static int takes_value(const char *a)
{
	static const char *const v[] = { "--format", "--fail-on", "--report", "--client", "--since", "--color",
					 "--mode", "--baseline", "--output", "--cwd", "--home", "--project",
					 "--rules", "--builtin-dir", "--jobs", NULL };
	for (int i = 0; v[i]; i++)
		if (!strcmp(a, v[i]))
			return 1;
	return 0;
}

/* 0 ok, 1 help printed, -1 usage error */
static int parse_args(int argc, char **argv, lintopt *o)
{
	memset(o, 0, sizeof *o);
	o->cfg.mode = -1;
	o->lo.client = SG_LC_AUTO;
	o->lo.fail_on = SG_DENY;
	o->lo.since = -1;
	o->color = 2;
	o->extra = sg_xcalloc((size_t)argc + 1, sizeof *o->extra);
	int i = 1;
	for (; i < argc; i++) {
		char *a = argv[i], *eq = NULL;
		if (!a)
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return fputs(lint_usage, stdout), 1;
		if (!strncmp(a, "--", 2) && (eq = strchr(a, '=')))
			*eq = 0;	/* --format=sarif */
		const char *val = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
		int r = val ? parse_value(o, a, val) : 1;
		if (r < 0)
			return -1;
		if (r == 0) {
			if (!eq)
				i++;
			continue;
		}
		if (!eq && parse_flag(o, a) == 0)
			continue;
		if (!val && takes_value(a))
			return fprintf(stderr, "shellgate: %s needs a value\n", a), -1;
		return fprintf(stderr, "shellgate: unknown option '%s'\n%s", a, lint_usage), -1;
	}
	o->cfg.extra_files = o->extra;
	if (!o->report_set)
		o->lo.report_min = o->lo.fail_on < SG_ASK ? o->lo.fail_on : SG_ASK;
	if (!o->lo.jobs)
		o->lo.jobs = sg_jobs_default();
	o->argi = i;
	return 0;
}

static int run_paths(sg_lint *L, lintopt *o, int argc, char **argv)
{
	int errors = 0;
	if (o->argi < argc) {
		for (int i = o->argi; i < argc; i++)
			errors += sg_lint_walk(argv[i], sg_lint_file, L, stderr);
		return errors;
	}
	char **dirs = sg_lint_default_dirs(o->lo.client);
	if (!dirs[0])
		fprintf(stderr, "shellgate: lint: no session folder of %s found; name files or folders to read\n",
			o->lo.client == SG_LC_AUTO ? "any client" : sg_lint_client_name(o->lo.client));
	for (size_t k = 0; dirs[k]; k++) {
		errors += sg_lint_walk(dirs[k], sg_lint_file, L, stderr);
		free(dirs[k]);
	}
	free(dirs);
	return errors;
}

static int run(lintopt *o, int argc, char **argv, FILE *out)
{
	/* transcripts are history: their paths are resolved against today's
	 * filesystem, once per directory (workers inherit this) */
	sg_paths_memo_plain(1);
	sg_buf log;
	sg_buf_init(&log);
	sg_engine *e = sg_engine_new(&o->cfg, &log);
	if (log.len)
		fputs(log.data, stderr);
	sg_buf_free(&log);
	if (sg_engine_broken(e)) {
		fprintf(stderr, "shellgate: lint: the rules failed to load; nothing was judged\n");
		sg_engine_free(e);
		return 2;
	}
	int color = o->color == 2 ? isatty(fileno(out)) && !getenv("NO_COLOR") : o->color;
	o->lo.progress = isatty(2);
	sg_lint_report *r = sg_lint_report_new(o->format, out, color, sg_engine_rules(e));
	sg_lint *L = sg_lint_new(e, &o->lo, r);
	int status = 0;
	if (o->baseline) {
		sg_buf err;
		sg_buf_init(&err);
		if (sg_lint_baseline_load(L, o->baseline, &err) < 0) {
			fprintf(stderr, "shellgate: --baseline: %s\n", err.data);
			status = 2;
		}
		sg_buf_free(&err);
	}
	int errors = status ? 0 : run_paths(L, o, argc, argv);
	for (int k = 0; k < errors; k++)
		sg_lint_count_read_error(L);
	sg_lint_summary s;
	sg_lint_finish(L, &s);
	sg_lint_report_end(r, &s);
	sg_lint_free(L);
	sg_engine_free(e);
	if (ferror(out) || fflush(out)) {
		fprintf(stderr, "shellgate: lint: write error\n");
		return 2;
	}
	return status ? status : s.exit_status;
}

int sg_cli_lint(int argc, char **argv)
{
	lintopt o;
	sg_fatal_set_emitter(sg_fatal_to_stderr, (void *)"lint", 2);
	int r = parse_args(argc, argv, &o);
	if (r) {
		free(o.extra);
		return r > 0 ? 0 : 2;
	}
	FILE *out = stdout;
	if (o.output && !(out = fopen(o.output, "w"))) {
		perror(o.output);
		free(o.extra);
		return 2;
	}
	int status = run(&o, argc, argv, out);
	if (out != stdout && fclose(out) != 0)
		status = 2;
	free(o.extra);
	return status;
}
