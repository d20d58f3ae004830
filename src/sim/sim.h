/* sim.h — a discrete-event simulator of a contact center that drives the
 * real routing engine (src/acd) through its public inputs only. */
#ifndef PLATEAU_SIM_H
#define PLATEAU_SIM_H

/*
 * Synthetic callers arrive (Poisson, a rate per interval and queue), wait
 * with a patience (exponential, or none), are offered by the engine to
 * agents who answer after a ring delay, talk for a handle time
 * (exponential or lognormal) and hang up; agents log in and out by shift
 * and pause. Everything happens on a virtual clock: an event heap of
 * arrivals, answers, hangups, patience expiries, shift and pause edges,
 * merged with the engine's own acd_next_deadline().
 *
 * Pure: no I/O, no clock, no global state; randomness from the sim's own
 * xoshiro256** generator seeded by conf.seed, so the same configuration
 * and seed give the same events, byte for byte.
 *
 * Use: sim_alloc(); acd_alloc(..., sim_event_h, sim); configure the
 * engine (center_apply or by hand); sim_run(); read sim_stats; free both
 * (the engine first or last, either way).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "acd/acd.h"

/* Handle-time distributions. */
enum sim_dist {
	SIM_DIST_EXP = 0,          /* exponential with the given mean       */
	SIM_DIST_LOGNORMAL,        /* lognormal with the mean and handle_cv */
};

/* Poisson traffic into one queue over one interval [start, end). */
struct sim_stream {
	const char *queue;         /* queue id                              */
	acd_ms_t start, end;       /* the interval, ms                      */
	double calls;              /* expected arrivals in the interval     */
	double aht_s;              /* mean handle (talk) time, s (> 0)      */
	double patience_s;         /* mean patience, s; 0 = callers never
				      hang up while waiting                 */
	const char *skills;        /* call skills (e.g. "lang:ar>=3"), NULL */
	int priority;              /* call priority                         */
};

/* A pause within a shift. */
struct sim_pause {
	acd_ms_t at;               /* when it starts, ms                    */
	acd_ms_t len_ms;           /* how long, ms                          */
	const char *reason;        /* pause reason                          */
};

#define SIM_MAX_PAUSES 4

/* An agent's shift at a position. */
struct sim_shift {
	const char *agent;         /* agent id                              */
	const char *position;      /* position id                           */
	acd_ms_t start, end;       /* login and logout, ms                  */
	struct sim_pause pauses[SIM_MAX_PAUSES];
	size_t n_pauses;
};

typedef void (sim_progress_h)(acd_ms_t now, acd_ms_t end, void *arg);

struct sim_conf {
	uint64_t seed;             /* PRNG seed                             */
	acd_ms_t end;              /* arrivals stop here, ms                */
	acd_ms_t drain_ms;         /* after end, run on at most this long
				      so calls in flight finish             */
	acd_ms_t ring_ms;          /* agents answer after this ring, ms     */
	enum sim_dist handle;      /* handle-time distribution              */
	double handle_cv;          /* lognormal: std-dev / mean (> 0)       */
	const struct sim_stream *streams; /* not copied: must outlive run   */
	size_t n_streams;
	const struct sim_shift *shifts;   /* not copied either              */
	size_t n_shifts;
	acd_event_h *eh;           /* observer of every engine event (KPIs),
				      or NULL                               */
	void *arg;                 /* its argument                          */
	sim_progress_h *progress;  /* called now and then, or NULL          */
	void *progress_arg;
};

struct sim_stats {
	uint64_t arrivals;         /* calls generated                       */
	uint64_t events;           /* engine events seen                    */
	uint64_t inputs;           /* engine inputs made (ticks included)   */
	uint64_t refused;          /* inputs the engine refused (retried or
				      dropped, e.g. logout while on a call) */
	acd_ms_t end;              /* virtual time at the end, ms           */
	uint64_t in_flight;        /* calls unresolved at the end           */
};

struct sim;

int sim_alloc(struct sim **simp, const struct sim_conf *conf);
struct sim *sim_free(struct sim *sim);

/* The engine's event handler: give it to acd_alloc() with the sim. */
void sim_event_h(const struct acd_event *ev, void *arg);

/* Runs to the end. EINVAL bad configuration (unknown queue, agent or
 * position is found by the engine: acd_errmsg says which), ENOMEM. */
int sim_run(struct sim *sim, struct acd *acd, struct sim_stats *stats);

/* The PRNG, exposed for tests: xoshiro256** seeded by splitmix64. */
struct sim_rng {
	uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
double sim_rng_uniform(struct sim_rng *r);          /* in (0, 1)         */
double sim_rng_exp(struct sim_rng *r, double mean);
double sim_rng_lognormal(struct sim_rng *r, double mean, double cv);

#endif
