/* leg.c — media legs (one RTP endpoint each), the strict learning of
 * the one source each accepts RTP from, and the relay between two
 * bridged legs: forward as received, re-stamped as the sending leg's own
 * RTP source, transcoding PCMU<->PCMA when the codecs differ. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "media/media_int.h"
#include <rem_g711.h>

/* ---------------------------------------------------------------------
 * Sending
 * ------------------------------------------------------------------- */

/* Sends len bytes of payload at p from the leg with the given
 * timestamp; the RTP header is written into the RTP_HEADER_SIZE bytes
 * before p. One sendto(2): no libre buffer or encoder on the way. */
static int leg_send(struct media_leg *leg, uint8_t pt, uint32_t ts,
		    bool marker, uint8_t *p, size_t len)
{
	uint8_t *h = p - RTP_HEADER_SIZE;
	ssize_t n;

	h[0] = 0x80;                         /* version 2                 */
	h[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	h[2] = (uint8_t)(leg->seq >> 8);
	h[3] = (uint8_t)leg->seq;
	h[4] = (uint8_t)(ts >> 24);
	h[5] = (uint8_t)(ts >> 16);
	h[6] = (uint8_t)(ts >> 8);
	h[7] = (uint8_t)ts;
	h[8] = (uint8_t)(leg->ssrc >> 24);
	h[9] = (uint8_t)(leg->ssrc >> 16);
	h[10] = (uint8_t)(leg->ssrc >> 8);
	h[11] = (uint8_t)leg->ssrc;

	n = sendto(leg->fd, h, len + RTP_HEADER_SIZE, MSG_DONTWAIT,
		   &leg->raddr.u.sa, leg->raddr.len);
	if (n < 0) {
		leg->st.tx_errors++;
		return errno;
	}
	leg->seq++;
	leg->st.tx_packets++;
	leg->st.tx_bytes += len;
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
	uint8_t buf[RTP_HEADER_SIZE + MEDIA_FRAME];
	uint8_t *p = buf + RTP_HEADER_SIZE;
	bool marker;
	int err;

	media_lock(leg->m);
	if (!leg->has_remote) {
		err = ENOTCONN;
		goto out;
	}
	if (leg->tx_anchored) {
		/* the relay sent last: continue from its clock */
		leg->tx_anchored = false;
		leg_resync(leg);
	}
	for (size_t i = 0; i < MEDIA_FRAME; i++)
		p[i] = pcm_encode(leg->pt, pcm[i]);

	marker = leg->tx_marker;
	leg->tx_marker = false;
	err = leg_send(leg, leg->pt, leg->tx_ts, marker, p, MEDIA_FRAME);
	leg->tx_ts += MEDIA_FRAME;
 out:
	media_unlock(leg->m);
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
	media_lock(leg->m);
	if (leg->fifo_n < MEDIA_FRAME) {
		/* the far end sent nothing for this frame: silence */
		memset(leg->frame, 0, sizeof(leg->frame));
		goto out;
	}
	for (size_t i = 0; i < MEDIA_FRAME; i++) {
		leg->frame[i] = leg->fifo[leg->fifo_rd];
		leg->fifo_rd = (leg->fifo_rd + 1) % MEDIA_FIFO_LEN;
	}
	leg->fifo_n -= MEDIA_FRAME;
 out:
	media_unlock(leg->m);
}

void media_leg_tap(struct media_leg *leg, bool on)
{
	media_lock(leg->m);
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
	media_unlock(leg->m);
}

static struct media_leg *bridge_peer(const struct media_leg *leg)
{
	const struct media_bridge *b = leg->bridge;

	if (!b)
		return NULL;
	return b->a == leg ? b->b : b->a;
}

/* Forwards a received packet (payload at p, len bytes) out of leg `to`,
 * mapping the sender's timestamps onto `to`'s continuous clock. */
static void relay(struct media_leg *to, const struct media_rtp_in *in,
		  uint8_t pt, bool audio, size_t len)
{
	uint32_t ts;
	bool marker;

	if (!to->tx_anchored || to->tx_src_ssrc != in->ssrc) {
		leg_resync(to);
		to->tx_off = to->tx_ts - in->ts;
		to->tx_src_ssrc = in->ssrc;
		to->tx_anchored = true;
	}
	ts = in->ts + to->tx_off;
	marker = in->marker || to->tx_marker;
	to->tx_marker = false;

	if (audio) {
		uint32_t next = ts + (uint32_t)len;

		/* only move forward: a late packet keeps its own ts */
		if ((int32_t)(next - to->tx_ts) > 0)
			to->tx_ts = next;
	}
	(void)leg_send(to, pt, ts, marker, in->p, len);
}

void media_leg_dtmf_report(struct media_leg *leg, char digit)
{
	if (leg->relayed && leg->m->relay) {
		/* on the relay thread: the handler runs on the loop */
		media_relay_dtmf(leg, digit);
		return;
	}
	if (leg->dtmfh)
		leg->dtmfh(leg, digit, leg->dtmf_arg);
}

/* ---------------------------------------------------------------------
 * Source learning
 *
 * Strict RTP: a leg accepts RTP from one source only, so that whoever
 * guesses one of our ports can neither take a call's audio (with latch,
 * our packets would follow theirs) nor be heard or recorded in it.
 * While a leg learns, a packet that has not earned its source is
 * dropped, not relayed: a caller behind NAT loses its first
 * MEDIA_PROBATION - 1 packets (60 ms, before anyone speaks), whereas
 * relaying them would let any stray stream reach the other party and
 * the recording. Probation is not authentication: a stream that wins
 * the race during learning is taken (as with Asterisk's strictrtp),
 * and one spraying packets then can hold learning off; only SRTP
 * closes that.
 * ------------------------------------------------------------------- */

/* Whether a packet from src with sequence number seq may pass while the
 * leg learns; ends learning when it names the source. */
static bool leg_learn(struct media_leg *leg, const struct sa *src,
		      uint16_t seq)
{
	if (sa_cmp(src, &leg->sdp_addr, SA_ALL)) {
		/* the far end sends from where it said: no probation */
		leg->raddr = leg->sdp_addr;
		leg->learning = false;
		leg->cand_n = 0;
		return true;
	}
	if (!leg->latch) {
		leg->st.rx_stray++;
		return false;
	}
	if (leg->cand_n && sa_cmp(src, &leg->cand, SA_ALL) &&
	    seq == (uint16_t)(leg->cand_seq + 1u)) {
		leg->cand_n++;
	}
	else {
		/* another source, or out of sequence: probation restarts */
		leg->cand = *src;
		leg->cand_n = 1;
	}
	leg->cand_seq = seq;
	if (leg->cand_n < MEDIA_PROBATION) {
		leg->st.rx_probation++;
		return false;
	}
	/* NAT: send where the far end really sends from */
	leg->raddr = *src;
	leg->learning = false;
	leg->cand_n = 0;
	return true;
}

void media_leg_rx(struct media_leg *leg, const struct sa *src,
		  struct media_rtp_in *in)
{
	struct media_leg *peer;
	size_t len = in->len;
	uint8_t *p = in->p;

	if (!leg->has_remote) {
		leg->st.rx_dropped++;
		return;
	}
	if (!leg->learning) {
		/* the steady state, on the relay's hot path: one compare */
		if (!sa_cmp(src, &leg->raddr, SA_ALL)) {
			leg->st.rx_stray++;
			return;
		}
	}
	else if (!leg_learn(leg, src, in->seq)) {
		return;
	}
	if (in->pad) {
		/* the last byte counts the padding, itself included */
		uint8_t padn = len ? p[len - 1] : 0;

		if (padn == 0 || padn > len) {
			leg->st.rx_dropped++;
			return;
		}
		len -= padn;
	}
	peer = bridge_peer(leg);

	if (leg->te_pt && in->pt == leg->te_pt) {
		char digit;

		if (0 == dtmf_rx_feed(&leg->dtmf, in->ts, p, len, &digit)) {
			leg->st.rx_dtmf++;
			media_leg_dtmf_report(leg, digit);
			/* the handler may have changed the bridge */
			peer = bridge_peer(leg);
		}
		leg->st.rx_packets++;
		leg->st.rx_bytes += len;
		if (peer && peer->has_remote && peer->te_pt && !peer->pl &&
		    !peer->mixed && len >= 4)
			relay(peer, in, peer->te_pt, false, len);
		return;
	}

	if ((in->pt != MEDIA_PT_PCMU && in->pt != MEDIA_PT_PCMA) ||
	    len == 0 || len > MEDIA_PAYLOAD_MAX) {
		leg->st.rx_dropped++;
		return;
	}
	leg->st.rx_packets++;
	leg->st.rx_bytes += len;

	if (leg->taps)
		fifo_push(leg, in->pt, p, len);

	if (!peer || !peer->has_remote || peer->pl || peer->mixed)
		return;
	if (peer->pt != in->pt) {
		for (size_t i = 0; i < len; i++) {
			int16_t s = pcm_decode(in->pt, p[i]);

			p[i] = pcm_encode(peer->pt, s);
		}
	}
	relay(peer, in, peer->pt, true, len);
}

/* Received by libre (a leg that is not bridged). */
static void rtp_handler(const struct sa *src, const struct rtp_header *hdr,
			struct mbuf *mb, void *arg)
{
	struct media_rtp_in in = {
		.pt = hdr->pt,
		.marker = hdr->m,
		.seq = hdr->seq,
		.pad = hdr->pad,
		.ts = hdr->ts,
		.ssrc = hdr->ssrc,
		.p = mbuf_buf(mb),
		.len = mbuf_get_left(mb),
	};

	media_leg_rx(arg, src, &in);
}

/* Decodes the RTP header of a datagram read by the relay: version 2,
 * CSRCs and a header extension skipped. EBADMSG if malformed. */
static int rtp_in_decode(uint8_t *b, size_t n, struct media_rtp_in *in)
{
	size_t off;

	if (n < RTP_HEADER_SIZE || (b[0] >> 6) != 2)
		return EBADMSG;
	off = RTP_HEADER_SIZE + 4u * (b[0] & 0x0f);
	if (b[0] & 0x10) {
		if (off + 4 > n)
			return EBADMSG;
		off += 4 + 4u * (size_t)((b[off + 2] << 8) | b[off + 3]);
	}
	if (off > n)
		return EBADMSG;
	in->pad = (b[0] & 0x20) != 0;
	in->marker = (b[1] & 0x80) != 0;
	in->pt = b[1] & 0x7f;
	in->seq = (uint16_t)(b[2] << 8 | b[3]);
	in->ts = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 |
		 (uint32_t)b[6] << 8 | b[7];
	in->ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 |
		   (uint32_t)b[10] << 8 | b[11];
	in->p = b + off;
	in->len = n - off;
	return 0;
}

#define LEG_READ_BATCH 8  /* datagrams per recvmmsg(2)                  */

void media_leg_read(struct media_leg *leg)
{
	static _Thread_local uint8_t bufs[LEG_READ_BATCH][MEDIA_DGRAM_MAX];
	struct mmsghdr msgs[LEG_READ_BATCH];
	struct iovec iov[LEG_READ_BATCH];
	struct sockaddr_storage from[LEG_READ_BATCH];
	int n;

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < LEG_READ_BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	n = recvmmsg(leg->fd, msgs, LEG_READ_BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		struct media_rtp_in in;
		struct sa src;

		if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ||
		    rtp_in_decode(bufs[i], msgs[i].msg_len, &in)) {
			leg->st.rx_dropped++;
			continue;
		}
		memset(&src, 0, sizeof(src));
		memcpy(&src.u, &from[i], msgs[i].msg_hdr.msg_namelen <
		       sizeof(src.u) ? msgs[i].msg_hdr.msg_namelen :
		       sizeof(src.u));
		src.len = msgs[i].msg_hdr.msg_namelen;
		/* a DTMF handler (loop) may unbridge the call: the rest
		 * of the batch is then taken as by libre, not relayed */
		media_leg_rx(leg, &src, &in);
	}
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
	struct media *m = leg->m;

	media_lock(m);
	if (leg->relayed)
		media_relay_detach(leg);
	if (leg->bridge) {
		struct media_bridge *b = leg->bridge;

		/* the bridge object lives on, empty, until its owner
		 * frees it */
		if (b->a)
			b->a->bridge = NULL;
		if (b->b)
			b->b->bridge = NULL;
		if (b->a && b->a != leg && b->a->relayed)
			media_relay_detach(b->a);
		if (b->b && b->b != leg && b->b->relayed)
			media_relay_detach(b->b);
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
	leg->name = mem_deref(leg->name);
	media_unlock(m);
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
			leg->fd = udp_sock_fd(rtp_sock(leg->rtp),
					      sa_af(&m->laddr));
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
	leg->fd = -1;
	leg->tx_ts = rand_u32();
	leg->ssrc = rand_u32();
	leg->seq = rand_u16();
	leg->tx_marker = true;

	err = str_dup(&leg->name, name ? name : "leg");
	if (err)
		goto out;
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

	media_lock(leg->m);
	if (!leg->has_remote || !sa_cmp(raddr, &leg->sdp_addr, SA_ALL)) {
		/* a new far end: learn its source again */
		leg->sdp_addr = *raddr;
		leg->raddr = *raddr;
		leg->learning = true;
		leg->cand_n = 0;
	}
	leg->pt = pt;
	leg->te_pt = te_pt;
	leg->has_remote = true;
	media_unlock(leg->m);
	return 0;
}

void media_leg_set_latch(struct media_leg *leg, bool on)
{
	if (!leg)
		return;
	media_lock(leg->m);
	leg->latch = on;
	media_unlock(leg->m);
}

void media_leg_dtmf_handler(struct media_leg *leg, media_dtmf_h *h,
			    void *arg)
{
	if (!leg)
		return;
	/* read on the loop only (the relay thread posts digits there) */
	leg->dtmfh = h;
	leg->dtmf_arg = arg;
}

void media_leg_stats_get(const struct media_leg *leg,
			 struct media_leg_stats *st)
{
	if (!leg || !st)
		return;
	media_lock(leg->m);
	*st = leg->st;
	media_unlock(leg->m);
}

/* ---------------------------------------------------------------------
 * Bridges
 * ------------------------------------------------------------------- */

static void bridge_destructor(void *data)
{
	struct media_bridge *b = data;

	media_lock(b->m);
	/* the legs go back to libre's loop before they are unbridged */
	if (b->a) {
		if (b->a->relayed)
			media_relay_detach(b->a);
		b->a->bridge = NULL;
		b->a->tx_anchored = false;
	}
	if (b->b) {
		if (b->b->relayed)
			media_relay_detach(b->b);
		b->b->bridge = NULL;
		b->b->tx_anchored = false;
	}
	b->m->st.bridges--;
	media_unlock(b->m);
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

	media_lock(br->m);
	br->a = a;
	br->b = b;
	a->bridge = br;
	b->bridge = br;
	a->tx_anchored = false;
	b->tx_anchored = false;
	br->m->st.bridges++;
	/* both sockets go to the relay; if one cannot, the legs stay on
	 * libre's loop and are relayed from there (slower, same result) */
	if (media_relay_attach(a) || media_relay_attach(b)) {
		if (a->relayed)
			media_relay_detach(a);
		if (b->relayed)
			media_relay_detach(b);
	}
	media_unlock(br->m);
	*bp = br;
	return 0;
}
