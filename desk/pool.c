/* SPDX-License-Identifier: MIT */
/* pool.c -- one writer and a read-only pool (§4.2, §6.1): the locks of
 * serve, the readers' model, the read-only connections the reads use,
 * and the sessions' last_seen touches the reads defer.
 *
 * The contract (serve, desk/server.c):
 *
 * - Two models. The writer's model W (the struct desk serve was given)
 *   is changed by the writes as before: d_exec, then the COMMIT, or
 *   d_reload when the COMMIT failed. The readers' model R is a second
 *   struct desk, loaded from the book at start, and changed only by
 *   replaying lines the book has committed (d_replay_line, the code
 *   every start runs), under the write side of `model`, a
 *   reader-writer lock. So a read never sees an entry before its COMMIT
 *   returned, nor one whose COMMIT failed, and never waits on an fsync.
 * - The book lock is `writer`, a mutex: d_book_lock takes it;
 *   d_book_unlock drops it, then publishes: under `pubm` (one publish
 *   at a time) and the write side of `model` it catches R up with all
 *   the book has committed (on the publisher's own read-only
 *   connection) and copies the latest writer's read_only, fail and
 *   keyed. The next write need not wait while a publish waits for the
 *   reads in flight. Every request that may write (a POST, login,
 *   logout, a GET of export, which logs, an HTML form's POST), the
 *   air-gap check's
 *   events and server.start and server.stop hold it from before their
 *   first read of the book to after their COMMIT, on the one writer
 *   connection (W.db, BEGIN IMMEDIATE, synchronous=FULL, busy_timeout
 *   5000). W is touched by no one else. A writer publishes before its
 *   answer is sent: a client that had its 201 reads its entry.
 * - A read (a GET or HEAD of /api/ but export, a GET of an HTML
 *   screen; is_read in server.c) takes a read-only WAL connection from
 *   the pool (SQLITE_OPEN_READONLY, busy_timeout 5000), the read side
 *   of `model`, opens one read transaction and checks that the book's
 *   last seq is R's: a COMMIT not yet published makes it let go and
 *   try again (200 times, 1 ms apart, then the writer's path serves
 *   it). Then d_api (d_html for a screen) runs on a copy of R whose db
 *   is that connection: the model and the SQLite snapshot are one
 *   committed state. Reads run side by side; a read waits at most for
 *   one publish (the lock prefers the writer, so reads cannot starve
 *   it). A read never writes: not a model, not the book. So a screen
 *   shows no entry before its COMMIT returned, and the page a form's
 *   303 names shows its entry (the writer published before the 303).
 * - A read's session touch (session.last_seen, §6.3) is kept here, not
 *   written: d_touch_later records it, d_session_user counts the later
 *   of the book's last_seen and the kept one when it judges idleness
 *   (so expiry is what it was), and d_touch_flush writes the kept ones
 *   on the writer's path, synchronous=NORMAL like every touch, at the
 *   start of each write and when serve stops. A power cut can forget a
 *   touch (a session then looks idle sooner), never an entry.
 * - Argon2 (auth.c) drops the book lock while it hashes, as before.
 * - Without R (no memory, or it could not be loaded) every request takes
 *   the writer's path, as before this pool.
 */
#include "desk.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t model;
static pthread_once_t model_once = PTHREAD_ONCE_INIT;

static void
model_init(void)
{
	pthread_rwlockattr_t a;

	pthread_rwlockattr_init(&a);
	/* A waiting write holds back new reads: reads cannot starve it. */
	pthread_rwlockattr_setkind_np(&a,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&model, &a);
	pthread_rwlockattr_destroy(&a);
}

static struct desk *W, *R;	/* the writer's, the readers' model */

/* Publishing: what the writers left to publish (under pubm), and the
 * publisher's own read-only connection. A writer publishes after it let
 * the writer mutex go, so the next write does not wait while a publish
 * waits for the reads in flight. */
static pthread_mutex_t pubm = PTHREAD_MUTEX_INITIALIZER;
static sqlite3 *pub_db;
static long long want_seq;
static int want_ro, want_keyed;
static char want_fail[512];

void
d_book_lock(void)
{
	pthread_mutex_lock(&writer);
}

/* Replay into m every line db's book has committed after m->seq (db
 * in a read transaction, or each statement its own): 0, or -1 when a
 * line does not replay (m is then not to be used). For R (catch_up)
 * and the read model's publisher's own model (readmodel.c). */
int
d_model_follow(struct desk *m, sqlite3 *db)
{
	sqlite3_stmt *st;
	json_error_t je;
	sqlite3 *was = m->db;
	int rc = 0, src;

	m->db = db;
	if (sqlite3_prepare_v2(db, "SELECT line FROM event WHERE seq > ?"
	    " ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
		m->db = was;
		return -1;
	}
	sqlite3_bind_int64(st, 1, m->seq);
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		json_t *ev = json_loads(line, 0, &je);
		char err[400];

		rc = !ev || d_replay_line(m, ev, 0, line, err, sizeof err) ?
		    -1 : 0;
		json_decref(ev);
	}
	if (!rc && src != SQLITE_DONE)
		rc = -1;
	sqlite3_finalize(st);
	m->db = was;
	if (!rc)
		d_sheetix_settle(m);	/* the sheets' totals, if stale */
	return rc;
}

/* Catch R up with the book (under pubm and the write side of `model`):
 * 0, or -1 when a line does not replay (R is then given up and the
 * reads take the writer's path). */
static int
catch_up(void)
{
	int rc;

	R->db = NULL;
	rc = d_model_follow(R, pub_db);
	R->read_only = want_ro;
	R->keyed = want_keyed;
	memcpy(R->fail, want_fail, sizeof R->fail);
	if (!rc && R->seq < want_seq)
		rc = -1;	/* the book lost what W committed */
	return rc;
}

/* The latest writer's read_only, keyed and fail, under their own
 * mutex: the read model's publisher takes them without waiting on a
 * write or a publish. */
static pthread_mutex_t flagm = PTHREAD_MUTEX_INITIALIZER;
static int flag_ro, flag_keyed, flag_set;
static char flag_fail[512];

static void
flags_keep(const struct desk *w)
{
	pthread_mutex_lock(&flagm);
	flag_ro = w->read_only;
	flag_keyed = w->keyed;
	memcpy(flag_fail, w->fail, sizeof flag_fail);
	flag_set = 1;
	pthread_mutex_unlock(&flagm);
}

/* Copy the writer's latest flags into m (none kept yet: m's stay). */
void
d_book_flags(struct desk *m)
{
	pthread_mutex_lock(&flagm);
	if (flag_set) {
		m->read_only = flag_ro;
		m->keyed = flag_keyed;
		memcpy(m->fail, flag_fail, sizeof m->fail);
	}
	pthread_mutex_unlock(&flagm);
}

/* Let the next writer in, then publish W's committed state to the
 * reads (under pubm: the writers' publishes one at a time, each
 * catching up with all the book has; a writer returns, and answers, only
 * once R holds what it committed). */
void
d_book_unlock(void)
{
	static long long gen;	/* under writer: the unlocks, in order */
	static long long want_gen;	/* under pubm */
	long long seq = W->seq, g = ++gen;
	int ro = W->read_only, keyed = W->keyed;
	char fail[sizeof W->fail];

	memcpy(fail, W->fail, sizeof fail);
	flags_keep(W);
	pthread_mutex_unlock(&writer);
	pthread_mutex_lock(&pubm);
	if (seq > want_seq)
		want_seq = seq;
	if (g > want_gen) {	/* the latest writer's flags */
		want_gen = g;
		want_ro = ro;
		want_keyed = keyed;
		memcpy(want_fail, fail, sizeof want_fail);
	}
	if (R && (R->seq < want_seq || R->read_only != want_ro ||
	    R->keyed != want_keyed || strcmp(R->fail, want_fail))) {
		pthread_rwlock_wrlock(&model);
		if (catch_up()) {
			fprintf(stderr, "teller-desk: the readers' model cannot"
			    " follow the book at seq %lld: reads take the"
			    " writer's path\n", R->seq + 1);
			d_close(R);
			free(R);
			R = NULL;
		}
		pthread_rwlock_unlock(&model);
	}
	pthread_mutex_unlock(&pubm);
}

/* The read side of `model`: R, or NULL (the lock not held) when there
 * is no readers' model. */
struct desk *
d_read_lock(void)
{
	pthread_once(&model_once, model_init);
	pthread_rwlock_rdlock(&model);
	if (!R)
		pthread_rwlock_unlock(&model);
	return R;
}

void
d_read_unlock(void)
{
	pthread_rwlock_unlock(&model);
}

/* The pool: connections opened on demand, at most POOL_MAX; a read
 * finding none free and the pool full waits for one. */
#define POOL_MAX 16

static pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
static char *pool_path;
static sqlite3 *free_db[POOL_MAX];
static int nfree, nopen;

/* At serve's start, before any thread: load the readers' model from
 * the book of the writer's w, and remember the book's file. 0, or -1
 * (no pool: every request takes the writer's path). */
int
d_pool_open(struct desk *w)
{
	const char *p = sqlite3_db_filename(w->db, "main");
	char err[400];

	pthread_once(&model_once, model_init);
	W = w;
	if (!p || !*p || !(pool_path = d_strdup(p)) ||
	    !(pub_db = d_open_ro(p)) || !(R = calloc(1, sizeof *R)))
		goto fail;
	R->db = w->db;
	if (d_sheetix_open(R))
		goto fail;
	/* W's load checked the chain as far as it went: R's replays it,
	 * the same rows under the same lock, without the hashing */
	R->trusted = w->seq;
	/* a book that failed its check loads as far as W did */
	if (d_load(R, err, sizeof err) && !w->read_only)
		goto fail;
	if (R->seq != w->seq)
		goto fail;
	d_sheetix_settle(R);
	R->db = NULL;
	R->read_only = want_ro = w->read_only;
	R->keyed = want_keyed = w->keyed;
	memcpy(R->fail, w->fail, sizeof R->fail);
	memcpy(want_fail, w->fail, sizeof want_fail);
	want_seq = w->seq;
	flags_keep(w);
	return 0;
fail:
	if (R) {
		R->db = NULL;
		d_close(R);
		free(R);
		R = NULL;
	}
	sqlite3_close(pub_db);
	pub_db = NULL;
	free(pool_path);
	pool_path = NULL;
	return -1;
}

/* A read-only connection to the book at path, or NULL. */
sqlite3 *
d_open_ro(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* A read-only connection to the book, or NULL (the caller then takes
 * the writer's path). */
sqlite3 *
d_pool_get(void)
{
	sqlite3 *db = NULL;
	char *path;

	pthread_mutex_lock(&pm);
	while (pool_path && !nfree && nopen >= POOL_MAX)
		pthread_cond_wait(&pc, &pm);
	if (!pool_path) {
		pthread_mutex_unlock(&pm);
		return NULL;
	}
	if (nfree) {
		db = free_db[--nfree];
		pthread_mutex_unlock(&pm);
		return db;
	}
	nopen++;
	path = d_strdup(pool_path);
	pthread_mutex_unlock(&pm);
	if (path)
		db = d_open_ro(path);
	free(path);
	if (!db) {
		pthread_mutex_lock(&pm);
		nopen--;
		pthread_cond_signal(&pc);
		pthread_mutex_unlock(&pm);
	}
	return db;
}

void
d_pool_put(sqlite3 *db)
{
	if (!db)
		return;
	pthread_mutex_lock(&pm);
	if (pool_path && nfree < POOL_MAX) {
		free_db[nfree++] = db;
		db = NULL;
	} else
		nopen--;
	pthread_cond_signal(&pc);
	pthread_mutex_unlock(&pm);
	sqlite3_close(db);
}

/* Close the free connections and the readers' model, refuse new ones
 * (after the listeners stopped: no read is running). */
void
d_pool_close(void)
{
	pthread_mutex_lock(&pm);
	while (nfree) {
		sqlite3_close(free_db[--nfree]);
		nopen--;
	}
	free(pool_path);
	pool_path = NULL;
	pthread_cond_broadcast(&pc);
	pthread_mutex_unlock(&pm);
	pthread_mutex_lock(&pubm);
	if (R) {
		pthread_rwlock_wrlock(&model);
		R->db = NULL;
		d_close(R);
		free(R);
		R = NULL;
		pthread_rwlock_unlock(&model);
	}
	sqlite3_close(pub_db);
	pub_db = NULL;
	pthread_mutex_unlock(&pubm);
}

/* The kept session touches: token hash and time. */
struct touch {
	char th[65];
	long long t;
};

static pthread_mutex_t tm = PTHREAD_MUTEX_INITIALIZER;
static struct touch *touches;
static int ntouch, captouch;

/* Keep a read's touch of the session th at time t. On no memory it is
 * lost: the session may then look idle sooner, never later. */
void
d_touch_later(const char *th, long long t)
{
	pthread_mutex_lock(&tm);
	for (int i = 0; i < ntouch; i++)
		if (strcmp(touches[i].th, th) == 0) {
			if (t > touches[i].t)
				touches[i].t = t;
			pthread_mutex_unlock(&tm);
			return;
		}
	if (ntouch == captouch) {
		int cap = captouch ? 2 * captouch : 64;
		struct touch *n = realloc(touches, (size_t)cap * sizeof *n);

		if (!n) {
			pthread_mutex_unlock(&tm);
			return;
		}
		touches = n;
		captouch = cap;
	}
	snprintf(touches[ntouch].th, sizeof touches[ntouch].th, "%s", th);
	touches[ntouch++].t = t;
	pthread_mutex_unlock(&tm);
}

/* The kept touch of th, 0 if none. */
long long
d_touch_pending(const char *th)
{
	long long t = 0;

	pthread_mutex_lock(&tm);
	for (int i = 0; i < ntouch; i++)
		if (strcmp(touches[i].th, th) == 0) {
			t = touches[i].t;
			break;
		}
	pthread_mutex_unlock(&tm);
	return t;
}

/* Write the kept touches (under the book lock, on the writer
 * connection, not inside a transaction); each stays kept until it is
 * written, and a touch newer than the one written stays too. */
void
d_touch_flush(struct desk *d)
{
	struct touch *w;
	sqlite3_stmt *st = NULL;
	int n, ok;

	pthread_mutex_lock(&tm);
	n = ntouch;
	w = n ? malloc((size_t)n * sizeof *w) : NULL;
	if (w)
		memcpy(w, touches, (size_t)n * sizeof *w);
	pthread_mutex_unlock(&tm);
	if (!w)
		return;
	ok = sqlite3_exec(d->db, "PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE;",
	    NULL, NULL, NULL) == SQLITE_OK && sqlite3_prepare_v2(d->db,
	    "UPDATE session SET last_seen = max(last_seen, ?) WHERE"
	    " token_hash = ?", -1, &st, NULL) == SQLITE_OK;
	for (int i = 0; ok && i < n; i++) {
		sqlite3_bind_int64(st, 1, w[i].t);
		sqlite3_bind_text(st, 2, w[i].th, -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	ok = ok && sqlite3_exec(d->db, "COMMIT;", NULL, NULL, NULL) ==
	    SQLITE_OK;
	if (!ok && !sqlite3_get_autocommit(d->db))
		sqlite3_exec(d->db, "ROLLBACK;", NULL, NULL, NULL);
	sqlite3_exec(d->db, "PRAGMA synchronous=FULL;", NULL, NULL, NULL);
	if (ok) {
		pthread_mutex_lock(&tm);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < ntouch; j++)
				if (strcmp(touches[j].th, w[i].th) == 0) {
					if (touches[j].t <= w[i].t)
						touches[j] = touches[--ntouch];
					break;
				}
		pthread_mutex_unlock(&tm);
	}
	free(w);
}
