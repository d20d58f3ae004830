/* wfm.h — staffing math: exact Erlang B, C and A, and solving for agents. */
#ifndef PLATEAU_WFM_H
#define PLATEAU_WFM_H

#include <stdbool.h>
#include <stdint.h>

/* Everything here is pure: no I/O, no clock, no global state, no heap.
 *
 * The models (docs/staffing.md gives the formulas):
 * - Erlang B (M/M/N/N): blocked calls are cleared; answers lines needed.
 * - Erlang C (M/M/N): callers wait forever, served first come first
 *   served; unstable (the queue grows without end) when load >= agents.
 * - Erlang A (M/M/N+M): callers abandon after an exponential patience of
 *   mean patience_s; always stable.
 *
 * Results are numerically exact (relative error under 1e-9, checked
 * against a high-precision reference in tests/unit/test_erlang.c) from 1
 * to WFM_MAX_AGENTS agents and loads up to WFM_MAX_LOAD Erlangs: nothing
 * is computed with factorials or powers; the Erlang B recursion and the
 * Erlang A series are carried with a binary exponent of their own, and
 * have positive terms only (no difference that could cancel), even for a
 * service level of 1e-116 in deep overload. */

#define WFM_MAX_AGENTS 20000      /* agents (or lines) evaluated/solved */
#define WFM_MAX_LOAD 10000.0      /* offered load, Erlangs              */
#define WFM_MAX_PATIENCE_S 86400.0  /* mean patience, s                 */
#define WFM_MAX_PATIENCE_AHT 1000.0 /* mean patience / AHT              */

enum wfm_model {
	WFM_ERLANG_B,  /* loss system: lines for a blocking target       */
	WFM_ERLANG_C,  /* delay system, infinite patience                */
	WFM_ERLANG_A,  /* delay system with exponential abandonment      */
};

/* The traffic and the service-level threshold. */
struct wfm_traffic {
	double load;        /* offered load A = calls * AHT / interval, Erl */
	double aht_s;       /* mean handle time, s (> 0)                    */
	double target_s;    /* service-level threshold T, s (>= 0)          */
	double patience_s;  /* Erlang A: mean patience, s (> 0)             */
};

/* What a staffing of N agents gives. Probabilities are over all calls. */
struct wfm_eval {
	enum wfm_model model;   /* which formulas produced this           */
	double load;            /* offered load A, Erlangs                 */
	unsigned agents;        /* N, agents (Erlang B: lines)             */
	bool stable;            /* false only for Erlang C with A >= N     */
	double p_wait;          /* P(a call waits at all); B: 0            */
	double service_level;   /* P(answered within T); B: 1 - blocking   */
	bool has_asa;           /* asa_s is finite (false when unstable)   */
	double asa_s;           /* C: mean wait of all calls, s;
				 * A: mean wait of answered calls, s;
				 * B: 0                                    */
	double occupancy;       /* carried load / N, in [0, 1]             */
	double p_abandon;       /* A: P(a call abandons); else 0           */
	double asa_answered_s;  /* A: mean wait of answered calls, s       */
	double mean_wait_all_s; /* A: mean time in queue, all calls, s     */
	double blocking;        /* B: P(a call is blocked); else 0         */
};

/* Staffing targets; a field at 0 is "no target". */
struct wfm_targets {
	double sl;            /* service level to reach, in (0, 1]        */
	double asa_s;         /* highest ASA, s (> 0)                     */
	double max_occupancy; /* highest occupancy, in (0, 1]             */
	double max_abandon;   /* Erlang A: highest P(abandon), in (0, 1)  */
	double blocking;      /* Erlang B: highest blocking, in (0, 1)    */
};

/* Erlang B blocking probability B(N, A) for n lines (n >= 0) and load A
 * (0 <= A <= WFM_MAX_LOAD) into *bp; EINVAL on bad arguments. O(n).
 * Underflows to 0 only when B is below about 1e-308. */
int wfm_erlang_b(double load, unsigned n, double *bp);

/* Evaluates n agents (1 <= n <= WFM_MAX_AGENTS) under model m into *ep.
 * Erlang C with load >= n gives stable = false, p_wait = 1,
 * service_level = 0, has_asa = false, occupancy = 1. Returns EINVAL on
 * bad arguments (*ep untouched). O(n) for B and C; Erlang A adds a series
 * of O(sqrt(x) + max(0, x - a)) terms, x = A*patience/AHT,
 * a = N*patience/AHT (see docs/staffing.md). */
int wfm_eval(enum wfm_model m, const struct wfm_traffic *t, unsigned n,
	     struct wfm_eval *ep);

/* True when e meets every target in tg (a relative slack of 1e-12 is
 * allowed, so that a target met exactly in decimal is not missed by a
 * rounding in binary). */
bool wfm_meets(const struct wfm_eval *e, const struct wfm_targets *tg);

/* The smallest number of agents (lines for Erlang B) that meets every
 * target in tg, into *np, with its evaluation into *ep (may be NULL).
 * Zero load needs 0 agents (*ep then says so). Needs at least one target;
 * Erlang B needs tg->blocking. Returns EINVAL on bad arguments, ERANGE
 * when more than WFM_MAX_AGENTS would be needed; outputs untouched on
 * error. Erlang B and C walk N upward with the O(1) Erlang B step, so a
 * solve is O(N); Erlang A bisects, O(log N) evaluations. */
int wfm_solve(enum wfm_model m, const struct wfm_traffic *t,
	      const struct wfm_targets *tg, unsigned *np,
	      struct wfm_eval *ep);

/* Shrinkage is held exactly, in parts per billion: 0.3 is 300000000. */
#define WFM_PPB 1000000000u

/* Scheduled agents for n agents on the phones after shrinkage
 * shrink_ppb / WFM_PPB (0 <= shrink_ppb < WFM_PPB):
 * ceil(n / (1 - shrinkage)), in integer arithmetic, so 21 agents at 30 %
 * shrinkage is 30, not 31. EINVAL on bad arguments, ERANGE if the result
 * exceeds UINT32_MAX. */
int wfm_scheduled(unsigned n, uint32_t shrink_ppb, unsigned *sp);

/* Parses a decimal fraction in [0, 1] with at most 9 decimals ("0.3",
 * ".25", "1", "0.125") exactly into parts per billion. No sign, exponent
 * or spaces. EINVAL otherwise, *ppbp untouched. */
int wfm_ppb_parse(const char *s, uint32_t *ppbp);

/* The model's name as printed: "erlang-b", "erlang-c", "erlang-a". */
const char *wfm_model_name(enum wfm_model m);

#endif
