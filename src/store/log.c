/* log.c — the event log and call detail records: copy, write, read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/sqlite.h"

/* ---------------------------------------------------------------------
 * Storage names (the on-disk vocabulary: never renamed, only added to)
 * ------------------------------------------------------------------- */

static const char *const ev_types[ACD_EV_COUNT] = {
	[ACD_EV_CALL_ENTER] = "call-enter",
	[ACD_EV_OFFER] = "offer",
	[ACD_EV_OFFER_STOP] = "offer-stop",
	[ACD_EV_OFFER_NO_ANSWER] = "offer-no-answer",
	[ACD_EV_OFFER_DECLINED] = "offer-declined",
	[ACD_EV_OFFER_FAILED] = "offer-failed",
	[ACD_EV_CONNECT] = "connect",
	[ACD_EV_ABANDON] = "abandon",
	[ACD_EV_EXIT] = "exit",
	[ACD_EV_COMPLETE] = "complete",
	[ACD_EV_TRANSFER] = "transfer",
	[ACD_EV_WRAPUP_END] = "wrapup-end",
	[ACD_EV_AGENT_STATE] = "agent-state",
	[ACD_EV_WIDEN] = "widen",
	[ACD_EV_ANNOUNCE] = "announce",
};

static const char *const agent_states[ACD_AGENT_STATE_COUNT] = {
	[ACD_AGENT_LOGGED_OUT] = "logged-out",
	[ACD_AGENT_READY] = "ready",
	[ACD_AGENT_PAUSED] = "paused",
	[ACD_AGENT_OFFERED] = "offered",
	[ACD_AGENT_ON_CALL] = "on-call",
	[ACD_AGENT_WRAP_UP] = "wrap-up",
};

#define N_EXIT_REASONS 4
static const char *const exit_reasons[N_EXIT_REASONS] = {
	[ACD_EXIT_TIMEOUT] = "timeout",
	[ACD_EXIT_EMPTY] = "empty",
	[ACD_EXIT_FULL] = "full",
	[ACD_EXIT_KEY] = "key",
};

#define N_PARTIES 2
static const char *const parties[N_PARTIES] = {
	[ACD_PARTY_CALLER] = "caller",
	[ACD_PARTY_AGENT] = "agent",
};

static const char *const outcomes[STORE_OUTCOME_COUNT] = {
	[STORE_OUTCOME_NONE] = "none",
	[STORE_OUTCOME_ANSWERED] = "answered",
	[STORE_OUTCOME_ABANDONED] = "abandoned",
	[STORE_OUTCOME_EXITED] = "exited",
	[STORE_OUTCOME_FAILED] = "failed",
};

static const char *const hangups[STORE_HANGUP_COUNT] = {
	[STORE_HANGUP_NONE] = "none",
	[STORE_HANGUP_CALLER] = "caller",
	[STORE_HANGUP_AGENT] = "agent",
	[STORE_HANGUP_SYSTEM] = "system",
};

/* Index of s in names[n], or -1. */
static int name_index(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++) {
		if (!strcmp(names[i], s))
			return i;
	}
	return -1;
}

const char *store_ev_type_str(enum acd_event_type t)
{
	return (unsigned)t < ACD_EV_COUNT ? ev_types[t] : "?";
}

int store_ev_type_parse(const char *s, enum acd_event_type *tp)
{
	int i = name_index(ev_types, ACD_EV_COUNT, s);

	if (i < 0)
		return EINVAL;
	*tp = (enum acd_event_type)i;
	return 0;
}

const char *store_outcome_name(enum store_outcome o)
{
	return (unsigned)o < STORE_OUTCOME_COUNT ? outcomes[o] : "?";
}

const char *store_hangup_name(enum store_hangup h)
{
	return (unsigned)h < STORE_HANGUP_COUNT ? hangups[h] : "?";
}

/* ---------------------------------------------------------------------
 * Copies into the queue
 * ------------------------------------------------------------------- */

/* A string packer: first pass counts, second pass copies. */
struct pack {
	char *p;                   /* next free byte, NULL when counting    */
	size_t n;                  /* bytes needed                          */
};

static const char *pack_str(struct pack *pk, const char *s)
{
	size_t len;
	char *d;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	pk->n += len;
	if (!pk->p)
		return NULL;
	d = pk->p;
	memcpy(d, s, len);
	pk->p += len;
	return d;
}

static void pack_event(struct pack *pk, struct acd_event *d,
		       const struct acd_event *s)
{
	d->tenant = pack_str(pk, s->tenant);
	d->queue = pack_str(pk, s->queue);
	d->agent = pack_str(pk, s->agent);
	d->to_queue = pack_str(pk, s->to_queue);
	d->reason = pack_str(pk, s->reason);
	d->position = pack_str(pk, s->position);
	d->site = pack_str(pk, s->site);
}

static void pack_cdr(struct pack *pk, struct store_cdr *d,
		     const struct store_cdr *s)
{
	d->call_id = pack_str(pk, s->call_id);
	d->tenant = pack_str(pk, s->tenant);
	d->did = pack_str(pk, s->did);
	d->caller = pack_str(pk, s->caller);
	d->agent = pack_str(pk, s->agent);
	d->queue = pack_str(pk, s->queue);
	d->recording = pack_str(pk, s->recording);
	d->disposition = NULL;
	d->notes = NULL;
}

static void pack_dispo(struct pack *pk, struct dispo *d,
		       const struct dispo *s)
{
	d->tenant = pack_str(pk, s->tenant);
	d->call_id = pack_str(pk, s->call_id);
	d->disposition = pack_str(pk, s->disposition);
	d->notes = pack_str(pk, s->notes);
}

/* Allocates an item holding a copy of src (of the kind's type) and, for
 * an event, of its call id. */
static struct item *item_copy(enum item_kind kind, const void *src,
			      const char *call_id)
{
	struct pack pk = {NULL, 0};
	struct item tmp, *it;

	switch (kind) {
	case ITEM_EVENT:
		pack_event(&pk, &tmp.u.ev, src);
		(void)pack_str(&pk, call_id);
		break;
	case ITEM_CDR:
		pack_cdr(&pk, &tmp.u.cdr, src);
		break;
	case ITEM_DISPO:
		pack_dispo(&pk, &tmp.u.dispo, src);
		break;
	}
	it = malloc(sizeof(*it) + pk.n);
	if (!it)
		return NULL;
	it->kind = kind;
	it->ev_call_id = NULL;
	pk.p = it->strings;
	switch (kind) {
	case ITEM_EVENT:
		it->u.ev = *(const struct acd_event *)src;
		pack_event(&pk, &it->u.ev, src);
		it->ev_call_id = pack_str(&pk, call_id);
		break;
	case ITEM_CDR:
		it->u.cdr = *(const struct store_cdr *)src;
		pack_cdr(&pk, &it->u.cdr, src);
		break;
	case ITEM_DISPO:
		it->u.dispo = *(const struct dispo *)src;
		pack_dispo(&pk, &it->u.dispo, src);
		break;
	}
	return it;
}

int store_event_append(struct store *st, const struct acd_event *ev)
{
	return store_event_append_call(st, ev, NULL);
}

int store_event_append_call(struct store *st, const struct acd_event *ev,
			    const char *call_id)
{
	struct item *it;

	if (!st)
		return EINVAL;
	if (!ev)
		return store_err(st, EINVAL, "event: none given");
	if ((unsigned)ev->type >= ACD_EV_COUNT)
		return store_err(st, EINVAL, "event: unknown type %d",
				 (int)ev->type);
	if (ev->time < 0)
		return store_err(st, EINVAL, "event %s: negative time",
				 ev_types[ev->type]);
	if (ev->type == ACD_EV_EXIT &&
	    (unsigned)ev->exit_reason >= N_EXIT_REASONS)
		return store_err(st, EINVAL, "event exit: bad exit reason %d",
				 (int)ev->exit_reason);
	if (ev->type == ACD_EV_COMPLETE && (unsigned)ev->ended_by >= N_PARTIES)
		return store_err(st, EINVAL, "event complete: bad party %d",
				 (int)ev->ended_by);
	if (ev->type == ACD_EV_AGENT_STATE &&
	    ((unsigned)ev->state >= ACD_AGENT_STATE_COUNT ||
	     (unsigned)ev->old_state >= ACD_AGENT_STATE_COUNT))
		return store_err(st, EINVAL, "event agent-state: bad state");
	if (ev->call > (uint64_t)INT64_MAX)
		return store_err(st, EINVAL, "event: call number too large");
	if (call_id && (!*call_id || strlen(call_id) > STORE_CALL_ID_MAX))
		return store_err(st, EINVAL, "event %s: call id empty or "
				 "longer than %d", ev_types[ev->type],
				 STORE_CALL_ID_MAX);

	it = item_copy(ITEM_EVENT, ev, call_id);
	if (!it)
		return store_err(st, ENOMEM, "event: out of memory");
	return store_enqueue(st, it);
}

int store_cdr_put(struct store *st, const struct store_cdr *cdr)
{
	struct item *it;

	if (!st)
		return EINVAL;
	if (!cdr || !cdr->call_id || !*cdr->call_id)
		return store_err(st, EINVAL, "CDR: no call id");
	if (!cdr->tenant || !*cdr->tenant)
		return store_err(st, EINVAL, "CDR %s: no tenant",
				 cdr->call_id);
	if ((unsigned)cdr->outcome >= STORE_OUTCOME_COUNT)
		return store_err(st, EINVAL, "CDR %s: bad outcome %d",
				 cdr->call_id, (int)cdr->outcome);
	if ((unsigned)cdr->ended_by >= STORE_HANGUP_COUNT)
		return store_err(st, EINVAL, "CDR %s: bad hang-up party %d",
				 cdr->call_id, (int)cdr->ended_by);
	if (cdr->outcome == STORE_OUTCOME_EXITED &&
	    (unsigned)cdr->exit_reason >= N_EXIT_REASONS)
		return store_err(st, EINVAL, "CDR %s: bad exit reason %d",
				 cdr->call_id, (int)cdr->exit_reason);
	if (cdr->acd_call > (uint64_t)INT64_MAX || cdr->arrive_ms < 0 ||
	    cdr->enter_ms < 0 || cdr->offer_ms < 0 || cdr->answer_ms < 0 ||
	    cdr->end_ms < 0 || cdr->wait_ms < 0 || cdr->talk_ms < 0)
		return store_err(st, EINVAL, "CDR %s: negative time or "
				 "number out of range", cdr->call_id);

	it = item_copy(ITEM_CDR, cdr, NULL);
	if (!it)
		return store_err(st, ENOMEM, "CDR: out of memory");
	return store_enqueue(st, it);
}

int store_cdr_disposition(struct store *st, const char *tenant,
			  const char *call_id, const char *disposition,
			  const char *notes)
{
	struct dispo d = {tenant, call_id, disposition, notes};
	struct item *it;

	if (!st)
		return EINVAL;
	if (!tenant || !*tenant || !call_id || !*call_id)
		return store_err(st, EINVAL, "disposition: tenant and call "
				 "id are required");
	it = item_copy(ITEM_DISPO, &d, NULL);
	if (!it)
		return store_err(st, ENOMEM, "disposition: out of memory");
	return store_enqueue(st, it);
}

/* ---------------------------------------------------------------------
 * Writing (the writer thread)
 * ------------------------------------------------------------------- */

#define EV_COLS "time_ms, type, call, tenant, queue, agent, priority, " \
	"wait_ms, exit_reason, exit_key, ended_by, talk_ms, to_queue, "   \
	"state, old_state, reason, position, site, widen_step, "          \
	"position_in_line, expected_wait_ms, call_id"

#define CDR_COLS "call_id, acd_call, tenant, did, caller, arrive_ms, "   \
	"enter_ms, offer_ms, answer_ms, end_ms, ended_by, agent, queue, " \
	"wait_ms, talk_ms, outcome, exit_reason, recording, disposition, " \
	"notes"

int store_log_prepare(struct store *st)
{
	static const char ins_event[] =
		"INSERT INTO events (" EV_COLS ") VALUES (?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char put_cdr[] =
		"INSERT INTO cdrs (" CDR_COLS ") VALUES (?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL) "
		"ON CONFLICT (call_id) DO UPDATE SET "
		"acd_call = excluded.acd_call, did = excluded.did, "
		"caller = excluded.caller, arrive_ms = excluded.arrive_ms, "
		"enter_ms = excluded.enter_ms, offer_ms = excluded.offer_ms, "
		"answer_ms = excluded.answer_ms, end_ms = excluded.end_ms, "
		"ended_by = excluded.ended_by, agent = excluded.agent, "
		"queue = excluded.queue, wait_ms = excluded.wait_ms, "
		"talk_ms = excluded.talk_ms, outcome = excluded.outcome, "
		"exit_reason = excluded.exit_reason, "
		"recording = excluded.recording "
		"WHERE cdrs.tenant = excluded.tenant";
	static const char set_dispo[] =
		"UPDATE cdrs SET disposition = ?, notes = ? "
		"WHERE call_id = ? AND tenant = ?";
	const char *sql[3] = {ins_event, put_cdr, set_dispo};
	sqlite3_stmt **stmts[3] = {&st->ins_event, &st->put_cdr,
				   &st->set_dispo};

	for (int i = 0; i < 3; i++) {
		int rc = sqlite3_prepare_v3(st->wdb, sql[i], -1,
					    SQLITE_PREPARE_PERSISTENT,
					    stmts[i], NULL);
		if (rc != SQLITE_OK)
			return store_err(st, EIO, "%s: preparing writes: %s",
					 st->path, sqlite3_errmsg(st->wdb));
	}
	return 0;
}

void store_log_finalize(struct store *st)
{
	sqlite3_finalize(st->ins_event);
	sqlite3_finalize(st->put_cdr);
	sqlite3_finalize(st->set_dispo);
	st->ins_event = st->put_cdr = st->set_dispo = NULL;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* A time or duration: 0 (did not happen) is stored as NULL. */
static void bind_ms(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static void bind_event(sqlite3_stmt *s, const struct acd_event *e)
{
	enum acd_event_type t = e->type;
	char key[2] = {e->key, '\0'};

	sqlite3_bind_int64(s, 1, e->time);
	sqlite3_bind_text(s, 2, ev_types[t], -1, SQLITE_STATIC);
	bind_ms(s, 3, (int64_t)e->call);
	bind_text(s, 4, e->tenant);
	bind_text(s, 5, e->queue);
	bind_text(s, 6, e->agent);
	if (t == ACD_EV_CALL_ENTER)
		sqlite3_bind_int(s, 7, e->priority);
	if (t == ACD_EV_CONNECT || t == ACD_EV_ABANDON || t == ACD_EV_EXIT)
		sqlite3_bind_int64(s, 8, e->wait_ms);
	if (t == ACD_EV_EXIT) {
		sqlite3_bind_text(s, 9, exit_reasons[e->exit_reason], -1,
				  SQLITE_STATIC);
		if (e->key)
			sqlite3_bind_text(s, 10, key, 1, SQLITE_TRANSIENT);
	}
	if (t == ACD_EV_COMPLETE) {
		sqlite3_bind_text(s, 11, parties[e->ended_by], -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(s, 12, e->talk_ms);
	}
	bind_text(s, 13, e->to_queue);
	if (t == ACD_EV_AGENT_STATE) {
		sqlite3_bind_text(s, 14, agent_states[e->state], -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(s, 15, agent_states[e->old_state], -1,
				  SQLITE_STATIC);
	}
	bind_text(s, 16, e->reason);
	bind_text(s, 17, e->position);
	bind_text(s, 18, e->site);
	if (t == ACD_EV_WIDEN)
		sqlite3_bind_int64(s, 19, e->widen_step);
	if (t == ACD_EV_ANNOUNCE) {
		sqlite3_bind_int64(s, 20, e->position_in_line);
		sqlite3_bind_int64(s, 21, e->expected_wait_ms);
	}
}

static void bind_cdr(sqlite3_stmt *s, const struct store_cdr *c)
{
	bind_text(s, 1, c->call_id);
	bind_ms(s, 2, (int64_t)c->acd_call);
	bind_text(s, 3, c->tenant);
	bind_text(s, 4, c->did);
	bind_text(s, 5, c->caller);
	bind_ms(s, 6, c->arrive_ms);
	bind_ms(s, 7, c->enter_ms);
	bind_ms(s, 8, c->offer_ms);
	bind_ms(s, 9, c->answer_ms);
	bind_ms(s, 10, c->end_ms);
	if (c->ended_by != STORE_HANGUP_NONE)
		sqlite3_bind_text(s, 11, hangups[c->ended_by], -1,
				  SQLITE_STATIC);
	bind_text(s, 12, c->agent);
	bind_text(s, 13, c->queue);
	/* wait and talk: 0 is a real duration once the call ended */
	if (c->wait_ms || c->end_ms)
		sqlite3_bind_int64(s, 14, c->wait_ms);
	if (c->talk_ms || c->answer_ms)
		sqlite3_bind_int64(s, 15, c->talk_ms);
	if (c->outcome != STORE_OUTCOME_NONE)
		sqlite3_bind_text(s, 16, outcomes[c->outcome], -1,
				  SQLITE_STATIC);
	if (c->outcome == STORE_OUTCOME_EXITED)
		sqlite3_bind_text(s, 17, exit_reasons[c->exit_reason], -1,
				  SQLITE_STATIC);
	bind_text(s, 18, c->recording);
}

int store_item_write(struct store *st, const struct item *it,
		     bool *appliedp)
{
	sqlite3_stmt *s = NULL;
	int rc;

	switch (it->kind) {
	case ITEM_EVENT:
		s = st->ins_event;
		bind_event(s, &it->u.ev);
		bind_text(s, 22, it->ev_call_id);
		break;
	case ITEM_CDR:
		s = st->put_cdr;
		bind_cdr(s, &it->u.cdr);
		break;
	case ITEM_DISPO:
		s = st->set_dispo;
		bind_text(s, 1, it->u.dispo.disposition);
		bind_text(s, 2, it->u.dispo.notes);
		bind_text(s, 3, it->u.dispo.call_id);
		bind_text(s, 4, it->u.dispo.tenant);
		break;
	}
	rc = sqlite3_step(s);
	/* An upsert on another tenant's call, or a disposition for an
	 * unknown call, changes nothing. */
	*appliedp = rc != SQLITE_DONE || it->kind == ITEM_EVENT ||
		    sqlite3_changes(st->wdb) > 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc;
}

/* ---------------------------------------------------------------------
 * Reading (the caller's thread)
 * ------------------------------------------------------------------- */

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static int read_err(struct store *st, int rc, const char *what)
{
	int err = store_sqlite_errno(rc);

	return store_err(st, err ? err : EIO, "%s: reading %s: %s", st->path,
			 what, sqlite3_errmsg(st->db));
}

int store_events_read(struct store *st, const char *tenant,
		      int64_t after_id, size_t limit, store_event_h *eh,
		      void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc, i;

	if (!st)
		return EINVAL;
	if (!eh || after_id < 0 || limit > INT64_MAX)
		return store_err(st, EINVAL, "events read: bad argument");
	/* Two statements rather than "?2 IS NULL OR tenant = ?2", so that
	 * each uses its index (events_tenant, or the rowid). */
	if (tenant)
		rc = sqlite3_prepare_v2(st->db, "SELECT id, " EV_COLS " FROM "
					"events WHERE id > ?1 AND tenant = ?2 "
					"ORDER BY id LIMIT ?3", -1, &s, NULL);
	else
		rc = sqlite3_prepare_v2(st->db, "SELECT id, " EV_COLS " FROM "
					"events WHERE id > ?1 "
					"ORDER BY id LIMIT ?3", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return read_err(st, rc, "events");
	sqlite3_bind_int64(s, 1, after_id);
	if (tenant)
		bind_text(s, 2, tenant);
	sqlite3_bind_int64(s, 3, limit ? (int64_t)limit : -1);

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_event e;
		struct acd_event *ev = &e.ev;
		const char *k;

		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(s, 0);
		ev->time = sqlite3_column_int64(s, 1);
		if (store_ev_type_parse(col_text(s, 2), &ev->type)) {
			fprintf(stderr, "plateau store: event %lld has "
				"unknown type '%s', skipped\n",
				(long long)e.id, col_text(s, 2));
			continue;
		}
		ev->call = (uint64_t)sqlite3_column_int64(s, 3);
		ev->tenant = col_text(s, 4);
		ev->queue = col_text(s, 5);
		ev->agent = col_text(s, 6);
		ev->priority = sqlite3_column_int(s, 7);
		ev->wait_ms = sqlite3_column_int64(s, 8);
		i = name_index(exit_reasons, N_EXIT_REASONS, col_text(s, 9));
		ev->exit_reason = i < 0 ? 0 : (enum acd_exit_reason)i;
		k = col_text(s, 10);
		ev->key = k ? k[0] : '\0';
		i = name_index(parties, N_PARTIES, col_text(s, 11));
		ev->ended_by = i < 0 ? 0 : (enum acd_party)i;
		ev->talk_ms = sqlite3_column_int64(s, 12);
		ev->to_queue = col_text(s, 13);
		i = name_index(agent_states, ACD_AGENT_STATE_COUNT,
			       col_text(s, 14));
		ev->state = i < 0 ? 0 : (enum acd_agent_state)i;
		i = name_index(agent_states, ACD_AGENT_STATE_COUNT,
			       col_text(s, 15));
		ev->old_state = i < 0 ? 0 : (enum acd_agent_state)i;
		ev->reason = col_text(s, 16);
		ev->position = col_text(s, 17);
		ev->site = col_text(s, 18);
		ev->widen_step = (unsigned)sqlite3_column_int64(s, 19);
		ev->position_in_line = (unsigned)sqlite3_column_int64(s, 20);
		ev->expected_wait_ms = sqlite3_column_int64(s, 21);
		e.call_id = col_text(s, 22);
		if (!eh(&e, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return read_err(st, rc, "events");
	return 0;
}

int store_cdrs_read(struct store *st, const struct store_cdr_filter *f,
		    store_cdr_h *ch, void *arg)
{
	char sql[1024];
	sqlite3_stmt *s = NULL;
	int rc, i;

	if (!st)
		return EINVAL;
	if (!f || !ch || f->since_ms < 0 || f->until_ms < 0 ||
	    (unsigned)f->outcome >= STORE_OUTCOME_COUNT ||
	    f->limit > INT64_MAX)
		return store_err(st, EINVAL, "CDR read: bad argument");
	/* Only the conditions asked for, so the planner can use
	 * cdrs_tenant_arrive, cdrs_arrive or the primary key. */
	snprintf(sql, sizeof(sql), "SELECT " CDR_COLS " FROM cdrs WHERE 1%s%s"
		 "%s%s%s%s%s ORDER BY arrive_ms, call_id LIMIT ?8",
		 f->tenant ? " AND tenant = ?1" : "",
		 f->since_ms ? " AND arrive_ms >= ?2" : "",
		 f->until_ms ? " AND arrive_ms < ?3" : "",
		 f->queue ? " AND queue = ?4" : "",
		 f->agent ? " AND agent = ?5" : "",
		 f->call_id ? " AND call_id = ?6" : "",
		 f->outcome ? " AND outcome = ?7" : "");
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return read_err(st, rc, "CDRs");
	bind_text(s, 1, f->tenant);
	sqlite3_bind_int64(s, 2, f->since_ms);
	sqlite3_bind_int64(s, 3, f->until_ms);
	bind_text(s, 4, f->queue);
	bind_text(s, 5, f->agent);
	bind_text(s, 6, f->call_id);
	bind_text(s, 7, f->outcome ? outcomes[f->outcome] : NULL);
	sqlite3_bind_int64(s, 8, f->limit ? (int64_t)f->limit : -1);

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_cdr c;

		memset(&c, 0, sizeof(c));
		c.call_id = col_text(s, 0);
		c.acd_call = (uint64_t)sqlite3_column_int64(s, 1);
		c.tenant = col_text(s, 2);
		c.did = col_text(s, 3);
		c.caller = col_text(s, 4);
		c.arrive_ms = sqlite3_column_int64(s, 5);
		c.enter_ms = sqlite3_column_int64(s, 6);
		c.offer_ms = sqlite3_column_int64(s, 7);
		c.answer_ms = sqlite3_column_int64(s, 8);
		c.end_ms = sqlite3_column_int64(s, 9);
		i = name_index(hangups, STORE_HANGUP_COUNT, col_text(s, 10));
		c.ended_by = i < 0 ? STORE_HANGUP_NONE : (enum store_hangup)i;
		c.agent = col_text(s, 11);
		c.queue = col_text(s, 12);
		c.wait_ms = sqlite3_column_int64(s, 13);
		c.talk_ms = sqlite3_column_int64(s, 14);
		i = name_index(outcomes, STORE_OUTCOME_COUNT, col_text(s, 15));
		c.outcome = i < 0 ? STORE_OUTCOME_NONE : (enum store_outcome)i;
		i = name_index(exit_reasons, N_EXIT_REASONS, col_text(s, 16));
		c.exit_reason = i < 0 ? 0 : (enum acd_exit_reason)i;
		c.recording = col_text(s, 17);
		c.disposition = col_text(s, 18);
		c.notes = col_text(s, 19);
		if (!ch(&c, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return read_err(st, rc, "CDRs");
	return 0;
}
