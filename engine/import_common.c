/*
 * import_common.c - see import_common.h.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import_common.h"

/* Settings files are small; a bigger one is not a settings file. */
#define SG_IMPORT_MAX_FILE (1u << 20)

void sg_imp_regex_quote(sg_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\^$.|?*+()[]{}/-#", *s))
			sg_buf_addc(b, '\\');
		sg_buf_addc(b, *s);
	}
}

void sg_imp_glob_regex(sg_buf *b, const char *g, int path_mode)
{
	for (; *g; g++) {
		if (g[0] == '*' && g[1] == '*' && path_mode) {
			if (g[2] == '/') {
				sg_buf_adds(b, "(?:.*/)?");
				g += 2;
			} else {
				sg_buf_adds(b, ".*");
				g++;
			}
		} else if (*g == '*') {
			sg_buf_adds(b, path_mode ? "[^/]*" : "[\\s\\S]*");
		} else if (*g == '?') {
			sg_buf_adds(b, path_mode ? "[^/]" : ".");
		} else {
			char c[2] = { *g, 0 };
			sg_imp_regex_quote(b, c);
		}
	}
}

int sg_imp_glob_text(const char *glob, const char *text)
{
	return fnmatch(glob, text, 0) == 0;
}

cJSON *sg_imp_rule(const char *id, int decision, const char *reason, cJSON *cond)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "id", id);
	cJSON_AddStringToObject(r, "decision", sg_decision_name((sg_decision)decision));
	cJSON_AddStringToObject(r, "reason", reason);
	cJSON_AddItemToObject(r, "match", cond);
	return r;
}

cJSON *sg_imp_read_json_path(const char *file, sg_buf *log)
{
	struct stat st;
	if (stat(file, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	char *text;
	size_t len;
	int r = sg_read_file(file, SG_IMPORT_MAX_FILE, &text, &len);
	if (r < 0) {
		if (log)
			sg_buf_printf(log, "%s:1:1: warning: not imported: %s\n", file, r == -EFBIG ? "too large" : strerror(-r));
		return NULL;
	}
	cJSON *j = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(j)) {
		if (log)
			sg_buf_printf(log, "%s:1:1: warning: not imported: not a JSON object (comments?)\n", file);
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

cJSON *sg_imp_read_json_src(sg_imp_src *src, sg_buf *log)
{
	struct stat st;
	if (stat(src->file, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) && src->trusted) {
		src->trusted = 0;
		if (log)
			sg_buf_printf(log, "%s:1:1: warning: writable by group or others: only its deny and ask entries are imported\n",
				      src->file);
	}
	return sg_imp_read_json_path(src->file, log);
}

void sg_imp_print_file(sg_buf *out, const char *name, const cJSON *rules)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddNumberToObject(f, "format", 1);
	cJSON_AddStringToObject(f, "name", name);
	cJSON_AddItemReferenceToObject(f, "rules", (cJSON *)rules);
	char *s = cJSON_Print(f);
	if (s) {
		sg_buf_adds(out, s);
		sg_buf_addc(out, '\n');
		cJSON_free(s);
	}
	cJSON_Delete(f);
}

void sg_imp_load(sg_ruleset *rs, const sg_imp_src *src, const cJSON *rules, sg_buf *log)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddNumberToObject(f, "format", 1);
	cJSON_AddStringToObject(f, "name", src->file);
	cJSON_AddItemReferenceToObject(f, "rules", (cJSON *)rules);
	char *s = cJSON_PrintUnformatted(f);
	if (s) {
		sg_ruleset_load_text(rs, src->file, s, strlen(s), src->layer, src->trusted, log);
		cJSON_free(s);
	}
	cJSON_Delete(f);
}

int sg_imp_project_trusted(const sg_ruleset *rs, const char *project)
{
	return sg_ruleset_project_trusted(rs, project);
}

int sg_imp_regex_ok(const char *re)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
	if (!c)
		return 0;
	pcre2_code_free(c);
	return 1;
}
