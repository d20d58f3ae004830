/* sipd_int.h — private to src/sip/: the server's state and call legs. */
#ifndef PLATEAU_SIPD_INT_H
#define PLATEAU_SIPD_INT_H

#include <re.h>
#include "acd/acd.h"
#include "config/center.h"
#include "media/media.h"
#include "sip/guard.h"
#include "sip/registrar.h"
#include "sip/resp.h"
#include "sip/sipd.h"

struct call;
struct media_leg;
struct media_listen;

struct sipd {
	struct sipd_conf conf;     /* as given (pointers borrowed)          */
	char errmsg[256];          /* last error                            */
	struct sip *sip;           /* libre SIP stack                       */
	struct sip_lsnr *lsnr;     /* request listener (sipd_request)       */
	struct sipsess_sock *ssock;/* INVITE sessions                       */
	struct sipguard *guard;    /* pre-parser guard                      */
	struct udp_helper *uh;     /* the guard on the SIP UDP socket       */
	struct tcp_sock *tsock;    /* the SIP TCP socket (libre's), or NULL */
	struct list tconns;        /* guarded TCP connections (tcpguard.c)  */
	struct registrar *reg;     /* registrar + location table            */
	struct acd *acd;           /* the engine, owned                     */
	struct sa laddr;           /* bound SIP address (UDP)               */
	char host[64];             /* our address for URIs ("127.0.0.1:5060")*/

	struct hash *calls;        /* struct call by ACD call id            */
	struct list callsl;        /* every struct call                     */
	struct call *arriving;     /* call inside acd_call_arrive()         */
	uint64_t call_seq;         /* numbering of call ids                 */
	uint64_t boot_id;          /* random, makes call ids unique         */

	struct tmr acd_tmr;        /* the engine's one timer                */
	struct tmr house_tmr;      /* once a second: sweeps                 */
	struct tmr defer_tmr;      /* 0 ms: deferred inputs and frees       */
	struct list deferred;      /* struct call with pending inputs       */
	struct list trash;         /* objects to free from defer_tmr        */
	struct list ivrl;          /* calls in the IVR                      */
	struct tmr ivr_tmr;        /* 200 ms, while ivrl is not empty       */

	uint64_t mono0;            /* tmr_jiffies() at start, ms            */
	int64_t wall0;             /* wall clock at start, ms since epoch   */

	bool draining;             /* no new calls                          */
	struct tmr drain_tmr;      /* bounds the drain                      */
	sipd_drained_h *drainedh;  /* called once drained                   */
	void *drained_arg;

	struct list codesl;        /* struct code_call: dial-code calls     */
	uint64_t code_seq;         /* numbering of dial-code calls          */
	struct mqueue *pinq;       /* PIN checks' answers from workers      */
	unsigned pin_jobs;         /* PIN checks running                    */
	char pin_decoy[192];       /* PIN hash checked for unknown agents   */
	struct list pinfails;      /* PIN failures per position (throttle)  */

	struct sipd_stats stats;   /* counters                              */
};

/* Now on the server clock, ms. */
uint64_t sipd_now(void);
/* Wall-clock ms since the epoch for a server-clock time. */
int64_t sipd_wall(const struct sipd *s, uint64_t now);

/* Calls the drained handler once no call is left while draining. */
void sipd_drain_check(struct sipd *s);

/* True when a request has the headers every request needs (RFC 3261
 * 8.1.1) and a CSeq method matching its request line. */
bool sipd_request_complete(const struct sip_msg *msg);

/* Sends resp as the answer to msg (nothing when scode is 0). */
void sipd_reply(struct sipd *s, const struct sip_msg *msg,
		const struct sipd_resp *resp);

/* Frees obj from the next 0 ms tick (never inside its own callback). */
void sipd_trash(struct sipd *s, void *obj);
/* Starts the 0 ms tick that runs deferred work. */
void sipd_defer_kick(struct sipd *s);

/* tcpguard.c: the guard on connections libre accepts on ts. */
int sipd_tcpguard_install(struct sipd *s, struct tcp_sock *ts);
/* Frees what libre has let go of (once a second). */
void sipd_tcpguard_sweep(struct sipd *s);
/* Unhooks ts and hands every connection back to libre (shutdown). */
void sipd_tcpguard_close(struct sipd *s, struct tcp_sock *ts);

/* call.c */
/* Decides what to do with an INVITE: fills resp with an error (404 no
 * such number, 488 no common codec, 400 bad SDP, 503 draining) and
 * returns non-zero, or returns 0 and fills *routep / *ptp. */
struct invite_plan {
	const struct center_did *did;  /* the number called                 */
	const struct center_queue *queue; /* first queue, or NULL (IVR)     */
	const char *menu;          /* IVR menu id, or NULL (queue)          */
	enum center_lang lang;     /* caller's language for prompts         */
	const char *skills;        /* extra call skills from the route      */
	uint8_t pt;                /* chosen codec (0 PCMU, 8 PCMA)         */
	uint8_t te_pt;             /* caller's telephone-event pt, or 0     */
	struct sa raddr;           /* caller's RTP address                  */
};
int call_invite_plan(struct sipd *s, const struct sip_msg *msg,
		     struct invite_plan *plan, struct sipd_resp *resp);
/* sipsess connect handler for new INVITEs. */
void call_incoming(const struct sip_msg *msg, void *arg);
/* The engine's event handler. */
void call_acd_event(const struct acd_event *ev, void *arg);
/* Runs the IVR timeouts that are due (from the shared IVR tick). */
void call_ivr_tick(struct sipd *s);
/* Runs deferred engine inputs of calls. */
void call_run_deferred(struct sipd *s);
/* Ends every call (drain timeout, shutdown). */
void call_cut_all(struct sipd *s);
/* Frees every call object (destroying the server). */
void call_flush(struct sipd *s);

/* Starts a supervisor's listen to the connected call acd_call: both of
 * its legs summed to `sup`. lle is linked in the call's listeners with
 * `listener` as data; when the call ends, codes_listen_gone(listener) is
 * called (and the listen must be freed). ENOTCONN if not connected. */
int call_listen(struct sipd *s, uint64_t acd_call, struct media_leg *sup,
		enum media_monitor_mode mode, struct le *lle, void *listener,
		struct media_listen **lp);

/* Whether a supervisor already whispers to or barges into the connected
 * call acd_call (a second one is refused). */
bool call_mixed(struct sipd *s, uint64_t acd_call);

/* codes.c: dial codes (*11 login, *12 logout, *13 listen, *14 ready,
 * *15 pause) from an INVITE whose request-URI user starts with '*'. */
int codes_init(struct sipd *s);
void codes_incoming(struct sipd *s, const struct sip_msg *msg);
/* The call a listener heard has ended: it hangs up. */
void codes_listen_gone(void *listener);
/* Ends every dial-code call (destroying the server). */
void codes_flush(struct sipd *s);
/* Parses a dial code (exposed for the unit test and fuzz harness). */
int codes_parse(const char *user, int *kindp, char *num, size_t numsz,
		char *pin, size_t pinsz);

/* sdp.c: the caller's offer → codec and address; our SDP. */
int sdp_pick(struct mbuf *body, uint8_t *ptp, uint8_t *te_ptp,
	     struct sa *raddr);
int sdp_build(struct mbuf **mbp, const struct sa *laddr, uint16_t port,
	      uint8_t pt, uint8_t te_pt, bool offer_both);
/* The same with the direction attribute dir (sdp_build: sendrecv). */
int sdp_build_dir(struct mbuf **mbp, const struct sa *laddr, uint16_t port,
		  uint8_t pt, uint8_t te_pt, bool offer_both,
		  enum sdp_dir dir);

/* A re-INVITE's offer in an established dialog, as read. */
struct sdp_reoffer {
	uint8_t pt;            /* first common G.711 codec                  */
	uint8_t te_pt;         /* telephone-event pt, or 0                  */
	struct sa raddr;       /* audio address (0.0.0.0 when zero_addr)    */
	bool zero_addr;        /* c=0.0.0.0: keep the old address           */
	bool hold;             /* sendonly, inactive or zero_addr           */
	enum sdp_dir answer_dir; /* ours: the peer's direction mirrored     */
};
/* Reads a re-offer: ENOENT when it shares no codec with us, EBADMSG when
 * it is not SDP or has no audio stream; on error *ro is not written. */
int sdp_reoffer_read(struct mbuf *body, struct sdp_reoffer *ro);

#endif
