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
{
	"configuration: tenants, sites, positions, queues, agents, DIDs, IVR",

	/* The configuration is replaced as a whole by an import; `ord`
	 * keeps the file's order (member order matters to routing).
	 * Secrets are stored hashed only: HA1 and the salted PIN hash. */
	"CREATE TABLE center ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  name TEXT, timezone TEXT, sip_realm TEXT,"
	"  imported_ms INTEGER NOT NULL);"
	"CREATE TABLE tenants ("
	"  id TEXT PRIMARY KEY, name TEXT, ord INTEGER NOT NULL);"
	"CREATE TABLE sites ("
	"  id TEXT PRIMARY KEY, name TEXT, city TEXT, ord INTEGER NOT NULL);"
	"CREATE TABLE positions ("
	"  id TEXT PRIMARY KEY,"
	"  site TEXT NOT NULL REFERENCES sites(id),"
	"  sip_user TEXT NOT NULL UNIQUE,"
	"  sip_ha1 TEXT NOT NULL CHECK (length(sip_ha1) = 32),"
	"  ord INTEGER NOT NULL);"
	"CREATE TABLE pause_reasons ("
	"  id TEXT PRIMARY KEY, name TEXT,"
	"  paid INTEGER NOT NULL, max_s INTEGER NOT NULL,"
	"  ord INTEGER NOT NULL);"
	"CREATE TABLE dispositions ("
	"  tenant TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL,"
	"  name TEXT, ord INTEGER NOT NULL, PRIMARY KEY (tenant, id));"
	"CREATE TABLE queues ("
	"  id TEXT PRIMARY KEY,"
	"  tenant TEXT NOT NULL REFERENCES tenants(id),"
	"  name TEXT,"
	"  strategy TEXT NOT NULL,"
	"  skills TEXT,"                   /* required-skill expression */
	"  sites TEXT,"                    /* space-separated site ids */
	"  priority INTEGER NOT NULL,"
	"  sl_target REAL NOT NULL,"
	"  sl_time_ms INTEGER NOT NULL,"
	"  ring_timeout_ms INTEGER NOT NULL,"
	"  wrapup_ms INTEGER NOT NULL,"
	"  max_wait_ms INTEGER NOT NULL,"
	"  max_len INTEGER NOT NULL,"
	"  join_empty TEXT NOT NULL,"
	"  leave_empty TEXT NOT NULL,"
	"  max_no_answer INTEGER NOT NULL,"
	"  announce_ms INTEGER NOT NULL,"
	"  language TEXT NOT NULL,"
	"  answer TEXT NOT NULL,"
	"  record INTEGER NOT NULL,"
	"  hold_music TEXT,"
	"  ord INTEGER NOT NULL);"
	"CREATE TABLE queue_widen ("
	"  queue TEXT NOT NULL REFERENCES queues(id),"
	"  step INTEGER NOT NULL,"
	"  after_ms INTEGER NOT NULL,"
	"  skills TEXT, add_queue TEXT, add_site TEXT,"
	"  PRIMARY KEY (queue, step));"
	"CREATE TABLE agents ("
	"  id TEXT PRIMARY KEY, name TEXT,"
	"  tenant TEXT REFERENCES tenants(id),"  /* NULL: any tenant */
	"  pin_hash TEXT,"                 /* pbkdf2-sha256$ITER$SALT$HASH */
	"  ord INTEGER NOT NULL);"
	"CREATE TABLE agent_skills ("
	"  agent TEXT NOT NULL REFERENCES agents(id),"
	"  skill TEXT NOT NULL,"           /* e.g. lang:fr */
	"  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),"
	"  ord INTEGER NOT NULL,"
	"  PRIMARY KEY (agent, skill));"
	"CREATE INDEX agent_skills_skill ON agent_skills(skill, level);"
	"CREATE TABLE memberships ("
	"  agent TEXT NOT NULL REFERENCES agents(id),"
	"  queue TEXT NOT NULL REFERENCES queues(id),"
	"  weight INTEGER NOT NULL,"
	"  ord INTEGER NOT NULL,"          /* member order of the agent */
	"  PRIMARY KEY (agent, queue));"
	"CREATE TABLE ivr_menus ("
	"  id TEXT PRIMARY KEY,"
	"  tenant TEXT NOT NULL REFERENCES tenants(id),"
	"  prompt_fr TEXT, prompt_ar TEXT, prompt_en TEXT,"
	"  prompt_de TEXT, prompt_es TEXT,"
	"  timeout_s INTEGER NOT NULL, retries INTEGER NOT NULL,"
	"  default_queue TEXT, default_menu TEXT, default_skills TEXT,"
	"  default_language TEXT,"         /* NULL: not given */
	"  ord INTEGER NOT NULL);"
	"CREATE TABLE ivr_options ("
	"  menu TEXT NOT NULL REFERENCES ivr_menus(id),"
	"  key TEXT NOT NULL,"
	"  queue TEXT, target_menu TEXT, skills TEXT,"
	"  language TEXT,"                 /* NULL: not given */
	"  ord INTEGER NOT NULL,"
	"  PRIMARY KEY (menu, key));"
	"CREATE TABLE dids ("
	"  number TEXT PRIMARY KEY,"
	"  tenant TEXT NOT NULL REFERENCES tenants(id),"
	"  queue TEXT, menu TEXT, skills TEXT,"
	"  language TEXT,"                 /* NULL: not given (fr) */
	"  ord INTEGER NOT NULL);"
},
{
	"configuration: users of the HTTP API",

	/* Logins of the API; the password only as its salted PBKDF2 hash.
	 * tenant NULL: the operator (an admin spanning every tenant). */
	"CREATE TABLE users ("
	"  name TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor',"
	"    'admin')),"
	"  tenant TEXT REFERENCES tenants(id),"
	"  agent TEXT REFERENCES agents(id),"
	"  password_hash TEXT NOT NULL CHECK (password_hash LIKE"
	"    'pbkdf2-sha256$%'),"
	"  ord INTEGER NOT NULL);"
},
{
	"agents' dial numbers and roles; events carry the server's call id",

	/* number: digits a phone dials after *11 / *13 (unique when set);
	 * role: agent, supervisor or admin (the last two may listen to
	 * live calls). */
	"ALTER TABLE agents ADD COLUMN number TEXT;"
	"ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent';"
	"CREATE UNIQUE INDEX agents_number ON agents(number);"
	/* call_id: the cdrs.call_id of the event's call (stable across
	 * restarts, unlike the engine's call number); NULL for agent-only
	 * events and for events written before this step. */
	"ALTER TABLE events ADD COLUMN call_id TEXT;"
	"CREATE INDEX events_call_id ON events(call_id);"
},
{
	"callbacks scheduled by agents",

	"CREATE TABLE callbacks ("
	"  id INTEGER PRIMARY KEY,"
	"  tenant TEXT NOT NULL,"
	"  agent TEXT,"
	"  queue TEXT,"
	"  call_id TEXT,"                  /* the call it follows */
	"  number TEXT NOT NULL,"
	"  due_ms INTEGER NOT NULL,"       /* wall clock, ms since epoch */
	"  notes TEXT,"
	"  created_ms INTEGER NOT NULL,"
	"  created_by TEXT);"
	"CREATE INDEX callbacks_tenant_due ON callbacks(tenant, due_ms);"
},
{
	"configuration: CRM webhooks",

	/* A tenant's subscription to its call events. secret: the HMAC
	 * key as given (it signs every delivery, so it cannot be hashed);
	 * events: the subscribed names separated by spaces. */
	"CREATE TABLE webhooks ("
	"  id TEXT PRIMARY KEY,"
	"  tenant TEXT NOT NULL REFERENCES tenants(id),"
	"  url TEXT NOT NULL,"
	"  secret TEXT NOT NULL,"
	"  events TEXT NOT NULL,"
	"  enabled INTEGER NOT NULL,"
	"  ord INTEGER NOT NULL);"
},
};

const size_t store_n_migrations =
	sizeof(store_migrations) / sizeof(store_migrations[0]);
