/* sqlite.h — private to src/store/: the SQLite backend's state. */
#ifndef PLATEAU_STORE_SQLITE_H
#define PLATEAU_STORE_SQLITE_H

#include <pthread.h>
#include <stdarg.h>
#include <time.h>
#include <sqlite3.h>
#include "store/store.h"

/* What a queued row is. */
enum item_kind {
	ITEM_EVENT = 0,
	ITEM_CDR,
	ITEM_DISPO,
};

/* A disposition set by the agent. */
struct dispo {
	const char *tenant;        /* the call's tenant                     */
	const char *call_id;       /* the call                              */
	const char *disposition;   /* code, or NULL                         */
	const char *notes;         /* free text, or NULL                    */
};

/* One queued row: a copy owning its strings (stored after the struct). */
struct item {
	enum item_kind kind;
	union {
		struct acd_event ev;
		struct store_cdr cdr;
		struct dispo dispo;
	} u;
	const char *ev_call_id;    /* ITEM_EVENT: the server's call id, or
				      NULL                                  */
	char strings[];            /* the strings the union points into     */
};

struct store {
	char path[4096];           /* database file                         */
	char errmsg[512];          /* last error in the caller's thread     */
	int busy_ms;               /* wait for another writer's lock, ms    */
	sqlite3 *db;               /* caller's connection: reads, config    */
	sqlite3 *wdb;              /* writer thread's connection            */
	sqlite3_stmt *ins_event;   /* prepared on wdb                       */
	sqlite3_stmt *put_cdr;     /* prepared on wdb                       */
	sqlite3_stmt *set_dispo;   /* prepared on wdb                       */

	pthread_t thread;          /* the writer                            */
	bool thread_started;       /* thread must be joined                 */
	pthread_mutex_t lock;      /* guards everything below               */
	pthread_cond_t work;       /* writer: rows queued, flush or stop    */
	pthread_cond_t done;       /* callers: rows handled                 */
	struct item **ring;        /* queued rows, FIFO                     */
	size_t cap;                /* ring capacity, rows                   */
	size_t head;               /* index of the oldest queued row        */
	size_t count;              /* rows queued                           */
	struct timespec first_at;  /* when the queue last became non-empty,
				      CLOCK_MONOTONIC                       */
	unsigned flushers;         /* callers waiting in store_flush()      */
	bool stop;                 /* writer: finish the queue and exit     */
	bool failing;              /* last commit failed; retrying          */
	char werr[512];            /* the writer's last error               */
	time_t full_logged;        /* when "queue full" was last logged, s  */
	struct store_stats stats;  /* counters (capacity/queued filled on
				      read)                                 */
};

/* Sets st->errmsg; returns err. */
int store_err(struct store *st, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Maps a SQLite result code to an errno value. */
int store_sqlite_errno(int rc);

/* The migration steps (schema.c): step i brings the schema to i + 1. */
struct migration {
	const char *what;          /* one line for the schema_version table */
	const char *sql;           /* the statements                        */
};
extern const struct migration store_migrations[];
extern const size_t store_n_migrations;
#define STORE_APPLICATION_ID 0x706c7475 /* "pltu" in the file header    */

/* Row writers (log.c), on the writer's connection inside a transaction.
 * Return SQLITE_DONE, or the failing SQLite code. *appliedp is false when
 * the row was valid SQL but changed nothing (e.g. unknown call). */
int store_item_write(struct store *st, const struct item *it,
		     bool *appliedp);
int store_log_prepare(struct store *st);
void store_log_finalize(struct store *st);

/* Writer (writer.c). */
int store_writer_start(struct store *st);
void store_writer_stop(struct store *st);
int store_enqueue(struct store *st, struct item *it);

/* Storage names of the enums (log.c). */
const char *store_ev_type_str(enum acd_event_type t);
int store_ev_type_parse(const char *s, enum acd_event_type *tp);

#endif
