/* acd_driver.h — generated centers, a byte encoding of engine inputs and an
 * independent invariant checker for the routing engine (src/acd/acd.h).
 *
 * Shared by the property tests (tests/unit/test_acd_props.c), the fuzz
 * harness (fuzz/fuzz_acd.c) and the benchmark (bench/acd_bench.c). The
 * checker knows the engine only through its public header: it keeps its
 * own model, fed by the configuration it generated, the inputs it gave and
 * the events that came out, and compares it with the query API.
 */
#ifndef PLATEAU_ACD_DRIVER_H
#define PLATEAU_ACD_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "acd/acd.h"

/* ---------------------------------------------------------------------
 * A generated center
 * ------------------------------------------------------------------- */

#define W_NLANG 5                 /* fr ar en de es                    */
#define W_NPROD 10                /* products                          */
#define W_NSKILL (W_NLANG + W_NPROD) /* skill index: lang, then product */
#define W_MAX_TERMS 4             /* terms in one skill expression     */
#define W_ID 16                   /* bytes for an id string            */
#define W_EXPR_STR 96             /* bytes for an expression string    */

/* A conjunction of "skill>=level" terms; n == 0 means no requirement. */
struct w_expr {
	unsigned n;                      /* terms used                    */
	uint8_t skill[W_MAX_TERMS];      /* skill index < W_NSKILL        */
	uint8_t level[W_MAX_TERMS];      /* minimum level 1..5            */
};

struct w_widen {
	acd_ms_t after_ms;               /* wait before it applies, ms    */
	bool has_skills;                 /* replaces the queue's skills   */
	struct w_expr skills;            /* the replacement (relaxation)  */
	int add_queue;                   /* queue index or -1             */
	int add_site;                    /* site index or -1              */
	char skills_str[W_EXPR_STR];     /* skills as the engine reads it */
};

struct w_queue {
	char id[W_ID];                   /* "q3"                          */
	unsigned tenant;                 /* tenant index                  */
	struct acd_queue_conf conf;      /* what acd_queue_add gets; its
					    strings point into this struct
					    and the world                  */
	struct w_expr skills;            /* required skills               */
	uint32_t sites;                  /* site bit mask, 0 = every site */
	struct w_widen widen[ACD_MAX_WIDEN]; /* steps, after_ms rising     */
	unsigned n_widen;                /* steps used                    */
	bool skill_widen;                /* some step replaces skills     */
	char skills_str[W_EXPR_STR];     /* conf.skills                   */
	char sites_str[64];              /* conf.sites                    */
};

struct w_agent {
	char id[W_ID];                   /* "a7"                          */
	int tenant;                      /* tenant index, -1 = any        */
	uint8_t level[W_NSKILL];         /* 0 = lacks the skill, else 1..5*/
	char skills_str[320];            /* "lang:fr=5 product:fibre=2"   */
};

struct w_pos {
	char id[W_ID];                   /* "p4"                          */
	unsigned site;                   /* site index                    */
};

/* How big a center to generate. */
struct w_sizes {
	unsigned tenants;                /* 1..                           */
	unsigned sites;                  /* 1..32                         */
	unsigned positions;              /* positions (seats)             */
	unsigned queues;                 /* queues                        */
	unsigned agents;                 /* agents                        */
	unsigned langs;                  /* languages used, 1..W_NLANG    */
	unsigned prods;                  /* products used, 1..W_NPROD     */
	unsigned member_pct;             /* chance an agent joins a queue */
	bool varied;                     /* random strategies, timers,
					    widening, rules; else plain
					    longest-idle queues            */
};

struct world {
	unsigned n_tenants;              /* tenants "t0".."tN-1"          */
	unsigned n_sites;                /* sites "s0".."sN-1"            */
	unsigned n_pos;                  /* positions                     */
	unsigned n_queues;               /* queues                        */
	unsigned n_agents;               /* agents                        */
	struct w_pos *pos;               /* [n_pos]                       */
	struct w_queue *queue;           /* [n_queues]                    */
	struct w_agent *agent;           /* [n_agents]                    */
	uint8_t *member;                 /* [q * n_agents + a]: initial
					    membership, 0/1                 */
	uint16_t *weight;                /* [q * n_agents + a]: 1..1000   */
	char tenant_id[32][W_ID];        /* tenant ids                    */
	unsigned langs;                  /* languages used (w_sizes)      */
	unsigned prods;                  /* products used (w_sizes)       */
	char site_id[32][W_ID];          /* site ids                      */
};

/* Skill name, "lang:fr" or "product:fibre". */
const char *w_skill_name(unsigned skill);
/* Writes expr as "lang:fr>=3 & product:fibre>=2" ("" when empty). */
void w_expr_str(const struct w_expr *e, char *buf, size_t size);
bool w_expr_ok(const struct w_expr *e, const struct w_agent *ag);

/* Generates a center from seed (deterministic). On error nothing to free.*/
int world_gen(struct world *w, uint64_t seed, const struct w_sizes *sz);
void world_free(struct world *w);
/* Prints the center, for bug reports. */
void world_print(FILE *f, const struct world *w);
/* Draws queue qi's routing anew from seed (strategy, skills, sites,
 * widening; tenant and other settings kept): a live routing change. */
void world_reroute(struct world *w, unsigned qi, uint64_t seed);
/* Declares the world to the engine: tenants, sites, positions, queues,
 * agents and memberships. Returns the first error. */
int world_load(const struct world *w, struct acd *acd);

/* ---------------------------------------------------------------------
 * Inputs
 * ------------------------------------------------------------------- */

enum drv_op {
	OP_LOGIN = 0, OP_LOGOUT, OP_PAUSE, OP_READY, OP_ARRIVE, OP_ACCEPT,
	OP_DECLINE, OP_NO_ANSWER, OP_FAIL, OP_HANGUP, OP_EXIT_KEY,
	OP_TRANSFER, OP_TICK, OP_MEMBER_ADD, OP_MEMBER_REMOVE, OP_SKILLS,
	OP_ROUTING,
	OP_COUNT
};

/* Configuration inputs: they take no now (the engine routes at its
 * latest time), so no tick runs before them. */
bool drv_op_untimed(enum drv_op op);

/* What the contract says the input must return given the model. */
enum drv_expect {
	EXPECT_OK = 0,                   /* must succeed                  */
	EXPECT_ERR,                      /* must fail and change nothing  */
	EXPECT_EITHER,                   /* the contract leaves it open   */
};

/* One input. Indexes -1 stand for an id the engine does not know. */
struct drv_input {
	enum drv_op op;                  /* which acd_* function          */
	acd_ms_t now;                    /* its now, ms                   */
	int agent;                       /* agent index or -1             */
	int pos;                         /* position index or -1          */
	int queue;                       /* queue index or -1             */
	uint64_t call;                   /* call id (may be unknown)      */
	enum acd_party by;               /* hangup: who                   */
	char key;                        /* exit key                      */
	int prio;                        /* arrive: call priority         */
	struct w_expr extra;             /* arrive: extra skills          */
	const char *bad_extra;           /* arrive: a malformed expression
					    to send instead, or NULL        */
	unsigned weight;                 /* member add: weight (may be 0) */
	const char *reason;              /* pause reason                  */
	uint8_t level[W_NSKILL];         /* skills: the agent's new levels*/
	char skills_str[320];            /* skills: as the engine reads it*/
	uint64_t routing_seed;           /* routing: draws the new routing*/
};

/* Runs one input against the engine (no checking). */
int drv_apply(struct acd *acd, const struct world *w,
	      const struct drv_input *in, uint64_t *callp);
/* Prints the input as a C call, for bug reports. */
void drv_input_print(FILE *f, const struct world *w,
		     const struct drv_input *in, int rc);

/* ---------------------------------------------------------------------
 * The checker
 * ------------------------------------------------------------------- */

/* Checks that can be switched off one by one (all on by default). */
enum {
	CHK_RETURN     = 1u << 0,   /* return codes vs the contract      */
	CHK_UNCHANGED  = 1u << 1,   /* errors change nothing             */
	CHK_ELIGIBLE   = 1u << 2,   /* offers only to eligible agents    */
	CHK_WORK       = 1u << 3,   /* work-conserving                   */
	CHK_FIFO       = 1u << 4,   /* FIFO within effective priority    */
	CHK_STATS      = 1u << 5,   /* queue stats vs events             */
	CHK_INFO       = 1u << 6,   /* agent/call info vs model          */
	CHK_TIMERS     = 1u << 7,   /* timer events at their due time    */
	CHK_EMPTY      = 1u << 8,   /* join/leave-empty rules            */
	CHK_MAXLEN     = 1u << 9,   /* never more than max_len waiting   */
	CHK_STRATEGY   = 1u << 10,  /* the queue's strategy picks agents */
	CHK_ALL        = 0x7ffu
};

/* Engine bugs known and reported (/work/acd-bugs.md) that the checker
 * can be told to tolerate, one by one, until they are fixed. */
enum {
	KB_MAXLEN_RINGING = 1u << 0, /* 1: ringing calls not counted in
					max_len                        */
	KB_SAME_MS_TIMERS = 1u << 1, /* 2: same-ms timers interleaved with
					routing (FIFO/priority ties)   */
};

/* The model of one call, indexed by id. */
struct m_call {
	bool exists;                 /* CALL_ENTER seen                   */
	bool ended;                  /* terminal event seen               */
	bool in_transfer;            /* TRANSFER seen, CALL_ENTER due     */
	bool fresh;                  /* entered during the current input  */
	bool exit_empty;             /* ended by EXIT(empty) this input   */
	acd_ms_t exit_time;          /* when, ms                          */
	unsigned long ring_all_in;   /* input of its last ring-all offer  */
	acd_ms_t ring_all_t;         /* and its time, ms                  */
	unsigned long ring_all_ev;   /* event number of that offer        */
	unsigned queue;              /* current queue index               */
	int prio;                    /* call priority given at arrival    */
	struct w_expr extra;         /* extra skills given at arrival     */
	acd_ms_t enter;              /* entry time in the current queue   */
	uint64_t seq;                /* entry order (global counter)      */
	bool connected;              /* CONNECT seen, not ended/moved     */
	int agent;                   /* connected agent or -1             */
	acd_ms_t connect_time;       /* when CONNECT happened             */
	unsigned n_ring;             /* agents ringing for it now         */
	unsigned widened;            /* WIDEN events since entry          */
	unsigned widened_was;        /* before a routing input            */
	uint64_t refused;            /* agents (bit) that declined or did
				        not answer it (first 64)         */
};

struct m_agent {
	enum acd_agent_state state;  /* from AGENT_STATE events           */
	acd_ms_t since;              /* time of the last state event      */
	int pos;                     /* logged-in position or -1          */
	uint64_t offer;              /* ringing call or 0                 */
	acd_ms_t offer_time;         /* when it started ringing           */
	unsigned offer_queue;        /* the ringing call's queue          */
	uint64_t call;               /* connected call or 0               */
	unsigned call_queue;         /* queue the call was answered in    */
	acd_ms_t wrap_due;           /* end of wrap-up by its timer, or -1*/
	bool pending_pause;          /* paused on a call / in wrap-up     */
	acd_ms_t idle_from;          /* READY from other than an offer, ms*/
	acd_ms_t idle_stop;          /* READY other than by a stop, ms    */
	bool last_stop;              /* the last offer ended by OFFER_STOP*/
	unsigned long ready_ev;      /* event number of its last READY    */
	unsigned long let_go_in;     /* input in which it last declined or
				        let an offer ring out             */
	uint64_t answered;           /* CONNECT events                    */
	acd_ms_t talk;               /* talk_ms summed over COMPLETE      */
	acd_ms_t talk_xfer;          /* talk ended by TRANSFER, ms        */
};

struct m_queue {
	uint64_t entered;            /* CALL_ENTER                        */
	uint64_t answered;           /* CONNECT                           */
	uint64_t abandoned;          /* ABANDON                           */
	uint64_t exited;             /* EXIT                              */
	uint64_t sl_lt;              /* CONNECT with wait < sl_time       */
	uint64_t sl_le;              /* CONNECT with wait <= sl_time      */
};

struct chk_snap;

struct chk {
	const struct world *w;       /* the center                        */
	struct acd *acd;             /* queried at input boundaries       */
	unsigned checks;             /* CHK_* enabled                     */
	bool exempt_refused;         /* an agent that declined a call need
				        not be offered it again          */
	unsigned known_bugs;         /* KB_* tolerated                    */
	struct m_call *call;         /* [n_call], index = call id         */
	size_t n_call;               /* ids 0..n_call-1 (0 unused)        */
	size_t cap_call;             /* allocated                         */
	uint64_t next_id;            /* id the next arrival must get      */
	uint64_t *live;              /* calls not yet retired: live, or
				        ended during the current input   */
	size_t n_live;               /* used                              */
	size_t cap_live;             /* allocated                         */
	struct m_agent *agent;       /* [n_agents]                        */
	struct m_queue *queue;       /* [n_queues]                        */
	uint8_t *member;             /* current membership [q*na+a]       */
	uint32_t *member_ord;        /* member order (linear) [q*na+a]    */
	uint32_t ord_next;           /* order of the next member added    */
	uint32_t ord_was;            /* order before the current input    */
	uint64_t *q_answered;        /* CONNECTs per queue and agent      */
	acd_ms_t *q_talk;            /* talk per queue and agent, ms      */
	acd_ms_t *q_talk_xfer;       /* talk ended by transfer, same      */
	uint64_t seq;                /* entry counter                     */
	/* the input being run */
	struct drv_input in;         /* a copy                            */
	enum drv_expect expect;      /* its expectation                   */
	bool in_input;               /* between begin and end             */
	unsigned ev_in_input;        /* events seen during it             */
	acd_ms_t last_now;           /* now of the last successful input  */
	acd_ms_t clock;              /* the driver's clock: the latest now
				        given, failed inputs included    */
	acd_ms_t last_time;          /* time of the last event            */
	enum acd_agent_state prev_state; /* the input's agent, before it */
	uint8_t level_was[W_NSKILL]; /* skills input: the levels before   */
	struct w_queue queue_was;    /* routing input: the queue before   */
	size_t member_ix;            /* membership the input changes      */
	int member_was;              /* its value before, -1 if none      */
	struct chk_snap *snap;       /* before a possibly failing input   */
	/* results */
	unsigned long n_inputs;      /* inputs run                        */
	unsigned long n_events;      /* events seen                       */
	unsigned long n_errors;      /* inputs that returned an error     */
	unsigned violations;         /* failed checks                     */
	char first[512];             /* the first failure, with context   */
	FILE *trace;                 /* each failure printed here, or NULL*/
};

int chk_init(struct chk *c, const struct world *w, struct acd *acd);
void chk_reset(struct chk *c);
/* What the contract says about this input given the model. */
enum drv_expect chk_expect(const struct chk *c, const struct drv_input *in);
/* Around each input: begin takes a snapshot when it may fail. */
void chk_begin(struct chk *c, const struct drv_input *in);
void chk_end(struct chk *c, int rc, uint64_t call);
/* Every event, from the engine's handler (or doctored, by tests). */
void chk_event(struct chk *c, const struct acd_event *ev);
/* Is agent a eligible for call id at time t, by the model? */
bool chk_eligible(const struct chk *c, uint64_t id, unsigned a, acd_ms_t t);

/* ---------------------------------------------------------------------
 * The driver: a byte string becomes a center and a sequence of inputs
 * ------------------------------------------------------------------- */

struct drv_opts {
	unsigned max_inputs;         /* stop after this many, 0 = no limit*/
	unsigned checks;             /* CHK_*; 0 = CHK_ALL                */
	bool exempt_refused;         /* see struct chk                    */
	unsigned known_bugs;         /* KB_* tolerated                    */
	bool keep_log;               /* keep the text event log           */
	bool stop_on_violation;      /* stop at the first failure         */
	FILE *trace;                 /* inputs and failures, or NULL      */
};

struct drv_result {
	unsigned long inputs;        /* inputs run                        */
	unsigned long events;        /* events seen                       */
	unsigned long errors;        /* inputs that returned an error     */
	unsigned long calls;         /* calls that arrived                */
	unsigned long offers;        /* OFFER events                      */
	unsigned long connects;      /* CONNECT events                    */
	unsigned long strategies;    /* bit per strategy that offered     */
	unsigned violations;         /* failed checks                     */
	char first[512];             /* the first failure                 */
	uint64_t log_hash;           /* FNV-1a of the event log           */
	char *log;                   /* the log if keep_log (free() it)   */
	size_t log_len;              /* its length                        */
};

/* The first 8 bytes seed the center, the rest encode inputs. Returns 0,
 * or an errno value if the engine refused the generated configuration
 * (that is itself reported as a violation). */
int drv_run(const uint8_t *data, size_t len, const struct drv_opts *opts,
	    struct drv_result *res);

/* Fills buf with len bytes from a seeded PRNG (splitmix64). */
void drv_bytes(uint64_t seed, uint8_t *buf, size_t len);
uint64_t drv_rand(uint64_t *state);

/* Shrinks a failing input: returns the length of a shorter prefix-and-
 * chunk-deleted byte string (rewritten in place) that still fails. */
size_t drv_shrink(uint8_t *data, size_t len, const struct drv_opts *opts,
		  unsigned budget);

#endif
