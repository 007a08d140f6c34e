/*
 * protocol_judge.c - what `shellgate hook` decides for a request an adapter
 * has parsed: whether it is judged at all, and the outcome of judging it.
 * cli_hook.c wraps these in reading, engine set-up, the answer and the
 * audit log; the agreement checks (fuzz/fuzz_agree.c, tests/unit/
 * test_agree.c) call them in-process, so the decision they compare with
 * `check` and `lint` is the hook's own.
 */
#include <string.h>

#include "import.h"
#include "protocol.h"

int sg_hook_screen(const sg_hook_req *r, sg_arena *A, const char **why)
{
	*why = NULL;
	if (r->error) {
		*why = sg_arena_printf(A, "malformed %s request: %s", r->tool && *r->tool ? r->tool : "hook", r->error);
		return -1;
	}
	return r->judged && r->event != SG_EV_OTHER;
}

static sg_outcome outcome_of(sg_decision d)
{
	return d == SG_DENY ? SG_OUT_DENY : d == SG_ASK ? SG_OUT_ASK : SG_OUT_ALLOW;
}

sg_outcome sg_hook_judge(sg_engine *e, const sg_hook_req *r, const char *cwd, const char *project, sg_buf *msg,
			 sg_buf *rule_ids, unsigned *flags)
{
	sg_decision worst = SG_ALLOW;
	sg_verdict worst_v;
	unsigned wflags = 0;
	int have = 0;
	for (size_t i = 0; i < r->nreq; i++) {
		sg_request q = r->req[i];
		q.cwd = cwd;
		q.project = project;
		sg_verdict v;
		sg_engine_judge(e, &q, &v);
		if (!have || v.decision > worst) {
			if (have)
				sg_verdict_free(&worst_v);
			worst_v = v;
			worst = v.decision;
			wflags = v.flags;
			have = 1;
		} else {
			sg_verdict_free(&v);
		}
	}
	if (have) {
		sg_verdict_message(&worst_v, msg);
		for (size_t i = 0; i < worst_v.nreasons; i++)
			if (worst_v.reasons[i].decision == worst_v.decision)
				sg_buf_printf(rule_ids, "%s%s", rule_ids->len ? "," : "", worst_v.reasons[i].rule);
		sg_verdict_free(&worst_v);
	}
	if (flags)
		*flags = wflags;
	sg_outcome out = outcome_of(worst);
	/* A PermissionRequest is approved only when the policy allows and
	 * none of the user's own Claude ask/deny rules match the call. */
	if (r->event == SG_EV_PERMISSION) {
		if (out == SG_OUT_ALLOW && r->nreq && sg_import_claude_prompts(project, r->tool, r->req[0].text))
			out = SG_OUT_NONE;
		else if (out == SG_OUT_ASK)
			out = SG_OUT_NONE;
	}
	return out;
}
