/* conf.c — the configuration tables: saving a struct center, loading one. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <re.h>
#include "config/center.h"
#include "store/sqlite.h"

/*
 * Saving writes one row per object into the tables of migration 2, in one
 * transaction after deleting the previous configuration. Loading does the
 * reverse through the configuration loader itself: the rows are written
 * out as a center JSON document and given to center_parse(), so that a
 * loaded configuration passes exactly the validation of a file and the
 * store never builds the config module's objects by hand.
 */

static const char *const strategies[ACD_STRATEGY_COUNT] = {
	"longest-idle", "round-robin", "linear", "fewest-calls",
	"least-talk-time", "random", "weighted-random", "ring-all",
	"best-skill"
};

static const char *const empty_rules[3] = {
	"allow", "no-agents", "no-available"
};

static const char *const answers[2] = {"answer", "early-media"};

static const char *pick(const char *const *names, unsigned n, unsigned i)
{
	return i < n ? names[i] : NULL;
}

/* ---------------------------------------------------------------------
 * Saving
 * ------------------------------------------------------------------- */

/* Runs one statement; types names the bound values in order:
 * 's' const char * (NULL binds NULL), 'i' int64_t, 'd' double. */
static int run(struct store *st, const char *what, const char *sql,
	       const char *types, ...)
{
	sqlite3_stmt *s = NULL;
	va_list ap;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		const char *v;

		switch (types[i]) {
		case 's':
			v = va_arg(ap, const char *);
			if (v)
				sqlite3_bind_text(s, i + 1, v, -1,
						  SQLITE_STATIC);
			break;
		case 'i':
			sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
			break;
		case 'd':
			sqlite3_bind_double(s, i + 1, va_arg(ap, double));
			break;
		}
	}
	va_end(ap);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		return 0;
	}
 fail:
	err = store_sqlite_errno(rc);
	err = err ? err : EIO;
	store_err(st, err, "%s: saving %s: %s", st->path, what,
		  sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return err;
}

static int64_t wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Saves "lang:fr=5 product:fibre=4" as rows of agent_skills. */
static int save_skills(struct store *st, const char *agent,
		       const char *skills)
{
	char what[200], name[128];
	const char *p = skills;
	int64_t ord = 0;
	int err = 0;

	snprintf(what, sizeof(what), "skills of agent %s", agent);
	while (p && *p && !err) {
		const char *end, *eq;
		size_t len;
		char *stop;
		long level;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		len = eq ? (size_t)(eq - p) : 0;
		if (!eq || len == 0 || len >= sizeof(name))
			return store_err(st, EINVAL, "saving %s: bad skill "
					 "'%.*s'", what, (int)(end - p), p);
		memcpy(name, p, len);
		name[len] = '\0';
		level = strtol(eq + 1, &stop, 10);
		if (stop != end)
			return store_err(st, EINVAL, "saving %s: bad level "
					 "in '%.*s'", what, (int)(end - p), p);
		err = run(st, what, "INSERT INTO agent_skills (agent, skill, "
			  "level, ord) VALUES (?, ?, ?, ?)", "ssii", agent,
			  name, (int64_t)level, ord++);
		p = end;
	}
	return err;
}

static int save_route_lang(const struct center_route *r, const char **lp)
{
	*lp = r->has_language ? center_lang_name(r->language) : NULL;
	return 0;
}

static int save_queue(struct store *st, const struct center_queue *q,
		      int64_t ord)
{
	const struct acd_queue_conf *a = &q->acd;
	char what[200];
	int err;

	snprintf(what, sizeof(what), "queue %s", q->id);
	err = run(st, what, "INSERT INTO queues (id, tenant, name, strategy, "
		  "skills, sites, priority, sl_target, sl_time_ms, "
		  "ring_timeout_ms, wrapup_ms, max_wait_ms, max_len, "
		  "join_empty, leave_empty, max_no_answer, announce_ms, "
		  "language, answer, record, hold_music, ord) VALUES (?, ?, "
		  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		  "ssssssidiiiiissiissisi", q->id, q->tenant, q->name,
		  pick(strategies, ACD_STRATEGY_COUNT, a->strategy),
		  a->skills && *a->skills ? a->skills : NULL,
		  a->sites && *a->sites ? a->sites : NULL,
		  (int64_t)a->priority, a->sl_target, a->sl_time_ms,
		  a->ring_timeout_ms, a->wrapup_ms, a->max_wait_ms,
		  (int64_t)a->max_len, pick(empty_rules, 3, a->join_empty),
		  pick(empty_rules, 3, a->leave_empty),
		  (int64_t)a->max_no_answer, a->announce_ms,
		  center_lang_name(q->language), pick(answers, 2, q->answer),
		  (int64_t)q->record, q->hold_music, ord);
	for (size_t j = 0; !err && j < a->n_widen && j < ACD_MAX_WIDEN; j++) {
		const struct acd_widen_step *w = &a->widen[j];

		err = run(st, what, "INSERT INTO queue_widen (queue, step, "
			  "after_ms, skills, add_queue, add_site) VALUES (?, "
			  "?, ?, ?, ?, ?)", "siisss", q->id, (int64_t)j,
			  w->after_ms, w->skills, w->add_queue, w->add_site);
	}
	return err;
}

static int save_ivr(struct store *st, const struct center_ivr *m,
		    int64_t ord)
{
	const char *lang = NULL;
	char what[200];
	int err;

	snprintf(what, sizeof(what), "IVR menu %s", m->id);
	save_route_lang(&m->dflt, &lang);
	err = run(st, what, "INSERT INTO ivr_menus (id, tenant, prompt_fr, "
		  "prompt_ar, prompt_en, prompt_de, prompt_es, timeout_s, "
		  "retries, default_queue, default_menu, default_skills, "
		  "default_language, ord) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
		  "?, ?, ?, ?, ?)", "sssssssiissssi", m->id, m->tenant,
		  m->prompt[CENTER_LANG_FR], m->prompt[CENTER_LANG_AR],
		  m->prompt[CENTER_LANG_EN], m->prompt[CENTER_LANG_DE],
		  m->prompt[CENTER_LANG_ES], (int64_t)m->timeout_s,
		  (int64_t)m->retries, m->dflt.queue, m->dflt.menu,
		  m->dflt.skills, lang, ord);
	for (size_t j = 0; !err && j < m->n_options &&
	     j < CENTER_IVR_KEYS; j++) {
		const struct center_ivr_option *o = &m->options[j];
		char key[2] = {o->key, '\0'};

		save_route_lang(&o->route, &lang);
		err = run(st, what, "INSERT INTO ivr_options (menu, key, "
			  "queue, target_menu, skills, language, ord) VALUES "
			  "(?, ?, ?, ?, ?, ?, ?)", "ssssssi", m->id, key,
			  o->route.queue, o->route.menu, o->route.skills,
			  lang, (int64_t)j);
	}
	return err;
}

static const char *const config_tables[] = {
	"webhooks", "users", "ivr_options", "ivr_menus", "dids", "memberships", "agent_skills",
	"agents", "queue_widen", "queues", "dispositions", "pause_reasons",
	"positions", "sites", "tenants", "center", NULL
};

static int save_all(struct store *st, const struct center *c)
{
	char what[200], sql[64];
	int err = 0;

	for (int i = 0; !err && config_tables[i]; i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s", config_tables[i]);
		err = run(st, config_tables[i], sql, "");
	}
	if (!err)
		err = run(st, "center", "INSERT INTO center (one, name, "
			  "timezone, sip_realm, imported_ms) VALUES (1, ?, ?, "
			  "?, ?)", "sssi", c->name, c->timezone, c->sip_realm,
			  wall_ms());
	for (size_t i = 0; !err && i < c->n_tenants; i++) {
		snprintf(what, sizeof(what), "tenant %s", c->tenants[i].id);
		err = run(st, what, "INSERT INTO tenants (id, name, ord) "
			  "VALUES (?, ?, ?)", "ssi", c->tenants[i].id,
			  c->tenants[i].name, (int64_t)i);
	}
	for (size_t i = 0; !err && i < c->n_sites; i++) {
		const struct center_site *s = &c->sites[i];

		snprintf(what, sizeof(what), "site %s", s->id);
		err = run(st, what, "INSERT INTO sites (id, name, city, ord) "
			  "VALUES (?, ?, ?, ?)", "sssi", s->id, s->name,
			  s->city, (int64_t)i);
	}
	for (size_t i = 0; !err && i < c->n_positions; i++) {
		const struct center_position *p = &c->positions[i];

		snprintf(what, sizeof(what), "position %s", p->id);
		err = run(st, what, "INSERT INTO positions (id, site, "
			  "sip_user, sip_ha1, ord) VALUES (?, ?, ?, ?, ?)",
			  "ssssi", p->id, p->site, p->sip_user, p->sip_ha1,
			  (int64_t)i);
	}
	for (size_t i = 0; !err && i < c->n_pauses; i++) {
		const struct center_pause_reason *p = &c->pauses[i];

		snprintf(what, sizeof(what), "pause reason %s", p->id);
		err = run(st, what, "INSERT INTO pause_reasons (id, name, "
			  "paid, max_s, ord) VALUES (?, ?, ?, ?, ?)", "ssiii",
			  p->id, p->name, (int64_t)p->paid, (int64_t)p->max_s,
			  (int64_t)i);
	}
	for (size_t i = 0; !err && i < c->n_dispositions; i++) {
		const struct center_disposition *d = &c->dispositions[i];

		snprintf(what, sizeof(what), "disposition %s", d->id);
		err = run(st, what, "INSERT INTO dispositions (tenant, id, "
			  "name, ord) VALUES (?, ?, ?, ?)", "sssi", d->tenant,
			  d->id, d->name, (int64_t)i);
	}
	for (size_t i = 0; !err && i < c->n_queues; i++)
		err = save_queue(st, &c->queues[i], (int64_t)i);
	for (size_t i = 0; !err && i < c->n_agents; i++) {
		const struct center_agent *a = &c->agents[i];

		snprintf(what, sizeof(what), "agent %s", a->id);
		err = run(st, what, "INSERT INTO agents (id, name, tenant, "
			  "pin_hash, number, role, ord) VALUES (?, ?, ?, ?, ?, "
			  "?, ?)", "ssssssi", a->id, a->name, a->tenant,
			  a->pin_hash, a->number, center_role_name(a->role),
			  (int64_t)i);
		if (!err)
			err = save_skills(st, a->id, a->skills);
		for (size_t j = 0; !err && j < a->n_members; j++)
			err = run(st, what, "INSERT INTO memberships (agent, "
				  "queue, weight, ord) VALUES (?, ?, ?, ?)",
				  "ssii", a->id, a->members[j].queue,
				  (int64_t)a->members[j].weight, (int64_t)j);
	}
	for (size_t i = 0; !err && i < c->n_ivrs; i++)
		err = save_ivr(st, &c->ivrs[i], (int64_t)i);
	for (size_t i = 0; !err && i < c->n_dids; i++) {
		const struct center_did *d = &c->dids[i];
		const char *lang = NULL;

		snprintf(what, sizeof(what), "DID %s", d->number);
		save_route_lang(&d->route, &lang);
		err = run(st, what, "INSERT INTO dids (number, tenant, queue, "
			  "menu, skills, language, ord) VALUES (?, ?, ?, ?, ?, "
			  "?, ?)", "ssssssi", d->number, d->tenant,
			  d->route.queue, d->route.menu, d->route.skills, lang,
			  (int64_t)i);
	}
	for (size_t i = 0; !err && i < c->n_users; i++) {
		const struct center_user *u = &c->users[i];

		snprintf(what, sizeof(what), "user %s", u->name);
		err = run(st, what, "INSERT INTO users (name, role, tenant, "
			  "agent, password_hash, ord) VALUES (?, ?, ?, ?, ?, "
			  "?)", "sssssi", u->name, center_role_name(u->role),
			  u->tenant, u->agent, u->password_hash, (int64_t)i);
	}
	for (size_t i = 0; !err && i < c->n_webhooks; i++) {
		const struct center_webhook *w = &c->webhooks[i];
		char evs[128] = "";

		for (unsigned b = 1; b <= CENTER_HOOK_ENDED; b <<= 1) {
			if (!(w->events & b))
				continue;
			if (evs[0])
				strncat(evs, " ", sizeof(evs) - strlen(evs) - 1);
			strncat(evs, center_hook_event_name(
					(enum center_hook_event)b),
				sizeof(evs) - strlen(evs) - 1);
		}
		snprintf(what, sizeof(what), "webhook %s", w->id);
		err = run(st, what, "INSERT INTO webhooks (id, tenant, url, "
			  "secret, events, enabled, ord) VALUES (?, ?, ?, ?, "
			  "?, ?, ?)", "sssssii", w->id, w->tenant, w->url,
			  w->secret, evs, (int64_t)w->enabled, (int64_t)i);
	}
	return err;
}

int store_center_save(struct store *st, const struct center *c)
{
	int err;

	if (!st)
		return EINVAL;
	if (!c)
		return store_err(st, EINVAL, "save: no center");
	err = run(st, "configuration", "BEGIN IMMEDIATE", "");
	if (err)
		return err;
	err = save_all(st, c);
	if (!err)
		err = run(st, "configuration", "COMMIT", "");
	if (err)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/* ---------------------------------------------------------------------
 * Loading: rows to a center document, through center_parse()
 * ------------------------------------------------------------------- */

struct doc {
	struct mbuf *mb;           /* the JSON being written                */
	int err;                   /* first error, sticky                   */
};

static void put(struct doc *d, const char *fmt, ...)
{
	va_list ap;

	if (d->err)
		return;
	va_start(ap, fmt);
	d->err = mbuf_vprintf(d->mb, fmt, ap);
	va_end(ap);
}

/* A JSON string, or null. */
static void jstr(struct doc *d, const char *s)
{
	if (!s) {
		put(d, "null");
		return;
	}
	put(d, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(d, "\\%c", *p);
		else if (*p < 0x20)
			put(d, "\\u%04x", *p);
		else
			put(d, "%c", *p);
	}
	put(d, "\"");
}

/* `, "key": "value"`, skipped when value is NULL. */
static void kstr(struct doc *d, const char *key, const char *v)
{
	if (!v)
		return;
	put(d, ", \"%s\": ", key);
	jstr(d, v);
}

static const char *ctext(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/* Runs a query with at most one text parameter; each row is handed to
 * fn. Returns 0 or an errno value (message set). */
static int rows(struct store *st, struct doc *d, const char *sql,
		const char *param, void (*fn)(struct store *, struct doc *,
					      sqlite3_stmt *, size_t))
{
	sqlite3_stmt *s = NULL;
	size_t n = 0;
	int rc;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK && param)
		sqlite3_bind_text(s, 1, param, -1, SQLITE_TRANSIENT);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		fn(st, d, s, n++);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_OK) {
		int err = store_sqlite_errno(rc);

		return store_err(st, err ? err : EIO, "%s: loading the "
				 "configuration: %s", st->path,
				 sqlite3_errmsg(st->db));
	}
	return d->err;
}

/* Renders a sub-query into its own buffer: *mbp (NULL when no rows). */
static int subquery(struct store *st, const char *sql, const char *param,
		    void (*fn)(struct store *, struct doc *, sqlite3_stmt *,
			       size_t), struct mbuf **mbp)
{
	struct doc sub = {NULL, 0};
	int err;

	*mbp = NULL;
	sub.mb = mbuf_alloc(256);
	if (!sub.mb)
		return ENOMEM;
	err = rows(st, &sub, sql, param, fn);
	if (err || sub.mb->end == 0)
		sub.mb = mem_deref(sub.mb);
	*mbp = sub.mb;
	return err;
}

static void row_tenant(struct store *st, struct doc *d, sqlite3_stmt *s,
		       size_t i)
{
	(void)st;
	put(d, "%s\n    {\"id\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "name", ctext(s, 1));
	put(d, "}");
}

static void row_site(struct store *st, struct doc *d, sqlite3_stmt *s,
		     size_t i)
{
	(void)st;
	put(d, "%s\n    {\"id\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "name", ctext(s, 1));
	kstr(d, "city", ctext(s, 2));
	put(d, "}");
}

static void row_position(struct store *st, struct doc *d, sqlite3_stmt *s,
			 size_t i)
{
	(void)st;
	put(d, "%s\n    {\"id\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "site", ctext(s, 1));
	kstr(d, "sip_user", ctext(s, 2));
	kstr(d, "sip_ha1", ctext(s, 3));
	put(d, "}");
}

static void row_pause(struct store *st, struct doc *d, sqlite3_stmt *s,
		      size_t i)
{
	(void)st;
	put(d, "%s\n    {\"id\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "name", ctext(s, 1));
	put(d, ", \"paid\": %s, \"max_s\": %lld}",
	    sqlite3_column_int(s, 2) ? "true" : "false",
	    (long long)sqlite3_column_int64(s, 3));
}

static void row_disposition(struct store *st, struct doc *d,
			    sqlite3_stmt *s, size_t i)
{
	(void)st;
	put(d, "%s\n    {\"tenant\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "id", ctext(s, 1));
	kstr(d, "name", ctext(s, 2));
	put(d, "}");
}

static void row_widen(struct store *st, struct doc *d, sqlite3_stmt *s,
		      size_t i)
{
	(void)st;
	put(d, "%s{\"after_s\": %lld", i ? ", " : "",
	    (long long)(sqlite3_column_int64(s, 0) / 1000));
	kstr(d, "skills", ctext(s, 1));
	kstr(d, "add_queue", ctext(s, 2));
	kstr(d, "add_site", ctext(s, 3));
	put(d, "}");
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

static void row_queue(struct store *st, struct doc *d, sqlite3_stmt *s,
		      size_t i)
{
	const char *sites = ctext(s, 5);
	struct mbuf *sub = NULL;
	char num[32];

	put(d, "%s\n    {\"id\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "tenant", ctext(s, 1));
	kstr(d, "name", ctext(s, 2));
	kstr(d, "strategy", ctext(s, 3));
	kstr(d, "skills", ctext(s, 4));
	if (sites) {
		const char *p = sites;
		bool first = true;

		put(d, ", \"sites\": [");
		while (*p) {
			size_t len = strcspn(p, " ");
			char id[CENTER_ID_MAX + 1];

			if (len && len <= CENTER_ID_MAX) {
				memcpy(id, p, len);
				id[len] = '\0';
				put(d, "%s", first ? "" : ", ");
				jstr(d, id);
				first = false;
			}
			p += len;
			p += strspn(p, " ");
		}
		put(d, "]");
	}
	dbl(num, sizeof(num), sqlite3_column_double(s, 7));
	put(d, ", \"priority\": %lld, \"service_level\": {\"target\": %s, "
	    "\"time_s\": %lld}, \"ring_timeout_s\": %lld, \"wrapup_s\": "
	    "%lld, \"max_wait_s\": %lld, \"max_len\": %lld",
	    (long long)sqlite3_column_int64(s, 6), num,
	    (long long)(sqlite3_column_int64(s, 8) / 1000),
	    (long long)(sqlite3_column_int64(s, 9) / 1000),
	    (long long)(sqlite3_column_int64(s, 10) / 1000),
	    (long long)(sqlite3_column_int64(s, 11) / 1000),
	    (long long)sqlite3_column_int64(s, 12));
	kstr(d, "join_empty", ctext(s, 13));
	kstr(d, "leave_empty", ctext(s, 14));
	put(d, ", \"max_no_answer\": %lld, \"announce_s\": %lld",
	    (long long)sqlite3_column_int64(s, 15),
	    (long long)(sqlite3_column_int64(s, 16) / 1000));
	if (!d->err)
		d->err = subquery(st, "SELECT after_ms, skills, add_queue, "
				  "add_site FROM queue_widen WHERE queue = ? "
				  "ORDER BY step", ctext(s, 0), row_widen,
				  &sub);
	if (sub)
		put(d, ", \"widen\": [%b]", sub->buf, sub->end);
	sub = mem_deref(sub);
	kstr(d, "language", ctext(s, 17));
	kstr(d, "answer", ctext(s, 18));
	put(d, ", \"record\": %s", sqlite3_column_int(s, 19) ? "true" :
	    "false");
	kstr(d, "hold_music", ctext(s, 20));
	put(d, "}");
}

static void row_skill(struct store *st, struct doc *d, sqlite3_stmt *s,
		      size_t i)
{
	(void)st;
	put(d, "%s%s=%lld", i ? " " : "", ctext(s, 0),
	    (long long)sqlite3_column_int64(s, 1));
}

static void row_member(struct store *st, struct doc *d, sqlite3_stmt *s,
		       size_t i)
{
	(void)st;
	put(d, "%s{\"queue\": ", i ? ", " : "");
	jstr(d, ctext(s, 0));
	put(d, ", \"weight\": %lld}", (long long)sqlite3_column_int64(s, 1));
}

static void row_agent(struct store *st, struct doc *d, sqlite3_stmt *s,
		      size_t i)
{
	struct mbuf *skills = NULL;

	put(d, "%s\n    {\"id\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "name", ctext(s, 1));
	kstr(d, "tenant", ctext(s, 2));
	kstr(d, "pin_hash", ctext(s, 3));
	kstr(d, "number", ctext(s, 4));
	kstr(d, "role", ctext(s, 5));
	if (!d->err)
		d->err = subquery(st, "SELECT skill, level FROM agent_skills "
				  "WHERE agent = ? ORDER BY ord", ctext(s, 0),
				  row_skill, &skills);
	if (skills) {
		/* A skill list is names and levels: escape it anyway. */
		char *list = NULL;

		skills->pos = 0;
		if (mbuf_strdup(skills, &list, skills->end))
			d->err = ENOMEM;
		kstr(d, "skills", list);
		mem_deref(list);
	}
	mem_deref(skills);
	put(d, ", \"queues\": [");
	if (!d->err)
		d->err = rows(st, d, "SELECT queue, weight FROM memberships "
			      "WHERE agent = ? ORDER BY ord", ctext(s, 0),
			      row_member);
	put(d, "]}");
}

static void row_option(struct store *st, struct doc *d, sqlite3_stmt *s,
		       size_t i)
{
	(void)st;
	put(d, "%s{\"key\": ", i ? ", " : "");
	jstr(d, ctext(s, 0));
	kstr(d, "queue", ctext(s, 1));
	kstr(d, "menu", ctext(s, 2));
	kstr(d, "skills", ctext(s, 3));
	kstr(d, "language", ctext(s, 4));
	put(d, "}");
}

static void row_ivr(struct store *st, struct doc *d, sqlite3_stmt *s,
		    size_t i)
{
	bool first = true;

	put(d, "%s\n    {\"id\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "tenant", ctext(s, 1));
	put(d, ", \"prompt\": {");
	for (int l = 0; l < CENTER_LANG_COUNT; l++) {
		const char *p = ctext(s, 2 + l);

		if (!p)
			continue;
		put(d, "%s\"%s\": ", first ? "" : ", ",
		    center_lang_name((enum center_lang)l));
		jstr(d, p);
		first = false;
	}
	put(d, "}, \"timeout_s\": %lld, \"retries\": %lld, \"options\": [",
	    (long long)sqlite3_column_int64(s, 7),
	    (long long)sqlite3_column_int64(s, 8));
	if (!d->err)
		d->err = rows(st, d, "SELECT key, queue, target_menu, skills, "
			      "language FROM ivr_options WHERE menu = ? "
			      "ORDER BY ord", ctext(s, 0), row_option);
	put(d, "]");
	if (ctext(s, 9) || ctext(s, 10) || ctext(s, 11) || ctext(s, 12)) {
		static const char *const keys[4] = {"queue", "menu", "skills",
						    "language"};
		const char *sep = "";

		put(d, ", \"default\": {");
		for (int k = 0; k < 4; k++) {
			if (!ctext(s, 9 + k))
				continue;
			put(d, "%s\"%s\": ", sep, keys[k]);
			jstr(d, ctext(s, 9 + k));
			sep = ", ";
		}
		put(d, "}");
	}
	put(d, "}");
}

static void row_did(struct store *st, struct doc *d, sqlite3_stmt *s,
		    size_t i)
{
	(void)st;
	put(d, "%s\n    {\"number\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "tenant", ctext(s, 1));
	kstr(d, "queue", ctext(s, 2));
	kstr(d, "menu", ctext(s, 3));
	kstr(d, "skills", ctext(s, 4));
	kstr(d, "language", ctext(s, 5));
	put(d, "}");
}

static void row_user(struct store *st, struct doc *d, sqlite3_stmt *s,
		     size_t i)
{
	(void)st;
	put(d, "%s\n    {\"user\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "role", ctext(s, 1));
	kstr(d, "tenant", ctext(s, 2));
	kstr(d, "agent", ctext(s, 3));
	kstr(d, "password_hash", ctext(s, 4));
	put(d, "}");
}

static void row_webhook(struct store *st, struct doc *d, sqlite3_stmt *s,
			size_t i)
{
	const char *evs = ctext(s, 4);
	bool first = true;

	(void)st;
	put(d, "%s\n    {\"id\": ", i ? "," : "");
	jstr(d, ctext(s, 0));
	kstr(d, "tenant", ctext(s, 1));
	kstr(d, "url", ctext(s, 2));
	kstr(d, "secret", ctext(s, 3));
	put(d, ", \"events\": [");
	/* names are [a-z.]: split on spaces, each a JSON string */
	while (evs && *evs) {
		size_t n = strcspn(evs, " ");

		if (n)
			put(d, "%s\"%b\"", first ? "" : ", ", evs, n);
		first = first && !n;
		evs += n;
		evs += strspn(evs, " ");
	}
	put(d, "], \"enabled\": %s}",
	    sqlite3_column_int64(s, 5) ? "true" : "false");
}

static void row_center(struct store *st, struct doc *d, sqlite3_stmt *s,
		       size_t i)
{
	(void)st;
	(void)i;
	put(d, "{\"name\": ");
	jstr(d, ctext(s, 0));
	kstr(d, "timezone", ctext(s, 1));
	kstr(d, "sip_realm", ctext(s, 2));
}

/* One top-level array of the document. */
static int section(struct store *st, struct doc *d, const char *key,
		   const char *sql,
		   void (*fn)(struct store *, struct doc *, sqlite3_stmt *,
			      size_t))
{
	int err;

	put(d, ",\n  \"%s\": [", key);
	err = rows(st, d, sql, NULL, fn);
	put(d, "]");
	return err ? err : d->err;
}

int store_center_load(struct store *st, struct center **cp)
{
	struct doc d = {NULL, 0};
	char msg[512];
	int err;

	if (!st)
		return EINVAL;
	if (!cp)
		return store_err(st, EINVAL, "load: no output");
	st->errmsg[0] = '\0';
	d.mb = mbuf_alloc(16384);
	if (!d.mb)
		return store_err(st, ENOMEM, "load: out of memory");
	err = run(st, "configuration", "BEGIN", "");
	if (err)
		goto out;
	err = rows(st, &d, "SELECT name, timezone, sip_realm FROM center",
		   NULL, row_center);
	if (!err && d.mb->end == 0)
		err = store_err(st, ENOENT, "%s: no configuration imported "
				"yet (plateau import FILE)", st->path);
	if (!err)
		err = section(st, &d, "tenants", "SELECT id, name FROM tenants "
			      "ORDER BY ord", row_tenant);
	if (!err)
		err = section(st, &d, "sites", "SELECT id, name, city FROM "
			      "sites ORDER BY ord", row_site);
	if (!err)
		err = section(st, &d, "positions", "SELECT id, site, sip_user, "
			      "sip_ha1 FROM positions ORDER BY ord",
			      row_position);
	if (!err)
		err = section(st, &d, "pause_reasons", "SELECT id, name, paid, "
			      "max_s FROM pause_reasons ORDER BY ord",
			      row_pause);
	if (!err)
		err = section(st, &d, "dispositions", "SELECT tenant, id, name "
			      "FROM dispositions ORDER BY ord",
			      row_disposition);
	if (!err)
		err = section(st, &d, "queues", "SELECT id, tenant, name, "
			      "strategy, skills, sites, priority, sl_target, "
			      "sl_time_ms, ring_timeout_ms, wrapup_ms, "
			      "max_wait_ms, max_len, join_empty, leave_empty, "
			      "max_no_answer, announce_ms, language, answer, "
			      "record, hold_music FROM queues ORDER BY ord",
			      row_queue);
	if (!err)
		err = section(st, &d, "ivr_menus", "SELECT id, tenant, "
			      "prompt_fr, prompt_ar, prompt_en, prompt_de, "
			      "prompt_es, timeout_s, retries, default_queue, "
			      "default_menu, default_skills, default_language "
			      "FROM ivr_menus ORDER BY ord", row_ivr);
	if (!err)
		err = section(st, &d, "agents", "SELECT id, name, tenant, "
			      "pin_hash, number, role FROM agents ORDER BY ord",
			      row_agent);
	if (!err)
		err = section(st, &d, "dids", "SELECT number, tenant, queue, "
			      "menu, skills, language FROM dids ORDER BY ord",
			      row_did);
	if (!err)
		err = section(st, &d, "users", "SELECT name, role, tenant, "
			      "agent, password_hash FROM users ORDER BY ord",
			      row_user);
	if (!err)
		err = section(st, &d, "webhooks", "SELECT id, tenant, url, "
			      "secret, events, enabled FROM webhooks ORDER BY "
			      "ord", row_webhook);
	put(&d, "\n}\n");
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (!err)
		err = d.err;
	if (err) {
		if (!st->errmsg[0])
			store_err(st, err, "%s: loading the configuration: %s",
				  st->path, strerror(err));
		goto out;
	}
	err = center_parse((const char *)d.mb->buf, d.mb->end, st->path,
			   NULL, cp, msg, sizeof(msg));
	if (err)
		store_err(st, err, "stored configuration does not load: %s",
			  msg);
 out:
	mem_deref(d.mb);
	return err;
}
