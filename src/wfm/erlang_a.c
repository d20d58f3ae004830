/* erlang_a.c — Erlang A (M/M/N+M): queueing with exponential abandonment. */
#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include "wfm/wfm.h"
#include "wfm/wfm_int.h"

/* Notation (Mandelbaum & Zeltyn; docs/staffing.md derives each formula):
 * lambda = A/AHT arrivals per s, mu = 1/AHT, theta = 1/patience,
 * a = N mu / theta, x = lambda / theta, t_k = prod_{i=1..k} x / (a + i).
 * The birth-death chain of M/M/N+M has pi_{N+k} = pi_N t_k, and
 * sum_{j<N} pi_j = pi_N (1/B - 1) with B = Erlang B(N, A). So
 *   1/pi_N = (1/B - 1) + S,          S  = sum_k t_k   (= MZ's A(a, x))
 *   P(wait)      = pi_N S
 *   P(abandon)   = theta E[Q] / lambda = pi_N Dq / x,  Dq = sum_k k t_k
 * A caller finding k ahead waits V_k, a sum of exponentials of rates
 * N mu + j theta (j = 0..k), and is answered when V_k beats its patience:
 *   P(answered | k)        = E[e^{-theta V_k}] = a / (a + k + 1)
 *   E[V_k e^{-theta V_k}]  = a / (a + k + 1) * h_k / theta,
 *                            h_k = sum_{j=1..k+1} 1 / (a + j)
 * and the virtual wait V has (from the chain's generating function)
 *   P(answered, W > T) = pi_N a e^{-theta T}
 *                        e^{x (1 - e^{-theta T}) - N mu T} R(a, y),
 *   y = x e^{-theta T},  R(a, y) = sum_k y^k / prod_{i=1..k+1} (a + i)
 * (R is e^y y^{-a-1} gamma(a + 1, y), the lower incomplete gamma.)
 * When P(answered, W > T) is most of P(answered, W > 0), their difference
 * would cancel, and log_answered_within() sums P(answered, 0 < W <= T)
 * directly. Every series has positive terms only, summed with
 * compensation and carried with a binary exponent, so nothing cancels or
 * overflows. */

/* Terms are rescaled past 2^600; ldexp keeps it exact. */
#define RESCALE 0x1p600
#define RESCALE_BITS 600
/* A tail under 2^-60 of the sum is negligible. */
#define TAIL 0x1p-60

/* A compensated (Neumaier) running sum. */
struct ksum {
	double s;  /* the sum             */
	double c;  /* the lost low bits   */
};

static void ksum_add(struct ksum *k, double v)
{
	double t = k->s + v;

	if (fabs(k->s) >= fabs(v))
		k->c += (k->s - t) + v;
	else
		k->c += (v - t) + k->s;
	k->s = t;
}

static double ksum_get(const struct ksum *k)
{
	return k->s + k->c;
}

static void ksum_scale(struct ksum *k)
{
	k->s = ldexp(k->s, -RESCALE_BITS);
	k->c = ldexp(k->c, -RESCALE_BITS);
}

/* The series over t_k, each as log of its value. */
struct a_series {
	double log_s;    /* log sum_k t_k                              */
	double log_dq;   /* log sum_k k t_k (-inf when x = 0)          */
	double log_r0;   /* log sum_k t_k / (a + k + 1)                */
	double log_rw;   /* log sum_k t_k h_k / (a + k + 1)            */
};

static void series_t(double a, double x, struct a_series *out)
{
	struct ksum s = {0, 0}, dq = {0, 0}, r0 = {0, 0}, rw = {0, 0};
	struct ksum h = {0, 0};
	double t = 1.0;
	int e = 0;

	for (double k = 0;; k++) {
		double d = a + k + 1;
		double w = t / d;
		double ratio = x / d;

		ksum_add(&h, 1.0 / d);
		ksum_add(&s, t);
		ksum_add(&dq, k * t);
		ksum_add(&r0, w);
		ksum_add(&rw, w * ksum_get(&h));
		t *= ratio;
		if (t > RESCALE) {
			t = ldexp(t, -RESCALE_BITS);
			ksum_scale(&s);
			ksum_scale(&dq);
			ksum_scale(&r0);
			ksum_scale(&rw);
			e += RESCALE_BITS;
		}
		/* Past the peak the ratios only fall, so the tail of t is
		 * under t / (1 - ratio), that of k t_k under
		 * t ((k+1)/(1-ratio) + ratio/(1-ratio)^2). */
		if (ratio < 1) {
			double g = 1.0 / (1.0 - ratio);
			double tail_t = t * g;
			double tail_k = t * ((k + 1) * g + ratio * g * g);

			/* h_j <= h_k + (j - k)/d for the R weights. */
			double tail_w = t / d * (ksum_get(&h) * g + g * g / d);

			if (tail_t <= TAIL * ksum_get(&s) &&
			    tail_k <= TAIL * ksum_get(&dq) &&
			    tail_w <= TAIL * ksum_get(&rw))
				break;
		}
		if (t == 0)
			break;
	}
	out->log_s = log(ksum_get(&s)) + e * M_LN2;
	out->log_dq = log(ksum_get(&dq)) + e * M_LN2;
	out->log_r0 = log(ksum_get(&r0)) + e * M_LN2;
	out->log_rw = log(ksum_get(&rw)) + e * M_LN2;
}

/* log R(a, y) = log sum_k y^k / prod_{i=1..k+1} (a + i). */
static double series_r(double a, double y)
{
	struct ksum r = {0, 0};
	double p = 1.0;  /* prod_{i=1..k} y / (a + i) */
	int e = 0;

	for (double k = 0;; k++) {
		double d = a + k + 1;
		double ratio = y / d;

		ksum_add(&r, p / d);
		p *= ratio;
		if (p > RESCALE) {
			p = ldexp(p, -RESCALE_BITS);
			ksum_scale(&r);
			e += RESCALE_BITS;
		}
		if (ratio < 1 && p / (1 - ratio) <= TAIL * ksum_get(&r) * d)
			break;
		if (p == 0)
			break;
	}
	return log(ksum_get(&r)) + e * M_LN2;
}

/* A value m * 2^e kept by a compensated sum, for terms whose exponents
 * wander far apart. */
struct xsum {
	struct ksum k;  /* mantissa sum                        */
	int e;          /* its binary exponent                  */
	bool set;       /* a term was added                     */
};

static void xsum_add(struct xsum *q, double m, int e)
{
	if (m == 0)
		return;
	if (!q->set) {
		q->set = true;
		q->e = e;
	}
	else if (e > q->e + 256) {
		/* A much larger term: move the sum down to its scale. */
		q->k.s = ldexp(q->k.s, q->e - e);
		q->k.c = ldexp(q->k.c, q->e - e);
		q->e = e;
	}
	ksum_add(&q->k, ldexp(m, e - q->e));
}

/* Keeps m in [2^-256, 2^256] by moving powers of two into *e. */
static void renorm(double *m, int *e)
{
	if (*m > 0x1p256) {
		*m = ldexp(*m, -256);
		*e += 256;
	}
	else if (*m < 0x1p-256 && *m > 0) {
		*m = ldexp(*m, 256);
		*e -= 256;
	}
}

/* log of sum_j d_j sum_{k<=j} t_k / (a + k + 1), with
 * d_j = Gamma(j+1+b) / (Gamma(j+2) Gamma(b)) p^{j+1} (1-p)^b, b = a + 1,
 * p = 1 - e^{-theta T}: a caller finding k ahead is answered within T
 * with probability a/(a+k+1) I_p(k+1, a+1) (its wait, given answered, is
 * a sum of exponentials of rates theta (a + j + 1), j = 0..k, that is the
 * (k+1)-th of a+1+k exponential clocks of rate theta to ring), and
 * I_p(k+1, b) = sum_{j>=k} d_j. Then
 * P(answered, 0 < W <= T) = pi_N a * this. Every term is positive, so it
 * stays exact where the difference of the two larger probabilities
 * would not. O(max(x - a, a (e^{theta T} - 1)) + tails) terms. */
static double log_answered_within(double a, double x, double theta_t)
{
	double p = -expm1(-theta_t), b = a + 1;
	double log_d0 = log(b) + log(p) - b * theta_t;
	int ed = (int)floor(log_d0 / M_LN2), et = 0;
	double dm = exp(log_d0 - ed * M_LN2);
	double t = 1.0;
	struct ksum r0 = {0, 0};
	struct xsum q = {{0, 0}, 0, false};

	for (double j = 0;; j++) {
		double d = a + j + 1;
		double rt = x / d;                   /* t_{j+1} / t_j */
		double rd = p * (j + 1 + b) / (j + 2);  /* d_{j+1} / d_j */

		ksum_add(&r0, t / d);
		xsum_add(&q, dm * ksum_get(&r0), ed + et);
		t *= rt;
		if (t > 0x1p256) {
			t = ldexp(t, -256);
			r0.s = ldexp(r0.s, -256);
			r0.c = ldexp(r0.c, -256);
			et += 256;
		}
		dm *= rd;
		renorm(&dm, &ed);
		if (rt < 1 && rd < 1) {
			/* Later terms are under (R0 so far + its tail) times
			 * the d tail. */
			double r_all = ksum_get(&r0) + t / (1 - rt) / d;
			double bound = r_all * dm / (1 - rd);
			double qv = ldexp(ksum_get(&q.k), q.e - (ed + et));

			if (bound <= TAIL * qv)
				break;
		}
		if (dm == 0)
			break;
	}
	return log(ksum_get(&q.k)) + q.e * M_LN2;
}

void wfm_erlang_a_at(const struct wfm_traffic *t, const struct wfm_binv *b,
		     struct wfm_eval *ep)
{
	double n = b->n, load = t->load;
	double theta_t = t->target_s / t->patience_s;  /* theta T        */
	double a = n * (t->patience_s / t->aht_s);     /* N mu / theta   */
	double x = load * (t->patience_s / t->aht_s);  /* lambda / theta */
	struct a_series sr;
	double log_q, log_d, p_nowait, p_ans0, p_ans_late, p_ans, log_late;

	assert(load > 0 && b->n >= 1);
	series_t(a, x, &sr);
	log_q = wfm_binv_logq(b);
	log_d = wfm_logaddexp(log_q, sr.log_s);      /* log 1/pi_N      */

	memset(ep, 0, sizeof(*ep));
	ep->model = WFM_ERLANG_A;
	ep->load = load;
	ep->agents = b->n;
	ep->stable = true;
	ep->p_wait = exp(sr.log_s - log_d);
	p_nowait = exp(log_q - log_d);
	ep->p_abandon = exp(sr.log_dq - log(x) - log_d);
	p_ans0 = exp(log(a) + sr.log_r0 - log_d);        /* answered, W > 0 */
	if (t->target_s > 0) {
		double y = x * exp(-theta_t);

		log_late = log(a) - theta_t - x * expm1(-theta_t) -
			   n * (t->target_s / t->aht_s) + series_r(a, y) -
			   log_d;
		p_ans_late = exp(log_late);
	}
	else {
		p_ans_late = p_ans0;
	}
	if (p_ans_late > p_ans0)
		p_ans_late = p_ans0;
	p_ans = p_nowait + p_ans0;
	if (t->target_s > 0 && p_ans_late > 0.5 * p_ans0) {
		/* The difference would cancel: sum the positive series. */
		double within = exp(log(a) +
				    log_answered_within(a, x, theta_t) -
				    log_d);

		ep->service_level = p_nowait + within;
	}
	else {
		/* At most one bit lost: p_ans0 - late >= p_ans0 / 2. */
		ep->service_level = p_nowait + (p_ans0 - p_ans_late);
	}
	ep->has_asa = true;
	ep->asa_answered_s = exp(log(a) + log(t->patience_s) + sr.log_rw -
				 log_d) / p_ans;
	ep->asa_s = ep->asa_answered_s;
	ep->mean_wait_all_s = ep->p_abandon * t->patience_s;
	ep->occupancy = load * p_ans / n;
	if (ep->occupancy > 1)
		ep->occupancy = 1;
}
