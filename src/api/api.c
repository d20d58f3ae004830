/* api.c — the api's HTTP connections: guard, framing, replies, streams. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <re.h>
#include "api/api_int.h"
#include "api/webhook.h"

/* ---------------------------------------------------------------------
 * Clocks
 * ------------------------------------------------------------------- */

acd_ms_t api_now(const struct api *api)
{
	if (api->deps.now)
		return api->deps.now(api->deps.arg);
	return (acd_ms_t)tmr_jiffies();
}

acd_ms_t api_wall(const struct api *api)
{
	struct timeval tv;

	if (api->deps.wall)
		return api->deps.wall(api->deps.arg);
	gettimeofday(&tv, NULL);
	return (acd_ms_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* ---------------------------------------------------------------------
 * Sending
 * ------------------------------------------------------------------- */

static const char *reason(uint16_t s)
{
	switch (s) {
	case 200: return "OK";
	case 201: return "Created";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Payload Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* Sends bytes on the connection (or appends them to out in api_feed).
 * A stream client whose unsent queue grows past API_SSE_TXQ is closed. */
static int conn_send(struct api_conn *c, const uint8_t *p, size_t n)
{
	struct mbuf *mb;
	int err;

	if (c->out)
		return mbuf_write_mem(c->out, p, n);
	if (!c->tc)
		return ENOTCONN;
	mb = mbuf_alloc(n);
	if (!mb)
		return ENOMEM;
	err = mbuf_write_mem(mb, p, n);
	mb->pos = 0;
	if (!err)
		err = tcp_send(c->tc, mb);
	mem_deref(mb);
	return err;
}

static void conn_close(struct api_conn *c);

static void reply_send(struct api_conn *c, const struct api_reply *r,
		       bool close)
{
	struct api *api = c->api;
	struct mbuf *mb = mbuf_alloc(256 + (r->body ? r->body->end : 0));
	int err;

	if (!mb) {
		conn_close(c);
		return;
	}
	api->req_by_class[r->status / 100 < 6 ? r->status / 100 : 5]++;
	if (r->sse) {
		err = mbuf_printf(mb, "HTTP/1.1 200 OK\r\n"
				  "Content-Type: text/event-stream\r\n"
				  "Cache-Control: no-store\r\n"
				  "Connection: keep-alive\r\n"
				  "X-Accel-Buffering: no\r\n\r\n"
				  "retry: 2000\n\n");
	}
	else {
		err = mbuf_printf(mb, "HTTP/1.1 %u %s\r\n"
				  "Content-Type: %s\r\n",
				  r->status, reason(r->status),
				  r->ctype ? r->ctype : "application/json");
		/* A 304 has no body and must not announce one. */
		if (r->status != 304)
			err |= mbuf_printf(mb, "Content-Length: %zu\r\n",
					   r->body ? r->body->end : (size_t)0);
		if (r->etag)
			err |= mbuf_printf(mb, "ETag: %s\r\n", r->etag);
		err |= mbuf_printf(mb, "Cache-Control: %s\r\n"
				   "%s"
				   "%s"
				   "%s\r\n",
				   r->cache ? r->cache : "no-store",
				   r->xhdrs ? r->xhdrs : "",
				   r->status == 401 ?
				   "WWW-Authenticate: Bearer\r\n" : "",
				   close ? "Connection: close\r\n" : "");
		if (!err && r->body && !r->head && r->status != 304)
			err = mbuf_write_mem(mb, r->body->buf, r->body->end);
	}
	if (!err)
		err = conn_send(c, mb->buf, mb->end);
	mem_deref(mb);
	if (err || close)
		conn_close(c);
}

/* Replies with an error outside the router (framing errors) and closes. */
static void fail(struct api_conn *c, uint16_t status, const char *code,
		 const char *msg)
{
	struct api_reply r = {0};

	api_error(&r, status, code, "%s", msg);
	reply_send(c, &r, true);
	mem_deref(r.body);
}

/* ---------------------------------------------------------------------
 * Connections
 * ------------------------------------------------------------------- */

static void conn_destructor(void *arg)
{
	struct api_conn *c = arg;

	list_unlink(&c->le);
	c->tc = mem_deref(c->tc);
	c->rx = mem_deref(c->rx);
	c->user = mem_deref(c->user);
}

/* Stops reading and writing. The object is freed by the sweep (sockets)
 * or by api_feed, never inside a libre callback that still uses it. */
static void conn_close(struct api_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	if (c->tc) {
		int fd = tcp_conn_fd(c->tc);

		/* Let the reply leave before the close; unread input would
		 * make close() send a reset instead. */
		if (fd >= 0)
			shutdown(fd, SHUT_WR);
	}
	c->last = api_now(c->api);
}

/* True when the request asks to close after the reply. */
static bool wants_close(const struct http_msg *msg)
{
	if (http_msg_hdr_has_value(msg, HTTP_HDR_CONNECTION, "close"))
		return true;
	if (!pl_strcmp(&msg->ver, "1.0") &&
	    !http_msg_hdr_has_value(msg, HTTP_HDR_CONNECTION, "keep-alive"))
		return true;
	return false;
}

/* Finds the end of the head ("\r\n\r\n"), or 0. */
static size_t head_end(const uint8_t *p, size_t n)
{
	for (size_t i = 3; i < n; i++) {
		if (p[i] == '\n' && p[i - 1] == '\r' && p[i - 2] == '\n' &&
		    p[i - 3] == '\r')
			return i + 1;
	}
	return 0;
}

/* Handles every complete request in c->rx. */
static void conn_process(struct api_conn *c)
{
	struct api *api = c->api;

	while (!c->closing && !c->sse && c->rx) {
		struct mbuf *rx = c->rx;
		const uint8_t *p = rx->buf;
		size_t n = rx->end, hend, i;
		struct http_msg *msg = NULL;
		struct mbuf *hmb;
		struct api_req req;
		struct api_reply r;
		const struct http_hdr *h;
		bool close;
		int err;

		if (n == 0)
			return;
		/* Guard before libre's parser (quadratic on a long first
		 * line): the first line must end early. */
		for (i = 0; i < n && i < API_LINE_MAX; i++) {
			if (p[i] == '\n')
				break;
		}
		if (i == n && n < API_LINE_MAX)
			return;             /* wait for more */
		if (i >= API_LINE_MAX) {
			fail(c, 400, "bad_request", "request line too long");
			return;
		}
		hend = head_end(p, n < API_HEAD_MAX ? n : API_HEAD_MAX);
		if (!hend) {
			if (n >= API_HEAD_MAX)
				fail(c, 431, "header_too_large",
				     "request head over 8192 bytes");
			return;
		}

		/* The message keeps a reference to the buffer it parsed:
		 * give it a heap copy of the head. */
		hmb = mbuf_alloc(hend);
		if (!hmb) {
			conn_close(c);
			return;
		}
		(void)mbuf_write_mem(hmb, p, hend);
		hmb->pos = 0;
		err = http_msg_decode(&msg, hmb, true);
		mem_deref(hmb);
		if (err) {
			fail(c, 400, "bad_request", "malformed HTTP request");
			return;
		}
		if (http_msg_hdr(msg, HTTP_HDR_TRANSFER_ENCODING)) {
			mem_deref(msg);
			fail(c, 411, "length_required",
			     "chunked bodies are not accepted; "
			     "send Content-Length");
			return;
		}
		if (msg->clen > API_BODY_MAX) {
			mem_deref(msg);
			fail(c, 413, "body_too_large",
			     "request body over 65536 bytes");
			return;
		}
		if (n < hend + msg->clen) {
			mem_deref(msg);
			return;             /* wait for the body */
		}

		memset(&req, 0, sizeof(req));
		memset(&r, 0, sizeof(r));
		req.msg = msg;
		req.met = msg->met;
		req.path = msg->path;
		req.query = msg->prm;
		req.body = p + hend;
		req.body_len = msg->clen;
		req.peer = &c->peer;
		h = http_msg_xhdr(msg, "Last-Event-ID");
		req.last_event_id = h ? &h->val : NULL;
		close = wants_close(msg);

		api_route(api, &req, &r);

		if (r.sse && req.user) {
			c->sse = true;
			c->user = mem_ref(req.user);
			c->next_id = r.sse_from;
		}
		reply_send(c, &r, close && !r.sse);
		mem_deref(r.body);
		mem_deref(msg);

		/* Drop the handled request from rx. */
		if (n == hend + req.body_len) {
			c->rx = mem_deref(c->rx);
		}
		else {
			memmove(rx->buf, rx->buf + hend + req.body_len,
				n - hend - req.body_len);
			rx->end = n - hend - req.body_len;
			rx->pos = 0;
		}
		if (c->sse)
			api_sse_pump(api);
	}
}

static int conn_input(struct api_conn *c, const uint8_t *p, size_t n)
{
	if (c->closing || c->sse)
		return 0;          /* stream clients send nothing we read */
	c->last = api_now(c->api);
	if (!c->rx) {
		c->rx = mbuf_alloc(n < 1024 ? 1024 : n);
		if (!c->rx)
			return ENOMEM;
	}
	if (c->rx->end + n > API_HEAD_MAX + API_BODY_MAX) {
		fail(c, 413, "body_too_large", "request too large");
		return 0;
	}
	c->rx->pos = c->rx->end;
	if (mbuf_write_mem(c->rx, p, n))
		return ENOMEM;
	c->rx->pos = 0;
	conn_process(c);
	return 0;
}

static void recv_handler(struct mbuf *mb, void *arg)
{
	struct api_conn *c = arg;

	if (conn_input(c, mbuf_buf(mb), mbuf_get_left(mb)))
		conn_close(c);
}

static void close_handler(int err, void *arg)
{
	struct api_conn *c = arg;

	(void)err;
	c->tc = mem_deref(c->tc);
	c->closing = true;
	c->last = 0;               /* free at the next sweep */
}

static void connect_handler(const struct sa *peer, void *arg)
{
	struct api *api = arg;
	struct api_conn *c = mem_zalloc(sizeof(*c), conn_destructor);

	if (!c) {
		tcp_reject(api->ts);
		return;
	}
	c->api = api;
	c->peer = *peer;
	c->last = api_now(api);
	if (tcp_accept(&c->tc, api->ts, NULL, recv_handler, close_handler,
		       c)) {
		mem_deref(c);
		tcp_reject(api->ts);
		return;
	}
	tcp_conn_txqsz_set(c->tc, API_SSE_TXQ);
	list_append(&api->conns, &c->le, c);
}

/* ---------------------------------------------------------------------
 * Event streams
 * ------------------------------------------------------------------- */

/* Sends every event a stream client has not had yet and may see. A
 * client whose queue is full is dropped (never blocks the loop). */
void api_sse_pump(struct api *api)
{
	struct le *le;
	struct mbuf *mb = mbuf_alloc(1024);

	if (!mb)
		return;
	for (le = api->conns.head; le; le = le->next) {
		struct api_conn *c = le->data;
		bool sent = false;

		if (!c->sse || c->closing)
			continue;
		mbuf_reset(mb);
		if (c->next_id + API_WINDOW < api->ev_next)
			c->next_id = api->ev_next - API_WINDOW;
		for (; c->next_id < api->ev_next; c->next_id++) {
			const struct api_ev *e = api_ev_get(api, c->next_id);

			if (e && api_ev_visible(c->user, e))
				api_ev_print(mb, e);
		}
		if (mb->end)
			sent = true;
		if (sent && conn_send(c, mb->buf, mb->end)) {
			api->sse_dropped++;
			conn_close(c);
		}
	}
	mem_deref(mb);
}

static void sweep(void *arg)
{
	struct api *api = arg;
	acd_ms_t now = api_now(api);
	bool beat = now - api->last_beat >= API_HEARTBEAT_MS;
	struct le *le = api->conns.head;

	api->lag_ms = now > api->sweep_due ? now - api->sweep_due : 0;
	if (beat)
		api->last_beat = now;
	while (le) {
		struct api_conn *c = le->data;

		le = le->next;
		if (c->closing && (!c->tc || now - c->last > 2000)) {
			mem_deref(c);
			continue;
		}
		if (c->sse && beat) {
			static const char hb[] = ": heartbeat\n\n";

			if (conn_send(c, (const uint8_t *)hb, sizeof(hb) - 1))
				conn_close(c);
		}
		else if (!c->sse && now - c->last > API_IDLE_MS) {
			conn_close(c);
		}
	}
	api->sweep_due = now + 1000;
	tmr_start(&api->tmr_sweep, 1000, sweep, api);
}

/* ---------------------------------------------------------------------
 * Life cycle
 * ------------------------------------------------------------------- */

static void api_destructor(void *arg)
{
	struct api *api = arg;

	tmr_cancel(&api->tmr_sweep);
	webhook_close(api);
	api->ts = mem_deref(api->ts);
	list_flush(&api->conns);
	list_flush(&api->sessions);
	list_flush(&api->users);
	list_flush(&api->today);
	for (size_t i = 0; i < API_WINDOW; i++) {
		mem_deref(api->win[i].tenant);
		mem_deref(api->win[i].agent);
		mem_deref(api->win[i].json);
	}
}

int api_alloc(struct api **apip, const struct sa *laddr,
	      const struct api_deps *deps)
{
	struct api *api;
	int err = 0;

	if (!apip || !deps || !deps->acd || !deps->center)
		return EINVAL;
	api = mem_zalloc(sizeof(*api), api_destructor);
	if (!api)
		return ENOMEM;
	api->deps = *deps;
	api->ev_next = 1;
	api->rounds = 20000;
	tmr_init(&api->tmr_sweep);
	err = webhook_init(api);
	if (err)
		goto out;
	if (laddr) {
		/* tcp_listen's backlog is 5: bind and listen ourselves. */
		err = tcp_sock_alloc(&api->ts, laddr, connect_handler, api);
		if (!err)
			err = tcp_sock_bind(api->ts, laddr);
		if (!err)
			err = tcp_sock_listen(api->ts, SOMAXCONN);
		if (err)
			goto out;
		api->sweep_due = api_now(api) + 1000;
		api->last_beat = api_now(api);
		tmr_start(&api->tmr_sweep, 1000, sweep, api);
	}
 out:
	if (err)
		mem_deref(api);
	else
		*apip = api;
	return err;
}

struct api *api_free(struct api *api)
{
	return mem_deref(api);
}

int api_laddr(const struct api *api, struct sa *laddr)
{
	if (!api || !laddr || !api->ts)
		return EINVAL;
	return tcp_sock_local_get(api->ts, laddr);
}

void api_hash_rounds_set(struct api *api, unsigned rounds)
{
	if (api)
		api->rounds = rounds ? rounds : 20000;
}

int api_feed(struct api *api, const struct sa *peer, const uint8_t *data,
	     size_t len, struct mbuf *out, bool *closep)
{
	struct api_conn *c;
	int err;

	if (!api || !peer || (!data && len) || !out || !closep)
		return EINVAL;
	c = mem_zalloc(sizeof(*c), conn_destructor);
	if (!c)
		return ENOMEM;
	c->api = api;
	c->peer = *peer;
	c->out = out;
	err = conn_input(c, data, len);
	*closep = c->closing;
	mem_deref(c);
	return err;
}
