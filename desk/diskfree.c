/* SPDX-License-Identifier: MIT */
/* diskfree.c -- the disk-full precautions of §4.2: on start and every
 * 60 s the free space beside the book must be at least max(1 GiB, 10 x
 * the book), else a warning on the MANAGER and ADMIN screens (and on
 * stderr); and a 64 MiB ballast file, DB.ballast, kept beside the book
 * (made by init and by serve's start when missing) that ADMIN deletes
 * from S-24 to make room when the disk is full: the book, read-only
 * after SQLITE_FULL, takes writes again. */
#include "desk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define BALLAST (64LL << 20)

static struct desk *desk;
static struct d_note warn = D_NOTE_INIT;	/* below the floor: what */

/* A number from the environment (tests), else def. */
static long long
env_ll(const char *name, long long lo, long long def)
{
	const char *e = getenv(name);
	char *end;
	long long v;

	if (!e)
		return def;
	v = strtoll(e, &end, 10);
	return *end == '\0' && v >= lo ? v : def;
}

long long
d_disk_floor(long long book_bytes)
{
	long long f = book_bytes * 10 > (1LL << 30) ? book_bytes * 10 :
	    1LL << 30;

	/* tests: TELLER_DESK_DISK_FLOOR, in bytes, stands in for it */
	return env_ll("TELLER_DESK_DISK_FLOOR", 0, f);
}

int
d_disk_free(const char *db, long long *avail, long long *size)
{
	struct statvfs vf;
	struct stat sb;

	if (!db || !*db || statvfs(db, &vf) || stat(db, &sb))
		return -1;
	*avail = (long long)vf.f_bavail * (long long)vf.f_frsize;
	*size = (long long)sb.st_size;
	return 0;
}

static int
ballast_path(char *out, size_t n, const char *db)
{
	int k = snprintf(out, n, "%s.ballast", db);

	return k < 0 || (size_t)k >= n ? -1 : 0;
}

long long
d_disk_ballast(const char *db)
{
	char p[4200];
	struct stat sb;

	if (ballast_path(p, sizeof p, db) || stat(p, &sb) != 0)
		return -1;
	return (long long)sb.st_size;
}

int
d_disk_ballast_make(const char *db)
{
	char p[4200], tmp[4300];
	int fd, rc;

	if (ballast_path(p, sizeof p, db))
		return -1;
	if (access(p, F_OK) == 0)
		return 0;
	snprintf(tmp, sizeof tmp, "%s.tmp", p);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		return -1;
	/* real blocks, not a hole: it is room held back */
	rc = posix_fallocate(fd, 0, BALLAST);
	if (rc == 0 && fsync(fd))
		rc = errno;
	if (close(fd) || rc || rename(tmp, p)) {
		unlink(tmp);
		errno = rc ? rc : errno;
		return -1;
	}
	return 0;
}

/* POST ballast/delete: ADMIN frees the ballast's room (§4.2); a book
 * read-only for a full disk takes writes again. */
int
d_disk_ballast_delete(struct desk *d, const struct d_user *u,
    const char *ip, json_t *body, struct d_err *e)
{
	const char *db = sqlite3_db_filename(d->db, "main");
	char p[4200];
	long long sz;
	int full = d->read_only == D_RO_FULL;

	if (strcmp(u->role, "admin") != 0) {
		d_forbid(e, "role", "§4.2: only ADMIN deletes the ballast");
		return -1;
	}
	if (json_object_size(body) != 0)
		return d_fail(e, 400, "bad_request", "", "the body is {}");
	if (!db || ballast_path(p, sizeof p, db) ||
	    (sz = d_disk_ballast(db)) < 0)
		return d_fail(e, 409, "wrong_state", "§4.2", "no ballast"
		    " file to delete");
	if (unlink(p) != 0)
		return d_fail(e, 503, "read_only", "", "%s: %s", p,
		    strerror(errno));
	fprintf(stderr, "teller-desk: %s deleted by %s: %lld bytes freed\n",
	    p, u->username, sz);
	if (full)
		d->read_only = 0;	/* a write may fill it again */
	if (d_log_event(d, "ballast.deleted", u->username, u->role, ip,
	    json_pack("{s:I}", "bytes", (json_int_t)sz))) {
		if (full)
			d->read_only = D_RO_FULL;
		return d_fail(e, 507, "not_saved", "", "NOT SAVED \xe2\x80\x94"
		    " the ballast is deleted (%lld MiB freed), but the book"
		    " still cannot be written: free more space", sz >> 20);
	}
	return 0;
}

/* One look at the free space; said on stderr when it changes. */
static void
look(void *arg)
{
	const char *db = sqlite3_db_filename(desk->db, "main");
	long long fr, sz, fl;
	char w[300] = "";

	if (d_disk_free(db, &fr, &sz) == 0 && fr < (fl = d_disk_floor(sz)))
		snprintf(w, sizeof w, "LOW DISK \xe2\x80\x94 %lld MiB free"
		    " beside the book, below the floor of %lld MiB"
		    " (\xc2\xa7" "4.2: max(1 GiB, 10 \xc3\x97 the book)):"
		    " back up and free space now", fr >> 20, fl >> 20);
	if (d_note_set(&warn, w))
		fprintf(stderr, "teller-desk: %s\n", w[0] ? w :
		    "free disk above the floor again");
	(void)arg;
}

/* The period: TELLER_DESK_DISK_S (1 to 3600, for tests), else 60. */
static long
period(void)
{
	return d_env_seconds("TELLER_DESK_DISK_S", 3600, 60);
}

static struct d_periodic task = { .name = "disk check", .period = period,
	.tick = look };

int
d_disk_start(struct desk *d)
{
	const char *db = sqlite3_db_filename(d->db, "main");
	long long fr, sz;

	desk = d;
	/* the ballast again, unless the room it would take is short (a
	 * restart after ADMIN deleted it for a full disk) */
	if (d_disk_ballast(db) < 0 && d_disk_free(db, &fr, &sz) == 0 &&
	    fr - BALLAST >= d_disk_floor(sz) && d_disk_ballast_make(db))
		fprintf(stderr, "teller-desk: %s.ballast: cannot be made (%s):"
		    " no room held back\n", db, strerror(errno));
	look(NULL);	/* at start, before the first request */
	return d_periodic_start(&task);
}

void
d_disk_stop(void)
{
	d_periodic_stop(&task);
}

int
d_disk_warning(char *out, size_t n)
{
	return d_note_get(&warn, out, n);
}
