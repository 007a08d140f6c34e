/*
 * cliopt.h - options shared by check, explain and test.
 */
#ifndef SG_CLIOPT_H
#define SG_CLIOPT_H

#include "engine.h"

typedef struct sg_cliopt {
	sg_config cfg;
	const char **extra;	/* heap; caller frees */
	const char *cwd, *home, *project;
	int json, batch, ast, stdin_cmd;
	int jobs;		/* --jobs N; 0 = sg_jobs_default() */
	int argi;		/* first non-option argument */
} sg_cliopt;

/* 0 ok, 1 help printed, -1 usage error (message printed) */
int sg_cliopt_parse(int argc, char **argv, sg_cliopt *o, const char *usage);
/* dev.tsv escapes, in place; returns the decoded length */
size_t sg_batch_decode(char *s, size_t n);

#endif
