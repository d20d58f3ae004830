/* class.c — routing classes: the calls that need exactly the same agents
 * share one, with their waiting calls and their ready agents in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acd_int.h"

/*
 * A class is (queue, queue-part expression after widening, the call's
 * extra expression, extra queues and extra sites from widening). It is
 * made the first time a call needs it: only then are the candidate
 * agents (members of its queues) scanned. Afterwards its membership (the
 * eligible logged-in agents) is kept up to date by login, logout and
 * member add/remove, at a cost of the few classes per queue. Classes are
 * kept until the engine is freed; at most ACD_CLASS_MAX (ENOSPC beyond).
 */

static void cm_destroy(void *arg)
{
	struct cmember *cm = arg;

	list_unlink(&cm->ale);
	list_unlink(&cm->cle);
}

static void class_destroy(void *arg)
{
	struct rclass *c = arg;

	if (c->qlinks) {
		for (unsigned i = 0; i <= c->n_xq; i++)
			list_unlink(&c->qlinks[i]);
	}
	hash_unlink(&c->he);
	list_unlink(&c->le);
	list_unlink(&c->tle);
	list_flush(&c->cms);
	mem_deref(c->qlinks);
	mem_deref(c->key);
	mem_deref(c->qexpr);
	mem_deref(c->xexpr);
	mem_deref(c->xq);
	mem_deref(c->xs);
}

static bool site_in(struct site *const *v, unsigned n, const struct site *s)
{
	for (unsigned i = 0; i < n; i++) {
		if (v[i] == s)
			return true;
	}
	return false;
}

/* True when agent a (logged in) may take the calls of class c. */
bool class_eligible(const struct rclass *c, const struct agent *a)
{
	const struct queue *q = c->q;
	bool member;

	if (!a->pos)
		return false;
	if (a->tenant && a->tenant != q->tenant)
		return false;
	member = acd_member_find(q, a) != NULL;
	for (unsigned i = 0; !member && i < c->n_xq; i++)
		member = acd_member_find(c->xq[i], a) != NULL;
	if (!member)
		return false;
	if (q->n_sites > 0 && !site_in(q->sites, q->n_sites, a->pos->site) &&
	    !site_in(c->xs, c->n_xs, a->pos->site))
		return false;
	return skexpr_match(c->qexpr, &a->skills) &&
		skexpr_match(c->xexpr, &a->skills);
}

struct cmember *class_member_of(const struct agent *a,
				const struct rclass *c)
{
	for (struct le *le = list_head(&a->cms); le; le = le->next) {
		struct cmember *cm = le->data;

		if (cm->c == c)
			return cm;
	}
	return NULL;
}

/* Weight, member order and skill score of the agent for the class. The
 * queue's own membership counts first; extra queues' members come after
 * all of its members in member order. */
static void cm_compute(struct cmember *cm)
{
	const struct rclass *c = cm->c;
	const struct agent *a = cm->a;
	const struct member *m = acd_member_find(c->q, a);

	cm->score = 0;
	if (c->qexpr) {
		for (unsigned i = 0; i < c->qexpr->n_names; i++)
			cm->score += skillset_level(&a->skills,
						    c->qexpr->names[i]);
	}
	if (c->xexpr) {
		for (unsigned i = 0; i < c->xexpr->n_names; i++)
			cm->score += skillset_level(&a->skills,
						    c->xexpr->names[i]);
	}
	if (m) {
		cm->weight = m->weight;
		cm->order = (int64_t)m->order;
		return;
	}
	cm->weight = 0;
	cm->order = INT64_MAX;
	for (unsigned i = 0; i < c->n_xq; i++) {
		m = acd_member_find(c->xq[i], a);
		if (!m)
			continue;
		if (m->weight > cm->weight)
			cm->weight = m->weight;
		int64_t ord = ((int64_t)(i + 1) << 40) + (int64_t)m->order;

		if (ord < cm->order)
			cm->order = ord;
	}
}

/* A new, unlinked membership of a in c. */
struct cmember *class_cm_alloc(struct rclass *c, struct agent *a)
{
	struct cmember *cm = mem_zalloc(sizeof(*cm), cm_destroy);

	if (!cm)
		return NULL;
	cm->c = c;
	cm->a = a;
	cm_compute(cm);
	return cm;
}

/* Links cm into its agent and class (the class then owns it); a ready
 * agent enters the class's ready set. */
void class_cm_link(struct cmember *cm)
{
	struct rclass *c = cm->c;
	struct agent *a = cm->a;

	list_unlink(&cm->ale);
	list_append(&a->cms, &cm->ale, cm);
	list_append(&c->cms, &cm->cle, cm);
	c->n_logged++;
	if (a->state != ACD_AGENT_PAUSED)
		c->n_unpaused++;
	if (a->state == ACD_AGENT_READY) {
		strategy_key(cm);
		tree_insert(&c->ready, &cm->node);
	}
}

/* Ends a membership (the caller then checks the leave-empty rule). */
void class_leave(struct cmember *cm)
{
	struct rclass *c = cm->c;

	tree_remove(&c->ready, &cm->node);
	c->n_logged--;
	if (cm->a->state != ACD_AGENT_PAUSED)
		c->n_unpaused--;
	mem_deref(cm);
}

/* Recomputes weight and order after a membership change. */
void class_refresh(struct cmember *cm)
{
	bool ready = cm->node.in;

	tree_remove(&cm->c->ready, &cm->node);
	cm_compute(cm);
	if (ready) {
		strategy_key(cm);
		tree_insert(&cm->c->ready, &cm->node);
	}
}

/* Allocates (unlinked, into out through cm->ale) the memberships agent a
 * lacks in classes using its queues (or only queue `only`). Nothing is
 * linked on error. Cost: the classes of the agent's queues. */
int class_collect(struct acd *acd, struct agent *a, struct queue *only,
		  struct list *out)
{
	(void)acd;
	for (struct le *le = list_head(&a->members); le; le = le->next) {
		struct member *m = le->data;

		if (only && m->q != only)
			continue;
		for (struct le *l2 = list_head(&m->q->classes); l2;
		     l2 = l2->next) {
			struct rclass *c = l2->data;
			bool have = class_member_of(a, c) != NULL;

			for (struct le *l3 = list_head(out); l3 && !have;
			     l3 = l3->next)
				have = ((struct cmember *)l3->data)->c == c;
			if (have || !class_eligible(c, a))
				continue;

			struct cmember *cm = class_cm_alloc(c, a);

			if (!cm) {
				list_flush(out);
				return ENOMEM;
			}
			list_append(out, &cm->ale, cm);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Finding or making a class
 * ------------------------------------------------------------------- */

static int cmp_queue(const void *a, const void *b)
{
	return strcmp((*(struct queue *const *)a)->id,
		      (*(struct queue *const *)b)->id);
}

static int cmp_site(const void *a, const void *b)
{
	return strcmp((*(struct site *const *)a)->id,
		      (*(struct site *const *)b)->id);
}

static bool class_key_eq(struct le *le, void *arg)
{
	const struct rclass *c = le->data;

	return !strcmp(c->key, arg);
}

/* Appends text to a growing key buffer. */
static int key_add(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 2 > *cap) {
		size_t nc = (*cap + n + 2) * 2;
		char *nb = *buf ? mem_realloc(*buf, nc) : mem_alloc(nc, NULL);

		if (!nb)
			return ENOMEM;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[(*len)++] = '\x1f';
	(*buf)[*len] = '\0';
	return 0;
}

/* The class of a call of queue q with `step` widening steps applied and
 * extra expression xexpr (may be NULL): found, or made and filled. */
int class_get(struct acd *acd, struct rclass **cp, struct queue *q,
	      unsigned step, struct skexpr *xexpr)
{
	struct queue *xq[ACD_MAX_WIDEN];
	struct site *xs[ACD_MAX_WIDEN];
	unsigned n_xq = 0, n_xs = 0;
	struct skexpr *qexpr = q->skills;
	struct rclass *c = NULL;
	struct list fill = LIST_INIT;
	char *key = NULL;
	size_t len = 0, cap = 0;
	struct le *le;
	int err = 0;

	assert(step <= q->n_widen);
	for (unsigned i = 0; i < step; i++) {
		const struct widen *w = &q->widen[i];

		if (w->set_skills)
			qexpr = w->skills;
		if (w->add_queue) {
			struct queue *x = acd_queue_find(acd, w->add_queue);
			bool dup = x == q;

			for (unsigned j = 0; x && !dup && j < n_xq; j++)
				dup = xq[j] == x;
			if (x && !dup)
				xq[n_xq++] = x;
		}
		if (w->add_site && q->n_sites > 0 &&
		    !site_in(q->sites, q->n_sites, w->add_site) &&
		    !site_in(xs, n_xs, w->add_site))
			xs[n_xs++] = w->add_site;
	}
	qsort(xq, n_xq, sizeof(*xq), cmp_queue);
	qsort(xs, n_xs, sizeof(*xs), cmp_site);

	err = key_add(&key, &len, &cap, q->id);
	err |= key_add(&key, &len, &cap, qexpr ? qexpr->canon : "");
	err |= key_add(&key, &len, &cap, xexpr ? xexpr->canon : "");
	for (unsigned i = 0; i < n_xq; i++)
		err |= key_add(&key, &len, &cap, xq[i]->id);
	err |= key_add(&key, &len, &cap, "/");
	for (unsigned i = 0; i < n_xs; i++)
		err |= key_add(&key, &len, &cap, xs[i]->id);
	if (err) {
		err = ENOMEM;
		goto out;
	}

	le = hash_lookup(acd->classes, hash_joaat_str(key), class_key_eq,
			 key);
	if (le) {
		c = le->data;
		goto out;
	}
	if (acd->n_classes >= ACD_CLASS_MAX) {
		err = acd_err(acd, ENOSPC, "too many routing classes (%d): "
			      "too many distinct skill requirements",
			      ACD_CLASS_MAX);
		goto out;
	}

	c = mem_zalloc(sizeof(*c), class_destroy);
	if (!c) {
		err = ENOMEM;
		goto out;
	}
	c->key = key;
	key = NULL;
	c->q = q;
	c->qexpr = mem_ref(qexpr);
	c->xexpr = mem_ref(xexpr);
	tree_init(&c->calls, 0x63616c6c73ULL + acd->n_classes);
	tree_init(&c->ready, 0x7265616479ULL + acd->n_classes);
	if (n_xq) {
		c->xq = mem_zalloc(n_xq * sizeof(*c->xq), NULL);
		if (!c->xq) {
			err = ENOMEM;
			goto out;
		}
		memcpy(c->xq, xq, n_xq * sizeof(*xq));
		c->n_xq = n_xq;
	}
	if (n_xs) {
		c->xs = mem_zalloc(n_xs * sizeof(*c->xs), NULL);
		if (!c->xs) {
			err = ENOMEM;
			goto out;
		}
		memcpy(c->xs, xs, n_xs * sizeof(*xs));
		c->n_xs = n_xs;
	}
	c->qlinks = mem_zalloc((n_xq + 1) * sizeof(*c->qlinks), NULL);
	if (!c->qlinks) {
		err = ENOMEM;
		goto out;
	}

	/* Fill: the logged-in members of its queues that are eligible. */
	for (unsigned i = 0; i <= n_xq; i++) {
		struct queue *x = i == 0 ? q : xq[i - 1];

		for (le = list_head(&x->members); le; le = le->next) {
			struct member *m = le->data;
			bool have = false;

			for (struct le *l2 = list_head(&fill); l2 && !have;
			     l2 = l2->next)
				have = ((struct cmember *)l2->data)->a == m->a;
			if (have || !class_eligible(c, m->a))
				continue;

			struct cmember *cm = class_cm_alloc(c, m->a);

			if (!cm) {
				list_flush(&fill);
				err = ENOMEM;
				goto out;
			}
			list_append(&fill, &cm->ale, cm);
		}
	}

	/* Nothing can fail from here. */
	while (!list_isempty(&fill))
		class_cm_link(list_head(&fill)->data);
	for (unsigned i = 0; i <= n_xq; i++) {
		struct queue *x = i == 0 ? q : xq[i - 1];

		list_append(&x->classes, &c->qlinks[i], c);
	}
	hash_append(acd->classes, hash_joaat_str(c->key), &c->he, c);
	list_append(&acd->classl, &c->le, c);
	acd->n_classes++;

 out:
	mem_deref(key);
	if (err) {
		if (c && !list_contains(&acd->classl, &c->le))
			mem_deref(c);
	}
	else {
		*cp = c;
	}
	return err;
}
