/*
 * jobs_other.c - no parent-death signal here: a worker ends when its request
 * pipe reaches end of file, which happens when the parent exits (only the
 * parent holds the write end open).
 */
#include "jobs.h"

void sg_jobs_die_with_parent(void)
{
}
