/*
 * netproxy.c - `--net allow=DOMAIN,...`: a small HTTP proxy outside the
 * sandbox that admits only the listed domains, and the relay inside the
 * sandbox's empty network namespace that reaches it.
 *
 *   command --TCP 127.0.0.1:3128--> relay (P1, inside)
 *           --unix socket bound at /run/shellgate/proxy.sock--> proxy (P0)
 *           --TCP--> allowed host
 *
 * Why this shape: the sandbox has no route out at all (a fresh network
 * namespace), so the only way out is a file descriptor the launcher hands
 * in; a unix socket bound into the mount tree is such a door, and only the
 * proxy stands behind it. HTTP(S)_PROXY is what every package manager and
 * HTTP client already honours. The relay exists because those clients speak
 * TCP to a proxy, not unix sockets.
 *
 * The proxy reads at most SG_SBX_PROXY_HEAD bytes of request head, accepts
 * `CONNECT host:port` (TLS stays end to end) and absolute-form requests
 * (`GET http://host/...`, forwarded as they are), and answers 403 for
 * anything else. Addresses a name resolves to are checked too: loopback,
 * private, link-local and unspecified addresses are refused unless the
 * profile says net.private (so an allowed name cannot point at the host's
 * own services). Name resolution blocks the loop for its duration; one
 * sandboxed command rarely opens many connections at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sandbox.h"

#define RELAY_BUF 16384

typedef struct conn {
	int fd[2];		/* 0 client, 1 upstream */
	int head_done;
	char *head;
	size_t hlen;
	char buf[2][RELAY_BUF];	/* buf[i]: read from fd[i], to write to fd[1-i] */
	size_t len[2], off[2];
	int eof[2];
} conn;

struct sg_netproxy {
	int lfd;
	int forwarder;		/* relay mode: connect each client to upath */
	char dir[64], upath[108];
	const sg_strvec *domains;
	int allow_private;
	conn *c[SG_SBX_PROXY_CONNS];
};

/* ---- policy ----------------------------------------------------------------------------- */

int sg_netproxy_host_allowed(const sg_strvec *domains, const char *host)
{
	size_t hl = strlen(host);
	if (!hl || hl > 253)
		return 0;
	for (size_t i = 0; domains && i < domains->n; i++) {
		const char *d = domains->v[i];
		if (!strncmp(d, "*.", 2))
			d++;
		size_t dl = strlen(d);
		if (d[0] == '.') {
			/* ".example.com": the domain and any subdomain */
			if ((hl > dl && !strcasecmp(host + hl - dl, d)) || !strcasecmp(host, d + 1))
				return 1;
		} else if (!strcasecmp(host, d)) {
			return 1;
		}
	}
	return 0;
}

static int addr_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		return (a >> 24) == 127 || (a >> 24) == 10 || (a >> 24) == 0 || (a >> 20) == 0xac1 ||
		       (a >> 16) == 0xc0a8 || (a >> 16) == 0xa9fe || (a >> 22) == (100u << 2 | 1) || a >= 0xe0000000u;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
		       IN6_IS_ADDR_V4MAPPED(a) || IN6_IS_ADDR_MULTICAST(a) || (a->s6_addr[0] & 0xfe) == 0xfc;
	}
	return 1;
}

static int dial(const char *host, const char *port, int allow_private)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -EHOSTUNREACH;
	int fd = -EACCES;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		if (!allow_private && addr_private(a->ai_addr))
			continue;
		int s = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			continue;
		if (connect(s, a->ai_addr, a->ai_addrlen) == 0) {
			fd = s;
			break;
		}
		fd = -errno;
		close(s);
	}
	freeaddrinfo(res);
	return fd;
}

/* ---- request head ------------------------------------------------------------------------ */

/* Splits "host:port" / "[v6]:port" / "host" into host and port. */
static int split_hostport(char *hp, const char *defport, char **host, const char **port)
{
	char *colon;
	if (hp[0] == '[') {
		char *end = strchr(hp, ']');
		if (!end)
			return -1;
		*end = 0;
		*host = hp + 1;
		*port = end[1] == ':' ? end + 2 : defport;
		return 0;
	}
	colon = strrchr(hp, ':');
	*host = hp;
	*port = defport;
	if (colon) {
		*colon = 0;
		*port = colon + 1;
	}
	return **host ? 0 : -1;
}

static void reply(int fd, const char *status, const char *host)
{
	char msg[512];
	int n = snprintf(msg, sizeof msg,
			 "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
			 "shellgate: %s is not reachable from this sandbox (network allowlist)\n",
			 status, host ? host : "this request");
	if (n > 0)
		(void)sg_write_all(fd, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

/* Decides on a complete head; returns the upstream fd, or -1 after replying. */
static int decide(sg_netproxy *p, conn *c, size_t head_end)
{
	char line[1024];
	const char *eol = memchr(c->head, '\r', head_end);
	size_t ll = eol ? (size_t)(eol - c->head) : 0;
	if (!eol || ll >= sizeof line) {
		reply(c->fd[0], "400 Bad Request", NULL);
		return -1;
	}
	memcpy(line, c->head, ll);
	line[ll] = 0;
	char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2) {
		reply(c->fd[0], "400 Bad Request", NULL);
		return -1;
	}
	*sp1 = *sp2 = 0;
	int is_connect = !strcmp(line, "CONNECT");
	char *target = sp1 + 1, *host, path[1024] = "/";
	const char *port;
	if (!is_connect) {
		if (strncasecmp(target, "http://", 7)) {
			reply(c->fd[0], "400 Bad Request", NULL);
			return -1;
		}
		target += 7;
		size_t hl = strcspn(target, "/?#");
		if (target[hl] == '/' || target[hl] == '?')
			snprintf(path, sizeof path, "%s%s", target[hl] == '?' ? "/" : "", target + hl);
		target[hl] = 0;
	}
	if (strchr(target, '@') || split_hostport(target, is_connect ? "443" : "80", &host, &port) < 0) {
		reply(c->fd[0], "400 Bad Request", NULL);
		return -1;
	}
	if (!sg_netproxy_host_allowed(p->domains, host)) {
		reply(c->fd[0], "403 Forbidden", host);
		return -1;
	}
	int up = dial(host, port, p->allow_private);
	if (up < 0) {
		reply(c->fd[0], up == -EACCES ? "403 Forbidden" : "502 Bad Gateway", host);
		return -1;
	}
	size_t skip = is_connect ? head_end : ll;
	size_t n = 0;
	if (is_connect) {
		(void)sg_write_all(c->fd[0], "HTTP/1.1 200 Connection established\r\n\r\n", 39);
	} else {
		/* Absolute form to origin form, as origin servers expect. */
		int k = snprintf(c->buf[0], RELAY_BUF, "%s %s %s", line, path, sp2 + 1);
		n = k > 0 && (size_t)k < RELAY_BUF ? (size_t)k : 0;
	}
	/* What followed the head (or the rest of the request) goes upstream. */
	size_t rest = c->hlen - skip;
	if (rest > RELAY_BUF - n)
		rest = RELAY_BUF - n;
	memcpy(c->buf[0] + n, c->head + skip, rest);
	c->len[0] = n + rest;
	return up;
}

/* ---- connections --------------------------------------------------------------------------- */

static void conn_free(conn *c)
{
	for (int i = 0; i < 2; i++)
		if (c->fd[i] >= 0)
			close(c->fd[i]);
	free(c->head);
	free(c);
}

static int read_head(sg_netproxy *p, conn *c)
{
	if (!c->head)
		c->head = sg_xmalloc(SG_SBX_PROXY_HEAD);
	ssize_t n = read(c->fd[0], c->head + c->hlen, SG_SBX_PROXY_HEAD - c->hlen);
	if (n <= 0)
		return n < 0 && errno == EINTR ? 0 : -1;
	c->hlen += (size_t)n;
	const char *end = memmem(c->head, c->hlen, "\r\n\r\n", 4);
	if (!end) {
		if (c->hlen == SG_SBX_PROXY_HEAD) {
			reply(c->fd[0], "431 Request Header Fields Too Large", NULL);
			return -1;
		}
		return 0;
	}
	int up = decide(p, c, (size_t)(end - c->head) + 4);
	if (up < 0)
		return -1;
	c->fd[1] = up;
	c->head_done = 1;
	return 0;
}

/* Moves bytes for one side; -1 when the connection is over. */
static int pump(conn *c, int i, short rev, short wev)
{
	if ((rev & (POLLIN | POLLHUP | POLLERR)) && !c->eof[i] && c->len[i] == 0) {
		ssize_t n = read(c->fd[i], c->buf[i], RELAY_BUF);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (n == 0) {
			c->eof[i] = 1;
			shutdown(c->fd[1 - i], SHUT_WR);
		}
		if (n > 0) {
			c->len[i] = (size_t)n;
			c->off[i] = 0;
		}
	}
	if ((wev & (POLLOUT | POLLERR | POLLHUP)) && c->len[i] > c->off[i]) {
		ssize_t n = write(c->fd[1 - i], c->buf[i] + c->off[i], c->len[i] - c->off[i]);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (n > 0 && (c->off[i] += (size_t)n) == c->len[i])
			c->len[i] = c->off[i] = 0;
	}
	return c->eof[0] && c->eof[1] && !c->len[0] && !c->len[1] ? -1 : 0;
}

static void accept_one(sg_netproxy *p)
{
	int fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	size_t i = 0;
	while (i < SG_SBX_PROXY_CONNS && p->c[i])
		i++;
	if (i == SG_SBX_PROXY_CONNS) {
		close(fd);
		return;
	}
	conn *c = sg_xcalloc(1, sizeof *c);
	c->fd[0] = fd;
	c->fd[1] = -1;
	if (p->forwarder) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(a.sun_path, sizeof a.sun_path, "%s", p->upath);
		c->fd[1] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd[1] < 0 || connect(c->fd[1], (struct sockaddr *)&a, sizeof a) < 0) {
			conn_free(c);
			return;
		}
		c->head_done = 1;
	}
	p->c[i] = c;
}

int sg_netproxy_serve(sg_netproxy *p, int stop_fd)
{
	struct pollfd pf[2 + 2 * SG_SBX_PROXY_CONNS];
	/* A peer that hangs up mid-write must cost one connection, not the
	 * process: writes then fail with EPIPE instead of raising SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		size_t n = 0;
		pf[n++] = (struct pollfd){ stop_fd, POLLIN, 0 };
		pf[n++] = (struct pollfd){ p->lfd, POLLIN, 0 };
		for (size_t i = 0; i < SG_SBX_PROXY_CONNS; i++) {
			conn *c = p->c[i];
			if (!c)
				continue;
			for (int k = 0; k < 2; k++) {
				short ev = 0;
				if (c->fd[k] < 0)
					continue;
				if (!c->eof[k] && c->len[k] == 0)
					ev |= POLLIN;
				if (c->len[1 - k] > c->off[1 - k])
					ev |= POLLOUT;
				pf[n++] = (struct pollfd){ c->fd[k], ev, 0 };
			}
		}
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pf[0].revents)
			return 0;
		if (pf[1].revents & POLLIN)
			accept_one(p);
		size_t j = 2;
		for (size_t i = 0; i < SG_SBX_PROXY_CONNS; i++) {
			conn *c = p->c[i];
			if (!c)
				continue;
			short r0 = pf[j].revents, r1 = c->fd[1] >= 0 ? pf[j + 1].revents : 0;
			j += c->fd[1] >= 0 ? 2 : 1;
			int dead;
			if (!c->head_done)
				dead = (r0 & (POLLIN | POLLHUP | POLLERR)) ? read_head(p, c) < 0 : 0;
			else
				dead = pump(c, 0, r0, r1) < 0 || pump(c, 1, r1, r0) < 0;
			if (dead) {
				conn_free(c);
				p->c[i] = NULL;
			}
		}
	}
}

/* ---- setup --------------------------------------------------------------------------------- */

static int listen_unix(sg_netproxy *p)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	if (!base || base[0] != '/' || stat(base, &st) < 0 || st.st_uid != getuid() || strlen(base) > 40)
		base = "/tmp";
	snprintf(p->dir, sizeof p->dir, "%s/shellgate-XXXXXX", base);
	if (!mkdtemp(p->dir))
		return -errno;
	snprintf(p->upath, sizeof p->upath, "%s/proxy.sock", p->dir);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof a.sun_path, "%s", p->upath);
	p->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(p->lfd, 64) < 0)
		return -errno;
	return 0;
}

static int listen_tcp(sg_netproxy *p, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof a;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(p->lfd, 64) < 0 ||
	    getsockname(p->lfd, (struct sockaddr *)&a, &al) < 0)
		return -errno;
	*port = ntohs(a.sin_port);
	return 0;
}

int sg_netproxy_new(sg_netproxy **out, const sg_strvec *domains, int allow_private, int *tcp_port)
{
	sg_netproxy *p = sg_xcalloc(1, sizeof *p);
	p->lfd = -1;
	p->domains = domains;
	p->allow_private = allow_private;
	int r = tcp_port ? listen_tcp(p, tcp_port) : listen_unix(p);
	if (r < 0) {
		sg_netproxy_free(p);
		return r;
	}
	*out = p;
	return 0;
}

int sg_netproxy_new_forwarder(sg_netproxy **out, int listen_fd, const char *unix_path)
{
	sg_netproxy *p = sg_xcalloc(1, sizeof *p);
	p->lfd = listen_fd;
	p->forwarder = 1;
	snprintf(p->upath, sizeof p->upath, "%s", unix_path);
	*out = p;
	return 0;
}

const char *sg_netproxy_path(const sg_netproxy *p)
{
	return p->upath;
}

int sg_netproxy_fd(const sg_netproxy *p)
{
	return p->lfd;
}

void sg_netproxy_free(sg_netproxy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < SG_SBX_PROXY_CONNS; i++)
		if (p->c[i])
			conn_free(p->c[i]);
	if (p->lfd >= 0)
		close(p->lfd);
	if (!p->forwarder && p->dir[0]) {
		unlink(p->upath);
		rmdir(p->dir);
	}
	free(p);
}
