/* schema.c — the numbered migration steps of the store's schema. */
#include "store/sqlite.h"

/*
 * Step i (0-based) brings a database at version i to version i + 1. A step
 * is never edited once landed: a change is a new step. store_open() runs
 * the pending steps in one transaction and records each in schema_version.
 * Enum values are stored as their names ("call-enter", "answered"), never
 * as numbers, so that reordering a C enum cannot change what a row means.
 */
const struct migration store_migrations[] = {
{
	"event log and call detail records",

	"CREATE TABLE schema_version ("
	"  version INTEGER PRIMARY KEY,"
	"  applied_ms INTEGER NOT NULL,"   /* wall clock, ms since epoch */
	"  what TEXT NOT NULL);"

	/* One row per struct acd_event; append-only. Type-specific columns
	 * are NULL for the other types. */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"        /* rising in append order */
	"  time_ms INTEGER NOT NULL,"      /* the engine's clock, ms */
	"  type TEXT NOT NULL,"
	"  call INTEGER,"                  /* the engine's call number */
	"  tenant TEXT,"
	"  queue TEXT,"
	"  agent TEXT,"
	"  priority INTEGER,"              /* call-enter */
	"  wait_ms INTEGER,"               /* connect, abandon, exit */
	"  exit_reason TEXT,"              /* exit */
	"  exit_key TEXT,"                 /* exit (key) */
	"  ended_by TEXT,"                 /* complete */
	"  talk_ms INTEGER,"               /* complete */
	"  to_queue TEXT,"                 /* transfer */
	"  state TEXT,"                    /* agent-state */
	"  old_state TEXT,"                /* agent-state */
	"  reason TEXT,"
	"  position TEXT,"
	"  site TEXT,"
	"  widen_step INTEGER,"            /* widen */
	"  position_in_line INTEGER,"      /* announce */
	"  expected_wait_ms INTEGER);"     /* announce */
	"CREATE INDEX events_tenant ON events(tenant, id);"
	"CREATE INDEX events_call ON events(call);"
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;"

	/* One row per call; times are wall clock ms since epoch, NULL =
	 * did not happen. */
	"CREATE TABLE cdrs ("
	"  call_id TEXT PRIMARY KEY,"
	"  acd_call INTEGER,"
	"  tenant TEXT NOT NULL,"
	"  did TEXT,"
	"  caller TEXT,"
	"  arrive_ms INTEGER,"
	"  enter_ms INTEGER,"
	"  offer_ms INTEGER,"
	"  answer_ms INTEGER,"
	"  end_ms INTEGER,"
	"  ended_by TEXT,"
	"  agent TEXT,"
	"  queue TEXT,"
	"  wait_ms INTEGER,"
	"  talk_ms INTEGER,"
	"  outcome TEXT,"
	"  exit_reason TEXT,"
	"  recording TEXT,"
	"  disposition TEXT,"
	"  notes TEXT);"
	"CREATE INDEX cdrs_tenant_arrive ON cdrs(tenant, arrive_ms);"
	"CREATE INDEX cdrs_arrive ON cdrs(arrive_ms);"
},
};

const size_t store_n_migrations =
	sizeof(store_migrations) / sizeof(store_migrations[0]);
