/* server.c — the SIP server: transports, the guard hook, request
 * dispatch (OPTIONS, REGISTER, INVITE), timers and draining. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "media/ivr.h"
#include "media/media.h"
#include "sip/hook.h"
#include "sip/sipd_int.h"

#define GUARD_LAYER (-1000)     /* below libre's own UDP handler        */
#define ALLOW "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO"

/* ---------------------------------------------------------------------
 * Clock and log
 * ------------------------------------------------------------------- */

uint64_t sipd_now(void)
{
	return tmr_jiffies();
}

int64_t sipd_wall(const struct sipd *s, uint64_t now)
{
	return s->wall0 + (int64_t)(now - s->mono0);
}

/* One line per event, written with ONE write(2): stderr is unbuffered and
 * re_fprintf() writes every formatted piece on its own (a dozen system
 * calls per line, measured at 5-7 % of the server's CPU under call load).
 * A line too long for the stack buffer goes through the heap. */
void sipd_log(const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char line[1024];
	char *big = NULL;
	size_t n;
	va_list ap, ap2;
	int k;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "ts=%Y-%m-%dT%H:%M:%S", &tm);
	k = re_snprintf(line + n, sizeof(line) - n, ".%03ldZ ",
			ts.tv_nsec / 1000000);
	if (k > 0)
		n += (size_t)k;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	k = re_vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (k >= 0) {
		n += (size_t)k;
		line[n++] = '\n';
		(void)fwrite(line, 1, n, stderr);
	}
	else if (!re_vsdprintf(&big, fmt, ap2)) {
		(void)fwrite(line, 1, n, stderr);
		(void)fprintf(stderr, "%s\n", big);
		mem_deref(big);
	}
	va_end(ap2);
	va_end(ap);
}

const char *sipd_errmsg(const struct sipd *s)
{
	return s ? s->errmsg : "";
}

struct acd *sipd_acd(const struct sipd *s)
{
	return s ? s->acd : NULL;
}

struct sip *sipd_sip(const struct sipd *s)
{
	return s ? s->sip : NULL;
}

int sipd_laddr(const struct sipd *s, struct sa *laddr)
{
	if (!s || !laddr)
		return EINVAL;
	*laddr = s->laddr;
	return 0;
}

void sipd_stats_get(const struct sipd *s, struct sipd_stats *st)
{
	if (!s || !st)
		return;
	*st = s->stats;
	st->registered = registrar_count(s->reg);
}

/* ---------------------------------------------------------------------
 * Deferred work: one 0 ms timer for frees and engine inputs
 * ------------------------------------------------------------------- */

/* An object waiting to be freed. */
struct trash_item {
	struct le le;              /* in sipd.trash                         */
	void *obj;                 /* mem object to deref                   */
};

static void trash_item_destructor(void *arg)
{
	struct trash_item *t = arg;

	list_unlink(&t->le);
	mem_deref(t->obj);
}

static void defer_handler(void *arg)
{
	struct sipd *s = arg;

	call_run_deferred(s);
	list_flush(&s->trash);
	sipd_acd_rearm(s);
}

void sipd_defer_kick(struct sipd *s)
{
	if (!tmr_isrunning(&s->defer_tmr))
		tmr_start(&s->defer_tmr, 0, defer_handler, s);
}

void sipd_trash(struct sipd *s, void *obj)
{
	struct trash_item *t;

	if (!obj)
		return;
	t = mem_zalloc(sizeof(*t), trash_item_destructor);
	if (!t) {
		/* last resort: free now (leaking would be worse) */
		mem_deref(obj);
		return;
	}
	t->obj = obj;
	list_append(&s->trash, &t->le, t);
	sipd_defer_kick(s);
}

/* ---------------------------------------------------------------------
 * The engine's timer
 * ------------------------------------------------------------------- */

static void acd_tmr_handler(void *arg)
{
	struct sipd *s = arg;

	(void)acd_tick(s->acd, (acd_ms_t)sipd_now());
	sipd_acd_rearm(s);
}

void sipd_acd_rearm(struct sipd *s)
{
	acd_ms_t next = acd_next_deadline(s->acd);
	uint64_t now = sipd_now();
	uint64_t delay;

	if (next == ACD_NEVER) {
		tmr_cancel(&s->acd_tmr);
		return;
	}
	delay = next > (acd_ms_t)now ? (uint64_t)(next - (acd_ms_t)now) : 0;
	/* re-arm only when the deadline moved: tmr_start is O(timers) */
	if (tmr_isrunning(&s->acd_tmr) &&
	    tmr_get_expire(&s->acd_tmr) == delay)
		return;
	tmr_start(&s->acd_tmr, delay, acd_tmr_handler, s);
}

static void house_handler(void *arg)
{
	struct sipd *s = arg;
	uint64_t now = sipd_now();

	sipguard_sweep(s->guard, now);
	sipd_tcpguard_sweep(s);
	registrar_sweep(s->reg, now);
	tmr_start(&s->house_tmr, 1000, house_handler, s);
}

/* ---------------------------------------------------------------------
 * Replies and dispatch
 * ------------------------------------------------------------------- */

void sipd_reply(struct sipd *s, const struct sip_msg *msg,
		const struct sipd_resp *resp)
{
	if (!resp->scode)
		return;
	(void)sip_replyf(s->sip, msg, resp->scode, resp->reason,
			 "%sContent-Length: 0\r\n\r\n", resp->hdrs);
}

static void resp_plain(struct sipd_resp *resp, uint16_t scode,
		       const char *reason, const char *why)
{
	resp->scode = scode;
	resp->reason = reason;
	resp->hdrs[0] = '\0';
	resp->why = why;
}

static void handle_options(struct sipd *s, const struct sip_msg *msg)
{
	struct sipd_resp resp;

	if (s->draining)
		resp_plain(&resp, 503, "Service Unavailable", "draining");
	else
		resp_plain(&resp, 200, "OK", NULL);
	(void)re_snprintf(resp.hdrs, sizeof(resp.hdrs),
			  "Allow: " ALLOW "\r\n"
			  "Accept: application/sdp\r\n");
	if (s->draining)
		str_ncpy(resp.hdrs + strlen(resp.hdrs), "Retry-After: 30\r\n",
			 sizeof(resp.hdrs) - strlen(resp.hdrs));
	sipd_reply(s, msg, &resp);
}

static void handle_register(struct sipd *s, const struct sip_msg *msg)
{
	struct sipd_resp resp;

	(void)registrar_handle(s->reg, msg, sipd_now(), &resp);
	sipd_reply(s, msg, &resp);
	if (resp.scode == 200)
		s->stats.registers++;
	if (resp.scode == 403)
		s->stats.auth_failures++;
	if (resp.scode != 401)
		sipd_log("event=register user=%r src=%J status=%u why=%s",
			 &msg->to.uri.user, &msg->src, resp.scode,
			 resp.why ? resp.why : "-");
}

/* The headers every request needs (RFC 3261 8.1.1), and a CSeq method
 * that matches the request line. */
bool sipd_request_complete(const struct sip_msg *msg)
{
	return pl_isset(&msg->to.auri) && pl_isset(&msg->from.auri) &&
	       pl_isset(&msg->callid) && pl_isset(&msg->cseq.met) &&
	       pl_isset(&msg->via.branch) &&
	       !pl_cmp(&msg->cseq.met, &msg->met) &&
	       pl_isset(&msg->uri.scheme);
}

bool sipd_request(struct sipd *s, const struct sip_msg *msg)
{
	if (!s || !msg || !msg->req)
		return false;

	if (!sipd_request_complete(msg)) {
		struct sipd_resp resp;

		/* no Via branch: no way to answer; otherwise 400 */
		if (pl_isset(&msg->via.branch)) {
			resp_plain(&resp, 400, "Bad Request", "incomplete");
			sipd_reply(s, msg, &resp);
		}
		s->stats.rx_refused++;
		sipd_log("event=bad-request src=%J method=%r", &msg->src,
			 &msg->met);
		return true;
	}

	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		handle_options(s, msg);
		return true;
	}
	if (!pl_strcmp(&msg->met, "REGISTER")) {
		handle_register(s, msg);
		return true;
	}
	return false;  /* INVITE, BYE, CANCEL, INFO, ACK: sipsess's */
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	return sipd_request(arg, msg);
}

/* ---------------------------------------------------------------------
 * The guard on the UDP socket
 * ------------------------------------------------------------------- */

static bool sipd_guard_recv(struct sa *src, struct mbuf *mb, void *arg)
{
	struct sipd *s = arg;
	enum sipguard_verdict v;

	v = sipguard_packet(s->guard, src, mbuf_buf(mb), mbuf_get_left(mb),
			    sipd_now());
	if (v == SIPGUARD_OK)
		return false;     /* on to libre's SIP parser */
	if (v == SIPGUARD_KEEPALIVE)
		return true;      /* nothing to do with a bare CRLF */
	s->stats.rx_refused++;
	/* one line per refusal would let a flood fill the log: sample */
	if (s->stats.rx_refused < 100 || s->stats.rx_refused % 1000 == 0)
		sipd_log("event=refused src=%J bytes=%zu why=%s total=%llu",
			 src, mbuf_get_left(mb), sipguard_verdict_name(v),
			 (unsigned long long)s->stats.rx_refused);
	return true;
}

/* ---------------------------------------------------------------------
 * Setup and teardown
 * ------------------------------------------------------------------- */

static int ha1_from_center(const char *user, uint8_t *ha1, void *arg)
{
	struct sipd *s = arg;
	const struct center_position *pos;

	pos = center_position_by_sip_user(s->conf.center, user);
	if (!pos)
		return ENOENT;
	return str_hex(ha1, 16, pos->sip_ha1);
}

/* Logs agents in at start: "AGENT@POSITION" items, space-separated. */
static int logins_apply(struct sipd *s)
{
	const char *p = s->conf.logins;
	char agent[CENTER_ID_MAX + 1], pos[CENTER_ID_MAX + 1];

	while (p && *p) {
		size_t n = strcspn(p, " ,");
		const char *at = memchr(p, '@', n);
		int err;

		if (!at || at == p || (size_t)(at - p) > CENTER_ID_MAX ||
		    n - (size_t)(at - p) - 1 > CENTER_ID_MAX ||
		    n - (size_t)(at - p) - 1 == 0) {
			re_snprintf(s->errmsg, sizeof(s->errmsg),
				    "login '%b': expected AGENT@POSITION", p,
				    n);
			return EINVAL;
		}
		str_ncpy(agent, p, (size_t)(at - p) + 1);
		str_ncpy(pos, at + 1, n - (size_t)(at - p));
		err = acd_agent_login(s->acd, (acd_ms_t)sipd_now(), agent, pos);
		if (err) {
			re_snprintf(s->errmsg, sizeof(s->errmsg),
				    "login %s@%s: %s", agent, pos,
				    acd_errmsg(s->acd));
			return err;
		}
		sipd_log("event=login agent=%s position=%s via=config", agent,
			 pos);
		p += n;
		while (*p == ' ' || *p == ',')
			p++;
	}
	return 0;
}

/* Synthesises the IVR menus' prompts missing under the prompt dir (once
 * per text: the file name carries a hash of it). A failure is logged and
 * the menu then runs without its prompt. Blocks: done at start only. */
static void ivr_prompts_make(struct sipd *s)
{
	const struct center *c = s->conf.center;

	if (!s->conf.prompt_dir || !s->conf.media)
		return;
	for (size_t i = 0; i < c->n_ivrs; i++) {
		for (int l = 0; l < CENTER_LANG_COUNT; l++) {
			const char *text = c->ivrs[i].prompt[l];
			int err;

			if (!text)
				continue;
			err = media_prompt_synth(s->conf.prompt_dir,
						 (enum center_lang)l, text);
			if (err)
				sipd_log("event=prompt-error menu=%s lang=%s "
					 "err=%m", c->ivrs[i].id,
					 center_lang_name((enum center_lang)l),
					 err);
		}
	}
}

/* Loads every queue's hold music into the media cache, so the first
 * caller does not wait for the file and a missing or unreadable file is
 * said at start (the queue then plays silence). */
static void hold_music_load(struct sipd *s)
{
	const struct center *c = s->conf.center;

	if (!s->conf.media)
		return;
	for (size_t i = 0; i < c->n_queues; i++) {
		const char *name = c->queues[i].hold_music;

		if (!name || !strcmp(name, "default"))
			name = "moh/default.wav";
		if (media_audio_preload(s->conf.media, name))
			sipd_log("event=media-warning what=hold-music queue=%s "
				 "why=\"%s\"", c->queues[i].id,
				 media_errmsg(s->conf.media));
	}
}

void sipd_center_set(struct sipd *s, const struct center *c)
{
	if (!s || !c)
		return;
	s->conf.center = c;
	registrar_forget_unknown(s->reg);
	ivr_prompts_make(s);
	hold_music_load(s);
}

static void sipd_destructor(void *arg)
{
	struct sipd *s = arg;

	tmr_cancel(&s->acd_tmr);
	tmr_cancel(&s->house_tmr);
	tmr_cancel(&s->defer_tmr);
	tmr_cancel(&s->drain_tmr);
	tmr_cancel(&s->ivr_tmr);
	codes_flush(s);
	call_flush(s);
	list_flush(&s->trash);
	s->uh = mem_deref(s->uh);
	sipd_tcpguard_close(s, s->tsock);
	s->tsock = NULL;
	s->lsnr = mem_deref(s->lsnr);
	s->ssock = mem_deref(s->ssock);
	if (s->sip)
		sip_close(s->sip, true);
	s->sip = mem_deref(s->sip);
	mem_deref(s->reg);
	mem_deref(s->guard);
	mem_deref(s->calls);
	s->acd = acd_free(s->acd);
}

static int fail(struct sipd *s, int err, const char *what)
{
	re_snprintf(s->errmsg, sizeof(s->errmsg), "%s: %m", what, err);
	return err;
}

/* Opens the SIP sockets: UDP, and TCP on the same port so that peers see
 * one address, each with its guard below libre's parser (src/sip/hook.c
 * finds the sockets). Port 0 lets the kernel pick the UDP port; when the
 * TCP port of that number is taken (by any TCP socket, an outgoing
 * connection's included), both are dropped and the kernel asked again. */
static int transports_listen(struct sipd *s, const struct sipd_conf *conf)
{
	const bool any_port = sa_port(&conf->laddr) == 0;
	void *sock;
	int err;

	for (int attempt = 0;; attempt++) {
		err = siphook_transp_add(s->sip, SIP_TRANSP_UDP,
					 &conf->laddr, &sock);
		if (err) {
			re_snprintf(s->errmsg, sizeof(s->errmsg),
				    "cannot listen on udp %J: %m",
				    &conf->laddr, err);
			return err;
		}
		err = udp_register_helper(&s->uh, sock, GUARD_LAYER, NULL,
					  sipd_guard_recv, s);
		if (err)
			return fail(s, err, "guard on udp");
		err = sip_transp_laddr(s->sip, &s->laddr, SIP_TRANSP_UDP,
				       NULL);
		if (err)
			return fail(s, err, "sip_transp_laddr");
		if (!conf->tcp)
			return 0;
		err = siphook_transp_add(s->sip, SIP_TRANSP_TCP, &s->laddr,
					 &sock);
		if (err == EADDRINUSE && any_port && attempt < 32) {
			s->uh = mem_deref(s->uh);
			sip_transp_flush(s->sip);
			continue;
		}
		if (err) {
			re_snprintf(s->errmsg, sizeof(s->errmsg),
				    "cannot listen on tcp %J: %m", &s->laddr,
				    err);
			return err;
		}
		s->tsock = sock;
		err = sipd_tcpguard_install(s, s->tsock);
		if (err)
			return fail(s, err, "guard on tcp");
		return 0;
	}
}

int sipd_alloc(struct sipd **sp, const struct sipd_conf *conf,
	       char *errmsg, size_t errsz)
{
	struct sipguard_conf gc;
	struct sipd *s;
	struct timespec ts;
	const char *realm;
	int err;

	if (!sp || !conf || !conf->center)
		return EINVAL;

	s = mem_zalloc(sizeof(*s), sipd_destructor);
	if (!s)
		return ENOMEM;
	s->conf = *conf;
	if (!s->conf.drain_ms)
		s->conf.drain_ms = 60000;
	tmr_init(&s->acd_tmr);
	tmr_init(&s->house_tmr);
	tmr_init(&s->defer_tmr);
	tmr_init(&s->drain_tmr);
	tmr_init(&s->ivr_tmr);
	s->mono0 = sipd_now();
	clock_gettime(CLOCK_REALTIME, &ts);
	s->wall0 = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	s->boot_id = rand_u64();

	sipguard_conf_init(&gc);
	if (conf->rate_pps) {
		gc.rate_pps = conf->rate_pps;
		gc.burst = 2 * conf->rate_pps;
	}
	err = sipguard_alloc(&s->guard, &gc);
	if (err)
		goto out;

	realm = conf->center->sip_realm ? conf->center->sip_realm
					: "plateau";
	err = registrar_alloc(&s->reg, realm, ha1_from_center, s, s->guard);
	if (err) {
		fail(s, err, "registrar");
		goto out;
	}
	err = hash_alloc(&s->calls, 4096);
	if (err)
		goto out;

	err = sip_alloc(&s->sip, NULL, 4096, 4096, 4096,
			"plateau/" "0.1", NULL, NULL);
	if (err) {
		fail(s, err, "sip_alloc");
		goto out;
	}
	err = transports_listen(s, conf);
	if (err)
		goto out;
	re_snprintf(s->host, sizeof(s->host), "%J", &s->laddr);

	err = sip_listen(&s->lsnr, s->sip, true, request_handler, s);
	if (err) {
		fail(s, err, "sip_listen");
		goto out;
	}
	err = sipsess_listen(&s->ssock, s->sip, 1024, call_incoming, s);
	if (err) {
		fail(s, err, "sipsess_listen");
		goto out;
	}
	err = acd_alloc(&s->acd, rand_u64(), call_acd_event, s);
	if (err)
		goto out;
	err = center_apply(conf->center, s->acd);
	if (err) {
		re_snprintf(s->errmsg, sizeof(s->errmsg), "config: %s",
			    acd_errmsg(s->acd));
		goto out;
	}
	err = codes_init(s);
	if (err) {
		fail(s, err, "dial codes");
		goto out;
	}
	err = logins_apply(s);
	if (err)
		goto out;
	ivr_prompts_make(s);
	hold_music_load(s);

	tmr_start(&s->house_tmr, 1000, house_handler, s);
out:
	if (err && errmsg && errsz) {
		if (!s->errmsg[0])
			re_snprintf(s->errmsg, sizeof(s->errmsg),
				    "sip server: %m", err);
		str_ncpy(errmsg, s->errmsg, errsz);
	}
	if (err)
		mem_deref(s);
	else
		*sp = s;
	return err;
}

/* ---------------------------------------------------------------------
 * Draining
 * ------------------------------------------------------------------- */

static void drained(struct sipd *s)
{
	sipd_drained_h *h = s->drainedh;

	s->drainedh = NULL;
	tmr_cancel(&s->drain_tmr);
	if (h)
		h(s->drained_arg);
}

static void drain_timeout(void *arg)
{
	struct sipd *s = arg;

	sipd_log("event=drain-timeout calls=%u", s->stats.calls_active);
	call_cut_all(s);
	drained(s);
}

void sipd_drain_check(struct sipd *s)
{
	if (s->drainedh && s->stats.calls_active == 0)
		drained(s);
}

void sipd_drain(struct sipd *s, sipd_drained_h *h, void *arg)
{
	if (!s)
		return;
	s->draining = true;
	s->drainedh = h;
	s->drained_arg = arg;
	sipd_log("event=drain calls=%u limit_ms=%u", s->stats.calls_active,
		 s->conf.drain_ms);
	tmr_start(&s->drain_tmr, s->conf.drain_ms, drain_timeout, s);
	sipd_drain_check(s);
}
