/* fuzz_hook_answer.c — a webhook receiver's answer, fed in arbitrary
 * pieces: the status reader must decide within 512 bytes, never read past
 * what it was given, and accept only 200..599. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "api/webhook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t rx[512];
	size_t have = 0, i = 0;
	uint16_t sc = 0;
	int err = EAGAIN;

	/* the first byte picks the piece size, as TCP may cut anywhere */
	size_t step = size ? (size_t)(data[0] % 64) + 1 : 1;

	if (size)
		i = 1;
	while (i < size && err == EAGAIN) {
		size_t n = size - i < step ? size - i : step;

		if (n > sizeof(rx) - have)
			n = sizeof(rx) - have;
		memcpy(rx + have, data + i, n);
		have += n;
		i += n;
		err = hook_post_answer(rx, have, &sc);
		if (have == sizeof(rx) && err == EAGAIN)
			abort();   /* 512 bytes must decide */
	}
	if (!err && (sc < 200 || sc > 599))
		abort();
	if (err && err != EAGAIN && err != EBADMSG)
		abort();
	return 0;
}
