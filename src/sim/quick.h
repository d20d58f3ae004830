/* quick.h — one queue, N identical agents, Poisson callers: the model
 * behind Erlang C and A, simulated through the real engine. */
#ifndef PLATEAU_SIM_QUICK_H
#define PLATEAU_SIM_QUICK_H

#include <stdint.h>
#include "report/kpi.h"
#include "sim/sim.h"

struct sim_quick {
	unsigned agents;           /* N, all logged in throughout           */
	double calls;              /* arrivals per interval (mean)          */
	double interval_s;         /* the interval, s                       */
	double aht_s;              /* mean handle time, s                   */
	double target_s;           /* service-level threshold T, s          */
	double patience_s;         /* mean patience, s; 0 = none (Erlang C) */
	double hours;              /* simulated time, h                     */
	double ring_s;             /* ring before the agent answers; 0      */
	double wrapup_s;           /* after-call work; 0 (Erlang has none)  */
	enum sim_dist handle;      /* handle-time distribution              */
	double handle_cv;          /* lognormal only                        */
	uint64_t seed;
};

#define SIM_QUICK_MAX_AGENTS 10000

/* Runs it and writes the figures; stats may be NULL. EINVAL on bad
 * parameters (the message, if any, in why), ENOMEM. */
int sim_quick_run(const struct sim_quick *q, struct kpi_figures *fp,
		  struct sim_stats *stats, sim_progress_h *ph, void *parg,
		  char *why, size_t whysz);

#endif
