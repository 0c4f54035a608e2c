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

/* F13: the SV statement after the first count. */
static json_t *
stage1_obj(struct desk *d, int c)
{
	const struct d_contest *k = &d->cs[c];
	struct d_err e;
	json_t *er = d_engine_result(d, c, 0, &e), *res, *rej, *first, *o;
	json_t *rem = json_array(), *el = json_array(), *v;
	long long valid = 0, rt = 0;
	const char *key;

	if (!er)
		return NULL;
	res = json_object_get(er, "result");
	rej = json_array();
	first = json_array();
	json_object_foreach(json_object_get(res, "rejected"), key, v) {
		long long n = strtoll(json_string_value(v), NULL, 10);

		rt += n;
		json_array_append_new(rej, json_pack("{s:s, s:I}", "head", key,
		    "papers", (json_int_t)n));
	}
	for (int p = 1; p <= k->ncands; p++) {
		char name[512];
		long long f = d_first(d, c, k->round, p);

		valid += f;
		snprintf(name, sizeof name, "%s %s", k->cands[p - 1].forenames,
		    k->cands[p - 1].surname);
		json_array_append_new(first, json_pack("{s:i, s:s, s:I}",
		    "position", p, "name", name, "votes", (json_int_t)f));
		if (k->remaining[p - 1])
			json_array_append_new(rem, json_integer(p));
		if (k->eliminated[p - 1])
			json_array_append_new(el, json_integer(p));
	}
	o = json_pack("{s:I, s:o, s:I, s:o, s:o, s:o, s:o}", "papers",
	    (json_int_t)(valid + rt), "rejected", rej, "valid",
	    (json_int_t)valid, "first", first, "majority", k->majority ?
	    json_integer(k->majority) : json_null(), "remaining", rem,
	    "eliminated", el);
	json_decref(er);
	return o;
}

/* F16: per candidate, this version's figure less the one before. */
static json_t *
differences(const struct d_contest *k)
{
	json_t *a = json_array();
	const json_t *now = json_object_get(k->prov, "candidates");
	const json_t *was = json_object_get(k->prev_prov, "candidates");

	if (!k->prev_prov)
		return a;
	for (size_t i = 0; i < json_array_size(now); i++) {
		const json_t *x = json_array_get(now, i);
		const json_t *y = json_array_get(was, i);
		const char *f = json_object_get(x, "votes") ? "votes" : "total";

		json_array_append_new(a, json_pack("{s:O, s:I}", "position",
		    json_object_get(x, "position"), "difference",
		    (json_int_t)(json_integer_value(json_object_get(x, f)) -
		    json_integer_value(json_object_get(y, f)))));
	}
	return a;
}

static json_t *
statement(struct desk *d, int c)
{
	json_t *o = d_statement(d, c);
	json_t *cp = checkpoint_of(d, d->cs[c].f6_entry);

	json_object_set_new(o, "entry", json_integer(d->cs[c].f6_entry));
	json_object_set_new(o, "issued_at", event_at(d, d->cs[c].f6_entry));
	json_object_set_new(o, "checkpoint", cp);
	return o;
}

/* F12: per area, the papers by kind against the verified total. */
static json_t *
reconciliation(struct desk *d, int c, int stage)
{
	const struct d_contest *k = &d->cs[c];
	json_t *areas = json_array(), *cands = json_array();
	char why[200];
	int ok = d_reconciled(d, c, why, sizeof why);

	for (int a = 0; a < k->nareas; a++) {
		long long bu = 0, ad = 0, rj = 0, pd = 0, ts;
		long long v = d_verified_area(d, c, a);

		for (int i = 0; i < d->nbs; i++) {
			const struct d_bundle *b = &d->bs[i];

			if (b->contest != c || b->round != k->round ||
			    b->stage != stage || b->area != a || b->withdrawn)
				continue;
			if (b->kind != 'd')
				bu += b->papers;
			else if (b->decided == 'v')
				ad += b->papers;
			else if (b->decided == 'r')
				rj += b->papers;
			else
				pd += b->papers;
		}
		ts = stage == 1 ? d_tally_papers(d, c, k->round, a) : 0;
		json_array_append_new(areas, json_pack("{s:s, s:I, s:I, s:I,"
		    " s:I, s:I, s:I, s:I, s:I}", "area", k->areas[a].id,
		    "verified", (json_int_t)v, "bundles", (json_int_t)bu,
		    "tally_sheets", (json_int_t)ts, "allowed_doubtful",
		    (json_int_t)ad, "rejected", (json_int_t)rj,
		    "pending_doubtful", (json_int_t)pd, "papers",
		    (json_int_t)(bu + ts + ad + rj + pd), "difference",
		    (json_int_t)(bu + ts + ad + rj + pd - v)));
	}
	for (int p = 1; p <= k->ncands; p++)
		json_array_append_new(cands, json_pack("{s:i, s:I}", "position",
		    p, "votes", (json_int_t)d_first(d, c, k->round, p)));
	return json_pack("{s:o, s:b, s:o}", "areas", areas, "reconciled", ok,
	    "candidates", cands);
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

static int
contest_read(struct desk *d, struct d_http *h, const struct d_user *u,
    int c, const char *rest)
{
	const struct d_contest *k = &d->cs[c];
	int agent = strcmp(u->role, "agent") == 0 ||
	    strcmp(u->role, "observer") == 0;
	json_t *o;

	if (!*rest) {
		give(h, 200, contest_obj(d, c));
	} else if (strcmp(rest, "provisional") == 0) {
		if (!staff_all(u) && !agent)
			return forbidden(h);
		if (!k->prov)
			return nf(h, "no provisional result released");
		o = json_deep_copy(k->prov);
		json_object_set_new(o, "version", json_integer(k->released));
		json_object_set_new(o, "round", json_integer(k->round));
		json_object_set_new(o, "scope", json_string("first"));
		json_object_set_new(o, "released_at",
		    event_at(d, k->prov_entry));
		json_object_set_new(o, "checkpoint",
		    checkpoint_of(d, k->prov_entry));
		json_object_set_new(o, "differences", differences(k));
		give(h, 200, o);
	} else if (strcmp(rest, "declaration") == 0) {
		if (k->state < S_DECLARED)
			return nf(h, "not declared");
		give(h, 200, decl_public(d, c));
	} else if (strcmp(rest, "verification") == 0) {
		if (!staff_all(u) && !agent)
			return forbidden(h);
		if (k->state < S_VERIFIED)
			return nf(h, "the statement is not issued");
		give(h, 200, statement(d, c));
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
		if (strcmp(k->kind, "sv") != 0 || k->state < S_STAGE1_DONE ||
		    !(o = stage1_obj(d, c)))
			return nf(h, "no first-count statement");
		give(h, 200, o);
	} else if (strcmp(rest, "reconciliation") == 0) {
		if (!staff_all(u))
			return forbidden(h);
		give(h, 200, reconciliation(d, c, stage_param(h)));
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

static void
entry_read(struct desk *d, struct d_http *h, const struct d_user *u,
    const char *num)
{
	sqlite3_stmt *st;
	char *end;
	long long n = strtoll(num, &end, 10);
	json_t *o = NULL;

	if (!role_is(u, " ro dro manager auditor ")) {
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
		o = json_loads((const char *)sqlite3_column_text(st, 0), 0,
		    NULL);
	sqlite3_finalize(st);
	if (!o) {
		nf(h, "no such entry");
		return;
	}
	json_object_set_new(o, "superseded_by", json_null());
	give(h, 200, o);
}

/* The journal (§10) as application/x-ndjson; an export.made follows. */
static void
export_read(struct desk *d, struct d_http *h, const struct d_user *u)
{
	sqlite3_stmt *st;
	json_t *hd;
	char *line;
	size_t n = 0, cap = 1 << 16;
	char *buf;

	if (!role_is(u, " ro manager admin ")) {
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
	d_log_event(d, "export.made", u->username, u->role, h->ip, NULL);
}

int d_api_read(struct desk *d, struct d_http *h, const struct d_user *u,
    const char *path);

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
	if (strcmp(path, "board") == 0) {
		if (role_is(u, " admin auditor "))
			return forbidden(h);
		return give(h, 200, board(d));
	}
	if (strcmp(path, "export") == 0) {
		export_read(d, h, u);
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
