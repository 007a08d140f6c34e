/*
 * fuzz_batch.c - the `check --batch` line decoder (sg_batch_decode) and the
 * batch loop around it.
 *
 * Checks: the decoder never writes past the line or grows it; it inverts
 * the encoder (\\ \t \n \r) exactly; and every decoded line, judged as
 * run_batch judges it, gives a verdict whose JSON is one line that parses.
 */
#include <stdint.h>

#include "cliopt.h"
#include "fuzz_common.h"

static void encode(const char *s, size_t n, sg_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\': sg_buf_adds(out, "\\\\"); break;
		case '\t': sg_buf_adds(out, "\\t"); break;
		case '\n': sg_buf_adds(out, "\\n"); break;
		case '\r': sg_buf_adds(out, "\\r"); break;
		default: sg_buf_addc(out, s[i]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_engine *e = fuzz_engine();
	/* 1. round trip: decode(encode(x)) == x */
	sg_buf enc;
	sg_buf_init(&enc);
	encode((const char *)data, size, &enc);
	size_t n = enc.len ? sg_batch_decode(enc.data, enc.len) : 0;
	if (n != size || (size && memcmp(enc.data, data, size)))
		FUZZ_FAIL("decode(encode(x)) != x (len %zu -> %zu)", size, n);
	sg_buf_free(&enc);

	/* 2. the input as a batch stream: one verdict per line */
	size_t i = 0;
	int lines = 0;
	while (i < size && lines < 64) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - (data + i)) : size - i;
		/* a copy with a guard byte after it: the decoder must stay inside */
		char *line = sg_xmalloc(len + 1);
		memcpy(line, data + i, len);
		line[len] = '\x7f';
		size_t dn = sg_batch_decode(line, len);
		if (dn > len)
			FUZZ_FAIL("decoded line grew: %zu -> %zu", len, dn);
		if (line[len] != '\x7f')
			FUZZ_FAIL("decoder wrote past the line");
		sg_request r = fuzz_request(line, dn);
		sg_verdict v;
		sg_engine_judge(e, &r, &v);
		sg_buf out;
		sg_buf_init(&out);
		sg_verdict_json(&v, &out);
		if (out.len && memchr(out.data, '\n', out.len))
			FUZZ_FAIL("batch verdict JSON spans lines");
		cJSON *j = cJSON_ParseWithLength(out.data ? out.data : "", out.len);
		if (!j)
			FUZZ_FAIL("batch verdict JSON does not parse");
		cJSON_Delete(j);
		sg_buf_free(&out);
		sg_verdict_free(&v);
		free(line);
		lines++;
		i += len + 1;
	}
	return 0;
}
