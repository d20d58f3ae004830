/* leg.c — media legs (one RTP endpoint each) and the relay between two
 * bridged legs: forward as received, re-stamped as the sending leg's own
 * RTP source, transcoding PCMU<->PCMA when the codecs differ. */
#include <errno.h>
#include <string.h>
#include "media/media_int.h"
#include <rem_g711.h>

/* ---------------------------------------------------------------------
 * Sending
 * ------------------------------------------------------------------- */

/* Sends mb (payload from mb->pos, RTP_HEADER_SIZE bytes of headroom
 * before it) from the leg with the given timestamp. */
static int leg_send(struct media_leg *leg, uint8_t pt, uint32_t ts,
		    bool marker, struct mbuf *mb)
{
	size_t plen = mbuf_get_left(mb);
	int err;

	err = rtp_send(leg->rtp, &leg->raddr, false, marker, pt, ts, mb);
	if (err) {
		leg->st.tx_errors++;
		return err;
	}
	leg->st.tx_packets++;
	leg->st.tx_bytes += plen;
	leg->tx_last_ms = tmr_jiffies();
	return 0;
}

/* Before the leg sends from a new source (a player, another far end),
 * advance its timestamp by the wall time it was silent, so the far end
 * sees a continuous clock, and flag the marker bit. */
static void leg_resync(struct media_leg *leg)
{
	uint64_t now = tmr_jiffies();

	if (leg->tx_last_ms && now > leg->tx_last_ms + MEDIA_PTIME_MS)
		leg->tx_ts += (uint32_t)((now - leg->tx_last_ms -
					  MEDIA_PTIME_MS) * 8);
	leg->tx_marker = true;
}

static uint8_t pcm_encode(uint8_t pt, int16_t s)
{
	return pt == MEDIA_PT_PCMA ? g711_pcm2alaw(s) : g711_pcm2ulaw(s);
}

static int16_t pcm_decode(uint8_t pt, uint8_t b)
{
	return pt == MEDIA_PT_PCMA ? g711_alaw2pcm(b) : g711_ulaw2pcm(b);
}

int media_leg_send_pcm(struct media_leg *leg, const int16_t *pcm)
{
	struct mbuf *mb = leg->txb;
	uint8_t *p;
	bool marker;
	int err;

	if (!leg->has_remote)
		return ENOTCONN;
	if (leg->tx_anchored) {
		/* the relay sent last: continue from its clock */
		leg->tx_anchored = false;
		leg_resync(leg);
	}
	mb->pos = RTP_HEADER_SIZE;
	mb->end = RTP_HEADER_SIZE + MEDIA_FRAME;
	p = mb->buf + RTP_HEADER_SIZE;
	for (size_t i = 0; i < MEDIA_FRAME; i++)
		p[i] = pcm_encode(leg->pt, pcm[i]);

	marker = leg->tx_marker;
	leg->tx_marker = false;
	err = leg_send(leg, leg->pt, leg->tx_ts, marker, mb);
	leg->tx_ts += MEDIA_FRAME;
	return err;
}

/* ---------------------------------------------------------------------
 * Receiving
 * ------------------------------------------------------------------- */

static void fifo_push(struct media_leg *leg, uint8_t pt, const uint8_t *p,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t wr = (leg->fifo_rd + leg->fifo_n) % MEDIA_FIFO_LEN;

		leg->fifo[wr] = pcm_decode(pt, p[i]);
		if (leg->fifo_n < MEDIA_FIFO_LEN) {
			leg->fifo_n++;
		}
		else {
			/* full: the oldest sample goes */
			leg->fifo_rd = (leg->fifo_rd + 1) % MEDIA_FIFO_LEN;
		}
	}
}

void media_leg_pull_frame(struct media_leg *leg)
{
	if (leg->fifo_n < MEDIA_FRAME) {
		/* the far end sent nothing for this frame: silence */
		memset(leg->frame, 0, sizeof(leg->frame));
		return;
	}
	for (size_t i = 0; i < MEDIA_FRAME; i++) {
		leg->frame[i] = leg->fifo[leg->fifo_rd];
		leg->fifo_rd = (leg->fifo_rd + 1) % MEDIA_FIFO_LEN;
	}
	leg->fifo_n -= MEDIA_FRAME;
}

void media_leg_tap(struct media_leg *leg, bool on)
{
	if (on) {
		if (leg->taps++ == 0) {
			leg->fifo_n = 0;
			leg->fifo_rd = 0;
			list_append(&leg->m->tapped, &leg->le_tap, leg);
		}
	}
	else if (leg->taps && --leg->taps == 0) {
		list_unlink(&leg->le_tap);
	}
}

static struct media_leg *bridge_peer(const struct media_leg *leg)
{
	const struct media_bridge *b = leg->bridge;

	if (!b)
		return NULL;
	return b->a == leg ? b->b : b->a;
}

/* Forwards a received packet (payload at mb->pos) out of leg `to`,
 * mapping the sender's timestamps onto `to`'s continuous clock. */
static void relay(struct media_leg *to, const struct rtp_header *hdr,
		  uint8_t pt, bool audio, struct mbuf *mb)
{
	uint32_t ts;
	bool marker;

	if (!to->tx_anchored || to->tx_src_ssrc != hdr->ssrc) {
		leg_resync(to);
		to->tx_off = to->tx_ts - hdr->ts;
		to->tx_src_ssrc = hdr->ssrc;
		to->tx_anchored = true;
	}
	ts = hdr->ts + to->tx_off;
	marker = hdr->m || to->tx_marker;
	to->tx_marker = false;

	if (audio) {
		uint32_t next = ts + (uint32_t)mbuf_get_left(mb);

		/* only move forward: a late packet keeps its own ts */
		if ((int32_t)(next - to->tx_ts) > 0)
			to->tx_ts = next;
	}
	(void)leg_send(to, pt, ts, marker, mb);
}

static void rtp_handler(const struct sa *src, const struct rtp_header *hdr,
			struct mbuf *mb, void *arg)
{
	struct media_leg *leg = arg, *peer;
	size_t len;
	uint8_t *p;

	if (!leg->has_remote) {
		leg->st.rx_dropped++;
		return;
	}
	len = mbuf_get_left(mb);
	if (hdr->pad) {
		/* the last byte counts the padding, itself included */
		uint8_t padn = len ? mbuf_buf(mb)[len - 1] : 0;

		if (padn == 0 || padn > len) {
			leg->st.rx_dropped++;
			return;
		}
		len -= padn;
		mb->end -= padn;
	}
	if (leg->latch && !sa_cmp(src, &leg->raddr, SA_ALL))
		leg->raddr = *src;

	peer = bridge_peer(leg);
	p = mbuf_buf(mb);

	if (leg->te_pt && hdr->pt == leg->te_pt) {
		char digit;

		if (0 == dtmf_rx_feed(&leg->dtmf, hdr->ts, p, len, &digit)) {
			leg->st.rx_dtmf++;
			if (leg->dtmfh)
				leg->dtmfh(leg, digit, leg->dtmf_arg);
			/* the handler may have changed the bridge */
			peer = bridge_peer(leg);
		}
		leg->st.rx_packets++;
		leg->st.rx_bytes += len;
		if (peer && peer->has_remote && peer->te_pt && !peer->pl &&
		    len >= 4)
			relay(peer, hdr, peer->te_pt, false, mb);
		return;
	}

	if ((hdr->pt != MEDIA_PT_PCMU && hdr->pt != MEDIA_PT_PCMA) ||
	    len == 0 || len > MEDIA_PAYLOAD_MAX) {
		leg->st.rx_dropped++;
		return;
	}
	leg->st.rx_packets++;
	leg->st.rx_bytes += len;

	if (leg->taps)
		fifo_push(leg, hdr->pt, p, len);

	if (!peer || !peer->has_remote || peer->pl)
		return;
	if (peer->pt != hdr->pt) {
		for (size_t i = 0; i < len; i++) {
			int16_t s = pcm_decode(hdr->pt, p[i]);

			p[i] = pcm_encode(peer->pt, s);
		}
	}
	relay(peer, hdr, peer->pt, true, mb);
}

static void rtcp_handler(const struct sa *src, struct rtcp_msg *msg,
			 void *arg)
{
	struct media_leg *leg = arg;

	(void)src;
	(void)msg;
	leg->st.rx_rtcp++;
}

/* ---------------------------------------------------------------------
 * Legs
 * ------------------------------------------------------------------- */

static void leg_destructor(void *data)
{
	struct media_leg *leg = data;

	if (leg->bridge) {
		struct media_bridge *b = leg->bridge;

		/* the bridge object lives on, empty, until its owner
		 * frees it */
		if (b->a)
			b->a->bridge = NULL;
		if (b->b)
			b->b->bridge = NULL;
		b->a = NULL;
		b->b = NULL;
	}
	media_recorder_leg_gone(leg);
	media_listen_leg_gone(leg);
	media_leg_play_clear(leg);
	list_unlink(&leg->le_end);
	list_unlink(&leg->le_tap);
	list_unlink(&leg->le);
	leg->rtp = mem_deref(leg->rtp);
	leg->txb = mem_deref(leg->txb);
	leg->name = mem_deref(leg->name);
}

/* Binds the next free even port of the range (round robin, so a port
 * just released is not reused at once), trying each port once. */
static int leg_bind(struct media_leg *leg)
{
	struct media *m = leg->m;
	unsigned span = (unsigned)(m->port_max - m->port_min + 1u) / 2u;
	int err = EADDRINUSE;

	for (unsigned i = 0; i < span; i++) {
		uint16_t port = m->port_next;

		m->port_next = (uint16_t)(port + 2u);
		if (m->port_next < m->port_min ||
		    m->port_next + 1u > m->port_max)
			m->port_next = m->port_min;
		if (port + 1u > m->port_max)
			continue;

		/* with min == port and max == port + 1 libre binds exactly
		 * port (RTP) and port + 1 (RTCP) */
		err = rtp_listen(&leg->rtp, IPPROTO_UDP, &m->laddr, port,
				 (uint16_t)(port + 1u), false, rtp_handler,
				 rtcp_handler, leg);
		if (!err) {
			leg->port = port;
			return 0;
		}
	}
	return EADDRINUSE;
}

int media_leg_alloc(struct media_leg **legp, struct media *m,
		    const char *name)
{
	struct media_leg *leg;
	int err;

	if (!legp || !m)
		return EINVAL;

	leg = mem_zalloc(sizeof(*leg), leg_destructor);
	if (!leg)
		return ENOMEM;
	leg->m = m;
	leg->pt = MEDIA_PT_PCMU;
	leg->tx_ts = rand_u32();
	leg->tx_marker = true;

	err = str_dup(&leg->name, name ? name : "leg");
	if (err)
		goto out;
	leg->txb = mbuf_alloc(RTP_HEADER_SIZE + MEDIA_PAYLOAD_MAX);
	if (!leg->txb) {
		err = ENOMEM;
		goto out;
	}
	err = leg_bind(leg);
	if (err)
		goto out;
	list_append(&m->legs, &leg->le, leg);

 out:
	if (err)
		mem_deref(leg);
	else
		*legp = leg;
	return err;
}

const struct sa *media_leg_laddr(const struct media_leg *leg)
{
	return leg ? rtp_local(leg->rtp) : NULL;
}

uint16_t media_leg_port(const struct media_leg *leg)
{
	return leg ? leg->port : 0;
}

int media_leg_set_remote(struct media_leg *leg, const struct sa *raddr,
			 uint8_t pt, uint8_t te_pt)
{
	if (!leg || !raddr || !sa_isset(raddr, SA_ALL))
		return EINVAL;
	if (pt != MEDIA_PT_PCMU && pt != MEDIA_PT_PCMA)
		return EINVAL;
	if (te_pt && (te_pt < 96 || te_pt > 127))
		return EINVAL;

	leg->raddr = *raddr;
	leg->pt = pt;
	leg->te_pt = te_pt;
	leg->has_remote = true;
	return 0;
}

void media_leg_set_latch(struct media_leg *leg, bool on)
{
	if (leg)
		leg->latch = on;
}

void media_leg_dtmf_handler(struct media_leg *leg, media_dtmf_h *h,
			    void *arg)
{
	if (!leg)
		return;
	leg->dtmfh = h;
	leg->dtmf_arg = arg;
}

void media_leg_stats_get(const struct media_leg *leg,
			 struct media_leg_stats *st)
{
	if (leg && st)
		*st = leg->st;
}

/* ---------------------------------------------------------------------
 * Bridges
 * ------------------------------------------------------------------- */

static void bridge_destructor(void *data)
{
	struct media_bridge *b = data;

	if (b->a) {
		b->a->bridge = NULL;
		b->a->tx_anchored = false;
	}
	if (b->b) {
		b->b->bridge = NULL;
		b->b->tx_anchored = false;
	}
	b->m->st.bridges--;
}

int media_bridge(struct media_bridge **bp, struct media_leg *a,
		 struct media_leg *b)
{
	struct media_bridge *br;

	if (!bp || !a || !b || a == b || a->m != b->m)
		return EINVAL;
	if (a->bridge || b->bridge)
		return EBUSY;

	br = mem_zalloc(sizeof(*br), bridge_destructor);
	if (!br)
		return ENOMEM;
	br->m = a->m;
	br->a = a;
	br->b = b;
	a->bridge = br;
	b->bridge = br;
	a->tx_anchored = false;
	b->tx_anchored = false;
	a->m->st.bridges++;
	*bp = br;
	return 0;
}
