/* writer.c — the store's writer thread: a bounded queue, batched commits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/sqlite.h"

/*
 * The caller's thread puts copies of rows into a ring of st->cap slots and
 * returns; the writer takes up to STORE_BATCH_ROWS of them at a time and
 * commits them in one transaction. It waits up to STORE_BATCH_MS after the
 * first row of a batch arrived, unless the batch fills up, a flush is
 * requested or the store is closing. Cost per append: one lock, one copy.
 *
 * A commit that fails for a reason that may pass (disk full, I/O error,
 * another process holding the lock) is rolled back and retried with the
 * same rows, in order, with a growing pause; the queue then fills and
 * appends are refused (EAGAIN) rather than rows being dropped. A row the
 * database refuses as such (a constraint) is skipped, counted in
 * stats.rejected and logged: retrying it would block every row behind it.
 */

#define RETRY_MIN_MS 10          /* first pause after a failed commit  */
#define RETRY_MAX_MS 1000        /* longest pause                      */
#define CLOSE_GIVE_UP_MS 5000    /* on close, retry this long at most  */

static void ts_add_ms(struct timespec *ts, long ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static const char *item_what(const struct item *it)
{
	switch (it->kind) {
	case ITEM_EVENT:
		return "event";
	case ITEM_CDR:
		return "CDR";
	case ITEM_DISPO:
		return "disposition";
	}
	return "row";
}

static const char *item_id(const struct item *it, char *buf, size_t sz)
{
	switch (it->kind) {
	case ITEM_EVENT:
		snprintf(buf, sz, "%s of call %llu",
			 store_ev_type_str(it->u.ev.type),
			 (unsigned long long)it->u.ev.call);
		break;
	case ITEM_CDR:
		snprintf(buf, sz, "call %s", it->u.cdr.call_id);
		break;
	case ITEM_DISPO:
		snprintf(buf, sz, "call %s of tenant %s", it->u.dispo.call_id,
			 it->u.dispo.tenant);
		break;
	}
	return buf;
}

/* Writes the batch in one transaction. Returns 0 when committed (with
 * *rejectedp rows skipped), or the SQLite code of a failure to retry. */
static int write_batch(struct store *st, struct item **batch, size_t n,
		       uint64_t *rejectedp)
{
	uint64_t rejected = 0;
	char idbuf[160];
	int rc;

	rc = sqlite3_exec(st->wdb, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		bool applied = true;
		int prim;

		rc = store_item_write(st, batch[i], &applied);
		prim = rc & 0xff;
		if (rc == SQLITE_DONE && applied)
			continue;
		if (rc == SQLITE_DONE || prim == SQLITE_CONSTRAINT ||
		    prim == SQLITE_MISMATCH || prim == SQLITE_TOOBIG ||
		    prim == SQLITE_RANGE) {
			fprintf(stderr, "plateau store: %s %s not stored: %s\n",
				item_what(batch[i]),
				item_id(batch[i], idbuf, sizeof(idbuf)),
				rc == SQLITE_DONE ? "no such call for this "
				"tenant" : sqlite3_errmsg(st->wdb));
			rejected++;
			continue;
		}
		goto fail;
	}
	rc = sqlite3_exec(st->wdb, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	*rejectedp = rejected;
	return 0;
 fail:
	pthread_mutex_lock(&st->lock);
	snprintf(st->werr, sizeof(st->werr), "%s", sqlite3_errmsg(st->wdb));
	pthread_mutex_unlock(&st->lock);
	sqlite3_exec(st->wdb, "ROLLBACK", NULL, NULL, NULL);
	return rc ? rc : SQLITE_ERROR;
}

static void *writer_main(void *arg)
{
	struct store *st = arg;
	struct item *batch[STORE_BATCH_ROWS];
	long pause_ms = RETRY_MIN_MS;
	long failing_ms = 0;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		struct timespec deadline, now;
		uint64_t rejected = 0;
		size_t n;
		int rc;

		while (st->count == 0 && !st->stop)
			pthread_cond_wait(&st->work, &st->lock);
		if (st->count == 0)
			break;

		/* Batch window: let rows gather unless someone waits. */
		deadline = st->first_at;
		ts_add_ms(&deadline, STORE_BATCH_MS);
		for (;;) {
			if (st->stop || st->flushers ||
			    st->count >= STORE_BATCH_ROWS)
				break;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (!ts_before(&now, &deadline))
				break;
			pthread_cond_timedwait(&st->work, &st->lock,
					       &deadline);
		}

		n = st->count < STORE_BATCH_ROWS ? st->count :
			STORE_BATCH_ROWS;
		/* The slots stay ours until count drops: callers only
		 * write past head + count. */
		for (size_t i = 0; i < n; i++)
			batch[i] = st->ring[(st->head + i) % st->cap];
		pthread_mutex_unlock(&st->lock);

		rc = write_batch(st, batch, n, &rejected);

		pthread_mutex_lock(&st->lock);
		if (rc) {
			st->stats.retries++;
			if (!st->failing)
				fprintf(stderr, "plateau store: commit of %zu "
					"rows failed, retrying: %s\n", n,
					st->werr);
			st->failing = true;
			pthread_cond_broadcast(&st->done);
			if (st->stop && failing_ms >= CLOSE_GIVE_UP_MS) {
				fprintf(stderr, "plateau store: closing with "
					"%zu rows NOT written to %s: %s\n",
					st->count, st->path, st->werr);
				break;
			}
			clock_gettime(CLOCK_MONOTONIC, &deadline);
			now = deadline;
			ts_add_ms(&deadline, pause_ms);
			while (ts_before(&now, &deadline)) {
				pthread_cond_timedwait(&st->work, &st->lock,
						       &deadline);
				clock_gettime(CLOCK_MONOTONIC, &now);
			}
			failing_ms += pause_ms;
			pause_ms = pause_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS
				: pause_ms * 2;
			continue;
		}
		if (st->failing)
			fprintf(stderr, "plateau store: commits succeed "
				"again\n");
		st->failing = false;
		pause_ms = RETRY_MIN_MS;
		failing_ms = 0;
		for (size_t i = 0; i < n; i++) {
			st->ring[st->head] = NULL;
			st->head = (st->head + 1) % st->cap;
		}
		st->count -= n;
		if (st->count)
			clock_gettime(CLOCK_MONOTONIC, &st->first_at);
		st->stats.done_seq += n;
		st->stats.written += n - rejected;
		st->stats.rejected += rejected;
		st->stats.batches++;
		pthread_cond_broadcast(&st->done);
		/* The rows are ours alone now: free them unlocked. */
		pthread_mutex_unlock(&st->lock);
		for (size_t i = 0; i < n; i++)
			free(batch[i]);
		pthread_mutex_lock(&st->lock);
	}
	pthread_cond_broadcast(&st->done);
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

int store_writer_start(struct store *st)
{
	pthread_condattr_t ca;
	int err;

	err = pthread_mutex_init(&st->lock, NULL);
	if (err)
		return store_err(st, err, "writer lock: %s", strerror(err));
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	err = pthread_cond_init(&st->work, &ca);
	if (!err)
		err = pthread_cond_init(&st->done, &ca);
	pthread_condattr_destroy(&ca);
	if (err)
		return store_err(st, err, "writer condition: %s",
				 strerror(err));
	err = pthread_create(&st->thread, NULL, writer_main, st);
	if (err)
		return store_err(st, err, "writer thread: %s", strerror(err));
	st->thread_started = true;
	return 0;
}

void store_writer_stop(struct store *st)
{
	if (!st->thread_started)
		return;
	pthread_mutex_lock(&st->lock);
	st->stop = true;
	pthread_cond_signal(&st->work);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->thread, NULL);
	st->thread_started = false;
	/* Rows left after giving up: already reported; free them. */
	while (st->count) {
		free(st->ring[st->head]);
		st->ring[st->head] = NULL;
		st->head = (st->head + 1) % st->cap;
		st->count--;
	}
	pthread_cond_destroy(&st->work);
	pthread_cond_destroy(&st->done);
	pthread_mutex_destroy(&st->lock);
}

int store_enqueue(struct store *st, struct item *it)
{
	size_t limit = st->cap;
	time_t now;

	if (it->kind == ITEM_EVENT)
		limit = st->cap * STORE_EVENT_SHARE / 100;

	pthread_mutex_lock(&st->lock);
	if (st->count >= limit) {
		st->stats.refused_full++;
		now = time(NULL);
		if (now != st->full_logged) {
			st->full_logged = now;
			fprintf(stderr, "plateau store: queue full (%zu rows), "
				"%s refused; %llu refused so far\n", st->count,
				item_what(it), (unsigned long long)
				st->stats.refused_full);
		}
		pthread_mutex_unlock(&st->lock);
		free(it);
		return store_err(st, EAGAIN, "store queue full (%zu rows): "
				 "the database is not keeping up", limit);
	}
	st->ring[(st->head + st->count) % st->cap] = it;
	st->count++;
	st->stats.accepted++;
	if (st->count > st->stats.queued_max)
		st->stats.queued_max = st->count;
	if (st->count == 1) {
		clock_gettime(CLOCK_MONOTONIC, &st->first_at);
		pthread_cond_signal(&st->work);
	}
	else if (st->count == STORE_BATCH_ROWS) {
		pthread_cond_signal(&st->work);
	}
	pthread_mutex_unlock(&st->lock);
	return 0;
}

int store_flush(struct store *st)
{
	uint64_t target;
	int err = 0;

	if (!st)
		return EINVAL;
	pthread_mutex_lock(&st->lock);
	target = st->stats.accepted;
	st->flushers++;
	pthread_cond_signal(&st->work);
	while (st->stats.done_seq < target) {
		if (st->failing) {
			err = store_err(st, EIO, "%s: rows not committed yet "
					"(retrying): %s", st->path, st->werr);
			break;
		}
		pthread_cond_wait(&st->done, &st->lock);
	}
	st->flushers--;
	pthread_mutex_unlock(&st->lock);
	return err;
}

void store_stats(struct store *st, struct store_stats *stats)
{
	if (!st || !stats)
		return;
	pthread_mutex_lock(&st->lock);
	*stats = st->stats;
	stats->queued = st->count;
	stats->capacity = st->cap;
	pthread_mutex_unlock(&st->lock);
}
