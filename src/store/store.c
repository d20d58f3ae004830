/* store.c — opening a store: path, identity checks, migrations, close. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include "store/sqlite.h"

#define DB_NAME "plateau.db"

int store_err(struct store *st, int err, const char *fmt, ...)
{
	va_list ap;

	if (!st)
		return err;
	va_start(ap, fmt);
	vsnprintf(st->errmsg, sizeof(st->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

int store_sqlite_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_NOMEM:
		return ENOMEM;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return EPROTO;
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_READONLY:
		return EACCES;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_FULL:
		return ENOSPC;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
	case SQLITE_RANGE:
		return EINVAL;
	default:
		return EIO;
	}
}

const char *store_errmsg(const struct store *st)
{
	return st ? st->errmsg : "no store";
}

const char *store_path(const struct store *st)
{
	return st ? st->path : "";
}

const char *store_data_dir(const char *given)
{
	const char *env = getenv("PLATEAU_DATA");

	if (given)
		return given;
	return env && *env ? env : "data";
}

int store_schema_latest(void)
{
	return (int)store_n_migrations;
}

/* ---------------------------------------------------------------------
 * Path resolution
 * ------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Resolves spec to the database file in st->path, creating the data
 * directory (its last component only) when the spec names a directory. */
static int resolve_path(struct store *st, const char *spec, bool no_mkdir)
{
	const char *p = spec;
	struct stat sb;
	bool is_dir;
	int n;

	if (!strncmp(spec, "sqlite:", 7))
		p = spec + 7;
	else if (strstr(spec, "://") || !strncmp(spec, "postgres", 8) ||
		 (strchr(spec, ':') && !strchr(spec, '/')))
		return store_err(st, ENOTSUP, "store '%s': unknown backend "
				 "(this build has 'sqlite:')", spec);
	if (!*p)
		return store_err(st, EINVAL, "store '%s': empty path", spec);

	if (!stat(p, &sb))
		is_dir = S_ISDIR(sb.st_mode);
	else
		is_dir = !ends_with(p, ".db");

	if (!is_dir) {
		n = snprintf(st->path, sizeof(st->path), "%s", p);
	}
	else {
		if (!no_mkdir && mkdir(p, 0750) && errno != EEXIST)
			return store_err(st, errno, "data directory '%s': %s",
					 p, strerror(errno));
		n = snprintf(st->path, sizeof(st->path), "%s/%s", p, DB_NAME);
	}
	if (n < 0 || (size_t)n >= sizeof(st->path))
		return store_err(st, ENAMETOOLONG, "store path too long");
	return 0;
}

/* Refuses, before SQLite touches it, a file that is not SQLite at all. */
static int check_header(struct store *st)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	ssize_t n;
	int fd;

	fd = open(st->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return store_err(st, errno, "%s: %s", st->path,
				 strerror(errno));
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, sizeof(head)))
		return store_err(st, EPROTO, "%s: not a plateau database "
				 "(not an SQLite file); left untouched",
				 st->path);
	return 0;
}

/* ---------------------------------------------------------------------
 * Statements on the caller's connection
 * ------------------------------------------------------------------- */

static int exec(struct store *st, sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int err = store_sqlite_errno(rc);

		store_err(st, err ? err : EIO, "%s: %s", st->path,
			  msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return err ? err : EIO;
	}
	return 0;
}

/* Runs a query returning one integer; *vp = 0 for no row or NULL. */
static int query_int(struct store *st, sqlite3 *db, const char *sql,
		     int64_t *vp)
{
	sqlite3_stmt *stmt = NULL;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*vp = sqlite3_column_int64(stmt, 0);
	}
	else if (rc == SQLITE_DONE) {
		*vp = 0;
	}
	else {
		err = store_sqlite_errno(rc);
		store_err(st, err ? err : EIO, "%s: %s", st->path,
			  sqlite3_errmsg(db));
		err = err ? err : EIO;
	}
	sqlite3_finalize(stmt);
	return err;
}

static int64_t now_wall_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Reads the schema version without writing: 0 for an empty database.
 * EPROTO for a database that is someone else's. */
static int read_version(struct store *st, int64_t *vp)
{
	int64_t appid, tables, has_version;
	int err;

	err = query_int(st, st->db, "PRAGMA application_id", &appid);
	if (err)
		return err;
	err = query_int(st, st->db, "SELECT count(*) FROM sqlite_master",
			&tables);
	if (err)
		return err;
	if (appid == 0 && tables == 0) {
		*vp = 0;
		return 0;
	}
	if (appid != STORE_APPLICATION_ID)
		return store_err(st, EPROTO, "%s: not a plateau database "
				 "(an SQLite file of another program); left "
				 "untouched", st->path);
	err = query_int(st, st->db, "SELECT count(*) FROM sqlite_master "
			"WHERE type = 'table' AND name = 'schema_version'",
			&has_version);
	if (err)
		return err;
	if (!has_version)
		return store_err(st, EPROTO, "%s: plateau database without "
				 "a schema_version table; left untouched",
				 st->path);
	return query_int(st, st->db, "SELECT max(version) FROM "
			 "schema_version", vp);
}

/* read_version, and a version newer than this plateau knows is refused
 * (EPROTO): nothing is written to such a store. */
static int read_known_version(struct store *st, int64_t *vp)
{
	int err = read_version(st, vp);

	if (err)
		return err;
	if (*vp > (int64_t)store_n_migrations)
		return store_err(st, EPROTO, "%s: schema version %lld is newer "
				 "than this plateau's (%zu); upgrade plateau",
				 st->path, (long long)*vp, store_n_migrations);
	return 0;
}

int store_schema_version(struct store *st, int *versionp)
{
	int64_t v;
	int err;

	if (!st || !versionp)
		return EINVAL;
	err = read_version(st, &v);
	if (!err)
		*versionp = (int)v;
	return err;
}

/* Applies the pending steps in one transaction. */
static int migrate(struct store *st)
{
	int64_t v;
	char sql[256];
	int err;

	err = exec(st, st->db, "BEGIN IMMEDIATE");
	if (err)
		return err;
	/* Read again under the write lock: another process may have run. */
	err = read_known_version(st, &v);
	if (err)
		goto out;
	if (v == 0) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
			 STORE_APPLICATION_ID);
		err = exec(st, st->db, sql);
		if (err)
			goto out;
	}
	for (size_t i = (size_t)v; i < store_n_migrations; i++) {
		sqlite3_stmt *stmt = NULL;
		int rc;

		err = exec(st, st->db, store_migrations[i].sql);
		if (err) {
			store_err(st, err, "%s: migration to version %zu "
				  "failed: %s", st->path, i + 1,
				  sqlite3_errmsg(st->db));
			goto out;
		}
		rc = sqlite3_prepare_v2(st->db, "INSERT INTO schema_version"
					"(version, applied_ms, what) "
					"VALUES (?, ?, ?)", -1, &stmt, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(stmt, 1, (int64_t)i + 1);
			sqlite3_bind_int64(stmt, 2, now_wall_ms());
			sqlite3_bind_text(stmt, 3, store_migrations[i].what,
					  -1, SQLITE_STATIC);
			rc = sqlite3_step(stmt);
		}
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE) {
			err = store_err(st, EIO, "%s: recording version: %s",
					st->path, sqlite3_errmsg(st->db));
			goto out;
		}
	}
	err = exec(st, st->db, "COMMIT");
 out:
	if (err)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

/* Opens a connection with the store's settings. */
static int connect_db(struct store *st, sqlite3 **dbp)
{
	sqlite3 *db = NULL;
	int rc, err;

	rc = sqlite3_open_v2(st->path, &db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err = store_sqlite_errno(rc);
		store_err(st, err ? err : EIO, "%s: cannot open: %s",
			  st->path, db ? sqlite3_errmsg(db) :
			  sqlite3_errstr(rc));
		sqlite3_close(db);
		return err ? err : EIO;
	}
	sqlite3_busy_timeout(db, st->busy_ms);
	sqlite3_extended_result_codes(db, 1);
	*dbp = db;
	return 0;
}

/* Connection settings; journal_mode is a property of the file. */
static int configure(struct store *st, sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;
	int rc, err;

	rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &stmt,
				NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(stmt, 0), "wal")) {
		sqlite3_finalize(stmt);
		err = store_sqlite_errno(rc);
		return store_err(st, err ? err : EIO, "%s: cannot use WAL "
				 "mode: %s", st->path, sqlite3_errmsg(db));
	}
	sqlite3_finalize(stmt);
	/* NORMAL in WAL: a commit is in the WAL file (the OS's page cache)
	 * when COMMIT returns, so it survives the process being killed; a
	 * power loss may lose the last commits, never corrupt the file.
	 * docs/store.md explains the choice. */
	return exec(st, db, "PRAGMA synchronous = NORMAL;"
		    "PRAGMA foreign_keys = ON;");
}

int store_open_opts(struct store **stp, const char *spec,
		    const struct store_opts *opts, char *errmsg,
		    size_t errsz)
{
	size_t queue_cap = opts && opts->queue_cap ? opts->queue_cap :
		STORE_QUEUE_DEFAULT;
	bool must_exist = opts && opts->must_exist;
	struct store *st;
	int64_t v;
	int err;

	if (!stp || !spec || queue_cap < 16) {
		if (errmsg && errsz)
			snprintf(errmsg, errsz, "store_open: bad argument");
		return EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		if (errmsg && errsz)
			snprintf(errmsg, errsz, "out of memory");
		return ENOMEM;
	}
	st->cap = queue_cap;
	st->busy_ms = opts && opts->busy_ms ? opts->busy_ms : 5000;
	st->ring = calloc(queue_cap, sizeof(*st->ring));
	if (!st->ring) {
		err = store_err(st, ENOMEM, "out of memory (queue of %zu)",
				queue_cap);
		goto out;
	}
	err = resolve_path(st, spec, must_exist);
	if (err)
		goto out;
	if (must_exist && access(st->path, F_OK)) {
		err = store_err(st, ENOENT, "%s: no such store", st->path);
		goto out;
	}
	err = check_header(st);
	if (err)
		goto out;
	err = connect_db(st, &st->db);
	if (err)
		goto out;
	/* Identity and version first, read-only: a foreign or newer file
	 * is refused before anything is written to it. */
	err = read_known_version(st, &v);
	if (err)
		goto out;
	err = configure(st, st->db);
	if (err)
		goto out;
	err = migrate(st);
	if (err)
		goto out;
	err = connect_db(st, &st->wdb);
	if (err)
		goto out;
	err = configure(st, st->wdb);
	if (err)
		goto out;
	err = store_log_prepare(st);
	if (err)
		goto out;
	err = store_writer_start(st);
 out:
	if (err) {
		if (errmsg && errsz)
			snprintf(errmsg, errsz, "%s", st->errmsg);
		store_close(st);
	}
	else {
		st->errmsg[0] = '\0';
		*stp = st;
	}
	return err;
}

int store_open(struct store **stp, const char *spec, char *errmsg,
	       size_t errsz)
{
	return store_open_opts(stp, spec, NULL, errmsg, errsz);
}

struct store *store_close(struct store *st)
{
	if (!st)
		return NULL;
	store_writer_stop(st);
	store_log_finalize(st);
	sqlite3_close(st->wdb);
	sqlite3_close(st->db);
	free(st->ring);
	free(st);
	return NULL;
}
