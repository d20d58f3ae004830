/* center.h — a contact center's configuration: the plain C model loaded
 * from a JSON file (docs/config.md), validated, and fed to the engine. */
#ifndef PLATEAU_CENTER_H
#define PLATEAU_CENTER_H

/*
 * One `struct center` holds everything a node needs to run a floor:
 * tenants, sites, positions (seats with SIP credentials), pause reasons,
 * dispositions, queues (routing and media settings), agents (skills, PIN,
 * memberships), DIDs, IVR menus and the users of the HTTP API.
 *
 * A center is immutable once loaded. It is a libre mem object: free it
 * with mem_deref() (NULL is fine). Every string in it is owned by it and
 * is NUL-terminated UTF-8; optional strings are NULL when absent.
 *
 * Secrets: a position's SIP credential is kept only as HA1 (lower-case hex
 * MD5 of "user:realm:password"); an agent's PIN only as a salted, iterated
 * hash (PBKDF2-HMAC-SHA256). When the JSON holds a plaintext `sip_password`
 * or `pin` (demo files), it is hashed on load and the plaintext copies in
 * memory are wiped.
 *
 * Errors: functions return 0 or an errno value (EINVAL bad content,
 * ENOENT/EACCES/EISDIR file problems, EFBIG file too large, ENOMEM) and
 * write a one-line message into err: "FILE: JSON.PATH: what is wrong"
 * (e.g. "demo.json: queues[3].skills: bad skill expression ...") or, for a
 * syntax error, "FILE:LINE:COL: ...". Outputs are written only on
 * success.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "acd/acd.h"

struct re_printf;

#define CENTER_FILE_MAX   (8u << 20) /* largest config file, bytes      */
#define CENTER_ID_MAX     64         /* longest id, bytes               */
#define CENTER_HA1_LEN    32         /* hex chars in an HA1             */
#define CENTER_IVR_KEYS   12         /* options per menu: 0-9 * #       */
#define CENTER_PIN_ITER   20000      /* default PBKDF2 iterations       */

/* Languages callers are served in. */
enum center_lang {
	CENTER_LANG_FR = 0,
	CENTER_LANG_AR,
	CENTER_LANG_EN,
	CENTER_LANG_DE,
	CENTER_LANG_ES,
	CENTER_LANG_COUNT
};

/* How the server treats a call while it waits in a queue. */
enum center_answer {
	CENTER_ANSWER_ANSWER = 0,  /* answer (200 OK) at once; default    */
	CENTER_ANSWER_EARLY_MEDIA, /* 183 with media until an agent takes */
};

struct center_tenant {
	char *id;                  /* unique tenant id, e.g. "sfrtel"       */
	char *name;                /* display name                          */
};

struct center_site {
	char *id;                  /* unique site id, e.g. "casa"           */
	char *name;                /* display name                          */
	char *city;                /* city, e.g. "Casablanca"               */
};

struct center_position {
	char *id;                  /* unique position id, e.g. "casa-014"   */
	char *site;                /* site id                               */
	char *sip_user;            /* SIP user of its phone (unique)        */
	char sip_ha1[CENTER_HA1_LEN + 1]; /* MD5(user:realm:password), hex  */
};

struct center_pause_reason {
	char *id;                  /* unique id, e.g. "lunch"               */
	char *name;                /* display name                          */
	bool paid;                 /* counts as worked time; default false  */
	unsigned max_s;            /* expected longest pause, s; 0 = none   */
};

struct center_disposition {
	char *id;                  /* id, unique within its tenant          */
	char *tenant;              /* tenant id                             */
	char *name;                /* display name                          */
};

/* A queue: routing settings for the engine plus media settings for the
 * server. acd.* strings point into this queue's own storage; times in the
 * JSON are seconds, here in ms as the engine wants them. */
struct center_queue {
	char *id;                  /* unique queue id                       */
	char *tenant;              /* owning tenant id                      */
	char *name;                /* display name                          */
	struct acd_queue_conf acd; /* every engine setting (acd.id = id,
				      acd.tenant = tenant)                  */
	enum center_lang language; /* prompts' language; default fr         */
	enum center_answer answer; /* answer mode; default answer           */
	bool record;               /* record connected calls; default false */
	char *hold_music;          /* file under the media dir, or
				      "default"                             */
};

/* An agent's membership in a queue. */
struct center_member {
	char *queue;               /* queue id                              */
	unsigned weight;           /* 1..1000; default 1                    */
};

/* Who may use the HTTP API (docs/api.md); an agent's role says what the
 * agent may do from a phone (supervisor, admin: listen to live calls).
 * Same order as enum api_role. */
enum center_role {
	CENTER_ROLE_AGENT = 0,     /* acts for one agent                    */
	CENTER_ROLE_SUPERVISOR,    /* watches and steers a tenant's floor   */
	CENTER_ROLE_ADMIN,         /* configures a tenant (or, with no
				      tenant, the whole center: operator)   */
	CENTER_ROLE_COUNT
};

#define CENTER_AGENT_NUMBER_MAX 9  /* digits of an agent's number       */

struct center_agent {
	char *id;                  /* unique agent id (login)               */
	char *number;              /* digits dialed after *11 / *13 from a
				      phone (unique), or NULL = none        */
	enum center_role role;     /* agent (default), supervisor or admin  */
	char *name;                /* full name                             */
	char *tenant;              /* tenant id, or NULL = any tenant       */
	char *skills;              /* "lang:fr=5 product:fibre=4", or NULL  */
	char *pin_hash;            /* "pbkdf2-sha256$ITER$SALT$HASH", or
				      NULL = no PIN login                   */
	struct center_member *members; /* queues, in member order           */
	size_t n_members;
};

/* Where an IVR key (or a DID, or a menu's default) sends the caller:
 * exactly one of queue or menu, or neither = hang up (defaults only). */
struct center_route {
	char *queue;               /* queue id, or NULL                     */
	char *menu;                /* IVR menu id, or NULL                  */
	char *skills;              /* extra call skills, e.g. "lang:ar>=3"  */
	enum center_lang language; /* language from here on                 */
	bool has_language;         /* language was given                    */
};

struct center_ivr_option {
	char key;                  /* '0'..'9', '*' or '#'                  */
	struct center_route route; /* where the key goes                    */
};

struct center_ivr {
	char *id;                  /* unique menu id                        */
	char *tenant;              /* tenant id                             */
	char *prompt[CENTER_LANG_COUNT]; /* text per language, or NULL      */
	struct center_ivr_option options[CENTER_IVR_KEYS];
	size_t n_options;
	unsigned timeout_s;        /* wait for a key, s; default 5          */
	unsigned retries;          /* replays before default; default 2     */
	struct center_route dflt;  /* after timeout/retries or a bad key;
				      neither queue nor menu = hang up      */
};

struct center_did {
	char *number;              /* E.164, e.g. "+212522001100" (unique)  */
	char *tenant;              /* tenant id                             */
	struct center_route route; /* queue or IVR menu                     */
	enum center_lang language; /* greeting language; default fr         */
};

/* A login of the HTTP API. The password is kept only as a salted PBKDF2
 * hash; the file never holds it in clear (`plateau passwd` makes one). */
struct center_user {
	char *name;                /* login (an id), unique                 */
	enum center_role role;
	char *tenant;              /* tenant id; NULL = operator (admin)    */
	char *agent;               /* agent id (role agent), else NULL      */
	char *password_hash;       /* "pbkdf2-sha256$ITER$SALT$HASH"        */
};

/* Webhook events a CRM may subscribe to (bits of center_webhook.events);
 * JSON names "call.offered", "call.answered", "call.abandoned",
 * "call.ended" (docs/api.md, Webhooks). */
enum center_hook_event {
	CENTER_HOOK_OFFERED = 1u << 0,   /* the call rings at an agent      */
	CENTER_HOOK_ANSWERED = 1u << 1,  /* an agent answered               */
	CENTER_HOOK_ABANDONED = 1u << 2, /* the caller hung up in queue     */
	CENTER_HOOK_ENDED = 1u << 3,     /* the queued call is over         */
};
#define CENTER_HOOK_ALL 0xfu             /* every event                    */
#define CENTER_HOOK_URL_MAX 1024         /* longest webhook URL, bytes     */
#define CENTER_HOOK_SECRET_MIN 16        /* shortest signing secret, bytes */
#define CENTER_HOOK_SECRET_MAX 256       /* longest signing secret, bytes  */

/* A CRM's subscription to a tenant's call events: each event is POSTed
 * as JSON to url, signed with HMAC-SHA256 under secret. The secret is
 * kept as given (it signs every delivery, so it cannot be hashed): the
 * API never returns it, an export file holds it. */
struct center_webhook {
	char *id;                  /* unique webhook id                     */
	char *tenant;              /* tenant whose calls it receives        */
	char *url;                 /* "http://HOST[:PORT]/PATH" or https    */
	char *secret;              /* HMAC key, 16..256 bytes               */
	unsigned events;           /* enum center_hook_event bits; default
				      CENTER_HOOK_ALL                       */
	bool enabled;              /* deliver; default true                 */
};

struct center {
	char *name;                /* center name                           */
	char *timezone;            /* IANA zone, e.g. "Africa/Casablanca"   */
	char *sip_realm;           /* digest realm of the SIP server        */

	struct center_tenant *tenants;        size_t n_tenants;
	struct center_site *sites;            size_t n_sites;
	struct center_position *positions;    size_t n_positions;
	struct center_pause_reason *pauses;   size_t n_pauses;
	struct center_disposition *dispositions; size_t n_dispositions;
	struct center_queue *queues;          size_t n_queues;
	struct center_agent *agents;          size_t n_agents;
	struct center_did *dids;              size_t n_dids;
	struct center_ivr *ivrs;              size_t n_ivrs;
	struct center_user *users;            size_t n_users;
	struct center_webhook *webhooks;      size_t n_webhooks;
};

/* Loading options (NULL = defaults). */
struct center_opts {
	unsigned pin_iterations;   /* PBKDF2 rounds for plaintext PINs;
				      0 = CENTER_PIN_ITER                   */
};

/* Reads, parses and validates a file of at most CENTER_FILE_MAX bytes. */
int center_load(const char *path, struct center **cp, char *err,
		size_t errsz);
/* The same with options (e.g. 1 PBKDF2 round when the center is only
 * simulated and its PIN hashes are thrown away). */
int center_load_opts(const char *path, const struct center_opts *opts,
		     struct center **cp, char *err, size_t errsz);
/* The same on a buffer; `name` is used in messages (e.g. the path). */
int center_parse(const char *buf, size_t len, const char *name,
		 const struct center_opts *opts, struct center **cp,
		 char *err, size_t errsz);

/* Feeds an empty engine: tenants, sites, positions, queues, agents and
 * memberships, in file order. On error acd_errmsg(acd) says why; the
 * engine may then hold part of the center. */
int center_apply(const struct center *c, struct acd *acd);

/* Writes the center as JSON (secrets as sip_ha1 / pin_hash); loading the
 * output gives an equal center. Usable with re_hprintf's %H. */
int center_write_json(struct re_printf *pf, const struct center *c);

/* Lookups by id (NULL if absent). O(n). */
const struct center_tenant *center_tenant_find(const struct center *c,
					       const char *id);
const struct center_site *center_site_find(const struct center *c,
					   const char *id);
const struct center_position *center_position_find(const struct center *c,
						   const char *id);
const struct center_position *center_position_by_sip_user(
	const struct center *c, const char *sip_user);
const struct center_queue *center_queue_find(const struct center *c,
					     const char *id);
const struct center_agent *center_agent_find(const struct center *c,
					     const char *id);
/* The agent whose `number` is number, or NULL. O(agents). */
const struct center_agent *center_agent_by_number(const struct center *c,
						  const char *number);
const struct center_did *center_did_find(const struct center *c,
					 const char *number);
const struct center_ivr *center_ivr_find(const struct center *c,
					 const char *id);
const struct center_pause_reason *center_pause_find(const struct center *c,
						    const char *id);
const struct center_user *center_user_find(const struct center *c,
					   const char *name);
const struct center_webhook *center_webhook_find(const struct center *c,
						 const char *id);

/* Secrets. center_ha1 writes 33 bytes (32 hex + NUL). center_pin_hash
 * hashes a PIN with a 16-byte salt into "pbkdf2-sha256$ITER$SALT$HASH"
 * (hex). center_pin_verify: true if pin matches hash (constant time in
 * the hash compare). */
int center_ha1(char ha1[CENTER_HA1_LEN + 1], const char *user,
	       const char *realm, const char *password);
int center_pin_hash(char *out, size_t outsz, const char *pin,
		    const uint8_t salt[16], unsigned iterations);
bool center_pin_verify(const char *pin_hash, const char *pin);

/* "agent", "supervisor", "admin"; parse returns EINVAL otherwise. */
const char *center_role_name(enum center_role role);
int center_role_parse(const char *name, enum center_role *rolep);

/* "call.offered" .. "call.ended" for one bit; parse returns EINVAL for
 * anything else. */
const char *center_hook_event_name(enum center_hook_event ev);
int center_hook_event_parse(const char *name, enum center_hook_event *evp);
/* 0 if url is a webhook URL plateau can POST to: "http://" or "https://",
 * a host name, IPv4 or [IPv6] address, an optional port 1..65535 and an
 * optional path, printable ASCII, at most CENTER_HOOK_URL_MAX bytes;
 * else EINVAL. */
int center_hook_url_check(const char *url);

/* "fr" .. "es"; parse returns EINVAL for anything else. */
const char *center_lang_name(enum center_lang lang);
int center_lang_parse(const char *name, enum center_lang *langp);

#endif
