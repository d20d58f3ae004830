/* webhook.h — CRM webhooks: a tenant's call events POSTed as signed JSON,
 * queued and retried with back-off on the event loop. */
#ifndef PLATEAU_API_WEBHOOK_H
#define PLATEAU_API_WEBHOOK_H

/*
 * Deliveries (docs/api.md, Webhooks): an engine event of a call makes one
 * JSON body per subscribed webhook of the call's tenant (never of another
 * tenant). Each is POSTed with libre's HTTP client, which connects and
 * waits on the event loop: nothing here blocks. A 2xx answer delivers; a
 * network error, a timeout (WEBHOOK_TIMEOUT_MS), 408, 429 or 5xx retries
 * after webhook_backoff_ms(); any other answer, WEBHOOK_ATTEMPTS failed
 * attempts, a full queue (WEBHOOK_QUEUE_MAX) or a webhook removed or
 * disabled meanwhile drops the delivery, logged and counted in /metrics.
 *
 * Signature: X-Plateau-Signature: sha256=HEX, HEX the lower-case
 * HMAC-SHA256 under the webhook's secret of "TIMESTAMP.BODY", TIMESTAMP
 * the decimal Unix seconds sent in X-Plateau-Timestamp (re-signed on each
 * attempt, so a receiver may refuse anything older than a few minutes).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "acd/acd.h"

struct api;
struct mbuf;
struct re_printf;

#define WEBHOOK_QUEUE_MAX 1024     /* deliveries waiting or in flight    */
#define WEBHOOK_INFLIGHT_MAX 16    /* requests open at once              */
#define WEBHOOK_ATTEMPTS 6         /* attempts before a delivery drops   */
#define WEBHOOK_BACKOFF_MS 1000    /* wait after the first failure, ms   */
#define WEBHOOK_BACKOFF_MAX_MS 60000 /* longest wait between attempts    */
#define WEBHOOK_TIMEOUT_MS 5000    /* one attempt's limit, ms            */
#define WEBHOOK_SIG_LEN (7 + 64)   /* "sha256=" + 64 hex                 */

/* The wait before the next attempt after `failed` failed attempts (1, 2,
 * …): WEBHOOK_BACKOFF_MS doubled each time, capped at
 * WEBHOOK_BACKOFF_MAX_MS; 0 for failed == 0. */
int64_t webhook_backoff_ms(unsigned failed);

/* Writes "sha256=HEX" (WEBHOOK_SIG_LEN chars and a NUL) of
 * HMAC-SHA256(secret, "TS.BODY"). EINVAL for NULL arguments. */
int webhook_sign(char out[WEBHOOK_SIG_LEN + 1], const char *secret,
		 uint64_t ts, const char *body, size_t len);

/* The enum center_hook_event bits an engine event makes: offer →
 * offered, connect → answered, abandon → abandoned and ended, exit and
 * complete → ended, anything else 0. */
unsigned webhook_events_of(const struct acd_event *ev);

/* What a delivery's body says; strings may be NULL (written as null). */
struct webhook_call {
	const char *delivery;      /* delivery id (16 hex), same on retries */
	unsigned event;            /* one enum center_hook_event bit        */
	int64_t time_ms;           /* wall clock, ms since the Unix epoch   */
	const char *tenant;        /* the call's tenant                     */
	const char *call_id;       /* the CDR's call id                     */
	const char *queue;         /* queue id                              */
	const char *agent;         /* agent (offered, answered, ended)      */
	const char *caller;        /* caller's number                       */
	const char *did;           /* number called                         */
	const struct acd_event *ev; /* the engine event (wait, talk, why)   */
};

/* The JSON body of one delivery (re_hprintf's %H with a struct
 * webhook_call *). */
int webhook_body(struct re_printf *pf, void *arg);

/* One POST (hookpost.c): url as center_hook_url_check() accepts, headers
 * each ending in CRLF (Host and the request line are added), the body.
 * h gets the answer's status (or an error) once, unless *pp is freed
 * first, which aborts. Only the status line is read (it must end within
 * 512 bytes), then the connection may be freed. dnsc resolves host names
 * (NULL: addresses only); tls is needed for https (else ENOTSUP). */
struct hook_post;
struct dnsc;
struct tls;
typedef void (hook_post_h)(int err, uint16_t status, void *arg);
int hook_post(struct hook_post **pp, const char *url, struct dnsc *dnsc,
	      struct tls *tls, const char *headers, const char *body,
	      size_t len, hook_post_h *h, void *arg);

/* The status of an answer from its first n bytes: 0 with *statusp set
 * (200..599) once "HTTP/1.x NNN" and a line end arrived within 512
 * bytes; EAGAIN: the line has not ended yet; EBADMSG: not a status line,
 * a 1xx, or no line end within 512 bytes. */
int hook_post_answer(const uint8_t *b, size_t n, uint16_t *statusp);

/* Delivery state of the api (api_alloc/api_destructor). */
int webhook_init(struct api *api);
void webhook_close(struct api *api);

/* An engine event for the webhooks, with what the server knows of its
 * call: the CDR's call id, the caller's number, the number called (each
 * may be NULL). */
void webhook_event(struct api *api, const struct acd_event *ev,
		   const char *call_id, const char *caller, const char *did);

/* Appends the /metrics lines. */
void webhook_metrics(struct api *api, struct mbuf *mb);

/* Prints ,"delivery":{…} of webhook id (nothing known: zeros). */
int webhook_status_print(struct api *api, struct mbuf *mb, const char *id);

#endif
