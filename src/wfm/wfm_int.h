/* wfm_int.h — private helpers shared by the files of src/wfm/. */
#ifndef PLATEAU_WFM_INT_H
#define PLATEAU_WFM_INT_H

#include <math.h>

/* The inverse of Erlang B, 1/B(n, A), by the recursion
 * 1/B(n) = 1 + (n/A) / B(n-1), 1/B(0) = 1, carried as a mantissa and a
 * binary exponent so that it never overflows (1/B(10000, 1) is about
 * 10^35659). Only A > 0. */
struct wfm_binv {
	double m;       /* 1/B(n) = m * 2^e                              */
	double q;       /* 1/B(n) - 1 = q * 2^e, kept apart for accuracy */
	int e;          /* binary exponent shared by m and q             */
	double one;     /* 1 in that scale: 2^-e (0 once below range)    */
	unsigned n;     /* lines so far                                   */
};

void wfm_binv_init(struct wfm_binv *b);
void wfm_binv_step(struct wfm_binv *b, double load);
void wfm_binv_to(struct wfm_binv *b, double load, unsigned n);

/* log(1/B(n)) and log(1/B(n) - 1) (the latter -inf for n = 0). */
double wfm_binv_log(const struct wfm_binv *b);
double wfm_binv_logq(const struct wfm_binv *b);

/* log(1 + e^l) without overflow or loss for l of any size. */
double wfm_log1pexp(double l);

/* log(e^u + e^v). */
double wfm_logaddexp(double u, double v);

/* Erlang C at b->n agents from its Erlang B state (load > 0). */
void wfm_erlang_c_at(const struct wfm_traffic *t, const struct wfm_binv *b,
		     struct wfm_eval *ep);

/* Erlang A at b->n agents from its Erlang B state (load > 0). */
void wfm_erlang_a_at(const struct wfm_traffic *t, const struct wfm_binv *b,
		     struct wfm_eval *ep);

/* Erlang B at b->n lines from its state (load > 0). */
void wfm_erlang_b_at(const struct wfm_traffic *t, const struct wfm_binv *b,
		     struct wfm_eval *ep);

#endif
