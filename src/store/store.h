/* store.h — plateau's database: configuration, the ACD event log, CDRs. */
#ifndef PLATEAU_STORE_H
#define PLATEAU_STORE_H

/*
 * One interface, several backends. The backend is chosen by the spec given
 * to store_open(): "sqlite:FILE", "sqlite:DIR" (DIR/plateau.db) or a bare
 * path (a directory, or a file ending in ".db"). Nothing here names a
 * backend's own types; a PostgreSQL backend will sit behind the same calls.
 *
 * Threads: a store is used by ONE caller thread (the event loop, or a
 * command's main). Appends (events, CDRs, dispositions) are copied into a
 * bounded queue and return at once; a writer thread owned by the store
 * commits them in batches (up to STORE_BATCH_ROWS rows, or what arrived in
 * STORE_BATCH_MS ms). store_flush() waits until everything accepted so far
 * is committed. Reads and configuration save/load run in the caller's
 * thread on their own connection and see only committed rows.
 *
 * Durability: once a row is reported committed (store_flush() returned 0,
 * or stats.done_seq reached its sequence number), it survives the death of
 * the process (kill -9). See docs/store.md for power loss.
 *
 * Back-pressure: a full queue never blocks the caller and never drops a row
 * silently: the append is refused with EAGAIN, counted in
 * stats.refused_full and logged (at most once a second); the caller still
 * holds its data. Events are refused once the queue is STORE_EVENT_SHARE
 * percent full, keeping the rest for CDRs and dispositions (a finished
 * call's record matters more than a state-change line).
 *
 * Tenants: every read takes a tenant id, or NULL for the operator-wide
 * view. With a tenant, only rows of that tenant are returned; rows with no
 * tenant (e.g. state changes of outsourcer staff who serve every tenant)
 * are operator rows and are returned only to NULL.
 *
 * Errors: functions return 0 or an errno value (EINVAL bad argument,
 * ENOENT missing, EAGAIN queue full, EIO database error, EPROTO not a
 * plateau database or a schema newer than this program, ENOMEM). On error
 * nothing is changed and store_errmsg() says what was wrong.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "acd/acd.h"

struct store;
struct center;

#define STORE_BATCH_ROWS 500     /* rows per writer transaction at most */
#define STORE_BATCH_MS 50        /* a lone row waits this long, ms      */
#define STORE_QUEUE_DEFAULT 65536 /* queue capacity, rows               */
#define STORE_EVENT_SHARE 90     /* % of the queue events may fill      */

/* ---------------------------------------------------------------------
 * Opening and closing
 * ------------------------------------------------------------------- */

/* Opens (creating if needed) the store named by spec, applies pending
 * schema migrations in one transaction and starts the writer thread.
 * Fails with EPROTO, touching nothing, if the file is not a plateau
 * database or its schema is newer than this program's. On error *stp is
 * untouched; errmsg (may be NULL) receives the reason (errsz bytes). */
int store_open(struct store **stp, const char *spec, char *errmsg,
	       size_t errsz);

/* Options of store_open_opts(); zero fields take the defaults. */
struct store_opts {
	size_t queue_cap;          /* queue capacity, rows (>= 16); 0 =
				      STORE_QUEUE_DEFAULT                   */
	bool must_exist;           /* fail with ENOENT, creating nothing,
				      if the database does not exist yet    */
	int busy_ms;               /* how long to wait for another process's
				      write lock, ms; 0 = 5000              */
};

/* store_open() with options (opts may be NULL). */
int store_open_opts(struct store **stp, const char *spec,
		    const struct store_opts *opts, char *errmsg,
		    size_t errsz);

/* The data directory to use: given (a --data option) if not NULL, else
 * $PLATEAU_DATA if set, else "data". */
const char *store_data_dir(const char *given);

/* Flushes what is queued, stops the writer and closes. NULL is fine.
 * Returns NULL. Rows the writer could not commit are reported on stderr. */
struct store *store_close(struct store *st);

/* The message of the last error in the caller's thread, "" if none. */
const char *store_errmsg(const struct store *st);

/* The database file's path (for messages). */
const char *store_path(const struct store *st);

/* The schema version of the open database, and the newest this program
 * knows (the number of migration steps). */
int store_schema_version(struct store *st, int *versionp);
int store_schema_latest(void);

/* ---------------------------------------------------------------------
 * Writer: queue, flush, statistics
 * ------------------------------------------------------------------- */

/* Counters of the writer. Every accepted row gets the next sequence
 * number (1, 2, …), in order of acceptance; rows are committed in that
 * order, so row k is durable once done_seq >= k. */
struct store_stats {
	uint64_t accepted;         /* rows accepted = last sequence number  */
	uint64_t done_seq;         /* rows handled (committed or rejected)  */
	uint64_t written;          /* rows committed                        */
	uint64_t rejected;         /* rows the database refused (bad data,
				      disposition for an unknown call);
				      logged, not retried                   */
	uint64_t refused_full;     /* appends refused: queue full (EAGAIN)  */
	uint64_t batches;          /* transactions committed                */
	uint64_t retries;          /* failed commits retried (I/O, busy)    */
	size_t queued;             /* rows waiting now                      */
	size_t queued_max;         /* highest queued seen                   */
	size_t capacity;           /* queue capacity, rows                  */
};

void store_stats(struct store *st, struct store_stats *stats);

/* Waits until every row accepted before the call is committed. EIO if the
 * writer cannot commit (it keeps retrying in the background). */
int store_flush(struct store *st);

/* ---------------------------------------------------------------------
 * Event log (append-only): one row per struct acd_event
 * ------------------------------------------------------------------- */

/* Copies the event into the queue. EINVAL for a bad event (unknown type,
 * negative time), EAGAIN when the queue is full. */
int store_event_append(struct store *st, const struct acd_event *ev);
/* The same, with the server's id of the event's call (the CDR's call_id,
 * stable across restarts, unlike the engine's call number), or NULL.
 * EINVAL for an empty id or one over STORE_CALL_ID_MAX bytes. */
#define STORE_CALL_ID_MAX 128
int store_event_append_call(struct store *st, const struct acd_event *ev,
			    const char *call_id);

/* An event read back; strings in ev stay valid during the callback. */
struct store_event {
	int64_t id;                /* log row id, rising in append order    */
	struct acd_event ev;       /* the event as appended                 */
	const char *call_id;       /* the server's call id, or NULL         */
};

/* Returns false to stop the iteration. */
typedef bool (store_event_h)(const struct store_event *e, void *arg);

/* Calls eh for events with id > after_id, oldest first, at most limit
 * (0 = no limit), only of tenant (NULL = all tenants, operator-wide). */
int store_events_read(struct store *st, const char *tenant,
		      int64_t after_id, size_t limit, store_event_h *eh,
		      void *arg);

/* ---------------------------------------------------------------------
 * Call detail records: one per call
 * ------------------------------------------------------------------- */

enum store_outcome {
	STORE_OUTCOME_NONE = 0,    /* not finished yet                      */
	STORE_OUTCOME_ANSWERED,    /* connected to an agent                 */
	STORE_OUTCOME_ABANDONED,   /* caller hung up before connect         */
	STORE_OUTCOME_EXITED,      /* left the queue: see exit_reason       */
	STORE_OUTCOME_FAILED,      /* never queued (no route, IVR hang-up…) */
	STORE_OUTCOME_COUNT
};

enum store_hangup {
	STORE_HANGUP_NONE = 0,     /* not ended, or unknown                 */
	STORE_HANGUP_CALLER,
	STORE_HANGUP_AGENT,
	STORE_HANGUP_SYSTEM,       /* plateau ended it (exit, failure)      */
	STORE_HANGUP_COUNT
};

/* One call. Times are wall-clock ms since the Unix epoch, 0 = not (yet)
 * happened. Strings may be NULL (stored as NULL). */
struct store_cdr {
	const char *call_id;       /* unique call id (required)             */
	uint64_t acd_call;         /* the ACD engine's call number, or 0    */
	const char *tenant;        /* owning tenant (required)              */
	const char *did;           /* number called                         */
	const char *caller;        /* caller's number                       */
	int64_t arrive_ms;         /* INVITE received                       */
	int64_t enter_ms;          /* entered the (first) queue             */
	int64_t offer_ms;          /* first offer to an agent               */
	int64_t answer_ms;         /* agent answered                        */
	int64_t end_ms;            /* call ended                            */
	enum store_hangup ended_by;/* who hung up                           */
	const char *agent;         /* agent who answered                    */
	const char *queue;         /* last queue                            */
	int64_t wait_ms;           /* time in queue until answer/end, ms    */
	int64_t talk_ms;           /* answer to end, ms                     */
	enum store_outcome outcome;
	enum acd_exit_reason exit_reason; /* when outcome is EXITED         */
	const char *recording;     /* recording file path, or NULL          */
	const char *disposition;   /* set by the agent (read back only)     */
	const char *notes;         /* set by the agent (read back only)     */
};

/* Inserts the call's record, or replaces every field of an existing one
 * with the same call_id except disposition and notes. Queued (EAGAIN when
 * full). EINVAL without call_id or tenant, or with a bad enum value. */
int store_cdr_put(struct store *st, const struct store_cdr *cdr);

/* Sets the disposition and notes of a call of tenant (queued, applied
 * after every CDR put queued before it). An unknown call or a call of
 * another tenant is counted in stats.rejected and logged. */
int store_cdr_disposition(struct store *st, const char *tenant,
			  const char *call_id, const char *disposition,
			  const char *notes);

/* Filters for store_cdrs_read(); zero/NULL fields do not filter. */
struct store_cdr_filter {
	const char *tenant;        /* NULL = all tenants (operator-wide)    */
	int64_t since_ms;          /* arrive_ms >= since_ms                 */
	int64_t until_ms;          /* arrive_ms < until_ms (0 = no bound)   */
	const char *queue;
	const char *agent;
	const char *call_id;
	enum store_outcome outcome;/* NONE = any                            */
	size_t limit;              /* 0 = no limit                          */
};

typedef bool (store_cdr_h)(const struct store_cdr *cdr, void *arg);

/* Calls ch for matching records by arrival time, oldest first. */
int store_cdrs_read(struct store *st, const struct store_cdr_filter *f,
		    store_cdr_h *ch, void *arg);

/* ---------------------------------------------------------------------
 * Configuration (struct center, src/config/center.h)
 * ------------------------------------------------------------------- */

/* Replaces the whole stored configuration with c, in one transaction in
 * the caller's thread; events and CDRs are untouched. Secrets are stored
 * as they are held in c: HA1 and the salted PIN hash. On error (EINVAL
 * for content the schema refuses, EBUSY, EIO) nothing is changed. */
int store_center_save(struct store *st, const struct center *c);

/* Loads the stored configuration into a new center (free it with
 * mem_deref()); it passes the same validation as a file. ENOENT when no
 * configuration was ever saved. */
int store_center_load(struct store *st, struct center **cp);

/* ---------------------------------------------------------------------
 * Callbacks: calls an agent promised to make (written at once, in the
 * caller's thread; a few per agent per day)
 * ------------------------------------------------------------------- */

struct store_callback {
	int64_t id;                /* row id (read back), rising            */
	const char *tenant;        /* whose customer (required)             */
	const char *agent;         /* who will call, or NULL                */
	const char *queue;         /* for which queue, or NULL              */
	const char *call_id;       /* the call it follows, or NULL          */
	const char *number;        /* number to call (required)             */
	int64_t due_ms;            /* when, wall ms since the epoch (> 0)   */
	const char *notes;         /* free text, or NULL                    */
	int64_t created_ms;        /* when it was scheduled, wall ms        */
	const char *created_by;    /* the user who scheduled it, or NULL    */
};

/* Saves a callback; *idp (may be NULL) gets its id. */
int store_callback_add(struct store *st, const struct store_callback *cb,
		       int64_t *idp);

typedef bool (store_callback_h)(const struct store_callback *cb, void *arg);

/* Callbacks of tenant (NULL = all) and agent (NULL = all) by due time,
 * at most limit (0 = no limit). */
int store_callbacks_read(struct store *st, const char *tenant,
			 const char *agent, size_t limit,
			 store_callback_h *h, void *arg);

const char *store_outcome_name(enum store_outcome o);   /* "answered" */
const char *store_hangup_name(enum store_hangup h);     /* "caller"   */

#endif
