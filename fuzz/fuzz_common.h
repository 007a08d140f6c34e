/*
 * fuzz_common.h - shared set-up for the libFuzzer harnesses: one engine
 * with the built-in packs, a fatal emitter that turns sg_fatal() into a
 * crash libFuzzer can see, and small checks on verdict JSON.
 *
 * sg_fatal() ends the process with _exit(), which libFuzzer does not notice
 * (no atexit handler runs): a harness would stop silently. Here it aborts
 * instead, so every fatal path reached by a fuzzed input is reported with
 * the input that reached it. Outside the fuzzers the same path is a deny.
 */
#ifndef SG_FUZZ_COMMON_H
#define SG_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "engine.h"
#include "paths.h"
#include "sg.h"

#ifndef SG_FUZZ_RULES
#error "build with -DSG_FUZZ_RULES=\"<repo>/rules\""
#endif

#define FUZZ_HOME "/home/fuzz"
#define FUZZ_PROJECT "/home/fuzz/project"

/* An invariant violation: print what and where, then abort (libFuzzer
 * writes the input as crash-<sha1>). */
#define FUZZ_FAIL(...)                                                                   \
	do {                                                                             \
		fprintf(stderr, "\nINVARIANT VIOLATED (%s:%d): ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                                            \
		fputc('\n', stderr);                                                     \
		abort();                                                                 \
	} while (0)

static void fuzz_fatal(const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "\nsg_fatal reached: %s\n", msg);
	abort();
}

/* The engine every harness judges with: built-in packs only, no user or
 * project layer, lexical path classification (reproducible). */
static sg_engine *fuzz_engine(void)
{
	static sg_engine *e;
	if (e)
		return e;
	sg_alloc_install_hooks();
	sg_fatal_set_emitter(fuzz_fatal, NULL, 2);
	sg_paths_set_fs(0);
	sg_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.builtin_dir = SG_FUZZ_RULES;
	cfg.no_user = 1;
	cfg.mode = -1;
	sg_buf log;
	sg_buf_init(&log);
	e = sg_engine_new(&cfg, &log);
	if (sg_engine_broken(e)) {
		fprintf(stderr, "fuzz: built-in rules did not load:\n%s", log.data ? log.data : "");
		abort();
	}
	sg_buf_free(&log);
	return e;
}

static sg_request fuzz_request(const char *text, size_t len)
{
	sg_request r;
	memset(&r, 0, sizeof r);
	r.kind = SG_REQ_SHELL;
	r.text = text;
	r.len = len;
	r.cwd = FUZZ_PROJECT;
	r.home = FUZZ_HOME;
	r.project = FUZZ_PROJECT;
	return r;
}

/* Judges text and checks the verdict's own invariants: a known decision,
 * and JSON output that parses back with the same decision. */
static sg_decision fuzz_judge(const char *text, size_t len, unsigned *flags)
{
	sg_engine *e = fuzz_engine();
	sg_request r = fuzz_request(text, len);
	sg_verdict v;
	sg_engine_judge(e, &r, &v);
	sg_decision d = v.decision;
	if (d != SG_ALLOW && d != SG_ASK && d != SG_DENY)
		FUZZ_FAIL("decision %d is not allow/ask/deny", (int)d);
	if ((v.flags & (SG_V_UNPARSABLE | SG_V_LIMIT | SG_V_ENGINE_ERROR)) && d == SG_ALLOW)
		FUZZ_FAIL("flags 0x%x (unparsable/limit/error) but the decision is allow", v.flags);
	sg_buf out;
	sg_buf_init(&out);
	sg_verdict_json(&v, &out);
	cJSON *j = cJSON_ParseWithLength(out.data ? out.data : "", out.len);
	if (!j)
		FUZZ_FAIL("verdict JSON does not parse: %.*s", (int)(out.len > 400 ? 400 : out.len), out.data);
	const cJSON *dj = cJSON_GetObjectItemCaseSensitive(j, "decision");
	if (!cJSON_IsString(dj) || strcmp(dj->valuestring, sg_decision_name(d)))
		FUZZ_FAIL("verdict JSON decision is not \"%s\"", sg_decision_name(d));
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(j, "reasons");
	if (!cJSON_IsArray(rs) || (size_t)cJSON_GetArraySize(rs) != v.nreasons)
		FUZZ_FAIL("verdict JSON reasons do not match the verdict");
	cJSON_Delete(j);
	if (v.ir) {
		sg_buf_reset(&out);
		sg_ir_json(v.ir, &out);
		j = cJSON_ParseWithLength(out.data ? out.data : "", out.len);
		if (!j)
			FUZZ_FAIL("IR JSON does not parse");
		cJSON_Delete(j);
	}
	sg_buf_free(&out);
	if (flags)
		*flags = v.flags;
	sg_verdict_free(&v);
	return d;
}

#endif
