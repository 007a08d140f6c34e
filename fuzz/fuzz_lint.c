/*
 * fuzz_lint.c - the transcript readers on arbitrary files: line splitting,
 * the JSON tokenizer, format detection and every reader, the call/result
 * pairing and the report writers.
 *
 * The input is read through sg_lint_file (a memfd, so no disk I/O) with the
 * client detected, and again forced to each client. Checks: no crash, and a
 * SARIF report that parses back as JSON.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "lint.h"

static void run(const uint8_t *data, size_t size, int client, int format)
{
	int fd = memfd_create("transcript", 0);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	char *rep = NULL;
	size_t replen = 0;
	FILE *out = open_memstream(&rep, &replen);
	sg_engine *e = fuzz_engine();
	sg_lint_report *r = sg_lint_report_new(format, out, 0, sg_engine_rules(e));
	sg_lint_opts o;
	memset(&o, 0, sizeof o);
	o.client = client;
	o.fail_on = SG_DENY;
	o.report_min = SG_ALLOW;
	o.since = -1;
	o.cwd = FUZZ_PROJECT;
	o.home = FUZZ_HOME;
	sg_lint *L = sg_lint_new(e, &o, r);
	sg_lint_file(L, path, 1);
	sg_lint_summary s;
	sg_lint_finish(L, &s);
	sg_lint_report_end(r, &s);
	sg_lint_free(L);
	fclose(out);
	close(fd);
	if (format == SG_LF_SARIF) {
		cJSON *j = cJSON_ParseWithLength(rep ? rep : "", replen);
		if (!j)
			FUZZ_FAIL("SARIF report does not parse: %.*s", (int)(replen > 300 ? 300 : replen), rep);
		cJSON_Delete(j);
	}
	free(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, SG_LC_AUTO, SG_LF_SARIF);
	/* forced readers: the first byte picks one, so each gets coverage */
	if (size)
		run(data + 1, size - 1, data[0] % SG_LC_N, data[0] & 0x80 ? SG_LF_JSON : SG_LF_TEXT);
	return 0;
}
