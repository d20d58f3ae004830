/* kpi.c — accumulates service level, ASA, waits, abandons and occupancy
 * from the engine's events (definitions in kpi.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "report/kpi.h"

/* ---------------------------------------------------------------------
 * Small open-addressing maps (linear probing, load <= 1/2)
 * ------------------------------------------------------------------- */

/* string -> index */
struct smap {
	char **keys;               /* slot keys (owned), NULL = empty       */
	size_t *vals;              /* slot values                           */
	size_t cap;                /* slots, a power of two                 */
	size_t n;                  /* keys held                             */
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static void smap_free(struct smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static bool smap_get(const struct smap *m, const char *key, size_t *valp)
{
	if (!m->cap)
		return false;
	for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) &
	     (m->cap - 1)) {
		if (!m->keys[i])
			return false;
		if (!strcmp(m->keys[i], key)) {
			*valp = m->vals[i];
			return true;
		}
	}
}

static int smap_put(struct smap *m, const char *key, size_t val);

static int smap_grow(struct smap *m)
{
	struct smap big = {0};
	size_t cap = m->cap ? 2 * m->cap : 16;

	big.keys = calloc(cap, sizeof(*big.keys));
	big.vals = calloc(cap, sizeof(*big.vals));
	big.cap = cap;
	if (!big.keys || !big.vals) {
		free(big.keys);
		free(big.vals);
		return ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		for (size_t j = hash_str(m->keys[i]) & (cap - 1);;
		     j = (j + 1) & (cap - 1)) {
			if (!big.keys[j]) {
				big.keys[j] = m->keys[i];
				big.vals[j] = m->vals[i];
				break;
			}
		}
	}
	big.n = m->n;
	free(m->keys);
	free(m->vals);
	*m = big;
	return 0;
}

static int smap_put(struct smap *m, const char *key, size_t val)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap && smap_grow(m))
		return ENOMEM;
	for (i = hash_str(key) & (m->cap - 1); m->keys[i];
	     i = (i + 1) & (m->cap - 1)) {
		if (!strcmp(m->keys[i], key)) {
			m->vals[i] = val;
			return 0;
		}
	}
	m->keys[i] = strdup(key);
	if (!m->keys[i])
		return ENOMEM;
	m->vals[i] = val;
	m->n++;
	return 0;
}

/* ---------------------------------------------------------------------
 * State
 * ------------------------------------------------------------------- */

/* A named group (queue, tenant or site) and its counts. */
struct group {
	char *id;                  /* owned                                 */
	struct kpi_counts c;
	acd_ms_t sl_ms;            /* queues: threshold T                   */
	size_t tenant;             /* queues: tenant group, or SIZE_MAX     */
};

struct groups {
	struct group *v;
	size_t n, cap;
	struct smap index;
};

/* A call in flight. */
struct call {
	uint64_t id;               /* 0 = empty slot, UINT64_MAX = deleted  */
	acd_ms_t enter;            /* entry time, ms                        */
	size_t queue;              /* queue group                           */
	bool offered_at_entry;     /* an offer came at the entry instant    */
	bool connected;
};

/* An agent's current state. */
struct agent {
	char *id;                  /* owned                                 */
	enum acd_agent_state state;
	acd_ms_t since;            /* when the state began (>= start)       */
	size_t site;               /* site group, or SIZE_MAX               */
	size_t tenant;             /* tenant group, or SIZE_MAX             */
	size_t queue;              /* queue group of the call it was last
				      offered, or SIZE_MAX                  */
};

struct kpi {
	acd_ms_t sl_ms;            /* default T                             */
	acd_ms_t start;            /* events before are ignored             */
	bool closed;               /* kpi_close() ran                       */
	struct kpi_counts total;
	struct groups g[KPI_GROUP_COUNT];
	struct call *calls;        /* open-addressed by id                  */
	size_t calls_cap, calls_n, calls_used; /* used counts tombstones    */
	struct agent *agents;
	size_t n_agents, cap_agents;
	struct smap agent_index;
	struct {
		const char *key;   /* an id string seen in an event         */
		size_t agent;      /* its agent                             */
	} agent_cache[256];        /* by the string's address: the engine
				      passes the same string every time     */
	int err;                   /* first allocation failure, sticky      */
};

/* The group called id, created on first sight. SIZE_MAX on ENOMEM. */
static size_t group(struct kpi *k, enum kpi_group g, const char *id)
{
	struct groups *gs = &k->g[g];
	size_t i;

	if (!id)
		return SIZE_MAX;
	if (smap_get(&gs->index, id, &i))
		return i;
	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? 2 * gs->cap : 8;
		struct group *v = realloc(gs->v, cap * sizeof(*v));
		if (!v) {
			k->err = ENOMEM;
			return SIZE_MAX;
		}
		gs->v = v;
		gs->cap = cap;
	}
	i = gs->n;
	memset(&gs->v[i], 0, sizeof(gs->v[i]));
	gs->v[i].id = strdup(id);
	gs->v[i].sl_ms = k->sl_ms;
	gs->v[i].tenant = SIZE_MAX;
	if (!gs->v[i].id || smap_put(&gs->index, id, i)) {
		free(gs->v[i].id);
		k->err = ENOMEM;
		return SIZE_MAX;
	}
	gs->n++;
	return i;
}

/* group(), but first checks the agent's current one with a single
 * compare: an agent's site and tenant rarely change between its state
 * events, and a hash lookup per event shows in a month's simulation. */
static size_t same_group(struct kpi *k, enum kpi_group g, size_t i,
			 const char *id)
{
	if (id && i < k->g[g].n && !strcmp(k->g[g].v[i].id, id))
		return i;
	return group(k, g, id);
}

static struct kpi_counts *counts(struct kpi *k, enum kpi_group g, size_t i)
{
	return i < k->g[g].n ? &k->g[g].v[i].c : NULL;
}

/* ---------------------------------------------------------------------
 * Calls table
 * ------------------------------------------------------------------- */

#define DELETED UINT64_MAX

static struct call *call_find(struct kpi *k, uint64_t id)
{
	if (!k->calls_cap || !id || id == DELETED)
		return NULL;
	for (size_t i = hash_u64(id) & (k->calls_cap - 1);;
	     i = (i + 1) & (k->calls_cap - 1)) {
		if (k->calls[i].id == id)
			return &k->calls[i];
		if (!k->calls[i].id)
			return NULL;
	}
}

static int calls_rehash(struct kpi *k, size_t cap)
{
	struct call *v = calloc(cap, sizeof(*v));

	if (!v)
		return ENOMEM;
	for (size_t i = 0; i < k->calls_cap; i++) {
		const struct call *c = &k->calls[i];
		size_t j;

		if (!c->id || c->id == DELETED)
			continue;
		for (j = hash_u64(c->id) & (cap - 1); v[j].id;
		     j = (j + 1) & (cap - 1))
			;
		v[j] = *c;
	}
	free(k->calls);
	k->calls = v;
	k->calls_cap = cap;
	k->calls_used = k->calls_n;
	return 0;
}

static struct call *call_add(struct kpi *k, uint64_t id)
{
	size_t i;

	if (2 * (k->calls_used + 1) > k->calls_cap) {
		size_t cap = k->calls_cap ? k->calls_cap : 64;
		while (4 * (k->calls_n + 1) > cap)
			cap *= 2;
		if (calls_rehash(k, cap)) {
			k->err = ENOMEM;
			return NULL;
		}
	}
	for (i = hash_u64(id) & (k->calls_cap - 1);
	     k->calls[i].id && k->calls[i].id != DELETED;
	     i = (i + 1) & (k->calls_cap - 1))
		;
	if (!k->calls[i].id)
		k->calls_used++;
	memset(&k->calls[i], 0, sizeof(k->calls[i]));
	k->calls[i].id = id;
	k->calls_n++;
	return &k->calls[i];
}

static void call_del(struct kpi *k, struct call *c)
{
	c->id = DELETED;
	k->calls_n--;
}

/* ---------------------------------------------------------------------
 * Agents
 * ------------------------------------------------------------------- */

static struct agent *agent_get(struct kpi *k, const char *id)
{
	size_t slot, i;

	if (!id)
		return NULL;
	/* the address only finds the slot; the id is still compared, so a
	 * string freed and reused for another agent is not mistaken */
	slot = (size_t)(hash_u64((uintptr_t)id) & 255);
	if (k->agent_cache[slot].key == id) {
		i = k->agent_cache[slot].agent;
		if (!strcmp(k->agents[i].id, id))
			return &k->agents[i];
	}
	if (smap_get(&k->agent_index, id, &i)) {
		k->agent_cache[slot].key = id;
		k->agent_cache[slot].agent = i;
		return &k->agents[i];
	}
	if (k->n_agents == k->cap_agents) {
		size_t cap = k->cap_agents ? 2 * k->cap_agents : 16;
		struct agent *v = realloc(k->agents, cap * sizeof(*v));
		if (!v) {
			k->err = ENOMEM;
			return NULL;
		}
		k->agents = v;
		k->cap_agents = cap;
	}
	i = k->n_agents;
	memset(&k->agents[i], 0, sizeof(k->agents[i]));
	k->agents[i].id = strdup(id);
	k->agents[i].state = ACD_AGENT_LOGGED_OUT;
	k->agents[i].site = SIZE_MAX;
	k->agents[i].tenant = SIZE_MAX;
	k->agents[i].queue = SIZE_MAX;
	if (!k->agents[i].id || smap_put(&k->agent_index, id, i)) {
		free(k->agents[i].id);
		k->err = ENOMEM;
		return NULL;
	}
	k->n_agents++;
	return &k->agents[i];
}

static bool busy(enum acd_agent_state s)
{
	return s == ACD_AGENT_OFFERED || s == ACD_AGENT_ON_CALL ||
	       s == ACD_AGENT_WRAP_UP;
}

/* Charges an agent's time in its current state up to `now`. */
static void agent_charge(struct kpi *k, struct agent *a, acd_ms_t now)
{
	double dt;
	struct kpi_counts *cs[3];

	if (now <= a->since || a->state == ACD_AGENT_LOGGED_OUT) {
		if (now > a->since)
			a->since = now;
		return;
	}
	dt = (double)(now - a->since);
	if (busy(a->state) && a->queue != SIZE_MAX)
		k->g[KPI_QUEUE].v[a->queue].c.busy_ms += dt;
	cs[0] = &k->total;
	cs[1] = counts(k, KPI_SITE, a->site);
	cs[2] = counts(k, KPI_TENANT, a->tenant);
	for (int i = 0; i < 3; i++) {
		if (!cs[i])
			continue;
		cs[i]->logged_ms += dt;
		if (busy(a->state))
			cs[i]->busy_ms += dt;
	}
	a->since = now;
}

/* ---------------------------------------------------------------------
 * Public
 * ------------------------------------------------------------------- */

int kpi_alloc(struct kpi **kp, acd_ms_t sl_time_ms)
{
	struct kpi *k;

	if (!kp || sl_time_ms < 0)
		return EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return ENOMEM;
	k->sl_ms = sl_time_ms;
	*kp = k;
	return 0;
}

struct kpi *kpi_free(struct kpi *k)
{
	if (!k)
		return NULL;
	for (int g = 0; g < KPI_GROUP_COUNT; g++) {
		for (size_t i = 0; i < k->g[g].n; i++)
			free(k->g[g].v[i].id);
		free(k->g[g].v);
		smap_free(&k->g[g].index);
	}
	for (size_t i = 0; i < k->n_agents; i++)
		free(k->agents[i].id);
	free(k->agents);
	smap_free(&k->agent_index);
	free(k->calls);
	free(k);
	return NULL;
}

int kpi_queue_declare(struct kpi *k, const char *queue, const char *tenant,
		      acd_ms_t sl_time_ms)
{
	size_t q, t;

	if (!k || !queue || !tenant || sl_time_ms < 0)
		return EINVAL;
	q = group(k, KPI_QUEUE, queue);
	t = group(k, KPI_TENANT, tenant);
	if (q == SIZE_MAX || t == SIZE_MAX)
		return ENOMEM;
	k->g[KPI_QUEUE].v[q].sl_ms = sl_time_ms;
	k->g[KPI_QUEUE].v[q].tenant = t;
	return 0;
}

void kpi_start_at(struct kpi *k, acd_ms_t start)
{
	if (k)
		k->start = start;
}

/* Adds to the queue's counts, its tenant's and the total. */
#define BUMP(k, qi, field, val)                                            \
	do {                                                               \
		struct group *q_ = &(k)->g[KPI_QUEUE].v[qi];               \
		struct kpi_counts *t_ = counts(k, KPI_TENANT, q_->tenant); \
		q_->c.field += (val);                                      \
		(k)->total.field += (val);                                 \
		if (t_)                                                    \
			t_->field += (val);                                \
	} while (0)

static void call_event(struct kpi *k, const struct acd_event *ev)
{
	struct call *c = call_find(k, ev->call);
	struct group *q;

	if (ev->type == ACD_EV_CALL_ENTER) {
		size_t qi;

		if (c || ev->time < k->start)
			return;     /* a transfer, or before the start */
		qi = group(k, KPI_QUEUE, ev->queue);
		if (qi == SIZE_MAX)
			return;
		q = &k->g[KPI_QUEUE].v[qi];
		if (q->tenant == SIZE_MAX)
			q->tenant = group(k, KPI_TENANT, ev->tenant);
		c = call_add(k, ev->call);
		if (!c)
			return;
		c->enter = ev->time;
		c->queue = qi;
		BUMP(k, qi, offered, 1);
		return;
	}
	if (!c)
		return;
	q = &k->g[KPI_QUEUE].v[c->queue];
	switch (ev->type) {
	case ACD_EV_OFFER: {
		struct agent *a = agent_get(k, ev->agent);

		if (ev->time == c->enter)
			c->offered_at_entry = true;
		/* the agent's busy time from now on is this queue's; the
		 * offer's own state event came before or comes right after,
		 * at the same instant, so no time is misplaced */
		if (a)
			a->queue = c->queue;
		break;
	}
	case ACD_EV_CONNECT: {
		struct agent *a = agent_get(k, ev->agent);
		struct kpi_counts *s = a ? counts(k, KPI_SITE, a->site) : NULL;

		if (c->connected)
			break;
		c->connected = true;
		BUMP(k, c->queue, answered, 1);
		BUMP(k, c->queue, wait_answered_ms, (double)ev->wait_ms);
		if (ev->wait_ms <= q->sl_ms)
			BUMP(k, c->queue, answered_in_sl, 1);
		if (!c->offered_at_entry)
			BUMP(k, c->queue, waited, 1);
		if (s) {
			s->answered++;
			s->wait_answered_ms += (double)ev->wait_ms;
			if (ev->wait_ms <= q->sl_ms)
				s->answered_in_sl++;
		}
		break;
	}
	case ACD_EV_ABANDON:
	case ACD_EV_EXIT:
		if (ev->type == ACD_EV_ABANDON)
			BUMP(k, c->queue, abandoned, 1);
		else
			BUMP(k, c->queue, exited, 1);
		if (!c->offered_at_entry)
			BUMP(k, c->queue, waited, 1);
		call_del(k, c);
		break;
	case ACD_EV_COMPLETE:
		BUMP(k, c->queue, completed, 1);
		BUMP(k, c->queue, talk_ms, (double)ev->talk_ms);
		call_del(k, c);
		break;
	default:
		break;
	}
}

void kpi_event(const struct acd_event *ev, void *arg)
{
	struct kpi *k = arg;

	if (!k || !ev || k->closed)
		return;
	if (ev->type == ACD_EV_AGENT_STATE) {
		struct agent *a = agent_get(k, ev->agent);
		acd_ms_t t = ev->time < k->start ? k->start : ev->time;

		if (!a)
			return;
		agent_charge(k, a, t);
		a->state = ev->state;
		if (ev->state != ACD_AGENT_LOGGED_OUT) {
			a->site = same_group(k, KPI_SITE, a->site, ev->site);
			if (ev->tenant)
				a->tenant = same_group(k, KPI_TENANT,
						       a->tenant, ev->tenant);
		}
		return;
	}
	if (ev->call)
		call_event(k, ev);
}

void kpi_close(struct kpi *k, acd_ms_t now)
{
	if (!k || k->closed)
		return;
	for (size_t i = 0; i < k->n_agents; i++)
		agent_charge(k, &k->agents[i], now);
	k->closed = true;
}

void kpi_figures(const struct kpi_counts *c, struct kpi_figures *f)
{
	double off;

	memset(f, 0, sizeof(*f));
	if (!c)
		return;
	off = (double)c->offered;
	f->offered = c->offered;
	f->answered = c->answered;
	f->abandoned = c->abandoned;
	f->exited = c->exited;
	if (c->offered) {
		f->service_level = (double)c->answered_in_sl / off;
		f->p_wait = (double)c->waited / off;
		f->p_abandon = (double)c->abandoned / off;
	}
	if (c->answered)
		f->asa_s = c->wait_answered_ms / (double)c->answered / 1000.0;
	if (c->logged_ms > 0)
		f->occupancy = c->busy_ms / c->logged_ms;
	if (c->completed)
		f->aht_s = c->talk_ms / (double)c->completed / 1000.0;
}

int kpi_error(const struct kpi *k)
{
	return k ? k->err : EINVAL;
}

const struct kpi_counts *kpi_total(const struct kpi *k)
{
	return k ? &k->total : NULL;
}

size_t kpi_count(const struct kpi *k, enum kpi_group g)
{
	return k && (unsigned)g < KPI_GROUP_COUNT ? k->g[g].n : 0;
}

const struct kpi_counts *kpi_at(const struct kpi *k, enum kpi_group g,
				size_t i, const char **idp)
{
	if (!k || (unsigned)g >= KPI_GROUP_COUNT || i >= k->g[g].n)
		return NULL;
	if (idp)
		*idp = k->g[g].v[i].id;
	return &k->g[g].v[i].c;
}

const struct kpi_counts *kpi_find(const struct kpi *k, enum kpi_group g,
				  const char *id)
{
	size_t i;

	if (!k || !id || (unsigned)g >= KPI_GROUP_COUNT ||
	    !smap_get(&k->g[g].index, id, &i))
		return NULL;
	return &k->g[g].v[i].c;
}
