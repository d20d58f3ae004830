/* media_int.h — the media module's private structures, shared by its
 * files (context, legs, relay, players, recorder, listen). */
#ifndef PLATEAU_MEDIA_INT_H
#define PLATEAU_MEDIA_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <re.h>
#include "media/media.h"
#include "media/dtmf.h"

#define MEDIA_FIFO_FRAMES 8     /* received audio kept for taps, frames */
#define MEDIA_FIFO_LEN (MEDIA_FIFO_FRAMES * MEDIA_FRAME) /* samples     */
#define MEDIA_PAYLOAD_MAX 1280  /* largest G.711 payload relayed, bytes */
#define MEDIA_DGRAM_MAX 2048    /* largest datagram read by the relay  */

/* One decoded audio file in the context's cache. */
struct media_audio {
	struct le he;              /* in media.cache, keyed by path         */
	char *path;                /* resolved path                         */
	int16_t *pcm;              /* samples, 8 kHz mono                   */
	size_t n;                  /* samples in pcm                        */
};

struct media_playlist {
	char **names;              /* file names, as given                  */
	size_t n;                  /* names used                            */
};

struct media {
	struct sa laddr;           /* local address of every leg            */
	uint16_t port_min;         /* first RTP port of the range (even)    */
	uint16_t port_max;         /* last port of the range (inclusive)    */
	uint16_t port_next;        /* next even port to try                 */
	char *prompt_dir;          /* base of relative playlist names       */
	bool manual;               /* no timer: owner calls media_step      */
	struct tmr tmr;            /* THE shared media tick (fallback)      */
	int tfd;                   /* timerfd pacing the tick, or -1        */
	uint64_t due;              /* when the next frame is due, jiffies ms*/
	struct list legs;          /* every leg (leg->le)                   */
	struct list players;       /* legs playing (leg->le_play)           */
	struct list tapped;        /* legs with taps (leg->le_tap)          */
	struct list ended;         /* legs whose playlist just ended        */
	struct list recorders;     /* running recorders                     */
	struct list listens;       /* running listeners                     */
	struct hash *cache;        /* struct media_audio by path            */
	struct media_stats st;     /* counters                              */
	char errmsg[1280];         /* why the last file load failed         */

	/* The relay thread (relay.c), when there is one. Every field of a
	 * bridged leg that the relay reads or writes is guarded by `lock`:
	 * the relay thread holds it while it handles one socket's
	 * packets; the loop takes it in every function that touches a
	 * leg (recursive: those functions call each other). */
	pthread_mutex_t lock;      /* see above                             */
	struct media_relay *relay; /* the relay thread, or NULL: bridged
				      legs are read from the loop           */
};

struct media_leg {
	struct le le;              /* in media.legs                         */
	struct le le_play;         /* in media.players while playing        */
	struct le le_tap;          /* in media.tapped while tapped          */
	struct le le_end;          /* in media.ended after a playlist end   */
	struct media *m;           /* context (not referenced)              */
	char *name;                /* for logs                              */
	struct rtp_sock *rtp;      /* RTP + RTCP sockets                    */
	uint16_t port;             /* local RTP port                        */
	int fd;                    /* the RTP socket (owned by rtp)         */
	bool relayed;              /* bridged: its RTP socket is read by the
				      relay (relay.c), not by libre         */

	/* far end */
	bool has_remote;           /* set_remote was called                 */
	struct sa raddr;           /* where RTP goes; once learned, the one
				      source RTP is accepted from          */
	struct sa sdp_addr;        /* the address signalled in the SDP      */
	uint8_t pt;                /* codec sent: PCMU or PCMA              */
	uint8_t te_pt;             /* telephone-event pt, 0 = none          */
	bool latch;                /* a source other than the SDP's may be
				      learned (NAT), after probation       */

	/* strict source learning (leg.c, "Source learning") */
	bool learning;             /* the source is not known yet           */
	struct sa cand;            /* source on probation, when cand_n > 0  */
	uint16_t cand_seq;         /* its last sequence number              */
	unsigned cand_n;           /* its consecutive in-sequence packets   */

	/* what the leg sends: one continuous RTP source */
	uint32_t ssrc;             /* our SSRC on this leg                  */
	uint16_t seq;              /* sequence number of the next packet    */
	uint32_t tx_ts;            /* timestamp following the last sent     */
	uint64_t tx_last_ms;       /* when we last sent, jiffies ms         */
	bool tx_anchored;          /* relay ts mapping valid                */
	uint32_t tx_src_ssrc;      /* ssrc the mapping was made for         */
	uint32_t tx_off;           /* out ts = in ts + tx_off               */
	bool tx_marker;            /* set the marker on the next packet     */

	/* what the leg receives */
	struct media_bridge *bridge; /* bridge it is in, or NULL            */
	struct dtmf_rx dtmf;       /* RFC 4733 duplicate suppression        */
	media_dtmf_h *dtmfh;       /* DTMF handler                          */
	void *dtmf_arg;            /* its argument                          */
	unsigned taps;             /* recorders + listeners reading it      */
	int16_t fifo[MEDIA_FIFO_LEN]; /* received audio for taps, PCM       */
	size_t fifo_rd;            /* read index                            */
	size_t fifo_n;             /* samples held                          */
	int16_t frame[MEDIA_FRAME]; /* this tick's received frame (taps)    */
	unsigned mixed;            /* whisper/barge mixes sent to the leg:
				      relayed audio towards it is dropped  */

	/* player */
	struct media_playlist *pl; /* playing, or NULL                      */
	struct media_audio **clips; /* pl's files, resolved                 */
	size_t clip;               /* index of the clip playing             */
	size_t clip_pos;           /* next sample in it                     */
	bool loop;                 /* start again at the end                */
	media_play_end_h *play_eh; /* end handler                           */
	void *play_arg;            /* its argument                          */

	struct media_leg_stats st; /* counters                              */
};

struct media_bridge {
	struct media *m;           /* context (not referenced)              */
	struct media_leg *a;       /* one leg (not referenced)              */
	struct media_leg *b;       /* the other                             */
};

/* One received RTP packet, header decoded. At least RTP_HEADER_SIZE
 * bytes before p belong to the buffer (the packet's own header), so the
 * payload can be re-sent in place. */
struct media_rtp_in {
	uint8_t pt;                /* payload type                          */
	bool marker;               /* M bit                                 */
	uint16_t seq;              /* sequence number                       */
	bool pad;                  /* P bit: padding at the end of p        */
	uint32_t ts;               /* timestamp                             */
	uint32_t ssrc;             /* source                                */
	uint8_t *p;                /* payload                               */
	size_t len;                /* payload bytes, padding included       */
};

/* From media.c: the lock (no-ops without a relay thread). */
void media_lock(struct media *m);
void media_unlock(struct media *m);

/* From media.c: the cache. */
int media_audio_get(struct media *m, const char *name,
		    struct media_audio **ap);

/* From leg.c: sending one frame of PCM from the leg (players, listen). */
int media_leg_send_pcm(struct media_leg *leg, const int16_t *pcm);
void media_leg_tap(struct media_leg *leg, bool on);
void media_leg_pull_frame(struct media_leg *leg);
/* From leg.c: one received RTP packet (lock held when relayed), and
 * reading a relayed leg's socket until it is empty (at most a batch). */
void media_leg_rx(struct media_leg *leg, const struct sa *src,
		  struct media_rtp_in *in);
void media_leg_read(struct media_leg *leg);
/* A digit for the leg's DTMF handler, on the loop. */
void media_leg_dtmf_report(struct media_leg *leg, char digit);

/* From relay.c: the relay thread and the hand-over of bridged legs. */
int media_relay_start(struct media *m);
void media_relay_stop(struct media *m);
int media_relay_attach(struct media_leg *leg);
void media_relay_detach(struct media_leg *leg);
void media_relay_dtmf(struct media_leg *leg, char digit);

/* From play.c / record.c / listen.c: one tick of work. */
void media_players_step(struct media *m);
void media_players_ended(struct media *m);
void media_recorders_step(struct media *m);
void media_listens_step(struct media *m);
void media_leg_play_clear(struct media_leg *leg);
void media_recorder_leg_gone(struct media_leg *leg);
void media_listen_leg_gone(struct media_leg *leg);

#endif
