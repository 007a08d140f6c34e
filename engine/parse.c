/*
 * parse.c - tree-sitter-bash behind a bounded interface: an input size limit,
 * a parse timeout, and an ABI check. Parse errors are data (ERROR/MISSING
 * nodes), never failures here: the lowering turns them into the
 * *unparsable* floor.
 */
#include <stdlib.h>
#include <string.h>

#include "parse.h"

struct sg_parser {
	TSParser *ts;
};

sg_parser *sg_parser_new(const char **why)
{
	const TSLanguage *lang = sg_bash_language();
	uint32_t v = ts_language_version(lang);

	if (v < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || v > TREE_SITTER_LANGUAGE_VERSION) {
		if (why)
			*why = "tree-sitter-bash grammar ABI is not one this tree-sitter runtime loads";
		return NULL;
	}
	sg_parser *p = sg_xcalloc(1, sizeof *p);
	p->ts = ts_parser_new();
	if (!ts_parser_set_language(p->ts, lang)) {
		ts_parser_delete(p->ts);
		free(p);
		if (why)
			*why = "tree-sitter refused the bash grammar";
		return NULL;
	}
	/* SHELLGATE_TEST_PARSE_TIMEOUT_US may only lower the timeout (tests of
	 * the timeout path): a shorter parse can only give the unparsable floor */
	uint64_t to = SG_PARSE_TIMEOUT_US;
	const char *t = getenv("SHELLGATE_TEST_PARSE_TIMEOUT_US");
	if (t && *t) {
		unsigned long long us = strtoull(t, NULL, 10);
		if (us > 0 && us < to)
			to = us;
	}
	ts_parser_set_timeout_micros(p->ts, to);
	return p;
}

void sg_parser_free(sg_parser *p)
{
	if (!p)
		return;
	ts_parser_delete(p->ts);
	free(p);
}

static _Atomic unsigned long timeouts;

unsigned long sg_parse_timeouts(void)
{
	return timeouts;
}

TSTree *sg_parse(sg_parser *p, const char *src, size_t len, int *status)
{
	*status = SG_PARSE_OK;
	if (len > SG_MAX_INPUT) {
		*status = SG_PARSE_TOO_LARGE;
		return NULL;
	}
	TSTree *t = ts_parser_parse_string(p->ts, NULL, src, (uint32_t)len);
	if (!t) {
		/* timeout (or cancellation): the parser must be reset before reuse */
		ts_parser_reset(p->ts);
		*status = SG_PARSE_TIMEOUT;
		timeouts++;
	}
	return t;
}

void sg_parse_sexp(TSNode n, const char *src, sg_buf *out, int depth)
{
	for (int i = 0; i < depth; i++)
		sg_buf_adds(out, "  ");
	uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
	sg_buf_printf(out, "(%s%s [%u,%u]", ts_node_is_missing(n) ? "MISSING " : "",
		      ts_node_type(n), s, e);
	uint32_t nc = ts_node_child_count(n);
	if (nc == 0 || ts_node_named_child_count(n) == 0) {
		sg_buf_addc(out, ' ');
		sg_buf_json_str(out, src + s, e - s);
	}
	sg_buf_adds(out, ")\n");
	if (depth > SG_MAX_AST_DEPTH)
		return;
	for (uint32_t i = 0; i < nc; i++) {
		TSNode c = ts_node_child(n, i);
		if (!ts_node_is_named(c) && ts_node_child_count(c) == 0)
			continue;
		const char *field = ts_node_field_name_for_child(n, i);
		if (field) {
			for (int k = 0; k <= depth; k++)
				sg_buf_adds(out, "  ");
			sg_buf_printf(out, "%s:\n", field);
		}
		sg_parse_sexp(c, src, out, depth + 1);
	}
}
