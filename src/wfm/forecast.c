/* forecast.c — seasonal forecasting methods for per-interval call counts. */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "wfm/forecast.h"

/* Weeks looked at for "recent" things: the open-hours mask, savg, AHT. */
#define RECENT_WEEKS 4
/* Weeks the weekly profile is taken from (median share per slot). */
#define PROFILE_WEEKS 8
/* Weeks the trend of weekly totals is fitted on. */
#define TREND_WEEKS 52

static const char *const names[FORECAST_METHODS] = {
	"snaive", "savg", "trend", "holt", "hw", "hwm",
};

const char *forecast_method_name(enum forecast_method m)
{
	if ((unsigned)m >= FORECAST_METHODS)
		return NULL;
	return names[m];
}

int forecast_method_parse(const char *s, enum forecast_method *mp)
{
	if (!s || !mp)
		return EINVAL;
	for (unsigned i = 0; i < FORECAST_METHODS; i++) {
		if (!strcmp(s, names[i])) {
			*mp = (enum forecast_method)i;
			return 0;
		}
	}
	return EINVAL;
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

static int check_series(const double *y, size_t period, size_t nweeks)
{
	if (!y || period < 7 || period > FORECAST_MAX_PERIOD ||
	    period % 7 || nweeks < FORECAST_MIN_WEEKS ||
	    nweeks > FORECAST_MAX_WEEKS)
		return EINVAL;
	for (size_t i = 0; i < period * nweeks; i++) {
		if (!isfinite(y[i]) || y[i] < 0)
			return EINVAL;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n), n >= 1; reorders v. */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void week_totals(const double *y, size_t period, size_t nweeks,
			double *tot)
{
	for (size_t w = 0; w < nweeks; w++) {
		double s = 0;

		for (size_t p = 0; p < period; p++)
			s += y[w * period + p];
		tot[w] = s;
	}
}

/* ---------------------------------------------------------------------
 * Building blocks
 * ------------------------------------------------------------------- */

/* Share of each slot in its week: the median over the last PROFILE_WEEKS
 * weeks of y[w,p] / total[w], normalised to sum 1. The median keeps one
 * week with a holiday from bending the profile. All zero if no week had
 * calls. tmp holds PROFILE_WEEKS values. */
static void profile(const double *y, const double *tot, size_t period,
		    size_t nweeks, double *share, double *tmp)
{
	size_t m = min_sz(PROFILE_WEEKS, nweeks);
	double sum = 0;

	for (size_t p = 0; p < period; p++) {
		size_t k = 0;

		for (size_t w = nweeks - m; w < nweeks; w++) {
			if (tot[w] > 0)
				tmp[k++] = y[w * period + p] / tot[w];
		}
		share[p] = k ? median(tmp, k) : 0;
		sum += share[p];
	}
	for (size_t p = 0; p < period; p++)
		share[p] = sum > 0 ? share[p] / sum : 0;
}

/* Theil-Sen line through (w, tot[w]) over the last TREND_WEEKS weeks:
 * slope = median of pairwise slopes, intercept = median of residuals.
 * Robust to a holiday week or two. x is the absolute week number. */
static int theil_sen(const double *tot, size_t nweeks, double *ap,
		     double *bp)
{
	size_t m = min_sz(TREND_WEEKS, nweeks), first = nweeks - m, k = 0;
	double *v = malloc(sizeof(*v) * (m * (m - 1) / 2 + m));
	double a, b;

	if (!v)
		return ENOMEM;
	for (size_t i = first; i < nweeks; i++) {
		for (size_t j = i + 1; j < nweeks; j++)
			v[k++] = (tot[j] - tot[i]) / (double)(j - i);
	}
	b = median(v, k);
	for (size_t i = first; i < nweeks; i++)
		v[i - first] = tot[i] - b * (double)i;
	a = median(v, m);
	free(v);
	*ap = a;
	*bp = b;
	return 0;
}

/* Holt's linear exponential smoothing of the weekly totals; alpha and
 * beta picked on a grid by the least one-step-ahead squared error.
 * Writes level and trend after the last week. */
static void holt(const double *tot, size_t nweeks, double *lp, double *bp)
{
	static const double alphas[] = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5,
					0.6, 0.7, 0.8, 0.9};
	static const double betas[] = {0.01, 0.05, 0.1, 0.2, 0.3};
	double best = INFINITY, best_l = tot[nweeks - 1], best_b = 0;

	for (size_t i = 0; i < sizeof(alphas) / sizeof(alphas[0]); i++) {
		for (size_t j = 0; j < sizeof(betas) / sizeof(betas[0]); j++) {
			double a = alphas[i], be = betas[j];
			double l = tot[0], b = tot[1] - tot[0], sse = 0;

			for (size_t t = 1; t < nweeks; t++) {
				double e = tot[t] - (l + b), nl;

				if (t >= 2)
					sse += e * e;
				nl = a * tot[t] + (1 - a) * (l + b);
				b = be * (nl - l) + (1 - be) * b;
				l = nl;
			}
			if (sse < best) {
				best = sse;
				best_l = l;
				best_b = b;
			}
		}
	}
	*lp = best_l;
	*bp = best_b;
}

/* State of Holt-Winters after a pass over y. */
struct hw_state {
	double l;          /* level, calls per slot                 */
	double b;          /* trend, calls per slot per slot        */
	double sse;        /* squared error of week-ahead forecasts */
};

/* Smallest seasonal factor and level the multiplicative form divides by. */
#define HW_TINY 1e-3

/* One pass of Holt-Winters with season `period` over y, additive or
 * multiplicative, initialised from the first two weeks; s (period
 * values) ends as the seasonal indices (added, or multiplied) of slot p
 * of a week. The fit criterion is the error of the forecast made one
 * week (period slots) before each slot, not the next-slot error: the
 * next-slot criterion rewards a level and trend that chase noise, which
 * then run away over a horizon of weeks. lh and bh (period values each)
 * keep the level and trend after each slot's last update. */
static struct hw_state hw_pass(const double *y, size_t period,
			       size_t nweeks, bool mult, double a, double be,
			       double g, double *s, double *lh, double *bh)
{
	struct hw_state st = {0, 0, 0};
	double m0 = 0, m1 = 0;

	for (size_t p = 0; p < period; p++) {
		m0 += y[p];
		m1 += y[period + p];
	}
	m0 /= period;
	m1 /= period;
	st.b = (m1 - m0) / period;
	for (size_t p = 0; p < period; p++) {
		/* The trend's ramp within a week, so the indices hold the
		 * season only. */
		double ramp = st.b * ((double)p - (period - 1) / 2.0);

		if (mult) {
			double d = m0 + m1 + 2 * ramp;

			s[p] = d > HW_TINY ? (y[p] + y[period + p]) / d : 1;
		}
		else {
			s[p] = ((y[p] - m0 - ramp) + (y[period + p] - m1 -
						      ramp)) / 2;
		}
	}
	/* Level at the last slot of week 1. */
	st.l = m1 + st.b * (period - 1) / 2.0;
	for (size_t t = 2 * period; t < nweeks * period; t++) {
		size_t p = t % period;
		double nl, sp = mult ? fmax(s[p], HW_TINY) : s[p];

		if (t >= 3 * period) {
			double f = lh[p] + period * bh[p], e;

			e = y[t] - (mult ? f * s[p] : f + s[p]);
			st.sse += e * e;
		}
		nl = a * (mult ? y[t] / sp : y[t] - sp) +
		     (1 - a) * (st.l + st.b);
		st.b = be * (nl - st.l) + (1 - be) * st.b;
		if (!mult)
			s[p] = g * (y[t] - nl) + (1 - g) * s[p];
		else if (nl > HW_TINY)
			s[p] = g * (y[t] / nl) + (1 - g) * s[p];
		st.l = nl;
		lh[p] = st.l;
		bh[p] = st.b;
	}
	return st;
}

/* Fits alpha, beta, gamma on a grid by the week-ahead error, then
 * forecasts horizon weeks into out. s holds period values. */
static int hw_forecast(const double *y, size_t period, size_t nweeks,
		       bool mult, size_t horizon, double *out, double *s)
{
	static const double alphas[] = {0.01, 0.03, 0.1, 0.3};
	static const double betas[] = {0, 0.0005, 0.005};
	static const double gammas[] = {0.05, 0.15, 0.3, 0.5};
	double best = INFINITY, ba = alphas[0], bb = betas[0], bg = gammas[0];
	double *lh = calloc(period, sizeof(*lh));
	double *bh = calloc(period, sizeof(*bh));
	struct hw_state st;

	if (!lh || !bh) {
		free(lh);
		free(bh);
		return ENOMEM;
	}
	/* With three weeks or fewer there is no week-ahead error to fit on:
	 * the first grid point, a slow one, is used. */
	for (size_t i = 0; nweeks > 3 && i < 4; i++) {
		for (size_t j = 0; j < 3; j++) {
			for (size_t k = 0; k < 4; k++) {
				st = hw_pass(y, period, nweeks, mult,
					     alphas[i], betas[j], gammas[k], s,
					     lh, bh);
				if (st.sse < best) {
					best = st.sse;
					ba = alphas[i];
					bb = betas[j];
					bg = gammas[k];
				}
			}
		}
	}
	st = hw_pass(y, period, nweeks, mult, ba, bb, bg, s, lh, bh);
	for (size_t h = 0; h < horizon * period; h++) {
		double lvl = st.l + (double)(h + 1) * st.b;

		out[h] = mult ? lvl * s[h % period] : lvl + s[h % period];
	}
	free(lh);
	free(bh);
	return 0;
}

/* Slot p is open if it had a call in any of the last RECENT_WEEKS. */
static bool slot_open(const double *y, size_t period, size_t nweeks,
		      size_t p)
{
	for (size_t w = nweeks - min_sz(RECENT_WEEKS, nweeks); w < nweeks;
	     w++) {
		if (y[w * period + p] > 0)
			return true;
	}
	return false;
}

/* Holt-Winters over the open slots only: closed hours are cut out of the
 * series, so that the season is the open week and growth in the level
 * is not spread over hours that take no calls. */
static int hw_open_slots(const double *y, size_t period, size_t nweeks,
			 bool mult, size_t horizon, double *out)
{
	size_t *idx = malloc(period * sizeof(*idx)), q = 0;
	double *z = NULL, *f = NULL, *s = NULL;
	int err = 0;

	if (!idx)
		return ENOMEM;
	for (size_t p = 0; p < period; p++) {
		if (slot_open(y, period, nweeks, p))
			idx[q++] = p;
	}
	memset(out, 0, horizon * period * sizeof(*out));
	if (!q)
		goto out;
	z = malloc(nweeks * q * sizeof(*z));
	f = malloc(horizon * q * sizeof(*f));
	s = malloc(q * sizeof(*s));
	if (!z || !f || !s) {
		err = ENOMEM;
		goto out;
	}
	for (size_t w = 0; w < nweeks; w++) {
		for (size_t i = 0; i < q; i++)
			z[w * q + i] = y[w * period + idx[i]];
	}
	err = hw_forecast(z, q, nweeks, mult, horizon, f, s);
	if (err)
		goto out;
	for (size_t h = 0; h < horizon; h++) {
		for (size_t i = 0; i < q; i++)
			out[h * period + idx[i]] = f[h * q + i];
	}
 out:
	free(s);
	free(f);
	free(z);
	free(idx);
	return err;
}

/* ---------------------------------------------------------------------
 * Methods
 * ------------------------------------------------------------------- */

int forecast_run(enum forecast_method m, const double *y, size_t period,
		 size_t nweeks, size_t horizon, double *out)
{
	size_t n = horizon * period, recent;
	double *tot = NULL, *share = NULL, *tmp = NULL, *res = NULL;
	int err;

	if ((unsigned)m >= FORECAST_METHODS || !out || horizon < 1 ||
	    horizon > FORECAST_MAX_WEEKS)
		return EINVAL;
	err = check_series(y, period, nweeks);
	if (err)
		return err;
	tot = calloc(nweeks, sizeof(*tot));
	share = calloc(period, sizeof(*share));
	tmp = calloc(PROFILE_WEEKS, sizeof(*tmp));
	res = calloc(n, sizeof(*res));
	if (!tot || !share || !tmp || !res) {
		err = ENOMEM;
		goto out;
	}
	week_totals(y, period, nweeks, tot);
	recent = min_sz(RECENT_WEEKS, nweeks);

	switch (m) {
	case FORECAST_SNAIVE:
		for (size_t h = 0; h < n; h++)
			res[h] = y[(nweeks - 1) * period + h % period];
		break;
	case FORECAST_SAVG:
		for (size_t p = 0; p < period; p++) {
			double s = 0;

			for (size_t w = nweeks - recent; w < nweeks; w++)
				s += y[w * period + p];
			for (size_t h = 0; h < horizon; h++)
				res[h * period + p] = s / recent;
		}
		break;
	case FORECAST_TREND: {
		double a, b;

		err = theil_sen(tot, nweeks, &a, &b);
		if (err)
			goto out;
		profile(y, tot, period, nweeks, share, tmp);
		for (size_t h = 0; h < horizon; h++) {
			double t = a + b * (double)(nweeks + h);

			for (size_t p = 0; p < period; p++)
				res[h * period + p] = t * share[p];
		}
		break;
	}
	case FORECAST_HOLT: {
		double l, b;

		holt(tot, nweeks, &l, &b);
		profile(y, tot, period, nweeks, share, tmp);
		for (size_t h = 0; h < horizon; h++) {
			double t = l + b * (double)(h + 1);

			for (size_t p = 0; p < period; p++)
				res[h * period + p] = t * share[p];
		}
		break;
	}
	case FORECAST_HW:
	case FORECAST_HWM:
		err = hw_open_slots(y, period, nweeks, m == FORECAST_HWM,
				    horizon, res);
		if (err)
			goto out;
		break;
	default:
		err = EINVAL;
		goto out;
	}

	/* Closed hours stay closed; no method may forecast negative calls. */
	for (size_t p = 0; p < period; p++) {
		bool open = slot_open(y, period, nweeks, p);

		for (size_t h = 0; h < horizon; h++) {
			double *v = &res[h * period + p];

			if (!open || !(*v > 0))
				*v = 0;
		}
	}
	memcpy(out, res, n * sizeof(*out));
 out:
	free(res);
	free(tmp);
	free(share);
	free(tot);
	return err;
}

/* ---------------------------------------------------------------------
 * Error
 * ------------------------------------------------------------------- */

void forecast_error_of(const double *a, const double *f, size_t n,
		       struct forecast_error *ep)
{
	double ape = 0, abs_err = 0, sum_a = 0, sum_e = 0;
	size_t k = 0;

	if (!ep)
		return;
	for (size_t i = 0; a && f && i < n; i++) {
		double e = f[i] - a[i];

		abs_err += fabs(e);
		sum_e += e;
		sum_a += a[i];
		if (a[i] >= 1) {
			ape += fabs(e) / a[i];
			k++;
		}
	}
	ep->mape = k ? 100 * ape / k : NAN;
	ep->wape = sum_a > 0 ? 100 * abs_err / sum_a : NAN;
	ep->bias = sum_a > 0 ? 100 * sum_e / sum_a : NAN;
	ep->n_mape = k;
	ep->actual = sum_a;
}

int forecast_backtest(enum forecast_method m, const double *y,
		      size_t period, size_t nweeks, size_t holdout,
		      struct forecast_error *ep, double *fcp)
{
	size_t train = nweeks - holdout, n = holdout * period;
	double *fc;
	int err;

	if (!ep || holdout < 1 || nweeks < holdout + FORECAST_MIN_WEEKS)
		return EINVAL;
	err = check_series(y, period, nweeks);
	if (err)
		return err;
	fc = malloc(n * sizeof(*fc));
	if (!fc)
		return ENOMEM;
	err = forecast_run(m, y, period, train, holdout, fc);
	if (!err) {
		forecast_error_of(y + train * period, fc, n, ep);
		if (fcp)
			memcpy(fcp, fc, n * sizeof(*fc));
	}
	free(fc);
	return err;
}

/* ---------------------------------------------------------------------
 * Handle time
 * ------------------------------------------------------------------- */

int forecast_aht_profile(const double *y, const double *aht, size_t period,
			 size_t nweeks, double *out)
{
	size_t recent;
	double all_w = 0, all_t = 0;

	if (!aht || !out || check_series(y, period, nweeks))
		return EINVAL;
	recent = min_sz(RECENT_WEEKS, nweeks);
	for (size_t i = 0; i < period * nweeks; i++) {
		if (y[i] > 0) {
			if (!isfinite(aht[i]) || aht[i] <= 0)
				return EINVAL;
			all_w += y[i];
			all_t += y[i] * aht[i];
		}
	}
	if (!(all_w > 0))
		return EINVAL;
	for (size_t p = 0; p < period; p++) {
		double sw = 0, st = 0;

		for (size_t w = nweeks - recent; w < nweeks; w++) {
			size_t i = w * period + p;

			if (y[i] > 0) {
				sw += y[i];
				st += y[i] * aht[i];
			}
		}
		out[p] = sw > 0 ? st / sw : all_t / all_w;
	}
	return 0;
}
