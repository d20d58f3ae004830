/* floor.c — the supervisor's views and actions: the floor per tenant and
 * per site, moving an agent between queues, a call's recording. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <re.h>
#include "config/center.h"
#include "store/store.h"
#include "api/api_int.h"

#define OUT(...) mbuf_printf(r->body, __VA_ARGS__)
#define RECORDING_MAX (256u << 20) /* largest recording sent, bytes      */

static int states_json(struct re_printf *pf, void *arg)
{
	const unsigned *n = arg;
	int err = re_hprintf(pf, "{");

	for (int s = 0; s < ACD_AGENT_STATE_COUNT; s++)
		err |= re_hprintf(pf, "%s\"%s\":%u", s ? "," : "",
				  acd_agent_state_name((enum acd_agent_state)s),
				  n[s]);
	return err | re_hprintf(pf, "}");
}

/* GET /api/v1/floor: per tenant (queues summed: waiting, longest wait,
 * today's counts and service level; its agents by state) and per site
 * (agents logged in there by state), only what the user may see. */
void api_floor(struct api *api, struct api_req *req, struct api_reply *r)
{
	const struct center *c = api->deps.center;
	acd_ms_t now = api_now(api);
	bool first = true;

	OUT("{\"tenants\":[");
	for (size_t i = 0; i < c->n_tenants; i++) {
		const char *t = c->tenants[i].id;
		struct api_day_counts sum = {0};
		unsigned waiting = 0, agents[ACD_AGENT_STATE_COUNT] = {0};
		acd_ms_t oldest = ACD_NEVER;
		int sl;

		if (!api_may_see(req->user, t))
			continue;
		for (size_t k = 0; k < c->n_queues; k++) {
			struct acd_queue_stats st;
			struct api_day_counts n;

			if (strcmp(c->queues[k].tenant, t))
				continue;
			api_today_get(api, c->queues[k].id, &n);
			sum.offered += n.offered;
			sum.answered += n.answered;
			sum.answered_in_sl += n.answered_in_sl;
			sum.abandoned += n.abandoned;
			sum.exited += n.exited;
			if (acd_queue_stats(api->deps.acd, c->queues[k].id,
					    &st))
				continue;
			waiting += st.waiting;
			if (st.oldest_enter < oldest)
				oldest = st.oldest_enter;
		}
		for (size_t k = 0; k < c->n_agents; k++) {
			struct acd_agent_info ai;

			if (!c->agents[k].tenant ||
			    strcmp(c->agents[k].tenant, t) ||
			    acd_agent_info(api->deps.acd, c->agents[k].id,
					   &ai))
				continue;
			agents[ai.state]++;
		}
		sl = api_today_sl(&sum);
		OUT("%s{\"id\":%H,\"waiting\":%u,\"longest_wait_ms\":%lld,"
		    "\"today\":{\"offered\":%llu,\"answered\":%llu,"
		    "\"answered_in_sl\":%llu,\"abandoned\":%llu,"
		    "\"exited\":%llu,\"service_level_pct\":",
		    first ? "" : ",", api_json_str, t, waiting,
		    (long long)(oldest == ACD_NEVER ? 0 : now - oldest),
		    (unsigned long long)sum.offered,
		    (unsigned long long)sum.answered,
		    (unsigned long long)sum.answered_in_sl,
		    (unsigned long long)sum.abandoned,
		    (unsigned long long)sum.exited);
		if (sl < 0)
			OUT("null");
		else
			OUT("%d.%d", sl / 10, sl % 10);
		OUT("},\"agents\":%H}", states_json, agents);
		first = false;
	}
	OUT("],\"sites\":[");
	for (size_t i = 0; i < c->n_sites; i++) {
		unsigned agents[ACD_AGENT_STATE_COUNT] = {0};

		for (size_t k = 0; k < c->n_agents; k++) {
			const struct center_agent *a = &c->agents[k];
			struct acd_agent_info ai;

			if (!api_may_see(req->user, a->tenant) ||
			    acd_agent_info(api->deps.acd, a->id, &ai) ||
			    !ai.site || strcmp(ai.site, c->sites[i].id))
				continue;
			agents[ai.state]++;
		}
		OUT("%s{\"id\":%H,\"name\":%H,\"agents\":%H}", i ? "," : "",
		    api_json_str, c->sites[i].id, api_json_str,
		    c->sites[i].name, states_json, agents);
	}
	OUT("]}\n");
}

/* ---------------------------------------------------------------------
 * A call's recording
 * ------------------------------------------------------------------- */

struct rec_find {
	char path[512];            /* recording path, "" if none            */
	bool found;                /* the call exists for this user         */
};

static bool rec_h(const struct store_cdr *cdr, void *arg)
{
	struct rec_find *f = arg;

	f->found = true;
	if (cdr->recording)
		str_ncpy(f->path, cdr->recording, sizeof(f->path));
	return false;
}

/* GET /api/v1/calls/ID/recording: supervisors and admins of the call's
 * tenant; the WAV file as it was recorded. */
void api_recording(struct api *api, struct api_req *req,
		   struct api_reply *r, const char *call_id)
{
	struct store_cdr_filter f;
	struct rec_find rf;
	struct stat sb;
	FILE *fp;
	size_t n;

	if (req->user->role < API_ROLE_SUPERVISOR) {
		api_error(r, 403, "forbidden", "recordings are for "
			  "supervisors and admins");
		return;
	}
	memset(&f, 0, sizeof(f));
	memset(&rf, 0, sizeof(rf));
	f.tenant = req->user->tenant;
	f.call_id = call_id;
	f.limit = 1;
	if (!api->deps.store ||
	    store_cdrs_read(api->deps.store, &f, rec_h, &rf) || !rf.found) {
		api_error(r, 404, "not_found", "no call '%s'", call_id);
		return;
	}
	n = strlen(rf.path);
	if (!n || strstr(rf.path, "..") || n < 5 ||
	    strcmp(rf.path + n - 4, ".wav")) {
		api_error(r, 404, "not_found", "call '%s' was not recorded",
			  call_id);
		return;
	}
	fp = fopen(rf.path, "rb");
	if (!fp || fstat(fileno(fp), &sb) || sb.st_size > RECORDING_MAX) {
		if (fp)
			fclose(fp);
		api_error(r, 404, "not_found", "recording of '%s' is gone",
			  call_id);
		return;
	}
	r->body = mem_deref(r->body);
	r->body = mbuf_alloc((size_t)sb.st_size + 1);
	if (!r->body) {
		fclose(fp);
		api_error(r, 503, "unavailable", "no memory");
		return;
	}
	n = fread(r->body->buf, 1, (size_t)sb.st_size, fp);
	fclose(fp);
	r->body->end = n;
	r->status = 200;
	r->ctype = "audio/wav";
}

/* ---------------------------------------------------------------------
 * Callbacks
 * ------------------------------------------------------------------- */

#define CALLBACK_HORIZON_MS (90 * 24 * 3600 * 1000LL) /* latest due date */

static bool number_ok(const char *s)
{
	size_t n = 0;

	if (*s == '+')
		s++;
	for (; *s; s++, n++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return n >= 3 && n <= 20;
}

struct last_call {
	char call_id[128];         /* the agent's latest answered call      */
	char tenant[CENTER_ID_MAX + 1]; /* its tenant                       */
	char queue[CENTER_ID_MAX + 1];  /* its queue                        */
};

static bool last_call_h(const struct store_cdr *cdr, void *arg)
{
	struct last_call *l = arg;

	if (cdr->outcome != STORE_OUTCOME_ANSWERED)
		return true;
	str_ncpy(l->call_id, cdr->call_id, sizeof(l->call_id));
	str_ncpy(l->tenant, cdr->tenant, sizeof(l->tenant));
	str_ncpy(l->queue, cdr->queue ? cdr->queue : "", sizeof(l->queue));
	return true;
}

/* POST /api/v1/agents/ID/callback {number, due_ms, notes?}: the agent (or
 * a supervisor of its tenant) schedules a callback, tied to the agent's
 * last answered call of the day when there is one. Saved at once. */
void api_callback_add(struct api *api, struct api_req *req,
		      struct api_reply *r, const char *agent)
{
	const struct center_agent *a = center_agent_find(api->deps.center,
							 agent);
	const struct api_user *u = req->user;
	const struct odict_entry *due;
	struct store_callback cb;
	struct store_cdr_filter f;
	struct last_call l;
	struct odict *od = NULL;
	const char *number, *notes;
	acd_ms_t wall = api_wall(api);
	int64_t id = 0;

	if (!a || (u->role == API_ROLE_AGENT ?
		   !u->agent || strcmp(u->agent, a->id) :
		   !api_may_see(u, a->tenant))) {
		api_error(r, 404, "not_found", "no agent '%s'", agent);
		return;
	}
	if (api_body_parse(r, req, &od))
		return;
	if (api_body_str(r, od, "number", true, 24, &number) ||
	    api_body_str(r, od, "notes", false, 4000, &notes))
		goto out;
	if (!number_ok(number)) {
		api_error(r, 400, "bad_field", "number: '+' and 3 to 20 "
			  "digits");
		goto out;
	}
	due = odict_lookup(od, "due_ms");
	if (!due || due->type != ODICT_INT) {
		api_error(r, 400, due ? "bad_field" : "missing_field",
			  "due_ms: %s", due ? "an integer (ms since the "
			  "epoch)" : "required");
		goto out;
	}
	if (due->u.integer <= wall ||
	    due->u.integer > wall + CALLBACK_HORIZON_MS) {
		api_error(r, 400, "bad_field", "due_ms: in the future, "
			  "within 90 days");
		goto out;
	}
	if (!api->deps.store) {
		api_error(r, 409, "no_store", "no store: callbacks cannot be "
			  "kept");
		goto out;
	}
	memset(&l, 0, sizeof(l));
	memset(&f, 0, sizeof(f));
	f.tenant = u->tenant;
	f.agent = a->id;
	f.since_ms = wall - 24 * 3600 * 1000LL;
	(void)store_cdrs_read(api->deps.store, &f, last_call_h, &l);
	memset(&cb, 0, sizeof(cb));
	cb.tenant = a->tenant ? a->tenant : l.tenant[0] ? l.tenant :
		u->tenant;
	if (!cb.tenant) {
		api_error(r, 409, "no_tenant", "agent '%s' serves every "
			  "tenant and has no call today: whose callback?",
			  a->id);
		goto out;
	}
	cb.agent = a->id;
	cb.queue = l.queue[0] ? l.queue : NULL;
	cb.call_id = l.call_id[0] ? l.call_id : NULL;
	cb.number = number;
	cb.due_ms = due->u.integer;
	cb.notes = notes;
	cb.created_ms = wall;
	cb.created_by = u->name;
	if (store_callback_add(api->deps.store, &cb, &id)) {
		api_error(r, 503, "store", "store: %s",
			  store_errmsg(api->deps.store));
		goto out;
	}
	r->status = 201;
	OUT("{\"id\":%lld,\"tenant\":%H,\"agent\":%H,\"number\":%H,"
	    "\"due_ms\":%lld,\"call_id\":%H,\"queue\":%H,\"notes\":%H}\n",
	    (long long)id, api_json_str, cb.tenant, api_json_str, cb.agent,
	    api_json_str, cb.number, (long long)cb.due_ms,
	    api_json_str, cb.call_id, api_json_str, cb.queue,
	    api_json_str, cb.notes);
 out:
	mem_deref(od);
}

struct cb_rows {
	struct api_reply *r;       /* reply being written                   */
	unsigned n;                /* rows written                          */
};

static bool cb_h(const struct store_callback *cb, void *arg)
{
	struct cb_rows *w = arg;
	struct api_reply *r = w->r;

	OUT("%s{\"id\":%lld,\"tenant\":%H,\"agent\":%H,\"queue\":%H,"
	    "\"call_id\":%H,\"number\":%H,\"due_ms\":%lld,\"notes\":%H,"
	    "\"created_ms\":%lld,\"created_by\":%H}", w->n ? "," : "",
	    (long long)cb->id, api_json_str, cb->tenant,
	    api_json_str, cb->agent, api_json_str, cb->queue,
	    api_json_str, cb->call_id, api_json_str, cb->number,
	    (long long)cb->due_ms, api_json_str, cb->notes,
	    (long long)cb->created_ms, api_json_str, cb->created_by);
	w->n++;
	return true;
}

/* GET /api/v1/callbacks: an agent's own, a supervisor's or admin's
 * tenant's (the operator: all), by due time. */
void api_callbacks_get(struct api *api, struct api_req *req,
		       struct api_reply *r)
{
	const struct api_user *u = req->user;
	struct cb_rows w = {r, 0};

	OUT("{\"callbacks\":[");
	if (api->deps.store &&
	    store_callbacks_read(api->deps.store, u->tenant,
				 u->role == API_ROLE_AGENT ? u->agent : NULL,
				 1000, cb_h, &w)) {
		api_error(r, 503, "store", "store: %s",
			  store_errmsg(api->deps.store));
		return;
	}
	OUT("]}\n");
}
