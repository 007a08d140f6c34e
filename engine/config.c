/*
 * config.c - the user's settings file (see config.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "sg.h"

static void problem(sg_user_config *c, const char *what)
{
	if (!c->problem[0])
		snprintf(c->problem, sizeof c->problem, "%s: %s", c->path, what);
}

static int valid_profile_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n >= SG_PROFILE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return 1;
}

static void parse(sg_user_config *c, const char *text, size_t len)
{
	cJSON *j = cJSON_ParseWithLength(text, len);
	if (!cJSON_IsObject(j)) {
		problem(c, "not a JSON object; ignored");
		cJSON_Delete(j);
		return;
	}
	const cJSON *x;
	cJSON_ArrayForEach(x, j) {
		const char *k = x->string;
		if (!strcmp(k, "audit_log")) {
			if (cJSON_IsString(x) && x->valuestring[0] && strlen(x->valuestring) < sizeof c->audit_log)
				snprintf(c->audit_log, sizeof c->audit_log, "%s", x->valuestring);
			else
				problem(c, "'audit_log' must be a path; ignored");
		} else if (!strcmp(k, "audit_max_bytes")) {
			if (cJSON_IsNumber(x) && x->valuedouble >= 4096 && x->valuedouble <= 1e12)
				c->audit_max_bytes = (unsigned long)x->valuedouble;
			else
				problem(c, "'audit_max_bytes' must be a number of bytes >= 4096; ignored");
		} else if (!strcmp(k, "on_ask")) {
			if (cJSON_IsString(x) && !strcmp(x->valuestring, "sandbox"))
				c->on_ask_sandbox = 1;
			else if (cJSON_IsString(x) && !strcmp(x->valuestring, "ask"))
				c->on_ask_sandbox = 0;
			else
				problem(c, "'on_ask' must be \"ask\" or \"sandbox\"; asks stay asks");
		} else if (!strcmp(k, "sandbox_allowed")) {
			if (cJSON_IsBool(x))
				c->sandbox_allowed = cJSON_IsTrue(x);
			else
				problem(c, "'sandbox_allowed' must be true or false; ignored");
		} else if (!strcmp(k, "sandbox_profile")) {
			if (cJSON_IsString(x) && valid_profile_name(x->valuestring))
				snprintf(c->sandbox_profile, sizeof c->sandbox_profile, "%s", x->valuestring);
			else
				problem(c, "'sandbox_profile' must be a profile name; nothing is sandboxed");
		} else {
			problem(c, "unknown key; ignored");
		}
	}
	/* a profile that could not be read must not fall back to another one */
	if (strstr(c->problem, "sandbox_profile")) {
		c->on_ask_sandbox = 0;
		c->sandbox_allowed = 0;
	}
	cJSON_Delete(j);
}

const sg_user_config *sg_user_config_get(void)
{
	static sg_user_config c;
	static int done;
	if (done)
		return &c;
	done = 1;
	memset(&c, 0, sizeof c);
	c.on_ask_sandbox = -1;
	c.sandbox_allowed = -1;
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	if (x && *x)
		snprintf(c.path, sizeof c.path, "%s/shellgate/config.json", x);
	else if (h && *h)
		snprintf(c.path, sizeof c.path, "%s/.config/shellgate/config.json", h);
	else
		return &c;
	sg_buf why;
	sg_buf_init(&why);
	int exists;
	int ok = sg_file_trustworthy(c.path, &why, &exists);
	if (!ok)	/* "PATH:1:1: error: refused: writable by group or others (chmod go-w)" */
		snprintf(c.problem, sizeof c.problem, "%.*s; ignored", (int)strcspn(sg_buf_cstr(&why), "\n"),
			 sg_buf_cstr(&why));
	sg_buf_free(&why);
	if (!ok || !exists)
		return &c;
	char *text;
	size_t len;
	int r = sg_read_file(c.path, SG_USER_CONFIG_MAX, &text, &len);
	if (r < 0) {
		problem(&c, r == -EFBIG ? "larger than SG_USER_CONFIG_MAX; ignored" : "unreadable; ignored");
		return &c;
	}
	c.found = 1;
	parse(&c, text, len);
	free(text);
	return &c;
}
