/* api_fx.h — a fixture for the api's unit tests: a center parsed from
 * JSON, fed to a routing engine whose events go to an api (no sockets),
 * with a test clock and the users a test signs in as. */
#ifndef PLATEAU_API_FX_H
#define PLATEAU_API_FX_H

#include <stdbool.h>
#include <re.h>
#include "acd/acd.h"
#include "api/api.h"
#include "config/center.h"

struct api_fx {
	struct center *center;     /* parsed from the test's JSON           */
	struct acd *acd;           /* fed from the center                   */
	struct api *api;           /* sees the engine's events              */
	acd_ms_t now;              /* engine and wall clock, ms (from 1000) */
};

/* One login of the fixture. */
struct api_fx_user {
	const char *user;          /* login name; NULL ends a list          */
	const char *password;      /* in clear (hashed with few rounds)     */
	enum api_role role;        /* what the login may do                 */
	const char *tenant;        /* NULL: every tenant (operator)         */
	const char *agent;         /* the agent it acts as, or NULL         */
};

/* Builds the fixture from center JSON and a {NULL}-ended list of users;
 * on error (EINVAL) nothing is left allocated. */
int api_fx_init(struct api_fx *f, const char *center_json,
		const struct api_fx_user *users);
void api_fx_free(struct api_fx *f);
/* Feeds raw request text to the api (from one fixed peer address); the
 * whole reply, NUL-terminated, in *outp (the caller frees it); *closedp
 * (if given) tells whether the api closed the connection. */
int api_fx_feed(struct api_fx *f, const char *text, struct mbuf **outp,
		bool *closedp);
/* The status code of a reply's text, or -1. */
int api_fx_status(const char *reply);

#endif
