/* live.c — configuration changes to a running engine: a queue's settings
 * and routing, an agent's skills and tenant, a position's site, and the
 * removal of objects no call or agent is using. */
#include <errno.h>
#include <string.h>
#include "acd_int.h"

/*
 * These inputs exist for the HTTP API's live configuration. A queue's
 * numbers and rules need no rebuild (they are used at the next arrival,
 * offer, wrap-up or timer start). What routing classes are built on is
 * rebuilt where it changes:
 *   - a queue's routing (tenant, strategy, skills, sites, widening):
 *     its classes are made anew, every call of the queue moves to the
 *     class of its new chain keeping its key (priority, entry time, entry
 *     order), so its place in line; its widening step is the number of
 *     new steps its wait so far has reached; then the step is routed.
 *     Ringing offers and connected calls are not disturbed.
 *     Cost: O(calls of the queue x log n + members x classes).
 *   - a logged-in agent's skills, or the site of its position: its
 *     class memberships are recomputed (leave, refresh, join) and, if it
 *     is ready, it is dispatched again; an offer ringing or a call in
 *     progress is not disturbed. Cost: the classes of its queues.
 * Removal is refused (EBUSY, saying why) while the object is in use; a
 * removed object leaves every index but stays allocated until the engine
 * is freed (acd->gone), since events and timers may point at it.
 * Every input here checks everything first: on error nothing changed.
 */

static int agent_reclass(struct acd *acd, struct agent *a);

int acd_queue_settings_set(struct acd *acd, const struct acd_queue_conf *f)
{
	struct queue *q;

	if (!acd || !f || !f->id)
		return EINVAL;
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	q = acd_queue_find(acd, f->id);
	if (!q)
		return acd_err(acd, ENOENT, "unknown queue \"%s\"", f->id);
	if (f->priority < -ACD_PRIO_MAX || f->priority > ACD_PRIO_MAX ||
	    !(f->sl_target > 0 && f->sl_target <= 1) || f->sl_time_ms < 0 ||
	    f->ring_timeout_ms <= 0 || f->wrapup_ms < 0 ||
	    f->max_wait_ms < 0 || f->announce_ms < 0 ||
	    (unsigned)f->join_empty > ACD_EMPTY_NO_AVAILABLE ||
	    (unsigned)f->leave_empty > ACD_EMPTY_NO_AVAILABLE)
		return acd_err(acd, EINVAL, "queue \"%s\": a setting is out "
			       "of range", f->id);
	queue_settings_copy(q, f);
	return 0;
}

static bool tenant_eq(struct le *le, void *arg)
{
	const struct tenant *t = le->data;

	return !strcmp(t->id, arg);
}

int acd_agent_profile_set(struct acd *acd, const struct acd_agent_conf *f)
{
	struct skillset ss = {NULL, 0};
	struct agent *a;
	struct tenant *t = NULL;
	char msg[200];
	int err;

	if (!acd || !f || !f->id)
		return EINVAL;
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	a = acd_agent_find(acd, f->id);
	if (!a)
		return acd_err(acd, ENOENT, "unknown agent \"%s\"", f->id);
	if (f->tenant) {
		struct le *le = hash_lookup(acd->tenants,
					    hash_joaat_str(f->tenant),
					    tenant_eq, (void *)f->tenant);

		if (!le)
			return acd_err(acd, ENOENT, "agent \"%s\": unknown "
				       "tenant \"%s\"", f->id, f->tenant);
		t = le->data;
	}
	if (f->tenant) {
		/* a tenant's agent may only be a member of its queues */
		for (struct le *le = a->members.head; le; le = le->next) {
			const struct member *m = le->data;

			if (m->q->tenant != t)
				return acd_err(acd, EPERM, "agent \"%s\": "
					       "member of queue \"%s\" of "
					       "another tenant", f->id,
					       m->q->id);
		}
	}
	if (a->state != ACD_AGENT_LOGGED_OUT && t != a->tenant)
		return acd_err(acd, EPERM, "agent \"%s\" is logged in: its "
			       "tenant changes once logged out", f->id);
	if (a->state != ACD_AGENT_LOGGED_OUT) {
		err = reserve(acd);
		if (err)
			return err;
	}
	msg[0] = '\0';
	err = skillset_parse(&ss, f->skills, msg, sizeof(msg));
	if (err) {
		if (err == EINVAL)
			acd_err(acd, err, "agent \"%s\": %s", f->id, msg);
		return err;
	}
	{
		struct skillset was = a->skills;

		a->skills = ss;
		err = agent_reclass(acd, a);
		if (err) {
			a->skills = was;
			skillset_reset(&ss);
			return err;
		}
		skillset_reset(&was);
	}
	a->tenant = t;
	return 0;
}

/* ---------------------------------------------------------------------
 * Rebuilding class memberships
 * ------------------------------------------------------------------- */

/* Recomputes the classes of logged-in agent a after its skills or site
 * changed; on error (no memory) nothing changed. */
static int agent_reclass(struct acd *acd, struct agent *a)
{
	struct list fresh = LIST_INIT;
	struct le *le;
	int err;

	if (!a->pos)
		return 0;
	err = class_collect(acd, a, NULL, &fresh);
	if (err)
		return acd_err(acd, err, "out of memory");
	le = list_head(&a->cms);
	while (le) {
		struct cmember *cm = le->data;

		le = le->next;
		class_touch(acd, cm->c);
		if (class_eligible(cm->c, a))
			class_refresh(cm);
		else
			class_leave(cm);
	}
	while (!list_isempty(&fresh)) {
		struct cmember *cm = list_head(&fresh)->data;

		class_cm_link(cm);
		class_touch(acd, cm->c);
	}
	if (a->state == ACD_AGENT_READY) {
		/* placed again by the step: offered a waiting call if any */
		agent_unready(a);
		list_append(&acd->fresh, &a->wle, a);
	}
	settle(acd);
	timer_prune(acd);
	return 0;
}

/* ---------------------------------------------------------------------
 * A queue's routing
 * ------------------------------------------------------------------- */

/* The calls of one queue (waiting, ringing or connected). */
struct qcalls {
	const struct queue *q;     /* the queue                             */
	struct call **v;           /* its calls, or NULL when only counted  */
	size_t n;                  /* calls found                           */
	size_t connected;          /* of those, connected                   */
};

static bool qcalls_add(struct le *le, void *arg)
{
	struct qcalls *qc = arg;
	struct call *call = le->data;

	if (call->q != qc->q)
		return false;
	if (qc->v)
		qc->v[qc->n] = call;
	qc->n++;
	if (call->st == CALL_CONNECTED)
		qc->connected++;
	return false;
}

/* Swaps the routing fields of q and of scratch z. */
static void routing_swap(struct queue *q, struct queue *z)
{
	struct queue t;

	t.tenant = q->tenant;
	t.strategy = q->strategy;
	t.skills = q->skills;
	t.sites = q->sites;
	t.n_sites = q->n_sites;
	t.n_widen = q->n_widen;
	memcpy(t.widen, q->widen, sizeof(t.widen));
	q->tenant = z->tenant;
	q->strategy = z->strategy;
	q->skills = z->skills;
	q->sites = z->sites;
	q->n_sites = z->n_sites;
	q->n_widen = z->n_widen;
	memcpy(q->widen, z->widen, sizeof(q->widen));
	z->tenant = t.tenant;
	z->strategy = t.strategy;
	z->skills = t.skills;
	z->sites = t.sites;
	z->n_sites = t.n_sites;
	z->n_widen = t.n_widen;
	memcpy(z->widen, t.widen, sizeof(z->widen));
}

/* Frees the classes of q made since its old ones were set aside. */
static void classes_drop_new(struct acd *acd, struct queue *q,
			     const struct list *old)
{
	struct le *le = list_head(&acd->classl);

	while (le) {
		struct rclass *c = le->data;

		le = le->next;
		if (c->q != q || c->he.list == old)
			continue;
		mem_deref(c);
		acd->n_classes--;
	}
}

int acd_queue_routing_set(struct acd *acd, const struct acd_queue_conf *f)
{
	struct rclass *plain[ACD_MAX_WIDEN + 1], *chain[ACD_MAX_WIDEN + 1];
	const size_t w = ACD_MAX_WIDEN + 1;
	struct qcalls qc = {NULL, NULL, 0, 0};
	struct list old = LIST_INIT;
	struct queue *q, *z = NULL;
	struct rclass **chains = NULL;
	struct tenant *t;
	struct le *le;
	int err;

	if (!acd || !f || !f->id)
		return EINVAL;
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	q = acd_queue_find(acd, f->id);
	if (!q)
		return acd_err(acd, ENOENT, "unknown queue \"%s\"", f->id);
	err = queue_conf_check(acd, f, &t);
	if (err)
		return err;
	for (le = list_head(&q->members); le; le = le->next) {
		const struct member *m = le->data;

		if (m->a->tenant && m->a->tenant != t)
			return acd_err(acd, EPERM, "queue \"%s\": member "
				       "\"%s\" is an agent of tenant \"%s\"",
				       f->id, m->a->id, m->a->tenant->id);
	}
	err = reserve(acd);
	if (err)
		return err;
	z = mem_zalloc(sizeof(*z), queue_destroy);
	if (!z)
		return ENOMEM;
	err = queue_routing_parse(acd, f, z);
	if (err)
		goto out;
	z->tenant = t;
	z->strategy = f->strategy;

	/* the calls of the queue, and room for their new chains */
	qc.q = q;
	hash_apply(acd->calls, qcalls_add, &qc);
	if (qc.n) {
		qc.v = mem_zalloc(qc.n * sizeof(*qc.v), NULL);
		chains = mem_zalloc(qc.n * w * sizeof(*chains), NULL);
		if (!qc.v || !chains) {
			err = ENOMEM;
			goto out;
		}
		qc.n = 0;
		qc.connected = 0;
		hash_apply(acd->calls, qcalls_add, &qc);
	}

	/* The new rules in place; the old classes set aside (out of the
	 * class index, so that class_get makes new ones). */
	routing_swap(q, z);
	memcpy(plain, q->plain, sizeof(plain));
	memset(q->plain, 0, sizeof(q->plain));
	for (le = list_head(&acd->classl); le; le = le->next) {
		struct rclass *c = le->data;

		if (c->q != q)
			continue;
		hash_unlink(&c->he);
		list_append(&old, &c->he, c);
	}
	err = chain_build(acd, q, NULL, chain);
	for (size_t i = 0; i < qc.n && !err; i++)
		err = chain_build(acd, q, qc.v[i]->xexpr, &chains[i * w]);
	if (err) {
		/* back as it was */
		classes_drop_new(acd, q, &old);
		while (!list_isempty(&old)) {
			struct rclass *c = list_head(&old)->data;

			list_unlink(&c->he);
			hash_append(acd->classes, hash_joaat_str(c->key),
				    &c->he, c);
		}
		routing_swap(q, z);
		memcpy(q->plain, plain, sizeof(plain));
		if (err == ENOMEM)
			acd_err(acd, err, "out of memory");
		goto out;
	}

	/* Nothing fails from here. Each call to its new class, in place. */
	for (size_t i = 0; i < qc.n; i++) {
		struct call *call = qc.v[i];
		struct rclass *oc = call->chain[call->step], *nc;
		unsigned step = 0;

		if (call->st != CALL_CONNECTED) {
			while (step < q->n_widen &&
			       q->widen[step].after_ms <=
			       acd->now - call->enter)
				step++;
		}
		if (call->cnode.in)
			tree_remove(&oc->calls, &call->cnode);
		call->n_chain = q->n_widen + 1;
		memcpy(call->chain, &chains[i * w],
		       call->n_chain * sizeof(*chain));
		call->step = step;
		nc = call->chain[step];
		call->gen[TMR_WIDEN]++;
		if (call->st == CALL_CONNECTED)
			continue;
		if (step < q->n_widen)
			(void)timer_start(acd, call->enter +
					  q->widen[step].after_ms, TMR_WIDEN,
					  call->id, NULL,
					  call->gen[TMR_WIDEN]);
		if (call->st == CALL_WAITING) {
			tree_insert(&nc->calls, &call->cnode);
			class_touch(acd, nc);
		}
	}
	while (!list_isempty(&old)) {
		struct rclass *c = list_head(&old)->data;

		list_unlink(&c->he);
		mem_deref(c);
		acd->n_classes--;
	}
	for (le = list_head(&acd->classl); le; le = le->next) {
		struct rclass *c = le->data;

		if (c->q == q)
			class_touch(acd, c);
	}
	/* ready agents of the new classes meet the calls now */
	settle(acd);
	timer_prune(acd);
 out:
	mem_deref(chains);
	mem_deref(qc.v);
	mem_deref(z);
	return err;
}

/* ---------------------------------------------------------------------
 * A position's site
 * ------------------------------------------------------------------- */

int acd_position_site_set(struct acd *acd, const char *id, const char *site)
{
	struct position *p;
	struct site *s, *was;
	int err;

	if (!acd || !id || !site)
		return EINVAL;
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	p = acd_named_find(acd->positions, id);
	if (!p)
		return acd_err(acd, ENOENT, "unknown position \"%s\"", id);
	s = acd_site_find(acd, site);
	if (!s)
		return acd_err(acd, ENOENT, "position \"%s\": unknown site "
			       "\"%s\"", id, site);
	if (p->site == s)
		return 0;
	err = reserve(acd);
	if (err)
		return err;
	was = p->site;
	p->site = s;
	if (p->agent) {
		err = agent_reclass(acd, p->agent);
		if (err)
			p->site = was;
	}
	return err;
}

/* ---------------------------------------------------------------------
 * Removing what nothing uses
 * ------------------------------------------------------------------- */

/* Moves object o (indexed through its he) to the removed ones. */
static void gone(struct acd *acd, struct le *he, void *o)
{
	hash_unlink(he);
	list_append(&acd->gone, he, o);
}

/* Each removal's checks: 0, or the error (acd_errmsg says why). */

static int queue_remove_check(struct acd *acd, const char *id,
			      struct queue **qp)
{
	struct qcalls qc = {NULL, NULL, 0, 0};
	struct queue *q = acd_queue_find(acd, id);
	struct le *le;

	if (!q)
		return acd_err(acd, ENOENT, "unknown queue \"%s\"", id);
	qc.q = q;
	hash_apply(acd->calls, qcalls_add, &qc);
	if (qc.n)
		return acd_err(acd, EBUSY, "queue \"%s\" has %u waiting, "
			       "%u ringing and %zu connected calls", id,
			       q->waiting, q->ringing, qc.connected);
	for (le = list_head(&acd->queuel); le; le = le->next) {
		const struct queue *o = le->data;

		for (unsigned i = 0; o != q && i < o->n_widen; i++) {
			if (o->widen[i].add_queue &&
			    !strcmp(o->widen[i].add_queue, id))
				return acd_err(acd, EBUSY, "queue \"%s\" is "
					       "named by a widening step of "
					       "queue \"%s\"", id, o->id);
		}
	}
	for (le = list_head(&acd->classl); le; le = le->next) {
		const struct rclass *c = le->data;

		for (unsigned i = 0; i < c->n_xq; i++) {
			if (c->xq[i] == q && c->q != q)
				return acd_err(acd, EBUSY, "queue \"%s\" is "
					       "used by a routing class of "
					       "queue \"%s\"", id, c->q->id);
		}
	}
	*qp = q;
	return 0;
}

static int agent_remove_check(struct acd *acd, const char *id,
			      struct agent **ap)
{
	struct agent *a = acd_agent_find(acd, id);

	if (!a)
		return acd_err(acd, ENOENT, "unknown agent \"%s\"", id);
	if (a->state != ACD_AGENT_LOGGED_OUT)
		return acd_err(acd, EBUSY, "agent \"%s\" is logged in at "
			       "\"%s\" (%s)", id, a->pos->id,
			       acd_agent_state_name(a->state));
	*ap = a;
	return 0;
}

static int position_remove_check(struct acd *acd, const char *id,
				 struct position **pp)
{
	struct position *p = acd_named_find(acd->positions, id);

	if (!p)
		return acd_err(acd, ENOENT, "unknown position \"%s\"", id);
	if (p->agent)
		return acd_err(acd, EBUSY, "position \"%s\": agent \"%s\" "
			       "is logged in there", id, p->agent->id);
	*pp = p;
	return 0;
}

/* Finds a position at site s (hash_apply). */
static bool position_at(struct le *le, void *arg)
{
	const struct position *p = le->data;

	return p->site == arg;
}

static int site_remove_check(struct acd *acd, const char *id,
			     struct site **sp)
{
	struct site *s = acd_site_find(acd, id);
	struct le *le;

	if (!s)
		return acd_err(acd, ENOENT, "unknown site \"%s\"", id);
	le = hash_apply(acd->positions, position_at, s);
	if (le)
		return acd_err(acd, EBUSY, "site \"%s\" has position \"%s\"",
			       id, ((struct position *)le->data)->id);
	for (le = list_head(&acd->queuel); le; le = le->next) {
		const struct queue *q = le->data;
		bool uses = false;

		for (unsigned i = 0; i < q->n_sites; i++)
			uses = uses || q->sites[i] == s;
		for (unsigned i = 0; i < q->n_widen; i++)
			uses = uses || q->widen[i].add_site == s;
		if (uses)
			return acd_err(acd, EBUSY, "site \"%s\" is named by "
				       "queue \"%s\"", id, q->id);
	}
	for (le = list_head(&acd->classl); le; le = le->next) {
		const struct rclass *c = le->data;

		for (unsigned i = 0; i < c->n_xs; i++) {
			if (c->xs[i] == s)
				return acd_err(acd, EBUSY, "site \"%s\" is "
					       "used by a routing class of "
					       "queue \"%s\"", id, c->q->id);
		}
	}
	*sp = s;
	return 0;
}

static int tenant_remove_check(struct acd *acd, const char *id,
			       struct tenant **tp)
{
	struct tenant *t = acd_named_find(acd->tenants, id);
	struct le *le;

	if (!t)
		return acd_err(acd, ENOENT, "unknown tenant \"%s\"", id);
	for (le = list_head(&acd->queuel); le; le = le->next) {
		const struct queue *q = le->data;

		if (q->tenant == t)
			return acd_err(acd, EBUSY, "tenant \"%s\" has queue "
				       "\"%s\"", id, q->id);
	}
	for (le = list_head(&acd->agentl); le; le = le->next) {
		const struct agent *a = le->data;

		if (a->tenant == t)
			return acd_err(acd, EBUSY, "tenant \"%s\" has agent "
				       "\"%s\"", id, a->id);
	}
	*tp = t;
	return 0;
}

static int remove_prologue(struct acd *acd, const char *id)
{
	if (!acd || !id)
		return EINVAL;
	if (acd->in_handler)
		return acd_err(acd, EPERM, "input from inside the event "
			       "handler");
	return 0;
}

int acd_remove_check(struct acd *acd, enum acd_kind kind, const char *id)
{
	void *o = NULL;
	int err = remove_prologue(acd, id);

	if (err)
		return err;
	switch (kind) {

	case ACD_KIND_TENANT:
		return tenant_remove_check(acd, id, (struct tenant **)&o);

	case ACD_KIND_SITE:
		return site_remove_check(acd, id, (struct site **)&o);

	case ACD_KIND_POSITION:
		return position_remove_check(acd, id, (struct position **)&o);

	case ACD_KIND_QUEUE:
		return queue_remove_check(acd, id, (struct queue **)&o);

	case ACD_KIND_AGENT:
		return agent_remove_check(acd, id, (struct agent **)&o);

	default:
		return EINVAL;
	}
}

int acd_queue_remove(struct acd *acd, const char *id)
{
	struct queue *q = NULL;
	struct le *le;
	int err = remove_prologue(acd, id);

	if (!err)
		err = queue_remove_check(acd, id, &q);
	if (err)
		return err;
	le = list_head(&acd->classl);
	while (le) {
		struct rclass *c = le->data;

		le = le->next;
		if (c->q != q)
			continue;
		mem_deref(c);
		acd->n_classes--;
	}
	while (!list_isempty(&q->members)) {
		struct member *m = list_head(&q->members)->data;

		mem_deref(m);
	}
	memset(q->agents, 0, sizeof(q->agents));
	memset(q->plain, 0, sizeof(q->plain));
	list_unlink(&q->le);
	gone(acd, &q->he, q);
	acd->n_queues--;
	return 0;
}

int acd_agent_remove(struct acd *acd, const char *id)
{
	struct agent *a = NULL;
	int err = remove_prologue(acd, id);

	if (!err)
		err = agent_remove_check(acd, id, &a);
	if (err)
		return err;
	while (!list_isempty(&a->members)) {
		struct member *m = list_head(&a->members)->data;

		m->q->agents[a->state]--;
		mem_deref(m);
	}
	list_unlink(&a->le);
	gone(acd, &a->he, a);
	acd->n_agents--;
	return 0;
}

int acd_position_remove(struct acd *acd, const char *id)
{
	struct position *p = NULL;
	int err = remove_prologue(acd, id);

	if (!err)
		err = position_remove_check(acd, id, &p);
	if (err)
		return err;
	gone(acd, &p->he, p);
	acd->n_positions--;
	return 0;
}

int acd_site_remove(struct acd *acd, const char *id)
{
	struct site *s = NULL;
	int err = remove_prologue(acd, id);

	if (!err)
		err = site_remove_check(acd, id, &s);
	if (err)
		return err;
	gone(acd, &s->he, s);
	return 0;
}

int acd_tenant_remove(struct acd *acd, const char *id)
{
	struct tenant *t = NULL;
	int err = remove_prologue(acd, id);

	if (!err)
		err = tenant_remove_check(acd, id, &t);
	if (err)
		return err;
	gone(acd, &t->he, t);
	return 0;
}
