/*
 * lint_read.c - transcript input: bounded lines from plain or gzip files,
 * the directory walk, default session folders, and time parsing.
 *
 * Bounds: a line longer than SG_LINT_MAX_LINE is skipped (reported by the
 * caller) while the rest of the file is still read; the read buffer is fixed;
 * the walk never follows symlinked directories and stops at
 * SG_LINT_MAX_WALK_DEPTH.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "lint.h"

/* Read block: large enough that most records are returned in place. */
#define READ_BLOCK (1u << 20)

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

int sg_lint_in_open(sg_lint_in *in, const char *path)
{
	memset(in, 0, sizeof *in);
	in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in->fd < 0) {
		int e = errno;
		snprintf(in->errmsg, sizeof in->errmsg, "cannot open: %s", strerror(e));
		return -e;
	}
	struct stat sb;
	if (fstat(in->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(in->fd);
		in->fd = -1;
		snprintf(in->errmsg, sizeof in->errmsg, "is a directory");
		return -EISDIR;
	}
	unsigned char magic[2] = { 0, 0 };
	ssize_t m = pread(in->fd, magic, 2, 0);
	if (ends_with(path, ".gz") || (m == 2 && magic[0] == 0x1f && magic[1] == 0x8b)) {
		int fd2 = dup(in->fd);
		in->gz = fd2 >= 0 ? gzdopen(fd2, "rb") : NULL;
		if (!in->gz) {
			if (fd2 >= 0)
				close(fd2);
			close(in->fd);
			in->fd = -1;
			snprintf(in->errmsg, sizeof in->errmsg, "cannot open gzip stream");
			return -EIO;
		}
		gzbuffer(in->gz, 256u << 10);
	}
	in->buf = sg_xmalloc(READ_BLOCK);
	sg_buf_init(&in->line);
	return 0;
}

void sg_lint_in_close(sg_lint_in *in)
{
	if (in->gz)
		gzclose(in->gz);
	if (in->fd >= 0)
		close(in->fd);
	free(in->buf);
	sg_buf_free(&in->line);
	in->gz = NULL;
	in->fd = -1;
	in->buf = NULL;
}

static int fill(sg_lint_in *in)
{
	ssize_t r;
	if (in->gz) {
		int n = gzread(in->gz, in->buf, READ_BLOCK);
		if (n < 0) {
			int zerr;
			const char *msg = gzerror(in->gz, &zerr);
			snprintf(in->errmsg, sizeof in->errmsg, "gzip: %s", msg ? msg : "read error");
			in->err = 1;
			return -1;
		}
		if (n == 0 && !gzeof(in->gz)) {
			snprintf(in->errmsg, sizeof in->errmsg, "gzip: truncated stream");
			in->err = 1;
			return -1;
		}
		r = n;
	} else {
		do
			r = read(in->fd, in->buf, READ_BLOCK);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			snprintf(in->errmsg, sizeof in->errmsg, "read error: %s", strerror(errno));
			in->err = 1;
			return -1;
		}
	}
	if (in->bytes == 0 && r > 0 && memchr(in->buf, 0, (size_t)r < 8192 ? (size_t)r : 8192))
		in->binary = 1;
	in->bytes += (uint64_t)r;
	in->bpos = 0;
	in->blen = (size_t)r;
	if (r == 0)
		in->eof = 1;
	return (int)(r > 0);
}

int sg_lint_in_next(sg_lint_in *in, const char **s, size_t *n, int *toolong)
{
	size_t have = 0;	/* bytes of the current line seen so far */
	*toolong = 0;
	sg_buf_reset(&in->line);
	for (;;) {
		if (in->bpos >= in->blen) {
			if (in->eof || in->err)
				break;
			int f = fill(in);
			if (f < 0)
				return -1;
			if (f == 0)
				break;
		}
		const char *p = in->buf + in->bpos;
		size_t avail = in->blen - in->bpos;
		const char *nl = memchr(p, '\n', avail);
		size_t take = nl ? (size_t)(nl - p) : avail;
		in->bpos += take + (nl ? 1 : 0);
		if (nl && have == 0 && !*toolong) {
			/* the whole line is in the block: no copy */
			in->lineno++;
			*s = p;
			*n = take;
			return 1;
		}
		if (have + take > SG_LINT_MAX_LINE) {
			*toolong = 1;
			sg_buf_reset(&in->line);
		} else if (!*toolong) {
			sg_buf_add(&in->line, p, take);
		}
		have += take;
		if (nl) {
			in->lineno++;
			*s = in->line.data ? in->line.data : "";
			*n = *toolong ? 0 : in->line.len;
			return 1;
		}
	}
	if (have == 0 && !*toolong)
		return 0;
	in->lineno++;
	in->last_unterminated = 1;
	*s = in->line.data ? in->line.data : "";
	*n = *toolong ? 0 : in->line.len;
	return 1;
}

/* ---- directory walk ----------------------------------------------------------------- */

/* Files a walk picks up: JSONL transcripts (plain or gzip) and Gemini's
 * older single-document session-*.json. Other files in session folders
 * (Kiro's <id>.json metadata, locks, SQLite stores) are not transcripts. */
static int transcript_name(const char *name)
{
	if (ends_with(name, ".jsonl") || ends_with(name, ".jsonl.gz"))
		return 1;
	return !strncmp(name, "session-", 8) && (ends_with(name, ".json") || ends_with(name, ".json.gz"));
}

static int walk_dir(const char *dir, int depth, sg_lint_file_fn fn, void *ctx, FILE *err)
{
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	int errors = 0;
	if (n < 0) {
		fprintf(err, "shellgate: %s: cannot read directory: %s\n", dir, strerror(errno));
		return 1;
	}
	sg_buf p;
	sg_buf_init(&p);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2])))
			continue;
		sg_buf_reset(&p);
		sg_buf_printf(&p, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", name);
		struct stat sb;
		if (lstat(p.data, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (depth + 1 >= SG_LINT_MAX_WALK_DEPTH) {
				fprintf(err, "shellgate: %s: deeper than %d directories, not walked\n", p.data,
					SG_LINT_MAX_WALK_DEPTH);
				errors++;
				continue;
			}
			errors += walk_dir(p.data, depth + 1, fn, ctx, err);
		} else if (S_ISREG(sb.st_mode) && transcript_name(name)) {
			fn(ctx, p.data, 0);
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	sg_buf_free(&p);
	return errors;
}

int sg_lint_walk(const char *path, sg_lint_file_fn fn, void *ctx, FILE *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		fn(ctx, path, 1);	/* the reader reports why it cannot open it */
		return 0;
	}
	if (S_ISDIR(sb.st_mode))
		return walk_dir(path, 0, fn, ctx, err);
	fn(ctx, path, 1);
	return 0;
}

/* ---- default session folders ------------------------------------------------------------ */

static void add_dir(char ***v, size_t *n, const char *base, const char *sub)
{
	if (!base || !*base)
		return;
	sg_buf p;
	sg_buf_init(&p);
	sg_buf_printf(&p, "%s%s", base, sub);
	struct stat sb;
	if (stat(p.data, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		*v = sg_xrealloc(*v, (*n + 2) * sizeof **v);
		(*v)[(*n)++] = p.data;
		(*v)[*n] = NULL;
	} else {
		sg_buf_free(&p);
	}
}

char **sg_lint_default_dirs(int client)
{
	const char *home = getenv("HOME");
	char **v = sg_xcalloc(1, sizeof *v);
	size_t n = 0;
	sg_buf t;
	sg_buf_init(&t);
	for (int c = 0; c < SG_LC_N; c++) {
		if (client != SG_LC_AUTO && client != c)
			continue;
		const char *env;
		switch (c) {
		case SG_LC_CLAUDE:
			env = getenv("CLAUDE_CONFIG_DIR");
			if (env && *env)
				add_dir(&v, &n, env, "/projects");
			else
				add_dir(&v, &n, home, "/.claude/projects");
			break;
		case SG_LC_CODEX:
			env = getenv("CODEX_HOME");
			if (env && *env)
				add_dir(&v, &n, env, "/sessions");
			else
				add_dir(&v, &n, home, "/.codex/sessions");
			break;
		case SG_LC_GEMINI:
			add_dir(&v, &n, home, "/.gemini/tmp");
			break;
		case SG_LC_KIRO:
			if ((env = getenv("KIRO_SESSIONS_DIR")) && *env)
				add_dir(&v, &n, env, "");
			else if ((env = getenv("KIRO_HOME")) && *env)
				add_dir(&v, &n, env, "/sessions/cli");
			else
				add_dir(&v, &n, home, "/.kiro/sessions/cli");
			break;
		case SG_LC_CURSOR:
			add_dir(&v, &n, home, "/.cursor/projects");
			break;
		case SG_LC_COPILOT:
			add_dir(&v, &n, home, "/.copilot/session-state");
			break;
		}
	}
	sg_buf_free(&t);
	return v;
}

/* ---- time ---------------------------------------------------------------------------- */

static int digits(const char *s, size_t n, size_t at, int cnt, int *out)
{
	int v = 0;
	if (at + (size_t)cnt > n)
		return -1;
	for (int i = 0; i < cnt; i++) {
		char c = s[at + (size_t)i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

/* days since 1970-01-01 of a civil date (Howard Hinnant's algorithm) */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t sg_lint_parse_time(const char *s, size_t n)
{
	int Y, M, D, h = 0, mi = 0, se = 0;
	if (n >= 10 && n <= 16 && strspn(s, "0123456789") == n) {
		int64_t v = 0;
		for (size_t i = 0; i < n; i++)
			v = v * 10 + (s[i] - '0');
		return n >= 13 ? v / 1000 : v;	/* epoch ms or s */
	}
	if (digits(s, n, 0, 4, &Y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &M) || s[7] != '-' ||
	    digits(s, n, 8, 2, &D) || M < 1 || M > 12 || D < 1 || D > 31)
		return -1;
	size_t i = 10;
	if (i < n && (s[i] == 'T' || s[i] == ' ')) {
		if (digits(s, n, 11, 2, &h) || n < 16 || s[13] != ':' || digits(s, n, 14, 2, &mi))
			return -1;
		i = 16;
		if (i < n && s[i] == ':') {
			if (digits(s, n, 17, 2, &se))
				return -1;
			i = 19;
		}
		while (i < n && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
			i++;
	}
	int64_t t = days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + se;
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		int oh, om = 0;
		if (digits(s, n, i + 1, 2, &oh))
			return -1;
		size_t k = i + 3;
		if (k < n && s[k] == ':')
			k++;
		if (k < n)
			(void)digits(s, n, k, 2, &om);
		int64_t off = oh * 3600 + om * 60;
		t += s[i] == '+' ? -off : off;
	}
	return t;
}

int64_t sg_lint_parse_since(const char *s, time_t now)
{
	size_t n = strlen(s);
	if (n >= 2 && strspn(s, "0123456789") == n - 1) {
		int64_t v = strtoll(s, NULL, 10);
		int64_t unit;
		switch (s[n - 1]) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: return -1;
		}
		if (v > INT64_MAX / unit)
			return -1;
		return (int64_t)now - v * unit;
	}
	return sg_lint_parse_time(s, n);
}
