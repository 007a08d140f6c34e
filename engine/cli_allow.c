/*
 * cli_allow.c - `shellgate allow` and `shellgate forget`: the user's
 * one-step override, written to the user's rule file only (never to a
 * project file).
 *
 * allow 'COMMAND' writes a narrow allow rule: the program, and the exact
 * text of that one simple command. 'COMMAND *' or 'COMMAND:*' (Claude
 * style) allows that command followed by any arguments. --project DIR
 * limits the rule to requests whose project is DIR; --once makes it expire
 * after SG_ALLOW_ONCE_SECONDS. An allow never beats a deny: the strictest
 * rule still wins, so a command a pack denies stays denied.
 *
 * The file is created with mode 0600 and format 1 when missing; existing
 * content is kept (it is re-serialised: comments are not kept, so a file
 * with comments is refused rather than rewritten); the new file replaces the
 * old one atomically (write a temporary file in the same directory, fsync,
 * rename).
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

#include "cli.h"
#include "rules.h"
#include "sg.h"

/* --once: how long the rule lives. Long enough for the one command the user
 * approved to be retried, short enough not to become a standing rule. */
#define SG_ALLOW_ONCE_SECONDS 600

static const char allow_usage[] =
	"usage: shellgate allow 'COMMAND OR PATTERN' [--project DIR] [--once]\n"
	"\n"
	"Write a narrow allow rule to your rule file ($XDG_CONFIG_HOME/shellgate/rules.json,\n"
	"default ~/.config/shellgate/rules.json; never a project file):\n"
	"  'git push origin main'   exactly this simple command\n"
	"  'npm run *' / 'npm run:*'  this command followed by any arguments\n"
	"  --project DIR            only when the request's project is DIR\n"
	"  --once                   the rule expires after 10 minutes\n"
	"Commands with dynamic words ($VAR, $(...)) are still asked, and a command\n"
	"that a rule denies stays denied. `shellgate rules` lists the rule,\n"
	"`shellgate forget ID` removes it.\n";

static const char forget_usage[] =
	"usage: shellgate forget ID\n"
	"\n"
	"Remove the rule ID from your rule file (see `shellgate rules`).\n";

/* ---- the user file ----------------------------------------------------------------- */

static int mkdirs(const char *dir)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
		return -ENAMETOOLONG;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Reads and parses the user file; a missing file gives a new object with
 * format 1. Returns NULL (message on stderr) when it cannot be used. */
static cJSON *load_user(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (errno != ENOENT) {
			fprintf(stderr, "shellgate: %s: %s\n", path, strerror(errno));
			return NULL;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "format", 1);
		return o;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "shellgate: %s: not a regular file; refusing to edit it\n", path);
		return NULL;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		fprintf(stderr, "shellgate: %s is writable by group or others; fix it first (chmod go-w)\n", path);
		return NULL;
	}
	char *text;
	size_t len;
	int r = sg_read_file(path, SG_MAX_RULE_FILE, &text, &len);
	if (r < 0) {
		fprintf(stderr, "shellgate: %s: %s\n", path, strerror(-r));
		return NULL;
	}
	cJSON *o = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(o)) {
		fprintf(stderr, "shellgate: %s is not a plain JSON object (comments cannot be kept); edit it by hand\n",
			path);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Writes o to path atomically, mode 0600. */
static int save_user(const char *path, const cJSON *o)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		int r = mkdirs(dir);
		if (r < 0) {
			fprintf(stderr, "shellgate: cannot create %s: %s\n", dir, strerror(-r));
			return -1;
		}
	}
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return -1;
	char *text = cJSON_Print(o);
	if (!text)
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int ok = fd >= 0 && sg_write_all(fd, text, strlen(text)) == 0 && sg_write_all(fd, "\n", 1) == 0 &&
		 fchmod(fd, 0600) == 0 && fsync(fd) == 0;
	if (fd >= 0 && close(fd) < 0)
		ok = 0;
	cJSON_free(text);
	if (!ok || rename(tmp, path) < 0) {
		fprintf(stderr, "shellgate: cannot write %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- building the rule ------------------------------------------------------------- */

/* PCRE2 pattern matching s literally */
static void re_quote(sg_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strchr("\\^$.|?*+()[]{}/", s[i]))
			sg_buf_addc(b, '\\');
		sg_buf_addc(b, s[i]);
	}
}

/* One simple command with a static program name; no operators. */
static int simple_command(const char *s, const char **why)
{
	static const char *const bad[] = { ";", "&&", "||", "|", "\n", "$(", "`", "<(", ">(", "&", ">", "<", NULL };
	for (int i = 0; bad[i]; i++)
		if (strstr(s, bad[i])) {
			*why = "give one simple command, without ; && || | & redirections or substitutions";
			return 0;
		}
	if (s[0] == '$' || s[0] == '"' || s[0] == '\'') {
		*why = "the program name must be written literally";
		return 0;
	}
	return 1;
}

static int next_id(const cJSON *rules)
{
	int max = 0;
	const cJSON *r;
	cJSON_ArrayForEach(r, rules) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
		int n;
		if (cJSON_IsString(id) && sscanf(id->valuestring, "user.allow.%d", &n) == 1 && n > max)
			max = n;
	}
	return max + 1;
}

/* Drops --once rules whose time has passed. */
static void prune_expired(cJSON *rules)
{
	double now = (double)time(NULL);
	cJSON *r = rules->child;
	while (r) {
		cJSON *next = r->next;
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "match");
		const cJSON *b = m ? cJSON_GetObjectItemCaseSensitive(m, "before") : NULL;
		if (b && cJSON_IsNumber(b) && b->valuedouble <= now)
			cJSON_DetachItemViaPointer(rules, r), cJSON_Delete(r);
		r = next;
	}
}

static cJSON *make_rule(int n, const char *cmd, const char *project, int once)
{
	size_t len = strlen(cmd);
	while (len && (cmd[len - 1] == ' ' || cmd[len - 1] == '\t'))
		len--;
	int prefix = 0;
	if (len >= 2 && cmd[len - 1] == '*' && (cmd[len - 2] == ' ' || cmd[len - 2] == ':')) {
		prefix = 1;
		len -= 2;
		while (len && cmd[len - 1] == ' ')
			len--;
	}
	size_t pl = strcspn(cmd, " \t");
	if (pl > len)
		pl = len;
	char prog[256];
	const char *base = cmd;
	for (size_t i = 0; i < pl; i++)
		if (cmd[i] == '/')
			base = cmd + i + 1;
	snprintf(prog, sizeof prog, "%.*s", (int)(pl - (size_t)(base - cmd)), base);

	sg_buf re;
	sg_buf_init(&re);
	sg_buf_addc(&re, '^');
	/* words may be separated by any run of blanks */
	size_t i = 0;
	while (i < len) {
		size_t k = strcspn(cmd + i, " \t");
		if (k > len - i)
			k = len - i;
		re_quote(&re, cmd + i, k);
		i += k;
		if (i < len) {
			while (i < len && (cmd[i] == ' ' || cmd[i] == '\t'))
				i++;
			sg_buf_adds(&re, "\\s+");
		}
	}
	sg_buf_adds(&re, prefix ? "(\\s.*)?$" : "\\s*$");

	cJSON *r = cJSON_CreateObject();
	char id[64];
	snprintf(id, sizeof id, "user.allow.%d", n);
	cJSON_AddStringToObject(r, "id", id);
	cJSON_AddStringToObject(r, "decision", "allow");
	char *reason = sg_xstrdup("Allowed by the user (shellgate allow).");
	cJSON_AddStringToObject(r, "reason", reason);
	free(reason);
	cJSON *m = cJSON_AddObjectToObject(r, "match");
	cJSON *pa = cJSON_AddArrayToObject(m, "program");
	cJSON_AddItemToArray(pa, cJSON_CreateString(prog));
	cJSON *raw = cJSON_AddArrayToObject(m, "raw");
	cJSON_AddItemToArray(raw, cJSON_CreateString(sg_buf_cstr(&re)));
	if (project) {
		cJSON *pj = cJSON_AddArrayToObject(m, "project");
		cJSON_AddItemToArray(pj, cJSON_CreateString(project));
	}
	if (once)
		cJSON_AddNumberToObject(m, "before", (double)(time(NULL) + SG_ALLOW_ONCE_SECONDS));
	cJSON *ex = cJSON_AddObjectToObject(r, "examples");
	cJSON *em = cJSON_AddArrayToObject(ex, "match");
	if (!project && !once) {
		char *e = sg_xstrndup(cmd, len);
		cJSON_AddItemToArray(em, cJSON_CreateString(e));
		free(e);
	}
	cJSON_AddArrayToObject(ex, "no_match");
	sg_buf_free(&re);
	return r;
}

/* Loads the rule text into a scratch rule set, so a rule shellgate cannot
 * read is never written. */
static int rule_compiles(const cJSON *rule)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "format", 1);
	cJSON *rs = cJSON_AddArrayToObject(o, "rules");
	cJSON_AddItemToArray(rs, cJSON_Duplicate(rule, 1));
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	sg_ruleset set;
	sg_ruleset_init(&set);
	sg_buf log;
	sg_buf_init(&log);
	int r = sg_ruleset_load_text(&set, "shellgate allow", text, strlen(text), SG_LAYER_USER, 1, &log);
	if (r < 0)
		fprintf(stderr, "%s", sg_buf_cstr(&log));
	sg_buf_free(&log);
	sg_ruleset_free(&set);
	cJSON_free(text);
	return r == 0;
}

/* ---- entry points -------------------------------------------------------------------- */

int sg_cli_allow(int argc, char **argv)
{
	const char *cmd = NULL, *project = NULL;
	int once = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(allow_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--once")) {
			once = 1;
		} else if (!strcmp(argv[i], "--project") && i + 1 < argc) {
			project = argv[++i];
		} else if (!strncmp(argv[i], "--project=", 10)) {
			project = argv[i] + 10;
		} else if (!strcmp(argv[i], "--") && i + 1 < argc && !cmd) {
			cmd = argv[++i];
		} else if (argv[i][0] != '-' && !cmd) {
			cmd = argv[i];
		} else {
			fputs(allow_usage, stderr);
			return SG_EXIT_USAGE;
		}
	}
	while (cmd && (*cmd == ' ' || *cmd == '\t'))
		cmd++;
	const char *why = "give the command to allow";
	if (!cmd || !*cmd || !simple_command(cmd, &why)) {
		fprintf(stderr, "shellgate allow: %s\n", why);
		return SG_EXIT_USAGE;
	}
	char pbuf[PATH_MAX];
	if (project) {
		if (!realpath(project, pbuf)) {
			fprintf(stderr, "shellgate allow: --project %s: %s\n", project, strerror(errno));
			return SG_EXIT_USAGE;
		}
		project = pbuf;
	}
	const char *path = sg_rules_user_file();
	if (!path) {
		fprintf(stderr, "shellgate allow: no home directory for the user rule file\n");
		return SG_EXIT_USAGE;
	}
	cJSON *o = load_user(path);
	if (!o)
		return SG_EXIT_USAGE;
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(o, "rules");
	if (!rules)
		rules = cJSON_AddArrayToObject(o, "rules");
	if (!cJSON_IsArray(rules)) {
		fprintf(stderr, "shellgate allow: %s: 'rules' is not a list; edit it by hand\n", path);
		cJSON_Delete(o);
		return SG_EXIT_USAGE;
	}
	prune_expired(rules);
	cJSON *rule = make_rule(next_id(rules), cmd, project, once);
	int status = SG_EXIT_USAGE;
	if (rule_compiles(rule)) {
		const char *id = cJSON_GetObjectItemCaseSensitive(rule, "id")->valuestring;
		char idcopy[64];
		snprintf(idcopy, sizeof idcopy, "%s", id);
		cJSON_AddItemToArray(rules, rule);
		rule = NULL;
		if (save_user(path, o) == 0) {
			printf("%s: allow `%s`%s%s%s in %s\n", idcopy, cmd, project ? " in project " : "",
			       project ? project : "", once ? " for the next 10 minutes" : "", path);
			status = 0;
		}
	}
	cJSON_Delete(rule);
	cJSON_Delete(o);
	return status;
}

int sg_cli_forget(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		int help = argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		fputs(forget_usage, help ? stdout : stderr);
		return help ? 0 : SG_EXIT_USAGE;
	}
	const char *path = sg_rules_user_file();
	if (!path)
		return SG_EXIT_USAGE;
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "shellgate forget: %s: %s\n", path, strerror(errno));
		return 1;
	}
	cJSON *o = load_user(path);
	if (!o)
		return SG_EXIT_USAGE;
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(o, "rules");
	cJSON *hit = NULL, *r;
	cJSON_ArrayForEach(r, rules) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
		if (cJSON_IsString(id) && !strcmp(id->valuestring, argv[1]))
			hit = r;
	}
	if (!hit) {
		fprintf(stderr, "shellgate forget: no rule '%s' in %s\n", argv[1], path);
		cJSON_Delete(o);
		return 1;
	}
	cJSON_DetachItemViaPointer(rules, hit);
	cJSON_Delete(hit);
	int status = save_user(path, o) == 0 ? 0 : SG_EXIT_USAGE;
	if (!status)
		printf("removed %s from %s\n", argv[1], path);
	cJSON_Delete(o);
	return status;
}
