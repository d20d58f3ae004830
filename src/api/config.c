/* config.c — live configuration through the api: create, read, update and
 * delete the center's objects, validated whole, saved, applied at once. */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "config/center.h"
#include "store/store.h"
#include "api/api_int.h"
#include "api/webhook.h"

/*
 * A change is made on the center's JSON document, never in place: the
 * current center is written out (center_write_json), decoded, the one
 * section edited, and the result parsed again by center_parse() — so a
 * change passes exactly the checks of a file, and a 400 names the JSON
 * path of what is wrong. The new center is then fed to a scratch engine
 * (everything the engine would refuse is refused here), compared with the
 * old one to find what the running engine must be told, checked against
 * what the engine can change live, saved in the store, applied to the
 * engine, and finally handed to the owner (sipd) in place of the old one.
 * On any refusal nothing has changed. Cost: O(size of the center) per
 * change; changes are rare next to reads.
 */

/* The sections, their identity field and who may change them. */
struct section {
	const char *name;          /* JSON key and URL segment              */
	const char *key;           /* identity field of an element          */
	bool tenant_field;         /* elements carry "tenant"               */
};

static const struct section sections[] = {
	{"tenants", "id", false},
	{"sites", "id", false},
	{"positions", "id", false},
	{"pause_reasons", "id", false},
	{"dispositions", "id", true},
	{"queues", "id", true},
	{"ivr_menus", "id", true},
	{"agents", "id", true},
	{"dids", "number", true},
	{"users", "user", true},
	{"webhooks", "id", true},
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* Secrets never sent back. */
static bool secret_key(const char *k)
{
	return !strcmp(k, "sip_ha1") || !strcmp(k, "pin_hash") ||
		!strcmp(k, "password_hash") || !strcmp(k, "sip_password") ||
		!strcmp(k, "pin") || !strcmp(k, "password") ||
		!strcmp(k, "secret");
}

static const struct section *section_find(const char *name)
{
	for (size_t i = 0; i < N_SECTIONS; i++) {
		if (!strcmp(sections[i].name, name))
			return &sections[i];
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Documents
 * ------------------------------------------------------------------- */

static int entry_copy(struct odict *dst, const char *key,
		      const struct odict_entry *e)
{
	switch (e->type) {
	case ODICT_OBJECT:
	case ODICT_ARRAY:
		return odict_entry_add(dst, key, e->type, e->u.odict);
	case ODICT_STRING:
		return odict_entry_add(dst, key, e->type, e->u.str);
	case ODICT_INT:
		return odict_entry_add(dst, key, e->type, e->u.integer);
	case ODICT_DOUBLE:
		return odict_entry_add(dst, key, e->type, e->u.dbl);
	case ODICT_BOOL:
		return odict_entry_add(dst, key, e->type, e->u.boolean);
	case ODICT_NULL:
		return odict_entry_add(dst, key, e->type);
	default:
		return EINVAL;
	}
}

/* The current center as a decoded document. */
static int center_doc(const struct center *c, struct odict **rootp)
{
	char *text = NULL;
	int err = re_sdprintf(&text, "%H", center_write_json, c);

	if (!err)
		err = json_decode_odict(rootp, 32, text, strlen(text), 16);
	mem_deref(text);
	return err;
}

static const char *elem_str(const struct odict *o, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	return e && e->type == ODICT_STRING ? e->u.str : NULL;
}

/* May user u see or change element o of section s? Operator: all; a
 * tenant admin: elements of its tenant in tenant sections only. */
static bool elem_mine(const struct api_user *u, const struct section *s,
		      const struct odict *o)
{
	const char *t;

	if (!u->tenant)
		return true;
	if (!s->tenant_field)
		return false;
	t = elem_str(o, "tenant");
	return t && !strcmp(t, u->tenant);
}

/* Readable sections: tenants, sites, pause reasons are shared names. */
static bool elem_visible(const struct api_user *u, const struct section *s,
			 const struct odict *o)
{
	if (!strcmp(s->name, "tenants")) {
		const char *id = elem_str(o, "id");

		return !u->tenant || (id && !strcmp(id, u->tenant));
	}
	if (!strcmp(s->name, "sites") || !strcmp(s->name, "pause_reasons"))
		return true;
	if (!strcmp(s->name, "positions"))
		return true;
	return elem_mine(u, s, o);
}

/* Prints an element without its secrets; a webhook with its delivery
 * state. */
static int elem_print(struct api *api, const struct section *s,
		      struct mbuf *mb, const struct odict *o)
{
	struct odict *clean = NULL;
	struct le *le;
	int err = odict_alloc(&clean, 16);

	LIST_FOREACH(&o->lst, le) {
		const struct odict_entry *e = le->data;

		if (err)
			break;
		if (!secret_key(e->key))
			err = entry_copy(clean, e->key, e);
	}
	if (!err)
		err = mbuf_printf(mb, "%H", json_encode_odict, clean);
	/* the object's closing brace gives way to "delivery" */
	if (!err && !strcmp(s->name, "webhooks") && elem_str(o, "id") &&
	    mb->end && mb->buf[mb->end - 1] == '}') {
		mb->end--;
		mb->pos = mb->end;
		err = webhook_status_print(api, mb, elem_str(o, "id"));
		err |= mbuf_printf(mb, "}");
	}
	mem_deref(clean);
	return err;
}

/* ---------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------- */

static void config_get(struct api *api, struct api_req *req,
		       struct api_reply *r, const struct section *s,
		       const char *id)
{
	struct odict *root = NULL;
	const struct odict_entry *arr;
	struct le *le;
	bool first = true, found = false;

	if (center_doc(api->deps.center, &root)) {
		api_error(r, 503, "unavailable", "configuration: no memory");
		return;
	}
	arr = odict_lookup(root, s->name);
	if (!id)
		mbuf_printf(r->body, "{\"%s\":[", s->name);
	for (le = arr ? arr->u.odict->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		const char *k;

		if (e->type != ODICT_OBJECT ||
		    !elem_visible(req->user, s, e->u.odict))
			continue;
		if (id) {
			k = elem_str(e->u.odict, s->key);
			if (!k || strcmp(k, id))
				continue;
			elem_print(api, s, r->body, e->u.odict);
			mbuf_printf(r->body, "\n");
			found = true;
			break;
		}
		if (!first)
			mbuf_printf(r->body, ",");
		elem_print(api, s, r->body, e->u.odict);
		first = false;
	}
	if (!id)
		mbuf_printf(r->body, "]}\n");
	else if (!found)
		api_error(r, 404, "not_found", "no %s '%s'", s->name, id);
	mem_deref(root);
}

/* ---------------------------------------------------------------------
 * Engine: what a change needs, checked before anything changes
 * ------------------------------------------------------------------- */

static bool same_str(const char *a, const char *b)
{
	if (!a || !*a)
		return !b || !*b;
	return b && !strcmp(a, b);
}

static bool same_widen(const struct acd_queue_conf *a,
		       const struct acd_queue_conf *b)
{
	if (a->n_widen != b->n_widen)
		return false;
	for (size_t i = 0; i < a->n_widen; i++) {
		const struct acd_widen_step *x = &a->widen[i], *y = &b->widen[i];

		if (x->after_ms != y->after_ms ||
		    !same_str(x->skills, y->skills) ||
		    !same_str(x->add_queue, y->add_queue) ||
		    !same_str(x->add_site, y->add_site))
			return false;
	}
	return true;
}

static bool same_members(const struct center_agent *a,
			 const struct center_agent *b)
{
	if (a->n_members != b->n_members)
		return false;
	for (size_t i = 0; i < a->n_members; i++) {
		if (strcmp(a->members[i].queue, b->members[i].queue) ||
		    a->members[i].weight != b->members[i].weight)
			return false;
	}
	return true;
}

static bool same_routing(const struct center_queue *a,
			 const struct center_queue *b)
{
	return !strcmp(a->tenant, b->tenant) &&
		a->acd.strategy == b->acd.strategy &&
		same_str(a->acd.skills, b->acd.skills) &&
		same_str(a->acd.sites, b->acd.sites) &&
		same_widen(&a->acd, &b->acd);
}

/* Checks that the running engine can go from old to new now: objects
 * removed must be unused (no call in a queue, no agent logged in at a
 * position...), a logged-in agent keeps its tenant. Returns 0, or EBUSY
 * with msg saying why (nothing has changed). */
static int engine_check(struct api *api, const struct center *o,
			const struct center *n, char *msg, size_t sz)
{
	struct acd *acd = api->deps.acd;

	for (size_t i = 0; i < o->n_agents; i++) {
		const struct center_agent *a = &o->agents[i];
		const struct center_agent *b = center_agent_find(n, a->id);
		struct acd_agent_info ai;

		if (!b) {
			if (acd_remove_check(acd, ACD_KIND_AGENT, a->id))
				goto busy;
			continue;
		}
		if (!same_str(a->tenant, b->tenant) &&
		    !acd_agent_info(acd, a->id, &ai) &&
		    ai.state != ACD_AGENT_LOGGED_OUT) {
			re_snprintf(msg, sz, "agent '%s' is logged in: its "
				    "tenant changes once it is logged out "
				    "(its skills and queues change live)",
				    a->id);
			return EBUSY;
		}
	}
	for (size_t i = 0; i < o->n_queues; i++) {
		if (!center_queue_find(n, o->queues[i].id) &&
		    acd_remove_check(acd, ACD_KIND_QUEUE, o->queues[i].id))
			goto busy;
	}
	for (size_t i = 0; i < o->n_positions; i++) {
		if (!center_position_find(n, o->positions[i].id) &&
		    acd_remove_check(acd, ACD_KIND_POSITION,
				     o->positions[i].id))
			goto busy;
	}
	return 0;
 busy:
	re_snprintf(msg, sz, "%s", acd_errmsg(acd));
	return EBUSY;
}

/* Removals after everything else (an agent before its queues, a position
 * before its site, a site or queue before its tenant); in_use was checked
 * by engine_check, dangling references by center_parse. */
static int engine_remove(struct acd *acd, const struct center *o,
			 const struct center *n)
{
	int err = 0;

	for (size_t i = 0; i < o->n_agents && !err; i++) {
		if (!center_agent_find(n, o->agents[i].id))
			err = acd_agent_remove(acd, o->agents[i].id);
	}
	for (size_t i = 0; i < o->n_queues && !err; i++) {
		if (!center_queue_find(n, o->queues[i].id))
			err = acd_queue_remove(acd, o->queues[i].id);
	}
	for (size_t i = 0; i < o->n_positions && !err; i++) {
		if (!center_position_find(n, o->positions[i].id))
			err = acd_position_remove(acd, o->positions[i].id);
	}
	for (size_t i = 0; i < o->n_sites && !err; i++) {
		if (!center_site_find(n, o->sites[i].id))
			err = acd_site_remove(acd, o->sites[i].id);
	}
	for (size_t i = 0; i < o->n_tenants && !err; i++) {
		if (!center_tenant_find(n, o->tenants[i].id))
			err = acd_tenant_remove(acd, o->tenants[i].id);
	}
	return err;
}

static int members_set(struct acd *acd, const struct center_agent *a,
		       const struct center_agent *b)
{
	int err = 0;

	for (size_t j = 0; a && j < a->n_members && !err; j++)
		err = acd_member_remove(acd, a->members[j].queue, a->id);
	for (size_t j = 0; b && j < b->n_members && !err; j++)
		err = acd_member_add(acd, b->members[j].queue, b->id,
				     b->members[j].weight);
	return err;
}

/* Tells the engine; checked by engine_check and a scratch engine, so an
 * error here is a bug or no memory: it is returned and logged. */
static int engine_apply(struct api *api, const struct center *o,
			const struct center *n)
{
	struct acd *acd = api->deps.acd;
	int err = 0;

	for (size_t i = 0; i < n->n_tenants && !err; i++) {
		if (!center_tenant_find(o, n->tenants[i].id))
			err = acd_tenant_add(acd, n->tenants[i].id);
	}
	for (size_t i = 0; i < n->n_sites && !err; i++) {
		if (!center_site_find(o, n->sites[i].id))
			err = acd_site_add(acd, n->sites[i].id);
	}
	for (size_t i = 0; i < n->n_positions && !err; i++) {
		const struct center_position *p = &n->positions[i];
		const struct center_position *was =
			center_position_find(o, p->id);

		if (!was)
			err = acd_position_add(acd, p->id, p->site);
		else if (strcmp(was->site, p->site))
			err = acd_position_site_set(acd, p->id, p->site);
	}
	/* new queues first: a widening step may name one */
	for (size_t i = 0; i < n->n_queues && !err; i++) {
		if (!center_queue_find(o, n->queues[i].id))
			err = acd_queue_add(acd, &n->queues[i].acd);
	}
	for (size_t i = 0; i < n->n_queues && !err; i++) {
		const struct center_queue *q = &n->queues[i];
		const struct center_queue *was = center_queue_find(o, q->id);

		if (!was)
			continue;
		err = acd_queue_settings_set(acd, &q->acd);
		if (!err && !same_routing(was, q))
			err = acd_queue_routing_set(acd, &q->acd);
	}
	for (size_t i = 0; i < n->n_agents && !err; i++) {
		const struct center_agent *b = &n->agents[i];
		const struct center_agent *a = center_agent_find(o, b->id);
		struct acd_agent_conf ac = {b->id, b->tenant, b->skills};

		if (!a) {
			err = acd_agent_add(acd, &ac);
			if (!err)
				err = members_set(acd, NULL, b);
			continue;
		}
		if (!same_str(a->tenant, b->tenant)) {
			/* memberships first: they would cross tenants */
			err = members_set(acd, a, NULL);
			if (!err)
				err = acd_agent_profile_set(acd, &ac);
			if (!err)
				err = members_set(acd, NULL, b);
			continue;
		}
		if (!same_str(a->skills, b->skills))
			err = acd_agent_profile_set(acd, &ac);
		if (!err && !same_members(a, b))
			err = members_set(acd, a, b);
	}
	if (!err)
		err = engine_remove(acd, o, n);
	return err;
}

static void no_events(const struct acd_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

/* ---------------------------------------------------------------------
 * Changing
 * ------------------------------------------------------------------- */

enum op { OP_CREATE, OP_REPLACE, OP_MERGE, OP_DELETE };

/* Builds the new element for create/replace/merge into arr under key.
 * old: the element being changed, or NULL. */
static int elem_build(struct api *api, struct api_reply *r,
		      const struct api_user *u, const struct section *s,
		      enum op op, const struct odict *old,
		      const struct odict *body, struct odict *arr,
		      const char *key)
{
	struct odict *el = NULL;
	struct le *le;
	bool new_secret;
	int err = odict_alloc(&el, 16);

	if (err)
		return err;
	if (u->tenant && s->tenant_field) {
		const struct odict_entry *t = odict_lookup(body, "tenant");

		if (t && t->type == ODICT_NULL) {
			mem_deref(el);
			api_error(r, 403, "forbidden", "tenant: only the "
				  "operator may make operator-wide %s",
				  s->name);
			return EPERM;
		}
	}
	new_secret = odict_lookup(body, "sip_password") ||
		odict_lookup(body, "sip_ha1") || odict_lookup(body, "pin") ||
		odict_lookup(body, "pin_hash") ||
		odict_lookup(body, "password") || odict_lookup(body, "secret");
	/* Kept from the old element: every key for a merge, the identity
	 * and the secrets (unless new ones are given) for a replace. */
	for (le = old ? old->lst.head : NULL; le && !err; le = le->next) {
		const struct odict_entry *e = le->data;
		bool secret = !strcmp(e->key, "sip_ha1") ||
			!strcmp(e->key, "pin_hash") ||
			!strcmp(e->key, "password_hash") ||
			!strcmp(e->key, "secret");

		if (odict_lookup(body, e->key))
			continue;
		if (secret && new_secret)
			continue;
		if (op == OP_MERGE || secret || !strcmp(e->key, s->key) ||
		    (s->tenant_field && !strcmp(e->key, "tenant")))
			err = entry_copy(el, e->key, e);
	}
	for (le = body->lst.head; le && !err; le = le->next) {
		const struct odict_entry *e = le->data;

		if (e->type == ODICT_NULL)
			continue;      /* null: back to the default */
		if (!strcmp(s->name, "users") && !strcmp(e->key, "password")) {
			uint8_t salt[16];
			char hash[256];

			if (e->type != ODICT_STRING || strlen(e->u.str) < 8 ||
			    strlen(e->u.str) > 256) {
				api_error(r, 400, "bad_field", "password: 8 "
					  "to 256 characters");
				err = EINVAL;
				break;
			}
			rand_bytes(salt, sizeof(salt));
			err = center_pin_hash(hash, sizeof(hash), e->u.str,
					      salt, api->rounds);
			if (!err)
				err = odict_entry_add(el, "password_hash",
						      ODICT_STRING, hash);
			continue;
		}
		err = entry_copy(el, e->key, e);
	}
	/* A tenant admin's elements are its tenant's. */
	if (!err && u->tenant && s->tenant_field &&
	    !odict_lookup(el, "tenant"))
		err = odict_entry_add(el, "tenant", ODICT_STRING, u->tenant);
	if (!err && !elem_mine(u, s, el)) {
		api_error(r, 403, "forbidden", "tenant: only your tenant's "
			  "%s", s->name);
		err = EPERM;
	}
	if (!err)
		err = odict_entry_add(arr, key, ODICT_OBJECT, el);
	mem_deref(el);
	return err;
}

static void users_sync(struct api *api, const struct center *c)
{
	struct le *le = api->users.head;

	/* Logins that left or changed lose their sessions. */
	while (le) {
		struct api_user *o = le->data;
		const struct center_user *cu;

		le = le->next;
		if (o->is_key)
			continue;
		cu = center_user_find(c, o->name);
		if (cu && !strcmp(cu->password_hash, o->hash) &&
		    (int)cu->role == (int)o->role &&
		    same_str(cu->tenant, o->tenant) &&
		    same_str(cu->agent, o->agent))
			continue;
		for (struct le *sl = api->sessions.head; sl;) {
			struct api_session *ss = sl->data;

			sl = sl->next;
			if (ss->user == o)
				mem_deref(ss);
		}
		list_unlink(&o->le);
		mem_deref(o);
	}
	for (size_t i = 0; i < c->n_users; i++) {
		const struct center_user *cu = &c->users[i];

		(void)api_user_add_hash(api, cu->name, cu->password_hash,
					(enum api_role)cu->role, cu->tenant,
					cu->agent);
	}
}

/* The config event(s) of an accepted change: to the object's tenant as it
 * now is, and a delete to its former tenant when it moved (or went). The
 * tenants section's objects are their own tenant's; sites, positions and
 * pause reasons the operator's. */
static void config_announce(struct api *api, const struct api_req *req,
			    const struct section *s, enum op op,
			    const char *id, const char *old_tenant,
			    const struct odict_entry *now)
{
	const char *by = req->user->name;
	const char *new_t = NULL, *old_t = old_tenant[0] ? old_tenant : NULL;

	if (!strcmp(s->name, "tenants")) {
		api_config_event(api, s->name, id, op == OP_CREATE ? "create" :
				 op == OP_DELETE ? "delete" : "update", id, by);
		return;
	}
	if (op == OP_DELETE) {
		api_config_event(api, s->name, id, "delete", old_t, by);
		return;
	}
	if (now && now->type == ODICT_OBJECT)
		new_t = elem_str(now->u.odict, "tenant");
	api_config_event(api, s->name, id, op == OP_CREATE ? "create" :
			 "update", new_t, by);
	if (op != OP_CREATE && old_t && !same_str(old_t, new_t))
		api_config_event(api, s->name, id, "delete", old_t, by);
}

static void config_change(struct api *api, struct api_req *req,
			  struct api_reply *r, const struct section *s,
			  const char *id, enum op op)
{
	const struct center *cur = api->deps.center;
	struct odict *root = NULL, *body = NULL, *nroot = NULL, *narr = NULL;
	const struct odict_entry *arr;
	struct center *nc = NULL;
	struct acd *scratch = NULL;
	char *text = NULL, msg[512], key[16], created[CENTER_ID_MAX + 1] = "";
	char built[16] = "", old_t[CENTER_ID_MAX + 1] = "";
	size_t idx = 0;
	bool found = false;
	struct le *le;
	int err;

	if (!api->deps.center_set) {
		api_error(r, 409, "read_only", "this server's configuration "
			  "is read-only");
		return;
	}
	if (op != OP_DELETE && api_body_parse(r, req, &body))
		return;
	if (body && odict_lookup(body, s->key) && id) {
		const char *bid = elem_str(body, s->key);

		if (!bid || strcmp(bid, id)) {
			api_error(r, 400, "bad_field", "%s: must be '%s' (the "
				  "path's) or absent", s->key, id);
			goto out;
		}
	}
	if (op == OP_CREATE && req->user->tenant && s->tenant_field) {
		const struct odict_entry *t = odict_lookup(body, "tenant");

		if (t && (t->type != ODICT_STRING ||
			  strcmp(t->u.str, req->user->tenant))) {
			api_error(r, 403, "forbidden", "tenant: only your "
				  "tenant's %s", s->name);
			goto out;
		}
	}
	if (op == OP_CREATE) {
		const char *bid = elem_str(body, s->key);

		if (!bid) {
			api_error(r, 400, "missing_field", "%s: required",
				  s->key);
			goto out;
		}
		str_ncpy(created, bid, sizeof(created));
	}
	if (center_doc(cur, &root) || odict_alloc(&nroot, 32) ||
	    odict_alloc(&narr, 64)) {
		api_error(r, 503, "unavailable", "configuration: no memory");
		goto out;
	}
	arr = odict_lookup(root, s->name);
	for (le = arr ? arr->u.odict->lst.head : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;
		const char *k = elem_str(e->u.odict, s->key);
		bool match = false;

		if (e->type != ODICT_OBJECT)
			continue;
		if (op == OP_CREATE && k && !strcmp(k, created)) {
			/* a disposition id is unique per tenant only */
			if (!s->tenant_field || strcmp(s->name,
						       "dispositions") ||
			    same_str(elem_str(e->u.odict, "tenant"),
				     elem_str(body, "tenant") ?
				     elem_str(body, "tenant") :
				     req->user->tenant)) {
				api_error(r, 409, "exists", "%s '%s' exists",
					  s->name, created);
				goto out;
			}
		}
		if (id && k && !strcmp(k, id) &&
		    elem_visible(req->user, s, e->u.odict) &&
		    (strcmp(s->name, "dispositions") ||
		     elem_mine(req->user, s, e->u.odict)) && !found)
			match = true;
		re_snprintf(key, sizeof(key), "%zu", idx);
		if (!match) {
			err = odict_entry_add(narr, key, ODICT_OBJECT,
					      e->u.odict);
			idx++;
		}
		else {
			found = true;
			if (elem_str(e->u.odict, "tenant"))
				str_ncpy(old_t, elem_str(e->u.odict,
							 "tenant"),
					 sizeof(old_t));
			if (!elem_mine(req->user, s, e->u.odict)) {
				api_error(r, 403, "forbidden", "%s '%s' is "
					  "not your tenant's", s->name, id);
				goto out;
			}
			if (op == OP_DELETE)
				continue;
			str_ncpy(built, key, sizeof(built));
			err = elem_build(api, r, req->user, s, op, e->u.odict,
					 body, narr, key);
			idx++;
		}
		if (err)
			goto built;
	}
	if (id && !found) {
		api_error(r, 404, "not_found", "no %s '%s'", s->name, id);
		goto out;
	}
	if (op == OP_CREATE) {
		re_snprintf(key, sizeof(key), "%zu", idx);
		str_ncpy(built, key, sizeof(built));
		err = elem_build(api, r, req->user, s, op, NULL, body, narr,
				 key);
	}
 built:
	if (err) {
		if (r->status < 400)
			api_error(r, 503, "unavailable", "configuration: %m",
				  err);
		goto out;
	}
	/* The new document: every other section as it was. */
	for (le = root->lst.head; le && !err; le = le->next) {
		const struct odict_entry *e = le->data;

		if (!strcmp(e->key, s->name))
			continue;
		err = entry_copy(nroot, e->key, e);
	}
	if (!err)
		err = odict_entry_add(nroot, s->name, ODICT_ARRAY, narr);
	if (!err)
		err = re_sdprintf(&text, "%H", json_encode_odict, nroot);
	if (err) {
		api_error(r, 503, "unavailable", "configuration: %m", err);
		goto out;
	}
	err = center_parse(text, strlen(text), "config", NULL, &nc, msg,
			   sizeof(msg));
	if (err) {
		api_error(r, op == OP_DELETE ? 409 : 400,
			  op == OP_DELETE ? "in_use" : "bad_field", "%s",
			  msg[0] ? msg : "configuration refused");
		goto out;
	}
	/* Everything the engine would refuse, refused now. */
	err = acd_alloc(&scratch, 1, no_events, NULL);
	if (!err && center_apply(nc, scratch)) {
		api_error(r, 400, "refused", "engine: %s",
			  acd_errmsg(scratch));
		goto out;
	}
	if (err) {
		api_error(r, 503, "unavailable", "configuration: %m", err);
		goto out;
	}
	/* the engine's clock to now: what the change routes is timed now */
	(void)acd_tick(api->deps.acd, api_now(api));
	if (engine_check(api, cur, nc, msg, sizeof(msg))) {
		api_error(r, 409, "in_use", "%s", msg);
		goto out;
	}
	if (api->deps.store && store_center_save(api->deps.store, nc)) {
		api_error(r, 503, "store", "store: %s",
			  store_errmsg(api->deps.store));
		goto out;
	}
	err = engine_apply(api, cur, nc);
	if (err)
		api_error(r, 500, "engine", "engine: %s (configuration "
			  "saved; restart to apply)",
			  acd_errmsg(api->deps.acd));
	if (api->deps.after_input)
		api->deps.after_input(api->deps.arg);
	api->deps.center = nc;
	api->deps.center_set(api->deps.arg, nc);   /* takes nc */
	if (!strcmp(s->name, "users"))
		users_sync(api, nc);
	nc = NULL;
	api->config_changes++;
	config_announce(api, req, s, op, op == OP_CREATE ? created : id,
			old_t, built[0] ? odict_lookup(narr, built) : NULL);
	if (err)
		goto out;
	/* The element as it is now. */
	r->body = mem_deref(r->body);
	r->body = mbuf_alloc(512);
	if (!r->body)
		goto out;
	r->status = op == OP_CREATE ? 201 : 200;
	if (op == OP_DELETE)
		mbuf_printf(r->body, "{\"deleted\":%H}\n", api_json_str, id);
	else
		config_get(api, req, r, s, op == OP_CREATE ? created : id);
 out:
	mem_deref(scratch);
	mem_deref(nc);
	mem_deref(text);
	mem_deref(narr);
	mem_deref(nroot);
	mem_deref(root);
	mem_deref(body);
}

/* ---------------------------------------------------------------------
 * Routes: /api/v1/config/SECTION[/ID]
 * ------------------------------------------------------------------- */

void api_config_route(struct api *api, struct api_req *req,
		      struct api_reply *r, const char *name, const char *id)
{
	const struct section *s = section_find(name);
	const struct pl *m = &req->met;

	if (!s) {
		api_error(r, 404, "not_found", "no configuration section "
			  "'%s'", name);
		return;
	}
	if (req->user->role != API_ROLE_ADMIN) {
		api_error(r, 403, "forbidden", "configuration is for admins");
		return;
	}
	if (!pl_strcmp(m, "GET")) {
		config_get(api, req, r, s, id);
		return;
	}
	if (req->user->tenant && !s->tenant_field) {
		api_error(r, 403, "forbidden", "%s are the operator's to "
			  "change", s->name);
		return;
	}
	if (!pl_strcmp(m, "POST") && !id)
		config_change(api, req, r, s, NULL, OP_CREATE);
	else if (!pl_strcmp(m, "PUT") && id)
		config_change(api, req, r, s, id, OP_REPLACE);
	else if (!pl_strcmp(m, "PATCH") && id)
		config_change(api, req, r, s, id, OP_MERGE);
	else if (!pl_strcmp(m, "DELETE") && id)
		config_change(api, req, r, s, id, OP_DELETE);
	else
		api_error(r, 405, "method_not_allowed", id ?
			  "use GET, PUT, PATCH or DELETE" : "use GET or POST");
}

/* POST /api/v1/agents/ID/queues {"queues": [...]}: a supervisor (or admin)
 * of the agent's tenant moves it between queues; the same path as an
 * admin's change of the agent's memberships (saved, applied live). */
void api_config_agent_queues(struct api *api, struct api_req *req,
			     struct api_reply *r, const char *agent)
{
	const struct center_agent *a = center_agent_find(api->deps.center,
							 agent);
	struct odict *body = NULL;
	struct le *le;

	if (req->user->role < API_ROLE_SUPERVISOR) {
		api_error(r, 403, "forbidden", "supervisors and admins move "
			  "agents");
		return;
	}
	if (!a || !api_may_see(req->user, a->tenant)) {
		api_error(r, 404, "not_found", "no agent '%s'", agent);
		return;
	}
	if (api_body_parse(r, req, &body))
		return;
	LIST_FOREACH(&body->lst, le) {
		const struct odict_entry *e = le->data;

		if (strcmp(e->key, "queues")) {
			api_error(r, 400, "bad_field", "%s: unknown; give "
				  "\"queues\" only", e->key);
			mem_deref(body);
			return;
		}
	}
	if (!odict_lookup(body, "queues")) {
		api_error(r, 400, "missing_field", "queues: required");
		mem_deref(body);
		return;
	}
	mem_deref(body);
	config_change(api, req, r, section_find("agents"), agent, OP_MERGE);
}
