/* SPDX-License-Identifier: MIT */
/* accounts.c -- account and device changes (§6.2, §9.4 "events, not
 * entries", §10): user.add, user.disable, user.password, device.add,
 * device.revoke. One function per change, run alike by the API (api.c),
 * S-24's forms (through the API) and the commands (main.c, device.c).
 * Each checks who may (by NULL: the command line, the machine's
 * administrator), the rules of §8 users[] and devices[], the book's
 * state and the air-gap block, then changes the book and logs its event
 * in one transaction. The event never carries a password or a token
 * (J5): a generated one is in the answer only, shown once.
 * d_acct_replay applies a logged event to a model again (a restart, the
 * readers' and the read model's models, import and verify). */
#include "desk.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Roles the manager may manage (§3.1, §3.2 "staff roles", §6.2: the
 * count staff, the agent accounts, the hall screens). */
static const char staff_roles[] = " supervisor clerk receipt agent screen ";
static const char all_roles[] = " admin ro dro manager supervisor clerk"
	" receipt agent observer screen auditor ";

static int
in_list(const char *list, const char *w)
{
	char k[40];

	if (!w || !*w || strlen(w) > 30 || strchr(w, ' '))
		return 0;
	snprintf(k, sizeof k, " %s ", w);
	return strstr(list, k) != NULL;
}

/* §8: [a-z0-9][a-z0-9._-]{1,31} */
static int
username_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 32 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= '0' && s[0] <= '9')))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '.' || s[i] == '_' ||
		    s[i] == '-'))
			return 0;
	return 1;
}

/* May by (NULL: the command line) manage an account of role? ADMIN and
 * the RO every role, the manager staff roles only (§3.2, §6.2). */
static int
may_manage(const struct d_user *by, const char *role, struct d_err *e)
{
	if (!by || in_list(" admin ro ", by->role))
		return 0;
	if (strcmp(by->role, "manager") == 0 && in_list(staff_roles, role))
		return 0;
	return d_forbid(e, "role", "§3.2: a %s may not manage %s accounts",
	    by->role, role);
}

/* §9.1: who may at all comes before the body: only ADMIN, the RO and
 * the manager manage accounts and devices. */
static int
no_powers(const struct d_user *by, struct d_err *e)
{
	if (!by || in_list(" admin ro manager ", by->role))
		return 0;
	return d_forbid(e, "role", "§3.2: a %s manages no accounts or"
	    " devices", by->role);
}

/* The book can take the change: not read-only, not blocked (§6.1). */
static int
book_writable(struct desk *d, struct d_err *e)
{
	if (d->read_only)
		return d_fail(e, 503, "read_only", NULL, "%s",
		    d->read_only == D_RO_BROKEN ? d->fail :
		    "the book is read-only");
	if (d_airgap_blocked())
		return d_fail(e, 503, "read_only", "§6.1", "§6.1: not"
		    " air-gapped (%s): account and device changes are refused"
		    " until the returning officer overrides",
		    d_airgap_blocked());
	return 0;
}

/* Run sql (its ?1 the text a) inside the open transaction. */
static int
exec1(struct desk *d, const char *sql, const char *a, const char *b2)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b2)
		sqlite3_bind_text(st, 2, b2, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Begin the change's transaction (none of its own inside import's). */
static int
tx_begin(struct desk *d, int *outer, struct d_err *e)
{
	*outer = !sqlite3_get_autocommit(d->db);
	if (!*outer && sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL) != SQLITE_OK)
		return d_fail(e, 503, "read_only", NULL,
		    "NOT SAVED: the book could not be written");
	return 0;
}

static _Thread_local struct {
	const char *user, *key, *sha;
} idem;

void
d_acct_idem(const char *user, const char *key, const char *sha)
{
	idem.user = user;
	idem.key = key;
	idem.sha = sha;
}

/* The Idempotency-Key's row for the event just logged (d->seq), inside
 * the open transaction: the answer a repeat gets, {"event"}. 0 or -1. */
static int
idem_row(struct desk *d)
{
	json_t *a = json_pack("{s:I}", "event", (json_int_t)d->seq);
	char *kept = a ? d_canon(a) : NULL;
	sqlite3_stmt *st;
	int rc = -1;

	json_decref(a);
	if (kept && sqlite3_prepare_v2(d->db, "INSERT INTO idem VALUES(?1,"
	    " ?2, ?3, 0, ?4)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, idem.user, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, idem.key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, idem.sha, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, kept, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(st);
	}
	free(kept);
	return rc;
}

/* Log the event (and the Idempotency-Key's row, d_acct_idem) and
 * commit, or roll back, the model's chain head back too: 0, or -1
 * with e. */
static int
tx_end(struct desk *d, int outer, int ok, const char *action,
    const struct d_user *by, const char *ip, json_t *data, struct d_err *e)
{
	long long seq = d->seq;
	char hash[sizeof d->last_hash], at[sizeof d->last_at];

	memcpy(hash, d->last_hash, sizeof hash);
	memcpy(at, d->last_at, sizeof at);
	if (ok && (d_log_event(d, action, by ? by->username : NULL,
	    by ? by->role : NULL, ip, data) || d->seq != seq + 1 ||
	    (idem.key && idem_row(d))))
		ok = 0;
	else if (!ok)
		json_decref(data);
	if (!outer && (!ok || sqlite3_exec(d->db, "COMMIT", NULL, NULL,
	    NULL) != SQLITE_OK)) {
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
		d->seq = seq;
		memcpy(d->last_hash, hash, sizeof hash);
		memcpy(d->last_at, at, sizeof at);
		ok = 0;
	}
	return ok ? 0 : d_fail(e, 503, "read_only", NULL,
	    "NOT SAVED: the book could not be written");
}

/* A user's sessions end now (§6.2). */
static int
end_sessions(struct desk *d, const char *username)
{
	return exec1(d, "DELETE FROM session WHERE user = ?1 COLLATE NOCASE",
	    username, NULL);
}

/* users[]'s tables: numbers or {"table", "role"}, normalised to
 * [{"table", "role"}]; NULL with e. */
static json_t *
tables_norm(struct desk *d, const json_t *t, const char *role,
    struct d_err *e)
{
	json_t *out, *x;
	size_t i;

	if (!json_is_array(t)) {
		d_fail(e, 400, "bad_request", "§8", "tables: a list");
		return NULL;
	}
	out = json_array();
	json_array_foreach(t, i, x) {
		json_t *n = json_is_object(x) ? json_object_get(x, "table") : x;
		const char *r = json_is_object(x) ? json_string_value(
		    json_object_get(x, "role")) : role;

		if (!json_is_integer(n) || !r || (json_is_object(x) &&
		    json_object_size(x) != 2) || (strcmp(r, "clerk") &&
		    strcmp(r, "supervisor"))) {
			json_decref(out);
			d_fail(e, 400, "bad_request", "§8", "tables: a table"
			    " number, or {\"table\", \"role\"} with role clerk"
			    " or supervisor");
			return NULL;
		}
		if (!d_table_known(d, json_integer_value(n))) {
			json_decref(out);
			d_fail(e, 400, "unknown_reference", "§8", "no table"
			    " %lld", (long long)json_integer_value(n));
			return NULL;
		}
		json_array_append_new(out, json_pack("{s:O, s:s}", "table", n,
		    "role", r));
	}
	return out;
}

static int
agent_known(const struct desk *d, const char *id)
{
	size_t i;
	json_t *a;

	json_array_foreach(d->agents, i, a)
		if (strcmp(json_string_value(json_object_get(a, "id")), id)
		    == 0)
			return 1;
	return 0;
}

/* The same person as one of the other group (§3.1: ro and dro never
 * also admin): by staff number or full name. */
static int
ro_admin_clash(const struct desk *d, const char *role, const char *name,
    const char *staff)
{
	int adm = strcmp(role, "admin") == 0;

	if (!adm && !in_list(" ro dro ", role))
		return 0;
	for (int i = 0; i < d->nusers; i++) {
		const struct d_user *o = &d->users[i];

		if (adm ? !in_list(" ro dro ", o->role) :
		    strcmp(o->role, "admin") != 0)
			continue;
		if (strcasecmp(o->full_name, name) == 0 || (staff &&
		    o->staff_no && strcasecmp(o->staff_no, staff) == 0))
			return 1;
	}
	return 0;
}

/* The rules of §8's users[] on a new account's members (u: username,
 * full name, role, staff no, agent); 0 or -1 with e. */
static int
user_rules(struct desk *d, const char *const *u, const json_t *body,
    struct d_err *e)
{
	const json_t *cs = json_object_get(body, "contests");
	int tabbed = in_list(" clerk supervisor ", u[2]);
	int ros = 0;

	if (d_user_find(d, u[0]))
		return d_fail(e, 409, "invariant", "§8", "§8: username %s is"
		    " taken (usernames are unique ignoring case)", u[0]);
	if (!username_ok(u[0]))
		return d_fail(e, 400, "bad_request", "§8", "§8: a username"
		    " matches [a-z0-9][a-z0-9._-]{1,31}: %s is not one", u[0]);
	if (!in_list(all_roles, u[2]))
		return d_fail(e, 400, "bad_request", "§8", "no role %s", u[2]);
	if (tabbed != (json_array_size(json_object_get(body, "tables")) > 0))
		return d_fail(e, 400, "bad_request", "§8", "§8: tables are"
		    " required for a clerk or supervisor, absent otherwise");
	if ((strcmp(u[2], "agent") == 0) != (u[4] != NULL))
		return d_fail(e, 400, "bad_request", "§8", "§8: agent is"
		    " required for an agent account, absent otherwise");
	if (u[4] && !agent_known(d, u[4]))
		return d_fail(e, 400, "unknown_reference", "§8", "no agent %s"
		    " in the register", u[4]);
	if (cs && (strcmp(u[2], "screen") != 0 || !json_is_array(cs)))
		return d_fail(e, 400, "bad_request", "§8", "§8: contests is"
		    " a list, for a screen only");
	for (size_t i = 0; i < json_array_size(cs); i++)
		if (d_contest_find(d, json_string_value(json_array_get(cs,
		    i)) ? json_string_value(json_array_get(cs, i)) : "") < 0)
			return d_fail(e, 400, "unknown_reference", "§8",
			    "no such contest");
	for (int i = 0; i < d->nusers; i++)
		ros += strcmp(d->users[i].role, "ro") == 0;
	if (strcmp(u[2], "ro") == 0 && ros)
		return d_fail(e, 409, "invariant", "§8", "§8: there is"
		    " exactly one ro account; it is %s", d->users[0].username);
	if (ro_admin_clash(d, u[2], u[1], u[3]))
		return d_fail(e, 409, "invariant", "§3.1", "§3.1: an ro or"
		    " dro is never also an admin (%s is one already)", u[1]);
	return 0;
}

/* A new user's place: in the room d_model_config left, so no user
 * moves (a request waiting while a password hashes holds its user's
 * address); past it a larger array, the old one kept until the model
 * is freed. */
static struct d_user *
user_slot(struct desk *d)
{
	struct d_user *n;
	json_t *keep;

	if (d->nusers < d->capusers)
		return &d->users[d->nusers++];
	if (!(n = calloc((size_t)d->nusers + 2, sizeof *n)))
		return NULL;
	memcpy(n, d->users, (size_t)d->nusers * sizeof *n);
	/* the old array is a pool member: freed with the model */
	keep = json_integer((json_int_t)(intptr_t)d->users);
	if (!keep || json_array_append_new(d->users_old, keep)) {
		free(n);
		return NULL;
	}
	d->users = n;
	d->capusers = d->nusers + 1;
	return &d->users[d->nusers++];
}

/* Add user.add's data (§10) to the model; 0 or -1. */
int
d_acct_model_add(struct desk *d, const json_t *data)
{
	const json_t *t = json_object_get(data, "tables"), *x;
	json_t *cs = json_object_get(data, "contests");
	struct d_user *u;
	size_t i;

	if (!d->users_old && !(d->users_old = json_array()))
		return -1;
	if (!(u = user_slot(d)))
		return -1;
	u->username = d_intern(d, json_string_value(json_object_get(data,
	    "username")));
	u->full_name = d_intern(d, json_string_value(json_object_get(data,
	    "full_name")));
	u->role = d_intern(d, json_string_value(json_object_get(data,
	    "role")));
	u->staff_no = d_intern(d, json_string_value(json_object_get(data,
	    "staff_no")));
	u->agent = d_intern(d, json_string_value(json_object_get(data,
	    "agent")));
	if (json_is_array(cs) && !json_array_append(d->pool, cs))
		u->contests = cs;
	if (json_array_size(t) && !(u->tabs = calloc(json_array_size(t),
	    sizeof *u->tabs)))
		return -1;
	json_array_foreach(t, i, x) {
		u->tabs[i].table = (int)json_integer_value(json_object_get(x,
		    "table"));
		snprintf(u->tabs[i].role, sizeof u->tabs[i].role, "%s",
		    json_string_value(json_object_get(x, "role")));
		u->ntabs++;
	}
	return u->username && u->role ? 0 : -1;
}

/* user.add's body checked and normalised as its event's data; NULL
 * with e. pw: the password given, or NULL. */
static json_t *
user_data(struct desk *d, const struct d_user *by, const json_t *body,
    const char **pw, struct d_err *e)
{
	static const char *const keys[] = { "username", "full_name", "role",
		"staff_no", "password", "must_change_password", "tables",
		"agent", "contests", NULL };
	const char *u[5] = { NULL, NULL, NULL, NULL, NULL };
	json_t *tabs = NULL, *mc = json_object_get(body, "must_change_password");

	if (d_body_keys(body, keys, e) ||
	    d_get_str(body, "username", 1, 64, &u[0], e) < 0 ||
	    d_get_str(body, "full_name", 1, 200, &u[1], e) < 0 ||
	    d_get_str(body, "role", 1, 16, &u[2], e) < 0 ||
	    d_get_str(body, "staff_no", 0, 32, &u[3], e) < 0 ||
	    d_get_str(body, "agent", 0, 32, &u[4], e) < 0 ||
	    d_get_str(body, "password", 0, 1024, pw, e) < 0)
		return NULL;
	if (mc && !json_is_boolean(mc))
		return d_fail(e, 400, "bad_request", NULL,
		    "must_change_password is true or false"), NULL;
	if (*pw && strlen(*pw) < 12)
		return d_fail(e, 400, "bad_request", "§6.2",
		    "a password has at least 12 characters"), NULL;
	if (may_manage(by, u[2] ? u[2] : "", e) ||
	    user_rules(d, u, body, e))
		return NULL;
	if (!json_is_null(json_object_get(body, "tables")) &&
	    json_object_get(body, "tables") && !(tabs = tables_norm(d,
	    json_object_get(body, "tables"), u[2], e)))
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:s?, s:b, s:o?, s:s?, s:O?}",
	    "username", u[0], "full_name", u[1], "role", u[2], "staff_no",
	    u[3], "must_change_password", mc ? json_is_true(mc) : 1, "tables",
	    tabs, "agent", u[4], "contests", json_object_get(body,
	    "contests"));
}

/* POST users (§9.4), `user DB add`: a new account. The answer
 * {"event", "password"?}: the generated password, shown once. */
int
d_acct_user_add(struct desk *d, const struct d_user *by, const char *ip,
    const json_t *body, json_t **answer, struct d_err *e)
{
	const char *pw = NULL;
	char gen[128] = "", hash[128], mc[4];
	json_t *data;
	int outer, ok;

	if (no_powers(by, e))
		return -1;
	if (!(data = user_data(d, by, body, &pw, e)))
		return -1;
	json_decref(data);
	if (book_writable(d, e))
		return -1;
	if (!pw)
		d_words(gen, sizeof gen);
	/* the hash lets serve's lock go: checked again after it */
	if (d_pw_hash(pw ? pw : gen, json_string_value(json_object_get(body,
	    "role")), hash))
		return d_fail(e, 503, "read_only", NULL, "cannot hash");
	if (!(data = user_data(d, by, body, &pw, e)))
		return -1;
	if (book_writable(d, e) || tx_begin(d, &outer, e)) {
		json_decref(data);
		return -1;
	}
	snprintf(mc, sizeof mc, "%d", json_is_true(json_object_get(data,
	    "must_change_password")));
	ok = exec1(d, "INSERT INTO user(username, pw_hash, must_change,"
	    " disabled) VALUES(?1, ?2, 0, 0)", json_string_value(
	    json_object_get(data, "username")), hash) == 0 &&
	    exec1(d, "UPDATE user SET must_change = ?2 WHERE username = ?1",
	    json_string_value(json_object_get(data, "username")), mc) == 0;
	json_incref(data);
	if (tx_end(d, outer, ok, "user.add", by, ip, data, e)) {
		json_decref(data);
		return -1;
	}
	ok = d_acct_model_add(d, data);
	json_decref(data);
	if (ok)
		return d_fail(e, 500, "internal", NULL, "saved, but the model"
		    " is short of memory: restart serve");
	*answer = json_pack("{s:I, s:s*}", "event", (json_int_t)d->seq,
	    "password", gen[0] ? gen : NULL);
	sodium_memzero(gen, sizeof gen);
	return 0;
}

/* The account body names (path's U, or the command's): it, may by
 * manage it; NULL with e. */
static struct d_user *
target(struct desk *d, const struct d_user *by, const json_t *body,
    const char *const *keys, struct d_err *e)
{
	const char *un;
	struct d_user *t;

	if (d_body_keys(body, keys, e) ||
	    d_get_str(body, "username", 1, 64, &un, e) < 0)
		return NULL;
	if (!(t = d_user_find(d, un))) {
		d_fail(e, 404, "not_found", NULL, "no user %s", un);
		return NULL;
	}
	return may_manage(by, t->role, e) ? NULL : t;
}

/* The first column of sql's row for key, as text, into out: 1 when
 * there is a row, else 0. */
static int
one_row(struct desk *d, const char *sql, const char *key, char *out,
    size_t n)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		snprintf(out, n, "%s", sqlite3_column_text(st, 0) ?
		    (const char *)sqlite3_column_text(st, 0) : "");
	}
	sqlite3_finalize(st);
	return found;
}

static int
is_disabled(struct desk *d, const char *un)
{
	char v[8] = "";

	return one_row(d, "SELECT disabled FROM user WHERE username = ?", un,
	    v, sizeof v) && strcmp(v, "1") == 0;
}

/* POST users/U/disable, `user DB disable U`: the account can no longer
 * log in and its sessions end now. The ro account is never disabled
 * (§6.2: nobody can lock the RO out). */
int
d_acct_user_disable(struct desk *d, const struct d_user *by,
    const char *ip, const json_t *body, json_t **answer, struct d_err *e)
{
	static const char *const keys[] = { "username", NULL };
	struct d_user *t;
	int outer, ok;

	if (no_powers(by, e))
		return -1;
	if (!(t = target(d, by, body, keys, e)))
		return -1;
	if (strcmp(t->role, "ro") == 0)
		return d_fail(e, 409, "invariant", "§6.2", "§6.2: the ro"
		    " account is never disabled");
	if (is_disabled(d, t->username))
		return d_fail(e, 409, "invariant", NULL, "%s is disabled"
		    " already", t->username);
	if (book_writable(d, e) || tx_begin(d, &outer, e))
		return -1;
	ok = exec1(d, "INSERT INTO user(username, disabled) VALUES(?1, 1) ON"
	    " CONFLICT(username) DO UPDATE SET disabled = 1", t->username,
	    NULL) == 0 && end_sessions(d, t->username) == 0;
	if (tx_end(d, outer, ok, "user.disable", by, ip, json_pack("{s:s}",
	    "username", t->username), e))
		return -1;
	*answer = json_pack("{s:I}", "event", (json_int_t)d->seq);
	return 0;
}

/* POST users/U/password, `user DB password U [PASSWORD]`: a new
 * password, generated (shown once, to be changed at the next login) or
 * given (must_change_password as given, default false); the account's
 * sessions end. */
int
d_acct_user_password(struct desk *d, const struct d_user *by,
    const char *ip, const json_t *body, json_t **answer, struct d_err *e)
{
	static const char *const keys[] = { "username", "password",
		"must_change_password", NULL };
	const json_t *mcj = json_object_get(body, "must_change_password");
	const char *pw = NULL;
	char gen[128] = "", hash[128], mc[4], un[40];
	struct d_user *t;
	int outer, ok;

	if (no_powers(by, e) || !(t = target(d, by, body, keys, e)) ||
	    d_get_str(body, "password", 0, 1024, &pw, e) < 0)
		return -1;
	if (mcj && !json_is_boolean(mcj))
		return d_fail(e, 400, "bad_request", NULL,
		    "must_change_password is true or false");
	if (pw && strlen(pw) < 12)
		return d_fail(e, 400, "bad_request", "§6.2",
		    "a password has at least 12 characters");
	if (book_writable(d, e))
		return -1;
	snprintf(un, sizeof un, "%s", t->username);
	if (!pw)
		d_words(gen, sizeof gen);
	snprintf(mc, sizeof mc, "%d", mcj ? json_is_true(mcj) : !pw);
	if (d_pw_hash(pw ? pw : gen, t->role, hash))
		return d_fail(e, 503, "read_only", NULL, "cannot hash");
	if (book_writable(d, e) || tx_begin(d, &outer, e))
		return -1;
	ok = exec1(d, "INSERT INTO user(username, pw_hash) VALUES(?1, ?2) ON"
	    " CONFLICT(username) DO UPDATE SET pw_hash = excluded.pw_hash", un,
	    hash) == 0 && exec1(d, "UPDATE user SET must_change = ?2 WHERE"
	    " username = ?1", un, mc) == 0 && end_sessions(d, un) == 0;
	if (tx_end(d, outer, ok, "user.password", by, ip, json_pack("{s:s}",
	    "username", un), e))
		return -1;
	*answer = json_pack("{s:I, s:s*}", "event", (json_int_t)d->seq,
	    "password", gen[0] ? gen : NULL);
	sodium_memzero(gen, sizeof gen);
	return 0;
}

/* devices[]'s roles as the device table keeps them (space-separated);
 * 0, or -1 with e; may by enrol a device for them? */
static int
device_roles(const struct d_user *by, const json_t *r, char *out, size_t n,
    struct d_err *e)
{
	size_t i;
	json_t *x;

	out[0] = 0;
	if (!json_is_array(r) || !json_array_size(r))
		return d_fail(e, 400, "bad_request", "§8", "roles: a list of"
		    " the roles the device may host");
	json_array_foreach(r, i, x) {
		const char *s = json_string_value(x);

		if (!in_list(all_roles, s) || strlen(out) + strlen(s) + 2 > n)
			return d_fail(e, 400, "bad_request", "§8", "no role"
			    " %s", s ? s : "(not a string)");
		if (may_manage(by, s, e))
			return -1;
		snprintf(out + strlen(out), n - strlen(out), "%s%s",
		    i ? " " : "", s);
	}
	return 0;
}

static int
device_known(struct desk *d, const char *name, char *roles, size_t n)
{
	return one_row(d, "SELECT roles FROM device WHERE name = ?", name,
	    roles, n);
}

/* POST devices {"name", "roles"}, `device DB add NAME ROLE...`: a
 * 256-bit token, generated, stored hashed; the answer {"event",
 * "token"} shows it once. */
int
d_acct_device_add(struct desk *d, const struct d_user *by, const char *ip,
    const json_t *body, json_t **answer, struct d_err *e)
{
	static const char *const keys[] = { "name", "roles", NULL };
	unsigned char raw[32];
	char tok[65], th[65], roles[400], old[400];
	const char *name;
	int outer, ok;

	if (no_powers(by, e))
		return -1;
	if (d_body_keys(body, keys, e) ||
	    d_get_str(body, "name", 1, 64, &name, e) < 0 ||
	    device_roles(by, json_object_get(body, "roles"), roles,
	    sizeof roles, e))
		return -1;
	if (!*name || strchr(name, '/'))
		return d_fail(e, 400, "bad_request", "§8", "a device name has"
		    " 1-64 characters, no /");
	if (device_known(d, name, old, sizeof old))
		return d_fail(e, 409, "invariant", "§6.2", "device %s is"
		    " enrolled already", name);
	if (book_writable(d, e) || tx_begin(d, &outer, e))
		return -1;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(tok, sizeof tok, raw, sizeof raw);
	d_token_hash(tok, th);
	ok = exec1(d, "INSERT INTO device VALUES(?1, ?2, '')", name, th) == 0
	    && exec1(d, "UPDATE device SET roles = ?2 WHERE name = ?1", name,
	    roles) == 0;
	if (tx_end(d, outer, ok, "device.add", by, ip, json_pack("{s:s,"
	    " s:s}", "name", name, "roles", roles), e))
		return -1;
	*answer = json_pack("{s:I, s:s}", "event", (json_int_t)d->seq,
	    "token", tok);
	sodium_memzero(tok, sizeof tok);
	return 0;
}

/* POST devices/NAME/revoke, `device DB revoke NAME`: the device is
 * gone and its sessions end now (§6.2). */
int
d_acct_device_revoke(struct desk *d, const struct d_user *by,
    const char *ip, const json_t *body, json_t **answer, struct d_err *e)
{
	static const char *const keys[] = { "name", NULL };
	char roles[400], *save = NULL, *r;
	const char *name;
	int outer, ok;

	if (no_powers(by, e))
		return -1;
	if (d_body_keys(body, keys, e) ||
	    d_get_str(body, "name", 1, 64, &name, e) < 0)
		return -1;
	if (!device_known(d, name, roles, sizeof roles))
		return d_fail(e, 404, "not_found", NULL, "no device %s", name);
	for (r = strtok_r(roles, " ", &save); r; r = strtok_r(NULL, " ",
	    &save))
		if (may_manage(by, r, e))
			return -1;
	if (book_writable(d, e) || d_db_session_device(d) ||
	    tx_begin(d, &outer, e))
		return -1;
	ok = exec1(d, "DELETE FROM session WHERE token_hash IN (SELECT"
	    " token_hash FROM session_device WHERE device = ?1)", name,
	    NULL) == 0 && exec1(d, "DELETE FROM device WHERE name = ?1", name,
	    NULL) == 0;
	if (tx_end(d, outer, ok, "device.revoke", by, ip, json_pack("{s:s}",
	    "name", name), e))
		return -1;
	*answer = json_pack("{s:I}", "event", (json_int_t)d->seq);
	return 0;
}

/* A logged event of the accounts, replayed (§10: user.* and device.*
 * also change the configuration): user.add adds to the model; with
 * store (import) user.disable is kept in the user table too (an
 * imported book has no passwords nor tokens: `user DB password` and
 * `device DB add` give them). 0, or -1 with err. */
int
d_acct_replay(struct desk *d, const json_t *ev, int store, char *err,
    size_t n)
{
	const char *act = json_string_value(json_object_get(ev, "action"));
	const json_t *data = json_object_get(ev, "data");
	const char *un = json_string_value(json_object_get(data,
	    "username"));

	if (!act || strncmp(act, "user.", 5) != 0)
		return 0;
	if (!un) {
		snprintf(err, n, "%s: no username", act);
		return -1;
	}
	if (strcmp(act, "user.add") == 0) {
		if (d_user_find(d, un)) {
			snprintf(err, n, "user.add: username %s is taken", un);
			return -1;
		}
		if (d_acct_model_add(d, data)) {
			snprintf(err, n, "user.add %s: out of memory", un);
			return -1;
		}
	}
	if (store && strcmp(act, "user.disable") == 0 && exec1(d, "INSERT"
	    " INTO user(username, disabled) VALUES(?1, 1) ON"
	    " CONFLICT(username) DO UPDATE SET disabled = 1", un, NULL)) {
		snprintf(err, n, "user.disable %s: cannot write", un);
		return -1;
	}
	return 0;
}

/* path's NAME between prefix and suffix, in body's copy as key. */
static d_acct_fn
named(const char *path, const char *prefix, const char *suffix,
    const char *key, const json_t *body, json_t **out, d_acct_fn fn)
{
	size_t np = strlen(prefix), ns = strlen(suffix), n = strlen(path);
	char name[80];

	if (n <= np + ns || strncmp(path, prefix, np) != 0 ||
	    strcmp(path + n - ns, suffix) != 0 || n - np - ns >= sizeof name)
		return NULL;
	memcpy(name, path + np, n - np - ns);
	name[n - np - ns] = 0;
	/* the path names it: the body may not (§9.4's bodies are {}) */
	if (!json_is_object(body) || json_object_get(body, key))
		*out = json_pack("{s:s, s:b}", key, name,
		    "(the path names it)", 1);
	else {
		*out = json_deep_copy(body);
		json_object_set_new(*out, key, json_string(name));
	}
	return fn;
}

d_acct_fn
d_acct_route(const char *path, const json_t *body, json_t **body_out)
{
	d_acct_fn fn;

	*body_out = NULL;
	if (strcmp(path, "users") == 0 || strcmp(path, "devices") == 0) {
		*body_out = json_deep_copy(body);
		return path[0] == 'u' ? d_acct_user_add : d_acct_device_add;
	}
	if ((fn = named(path, "users/", "/disable", "username", body,
	    body_out, d_acct_user_disable)) ||
	    (fn = named(path, "users/", "/password", "username", body,
	    body_out, d_acct_user_password)) ||
	    (fn = named(path, "devices/", "/revoke", "name", body, body_out,
	    d_acct_device_revoke)))
		return fn;
	return NULL;
}
