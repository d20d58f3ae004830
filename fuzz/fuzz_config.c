/* fuzz_config.c — the center loader on arbitrary bytes: it must reject
 * or accept without crashing or leaking, and what it accepts must export
 * and load back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "config/center.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* one PBKDF2 round: the fuzzer hunts parser bugs, not hash cost */
	static const struct center_opts opts = {1};
	struct center *c = NULL, *c2 = NULL;
	char err[512], *out = NULL;

	if (size > (1u << 20))
		return 0;
	if (center_parse((const char *)data, size, "fuzz", &opts, &c, err,
			 sizeof(err)))
		return 0;
	if (re_sdprintf(&out, "%H", center_write_json, c))
		abort();
	if (center_parse(out, strlen(out), "export", &opts, &c2, err,
			 sizeof(err)))
		abort();   /* what was accepted must export to a valid file */
	mem_deref(out);
	mem_deref(c2);
	mem_deref(c);
	return 0;
}
