/* route.c — the api's routes: auth, configuration, live state, actions,
 * calls, event log, the event stream and /metrics. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <re.h>
#include "config/center.h"
#include "store/store.h"
#include "api/api_int.h"
#include "api/webhook.h"
#include "api/static.h"
#include "api/desk.h"

#define SEG_MAX 6                  /* path segments at most             */
#define ID_MAX CENTER_ID_MAX       /* longest id in a path, bytes       */

/* ---------------------------------------------------------------------
 * JSON out
 * ------------------------------------------------------------------- */

/* Prints a C string as a JSON string (NULL as null). */
int api_json_str(struct re_printf *pf, void *arg)
{
	const unsigned char *s = arg;
	int err = 0;

	if (!s)
		return re_hprintf(pf, "null");
	err |= re_hprintf(pf, "\"");
	for (; *s && !err; s++) {
		if (*s == '"' || *s == '\\')
			err = re_hprintf(pf, "\\%c", *s);
		else if (*s < 0x20)
			err = re_hprintf(pf, "\\u%04x", *s);
		else
			err = pf->vph((const char *)s, 1, pf->arg);
	}
	err |= re_hprintf(pf, "\"");
	return err;
}

static int body_new(struct api_reply *r, uint16_t status)
{
	r->status = status;
	r->body = mem_deref(r->body);
	r->body = mbuf_alloc(512);
	return r->body ? 0 : ENOMEM;
}

int api_error(struct api_reply *r, uint16_t status, const char *code,
	      const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	re_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->sse = false;
	r->ctype = "application/json";
	if (body_new(r, status))
		return ENOMEM;
	return mbuf_printf(r->body,
			   "{\"error\":{\"code\":\"%s\",\"message\":%H}}\n",
			   code, api_json_str, msg);
}

#define OUT(...) mbuf_printf(r->body, __VA_ARGS__)

/* ---------------------------------------------------------------------
 * JSON in
 * ------------------------------------------------------------------- */

/* libre's decoder turns integers past INT64_MAX into INT64_MIN and huge
 * exponents into 0: refuse any number that is not a plain decimal (at
 * most 15 digits before the point and 15 after it, no exponent) before
 * decoding. Returns false on such a number. */
static bool numbers_sane(const uint8_t *p, size_t n)
{
	bool in_str = false;

	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				in_str = false;
			continue;
		}
		if (p[i] == '"') {
			in_str = true;
		}
		else if (p[i] == '-' || (p[i] >= '0' && p[i] <= '9')) {
			size_t j = i + (p[i] == '-'), d = 0;

			while (j < n && p[j] >= '0' && p[j] <= '9') {
				j++;
				d++;
			}
			if (d == 0 || d > 15)
				return false;
			if (j < n && p[j] == '.') {
				size_t f = 0;

				for (j++; j < n && p[j] >= '0' && p[j] <= '9';
				     j++)
					f++;
				if (f == 0 || f > 15)
					return false;
			}
			if (j < n && (p[j] == '.' || p[j] == 'e' ||
				      p[j] == 'E'))
				return false;
			i = j - 1;
		}
	}
	return true;
}

int api_body_parse(struct api_reply *r, const struct api_req *req,
		   struct odict **odp)
{
	struct odict *od = NULL;
	size_t i = 0;

	while (i < req->body_len && (req->body[i] == ' ' ||
				     req->body[i] == '\n' ||
				     req->body[i] == '\r' ||
				     req->body[i] == '\t'))
		i++;
	if (i == req->body_len || req->body[i] != '{')
		return api_error(r, 400, "bad_json",
				 "body: a JSON object is required"), EINVAL;
	if (!numbers_sane(req->body, req->body_len))
		return api_error(r, 400, "bad_json",
				 "body: numbers must be plain decimals of at "
				 "most 15 digits before and after the point, "
				 "no exponent"), EINVAL;
	if (json_decode_odict(&od, 16, (const char *)req->body,
			      req->body_len, 8))
		return api_error(r, 400, "bad_json",
				 "body: malformed JSON"), EINVAL;
	*odp = od;
	return 0;
}

/* A string field: missing (when required), not a string, empty, too
 * long or holding control characters is a 400 naming the field. */
int api_body_str(struct api_reply *r, const struct odict *od,
		 const char *field, bool required, size_t maxlen,
		 const char **valp)
{
	const struct odict_entry *e = odict_lookup(od, field);
	const char *s;

	*valp = NULL;
	if (!e) {
		if (required)
			return api_error(r, 400, "missing_field",
					 "%s: required", field), EINVAL;
		return 0;
	}
	if (e->type != ODICT_STRING)
		return api_error(r, 400, "bad_field", "%s: must be a string",
				 field), EINVAL;
	s = e->u.str;
	if ((required && !*s) || strlen(s) > maxlen)
		return api_error(r, 400, "bad_field",
				 "%s: 1 to %zu characters", field, maxlen),
			EINVAL;
	for (const unsigned char *q = (const void *)s; *q; q++) {
		if (*q < 0x20 && *q != '\n' && *q != '\t')
			return api_error(r, 400, "bad_field",
					 "%s: control characters",
					 field), EINVAL;
	}
	*valp = s;
	return 0;
}

/* ---------------------------------------------------------------------
 * Request helpers
 * ------------------------------------------------------------------- */

/* Query parameter `name` into buf (plain id characters only). Returns
 * ENOENT when absent, EINVAL (reply filled) when malformed. */
static int query_get(struct api_reply *r, const struct pl *q,
		     const char *name, char *buf, size_t sz)
{
	struct pl rest = *q, val;
	size_t nl = strlen(name);

	if (rest.l && rest.p[0] == '?') {
		rest.p++;
		rest.l--;
	}
	while (rest.l) {
		const char *amp = pl_strchr(&rest, '&');
		struct pl item = {rest.p, amp ? (size_t)(amp - rest.p)
					       : rest.l};

		if (item.l > nl && !memcmp(item.p, name, nl) &&
		    item.p[nl] == '=') {
			val.p = item.p + nl + 1;
			val.l = item.l - nl - 1;
			if (val.l == 0 || val.l >= sz)
				goto bad;
			for (size_t i = 0; i < val.l; i++) {
				char c = val.p[i];

				if (!((c >= 'a' && c <= 'z') ||
				      (c >= 'A' && c <= 'Z') ||
				      (c >= '0' && c <= '9') || c == '-' ||
				      c == '_' || c == '.' || c == ':' ||
				      c == '+'))
					goto bad;
			}
			pl_strcpy(&val, buf, sz);
			return 0;
		}
		if (!amp)
			break;
		rest.l -= item.l + 1;
		rest.p = amp + 1;
	}
	return ENOENT;
 bad:
	api_error(r, 400, "bad_parameter", "%s: bad value", name);
	return EINVAL;
}

/* A non-negative integer query parameter, at most max. */
static int query_uint(struct api_reply *r, const struct pl *q,
		      const char *name, uint64_t max, uint64_t *valp)
{
	char buf[24];
	int err = query_get(r, q, name, buf, sizeof(buf));
	uint64_t v = 0;

	if (err)
		return err;
	if (strlen(buf) > 18)
		goto bad;
	for (const char *p = buf; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > max)
		goto bad;
	*valp = v;
	return 0;
 bad:
	api_error(r, 400, "bad_parameter", "%s: an integer 0..%llu", name,
		  (unsigned long long)max);
	return EINVAL;
}

/* ---------------------------------------------------------------------
 * Configuration and live state
 * ------------------------------------------------------------------- */

static void get_tenants(struct api *api, struct api_req *req,
			struct api_reply *r)
{
	const struct center *c = api->deps.center;
	bool first = true;

	OUT("{\"tenants\":[");
	for (size_t i = 0; i < c->n_tenants; i++) {
		if (!api_may_see(req->user, c->tenants[i].id))
			continue;
		OUT("%s{\"id\":%H,\"name\":%H}", first ? "" : ",",
		    api_json_str, c->tenants[i].id,
		    api_json_str, c->tenants[i].name);
		first = false;
	}
	OUT("]}\n");
}

/* Sites carry no tenant: every user sees the list (names of buildings),
 * but never who works there. */
static void get_sites(struct api *api, struct api_req *req,
		      struct api_reply *r)
{
	const struct center *c = api->deps.center;

	(void)req;
	OUT("{\"sites\":[");
	for (size_t i = 0; i < c->n_sites; i++)
		OUT("%s{\"id\":%H,\"name\":%H,\"city\":%H}", i ? "," : "",
		    api_json_str, c->sites[i].id,
		    api_json_str, c->sites[i].name,
		    api_json_str, c->sites[i].city);
	OUT("]}\n");
}

static void today_json(struct api *api, struct api_reply *r,
		       const struct center_queue *q);

static void queue_json(struct api *api, struct api_reply *r,
		       const struct center_queue *q)
{
	struct acd_queue_stats st;
	acd_ms_t now = api_now(api);
	uint64_t done;

	OUT("{\"id\":%H,\"tenant\":%H,\"name\":%H,\"strategy\":\"%s\","
	    "\"skills\":%H,\"sl_target\":%u,\"sl_time_ms\":%lld,"
	    "\"ring_timeout_ms\":%lld,\"wrapup_ms\":%lld,"
	    "\"max_wait_ms\":%lld,\"max_len\":%u,\"language\":\"%s\"",
	    api_json_str, q->id, api_json_str, q->tenant,
	    api_json_str, q->name, acd_strategy_name(q->acd.strategy),
	    api_json_str, q->acd.skills,
	    (unsigned)(q->acd.sl_target * 100 + 0.5),
	    (long long)q->acd.sl_time_ms, (long long)q->acd.ring_timeout_ms,
	    (long long)q->acd.wrapup_ms, (long long)q->acd.max_wait_ms,
	    q->acd.max_len, center_lang_name(q->language));
	if (acd_queue_stats(api->deps.acd, q->id, &st)) {
		OUT(",\"live\":null");
		today_json(api, r, q);
		OUT("}");
		return;
	}
	done = st.answered + st.abandoned + st.exited;
	OUT(",\"live\":{\"waiting\":%u,\"ringing\":%u,"
	    "\"longest_wait_ms\":%lld,\"entered\":%llu,\"answered\":%llu,"
	    "\"answered_in_sl\":%llu,\"abandoned\":%llu,\"exited\":%llu,",
	    st.waiting, st.ringing,
	    (long long)(st.oldest_enter == ACD_NEVER ? 0 :
			now - st.oldest_enter),
	    (unsigned long long)st.entered,
	    (unsigned long long)st.answered,
	    (unsigned long long)st.answered_in_sl,
	    (unsigned long long)st.abandoned,
	    (unsigned long long)st.exited);
	if (done)
		OUT("\"service_level_pct\":%u,", (unsigned)
		    ((st.answered_in_sl * 1000 / done + 5) / 10));
	else
		OUT("\"service_level_pct\":null,");
	OUT("\"agents\":{");
	for (int s = 0; s < ACD_AGENT_STATE_COUNT; s++)
		OUT("%s\"%s\":%u", s ? "," : "",
		    acd_agent_state_name((enum acd_agent_state)s),
		    st.agents[s]);
	OUT("}}");
	today_json(api, r, q);
	OUT("}");
}

/* ,"today":{…}: since local midnight in the center's time zone. */
static void today_json(struct api *api, struct api_reply *r,
		       const struct center_queue *q)
{
	struct api_day_counts n;
	int sl;

	api_today_get(api, q->id, &n);
	sl = api_today_sl(&n);
	OUT(",\"today\":{\"offered\":%llu,\"answered\":%llu,"
	    "\"answered_in_sl\":%llu,\"abandoned\":%llu,\"exited\":%llu,",
	    (unsigned long long)n.offered, (unsigned long long)n.answered,
	    (unsigned long long)n.answered_in_sl,
	    (unsigned long long)n.abandoned, (unsigned long long)n.exited);
	if (sl < 0)
		OUT("\"service_level_pct\":null,");
	else
		OUT("\"service_level_pct\":%d.%d,", sl / 10, sl % 10);
	OUT("\"target_pct\":%u,\"meets_target\":%s}",
	    (unsigned)(q->acd.sl_target * 100 + 0.5),
	    sl < 0 ? "null" : sl >= (int)(q->acd.sl_target * 1000 + 0.5) ?
	    "true" : "false");
}

static void get_queues(struct api *api, struct api_req *req,
		       struct api_reply *r, const char *id)
{
	const struct center *c = api->deps.center;
	bool first = true;

	if (id) {
		const struct center_queue *q = center_queue_find(c, id);

		if (!q || !api_may_see(req->user, q->tenant)) {
			api_error(r, 404, "not_found", "no queue '%s'", id);
			return;
		}
		queue_json(api, r, q);
		OUT("\n");
		return;
	}
	OUT("{\"queues\":[");
	for (size_t i = 0; i < c->n_queues; i++) {
		if (!api_may_see(req->user, c->queues[i].tenant))
			continue;
		if (!first)
			OUT(",");
		queue_json(api, r, &c->queues[i]);
		first = false;
	}
	OUT("]}\n");
}

/* Who may see an agent: the operator; a tenant's supervisor or admin for
 * agents of that tenant; an agent only themself. */
static bool agent_visible(const struct api_user *u,
			  const struct center_agent *a)
{
	if (u->role == API_ROLE_AGENT)
		return u->agent && !strcmp(u->agent, a->id);
	return api_may_see(u, a->tenant);
}

static void agent_json(struct api *api, struct api_reply *r,
		       const struct center_agent *a)
{
	struct acd_agent_info ai;

	OUT("{\"id\":%H,\"name\":%H,\"tenant\":%H,\"skills\":%H,"
	    "\"queues\":[", api_json_str, a->id, api_json_str, a->name,
	    api_json_str, a->tenant, api_json_str, a->skills);
	for (size_t i = 0; i < a->n_members; i++)
		OUT("%s%H", i ? "," : "", api_json_str, a->members[i].queue);
	OUT("]");
	if (acd_agent_info(api->deps.acd, a->id, &ai)) {
		OUT(",\"live\":null}");
		return;
	}
	OUT(",\"live\":{\"state\":\"%s\",\"since_ms\":%lld,"
	    "\"reason\":%H,\"pending_pause\":%H,\"position\":%H,"
	    "\"site\":%H,\"call\":%llu,\"calls_answered\":%llu,"
	    "\"talk_ms\":%lld}}",
	    acd_agent_state_name(ai.state),
	    (long long)(api_now(api) - ai.since),
	    api_json_str, ai.reason, api_json_str, ai.pending_pause,
	    api_json_str, ai.position, api_json_str, ai.site,
	    (unsigned long long)ai.call,
	    (unsigned long long)ai.calls_answered, (long long)ai.talk_ms);
}

static void get_agents(struct api *api, struct api_req *req,
		       struct api_reply *r, const char *id)
{
	const struct center *c = api->deps.center;
	bool first = true;

	if (id) {
		const struct center_agent *a = center_agent_find(c, id);

		if (!a || !agent_visible(req->user, a)) {
			api_error(r, 404, "not_found", "no agent '%s'", id);
			return;
		}
		agent_json(api, r, a);
		OUT("\n");
		return;
	}
	if (req->user->role == API_ROLE_AGENT) {
		api_error(r, 403, "forbidden",
			  "agents may read only /agents/THEIR-ID");
		return;
	}
	OUT("{\"agents\":[");
	for (size_t i = 0; i < c->n_agents; i++) {
		if (!agent_visible(req->user, &c->agents[i]))
			continue;
		if (!first)
			OUT(",");
		agent_json(api, r, &c->agents[i]);
		first = false;
	}
	OUT("]}\n");
}

/* ---------------------------------------------------------------------
 * Agent actions
 * ------------------------------------------------------------------- */

static bool pause_valid(const struct center *c, const char *reason)
{
	return c->n_pauses == 0 || center_pause_find(c, reason);
}

static bool disposition_valid(const struct center *c, const char *tenant,
			      const char *id)
{
	for (size_t i = 0; i < c->n_dispositions; i++) {
		const struct center_disposition *d = &c->dispositions[i];

		if (!strcmp(d->id, id) &&
		    (!tenant || !strcmp(d->tenant, tenant)))
			return true;
	}
	return false;
}

struct last_cdr {
	char call_id[128];         /* latest call of the agent              */
	char tenant[CENTER_ID_MAX + 1]; /* its tenant                       */
	bool found;
};

static bool last_cdr_h(const struct store_cdr *cdr, void *arg)
{
	struct last_cdr *l = arg;

	if (cdr->outcome != STORE_OUTCOME_ANSWERED)
		return true;
	str_ncpy(l->call_id, cdr->call_id, sizeof(l->call_id));
	str_ncpy(l->tenant, cdr->tenant, sizeof(l->tenant));
	l->found = true;
	return true;
}

static void disposition(struct api *api, struct api_req *req,
			struct api_reply *r, const struct center_agent *a,
			const struct odict *od)
{
	const char *disp, *notes;
	struct store_cdr_filter f = {0};
	struct last_cdr l = {0};
	acd_ms_t wall = api_wall(api);

	if (api_body_str(r, od, "disposition", true, 64, &disp) ||
	    api_body_str(r, od, "notes", false, 4000, &notes))
		return;
	if (!api->deps.store) {
		api_error(r, 409, "no_store", "no store: calls not recorded");
		return;
	}
	f.tenant = req->user->tenant;
	f.agent = a->id;
	f.since_ms = wall - 24 * 3600 * 1000LL;
	if (store_cdrs_read(api->deps.store, &f, last_cdr_h, &l)) {
		api_error(r, 503, "store", "store: %s",
			  store_errmsg(api->deps.store));
		return;
	}
	if (!l.found) {
		api_error(r, 409, "no_call",
			  "agent '%s' has no answered call today", a->id);
		return;
	}
	if (!disposition_valid(api->deps.center, l.tenant, disp)) {
		api_error(r, 400, "bad_field",
			  "disposition: '%s' is not a disposition of tenant "
			  "'%s'", disp, l.tenant);
		return;
	}
	if (store_cdr_disposition(api->deps.store, l.tenant, l.call_id, disp,
				  notes)) {
		api_error(r, 503, "store", "store: %s",
			  store_errmsg(api->deps.store));
		return;
	}
	OUT("{\"call_id\":%H,\"disposition\":%H}\n", api_json_str, l.call_id,
	    api_json_str, disp);
}

static void agent_action(struct api *api, struct api_req *req,
			 struct api_reply *r, const char *id,
			 const char *action)
{
	const struct center *c = api->deps.center;
	const struct center_agent *a = center_agent_find(c, id);
	const struct api_user *u = req->user;
	struct odict *od = NULL;
	const char *pos = NULL, *why = NULL;
	bool self, force;
	int err;

	if (!a || !agent_visible(u, a) ||
	    (u->role != API_ROLE_AGENT && !api_may_see(u, a->tenant))) {
		api_error(r, 404, "not_found", "no agent '%s'", id);
		return;
	}
	self = u->role == API_ROLE_AGENT;
	force = !strcmp(action, "pause") || !strcmp(action, "logout");
	if (!strcmp(action, "login") || !strcmp(action, "ready") ||
	    !strcmp(action, "pause") || !strcmp(action, "logout") ||
	    !strcmp(action, "disposition")) {
		if (!self && !force) {
			api_error(r, 403, "forbidden",
				  "only the agent may %s", action);
			return;
		}
	}
	else {
		api_error(r, 404, "not_found", "no action '%s'", action);
		return;
	}
	if (api_body_parse(r, req, &od))
		return;

	if (!strcmp(action, "login")) {
		if (api_body_str(r, od, "position", true, ID_MAX, &pos))
			goto out;
		if (!center_position_find(c, pos)) {
			api_error(r, 400, "bad_field",
				  "position: no position '%s'", pos);
			goto out;
		}
		err = acd_agent_login(api->deps.acd, api_now(api), a->id, pos);
	}
	else if (!strcmp(action, "ready")) {
		err = acd_agent_ready(api->deps.acd, api_now(api), a->id);
	}
	else if (!strcmp(action, "pause")) {
		if (api_body_str(r, od, "reason", true, ID_MAX, &why))
			goto out;
		if (!pause_valid(c, why)) {
			api_error(r, 400, "bad_field",
				  "reason: no pause reason '%s'", why);
			goto out;
		}
		err = acd_agent_pause(api->deps.acd, api_now(api), a->id, why);
	}
	else if (!strcmp(action, "logout")) {
		err = acd_agent_logout(api->deps.acd, api_now(api), a->id);
	}
	else {
		disposition(api, req, r, a, od);
		goto out;
	}
	if (api->deps.after_input)
		api->deps.after_input(api->deps.arg);
	if (err == EPERM || err == EALREADY || err == EEXIST) {
		api_error(r, 409, "conflict", "%s: %s", action,
			  acd_errmsg(api->deps.acd));
		goto out;
	}
	if (err) {
		api_error(r, 400, "refused", "%s: %s", action,
			  acd_errmsg(api->deps.acd));
		goto out;
	}
	agent_json(api, r, a);
	OUT("\n");
 out:
	mem_deref(od);
}

/* ---------------------------------------------------------------------
 * Calls and the event log
 * ------------------------------------------------------------------- */

struct rows {
	struct api_reply *r;
	unsigned n;
};

static bool cdr_h(const struct store_cdr *c, void *arg)
{
	struct rows *w = arg;
	struct api_reply *r = w->r;

	OUT("%s{\"call_id\":%H,\"tenant\":%H,\"did\":%H,\"caller\":%H,"
	    "\"queue\":%H,\"agent\":%H,\"outcome\":\"%s\","
	    "\"arrive_ms\":%lld,\"answer_ms\":%lld,\"end_ms\":%lld,"
	    "\"wait_ms\":%lld,\"talk_ms\":%lld,\"ended_by\":\"%s\","
	    "\"disposition\":%H,\"notes\":%H}",
	    w->n ? "," : "", api_json_str, c->call_id,
	    api_json_str, c->tenant, api_json_str, c->did,
	    api_json_str, c->caller, api_json_str, c->queue,
	    api_json_str, c->agent, store_outcome_name(c->outcome),
	    (long long)c->arrive_ms, (long long)c->answer_ms,
	    (long long)c->end_ms, (long long)c->wait_ms,
	    (long long)c->talk_ms, store_hangup_name(c->ended_by),
	    api_json_str, c->disposition, api_json_str, c->notes);
	w->n++;
	return true;
}

static void get_calls(struct api *api, struct api_req *req,
		      struct api_reply *r)
{
	struct store_cdr_filter f = {0};
	char queue[ID_MAX + 1], agent[ID_MAX + 1], outcome[32];
	struct rows w = {r, 0};
	uint64_t limit = 500;
	acd_ms_t wall = api_wall(api);
	int err;

	if (!api->deps.store) {
		OUT("{\"calls\":[]}\n");
		return;
	}
	f.tenant = req->user->tenant;
	/* today: since local-independent midnight UTC */
	f.since_ms = wall - wall % (24 * 3600 * 1000LL);
	err = query_get(r, &req->query, "queue", queue, sizeof(queue));
	if (err == EINVAL)
		return;
	if (!err)
		f.queue = queue;
	err = query_get(r, &req->query, "agent", agent, sizeof(agent));
	if (err == EINVAL)
		return;
	if (!err)
		f.agent = agent;
	err = query_get(r, &req->query, "outcome", outcome, sizeof(outcome));
	if (err == EINVAL)
		return;
	if (!err) {
		int o;

		for (o = 1; o < STORE_OUTCOME_COUNT; o++) {
			if (!strcmp(outcome, store_outcome_name(
					    (enum store_outcome)o)))
				break;
		}
		if (o == STORE_OUTCOME_COUNT) {
			api_error(r, 400, "bad_parameter",
				  "outcome: answered, abandoned, exited or "
				  "failed");
			return;
		}
		f.outcome = (enum store_outcome)o;
	}
	err = query_uint(r, &req->query, "limit", 5000, &limit);
	if (err == EINVAL)
		return;
	f.limit = limit ? limit : 500;
	OUT("{\"calls\":[");
	if (store_cdrs_read(api->deps.store, &f, cdr_h, &w)) {
		api_error(r, 503, "store", "store: %s",
			  store_errmsg(api->deps.store));
		return;
	}
	OUT("]}\n");
}

static int ev_print_h(struct re_printf *pf, void *arg);

struct log_rows {
	struct api_reply *r;
	unsigned n;
};

static bool log_h(const struct store_event *e, void *arg)
{
	struct log_rows *w = arg;
	struct api_reply *r = w->r;

	OUT("%s{\"id\":%lld,\"event\":%H}", w->n ? "," : "",
	    (long long)e->id, ev_print_h, (void *)&e->ev);
	w->n++;
	return true;
}

static int ev_print_h(struct re_printf *pf, void *arg)
{
	const struct acd_event *ev = arg;

	return re_hprintf(pf, "{\"type\":\"%s\",\"time\":%lld,"
			  "\"call\":%llu,\"queue\":%H,\"agent\":%H}",
			  acd_event_name(ev->type), (long long)ev->time,
			  (unsigned long long)ev->call,
			  api_json_str, ev->queue, api_json_str, ev->agent);
}

static void get_log(struct api *api, struct api_req *req,
		    struct api_reply *r)
{
	uint64_t after = 0, limit = 500;
	struct log_rows w = {r, 0};
	int err;

	err = query_uint(r, &req->query, "after", INT64_MAX / 2, &after);
	if (err == EINVAL)
		return;
	err = query_uint(r, &req->query, "limit", 5000, &limit);
	if (err == EINVAL)
		return;
	OUT("{\"events\":[");
	if (api->deps.store &&
	    store_events_read(api->deps.store, req->user->tenant,
			      (int64_t)after, limit ? limit : 500, log_h,
			      &w)) {
		api_error(r, 503, "store", "store: %s",
			  store_errmsg(api->deps.store));
		return;
	}
	OUT("]}\n");
}

/* ---------------------------------------------------------------------
 * Event stream and metrics
 * ------------------------------------------------------------------- */

static void get_events(struct api *api, struct api_req *req,
		       struct api_reply *r)
{
	uint64_t from = api->ev_next;

	if (req->last_event_id) {
		uint64_t v = 0;
		const struct pl *p = req->last_event_id;

		if (p->l == 0 || p->l > 18) {
			api_error(r, 400, "bad_header",
				  "Last-Event-ID: an integer");
			return;
		}
		for (size_t i = 0; i < p->l; i++) {
			if (p->p[i] < '0' || p->p[i] > '9') {
				api_error(r, 400, "bad_header",
					  "Last-Event-ID: an integer");
				return;
			}
			v = v * 10 + (uint64_t)(p->p[i] - '0');
		}
		from = v + 1 < api->ev_next ? v + 1 : api->ev_next;
	}
	r->sse = true;
	r->sse_from = from;
}

static void metrics(struct api *api, struct api_reply *r)
{
	const struct center *c = api->deps.center;
	unsigned agents[ACD_AGENT_STATE_COUNT] = {0};

	r->ctype = "text/plain; version=0.0.4";
	OUT("# HELP plateau_queue_calls Calls in a queue by state.\n"
	    "# TYPE plateau_queue_calls gauge\n");
	for (size_t i = 0; i < c->n_queues; i++) {
		struct acd_queue_stats st;

		if (acd_queue_stats(api->deps.acd, c->queues[i].id, &st))
			continue;
		OUT("plateau_queue_calls{queue=\"%s\",tenant=\"%s\","
		    "state=\"waiting\"} %u\n", c->queues[i].id,
		    c->queues[i].tenant, st.waiting);
		OUT("plateau_queue_calls{queue=\"%s\",tenant=\"%s\","
		    "state=\"ringing\"} %u\n", c->queues[i].id,
		    c->queues[i].tenant, st.ringing);
	}
	OUT("# HELP plateau_queue_calls_total Calls by outcome.\n"
	    "# TYPE plateau_queue_calls_total counter\n");
	for (size_t i = 0; i < c->n_queues; i++) {
		struct acd_queue_stats st;
		const char *q = c->queues[i].id;

		if (acd_queue_stats(api->deps.acd, q, &st))
			continue;
		OUT("plateau_queue_calls_total{queue=\"%s\","
		    "outcome=\"entered\"} %llu\n", q,
		    (unsigned long long)st.entered);
		OUT("plateau_queue_calls_total{queue=\"%s\","
		    "outcome=\"answered\"} %llu\n", q,
		    (unsigned long long)st.answered);
		OUT("plateau_queue_calls_total{queue=\"%s\","
		    "outcome=\"answered_in_sl\"} %llu\n", q,
		    (unsigned long long)st.answered_in_sl);
		OUT("plateau_queue_calls_total{queue=\"%s\","
		    "outcome=\"abandoned\"} %llu\n", q,
		    (unsigned long long)st.abandoned);
		OUT("plateau_queue_calls_total{queue=\"%s\","
		    "outcome=\"exited\"} %llu\n", q,
		    (unsigned long long)st.exited);
	}
	OUT("# HELP plateau_queue_service_level Share answered within the "
	    "threshold, of finished calls.\n"
	    "# TYPE plateau_queue_service_level gauge\n");
	for (size_t i = 0; i < c->n_queues; i++) {
		struct acd_queue_stats st;
		uint64_t done;

		if (acd_queue_stats(api->deps.acd, c->queues[i].id, &st))
			continue;
		done = st.answered + st.abandoned + st.exited;
		if (!done)
			continue;
		OUT("plateau_queue_service_level{queue=\"%s\"} %u.%04u\n",
		    c->queues[i].id,
		    (unsigned)(st.answered_in_sl / done),
		    (unsigned)(st.answered_in_sl * 10000 / done % 10000));
	}
	for (size_t i = 0; i < c->n_agents; i++) {
		struct acd_agent_info ai;

		if (!acd_agent_info(api->deps.acd, c->agents[i].id, &ai))
			agents[ai.state]++;
	}
	OUT("# HELP plateau_agents Agents by state.\n"
	    "# TYPE plateau_agents gauge\n");
	for (int s = 0; s < ACD_AGENT_STATE_COUNT; s++)
		OUT("plateau_agents{state=\"%s\"} %u\n",
		    acd_agent_state_name((enum acd_agent_state)s), agents[s]);
	OUT("# HELP plateau_queue_agents Member agents of a queue by state.\n"
	    "# TYPE plateau_queue_agents gauge\n");
	for (size_t i = 0; i < c->n_queues; i++) {
		struct acd_queue_stats st;

		if (acd_queue_stats(api->deps.acd, c->queues[i].id, &st))
			continue;
		for (int s = 0; s < ACD_AGENT_STATE_COUNT; s++)
			OUT("plateau_queue_agents{queue=\"%s\",state=\"%s\"} "
			    "%u\n", c->queues[i].id,
			    acd_agent_state_name((enum acd_agent_state)s),
			    st.agents[s]);
	}
	OUT("# HELP plateau_queue_today_calls Calls since local midnight by "
	    "outcome.\n"
	    "# TYPE plateau_queue_today_calls gauge\n");
	for (size_t i = 0; i < c->n_queues; i++) {
		struct api_day_counts n;
		const char *q = c->queues[i].id;

		api_today_get(api, q, &n);
		OUT("plateau_queue_today_calls{queue=\"%s\",outcome=\"offered\"}"
		    " %llu\n", q, (unsigned long long)n.offered);
		OUT("plateau_queue_today_calls{queue=\"%s\",outcome="
		    "\"answered\"} %llu\n", q, (unsigned long long)n.answered);
		OUT("plateau_queue_today_calls{queue=\"%s\",outcome="
		    "\"answered_in_sl\"} %llu\n", q,
		    (unsigned long long)n.answered_in_sl);
		OUT("plateau_queue_today_calls{queue=\"%s\",outcome="
		    "\"abandoned\"} %llu\n", q,
		    (unsigned long long)n.abandoned);
		OUT("plateau_queue_today_calls{queue=\"%s\",outcome=\"exited\"}"
		    " %llu\n", q, (unsigned long long)n.exited);
	}
	OUT("# HELP plateau_queue_today_service_level Share of today's "
	    "finished calls answered within the threshold.\n"
	    "# TYPE plateau_queue_today_service_level gauge\n");
	for (size_t i = 0; i < c->n_queues; i++) {
		struct api_day_counts n;
		int sl;

		api_today_get(api, c->queues[i].id, &n);
		sl = api_today_sl(&n);
		if (sl >= 0)
			OUT("plateau_queue_today_service_level{queue=\"%s\"} "
			    "%d.%03d\n", c->queues[i].id, sl / 1000,
			    sl % 1000);
	}
	OUT("# HELP plateau_config_changes_total Live configuration changes."
	    "\n# TYPE plateau_config_changes_total counter\n"
	    "plateau_config_changes_total %llu\n",
	    (unsigned long long)api->config_changes);
	webhook_metrics(api, r->body);
	if (api->deps.metrics_h)
		api->deps.metrics_h(r->body, api->deps.arg);
	OUT("# HELP plateau_event_loop_lag_ms Delay of the api's 1 s timer.\n"
	    "# TYPE plateau_event_loop_lag_ms gauge\n"
	    "plateau_event_loop_lag_ms %lld\n", (long long)api->lag_ms);
	OUT("# HELP plateau_http_responses_total HTTP responses by class.\n"
	    "# TYPE plateau_http_responses_total counter\n");
	for (int k = 1; k < 6; k++)
		OUT("plateau_http_responses_total{class=\"%dxx\"} %llu\n", k,
		    (unsigned long long)api->req_by_class[k]);
	OUT("# HELP plateau_acd_events_total Engine events seen.\n"
	    "# TYPE plateau_acd_events_total counter\n"
	    "plateau_acd_events_total %llu\n"
	    "# HELP plateau_sse_dropped_total Slow stream clients dropped.\n"
	    "# TYPE plateau_sse_dropped_total counter\n"
	    "plateau_sse_dropped_total %llu\n",
	    (unsigned long long)api->events_in,
	    (unsigned long long)api->sse_dropped);
}

/* ---------------------------------------------------------------------
 * Login
 * ------------------------------------------------------------------- */

static void login(struct api *api, struct api_req *req, struct api_reply *r)
{
	struct odict *od = NULL;
	const char *user, *pass;
	struct api_session *s;
	int err;

	if (api_throttled(api, req->peer)) {
		api_error(r, 429, "throttled",
			  "too many failed logins; wait a minute");
		return;
	}
	if (api_body_parse(r, req, &od))
		return;
	if (api_body_str(r, od, "user", true, 64, &user) ||
	    api_body_str(r, od, "password", true, 256, &pass))
		goto out;
	err = api_login(api, req->peer, user, pass, &s);
	if (err == EACCES) {
		api_error(r, 401, "bad_credentials",
			  "unknown user or wrong password");
		goto out;
	}
	if (err) {
		api_error(r, 503, "unavailable", "login failed: %m", err);
		goto out;
	}
	OUT("{\"token\":\"%s\",\"expires_in_s\":%lld,\"user\":%H,"
	    "\"role\":\"%s\",\"tenant\":%H,\"agent\":%H}\n", s->token,
	    (long long)(API_SESSION_MS / 1000), api_json_str, s->user->name,
	    api_role_name(s->user->role), api_json_str, s->user->tenant,
	    api_json_str, s->user->agent);
 out:
	mem_deref(od);
}

/* ---------------------------------------------------------------------
 * Router
 * ------------------------------------------------------------------- */

/* Splits /a/b/c into segments; false when too many or too long, or
 * holding characters outside ids. */
static bool split(const struct pl *path, char seg[SEG_MAX][ID_MAX + 1],
		  size_t *np)
{
	size_t n = 0, i = 0;

	if (!path->l || path->p[0] != '/')
		return false;
	i = 1;
	while (i < path->l) {
		size_t j = i;

		while (j < path->l && path->p[j] != '/')
			j++;
		if (j == i || j - i > ID_MAX || n == SEG_MAX)
			return false;
		for (size_t k = i; k < j; k++) {
			char ch = path->p[k];

			if (!((ch >= 'a' && ch <= 'z') ||
			      (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || ch == '-' ||
			      ch == '_' || ch == '.' || ch == '@' ||
			      (ch == '+' && k == i)))
				return false;
		}
		memcpy(seg[n], path->p + i, j - i);
		seg[n][j - i] = '\0';
		n++;
		i = j + 1;
	}
	*np = n;
	return true;
}

static bool is(const struct pl *met, const char *m)
{
	return !pl_strcmp(met, m);
}

void api_route(struct api *api, struct api_req *req, struct api_reply *r)
{
	char seg[SEG_MAX][ID_MAX + 1];
	size_t n = 0;
	bool get, post;
	const char *allow = NULL;

	if (body_new(r, 200))
		return;
	r->ctype = "application/json";
	get = is(&req->met, "GET");
	post = is(&req->met, "POST");

	/* Everything outside /api/ and /metrics is the web pages. */
	if (api_static_claims(&req->path)) {
		api_static(api, req, r);
		return;
	}
	if (!split(&req->path, seg, &n)) {
		api_error(r, 404, "not_found", "no such route");
		return;
	}
	if (n == 1 && !strcmp(seg[0], "metrics")) {
		allow = "GET";
	}
	else if (n < 3 || strcmp(seg[0], "api") || strcmp(seg[1], "v1")) {
		api_error(r, 404, "not_found", "no such route");
		return;
	}
	else if (n == 3 && !strcmp(seg[2], "login")) {
		if (!post) {
			api_error(r, 405, "method_not_allowed",
				  "use POST");
			return;
		}
		login(api, req, r);
		return;
	}

	/* Everything else needs a user. */
	req->user = api_auth(api, req->msg, &req->sess);
	if (!req->user) {
		api_error(r, 401, "unauthorized",
			  "a valid Authorization: Bearer token is required");
		return;
	}
	if (allow) {                         /* /metrics */
		if (!get) {
			api_error(r, 405, "method_not_allowed", "use GET");
			return;
		}
		if (req->user->role != API_ROLE_ADMIN || req->user->tenant) {
			api_error(r, 403, "forbidden",
				  "metrics are for the operator's admins");
			return;
		}
		metrics(api, r);
		return;
	}

	const char *what = seg[2];
	bool sup = req->user->role >= API_ROLE_SUPERVISOR;

	if (n == 3 && !strcmp(what, "logout")) {
		if (!post)
			goto not_allowed_post;
		if (req->sess)
			api_session_drop(api, req->sess);
		OUT("{\"ok\":true}\n");
		return;
	}
	if (n == 3 && !strcmp(what, "me")) {
		if (!get)
			goto not_allowed_get;
		OUT("{\"user\":%H,\"role\":\"%s\",\"tenant\":%H,"
		    "\"agent\":%H}\n", api_json_str, req->user->name,
		    api_role_name(req->user->role),
		    api_json_str, req->user->tenant,
		    api_json_str, req->user->agent);
		return;
	}
	if ((n == 3 || n == 4) && !strcmp(what, "desk")) {
		api_desk(api, req, r, n == 4 ? seg[3] : NULL);
		return;
	}
	if ((n == 3 || n == 4) && !strcmp(what, "webhooks")) {
		api_config_route(api, req, r, "webhooks",
				 n == 4 ? seg[3] : NULL);
		return;
	}
	if ((n == 4 || n == 5) && !strcmp(what, "config")) {
		api_config_route(api, req, r, seg[3], n == 5 ? seg[4] : NULL);
		return;
	}
	if (n == 5 && !strcmp(what, "agents") && !strcmp(seg[4], "queues")) {
		if (!post)
			goto not_allowed_post;
		api_config_agent_queues(api, req, r, seg[3]);
		return;
	}
	if (n == 5 && !strcmp(what, "agents") &&
	    !strcmp(seg[4], "callback")) {
		if (!post)
			goto not_allowed_post;
		api_callback_add(api, req, r, seg[3]);
		return;
	}
	if (n == 3 && !strcmp(what, "callbacks")) {
		if (!get)
			goto not_allowed_get;
		api_callbacks_get(api, req, r);
		return;
	}
	if (n == 5 && !strcmp(what, "calls") && !strcmp(seg[4], "recording")) {
		if (!get)
			goto not_allowed_get;
		api_recording(api, req, r, seg[3]);
		return;
	}
	if (n == 5 && !strcmp(what, "agents")) {
		if (!post)
			goto not_allowed_post;
		agent_action(api, req, r, seg[3], seg[4]);
		return;
	}
	if (n > 4)
		goto not_found;
	if (!get)
		goto not_allowed_get;
	if (n == 3 && !strcmp(what, "tenants"))
		get_tenants(api, req, r);
	else if (n == 3 && !strcmp(what, "sites"))
		get_sites(api, req, r);
	else if (n == 3 && !strcmp(what, "floor")) {
		if (!sup) {
			api_error(r, 403, "forbidden",
				  "supervisors and admins only");
			return;
		}
		api_floor(api, req, r);
	}
	else if (!strcmp(what, "queues"))
		get_queues(api, req, r, n == 4 ? seg[3] : NULL);
	else if (!strcmp(what, "agents"))
		get_agents(api, req, r, n == 4 ? seg[3] : NULL);
	else if (n == 3 && (!strcmp(what, "calls") ||
			    !strcmp(what, "log") ||
			    !strcmp(what, "events"))) {
		if (!sup && strcmp(what, "events")) {
			api_error(r, 403, "forbidden",
				  "supervisors and admins only");
			return;
		}
		if (!strcmp(what, "calls"))
			get_calls(api, req, r);
		else if (!strcmp(what, "log"))
			get_log(api, req, r);
		else
			get_events(api, req, r);
	}
	else
		goto not_found;
	return;

 not_found:
	api_error(r, 404, "not_found", "no such route");
	return;
 not_allowed_get:
	api_error(r, 405, "method_not_allowed", "use GET");
	return;
 not_allowed_post:
	api_error(r, 405, "method_not_allowed", "use POST");
}
