/* SPDX-License-Identifier: MIT */
/* db.c -- the book: one SQLite file, WAL, synchronous=FULL (§4.2); the
 * schema, its append-only triggers, the advisory lock, and loading the
 * book into memory by replaying its events. */
#include "desk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
	" STRICT;"
	"CREATE TABLE event(seq INTEGER PRIMARY KEY, entry INTEGER UNIQUE,"
	" action TEXT NOT NULL, line TEXT NOT NULL, hash TEXT NOT NULL)"
	" STRICT;"
	"CREATE TABLE idem(user TEXT NOT NULL, key TEXT NOT NULL,"
	" body_sha TEXT NOT NULL, entry INTEGER NOT NULL,"
	" response TEXT NOT NULL, PRIMARY KEY(user, key)) STRICT;"
	"CREATE TABLE user(username TEXT PRIMARY KEY COLLATE NOCASE,"
	" pw_hash TEXT, must_change INTEGER NOT NULL DEFAULT 1,"
	" disabled INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE TABLE device(name TEXT PRIMARY KEY, token_hash TEXT UNIQUE,"
	" roles TEXT NOT NULL) STRICT;"
	"CREATE TABLE session(token_hash TEXT PRIMARY KEY,"
	" user TEXT NOT NULL, kind TEXT NOT NULL, created_at INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" reauth_at INTEGER NOT NULL DEFAULT 0) STRICT;"
	"CREATE TRIGGER event_nu BEFORE UPDATE ON event BEGIN"
	" SELECT RAISE(ABORT, 'ledger is append-only'); END;"
	"CREATE TRIGGER event_nd BEFORE DELETE ON event BEGIN"
	" SELECT RAISE(ABORT, 'ledger is append-only'); END;"
	"CREATE TRIGGER idem_nu BEFORE UPDATE ON idem BEGIN"
	" SELECT RAISE(ABORT, 'ledger is append-only'); END;"
	"CREATE TRIGGER idem_nd BEFORE DELETE ON idem BEGIN"
	" SELECT RAISE(ABORT, 'ledger is append-only'); END;"
	"PRAGMA application_id = 1952740203;"
	"PRAGMA user_version = 1;";

static int lock_fd = -1;

int
d_db_open(struct desk *d, const char *path, int create, int lock, char *err,
    size_t n)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;

	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (lock) {
		/* Kept open until exit: closing any descriptor of the file
		 * would drop SQLite's own POSIX locks. */
		lock_fd = open(path, O_RDWR | (create ? O_CREAT : 0), 0600);
		if (lock_fd < 0) {
			snprintf(err, n, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
			snprintf(err, n, "%s: in use by another teller-desk"
			    " (serve, import or restore)", path);
			return -1;
		}
	}
	if (sqlite3_open_v2(path, &d->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, n, "%s: %s", path, sqlite3_errmsg(d->db));
		return -1;
	}
	sqlite3_db_config(d->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(d->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_busy_timeout(d->db, 5000);
	if (sqlite3_exec(d->db, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", NULL, NULL,
	    NULL) != SQLITE_OK) {
		snprintf(err, n, "%s: %s", path, sqlite3_errmsg(d->db));
		return -1;
	}
	/* Tests: a small page limit stands in for a full disk (§11 F3). */
	if (getenv("TELLER_DESK_MAX_PAGES")) {
		char sql[64];

		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %ld;",
		    strtol(getenv("TELLER_DESK_MAX_PAGES"), NULL, 10));
		sqlite3_exec(d->db, sql, NULL, NULL, NULL);
	}
	return 0;
}

/* A new file beside path (path.claim-XXXXXX, 0600), locked: its
 * descriptor, its name in tmp; or -1 (errno). */
static int
claim_tmp(const char *path, char *tmp, size_t n)
{
	int fd;

	if ((size_t)snprintf(tmp, n, "%s.claim-XXXXXX", path) >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	if (fchmod(fd, 0600) != 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		unlink(tmp);
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
d_db_claim(const char *path, char *err, size_t n)
{
	char tmp[4200];
	int fd = open(path, O_RDWR);

	if (fd >= 0) {
		int busy = flock(fd, LOCK_EX | LOCK_NB) != 0;

		close(fd);	/* nothing of ours there to drop */
		snprintf(err, n, busy ? "%s: in use by another teller-desk"
		    " (serve, import or restore)" : "%s exists already",
		    path);
		return -1;
	}
	/* made and locked under a name of its own, then linked into place
	 * (link fails when path exists: of two restores at once, one
	 * makes it), so nobody ever sees the file unlocked */
	if ((fd = claim_tmp(path, tmp, sizeof tmp)) < 0) {
		snprintf(err, n, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (link(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		close(fd);
		snprintf(err, n, "%s: %s", path, e == EEXIST ? "in use by"
		    " another teller-desk (serve, import or restore)" :
		    strerror(e));
		return -1;
	}
	unlink(tmp);
	return fd;
}

int
d_db_schema(struct desk *d)
{
	return sqlite3_exec(d->db, schema, NULL, NULL, NULL) == SQLITE_OK ?
	    0 : -1;
}

/* Which enrolled device each session logged in from (not a ledger
 * table; made on first use, so older books gain it too). */
int
d_db_session_device(struct desk *d)
{
	return sqlite3_exec(d->db, "CREATE TABLE IF NOT EXISTS"
	    " session_device(token_hash TEXT PRIMARY KEY, device TEXT NOT"
	    " NULL) STRICT;", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* The event table's keys the reads look up by (not a ledger table: made
 * and caught up from the events when serve starts, so older books gain
 * it; the journal and the hash chain never see it). Reads use it only
 * when d->keyed, else they scan the events as before. 0 or -1. */
int
d_db_keys(struct desk *d)
{
	d->keyed = sqlite3_exec(d->db, "BEGIN IMMEDIATE;"
	    "CREATE TABLE IF NOT EXISTS event_key(seq INTEGER PRIMARY KEY,"
	    " action TEXT NOT NULL, contest ANY, supersedes ANY) STRICT;"
	    "CREATE INDEX IF NOT EXISTS event_key_ac ON event_key(action,"
	    " contest);"
	    "CREATE INDEX IF NOT EXISTS event_key_sup ON event_key(supersedes)"
	    " WHERE supersedes IS NOT NULL;"
	    "INSERT INTO event_key SELECT seq, action, line ->> 'contest',"
	    " line ->> 'supersedes' FROM event WHERE seq > (SELECT"
	    " coalesce(max(seq), 0) FROM event_key);"
	    "COMMIT;", NULL, NULL, NULL) == SQLITE_OK;
	if (!d->keyed)
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	return d->keyed ? 0 : -1;
}

int
d_db_meta_set(struct desk *d, const char *k, const char *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(d->db, "INSERT INTO meta VALUES(?, ?)", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

char *
d_db_meta_get(struct desk *d, const char *k)
{
	sqlite3_stmt *st;
	char *v = NULL;

	if (sqlite3_prepare_v2(d->db, "SELECT value FROM meta WHERE key = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = d_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* The first row of sql (one text column: an event line) with n bound
 * to its one parameter, parsed; NULL when there is none. */
json_t *
d_db_line(struct desk *d, const char *sql, long long n)
{
	sqlite3_stmt *st;
	json_t *o = NULL;

	if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, n);
	if (sqlite3_step(st) == SQLITE_ROW)
		o = json_loads((const char *)sqlite3_column_text(st, 0), 0,
		    NULL);
	sqlite3_finalize(st);
	return o;
}

/* Read the configuration and replay every event of the book. */
int
d_load(struct desk *d, char *err, size_t n)
{
	char *plan = d_db_meta_get(d, "plan");
	char *sha = d_db_meta_get(d, "plan_sha256");
	char *gen = d_db_meta_get(d, "genesis");
	sqlite3_stmt *st = NULL;
	json_error_t je;
	int rc = -1, src;

	if (!plan || !sha || !gen) {
		snprintf(err, n, "not a teller-desk book");
		goto out;
	}
	d->plan = json_loads(plan, 0, &je);
	snprintf(d->plan_sha, sizeof d->plan_sha, "%s", sha);
	snprintf(d->genesis, sizeof d->genesis, "%s", gen);
	snprintf(d->last_hash, sizeof d->last_hash, "%s", gen);
	if (!d->plan || d_model_config(d, d->plan, err, n))
		goto out;
	if (sqlite3_prepare_v2(d->db, "SELECT line FROM event ORDER BY seq",
	    -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		json_t *ev = json_loads(line, 0, &je);
		char e2[400];

		if (!ev || d_replay_line(d, ev, 0, line, e2, sizeof e2)) {
			snprintf(err, n, "seq %lld: %s", d->seq + 1,
			    ev ? e2 : "not JSON");
			json_decref(ev);
			goto out;
		}
		json_decref(ev);
	}
	if (src != SQLITE_DONE) {
		/* a damaged page must not end the book early, unnoticed */
		snprintf(err, n, "seq %lld: cannot be read: %s", d->seq + 1,
		    sqlite3_errmsg(d->db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	free(plan);
	free(sha);
	free(gen);
	return rc;
}

void
d_close(struct desk *d)
{
	while (d->retired) {
		struct desk *old = d->retired;

		d->retired = old->retired;
		old->retired = NULL;
		d_close(old);
		free(old);
	}
	d_model_free(d);
	d_sheetix_free(d);
	json_decref(d->plan);
	d->plan = NULL;
	if (d->db)
		sqlite3_close(d->db);
	d->db = NULL;
}
