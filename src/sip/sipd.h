/* sipd.h — plateau's SIP server: registrar, B2BUA call legs wired to the
 * ACD engine, media and the store, behind a pre-parser guard. */
#ifndef PLATEAU_SIPD_H
#define PLATEAU_SIPD_H

/*
 * One `struct sipd` per event loop. It listens for SIP on UDP (and TCP),
 * answers OPTIONS, registers positions' phones (digest auth against the
 * center's HA1s), takes INVITEs to DIDs into ACD queues and rings agents'
 * registered phones when the engine offers them a call.
 *
 * Every request goes through sipd_request(), which needs no socket of its
 * own: tests and the fuzz harness feed it decoded messages.
 *
 * Time: `now` is tmr_jiffies() (ms, monotonic); the engine is driven on
 * that clock by ONE libre timer at acd_next_deadline().
 *
 * Errors: 0 or an errno value; sipd_errmsg() has a one-line reason.
 */

#include <stdbool.h>
#include <stdint.h>
#include <re.h>

struct sipd;
struct center;
struct acd;
struct media;
struct store;
struct sip_msg;
struct acd_event;

struct sipd_conf {
	struct sa laddr;           /* SIP listen address (UDP, TCP)        */
	bool tcp;                  /* also listen on TCP                   */
	const struct center *center; /* floor configuration (required)     */
	const char *logins;        /* agents logged in at start:
				      "AGENT@POSITION ..."; NULL = none    */
	struct media *media;       /* RTP legs; NULL = no calls (tests)    */
	struct store *store;       /* events and CDRs; NULL = none         */
	const char *data_dir;      /* recordings go under DIR/recordings   */
	const char *prompt_dir;    /* prompts (IVR ones are made there at
				      start); NULL = no IVR prompts        */
	uint32_t drain_ms;         /* longest drain before calls are cut;
				      0 = 60000                            */
	uint32_t rate_pps;         /* guard: packets/s per address; 0 =
				      default                              */
	void (*event_h)(const struct acd_event *ev, void *arg);
				   /* every engine event is also passed
				      here (the HTTP api), or NULL         */
	void *event_arg;           /* for event_h                          */
};

/* On error, errmsg (may be NULL) receives a one-line reason. */
int sipd_alloc(struct sipd **sp, const struct sipd_conf *conf,
	       char *errmsg, size_t errsz);
const char *sipd_errmsg(const struct sipd *s);

/* The engine the server feeds (built from the center). */
struct acd *sipd_acd(const struct sipd *s);

/* Re-arms the engine's timer after an input fed from outside the
 * server (the HTTP api's agent actions). */
void sipd_acd_rearm(struct sipd *s);

/* Who calls on the live call the engine knows as acd_call: the caller's
 * number (From user) and the number called (NULL if none). The strings
 * live as long as the call. ENOENT when there is no such call. */
int sipd_call_parties(struct sipd *s, uint64_t acd_call,
		      const char **callerp, const char **didp);

/* The CDR's call id, caller's number and number called (NULL if none) of
 * the call the engine knows as acd_call, ended or not, while the server
 * still holds it (always during the engine's events of that call). The
 * strings live as long as the call. ENOENT when there is no such call. */
int sipd_call_ref(struct sipd *s, uint64_t acd_call, const char **idp,
		  const char **callerp, const char **didp);

/* Replaces the center the server reads (positions, DIDs, IVR menus,
 * queues' media settings) by c, after a live change the caller already
 * applied to the engine. The old center must stay alive while calls that
 * began under it go on. New IVR prompts are synthesised here (blocks
 * while espeak-ng runs, once per new text). */
void sipd_center_set(struct sipd *s, const struct center *c);

/* The SIP stack (for tests that send from the server's own stack). */
struct sip *sipd_sip(const struct sipd *s);

/* The bound SIP address (UDP), e.g. to learn an ephemeral port. */
int sipd_laddr(const struct sipd *s, struct sa *laddr);

/* Handles one decoded request as if it came from msg->src. Returns true
 * when handled (answered or dropped), false to let libre answer. */
bool sipd_request(struct sipd *s, const struct sip_msg *msg);

/* Stops taking calls (INVITE and OPTIONS get 503), lets current calls
 * finish for up to drain_ms, then cuts the rest and calls h once. */
typedef void (sipd_drained_h)(void *arg);
void sipd_drain(struct sipd *s, sipd_drained_h *h, void *arg);

/* Counters, for logs, tests and /metrics. */
struct sipd_stats {
	uint64_t rx_refused;       /* packets the guard refused            */
	uint64_t registers;        /* REGISTERs answered 200               */
	uint64_t auth_failures;    /* 403s on bad credentials              */
	uint64_t invites;          /* INVITEs taken as calls               */
	uint64_t calls_done;       /* calls ended                          */
	uint64_t rtp_stray;        /* RTP from strangers dropped by ended
				      calls' legs (media rx_stray), summed
				      when each call ends                  */
	unsigned calls_active;     /* calls alive                          */
	unsigned registered;       /* phones registered                    */
};
void sipd_stats_get(const struct sipd *s, struct sipd_stats *st);

/* One log line: "ts=… " then key=value pairs (re_printf format). */
void sipd_log(const char *fmt, ...);

#endif
