/* callback.c — callbacks agents schedule: saved at once in the caller's
 * thread, read back per tenant and agent. */
#include <errno.h>
#include <string.h>
#include "store/sqlite.h"

int store_callback_add(struct store *st, const struct store_callback *cb,
		       int64_t *idp)
{
	sqlite3_stmt *s = NULL;
	int rc, err;

	if (!st)
		return EINVAL;
	if (!cb || !cb->tenant || !*cb->tenant || !cb->number ||
	    !*cb->number || cb->due_ms <= 0)
		return store_err(st, EINVAL, "callback: tenant, number and "
				 "due time are required");
	rc = sqlite3_prepare_v2(st->db, "INSERT INTO callbacks (tenant, "
				"agent, queue, call_id, number, due_ms, notes, "
				"created_ms, created_by) VALUES (?, ?, ?, ?, "
				"?, ?, ?, ?, ?)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, cb->tenant, -1, SQLITE_STATIC);
		if (cb->agent)
			sqlite3_bind_text(s, 2, cb->agent, -1, SQLITE_STATIC);
		if (cb->queue)
			sqlite3_bind_text(s, 3, cb->queue, -1, SQLITE_STATIC);
		if (cb->call_id)
			sqlite3_bind_text(s, 4, cb->call_id, -1,
					  SQLITE_STATIC);
		sqlite3_bind_text(s, 5, cb->number, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 6, cb->due_ms);
		if (cb->notes)
			sqlite3_bind_text(s, 7, cb->notes, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 8, cb->created_ms);
		if (cb->created_by)
			sqlite3_bind_text(s, 9, cb->created_by, -1,
					  SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	if (rc != SQLITE_DONE) {
		err = store_sqlite_errno(rc);
		err = err ? err : EIO;
		store_err(st, err, "%s: saving a callback: %s", st->path,
			  sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return err;
	}
	sqlite3_finalize(s);
	if (idp)
		*idp = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static const char *col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

int store_callbacks_read(struct store *st, const char *tenant,
			 const char *agent, size_t limit,
			 store_callback_h *h, void *arg)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (!st || !h)
		return EINVAL;
	rc = sqlite3_prepare_v2(st->db, "SELECT id, tenant, agent, queue, "
				"call_id, number, due_ms, notes, created_ms, "
				"created_by FROM callbacks WHERE (?1 IS NULL OR "
				"tenant = ?1) AND (?2 IS NULL OR agent = ?2) "
				"ORDER BY due_ms, id LIMIT ?3", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		store_err(st, EIO, "%s: reading callbacks: %s", st->path,
			  sqlite3_errmsg(st->db));
		return EIO;
	}
	if (tenant)
		sqlite3_bind_text(s, 1, tenant, -1, SQLITE_STATIC);
	if (agent)
		sqlite3_bind_text(s, 2, agent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, limit ? (int64_t)limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_callback cb;

		memset(&cb, 0, sizeof(cb));
		cb.id = sqlite3_column_int64(s, 0);
		cb.tenant = col(s, 1);
		cb.agent = col(s, 2);
		cb.queue = col(s, 3);
		cb.call_id = col(s, 4);
		cb.number = col(s, 5);
		cb.due_ms = sqlite3_column_int64(s, 6);
		cb.notes = col(s, 7);
		cb.created_ms = sqlite3_column_int64(s, 8);
		cb.created_by = col(s, 9);
		if (!h(&cb, arg)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_err(st, EIO, "%s: reading callbacks: %s", st->path,
			  sqlite3_errmsg(st->db));
		return EIO;
	}
	return 0;
}
