/* sdp.c — reads a peer's SDP (codec, telephone-event, address) and writes
 * ours: G.711 only (PCMU, PCMA), one audio stream. */
#include <string.h>
#include <re.h>
#include "media/media.h"
#include "sip/sipd_int.h"

#define TE_PT_OURS 101  /* the telephone-event payload type we offer */

/* MEDIA_PT_PCMU or MEDIA_PT_PCMA (+1, so 0 means neither): by name, or
 * by static payload type when there is no rtpmap. */
static uint8_t g711_of(const struct sdp_format *f)
{
	if (f->name && *f->name) {
		if (!str_casecmp(f->name, "PCMU") && f->srate == 8000)
			return MEDIA_PT_PCMU + 1;
		if (!str_casecmp(f->name, "PCMA") && f->srate == 8000)
			return MEDIA_PT_PCMA + 1;
		return 0;
	}
	if (f->pt == MEDIA_PT_PCMU)
		return MEDIA_PT_PCMU + 1;
	if (f->pt == MEDIA_PT_PCMA)
		return MEDIA_PT_PCMA + 1;
	return 0;
}

/* Decodes body and picks the first G.711 codec the peer lists; also
 * reads the audio stream's direction and whether its address is the
 * "hold" address 0.0.0.0 (RFC 2543 phones), which only a re-offer may
 * use (hold_addr_ok). */
static int sdp_read(struct mbuf *body, uint8_t *ptp, uint8_t *te_ptp,
		    struct sa *raddr, enum sdp_dir *dirp, bool *zerop,
		    bool hold_addr_ok)
{
	bool zero = false;

	struct sdp_session *sess = NULL;
	struct sdp_media *m = NULL;
	const struct sdp_format *fmt, *te;
	struct sa laddr;
	size_t pos;
	int err;

	if (!body || !ptp || !te_ptp || !raddr)
		return EINVAL;
	if (!mbuf_get_left(body))
		return EBADMSG;

	sa_set_str(&laddr, "127.0.0.1", 0);
	err = sdp_session_alloc(&sess, &laddr);
	if (err)
		return err;
	err = sdp_media_add(&m, sess, "audio", 9, "RTP/AVP");
	if (err)
		goto out;
	err = sdp_format_add(NULL, m, false, "0", "PCMU", 8000, 1,
			     NULL, NULL, NULL, false, NULL);
	err |= sdp_format_add(NULL, m, false, "8", "PCMA", 8000, 1,
			      NULL, NULL, NULL, false, NULL);
	err |= sdp_format_add(NULL, m, false, "101", "telephone-event", 8000,
			      1, NULL, NULL, NULL, false, NULL);
	if (err) {
		err = ENOMEM;
		goto out;
	}

	pos = body->pos;
	err = sdp_decode(sess, body, true);
	body->pos = pos;
	if (err) {
		err = EBADMSG;
		goto out;
	}
	if (!sa_isset(sdp_media_raddr(m), SA_ALL)) {
		const struct sa *ra = sdp_media_raddr(m);

		/* c=IN IP4 0.0.0.0 with a real port: an old phone's hold */
		zero = hold_addr_ok && sa_af(ra) == AF_INET &&
			!sa_isset(ra, SA_ADDR) && sa_port(ra) != 0;
		if (!zero) {
			err = EBADMSG;
			goto out;
		}
	}

	/* the peer's order: the first PCMU or PCMA it lists */
	fmt = NULL;
	for (struct le *le = list_head(sdp_media_format_lst(m, false)); le;
	     le = le->next) {
		const struct sdp_format *f = le->data;

		if (g711_of(f)) {
			fmt = f;
			break;
		}
	}
	if (!fmt || sdp_media_rport(m) == 0) {
		err = ENOENT;
		goto out;
	}
	te = sdp_media_rformat(m, "telephone-event");

	*ptp = (uint8_t)(g711_of(fmt) - 1);
	*te_ptp = (te && te->pt >= 96 && te->pt <= 127) ? (uint8_t)te->pt : 0;
	*raddr = *sdp_media_raddr(m);
	if (dirp)
		*dirp = sdp_media_rdir(m);
	if (zerop)
		*zerop = zero;
out:
	mem_deref(sess);
	return err;
}

/* Decodes body (an offer or an answer) and picks the first G.711 codec
 * the peer lists. ENOENT when it has no PCMU/PCMA, EBADMSG when it is not
 * SDP or has no audio address. On error nothing is written. */
int sdp_pick(struct mbuf *body, uint8_t *ptp, uint8_t *te_ptp,
	     struct sa *raddr)
{
	return sdp_read(body, ptp, te_ptp, raddr, NULL, NULL, false);
}

int sdp_reoffer_read(struct mbuf *body, struct sdp_reoffer *ro)
{
	struct sdp_reoffer r;
	enum sdp_dir dir = SDP_SENDRECV;
	bool zero = false;
	int err;

	if (!ro)
		return EINVAL;
	memset(&r, 0, sizeof(r));
	err = sdp_read(body, &r.pt, &r.te_pt, &r.raddr, &dir, &zero, true);
	if (err)
		return err;
	r.zero_addr = zero;
	/* libre gives the remote direction from our side: a=sendonly in
	 * the offer reads as SDP_RECVONLY (we may only receive), which is
	 * what we answer (RFC 3264 6.1: sendonly → recvonly, recvonly →
	 * sendonly, inactive → inactive, sendrecv → sendrecv) */
	r.answer_dir = dir;
	/* hold: the peer no longer wants our audio (sendonly, inactive,
	 * or the RFC 2543 null address) */
	r.hold = zero || dir == SDP_RECVONLY || dir == SDP_INACTIVE;
	if (zero && r.answer_dir == SDP_SENDRECV)
		r.answer_dir = SDP_RECVONLY;
	*ro = r;
	return 0;
}

/* Writes our SDP: one audio stream on laddr:port with codec pt (and the
 * other G.711 codec after it when offer_both), plus telephone-event when
 * te_pt is non-zero. */
int sdp_build(struct mbuf **mbp, const struct sa *laddr, uint16_t port,
	      uint8_t pt, uint8_t te_pt, bool offer_both)
{
	return sdp_build_dir(mbp, laddr, port, pt, te_pt, offer_both,
			     SDP_SENDRECV);
}

int sdp_build_dir(struct mbuf **mbp, const struct sa *laddr, uint16_t port,
		  uint8_t pt, uint8_t te_pt, bool offer_both,
		  enum sdp_dir dir)
{
	struct mbuf *mb;
	uint8_t other = pt == MEDIA_PT_PCMU ? MEDIA_PT_PCMA : MEDIA_PT_PCMU;
	uint32_t sid = rand_u32();
	int err;

	if (!mbp || !laddr || !port)
		return EINVAL;
	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;

	err = mbuf_printf(mb,
			  "v=0\r\n"
			  "o=plateau %u %u IN %s %j\r\n"
			  "s=plateau\r\n"
			  "c=IN %s %j\r\n"
			  "t=0 0\r\n"
			  "m=audio %u RTP/AVP %u",
			  sid, sid, sa_af(laddr) == AF_INET6 ? "IP6" : "IP4",
			  laddr, sa_af(laddr) == AF_INET6 ? "IP6" : "IP4",
			  laddr, port, pt);
	if (offer_both)
		err |= mbuf_printf(mb, " %u", other);
	if (te_pt)
		err |= mbuf_printf(mb, " %u", te_pt);
	err |= mbuf_printf(mb, "\r\na=rtpmap:%u %s/8000\r\n", pt,
			   pt == MEDIA_PT_PCMU ? "PCMU" : "PCMA");
	if (offer_both)
		err |= mbuf_printf(mb, "a=rtpmap:%u %s/8000\r\n", other,
				   other == MEDIA_PT_PCMU ? "PCMU" : "PCMA");
	if (te_pt)
		err |= mbuf_printf(mb, "a=rtpmap:%u telephone-event/8000\r\n"
				   "a=fmtp:%u 0-15\r\n", te_pt, te_pt);
	err |= mbuf_printf(mb, "a=ptime:20\r\na=%s\r\n", sdp_dir_name(dir));
	if (err) {
		mem_deref(mb);
		return ENOMEM;
	}
	mb->pos = 0;
	*mbp = mb;
	return 0;
}
