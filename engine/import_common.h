/*
 * import_common.h - helpers shared by import_claude.c and import_kiro.c:
 * where a list came from, glob -> PCRE2 translation, rule objects, loading
 * a generated layer.
 */
#ifndef SG_IMPORT_COMMON_H
#define SG_IMPORT_COMMON_H

#include <cjson/cJSON.h>

#include "import.h"

typedef struct sg_imp_src {
	const char *file;	/* settings/agent file */
	const char *scope;	/* "user", "project", ... (rule ids) */
	const char *home;
	const char *root;	/* what "/path" patterns are relative to */
	int trusted;		/* 0: deny and ask only */
	int layer;		/* SG_LAYER_USER or SG_LAYER_PROJECT */
} sg_imp_src;

void sg_imp_regex_quote(sg_buf *b, const char *s);
/* path_mode: * stays in one component, ** crosses; otherwise * matches anything */
void sg_imp_glob_regex(sg_buf *b, const char *glob, int path_mode);
/* Claude's wildcard match on a whole command text (* matches anything). */
int sg_imp_glob_text(const char *glob, const char *text);
cJSON *sg_imp_rule(const char *id, int decision, const char *reason, cJSON *cond);
/* Parses a settings file; NULL when absent (silent) or unreadable (noted in log).
 * A file that others can write is read as untrusted (src->trusted = 0). */
cJSON *sg_imp_read_json_src(sg_imp_src *src, sg_buf *log);
cJSON *sg_imp_read_json_path(const char *file, sg_buf *log);
void sg_imp_print_file(sg_buf *out, const char *name, const cJSON *rules);
/* Loads the rules as one layer of rs (origin src->file). */
void sg_imp_load(sg_ruleset *rs, const sg_imp_src *src, const cJSON *rules, sg_buf *log);
int sg_imp_project_trusted(const sg_ruleset *rs, const char *project);
/* 1 when PCRE2 accepts the pattern */
int sg_imp_regex_ok(const char *re);

/* import_kiro.c */
void sg_import_kiro_layers(sg_ruleset *rs, const sg_import_opts *io, int project_trusted, sg_buf *log);

#endif
