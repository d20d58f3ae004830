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
 * On error, a message in err. */
int sim_center_run(const struct center *c, const struct traffic *t,
		   unsigned days, uint64_t seed, double ring_s,
		   sim_progress_h *ph, struct kpi **kpip,
		   struct sim_stats *stats, char *err, size_t errsz);

#endif
