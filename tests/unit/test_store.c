/* test_store.c — the SQLite store: migrations, event log, CDRs, writer. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <re.h>
#include "test.h"
#include "config/center.h"
#include "store/store.h"
#include "store/sqlite.h"

/* ---------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------- */

/* A fresh directory under build/, removed by tmp_done(). */
struct tmp {
	char dir[256];             /* the directory                         */
	char db[300];              /* dir/plateau.db                        */
	char spec[320];            /* "sqlite:" dir                         */
};

static int tmp_make(struct tmp *t)
{
	mkdir("build", 0755);
	snprintf(t->dir, sizeof(t->dir), "build/test-store.XXXXXX");
	if (!mkdtemp(t->dir))
		return errno;
	snprintf(t->db, sizeof(t->db), "%s/plateau.db", t->dir);
	snprintf(t->spec, sizeof(t->spec), "sqlite:%s", t->dir);
	return 0;
}

static void tmp_done(struct tmp *t)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", t->dir);
}

/* Reads a whole file; *lenp its size. NULL if missing. */
static char *slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0) {
		buf = malloc((size_t)n + 1);
		rewind(f);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*lenp = (size_t)n;
	}
	fclose(f);
	return buf;
}

static int spit(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return errno;
	if (fwrite(data, 1, len, f) != len)
		err = EIO;
	if (fclose(f))
		err = EIO;
	return err;
}

/* Runs SQL on the file directly (no store); returns the SQLite code. */
static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open(path, &db);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* One integer from SQL on the file directly; -1 on error. */
static long long raw_int(const char *path, const char *sql)
{
	sqlite3_stmt *s = NULL;
	sqlite3 *db = NULL;
	long long v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static bool file_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* ---------------------------------------------------------------------
 * Migrations and opening
 * ------------------------------------------------------------------- */

static int test_migrate_fresh_then_again(void)
{
	struct store *st = NULL;
	char msg[256];
	struct tmp t;
	int v = -1, err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	err = store_schema_version(st, &v);
	st = store_close(st);
	TEST_EQ(err, 0);
	TEST_EQ(v, store_schema_latest());
	TEST_ASSERT(store_schema_latest() >= 1);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM schema_version"),
		store_schema_latest());
	TEST_EQ(raw_int(t.db, "PRAGMA application_id"), STORE_APPLICATION_ID);
	/* WAL is recorded in the file header (byte 18 == 2). */
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM pragma_journal_mode "
			"WHERE journal_mode = 'wal'"), 1);

	/* Again: nothing to apply, nothing recorded twice. */
	err = store_open(&st, t.db, msg, sizeof(msg));
	if (err)
		TEST_FAIL("reopen: %s", msg);
	err = store_schema_version(st, &v);
	st = store_close(st);
	TEST_EQ(err, 0);
	TEST_EQ(v, store_schema_latest());
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM schema_version"),
		store_schema_latest());
	tmp_done(&t);
	return 0;
}

/* A database left at every older version is brought up to date, and the
 * rows it held stay. */
static int test_migrate_from_each_older_version(void)
{
	for (size_t k = 1; k < store_n_migrations; k++) {
		struct store *st = NULL;
		char msg[256], sql[256];
		struct tmp t;
		int err, v = -1;

		err = tmp_make(&t);
		if (err)
			return err;
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
			 STORE_APPLICATION_ID);
		TEST_EQ(raw_exec(t.db, sql), SQLITE_OK);
		for (size_t i = 0; i < k; i++) {
			TEST_EQ(raw_exec(t.db, store_migrations[i].sql),
				SQLITE_OK);
			snprintf(sql, sizeof(sql), "INSERT INTO schema_version"
				 " VALUES (%zu, 0, 'test')", i + 1);
			TEST_EQ(raw_exec(t.db, sql), SQLITE_OK);
		}
		TEST_EQ(raw_exec(t.db, "INSERT INTO cdrs (call_id, tenant) "
				 "VALUES ('old-1', 'acme')"), SQLITE_OK);
		err = store_open(&st, t.spec, msg, sizeof(msg));
		if (err)
			TEST_FAIL("open at version %zu: %s", k, msg);
		err = store_schema_version(st, &v);
		st = store_close(st);
		TEST_EQ(err, 0);
		TEST_EQ(v, store_schema_latest());
		TEST_EQ(raw_int(t.db, "SELECT count(*) FROM cdrs WHERE "
				"call_id = 'old-1'"), 1);
		tmp_done(&t);
	}
	return 0;
}

static int test_open_newer_schema_refused(void)
{
	struct store *st = NULL;
	char msg[256], sql[128], *before, *after;
	size_t nb = 0, na = 0;
	struct tmp t;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	st = store_close(st);
	snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES "
		 "(%d, 0, 'from the future')", store_schema_latest() + 1);
	TEST_EQ(raw_exec(t.db, sql), SQLITE_OK);
	before = slurp(t.db, &nb);
	TEST_ASSERT(before != NULL);

	msg[0] = '\0';
	err = store_open(&st, t.spec, msg, sizeof(msg));
	after = slurp(t.db, &na);
	TEST_ASSERT(st == NULL);
	if (err != EPROTO || !strstr(msg, "newer") || !after || na != nb ||
	    memcmp(before, after, nb)) {
		free(before);
		free(after);
		TEST_FAIL("err %d msg '%s': expected EPROTO, 'newer', file "
			  "unchanged", err, msg);
	}
	free(before);
	free(after);
	tmp_done(&t);
	return 0;
}

/* Writes content as plateau.db, opens, checks EPROTO and an unchanged
 * file. */
static int refused_untouched(const char *what, const void *content,
			     size_t len, bool raw_sql)
{
	struct store *st = NULL;
	char msg[256], *after = NULL, *before = NULL;
	size_t na = 0, nb = 0;
	struct tmp t;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	if (raw_sql)
		err = raw_exec(t.db, content) == SQLITE_OK ? 0 : EIO;
	else
		err = spit(t.db, content, len);
	if (err)
		TEST_FAIL("%s: cannot prepare", what);
	before = slurp(t.db, &nb);
	msg[0] = '\0';
	err = store_open(&st, t.spec, msg, sizeof(msg));
	after = slurp(t.db, &na);
	if (err != EPROTO || st || !strstr(msg, "not a plateau database") ||
	    !before || !after || na != nb || memcmp(after, before, nb)) {
		free(before);
		free(after);
		store_close(st);
		TEST_FAIL("%s: err %d '%s', expected EPROTO and the file "
			  "unchanged", what, err, msg);
	}
	free(before);
	free(after);
	TEST_ASSERT(!file_exists(t.db) || 1);
	tmp_done(&t);
	return 0;
}

static int test_open_corrupt_or_foreign_refused(void)
{
	static const char garbage[] = "this is not a database at all\n";
	char fake[4096];
	int err;

	err = refused_untouched("text file", garbage, sizeof(garbage) - 1,
				false);
	if (err)
		return err;

	/* An SQLite header followed by garbage. */
	memset(fake, 0x5a, sizeof(fake));
	memcpy(fake, "SQLite format 3", 16);
	{
		struct store *st = NULL;
		char msg[256], *after;
		size_t na = 0;
		struct tmp t;

		err = tmp_make(&t);
		if (err)
			return err;
		TEST_EQ(spit(t.db, fake, sizeof(fake)), 0);
		err = store_open(&st, t.spec, msg, sizeof(msg));
		after = slurp(t.db, &na);
		TEST_ASSERT(st == NULL);
		if (err != EPROTO || !after || na != sizeof(fake) ||
		    memcmp(after, fake, na)) {
			free(after);
			TEST_FAIL("corrupt: err %d '%s'", err, msg);
		}
		free(after);
		tmp_done(&t);
	}

	/* Another program's SQLite database. */
	return refused_untouched("foreign db", "CREATE TABLE crm(x);"
				 "INSERT INTO crm VALUES (42);", 0, true);
}

static int test_open_unwritable_place(void)
{
	struct store *st = NULL;
	char msg[256], path[400];
	struct tmp t;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	/* A data directory under a regular file. */
	snprintf(path, sizeof(path), "%s/file", t.dir);
	TEST_EQ(spit(path, "x", 1), 0);
	snprintf(path, sizeof(path), "sqlite:%s/file/data", t.dir);
	msg[0] = '\0';
	err = store_open(&st, path, msg, sizeof(msg));
	TEST_ASSERT(st == NULL);
	TEST_ASSERT(err != 0);
	TEST_ASSERT(strstr(msg, "file/data") != NULL);

	/* A missing parent: not created behind the user's back. */
	snprintf(path, sizeof(path), "%s/no/such/dir", t.dir);
	err = store_open(&st, path, msg, sizeof(msg));
	TEST_EQ(err, ENOENT);
	TEST_ASSERT(st == NULL);
	snprintf(path, sizeof(path), "%s/no", t.dir);
	TEST_ASSERT(!file_exists(path));

	/* A read-only directory (root ignores permissions: skip then). */
	if (geteuid() != 0) {
		snprintf(path, sizeof(path), "%s/ro", t.dir);
		TEST_EQ(mkdir(path, 0500), 0);
		err = store_open(&st, path, msg, sizeof(msg));
		TEST_ASSERT(err != 0);
		TEST_ASSERT(st == NULL);
		chmod(path, 0700);
	}

	/* A store that must exist and does not: nothing created. */
	{
		struct store_opts opts = {.must_exist = true};

		snprintf(path, sizeof(path), "%s/absent", t.dir);
		err = store_open_opts(&st, path, &opts, msg, sizeof(msg));
		TEST_EQ(err, ENOENT);
		TEST_ASSERT(st == NULL);
		TEST_ASSERT(!file_exists(path));
	}

	/* Unknown backend, bad arguments. */
	err = store_open(&st, "postgresql://db/plateau", msg, sizeof(msg));
	TEST_EQ(err, ENOTSUP);
	TEST_EQ(store_open(&st, "", msg, sizeof(msg)), EINVAL);
	TEST_EQ(store_open(NULL, t.spec, msg, sizeof(msg)), EINVAL);
	TEST_ASSERT(st == NULL);
	tmp_done(&t);
	return 0;
}

/* ---------------------------------------------------------------------
 * Event log
 * ------------------------------------------------------------------- */

struct collect {
	struct acd_event ev[32];   /* copies (strings not kept)             */
	char tenant[32][16];       /* tenant of each, "" for NULL           */
	char text[32][128];        /* "queue|agent|to_queue|reason|pos|site"*/
	char call_id[32][32];      /* the server's call id, "" for NULL     */
	int64_t id[32];
	size_t n;
};

static bool collect_ev(const struct store_event *e, void *arg)
{
	struct collect *c = arg;
	const struct acd_event *v = &e->ev;

	if (c->n >= 32)
		return false;
	c->ev[c->n] = *v;
	c->id[c->n] = e->id;
	snprintf(c->tenant[c->n], 16, "%s", v->tenant ? v->tenant : "");
	snprintf(c->call_id[c->n], 32, "%s", e->call_id ? e->call_id : "");
	snprintf(c->text[c->n], 128, "%s|%s|%s|%s|%s|%s",
		 v->queue ? v->queue : "", v->agent ? v->agent : "",
		 v->to_queue ? v->to_queue : "", v->reason ? v->reason : "",
		 v->position ? v->position : "", v->site ? v->site : "");
	c->n++;
	return true;
}

/* One event of each type, with its type's fields set. */
static size_t sample_events(struct acd_event *evs)
{
	size_t n = 0;

	for (int t = 0; t < ACD_EV_COUNT; t++) {
		struct acd_event *e = &evs[n++];

		memset(e, 0, sizeof(*e));
		e->type = (enum acd_event_type)t;
		e->time = 1000 + t * 10;
		e->call = t == ACD_EV_AGENT_STATE ? 0 : 7;
		e->tenant = "acme";
		e->queue = t == ACD_EV_AGENT_STATE ? NULL : "support-fr";
		e->agent = t == ACD_EV_CALL_ENTER ? NULL : "a-101";
		switch (e->type) {
		case ACD_EV_CALL_ENTER:
			e->priority = 5;
			break;
		case ACD_EV_CONNECT:
		case ACD_EV_ABANDON:
			e->wait_ms = 12345;
			break;
		case ACD_EV_EXIT:
			e->wait_ms = 60000;
			e->exit_reason = ACD_EXIT_KEY;
			e->key = '#';
			break;
		case ACD_EV_COMPLETE:
			e->ended_by = ACD_PARTY_AGENT;
			e->talk_ms = 98765;
			break;
		case ACD_EV_TRANSFER:
			e->to_queue = "billing-ar";
			break;
		case ACD_EV_AGENT_STATE:
			e->state = ACD_AGENT_PAUSED;
			e->old_state = ACD_AGENT_WRAP_UP;
			e->reason = "déjeuner";
			e->position = "casa-p12";
			e->site = "casa";
			break;
		case ACD_EV_WIDEN:
			e->widen_step = 2;
			break;
		case ACD_EV_ANNOUNCE:
			e->position_in_line = 3;
			e->expected_wait_ms = 45000;
			break;
		default:
			break;
		}
	}
	return n;
}

static int test_event_append_read_back(void)
{
	struct acd_event evs[ACD_EV_COUNT];
	struct collect *c = calloc(1, sizeof(*c));
	struct store *st = NULL;
	char msg[256];
	struct tmp t;
	size_t n;
	int err;

	if (!c)
		return ENOMEM;
	err = tmp_make(&t);
	if (err)
		goto out;
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err)
		goto out;
	n = sample_events(evs);
	for (size_t i = 0; i < n; i++) {
		char cid[32];

		/* every other event with the server's call id */
		snprintf(cid, sizeof(cid), "boot-%zu", i);
		err = i % 2 ? store_event_append_call(st, &evs[i], cid)
			    : store_event_append(st, &evs[i]);
		if (err)
			goto out;
	}
	err = store_flush(st);
	if (!err)
		err = store_events_read(st, NULL, 0, 0, collect_ev, c);
	if (err)
		goto out;
	err = EINVAL;
	if (c->n != n)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct acd_event *a = &evs[i], *b = &c->ev[i];
		char text[128], cid[32];

		snprintf(text, sizeof(text), "%s|%s|%s|%s|%s|%s",
			 a->queue ? a->queue : "", a->agent ? a->agent : "",
			 a->to_queue ? a->to_queue : "",
			 a->reason ? a->reason : "",
			 a->position ? a->position : "", a->site ? a->site : "");
		cid[0] = '\0';
		if (i % 2)
			snprintf(cid, sizeof(cid), "boot-%zu", i);
		if (strcmp(c->call_id[i], cid)) {
			fprintf(stderr, "  event %zu: call id '%s', want "
				"'%s'\n", i, c->call_id[i], cid);
			goto out;
		}
		if (a->type != b->type || a->time != b->time ||
		    a->call != b->call || a->priority != b->priority ||
		    a->wait_ms != b->wait_ms ||
		    a->exit_reason != b->exit_reason || a->key != b->key ||
		    a->ended_by != b->ended_by || a->talk_ms != b->talk_ms ||
		    a->state != b->state || a->old_state != b->old_state ||
		    a->widen_step != b->widen_step ||
		    a->position_in_line != b->position_in_line ||
		    a->expected_wait_ms != b->expected_wait_ms ||
		    strcmp(c->tenant[i], "acme") || strcmp(c->text[i], text) ||
		    (i > 0 && c->id[i] <= c->id[i - 1])) {
			fprintf(stderr, "  event %zu (%s) differs: '%s' vs "
				"'%s'\n", i, store_ev_type_str(a->type),
				c->text[i], text);
			goto out;
		}
	}
	/* Reading after an id, with a limit. */
	c->n = 0;
	err = store_events_read(st, NULL, c->id[2], 3, collect_ev, c);
	if (err)
		goto out;
	err = EINVAL;
	if (c->n != 3 || c->ev[0].type != evs[3].type)
		goto out;
	/* Rows cannot be changed or removed. */
	if (raw_exec(t.db, "UPDATE events SET agent = 'x'") == SQLITE_OK ||
	    raw_exec(t.db, "DELETE FROM events") == SQLITE_OK)
		goto out;
	err = 0;
 out:
	if (err && st)
		fprintf(stderr, "  %s\n", store_errmsg(st));
	store_close(st);
	tmp_done(&t);
	free(c);
	return err;
}

static int test_event_bad_input_refused(void)
{
	struct store_stats before, after;
	struct acd_event ev;
	struct store *st = NULL;
	char msg[256];
	struct tmp t;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	store_stats(st, &before);
	memset(&ev, 0, sizeof(ev));
	ev.type = ACD_EV_COUNT;
	TEST_EQ(store_event_append(st, &ev), EINVAL);
	TEST_ASSERT(strstr(store_errmsg(st), "unknown type") != NULL);
	ev.type = ACD_EV_CALL_ENTER;
	TEST_EQ(store_event_append_call(st, &ev, ""), EINVAL);
	{
		char longid[STORE_CALL_ID_MAX + 2];

		memset(longid, 'x', sizeof(longid) - 1);
		longid[sizeof(longid) - 1] = '\0';
		TEST_EQ(store_event_append_call(st, &ev, longid), EINVAL);
	}
	ev.type = ACD_EV_COUNT;
	ev.type = ACD_EV_OFFER;
	ev.time = -5;
	TEST_EQ(store_event_append(st, &ev), EINVAL);
	ev.time = 5;
	ev.type = ACD_EV_EXIT;
	ev.exit_reason = (enum acd_exit_reason)9;
	TEST_EQ(store_event_append(st, &ev), EINVAL);
	TEST_EQ(store_event_append(st, NULL), EINVAL);
	TEST_EQ(store_event_append(NULL, &ev), EINVAL);
	store_stats(st, &after);
	TEST_EQ(after.accepted, before.accepted);
	TEST_EQ(store_flush(st), 0);
	st = store_close(st);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM events"), 0);
	tmp_done(&t);
	return 0;
}

/* The engine's own events, fed straight from its handler into the log,
 * come back in order, with the engine's vocabulary. */
struct feed {
	struct store *st;          /* where events go                       */
	enum acd_event_type types[64]; /* types seen, in order              */
	size_t n;                  /* events seen                           */
	int err;                   /* first append error                    */
};

static void feed_h(const struct acd_event *ev, void *arg)
{
	struct feed *f = arg;
	int err = store_event_append(f->st, ev);

	if (err && !f->err)
		f->err = err;
	if (f->n < 64)
		f->types[f->n] = ev->type;
	f->n++;
}

struct replay {
	const struct feed *f;      /* what was fed                          */
	size_t n;                  /* events read back                      */
	bool same;                 /* types and tenant as fed so far        */
};

static bool replay_h(const struct store_event *e, void *arg)
{
	struct replay *r = arg;

	if (r->n >= r->f->n || e->ev.type != r->f->types[r->n] ||
	    !e->ev.tenant || strcmp(e->ev.tenant, "acme"))
		r->same = false;
	r->n++;
	return true;
}

static int test_event_log_of_the_engine(void)
{
	struct acd_agent_conf ac = {"a1", "acme", "lang:fr=5"};
	struct acd_queue_conf qc;
	struct feed f;
	struct replay r;
	struct acd *acd = NULL;
	char msg[256];
	uint64_t call = 0;
	struct tmp t;
	int err;

	for (int i = 0; i < ACD_EV_COUNT; i++)
		TEST_STREQ(store_ev_type_str((enum acd_event_type)i),
			   acd_event_name((enum acd_event_type)i));
	err = tmp_make(&t);
	if (err)
		return err;
	memset(&f, 0, sizeof(f));
	err = store_open(&f.st, t.spec, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	err = acd_alloc(&acd, 1, feed_h, &f);
	acd_queue_conf_init(&qc);
	qc.id = "support-fr";
	qc.tenant = "acme";
	if (!err)
		err = acd_tenant_add(acd, "acme");
	if (!err)
		err = acd_site_add(acd, "casa");
	if (!err)
		err = acd_position_add(acd, "casa-001", "casa");
	if (!err)
		err = acd_queue_add(acd, &qc);
	if (!err)
		err = acd_agent_add(acd, &ac);
	if (!err)
		err = acd_member_add(acd, "support-fr", "a1", 1);
	if (!err)
		err = acd_agent_login(acd, 0, "a1", "casa-001");
	/* Login may already leave the agent ready (EALREADY then). */
	if (!err)
		(void)acd_agent_ready(acd, 10, "a1");
	if (!err)
		err = acd_call_arrive(acd, 1000, "support-fr", NULL, &call);
	if (!err)
		err = acd_offer_accept(acd, 3000, call, "a1");
	if (!err)
		err = acd_call_hangup(acd, 60000, call, ACD_PARTY_CALLER);
	if (!err)
		err = acd_tick(acd, 120000);
	if (err)
		fprintf(stderr, "  engine: %s\n", acd_errmsg(acd));
	acd_free(acd);
	if (!err)
		err = f.err;
	if (!err)
		err = store_flush(f.st);
	memset(&r, 0, sizeof(r));
	r.f = &f;
	r.same = true;
	if (!err)
		err = store_events_read(f.st, "acme", 0, 0, replay_h, &r);
	store_close(f.st);
	if (err)
		TEST_FAIL("err %d", err);
	TEST_ASSERT(f.n >= 5);
	TEST_EQ(r.n, f.n);
	TEST_ASSERT(r.same);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM events WHERE type = "
			"'complete' AND ended_by = 'caller' AND talk_ms = 57000"),
		1);
	TEST_EQ(raw_int(t.db, "SELECT wait_ms FROM events WHERE type = "
			"'connect'"), 2000);
	tmp_done(&t);
	return 0;
}

/* ---------------------------------------------------------------------
 * CDRs
 * ------------------------------------------------------------------- */

struct cdr_seen {
	size_t n;                  /* records seen                          */
	struct store_cdr last;     /* the last one (strings not kept)       */
	char ids[512];             /* "id,id,…"                             */
	char disposition[32];
	char notes[64];
	char agent[32];
	char recording[64];
	char did[32];
};

static bool collect_cdr(const struct store_cdr *c, void *arg)
{
	struct cdr_seen *s = arg;
	size_t len = strlen(s->ids);

	s->n++;
	s->last = *c;
	snprintf(s->ids + len, sizeof(s->ids) - len, "%s%s", len ? "," : "",
		 c->call_id);
	snprintf(s->disposition, sizeof(s->disposition), "%s",
		 c->disposition ? c->disposition : "(null)");
	snprintf(s->notes, sizeof(s->notes), "%s",
		 c->notes ? c->notes : "(null)");
	snprintf(s->agent, sizeof(s->agent), "%s",
		 c->agent ? c->agent : "(null)");
	snprintf(s->recording, sizeof(s->recording), "%s",
		 c->recording ? c->recording : "(null)");
	snprintf(s->did, sizeof(s->did), "%s", c->did ? c->did : "(null)");
	return true;
}

static int test_cdr_insert_update_disposition(void)
{
	struct store_cdr_filter f;
	struct store_stats stats;
	struct store *st = NULL;
	struct store_cdr c;
	struct cdr_seen seen;
	char msg[256];
	struct tmp t;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);

	/* The call arrives and waits: a first record. */
	memset(&c, 0, sizeof(c));
	c.call_id = "c-1";
	c.acd_call = 1;
	c.tenant = "acme";
	c.did = "+212522000100";
	c.caller = "+212661234567";
	c.arrive_ms = 1700000000000;
	c.enter_ms = 1700000002000;
	c.queue = "support-fr";
	TEST_EQ(store_cdr_put(st, &c), 0);

	/* It is answered and ends: the same record, completed. */
	c.offer_ms = 1700000010000;
	c.answer_ms = 1700000012000;
	c.end_ms = 1700000100000;
	c.ended_by = STORE_HANGUP_CALLER;
	c.agent = "a-101";
	c.wait_ms = 10000;
	c.talk_ms = 88000;
	c.outcome = STORE_OUTCOME_ANSWERED;
	c.recording = "rec/2023/c-1.wav";
	TEST_EQ(store_cdr_put(st, &c), 0);
	TEST_EQ(store_cdr_disposition(st, "acme", "c-1", "sale", "fibre 1G"),
		0);
	/* Another tenant may not touch it, nor may a put rename it. */
	TEST_EQ(store_cdr_disposition(st, "globex", "c-1", "hack", "x"), 0);
	c.tenant = "globex";
	c.agent = "intruder";
	TEST_EQ(store_cdr_put(st, &c), 0);
	TEST_EQ(store_cdr_disposition(st, "acme", "c-404", "x", NULL), 0);
	TEST_EQ(store_flush(st), 0);

	store_stats(st, &stats);
	TEST_EQ(stats.accepted, 6);
	TEST_EQ(stats.written, 3);
	TEST_EQ(stats.rejected, 3);
	TEST_EQ(stats.done_seq, 6);

	memset(&f, 0, sizeof(f));
	memset(&seen, 0, sizeof(seen));
	TEST_EQ(store_cdrs_read(st, &f, collect_cdr, &seen), 0);
	TEST_EQ(seen.n, 1);
	TEST_STREQ(seen.ids, "c-1");
	TEST_STREQ(seen.disposition, "sale");
	TEST_STREQ(seen.notes, "fibre 1G");
	TEST_STREQ(seen.agent, "a-101");
	TEST_STREQ(seen.recording, "rec/2023/c-1.wav");
	TEST_STREQ(seen.did, "+212522000100");
	TEST_EQ(seen.last.outcome, STORE_OUTCOME_ANSWERED);
	TEST_EQ(seen.last.ended_by, STORE_HANGUP_CALLER);
	TEST_EQ(seen.last.talk_ms, 88000);
	TEST_EQ(seen.last.wait_ms, 10000);
	TEST_EQ(seen.last.answer_ms, 1700000012000);
	TEST_EQ(seen.last.acd_call, 1);

	/* A later put (e.g. recording moved) keeps the disposition. */
	c.tenant = "acme";
	c.agent = "a-101";
	c.recording = "archive/c-1.wav";
	TEST_EQ(store_cdr_put(st, &c), 0);
	TEST_EQ(store_flush(st), 0);
	memset(&seen, 0, sizeof(seen));
	TEST_EQ(store_cdrs_read(st, &f, collect_cdr, &seen), 0);
	TEST_STREQ(seen.disposition, "sale");
	TEST_STREQ(seen.recording, "archive/c-1.wav");

	/* Bad records are refused at once, nothing queued. */
	store_stats(st, &stats);
	c.call_id = NULL;
	TEST_EQ(store_cdr_put(st, &c), EINVAL);
	c.call_id = "c-2";
	c.tenant = NULL;
	TEST_EQ(store_cdr_put(st, &c), EINVAL);
	c.tenant = "acme";
	c.outcome = STORE_OUTCOME_COUNT;
	TEST_EQ(store_cdr_put(st, &c), EINVAL);
	c.outcome = STORE_OUTCOME_ANSWERED;
	c.talk_ms = -1;
	TEST_EQ(store_cdr_put(st, &c), EINVAL);
	TEST_EQ(store_cdr_disposition(st, NULL, "c-1", "x", NULL), EINVAL);
	{
		struct store_stats s2;

		store_stats(st, &s2);
		TEST_EQ(s2.accepted, stats.accepted);
	}
	st = store_close(st);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM cdrs"), 1);
	tmp_done(&t);
	return 0;
}

/* ---------------------------------------------------------------------
 * Tenant scoping
 * ------------------------------------------------------------------- */

static bool count_ev(const struct store_event *e, void *arg)
{
	size_t *n = arg;

	(void)e;
	(*n)++;
	return true;
}

static bool only_tenant(const struct store_event *e, void *arg)
{
	const char *tenant = arg;

	if (!e->ev.tenant || strcmp(e->ev.tenant, tenant)) {
		fprintf(stderr, "  tenant %s saw a row of %s\n", tenant,
			e->ev.tenant ? e->ev.tenant : "(operator)");
		return false;
	}
	return true;
}

static int test_tenant_scoping(void)
{
	static const char *const tenants[3] = {"acme", "globex", NULL};
	struct store_cdr_filter f;
	struct cdr_seen seen;
	struct store *st = NULL;
	char msg[256], id[32];
	struct tmp t;
	size_t n;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	for (int i = 0; i < 30; i++) {
		struct acd_event ev;
		struct store_cdr c;

		memset(&ev, 0, sizeof(ev));
		ev.type = ACD_EV_OFFER;
		ev.time = i;
		ev.call = (uint64_t)i + 1;
		ev.tenant = tenants[i % 3];
		ev.agent = "a-1";
		TEST_EQ(store_event_append(st, &ev), 0);
		if (!tenants[i % 3])
			continue;
		memset(&c, 0, sizeof(c));
		snprintf(id, sizeof(id), "call-%02d", i);
		c.call_id = id;
		c.tenant = tenants[i % 3];
		c.arrive_ms = 1000 + i;
		TEST_EQ(store_cdr_put(st, &c), 0);
	}
	TEST_EQ(store_flush(st), 0);

	n = 0;
	TEST_EQ(store_events_read(st, NULL, 0, 0, count_ev, &n), 0);
	TEST_EQ(n, 30);
	n = 0;
	TEST_EQ(store_events_read(st, "acme", 0, 0, count_ev, &n), 0);
	TEST_EQ(n, 10);
	TEST_EQ(store_events_read(st, "acme", 0, 0, only_tenant,
				  (void *)"acme"), 0);
	n = 0;
	TEST_EQ(store_events_read(st, "globex", 0, 0, count_ev, &n), 0);
	TEST_EQ(n, 10);
	n = 0;
	TEST_EQ(store_events_read(st, "initech", 0, 0, count_ev, &n), 0);
	TEST_EQ(n, 0);

	memset(&f, 0, sizeof(f));
	memset(&seen, 0, sizeof(seen));
	f.tenant = "globex";
	TEST_EQ(store_cdrs_read(st, &f, collect_cdr, &seen), 0);
	TEST_EQ(seen.n, 10);
	TEST_STREQ(seen.ids, "call-01,call-04,call-07,call-10,call-13,"
		   "call-16,call-19,call-22,call-25,call-28");
	/* A time window and a limit, still within the tenant. */
	memset(&seen, 0, sizeof(seen));
	f.since_ms = 1010;
	f.until_ms = 1020;
	f.limit = 2;
	TEST_EQ(store_cdrs_read(st, &f, collect_cdr, &seen), 0);
	TEST_STREQ(seen.ids, "call-10,call-13");
	/* Operator-wide. */
	memset(&f, 0, sizeof(f));
	memset(&seen, 0, sizeof(seen));
	TEST_EQ(store_cdrs_read(st, &f, collect_cdr, &seen), 0);
	TEST_EQ(seen.n, 20);
	/* Another tenant's call, asked by id: nothing. */
	memset(&seen, 0, sizeof(seen));
	f.tenant = "acme";
	f.call_id = "call-01";
	TEST_EQ(store_cdrs_read(st, &f, collect_cdr, &seen), 0);
	TEST_EQ(seen.n, 0);
	st = store_close(st);
	tmp_done(&t);
	return 0;
}

/* ---------------------------------------------------------------------
 * Writer thread
 * ------------------------------------------------------------------- */

static int test_writer_batches_and_flushes(void)
{
	struct store_stats stats;
	struct store *st = NULL;
	struct acd_event ev;
	char msg[256];
	struct tmp t;
	size_t n = 0;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	memset(&ev, 0, sizeof(ev));
	ev.type = ACD_EV_ANNOUNCE;
	ev.tenant = "acme";
	ev.queue = "q";
	for (int i = 0; i < 2000; i++) {
		ev.time = i;
		ev.call = (uint64_t)i + 1;
		TEST_EQ(store_event_append(st, &ev), 0);
	}
	TEST_EQ(store_flush(st), 0);
	store_stats(st, &stats);
	TEST_EQ(stats.accepted, 2000);
	TEST_EQ(stats.written, 2000);
	TEST_EQ(stats.done_seq, 2000);
	TEST_EQ(stats.queued, 0);
	/* Batched: 500 rows a transaction at most, far fewer than rows. */
	TEST_ASSERT(stats.batches >= 4);
	TEST_ASSERT(stats.batches < 100);
	TEST_EQ(store_events_read(st, "acme", 0, 0, count_ev, &n), 0);
	TEST_EQ(n, 2000);

	/* Without a flush, a lone row is committed by the batch timer. */
	ev.time = 5000;
	TEST_EQ(store_event_append(st, &ev), 0);
	for (int i = 0; i < 200; i++) {
		store_stats(st, &stats);
		if (stats.done_seq == 2001)
			break;
		usleep(10000);
	}
	TEST_EQ(stats.done_seq, 2001);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM events"), 2001);
	st = store_close(st);
	tmp_done(&t);
	return 0;
}

/* With the database locked by another process, the queue fills: events
 * are refused first (EAGAIN, counted), CDRs keep the last slots; once the
 * lock goes, everything accepted is committed. */
static int test_writer_full_queue_refuses(void)
{
	struct store_opts opts = {.queue_cap = 20, .must_exist = false};
	struct store_stats stats;
	struct store *st = NULL;
	struct acd_event ev;
	struct store_cdr c;
	sqlite3 *other = NULL;
	char msg[256], id[16];
	struct tmp t;
	size_t events_ok = 0;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open_opts(&st, t.spec, &opts, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	TEST_EQ(sqlite3_open(t.db, &other), SQLITE_OK);
	TEST_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
		SQLITE_OK);

	memset(&ev, 0, sizeof(ev));
	ev.type = ACD_EV_OFFER;
	ev.tenant = "acme";
	for (int i = 0; i < 30; i++) {
		ev.call = (uint64_t)i + 1;
		err = store_event_append(st, &ev);
		if (err == EAGAIN)
			break;
		TEST_EQ(err, 0);
		events_ok++;
	}
	TEST_EQ(events_ok, 20 * STORE_EVENT_SHARE / 100);
	TEST_ASSERT(strstr(store_errmsg(st), "full") != NULL);
	memset(&c, 0, sizeof(c));
	c.tenant = "acme";
	c.call_id = id;
	for (int i = 0; i < 2; i++) {
		snprintf(id, sizeof(id), "c-%d", i);
		TEST_EQ(store_cdr_put(st, &c), 0);
	}
	TEST_EQ(store_cdr_put(st, &c), EAGAIN);
	store_stats(st, &stats);
	TEST_EQ(stats.refused_full, 2);
	TEST_EQ(stats.accepted, 20);
	TEST_EQ(stats.written, 0);

	TEST_EQ(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	TEST_EQ(store_flush(st), 0);
	store_stats(st, &stats);
	TEST_EQ(stats.written, 20);
	st = store_close(st);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM events"), 18);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM cdrs"), 2);
	tmp_done(&t);
	return 0;
}

/* Commits that fail (the database locked by another process past the
 * busy timeout) are retried with the same rows: flush reports EIO while
 * failing, nothing is lost, and everything lands once the lock goes. */
static int test_writer_retries_failed_commits(void)
{
	struct store_opts opts = {.busy_ms = 20};
	struct store_stats stats;
	struct store *st = NULL;
	struct store_cdr c;
	sqlite3 *other = NULL;
	char msg[256], id[16];
	struct tmp t;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open_opts(&st, t.spec, &opts, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	TEST_EQ(sqlite3_open(t.db, &other), SQLITE_OK);
	TEST_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
		SQLITE_OK);
	memset(&c, 0, sizeof(c));
	c.tenant = "acme";
	c.call_id = id;
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "c-%d", i);
		TEST_EQ(store_cdr_put(st, &c), 0);
	}
	TEST_EQ(store_flush(st), EIO);
	TEST_ASSERT(strstr(store_errmsg(st), "not committed") != NULL);
	store_stats(st, &stats);
	TEST_ASSERT(stats.retries >= 1);
	TEST_EQ(stats.written, 0);
	TEST_EQ(stats.queued, 100);

	TEST_EQ(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	/* The writer retries within a second or so. */
	for (int i = 0; i < 300; i++) {
		store_stats(st, &stats);
		if (stats.written == 100)
			break;
		usleep(10000);
	}
	TEST_EQ(stats.written, 100);
	TEST_EQ(store_flush(st), 0);
	st = store_close(st);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM cdrs"), 100);
	tmp_done(&t);
	return 0;
}

/* Closing commits what is queued, without an explicit flush. */
static int test_close_commits_queue(void)
{
	struct store *st = NULL;
	struct store_cdr c;
	char msg[256], id[16];
	struct tmp t;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err)
		TEST_FAIL("open: %s", msg);
	memset(&c, 0, sizeof(c));
	c.tenant = "acme";
	c.call_id = id;
	for (int i = 0; i < 1234; i++) {
		snprintf(id, sizeof(id), "c-%d", i);
		TEST_EQ(store_cdr_put(st, &c), 0);
	}
	st = store_close(st);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM cdrs"), 1234);
	tmp_done(&t);
	return 0;
}

/* ---------------------------------------------------------------------
 * Configuration
 * ------------------------------------------------------------------- */

/* The center as JSON, via the config module's writer. */
static char *center_json(const struct center *c)
{
	char *s = NULL;

	if (re_sdprintf(&s, "%H", center_write_json, c))
		return NULL;
	return s;
}

static bool file_contains(const char *path, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	char *buf = slurp(path, &n);
	bool found = false;

	for (size_t i = 0; buf && i + len <= n && !found; i++)
		found = !memcmp(buf + i, needle, len);
	free(buf);
	return found;
}

static int test_center_save_load_round_trip(void)
{
	struct center *c = NULL, *back = NULL;
	char *a = NULL, *b = NULL, msg[512];
	struct store *st = NULL;
	struct tmp t;
	int err;

	err = tmp_make(&t);
	if (err)
		return err;
	err = center_load("examples/demo.json", &c, msg, sizeof(msg));
	if (err)
		TEST_FAIL("demo: %s", msg);
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err) {
		mem_deref(c);
		TEST_FAIL("open: %s", msg);
	}
	err = store_center_load(st, &back);
	if (err != ENOENT || !strstr(store_errmsg(st), "no configuration")) {
		mem_deref(c);
		store_close(st);
		TEST_FAIL("empty store: err %d '%s'", err, store_errmsg(st));
	}
	/* Saved twice: the second replaces the first. */
	err = store_center_save(st, c);
	if (!err)
		err = store_center_save(st, c);
	if (!err)
		err = store_center_load(st, &back);
	if (!err) {
		a = center_json(c);
		b = center_json(back);
		if (!a || !b)
			err = ENOMEM;
		else if (strcmp(a, b))
			err = EINVAL;
	}
	if (err)
		fprintf(stderr, "  round trip: %s\n", store_errmsg(st));
	if (!err && (c->n_agents != back->n_agents ||
		     c->n_positions != back->n_positions ||
		     c->n_queues != back->n_queues || c->n_dids != back->n_dids))
		err = EINVAL;
	st = store_close(st);
	mem_deref(a);
	mem_deref(b);
	mem_deref(back);
	if (err) {
		mem_deref(c);
		TEST_FAIL("saved and loaded centers differ (err %d)", err);
	}
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM agents"), c->n_agents);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM positions"),
		c->n_positions);
	TEST_ASSERT(raw_int(t.db, "SELECT count(*) FROM agent_skills") > 0);
	TEST_ASSERT(raw_int(t.db, "SELECT count(*) FROM memberships") > 0);
	mem_deref(c);
	/* Secrets hashed: the demo's clear passwords and PINs are nowhere
	 * in the files. */
	TEST_ASSERT(!file_contains(t.db, "demo-casa-001"));
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM agents WHERE pin_hash "
			"NOT LIKE 'pbkdf2-sha256$%'"), 0);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM positions WHERE "
			"length(sip_ha1) != 32"), 0);
	tmp_done(&t);
	return 0;
}

/* A save the schema refuses changes nothing: the previous configuration
 * and the event log stay. */
static int test_center_save_refused_changes_nothing(void)
{
	struct center *c = NULL, *back = NULL;
	char *a = NULL, *b = NULL, msg[512], why[512], saved;
	struct store *st = NULL;
	struct acd_event ev;
	struct tmp t;
	int err, bad;

	err = tmp_make(&t);
	if (err)
		return err;
	err = center_load("examples/demo.json", &c, msg, sizeof(msg));
	if (err)
		TEST_FAIL("demo: %s", msg);
	err = store_open(&st, t.spec, msg, sizeof(msg));
	if (err) {
		mem_deref(c);
		TEST_FAIL("open: %s", msg);
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = ACD_EV_OFFER;
	ev.tenant = "acme";
	err = store_event_append(st, &ev);
	if (!err)
		err = store_flush(st);
	if (!err)
		err = store_center_save(st, c);
	a = center_json(c);
	/* Break the last position's HA1 (the schema wants 32 hex chars). */
	saved = c->positions[c->n_positions - 1].sip_ha1[5];
	c->positions[c->n_positions - 1].sip_ha1[5] = '\0';
	bad = store_center_save(st, c);
	snprintf(why, sizeof(why), "%s", store_errmsg(st));
	c->positions[c->n_positions - 1].sip_ha1[5] = saved;
	if (!err)
		err = store_center_load(st, &back);
	if (!err) {
		b = center_json(back);
		if (!a || !b || strcmp(a, b))
			err = EINVAL;
	}
	if (!err && (bad != EINVAL || !strstr(why, "position")))
		err = EPROTO;
	if (err)
		fprintf(stderr, "  bad save %d: %s\n", bad, why);
	store_close(st);
	mem_deref(a);
	mem_deref(b);
	mem_deref(back);
	mem_deref(c);
	if (err)
		TEST_FAIL("err %d", err);
	TEST_EQ(raw_int(t.db, "SELECT count(*) FROM events"), 1);
	tmp_done(&t);
	return 0;
}

const struct test tests_store[] = {
	{"migrate_fresh_then_again", test_migrate_fresh_then_again},
	{"migrate_from_each_older_version",
	 test_migrate_from_each_older_version},
	{"open_newer_schema_refused", test_open_newer_schema_refused},
	{"open_corrupt_or_foreign_refused",
	 test_open_corrupt_or_foreign_refused},
	{"open_unwritable_place", test_open_unwritable_place},
	{"event_append_read_back", test_event_append_read_back},
	{"event_bad_input_refused", test_event_bad_input_refused},
	{"event_log_of_the_engine", test_event_log_of_the_engine},
	{"cdr_insert_update_disposition", test_cdr_insert_update_disposition},
	{"tenant_scoping", test_tenant_scoping},
	{"writer_batches_and_flushes", test_writer_batches_and_flushes},
	{"writer_full_queue_refuses", test_writer_full_queue_refuses},
	{"writer_retries_failed_commits", test_writer_retries_failed_commits},
	{"close_commits_queue", test_close_commits_queue},
	{"center_save_load_round_trip", test_center_save_load_round_trip},
	{"center_save_refused_changes_nothing",
	 test_center_save_refused_changes_nothing},
	{NULL, NULL}
};
