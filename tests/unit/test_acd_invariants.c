/* test_acd_invariants.c — random inputs against the routing engine, with
 * its internal invariants checked after every input (white box). */
#include <stdlib.h>
#include "test.h"
#include "acd/acd_int.h"

/*
 * A seeded random driver feeds valid and invalid inputs to a small center
 * (3 sites, 10 agents, 5 queues of every strategy, skills, widening,
 * empty rules) and after each one walks the engine's structures:
 *
 *   - per class: waiting calls and ready agents are never both present;
 *   - brute force: no waiting call has an eligible ready agent;
 *   - class memberships are exactly the eligible logged-in agents, and
 *     the counters n_logged/n_unpaused match them;
 *   - an agent is in its classes' ready sets iff it is ready;
 *   - offers, calls and agents point at each other consistently;
 *   - queue counters (ringing, agents by state) match a recount;
 *   - an input refused while no timer was due changed nothing and
 *     emitted nothing;
 *   - every call gets at most one terminal event, none after it, and
 *     event time never goes backwards.
 */

#define N_AGENTS 10
#define N_QUEUES 5
#define MAX_CALLS 4096

struct drv {
	struct acd *acd;           /* engine under test                     */
	uint64_t rng;              /* driver's own random state             */
	acd_ms_t now;              /* driver's clock, ms                    */
	unsigned events;           /* events seen                           */
	acd_ms_t last_time;        /* latest event time                     */
	unsigned char term[MAX_CALLS]; /* terminal events per call id       */
	unsigned char after_term[MAX_CALLS]; /* events after a terminal     */
	bool bad_time;             /* an event went back in time            */
	unsigned offers;           /* OFFER events                          */
	unsigned connects;         /* CONNECT events                        */
};

static void drv_handler(const struct acd_event *ev, void *arg)
{
	struct drv *d = arg;

	d->events++;
	if (ev->time < d->last_time)
		d->bad_time = true;
	d->last_time = ev->time;
	if (ev->type == ACD_EV_OFFER)
		d->offers++;
	if (ev->type == ACD_EV_CONNECT)
		d->connects++;
	if (!ev->call || ev->call >= MAX_CALLS)
		return;
	if (d->term[ev->call])
		d->after_term[ev->call]++;
	if (ev->type == ACD_EV_ABANDON || ev->type == ACD_EV_EXIT ||
	    ev->type == ACD_EV_COMPLETE)
		d->term[ev->call]++;
}

static uint64_t rnd(struct drv *d, uint64_t n)
{
	return acd_splitmix64(&d->rng) % n;
}

static const char *agent_id(unsigned i)
{
	static const char *ids[N_AGENTS] = {"a0", "a1", "a2", "a3", "a4",
					    "a5", "a6", "a7", "a8", "a9"};
	return ids[i % N_AGENTS];
}

static const char *queue_id(unsigned i)
{
	static const char *ids[N_QUEUES] = {"fr", "ar", "de", "vip", "all"};
	return ids[i % N_QUEUES];
}

static int setup(struct drv *d, enum acd_strategy s0)
{
	static const char *skills[N_AGENTS] = {
		"lang:fr=5 product:fibre=3", "lang:fr=2 lang:ar=4",
		"lang:ar=5", "lang:de=3 lang:fr=3", "lang:de=5",
		"lang:fr=4 product:fibre=5", "", "lang:ar=2 lang:de=2",
		"lang:fr=1", "lang:es=5 lang:fr=3"};
	struct acd_queue_conf qc;
	int err = 0;

	err |= acd_tenant_add(d->acd, "t1");
	err |= acd_tenant_add(d->acd, "t2");
	err |= acd_site_add(d->acd, "cas");
	err |= acd_site_add(d->acd, "fes");
	err |= acd_site_add(d->acd, "aga");
	for (unsigned i = 0; i < N_AGENTS; i++) {
		char p[8];
		static const char *site[3] = {"cas", "fes", "aga"};

		snprintf(p, sizeof(p), "p%u", i);
		err |= acd_position_add(d->acd, p, site[i % 3]);
		snprintf(p, sizeof(p), "x%u", i);
		err |= acd_position_add(d->acd, p, site[(i + 1) % 3]);
	}
	for (unsigned q = 0; q < N_QUEUES; q++) {
		acd_queue_conf_init(&qc);
		qc.id = queue_id(q);
		qc.tenant = q == 4 ? "t2" : "t1";
		qc.strategy = (enum acd_strategy)((s0 + q) %
						  ACD_STRATEGY_COUNT);
		qc.ring_timeout_ms = 3000 + 1000 * q;
		qc.wrapup_ms = q == 1 ? 0 : 2000;
		qc.announce_ms = q == 2 ? 0 : 5000;
		qc.max_no_answer = q;
		qc.max_wait_ms = q == 3 ? 40000 : 0;
		qc.max_len = q == 0 ? 6 : 0;
		qc.join_empty = (enum acd_empty_rule)(q % 3);
		qc.leave_empty = (enum acd_empty_rule)((q + 1) % 3);
		qc.priority = q == 3 ? 10 : 0;
		switch (q) {

		case 0:
			qc.skills = "lang:fr>=3";
			qc.sites = "cas fes";
			qc.n_widen = 2;
			qc.widen[0].after_ms = 8000;
			qc.widen[0].skills = "lang:fr>=1";
			qc.widen[1].after_ms = 15000;
			qc.widen[1].add_site = "aga";
			break;

		case 1:
			qc.skills = "lang:ar>=3 | lang:fr=2";
			qc.n_widen = 1;
			qc.widen[0].after_ms = 6000;
			qc.widen[0].add_queue = "de";
			break;

		case 2:
			qc.skills = "lang:de>=2";
			qc.n_widen = 1;
			qc.widen[0].after_ms = 0;
			qc.widen[0].add_queue = "fr";
			break;

		case 3:
			qc.skills = "(lang:fr>=4 & product:fibre) | lang:es";
			break;

		default:
			break;
		}
		err |= acd_queue_add(d->acd, &qc);
	}
	for (unsigned i = 0; i < N_AGENTS; i++) {
		struct acd_agent_conf ac = {agent_id(i),
					    i == 9 ? "t2" : (i == 8 ? "t1" :
							     NULL),
					    skills[i]};

		err |= acd_agent_add(d->acd, &ac);
		for (unsigned q = 0; q < N_QUEUES; q++) {
			if ((i + q) % 3 != 0)
				err |= acd_member_add(d->acd, queue_id(q),
						      agent_id(i),
						      1 + (i * 7 + q) % 50);
		}
	}
	return err ? EINVAL : 0;
}

/* Walks the engine; returns 0 or a line number that failed. */
static int check(struct drv *d)
{
	struct acd *acd = d->acd;
	struct le *le;

	if (d->bad_time)
		return __LINE__;
	for (le = list_head(&acd->classl); le; le = le->next) {
		struct rclass *c = le->data;
		unsigned logged = 0, unpaused = 0;

		if (tree_count(&c->calls) && tree_count(&c->ready))
			return __LINE__;
		for (struct le *l2 = list_head(&c->cms); l2; l2 = l2->next) {
			struct cmember *cm = l2->data;

			if (cm->c != c || !class_eligible(c, cm->a))
				return __LINE__;
			logged++;
			unpaused += cm->a->state != ACD_AGENT_PAUSED;
			if (cm->node.in != (cm->a->state == ACD_AGENT_READY))
				return __LINE__;
		}
		if (logged != c->n_logged || unpaused != c->n_unpaused)
			return __LINE__;
		if (tree_count(&c->ready) > logged)
			return __LINE__;
		/* completeness: every eligible logged-in agent is in */
		for (struct le *l2 = list_head(&acd->agentl); l2;
		     l2 = l2->next) {
			struct agent *a = l2->data;

			if (a->pos && class_eligible(c, a) &&
			    !class_member_of(a, c))
				return __LINE__;
		}
	}

	for (le = list_head(&acd->agentl); le; le = le->next) {
		struct agent *a = le->data;

		if ((a->state == ACD_AGENT_LOGGED_OUT) != (a->pos == NULL))
			return __LINE__;
		if (a->pos && a->pos->agent != a)
			return __LINE__;
		if (a->state == ACD_AGENT_LOGGED_OUT &&
		    !list_isempty(&a->cms))
			return __LINE__;
		switch (a->state) {

		case ACD_AGENT_OFFERED:
			if (!a->call || a->call->st != CALL_RINGING ||
			    a->ole.list != &a->call->offers)
				return __LINE__;
			break;

		case ACD_AGENT_ON_CALL:
			if (!a->call || a->call->st != CALL_CONNECTED ||
			    a->call->agent != a)
				return __LINE__;
			break;

		default:
			if (a->call)
				return __LINE__;
			break;
		}
		if (a->state != ACD_AGENT_ON_CALL &&
		    a->state != ACD_AGENT_WRAP_UP && a->pending_pause)
			return __LINE__;
	}

	for (le = list_head(&acd->queuel); le; le = le->next) {
		struct queue *q = le->data;
		unsigned by[ACD_AGENT_STATE_COUNT] = {0};

		for (struct le *l2 = list_head(&q->members); l2;
		     l2 = l2->next)
			by[((struct member *)l2->data)->a->state]++;
		if (memcmp(by, q->agents, sizeof(by)))
			return __LINE__;
	}
	{
		unsigned ringing[N_QUEUES] = {0}, waiting[N_QUEUES] = {0};
		unsigned qi = 0;

		for (uint32_t i = 0; i < hash_bsize(acd->calls); i++) {
			struct list *l = hash_list(acd->calls, i);

			for (struct le *l2 = list_head(l); l2;
			     l2 = l2->next) {
				struct call *call = l2->data;
				unsigned k = 0;

				for (struct le *l3 = list_head(&acd->queuel);
				     l3 && l3->data != call->q; l3 = l3->next)
					k++;
				if (k >= N_QUEUES)
					return __LINE__;
				ringing[k] += call->st == CALL_RINGING;
				waiting[k] += call->st == CALL_WAITING;
			}
		}
		for (le = list_head(&acd->queuel); le; le = le->next, qi++) {
			struct queue *q = le->data;

			const struct call *prev = NULL;

			if (ringing[qi] != q->ringing ||
			    waiting[qi] != q->waiting ||
			    list_count(&q->line) != q->waiting + q->ringing)
				return __LINE__;
			/* the line is in entry order */
			for (struct le *l2 = list_head(&q->line); l2;
			     l2 = l2->next) {
				const struct call *call = l2->data;

				if (prev && (call->enter < prev->enter ||
					     call->seq < prev->seq))
					return __LINE__;
				prev = call;
			}
		}
	}

	for (uint32_t i = 0; i < hash_bsize(acd->calls); i++) {
		struct list *l = hash_list(acd->calls, i);

		for (struct le *l2 = list_head(l); l2; l2 = l2->next) {
			struct call *call = l2->data;
			struct rclass *c = call->chain[call->step];

			switch (call->st) {

			case CALL_WAITING:
				if (!call->cnode.in || !call->qle.list)
					return __LINE__;
				if (tree_count(&c->calls) == 0)
					return __LINE__;
				/* brute force: no eligible agent is ready */
				for (struct le *l3 = list_head(&acd->agentl);
				     l3; l3 = l3->next) {
					struct agent *a = l3->data;

					if (a->state == ACD_AGENT_READY &&
					    class_eligible(c, a))
						return __LINE__;
				}
				break;

			case CALL_RINGING:
				if (call->cnode.in || list_isempty(&call->offers)
				    || call->qle.list != &call->q->line)
					return __LINE__;
				for (struct le *l3 = list_head(&call->offers);
				     l3; l3 = l3->next) {
					struct agent *a = l3->data;

					if (a->call != call ||
					    a->state != ACD_AGENT_OFFERED)
						return __LINE__;
				}
				if (list_count(&call->offers) > 1 &&
				    call->q->strategy !=
				    ACD_STRATEGY_RING_ALL)
					return __LINE__;
				break;

			default:
				if (call->cnode.in || !call->agent ||
				    call->agent->call != call || call->qle.list)
					return __LINE__;
				break;
			}
		}
	}
	for (unsigned i = 0; i < MAX_CALLS; i++) {
		if (d->term[i] > 1 || d->after_term[i])
			return __LINE__;
	}
	return 0;
}

/* A picture of what queries show, to compare around a refused input. */
struct snap {
	struct acd_queue_stats q[N_QUEUES];
	struct acd_agent_info a[N_AGENTS];
	unsigned events;
	acd_ms_t deadline;
};

static void snap_take(struct drv *d, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < N_QUEUES; i++)
		(void)acd_queue_stats(d->acd, queue_id(i), &s->q[i]);
	for (unsigned i = 0; i < N_AGENTS; i++)
		(void)acd_agent_info(d->acd, agent_id(i), &s->a[i]);
	s->events = d->events;
	s->deadline = acd_next_deadline(d->acd);
}

/* One random input; most valid, some not. */
static int step(struct drv *d, uint64_t *next_call)
{
	const char *ag = agent_id((unsigned)rnd(d, N_AGENTS));
	uint64_t call = 1 + rnd(d, *next_call + 1);
	struct acd_agent_info ai;
	int err = 0;

	/* mostly aim at an agent with a call, so offers get answered */
	if (rnd(d, 4) != 0) {
		unsigned start = (unsigned)rnd(d, N_AGENTS);

		for (unsigned k = 0; k < N_AGENTS; k++) {
			const char *id = agent_id(start + k);

			if (!acd_agent_info(d->acd, id, &ai) && ai.call) {
				ag = id;
				break;
			}
		}
	}
	(void)acd_agent_info(d->acd, ag, &ai);
	if (rnd(d, 5) != 0 && ai.call)
		call = ai.call;
	d->now += (acd_ms_t)rnd(d, 4) * (acd_ms_t)rnd(d, 1500);
	if (rnd(d, 200) == 0)
		d->now -= 1;  /* time going back: must be refused */

	switch (rnd(d, 16)) {

	case 0:
	case 1: {
		static const char *extra[] = {NULL, "", "lang:fr>=2",
					      "lang:ar", "product:fibre>2",
					      "lang:de<5", "bad(("};
		struct acd_call_params cp = {(int)rnd(d, 5) - 2,
					     extra[rnd(d, 7)]};
		uint64_t id = 0;

		err = acd_call_arrive(d->acd, d->now,
				      queue_id((unsigned)rnd(d, N_QUEUES + 1)),
				      &cp, &id);
		if (!err)
			*next_call = id + 1;
		break;
	}

	case 2: {
		char pos[8];

		snprintf(pos, sizeof(pos), "%c%u", rnd(d, 2) ? 'p' : 'x',
			 (unsigned)rnd(d, N_AGENTS + 1));
		err = acd_agent_login(d->acd, d->now, ag, pos);
		break;
	}

	case 3:
		err = acd_agent_logout(d->acd, d->now, ag);
		break;

	case 4:
		err = acd_agent_pause(d->acd, d->now, ag,
				      rnd(d, 2) ? "lunch" : "brief");
		break;

	case 5:
	case 6:
		err = acd_agent_ready(d->acd, d->now, ag);
		break;

	case 7:
	case 8:
		err = acd_offer_accept(d->acd, d->now, call, ag);
		break;

	case 9:
		err = acd_offer_decline(d->acd, d->now, call, ag);
		break;

	case 10:
		err = acd_offer_no_answer(d->acd, d->now, call, ag);
		break;

	case 11:
		err = acd_call_hangup(d->acd, d->now, call,
				      rnd(d, 2) ? ACD_PARTY_CALLER :
				      ACD_PARTY_AGENT);
		break;

	case 12:
		err = acd_call_exit_key(d->acd, d->now, call,
					rnd(d, 2) ? '#' : '?');
		break;

	case 13:
		err = acd_call_transfer(d->acd, d->now, call,
					queue_id((unsigned)rnd(d, N_QUEUES)));
		break;

	case 14:
		if (rnd(d, 2))
			err = acd_member_add(d->acd,
					     queue_id((unsigned)rnd(d,
								    N_QUEUES)),
					     ag, 1 + (unsigned)rnd(d, 1000));
		else
			err = acd_member_remove(d->acd,
						queue_id((unsigned)rnd(d,
								       N_QUEUES)),
						ag);
		break;

	default:
		err = acd_tick(d->acd, d->now);
		break;
	}
	if (err == EINVAL && d->now < d->last_time)
		d->now = d->last_time;
	return err;
}

static int run(uint64_t seed, enum acd_strategy s0, unsigned steps)
{
	struct drv *d = calloc(1, sizeof(*d));
	uint64_t next_call = 1;
	int err = 0, line;

	if (!d)
		return ENOMEM;
	d->rng = seed;
	d->last_time = INT64_MIN;
	if (acd_alloc(&d->acd, seed, drv_handler, d) || setup(d, s0)) {
		err = EINVAL;
		goto out;
	}
	for (unsigned i = 0; i < steps; i++) {
		struct snap before, after;
		acd_ms_t now_before = d->now;
		int e;

		snap_take(d, &before);
		e = step(d, &next_call);
		if (e && before.deadline > d->now) {
			/* no timer was due: a refusal changes nothing */
			snap_take(d, &after);
			if (memcmp(&before, &after, sizeof(before))) {
				fprintf(stderr, "  seed %llu step %u: refused "
					"input (%s: %s) changed state\n",
					(unsigned long long)seed, i,
					strerror(e), acd_errmsg(d->acd));
				err = EINVAL;
				goto out;
			}
		}
		if (e && !acd_errmsg(d->acd)[0]) {
			fprintf(stderr, "  seed %llu step %u: error %d "
				"without a message\n",
				(unsigned long long)seed, i, e);
			err = EINVAL;
			goto out;
		}
		(void)now_before;
		line = check(d);
		if (line) {
			fprintf(stderr, "  seed %llu step %u: invariant at "
				"line %d\n", (unsigned long long)seed, i,
				line);
			err = EINVAL;
			goto out;
		}
	}
	if (getenv("ACD_INV_VERBOSE"))
		fprintf(stderr, "  seed %llu: %u events, %u offers, %u "
			"connects, %llu calls\n", (unsigned long long)seed,
			d->events, d->offers, d->connects,
			(unsigned long long)next_call - 1);
	/* the driver made things happen */
	if (d->offers < steps / 50 || d->connects == 0) {
		fprintf(stderr, "  seed %llu: only %u offers, %u connects\n",
			(unsigned long long)seed, d->offers, d->connects);
		err = EINVAL;
	}
 out:
	acd_free(d->acd);
	free(d);
	return err;
}

static int test_random_inputs(void)
{
	for (unsigned s = 0; s < ACD_STRATEGY_COUNT; s++) {
		int err = run(1000 + s, (enum acd_strategy)s, 3000);

		if (err)
			return err;
	}
	return 0;
}

static int test_random_inputs_long(void)
{
	return run(77, ACD_STRATEGY_RING_ALL, 20000);
}

/* The checker itself can fail: break an invariant by hand. */
static int test_checker_catches(void)
{
	struct drv *d = calloc(1, sizeof(*d));
	struct agent *a;
	int err = 0;

	if (!d)
		return ENOMEM;
	d->last_time = INT64_MIN;
	if (acd_alloc(&d->acd, 1, drv_handler, d) || setup(d, 0)) {
		err = EINVAL;
		goto out;
	}
	if (acd_agent_login(d->acd, 0, "a0", "p0") || check(d)) {
		err = EINVAL;
		goto out;
	}
	a = acd_agent_find(d->acd, "a0");
	a->state = ACD_AGENT_PAUSED;  /* without leaving the ready sets */
	if (!check(d))
		err = EINVAL;
	a->state = ACD_AGENT_READY;
	d->term[3] = 2;
	if (!check(d))
		err = EINVAL;
 out:
	acd_free(d->acd);
	free(d);
	return err;
}

/* Canonical text: grouping of chains and spacing do not matter; needed
 * parentheses stay; depth never grows. */
static int test_canonical_text(void)
{
	static const char *cases[][2] = {
		{"lang:fr>=3 & product:fibre>=2",
		 "lang:fr>=3&product:fibre>=2"},
		{"a & (b & c)", "a>=1&b>=1&c>=1"},
		{"(a&b)&c", "a>=1&b>=1&c>=1"},
		{"a & (b | c)", "a>=1&(b>=1|c>=1)"},
		{"(a & b) | c", "a>=1&b>=1|c>=1"},
		{"x==2 | y!=0 | z<5 | w<=1 | v>4", "x=2|y!=0|z<5|w<=1|v>4"},
		{"((((a))))", "a>=1"},
	};
	char msg[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct skexpr *e = NULL, *e2 = NULL;

		TEST_EQ(skexpr_parse(&e, cases[i][0], msg, sizeof(msg)), 0);
		if (strcmp(e->canon, cases[i][1])) {
			fprintf(stderr, "  \"%s\" -> \"%s\", expected \"%s\"\n",
				cases[i][0], e->canon, cases[i][1]);
			mem_deref(e);
			return EINVAL;
		}
		TEST_EQ(skexpr_parse(&e2, e->canon, msg, sizeof(msg)), 0);
		TEST_STREQ(e2->canon, e->canon);
		mem_deref(e);
		mem_deref(e2);
	}
	{
		/* a chain of 100 terms: flat, not 99 levels deep */
		char text[1024] = "a";
		struct skexpr *e = NULL, *e2 = NULL;

		for (int i = 0; i < 99; i++)
			strcat(text, "&a");
		TEST_EQ(skexpr_parse(&e, text, msg, sizeof(msg)), 0);
		TEST_EQ(skexpr_parse(&e2, e->canon, msg, sizeof(msg)), 0);
		mem_deref(e);
		mem_deref(e2);
	}
	return 0;
}

const struct test tests_acd_invariants[] = {
	{"canonical_text", test_canonical_text},
	{"checker_catches", test_checker_catches},
	{"random_inputs", test_random_inputs},
	{"random_inputs_long", test_random_inputs_long},
	{NULL, NULL}
};
