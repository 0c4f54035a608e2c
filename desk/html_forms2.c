/* SPDX-License-Identifier: MIT */
/* html_forms2.c -- the forms of §2.17 that no §9.3 read carries: F1
 * (count plan), F2 (box registration log), F3 (BPA figures as entered),
 * F4 (ballot box record cards), F5 (variance checklists), F7 (tendered
 * papers), F8 (mixing record), F9 (team counting sheets), F20 (sealed
 * packets) and F21 (audit export index). Each builder gathers its
 * figures from the book -- the plan, the model and the entries' own
 * event lines -- never from typed text (I17), refuses a role §3.4 does
 * not let see them (403) and a form before its state (404, as §9.3's
 * reads do), and reads no clock, so the same book prints the same form
 * (I22). html_forms.c frames the page. */
#include "html_forms.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fig df_fig
#define thead df_thead
#define td df_td
#define tdn df_tdn
#define tdv df_tdv

static int
role_is(const struct ctx *x, const char *roles)
{
	char k[24];

	if (!x->u)
		return 0;
	snprintf(k, sizeof k, " %s ", x->u->role);
	return strstr(roles, k) != NULL;
}

/* An agent sees its own contest only (§3.1); others pass. */
static int
agent_contest_ok(const struct ctx *x)
{
	const json_t *a;
	size_t i;

	if (!role_is(x, " agent "))
		return 1;
	json_array_foreach(x->d->agents, i, a)
		if (x->u->agent && strcmp(json_string_value(json_object_get(a,
		    "id")), x->u->agent) == 0)
			return strcmp(json_string_value(json_object_get(a,
			    "contest")), x->d->cs[x->c].id) == 0;
	return 0;
}

/* The events of action, parsed, in book order; for one contest when
 * cid is not NULL. Looked up in event_key when the book keeps it
 * (d_db_keys), as reads.c does; else a scan of the events. */
json_t *
df_events(struct desk *d, const char *action, const char *cid)
{
	sqlite3_stmt *st;
	json_t *a = json_array();

	if (sqlite3_prepare_v2(d->db, d->keyed ? "SELECT line FROM event"
	    " WHERE seq IN (SELECT seq FROM event_key WHERE action = ?1 AND"
	    " (?2 IS NULL OR contest = ?2)) ORDER BY seq" : "SELECT line FROM"
	    " event WHERE action = ?1 AND (?2 IS NULL OR line ->> 'contest' ="
	    " ?2) ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
	if (cid)
		sqlite3_bind_text(st, 2, cid, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_loads((const char *)sqlite3_column_text(st,
		    0), 0, NULL);

		if (o)
			json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	return a;
}

/* The entry that supersedes entry n (a correction or a withdrawal), or
 * 0 when it is current; by event_key's supersedes index when kept. */
static long long
superseded(struct desk *d, long long n)
{
	sqlite3_stmt *st;
	long long r = 0;

	if (sqlite3_prepare_v2(d->db, d->keyed ? "SELECT entry FROM event"
	    " WHERE seq IN (SELECT seq FROM event_key WHERE supersedes = ?)"
	    " ORDER BY seq LIMIT 1" : "SELECT entry FROM event WHERE"
	    " line ->> 'supersedes' = ? ORDER BY seq LIMIT 1", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, n);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r;
}

/* The event line of entry n, parsed, or NULL. */
static json_t *
entry_ev(struct desk *d, long long n)
{
	return d_db_line(d, "SELECT line FROM event WHERE entry = ?", n);
}

static json_t *
cp_of(const json_t *ev)
{
	return json_pack("{s:O, s:O}", "seq", json_object_get(ev, "seq"),
	    "hash", json_object_get(ev, "hash"));
}

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The poll of box b for the current contest, or -1. */
static int
poll_of(const struct ctx *x, int b)
{
	for (int p = 0; p < x->d->boxes[b].npolls; p++)
		if (x->d->boxes[b].polls[p].contest == x->c)
			return p;
	return -1;
}

static const char *
place_of(const struct desk *d, const char *station)
{
	const json_t *s;
	size_t i;

	json_array_foreach(d->stations, i, s)
		if (station && strcmp(jstr(s, "code"), station) == 0)
			return jstr(s, "place");
	return NULL;
}

/* May this session see box b's internal records (F3, F5)?  The RO, a
 * DRO and the manager all; a supervisor its tables' boxes (§3.4). */
static int
box_staff(const struct ctx *x, int b)
{
	if (role_is(x, " ro dro manager "))
		return 1;
	return role_is(x, " supervisor ") && x->d->boxes[b].table &&
	    d_user_table_role(x->u, x->d->boxes[b].table, NULL);
}

/* The box named by ?box=, or -1 for every box; -2 for an unknown code
 * or a box that does not carry the contest. */
static int
box_param(struct ctx *x)
{
	const char *code = q(x, "box");
	int b;

	if (!code || !*code)
		return -1;
	b = d_box_find(x->d, code);
	return b < 0 || poll_of(x, b) < 0 ? -2 : b;
}

static json_t *
ev_row(const json_t *ev)
{
	json_t *o = json_deep_copy(json_object_get(ev, "data"));

	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	json_object_set(o, "entry", json_object_get(ev, "entry"));
	json_object_set(o, "at", json_object_get(ev, "at"));
	json_object_set(o, "by", json_object_get(ev, "user"));
	return o;
}

/* ---- F1: the count plan ---- */

/* The current delegations (§3.1): delegation.record entries nothing
 * supersedes, as their data, in book order. */
json_t *
df_delegations(struct desk *d)
{
	json_t *e = df_events(d, "delegation.record", NULL), *a = json_array();
	json_t *ev;
	size_t i;

	json_array_foreach(e, i, ev)
		if (!superseded(d, json_integer_value(json_object_get(ev,
		    "entry"))))
			json_array_append(a, json_object_get(ev, "data"));
	json_decref(e);
	return a;
}

static int
f1_build(struct ctx *x, json_t **out)
{
	struct desk *d = x->d;
	const struct d_contest *k = &d->cs[x->c];
	const json_t *v, *el = d->election;
	json_t *o, *cands, *boxes, *staff, *agents, *dels, *areas, *ap, *dl;
	size_t i;

	if (!role_is(x, " ro dro manager agent observer ") ||
	    !agent_contest_ok(x))
		return 403;
	if (k->state < S_READY)
		return 404;
	cands = json_array();
	boxes = json_array();
	staff = json_array();
	agents = json_array();
	dels = json_array();
	areas = json_array();
	for (int p = 0; p < k->ncands; p++) {
		const struct d_cand *c = &k->cands[p];
		char name[512], cn[512];

		snprintf(name, sizeof name, "%s %s", c->forenames, c->surname);
		snprintf(cn, sizeof cn, "%s %s", c->cfore ? c->cfore :
		    c->forenames, c->csur ? c->csur : c->surname);
		json_array_append_new(cands, json_pack("{s:i, s:s, s:s?,"
		    " s:s?}", "position", c->pos, "name", name, "common_name",
		    (c->csur || c->cfore) ? cn : NULL, "description",
		    c->desc));
	}
	for (int a = 0; a < k->nareas; a++)
		json_array_append_new(areas, json_pack("{s:s, s:s}", "id",
		    k->areas[a].id, "name", k->areas[a].name));
	json_array_foreach(json_object_get(d->plan, "boxes"), i, v) {
		int b = d_box_find(d, jstr(v, "code")), p;

		if (b < 0 || (p = poll_of(x, b)) < 0)
			continue;
		json_array_append_new(boxes, json_pack("{s:s, s:s, s:s?,"
		    " s:s?, s:s, s:s?}", "box", d->boxes[b].code, "kind",
		    d->boxes[b].kind, "station", d->boxes[b].station, "place",
		    place_of(d, d->boxes[b].station), "area",
		    k->areas[d->boxes[b].polls[p].area].id,
		    "expected_arrival", d->boxes[b].arrival));
	}
	for (int u = 0; u < d->nusers; u++) {
		const struct d_user *s = &d->users[u];
		json_t *t;

		if (strcmp(s->role, "agent") == 0 ||
		    strcmp(s->role, "observer") == 0 ||
		    strcmp(s->role, "screen") == 0)
			continue;
		t = json_array();
		for (int j = 0; j < s->ntabs; j++)
			json_array_append_new(t, json_pack("{s:i, s:s}",
			    "table", s->tabs[j].table, "role",
			    s->tabs[j].role));
		json_array_append_new(staff, json_pack("{s:s, s:s, s:s?,"
		    " s:o}", "name", s->full_name, "role", s->role,
		    "staff_no", s->staff_no, "tables", t));
	}
	json_array_foreach(d->agents, i, v)
		if (strcmp(jstr(v, "contest"), k->id) == 0)
			json_array_append(agents, (json_t *)v);
	dl = df_delegations(d);
	json_array_foreach(dl, i, v) {
		const json_t *cs = json_object_get(v, "contests"), *e;
		size_t j;

		json_array_foreach(cs, j, e)
			if (strcmp(json_string_value(e), k->id) == 0)
				json_array_append(dels, (json_t *)v);
	}
	json_decref(dl);
	ap = df_events(d, "plan.approve", NULL);
	o = json_pack("{s:i, s:O?, s:O?, s:O?, s:O?, s:s, s:s, s:s, s:i,"
	    " s:i, s:I, s:i, s:s, s:o, s:o, s:o, s:O?, s:o, s:o, s:o, s:s}",
	    "version", 1, "venue", json_object_get(el, "venue"),
	    "poll_date", json_object_get(el, "poll_date"), "close_of_poll",
	    json_object_get(el, "close_of_poll"), "timetable",
	    json_object_get(el, "timetable"), "kind", k->kind, "regime",
	    k->regime, "show", k->show, "seats", k->seats, "bundle_size",
	    k->bundle_size, "tolerance", (json_int_t)k->tolerance,
	    "min_recounts", k->min_recounts, "state", d_state_name(k->state),
	    "areas", areas, "candidates", cands, "boxes", boxes, "tables",
	    d->tables, "staff", staff, "agents", agents, "delegations", dels,
	    "genesis", d->genesis);
	if (json_array_size(ap))
		json_object_set_new(o, "checkpoint", cp_of(json_array_get(ap,
		    0)));
	json_decref(ap);
	if (d_tls_info()->mode == 1)	/* the local CA (§6.4) */
		json_object_set_new(o, "ca_sha256",
		    json_string(d_tls_info()->fpr));
	*out = o;
	return 200;
}

static void
f1(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cc[] = { "#Position", "Candidate",
		"Description", NULL };
	static const char *const arc[] = { "Area", "Name", NULL };
	static const char *const ark[] = { "id", "name", NULL };
	static const char *const bc[] = { "Box", "Kind", "Station", "Place",
		"Area", "Expected arrival", NULL };
	static const char *const bk[] = { "box", "kind", "station", "place",
		"area", "expected_arrival", NULL };
	static const char *const ec[] = { "Event", "Planned at", NULL };
	static const char *const ek[] = { "event", "at", NULL };
	static const char *const tc[] = { "#Table", "Name", NULL };
	static const char *const tk[] = { "#number", "name", NULL };
	static const char *const sc[] = { "Name", "Role", "Staff no",
		"Tables", NULL };
	static const char *const sk[] = { "name", "role", "staff_no", NULL };
	static const char *const ac[] = { "Agent", "Name", "#Candidate",
		"Capacity", "May require a recount", NULL };
	static const char *const ak[] = { "id", "name", "#candidate",
		"capacity", "may_require_recount", NULL };
	static const char *const dc[] = { "Deputy", "Powers",
		"Written appointment", NULL };
	static const char *const dk[] = { "dro", "*powers", "instrument_ref",
		NULL };
	const json_t *k, *e;
	size_t i, j;

	(void)x;
	put(b, "<p>Venue: ");
	escj(b, json_object_get(o, "venue"));
	put(b, ". Close of poll: ");
	escj(b, json_object_get(o, "close_of_poll"));
	put(b, ".</p><p>Contest: ");
	escj(b, json_object_get(o, "kind"));
	put(b, ", ");
	escj(b, json_object_get(o, "seats"));
	put(b, " seat(s), rules ");
	escj(b, json_object_get(o, "regime"));
	put(b, "; bundles of ");
	escj(b, json_object_get(o, "bundle_size"));
	put(b, "; at least ");
	escj(b, json_object_get(o, "min_recounts"));
	put(b, " recounts of a box at variance; totals on the hall screen: ");
	escj(b, json_object_get(o, "show"));
	put(b, "; tolerance ");
	escj(b, json_object_get(o, "tolerance"));
	put(b, ".</p>");
	if (json_integer_value(json_object_get(o, "tolerance")) > 0)
		put(b, "<p><strong>Warning: a verification tolerance above"
		    " zero is set. A box whose count differs from its ballot"
		    " paper account by no more than the tolerance may be"
		    " verified at the count; this is flagged on F6"
		    " (\xc2\xa7" "2.3).</strong></p>");
	df_table_open(b, "f", "Candidates in ballot paper order", cc);
	json_array_foreach(json_object_get(o, "candidates"), i, k) {
		put(b, "<tr>");
		df_cand_cells(b, k);
		put(b, "</tr>");
	}
	put(b, "</tbody></table>");
	df_rows(b, "f", "Count areas", arc, ark, json_object_get(o,
	    "areas"));
	df_rows(b, "f", "Expected ballot boxes", bc, bk, json_object_get(o,
	    "boxes"));
	df_rows(b, "f", "Timetable", ec, ek, json_object_get(o,
	    "timetable"));
	df_rows(b, "f", "Counting tables", tc, tk, json_object_get(o,
	    "tables"));
	df_table_open(b, "f", "Staffing", sc);
	json_array_foreach(json_object_get(o, "staff"), i, k) {
		put(b, "<tr>");
		df_cells(b, k, sk);
		put(b, "<td>");
		json_array_foreach(json_object_get(k, "tables"), j, e) {
			if (j)
				put(b, ", ");
			escj(b, json_object_get(e, "table"));
			put(b, " (");
			escj(b, json_object_get(e, "role"));
			put(b, ")");
		}
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table>");
	df_rows(b, "f", "Agents", ac, ak, json_object_get(o, "agents"));
	df_rows(b, "f", "Delegations", dc, dk, json_object_get(o,
	    "delegations"));
	put(b, "<p>Genesis of the audit chain (\xc2\xa7" "6.5): ");
	escj(b, json_object_get(o, "genesis"));
	put(b, "</p>");
	if (json_object_get(o, "ca_sha256")) {
		put(b, "<p>The desk's local certificate authority (\xc2\xa7"
		    "6.4), SHA-256 fingerprint: <code>");
		escj(b, json_object_get(o, "ca_sha256"));
		put(b, "</code>. Each terminal's installed CA must show the"
		    " same.</p>");
	}
}

/* ---- F2: box registration log ---- */

/* Does the event concern a box of this contest (or an unexpected box
 * registered with a poll of it)? */
static int
ev_box_ours(struct ctx *x, const json_t *data)
{
	const json_t *un = json_object_get(data, "unexpected"), *p;
	const char *code = jstr(data, "box");
	int b = code ? d_box_find(x->d, code) : -1;
	size_t i;

	if (b >= 0 && poll_of(x, b) >= 0)
		return 1;
	json_array_foreach(json_object_get(un, "polls"), i, p) {
		const char *c = json_is_string(p) ? json_string_value(p) :
		    jstr(p, "contest");

		if (c && strcmp(c, x->d->cs[x->c].id) == 0)
			return 1;
	}
	return 0;
}

static int
f2_build(struct ctx *x, json_t **out)
{
	static const char *const acts[] = { "receipt.record", "box.escalate",
		"box.open", NULL };
	json_t *rows, *missing;

	if (!role_is(x, " ro dro manager receipt agent observer ") ||
	    !agent_contest_ok(x))
		return 403;
	if (x->d->cs[x->c].state < S_RECEIVING)
		return 404;
	rows = json_array();
	missing = json_array();
	for (int a = 0; acts[a]; a++) {
		json_t *e = df_events(x->d, acts[a], NULL), *ev;
		size_t i;

		json_array_foreach(e, i, ev) {
			json_t *r;

			if (!ev_box_ours(x, json_object_get(ev, "data")))
				continue;
			r = ev_row(ev);
			json_object_set_new(r, "action", json_string(acts[a]));
			json_object_set(r, "seq", json_object_get(ev, "seq"));
			json_object_set_new(r, "superseded_by", superseded(
			    x->d, json_integer_value(json_object_get(ev,
			    "entry"))) ? json_true() : json_false());
			json_array_append_new(rows, r);
		}
		json_decref(e);
	}
	/* book order across the three actions */
	for (size_t i = 1; i < json_array_size(rows); i++)
		for (size_t j = i; j > 0; j--) {
			json_t *p = json_array_get(rows, j - 1);
			json_t *c = json_array_get(rows, j);

			if (json_integer_value(json_object_get(p, "seq")) <=
			    json_integer_value(json_object_get(c, "seq")))
				break;
			json_incref(p);
			json_array_set(rows, j - 1, c);
			json_array_set_new(rows, j, p);
		}
	for (int b = 0; b < x->d->nboxes; b++)
		if (poll_of(x, b) >= 0 && !x->d->boxes[b].received)
			json_array_append_new(missing,
			    json_string(x->d->boxes[b].code));
	*out = json_pack("{s:i, s:o, s:o}", "version", 1, "log", rows,
	    "not_received", missing);
	return 200;
}

static void
f2(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "#Entry", "At", "Box", "What",
		"Presiding officer", "Seals intact", "Seal numbers", "Packets",
		"Note", "By", NULL };
	static const char *const head[] = { "#entry", "at", "box", NULL };
	static const char *const seals[] = { "po_name", "seals_intact",
		"*seal_numbers", "*packets", NULL };
	const json_t *k;
	size_t i;

	(void)x;
	df_table_open(b, "f wide", "Boxes received, chased and opened", cols);
	json_array_foreach(json_object_get(o, "log"), i, k) {
		const char *a = jstr(k, "action");
		const json_t *un = json_object_get(k, "unexpected");

		put(b, "<tr>");
		df_cells(b, k, head);
		put(b, "<td>");
		put(b, strcmp(a, "receipt.record") == 0 ? (json_is_object(un) ?
		    "received, not expected" : "received") :
		    strcmp(a, "box.escalate") == 0 ? "not received: chased" :
		    "opened at table ");
		if (strcmp(a, "box.open") == 0)
			escj(b, json_object_get(k, "table"));
		if (json_is_true(json_object_get(k, "superseded_by")))
			put(b, " (superseded)");
		put(b, "</td>");
		df_cells(b, k, seals);
		td(b, json_object_get(k, "note") ? json_object_get(k,
		    "note") : json_object_get(un, "reason"));
		td(b, json_object_get(k, "by"));
		put(b, "</tr>");
	}
	put(b, "</tbody></table><p>Expected boxes not received: ");
	if (!json_array_size(json_object_get(o, "not_received")))
		put(b, "none");
	json_array_foreach(json_object_get(o, "not_received"), i, k) {
		if (i)
			put(b, ", ");
		escj(b, k);
	}
	put(b, ".</p>");
}

/* ---- F3: BPA figures as entered ---- */

static const char *const bpa_heads[] = { "issued_to_voters",
	"issued_to_station", "unused", "spoilt", "tendered", NULL };

static int
f3_build(struct ctx *x, json_t **out)
{
	int one = box_param(x), any = 0;
	json_t *e, *ev, *rows = json_array();
	size_t i;

	if (one == -2 || !role_is(x, " ro dro manager supervisor ") ||
	    (one >= 0 && !box_staff(x, one))) {
		json_decref(rows);
		return one == -2 ? 404 : 403;
	}
	e = df_events(x->d, "bpa.enter", x->d->cs[x->c].id);
	json_array_foreach(e, i, ev) {
		const json_t *data = json_object_get(ev, "data");
		int b = d_box_find(x->d, jstr(data, "box"));
		json_t *r;

		if (b < 0 || (one >= 0 && b != one) || !box_staff(x, b))
			continue;
		r = ev_row(ev);
		json_object_set_new(r, "superseded_by", json_integer(
		    superseded(x->d, json_integer_value(json_object_get(ev,
		    "entry")))));
		json_array_append_new(rows, r);
		any = 1;
	}
	json_decref(e);
	if (!any) {
		json_decref(rows);
		return 404;
	}
	*out = json_pack("{s:i, s:o}", "version", 1, "entries", rows);
	return 200;
}

static void
f3(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "Box", "#Entry", "#Of 2", "At",
		"By", "#Issued to voters", "#Issued to station", "#Unused",
		"#Spoilt", "#Tendered", "Status", NULL };
	static const char *const head[] = { "box", "#entry", "#entry_no",
		"at", "by", NULL };
	const json_t *k;
	size_t i;

	(void)x;
	df_table_open(b, "f wide", "Ballot paper accounts as entered (each"
	    " entered twice, blind)", cols);
	json_array_foreach(json_object_get(o, "entries"), i, k) {
		long long sup = json_integer_value(json_object_get(k,
		    "superseded_by"));

		put(b, "<tr>");
		df_cells(b, k, head);
		for (int h = 0; bpa_heads[h]; h++)
			tdn(b, json_object_get(k, bpa_heads[h]));
		if (sup)
			putf(b, "<td>superseded by #%lld</td>", sup);
		else
			put(b, "<td>current</td>");
		put(b, "</tr>");
	}
	put(b, "</tbody></table>");
}

/* ---- F4: ballot box record cards ---- */

/* The receipt and opening events of box code, latest first wins. */
static json_t *
last_ev(struct desk *d, const char *action, const char *code)
{
	json_t *e = df_events(d, action, NULL), *ev, *r = NULL;
	size_t i;

	json_array_foreach(e, i, ev)
		if (code && jstr(json_object_get(ev, "data"), "box") &&
		    strcmp(jstr(json_object_get(ev, "data"), "box"), code) ==
		    0 && !superseded(d, json_integer_value(json_object_get(ev,
		    "entry")))) {
			json_decref(r);
			r = json_incref(ev);
		}
	json_decref(e);
	return r;
}

static int
f4_build(struct ctx *x, json_t **out)
{
	int one = box_param(x);
	json_t *cards;

	if (one == -2)
		return 404;
	if (!role_is(x, " ro dro manager supervisor agent observer ") ||
	    !agent_contest_ok(x) || (one >= 0 && role_is(x, " supervisor ") &&
	    !box_staff(x, one)))
		return 403;
	cards = json_array();
	for (int b = 0; b < x->d->nboxes; b++) {
		const struct d_box *bx = &x->d->boxes[b];
		json_t *polls, *rc, *op;
		int p = poll_of(x, b);

		if (p < 0 || (one >= 0 && b != one) || !bx->received ||
		    (role_is(x, " supervisor ") && !box_staff(x, b)))
			continue;
		polls = json_array();
		for (int j = 0; j < bx->npolls; j++)
			json_array_append_new(polls, json_string(
			    x->d->cs[bx->polls[j].contest].name));
		rc = last_ev(x->d, "receipt.record", bx->code);
		op = last_ev(x->d, "box.open", bx->code);
		json_array_append_new(cards, json_pack("{s:s, s:s, s:s*, s:s?,"
		    " s:s?, s:o, s:o, s:o, s:o}", "box", bx->code, "kind",
		    bx->kind, "unexpected", bx->unexpected, "station",
		    bx->station, "place", place_of(x->d,
		    bx->station), "polls", polls, "receipt", rc ? ev_row(rc) :
		    json_null(), "opened", op ? ev_row(op) : json_null(),
		    "verification", d_box_view(x->d, b, p)));
		json_decref(rc);
		json_decref(op);
	}
	if (!json_array_size(cards)) {
		json_decref(cards);
		return 404;
	}
	*out = json_pack("{s:i, s:o}", "version", 1, "cards", cards);
	return 200;
}

static void
row2(struct sb *b, const char *th, const json_t *v, int num)
{
	put(b, "<tr><th scope=\"row\">");
	esc(b, th);
	put(b, "</th>");
	if (num)
		tdn(b, v);
	else
		tdv(b, v);
	put(b, "</tr>");
}

static void
f4(struct ctx *x, struct sb *b, const json_t *o)
{
	const json_t *k, *c;
	size_t i, j;

	(void)x;
	json_array_foreach(json_object_get(o, "cards"), i, k) {
		const json_t *rc = json_object_get(k, "receipt");
		const json_t *op = json_object_get(k, "opened");
		const json_t *v = json_object_get(k, "verification");

		put(b, "<table class=\"f\"><caption>Ballot box ");
		escj(b, json_object_get(k, "box"));
		put(b, "</caption><tbody>");
		row2(b, "Kind", json_object_get(k, "kind"), 0);
		if (json_object_get(k, "unexpected"))
			row2(b, "Not in the plan: registered at receipt as"
			    " unexpected, because", json_object_get(k,
			    "unexpected"), 0);
		row2(b, "Station", json_object_get(k, "station"), 0);
		row2(b, "Place", json_object_get(k, "place"), 0);
		row2(b, "Polls", json_object_get(k, "polls"), 0);
		row2(b, "Received at", json_object_get(rc, "at"), 0);
		row2(b, "Presiding officer", json_object_get(rc, "po_name"), 0);
		row2(b, "Seals intact", json_object_get(rc, "seals_intact"), 0);
		row2(b, "Seal numbers", json_object_get(rc, "seal_numbers"), 0);
		row2(b, "Packets", json_object_get(rc, "packets"), 0);
		row2(b, "Opened at", json_object_get(op, "at"), 0);
		row2(b, "Table", json_object_get(op, "table"), 1);
		row2(b, "Agents' seals", json_object_get(op, "agent_seals"), 0);
		row2(b, "State", json_object_get(v, "state"), 0);
		row2(b, "Ballot paper account (agreed)", json_object_get(v,
		    "bpa"), 1);
		json_array_foreach(json_object_get(v, "counts"), j, c) {
			char t[48];
			long long a = json_integer_value(json_object_get(c,
			    "attempt"));

			if (a)
				snprintf(t, sizeof t, "Recount %lld", a);
			else
				snprintf(t, sizeof t, "First count");
			row2(b, t, json_object_get(c, "papers"), 1);
		}
		row2(b, "Variance", json_object_get(v, "variance"), 1);
		row2(b, "Outcome", json_object_get(v, "outcome"), 0);
		row2(b, "Verified", json_object_get(v, "verified"), 1);
		put(b, "</tbody></table>");
	}
}

/* ---- F5: variance checklists ---- */

static const char *const check_items[] = { "bpa_arithmetic",
	"unused_count", "other_packets", "postal_not_added", "po_contacted",
	"boxes_issued", NULL };
static const char *const check_text[] = {
	"BPA arithmetic and unused papers checked",
	"Unused papers counted", "Other packets and the PO's logbook",
	"Returned postal ballots not added", "Presiding officer contacted",
	"Every box issued to the station opened", NULL };

static int
f5_build(struct ctx *x, json_t **out)
{
	int one = box_param(x);
	json_t *e, *boxes;

	if (one == -2)
		return 404;
	if (!role_is(x, " ro dro manager supervisor ") ||
	    (one >= 0 && !box_staff(x, one)))
		return 403;
	e = df_events(x->d, "check.record", x->d->cs[x->c].id);
	boxes = json_array();
	for (int b = 0; b < x->d->nboxes; b++) {
		int p = poll_of(x, b);
		json_t *v, *items, *ev;
		const json_t *var;
		size_t i;
		int has = 0;

		if (p < 0 || (one >= 0 && b != one) || !box_staff(x, b))
			continue;
		v = d_box_view(x->d, b, p);
		var = json_object_get(v, "variance");
		items = json_object();
		json_array_foreach(e, i, ev) {
			const json_t *data = json_object_get(ev, "data");

			if (strcmp(jstr(data, "box"), x->d->boxes[b].code) ||
			    superseded(x->d, json_integer_value(
			    json_object_get(ev, "entry"))))
				continue;
			json_object_set_new(items, jstr(data, "item"),
			    ev_row(ev));
			has = 1;
		}
		if (!has && !(json_is_integer(var) &&
		    json_integer_value(var) != 0)) {
			json_decref(v);
			json_decref(items);
			continue;
		}
		json_array_append_new(boxes, json_pack("{s:s, s:o, s:o, s:s?}",
		    "box", x->d->boxes[b].code, "checks", items, "view", v,
		    "explanation", x->d->boxes[b].polls[p].explanation));
	}
	json_decref(e);
	if (!json_array_size(boxes)) {
		json_decref(boxes);
		return 404;
	}
	*out = json_pack("{s:i, s:o}", "version", 1, "boxes", boxes);
	return 200;
}

static void
f5(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "Check (§2.3)", "Result", "Note",
		"By", "At", NULL };
	static const char *const rest[] = { "note", "by", "at", NULL };
	static const char *const cc[] = { "#Attempt", "#Papers", NULL };
	static const char *const ck[] = { "#attempt", "#papers", NULL };
	const json_t *k, *c;
	size_t i;

	(void)x;
	json_array_foreach(json_object_get(o, "boxes"), i, k) {
		const json_t *v = json_object_get(k, "view");

		put(b, "<h2>Box ");
		escj(b, json_object_get(k, "box"));
		put(b, "</h2><p>Ballot paper account ");
		fig(b, json_object_get(v, "bpa"));
		put(b, "; variance ");
		fig(b, json_object_get(v, "variance"));
		put(b, "; state ");
		escj(b, json_object_get(v, "state"));
		put(b, ".</p>");
		df_table_open(b, "f", "Preliminary checks", cols);
		for (int n = 0; check_items[n]; n++) {
			c = json_object_get(json_object_get(k, "checks"),
			    check_items[n]);
			put(b, "<tr><td>");
			esc(b, check_text[n]);
			put(b, "</td>");
			if (c)
				td(b, json_object_get(c, "result"));
			else
				put(b, "<td>not recorded</td>");
			df_cells(b, c, rest);
			put(b, "</tr>");
		}
		put(b, "</tbody></table>");
		df_rows(b, "f", "Counts", cc, ck, json_object_get(v, "counts"));
		put(b, "<p>Outcome: ");
		escj(b, json_object_get(v, "outcome"));
		put(b, ". Explanation: ");
		escj(b, json_object_get(k, "explanation"));
		put(b, ".</p>");
	}
}

/* ---- F6's heads and F7: the agreed ballot paper accounts ---- */

/* The two current BPA entries of poll p (I20's pair), as their event
 * lines in *e1 and *e2; 0 unless both exist. */
static int
bpa_pair(struct desk *d, const struct d_vpoll *p, json_t **e1, json_t **e2)
{
	const struct d_fig *f[2];
	int n = 0;

	*e1 = *e2 = NULL;
	for (int i = 0; i < p->nfigs && n < 2; i++)
		if (p->figs[i].kind == 0 && p->figs[i].attempt == 0 &&
		    !p->figs[i].withdrawn)
			f[n++] = &p->figs[i];
	if (n < 2)
		return 0;
	*e1 = entry_ev(d, f[0]->entry);
	*e2 = entry_ev(d, f[1]->entry);
	return *e1 && *e2;
}

/* Head h of the agreed BPA of poll p: the figure both entries give,
 * -1 when neither gives one, -2 when they differ. */
static long long
bpa_head(struct desk *d, const struct d_vpoll *p, const char *h)
{
	json_t *e1, *e2;
	const json_t *a, *c;
	long long r = -1;

	if (bpa_pair(d, p, &e1, &e2)) {
		a = json_object_get(json_object_get(e1, "data"), h);
		c = json_object_get(json_object_get(e2, "data"), h);
		if (json_is_integer(a) && json_is_integer(c))
			r = json_integer_value(a) == json_integer_value(c) ?
			    json_integer_value(a) : -2;
		else if (json_is_integer(a) || json_is_integer(c))
			r = -2;
	}
	json_decref(e1);
	json_decref(e2);
	return r;
}

static void
head_cell(struct sb *b, long long v)
{
	if (v >= 0)
		df_tdi(b, v);
	else
		put(b, v == -1 ? "<td class=\"n\">\xe2\x80\x94</td>" :
		    "<td>entries differ</td>");
}

/* F6's unused, spoilt and tendered figures per box and in total, from
 * the agreed BPA entries (bpa.enter, App. D); a head the two entries
 * give differently is shown so, and so is its total: a total without
 * it would look right and be wrong; a head no box gives has none. */
void
df_bpa_heads(struct ctx *x, struct sb *b)
{
	static const char *const cols[] = { "Box", "#Issued to station",
		"#Unused", "#Spoilt", "#Tendered", NULL };
	static const char *const hs[] = { "issued_to_station", "unused",
		"spoilt", "tendered", NULL };
	long long tot[4] = { -1, -1, -1, -1 };

	df_table_open(b, "f", "Ballot paper accounts: unused, spoilt and"
	    " tendered papers", cols);
	for (int i = 0; i < x->d->nboxes; i++) {
		int p = poll_of(x, i);

		if (p < 0)
			continue;
		put(b, "<tr><td>");
		esc(b, x->d->boxes[i].code);
		put(b, "</td>");
		for (int h = 0; hs[h]; h++) {
			long long v = bpa_head(x->d, &x->d->boxes[i].polls[p],
			    hs[h]);

			head_cell(b, v);
			if (v == -2 || tot[h] == -2)
				tot[h] = -2;
			else if (v >= 0)
				tot[h] = (tot[h] < 0 ? 0 : tot[h]) + v;
		}
		put(b, "</tr>");
	}
	put(b, "<tr><th scope=\"row\">Total</th>");
	for (int h = 0; hs[h]; h++)
		head_cell(b, tot[h]);
	put(b, "</tr></tbody></table>");
}

static int
f7_build(struct ctx *x, json_t **out)
{
	const struct d_contest *k = &x->d->cs[x->c];
	json_t *boxes, *ev, *vi;
	long long tot = -1;

	if (!role_is(x, " ro dro manager agent observer ") ||
	    !agent_contest_ok(x))
		return 403;
	if (k->state < S_VERIFIED)
		return 404;
	boxes = json_array();
	for (int b = 0; b < x->d->nboxes; b++) {
		int p = poll_of(x, b);
		long long t;

		if (p < 0)
			continue;
		t = bpa_head(x->d, &x->d->boxes[b].polls[p], "tendered");
		if (t == -2 || tot == -2)
			tot = -2;
		else if (t >= 0)
			tot = (tot < 0 ? 0 : tot) + t;
		json_array_append_new(boxes, json_pack("{s:s, s:s, s:s?, s:s?,"
		    " s:o}", "box", x->d->boxes[b].code, "kind",
		    x->d->boxes[b].kind, "station", x->d->boxes[b].station,
		    "place", place_of(x->d, x->d->boxes[b].station),
		    "tendered", t >= 0 ? json_integer(t) : t == -1 ?
		    json_null() : json_string("entries differ")));
	}
	vi = df_events(x->d, "verification.issue", k->id);
	ev = entry_ev(x->d, k->f6_entry);
	*out = json_pack("{s:I, s:o, s:o, s:o, s:O?}", "version",
	    (json_int_t)json_array_size(vi), "boxes", boxes, "total",
	    tot >= 0 ? json_integer(tot) : tot == -1 ? json_null() :
	    json_string("entries differ"),
	    "checkpoint", ev ? cp_of(ev) : json_null(),
	    "issued_at", json_object_get(ev, "at"));
	json_decref(ev);
	json_decref(vi);
	return 200;
}

static void
f7(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "Box", "Kind", "Station",
		"Place", "#Tendered ballot papers", NULL };
	static const char *const keys[] = { "box", "kind", "station",
		"place", "#tendered", NULL };

	(void)x;
	df_rows(b, "f", "Tendered ballot papers by box", cols, keys,
	    json_object_get(o, "boxes"));
	put(b, "<p>Total tendered ballot papers: ");
	fig(b, json_object_get(o, "total"));
	put(b, ".</p><p>Tendered papers are not counted (App. D1); the"
	    " figures are those of the ballot paper accounts as agreed.</p>"
	    "<p>Issued at ");
	escj(b, json_object_get(o, "issued_at"));
	put(b, " with the verification statement.</p>");
}

/* ---- F8: mixing record ---- */

static int
f8_build(struct ctx *x, json_t **out)
{
	const struct d_contest *k = &x->d->cs[x->c];
	json_t *e, *areas, *last = NULL;

	if (!role_is(x, " ro dro manager supervisor agent observer ") ||
	    !agent_contest_ok(x))
		return 403;
	if (k->state < S_MIXED)
		return 404;
	e = df_events(x->d, "mixing.record", k->id);
	areas = json_array();
	for (int a = 0; a < k->nareas; a++) {
		json_t *ev, *cur = NULL;
		size_t i;

		json_array_foreach(e, i, ev)
			if (strcmp(jstr(json_object_get(ev, "data"), "area"),
			    k->areas[a].id) == 0 && !superseded(x->d,
			    json_integer_value(json_object_get(ev, "entry"))))
				cur = ev;
		if (cur)
			last = cur;
		json_array_append_new(areas, json_pack("{s:s, s:s, s:o}",
		    "area", k->areas[a].id, "name", k->areas[a].name, "mixing",
		    cur ? ev_row(cur) : json_null()));
	}
	*out = json_pack("{s:I, s:o, s:o}", "version",
	    (json_int_t)json_array_size(e), "areas", areas, "checkpoint",
	    last ? cp_of(last) : json_null());
	json_decref(e);
	return 200;
}

static void
f8(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "Area", "#Group", "Boxes mixed",
		"#Entry", "At", "By", NULL };
	static const char *const mk[] = { "#entry", "at", "by", NULL };
	const json_t *k, *g;
	size_t i, j;

	(void)x;
	put(b, "<p>No vote is counted until the postal papers are mixed with"
	    " the papers of at least one ballot box, and each box's papers"
	    " with those of at least one other box (MER r.47(2)).</p>");
	df_table_open(b, "f", "Mixing groups", cols);
	json_array_foreach(json_object_get(o, "areas"), i, k) {
		const json_t *m = json_object_get(k, "mixing");

		json_array_foreach(json_object_get(m, "groups"), j, g) {
			put(b, "<tr>");
			td(b, json_object_get(k, "name"));
			df_tdi(b, (long long)j + 1);
			tdv(b, g);
			df_cells(b, m, mk);
			put(b, "</tr>");
		}
	}
	put(b, "</tbody></table>");
}

/* ---- F9: team counting sheets (the sheets read, per table) ---- */

static int
f9_build(struct ctx *x, json_t **out)
{
	const struct d_contest *k = &x->d->cs[x->c];
	const char *tq = q(x, "table"), *rq = q(x, "round");
	const char *sq = q(x, "stage");
	json_t *sheets, *t;
	char path[160], tb[16], rb[16];
	size_t i;
	int forbid = 0, bad = 0;

	if (k->round < 1)
		return role_is(x, " ro dro manager supervisor clerk ") ? 404 :
		    403;
	snprintf(rb, sizeof rb, "%d", k->round);
	snprintf(path, sizeof path, "contests/%s/sheets", k->id);
	sheets = json_array();
	json_array_foreach(x->d->tables, i, t) {
		json_t *o;
		int st;

		snprintf(tb, sizeof tb, "%lld", (long long)json_integer_value(
		    json_object_get(t, "number")));
		if (tq && strcmp(tq, tb))
			continue;
		o = getq(x, path, rq ? rq : rb, sq ? sq : "1", tb, NULL, &st);
		if (st == 200)
			json_array_append_new(sheets, o);
		else {
			json_decref(o);
			forbid += st == 403;
			bad += st == 400;
		}
	}
	if (!json_array_size(sheets)) {
		json_decref(sheets);
		return bad ? 400 : forbid ? 403 : 404;
	}
	*out = json_pack("{s:O, s:o}", "version", json_object_get(
	    json_array_get(sheets, 0), "round"), "sheets", sheets);
	return 200;
}

/* A bundle's or tally sheet's content, as the clerk entered it. */
static void
sheet_what(struct sb *b, const json_t *dt)
{
	const char *kind = jstr(dt, "kind");

	if (json_object_get(dt, "votes") && !kind) {
		const char *key;
		const json_t *v;
		int n = 0;

		put(b, "tally sheet ");
		escj(b, json_object_get(dt, "sheet"));
		put(b, ": ");
		json_object_foreach((json_t *)json_object_get(dt, "votes"),
		    key, v) {
			if (n++)
				put(b, ", ");
			esc(b, key);
			put(b, "=");
			escj(b, v);
		}
		return;
	}
	if (json_object_get(dt, "description")) {
		put(b, "doubtful: ");
		escj(b, json_object_get(dt, "description"));
		return;
	}
	escj(b, json_object_get(dt, "slip"));
	put(b, ": ");
	if (kind && strcmp(kind, "pattern") == 0) {
		put(b, "pattern ");
		{
			const json_t *e;
			size_t i;

			json_array_foreach(json_object_get(dt, "pattern"), i,
			    e) {
				if (i)
					put(b, " ");
				escj(b, e);
			}
		}
	} else if (kind && strcmp(kind, "stage2") == 0) {
		escj(b, json_object_get(dt, "source"));
		put(b, " \xe2\x86\x92 ");
		escj(b, json_object_get(dt, "dest"));
	} else {
		put(b, "candidate ");
		escj(b, json_object_get(dt, "candidate"));
	}
}

static void
f9(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "#Entry", "At", "Area", "Slip or"
		" sheet", "#Papers", "Counted by", "Checked by", "Entered by",
		"Status", NULL };
	static const char *const vc[] = { "#Position", "Candidate",
		"#Votes", NULL };
	const struct d_contest *k = &x->d->cs[x->c];
	const json_t *s, *e, *v;
	size_t i, j;

	json_array_foreach(json_object_get(o, "sheets"), i, s) {
		put(b, "<h2>Table ");
		escj(b, json_object_get(s, "table"));
		put(b, ", round ");
		escj(b, json_object_get(s, "round"));
		put(b, ", stage ");
		escj(b, json_object_get(s, "stage"));
		put(b, "</h2><p>Closed for areas: ");
		if (!json_array_size(json_object_get(s, "closed")))
			put(b, "none");
		json_array_foreach(json_object_get(s, "closed"), j, e) {
			if (j)
				put(b, ", ");
			escj(b, e);
		}
		put(b, ".</p>");
		df_table_open(b, "f wide", "Entries", cols);
		json_array_foreach(json_object_get(s, "entries"), j, e) {
			const json_t *dt = json_object_get(e, "data");

			put(b, "<tr>");
			tdn(b, json_object_get(e, "entry"));
			td(b, json_object_get(e, "at"));
			td(b, json_object_get(dt, "area"));
			put(b, "<td>");
			sheet_what(b, dt);
			put(b, "</td>");
			tdn(b, json_object_get(dt, "papers"));
			td(b, json_object_get(dt, "counted_by"));
			td(b, json_object_get(dt, "checked_by"));
			td(b, json_object_get(e, "by"));
			if (json_is_integer(json_object_get(e,
			    "superseded_by"))) {
				put(b, "<td>superseded by #");
				escj(b, json_object_get(e, "superseded_by"));
				put(b, "</td>");
			} else
				put(b, "<td>current</td>");
			put(b, "</tr>");
		}
		put(b, "</tbody></table><p>Papers on the sheet: ");
		fig(b, json_object_get(s, "papers"));
		put(b, ".</p>");
		if (!json_is_array(json_object_get(s, "votes")))
			continue;
		df_table_open(b, "f", "Votes on the sheet", vc);
		json_array_foreach(json_object_get(s, "votes"), j, v) {
			long long p = json_integer_value(json_object_get(v,
			    "position"));

			put(b, "<tr>");
			tdn(b, json_object_get(v, "position"));
			put(b, "<td>");
			if (p >= 1 && p <= k->ncands) {
				esc(b, k->cands[p - 1].forenames);
				put(b, " ");
				esc(b, k->cands[p - 1].surname);
			}
			put(b, "</td>");
			tdn(b, json_object_get(v, "votes"));
			put(b, "</tr>");
		}
		put(b, "</tbody></table>");
	}
}

/* ---- F15's reconciliation line ---- */

void
df_recon_line(struct ctx *x, struct sb *b, const json_t *o)
{
	long long papers = json_integer_value(json_object_get(o, "papers"));
	long long ver = d_verified_contest(x->d, x->c);
	json_t *p = json_integer(papers), *v = json_integer(ver);
	json_t *df = json_integer(papers - ver);

	put(b, "<p>Reconciliation (§2.9): ballot papers counted ");
	fig(b, p);
	put(b, " against ");
	fig(b, v);
	put(b, " verified (F6); difference ");
	fig(b, df);
	put(b, papers == ver ? ": reconciled.</p>" : ".</p>");
	json_decref(p);
	json_decref(v);
	json_decref(df);
}

/* ---- F20: sealed packets ---- */

static int
f20_build(struct ctx *x, json_t **out)
{
	const struct d_contest *k = &x->d->cs[x->c];
	json_t *e, *ev;

	if (!role_is(x, " ro dro manager auditor "))
		return 403;
	if (k->state < S_CLOSED)
		return 404;
	e = df_events(x->d, "contest.close", k->id);
	if (!(ev = json_array_get(e, json_array_size(e) - 1))) {
		json_decref(e);
		return 404;
	}
	*out = json_pack("{s:i, s:O, s:O, s:O, s:o}", "version", 1,
	    "packets", json_object_get(json_object_get(ev, "data"),
	    "packets"), "closed_at", json_object_get(ev, "at"), "by",
	    json_object_get(ev, "user"), "checkpoint", cp_of(ev));
	json_decref(e);
	return 200;
}

static void
f20(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "#", "Packet", "Seal", NULL };
	static const char *const keys[] = { "description", "seal", NULL };
	const json_t *k;
	size_t i;

	(void)x;
	df_table_open(b, "f", "Packets sealed for forwarding", cols);
	json_array_foreach(json_object_get(o, "packets"), i, k) {
		put(b, "<tr>");
		df_tdi(b, (long long)i + 1);
		df_cells(b, k, keys);
		put(b, "</tr>");
	}
	put(b, "</tbody></table><p>Contest closed and packets sealed at ");
	escj(b, json_object_get(o, "closed_at"));
	put(b, " by ");
	escj(b, json_object_get(o, "by"));
	put(b, ".</p>");
}

/* ---- F21: the audit export's index ---- */

static void
hex32(const unsigned char *h, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* The last F21 tarball export.made records: {file (its base name),
 * seq, at, reason (null on demand), members}, or null when none. */
static json_t *
f21_last(struct desk *d)
{
	sqlite3_stmt *st;
	json_t *o = json_null();

	if (sqlite3_prepare_v2(d->db, "SELECT line ->> '$.data.file', seq,"
	    " line ->> 'at', line ->> '$.data.reason', line -> '$.data.members'"
	    " FROM event WHERE action = 'export.made' AND line ->>"
	    " '$.data.kind' = 'f21' ORDER BY seq DESC LIMIT 1", -1, &st,
	    NULL) != SQLITE_OK)
		return o;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0);
		const char *m = (const char *)sqlite3_column_text(st, 4);

		o = json_pack("{s:s, s:I, s:s?, s:s?, s:o}", "file",
		    strrchr(f, '/') ? strrchr(f, '/') + 1 : f, "seq",
		    (json_int_t)sqlite3_column_int64(st, 1), "at",
		    (const char *)sqlite3_column_text(st, 2), "reason",
		    (const char *)sqlite3_column_text(st, 3), "members", m ?
		    json_loads(m, 0, NULL) : json_array());
	}
	sqlite3_finalize(st);
	return o ? o : json_null();
}

static int
f21_build(struct ctx *x, json_t **out)
{
	struct desk *d = x->d;
	crypto_hash_sha256_state hs;
	unsigned char h[32];
	char hx[65], man[400];
	json_t *hd, *docs, *ev;
	sqlite3_stmt *st;
	char *line;
	long long lines = 1, last = 0;
	const char *const acts[] = { "verification.issue",
		"provisional.release", "declaration.make", "contest.close",
		NULL };

	if (!role_is(x, " ro manager admin auditor ") ||
	    (role_is(x, " auditor ") && d->cs[x->c].state < S_CLOSED))
		return 403;
	crypto_hash_sha256_init(&hs);
	hd = d_header(d);
	line = d_canon(hd);
	json_decref(hd);
	if (!line)
		return 404;
	crypto_hash_sha256_update(&hs, (const unsigned char *)line,
	    strlen(line));
	crypto_hash_sha256_update(&hs, (const unsigned char *)"\n", 1);
	free(line);
	if (sqlite3_prepare_v2(d->db, "SELECT seq, line FROM event ORDER BY"
	    " seq", -1, &st, NULL) != SQLITE_OK)
		return 404;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *l = sqlite3_column_text(st, 1);

		last = sqlite3_column_int64(st, 0);
		crypto_hash_sha256_update(&hs, l, strlen((const char *)l));
		crypto_hash_sha256_update(&hs, (const unsigned char *)"\n",
		    1);
		lines++;
	}
	sqlite3_finalize(st);
	crypto_hash_sha256_final(&hs, h);
	hex32(h, hx);
	docs = json_array();
	for (int a = 0; acts[a]; a++) {
		json_t *e = df_events(d, acts[a], NULL);
		size_t i;

		json_array_foreach(e, i, ev)
			json_array_append_new(docs, json_pack("{s:s, s:O, s:O,"
			    " s:O, s:O}", "action", acts[a], "contest",
			    json_object_get(ev, "contest"), "entry",
			    json_object_get(ev, "entry"), "seq",
			    json_object_get(ev, "seq"), "hash",
			    json_object_get(ev, "hash")));
		json_decref(e);
	}
	snprintf(man, sizeof man, "%s  journal.jsonl\n", hx);
	crypto_hash_sha256((unsigned char *)h, (const unsigned char *)man,
	    strlen(man));
	{
		char mx[65];

		hex32(h, mx);
		*out = json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:o, s:s,"
		    " s:s, s:o, s:{s:I, s:s}}", "version", (json_int_t)last,
		    "journal_sha256", hx, "journal_lines", (json_int_t)lines,
		    "events", (json_int_t)last, "last_hash", d->last_hash,
		    "genesis", d->genesis, "documents", docs, "manifest",
		    man, "manifest_sha256", mx, "last_export", f21_last(d),
		    "checkpoint", "seq", (json_int_t)last, "hash",
		    d->last_hash);
	}
	return 200;
}

/* The last tarball's members as its manifest lists them, or that
 * there is none. */
static void
f21_tarball(struct sb *b, const json_t *e)
{
	static const char *const cols[] = { "Member", "SHA-256", NULL };
	static const char *const keys[] = { "name", "sha256", NULL };
	char cap[400];

	if (!json_is_object(e)) {
		put(b, "<p>No F21 export has been made of this book yet: no"
		    " tarball, no manifest.</p>");
		return;
	}
	snprintf(cap, sizeof cap, "The last export: %.200s, #%lld%s%.20s",
	    json_string_value(json_object_get(e, "file")),
	    (long long)json_integer_value(json_object_get(e, "seq")),
	    json_object_get(e, "reason") ? ", at " : ", on demand",
	    json_object_get(e, "reason") ? json_string_value(
	    json_object_get(e, "reason")) : "");
	df_rows(b, "f wide", cap, cols, keys, json_object_get(e,
	    "members"));
}

static void
f21(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "File", "What", "SHA-256", NULL };
	static const char *const dc[] = { "Entry", "Contest", "Action",
		"#Seq", "Event hash (SHA-256)", NULL };
	static const char *const dk[] = { "entry", "contest", "action",
		"#seq", "hash", NULL };

	(void)x;
	df_table_open(b, "f wide", "The export (§6.6)", cols);
	put(b, "<tr><td>count.db</td><td>the book, copied by SQLite's online"
	    " backup (teller-desk backup); its chain is checked by"
	    " teller-desk verify</td><td>made with the export</td></tr>"
	    "<tr><td>journal.jsonl</td><td>");
	fig(b, json_object_get(o, "journal_lines"));
	put(b, " lines: the header and every event (§10), as teller-desk"
	    " export writes them now</td>");
	td(b, json_object_get(o, "journal_sha256"));
	put(b, "</tr><tr><td>events</td><td>");
	fig(b, json_object_get(o, "events"));
	put(b, " events, #1 to the chain head; genesis ");
	escj(b, json_object_get(o, "genesis"));
	put(b, "</td>");
	td(b, json_object_get(o, "last_hash"));
	put(b, "</tr></tbody></table>");
	f21_tarball(b, json_object_get(o, "last_export"));
	df_rows(b, "f wide", "Documents: the entries that issued them, sealed"
	    " in the chain", dc, dk, json_object_get(o, "documents"));
}

const struct d_form d_forms2[] = {
	{ "F1", "Count plan", NULL, 0, f1, f1_build },
	{ "F2", "Box registration log", NULL, 0, f2, f2_build },
	{ "F3", "Ballot paper account figures as entered", NULL, 0, f3,
	    f3_build },
	{ "F4", "Ballot box record card", NULL, 0, f4, f4_build },
	{ "F5", "Variance checklist", NULL, 0, f5, f5_build },
	{ "F7", "Verification statement: tendered ballot papers", NULL, 1,
	    f7, f7_build },
	{ "F8", "Mixing record", NULL, 0, f8, f8_build },
	{ "F9", "Team counting sheets", NULL, 0, f9, f9_build },
	{ "F20", "Sealed packets list", NULL, 1, f20, f20_build },
	{ "F21", "Audit export index", NULL, 0, f21, f21_build },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};
