/*
 * sgbench - whole-process timing harness for bench/run.sh.
 *
 *   sgbench [-r ROUNDS] [-m MIN_ROUNDS] [-w WARMUP] [-T SECONDS] [-d OUTDIR] SPEC
 *
 * SPEC has one case per line: NAME<TAB>STDIN<TAB>[VAR=VALUE<TAB>...]ARG0<TAB>ARG1...
 * (STDIN is a file path or "-" for /dev/null; VAR=VALUE fields before the
 * program are added to that case's environment; lines starting with # are
 * skipped). Every round runs each case once, in an order rotated by one per
 * round, so that cases compared with each other see the same machine load.
 * After WARMUP untimed rounds it runs at most ROUNDS rounds, stopping early
 * once SECONDS have passed and at least MIN_ROUNDS are done.
 *
 * Each run is posix_spawn + wait4, timed with CLOCK_MONOTONIC from just
 * before the spawn to just after the reap: the whole process, as an agent
 * pays it. Peak RSS is the child's ru_maxrss. stdout of the first timed run
 * of each case goes to OUTDIR/NAME.out (for checking the verdict), later
 * runs to /dev/null; stderr always to /dev/null.
 *
 * Output: one JSON object per case on stdout, one per line:
 * {"name","runs","min_ms","median_ms","mean_ms","max_ms","rss_kib_max",
 *  "rss_kib_median","exit"}
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CASES 256
#define MAX_ARGS 64

typedef struct {
	char *name, *in;
	char *argv[MAX_ARGS + 1];
	char **envp;
	double *ms;
	long *rss;
	int n, exit_status;
} bcase;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_l(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* Runs one case once; returns wall ms, stores rss and exit status. */
static double run_once(bcase *c, const char *outpath, long *rss, int *status)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, strcmp(c->in, "-") ? c->in : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, outpath ? outpath : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	struct rusage ru;
	int st;
	double t0 = now_ms();
	int e = posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, c->envp ? c->envp : environ);
	if (e) {
		errno = e;
		fprintf(stderr, "sgbench: %s: ", c->name);
		die(c->argv[0]);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		die("wait4");
	double t1 = now_ms();
	posix_spawn_file_actions_destroy(&fa);
	*rss = ru.ru_maxrss;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return t1 - t0;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	int rounds = 30, min_rounds = 5, warmup = 2, opt;
	double max_s = 30;
	const char *outdir = NULL;
	while ((opt = getopt(argc, argv, "r:m:w:T:d:")) != -1) {
		switch (opt) {
		case 'r': rounds = atoi(optarg); break;
		case 'm': min_rounds = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'T': max_s = atof(optarg); break;
		case 'd': outdir = optarg; break;
		default:
			fprintf(stderr, "usage: sgbench [-r N] [-m N] [-w N] [-T S] [-d DIR] SPEC\n");
			return 2;
		}
	}
	if (optind != argc - 1 || rounds < 1)
		return fprintf(stderr, "sgbench: one SPEC file expected\n"), 2;
	FILE *f = fopen(argv[optind], "r");
	if (!f)
		die(argv[optind]);
	static bcase cs[MAX_CASES];
	int nc = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = 0;
		if (!len || line[0] == '#')
			continue;
		if (nc == MAX_CASES)
			return fprintf(stderr, "sgbench: too many cases\n"), 2;
		bcase *c = &cs[nc];
		char *save = NULL, *tok = strtok_r(strdup(line), "\t", &save);
		int k = 0, nenv = 0;
		char *extra[MAX_ARGS];
		for (; tok; tok = strtok_r(NULL, "\t", &save)) {
			if (k == 0)
				c->name = tok;
			else if (k == 1)
				c->in = tok;
			else if (k == 2 && strchr(tok, '=') && tok[0] != '/' && nenv < MAX_ARGS) {
				extra[nenv++] = tok;
				continue;
			} else if (k - 2 < MAX_ARGS)
				c->argv[k - 2] = tok;
			k++;
		}
		if (nenv) {
			size_t ne = 0;
			while (environ[ne])
				ne++;
			c->envp = calloc(ne + nenv + 1, sizeof *c->envp);
			memcpy(c->envp, extra, nenv * sizeof *extra);
			memcpy(c->envp + nenv, environ, ne * sizeof *environ);
		}
		if (k < 3)
			return fprintf(stderr, "sgbench: bad spec line: %s\n", line), 2;
		c->ms = calloc(rounds, sizeof *c->ms);
		c->rss = calloc(rounds, sizeof *c->rss);
		nc++;
	}
	fclose(f);
	long rss;
	int st;
	for (int w = 0; w < warmup; w++)
		for (int i = 0; i < nc; i++)
			run_once(&cs[i], NULL, &rss, &st);
	double start = now_ms();
	for (int r = 0; r < rounds; r++) {
		for (int j = 0; j < nc; j++) {
			bcase *c = &cs[(j + r) % nc];
			char path[4096];
			const char *out = NULL;
			if (c->n == 0 && outdir) {
				snprintf(path, sizeof path, "%s/%s.out", outdir, c->name);
				out = path;
			}
			c->ms[c->n] = run_once(c, out, &c->rss[c->n], &st);
			if (c->n == 0)
				c->exit_status = st;
			c->n++;
		}
		if (r + 1 >= min_rounds && now_ms() - start > max_s * 1e3)
			break;
	}
	for (int i = 0; i < nc; i++) {
		bcase *c = &cs[i];
		double sum = 0;
		for (int k = 0; k < c->n; k++)
			sum += c->ms[k];
		qsort(c->ms, c->n, sizeof *c->ms, cmp_d);
		qsort(c->rss, c->n, sizeof *c->rss, cmp_l);
		double med = c->n % 2 ? c->ms[c->n / 2] : (c->ms[c->n / 2 - 1] + c->ms[c->n / 2]) / 2;
		printf("{\"name\":");
		json_str(c->name);
		printf(",\"runs\":%d,\"min_ms\":%.4f,\"median_ms\":%.4f,\"mean_ms\":%.4f,\"max_ms\":%.4f,"
		       "\"rss_kib_max\":%ld,\"rss_kib_median\":%ld,\"exit\":%d}\n",
		       c->n, c->ms[0], med, sum / c->n, c->ms[c->n - 1], c->rss[c->n - 1],
		       c->rss[c->n / 2], c->exit_status);
	}
	return 0;
}
