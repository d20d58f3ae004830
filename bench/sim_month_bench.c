/* sim_month_bench.c — wall time to simulate a 30-day month of a 3-site,
 * 1,000-agent center (issue 3's goal: under 10 s on one core), and the
 * simulator's throughput in engine events per second against quick
 * mode's, measured in the same run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <re.h>
#include "config/center.h"
#include "config/traffic.h"
#include "report/kpi.h"
#include "sim/full.h"
#include "sim/quick.h"

/*
 * The center (written as files so that `plateau simulate` can run the
 * same month by hand):
 *   - 3 sites: Casablanca 450 positions, Fès 300, Agadir 250;
 *   - 3 tenants, 12 queues: a French telecom (fibre, mobile, billing,
 *     Arabic support, VIP), a German retailer (orders and returns in
 *     German, orders in English) and a bank (cards and loans in French,
 *     cards in Spanish, fraud with priority), with skills, several
 *     strategies, site lists and widening steps;
 *   - 1,000 agents in 14 profiles (languages and products at various
 *     levels, 2 to 4 queues each); the simulator's shift plan puts even
 *     agents on 08:00-16:00 and odd ones on 12:00-20:00 with two breaks
 *     and a lunch;
 *   - traffic Monday to Saturday 08:00-20:00 (Sunday closed), 30-minute
 *     intervals, sized per tenant to about 85 % of its agents on shift,
 *     with a noon peak when both shifts are in: about 80,000 calls a day.
 */

struct bench_queue {
	const char *id, *tenant, *strategy, *skills, *sites, *widen;
	int priority;
	unsigned wrapup_s, announce_s;
	double share;              /* of its tenant's traffic               */
	unsigned aht_s, patience_s;
};

static const struct bench_queue queues[] = {
	{"hx-fibre-fr", "hexatel", "best-skill",
	 "lang:fr>=3 & product:fibre>=2", "\"casa\", \"fes\"",
	 "{\"after_s\": 45, \"skills\": \"lang:fr>=2 & product:fibre>=1\"}, "
	 "{\"after_s\": 90, \"add_site\": \"agadir\"}", 0, 20, 45, 0.30,
	 300, 150},
	{"hx-mobile-fr", "hexatel", "longest-idle",
	 "lang:fr>=3 & product:mobile>=2", "\"casa\", \"fes\"",
	 "{\"after_s\": 60, \"skills\": \"lang:fr>=2 & product:mobile>=1\"}",
	 0, 15, 45, 0.30, 240, 150},
	{"hx-billing-fr", "hexatel", "fewest-calls",
	 "lang:fr>=3 & product:billing>=2", NULL,
	 "{\"after_s\": 120, \"skills\": \"lang:fr>=3\"}", 0, 20, 60, 0.18,
	 270, 180},
	{"hx-support-ar", "hexatel", "longest-idle", "lang:ar>=3",
	 "\"fes\", \"casa\"",
	 "{\"after_s\": 60, \"add_site\": \"agadir\"}", 0, 15, 45, 0.17,
	 240, 150},
	{"hx-vip-fr", "hexatel", "longest-idle", "lang:fr>=4", NULL, NULL,
	 10, 30, 0, 0.05, 360, 300},
	{"nk-orders-de", "nordkauf", "weighted-random",
	 "lang:de>=3 & product:orders>=2", "\"agadir\", \"casa\"",
	 "{\"after_s\": 30, \"skills\": \"lang:de>=2 & product:orders>=1\"}, "
	 "{\"after_s\": 60, \"add_site\": \"fes\"}", 0, 10, 30, 0.55,
	 210, 120},
	{"nk-returns-de", "nordkauf", "longest-idle",
	 "lang:de>=3 & product:returns>=2", "\"agadir\", \"casa\"",
	 "{\"after_s\": 60, \"add_queue\": \"nk-orders-de\"}", 0, 15, 30, 0.25,
	 240, 120},
	{"nk-orders-en", "nordkauf", "round-robin",
	 "lang:en>=3 & product:orders>=1", NULL, NULL, 0, 10, 30, 0.20,
	 200, 120},
	{"cb-cards-fr", "crediva", "longest-idle",
	 "lang:fr>=3 & product:cards>=2", "\"fes\", \"casa\"",
	 "{\"after_s\": 60, \"skills\": \"lang:fr>=3 & product:cards>=1\"}",
	 0, 20, 45, 0.50, 240, 180},
	{"cb-loans-fr", "crediva", "best-skill",
	 "lang:fr>=3 & product:loans>=2", "\"fes\"",
	 "{\"after_s\": 90, \"add_site\": \"casa\"}", 0, 30, 60, 0.20,
	 420, 240},
	{"cb-cards-es", "crediva", "longest-idle",
	 "lang:es>=3 & product:cards>=1", NULL, NULL, 0, 20, 45, 0.15,
	 260, 150},
	{"cb-fraud-fr", "crediva", "longest-idle",
	 "lang:fr>=3 & product:fraud>=2", NULL, NULL, 20, 30, 0, 0.15,
	 300, 300},
};

#define N_QUEUES (sizeof(queues) / sizeof(queues[0]))

/* An agent profile: how many, their tenant, skills and queues (weights
 * in member order). */
struct bench_profile {
	unsigned count;
	const char *tenant, *skills, *queues;
};

static const struct bench_profile profiles[] = {
	{150, "hexatel", "lang:fr=4 product:fibre=4 product:mobile=2",
	 "\"hx-fibre-fr\", \"hx-mobile-fr\""},
	{130, "hexatel", "lang:fr=5 product:mobile=4 product:billing=2",
	 "\"hx-mobile-fr\", \"hx-billing-fr\", \"hx-vip-fr\""},
	{80, "hexatel", "lang:fr=3 lang:ar=5 product:billing=4",
	 "\"hx-billing-fr\", \"hx-support-ar\""},
	{60, "hexatel", "lang:ar=4 lang:fr=2 product:mobile=3",
	 "\"hx-support-ar\", \"hx-mobile-fr\""},
	{30, "hexatel", "lang:fr=5 lang:ar=4 product:fibre=3 product:mobile=3",
	 "\"hx-vip-fr\", \"hx-fibre-fr\", \"hx-support-ar\""},
	{110, "nordkauf", "lang:de=5 product:orders=4 product:returns=2",
	 "\"nk-orders-de\", \"nk-returns-de\""},
	{60, "nordkauf", "lang:de=4 product:returns=4 product:orders=2",
	 "\"nk-returns-de\", \"nk-orders-de\""},
	{40, "nordkauf", "lang:en=5 lang:de=2 product:orders=3",
	 "\"nk-orders-en\", \"nk-orders-de\""},
	{30, "nordkauf", "lang:en=4 product:orders=2",
	 "\"nk-orders-en\""},
	{100, "crediva", "lang:fr=5 product:cards=4 product:fraud=2",
	 "\"cb-cards-fr\", \"cb-fraud-fr\""},
	{60, "crediva", "lang:fr=4 product:loans=4 product:cards=2",
	 "\"cb-loans-fr\", \"cb-cards-fr\""},
	{50, "crediva", "lang:es=5 lang:fr=3 product:cards=3",
	 "\"cb-cards-es\", \"cb-cards-fr\""},
	{30, "crediva", "lang:fr=5 product:fraud=5 product:cards=3",
	 "\"cb-fraud-fr\", \"cb-cards-fr\""},
	{70, "crediva", "lang:fr=4 product:cards=3 product:loans=3",
	 "\"cb-cards-fr\", \"cb-loans-fr\", \"cb-fraud-fr\""},
};

#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

static const struct {
	const char *id, *city;
	unsigned positions;
} sites[] = {
	{"casa", "Casablanca", 450},
	{"fes", "Fès", 300},
	{"agadir", "Agadir", 250},
};

static unsigned tenant_agents(const char *tenant)
{
	unsigned n = 0;

	for (size_t i = 0; i < N_PROFILES; i++)
		if (!strcmp(profiles[i].tenant, tenant))
			n += profiles[i].count;
	return n;
}

static int write_center(const char *path)
{
	FILE *f = fopen(path, "w");
	unsigned agent = 0;

	if (!f)
		return errno;
	fprintf(f, "{\n\"name\": \"Bench center: 3 sites, 1,000 agents\",\n"
		"\"tenants\": [{\"id\": \"hexatel\"}, {\"id\": \"nordkauf\"}, "
		"{\"id\": \"crediva\"}],\n\"sites\": [");
	for (size_t s = 0; s < 3; s++)
		fprintf(f, "%s{\"id\": \"%s\", \"city\": \"%s\"}", s ? ", " : "",
			sites[s].id, sites[s].city);
	fprintf(f, "],\n\"positions\": [\n");
	for (size_t s = 0; s < 3; s++) {
		for (unsigned p = 1; p <= sites[s].positions; p++)
			fprintf(f, "%s{\"id\": \"%s-%03u\", \"site\": \"%s\", "
				"\"sip_ha1\": \"00000000000000000000000000000000\"}",
				s || p > 1 ? ",\n" : "", sites[s].id, p,
				sites[s].id);
	}
	fprintf(f, "],\n\"pause_reasons\": [{\"id\": \"break\"}, "
		"{\"id\": \"lunch\"}],\n\"queues\": [\n");
	for (size_t i = 0; i < N_QUEUES; i++) {
		const struct bench_queue *q = &queues[i];

		fprintf(f, "%s{\"id\": \"%s\", \"tenant\": \"%s\", "
			"\"strategy\": \"%s\", \"skills\": \"%s\", "
			"\"priority\": %d, \"wrapup_s\": %u, "
			"\"announce_s\": %u, \"max_wait_s\": 900, "
			"\"ring_timeout_s\": 15", i ? ",\n" : "", q->id,
			q->tenant, q->strategy, q->skills, q->priority,
			q->wrapup_s, q->announce_s);
		if (q->sites)
			fprintf(f, ", \"sites\": [%s]", q->sites);
		if (q->widen)
			fprintf(f, ", \"widen\": [%s]", q->widen);
		fprintf(f, "}");
	}
	fprintf(f, "],\n\"agents\": [\n");
	for (size_t i = 0; i < N_PROFILES; i++) {
		const struct bench_profile *p = &profiles[i];

		for (unsigned j = 0; j < p->count; j++, agent++)
			fprintf(f, "%s{\"id\": \"ag%04u\", \"tenant\": \"%s\", "
				"\"skills\": \"%s\", \"queues\": [%s]}",
				agent ? ",\n" : "", agent, p->tenant,
				p->skills, p->queues);
	}
	fprintf(f, "]\n}\n");
	return fclose(f) ? errno : 0;
}

/* Agents on shift at hour h (shift plan of src/sim/full.h), as a share
 * of all: 08-12 half, 12-16 all, 16-20 half. */
static double on_shift(unsigned h)
{
	return h >= 12 && h < 16 ? 1.0 : 0.5;
}

static int write_traffic(const char *path)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri",
					    "sat"};
	FILE *f = fopen(path, "w");

	if (!f)
		return errno;
	fprintf(f, "day,time,minutes,queue,calls,aht_s,patience_s,skills\n");
	for (size_t d = 0; d < 6; d++) {
		/* Saturday is quieter */
		double day = d == 5 ? 0.6 : 1.0 - 0.03 * (double)d;

		for (unsigned m = 8 * 60; m < 20 * 60; m += 30) {
			unsigned h = m / 60;

			for (size_t i = 0; i < N_QUEUES; i++) {
				const struct bench_queue *q = &queues[i];
				/* offered load, Erlangs: 85 % of the
				 * tenant's agents on shift, less the 1/8 of
				 * the shift spent in pauses */
				double erl = 0.85 * 0.875 * on_shift(h) *
					tenant_agents(q->tenant) * q->share *
					day;
				double calls = erl * 1800.0 /
					(q->aht_s + q->wrapup_s);

				fprintf(f, "%s,%02u:%02u,30,%s,%.1f,%u,%u,\n",
					days[d], h, m % 60, q->id, calls,
					q->aht_s, q->patience_s);
			}
		}
	}
	return fclose(f) ? errno : 0;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "usage: sim_month_bench [--days N] [--dir DIR] "
		"[--write-only]\n");
}

int main(int argc, char **argv)
{
	const char *dir = "build/bench";
	unsigned days = 30;
	bool write_only = false;
	char cpath[512], tpath[512], err[512] = "";
	struct center *c = NULL;
	struct traffic *t = NULL;
	struct kpi *kpi = NULL;
	struct sim_quick q = {0};
	struct kpi_figures qf, tf;
	struct sim_stats qs, st;
	static const struct center_opts fast = {1};
	double w0, w1, w2, c0, c1, c2, qev, fev, qcpu, fcpu;
	double loadavg[1] = {0};
	int e;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--days") && i + 1 < argc)
			days = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--write-only"))
			write_only = true;
		else {
			usage();
			return 2;
		}
	}
	if (!days || days > 366) {
		usage();
		return 2;
	}
	mkdir(dir, 0777);
	snprintf(cpath, sizeof(cpath), "%s/center-1000.json", dir);
	snprintf(tpath, sizeof(tpath), "%s/traffic-1000.csv", dir);
	e = write_center(cpath);
	if (!e)
		e = write_traffic(tpath);
	if (e) {
		fprintf(stderr, "sim_month_bench: %s: %s\n", dir, strerror(e));
		return 1;
	}
	printf("center: %s\ntraffic: %s\n", cpath, tpath);
	if (write_only)
		return 0;

	/* the reference, same run: quick mode (one queue, 14 agents, 10
	 * Erlangs, patience 120 s, 500 simulated hours) */
	q.agents = 14;
	q.calls = 100;
	q.interval_s = 1800;
	q.aht_s = 180;
	q.target_s = 20;
	q.patience_s = 120;
	q.hours = 500;
	q.seed = 1;
	if (getloadavg(loadavg, 1) == 1)
		printf("load average at start: %.2f\n", loadavg[0]);
	w0 = wall_s();
	c0 = cpu_s();
	if (sim_quick_run(&q, &qf, &qs, NULL, NULL, NULL, 0))
		return 1;
	w1 = wall_s();
	c1 = cpu_s();
	qev = (double)qs.events / (w1 - w0);
	qcpu = (double)qs.events / (c1 - c0);
	printf("reference, quick mode (14 agents, 10 Erl, 500 h): %llu calls, "
	       "%llu engine events; wall %.3f s, cpu %.3f s: %.0f events/s "
	       "(%.0f per cpu-s)\n",
	       (unsigned long long)qs.arrivals,
	       (unsigned long long)qs.events, w1 - w0, c1 - c0, qev, qcpu);

	e = center_load_opts(cpath, &fast, &c, err, sizeof(err));
	if (!e)
		e = traffic_load(tpath, c, &t, err, sizeof(err));
	if (e) {
		fprintf(stderr, "sim_month_bench: %s\n", err);
		mem_deref(c);
		return 1;
	}
	w1 = wall_s();
	c1 = cpu_s();
	e = sim_center_run(c, t, days, 1, 4.0, NULL, NULL, NULL, &kpi, &st,
			   err, sizeof(err));
	w2 = wall_s();
	c2 = cpu_s();
	if (e) {
		fprintf(stderr, "sim_month_bench: %s\n", err);
		traffic_free(t);
		mem_deref(c);
		return 1;
	}
	kpi_figures(kpi_total(kpi), &tf);
	fev = (double)st.events / (w2 - w1);
	fcpu = (double)st.events / (c2 - c1);
	printf("month: %u days, %zu agents, %zu positions, %zu queues: "
	       "%llu calls, %llu engine events, %llu inputs\n", days,
	       c->n_agents, c->n_positions, c->n_queues,
	       (unsigned long long)st.arrivals,
	       (unsigned long long)st.events,
	       (unsigned long long)st.inputs);
	printf("  SL %.3f, ASA %.1f s, abandoned %.2f %%, occupancy %.3f\n",
	       tf.service_level, tf.asa_s, 100 * tf.p_abandon, tf.occupancy);
	printf("  wall %.2f s, cpu %.2f s: %.0f calls/s, %.0f events/s "
	       "(%.0f per cpu-s)\n", w2 - w1, c2 - c1,
	       (double)st.arrivals / (w2 - w1), fev, fcpu);
	printf("ratio full / quick events per cpu-s: %.2f (wall: %.2f)\n",
	       fcpu / qcpu, fev / qev);
	if (getloadavg(loadavg, 1) == 1)
		printf("load average at end: %.2f\n", loadavg[0]);
	printf("goal (30 days under 10 s of one core): %s\n",
	       days != 30 ? "n/a (not 30 days)" :
	       c2 - c1 < 10 ? "met (cpu time)" : "NOT met");
	kpi_free(kpi);
	traffic_free(t);
	mem_deref(c);
	return 0;
}
