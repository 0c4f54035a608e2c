/* SPDX-License-Identifier: MIT */
/* powerloss.c -- F2 of docs/desk.md §11.2: power loss under the book.
 * A test VFS over the unix VFS passes every call through but keeps, per
 * file, what each write since the file's last xSync overwrote; at a
 * seeded moment (the Nth write or sync) it puts those bytes back and
 * cuts the file to its size at the last xSync -- what a disk without
 * power keeps -- and the process dies. The book is opened by the
 * desk's own d_db_open (WAL, synchronous=FULL); a child commits rows
 * one transaction each and tells the parent each id whose COMMIT
 * returned SQLITE_OK; the parent reopens the book and wants every one.
 * The same run with synchronous=NORMAL must lose some (asserted), so
 * the test can see a loss at all.
 * Usage: desk_powerloss DIR [RUNS]. Prints "N passed, N failed". */
#include "desk.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct undo {
	sqlite3_int64 off;
	int n;
	unsigned char *old;
	struct undo *next;
};

struct pfile {
	sqlite3_file base;
	struct pfile *next;	/* open files */
	sqlite3_int64 synced;	/* size at the last xSync */
	struct undo *log;	/* newest first */
	sqlite3_file *real;	/* follows this struct */
};

static sqlite3_vfs *unix_vfs;
static struct pfile *open_files;
static long ops, crash_at;
static int crashed;	/* runs that lost power (parent) */

static sqlite3_int64
fsize(sqlite3_file *f)
{
	sqlite3_int64 n = 0;

	f->pMethods->xFileSize(f, &n);
	return n;
}

/* Power goes: every file back to its state at its last xSync. */
static void
power_loss(void)
{
	for (struct pfile *p = open_files; p; p = p->next) {
		for (struct undo *u = p->log; u; u = u->next)
			p->real->pMethods->xWrite(p->real, u->old, u->n,
			    u->off);
		p->real->pMethods->xTruncate(p->real, p->synced);
	}
	_exit(0);
}

static void
tick(void)
{
	if (crash_at && ++ops >= crash_at)
		power_loss();
}

/* Keep what [off, off+n) holds now, so power_loss can put it back. */
static int
remember(struct pfile *p, sqlite3_int64 off, sqlite3_int64 n)
{
	sqlite3_int64 size = fsize(p->real);
	struct undo *u;

	if (off >= size || n <= 0)
		return SQLITE_OK;
	if (off + n > size)
		n = size - off;
	if (!(u = malloc(sizeof *u)) || !(u->old = malloc((size_t)n))) {
		free(u);
		return SQLITE_NOMEM;
	}
	u->off = off;
	u->n = (int)n;
	p->real->pMethods->xRead(p->real, u->old, (int)n, off);
	u->next = p->log;
	p->log = u;
	return SQLITE_OK;
}

static void
forget(struct pfile *p)
{
	while (p->log) {
		struct undo *u = p->log;

		p->log = u->next;
		free(u->old);
		free(u);
	}
}

#define REAL(f) (((struct pfile *)(void *)(f))->real)

static int
p_close(sqlite3_file *f)
{
	struct pfile *p = (struct pfile *)(void *)f, **pp;
	int rc = REAL(f)->pMethods->xClose(REAL(f));

	for (pp = &open_files; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	forget(p);
	return rc;
}

static int
p_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}

static int
p_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
	int rc;

	tick();
	if ((rc = remember((struct pfile *)(void *)f, off, n)) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}

static int
p_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int rc;

	tick();
	if ((rc = remember((struct pfile *)(void *)f, size,
	    fsize(REAL(f)) - size)) != SQLITE_OK)
		return rc;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
p_sync(sqlite3_file *f, int flags)
{
	struct pfile *p = (struct pfile *)(void *)f;
	int rc;

	tick();
	rc = REAL(f)->pMethods->xSync(REAL(f), flags);
	if (rc == SQLITE_OK) {
		forget(p);
		p->synced = fsize(p->real);
	}
	return rc;
}

static int
p_size(sqlite3_file *f, sqlite3_int64 *n)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), n);
}

static int
p_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int
p_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int
p_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
p_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
p_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
p_dev(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
p_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}

static int
p_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
p_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
p_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods p_methods = {
	2, p_close, p_read, p_write, p_truncate, p_sync, p_size, p_lock,
	p_unlock, p_reserved, p_fcntl, p_sector, p_dev, p_shm_map,
	p_shm_lock, p_shm_barrier, p_shm_unmap, NULL, NULL
};

static int
p_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct pfile *p = (struct pfile *)(void *)f;
	int rc;

	(void)v;
	memset(p, 0, sizeof *p);
	p->real = (sqlite3_file *)(void *)(p + 1);
	rc = unix_vfs->xOpen(unix_vfs, name, p->real, flags, out);
	if (rc != SQLITE_OK || !p->real->pMethods)
		return rc;
	p->synced = fsize(p->real);
	p->base.pMethods = &p_methods;
	p->next = open_files;
	open_files = p;
	return SQLITE_OK;
}

static int
p_delete(sqlite3_vfs *v, const char *name, int sync)
{
	(void)v;
	return unix_vfs->xDelete(unix_vfs, name, sync);
}

static int
p_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return unix_vfs->xAccess(unix_vfs, name, flags, out);
}

static int
p_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return unix_vfs->xFullPathname(unix_vfs, name, n, out);
}

static int
p_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return unix_vfs->xRandomness(unix_vfs, n, out);
}

static int
p_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return unix_vfs->xSleep(unix_vfs, us);
}

static int
p_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return unix_vfs->xCurrentTime(unix_vfs, t);
}

static int
p_err(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return unix_vfs->xGetLastError(unix_vfs, n, out);
}

static int
p_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return unix_vfs->xCurrentTimeInt64(unix_vfs, t);
}

static sqlite3_vfs p_vfs = {
	2, 0, 1024, NULL, "powerloss", NULL, p_open, p_delete, p_access,
	p_full, NULL, NULL, NULL, NULL, p_random, p_sleep, p_time, p_err,
	p_time64, NULL, NULL, NULL
};

#define ROWS 120

/* The child: the desk's d_db_open, then one row per transaction; each
 * id whose COMMIT returned SQLITE_OK goes down the pipe. */
static void
child(const char *path, int normal, long at, int fd, unsigned seed)
{
	struct desk d;
	char err[300], sql[200];

	memset(&d, 0, sizeof d);
	unix_vfs = sqlite3_vfs_find("unix");
	p_vfs.szOsFile = (int)sizeof(struct pfile) + unix_vfs->szOsFile;
	p_vfs.mxPathname = unix_vfs->mxPathname;
	sqlite3_vfs_register(&p_vfs, 1);
	if (d_db_open(&d, path, 1, 0, err, sizeof err))
		_exit(3);
	if ((normal && sqlite3_exec(d.db, "PRAGMA synchronous=NORMAL;", NULL,
	    NULL, NULL) != SQLITE_OK) || sqlite3_exec(d.db,
	    "PRAGMA wal_autocheckpoint=16; CREATE TABLE t(id INTEGER"
	    " PRIMARY KEY, pad BLOB);", NULL, NULL, NULL) != SQLITE_OK)
		_exit(3);
	crash_at = at;
	for (long id = 1; id <= ROWS; id++) {
		snprintf(sql, sizeof sql, "BEGIN IMMEDIATE; INSERT INTO t"
		    " VALUES(%ld, randomblob(%u)); COMMIT;", id,
		    100 + (unsigned)rand_r(&seed) % 3000);
		if (sqlite3_exec(d.db, sql, NULL, NULL, NULL) != SQLITE_OK)
			_exit(3);
		if (write(fd, &id, sizeof id) != (ssize_t)sizeof id)
			_exit(3);
	}
	_exit(4);	/* never lost power */
}

/* One run: 0 all acknowledged rows there, 1 some lost, -1 broken. */
static int
run(const char *dir, int normal, unsigned seed, long *acked)
{
	char path[600], aux[620];
	int fds[2], st;
	long id, n = 0, found = 0, at;
	unsigned s = seed;
	pid_t pid;
	sqlite3 *db;
	sqlite3_stmt *q;

	snprintf(path, sizeof path, "%s/pl-%s-%u.db", dir, normal ? "normal" :
	    "full", seed);
	remove(path);
	snprintf(aux, sizeof aux, "%s-wal", path);
	remove(aux);
	snprintf(aux, sizeof aux, "%s-shm", path);
	remove(aux);
	at = 20 + rand_r(&s) % 500;
	if (pipe(fds))
		return -1;
	if ((pid = fork()) == 0) {
		close(fds[0]);
		child(path, normal, at, fds[1], seed);
	}
	close(fds[1]);
	while (read(fds[0], &id, sizeof id) == (ssize_t)sizeof id)
		n = id;
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 4))
		return -1;
	crashed += WEXITSTATUS(st) == 0;
	/* The -shm file is memory: after power loss it counts for nothing
	 * (the unix VFS rebuilds it from the WAL anyway). */
	remove(aux);
	*acked = n;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE id <= ?",
	    -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, n);
		if (sqlite3_step(q) == SQLITE_ROW)
			found = (long)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	} else if (n > 0)
		found = -1;	/* the table itself lost */
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(q) != SQLITE_ROW || strcmp((const char *)
		    sqlite3_column_text(q, 0), "ok") != 0)
			found = -2;
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	if (found == -2)
		return -1;
	return found == n ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 30, pass = 0, fail = 0;
	int lost_normal = 0;
	long acked;

	if (argc < 2) {
		fprintf(stderr, "usage: desk_powerloss DIR [RUNS]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	for (unsigned seed = 1; seed <= (unsigned)runs; seed++) {
		int r = run(argv[1], 0, seed, &acked);

		if (r == 0)
			pass++;
		else {
			fail++;
			printf("FAIL: synchronous=FULL seed %u: %s (%ld"
			    " acknowledged)\n", seed, r < 0 ? "broken book" :
			    "an acknowledged COMMIT lost", acked);
		}
	}
	printf("synchronous=FULL: power lost in %d of %d runs, every"
	    " acknowledged COMMIT kept in %d\n", crashed, runs, pass);
	if (crashed < runs / 2) {
		fail++;
		printf("FAIL: too few runs lost power\n");
	}
	for (unsigned seed = 1; seed <= (unsigned)runs; seed++) {
		int r = run(argv[1], 1, seed, &acked);

		if (r < 0) {
			fail++;
			printf("FAIL: synchronous=NORMAL seed %u: broken book\n",
			    seed);
		}
		lost_normal += r == 1;
	}
	if (lost_normal)
		pass++;
	else {
		fail++;
		printf("FAIL: synchronous=NORMAL lost no acknowledged COMMIT in"
		    " %d runs: the test cannot see a power loss\n", runs);
	}
	printf("synchronous=NORMAL lost acknowledged commits in %d of %d"
	    " runs (expected)\n", lost_normal, runs);
	printf("%d passed, %d failed\n", pass, fail);
	return fail != 0;
}
