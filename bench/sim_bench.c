/* sim_bench.c — simulated calls per second of wall time: the simulator
 * with the real engine against a bare event heap doing the same draws,
 * in the same run. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "sim/quick.h"
#include "sim/sim.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The reference: Poisson arrivals and exponential handle times through a
 * binary heap of (time) values, one arrival and one end event per call,
 * no engine. Returns events processed. */
static unsigned long long bare_heap(unsigned long long calls, double rate,
				    double aht)
{
	double *h = malloc(sizeof(*h) * 64);
	size_t n = 0, cap = 64;
	struct sim_rng r;
	double t = 0, sink = 0;
	unsigned long long done = 0, ev = 0;

	sim_rng_seed(&r, 1);
	while (done < calls) {
		double x;
		size_t i;

		t += sim_rng_exp(&r, 1 / rate);
		/* push the call's end */
		x = t + sim_rng_exp(&r, aht);
		if (n == cap) {
			cap *= 2;
			h = realloc(h, sizeof(*h) * cap);
		}
		for (i = n++; i > 0 && h[(i - 1) / 2] > x; i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = x;
		ev++;
		/* pop every end due before the next arrival */
		while (n && h[0] <= t) {
			double last = h[--n];
			size_t j = 0;

			sink += h[0];
			for (;;) {
				size_t c = 2 * j + 1;
				if (c >= n)
					break;
				if (c + 1 < n && h[c + 1] < h[c])
					c++;
				if (h[c] >= last)
					break;
				h[j] = h[c];
				j = c;
			}
			if (n)
				h[j] = last;
			ev++;
		}
		done++;
	}
	free(h);
	if (sink < 0)
		printf("impossible\n");
	return ev;
}

int main(void)
{
	struct sim_quick q = {0};
	struct kpi_figures f;
	struct sim_stats st;
	double t0, t1, t2;
	unsigned long long ev;

	q.agents = 14;
	q.calls = 100;
	q.interval_s = 1800;
	q.aht_s = 180;
	q.target_s = 20;
	q.patience_s = 120;
	q.hours = 2000;
	q.seed = 1;
	t0 = now_s();
	if (sim_quick_run(&q, &f, &st, NULL, NULL, NULL, 0))
		return 1;
	t1 = now_s();
	ev = bare_heap(st.arrivals, 100.0 / 1800, 180);
	t2 = now_s();
	printf("simulator (engine + heap + KPIs): %llu calls, %llu engine "
	       "events in %.3f s: %.0f calls/s\n",
	       (unsigned long long)st.arrivals,
	       (unsigned long long)st.events, t1 - t0,
	       st.arrivals / (t1 - t0));
	printf("reference (bare event heap, same draws): %llu events in "
	       "%.3f s: %.0f calls/s\n", ev, t2 - t1,
	       st.arrivals / (t2 - t1));
	printf("ratio simulator / reference: %.1fx slower\n",
	       (t1 - t0) / (t2 - t1));
	return 0;
}
