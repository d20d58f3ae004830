/* fuzz_traffic.c — the traffic CSV reader of `plateau simulate` on
 * arbitrary bytes: rejects or accepts, never crashes or leaks. */
#include <stdint.h>
#include <stdlib.h>
#include "config/traffic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct traffic *t = NULL;
	char err[512];

	if (size > (1u << 20))
		return 0;
	if (traffic_parse((const char *)data, size, "fuzz", NULL, &t, err,
			  sizeof(err)))
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		if (t->rows[i].start_ms + t->rows[i].len_ms > 86400000 ||
		    !(t->rows[i].aht_s >= 1))
			abort();
	}
	traffic_free(t);
	return 0;
}
