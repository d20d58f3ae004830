/* media.c — the media context: RTP port range, the one shared 20 ms tick
 * that paces every player, recorder and listener, and the audio cache. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "media/media_int.h"
#include "media/wav.h"

#define MEDIA_CATCHUP_MAX 5  /* frames run at once after a stall; more
				are skipped (the loop was blocked)      */

static void audio_destructor(void *data)
{
	struct media_audio *a = data;

	hash_unlink(&a->he);
	mem_deref(a->path);
	mem_deref(a->pcm);
}

static void media_destructor(void *data)
{
	struct media *m = data;

	media_relay_stop(m);
	tmr_cancel(&m->tmr);
	if (m->tfd >= 0) {
		fd_close(m->tfd);
		(void)close(m->tfd);
	}
	/* legs, recorders and listeners hold no reference on the context:
	 * their owners must free them first */
	hash_flush(m->cache);
	m->cache = mem_deref(m->cache);
	m->prompt_dir = mem_deref(m->prompt_dir);
	pthread_mutex_destroy(&m->lock);
}

void media_lock(struct media *m)
{
	(void)pthread_mutex_lock(&m->lock);
}

void media_unlock(struct media *m)
{
	(void)pthread_mutex_unlock(&m->lock);
}

/* ---------------------------------------------------------------------
 * The shared tick
 * ------------------------------------------------------------------- */

void media_step(struct media *m)
{
	if (!m)
		return;
	/* the relay thread waits while the frame is made (a few µs per
	 * call; recorders' writes about once a second) */
	media_lock(m);
	m->st.ticks++;
	/* 1. every tapped leg takes this tick's received frame */
	for (struct le *le = m->tapped.head; le; le = le->next)
		media_leg_pull_frame(le->data);
	/* 2. players send, recorders write, listeners mix */
	media_players_step(m);
	media_recorders_step(m);
	media_listens_step(m);
	media_unlock(m);
	/* 3. end handlers last, the lock not held: they may free legs */
	media_players_ended(m);
}

/* Runs every frame that is due: the period stays 20 ms on average
 * whatever the loop's latency. */
static void tick_run(struct media *m)
{
	uint64_t now = tmr_jiffies();
	unsigned n = 0;

	while (m->due <= now && n < MEDIA_CATCHUP_MAX) {
		media_step(m);
		m->due += MEDIA_PTIME_MS;
		n++;
	}
	if (n > 1)
		m->st.late_ticks += n - 1;
	if (m->due <= now) {
		/* stalled for long: drop the missed frames */
		m->st.late_ticks += (now - m->due) / MEDIA_PTIME_MS + 1;
		m->due = now + MEDIA_PTIME_MS;
	}
}

/* The tick from a timerfd: one fd event per period, O(1). A libre timer
 * would cost a walk of libre's sorted timer list on every re-arm, and
 * under call load that list holds two 32 s SIP transaction timers per
 * call of the last half-minute (measured: ~10 % of the server's CPU at
 * 400 calls/s went into such walks from timer handlers). */
static void tick_fd_handler(int flags, void *arg)
{
	struct media *m = arg;
	uint64_t expirations;

	(void)flags;
	if (read(m->tfd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		return;
	tick_run(m);
}

/* The fallback tick from a libre timer (no timerfd). */
static void tick_handler(void *arg)
{
	struct media *m = arg;
	uint64_t now;

	tick_run(m);
	now = tmr_jiffies();
	tmr_start(&m->tmr, m->due > now ? m->due - now : 0, tick_handler, m);
}

/* Starts the tick: a periodic timerfd, else a libre timer. */
static void tick_start(struct media *m)
{
	struct itimerspec its = {
		.it_interval = {0, MEDIA_PTIME_MS * 1000000L},
		.it_value = {0, MEDIA_PTIME_MS * 1000000L},
	};

	m->due = tmr_jiffies() + MEDIA_PTIME_MS;
	m->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (m->tfd >= 0 && !timerfd_settime(m->tfd, 0, &its, NULL) &&
	    !fd_listen(m->tfd, FD_READ, tick_fd_handler, m))
		return;
	if (m->tfd >= 0) {
		(void)close(m->tfd);
		m->tfd = -1;
	}
	tmr_start(&m->tmr, MEDIA_PTIME_MS, tick_handler, m);
}

int media_alloc(struct media **mp, const struct sa *laddr,
		uint16_t port_min, uint16_t port_max,
		const struct media_opts *opts)
{
	struct media *m;
	const char *dir;
	int err;

	if (!mp || port_min < 1024 || port_max < port_min + 1u)
		return EINVAL;
	if (laddr && !sa_isset(laddr, SA_ADDR))
		return EINVAL;

	m = mem_zalloc(sizeof(*m), media_destructor);
	if (!m)
		return ENOMEM;
	m->tfd = -1;
	{
		pthread_mutexattr_t ma;

		/* recursive: locked functions call each other */
		pthread_mutexattr_init(&ma);
		pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
		err = pthread_mutex_init(&m->lock, &ma);
		pthread_mutexattr_destroy(&ma);
		if (err)
			goto out;
	}

	if (laddr) {
		m->laddr = *laddr;
		sa_set_port(&m->laddr, 0);
	}
	else {
		err = sa_set_str(&m->laddr, "127.0.0.1", 0);
		if (err)
			goto out;
	}
	m->port_min = (uint16_t)((port_min + 1u) & ~1u);
	m->port_max = port_max;
	if (m->port_min >= m->port_max) {
		err = EINVAL;
		goto out;
	}
	m->port_next = m->port_min;

	dir = opts && opts->prompt_dir ? opts->prompt_dir : "build/prompts";
	err = str_dup(&m->prompt_dir, dir);
	if (err)
		goto out;
	err = hash_alloc(&m->cache, 64);
	if (err)
		goto out;

	m->manual = opts && opts->manual_tick;
	tmr_init(&m->tmr);
	if (opts && opts->relay_thread) {
		err = media_relay_start(m);
		if (err)
			goto out;
	}
	if (!m->manual)
		tick_start(m);

 out:
	if (err)
		mem_deref(m);
	else
		*mp = m;
	return err;
}

void media_stats_get(const struct media *m, struct media_stats *st)
{
	if (!m || !st)
		return;
	*st = m->st;
	st->legs = list_count(&m->legs);
	st->players = list_count(&m->players);
	st->recorders = list_count(&m->recorders);
}

const char *media_errmsg(const struct media *m)
{
	return m ? m->errmsg : "";
}

/* ---------------------------------------------------------------------
 * The audio cache
 * ------------------------------------------------------------------- */

static bool audio_cmp(struct le *le, void *arg)
{
	const struct media_audio *a = le->data;

	return 0 == strcmp(a->path, arg);
}

/* Reads a whole regular file of at most MEDIA_AUDIO_MAX bytes. */
static int read_file(const char *path, uint8_t **bufp, size_t *lenp)
{
	struct stat stt;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &stt)) {
		err = errno;
		goto out;
	}
	if (!S_ISREG(stt.st_mode)) {
		err = EINVAL;
		goto out;
	}
	if (stt.st_size > (off_t)MEDIA_AUDIO_MAX) {
		err = EFBIG;
		goto out;
	}
	buf = malloc((size_t)stt.st_size + 1);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	while (got < (size_t)stt.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)stt.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			goto out;
		}
		got += (size_t)n;
	}
 out:
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = got;
	return 0;
}

int media_audio_get(struct media *m, const char *name,
		    struct media_audio **ap)
{
	struct media_audio *a = NULL;
	struct wav_info wi;
	char path[1024], why[160] = "";
	uint8_t *buf = NULL;
	size_t len = 0;
	struct le *le;
	int n, err;

	if (!m || !name || !*name || !ap)
		return EINVAL;

	if (name[0] == '/')
		n = snprintf(path, sizeof(path), "%s", name);
	else
		n = snprintf(path, sizeof(path), "%s/%s", m->prompt_dir,
			     name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(m->errmsg, sizeof(m->errmsg), "%.60s...: name too "
			 "long", name);
		return EINVAL;
	}

	le = hash_lookup(m->cache, hash_joaat_str(path), audio_cmp, path);
	if (le) {
		*ap = le->data;
		return 0;
	}

	err = read_file(path, &buf, &len);
	if (err) {
		snprintf(m->errmsg, sizeof(m->errmsg), "%.1000s: %.200s", path,
			 err == EFBIG ? "file too large" : strerror(err));
		return err == EFBIG || err == EINVAL ? EBADMSG : err;
	}
	err = wav_decode(buf, len, &wi, why, sizeof(why));
	if (!err && (wi.channels != 1 || wi.srate != MEDIA_SRATE)) {
		snprintf(why, sizeof(why), "%u Hz %u channel(s), want 8000 Hz "
			 "mono", wi.srate, wi.channels);
		err = EBADMSG;
	}
	if (!err && wi.frames == 0) {
		snprintf(why, sizeof(why), "no samples");
		err = EBADMSG;
	}
	if (err) {
		snprintf(m->errmsg, sizeof(m->errmsg), "%.1000s: %.200s", path, why);
		goto out;
	}

	a = mem_zalloc(sizeof(*a), audio_destructor);
	if (!a) {
		err = ENOMEM;
		goto out;
	}
	err = str_dup(&a->path, path);
	if (err)
		goto out;
	a->pcm = mem_alloc(wi.frames * sizeof(int16_t), NULL);
	if (!a->pcm) {
		err = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < wi.frames; i++) {
		const uint8_t *s = wi.data + 2 * i;

		a->pcm[i] = (int16_t)(uint16_t)(s[0] | (s[1] << 8));
	}
	a->n = wi.frames;
	hash_append(m->cache, hash_joaat_str(path), &a->he, a);
	m->st.audio_cached++;
	m->st.audio_bytes += a->n * sizeof(int16_t);

 out:
	free(buf);
	if (err) {
		mem_deref(a);
		return err;
	}
	*ap = a;
	return 0;
}

int media_audio_preload(struct media *m, const char *name)
{
	struct media_audio *a;

	return media_audio_get(m, name, &a);
}
