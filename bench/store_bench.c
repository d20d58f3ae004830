/* store_bench.c — events/s through the store's writer thread, against one
 * INSERT per transaction on the same database. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "store/store.h"

/*
 * usage: store_bench [DIR] [EVENTS]
 * DIR (default build/bench-store) is emptied and used for the databases.
 * 1. EVENTS events (default 200000) appended by this thread through the
 *    writer; timed until store_flush() returns; the cost of each append
 *    call (what the SIP loop pays) is timed too.
 * 2. 50000 CDRs the same way.
 * 3. Reference: one INSERT per transaction (no batching) on a plain
 *    connection with the store's settings (WAL, synchronous=NORMAL),
 *    then with synchronous=FULL.
 */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void fill_event(struct acd_event *ev, uint64_t i)
{
	static const char *const tenants[3] = {"acme", "globex", "initech"};

	memset(ev, 0, sizeof(*ev));
	ev->type = (enum acd_event_type)(i % ACD_EV_COUNT);
	ev->time = (int64_t)i * 7;
	ev->call = i / 8 + 1;
	ev->tenant = tenants[i % 3];
	ev->queue = "support-fr";
	ev->agent = "agent-0042";
	ev->position = "casa-014";
	ev->site = "casa";
}

/* Appends n rows (events or CDRs) through the writer. */
static int bench_writer(const char *dir, size_t n, bool cdrs)
{
	struct store_stats stats;
	struct store *st = NULL;
	double *lat, t0, t1;
	uint64_t busy = 0;
	char msg[512], id[32];
	int err;

	lat = calloc(n, sizeof(*lat));
	if (!lat)
		return ENOMEM;
	err = store_open(&st, dir, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "store_bench: %s\n", msg);
		free(lat);
		return err;
	}
	t0 = now_s();
	for (size_t i = 0; i < n; i++) {
		struct acd_event ev;
		struct store_cdr c;
		double a = now_s();

		if (cdrs) {
			snprintf(id, sizeof(id), "bench-%zu", i);
			memset(&c, 0, sizeof(c));
			c.call_id = id;
			c.tenant = "acme";
			c.did = "+212522000100";
			c.caller = "+212661000000";
			c.arrive_ms = 1700000000000 + (int64_t)i;
			c.end_ms = c.arrive_ms + 60000;
			c.outcome = STORE_OUTCOME_ABANDONED;
			c.queue = "support-fr";
			err = store_cdr_put(st, &c);
		}
		else {
			fill_event(&ev, i);
			err = store_event_append(st, &ev);
		}
		lat[i] = now_s() - a;
		if (err == EAGAIN) {
			/* Full: what a loop would do, come back later. */
			busy++;
			usleep(200);
			i--;
			continue;
		}
		if (err) {
			fprintf(stderr, "store_bench: %s\n", store_errmsg(st));
			break;
		}
	}
	if (!err)
		err = store_flush(st);
	t1 = now_s();
	store_stats(st, &stats);
	store_close(st);
	if (!err) {
		qsort(lat, n, sizeof(*lat), cmp_double);
		printf("writer thread, %s: %zu in %.3f s = %.0f rows/s; "
		       "%llu transactions, queue peak %zu of %zu, %llu "
		       "appends refused (full) and retried\n",
		       cdrs ? "CDRs" : "events", n, t1 - t0,
		       (double)n / (t1 - t0),
		       (unsigned long long)stats.batches, stats.queued_max,
		       stats.capacity, (unsigned long long)busy);
		printf("  append call (caller's thread): median %.2f us, "
		       "p99 %.2f us, p99.99 %.1f us, max %.1f us\n",
		       lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6,
		       lat[n * 9999 / 10000] * 1e6, lat[n - 1] * 1e6);
	}
	free(lat);
	return err;
}

/* One INSERT per transaction, same table, no store in between. */
static int bench_reference(const char *db_path, size_t n, const char *sync)
{
	sqlite3_stmt *s = NULL;
	sqlite3 *db = NULL;
	char sql[128];
	double t0, t1;
	int rc;

	rc = sqlite3_open(db_path, &db);
	snprintf(sql, sizeof(sql), "PRAGMA journal_mode = WAL; "
		 "PRAGMA synchronous = %s", sync);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO events (time_ms, "
					"type, call, tenant, queue, agent, "
					"position, site) VALUES (?, ?, ?, ?, "
					"?, ?, ?, ?)", -1, &s, NULL);
	t0 = now_s();
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		struct acd_event ev;

		fill_event(&ev, i);
		sqlite3_bind_int64(s, 1, ev.time);
		sqlite3_bind_text(s, 2, "offer", -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, (int64_t)ev.call);
		sqlite3_bind_text(s, 4, ev.tenant, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, ev.queue, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, ev.agent, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, ev.position, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, ev.site, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		sqlite3_reset(s);
	}
	t1 = now_s();
	if (rc != SQLITE_OK)
		fprintf(stderr, "store_bench: reference: %s\n",
			sqlite3_errmsg(db));
	else
		printf("reference, one INSERT per transaction (WAL, "
		       "synchronous=%s): %zu in %.3f s = %.0f events/s\n",
		       sync, n, t1 - t0, (double)n / (t1 - t0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : EIO;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "build/bench-store";
	size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 200000;
	char cmd[600], db[600];
	int err;

	if (n < 100) {
		fprintf(stderr, "store_bench: EVENTS must be >= 100\n");
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	if (system(cmd))
		return 1;
	snprintf(db, sizeof(db), "%s/plateau.db", dir);
	printf("store_bench: sqlite %s, batches of <= %d rows or %d ms\n",
	       sqlite3_libversion(), STORE_BATCH_ROWS, STORE_BATCH_MS);
	err = bench_writer(dir, n, false);
	if (!err)
		err = bench_writer(dir, 50000, true);
	if (!err)
		err = bench_reference(db, 5000, "NORMAL");
	if (!err)
		err = bench_reference(db, 1000, "FULL");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return 1;
	return err ? 1 : 0;
}
