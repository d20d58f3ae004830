/* events.c — the engine's events as JSON, kept in a window for resume. */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "api/api_int.h"
#include "api/webhook.h"

/* An event with the CDR's id of its call (NULL if none is known). */
struct ev_out {
	const struct acd_event *ev;
	const char *call_id;
};

static int ev_json(struct re_printf *pf, const struct acd_event *ev,
		   const char *call_id)
{
	int err = re_hprintf(pf, "{\"type\":\"%s\",\"time\":%lld",
			     acd_event_name(ev->type), (long long)ev->time);

	if (ev->call)
		err |= re_hprintf(pf, ",\"call\":%llu",
				  (unsigned long long)ev->call);
	if (call_id)
		err |= re_hprintf(pf, ",\"call_id\":%H", api_json_str,
				  call_id);
	if (ev->tenant)
		err |= re_hprintf(pf, ",\"tenant\":%H", api_json_str,
				  ev->tenant);
	if (ev->queue)
		err |= re_hprintf(pf, ",\"queue\":%H", api_json_str,
				  ev->queue);
	if (ev->agent)
		err |= re_hprintf(pf, ",\"agent\":%H", api_json_str,
				  ev->agent);
	switch (ev->type) {
	case ACD_EV_CALL_ENTER:
		err |= re_hprintf(pf, ",\"priority\":%d", ev->priority);
		break;
	case ACD_EV_CONNECT:
	case ACD_EV_ABANDON:
		err |= re_hprintf(pf, ",\"wait_ms\":%lld",
				  (long long)ev->wait_ms);
		break;
	case ACD_EV_EXIT:
		err |= re_hprintf(pf, ",\"wait_ms\":%lld,\"reason\":\"%s\"",
				  (long long)ev->wait_ms,
				  acd_exit_reason_name(ev->exit_reason));
		break;
	case ACD_EV_COMPLETE:
		err |= re_hprintf(pf, ",\"talk_ms\":%lld,\"ended_by\":\"%s\"",
				  (long long)ev->talk_ms,
				  ev->ended_by == ACD_PARTY_AGENT ?
				  "agent" : "caller");
		break;
	case ACD_EV_TRANSFER:
		if (ev->to_queue)
			err |= re_hprintf(pf, ",\"to_queue\":%H",
					  api_json_str, ev->to_queue);
		break;
	case ACD_EV_AGENT_STATE:
		err |= re_hprintf(pf, ",\"state\":\"%s\",\"old_state\":\"%s\"",
				  acd_agent_state_name(ev->state),
				  acd_agent_state_name(ev->old_state));
		if (ev->reason)
			err |= re_hprintf(pf, ",\"reason\":%H", api_json_str,
					  ev->reason);
		if (ev->position)
			err |= re_hprintf(pf, ",\"position\":%H",
					  api_json_str, ev->position);
		if (ev->site)
			err |= re_hprintf(pf, ",\"site\":%H", api_json_str,
					  ev->site);
		break;
	case ACD_EV_ANNOUNCE:
		err |= re_hprintf(pf, ",\"position_in_line\":%u,"
				  "\"expected_wait_ms\":%lld",
				  ev->position_in_line,
				  (long long)ev->expected_wait_ms);
		break;
	default:
		break;
	}
	err |= re_hprintf(pf, "}");
	return err;
}

static int ev_json_h(struct re_printf *pf, void *arg)
{
	const struct ev_out *o = arg;

	return ev_json(pf, o->ev, o->call_id);
}

/* Stores an event (json taken) in the window (the oldest falls out) and
 * pushes it to the stream clients. O(clients) per event. */
static void ev_store(struct api *api, char *json, const char *tenant_id,
		     const char *agent_id, bool config)
{
	struct api_ev *e;
	char *tenant = NULL, *agent = NULL;

	if (!json || (tenant_id && str_dup(&tenant, tenant_id)) ||
	    (agent_id && str_dup(&agent, agent_id))) {
		mem_deref(json);
		mem_deref(tenant);
		return;
	}
	e = &api->win[api->ev_next % API_WINDOW];
	mem_deref(e->json);
	mem_deref(e->tenant);
	mem_deref(e->agent);
	e->id = api->ev_next++;
	e->json = json;
	e->tenant = tenant;
	e->agent = agent;
	e->config = config;
	api_sse_pump(api);
}

void api_acd_event(const struct acd_event *ev, void *arg)
{
	api_acd_event_call(ev, NULL, arg);
}

/* The engine's event with its call's CDR id: to the window and the
 * stream clients, and its webhook deliveries queued. O(clients +
 * webhooks) per event. */
void api_acd_event_call(const struct acd_event *ev,
			const struct api_call_ref *ref, void *arg)
{
	struct api *api = arg;
	struct ev_out o;
	char *json = NULL;

	if (!api || !ev)
		return;
	api->events_in++;
	api_today_event(api, ev);
	o.ev = ev;
	o.call_id = ref ? ref->call_id : NULL;
	webhook_event(api, ev, o.call_id, ref ? ref->caller : NULL,
		      ref ? ref->did : NULL);
	if (re_sdprintf(&json, "%H", ev_json_h, &o))
		return;
	ev_store(api, json, ev->tenant, ev->agent, false);
}

/* An accepted configuration change, as "event: config": the section
 * (kind), the object's id, the action (create, update, delete) and who
 * made it; seen by the object's tenant (tenant NULL: operator only). */
void api_config_event(struct api *api, const char *kind, const char *id,
		      const char *action, const char *tenant,
		      const char *by)
{
	char *json = NULL;

	if (!api || !kind || !id || !action)
		return;
	if (re_sdprintf(&json, "{\"type\":\"config\",\"time\":%lld,"
			"\"kind\":\"%s\",\"id\":%H,\"action\":\"%s\","
			"\"tenant\":%H,\"by\":%H}", (long long)api_now(api),
			kind, api_json_str, id, action, api_json_str, tenant,
			api_json_str, by))
		return;
	ev_store(api, json, tenant, NULL, true);
}

const struct api_ev *api_ev_get(const struct api *api, uint64_t id)
{
	const struct api_ev *e;

	if (id == 0 || id >= api->ev_next || id + API_WINDOW < api->ev_next)
		return NULL;
	e = &api->win[id % API_WINDOW];
	return e->id == id ? e : NULL;
}

/* Agents see their own events and their tenant's queue events;
 * supervisors and admins their tenant's; the operator everything. */
bool api_ev_visible(const struct api_user *u, const struct api_ev *e)
{
	if (!api_may_see(u, e->tenant)) {
		/* an outsourcer agent (no tenant) may see its own state */
		if (u->role == API_ROLE_AGENT && u->agent && e->agent &&
		    !strcmp(u->agent, e->agent) && !e->tenant)
			return true;
		return false;
	}
	if (u->role == API_ROLE_AGENT && e->agent && u->agent &&
	    strcmp(u->agent, e->agent))
		return false;
	return true;
}

int api_ev_print(struct mbuf *mb, const struct api_ev *e)
{
	return mbuf_printf(mb, "id: %llu\nevent: %s\ndata: %s\n\n",
			   (unsigned long long)e->id,
			   e->config ? "config" : "acd", e->json);
}
