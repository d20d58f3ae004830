/* api.h — the HTTP API: REST under /api/v1, Server-Sent Events, /metrics. */
#ifndef PLATEAU_API_H
#define PLATEAU_API_H

/*
 * One struct api serves HTTP on one TCP socket of the caller's libre
 * event loop. It reads the routing engine (live state), the center
 * (configuration) and the store (CDRs, event log), and feeds agent actions
 * into the engine. It never blocks the loop: replies are written whole,
 * event-stream clients that fall behind are dropped.
 *
 * Live configuration: /api/v1/config/SECTION[/ID] (admins) edits the
 * center as a whole document, checks it like a file, saves it in the
 * store, applies the difference to the engine and hands the new center
 * to deps.center_set (docs/api.md).
 *
 * Wiring: the owner of the engine forwards every engine event to
 * api_acd_event() (same signature as acd_event_h), outside any acd_* call
 * made by the api itself is fine since the api only reads then.
 *
 * Users: api_user_add() registers a login (password kept only as a
 * salted PBKDF2-HMAC-SHA256 hash), api_key_add() an integration key.
 * A tenant of NULL is the operator: only an admin may have it, and it
 * sees every tenant.
 *
 * Errors: functions return 0 or an errno value; outputs are written only
 * on success.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "acd/acd.h"

struct api;
struct sa;
struct mbuf;
struct center;
struct store;

enum api_role {
	API_ROLE_AGENT = 0,
	API_ROLE_SUPERVISOR,
	API_ROLE_ADMIN,
	API_ROLE_COUNT
};

#define API_BODY_MAX   (64u << 10) /* largest request body, bytes        */
#define API_HEAD_MAX   8192        /* largest request head, bytes        */
#define API_LINE_MAX   512         /* first line must end within, bytes  */
#define API_WINDOW     4096        /* events kept for Last-Event-ID      */
#define API_SESSION_MS (8 * 3600 * 1000LL) /* session token lifetime, ms */

/* The clock the api stamps engine inputs with (the engine's clock, ms)
 * and the wall clock (ms since the Unix epoch) for "today". */
typedef acd_ms_t (api_clock_h)(void *arg);

struct api_deps {
	struct acd *acd;           /* the running engine (required)         */
	const struct center *center; /* its configuration (required)        */
	struct store *store;       /* CDRs and event log, or NULL           */
	api_clock_h *now;          /* engine clock; NULL = tmr_jiffies()    */
	api_clock_h *wall;         /* wall clock; NULL = gettimeofday       */
	void *arg;                 /* for now and wall                      */
	void (*after_input)(void *arg); /* called after the api fed the
				      engine an input (re-arm its timer), or
				      NULL                                  */
	void (*center_set)(void *arg, struct center *c);
				   /* a live configuration change made c
				      the center (saved in the store and
				      applied to the engine already): the
				      receiver takes the reference, points
				      its readers (sipd) at it and keeps the
				      old center alive while calls use it.
				      NULL: configuration is read-only     */
	bool local_time;           /* the process's time zone (TZ) is the
				      center's: "today" starts at local
				      midnight; false = UTC midnight       */
	void (*metrics_h)(struct mbuf *mb, void *arg);
				   /* appends the owner's own Prometheus
				      lines to /metrics (SIP counters), or
				      NULL                                  */
};

/* Listens on laddr (port 0 = any; see api_laddr). laddr NULL: no socket,
 * for tests and fuzzing through api_feed(). deps is copied. */
int api_alloc(struct api **apip, const struct sa *laddr,
	      const struct api_deps *deps);
struct api *api_free(struct api *api);   /* returns NULL; NULL is fine */
int api_laddr(const struct api *api, struct sa *laddr);

int api_user_add(struct api *api, const char *user, const char *password,
		 enum api_role role, const char *tenant, const char *agent);
/* The same with the password already hashed ("pbkdf2-sha256$ITER$SALT$
 * HASH", as center_pin_hash makes it), e.g. from the center's users. */
int api_user_add_hash(struct api *api, const char *user, const char *hash,
		      enum api_role role, const char *tenant,
		      const char *agent);
/* An integration key: the caller presents "Bearer KEY". */
int api_key_add(struct api *api, const char *key, enum api_role role,
		const char *tenant);
/* PBKDF2 rounds for api_user_add (tests lower it); 0 = default. */
void api_hash_rounds_set(struct api *api, unsigned rounds);

/* Forward of an engine event (an acd_event_h). */
void api_acd_event(const struct acd_event *ev, void *arg);

/* What the owner knows of an event's call; any field may be NULL. */
struct api_call_ref {
	const char *call_id;       /* the CDR's call id (stable, unique)    */
	const char *caller;        /* caller's number                       */
	const char *did;           /* number called                         */
};

/* The same with the call's identity (ref may be NULL): the event stream
 * carries call_id, and webhooks (docs/api.md) carry all three. */
void api_acd_event_call(const struct acd_event *ev,
			const struct api_call_ref *ref, void *arg);

/* Feeds raw bytes of one connection from address peer and appends what
 * the server would send to out. *closep is set when the server would
 * close. Used by the fuzz harness and unit tests; the socket path runs
 * the same code. An event-stream request answers its head only. */
int api_feed(struct api *api, const struct sa *peer, const uint8_t *data,
	     size_t len, struct mbuf *out, bool *closep);

const char *api_role_name(enum api_role role);
int api_role_parse(const char *name, enum api_role *rolep);

#endif
