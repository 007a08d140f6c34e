/*
 * audit.c - the decision log (see audit.h). Best effort by design: every
 * error is swallowed, because a log must never turn an answer into a
 * failure or slow a hook down.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "config.h"
#include "sg.h"

/* Token-like values are masked before they reach the log (issue 4 part 7):
 * the prefix is kept so the record stays readable, the secret part is not. */
static void mask_tokens(const char *s, size_t n, sg_buf *out)
{
	static const char *const pre[] = { "ghp_", "gho_", "ghs_", "ghu_", "github_pat_", "glpat-", "sk-", "xoxb-",
					   "xoxp-", "AKIA", "ASIA", "password=", "passwd=", "token=", "secret=",
					   "Bearer ", "bearer ", "PASSWORD=", "TOKEN=", "SECRET=", NULL };
	for (size_t i = 0; i < n;) {
		size_t hit = 0;
		for (int k = 0; pre[k] && !hit; k++) {
			size_t l = strlen(pre[k]);
			if (i + l <= n && !memcmp(s + i, pre[k], l))
				hit = l;
		}
		if (!hit) {
			sg_buf_addc(out, s[i++]);
			continue;
		}
		sg_buf_add(out, s + i, hit);
		i += hit;
		size_t j = i;
		while (j < n && (s[j] == '_' || s[j] == '-' || s[j] == '.' || s[j] == '/' || s[j] == '+' || s[j] == '=' ||
				 (s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
			j++;
		if (j - i >= 4)
			sg_buf_adds(out, "***");
		else
			sg_buf_add(out, s + i, j - i);
		i = j;
	}
}

static void field(sg_buf *b, const char *k, const char *v, int mask)
{
	if (!v)
		return;
	sg_buf_printf(b, ",\"%s\":", k);
	size_t n = strlen(v);
	if (mask) {
		sg_buf m;
		sg_buf_init(&m);
		mask_tokens(v, n > SG_AUDIT_MAX_TEXT ? SG_AUDIT_MAX_TEXT : n, &m);
		sg_buf_json_str(b, m.data ? m.data : "", m.len);
		sg_buf_free(&m);
	} else {
		sg_buf_json_str(b, v, n > SG_AUDIT_MAX_TEXT ? SG_AUDIT_MAX_TEXT : n);
	}
}

void sg_audit_record(const sg_audit_entry *e)
{
	char path[PATH_MAX] = "";
	unsigned long maxb = SG_AUDIT_MAX_BYTES;
	const char *env = getenv("SHELLGATE_AUDIT_LOG");
	if (e->path && *e->path)
		snprintf(path, sizeof path, "%s", e->path);
	else if (env && *env)
		snprintf(path, sizeof path, "%s", env);
	const sg_user_config *cfg = sg_user_config_get();
	if (!path[0] && cfg->audit_log[0])
		snprintf(path, sizeof path, "%s", cfg->audit_log);
	if (cfg->audit_max_bytes)
		maxb = cfg->audit_max_bytes;
	if (!path[0])
		return;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) == 0 && (unsigned long)st.st_size >= maxb) {
		/* rotate: the next hook opens a fresh file; this record goes to the old one */
		char old[PATH_MAX + 4];
		snprintf(old, sizeof old, "%s.1", path);
		(void)rename(path, old);
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	sg_buf b;
	sg_buf_init(&b);
	sg_buf_printf(&b, "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"pid\":%ld", tm.tm_year + 1900,
		      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L,
		      (long)getpid());
	field(&b, "client", e->client, 0);
	field(&b, "event", e->event, 0);
	field(&b, "session", e->session, 0);
	field(&b, "cwd", e->cwd, 0);
	field(&b, "tool", e->tool, 0);
	field(&b, "command", e->text, 1);
	field(&b, "decision", e->decision, 0);
	field(&b, "rules", e->rules, 0);
	field(&b, "error", e->error, 0);
	sg_buf_adds(&b, "}\n");
	/* one write: O_APPEND makes it atomic with respect to other appenders */
	(void)!write(fd, b.data, b.len);
	close(fd);
	sg_buf_free(&b);
}
