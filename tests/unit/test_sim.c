/* test_sim.c — the simulator: reproducible, and on one queue it agrees
 * with Erlang C and Erlang A (src/wfm) within a stated confidence
 * interval; a whole demo center runs. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <re.h>
#include "config/center.h"
#include "config/traffic.h"
#include "sim/full.h"
#include "sim/quick.h"
#include "store/store.h"
#include "wfm/wfm.h"
#include "test.h"

static int test_rng(void)
{
	struct sim_rng a, b;
	double sum = 0, sum_e = 0;
	int n = 200000;

	sim_rng_seed(&a, 42);
	sim_rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		TEST_EQ(sim_rng_next(&a), sim_rng_next(&b));
	sim_rng_seed(&b, 43);
	TEST_ASSERT(sim_rng_next(&a) != sim_rng_next(&b));
	for (int i = 0; i < n; i++) {
		double u = sim_rng_uniform(&a);
		TEST_ASSERT(u > 0 && u < 1);
		sum += u;
		sum_e += sim_rng_exp(&a, 3.0);
	}
	/* means within 5 standard errors */
	TEST_NEAR(sum / n, 0.5, 5 * sqrt(1.0 / 12 / n));
	TEST_NEAR(sum_e / n, 3.0, 5 * 3.0 / sqrt(n));
	sum = 0;
	for (int i = 0; i < n; i++)
		sum += sim_rng_lognormal(&a, 180, 0.8);
	TEST_NEAR(sum / n, 180, 5 * 180 * 0.8 / sqrt(n));
	return 0;
}

static struct sim_quick base(uint64_t seed, double hours, double patience)
{
	struct sim_quick q;

	memset(&q, 0, sizeof(q));
	q.agents = 14;
	q.calls = 100;
	q.interval_s = 1800;
	q.aht_s = 180;
	q.target_s = 20;
	q.patience_s = patience;
	q.hours = hours;
	q.seed = seed;
	return q;
}

static int test_deterministic(void)
{
	struct sim_quick q = base(7, 50, 120);
	struct kpi_figures a, b, c;
	struct sim_stats sa, sb;

	TEST_EQ(sim_quick_run(&q, &a, &sa, NULL, NULL, NULL, 0), 0);
	TEST_EQ(sim_quick_run(&q, &b, &sb, NULL, NULL, NULL, 0), 0);
	TEST_ASSERT(!memcmp(&a, &b, sizeof(a)));
	TEST_EQ(sa.events, sb.events);
	TEST_ASSERT(a.offered > 9000 && a.abandoned > 0);
	q.seed = 8;
	TEST_EQ(sim_quick_run(&q, &c, NULL, NULL, NULL, NULL, 0), 0);
	TEST_ASSERT(c.offered != a.offered || c.asa_s != a.asa_s);
	q.agents = 0;
	TEST_EQ(sim_quick_run(&q, &c, NULL, NULL, NULL, NULL, 0), EINVAL);
	return 0;
}

/*
 * R independent replications of H hours each; for each figure the
 * replications' mean m and standard deviation s give the 99.9 %
 * confidence interval m ± t·s/√R (t = 4.781, Student, R − 1 = 9 degrees
 * of freedom). The theory must lie inside it, and the interval must be
 * narrow enough to mean something.
 */
#define R 10
#define H 200.0
#define T999 4.781

struct ci {
	double sum, sum2;
};

static void ci_add(struct ci *c, double v)
{
	c->sum += v;
	c->sum2 += v * v;
}

static int ci_check(const struct ci *c, double theory, double max_half,
		    const char *what)
{
	double m = c->sum / R;
	double var = (c->sum2 - R * m * m) / (R - 1);
	double half = T999 * sqrt(var > 0 ? var : 0) / sqrt(R);

	if (half > max_half)
		TEST_FAIL("%s: interval ±%g wider than %g", what, half,
			  max_half);
	if (fabs(m - theory) > half)
		TEST_FAIL("%s: simulated %g ± %g, theory %g", what, m, half,
			  theory);
	return 0;
}

static int against_erlang(enum wfm_model model, double patience)
{
	struct wfm_traffic tr = {10.0, 180, 20, patience};
	struct wfm_eval th;
	struct ci sl = {0}, asa = {0}, pw = {0}, pab = {0}, occ = {0};
	int err;

	TEST_EQ(wfm_eval(model, &tr, 14, &th), 0);
	for (unsigned r = 0; r < R; r++) {
		struct sim_quick q = base(1000 + r, H, patience);
		struct kpi_figures f;

		TEST_EQ(sim_quick_run(&q, &f, NULL, NULL, NULL, NULL, 0), 0);
		ci_add(&sl, f.service_level);
		ci_add(&asa, f.asa_s);
		ci_add(&pw, f.p_wait);
		ci_add(&pab, f.p_abandon);
		ci_add(&occ, f.occupancy);
	}
	err = ci_check(&sl, th.service_level, 0.02, "service level");
	if (!err)
		err = ci_check(&asa, model == WFM_ERLANG_A ?
			       th.asa_answered_s : th.asa_s, 2.5, "ASA");
	if (!err)
		err = ci_check(&pw, th.p_wait, 0.02, "p_wait");
	if (!err && model == WFM_ERLANG_A)
		err = ci_check(&pab, th.p_abandon, 0.01, "p_abandon");
	if (!err)
		err = ci_check(&occ, th.occupancy, 0.01, "occupancy");
	return err;
}

static int test_erlang_c(void)
{
	return against_erlang(WFM_ERLANG_C, 0);
}

static int test_erlang_a(void)
{
	return against_erlang(WFM_ERLANG_A, 120);
}

static int read_file(const char *path, char **bufp, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return errno;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*bufp = malloc((size_t)n + 1);
	if (!*bufp || fread(*bufp, 1, (size_t)n, f) != (size_t)n) {
		free(*bufp);
		fclose(f);
		return EIO;
	}
	fclose(f);
	*lenp = (size_t)n;
	return 0;
}

/* One day of the demo center: every queue gets traffic, both tenants and
 * the three sites show up, and the same seed gives the same figures. */
static int test_demo_day(void)
{
	static const struct center_opts fast = {10};
	struct center *c = NULL;
	struct traffic *t = NULL;
	struct kpi *k1 = NULL, *k2 = NULL;
	struct kpi_figures f1, f2;
	struct sim_stats st;
	char *buf = NULL, err[512] = "";
	size_t len = 0;
	int e;

	TEST_EQ(read_file("examples/demo.json", &buf, &len), 0);
	e = center_parse(buf, len, "demo.json", &fast, &c, err, sizeof(err));
	free(buf);
	if (!e)
		e = traffic_load("examples/demo-traffic.csv", c, &t, err,
				 sizeof(err));
	if (!e)
		e = sim_center_run(c, t, 1, 5, 4, NULL, NULL, NULL, &k1, &st, err,
				   sizeof(err));
	if (!e)
		e = sim_center_run(c, t, 1, 5, 4, NULL, NULL, NULL, &k2, NULL, err,
				   sizeof(err));
	traffic_free(t);
	mem_deref(c);
	if (e) {
		kpi_free(k1);
		TEST_FAIL("%s (%d)", err, e);
	}
	kpi_figures(kpi_total(k1), &f1);
	kpi_figures(kpi_total(k2), &f2);
	e = memcmp(&f1, &f2, sizeof(f1)) ? EINVAL : 0;
	if (!e && (f1.offered < 1000 || f1.answered < f1.offered / 2 ||
		   kpi_count(k1, KPI_QUEUE) != 8 ||
		   kpi_count(k1, KPI_TENANT) != 2 ||
		   kpi_count(k1, KPI_SITE) != 3 ||
		   !(f1.occupancy > 0.2 && f1.occupancy < 1)))
		e = EINVAL;
	kpi_free(k1);
	kpi_free(k2);
	if (e)
		TEST_FAIL("demo day: offered %llu answered %llu occupancy %g",
			  (unsigned long long)f1.offered,
			  (unsigned long long)f1.answered, f1.occupancy);
	return 0;
}

/* A day of the week without calls is a closed day: nobody logs in. Two
 * agents, traffic on Mondays only, two days simulated: the agents' time
 * logged in is one day of shifts, not two. */
static int test_closed_day(void)
{
	static const char center[] =
		"{\"name\": \"c\", \"tenants\": [{\"id\": \"t\"}], "
		"\"sites\": [{\"id\": \"s\"}], \"positions\": ["
		"{\"id\": \"p1\", \"site\": \"s\", \"sip_password\": \"x\"}, "
		"{\"id\": \"p2\", \"site\": \"s\", \"sip_password\": \"x\"}], "
		"\"pause_reasons\": [{\"id\": \"break\"}, "
		"{\"id\": \"lunch\"}], "
		"\"queues\": [{\"id\": \"q\", \"tenant\": \"t\"}], "
		"\"agents\": [{\"id\": \"a1\", \"queues\": [\"q\"]}, "
		"{\"id\": \"a2\", \"queues\": [\"q\"]}]}";
	static const char csv[] = "day,time,minutes,queue,calls,aht_s\n"
		"mon,09:00,60,q,20,120\ntue,09:00,60,q,0,120\n";
	static const struct center_opts fast = {1};
	struct center *c = NULL;
	struct traffic *t = NULL;
	struct kpi *k = NULL;
	char err[512] = "";
	double day_ms = 2.0 * SIM_SHIFT_H * 3600000.0, logged;
	int e;

	e = center_parse(center, sizeof(center) - 1, "c.json", &fast, &c,
			 err, sizeof(err));
	if (!e)
		e = traffic_parse(csv, sizeof(csv) - 1, "t.csv", c, &t, err,
				  sizeof(err));
	if (!e)
		e = sim_center_run(c, t, 2, 1, 4, NULL, NULL, NULL, &k, NULL, err,
				   sizeof(err));
	traffic_free(t);
	mem_deref(c);
	if (e)
		TEST_FAIL("%s (%d)", err, e);
	logged = kpi_total(k)->logged_ms;
	kpi_free(k);
	if (!(logged >= day_ms && logged < 1.05 * day_ms))
		TEST_FAIL("logged in %.0f ms, one day of shifts is %.0f ms",
			  logged, day_ms);
	return 0;
}

/* What Erlang says the traffic needs: rows of one queue and interval
 * add up (2 x 50 calls = 5 Erlangs, Erlang C, 80/20: 8 agents), a row
 * with a patience makes it Erlang A (7 agents), overlapping queues add
 * at the peak, and the open time is the union of the intervals. */
static int test_needs(void)
{
	static const char center[] =
		"{\"name\": \"c\", \"tenants\": [{\"id\": \"t\"}], "
		"\"queues\": [{\"id\": \"q\", \"tenant\": \"t\", "
		"\"wrapup_s\": 0}, {\"id\": \"r\", \"tenant\": \"t\", "
		"\"wrapup_s\": 0}]}";
	static const char csv[] =
		"day,time,minutes,queue,calls,aht_s,patience_s\n"
		"mon,09:00,60,q,50,180,\nmon,09:00,60,q,50,180,\n"
		"mon,09:30,60,r,100,180,120\ntue,09:00,60,q,9,180,\n";
	struct center *c = NULL;
	struct traffic *t = NULL;
	struct sim_needs nd = {0};
	char err[512] = "";
	int e;

	e = center_parse(center, sizeof(center) - 1, "c.json", NULL, &c,
			 err, sizeof(err));
	if (!e)
		e = traffic_parse(csv, sizeof(csv) - 1, "t.csv", c, &t, err,
				  sizeof(err));
	if (!e)
		e = sim_center_needs(c, t, 1, &nd, err, sizeof(err));
	traffic_free(t);
	if (e) {
		mem_deref(c);
		TEST_FAIL("%s (%d)", err, e);
	}
	/* nd's queue ids are the center's: checked before it is freed */
	e = EINVAL;
	if (nd.n == 2 && !strcmp(nd.q[0].queue, "q") && !nd.q[0].erlang_a &&
	    nd.q[0].peak == 8 && nd.q[0].open_ms == 3600000.0 &&
	    fabs(nd.q[0].load_ms / nd.q[0].open_ms - 5) < 1e-9 &&
	    nd.q[0].need_ms == 8 * 3600000.0 && nd.q[1].erlang_a &&
	    nd.q[1].peak == 7 && nd.peak == 15 &&
	    nd.open_ms == 5400000.0 && nd.need_ms == 15 * 3600000.0)
		e = 0;
	if (e && nd.n == 2)
		fprintf(stderr, "  q: %u agents, %g h, a=%d; r: %u, a=%d; all: "
			"peak %u, open %g h\n", nd.q[0].peak,
			nd.q[0].open_ms / 36e5, nd.q[0].erlang_a,
			nd.q[1].peak, nd.q[1].erlang_a, nd.peak,
			nd.open_ms / 36e5);
	sim_needs_free(&nd);
	mem_deref(c);
	if (e)
		TEST_FAIL("needs not as Erlang says");
	return 0;
}

/* The simulation writes the engine's events into the store's event log
 * as the server does, and the KPIs computed again from the log, by the
 * same code, are the simulation's to the last bit. */
static void to_store(const struct acd_event *ev, void *arg)
{
	struct store *st = arg;

	if (store_event_append(st, ev) == EAGAIN && !store_flush(st))
		(void)store_event_append(st, ev);
}

static bool from_store(const struct store_event *e, void *arg)
{
	kpi_event(&e->ev, arg);
	return true;
}

static int test_event_log(void)
{
	static const char center[] =
		"{\"name\": \"c\", \"tenants\": [{\"id\": \"t\"}], "
		"\"sites\": [{\"id\": \"s\"}, {\"id\": \"u\"}], "
		"\"positions\": ["
		"{\"id\": \"p1\", \"site\": \"s\", \"sip_password\": \"x\"}, "
		"{\"id\": \"p2\", \"site\": \"u\", \"sip_password\": \"x\"}], "
		"\"pause_reasons\": [{\"id\": \"break\"}, "
		"{\"id\": \"lunch\"}], "
		"\"queues\": [{\"id\": \"q\", \"tenant\": \"t\", "
		"\"service_level\": {\"time_s\": 15}}], "
		"\"agents\": [{\"id\": \"a1\", \"queues\": [\"q\"]}, "
		"{\"id\": \"a2\", \"queues\": [\"q\"]}]}";
	static const char csv[] =
		"day,time,minutes,queue,calls,aht_s,patience_s\n"
		"mon,09:00,120,q,60,200,90\nmon,13:00,60,q,40,200,90\n";
	char dir[64] = "build/test-simlog.XXXXXX", cmd[128], err[512] = "";
	struct center *c = NULL;
	struct traffic *t = NULL;
	struct store *st = NULL;
	struct kpi *k = NULL, *k2 = NULL;
	struct kpi_figures f, f2;
	struct sim_stats ss;
	int e;

	mkdir("build", 0755);
	if (!mkdtemp(dir))
		TEST_FAIL("mkdtemp: %s", strerror(errno));
	e = center_parse(center, sizeof(center) - 1, "c.json", NULL, &c,
			 err, sizeof(err));
	if (!e)
		e = traffic_parse(csv, sizeof(csv) - 1, "t.csv", c, &t, err,
				  sizeof(err));
	if (!e)
		e = store_open(&st, dir, err, sizeof(err));
	if (!e)
		e = sim_center_run(c, t, 1, 7, 4, NULL, to_store, st, &k, &ss,
				   err, sizeof(err));
	if (!e)
		e = store_flush(st);
	if (!e)
		e = kpi_alloc(&k2, 20000);
	if (!e)
		e = kpi_queue_declare(k2, "q", "t", 15000);
	if (!e)
		e = store_events_read(st, NULL, 0, 0, from_store, k2);
	store_close(st);
	traffic_free(t);
	mem_deref(c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		e = e ? e : EIO;
	if (e) {
		kpi_free(k);
		kpi_free(k2);
		TEST_FAIL("%s (%d)", err, e);
	}
	kpi_close(k2, ss.end);
	kpi_figures(kpi_total(k), &f);
	kpi_figures(kpi_total(k2), &f2);
	e = f.offered > 50 && f.answered > 0 && f.abandoned > 0 &&
		!memcmp(&f, &f2, sizeof(f)) ? 0 : EINVAL;
	for (size_t i = 0; !e && i < 2; i++) {
		const char *site = i ? "u" : "s";
		const struct kpi_counts *a = kpi_find(k, KPI_SITE, site);
		const struct kpi_counts *b = kpi_find(k2, KPI_SITE, site);

		if (!a || !b || memcmp(a, b, sizeof(*a)) || !a->answered)
			e = EINVAL;
	}
	kpi_free(k);
	kpi_free(k2);
	if (e)
		TEST_FAIL("from the log: offered %llu/%llu, SL %g/%g, "
			  "occupancy %g/%g", (unsigned long long)f.offered,
			  (unsigned long long)f2.offered, f.service_level,
			  f2.service_level, f.occupancy, f2.occupancy);
	return 0;
}

static int test_traffic_errors(void)
{
	static const struct {
		const char *csv, *msg;
	} bad[] = {
		{"day,time,queue,calls,aht_s\nfoo,08:00,q,1,1\n",
		 "expected mon..sun or *, not 'foo'"},
		{"day,time,queue,calls,aht_s\nmon,8h,q,1,1\n",
		 "expected HH:MM, not '8h'"},
		{"day,time,queue,calls,aht_s\nmon,08:00,q,-1,1\n", "calls"},
		{"day,time,queue,calls\nmon,08:00,q,1\n", "aht_s"},
		{"day,time,queue,calls,aht_s,skills\nmon,08:00,q,1,9,x>=7\n",
		 "bad skill expression"},
		{"day,time,minutes,queue,calls,aht_s\nmon,23:50,30,q,1,9\n",
		 "past midnight"},
		{"day,time,queue,calls,aht_s\n", "no traffic rows"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct traffic *t = (struct traffic *)0x1;
		char err[256] = "";
		int e = traffic_parse(bad[i].csv, strlen(bad[i].csv), "t.csv",
				      NULL, &t, err, sizeof(err));

		if (!e || t != (struct traffic *)0x1)
			TEST_FAIL("case %zu accepted", i);
		if (!strstr(err, bad[i].msg) || strncmp(err, "t.csv", 5))
			TEST_FAIL("case %zu: '%s' lacks '%s'", i, err,
				  bad[i].msg);
	}
	return 0;
}

const struct test tests_sim[] = {
	{"rng", test_rng},
	{"closed_day", test_closed_day},
	{"needs", test_needs},
	{"event_log", test_event_log},
	{"deterministic", test_deterministic},
	{"erlang_c", test_erlang_c},
	{"erlang_a", test_erlang_a},
	{"traffic_errors", test_traffic_errors},
	{"demo_day", test_demo_day},
	{NULL, NULL}
};
