/* quick.c — builds a one-queue center in an engine and simulates it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "sim/quick.h"

static void both(const struct acd_event *ev, void *arg)
{
	kpi_event(ev, arg);
}

int sim_quick_run(const struct sim_quick *q, struct kpi_figures *fp,
		  struct sim_stats *stats, sim_progress_h *ph, void *parg,
		  char *why, size_t whysz)
{
	struct acd_queue_conf qc;
	struct sim_conf sc = {0};
	struct sim_stream stream = {0};
	struct sim_shift *shifts = NULL;
	struct sim_stats st;
	struct acd *acd = NULL;
	struct sim *sim = NULL;
	struct kpi *kpi = NULL;
	char (*ids)[2][24] = NULL;
	acd_ms_t end;
	int err;

	if (!q || !fp || !q->agents || q->agents > SIM_QUICK_MAX_AGENTS ||
	    !(q->calls >= 0) || !(q->interval_s > 0) || !(q->aht_s > 0) ||
	    !(q->target_s >= 0) || !(q->patience_s >= 0) ||
	    !(q->hours > 0) || q->hours > 1e6 || !(q->ring_s >= 0) ||
	    !(q->wrapup_s >= 0))
		return EINVAL;
	end = (acd_ms_t)llround(q->hours * 3600000.0);

	shifts = calloc(q->agents, sizeof(*shifts));
	ids = calloc(q->agents, sizeof(*ids));
	if (!shifts || !ids) {
		err = ENOMEM;
		goto out;
	}
	err = kpi_alloc(&kpi, (acd_ms_t)llround(q->target_s * 1000));
	if (err)
		goto out;
	stream.queue = "q";
	stream.start = 0;
	stream.end = end;
	stream.calls = q->calls * (q->hours * 3600.0 / q->interval_s);
	stream.aht_s = q->aht_s;
	stream.patience_s = q->patience_s;
	for (unsigned i = 0; i < q->agents; i++) {
		snprintf(ids[i][0], sizeof(ids[i][0]), "a%u", i + 1);
		snprintf(ids[i][1], sizeof(ids[i][1]), "p%u", i + 1);
		shifts[i].agent = ids[i][0];
		shifts[i].position = ids[i][1];
		shifts[i].start = 0;
		shifts[i].end = ACD_NEVER / 2;   /* never logs out */
	}
	sc.seed = q->seed;
	sc.end = end;
	/* let calls in flight finish; a Erlang C queue drains fast unless
	 * it is unstable, then this bound stops it */
	sc.drain_ms = 24 * 3600000;
	sc.ring_ms = (acd_ms_t)llround(q->ring_s * 1000);
	sc.handle = q->handle;
	sc.handle_cv = q->handle_cv;
	sc.streams = &stream;
	sc.n_streams = 1;
	sc.shifts = shifts;
	sc.n_shifts = q->agents;
	sc.eh = both;
	sc.arg = kpi;
	sc.progress = ph;
	sc.progress_arg = parg;
	err = sim_alloc(&sim, &sc);
	if (err)
		goto out;
	err = acd_alloc(&acd, q->seed, sim_event_h, sim);
	if (err)
		goto out;

	acd_queue_conf_init(&qc);
	qc.id = "q";
	qc.tenant = "t";
	qc.sl_time_ms = (acd_ms_t)llround(q->target_s * 1000);
	qc.ring_timeout_ms = sc.ring_ms + 60000;
	qc.wrapup_ms = (acd_ms_t)llround(q->wrapup_s * 1000);
	qc.max_no_answer = 0;
	qc.announce_ms = 0;
	err = acd_tenant_add(acd, "t");
	if (!err)
		err = acd_site_add(acd, "s");
	if (!err)
		err = acd_queue_add(acd, &qc);
	for (unsigned i = 0; i < q->agents && !err; i++) {
		struct acd_agent_conf ac = {ids[i][0], NULL, NULL};

		err = acd_position_add(acd, ids[i][1], "s");
		if (!err)
			err = acd_agent_add(acd, &ac);
		if (!err)
			err = acd_member_add(acd, "q", ids[i][0], 1);
	}
	if (err) {
		if (why && whysz)
			snprintf(why, whysz, "%s", acd_errmsg(acd));
		goto out;
	}
	err = sim_run(sim, acd, &st);
	if (err) {
		if (why && whysz)
			snprintf(why, whysz, "%s", acd_errmsg(acd));
		goto out;
	}
	kpi_close(kpi, st.end);
	err = kpi_error(kpi);
	if (err)
		goto out;
	kpi_figures(kpi_total(kpi), fp);
	if (stats)
		*stats = st;
 out:
	acd_free(acd);
	sim_free(sim);
	kpi_free(kpi);
	free(shifts);
	free(ids);
	return err;
}
