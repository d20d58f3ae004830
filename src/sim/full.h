/* full.h — simulates a whole center from its configuration and a traffic
 * table, with an automatic shift plan (docs/simulate.md). */
#ifndef PLATEAU_SIM_FULL_H
#define PLATEAU_SIM_FULL_H

#include <stddef.h>
#include <stdint.h>
#include "report/kpi.h"
#include "sim/sim.h"

struct center;
struct traffic;

/* Shift plan: agent i works every simulated day from 08:00 (even i) or
 * 12:00 (odd i) for 8 h with three pauses, staggered so that a quarter
 * of a shift pauses at a time: with k = (i / 2) % 4, "break" at +1:45 +
 * k x 15 min (15 min), "lunch" at +3:30 + k x 30 min (30 min) and
 * "break" at +6:00 + k x 15 min (15 min). It sits at a position of the
 * first site its queues name (else any), one position per agent while
 * they last. Nobody works on a day of the week the traffic has no
 * calls on (a closed day, e.g. Sunday). */
#define SIM_SHIFT_H 8

/* Runs `days` days (day 0 is a Monday) with lognormal handle times (cv
 * 0.8) and a ring of ring_s; *kpip gets the KPIs (free with kpi_free).
 * tap (may be NULL) sees every engine event after the KPIs, with
 * tap_arg (e.g. to write the event log as the server does). On error,
 * a message in err. */
int sim_center_run(const struct center *c, const struct traffic *t,
		   unsigned days, uint64_t seed, double ring_s,
		   sim_progress_h *ph, acd_event_h *tap, void *tap_arg,
		   struct kpi **kpip, struct sim_stats *stats, char *err,
		   size_t errsz);

/* What Erlang says a queue needs, over the simulated days: each
 * interval of the traffic (rows of the same queue and time added up) is
 * solved alone for the queue's service-level target (its
 * service_level.target within time_s) with AHT = the traffic's handle
 * time + the queue's wrap-up; Erlang A when the rows give a patience
 * (calls-weighted mean), else Erlang C. Queues are staffed as if each
 * had its own agents: the sum over queues is what a center without
 * shared, multi-skilled agents would need. */
struct sim_need {
	const char *queue;         /* queue id (the center's string)        */
	bool erlang_a;             /* some of its traffic has a patience    */
	double calls;              /* expected calls                        */
	double open_ms;            /* time its traffic covers, ms           */
	double load_ms;            /* offered load x time, Erlang-ms        */
	double need_ms;            /* agents needed x time, agent-ms        */
	unsigned peak;             /* most agents needed in one interval    */
};

struct sim_needs {
	struct sim_need *q;        /* one per queue, in the center's order  */
	size_t n;
	double open_ms;            /* time any queue has traffic, ms        */
	double need_ms;            /* sum over queues, agent-ms             */
	unsigned peak;             /* most agents needed at one instant,
				      all queues together                   */
};

/* Fills *np (free with sim_needs_free). EINVAL bad arguments, ERANGE
 * when an interval needs more than WFM_MAX_AGENTS (the message in err),
 * ENOMEM. */
int sim_center_needs(const struct center *c, const struct traffic *t,
		     unsigned days, struct sim_needs *np, char *err,
		     size_t errsz);
void sim_needs_free(struct sim_needs *n);

#endif
