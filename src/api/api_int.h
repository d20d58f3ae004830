/* api_int.h — the api's private state, shared by its files. */
#ifndef PLATEAU_API_INT_H
#define PLATEAU_API_INT_H

#include <re.h>
#include "api/api.h"

#define API_TOKEN_BYTES 32         /* session token, random bytes        */
#define API_THROTTLE_SLOTS 256     /* addresses tracked for failed logins*/
#define API_THROTTLE_FAILS 5       /* failed logins allowed per window   */
#define API_THROTTLE_MS 60000      /* throttle window, ms                */
#define API_SSE_TXQ (256u << 10)   /* unsent bytes before a client drops */
#define API_IDLE_MS 60000          /* idle keep-alive connections close  */
#define API_HEARTBEAT_MS 15000     /* event-stream comment period, ms    */

struct api_user {
	struct le le;
	char *name;                /* login                                 */
	char *hash;                /* PBKDF2 hash of the password, or NULL
				      for an API key                        */
	enum api_role role;
	char *tenant;              /* tenant id, NULL = operator            */
	char *agent;               /* agent id an agent user acts as        */
	uint8_t key_md[32];        /* API key: SHA-256 of the key           */
	bool is_key;               /* an integration key, not a login       */
};

struct api_session {
	struct le le;
	char token[2 * API_TOKEN_BYTES + 1]; /* hex                         */
	struct api_user *user;     /* referenced                            */
	acd_ms_t expires;          /* engine clock, ms                      */
};

struct api_throttle {
	struct sa addr;            /* address, port ignored                 */
	acd_ms_t start;            /* window start, ms                      */
	unsigned fails;            /* failed logins in the window           */
};

/* One event of the window, already encoded. */
struct api_ev {
	uint64_t id;               /* 1, 2, … in order                      */
	char *tenant;              /* NULL = operator-only                  */
	char *agent;               /* agent concerned, or NULL              */
	char *json;                /* the data: line                        */
	bool config;               /* "event: config", else "event: acd"    */
};

/* Today's counts of one queue (since local midnight). */
struct api_day_counts {
	uint64_t offered;          /* calls that entered                    */
	uint64_t answered;         /* connected                             */
	uint64_t answered_in_sl;   /* connected within the SL threshold     */
	uint64_t abandoned;        /* hung up waiting                       */
	uint64_t exited;           /* left unanswered (timeout, full, key)  */
};

/* One HTTP connection. */
struct api_conn {
	struct le le;
	struct api *api;
	struct tcp_conn *tc;       /* NULL in api_feed                      */
	struct sa peer;
	struct mbuf *rx;           /* bytes received, not yet handled       */
	struct mbuf *out;          /* api_feed: where replies go            */
	acd_ms_t last;             /* last activity, engine clock ms        */
	bool closing;              /* replied, waiting to close             */
	bool sse;                  /* an event-stream client                */
	struct api_user *user;     /* sse: who listens (referenced)         */
	uint64_t next_id;          /* sse: next event id to send            */
};

/* Who is calling on a live call, for the agent desktop's screen pop. */
#define API_POP_SLOTS 512          /* live calls remembered, a ring      */
struct api_pop {
	uint64_t call;             /* engine call id, 0 = free slot         */
	char caller[33];           /* caller's number                       */
	char did[33];              /* number called                         */
};

struct api {
	struct api_deps deps;
	struct tcp_sock *ts;       /* listening socket, or NULL             */
	struct list conns;         /* struct api_conn                       */
	struct list users;         /* struct api_user                       */
	struct list sessions;      /* struct api_session                    */
	struct api_throttle throttle[API_THROTTLE_SLOTS];
	unsigned rounds;           /* PBKDF2 rounds                         */
	struct api_ev win[API_WINDOW]; /* ring of recent events             */
	uint64_t ev_next;          /* id of the next event                  */
	struct tmr tmr_sweep;      /* idle conns, heartbeat, loop lag       */
	acd_ms_t sweep_due;        /* when the sweep was due, ms            */
	acd_ms_t lag_ms;           /* last measured event-loop lag, ms      */
	acd_ms_t last_beat;        /* last heartbeat, ms                    */
	uint64_t req_by_class[6];  /* replies by status / 100               */
	uint64_t sse_dropped;      /* slow event-stream clients dropped     */
	uint64_t events_in;        /* engine events seen                    */
	struct api_pop pop[API_POP_SLOTS]; /* callers of live calls (desk.c) */
	uint64_t config_changes;   /* live configuration changes applied    */
	struct list today;         /* struct api_today, per queue           */
	acd_ms_t day_start;        /* local midnight of today, wall ms      */
	acd_ms_t day_next;         /* the next local midnight, wall ms      */
	struct api_hooks *hooks;   /* webhook deliveries (webhook.c)        */
};

struct api_hooks;

/* A parsed request. */
struct api_req {
	const struct http_msg *msg;
	struct pl met, path, query;
	const uint8_t *body;
	size_t body_len;
	struct api_user *user;     /* authenticated user, or NULL           */
	struct api_session *sess;  /* session used, or NULL                 */
	const struct sa *peer;
	const struct pl *last_event_id; /* header value or NULL             */
};

/* A reply under construction. */
struct api_reply {
	uint16_t status;
	const char *ctype;         /* content type                          */
	struct mbuf *body;
	bool sse;                  /* switch the connection to the stream   */
	uint64_t sse_from;         /* first event id to send                */
	const char *cache;         /* Cache-Control value; NULL = no-store  */
	const char *etag;          /* ETag value (quoted), or NULL          */
	const char *xhdrs;         /* extra header lines, or NULL           */
	bool head;                 /* HEAD: headers only                    */
};

acd_ms_t api_now(const struct api *api);
acd_ms_t api_wall(const struct api *api);

/* route.c */
void api_route(struct api *api, struct api_req *req, struct api_reply *r);
int api_error(struct api_reply *r, uint16_t status, const char *code,
	      const char *fmt, ...);
int api_json_str(struct re_printf *pf, void *arg);

/* config.c: /api/v1/config/SECTION[/ID] (id NULL for the section) */
void api_config_route(struct api *api, struct api_req *req,
		      struct api_reply *r, const char *section,
		      const char *id);

void api_config_agent_queues(struct api *api, struct api_req *req,
			     struct api_reply *r, const char *agent);

/* floor.c */
void api_floor(struct api *api, struct api_req *req, struct api_reply *r);
void api_recording(struct api *api, struct api_req *req,
		   struct api_reply *r, const char *call_id);

void api_callback_add(struct api *api, struct api_req *req,
		      struct api_reply *r, const char *agent);
void api_callbacks_get(struct api *api, struct api_req *req,
		       struct api_reply *r);

/* today.c */
void api_today_event(struct api *api, const struct acd_event *ev);
void api_today_get(struct api *api, const char *queue,
		   struct api_day_counts *n);
int api_today_sl(const struct api_day_counts *n);

/* auth.c */
struct api_user *api_auth(struct api *api, const struct http_msg *msg,
			  struct api_session **sessp);
int api_login(struct api *api, const struct sa *peer, const char *user,
	      const char *password, struct api_session **sessp);
bool api_throttled(struct api *api, const struct sa *peer);
void api_session_drop(struct api *api, struct api_session *s);
bool api_may_see(const struct api_user *u, const char *tenant);

/* events.c */
void api_config_event(struct api *api, const char *kind, const char *id,
		      const char *action, const char *tenant,
		      const char *by);
bool api_ev_visible(const struct api_user *u, const struct api_ev *e);
int api_ev_print(struct mbuf *mb, const struct api_ev *e);
const struct api_ev *api_ev_get(const struct api *api, uint64_t id);
void api_sse_pump(struct api *api);

/* json body helpers */
int api_body_parse(struct api_reply *r, const struct api_req *req,
		   struct odict **odp);
int api_body_str(struct api_reply *r, const struct odict *od,
		 const char *field, bool required, size_t maxlen,
		 const char **valp);

#endif
