/* center.c — a loaded center's lifetime, lookups and vocabulary. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "config/center.h"
#include "config/load.h"
#include "config/secret.h"

static const char *const lang_names[CENTER_LANG_COUNT] = {
	"fr", "ar", "en", "de", "es"
};

/* The engine's strategies as written in JSON, in enum acd_strategy order.
 * tests/unit/test_config.c checks them against acd_strategy_name(). */
static const char *const strategy_names[ACD_STRATEGY_COUNT] = {
	"longest-idle", "round-robin", "linear", "fewest-calls",
	"least-talk-time", "random", "weighted-random", "ring-all",
	"best-skill"
};

static const char *const empty_names[] = {
	"allow", "no-agents", "no-available"
};

static const char *const answer_names[] = {"answer", "early-media"};

static const char *const role_names[CENTER_ROLE_COUNT] = {
	"agent", "supervisor", "admin"
};

const char *center_role_name(enum center_role role)
{
	return (unsigned)role < CENTER_ROLE_COUNT ? role_names[role] : "?";
}

int center_role_parse(const char *name, enum center_role *rolep)
{
	if (!name || !rolep)
		return EINVAL;
	for (int i = 0; i < CENTER_ROLE_COUNT; i++) {
		if (!strcmp(name, role_names[i])) {
			*rolep = (enum center_role)i;
			return 0;
		}
	}
	return EINVAL;
}

const char *center_lang_name(enum center_lang lang)
{
	return (unsigned)lang < CENTER_LANG_COUNT ? lang_names[lang] : "?";
}

int center_lang_parse(const char *name, enum center_lang *langp)
{
	if (!name || !langp)
		return EINVAL;
	for (int i = 0; i < CENTER_LANG_COUNT; i++) {
		if (!strcmp(name, lang_names[i])) {
			*langp = (enum center_lang)i;
			return 0;
		}
	}
	return EINVAL;
}

const char *center_strategy_name(int strategy)
{
	return strategy >= 0 && strategy < ACD_STRATEGY_COUNT ?
		strategy_names[strategy] : "?";
}

int center_strategy_parse(const char *name, int *strategyp)
{
	for (int i = 0; name && i < ACD_STRATEGY_COUNT; i++) {
		if (!strcmp(name, strategy_names[i])) {
			*strategyp = i;
			return 0;
		}
	}
	return EINVAL;
}

const char *center_empty_name(int rule)
{
	return rule >= 0 && rule < 3 ? empty_names[rule] : "?";
}

const char *center_answer_name(int mode)
{
	return mode >= 0 && mode < 2 ? answer_names[mode] : "?";
}

static void route_free(struct center_route *r)
{
	mem_deref(r->queue);
	mem_deref(r->menu);
	mem_deref(r->skills);
}

void center_destroy(void *arg)
{
	struct center *c = arg;

	mem_deref(c->name);
	mem_deref(c->timezone);
	mem_deref(c->sip_realm);
	for (size_t i = 0; c->tenants && i < c->n_tenants; i++) {
		mem_deref(c->tenants[i].id);
		mem_deref(c->tenants[i].name);
	}
	for (size_t i = 0; c->sites && i < c->n_sites; i++) {
		mem_deref(c->sites[i].id);
		mem_deref(c->sites[i].name);
		mem_deref(c->sites[i].city);
	}
	for (size_t i = 0; c->positions && i < c->n_positions; i++) {
		mem_deref(c->positions[i].id);
		mem_deref(c->positions[i].site);
		mem_deref(c->positions[i].sip_user);
	}
	for (size_t i = 0; c->pauses && i < c->n_pauses; i++) {
		mem_deref(c->pauses[i].id);
		mem_deref(c->pauses[i].name);
	}
	for (size_t i = 0; c->dispositions && i < c->n_dispositions; i++) {
		mem_deref(c->dispositions[i].id);
		mem_deref(c->dispositions[i].tenant);
		mem_deref(c->dispositions[i].name);
	}
	for (size_t i = 0; c->queues && i < c->n_queues; i++) {
		struct center_queue *q = &c->queues[i];

		mem_deref(q->id);
		mem_deref(q->tenant);
		mem_deref(q->name);
		mem_deref((char *)q->acd.skills);
		mem_deref((char *)q->acd.sites);
		for (size_t j = 0; j < ACD_MAX_WIDEN; j++) {
			mem_deref((char *)q->acd.widen[j].skills);
			mem_deref((char *)q->acd.widen[j].add_queue);
			mem_deref((char *)q->acd.widen[j].add_site);
		}
		mem_deref(q->hold_music);
	}
	for (size_t i = 0; c->agents && i < c->n_agents; i++) {
		struct center_agent *a = &c->agents[i];

		mem_deref(a->id);
		mem_deref(a->name);
		mem_deref(a->tenant);
		mem_deref(a->skills);
		mem_deref(a->pin_hash);
		mem_deref(a->number);
		for (size_t j = 0; a->members && j < a->n_members; j++)
			mem_deref(a->members[j].queue);
		mem_deref(a->members);
	}
	for (size_t i = 0; c->dids && i < c->n_dids; i++) {
		mem_deref(c->dids[i].number);
		mem_deref(c->dids[i].tenant);
		route_free(&c->dids[i].route);
	}
	for (size_t i = 0; c->ivrs && i < c->n_ivrs; i++) {
		struct center_ivr *m = &c->ivrs[i];

		mem_deref(m->id);
		mem_deref(m->tenant);
		for (int l = 0; l < CENTER_LANG_COUNT; l++)
			mem_deref(m->prompt[l]);
		for (size_t j = 0; j < CENTER_IVR_KEYS; j++)
			route_free(&m->options[j].route);
		route_free(&m->dflt);
	}
	for (size_t i = 0; c->users && i < c->n_users; i++) {
		mem_deref(c->users[i].name);
		mem_deref(c->users[i].tenant);
		mem_deref(c->users[i].agent);
		mem_deref(c->users[i].password_hash);
	}
	mem_deref(c->users);
	for (size_t i = 0; c->webhooks && i < c->n_webhooks; i++) {
		struct center_webhook *w = &c->webhooks[i];

		mem_deref(w->id);
		mem_deref(w->tenant);
		mem_deref(w->url);
		if (w->secret)
			secret_wipe(w->secret, strlen(w->secret));
		mem_deref(w->secret);
	}
	mem_deref(c->webhooks);
	mem_deref(c->tenants);
	mem_deref(c->sites);
	mem_deref(c->positions);
	mem_deref(c->pauses);
	mem_deref(c->dispositions);
	mem_deref(c->queues);
	mem_deref(c->agents);
	mem_deref(c->dids);
	mem_deref(c->ivrs);
}

#define FIND(fn, type, arr, n, field)                                      \
	const type *fn(const struct center *c, const char *id)             \
	{                                                                  \
		if (!c || !id)                                             \
			return NULL;                                       \
		for (size_t i = 0; i < c->n; i++) {                        \
			if (!strcmp(c->arr[i].field, id))                  \
				return &c->arr[i];                         \
		}                                                          \
		return NULL;                                               \
	}

FIND(center_tenant_find, struct center_tenant, tenants, n_tenants, id)
FIND(center_site_find, struct center_site, sites, n_sites, id)
FIND(center_position_find, struct center_position, positions, n_positions,
     id)
FIND(center_position_by_sip_user, struct center_position, positions,
     n_positions, sip_user)
FIND(center_queue_find, struct center_queue, queues, n_queues, id)
FIND(center_agent_find, struct center_agent, agents, n_agents, id)
FIND(center_did_find, struct center_did, dids, n_dids, number)
FIND(center_ivr_find, struct center_ivr, ivrs, n_ivrs, id)
FIND(center_pause_find, struct center_pause_reason, pauses, n_pauses, id)
FIND(center_user_find, struct center_user, users, n_users, name)
FIND(center_webhook_find, struct center_webhook, webhooks, n_webhooks, id)

static const char *const hook_names[] = {
	"call.offered", "call.answered", "call.abandoned", "call.ended"
};

const char *center_hook_event_name(enum center_hook_event ev)
{
	for (unsigned i = 0; i < 4; i++) {
		if ((unsigned)ev == 1u << i)
			return hook_names[i];
	}
	return "?";
}

int center_hook_event_parse(const char *name, enum center_hook_event *evp)
{
	if (!name || !evp)
		return EINVAL;
	for (unsigned i = 0; i < 4; i++) {
		if (!strcmp(name, hook_names[i])) {
			*evp = (enum center_hook_event)(1u << i);
			return 0;
		}
	}
	return EINVAL;
}

const struct center_agent *center_agent_by_number(const struct center *c,
						  const char *number)
{
	if (!c || !number)
		return NULL;
	for (size_t i = 0; i < c->n_agents; i++) {
		if (c->agents[i].number && !strcmp(c->agents[i].number, number))
			return &c->agents[i];
	}
	return NULL;
}

/* Scheme, host (a name, an IPv4 address or [IPv6]), optional port
 * 1..65535, optional path; printable ASCII without spaces or quotes. */
int center_hook_url_check(const char *url)
{
	const char *p;
	size_t n, host = 0;
	unsigned long port = 0;

	if (!url)
		return EINVAL;
	n = strlen(url);
	if (n > CENTER_HOOK_URL_MAX)
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c < 0x21 || c > 0x7e || c == '"' || c == '\\' ||
		    c == '<' || c == '>')
			return EINVAL;
	}
	if (!strncasecmp(url, "http://", 7))
		p = url + 7;
	else if (!strncasecmp(url, "https://", 8))
		p = url + 8;
	else
		return EINVAL;
	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (!end || end == p + 1)
			return EINVAL;
		for (const char *q = p + 1; q < end; q++) {
			if (!strchr("0123456789abcdefABCDEF:.", *q))
				return EINVAL;
		}
		p = end + 1;
		host = 1;
	}
	else {
		for (; *p && *p != ':' && *p != '/' && *p != '?'; p++) {
			if (!((*p >= 'a' && *p <= 'z') ||
			      (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '.' ||
			      *p == '-' || *p == '_'))
				return EINVAL;
			host++;
		}
	}
	if (!host)
		return EINVAL;
	if (*p == ':') {
		size_t digits = 0;

		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++digits > 5)
				return EINVAL;
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (!digits || port < 1 || port > 65535)
			return EINVAL;
	}
	if (*p && *p != '/' && *p != '?')
		return EINVAL;
	return 0;
}
