/*
 * cli_check.c - `shellgate check` (one command, or --batch) and
 * `shellgate explain` (the IR). Option parsing only; the engine decides.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cliopt.h"
#include "lint.h"
#include "engine.h"
#include "jobs.h"
#include "lower.h"
#include "paths.h"

static const char check_usage[] =
	"usage: shellgate check [OPTIONS] [--] COMMAND...\n"
	"       shellgate check --batch [OPTIONS] < commands\n"
	"\n"
	"Judge a shell command: prints allow, ask or deny with the rules that decided\n"
	"it, their reasons and the exact text each is about.\n"
	"\n"
	"  --json           one JSON object {\"decision\",\"reasons\":[{rule,decision,reason,span,text}],\"flags\"}\n"
	"  --batch          read one command per line from stdin (escapes \\\\ \\t \\n \\r),\n"
	"                   write one JSON verdict per line\n"
	"  --jobs N         --batch: judge in N worker processes (default: one per CPU,\n"
	"                   at most 8, or $SHELLGATE_JOBS); answers keep the input order;\n"
	"                   --jobs 1 judges in this process\n"
	"  --stdin          read one command (the whole of stdin, up to 1 MiB) instead of arguments\n"
	"  --cwd DIR        directory the command runs in (default: the current one)\n"
	"  --home DIR       home directory (default: $HOME)\n"
	"  --project DIR    project root (default: the cwd)\n"
	"  --rules FILE     load FILE as an extra rule layer (repeatable)\n"
	"  --no-builtin     do not load the built-in packs\n"
	"  --no-user        do not load the user and project rule files\n"
	"  --no-fs          classify paths lexically only (no symlink resolution; tests)\n"
	"  --strict         dynamic and unparsable commands are denied\n"
	"  --mode MODE      trusted (default), strict or audit\n"
	"\n"
	"Exit status: 0 allow, 1 ask, 2 deny, 3 usage or internal error (a deny is printed).\n";

static const char explain_usage[] =
	"usage: shellgate explain [--json] [--ast] [OPTIONS] [--] COMMAND...\n"
	"\n"
	"Print the command IR shellgate judges: every simple command with its program,\n"
	"words (static/dynamic/glob, path classes), flags, redirections, context,\n"
	"wrapper chain and byte span. --ast prints the tree-sitter syntax tree instead.\n"
	"Takes the same --cwd/--home/--project/--rules options as check.\n";

/* ---- fatal emitter for check: a deny, exit 3 ---------------------------------------- */

static int emit_json;

static void check_fatal(const char *msg, void *ctx)
{
	(void)ctx;
	sg_buf b;
	char out[1024];
	(void)b;
	int n;
	if (emit_json)
		n = snprintf(out, sizeof out,
			     "{\"decision\":\"deny\",\"reasons\":[{\"rule\":\"engine.error\",\"decision\":\"deny\","
			     "\"reason\":\"shellgate internal error\",\"span\":[0,0],\"text\":\"\"}],\"flags\":[\"engine_error\"]}\n");
	else
		n = snprintf(out, sizeof out, "deny\n  deny  engine.error  shellgate internal error\n");
	if (n > 0)
		(void)sg_write_all(1, out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);
	n = snprintf(out, sizeof out, "shellgate: %s\n", msg);
	if (n > 0)
		(void)sg_write_all(2, out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);
}

/* ---- batch line decoding ----------------------------------------------------------- */

/* Decodes the dev.tsv escapes in place (\\ \t \n \r, left to right);
 * returns the new length. Unknown escapes are kept as written. */
size_t sg_batch_decode(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char c = s[i + 1];
			char r = c == '\\' ? '\\' : c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : 0;
			if (r) {
				s[o++] = r;
				i++;
				continue;
			}
		}
		s[o++] = s[i];
	}
	return o;
}

/* The verdict of a command that could not be judged (a worker failed): the
 * same line check_fatal prints for an internal error. */
#define ENGINE_ERROR_JSON                                                                                  \
	"{\"decision\":\"deny\",\"reasons\":[{\"rule\":\"engine.error\",\"decision\":\"deny\","                 \
	"\"reason\":\"shellgate internal error\",\"span\":[0,0],\"text\":\"\"}],\"flags\":[\"engine_error\"]}\n"

typedef struct batch {
	sg_engine *e;
	const sg_request *tmpl;
	sg_buf ans;
	int worst, write_error, failed;
} batch;

/* Judges one command (in a worker, or in-process with --jobs 1): the
 * decision as one digit, then the JSON verdict line. */
static void batch_work(void *ctx, const char *text, size_t n, sg_buf *ans)
{
	batch *b = ctx;
	sg_request r = *b->tmpl;
	r.text = text;
	r.len = n;
	sg_verdict v;
	sg_engine_judge(b->e, &r, &v);
	sg_buf_addc(ans, (char)('0' + (int)v.decision));
	sg_verdict_json(&v, ans);
	sg_buf_addc(ans, '\n');
	sg_verdict_free(&v);
}

/* Writes one answer, in input order; NULL (the worker failed) is a deny. */
static void batch_done(void *ctx, const char *ans, size_t n)
{
	batch *b = ctx;
	int d = SG_DENY;
	const char *line = ENGINE_ERROR_JSON;
	size_t len = sizeof ENGINE_ERROR_JSON - 1;
	if (ans && n >= 2 && ans[0] >= '0' && ans[0] <= '2' && ans[n - 1] == '\n') {
		d = ans[0] - '0';
		line = ans + 1;
		len = n - 1;
	} else {
		b->failed = 1;
	}
	if (d > b->worst)
		b->worst = d;
	if (!b->write_error && fwrite(line, 1, len, stdout) != len)
		b->write_error = 1;
}

static void batch_one(batch *b, sg_jobs *J, const char *text, size_t n)
{
	if (J) {
		sg_jobs_submit(J, text, n);
		return;
	}
	sg_buf_reset(&b->ans);
	batch_work(b, text, n, &b->ans);
	batch_done(b, b->ans.data, b->ans.len);
}

/* stdin, read in blocks. Before waiting for more input, every answer owed
 * so far is written and flushed: a program that writes one command and
 * waits for its verdict (a coprocess) gets it at once, in any --jobs mode.
 * A file or a fast producer never waits, so never pays the flush. */
typedef struct batch_in {
	char *buf;
	size_t pos, len;
} batch_in;

#define BATCH_READ_BLOCK 65536

static int batch_getc(batch_in *in, batch *b, sg_jobs *J)
{
	if (in->pos == in->len) {
		struct pollfd pf = { 0, POLLIN, 0 };
		if (poll(&pf, 1, 0) == 0) {
			if (J)
				sg_jobs_drain(J);
			if (fflush(stdout) != 0)
				b->write_error = 1;
		}
		ssize_t r;
		do
			r = read(0, in->buf, BATCH_READ_BLOCK);
		while (r < 0 && errno == EINTR);
		if (r <= 0)
			return EOF;
		in->len = (size_t)r;
		in->pos = 0;
	}
	return (unsigned char)in->buf[in->pos++];
}

static int run_batch(sg_engine *e, const sg_request *tmpl, int jobs)
{
	batch b = { e, tmpl, { 0 }, 0, 0, 0 };
	sg_buf line;
	sg_buf_init(&line);
	sg_buf_init(&b.ans);
	batch_in in = { sg_xmalloc(BATCH_READ_BLOCK), 0, 0 };
	sg_jobs *J = jobs > 1 ? sg_jobs_start(jobs, batch_work, &b, batch_done, &b) : NULL;
	int c, toolong = 0;
	while (!b.write_error) {
		c = batch_getc(&in, &b, J);
		if (c != EOF && c != '\n') {
			if (line.len <= SG_MAX_INPUT * 2)
				sg_buf_addc(&line, (char)c);
			else
				toolong = 1;
			continue;
		}
		if (c == EOF && line.len == 0 && !toolong)
			break;
		size_t n = line.len ? sg_batch_decode(line.data, line.len) : 0;
		/* a line over the limit is judged by its first SG_MAX_INPUT + 1
		 * bytes, which the engine reads as "too large" (unparsable) */
		batch_one(&b, J, line.data ? line.data : "", toolong ? SG_MAX_INPUT + 1 : n);
		sg_buf_reset(&line);
		toolong = 0;
		if (c == EOF)
			break;
	}
	if (J && sg_jobs_end(J))
		b.failed = 1;
	free(in.buf);
	sg_buf_free(&line);
	sg_buf_free(&b.ans);
	if (b.write_error || fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "shellgate: write error: %s\n", strerror(errno));
		return SG_EXIT_USAGE;
	}
	return b.failed ? SG_EXIT_USAGE : b.worst;
}

/* ---- shared option parsing (check, explain, test) -------------------------------------- */

int sg_cliopt_parse(int argc, char **argv, sg_cliopt *o, const char *usage)
{
	memset(o, 0, sizeof *o);
	o->cfg.mode = -1;
	o->extra = sg_xcalloc((size_t)argc + 1, sizeof *o->extra);
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return 1;
		} else if (!strcmp(a, "--json")) {
			o->json = 1;
		} else if (!strcmp(a, "--batch")) {
			o->batch = 1;
		} else if (!strcmp(a, "--jobs")) {
			if ((o->jobs = sg_jobs_parse(val)) < 0) {
				fprintf(stderr, "shellgate: --jobs must be a number from 0 (one per CPU) to %d\n", SG_MAX_JOBS);
				return -1;
			}
			i++;
		} else if (!strcmp(a, "--stdin")) {
			o->stdin_cmd = 1;
		} else if (!strcmp(a, "--ast")) {
			o->ast = 1;
		} else if (!strcmp(a, "--strict")) {
			o->cfg.strict = 1;
		} else if (!strcmp(a, "--no-builtin")) {
			o->cfg.no_builtin = 1;
		} else if (!strcmp(a, "--no-user")) {
			o->cfg.no_user = 1;
		} else if (!strcmp(a, "--no-fs")) {
			sg_paths_set_fs(0);
		} else if (!strcmp(a, "--cwd") || !strcmp(a, "--home") || !strcmp(a, "--project") ||
			   !strcmp(a, "--rules") || !strcmp(a, "--mode") || !strcmp(a, "--builtin-dir")) {
			if (!val) {
				fprintf(stderr, "shellgate: %s needs a value\n", a);
				return -1;
			}
			i++;
			if (!strcmp(a, "--cwd"))
				o->cwd = val;
			else if (!strcmp(a, "--home"))
				o->home = val;
			else if (!strcmp(a, "--project"))
				o->project = val;
			else if (!strcmp(a, "--rules"))
				o->extra[o->cfg.nextra++] = val;
			else if (!strcmp(a, "--builtin-dir"))
				o->cfg.builtin_dir = val;
			else {
				static const char *m[] = { "trusted", "strict", "audit" };
				int k;
				for (k = 0; k < 3 && strcmp(val, m[k]); k++)
					;
				if (k == 3) {
					fprintf(stderr, "shellgate: --mode must be trusted, strict or audit\n");
					return -1;
				}
				o->cfg.mode = k;
			}
		} else {
			fprintf(stderr, "shellgate: unknown option '%s'\n%s", a, usage);
			return -1;
		}
	}
	o->cfg.extra_files = o->extra;
	o->cfg.project = o->project ? o->project : o->cwd;
	if (!o->cfg.project) {
		static char cwdbuf[4096];
		if (getcwd(cwdbuf, sizeof cwdbuf))
			o->cfg.project = cwdbuf;
	}
	o->argi = i;
	return 0;
}

/* The whole of stdin as one command; more than SG_MAX_INPUT bytes is kept
 * as "too large" (len = SG_MAX_INPUT + 1), which judges as unparsable. */
static char *read_stdin_cmd(size_t *len)
{
	sg_buf b;
	sg_buf_init(&b);
	char *chunk = sg_xmalloc(SG_READ_CHUNK);
	size_t n;
	while ((n = fread(chunk, 1, SG_READ_CHUNK, stdin)) > 0) {
		if (b.len + n > SG_MAX_INPUT + 1)
			n = SG_MAX_INPUT + 1 - b.len;
		sg_buf_add(&b, chunk, n);
		if (b.len > SG_MAX_INPUT)
			break;
	}
	free(chunk);
	*len = b.len;
	sg_buf_cstr(&b);
	return b.data;
}

static char *join_args(int argc, char **argv, int from, size_t *len)
{
	sg_buf b;
	sg_buf_init(&b);
	for (int i = from; i < argc; i++) {
		if (i > from)
			sg_buf_addc(&b, ' ');
		sg_buf_adds(&b, argv[i]);
	}
	*len = b.len;
	sg_buf_cstr(&b);
	return b.data;
}

int sg_cli_check(int argc, char **argv)
{
	sg_cliopt o;
	sg_fatal_set_emitter(check_fatal, NULL, SG_EXIT_USAGE);
	int r = sg_cliopt_parse(argc, argv, &o, check_usage);
	emit_json = o.json || o.batch;
	if (r) {
		free(o.extra);
		return r > 0 ? 0 : SG_EXIT_USAGE;
	}
	if (!o.batch && !o.stdin_cmd && o.argi >= argc) {
		fputs(check_usage, stderr);
		free(o.extra);
		return SG_EXIT_USAGE;
	}
	sg_buf log;
	sg_buf_init(&log);
	sg_engine *e = sg_engine_new(&o.cfg, &log);
	if (log.len)
		fputs(log.data, stderr);
	sg_buf_free(&log);
	sg_request req = { SG_REQ_SHELL, NULL, 0, o.cwd, o.home, o.project };
	int status;
	if (o.batch) {
		status = run_batch(e, &req, o.jobs > 0 ? o.jobs : sg_jobs_default());
	} else {
		size_t len;
		char *cmd = o.stdin_cmd ? read_stdin_cmd(&len) : join_args(argc, argv, o.argi, &len);
		req.text = cmd;
		req.len = len;
		sg_verdict v;
		sg_engine_judge(e, &req, &v);
		sg_buf out;
		sg_buf_init(&out);
		if (o.json) {
			sg_verdict_json(&v, &out);
			sg_buf_addc(&out, '\n');
		} else {
			sg_verdict_text(&v, &out);
		}
		fwrite(out.data, 1, out.len, stdout);
		sg_buf_free(&out);
		status = (v.flags & SG_V_ENGINE_ERROR) && sg_engine_broken(e) ? SG_EXIT_USAGE : (int)v.decision;
		sg_verdict_free(&v);
		free(cmd);
		if (fflush(stdout) != 0)
			status = SG_EXIT_USAGE;
	}
	sg_engine_free(e);
	free(o.extra);
	return status;
}

/* ---- explain ----------------------------------------------------------------------------- */

static void explain_text(const sg_ir *ir, sg_buf *b)
{
	for (size_t i = 0; i < ir->ncmds; i++) {
		const sg_cmd *c = ir->cmds[i];
		sg_buf_printf(b, "#%d [%u,%u] %s", c->id, c->start, c->end, c->name && *c->name ? c->name : "(no program)");
		for (size_t k = 1; k < c->argc; k++) {
			const sg_word *w = &c->argv[k];
			sg_buf_printf(b, " %s%.*s%s", (w->flags & SG_W_DYNAMIC) ? "<dyn:" : "", (int)w->len, w->text,
				      (w->flags & SG_W_DYNAMIC) ? ">" : "");
			if (w->path) {
				sg_buf_adds(b, "{");
				int first = 1;
				for (int q = 0; q < SG_P_NCLASSES; q++)
					if (w->path->classes & (1u << q)) {
						sg_buf_printf(b, "%s%s", first ? "" : ",", sg_path_class_name(1u << q));
						first = 0;
					}
				sg_buf_adds(b, "}");
			}
		}
		for (size_t k = 0; k < c->nredirs; k++)
			sg_buf_printf(b, " %s%s", c->redirs[k].op, c->redirs[k].is_heredoc ? "(heredoc)" : c->redirs[k].target.text);
		if (c->wrappers && *c->wrappers)
			sg_buf_printf(b, "  via: %s", c->wrappers);
		if (c->nfed_by) {
			sg_buf_adds(b, "  fed by:");
			for (size_t k = 0; k < c->nfed_by; k++)
				sg_buf_printf(b, " #%d", c->fed_by[k]->id);
		}
		sg_buf_printf(b, "  cwd: %s\n", c->cwd ? c->cwd : "(unknown)");
	}
	if (ir->flags & SG_IR_UNPARSABLE)
		sg_buf_adds(b, "(input has parse errors: unparsable floor applies)\n");
	if (ir->flags & SG_IR_LIMIT)
		sg_buf_printf(b, "(limit hit: %s)\n", ir->limit_what ? ir->limit_what : "?");
}

int sg_cli_explain(int argc, char **argv)
{
	sg_cliopt o;
	sg_fatal_set_emitter(check_fatal, NULL, SG_EXIT_USAGE);
	int r = sg_cliopt_parse(argc, argv, &o, explain_usage);
	if (r) {
		free(o.extra);
		return r > 0 ? 0 : SG_EXIT_USAGE;
	}
	if (o.argi >= argc) {
		fputs(explain_usage, stderr);
		free(o.extra);
		return SG_EXIT_USAGE;
	}
	size_t len;
	char *cmd = join_args(argc, argv, o.argi, &len);
	sg_buf out;
	sg_buf_init(&out);
	if (o.ast) {
		sg_parser *p = sg_parser_new(NULL);
		int st;
		TSTree *t = p ? sg_parse(p, cmd, len, &st) : NULL;
		if (t) {
			sg_parse_sexp(ts_tree_root_node(t), cmd, &out, 0);
			ts_tree_delete(t);
		} else {
			sg_buf_adds(&out, "(no tree: input too large or parse timeout)\n");
		}
		sg_parser_free(p);
	} else {
		sg_buf log;
		sg_buf_init(&log);
		sg_engine *e = sg_engine_new(&o.cfg, &log);
		if (log.len)
			fputs(log.data, stderr);
		sg_buf_free(&log);
		sg_request req = { SG_REQ_SHELL, cmd, len, o.cwd, o.home, o.project };
		sg_verdict v;
		sg_engine_judge(e, &req, &v);
		if (v.ir) {
			/* classify every argument and redirect target for display */
			for (size_t i = 0; i < v.ir->ncmds; i++) {
				sg_cmd *c = v.ir->cmds[i];
				for (size_t k = 0; k < c->npositional; k++)
					sg_path_of_word(v.ir, sg_engine_rules(e), &c->argv[c->positional[k]]);
				for (size_t k = 0; k < c->nredirs; k++)
					if (!c->redirs[k].is_heredoc && !c->redirs[k].is_herestring)
						sg_path_of_word(v.ir, sg_engine_rules(e), &c->redirs[k].target);
			}
			if (o.json) {
				sg_ir_json(v.ir, &out);
				sg_buf_addc(&out, '\n');
			} else {
				explain_text(v.ir, &out);
			}
		} else if (o.json) {
			sg_buf_adds(&out, "{\"commands\":[],\"error\":\"engine could not build the IR\"}\n");
		} else {
			sg_buf_adds(&out, "(no IR: the engine could not judge this input)\n");
		}
		sg_verdict_free(&v);
		sg_engine_free(e);
	}
	/* the IR quotes the command: token-like values are masked as in check */
	sg_buf masked;
	sg_buf_init(&masked);
	sg_mask_secrets(out.data ? out.data : "", out.len, &masked);
	fwrite(masked.data ? masked.data : "", 1, masked.len, stdout);
	sg_buf_free(&masked);
	sg_buf_free(&out);
	free(cmd);
	free(o.extra);
	return fflush(stdout) ? SG_EXIT_USAGE : 0;
}
