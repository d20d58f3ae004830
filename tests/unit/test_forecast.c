/* test_forecast.c — forecasting methods on series whose future is known. */
#include <math.h>
#include <stdlib.h>
#include "wfm/forecast.h"
#include "test.h"

/* 7 days x 8 slots a day: slots 0-1 and 7 of each day are closed, Sunday
 * is closed; a two-hump day. */
#define P 56
#define DAY 8

static double shape(size_t p)
{
	static const double day[DAY] = {0, 0, 3, 5, 2, 4, 1, 0};
	static const double dow[7] = {1.2, 1, 1, 1, 0.9, 0.5, 0};

	return day[p % DAY] * dow[p / DAY];
}

/* weekly level grows by `slope` calls a week from `base`. */
static void make(double *y, size_t weeks, double base, double slope)
{
	double sum = 0;

	for (size_t p = 0; p < P; p++)
		sum += shape(p);
	for (size_t w = 0; w < weeks; w++) {
		for (size_t p = 0; p < P; p++)
			y[w * P + p] = (base + slope * w) * shape(p) / sum;
	}
}

static int test_names(void)
{
	enum forecast_method m;

	for (unsigned i = 0; i < FORECAST_METHODS; i++) {
		TEST_EQ(forecast_method_parse(forecast_method_name(i), &m), 0);
		TEST_EQ(m, i);
	}
	TEST_EQ(forecast_method_parse("auto", &m), EINVAL);
	TEST_EQ(forecast_method_parse("HW", &m), EINVAL);
	TEST_ASSERT(forecast_method_name(FORECAST_METHODS) == NULL);
	return 0;
}

/* A flat, noiseless seasonal series: every method gets it exactly. */
static int test_flat_exact(void)
{
	double y[10 * P], f[3 * P];

	make(y, 10, 1000, 0);
	for (unsigned m = 0; m < FORECAST_METHODS; m++) {
		struct forecast_error e;

		TEST_EQ(forecast_run(m, y, P, 7, 3, f), 0);
		for (size_t i = 0; i < 3 * P; i++) {
			if (fabs(f[i] - y[7 * P + i]) > 1e-6)
				TEST_FAIL("%s slot %zu: %g, expected %g",
					  forecast_method_name(m), i, f[i],
					  y[7 * P + i]);
		}
		TEST_EQ(forecast_backtest(m, y, P, 10, 3, &e, NULL), 0);
		TEST_NEAR(e.wape, 0, 1e-6);
		TEST_NEAR(e.mape, 0, 1e-6);
	}
	return 0;
}

/* Weekly totals on a straight line: the trend methods follow it, the
 * naive ones fall behind (negative bias). */
static int test_linear_growth(void)
{
	double y[12 * P];
	struct forecast_error e[FORECAST_METHODS];

	make(y, 12, 1000, 20);
	for (unsigned m = 0; m < FORECAST_METHODS; m++)
		TEST_EQ(forecast_backtest(m, y, P, 12, 4, &e[m], NULL), 0);
	TEST_NEAR(e[FORECAST_TREND].wape, 0, 1e-6);
	TEST_NEAR(e[FORECAST_HOLT].wape, 0, 1e-3);
	/* The season's amplitude grows with the level: multiplicative
	 * Holt-Winters follows it, the additive form lags behind. */
	TEST_ASSERT(e[FORECAST_HWM].wape < 0.5);
	TEST_ASSERT(fabs(e[FORECAST_HWM].bias) < 0.5);
	TEST_ASSERT(e[FORECAST_HW].wape > 1);
	/* snaive is 1..4 weeks behind: 20 * 2.5 / ~1230 = ~4 % low. */
	TEST_ASSERT(e[FORECAST_SNAIVE].bias < -3 &&
		    e[FORECAST_SNAIVE].bias > -5);
	TEST_ASSERT(e[FORECAST_SAVG].bias < e[FORECAST_SNAIVE].bias);
	return 0;
}

/* A series that is additive by construction (a line plus a fixed season
 * in every slot, none closed): Holt-Winters gets it exactly. */
static int test_additive_exact_for_hw(void)
{
	double y[12 * P];
	struct forecast_error e;

	for (size_t t = 0; t < 12 * P; t++)
		y[t] = 500 + 0.5 * t + 10 * shape(t % P);
	TEST_EQ(forecast_backtest(FORECAST_HW, y, P, 12, 4, &e, NULL), 0);
	TEST_NEAR(e.wape, 0, 1e-6);
	TEST_EQ(forecast_backtest(FORECAST_HWM, y, P, 12, 4, &e, NULL), 0);
	TEST_ASSERT(e.wape > 0.1);
	/* The trend methods see weekly totals grow linearly but spread them
	 * by the share profile: close, not exact. */
	TEST_EQ(forecast_backtest(FORECAST_TREND, y, P, 12, 4, &e, NULL), 0);
	TEST_ASSERT(e.wape > 0.1 && e.wape < 2);
	return 0;
}

/* A holiday (Tuesday at 10 %) in week 5 does not bend the trend method's
 * profile or trend: the median share and Theil-Sen ignore it. */
static int test_holiday_robust(void)
{
	double y[10 * P];
	struct forecast_error trend, savg;

	make(y, 10, 1000, 10);
	for (size_t p = DAY; p < 2 * DAY; p++)
		y[5 * P + p] *= 0.1;
	TEST_EQ(forecast_backtest(FORECAST_TREND, y, P, 10, 2, &trend, NULL),
		0);
	TEST_EQ(forecast_backtest(FORECAST_SAVG, y, P, 10, 2, &savg, NULL),
		0);
	TEST_NEAR(trend.wape, 0, 1e-6);
	TEST_ASSERT(savg.mape > 3);
	return 0;
}

/* Closed slots stay at zero even when the trend would lift them, and no
 * forecast is negative even on a falling series. */
static int test_closed_and_nonnegative(void)
{
	double y[8 * P], f[30 * P];

	make(y, 8, 2000, -240);  /* heading for zero at week 8.3 */
	for (unsigned m = 0; m < FORECAST_METHODS; m++) {
		TEST_EQ(forecast_run(m, y, P, 8, 30, f), 0);
		for (size_t i = 0; i < 30 * P; i++) {
			if (f[i] < 0 || (shape(i % P) == 0 && f[i] != 0))
				TEST_FAIL("%s slot %zu: %g",
					  forecast_method_name(m), i, f[i]);
		}
	}
	return 0;
}

static int test_error_metrics(void)
{
	const double a[4] = {10, 0, 5, 0.5}, f[4] = {12, 1, 5, 0.5};
	struct forecast_error e;

	forecast_error_of(a, f, 4, &e);
	/* MAPE over a >= 1: (2/10 + 0/5) / 2. */
	TEST_NEAR(e.mape, 10, 1e-9);
	TEST_EQ(e.n_mape, 2);
	TEST_NEAR(e.wape, 100 * 3 / 15.5, 1e-9);
	TEST_NEAR(e.bias, 100 * 3 / 15.5, 1e-9);
	TEST_NEAR(e.actual, 15.5, 1e-12);
	forecast_error_of(a + 1, f + 1, 1, &e);
	TEST_ASSERT(isnan(e.mape) && isnan(e.wape) && isnan(e.bias));
	return 0;
}

static int test_bad_input(void)
{
	double y[4 * P], f[P];

	make(y, 4, 100, 0);
	for (size_t i = 0; i < P; i++)
		f[i] = -7;
	TEST_EQ(forecast_run(FORECAST_TREND, y, P, 1, 1, f), EINVAL);
	TEST_EQ(forecast_run(FORECAST_TREND, y, P - 1, 4, 1, f), EINVAL);
	TEST_EQ(forecast_run(FORECAST_TREND, y, P, 4, 0, f), EINVAL);
	TEST_EQ(forecast_run(FORECAST_METHODS, y, P, 4, 1, f), EINVAL);
	TEST_EQ(forecast_run(FORECAST_TREND, NULL, P, 4, 1, f), EINVAL);
	y[9] = -1;
	TEST_EQ(forecast_run(FORECAST_SNAIVE, y, P, 4, 1, f), EINVAL);
	y[9] = NAN;
	TEST_EQ(forecast_run(FORECAST_SNAIVE, y, P, 4, 1, f), EINVAL);
	y[9] = INFINITY;
	TEST_EQ(forecast_run(FORECAST_HW, y, P, 4, 1, f), EINVAL);
	for (size_t i = 0; i < P; i++)
		TEST_NEAR(f[i], -7, 0);   /* untouched */
	make(y, 4, 100, 0);
	{
		struct forecast_error e;

		TEST_EQ(forecast_backtest(FORECAST_HW, y, P, 4, 3, &e, NULL),
			EINVAL);
		TEST_EQ(forecast_backtest(FORECAST_HW, y, P, 4, 2, &e, NULL),
			0);
		TEST_EQ(forecast_backtest(FORECAST_HW, y, P, 4, 0, &e, NULL),
			EINVAL);
	}
	return 0;
}

static int test_aht_profile(void)
{
	double y[6 * P], aht[6 * P], out[P];

	for (size_t i = 0; i < 6 * P; i++) {
		y[i] = i % P == 3 ? 0 : (i / P >= 2 ? 10 : 30);
		aht[i] = i / P >= 2 ? 300 : 100;
	}
	/* Slot 5, last four weeks: 10 calls at 300 s, but week 5 has 30
	 * calls at 600 s: (3 * 10 * 300 + 30 * 600) / 60 = 450. */
	y[5 * P + 5] = 30;
	aht[5 * P + 5] = 600;
	TEST_EQ(forecast_aht_profile(y, aht, P, 6, out), 0);
	TEST_NEAR(out[5], 450, 1e-9);
	TEST_NEAR(out[0], 300, 1e-9);
	/* Slot 3 never had calls: the mean of all history, by calls. */
	{
		double sw = 0, st = 0;

		for (size_t i = 0; i < 6 * P; i++) {
			sw += y[i];
			st += y[i] * aht[i];
		}
		TEST_NEAR(out[3], st / sw, 1e-9);
	}
	aht[P] = 0;  /* calls with no handle time */
	TEST_EQ(forecast_aht_profile(y, aht, P, 6, out), EINVAL);
	return 0;
}

const struct test tests_forecast[] = {
	{"names", test_names},
	{"flat_exact", test_flat_exact},
	{"linear_growth", test_linear_growth},
	{"additive_exact_for_hw", test_additive_exact_for_hw},
	{"holiday_robust", test_holiday_robust},
	{"closed_and_nonnegative", test_closed_and_nonnegative},
	{"error_metrics", test_error_metrics},
	{"bad_input", test_bad_input},
	{"aht_profile", test_aht_profile},
	{NULL, NULL}
};
