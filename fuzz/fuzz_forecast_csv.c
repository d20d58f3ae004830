/* fuzz_forecast_csv.c — libFuzzer harness for the forecast history loader. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "util/csv.h"
#include "wfm/forecast.h"
#include "wfm/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte picks the interval; the rest is the CSV. A history that
 * loads is also forecast and backtested, so that the loader's output is
 * checked to be what the math accepts. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned intervals[4] = {900, 1800, 3600, 86400};
	struct csv_limits lim = {.max_line = 256, .max_rows = 2000,
				 .max_cols = 8};
	struct csv *c = NULL;
	struct history *h = NULL;

	if (size < 1)
		return 0;
	if (!csv_open_mem(&c, "fuzz.csv", data + 1, size - 1, &lim) &&
	    !history_load(c, intervals[data[0] % 4], &h)) {
		for (size_t i = 0; i < h->nqueues; i++) {
			const struct history_queue *q = &h->q[i];
			struct forecast_error e;
			double *fc;

			/* Keep each run short: small series only. */
			if (q->nweeks > 8 || q->nweeks < 3)
				continue;
			fc = malloc(h->period * sizeof(*fc));
			if (!fc)
				break;
			for (unsigned m = 0; m < FORECAST_METHODS; m++) {
				if (forecast_run(m, q->calls, h->period,
						 q->nweeks, 1, fc) ||
				    forecast_backtest(m, q->calls, h->period,
						      q->nweeks, 1, &e, NULL))
					abort();
			}
			if (q->aht)
				(void)forecast_aht_profile(q->calls, q->aht,
							   h->period,
							   q->nweeks, fc);
			free(fc);
		}
		history_free(h);
	}
	csv_free(c);
	return 0;
}
