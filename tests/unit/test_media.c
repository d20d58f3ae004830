/* test_media.c — media: WAV reader, DTMF decoding, SIP INFO bodies,
 * announcements, and legs on loopback (relay on the loop and on the
 * relay thread, transcoding, players, recorder, listen, RFC 4733
 * digits, hangups during relay). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <re.h>
#include <rem_g711.h>
#include "media/media.h"
#include "media/dtmf.h"
#include "media/wav.h"
#include "test.h"

/* ---------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------- */

/* A WAV file in memory: header for `channels` x 16 bit at srate, then
 * n samples of value v (interleaved as given). */
static size_t make_wav(uint8_t *buf, uint16_t channels, uint32_t srate,
		       const int16_t *s, size_t n)
{
	wav_header(buf, channels, srate, (uint32_t)(n * 2));
	for (size_t i = 0; i < n; i++) {
		buf[WAV_HEADER_LEN + 2 * i] = (uint8_t)(uint16_t)s[i];
		buf[WAV_HEADER_LEN + 2 * i + 1] = (uint8_t)((uint16_t)s[i] >> 8);
	}
	return WAV_HEADER_LEN + n * 2;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	size_t w;

	if (!f)
		return errno;
	w = fwrite(p, 1, n, f);
	fclose(f);
	return w == n ? 0 : EIO;
}

static int read_whole(const char *path, uint8_t **bufp, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return errno;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return EIO;
	}
	fclose(f);
	*bufp = buf;
	*lenp = (size_t)n;
	return 0;
}

/* A plain UDP peer on loopback that records the RTP it receives. */
#define PEER_MAX 400
struct peer {
	struct udp_sock *us;
	struct sa addr;
	unsigned n;                      /* packets received         */
	struct rtp_header hdr[PEER_MAX];
	uint8_t pl[PEER_MAX][172];
	size_t plen[PEER_MAX];
	unsigned want;                   /* stop the loop at this many */
};

static void peer_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct peer *p = arg;
	struct rtp_header h;
	size_t n;

	(void)src;
	if (p->n >= PEER_MAX)
		return;
	memset(&h, 0, sizeof(h));
	if (rtp_hdr_decode(&h, mb))
		return;
	n = mbuf_get_left(mb);
	if (n > sizeof(p->pl[0]))
		n = sizeof(p->pl[0]);
	p->hdr[p->n] = h;
	memcpy(p->pl[p->n], mbuf_buf(mb), n);
	p->plen[p->n] = n;
	p->n++;
	if (p->want && p->n >= p->want)
		re_cancel();
}

static int peer_open(struct peer *p)
{
	int err;

	memset(p, 0, sizeof(*p));
	err = sa_set_str(&p->addr, "127.0.0.1", 0);
	if (err)
		return err;
	err = udp_listen(&p->us, &p->addr, peer_recv, p);
	if (err)
		return err;
	return udp_local_get(p->us, &p->addr);
}

/* Sends one RTP packet from the peer to dst. */
static int peer_send(struct peer *p, const struct sa *dst, uint8_t pt,
		     uint16_t seq, uint32_t ts, uint32_t ssrc, bool marker,
		     const uint8_t *payload, size_t n)
{
	struct rtp_header h;
	struct mbuf *mb = mbuf_alloc(12 + n);
	int err;

	if (!mb)
		return ENOMEM;
	memset(&h, 0, sizeof(h));
	h.ver = RTP_VERSION;
	h.m = marker;
	h.pt = pt;
	h.seq = seq;
	h.ts = ts;
	h.ssrc = ssrc;
	err = rtp_hdr_encode(mb, &h);
	if (!err)
		err = mbuf_write_mem(mb, payload, n);
	mb->pos = 0;
	if (!err)
		err = udp_send(p->us, dst, mb);
	mem_deref(mb);
	return err;
}

static void stop_loop(void *arg)
{
	(void)arg;
	re_cancel();
}

/* Runs the loop until re_cancel or ms pass. */
static void run_loop(unsigned ms)
{
	struct tmr t;

	tmr_init(&t);
	tmr_start(&t, ms, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
}

static struct sa leg_addr(const struct media_leg *leg)
{
	struct sa a;

	sa_set_str(&a, "127.0.0.1", media_leg_port(leg));
	return a;
}

static int temp_dir(char *dir, size_t n)
{
	snprintf(dir, n, "/tmp/plateau-media-XXXXXX");
	return mkdtemp(dir) ? 0 : errno;
}

/* libre allocates its per-thread loop state (poll set, fd table) the
 * first time a loop runs and keeps it after libre_close(); warm it up
 * before the runner starts counting heap, so the leak check sees only
 * what the media code allocates. */
__attribute__((constructor)) static void libre_warm_up(void)
{
	struct udp_sock *us = NULL;
	struct tmr t;
	struct sa a;

	if (libre_init())
		return;
	sa_set_str(&a, "127.0.0.1", 0);
	(void)udp_listen(&us, &a, NULL, NULL);
	(void)rand_u32();   /* OpenSSL seeds its generator lazily */
	tmr_init(&t);
	tmr_start(&t, 1, stop_loop, NULL);
	(void)re_main(NULL);
	tmr_cancel(&t);
	mem_deref(us);
	libre_close();
}

/* ---------------------------------------------------------------------
 * WAV reader
 * ------------------------------------------------------------------- */

static int test_wav_good(void)
{
	uint8_t buf[256];
	int16_t s[4] = {0, 1000, -1000, 32767};
	struct wav_info wi;
	char err[128];
	size_t n;

	n = make_wav(buf, 1, 8000, s, 4);
	TEST_EQ(wav_decode(buf, n, &wi, err, sizeof(err)), 0);
	TEST_EQ(wi.channels, 1);
	TEST_EQ(wi.srate, 8000);
	TEST_EQ(wi.frames, 4);
	TEST_EQ(wi.data[2] | (wi.data[3] << 8), 1000);

	/* an odd-sized LIST chunk (padded) before data is skipped */
	{
		uint8_t b2[300];
		size_t m = 0;

		memcpy(b2, buf, 36);
		m = 36;
		memcpy(b2 + m, "LIST\x03\x00\x00\x00" "abc\x00", 12);
		m += 12;
		memcpy(b2 + m, buf + 36, n - 36);
		m += n - 36;
		b2[4] = (uint8_t)(m - 8);
		TEST_EQ(wav_decode(b2, m, &wi, err, sizeof(err)), 0);
		TEST_EQ(wi.frames, 4);
	}
	return 0;
}

static int test_wav_bad(void)
{
	uint8_t buf[256], b[256];
	int16_t s[4] = {1, 2, 3, 4};
	struct wav_info wi;
	char err[128] = "";
	size_t n = make_wav(buf, 1, 8000, s, 4);

	TEST_EQ(wav_decode(buf, 11, &wi, err, sizeof(err)), EBADMSG);
	/* truncated: RIFF size says more than there is */
	TEST_EQ(wav_decode(buf, n - 2, &wi, err, sizeof(err)), EBADMSG);
	TEST_ASSERT(strstr(err, "RIFF size"));
	/* 8 bits */
	memcpy(b, buf, n);
	b[34] = 8;
	TEST_EQ(wav_decode(b, n, &wi, err, sizeof(err)), EBADMSG);
	TEST_ASSERT(strstr(err, "bits"));
	/* float format */
	memcpy(b, buf, n);
	b[20] = 3;
	TEST_EQ(wav_decode(b, n, &wi, err, sizeof(err)), EBADMSG);
	TEST_ASSERT(strstr(err, "not PCM"));
	/* data chunk longer than the file */
	memcpy(b, buf, n);
	b[40] = 200;
	TEST_EQ(wav_decode(b, n, &wi, err, sizeof(err)), EBADMSG);
	TEST_ASSERT(strstr(err, "past the end"));
	/* inconsistent byte rate */
	memcpy(b, buf, n);
	b[28] = 1;
	TEST_EQ(wav_decode(b, n, &wi, err, sizeof(err)), EBADMSG);
	/* odd data size */
	memcpy(b, buf, n);
	b[40] = 7;
	TEST_EQ(wav_decode(b, n, &wi, err, sizeof(err)), EBADMSG);
	/* not RIFF */
	memcpy(b, buf, n);
	b[0] = 'X';
	TEST_EQ(wav_decode(b, n, &wi, err, sizeof(err)), EBADMSG);
	return 0;
}

static int test_wav_load(void)
{
	struct media_opts o = {.manual_tick = true};
	struct media *m = NULL;
	char dir[64], path[128];
	uint8_t buf[256];
	int16_t s[4] = {1, 2, 3, 4};
	int err;

	TEST_EQ(libre_init(), 0);
	err = temp_dir(dir, sizeof(dir));
	if (err)
		goto out;
	o.prompt_dir = dir;
	err = media_alloc(&m, NULL, 30000, 30100, &o);
	if (err)
		goto out;

	snprintf(path, sizeof(path), "%s/ok.wav", dir);
	write_file(path, buf, make_wav(buf, 1, 8000, s, 4));
	err = media_audio_preload(m, "ok.wav");
	if (err)
		goto out;
	/* 16 kHz and stereo are refused with a reason */
	snprintf(path, sizeof(path), "%s/wide.wav", dir);
	write_file(path, buf, make_wav(buf, 1, 16000, s, 4));
	err = media_audio_preload(m, "wide.wav") == EBADMSG ? 0 : EINVAL;
	if (!err && !strstr(media_errmsg(m), "16000 Hz"))
		err = EINVAL;
	snprintf(path, sizeof(path), "%s/st.wav", dir);
	write_file(path, buf, make_wav(buf, 2, 8000, s, 4));
	if (!err)
		err = media_audio_preload(m, "st.wav") == EBADMSG ? 0
								  : EINVAL;
	if (!err)
		err = media_audio_preload(m, "missing.wav") == ENOENT ? 0
								      : EINVAL;
	unlink(path);
	snprintf(path, sizeof(path), "%s/wide.wav", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ok.wav", dir);
	unlink(path);
	rmdir(dir);
 out:
	mem_deref(m);
	libre_close();
	return err;
}

/* ---------------------------------------------------------------------
 * DTMF
 * ------------------------------------------------------------------- */

static int test_dtmf_rtp(void)
{
	struct dtmf_rx rx = {0};
	uint8_t start[4] = {5, 10, 0, 160};
	uint8_t end[4] = {5, 0x80 | 10, 3, 0x20};
	uint8_t star[4] = {10, 0x80, 0, 80};
	uint8_t bad[4] = {16, 0, 0, 0};
	struct dtmf_event ev;
	char d = 0;

	TEST_EQ(dtmf_event_decode(end, 4, &ev), 0);
	TEST_EQ(ev.event, 5);
	TEST_ASSERT(ev.end);
	TEST_EQ(ev.volume, 10);
	TEST_EQ(ev.duration, 800);
	TEST_EQ(dtmf_event_decode(end, 3, &ev), EBADMSG);

	TEST_EQ(dtmf_rx_feed(&rx, 1000, start, 4, &d), 0);
	TEST_EQ(d, '5');
	TEST_EQ(dtmf_rx_feed(&rx, 1000, start, 4, &d), EALREADY);
	for (int i = 0; i < 3; i++)
		TEST_EQ(dtmf_rx_feed(&rx, 1000, end, 4, &d), EALREADY);
	/* a bad payload changes nothing */
	TEST_EQ(dtmf_rx_feed(&rx, 5000, bad, 4, &d), EBADMSG);
	/* a new press (new timestamp) reported even if only its end
	 * arrives */
	d = 0;
	TEST_EQ(dtmf_rx_feed(&rx, 5000, star, 4, &d), 0);
	TEST_EQ(d, '*');
	TEST_EQ(dtmf_event_char(11), '#');
	TEST_EQ(dtmf_event_char(16), 0);
	return 0;
}

static int info(const char *ct, const char *body, char *d, uint32_t *dur)
{
	return media_dtmf_info_parse(ct, strlen(ct), body, strlen(body), d,
				     dur);
}

static int test_dtmf_info(void)
{
	char d = 0;
	uint32_t dur = 99;

	TEST_EQ(info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n",
		     &d, &dur), 0);
	TEST_EQ(d, '5');
	TEST_EQ(dur, 160);
	TEST_EQ(info("Application/DTMF-Relay; x=1", "signal = *\nduration= 250",
		     &d, &dur), 0);
	TEST_EQ(d, '*');
	TEST_EQ(dur, 250);
	TEST_EQ(info("application/dtmf-relay", "Signal=11\r\n", &d, &dur), 0);
	TEST_EQ(d, '#');
	TEST_EQ(dur, 0);
	TEST_EQ(info("application/dtmf", "#\r\n", &d, &dur), 0);
	TEST_EQ(d, '#');
	TEST_EQ(info("application/dtmf", "7", &d, &dur), 0);
	TEST_EQ(d, '7');

	d = 'x';
	dur = 7;
	TEST_EQ(info("application/dtmf-relay", "Duration=160\r\n", &d, &dur),
		EBADMSG);
	TEST_EQ(info("application/dtmf-relay", "Signal=55\r\n", &d, &dur),
		EBADMSG);
	TEST_EQ(info("application/dtmf-relay", "Signal=16\r\n", &d, &dur),
		EBADMSG);
	TEST_EQ(info("application/dtmf-relay", "Signal=1\r\nSignal=2\r\n",
		     &d, &dur), EBADMSG);
	TEST_EQ(info("application/dtmf-relay", "Signal=1\r\nDuration=x\r\n",
		     &d, &dur), EBADMSG);
	TEST_EQ(info("application/dtmf-relay", "Signal 1\r\n", &d, &dur),
		EBADMSG);
	TEST_EQ(info("application/dtmf", "17", &d, &dur), EBADMSG);
	TEST_EQ(info("application/dtmf", "1 2", &d, &dur), EBADMSG);
	TEST_EQ(info("application/dtmf", "", &d, &dur), EBADMSG);
	TEST_EQ(info("text/plain", "Signal=5", &d, &dur), EPROTONOSUPPORT);
	/* outputs untouched on error */
	TEST_EQ(d, 'x');
	TEST_EQ(dur, 7);
	return 0;
}

/* ---------------------------------------------------------------------
 * Announcements
 * ------------------------------------------------------------------- */

static int names_are(const struct media_playlist *pl, const char *want)
{
	char got[512] = "";

	for (size_t i = 0; i < media_playlist_count(pl); i++) {
		if (i)
			strcat(got, " ");
		strcat(got, media_playlist_name(pl, i));
	}
	if (strcmp(got, want)) {
		fprintf(stderr, "  got  %s\n  want %s\n", got, want);
		return EINVAL;
	}
	return 0;
}

static int test_announce(void)
{
	struct media_playlist *pl = NULL;
	int err;

	TEST_EQ(media_announce_position("fr", 3, 120000, &pl), 0);
	err = names_are(pl, "fr/pos_before.wav fr/num_3.wav fr/pos_after.wav "
			"fr/wait_before.wav fr/num_2.wav fr/minutes.wav");
	pl = mem_deref(pl);
	if (err)
		return err;
	TEST_EQ(media_announce_position("ar", 1, 5 * 60000, &pl), 0);
	err = names_are(pl, "ar/pos_before.wav ar/num_1.wav ar/pos_after.wav "
			"ar/wait_before.wav ar/num_5.wav ar/minutes_few.wav");
	pl = mem_deref(pl);
	if (err)
		return err;
	TEST_EQ(media_announce_position("ar", 2, 15 * 60000, &pl), 0);
	err = names_are(pl, "ar/pos_before.wav ar/num_2.wav ar/pos_after.wav "
			"ar/wait_before.wav ar/num_15.wav "
			"ar/minutes_many.wav");
	pl = mem_deref(pl);
	if (err)
		return err;
	TEST_EQ(media_announce_position("en", 150, 20000, &pl), 0);
	err = names_are(pl, "en/pos_before.wav en/pos_more.wav en/num_99.wav "
			"en/pos_after.wav en/wait_before.wav "
			"en/wait_short.wav");
	pl = mem_deref(pl);
	if (err)
		return err;
	TEST_EQ(media_announce_position("de", 4, 70000, &pl), 0);
	err = names_are(pl, "de/pos_before.wav de/num_4.wav de/pos_after.wav "
			"de/wait_before.wav de/wait_one.wav");
	pl = mem_deref(pl);
	if (err)
		return err;
	TEST_EQ(media_announce_position("es", 7, -1, &pl), 0);
	err = names_are(pl, "es/pos_before.wav es/num_7.wav es/pos_after.wav");
	pl = mem_deref(pl);
	if (err)
		return err;
	TEST_EQ(media_announce_position("es", 7, 200 * 60000, &pl), 0);
	err = names_are(pl, "es/pos_before.wav es/num_7.wav es/pos_after.wav "
			"es/wait_before.wav es/wait_long.wav");
	pl = mem_deref(pl);
	if (err)
		return err;
	TEST_EQ(media_announce_position("it", 1, 0, &pl), EINVAL);
	TEST_EQ(media_announce_position("fr", 0, 0, &pl), EINVAL);
	TEST_ASSERT(pl == NULL);
	return 0;
}

/* ---------------------------------------------------------------------
 * Legs on loopback
 * ------------------------------------------------------------------- */

struct fix {
	struct media *m;
	struct media_leg *a, *b, *c;
	struct peer *pa, *pb, *pc;     /* far ends of a, b, c */
	char dir[64];
};

/* Set by the *_thread tests: bridged legs are relayed by the relay
 * thread instead of the loop. */
static bool fix_thread;

static int fix_open(struct fix *f, bool manual, uint8_t pt_a, uint8_t pt_b)
{
	struct media_opts o = {.manual_tick = manual,
			       .relay_thread = fix_thread};
	int err;

	memset(f, 0, sizeof(*f));
	err = libre_init();
	if (err)
		return err;
	err = temp_dir(f->dir, sizeof(f->dir));
	if (err)
		return err;
	o.prompt_dir = f->dir;
	f->pa = calloc(1, sizeof(*f->pa));
	f->pb = calloc(1, sizeof(*f->pb));
	f->pc = calloc(1, sizeof(*f->pc));
	if (!f->pa || !f->pb || !f->pc)
		return ENOMEM;
	err = media_alloc(&f->m, NULL, 31000, 31999, &o);
	err = err ? err : media_leg_alloc(&f->a, f->m, "a");
	err = err ? err : media_leg_alloc(&f->b, f->m, "b");
	err = err ? err : media_leg_alloc(&f->c, f->m, "c");
	err = err ? err : peer_open(f->pa);
	err = err ? err : peer_open(f->pb);
	err = err ? err : peer_open(f->pc);
	err = err ? err : media_leg_set_remote(f->a, &f->pa->addr, pt_a, 101);
	err = err ? err : media_leg_set_remote(f->b, &f->pb->addr, pt_b, 101);
	err = err ? err : media_leg_set_remote(f->c, &f->pc->addr,
					       MEDIA_PT_PCMU, 0);
	return err;
}

static void fix_close(struct fix *f)
{
	mem_deref(f->a);
	mem_deref(f->b);
	mem_deref(f->c);
	mem_deref(f->m);
	if (f->pa)
		mem_deref(f->pa->us);
	if (f->pb)
		mem_deref(f->pb->us);
	if (f->pc)
		mem_deref(f->pc->us);
	free(f->pa);
	free(f->pb);
	free(f->pc);
	if (f->dir[0])
		rmdir(f->dir);
	libre_close();
}

/* Peer A sends n PCMU packets of 160 bytes (byte value i+1 in packet i)
 * to leg a; checks what peer B got through the bridge. */
static int relay_case(uint8_t pt_b)
{
	struct media_bridge *br = NULL;
	struct media_leg_stats st;
	struct fix f;
	uint8_t pl[160];
	const unsigned n = 20;
	struct sa dst;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, pt_b);
	if (err)
		goto out;
	err = media_bridge(&br, f.a, f.b);
	if (err)
		goto out;
	TEST_EQ(media_bridge(&br, f.a, f.c), EBUSY);
	dst = leg_addr(f.a);
	for (unsigned i = 0; i < n; i++) {
		memset(pl, (int)(0x80 + i), sizeof(pl));
		err = peer_send(f.pa, &dst, MEDIA_PT_PCMU, (uint16_t)(500 + i),
				7000 + i * 160, 0x1234, i == 0, pl, 160);
		if (err)
			goto out;
	}
	f.pb->want = n;
	run_loop(2000);

	if (f.pb->n != n) {
		fprintf(stderr, "  peer b got %u of %u\n", f.pb->n, n);
		err = EIO;
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct rtp_header *h = &f.pb->hdr[i];
		uint8_t want = (uint8_t)(0x80 + i);

		if (pt_b == MEDIA_PT_PCMA)
			want = g711_pcm2alaw(g711_ulaw2pcm(want));
		if (h->pt != pt_b || h->ssrc == 0x1234 ||
		    h->ssrc != f.pb->hdr[0].ssrc || f.pb->plen[i] != 160 ||
		    f.pb->pl[i][0] != want || f.pb->pl[i][159] != want ||
		    (uint16_t)(h->seq - f.pb->hdr[0].seq) != i ||
		    h->ts - f.pb->hdr[0].ts != i * 160) {
			fprintf(stderr, "  packet %u: pt %u ssrc %x seq %u "
				"ts %u byte %02x want %02x\n", i, h->pt,
				h->ssrc, h->seq, h->ts, f.pb->pl[i][0], want);
			err = EINVAL;
			goto out;
		}
	}
	if (!f.pb->hdr[0].m) {
		fprintf(stderr, "  first packet lacks the marker\n");
		err = EINVAL;
		goto out;
	}
	media_leg_stats_get(f.a, &st);
	TEST_EQ(st.rx_packets, n);
	media_leg_stats_get(f.b, &st);
	TEST_EQ(st.tx_packets, n);

	/* unbridged: nothing more is relayed */
	br = mem_deref(br);
	err = peer_send(f.pa, &dst, MEDIA_PT_PCMU, 900, 99999, 0x1234, false,
			pl, 160);
	run_loop(100);
	if (!err && f.pb->n != n)
		err = EINVAL;
 out:
	mem_deref(br);
	fix_close(&f);
	return err;
}

static int test_relay_same_codec(void)
{
	return relay_case(MEDIA_PT_PCMU);
}

static int test_relay_transcode(void)
{
	return relay_case(MEDIA_PT_PCMA);
}

/* Runs a test with the fixture's legs relayed on the relay thread. */
static int on_relay_thread(int (*test)(void))
{
	int err;

	fix_thread = true;
	err = test();
	fix_thread = false;
	return err;
}

static int test_relay_same_codec_thread(void)
{
	return on_relay_thread(test_relay_same_codec);
}

/* A PCMU caller and a PCMA agent through the relay thread. */
static int test_relay_transcode_thread(void)
{
	return on_relay_thread(test_relay_transcode);
}

/* Every PCMU byte through PCMA and back stays within one quantisation
 * step of where it started. */
static int test_transcode_roundtrip(void)
{
	for (unsigned u = 0; u < 256; u++) {
		int16_t s = g711_ulaw2pcm((uint8_t)u);
		uint8_t a = g711_pcm2alaw(s);
		int16_t s2 = g711_alaw2pcm(a);
		int d = abs(s - s2);
		int tol = abs(s) / 16 + 16;

		if (d > tol) {
			fprintf(stderr, "  mu 0x%02x: %d -> A 0x%02x -> %d\n",
				u, s, a, s2);
			return EINVAL;
		}
	}
	return 0;
}

static unsigned ended;
static void on_end(struct media_leg *leg, void *arg)
{
	(void)leg;
	(void)arg;
	ended++;
}

static int test_player(void)
{
	struct media_playlist *pl = NULL;
	struct fix f;
	char path[128];
	uint8_t *buf = malloc(WAV_HEADER_LEN + 2 * 400);
	int16_t s[400];
	int err;

	if (!buf)
		return ENOMEM;
	err = fix_open(&f, true, MEDIA_PT_PCMA, MEDIA_PT_PCMU);
	if (err)
		goto out;
	for (int i = 0; i < 400; i++)
		s[i] = (int16_t)(i * 50 - 10000);
	snprintf(path, sizeof(path), "%s/t.wav", f.dir);
	err = write_file(path, buf, make_wav(buf, 1, 8000, s, 400));
	if (err)
		goto out;
	err = media_playlist_alloc(&pl);
	err = err ? err : media_playlist_add(pl, "t.wav");
	if (err)
		goto out;
	/* a missing file: nothing starts */
	{
		struct media_playlist *bad = NULL;

		media_playlist_alloc(&bad);
		media_playlist_add(bad, "t.wav");
		media_playlist_add(bad, "nope.wav");
		err = media_play(f.a, bad, false, on_end, NULL) == ENOENT ?
			0 : EINVAL;
		mem_deref(bad);
		if (err || media_leg_playing(f.a)) {
			err = EINVAL;
			goto out;
		}
	}
	ended = 0;
	err = media_play(f.a, pl, false, on_end, NULL);
	if (err)
		goto out;
	/* 400 samples = 2.5 frames: 3 packets, then the end handler */
	for (int i = 0; i < 5; i++)
		media_step(f.m);
	f.pa->want = 3;
	run_loop(500);
	TEST_EQ(f.pa->n, 3);
	TEST_EQ(ended, 1);
	TEST_ASSERT(!media_leg_playing(f.a));
	for (unsigned k = 0; k < 3; k++) {
		TEST_EQ(f.pa->hdr[k].pt, MEDIA_PT_PCMA);
		TEST_EQ(f.pa->hdr[k].ts - f.pa->hdr[0].ts, k * 160);
		for (unsigned i = 0; i < 160; i++) {
			unsigned j = k * 160 + i;
			uint8_t want = j < 400 ? g711_pcm2alaw(s[j])
					       : g711_pcm2alaw(0);

			if (f.pa->pl[k][i] != want) {
				fprintf(stderr, "  sample %u\n", j);
				err = EINVAL;
				goto out;
			}
		}
	}
	TEST_ASSERT(f.pa->hdr[0].m);

	/* looping: keeps playing, never ends */
	ended = 0;
	err = media_play(f.a, pl, true, on_end, NULL);
	for (int i = 0; !err && i < 10; i++)
		media_step(f.m);
	TEST_ASSERT(media_leg_playing(f.a));
	TEST_EQ(ended, 0);
	media_play_stop(f.a);
	TEST_ASSERT(!media_leg_playing(f.a));
	unlink(path);
 out:
	free(buf);
	mem_deref(pl);
	fix_close(&f);
	return err;
}

static int test_recorder(void)
{
	struct media_recorder *r = NULL;
	struct wav_info wi;
	struct fix f;
	char path[128], why[128];
	uint8_t pl[160], *buf = NULL;
	size_t len = 0;
	struct sa dst;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMA);
	if (err)
		goto out;
	snprintf(path, sizeof(path), "%s/rec.wav", f.dir);
	err = media_record_start(&r, f.a, f.b, path);
	if (err)
		goto out;
	TEST_EQ(media_record_start(&r, f.a, f.b, path) , EEXIST);

	/* tick 1: caller sends one frame (mu 0x9f), agent nothing;
	 * tick 2: agent sends one frame (A 0x55 = silence-ish: use 0xd5),
	 * tick 3: nobody. */
	dst = leg_addr(f.a);
	memset(pl, 0x9f, sizeof(pl));
	peer_send(f.pa, &dst, MEDIA_PT_PCMU, 1, 0, 1, false, pl, 160);
	run_loop(100);
	media_step(f.m);
	dst = leg_addr(f.b);
	memset(pl, 0xa0, sizeof(pl));
	peer_send(f.pb, &dst, MEDIA_PT_PCMA, 1, 0, 2, false, pl, 160);
	run_loop(100);
	media_step(f.m);
	media_step(f.m);
	TEST_EQ(media_record_samples(r), 480);
	r = mem_deref(r);

	err = read_whole(path, &buf, &len);
	if (err)
		goto out;
	unlink(path);
	err = wav_decode(buf, len, &wi, why, sizeof(why));
	if (err) {
		fprintf(stderr, "  %s\n", why);
		goto out;
	}
	TEST_EQ(len, WAV_HEADER_LEN + 480 * 4);
	TEST_EQ(wi.channels, 2);
	TEST_EQ(wi.srate, 8000);
	TEST_EQ(wi.frames, 480);
	for (size_t i = 0; i < 480; i++) {
		const uint8_t *p = wi.data + 4 * i;
		int16_t l = (int16_t)(uint16_t)(p[0] | (p[1] << 8));
		int16_t rr = (int16_t)(uint16_t)(p[2] | (p[3] << 8));
		int16_t wl = i < 160 ? g711_ulaw2pcm(0x9f) : 0;
		int16_t wr = i >= 160 && i < 320 ? g711_alaw2pcm(0xa0) : 0;

		if (l != wl || rr != wr) {
			fprintf(stderr, "  frame %zu: %d %d want %d %d\n", i,
				l, rr, wl, wr);
			err = EINVAL;
			goto out;
		}
	}
 out:
	free(buf);
	mem_deref(r);
	fix_close(&f);
	return err;
}

/* A bridged call recorded: a (PCMU caller) and b (PCMA agent) talk once
 * each; the relay forwards both ways, transcoded, and the recording has
 * the caller left and the agent right in the same tick. */
static int bridged_record_case(void)
{
	struct media_bridge *br = NULL;
	struct media_recorder *r = NULL;
	struct wav_info wi;
	struct fix f;
	char path[128], why[128];
	uint8_t pl[160], *buf = NULL;
	size_t len = 0;
	struct sa dst;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMA);
	if (err)
		goto out;
	snprintf(path, sizeof(path), "%s/brec.wav", f.dir);
	err = media_bridge(&br, f.a, f.b);
	err = err ? err : media_record_start(&r, f.a, f.b, path);
	if (err)
		goto out;
	dst = leg_addr(f.a);
	memset(pl, 0x9f, sizeof(pl));
	peer_send(f.pa, &dst, MEDIA_PT_PCMU, 1, 0, 1, true, pl, 160);
	dst = leg_addr(f.b);
	memset(pl, 0xa0, sizeof(pl));
	peer_send(f.pb, &dst, MEDIA_PT_PCMA, 1, 0, 2, true, pl, 160);
	f.pb->want = 1;
	run_loop(1000);
	f.pa->want = 1;
	if (f.pa->n < 1)
		run_loop(1000);
	if (f.pa->n != 1 || f.pb->n != 1 ||
	    f.pb->hdr[0].pt != MEDIA_PT_PCMA ||
	    f.pb->pl[0][0] != g711_pcm2alaw(g711_ulaw2pcm(0x9f)) ||
	    f.pa->hdr[0].pt != MEDIA_PT_PCMU ||
	    f.pa->pl[0][0] != g711_pcm2ulaw(g711_alaw2pcm(0xa0))) {
		fprintf(stderr, "  relay: a got %u, b got %u\n", f.pa->n,
			f.pb->n);
		err = EINVAL;
		goto out;
	}
	media_step(f.m);
	media_step(f.m);
	if (media_record_samples(r) != 320) {
		err = EINVAL;
		goto out;
	}
	r = mem_deref(r);
	br = mem_deref(br);

	err = read_whole(path, &buf, &len);
	if (err)
		goto out;
	unlink(path);
	err = wav_decode(buf, len, &wi, why, sizeof(why));
	if (err) {
		fprintf(stderr, "  %s\n", why);
		goto out;
	}
	if (wi.channels != 2 || wi.frames != 320) {
		err = EINVAL;
		goto out;
	}
	for (size_t i = 0; i < 320; i++) {
		const uint8_t *p = wi.data + 4 * i;
		int16_t l = (int16_t)(uint16_t)(p[0] | (p[1] << 8));
		int16_t rr = (int16_t)(uint16_t)(p[2] | (p[3] << 8));
		int16_t wl = i < 160 ? g711_ulaw2pcm(0x9f) : 0;
		int16_t wr = i < 160 ? g711_alaw2pcm(0xa0) : 0;

		if (l != wl || rr != wr) {
			fprintf(stderr, "  frame %zu: %d %d want %d %d\n", i,
				l, rr, wl, wr);
			err = EINVAL;
			goto out;
		}
	}
 out:
	free(buf);
	mem_deref(r);
	mem_deref(br);
	fix_close(&f);
	return err;
}

static int test_bridged_record(void)
{
	return bridged_record_case();
}

static int test_bridged_record_thread(void)
{
	return on_relay_thread(test_bridged_record);
}

/* A child process blasting PCMU at the even ports from port_lo to
 * port_hi (the legs of the fixture, old and new) until killed or for
 * at most 10 s, from the address it gives in *from (a leg accepts RTP
 * only from its remote). Raw system calls only. */
static pid_t blast_start(uint16_t port_lo, uint16_t port_hi,
			 struct sa *from)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct sockaddr_in me = {.sin_family = AF_INET};
	socklen_t melen = sizeof(me);
	uint8_t pkt[172];
	uint16_t seq = 0;
	pid_t pid;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) ||
	    getsockname(fd, (struct sockaddr *)&me, &melen)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	sa_init(from, AF_INET);
	sa_set_in(from, INADDR_LOOPBACK, ntohs(me.sin_port));
	pid = fork();
	if (pid != 0) {
		close(fd);
		return pid;
	}
	memset(pkt, 0xd5, sizeof(pkt));
	pkt[0] = 0x80;                 /* version 2                          */
	pkt[1] = MEDIA_PT_PCMU;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (unsigned i = 0; fd >= 0 && i < 1000000; i++) {
		uint16_t port = (uint16_t)(port_lo + 2u * (i %
			((port_hi - port_lo) / 2u + 1u)));

		pkt[2] = (uint8_t)(seq >> 8);
		pkt[3] = (uint8_t)seq;
		seq++;
		to.sin_port = htons(port);
		(void)sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			     sizeof(to));
		if ((i & 31) == 0)
			usleep(200);
		if (getppid() == 1)
			break;
	}
	_exit(0);
}

/* Hangups during relay: legs leave the relay (unbridge, leg freed
 * while bridged) while packets keep arriving; afterwards a new bridge
 * relays as before. ASan (unit-san) catches a use after free. */
static int hangup_case(void)
{
	struct media_bridge *br = NULL;
	struct media_leg_stats st;
	struct sa blaster;
	struct fix f;
	uint8_t pl[160];
	struct sa dst;
	pid_t pid = -1;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMA);
	if (err)
		goto out;
	pid = blast_start(media_leg_port(f.a),
			  (uint16_t)(media_leg_port(f.c) + 60u), &blaster);
	if (pid < 0) {
		err = errno ? errno : EIO;
		goto out;
	}
	/* the caller's far end is the blaster: a relays what it sends */
	err = media_leg_set_remote(f.a, &blaster, MEDIA_PT_PCMU, 101);
	if (err)
		goto out;
	for (int i = 0; i < 60 && !err; i++) {
		err = media_bridge(&br, f.a, f.b);
		if (err)
			break;
		run_loop(3);
		if (i % 3 == 2) {
			/* the agent hangs up while bridged: its leg goes
			 * first, the bridge after */
			f.b = mem_deref(f.b);
			br = mem_deref(br);
			err = media_leg_alloc(&f.b, f.m, "b");
			err = err ? err : media_leg_set_remote(
				f.b, &f.pb->addr, MEDIA_PT_PCMA, 101);
		}
		else {
			br = mem_deref(br);
		}
		run_loop(1);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pid = -1;
	if (err)
		goto out;
	media_leg_stats_get(f.a, &st);
	if (st.rx_packets == 0) {
		fprintf(stderr, "  a received nothing\n");
		err = EIO;
		goto out;
	}
	/* the legs are whole: one more call relays as before (a new far
	 * end for a, so a learns its source again) */
	run_loop(50);
	f.pb->n = 0;
	err = media_leg_set_remote(f.a, &f.pa->addr, MEDIA_PT_PCMU, 101);
	if (err)
		goto out;
	err = media_bridge(&br, f.a, f.b);
	if (err)
		goto out;
	dst = leg_addr(f.a);
	memset(pl, 0x9f, sizeof(pl));
	peer_send(f.pa, &dst, MEDIA_PT_PCMU, 7, 160, 9, false, pl, 160);
	f.pb->want = 1;
	run_loop(1000);
	if (f.pb->n != 1 || f.pb->pl[0][0] !=
	    g711_pcm2alaw(g711_ulaw2pcm(0x9f))) {
		fprintf(stderr, "  after the hangups b got %u\n", f.pb->n);
		err = EIO;
	}
 out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	mem_deref(br);
	fix_close(&f);
	return err;
}

static int test_relay_hangup(void)
{
	return hangup_case();
}

static int test_relay_hangup_thread(void)
{
	return on_relay_thread(test_relay_hangup);
}

static int test_listen(void)
{
	struct media_listen *l = NULL;
	struct fix f;
	uint8_t pl[160];
	struct sa dst;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMU);
	if (err)
		goto out;
	err = media_listen(&l, f.a, f.b, f.c);
	if (err)
		goto out;
	memset(pl, g711_pcm2ulaw(1000), sizeof(pl));
	dst = leg_addr(f.a);
	peer_send(f.pa, &dst, MEDIA_PT_PCMU, 1, 0, 1, false, pl, 160);
	memset(pl, g711_pcm2ulaw(-3000), sizeof(pl));
	dst = leg_addr(f.b);
	peer_send(f.pb, &dst, MEDIA_PT_PCMU, 1, 0, 2, false, pl, 160);
	run_loop(100);
	media_step(f.m);
	media_step(f.m);
	f.pc->want = 2;
	run_loop(500);
	TEST_EQ(f.pc->n, 2);
	{
		int16_t sum = (int16_t)(g711_ulaw2pcm(g711_pcm2ulaw(1000)) +
					g711_ulaw2pcm(g711_pcm2ulaw(-3000)));

		TEST_EQ(f.pc->pl[0][0], g711_pcm2ulaw(sum));
		TEST_EQ(f.pc->pl[1][0], g711_pcm2ulaw(0));
	}
 out:
	mem_deref(l);
	fix_close(&f);
	return err;
}

/* Whisper and barge on a bridged call: caller a (PCMA), agent b (PCMU),
 * supervisor c (PCMU). Each far end sends one frame of a constant; one
 * tick later each leg must have received exactly its mix, in its codec:
 * the caller never hears the supervisor in a whisper. */
static int monitor_case(enum media_monitor_mode mode)
{
	struct media_listen *l = NULL, *l2 = NULL;
	struct media_bridge *br = NULL;
	struct fix f;
	uint8_t pl[160];
	struct sa dst;
	int16_t cs, as, ss;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMA, MEDIA_PT_PCMU);
	if (err)
		goto out;
	err = media_bridge(&br, f.a, f.b);
	if (err)
		goto out;
	err = media_monitor(&l, f.a, f.b, f.c, mode);
	if (err)
		goto out;
	TEST_ASSERT(media_leg_mixed(f.b));
	TEST_EQ(media_leg_mixed(f.a), mode == MEDIA_MONITOR_BARGE);
	/* one whisper or barge per call */
	TEST_EQ(media_monitor(&l2, f.a, f.b, f.c, MEDIA_MONITOR_BARGE), EBUSY);

	cs = g711_alaw2pcm(g711_pcm2alaw(1000));
	as = g711_ulaw2pcm(g711_pcm2ulaw(-3000));
	ss = g711_ulaw2pcm(g711_pcm2ulaw(500));
	memset(pl, g711_pcm2alaw(1000), sizeof(pl));
	dst = leg_addr(f.a);
	peer_send(f.pa, &dst, MEDIA_PT_PCMA, 1, 0, 1, false, pl, 160);
	memset(pl, g711_pcm2ulaw(-3000), sizeof(pl));
	dst = leg_addr(f.b);
	peer_send(f.pb, &dst, MEDIA_PT_PCMU, 1, 0, 2, false, pl, 160);
	memset(pl, g711_pcm2ulaw(500), sizeof(pl));
	dst = leg_addr(f.c);
	peer_send(f.pc, &dst, MEDIA_PT_PCMU, 1, 0, 3, false, pl, 160);
	run_loop(100);
	/* the relay sent nothing towards the mixed agent leg */
	TEST_EQ(f.pb->n, 0);
	/* whisper: the agent's frame was relayed to the caller at once */
	TEST_EQ(f.pa->n, mode == MEDIA_MONITOR_BARGE ? 0u : 1u);
	media_step(f.m);
	run_loop(100);

	TEST_EQ(f.pc->n, 1);
	TEST_EQ(f.pc->pl[0][0], g711_pcm2ulaw((int16_t)(cs + as)));
	TEST_EQ(f.pb->n, 1);
	TEST_EQ(f.pb->hdr[0].pt, MEDIA_PT_PCMU);
	TEST_EQ(f.pb->pl[0][0], g711_pcm2ulaw((int16_t)(cs + ss)));
	TEST_EQ(f.pa->n, 1);
	TEST_EQ(f.pa->hdr[0].pt, MEDIA_PT_PCMA);
	if (mode == MEDIA_MONITOR_BARGE)
		TEST_EQ(f.pa->pl[0][0], g711_pcm2alaw((int16_t)(as + ss)));
	else
		TEST_EQ(f.pa->pl[0][0], g711_pcm2alaw(as));

	/* freed: the relay takes the agent leg back */
	l = mem_deref(l);
	TEST_ASSERT(!media_leg_mixed(f.a) && !media_leg_mixed(f.b));
	memset(pl, g711_pcm2alaw(1000), sizeof(pl));
	dst = leg_addr(f.a);
	peer_send(f.pa, &dst, MEDIA_PT_PCMA, 2, 160, 1, false, pl, 160);
	f.pb->want = 2;
	run_loop(500);
	TEST_EQ(f.pb->n, 2);
	TEST_EQ(f.pb->pl[1][0], g711_pcm2ulaw(cs));
 out:
	mem_deref(l2);
	mem_deref(l);
	mem_deref(br);
	fix_close(&f);
	return err;
}

static int test_whisper(void)
{
	return monitor_case(MEDIA_MONITOR_WHISPER);
}

static int test_barge(void)
{
	return monitor_case(MEDIA_MONITOR_BARGE);
}

static char digits[16];
static void on_digit(struct media_leg *leg, char d, void *arg)
{
	size_t n = strlen(digits);

	(void)leg;
	(void)arg;
	if (n + 1 < sizeof(digits))
		digits[n] = d;
}

static int test_leg_dtmf(void)
{
	struct media_bridge *br = NULL;
	struct fix f;
	uint8_t ev[4];
	struct sa dst;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMU);
	if (err)
		goto out;
	memset(digits, 0, sizeof(digits));
	media_leg_dtmf_handler(f.a, on_digit, NULL);
	err = media_bridge(&br, f.a, f.b);
	if (err)
		goto out;
	dst = leg_addr(f.a);
	/* '4': start, two updates, three ends; then '#': ends only */
	for (int i = 0; i < 6; i++) {
		ev[0] = 4;
		ev[1] = (uint8_t)(i >= 3 ? 0x8a : 0x0a);
		ev[2] = 0;
		ev[3] = (uint8_t)(160 * (i + 1) > 255 ? 255 : 160 * (i + 1));
		peer_send(f.pa, &dst, 101, (uint16_t)(10 + i), 8000, 5,
			  i == 0, ev, 4);
	}
	for (int i = 0; i < 3; i++) {
		ev[0] = 11;
		ev[1] = 0x8a;
		peer_send(f.pa, &dst, 101, (uint16_t)(20 + i), 16000, 5,
			  false, ev, 4);
	}
	/* an unnegotiated payload type is dropped */
	peer_send(f.pa, &dst, 102, 30, 17000, 5, false, ev, 4);
	f.pb->want = 9;
	run_loop(500);
	TEST_STREQ(digits, "4#");
	/* forwarded to b as telephone-event too */
	TEST_EQ(f.pb->n, 9);
	TEST_EQ(f.pb->hdr[0].pt, 101);
	TEST_EQ(f.pb->hdr[5].ts, f.pb->hdr[0].ts);
	TEST_EQ(f.pb->hdr[6].ts - f.pb->hdr[0].ts, 8000);
 out:
	mem_deref(br);
	fix_close(&f);
	return err;
}

/* Digits seen by the relay thread reach the handler on the loop. */
static int test_leg_dtmf_thread(void)
{
	return on_relay_thread(test_leg_dtmf);
}

static int test_leg_args(void)
{
	struct media *m = NULL;
	struct media_leg *l1 = NULL, *l2 = NULL, *l3 = NULL;
	struct media_opts o = {.manual_tick = true};
	struct sa a;
	int err;

	TEST_EQ(media_alloc(&m, NULL, 40000, 40000, &o), EINVAL);
	TEST_EQ(media_alloc(&m, NULL, 100, 40000, &o), EINVAL);
	TEST_EQ(libre_init(), 0);
	/* a range of two port pairs: the third leg finds no port */
	err = media_alloc(&m, NULL, 32000, 32003, &o);
	err = err ? err : media_leg_alloc(&l1, m, NULL);
	err = err ? err : media_leg_alloc(&l2, m, NULL);
	if (!err && media_leg_alloc(&l3, m, NULL) != EADDRINUSE)
		err = EINVAL;
	if (!err && (media_leg_port(l1) % 2 || media_leg_port(l2) % 2 ||
		     media_leg_port(l1) == media_leg_port(l2)))
		err = EINVAL;
	sa_set_str(&a, "127.0.0.1", 9);
	if (!err && media_leg_set_remote(l1, &a, 18, 0) != EINVAL)
		err = EINVAL;
	if (!err && media_leg_set_remote(l1, &a, 0, 50) != EINVAL)
		err = EINVAL;
	if (!err && media_leg_set_remote(l1, &a, 8, 101))
		err = EINVAL;
	/* a freed leg gives its port back */
	l2 = mem_deref(l2);
	if (!err)
		err = media_leg_alloc(&l3, m, NULL);
	mem_deref(l1);
	mem_deref(l2);
	mem_deref(l3);
	mem_deref(m);
	libre_close();
	return err;
}

/* ---------------------------------------------------------------------
 * Strict RTP source: a leg accepts RTP from the SDP's address, or (with
 * latch) from a source that passed probation, and from nothing else
 * ------------------------------------------------------------------- */

/* Like TEST_EQ, but through `out:` so the fixture is freed. */
#define STRICT_EQ(a, b)                                                    \
	do {                                                               \
		long long a_ = (long long)(a), b_ = (long long)(b);        \
		if (a_ != b_) {                                            \
			fprintf(stderr, "  %s:%d: %s == %lld, expected "   \
				"%lld\n", __FILE__, __LINE__, #a, a_, b_); \
			err = EINVAL;                                      \
			goto out;                                          \
		}                                                          \
	} while (0)

static struct peer *strict_peer(void)
{
	struct peer *p = calloc(1, sizeof(*p));

	if (p && peer_open(p)) {
		mem_deref(p->us);
		free(p);
		p = NULL;
	}
	return p;
}

static void strict_peer_free(struct peer *p)
{
	if (!p)
		return;
	mem_deref(p->us);
	free(p);
}

/* Sends n PCMU packets from p to the leg, sequence numbers from seq0 in
 * steps of step (1: in sequence). */
static int strict_send(struct peer *p, const struct media_leg *leg,
		       uint16_t seq0, int step, unsigned n)
{
	struct sa dst = leg_addr(leg);
	uint8_t pl[160];
	int err = 0;

	memset(pl, 0xd5, sizeof(pl));
	for (unsigned i = 0; i < n && !err; i++)
		err = peer_send(p, &dst, MEDIA_PT_PCMU,
				(uint16_t)(seq0 + (int)i * step),
				160u * i, 0x5151, false, pl, 160);
	return err;
}

/* Runs the loop until the leg has taken n packets in all (accepted or
 * dropped, whatever the reason) or 2 s pass, then a little more so what
 * was relayed reaches its peer. */
static void strict_wait(const struct media_leg *leg, uint64_t n)
{
	struct media_leg_stats st;

	for (int i = 0; i < 200; i++) {
		media_leg_stats_get(leg, &st);
		if (st.rx_packets + st.rx_dropped + st.rx_stray +
		    st.rx_probation >= n)
			break;
		run_loop(10);
	}
	run_loop(20);
}

/* A bridged leg without latch: only the SDP's address is heard; a
 * stranger is dropped and counted before and after, and does not take
 * the leg's remote even when latch is turned on later. */
static int strict_source_case(void)
{
	struct media_bridge *br = NULL;
	struct media_leg_stats st;
	struct peer *px = NULL;
	struct fix f;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMU);
	px = err ? NULL : strict_peer();
	if (!err && !px)
		err = ENOMEM;
	err = err ? err : media_bridge(&br, f.a, f.b);
	if (err)
		goto out;

	/* before the far end has sent anything */
	err = strict_send(px, f.a, 100, 1, 5);
	if (err)
		goto out;
	strict_wait(f.a, 5);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_stray, 5);
	STRICT_EQ(st.rx_packets, 0);
	STRICT_EQ(f.pb->n, 0);

	/* the SDP's address: relayed at once */
	err = strict_send(f.pa, f.a, 1, 1, 3);
	if (err)
		goto out;
	strict_wait(f.a, 8);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_packets, 3);
	STRICT_EQ(f.pb->n, 3);

	/* a stranger in sequence, after learning */
	err = strict_send(px, f.a, 200, 1, 10);
	if (err)
		goto out;
	strict_wait(f.a, 18);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_stray, 15);
	STRICT_EQ(st.rx_probation, 0);
	STRICT_EQ(f.pb->n, 3);

	/* the agent's audio still goes to the SDP's address */
	err = strict_send(f.pb, f.b, 1, 1, 2);
	if (err)
		goto out;
	strict_wait(f.b, 2);
	STRICT_EQ(f.pa->n, 2);
	STRICT_EQ(px->n, 0);

	/* latch on a leg that has learned: strangers stay strangers */
	media_leg_set_latch(f.a, true);
	err = strict_send(px, f.a, 300, 1, 10);
	if (err)
		goto out;
	strict_wait(f.a, 28);
	err = strict_send(f.pb, f.b, 3, 1, 1);
	if (err)
		goto out;
	strict_wait(f.b, 3);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_stray, 25);
	STRICT_EQ(st.rx_packets, 3);
	STRICT_EQ(f.pb->n, 3);
	STRICT_EQ(f.pa->n, 3);
	STRICT_EQ(px->n, 0);
 out:
	mem_deref(br);
	strict_peer_free(px);
	fix_close(&f);
	return err;
}

static int test_strict_source(void)
{
	return strict_source_case();
}

static int test_strict_source_thread(void)
{
	return on_relay_thread(test_strict_source);
}

/* A caller behind NAT (latch): its RTP comes from another port than its
 * SDP says. After MEDIA_PROBATION packets in sequence it is learned: the
 * agent's audio goes there, and the SDP's address is then a stranger. */
static int strict_nat_case(void)
{
	struct media_bridge *br = NULL;
	struct media_leg_stats st;
	struct peer *pn = NULL;   /* where the caller really is */
	struct peer *px = NULL;
	struct fix f;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMU);
	pn = err ? NULL : strict_peer();
	px = err ? NULL : strict_peer();
	if (!err && (!pn || !px))
		err = ENOMEM;
	if (err)
		goto out;
	media_leg_set_latch(f.a, true);
	err = media_bridge(&br, f.a, f.b);
	if (err)
		goto out;

	/* on probation: dropped, not relayed */
	err = strict_send(pn, f.a, 65534, 1, MEDIA_PROBATION - 1);
	if (err)
		goto out;
	strict_wait(f.a, MEDIA_PROBATION - 1);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_probation, MEDIA_PROBATION - 1);
	STRICT_EQ(st.rx_packets, 0);
	STRICT_EQ(f.pb->n, 0);

	/* the last packet of probation (sequence wrapping through 0) is
	 * the first relayed, and the rest follow */
	err = strict_send(pn, f.a, (uint16_t)(65534 + MEDIA_PROBATION - 1),
			  1, 5);
	if (err)
		goto out;
	strict_wait(f.a, MEDIA_PROBATION - 1 + 5);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_packets, 5);
	STRICT_EQ(f.pb->n, 5);

	/* the agent's audio goes where the caller really is */
	err = strict_send(f.pb, f.b, 1, 1, 2);
	if (err)
		goto out;
	strict_wait(f.b, 2);
	STRICT_EQ(pn->n, 2);
	STRICT_EQ(f.pa->n, 0);

	/* the SDP's address and a stranger are now both strays */
	err = strict_send(f.pa, f.a, 1, 1, 3);
	err = err ? err : strict_send(px, f.a, 1, 1, 3);
	if (err)
		goto out;
	strict_wait(f.a, MEDIA_PROBATION - 1 + 11);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_stray, 6);
	STRICT_EQ(st.rx_packets, 5);
	STRICT_EQ(f.pb->n, 5);
 out:
	mem_deref(br);
	strict_peer_free(pn);
	strict_peer_free(px);
	fix_close(&f);
	return err;
}

static int test_strict_nat(void)
{
	return strict_nat_case();
}

static int test_strict_nat_thread(void)
{
	return on_relay_thread(test_strict_nat);
}

/* Strays while a latching leg learns: bursts whose sequence numbers
 * never run MEDIA_PROBATION in a row from one source (gaps, repeats,
 * backwards, two streams interleaved) are never learned nor relayed;
 * the SDP's address is still taken at once afterwards. */
static int strict_burst_case(void)
{
	struct media_bridge *br = NULL;
	struct media_leg_stats st;
	struct peer *px = NULL;
	struct peer *py = NULL;
	struct fix f;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMU);
	px = err ? NULL : strict_peer();
	py = err ? NULL : strict_peer();
	if (!err && (!px || !py))
		err = ENOMEM;
	if (err)
		goto out;
	media_leg_set_latch(f.a, true);
	err = media_bridge(&br, f.a, f.b);
	if (err)
		goto out;

	err = strict_send(px, f.a, 10, 2, 20);          /* gaps      */
	err = err ? err : strict_send(px, f.a, 99, 0, 10);   /* repeats */
	err = err ? err : strict_send(px, f.a, 500, -1, 10); /* backwards */
	for (unsigned i = 0; i < 20 && !err; i++) {
		/* each stream in sequence, but interleaved */
		err = strict_send(px, f.a, (uint16_t)(1000 + i), 1, 1);
		err = err ? err : strict_send(py, f.a, (uint16_t)(2000 + i),
					      1, 1);
	}
	if (err)
		goto out;
	strict_wait(f.a, 80);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_probation, 80);
	STRICT_EQ(st.rx_packets, 0);
	STRICT_EQ(f.pb->n, 0);

	err = strict_send(f.pa, f.a, 7, 1, 1);
	if (err)
		goto out;
	strict_wait(f.a, 81);
	err = strict_send(f.pb, f.b, 1, 1, 1);
	if (err)
		goto out;
	strict_wait(f.b, 1);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_packets, 1);
	STRICT_EQ(f.pb->n, 1);
	STRICT_EQ(f.pa->n, 1);
	STRICT_EQ(px->n + py->n, 0);
 out:
	mem_deref(br);
	strict_peer_free(px);
	strict_peer_free(py);
	fix_close(&f);
	return err;
}

static int test_strict_burst(void)
{
	return strict_burst_case();
}

static int test_strict_burst_thread(void)
{
	return on_relay_thread(test_strict_burst);
}

/* A re-INVITE: the same address again keeps the learned source; a new
 * address starts learning again (and sending goes there at once). */
static int test_strict_relearn(void)
{
	struct media_bridge *br = NULL;
	struct media_leg_stats st;
	struct peer *pn = NULL;
	struct peer *py = NULL;
	struct fix f;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMU);
	pn = err ? NULL : strict_peer();
	py = err ? NULL : strict_peer();
	if (!err && (!pn || !py))
		err = ENOMEM;
	if (err)
		goto out;
	media_leg_set_latch(f.a, true);
	err = media_bridge(&br, f.a, f.b);
	err = err ? err : strict_send(pn, f.a, 1000, 1, MEDIA_PROBATION);
	if (err)
		goto out;
	strict_wait(f.a, MEDIA_PROBATION);
	STRICT_EQ(f.pb->n, 1);

	/* same address, another codec: no probation again */
	err = media_leg_set_remote(f.a, &f.pa->addr, MEDIA_PT_PCMA, 101);
	err = err ? err : strict_send(pn, f.a, 1000 + MEDIA_PROBATION, 1, 1);
	if (err)
		goto out;
	strict_wait(f.a, MEDIA_PROBATION + 1);
	STRICT_EQ(f.pb->n, 2);

	/* a new address: the old source (even in sequence) must pass
	 * probation again, the new SDP address is taken at once */
	err = media_leg_set_remote(f.a, &py->addr, MEDIA_PT_PCMU, 101);
	err = err ? err : strict_send(pn, f.a, 1001 + MEDIA_PROBATION, 1, 1);
	if (err)
		goto out;
	strict_wait(f.a, MEDIA_PROBATION + 2);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_probation, MEDIA_PROBATION);
	STRICT_EQ(f.pb->n, 2);
	err = strict_send(py, f.a, 1, 1, 1);
	err = err ? err : strict_send(pn, f.a, 1002 + MEDIA_PROBATION, 1, 5);
	if (err)
		goto out;
	strict_wait(f.a, MEDIA_PROBATION + 8);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_stray, 5);
	STRICT_EQ(f.pb->n, 3);

	err = strict_send(f.pb, f.b, 1, 1, 2);
	if (err)
		goto out;
	strict_wait(f.b, 2);
	STRICT_EQ(py->n, 2);
	STRICT_EQ(pn->n, 0);
 out:
	mem_deref(br);
	strict_peer_free(pn);
	strict_peer_free(py);
	fix_close(&f);
	return err;
}

/* An unbridged leg (the IVR, the queue) is read by libre: a stranger's
 * key presses are not digits there, and probation works the same. */
static int test_strict_unbridged(void)
{
	struct media_leg_stats st;
	struct peer *px = NULL;
	struct peer *py = NULL;
	struct fix f;
	uint8_t ev[4] = {7, 0x8a, 0, 160};
	struct sa dst;
	int err;

	err = fix_open(&f, true, MEDIA_PT_PCMU, MEDIA_PT_PCMU);
	px = err ? NULL : strict_peer();
	py = err ? NULL : strict_peer();
	if (!err && (!px || !py))
		err = ENOMEM;
	if (err)
		goto out;
	memset(digits, 0, sizeof(digits));
	media_leg_dtmf_handler(f.a, on_digit, NULL);
	dst = leg_addr(f.a);
	for (int i = 0; i < 3 && !err; i++)
		err = peer_send(px, &dst, 101, (uint16_t)(10 + i), 8000, 9,
				i == 0, ev, 4);
	strict_wait(f.a, 3);
	ev[0] = 5;
	for (int i = 0; i < 3 && !err; i++)
		err = peer_send(f.pa, &dst, 101, (uint16_t)(10 + i), 8000, 9,
				i == 0, ev, 4);
	if (err)
		goto out;
	strict_wait(f.a, 6);
	STRICT_EQ(strcmp(digits, "5"), 0);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_stray, 3);
	STRICT_EQ(st.rx_dtmf, 1);

	/* re-INVITE from elsewhere, latch: probation on libre's path */
	media_leg_set_latch(f.a, true);
	err = media_leg_set_remote(f.a, &py->addr, MEDIA_PT_PCMU, 101);
	err = err ? err : strict_send(px, f.a, 40, 1, MEDIA_PROBATION + 1);
	if (err)
		goto out;
	strict_wait(f.a, 6 + MEDIA_PROBATION + 1);
	media_leg_stats_get(f.a, &st);
	STRICT_EQ(st.rx_probation, MEDIA_PROBATION - 1);
	STRICT_EQ(st.rx_packets, 3 + 2);
 out:
	strict_peer_free(px);
	strict_peer_free(py);
	fix_close(&f);
	return err;
}

/* Every prompt an announcement can name, the exit prompts, in every
 * language, and the default and demo hold music, were built
 * (build/prompts, `make all`) and load. */
static int test_prompts_built(void)
{
	static const char *const langs[] = {"fr", "ar", "en", "de", "es"};
	struct media_opts o = {.manual_tick = true,
			       .prompt_dir = "build/prompts"};
	struct media *m = NULL;
	int err;

	err = media_alloc(&m, NULL, 33200, 33300, &o);
	if (!err)
		err = media_audio_preload(m, "moh/default.wav");
	if (!err)
		err = media_audio_preload(m, "premium.wav");
	for (size_t l = 0; !err && l < 5; l++) {
		static const char *const exits[] = {
			"exit_full", "exit_closed", "exit_timeout", "goodbye",
		};

		for (size_t i = 0; !err && i < 4; i++) {
			char name[64];

			snprintf(name, sizeof(name), "%s/%s.wav", langs[l],
				 exits[i]);
			err = media_audio_preload(m, name);
		}
	}
	for (size_t l = 0; !err && l < 5; l++) {
		for (unsigned pos = 1; !err && pos <= 100; pos++) {
			struct media_playlist *pl = NULL;
			int64_t wait = (int64_t)(pos - 1) * 61000 + 1000;

			err = media_announce_position(langs[l], pos, wait,
						      &pl);
			for (size_t i = 0; !err && i < media_playlist_count(pl);
			     i++)
				err = media_audio_preload(
					m, media_playlist_name(pl, i));
			mem_deref(pl);
		}
	}
	if (err)
		fprintf(stderr, "  %s\n", media_errmsg(m));
	mem_deref(m);
	return err;
}

const struct test tests_media[] = {
	{"prompts_built", test_prompts_built},
	{"wav_good", test_wav_good},
	{"wav_bad", test_wav_bad},
	{"wav_load", test_wav_load},
	{"dtmf_rtp", test_dtmf_rtp},
	{"dtmf_info", test_dtmf_info},
	{"announce", test_announce},
	{"transcode_roundtrip", test_transcode_roundtrip},
	{"relay_same_codec", test_relay_same_codec},
	{"relay_transcode", test_relay_transcode},
	{"relay_same_codec_thread", test_relay_same_codec_thread},
	{"relay_transcode_thread", test_relay_transcode_thread},
	{"bridged_record", test_bridged_record},
	{"bridged_record_thread", test_bridged_record_thread},
	{"relay_hangup", test_relay_hangup},
	{"relay_hangup_thread", test_relay_hangup_thread},
	{"player", test_player},
	{"recorder", test_recorder},
	{"listen", test_listen},
	{"whisper", test_whisper},
	{"barge", test_barge},
	{"leg_dtmf", test_leg_dtmf},
	{"leg_dtmf_thread", test_leg_dtmf_thread},
	{"leg_args", test_leg_args},
	{"strict_source", test_strict_source},
	{"strict_source_thread", test_strict_source_thread},
	{"strict_nat", test_strict_nat},
	{"strict_nat_thread", test_strict_nat_thread},
	{"strict_burst", test_strict_burst},
	{"strict_burst_thread", test_strict_burst_thread},
	{"strict_relearn", test_strict_relearn},
	{"strict_unbridged", test_strict_unbridged},
	{NULL, NULL}
};
