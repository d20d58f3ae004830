/* full.c — a whole center in the simulator: streams from the traffic
 * table, shifts from the agent list, KPIs per queue, tenant and site. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/center.h"
#include "config/traffic.h"
#include "sim/full.h"
#include "wfm/wfm.h"

#define DAY_MS 86400000LL
#define H_MS 3600000LL
#define M_MS 60000LL

/* The position agent i sits at: the first free one on its preferred
 * site, else the first free one anywhere, else shared (its logins are
 * then retried while the position is taken). */
static const char *seat(const struct center *c, size_t i, bool *taken)
{
	const struct center_agent *a = &c->agents[i];
	const char *site = NULL;

	for (size_t j = 0; j < a->n_members && !site; j++) {
		const struct center_queue *q =
			center_queue_find(c, a->members[j].queue);
		if (q && q->acd.sites) {
			static char first[CENTER_ID_MAX + 1];
			size_t n = strcspn(q->acd.sites, " ");
			if (n > CENTER_ID_MAX)
				n = CENTER_ID_MAX;
			memcpy(first, q->acd.sites, n);
			first[n] = '\0';
			site = first;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t p = 0; p < c->n_positions; p++) {
			if (taken[p])
				continue;
			if (pass == 0 && (!site ||
					  strcmp(c->positions[p].site, site)))
				continue;
			taken[p] = true;
			return c->positions[p].id;
		}
	}
	return c->n_positions ? c->positions[i % c->n_positions].id : NULL;
}

/* The run's event observer: the KPIs, then the caller's tap. */
struct observer {
	struct kpi *kpi;
	acd_event_h *tap;
	void *tap_arg;
};

static void observe(const struct acd_event *ev, void *arg)
{
	struct observer *o = arg;

	kpi_event(ev, o->kpi);
	if (o->tap)
		o->tap(ev, o->tap_arg);
}

int sim_center_run(const struct center *c, const struct traffic *t,
		   unsigned days, uint64_t seed, double ring_s,
		   sim_progress_h *ph, acd_event_h *tap, void *tap_arg,
		   struct kpi **kpip, struct sim_stats *stats, char *err,
		   size_t errsz)
{
	struct observer obs;
	struct sim_stream *streams = NULL;
	struct sim_shift *shifts = NULL;
	const char **seats = NULL;
	bool *taken = NULL;
	bool open_day[7] = {false};
	size_t ns = 0, nsh = 0;
	struct sim_conf sc;
	struct sim_stats st;
	struct acd *acd = NULL;
	struct sim *sim = NULL;
	struct kpi *kpi = NULL;
	int e;

	if (err && errsz)
		err[0] = '\0';
	if (!c || !t || !days || days > 366 || !kpip || !(ring_s >= 0))
		return EINVAL;
	if (!c->n_positions || !c->n_agents) {
		snprintf(err, errsz, "the center has no agents or positions");
		return EINVAL;
	}
	streams = calloc(t->n * days, sizeof(*streams));
	shifts = calloc(c->n_agents * days, sizeof(*shifts));
	seats = calloc(c->n_agents, sizeof(*seats));
	taken = calloc(c->n_positions, sizeof(*taken));
	if (!streams || !shifts || !seats || !taken) {
		e = ENOMEM;
		goto out;
	}
	for (unsigned d = 0; d < days; d++) {
		for (size_t i = 0; i < t->n; i++) {
			const struct traffic_row *r = &t->rows[i];
			struct sim_stream *s = &streams[ns];

			if (r->dow != TRAFFIC_EVERY_DAY && r->dow != (int)(d % 7))
				continue;
			s->queue = r->queue;
			s->start = d * DAY_MS + r->start_ms;
			s->end = s->start + r->len_ms;
			s->calls = r->calls;
			s->aht_s = r->aht_s;
			s->patience_s = r->patience_s;
			s->skills = r->skills;
			ns++;
		}
	}
	for (size_t i = 0; i < c->n_agents; i++)
		seats[i] = seat(c, i, taken);
	/* a day of the week with no calls in the traffic is a closed day:
	 * nobody works then */
	for (size_t i = 0; i < t->n; i++) {
		const struct traffic_row *r = &t->rows[i];

		if (!(r->calls > 0))
			continue;
		for (int w = 0; w < 7; w++)
			if (r->dow == TRAFFIC_EVERY_DAY || r->dow == w)
				open_day[w] = true;
	}
	for (unsigned d = 0; d < days; d++) {
		if (!open_day[d % 7])
			continue;
		for (size_t i = 0; i < c->n_agents; i++) {
			struct sim_shift *sh = &shifts[nsh++];
			acd_ms_t start = d * DAY_MS + (i % 2 ? 12 : 8) * H_MS;

			sh->agent = c->agents[i].id;
			sh->position = seats[i];
			sh->start = start;
			sh->end = start + SIM_SHIFT_H * H_MS;
			/* a quarter of each shift pauses at a time */
			acd_ms_t k = (acd_ms_t)((i / 2) % 4);

			sh->pauses[0] = (struct sim_pause){start + 105 * M_MS +
				k * 15 * M_MS, 15 * M_MS, "break"};
			sh->pauses[1] = (struct sim_pause){start + 210 * M_MS +
				k * 30 * M_MS, 30 * M_MS, "lunch"};
			sh->pauses[2] = (struct sim_pause){start + 360 * M_MS +
				k * 15 * M_MS, 15 * M_MS, "break"};
			sh->n_pauses = 3;
		}
	}

	e = kpi_alloc(&kpi, 20000);
	for (size_t i = 0; !e && i < c->n_queues; i++)
		e = kpi_queue_declare(kpi, c->queues[i].id,
				      c->queues[i].tenant,
				      c->queues[i].acd.sl_time_ms);
	if (e)
		goto out;
	memset(&sc, 0, sizeof(sc));
	sc.seed = seed;
	sc.end = (acd_ms_t)days * DAY_MS;
	sc.drain_ms = 4 * H_MS;
	sc.ring_ms = (acd_ms_t)llround(ring_s * 1000);
	sc.handle = SIM_DIST_LOGNORMAL;
	sc.handle_cv = 0.8;
	sc.streams = streams;
	sc.n_streams = ns;
	sc.shifts = shifts;
	sc.n_shifts = nsh;
	obs.kpi = kpi;
	obs.tap = tap;
	obs.tap_arg = tap_arg;
	sc.eh = observe;
	sc.arg = &obs;
	sc.progress = ph;
	e = sim_alloc(&sim, &sc);
	if (!e)
		e = acd_alloc(&acd, seed, sim_event_h, sim);
	if (!e) {
		e = center_apply(c, acd);
		if (e)
			snprintf(err, errsz, "%s", acd_errmsg(acd));
	}
	if (!e) {
		e = sim_run(sim, acd, &st);
		if (e)
			snprintf(err, errsz, "%s", acd_errmsg(acd));
	}
	if (!e) {
		kpi_close(kpi, st.end);
		e = kpi_error(kpi);
	}
 out:
	acd_free(acd);
	sim_free(sim);
	free(streams);
	free(shifts);
	free(seats);
	free(taken);
	if (e) {
		kpi_free(kpi);
		return e;
	}
	if (stats)
		*stats = st;
	*kpip = kpi;
	return 0;
}

/* ---------------------------------------------------------------------
 * What Erlang says the traffic needs
 * ------------------------------------------------------------------- */

/* One queue's traffic in one interval of one simulated day. */
struct slot {
	size_t queue;              /* index in the center's queues          */
	acd_ms_t start, len;       /* the interval, ms                      */
	double calls;              /* expected calls                        */
	double aht_calls;          /* sum of calls x handle time, s         */
	double pat_calls;          /* sum of calls x patience, rows with one*/
	double calls_pat;          /* calls of the rows with a patience     */
};

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->queue != y->queue)
		return x->queue < y->queue ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->len > y->len) - (x->len < y->len);
}

/* A step of the running count of agents (or intervals) in a sweep. */
struct edge {
	acd_ms_t t;                /* when, ms                              */
	long delta;                /* + at a start, - at an end             */
};

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	/* ends before starts at the same instant */
	return (x->delta > y->delta) - (x->delta < y->delta);
}

void sim_needs_free(struct sim_needs *n)
{
	if (!n)
		return;
	free(n->q);
	memset(n, 0, sizeof(*n));
}

int sim_center_needs(const struct center *c, const struct traffic *t,
		     unsigned days, struct sim_needs *np, char *err,
		     size_t errsz)
{
	struct sim_needs nd = {0};
	struct slot *sl = NULL;
	struct edge *need_e = NULL, *open_e = NULL;
	size_t n = 0, m = 0, ne = 0;
	long run = 0, open = 0;
	int e = 0;

	if (err && errsz)
		err[0] = '\0';
	if (!c || !t || !days || days > 366 || !np)
		return EINVAL;
	sl = calloc(t->n * days + 1, sizeof(*sl));
	nd.q = calloc(c->n_queues + 1, sizeof(*nd.q));
	if (!sl || !nd.q) {
		e = ENOMEM;
		goto out;
	}
	nd.n = c->n_queues;
	for (size_t i = 0; i < c->n_queues; i++)
		nd.q[i].queue = c->queues[i].id;
	for (unsigned d = 0; d < days; d++) {
		for (size_t i = 0; i < t->n; i++) {
			const struct traffic_row *r = &t->rows[i];
			const struct center_queue *q =
				center_queue_find(c, r->queue);
			struct slot *s = &sl[n];

			if ((r->dow != TRAFFIC_EVERY_DAY &&
			     r->dow != (int)(d % 7)) || !(r->calls > 0) || !q)
				continue;
			s->queue = (size_t)(q - c->queues);
			s->start = d * DAY_MS + r->start_ms;
			s->len = r->len_ms;
			s->calls = r->calls;
			s->aht_calls = r->calls * r->aht_s;
			if (r->patience_s > 0) {
				s->pat_calls = r->calls * r->patience_s;
				s->calls_pat = r->calls;
			}
			n++;
		}
	}
	/* rows of the same queue and interval add up */
	qsort(sl, n, sizeof(*sl), slot_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && !slot_cmp(&sl[m - 1], &sl[i])) {
			sl[m - 1].calls += sl[i].calls;
			sl[m - 1].aht_calls += sl[i].aht_calls;
			sl[m - 1].pat_calls += sl[i].pat_calls;
			sl[m - 1].calls_pat += sl[i].calls_pat;
		}
		else {
			sl[m++] = sl[i];
		}
	}
	need_e = calloc(2 * m + 1, sizeof(*need_e));
	open_e = calloc(2 * m + 1, sizeof(*open_e));
	if (!need_e || !open_e) {
		e = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < m; i++) {
		const struct slot *s = &sl[i];
		const struct acd_queue_conf *qc = &c->queues[s->queue].acd;
		struct sim_need *q = &nd.q[s->queue];
		struct wfm_traffic tr = {0};
		struct wfm_targets tg = {0};
		enum wfm_model model = WFM_ERLANG_C;
		double len_s = (double)s->len / 1000.0;
		unsigned agents = 0;

		tr.aht_s = s->aht_calls / s->calls +
			(double)qc->wrapup_ms / 1000.0;
		tr.load = s->calls * tr.aht_s / len_s;
		tr.target_s = (double)qc->sl_time_ms / 1000.0;
		if (s->calls_pat > 0) {
			model = WFM_ERLANG_A;
			tr.patience_s = s->pat_calls / s->calls_pat;
			q->erlang_a = true;
		}
		tg.sl = qc->sl_target;
		e = wfm_solve(model, &tr, &tg, &agents, NULL);
		if (e) {
			snprintf(err, errsz, "queue '%s', day %lld at %02lld:%02lld:"
				 " %.1f Erlangs cannot be staffed (%s)",
				 q->queue, (long long)(s->start / DAY_MS),
				 (long long)(s->start % DAY_MS / H_MS),
				 (long long)(s->start % H_MS / M_MS),
				 tr.load, e == ERANGE ? "more than the most "
				 "agents solved" : "bad traffic");
			goto out;
		}
		q->calls += s->calls;
		q->open_ms += (double)s->len;
		q->load_ms += tr.load * (double)s->len;
		q->need_ms += (double)agents * (double)s->len;
		if (agents > q->peak)
			q->peak = agents;
		nd.need_ms += (double)agents * (double)s->len;
		need_e[ne] = (struct edge){s->start, (long)agents};
		open_e[ne++] = (struct edge){s->start, 1};
		need_e[ne] = (struct edge){s->start + s->len, -(long)agents};
		open_e[ne++] = (struct edge){s->start + s->len, -1};
	}
	qsort(need_e, ne, sizeof(*need_e), edge_cmp);
	qsort(open_e, ne, sizeof(*open_e), edge_cmp);
	for (size_t i = 0; i < ne; i++) {
		run += need_e[i].delta;
		if (run > (long)nd.peak)
			nd.peak = (unsigned)run;
		if (open > 0)
			nd.open_ms += (double)(open_e[i].t - open_e[i - 1].t);
		open += open_e[i].delta;
	}
 out:
	free(sl);
	free(need_e);
	free(open_e);
	if (e) {
		free(nd.q);
		return e;
	}
	*np = nd;
	return 0;
}
