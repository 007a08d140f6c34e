/*
 * rules.h - the loaded rule set: rules, per-program knowledge, wrappers,
 * path patterns, defaults. Loaded once per process (rules_load.c), read by
 * the lowering (wrappers, programs), paths.c (patterns) and match.c (rules).
 */
#ifndef SG_RULES_H
#define SG_RULES_H

#include "sg.h"

typedef struct sg_strlist {
	const char **v;
	size_t n;
} sg_strlist;

int sg_strlist_has(const sg_strlist *l, const char *s);

typedef struct sg_flagmeaning {
	const char *name;
	sg_strlist aliases;	/* "-r", "--recursive" */
} sg_flagmeaning;

typedef struct sg_program {
	const char *name;
	sg_strlist options_with_value;
	sg_strlist chdir_options;
	sg_flagmeaning *flags;
	size_t nflags;
	int kv_args;
	int non_path_positionals; /* leading positionals that are not paths (grep PATTERN) */
	sg_strlist pattern_options; /* when one is present, there is no such positional (grep -e) */
} sg_program;

typedef enum {
	SG_WK_EXEC = 0, SG_WK_SHELL, SG_WK_EVAL, SG_WK_XARGS, SG_WK_FIND, SG_WK_JOIN, SG_WK_SOURCE, SG_WK_INLINE
} sg_wrapper_kind;

typedef struct sg_wrapper {
	sg_strlist names;
	sg_wrapper_kind kind;
	sg_strlist options_with_value, chdir_options, split_options, shell_options,
		no_exec_options, replace_options, exec_actions, stop_at;
	sg_strlist code_options, calls;	/* kind inline: options whose value is code; shell-out calls */
	int code_positional;		/* kind inline: the first positional is the program (awk) */
	int backticks;			/* kind inline: `cmd` in the code runs cmd (perl, ruby, php) */
	int first_only;			/* kind eval: only the first argument is the script (trap) */
	int skip_positionals;
	int assignments;
	int remote;
	int no_inner;
	const char *origin;
} sg_wrapper;

typedef struct sg_cond sg_cond;	/* match.c */

typedef struct sg_rule {
	const char *id;
	int decision;		/* sg_decision */
	const char *reason;
	sg_cond *cond;
	int allow_dynamic;
	int uncontained;	/* "sandbox_contains": false: an ask the sandbox does not make safe */
	const char *origin;	/* file the rule came from */
	int layer;		/* SG_LAYER_* */
	sg_strlist ex_match, ex_nomatch, ex_match_cwd, ex_nomatch_cwd; /* examples (cwd "" = default) */
	const char **programs;	/* index keys: program names this rule can match, NULL = any */
	size_t nprograms;
	int index;
	int modes;		/* bit per sg_mode where the rule applies; 0 = all */
} sg_rule;

enum { SG_LAYER_BUILTIN = 0, SG_LAYER_USER, SG_LAYER_PROJECT, SG_LAYER_EXTRA };

typedef struct sg_pathpat {
	const char *glob;	/* with ~ expanded at match time */
	unsigned cls;		/* SG_P_* bit */
	int negate;
} sg_pathpat;

typedef struct sg_ruleset sg_ruleset;

struct sg_ruleset {
	sg_rule **rules;
	size_t nrules, caprules;
	sg_program **programs;
	size_t nprograms, capprograms;
	sg_wrapper **wrappers;
	size_t nwrappers, capwrappers;
	sg_pathpat *paths;
	size_t npaths, cappaths;
	int def_unmatched, def_dynamic, def_unparsable;
	int mode;		/* sg_mode */
	sg_strlist trusted_projects;
	sg_strlist files;	/* every file loaded, in order */
	int broken;		/* a file failed to load: deny everything */
	const char *broken_why;
	sg_arena arena;		/* owns everything above */
	/* index: rules by program name (hash), and rules that match any program */
	struct sg_rindex *index;
	/* while loading: rule ids (heap; dropped by sg_ruleset_finish), so a
	 * duplicate id is found in O(1) */
	sg_strindex ids;
	void **pats;		/* every sg_pat of the set, by index (arena) */
	size_t npats, cappats;
	/* while loading: patterns by text (heap; dropped by
	 * sg_ruleset_finish), so a repeated pattern is found in O(1) */
	sg_strindex pat_texts;
	void *pat_rt;		/* per process (heap, never in a snapshot): compiled code by pattern index */
	size_t npat_rt;
	void *gate_md, *gate_mc;	/* per process (heap): match data for program gates */
};

/* Finds the built-in rule directory: $SG_RULES_DIR, then
 * <exe>/../share/shellgate/rules, then the build-time source path. */
const char *sg_rules_builtin_dir(void);
/* $XDG_CONFIG_HOME/shellgate/rules.json or ~/.config/shellgate/rules.json */
const char *sg_rules_user_file(void);

const sg_program *sg_rules_program(const sg_ruleset *rs, const char *name);
const sg_wrapper *sg_rules_wrapper(const sg_ruleset *rs, const char *name);
/* Meaning of a flag name for a program: the aliases list, or NULL. */
const sg_strlist *sg_rules_flag_aliases(const sg_ruleset *rs, const char *prog, const char *meaning);

/* Loading (rules_load.c). `trusted` = every section honoured; otherwise
 * only deny/ask rules, and every other section warns. Errors and warnings
 * are appended to log as "file:line:col: message\n". Returns 0 or -1. */
int sg_ruleset_load_file(sg_ruleset *rs, const char *path, int layer, int trusted, sg_buf *log);
int sg_ruleset_load_text(sg_ruleset *rs, const char *origin, const char *text, size_t len,
			 int layer, int trusted, sg_buf *log);
void sg_ruleset_init(sg_ruleset *rs);
/* 1 when project is listed in trusted_projects (by path or real path) */
int sg_ruleset_project_trusted(const sg_ruleset *rs, const char *project);
/* JSON with comments: blank // and block comments in place (offsets kept);
 * -1 with *bad at an unterminated comment. */
int sg_json_strip_comments(char *s, size_t n, size_t *bad);
/* offset just past the first bracket deeper than SG_MAX_JSON_DEPTH, or 0 */
size_t sg_json_depth_exceeded(const char *s, size_t n);
void sg_ruleset_free(sg_ruleset *rs);
/* match.c: frees this process's compiled patterns (rs->pat_rt) */
void sg_match_free_codes(sg_ruleset *rs);
/* match.c: stores the compiled form of every pattern that compiles in the
 * rule set's arena, for a snapshot (a pattern whose copy does not fit, or
 * that does not compile, keeps being compiled from its text on use) */
void sg_match_serialize_all(sg_ruleset *rs);
/* Builds the program index; call after the last load. */
void sg_ruleset_finish(sg_ruleset *rs);

/* Rules a command with this program name can reach, in two lists of rule
 * order (ascending sg_rule.index): the rules indexed under prog (*own; none
 * when prog is NULL or unknown), and the rules that may match any program
 * (*any). The arrays are owned by the rule set. Kept apart so that the
 * index takes memory in proportion to the rules, not rules x names. */
void sg_ruleset_candidates(const sg_ruleset *rs, const char *prog, sg_rule ***own, size_t *nown, sg_rule ***any,
			   size_t *nany);

#endif
