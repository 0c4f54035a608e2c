/* SPDX-License-Identifier: MIT */
/* ledger.c -- one entry, one transaction: the event line with its hash
 * link and the idempotency row, committed before anyone is told (§4.2);
 * and the replay of a sealed line (load, import, verify). */
#include "desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const members[] = {
	"action", "at", "backfilled", "contest", "data", "device", "entry",
	"hash", "idem", "ip", "paper_time", "prev", "reason_code",
	"reason_text", "role", "seq", "states", "supersedes", "user",
	"warnings", NULL
};

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The event line of an entry, without seq, prev and hash. */
json_t *
d_event_line(struct desk *d, const struct d_req *rq, const struct d_out *out,
    const char *idem, json_t *states)
{
	json_t *ev = json_object();
	const char *pt;

	json_object_set_new(ev, "action", json_string(rq->action));
	json_object_set_new(ev, "at", json_string(rq->at));
	pt = rq->paper_time;
	if (!pt && json_is_string(json_object_get(rq->body, "paper_time")))
		pt = json_string_value(json_object_get(rq->body, "paper_time"));
	json_object_set_new(ev, "backfilled", json_boolean(pt != NULL));
	json_object_set_new(ev, "contest", rq->contest >= 0 ?
	    json_string(d->cs[rq->contest].id) : json_null());
	json_object_set(ev, "data", out->data);
	json_object_set_new(ev, "device", jstr(rq->device));
	json_object_set_new(ev, "entry", json_integer(rq->entry));
	json_object_set_new(ev, "idem", jstr(idem));
	json_object_set_new(ev, "ip", jstr(rq->ip));
	json_object_set_new(ev, "paper_time", jstr(pt));
	json_object_set_new(ev, "reason_code", jstr(out->reason_code));
	json_object_set_new(ev, "reason_text", jstr(out->reason_text));
	json_object_set_new(ev, "role", jstr(rq->user ? rq->user->role :
	    NULL));
	json_object_set_new(ev, "states", states);
	json_object_set_new(ev, "supersedes", out->supersedes ?
	    json_integer(out->supersedes) : json_null());
	json_object_set_new(ev, "user", jstr(rq->user ? rq->user->username :
	    NULL));
	if (out->warnings)
		json_object_set(ev, "warnings", out->warnings);
	else
		json_object_set_new(ev, "warnings", json_array());
	return ev;
}

/* Add seq, prev and hash to ev (the next event of the book); *line is
 * the canonical line (caller frees). */
int
d_seal(struct desk *d, json_t *ev, char **line, char hash[65])
{
	char *payload = d_canon(ev);

	if (!payload)
		return -1;
	d_hash_hex(d->last_hash, d->seq + 1, payload, hash);
	free(payload);
	snprintf(d->seal_at, sizeof d->seal_at, "%s",
	    json_string_value(json_object_get(ev, "at")) ?
	    json_string_value(json_object_get(ev, "at")) : "");
	json_object_set_new(ev, "seq", json_integer(d->seq + 1));
	json_object_set_new(ev, "prev", json_string(d->last_hash));
	json_object_set_new(ev, "hash", json_string(hash));
	*line = d_canon(ev);
	return *line ? 0 : -1;
}

static int
step(sqlite3 *db, const char *sql, const char *const *t, const long long *i)
{
	sqlite3_stmt *st;
	int rc, k = 1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	for (; t && *t; t++)
		sqlite3_bind_text(st, k++, *t, -1, SQLITE_STATIC);
	for (int j = 0; i && j < 2; j++)
		if (i[j] >= 0)
			sqlite3_bind_int64(st, k++, i[j]);
		else
			sqlite3_bind_null(st, k++);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* One transaction: the event, and the idempotency row if any. Returns
 * 0, or the SQLite error (SQLITE_FULL: disk full). */
int
d_commit(struct desk *d, const char *line, long long seq, long long entry,
    const char *action, const char *hash, const char *idem_user,
    const char *idem_key, const char *body_sha, const char *response)
{
	const char *t1[] = { action, line, hash, NULL };
	const char *t2[] = { idem_user, idem_key, body_sha, response, NULL };
	long long n1[2] = { seq, entry > 0 ? entry : -1 };
	/* Inside import's one transaction: no transaction of its own. */
	int outer = !sqlite3_get_autocommit(d->db), rc = SQLITE_OK;

	if (!outer)
		rc = sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = step(d->db, "INSERT INTO event(action, line, hash, seq, entry)"
	    " VALUES(?, ?, ?, ?, ?)", t1, n1);
	if (rc == SQLITE_OK && d->keyed) {
		const char *t3[] = { action, line, NULL };
		long long n3[2] = { seq, -2 };

		rc = step(d->db, "INSERT INTO event_key VALUES(?3, ?1,"
		    " ?2 ->> 'contest', ?2 ->> 'supersedes')", t3, n3);
	}
	if (rc == SQLITE_OK && idem_key) {
		long long n2[2] = { entry, -2 };
		sqlite3_stmt *st;

		(void)n2;
		rc = sqlite3_prepare_v2(d->db, "INSERT INTO idem"
		    " VALUES(?, ?, ?, ?, ?)", -1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, t2[0], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, t2[1], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, t2[2], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, entry);
			sqlite3_bind_text(st, 5, t2[3], -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
	}
	if (rc == SQLITE_OK && !outer)
		rc = sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int ec = sqlite3_extended_errcode(d->db);

		if (!outer)
			sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
		return (ec & 0xff) ? (ec & 0xff) : rc;
	}
	d->seq = seq;
	snprintf(d->last_hash, sizeof d->last_hash, "%s", hash);
	memcpy(d->last_at, d->seal_at, sizeof d->last_at);
	return 0;
}

/* An event that is not an entry (login, refusal, start, stop ...). */
int
d_log_event(struct desk *d, const char *action, const char *user,
    const char *role, const char *ip, json_t *data)
{
	json_t *ev = json_object();
	char at[40], hash[65], *line = NULL;
	int rc;

	if (d->read_only) {
		/* nothing is appended to a book that cannot be written */
		json_decref(ev);
		json_decref(data);
		return 0;
	}
	d_now(at, sizeof at);
	if (strcmp(action, "clock.warning") != 0 &&
	    (rc = d_clock_check(d, at)) != 0) {
		json_decref(ev);
		json_decref(data);
		return rc;
	}
	json_object_set_new(ev, "action", json_string(action));
	json_object_set_new(ev, "at", json_string(at));
	json_object_set_new(ev, "backfilled", json_false());
	json_object_set_new(ev, "contest", json_null());
	json_object_set_new(ev, "data", data ? data : json_object());
	json_object_set_new(ev, "device", json_null());
	json_object_set_new(ev, "entry", json_null());
	json_object_set_new(ev, "idem", json_null());
	json_object_set_new(ev, "ip", jstr(ip));
	json_object_set_new(ev, "paper_time", json_null());
	json_object_set_new(ev, "reason_code", json_null());
	json_object_set_new(ev, "reason_text", json_null());
	json_object_set_new(ev, "role", jstr(role));
	json_object_set_new(ev, "states", json_object());
	json_object_set_new(ev, "supersedes", json_null());
	json_object_set_new(ev, "user", jstr(user));
	json_object_set_new(ev, "warnings", json_array());
	rc = d_seal(d, ev, &line, hash);
	if (rc == 0)
		rc = d_commit(d, line, d->seq + 1, 0, action, hash, NULL, NULL,
		    NULL, NULL);
	free(line);
	json_decref(ev);
	return rc;
}

int
d_clock_check(struct desk *d, const char *at)
{
	if (d->last_at[0] == '\0' || strcmp(at, d->last_at) >= 0)
		return 0;
	return d_log_event(d, "clock.warning", NULL, NULL, NULL,
	    json_pack("{s:s, s:s}", "last_at", d->last_at, "now", at));
}

static int
check_members(const json_t *ev, char *err, size_t n)
{
	size_t k = 0;

	for (int i = 0; members[i]; i++, k++)
		if (!json_object_get(ev, members[i])) {
			snprintf(err, n, "member \"%s\" missing", members[i]);
			return -1;
		}
	if (json_object_size(ev) != k) {
		snprintf(err, n, "a member too many");
		return -1;
	}
	return 0;
}

/* ev's hash recomputed from the previous one and its payload, and its
 * line canonical: 0, or -1 with err. */
static int
check_hash(struct desk *d, json_t *ev, const char *raw, char *err, size_t n)
{
	json_t *c = json_deep_copy(ev);
	const char *hash = json_string_value(json_object_get(ev, "hash"));
	char h[65], *payload, *canon = d_canon(ev);
	int bad = 0;

	json_object_del(c, "seq");
	json_object_del(c, "prev");
	json_object_del(c, "hash");
	payload = d_canon(c);
	d_hash_hex(d->last_hash, d->seq + 1, payload ? payload : "", h);
	if (!payload || strcmp(h, hash) != 0)
		snprintf(err, n, "chain broken: hash differs"), bad = 1;
	else if (raw && (!canon || strcmp(canon, raw) != 0))
		snprintf(err, n, "line not canonical"), bad = 1;
	free(payload);
	free(canon);
	json_decref(c);
	return bad ? -1 : 0;
}

/* ev is the next event: its seq, its prev, and (past d->trusted, the
 * events a check already walked) its hash. */
static int
check_chain(struct desk *d, json_t *ev, const char *raw, char *err, size_t n)
{
	const char *prev = json_string_value(json_object_get(ev, "prev"));
	const char *hash = json_string_value(json_object_get(ev, "hash"));
	json_t *seq = json_object_get(ev, "seq");

	if (!json_is_integer(seq) || json_integer_value(seq) != d->seq + 1)
		snprintf(err, n, "seq %lld expected", d->seq + 1);
	else if (!prev || strcmp(prev, d->last_hash) != 0)
		snprintf(err, n, "chain broken: prev differs");
	else if (!d_hex_ok(hash, 64))
		snprintf(err, n, "chain broken: bad hash");
	else if (d->seq + 1 <= d->trusted)
		return 0;	/* its hash is the next one's prev */
	else
		return check_hash(d, ev, raw, err, n);
	return -1;
}

static int
replay_entry(struct desk *d, json_t *ev, struct d_out *out, char *err,
    size_t n)
{
	const char *act = json_string_value(json_object_get(ev, "action"));
	const char *cid = json_string_value(json_object_get(ev, "contest"));
	const char *un = json_string_value(json_object_get(ev, "user"));
	const struct d_action *a = act ? d_action_find(act) : NULL;
	json_t *ent = json_object_get(ev, "entry");
	struct d_req rq;
	struct d_err e;
	json_t *st;
	char *x, *y;
	int bad = 0;

	memset(&rq, 0, sizeof rq);
	memset(&e, 0, sizeof e);
	if (!a) {
		snprintf(err, n, "unknown action");
		return -1;
	}
	if (!json_is_integer(ent) || json_integer_value(ent) !=
	    d->entries + 1) {
		snprintf(err, n, "entry %lld expected", d->entries + 1);
		return -1;
	}
	rq.action = a->name;
	rq.contest = cid ? d_contest_find(d, cid) : -1;
	rq.user = un ? d_user_find(d, un) : NULL;
	rq.at = json_string_value(json_object_get(ev, "at"));
	rq.device = json_string_value(json_object_get(ev, "device"));
	rq.ip = json_string_value(json_object_get(ev, "ip"));
	rq.replay = 1;
	rq.reauth_ok = 1;	/* session checks are not replayed (§10) */
	rq.entry = d->entries + 1;
	rq.body = json_deep_copy(json_object_get(ev, "data"));
	/* The number in the path (rounds/R/close, entries/N/withdrawal)
	 * is kept in data. */
	if (strchr(a->path, '#'))
		rq.sub = (int)json_integer_value(json_object_get(rq.body,
		    strncmp(a->path, "rounds", 6) == 0 ? "round" : "entry"));
	for (int i = 0; a->assigned && a->assigned[i]; i++)
		json_object_del(rq.body, a->assigned[i]);
	if ((cid && rq.contest < 0) || !rq.user || !rq.at) {
		json_decref(rq.body);
		snprintf(err, n, "entry %lld (%s): unknown contest or user",
		    rq.entry, act);
		return -1;
	}
	/* A correction (§3.5): a line of the original's action that
	 * supersedes it. */
	if (json_is_integer(json_object_get(ev, "supersedes")) &&
	    a->fn != a_withdraw ? d_correct(d, &rq, json_integer_value(
	    json_object_get(ev, "supersedes")), json_string_value(
	    json_object_get(ev, "reason_code")), json_string_value(
	    json_object_get(ev, "reason_text")), out, &e) :
	    d_exec(d, &rq, out, &e)) {
		json_decref(rq.body);
		snprintf(err, n, "entry %lld (%s): %s", rq.entry, act, e.msg);
		return -1;
	}
	json_decref(rq.body);
	x = d_canon(out->data);
	y = d_canon(json_object_get(ev, "data"));
	if (!x || !y || strcmp(x, y) != 0)
		snprintf(err, n, "entry %lld (%s): replay differs: data",
		    rq.entry, act), bad = 1;
	free(x);
	free(y);
	st = d_states(d, out);
	x = d_canon(st);
	y = d_canon(json_object_get(ev, "states"));
	if (!bad && (!x || !y || strcmp(x, y) != 0))
		snprintf(err, n, "entry %lld (%s): replay differs: states",
		    rq.entry, act), bad = 1;
	free(x);
	free(y);
	json_decref(st);
	return bad ? -1 : 0;
}

/* The envelope an entry answered with (§9.1). */
static char *
envelope(const json_t *ev, const json_t *answer)
{
	json_t *o = json_pack("{s:O, s:O, s:O, s:{s:O, s:O}, s:O, s:O}",
	    "entry", json_object_get(ev, "entry"),
	    "action", json_object_get(ev, "action"),
	    "at", json_object_get(ev, "at"),
	    "checkpoint", "seq", json_object_get(ev, "seq"),
	    "hash", json_object_get(ev, "hash"),
	    "states", json_object_get(ev, "states"),
	    "warnings", json_object_get(ev, "warnings"));
	char *s;

	if (answer)
		json_object_update(o, (json_t *)answer);
	s = d_canon(o);
	json_decref(o);
	return s;
}

char *
d_envelope(const json_t *ev, const json_t *answer)
{
	return envelope(ev, answer);
}

/* Check one sealed line and apply it; with store, also write it to the
 * book (import). Errors go to err without the line number. */
int
d_replay_line(struct desk *d, json_t *ev, int store, const char *raw,
    char *err, size_t n)
{
	struct d_out out;
	const char *hash, *at;
	int rc = 0;

	memset(&out, 0, sizeof out);
	if (check_members(ev, err, n) || check_chain(d, ev, raw, err, n))
		return -1;
	if (!json_is_null(json_object_get(ev, "entry")) &&
	    replay_entry(d, ev, &out, err, n)) {
		d_out_clear(&out);
		return -1;
	}
	/* §10: user.* events also change the configuration */
	if (json_is_null(json_object_get(ev, "entry")) &&
	    d_acct_replay(d, ev, store, err, n))
		return -1;
	hash = json_string_value(json_object_get(ev, "hash"));
	if (store) {
		const char *u = json_string_value(json_object_get(ev, "user"));
		const char *k = json_string_value(json_object_get(ev, "idem"));
		json_t *ent = json_object_get(ev, "entry");
		char *resp = json_is_integer(ent) ? envelope(ev, out.answer) :
		    NULL;
		char *ds = json_is_integer(ent) ?
		    d_canon(json_object_get(ev, "data")) : NULL;
		char sha[65] = "";

		if (ds) {
			d_hash_hex(d->genesis, 0, ds, sha);
			free(ds);
		}
		rc = d_commit(d, raw, d->seq + 1, json_is_integer(ent) ?
		    json_integer_value(ent) : 0,
		    json_string_value(json_object_get(ev, "action")), hash,
		    u, (resp && u && k) ? k : NULL, sha, resp);
		free(resp);
		if (rc) {
			snprintf(err, n, "cannot write: %s",
			    sqlite3_errstr(rc));
			d_out_clear(&out);
			return -1;
		}
	}
	d->seq = json_integer_value(json_object_get(ev, "seq"));
	if (!json_is_null(json_object_get(ev, "entry")))
		d->entries++;
	snprintf(d->last_hash, sizeof d->last_hash, "%s", hash);
	at = json_string_value(json_object_get(ev, "at"));
	snprintf(d->last_at, sizeof d->last_at, "%s", at ? at : "");
	d_sheetix_note(d, ev);
	d_out_clear(&out);
	return rc;
}
