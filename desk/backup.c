/* SPDX-License-Identifier: MIT */
/* backup.c -- backups of the book (§4.2, §6.6): SQLite's online backup
 * into DIR, written as a .partial file, checked as verify checks a
 * book, and only then named DIR/count-SEQ.db after the last event it
 * holds, with the local CA's four files beside it (same modes, keys
 * 0600); restore puts them back. One path for `teller-desk backup` and
 * for serve's own backups (--backup-dir): every 5 minutes and at every
 * contest transition, from a thread that holds serve's lock for one
 * slice of pages at a time, never for the whole copy, and that records
 * each backup's chain head as a backup.made event (with whether it was
 * a contest transition's). A failing backup is an alarm on the MANAGER
 * and ADMIN screens, not a stop. After each, serve's own backups beyond
 * the newest --backup-keep are deleted, but for transitions'. */
#include "desk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLICE 64		/* pages copied per hold of serve's lock */

static void
unlink_db(const char *p)
{
	char q[4300];

	unlink(p);
	snprintf(q, sizeof q, "%s-wal", p);
	unlink(q);
	snprintf(q, sizeof q, "%s-shm", p);
	unlink(q);
}

int
d_backup_copy(sqlite3 *from, int in_serve, const char *to)
{
	struct timespec nap = { 0, 1000000 };	/* let a waiting write in */
	sqlite3 *dst;
	sqlite3_backup *bk;
	int rc, fd;

	/* a copy of the book is as private as the book */
	if ((fd = open(to, O_WRONLY | O_CREAT, 0600)) < 0)
		return -1;
	close(fd);
	if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(dst);
		return -1;
	}
	if (in_serve)
		d_book_lock();
	bk = sqlite3_backup_init(dst, "main", from, "main");
	if (in_serve)
		d_book_unlock();
	if (!bk) {
		sqlite3_close(dst);
		return -1;
	}
	do {
		if (in_serve)
			d_book_lock();
		/* another process (no lock): one step, one snapshot, so
		 * serve's writes meanwhile never restart the copy */
		rc = sqlite3_backup_step(bk, in_serve ? SLICE : -1);
		if (in_serve) {
			d_book_unlock();
			nanosleep(&nap, NULL);
		}
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	if (in_serve)
		d_book_lock();
	sqlite3_backup_finish(bk);
	if (in_serve)
		d_book_unlock();
	if (rc == SQLITE_DONE)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode=WAL", NULL, NULL,
		    NULL);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Copy file from to to (by a temporary name, fsync'ed), with mode. */
static int
copy_file(const char *from, const char *to, mode_t mode)
{
	char tmp[4400], buf[8192];
	int in, out, bad = 0;
	ssize_t r;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", to) >= (int)sizeof tmp)
		return -1;
	if ((in = open(from, O_RDONLY)) < 0)
		return -1;
	unlink(tmp);
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode)) < 0) {
		close(in);
		return -1;
	}
	while (!bad && (r = read(in, buf, sizeof buf)) != 0)
		bad = r < 0 || write(out, buf, (size_t)r) != r;
	close(in);
	if (fchmod(out, mode) || fsync(out))
		bad = 1;
	if (close(out) || bad || rename(tmp, to)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* 1 when files a and b hold the same bytes. */
static int
same_file(const char *a, const char *b)
{
	FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
	int same = f && g, c;

	while (same && (c = getc(f)) == getc(g))
		if (c == EOF)
			break;
	if (same && c != EOF)
		same = 0;
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	return same;
}

/* The local CA's files of book from, copied beside book to under its
 * name (those that exist; same modes). 0 or -1 with err. */
static int
copy_ca(const char *from, const char *to, char *err, size_t n)
{
	for (int i = D_TLS_CA; i <= D_TLS_KEY; i++) {
		char s[4200], t[4200];
		struct stat sb;

		if (d_tls_path(s, sizeof s, from, i) ||
		    d_tls_path(t, sizeof t, to, i)) {
			snprintf(err, n, "%s: name too long", to);
			return -1;
		}
		if (stat(s, &sb) != 0)
			continue;	/* no local CA (--tls-cert) */
		if (copy_file(s, t, sb.st_mode & 0777)) {
			snprintf(err, n, "%s: %s", t, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
d_backup_make(sqlite3 *from, int in_serve, const char *db,
    const char *dir, long long seq0, d_backup_check chk,
    struct d_backup *out, char *err, size_t n)
{
	char part[4200];

	memset(out, 0, sizeof *out);
	snprintf(part, sizeof part, "%s/count-%06lld.db.partial", dir, seq0);
	unlink_db(part);	/* an earlier crash's */
	if (d_backup_copy(from, in_serve, part)) {
		snprintf(err, n, "%s: cannot write the backup", part);
		unlink_db(part);
		return -1;
	}
	if (chk(part, &out->seq, out->hash, err, n)) {
		unlink_db(part);
		return -1;
	}
	snprintf(out->path, sizeof out->path, "%s/count-%06lld.db", dir,
	    out->seq);
	if (access(out->path, F_OK) == 0) {
		snprintf(err, n, "%s exists already", out->path);
		unlink_db(part);
		return -1;
	}
	/* the CA's files first: a backup with its name has them */
	if (copy_ca(db, out->path, err, n) || rename(part, out->path)) {
		if (!err[0])
			snprintf(err, n, "%s: %s", out->path,
			    strerror(errno));
		d_tls_unlink(out->path);
		unlink_db(part);
		return -1;
	}
	return 0;
}

int
d_backup_restore_ca(const char *backup, const char *db, int write,
    char *err, size_t n)
{
	if (write)
		return copy_ca(backup, db, err, n);
	for (int i = D_TLS_CA; i <= D_TLS_KEY; i++) {
		char s[4200], t[4200];

		if (d_tls_path(s, sizeof s, backup, i) ||
		    d_tls_path(t, sizeof t, db, i)) {
			snprintf(err, n, "%s: name too long", db);
			return -1;
		}
		if (access(s, F_OK) == 0 && access(t, F_OK) == 0 &&
		    !same_file(s, t)) {
			snprintf(err, n, "%s exists and is not the backup's"
			    " (another local CA?): move it away", t);
			return -1;
		}
	}
	return 0;
}

long long
d_backup_checkpoint(sqlite3 *db)
{
	sqlite3_stmt *st;
	long long cp = 0;

	/* the last backup.made (seq descending: it is near the end), then
	 * the event it names, before it, with the hash it recorded */
	if (sqlite3_prepare_v2(db, "SELECT e.seq FROM (SELECT seq AS made,"
	    " line ->> '$.data.seq' AS at, line ->> '$.data.hash' AS head"
	    " FROM event WHERE action = 'backup.made' ORDER BY seq DESC"
	    " LIMIT 1) AS b JOIN event AS e ON e.seq = b.at AND e.seq <"
	    " b.made AND e.line ->> '$.hash' = b.head", -1, &st, NULL) !=
	    SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		cp = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return cp;
}

/* serve's backups -------------------------------------------------- */

static struct desk *desk;
static const char *bdir;
static char absdir[4096];
static long keep = D_BACKUP_KEEP;	/* --backup-keep */
static struct d_note alarm_ = D_NOTE_INIT;	/* the last backup failed */

/* The period: TELLER_DESK_BACKUP_S (1 to 86400, for tests), else 300. */
static long
period(void)
{
	return d_env_seconds("TELLER_DESK_BACKUP_S", 86400, 300);
}

/* serve's check: `teller-desk verify PART` as a process of its own (a
 * whole replay, without serve's lock), then the last event's seq and
 * hash. */
int
d_spawn_self(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	pid_t pid;
	int ws = 0, rc;

	/* not serve's blocked SIGTERM and SIGINT: the command stops with
	 * a signal like any command */
	sigemptyset(&none);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0 || waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws))
		return -1;
	return WEXITSTATUS(ws);
}

static int
spawn_check(const char *part, long long *seq, char hash[65], char *err,
    size_t n)
{
	char *argv[] = { (char *)"teller-desk", (char *)"verify",
		(char *)(uintptr_t)part, NULL };
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	int rc = d_spawn_self(argv);

	if (rc != 0) {
		snprintf(err, n, "%s: the backup fails its check (verify"
		    " exit %d)", part, rc);
		return -1;
	}
	rc = -1;
	/* read-write: its last close takes the -wal and -shm away */
	if (sqlite3_open_v2(part, &db, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "SELECT seq, hash FROM event"
	    " ORDER BY seq DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			*seq = sqlite3_column_int64(st, 0);
			snprintf(hash, 65, "%s", (const char *)
			    sqlite3_column_text(st, 1));
			rc = 0;
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	if (rc)
		snprintf(err, n, "%s: no event to name it by", part);
	return rc;
}

static void
set_alarm(const char *why)
{
	d_note_failure(&alarm_, "BACKUP", why);
}

/* A file serve itself made in this --backup-dir: DIR/count-*.db, a
 * regular file (a backup.made event names it, so it passed its check). */
static int
ours(const char *file)
{
	size_t n = strlen(bdir), k;
	struct stat sb;

	if (!file || strncmp(file, bdir, n) != 0 || file[n] != '/' ||
	    strchr(file + n + 1, '/') || strncmp(file + n + 1, "count-", 6))
		return 0;
	k = strlen(file);
	return k > 3 && strcmp(file + k - 3, ".db") == 0 &&
	    lstat(file, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* --backup-keep: serve's own backups beyond the newest keep go, with
 * their CA files (0: none go). Which are serve's, and which were made
 * at a contest transition (kept whatever their age), the book's
 * backup.made events say; read on a connection of its own, without
 * serve's lock. */
static void
prune(const char *db)
{
	sqlite3 *ro = NULL;
	sqlite3_stmt *st;
	long n = 0;

	if (keep <= 0 || sqlite3_open_v2(db, &ro, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK || sqlite3_prepare_v2(ro, "SELECT line ->>"
	    " '$.data.file', coalesce(line ->> '$.data.transition', 0) FROM"
	    " event WHERE action = 'backup.made' ORDER BY seq DESC", -1, &st,
	    NULL) != SQLITE_OK) {
		sqlite3_close(ro);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0);

		if (!ours(f) || n++ < keep || sqlite3_column_int(st, 1))
			continue;	/* the newest keep, transitions */
		fprintf(stderr, "teller-desk: backup %s pruned (--backup-keep"
		    " %ld)\n", f, keep);
		d_tls_unlink(f);
		unlink_db(f);
	}
	sqlite3_finalize(st);
	sqlite3_close(ro);
}

/* One backup by serve (moved: at a contest transition); 0 or -1 (the
 * alarm set, said on stderr). */
static int
backup_once(long long *last, int moved)
{
	const char *db = sqlite3_db_filename(desk->db, "main");
	struct d_backup b;
	char err[600] = "";
	long long seq0;

	d_book_lock();
	seq0 = desk->seq;
	d_book_unlock();
	if (d_backup_make(desk->db, 1, db, bdir, seq0, spawn_check, &b,
	    err, sizeof err)) {
		fprintf(stderr, "teller-desk: backup: %s\n", err);
		set_alarm(err);
		return -1;
	}
	fprintf(stderr, "teller-desk: backup %s #%lld %.16s\n", b.path,
	    b.seq, b.hash);
	d_book_lock();
	d_log_event(desk, "backup.made", NULL, NULL, NULL,
	    json_pack("{s:s, s:I, s:s, s:b}", "file", b.path, "seq",
	    (json_int_t)b.seq, "hash", b.hash, "transition", moved));
	*last = desk->seq;
	d_book_unlock();
	set_alarm(NULL);
	prune(db);
	return 0;
}

/* The contests' states as one number: a change is a transition. */
static unsigned long long
states(void)
{
	unsigned long long h = 1469598103934665603ULL;

	for (int i = 0; i < desk->ncs; i++)
		h = (h ^ (unsigned long long)(desk->cs[i].state + 1)) *
		    1099511628211ULL;
	return h;
}

/* The backup thread's state: its own (no lock needed). */
static long long last = -1;	/* desk->seq after our last backup.made */
static unsigned long long seen;	/* the contests' states at the last look */
static time_t due;		/* the next periodic backup */

/* Each second: a backup at a contest transition, or when the period
 * is up and the book has changed since our last backup.made. */
static void
look(void *arg)
{
	unsigned long long now_st;
	long long seq;
	int moved;

	(void)arg;
	d_book_lock();
	now_st = states();
	seq = desk->seq;
	d_book_unlock();
	moved = now_st != seen;
	if (moved || time(NULL) >= due) {
		/* nothing new since our own backup.made: no copy */
		if (seq != last || moved)
			backup_once(&last, moved);
		seen = now_st;
		due = time(NULL) + period();
	}
}

static struct d_periodic task = { .name = "backups",
	.period = d_period_one_second, .tick = look };

void
d_backup_dir(const char *dir)
{
	bdir = dir;
}

void
d_backup_keep(long n)
{
	keep = n;
}

int
d_backup_start(struct desk *d)
{
	const char *dir = bdir;
	struct stat sb;

	if (!dir)
		return 0;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
	    access(dir, W_OK) != 0) {
		fprintf(stderr, "teller-desk: --backup-dir %s: not a writable"
		    " directory\n", dir);
		return -1;
	}
	/* the events name the backups by absolute path */
	if (realpath(dir, absdir))
		bdir = absdir;
	desk = d;
	last = -1;
	d_book_lock();
	seen = states();
	d_book_unlock();
	due = time(NULL) + period();
	return d_periodic_start(&task);
}

void
d_backup_stop(void)
{
	d_periodic_stop(&task);
}

int
d_backup_alarm(char *out, size_t n)
{
	return d_note_get(&alarm_, out, n);
}
