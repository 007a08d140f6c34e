/*
 * exec_hints.c - see exec_hints.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "exec_hints.h"
#include "paths.h"
#include "sg.h"

static const struct {
	const char *s;
	unsigned bit;
} patterns[] = {
	{ "Could not resolve host", SG_HINT_NET },
	{ "Could not resolve", SG_HINT_NET },
	{ "Temporary failure in name resolution", SG_HINT_NET },
	{ "Name or service not known", SG_HINT_NET },
	{ "No address associated with hostname", SG_HINT_NET },
	{ "Network is unreachable", SG_HINT_NET },
	{ "network is unreachable", SG_HINT_NET },
	{ "getaddrinfo", SG_HINT_NET },
	{ "EAI_AGAIN", SG_HINT_NET },
	{ "ENOTFOUND", SG_HINT_NET },
	{ "ENETUNREACH", SG_HINT_NET },
	{ "Failed to establish a new connection", SG_HINT_NET },
	{ "Could not connect to", SG_HINT_NET },
	{ "Connection refused", SG_HINT_NET },
	{ "Read-only file system", SG_HINT_WRITE },
	{ "EROFS", SG_HINT_WRITE },
	{ "Permission denied", SG_HINT_WRITE },
	{ "EACCES", SG_HINT_WRITE },
	{ "Operation not permitted", SG_HINT_DENIED },
};

int sg_hint_path_hidden(const char *path, void *project)
{
	const char *pr = project;
	if (pr && *pr && sg_path_within(path, pr))
		return 0;	/* the project looks the same inside and out */
	struct stat sb;
	if (lstat(path, &sb) == 0)
		return 1;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *sl = strrchr(dir, '/');
	if (!sl || sl == dir)
		return 0;
	*sl = 0;
	/* a new file where the host would have let us write it */
	return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && access(dir, W_OK) == 0;
}

/* A complete stderr line: for "No such file or directory", ask about each
 * absolute path in it (up to a quote, colon, space or comma). */
static void check_line(sg_hint_scan *st)
{
	st->line[st->nline] = 0;
	if (!st->hidden || !strstr(st->line, "No such file or directory"))
		return;
	for (char *p = st->line; (p = strchr(p, '/'));) {
		if (p > st->line && !strchr(" '\"`(:=", p[-1])) {
			p++;
			continue;
		}
		size_t n = strcspn(p, " '\"`:,)\t\r");
		char c = p[n];
		p[n] = 0;
		int h = n > 1 && st->hidden(p, st->ctx);
		p[n] = c;
		if (h) {
			st->seen |= SG_HINT_HIDDEN;
			return;
		}
		p += n;
	}
}

unsigned sg_hint_scan_feed(sg_hint_scan *st, const char *buf, size_t n)
{
	for (size_t i = 0; i < n && st->hidden; i++) {
		if (buf[i] == '\n') {
			check_line(st);
			st->nline = 0;
		} else if (st->nline < SG_HINT_MAX_LINE - 1) {
			st->line[st->nline++] = buf[i] ? buf[i] : ' ';
		}
	}
	/* window = the kept tail + the new bytes, scanned in pieces small
	 * enough for a stack buffer; each piece overlaps the previous one by
	 * SG_HINT_MAX_PATTERN - 1 bytes, so no pattern falls between them */
	char win[SG_HINT_MAX_PATTERN + 4096];
	while (n) {
		size_t take = n < 4096 ? n : 4096;
		memcpy(win, st->tail, st->ntail);
		memcpy(win + st->ntail, buf, take);
		size_t wl = st->ntail + take;
		for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++)
			if (!(st->seen & patterns[i].bit) && memmem(win, wl, patterns[i].s, strlen(patterns[i].s)))
				st->seen |= patterns[i].bit;
		size_t keep = wl < SG_HINT_MAX_PATTERN - 1 ? wl : SG_HINT_MAX_PATTERN - 1;
		memmove(st->tail, win + wl - keep, keep);
		st->ntail = keep;
		buf += take;
		n -= take;
	}
	return st->seen;
}

void sg_hint_message(unsigned seen, int status, const char *project, char *out, size_t cap)
{
	out[0] = 0;
	if (status == 0 || status == SG_HINT_EXIT_SETUP || !seen || cap == 0)
		return;
	const char *what = (seen & SG_HINT_NET) && (seen & (SG_HINT_WRITE | SG_HINT_DENIED))
				   ? "reach the network and to write or do something the sandbox forbids"
			   : (seen & SG_HINT_NET)   ? "reach the network"
			   : (seen & (SG_HINT_WRITE | SG_HINT_HIDDEN))
				   ? "write (or read) a path the sandbox keeps read-only or hidden"
						    : "do something the sandbox forbids";
	snprintf(out, cap,
		 "shellgate: this command ran in shellgate's sandbox (no network; writes only inside the project %s "
		 "and /tmp; secrets hidden), and its errors show it tried to %s. That is most likely the sandbox, "
		 "not a bug to work around: if the command really needs it, ask the user to run it or to approve it "
		 "outside the sandbox.\n",
		 project ? project : "directory", what);
}

static void relay(int rfd, int wfd, const char *project)
{
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	sg_hint_scan st;
	memset(&st, 0, sizeof st);
	st.hidden = sg_hint_path_hidden;
	st.ctx = (void *)project;
	char buf[8192];
	int out_ok = 1;
	for (;;) {
		ssize_t r = read(rfd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		/* a closed stderr must not stop the command: keep draining */
		if (out_ok && sg_write_all(wfd, buf, (size_t)r) < 0)
			out_ok = 0;
		sg_hint_scan_feed(&st, buf, (size_t)r);
	}
	if (st.nline) {
		check_line(&st);	/* a last line without a newline */
	}
	_exit((int)(st.seen & 0x7f));
}

int sg_hints_start(sg_hints *h, const char *project)
{
	memset(h, 0, sizeof *h);
	h->saved_err = -1;
	int p[2];
	if (pipe(p) < 0)
		return -1;
	int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (saved < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		close(saved);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		relay(p[0], saved, project);
	}
	close(p[0]);
	if (dup2(p[1], 2) < 0) {
		close(p[1]);
		close(saved);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(p[1]);
	h->active = 1;
	h->saved_err = saved;
	h->relay = pid;
	return 0;
}

void sg_hints_finish(sg_hints *h, int status, const char *project)
{
	if (!h->active)
		return;
	fflush(stderr);
	dup2(h->saved_err, 2);	/* closes our end of the pipe: the relay sees EOF */
	close(h->saved_err);
	int st = 0;
	unsigned seen = 0;
	while (waitpid(h->relay, &st, 0) < 0)
		if (errno != EINTR)
			break;
	if (WIFEXITED(st))
		seen = (unsigned)WEXITSTATUS(st);
	h->active = 0;
	char msg[1024 + 256];
	sg_hint_message(seen, status, project, msg, sizeof msg);
	if (msg[0])
		(void)sg_write_all(2, msg, strlen(msg));
}
