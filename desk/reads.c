/* SPDX-License-Identifier: MIT */
/* reads.c -- the API's reads (§9.3, §9.5), as §3.4 allows. */
#include "desk.h"

#include <stdlib.h>
#include <string.h>

static int
give(struct d_http *h, int status, json_t *o)
{
	h->status = status;
	h->resp = d_canon(o);
	json_decref(o);
	return 0;
}

static int
nf(struct d_http *h, const char *msg)
{
	return give(h, 404, json_pack("{s:{s:s, s:s}}", "error", "code",
	    "not_found", "message", msg));
}

static int
forbidden(struct d_http *h)
{
	return give(h, 403, json_pack("{s:{s:s, s:s, s:{s:s}}}", "error",
	    "code", "forbidden", "message", "§3.4: not for this role",
	    "details", "why", "role"));
}

static json_t *
checkpoint_of(struct desk *d, int entry)
{
	sqlite3_stmt *st;
	json_t *o = json_null();

	if (sqlite3_prepare_v2(d->db, "SELECT seq, hash FROM event WHERE"
	    " entry = ?", -1, &st, NULL) != SQLITE_OK)
		return o;
	sqlite3_bind_int(st, 1, entry);
	if (sqlite3_step(st) == SQLITE_ROW)
		o = json_pack("{s:I, s:s}", "seq",
		    (json_int_t)sqlite3_column_int64(st, 0), "hash",
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return o;
}

static json_t *
event_at(struct desk *d, int entry)
{
	sqlite3_stmt *st;
	json_t *o = json_null();

	if (sqlite3_prepare_v2(d->db, "SELECT line ->> 'at' FROM event WHERE"
	    " entry = ?", -1, &st, NULL) != SQLITE_OK)
		return o;
	sqlite3_bind_int(st, 1, entry);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		o = json_string((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return o;
}

static json_t *
decl_public(struct desk *d, int c)
{
	const struct d_contest *k = &d->cs[c];
	json_t *o = json_deep_copy(k->decl);

	json_object_set_new(o, "checkpoint", checkpoint_of(d, k->decl_entry));
	if (k->has_electorate) {
		long long papers = json_integer_value(json_object_get(o,
		    "papers"));
		long long bp = k->electorate ? (papers * 100000 /
		    k->electorate + 5) / 10 : 0;
		char t[32];

		snprintf(t, sizeof t, "%lld.%02lld", bp / 100, bp % 100);
		json_object_set_new(o, "electorate",
		    json_integer(k->electorate));
		json_object_set_new(o, "turnout", json_string(t));
	}
	return o;
}

static void
public_results(struct desk *d, struct d_http *h, const char *cid)
{
	json_t *cs;

	h->nocache = 2;
	if (cid) {
		int c = d_contest_find(d, cid);

		if (c < 0 || d->cs[c].state < S_DECLARED) {
			nf(h, "no declared result for this contest");
			return;
		}
		give(h, 200, decl_public(d, c));
		return;
	}
	cs = json_array();
	for (int c = 0; c < d->ncs; c++)
		if (d->cs[c].state >= S_DECLARED)
			json_array_append_new(cs, decl_public(d, c));
	give(h, 200, json_pack("{s:O, s:{s:I, s:s}, s:o}", "election",
	    json_object_get(d->election, "name"), "checkpoint", "seq",
	    (json_int_t)d->seq, "hash", d->last_hash, "contests", cs));
}

static json_t *
contest_obj(struct desk *d, int c)
{
	const struct d_contest *k = &d->cs[c];
	json_t *areas = json_array(), *cands = json_array();
	json_t *rem = json_null(), *el = json_null(), *sc;

	for (int a = 0; a < k->nareas; a++)
		json_array_append_new(areas, json_pack("{s:s, s:s, s:I}",
		    "id", k->areas[a].id, "name", k->areas[a].name,
		    "verified", (json_int_t)d_verified_area(d, c, a)));
	for (int p = 0; p < k->ncands; p++) {
		const struct d_cand *x = &k->cands[p];
		char name[512], cn[512];

		snprintf(name, sizeof name, "%s %s", x->forenames, x->surname);
		snprintf(cn, sizeof cn, "%s %s", x->cfore ? x->cfore :
		    x->forenames, x->csur ? x->csur : x->surname);
		json_array_append_new(cands, json_pack("{s:i, s:s, s:s, s:s,"
		    " s:s?, s:s?}", "position", x->pos, "name", name,
		    "surname", x->surname, "forenames", x->forenames,
		    "common_name", (x->csur || x->cfore) ? cn : NULL,
		    "description", x->desc));
	}
	if (strcmp(k->kind, "sv") == 0 && k->state >= S_STAGE1_DONE &&
	    !k->majority) {
		rem = json_array();
		el = json_array();
		for (int p = 0; p < k->ncands; p++) {
			if (k->remaining[p])
				json_array_append_new(rem, json_integer(p + 1));
			if (k->eliminated[p])
				json_array_append_new(el, json_integer(p + 1));
		}
	}
	sc = json_array();
	for (int st = 1; st <= 2; st++)
		if (k->stage_closed[st])
			json_array_append_new(sc, json_integer(st));
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:s, s:b, s:i,"
	    " s:o, s:o, s:o, s:o, s:o, s:o}", "id", k->id, "name", k->name,
	    "kind", k->kind, "seats", k->seats, "regime", k->regime,
	    "bundle_size", k->bundle_size, "state", d_state_name(k->state),
	    "suspended", k->suspended, "round", k->round, "stages_closed",
	    sc, "areas", areas, "candidates", cands, "remaining", rem,
	    "eliminated", el, "released_version", k->released ?
	    json_integer(k->released) : json_null());
}

/* F6 version n (§2.4, §9.3), or NULL when there is none. */
static json_t *
statement(struct desk *d, int c, long long n)
{
	int ent = 0;
	json_t *o = d_statement(d, c, n, &ent);

	if (!o)
		return NULL;
	json_object_set_new(o, "entry", json_integer(ent));
	json_object_set_new(o, "issued_at", event_at(d, ent));
	json_object_set_new(o, "checkpoint", checkpoint_of(d, ent));
	return o;
}

static int
staff_all(const struct d_user *u)
{
	return strcmp(u->role, "ro") == 0 || strcmp(u->role, "dro") == 0 ||
	    strcmp(u->role, "manager") == 0;
}

/* Query parameter "stage" (1 or 2), from the URL's query string. */
static int
stage_param(const struct d_http *h)
{
	return h->q_stage && strcmp(h->q_stage, "2") == 0 ? 2 : 1;
}

/* A query parameter: def when absent, 0 when not a number 1..2^31. */
static long long
qnum(const char *q, long long def)
{
	char *end;
	long long v;

	if (!q)
		return def;
	if (!*q || *q == '-' || *q == '+')
		return 0;
	v = strtoll(q, &end, 10);
	return *end || v < 1 || v > 2147483647LL ? 0 : v;
}

static int
bad_query(struct d_http *h, const char *name)
{
	char m[120];

	snprintf(m, sizeof m, "query parameter %s must be a number from 1",
	    name);
	return give(h, 400, json_pack("{s:{s:s, s:s}}", "error", "code",
	    "bad_request", "message", m));
}

static int
err_out(struct d_http *h, const struct d_err *e)
{
	json_t *err = json_pack("{s:s, s:s}", "code", e->code, "message",
	    e->msg);

	if (e->rule[0])
		json_object_set_new(err, "rule", json_string(e->rule));
	return give(h, e->status, json_pack("{s:o}", "error", err));
}

/* "SELECT what FROM event WHERE" the events of action ?1 in contest ?2,
 * then rest (which may bind ?3): looked up in event_key when the book
 * keeps it (d_db_keys), O(answer); else a scan of every event's JSON. */
static int
prep_of(struct desk *d, sqlite3_stmt **st, const char *what,
    const char *action, const char *cid, const char *rest)
{
	char sql[400];

	snprintf(sql, sizeof sql, "SELECT %s FROM event WHERE %s %s", what,
	    d->keyed ? "seq IN (SELECT seq FROM event_key WHERE action = ?1"
	    " AND contest = ?2)" : "action = ?1 AND line ->> 'contest' = ?2",
	    rest);
	if (sqlite3_prepare_v2(d->db, sql, -1, st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(*st, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 2, cid, -1, SQLITE_STATIC);
	return 0;
}

/* The contest's events of one action, parsed, in book order. */
static json_t *
events_of(struct desk *d, const char *action, const char *cid)
{
	sqlite3_stmt *st;
	json_t *a = json_array();

	if (prep_of(d, &st, "line", action, cid, "ORDER BY seq"))
		return a;
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_loads((const char *)sqlite3_column_text(st,
		    0), 0, NULL);

		if (o)
			json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	return a;
}

/* The entry that supersedes entry n (a withdrawal), or null. */
static json_t *
superseded_by(struct desk *d, long long n)
{
	sqlite3_stmt *st;
	json_t *o = json_null();

	if (sqlite3_prepare_v2(d->db, d->keyed ? "SELECT entry FROM event"
	    " WHERE seq IN (SELECT seq FROM event_key WHERE supersedes = ?)"
	    " ORDER BY seq LIMIT 1" : "SELECT entry FROM event WHERE"
	    " line ->> 'supersedes' = ? ORDER BY seq LIMIT 1", -1, &st,
	    NULL) != SQLITE_OK)
		return o;
	sqlite3_bind_int64(st, 1, n);
	if (sqlite3_step(st) == SQLITE_ROW)
		o = json_integer(sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return o;
}

/* The scope of the round in force at event seq: "first", or the last
 * granted recount's (full when not given). */
static const char *
scope_at(struct desk *d, const char *cid, long long seq)
{
	sqlite3_stmt *st;
	const char *s = "first";

	if (prep_of(d, &st, "coalesce(line ->> '$.data.scope', 'full')",
	    "recount.decide", cid, "AND line ->> '$.data.decision' ="
	    " 'granted' AND seq < ?3 ORDER BY seq DESC LIMIT 1"))
		return s;
	sqlite3_bind_int64(st, 3, seq);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *x = (const char *)sqlite3_column_text(st, 0);

		s = x && strcmp(x, "partial") == 0 ? "partial" : x &&
		    strcmp(x, "bundle_check") == 0 ? "bundle_check" : "full";
	}
	sqlite3_finalize(st);
	return s;
}

/* The round in force at event seq: 1 + the recounts granted before. */
static int
round_at(struct desk *d, const char *cid, long long seq)
{
	sqlite3_stmt *st;
	int r = 1;

	if (prep_of(d, &st, "count(*)", "recount.decide", cid, "AND"
	    " line ->> '$.data.decision' = 'granted' AND seq < ?3"))
		return r;
	sqlite3_bind_int64(st, 3, seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		r += sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return r;
}

static long long
jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* An event as a log line: its data plus entry, at and who. */
static json_t *
log_item(const json_t *ev)
{
	json_t *o = json_deep_copy(json_object_get(ev, "data"));

	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	json_object_set(o, "entry", json_object_get(ev, "entry"));
	json_object_set(o, "at", json_object_get(ev, "at"));
	json_object_set(o, "by", json_object_get(ev, "user"));
	json_object_set(o, "role", json_object_get(ev, "role"));
	return o;
}

static const struct d_bundle *
bundle_of(const struct desk *d, long long entry)
{
	for (int i = 0; i < d->nbs; i++)
		if (d->bs[i].entry == entry)
			return &d->bs[i];
	return NULL;
}

/* Statement form (F11-F13) of round r and stage as issued
 * (stmtver.c): version ?version=N, the latest when absent, with what
 * §9.3 gives a statement (version, issued_at, entry, checkpoint), its
 * differences from the version before and superseded_by. 1 when the
 * answer is given, 0 when none is issued (the caller's to answer). */
static int
issued_read(struct desk *d, struct d_http *h, int c, const char *form,
    int r, int stage)
{
	int n = d_stmt_versions(d, c, form, r, stage), ent = 0;
	long long v = qnum(h->q_version, n);
	json_t *o;

	if (!v && h->q_version)
		return bad_query(h, "version"), 1;
	if (!n && !h->q_version)
		return 0;
	if (!(o = d_stmt(d, c, form, r, stage, v, &ent)))
		return nf(h, "no such version of the statement"), 1;
	json_object_set_new(o, "entry", json_integer(ent));
	json_object_set_new(o, "issued_at", event_at(d, ent));
	json_object_set_new(o, "checkpoint", checkpoint_of(d, ent));
	give(h, 200, o);
	return 1;
}

/* F11: rejected papers of round r by head, worded by libteller. */
static int
rejected_read(struct desk *d, struct d_http *h, int c)
{
	const struct d_contest *k = &d->cs[c];
	long long r = qnum(h->q_round, k->round);
	json_t *o;

	if (!r)
		return h->q_round ? bad_query(h, "round") : nf(h, "no round"
		    " has started");
	if (r > k->round || (r == k->round && !k->stage_closed[1]))
		return nf(h, "F11 is made once stage 1 of the round closes");
	if (issued_read(d, h, c, "F11", (int)r, 1))
		return 0;
	if (!(o = d_f11_figures(d, c, (int)r)))
		return nf(h, "libteller has no heads for this regime");
	return give(h, 200, o);
}

/* F12 of round r (the current when absent) and stage: as issued once
 * the stage closed, else as it stands in the current round. */
static int
reconciliation_read(struct desk *d, struct d_http *h, int c)
{
	const struct d_contest *k = &d->cs[c];
	long long r = qnum(h->q_round, k->round);

	if (!k->round)
		return nf(h, "no round has started");
	if (!r)
		return bad_query(h, "round");
	if (r > k->round)
		return nf(h, "no such round");
	if (issued_read(d, h, c, "F12", (int)r, stage_param(h)))
		return 0;
	if (r != k->round)
		return nf(h, "no F12 was issued for that round and stage");
	return give(h, 200, d_f12_figures(d, c, stage_param(h)));
}

/* F13 (sv, from STAGE1_DONE) of round r, the current when absent. */
static int
stage1_read(struct desk *d, struct d_http *h, int c)
{
	const struct d_contest *k = &d->cs[c];
	long long r = qnum(h->q_round, k->round);
	json_t *o;

	if (!r && h->q_round)
		return bad_query(h, "round");
	if (strcmp(k->kind, "sv") != 0 || r > k->round)
		return nf(h, "no first-count statement");
	if (issued_read(d, h, c, "F13", (int)r, 1))
		return 0;
	if (r != k->round || k->state < S_STAGE1_DONE ||
	    !(o = d_f13_figures(d, c)))
		return nf(h, "no first-count statement");
	return give(h, 200, o);
}

/* A doubtful entry's endorsement (§2.7), null while undecided. */
static json_t *
endorsement(const struct d_bundle *b)
{
	static const char obj[] = " \xe2\x80\x94 rejection objected to";
	char s[80];

	if (!b || !b->decided)
		return json_null();
	if (b->decided == 'v' && !b->rip)
		return json_string("allowed");
	snprintf(s, sizeof s, "%s%s", b->rip ? "rejected in part" :
	    "rejected", b->objected ? obj : "");
	return json_string(s);
}

/* F10: the adjudication log of round r (a supervisor: own tables). */
static int
adjudications_read(struct desk *d, struct d_http *h,
    const struct d_user *u, int c)
{
	const struct d_contest *k = &d->cs[c];
	long long r = qnum(h->q_round, k->round);
	int sup = strcmp(u->role, "supervisor") == 0;
	json_t *raised, *dec, *obj, *log, *ev;
	size_t i, j;

	if (!r)
		return h->q_round ? bad_query(h, "round") : nf(h, "no round"
		    " has started");
	if (r > k->round)
		return nf(h, "no such round");
	raised = events_of(d, "doubtful.raise", k->id);
	dec = events_of(d, "adjudication.decide", k->id);
	obj = events_of(d, "objection.record", k->id);
	log = json_array();
	json_array_foreach(raised, i, ev) {
		const json_t *data = json_object_get(ev, "data");
		long long n = jint(ev, "entry");
		const struct d_bundle *b = bundle_of(d, n);
		json_t *o, *x, *objs;

		if (jint(data, "round") != r || (sup &&
		    !d_user_table_role(u, (int)jint(data, "table"), NULL)))
			continue;
		objs = json_array();
		o = log_item(ev);
		json_object_set_new(o, "doubtful", json_integer(n));
		json_object_set_new(o, "withdrawn", json_boolean(b &&
		    b->withdrawn));
		json_object_set_new(o, "decision", json_null());
		json_object_set_new(o, "endorsement", endorsement(b));
		json_array_foreach(dec, j, x)
			if (jint(json_object_get(x, "data"), "doubtful") == n)
				json_object_set_new(o, "decision",
				    log_item(x));
		json_array_foreach(obj, j, x)
			if (json_is_object(json_object_get(o, "decision")) &&
			    jint(json_object_get(x, "data"), "adjudication") ==
			    jint(json_object_get(o, "decision"), "entry")) {
				json_t *it = log_item(x);

				/* a withdrawn objection stays, marked */
				json_object_set_new(it, "superseded_by",
				    superseded_by(d, jint(x, "entry")));
				json_array_append_new(objs, it);
			}
		json_object_set_new(o, "objections", objs);
		json_array_append_new(log, o);
	}
	json_decref(raised);
	json_decref(dec);
	json_decref(obj);
	return give(h, 200, json_pack("{s:s, s:s, s:I, s:o}", "form", "F10",
	    "contest", k->id, "round", (json_int_t)r, "adjudications", log));
}

/* The sheet's entries by a scan of the contest's events (a model
 * without a sheet index, sheetix.c): into ents. */
static void
sheet_entries_scan(struct desk *d, const struct d_contest *k, long long r,
    long long t, long long s, json_t *ents)
{
	static const char *const acts[] = { "bundle.add", "tally.enter",
		"doubtful.raise", NULL };

	for (int a = 0; acts[a]; a++) {
		json_t *evs = events_of(d, acts[a], k->id), *ev;
		size_t i;

		json_array_foreach(evs, i, ev) {
			const json_t *data = json_object_get(ev, "data");
			json_t *o;

			if (jint(data, "round") != r || jint(data, "table") !=
			    t || (json_object_get(data, "stage") ?
			    jint(data, "stage") : 1) != s)
				continue;
			o = json_pack("{s:O, s:s, s:O, s:O, s:O, s:o}", "entry",
			    json_object_get(ev, "entry"), "action", acts[a],
			    "at", json_object_get(ev, "at"), "by",
			    json_object_get(ev, "user"), "data",
			    json_object_get(ev, "data"), "superseded_by",
			    superseded_by(d, jint(ev, "entry")));
			json_array_append_new(ents, o);
		}
		json_decref(evs);
	}
}

/* give() with the members of the (empty) "entries" array of o spliced
 * in from kept text (sheetix.c): the bytes the array would dump to.
 * Members are sorted and a string's quotes are escaped, so the first
 * "entries":[] is the member's own. */
static int
give_entries(struct d_http *h, json_t *o, const char *members)
{
	static const char key[] = "\"entries\":[]";
	char *s = d_canon(o), *at = s ? strstr(s, key) : NULL, *out;
	size_t pre, n, m;

	json_decref(o);
	if (!at) {
		free(s);
		return give(h, 500, json_pack("{s:{s:s, s:s}}", "error",
		    "code", "internal", "message", "no memory"));
	}
	pre = (size_t)(at - s) + sizeof key - 2;	/* up to the '[' */
	n = strlen(s);
	m = strlen(members);
	if (!(out = malloc(n + m + 1))) {
		free(s);
		return give(h, 500, json_pack("{s:{s:s, s:s}}", "error",
		    "code", "internal", "message", "no memory"));
	}
	memcpy(out, s, pre);
	memcpy(out + pre, members, m);
	memcpy(out + pre + m, s + pre, n - pre + 1);
	free(s);
	h->status = 200;
	h->resp = out;
	return 0;
}

/* The sheet read's refusals (400, 403, 404) for table t of round r,
 * stage s; 1 when it gave one, 0 when the read may go on. */
static int
sheet_refused(struct desk *d, struct d_http *h, const struct d_user *u,
    int c, long long r, long long s, long long t)
{
	int clerk = strcmp(u->role, "clerk") == 0;

	if (!staff_all(u) && ((!clerk && strcmp(u->role, "supervisor")) ||
	    (t && !d_user_table_role(u, (int)t, NULL))))
		return forbidden(h), 1;
	if (!r || !s || s > 2 || !t) {
		/* §9.3: no round yet is "not there yet" */
		if (!r && !h->q_round && s && s <= 2 && t)
			return nf(h, "no round has started"), 1;
		return bad_query(h, !r ? "round" : !t ? "table" : "stage"), 1;
	}
	if (r > d->cs[c].round || !d_table_known(d, t))
		return nf(h, "no such round or table"), 1;
	return 0;
}

/* F9: one table's sheet for a round and stage: its entries (kept by
 * the readers' model, sheetix.c, else a scan of the book), the areas
 * whose sheet is closed, and (not for clerks, §3.4) its totals (kept
 * by the readers' model too, else summed from the model). */
static int
sheets_read(struct desk *d, struct d_http *h, const struct d_user *u,
    int c)
{
	const struct d_contest *k = &d->cs[c];
	long long r = qnum(h->q_round, k->round), s = qnum(h->q_stage, 1);
	long long t = qnum(h->q_table, 0), papers, v[D_MAXC] = { 0 };
	int clerk = strcmp(u->role, "clerk") == 0;
	json_t *ents, *closed, *votes, *o;
	char *kept;

	if (sheet_refused(d, h, u, c, r, s, t))
		return 0;
	ents = json_array();
	closed = json_array();
	if (!(kept = d_sheetix_entries(d, c, r, t, s)))
		sheet_entries_scan(d, k, r, t, s, ents);
	for (int a = 0; a < k->nareas; a++)
		if (d_sheet_closed(d, c, (int)r, a, (int)t, (int)s))
			json_array_append_new(closed,
			    json_string(k->areas[a].id));
	papers = d_sheet_totals(d, c, r, t, s, v);
	votes = clerk ? json_null() : json_array();
	for (int p = 0; !clerk && p < k->ncands; p++)
		json_array_append_new(votes, json_pack("{s:i, s:I}",
		    "position", p + 1, "votes", (json_int_t)v[p]));
	o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:I, s:o}", "form",
	    "F9", "contest", k->id, "round", (json_int_t)r, "stage",
	    (json_int_t)s, "table", (json_int_t)t, "closed", closed,
	    "entries", ents, "papers", (json_int_t)papers, "votes", votes);
	if (kept) {
		int rc = give_entries(h, o, kept);

		free(kept);
		return rc;
	}
	return give(h, 200, o);
}

/* F16's differences: per candidate, version now less version was. */
static json_t *
diff_of(const json_t *nowv, const json_t *wasv)
{
	json_t *a = json_array();
	const json_t *now = json_object_get(nowv, "candidates");
	const json_t *was = json_object_get(wasv, "candidates");

	if (!wasv)
		return a;
	for (size_t i = 0; i < json_array_size(now); i++) {
		const json_t *x = json_array_get(now, i);
		const json_t *y = json_array_get(was, i);
		const char *f = json_object_get(x, "votes") ? "votes" : "total";

		json_array_append_new(a, json_pack("{s:O, s:I}", "position",
		    json_object_get(x, "position"), "difference",
		    (json_int_t)(jint(x, f) - jint(y, f))));
	}
	return a;
}

/* The margin at the seat boundary: the last elected's figure less the
 * next one's (null when every candidate with a figure is elected). */
static json_t *
margin_of(const json_t *res, int seats)
{
	const json_t *cs = json_object_get(res, "candidates");
	long long f[D_MAXC];
	int n = 0;

	for (size_t i = 0; i < json_array_size(cs) && n < D_MAXC; i++) {
		const json_t *x = json_array_get(cs, i);
		const json_t *v = json_object_get(x, "votes") ?
		    json_object_get(x, "votes") : json_object_get(x, "total");

		if (json_is_integer(v))
			f[n++] = json_integer_value(v);
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && f[j] > f[j - 1]; j--) {
			long long t = f[j];

			f[j] = f[j - 1];
			f[j - 1] = t;
		}
	return n > seats && seats > 0 ? json_integer(f[seats - 1] - f[seats]) :
	    json_null();
}

/* The event of entry n, parsed, or NULL. */
static json_t *
entry_event(struct desk *d, long long n)
{
	sqlite3_stmt *st;
	json_t *o = NULL;

	if (sqlite3_prepare_v2(d->db, "SELECT line FROM event WHERE"
	    " entry = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, n);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		o = json_loads((const char *)sqlite3_column_text(st, 0), 0,
		    NULL);
	sqlite3_finalize(st);
	return o;
}

/* A version an RO correction made after release (§3.5), as a release
 * event would give it: the correction's event with data {"version",
 * "provisional", "present": null, "correction": its entry}. */
static json_t *
corr_version(struct desk *d, const json_t *it)
{
	json_t *ev = entry_event(d, json_integer_value(json_object_get(it,
	    "entry")));

	if (!ev)
		return NULL;
	json_object_set_new(ev, "data", json_pack("{s:O, s:O, s:n, s:O}",
	    "version", json_object_get(it, "version"), "provisional",
	    json_object_get(it, "provisional"), "present", "correction",
	    json_object_get(it, "entry")));
	return ev;
}

/* The stored versions, in order: provisional.release events that made
 * one, and the RO's corrections after release that made one. */
static json_t *
versions_of(struct desk *d, const struct d_contest *k)
{
	json_t *evs = events_of(d, "provisional.release", k->id), *a, *ev;
	size_t i, j = 0;

	a = json_array();
	json_array_foreach(evs, i, ev)
		if (json_is_integer(json_object_get(json_object_get(ev,
		    "data"), "version")))
			json_array_append(a, ev);
	json_decref(evs);
	json_array_foreach(k->provcorr, i, ev) {
		json_t *x = corr_version(d, ev);
		long long seq = jint(x, "seq");

		while (j < json_array_size(a) && jint(json_array_get(a, j),
		    "seq") < seq)
			j++;
		if (x)
			json_array_insert_new(a, j, x);
	}
	return a;
}

/* GET verification[?version=N]: the latest F6 by default. */
static int
verification_read(struct desk *d, struct d_http *h, int c)
{
	long long n = qnum(h->q_version, d_f6_versions(d, c));
	json_t *o;

	if (!n && h->q_version)
		return bad_query(h, "version");
	if (!(o = statement(d, c, n)))
		return nf(h, "the statement is not issued");
	return give(h, 200, o);
}

/* F14/F15, version n (latest when absent), from its release entry. */
static int
provisional_read(struct desk *d, struct d_http *h, int c)
{
	const struct d_contest *k = &d->cs[c];
	json_t *vs = versions_of(d, k), *ev, *was, *o, *data;
	long long n = qnum(h->q_version, (long long)json_array_size(vs));
	int r;

	if (!n || (h->q_version && n > (long long)json_array_size(vs))) {
		json_decref(vs);
		if (!n && h->q_version)
			return bad_query(h, "version");
		return nf(h, "no provisional result released");
	}
	ev = json_array_get(vs, (size_t)n - 1);
	data = json_object_get(ev, "data");
	was = n > 1 ? json_object_get(json_object_get(json_array_get(vs,
	    (size_t)n - 2), "data"), "provisional") : NULL;
	o = json_deep_copy(json_object_get(data, "provisional"));
	r = round_at(d, k->id, jint(ev, "seq"));
	json_object_set_new(o, "version", json_integer(n));
	json_object_set_new(o, "round", json_integer(r));
	json_object_set_new(o, "scope", json_string(scope_at(d, k->id,
	    jint(ev, "seq"))));
	json_object_set(o, "released_at", json_object_get(ev, "at"));
	json_object_set_new(o, "checkpoint", json_pack("{s:O, s:O}", "seq",
	    json_object_get(ev, "seq"), "hash", json_object_get(ev, "hash")));
	json_object_set(o, "present", json_object_get(data, "present"));
	json_object_set_new(o, "correction", json_integer_value(
	    json_object_get(data, "correction")) ? json_deep_copy(
	    json_object_get(data, "correction")) : json_null());
	json_object_set_new(o, "margin", margin_of(o, k->seats));
	json_object_set_new(o, "differences", diff_of(json_object_get(data,
	    "provisional"), was));
	json_decref(vs);
	return give(h, 200, o);
}

/* F16: recount requests and decisions, and each version's differences
 * from the one before. */
static int
recounts_read(struct desk *d, struct d_http *h, int c)
{
	const struct d_contest *k = &d->cs[c];
	json_t *req = json_array(), *dec = json_array(), *ver = json_array();
	json_t *vs = versions_of(d, k), *x;
	size_t i;

	json_array_foreach(k->recounts, i, x) {
		json_t *o = json_deep_copy(json_object_get(x, "data"));
		long long n = jint(x, "entry");

		json_object_set_new(o, "entry", json_integer(n));
		json_object_set_new(o, "at", event_at(d, (int)n));
		json_array_append_new(strcmp(json_string_value(json_object_get(
		    x, "kind")), "request") == 0 ? req : dec, o);
	}
	json_array_foreach(vs, i, x) {
		const json_t *p = json_object_get(json_object_get(x, "data"),
		    "provisional");
		const json_t *w = i ? json_object_get(json_object_get(
		    json_array_get(vs, i - 1), "data"), "provisional") : NULL;

		json_array_append_new(ver, json_pack("{s:I, s:O, s:i, s:O,"
		    " s:o}", "version", (json_int_t)i + 1, "entry",
		    json_object_get(x, "entry"), "round", round_at(d, k->id,
		    jint(x, "seq")), "released_at", json_object_get(x, "at"),
		    "differences", diff_of(p, w)));
	}
	json_decref(vs);
	return give(h, 200, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}",
	    "form", "F16", "contest", k->id, "requests", req, "decisions",
	    dec, "pending", k->pending ? json_integer(k->pending) :
	    json_null(), "versions", ver));
}

/* F17: the lots recorded, each with its round. */
static int
lots_read(struct desk *d, struct d_http *h, int c)
{
	const struct d_contest *k = &d->cs[c];
	json_t *evs = events_of(d, "lot.record", k->id), *a = json_array();
	json_t *ev;
	size_t i;

	json_array_foreach(evs, i, ev) {
		json_t *o = log_item(ev);

		json_object_set_new(o, "round", json_integer(round_at(d, k->id,
		    jint(ev, "seq"))));
		json_array_append_new(a, o);
	}
	json_decref(evs);
	return give(h, 200, json_pack("{s:s, s:s, s:o}", "form", "F17",
	    "contest", k->id, "lots", a));
}

/* 1 when u is an agent and c is not the contest of its agent-register
 * entry: an agent reads one contest (§3.1), as observe's read model
 * publishes it (readmodel.c). */
static int
agent_elsewhere(const struct desk *d, const struct d_user *u, int c)
{
	const json_t *a;
	size_t i;

	if (strcmp(u->role, "agent") != 0)
		return 0;
	json_array_foreach(d->agents, i, a)
		if (u->agent && strcmp(json_string_value(json_object_get(a,
		    "id")), u->agent) == 0)
			return strcmp(json_string_value(json_object_get(a,
			    "contest")), d->cs[c].id) != 0;
	return 1;
}

static int
contest_read(struct desk *d, struct d_http *h, const struct d_user *u,
    int c, const char *rest)
{
	const struct d_contest *k = &d->cs[c];
	int agent = strcmp(u->role, "agent") == 0 ||
	    strcmp(u->role, "observer") == 0;
	json_t *o;

	if (agent_elsewhere(d, u, c))
		return give(h, 403, json_pack("{s:{s:s, s:s, s:{s:s}}}",
		    "error", "code", "forbidden", "message", "§3.1: an agent"
		    " reads its own contest", "details", "why", "role"));
	if (!*rest) {
		give(h, 200, contest_obj(d, c));
	} else if (strcmp(rest, "provisional") == 0) {
		if (!staff_all(u) && !agent)
			return forbidden(h);
		return provisional_read(d, h, c);
	} else if (strcmp(rest, "provisional/preview") == 0) {
		struct d_err e;

		if (!staff_all(u))
			return forbidden(h);
		memset(&e, 0, sizeof e);
		if (!(o = d_preview(d, c, &e)))
			return err_out(h, &e);
		give(h, 200, o);
	} else if (strcmp(rest, "rejected") == 0) {
		if (!staff_all(u) && !agent)
			return forbidden(h);
		return rejected_read(d, h, c);
	} else if (strcmp(rest, "adjudications") == 0) {
		if (!staff_all(u) && !agent &&
		    strcmp(u->role, "supervisor") != 0)
			return forbidden(h);
		return adjudications_read(d, h, u, c);
	} else if (strcmp(rest, "sheets") == 0) {
		return sheets_read(d, h, u, c);
	} else if (strcmp(rest, "recounts") == 0) {
		if (!staff_all(u) && !agent)
			return forbidden(h);
		return recounts_read(d, h, c);
	} else if (strcmp(rest, "lots") == 0) {
		if (!staff_all(u) && !agent)
			return forbidden(h);
		return lots_read(d, h, c);
	} else if (strcmp(rest, "declaration") == 0) {
		if (k->state < S_DECLARED)
			return nf(h, "not declared");
		give(h, 200, decl_public(d, c));
	} else if (strcmp(rest, "verification") == 0) {
		if (!staff_all(u) && !agent)
			return forbidden(h);
		return verification_read(d, h, c);
	} else if (strcmp(rest, "boxes") == 0) {
		json_t *a = json_array();

		if (strcmp(u->role, "screen") == 0 ||
		    strcmp(u->role, "auditor") == 0 ||
		    strcmp(u->role, "admin") == 0) {
			json_decref(a);
			return forbidden(h);
		}
		for (int b = 0; b < d->nboxes; b++)
			for (int p = 0; p < d->boxes[b].npolls; p++)
				if (d->boxes[b].polls[p].contest == c &&
				    (!h->q_box || strcmp(h->q_box,
				    d->boxes[b].code) == 0))
					json_array_append_new(a,
					    d_box_view(d, b, p));
		give(h, 200, a);
	} else if (strcmp(rest, "stage1") == 0) {
		if (!staff_all(u) && !agent)
			return forbidden(h);
		return stage1_read(d, h, c);
	} else if (strcmp(rest, "reconciliation") == 0) {
		if (!staff_all(u))
			return forbidden(h);
		return reconciliation_read(d, h, c);
	} else
		nf(h, "no such path");
	return 0;
}

/* S-19's data: progress without candidate figures before the
 * declaration (unless the plan shows released provisional totals). */
static json_t *
board(struct desk *d)
{
	json_t *cs = json_array();

	for (int c = 0; c < d->ncs; c++) {
		const struct d_contest *k = &d->cs[c];
		int exp = 0, rec = 0, ver = 0, open = 0;
		long long vt = d_verified_contest(d, c), papers, pct;
		json_t *res = json_null();

		for (int b = 0; b < d->nboxes; b++)
			for (int p = 0; p < d->boxes[b].npolls; p++)
				if (d->boxes[b].polls[p].contest == c) {
					exp++;
					rec += d->boxes[b].received;
					ver += d->boxes[b].polls[p].decided;
				}
		for (int i = 0; i < d->nbs; i++)
			open += d->bs[i].contest == c && d->bs[i].kind == 'd' &&
			    !d->bs[i].decided && !d->bs[i].withdrawn &&
			    d->bs[i].round == k->round;
		papers = k->round ? d_papers_area(d, c, k->round, -1, 1) : 0;
		pct = vt ? (papers * 1000 / vt + 5) / 10 : 0;
		if (k->state >= S_DECLARED)
			res = decl_public(d, c);
		else if (k->prov && strcmp(k->show, "provisional") == 0)
			res = json_deep_copy(k->prov);
		json_array_append_new(cs, json_pack("{s:s, s:s, s:s, s:b, s:i,"
		    " s:i, s:i, s:I, s:I, s:i, s:b, s:o}", "id", k->id, "name",
		    k->name, "state", d_state_name(k->state), "suspended",
		    k->suspended, "boxes_expected", exp, "boxes_received", rec,
		    "boxes_verified", ver, "papers_to_count", (json_int_t)(
		    k->state >= S_VERIFIED ? vt : 0), "progress_percent",
		    (json_int_t)pct, "doubtful_queue", open, "recount",
		    k->pending != 0, "result", res));
	}
	return json_pack("{s:O, s:{s:I, s:s}, s:o}", "election",
	    json_object_get(d->election, "name"), "checkpoint", "seq",
	    (json_int_t)d->seq, "hash", d->last_hash, "contests", cs);
}

static int
role_is(const struct d_user *u, const char *roles)
{
	char k[24];

	snprintf(k, sizeof k, " %s ", u->role);
	return strstr(roles, k) != NULL;
}

/* The table an entry belongs to (§9.3 "for their tables"): its
 * data's table, else its box's; a withdrawal or correction belongs to
 * the entry it supersedes. 0: none (a contest-wide entry). */
static int
entry_table(struct desk *d, const json_t *line, int depth)
{
	const json_t *data = json_object_get(line, "data");
	const char *box = json_string_value(json_object_get(data, "box"));
	long long sup = jint(line, "supersedes");
	sqlite3_stmt *st;
	int t = 0, b;

	if (json_is_integer(json_object_get(data, "table")))
		return (int)jint(data, "table");
	if (box && (b = d_box_find(d, box)) >= 0)
		return d->boxes[b].table;
	if (sup < 1 || depth > 0 || sqlite3_prepare_v2(d->db, "SELECT line"
	    " FROM event WHERE entry = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, sup);
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_loads((const char *)sqlite3_column_text(st, 0),
		    0, NULL);

		t = o ? entry_table(d, o, depth + 1) : 0;
		json_decref(o);
	}
	sqlite3_finalize(st);
	return t;
}

/* May u read this entry's line? ro, dro, manager, auditor: all; a
 * supervisor: the entries of the tables it supervises; a clerk: those
 * of its tables, but never another's blind figures (§3.3, I20). */
static int
entry_visible(struct desk *d, const struct d_user *u, const json_t *line)
{
	const char *a = json_string_value(json_object_get(line, "action"));
	const char *by = json_string_value(json_object_get(line, "user"));
	char k[40];
	int t;

	if (role_is(u, " ro dro manager auditor "))
		return 1;
	if (!role_is(u, " clerk supervisor ") ||
	    !(t = entry_table(d, line, 0)))
		return 0;
	if (strcmp(u->role, "supervisor") == 0)
		return d_user_table_role(u, t, "supervisor");
	if (!d_user_table_role(u, t, NULL))
		return 0;
	snprintf(k, sizeof k, " %s ", a ? a : "");
	return (by && strcmp(by, u->username) == 0) ||
	    !strstr(" bpa.enter count.enter tally.enter ", k);
}

/* The line of entry n with its superseded_by, or NULL. */
static json_t *
entry_line(struct desk *d, sqlite3_stmt *st)
{
	json_t *o = json_loads((const char *)sqlite3_column_text(st, 0), 0,
	    NULL);

	if (o)
		json_object_set_new(o, "superseded_by", superseded_by(d,
		    jint(o, "entry")));
	return o;
}

/* GET entries/N (§9.3). */
static void
entry_read(struct desk *d, struct d_http *h, const struct d_user *u,
    const char *num)
{
	sqlite3_stmt *st;
	char *end;
	long long n = strtoll(num, &end, 10);
	json_t *o = NULL;

	if (!role_is(u, " ro dro manager auditor clerk supervisor ")) {
		forbidden(h);
		return;
	}
	if (*end || n < 1 || sqlite3_prepare_v2(d->db, "SELECT line FROM"
	    " event WHERE entry = ?", -1, &st, NULL) != SQLITE_OK) {
		nf(h, "no such entry");
		return;
	}
	sqlite3_bind_int64(st, 1, n);
	if (sqlite3_step(st) == SQLITE_ROW)
		o = entry_line(d, st);
	sqlite3_finalize(st);
	if (!o)
		nf(h, "no such entry");
	else if (!entry_visible(d, u, o)) {
		json_decref(o);
		forbidden(h);
	} else
		give(h, 200, o);
}

/* GET entries?from=N&limit=L (§9.3): the entries from number N (default
 * 1) that u may read, in entry order, at most L (1..1000, default
 * 1000), as a JSON array of lines. */
static void
entries_read(struct desk *d, struct d_http *h, const struct d_user *u)
{
	const char *qf = h->query ? h->query(h->qcls, "from") : NULL;
	const char *ql = h->query ? h->query(h->qcls, "limit") : NULL;
	long long from = qnum(qf, 1), lim = qnum(ql, 1000);
	sqlite3_stmt *st;
	json_t *a;

	if (!role_is(u, " ro dro manager auditor clerk supervisor ")) {
		forbidden(h);
		return;
	}
	if (!from || !lim) {
		bad_query(h, !from ? "from" : "limit");
		return;
	}
	if (lim > 1000) {
		give(h, 400, json_pack("{s:{s:s, s:s}}", "error", "code",
		    "bad_request", "message", "query parameter limit must be"
		    " at most 1000"));
		return;
	}
	if (sqlite3_prepare_v2(d->db, "SELECT line FROM event WHERE entry >="
	    " ? ORDER BY entry", -1, &st, NULL) != SQLITE_OK) {
		nf(h, "no such entry");
		return;
	}
	sqlite3_bind_int64(st, 1, from);
	a = json_array();
	while ((long long)json_array_size(a) < lim &&
	    sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = entry_line(d, st);

		if (o && entry_visible(d, u, o))
			json_array_append(a, o);
		json_decref(o);
	}
	sqlite3_finalize(st);
	give(h, 200, a);
}

/* Every contest CLOSED: the auditor's export (§3.1, §9.3). */
static int
all_closed(const struct desk *d)
{
	for (int c = 0; c < d->ncs; c++)
		if (d->cs[c].state < S_CLOSED)
			return 0;
	return d->ncs > 0;
}

/* The journal (§10) as application/x-ndjson; an export.made follows
 * (not a HEAD's). */
static void
export_read(struct desk *d, struct d_http *h, const struct d_user *u)
{
	sqlite3_stmt *st;
	json_t *hd;
	char *line;
	size_t n = 0, cap = 1 << 16;
	char *buf;

	if (!role_is(u, " ro manager admin ") && !(role_is(u, " auditor ")
	    && all_closed(d))) {
		forbidden(h);
		return;
	}
	hd = d_header(d);
	line = d_canon(hd);
	json_decref(hd);
	buf = malloc(cap);
	if (!buf || !line || sqlite3_prepare_v2(d->db, "SELECT line FROM"
	    " event ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
		free(buf);
		free(line);
		nf(h, "cannot read the book");
		return;
	}
	for (int first = 1; buf; first = 0) {
		const char *l = first ? line :
		    (sqlite3_step(st) == SQLITE_ROW ?
		    (const char *)sqlite3_column_text(st, 0) : NULL);
		size_t k;

		if (!l)
			break;
		k = strlen(l);
		while (buf && n + k + 2 > cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
		if (!buf)
			break;
		memcpy(buf + n, l, k);
		n += k;
		buf[n++] = '\n';
		buf[n] = 0;
	}
	sqlite3_finalize(st);
	free(line);
	if (!buf) {
		nf(h, "out of memory");
		return;
	}
	h->status = 200;
	h->resp = buf;
	h->ctype_out = "application/x-ndjson";
	if (!h->head)	/* a HEAD sends no journal: nothing was exported */
		d_log_event(d, "export.made", u->username, u->role, h->ip,
		    NULL);
}

int d_api_read(struct desk *d, struct d_http *h, const struct d_user *u,
    const char *path);
/* html_forms.c: §2.17's printable HTML, for forms/F (§9.3) */
int d_api_form(struct desk *d, struct d_http *h, struct d_user *u,
    const char *id);

int
d_api_read(struct desk *d, struct d_http *h, const struct d_user *u,
    const char *path)
{
	if (strcmp(path, "health") == 0) {
		give(h, 200, json_pack("{s:b, s:b, s:s}", "ok", 1, "read_only",
		    d->read_only, "version", "teller-desk 0.1.0"));
		return 0;
	}
	if (strcmp(path, "public/results") == 0) {
		public_results(d, h, NULL);
		return 0;
	}
	if (strncmp(path, "public/results/", 15) == 0) {
		public_results(d, h, path + 15);
		return 0;
	}
	if (!u) {
		nf(h, "no such path");
		return 0;
	}
	if (strcmp(path, "election") == 0) {
		json_t *cs = json_array();

		for (int c = 0; c < d->ncs; c++)
			json_array_append_new(cs, json_pack("{s:s, s:s, s:s,"
			    " s:i, s:s, s:b}", "id", d->cs[c].id, "name",
			    d->cs[c].name, "kind", d->cs[c].kind, "seats",
			    d->cs[c].seats, "state",
			    d_state_name(d->cs[c].state), "suspended",
			    d->cs[c].suspended));
		give(h, 200, json_pack("{s:O, s:O, s:O, s:o}", "name",
		    json_object_get(d->election, "name"), "poll_date",
		    json_object_get(d->election, "poll_date"),
		    "close_of_poll", json_object_get(d->election,
		    "close_of_poll"), "contests", cs));
		return 0;
	}
	if (strncmp(path, "entries/", 8) == 0) {
		entry_read(d, h, u, path + 8);
		return 0;
	}
	if (strcmp(path, "entries") == 0) {
		entries_read(d, h, u);
		return 0;
	}
	if (strcmp(path, "board") == 0) {
		if (role_is(u, " admin auditor "))
			return forbidden(h);
		return give(h, 200, board(d));
	}
	if (strcmp(path, "export") == 0) {
		export_read(d, h, u);
		return 0;
	}
	if (strncmp(path, "forms/", 6) == 0) {
		int st = d_api_form(d, h, (struct d_user *)u, path + 6);

		if (st == 403)
			return forbidden(h);
		if (st == 400)
			return bad_query(h, "version");
		if (st)
			nf(h, "no such form for this contest, or not made yet");
		return 0;
	}
	if (strncmp(path, "contests/", 9) == 0) {
		const char *s = strchr(path + 9, '/');
		char id[40];
		size_t n = s ? (size_t)(s - path - 9) : strlen(path + 9);
		int c;

		if (n >= sizeof id) {
			nf(h, "no such contest");
			return 0;
		}
		memcpy(id, path + 9, n);
		id[n] = 0;
		if ((c = d_contest_find(d, id)) < 0) {
			nf(h, "no such contest");
			return 0;
		}
		contest_read(d, h, u, c, s ? s + 1 : "");
		return 0;
	}
	nf(h, "no such path");
	return 0;
}
