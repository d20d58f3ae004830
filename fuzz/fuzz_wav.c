/* fuzz_wav.c — libFuzzer harness for the strict WAV reader (operators
 * supply hold music and prompt files). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "media/wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wav_info wi;
	char err[128];

	if (0 == wav_decode(data, size, &wi, err, sizeof(err))) {
		/* the samples lie inside the input, whole frames */
		if (wi.data < data || wi.data + wi.data_len > data + size ||
		    wi.data_len != wi.frames * wi.channels * 2u)
			abort();
	}
	return 0;
}
