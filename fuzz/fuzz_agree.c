/*
 * fuzz_agree.c - the same command judged by `check`, by `hook` (Claude
 * Code, Codex CLI and Gemini CLI PreToolUse requests) and by `lint` (a
 * one-call Claude Code transcript) gets the same decision, as far as each
 * client can express it (fuzz/agree.h has the paths and the mapping).
 *
 * The input is the command. A disagreement aborts with the decision each
 * path came to.
 */
#include <stdint.h>

#include "fuzz_common.h"
#include "agree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		agree_setup();
		ready = 1;
	}
	sg_engine *e = fuzz_engine();
	sg_buf why;
	sg_buf_init(&why);
	int timed_out;
	if (agree_one(e, (const char *)data, size, &why, &timed_out))
		FUZZ_FAIL("check, hook and lint disagree: %s\n  command: %.*s", why.data, (int)(size > 300 ? 300 : size),
			  (const char *)data);
	sg_buf_free(&why);
	return 0;
}
