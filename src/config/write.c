/* write.c — writes a center back as JSON (for `plateau export`); loading
 * the output gives an equal center. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "config/center.h"
#include "config/load.h"

/* A JSON string literal; NULL prints null. UTF-8 passes through. */
static int jstr(struct re_printf *pf, const char *s)
{
	int err = 0;

	if (!s)
		return re_hprintf(pf, "null");
	err = re_hprintf(pf, "\"");
	for (const char *p = s; *p && !err; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\')
			err = re_hprintf(pf, "\\%c", c);
		else if (c == '\n')
			err = re_hprintf(pf, "\\n");
		else if (c < 0x20)
			err = re_hprintf(pf, "\\u%04x", c);
		else
			err = re_hprintf(pf, "%c", c);
	}
	return err ? err : re_hprintf(pf, "\"");
}

/* `,\n  "key": "value"` with an optional leading comma. */
static int kstr(struct re_printf *pf, const char *ind, const char *key,
		const char *val)
{
	int err = re_hprintf(pf, ",\n%s\"%s\": ", ind, key);

	return err ? err : jstr(pf, val);
}

static int kint(struct re_printf *pf, const char *ind, const char *key,
		long long v)
{
	return re_hprintf(pf, ",\n%s\"%s\": %lld", ind, key, v);
}

static int kbool(struct re_printf *pf, const char *ind, const char *key,
		 bool v)
{
	return re_hprintf(pf, ",\n%s\"%s\": %s", ind, key,
			  v ? "true" : "false");
}

/* The shortest decimal that reads back as the same double. */
static void dbl(char *buf, size_t sz, double v)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static int route(struct re_printf *pf, const char *ind,
		 const struct center_route *r, bool lang)
{
	int err = 0;

	if (r->queue)
		err = kstr(pf, ind, "queue", r->queue);
	if (!err && r->menu)
		err = kstr(pf, ind, "menu", r->menu);
	if (!err && r->skills)
		err = kstr(pf, ind, "skills", r->skills);
	if (!err && (lang || r->has_language))
		err = kstr(pf, ind, "language", center_lang_name(r->language));
	return err;
}

/* A route's fields on one line, without a leading comma. */
static int route_inline(struct re_printf *pf, const struct center_route *r)
{
	const char *sep = "";
	int err = 0;

	if (r->queue) {
		err |= re_hprintf(pf, "\"queue\": ");
		err |= jstr(pf, r->queue);
		sep = ", ";
	}
	if (r->menu) {
		err |= re_hprintf(pf, "%s\"menu\": ", sep);
		err |= jstr(pf, r->menu);
		sep = ", ";
	}
	if (r->skills) {
		err |= re_hprintf(pf, "%s\"skills\": ", sep);
		err |= jstr(pf, r->skills);
		sep = ", ";
	}
	if (r->has_language)
		err |= re_hprintf(pf, "%s\"language\": \"%s\"", sep,
				  center_lang_name(r->language));
	return err;
}

static int queue(struct re_printf *pf, const struct center_queue *q)
{
	const struct acd_queue_conf *a = &q->acd;
	const char *I = "      ";
	char d[32];
	int err;

	dbl(d, sizeof(d), a->sl_target);
	err = re_hprintf(pf, "    {\n%s\"id\": ", I);
	err |= jstr(pf, q->id);
	err |= kstr(pf, I, "tenant", q->tenant);
	err |= kstr(pf, I, "name", q->name);
	err |= kstr(pf, I, "strategy", center_strategy_name(a->strategy));
	if (a->skills)
		err |= kstr(pf, I, "skills", a->skills);
	if (a->sites) {
		char *s, *save = NULL, *tok;
		bool first = true;

		err |= re_hprintf(pf, ",\n%s\"sites\": [", I);
		if (str_dup(&s, a->sites))
			return ENOMEM;
		for (tok = strtok_r(s, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			err |= re_hprintf(pf, "%s", first ? "" : ", ");
			err |= jstr(pf, tok);
			first = false;
		}
		mem_deref(s);
		err |= re_hprintf(pf, "]");
	}
	err |= kint(pf, I, "priority", a->priority);
	err |= re_hprintf(pf, ",\n%s\"service_level\": {\"target\": %s, "
			  "\"time_s\": %lld}", I, d,
			  (long long)(a->sl_time_ms / 1000));
	err |= kint(pf, I, "ring_timeout_s", a->ring_timeout_ms / 1000);
	err |= kint(pf, I, "wrapup_s", a->wrapup_ms / 1000);
	err |= kint(pf, I, "max_wait_s", a->max_wait_ms / 1000);
	err |= kint(pf, I, "max_len", a->max_len);
	err |= kstr(pf, I, "join_empty", center_empty_name(a->join_empty));
	err |= kstr(pf, I, "leave_empty", center_empty_name(a->leave_empty));
	err |= kint(pf, I, "max_no_answer", a->max_no_answer);
	err |= kint(pf, I, "announce_s", a->announce_ms / 1000);
	if (a->n_widen) {
		err |= re_hprintf(pf, ",\n%s\"widen\": [", I);
		for (size_t j = 0; j < a->n_widen; j++) {
			const struct acd_widen_step *w = &a->widen[j];
			const char *J = "          ";

			err |= re_hprintf(pf, "%s\n        {\n%s\"after_s\": "
					  "%lld", j ? "," : "", J,
					  (long long)(w->after_ms / 1000));
			if (w->skills)
				err |= kstr(pf, J, "skills", w->skills);
			if (w->add_queue)
				err |= kstr(pf, J, "add_queue", w->add_queue);
			if (w->add_site)
				err |= kstr(pf, J, "add_site", w->add_site);
			err |= re_hprintf(pf, "\n        }");
		}
		err |= re_hprintf(pf, "\n%s]", I);
	}
	err |= kstr(pf, I, "language", center_lang_name(q->language));
	err |= kstr(pf, I, "answer", center_answer_name(q->answer));
	err |= kbool(pf, I, "record", q->record);
	err |= kstr(pf, I, "hold_music", q->hold_music);
	err |= re_hprintf(pf, "\n    }");
	return err ? EIO : 0;
}

static int agent(struct re_printf *pf, const struct center_agent *a)
{
	const char *I = "      ";
	int err;

	err = re_hprintf(pf, "    {\n%s\"id\": ", I);
	err |= jstr(pf, a->id);
	err |= kstr(pf, I, "name", a->name);
	err |= kstr(pf, I, "tenant", a->tenant);
	if (a->number)
		err |= kstr(pf, I, "number", a->number);
	if (a->role != CENTER_ROLE_AGENT)
		err |= kstr(pf, I, "role", center_role_name(a->role));
	if (a->skills)
		err |= kstr(pf, I, "skills", a->skills);
	if (a->pin_hash)
		err |= kstr(pf, I, "pin_hash", a->pin_hash);
	err |= re_hprintf(pf, ",\n%s\"queues\": [", I);
	for (size_t j = 0; j < a->n_members; j++) {
		err |= re_hprintf(pf, "%s{\"queue\": ", j ? ", " : "");
		err |= jstr(pf, a->members[j].queue);
		err |= re_hprintf(pf, ", \"weight\": %u}",
				  a->members[j].weight);
	}
	err |= re_hprintf(pf, "]\n    }");
	return err ? EIO : 0;
}

static int ivr(struct re_printf *pf, const struct center_ivr *m)
{
	const char *I = "      ";
	bool first = true;
	int err;

	err = re_hprintf(pf, "    {\n%s\"id\": ", I);
	err |= jstr(pf, m->id);
	err |= kstr(pf, I, "tenant", m->tenant);
	err |= re_hprintf(pf, ",\n%s\"prompt\": {", I);
	for (int l = 0; l < CENTER_LANG_COUNT; l++) {
		if (!m->prompt[l])
			continue;
		err |= re_hprintf(pf, "%s\n        \"%s\": ", first ? "" : ",",
				  center_lang_name((enum center_lang)l));
		err |= jstr(pf, m->prompt[l]);
		first = false;
	}
	err |= re_hprintf(pf, "\n%s}", I);
	err |= kint(pf, I, "timeout_s", m->timeout_s);
	err |= kint(pf, I, "retries", m->retries);
	err |= re_hprintf(pf, ",\n%s\"options\": [", I);
	for (size_t j = 0; j < m->n_options; j++) {
		const char *J = "          ";

		err |= re_hprintf(pf, "%s\n        {\n%s\"key\": \"%c\"",
				  j ? "," : "", J, m->options[j].key);
		err |= route(pf, J, &m->options[j].route, false);
		err |= re_hprintf(pf, "\n        }");
	}
	err |= re_hprintf(pf, "\n%s]", I);
	if (m->dflt.queue || m->dflt.menu || m->dflt.skills ||
	    m->dflt.has_language) {
		err |= re_hprintf(pf, ",\n%s\"default\": {", I);
		err |= route_inline(pf, &m->dflt);
		err |= re_hprintf(pf, "}");
	}
	err |= re_hprintf(pf, "\n    }");
	return err ? EIO : 0;
}

/* Opens a top-level array; items follow with their own indentation. */
static int open_arr(struct re_printf *pf, const char *key, size_t n)
{
	return re_hprintf(pf, ",\n  \"%s\": [%s", key, n ? "\n" : "");
}

static int close_arr(struct re_printf *pf, size_t n)
{
	return re_hprintf(pf, "%s]", n ? "\n  " : "");
}

int center_write_json(struct re_printf *pf, const struct center *c)
{
	const char *I = "      ";
	int err;

	if (!pf || !c)
		return EINVAL;
	err = re_hprintf(pf, "{\n  \"name\": ");
	err |= jstr(pf, c->name);
	err |= kstr(pf, "  ", "timezone", c->timezone);
	err |= kstr(pf, "  ", "sip_realm", c->sip_realm);

	err |= open_arr(pf, "tenants", c->n_tenants);
	for (size_t i = 0; i < c->n_tenants; i++) {
		err |= re_hprintf(pf, "%s    {\"id\": ", i ? ",\n" : "");
		err |= jstr(pf, c->tenants[i].id);
		err |= re_hprintf(pf, ", \"name\": ");
		err |= jstr(pf, c->tenants[i].name);
		err |= re_hprintf(pf, "}");
	}
	err |= close_arr(pf, c->n_tenants);

	err |= open_arr(pf, "sites", c->n_sites);
	for (size_t i = 0; i < c->n_sites; i++) {
		err |= re_hprintf(pf, "%s    {\"id\": ", i ? ",\n" : "");
		err |= jstr(pf, c->sites[i].id);
		err |= re_hprintf(pf, ", \"name\": ");
		err |= jstr(pf, c->sites[i].name);
		err |= re_hprintf(pf, ", \"city\": ");
		err |= jstr(pf, c->sites[i].city);
		err |= re_hprintf(pf, "}");
	}
	err |= close_arr(pf, c->n_sites);

	err |= open_arr(pf, "positions", c->n_positions);
	for (size_t i = 0; i < c->n_positions; i++) {
		const struct center_position *p = &c->positions[i];

		err |= re_hprintf(pf, "%s    {\"id\": ", i ? ",\n" : "");
		err |= jstr(pf, p->id);
		err |= re_hprintf(pf, ", \"site\": ");
		err |= jstr(pf, p->site);
		err |= re_hprintf(pf, ", \"sip_user\": ");
		err |= jstr(pf, p->sip_user);
		err |= re_hprintf(pf, ", \"sip_ha1\": \"%s\"}", p->sip_ha1);
	}
	err |= close_arr(pf, c->n_positions);

	err |= open_arr(pf, "pause_reasons", c->n_pauses);
	for (size_t i = 0; i < c->n_pauses; i++) {
		const struct center_pause_reason *p = &c->pauses[i];

		err |= re_hprintf(pf, "%s    {\"id\": ", i ? ",\n" : "");
		err |= jstr(pf, p->id);
		err |= re_hprintf(pf, ", \"name\": ");
		err |= jstr(pf, p->name);
		err |= re_hprintf(pf, ", \"paid\": %s, \"max_s\": %u}",
				  p->paid ? "true" : "false", p->max_s);
	}
	err |= close_arr(pf, c->n_pauses);

	err |= open_arr(pf, "dispositions", c->n_dispositions);
	for (size_t i = 0; i < c->n_dispositions; i++) {
		const struct center_disposition *d = &c->dispositions[i];

		err |= re_hprintf(pf, "%s    {\"tenant\": ", i ? ",\n" : "");
		err |= jstr(pf, d->tenant);
		err |= re_hprintf(pf, ", \"id\": ");
		err |= jstr(pf, d->id);
		err |= re_hprintf(pf, ", \"name\": ");
		err |= jstr(pf, d->name);
		err |= re_hprintf(pf, "}");
	}
	err |= close_arr(pf, c->n_dispositions);

	err |= open_arr(pf, "queues", c->n_queues);
	for (size_t i = 0; i < c->n_queues && !err; i++) {
		err |= re_hprintf(pf, "%s", i ? ",\n" : "");
		err |= queue(pf, &c->queues[i]);
	}
	err |= close_arr(pf, c->n_queues);

	err |= open_arr(pf, "ivr_menus", c->n_ivrs);
	for (size_t i = 0; i < c->n_ivrs && !err; i++) {
		err |= re_hprintf(pf, "%s", i ? ",\n" : "");
		err |= ivr(pf, &c->ivrs[i]);
	}
	err |= close_arr(pf, c->n_ivrs);

	err |= open_arr(pf, "agents", c->n_agents);
	for (size_t i = 0; i < c->n_agents && !err; i++) {
		err |= re_hprintf(pf, "%s", i ? ",\n" : "");
		err |= agent(pf, &c->agents[i]);
	}
	err |= close_arr(pf, c->n_agents);

	err |= open_arr(pf, "dids", c->n_dids);
	for (size_t i = 0; i < c->n_dids; i++) {
		const struct center_did *d = &c->dids[i];

		err |= re_hprintf(pf, "%s    {\n%s\"number\": ", i ? ",\n" : "",
				  I);
		err |= jstr(pf, d->number);
		err |= kstr(pf, I, "tenant", d->tenant);
		err |= route(pf, I, &d->route, true);
		err |= re_hprintf(pf, "\n    }");
	}
	err |= close_arr(pf, c->n_dids);

	err |= open_arr(pf, "users", c->n_users);
	for (size_t i = 0; i < c->n_users; i++) {
		const struct center_user *u = &c->users[i];

		err |= re_hprintf(pf, "%s    {\"user\": ", i ? ",\n" : "");
		err |= jstr(pf, u->name);
		err |= re_hprintf(pf, ", \"role\": \"%s\", \"tenant\": ",
				  center_role_name(u->role));
		err |= jstr(pf, u->tenant);
		if (u->agent) {
			err |= re_hprintf(pf, ", \"agent\": ");
			err |= jstr(pf, u->agent);
		}
		err |= re_hprintf(pf, ",\n      \"password_hash\": ");
		err |= jstr(pf, u->password_hash);
		err |= re_hprintf(pf, "}");
	}
	err |= close_arr(pf, c->n_users);

	/* Webhook secrets are written as they are: they sign deliveries. */
	err |= open_arr(pf, "webhooks", c->n_webhooks);
	for (size_t i = 0; i < c->n_webhooks; i++) {
		const struct center_webhook *w = &c->webhooks[i];
		bool first = true;

		err |= re_hprintf(pf, "%s    {\n%s\"id\": ", i ? ",\n" : "",
				  I);
		err |= jstr(pf, w->id);
		err |= kstr(pf, I, "tenant", w->tenant);
		err |= kstr(pf, I, "url", w->url);
		err |= kstr(pf, I, "secret", w->secret);
		err |= re_hprintf(pf, ",\n%s\"events\": [", I);
		for (unsigned b = 1; b <= CENTER_HOOK_ENDED; b <<= 1) {
			if (!(w->events & b))
				continue;
			err |= re_hprintf(pf, "%s\"%s\"", first ? "" : ", ",
					  center_hook_event_name(
						  (enum center_hook_event)b));
			first = false;
		}
		err |= re_hprintf(pf, "]");
		err |= kbool(pf, I, "enabled", w->enabled);
		err |= re_hprintf(pf, "\n    }");
	}
	err |= close_arr(pf, c->n_webhooks);
	err |= re_hprintf(pf, "\n}\n");
	return err ? EIO : 0;
}
