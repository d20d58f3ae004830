/* hookpost.c — one webhook POST on its own connection, reading no more of
 * the answer than its status line. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "config/center.h"
#include "api/webhook.h"

/*
 * Why not libre's HTTP client: it parses the answer's head with
 * http_msg_decode(), whose time grows with the square of a first line's
 * length (shared/LIBRE-NOTES.md: ≈450 ms at 8 KB), on buffers up to
 * 512 KB; a receiver — a URL a tenant admin chose — could stall the one
 * event loop for every tenant. Here the answer is read into at most
 * HOOKPOST_LINE_MAX bytes, the status line must end within them, and the
 * connection is closed as soon as the status is known: a webhook needs no
 * more. Host names resolve through libre's asynchronous resolver (A
 * records); https goes through libre's TLS with the server's certificate
 * checked against the system CAs and the host name.
 */

#define HOOKPOST_LINE_MAX 512      /* the status line must end within   */

struct hook_post {
	struct tcp_conn *tc;       /* the connection                        */
	struct tls_conn *sc;       /* TLS on it (https), or NULL            */
	struct dns_query *dq;      /* name lookup in flight, or NULL        */
	struct mbuf *out;          /* the whole request                     */
	uint8_t rx[HOOKPOST_LINE_MAX]; /* the answer's first bytes          */
	size_t rx_len;             /* bytes in rx                           */
	char host[256];            /* host name or address (no brackets)    */
	uint16_t port;             /* server port                           */
	bool secure;               /* https                                 */
	struct tls *tls;           /* referenced, for https                 */
	hook_post_h *h;            /* called once, unless freed first       */
	void *arg;
};

static void post_destructor(void *arg)
{
	struct hook_post *p = arg;

	p->dq = mem_deref(p->dq);
	p->sc = mem_deref(p->sc);
	p->tc = mem_deref(p->tc);
	mem_deref(p->out);
	mem_deref(p->tls);
}

/* Reports once; the handler may free p. */
static void post_done(struct hook_post *p, int err, uint16_t status)
{
	hook_post_h *h = p->h;

	p->h = NULL;
	if (h)
		h(err, status, p->arg);
}

static void estab_handler(void *arg)
{
	struct hook_post *p = arg;
	int err;

	p->out->pos = 0;
	err = tcp_send(p->tc, p->out);
	if (err)
		post_done(p, err, 0);
}

/* "HTTP/1.x NNN …\r\n": the status; 0 if the line is not one. */
static uint16_t status_of(const uint8_t *b, size_t n)
{
	unsigned v = 0;

	if (n < 12 || memcmp(b, "HTTP/1.", 7) || b[7] < '0' || b[7] > '9' ||
	    b[8] != ' ')
		return 0;
	for (size_t i = 9; i < 12; i++) {
		if (b[i] < '0' || b[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(b[i] - '0');
	}
	if (n > 12 && b[12] != ' ' && b[12] != '\r')
		return 0;
	return v >= 100 && v <= 599 ? (uint16_t)v : 0;
}

int hook_post_answer(const uint8_t *b, size_t n, uint16_t *statusp)
{
	const uint8_t *eol;
	uint16_t sc;

	if ((!b && n) || !statusp)
		return EINVAL;
	eol = n ? memchr(b, '\n', n) : NULL;
	if (!eol)
		return n >= HOOKPOST_LINE_MAX ? EBADMSG : EAGAIN;
	if ((size_t)(eol - b) >= HOOKPOST_LINE_MAX)
		return EBADMSG;
	sc = status_of(b, (size_t)(eol - b));
	/* 1xx (e.g. 100 Continue) is no answer yet: not sent for our
	 * requests, so treated as a bad one */
	if (!sc || sc < 200)
		return EBADMSG;
	*statusp = sc;
	return 0;
}

static void recv_handler(struct mbuf *mb, void *arg)
{
	struct hook_post *p = arg;
	size_t n = mbuf_get_left(mb), room = sizeof(p->rx) - p->rx_len;
	uint16_t sc = 0;
	int err;

	if (!p->h)
		return;
	if (n > room)
		n = room;
	memcpy(p->rx + p->rx_len, mbuf_buf(mb), n);
	p->rx_len += n;
	err = hook_post_answer(p->rx, p->rx_len, &sc);
	if (err != EAGAIN)
		post_done(p, err, sc);
}

static void close_handler(int err, void *arg)
{
	struct hook_post *p = arg;

	post_done(p, err ? err : ECONNRESET, 0);
}

static int connect_to(struct hook_post *p, const struct sa *addr)
{
	int err = tcp_connect(&p->tc, addr, estab_handler, recv_handler,
			      close_handler, p);

	if (!err && p->secure) {
		err = tls_start_tcp(&p->sc, p->tls, p->tc, 0);
		if (!err)
			err = tls_set_verify_server(p->sc, p->host);
	}
	return err;
}

static bool a_record(struct dnsrr *rr, void *arg)
{
	struct sa *sa = arg;

	if (rr->type != DNS_TYPE_A)
		return false;
	sa_set_in(sa, rr->rdata.a.addr, sa_port(sa));
	return true;
}

static void query_handler(int err, const struct dnshdr *hdr,
			  struct list *ansl, struct list *authl,
			  struct list *addl, void *arg)
{
	struct hook_post *p = arg;
	struct sa sa;

	(void)hdr;
	(void)authl;
	(void)addl;
	p->dq = mem_deref(p->dq);
	sa_init(&sa, AF_INET);
	sa_set_port(&sa, p->port);
	if (!err && !dns_rrlist_apply(ansl, p->host, DNS_TYPE_A,
				      DNS_CLASS_IN, true, a_record, &sa))
		err = EDESTADDRREQ;
	if (!err)
		err = connect_to(p, &sa);
	if (err)
		post_done(p, err, 0);
}

/* Splits an URL center_hook_url_check() accepted. */
static int url_split(struct hook_post *p, const char *url,
		     const char **pathp)
{
	const char *h, *e;
	unsigned long port = 0;

	if (center_hook_url_check(url))
		return EINVAL;
	p->secure = !strncasecmp(url, "https://", 8);
	h = url + (p->secure ? 8 : 7);
	if (*h == '[') {
		h++;
		e = strchr(h, ']');
		if (!e || (size_t)(e - h) >= sizeof(p->host))
			return EINVAL;
		memcpy(p->host, h, (size_t)(e - h));
		p->host[e - h] = '\0';
		e++;
	}
	else {
		e = h + strcspn(h, ":/?");
		if ((size_t)(e - h) >= sizeof(p->host))
			return EINVAL;
		memcpy(p->host, h, (size_t)(e - h));
		p->host[e - h] = '\0';
	}
	if (*e == ':') {
		for (e++; *e >= '0' && *e <= '9'; e++)
			port = port * 10 + (unsigned long)(*e - '0');
	}
	p->port = port ? (uint16_t)port : (p->secure ? 443 : 80);
	*pathp = *e ? e : "/";
	return 0;
}

int hook_post(struct hook_post **pp, const char *url, struct dnsc *dnsc,
	      struct tls *tls, const char *headers, const char *body,
	      size_t len, hook_post_h *h, void *arg)
{
	struct hook_post *p;
	const char *path = NULL;
	struct sa sa;
	bool v6;
	int err;

	if (!pp || !url || !headers || (!body && len) || !h)
		return EINVAL;
	p = mem_zalloc(sizeof(*p), post_destructor);
	if (!p)
		return ENOMEM;
	err = url_split(p, url, &path);
	if (!err && p->secure && !tls)
		err = ENOTSUP;
	if (err)
		goto out;
	p->tls = mem_ref(tls);
	p->h = h;
	p->arg = arg;
	p->out = mbuf_alloc(512 + len);
	if (!p->out) {
		err = ENOMEM;
		goto out;
	}
	v6 = strchr(p->host, ':') != NULL;
	err = mbuf_printf(p->out, "POST %s HTTP/1.1\r\nHost: %s%s%s",
			  path, v6 ? "[" : "", p->host, v6 ? "]" : "");
	if (!err && ((p->secure && p->port != 443) ||
		     (!p->secure && p->port != 80)))
		err = mbuf_printf(p->out, ":%u", p->port);
	if (!err)
		err = mbuf_printf(p->out, "\r\n%s\r\n", headers);
	if (!err && len)
		err = mbuf_write_mem(p->out, (const uint8_t *)body, len);
	if (err)
		goto out;
	if (!sa_set_str(&sa, p->host, p->port))
		err = connect_to(p, &sa);
	else if (!dnsc)
		err = EDESTADDRREQ;
	else
		err = dnsc_query(&p->dq, dnsc, p->host, DNS_TYPE_A,
				 DNS_CLASS_IN, true, query_handler, p);
 out:
	if (err)
		mem_deref(p);
	else
		*pp = p;
	return err;
}
