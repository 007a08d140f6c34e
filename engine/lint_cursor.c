#include "lint.h"
static int detect(const sg_json *j) { (void)j; return 0; }
static void record(sg_lint *L, sg_lint_state *st, const sg_json *j, int obj) { (void)L; (void)st; (void)j; (void)obj; }
const sg_lint_reader sg_lint_cursor_reader = { SG_LC_CURSOR, detect, NULL, record, NULL };
