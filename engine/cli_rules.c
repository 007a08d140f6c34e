/*
 * cli_rules.c - `shellgate rules`: the effective rules and where each came from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cliopt.h"
#include "engine.h"
#include "rules.h"

static const char rules_usage[] =
	"usage: shellgate rules [--json] [--project DIR] [--rules FILE]...\n"
	"\n"
	"List the effective rules (built-in packs, user file, project file, --rules\n"
	"files) with their decision and the file each came from, then the files read\n"
	"and any warnings or errors in them.\n";

static const char *layer_name(int l)
{
	static const char *n[] = { "builtin", "user", "project", "extra" };
	return l >= 0 && l < 4 ? n[l] : "?";
}

int sg_cli_rules(int argc, char **argv)
{
	sg_cliopt o;
	int r = sg_cliopt_parse(argc, argv, &o, rules_usage);
	if (r) {
		free(o.extra);
		return r > 0 ? 0 : SG_EXIT_USAGE;
	}
	sg_buf log, out;
	sg_buf_init(&log);
	sg_buf_init(&out);
	sg_engine *e = sg_engine_new(&o.cfg, &log);
	const sg_ruleset *rs = sg_engine_rules(e);
	if (o.json) {
		sg_buf_adds(&out, "{\"rules\":[");
		for (size_t i = 0; i < rs->nrules; i++) {
			const sg_rule *x = rs->rules[i];
			sg_buf_adds(&out, i ? ",{\"id\":" : "{\"id\":");
			sg_buf_json_str(&out, x->id, strlen(x->id));
			sg_buf_printf(&out, ",\"decision\":\"%s\",\"layer\":\"%s\",\"origin\":", sg_decision_name(x->decision),
				      layer_name(x->layer));
			sg_buf_json_str(&out, x->origin, strlen(x->origin));
			sg_buf_adds(&out, ",\"reason\":");
			sg_buf_json_str(&out, x->reason, strlen(x->reason));
			sg_buf_addc(&out, '}');
		}
		sg_buf_adds(&out, "],\"files\":[");
		for (size_t i = 0; i < rs->files.n; i++) {
			if (i)
				sg_buf_addc(&out, ',');
			sg_buf_json_str(&out, rs->files.v[i], strlen(rs->files.v[i]));
		}
		sg_buf_adds(&out, "],\"log\":");
		sg_buf_json_str(&out, log.data ? log.data : "", log.len);
		sg_buf_printf(&out, ",\"broken\":%s}\n", rs->broken ? "true" : "false");
	} else {
		for (size_t i = 0; i < rs->nrules; i++) {
			const sg_rule *x = rs->rules[i];
			sg_buf_printf(&out, "%-5s %-40s %-8s %s\n", sg_decision_name(x->decision), x->id, layer_name(x->layer),
				      x->origin);
		}
		sg_buf_printf(&out, "\n%zu rules from %zu files; defaults: unmatched %s, dynamic %s, unparsable %s\n",
			      rs->nrules, rs->files.n, sg_decision_name(rs->def_unmatched),
			      sg_decision_name(rs->def_dynamic), sg_decision_name(rs->def_unparsable));
		if (log.len)
			sg_buf_printf(&out, "\n%s", log.data);
		if (rs->broken)
			sg_buf_printf(&out, "\nBROKEN: %s: every request is denied until this is fixed.\n", rs->broken_why);
	}
	fwrite(out.data, 1, out.len, stdout);
	int status = rs->broken ? 2 : 0;
	sg_buf_free(&log);
	sg_buf_free(&out);
	sg_engine_free(e);
	free(o.extra);
	return status;
}
