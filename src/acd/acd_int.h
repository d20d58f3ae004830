/* acd_int.h — the routing engine's private structures and helpers. */
#ifndef PLATEAU_ACD_INT_H
#define PLATEAU_ACD_INT_H

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <re.h>
#include "acd.h"

/* The structure holding member m at address p. */
#define ACD_CONTAINER(p, type, m) ((type *)(void *)((char *)(p) - \
					offsetof(type, m)))

/* Bounds on outside input, so no caller can blow the engine up. */
#define ACD_ID_MAX        128   /* bytes in an id or a pause reason      */
#define ACD_EXPR_MAX      1024  /* bytes in a skill expression           */
#define ACD_EXPR_DEPTH    32    /* parenthesis nesting in an expression  */
#define ACD_EXPR_TERMS    128   /* comparisons in an expression          */
#define ACD_SKILLS_MAX    64    /* skills in an agent's list             */
#define ACD_CLASS_MAX     4096  /* routing classes in one engine         */
#define ACD_REASON_MAX    1024  /* distinct pause reasons kept           */
#define ACD_WEIGHT_MAX    1000  /* member weight is 1..ACD_WEIGHT_MAX    */
#define ACD_PRIO_MAX      1000000 /* |priority| of queues and calls      */
#define ACD_HANDLE_INIT   180000 /* mean handle time before any call, ms */

/* ---------------------------------------------------------------------
 * tree.c — an ordered set (treap) of intrusive nodes, augmented with
 * subtree size and weight sum: insert, remove, successor, rank,
 * select by rank and by weight prefix, all O(log n) expected; min O(1).
 * ------------------------------------------------------------------- */

struct tnode {
	struct tnode *l;           /* keys below                            */
	struct tnode *r;           /* keys above                            */
	uint64_t prio;             /* treap heap priority (max at the root) */
	uint32_t size;             /* nodes in this subtree                 */
	uint64_t w;                /* this node's weight                    */
	uint64_t wsum;             /* weights in this subtree               */
	int64_t k[3];              /* key, compared lexicographically; the
				      last part makes every key unique       */
	bool in;                   /* node is in a tree                     */
};

struct tree {
	struct tnode *root;        /* NULL when empty                       */
	struct tnode *min;         /* the first node, or NULL: tree_min O(1)*/
	uint64_t rng;              /* splitmix64 state for node priorities  */
};

void tree_init(struct tree *t, uint64_t seed);
void tree_insert(struct tree *t, struct tnode *n);
void tree_remove(struct tree *t, struct tnode *n);
struct tnode *tree_min(const struct tree *t);
struct tnode *tree_after(const struct tree *t, const int64_t k[3]);
uint32_t tree_rank(const struct tree *t, const struct tnode *n);
struct tnode *tree_select(const struct tree *t, uint32_t idx);
struct tnode *tree_select_weight(const struct tree *t, uint64_t r);
uint32_t tree_count(const struct tree *t);
uint64_t tree_weight(const struct tree *t);
int tree_keycmp(const int64_t a[3], const int64_t b[3]);
uint64_t acd_splitmix64(uint64_t *state);

/* ---------------------------------------------------------------------
 * skills.c — skill expressions and agents' skill lists
 * ------------------------------------------------------------------- */

enum skop { SKOP_GE = 0, SKOP_GT, SKOP_EQ, SKOP_LE, SKOP_LT, SKOP_NE };

struct skill {
	char *name;                /* e.g. "lang:fr"                        */
	uint8_t level;             /* 1..ACD_LEVEL_MAX                      */
};

/* An agent's skills, sorted by name for binary search. */
struct skillset {
	struct skill *v;           /* sorted by name                        */
	unsigned n;                /* entries                               */
};

/* A compiled expression: nodes in an array, root last. */
struct sknode {
	uint8_t type;              /* SKN_TERM, SKN_AND, SKN_OR             */
	uint8_t op;                /* enum skop, for terms                  */
	uint8_t level;             /* compared level 0..5, for terms        */
	uint16_t a;                /* left child index, or name index       */
	uint16_t b;                /* right child index                     */
};

enum { SKN_TERM = 0, SKN_AND, SKN_OR };

struct skexpr {
	struct sknode *v;          /* nodes; the root is v[n - 1]           */
	unsigned n;                /* nodes used                            */
	char **names;              /* distinct skill names, sorted          */
	unsigned n_names;          /* entries in names                      */
	char *canon;               /* canonical text, fully parenthesised   */
};

/* Parse an expression; NULL or "" gives *ep = NULL (no requirement).
 * On error EINVAL and msg names the offset and what was expected. */
int skexpr_parse(struct skexpr **ep, const char *s, char *msg, size_t sz);
bool skexpr_match(const struct skexpr *e, const struct skillset *ss);
int skillset_parse(struct skillset *ss, const char *s, char *msg,
		   size_t sz);
void skillset_reset(struct skillset *ss);
unsigned skillset_level(const struct skillset *ss, const char *name);

/* ---------------------------------------------------------------------
 * Engine objects
 * ------------------------------------------------------------------- */

struct tenant {
	struct le he;              /* in acd->tenants                       */
	char *id;                  /* tenant id                             */
};

struct site {
	struct le he;              /* in acd->sites                         */
	char *id;                  /* site id                               */
};

struct position {
	struct le he;              /* in acd->positions                     */
	char *id;                  /* position id                           */
	struct site *site;         /* where the seat is                     */
	struct agent *agent;       /* agent logged in here, or NULL         */
};

struct widen {
	acd_ms_t after_ms;         /* wait after which it applies, ms       */
	struct skexpr *skills;     /* new queue expression, NULL = keep     */
	bool set_skills;           /* step sets the expression              */
	char *add_queue;           /* queue id, resolved at call arrival    */
	struct site *add_site;     /* site made eligible, or NULL           */
};

struct queue {
	struct le he;              /* in acd->queues (first, as in named)   */
	char *id;                  /* queue id (second, as in named)        */
	struct le le;              /* in acd->queuel (creation order)       */
	struct tenant *tenant;     /* owning tenant                         */
	enum acd_strategy strategy;/* how the agent is picked               */
	struct skexpr *skills;     /* required skills, or NULL              */
	struct site **sites;       /* allowed sites; n_sites 0 = all        */
	unsigned n_sites;          /* entries in sites                      */
	int priority;              /* added to call priorities              */
	double sl_target;          /* service-level target share            */
	acd_ms_t sl_time_ms;       /* service-level threshold, ms           */
	acd_ms_t ring_timeout_ms;  /* offer rings this long, ms             */
	acd_ms_t wrapup_ms;        /* after-call work, ms                   */
	acd_ms_t max_wait_ms;      /* exit(timeout) after, ms; 0 none       */
	unsigned max_len;          /* waiting calls at most; 0 none         */
	enum acd_empty_rule join_empty;  /* refuse arrivals when empty      */
	enum acd_empty_rule leave_empty; /* send waiting calls away         */
	unsigned max_no_answer;    /* no-answers before pause; 0 never      */
	acd_ms_t announce_ms;      /* announcement period, ms; 0 none       */
	struct widen widen[ACD_MAX_WIDEN]; /* widening steps                */
	unsigned n_widen;          /* steps used                            */

	struct list members;       /* struct member, in member order        */
	uint64_t member_seq;       /* next member order number              */
	struct list classes;       /* struct classref: classes using it     */
	struct rclass *plain[ACD_MAX_WIDEN + 1]; /* class chain of its calls
				      without extra skills, once made; reset
				      when a queue is added (widening steps
				      name queues by id)                    */
	int64_t rr_last;           /* round-robin: order key last offered   */

	struct list line;          /* calls in line (waiting or ringing), by
				      entry: each enters at the tail        */
	unsigned waiting;          /* calls waiting (in a class's tree)     */
	unsigned ringing;          /* calls being offered                   */
	unsigned agents[ACD_AGENT_STATE_COUNT]; /* members by state         */
	uint64_t entered;          /* calls that entered, ever              */
	uint64_t answered;         /* connected                             */
	uint64_t answered_in_sl;   /* connected within sl_time_ms           */
	uint64_t abandoned;        /* hung up before connect                */
	uint64_t exited;           /* exits of any reason                   */
	acd_ms_t mean_handle_ms;   /* EWMA of talk + wrap-up, ms            */
};

struct member {
	struct le qle;             /* in queue->members                     */
	struct le ale;             /* in agent->members                     */
	struct queue *q;           /* the queue                             */
	struct agent *a;           /* the agent                             */
	unsigned weight;           /* 1..ACD_WEIGHT_MAX                     */
	uint64_t order;            /* member order in the queue, 1-based    */
};

struct agent {
	struct le he;              /* in acd->agents (first, as in named)   */
	char *id;                  /* agent id (second, as in named)        */
	struct le le;              /* in acd->agentl (creation order)       */
	uint64_t seq;              /* creation order, final tie-breaker     */
	struct tenant *tenant;     /* NULL = any tenant                     */
	struct skillset skills;    /* levels 1..5                           */
	enum acd_agent_state state;/* current state                         */
	acd_ms_t since;            /* when the state began, ms              */
	const char *reason;        /* pause reason (interned) or NULL       */
	const char *pending_pause; /* pause after wrap-up (interned) or NULL*/
	struct position *pos;      /* position while logged in              */
	struct call *call;         /* offered or connected call, or NULL    */
	uint64_t calls_answered;   /* since added                           */
	acd_ms_t talk_ms;          /* total talk time since added, ms       */
	unsigned no_answers;       /* consecutive offers not answered       */
	acd_ms_t ready_since;      /* start of the current idle time, ms    */
	struct list members;       /* struct member, memberships            */
	struct list cms;           /* struct cmember, classes while logged in*/
	struct le ole;             /* in call->offers while offered         */
	struct le wle;             /* in acd->fresh (ready, not yet placed)
				      or acd->later (let a call ring out)   */
	uint32_t wrap_gen;         /* wrap-up timer generation              */
};

/* A routing class: the calls that need exactly the same agents. */
struct rclass {
	struct le he;              /* in acd->classes, by key               */
	struct le le;              /* in acd->classl                        */
	char *key;                 /* canonical key text                    */
	struct queue *q;           /* the queue calls wait in               */
	struct skexpr *qexpr;      /* queue part of the requirement (ref)   */
	struct skexpr *xexpr;      /* call's extra requirement (ref)        */
	struct queue **xq;         /* extra queues whose members count      */
	unsigned n_xq;             /* entries in xq                         */
	struct site **xs;          /* extra allowed sites                   */
	unsigned n_xs;             /* entries in xs                         */
	struct le *qlinks;         /* n_xq + 1 links into queue->classes    */
	struct le tle;             /* in acd->touched until the step routes */
	struct tree calls;         /* waiting calls (-prio, enter, seq)     */
	struct tree ready;         /* ready eligible agents, strategy key   */
	struct list cms;           /* struct cmember: eligible logged-in    */
	unsigned n_logged;         /* eligible agents logged in             */
	unsigned n_unpaused;       /* of those, not paused                  */
};

/* An agent's membership of a class (while logged in and eligible). */
struct cmember {
	struct le ale;             /* in agent->cms                         */
	struct le cle;             /* in rclass->cms                        */
	struct rclass *c;          /* the class                             */
	struct agent *a;           /* the agent                             */
	struct tnode node;         /* in c->ready while the agent is ready  */
	unsigned weight;           /* member weight for this class          */
	int64_t order;             /* member order key (linear, rr)         */
	int64_t score;             /* sum of levels on the named skills     */
};

enum call_state { CALL_WAITING = 0, CALL_RINGING, CALL_CONNECTED };

enum tmr_kind {
	TMR_RING = 0, TMR_MAXWAIT, TMR_WIDEN, TMR_ANNOUNCE, TMR_WRAPUP,
	TMR_KINDS
};

struct call {
	struct le he;              /* in acd->calls                         */
	uint64_t id;               /* 1, 2, 3…                              */
	struct queue *q;           /* current queue                         */
	int prio;                  /* the call's own priority               */
	int eprio;                 /* effective: queue + call priority      */
	acd_ms_t enter;            /* entry time in the current queue, ms   */
	uint64_t seq;              /* entry order (arrivals and transfers)  */
	struct skexpr *xexpr;      /* extra required skills (ref) or NULL   */
	struct rclass *chain[ACD_MAX_WIDEN + 1]; /* class at each step      */
	unsigned n_chain;          /* entries in chain                      */
	unsigned step;             /* steps applied; class = chain[step]    */
	enum call_state st;        /* waiting, ringing or connected         */
	struct tnode cnode;        /* in class->calls while waiting         */
	struct le qle;             /* in queue->line, waiting or ringing    */
	struct list offers;        /* agents ringing for it (agent->ole)    */
	struct agent *agent;       /* connected agent                       */
	acd_ms_t connect_time;     /* when answered, ms                     */
	unsigned announces;        /* announcements made in this queue      */
	uint32_t gen[TMR_KINDS];   /* timer generations (lazy deletion)     */
};

struct timer {
	acd_ms_t due;              /* when it falls due, ms                 */
	uint64_t seq;              /* start order, ties broken by it        */
	uint64_t call;             /* call id, or 0                         */
	struct agent *agent;       /* agent, for TMR_WRAPUP                 */
	uint32_t gen;              /* generation at start                   */
	uint8_t kind;              /* enum tmr_kind                         */
};

struct acd {
	acd_event_h *eh;           /* event handler, may be NULL            */
	void *arg;                 /* handler argument                      */
	uint64_t rng;              /* splitmix64 state (random strategies)  */
	char errmsg[256];          /* last error message                    */
	acd_ms_t now;              /* latest time seen, ms                  */
	bool in_handler;           /* an event handler is running           */
	struct hash *tenants;      /* struct tenant by id                   */
	struct hash *sites;        /* struct site by id                     */
	struct hash *positions;    /* struct position by id                 */
	struct hash *queues;       /* struct queue by id                    */
	struct hash *agents;       /* struct agent by id                    */
	struct hash *calls;        /* struct call by id                     */
	struct hash *classes;      /* struct rclass by key                  */
	struct hash *reasons;      /* interned pause reasons                */
	struct list queuel;        /* queues in creation order              */
	struct list agentl;        /* agents in creation order              */
	struct list classl;        /* classes in creation order             */
	struct list gone;          /* removed tenants, sites, positions,
				      queues and agents (through their he),
				      kept since events and timers point at
				      them; freed at the end                */
	unsigned n_classes;        /* classes made                          */
	size_t n_agents;           /* agents added                          */
	size_t n_positions;        /* positions added                       */
	size_t n_queues;           /* queues added                          */
	size_t n_calls;            /* calls not ended (in acd->calls)       */
	unsigned n_reasons;        /* reasons interned                      */
	uint64_t next_call;        /* next call id                          */
	uint64_t entry_seq;        /* entries so far (call->seq)            */
	struct list touched;       /* classes whose calls, ready agents or
				      empty rule changed in this step       */
	struct list fresh;         /* agents made ready in this step, not
				      yet in their classes' ready sets      */
	struct list later;         /* agents that let a call ring out in
				      this step: ready once it is re-offered*/
	uint64_t agent_seq;        /* next agent sequence number            */
	struct timer *heap;        /* binary min-heap of timers             */
	size_t heap_n;             /* timers in the heap                    */
	size_t heap_cap;           /* capacity                              */
	uint64_t tmr_seq;          /* next timer sequence number            */
};

/* acd.c */
int acd_err(struct acd *acd, int err, const char *fmt, ...);
void acd_emit(struct acd *acd, struct acd_event *ev);
struct queue *acd_queue_find(const struct acd *acd, const char *id);
struct agent *acd_agent_find(const struct acd *acd, const char *id);
struct call *acd_call_find(const struct acd *acd, uint64_t id);
struct site *acd_site_find(const struct acd *acd, const char *id);
struct member *acd_member_find(const struct queue *q,
			       const struct agent *a);

/* acd.c, for live.c */
void agent_unready(struct agent *a);
void class_touch(struct acd *acd, struct rclass *c);
void settle(struct acd *acd);
int chain_build(struct acd *acd, struct queue *q, struct skexpr *x,
		struct rclass **chain);
int reserve(struct acd *acd);
void queue_settings_copy(struct queue *q, const struct acd_queue_conf *f);
int queue_routing_parse(struct acd *acd, const struct acd_queue_conf *f,
			struct queue *q);
void queue_destroy(void *arg);
int queue_conf_check(struct acd *acd, const struct acd_queue_conf *f,
		     struct tenant **tp);
void *acd_named_find(const struct hash *h, const char *id);

/* timers.c */
int timer_start(struct acd *acd, acd_ms_t due, enum tmr_kind kind,
		uint64_t call, struct agent *agent, uint32_t gen);
int timer_reserve(struct acd *acd, size_t more);
bool timer_pop_due(struct acd *acd, acd_ms_t now, struct timer *t);
void timer_prune(struct acd *acd);
acd_ms_t timer_next(const struct acd *acd);
bool timer_valid(const struct acd *acd, const struct timer *t);

/* class.c */
int class_get(struct acd *acd, struct rclass **cp, struct queue *q,
	      unsigned step, struct skexpr *xexpr);
bool class_eligible(const struct rclass *c, const struct agent *a);
struct cmember *class_member_of(const struct agent *a,
				const struct rclass *c);
struct cmember *class_cm_alloc(struct rclass *c, struct agent *a);
void class_cm_link(struct cmember *cm);
void class_leave(struct cmember *cm);
void class_refresh(struct cmember *cm);
int class_collect(struct acd *acd, struct agent *a, struct queue *only,
		  struct list *out);

/* strategy.c */
void strategy_key(struct cmember *cm);
struct cmember *strategy_pick(struct acd *acd, struct rclass *c);

#endif
