/* SPDX-License-Identifier: MIT */
/* api.c -- the JSON API /api/v1/ (§9): sessions, reads, and writes
 * through the action table with idempotency and the commit before the
 * answer. Independent of the HTTP library (server.c feeds it). */
#include "desk.h"
#include "session.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ABSOLUTE (14 * 3600)

static void
answer(struct d_http *h, int status, json_t *o)
{
	h->status = status;
	h->resp = o ? d_canon(o) : NULL;
	json_decref(o);
}

static void
error(struct d_http *h, const struct d_err *e)
{
	json_t *err = json_pack("{s:s, s:s}", "code", e->code, "message",
	    e->msg);

	if (e->rule[0])
		json_object_set_new(err, "rule", json_string(e->rule));
	if (e->why[0] || e->details) {
		json_t *det = e->details ? json_deep_copy(e->details) :
		    json_object();

		if (e->why[0])
			json_object_set_new(det, "why", json_string(e->why));
		json_object_set_new(err, "details", det);
	}
	answer(h, e->status, json_pack("{s:o}", "error", err));
}

static void
fail(struct d_http *h, int status, const char *code, const char *msg)
{
	struct d_err e;

	memset(&e, 0, sizeof e);
	d_fail(&e, status, code, NULL, "%s", msg);
	error(h, &e);
}

static long long
now_s(void)
{
	return (long long)time(NULL);
}

/* The read model's publisher (readmodel.c) renders the pages of an
 * account as that account would see them, without a session row: the
 * token it names here (random, never sent anywhere) stands for u, on
 * the publisher's own thread only (thread-local). */
static _Thread_local struct d_user *render_user;
static _Thread_local char render_th[65];
static _Thread_local int render_docs;

void
d_api_render_as(struct d_user *u, const char *tok)
{
	render_user = u;
	render_th[0] = 0;
	render_docs = 0;
	if (u && tok)
		d_token_hash(tok, render_th);
}

/* As d_api_render_as, for F21's documents (f21.c): they are the book's,
 * so u's pending password change (an imported book's users have no
 * password yet) does not keep them out. */
void
d_api_render_docs_as(struct d_user *u, const char *tok)
{
	d_api_render_as(u, tok);
	render_docs = u != NULL;
}

/* Is th the token of a render of F21's documents? */
static int
rendering_docs(const char *th)
{
	return render_docs && render_th[0] && strcmp(th, render_th) == 0;
}

/* The session of a bearer token: the user, or NULL. Idle is judged on
 * the later of the book's last_seen and a read's touch not yet written
 * (pool.c); a read (on a read-only connection) keeps its touch there,
 * the writer's path writes it. */
struct d_user *
d_session_user(struct desk *d, const char *auth, char th[65],
    long long *reauth)
{
	sqlite3_stmt *st;
	struct d_user *u = NULL;
	long long now = now_s(), seen;

	if (!auth || strncmp(auth, "Bearer ", 7) != 0)
		return NULL;
	d_token_hash(auth + 7, th);
	if (render_user && render_th[0] && strcmp(th, render_th) == 0) {
		*reauth = 0;
		return render_user;
	}
	if (sqlite3_prepare_v2(d->db, "SELECT user, reauth_at, last_seen"
	    " FROM session WHERE token_hash = ? AND expires_at > ?", -1,
	    &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		seen = sqlite3_column_int64(st, 2);
		if (d_touch_pending(th) > seen)
			seen = d_touch_pending(th);
		if (seen > now - d_idle_s()) {
			u = d_user_find(d, (const char *)
			    sqlite3_column_text(st, 0));
			*reauth = sqlite3_column_int64(st, 1);
		}
	}
	sqlite3_finalize(st);
	if (u && sqlite3_db_readonly(d->db, "main") == 1)
		d_touch_later(th, now);
	else if (u) {
		char sql[256];

		/* last_seen is no ledger row: its commit need not wait for
		 * the disk (every request would otherwise fsync, reads too).
		 * The next entry's commit, synchronous=FULL, syncs it with
		 * the entry; a power cut can forget a few seconds of a
		 * session's idleness, never an entry (§4.2). */
		snprintf(sql, sizeof sql, "PRAGMA synchronous=NORMAL;"
		    "UPDATE session SET last_seen = %lld WHERE token_hash ="
		    " '%s'; PRAGMA synchronous=FULL;", now_s(), th);
		if (sqlite3_exec(d->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			sqlite3_exec(d->db, "PRAGMA synchronous=FULL;", NULL,
			    NULL, NULL);
	}
	return u;
}

static long long
session_expiry(struct desk *d, const char *th)
{
	sqlite3_stmt *st;
	long long t = 0;

	if (sqlite3_prepare_v2(d->db, "SELECT expires_at FROM session WHERE"
	    " token_hash = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return t;
}

int
d_must_change(struct desk *d, const char *user)
{
	sqlite3_stmt *st;
	int m = 0;

	if (sqlite3_prepare_v2(d->db, "SELECT must_change FROM user WHERE"
	    " username = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		m = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return m;
}

static char *
pw_hash_of(struct desk *d, const char *user)
{
	sqlite3_stmt *st;
	char *h = NULL;

	if (sqlite3_prepare_v2(d->db, "SELECT pw_hash FROM user WHERE"
	    " username = ? AND disabled = 0", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		h = d_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return h;
}

/* Device enrolled for role: 1 yes, 0 no; 1 too when no device at all
 * is enrolled for the role (a training book without devices). Only ro,
 * dro, manager and admin need one (§6.2); other staff log in from any
 * terminal of the staff LAN. */
static int
device_ok(struct desk *d, const char *role, const char *token,
    char name[64])
{
	sqlite3_stmt *st;
	char th[65], pat[32];
	int any = 0, ok = 0;

	name[0] = 0;
	if (strcmp(role, "ro") != 0 && strcmp(role, "dro") != 0 &&
	    strcmp(role, "manager") != 0 && strcmp(role, "admin") != 0)
		return 1;
	snprintf(pat, sizeof pat, "%% %s %%", role);
	if (token)
		d_token_hash(token, th);
	if (sqlite3_prepare_v2(d->db, "SELECT token_hash, name FROM device"
	    " WHERE ' ' || roles || ' ' LIKE ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, pat, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *x = (const char *)sqlite3_column_text(st, 0);

		any = 1;
		if (token && x && strcmp(x, th) == 0) {
			ok = 1;
			snprintf(name, 64, "%s", (const char *)
			    sqlite3_column_text(st, 1));
		}
	}
	sqlite3_finalize(st);
	return ok || !any;
}

static json_t *
user_obj(struct desk *d, const struct d_user *u)
{
	json_t *t = json_array(), *pw = json_object();

	for (int i = 0; i < u->ntabs; i++)
		json_array_append_new(t, json_pack("{s:i, s:s}", "table",
		    u->tabs[i].table, "role", u->tabs[i].role));
	for (int c = 0; c < d->ncs && c < 8; c++) {
		static const char *const pn[] = { "verify_approve",
			"adjudicate", "recount_decide", "provisional_release",
			"declare", "lot", NULL };
		json_t *a = json_array();

		for (int k = 0; pn[k]; k++)
			if (d_has_power(d, u, c, pn[k]))
				json_array_append_new(a, json_string(pn[k]));
		json_object_set_new(pw, d->cs[c].id, a);
	}
	return json_pack("{s:s, s:s?, s:s, s:s?, s:o, s:s?, s:O?, s:o, s:b}",
	    "username", u->username, "full_name", u->full_name, "role",
	    u->role, "staff_no", u->staff_no, "tables", t, "agent", u->agent,
	    "contests", u->contests, "powers", pw, "must_change_password",
	    d_must_change(d, u->username));
}

static void
iso(long long t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

/* Throttling, not lockout (§6.2): after 5 failures for an account or a
 * source address, each try waits 1, 2, 4 ... 60 s. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct throttle {
	char key[80];
	int failures;
	long long next, delay;	/* delay: in throttling seconds */
};
static struct throttle thr[256];

static struct throttle *
thr_find(const char *kind, const char *k, int make)
{
	char key[80];
	struct throttle *t = NULL;

	snprintf(key, sizeof key, "%s:%s", kind, k ? k : "");
	for (int i = 0; i < 256; i++) {
		if (strcmp(thr[i].key, key) == 0)
			return &thr[i];
		if (!t && !thr[i].key[0])
			t = &thr[i];
	}
	if (!make)
		return NULL;
	if (!t)
		t = &thr[now_ms() % 256];
	memset(t, 0, sizeof *t);
	snprintf(t->key, sizeof t->key, "%s", key);
	return t;
}

/* The length of a throttling second in ms: 1000, or for tests the
 * TELLER_DESK_THROTTLE_MS environment variable (X5 waits up to 60 of
 * them). */
static long long
thr_unit(void)
{
	static long long unit;
	const char *e;

	if (!unit) {
		e = getenv("TELLER_DESK_THROTTLE_MS");
		unit = e ? strtoll(e, NULL, 10) : 1000;
		if (unit < 1 || unit > 1000)
			unit = 1000;
	}
	return unit;
}

/* The wait left in throttling seconds (rounded up); *delay the whole
 * delay it belongs to. */
static long long
thr_wait(const char *user, const char *ip, long long *delay)
{
	struct throttle *a = thr_find("u", user, 0), *b = thr_find("ip", ip,
	    0);
	long long w = 0;

	*delay = 0;
	if (a && a->next > now_ms()) {
		w = a->next - now_ms();
		*delay = a->delay;
	}
	if (b && b->next > now_ms() && b->next - now_ms() > w) {
		w = b->next - now_ms();
		*delay = b->delay;
	}
	return (w + thr_unit() - 1) / thr_unit();
}

static void
thr_fail(const char *kind, const char *k)
{
	struct throttle *t = thr_find(kind, k, 1);
	long long delay = 1;

	t->failures++;
	if (t->failures < 5)
		return;
	for (int i = 5; i < t->failures && delay < 60; i++)
		delay *= 2;
	t->delay = delay > 60 ? 60 : delay;
	t->next = now_ms() + thr_unit() * t->delay;
}

/* The roles that may log in on the observer listener (§6.1): staff
 * passwords are never typed there. */
static int
observer_role(const char *role)
{
	return strcmp(role, "agent") == 0 || strcmp(role, "observer") == 0 ||
	    strcmp(role, "screen") == 0;
}

static void
login(struct desk *d, struct d_http *h, json_t *b)
{
	static const char *const keys[] = { "username", "password", "device",
		NULL };
	unsigned char raw[32];
	char tok[64], th[65], exp[40], devname[64], *hash;
	const char *un, *pw, *dev;
	struct d_user *u;
	struct d_err e;
	sqlite3_stmt *st;
	long long delay;

	memset(&e, 0, sizeof e);
	if (d_body_keys(b, keys, &e) ||
	    d_get_str(b, "username", 1, 64, &un, &e) < 0 ||
	    d_get_str(b, "password", 1, 1024, &pw, &e) < 0 ||
	    d_get_str(b, "device", 0, 64, &dev, &e) < 0) {
		error(h, &e);
		return;
	}
	if ((h->retry_after = thr_wait(un, h->ip, &delay)) > 0) {
		d_fail(&e, 429, "throttled", "§6.2", "too many failed logins:"
		    " wait %lld s", h->retry_after);
		e.details = json_pack("{s:I}", "delay", (json_int_t)delay);
		error(h, &e);
		json_decref(e.details);
		return;
	}
	u = d_user_find(d, un);
	hash = u ? pw_hash_of(d, u->username) : NULL;
	if (!u || !d_pw_check(hash, pw)) {
		free(hash);
		thr_fail("u", un);
		thr_fail("ip", h->ip);
		d_log_event(d, "session.login_failed", NULL, NULL, h->ip,
		    json_pack("{s:s}", "username", un));
		fail(h, 401, "bad_credentials",
		    "wrong username or password");
		return;
	}
	free(hash);
	if (thr_find("u", un, 0))
		thr_find("u", un, 0)->failures = 0;
	if (h->observer && !observer_role(u->role)) {
		d_fail(&e, 403, "forbidden", "§6.1", "a %s logs in on the"
		    " staff listener only", u->role);
		snprintf(e.why, sizeof e.why, "role");
		error(h, &e);
		return;
	}
	if (!device_ok(d, u->role, dev, devname)) {
		d_fail(&e, 403, "forbidden", "§6.2", "a %s logs in from an"
		    " enrolled device only", u->role);
		snprintf(e.why, sizeof e.why, "device");
		error(h, &e);
		return;
	}
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(tok, sizeof tok, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	d_token_hash(tok, th);
	sqlite3_prepare_v2(d->db, "DELETE FROM session WHERE user = ?", -1,
	    &st, NULL);
	sqlite3_bind_text(st, 1, u->username, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	sqlite3_prepare_v2(d->db, "INSERT INTO session VALUES(?, ?, 'bearer',"
	    " ?, ?, ?, ?)", -1, &st, NULL);
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->username, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_s());
	sqlite3_bind_int64(st, 4, now_s());
	sqlite3_bind_int64(st, 5, now_s() + ABSOLUTE);
	sqlite3_bind_int64(st, 6, now_s());
	sqlite3_step(st);
	sqlite3_finalize(st);
	/* the device a session came from: revoking it ends the session */
	if (*devname && d_db_session_device(d) == 0 &&
	    sqlite3_prepare_v2(d->db, "INSERT OR REPLACE INTO session_device"
	    " VALUES(?, ?)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, devname, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	d_log_event(d, "session.login", u->username, u->role, h->ip, NULL);
	iso(now_s() + ABSOLUTE, exp, sizeof exp);
	answer(h, 200, json_pack("{s:s, s:s, s:o}", "token", tok,
	    "expires_at", exp, "user", user_obj(d, u)));
}

static void
do_reauth(struct desk *d, struct d_http *h, const struct d_user *u,
    const char *th, json_t *b)
{
	static const char *const keys[] = { "password", NULL };
	const char *pw;
	char *hash, sql[200], until[40];
	struct d_err e;
	int ok;

	memset(&e, 0, sizeof e);
	if (d_body_keys(b, keys, &e) ||
	    d_get_str(b, "password", 1, 1024, &pw, &e) < 0) {
		error(h, &e);
		return;
	}
	hash = pw_hash_of(d, u->username);
	ok = d_pw_check(hash, pw);
	free(hash);
	if (!ok) {
		fail(h, 401, "bad_credentials", "wrong password");
		return;
	}
	snprintf(sql, sizeof sql, "UPDATE session SET reauth_at = %lld WHERE"
	    " token_hash = '%s'", now_s(), th);
	sqlite3_exec(d->db, sql, NULL, NULL, NULL);
	iso(now_s() + 300, until, sizeof until);
	answer(h, 200, json_pack("{s:s}", "reauth_until", until));
}

static void
password(struct desk *d, struct d_http *h, const struct d_user *u,
    json_t *b)
{
	static const char *const keys[] = { "old", "new", NULL };
	const char *o, *n;
	char *hash, nh[128];
	struct d_err e;
	sqlite3_stmt *st;
	int ok;

	memset(&e, 0, sizeof e);
	if (d_body_keys(b, keys, &e) ||
	    d_get_str(b, "old", 1, 1024, &o, &e) < 0 ||
	    d_get_str(b, "new", 1, 1024, &n, &e) < 0) {
		error(h, &e);
		return;
	}
	hash = pw_hash_of(d, u->username);
	ok = d_pw_check(hash, o);
	free(hash);
	if (!ok) {
		fail(h, 401, "bad_credentials", "wrong password");
		return;
	}
	if (strlen(n) < 12) {
		fail(h, 400, "bad_request",
		"a password has at least 12 characters");
		return;
	}
	/* §6.1: no account change while not air-gapped, but the first
	 * login's forced change (the RO's leads to the override) */
	if (d_airgap_blocked() && !d_must_change(d, u->username)) {
		d_fail(&e, 503, "read_only", "§6.1", "§6.1: not air-gapped"
		    " (%s): account changes are refused until the returning"
		    " officer overrides", d_airgap_blocked());
		error(h, &e);
		return;
	}
	if (d_pw_hash(n, u->role, nh)) {
		fail(h, 503, "read_only", "cannot hash");
		return;
	}
	sqlite3_prepare_v2(d->db, "UPDATE user SET pw_hash = ?, must_change"
	    " = 0 WHERE username = ?", -1, &st, NULL);
	sqlite3_bind_text(st, 1, nh, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->username, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	d_log_event(d, "user.password", u->username, u->role, h->ip,
	    json_pack("{s:s}", "username", u->username));
	answer(h, 204, NULL);
}

int d_api_read(struct desk *d, struct d_http *h, const struct d_user *u,
    const char *path);

/* An event write (no entry) with body {}: fn does it, 0 with its
 * answer, or -1 with e (a 403 logged as request.forbidden). */
typedef int (*event_write)(struct desk *d, const struct d_user *u,
    const char *ip, const json_t *body, json_t **answer, struct d_err *e);

static void
event_post(struct desk *d, struct d_http *h, const struct d_user *u,
    json_t *body, event_write fn)
{
	struct d_err e;
	json_t *a = NULL;

	memset(&e, 0, sizeof e);
	if (!h->ctype || strncmp(h->ctype, "application/json", 16))
		fail(h, 415, "unsupported_media_type",
		    "a write must be application/json");
	else if (!body)
		fail(h, 400, "bad_request", "malformed JSON");
	else if (fn(d, u, h->ip, body, &a, &e)) {
		if (e.status == 403)
			d_log_event(d, "request.forbidden", u->username,
			    u->role, h->ip, json_pack("{s:s, s:s, s:s}",
			    "method", h->method, "path", h->url, "why",
			    e.why));
		error(h, &e);
	} else
		answer(h, 201, a);
}

/* POST ballast/delete {}: ADMIN frees the ballast's room (§4.2). */
static int
ballast_delete(struct desk *d, const struct d_user *u, const char *ip,
    const json_t *body, json_t **answer, struct d_err *e)
{
	if (d_disk_ballast_delete(d, u, ip, (json_t *)body, e))
		return -1;
	*answer = json_pack("{s:I}", "event", (json_int_t)d->seq);
	return 0;
}

/* POST users, users/U/disable, users/U/password, devices,
 * devices/NAME/revoke (§9.4's events): 1 when path is one of them
 * (answered), else 0. */
static _Thread_local d_acct_fn acct_fn;

static int
acct_write(struct desk *d, const struct d_user *u, const char *ip,
    const json_t *body, json_t **answer, struct d_err *e)
{
	return acct_fn(d, u, ip, body, answer, e);
}

static int idem_lookup(struct desk *d, struct d_http *h, const char *user,
    const char *key, const char *sha);
static int idem_key_ok(const char *k);

static int
acct_post(struct desk *d, struct d_http *h, const struct d_user *u,
    const char *path, json_t *body)
{
	json_t *b2 = NULL;
	char sha[65] = "", *bs;

	if (!(acct_fn = d_acct_route(path, body ? body : json_null(), &b2)))
		return 0;
	if (h->idem && !idem_key_ok(h->idem))
		fail(h, 400, "bad_request", "bad Idempotency-Key");
	else {
		if (h->idem && b2 && (bs = d_canon(b2))) {
			d_hash_hex(d->genesis, 0, bs, sha);
			free(bs);
		}
		/* the key's row is written in the change's transaction */
		if (!sha[0] || !idem_lookup(d, h, u->username, h->idem, sha)) {
			if (sha[0])
				d_acct_idem(u->username, h->idem, sha);
			event_post(d, h, u, body ? b2 : NULL, acct_write);
			d_acct_idem(NULL, NULL, NULL);
		}
	}
	json_decref(b2);
	return 1;
}

static int
idem_lookup(struct desk *d, struct d_http *h, const char *user,
    const char *key, const char *sha)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(d->db, "SELECT body_sha, response FROM idem"
	    " WHERE user = ? AND key = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		if (strcmp((const char *)sqlite3_column_text(st, 0), sha)) {
			sqlite3_finalize(st);
			fail(h, 409, "idempotency_conflict", "this"
			    " Idempotency-Key was used with another body");
			return 1;
		}
		h->status = 201;
		h->resp = d_strdup((const char *)sqlite3_column_text(st, 1));
		h->replayed = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static int
idem_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= 'a' &&
		    k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
		    k[i] == '_' || k[i] == '-'))
			return 0;
	return 1;
}

int d_reload(struct desk *d);

/* Tests: a slow disk. TELLER_DESK_COMMIT_DELAY_MS (at most 10 s) is
 * slept before each entry's COMMIT, the model already changed, as a
 * loaded disk's fsync would take it (tests/desk/desk_pool.py). */
static void
commit_delay(void)
{
	const char *e = getenv("TELLER_DESK_COMMIT_DELAY_MS");
	long ms = e ? strtol(e, NULL, 10) : 0;
	struct timespec ts;

	if (ms <= 0)
		return;
	ms = ms > 10000 ? 10000 : ms;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = ms % 1000 * 1000000L;
	nanosleep(&ts, NULL);
}

/* One write: idempotency, the action, the commit, the envelope. */
static void
write_entry(struct desk *d, struct d_http *h, struct d_req *rq)
{
	struct d_out out;
	struct d_err e;
	char key[80], sha[65], hash[65], *line = NULL, *bs = d_canon(rq->body);
	json_t *ev;
	int rc;

	memset(&e, 0, sizeof e);
	if (h->idem && !idem_key_ok(h->idem)) {
		free(bs);
		fail(h, 400, "bad_request", "bad Idempotency-Key");
		return;
	}
	if (h->idem)
		snprintf(key, sizeof key, "%s", h->idem);
	else {
		unsigned char r[12];

		randombytes_buf(r, sizeof r);
		sodium_bin2hex(key, sizeof key, r, sizeof r);
	}
	d_hash_hex(d->genesis, 0, bs ? bs : "", sha);
	free(bs);
	if (idem_lookup(d, h, rq->user->username, key, sha))
		return;
	if (d->read_only) {
		fail(h, 503, "read_only", d->read_only == D_RO_BROKEN ?
		    d->fail : "the book is read-only");
		return;
	}
	if (d_airgap_blocked()) {
		struct d_err ae;

		memset(&ae, 0, sizeof ae);
		d_fail(&ae, 503, "read_only", "§6.1", "§6.1: not air-gapped"
		    " (%s): count writes are refused until the returning"
		    " officer overrides (POST airgap/override with a reason)",
		    d_airgap_blocked());
		error(h, &ae);
		return;
	}
	if (d_clock_check(d, rq->at)) {
		d_reload(d);
		fail(h, 503, "read_only", "NOT SAVED: the book could"
		    " not be written");
		return;
	}
	if (d_exec(d, rq, &out, &e)) {
		if (e.status == 403)
			d_log_event(d, "request.forbidden", rq->user->username,
			    rq->user->role, h->ip, json_pack("{s:s, s:s,"
			    " s:s}", "method", h->method, "path", h->url,
			    "why", e.why));
		error(h, &e);
		json_decref(e.details);
		return;
	}
	ev = d_event_line(d, rq, &out, key, d_states(d, &out));
	rc = d_seal(d, ev, &line, hash);
	if (rc == 0) {
		char *resp = d_envelope(ev, out.answer);

		commit_delay();
		rc = d_commit(d, line, d->seq + 1, rq->entry, rq->action, hash,
		    rq->user->username, key, sha, resp);
		if (rc == 0) {
			d->entries = rq->entry;
			h->status = 201;
			h->resp = resp;
		} else
			free(resp);
	}
	free(line);
	json_decref(ev);
	d_out_clear(&out);
	if (rc) {
		/* Nothing was saved: the model goes back to the book. */
		d_reload(d);
		if (rc == SQLITE_FULL) {
			d->read_only = D_RO_FULL;
		fail(h, 507, "not_saved", "NOT SAVED \xe2\x80\x94"
			    " tell the count manager (disk full)");
		return;
		}
		fail(h, 503, "read_only", "NOT SAVED: the book could"
		    " not be written");
		return;
	}
}

/* Writes: POST under contests/C/ or at the top. */
static void
api_write(struct desk *d, struct d_http *h, struct d_user *u,
    long long reauth, const char *path, json_t *body)
{
	struct d_req rq;
	const struct d_action *a;
	char at[40];
	int sub = 0, c = -1;

	memset(&rq, 0, sizeof rq);
	if (strncmp(path, "contests/", 9) == 0) {
		const char *s = strchr(path + 9, '/');
		char id[40];

		if (!s || (size_t)(s - path - 9) >= sizeof id) {
			fail(h, 404, "not_found", "no such path");
			return;
		}
		memcpy(id, path + 9, (size_t)(s - path - 9));
		id[s - path - 9] = 0;
		if ((c = d_contest_find(d, id)) < 0) {
			fail(h, 404, "not_found", "no such contest");
			return;
		}
		a = d_action_route("POST", s + 1, 1, &sub);
	} else
		a = d_action_route("POST", path, 0, &sub);
	if (!a) {
		fail(h, 404, "not_found", "no such path");
		return;
	}
	rq.user = u;
	rq.contest = c;
	/* What needs no body comes first (§9.1): who may. */ {
		struct d_err e;
		
		memset(&e, 0, sizeof e);
		if (d_allowed(d, a, &rq, &e)) {
		d_log_event(d, "request.forbidden", u->username,
		u->role, h->ip, json_pack("{s:s, s:s, s:s}",
		"method", h->method, "path", h->url, "why",
		e.why));
		error(h, &e);
		return;
		}
	}
	if (!h->ctype || strncmp(h->ctype, "application/json", 16) != 0) {
		fail(h, 415, "unsupported_media_type",
		"a write must be application/json");
		return;
	}
	if (!body) {
		fail(h, 400, "bad_request", "malformed JSON");
		return;
	}
	d_now(at, sizeof at);
	rq.action = a->name;
	rq.contest = c;
	rq.user = u;
	rq.ip = h->ip;
	rq.at = at;
	rq.entry = d->entries + 1;
	rq.body = body;
	rq.sub = sub;
	rq.reauth_ok = now_s() - reauth <= 300;
	write_entry(d, h, &rq);
}

/* The X-CSRF-Token of a cookie session (GET session gives it). */
static void
api_csrf(const char *tok, char out[65])
{
	d_csrf_mint(tok, "api", "", out);
}

/* A write by cookie (§9.1): X-CSRF-Token, Origin and Sec-Fetch-Site. */
static int
cookie_write_ok(const struct d_http *h, const char *tok)
{
	return d_csrf_ok(tok, "api", "", h->csrf) && d_origin_ok(h);
}

void
d_api(struct desk *d, struct d_http *h)
{
	const char *path = h->url;
	struct d_user *u;
	json_error_t je;
	json_t *body = NULL;
	long long reauth = 0;
	char th[65] = "", ctok[128] = "", cauth[140], csrf[65];
	const char *auth = h->auth;

	if (strncmp(path, "/api/v1/", 8) != 0) {
		fail(h, 404, "not_found", "no such path");
		return;
	}
	path += 8;
	if (h->blen > 65536) {
		fail(h, 413, "too_large", "a body is at most 64 KiB");
		return;
	}
	if (h->blen)
		body = json_loadb(h->body, h->blen, JSON_REJECT_DUPLICATES,
		    &je);
	else if (strcmp(h->method, "POST") == 0)
		body = json_object();
	if (strcmp(path, "health") == 0 || strncmp(path, "public/", 7) == 0 ||
	    strcmp(path, "public/results") == 0) {
		json_decref(body);
		d_api_read(d, h, NULL, path);
		return;
	}
	if (strcmp(path, "login") == 0 && strcmp(h->method, "POST") == 0) {
		if (!body) {
			fail(h, 400, "bad_request", "malformed JSON");
			return;
		}
		login(d, h, body);
		json_decref(body);
		return;
	}
	/* With Authorization present the cookie is ignored (§9.1). */
	if (!auth && d_sess_token(h, ctok, sizeof ctok)) {
		snprintf(cauth, sizeof cauth, "Bearer %s", ctok);
		auth = cauth;
	} else
		ctok[0] = 0;
	if (!(u = d_session_user(d, auth, th, &reauth))) {
		json_decref(body);
		fail(h, 401, "unauthenticated", "log in first");
		return;
	}
	h->nocache = 1;
	if (ctok[0] && strcmp(h->method, "GET") != 0 &&
	    !cookie_write_ok(h, ctok)) {
		struct d_err e;

		json_decref(body);
		memset(&e, 0, sizeof e);
		d_fail(&e, 403, "forbidden", "§6.3", "a write with a cookie"
		    " needs X-CSRF-Token from GET session and this origin");
		snprintf(e.why, sizeof e.why, "csrf");
		error(h, &e);
		return;
	}
	if (h->observer && !observer_role(u->role)) {
		struct d_err e;

		json_decref(body);
		memset(&e, 0, sizeof e);
		d_fail(&e, 403, "forbidden", "§6.1", "a %s has no business on"
		    " the observer listener", u->role);
		snprintf(e.why, sizeof e.why, "role");
		error(h, &e);
		return;
	}
	if (h->observer && strcmp(h->method, "GET") != 0 &&
	    strcmp(path, "logout") != 0) {
		struct d_err e;

		memset(&e, 0, sizeof e);
		d_fail(&e, 403, "forbidden", "§6.1", "the observer listener"
		    " takes no writes");
		snprintf(e.why, sizeof e.why, "role");
		error(h, &e);
	} else if (strcmp(h->method, "POST") == 0 &&
	    strcmp(path, "logout") == 0) {
		char sql[160];

		snprintf(sql, sizeof sql, "DELETE FROM session WHERE"
		    " token_hash = '%s'", th);
		sqlite3_exec(d->db, sql, NULL, NULL, NULL);
		d_log_event(d, "session.logout", u->username, u->role, h->ip,
		    NULL);
		answer(h, 204, NULL);
	} else if (strcmp(h->method, "POST") == 0 &&
	    strcmp(path, "reauth") == 0 && body)
		do_reauth(d, h, u, th, body);
	else if (strcmp(h->method, "POST") == 0 &&
	    strcmp(path, "password") == 0 && body)
		password(d, h, u, body);
	else if (strcmp(path, "session") == 0) {
		char until[40], exp[40];

		iso(reauth + 300, until, sizeof until);
		iso(session_expiry(d, th), exp, sizeof exp);
		if (ctok[0])
			api_csrf(ctok, csrf);
		answer(h, 200, json_pack("{s:o, s:s, s:s, s:s?}", "user",
		    user_obj(d, u), "expires_at", exp, "reauth_until", until,
		    "csrf", ctok[0] ? csrf : NULL));
	} else if (!rendering_docs(th) && d_must_change(d, u->username)) {
		struct d_err e;

		memset(&e, 0, sizeof e);
		d_forbid(&e, "must_change_password", "change your password"
		    " first");
		error(h, &e);
	} else if (strcmp(h->method, "POST") == 0 &&
	    strcmp(path, "airgap/override") == 0) {
		struct d_err e;

		memset(&e, 0, sizeof e);
		if (!h->ctype || strncmp(h->ctype, "application/json", 16))
			fail(h, 415, "unsupported_media_type",
			    "a write must be application/json");
		else if (!body)
			fail(h, 400, "bad_request", "malformed JSON");
		else if (d_airgap_override(d, u, h->ip, body, &e)) {
			if (e.status == 403)
				d_log_event(d, "request.forbidden",
				    u->username, u->role, h->ip, json_pack(
				    "{s:s, s:s, s:s}", "method", h->method,
				    "path", h->url, "why", e.why));
			error(h, &e);
		} else
			answer(h, 201, json_pack("{s:I}", "event",
			    (json_int_t)d->seq));
	} else if (strcmp(h->method, "POST") == 0 &&
	    strcmp(path, "ballast/delete") == 0)
		event_post(d, h, u, body, ballast_delete);
	else if (strcmp(h->method, "POST") == 0 &&
	    strcmp(path, "exports") == 0)
		/* the F21 tarball to serve's --export-dir (f21.c) */
		event_post(d, h, u, body, d_f21_post);
	else if (strcmp(h->method, "POST") == 0 && acct_post(d, h, u, path,
	    body))
		;	/* an account or device change (accounts.c) */
	else if (strcmp(h->method, "POST") == 0)
		api_write(d, h, u, reauth, path, body);
	else if (strcmp(h->method, "GET") == 0)
		d_api_read(d, h, u, path);
	else
		fail(h, 404, "not_found", "no such path");
	json_decref(body);
}

/* GET session's "user" object, for the read model's accounts. */
json_t *
d_api_user_obj(struct desk *d, const struct d_user *u)
{
	return user_obj(d, u);
}
