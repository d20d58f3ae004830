/* webhook.c — CRM webhooks: signed JSON bodies of a tenant's call events,
 * POSTed with libre's HTTP client and retried with back-off. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "config/center.h"
#include "api/api_int.h"
#include "api/webhook.h"

/*
 * Requests go through hook_post() (hookpost.c), not libre's HTTP client,
 * whose parsing of an answer's head a hostile receiver can make take
 * seconds. One list of deliveries, bounded by WEBHOOK_QUEUE_MAX, and one timer at
 * the earliest thing due (an attempt to start, an attempt to time out):
 * no timer per delivery, since libre's timer list costs O(n) per start.
 * Each scan is O(queue). At most WEBHOOK_INFLIGHT_MAX requests are open;
 * the rest wait their turn. A delivery names its webhook by id and reads
 * the url and secret of the center in force at each attempt, so an edit
 * (new url, new secret) applies to retries, and a webhook removed or
 * disabled drops what it still had queued.
 */

/* Delivery state of one webhook, for GET /api/v1/webhooks. */
struct hook_status {
	struct le le;
	char *id;                  /* webhook id                            */
	uint16_t last_status;      /* HTTP status of the last answer, 0 none*/
	char last_error[80];       /* last failure, "" after a success      */
	int64_t last_ms;           /* wall time of the last attempt's end   */
	uint64_t delivered;        /* deliveries answered 2xx               */
	uint64_t failures;         /* attempts failed (retried or not)      */
	uint64_t dropped;          /* deliveries given up                   */
};

struct delivery {
	struct le le;
	struct api_hooks *h;
	char *hook;                /* webhook id                            */
	char *tenant;              /* the tenant it was made for            */
	char id[17];               /* delivery id, 16 hex                   */
	unsigned event;            /* enum center_hook_event bit            */
	char *body;                /* JSON                                  */
	size_t len;                /* strlen(body)                          */
	unsigned failed;           /* failed attempts so far                */
	uint64_t due;              /* next attempt, tmr_jiffies ms          */
	uint64_t started;          /* attempt start, tmr_jiffies ms         */
	struct hook_post *req;     /* attempt in flight, or NULL            */
};

/* Counters of /metrics, by outcome. */
enum hook_count {
	HC_DELIVERED = 0,          /* answered 2xx                          */
	HC_RETRIED,                /* failed attempts followed by a retry   */
	HC_DROP_FULL,              /* dropped: queue full                   */
	HC_DROP_ATTEMPTS,          /* dropped: every attempt failed         */
	HC_DROP_REFUSED,           /* dropped: answered 4xx (not 408/429)   */
	HC_DROP_REMOVED,           /* dropped: webhook removed or disabled  */
	HC_COUNT
};

static const char *const count_names[HC_COUNT] = {
	"delivered", "retried", "dropped_queue_full", "dropped_attempts",
	"dropped_refused", "dropped_removed"
};

struct api_hooks {
	struct api *api;
	struct dnsc *dnsc;         /* resolver for host names, lazily made  */
	struct tls *tls;           /* TLS context for https, lazily made    */
	struct list queue;         /* struct delivery, oldest first         */
	size_t n;                  /* deliveries in queue                   */
	size_t inflight;           /* of which with a request open          */
	struct tmr tmr;            /* at the earliest due or timeout        */
	struct list status;        /* struct hook_status                    */
	uint64_t count[HC_COUNT];  /* by outcome                            */
	uint64_t last_log;         /* last drop log line, tmr_jiffies ms    */
	uint64_t unlogged;         /* drops not logged since                */
};

/* ---------------------------------------------------------------------
 * Pure parts: back-off, signature, body
 * ------------------------------------------------------------------- */

int64_t webhook_backoff_ms(unsigned failed)
{
	int64_t d = WEBHOOK_BACKOFF_MS;

	if (!failed)
		return 0;
	for (unsigned i = 1; i < failed && d < WEBHOOK_BACKOFF_MAX_MS; i++)
		d *= 2;
	return d < WEBHOOK_BACKOFF_MAX_MS ? d : WEBHOOK_BACKOFF_MAX_MS;
}

int webhook_sign(char out[WEBHOOK_SIG_LEN + 1], const char *secret,
		 uint64_t ts, const char *body, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	struct hmac *h = NULL;
	struct mbuf *mb;
	uint8_t md[32];
	int err;

	if (!out || !secret || (!body && len))
		return EINVAL;
	mb = mbuf_alloc(len + 32);
	if (!mb)
		return ENOMEM;
	err = mbuf_printf(mb, "%llu.", (unsigned long long)ts);
	if (!err && len)
		err = mbuf_write_mem(mb, (const uint8_t *)body, len);
	if (!err)
		err = hmac_create(&h, HMAC_HASH_SHA256, (const uint8_t *)secret,
				  strlen(secret));
	if (!err)
		err = hmac_digest(h, md, sizeof(md), mb->buf, mb->end);
	if (!err) {
		memcpy(out, "sha256=", 7);
		for (size_t i = 0; i < sizeof(md); i++) {
			out[7 + 2 * i] = hx[md[i] >> 4];
			out[8 + 2 * i] = hx[md[i] & 15];
		}
		out[WEBHOOK_SIG_LEN] = '\0';
	}
	mem_deref(h);
	mem_deref(mb);
	return err;
}

unsigned webhook_events_of(const struct acd_event *ev)
{
	if (!ev || !ev->call)
		return 0;
	switch (ev->type) {
	case ACD_EV_OFFER:
		return CENTER_HOOK_OFFERED;
	case ACD_EV_CONNECT:
		return CENTER_HOOK_ANSWERED;
	case ACD_EV_ABANDON:
		return CENTER_HOOK_ABANDONED | CENTER_HOOK_ENDED;
	case ACD_EV_EXIT:
	case ACD_EV_COMPLETE:
		return CENTER_HOOK_ENDED;
	default:
		return 0;
	}
}

/* How a call ended, for call.ended and call.abandoned. */
static const char *outcome(const struct acd_event *ev)
{
	switch (ev->type) {
	case ACD_EV_ABANDON:
		return "abandoned";
	case ACD_EV_EXIT:
		return "exited";
	case ACD_EV_COMPLETE:
		return "answered";
	default:
		return NULL;
	}
}

int webhook_body(struct re_printf *pf, void *arg)
{
	const struct webhook_call *w = arg;
	const struct acd_event *ev = w->ev;
	const char *o = outcome(ev);
	int err;

	err = re_hprintf(pf, "{\"id\":\"%s\",\"type\":\"%s\",\"time\":%lld,"
			 "\"tenant\":%H,\"call_id\":%H,\"call\":%llu,"
			 "\"queue\":%H,\"agent\":%H,\"caller\":%H,"
			 "\"did\":%H", w->delivery ? w->delivery : "",
			 center_hook_event_name(
				 (enum center_hook_event)w->event),
			 (long long)w->time_ms, api_json_str, w->tenant,
			 api_json_str, w->call_id,
			 (unsigned long long)ev->call, api_json_str, w->queue,
			 api_json_str, w->agent, api_json_str, w->caller,
			 api_json_str, w->did);
	if (ev->type == ACD_EV_CONNECT || ev->type == ACD_EV_ABANDON ||
	    ev->type == ACD_EV_EXIT)
		err |= re_hprintf(pf, ",\"wait_ms\":%lld",
				  (long long)ev->wait_ms);
	if (w->event == CENTER_HOOK_ENDED || w->event == CENTER_HOOK_ABANDONED)
		err |= re_hprintf(pf, ",\"outcome\":\"%s\"", o ? o : "");
	if (ev->type == ACD_EV_EXIT)
		err |= re_hprintf(pf, ",\"reason\":\"%s\"",
				  acd_exit_reason_name(ev->exit_reason));
	if (ev->type == ACD_EV_COMPLETE)
		err |= re_hprintf(pf, ",\"talk_ms\":%lld,\"ended_by\":\"%s\"",
				  (long long)ev->talk_ms,
				  ev->ended_by == ACD_PARTY_AGENT ?
				  "agent" : "caller");
	err |= re_hprintf(pf, "}");
	return err;
}

/* ---------------------------------------------------------------------
 * State
 * ------------------------------------------------------------------- */

static void status_destructor(void *arg)
{
	struct hook_status *s = arg;

	list_unlink(&s->le);
	mem_deref(s->id);
}

static void delivery_destructor(void *arg)
{
	struct delivery *d = arg;

	d->req = mem_deref(d->req);
	if (d->h) {
		d->h->n--;
		list_unlink(&d->le);
	}
	mem_deref(d->hook);
	mem_deref(d->tenant);
	mem_deref(d->body);
}

int webhook_init(struct api *api)
{
	struct api_hooks *h;

	if (!api)
		return EINVAL;
	h = mem_zalloc(sizeof(*h), NULL);
	if (!h)
		return ENOMEM;
	h->api = api;
	tmr_init(&h->tmr);
	api->hooks = h;
	return 0;
}

void webhook_close(struct api *api)
{
	struct api_hooks *h = api ? api->hooks : NULL;
	struct le *le;

	if (!h)
		return;
	tmr_cancel(&h->tmr);
	le = h->queue.head;
	while (le) {
		struct delivery *d = le->data;

		le = le->next;
		mem_deref(d);
	}
	list_flush(&h->status);
	h->tls = mem_deref(h->tls);
	h->dnsc = mem_deref(h->dnsc);
	api->hooks = mem_deref(h);
}

static struct hook_status *status_get(struct api_hooks *h, const char *id)
{
	struct hook_status *s;
	struct le *le;

	LIST_FOREACH(&h->status, le) {
		s = le->data;
		if (!strcmp(s->id, id))
			return s;
	}
	s = mem_zalloc(sizeof(*s), status_destructor);
	if (!s)
		return NULL;
	if (str_dup(&s->id, id)) {
		mem_deref(s);
		return NULL;
	}
	list_append(&h->status, &s->le, s);
	return s;
}

/* The webhook a delivery is for, if it still takes it. */
static const struct center_webhook *hook_of(struct api_hooks *h,
					    const struct delivery *d)
{
	const struct center_webhook *w =
		center_webhook_find(h->api->deps.center, d->hook);

	if (!w || !w->enabled || strcmp(w->tenant, d->tenant) ||
	    !(w->events & d->event))
		return NULL;
	return w;
}

/* Logs a drop, at most one line a second (the rest are counted). */
static void drop_log(struct api_hooks *h, const struct delivery *d,
		     const char *why)
{
	uint64_t now = tmr_jiffies();

	if (h->last_log && now - h->last_log < 1000) {
		h->unlogged++;
		return;
	}
	re_fprintf(stderr, "plateau: event=webhook-dropped webhook=%s "
		   "delivery=%s type=%s why=\"%s\" unlogged=%llu\n", d->hook,
		   d->id, center_hook_event_name(
			   (enum center_hook_event)d->event), why,
		   (unsigned long long)h->unlogged);
	h->last_log = now;
	h->unlogged = 0;
}

static void drop(struct api_hooks *h, struct delivery *d, enum hook_count c,
		 const char *why)
{
	struct hook_status *s = status_get(h, d->hook);

	h->count[c]++;
	if (s)
		s->dropped++;
	drop_log(h, d, why);
	mem_deref(d);
}

/* ---------------------------------------------------------------------
 * Attempts
 * ------------------------------------------------------------------- */

static void schedule(struct api_hooks *h);

/* The attempt ended: ok, or failed with why (retry decides). */
static void attempt_end(struct api_hooks *h, struct delivery *d,
			uint16_t status, bool ok, bool retry,
			const char *why)
{
	struct hook_status *s = status_get(h, d->hook);

	d->req = mem_deref(d->req);
	h->inflight--;
	if (s) {
		s->last_status = status;
		s->last_ms = api_wall(h->api);
		if (ok)
			s->last_error[0] = '\0';
		else
			str_ncpy(s->last_error, why, sizeof(s->last_error));
	}
	if (ok) {
		h->count[HC_DELIVERED]++;
		if (s)
			s->delivered++;
		mem_deref(d);
		goto out;
	}
	if (s)
		s->failures++;
	d->failed++;
	if (!retry) {
		drop(h, d, HC_DROP_REFUSED, why);
		goto out;
	}
	if (d->failed >= WEBHOOK_ATTEMPTS) {
		drop(h, d, HC_DROP_ATTEMPTS, why);
		goto out;
	}
	h->count[HC_RETRIED]++;
	d->due = tmr_jiffies() + (uint64_t)webhook_backoff_ms(d->failed);
 out:
	schedule(h);
}

static void resp_handler(int err, uint16_t sc, void *arg)
{
	struct delivery *d = arg;
	struct api_hooks *h = d->h;
	char why[80];

	if (err) {
		re_snprintf(why, sizeof(why), "%m", err);
		attempt_end(h, d, 0, false, true, why);
		return;
	}
	re_snprintf(why, sizeof(why), "HTTP %u", sc);
	if (sc >= 200 && sc < 300)
		attempt_end(h, d, sc, true, false, "");
	else
		attempt_end(h, d, sc, false,
			    sc == 408 || sc == 429 || sc >= 500, why);
}

static int client(struct api_hooks *h, const char *url)
{
	struct sa srv[4];
	uint32_t n = 4;
	char domain[64] = "";
	int err;

	if (!h->tls && !strncasecmp(url, "https://", 8)) {
		err = tls_alloc(&h->tls, TLS_METHOD_SSLV23, NULL, NULL);
		if (err)
			return err;
		(void)tls_add_ca(h->tls,
				 "/etc/ssl/certs/ca-certificates.crt");
	}
	if (h->dnsc)
		return 0;
	if (dns_srv_get(domain, sizeof(domain), srv, &n) || !n) {
		/* no resolv.conf: IP-literal URLs still work */
		sa_set_str(&srv[0], "127.0.0.1", 53);
		n = 1;
	}
	return dnsc_alloc(&h->dnsc, NULL, srv, n);
}

static void attempt(struct api_hooks *h, struct delivery *d)
{
	const struct center_webhook *w = hook_of(h, d);
	char sig[WEBHOOK_SIG_LEN + 1], why[80], *hdrs = NULL;
	uint64_t ts;
	int err;

	if (!w) {
		drop(h, d, HC_DROP_REMOVED, "webhook removed, disabled or "
		     "unsubscribed");
		return;
	}
	ts = (uint64_t)(api_wall(h->api) / 1000);
	err = client(h, w->url);
	if (!err)
		err = webhook_sign(sig, w->secret, ts, d->body, d->len);
	if (!err)
		err = re_sdprintf(&hdrs, "Content-Type: application/json\r\n"
				  "Content-Length: %zu\r\n"
				  "User-Agent: plateau\r\n"
				  "Connection: close\r\n"
				  "X-Plateau-Event: %s\r\n"
				  "X-Plateau-Delivery: %s\r\n"
				  "X-Plateau-Timestamp: %llu\r\n"
				  "X-Plateau-Signature: %s\r\n",
				  d->len, center_hook_event_name(
					  (enum center_hook_event)d->event),
				  d->id, (unsigned long long)ts, sig);
	d->started = tmr_jiffies();
	h->inflight++;
	if (!err)
		err = hook_post(&d->req, w->url, h->dnsc, h->tls, hdrs,
				d->body, d->len, resp_handler, d);
	mem_deref(hdrs);
	if (err) {
		re_snprintf(why, sizeof(why), "request: %m", err);
		attempt_end(h, d, 0, false, true, why);
	}
}

/* Starts what is due, times out what took too long, and sets the timer
 * at the next such moment. O(queue). */
static void scan(void *arg)
{
	struct api_hooks *h = arg;
	uint64_t now = tmr_jiffies();
	struct le *le = h->queue.head;

	while (le) {
		struct delivery *d = le->data;

		le = le->next;
		if (d->req && now - d->started >= WEBHOOK_TIMEOUT_MS) {
			attempt_end(h, d, 0, false, true, "timeout");
			/* attempt_end may free any delivery: start again */
			return;
		}
	}
	le = h->queue.head;
	while (le && h->inflight < WEBHOOK_INFLIGHT_MAX) {
		struct delivery *d = le->data;

		le = le->next;
		if (!d->req && d->due <= now) {
			attempt(h, d);
			/* attempt may free d and others via drop: rescan */
			break;
		}
	}
	schedule(h);
}

/* Arms the timer at the earliest due start or timeout; 0 ms when
 * something can start now. */
static void schedule(struct api_hooks *h)
{
	uint64_t now = tmr_jiffies(), next = UINT64_MAX;
	struct le *le;

	LIST_FOREACH(&h->queue, le) {
		const struct delivery *d = le->data;
		uint64_t t;

		if (d->req)
			t = d->started + WEBHOOK_TIMEOUT_MS;
		else if (h->inflight < WEBHOOK_INFLIGHT_MAX)
			t = d->due;
		else
			continue;
		if (t < next)
			next = t;
	}
	if (next == UINT64_MAX) {
		tmr_cancel(&h->tmr);
		return;
	}
	tmr_start(&h->tmr, next > now ? next - now : 0, scan, h);
}

/* ---------------------------------------------------------------------
 * Events in
 * ------------------------------------------------------------------- */

static int enqueue(struct api_hooks *h, const struct center_webhook *w,
		   unsigned event, const struct acd_event *ev,
		   const char *call_id, const char *caller, const char *did)
{
	struct webhook_call wc;
	struct delivery *d;
	int err;

	d = mem_zalloc(sizeof(*d), delivery_destructor);
	if (!d)
		return ENOMEM;
	re_snprintf(d->id, sizeof(d->id), "%016llx",
		    (unsigned long long)rand_u64());
	d->event = event;
	memset(&wc, 0, sizeof(wc));
	wc.delivery = d->id;
	wc.event = event;
	wc.time_ms = api_wall(h->api);
	wc.tenant = ev->tenant;
	wc.call_id = call_id;
	wc.queue = ev->queue;
	wc.agent = ev->agent;
	wc.caller = caller;
	wc.did = did;
	wc.ev = ev;
	err = str_dup(&d->hook, w->id);
	if (!err)
		err = str_dup(&d->tenant, w->tenant);
	if (!err)
		err = re_sdprintf(&d->body, "%H", webhook_body, &wc);
	if (err) {
		mem_deref(d);
		return err;
	}
	d->len = strlen(d->body);
	d->h = h;
	d->due = tmr_jiffies();
	list_append(&h->queue, &d->le, d);
	h->n++;
	if (h->n > WEBHOOK_QUEUE_MAX)
		drop(h, d, HC_DROP_FULL, "queue full");
	return 0;
}

void webhook_event(struct api *api, const struct acd_event *ev,
		   const char *call_id, const char *caller, const char *did)
{
	struct api_hooks *h = api ? api->hooks : NULL;
	const struct center *c;
	unsigned bits = webhook_events_of(ev);
	bool queued = false;

	if (!h || !bits || !ev->tenant)
		return;
	c = api->deps.center;
	for (size_t i = 0; c && i < c->n_webhooks; i++) {
		const struct center_webhook *w = &c->webhooks[i];

		if (!w->enabled || strcmp(w->tenant, ev->tenant))
			continue;
		/* abandoned first, then ended: the order they happened */
		for (unsigned b = CENTER_HOOK_OFFERED; b <= CENTER_HOOK_ENDED;
		     b <<= 1) {
			if (!(bits & b & w->events))
				continue;
			if (!enqueue(h, w, b, ev, call_id, caller, did))
				queued = true;
		}
	}
	if (queued)
		schedule(h);
}

/* ---------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------- */

void webhook_metrics(struct api *api, struct mbuf *mb)
{
	struct api_hooks *h = api ? api->hooks : NULL;

	if (!h)
		return;
	(void)mbuf_printf(mb, "# HELP plateau_webhook_deliveries_total "
			  "Webhook deliveries and attempts by outcome.\n"
			  "# TYPE plateau_webhook_deliveries_total counter\n");
	for (int i = 0; i < HC_COUNT; i++)
		(void)mbuf_printf(mb, "plateau_webhook_deliveries_total"
				  "{result=\"%s\"} %llu\n", count_names[i],
				  (unsigned long long)h->count[i]);
	(void)mbuf_printf(mb, "# HELP plateau_webhook_queue Webhook "
			  "deliveries waiting or in flight.\n"
			  "# TYPE plateau_webhook_queue gauge\n"
			  "plateau_webhook_queue %zu\n"
			  "plateau_webhook_queue_capacity %u\n",
			  h->n, WEBHOOK_QUEUE_MAX);
}

int webhook_status_print(struct api *api, struct mbuf *mb, const char *id)
{
	struct api_hooks *h = api ? api->hooks : NULL;
	const struct hook_status *s = NULL;
	size_t pending = 0;
	struct le *le;

	if (!h || !mb || !id)
		return EINVAL;
	LIST_FOREACH(&h->status, le) {
		const struct hook_status *x = le->data;

		if (!strcmp(x->id, id))
			s = x;
	}
	LIST_FOREACH(&h->queue, le) {
		const struct delivery *d = le->data;

		if (!strcmp(d->hook, id))
			pending++;
	}
	return mbuf_printf(mb, ",\"delivery\":{\"last_status\":%u,"
			   "\"last_error\":%H,\"last_attempt_ms\":%lld,"
			   "\"delivered\":%llu,\"failures\":%llu,"
			   "\"dropped\":%llu,\"pending\":%zu}",
			   s ? s->last_status : 0, api_json_str,
			   s && s->last_error[0] ? s->last_error : NULL,
			   s ? (long long)s->last_ms : 0LL,
			   s ? (unsigned long long)s->delivered : 0ULL,
			   s ? (unsigned long long)s->failures : 0ULL,
			   s ? (unsigned long long)s->dropped : 0ULL,
			   pending);
}
