/*
 * protocol.h - hook protocol adapters. One file per client
 * (protocol_<client>.c), each a thin translation between that client's hook
 * JSON and the engine's sg_request / decision; nothing about a client leaks
 * into the engine. protocol_detect.c reads the input (bounded, with a
 * timeout, one JSON value) and tells the dialects apart by their shape.
 *
 * INVARIANTS:
 *  - Every answer an adapter renders for SG_OUT_DENY and SG_OUT_FAIL blocks
 *    the tool call in that client (PROTOCOLS.md says how each one blocks).
 *  - An adapter never exits; it fills an sg_hook_answer that cli_hook.c
 *    writes in one go.
 */
#ifndef SG_PROTOCOL_H
#define SG_PROTOCOL_H

#include <cjson/cJSON.h>

#include "engine.h"

typedef enum {
	SG_CLIENT_UNKNOWN = 0,
	SG_CLIENT_CLAUDE,
	SG_CLIENT_KIRO,
	SG_CLIENT_CURSOR,
	SG_CLIENT_GEMINI,
	SG_CLIENT_CODEX,
	SG_CLIENT_COPILOT,
	SG_CLIENT_N
} sg_client;

/* the hook event, as far as shellgate cares */
typedef enum {
	SG_EV_UNKNOWN = 0,
	SG_EV_PRE_TOOL,		/* PreToolUse / preToolUse / BeforeTool */
	SG_EV_PERMISSION,	/* PermissionRequest: may approve a prompt */
	SG_EV_SHELL,		/* Cursor beforeShellExecution */
	SG_EV_READ_FILE,	/* Cursor beforeReadFile (allow/deny only) */
	SG_EV_OTHER		/* an event shellgate has no opinion on */
} sg_event;

/* what shellgate answers */
typedef enum {
	SG_OUT_NONE = 0,	/* no opinion: the client's own flow decides */
	SG_OUT_ALLOW,
	SG_OUT_ASK,
	SG_OUT_DENY,
	SG_OUT_FAIL		/* shellgate failed: block, with the failure as reason */
} sg_outcome;

/* File tools can name several paths (Kiro fs_read operations, Codex
 * apply_patch); more than this is a malformed request (blocked). */
#define SG_HOOK_MAX_REQ 32
/* Bytes of hook JSON kept, excluding elided file payloads (see
 * SG_HOOK_PAYLOAD_KEEP). A command is at most SG_MAX_INPUT; the rest of a
 * request is small metadata. */
#define SG_HOOK_MAX_JSON (4u << 20)
/* Bytes read from stdin at most, payloads included (a Write of a large file
 * passes through; only its path is judged). Beyond this: blocked. */
#define SG_HOOK_MAX_STREAM (256u << 20)
/* Bytes kept of a file payload string (content, new_string, file_text ...):
 * payloads are never judged, so the rest is dropped while reading. */
#define SG_HOOK_PAYLOAD_KEEP 256
/* Waiting for stdin: first byte, and between chunks (Kiro IDE 0.x opens
 * stdin and never writes or closes it). */
#define SG_HOOK_READ_TIMEOUT_MS 3000

typedef struct sg_hook_req {
	sg_client client;
	sg_event event;
	const char *event_name;	/* as received ("" when absent) */
	const char *tool;	/* tool name as received ("" when absent) */
	const char *cwd;	/* from the input, or NULL */
	const char *project;	/* project root if the client says, or NULL */
	const char *session;	/* session id, or NULL */
	int variant;		/* adapter-specific dialect variant */
	int judged;		/* 1: a tool shellgate judges */
	const cJSON *root;	/* the whole input */
	const cJSON *tool_input; /* the tool's arguments object, or NULL */
	sg_request req[SG_HOOK_MAX_REQ];
	size_t nreq;
	const char *error;	/* a judged tool with missing/invalid fields */
	/* Set by the hook (cli_hook.c) when an allowed shell command is to run
	 * under `shellgate exec`: the replacement command line. Only for
	 * adapters whose rewritable() said yes; rendered with SG_OUT_ALLOW. */
	const char *rewrite;
} sg_hook_req;

typedef struct sg_hook_answer {
	sg_buf out;		/* stdout */
	sg_buf err;		/* stderr */
	int status;		/* exit status */
} sg_hook_answer;

typedef struct sg_adapter {
	sg_client id;
	const char *name;
	/* Fills r (client, event, tool, requests) from the parsed input.
	 * Strings point into root or into A. Unjudged tools leave judged = 0. */
	void (*parse)(const cJSON *root, sg_hook_req *r, sg_arena *A);
	/* Renders the answer for outcome o with reason (may be NULL for
	 * ALLOW/NONE). r->event may be SG_EV_UNKNOWN when the input could not
	 * be read: the answer must still block for DENY/FAIL. */
	void (*answer)(const sg_hook_req *r, sg_outcome o, const char *reason, sg_hook_answer *a);
	/* Non-NULL when the client runs a replacement command that the hook
	 * returns with an allow (PROTOCOLS.md: Claude Code and Codex, verified by
	 * running them); says whether this request (event, tool) can be
	 * rewritten, and whether the user's own rules in that client let it
	 * (the client re-checks them against the rewritten text only, which no
	 * longer matches them: PROTOCOLS.md 7.1). 0 with *why set when not. */
	int (*rewritable)(const sg_hook_req *r, const char *project, const char **why);
} sg_adapter;

extern const sg_adapter sg_adapter_claude, sg_adapter_kiro, sg_adapter_cursor, sg_adapter_gemini,
	sg_adapter_codex, sg_adapter_copilot;

/* protocol_detect.c */
const sg_adapter *sg_protocol_adapter(sg_client c);
/* "claude", "kiro", ... -> client; SG_CLIENT_UNKNOWN when not a client name */
sg_client sg_protocol_client_parse(const char *name);
const char *sg_protocol_client_name(sg_client c);
/* The client whose dialect this input is. *strong is set when the shape
 * says so unambiguously (then it overrides the name the hook was given). */
sg_client sg_protocol_detect(const cJSON *root, int from_env, sg_client hint, int *strong);

/* Reads one JSON value from fd: stops at the end of the first complete
 * value (never waits for EOF), waits at most timeout_ms for each chunk,
 * drops file payload strings beyond SG_HOOK_PAYLOAD_KEEP bytes. Returns 0,
 * or -1 with *why set (timeout, truncated, too large, NUL byte, ...). */
int sg_protocol_read(int fd, int timeout_ms, sg_buf *out, const char **why);
/* Same filter over a string already in memory (Kiro's USER_PROMPT). */
int sg_protocol_filter(const char *s, size_t n, sg_buf *out, const char **why);

/* protocol_judge.c: the hook's decision, shared by cli_hook.c and the
 * agreement checks. After ad->parse: 1 when r is to be judged, 0 when
 * shellgate has no opinion (SG_OUT_NONE), -1 when the request is malformed
 * (*why, in A, says how; the answer is SG_OUT_FAIL). */
int sg_hook_screen(const sg_hook_req *r, sg_arena *A, const char **why);
/* Judges every request of r with e (cwd and project applied to each) and
 * returns the outcome of the strictest verdict; a PermissionRequest is only
 * approved (never asked). msg gets that verdict's message, rule_ids the
 * comma-separated rules that decided it, *flags (when not NULL) its
 * SG_V_* flags. */
sg_outcome sg_hook_judge(sg_engine *e, const sg_hook_req *r, const char *cwd, const char *project, sg_buf *msg,
			 sg_buf *rule_ids, unsigned *flags);

/* helpers shared by the adapters */
const char *sg_json_str(const cJSON *o, const char *key);	/* NULL unless a string */
const cJSON *sg_json_obj(const cJSON *o, const char *key);	/* NULL unless an object */
/* Adds a request of kind k for text (NULL/empty text sets r->error). */
void sg_hook_add(sg_hook_req *r, sg_req_kind k, const char *text, const char *what);
/* Claude-shaped allow that replaces the shell command: hookSpecificOutput
 * with permissionDecision allow and updatedInput = a copy of tool_input
 * (every field kept: Claude replaces the whole object) whose "command" is
 * command. */
void sg_protocol_hso_rewrite(sg_buf *b, const char *event, const cJSON *tool_input, const char *command,
			     const char *reason);
/* The portable block: {"decision":"block","reason":R,"hookSpecificOutput":{..deny..}} + stderr, exit 2. */
void sg_protocol_portable_block(const char *reason, sg_hook_answer *a);
/* Claude-shaped hookSpecificOutput answer (Claude, Codex, Copilot snake_case). */
void sg_protocol_hso(sg_buf *b, const char *event, const char *decision, const char *reason);

#endif
