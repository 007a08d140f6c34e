/*
 * settings_edit.c - see settings_edit.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "settings_edit.h"

/* Client settings are small; anything bigger is not one. */
#define SG_SETTINGS_MAX (4u << 20)

static int has_comments(const char *s, size_t n)
{
	int in_str = 0;
	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_str = 0;
		} else if (s[i] == '"') {
			in_str = 1;
		} else if (s[i] == '/' && i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '*')) {
			return 1;
		}
	}
	return 0;
}

static void detect_indent(sg_settings *s)
{
	memcpy(s->indent, "  ", 3);
	const char *p = s->text ? strchr(s->text, '\n') : NULL;
	if (!p)
		return;
	p++;
	size_t n = 0;
	while (p[n] == ' ' || p[n] == '\t')
		n++;
	if (n && n < sizeof s->indent) {
		memcpy(s->indent, p, n);
		s->indent[n] = 0;
	}
}

int sg_settings_load(sg_settings *s, const char *path, const char **why)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	int r = sg_read_file(path, SG_SETTINGS_MAX, &s->text, &s->len);
	if (r == -ENOENT) {
		s->root = cJSON_CreateObject();
		memcpy(s->indent, "  ", 3);
		return 0;
	}
	if (r < 0) {
		*why = r == -EFBIG ? "file too large" : strerror(-r);
		return -1;
	}
	s->exists = 1;
	detect_indent(s);
	s->jsonc = has_comments(s->text, s->len);
	size_t i = 0;
	while (i < s->len && (s->text[i] == ' ' || s->text[i] == '\n' || s->text[i] == '\t' || s->text[i] == '\r'))
		i++;
	if (i == s->len) {	/* an empty file is an empty object */
		s->root = cJSON_CreateObject();
		return 0;
	}
	if (s->jsonc) {
		*why = "has comments (JSONC), which rewriting would drop";
		return -1;
	}
	s->root = cJSON_ParseWithLength(s->text, s->len);
	if (!cJSON_IsObject(s->root)) {
		*why = "not a JSON object";
		return -1;
	}
	return 0;
}

void sg_settings_free(sg_settings *s)
{
	free(s->text);
	cJSON_Delete(s->root);
	memset(s, 0, sizeof *s);
}

static void render(const cJSON *j, const char *ind, int depth, sg_buf *out)
{
	if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
		int obj = cJSON_IsObject(j);
		if (!j->child) {
			sg_buf_adds(out, obj ? "{}" : "[]");
			return;
		}
		sg_buf_addc(out, obj ? '{' : '[');
		for (const cJSON *c = j->child; c; c = c->next) {
			sg_buf_addc(out, '\n');
			for (int d = 0; d <= depth; d++)
				sg_buf_adds(out, ind);
			if (obj) {
				sg_buf_json_str(out, c->string, strlen(c->string));
				sg_buf_adds(out, ": ");
			}
			render(c, ind, depth + 1, out);
			if (c->next)
				sg_buf_addc(out, ',');
		}
		sg_buf_addc(out, '\n');
		for (int d = 0; d < depth; d++)
			sg_buf_adds(out, ind);
		sg_buf_addc(out, obj ? '}' : ']');
		return;
	}
	if (cJSON_IsString(j)) {
		sg_buf_json_str(out, j->valuestring, strlen(j->valuestring));
		return;
	}
	char *s = cJSON_PrintUnformatted(j);
	sg_buf_adds(out, s ? s : "null");
	cJSON_free(s);
}

void sg_json_render(const cJSON *j, sg_buf *out)
{
	render(j, "  ", 0, out);
	sg_buf_addc(out, '\n');
}

void sg_settings_render(const sg_settings *s, sg_buf *out)
{
	render(s->root, s->indent, 0, out);
	sg_buf_addc(out, '\n');
}

/* a unified diff by diff(1); without it, the new text */
static void print_diff(const char *path, const char *old, size_t oldn, const char *new, size_t newn)
{
	char a[] = "/tmp/sg-old-XXXXXX", b[] = "/tmp/sg-new-XXXXXX";
	int fa = mkstemp(a), fb = mkstemp(b);
	int done = 0;
	if (fa >= 0 && fb >= 0 && sg_write_all(fa, old, oldn) == 0 && sg_write_all(fb, new, newn) == 0) {
		fflush(stdout);
		pid_t p = fork();
		if (p == 0) {
			char la[PATH_MAX + 8], lb[PATH_MAX + 8];
			snprintf(la, sizeof la, "%s", path);
			snprintf(lb, sizeof lb, "%s (shellgate)", path);
			execlp("diff", "diff", "-u", "--label", la, "--label", lb, a, b, (char *)NULL);
			_exit(127);
		}
		int st;
		if (p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) <= 1)
			done = 1;
	}
	if (fa >= 0)
		close(fa), unlink(a);
	if (fb >= 0)
		close(fb), unlink(b);
	if (!done) {
		printf("--- %s would become:\n", path);
		fwrite(new, 1, newn, stdout);
	}
	fflush(stdout);
}

static int mkdirs(const char *path)
{
	char d[PATH_MAX];
	snprintf(d, sizeof d, "%s", path);
	char *slash = strrchr(d, '/');
	if (!slash || slash == d)
		return 0;
	*slash = 0;
	for (char *p = d + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(d, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return mkdir(d, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int write_atomic(const char *path, const char *text, size_t n, int mode, const char **why)
{
	if (mkdirs(path) < 0) {
		*why = "cannot create its directory";
		return -1;
	}
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.shellgate-tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || sg_write_all(fd, text, n) < 0 || fsync(fd) < 0) {
		*why = strerror(errno);
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		*why = strerror(errno);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int sg_file_save(const char *path, const char *text, int dry_run, int mode, const char **why)
{
	char *old = NULL;
	size_t oldn = 0;
	int exists = sg_read_file(path, SG_SETTINGS_MAX, &old, &oldn) == 0;
	size_t n = strlen(text);
	if (exists && oldn == n && !memcmp(old, text, n)) {
		free(old);
		return 0;
	}
	if (dry_run) {
		print_diff(path, exists ? old : "", exists ? oldn : 0, text, n);
		free(old);
		return 1;
	}
	struct stat st;
	if (exists && stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	if (exists) {
		char bak[PATH_MAX];
		snprintf(bak, sizeof bak, "%s.shellgate-bak", path);
		const char *w2;
		if (write_atomic(bak, old, oldn, mode, &w2) < 0) {
			*why = "cannot write the backup";
			free(old);
			return -1;
		}
	}
	free(old);
	return write_atomic(path, text, n, mode, why) < 0 ? -1 : 1;
}

int sg_settings_save(sg_settings *s, int dry_run, const char **why)
{
	sg_buf out;
	sg_buf_init(&out);
	sg_settings_render(s, &out);
	int r = sg_file_save(s->path, sg_buf_cstr(&out), dry_run, 0644, why);
	sg_buf_free(&out);
	return r;
}
