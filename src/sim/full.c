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

int sim_center_run(const struct center *c, const struct traffic *t,
		   unsigned days, uint64_t seed, double ring_s,
		   sim_progress_h *ph, struct kpi **kpip,
		   struct sim_stats *stats, char *err, size_t errsz)
{
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
	sc.eh = kpi_event;
	sc.arg = kpi;
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
