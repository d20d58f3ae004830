/* fuzz_acd.c — libFuzzer harness for the routing engine: the bytes are a
 * generated center and a sequence of inputs (tests/unit/acd_driver.h);
 * any invariant the checker finds broken aborts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../tests/unit/acd_driver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* no engine bug is tolerated (KB_*, docs/acd-proof-findings.md) */
	struct drv_opts o = {.max_inputs = 3000, .stop_on_violation = true,
			     .known_bugs = 0};
	struct drv_result r;
	int err;

	err = drv_run(data, size, &o, &r);
	free(r.log);
	if (r.violations) {
		fprintf(stderr, "acd invariant broken: %s\n", r.first);
		abort();
	}
	if (err && err != ENOMEM) {
		fprintf(stderr, "acd driver: %s\n", strerror(err));
		abort();
	}
	return 0;
}
