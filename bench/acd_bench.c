/* acd_bench.c — routing-decision latency of the engine (src/acd) from 100
 * to 10,000 agents with a backlog of waiting calls, against a naive
 * scan-everything router measured in the same run.
 *
 * Each point: a generated center (tests/unit/acd_driver.h) of N agents,
 * 100 queues, skills from 5 languages x 10 products; every agent logged
 * in; calls arrive until `waiting` of them wait. Then a bounded loop of
 * rounds: a connected call ends (hangup), its agent becomes ready (the
 * "ready" decision: the engine picks a waiting call), the offer is
 * accepted, and a new call arrives (the "arrive" decision). Every acd_*
 * call is timed alone with clock_gettime; medians and p99 are printed.
 *
 * The reference runs the same kind of rounds through a router written
 * here the obvious way: an arrival scans every agent, a ready agent scans
 * every waiting call.
 *
 * Usage: acd_bench [--quick] [--agents N[,N...]] [--waiting N]
 *        [--rounds N] [--seconds S]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../tests/unit/acd_driver.h"

/* =====================================================================
 * Timing
 * =================================================================== */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Latency samples, ns. */
struct samples {
	double *v;                   /* values                            */
	size_t n;                    /* used                              */
	size_t cap;                  /* allocated                         */
};

static void sample_add(struct samples *s, double ns)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4096;
		double *p = realloc(s->v, cap * sizeof(*p));

		if (!p)
			return;
		s->v = p;
		s->cap = cap;
	}
	s->v[s->n++] = ns;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile in µs (0 if empty). */
static double quantile_us(struct samples *s, double q)
{
	size_t i;

	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	i = (size_t)(q * (double)(s->n - 1) + 0.5);
	return s->v[i] / 1000.0;
}

/* A queue index, uniform over the 100 queues. */
static unsigned rnd_q(uint64_t *st)
{
	return (unsigned)(drv_rand(st) % 100);
}

/* =====================================================================
 * The engine side
 * =================================================================== */

struct eng {
	struct acd *acd;             /* the engine                        */
	const struct world *w;       /* its center                        */
	uint64_t *offer_call;        /* [agent] call offered, or 0        */
	uint64_t *conn_call;         /* [agent] connected call, or 0      */
	unsigned *offered;           /* agents with a fresh offer         */
	size_t n_offered;            /* used                              */
	unsigned long events;        /* events seen                       */
};

static int agent_ix(const struct eng *e, const char *id)
{
	unsigned long v;

	if (!id || id[0] != 'a')
		return -1;
	v = strtoul(id + 1, NULL, 10);
	return v < e->w->n_agents ? (int)v : -1;
}

static void eng_h(const struct acd_event *ev, void *arg)
{
	struct eng *e = arg;
	int a;

	e->events++;
	if (ev->type != ACD_EV_OFFER)
		return;
	a = agent_ix(e, ev->agent);
	if (a < 0)
		return;
	e->offer_call[a] = ev->call;
	e->offered[e->n_offered++] = (unsigned)a;
}

/* Accepts every fresh offer; returns how many connected. */
static unsigned accept_all(struct eng *e, acd_ms_t now)
{
	unsigned n = 0;

	while (e->n_offered) {
		unsigned a = e->offered[--e->n_offered];
		uint64_t call = e->offer_call[a];

		if (!call)
			continue;
		e->offer_call[a] = 0;
		if (!acd_offer_accept(e->acd, now, call, e->w->agent[a].id)) {
			e->conn_call[a] = call;
			n++;
		}
	}
	return n;
}

/* =====================================================================
 * The naive reference router
 * =================================================================== */

struct naive {
	const struct world *w;       /* the center                        */
	uint8_t *busy;               /* [agent] on a call                 */
	acd_ms_t *idle_since;        /* [agent] ready since, ms           */
	unsigned *call_queue;        /* [call] queue of a waiting call    */
	uint8_t *call_waiting;       /* [call] still waiting              */
	acd_ms_t *call_enter;        /* [call] entry time                 */
	size_t n_calls;              /* calls so far                      */
	size_t cap;                  /* allocated                         */
};

static bool naive_eligible(const struct world *w, unsigned q, unsigned a)
{
	const struct w_agent *ag = &w->agent[a];

	if (!w->member[(size_t)q * w->n_agents + a])
		return false;
	if (ag->tenant >= 0 && (unsigned)ag->tenant != w->queue[q].tenant)
		return false;
	return w_expr_ok(&w->queue[q].skills, ag);
}

/* Arrival: scan every agent for the longest-idle eligible ready one. */
static int naive_arrive(struct naive *n, unsigned q, acd_ms_t now)
{
	int best = -1;

	for (unsigned a = 0; a < n->w->n_agents; a++) {
		if (n->busy[a] || !naive_eligible(n->w, q, a))
			continue;
		if (best < 0 || n->idle_since[a] < n->idle_since[best])
			best = (int)a;
	}
	if (best >= 0) {
		n->busy[best] = 1;
		return best;
	}
	if (n->n_calls == n->cap)
		return -1;
	n->call_queue[n->n_calls] = q;
	n->call_enter[n->n_calls] = now;
	n->call_waiting[n->n_calls] = 1;
	n->n_calls++;
	return -1;
}

/* Ready: scan every waiting call for the oldest one the agent may take. */
static long naive_ready(struct naive *n, unsigned a, acd_ms_t now)
{
	long best = -1;

	for (size_t c = 0; c < n->n_calls; c++) {
		if (!n->call_waiting[c]
		    || !naive_eligible(n->w, n->call_queue[c], a))
			continue;
		if (best < 0 || n->call_enter[c] < n->call_enter[best])
			best = (long)c;
	}
	if (best >= 0) {
		n->call_waiting[best] = 0;
		n->busy[a] = 1;
	}
	else {
		n->busy[a] = 0;
		n->idle_since[a] = now;
	}
	return best;
}

/* =====================================================================
 * One point of the curve
 * =================================================================== */

struct point {
	unsigned agents;             /* agents in the center              */
	unsigned waiting;            /* calls waiting when measured       */
	double arr_med, arr_p99;     /* engine arrive latency, µs         */
	double rdy_med, rdy_p99;     /* engine ready latency, µs          */
	double ev_per_s;             /* events per second of engine time  */
	double free_med, free_p99;   /* engine arrive, agents free, µs    */
	size_t free_n;               /* such arrivals measured            */
	double n_free_med, n_free_p99; /* naive arrive, agents free, µs   */
	double n_arr_med, n_arr_p99; /* naive arrive latency, µs          */
	double n_rdy_med, n_rdy_p99; /* naive ready latency, µs           */
	unsigned long rounds;        /* engine rounds measured            */
	unsigned long ready_offers;  /* ready decisions that offered      */
	unsigned long arrive_offers; /* arrivals offered at once          */
	unsigned long bad;           /* measured inputs that failed       */
	unsigned long n_rounds;      /* naive rounds measured             */
};

struct params {
	unsigned waiting;            /* backlog of waiting calls          */
	unsigned long rounds;        /* rounds per point, at most         */
	double seconds;              /* and at most this long, s          */
	double fill_seconds;         /* building the backlog at most, s   */
};

static void center(struct world *w, unsigned agents)
{
	struct w_sizes sz = {
		.tenants = 4, .sites = 4, .positions = agents, .queues = 100,
		.agents = agents, .langs = W_NLANG, .prods = W_NPROD,
		/* each agent in about 4 queues */
		.member_pct = 4, .varied = false,
	};

	if (world_gen(w, 0xacdbe4c4ULL + agents, &sz)) {
		fprintf(stderr, "acd_bench: cannot generate a center\n");
		exit(1);
	}
	/* a long wrap-up: a hangup leaves the agent in wrap-up, and the
	 * measured acd_agent_ready (which ends it) makes the decision */
	for (unsigned q = 0; q < w->n_queues; q++)
		w->queue[q].conf.wrapup_ms = 3600000;
}

static int run_engine(const struct params *pr, struct point *pt)
{
	struct world w;
	struct eng e = {0};
	struct samples arr = {0}, rdy = {0}, arr_free = {0};
	uint64_t st = 12345;
	acd_ms_t now = 1000;
	unsigned long waiting = 0, ev0;
	double t0, busy_ns = 0, deadline;
	unsigned *conn_list;
	size_t n_conn = 0;
	int err;

	center(&w, pt->agents);
	e.w = &w;
	e.offer_call = calloc(w.n_agents, sizeof(*e.offer_call));
	e.conn_call = calloc(w.n_agents, sizeof(*e.conn_call));
	e.offered = calloc(w.n_agents * 2 + 16, sizeof(*e.offered));
	conn_list = calloc(w.n_agents, sizeof(*conn_list));
	err = acd_alloc(&e.acd, 1, eng_h, &e);
	if (!err)
		err = world_load(&w, e.acd);
	if (err) {
		fprintf(stderr, "acd_bench: engine setup: %s (%s)\n",
			strerror(err), e.acd ? acd_errmsg(e.acd) : "");
		goto out;
	}
	for (unsigned a = 0; a < w.n_agents; a++) {
		struct acd_agent_info ai;

		acd_agent_login(e.acd, now, w.agent[a].id, w.pos[a].id);
		if (!acd_agent_info(e.acd, w.agent[a].id, &ai)
		    && ai.state == ACD_AGENT_PAUSED)
			acd_agent_ready(e.acd, now, w.agent[a].id);
	}
	/* the backlog, bounded in time too */
	deadline = now_ns() + pr->fill_seconds * 1e9;
	while (waiting < pr->waiting && now_ns() < deadline) {
		uint64_t call;
		double t1;
		int rc;

		now++;
		t0 = now_ns();
		rc = acd_call_arrive(e.acd, now, w.queue[rnd_q(&st)].id, NULL,
				     &call);
		t1 = now_ns();
		if (rc)
			break;
		/* while agents are free, arrivals are offered at once:
		 * that decision is measured too */
		if (e.n_offered)
			sample_add(&arr_free, t1 - t0);
		waiting++;
		waiting -= accept_all(&e, now);
	}
	pt->free_med = quantile_us(&arr_free, 0.5);
	pt->free_p99 = quantile_us(&arr_free, 0.99);
	pt->free_n = arr_free.n;
	for (unsigned a = 0; a < w.n_agents; a++) {
		if (e.conn_call[a])
			conn_list[n_conn++] = a;
	}
	/* the engine's own count of waiting calls */
	pt->waiting = 0;
	for (unsigned q = 0; q < w.n_queues; q++) {
		struct acd_queue_stats qs;

		if (!acd_queue_stats(e.acd, w.queue[q].id, &qs))
			pt->waiting += qs.waiting;
	}

	/* measured rounds */
	ev0 = e.events;
	deadline = now_ns() + pr->seconds * 1e9;
	for (pt->rounds = 0; pt->rounds < pr->rounds && now_ns() < deadline;
	     pt->rounds++) {
		uint64_t call;
		double t1;

		now++;
		if (n_conn) {
			size_t k = drv_rand(&st) % n_conn;
			unsigned a = conn_list[k];

			conn_list[k] = conn_list[--n_conn];
			t0 = now_ns();
			acd_call_hangup(e.acd, now, e.conn_call[a],
					ACD_PARTY_CALLER);
			t1 = now_ns();
			busy_ns += t1 - t0;
			e.conn_call[a] = 0;
			t0 = now_ns();
			if (acd_agent_ready(e.acd, now, w.agent[a].id))
				pt->bad++;
			t1 = now_ns();
			sample_add(&rdy, t1 - t0);
			busy_ns += t1 - t0;
			if (e.n_offered)
				pt->ready_offers++;
			while (e.n_offered) {
				unsigned b = e.offered[e.n_offered - 1];

				t0 = now_ns();
				accept_all(&e, now);
				busy_ns += now_ns() - t0;
				if (e.conn_call[b])
					conn_list[n_conn++] = b;
			}
		}
		t0 = now_ns();
		if (acd_call_arrive(e.acd, now, w.queue[rnd_q(&st)].id, NULL,
				    &call))
			pt->bad++;
		t1 = now_ns();
		sample_add(&arr, t1 - t0);
		busy_ns += t1 - t0;
		if (e.n_offered)
			pt->arrive_offers++;
		while (e.n_offered) {
			unsigned a = e.offered[e.n_offered - 1];

			t0 = now_ns();
			accept_all(&e, now);
			busy_ns += now_ns() - t0;
			if (e.conn_call[a])
				conn_list[n_conn++] = a;
		}
	}
	pt->arr_med = quantile_us(&arr, 0.5);
	pt->arr_p99 = quantile_us(&arr, 0.99);
	pt->rdy_med = quantile_us(&rdy, 0.5);
	pt->rdy_p99 = quantile_us(&rdy, 0.99);
	pt->ev_per_s = busy_ns > 0 ? (double)(e.events - ev0) / busy_ns * 1e9
				   : 0;
out:
	acd_free(e.acd);
	free(e.offer_call);
	free(e.conn_call);
	free(e.offered);
	free(conn_list);
	free(arr.v);
	free(rdy.v);
	free(arr_free.v);
	world_free(&w);
	return err;
}

static void run_naive(const struct params *pr, struct point *pt)
{
	struct world w;
	struct naive n = {0};
	struct samples arr = {0}, rdy = {0}, arr_free = {0};
	uint64_t st = 12345;
	acd_ms_t now = 1000;
	unsigned *conn_list;
	size_t n_conn = 0;
	double deadline;

	center(&w, pt->agents);
	n.w = &w;
	n.cap = pr->waiting + pr->rounds + 16;
	n.busy = calloc(w.n_agents, 1);
	n.idle_since = calloc(w.n_agents, sizeof(*n.idle_since));
	n.call_queue = calloc(n.cap, sizeof(*n.call_queue));
	n.call_waiting = calloc(n.cap, 1);
	n.call_enter = calloc(n.cap, sizeof(*n.call_enter));
	conn_list = calloc(w.n_agents, sizeof(*conn_list));
	if (!n.busy || !n.idle_since || !n.call_queue || !n.call_waiting
	    || !n.call_enter || !conn_list)
		goto out;
	deadline = now_ns() + pr->fill_seconds * 1e9;
	for (unsigned long k = 0; k < pr->waiting + w.n_agents && k < n.cap
	     && now_ns() < deadline; k++) {
		int a;

		double t0;

		now++;
		t0 = now_ns();
		a = naive_arrive(&n, rnd_q(&st), now);
		if (a >= 0) {
			sample_add(&arr_free, now_ns() - t0);
			conn_list[n_conn++] = (unsigned)a;
		}
		if (n.n_calls >= pr->waiting)
			break;
	}
	pt->n_free_med = quantile_us(&arr_free, 0.5);
	pt->n_free_p99 = quantile_us(&arr_free, 0.99);
	/* fewer rounds: each one scans everything */
	deadline = now_ns() + pr->seconds * 1e9;
	for (pt->n_rounds = 0; pt->n_rounds < pr->rounds / 10
	     && now_ns() < deadline; pt->n_rounds++) {
		double t0;
		int a;

		now++;
		if (n_conn) {
			size_t k = drv_rand(&st) % n_conn;
			unsigned ag = conn_list[k];

			conn_list[k] = conn_list[--n_conn];
			t0 = now_ns();
			if (naive_ready(&n, ag, now) >= 0)
				conn_list[n_conn++] = ag;
			sample_add(&rdy, now_ns() - t0);
		}
		t0 = now_ns();
		a = naive_arrive(&n, rnd_q(&st), now);
		sample_add(&arr, now_ns() - t0);
		if (a >= 0)
			conn_list[n_conn++] = (unsigned)a;
	}
	pt->n_arr_med = quantile_us(&arr, 0.5);
	pt->n_arr_p99 = quantile_us(&arr, 0.99);
	pt->n_rdy_med = quantile_us(&rdy, 0.5);
	pt->n_rdy_p99 = quantile_us(&rdy, 0.99);
out:
	free(n.busy);
	free(n.idle_since);
	free(n.call_queue);
	free(n.call_waiting);
	free(n.call_enter);
	free(conn_list);
	free(arr.v);
	free(rdy.v);
	free(arr_free.v);
	world_free(&w);
}

/* =====================================================================
 * Main
 * =================================================================== */

static int usage(const char *arg)
{
	fprintf(stderr, "acd_bench: bad argument %s (usage: acd_bench "
		"[--quick] [--agents N,N...] [--waiting N] [--rounds N] "
		"[--seconds S])\n", arg);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned agents[8] = {100, 300, 1000, 3000, 10000};
	size_t n_agents = 5;
	struct params pr = {.waiting = 50000, .rounds = 20000,
			    .seconds = 3.0, .fill_seconds = 10.0};
	struct point pts[8];
	char *end;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			pr.waiting = 5000;
			pr.rounds = 2000;
			pr.seconds = 0.5;
			pr.fill_seconds = 2.0;
		}
		else if (!strcmp(argv[i], "--agents") && i + 1 < argc) {
			char *p = argv[++i];

			n_agents = 0;
			while (*p && n_agents < 8) {
				unsigned long v = strtoul(p, &end, 10);

				if (end == p || v < 1 || v > 100000)
					return usage(argv[i]);
				agents[n_agents++] = (unsigned)v;
				p = *end == ',' ? end + 1 : end;
				if (*end && *end != ',')
					return usage(argv[i]);
			}
		}
		else if (!strcmp(argv[i], "--waiting") && i + 1 < argc) {
			pr.waiting = (unsigned)strtoul(argv[++i], &end, 10);
			if (*end || pr.waiting > 1000000)
				return usage(argv[i]);
		}
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			pr.rounds = strtoul(argv[++i], &end, 10);
			if (*end || !pr.rounds)
				return usage(argv[i]);
		}
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			pr.seconds = strtod(argv[++i], &end);
			if (*end || pr.seconds <= 0 || pr.seconds > 600)
				return usage(argv[i]);
		}
		else {
			return usage(argv[i]);
		}
	}
	printf("acd routing decisions: 100 queues, 5 languages x 10 products,"
	       " %u calls waiting (built in %.0f s at most), %lu rounds or "
	       "%.1f s per point\n", pr.waiting, pr.fill_seconds, pr.rounds,
	       pr.seconds);
	printf("%7s %8s | %9s %9s %5s %9s %9s %5s %11s | %9s %9s %9s %9s | "
	       "%7s %7s\n", "agents", "waiting", "arr.med", "arr.p99",
	       "arr%", "rdy.med", "rdy.p99", "rdy%", "events/s", "nv.arr.md",
	       "nv.arr.99", "nv.rdy.md", "nv.rdy.99", "x.arr99", "x.rdy99");
	for (size_t i = 0; i < n_agents; i++) {
		struct point *pt = &pts[i];

		memset(pt, 0, sizeof(*pt));
		pt->agents = agents[i];
		if (run_engine(&pr, pt))
			return 1;
		run_naive(&pr, pt);
		if (pt->bad)
			fprintf(stderr, "acd_bench: %lu measured inputs "
				"failed\n", pt->bad);
		printf("%7u %8u | %9.2f %9.2f %5.0f %9.2f %9.2f %5.0f %11.0f "
		       "| %9.2f %9.2f %9.2f %9.2f | %7.1f %7.1f\n",
		       pt->agents, pt->waiting, pt->arr_med, pt->arr_p99,
		       pt->rounds ? 100.0 * (double)pt->arrive_offers
					    / (double)pt->rounds : 0,
		       pt->rdy_med, pt->rdy_p99,
		       pt->rounds ? 100.0 * (double)pt->ready_offers
					    / (double)pt->rounds : 0,
		       pt->ev_per_s, pt->n_arr_med, pt->n_arr_p99,
		       pt->n_rdy_med, pt->n_rdy_p99,
		       pt->arr_p99 > 0 ? pt->n_arr_p99 / pt->arr_p99 : 0,
		       pt->rdy_p99 > 0 ? pt->n_rdy_p99 / pt->rdy_p99 : 0);
		fflush(stdout);
	}
	printf("\narrivals offered at once (agents free, while the backlog "
	       "builds)\n%7s %8s | %9s %9s | %9s %9s | %7s\n", "agents",
	       "samples", "arr.med", "arr.p99", "nv.arr.md", "nv.arr.99",
	       "x.arr99");
	for (size_t i = 0; i < n_agents; i++) {
		const struct point *pt = &pts[i];

		printf("%7u %8zu | %9.2f %9.2f | %9.2f %9.2f | %7.1f\n",
		       pt->agents, pt->free_n, pt->free_med, pt->free_p99,
		       pt->n_free_med, pt->n_free_p99,
		       pt->free_p99 > 0 ? pt->n_free_p99 / pt->free_p99 : 0);
	}
	if (n_agents > 1) {
		const struct point *a = &pts[0], *b = &pts[n_agents - 1];
		double fa = a->arr_p99 > 0 ? b->arr_p99 / a->arr_p99 : 0;
		double fr = a->rdy_p99 > 0 ? b->rdy_p99 / a->rdy_p99 : 0;

		printf("p99 growth %u -> %u agents: arrive x%.2f, ready x%.2f "
		       "(goal: p99 < 5 us, growth <= x2)\n", a->agents,
		       b->agents, fa, fr);
	}
	printf("engine units: us per acd_* call (median, p99); arr%%/rdy%%: "
	       "decisions that offered a call; x.*: naive p99 / engine "
	       "p99\n");
	return 0;
}
