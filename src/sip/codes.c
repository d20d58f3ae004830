/* codes.c — dial codes from a position's phone: *11 agent login with a
 * PIN, *12 logout, *14 ready, *15 pause, *13 supervisor listen, *16
 * whisper, *17 barge. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "media/media.h"
#include "sip/sipd_int.h"

/*
 * A phone dials a code as the request-URI user of an INVITE: "*111001*4321"
 * is *11, agent number 1001, PIN 4321. The INVITE must carry the position's
 * own digest credentials (challenged with 407, like a proxy would): the
 * position is the phone's SIP user. The phone is answered (200), hears a
 * short prompt saying what happened, and the server hangs up (BYE) when
 * the prompt ends; a supervisor's *13 (listen), *16 (whisper: the agent
 * hears the supervisor, the caller does not) or *17 (barge: all three
 * hear each other) stays up until either side hangs up or the call
 * ends.
 *
 * PINs are checked against the agent's PBKDF2 hash on a worker thread
 * (tens of ms of CPU that must not stall the SIP loop); the answer comes
 * back through a libre mqueue. An unknown agent number is checked against
 * a decoy hash, so it costs the same time and gets the same answer as a
 * wrong PIN. After CODE_FAIL_MAX failures within CODE_FAIL_WINDOW_MS a
 * position gets that answer without any check for CODE_FAIL_BLOCK_MS.
 * A PIN is never logged; the request-URI of a code is never logged.
 */

#define CODE_USER_MAX       40     /* longest code with its digits       */
#define CODE_PIN_MIN        4      /* digits                             */
#define CODE_PIN_MAX        12
#define CODE_FAIL_MAX       5      /* failures that throttle a position  */
#define CODE_FAIL_WINDOW_MS 300000 /* within this time                   */
#define CODE_FAIL_BLOCK_MS  300000 /* how long the throttle lasts        */
#define CODE_FAIL_TRACKED   1024   /* positions tracked at most          */
#define CODE_JOBS_MAX       4      /* PIN checks running at once         */

enum code_kind {
	CODE_LOGIN = 0,            /* *11 NUMBER * PIN                      */
	CODE_LOGOUT,               /* *12                                   */
	CODE_LISTEN,               /* *13 NUMBER                            */
	CODE_READY,                /* *14                                   */
	CODE_PAUSE,                /* *15 [N]: pause reason N (1-based)     */
	CODE_WHISPER,              /* *16 NUMBER                            */
	CODE_BARGE,                /* *17 NUMBER                            */
};

static const char *const code_names[] = {
	"*11", "*12", "*13", "*14", "*15", "*16", "*17",
};

/* The supervisor codes' log names and media modes, by kind. */
static bool code_monitors(int kind)
{
	return kind == CODE_LISTEN || kind == CODE_WHISPER ||
	       kind == CODE_BARGE;
}

static const char *monitor_name(int kind)
{
	return kind == CODE_WHISPER ? "whisper" :
	       kind == CODE_BARGE ? "barge" : "listen";
}

static enum media_monitor_mode monitor_mode(int kind)
{
	return kind == CODE_WHISPER ? MEDIA_MONITOR_WHISPER :
	       kind == CODE_BARGE ? MEDIA_MONITOR_BARGE :
	       MEDIA_MONITOR_LISTEN;
}

/* One dial-code call from a phone. */
struct code_call {
	struct le le;              /* in sipd.codesl                        */
	struct le lle;             /* in the listened call's listeners      */
	struct sipd *s;            /* the server                            */
	uint64_t seq;              /* matches a PIN job's answer            */
	enum code_kind kind;       /* what was dialed                       */
	char position[CENTER_ID_MAX + 1]; /* the phone's position           */
	char user[65];             /* the phone's SIP user                  */
	char agent[CENTER_ID_MAX + 1]; /* agent concerned, "" if none       */
	enum center_lang lang;     /* language of the prompt                */
	struct sipsess *sess;      /* the phone's dialog                    */
	struct media_leg *leg;     /* our RTP endpoint towards the phone    */
	struct media_playlist *pl; /* the prompt playing                    */
	struct media_listen *listen; /* *13, *16, *17: the call monitored   */
	bool ended;                /* hung up or ending                     */
};

/* A PIN check handed to a worker thread: plain memory, no libre object
 * is touched off the loop. */
struct pin_job {
	uint64_t seq;              /* the code call it answers              */
	char hash[192];            /* the agent's (or the decoy) PIN hash   */
	char pin[CODE_PIN_MAX + 1];/* the PIN dialed; wiped after the check */
	struct mqueue *mq;         /* where the answer goes                 */
	bool ok;                   /* the PIN matched                       */
};

/* Failures of one position. */
struct pin_fails {
	struct le le;              /* in sipd.pinfails                      */
	char user[65];             /* the phone's SIP user                  */
	unsigned n;                /* failures in the window                */
	uint64_t first;            /* first failure of the window, ms       */
	uint64_t until;            /* throttled until, ms (0 = not)         */
};

static void code_end(struct code_call *cc);

/* ---------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------- */

static bool all_digits(const char *p, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
	}
	return true;
}

/* Reads a code: kind, the agent number (*11, *13, *16, *17) or pause
 * index (*15,
 * may be empty) into num, the PIN (*11) into pin. EINVAL if it is not a
 * code; nothing is written then. */
int codes_parse(const char *user, int *kindp, char *num, size_t numsz,
		char *pin, size_t pinsz)
{
	size_t n;
	const char *rest, *star;
	int kind;

	if (!user || !kindp || !num || !pin || numsz < 10 ||
	    pinsz < CODE_PIN_MAX + 1)
		return EINVAL;
	n = strlen(user);
	if (n < 3 || n > CODE_USER_MAX || user[0] != '*' || user[1] != '1' ||
	    user[2] < '1' || user[2] > '7')
		return EINVAL;
	kind = user[2] - '1';
	rest = user + 3;
	n -= 3;

	switch (kind) {

	case CODE_LOGIN:
		star = memchr(rest, '*', n);
		if (!star || !all_digits(rest, (size_t)(star - rest)) ||
		    (size_t)(star - rest) > CENTER_AGENT_NUMBER_MAX)
			return EINVAL;
		if (!all_digits(star + 1, n - (size_t)(star - rest) - 1))
			return EINVAL;
		if (n - (size_t)(star - rest) - 1 < CODE_PIN_MIN ||
		    n - (size_t)(star - rest) - 1 > CODE_PIN_MAX)
			return EINVAL;
		str_ncpy(num, rest, (size_t)(star - rest) + 1);
		str_ncpy(pin, star + 1, pinsz);
		break;

	case CODE_LISTEN:
	case CODE_WHISPER:
	case CODE_BARGE:
		if (!all_digits(rest, n) || n > CENTER_AGENT_NUMBER_MAX)
			return EINVAL;
		str_ncpy(num, rest, numsz);
		pin[0] = '\0';
		break;

	case CODE_PAUSE:
		if (n && (!all_digits(rest, n) || n > 2))
			return EINVAL;
		str_ncpy(num, rest, numsz);
		pin[0] = '\0';
		break;

	default:   /* *12, *14: nothing after */
		if (n)
			return EINVAL;
		num[0] = '\0';
		pin[0] = '\0';
		break;
	}
	*kindp = kind;
	return 0;
}

/* ---------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------- */

/* The agent logged in at a position, or NULL. O(agents). */
static const struct center_agent *agent_at(struct sipd *s,
					   const char *position)
{
	const struct center *ctr = s->conf.center;

	for (size_t i = 0; i < ctr->n_agents; i++) {
		struct acd_agent_info ai;

		if (acd_agent_info(s->acd, ctr->agents[i].id, &ai))
			continue;
		if (ai.position && !strcmp(ai.position, position))
			return &ctr->agents[i];
	}
	return NULL;
}

/* The agent's first language skill ("lang:ar=4" → ar), else French. */
static enum center_lang agent_lang(const struct center_agent *a)
{
	const char *p = a ? a->skills : NULL;
	enum center_lang l;

	while (p && (p = strstr(p, "lang:"))) {
		char code[3];

		code[0] = p[5];
		code[1] = code[0] ? p[6] : '\0';
		code[2] = '\0';
		if (!center_lang_parse(code, &l))
			return l;
		p += 5;
	}
	return CENTER_LANG_FR;
}

static bool fails_cmp(struct le *le, void *arg)
{
	const struct pin_fails *f = le->data;

	return !strcmp(f->user, arg);
}

static bool throttled(struct sipd *s, const char *user, uint64_t now)
{
	struct le *le = list_apply(&s->pinfails, true, fails_cmp,
				   (void *)user);
	const struct pin_fails *f = le ? le->data : NULL;

	return f && f->until > now;
}

static void fails_destructor(void *arg)
{
	struct pin_fails *f = arg;

	list_unlink(&f->le);
}

static void fail_count(struct sipd *s, const char *user, uint64_t now)
{
	struct le *le = list_apply(&s->pinfails, true, fails_cmp,
				   (void *)user);
	struct pin_fails *f = le ? le->data : NULL;

	if (!f) {
		if (list_count(&s->pinfails) >= CODE_FAIL_TRACKED)
			mem_deref(list_head(&s->pinfails)->data);
		f = mem_zalloc(sizeof(*f), fails_destructor);
		if (!f)
			return;
		str_ncpy(f->user, user, sizeof(f->user));
		list_append(&s->pinfails, &f->le, f);
	}
	if (!f->n || now - f->first > CODE_FAIL_WINDOW_MS) {
		f->n = 0;
		f->first = now;
	}
	if (++f->n >= CODE_FAIL_MAX) {
		f->until = now + CODE_FAIL_BLOCK_MS;
		f->n = 0;
		sipd_log("event=dial-code-throttled position_user=%s "
			 "block_ms=%u", user, CODE_FAIL_BLOCK_MS);
	}
}

/* ---------------------------------------------------------------------
 * The code call
 * ------------------------------------------------------------------- */

static void code_destructor(void *arg)
{
	struct code_call *cc = arg;

	list_unlink(&cc->le);
	list_unlink(&cc->lle);
	mem_deref(cc->listen);
	mem_deref(cc->pl);
	mem_deref(cc->leg);
	mem_deref(cc->sess);  /* BYE if still up */
}

/* Ends the code call: BYE (unless the phone hung up), freed from the next
 * tick (we may be inside a media or SIP callback). */
static void code_end(struct code_call *cc)
{
	if (cc->ended)
		return;
	cc->ended = true;
	list_unlink(&cc->le);
	list_unlink(&cc->lle);
	cc->listen = mem_deref(cc->listen);
	if (cc->leg)
		media_play_stop(cc->leg);
	sipd_trash(cc->s, cc);
}

static void prompt_end(struct media_leg *leg, void *arg)
{
	(void)leg;
	code_end(arg);
}

/* Plays prompt NAME (e.g. "agent_login_ok") in the call's language, then
 * hangs up. */
static void code_say(struct code_call *cc, const char *name)
{
	struct media_playlist *pl = NULL;
	char file[64];
	int err;

	re_snprintf(file, sizeof(file), "%s/%s.wav",
		    center_lang_name(cc->lang), name);
	err = media_playlist_alloc(&pl);
	if (!err)
		err = media_playlist_add(pl, file);
	if (!err)
		err = media_play(cc->leg, pl, false, prompt_end, cc);
	if (err) {
		sipd_log("event=media-error what=dial-code-prompt file=%s "
			 "err=%m", file, err);
		mem_deref(pl);
		code_end(cc);
		return;
	}
	mem_deref(cc->pl);
	cc->pl = pl;
}

static void code_close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct code_call *cc = arg;
	struct media_leg_stats st;
	(void)msg;

	if (cc->ended)
		return;
	memset(&st, 0, sizeof(st));
	if (cc->leg)
		media_leg_stats_get(cc->leg, &st);
	sipd_log("event=dial-code-hangup code=%s position=%s err=%m tx=%llu",
		 code_names[cc->kind], cc->position, err,
		 (unsigned long long)st.tx_packets);
	cc->sess = mem_deref(cc->sess);
	code_end(cc);
}

void codes_listen_gone(void *listener)
{
	struct code_call *cc = listener;

	if (!cc || cc->ended)
		return;
	sipd_log("event=%s-end position=%s agent=%s why=call-ended",
		 monitor_name(cc->kind), cc->position, cc->agent);
	code_end(cc);
}

/* ---------------------------------------------------------------------
 * What each code does
 * ------------------------------------------------------------------- */

static void log_result(const struct code_call *cc, const char *result,
		       const char *why)
{
	sipd_log("event=dial-code code=%s position=%s agent=%s result=%s "
		 "why=%s", code_names[cc->kind], cc->position,
		 cc->agent[0] ? cc->agent : "-", result, why ? why : "-");
}

/* The PIN check's answer, on the loop. */
static void login_finish(struct code_call *cc, bool pin_ok)
{
	struct sipd *s = cc->s;
	const struct center_agent *a = center_agent_find(s->conf.center,
							 cc->agent);
	struct acd_agent_info ai;
	int err;

	if (!pin_ok || !a) {
		fail_count(s, cc->user, sipd_now());
		cc->agent[0] = '\0';  /* unknown or not: the same line */
		log_result(cc, "refused", "bad-credentials");
		code_say(cc, "agent_login_failed");
		return;
	}
	if (!acd_agent_info(s->acd, a->id, &ai) && ai.position &&
	    !strcmp(ai.position, cc->position)) {
		log_result(cc, "ok", "already-logged-in");
		code_say(cc, "agent_login_ok");
		return;
	}
	err = acd_agent_login(s->acd, (acd_ms_t)sipd_now(), a->id,
			      cc->position);
	sipd_acd_rearm(s);
	if (err) {
		sipd_log("event=dial-code code=*11 position=%s agent=%s "
			 "result=failed why=\"%s\"", cc->position, a->id,
			 acd_errmsg(s->acd));
		code_say(cc, "invalid");
		return;
	}
	sipd_log("event=login agent=%s position=%s via=dial-code", a->id,
		 cc->position);
	log_result(cc, "ok", NULL);
	code_say(cc, "agent_login_ok");
}

static void *pin_worker(void *arg)
{
	struct pin_job *job = arg;

	job->ok = center_pin_verify(job->hash, job->pin);
	explicit_bzero(job->pin, sizeof(job->pin));
	if (mqueue_push(job->mq, 0, job)) {
		/* the loop cannot hear of it: nothing else to do */
		free(job);
	}
	return NULL;
}

static void pinq_handler(int id, void *data, void *arg)
{
	struct sipd *s = arg;
	struct pin_job *job = data;
	(void)id;

	if (s->pin_jobs)
		s->pin_jobs--;
	for (struct le *le = list_head(&s->codesl); le; le = le->next) {
		struct code_call *cc = le->data;

		if (cc->seq == job->seq && !cc->ended) {
			login_finish(cc, job->ok);
			break;
		}
	}
	free(job);
}

/* Starts the PIN check off the loop. */
static int login_start(struct code_call *cc, const char *number,
		       const char *pin)
{
	struct sipd *s = cc->s;
	const struct center_agent *a;
	struct pin_job *job;
	pthread_attr_t attr;
	pthread_t th;
	int err;

	if (throttled(s, cc->user, sipd_now())) {
		log_result(cc, "refused", "throttled");
		code_say(cc, "agent_login_failed");
		return 0;
	}
	if (s->pin_jobs >= CODE_JOBS_MAX)
		return EBUSY;

	a = center_agent_by_number(s->conf.center, number);
	job = calloc(1, sizeof(*job));
	if (!job)
		return ENOMEM;
	job->seq = cc->seq;
	job->mq = s->pinq;
	str_ncpy(job->hash, a && a->pin_hash ? a->pin_hash : s->pin_decoy,
		 sizeof(job->hash));
	str_ncpy(job->pin, pin, sizeof(job->pin));
	if (a && a->pin_hash)
		str_ncpy(cc->agent, a->id, sizeof(cc->agent));
	cc->lang = agent_lang(a);

	err = pthread_attr_init(&attr);
	if (!err)
		err = pthread_attr_setdetachstate(&attr,
						  PTHREAD_CREATE_DETACHED);
	if (!err)
		err = pthread_create(&th, &attr, pin_worker, job);
	(void)pthread_attr_destroy(&attr);
	if (err) {
		explicit_bzero(job->pin, sizeof(job->pin));
		free(job);
		return err;
	}
	s->pin_jobs++;
	return 0;
}

/* *12, *14, *15: act for the agent logged in at the phone's position. */
static void agent_action(struct code_call *cc, const char *num)
{
	struct sipd *s = cc->s;
	const struct center *ctr = s->conf.center;
	const struct center_agent *a = agent_at(s, cc->position);
	acd_ms_t now = (acd_ms_t)sipd_now();
	const char *reason = "pause", *ok = NULL;
	int err;

	if (!a) {
		log_result(cc, "failed", "nobody-logged-in");
		code_say(cc, "invalid");
		return;
	}
	str_ncpy(cc->agent, a->id, sizeof(cc->agent));
	cc->lang = agent_lang(a);

	switch (cc->kind) {

	case CODE_LOGOUT:
		err = acd_agent_logout(s->acd, now, a->id);
		ok = "agent_logout";
		break;

	case CODE_READY:
		err = acd_agent_ready(s->acd, now, a->id);
		ok = "agent_ready";
		break;

	default: /* CODE_PAUSE */
		if (num[0]) {
			unsigned k = (unsigned)atoi(num);

			if (k < 1 || k > ctr->n_pauses) {
				log_result(cc, "failed", "no-such-reason");
				code_say(cc, "invalid");
				return;
			}
			reason = ctr->pauses[k - 1].id;
		}
		else if (ctr->n_pauses) {
			reason = ctr->pauses[0].id;
		}
		err = acd_agent_pause(s->acd, now, a->id, reason);
		ok = "agent_paused";
		break;
	}
	sipd_acd_rearm(s);
	if (err) {
		sipd_log("event=dial-code code=%s position=%s agent=%s "
			 "result=failed why=\"%s\"", code_names[cc->kind],
			 cc->position, a->id, acd_errmsg(s->acd));
		code_say(cc, "invalid");
		return;
	}
	log_result(cc, "ok", cc->kind == CODE_PAUSE ? reason : NULL);
	code_say(cc, ok);
}

/* ---------------------------------------------------------------------
 * A new INVITE to a code
 * ------------------------------------------------------------------- */

static void refuse(struct sipd *s, const struct sip_msg *msg,
		   uint16_t scode, const char *reason, const char *why,
		   const char *code, const char *position)
{
	struct sipd_resp resp;

	memset(&resp, 0, sizeof(resp));
	resp.scode = scode;
	resp.reason = reason;
	sipd_reply(s, msg, &resp);
	sipd_log("event=dial-code code=%s position=%s result=refused "
		 "status=%u why=%s src=%J", code ? code : "-",
		 position ? position : "-", scode, why, &msg->src);
}

/* *13, *16, *17: checks that the phone may listen and that the agent is
 * on a call (for whisper and barge, one no other supervisor is already
 * whispering to or barging into); fills *acd_callp. Refuses (and returns
 * non-zero) otherwise. */
static int listen_check(struct sipd *s, const struct sip_msg *msg,
			const struct center_position *pos, int kind,
			const char *num, uint64_t *acd_callp,
			const char **agentp)
{
	const char *code = code_names[kind];
	const struct center_agent *sup = agent_at(s, pos->id);
	const struct center_agent *a;
	struct acd_agent_info ai;

	if (!sup || sup->role == CENTER_ROLE_AGENT) {
		refuse(s, msg, 403, "Forbidden", "not-a-supervisor", code,
		       pos->id);
		return EPERM;
	}
	a = center_agent_by_number(s->conf.center, num);
	if (!a) {
		refuse(s, msg, 404, "Not Found", "no-such-agent", code,
		       pos->id);
		return ENOENT;
	}
	if (acd_agent_info(s->acd, a->id, &ai) ||
	    ai.state != ACD_AGENT_ON_CALL || !ai.call) {
		refuse(s, msg, 480, "Temporarily Unavailable",
		       "agent-not-on-call", code, pos->id);
		return ENOTCONN;
	}
	if (kind != CODE_LISTEN && call_mixed(s, ai.call)) {
		refuse(s, msg, 486, "Busy Here", "already-monitored", code,
		       pos->id);
		return EBUSY;
	}
	*acd_callp = ai.call;
	*agentp = a->id;
	return 0;
}

void codes_incoming(struct sipd *s, const struct sip_msg *msg)
{
	char user[CODE_USER_MAX + 1], num[16], pin[CODE_PIN_MAX + 1];
	char phone[65], name[96];
	const struct center_position *pos;
	struct sipd_resp resp;
	struct code_call *cc = NULL;
	struct mbuf *desc = NULL;
	uint8_t pt, te;
	struct sa raddr;
	uint64_t acd_call = 0;
	const char *listened = NULL;
	int kind = 0, err;

	if (s->draining) {
		refuse(s, msg, 503, "Service Unavailable", "draining", NULL,
		       NULL);
		return;
	}
	/* who is calling: the position's own credentials */
	err = registrar_auth(s->reg, msg, true, sipd_now(), phone,
			     sizeof(phone), &resp);
	if (err) {
		sipd_reply(s, msg, &resp);
		if (resp.scode != 407)
			sipd_log("event=dial-code result=refused status=%u "
				 "why=%s src=%J", resp.scode,
				 resp.why ? resp.why : "-", &msg->src);
		if (resp.scode == 403)
			s->stats.auth_failures++;
		return;
	}
	pos = center_position_by_sip_user(s->conf.center, phone);
	if (!pos) {
		refuse(s, msg, 403, "Forbidden", "not-a-position", NULL, NULL);
		return;
	}
	err = msg->uri.user.l < sizeof(user) ? 0 : EINVAL;
	if (!err)
		err = pl_strcpy(&msg->uri.user, user, sizeof(user));
	if (!err)
		err = codes_parse(user, &kind, num, sizeof(num), pin,
				  sizeof(pin));
	explicit_bzero(user, sizeof(user));
	if (err) {
		refuse(s, msg, 404, "Not Found", "unknown-code", NULL,
		       pos->id);
		return;
	}
	if (!s->conf.media) {
		refuse(s, msg, 503, "Service Unavailable", "no-media",
		       code_names[kind], pos->id);
		goto out;
	}
	if (!mbuf_get_left(msg->mb) ||
	    sdp_pick(msg->mb, &pt, &te, &raddr)) {
		refuse(s, msg, 488, "Not Acceptable Here", "no-usable-sdp",
		       code_names[kind], pos->id);
		goto out;
	}
	if (code_monitors(kind) &&
	    listen_check(s, msg, pos, kind, num, &acd_call, &listened))
		goto out;

	cc = mem_zalloc(sizeof(*cc), code_destructor);
	if (!cc) {
		err = ENOMEM;
		goto fail;
	}
	cc->s = s;
	cc->seq = ++s->code_seq;
	cc->kind = (enum code_kind)kind;
	str_ncpy(cc->position, pos->id, sizeof(cc->position));
	str_ncpy(cc->user, phone, sizeof(cc->user));
	re_snprintf(name, sizeof(name), "code %s %s", code_names[kind],
		    pos->id);
	err = media_leg_alloc(&cc->leg, s->conf.media, name);
	if (!err)
		err = media_leg_set_remote(cc->leg, &raddr, pt, te);
	if (!err)
		err = sdp_build(&desc, media_leg_laddr(cc->leg),
				media_leg_port(cc->leg), pt, te, false);
	if (!err)
		err = sipsess_accept(&cc->sess, s->ssock, msg, 200, "OK",
				     "plateau", "application/sdp", desc, NULL,
				     NULL, false, NULL, NULL, NULL, NULL,
				     NULL, code_close_h, cc,
				     "Allow: INVITE, ACK, CANCEL, BYE, "
				     "OPTIONS, INFO\r\n");
	if (err)
		goto fail;
	list_append(&s->codesl, &cc->le, cc);

	switch (cc->kind) {

	case CODE_LOGIN:
		err = login_start(cc, num, pin);
		if (err) {
			sipd_log("event=dial-code code=*11 position=%s "
				 "result=failed why=busy err=%m", pos->id,
				 err);
			code_say(cc, "invalid");
			err = 0;
		}
		break;

	case CODE_LISTEN:
	case CODE_WHISPER:
	case CODE_BARGE:
		str_ncpy(cc->agent, listened, sizeof(cc->agent));
		err = call_listen(s, acd_call, cc->leg, monitor_mode(kind),
				  &cc->lle, cc, &cc->listen);
		if (err) {
			log_result(cc, "failed", "listen-error");
			code_end(cc);
			err = 0;
			break;
		}
		sipd_log("event=%s-start position=%s agent=%s codec=%s",
			 monitor_name(kind), cc->position, cc->agent,
			 pt == MEDIA_PT_PCMA ? "PCMA" : "PCMU");
		break;

	default:
		agent_action(cc, num);
		break;
	}
	goto out;

fail:
	sipd_log("event=dial-code code=%s position=%s result=failed err=%m",
		 code_names[kind], pos->id, err);
	if (cc && cc->sess) {
		list_append(&s->codesl, &cc->le, cc);
		code_end(cc);
	}
	else {
		(void)sip_reply(s->sip, msg, 500, "Server Internal Error");
		mem_deref(cc);
	}
out:
	explicit_bzero(pin, sizeof(pin));
	mem_deref(desc);
}

/* ---------------------------------------------------------------------
 * Setup and teardown
 * ------------------------------------------------------------------- */

int codes_init(struct sipd *s)
{
	uint8_t salt[16];
	char pin[CODE_PIN_MAX + 1];
	int err;

	/* the decoy: a hash of a random PIN nobody knows, as costly to
	 * check as an agent's */
	rand_bytes(salt, sizeof(salt));
	re_snprintf(pin, sizeof(pin), "%08u", rand_u32() % 100000000u);
	err = center_pin_hash(s->pin_decoy, sizeof(s->pin_decoy), pin, salt,
			      CENTER_PIN_ITER);
	explicit_bzero(pin, sizeof(pin));
	if (err)
		return err;
	return mqueue_alloc(&s->pinq, pinq_handler, s);
}

void codes_flush(struct sipd *s)
{
	struct le *le;

	while ((le = list_head(&s->codesl))) {
		struct code_call *cc = le->data;

		list_unlink(&cc->le);
		mem_deref(cc);
	}
	list_flush(&s->pinfails);
	/* PIN jobs still running push to pinq: it must outlive them, so it
	 * is freed only when none is left; otherwise it is leaked on
	 * purpose (the process is ending) */
	if (!s->pin_jobs)
		s->pinq = mem_deref(s->pinq);
}

