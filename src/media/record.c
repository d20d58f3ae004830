/* record.c — call recording: both sides of a call into one stereo WAV
 * (caller left, agent right), a frame per shared tick, buffered writes,
 * header sizes kept current and the file fsync'd when it is closed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "media/media_int.h"
#include "media/wav.h"

#define REC_BUF_BYTES (MEDIA_SRATE * 4)  /* 1 s of stereo 16-bit       */
#define REC_DATA_MAX  (UINT32_MAX - 64u) /* largest data chunk, bytes   */

struct media_recorder {
	struct le le;              /* in media.recorders                    */
	struct media *m;           /* context (not referenced)              */
	struct media_leg *left;    /* caller side, NULL once freed          */
	struct media_leg *right;   /* agent side, NULL once freed           */
	int fd;                    /* the file, -1 when closed              */
	uint8_t *buf;              /* pending interleaved samples           */
	size_t buf_n;              /* bytes pending in buf                  */
	uint64_t data_bytes;       /* bytes of samples in the file          */
	uint64_t samples;          /* samples per channel, buffered or not  */
	int err;                   /* first write error; then stopped       */
};

static int write_all(int fd, const uint8_t *p, size_t n, off_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

/* Writes the pending samples, then the header with the sizes so far: a
 * file cut short by a crash is still a valid WAV up to the last flush. */
static int rec_flush(struct media_recorder *r)
{
	uint8_t hdr[WAV_HEADER_LEN];
	int err;

	if (r->err || r->fd < 0)
		return r->err;
	if (r->buf_n) {
		err = write_all(r->fd, r->buf, r->buf_n,
				(off_t)(WAV_HEADER_LEN + r->data_bytes));
		if (err)
			goto out;
		r->data_bytes += r->buf_n;
		r->buf_n = 0;
	}
	wav_header(hdr, 2, MEDIA_SRATE, (uint32_t)r->data_bytes);
	err = write_all(r->fd, hdr, sizeof(hdr), 0);
 out:
	if (err)
		r->err = err;
	return err;
}

static void untap(struct media_recorder *r)
{
	if (r->left)
		media_leg_tap(r->left, false);
	if (r->right)
		media_leg_tap(r->right, false);
	r->left = NULL;
	r->right = NULL;
}

static void recorder_destructor(void *data)
{
	struct media_recorder *r = data;

	list_unlink(&r->le);
	untap(r);
	if (r->fd >= 0) {
		(void)rec_flush(r);
		if (fsync(r->fd) && !r->err)
			r->err = errno;
		close(r->fd);
	}
	free(r->buf);
}

int media_record_start(struct media_recorder **rp, struct media_leg *left,
		       struct media_leg *right, const char *path)
{
	struct media_recorder *r;
	int err = 0;

	if (!rp || !left || !right || left == right || !path || !*path ||
	    left->m != right->m)
		return EINVAL;

	r = mem_zalloc(sizeof(*r), recorder_destructor);
	if (!r)
		return ENOMEM;
	r->fd = -1;
	r->m = left->m;
	r->buf = malloc(REC_BUF_BYTES);
	if (!r->buf) {
		err = ENOMEM;
		goto out;
	}
	r->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (r->fd < 0) {
		err = errno;
		goto out;
	}
	err = rec_flush(r);   /* the header, sizes 0 */
	if (err)
		goto out;
	r->left = left;
	r->right = right;
	media_leg_tap(left, true);
	media_leg_tap(right, true);
	list_append(&r->m->recorders, &r->le, r);

 out:
	if (err) {
		if (r->fd >= 0) {
			close(r->fd);
			r->fd = -1;
			(void)unlink(path);
		}
		mem_deref(r);
	}
	else {
		*rp = r;
	}
	return err;
}

uint64_t media_record_samples(const struct media_recorder *r)
{
	return r ? r->samples : 0;
}

int media_record_error(const struct media_recorder *r)
{
	return r ? r->err : EINVAL;
}

static void put16(uint8_t *p, int16_t v)
{
	p[0] = (uint8_t)(uint16_t)v;
	p[1] = (uint8_t)((uint16_t)v >> 8);
}

void media_recorders_step(struct media *m)
{
	for (struct le *le = m->recorders.head; le; le = le->next) {
		struct media_recorder *r = le->data;
		uint8_t *p;

		if (r->err)
			continue;
		if (r->data_bytes + r->buf_n + MEDIA_FRAME * 4u >
		    REC_DATA_MAX) {
			(void)rec_flush(r);
			r->err = EFBIG;
			untap(r);
			continue;
		}
		p = r->buf + r->buf_n;
		for (size_t i = 0; i < MEDIA_FRAME; i++) {
			put16(p + 4 * i, r->left ? r->left->frame[i] : 0);
			put16(p + 4 * i + 2,
			      r->right ? r->right->frame[i] : 0);
		}
		r->buf_n += MEDIA_FRAME * 4u;
		r->samples += MEDIA_FRAME;
		if (r->buf_n + MEDIA_FRAME * 4u > REC_BUF_BYTES) {
			if (rec_flush(r))
				untap(r);
		}
	}
}

void media_recorder_leg_gone(struct media_leg *leg)
{
	for (struct le *le = leg->m->recorders.head; le; le = le->next) {
		struct media_recorder *r = le->data;

		/* the leg is going: its taps go with it */
		if (r->left == leg)
			r->left = NULL;
		if (r->right == leg)
			r->right = NULL;
	}
}
