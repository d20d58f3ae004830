/* erlang_bench.c — time of a staffing solve at 10,000 agents, against a
 * naive solve measured in the same run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "wfm/wfm.h"

/*
 * usage: erlang_bench
 * 1. wfm_solve, Erlang C, 9999 Erlangs (AHT 180 s), 80 % in 20 s: the
 *    answer is about 10,050 agents. plateau walks N up from floor(A)+1
 *    with the O(1) Erlang B step: O(N) in all.
 * 2. Reference, same answer: the textbook solve, trying N = 1, 2, ...
 *    and computing each Erlang C from scratch with the plain Erlang B
 *    recursion in doubles: O(N^2).
 * 3. Reference: the same from-scratch recomputation, but starting at
 *    floor(A)+1 as plateau does: isolates the incremental step.
 * 4. wfm_solve, Erlang A (patience 120 s), same load and target.
 * 5. One wfm_eval, Erlang C and Erlang A, at 10,000 agents.
 * Each figure is the median of 7 runs of as many repetitions as fill
 * 0.1 s of this process's CPU time (the machine may be shared).
 */

/* Offered load in Erlangs of the case being timed (main() varies it). */
static double load = 9999.0;
#define AHT 180.0
#define TARGET 20.0
#define SL 0.8

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static volatile unsigned sink;

/* Erlang C service level from scratch: the plain recursion, no scaling
 * (fine at this load: B never underflows near N = A). */
static double naive_sl(double a, unsigned n)
{
	double b = 1, c;

	for (unsigned k = 1; k <= n; k++)
		b = a * b / (k + a * b);
	if (a >= n)
		return 0;
	c = n * b / (n - a * (1 - b));
	return 1 - c * exp(-(n - a) * TARGET / AHT);
}

static unsigned naive_solve(unsigned from)
{
	for (unsigned n = from;; n++) {
		if (naive_sl(load, n) >= SL)
			return n;
	}
}

enum which { PLATEAU_C, NAIVE_FROM_1, NAIVE_FROM_A, PLATEAU_A, EVAL_C,
	     EVAL_A };

static unsigned run_once(enum which w)
{
	struct wfm_traffic t = {.load = load, .aht_s = AHT,
				.target_s = TARGET, .patience_s = 120};
	struct wfm_targets tg = {.sl = SL};
	struct wfm_eval e;
	unsigned n = 0;

	switch (w) {
	case PLATEAU_C:
		if (wfm_solve(WFM_ERLANG_C, &t, &tg, &n, &e))
			abort();
		break;
	case NAIVE_FROM_1:
		n = naive_solve(1);
		break;
	case NAIVE_FROM_A:
		n = naive_solve((unsigned)floor(load) + 1);
		break;
	case PLATEAU_A:
		if (wfm_solve(WFM_ERLANG_A, &t, &tg, &n, &e))
			abort();
		break;
	case EVAL_C:
		if (wfm_eval(WFM_ERLANG_C, &t, 10000, &e))
			abort();
		n = e.agents;
		break;
	case EVAL_A:
		if (wfm_eval(WFM_ERLANG_A, &t, 10000, &e))
			abort();
		n = e.agents;
		break;
	}
	return n;
}

/* Median seconds per call. */
static double time_it(enum which w, unsigned *np)
{
	double runs[7];

	for (int r = 0; r < 7; r++) {
		unsigned reps = 0;
		double t0 = now_s(), t1;

		do {
			*np = run_once(w);
			sink += *np;
			reps++;
			t1 = now_s();
		} while (t1 - t0 < 0.1);
		runs[r] = (t1 - t0) / reps;
	}
	qsort(runs, 7, sizeof(runs[0]), cmp_double);
	return runs[3];
}

int main(void)
{
	unsigned n_c, n_1, n_a, n_ea, n_ec, n_ee;
	double t_c, t_1, t_a, t_ea, t_ec, t_ee;

	t_c = time_it(PLATEAU_C, &n_c);
	t_1 = time_it(NAIVE_FROM_1, &n_1);
	t_a = time_it(NAIVE_FROM_A, &n_a);
	t_ea = time_it(PLATEAU_A, &n_ea);
	t_ec = time_it(EVAL_C, &n_ec);
	t_ee = time_it(EVAL_A, &n_ee);
	if (n_c != n_1 || n_c != n_a) {
		fprintf(stderr, "answers differ: %u %u %u\n", n_c, n_1, n_a);
		return 1;
	}
	printf("staffing solve, %.0f Erlangs, AHT %.0f s, SL %.0f%% in "
	       "%.0f s\n", load, AHT, SL * 100, TARGET);
	printf("  erlang-c wfm_solve            %6u agents %12.1f us\n",
	       n_c, t_c * 1e6);
	printf("  erlang-c naive from N=1       %6u agents %12.1f us  "
	       "(%.0fx plateau)\n", n_1, t_1 * 1e6, t_1 / t_c);
	printf("  erlang-c naive from floor(A)+1 %5u agents %12.1f us  "
	       "(%.1fx plateau)\n", n_a, t_a * 1e6, t_a / t_c);
	printf("  erlang-a wfm_solve (pat 120s) %6u agents %12.1f us\n",
	       n_ea, t_ea * 1e6);
	printf("  erlang-c wfm_eval N=10000                   %12.1f us\n",
	       t_ec * 1e6);
	printf("  erlang-a wfm_eval N=10000                   %12.1f us\n",
	       t_ee * 1e6);

	/* The same solve at the sizes of a small team and of a big site. */
	static const double loads[] = {6.0, 980.0};
	printf("staffing solve by size (same targets)\n");
	for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
		load = loads[i];
		t_c = time_it(PLATEAU_C, &n_c);
		t_1 = time_it(NAIVE_FROM_1, &n_1);
		t_ea = time_it(PLATEAU_A, &n_ea);
		if (n_c != n_1) {
			fprintf(stderr, "answers differ: %u %u\n", n_c, n_1);
			return 1;
		}
		printf("  %6.0f Erlangs: erlang-c %6u agents %9.2f us "
		       "(naive from N=1 %.1fx), erlang-a %6u agents %9.2f us\n",
		       load, n_c, t_c * 1e6, t_1 / t_c, n_ea, t_ea * 1e6);
	}
	return 0;
}
