/* acd_check.c — an invariant checker for the routing engine that knows it
 * only through the event stream and the public query API.
 *
 * It keeps its own model (agents, calls, memberships, counters) from the
 * generated configuration, the inputs given and the events seen, checks
 * each event as it comes, and after each input compares the model with
 * acd_agent_info / acd_queue_stats / acd_call_info and checks the
 * invariants that must hold between inputs (work-conserving, timers not
 * late, limits). Eligibility is computed here from the configuration,
 * widening included, never asked of the engine.
 *
 * Where the contract leaves a choice open (order of simultaneous events,
 * whether a wrap-up of 0 ms is a state), both choices are accepted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "acd_driver.h"

static const char *const op_names[OP_COUNT] = {
	"login", "logout", "pause", "ready", "arrive", "accept", "decline",
	"no-answer", "fail", "hangup", "exit-key", "transfer", "tick", "member-add",
	"member-remove", "skills", "routing",
};

/* =====================================================================
 * Failures
 * =================================================================== */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void fail(struct chk *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->violations++;
	if (c->violations == 1)
		snprintf(c->first, sizeof(c->first),
			 "input #%lu (%s, now %" PRId64 "): %s", c->n_inputs,
			 c->in.op < OP_COUNT ? op_names[c->in.op] : "?",
			 c->in.now, msg);
	if (c->trace)
		fprintf(c->trace, "VIOLATION: %s\n", msg);
}

/* =====================================================================
 * Model helpers
 * =================================================================== */

/* "q3" -> 3 when prefix matches and 3 < n, else -1. */
static int idx(const char *s, char prefix, unsigned n)
{
	char *end;
	unsigned long v;

	if (!s || s[0] != prefix || s[1] < '0' || s[1] > '9')
		return -1;
	v = strtoul(s + 1, &end, 10);
	if (*end || v >= n)
		return -1;
	return (int)v;
}

static bool streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static const struct w_queue *wq(const struct chk *c, unsigned q)
{
	return &c->w->queue[q];
}

static bool is_member(const struct chk *c, unsigned q, unsigned a)
{
	return c->member[(size_t)q * c->w->n_agents + a] != 0;
}

static int eff_prio(const struct chk *c, const struct m_call *mc)
{
	return wq(c, mc->queue)->conf.priority + mc->prio;
}

/* Waiting for an agent: live, not connected, not ringing, not moving. */
static bool waiting(const struct m_call *mc)
{
	return mc->exists && !mc->ended && !mc->connected && !mc->in_transfer
	       && mc->n_ring == 0;
}

bool chk_eligible(const struct chk *c, uint64_t id, unsigned a, acd_ms_t t)
{
	const struct m_call *mc;
	const struct w_queue *q;
	const struct w_agent *ag;
	const struct w_expr *skills;
	uint32_t sites;
	bool member;
	int pos;

	if (id == 0 || id >= c->n_call || a >= c->w->n_agents)
		return false;
	mc = &c->call[id];
	q = wq(c, mc->queue);
	ag = &c->w->agent[a];
	pos = c->agent[a].pos;
	if (pos < 0)
		return false;
	if (ag->tenant >= 0 && (unsigned)ag->tenant != q->tenant)
		return false;
	skills = &q->skills;
	sites = q->sites;
	member = is_member(c, mc->queue, a);
	for (unsigned i = 0; i < q->n_widen; i++) {
		const struct w_widen *wd = &q->widen[i];

		if (mc->enter + wd->after_ms > t)
			break;
		if (wd->has_skills)
			skills = &wd->skills;
		if (wd->add_queue >= 0 && is_member(c, (unsigned)wd->add_queue,
						    a))
			member = true;
		if (wd->add_site >= 0 && sites)
			sites |= 1u << wd->add_site;
	}
	if (!member)
		return false;
	if (sites && !(sites & (1u << c->w->pos[pos].site)))
		return false;
	return w_expr_ok(skills, ag) && w_expr_ok(&mc->extra, ag);
}

/* The agent that makes the join/leave-empty rule fail for a call at
 * time t, or -1 if the rule holds (the call is refused / sent away). */
static int empty_agent(const struct chk *c, uint64_t id,
		       enum acd_empty_rule rule, acd_ms_t t,
		       bool pending_paused)
{
	for (unsigned a = 0; a < c->w->n_agents; a++) {
		const struct m_agent *ma = &c->agent[a];

		if (!chk_eligible(c, id, a, t))
			continue;
		if (rule == ACD_EMPTY_NO_AGENTS)
			return (int)a;
		if (ma->state != ACD_AGENT_PAUSED
		    && !(pending_paused && ma->pending_pause))
			return (int)a;
	}
	return -1;
}

/* Does the rule hold? Whether an agent whose pause waits for the end of
 * a call counts as paused is left open by the contract: `must` says it
 * does not (the rule surely holds), otherwise it does (may hold). */
static bool empty_cond(const struct chk *c, uint64_t id,
		       enum acd_empty_rule rule, acd_ms_t t, bool must)
{
	if (rule == ACD_EMPTY_ALLOW)
		return false;
	return empty_agent(c, id, rule, t, !must) < 0;
}

/* =====================================================================
 * Life cycle
 * =================================================================== */

struct s_agent {
	int rc;                          /* acd_agent_info's return       */
	struct acd_agent_info i;         /* its answer                    */
	char reason[32];                 /* copies of its strings         */
	char pending[32];
	char pos[W_ID];
	char site[W_ID];
};

struct s_queue {
	int rc;                          /* acd_queue_stats's return      */
	struct acd_queue_stats s;        /* its answer                    */
	char tenant[W_ID];               /* copy of s.tenant              */
};

struct s_call {
	uint64_t id;                     /* the call                      */
	int rc;                          /* acd_call_info's return        */
	struct acd_call_info i;          /* its answer                    */
	char queue[W_ID];                /* copies of its strings         */
	char agent[W_ID];
};

struct chk_snap {
	struct s_agent *agent;           /* [n_agents]                    */
	struct s_queue *queue;           /* [n_queues]                    */
	struct s_call *call;             /* [n_calls]                     */
	size_t n_calls;                  /* used                          */
	size_t cap_calls;                /* allocated                     */
	acd_ms_t deadline;               /* acd_next_deadline             */
	char errmsg[8];                  /* unused: errmsg may change     */
};

int chk_init(struct chk *c, const struct world *w, struct acd *acd)
{
	size_t nm = (size_t)w->n_queues * w->n_agents;

	memset(c, 0, sizeof(*c));
	c->w = w;
	c->acd = acd;
	c->checks = CHK_ALL;
	c->next_id = 1;
	c->agent = calloc(w->n_agents, sizeof(*c->agent));
	c->queue = calloc(w->n_queues, sizeof(*c->queue));
	c->member = malloc(nm ? nm : 1);
	c->member_ord = malloc((nm ? nm : 1) * sizeof(*c->member_ord));
	c->q_answered = calloc(nm ? nm : 1, sizeof(*c->q_answered));
	c->q_talk = calloc(nm ? nm : 1, sizeof(*c->q_talk));
	c->q_talk_xfer = calloc(nm ? nm : 1, sizeof(*c->q_talk_xfer));
	c->snap = calloc(1, sizeof(*c->snap));
	if (c->snap) {
		c->snap->agent = calloc(w->n_agents, sizeof(struct s_agent));
		c->snap->queue = calloc(w->n_queues, sizeof(struct s_queue));
	}
	if (!c->agent || !c->queue || !c->member || !c->member_ord
	    || !c->q_answered || !c->q_talk || !c->q_talk_xfer || !c->snap
	    || !c->snap->agent || !c->snap->queue) {
		chk_reset(c);
		return ENOMEM;
	}
	memcpy(c->member, w->member, nm);
	/* world_load adds members queue by queue, agents in index order */
	for (size_t i = 0; i < nm; i++)
		c->member_ord[i] = (uint32_t)(i % w->n_agents);
	c->ord_next = w->n_agents;
	for (unsigned a = 0; a < w->n_agents; a++) {
		c->agent[a].pos = -1;
		c->agent[a].wrap_due = -1;
	}
	return 0;
}

void chk_reset(struct chk *c)
{
	if (c->snap) {
		free(c->snap->agent);
		free(c->snap->queue);
		free(c->snap->call);
		free(c->snap);
	}
	free(c->call);
	free(c->live);
	c->live = NULL;
	free(c->agent);
	free(c->queue);
	free(c->member);
	free(c->member_ord);
	free(c->q_answered);
	free(c->q_talk);
	free(c->q_talk_xfer);
	c->member_ord = NULL;
	c->q_answered = NULL;
	c->q_talk = c->q_talk_xfer = NULL;
	c->snap = NULL;
	c->call = NULL;
	c->agent = NULL;
	c->queue = NULL;
	c->member = NULL;
}

static int grow_calls(struct chk *c, uint64_t id)
{
	if (id < c->cap_call) {
		if (id >= c->n_call)
			c->n_call = id + 1;
		return 0;
	}
	size_t cap = c->cap_call ? c->cap_call * 2 : 256;
	while (cap <= id)
		cap *= 2;
	struct m_call *p = realloc(c->call, cap * sizeof(*p));
	if (!p)
		return ENOMEM;
	memset(p + c->cap_call, 0, (cap - c->cap_call) * sizeof(*p));
	c->call = p;
	c->cap_call = cap;
	c->n_call = id + 1;
	return 0;
}

/* =====================================================================
 * Expectations
 * =================================================================== */

enum drv_expect chk_expect(const struct chk *c, const struct drv_input *in)
{
	const struct m_agent *ma = in->agent >= 0 ? &c->agent[in->agent]
						  : NULL;
	const struct m_call *mc = NULL;

	if (in->call > 0 && in->call < c->n_call && c->call[in->call].exists
	    && !c->call[in->call].ended)
		mc = &c->call[in->call];

	switch (in->op) {
	case OP_LOGIN:
		if (!ma || in->pos < 0 || ma->state != ACD_AGENT_LOGGED_OUT)
			return EXPECT_ERR;
		for (unsigned a = 0; a < c->w->n_agents; a++) {
			if (c->agent[a].pos == in->pos)
				return EXPECT_EITHER; /* seat taken */
		}
		return EXPECT_OK;
	case OP_LOGOUT:
		if (!ma || ma->state == ACD_AGENT_LOGGED_OUT
		    || ma->state == ACD_AGENT_ON_CALL)
			return EXPECT_ERR;
		return ma->state == ACD_AGENT_WRAP_UP ? EXPECT_EITHER
						      : EXPECT_OK;
	case OP_PAUSE:
		if (!ma || ma->state == ACD_AGENT_LOGGED_OUT)
			return EXPECT_ERR;
		return ma->state == ACD_AGENT_PAUSED ? EXPECT_EITHER
						     : EXPECT_OK;
	case OP_READY:
		if (!ma || ma->state == ACD_AGENT_LOGGED_OUT
		    || ma->state == ACD_AGENT_OFFERED
		    || ma->state == ACD_AGENT_ON_CALL)
			return EXPECT_ERR;
		return ma->state == ACD_AGENT_READY ? EXPECT_EITHER
						    : EXPECT_OK;
	case OP_ARRIVE:
		if (in->queue < 0 || in->bad_extra)
			return EXPECT_ERR;
		return EXPECT_OK;
	case OP_ACCEPT:
	case OP_DECLINE:
	case OP_NO_ANSWER:
	case OP_FAIL:
		if (!ma || !mc || ma->offer != in->call)
			return EXPECT_ERR;
		return EXPECT_OK;
	case OP_HANGUP:
		if (!mc)
			return EXPECT_ERR;
		if (!mc->connected && in->by == ACD_PARTY_AGENT)
			return EXPECT_EITHER;
		return mc->in_transfer ? EXPECT_EITHER : EXPECT_OK;
	case OP_EXIT_KEY:
		if (!mc || mc->connected)
			return EXPECT_ERR;
		return mc->n_ring ? EXPECT_EITHER : EXPECT_OK;
	case OP_TRANSFER:
		if (in->queue < 0 || !mc || !mc->connected)
			return EXPECT_ERR;
		if (wq(c, (unsigned)in->queue)->tenant
			    != wq(c, mc->queue)->tenant
		    || (unsigned)in->queue == mc->queue)
			return EXPECT_EITHER;
		return EXPECT_OK;
	case OP_TICK:
		return EXPECT_OK;
	case OP_MEMBER_ADD:
		if (in->queue < 0 || !ma || in->weight < 1 || in->weight > 1000
		    || is_member(c, (unsigned)in->queue, (unsigned)in->agent))
			return EXPECT_ERR;
		if (c->w->agent[in->agent].tenant >= 0
		    && (unsigned)c->w->agent[in->agent].tenant
			       != wq(c, (unsigned)in->queue)->tenant)
			return EXPECT_EITHER;
		return EXPECT_OK;
	case OP_MEMBER_REMOVE:
		if (in->queue < 0 || !ma
		    || !is_member(c, (unsigned)in->queue, (unsigned)in->agent))
			return EXPECT_ERR;
		return EXPECT_OK;
	case OP_SKILLS:
		if (!ma)
			return EXPECT_ERR;
		/* a tenant's agent made member of another tenant's queue
		 * (allowed or not, above) refuses its profile */
		if (c->w->agent[in->agent].tenant >= 0) {
			for (unsigned q = 0; q < c->w->n_queues; q++) {
				if (is_member(c, q, (unsigned)in->agent) &&
				    wq(c, q)->tenant != (unsigned)
				    c->w->agent[in->agent].tenant)
					return EXPECT_EITHER;
			}
		}
		return EXPECT_OK;
	case OP_ROUTING:
		if (in->queue < 0)
			return EXPECT_ERR;
		/* a member of another tenant (see member-add) refuses it */
		for (unsigned a = 0; a < c->w->n_agents; a++) {
			if (is_member(c, (unsigned)in->queue, a) &&
			    c->w->agent[a].tenant >= 0 &&
			    (unsigned)c->w->agent[a].tenant !=
			    wq(c, (unsigned)in->queue)->tenant)
				return EXPECT_EITHER;
		}
		return EXPECT_OK;
	default:
		return EXPECT_ERR;
	}
}

/* =====================================================================
 * Snapshots: errors must change nothing
 * =================================================================== */

static void copy_str(char *dst, size_t size, const char *src)
{
	if (!src) {
		dst[0] = '\1'; /* NULL, told apart from "" */
		dst[1] = '\0';
		return;
	}
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void snap_agent(struct chk *c, unsigned a, struct s_agent *s)
{
	memset(s, 0, sizeof(*s));
	s->rc = acd_agent_info(c->acd, c->w->agent[a].id, &s->i);
	copy_str(s->reason, sizeof(s->reason), s->i.reason);
	copy_str(s->pending, sizeof(s->pending), s->i.pending_pause);
	copy_str(s->pos, sizeof(s->pos), s->i.position);
	copy_str(s->site, sizeof(s->site), s->i.site);
}

static void snap_queue(struct chk *c, unsigned q, struct s_queue *s)
{
	memset(s, 0, sizeof(*s));
	s->rc = acd_queue_stats(c->acd, c->w->queue[q].id, &s->s);
	copy_str(s->tenant, sizeof(s->tenant), s->s.tenant);
}

static void snap_call(struct chk *c, uint64_t id, struct s_call *s)
{
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->rc = acd_call_info(c->acd, id, &s->i);
	if (s->rc)
		return;
	copy_str(s->queue, sizeof(s->queue), s->i.queue);
	copy_str(s->agent, sizeof(s->agent), s->i.agent);
}

static void snap_take(struct chk *c)
{
	struct chk_snap *sn = c->snap;

	for (unsigned a = 0; a < c->w->n_agents; a++)
		snap_agent(c, a, &sn->agent[a]);
	for (unsigned q = 0; q < c->w->n_queues; q++)
		snap_queue(c, q, &sn->queue[q]);
	sn->n_calls = 0;
	for (size_t k = 0; k <= c->n_live; k++) {
		uint64_t id = k < c->n_live ? c->live[k] : c->next_id;

		if (sn->n_calls == sn->cap_calls) {
			size_t cap = sn->cap_calls ? 2 * sn->cap_calls : 64;
			struct s_call *p = realloc(sn->call, cap * sizeof(*p));

			if (!p)
				return;
			sn->call = p;
			sn->cap_calls = cap;
		}
		snap_call(c, id, &sn->call[sn->n_calls++]);
	}
	sn->deadline = acd_next_deadline(c->acd);
}

static bool agent_same(const struct s_agent *x, const struct s_agent *y)
{
	return x->rc == y->rc && x->i.state == y->i.state
	       && x->i.since == y->i.since && x->i.call == y->i.call
	       && x->i.calls_answered == y->i.calls_answered
	       && x->i.talk_ms == y->i.talk_ms
	       && x->i.no_answers == y->i.no_answers
	       && !strcmp(x->reason, y->reason)
	       && !strcmp(x->pending, y->pending) && !strcmp(x->pos, y->pos)
	       && !strcmp(x->site, y->site);
}

static bool queue_same(const struct s_queue *x, const struct s_queue *y)
{
	if (x->rc != y->rc || strcmp(x->tenant, y->tenant))
		return false;
	for (int s = 0; s < ACD_AGENT_STATE_COUNT; s++) {
		if (x->s.agents[s] != y->s.agents[s])
			return false;
	}
	return x->s.waiting == y->s.waiting && x->s.ringing == y->s.ringing
	       && x->s.oldest_enter == y->s.oldest_enter
	       && x->s.entered == y->s.entered
	       && x->s.answered == y->s.answered
	       && x->s.answered_in_sl == y->s.answered_in_sl
	       && x->s.abandoned == y->s.abandoned
	       && x->s.exited == y->s.exited
	       && x->s.mean_handle_ms == y->s.mean_handle_ms;
}

static bool call_same(const struct s_call *x, const struct s_call *y)
{
	if (x->rc != y->rc)
		return false;
	if (x->rc)
		return true;
	return !strcmp(x->queue, y->queue) && !strcmp(x->agent, y->agent)
	       && x->i.connected == y->i.connected
	       && x->i.priority == y->i.priority && x->i.enter == y->i.enter
	       && x->i.position_in_line == y->i.position_in_line;
}

static void snap_compare(struct chk *c)
{
	struct chk_snap *sn = c->snap;
	struct s_agent sa;
	struct s_queue sq;
	struct s_call sc;

	for (unsigned a = 0; a < c->w->n_agents; a++) {
		snap_agent(c, a, &sa);
		if (!agent_same(&sa, &sn->agent[a]))
			fail(c, "failed input changed acd_agent_info(%s)",
			     c->w->agent[a].id);
	}
	for (unsigned q = 0; q < c->w->n_queues; q++) {
		snap_queue(c, q, &sq);
		if (!queue_same(&sq, &sn->queue[q]))
			fail(c, "failed input changed acd_queue_stats(%s)",
			     c->w->queue[q].id);
	}
	for (size_t i = 0; i < sn->n_calls; i++) {
		snap_call(c, sn->call[i].id, &sc);
		if (!call_same(&sc, &sn->call[i]))
			fail(c, "failed input changed acd_call_info(%" PRIu64
			     ")", sn->call[i].id);
	}
	if (acd_next_deadline(c->acd) != sn->deadline)
		fail(c, "failed input changed acd_next_deadline: %" PRId64
		     " -> %" PRId64, sn->deadline, acd_next_deadline(c->acd));
}

/* =====================================================================
 * Events
 * =================================================================== */

static const bool transition_ok[ACD_AGENT_STATE_COUNT]
			       [ACD_AGENT_STATE_COUNT] = {
	[ACD_AGENT_LOGGED_OUT] = {[ACD_AGENT_READY] = 1,
				  [ACD_AGENT_PAUSED] = 1},
	[ACD_AGENT_READY] = {[ACD_AGENT_OFFERED] = 1, [ACD_AGENT_PAUSED] = 1,
			     [ACD_AGENT_LOGGED_OUT] = 1},
	[ACD_AGENT_PAUSED] = {[ACD_AGENT_READY] = 1, [ACD_AGENT_PAUSED] = 1,
			      [ACD_AGENT_LOGGED_OUT] = 1},
	[ACD_AGENT_OFFERED] = {[ACD_AGENT_ON_CALL] = 1, [ACD_AGENT_READY] = 1,
			       [ACD_AGENT_PAUSED] = 1,
			       [ACD_AGENT_LOGGED_OUT] = 1},
	[ACD_AGENT_ON_CALL] = {[ACD_AGENT_WRAP_UP] = 1, [ACD_AGENT_READY] = 1,
			       [ACD_AGENT_PAUSED] = 1},
	[ACD_AGENT_WRAP_UP] = {[ACD_AGENT_READY] = 1, [ACD_AGENT_PAUSED] = 1,
			       [ACD_AGENT_LOGGED_OUT] = 1},
};

static void end_call(struct chk *c, struct m_call *mc, uint64_t id)
{
	if (mc->ended)
		fail(c, "call %" PRIu64 " got a second terminal event", id);
	mc->ended = true;
}

/* The offer of call id to agent a ends (stop, no answer, decline,
 * failure). */
static void offer_end(struct chk *c, const struct acd_event *ev, int a)
{
	struct m_agent *ma;

	if (a < 0) {
		fail(c, "%s names unknown agent %s", acd_event_name(ev->type),
		     ev->agent ? ev->agent : "(null)");
		return;
	}
	ma = &c->agent[a];
	if (ma->offer != ev->call) {
		fail(c, "%s for call %" PRIu64 " at %s, which rings for %"
		     PRIu64, acd_event_name(ev->type), ev->call, ev->agent,
		     ma->offer);
		return;
	}
	ma->offer = 0;
	ma->last_stop = ev->type == ACD_EV_OFFER_STOP;
	if (ev->call < c->n_call && c->call[ev->call].n_ring)
		c->call[ev->call].n_ring--;
	if (ev->type != ACD_EV_OFFER_STOP && ev->call < c->n_call && a < 64)
		c->call[ev->call].refused |= 1ull << a;
	if (ev->type != ACD_EV_OFFER_STOP)
		ma->let_go_in = c->n_inputs + 1;
}

static void ev_enter(struct chk *c, const struct acd_event *ev, int q)
{
	struct m_call *mc;

	if (q < 0) {
		fail(c, "call-enter names unknown queue %s",
		     ev->queue ? ev->queue : "(null)");
		return;
	}
	if (ev->call == c->next_id && c->in.op == OP_ARRIVE) {
		if (grow_calls(c, ev->call))
			return;
		mc = &c->call[ev->call];
		memset(mc, 0, sizeof(*mc));
		mc->exists = true;
		mc->fresh = true;
		mc->prio = c->in.prio;
		mc->extra = c->in.extra;
		c->next_id++;
		if (c->n_live == c->cap_live) {
			size_t cap = c->cap_live ? 2 * c->cap_live : 256;
			uint64_t *p = realloc(c->live, cap * sizeof(*p));

			if (!p)
				return;
			c->live = p;
			c->cap_live = cap;
		}
		c->live[c->n_live++] = ev->call;
		if (q != c->in.queue)
			fail(c, "call %" PRIu64 " entered %s, arrived at %s",
			     ev->call, ev->queue, wq(c, c->in.queue)->id);
		if (ev->priority != mc->prio
		    && ev->priority != mc->prio + wq(c, q)->conf.priority)
			fail(c, "call-enter priority %d, call has %d",
			     ev->priority, mc->prio);
	}
	else if (ev->call < c->n_call && c->call[ev->call].in_transfer) {
		mc = &c->call[ev->call];
		if (c->in.op != OP_TRANSFER || q != c->in.queue)
			fail(c, "call %" PRIu64 " entered %s after transfer",
			     ev->call, ev->queue);
	}
	else {
		fail(c, "call-enter for call %" PRIu64 " (expected a new id %"
		     PRIu64 " or a transfer)", ev->call, c->next_id);
		return;
	}
	if (ev->time != c->in.now)
		fail(c, "call-enter at %" PRId64 ", input at %" PRId64,
		     ev->time, c->in.now);
	mc->queue = (unsigned)q;
	mc->enter = ev->time;
	mc->seq = ++c->seq;
	mc->connected = false;
	mc->agent = -1;
	mc->n_ring = 0;
	mc->widened = 0;
	mc->refused = 0;
	mc->in_transfer = false;
	c->queue[q].entered++;
}

/* The required skills of a call at time t, and whether a widening step
 * added another queue's members by then. */
static void call_reqs(const struct chk *c, const struct m_call *mc,
		      acd_ms_t t, struct w_expr *req, bool *added)
{
	const struct w_queue *q = wq(c, mc->queue);
	const struct w_expr *skills = &q->skills;

	*added = false;
	for (unsigned i = 0; i < q->n_widen; i++) {
		if (mc->enter + q->widen[i].after_ms > t)
			break;
		if (q->widen[i].has_skills)
			skills = &q->widen[i].skills;
		if (q->widen[i].add_queue >= 0)
			*added = true;
	}
	*req = *skills;
	for (unsigned i = 0; i < mc->extra.n && req->n < W_MAX_TERMS; i++) {
		req->skill[req->n] = mc->extra.skill[i];
		req->level[req->n] = mc->extra.level[i];
		req->n++;
	}
}

/* Does b beat a for the queue's strategy, whatever reading of the
 * contract the engine took? Ties never beat. */
static bool beats(const struct chk *c, const struct m_call *mc,
		  const struct w_expr *req, bool added, unsigned b,
		  unsigned a)
{
	const struct m_agent *ma = &c->agent[a], *mb = &c->agent[b];
	size_t na = c->w->n_agents, q = mc->queue;

	switch (wq(c, mc->queue)->conf.strategy) {
	case ACD_STRATEGY_LONGEST_IDLE:
		/* idle since the last READY, since before any offer, or
		 * since before an offer withdrawn (stop) but not one let
		 * ring out: b beats a only under every reading */
		return mb->since < ma->since && mb->idle_from < ma->idle_from
		       && mb->idle_stop < ma->idle_stop;
	case ACD_STRATEGY_LINEAR:
		if (added || !is_member(c, mc->queue, a)
		    || !is_member(c, mc->queue, b))
			return false;
		return c->member_ord[q * na + b] < c->member_ord[q * na + a];
	case ACD_STRATEGY_FEWEST_CALLS:
		/* counted overall or in this queue: both must agree */
		return mb->answered < ma->answered
		       && c->q_answered[q * na + b]
				  < c->q_answered[q * na + a];
	case ACD_STRATEGY_LEAST_TALK_TIME:
		/* overall or in this queue, transfers counted or not */
		return mb->talk < ma->talk
		       && mb->talk + mb->talk_xfer < ma->talk + ma->talk_xfer
		       && c->q_talk[q * na + b] < c->q_talk[q * na + a]
		       && c->q_talk[q * na + b] + c->q_talk_xfer[q * na + b]
				  < c->q_talk[q * na + a]
					    + c->q_talk_xfer[q * na + a];
	case ACD_STRATEGY_BEST_SKILL: {
		/* b at least as skilled in every required skill, more in
		 * one: whatever the sum or order, b is better */
		const struct w_agent *wa = &c->w->agent[a];
		const struct w_agent *wb = &c->w->agent[b];
		bool more = false;

		for (unsigned i = 0; i < req->n; i++) {
			unsigned k = req->skill[i];

			if (wb->level[k] < wa->level[k])
				return false;
			if (wb->level[k] > wa->level[k])
				more = true;
		}
		return more;
	}
	default:
		return false;
	}
}

static void check_strategy(struct chk *c, const struct acd_event *ev,
			   const struct m_call *mc, unsigned a)
{
	struct w_expr req;
	bool added;

	call_reqs(c, mc, ev->time, &req, &added);
	for (unsigned b = 0; b < c->w->n_agents; b++) {
		const struct m_agent *mb = &c->agent[b];

		if (b == a || mb->state != ACD_AGENT_READY || mb->offer
		    || mb->call || !chk_eligible(c, ev->call, b, ev->time))
			continue;
		if (!beats(c, mc, &req, added, b, a))
			continue;
		/* known bug 2: b freed or made eligible by a timer of this
		 * same ms, which the engine ran after routing */
		if ((c->known_bugs & KB_SAME_MS_TIMERS)
		    && (mb->since == ev->time
			|| !chk_eligible(c, ev->call, b, ev->time - 1)))
			continue;
		size_t ia = (size_t)mc->queue * c->w->n_agents + a;
		size_t ib = (size_t)mc->queue * c->w->n_agents + b;

		fail(c, "%s queue %s offered call %" PRIu64 " to %s, but %s "
		     "comes first (since %" PRId64 "/%" PRId64 ", calls %"
		     PRIu64 "/%" PRIu64 ", talk %" PRId64 "/%" PRId64
		     ", in queue %" PRId64 "/%" PRId64 ")", acd_strategy_name(
			     wq(c, mc->queue)->conf.strategy),
		     wq(c, mc->queue)->id, ev->call, ev->agent,
		     c->w->agent[b].id, c->agent[a].since, mb->since,
		     c->agent[a].answered, mb->answered, c->agent[a].talk,
		     mb->talk, c->q_talk[ia], c->q_talk[ib]);
		return;
	}
}

static void ev_offer(struct chk *c, const struct acd_event *ev,
		     struct m_call *mc, int a)
{
	struct m_agent *ma;
	const struct w_queue *q = wq(c, mc->queue);

	if (a < 0) {
		fail(c, "offer names unknown agent %s",
		     ev->agent ? ev->agent : "(null)");
		return;
	}
	ma = &c->agent[a];
	if (mc->connected || mc->in_transfer)
		fail(c, "offer of call %" PRIu64 " that is connected",
		     ev->call);
	if (ma->offer || ma->call)
		fail(c, "agent %s offered call %" PRIu64 " while holding %"
		     PRIu64 "/%" PRIu64, ev->agent, ev->call, ma->offer,
		     ma->call);
	if (ma->state != ACD_AGENT_READY && ma->state != ACD_AGENT_OFFERED)
		fail(c, "agent %s offered call %" PRIu64 " in state %s",
		     ev->agent, ev->call, acd_agent_state_name(ma->state));
	if ((c->checks & CHK_ELIGIBLE) && !chk_eligible(c, ev->call,
							(unsigned)a, ev->time))
		fail(c, "call %" PRIu64 " (queue %s, skills \"%s\", entered %"
		     PRId64 ") offered to ineligible agent %s at %" PRId64,
		     ev->call, q->id, q->skills_str, mc->enter, ev->agent,
		     ev->time);
	if (q->conf.strategy != ACD_STRATEGY_RING_ALL && mc->n_ring)
		fail(c, "call %" PRIu64 " of %s queue %s rings two agents",
		     ev->call, acd_strategy_name(q->conf.strategy), q->id);
	if (c->checks & CHK_STRATEGY)
		check_strategy(c, ev, mc, (unsigned)a);
	if (q->conf.strategy == ACD_STRATEGY_RING_ALL) {
		if (mc->ring_all_in != c->n_inputs + 1 || !mc->n_ring)
			mc->ring_all_ev = c->n_events;
		mc->ring_all_in = c->n_inputs + 1;
		mc->ring_all_t = ev->time;
	}
	if (c->checks & CHK_FIFO) {
		int p = eff_prio(c, mc);

		for (size_t k = 0; k < c->n_live; k++) {
			uint64_t i = c->live[k];
			const struct m_call *o = &c->call[i];
			int op;

			if (i == ev->call || !waiting(o))
				continue;
			if (c->exempt_refused && a < 64
			    && (o->refused & (1ull << a)))
				continue;
			op = eff_prio(c, o);
			if (op < p)
				continue;
			if (op == p && o->enter > mc->enter)
				continue;
			if (op == p && o->enter == mc->enter
			    && (o->queue != mc->queue || o->seq > mc->seq))
				continue;
			if (!chk_eligible(c, i, (unsigned)a, ev->time))
				continue;
			/* known bug 2 (acd-bugs.md): timers of the same ms
			 * interleaved with routing */
			if ((c->known_bugs & KB_SAME_MS_TIMERS)
			    && (o->enter == mc->enter
				|| !chk_eligible(c, i, (unsigned)a,
						 ev->time - 1)))
				continue;
			fail(c, "agent %s offered call %" PRIu64 " (prio %d, "
			     "entered %" PRId64 ") before waiting call %zu "
			     "(prio %d, entered %" PRId64 ")", ev->agent,
			     ev->call, p, mc->enter, i, op, o->enter);
			break;
		}
	}
	ma->offer = ev->call;
	ma->offer_time = ev->time;
	ma->offer_queue = mc->queue;
	mc->n_ring++;
}

static void ev_exit(struct chk *c, const struct acd_event *ev,
		    struct m_call *mc)
{
	const struct w_queue *q = wq(c, mc->queue);
	unsigned others = 0;

	switch (ev->exit_reason) {
	case ACD_EXIT_TIMEOUT:
		if (!q->conf.max_wait_ms
		    || ev->time < mc->enter + q->conf.max_wait_ms)
			fail(c, "exit(timeout) of call %" PRIu64 " after %"
			     PRId64 " ms, max wait %" PRId64, ev->call,
			     ev->time - mc->enter, q->conf.max_wait_ms);
		break;
	case ACD_EXIT_EMPTY:
		if (q->conf.join_empty == ACD_EMPTY_ALLOW
		    && q->conf.leave_empty == ACD_EMPTY_ALLOW)
			fail(c, "exit(empty) from %s, which allows empty",
			     q->id);
		mc->exit_empty = true;
		mc->exit_time = ev->time;
		break;
	case ACD_EXIT_FULL:
		for (size_t k = 0; k < c->n_live; k++) {
			const struct m_call *o = &c->call[c->live[k]];

			if (o != mc && o->exists && !o->ended
			    && !o->connected && !o->in_transfer
			    && o->queue == mc->queue)
				others++;
		}
		if (!q->conf.max_len || others < q->conf.max_len
		    || ev->time != mc->enter)
			fail(c, "exit(full) of call %" PRIu64 " from %s with "
			     "%u others, max_len %u", ev->call, q->id, others,
			     q->conf.max_len);
		break;
	case ACD_EXIT_KEY:
		if (c->in.op != OP_EXIT_KEY || c->in.call != ev->call
		    || ev->key != c->in.key)
			fail(c, "exit(key '%c') of call %" PRIu64
			     " not asked for", ev->key, ev->call);
		break;
	default:
		fail(c, "exit reason %d unknown", (int)ev->exit_reason);
	}
	c->queue[mc->queue].exited++;
}

static void ev_agent_state(struct chk *c, const struct acd_event *ev, int a)
{
	struct m_agent *ma;

	if (a < 0) {
		fail(c, "agent-state names unknown agent %s",
		     ev->agent ? ev->agent : "(null)");
		return;
	}
	ma = &c->agent[a];
	if ((unsigned)ev->state >= ACD_AGENT_STATE_COUNT
	    || (unsigned)ev->old_state >= ACD_AGENT_STATE_COUNT) {
		fail(c, "agent-state with state %d/%d", (int)ev->state,
		     (int)ev->old_state);
		return;
	}
	if (ev->old_state != ma->state)
		fail(c, "agent %s: state event from %s, model says %s",
		     ev->agent, acd_agent_state_name(ev->old_state),
		     acd_agent_state_name(ma->state));
	if (!transition_ok[ma->state][ev->state])
		fail(c, "agent %s: transition %s -> %s", ev->agent,
		     acd_agent_state_name(ma->state),
		     acd_agent_state_name(ev->state));
	if (ma->state == ACD_AGENT_LOGGED_OUT
	    && ev->state != ACD_AGENT_LOGGED_OUT) {
		if (c->in.op != OP_LOGIN || c->in.agent != a)
			fail(c, "agent %s logged in without login", ev->agent);
		else
			ma->pos = c->in.pos;
	}
	if (ev->state == ACD_AGENT_READY && ma->state != ACD_AGENT_OFFERED)
		ma->idle_from = ev->time;
	if (ev->state == ACD_AGENT_READY
	    && !(ma->state == ACD_AGENT_OFFERED && ma->last_stop))
		ma->idle_stop = ev->time;
	ma->state = ev->state;
	ma->since = ev->time;
	if (ev->state == ACD_AGENT_READY)
		ma->ready_ev = c->n_events;
	if (ev->state == ACD_AGENT_PAUSED || ev->state == ACD_AGENT_READY
	    || ev->state == ACD_AGENT_LOGGED_OUT)
		ma->pending_pause = false;
	if (ev->state == ACD_AGENT_LOGGED_OUT) {
		ma->pos = -1;
		return;
	}
	if (ma->pos >= 0 && (c->checks & CHK_INFO)
	    && (!streq(ev->position, c->w->pos[ma->pos].id)
		|| !streq(ev->site,
			  c->w->site_id[c->w->pos[ma->pos].site])))
		fail(c, "agent-state of %s at %s/%s, logged in at %s",
		     ev->agent, ev->position ? ev->position : "(null)",
		     ev->site ? ev->site : "(null)", c->w->pos[ma->pos].id);
}

void chk_event(struct chk *c, const struct acd_event *ev)
{
	struct m_call *mc = NULL;
	int q = -1, a = -1;

	c->n_events++;
	c->ev_in_input++;
	if (!c->in_input)
		fail(c, "event %s outside any input",
		     acd_event_name(ev->type));
	if ((unsigned)ev->type >= ACD_EV_COUNT) {
		fail(c, "event type %d unknown", (int)ev->type);
		return;
	}
	if (ev->time < c->last_time)
		fail(c, "%s at %" PRId64 " after an event at %" PRId64,
		     acd_event_name(ev->type), ev->time, c->last_time);
	if (ev->time > c->in.now || ev->time < c->last_now)
		fail(c, "%s at %" PRId64 " outside (%" PRId64 ", %" PRId64 "]",
		     acd_event_name(ev->type), ev->time, c->last_now,
		     c->in.now);
	c->last_time = ev->time;
	if (ev->queue)
		q = idx(ev->queue, 'q', c->w->n_queues);
	if (ev->agent)
		a = idx(ev->agent, 'a', c->w->n_agents);
	if (q >= 0 && !streq(ev->tenant, c->w->tenant_id[wq(c, q)->tenant]))
		fail(c, "%s of queue %s says tenant %s",
		     acd_event_name(ev->type), ev->queue,
		     ev->tenant ? ev->tenant : "(null)");

	if (ev->type == ACD_EV_CALL_ENTER) {
		ev_enter(c, ev, q);
		return;
	}
	if (ev->type == ACD_EV_AGENT_STATE) {
		ev_agent_state(c, ev, a);
		return;
	}
	if (ev->type == ACD_EV_WRAPUP_END) {
		if (a < 0) {
			fail(c, "wrapup-end names unknown agent");
			return;
		}
		bool by_input = c->in.agent == a && ev->time == c->in.now
				&& (c->in.op == OP_READY
				    || c->in.op == OP_PAUSE
				    || c->in.op == OP_LOGOUT);
		if (!by_input && (c->checks & CHK_TIMERS)
		    && ev->time != c->agent[a].wrap_due)
			fail(c, "wrapup-end of %s at %" PRId64 ", due %"
			     PRId64, ev->agent, ev->time,
			     c->agent[a].wrap_due);
		c->agent[a].wrap_due = -1;
		return;
	}

	/* call events */
	if (ev->call == 0 || ev->call >= c->n_call
	    || !c->call[ev->call].exists) {
		fail(c, "%s for unknown call %" PRIu64,
		     acd_event_name(ev->type), ev->call);
		return;
	}
	mc = &c->call[ev->call];
	if (mc->ended)
		fail(c, "%s for call %" PRIu64 " after its terminal event",
		     acd_event_name(ev->type), ev->call);
	if (ev->queue && q != (int)mc->queue && ev->type != ACD_EV_TRANSFER)
		fail(c, "%s of call %" PRIu64 " names queue %s, it is in %s",
		     acd_event_name(ev->type), ev->call, ev->queue,
		     wq(c, mc->queue)->id);

	switch (ev->type) {
	case ACD_EV_OFFER:
		ev_offer(c, ev, mc, a);
		break;
	case ACD_EV_OFFER_STOP:
		offer_end(c, ev, a);
		break;
	case ACD_EV_OFFER_NO_ANSWER:
		if (a >= 0 && !(c->in.op == OP_NO_ANSWER
				&& c->in.call == ev->call && c->in.agent == a)
		    && (c->checks & CHK_TIMERS)
		    && c->agent[a].offer == ev->call
		    && ev->time != c->agent[a].offer_time
					   + wq(c, c->agent[a].offer_queue)
						     ->conf.ring_timeout_ms)
			fail(c, "no-answer of call %" PRIu64 " at %s after %"
			     PRId64 " ms, ring timeout %" PRId64, ev->call,
			     ev->agent, ev->time - c->agent[a].offer_time,
			     wq(c, c->agent[a].offer_queue)
				     ->conf.ring_timeout_ms);
		offer_end(c, ev, a);
		break;
	case ACD_EV_OFFER_DECLINED:
		if (!(c->in.op == OP_DECLINE && c->in.call == ev->call
		      && c->in.agent == a))
			fail(c, "offer-declined of call %" PRIu64 " at %s not "
			     "asked for", ev->call,
			     ev->agent ? ev->agent : "(null)");
		offer_end(c, ev, a);
		break;
	case ACD_EV_OFFER_FAILED:
		if (!(c->in.op == OP_FAIL && c->in.call == ev->call
		      && c->in.agent == a))
			fail(c, "offer-failed of call %" PRIu64 " at %s not "
			     "asked for", ev->call,
			     ev->agent ? ev->agent : "(null)");
		offer_end(c, ev, a);
		break;
	case ACD_EV_CONNECT:
		if (a < 0 || !(c->in.op == OP_ACCEPT && c->in.call == ev->call
			       && c->in.agent == a)) {
			fail(c, "connect of call %" PRIu64 " to %s not asked "
			     "for", ev->call,
			     ev->agent ? ev->agent : "(null)");
			break;
		}
		if (c->agent[a].offer != ev->call)
			fail(c, "connect of call %" PRIu64 " to %s, not "
			     "offered", ev->call, ev->agent);
		else
			mc->n_ring--;
		c->agent[a].offer = 0;
		c->agent[a].call = ev->call;
		c->agent[a].call_queue = mc->queue;
		c->agent[a].answered++;
		c->q_answered[(size_t)mc->queue * c->w->n_agents + a]++;
		mc->connected = true;
		mc->agent = a;
		mc->connect_time = ev->time;
		if (ev->wait_ms != ev->time - mc->enter)
			fail(c, "connect wait_ms %" PRId64 ", expected %"
			     PRId64, ev->wait_ms, ev->time - mc->enter);
		c->queue[mc->queue].answered++;
		if (ev->time - mc->enter < wq(c, mc->queue)->conf.sl_time_ms)
			c->queue[mc->queue].sl_lt++;
		if (ev->time - mc->enter <= wq(c, mc->queue)->conf.sl_time_ms)
			c->queue[mc->queue].sl_le++;
		break;
	case ACD_EV_ABANDON:
		if (mc->connected || !(c->in.op == OP_HANGUP
				       && c->in.call == ev->call))
			fail(c, "abandon of call %" PRIu64 " not asked for "
			     "(connected %d)", ev->call, mc->connected);
		if (ev->wait_ms != ev->time - mc->enter)
			fail(c, "abandon wait_ms %" PRId64 ", expected %"
			     PRId64, ev->wait_ms, ev->time - mc->enter);
		end_call(c, mc, ev->call);
		c->queue[mc->queue].abandoned++;
		break;
	case ACD_EV_EXIT:
		if (mc->connected)
			fail(c, "exit of connected call %" PRIu64, ev->call);
		if (ev->wait_ms != ev->time - mc->enter)
			fail(c, "exit wait_ms %" PRId64 ", expected %" PRId64,
			     ev->wait_ms, ev->time - mc->enter);
		ev_exit(c, ev, mc);
		end_call(c, mc, ev->call);
		break;
	case ACD_EV_COMPLETE:
		if (!mc->connected || !(c->in.op == OP_HANGUP
					&& c->in.call == ev->call
					&& c->in.by == ev->ended_by)) {
			fail(c, "complete of call %" PRIu64 " not asked for "
			     "(connected %d, ended_by %d)", ev->call,
			     mc->connected, (int)ev->ended_by);
			end_call(c, mc, ev->call);
			break;
		}
		if (ev->talk_ms != ev->time - mc->connect_time)
			fail(c, "complete talk_ms %" PRId64 ", expected %"
			     PRId64, ev->talk_ms, ev->time - mc->connect_time);
		if (mc->agent >= 0) {
			struct m_agent *ma = &c->agent[mc->agent];

			ma->call = 0;
			ma->talk += ev->talk_ms;
			c->q_talk[(size_t)ma->call_queue * c->w->n_agents
				  + (size_t)mc->agent] += ev->talk_ms;
			ma->wrap_due = ev->time
				       + wq(c, ma->call_queue)->conf.wrapup_ms;
		}
		end_call(c, mc, ev->call);
		break;
	case ACD_EV_TRANSFER:
		if (!mc->connected || !(c->in.op == OP_TRANSFER
					&& c->in.call == ev->call
					&& c->in.queue >= 0
					&& streq(ev->to_queue,
						 wq(c, c->in.queue)->id))) {
			fail(c, "transfer of call %" PRIu64 " not asked for",
			     ev->call);
			break;
		}
		if (mc->agent >= 0) {
			struct m_agent *ma = &c->agent[mc->agent];

			ma->call = 0;
			ma->talk_xfer += ev->time - mc->connect_time;
			c->q_talk_xfer[(size_t)ma->call_queue * c->w->n_agents
				       + (size_t)mc->agent] +=
				ev->time - mc->connect_time;
			ma->wrap_due = ev->time
				       + wq(c, ma->call_queue)->conf.wrapup_ms;
		}
		mc->connected = false;
		mc->agent = -1;
		mc->in_transfer = true;
		break;
	case ACD_EV_WIDEN: {
		const struct w_queue *wqq = wq(c, mc->queue);

		if (mc->connected || ev->widen_step != mc->widened
		    || ev->widen_step >= wqq->n_widen)
			fail(c, "widen step %u of call %" PRIu64 " (expected "
			     "%u of %u)", ev->widen_step, ev->call,
			     mc->widened, wqq->n_widen);
		else if ((c->checks & CHK_TIMERS)
			 && ev->time != mc->enter
				      + wqq->widen[ev->widen_step].after_ms)
			fail(c, "widen step %u of call %" PRIu64 " at wait %"
			     PRId64 ", due at %" PRId64, ev->widen_step,
			     ev->call, ev->time - mc->enter,
			     wqq->widen[ev->widen_step].after_ms);
		mc->widened++;
		break;
	}
	case ACD_EV_ANNOUNCE:
		if (mc->connected || ev->position_in_line < 1)
			fail(c, "announce to call %" PRIu64 " (connected %d, "
			     "place %u)", ev->call, mc->connected,
			     ev->position_in_line);
		break;
	default:
		break;
	}
}

/* =====================================================================
 * Between inputs
 * =================================================================== */

static void check_agents(struct chk *c)
{
	for (unsigned a = 0; a < c->w->n_agents; a++) {
		const struct m_agent *ma = &c->agent[a];
		const char *id = c->w->agent[a].id;
		struct acd_agent_info ai;
		int rc;

		if ((ma->state == ACD_AGENT_OFFERED) != (ma->offer != 0))
			fail(c, "agent %s is %s, rings for call %" PRIu64, id,
			     acd_agent_state_name(ma->state), ma->offer);
		if ((ma->state == ACD_AGENT_ON_CALL) != (ma->call != 0))
			fail(c, "agent %s is %s, connected to call %" PRIu64,
			     id, acd_agent_state_name(ma->state), ma->call);
		if (!(c->checks & CHK_INFO))
			continue;
		memset(&ai, 0, sizeof(ai));
		rc = acd_agent_info(c->acd, id, &ai);
		if (rc) {
			fail(c, "acd_agent_info(%s) = %d", id, rc);
			continue;
		}
		if (ai.state != ma->state)
			fail(c, "acd_agent_info(%s).state %s, events say %s",
			     id, acd_agent_state_name(ai.state),
			     acd_agent_state_name(ma->state));
		if (ma->pos >= 0
		    ? !streq(ai.position, c->w->pos[ma->pos].id)
			      || !streq(ai.site,
					c->w->site_id[c->w->pos[ma->pos].site])
		    : ai.position != NULL)
			fail(c, "acd_agent_info(%s).position %s", id,
			     ai.position ? ai.position : "(null)");
		if (ma->offer && ai.call != ma->offer)
			fail(c, "acd_agent_info(%s).call %" PRIu64
			     ", rings for %" PRIu64, id, ai.call, ma->offer);
		if (ma->call && ai.call != ma->call)
			fail(c, "acd_agent_info(%s).call %" PRIu64
			     ", connected to %" PRIu64, id, ai.call, ma->call);
		if ((ma->state == ACD_AGENT_READY
		     || ma->state == ACD_AGENT_LOGGED_OUT) && ai.call)
			fail(c, "acd_agent_info(%s).call %" PRIu64 " while %s",
			     id, ai.call, acd_agent_state_name(ma->state));
		if (ai.calls_answered != ma->answered)
			fail(c, "acd_agent_info(%s).calls_answered %" PRIu64
			     ", events say %" PRIu64, id, ai.calls_answered,
			     ma->answered);
		if (ai.talk_ms != ma->talk
		    && ai.talk_ms != ma->talk + ma->talk_xfer)
			fail(c, "acd_agent_info(%s).talk_ms %" PRId64
			     ", events say %" PRId64 " (+%" PRId64 ")", id,
			     ai.talk_ms, ma->talk, ma->talk_xfer);
		if (ai.since > c->in.now)
			fail(c, "acd_agent_info(%s).since in the future", id);
		if ((c->checks & CHK_TIMERS) && ma->state == ACD_AGENT_WRAP_UP
		    && ma->wrap_due >= 0 && ma->wrap_due <= c->in.now)
			fail(c, "agent %s still in wrap-up, due at %" PRId64,
			     id, ma->wrap_due);
	}
}

static void check_queues(struct chk *c)
{
	unsigned nq = c->w->n_queues;
	unsigned waiting_n[64] = {0}, ringing_n[64] = {0};
	acd_ms_t oldest_w[64], oldest_all[64];

	if (nq > 64)
		return;
	for (unsigned q = 0; q < nq; q++)
		oldest_w[q] = oldest_all[q] = ACD_NEVER;
	for (size_t k = 0; k < c->n_live; k++) {
		const struct m_call *mc = &c->call[c->live[k]];

		if (mc->ended || mc->connected || mc->in_transfer)
			continue;
		if (mc->n_ring) {
			ringing_n[mc->queue]++;
		}
		else {
			waiting_n[mc->queue]++;
			if (mc->enter < oldest_w[mc->queue])
				oldest_w[mc->queue] = mc->enter;
		}
		if (mc->enter < oldest_all[mc->queue])
			oldest_all[mc->queue] = mc->enter;
	}
	for (unsigned q = 0; q < nq; q++) {
		const struct w_queue *wqq = wq(c, q);
		const struct m_queue *mq = &c->queue[q];
		struct acd_queue_stats st;
		unsigned by_state[ACD_AGENT_STATE_COUNT] = {0};
		int rc;

		memset(&st, 0, sizeof(st));
		rc = acd_queue_stats(c->acd, wqq->id, &st);
		if (rc) {
			fail(c, "acd_queue_stats(%s) = %d", wqq->id, rc);
			continue;
		}
		for (unsigned a = 0; a < c->w->n_agents; a++) {
			if (is_member(c, q, a))
				by_state[c->agent[a].state]++;
		}
		if ((c->checks & CHK_MAXLEN)
		    && !(c->known_bugs & KB_MAXLEN_RINGING)
		    && wqq->conf.max_len
		    && st.waiting > wqq->conf.max_len)
			fail(c, "%s: %u waiting, max_len %u", wqq->id,
			     st.waiting, wqq->conf.max_len);
		if (!(c->checks & CHK_STATS))
			continue;
		if (!streq(st.tenant, c->w->tenant_id[wqq->tenant]))
			fail(c, "acd_queue_stats(%s).tenant %s", wqq->id,
			     st.tenant ? st.tenant : "(null)");
		if (st.entered != mq->entered || st.answered != mq->answered
		    || st.abandoned != mq->abandoned
		    || st.exited != mq->exited)
			fail(c, "acd_queue_stats(%s): entered %" PRIu64
			     " answered %" PRIu64 " abandoned %" PRIu64
			     " exited %" PRIu64 "; events say %" PRIu64 " %"
			     PRIu64 " %" PRIu64 " %" PRIu64, wqq->id,
			     st.entered, st.answered, st.abandoned, st.exited,
			     mq->entered, mq->answered, mq->abandoned,
			     mq->exited);
		if (st.answered_in_sl < mq->sl_lt
		    || st.answered_in_sl > mq->sl_le)
			fail(c, "acd_queue_stats(%s).answered_in_sl %" PRIu64
			     ", events say %" PRIu64 "..%" PRIu64, wqq->id,
			     st.answered_in_sl, mq->sl_lt, mq->sl_le);
		if (st.waiting != waiting_n[q] || st.ringing != ringing_n[q])
			fail(c, "acd_queue_stats(%s): %u waiting %u ringing, "
			     "events say %u %u", wqq->id, st.waiting,
			     st.ringing, waiting_n[q], ringing_n[q]);
		if (!(st.oldest_enter == oldest_w[q]
		      || st.oldest_enter == oldest_all[q]))
			fail(c, "acd_queue_stats(%s).oldest_enter %" PRId64
			     ", events say %" PRId64 " (or %" PRId64 ")",
			     wqq->id, st.oldest_enter, oldest_w[q],
			     oldest_all[q]);
		for (int s = 0; s < ACD_AGENT_STATE_COUNT; s++) {
			if (st.agents[s] != by_state[s]) {
				fail(c, "acd_queue_stats(%s).agents[%s] %u, "
				     "model %u", wqq->id,
				     acd_agent_state_name(
					     (enum acd_agent_state)s),
				     st.agents[s], by_state[s]);
				break;
			}
		}
	}
}

/* One call between inputs; false when it ended and can be retired. */
static bool check_call(struct chk *c, uint64_t i, acd_ms_t now,
		       acd_ms_t *due)
{
	struct m_call *mc = &c->call[i];
	const struct w_queue *q = wq(c, mc->queue);
	struct acd_call_info ci;
	bool keep = true;
	int rc;

	if (mc->ended) {
		keep = false;
		if (mc->n_ring)
			fail(c, "call %" PRIu64 " ended, still rings %u "
			     "agents", i, mc->n_ring);
		rc = acd_call_info(c->acd, i, &ci);
		if (rc != ENOENT)
			fail(c, "acd_call_info(%" PRIu64 ") = %d after its "
			     "end", i, rc);
		goto empty;
	}
	if (mc->in_transfer)
		fail(c, "call %" PRIu64 " transferred, never entered", i);
	if (mc->connected && mc->n_ring)
		fail(c, "call %" PRIu64 " connected, still rings %u agents",
		     i, mc->n_ring);
	if (c->checks & CHK_INFO) {
		memset(&ci, 0, sizeof(ci));
		rc = acd_call_info(c->acd, i, &ci);
		if (rc) {
			fail(c, "acd_call_info(%" PRIu64 ") = %d", i, rc);
		}
		else {
			const char *agent = mc->connected
						    ? c->w->agent[mc->agent].id
						    : NULL;

			if (!streq(ci.queue, q->id)
			    || ci.connected != mc->connected
			    || ci.priority != eff_prio(c, mc)
			    || ci.enter != mc->enter
			    || (mc->connected && !streq(ci.agent, agent))
			    || (waiting(mc) && ci.agent)
			    || (waiting(mc) && !ci.position_in_line)
			    || (mc->connected && ci.position_in_line))
				fail(c, "acd_call_info(%" PRIu64 "): queue %s "
				     "connected %d agent %s prio %d enter %"
				     PRId64 " place %u; model %s %d %s %d %"
				     PRId64, i, ci.queue ? ci.queue : "-",
				     ci.connected, ci.agent ? ci.agent : "-",
				     ci.priority, ci.enter,
				     ci.position_in_line, q->id,
				     mc->connected, agent ? agent : "-",
				     eff_prio(c, mc), mc->enter);
		}
	}
	if ((c->checks & CHK_STRATEGY) && mc->n_ring && !mc->connected
	    && q->conf.strategy == ACD_STRATEGY_RING_ALL
	    && mc->ring_all_in == c->n_inputs) {
		/* ring-all: every eligible ready agent rings at once */
		for (unsigned a = 0; a < c->w->n_agents; a++) {
			/* one that just let it ring out may sit out */
			if (a < 64 && (mc->refused & (1ull << a)))
				continue;
			acd_ms_t t = mc->ring_all_t;

			/* ready and eligible when it started ringing (agents
			 * freed or made eligible later may or may not join) */
			if (c->agent[a].since > t
			    || ((c->known_bugs & KB_SAME_MS_TIMERS)
				&& c->agent[a].since == t))
				continue;
			/* one that let a call go in this input is made ready
			 * once the step has routed (docs/acd.md, "Steps"):
			 * a ring-all offered before that may leave it out */
			if (c->agent[a].since == t
			    && c->agent[a].let_go_in == c->n_inputs
			    && c->agent[a].ready_ev > mc->ring_all_ev)
				continue;
			if (c->agent[a].state == ACD_AGENT_READY
			    && chk_eligible(c, i, a, t)) {
				fail(c, "ring-all call %" PRIu64 " does not "
				     "ring ready eligible agent %s", i,
				     c->w->agent[a].id);
				break;
			}
		}
	}
	if (!waiting(mc))
		goto empty;
	/* deadlines of a waiting call */
	if (q->conf.max_wait_ms) {
		acd_ms_t t = mc->enter + q->conf.max_wait_ms;

		if ((c->checks & CHK_TIMERS) && t <= now)
			fail(c, "call %" PRIu64 " waited %" PRId64 " ms, max "
			     "wait %" PRId64, i, now - mc->enter,
			     q->conf.max_wait_ms);
		if (t < *due)
			*due = t;
	}
	if (mc->widened < q->n_widen) {
		acd_ms_t t = mc->enter + q->widen[mc->widened].after_ms;

		if ((c->checks & CHK_TIMERS) && t <= now)
			fail(c, "call %" PRIu64 ": widen step %u due at %"
			     PRId64 " not applied", i, mc->widened, t);
		if (t < *due)
			*due = t;
	}
	/* work-conserving */
	if (c->checks & CHK_WORK) {
		for (unsigned a = 0; a < c->w->n_agents; a++) {
			if (c->agent[a].state != ACD_AGENT_READY)
				continue;
			if (c->exempt_refused && a < 64
			    && (mc->refused & (1ull << a)))
				continue;
			if (!chk_eligible(c, i, a, now))
				continue;
			fail(c, "call %" PRIu64 " waits in %s while eligible "
			     "agent %s is ready", i, q->id, c->w->agent[a].id);
			break;
		}
	}
	if ((c->checks & CHK_EMPTY)
	    && empty_cond(c, i, q->conf.leave_empty, now, true))
		fail(c, "call %" PRIu64 " waits in %s, whose leave-empty rule "
		     "%d holds", i, q->id, (int)q->conf.leave_empty);
empty:
	if ((c->checks & CHK_EMPTY) && mc->fresh && !mc->ended
	    && empty_cond(c, i, q->conf.join_empty, mc->enter, true))
		fail(c, "call %" PRIu64 " joined %s, whose join-empty rule %d "
		     "holds", i, q->id, (int)q->conf.join_empty);
	if ((c->checks & CHK_EMPTY) && mc->exit_empty
	    && !empty_cond(c, i, q->conf.join_empty, mc->exit_time, false)
	    && !empty_cond(c, i, q->conf.leave_empty, mc->exit_time, false)
	    /* known bug 2: a widening due at the same ms ran after */
	    && !((c->known_bugs & KB_SAME_MS_TIMERS)
		 && empty_cond(c, i, q->conf.leave_empty, mc->exit_time - 1,
			       false)))
		fail(c, "call %" PRIu64 " left %s as empty (rules %d/%d) at %"
		     PRId64 ", but %s is %s", i, q->id, q->conf.join_empty,
		     q->conf.leave_empty, mc->exit_time,
		     c->w->agent[empty_agent(c, i, q->conf.leave_empty,
					     mc->exit_time, true)].id,
		     acd_agent_state_name(c->agent[empty_agent(
			     c, i, q->conf.leave_empty, mc->exit_time,
			     true)].state));
	mc->fresh = false;
	mc->exit_empty = false;
	return keep;
}

static void check_calls(struct chk *c, acd_ms_t now)
{
	acd_ms_t due = ACD_NEVER, dl = acd_next_deadline(c->acd);

	for (size_t k = 0; k < c->n_live;) {
		if (check_call(c, c->live[k], now, &due))
			k++;
		else
			c->live[k] = c->live[--c->n_live];
	}
	for (unsigned a = 0; a < c->w->n_agents; a++) {
		const struct m_agent *ma = &c->agent[a];

		if (ma->offer) {
			acd_ms_t t = ma->offer_time
				     + wq(c, ma->offer_queue)
					       ->conf.ring_timeout_ms;
			if (t < due)
				due = t;
		}
		if (ma->state == ACD_AGENT_WRAP_UP && ma->wrap_due >= 0
		    && ma->wrap_due < due)
			due = ma->wrap_due;
	}
	if (c->checks & CHK_TIMERS) {
		if (dl <= now)
			fail(c, "acd_next_deadline %" PRId64 " not after now",
			     dl);
		if (due > now && dl > due)
			fail(c, "acd_next_deadline %" PRId64 ", a timer is "
			     "due at %" PRId64, dl, due);
	}
}

/* Post-conditions of a successful input on the model. */
static void check_effect(struct chk *c, uint64_t call)
{
	const struct drv_input *in = &c->in;
	const struct m_agent *ma = in->agent >= 0 ? &c->agent[in->agent]
						  : NULL;
	const struct m_call *mc = in->call && in->call < c->n_call
					  ? &c->call[in->call] : NULL;

	switch (in->op) {
	case OP_LOGIN:
		if (ma && (ma->state == ACD_AGENT_LOGGED_OUT
			   || ma->pos != in->pos))
			fail(c, "login succeeded, agent not logged in there");
		break;
	case OP_LOGOUT:
		if (ma && ma->state != ACD_AGENT_LOGGED_OUT)
			fail(c, "logout succeeded, agent is %s",
			     acd_agent_state_name(ma->state));
		break;
	case OP_PAUSE:
		if (ma && ma->state != ACD_AGENT_PAUSED
		    && ma->state != ACD_AGENT_ON_CALL
		    && ma->state != ACD_AGENT_WRAP_UP)
			fail(c, "pause succeeded, agent is %s",
			     acd_agent_state_name(ma->state));
		break;
	case OP_READY:
		/* from wrap-up with a pause pending, the pause may win */
		if (ma && ma->state != ACD_AGENT_READY
		    && ma->state != ACD_AGENT_OFFERED
		    && !(ma->state == ACD_AGENT_PAUSED
			 && c->prev_state == ACD_AGENT_WRAP_UP))
			fail(c, "ready succeeded, agent is %s",
			     acd_agent_state_name(ma->state));
		break;
	case OP_ARRIVE:
		if (call == 0 || call != c->next_id - 1 || call >= c->n_call
		    || !c->call[call].exists)
			fail(c, "arrive returned id %" PRIu64 ", events say %"
			     PRIu64, call, c->next_id - 1);
		break;
	case OP_ACCEPT:
		if (!mc || !mc->connected || mc->agent != in->agent)
			fail(c, "accept succeeded, call not connected");
		break;
	case OP_HANGUP:
	case OP_EXIT_KEY:
		if (!mc || !mc->ended)
			fail(c, "%s succeeded, call %" PRIu64 " not ended",
			     op_names[in->op], in->call);
		break;
	case OP_TRANSFER:
		if (!mc || mc->connected)
			fail(c, "transfer succeeded, call still connected");
		break;
	default:
		break;
	}
}

void chk_begin(struct chk *c, const struct drv_input *in)
{
	c->in = *in;
	c->expect = chk_expect(c, in);
	c->in_input = true;
	c->ev_in_input = 0;
	c->prev_state = in->agent >= 0 ? c->agent[in->agent].state
				       : ACD_AGENT_LOGGED_OUT;
	/* no clock: events may carry the engine's latest now */
	if (drv_op_untimed(c->in.op))
		c->in.now = c->clock;
	if (c->expect != EXPECT_OK && (c->checks & CHK_UNCHANGED))
		snap_take(c);
	/* a membership change may route at once: the model has it from
	 * the start, and gives it back if the input fails */
	c->member_was = -1;
	if ((in->op == OP_MEMBER_ADD || in->op == OP_MEMBER_REMOVE)
	    && in->queue >= 0 && in->agent >= 0) {
		c->member_ix = (size_t)in->queue * c->w->n_agents
			       + (size_t)in->agent;
		c->member_was = c->member[c->member_ix];
		c->member[c->member_ix] = in->op == OP_MEMBER_ADD;
		c->ord_was = c->member_ord[c->member_ix];
		if (in->op == OP_MEMBER_ADD)
			c->member_ord[c->member_ix] = c->ord_next++;
	}
	/* a skills change likewise: the world the checker was given is the
	 * driver's own, whose agent now has the new levels (put back if
	 * the input fails) */
	if (in->op == OP_SKILLS && in->agent >= 0) {
		struct w_agent *ag = (struct w_agent *)
			&c->w->agent[in->agent];

		memcpy(c->level_was, ag->level, sizeof(c->level_was));
		memcpy(ag->level, in->level, sizeof(ag->level));
	}
	/* a routing change likewise: the queue's new routing in the world,
	 * and each of its calls at the widening step its wait has reached
	 * (the engine emits no WIDEN for the steps passed over) */
	if (in->op == OP_ROUTING && in->queue >= 0) {
		struct world *w = (struct world *)c->w;

		c->queue_was = w->queue[in->queue];
		world_reroute(w, (unsigned)in->queue, in->routing_seed);
		for (size_t k = 0; k < c->n_live; k++) {
			struct m_call *mc = &c->call[c->live[k]];
			const struct w_queue *q = wq(c, mc->queue);
			unsigned step = 0;

			if (mc->queue != (unsigned)in->queue || !mc->exists ||
			    mc->ended || mc->connected || mc->in_transfer)
				continue;
			while (step < q->n_widen &&
			       mc->enter + q->widen[step].after_ms <= c->clock)
				step++;
			mc->widened_was = mc->widened;
			mc->widened = step;
		}
	}
}

void chk_end(struct chk *c, int rc, uint64_t call)
{
	const struct drv_input *in = &c->in;
	bool timed = !drv_op_untimed(in->op);

	c->n_inputs++;
	c->in_input = false;
	if (rc)
		c->n_errors++;
	if (c->checks & CHK_RETURN) {
		if (rc && c->expect == EXPECT_OK)
			fail(c, "returned %d (%s: %s), the contract says it "
			     "succeeds", rc, strerror(rc), acd_errmsg(c->acd));
		if (!rc && c->expect == EXPECT_ERR)
			fail(c, "succeeded, the contract says it fails");
	}
	if (rc) {
		if (c->ev_in_input)
			fail(c, "returned %d yet emitted %u events", rc,
			     c->ev_in_input);
		if (!acd_errmsg(c->acd) || !acd_errmsg(c->acd)[0])
			fail(c, "returned %d with an empty acd_errmsg", rc);
		if (c->expect != EXPECT_OK && (c->checks & CHK_UNCHANGED))
			snap_compare(c);
		/* the engine's clock did not move either; the driver's
		 * did and never goes back */
		if (timed && in->now > c->clock)
			c->clock = in->now;
		if (c->member_was >= 0) {
			c->member[c->member_ix] = (uint8_t)c->member_was;
			c->member_ord[c->member_ix] = c->ord_was;
		}
		if (in->op == OP_SKILLS && in->agent >= 0)
			memcpy((uint8_t *)c->w->agent[in->agent].level,
			       c->level_was, sizeof(c->level_was));
		if (in->op == OP_ROUTING && in->queue >= 0) {
			((struct world *)c->w)->queue[in->queue] =
				c->queue_was;
			for (size_t k = 0; k < c->n_live; k++) {
				struct m_call *mc = &c->call[c->live[k]];

				if (mc->queue == (unsigned)in->queue &&
				    mc->exists && !mc->ended &&
				    !mc->connected && !mc->in_transfer)
					mc->widened = mc->widened_was;
			}
		}
		return;
	}
	if (in->op == OP_PAUSE && in->agent >= 0
	    && (c->agent[in->agent].state == ACD_AGENT_ON_CALL
		|| c->agent[in->agent].state == ACD_AGENT_WRAP_UP))
		c->agent[in->agent].pending_pause = true;
	check_effect(c, call);
	if (timed) {
		check_agents(c);
		check_queues(c);
		check_calls(c, in->now);
	}
	else {
		/* a membership change without a clock: timers and routing
		 * may wait for the next timed input */
		unsigned saved = c->checks;

		c->checks &= ~(CHK_WORK | CHK_EMPTY | CHK_TIMERS);
		check_agents(c);
		check_queues(c);
		check_calls(c, c->clock);
		c->checks = saved;
	}
	if (timed && in->now > c->last_now)
		c->last_now = in->now;
	if (timed && in->now > c->clock)
		c->clock = in->now;
}
