/* test_acd_props.c — property tests of the routing engine: random centers
 * and long random input sequences, judged by an independent checker. */
#include <stdlib.h>
#include "test.h"
#include "acd_driver.h"

/* Engine bugs the random runs found (docs/acd-proof-findings.md) are
 * all fixed, each pinned by a bug_* test below: the checker tolerates
 * none of them (KB_* flags, acd_driver.h). */
#define KNOWN_BUGS 0u

enum {
	PROP_SEEDS = 100,        /* random centers                       */
	PROP_INPUTS = 5000,      /* inputs per center                    */
	PROP_BYTES = PROP_INPUTS * 8, /* enough bytes for them           */
	SHRINK_BUDGET = 400,     /* runs spent shrinking a failure       */
};

/* Prints a failing byte string, shrunk, as a trace and as C bytes. */
static void report(uint8_t *buf, size_t len, const struct drv_opts *o)
{
	struct drv_opts t = *o;
	struct drv_result r;

	len = drv_shrink(buf, len, o, SHRINK_BUDGET);
	fprintf(stderr, "  shrunk to %zu bytes; trace:\n", len);
	t.trace = stderr;
	t.stop_on_violation = true;
	drv_run(buf, len, &t, &r);
	free(r.log);
	fprintf(stderr, "  bytes:");
	for (size_t i = 0; i < len; i++)
		fprintf(stderr, "%s0x%02x,", i % 12 ? " " : "\n    ", buf[i]);
	fprintf(stderr, "\n");
}

/* Runs seeds [from, from + n) with the given checks. */
static int run_seeds(uint64_t from, unsigned n, unsigned checks,
		     unsigned long *strategies)
{
	uint8_t *buf = malloc(PROP_BYTES);
	struct drv_opts o = {.max_inputs = PROP_INPUTS, .checks = checks,
			     .known_bugs = KNOWN_BUGS};
	unsigned long events = 0, inputs = 0, errors = 0, offers = 0;
	int err = 0;

	if (!buf)
		return ENOMEM;
	for (uint64_t seed = from; seed < from + n; seed++) {
		struct drv_result r;

		drv_bytes(seed, buf, PROP_BYTES);
		err = drv_run(buf, PROP_BYTES, &o, &r);
		free(r.log);
		inputs += r.inputs;
		events += r.events;
		errors += r.errors;
		offers += r.offers;
		*strategies |= r.strategies;
		if (err || r.violations) {
			fprintf(stderr, "  seed %llu: %u violations; first: "
				"%s\n", (unsigned long long)seed, r.violations,
				r.first);
			report(buf, PROP_BYTES, &o);
			err = err ? err : EINVAL;
			break;
		}
	}
	free(buf);
	if (!err && (inputs < (unsigned long)n * PROP_INPUTS / 2 || !offers
		     || !errors))
		TEST_FAIL("runs too short or too tame: %lu inputs, %lu "
			  "events, %lu errors, %lu offers", inputs, events,
			  errors, offers);
	return err;
}

/* Every strategy offered calls somewhere across the seeds. */
static int test_random_centers(void)
{
	unsigned long strategies = 0;
	/* ACD_PROP_SEEDS="FROM N" runs other seeds (long runs by hand) */
	const char *env = getenv("ACD_PROP_SEEDS");
	unsigned long long from = 1, n = PROP_SEEDS;
	int err;

	if (env && sscanf(env, "%llu %llu", &from, &n) != 2)
		TEST_FAIL("ACD_PROP_SEEDS: want \"FROM N\", got \"%s\"", env);
	err = run_seeds(from, (unsigned)n, CHK_ALL, &strategies);
	if (err || env)
		return err;
	for (int s = 0; s < ACD_STRATEGY_COUNT; s++) {
		if (!(strategies & (1ul << s)))
			TEST_FAIL("strategy %s never offered a call",
				  acd_strategy_name((enum acd_strategy)s));
	}
	return 0;
}

/* Same bytes, same engine seed: byte-identical event logs. */
static int test_deterministic(void)
{
	uint8_t *buf = malloc(PROP_BYTES);
	struct drv_opts o = {.max_inputs = PROP_INPUTS, .keep_log = true,
			     .checks = CHK_RETURN};
	int err = 0;

	if (!buf)
		return ENOMEM;
	for (uint64_t seed = 1000; seed < 1010 && !err; seed++) {
		struct drv_result a, b;

		drv_bytes(seed, buf, PROP_BYTES);
		drv_run(buf, PROP_BYTES, &o, &a);
		drv_run(buf, PROP_BYTES, &o, &b);
		if (!a.log || !b.log || a.log_len != b.log_len
		    || memcmp(a.log, b.log, a.log_len) || a.events < 100) {
			fprintf(stderr, "  seed %llu: logs differ (%zu vs %zu "
				"bytes, %lu events)\n",
				(unsigned long long)seed, a.log_len, b.log_len,
				a.events);
			err = EINVAL;
		}
		free(a.log);
		free(b.log);
	}
	free(buf);
	return err;
}

/* ---------------------------------------------------------------------
 * The checker can fail: doctored event streams
 * ------------------------------------------------------------------- */

/* A hand-made center: tenant t0, site s0, queue q0 (longest idle,
 * "lang:fr>=3"), agents a0 (fr=5) and a1 (fr=1), both members. */
static int tiny_world(struct world *w)
{
	struct w_sizes sz = {.tenants = 1, .sites = 1, .positions = 2,
			     .queues = 1, .agents = 2, .langs = 1,
			     .prods = 1, .member_pct = 100};
	int err = world_gen(w, 7, &sz);
	struct w_queue *q = &w->queue[0];

	if (err)
		return err;
	q->skills.n = 1;
	q->skills.skill[0] = 0;
	q->skills.level[0] = 3;
	w_expr_str(&q->skills, q->skills_str, sizeof(q->skills_str));
	q->conf.skills = q->skills_str;
	q->conf.max_wait_ms = 0;
	for (unsigned a = 0; a < 2; a++) {
		memset(w->agent[a].level, 0, sizeof(w->agent[a].level));
		w->agent[a].tenant = 0;
		w->agent[a].level[0] = a == 0 ? 5 : 1;
		snprintf(w->agent[a].skills_str,
			 sizeof(w->agent[a].skills_str), "lang:fr=%d",
			 a == 0 ? 5 : 1);
		w->member[a] = 1;
		w->weight[a] = 1;
	}
	w->pos[0].site = w->pos[1].site = 0;
	return 0;
}

static void fake(struct chk *c, enum acd_event_type type, acd_ms_t t,
		 uint64_t call, const char *agent)
{
	struct acd_event ev = {.type = type, .time = t, .call = call,
			       .tenant = "t0", .agent = agent};

	if (call)
		ev.queue = "q0";
	c->in_input = true;
	chk_event(c, &ev);
}

static void fake_state(struct chk *c, acd_ms_t t, const char *agent,
		       enum acd_agent_state from, enum acd_agent_state to,
		       const char *pos)
{
	struct acd_event ev = {.type = ACD_EV_AGENT_STATE, .time = t,
			       .agent = agent, .state = to, .old_state = from,
			       .position = pos, .site = "s0"};

	c->in_input = true;
	chk_event(c, &ev);
}

/* Logs a0 in at p0 and a1 at p1 (ready), then call 1 arrives at q0. */
static void doctored_start(struct chk *c)
{
	struct drv_input in = {.op = OP_LOGIN, .now = 1000, .agent = 0,
			       .pos = 0, .queue = -1};

	c->in = in;
	fake_state(c, 1000, "a0", ACD_AGENT_LOGGED_OUT, ACD_AGENT_READY, "p0");
	in.agent = 1;
	in.pos = 1;
	c->in = in;
	fake_state(c, 1000, "a1", ACD_AGENT_LOGGED_OUT, ACD_AGENT_READY, "p1");
	in.op = OP_ARRIVE;
	in.agent = -1;
	in.pos = -1;
	in.queue = 0;
	in.now = 2000;
	c->in = in;
	fake(c, ACD_EV_CALL_ENTER, 2000, 1, NULL);
}

static int test_checker_flags_doctored_streams(void)
{
	struct world w;
	struct chk c;
	int err = tiny_world(&w);

	if (err)
		return err;

	/* 0: the honest start is clean */
	err = chk_init(&c, &w, NULL);
	if (err)
		goto out;
	doctored_start(&c);
	fake(&c, ACD_EV_OFFER, 2000, 1, "a0");
	if (c.violations) {
		fprintf(stderr, "  clean stream flagged: %s\n", c.first);
		err = EINVAL;
	}
	chk_reset(&c);

	/* 1: an offer to an agent lacking the skill (a1 has fr=1) */
	if (!err && !(err = chk_init(&c, &w, NULL))) {
		doctored_start(&c);
		fake(&c, ACD_EV_OFFER, 2000, 1, "a1");
		if (!c.violations || !strstr(c.first, "ineligible"))
			err = EINVAL;
		chk_reset(&c);
	}

	/* 2: a duplicate terminal event */
	if (!err && !(err = chk_init(&c, &w, NULL))) {
		doctored_start(&c);
		c.in.op = OP_HANGUP;
		c.in.call = 1;
		c.in.now = 3000;
		struct acd_event ab = {.type = ACD_EV_ABANDON, .time = 3000,
				       .call = 1, .tenant = "t0",
				       .queue = "q0", .wait_ms = 1000};
		chk_event(&c, &ab);
		if (c.violations)
			err = EINVAL;
		chk_event(&c, &ab);
		if (!c.violations || !strstr(c.first, "terminal"))
			err = EINVAL;
		chk_reset(&c);
	}

	/* 3: one agent rung for two calls */
	if (!err && !(err = chk_init(&c, &w, NULL))) {
		doctored_start(&c);
		fake(&c, ACD_EV_OFFER, 2000, 1, "a0");
		c.in.now = 2500;
		fake(&c, ACD_EV_CALL_ENTER, 2500, 2, NULL);
		fake(&c, ACD_EV_OFFER, 2500, 2, "a0");
		if (!c.violations || !strstr(c.first, "while holding"))
			err = EINVAL;
		chk_reset(&c);
	}

	/* 4: FIFO broken: call 2 served while older call 1 waits */
	if (!err && !(err = chk_init(&c, &w, NULL))) {
		doctored_start(&c);
		c.in.now = 2500;
		fake(&c, ACD_EV_CALL_ENTER, 2500, 2, NULL);
		fake(&c, ACD_EV_OFFER, 2500, 2, "a0");
		if (!c.violations || !strstr(c.first, "before waiting call"))
			err = EINVAL;
		chk_reset(&c);
	}

	/* 5: time going backwards */
	if (!err && !(err = chk_init(&c, &w, NULL))) {
		doctored_start(&c);
		fake(&c, ACD_EV_OFFER, 1500, 1, "a0");
		if (!c.violations || !strstr(c.first, "after an event"))
			err = EINVAL;
		chk_reset(&c);
	}

	/* 6: a connect nobody asked for */
	if (!err && !(err = chk_init(&c, &w, NULL))) {
		doctored_start(&c);
		fake(&c, ACD_EV_OFFER, 2000, 1, "a0");
		fake(&c, ACD_EV_CONNECT, 2000, 1, "a0");
		if (!c.violations || !strstr(c.first, "not asked"))
			err = EINVAL;
		chk_reset(&c);
	}
	if (err)
		fprintf(stderr, "  checker missed a doctored event: %s\n",
			c.first[0] ? c.first : "(nothing flagged)");
out:
	world_free(&w);
	return err;
}

/* A real engine whose handler swallows the first offer (and the agent's
 * state event): the checker, comparing its model with the engine's
 * answers, must notice. */
struct swallow {
	struct chk *c;               /* the checker                       */
	bool swallowed;              /* the offer was dropped             */
	bool swallowed_state;        /* and the agent's state event       */
};

static void swallow_h(const struct acd_event *ev, void *arg)
{
	struct swallow *s = arg;

	if (ev->type == ACD_EV_OFFER && !s->swallowed) {
		s->swallowed = true;
		return;
	}
	/* and the agent's move to "offered" that goes with it */
	if (ev->type == ACD_EV_AGENT_STATE
	    && ev->state == ACD_AGENT_OFFERED && !s->swallowed_state) {
		s->swallowed_state = true;
		return;
	}
	chk_event(s->c, ev);
}

static int step(struct chk *c, struct acd *acd, const struct world *w,
		struct drv_input in)
{
	uint64_t call = 0;
	int rc;

	chk_begin(c, &in);
	rc = drv_apply(acd, w, &in, &call);
	chk_end(c, rc, call);
	return rc;
}

/* With only `checks` on, the swallowed offer must still be flagged. */
static int swallowed_offer(unsigned checks, const char *what)
{
	struct world w;
	struct chk c;
	struct acd *acd = NULL;
	struct swallow s = {.c = &c};
	int err = tiny_world(&w);

	if (err)
		return err;
	err = acd_alloc(&acd, 1, swallow_h, &s);
	if (!err)
		err = chk_init(&c, &w, acd);
	if (err)
		goto out;
	err = world_load(&w, acd);
	if (err) {
		fprintf(stderr, "  tiny world refused: %s\n", acd_errmsg(acd));
		goto out2;
	}
	step(&c, acd, &w, (struct drv_input){.op = OP_LOGIN, .now = 1000,
					     .agent = 0, .pos = 0,
					     .queue = -1});
	if (c.agent[0].state == ACD_AGENT_PAUSED)
		step(&c, acd, &w, (struct drv_input){.op = OP_READY,
						     .now = 1000, .agent = 0,
						     .pos = -1, .queue = -1});
	if (c.violations) {
		fprintf(stderr, "  before the swallow: %s\n", c.first);
		err = EINVAL;
		goto out2;
	}
	c.checks = checks;
	step(&c, acd, &w, (struct drv_input){.op = OP_ARRIVE, .now = 2000,
					     .agent = -1, .pos = -1,
					     .queue = 0});
	if (!s.swallowed || !c.violations || !strstr(c.first, what)) {
		fprintf(stderr, "  swallowed %d, violations %u (%s)\n",
			s.swallowed, c.violations, c.first);
		err = EINVAL;
	}
out2:
	chk_reset(&c);
out:
	acd_free(acd);
	world_free(&w);
	return err;
}

/* The model (call waiting, a0 ready) disagrees with the engine (a0
 * offered): the work-conserving check and the info check each see it. */
static int test_checker_flags_swallowed_offer(void)
{
	int err = swallowed_offer(CHK_WORK, "while eligible agent");

	if (!err)
		err = swallowed_offer(CHK_INFO, "acd_agent_info");
	if (!err)
		err = swallowed_offer(CHK_STATS, "acd_queue_stats");
	return err;
}

/* ---------------------------------------------------------------------
 * Engine bugs the random runs found, as minimal hand-written sequences
 * (docs/acd-proof-findings.md): each failed until its fix.
 * ------------------------------------------------------------------- */

/* A center of one tenant, one site, one queue q0 and agents a0..n-1, all
 * members, no skills; the caller adjusts q0 before loading. */
struct scen {
	struct world w;              /* the center                        */
	struct acd *acd;             /* the engine                        */
	struct chk c;                /* the checker                       */
	struct run_h {
		struct chk *c;
	} h;                         /* handler argument                  */
};

static void scen_h(const struct acd_event *ev, void *arg)
{
	struct run_h *h = arg;

	chk_event(h->c, ev);
}

static int scen_open(struct scen *s, unsigned agents)
{
	struct w_sizes sz = {.tenants = 1, .sites = 1, .positions = agents,
			     .queues = 1, .agents = agents, .langs = 1,
			     .prods = 1, .member_pct = 100};
	int err;

	memset(s, 0, sizeof(*s));
	err = world_gen(&s->w, 3, &sz);
	if (err)
		return err;
	s->w.queue[0].skills.n = 0;
	s->w.queue[0].skills_str[0] = '\0';
	for (unsigned a = 0; a < agents; a++) {
		memset(s->w.agent[a].level, 0, sizeof(s->w.agent[a].level));
		s->w.agent[a].skills_str[0] = '\0';
		s->w.agent[a].tenant = -1;
		s->w.member[a] = 1;
		s->w.weight[a] = 1;
	}
	s->h.c = &s->c;
	return 0;
}

/* Loads the (adjusted) center and logs the first n agents in, ready. */
static int scen_start(struct scen *s, unsigned n)
{
	int err = acd_alloc(&s->acd, 1, scen_h, &s->h);

	if (!err)
		err = chk_init(&s->c, &s->w, s->acd);
	if (!err)
		err = world_load(&s->w, s->acd);
	if (err)
		return err;
	s->c.last_now = s->c.clock = 1000;
	for (unsigned a = 0; a < n && a < s->w.n_agents; a++) {
		step(&s->c, s->acd, &s->w,
		     (struct drv_input){.op = OP_LOGIN, .now = 1000,
					.agent = (int)a, .pos = (int)a,
					.queue = -1});
		if (s->c.agent[a].state == ACD_AGENT_PAUSED)
			step(&s->c, s->acd, &s->w,
			     (struct drv_input){.op = OP_READY, .now = 1000,
						.agent = (int)a, .pos = -1,
						.queue = -1});
	}
	return 0;
}

static void scen_arrive(struct scen *s, acd_ms_t now, int prio)
{
	step(&s->c, s->acd, &s->w,
	     (struct drv_input){.op = OP_ARRIVE, .now = now, .agent = -1,
				.pos = -1, .queue = 0, .prio = prio});
}

static void scen_tick(struct scen *s, acd_ms_t now)
{
	step(&s->c, s->acd, &s->w,
	     (struct drv_input){.op = OP_TICK, .now = now, .agent = -1,
				.pos = -1, .queue = -1});
}

static int scen_close(struct scen *s)
{
	int err = 0;

	if (s->c.violations) {
		fprintf(stderr, "  %u violations; first: %s\n",
			s->c.violations, s->c.first);
		err = EINVAL;
	}
	chk_reset(&s->c);
	acd_free(s->acd);
	world_free(&s->w);
	return err;
}

/* Bug 1: a call ringing still counts toward max_len, else the waiting
 * line outgrows max_len when the offer fails. */
static int test_bug_maxlen_counts_ringing(void)
{
	struct scen s;
	struct acd_queue_conf *q;
	int err = scen_open(&s, 1);

	if (err)
		return err;
	q = &s.w.queue[0].conf;
	q->max_len = 1;
	q->ring_timeout_ms = 8000;
	q->max_no_answer = 1;
	q->wrapup_ms = 0;
	err = scen_start(&s, 1);
	if (!err) {
		scen_arrive(&s, 2000, 0);  /* call 1 rings a0              */
		scen_arrive(&s, 3000, 0);  /* call 2: refused (full)        */
		scen_tick(&s, 10000);      /* no answer: a0 paused, call 1
					      back in line                  */
		if (s.c.n_events < 4)
			s.c.violations++;
	}
	return scen_close(&s) ? EINVAL : err;
}

/* Bug 2: widening steps due at the same instant are all applied before
 * routing, so the higher-priority call of two equal waits goes first. */
static int test_bug_same_ms_widen_priority(void)
{
	struct scen s;
	struct w_queue *wq;
	int err = scen_open(&s, 1);

	if (err)
		return err;
	wq = &s.w.queue[0];
	/* q0 needs lang:fr>=2 (a0 has none), widens to "" after 5 s */
	wq->skills.n = 1;
	wq->skills.skill[0] = 0;
	wq->skills.level[0] = 2;
	w_expr_str(&wq->skills, wq->skills_str, sizeof(wq->skills_str));
	wq->conf.skills = wq->skills_str;
	wq->n_widen = 1;
	wq->skill_widen = true;
	memset(&wq->widen[0], 0, sizeof(wq->widen[0]));
	wq->widen[0].after_ms = 5000;
	wq->widen[0].has_skills = true;
	wq->widen[0].add_queue = wq->widen[0].add_site = -1;
	wq->conf.n_widen = 1;
	wq->conf.widen[0].after_ms = 5000;
	wq->conf.widen[0].skills = "";
	wq->conf.widen[0].add_queue = NULL;
	wq->conf.widen[0].add_site = NULL;
	err = scen_start(&s, 1);
	if (!err) {
		scen_arrive(&s, 2000, 0);  /* call 1, prio 0               */
		scen_arrive(&s, 2000, 2);  /* call 2, prio 2, same wait    */
		scen_tick(&s, 7000);       /* both widen at 7000: call 2 */
		if (s.c.agent[0].offer != 2)
			s.c.violations++;
	}
	return scen_close(&s) ? EINVAL : err;
}

/* A linear queue offers an arriving call to its ready member. */
static int test_linear_offers_on_arrival(void)
{
	struct scen s;
	int err = scen_open(&s, 2);

	if (err)
		return err;
	s.w.queue[0].conf.strategy = ACD_STRATEGY_LINEAR;
	err = scen_start(&s, 1);    /* a0 ready, a1 logged out */
	if (!err) {
		scen_arrive(&s, 2000, 0);
		if (s.c.agent[0].offer != 1)
			s.c.violations++;
	}
	return scen_close(&s) ? EINVAL : err;
}

/* max_wait: the call leaves (timeout) exactly max_wait_ms after entry. */
static int test_max_wait_exits_on_time(void)
{
	struct scen s;
	int err = scen_open(&s, 1);

	if (err)
		return err;
	s.w.queue[0].conf.max_wait_ms = 10000;
	err = scen_start(&s, 0);    /* nobody logged in */
	if (!err) {
		scen_arrive(&s, 2000, 0);
		scen_tick(&s, 11999);
		if (s.c.n_call < 2 || s.c.call[1].ended)
			s.c.violations++;
		scen_tick(&s, 12000);
		if (s.c.n_call < 2 || !s.c.call[1].ended)
			s.c.violations++;
	}
	return scen_close(&s) ? EINVAL : err;
}

/* ---------------------------------------------------------------------
 * Configuration errors named by the contract
 * ------------------------------------------------------------------- */

static void nop_h(const struct acd_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

static int test_config_errors(void)
{
	struct acd *acd = NULL;
	struct acd_queue_conf qc;
	struct acd_agent_conf ac = {.id = "a0", .tenant = "t0",
				    .skills = "lang:fr=5"};
	int err = acd_alloc(&acd, 1, nop_h, NULL);

	if (err)
		return err;
	acd_queue_conf_init(&qc);
	qc.id = "q0";
	qc.tenant = "t0";
	if (acd_tenant_add(acd, "t0") || acd_site_add(acd, "s0")
	    || acd_position_add(acd, "p0", "s0"))
		TEST_FAIL("setup: %s", acd_errmsg(acd));
	err = EINVAL;
	if (acd_tenant_add(acd, "t0") != EEXIST)
		goto fail;
	if (acd_position_add(acd, "p1", "nowhere") != ENOENT)
		goto fail;
	qc.tenant = "nobody";
	if (acd_queue_add(acd, &qc) != ENOENT)
		goto fail;
	qc.tenant = "t0";
	qc.skills = "lang:fr>=";
	if (acd_queue_add(acd, &qc) != EINVAL)
		goto fail;
	qc.skills = "lang:fr>=3";
	if (acd_queue_add(acd, &qc) || acd_queue_add(acd, &qc) != EEXIST)
		goto fail;
	ac.skills = "lang:fr=9";
	if (acd_agent_add(acd, &ac) != EINVAL)
		goto fail;
	ac.skills = "lang:fr=5";
	if (acd_agent_add(acd, &ac) || acd_agent_add(acd, &ac) != EEXIST)
		goto fail;
	if (acd_member_add(acd, "q0", "a0", 0) != EINVAL
	    || acd_member_add(acd, "q0", "a0", 1001) != EINVAL
	    || acd_member_add(acd, "q9", "a0", 1) != ENOENT
	    || acd_member_add(acd, "q0", "a9", 1) != ENOENT
	    || acd_member_add(acd, "q0", "a0", 1)
	    || acd_member_add(acd, "q0", "a0", 1) != EEXIST
	    || acd_member_remove(acd, "q0", "a0")
	    || acd_member_remove(acd, "q0", "a0") != ENOENT)
		goto fail;
	err = 0;
fail:
	if (err)
		fprintf(stderr, "  unexpected result; errmsg: %s\n",
			acd_errmsg(acd));
	acd_free(acd);
	return err;
}

const struct test tests_acd_props[] = {
	{"config_errors", test_config_errors},
	{"checker_flags_doctored_streams",
	 test_checker_flags_doctored_streams},
	{"checker_flags_swallowed_offer", test_checker_flags_swallowed_offer},
	{"deterministic", test_deterministic},
	{"random_centers", test_random_centers},
	{"bug_maxlen_counts_ringing", test_bug_maxlen_counts_ringing},
	{"bug_same_ms_widen_priority", test_bug_same_ms_widen_priority},
	{"linear_offers_on_arrival", test_linear_offers_on_arrival},
	{"max_wait_exits_on_time", test_max_wait_exits_on_time},
	{NULL, NULL}
};
