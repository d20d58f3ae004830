/* fuzz_csv.c — libFuzzer harness for the CSV reader and its typed fields. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_limits lim = {.max_line = 256, .max_rows = 1000,
				 .max_cols = 16};
	struct csv *c = NULL;
	bool got = false;

	if (csv_open_mem(&c, "fuzz.csv", data, size, &lim)) {
		csv_free(c);
		return 0;
	}
	while (!csv_next(c, &got) && got) {
		for (size_t i = 0; i < csv_columns(c); i++) {
			double d;
			long long n;
			int64_t t;
			const char *s;

			(void)csv_double(c, i, -1e300, 1e300, &d);
			(void)csv_int(c, i, -1000000, 1000000, &n);
			(void)csv_time(c, i, &t);
			(void)csv_text(c, i, true, &s);
			(void)csv_field(c, i);
		}
		(void)csv_error(c);
	}
	csv_free(c);
	return 0;
}
