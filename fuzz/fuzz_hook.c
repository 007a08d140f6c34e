/*
 * fuzz_hook.c - each hook adapter on arbitrary input: the bounded reader's
 * filter (sg_protocol_filter), client detection, every adapter's parse, the
 * engine on what it extracted, and every adapter's answer.
 *
 * Checks, for each client the input is read as (detected, and forced):
 *  - parse never crashes; a judged request has at least one request or an
 *    error; every request's text is judged like `check` judges it;
 *  - the answer to DENY and FAIL blocks: exit status 2, or stdout JSON that
 *    carries a deny/block decision (PROTOCOLS.md); stdout, when present, is
 *    JSON that parses;
 *  - an answer is rendered even when the event is unknown (unreadable input).
 */
#include <stdint.h>

#include "fuzz_common.h"
#include "protocol.h"

static int blocks(const sg_hook_answer *a)
{
	if (a->status == 2)
		return 1;
	if (!a->out.len)
		return 0;
	return strstr(a->out.data, "\"deny\"") || strstr(a->out.data, "\"block\"") ||
	       strstr(a->out.data, "\"denied\"");
}

static void check_answer(const sg_adapter *ad, const sg_hook_req *r, sg_outcome o, const char *reason)
{
	sg_hook_answer a;
	sg_buf_init(&a.out);
	sg_buf_init(&a.err);
	a.status = 0;
	ad->answer(r, o, reason, &a);
	if (a.out.len) {
		cJSON *j = cJSON_ParseWithLength(a.out.data, a.out.len);
		if (!j)
			FUZZ_FAIL("%s answer (outcome %d) is not JSON: %.*s", ad->name, (int)o,
				  (int)(a.out.len > 300 ? 300 : a.out.len), a.out.data);
		cJSON_Delete(j);
	}
	if ((o == SG_OUT_DENY || o == SG_OUT_FAIL) && !blocks(&a))
		FUZZ_FAIL("%s answer to %s does not block (status %d): %.*s", ad->name,
			  o == SG_OUT_DENY ? "DENY" : "FAIL", a.status, (int)(a.out.len > 300 ? 300 : a.out.len),
			  a.out.data ? a.out.data : "");
	sg_buf_free(&a.out);
	sg_buf_free(&a.err);
}

static void run_as(const cJSON *root, sg_client hint, int from_env)
{
	int strong = 0;
	sg_client c = sg_protocol_detect(root, from_env, hint, &strong);
	const sg_adapter *ad = sg_protocol_adapter(c);
	if (!ad)
		return;
	sg_arena A;
	sg_arena_init(&A);
	sg_hook_req r;
	memset(&r, 0, sizeof r);
	r.client = c;
	r.root = root;
	ad->parse(root, &r, &A);
	if (r.nreq > SG_HOOK_MAX_REQ)
		FUZZ_FAIL("%s parse returned %zu requests", ad->name, r.nreq);
	sg_decision worst = SG_ALLOW;
	if (r.judged && !r.error && r.event != SG_EV_OTHER) {
		for (size_t i = 0; i < r.nreq; i++) {
			if (!r.req[i].text)
				FUZZ_FAIL("%s request %zu without text", ad->name, i);
			sg_request q = r.req[i];
			q.cwd = FUZZ_PROJECT;
			q.home = FUZZ_HOME;
			q.project = FUZZ_PROJECT;
			sg_verdict v;
			sg_engine_judge(fuzz_engine(), &q, &v);
			if (v.decision > worst)
				worst = v.decision;
			sg_verdict_free(&v);
		}
	}
	const char *reason = "shellgate: fuzz reason with \"quotes\", \\ and \n newline";
	static const sg_outcome outs[] = { SG_OUT_NONE, SG_OUT_ALLOW, SG_OUT_ASK, SG_OUT_DENY, SG_OUT_FAIL };
	for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++)
		check_answer(ad, &r, outs[i], outs[i] == SG_OUT_ALLOW || outs[i] == SG_OUT_NONE ? NULL : reason);
	(void)worst;
	/* the same request with the event unknown (as when reading failed) */
	sg_hook_req blank;
	memset(&blank, 0, sizeof blank);
	blank.client = c;
	check_answer(ad, &blank, SG_OUT_FAIL, reason);
	check_answer(ad, &blank, SG_OUT_DENY, reason);
	sg_arena_free(&A);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)fuzz_engine();
	sg_buf in;
	sg_buf_init(&in);
	const char *why = NULL;
	if (sg_protocol_filter((const char *)data, size, &in, &why) == 0) {
		if (!in.data && in.len)
			FUZZ_FAIL("filter returned a length without data");
		cJSON *root = cJSON_ParseWithLength(in.data ? in.data : "", in.len);
		if (root && cJSON_IsObject(root)) {
			for (int c = SG_CLIENT_UNKNOWN; c < SG_CLIENT_N; c++)
				run_as(root, (sg_client)c, 0);
			run_as(root, SG_CLIENT_KIRO, 1);
		}
		cJSON_Delete(root);
	} else if (!why) {
		FUZZ_FAIL("filter failed without saying why");
	}
	sg_buf_free(&in);
	return 0;
}
