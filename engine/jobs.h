/*
 * jobs.h - worker processes for the many-request modes (check --batch, lint).
 *
 * The caller loads the rule set, then starts a pool: the workers are forked
 * copies of the process (the rules are shared copy-on-write, never reloaded).
 * The parent submits requests (opaque bytes) one at a time; each goes to one
 * worker, whose work function turns it into an answer (opaque bytes). The
 * parent receives every answer through its done function in the order the
 * requests were submitted.
 *
 * INVARIANTS:
 *  - Every submitted request gets exactly one done call, in submission
 *    order. When a worker dies or misbehaves (bad frame, too large, answers
 *    nobody asked for), each request it had not answered gets done(NULL):
 *    the caller turns that into a deny. Nothing is dropped or reordered.
 *  - The parent never blocks on a worker: pipes are non-blocking on its
 *    side and it waits in poll() for whichever end is ready, so a worker
 *    blocked writing answers cannot deadlock the parent writing requests.
 *  - Memory is bounded: at most SG_JOBS_MAX_LINES requests and
 *    SG_JOBS_MAX_BYTES request bytes are in flight per worker (a single
 *    larger request travels alone).
 *  - Workers die with the parent: PR_SET_PDEATHSIG where the system has it,
 *    and everywhere the end of their request pipe, which only the parent
 *    holds open.
 */
#ifndef SG_JOBS_H
#define SG_JOBS_H

#include <stddef.h>

#include "sg.h"

/* Workers at most, whatever the number of CPUs: past a few, the parent's
 * reading and ordering becomes the limit and each worker costs its RSS. */
#define SG_MAX_JOBS 8
/* Requests in flight per worker (sent or queued, answer not yet delivered).
 * Enough for a worker never to wait for the parent, small enough to keep
 * the answers waiting for their turn well under a MiB. */
#define SG_JOBS_MAX_LINES 256
/* Request bytes in flight per worker (a longer single request goes alone). */
#define SG_JOBS_MAX_BYTES (1u << 20)
/* Consecutive requests handed to one worker before moving to the next: a
 * chunk is written with one system call, and read by the worker with one. */
#define SG_JOBS_CHUNK 16
/* Largest answer frame accepted from a worker; larger is misbehaviour. A
 * verdict quotes spans of its (at most SG_MAX_INPUT) command, escaped. */
#define SG_JOBS_MAX_FRAME (64u << 20)
/* Exit status of a worker that hit sg_fatal (seen only by the parent). */
#define SG_JOBS_EXIT_FATAL 70

typedef struct sg_jobs sg_jobs;

/* In a worker: the answer to one request, appended to ans. */
typedef void (*sg_jobs_work_fn)(void *ctx, const char *req, size_t n, sg_buf *ans);
/* In the parent, in submission order: ans is NULL when the worker that had
 * the request failed before answering it. */
typedef void (*sg_jobs_done_fn)(void *ctx, const char *ans, size_t n);

/* The number of workers to use when none is asked for: SHELLGATE_JOBS
 * when set (tests), else the online CPUs, capped at SG_MAX_JOBS. */
int sg_jobs_default(void);
/* Parses a --jobs value (1..SG_MAX_JOBS, or 0 = the default); -1 if bad. */
int sg_jobs_parse(const char *s);

/* Forks njobs workers (njobs >= 2). Returns NULL when not even one could be
 * started (the caller then judges in-process). stdout is flushed first. */
sg_jobs *sg_jobs_start(int njobs, sg_jobs_work_fn work, void *wctx, sg_jobs_done_fn done, void *dctx);
/* Queues one request; may wait for answers (delivered through done) when
 * every worker has its limit in flight. */
void sg_jobs_submit(sg_jobs *J, const char *req, size_t n);
/* Waits until every submitted request has had its done call. */
void sg_jobs_drain(sg_jobs *J);
/* Drains, stops and reaps the workers, frees J. Returns the number of
 * workers that failed (died, misbehaved or exited non-zero). */
int sg_jobs_end(sg_jobs *J);

/* jobs_<platform>.c: ask the kernel to kill this process when its parent
 * exits (no-op where there is no such call; the pipe then does it). */
void sg_jobs_die_with_parent(void);

#endif
