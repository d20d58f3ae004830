/* acd.h — the routing engine: a pure, deterministic call distributor. */
#ifndef PLATEAU_ACD_H
#define PLATEAU_ACD_H

/*
 * The engine decides which agent takes which call. It does no I/O and
 * reads no clock: every input carries `now` (ms on the driver's clock,
 * never decreasing) and every decision comes out, synchronously, as an
 * event through the handler given to acd_alloc(). The live server and the
 * simulator drive the very same engine.
 *
 * Every input first runs the engine's own timers that are due at or
 * before `now` (ring timeouts, wrap-up ends, max waits, widening steps,
 * announcements), stamping their events with their due time; the driver
 * calls acd_tick() at acd_next_deadline() so none is late.
 *
 * Errors: functions return 0 or an errno value (EINVAL bad argument or
 * expression, ENOENT unknown id, EEXIST duplicate id, EALREADY/EPERM input
 * not valid in the current state, ENOMEM). On error the engine's state is
 * unchanged, no event is emitted, and acd_errmsg() says what was wrong.
 *
 * Reentrancy: the event handler must not call any acd_* input function;
 * queries (acd_*_info, acd_queue_stats) are allowed.
 *
 * Ids (tenants, sites, positions, queues, agents) are strings copied by
 * the engine; strings in events stay valid until the engine is freed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acd;

/* Milliseconds on the driver's clock. */
typedef int64_t acd_ms_t;

#define ACD_NEVER INT64_MAX      /* no deadline                     */
#define ACD_MAX_WIDEN 8          /* widening steps per queue        */
#define ACD_LEVEL_MAX 5          /* skill levels are 1..5           */

/* ---------------------------------------------------------------------
 * Vocabulary
 * ------------------------------------------------------------------- */

/* How a queue picks among the ready agents eligible for a call. */
enum acd_strategy {
	ACD_STRATEGY_LONGEST_IDLE = 0, /* ready the longest (default)     */
	ACD_STRATEGY_ROUND_ROBIN,      /* next member after the last one  */
	ACD_STRATEGY_LINEAR,           /* first member in member order    */
	ACD_STRATEGY_FEWEST_CALLS,     /* fewest calls answered, then idle*/
	ACD_STRATEGY_LEAST_TALK_TIME,  /* least talk time, then idle      */
	ACD_STRATEGY_RANDOM,           /* uniform among ready             */
	ACD_STRATEGY_WEIGHTED_RANDOM,  /* by member weight                */
	ACD_STRATEGY_RING_ALL,         /* offer to all ready at once      */
	ACD_STRATEGY_BEST_SKILL,       /* highest levels in the required
					  skills, ties by longest idle    */
	ACD_STRATEGY_COUNT
};

enum acd_agent_state {
	ACD_AGENT_LOGGED_OUT = 0,
	ACD_AGENT_READY,
	ACD_AGENT_PAUSED,    /* with a reason                          */
	ACD_AGENT_OFFERED,   /* a call is ringing at the agent's phone */
	ACD_AGENT_ON_CALL,
	ACD_AGENT_WRAP_UP,
	ACD_AGENT_STATE_COUNT
};

/* When a queue refuses callers (join) or sends them away (leave) for
 * lack of agents. "Eligible" agents are those who may take the call. */
enum acd_empty_rule {
	ACD_EMPTY_ALLOW = 0,     /* join / stay regardless (join default) */
	ACD_EMPTY_NO_AGENTS,     /* when no eligible agent is logged in   */
	ACD_EMPTY_NO_AVAILABLE,  /* when none is logged in and unpaused   */
};

enum acd_exit_reason {
	ACD_EXIT_TIMEOUT = 0,    /* waited max_wait_ms                   */
	ACD_EXIT_EMPTY,          /* join/leave-when-empty rule            */
	ACD_EXIT_FULL,           /* queue at max_len                      */
	ACD_EXIT_KEY,            /* caller pressed a key to leave         */
};

enum acd_party {
	ACD_PARTY_CALLER = 0,
	ACD_PARTY_AGENT,
};

/* ---------------------------------------------------------------------
 * Events (the engine's output and log)
 * ------------------------------------------------------------------- */

enum acd_event_type {
	ACD_EV_CALL_ENTER = 0,   /* call joined a queue (also after transfer)*/
	ACD_EV_OFFER,            /* ring `agent` with `call`                 */
	ACD_EV_OFFER_STOP,       /* stop ringing `agent` (ring-all won by
				    another agent, or the call ended)        */
	ACD_EV_OFFER_NO_ANSWER,  /* ring timeout or unreachable phone        */
	ACD_EV_OFFER_DECLINED,   /* agent (or phone: busy) declined          */
	ACD_EV_OFFER_FAILED,     /* the phone could not take the call (no
				    common codec): not the agent's doing     */
	ACD_EV_CONNECT,          /* agent answered; bridge the call          */
	ACD_EV_ABANDON,          /* caller hung up before connect: terminal  */
	ACD_EV_EXIT,             /* left the queue unanswered: terminal      */
	ACD_EV_COMPLETE,         /* connected call ended: terminal           */
	ACD_EV_TRANSFER,         /* connected call moved to `to_queue`       */
	ACD_EV_WRAPUP_END,       /* agent finished wrap-up                   */
	ACD_EV_AGENT_STATE,      /* agent changed state                      */
	ACD_EV_WIDEN,            /* a waiting call's eligibility widened     */
	ACD_EV_ANNOUNCE,         /* tell the caller position and wait        */
	ACD_EV_COUNT
};

/* One event. Fields not named for a type are 0/NULL. */
struct acd_event {
	enum acd_event_type type;
	acd_ms_t time;             /* when it happened, ms                  */
	uint64_t call;             /* call id, 0 for agent-only events      */
	const char *tenant;        /* tenant of the queue, or of the agent  */
	const char *queue;         /* queue id, NULL for agent-only events  */
	const char *agent;         /* agent id, NULL for call-only events   */

	/* ACD_EV_CALL_ENTER */
	int priority;              /* call priority (higher first)          */
	/* ACD_EV_CONNECT, ABANDON, EXIT: time from queue entry, ms */
	acd_ms_t wait_ms;
	/* ACD_EV_EXIT */
	enum acd_exit_reason exit_reason;
	char key;                  /* ACD_EXIT_KEY: the key pressed         */
	/* ACD_EV_COMPLETE: who hung up; talk time from connect, ms */
	enum acd_party ended_by;
	acd_ms_t talk_ms;
	/* ACD_EV_TRANSFER */
	const char *to_queue;
	/* ACD_EV_AGENT_STATE */
	enum acd_agent_state state;     /* the new state                   */
	enum acd_agent_state old_state; /* the previous one                */
	const char *reason;        /* pause reason, e.g. "lunch", "no-answer"*/
	const char *position;      /* the agent's position, if logged in    */
	const char *site;          /* the position's site                   */
	/* ACD_EV_WIDEN: index of the step applied (0-based) */
	unsigned widen_step;
	/* ACD_EV_ANNOUNCE: 1-based place in line; expected wait, ms */
	unsigned position_in_line;
	acd_ms_t expected_wait_ms;
};

typedef void (acd_event_h)(const struct acd_event *ev, void *arg);

const char *acd_event_name(enum acd_event_type type);   /* "call-enter" */
const char *acd_strategy_name(enum acd_strategy s);     /* "longest-idle"*/
int acd_strategy_parse(const char *name, enum acd_strategy *sp);
const char *acd_agent_state_name(enum acd_agent_state s); /* "on-call" */
const char *acd_exit_reason_name(enum acd_exit_reason r); /* "timeout" */

/* ---------------------------------------------------------------------
 * Engine and configuration
 * ------------------------------------------------------------------- */

/* seed: drives the random strategies; same seed and inputs, same events. */
int acd_alloc(struct acd **acdp, uint64_t seed, acd_event_h *eh, void *arg);
/* Frees the engine (also a mem_deref'able object). NULL is fine. */
struct acd *acd_free(struct acd *acd);

/* The message of the last error, "" if none. */
const char *acd_errmsg(const struct acd *acd);

int acd_tenant_add(struct acd *acd, const char *id);
int acd_site_add(struct acd *acd, const char *id);
int acd_position_add(struct acd *acd, const char *id, const char *site);

/* A widening step: once a call has waited after_ms, its eligibility grows.
 * The caller keeps their place in line. */
struct acd_widen_step {
	acd_ms_t after_ms;         /* wait after which it applies, ms       */
	const char *skills;        /* new required-skill expression, or NULL
				      to keep the current one              */
	const char *add_queue;     /* another queue whose members become
				      eligible too, or NULL                 */
	const char *add_site;      /* another site whose agents become
				      eligible too, or NULL                 */
};

/* Queue settings. acd_queue_conf_init() fills the defaults. */
struct acd_queue_conf {
	const char *id;            /* unique queue id                       */
	const char *tenant;        /* owning tenant id (must exist)         */
	enum acd_strategy strategy;/* default longest-idle                  */
	const char *skills;        /* required skills, e.g.
				      "lang:fr>=3 & product:fibre>=2";
				      NULL or "" = none                      */
	const char *sites;         /* space-separated site ids whose agents
				      may serve; NULL or "" = every site     */
	int priority;              /* added to call priority; default 0     */
	double sl_target;          /* share answered within sl_time_ms,
				      (0,1]; default 0.8                    */
	acd_ms_t sl_time_ms;       /* service-level threshold; 20000        */
	acd_ms_t ring_timeout_ms;  /* offer rings this long; 15000          */
	acd_ms_t wrapup_ms;        /* after-call work; 10000                */
	acd_ms_t max_wait_ms;      /* exit(timeout) after; 0 = no limit     */
	unsigned max_len;          /* calls in line (waiting or ringing) at
				      most; 0 = no limit                   */
	enum acd_empty_rule join_empty;  /* default ACD_EMPTY_ALLOW          */
	enum acd_empty_rule leave_empty; /* default ACD_EMPTY_ALLOW          */
	unsigned max_no_answer;    /* consecutive no-answers before pause
				      "no-answer"; 0 = never; default 3     */
	acd_ms_t announce_ms;      /* position announcement period;
				      0 = none; default 30000               */
	struct acd_widen_step widen[ACD_MAX_WIDEN]; /* by after_ms, rising  */
	size_t n_widen;            /* steps used                            */
};

void acd_queue_conf_init(struct acd_queue_conf *conf);
int acd_queue_add(struct acd *acd, const struct acd_queue_conf *conf);

/* Agent settings. skills: "lang:fr=5 lang:de=3 product:fibre=4", levels
 * 1..5; tenant NULL = the agent may serve queues of any tenant
 * (outsourcer staff), otherwise only that tenant's queues. */
struct acd_agent_conf {
	const char *id;            /* unique agent id                       */
	const char *tenant;        /* tenant id or NULL                     */
	const char *skills;        /* skill list, NULL or "" = none         */
};

int acd_agent_add(struct acd *acd, const struct acd_agent_conf *conf);

/* Makes an agent a member of a queue. weight 1..1000 (weighted-random;
 * and across queues of equal call priority and equal wait, the agent
 * takes the call of the queue with the higher weight). Member order
 * (linear, round-robin) is the order of acd_member_add calls. */
int acd_member_add(struct acd *acd, const char *queue, const char *agent,
		   unsigned weight);
/* Removes a membership; an offer or call in progress is not affected. */
int acd_member_remove(struct acd *acd, const char *queue, const char *agent);

/* Live configuration (live.c). A queue's plain settings: priority,
 * service level, ring timeout, wrap-up, max wait, max length, empty
 * rules, max no-answers and announcements, taken from conf (matched by
 * conf->id; its skills, sites, widening, strategy and tenant are
 * ignored). They apply from the next arrival, offer, wrap-up or timer;
 * calls already waiting keep their priority and started timers. */
int acd_queue_settings_set(struct acd *acd, const struct acd_queue_conf *conf);
/* A queue's routing: its tenant, strategy, skills, sites and widening,
 * from conf (matched by conf->id; its other settings are ignored: see
 * acd_queue_settings_set). The queue's routing classes are rebuilt; every
 * call of the queue keeps its place in line (priority, entry time, entry
 * order) and is re-evaluated under the new rules at once: a waiting call
 * takes the widening step its wait so far reaches (no WIDEN event) and may
 * be offered to an agent the new rules make eligible. A ringing offer or
 * a connected call is not disturbed. EPERM when a member agent belongs to
 * another tenant than the new one. */
int acd_queue_routing_set(struct acd *acd, const struct acd_queue_conf *conf);
/* An agent's skills and tenant. While logged in, the skills apply to the
 * next offers (a ringing offer or a call in progress is not disturbed; a
 * ready agent may be offered a waiting call at once) and the tenant is
 * refused (EPERM: its memberships and the tenant of its events would
 * change under a running session); EPERM also when a membership would
 * cross tenants. */
int acd_agent_profile_set(struct acd *acd, const struct acd_agent_conf *conf);
/* Moves a position to another site. An agent logged in there is
 * re-evaluated for its queues' classes under the new site (as for a
 * skills change). */
int acd_position_site_set(struct acd *acd, const char *position,
			  const char *site);
/* Removals: refused (EBUSY, acd_errmsg() says why) while in use, and then
 * nothing changes. A queue: while any call is in it (waiting, ringing or
 * connected) or another queue's widening names it; its memberships go
 * with it. An agent: while logged in; its memberships go with it. A
 * position: while an agent is logged in there. A site: while a position
 * is there or a queue names it. A tenant: while a queue or an agent is
 * its. Ids of removed objects in past events stay valid. */
int acd_queue_remove(struct acd *acd, const char *id);
int acd_agent_remove(struct acd *acd, const char *id);
int acd_position_remove(struct acd *acd, const char *id);
int acd_site_remove(struct acd *acd, const char *id);
int acd_tenant_remove(struct acd *acd, const char *id);

enum acd_kind {
	ACD_KIND_TENANT = 0, ACD_KIND_SITE, ACD_KIND_POSITION, ACD_KIND_QUEUE,
	ACD_KIND_AGENT,
};

/* Would the removal of that object be taken now? 0, or the error the
 * removal would give (acd_errmsg() says why); changes nothing. */
int acd_remove_check(struct acd *acd, enum acd_kind kind, const char *id);

/* ---------------------------------------------------------------------
 * Inputs
 * ------------------------------------------------------------------- */

int acd_agent_login(struct acd *acd, acd_ms_t now, const char *agent,
		    const char *position);
/* Logs out; a ringing offer is withdrawn (OFFER_STOP) and the call goes
 * back to its place; refused (EPERM) while on a call. */
int acd_agent_logout(struct acd *acd, acd_ms_t now, const char *agent);
/* Pauses with a reason. On a call or in wrap-up, the pause takes effect
 * when wrap-up ends. A ringing offer is withdrawn first. */
int acd_agent_pause(struct acd *acd, acd_ms_t now, const char *agent,
		    const char *reason);
/* Ready from paused, or from wrap-up (ends it early). */
int acd_agent_ready(struct acd *acd, acd_ms_t now, const char *agent);

/* Call parameters beyond the queue. */
struct acd_call_params {
	int priority;              /* higher is served first; default 0     */
	const char *skills;        /* extra required skills, ANDed with the
				      queue's (e.g. "lang:ar>=3" from the
				      IVR); NULL or "" = none               */
};

/* A call enters a queue. On success *callp is the new call's id (ids are
 * 1, 2, 3… in arrival order). A call refused by join-empty or max-len
 * still gets an id, CALL_ENTER then EXIT events, and returns 0. */
int acd_call_arrive(struct acd *acd, acd_ms_t now, const char *queue,
		    const struct acd_call_params *params, uint64_t *callp);
/* The offered agent answered. */
int acd_offer_accept(struct acd *acd, acd_ms_t now, uint64_t call,
		     const char *agent);
/* The offered agent declined (or their phone was busy). */
int acd_offer_decline(struct acd *acd, acd_ms_t now, uint64_t call,
		      const char *agent);
/* The offered agent's phone could not take the call (e.g. no codec in
 * common with it): not the agent's doing. Routed as after a decline (the
 * call is offered to the others first, the agent back to ready with its
 * idle clock restarted, so a phone that keeps failing is tried last);
 * does not count toward max_no_answer. */
int acd_offer_fail(struct acd *acd, acd_ms_t now, uint64_t call,
		   const char *agent);
/* The offer failed without an answer (phone unreachable, or the driver's
 * own ring timer); counts toward max_no_answer. */
int acd_offer_no_answer(struct acd *acd, acd_ms_t now, uint64_t call,
			const char *agent);
/* A party hung up: before connect it is an abandon (by the caller), after
 * it the call completes and the agent enters wrap-up. */
int acd_call_hangup(struct acd *acd, acd_ms_t now, uint64_t call,
		    enum acd_party by);
/* A waiting caller pressed a key to leave the queue. */
int acd_call_exit_key(struct acd *acd, acd_ms_t now, uint64_t call,
		      char key);
/* The agent transfers a connected call to another queue: the agent goes
 * to wrap-up, the call enters `queue` (same id, waits anew). */
int acd_call_transfer(struct acd *acd, acd_ms_t now, uint64_t call,
		      const char *queue);
/* Runs the timers due at or before now. */
int acd_tick(struct acd *acd, acd_ms_t now);
/* When the next timer falls due, ACD_NEVER if none. */
acd_ms_t acd_next_deadline(const struct acd *acd);

/* ---------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------- */

struct acd_queue_stats {
	const char *tenant;        /* owning tenant                         */
	unsigned waiting;          /* calls waiting (not ringing)           */
	unsigned ringing;          /* calls being offered                   */
	acd_ms_t oldest_enter;     /* entry time of the call in line the
				      longest (waiting or ringing),
				      ACD_NEVER if none                     */
	unsigned agents[ACD_AGENT_STATE_COUNT]; /* members, by state         */
	uint64_t entered;          /* calls that entered, ever              */
	uint64_t answered;         /* connected                             */
	uint64_t answered_in_sl;   /* connected within sl_time_ms           */
	uint64_t abandoned;        /* hung up before connect                */
	uint64_t exited;           /* exit(timeout|empty|full|key)          */
	acd_ms_t mean_handle_ms;   /* recent talk + wrap-up, for estimates  */
};

int acd_queue_stats(const struct acd *acd, const char *queue,
		    struct acd_queue_stats *stats);

struct acd_agent_info {
	enum acd_agent_state state;
	acd_ms_t since;            /* when the state began                  */
	const char *reason;        /* pause reason, or NULL                 */
	const char *pending_pause; /* pause due after wrap-up, or NULL      */
	const char *position;      /* NULL when logged out                  */
	const char *site;          /* NULL when logged out                  */
	uint64_t call;             /* offered or connected call, or 0       */
	uint64_t calls_answered;   /* since added                           */
	acd_ms_t talk_ms;          /* total talk time since added           */
	unsigned no_answers;       /* consecutive offers not answered       */
};

int acd_agent_info(const struct acd *acd, const char *agent,
		   struct acd_agent_info *info);

struct acd_call_info {
	const char *queue;         /* current queue                         */
	const char *agent;         /* offered/connected agent, or NULL      */
	bool connected;
	int priority;              /* effective: queue + call priority      */
	acd_ms_t enter;            /* entry time in the current queue       */
	unsigned position_in_line; /* 1-based among calls competing for the
				      same agents; 0 when not waiting       */
};

/* ENOENT once the call has ended. */
int acd_call_info(const struct acd *acd, uint64_t call,
		  struct acd_call_info *info);

#endif
