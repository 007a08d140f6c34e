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

/* The input as tree-sitter reads it: src, then one newline (see sg_parse). */
typedef struct nl_input {
	const char *src;
	uint32_t len;
} nl_input;

static const char *nl_read(void *payload, uint32_t byte, TSPoint pt, uint32_t *n)
{
	(void)pt;
	const nl_input *in = payload;
	if (byte < in->len) {
		*n = in->len - byte;
		return in->src + byte;
	}
	*n = byte == in->len ? 1 : 0;
	return "\n";
}

/* Where byte len is, as tree-sitter counts rows and columns. */
static TSPoint point_at(const char *src, uint32_t len)
{
	TSPoint pt = { 0, 0 };
	const char *line = src, *end = src + len, *nl;
	while ((nl = memchr(line, '\n', (size_t)(end - line)))) {
		pt.row++;
		line = nl + 1;
	}
	pt.column = (uint32_t)(end - line);
	return pt;
}

/* A newline may end src without changing what it means: src is not empty,
 * does not already end a line, does not end in a backslash (a line
 * continuation) and ends in an ASCII byte (no UTF-8 sequence cut short). */
static int newline_neutral(const char *src, size_t len)
{
	if (!len)
		return 0;
	unsigned char last = (unsigned char)src[len - 1];
	return last != '\n' && last != '\\' && last < 0x80;
}

/*
 * tree-sitter 0.20.7 keeps a GLR version that failed paused; when the
 * input ends while one is paused (a pipeline of three or more stages does
 * that), it runs error recovery on it after the other version has already
 * accepted, which costs about half a million instructions per parse and
 * changes nothing. A line that ends in a newline is accepted before that.
 * So src is parsed as src + "\n", and the tree is then edited back to
 * src's length (ts_tree_edit: only positions change, nothing is re-parsed),
 * which leaves every node's span within src. Only a tree without errors is
 * kept that way: when src + "\n" has an error, src alone is parsed, so an
 * unparsable input gives exactly the tree it always gave. A timeout is a
 * timeout either way (not retried: the time a parse may take stays bounded).
 */
TSTree *sg_parse(sg_parser *p, const char *src, size_t len, int *status)
{
	*status = SG_PARSE_OK;
	if (len > SG_MAX_INPUT) {
		*status = SG_PARSE_TOO_LARGE;
		return NULL;
	}
	TSTree *t = NULL;
	if (newline_neutral(src, len)) {
		nl_input in = { src, (uint32_t)len };
		TSInput ti = { &in, nl_read, TSInputEncodingUTF8 };
		t = ts_parser_parse(p->ts, NULL, ti);
		if (t && !ts_node_has_error(ts_tree_root_node(t))) {
			TSPoint at = point_at(src, (uint32_t)len);
			TSPoint after = { at.row + 1, 0 };
			TSInputEdit ed = { (uint32_t)len, (uint32_t)len + 1, (uint32_t)len, at, after, at };
			ts_tree_edit(t, &ed);
			return t;
		}
		if (t) {
			ts_tree_delete(t);
			t = ts_parser_parse_string(p->ts, NULL, src, (uint32_t)len);
		}
	} else {
		t = ts_parser_parse_string(p->ts, NULL, src, (uint32_t)len);
	}
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
