/*
 * jobs.c - the worker pool behind check --batch and lint (see jobs.h for
 * the contract and its invariants).
 *
 * Wire format, both directions: frames of a 4-byte length (host order: both
 * ends are the same binary) followed by that many bytes. Requests go out in
 * chunks of SG_JOBS_CHUNK to one worker, so that a worker reads and answers
 * a chunk per system call; the order of the requests is kept in a ring of
 * (worker, size) entries, and answers are handed out from the front of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"

/* Exit status of a worker stopped by SHELLGATE_TEST_KILL_WORKER (tests). */
#define JOBS_EXIT_TEST 71
/* Bytes a worker collects before writing answers even mid-chunk. */
#define JOBS_WRITE_BATCH (64u << 10)

typedef struct worker {
	pid_t pid;
	int in, out;		/* parent's ends: requests written, answers read; -1 closed */
	sg_buf sbuf;		/* request frames not yet written, from soff */
	size_t soff;
	sg_buf rbuf;		/* answer bytes not yet handed out, from roff */
	size_t roff;
	size_t inflight, inflight_bytes, chunk;
	int dead;
} worker;

typedef struct slot {
	int w;
	size_t n;
} slot;

struct sg_jobs {
	worker w[SG_MAX_JOBS];
	int nw, cur;
	slot *ring;
	size_t cap, head, count;
	sg_jobs_done_fn done;
	void *dctx;
	int failures;
	struct sigaction old_pipe;
};

/* ---- choosing the number of workers ------------------------------------------------------ */

int sg_jobs_parse(const char *s)
{
	char *end;
	long v = s && *s ? strtol(s, &end, 10) : -1;
	if (!s || !*s || *end || v < 0 || v > SG_MAX_JOBS)
		return -1;
	return (int)v;
}

int sg_jobs_default(void)
{
	int j = sg_jobs_parse(getenv("SHELLGATE_JOBS"));
	if (j > 0)
		return j;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > SG_MAX_JOBS ? SG_MAX_JOBS : (int)n;
}

/* ---- the worker side ------------------------------------------------------------------------- */

/* SHELLGATE_TEST_KILL_WORKER=N:K - worker N stops after answering K requests
 * (tests of the fail-closed path); -1 when not this worker. */
static long test_kill_after(int index)
{
	const char *t = getenv("SHELLGATE_TEST_KILL_WORKER");
	char *end;
	if (!t || !*t)
		return -1;
	long w = strtol(t, &end, 10);
	if (*end != ':' || w != index)
		return -1;
	long k = strtol(end + 1, &end, 10);
	return *end || k < 0 ? -1 : k;
}

static void worker_flush(int out, sg_buf *w)
{
	if (w->len && sg_write_all(out, w->data, w->len) != 0)
		_exit(SG_JOBS_EXIT_FATAL);	/* the parent is gone */
	sg_buf_reset(w);
}

static void frame_add(sg_buf *b, const char *s, size_t n)
{
	uint32_t h = (uint32_t)n;
	sg_buf_add(b, (const char *)&h, sizeof h);
	sg_buf_add(b, s, n);
}

static void __attribute__((noreturn)) worker_main(int in, int out, int index, sg_jobs_work_fn work, void *ctx)
{
	long kill_after = test_kill_after(index);
	unsigned long answered = 0;
	sg_buf r, a, w;
	sg_buf_init(&r);
	sg_buf_init(&a);
	sg_buf_init(&w);
	size_t roff = 0;
	char tmp[65536];
	for (;;) {
		while (r.len - roff >= 4) {
			uint32_t n;
			memcpy(&n, r.data + roff, sizeof n);
			if (r.len - roff - 4 < n)
				break;
			if (kill_after >= 0 && answered == (unsigned long)kill_after) {
				worker_flush(out, &w);
				_exit(JOBS_EXIT_TEST);
			}
			sg_buf_reset(&a);
			work(ctx, r.data + roff + 4, n, &a);
			if (a.len > SG_JOBS_MAX_FRAME)
				sg_fatal("answer of %zu bytes is over the frame limit", a.len);
			frame_add(&w, a.data ? a.data : "", a.len);
			roff += 4 + n;
			answered++;
			if (w.len >= JOBS_WRITE_BATCH)
				worker_flush(out, &w);
		}
		if (roff) {
			memmove(r.data, r.data + roff, r.len - roff);
			r.len -= roff;
			roff = 0;
		}
		worker_flush(out, &w);
		ssize_t k = read(in, tmp, sizeof tmp);
		if (k == 0)
			break;
		if (k < 0) {
			if (errno == EINTR)
				continue;
			_exit(SG_JOBS_EXIT_FATAL);
		}
		sg_buf_add(&r, tmp, (size_t)k);
	}
	_exit(r.len ? SG_JOBS_EXIT_FATAL : 0);	/* a cut request: the parent broke off */
}

/* ---- the parent side ------------------------------------------------------------------------- */

/* Drops the consumed front of a buffer read from *off on: a pipe that never
 * runs empty would otherwise keep every byte that ever went through it. */
static void compact(sg_buf *b, size_t *off)
{
	if (*off == b->len) {
		sg_buf_reset(b);
		*off = 0;
	} else if (*off >= JOBS_WRITE_BATCH && *off >= b->len / 2) {
		memmove(b->data, b->data + *off, b->len - *off);
		b->len -= *off;
		*off = 0;
	}
}

static void worker_fail(sg_jobs *J, worker *w, const char *why)
{
	if (w->dead)
		return;
	w->dead = 1;
	J->failures++;
	(void)kill(w->pid, SIGKILL);
	close(w->in);
	int st = 0;
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	/* what it wrote before it ended is still a valid answer */
	char tmp[65536];
	ssize_t k;
	while (w->out >= 0 && (k = read(w->out, tmp, sizeof tmp)) > 0 &&
	       w->rbuf.len - w->roff <= (size_t)SG_JOBS_MAX_FRAME + 4)
		sg_buf_add(&w->rbuf, tmp, (size_t)k);
	close(w->out);
	w->in = w->out = -1;
	char how[64] = "";
	if (WIFEXITED(st) && WEXITSTATUS(st))
		snprintf(how, sizeof how, " (exit status %d)", WEXITSTATUS(st));
	else if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		snprintf(how, sizeof how, " (signal %d)", WTERMSIG(st));
	fprintf(stderr, "shellgate: worker %d %s%s; the commands it had not answered are denied\n",
		(int)(w - J->w), why, how);
	sg_buf_free(&w->sbuf);
	w->soff = 0;
}

static void write_some(sg_jobs *J, worker *w)
{
	while (!w->dead && w->soff < w->sbuf.len) {
		ssize_t k = write(w->in, w->sbuf.data + w->soff, w->sbuf.len - w->soff);
		if (k > 0) {
			w->soff += (size_t)k;
		} else if (k < 0 && errno == EINTR) {
			continue;
		} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		} else {
			worker_fail(J, w, "stopped reading");
			return;
		}
	}
	if (!w->dead)
		compact(&w->sbuf, &w->soff);
}

static void read_some(sg_jobs *J, worker *w)
{
	char tmp[65536];
	while (!w->dead) {
		ssize_t k = read(w->out, tmp, sizeof tmp);
		if (k > 0) {
			sg_buf_add(&w->rbuf, tmp, (size_t)k);
			if (w->rbuf.len - w->roff > (size_t)SG_JOBS_MAX_FRAME + 4)
				worker_fail(J, w, "sent more than was asked");
		} else if (k < 0 && errno == EINTR) {
			continue;
		} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		} else {
			worker_fail(J, w, "died");
			return;
		}
	}
}

/* Waits (block) or looks (!block) for workers ready to take requests or
 * give answers, and moves the bytes. */
static void pump(sg_jobs *J, int block)
{
	struct pollfd pf[2 * SG_MAX_JOBS];
	int who[2 * SG_MAX_JOBS], np = 0;
	for (int i = 0; i < J->nw; i++) {
		worker *w = &J->w[i];
		if (w->dead)
			continue;
		if (w->soff < w->sbuf.len) {
			pf[np] = (struct pollfd){ w->in, POLLOUT, 0 };
			who[np++] = i;
		}
		pf[np] = (struct pollfd){ w->out, POLLIN, 0 };
		who[np++] = i;
	}
	if (!np)
		return;
	int r = poll(pf, (nfds_t)np, block ? -1 : 0);
	if (r < 0 && errno != EINTR)
		sg_fatal("poll: %s", strerror(errno));
	for (int k = 0; r > 0 && k < np; k++) {
		worker *w = &J->w[who[k]];
		if (!pf[k].revents || w->dead)
			continue;
		if (pf[k].events == POLLOUT)
			write_some(J, w);
		else
			read_some(J, w);
	}
}

/* Hands out every answer that is next in order; a dead worker's requests
 * that it did not answer are handed out as failures. */
static void deliver(sg_jobs *J)
{
	while (J->count) {
		slot s = J->ring[J->head];
		worker *w = &J->w[s.w];
		size_t avail = w->rbuf.len - w->roff;
		uint32_t n = 0;
		const char *ans = NULL;
		if (avail >= 4) {
			memcpy(&n, w->rbuf.data + w->roff, sizeof n);
			if (n > SG_JOBS_MAX_FRAME) {
				worker_fail(J, w, "sent a malformed answer");
				w->roff = w->rbuf.len;	/* nothing of it is handed out */
			} else if (avail - 4 >= n) {
				ans = w->rbuf.data + w->roff + 4;
			}
		}
		if (!ans && !w->dead)
			break;
		J->head = (J->head + 1) % J->cap;
		J->count--;
		w->inflight--;
		w->inflight_bytes -= s.n;
		J->done(J->dctx, ans, ans ? n : 0);
		if (ans)
			w->roff += 4 + (size_t)n;
		compact(&w->rbuf, &w->roff);
		if (!w->inflight && w->rbuf.len > w->roff && !w->dead)
			worker_fail(J, w, "sent an answer nobody asked for");
	}
}

static int room(const worker *w, size_t n)
{
	return !w->dead && w->inflight < SG_JOBS_MAX_LINES &&
	       (!w->inflight || w->inflight_bytes + n <= SG_JOBS_MAX_BYTES);
}

/* The live worker with room and the least in flight; -1 if none. */
static int pick(const sg_jobs *J, size_t n)
{
	int best = -1;
	for (int i = 0; i < J->nw; i++)
		if (room(&J->w[i], n) && (best < 0 || J->w[i].inflight < J->w[best].inflight))
			best = i;
	return best;
}

static int alive(const sg_jobs *J)
{
	for (int i = 0; i < J->nw; i++)
		if (!J->w[i].dead)
			return 1;
	return 0;
}

void sg_jobs_submit(sg_jobs *J, const char *req, size_t n)
{
	worker *w = J->cur >= 0 ? &J->w[J->cur] : NULL;
	if (!w || w->chunk >= SG_JOBS_CHUNK || !room(w, n)) {
		if (w) {
			w->chunk = 0;
			write_some(J, w);
		}
		pump(J, 0);
		deliver(J);
		while ((J->cur = pick(J, n)) < 0 && alive(J)) {
			pump(J, 1);
			deliver(J);
		}
		if (J->cur < 0)
			J->cur = 0;	/* every worker is dead: the request fails in order */
		w = &J->w[J->cur];
	}
	if (!w->dead)
		frame_add(&w->sbuf, req, n);
	w->inflight++;
	w->inflight_bytes += n;
	w->chunk++;
	J->ring[(J->head + J->count) % J->cap] = (slot){ J->cur, n };
	J->count++;
	if (w->chunk >= SG_JOBS_CHUNK)
		write_some(J, w);
	if (w->dead)
		deliver(J);
}

void sg_jobs_drain(sg_jobs *J)
{
	for (int i = 0; i < J->nw; i++)
		J->w[i].chunk = SG_JOBS_CHUNK;	/* the next request starts a new chunk */
	for (;;) {
		for (int i = 0; i < J->nw; i++)
			write_some(J, &J->w[i]);
		deliver(J);
		if (!J->count)
			return;
		pump(J, 1);
	}
}

sg_jobs *sg_jobs_start(int njobs, sg_jobs_work_fn work, void *wctx, sg_jobs_done_fn done, void *dctx)
{
	if (njobs < 2)
		return NULL;
	if (njobs > SG_MAX_JOBS)
		njobs = SG_MAX_JOBS;
	sg_jobs *J = sg_xcalloc(1, sizeof *J);
	J->done = done;
	J->dctx = dctx;
	J->cur = -1;
	struct sigaction ign;
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &J->old_pipe);	/* a dead worker is an EPIPE, not our death */
	fflush(stdout);
	fflush(stderr);
	pid_t parent = getpid();
	for (int i = 0; i < njobs; i++) {
		int req[2], ans[2];
		if (pipe(req) < 0)
			break;
		if (pipe(ans) < 0) {
			close(req[0]);
			close(req[1]);
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			close(req[0]);
			close(req[1]);
			close(ans[0]);
			close(ans[1]);
			break;
		}
		if (pid == 0) {
			sg_jobs_die_with_parent();
			if (getppid() != parent)
				_exit(SG_JOBS_EXIT_FATAL);
			sg_fatal_set_emitter(sg_fatal_to_stderr, (void *)"worker", SG_JOBS_EXIT_FATAL);
			sigaction(SIGPIPE, &J->old_pipe, NULL);
			close(req[1]);
			close(ans[0]);
			for (int k = 0; k < J->nw; k++) {
				close(J->w[k].in);
				close(J->w[k].out);
				sg_buf_free(&J->w[k].sbuf);
				sg_buf_free(&J->w[k].rbuf);
			}
			/* the parent's bookkeeping is not the worker's: no leak at exit */
			free(J->ring);
			free(J);
			int null = open("/dev/null", O_RDWR);
			if (null >= 0) {	/* the parent's stdin and stdout are its own */
				dup2(null, 0);
				dup2(null, 1);
				if (null > 1)
					close(null);
			}
			worker_main(req[0], ans[1], i, work, wctx);
		}
		close(req[0]);
		close(ans[1]);
		worker *w = &J->w[J->nw++];
		w->pid = pid;
		w->in = req[1];
		w->out = ans[0];
		for (int k = 0; k < 2; k++) {
			int fd = k ? w->in : w->out;
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			fcntl(fd, F_SETFD, FD_CLOEXEC);
		}
	}
	if (!J->nw) {
		sigaction(SIGPIPE, &J->old_pipe, NULL);
		free(J);
		return NULL;
	}
	J->cap = (size_t)J->nw * SG_JOBS_MAX_LINES;
	J->ring = sg_xcalloc(J->cap, sizeof *J->ring);
	return J;
}

int sg_jobs_end(sg_jobs *J)
{
	if (!J)
		return 0;
	sg_jobs_drain(J);
	for (int i = 0; i < J->nw; i++) {
		worker *w = &J->w[i];
		if (w->dead)
			continue;
		close(w->in);	/* end of requests: the worker exits */
		int st = 0;
		while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
			;
		close(w->out);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			J->failures++;
			fprintf(stderr, "shellgate: worker %d ended with status %d\n", i, st);
		}
	}
	for (int i = 0; i < J->nw; i++) {
		sg_buf_free(&J->w[i].sbuf);
		sg_buf_free(&J->w[i].rbuf);
	}
	sigaction(SIGPIPE, &J->old_pipe, NULL);
	int f = J->failures;
	free(J->ring);
	free(J);
	return f;
}
