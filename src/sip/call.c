/* call.c — the B2BUA: a caller's INVITE into an ACD queue, the engine's
 * offers rung on agents' registered phones, the bridge, and the record. */
#include <string.h>
#include <sys/stat.h>
#include <re.h>
#include "media/ivr.h"
#include "media/media.h"
#include "store/store.h"
#include "sip/sipd_int.h"

/* Where a call is. */
enum call_state {
	CALL_IVR = 0,              /* answered, walking the IVR menus       */
	CALL_QUEUED,               /* in the engine, waiting or ringing     */
	CALL_CONNECTED,            /* bridged to an agent                   */
	CALL_FAREWELL,             /* out of the engine, hearing why (exit
				      prompt), then ended                   */
	CALL_ENDED,                /* terminal; freed from the next tick    */
};

/* An engine input that could not be given from inside its handler. */
enum call_pending {
	PEND_NONE = 0,
	PEND_NO_ANSWER,            /* the offered agent cannot be rung      */
};

struct call;

/* The agent's side of a call: one per offer. */
struct agent_leg {
	struct call *c;            /* owning call; NULL once released       */
	struct sipsess *sess;      /* INVITE to the agent's phone           */
	struct media_leg *leg;     /* our RTP endpoint towards the phone    */
	char agent[CENTER_ID_MAX + 1]; /* agent id                          */
	bool answered;             /* the phone answered (200, ACK sent)    */
	bool held;                 /* the phone put the call on hold        */
	uint8_t pt;                /* codec the phone answered with         */
	uint8_t te_pt;             /* its telephone-event pt, or 0          */
};

struct call {
	struct le le;              /* in sipd.callsl                        */
	struct le he;              /* in sipd.calls by acd_id               */
	struct le dle;             /* in sipd.deferred when pend is set     */
	struct le ile;             /* in sipd.ivrl while in the IVR         */
	struct ivr ivr;            /* the IVR walk (state CALL_IVR)         */
	struct media_playlist *ivr_pl; /* the menu prompt playing           */
	enum center_lang lang;     /* caller's language for prompts         */
	struct sipd *s;            /* the server                            */
	char id[40];               /* call id in the store                  */
	uint64_t acd_id;           /* the engine's call id, 0 before        */
	enum call_state state;
	struct sipsess *sess;      /* the caller's dialog                   */
	struct media_leg *leg;     /* our RTP endpoint towards the caller   */
	bool caller_answered;      /* 200 sent to the caller                */
	bool early;                /* 183 early media until connect         */
	bool cut;                  /* ended by the server (drain, shutdown) */
	bool caller_held;          /* the caller's phone holds the call     */
	uint8_t pt;                /* caller's codec                        */
	uint8_t te_pt;             /* caller's telephone-event pt, or 0     */
	const struct center_did *did;     /* number called                  */
	const struct center_queue *queue; /* current queue                  */
	char caller[64];           /* caller's user part (From)             */
	char *skills;              /* extra call skills, or NULL            */
	struct agent_leg *al;      /* offered / connected agent, or NULL    */
	char agent[CENTER_ID_MAX + 1]; /* agent who answered, "" if none    */
	struct media_bridge *bridge;   /* caller <-> agent relay            */
	struct media_recorder *rec;    /* recording, or NULL                */
	char recording[512];       /* recording path, "" if none            */
	struct media_playlist *hold;   /* hold music playlist               */
	struct media_playlist *annc;   /* current announcement              */
	enum call_pending pend;    /* deferred engine input                 */
	char pend_agent[CENTER_ID_MAX + 1]; /* its agent                    */

	/* for the CDR: server-clock ms, 0 = not (yet) */
	uint64_t arrive, enter, offer, answer, end;
	enum store_hangup ended_by;
	enum store_outcome outcome;
	enum acd_exit_reason exit_reason;
	int64_t wait_ms;           /* in queue until answer/end             */
	int64_t talk_ms;           /* answer to end                         */
	struct media_leg_stats agent_st; /* the answering agent's leg, taken
				      when it is released                   */
	struct list listeners;     /* supervisors listening (codes.c)       */
};

static void agent_leg_release(struct call *c);
static void call_finish(struct call *c);

/* ---------------------------------------------------------------------
 * Lookups
 * ------------------------------------------------------------------- */

static bool call_cmp(struct le *le, void *arg)
{
	const struct call *c = le->data;
	const uint64_t *id = arg;

	return c->acd_id == *id;
}

static struct call *call_find(struct sipd *s, uint64_t acd_id)
{
	struct le *le = hash_lookup(s->calls, (uint32_t)acd_id, call_cmp,
				    &acd_id);

	return le ? le->data : NULL;
}

/* Tells every listener the call is over (they free their listen). */
static void listeners_end(struct call *c)
{
	struct le *le;

	while ((le = list_head(&c->listeners))) {
		list_unlink(le);
		codes_listen_gone(le->data);
	}
}

int sipd_call_parties(struct sipd *s, uint64_t acd_call,
		      const char **callerp, const char **didp)
{
	const struct call *c;

	if (!s || !acd_call || !callerp || !didp)
		return EINVAL;
	c = call_find(s, acd_call);
	if (!c || c->state == CALL_ENDED)
		return ENOENT;
	*callerp = c->caller;
	*didp = c->did ? c->did->number : NULL;
	return 0;
}

int sipd_call_ref(struct sipd *s, uint64_t acd_call, const char **idp,
		  const char **callerp, const char **didp)
{
	const struct call *c;

	if (!s || !acd_call || !idp || !callerp || !didp)
		return EINVAL;
	c = call_find(s, acd_call);
	if (!c)
		return ENOENT;
	*idp = c->id;
	*callerp = c->caller[0] ? c->caller : NULL;
	*didp = c->did ? c->did->number : NULL;
	return 0;
}

static void call_destructor(void *arg)
{
	struct call *c = arg;

	listeners_end(c);
	list_unlink(&c->le);
	hash_unlink(&c->he);
	list_unlink(&c->dle);
	list_unlink(&c->ile);
	mem_deref(c->ivr_pl);
	if (c->al) {
		c->al->c = NULL;
		mem_deref(c->al);
	}
	mem_deref(c->rec);
	mem_deref(c->bridge);
	mem_deref(c->hold);
	mem_deref(c->annc);
	mem_deref(c->leg);
	mem_deref(c->sess);
	mem_deref(c->skills);
}

static void agent_leg_destructor(void *arg)
{
	struct agent_leg *al = arg;

	mem_deref(al->sess);
	mem_deref(al->leg);
}

/* ---------------------------------------------------------------------
 * The record
 * ------------------------------------------------------------------- */

static int64_t wall_or_0(const struct sipd *s, uint64_t t)
{
	return t ? sipd_wall(s, t) : 0;
}

static void cdr_put(struct call *c)
{
	struct sipd *s = c->s;
	struct store_cdr cdr;
	int err;

	if (!s->conf.store)
		return;
	memset(&cdr, 0, sizeof(cdr));
	cdr.call_id = c->id;
	cdr.acd_call = c->acd_id;
	cdr.tenant = c->queue ? c->queue->tenant
			      : (c->did ? c->did->tenant : "-");
	cdr.did = c->did ? c->did->number : NULL;
	cdr.caller = c->caller[0] ? c->caller : NULL;
	cdr.arrive_ms = wall_or_0(s, c->arrive);
	cdr.enter_ms = wall_or_0(s, c->enter);
	cdr.offer_ms = wall_or_0(s, c->offer);
	cdr.answer_ms = wall_or_0(s, c->answer);
	cdr.end_ms = wall_or_0(s, c->end);
	cdr.ended_by = c->ended_by;
	cdr.agent = c->agent[0] ? c->agent : NULL;
	cdr.queue = c->queue ? c->queue->id : NULL;
	cdr.wait_ms = c->wait_ms;
	cdr.talk_ms = c->talk_ms;
	cdr.outcome = c->outcome;
	cdr.exit_reason = c->exit_reason;
	cdr.recording = c->recording[0] ? c->recording : NULL;
	err = store_cdr_put(s->conf.store, &cdr);
	if (err)
		sipd_log("event=store-error what=cdr call=%s err=%m why=\"%s\"",
			 c->id, err, store_errmsg(s->conf.store));
}

/* ---------------------------------------------------------------------
 * Media helpers
 * ------------------------------------------------------------------- */

static void hold_start(struct call *c);

static void annc_end(struct media_leg *leg, void *arg)
{
	struct call *c = arg;
	(void)leg;

	c->annc = mem_deref(c->annc);
	if (c->state == CALL_QUEUED)
		hold_start(c);
}

static void hold_start(struct call *c)
{
	const char *name;
	int err;

	if (!c->leg || !c->queue)
		return;
	if (!c->hold) {
		name = c->queue->hold_music;
		if (!name || !strcmp(name, "default"))
			name = "moh/default.wav";
		err = media_playlist_alloc(&c->hold);
		if (!err)
			err = media_playlist_add(c->hold, name);
		if (err) {
			c->hold = mem_deref(c->hold);
			return;
		}
	}
	err = media_play(c->leg, c->hold, true, NULL, NULL);
	if (err)
		sipd_log("event=media-error call=%s what=hold err=%m", c->id,
			 err);
}

static void announce(struct call *c, const struct acd_event *ev)
{
	struct media_playlist *pl = NULL;
	int err;

	if (!c->leg || c->state != CALL_QUEUED)
		return;
	err = media_announce_position(center_lang_name(c->lang),
				      ev->position_in_line,
				      ev->expected_wait_ms, &pl);
	if (!err)
		err = media_play(c->leg, pl, false, annc_end, c);
	if (err) {
		mem_deref(pl);
		return;
	}
	mem_deref(c->annc);
	c->annc = pl;
}

/* ---------------------------------------------------------------------
 * The agent's leg
 * ------------------------------------------------------------------- */

static int agent_answer_h(const struct sip_msg *msg, void *arg)
{
	struct agent_leg *al = arg;
	uint8_t pt, te;
	struct sa raddr;
	int err;

	if (!al->c || !mbuf_get_left(msg->mb))
		return 0;
	err = sdp_pick(msg->mb, &pt, &te, &raddr);
	if (err) {
		sipd_log("event=agent-bad-sdp call=%s agent=%s err=%m",
			 al->c->id, al->agent, err);
		return err;
	}
	al->pt = pt;
	al->te_pt = te;
	return media_leg_set_remote(al->leg, &raddr, pt, te);
}

/* ---------------------------------------------------------------------
 * Re-INVITEs (hold, resume, refresh, address or codec change)
 * ------------------------------------------------------------------- */

/* Reads a re-offer for a leg and applies it: the leg's remote address
 * and codec, then our answer (same port, the peer's direction mirrored).
 * An offer without SDP (a late-offer re-INVITE, e.g. a session refresh)
 * is answered with our current SDP as an offer; its answer comes in the
 * ACK (the leg's answer handler). No common codec or bad SDP: an error,
 * so libre replies 488 and nothing changes. *pt / *te_pt are the leg's
 * codec, updated on success. */
static int leg_reoffer(struct mbuf **descp, const struct sip_msg *msg,
		       struct media_leg *leg, uint8_t *pt, uint8_t *te_pt,
		       const char *call_id, const char *who,
		       struct sdp_reoffer *ro)
{
	int err;

	if (!mbuf_get_left(msg->mb)) {
		/* ours again, both G.711 codecs, current one first */
		memset(ro, 0, sizeof(*ro));
		ro->answer_dir = SDP_SENDRECV;
		sipd_log("event=reinvite call=%s by=%s sdp=none", call_id,
			 who);
		return sdp_build(descp, media_leg_laddr(leg),
				 media_leg_port(leg), *pt,
				 *te_pt, true);
	}
	if (msg->ctyp.type.l &&
	    (pl_strcasecmp(&msg->ctyp.type, "application") ||
	     pl_strcasecmp(&msg->ctyp.subtype, "sdp"))) {
		sipd_log("event=reinvite-refused call=%s by=%s why=not-sdp",
			 call_id, who);
		return EPROTO;
	}
	err = sdp_reoffer_read(msg->mb, ro);
	if (err) {
		sipd_log("event=reinvite-refused call=%s by=%s why=%s",
			 call_id, who,
			 err == ENOENT ? "no-common-codec" : "bad-sdp");
		/* libre answers 488 with the error's text as the reason:
		 * "Operation not supported" reads better than ENOENT's */
		return err == ENOENT ? ENOTSUP : err;
	}
	/* the answer first: if it cannot be written nothing has changed */
	err = sdp_build_dir(descp, media_leg_laddr(leg), media_leg_port(leg),
			    ro->pt, ro->te_pt, false,
			    ro->answer_dir);
	if (err)
		return err;
	/* c=0.0.0.0 keeps the address we had (and the codec with it) */
	if (!ro->zero_addr) {
		err = media_leg_set_remote(leg, &ro->raddr, ro->pt, ro->te_pt);
		if (err) {
			*descp = mem_deref(*descp);
			return err;
		}
		*pt = ro->pt;
		*te_pt = ro->te_pt;
	}
	sipd_log("event=reinvite call=%s by=%s codec=%s dir=%s addr=%J",
		 call_id, who, ro->pt == MEDIA_PT_PCMA ? "PCMA" : "PCMU",
		 sdp_dir_name(ro->answer_dir), &ro->raddr);
	return 0;
}

/* The agent's phone holds: the caller hears the queue's hold music
 * instead of the agent; on resume the bridge is made again. */
static void agent_hold(struct call *c, struct agent_leg *al, bool hold)
{
	int err;

	if (al->held == hold || c->state != CALL_CONNECTED || c->al != al)
		return;
	al->held = hold;
	if (hold) {
		c->bridge = mem_deref(c->bridge);
		hold_start(c);
		sipd_log("event=hold call=%s by=agent agent=%s", c->id,
			 al->agent);
		return;
	}
	media_play_stop(c->leg);
	err = media_bridge(&c->bridge, c->leg, al->leg);
	if (err)
		sipd_log("event=media-error call=%s what=bridge err=%m",
			 c->id, err);
	sipd_log("event=resume call=%s by=agent agent=%s", c->id, al->agent);
}

static int agent_offer_h(struct mbuf **descp, const struct sip_msg *msg,
			 void *arg)
{
	struct agent_leg *al = arg;
	struct sdp_reoffer ro;
	int err;

	if (!al->c)
		return ENOENT;
	err = leg_reoffer(descp, msg, al->leg, &al->pt, &al->te_pt,
			  al->c->id, "agent", &ro);
	if (err)
		return err;
	if (al->answered)
		agent_hold(al->c, al, ro.hold);
	return 0;
}

/* The caller's answer to the offer we put in a 200 to a late-offer
 * re-INVITE (it comes in the ACK). */
static int caller_answer_h(const struct sip_msg *msg, void *arg)
{
	struct call *c = arg;
	uint8_t pt, te;
	struct sa raddr;
	int err;

	if (c->state == CALL_ENDED || !mbuf_get_left(msg->mb))
		return 0;
	err = sdp_pick(msg->mb, &pt, &te, &raddr);
	if (err) {
		sipd_log("event=caller-bad-sdp call=%s err=%m", c->id, err);
		return 0;   /* keep the call on what it had */
	}
	if (media_leg_set_remote(c->leg, &raddr, pt, te))
		return 0;
	c->pt = pt;
	c->te_pt = te;
	return 0;
}

/* The caller's phone re-offers. On hold we keep relaying rather than
 * cut the bridge: what we would send is the agent's voice, which the
 * holding phone discards (and a stream that goes on keeps NATs and SBC
 * media timers open; many trunks tear a call down after 30-60 s without
 * RTP, whatever the direction), while the caller's own hold music, if
 * its phone plays one, still reaches the agent. That is what a B2BUA
 * that does not own the hold (Asterisk with moh passthrough, most SBCs)
 * does; the agent simply hears what the caller's phone sends. */
static int caller_offer_h(struct mbuf **descp, const struct sip_msg *msg,
			  void *arg)
{
	struct call *c = arg;
	struct sdp_reoffer ro;
	int err;

	if (c->state == CALL_ENDED)
		return ENOENT;
	err = leg_reoffer(descp, msg, c->leg, &c->pt, &c->te_pt, c->id,
			  "caller", &ro);
	if (err)
		return err;
	if (mbuf_get_left(msg->mb) && ro.hold != c->caller_held) {
		c->caller_held = ro.hold;
		sipd_log("event=%s call=%s by=caller", ro.hold ? "hold"
			 : "resume", c->id);
	}
	return 0;
}

static void agent_progress_h(const struct sip_msg *msg, void *arg)
{
	struct agent_leg *al = arg;

	if (!al->c)
		return;
	if (mbuf_get_left(msg->mb))
		(void)agent_answer_h(msg, arg);
}

static void agent_estab_h(const struct sip_msg *msg, void *arg)
{
	struct agent_leg *al = arg;
	struct call *c = al->c;
	struct sipd *s;
	int err;
	(void)msg;

	if (!c)
		return;
	s = c->s;
	al->answered = true;
	err = acd_offer_accept(s->acd, (acd_ms_t)sipd_now(), c->acd_id,
			       al->agent);
	if (err) {
		sipd_log("event=accept-refused call=%s agent=%s why=\"%s\"",
			 c->id, al->agent, acd_errmsg(s->acd));
		if (c->al == al)
			agent_leg_release(c);
	}
	sipd_acd_rearm(s);
}

static void agent_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct agent_leg *al = arg;
	struct call *c = al->c;
	struct sipd *s;
	acd_ms_t now = (acd_ms_t)sipd_now();
	uint16_t scode = msg ? msg->scode : 0;

	if (!c)
		return;
	s = c->s;
	if (al->answered) {
		sipd_log("event=hangup call=%s by=agent agent=%s", c->id,
			 al->agent);
		if (c->state == CALL_CONNECTED) {
			c->ended_by = STORE_HANGUP_AGENT;
			(void)acd_call_hangup(s->acd, now, c->acd_id,
					      ACD_PARTY_AGENT);
		}
	}
	else if (!err && (scode == 486 || scode == 600 || scode == 603)) {
		sipd_log("event=offer-declined call=%s agent=%s status=%u",
			 c->id, al->agent, scode);
		(void)acd_offer_decline(s->acd, now, c->acd_id, al->agent);
	}
	else if (!err && (scode == 488 || scode == 606)) {
		/* the phone cannot take the call's media (no common codec):
		 * not the agent's doing, so not a missed call nor a decline;
		 * the engine offers the call to the others first (the store
		 * shows an offer-failed event) */
		sipd_log("event=offer-failed call=%s agent=%s status=%u "
			 "why=no-common-codec missed=no", c->id, al->agent,
			 scode);
		(void)acd_offer_fail(s->acd, now, c->acd_id, al->agent);
	}
	else {
		sipd_log("event=offer-failed call=%s agent=%s status=%u err=%m "
			 "why=no-answer missed=yes", c->id, al->agent, scode,
			 err);
		(void)acd_offer_no_answer(s->acd, now, c->acd_id, al->agent);
	}
	/* the engine's event released the leg; make sure */
	if (c->al == al)
		agent_leg_release(c);
	sipd_acd_rearm(s);
}

/* Drops the agent's leg: CANCEL or BYE as its state needs (from the next
 * tick: we may be inside one of its callbacks). */
static void agent_leg_release(struct call *c)
{
	struct agent_leg *al = c->al;

	if (!al)
		return;
	if (al->answered && al->leg)
		media_leg_stats_get(al->leg, &c->agent_st);
	c->al = NULL;
	al->c = NULL;
	listeners_end(c);
	c->bridge = mem_deref(c->bridge);
	c->rec = mem_deref(c->rec);
	sipd_trash(c->s, al);
}

/* Postpones an engine input to the next tick. */
static void call_defer(struct call *c, enum call_pending p,
		       const char *agent)
{
	c->pend = p;
	str_ncpy(c->pend_agent, agent, sizeof(c->pend_agent));
	if (!list_contains(&c->s->deferred, &c->dle))
		list_append(&c->s->deferred, &c->dle, c);
	sipd_defer_kick(c->s);
}

void call_run_deferred(struct sipd *s)
{
	struct le *le;

	while ((le = list_head(&s->deferred))) {
		struct call *c = le->data;
		enum call_pending p = c->pend;

		list_unlink(&c->dle);
		c->pend = PEND_NONE;
		if (c->state == CALL_ENDED)
			continue;
		if (p == PEND_NO_ANSWER)
			(void)acd_offer_no_answer(s->acd, (acd_ms_t)sipd_now(),
						  c->acd_id, c->pend_agent);
	}
}

/* The engine offers the call to an agent: ring the agent's phone. */
static void offer(struct call *c, const char *agent)
{
	struct sipd *s = c->s;
	struct acd_agent_info ai;
	const struct center_position *pos;
	const struct registration *r;
	struct agent_leg *al = NULL;
	struct mbuf *desc = NULL;
	char from[96], name[80];
	int err;

	if (!c->offer)
		c->offer = sipd_now();
	if (c->al)
		agent_leg_release(c);

	err = acd_agent_info(s->acd, agent, &ai);
	pos = err || !ai.position ? NULL
		: center_position_find(s->conf.center, ai.position);
	r = pos ? registrar_find(s->reg, pos->sip_user, sipd_now()) : NULL;
	if (!r) {
		sipd_log("event=offer-unreachable call=%s agent=%s "
			 "position=%s", c->id, agent,
			 ai.position ? ai.position : "-");
		call_defer(c, PEND_NO_ANSWER, agent);
		return;
	}

	al = mem_zalloc(sizeof(*al), agent_leg_destructor);
	if (!al) {
		call_defer(c, PEND_NO_ANSWER, agent);
		return;
	}
	al->c = c;
	str_ncpy(al->agent, agent, sizeof(al->agent));
	re_snprintf(name, sizeof(name), "call %s agent %s", c->id, agent);
	err = media_leg_alloc(&al->leg, s->conf.media, name);
	if (err)
		goto out;
	/* the caller's codec first, the other G.711 after it: a phone that
	 * has only the other one is answered and the relay transcodes */
	err = sdp_build(&desc, media_leg_laddr(al->leg),
			media_leg_port(al->leg), c->pt, c->te_pt ? 101 : 0,
			true);
	if (err)
		goto out;
	re_snprintf(from, sizeof(from), "sip:plateau@%s", s->host);
	err = sipsess_connect(&al->sess, s->ssock, r->contact,
			      c->caller[0] ? c->caller : NULL, from,
			      "plateau", NULL, 0, "application/sdp", desc,
			      NULL, NULL, false, agent_offer_h, agent_answer_h,
			      agent_progress_h, agent_estab_h, NULL, NULL,
			      agent_close_h, al,
			      "X-Plateau-Call: %s\r\n"
			      "X-Plateau-Queue: %s\r\n", c->id, c->queue->id);
out:
	mem_deref(desc);
	if (err) {
		sipd_log("event=offer-failed call=%s agent=%s err=%m", c->id,
			 agent, err);
		al->c = NULL;
		sipd_trash(s, al);
		call_defer(c, PEND_NO_ANSWER, agent);
		return;
	}
	c->al = al;
	sipd_log("event=offer call=%s agent=%s contact=%s", c->id, agent,
		 r->contact);
}

/* The agent answered and the engine agreed: bridge and record. */
static void connect_legs(struct call *c)
{
	struct sipd *s = c->s;
	struct mbuf *desc = NULL;
	int err;

	c->state = CALL_CONNECTED;
	c->answer = sipd_now();
	if (c->al)
		str_ncpy(c->agent, c->al->agent, sizeof(c->agent));
	media_play_stop(c->leg);
	c->annc = mem_deref(c->annc);

	if (c->early && !c->caller_answered) {
		err = sdp_build(&desc, media_leg_laddr(c->leg),
				media_leg_port(c->leg), c->pt, c->te_pt, false);
		if (!err)
			err = sipsess_answer(c->sess, 200, "OK", desc, NULL);
		mem_deref(desc);
		if (err)
			sipd_log("event=answer-failed call=%s err=%m", c->id,
				 err);
		c->caller_answered = true;
	}
	if (!c->al)
		return;
	err = media_bridge(&c->bridge, c->leg, c->al->leg);
	if (err)
		sipd_log("event=media-error call=%s what=bridge err=%m",
			 c->id, err);
	if (c->queue->record && s->conf.data_dir) {
		char dir[400];

		re_snprintf(dir, sizeof(dir), "%s/recordings",
			    s->conf.data_dir);
		(void)mkdir(dir, 0750);
		re_snprintf(c->recording, sizeof(c->recording), "%s/%s.wav",
			    dir, c->id);
		err = media_record_start(&c->rec, c->leg, c->al->leg,
					 c->recording);
		if (err) {
			sipd_log("event=media-error call=%s what=record "
				 "err=%m", c->id, err);
			c->recording[0] = '\0';
		}
	}
	sipd_log("event=connect call=%s agent=%s queue=%s codec=%s "
		 "agent_codec=%s", c->id, c->agent, c->queue->id,
		 c->pt == MEDIA_PT_PCMA ? "PCMA" : "PCMU",
		 c->al->pt == MEDIA_PT_PCMA ? "PCMA" : "PCMU");
}

bool call_mixed(struct sipd *s, uint64_t acd_call)
{
	struct call *c = s ? call_find(s, acd_call) : NULL;

	if (!c || c->state != CALL_CONNECTED || !c->al)
		return false;
	return media_leg_mixed(c->leg) || media_leg_mixed(c->al->leg);
}

int call_listen(struct sipd *s, uint64_t acd_call, struct media_leg *sup,
		enum media_monitor_mode mode, struct le *lle, void *listener,
		struct media_listen **lp)
{
	struct call *c;
	int err;

	if (!s || !sup || !lle || !lp)
		return EINVAL;
	c = call_find(s, acd_call);
	if (!c || c->state != CALL_CONNECTED || !c->al || !c->al->leg)
		return ENOTCONN;
	err = media_monitor(lp, c->leg, c->al->leg, sup, mode);
	if (err)
		return err;
	list_append(&c->listeners, lle, listener);
	return 0;
}

/* ---------------------------------------------------------------------
 * Ending
 * ------------------------------------------------------------------- */

/* Terminal: write the record, release both legs, free from next tick. */
static void call_finish(struct call *c)
{
	struct sipd *s = c->s;
	struct media_leg_stats cst;

	if (c->state == CALL_ENDED)
		return;
	c->state = CALL_ENDED;
	c->end = sipd_now();
	list_unlink(&c->ile);
	if (c->answer)
		c->talk_ms = (int64_t)(c->end - c->answer);
	agent_leg_release(c);
	memset(&cst, 0, sizeof(cst));
	if (c->leg)
		media_leg_stats_get(c->leg, &cst);
	cdr_put(c);
	sipd_log("event=call-end call=%s outcome=%s by=%s queue=%s agent=%s "
		 "wait_ms=%lld talk_ms=%lld caller_rx=%llu caller_tx=%llu "
		 "caller_stray=%llu agent_rx=%llu agent_tx=%llu "
		 "agent_stray=%llu", c->id,
		 store_outcome_name(c->outcome),
		 store_hangup_name(c->ended_by),
		 c->queue ? c->queue->id : "-", c->agent[0] ? c->agent : "-",
		 (long long)c->wait_ms, (long long)c->talk_ms,
		 (unsigned long long)cst.rx_packets,
		 (unsigned long long)cst.tx_packets,
		 (unsigned long long)cst.rx_stray,
		 (unsigned long long)c->agent_st.rx_packets,
		 (unsigned long long)c->agent_st.tx_packets,
		 (unsigned long long)c->agent_st.rx_stray);
	s->stats.rtp_stray += cst.rx_stray + c->agent_st.rx_stray;
	s->stats.calls_done++;
	s->stats.calls_active--;
	/* the caller's session is freed with the call: BYE if answered,
	 * else a final answer */
	if (c->sess && !c->caller_answered && c->ended_by != STORE_HANGUP_CALLER)
		(void)sipsess_reject(c->sess, 480, "Temporarily Unavailable",
				     NULL);
	hash_unlink(&c->he);
	list_unlink(&c->le);   /* no longer live: only the trash owns it */
	sipd_trash(s, c);
	sipd_drain_check(s);
}

static void caller_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct call *c = arg;
	struct sipd *s = c->s;
	(void)msg;

	if (c->state == CALL_ENDED)
		return;
	sipd_log("event=hangup call=%s by=caller err=%m", c->id, err);
	c->ended_by = STORE_HANGUP_CALLER;
	c->caller_answered = true;  /* nothing more to send it */
	if (c->state == CALL_FAREWELL) {
		/* the engine is done with it: the outcome stays (exited) */
		call_finish(c);
		return;
	}
	if (acd_call_hangup(s->acd, (acd_ms_t)sipd_now(), c->acd_id,
			    ACD_PARTY_CALLER)) {
		c->outcome = STORE_OUTCOME_ABANDONED;
		call_finish(c);
	}
	sipd_acd_rearm(s);
}

/* ---------------------------------------------------------------------
 * Exit prompts
 * ------------------------------------------------------------------- */

static void farewell_end(struct media_leg *leg, void *arg)
{
	struct call *c = arg;
	(void)leg;

	if (c->state == CALL_FAREWELL)
		call_finish(c);
}

/* The prompt telling a caller why the queue let them go. */
static const char *exit_prompt(enum acd_exit_reason why)
{
	switch (why) {

	case ACD_EXIT_FULL:    return "exit_full";
	case ACD_EXIT_EMPTY:   return "exit_closed";
	case ACD_EXIT_TIMEOUT: return "exit_timeout";
	default:               return "goodbye";
	}
}

/* The engine took the call out of its queue (full, no agent, waited too
 * long, a key to leave) or refused it: the caller hears why in the
 * call's language (the DID's or the IVR's `lang`: fr, ar, en, de, es),
 * then the call ends (BYE; 480 after early media). With no media to the
 * caller, or a prompt that does not load, it ends at once. */
static void call_farewell(struct call *c, const char *prompt)
{
	struct media_playlist *pl = NULL;
	char name[64];
	int err;

	if (!c->leg || (!c->caller_answered && !c->early)) {
		call_finish(c);
		return;
	}
	re_snprintf(name, sizeof(name), "%s/%s.wav",
		    center_lang_name(c->lang), prompt);
	err = media_playlist_alloc(&pl);
	if (!err)
		err = media_playlist_add(pl, name);
	if (!err)
		err = media_play(c->leg, pl, false, farewell_end, c);
	if (err) {
		sipd_log("event=media-error call=%s what=exit-prompt file=%s "
			 "err=%m", c->id, name, err);
		mem_deref(pl);
		call_finish(c);
		return;
	}
	agent_leg_release(c);
	mem_deref(c->annc);
	c->annc = pl;
	c->state = CALL_FAREWELL;
	sipd_log("event=exit-prompt call=%s queue=%s lang=%s prompt=%s",
		 c->id, c->queue ? c->queue->id : "-",
		 center_lang_name(c->lang), prompt);
}

/* ---------------------------------------------------------------------
 * IVR
 * ------------------------------------------------------------------- */

static void ivr_apply(struct call *c, const struct ivr_action *act);
static void call_enqueue(struct call *c, const struct center_queue *q,
			 const char *skills);

static void ivr_prompt_end(struct media_leg *leg, void *arg)
{
	struct call *c = arg;
	struct ivr_action act;
	(void)leg;

	if (c->state != CALL_IVR)
		return;
	if (!ivr_prompt_done(&c->ivr, (int64_t)sipd_now(), &act))
		ivr_apply(c, &act);
}

static void ivr_play(struct call *c, const struct ivr_action *act)
{
	char name[96];
	struct media_playlist *pl = NULL;
	int err;

	err = media_playlist_alloc(&pl);
	if (!err && act->invalid) {
		re_snprintf(name, sizeof(name), "%s/invalid.wav",
			    center_lang_name(act->lang));
		err = media_playlist_add(pl, name);
	}
	if (!err && act->prompt) {
		err = ivr_prompt_name(name, sizeof(name), act->lang,
				      act->prompt);
		if (!err)
			err = media_playlist_add(pl, name);
	}
	if (!err)
		err = media_play(c->leg, pl, false, ivr_prompt_end, c);
	if (err) {
		struct ivr_action next;

		/* no prompt to play: the wait for a key starts now */
		sipd_log("event=media-error call=%s what=ivr-prompt err=%m",
			 c->id, err);
		mem_deref(pl);
		if (!ivr_prompt_done(&c->ivr, (int64_t)sipd_now(), &next))
			ivr_apply(c, &next);
		return;
	}
	mem_deref(c->ivr_pl);
	c->ivr_pl = pl;
}

static void ivr_apply(struct call *c, const struct ivr_action *act)
{
	const struct center_queue *q;

	switch (act->type) {

	case IVR_ACT_PLAY:
		sipd_log("event=ivr-menu call=%s menu=%s lang=%s", c->id,
			 act->menu ? act->menu->id : "-",
			 center_lang_name(act->lang));
		ivr_play(c, act);
		break;

	case IVR_ACT_ROUTE:
		list_unlink(&c->ile);
		c->lang = act->lang;
		q = center_queue_find(c->s->conf.center, act->queue);
		sipd_log("event=ivr-route call=%s queue=%s lang=%s", c->id,
			 act->queue, center_lang_name(act->lang));
		if (!q) {
			c->ended_by = STORE_HANGUP_SYSTEM;
			call_finish(c);
			break;
		}
		media_play_stop(c->leg);
		call_enqueue(c, q, act->skills);
		break;

	case IVR_ACT_HANGUP:
		sipd_log("event=ivr-hangup call=%s", c->id);
		c->ended_by = STORE_HANGUP_SYSTEM;
		c->outcome = STORE_OUTCOME_FAILED;
		call_finish(c);
		break;

	default:
		break;
	}
}

/* A key from the caller (RFC 4733 or SIP INFO). */
static void call_key(struct call *c, char digit, const char *via)
{
	struct ivr_action act;

	sipd_log("event=dtmf call=%s digit=%c via=%s", c->id, digit, via);
	if (c->state != CALL_IVR)
		return;
	media_play_stop(c->leg);   /* barge-in */
	if (!ivr_key(&c->ivr, digit, (int64_t)sipd_now(), &act))
		ivr_apply(c, &act);
}

static void leg_dtmf_h(struct media_leg *leg, char digit, void *arg)
{
	(void)leg;
	call_key(arg, digit, "rtp");
}

void call_ivr_tick(struct sipd *s)
{
	struct le *le = list_head(&s->ivrl);
	int64_t now = (int64_t)sipd_now();

	while (le) {
		struct call *c = le->data;
		struct ivr_action act;

		le = le->next;
		if (ivr_deadline(&c->ivr) > now)
			continue;
		if (!ivr_tick(&c->ivr, now, &act))
			ivr_apply(c, &act);
	}
}

static void caller_info_h(struct sip *sip, const struct sip_msg *msg,
			  void *arg)
{
	struct call *c = arg;
	char digit;
	uint32_t dur;
	int err;

	if (c->state == CALL_ENDED) {
		(void)sip_reply(sip, msg, 481, "Call Does Not Exist");
		return;
	}
	if (!msg->ctyp.type.p || !msg->ctyp.subtype.p) {
		(void)sip_reply(sip, msg, 415, "Unsupported Media Type");
		return;
	}
	err = media_dtmf_info_parse(msg->ctyp.type.p,
				    msg->ctyp.type.l + 1 + msg->ctyp.subtype.l,
				    (const char *)mbuf_buf(msg->mb),
				    mbuf_get_left(msg->mb), &digit, &dur);
	if (err == EPROTONOSUPPORT) {
		(void)sip_reply(sip, msg, 415, "Unsupported Media Type");
		return;
	}
	if (err) {
		(void)sip_reply(sip, msg, 400, "Bad DTMF");
		return;
	}
	(void)sip_reply(sip, msg, 200, "OK");
	call_key(c, digit, "info");
}

/* ---------------------------------------------------------------------
 * The engine's events
 * ------------------------------------------------------------------- */

/* Appends the event with the call's id (the CDR's call_id), so events
 * and CDRs join across restarts; the engine's call number restarts. */
static void store_event(struct sipd *s, const struct acd_event *ev,
			const struct call *c)
{
	int err;

	if (!s->conf.store)
		return;
	err = store_event_append_call(s->conf.store, ev, c ? c->id : NULL);
	if (err && err != EAGAIN)
		sipd_log("event=store-error what=event err=%m", err);
}

void call_acd_event(const struct acd_event *ev, void *arg)
{
	struct sipd *s = arg;
	struct call *c = NULL;

	if (ev->call) {
		c = call_find(s, ev->call);
		/* the first event of a call arriving names its number (an
		 * agent's state change may name an older call) */
		if (!c && ev->type != ACD_EV_AGENT_STATE && s->arriving &&
		    !s->arriving->acd_id) {
			c = s->arriving;
			c->acd_id = ev->call;
			hash_append(s->calls, (uint32_t)ev->call, &c->he, c);
		}
	}
	store_event(s, ev, c);
	if (s->conf.event_h)
		s->conf.event_h(ev, s->conf.event_arg);

	if (ev->type == ACD_EV_AGENT_STATE) {
		sipd_log("event=agent-state agent=%s state=%s old=%s "
			 "reason=%s", ev->agent,
			 acd_agent_state_name(ev->state),
			 acd_agent_state_name(ev->old_state),
			 ev->reason ? ev->reason : "-");
		return;
	}
	if (!c || c->state == CALL_ENDED)
		return;

	switch (ev->type) {

	case ACD_EV_CALL_ENTER:
		if (!c->enter)
			c->enter = sipd_now();
		c->queue = center_queue_find(s->conf.center, ev->queue);
		break;

	case ACD_EV_OFFER:
		offer(c, ev->agent);
		break;

	case ACD_EV_OFFER_STOP:
	case ACD_EV_OFFER_NO_ANSWER:
	case ACD_EV_OFFER_DECLINED:
	case ACD_EV_OFFER_FAILED:
		if (c->al && !strcmp(c->al->agent, ev->agent))
			agent_leg_release(c);
		break;

	case ACD_EV_CONNECT:
		c->wait_ms = ev->wait_ms;
		connect_legs(c);
		break;

	case ACD_EV_ABANDON:
		c->wait_ms = ev->wait_ms;
		c->outcome = STORE_OUTCOME_ABANDONED;
		c->ended_by = STORE_HANGUP_CALLER;
		call_finish(c);
		break;

	case ACD_EV_EXIT:
		c->wait_ms = ev->wait_ms;
		c->outcome = STORE_OUTCOME_EXITED;
		c->exit_reason = ev->exit_reason;
		c->ended_by = STORE_HANGUP_SYSTEM;
		call_farewell(c, exit_prompt(ev->exit_reason));
		break;

	case ACD_EV_COMPLETE:
		c->outcome = STORE_OUTCOME_ANSWERED;
		if (c->cut)
			c->ended_by = STORE_HANGUP_SYSTEM;
		else
			c->ended_by = ev->ended_by == ACD_PARTY_AGENT
				? STORE_HANGUP_AGENT : STORE_HANGUP_CALLER;
		call_finish(c);
		break;

	case ACD_EV_ANNOUNCE:
		announce(c, ev);
		break;

	default:
		break;
	}
}

/* ---------------------------------------------------------------------
 * A new INVITE
 * ------------------------------------------------------------------- */

static void resp_set(struct sipd_resp *resp, uint16_t scode,
		     const char *reason, const char *why)
{
	resp->scode = scode;
	resp->reason = reason;
	resp->hdrs[0] = '\0';
	resp->why = why;
}

static const struct center_did *did_lookup(const struct center *ctr,
					   const struct pl *user)
{
	char num[CENTER_ID_MAX + 2];

	if (!user->l || user->l >= CENTER_ID_MAX)
		return NULL;
	pl_strcpy(user, num + 1, sizeof(num) - 1);
	if (center_did_find(ctr, num + 1))
		return center_did_find(ctr, num + 1);
	if (num[1] == '+')
		return NULL;
	num[0] = '+';
	return center_did_find(ctr, num);
}

int call_invite_plan(struct sipd *s, const struct sip_msg *msg,
		     struct invite_plan *plan, struct sipd_resp *resp)
{
	const struct center_did *did;
	const struct center_queue *q;
	int err;

	if (!s || !msg || !plan || !resp)
		return EINVAL;
	memset(plan, 0, sizeof(*plan));
	resp_set(resp, 0, NULL, NULL);

	if (s->draining) {
		resp_set(resp, 503, "Service Unavailable", "draining");
		str_ncpy(resp->hdrs, "Retry-After: 30\r\n", sizeof(resp->hdrs));
		return EBUSY;
	}
	did = did_lookup(s->conf.center, &msg->uri.user);
	if (!did) {
		resp_set(resp, 404, "Not Found", "unknown-number");
		return ENOENT;
	}
	q = NULL;
	if (did->route.menu) {
		if (!center_ivr_find(s->conf.center, did->route.menu)) {
			resp_set(resp, 404, "Not Found", "no-menu");
			return ENOENT;
		}
		plan->menu = did->route.menu;
	}
	else {
		q = did->route.queue
			? center_queue_find(s->conf.center, did->route.queue)
			: NULL;
		if (!q) {
			resp_set(resp, 404, "Not Found", "no-queue");
			return ENOENT;
		}
	}
	if (!mbuf_get_left(msg->mb)) {
		resp_set(resp, 488, "Not Acceptable Here", "no-sdp-offer");
		return EPROTO;
	}
	if (msg->ctyp.type.l &&
	    (pl_strcasecmp(&msg->ctyp.type, "application") ||
	     pl_strcasecmp(&msg->ctyp.subtype, "sdp"))) {
		resp_set(resp, 415, "Unsupported Media Type", "not-sdp");
		str_ncpy(resp->hdrs, "Accept: application/sdp\r\n",
			 sizeof(resp->hdrs));
		return EPROTO;
	}
	err = sdp_pick(msg->mb, &plan->pt, &plan->te_pt, &plan->raddr);
	if (err == ENOENT) {
		resp_set(resp, 488, "Not Acceptable Here", "no-common-codec");
		return err;
	}
	if (err) {
		resp_set(resp, 400, "Bad SDP", "bad-sdp");
		return err;
	}
	plan->did = did;
	plan->queue = q;
	plan->skills = did->route.skills;
	plan->lang = did->route.has_language ? did->route.language
					     : did->language;
	if (q && !did->route.has_language)
		plan->lang = q->language;
	return 0;
}

/* Puts the call in queue q (from the DID or the IVR): hold music, then
 * the engine. On refusal the call ends. */
static void call_enqueue(struct call *c, const struct center_queue *q,
			 const char *skills)
{
	struct sipd *s = c->s;
	struct acd_call_params params;
	uint64_t id = 0;
	int err;

	c->state = CALL_QUEUED;
	c->queue = q;
	c->early = c->early && !c->caller_answered;
	if (skills && !c->skills) {
		if (str_dup(&c->skills, skills))
			c->skills = NULL;
	}
	hold_start(c);

	memset(&params, 0, sizeof(params));
	params.skills = c->skills;
	s->arriving = c;
	err = acd_call_arrive(s->acd, (acd_ms_t)sipd_now(), q->id, &params,
			      &id);
	s->arriving = NULL;
	if (err) {
		sipd_log("event=queue-refused call=%s queue=%s why=\"%s\"",
			 c->id, q->id, acd_errmsg(s->acd));
		c->ended_by = STORE_HANGUP_SYSTEM;
		call_farewell(c, "exit_closed");
	}
	sipd_acd_rearm(s);
}

static void ivr_tmr_handler(void *arg)
{
	struct sipd *s = arg;

	call_ivr_tick(s);
	sipd_acd_rearm(s);
	if (!list_isempty(&s->ivrl))
		tmr_start(&s->ivr_tmr, 200, ivr_tmr_handler, s);
}

void call_incoming(const struct sip_msg *msg, void *arg)
{
	struct sipd *s = arg;
	struct invite_plan plan;
	struct sipd_resp resp;
	struct call *c = NULL;
	struct mbuf *desc = NULL;
	char name[80];
	bool early;
	int err;

	if (msg->uri.user.l && msg->uri.user.p[0] == '*') {
		codes_incoming(s, msg);
		return;
	}
	err = call_invite_plan(s, msg, &plan, &resp);
	if (err) {
		sipd_reply(s, msg, &resp);
		sipd_log("event=invite-refused to=%r src=%J status=%u why=%s",
			 &msg->uri.user, &msg->src, resp.scode,
			 resp.why ? resp.why : "-");
		return;
	}
	if (!s->conf.media) {
		resp_set(&resp, 503, "Service Unavailable", "no-media");
		sipd_reply(s, msg, &resp);
		return;
	}

	c = mem_zalloc(sizeof(*c), call_destructor);
	if (!c) {
		err = ENOMEM;
		goto out;
	}
	c->s = s;
	c->arrive = sipd_now();
	c->did = plan.did;
	c->pt = plan.pt;
	c->te_pt = plan.te_pt;
	c->lang = plan.lang;
	/* the IVR needs the line answered; a queue may ask for early media */
	early = plan.queue && plan.queue->answer == CENTER_ANSWER_EARLY_MEDIA;
	c->early = early;
	c->outcome = STORE_OUTCOME_FAILED;
	re_snprintf(c->id, sizeof(c->id), "%08llx-%llu",
		    (unsigned long long)(s->boot_id & 0xffffffffu),
		    (unsigned long long)++s->call_seq);
	if (msg->from.uri.user.l < sizeof(c->caller))
		pl_strcpy(&msg->from.uri.user, c->caller, sizeof(c->caller));
	if (plan.skills) {
		err = str_dup(&c->skills, plan.skills);
		if (err)
			goto out;
	}
	list_append(&s->callsl, &c->le, c);
	s->stats.calls_active++;

	re_snprintf(name, sizeof(name), "call %s caller", c->id);
	err = media_leg_alloc(&c->leg, s->conf.media, name);
	if (err)
		goto out;
	media_leg_set_latch(c->leg, true);
	media_leg_dtmf_handler(c->leg, leg_dtmf_h, c);
	err = media_leg_set_remote(c->leg, &plan.raddr, plan.pt, plan.te_pt);
	if (err)
		goto out;
	err = sdp_build(&desc, media_leg_laddr(c->leg),
			media_leg_port(c->leg), plan.pt, plan.te_pt, false);
	if (err)
		goto out;
	err = sipsess_accept(&c->sess, s->ssock, msg,
			     early ? 183 : 200,
			     early ? "Session Progress" : "OK",
			     "plateau", "application/sdp", desc, NULL, NULL,
			     false, caller_offer_h, caller_answer_h, NULL,
			     caller_info_h, NULL, caller_close_h, c,
			     "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO\r\n");
	if (err)
		goto out;
	c->caller_answered = !early;
	s->stats.invites++;
	sipd_log("event=invite call=%s to=%s from=%s src=%J %s=%s codec=%s",
		 c->id, plan.did->number, c->caller[0] ? c->caller : "-",
		 &msg->src, plan.menu ? "menu" : "queue",
		 plan.menu ? plan.menu : plan.queue->id,
		 plan.pt == MEDIA_PT_PCMA ? "PCMA" : "PCMU");

	if (plan.menu) {
		struct ivr_action act;

		c->state = CALL_IVR;
		list_append(&s->ivrl, &c->ile, c);
		if (!tmr_isrunning(&s->ivr_tmr))
			tmr_start(&s->ivr_tmr, 200, ivr_tmr_handler, s);
		err = ivr_start(&c->ivr, s->conf.center, plan.menu, plan.lang,
				(int64_t)sipd_now(), &act);
		if (err) {
			c->ended_by = STORE_HANGUP_SYSTEM;
			call_finish(c);
			err = 0;
			goto out;
		}
		ivr_apply(c, &act);
	}
	else {
		call_enqueue(c, plan.queue, NULL);
	}
out:
	mem_deref(desc);
	if (err) {
		sipd_log("event=invite-failed to=%r src=%J err=%m",
			 &msg->uri.user, &msg->src, err);
		if (c && c->sess) {
			c->ended_by = STORE_HANGUP_SYSTEM;
			call_finish(c);
		}
		else {
			(void)sip_reply(s->sip, msg, 500,
					"Server Internal Error");
			if (c) {
				list_unlink(&c->le);
				s->stats.calls_active--;
				mem_deref(c);
			}
		}
	}
}

/* ---------------------------------------------------------------------
 * Shutdown
 * ------------------------------------------------------------------- */

void call_cut_all(struct sipd *s)
{
	struct le *le = list_head(&s->callsl);
	acd_ms_t now = (acd_ms_t)sipd_now();

	while (le) {
		struct call *c = le->data;

		le = le->next;
		if (c->state == CALL_ENDED)
			continue;
		/* the engine ends it as if the caller hung up: abandon
		 * before connect, complete after */
		c->cut = true;
		if (acd_call_hangup(s->acd, now, c->acd_id, ACD_PARTY_CALLER)) {
			c->ended_by = STORE_HANGUP_SYSTEM;
			call_finish(c);
		}
		else if (c->state != CALL_ENDED) {
			call_finish(c);
		}
	}
}

void call_flush(struct sipd *s)
{
	struct le *le;

	while ((le = list_head(&s->callsl))) {
		struct call *c = le->data;

		list_unlink(&c->le);
		mem_deref(c);
	}
}
