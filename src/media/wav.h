/* wav.h — a strict reader and a header writer for 16-bit PCM WAV files
 * (RIFF/WAVE), the only audio format plateau reads and writes. */
#ifndef PLATEAU_MEDIA_WAV_H
#define PLATEAU_MEDIA_WAV_H

#include <stddef.h>
#include <stdint.h>

#define WAV_HEADER_LEN 44   /* canonical header written by wav_header   */

/* Where the samples of a decoded file are. */
struct wav_info {
	uint16_t channels;         /* 1..8                                  */
	uint32_t srate;            /* samples per second per channel        */
	const uint8_t *data;       /* little-endian int16 samples, in buf   */
	size_t data_len;           /* bytes of data (whole frames)          */
	size_t frames;             /* samples per channel                   */
};

/* Parses a whole file in memory: RIFF "WAVE", one "fmt " chunk with
 * format 1 (PCM) or WAVE_FORMAT_EXTENSIBLE with the PCM subformat, 16
 * bits, consistent block align and byte rate, then one "data" chunk;
 * other chunks are skipped. Nothing may point outside buf. On error
 * returns EBADMSG and writes the reason into err (if errsz > 0). */
int wav_decode(const uint8_t *buf, size_t len, struct wav_info *wi,
	       char *err, size_t errsz);

/* Writes a canonical 44-byte header for data_len bytes of 16-bit PCM. */
void wav_header(uint8_t hdr[WAV_HEADER_LEN], uint16_t channels,
		uint32_t srate, uint32_t data_len);

#endif
