/* erlang.c — Erlang B and Erlang C, exact from 1 to 20,000 agents. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include "wfm/wfm.h"
#include "wfm/wfm_int.h"

/* ---------------------------------------------------------------------
 * The Erlang B recursion, with a binary exponent of its own
 * ------------------------------------------------------------------- */

/* Rescale when the mantissa passes 2^RESCALE_BITS; ldexp is exact. */
#define RESCALE_BITS 600

void wfm_binv_init(struct wfm_binv *b)
{
	b->m = 1.0;
	b->q = 0.0;
	b->e = 0;
	b->one = 1.0;
	b->n = 0;
}

/* One line more: 1/B(n) = 1 + (n/A)/B(n-1). O(1). */
void wfm_binv_step(struct wfm_binv *b, double load)
{
	assert(load > 0);
	b->n++;
	b->q = b->m * ((double)b->n / load);
	/* The 1 is 2^-e in the scaled representation; it vanishes (to 0,
	 * harmlessly) once e is past the double range. */
	b->m = b->q + b->one;
	if (b->m > 0x1p600) {
		b->m = ldexp(b->m, -RESCALE_BITS);
		b->q = ldexp(b->q, -RESCALE_BITS);
		b->e += RESCALE_BITS;
		b->one = ldexp(1.0, -b->e);
	}
}

/* Steps until n lines; O(n - b->n). */
void wfm_binv_to(struct wfm_binv *b, double load, unsigned n)
{
	while (b->n < n)
		wfm_binv_step(b, load);
}

double wfm_binv_log(const struct wfm_binv *b)
{
	return log(b->m) + b->e * M_LN2;
}

double wfm_binv_logq(const struct wfm_binv *b)
{
	return log(b->q) + b->e * M_LN2;
}

double wfm_log1pexp(double l)
{
	if (l > 0)
		return l + log1p(exp(-l));
	return log1p(exp(l));
}

double wfm_logaddexp(double u, double v)
{
	if (u < v) {
		double s = u;

		u = v;
		v = s;
	}
	if (isinf(v) && v < 0)
		return u;
	return u + log1p(exp(v - u));
}

/* ---------------------------------------------------------------------
 * The models at one N
 * ------------------------------------------------------------------- */

const char *wfm_model_name(enum wfm_model m)
{
	switch (m) {
	case WFM_ERLANG_B: return "erlang-b";
	case WFM_ERLANG_C: return "erlang-c";
	case WFM_ERLANG_A: return "erlang-a";
	}
	return "?";
}

/* Erlang B: B = 1/r, carried load A(1 - B), 1 - B = q/r exactly. */
void wfm_erlang_b_at(const struct wfm_traffic *t, const struct wfm_binv *b,
		     struct wfm_eval *ep)
{
	double lr = wfm_binv_log(b);

	memset(ep, 0, sizeof(*ep));
	ep->model = WFM_ERLANG_B;
	ep->load = t->load;
	ep->agents = b->n;
	ep->stable = true;
	ep->has_asa = true;
	ep->blocking = exp(-lr);
	ep->service_level = b->n ? exp(wfm_binv_logq(b) - lr) : 0.0;
	ep->occupancy = b->n ? t->load * ep->service_level / b->n : 1.0;
	if (ep->occupancy > 1.0)
		ep->occupancy = 1.0;
}

/* Erlang C from 1/C = 1 + (1 - rho)(1/B - 1), rho = A/N, in log space:
 * log C = -log(1 + e^l), l = log(1 - rho) + log(1/B - 1). */
void wfm_erlang_c_at(const struct wfm_traffic *t, const struct wfm_binv *b,
		     struct wfm_eval *ep)
{
	double n = b->n, a = t->load;

	memset(ep, 0, sizeof(*ep));
	ep->model = WFM_ERLANG_C;
	ep->load = a;
	ep->agents = b->n;
	if (!(a < n)) {
		ep->stable = false;
		ep->p_wait = 1.0;
		ep->service_level = 0.0;
		ep->has_asa = false;
		ep->occupancy = 1.0;
		return;
	}
	double gap = n - a;  /* N - A > 0, exact when A is within [N/2, 2N] */
	double l = log(gap / n) + wfm_binv_logq(b);
	double logc = -wfm_log1pexp(l);
	double c = exp(logc);

	ep->stable = true;
	ep->p_wait = c;
	/* SL = 1 - C e^{-(N-A)T/AHT}, as -expm1 so it stays exact both
	 * when C e^{...} is near 0 and near 1. */
	ep->service_level = -expm1(logc - gap * t->target_s / t->aht_s);
	ep->has_asa = true;
	ep->asa_s = c * t->aht_s / gap;
	ep->occupancy = a / n;
}

/* Zero load: nobody waits, nobody is busy. */
static void eval_zero(enum wfm_model m, unsigned n, struct wfm_eval *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->model = m;
	ep->agents = n;
	ep->stable = true;
	ep->service_level = 1.0;
	ep->has_asa = true;
}

/* Are the traffic figures in range for model m? */
static bool traffic_ok(enum wfm_model m, const struct wfm_traffic *t)
{
	if (!t)
		return false;
	if (!(t->load >= 0 && t->load <= WFM_MAX_LOAD))
		return false;
	if (m == WFM_ERLANG_B)
		return true;
	if (!(t->aht_s > 0 && t->aht_s <= 1e9))
		return false;
	if (!(t->target_s >= 0 && t->target_s <= 1e9))
		return false;
	if (m == WFM_ERLANG_C)
		return true;
	if (m != WFM_ERLANG_A)
		return false;
	return t->patience_s > 0 && t->patience_s <= WFM_MAX_PATIENCE_S &&
	       t->patience_s <= WFM_MAX_PATIENCE_AHT * t->aht_s;
}

/* Evaluates the model at b->n (load > 0). */
static void eval_at(enum wfm_model m, const struct wfm_traffic *t,
		    const struct wfm_binv *b, struct wfm_eval *ep)
{
	switch (m) {
	case WFM_ERLANG_B:
		wfm_erlang_b_at(t, b, ep);
		break;
	case WFM_ERLANG_C:
		wfm_erlang_c_at(t, b, ep);
		break;
	case WFM_ERLANG_A:
		wfm_erlang_a_at(t, b, ep);
		break;
	}
}

int wfm_erlang_b(double load, unsigned n, double *bp)
{
	struct wfm_binv b;

	if (!bp || !(load >= 0 && load <= WFM_MAX_LOAD) ||
	    n > WFM_MAX_AGENTS)
		return EINVAL;
	if (load == 0) {
		*bp = n ? 0.0 : 1.0;
		return 0;
	}
	wfm_binv_init(&b);
	wfm_binv_to(&b, load, n);
	*bp = exp(-wfm_binv_log(&b));
	return 0;
}

int wfm_eval(enum wfm_model m, const struct wfm_traffic *t, unsigned n,
	     struct wfm_eval *ep)
{
	struct wfm_binv b;

	if (!ep || !traffic_ok(m, t) || n < 1 || n > WFM_MAX_AGENTS)
		return EINVAL;
	if (t->load == 0) {
		eval_zero(m, n, ep);
		return 0;
	}
	wfm_binv_init(&b);
	wfm_binv_to(&b, t->load, n);
	eval_at(m, t, &b, ep);
	return 0;
}

/* ---------------------------------------------------------------------
 * Targets and solving
 * ------------------------------------------------------------------- */

/* Relative slack so a target met exactly in decimal is not missed. */
#define SLACK 1e-12

bool wfm_meets(const struct wfm_eval *e, const struct wfm_targets *tg)
{
	if (!e || !tg)
		return false;
	if (!e->stable)
		return false;
	if (tg->sl > 0 && e->service_level < tg->sl * (1 - SLACK))
		return false;
	if (tg->asa_s > 0 &&
	    (!e->has_asa || e->asa_s > tg->asa_s * (1 + SLACK)))
		return false;
	if (tg->max_occupancy > 0 &&
	    e->occupancy > tg->max_occupancy * (1 + SLACK))
		return false;
	if (tg->max_abandon > 0 &&
	    e->p_abandon > tg->max_abandon * (1 + SLACK))
		return false;
	if (tg->blocking > 0 && e->blocking > tg->blocking * (1 + SLACK))
		return false;
	return true;
}

static bool in01(double x, bool one_ok)
{
	return x > 0 && (x < 1 || (one_ok && x == 1));
}

static bool targets_ok(enum wfm_model m, const struct wfm_targets *tg)
{
	bool any = false;

	if (!tg)
		return false;
	if (tg->sl != 0) {
		if (!in01(tg->sl, true) || m == WFM_ERLANG_B)
			return false;
		any = true;
	}
	if (tg->asa_s != 0) {
		if (!(tg->asa_s > 0 && tg->asa_s <= 1e9) || m == WFM_ERLANG_B)
			return false;
		any = true;
	}
	if (tg->max_occupancy != 0) {
		if (!in01(tg->max_occupancy, true))
			return false;
		any = true;
	}
	if (tg->max_abandon != 0) {
		if (!in01(tg->max_abandon, false) || m != WFM_ERLANG_A)
			return false;
		any = true;
	}
	if (tg->blocking != 0) {
		if (!in01(tg->blocking, false) || m != WFM_ERLANG_B)
			return false;
		any = true;
	}
	if (m == WFM_ERLANG_B && tg->blocking == 0)
		return false;
	return any;
}

/* Erlang A: bisection over N, O(log N) evaluations of O(N) each. Relies on
 * every target being monotone in N (tests/unit/test_staff.c checks it). */
static int solve_bisect(const struct wfm_traffic *t,
			const struct wfm_targets *tg, unsigned *np,
			struct wfm_eval *ep)
{
	struct wfm_binv b;
	struct wfm_eval e;
	unsigned lo = 0, hi, step = 1;  /* lo fails (or is 0), hi meets */

	/* Gallop up from about the load, then bisect. */
	hi = (unsigned)t->load;
	if (hi < 1)
		hi = 1;
	for (;;) {
		wfm_binv_init(&b);
		wfm_binv_to(&b, t->load, hi);
		wfm_erlang_a_at(t, &b, &e);
		if (wfm_meets(&e, tg))
			break;
		lo = hi;
		if (hi == WFM_MAX_AGENTS)
			return ERANGE;
		hi = hi + step > WFM_MAX_AGENTS ? WFM_MAX_AGENTS : hi + step;
		step *= 2;
	}
	/* hi meets; find the smallest meeting N in (lo, hi]. When the
	 * first probe met, look downward too. */
	if (lo == 0 && hi > 1) {
		unsigned down = hi, s = 1;

		for (;;) {
			unsigned probe = down > s ? down - s : 0;

			if (probe == 0) {
				lo = 0;
				break;
			}
			wfm_binv_init(&b);
			wfm_binv_to(&b, t->load, probe);
			wfm_erlang_a_at(t, &b, &e);
			if (!wfm_meets(&e, tg)) {
				lo = probe;
				break;
			}
			hi = probe;
			down = probe;
			s *= 2;
		}
	}
	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		wfm_binv_init(&b);
		wfm_binv_to(&b, t->load, mid);
		wfm_erlang_a_at(t, &b, &e);
		if (wfm_meets(&e, tg))
			hi = mid;
		else
			lo = mid;
	}
	wfm_binv_init(&b);
	wfm_binv_to(&b, t->load, hi);
	wfm_erlang_a_at(t, &b, &e);
	*np = hi;
	if (ep)
		*ep = e;
	return 0;
}

int wfm_solve(enum wfm_model m, const struct wfm_traffic *t,
	      const struct wfm_targets *tg, unsigned *np,
	      struct wfm_eval *ep)
{
	struct wfm_binv b;
	struct wfm_eval e;

	if (!np || !traffic_ok(m, t) || !targets_ok(m, tg))
		return EINVAL;
	if (t->load == 0) {
		*np = 0;
		if (ep) {
			eval_zero(m, 0, ep);
			ep->occupancy = 0;
		}
		return 0;
	}
	if (m == WFM_ERLANG_A)
		return solve_bisect(t, tg, np, ep);

	/* Erlang B and C: walk N up, one O(1) Erlang B step each. Erlang C
	 * cannot meet anything below stability, so start at floor(A) + 1. */
	wfm_binv_init(&b);
	if (m == WFM_ERLANG_C) {
		double start = floor(t->load) + 1;

		wfm_binv_to(&b, t->load, (unsigned)start);
	}
	else {
		wfm_binv_to(&b, t->load, 1);
	}
	for (;;) {
		if (b.n > WFM_MAX_AGENTS)
			return ERANGE;
		eval_at(m, t, &b, &e);
		if (wfm_meets(&e, tg))
			break;
		wfm_binv_step(&b, t->load);
	}
	*np = b.n;
	if (ep)
		*ep = e;
	return 0;
}

/* ---------------------------------------------------------------------
 * Shrinkage, in exact integer arithmetic
 * ------------------------------------------------------------------- */

int wfm_scheduled(unsigned n, uint32_t shrink_ppb, unsigned *sp)
{
	uint64_t on, num, den, s;

	if (!sp || shrink_ppb >= WFM_PPB)
		return EINVAL;
	/* ceil(n / (1 - s/P)) = ceil(n P / (P - s)); n P < 2^63. */
	on = (uint64_t)n * WFM_PPB;
	den = WFM_PPB - shrink_ppb;
	num = on + den - 1;
	s = num / den;
	if (s > UINT32_MAX)
		return ERANGE;
	*sp = (unsigned)s;
	return 0;
}

int wfm_ppb_parse(const char *s, uint32_t *ppbp)
{
	uint64_t whole = 0, frac = 0;
	unsigned digits = 0, fdigits = 0;
	const char *p = s;

	if (!s || !ppbp)
		return EINVAL;
	while (*p >= '0' && *p <= '9') {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 1)
			return EINVAL;
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (fdigits == 9)
				return EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
			p++;
			fdigits++;
		}
	}
	if (*p != '\0' || digits + fdigits == 0)
		return EINVAL;
	while (fdigits < 9) {
		frac *= 10;
		fdigits++;
	}
	if (whole == 1 && frac != 0)
		return EINVAL;
	*ppbp = (uint32_t)(whole * WFM_PPB + frac);
	return 0;
}
