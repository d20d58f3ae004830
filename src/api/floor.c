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
