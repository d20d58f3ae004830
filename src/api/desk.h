/* desk.h — the agent desktop's reads: its setup in one request and the
 * screen pop of the agent's current (or last) call. */
#ifndef PLATEAU_API_DESK_H
#define PLATEAU_API_DESK_H

#include <stdint.h>

struct api;
struct api_req;
struct api_reply;

/* The owner of the calls tells who calls on engine call `call` (caller
 * and did: numbers as received, at most 32 bytes each, longer ones are
 * cut). Kept in a ring of API_POP_SLOTS calls. EINVAL on bad arguments. */
int api_call_caller_set(struct api *api, uint64_t call, const char *caller,
			const char *did);

/* GET /api/v1/desk and /api/v1/desk/call (sub = NULL or "call"). */
void api_desk(struct api *api, struct api_req *req, struct api_reply *r,
	      const char *sub);

#endif
