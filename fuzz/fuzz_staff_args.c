/* fuzz_staff_args.c — libFuzzer harness for `plateau staff`'s options and
 * forecast CSV, and the staffing math they reach. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/staff.h"
#include "wfm/wfm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 32

/* First byte even: the rest is argv, one argument per line. Odd: the
 * rest is a forecast CSV. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];

	if (size < 1 || size > 4096)
		return 0;
	if ((data[0] & 1) == 0) {
		char *buf = malloc(size);
		char *argv[MAX_ARGS + 2];
		int argc = 0;
		struct staff_opts o;

		if (!buf)
			return 0;
		memcpy(buf, data + 1, size - 1);
		buf[size - 1] = '\0';
		argv[argc++] = "staff";
		for (char *p = buf, *nl; p && argc <= MAX_ARGS; p = nl) {
			nl = strchr(p, '\n');
			if (nl)
				*nl++ = '\0';
			argv[argc++] = p;
		}
		argv[argc] = NULL;
		if (!staff_parse_args(argc, argv, &o, err, sizeof(err)) &&
		    !o.help && !o.forecast) {
			FILE *null = fopen("/dev/null", "w");

			if (null) {
				(void)staff_single(&o, null, null);
				fclose(null);
			}
		}
		free(buf);
		return 0;
	}

	struct staff_forecast f;

	if (staff_forecast_read_mem("fuzz.csv", data + 1, size - 1, &f, err,
				    sizeof(err)))
		return 0;
	for (size_t i = 0; i < f.nrows && i < 16; i++) {
		struct wfm_traffic t = {.load = f.rows[i].calls *
						f.rows[i].aht_s / 1800,
					.aht_s = f.rows[i].aht_s,
					.target_s = 20};
		struct wfm_targets tg = {.sl = 0.8};
		struct wfm_eval e;
		unsigned n;

		(void)wfm_solve(WFM_ERLANG_C, &t, &tg, &n, &e);
	}
	staff_forecast_free(&f);
	return 0;
}
