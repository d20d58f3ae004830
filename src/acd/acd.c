/* acd.c — the routing engine: configuration, inputs, timers and the
 * offers they lead to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acd_int.h"

/*
 * Design (cost is the point: a decision never scans agents x queues).
 *
 * Calls that need exactly the same agents share a *routing class*
 * (class.c): queue, required skills after widening, the call's extra
 * skills, extra queues and sites. A class holds two ordered sets
 * (tree.c): its waiting calls keyed (-effective priority, entry time,
 * call id), and its ready eligible agents keyed by the queue's strategy
 * (strategy.c). Every agent keeps the list of classes it is eligible for
 * while logged in (a few).
 *
 * Invariant kept after every step: in each class, the waiting calls or
 * the ready agents are empty. A step is one input, or all the timers due
 * at one instant: it first applies every change (calls start waiting,
 * agents become ready, pause, widen...) without routing, noting the
 * classes it touched and the agents it made ready; then route() settles
 * it once:
 *   - leave-empty rules of the touched classes;
 *   - one agent made ready and nothing else to match (the common case):
 *     it looks at the head call of each of its classes and takes the
 *     best by (-priority, entry, -member weight, entry order); else it
 *     joins their ready sets; O(classes of the agent x log n);
 *   - otherwise the fresh agents join their ready sets, and calls are
 *     served in order (-priority, entry, entry order), each head call of
 *     a touched class that has ready agents to the one its strategy
 *     picks, until no touched class has both; O(touched classes x log n)
 *     per offer. Untouched classes cannot have both (invariant).
 * So whatever the order in which same-instant timers ran, the outcome is
 * that of routing after all of them. An agent offered a call leaves the
 * ready sets of its classes.
 * Classes are made lazily at the first call needing them (the only scan
 * of candidate agents), then kept current on login/logout and member
 * add/remove at the cost of the few classes of the queues concerned.
 *
 * Timers (ring timeout, wrap-up end, max wait, widening, announcement)
 * live in one binary heap (timers.c). Queue statistics are counters kept
 * as things happen; waiting calls per queue are also in a tree by entry
 * time for the oldest wait.
 *
 * Order within an input: validate arguments (no event, no change on
 * error); run the timers due by `now`; check the state the input finds
 * (EPERM/EALREADY refuse it then, though the due timers have run, as
 * acd_tick() would have run them); apply it.
 */

static const char *reason_no_answer = "no-answer";

/* ---------------------------------------------------------------------
 * Errors, lookups, events
 * ------------------------------------------------------------------- */

int acd_err(struct acd *acd, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(acd->errmsg, sizeof(acd->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

const char *acd_errmsg(const struct acd *acd)
{
	return acd ? acd->errmsg : "no engine";
}

/* The common start of tenant, site, position, queue, agent, reason: every
 * object looked up by id begins with these two fields. */
struct named {
	struct le he;              /* in a hash by id                       */
	char *id;                  /* the id                                */
};

static bool named_eq(struct le *le, void *arg)
{
	const struct named *n = le->data;

	return !strcmp(n->id, arg);
}

static void *find_named(const struct hash *h, const char *id)
{
	struct le *le;

	if (!id)
		return NULL;
	le = hash_lookup(h, hash_joaat_str(id), named_eq, (void *)id);
	return le ? le->data : NULL;
}

void *acd_named_find(const struct hash *h, const char *id)
{
	return find_named(h, id);
}

struct queue *acd_queue_find(const struct acd *acd, const char *id)
{
	return find_named(acd->queues, id);
}

struct agent *acd_agent_find(const struct acd *acd, const char *id)
{
	return find_named(acd->agents, id);
}

struct site *acd_site_find(const struct acd *acd, const char *id)
{
	return find_named(acd->sites, id);
}

/* O(1): the table grows with the calls (hash_grow()). */
struct call *acd_call_find(const struct acd *acd, uint64_t id)
{
	struct le *le = list_head(hash_list(acd->calls, (uint32_t)id));

	for (; le; le = le->next) {
		struct call *c = le->data;

		if (c->id == id)
			return c;
	}
	return NULL;
}

static uint32_t call_key(const void *data)
{
	return (uint32_t)((const struct call *)data)->id;
}

static uint32_t named_key(const void *data)
{
	return hash_joaat_str(((const struct named *)data)->id);
}

/* Gives *hp four times the buckets once it holds more entries than
 * buckets, so chains stay short (O(count) now and then, O(1) amortised).
 * On ENOMEM the table is kept as it is: only lookups get slower. */
static void hash_grow(struct hash **hp, size_t count,
		      uint32_t (*key)(const void *data))
{
	struct hash *h = *hp, *nh;
	uint32_t bsize = hash_bsize(h);

	if (count <= bsize || bsize >= (1u << 24))
		return;
	if (hash_alloc(&nh, bsize * 4))
		return;
	for (uint32_t i = 0; i < bsize; i++) {
		struct list *l = hash_list(h, i);

		while (!list_isempty(l)) {
			struct le *le = list_head(l);

			hash_unlink(le);
			hash_append(nh, key(le->data), le, le->data);
		}
	}
	mem_deref(h);
	*hp = nh;
}

struct member *acd_member_find(const struct queue *q, const struct agent *a)
{
	for (struct le *le = list_head(&a->members); le; le = le->next) {
		struct member *m = le->data;

		if (m->q == q)
			return m;
	}
	return NULL;
}

void acd_emit(struct acd *acd, struct acd_event *ev)
{
	ev->time = acd->now;
	if (!acd->eh)
		return;
	acd->in_handler = true;
	acd->eh(ev, acd->arg);
	acd->in_handler = false;
}

static void emit_call(struct acd *acd, enum acd_event_type type,
		      const struct call *call, const struct agent *a,
		      struct acd_event *ev)
{
	ev->type = type;
	ev->call = call->id;
	ev->tenant = call->q->tenant->id;
	ev->queue = call->q->id;
	ev->agent = a ? a->id : NULL;
	acd_emit(acd, ev);
}

/* ---------------------------------------------------------------------
 * Agent state
 * ------------------------------------------------------------------- */

/* Changes an agent's state: counters of its queues and classes, event. */
static void agent_state(struct acd *acd, struct agent *a,
			enum acd_agent_state st, const char *reason)
{
	enum acd_agent_state old = a->state;
	struct acd_event ev;

	for (struct le *le = list_head(&a->members); le; le = le->next) {
		struct member *m = le->data;

		m->q->agents[old]--;
		m->q->agents[st]++;
	}
	if ((old == ACD_AGENT_PAUSED) != (st == ACD_AGENT_PAUSED)) {
		for (struct le *le = list_head(&a->cms); le; le = le->next) {
			struct cmember *cm = le->data;

			if (st == ACD_AGENT_PAUSED)
				cm->c->n_unpaused--;
			else
				cm->c->n_unpaused++;
		}
	}
	a->state = st;
	a->since = acd->now;
	a->reason = st == ACD_AGENT_PAUSED ? reason : NULL;

	memset(&ev, 0, sizeof(ev));
	ev.type = ACD_EV_AGENT_STATE;
	ev.tenant = a->tenant ? a->tenant->id : NULL;
	ev.agent = a->id;
	ev.state = st;
	ev.old_state = old;
	ev.reason = a->reason;
	if (a->pos) {
		ev.position = a->pos->id;
		ev.site = a->pos->site->id;
	}
	acd_emit(acd, &ev);
}

void agent_unready(struct agent *a)
{
	list_unlink(&a->wle);
	for (struct le *le = list_head(&a->cms); le; le = le->next) {
		struct cmember *cm = le->data;

		tree_remove(&cm->c->ready, &cm->node);
	}
}

static void call_wait(struct acd *acd, struct call *call);

/* Notes that class c changed in this step: route() settles it. */
void class_touch(struct acd *acd, struct rclass *c)
{
	if (!c->tle.list)
		list_append(&acd->touched, &c->tle, c);
}

/* Touches every class of agent a (its pause may empty them). */
static void agent_touch(struct acd *acd, struct agent *a)
{
	for (struct le *le = list_head(&a->cms); le; le = le->next)
		class_touch(acd, ((struct cmember *)le->data)->c);
}

/* ---------------------------------------------------------------------
 * Offers
 * ------------------------------------------------------------------- */

/* Rings agent a (ready) with call (waiting, or ringing for ring-all). */
static void offer(struct acd *acd, struct call *call, struct agent *a)
{
	struct queue *q = call->q;
	struct rclass *c = call->chain[call->step];
	struct acd_event ev;

	if (call->st == CALL_WAITING) {
		tree_remove(&c->calls, &call->cnode);
		q->waiting--;
		call->st = CALL_RINGING;
		q->ringing++;
		call->gen[TMR_RING]++;
		(void)timer_start(acd, acd->now + q->ring_timeout_ms,
				  TMR_RING, call->id, NULL,
				  call->gen[TMR_RING]);
	}
	if (q->strategy == ACD_STRATEGY_ROUND_ROBIN) {
		struct cmember *cm = class_member_of(a, c);

		if (cm)
			q->rr_last = cm->order;
	}
	agent_unready(a);
	a->call = call;
	list_append(&call->offers, &a->ole, a);

	memset(&ev, 0, sizeof(ev));
	emit_call(acd, ACD_EV_OFFER, call, a, &ev);
	agent_state(acd, a, ACD_AGENT_OFFERED, NULL);
}

/* Offers the head call of class c (calls and ready agents both there)
 * to the agent its strategy picks, or to every one for ring-all. */
static void offer_head(struct acd *acd, struct rclass *c)
{
	struct call *call = ACD_CONTAINER(tree_min(&c->calls), struct call,
					  cnode);
	struct tnode *n;

	if (c->q->strategy == ACD_STRATEGY_RING_ALL) {
		while ((n = tree_min(&c->ready)) != NULL)
			offer(acd, call,
			      ACD_CONTAINER(n, struct cmember, node)->a);
		return;
	}
	offer(acd, call, strategy_pick(acd, c)->a);
}

/* An agent just ready: take the best head call of its classes, or join
 * the ready sets of all of them. */
static void agent_dispatch(struct acd *acd, struct agent *a)
{
	struct call *best = NULL;
	unsigned best_w = 0;

	if (a->state != ACD_AGENT_READY)
		return;
	for (struct le *le = list_head(&a->cms); le; le = le->next) {
		struct cmember *cm = le->data;
		struct tnode *n = tree_min(&cm->c->calls);
		struct call *call;
		int cmp;

		if (!n)
			continue;
		call = ACD_CONTAINER(n, struct call, cnode);
		if (!best) {
			cmp = -1;
		}
		else if (call->eprio != best->eprio) {
			cmp = call->eprio > best->eprio ? -1 : 1;
		}
		else if (call->enter != best->enter) {
			cmp = call->enter < best->enter ? -1 : 1;
		}
		else if (cm->weight != best_w) {
			cmp = cm->weight > best_w ? -1 : 1;
		}
		else {
			cmp = call->seq < best->seq ? -1 : 1;
		}
		if (cmp < 0) {
			best = call;
			best_w = cm->weight;
		}
	}
	if (best) {
		offer(acd, best, a);
		return;
	}
	for (struct le *le = list_head(&a->cms); le; le = le->next) {
		struct cmember *cm = le->data;

		if (cm->node.in)
			continue;
		strategy_key(cm);
		tree_insert(&cm->c->ready, &cm->node);
	}
}

/* Agent to ready (restarting the idle clock when asked); route() of the
 * step places it. */
static void agent_ready_now(struct acd *acd, struct agent *a, bool restart)
{
	if (restart)
		a->ready_since = acd->now;
	agent_state(acd, a, ACD_AGENT_READY, NULL);
	list_unlink(&a->wle);
	list_append(&acd->fresh, &a->wle, a);
}

static void check_empty(struct acd *acd, struct rclass *c);

/* True when call x comes before call y in line: priority, entry time,
 * entry order. */
static bool call_before(const struct call *x, const struct call *y)
{
	if (x->eprio != y->eprio)
		return x->eprio > y->eprio;
	if (x->enter != y->enter)
		return x->enter < y->enter;
	return x->seq < y->seq;
}

/* True when a touched class has both a waiting call and a ready agent. */
static bool touched_match(const struct acd *acd)
{
	for (struct le *le = list_head(&acd->touched); le; le = le->next) {
		const struct rclass *c = le->data;

		if (tree_count(&c->calls) && tree_count(&c->ready))
			return true;
	}
	return false;
}

/* Settles the changes of a step (see the design note at the top): the
 * leave-empty rules of the touched classes, then offers until no class
 * has both a waiting call and a ready agent. */
static void route(struct acd *acd)
{
	struct le *le;

	for (le = list_head(&acd->touched); le; le = le->next)
		check_empty(acd, le->data);

	if (acd->fresh.head && acd->fresh.head == acd->fresh.tail &&
	    !touched_match(acd)) {
		struct agent *a = list_head(&acd->fresh)->data;

		list_unlink(&a->wle);
		agent_dispatch(acd, a);
	}
	while (!list_isempty(&acd->fresh)) {
		struct agent *a = list_head(&acd->fresh)->data;

		list_unlink(&a->wle);
		for (le = list_head(&a->cms); le; le = le->next) {
			struct cmember *cm = le->data;

			if (cm->node.in)
				continue;
			strategy_key(cm);
			tree_insert(&cm->c->ready, &cm->node);
			class_touch(acd, cm->c);
		}
	}
	for (;;) {
		struct rclass *best = NULL;
		struct call *first = NULL;

		le = list_head(&acd->touched);
		while (le) {
			struct rclass *c = le->data;
			struct tnode *n = tree_min(&c->calls);
			struct call *call;

			le = le->next;
			/* neither comes back while offers are made */
			if (!n || !tree_count(&c->ready)) {
				list_unlink(&c->tle);
				continue;
			}
			call = ACD_CONTAINER(n, struct call, cnode);
			if (!first || call_before(call, first)) {
				first = call;
				best = c;
			}
		}
		if (!best)
			break;
		offer_head(acd, best);
	}
}

/* route(), then the agents that let a call ring out in this step become
 * ready (the call was offered to the others first), and route() again. */
void settle(struct acd *acd)
{
	route(acd);
	if (list_isempty(&acd->later))
		return;
	while (!list_isempty(&acd->later)) {
		struct agent *a = list_head(&acd->later)->data;

		list_unlink(&a->wle);
		agent_ready_now(acd, a, true);
	}
	route(acd);
}

/* Stops every ringing offer of a call (OFFER_STOP each); the agents are
 * moved to `freed` (through agent->ole) to be made ready by the caller
 * once the call is settled. */
static void call_stop_offers(struct acd *acd, struct call *call,
			     struct list *freed)
{
	while (!list_isempty(&call->offers)) {
		struct agent *a = list_head(&call->offers)->data;
		struct acd_event ev;

		list_unlink(&a->ole);
		a->call = NULL;
		memset(&ev, 0, sizeof(ev));
		emit_call(acd, ACD_EV_OFFER_STOP, call, a, &ev);
		list_append(freed, &a->ole, a);
	}
	if (call->st == CALL_RINGING) {
		call->q->ringing--;
		call->gen[TMR_RING]++;
	}
}

/* Agents whose offer was stopped (not their doing) go back to ready
 * with their idle clock kept. */
static void agents_release(struct acd *acd, struct list *freed)
{
	while (!list_isempty(freed)) {
		struct agent *a = list_head(freed)->data;

		list_unlink(&a->ole);
		agent_ready_now(acd, a, false);
	}
}

/* A ringing call none rings any longer: back to its place in line. */
static void call_unring(struct acd *acd, struct call *call)
{
	assert(call->st == CALL_RINGING && list_isempty(&call->offers));
	call->q->ringing--;
	call->gen[TMR_RING]++;
	call_wait(acd, call);
}

/* ---------------------------------------------------------------------
 * Calls
 * ------------------------------------------------------------------- */

static void call_destroy(void *arg)
{
	struct call *call = arg;

	while (!list_isempty(&call->offers))
		list_unlink(list_head(&call->offers));
	list_unlink(&call->qle);
	mem_deref(call->xexpr);
}

/* Removes an ended call from everything and frees it. */
static void call_free(struct acd *acd, struct call *call)
{
	struct rclass *c = call->chain[call->step];

	if (call->cnode.in)
		call->q->waiting--;
	tree_remove(&c->calls, &call->cnode);
	list_unlink(&call->qle);
	hash_unlink(&call->he);
	acd->n_calls--;
	mem_deref(call);
}

/* Call leaves the queue unanswered (EXIT); ringing agents are released. */
static void call_exit(struct acd *acd, struct call *call,
		      enum acd_exit_reason reason, char key)
{
	struct list freed = LIST_INIT;
	struct acd_event ev;

	call_stop_offers(acd, call, &freed);
	memset(&ev, 0, sizeof(ev));
	ev.wait_ms = acd->now - call->enter;
	ev.exit_reason = reason;
	ev.key = key;
	call->q->exited++;
	emit_call(acd, ACD_EV_EXIT, call, NULL, &ev);
	call_free(acd, call);
	agents_release(acd, &freed);
}

/* True when the empty rule holds for class c. */
static bool empty_rule(enum acd_empty_rule rule, const struct rclass *c)
{
	switch (rule) {

	case ACD_EMPTY_NO_AGENTS:
		return c->n_logged == 0;

	case ACD_EMPTY_NO_AVAILABLE:
		return c->n_unpaused == 0;

	default:
		return false;
	}
}

/* Leave-when-empty: send the waiting calls of c away if the rule holds. */
static void check_empty(struct acd *acd, struct rclass *c)
{
	struct tnode *n;

	if (!empty_rule(c->q->leave_empty, c))
		return;
	while ((n = tree_min(&c->calls)) != NULL)
		call_exit(acd, ACD_CONTAINER(n, struct call, cnode),
			  ACD_EXIT_EMPTY, 0);
}

/* The call waits in its class at its place (route() offers it). */
static void call_wait(struct acd *acd, struct call *call)
{
	struct rclass *c = call->chain[call->step];

	call->st = CALL_WAITING;
	call->cnode.k[0] = -(int64_t)call->eprio;
	call->cnode.k[1] = call->enter;
	call->cnode.k[2] = (int64_t)call->seq;
	call->cnode.w = 1;
	tree_insert(&c->calls, &call->cnode);
	call->q->waiting++;
	/* entries come in time order: the tail is its place in line; a
	 * ringing call coming back never left it */
	if (!call->qle.list)
		list_append(&call->q->line, &call->qle, call);
	class_touch(acd, c);
}

/* Builds the class chain of a call for queue q (no state change but
 * classes made). Calls without extra skills (x NULL) reuse the queue's
 * chain once made: no class key is built per arrival. */
int chain_build(struct acd *acd, struct queue *q, struct skexpr *x,
		       struct rclass **chain)
{
	size_t n = q->n_widen + 1;

	if (!x && q->plain[0]) {
		memcpy(chain, q->plain, n * sizeof(*chain));
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		int err = class_get(acd, &chain[i], q, i, x);

		if (err)
			return err;
	}
	if (!x)
		memcpy(q->plain, chain, n * sizeof(*chain));
	return 0;
}

/* A call (new, or transferred) enters queue q: CALL_ENTER, then the
 * max-len and join rules, then it waits. chain is from chain_build. */
static void call_enter(struct acd *acd, struct call *call, struct queue *q,
		       struct rclass **chain)
{
	struct acd_event ev;

	call->q = q;
	call->eprio = q->priority + call->prio;
	call->enter = acd->now;
	call->seq = ++acd->entry_seq;
	call->step = 0;
	call->n_chain = q->n_widen + 1;
	memcpy(call->chain, chain, call->n_chain * sizeof(*chain));
	call->announces = 0;
	call->agent = NULL;
	for (unsigned k = 0; k < TMR_KINDS; k++)
		call->gen[k]++;
	q->entered++;

	memset(&ev, 0, sizeof(ev));
	ev.priority = call->prio;
	emit_call(acd, ACD_EV_CALL_ENTER, call, NULL, &ev);

	call->st = CALL_WAITING; /* not yet in its class's tree */
	/* A ringing call is still in line: it comes back if unanswered. */
	if (q->max_len && q->waiting + q->ringing >= q->max_len) {
		call_exit(acd, call, ACD_EXIT_FULL, 0);
		return;
	}
	if (empty_rule(q->join_empty, chain[0])) {
		call_exit(acd, call, ACD_EXIT_EMPTY, 0);
		return;
	}
	if (q->max_wait_ms > 0)
		(void)timer_start(acd, call->enter + q->max_wait_ms,
				  TMR_MAXWAIT, call->id, NULL,
				  call->gen[TMR_MAXWAIT]);
	if (q->n_widen > 0)
		(void)timer_start(acd, call->enter + q->widen[0].after_ms,
				  TMR_WIDEN, call->id, NULL,
				  call->gen[TMR_WIDEN]);
	if (q->announce_ms > 0)
		(void)timer_start(acd, call->enter + q->announce_ms,
				  TMR_ANNOUNCE, call->id, NULL,
				  call->gen[TMR_ANNOUNCE]);
	call_wait(acd, call);
}

/* ---------------------------------------------------------------------
 * After a call: wrap-up and pending pause
 * ------------------------------------------------------------------- */

static void agent_after_wrapup(struct acd *acd, struct agent *a)
{
	const char *pending = a->pending_pause;

	a->pending_pause = NULL;
	if (pending) {
		agent_state(acd, a, ACD_AGENT_PAUSED, pending);
		agent_touch(acd, a);
		return;
	}
	agent_ready_now(acd, a, true);
}

static void wrapup_end(struct acd *acd, struct agent *a)
{
	struct acd_event ev;

	a->wrap_gen++;
	memset(&ev, 0, sizeof(ev));
	ev.type = ACD_EV_WRAPUP_END;
	ev.tenant = a->tenant ? a->tenant->id : NULL;
	ev.agent = a->id;
	acd_emit(acd, &ev);
}

/* The agent's call ended or was transferred: wrap-up for q's wrapup_ms. */
static void agent_after_call(struct acd *acd, struct agent *a,
			     struct queue *q, acd_ms_t talk)
{
	acd_ms_t handle = talk + q->wrapup_ms;

	a->call = NULL;
	a->talk_ms += talk;
	/* EWMA, weight 1/8 for the newest call */
	q->mean_handle_ms += (handle - q->mean_handle_ms) / 8;
	if (q->wrapup_ms > 0) {
		a->wrap_gen++;
		(void)timer_start(acd, acd->now + q->wrapup_ms, TMR_WRAPUP,
				  0, a, a->wrap_gen);
		agent_state(acd, a, ACD_AGENT_WRAP_UP, NULL);
		return;
	}
	agent_after_wrapup(acd, a);
}

/* ---------------------------------------------------------------------
 * Offer outcomes
 * ------------------------------------------------------------------- */

/* An offer of q's call ended unanswered (input or ring timeout): the
 * agent is paused "no-answer" past the queue's max_no_answer, else it
 * waits in acd->later to become ready once the step has offered the
 * call to others (settle()). */
static void agent_no_answer(struct acd *acd, struct agent *a,
			    struct queue *q)
{
	a->no_answers++;
	if (q->max_no_answer > 0 && a->no_answers >= q->max_no_answer) {
		agent_state(acd, a, ACD_AGENT_PAUSED, reason_no_answer);
		agent_touch(acd, a);
		return;
	}
	list_append(&acd->later, &a->wle, a);
}

static void ring_timeout(struct acd *acd, struct call *call)
{
	struct list gone = LIST_INIT;
	struct queue *q = call->q;

	while (!list_isempty(&call->offers)) {
		struct agent *a = list_head(&call->offers)->data;
		struct acd_event ev;

		list_unlink(&a->ole);
		a->call = NULL;
		memset(&ev, 0, sizeof(ev));
		emit_call(acd, ACD_EV_OFFER_NO_ANSWER, call, a, &ev);
		list_append(&gone, &a->ole, a);
	}
	call_unring(acd, call);
	while (!list_isempty(&gone)) {
		struct agent *a = list_head(&gone)->data;

		list_unlink(&a->ole);
		agent_no_answer(acd, a, q);
	}
}

/* ---------------------------------------------------------------------
 * Timers
 * ------------------------------------------------------------------- */

static void widen_step(struct acd *acd, struct call *call)
{
	struct queue *q = call->q;
	struct rclass *old = call->chain[call->step];
	struct rclass *c;
	struct acd_event ev;
	unsigned step = call->step;

	if (step >= q->n_widen)
		return;
	call->step = step + 1;
	c = call->chain[call->step];
	if (call->st == CALL_WAITING) {
		tree_remove(&old->calls, &call->cnode);
		tree_insert(&c->calls, &call->cnode);
	}
	if (call->step < q->n_widen)
		(void)timer_start(acd, call->enter +
				  q->widen[call->step].after_ms, TMR_WIDEN,
				  call->id, NULL, call->gen[TMR_WIDEN]);
	memset(&ev, 0, sizeof(ev));
	ev.widen_step = step;
	emit_call(acd, ACD_EV_WIDEN, call, NULL, &ev);
	if (call->st == CALL_WAITING)
		class_touch(acd, c);
}

/* Expected wait of the caller at 1-based place `place` in class c: the
 * place times the queue's mean handle time, shared among the eligible
 * logged-in agents (one if none). */
static acd_ms_t expected_wait(const struct rclass *c, unsigned place)
{
	unsigned agents = c->n_logged ? c->n_logged : 1;

	return (acd_ms_t)place * c->q->mean_handle_ms / agents;
}

static void announce(struct acd *acd, struct call *call)
{
	struct rclass *c = call->chain[call->step];
	struct queue *q = call->q;
	struct acd_event ev;

	call->announces++;
	(void)timer_start(acd, call->enter +
			  (acd_ms_t)(call->announces + 1) * q->announce_ms,
			  TMR_ANNOUNCE, call->id, NULL,
			  call->gen[TMR_ANNOUNCE]);
	if (call->st != CALL_WAITING)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.position_in_line = tree_rank(&c->calls, &call->cnode) + 1;
	ev.expected_wait_ms = expected_wait(c, ev.position_in_line);
	emit_call(acd, ACD_EV_ANNOUNCE, call, NULL, &ev);
}

/* Timers started in one step: at most a few per agent and per call
 * touched; reserving this many up front means none can fail midway. */
int reserve(struct acd *acd)
{
	size_t n = 2 * acd->n_agents + 16;

	if (timer_reserve(acd, n))
		return acd_err(acd, ENOMEM, "out of memory for timers");
	return 0;
}

/* Applies one due timer (no routing: see settle()). */
static void timer_apply(struct acd *acd, const struct timer *t)
{
	struct call *call = NULL;

	if (t->kind != TMR_WRAPUP)
		call = acd_call_find(acd, t->call);

	switch (t->kind) {

	case TMR_RING:
		if (call->st == CALL_RINGING)
			ring_timeout(acd, call);
		break;

	case TMR_MAXWAIT:
		if (call->st != CALL_CONNECTED)
			call_exit(acd, call, ACD_EXIT_TIMEOUT, 0);
		break;

	case TMR_WIDEN:
		if (call->st != CALL_CONNECTED)
			widen_step(acd, call);
		break;

	case TMR_ANNOUNCE:
		if (call->st != CALL_CONNECTED)
			announce(acd, call);
		break;

	case TMR_WRAPUP:
		wrapup_end(acd, t->agent);
		agent_after_wrapup(acd, t->agent);
		break;

	default:
		break;
	}
}

/* Runs the timers due by now, instant by instant: at each, every timer
 * due then (including those it starts for that same instant) is applied,
 * then the step is settled once. */
static void run_timers(struct acd *acd, acd_ms_t now)
{
	struct timer t;

	/* room first: on ENOMEM the timers stay due for later */
	while (!reserve(acd)) {
		acd_ms_t at;

		timer_prune(acd);
		at = timer_next(acd);
		if (at > now)
			break;
		acd->now = at;
		while (timer_pop_due(acd, at, &t)) {
			timer_apply(acd, &t);
			if (reserve(acd))
				break;
		}
		settle(acd);
	}
	acd->now = now;
	timer_prune(acd);
}

/* Common prologue of inputs: not from the handler, time not backwards,
 * timer room reserved. Runs no timer. */
static int input_check(struct acd *acd, acd_ms_t now)
{
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	if (now < acd->now)
		return acd_err(acd, EINVAL, "time went backwards: now %lld "
			       "< %lld", (long long)now,
			       (long long)acd->now);
	return reserve(acd);
}

int acd_tick(struct acd *acd, acd_ms_t now)
{
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	run_timers(acd, now);
	return 0;
}

acd_ms_t acd_next_deadline(const struct acd *acd)
{
	if (!acd)
		return ACD_NEVER;
	return timer_next(acd);
}

/* ---------------------------------------------------------------------
 * Engine and configuration
 * ------------------------------------------------------------------- */

struct reason {
	struct le he;              /* in acd->reasons                       */
	char *id;                  /* the reason text                       */
};

static void named_destroy(void *arg)
{
	struct named *n = arg;

	hash_unlink(&n->he);
	mem_deref(n->id);
}

static void position_destroy(void *arg)
{
	struct position *p = arg;

	hash_unlink(&p->he);
	mem_deref(p->id);
}

static void member_destroy(void *arg)
{
	struct member *m = arg;

	list_unlink(&m->qle);
	list_unlink(&m->ale);
}

void queue_destroy(void *arg)
{
	struct queue *q = arg;

	hash_unlink(&q->he);
	list_unlink(&q->le);
	list_flush(&q->members);
	while (!list_isempty(&q->classes))
		list_unlink(list_head(&q->classes));
	mem_deref(q->id);
	mem_deref(q->skills);
	mem_deref(q->sites);
	for (unsigned i = 0; i < q->n_widen; i++) {
		mem_deref(q->widen[i].skills);
		mem_deref(q->widen[i].add_queue);
	}
}

static void agent_destroy(void *arg)
{
	struct agent *a = arg;

	hash_unlink(&a->he);
	list_unlink(&a->le);
	list_unlink(&a->ole);
	list_unlink(&a->wle);
	while (!list_isempty(&a->members))
		mem_deref(list_head(&a->members)->data);
	while (!list_isempty(&a->cms))
		mem_deref(list_head(&a->cms)->data);
	mem_deref(a->id);
	skillset_reset(&a->skills);
}

static void acd_destroy(void *arg)
{
	struct acd *acd = arg;

	hash_flush(acd->calls);
	hash_flush(acd->classes);
	hash_flush(acd->queues);
	hash_flush(acd->agents);
	hash_flush(acd->positions);
	hash_flush(acd->sites);
	hash_flush(acd->tenants);
	hash_flush(acd->reasons);
	list_flush(&acd->gone);
	mem_deref(acd->calls);
	mem_deref(acd->classes);
	mem_deref(acd->queues);
	mem_deref(acd->agents);
	mem_deref(acd->positions);
	mem_deref(acd->sites);
	mem_deref(acd->tenants);
	mem_deref(acd->reasons);
	mem_deref(acd->heap);
}

int acd_alloc(struct acd **acdp, uint64_t seed, acd_event_h *eh, void *arg)
{
	struct acd *acd;
	int err = 0;

	if (!acdp)
		return EINVAL;
	acd = mem_zalloc(sizeof(*acd), acd_destroy);
	if (!acd)
		return ENOMEM;
	acd->eh = eh;
	acd->arg = arg;
	acd->rng = seed;
	acd->now = INT64_MIN;
	acd->next_call = 1;
	err |= hash_alloc(&acd->tenants, 16);
	err |= hash_alloc(&acd->sites, 16);
	err |= hash_alloc(&acd->positions, 256);
	err |= hash_alloc(&acd->queues, 64);
	err |= hash_alloc(&acd->agents, 4096);
	err |= hash_alloc(&acd->calls, 4096);
	err |= hash_alloc(&acd->classes, 256);
	err |= hash_alloc(&acd->reasons, 16);
	if (err) {
		mem_deref(acd);
		return ENOMEM;
	}
	*acdp = acd;
	return 0;
}

struct acd *acd_free(struct acd *acd)
{
	return mem_deref(acd);
}

/* Ids: 1..ACD_ID_MAX bytes, printable, no space. */
static int check_id(struct acd *acd, const char *what, const char *id)
{
	size_t n;

	if (!id || !*id)
		return acd_err(acd, EINVAL, "%s id missing", what);
	n = strlen(id);
	if (n > ACD_ID_MAX)
		return acd_err(acd, EINVAL, "%s id longer than %d bytes",
			       what, ACD_ID_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)id[i];

		if (ch <= ' ' || ch == 0x7f)
			return acd_err(acd, EINVAL, "%s id \"%s\": control "
				       "character or space at offset %zu",
				       what, id, i);
	}
	return 0;
}

static int config_check(struct acd *acd)
{
	if (!acd)
		return EINVAL;
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	return 0;
}

static int named_add(struct acd *acd, struct hash *h, const char *what,
		     const char *id, void **objp)
{
	struct named *n;
	int err;

	err = check_id(acd, what, id);
	if (err)
		return err;
	if (find_named(h, id))
		return acd_err(acd, EEXIST, "%s \"%s\" already exists",
			       what, id);
	n = mem_zalloc(sizeof(*n), named_destroy);
	if (!n)
		return ENOMEM;
	err = str_dup(&n->id, id);
	if (err) {
		mem_deref(n);
		return err;
	}
	hash_append(h, hash_joaat_str(id), &n->he, n);
	if (objp)
		*objp = n;
	return 0;
}

int acd_tenant_add(struct acd *acd, const char *id)
{
	int err = config_check(acd);

	return err ? err : named_add(acd, acd->tenants, "tenant", id, NULL);
}

int acd_site_add(struct acd *acd, const char *id)
{
	int err = config_check(acd);

	return err ? err : named_add(acd, acd->sites, "site", id, NULL);
}

int acd_position_add(struct acd *acd, const char *id, const char *site)
{
	struct position *p;
	struct site *s;
	int err = config_check(acd);

	if (err)
		return err;
	err = check_id(acd, "position", id);
	if (err)
		return err;
	if (find_named(acd->positions, id))
		return acd_err(acd, EEXIST, "position \"%s\" already exists",
			       id);
	s = acd_site_find(acd, site);
	if (!s)
		return acd_err(acd, site ? ENOENT : EINVAL,
			       "position \"%s\": unknown site \"%s\"", id,
			       site ? site : "(null)");
	p = mem_zalloc(sizeof(*p), position_destroy);
	if (!p)
		return ENOMEM;
	err = str_dup(&p->id, id);
	if (err) {
		mem_deref(p);
		return err;
	}
	p->site = s;
	hash_append(acd->positions, hash_joaat_str(id), &p->he, p);
	acd->n_positions++;
	hash_grow(&acd->positions, acd->n_positions, named_key);
	return 0;
}

void acd_queue_conf_init(struct acd_queue_conf *conf)
{
	if (!conf)
		return;
	memset(conf, 0, sizeof(*conf));
	conf->strategy = ACD_STRATEGY_LONGEST_IDLE;
	conf->sl_target = 0.8;
	conf->sl_time_ms = 20000;
	conf->ring_timeout_ms = 15000;
	conf->wrapup_ms = 10000;
	conf->join_empty = ACD_EMPTY_ALLOW;
	conf->leave_empty = ACD_EMPTY_ALLOW;
	conf->max_no_answer = 3;
	conf->announce_ms = 30000;
}

/* Parses an expression, reporting errors with `what` in front. */
static int expr_parse(struct acd *acd, struct skexpr **ep, const char *s,
		      const char *what)
{
	char msg[200];
	int err;

	msg[0] = '\0';
	err = skexpr_parse(ep, s, msg, sizeof(msg));
	if (err == EINVAL)
		return acd_err(acd, EINVAL, "%s: %s", what, msg);
	if (err)
		return acd_err(acd, err, "%s: out of memory", what);
	return 0;
}

/* Checks a queue's configuration, for adding it or changing it: its
 * tenant first (found in *tp), then its settings. */
int queue_conf_check(struct acd *acd, const struct acd_queue_conf *f,
		     struct tenant **tp)
{
	const char *id = f->id;

	*tp = find_named(acd->tenants, f->tenant);
	if (!*tp)
		return acd_err(acd, f->tenant ? ENOENT : EINVAL,
			       "queue \"%s\": unknown tenant \"%s\"", id,
			       f->tenant ? f->tenant : "(null)");
	if ((unsigned)f->strategy >= ACD_STRATEGY_COUNT)
		return acd_err(acd, EINVAL, "queue \"%s\": strategy %d "
			       "unknown", id, (int)f->strategy);
	if (f->priority < -ACD_PRIO_MAX || f->priority > ACD_PRIO_MAX)
		return acd_err(acd, EINVAL, "queue \"%s\": priority %d out "
			       "of -%d..%d", id, f->priority, ACD_PRIO_MAX,
			       ACD_PRIO_MAX);
	if (!(f->sl_target > 0 && f->sl_target <= 1))
		return acd_err(acd, EINVAL, "queue \"%s\": sl_target must be "
			       "in (0,1]", id);
	if (f->sl_time_ms < 0)
		return acd_err(acd, EINVAL, "queue \"%s\": sl_time_ms "
			       "negative", id);
	if (f->ring_timeout_ms <= 0)
		return acd_err(acd, EINVAL, "queue \"%s\": ring_timeout_ms "
			       "must be positive", id);
	if (f->wrapup_ms < 0 || f->max_wait_ms < 0 || f->announce_ms < 0)
		return acd_err(acd, EINVAL, "queue \"%s\": wrapup_ms, "
			       "max_wait_ms and announce_ms must not be "
			       "negative", id);
	if ((unsigned)f->join_empty > ACD_EMPTY_NO_AVAILABLE ||
	    (unsigned)f->leave_empty > ACD_EMPTY_NO_AVAILABLE)
		return acd_err(acd, EINVAL, "queue \"%s\": join_empty or "
			       "leave_empty unknown", id);
	if (f->n_widen > ACD_MAX_WIDEN)
		return acd_err(acd, EINVAL, "queue \"%s\": %zu widening "
			       "steps, at most %d", id, f->n_widen,
			       ACD_MAX_WIDEN);
	for (size_t i = 0; i < f->n_widen; i++) {
		const struct acd_widen_step *w = &f->widen[i];

		if (w->after_ms < 0 ||
		    (i > 0 && w->after_ms < f->widen[i - 1].after_ms))
			return acd_err(acd, EINVAL, "queue \"%s\": widening "
				       "step %zu: after_ms must be >= 0 and "
				       "not below the step before", id, i);
		if (w->add_queue && check_id(acd, "widening add_queue",
					     w->add_queue))
			return EINVAL;
		if (w->add_site && !acd_site_find(acd, w->add_site))
			return acd_err(acd, ENOENT, "queue \"%s\": widening "
				       "step %zu: unknown site \"%s\"", id, i,
				       w->add_site);
	}
	return 0;
}

/* Parses the routing part of f (skills, sites, widening) into q, whose
 * fields are empty; on error q holds what was parsed (its destructor frees
 * it). Used by acd_queue_add and acd_queue_routing_set. */
/* The settings of a queue that new calls and timers read (not its
 * routing), already checked, from its configuration. */
void queue_settings_copy(struct queue *q, const struct acd_queue_conf *f)
{
	q->priority = f->priority;
	q->sl_target = f->sl_target;
	q->sl_time_ms = f->sl_time_ms;
	q->ring_timeout_ms = f->ring_timeout_ms;
	q->wrapup_ms = f->wrapup_ms;
	q->max_wait_ms = f->max_wait_ms;
	q->max_len = f->max_len;
	q->join_empty = f->join_empty;
	q->leave_empty = f->leave_empty;
	q->max_no_answer = f->max_no_answer;
	q->announce_ms = f->announce_ms;
}

int queue_routing_parse(struct acd *acd, const struct acd_queue_conf *f,
			struct queue *q)
{
	char what[64];
	int err;

	snprintf(what, sizeof(what), "queue skills");
	err = expr_parse(acd, &q->skills, f->skills, what);
	if (err)
		return err;

	/* sites: space-separated ids, each known, each once */
	if (f->sites && *f->sites) {
		const char *p = f->sites;
		size_t cap = 0;

		for (const char *s = p; *s; s++)
			cap += *s == ' ';
		cap += 1;
		q->sites = mem_zalloc(cap * sizeof(*q->sites), NULL);
		if (!q->sites) {
			err = ENOMEM;
			return err;
		}
		while (*p) {
			char id[ACD_ID_MAX + 1];
			size_t n = 0;
			struct site *s;

			while (*p == ' ')
				p++;
			if (!*p)
				break;
			while (p[n] && p[n] != ' ')
				n++;
			if (n > ACD_ID_MAX) {
				err = acd_err(acd, EINVAL, "queue \"%s\": "
					      "site id too long", f->id);
				return err;
			}
			memcpy(id, p, n);
			id[n] = '\0';
			p += n;
			s = acd_site_find(acd, id);
			if (!s) {
				err = acd_err(acd, ENOENT, "queue \"%s\": "
					      "unknown site \"%s\"", f->id,
					      id);
				return err;
			}
			for (unsigned i = 0; i < q->n_sites; i++) {
				if (q->sites[i] == s) {
					err = acd_err(acd, EINVAL, "queue "
						      "\"%s\": site \"%s\" "
						      "given twice", f->id,
						      id);
					return err;
				}
			}
			q->sites[q->n_sites++] = s;
		}
	}

	for (size_t i = 0; i < f->n_widen; i++) {
		const struct acd_widen_step *w = &f->widen[i];
		struct widen *qw = &q->widen[i];

		q->n_widen = (unsigned)i + 1;
		qw->after_ms = w->after_ms;
		if (w->skills) {
			snprintf(what, sizeof(what),
				 "widening step %zu skills", i);
			err = expr_parse(acd, &qw->skills, w->skills, what);
			if (err)
				return err;
			qw->set_skills = true;
		}
		if (w->add_queue) {
			err = str_dup(&qw->add_queue, w->add_queue);
			if (err)
				return err;
		}
		qw->add_site = w->add_site ?
			acd_site_find(acd, w->add_site) : NULL;
	}
	return 0;
}

int acd_queue_add(struct acd *acd, const struct acd_queue_conf *f)
{
	struct queue *q = NULL;
	struct tenant *t;
	int err = config_check(acd);

	if (err)
		return err;
	if (!f)
		return acd_err(acd, EINVAL, "queue: no configuration");
	err = check_id(acd, "queue", f->id);
	if (err)
		return err;
	if (acd_queue_find(acd, f->id))
		return acd_err(acd, EEXIST, "queue \"%s\" already exists",
			       f->id);
	err = queue_conf_check(acd, f, &t);
	if (err)
		return err;

	q = mem_zalloc(sizeof(*q), queue_destroy);
	if (!q)
		return ENOMEM;
	err = str_dup(&q->id, f->id);
	if (err)
		goto out;
	err = queue_routing_parse(acd, f, q);
	if (err)
		goto out;

	q->tenant = t;
	q->strategy = f->strategy;
	queue_settings_copy(q, f);
	q->mean_handle_ms = ACD_HANDLE_INIT;
	q->member_seq = 1;
	hash_append(acd->queues, hash_joaat_str(q->id), &q->he, q);
	list_append(&acd->queuel, &q->le, q);
	acd->n_queues++;
	hash_grow(&acd->queues, acd->n_queues, named_key);
	/* a widening step of another queue may name this one */
	for (struct le *le = list_head(&acd->queuel); le; le = le->next)
		((struct queue *)le->data)->plain[0] = NULL;
	/* The classes of its calls without extra skills, made now while it
	 * has no members to scan: no arrival pays for that scan. Best
	 * effort: past ACD_CLASS_MAX they are made at the first call. */
	{
		struct rclass *chain[ACD_MAX_WIDEN + 1];

		(void)chain_build(acd, q, NULL, chain);
	}

 out:
	if (err)
		mem_deref(q);
	return err;
}

int acd_agent_add(struct acd *acd, const struct acd_agent_conf *conf)
{
	struct agent *a;
	struct tenant *t = NULL;
	char msg[200];
	int err = config_check(acd);

	if (err)
		return err;
	if (!conf)
		return acd_err(acd, EINVAL, "agent: no configuration");
	err = check_id(acd, "agent", conf->id);
	if (err)
		return err;
	if (acd_agent_find(acd, conf->id))
		return acd_err(acd, EEXIST, "agent \"%s\" already exists",
			       conf->id);
	if (conf->tenant) {
		t = find_named(acd->tenants, conf->tenant);
		if (!t)
			return acd_err(acd, ENOENT, "agent \"%s\": unknown "
				       "tenant \"%s\"", conf->id,
				       conf->tenant);
	}
	a = mem_zalloc(sizeof(*a), agent_destroy);
	if (!a)
		return ENOMEM;
	msg[0] = '\0';
	err = skillset_parse(&a->skills, conf->skills, msg, sizeof(msg));
	if (err) {
		if (err == EINVAL)
			acd_err(acd, err, "agent \"%s\": %s", conf->id, msg);
		goto out;
	}
	err = str_dup(&a->id, conf->id);
	if (err)
		goto out;
	a->tenant = t;
	a->seq = ++acd->agent_seq;
	a->state = ACD_AGENT_LOGGED_OUT;
	a->since = acd->now == INT64_MIN ? 0 : acd->now;
	hash_append(acd->agents, hash_joaat_str(a->id), &a->he, a);
	list_append(&acd->agentl, &a->le, a);
	acd->n_agents++;
	hash_grow(&acd->agents, acd->n_agents, named_key);

 out:
	if (err)
		mem_deref(a);
	return err;
}

int acd_member_add(struct acd *acd, const char *queue, const char *agent,
		   unsigned weight)
{
	struct queue *q;
	struct agent *a;
	struct member *m;
	struct list fresh = LIST_INIT;
	int err = config_check(acd);

	if (err)
		return err;
	q = acd_queue_find(acd, queue);
	if (!q)
		return acd_err(acd, queue ? ENOENT : EINVAL,
			       "unknown queue \"%s\"",
			       queue ? queue : "(null)");
	a = acd_agent_find(acd, agent);
	if (!a)
		return acd_err(acd, agent ? ENOENT : EINVAL,
			       "unknown agent \"%s\"",
			       agent ? agent : "(null)");
	if (weight < 1 || weight > ACD_WEIGHT_MAX)
		return acd_err(acd, EINVAL, "member weight %u out of 1..%d",
			       weight, ACD_WEIGHT_MAX);
	if (acd_member_find(q, a))
		return acd_err(acd, EEXIST, "agent \"%s\" is already a "
			       "member of queue \"%s\"", a->id, q->id);
	err = reserve(acd);
	if (err)
		return err;

	m = mem_zalloc(sizeof(*m), member_destroy);
	if (!m)
		return ENOMEM;
	m->q = q;
	m->a = a;
	m->weight = weight;
	m->order = q->member_seq++;
	list_append(&q->members, &m->qle, m);
	list_append(&a->members, &m->ale, m);

	/* Classes the agent is now eligible for (logged in only). */
	if (a->pos) {
		err = class_collect(acd, a, q, &fresh);
		if (err) {
			mem_deref(m);
			q->member_seq--;
			return err;
		}
	}
	q->agents[a->state]++;
	/* Classes it was in already may now count this queue's weight. */
	for (struct le *le = list_head(&a->cms); le; le = le->next) {
		struct cmember *cm = le->data;

		for (unsigned i = 0; i < cm->c->n_xq; i++) {
			if (cm->c->xq[i] == q)
				class_refresh(cm);
		}
	}
	while (!list_isempty(&fresh))
		class_cm_link(list_head(&fresh)->data);
	if (a->state == ACD_AGENT_READY) {
		/* It joined ready sets; offer it a waiting call if any. */
		agent_unready(a);
		list_append(&acd->fresh, &a->wle, a);
	}
	settle(acd);
	timer_prune(acd);
	return 0;
}

int acd_member_remove(struct acd *acd, const char *queue, const char *agent)
{
	struct queue *q;
	struct agent *a;
	struct member *m;
	int err = config_check(acd);

	if (err)
		return err;
	q = acd_queue_find(acd, queue);
	if (!q)
		return acd_err(acd, queue ? ENOENT : EINVAL,
			       "unknown queue \"%s\"",
			       queue ? queue : "(null)");
	a = acd_agent_find(acd, agent);
	if (!a)
		return acd_err(acd, agent ? ENOENT : EINVAL,
			       "unknown agent \"%s\"",
			       agent ? agent : "(null)");
	m = acd_member_find(q, a);
	if (!m)
		return acd_err(acd, ENOENT, "agent \"%s\" is not a member "
			       "of queue \"%s\"", a->id, q->id);
	err = reserve(acd);
	if (err)
		return err;

	q->agents[a->state]--;
	mem_deref(m);

	/* Leave the classes it is no longer eligible for; refresh others. */
	struct le *le = list_head(&a->cms);

	while (le) {
		struct cmember *cm = le->data;
		struct rclass *c = cm->c;
		bool uses = c->q == q;

		le = le->next;
		for (unsigned i = 0; !uses && i < c->n_xq; i++)
			uses = c->xq[i] == q;
		if (!uses)
			continue;
		if (class_eligible(c, a)) {
			class_refresh(cm);
			continue;
		}
		class_touch(acd, c);
		class_leave(cm);
	}
	settle(acd);
	timer_prune(acd);
	return 0;
}

/* ---------------------------------------------------------------------
 * Inputs: agents
 * ------------------------------------------------------------------- */

static int find_agent(struct acd *acd, const char *id, struct agent **ap)
{
	*ap = acd_agent_find(acd, id);
	if (!*ap)
		return acd_err(acd, id ? ENOENT : EINVAL,
			       "unknown agent \"%s\"", id ? id : "(null)");
	return 0;
}

int acd_agent_login(struct acd *acd, acd_ms_t now, const char *agent,
		    const char *position)
{
	struct agent *a;
	struct position *p;
	struct list fresh = LIST_INIT;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	err = find_agent(acd, agent, &a);
	if (err)
		return err;
	p = find_named(acd->positions, position);
	if (!p)
		return acd_err(acd, position ? ENOENT : EINVAL,
			       "unknown position \"%s\"",
			       position ? position : "(null)");
	if (a->state != ACD_AGENT_LOGGED_OUT)
		return acd_err(acd, EALREADY, "agent \"%s\" is already "
			       "logged in at \"%s\"", a->id, a->pos->id);
	if (p->agent)
		return acd_err(acd, EPERM, "position \"%s\" is taken by "
			       "agent \"%s\"", p->id, p->agent->id);

	/* Class memberships need the site: allocate them before any change. */
	a->pos = p;
	err = class_collect(acd, a, NULL, &fresh);
	a->pos = NULL;
	if (err)
		return acd_err(acd, err, "out of memory");

	run_timers(acd, now);
	a->pos = p;
	p->agent = a;
	a->no_answers = 0;
	while (!list_isempty(&fresh))
		class_cm_link(list_head(&fresh)->data);
	agent_ready_now(acd, a, true);
	settle(acd);
	timer_prune(acd);
	return 0;
}

/* Withdraws a ringing offer from agent a (OFFER_STOP). Returns the call
 * if it now rings nobody (the caller puts it back in line afterwards). */
static struct call *offer_withdraw(struct acd *acd, struct agent *a)
{
	struct call *call = a->call;
	struct acd_event ev;

	list_unlink(&a->ole);
	a->call = NULL;
	memset(&ev, 0, sizeof(ev));
	emit_call(acd, ACD_EV_OFFER_STOP, call, a, &ev);
	return list_isempty(&call->offers) ? call : NULL;
}

int acd_agent_logout(struct acd *acd, acd_ms_t now, const char *agent)
{
	struct agent *a;
	struct call *back = NULL;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	err = find_agent(acd, agent, &a);
	if (err)
		return err;
	if (a->state == ACD_AGENT_LOGGED_OUT)
		return acd_err(acd, EALREADY, "agent \"%s\" is not logged "
			       "in", a->id);
	if (a->state == ACD_AGENT_ON_CALL)
		return acd_err(acd, EPERM, "agent \"%s\" is on a call",
			       a->id);

	run_timers(acd, now);
	if (a->state == ACD_AGENT_OFFERED)
		back = offer_withdraw(acd, a);
	agent_unready(a);
	a->wrap_gen++;
	a->pending_pause = NULL;
	agent_state(acd, a, ACD_AGENT_LOGGED_OUT, NULL);
	a->pos->agent = NULL;
	a->pos = NULL;
	while (!list_isempty(&a->cms)) {
		struct cmember *cm = list_head(&a->cms)->data;
		struct rclass *c = cm->c;

		class_touch(acd, c);
		class_leave(cm);
	}
	if (back)
		call_unring(acd, back);
	settle(acd);
	timer_prune(acd);
	return 0;
}

/* Interns a pause reason so events may point at it for good. */
static int reason_intern(struct acd *acd, const char *reason,
			 const char **out)
{
	struct named *n = find_named(acd->reasons, reason);
	int err;

	if (n) {
		*out = n->id;
		return 0;
	}
	if (acd->n_reasons >= ACD_REASON_MAX)
		return acd_err(acd, ENOSPC, "too many distinct pause "
			       "reasons (%d)", ACD_REASON_MAX);
	err = named_add(acd, acd->reasons, "pause reason", reason,
			(void **)&n);
	if (err)
		return err;
	acd->n_reasons++;
	*out = n->id;
	return 0;
}

int acd_agent_pause(struct acd *acd, acd_ms_t now, const char *agent,
		    const char *reason)
{
	struct agent *a;
	struct call *back = NULL;
	const char *r = NULL;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	err = find_agent(acd, agent, &a);
	if (err)
		return err;
	if (!reason || !*reason)
		return acd_err(acd, EINVAL, "pause reason missing");
	err = check_id(acd, "pause reason", reason);
	if (err)
		return err;
	if (a->state == ACD_AGENT_LOGGED_OUT)
		return acd_err(acd, EPERM, "agent \"%s\" is not logged in",
			       a->id);
	err = reason_intern(acd, reason, &r);
	if (err)
		return err;

	run_timers(acd, now);
	switch (a->state) {

	case ACD_AGENT_PAUSED:
		if (a->reason == r)
			return acd_err(acd, EALREADY, "agent \"%s\" is "
				       "already paused (%s)", a->id, r);
		agent_state(acd, a, ACD_AGENT_PAUSED, r);
		break;

	case ACD_AGENT_ON_CALL:
	case ACD_AGENT_WRAP_UP:
		a->pending_pause = r;
		break;

	case ACD_AGENT_OFFERED:
		back = offer_withdraw(acd, a);
		/* fall through */
	default:
		agent_unready(a);
		agent_state(acd, a, ACD_AGENT_PAUSED, r);
		agent_touch(acd, a);
		if (back)
			call_unring(acd, back);
		break;
	}
	settle(acd);
	timer_prune(acd);
	return 0;
}

int acd_agent_ready(struct acd *acd, acd_ms_t now, const char *agent)
{
	struct agent *a;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	err = find_agent(acd, agent, &a);
	if (err)
		return err;

	run_timers(acd, now);
	switch (a->state) {

	case ACD_AGENT_PAUSED:
		a->no_answers = 0;
		agent_ready_now(acd, a, true);
		break;

	case ACD_AGENT_WRAP_UP:
		a->pending_pause = NULL;
		wrapup_end(acd, a);
		agent_ready_now(acd, a, true);
		break;

	case ACD_AGENT_READY:
		return acd_err(acd, EALREADY, "agent \"%s\" is already "
			       "ready", a->id);

	default:
		return acd_err(acd, EPERM, "agent \"%s\" is %s: not paused "
			       "nor in wrap-up", a->id,
			       acd_agent_state_name(a->state));
	}
	settle(acd);
	timer_prune(acd);
	return 0;
}

/* ---------------------------------------------------------------------
 * Inputs: calls
 * ------------------------------------------------------------------- */

int acd_call_arrive(struct acd *acd, acd_ms_t now, const char *queue,
		    const struct acd_call_params *params, uint64_t *callp)
{
	struct rclass *chain[ACD_MAX_WIDEN + 1];
	struct skexpr *x = NULL;
	struct queue *q;
	struct call *call;
	int prio = params ? params->priority : 0;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	q = acd_queue_find(acd, queue);
	if (!q)
		return acd_err(acd, queue ? ENOENT : EINVAL,
			       "unknown queue \"%s\"",
			       queue ? queue : "(null)");
	if (prio < -ACD_PRIO_MAX || prio > ACD_PRIO_MAX)
		return acd_err(acd, EINVAL, "call priority %d out of "
			       "-%d..%d", prio, ACD_PRIO_MAX, ACD_PRIO_MAX);
	err = expr_parse(acd, &x, params ? params->skills : NULL,
			 "call skills");
	if (err)
		return err;
	err = chain_build(acd, q, x, chain);
	if (err)
		goto out;
	call = mem_zalloc(sizeof(*call), call_destroy);
	if (!call) {
		err = ENOMEM;
		goto out;
	}

	run_timers(acd, now);
	call->id = acd->next_call++;
	call->prio = prio;
	call->xexpr = mem_ref(x);
	call->st = CALL_CONNECTED; /* in no tree until it waits */
	hash_append(acd->calls, (uint32_t)call->id, &call->he, call);
	acd->n_calls++;
	hash_grow(&acd->calls, acd->n_calls, call_key);
	if (callp)
		*callp = call->id;
	call_enter(acd, call, q, chain);
	settle(acd);
	timer_prune(acd);

 out:
	mem_deref(x);
	return err;
}

static int find_call(struct acd *acd, uint64_t id, struct call **cp)
{
	*cp = acd_call_find(acd, id);
	if (!*cp)
		return acd_err(acd, ENOENT, "no call %llu (never, or ended)",
			       (unsigned long long)id);
	return 0;
}

/* Common to accept/decline/fail/no-answer: the agent must ring for the call
 * once the due timers have run. */
static int offer_input(struct acd *acd, acd_ms_t now, uint64_t id,
		       const char *agent, struct call **cp, struct agent **ap)
{
	struct call *call;
	struct agent *a;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	err = find_agent(acd, agent, &a);
	if (err)
		return err;
	err = find_call(acd, id, &call);
	if (err)
		return err;

	run_timers(acd, now);
	err = find_call(acd, id, &call);
	if (err)
		return err;
	if (a->state != ACD_AGENT_OFFERED || a->call != call)
		return acd_err(acd, EPERM, "agent \"%s\" is not ringing for "
			       "call %llu", a->id, (unsigned long long)id);
	*cp = call;
	*ap = a;
	return 0;
}

int acd_offer_accept(struct acd *acd, acd_ms_t now, uint64_t id,
		     const char *agent)
{
	struct list freed = LIST_INIT;
	struct acd_event ev;
	struct call *call;
	struct agent *a;
	struct queue *q;
	int err;

	err = offer_input(acd, now, id, agent, &call, &a);
	if (err)
		return err;
	q = call->q;
	list_unlink(&a->ole);
	q->ringing--;
	list_unlink(&call->qle);
	call->gen[TMR_RING]++;
	call->st = CALL_CONNECTED;
	call->agent = a;
	call->connect_time = now;
	call->gen[TMR_MAXWAIT]++;
	call->gen[TMR_WIDEN]++;
	call->gen[TMR_ANNOUNCE]++;
	a->call = call;
	a->no_answers = 0;
	a->calls_answered++;
	q->answered++;
	if (now - call->enter <= q->sl_time_ms)
		q->answered_in_sl++;

	memset(&ev, 0, sizeof(ev));
	ev.wait_ms = now - call->enter;
	emit_call(acd, ACD_EV_CONNECT, call, a, &ev);
	agent_state(acd, a, ACD_AGENT_ON_CALL, NULL);
	/* ring-all: the others stop ringing (connected: no count change) */
	call_stop_offers(acd, call, &freed);
	agents_release(acd, &freed);
	settle(acd);
	timer_prune(acd);
	return 0;
}

/* One agent's offer of a call ended without an answer (declined, failed
 * or not answered): the agent lets go of it, the event is emitted, and a
 * call that no one rings any longer goes back to its place in line. */
static void offer_end(struct acd *acd, struct call *call, struct agent *a,
		      enum acd_event_type type)
{
	struct acd_event ev;

	list_unlink(&a->ole);
	a->call = NULL;
	memset(&ev, 0, sizeof(ev));
	emit_call(acd, type, call, a, &ev);
	if (list_isempty(&call->offers))
		call_unring(acd, call);
}

/* Common to decline and fail: the offer ends with `type`, and the agent
 * is ready once the call was offered to the others (settle()), with no
 * miss counted. */
static int offer_refuse(struct acd *acd, acd_ms_t now, uint64_t id,
			const char *agent, enum acd_event_type type)
{
	struct call *call;
	struct agent *a;
	int err;

	err = offer_input(acd, now, id, agent, &call, &a);
	if (err)
		return err;
	offer_end(acd, call, a, type);
	list_append(&acd->later, &a->wle, a);
	settle(acd);
	timer_prune(acd);
	return 0;
}

int acd_offer_decline(struct acd *acd, acd_ms_t now, uint64_t id,
		      const char *agent)
{
	return offer_refuse(acd, now, id, agent, ACD_EV_OFFER_DECLINED);
}

int acd_offer_fail(struct acd *acd, acd_ms_t now, uint64_t id,
		   const char *agent)
{
	return offer_refuse(acd, now, id, agent, ACD_EV_OFFER_FAILED);
}

int acd_offer_no_answer(struct acd *acd, acd_ms_t now, uint64_t id,
			const char *agent)
{
	struct call *call;
	struct agent *a;
	struct queue *q;
	int err;

	err = offer_input(acd, now, id, agent, &call, &a);
	if (err)
		return err;
	q = call->q;
	offer_end(acd, call, a, ACD_EV_OFFER_NO_ANSWER);
	agent_no_answer(acd, a, q);
	settle(acd);
	timer_prune(acd);
	return 0;
}

int acd_call_hangup(struct acd *acd, acd_ms_t now, uint64_t id,
		    enum acd_party by)
{
	struct list freed = LIST_INIT;
	struct acd_event ev;
	struct call *call;
	struct agent *a;
	struct queue *q;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	if (by != ACD_PARTY_CALLER && by != ACD_PARTY_AGENT)
		return acd_err(acd, EINVAL, "hangup: party %d unknown",
			       (int)by);
	err = find_call(acd, id, &call);
	if (err)
		return err;

	run_timers(acd, now);
	err = find_call(acd, id, &call);
	if (err)
		return err;
	q = call->q;
	memset(&ev, 0, sizeof(ev));
	if (call->st != CALL_CONNECTED) {
		if (by != ACD_PARTY_CALLER)
			return acd_err(acd, EPERM, "call %llu is not "
				       "connected: only the caller can hang "
				       "up", (unsigned long long)id);
		call_stop_offers(acd, call, &freed);
		ev.wait_ms = now - call->enter;
		q->abandoned++;
		emit_call(acd, ACD_EV_ABANDON, call, NULL, &ev);
		call_free(acd, call);
		agents_release(acd, &freed);
		settle(acd);
		timer_prune(acd);
		return 0;
	}
	a = call->agent;
	ev.ended_by = by;
	ev.talk_ms = now - call->connect_time;
	emit_call(acd, ACD_EV_COMPLETE, call, a, &ev);
	call_free(acd, call);
	agent_after_call(acd, a, q, ev.talk_ms);
	settle(acd);
	timer_prune(acd);
	return 0;
}

int acd_call_exit_key(struct acd *acd, acd_ms_t now, uint64_t id, char key)
{
	struct call *call;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	if (!((key >= '0' && key <= '9') || key == '*' || key == '#' ||
	      (key >= 'A' && key <= 'D')))
		return acd_err(acd, EINVAL, "exit key must be a DTMF key "
			       "0-9 * # A-D");
	err = find_call(acd, id, &call);
	if (err)
		return err;

	run_timers(acd, now);
	err = find_call(acd, id, &call);
	if (err)
		return err;
	if (call->st == CALL_CONNECTED)
		return acd_err(acd, EPERM, "call %llu is connected, not "
			       "waiting", (unsigned long long)id);
	call_exit(acd, call, ACD_EXIT_KEY, key);
	settle(acd);
	timer_prune(acd);
	return 0;
}

int acd_call_transfer(struct acd *acd, acd_ms_t now, uint64_t id,
		      const char *queue)
{
	struct rclass *chain[ACD_MAX_WIDEN + 1];
	struct acd_event ev;
	struct call *call;
	struct agent *a;
	struct queue *q, *old;
	acd_ms_t talk;
	int err;

	if (!acd)
		return EINVAL;
	err = input_check(acd, now);
	if (err)
		return err;
	err = find_call(acd, id, &call);
	if (err)
		return err;
	q = acd_queue_find(acd, queue);
	if (!q)
		return acd_err(acd, queue ? ENOENT : EINVAL,
			       "unknown queue \"%s\"",
			       queue ? queue : "(null)");
	/* Timers never connect nor end a connected call: check it now. */
	if (call->st != CALL_CONNECTED)
		return acd_err(acd, EPERM, "call %llu is not connected",
			       (unsigned long long)id);
	err = chain_build(acd, q, call->xexpr, chain);
	if (err)
		return err;

	run_timers(acd, now);
	old = call->q;
	a = call->agent;
	talk = now - call->connect_time;
	memset(&ev, 0, sizeof(ev));
	ev.to_queue = q->id;
	emit_call(acd, ACD_EV_TRANSFER, call, a, &ev);
	call->agent = NULL;
	agent_after_call(acd, a, old, talk);
	call_enter(acd, call, q, chain);
	settle(acd);
	timer_prune(acd);
	return 0;
}
