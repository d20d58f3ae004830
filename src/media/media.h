/* media.h — everything RTP and audio for the server: legs, the relay,
 * players, announcements, DTMF, the recorder and supervisor listen. */
#ifndef PLATEAU_MEDIA_H
#define PLATEAU_MEDIA_H

/*
 * One `struct media` per process (or per event loop). It owns the RTP
 * port range, a cache of decoded audio files and ONE shared 20 ms timer
 * (the media tick) that paces every player, recorder and listener of
 * every call: there is never a libre timer per call or per packet
 * (shared/LIBRE-NOTES.md: libre's timer list is O(n) per insert).
 *
 * A leg is one RTP endpoint of the server: the caller's side of a call or
 * an agent's side. It binds an even RTP port and the RTCP port above it
 * from the range; its port goes into the SDP. Once the far end's address
 * and codec are known (media_leg_set_remote), the leg can play audio,
 * be bridged to another leg, record and be listened to.
 *
 * Relay: RTP is forwarded as soon as it arrives (no added delay), from
 * the other leg's socket, with that leg's own SSRC, sequence numbers and
 * a continuous timestamp, so each far end sees one proper RTP source.
 * Same codec: the payload goes out as it came; PCMU<->PCMA is transcoded.
 * RFC 4733 events are forwarded when the other leg negotiated
 * telephone-event, and always reported to the leg's DTMF handler.
 *
 * While a leg plays a playlist, audio relayed towards it is dropped: the
 * player has the leg. Stopping the player gives the leg back to the relay.
 *
 * RTCP: the RTCP port is bound and incoming reports are read and counted;
 * no reports are sent (that would need a timer per leg).
 *
 * Objects are libre mem objects; free them with mem_deref(). Freeing a
 * leg ends its bridge, player, recorder and listeners. Free every leg,
 * bridge, recorder and listener before the context. Callbacks are
 * called from the event loop; a handler may free the leg it is called
 * for only from the play-end handler (that is the last use of the leg in
 * that tick); otherwise defer with a 0 ms timer owned by the call.
 *
 * Errors: functions return 0 or an errno value (EINVAL bad argument,
 * ENOENT missing file, EBADMSG bad file content, EADDRINUSE no free port
 * in the range, EBUSY leg already bridged/recording, ENOTCONN no remote
 * yet, ENOMEM). On error nothing is changed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sa;
struct media;
struct media_leg;
struct media_bridge;
struct media_playlist;
struct media_recorder;
struct media_listen;

#define MEDIA_SRATE     8000   /* samples per second (G.711)             */
#define MEDIA_PTIME_MS  20     /* one frame, ms: the shared tick period  */
#define MEDIA_FRAME     160    /* samples per frame                      */
#define MEDIA_PT_PCMU   0      /* static payload type of G.711 mu-law    */
#define MEDIA_PT_PCMA   8      /* static payload type of G.711 A-law     */
#define MEDIA_AUDIO_MAX (64u << 20) /* largest audio file accepted, bytes */
#define MEDIA_PLAYLIST_MAX 64  /* files per playlist                     */

/* ---------------------------------------------------------------------
 * The context and its shared tick
 * ------------------------------------------------------------------- */

/* Options for media_alloc (NULL = defaults). */
struct media_opts {
	const char *prompt_dir;  /* where relative playlist names are found;
				    NULL = "build/prompts"               */
	bool manual_tick;        /* no timer: the owner calls media_step()
				    (tests, benchmarks)                    */
	bool relay_thread;       /* relay bridged legs on a thread of their
				    own (a second core); else on the loop */
};

/* Creates the context on local address laddr (NULL = 127.0.0.1; the port
 * in laddr is ignored) with RTP ports port_min..port_max (inclusive; RTP
 * on even ports, RTCP on the odd port above). Starts the shared tick. */
int media_alloc(struct media **mp, const struct sa *laddr,
		uint16_t port_min, uint16_t port_max,
		const struct media_opts *opts);

/* Runs one 20 ms frame of every player, recorder and listener now. The
 * shared tick calls it; with manual_tick the owner does. */
void media_step(struct media *m);

/* Counters for the whole context. */
struct media_stats {
	uint64_t ticks;          /* frames run                             */
	uint64_t late_ticks;     /* frames run late by >= one period       */
	unsigned legs;           /* legs alive                             */
	unsigned bridges;        /* bridges alive                          */
	unsigned players;        /* legs playing                           */
	unsigned recorders;      /* recorders running                      */
	size_t audio_cached;     /* files in the cache                     */
	size_t audio_bytes;      /* PCM bytes in the cache                 */
};
void media_stats_get(const struct media *m, struct media_stats *st);

/* ---------------------------------------------------------------------
 * Legs
 * ------------------------------------------------------------------- */

/* Binds a new leg's RTP+RTCP ports. name is for logs ("call 12 caller"),
 * copied; NULL is fine. */
int media_leg_alloc(struct media_leg **legp, struct media *m,
		    const char *name);

/* The leg's local RTP address and port, for the SDP. */
const struct sa *media_leg_laddr(const struct media_leg *leg);
uint16_t media_leg_port(const struct media_leg *leg);

/* Where to send and in which codec: pt is MEDIA_PT_PCMU or MEDIA_PT_PCMA;
 * te_pt is the negotiated telephone-event payload type (96..127), or 0
 * for none. May be called again (re-INVITE). Until it is called the leg
 * sends nothing and drops what it receives.
 *
 * Strict source: the leg then learns the one address it accepts RTP
 * from. A packet from raddr (the SDP's address) is accepted at once and
 * ends learning; with latch on, another source is learned instead once
 * it has sent MEDIA_PROBATION packets in sequence. After learning,
 * packets from any other address are dropped and counted in rx_stray.
 * Called again with a different raddr, the leg learns again; with the
 * same raddr (a codec change, hold) it keeps the source it learned. */
int media_leg_set_remote(struct media_leg *leg, const struct sa *raddr,
			 uint8_t pt, uint8_t te_pt);

/* Packets in sequence a source other than the SDP's must send before a
 * latching leg takes it (RFC 3550 A.1 asks for 2; Asterisk's strictrtp
 * probation defaults to 4: 80 ms of 20 ms packets). */
#define MEDIA_PROBATION 4

/* Symmetric RTP, for callers behind NAT: when on, a leg still learning
 * its source may take one other than the SDP's address (after
 * probation, see media_leg_set_remote) and sends there from then on.
 * Off by default: only the SDP's address is accepted. */
void media_leg_set_latch(struct media_leg *leg, bool on);

/* A DTMF digit received on the leg ('0'-'9', '*', '#', 'A'-'D'), from
 * RFC 4733 telephone-event: reported once per event, when it starts. */
typedef void (media_dtmf_h)(struct media_leg *leg, char digit, void *arg);
void media_leg_dtmf_handler(struct media_leg *leg, media_dtmf_h *h,
			    void *arg);

struct media_leg_stats {
	uint64_t rx_packets;     /* RTP packets accepted                   */
	uint64_t rx_bytes;       /* their payload bytes                    */
	uint64_t rx_dropped;     /* RTP dropped: no remote, unknown pt,
				    malformed                              */
	uint64_t rx_stray;       /* RTP dropped: from a source other than
				    the leg's remote (see set_latch)       */
	uint64_t rx_probation;   /* RTP dropped while its source was on
				    probation (latch), before learned      */
	uint64_t rx_rtcp;        /* RTCP packets read                      */
	uint64_t rx_dtmf;        /* DTMF events reported                   */
	uint64_t tx_packets;     /* RTP packets sent                       */
	uint64_t tx_bytes;       /* their payload bytes                    */
	uint64_t tx_errors;      /* sends that failed                      */
};
void media_leg_stats_get(const struct media_leg *leg,
			 struct media_leg_stats *st);

/* ---------------------------------------------------------------------
 * The relay
 * ------------------------------------------------------------------- */

/* Relays RTP between a and b both ways until the bridge is freed
 * (mem_deref = unbridge). A leg is in at most one bridge (EBUSY). */
int media_bridge(struct media_bridge **bp, struct media_leg *a,
		 struct media_leg *b);

/* ---------------------------------------------------------------------
 * Players and playlists
 * ------------------------------------------------------------------- */

/* A playlist: file names, played in order. A relative name is found
 * under the context's prompt_dir ("fr/welcome.wav"), an absolute one as
 * it is. Files are 8 kHz mono 16-bit PCM WAV; each is read once and kept
 * in the context's cache. */
int media_playlist_alloc(struct media_playlist **plp);
int media_playlist_add(struct media_playlist *pl, const char *name);
size_t media_playlist_count(const struct media_playlist *pl);
const char *media_playlist_name(const struct media_playlist *pl, size_t i);

/* Reads (or finds in the cache) one file: EINVAL/ENOENT/EBADMSG with the
 * reason in media_errmsg(m). Lets the server check prompts at start. */
int media_audio_preload(struct media *m, const char *name);
const char *media_errmsg(const struct media *m);

/* Called once when a playlist has played to its end (never for a loop,
 * nor when stopped or replaced). The handler may start another playlist
 * on the leg, or free the leg. */
typedef void (media_play_end_h)(struct media_leg *leg, void *arg);

/* Plays pl on the leg from the next tick, encoded to the leg's codec,
 * replacing what it played before; loop = start again at the end (hold
 * music). Every file is loaded first: on error nothing is played and
 * nothing changes. The playlist is referenced, not copied. */
int media_play(struct media_leg *leg, struct media_playlist *pl, bool loop,
	       media_play_end_h *eh, void *arg);
void media_play_stop(struct media_leg *leg);
bool media_leg_playing(const struct media_leg *leg);

/* The prompts telling a waiting caller "you are 3rd in line; estimated
 * wait: 2 minutes" in lang ("fr", "ar", "en", "de", "es"): names under
 * the prompt dir. position is 1-based (above 99: "more than 99");
 * expected_wait_ms < 0 = unknown (the wait part is left out). */
int media_announce_position(const char *lang, unsigned position,
			    int64_t expected_wait_ms,
			    struct media_playlist **plp);

/* ---------------------------------------------------------------------
 * DTMF from SIP INFO
 * ------------------------------------------------------------------- */

/* Parses a SIP INFO body carrying one key press: content type
 * "application/dtmf-relay" ("Signal=5\r\nDuration=160\r\n") or
 * "application/dtmf" ("5"); parameters after ';' in ctype are ignored.
 * Gives the digit ('0'-'9', '*', '#', 'A'-'D') and duration in ms (0 if
 * absent). EPROTONOSUPPORT for another content type, EBADMSG for a bad
 * body. */
int media_dtmf_info_parse(const char *ctype, size_t ctype_len,
			  const char *body, size_t body_len,
			  char *digitp, uint32_t *duration_msp);

/* ---------------------------------------------------------------------
 * Recorder and supervisor listen
 * ------------------------------------------------------------------- */

/* Records a call to a stereo 8 kHz 16-bit WAV at path: leg `left` (the
 * caller) on the left channel, `right` (the agent) on the right. One
 * frame per tick per channel, silence where a side sent nothing. Writes
 * are buffered (flushed about once a second). Stop by freeing: the file
 * is then flushed, its header sizes fixed and fsync'd. EEXIST if the
 * file exists; its directory must exist. */
int media_record_start(struct media_recorder **rp, struct media_leg *left,
		       struct media_leg *right, const char *path);
/* Samples written per channel so far, and the first write error (then
 * recording has stopped; the file is still finalised on free). */
uint64_t media_record_samples(const struct media_recorder *r);
int media_record_error(const struct media_recorder *r);

/* Sends the sum of what a and b receive (both sides of a bridged call)
 * to leg sup (a supervisor's phone), one frame per tick, in sup's codec.
 * sup must not be bridged or playing. Stop by freeing. */
int media_listen(struct media_listen **lp, struct media_leg *a,
		 struct media_leg *b, struct media_leg *sup);

/* What a supervisor does to a bridged call (caller <-> agent). */
enum media_monitor_mode {
	MEDIA_MONITOR_LISTEN = 0, /* sup hears caller + agent               */
	MEDIA_MONITOR_WHISPER,    /* and the agent hears caller + sup; the
				     caller hears only the agent            */
	MEDIA_MONITOR_BARGE,      /* and each of the three hears the other
				     two (a 3-way conference)               */
};

/* Like media_listen, with a mode. Whisper and barge mix on the shared
 * tick: a leg that hears a mix (the agent; with barge the caller too)
 * gets one mixed frame per tick instead of the relay, each in its own
 * codec, until the monitor is freed (the relay then takes over again).
 * At most one whisper or barge per call: EBUSY when a leg is already
 * mixed. */
int media_monitor(struct media_listen **lp, struct media_leg *caller,
		  struct media_leg *agent, struct media_leg *sup,
		  enum media_monitor_mode mode);

/* Whether a whisper or barge would be refused (EBUSY) on this call. */
bool media_leg_mixed(const struct media_leg *leg);

#endif
