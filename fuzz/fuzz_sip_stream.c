/* fuzz_sip_stream.c — libFuzzer harness for the guard's SIP-over-TCP
 * stream cutter: the input is cut into reads (sizes from its first
 * bytes), fed through sipguard_stream_feed(), and every whole message it
 * passes goes on to libre's decoder, as the server does. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "sip/guard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t msg[SIPGUARD_MAX_MSG];
	struct sipguard_stream st;
	size_t k = 0, pos = 4, have = 0;
	uint8_t cuts[4];

	if (size < 4)
		return 0;
	memcpy(cuts, data, 4);
	sipguard_stream_init(&st);

	while (pos < size) {
		size_t n = (size_t)cuts[k++ % 4] + 1, off = 0;

		if (n > size - pos)
			n = size - pos;
		if (sipguard_stream_read(&st) != SIPGUARD_OK)
			return 0;
		while (off < n) {
			size_t used;
			bool done, ka;

			if (sipguard_stream_feed(&st, data + pos + off, n - off,
						 &used, &done, &ka) !=
			    SIPGUARD_OK)
				return 0;
			if (used > n - off || (!used && !done))
				abort();   /* must make progress */
			if (have + used > sizeof(msg))
				abort();   /* a message over the limit */
			memcpy(msg + have, data + pos + off, used);
			have += used;
			off += used;
			if (!done)
				break;
			if (!ka) {
				struct mbuf *mb;
				struct sip_msg *m = NULL;

				/* a whole message: its first line ends
				 * within SIPGUARD_MAX_LINE1 */
				if (!memchr(msg, '\n', have < SIPGUARD_MAX_LINE1
							    ? have
							    : SIPGUARD_MAX_LINE1))
					abort();
				/* as tcpguard.c hands it on: its own mbuf
				 * (the decoded message keeps a reference) */
				mb = mbuf_alloc(have);
				if (!mb)
					return 0;
				(void)mbuf_write_mem(mb, msg, have);
				mb->pos = 0;
				if (!sip_msg_decode(&m, mb))
					mem_deref(m);
				mem_deref(mb);
			}
			have = 0;
		}
		pos += n;
	}
	return 0;
}
