/* wav.c — the strict 16-bit PCM WAV reader and the header writer. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "media/wav.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return EBADMSG;
}

/* The PCM subformat GUID of WAVE_FORMAT_EXTENSIBLE:
 * 00000001-0000-0010-8000-00aa00389b71. */
static const uint8_t pcm_guid[16] = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
};

int wav_decode(const uint8_t *buf, size_t len, struct wav_info *wi,
	       char *err, size_t errsz)
{
	size_t pos = 12, riff_end;
	uint32_t riff_len;
	uint16_t fmt_tag = 0, channels = 0, align = 0, bits = 0;
	uint32_t srate = 0, byterate = 0;
	int have_fmt = 0;

	if (!buf || !wi)
		return EINVAL;
	if (len < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4))
		return fail(err, errsz, "not a RIFF/WAVE file");
	riff_len = rd32(buf + 4);
	if (riff_len < 4 || (size_t)riff_len > len - 8)
		return fail(err, errsz, "RIFF size %u does not match the "
			    "file (%zu bytes)", riff_len, len);
	riff_end = 8 + (size_t)riff_len;

	while (pos + 8 <= riff_end) {
		const uint8_t *ck = buf + pos;
		uint32_t cklen = rd32(ck + 4);
		const uint8_t *body = ck + 8;

		if ((size_t)cklen > riff_end - pos - 8)
			return fail(err, errsz, "chunk '%.4s' runs past the "
				    "end of the file", ck);

		if (!memcmp(ck, "fmt ", 4)) {
			if (have_fmt)
				return fail(err, errsz, "two fmt chunks");
			if (cklen < 16)
				return fail(err, errsz, "fmt chunk too short");
			fmt_tag = rd16(body);
			channels = rd16(body + 2);
			srate = rd32(body + 4);
			byterate = rd32(body + 8);
			align = rd16(body + 12);
			bits = rd16(body + 14);
			if (fmt_tag == 0xfffe) {
				if (cklen < 40 || rd16(body + 16) < 22)
					return fail(err, errsz, "short "
						    "extensible fmt chunk");
				if (memcmp(body + 24, pcm_guid, 16))
					return fail(err, errsz, "extensible "
						    "format is not PCM");
				fmt_tag = 1;
			}
			if (fmt_tag != 1)
				return fail(err, errsz, "format %u is not PCM "
					    "(1)", fmt_tag);
			if (bits != 16)
				return fail(err, errsz, "%u bits per sample, "
					    "want 16", bits);
			if (channels < 1 || channels > 8)
				return fail(err, errsz, "%u channels",
					    channels);
			if (srate < 1000 || srate > 192000)
				return fail(err, errsz, "sample rate %u",
					    srate);
			if (align != channels * 2u ||
			    byterate != srate * align)
				return fail(err, errsz, "inconsistent block "
					    "align or byte rate");
			have_fmt = 1;
		}
		else if (!memcmp(ck, "data", 4)) {
			if (!have_fmt)
				return fail(err, errsz, "data chunk before "
					    "fmt chunk");
			if (cklen % align)
				return fail(err, errsz, "data size %u is not "
					    "whole frames", cklen);
			wi->channels = channels;
			wi->srate = srate;
			wi->data = body;
			wi->data_len = cklen;
			wi->frames = cklen / align;
			return 0;
		}
		/* chunks are padded to an even size */
		pos += 8 + (size_t)cklen + (cklen & 1);
	}
	return fail(err, errsz, have_fmt ? "no data chunk" : "no fmt chunk");
}

void wav_header(uint8_t hdr[WAV_HEADER_LEN], uint16_t channels,
		uint32_t srate, uint32_t data_len)
{
	memcpy(hdr, "RIFF", 4);
	wr32(hdr + 4, 36 + data_len);
	memcpy(hdr + 8, "WAVEfmt ", 8);
	wr32(hdr + 16, 16);
	wr16(hdr + 20, 1);
	wr16(hdr + 22, channels);
	wr32(hdr + 24, srate);
	wr32(hdr + 28, srate * channels * 2u);
	wr16(hdr + 32, (uint16_t)(channels * 2u));
	wr16(hdr + 34, 16);
	memcpy(hdr + 36, "data", 4);
	wr32(hdr + 40, data_len);
}
