/* sim.c — the simulator's virtual clock: an event heap of callers and
 * agents merged with the engine's own deadlines. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sim/sim.h"

/* ---------------------------------------------------------------------
 * PRNG: xoshiro256** (Blackman & Vigna), seeded through splitmix64
 * ------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double sim_rng_uniform(struct sim_rng *r)
{
	/* 53 random bits, shifted off 0: (k + 0.5) / 2^53 */
	return ((double)(sim_rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

double sim_rng_exp(struct sim_rng *r, double mean)
{
	return -mean * log(sim_rng_uniform(r));
}

double sim_rng_lognormal(struct sim_rng *r, double mean, double cv)
{
	double s2 = log1p(cv * cv);
	double mu = log(mean) - s2 / 2;
	/* Box-Muller, one normal per call (the second is discarded so that
	 * the stream of draws does not depend on call order) */
	double z = sqrt(-2 * log(sim_rng_uniform(r))) *
		cos(2 * M_PI * sim_rng_uniform(r));

	return exp(mu + sqrt(s2) * z);
}

/* ---------------------------------------------------------------------
 * The event heap
 * ------------------------------------------------------------------- */

enum ev_type {
	EV_ARRIVAL = 0,            /* next caller of stream idx             */
	EV_ANSWER,                 /* agent answers call                    */
	EV_HANGUP,                 /* connected call ends (caller hangs up) */
	EV_PATIENCE,               /* waiting caller gives up               */
	EV_LOGIN,                  /* shift idx starts                      */
	EV_LOGOUT,                 /* shift idx ends                        */
	EV_PAUSE,                  /* shift idx, pause sub starts           */
	EV_READY,                  /* shift idx, pause sub ends             */
};

struct ev {
	acd_ms_t t;                /* when, ms                              */
	uint64_t seq;              /* insertion order: ties in FIFO order   */
	enum ev_type type;
	uint32_t idx;              /* stream or shift index                 */
	uint32_t sub;              /* pause index                           */
	uint64_t call;             /* call id                               */
	const char *agent;         /* answering agent (engine's string)     */
};

/* What the sim knows of a call, by engine id (1, 2, 3…). */
struct call {
	acd_ms_t handle_ms;        /* drawn at arrival                      */
	bool ended;                /* abandon/exit/complete seen            */
	bool connected;
};

struct sim {
	struct sim_conf conf;
	struct sim_rng rng;
	struct ev *heap;           /* events made while running             */
	size_t n, cap;
	struct ev *agenda;         /* events known before the run (shifts,
				      pauses, first arrivals), sorted      */
	size_t n_agenda, cap_agenda, next_agenda; /* next_agenda: the next
				      one due                               */
	bool planning;             /* push() goes to the agenda             */
	uint64_t seq;
	struct call *calls;        /* a ring: id at calls[id & (cap - 1)]   */
	size_t calls_cap;          /* a power of two, or 0                  */
	uint64_t calls_base;       /* every id below has ended              */
	struct call gone;          /* what call_get gives for those         */
	uint64_t last_call;        /* highest id seen                       */
	uint64_t open_calls;       /* entered and not ended                 */
	struct sim_stats st;
	int err;                   /* sticky ENOMEM from the handler        */
	acd_ms_t pending_arrival_handle; /* for the call being created     */
	struct acd *acd;           /* the engine being driven               */
};

static bool ev_before(const struct ev *a, const struct ev *b)
{
	return a->t != b->t ? a->t < b->t : a->seq < b->seq;
}

/* Appends to the agenda, sorted once before the run starts: the heap
 * then holds only what is in flight (a few events per call), not a
 * month of shifts, and stays shallow and in cache. */
static int plan(struct sim *s, struct ev e)
{
	if (s->n_agenda == s->cap_agenda) {
		size_t cap = s->cap_agenda ? 2 * s->cap_agenda : 256;
		struct ev *v = realloc(s->agenda, cap * sizeof(*v));
		if (!v)
			return ENOMEM;
		s->agenda = v;
		s->cap_agenda = cap;
	}
	e.seq = s->seq++;
	s->agenda[s->n_agenda++] = e;
	return 0;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int push(struct sim *s, struct ev e)
{
	size_t i;

	if (s->planning)
		return plan(s, e);
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct ev *h = realloc(s->heap, cap * sizeof(*h));
		if (!h)
			return ENOMEM;
		s->heap = h;
		s->cap = cap;
	}
	e.seq = s->seq++;
	i = s->n++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!ev_before(&e, &s->heap[p]))
			break;
		s->heap[i] = s->heap[p];
		i = p;
	}
	s->heap[i] = e;
	return 0;
}

static struct ev pop(struct sim *s)
{
	struct ev top = s->heap[0], last = s->heap[--s->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->n)
			break;
		if (c + 1 < s->n && ev_before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!ev_before(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->n)
		s->heap[i] = last;
	return top;
}

/* ---------------------------------------------------------------------
 * Calls
 * ------------------------------------------------------------------- */

/* The call's record; ids below calls_base have all ended and share one
 * read-only "ended" record. NULL (and s->err) on ENOMEM. */
static struct call *call_get(struct sim *s, uint64_t id)
{
	if (id < s->calls_base) {
		memset(&s->gone, 0, sizeof(s->gone));
		s->gone.ended = true;
		return &s->gone;
	}
	if (id - s->calls_base >= s->calls_cap) {
		size_t cap = s->calls_cap ? s->calls_cap : 1024;
		struct call *v;

		while (cap <= id - s->calls_base)
			cap *= 2;
		v = calloc(cap, sizeof(*v));
		if (!v) {
			s->err = ENOMEM;
			return NULL;
		}
		/* re-seat the window [base, last_call] */
		for (uint64_t i = s->calls_base; s->calls_cap &&
		     i <= s->last_call; i++)
			v[i & (cap - 1)] = s->calls[i & (s->calls_cap - 1)];
		free(s->calls);
		s->calls = v;
		s->calls_cap = cap;
	}
	return &s->calls[id & (s->calls_cap - 1)];
}

/* Marks a call ended and slides the window past ended calls (their
 * slots are cleared for the ids that will reuse them). */
static void call_end(struct sim *s, struct call *c)
{
	c->ended = true;
	s->open_calls--;
	while (s->calls_base <= s->last_call) {
		struct call *b = &s->calls[s->calls_base &
					   (s->calls_cap - 1)];
		if (!b->ended)
			break;
		memset(b, 0, sizeof(*b));
		s->calls_base++;
	}
}

static acd_ms_t ms(double seconds)
{
	double v = seconds * 1000.0;

	if (!(v >= 1))
		return 1;
	if (v > 1e15)
		return (acd_ms_t)1e15;
	return (acd_ms_t)llround(v);
}

void sim_event_h(const struct acd_event *ev, void *arg)
{
	struct sim *s = arg;
	struct call *c;
	struct ev e;

	s->st.events++;
	if (s->conf.eh)
		s->conf.eh(ev, s->conf.arg);
	memset(&e, 0, sizeof(e));
	switch (ev->type) {
	case ACD_EV_CALL_ENTER:
		c = call_get(s, ev->call);
		if (!c)
			return;
		if (ev->call > s->last_call) {
			/* a new call: its handle time was drawn by arrive */
			s->last_call = ev->call;
			c->handle_ms = s->pending_arrival_handle;
			s->open_calls++;
		}
		break;
	case ACD_EV_OFFER:
		e.t = ev->time + s->conf.ring_ms;
		e.type = EV_ANSWER;
		e.call = ev->call;
		e.agent = ev->agent;
		if (push(s, e))
			s->err = ENOMEM;
		break;
	case ACD_EV_CONNECT:
		c = call_get(s, ev->call);
		if (!c)
			return;
		c->connected = true;
		e.t = ev->time + c->handle_ms;
		e.type = EV_HANGUP;
		e.call = ev->call;
		if (push(s, e))
			s->err = ENOMEM;
		break;
	case ACD_EV_ABANDON:
	case ACD_EV_EXIT:
	case ACD_EV_COMPLETE:
		c = call_get(s, ev->call);
		if (!c || c->ended)
			return;
		call_end(s, c);
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------------
 * Running
 * ------------------------------------------------------------------- */

int sim_alloc(struct sim **simp, const struct sim_conf *conf)
{
	struct sim *s;

	if (!simp || !conf || conf->end <= 0 || conf->ring_ms < 0 ||
	    conf->drain_ms < 0 || (conf->n_streams && !conf->streams) ||
	    (conf->n_shifts && !conf->shifts) ||
	    conf->n_streams > UINT32_MAX || conf->n_shifts > UINT32_MAX)
		return EINVAL;
	if (conf->handle == SIM_DIST_LOGNORMAL && !(conf->handle_cv > 0))
		return EINVAL;
	for (size_t i = 0; i < conf->n_streams; i++) {
		const struct sim_stream *st = &conf->streams[i];
		if (!st->queue || st->end <= st->start || !(st->calls >= 0) ||
		    !(st->aht_s > 0) || !(st->patience_s >= 0) ||
		    !isfinite(st->calls) || !isfinite(st->aht_s) ||
		    !isfinite(st->patience_s))
			return EINVAL;
	}
	for (size_t i = 0; i < conf->n_shifts; i++) {
		const struct sim_shift *sh = &conf->shifts[i];
		if (!sh->agent || !sh->position || sh->end <= sh->start ||
		    sh->n_pauses > SIM_MAX_PAUSES)
			return EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	s->conf = *conf;
	sim_rng_seed(&s->rng, conf->seed);
	*simp = s;
	return 0;
}

struct sim *sim_free(struct sim *s)
{
	if (!s)
		return NULL;
	free(s->heap);
	free(s->agenda);
	free(s->calls);
	free(s);
	return NULL;
}

/* Schedules the next arrival of stream i after time t, if any. */
static int next_arrival(struct sim *s, uint32_t i, acd_ms_t t)
{
	const struct sim_stream *st = &s->conf.streams[i];
	double mean_gap_ms;
	struct ev e;

	if (!(st->calls > 0))
		return 0;
	mean_gap_ms = (double)(st->end - st->start) / st->calls;
	/* exponential gaps in ms, kept fractional in seq-free time: the
	 * arrival lands on the next whole ms (the engine's resolution) */
	t += (acd_ms_t)ceil(sim_rng_exp(&s->rng, mean_gap_ms));
	if (t >= st->end || t >= s->conf.end)
		return 0;
	memset(&e, 0, sizeof(e));
	e.t = t;
	e.type = EV_ARRIVAL;
	e.idx = i;
	return push(s, e);
}

static int arrive(struct sim *s, acd_ms_t now, uint32_t i)
{
	const struct sim_stream *st = &s->conf.streams[i];
	struct acd_call_params p = {st->priority, st->skills};
	double h, patience = 0;
	uint64_t id = 0;
	struct call *c;
	struct ev e;
	int err;

	/* draws in a fixed order: handle time, patience, next gap */
	h = s->conf.handle == SIM_DIST_LOGNORMAL ?
		sim_rng_lognormal(&s->rng, st->aht_s, s->conf.handle_cv) :
		sim_rng_exp(&s->rng, st->aht_s);
	if (st->patience_s > 0)
		patience = sim_rng_exp(&s->rng, st->patience_s);
	s->pending_arrival_handle = ms(h);
	s->st.arrivals++;
	s->st.inputs++;
	err = acd_call_arrive(s->acd, now, st->queue, &p, &id);
	if (err)
		return err;
	c = call_get(s, id);
	if (!c)
		return ENOMEM;
	if (patience > 0 && !c->ended && !c->connected) {
		memset(&e, 0, sizeof(e));
		e.t = now + ms(patience);
		e.type = EV_PATIENCE;
		e.call = id;
		err = push(s, e);
		if (err)
			return err;
	}
	return next_arrival(s, i, now);
}

/* A refused input is counted; the sim goes on (the engine is unchanged
 * by a refused input). */
static void refused(struct sim *s, int err)
{
	if (err)
		s->st.refused++;
}

static int process(struct sim *s, struct acd *acd, const struct ev *e)
{
	const struct sim_shift *sh;
	struct call *c;
	struct ev r;
	int err = 0;

	s->st.inputs++;
	switch (e->type) {
	case EV_ARRIVAL:
		s->st.inputs--;
		return arrive(s, e->t, e->idx);
	case EV_ANSWER:
		/* refused if the offer was withdrawn meanwhile (ring-all won
		 * by another, caller gone): nothing to do then */
		if (acd_offer_accept(acd, e->t, e->call, e->agent))
			s->st.inputs--;
		return 0;
	case EV_HANGUP:
		refused(s, acd_call_hangup(acd, e->t, e->call,
					   ACD_PARTY_CALLER));
		return 0;
	case EV_PATIENCE:
		c = call_get(s, e->call);
		if (!c)
			return ENOMEM;
		if (c->ended || c->connected) {
			s->st.inputs--;
			return 0;
		}
		refused(s, acd_call_hangup(acd, e->t, e->call,
					   ACD_PARTY_CALLER));
		return 0;
	default:
		break;
	}

	sh = &s->conf.shifts[e->idx];
	memset(&r, 0, sizeof(r));
	r.idx = e->idx;
	r.sub = e->sub;
	r.type = e->type;
	r.t = e->t + 30000;   /* retry in 30 s when refused for now */
	switch (e->type) {
	case EV_LOGIN:
		err = acd_agent_login(acd, e->t, sh->agent, sh->position);
		if (err == EPERM)
			return push(s, r);   /* position still taken */
		if (err)
			return err;          /* unknown agent or position */
		break;
	case EV_LOGOUT:
		err = acd_agent_logout(acd, e->t, sh->agent);
		if (err == EPERM) {          /* on a call: try again later */
			s->st.refused++;
			return push(s, r);
		}
		refused(s, err);
		break;
	case EV_PAUSE:
		if (e->t >= sh->end)
			break;
		refused(s, acd_agent_pause(acd, e->t, sh->agent,
					   sh->pauses[e->sub].reason));
		break;
	case EV_READY:
		if (e->t >= sh->end)
			break;
		err = acd_agent_ready(acd, e->t, sh->agent);
		if (err == EPERM || err == EALREADY) {
			struct acd_agent_info ai;
			/* still on a call with the pause pending: retry */
			if (!acd_agent_info(acd, sh->agent, &ai) &&
			    ai.pending_pause && r.t < sh->end)
				return push(s, r);
		}
		refused(s, err);
		break;
	default:
		break;
	}
	return 0;
}

static int schedule_shifts(struct sim *s)
{
	int err = 0;

	for (size_t i = 0; i < s->conf.n_shifts && !err; i++) {
		const struct sim_shift *sh = &s->conf.shifts[i];
		struct ev e;

		memset(&e, 0, sizeof(e));
		e.idx = (uint32_t)i;
		e.t = sh->start;
		e.type = EV_LOGIN;
		err = push(s, e);
		e.t = sh->end;
		e.type = EV_LOGOUT;
		if (!err)
			err = push(s, e);
		for (size_t j = 0; j < sh->n_pauses && !err; j++) {
			e.sub = (uint32_t)j;
			e.t = sh->pauses[j].at;
			e.type = EV_PAUSE;
			err = push(s, e);
			e.t = sh->pauses[j].at + sh->pauses[j].len_ms;
			e.type = EV_READY;
			if (!err)
				err = push(s, e);
		}
	}
	return err;
}

int sim_run(struct sim *s, struct acd *acd, struct sim_stats *stats)
{
	acd_ms_t now = 0, stop;
	uint64_t steps = 0;
	int err = 0;

	if (!s || !acd)
		return EINVAL;
	s->acd = acd;
	s->calls_base = 1;         /* engine ids start at 1 */
	stop = s->conf.end + s->conf.drain_ms;
	s->planning = true;
	err = schedule_shifts(s);
	for (size_t i = 0; i < s->conf.n_streams && !err; i++)
		err = next_arrival(s, (uint32_t)i, s->conf.streams[i].start);
	s->planning = false;
	if (s->n_agenda)
		qsort(s->agenda, s->n_agenda, sizeof(*s->agenda), ev_cmp);

	while (!err && !s->err) {
		acd_ms_t dl = acd_next_deadline(acd);
		const struct ev *next = s->n ? &s->heap[0] : NULL;
		bool from_agenda = false;
		acd_ms_t top;

		/* the earlier of the heap's top and the agenda's next, in
		 * (time, insertion) order as if both were one heap */
		if (s->next_agenda < s->n_agenda &&
		    (!next || ev_before(&s->agenda[s->next_agenda], next))) {
			next = &s->agenda[s->next_agenda];
			from_agenda = true;
		}
		top = next ? next->t : ACD_NEVER;

		/* past the end with nothing in flight, or past the drain */
		if (now >= s->conf.end && !s->open_calls)
			break;
		if (dl <= top && dl != ACD_NEVER) {
			if (dl > stop)
				break;
			now = dl > now ? dl : now;
			s->st.inputs++;
			err = acd_tick(acd, now);
			continue;
		}
		if (top == ACD_NEVER || top > stop)
			break;
		{
			struct ev e = from_agenda ?
				s->agenda[s->next_agenda++] : pop(s);
			now = e.t;
			err = process(s, acd, &e);
		}
		if (s->conf.progress && !(++steps & 0xffff))
			s->conf.progress(now, s->conf.end, s->conf.progress_arg);
	}
	if (!err)
		err = s->err;
	if (err)
		return err;
	s->st.end = now > s->conf.end ? now : s->conf.end;
	s->st.in_flight = s->open_calls;
	if (stats)
		*stats = s->st;
	return 0;
}
