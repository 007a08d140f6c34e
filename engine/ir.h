/*
 * ir.h - the command IR: every simple command found anywhere in a request.
 *
 * Built by lower.c from the tree-sitter AST (parse.c), unwrapped by
 * unwrap.c, with paths classified by paths.c; read by match.c. All memory
 * belongs to the request's arena (sg_ir.arena): nothing here is freed alone.
 */
#ifndef SG_IR_H
#define SG_IR_H

#include "sg.h"

/* word flags */
enum {
	SG_W_DYNAMIC = 1u << 0,	/* part of the value is unknown before run time */
	SG_W_GLOB = 1u << 1,	/* unquoted glob characters (* ? [) */
	SG_W_QUOTED = 1u << 2,	/* some part was quoted */
	SG_W_SUBST = 1u << 3,	/* contains a command/process substitution */
	SG_W_TILDE = 1u << 4,	/* leading ~ expanded */
	SG_W_PROCSUBST = 1u << 5 /* the word is a <( ) / >( ) path */
};

typedef struct sg_path sg_path;

typedef struct sg_word {
	const char *text;	/* after quote removal and static expansion; NUL-terminated */
	size_t len;
	unsigned flags;
	uint32_t start, end;	/* byte span in the top-level input */
	const sg_path *path;	/* set lazily by paths.c (NULL until asked) */
	const char *base_cwd;	/* cwd in force for this word (NULL = unknown) */
	size_t static_prefix;	/* bytes of text before the first dynamic part (== len when static) */
	uint32_t text_top;	/* when exact: offset of text[0] in the top-level input */
	unsigned char exact;	/* text maps 1:1 onto the top-level input at text_top */
} sg_word;

/* path classes (bit set) */
enum {
	SG_P_ROOT = 1u << 0,	/* "/" itself (or its whole contents) */
	SG_P_HOME = 1u << 1,	/* the home directory itself (or its whole contents) */
	SG_P_IN_HOME = 1u << 2,	/* below home */
	SG_P_SYSTEM = 1u << 3,	/* /etc /usr /bin /boot /dev /proc /sys /var ... */
	SG_P_PROJECT = 1u << 4,	/* inside the project */
	SG_P_PROJECT_ROOT = 1u << 5, /* the project root itself (or all of it) */
	SG_P_OUTSIDE = 1u << 6,	/* outside the project and not temporary */
	SG_P_TEMP = 1u << 7,	/* /tmp, /var/tmp, $TMPDIR */
	SG_P_DEVICE = 1u << 8,	/* /dev/... other than the harmless nodes */
	SG_P_SECRET = 1u << 9,	/* matches a secret pattern */
	SG_P_UNKNOWN = 1u << 10, /* cannot be resolved statically */
	SG_P_GIT = 1u << 11,	/* .git directory or inside it */
	SG_P_ANCESTOR = 1u << 12, /* an ancestor of the project or of home */
	SG_P_CONFIG = 1u << 13,	/* agent/shellgate configuration (self-protection) */
	SG_P_HARMLESS_DEV = 1u << 14, /* /dev/null, /dev/stdout, /dev/tty ... */
	SG_P_TEMP_ROOT = 1u << 15 /* /tmp, /var/tmp, $TMPDIR themselves (or all of them) */
};
#define SG_P_NCLASSES 16
const char *sg_path_class_name(unsigned bit);
/* Parses a class name to its bit, 0 when unknown. */
unsigned sg_path_class_parse(const char *name);

struct sg_path {
	const char *abs;	/* lexically normalised absolute path, or NULL */
	const char *real;	/* realpath of the longest existing prefix + rest, or NULL */
	unsigned classes;
};

/* redirection */
typedef struct sg_redir {
	char op[4];		/* ">", ">>", "<", "<>", ">|", "&>", "&>>", ">&", "<&", "<<", "<<<" */
	int fd;			/* explicit descriptor, -1 when none */
	sg_word target;		/* file, or the herestring / heredoc body */
	unsigned is_write:1, is_read:1, is_heredoc:1, is_herestring:1, is_dup:1;
} sg_redir;

typedef struct sg_assign {
	const char *name;
	sg_word value;
} sg_assign;

/* context flags */
enum {
	SG_C_SUBST = 1u << 0,	/* inside $( ) or backticks */
	SG_C_PROCSUBST = 1u << 1, /* inside <( ) or >( ) */
	SG_C_BACKGROUND = 1u << 2, /* ends with & */
	SG_C_FUNCTION = 1u << 3, /* inside a function body */
	SG_C_CONDITIONAL = 1u << 4, /* only runs on some path (if/||/&&/case/loop) */
	SG_C_REMOTE = 1u << 5,	/* runs on another host (ssh host CMD) */
	SG_C_WRAPPER = 1u << 6,	/* this command is a wrapper that was unwrapped */
	SG_C_DYNAMIC_PROG = 1u << 7, /* program name is not known statically */
	SG_C_DYNAMIC_INPUT = 1u << 8, /* a shell/eval whose script is not known */
	SG_C_FUNCALL = 1u << 9,	/* a call of a function defined in the input */
	SG_C_ERROR = 1u << 10,	/* lowered from inside a parse-error region */
	SG_C_NEGATED = 1u << 11,
	SG_C_XARGS_ARGS = 1u << 12, /* more arguments arrive at run time (xargs) */
	SG_C_ASSIGN_ONLY = 1u << 13, /* no program: only assignments/redirections */
	SG_C_STDIN_SCRIPT = 1u << 14, /* a shell reading its script from stdin */
	SG_C_RECURSIVE = 1u << 15, /* a call of a function that is already running (recursion) */
	SG_C_OBFUSCATED = 1u << 16 /* the program name is built by a command substitution */
};

typedef struct sg_cmd sg_cmd;

struct sg_cmd {
	sg_word prog;		/* program as written (after expansion) */
	const char *name;	/* canonical basename: "/bin/rm", "\\rm", "'r'm" -> "rm" */
	sg_word *argv;		/* argv[0] is the program */
	size_t argc;
	/* options and positionals derived from argv with the program's data
	 * (options that take a value, "--" end of options) */
	const char **shortflags; /* single letters of clustered short options: "r","f" */
	size_t nshort;
	const char **longflags;	/* "--force", "--force-with-lease" (without =value) */
	size_t nlong;
	size_t *positional;	/* indexes into argv of non-option arguments (argv[0] excluded) */
	size_t npositional;
	sg_assign *assigns;
	size_t nassigns;
	sg_redir *redirs;
	size_t nredirs;
	unsigned ctx;
	int depth;		/* nesting level of re-parsed text */
	int pipe_index, pipe_len; /* position in its pipeline (0,1 when alone) */
	sg_cmd **fed_by;	/* commands whose output flows into this one */
	size_t nfed_by;
	const char *wrappers;	/* chain that led here, "sudo > bash -c", or "" */
	sg_cmd *parent;		/* the wrapper / shell that ran this one, or NULL */
	const char *cwd;	/* directory it runs in, NULL when unknown */
	uint32_t start, end;	/* byte span in the top-level input */
	int id;			/* index in sg_ir.cmds */
};

/* request-level flags */
enum {
	SG_IR_UNPARSABLE = 1u << 0, /* ERROR/MISSING nodes, timeout */
	SG_IR_LIMIT = 1u << 1,	/* a SG_MAX_* limit was hit */
	SG_IR_NUL = 1u << 2,	/* input holds a NUL byte */
	SG_IR_BAD_UTF8 = 1u << 3 /* input is not valid UTF-8 (informational) */
};

typedef struct sg_ir {
	sg_arena *arena;
	const char *input;	/* the top-level input (arena copy, NUL-terminated) */
	size_t input_len;
	sg_cmd **cmds;
	size_t ncmds, capcmds;
	unsigned flags;
	const char *limit_what;	/* which limit, when SG_IR_LIMIT */
	uint32_t err_start, err_end; /* first parse error span */
	/* request context */
	const char *cwd, *home, *project;
} sg_ir;

#endif
