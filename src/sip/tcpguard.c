/* tcpguard.c — the guard on SIP over TCP: wraps each connection libre
 * accepts on the SIP port, cuts its byte stream into checked messages
 * (guard.h) and hands libre whole messages only, each parsed once. */
#include <re.h>
#include "sip/hook.h"
#include "sip/sipd_int.h"

/*
 * libre's SIP transport keeps its connections to itself; src/sip/hook.c
 * lets us swap the handlers libre gives tcp_accept() for ours (below),
 * which call libre's once a message is whole. We hold a reference on the
 * connection so that it never vanishes under us: libre has let go when
 * ours is the last reference (mem_nrefs() == 1), and from then on nothing
 * is passed to libre's handlers again; the connection is freed at once
 * from our handlers, or from the once-a-second sweep.
 */

/* One accepted SIP/TCP connection. */
struct tconn {
	struct le le;              /* in sipd.tconns                        */
	struct sipd *s;            /* the server                            */
	struct tcp_conn *tc;       /* the connection, one reference         */
	tcp_estab_h *eh;           /* libre's handlers and their argument   */
	tcp_recv_h *rh;
	tcp_close_h *ch;
	void *arg;
	struct sa peer;            /* remote address                        */
	struct sipguard_stream st; /* where the stream is                   */
	struct mbuf *mb;           /* the message in progress               */
	enum sipguard_verdict doom;/* refused at accept (budget): close at
				      the first read                        */
};

static void tconn_destructor(void *arg)
{
	struct tconn *t = arg;

	list_unlink(&t->le);
	mem_deref(t->mb);
	if (t->tc && mem_nrefs(t->tc) > 1) {
		/* libre still uses it: give it its own handlers back */
		tcp_set_handlers(t->tc, t->eh, t->rh, t->ch, t->arg);
	}
	else if (t->tc) {
		tcp_set_handlers(t->tc, NULL, NULL, NULL, NULL);
	}
	mem_deref(t->tc);
}

static bool libre_holds(const struct tconn *t)
{
	return t->tc && mem_nrefs(t->tc) > 1;
}

static void refuse(struct tconn *t, enum sipguard_verdict v)
{
	struct sipd *s = t->s;

	s->stats.rx_refused++;
	if (s->stats.rx_refused < 100 || s->stats.rx_refused % 1000 == 0)
		sipd_log("event=refused src=%J tp=tcp bytes=%u why=%s "
			 "total=%llu", &t->peer, t->st.msg_bytes,
			 sipguard_verdict_name(v),
			 (unsigned long long)s->stats.rx_refused);
	/* libre closes its side (and drops its reference); ours frees the
	 * connection and closes the socket */
	if (libre_holds(t))
		t->ch(EPROTO, t->arg);
	mem_deref(t);
}

static void wrap_estab(void *arg)
{
	struct tconn *t = arg;

	if (libre_holds(t))
		t->eh(t->arg);
}

static void wrap_close(int err, void *arg)
{
	struct tconn *t = arg;

	if (libre_holds(t))
		t->ch(err, t->arg);
	mem_deref(t);   /* tcp.c touches the connection no more */
}

static void wrap_recv(struct mbuf *mb, void *arg)
{
	struct tconn *t = arg;
	struct sipd *s = t->s;
	enum sipguard_verdict v;

	if (!libre_holds(t)) {
		mem_deref(t);
		return;
	}
	if (t->doom != SIPGUARD_OK) {
		refuse(t, t->doom);
		return;
	}
	v = sipguard_take(s->guard, &t->peer, sipd_now());
	if (v == SIPGUARD_OK)
		v = sipguard_stream_read(&t->st);
	if (v != SIPGUARD_OK) {
		refuse(t, v);
		return;
	}

	while (mbuf_get_left(mb)) {
		struct mbuf *msg;
		size_t used;
		bool done, keepalive;
		int err;

		v = sipguard_stream_feed(&t->st, mbuf_buf(mb),
					 mbuf_get_left(mb), &used, &done,
					 &keepalive);
		if (v != SIPGUARD_OK) {
			refuse(t, v);
			return;
		}
		if (!t->mb) {
			t->mb = mbuf_alloc(done ? used : 512);
			if (!t->mb) {
				refuse(t, SIPGUARD_TOO_BIG);
				return;
			}
		}
		err = mbuf_write_mem(t->mb, mbuf_buf(mb), used);
		if (err) {
			refuse(t, SIPGUARD_TOO_BIG);
			return;
		}
		mb->pos += used;
		if (!done)
			break;

		/* a whole message (or keep-alive bytes): libre's turn */
		msg = t->mb;
		t->mb = NULL;
		msg->pos = 0;
		t->rh(msg, t->arg);
		mem_deref(msg);
		if (!libre_holds(t)) {
			mem_deref(t);
			return;
		}
	}
}

/* Before libre's tcp_accept: our handlers in place of libre's. */
static void tcpguard_accept(struct siphook_accept *acc, void *arg)
{
	struct sipd *s = arg;
	struct tconn *t = mem_zalloc(sizeof(*t), tconn_destructor);

	if (!t)
		return;   /* unguarded is better than refused: rare */
	t->s = s;
	t->eh = acc->eh;
	t->rh = acc->rh;
	t->ch = acc->ch;
	t->arg = acc->arg;
	sipguard_stream_init(&t->st);
	acc->eh = wrap_estab;
	acc->rh = wrap_recv;
	acc->ch = wrap_close;
	acc->arg = t;
	list_append(&s->tconns, &t->le, t);
}

/* After it: hold the connection; a source over its budget is closed at
 * its first read (closing inside libre's accept is not safe). */
static void tcpguard_accepted(int err, struct tcp_conn *tc,
			      struct siphook_accept *acc, void *arg)
{
	struct sipd *s = arg;
	struct tconn *t;

	if (acc->rh != wrap_recv)
		return;   /* not ours (allocation failed) */
	t = acc->arg;
	if (err || !tc) {
		mem_deref(t);
		return;
	}
	t->tc = mem_ref(tc);
	(void)tcp_conn_peer_get(tc, &t->peer);
	t->doom = sipguard_take(s->guard, &t->peer, sipd_now());
}

int sipd_tcpguard_install(struct sipd *s, struct tcp_sock *ts)
{
	return siphook_accept_set(ts, tcpguard_accept, tcpguard_accepted, s);
}

void sipd_tcpguard_sweep(struct sipd *s)
{
	struct le *le = list_head(&s->tconns);

	while (le) {
		struct tconn *t = le->data;

		le = le->next;
		if (!libre_holds(t))
			mem_deref(t);
	}
}

void sipd_tcpguard_close(struct sipd *s, struct tcp_sock *ts)
{
	if (ts)
		(void)siphook_accept_set(ts, NULL, NULL, NULL);
	list_flush(&s->tconns);
}
