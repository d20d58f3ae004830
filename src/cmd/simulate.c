/* simulate.c — `plateau simulate`: runs the discrete-event simulator on
 * one Erlang queue (quick mode) or on a whole center (full mode). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "cmd/cmd.h"
#include "config/center.h"
#include "config/traffic.h"
#include "report/kpi.h"
#include "sim/full.h"
#include "sim/quick.h"
#include "sim/sim.h"
#include "store/store.h"
#include "util/args.h"

#define CMD "plateau simulate"

static void usage(FILE *f)
{
	fprintf(f,
"usage: plateau simulate --agents N --calls C --interval S --aht S\n"
"                        --target-time T [--patience S] [--hours H]\n"
"                        [--seed N] [--json]\n"
"       plateau simulate --config FILE --traffic FILE [--days N]\n"
"                        [--store DIR] [--seed N] [--json]\n\n"
"Simulates callers and agents through the real routing engine on a\n"
"virtual clock and prints offered, answered, abandoned, service level,\n"
"ASA, p_wait, p_abandon and occupancy (definitions: docs/simulate.md).\n\n"
"quick mode (one queue, the Erlang C/A model):\n"
"  --agents N        agents, all logged in (1..%d)\n"
"  --calls C         calls per interval (mean, Poisson)\n"
"  --interval S      interval length, s (default 1800)\n"
"  --aht S           mean handle time, s\n"
"  --target-time T   service-level threshold, s (default 20)\n"
"  --patience S      mean patience, s (exponential); none by default\n"
"  --hours H         simulated hours (default 1000)\n"
"  --ring S          ring time before agents answer, s (default 0)\n"
"  --handle D        exp (default) or lognormal\n"
"  --cv X            lognormal: std-dev / mean (default 1)\n\n"
"full mode (a center):\n"
"  --config FILE     center file (docs/config.md)\n"
"  --traffic FILE    traffic CSV (docs/simulate.md)\n"
"  --days N          simulated days from a Monday (default 7)\n"
"  --ring S          ring time, s (default 4)\n"
"  --store DIR       also write every engine event into the event log\n"
"                    of the store in DIR, as plateau serve does (a new\n"
"                    or empty store only; times count from day 0)\n\n"
"both:\n"
"  --seed N          random seed (default 1); same seed, same result\n"
"  --json            one JSON object instead of a table\n",
		SIM_QUICK_MAX_AGENTS);
}

struct opts {
	bool quick_seen;           /* a quick-mode option was given         */
	long agents;
	double calls, interval, aht, target, patience, hours, ring, cv;
	bool ring_set;
	enum sim_dist handle;
	const char *config, *traffic;
	const char *store;         /* --store DIR, or NULL                  */
	long days;
	long seed;
	bool json;
};

static int parse(int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval = 1800;
	o->target = 20;
	o->hours = 1000;
	o->cv = 1;
	o->days = 7;
	o->seed = 1;
	o->agents = -1;
	o->calls = -1;
	o->aht = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int err = 0;

		if (!strcmp(a, "--json")) {
			o->json = true;
			continue;
		}
		if (strncmp(a, "--", 2)) {
			fprintf(stderr, CMD ": unexpected argument '%s'\n", a);
			return EINVAL;
		}
		if (args_need(CMD, a, v))
			return EINVAL;
		i++;
		if (!strcmp(a, "--agents")) {
			err = args_long(CMD, a, v, 1, SIM_QUICK_MAX_AGENTS,
					&o->agents);
			o->quick_seen = true;
		}
		else if (!strcmp(a, "--calls")) {
			err = args_double(CMD, a, v, 0, 1e7, &o->calls);
			o->quick_seen = true;
		}
		else if (!strcmp(a, "--interval")) {
			err = args_double(CMD, a, v, 1, 86400, &o->interval);
			o->quick_seen = true;
		}
		else if (!strcmp(a, "--aht")) {
			err = args_double(CMD, a, v, 1, 86400, &o->aht);
			o->quick_seen = true;
		}
		else if (!strcmp(a, "--target-time")) {
			err = args_double(CMD, a, v, 0, 3600, &o->target);
			o->quick_seen = true;
		}
		else if (!strcmp(a, "--patience")) {
			err = args_double(CMD, a, v, 1, 86400, &o->patience);
			o->quick_seen = true;
		}
		else if (!strcmp(a, "--hours")) {
			err = args_double(CMD, a, v, 0.01, 100000, &o->hours);
			o->quick_seen = true;
		}
		else if (!strcmp(a, "--ring")) {
			err = args_double(CMD, a, v, 0, 120, &o->ring);
			o->ring_set = true;
		}
		else if (!strcmp(a, "--cv")) {
			err = args_double(CMD, a, v, 0.01, 10, &o->cv);
		}
		else if (!strcmp(a, "--handle")) {
			if (!strcmp(v, "exp"))
				o->handle = SIM_DIST_EXP;
			else if (!strcmp(v, "lognormal"))
				o->handle = SIM_DIST_LOGNORMAL;
			else {
				fprintf(stderr, CMD ": --handle expects exp or "
					"lognormal, not '%s'\n", v);
				err = EINVAL;
			}
		}
		else if (!strcmp(a, "--config")) {
			o->config = v;
		}
		else if (!strcmp(a, "--traffic")) {
			o->traffic = v;
		}
		else if (!strcmp(a, "--store")) {
			err = args_path(CMD, a, v, &o->store);
		}
		else if (!strcmp(a, "--days")) {
			err = args_long(CMD, a, v, 1, 366, &o->days);
		}
		else if (!strcmp(a, "--seed")) {
			err = args_long(CMD, a, v, 0, 0x7fffffffL, &o->seed);
		}
		else {
			fprintf(stderr, CMD ": unknown option '%s'\n", a);
			return EINVAL;
		}
		if (err)
			return err;
	}
	if (o->store && !o->config) {
		fprintf(stderr, CMD ": --store needs --config and --traffic\n");
		return EINVAL;
	}
	if (o->config || o->traffic) {
		if (o->quick_seen) {
			fprintf(stderr, CMD ": --config/--traffic and the quick "
				"options (--agents, --calls…) exclude each "
				"other\n");
			return EINVAL;
		}
		if (!o->config || !o->traffic) {
			fprintf(stderr, CMD ": %s\n", o->config ?
				"--traffic is needed with --config" :
				"--config is needed with --traffic");
			return EINVAL;
		}
		return 0;
	}
	if (o->agents < 0) {
		fprintf(stderr, CMD ": --agents is needed (or --config)\n");
		return EINVAL;
	}
	if (o->calls < 0) {
		fprintf(stderr, CMD ": --calls is needed\n");
		return EINVAL;
	}
	if (o->aht < 0) {
		fprintf(stderr, CMD ": --aht is needed\n");
		return EINVAL;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------- */

static void progress(acd_ms_t now, acd_ms_t end, void *arg)
{
	unsigned pct = end > 0 ? (unsigned)(100.0 * (double)now /
					    (double)end) : 100;
	char bar[41];

	(void)arg;
	if (pct > 100)
		pct = 100;
	memset(bar, '#', pct * 40 / 100);
	memset(bar + pct * 40 / 100, '.', 40 - pct * 40 / 100);
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %3u%%", bar, pct);
}

static void jnum(FILE *f, double v)
{
	fprintf(f, "%.6g", isfinite(v) ? v : 0.0);
}

static void json_figures(FILE *f, const struct kpi_figures *k)
{
	fprintf(f, "\"offered\": %llu, \"answered\": %llu, \"abandoned\": "
		"%llu, \"exited\": %llu, \"service_level\": ",
		(unsigned long long)k->offered,
		(unsigned long long)k->answered,
		(unsigned long long)k->abandoned,
		(unsigned long long)k->exited);
	jnum(f, k->service_level);
	fprintf(f, ", \"asa_s\": ");
	jnum(f, k->asa_s);
	fprintf(f, ", \"p_wait\": ");
	jnum(f, k->p_wait);
	fprintf(f, ", \"p_abandon\": ");
	jnum(f, k->p_abandon);
	fprintf(f, ", \"occupancy\": ");
	jnum(f, k->occupancy);
	fprintf(f, ", \"aht_s\": ");
	jnum(f, k->aht_s);
}

/* A table row; figures that do not apply to the group (a site has no
 * offered calls, a queue no agents of its own) print as "-". */
static void row(FILE *f, const char *name, const struct kpi_figures *k,
		bool calls, bool agents)
{
	char sl[16] = "-", pw[16] = "-", pab[16] = "-", occ[16] = "-";

	if (calls) {
		snprintf(sl, sizeof(sl), "%.1f%%", 100 * k->service_level);
		snprintf(pw, sizeof(pw), "%.1f%%", 100 * k->p_wait);
		snprintf(pab, sizeof(pab), "%.1f%%", 100 * k->p_abandon);
	}
	if (agents)
		snprintf(occ, sizeof(occ), "%.1f%%", 100 * k->occupancy);
	fprintf(f, "%-16s %9llu %9llu %9llu %8s %8.1f %8s %8s %8s\n", name,
		(unsigned long long)k->offered,
		(unsigned long long)k->answered,
		(unsigned long long)k->abandoned, sl, k->asa_s, pw, pab, occ);
}

static void header(FILE *f, const char *first)
{
	fprintf(f, "%-16s %9s %9s %9s %8s %8s %8s %8s %8s\n", first,
		"offered", "answered", "abandoned", "SL", "ASA s", "p_wait",
		"p_aband", "occup");
}

/* ---------------------------------------------------------------------
 * Quick mode
 * ------------------------------------------------------------------- */

static int run_quick(const struct opts *o)
{
	struct sim_quick q = {0};
	struct kpi_figures k;
	struct sim_stats st;
	char why[256] = "";
	bool tty = isatty(2);
	int err;

	q.agents = (unsigned)o->agents;
	q.calls = o->calls;
	q.interval_s = o->interval;
	q.aht_s = o->aht;
	q.target_s = o->target;
	q.patience_s = o->patience;
	q.hours = o->hours;
	q.ring_s = o->ring;
	q.handle = o->handle;
	q.handle_cv = o->cv;
	q.seed = (uint64_t)o->seed;
	err = sim_quick_run(&q, &k, &st, tty ? progress : NULL, NULL, why,
			    sizeof(why));
	if (tty)
		fprintf(stderr, "\r%50s\r", "");
	if (err) {
		fprintf(stderr, CMD ": %s\n", why[0] ? why : strerror(err));
		return 1;
	}
	if (o->json) {
		printf("{");
		json_figures(stdout, &k);
		printf(", \"agents\": %ld, \"hours\": ", o->agents);
		jnum(stdout, o->hours);
		printf(", \"seed\": %ld, \"in_flight\": %llu}\n", o->seed,
		       (unsigned long long)st.in_flight);
		return 0;
	}
	header(stdout, "queue");
	row(stdout, "q", &k, true, true);
	printf("\n%llu calls in %.0f simulated hours, seed %ld\n",
	       (unsigned long long)st.arrivals, o->hours, o->seed);
	return 0;
}

/* ---------------------------------------------------------------------
 * Full mode
 * ------------------------------------------------------------------- */

static void print_group(const struct kpi *kpi, enum kpi_group g,
			const char *title, bool json)
{
	size_t n = kpi_count(kpi, g);

	if (json) {
		printf(", \"%s\": {", title);
		for (size_t i = 0; i < n; i++) {
			struct kpi_figures k;
			const char *id;

			kpi_figures(kpi_at(kpi, g, i, &id), &k);
			printf("%s\"%s\": {", i ? ", " : "", id);
			json_figures(stdout, &k);
			printf("}");
		}
		printf("}");
		return;
	}
	printf("\n");
	header(stdout, title);
	for (size_t i = 0; i < n; i++) {
		struct kpi_figures k;
		const char *id;

		kpi_figures(kpi_at(kpi, g, i, &id), &k);
		row(stdout, id, &k, true, true);
	}
}

/* Per queue: what Erlang says its traffic needs next to what the
 * simulation delivered. Averages are over the queue's open time (the
 * intervals its traffic covers). */
static void print_queues(const struct center *c, const struct kpi *kpi,
			 const struct sim_needs *nd, bool json)
{
	if (json)
		printf(", \"queues\": {");
	else
		printf("\n%-16s %6s %5s %6s %6s %5s | %6s %8s %8s %6s %6s "
		       "%6s %6s\n", "queue", "target", "model", "load",
		       "needed", "peak", "busy", "offered", "answered",
		       "aband", "SL", "ASA s", "p_ab");
	for (size_t i = 0; i < nd->n; i++) {
		const struct sim_need *q = &nd->q[i];
		const struct kpi_counts *kc = kpi_find(kpi, KPI_QUEUE,
						       q->queue);
		const struct acd_queue_conf *qc = &c->queues[i].acd;
		double open = q->open_ms > 0 ? q->open_ms : 1;
		double load = q->load_ms / open, need = q->need_ms / open;
		double busy = kc ? kc->busy_ms / open : 0;
		struct kpi_figures k;
		char target[16];

		kpi_figures(kc, &k);
		if (json) {
			printf("%s\"%s\": {", i ? ", " : "", q->queue);
			json_figures(stdout, &k);
			printf(", \"busy_agents\": ");
			jnum(stdout, busy);
			printf(", \"erlang\": {\"model\": \"%s\", "
			       "\"sl_target\": ", q->erlang_a ? "erlang-a" :
			       "erlang-c");
			jnum(stdout, qc->sl_target);
			printf(", \"target_time_s\": ");
			jnum(stdout, (double)qc->sl_time_ms / 1000.0);
			printf(", \"calls\": ");
			jnum(stdout, q->calls);
			printf(", \"open_hours\": ");
			jnum(stdout, q->open_ms / 3600000.0);
			printf(", \"load_erlangs\": ");
			jnum(stdout, load);
			printf(", \"agents_needed\": ");
			jnum(stdout, need);
			printf(", \"peak_agents_needed\": %u}}", q->peak);
			continue;
		}
		snprintf(target, sizeof(target), "%.0f/%.0fs",
			 100 * qc->sl_target, (double)qc->sl_time_ms / 1000.0);
		printf("%-16s %6s %5s %6.1f %6.1f %5u | %6.1f %8llu %8llu "
		       "%6llu %5.1f%% %6.1f %5.1f%%\n", q->queue, target,
		       q->open_ms > 0 ? (q->erlang_a ? "A" : "C") : "-",
		       load, need, q->peak, busy,
		       (unsigned long long)k.offered,
		       (unsigned long long)k.answered,
		       (unsigned long long)k.abandoned,
		       100 * k.service_level, k.asa_s, 100 * k.p_abandon);
	}
	if (json)
		printf("}");
}

/* Per site: the calls its agents answered and the agents themselves;
 * calls belong to queues, so a site has no offered or abandoned calls.
 * Agents and busy agents are averages over the center's open time. */
static void print_sites(const struct kpi *kpi, const struct sim_needs *nd,
			bool json)
{
	size_t n = kpi_count(kpi, KPI_SITE);
	double open = nd->open_ms > 0 ? nd->open_ms : 1;

	if (json)
		printf(", \"sites\": {");
	else
		printf("\n%-16s %8s %8s %8s %9s %9s %8s\n", "site", "agents",
		       "busy", "occup", "answered", "SL ans.", "ASA s");
	for (size_t i = 0; i < n; i++) {
		const char *id;
		const struct kpi_counts *kc = kpi_at(kpi, KPI_SITE, i, &id);
		struct kpi_figures k;
		double sla = kc->answered ? (double)kc->answered_in_sl /
			(double)kc->answered : 0;

		kpi_figures(kc, &k);
		if (json) {
			printf("%s\"%s\": {\"answered\": %llu, "
			       "\"answered_in_sl\": %llu, "
			       "\"service_level_answered\": ", i ? ", " : "",
			       id, (unsigned long long)kc->answered,
			       (unsigned long long)kc->answered_in_sl);
			jnum(stdout, sla);
			printf(", \"asa_s\": ");
			jnum(stdout, k.asa_s);
			printf(", \"occupancy\": ");
			jnum(stdout, k.occupancy);
			printf(", \"agents\": ");
			jnum(stdout, kc->logged_ms / open);
			printf(", \"busy_agents\": ");
			jnum(stdout, kc->busy_ms / open);
			printf("}");
			continue;
		}
		printf("%-16s %8.1f %8.1f %7.1f%% %9llu %8.1f%% %8.1f\n", id,
		       kc->logged_ms / open, kc->busy_ms / open,
		       100 * k.occupancy, (unsigned long long)kc->answered,
		       100 * sla, k.asa_s);
	}
	if (json)
		printf("}");
}

/* The event log the simulation writes, as the server's. */
struct log_sink {
	struct store *st;
	int err;                   /* first failed append, sticky           */
	uint64_t written;          /* events appended                       */
};

static void log_event(const struct acd_event *ev, void *arg)
{
	struct log_sink *ls = arg;
	int err;

	if (ls->err)
		return;
	err = store_event_append(ls->st, ev);
	/* the writer's queue is full: wait for it, then once more */
	if (err == EAGAIN) {
		err = store_flush(ls->st);
		if (!err)
			err = store_event_append(ls->st, ev);
	}
	if (err)
		ls->err = err;
	else
		ls->written++;
}

static bool any_event(const struct store_event *e, void *arg)
{
	(void)e;
	*(bool *)arg = true;
	return false;
}

/* Opens the store for --store: a new or empty event log only, so that
 * simulated events never mix with a live center's. */
static int log_open(const char *dir, struct store **stp)
{
	char msg[512] = "";
	bool found = false;
	int err;

	if (mkdir(dir, 0750) && errno != EEXIST) {
		err = errno;
		fprintf(stderr, CMD ": %s: %s\n", dir, strerror(err));
		return err;
	}
	err = store_open(stp, dir, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, CMD ": %s: %s\n", dir,
			msg[0] ? msg : strerror(err));
		return err;
	}
	err = store_events_read(*stp, NULL, 0, 1, any_event, &found);
	if (!err && found) {
		fprintf(stderr, CMD ": %s: the store already has events; "
			"simulated events go into a new or empty store\n",
			store_path(*stp));
		err = EEXIST;
	}
	else if (err) {
		fprintf(stderr, CMD ": %s: %s\n", dir, store_errmsg(*stp));
	}
	if (err)
		*stp = store_close(*stp);
	return err;
}

static int run_full(const struct opts *o)
{
	struct log_sink ls = {0};
	struct center *c = NULL;
	struct traffic *t = NULL;
	struct kpi *kpi = NULL;
	struct sim_needs nd = {0};
	const struct kpi_counts *tc;
	struct kpi_figures k;
	struct sim_stats st;
	char err[512] = "";
	bool tty = isatty(2);
	double open;
	int e;

	/* the PIN hashes are not used here: one PBKDF2 round saves the
	 * second a demo file's plaintext PINs would cost */
	static const struct center_opts fast = {1};

	e = center_load_opts(o->config, &fast, &c, err, sizeof(err));
	if (!e)
		e = traffic_load(o->traffic, c, &t, err, sizeof(err));
	if (!e)
		e = sim_center_needs(c, t, (unsigned)o->days, &nd, err,
				     sizeof(err));
	if (e) {
		fprintf(stderr, CMD ": %s\n", err[0] ? err : strerror(e));
		traffic_free(t);
		mem_deref(c);
		return 1;
	}
	if (o->store && log_open(o->store, &ls.st)) {
		sim_needs_free(&nd);
		traffic_free(t);
		mem_deref(c);
		return 1;
	}
	e = sim_center_run(c, t, (unsigned)o->days, (uint64_t)o->seed,
			   o->ring_set ? o->ring : 4.0,
			   tty ? progress : NULL, ls.st ? log_event : NULL,
			   &ls, &kpi, &st, err, sizeof(err));
	if (ls.st) {
		int fe = store_flush(ls.st);

		if (!e && (ls.err || fe)) {
			snprintf(err, sizeof(err), "%s: event log: %s",
				 store_path(ls.st),
				 strerror(ls.err ? ls.err : fe));
			e = EIO;
		}
		ls.st = store_close(ls.st);
	}
	if (tty)
		fprintf(stderr, "\r%50s\r", "");
	if (e) {
		fprintf(stderr, CMD ": %s\n", err[0] ? err : strerror(e));
		sim_needs_free(&nd);
		traffic_free(t);
		mem_deref(c);
		return 1;
	}
	tc = kpi_total(kpi);
	kpi_figures(tc, &k);
	open = nd.open_ms > 0 ? nd.open_ms : 1;
	if (o->json) {
		printf("{\"days\": %ld, \"seed\": %ld, \"total\": {", o->days,
		       o->seed);
		json_figures(stdout, &k);
		printf(", \"open_hours\": ");
		jnum(stdout, nd.open_ms / 3600000.0);
		printf(", \"agents\": ");
		jnum(stdout, tc->logged_ms / open);
		printf(", \"busy_agents\": ");
		jnum(stdout, tc->busy_ms / open);
		printf(", \"agents_needed\": ");
		jnum(stdout, nd.need_ms / open);
		printf(", \"peak_agents_needed\": %u}", nd.peak);
		print_queues(c, kpi, &nd, true);
		print_sites(kpi, &nd, true);
		print_group(kpi, KPI_TENANT, "tenants", true);
		printf(", \"calls\": %llu, \"in_flight\": %llu, "
		       "\"events\": %llu, \"events_stored\": %llu}\n",
		       (unsigned long long)st.arrivals,
		       (unsigned long long)st.in_flight,
		       (unsigned long long)st.events,
		       (unsigned long long)ls.written);
	}
	else {
		printf("%s, %ld day(s), seed %ld: %llu calls, open %.1f h\n\n",
		       c->name, o->days, o->seed,
		       (unsigned long long)st.arrivals,
		       nd.open_ms / 3600000.0);
		header(stdout, "");
		row(stdout, "total", &k, true, true);
		printf("\nagents logged in %.1f on average (pauses "
		       "included), %.1f busy; Erlang needs %.1f on average, "
		       "%u at the peak\n(each queue staffed alone: shared, "
		       "multi-skilled agents need fewer)\n",
		       tc->logged_ms / open, tc->busy_ms / open,
		       nd.need_ms / open, nd.peak);
		print_queues(c, kpi, &nd, false);
		print_sites(kpi, &nd, false);
		print_group(kpi, KPI_TENANT, "tenant", false);
		if (o->store)
			printf("\n%llu events written to the store in %s\n",
			       (unsigned long long)ls.written, o->store);
	}
	sim_needs_free(&nd);
	kpi_free(kpi);
	traffic_free(t);
	mem_deref(c);
	return 0;
}

static int simulate_run(int argc, char **argv)
{
	struct opts o;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
	}
	if (parse(argc, argv, &o))
		return 2;
	return o.config ? run_full(&o) : run_quick(&o);
}

const struct command cmd_simulate = {
	"simulate", "simulate callers and agents through the routing engine",
	simulate_run
};
