/* registrar.h — SIP REGISTER with digest authentication and the location
 * table of registered phones (one contact per SIP user). */
#ifndef PLATEAU_SIP_REGISTRAR_H
#define PLATEAU_SIP_REGISTRAR_H

/*
 * registrar_handle() decides the answer to a REGISTER without touching a
 * socket: the caller sends `resp` (see sipd_resp). Unknown users and wrong
 * passwords run the same code and get the same 403: an unknown user is
 * given a secret random HA1, so even the timing matches.
 *
 * Times are ms on the server's clock (`now`).
 */

#include <stdbool.h>
#include <stdint.h>
#include "sip/resp.h"

struct sip_msg;
struct sipguard;
struct registrar;

#define REGISTRAR_EXPIRES_DEFAULT 3600 /* s, when the phone gives none   */
#define REGISTRAR_EXPIRES_MAX     3600 /* s, longer requests are cut     */
#define REGISTRAR_EXPIRES_MIN     60   /* s, shorter ones get 423        */
#define REGISTRAR_URI_MAX         256  /* longest contact URI, bytes     */

/* Fills ha1 (16 bytes, binary) for a SIP user; ENOENT if unknown. */
typedef int (registrar_ha1_h)(const char *user, uint8_t *ha1, void *arg);

/* One registered phone. */
struct registration {
	char user[65];             /* SIP user (the position's sip_user)    */
	char contact[REGISTRAR_URI_MAX]; /* contact URI to send INVITEs to   */
	uint64_t expires;          /* ms on the server clock                */
	int tp;                    /* enum sip_transp it registered over    */
};

/* realm is copied; guard (may be NULL) receives auth failures. */
int registrar_alloc(struct registrar **regp, const char *realm,
		    registrar_ha1_h *ha1h, void *arg, struct sipguard *guard);

/* Decides the answer to a REGISTER. Always fills resp; returns 0, or
 * EINVAL for a message that is not a REGISTER. */
int registrar_handle(struct registrar *reg, const struct sip_msg *msg,
		     uint64_t now, struct sipd_resp *resp);

/* Checks a request's Authorization (or Proxy-Authorization) header
 * against the user's HA1. Returns 0 and the user, or fills resp with the
 * 401/407 challenge (no header, stale nonce) or 403 (wrong). */
int registrar_auth(struct registrar *reg, const struct sip_msg *msg,
		   bool proxy, uint64_t now, char *user, size_t usersz,
		   struct sipd_resp *resp);

/* The live registration of user, or NULL (none, or expired). */
const struct registration *registrar_find(const struct registrar *reg,
					  const char *user, uint64_t now);

/* Drops the bindings of users the HA1 handler no longer knows (a
 * position removed, or its SIP user renamed, by a live configuration
 * change). O(bindings). */
void registrar_forget_unknown(struct registrar *reg);

/* Adds or replaces a binding directly (tests, static phones). */
int registrar_bind(struct registrar *reg, const char *user,
		   const char *contact, uint32_t expires_s, uint64_t now);

/* Drops expired bindings. O(n). */
void registrar_sweep(struct registrar *reg, uint64_t now);

/* Live bindings (expired ones may still count until swept). */
unsigned registrar_count(const struct registrar *reg);

#endif
