/* media_relay_main.c — the media relay test program: bridges two legs on
 * the shared tick, with a plain UDP peer (this program) on leg A playing
 * RTP from pcap captures and an outside peer (sipp -rtp_echo) on leg B;
 * checks what comes back, the DTMF digits seen and the recording. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <rem_g711.h>
#include "media/media.h"
#include "media/wav.h"

#define MAX_PKT 2000

/* One RTP packet to send, taken from a capture. */
struct pkt {
	uint8_t pt;                /* payload type                          */
	bool marker;               /* marker bit                            */
	uint32_t ts_rel;           /* timestamp relative to its stream start*/
	size_t len;                /* payload bytes                         */
	uint8_t payload[320];      /* payload                               */
	bool dtmf;                 /* telephone-event                       */
	unsigned file;             /* which capture it came from            */
};

static struct pkt pkts[MAX_PKT];
static size_t n_pkts;
static size_t n_audio;

static struct {
	struct udp_sock *us;       /* peer A's socket                       */
	struct sa leg_a;           /* where peer A sends                    */
	size_t next;               /* next packet to send                   */
	uint16_t seq;              /* peer A's sequence                     */
	uint32_t ts;               /* peer A's timestamp now                */
	uint32_t ts_dtmf;          /* start ts of the current DTMF stream   */
	size_t rx_audio;           /* audio packets that came back          */
	size_t rx_match;           /* of which the payload matched          */
	size_t rx_dtmf;            /* telephone-event packets back          */
	uint8_t pt_b;              /* codec on leg B                        */
	struct tmr tmr;            /* peer A's pacing (test peer only)      */
	struct tmr stop;           /* end of the run                        */
	char digits_a[32];         /* digits reported on leg A              */
	char digits_b[32];         /* digits reported on leg B              */
} t;

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/* Reads the RTP packets of a little-endian Ethernet pcap (the captures
 * shipped by sipp). */
static int load_pcap(const char *path, bool dtmf, unsigned file)
{
	FILE *f = fopen(path, "rb");
	uint8_t gh[24], rh[16], buf[2048];
	uint32_t ts0 = 0;
	bool first = true;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return errno;
	}
	if (fread(gh, 1, 24, f) != 24 || be32(gh) != 0xd4c3b2a1 ||
	    gh[20] != 1) {
		fprintf(stderr, "%s: not a little-endian Ethernet pcap\n",
			path);
		fclose(f);
		return EBADMSG;
	}
	while (fread(rh, 1, 16, f) == 16 && n_pkts < MAX_PKT) {
		uint32_t caplen = rh[8] | (rh[9] << 8) | (rh[10] << 16) |
				  ((uint32_t)rh[11] << 24);
		const uint8_t *ip, *rtp;
		size_t ihl, rlen;
		struct pkt *p;

		if (caplen > sizeof(buf) || fread(buf, 1, caplen, f) != caplen)
			break;
		if (caplen < 14 + 20 + 8 + 12 || be16(buf + 12) != 0x0800)
			continue;
		ip = buf + 14;
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		if (ip[9] != 17 || caplen < 14 + ihl + 8 + 12)
			continue;
		rtp = ip + ihl + 8;
		rlen = caplen - 14 - ihl - 8;
		if ((rtp[0] >> 6) != 2 || rlen - 12 > sizeof(p->payload))
			continue;
		p = &pkts[n_pkts++];
		p->pt = rtp[1] & 0x7f;
		p->marker = (rtp[1] & 0x80) != 0;
		if (first)
			ts0 = be32(rtp + 4);
		first = false;
		p->ts_rel = be32(rtp + 4) - ts0;
		p->len = rlen - 12;
		memcpy(p->payload, rtp + 12, p->len);
		p->dtmf = dtmf;
		p->file = file;
		if (!dtmf)
			n_audio++;
	}
	fclose(f);
	return 0;
}

static void send_next(void *arg)
{
	struct pkt *p;
	struct mbuf *mb;
	uint32_t ts;
	uint64_t wait = 20;

	(void)arg;
	if (t.next >= n_pkts)
		return;
	p = &pkts[t.next];
	if (p->dtmf && (t.next == 0 || pkts[t.next - 1].file != p->file)) {
		/* a new key press starts 200 ms on, on the same clock */
		t.ts += 1600;
		t.ts_dtmf = t.ts;
	}
	ts = p->dtmf ? t.ts_dtmf : t.ts;

	mb = mbuf_alloc(12 + p->len);
	if (!mb)
		return;
	mbuf_write_u8(mb, 0x80);
	mbuf_write_u8(mb, (uint8_t)((p->marker ? 0x80 : 0) | p->pt));
	mbuf_write_u16(mb, htons(++t.seq));
	mbuf_write_u32(mb, htonl(ts));
	mbuf_write_u32(mb, htonl(0x5eed1234));
	mbuf_write_mem(mb, p->payload, p->len);
	mb->pos = 0;
	(void)udp_send(t.us, &t.leg_a, mb);
	mem_deref(mb);

	if (!p->dtmf) {
		t.ts += (uint32_t)p->len;
		wait = p->len / 8;
	}
	t.next++;
	tmr_start(&t.tmr, wait, send_next, NULL);
}

/* What comes back to peer A: the echo of its own audio. Leg A sends
 * PCMA; through a PCMU leg B it was transcoded twice. */
static void peer_recv(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct rtp_header h;
	size_t len;

	(void)src;
	(void)arg;
	memset(&h, 0, sizeof(h));
	if (rtp_hdr_decode(&h, mb))
		return;
	len = mbuf_get_left(mb);
	if (h.pt == 101) {
		t.rx_dtmf++;
		return;
	}
	if (h.pt != MEDIA_PT_PCMA || t.rx_audio >= n_audio)
		return;
	{
		const struct pkt *p = &pkts[t.rx_audio];
		const uint8_t *b = mbuf_buf(mb);
		bool ok = len == p->len;

		for (size_t i = 0; ok && i < len; i++) {
			int d = g711_alaw2pcm(b[i]) -
				g711_alaw2pcm(p->payload[i]);

			if (t.pt_b == MEDIA_PT_PCMA)
				ok = b[i] == p->payload[i];
			else
				ok = abs(d) <= abs(g711_alaw2pcm(
					p->payload[i])) / 8 + 16;
		}
		t.rx_audio++;
		if (ok)
			t.rx_match++;
	}
}

static void on_digit(struct media_leg *leg, char d, void *arg)
{
	char *s = arg;
	size_t n = strlen(s);

	(void)leg;
	if (n + 1 < 32)
		s[n] = d;
}

static void stop_run(void *arg)
{
	(void)arg;
	re_cancel();
}

static int usage(void)
{
	fprintf(stderr, "usage: media_relay ECHO_PORT PT_B REC.wav "
		"SPEECH.pcap [DTMF.pcap ...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct media *m = NULL;
	struct media_leg *a = NULL, *b = NULL;
	struct media_bridge *br = NULL;
	struct media_recorder *rec = NULL;
	struct media_leg_stats sa_, sb_;
	struct sa local, echo;
	uint8_t *wav = NULL;
	int err, echo_port, pt_b;

	if (argc < 5)
		return usage();
	echo_port = atoi(argv[1]);
	pt_b = atoi(argv[2]);
	if (echo_port <= 0 || echo_port > 65535 ||
	    (pt_b != MEDIA_PT_PCMU && pt_b != MEDIA_PT_PCMA))
		return usage();
	t.pt_b = (uint8_t)pt_b;
	if (load_pcap(argv[4], false, 0))
		return 1;
	for (int i = 5; i < argc; i++) {
		if (load_pcap(argv[i], true, (unsigned)i))
			return 1;
	}

	err = libre_init();
	if (err)
		return 1;
	sa_set_str(&local, "127.0.0.1", 0);
	sa_set_str(&echo, "127.0.0.1", (uint16_t)echo_port);
	err = media_alloc(&m, NULL, 36200, 36999, NULL);
	err = err ? err : media_leg_alloc(&a, m, "caller");
	err = err ? err : media_leg_alloc(&b, m, "agent");
	err = err ? err : udp_listen(&t.us, &local, peer_recv, NULL);
	err = err ? err : udp_local_get(t.us, &local);
	err = err ? err : media_leg_set_remote(a, &local, MEDIA_PT_PCMA, 101);
	err = err ? err : media_leg_set_remote(b, &echo, (uint8_t)pt_b, 101);
	err = err ? err : media_bridge(&br, a, b);
	err = err ? err : media_record_start(&rec, a, b, argv[3]);
	if (err) {
		fprintf(stderr, "setup: %s\n", strerror(err));
		goto out;
	}
	media_leg_dtmf_handler(a, on_digit, t.digits_a);
	media_leg_dtmf_handler(b, on_digit, t.digits_b);
	sa_set_str(&t.leg_a, "127.0.0.1", media_leg_port(a));

	tmr_init(&t.tmr);
	tmr_init(&t.stop);
	tmr_start(&t.tmr, 20, send_next, NULL);
	tmr_start(&t.stop, 20000, stop_run, NULL);
	/* stop 600 ms after the last packet was sent */
	while (true) {
		struct tmr w;

		tmr_init(&w);
		tmr_start(&w, 100, stop_run, NULL);
		re_main(NULL);
		tmr_cancel(&w);
		if (!tmr_isrunning(&t.stop))
			break;
		if (t.next >= n_pkts) {
			tmr_start(&w, 600, stop_run, NULL);
			re_main(NULL);
			tmr_cancel(&w);
			break;
		}
	}
	tmr_cancel(&t.tmr);
	tmr_cancel(&t.stop);

	media_leg_stats_get(a, &sa_);
	media_leg_stats_get(b, &sb_);
	printf("sent=%zu audio=%zu\n", n_pkts, n_audio);
	printf("echoed_audio=%zu matched=%zu echoed_dtmf=%zu\n", t.rx_audio,
	       t.rx_match, t.rx_dtmf);
	printf("digits_a=%s digits_b=%s\n", t.digits_a, t.digits_b);
	printf("leg_a rx=%llu tx=%llu dropped=%llu\n",
	       (unsigned long long)sa_.rx_packets,
	       (unsigned long long)sa_.tx_packets,
	       (unsigned long long)sa_.rx_dropped);
	printf("leg_b rx=%llu tx=%llu dropped=%llu\n",
	       (unsigned long long)sb_.rx_packets,
	       (unsigned long long)sb_.tx_packets,
	       (unsigned long long)sb_.rx_dropped);
	printf("rec_samples=%llu rec_error=%d\n",
	       (unsigned long long)media_record_samples(rec),
	       media_record_error(rec));
	rec = mem_deref(rec);

	/* the finished recording: stereo, both channels carry sound */
	{
		FILE *f = fopen(argv[3], "rb");
		struct wav_info wi;
		char why[128];
		long n;
		double e[2] = {0, 0};

		if (!f) {
			err = errno;
			goto out;
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		wav = malloc((size_t)n);
		if (!wav || fread(wav, 1, (size_t)n, f) != (size_t)n) {
			fclose(f);
			err = EIO;
			goto out;
		}
		fclose(f);
		err = wav_decode(wav, (size_t)n, &wi, why, sizeof(why));
		if (err) {
			printf("rec_wav=bad (%s)\n", why);
			goto out;
		}
		for (size_t i = 0; i < wi.frames; i++) {
			for (int c = 0; c < 2; c++) {
				const uint8_t *p = wi.data + 4 * i + 2 * c;
				int16_t s = (int16_t)(uint16_t)(p[0] |
								(p[1] << 8));

				e[c] += (double)s * s;
			}
		}
		printf("rec_wav channels=%u rate=%u frames=%zu "
		       "rms_left=%.0f rms_right=%.0f\n", wi.channels,
		       wi.srate, wi.frames,
		       wi.frames ? sqrt(e[0] / (double)wi.frames) : 0.0,
		       wi.frames ? sqrt(e[1] / (double)wi.frames) : 0.0);
	}
 out:
	free(wav);
	mem_deref(rec);
	mem_deref(br);
	mem_deref(a);
	mem_deref(b);
	mem_deref(t.us);
	mem_deref(m);
	libre_close();
	return err ? 1 : 0;
}
