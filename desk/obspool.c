/* SPDX-License-Identifier: MIT */
/* obspool.c -- observe's logins in the book's audit log (§6.5, §6.1).
 *
 * observe never opens the book. It appends one line per login event to
 * DIR/observe-events.jsonl in the read-model directory (O_APPEND, one
 * write a line, fsync). The file starts with a header line naming the
 * spool, {"id": 32 hex, "spool": "teller-desk observe events 1"}, made
 * once when the file is created; then one canonical JSON line an event:
 *   {"action": "session.login" | "session.logout" | "session.expired",
 *    "at", "ip", "role", "user"}
 *   {"action": "session.login_failed", "at", "ip", "username"}
 * with `username` the name as typed; never a password or token.
 *
 * serve (`--read-model DIR`) picks the lines up about every second and
 * checks each strictly: canonical JSON of exactly those members, one of
 * those actions, a time of the desk's form, an IPv4 address, and for all
 * but a failed login an account of the book whose role is agent,
 * observer or screen and is the role named. A line that fails is said
 * on stderr with its byte offset and skipped: nothing of it is written.
 * A line that holds becomes the event of that action through
 * d_log_event, as serve's own logins: user, role and ip from the line,
 * data {"listener": "observe", "observe_at", "spool", "spool_end"} (and
 * "username" for a failed login). spool_end, the byte offset just past
 * the line, is how far serve has read: at start it takes the last one
 * the book holds for this spool's id, so a restart neither drops nor
 * repeats a line. A spool with another id (the file made anew) is read
 * from its start. A half-written last line waits for its newline; an
 * event the book cannot take (read-only, disk full) is tried again.
 *
 * Refused lines after the last one written would be said again after a
 * restart; so serve also keeps how far it has examined the spool, in
 * DIR/observe-events.seen (replaced whole by rename; no journal event,
 * as a refused line writes nothing to the book):
 *   {"examined": N, "spool": id, "written": M}
 * M being the book's spool_end when it was made. At start it is used
 * only when its spool is this one and M is still the book's spool_end:
 * then every line between M and N was refused (a good one would have
 * moved M), so skipping them skips no good line. Any other file (a
 * book restored from a backup, a torn or foreign file) is ignored and
 * the book's spool_end rules, as before: a line is then said twice,
 * never lost. */
#include "obspool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPOOL_MAGIC "teller-desk observe events 1"
#define LINE_MAX_LEN 1024
#define PASS_MAX (64 * 1024)

/* ---- observe's side ---- */

static int spool_fd = -1;
static pthread_mutex_t spool_m = PTHREAD_MUTEX_INITIALIZER;

/* Write the whole of s, then fsync: 0 or -1. */
static int
put_line(int fd, const char *s)
{
	size_t n = strlen(s);
	ssize_t w = write(fd, s, n);

	return w == (ssize_t)n && fsync(fd) == 0 ? 0 : -1;
}

/* DIR/observe-events.jsonl open for appending, made with its header
 * when absent: 0, or -1 said on stderr (logins then go unlogged, and
 * each is said on stderr). */
int
d_spool_open(const char *dir)
{
	char path[4200], head[160], id[33];
	unsigned char raw[16];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, D_SPOOL_NAME);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640);
	if (fd >= 0) {
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(id, sizeof id, raw, sizeof raw);
		snprintf(head, sizeof head, "{\"id\":\"%s\",\"spool\":\""
		    SPOOL_MAGIC "\"}\n", id);
		if (put_line(fd, head)) {
			close(fd);
			unlink(path);
			fd = -1;
		}
	} else if (errno == EEXIST)
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "teller-desk: observe: %s: %s; logins will"
		    " not reach the book's audit log\n", path,
		    strerror(errno));
		return -1;
	}
	spool_fd = fd;
	return 0;
}

/* One login event: user and role for a login, logout or expiry, tried
 * (the name typed) for a failed login. */
void
d_spool_add(const char *action, const char *user, const char *role,
    const char *tried, const char *ip)
{
	char at[40], *line = NULL;
	json_t *o;
	int rc = -1;

	d_now(at, sizeof at);
	o = tried ? json_pack("{s:s, s:s, s:s, s:s}", "action", action, "at",
	    at, "ip", ip, "username", tried) : json_pack("{s:s, s:s, s:s,"
	    " s:s, s:s}", "action", action, "at", at, "ip", ip, "role", role,
	    "user", user);
	if (o && (line = d_canon(o))) {
		size_t n = strlen(line);
		char *nl = realloc(line, n + 2);

		if (nl) {
			line = nl;
			memcpy(line + n, "\n", 2);
			pthread_mutex_lock(&spool_m);
			rc = spool_fd >= 0 ? put_line(spool_fd, line) : -1;
			pthread_mutex_unlock(&spool_m);
		}
	}
	if (rc)
		fprintf(stderr, "teller-desk: observe: %s of %s not"
		    " spooled for the audit log\n", action, tried ? tried :
		    user);
	free(line);
	json_decref(o);
}

void
d_spool_close(void)
{
	if (spool_fd >= 0)
		close(spool_fd);
	spool_fd = -1;
}

/* ---- serve's side ---- */

static struct {
	char id[33];		/* the spool read; "" before the first look */
	long long off;		/* bytes of it taken (written or refused) */
	long long wend;		/* the book's spool_end: bytes written */
	long long kept;		/* the off DIR's .seen file holds */
	int said;		/* a bad header said once */
} rd;

#define SEEN_NAME "observe-events.seen"

/* DIR/observe-events.seen: the examined offset it holds when it is of
 * spool id and its written end is wend, else 0. */
static long long
seen_get(const char *dir, const char *id, long long wend)
{
	char path[4200];
	json_t *o;
	long long n = 0;

	snprintf(path, sizeof path, "%s/" SEEN_NAME, dir);
	o = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	if (json_object_size(o) == 3 && json_is_integer(json_object_get(o,
	    "examined")) && json_is_integer(json_object_get(o, "written")) &&
	    json_integer_value(json_object_get(o, "written")) == wend &&
	    json_is_string(json_object_get(o, "spool")) &&
	    strcmp(json_string_value(json_object_get(o, "spool")), id) == 0)
		n = json_integer_value(json_object_get(o, "examined"));
	json_decref(o);
	return n;
}

/* rd's examined offset kept in DIR's .seen file (tmp, fsync, rename):
 * only when refused lines took it past what the book holds. A file
 * that cannot be made is said; the lines are then said again after a
 * restart, never lost. */
static void
seen_put(const char *dir)
{
	char path[4200], tmp[4300], *s;
	json_t *o;
	int fd, ok = 0;

	if (rd.off == rd.kept || rd.off <= rd.wend)
		return;
	snprintf(path, sizeof path, "%s/" SEEN_NAME, dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	o = json_pack("{s:I, s:s, s:I}", "examined", (json_int_t)rd.off,
	    "spool", rd.id, "written", (json_int_t)rd.wend);
	s = o ? d_canon(o) : NULL;
	json_decref(o);
	fd = s ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640) :
	    -1;
	if (fd >= 0) {
		ok = put_line(fd, s) == 0;
		close(fd);
		ok = ok && rename(tmp, path) == 0;
	}
	free(s);
	if (ok)
		rd.kept = rd.off;
	else
		fprintf(stderr, "teller-desk: %s: cannot keep how far the"
		    " spool was examined; refused lines may be said again\n",
		    path);
}

static int
is_at(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd.dddZ";

	if (!s || strlen(s) != sizeof form - 1)
		return 0;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != form[i])
			return 0;
	return 1;
}

static int
is_ipv4(const char *s)
{
	struct in_addr a;

	return s && inet_pton(AF_INET, s, &a) == 1;
}

/* A name as typed: 1 to 64 bytes, no control character. */
static int
is_tried(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static int
observer_role(const char *r)
{
	return r && (strcmp(r, "agent") == 0 || strcmp(r, "observer") == 0 ||
	    strcmp(r, "screen") == 0);
}

/* The line checked (see the contract): its parse, or NULL and why. */
static json_t *
line_check(struct desk *d, const char *line, size_t n, const char **why)
{
	json_t *o = json_loadb(line, n, JSON_REJECT_DUPLICATES, NULL);
	const char *act = json_string_value(json_object_get(o, "action"));
	const char *user, *role;
	char *canon = o ? d_canon(o) : NULL;
	struct d_user *u;
	int failed = act && strcmp(act, "session.login_failed") == 0;

	*why = NULL;
	if (!json_is_object(o) || !canon || strlen(canon) != n ||
	    memcmp(canon, line, n) != 0)
		*why = "not one canonical JSON object";
	else if (!act || (!failed && strcmp(act, "session.login") &&
	    strcmp(act, "session.logout") && strcmp(act, "session.expired")))
		*why = "not a login, failed login, logout or expiry";
	else if (json_object_size(o) != (failed ? 4u : 5u) ||
	    !is_at(json_string_value(json_object_get(o, "at"))) ||
	    !is_ipv4(json_string_value(json_object_get(o, "ip"))))
		*why = "its members or their values are not an event's";
	else if (failed && !is_tried(json_string_value(json_object_get(o,
	    "username"))))
		*why = "not a username as typed";
	else if (!failed) {
		user = json_string_value(json_object_get(o, "user"));
		role = json_string_value(json_object_get(o, "role"));
		if (!user || !role || !(u = d_user_find(d, user)) ||
		    strcmp(u->username, user) != 0)
			*why = "no such account";
		else if (strcmp(u->role, role) != 0 || !observer_role(role))
			*why = "not an agent, observer or screen account";
	}
	free(canon);
	if (*why) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The event of a checked line, written under the book's lock: 0, or
 * the book's refusal (tried again next time). */
static int
line_write(struct desk *d, const json_t *o, long long end)
{
	const char *act = json_string_value(json_object_get(o, "action"));
	json_t *data = json_pack("{s:s, s:O, s:s, s:I}", "listener",
	    "observe", "observe_at", json_object_get(o, "at"), "spool", rd.id,
	    "spool_end", (json_int_t)end);
	int rc;

	if (json_object_get(o, "username"))
		json_object_set(data, "username", json_object_get(o,
		    "username"));
	d_book_lock();
	if (d->read_only) {	/* nothing is written: tried again later */
		json_decref(data);
		rc = -1;
	} else
		rc = d_log_event(d, act, json_string_value(json_object_get(o,
		    "user")), json_string_value(json_object_get(o, "role")),
		    json_string_value(json_object_get(o, "ip")), data);
	d_book_unlock();
	if (rc == 0)
		rd.wend = end;
	return rc;
}

/* How far the book has taken spool id: the last spool_end it holds for
 * it, or 0. */
static long long
book_end(struct desk *d, const char *id)
{
	sqlite3_stmt *st;
	long long end = 0;

	d_book_lock();
	if (sqlite3_prepare_v2(d->db, "SELECT line ->> '$.data.spool_end'"
	    " FROM event WHERE action LIKE 'session.%' AND line ->>"
	    " '$.data.listener' = 'observe' AND line ->> '$.data.spool' = ?"
	    " ORDER BY seq DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			end = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	d_book_unlock();
	return end;
}

/* The header line of the spool in f: its id in id, its length, or -1. */
static long
header(FILE *f, char id[33])
{
	char line[160];
	json_t *o;
	const char *v;
	long n = -1;

	if (!fgets(line, sizeof line, f) || !strchr(line, '\n'))
		return -1;
	o = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
	v = json_string_value(json_object_get(o, "id"));
	if (json_object_size(o) == 2 && v && strlen(v) == 32 &&
	    d_hex_ok(v, 32) && json_is_string(json_object_get(o, "spool")) &&
	    strcmp(json_string_value(json_object_get(o, "spool")),
	    SPOOL_MAGIC) == 0) {
		memcpy(id, v, 33);
		n = (long)strlen(line);
	}
	json_decref(o);
	return n;
}

/* The complete lines of buf (n bytes read from offset rd.off), each
 * written or refused; stops at the first the book cannot take. */
static void
take_lines(struct desk *d, const char *path, const char *buf, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(buf + i, '\n', n - i), *why;
		size_t len = nl ? (size_t)(nl - (buf + i)) : n - i;
		json_t *o;

		if (!nl && len <= LINE_MAX_LEN)
			return;	/* half written: wait for its newline */
		if (len > LINE_MAX_LEN) {
			why = "a line longer than 1024 bytes";
			o = NULL;
		} else
			o = line_check(d, buf + i, len, &why);
		if (o && line_write(d, o, rd.off + (long long)len + 1)) {
			json_decref(o);
			return;
		}
		if (!o)
			fprintf(stderr, "teller-desk: %s: byte %lld: refused,"
			    " not written: %s\n", path, rd.off, why);
		json_decref(o);
		if (!nl) {	/* an overlong line without its end yet */
			rd.off += (long long)len;
			return;
		}
		rd.off += (long long)len + 1;
		i += len + 1;
	}
}

/* Open the spool and find where to read from: the file, or NULL. */
static FILE *
spool_at(struct desk *d, const char *dir, const char *path,
    long long *size)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	char id[33];
	long hl;

	if (!f)
		return NULL;
	if ((hl = header(f, id)) < 0 || fstat(fileno(f), &sb)) {
		if (!(rd.said & 1))
			fprintf(stderr, "teller-desk: %s: not a spool of"
			    " observe's events; nothing of it is written\n",
			    path);
		rd.said |= 1;
		fclose(f);
		return NULL;
	}
	rd.said &= ~1;
	if (strcmp(id, rd.id) != 0) {
		long long e = book_end(d, id), x = seen_get(dir, id, e);

		memcpy(rd.id, id, sizeof rd.id);
		rd.wend = e;
		rd.kept = x;
		rd.off = x > e ? x : e;
		rd.off = rd.off > hl ? rd.off : hl;
	}
	if (sb.st_size < rd.off && !(rd.said & 2))
		fprintf(stderr, "teller-desk: %s: shorter than the %lld bytes"
		    " the book has taken; waiting\n", path, rd.off);
	rd.said = sb.st_size < rd.off ? rd.said | 2 : rd.said & ~2;
	*size = (long long)sb.st_size;
	return f;
}

/* One look at DIR's spool: the complete lines not yet taken, at most
 * 64 KiB of them, written as events or refused. */
void
d_spool_pickup(struct desk *d, const char *dir)
{
	char path[4200], *buf;
	long long size;
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, D_SPOOL_NAME);
	if (d->read_only || !(f = spool_at(d, dir, path, &size)))
		return;
	n = size > rd.off ? (size_t)(size - rd.off) : 0;
	n = n > PASS_MAX ? PASS_MAX : n;
	if (n && (buf = malloc(n))) {
		if (fseeko(f, (off_t)rd.off, SEEK_SET) == 0 &&
		    fread(buf, 1, n, f) == n)
			take_lines(d, path, buf, n);
		free(buf);
	}
	fclose(f);
	seen_put(dir);
}
