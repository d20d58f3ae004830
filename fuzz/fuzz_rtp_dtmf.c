/* fuzz_rtp_dtmf.c — libFuzzer harness for the RFC 4733 receiver: the
 * input is a sequence of packets (1 length byte, 4 timestamp bytes,
 * payload) fed to one receiver, as a leg would. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include "media/dtmf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtmf_rx rx = {0};
	struct dtmf_event ev;
	size_t pos = 0;

	/* the whole input as one payload */
	if (0 == dtmf_event_decode(data, size, &ev) && ev.event > 15)
		abort();

	while (pos + 5 <= size) {
		size_t len = data[pos];
		uint32_t ts = (uint32_t)data[pos + 1] << 24 |
			      (uint32_t)data[pos + 2] << 16 |
			      (uint32_t)data[pos + 3] << 8 | data[pos + 4];
		struct dtmf_rx before = rx;
		char d = 0;
		int err;

		pos += 5;
		if (len > size - pos)
			len = size - pos;
		err = dtmf_rx_feed(&rx, ts, data + pos, len, &d);
		if (err == 0 && !d)
			abort();   /* a reported press names its key */
		if (err && err != EALREADY &&
		    (rx.seen != before.seen || rx.ts != before.ts))
			abort();   /* a bad payload changes nothing */
		pos += len;
	}
	return 0;
}
