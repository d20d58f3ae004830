/* desk.c — the agent desktop's reads: GET /api/v1/desk (the agent, the
 * positions, pause reasons, dispositions and queues it works with) and
 * GET /api/v1/desk/call (the screen pop: the current or last call, its
 * queue, language and caller, and earlier calls from the same number). */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "config/center.h"
#include "store/store.h"
#include "api/api_int.h"
#include "api/desk.h"

#define OUT(...) mbuf_printf(r->body, __VA_ARGS__)

#define DESK_HISTORY_DAYS 30       /* earlier calls looked up, days      */
#define DESK_HISTORY_MAX 10        /* earlier calls shown at most        */

/* ---------------------------------------------------------------------
 * Callers of live calls
 * ------------------------------------------------------------------- */

int api_call_caller_set(struct api *api, uint64_t call, const char *caller,
			const char *did)
{
	struct api_pop *p;

	if (!api || !call || !caller)
		return EINVAL;
	p = &api->pop[call % API_POP_SLOTS];
	p->call = call;
	str_ncpy(p->caller, caller, sizeof(p->caller));
	str_ncpy(p->did, did ? did : "", sizeof(p->did));
	return 0;
}

static const struct api_pop *pop_find(const struct api *api, uint64_t call)
{
	const struct api_pop *p = &api->pop[call % API_POP_SLOTS];

	return call && p->call == call ? p : NULL;
}

/* ---------------------------------------------------------------------
 * GET /api/v1/desk
 * ------------------------------------------------------------------- */

static bool member_of(const struct center_agent *a, const char *queue)
{
	for (size_t i = 0; i < a->n_members; i++) {
		if (!strcmp(a->members[i].queue, queue))
			return true;
	}
	return false;
}

static void desk_setup(struct api *api, struct api_reply *r,
		       const struct center_agent *a)
{
	const struct center *c = api->deps.center;
	struct acd_agent_info ai;
	bool first = true;

	OUT("{\"agent\":{\"id\":%H,\"name\":%H,\"tenant\":%H",
	    api_json_str, a->id, api_json_str, a->name,
	    api_json_str, a->tenant);
	if (!acd_agent_info(api->deps.acd, a->id, &ai))
		OUT(",\"state\":\"%s\",\"since_ms\":%lld,\"position\":%H,"
		    "\"reason\":%H,\"call\":%llu",
		    acd_agent_state_name(ai.state),
		    (long long)(api_now(api) - ai.since),
		    api_json_str, ai.position, api_json_str, ai.reason,
		    (unsigned long long)ai.call);
	OUT("},\"positions\":[");
	for (size_t i = 0; i < c->n_positions; i++) {
		const struct center_site *s =
			center_site_find(c, c->positions[i].site);

		OUT("%s{\"id\":%H,\"site\":%H,\"site_name\":%H}",
		    i ? "," : "", api_json_str, c->positions[i].id,
		    api_json_str, c->positions[i].site,
		    api_json_str, s ? s->name : NULL);
	}
	OUT("],\"pause_reasons\":[");
	for (size_t i = 0; i < c->n_pauses; i++)
		OUT("%s{\"id\":%H,\"name\":%H}", i ? "," : "",
		    api_json_str, c->pauses[i].id,
		    api_json_str, c->pauses[i].name);
	OUT("],\"dispositions\":[");
	for (size_t i = 0; i < c->n_dispositions; i++) {
		const struct center_disposition *d = &c->dispositions[i];

		if (a->tenant && strcmp(d->tenant, a->tenant))
			continue;
		OUT("%s{\"id\":%H,\"tenant\":%H,\"name\":%H}",
		    first ? "" : ",", api_json_str, d->id,
		    api_json_str, d->tenant, api_json_str, d->name);
		first = false;
	}
	OUT("],\"queues\":[");
	first = true;
	for (size_t i = 0; i < c->n_queues; i++) {
		const struct center_queue *q = &c->queues[i];

		if (!member_of(a, q->id))
			continue;
		OUT("%s{\"id\":%H,\"name\":%H,\"language\":\"%s\"}",
		    first ? "" : ",", api_json_str, q->id,
		    api_json_str, q->name, center_lang_name(q->language));
		first = false;
	}
	OUT("]}\n");
}

/* ---------------------------------------------------------------------
 * GET /api/v1/desk/call
 * ------------------------------------------------------------------- */

/* The agent's latest finished call today (answered by them). */
struct last_call {
	char call_id[128];
	char tenant[CENTER_ID_MAX + 1];
	char queue[CENTER_ID_MAX + 1];
	char caller[64];
	char did[64];
	char disposition[65];
	char notes[4001];
	int64_t end_ms;
	int64_t talk_ms;
	bool found;
};

static bool last_h(const struct store_cdr *cdr, void *arg)
{
	struct last_call *l = arg;

	if (cdr->outcome != STORE_OUTCOME_ANSWERED)
		return true;
	memset(l, 0, sizeof(*l));
	str_ncpy(l->call_id, cdr->call_id, sizeof(l->call_id));
	str_ncpy(l->tenant, cdr->tenant, sizeof(l->tenant));
	str_ncpy(l->queue, cdr->queue ? cdr->queue : "", sizeof(l->queue));
	str_ncpy(l->caller, cdr->caller ? cdr->caller : "",
		 sizeof(l->caller));
	str_ncpy(l->did, cdr->did ? cdr->did : "", sizeof(l->did));
	str_ncpy(l->disposition, cdr->disposition ? cdr->disposition : "",
		 sizeof(l->disposition));
	str_ncpy(l->notes, cdr->notes ? cdr->notes : "", sizeof(l->notes));
	l->end_ms = cdr->end_ms;
	l->talk_ms = cdr->talk_ms;
	l->found = true;
	return true;
}

/* Earlier calls from one number: the newest DESK_HISTORY_MAX, kept in a
 * ring while the store hands them oldest first. The store has no index
 * on the caller, so this reads every call of the tenant in the window:
 * O(calls of DESK_HISTORY_DAYS), acceptable for one agent's click. */
struct history {
	const char *caller;        /* number looked for                     */
	const char *skip;          /* call id left out (the current one)    */
	struct api_reply *r;
	char *rows[DESK_HISTORY_MAX]; /* JSON objects, ring                 */
	size_t n;                  /* rows seen                             */
	int err;
};

static bool history_h(const struct store_cdr *c, void *arg)
{
	struct history *h = arg;
	char **slot;

	if (!c->caller || strcmp(c->caller, h->caller))
		return true;
	if (h->skip && !strcmp(c->call_id, h->skip))
		return true;
	slot = &h->rows[h->n % DESK_HISTORY_MAX];
	*slot = mem_deref(*slot);
	h->err |= re_sdprintf(slot,
			      "{\"call_id\":%H,\"arrive_ms\":%lld,"
			      "\"queue\":%H,\"agent\":%H,\"outcome\":\"%s\","
			      "\"talk_ms\":%lld,\"disposition\":%H,"
			      "\"notes\":%H}",
			      api_json_str, c->call_id,
			      (long long)c->arrive_ms, api_json_str, c->queue,
			      api_json_str, c->agent,
			      store_outcome_name(c->outcome),
			      (long long)c->talk_ms,
			      api_json_str, c->disposition,
			      api_json_str, c->notes);
	h->n++;
	return true;
}

static int history_print(struct api *api, struct api_reply *r,
			 const char *tenant, const char *caller,
			 const char *skip)
{
	struct store_cdr_filter f = {0};
	struct history h;
	size_t shown, i;
	int err;

	memset(&h, 0, sizeof(h));
	h.caller = caller;
	h.skip = skip;
	h.r = r;
	OUT("[");
	if (!api->deps.store || !caller || !*caller) {
		OUT("]");
		return 0;
	}
	f.tenant = tenant;
	f.since_ms = api_wall(api) - DESK_HISTORY_DAYS * 24 * 3600 * 1000LL;
	err = store_cdrs_read(api->deps.store, &f, history_h, &h);
	shown = h.n < DESK_HISTORY_MAX ? h.n : DESK_HISTORY_MAX;
	/* newest first */
	for (i = 0; !err && i < shown; i++) {
		const char *row = h.rows[(h.n - 1 - i) % DESK_HISTORY_MAX];

		OUT("%s%s", i ? "," : "", row ? row : "null");
	}
	for (i = 0; i < DESK_HISTORY_MAX; i++)
		mem_deref(h.rows[i]);
	OUT("]");
	return err ? err : h.err;
}

static void desk_call(struct api *api, struct api_reply *r,
		      const struct center_agent *a)
{
	const struct center *c = api->deps.center;
	struct acd_agent_info ai;
	struct acd_call_info ci;
	struct last_call *last = NULL;
	const struct api_pop *pop = NULL;
	const struct center_queue *q = NULL;
	const char *caller = NULL, *skip = NULL;
	int err = 0;

	if (acd_agent_info(api->deps.acd, a->id, &ai)) {
		api_error(r, 404, "not_found", "agent '%s' not in the engine",
			  a->id);
		return;
	}
	OUT("{\"agent\":%H,\"state\":\"%s\",\"since_ms\":%lld,\"call\":",
	    api_json_str, a->id, acd_agent_state_name(ai.state),
	    (long long)(api_now(api) - ai.since));
	if (ai.call && !acd_call_info(api->deps.acd, ai.call, &ci)) {
		const struct center_did *d = NULL;

		q = center_queue_find(c, ci.queue);
		pop = pop_find(api, ai.call);
		if (pop && pop->did[0])
			d = center_did_find(c, pop->did);
		caller = pop ? pop->caller : NULL;
		OUT("{\"id\":%llu,\"queue\":%H,\"queue_name\":%H,"
		    "\"language\":\"%s\",\"caller\":%H,\"did\":%H,"
		    "\"connected\":%s,\"in_queue_ms\":%lld}",
		    (unsigned long long)ai.call, api_json_str, ci.queue,
		    api_json_str, q ? q->name : NULL,
		    center_lang_name(d ? d->language :
				     q ? q->language : CENTER_LANG_FR),
		    api_json_str, caller, api_json_str,
		    pop && pop->did[0] ? pop->did : NULL,
		    ci.connected ? "true" : "false",
		    (long long)(api_now(api) - ci.enter));
	}
	else {
		OUT("null");
	}

	/* The last answered call (what wrap-up's disposition is for). */
	OUT(",\"last\":");
	last = mem_zalloc(sizeof(*last), NULL);
	if (!last) {
		api_error(r, 500, "no_memory", "out of memory");
		return;
	}
	if (api->deps.store) {
		struct store_cdr_filter f = {0};

		f.tenant = a->tenant;
		f.agent = a->id;
		f.since_ms = api_wall(api) - 24 * 3600 * 1000LL;
		err = store_cdrs_read(api->deps.store, &f, last_h, last);
	}
	if (!err && last->found) {
		const struct center_queue *lq =
			center_queue_find(c, last->queue);

		OUT("{\"call_id\":%H,\"queue\":%H,\"queue_name\":%H,"
		    "\"caller\":%H,\"did\":%H,\"end_ms\":%lld,"
		    "\"talk_ms\":%lld,\"disposition\":%H,\"notes\":%H}",
		    api_json_str, last->call_id, api_json_str, last->queue,
		    api_json_str, lq ? lq->name : NULL,
		    api_json_str, last->caller[0] ? last->caller : NULL,
		    api_json_str, last->did[0] ? last->did : NULL,
		    (long long)last->end_ms, (long long)last->talk_ms,
		    api_json_str,
		    last->disposition[0] ? last->disposition : NULL,
		    api_json_str, last->notes[0] ? last->notes : NULL);
		if (!caller || !*caller) {
			caller = last->caller;
			skip = last->call_id;
		}
	}
	else {
		OUT("null");
	}
	OUT(",\"caller\":%H,\"previous\":", api_json_str,
	    caller && *caller ? caller : NULL);
	if (!err)
		err = history_print(api, r, a->tenant, caller, skip);
	mem_deref(last);
	if (err) {
		api_error(r, 503, "store", "store: %s",
			  store_errmsg(api->deps.store));
		return;
	}
	OUT("}\n");
}

void api_desk(struct api *api, struct api_req *req, struct api_reply *r,
	      const char *sub)
{
	const struct api_user *u = req->user;
	const struct center_agent *a;

	if (pl_strcmp(&req->met, "GET")) {
		api_error(r, 405, "method_not_allowed", "use GET");
		return;
	}
	if (u->role != API_ROLE_AGENT || !u->agent) {
		api_error(r, 403, "forbidden",
			  "the desk is for agent logins");
		return;
	}
	a = center_agent_find(api->deps.center, u->agent);
	if (!a) {
		api_error(r, 404, "not_found", "no agent '%s'", u->agent);
		return;
	}
	if (!sub)
		desk_setup(api, r, a);
	else if (!strcmp(sub, "call"))
		desk_call(api, r, a);
	else
		api_error(r, 404, "not_found", "no such route");
}
