/* SPDX-License-Identifier: MIT */
/* observe.c -- `teller-desk observe DIR` (§6.1, §9): the observer
 * network's process. It never opens the count database: it serves the
 * read model serve publishes in DIR (readmodel.c has the contract) and
 * keeps its own sessions in a small SQLite file (--sessions FILE, by
 * default DIR.sessions.db beside DIR). Its only POSTs are login and
 * logout, of the agent, observer and screen accounts the model
 * publishes (Argon2id against their published hashes); any other write
 * is 403, as on serve's observer listener. Answers carry serve's
 * headers, error shapes and CSRF rules; what the model does not hold
 * is 404. model.json is looked at every 100 ms and taken whole when
 * its SHA-256 holds; a torn, altered or unreadable file is refused
 * (said once on stderr) and the last good model stays. */
#include "desk.h"
#include "obspool.h"
#include "respond.h"
#include "session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ABSOLUTE (14 * 3600)
#define MODEL_MAX (512L << 20)

struct model {
	json_t *root, *accounts, *routes, *pub;
	int refs;
};

static struct {
	const char *dir;
	char path[4200];
	struct model *cur;
	pthread_mutex_t m;
	pthread_t th;
	int stopping;
	struct stat seen;	/* the file last looked at */
	sqlite3 *db;		/* sessions */
	pthread_mutex_t dbm;
	pthread_mutex_t hashm;	/* d_pw_check's lock (auth.c) */
	char *cert, *key;
	const char *hosts[48];
	int nhosts;
} ob = { .m = PTHREAD_MUTEX_INITIALIZER, .dbm = PTHREAD_MUTEX_INITIALIZER,
	.hashm = PTHREAD_MUTEX_INITIALIZER };

static long long
now_s(void)
{
	return (long long)time(NULL);
}

static void
iso(long long t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

/* The model */

static void
model_put(struct model *m)
{
	int last;

	if (!m)
		return;
	pthread_mutex_lock(&ob.m);
	last = --m->refs == 0;
	pthread_mutex_unlock(&ob.m);
	if (last) {
		json_decref(m->root);
		free(m);
	}
}

static struct model *
model_get(void)
{
	struct model *m;

	pthread_mutex_lock(&ob.m);
	if ((m = ob.cur))
		m->refs++;
	pthread_mutex_unlock(&ob.m);
	return m;
}

/* The file whole, its SHA-256 checked, its shape checked: a model or
 * NULL with why. */
static struct model *
model_load(const char *path, char *why, size_t n)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL, want[65], got[65];
	unsigned char h[32];
	long len = -1;
	size_t hl = 25 + 64 + 1;
	struct model *m = NULL;
	json_error_t je;
	json_t *root;

	if (!f) {
		snprintf(why, n, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0)
		len = ftell(f);
	if (len < (long)hl || len > MODEL_MAX || fseek(f, 0, SEEK_SET) ||
	    !(b = malloc((size_t)len + 1)) ||
	    fread(b, 1, (size_t)len, f) != (size_t)len) {
		snprintf(why, n, "cannot read it whole (%ld bytes)", len);
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	b[len] = 0;
	if (memcmp(b, "teller-desk read model 1 ", 25) != 0 ||
	    b[hl - 1] != '\n' || strspn(b + 25, "0123456789abcdef") != 64) {
		snprintf(why, n, "not a read model of this version");
		free(b);
		return NULL;
	}
	memcpy(want, b + 25, 64);
	want[64] = 0;
	crypto_hash_sha256(h, (unsigned char *)b + hl, (size_t)len - hl);
	sodium_bin2hex(got, sizeof got, h, sizeof h);
	if (strcmp(want, got) != 0) {
		snprintf(why, n, "its SHA-256 does not hold (torn or"
		    " altered)");
		free(b);
		return NULL;
	}
	root = json_loadb(b + hl, (size_t)len - hl, JSON_REJECT_DUPLICATES,
	    &je);
	free(b);
	if (!root || !json_is_object(json_object_get(root, "accounts")) ||
	    !json_is_object(json_object_get(root, "routes")) ||
	    !json_is_object(json_object_get(json_object_get(root, "routes"),
	    "public")) || !json_is_integer(json_object_get(root, "seq"))) {
		snprintf(why, n, "not the shape of a read model");
		json_decref(root);
		return NULL;
	}
	if (!(m = calloc(1, sizeof *m))) {
		json_decref(root);
		snprintf(why, n, "out of memory");
		return NULL;
	}
	m->root = root;
	m->accounts = json_object_get(root, "accounts");
	m->routes = json_object_get(root, "routes");
	m->pub = json_object_get(m->routes, "public");
	m->refs = 1;
	return m;
}

/* Look at the file; take it when it changed and holds. */
static void
model_poll(void)
{
	struct stat st;
	struct model *m, *old;
	char why[200];

	if (stat(ob.path, &st) != 0)
		return;
	if (st.st_ino == ob.seen.st_ino && st.st_size == ob.seen.st_size &&
	    st.st_mtim.tv_sec == ob.seen.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == ob.seen.st_mtim.tv_nsec)
		return;
	ob.seen = st;
	if (!(m = model_load(ob.path, why, sizeof why))) {
		fprintf(stderr, "teller-desk: observe: %s refused: %s;"
		    " %s\n", ob.path, why, ob.cur ? "the last good model"
		    " stays" : "no model yet");
		return;
	}
	pthread_mutex_lock(&ob.m);
	old = ob.cur;
	ob.cur = m;
	pthread_mutex_unlock(&ob.m);
	fprintf(stderr, "teller-desk: observe: read model at checkpoint"
	    " #%lld\n", (long long)json_integer_value(json_object_get(m->root,
	    "seq")));
	model_put(old);
}

static void sess_sweep(void);

/* The model looked at every 100 ms; the sessions swept every minute,
 * or every idle time when that is shorter (TELLER_DESK_IDLE_S). */
static void *
watch(void *arg)
{
	long long every = d_idle_s() < 60 ? d_idle_s() : 60;
	long long next = now_s() + every;

	(void)arg;
	while (!ob.stopping) {
		usleep(100000);
		model_poll();
		if (now_s() >= next) {
			sess_sweep();
			next = now_s() + every;
		}
	}
	return NULL;
}

/* Sessions: their own file, never the book */

/* The address a session logged in from (for its expiry when nobody
 * uses it again): a column added to a file made before it. */
static int
sess_ip_column(void)
{
	sqlite3_stmt *st;
	int have = 0;

	if (sqlite3_prepare_v2(ob.db, "SELECT 1 FROM pragma_table_info("
	    "'observe_session') WHERE name = 'ip'", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	have = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return have ? 0 : sqlite3_exec(ob.db, "ALTER TABLE observe_session"
	    " ADD COLUMN ip TEXT NOT NULL DEFAULT '0.0.0.0'", NULL, NULL,
	    NULL) == SQLITE_OK ? 0 : -1;
}

static int
sess_open(const char *path)
{
	if (sqlite3_open_v2(path, &ob.db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(ob.db, "PRAGMA journal_mode=WAL;"
	    " PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
	    " CREATE TABLE IF NOT EXISTS observe_session(token_hash TEXT"
	    " PRIMARY KEY, username TEXT NOT NULL, created INTEGER NOT NULL,"
	    " last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
	    NULL, NULL, NULL) != SQLITE_OK || sess_ip_column() != 0) {
		fprintf(stderr, "teller-desk: observe: %s: %s\n", path,
		    ob.db ? sqlite3_errmsg(ob.db) : "cannot open");
		return -1;
	}
	return 0;
}

/* The session row of a token hash: 1 and its user and times, or 0. */
static int
sess_row(const char *th, char user[80], long long *created,
    long long *last, long long *expires)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(ob.db, "SELECT username, created, last_seen,"
	    " expires_at FROM observe_session WHERE token_hash = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(user, 80, "%s", (const char *)sqlite3_column_text(st,
		    0));
		*created = sqlite3_column_int64(st, 1);
		*last = sqlite3_column_int64(st, 2);
		*expires = sqlite3_column_int64(st, 3);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static void
sess_sql(const char *sql, const char *text, long long num)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(ob.db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	if (num >= 0) {
		sqlite3_bind_int64(st, 1, num);
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	} else
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/* Every session past its idle or absolute time removed, each expiry
 * spooled once (§6.5): at start, about every minute (every idle time
 * when TELLER_DESK_IDLE_S makes that shorter) and before a login. The
 * rows go in one DELETE ... RETURNING, so a session that a request
 * ends at the same moment (sess_find) is spooled by one of them only. */
static void
sess_sweep(void)
{
	sqlite3_stmt *st;
	json_t *gone = json_array();
	struct model *m;
	long long now = now_s();
	size_t i;
	json_t *g;

	pthread_mutex_lock(&ob.dbm);
	if (sqlite3_prepare_v2(ob.db, "DELETE FROM observe_session WHERE"
	    " expires_at <= ? OR last_seen <= ? RETURNING username, ip", -1,
	    &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, now - d_idle_s());
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(gone, json_pack("[s, s]",
			    (const char *)sqlite3_column_text(st, 0),
			    (const char *)sqlite3_column_text(st, 1)));
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&ob.dbm);
	m = model_get();
	json_array_foreach(gone, i, g) {
		const char *u = json_string_value(json_array_get(g, 0));

		d_spool_add("session.expired", u, m ? json_string_value(
		    json_object_get(json_object_get(m->accounts, u), "role")) :
		    NULL, NULL, json_string_value(json_array_get(g, 1)));
	}
	model_put(m);
	json_decref(gone);
}

/* The account of a token (bearer or cookie), or NULL; its row's times.
 * A session past its idle or absolute time ends here, its expiry
 * spooled for the audit log (§6.5). */
static const json_t *
sess_find(const struct model *m, const char *tok, const char *ip,
    char user[80], long long *created, long long *expires)
{
	char th[65];
	const json_t *a = NULL;
	long long last = 0, now = now_s();
	int found, expired = 0;

	if (!m || !tok || !*tok)
		return NULL;
	d_token_hash(tok, th);
	pthread_mutex_lock(&ob.dbm);
	found = sess_row(th, user, created, &last, expires);
	if (found && (*expires <= now || last <= now - d_idle_s())) {
		sess_sql("DELETE FROM observe_session WHERE token_hash = ?",
		    th, -1);
		found = 0;
		expired = 1;
	} else if (found && now - last >= 10)
		sess_sql("UPDATE observe_session SET last_seen = ? WHERE"
		    " token_hash = ?", th, now);
	pthread_mutex_unlock(&ob.dbm);
	if ((found || expired) && (a = json_object_get(m->accounts, user)) &&
	    json_is_true(json_object_get(a, "disabled")))
		a = NULL;
	if (expired) {
		d_spool_add("session.expired", user, json_string_value(
		    json_object_get(json_object_get(m->accounts, user),
		    "role")), NULL, ip);
		return NULL;
	}
	return a;
}

static void
sess_new(const char *user, const char *ip, char tok[64])
{
	unsigned char raw[32];
	char th[65];
	sqlite3_stmt *st;

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(tok, 64, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	d_token_hash(tok, th);
	pthread_mutex_lock(&ob.dbm);
	/* a new login of the user ends the previous session (§6.3); as
	 * serve, that is no event of its own: the login is logged */
	sess_sql("DELETE FROM observe_session WHERE username = ?", user, -1);
	if (sqlite3_prepare_v2(ob.db, "INSERT INTO observe_session"
	    " VALUES(?, ?, ?, ?, ?, ?)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now_s());
		sqlite3_bind_int64(st, 4, now_s());
		sqlite3_bind_int64(st, 5, now_s() + ABSOLUTE);
		sqlite3_bind_text(st, 6, ip, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&ob.dbm);
}

/* The token's session ended: 1 and its user, or 0 (none). */
static int
sess_end(const char *tok, char user[80])
{
	char th[65];
	long long created, last, expires;
	int found;

	d_token_hash(tok, th);
	pthread_mutex_lock(&ob.dbm);
	if ((found = sess_row(th, user, &created, &last, &expires)))
		sess_sql("DELETE FROM observe_session WHERE token_hash = ?",
		    th, -1);
	pthread_mutex_unlock(&ob.dbm);
	return found;
}

/* Throttling, not lockout (§6.2), as serve: after 5 failures for a
 * name or an address, 1, 2, 4 ... 60 s. */
struct thr {
	char k[80];
	int failures;
	long long delay, next;
};
static struct thr thr[256];
static pthread_mutex_t thrm = PTHREAD_MUTEX_INITIALIZER;

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static long long
thr_unit(void)
{
	const char *e = getenv("TELLER_DESK_THROTTLE_MS");
	long long u = e ? strtoll(e, NULL, 10) : 1000;

	return u < 1 || u > 1000 ? 1000 : u;
}

static struct thr *
thr_find(const char *kind, const char *k, int make)
{
	char key[80];
	struct thr *old = &thr[0];

	snprintf(key, sizeof key, "%s:%s", kind, k);
	for (int i = 0; i < 256; i++) {
		if (strcmp(thr[i].k, key) == 0)
			return &thr[i];
		if (thr[i].next < old->next)
			old = &thr[i];
	}
	if (!make)
		return NULL;
	memset(old, 0, sizeof *old);
	snprintf(old->k, sizeof old->k, "%s", key);
	return old;
}

static long long
thr_wait(const char *user, const char *ip, long long *delay)
{
	struct thr *a, *b;
	long long w = 0, now = now_ms();

	pthread_mutex_lock(&thrm);
	a = thr_find("u", user, 0);
	b = thr_find("ip", ip, 0);
	*delay = 0;
	if (a && a->next > now) {
		w = a->next - now;
		*delay = a->delay;
	}
	if (b && b->next > now && b->next - now > w) {
		w = b->next - now;
		*delay = b->delay;
	}
	pthread_mutex_unlock(&thrm);
	return (w + thr_unit() - 1) / thr_unit();
}

static void
thr_fail(const char *kind, const char *k)
{
	struct thr *t;
	long long delay = 1;

	pthread_mutex_lock(&thrm);
	t = thr_find(kind, k, 1);
	if (++t->failures >= 5) {
		for (int i = 5; i < t->failures && delay < 60; i++)
			delay *= 2;
		t->delay = delay > 60 ? 60 : delay;
		t->next = now_ms() + thr_unit() * t->delay;
	}
	pthread_mutex_unlock(&thrm);
}

static void
thr_ok(const char *user)
{
	struct thr *t;

	pthread_mutex_lock(&thrm);
	if ((t = thr_find("u", user, 0)))
		t->failures = 0;
	pthread_mutex_unlock(&thrm);
}

/* An answer (respond.h's d_reply) */

static void
jout(struct d_reply *a, int status, json_t *o)
{
	a->status = status;
	a->ctype = "application/json";
	a->body = o ? d_canon(o) : NULL;
	json_decref(o);
}

static void
jerr(struct d_reply *a, int status, const char *code, const char *rule,
    const char *why, const char *msg)
{
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", msg);

	if (rule)
		json_object_set_new(e, "rule", json_string(rule));
	if (why)
		json_object_set_new(e, "details", json_pack("{s:s}", "why",
		    why));
	/* jout serialises and drops the wrapper (it owns e) */
	jout(a, status, json_pack("{s:o}", "error", e));
}

static void
text(struct d_reply *a, int status, const char *msg)
{
	a->status = status;
	a->ctype = "text/plain; charset=utf-8";
	a->body = d_strdup(msg);
}

/* A published answer; the logout form's markers filled for tok. */
static int
route(struct d_reply *a, const json_t *routes, const char *key, const char *tok)
{
	const json_t *r = json_object_get(routes, key);
	const char *body, *loc;
	char idem[33], mac[65], *o, *p;
	unsigned char rnd[16];

	if (!json_is_array(r) || json_array_size(r) != 5 ||
	    !(body = json_string_value(json_array_get(r, 3))))
		return 0;
	a->status = (int)json_integer_value(json_array_get(r, 0));
	a->ctype = json_string_value(json_array_get(r, 1));
	a->cache = (int)json_integer_value(json_array_get(r, 2));
	if ((loc = json_string_value(json_array_get(r, 4))))
		a->location = d_strdup(loc);
	if (!a->ctype || a->status < 100 || a->status > 599)
		return 0;
	if (!tok || !(p = strstr(body, "@@RM-IDEM@@")) ||
	    !strstr(p, "@@RM-CSRF@@")) {
		a->body = d_strdup(body);
		return 1;
	}
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(idem, sizeof idem, rnd, sizeof rnd);
	d_csrf_mint(tok, "logout", idem, mac);
	if (!(o = malloc(strlen(body) + 128)))
		return 0;
	p = strstr(body, "@@RM-IDEM@@");
	sprintf(o, "%.*s%s", (int)(p - body), body, idem);
	body = p + 11;
	p = strstr(body, "@@RM-CSRF@@");
	sprintf(o + strlen(o), "%.*s%s%s", (int)(p - body), body, mac,
	    p + 11);
	a->body = o;
	return 1;
}

/* The request */

struct rq {
	struct MHD_Connection *mc;
	const char *method, *url, *ip;
	const char *body;
	size_t blen;
	struct d_http h;	/* for d_origin_ok, d_sess_token */
};

static const char *
qarg(void *cls, const char *k)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, k);
}

static const char *
hdr(const struct rq *r, const char *name)
{
	return MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, name);
}

/* The session token: bearer, else the cookie (§9.1); cookie 1 if it
 * came from the cookie. */
static const char *
token_of(struct rq *r, char *buf, size_t n, int *cookie)
{
	const char *auth = hdr(r, "Authorization");

	*cookie = 0;
	if (auth)
		return strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
	if (d_sess_token(&r->h, buf, n)) {
		*cookie = 1;
		return buf;
	}
	return NULL;
}

static int
observer_role(const char *role)
{
	return role && (strcmp(role, "agent") == 0 ||
	    strcmp(role, "observer") == 0 || strcmp(role, "screen") == 0);
}

/* The account of a username as typed (names are not case-sensitive). */
static const char *
account_name(const struct model *m, const char *typed)
{
	const char *k;
	json_t *v;

	json_object_foreach(m->accounts, k, v)
		if (strcasecmp(k, typed) == 0)
			return k;
	return NULL;
}

/* A password check: 1 and the account's name, or 0; the answer made
 * (401, 429) when 0. */
static const char *
check_login(struct rq *r, const struct model *m, const char *un,
    const char *pw, struct d_reply *a)
{
	const char *name = account_name(m, un);
	const json_t *acc = name ? json_object_get(m->accounts, name) : NULL;
	long long delay;
	int ok = 0;

	if ((a->retry_after = thr_wait(un, r->ip, &delay)) > 0) {
		char msg[120];

		snprintf(msg, sizeof msg, "too many failed logins: wait %lld"
		    " s", a->retry_after);
		jerr(a, 429, "throttled", "§6.2", NULL, msg);
		return NULL;
	}
	if (acc && !json_is_true(json_object_get(acc, "disabled")) &&
	    observer_role(json_string_value(json_object_get(acc, "role")))) {
		pthread_mutex_lock(&ob.hashm);
		ok = d_pw_check(json_string_value(json_object_get(acc,
		    "pw_hash")), pw);
		pthread_mutex_unlock(&ob.hashm);
	}
	if (!ok) {
		thr_fail("u", un);
		thr_fail("ip", r->ip);
		fprintf(stderr, "teller-desk: observe: login failed for"
		    " %s from %s\n", un, r->ip);
		d_spool_add("session.login_failed", NULL, NULL, un, r->ip);
		jerr(a, 401, "bad_credentials", NULL, NULL,
		    "wrong username or password");
		return NULL;
	}
	thr_ok(un);
	fprintf(stderr, "teller-desk: observe: login %s from %s\n", name,
	    r->ip);
	d_spool_add("session.login", name, json_string_value(json_object_get(
	    acc, "role")), NULL, r->ip);
	return name;
}

static void
api_login(struct rq *r, const struct model *m, struct d_reply *a)
{
	static const char *const keys[] = { "username", "password", "device",
		NULL };
	json_t *b = r->blen ? json_loadb(r->body, r->blen,
	    JSON_REJECT_DUPLICATES, NULL) : NULL;
	const char *un, *pw, *dev, *name;
	struct d_err e;
	char tok[64], exp[40];
	json_t *user;

	memset(&e, 0, sizeof e);
	if (!b || !json_is_object(b)) {
		json_decref(b);
		jerr(a, 400, "bad_request", NULL, NULL, "malformed JSON");
		return;
	}
	if (d_body_keys(b, keys, &e) ||
	    d_get_str(b, "username", 1, 64, &un, &e) < 0 ||
	    d_get_str(b, "password", 1, 1024, &pw, &e) < 0 ||
	    d_get_str(b, "device", 0, 64, &dev, &e) < 0) {
		jerr(a, e.status, e.code, e.rule[0] ? e.rule : NULL, NULL,
		    e.msg);
		json_decref(b);
		return;
	}
	if ((name = check_login(r, m, un, pw, a))) {
		sess_sweep();
		sess_new(name, r->ip, tok);
		iso(now_s() + ABSOLUTE, exp, sizeof exp);
		user = json_deep_copy(json_object_get(json_object_get(
		    m->accounts, name), "user"));
		jout(a, 200, json_pack("{s:s, s:s, s:o}", "token", tok,
		    "expires_at", exp, "user", user ? user : json_null()));
	}
	json_decref(b);
}

/* %XX and + of a form field into out (as long as in); -1 if bad. */
static int
unesc(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+')
			out[k++] = ' ';
		else if (s[i] == '%' && i + 2 < n &&
		    sodium_hex2bin((unsigned char *)out + k, 1, s + i + 1, 2,
		    NULL, NULL, NULL) == 0) {
			k++;
			i += 2;
		} else if (s[i] == '%')
			return -1;
		else
			out[k++] = s[i];
	}
	out[k] = 0;
	return memchr(out, 0, k) ? -1 : 0;
}

/* A form field's value (malloc'ed), or NULL. */
static char *
field(const char *s, size_t n, const char *name)
{
	size_t i = 0, nl = strlen(name);

	while (i < n) {
		size_t e = i;

		while (e < n && s[e] != '&')
			e++;
		if (e - i > nl && strncmp(s + i, name, nl) == 0 &&
		    s[i + nl] == '=') {
			char *v = malloc(e - i);

			if (v && unesc(s + i + nl + 1, e - i - nl - 1, v) == 0)
				return v;
			free(v);
			return NULL;
		}
		i = e + 1;
	}
	return NULL;
}

static void
html_login(struct rq *r, const struct model *m, struct d_reply *a)
{
	char *un = field(r->body ? r->body : "", r->blen, "username");
	char *pw = field(r->body ? r->body : "", r->blen, "password");
	const char *name;
	char tok[64];

	if (!d_origin_ok(&r->h))
		text(a, 403, "Refused: a form from another origin (§6.3).\n");
	else if (!un || !pw || !*un)
		text(a, 400, "Refused: the form could not be read.\n");
	else if ((name = check_login(r, m, un, pw, a))) {
		free(a->body);
		sess_sweep();
		sess_new(name, r->ip, tok);
		a->cookie = d_sess_cookie(tok);
		a->status = 303;
		a->ctype = "text/plain; charset=utf-8";
		a->body = d_strdup("");
		a->location = d_strdup(json_string_value(json_object_get(
		    json_object_get(m->accounts, name), "home")));
	} else {
		int st = a->status;

		free(a->body);
		a->body = NULL;
		if (!route(a, m->pub, "/login", NULL))
			text(a, st, "Wrong username or password.\n");
		a->status = st;
	}
	free(un);
	free(pw);
}

static void
html_logout(struct rq *r, const struct model *m, struct d_reply *a)
{
	char buf[128], *idem, *csrf, user[80];
	int ck;
	const char *tok = token_of(r, buf, sizeof buf, &ck);

	idem = field(r->body ? r->body : "", r->blen, "idem");
	csrf = field(r->body ? r->body : "", r->blen, "csrf");
	if (!d_origin_ok(&r->h))
		text(a, 403, "Refused: a form from another origin (§6.3).\n");
	else if (!tok || !ck || !idem || !csrf || strlen(csrf) != 64 ||
	    !d_csrf_ok(tok, "logout", idem, csrf))
		text(a, 403, "Refused: this form's CSRF token is missing or"
		    " wrong (§6.3).\n");
	else {
		if (sess_end(tok, user))
			d_spool_add("session.logout", user, json_string_value(
			    json_object_get(json_object_get(m->accounts, user),
			    "role")), NULL, r->ip);
		a->cookie = d_sess_cookie(NULL);
		a->status = 303;
		a->ctype = "text/plain; charset=utf-8";
		a->body = d_strdup("");
		a->location = d_strdup("/login");
	}
	free(idem);
	free(csrf);
}

static void
no_write(struct d_reply *a)
{
	jerr(a, 403, "forbidden", "§6.1", "role", "§6.1: the observer"
	    " listener takes no writes");
}

/* The query as it came, but box (when given) empty. */
static const char *
qarg_box_empty(void *cls, const char *k)
{
	const char *v = qarg(cls, k);

	return v && strcmp(k, "box") == 0 ? "" : v;
}

/* contests/ID/boxes?box=CODE not published (CODE is no box of the
 * contest): the answer readmodel.c rendered with box= empty, serve's for
 * a box not in the contest (§9.3). 1 if answered. */
static int
other_box(struct rq *r, struct d_reply *a, const json_t *routes,
    const char *path)
{
	size_t n = strlen(path);
	char key[600];

	if (strncmp(path, "contests/", 9) != 0 || n < 15 ||
	    strcmp(path + n - 6, "/boxes") != 0 || !qarg(r->mc, "box"))
		return 0;
	d_rm_key(key, sizeof key, r->url, qarg_box_empty, r->mc);
	return route(a, routes, key, NULL);
}

/* GET session, as serve's. */
static void
api_session(const json_t *acc, const char *tok, int ck, long long created,
    long long expires, struct d_reply *a)
{
	char until[40], exp[40], csrf[65];
	json_t *user = json_deep_copy(json_object_get(acc, "user"));

	iso(created + 300, until, sizeof until);
	iso(expires, exp, sizeof exp);
	if (ck)
		d_csrf_mint(tok, "api", "", csrf);
	jout(a, 200, json_pack("{s:o, s:s, s:s, s:s?}", "user", user ? user :
	    json_null(), "expires_at", exp, "reauth_until", until, "csrf",
	    ck ? csrf : NULL));
}

static void
api(struct rq *r, const struct model *m, struct d_reply *a)
{
	const char *path = r->url + 8, *tok;
	const json_t *acc;
	char buf[128], user[80], key[600];
	long long created = 0, expires = 0;
	int ck, get = strcmp(r->method, "GET") == 0 ||
	    strcmp(r->method, "HEAD") == 0;

	if (strcmp(path, "login") == 0 && strcmp(r->method, "POST") == 0) {
		api_login(r, m, a);
		return;
	}
	if (!get && strcmp(path, "logout") != 0) {
		no_write(a);
		return;
	}
	d_rm_key(key, sizeof key, r->url, qarg, r->mc);
	if (strcmp(path, "health") == 0 || strncmp(path, "public/", 7) == 0) {
		if (!route(a, m->pub, key, NULL))
			jerr(a, 404, "not_found", NULL, NULL, "no such path");
		return;
	}
	tok = token_of(r, buf, sizeof buf, &ck);
	if (!(acc = sess_find(m, tok, r->ip, user, &created, &expires))) {
		jerr(a, 401, "unauthenticated", NULL, NULL, "log in first");
		return;
	}
	a->cache = 1;
	if (!get) {	/* logout */
		if (ck && !(d_csrf_ok(tok, "api", "", hdr(r, "X-CSRF-Token")) &&
		    d_origin_ok(&r->h))) {
			jerr(a, 403, "forbidden", "§6.3", "csrf", "a write"
			    " with a cookie needs X-CSRF-Token from GET"
			    " session and this origin");
			return;
		}
		sess_end(tok, user);
		fprintf(stderr, "teller-desk: observe: logout %s\n", user);
		d_spool_add("session.logout", user, json_string_value(
		    json_object_get(acc, "role")), NULL, r->ip);
		a->status = 204;
		a->ctype = "application/json";
		return;
	}
	if (strcmp(path, "session") == 0)
		api_session(acc, tok, ck, created, expires, a);
	else if (json_is_true(json_object_get(acc, "must_change")))
		jerr(a, 403, "forbidden", NULL, "must_change_password",
		    "change your password first");
	else if (!route(a, json_object_get(m->routes, user), key, NULL) &&
	    !other_box(r, a, json_object_get(m->routes, user), path))
		jerr(a, 404, "not_found", NULL, NULL, "no such path, or not"
		    " published to the observer network");
	a->cache = 1;
}

static void
html(struct rq *r, const struct model *m, struct d_reply *a)
{
	const char *tok;
	const json_t *acc;
	char buf[128], user[80], key[600];
	long long created, expires;
	int ck, get = strcmp(r->method, "GET") == 0 ||
	    strcmp(r->method, "HEAD") == 0;

	if (strcmp(r->method, "POST") == 0 && strcmp(r->url, "/login") == 0) {
		html_login(r, m, a);
		return;
	}
	if (strcmp(r->method, "POST") == 0 && strcmp(r->url, "/logout") == 0) {
		html_logout(r, m, a);
		return;
	}
	if (!get) {
		no_write(a);
		return;
	}
	d_rm_key(key, sizeof key, r->url, qarg, r->mc);
	if (route(a, m->pub, key, NULL))
		return;
	a->cache = 1;
	tok = token_of(r, buf, sizeof buf, &ck);
	if (!(acc = sess_find(m, tok, r->ip, user, &created, &expires))) {
		a->status = 303;
		a->ctype = "text/plain; charset=utf-8";
		a->body = d_strdup("");
		a->location = d_strdup("/login");
	} else if (strcmp(r->url, "/") == 0) {
		a->status = 303;
		a->ctype = "text/plain; charset=utf-8";
		a->body = d_strdup("");
		a->location = d_strdup(json_string_value(json_object_get(acc,
		    "home")));
	} else if (json_is_true(json_object_get(acc, "must_change")))
		text(a, 403, "Change your password at the count desk first.\n");
	else if (!route(a, json_object_get(m->routes, user), key, tok))
		text(a, 404, "No such page on the observer network.\n");
	a->cache = 1;
}

/* The HTTP side */

static int
host_ok(const char *host)
{
	char h[256];

	if (!host || host[0] == '[')
		return 0;
	snprintf(h, sizeof h, "%s", host);
	h[strcspn(h, ":")] = 0;
	for (int i = 0; i < ob.nhosts; i++)
		if (strcasecmp(ob.hosts[i], h) == 0)
			return 1;
	return 0;
}

static void
add_host(const char *name)
{
	if (ob.nhosts < (int)(sizeof ob.hosts / sizeof *ob.hosts))
		ob.hosts[ob.nhosts++] = name;
}

static void
answer(struct rq *r, const struct model *m, struct d_reply *a)
{
	if (!host_ok(hdr(r, "Host")))
		jerr(a, 421, "misdirected", NULL, NULL, "§6.3: this Host is"
		    " not served here");
	else if (r->blen > 65536)
		jerr(a, 413, "too_large", NULL, NULL, "a body is at most 64"
		    " KiB");
	else if (!m && strcmp(r->url, "/api/v1/health") == 0)
		jout(a, 503, json_pack("{s:b, s:b, s:s}", "ok", 0, "read_only",
		    1, "version", "teller-desk 0.1.0"));
	else if (!m)
		jerr(a, 503, "read_only", NULL, NULL, "no read model from the"
		    " count desk yet");
	else if (strncmp(r->url, "/api/", 5) == 0) {
		if (strncmp(r->url, "/api/v1/", 8) == 0)
			api(r, m, a);
		else if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
			no_write(a);
		else
			jerr(a, 404, "not_found", NULL, NULL, "no such path");
	} else
		html(r, m, a);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *mc, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ptr)
{
	struct rq r;
	struct d_reply a;
	struct model *m;
	char ip[64];
	int more;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if ((more = d_upload_take(ptr, upload, upload_size)) != 0)
		return more > 0 ? MHD_YES : MHD_NO;
	memset(&r, 0, sizeof r);
	memset(&a, 0, sizeof a);
	d_client_ip(mc, ip, sizeof ip);
	r.mc = mc;
	r.method = method;
	r.url = url;
	r.ip = ip;
	r.body = d_upload_body(ptr, &r.blen);
	r.h.method = method;
	r.h.url = url;
	r.h.ip = ip;
	r.h.cookie = hdr(&r, "Cookie");
	r.h.origin = hdr(&r, "Origin");
	r.h.referer = hdr(&r, "Referer");
	r.h.fetch_site = hdr(&r, "Sec-Fetch-Site");
	r.h.host = hdr(&r, "Host");
	r.h.observer = 1;
	m = model_get();
	answer(&r, m, &a);
	a.hsts = ob.cert != NULL;
	/* a published answer's Content-Type is the model's string (route):
	 * the model is let go only once the headers are copied, else a
	 * newer model's swap frees it under the reply (the L1 keep-alive
	 * "reconnects": a garbled header, HPE_INVALID_HEADER_TOKEN) */
	ret = d_reply_send(mc, ip, method, url, &a);
	model_put(m);
	return ret;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < 1 << 20 &&
	    fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1))) {
		if (fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		} else
			b[n] = 0;
	}
	fclose(f);
	return b;
}

static int
parse_listen(const char *listen, struct sockaddr_in *sa, char *host,
    size_t hn)
{
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	if (!colon || (size_t)(colon - listen) >= hn)
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	port = strtol(colon + 1, &end, 10);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (*end || port < 1 || port > 65535 || inet_pton(AF_INET, host,
	    &sa->sin_addr) != 1)
		return -1;
	return 0;
}

static int
ob_usage(void)
{
	fprintf(stderr, "usage: teller-desk observe DIR [--listen ADDR:PORT]"
	    " [--insecure-http | --tls-cert F --tls-key F]\n"
	    "         [--host NAME]... [--sessions FILE]"
	    " [--per-ip-limit N]\n");
	return 2;
}

/* The options; 0 or an exit code. */
static int
ob_args(int argc, char **argv, const char **listen, int *insecure,
    const char **sessions, unsigned *per_ip)
{
	const char *cert = NULL, *key = NULL;
	char err[300], fpr[96];

	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			*listen = argv[++i];
		else if (strcmp(argv[i], "--insecure-http") == 0)
			*insecure = 1;
		else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			add_host(argv[++i]);
		else if (strcmp(argv[i], "--sessions") == 0 && i + 1 < argc)
			*sessions = argv[++i];
		else if (strcmp(argv[i], "--per-ip-limit") == 0 &&
		    i + 1 < argc)
			*per_ip = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--tls-cert") == 0 && i + 1 < argc)
			cert = argv[++i];
		else if (strcmp(argv[i], "--tls-key") == 0 && i + 1 < argc)
			key = argv[++i];
		else {
			fprintf(stderr, "teller-desk: unknown option %s\n",
			    argv[i]);
			return ob_usage();
		}
	}
	if ((cert != NULL) != (key != NULL) || (cert && *insecure) ||
	    (!cert && !*insecure)) {
		fprintf(stderr, "teller-desk: observe needs --tls-cert and"
		    " --tls-key, or --insecure-http on loopback\n");
		return 2;
	}
	if (cert && (!(ob.cert = slurp(cert)) || !(ob.key = slurp(key)) ||
	    d_tls_pair_ok(ob.cert, ob.key, err, sizeof err) ||
	    d_tls_fingerprint(ob.cert, fpr))) {
		fprintf(stderr, "teller-desk: %s, %s: cannot use them as a"
		    " TLS pair\n", cert, key);
		return 1;
	}
	if (ob.cert) {
		d_tls_names(ob.cert, add_host);
		d_sess_tls(1);
	}
	return 0;
}

static struct MHD_Daemon *
ob_start(const struct sockaddr_in *sa, unsigned per_ip)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (ob.cert)
		return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL,
		    handle, NULL, MHD_OPTION_SOCK_ADDR, sa,
		    MHD_OPTION_THREAD_POOL_SIZE, 4u,
		    MHD_OPTION_CONNECTION_LIMIT, 256u,
		    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
		    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
		    MHD_OPTION_HTTPS_MEM_KEY, ob.key,
		    MHD_OPTION_HTTPS_MEM_CERT, ob.cert,
		    MHD_OPTION_HTTPS_PRIORITIES,
		    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
		    MHD_OPTION_NOTIFY_COMPLETED, d_upload_done, NULL, MHD_OPTION_END);
	return MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL,
	    MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, 4u,
	    MHD_OPTION_CONNECTION_LIMIT, 256u,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
	    MHD_OPTION_NOTIFY_COMPLETED, d_upload_done, NULL, MHD_OPTION_END);
}

int
d_observe(int argc, char **argv)
{
	const char *listen = "0.0.0.0:443", *sessions = NULL;
	static char host[64], defsess[4200];
	int insecure = 0, rc, sig;
	unsigned per_ip = 8;
	struct sockaddr_in sa;
	struct MHD_Daemon *mhd;
	sigset_t set;

	if (argc < 3 || argv[2][0] == '-')
		return ob_usage();
	ob.dir = argv[2];
	if ((rc = ob_args(argc, argv, &listen, &insecure, &sessions, &per_ip)))
		return rc;
	if (parse_listen(listen, &sa, host, sizeof host)) {
		fprintf(stderr, "teller-desk: bad listen address %s\n", listen);
		return 2;
	}
	if (insecure && (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "teller-desk: --insecure-http listens on"
		    " loopback only\n");
		return 2;
	}
	add_host(host);
	add_host("localhost");
	snprintf(ob.path, sizeof ob.path, "%s/model.json", ob.dir);
	if (!sessions) {
		snprintf(defsess, sizeof defsess, "%.*s.sessions.db",
		    (int)(strlen(ob.dir) - (strlen(ob.dir) > 1 &&
		    ob.dir[strlen(ob.dir) - 1] == '/')), ob.dir);
		sessions = defsess;
	}
	if (sess_open(sessions))
		return 3;
	d_spool_open(ob.dir);
	d_auth_init(D_AUTH_OBSERVE, &ob.hashm);
	model_poll();
	sess_sweep();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&ob.th, NULL, watch, NULL) != 0 ||
	    !(mhd = ob_start(&sa, per_ip))) {
		fprintf(stderr, "teller-desk: cannot listen on %s\n", listen);
		return 3;
	}
	fprintf(stderr, "teller-desk: observe %s on %s://%s (sessions in"
	    " %s)\n", ob.dir, ob.cert ? "https" : "http", listen, sessions);
	sigwait(&set, &sig);
	MHD_stop_daemon(mhd);
	ob.stopping = 1;
	pthread_join(ob.th, NULL);
	model_put(ob.cur);
	sqlite3_close(ob.db);
	d_spool_close();
	free(ob.cert);
	free(ob.key);
	return 0;
}
