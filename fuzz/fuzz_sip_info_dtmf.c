/* fuzz_sip_info_dtmf.c — libFuzzer harness for DTMF in SIP INFO bodies:
 * the first byte picks the content type, the rest is the body. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "media/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ctypes[] = {
		"application/dtmf-relay", "application/dtmf",
		"Application/DTMF-Relay; charset=x", "text/plain",
	};
	const char *ct;
	char d = 'x';
	uint32_t dur = 12345;
	int err;

	if (size < 1)
		return 0;
	ct = ctypes[data[0] % 4];
	err = media_dtmf_info_parse(ct, strlen(ct), (const char *)data + 1,
				    size - 1, &d, &dur);
	if (err == 0) {
		if (!strchr("0123456789*#ABCD", d) || d == '\0' ||
		    dur > 60000)
			abort();
	}
	else if (d != 'x' || dur != 12345) {
		abort();   /* outputs untouched on error */
	}
	return 0;
}
