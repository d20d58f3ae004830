/* forecast.h — call-volume forecasting over a weekly season, and its error. */
#ifndef PLATEAU_FORECAST_H
#define PLATEAU_FORECAST_H

#include <stddef.h>

/* The series is one queue's calls per interval, in whole weeks that start
 * on Monday 00:00: y[w * period + p] is the count of week w, slot p, and
 * period is the number of intervals in a week (336 at 30 minutes). Pure
 * math: no I/O, no clock. docs/forecast.md gives the formulas. */

enum forecast_method {
	FORECAST_SNAIVE,  /* same slot, last week                          */
	FORECAST_SAVG,    /* mean of the same slot over the last 4 weeks    */
	FORECAST_TREND,   /* weekly profile x robust linear trend of totals */
	FORECAST_HOLT,    /* weekly profile x Holt's trend of totals        */
	FORECAST_HW,      /* additive Holt-Winters on the open slots        */
	FORECAST_HWM,     /* multiplicative Holt-Winters on the open slots  */
	FORECAST_METHODS  /* number of methods                              */
};

/* Error of a forecast against what happened. */
struct forecast_error {
	double mape;      /* mean |a - f| / a over slots with a >= 1, %    */
	double wape;      /* sum |a - f| / sum a, %                         */
	double bias;      /* sum (f - a) / sum a, %: > 0 over-forecasts     */
	size_t n_mape;    /* slots that entered the MAPE                    */
	double actual;    /* sum of a, calls                                */
};

/* Weeks of history a method needs at least. */
#define FORECAST_MIN_WEEKS 2

/* Bounds on the inputs, against mistakes and hostile files. */
#define FORECAST_MAX_PERIOD (7 * 24 * 60)   /* 1-minute slots          */
#define FORECAST_MAX_WEEKS 1040             /* 20 years                */

/* Name of a method ("snaive", "savg", "trend", "holt", "hw", "hwm");
 * NULL if out of range. */
const char *forecast_method_name(enum forecast_method m);

/* Parses a method name; EINVAL if unknown. */
int forecast_method_parse(const char *s, enum forecast_method *mp);

/* Forecasts `horizon` weeks after the nweeks of y into out, which holds
 * horizon * period values, all >= 0. Slots that had no call in any of the
 * last 4 weeks (closed hours) are forecast 0. Returns EINVAL on bad
 * arguments (nweeks < FORECAST_MIN_WEEKS, a negative or non-finite
 * count, limits exceeded), ENOMEM; out is untouched on error. */
int forecast_run(enum forecast_method m, const double *y, size_t period,
		 size_t nweeks, size_t horizon, double *out);

/* Error of forecast f against actual a over n slots. */
void forecast_error_of(const double *a, const double *f, size_t n,
		       struct forecast_error *ep);

/* Backtest: forecasts the last `holdout` weeks from the weeks before them
 * and measures the error. If fcp is not NULL it receives the backtest
 * forecast (holdout * period values). Needs nweeks >= holdout +
 * FORECAST_MIN_WEEKS; EINVAL otherwise. */
int forecast_backtest(enum forecast_method m, const double *y,
		      size_t period, size_t nweeks, size_t holdout,
		      struct forecast_error *ep, double *fcp);

/* Call-weighted mean handle time per slot over the last 4 weeks of
 * history, for forecasting AHT next to volume: aht[w * period + p] is the
 * AHT of calls in slot p of week w, in s, ignored where y is 0. A slot
 * with no calls in those weeks gets the weighted mean of all history.
 * out holds period values. EINVAL if no history slot has calls. */
int forecast_aht_profile(const double *y, const double *aht, size_t period,
			 size_t nweeks, double *out);

#endif
