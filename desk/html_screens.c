/* SPDX-License-Identifier: MIT */
/* html_screens.c -- S-07 verification statement, S-14 reconciliation,
 * S-20 agents' view and S-25 print centre (§5). Like html.c's screens
 * they show API reads as the cookie's session, so a role sees only what
 * §3.4 lets it read; S-07's "issue" is the API's verification entry
 * through html.c's one form path (do_form). Nothing here counts. */
#include "html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
form_link(struct ctx *x, struct sb *b, const char *form, const char *text)
{
	putf(b, "<a href=\"/forms/%s?c=", form);
	esc(b, x->d->cs[x->c].id);
	put(b, "\">");
	esc(b, text);
	put(b, "</a>");
}

/* The boxes of the contest as the read gives them (agreed figures only
 * for agents and observers). */
static void
box_list(struct ctx *x, struct sb *b, int blockers)
{
	static const char *const cols[] = { "Box", "Kind", "State", "BPA",
		"Verified", "Variance", "Outcome", NULL };
	static const char *const keys[] = { "^box", "kind", "~state", "#bpa",
		"#verified", "#variance", "outcome", NULL };
	json_t *bx = get(x, "contests/%s/boxes", x->d->cs[x->c].id);
	const json_t *v;
	size_t i;
	int n = 0;

	if (blockers)
		put(b, "<h2>Blockers (I5)</h2><ul>");
	else
		table_open(b, "Boxes", cols);
	json_array_foreach(bx, i, v) {
		const json_t *oc = json_object_get(v, "outcome");

		if (blockers) {
			if (json_is_string(oc))
				continue;
			n++;
			put(b, "<li>Box ");
			escj(b, json_object_get(v, "box"));
			put(b, ": not decided (");
			escj(b, json_object_get(v, "state"));
			put(b, ")</li>");
			continue;
		}
		put(b, "<tr>");
		row_cells(b, v, keys);
		put(b, "</tr>");
	}
	if (blockers && !n)
		put(b, "<li>None: every box is decided.</li>");
	put(b, blockers ? "</ul>" : "</tbody></table>");
	json_decref(bx);
}

/* S-07: F6 once issued (its latest version, and the re-issue prompt
 * when one is due, as S-02's); before, the blockers and (RO, DRO) the
 * issue form. */
void
d_scr_statement(struct ctx *x, struct sb *b)
{
	json_t *st = get(x, "contests/%s/verification", x->d->cs[x->c].id);

	contest_pick(x, b, "/statement");
	if (st) {
		put(b, "<p>Version ");
		escj(b, json_object_get(st, "version"));
		put(b, ", issued at ");
		escj(b, json_object_get(st, "issued_at"));
		put(b, " (entry #");
		escj(b, json_object_get(st, "entry"));
		put(b, "); total going to the count ");
		escj(b, json_object_get(st, "total"));
		put(b, ". ");
		form_link(x, b, "F6", "Print F6");
		put(b, "</p>");
		json_decref(st);
		d_html_f6_prompt_one(x, b, x->c);
	} else {
		put(b, "<p>The statement is not issued yet.</p>");
		box_list(x, b, 1);
		if (strcmp(x->u->role, "ro") == 0 || strcmp(x->u->role,
		    "dro") == 0) {
			form_open(x, b, "issue", "Issue the verification"
			    " statement");
			form_close(b, "Issue statement");
		}
	}
	/* §3.5: every decision of the contest, withdrawn or corrected */
	d_html_decisions(x, b, NULL, "swdecision", "scdecision");
}

/* S-14: per area, the papers against the verified total (F12). */
void
d_scr_reconciliation(struct ctx *x, struct sb *b)
{
	static const char *const cols[] = { "Area", "Verified", "Bundles",
		"Tally sheets", "Allowed doubtful", "Rejected",
		"Doubtful pending", "Papers", "Difference", NULL };
	static const char *const keys[] = { "^area", "#verified", "#bundles",
		"#tally_sheets", "#allowed_doubtful", "#rejected",
		"#pending_doubtful", "#papers", "#difference", NULL };
	json_t *r = get(x, "contests/%s/reconciliation", x->d->cs[x->c].id);
	const json_t *a;
	size_t i;
	int off = 0;

	contest_pick(x, b, "/reconciliation");
	if (!r) {
		put(b, "<p>No reconciliation to show.</p>");
		return;
	}
	rows_table(b, "Reconciliation, current round", cols, keys,
	    json_object_get(r, "areas"));
	json_array_foreach(json_object_get(r, "areas"), i, a)
		off |= json_integer_value(json_object_get(a, "difference"))
		    != 0;
	put(b, "<p class=\"state\">");
	put(b, json_is_true(json_object_get(r, "reconciled")) ?
	    "Reconciled (I10 holds)." : "NOT reconciled: the provisional"
	    " result is blocked (I10).");
	put(b, "</p>");
	if (off)
		put(b, "<h2>EC checklist</h2><ul><li>Boxes empty</li><li>Floors"
		    " and surfaces</li><li>Verification figures</li><li>All"
		    " rejected papers accounted for</li><li>All bundles and"
		    " part bundles counted</li><li>Consider recounting"
		    " bundles</li></ul>");
	put(b, "<p>");
	form_link(x, b, "F12", "Print F12");
	put(b, "</p>");
	json_decref(r);
}

/* S-20: the agents' and observers' view of a contest. */
void
d_scr_agent(struct ctx *x, struct sb *b)
{
	json_t *p = get(x, "contests/%s/provisional", x->d->cs[x->c].id);
	json_t *bd = get(x, "board");
	const json_t *cp = json_object_get(bd, "checkpoint");

	contest_pick(x, b, "/agent");
	box_list(x, b, 0);
	if (p) {
		put(b, "<h2>Provisional result, version ");
		escj(b, json_object_get(p, "version"));
		put(b, "</h2><p>");
		form_link(x, b, "F15", "Print F15");
		put(b, "</p>");
	} else
		put(b, "<p>No provisional result released.</p>");
	put(b, "<h2>Forms</h2>");
	d_html_print_centre(x, b);
	put(b, "<p>Checkpoint #");
	escj(b, json_object_get(cp, "seq"));
	put(b, " \xc2\xb7 ");
	escj(b, json_object_get(cp, "hash"));
	put(b, "</p>");
	json_decref(p);
	json_decref(bd);
}

/* S-25. */
void
d_scr_print(struct ctx *x, struct sb *b)
{
	contest_pick(x, b, "/print");
	d_html_print_centre(x, b);
}

/* A read with the query parameters the API takes from the URL (§9.3:
 * round, stage, table, version), as this session; NULL unless 200, the
 * status in *status when status is not NULL. */
json_t *
getq(struct ctx *x, const char *path, const char *round, const char *stage,
    const char *table, const char *version, int *status)
{
	struct d_http s;
	char auth[96], url[300];
	json_t *o = NULL;

	memset(&s, 0, sizeof s);
	snprintf(url, sizeof url, "/api/v1/%s", path);
	snprintf(auth, sizeof auth, "Bearer %s", x->tok);
	s.method = "GET";
	s.url = url;
	s.auth = auth;
	s.ip = x->h->ip;
	s.q_round = round;
	s.q_stage = stage;
	s.q_table = table;
	s.q_version = version;
	d_api(x->d, &s);
	if (s.status == 200 && s.resp)
		o = json_loads(s.resp, 0, NULL);
	free(s.resp);
	if (status)
		*status = s.status;
	return o;
}

/* The contest's current round, its first area and the user's first
 * table, as the entry forms' hidden defaults. */
struct where {
	char round[16], table[16], area[48];
	json_t *k;
};

static int
where_of(struct ctx *x, struct where *w)
{
	const char *a;

	w->k = get(x, "contests/%s", x->d->cs[x->c].id);
	if (!w->k)
		return -1;
	snprintf(w->round, sizeof w->round, "%lld", (long long)
	    json_integer_value(json_object_get(w->k, "round")));
	snprintf(w->table, sizeof w->table, "%d", x->u->ntabs ?
	    x->u->tabs[0].table : 1);
	a = json_string_value(json_object_get(json_array_get(
	    json_object_get(w->k, "areas"), 0), "id"));
	snprintf(w->area, sizeof w->area, "%s", a ? a : "");
	return 0;
}

/* A bundle form's hidden fields: where (w) and which stage and kind. */
static void
bundle_where(struct ctx *x, struct sb *b, const char *form,
    const struct where *w, const char *stage, const char *kind)
{
	field(x, b, form, "round", "", "hidden", w->round, 0);
	field(x, b, form, "stage", "", "hidden", stage, 0);
	field(x, b, form, "kind", "", "hidden", kind, 0);
	field(x, b, form, "area", "", "hidden", w->area, 0);
	field(x, b, form, "table", "", "hidden", w->table, 0);
}

/* A bundle form's two staff numbers: who counted, who checked. */
static void
bundle_staff(struct ctx *x, struct sb *b, const char *form)
{
	field(x, b, form, "counted_by", "Counted by (staff no.)", "text", "",
	    1);
	field(x, b, form, "checked_by", "Checked by (staff no.)", "text", "",
	    1);
}

/* S-12: a table's sheet for the round and stage; its supervisor
 * closes it (I12 refuses while doubtful papers are open). */
void
d_scr_sheet(struct ctx *x, struct sb *b)
{
	const char *t = q(x, "table"), *st = q(x, "stage");
	char path[120];
	struct where w;
	json_t *sh;
	const json_t *e, *v;
	size_t i;

	contest_pick(x, b, "/sheet");
	if (where_of(x, &w))
		return;
	if (t && strspn(t, "0123456789") == strlen(t) && *t)
		snprintf(w.table, sizeof w.table, "%s", t);
	if (!st || (strcmp(st, "1") && strcmp(st, "2")))
		st = "1";
	put(b, "<form method=\"get\" action=\"/sheet\"><input type=\"hidden\""
	    " name=\"c\" value=\"");
	esc(b, x->d->cs[x->c].id);
	put(b, "\"><label for=\"pick-table\">Table</label><input id=\""
	    "pick-table\" name=\"table\" type=\"text\" inputmode=\"numeric\""
	    " autocomplete=\"off\" value=\"");
	esc(b, w.table);
	put(b, "\"><label for=\"pick-stage\">Stage</label><input id=\""
	    "pick-stage\" name=\"stage\" type=\"text\" inputmode=\"numeric\""
	    " autocomplete=\"off\" value=\"");
	esc(b, st);
	put(b, "\"> <button type=\"submit\">Show</button></form>");
	snprintf(path, sizeof path, "contests/%s/sheets", x->d->cs[x->c].id);
	sh = getq(x, path, w.round, st, w.table, NULL, NULL);
	if (!sh) {
		put(b, "<p>No sheet for this table, round and stage.</p>");
		json_decref(w.k);
		return;
	}
	put(b, "<table><caption>Entries of table ");
	esc(b, w.table);
	put(b, ", round ");
	esc(b, w.round);
	put(b, "</caption><thead><tr><th scope=\"col\">Entry</th>"
	    "<th scope=\"col\">Action</th><th scope=\"col\">Slip or sheet"
	    "</th><th scope=\"col\">Candidate</th><th scope=\"col\">Papers"
	    "</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(sh, "entries"), i, e) {
		const json_t *dt = json_object_get(e, "data");

		if (!dt)
			dt = e;
		put(b, "<tr><td class=\"n\">");
		escj(b, json_object_get(e, "entry"));
		put(b, "</td><td>");
		escj(b, json_object_get(e, "action"));
		put(b, "</td><td>");
		escj(b, json_object_get(dt, json_object_get(dt, "slip") ?
		    "slip" : "sheet"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(dt, "candidate"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(dt, "papers"));
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table><p>Papers on the sheet: ");
	escj(b, json_object_get(sh, "papers"));
	put(b, ".</p>");
	if (json_is_array(json_object_get(sh, "votes"))) {
		static const char *const cols[] = { "Position", "Votes",
			NULL };
		static const char *const keys[] = { "#position", "#votes",
			NULL };

		rows_table(b, "Votes by candidate", cols, keys,
		    json_object_get(sh, "votes"));
	}
	put(b, "<p>Closed for areas: ");
	json_array_foreach(json_object_get(sh, "closed"), i, v) {
		if (i)
			put(b, ", ");
		escj(b, v);
	}
	put(b, "</p>");
	form_open(x, b, "sheet", "Close the sheet");
	field(x, b, "sheet", "round", "", "hidden", w.round, 0);
	field(x, b, "sheet", "stage", "", "hidden", st, 0);
	field(x, b, "sheet", "table", "", "hidden", w.table, 0);
	field(x, b, "sheet", "area", "Count area", "text", w.area, 1);
	form_close(b, "Close sheet");
	/* §2.11: in a bundle_check or partial round an entry carried from
	 * the round before is dropped, and its papers entered afresh */
	form_open(x, b, "carrydrop", "Drop a carried entry");
	field(x, b, "carrydrop", "round", "", "hidden", w.round, 0);
	field(x, b, "carrydrop", "entry", "Carried entry number", "num", "",
	    1);
	field(x, b, "carrydrop", "reason_text", "Reason", "text", "", 1);
	form_close(b, "Drop entry");
	json_decref(sh);
	json_decref(w.k);
}

/* S-08: mixing groups per area, typed as box codes (I6). */
void
d_scr_mixing(struct ctx *x, struct sb *b)
{
	struct where w;

	contest_pick(x, b, "/mixing");
	if (where_of(x, &w))
		return;
	put(b, "<p>State <span class=\"state\">");
	escj(b, json_object_get(w.k, "state"));
	put(b, "</span>. Each group: two or more station boxes, or a station"
	    " box and postal boxes; every verified box of the area in"
	    " exactly one group (I6).</p>");
	box_list(x, b, 0);
	form_open(x, b, "mixing", "Record the area's mixing groups");
	field(x, b, "mixing", "area", "Count area", "text", w.area, 1);
	field(x, b, "mixing", "groups", "Groups (box codes; a ';' between"
	    " groups)", "text", "", 1);
	form_close(b, "Record mixing");
	json_decref(w.k);
}

/* S-15: the RO starts the second count; clerks enter stage-2 bundles
 * source -> destination. The per-source meter (I14) is checked when
 * stage 2 closes; this screen shows the first preferences it must
 * meet. */
void
d_scr_stage2(struct ctx *x, struct sb *b)
{
	static const char *const codes = "no_second_preference,"
	    " second_same_as_first, second_for_eliminated,"
	    " rejected_second:too_many, rejected_second:uncertain";
	int ro = strcmp(x->u->role, "ro") == 0 || strcmp(x->u->role,
	    "dro") == 0;
	json_t *f13 = get(x, "contests/%s/stage1", x->d->cs[x->c].id);
	const json_t *v;
	struct where w;
	size_t i;

	contest_pick(x, b, "/stage2");
	if (strcmp(x->d->cs[x->c].kind, "sv") != 0) {
		put(b, "<p>Not a Supplementary Vote contest.</p>");
		json_decref(f13);
		return;
	}
	if (where_of(x, &w)) {
		json_decref(f13);
		return;
	}
	put(b, "<p>State <span class=\"state\">");
	escj(b, json_object_get(w.k, "state"));
	put(b, "</span>. Remaining (positions): ");
	json_array_foreach(json_object_get(w.k, "remaining"), i, v) {
		if (i)
			put(b, ", ");
		escj(b, v);
	}
	put(b, "; eliminated: ");
	json_array_foreach(json_object_get(w.k, "eliminated"), i, v) {
		if (i)
			put(b, ", ");
		escj(b, v);
	}
	put(b, ".</p>");
	if (f13) {
		const struct d_contest *k = &x->d->cs[x->c];

		/* the per-source meter (I14): sorted against first
		 * preferences, for the roles that see F13 */
		put(b, "<table><caption>First preferences and the second"
		    " count's sorting (each eliminated pile is sorted in"
		    " full, I14)</caption><thead><tr><th scope=\"col\">"
		    "Position</th><th scope=\"col\">Candidate</th><th"
		    " scope=\"col\">First</th><th scope=\"col\">Sorted"
		    "</th><th scope=\"col\">Left to sort</th></tr></thead>"
		    "<tbody>");
		json_array_foreach(json_object_get(f13, "first"), i, v) {
			long long pos = json_integer_value(json_object_get(v,
			    "position"));
			long long first = json_integer_value(
			    json_object_get(v, "votes")), sorted;

			put(b, "<tr><td class=\"n\">");
			escj(b, json_object_get(v, "position"));
			put(b, "</td><td>");
			escj(b, json_object_get(v, "name"));
			put(b, "</td><td class=\"n\">");
			escj(b, json_object_get(v, "votes"));
			if (pos < 1 || pos > k->ncands ||
			    !k->eliminated[pos - 1]) {
				put(b, "</td><td>remains</td><td></td></tr>");
				continue;
			}
			sorted = d_sorted_from(x->d, x->c, k->round,
			    (int)pos);
			putf(b, "</td><td class=\"n\">%lld</td><td class=\"n"
			    "\">%lld%s</td></tr>", sorted, first - sorted,
			    sorted == first ? " (done)" : "");
		}
		put(b, "</tbody></table>");
	}
	if (ro) {
		form_open(x, b, "stage2", "Start the second count");
		field(x, b, "stage2", "notice", "Notice to counting agents"
		    " (time and place)", "text", "", 1);
		form_close(b, "Start second count");
	}
	if (x->u->ntabs) {
		form_open(x, b, "bundle2", "Second-count bundle");
		bundle_where(x, b, "bundle2", &w, "2", "stage2");
		field(x, b, "bundle2", "slip", "Slip", "text", "", 1);
		d_html_stage2_keys(b, w.k);
		field(x, b, "bundle2", "source", "From (eliminated position)",
		    "num", "", 1);
		put(b, "<p id=\"dest-codes\">Destination: a remaining position,"
		    " or one of ");
		put(b, codes);
		put(b, ".</p>");
		field(x, b, "bundle2", "dest", "To (position or code)", "text",
		    "", 1);
		field(x, b, "bundle2", "papers", "Papers", "num", "", 1);
		put(b, "<label for=\"bundle2-part\">Part bundle</label><input"
		    " id=\"bundle2-part\" name=\"part\" type=\"checkbox\""
		    " value=\"1\">");
		bundle_staff(x, b, "bundle2");
		form_close(b, "Save bundle");
	}
	json_decref(f13);
	json_decref(w.k);
}

/* S-11: block votes: pattern bundles (positions such as "1 4 7", every
 * one of them gets the papers, computed) and tally sheets (one field
 * per candidate, entered twice blind; I8 bounds checked on save). */
void
d_scr_tally(struct ctx *x, struct sb *b)
{
	struct where w;
	const json_t *k;
	size_t i;

	contest_pick(x, b, "/tally");
	if (strcmp(x->d->cs[x->c].kind, "block") != 0) {
		put(b, "<p>Not a block vote contest.</p>");
		return;
	}
	if (where_of(x, &w))
		return;
	put(b, "<p>Round ");
	esc(b, w.round);
	put(b, "; seats ");
	escj(b, json_object_get(w.k, "seats"));
	put(b, ".</p>");
	form_open(x, b, "pattern", "Pattern bundle");
	bundle_where(x, b, "pattern", &w, "1", "pattern");
	field(x, b, "pattern", "slip", "Slip", "text", "", 1);
	field(x, b, "pattern", "pattern", "Positions marked (e.g. 1 4 7)",
	    "text", "", 1);
	field(x, b, "pattern", "papers", "Papers", "num", "", 1);
	bundle_staff(x, b, "pattern");
	form_close(b, "Save pattern bundle");
	form_open(x, b, "tally", "Tally sheet");
	field(x, b, "tally", "round", "", "hidden", w.round, 0);
	field(x, b, "tally", "area", "", "hidden", w.area, 0);
	field(x, b, "tally", "table", "", "hidden", w.table, 0);
	field(x, b, "tally", "sheet", "Sheet number", "text", "", 1);
	field(x, b, "tally", "papers", "Papers on the sheet", "num", "", 1);
	json_array_foreach(json_object_get(w.k, "candidates"), i, k) {
		char name[16], label[200];
		const char *nm = json_string_value(json_object_get(k, "name"));

		snprintf(name, sizeof name, "v%lld", (long long)
		    json_integer_value(json_object_get(k, "position")));
		snprintf(label, sizeof label, "%lld %s",
		    (long long)json_integer_value(json_object_get(k,
		    "position")), nm ? nm : "");
		field(x, b, "tally", name, label, "num", "", 0);
	}
	form_close(b, "Save tally sheet");
	json_decref(w.k);
}

/* The boxes of every contest once each: code, table, state. */
static void
all_boxes(struct ctx *x, struct sb *b)
{
	static const char *const cols[] = { "Box", "Contest", "Table",
		"State", NULL };

	table_open(b, "Boxes", cols);
	for (int c = 0; c < x->d->ncs; c++) {
		json_t *bx = get(x, "contests/%s/boxes", x->d->cs[c].id);
		const json_t *v;
		size_t i;

		json_array_foreach(bx, i, v) {
			put(b, "<tr><th scope=\"row\">");
			escj(b, json_object_get(v, "box"));
			put(b, "</th><td>");
			esc(b, x->d->cs[c].name);
			put(b, "</td><td class=\"n\">");
			escj(b, json_object_get(v, "table"));
			put(b, "</td><td class=\"state\">");
			escj(b, json_object_get(v, "state"));
			put(b, "</td></tr>");
		}
		json_decref(bx);
	}
	put(b, "</tbody></table>");
}

/* The packets a box may bring (§9.4 receipt.record), in the order of
 * the number keys S-03's checklist uses (1 bpa ... 8 postal_handed_in). */
const char *const d_html_packets[] = { "bpa", "unused_and_spoilt",
	"tendered", "tendered_votes_list", "corresponding_number_list",
	"marked_register", "certificates_of_employment", "postal_handed_in",
	NULL };

static long long at_secs(const char *at);

/* A member id of one of the plan's arrays (places, stations). */
static const json_t *
plan_item(const json_t *arr, const char *idk, const char *id)
{
	size_t i;
	const json_t *v;

	json_array_foreach(arr, i, v)
		if (id && json_is_string(json_object_get(v, idk)) &&
		    strcmp(json_string_value(json_object_get(v, idk)), id) == 0)
			return v;
	return NULL;
}

/* S-03's look-up: what the box code names -- station, place, contests,
 * expected arrival, whether it came. */
static void
receipt_box(struct ctx *x, struct sb *b, const char *code)
{
	int bi = d_box_find(x->d, code);
	const struct d_box *bx;
	const json_t *st, *pl;

	if (bi < 0) {
		put(b, "<p class=\"error\" role=\"alert\">No box ");
		esc(b, code);
		put(b, " in the plan: an unexpected box is registered, with"
		    " a reason, in the form \"Register an unexpected box\""
		    " below.</p>");
		return;
	}
	bx = &x->d->boxes[bi];
	st = plan_item(x->d->stations, "code", bx->station);
	pl = plan_item(x->d->places, "id", json_string_value(
	    json_object_get(st, "place")));
	put(b, "<h2>Box ");
	esc(b, code);
	put(b, "</h2><p>");
	esc(b, bx->kind);
	if (st) {
		put(b, " box of station ");
		escj(b, json_object_get(st, "code"));
		put(b, " (");
		escj(b, json_object_get(st, "name"));
		put(b, ") at ");
		escj(b, json_object_get(pl, "name"));
	}
	put(b, "; contests: ");
	for (int p = 0; p < bx->npolls; p++) {
		put(b, p ? ", " : "");
		esc(b, x->d->cs[bx->polls[p].contest].name);
	}
	if (bx->arrival) {
		put(b, "; expected ");
		esc(b, bx->arrival);
	}
	put(b, bx->received ? "; <span class=\"state\">received</span>.</p>" :
	    "; <span class=\"state\">not received yet</span>.</p>");
	if (bx->unexpected) {
		put(b, "<p>Not in the plan: registered as unexpected at its"
		    " receipt, for this reason: ");
		esc(b, bx->unexpected);
		put(b, "</p>");
	}
}

/* S-03's second form (§2.1): a box not in the plan, registered at its
 * receipt with a reason, its kind, station and the contests it carries
 * (receipt.record's "unexpected"). */
static void
unexpected_form(struct ctx *x, struct sb *b, const char *box)
{
	static const char *const kinds[] = { "station", "postal",
		"postal_handed_in", NULL };
	char ids[400] = "", label[440];
	size_t n = 0;

	for (int c = 0; c < x->d->ncs && n < sizeof ids - 40; c++)
		n += (size_t)snprintf(ids + n, sizeof ids - n, "%s%s",
		    c ? ", " : "", x->d->cs[c].id);
	form_open(x, b, "unexpected", "Register an unexpected box");
	put(b, "<p>A box that is not in the plan: its code, why it came,"
	    " its kind, its station (a station box) and the contests it"
	    " carries. It is then verified and counted as the plan's"
	    " boxes are.</p>");
	field(x, b, "unexpected", "box", "Box code", "text", box &&
	    d_box_find(x->d, box) < 0 ? box : "", 1);
	field(x, b, "unexpected", "reason", "Reason (required)", "text", "",
	    1);
	select_field(x, b, "unexpected", "kind", "Kind", kinds);
	field(x, b, "unexpected", "station", "Station code (a station box)",
	    "text", "", 0);
	snprintf(label, sizeof label, "Contests it carries (of %s)", ids);
	field(x, b, "unexpected", "polls", label, "text", x->d->ncs == 1 ?
	    ids : "", 1);
	put(b, "<label for=\"unexpected-seals_intact\">Seals intact</label>"
	    "<input id=\"unexpected-seals_intact\" name=\"seals_intact\""
	    " type=\"checkbox\" value=\"1\">");
	field(x, b, "unexpected", "seal_numbers", "Seal numbers", "text", "",
	    0);
	field(x, b, "unexpected", "packets", "Packets received (numbers such"
	    " as 1 2 6, or codes)", "text", "", 0);
	field(x, b, "unexpected", "po_name", "Presiding officer", "text", "",
	    0);
	form_close(b, "Register and record receipt");
}

/* Boxes not received whose expected arrival has passed ([EC-RECEIPT]). */
static void
overdue(struct ctx *x, struct sb *b)
{
	char now[40];
	long long t;
	int n = 0;

	d_now(now, sizeof now);
	t = at_secs(now);
	for (int bi = 0; bi < x->d->nboxes; bi++) {
		const char *code = x->d->boxes[bi].code;
		long long due = at_secs(x->d->boxes[bi].arrival);

		if (due < 0 || due >= t || x->d->boxes[bi].received)
			continue;
		if (!n++)
			put(b, "<table><caption>Overdue boxes (expected, not"
			    " received)</caption><thead><tr><th scope=\"col\">"
			    "Box</th><th scope=\"col\">Expected</th><th scope="
			    "\"col\">Minutes late</th><th scope=\"col\">"
			    "Escalated</th></tr></thead><tbody>");
		put(b, "<tr><th scope=\"row\">");
		esc(b, code);
		put(b, "</th><td>");
		esc(b, x->d->boxes[bi].arrival);
		putf(b, "</td><td class=\"n\">%lld</td><td>%s</td></tr>",
		    (t - due) / 60, x->d->boxes[bi].escalated ? "yes" : "no");
	}
	put(b, n ? "</tbody></table>" : "<p>No box is overdue.</p>");
}

/* S-03: a box arrives: its code (scan or type) shows station, place and
 * contests; packets by number keys (html_keys.c) or typed as numbers or
 * codes, seals (Y/N keys), presiding officer;
 * then the boxes overdue against their expected arrival. */
void
d_scr_receipt(struct ctx *x, struct sb *b)
{
	const char *box = q(x, "box");

	if (x->err && x->vals)
		box = json_string_value(json_object_get(x->vals, "box"));
	box_picker(x, b, "/receipt", "Box code (scan or type)", "Look up", box,
	    0);
	if (box && *box)
		receipt_box(x, b, box);
	form_open(x, b, "receipt", "Receive a box");
	field(x, b, "receipt", "box", "Box code (scan or type)", "text",
	    box ? box : "", 1);
	put(b, "<label for=\"receipt-seals_intact\">Seals intact</label>"
	    "<input id=\"receipt-seals_intact\" name=\"seals_intact\""
	    " type=\"checkbox\" value=\"1\">");
	field(x, b, "receipt", "seal_numbers", "Seal numbers", "text", "", 0);
	d_html_packet_checklist(b);
	field(x, b, "receipt", "packets", "Packets received (numbers such as"
	    " 1 2 6, or codes)", "text", "", 0);
	field(x, b, "receipt", "po_name", "Presiding officer", "text", "", 0);
	form_close(b, "Record receipt");
	unexpected_form(x, b, box);
	overdue(x, b);
	all_boxes(x, b);
}

/* S-09: which table each box is at, and staff to tables. */
void
d_scr_assign(struct ctx *x, struct sb *b)
{
	static const char *const roles[] = { "clerk", "supervisor", NULL };

	all_boxes(x, b);
	form_open(x, b, "assign", "Assign a user to a table");
	field(x, b, "assign", "user", "Username", "text", "", 1);
	field(x, b, "assign", "table", "Table", "num", "", 1);
	select_field(x, b, "assign", "role", "Role at the table", roles);
	field(x, b, "assign", "until", "Until (time, optional)", "text", "",
	    0);
	form_close(b, "Record assignment");
}

/* S-23's "verify chain" (§6.5): every event of the book, each
 * chained from the one before and its hash recomputed; the first that
 * fails is named. */
static void
audit_chain(struct ctx *x, struct sb *b)
{
	sqlite3_stmt *st;
	char prev[65], h[65];
	long long want = 1, n = 0;
	const char *why = NULL;

	snprintf(prev, sizeof prev, "%s", x->d->genesis);
	if (sqlite3_prepare_v2(x->d->db, "SELECT seq, line, hash FROM event"
	    " ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
		put(b, "<p class=\"error\">The chain could not be read.</p>");
		return;
	}
	while (!why && sqlite3_step(st) == SQLITE_ROW) {
		long long seq = sqlite3_column_int64(st, 0);
		const char *hash = (const char *)sqlite3_column_text(st, 2);
		json_t *ev = json_loads((const char *)sqlite3_column_text(st,
		    1), 0, NULL);
		char *payload = NULL;

		if (ev) {
			json_object_del(ev, "seq");
			json_object_del(ev, "prev");
			json_object_del(ev, "hash");
			payload = d_canon(ev);
		}
		if (seq != want)
			why = "a gap in seq";
		else if (!payload || !hash)
			why = "a line that is not JSON";
		else {
			d_hash_hex(prev, seq, payload, h);
			if (strcmp(h, hash) != 0)
				why = "hash differs";
		}
		free(payload);
		json_decref(ev);
		if (why) {
			n = seq;
			break;
		}
		snprintf(prev, sizeof prev, "%s", hash);
		want++;
	}
	sqlite3_finalize(st);
	if (why)
		putf(b, "<p class=\"error\" role=\"alert\">Chain broken at seq"
		    " %lld: %s.</p>", n, why);
	else
		putf(b, "<p class=\"saved\" role=\"status\">Chain verified:"
		    " events 1 to %lld, head %.16s.</p>", want - 1, prev);
}

/* A text filter field of S-23's form. */
static void
audit_filter(struct sb *b, const char *name, const char *label,
    const char *v)
{
	putf(b, "<label for=\"au-%s\">", name);
	esc(b, label);
	putf(b, "</label><input id=\"au-%s\" name=\"%s\" type=\"text\""
	    " autocomplete=\"off\" value=\"", name, name);
	esc(b, v);
	put(b, "\">");
}

static const char *
jstr_of(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* Does entry line e pass S-23's filters? Times compare as text (UTC,
 * ISO 8601, so a prefix such as 2026-05-07T02 works). */
static int
audit_match(const json_t *e, const char *fu, const char *fa,
    const char *fc, const char *ft, const char *fs, const char *fe)
{
	const char *at = jstr_of(e, "at");
	const json_t *t = json_object_get(json_object_get(e, "data"),
	    "table");
	char tb[24];

	snprintf(tb, sizeof tb, "%lld", json_is_integer(t) ?
	    (long long)json_integer_value(t) : -1LL);
	return !(fu && *fu && strcmp(fu, jstr_of(e, "user")) != 0) &&
	    !(fa && *fa && !strstr(jstr_of(e, "action"), fa)) &&
	    !(fc && *fc && strcmp(fc, jstr_of(e, "contest")) != 0) &&
	    !(ft && *ft && strcmp(ft, tb) != 0) &&
	    !(fs && *fs && strcmp(at, fs) < 0) &&
	    !(fe && *fe && strncmp(at, fe, strlen(fe)) > 0);
}

/* S-23: the latest entries (up to 100 of the last 2,000), newest
 * first, with who, what, when and the supersession chain with reasons
 * (§3.5), filtered by user, action, contest, table and time (from, to:
 * a time or its prefix); "verify chain" checks the hash chain. Only
 * the roles that read; a supervisor's own-table view is the API's. */
void
d_scr_audit(struct ctx *x, struct sb *b)
{
	const char *fu = q(x, "user"), *fa = q(x, "action");
	const char *fc = q(x, "contest"), *ft = q(x, "table");
	const char *fs = q(x, "from"), *fe = q(x, "to");
	json_t *bd = get(x, "public/results");
	long long top = json_integer_value(json_object_get(json_object_get(
	    bd, "checkpoint"), "seq"));
	int shown = 0;

	json_decref(bd);
	put(b, "<form method=\"get\" action=\"/audit\">");
	audit_filter(b, "user", "User", fu);
	audit_filter(b, "action", "Action", fa);
	audit_filter(b, "contest", "Contest", fc);
	audit_filter(b, "table", "Table", ft);
	audit_filter(b, "from", "From (UTC time or its start)", fs);
	audit_filter(b, "to", "To (UTC time or its start)", fe);
	put(b, " <button type=\"submit\">Filter</button></form>"
	    "<form method=\"get\" action=\"/audit\"><input type=\"hidden\""
	    " name=\"verify\" value=\"1\"><button type=\"submit\">Verify"
	    " chain</button></form>");
	if (q(x, "verify") && *q(x, "verify"))
		audit_chain(x, b);
	put(b, "<table><caption>Entries, newest first</caption><thead><tr>"
	    "<th scope=\"col\">Entry</th><th scope=\"col\">At</th>"
	    "<th scope=\"col\">User</th><th scope=\"col\">Role</th>"
	    "<th scope=\"col\">Action</th><th scope=\"col\">Contest</th>"
	    "<th scope=\"col\">Supersedes</th><th scope=\"col\">Superseded"
	    " by</th><th scope=\"col\">Reason</th></tr></thead><tbody>");
	/* entry numbers never exceed event numbers */
	for (long long n = top; n >= 1 && shown < 100 && n > top - 2000;
	    n--) {
		json_t *e = get(x, "entries/%lld", n);

		if (!e)
			continue;
		if (!audit_match(e, fu, fa, fc, ft, fs, fe)) {
			json_decref(e);
			continue;
		}
		shown++;
		put(b, json_is_null(json_object_get(e, "superseded_by")) ?
		    "<tr><td class=\"n\">" : "<tr class=\"superseded\"><td"
		    " class=\"n\">");
		escj(b, json_object_get(e, "entry"));
		put(b, "</td><td>");
		escj(b, json_object_get(e, "at"));
		put(b, "</td><td>");
		escj(b, json_object_get(e, "user"));
		put(b, "</td><td>");
		escj(b, json_object_get(e, "role"));
		put(b, "</td><td>");
		escj(b, json_object_get(e, "action"));
		put(b, "</td><td>");
		escj(b, json_object_get(e, "contest"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(e, "supersedes"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(e, "superseded_by"));
		put(b, "</td><td>");
		escj(b, json_object_get(e, "reason_code"));
		if (json_is_string(json_object_get(e, "reason_text"))) {
			put(b, ": ");
			escj(b, json_object_get(e, "reason_text"));
		}
		put(b, "</td></tr>");
		json_decref(e);
	}
	put(b, "</tbody></table>");
	if (!shown)
		put(b, "<p>No entry matches.</p>");
}

/* S-21: per contest the board's progress; per table of the plan the
 * current round's stage-1 sheet: entries, papers, the last entry's
 * time. (Papers per minute, the projected finish and the back-fill
 * backlog need reads the API does not have yet.) */
/* config.change (§9.4): after READY the RO alone, with a reason and
 * the password (re-authentication). */
static void
config_form(struct ctx *x, struct sb *b)
{
	static const char *const objs[] = { "contest", "candidate", "area",
		"place", "station", "box", "table", "election", NULL };

	form_open(x, b, "config", "Change the configuration");
	select_field(x, b, "config", "object", "Object", objs);
	field(x, b, "config", "key", "Key (contest id, contest/position,"
	    " contest/area, place id, station, box or table)", "text", "", 0);
	field(x, b, "config", "field", "Field", "text", "", 1);
	field(x, b, "config", "value", "New value", "text", "", 1);
	field(x, b, "config", "reason_text", "Reason (after READY)", "text",
	    "", 0);
	field(x, b, "config", "password", "Your password (after READY)",
	    "password", "", 0);
	form_close(b, "Change");
	/* §3.5: a change withdrawn (its old value back) or corrected */
	form_open(x, b, "wconfig", "Withdraw a configuration change");
	field(x, b, "wconfig", "entry", "Change entry number", "num", "", 1);
	d_html_reason(x, b, "wconfig");
	field(x, b, "wconfig", "password", "Your password (after READY)",
	    "password", "", 0);
	form_close(b, "Withdraw");
	form_open(x, b, "cconfig", "Correct a configuration change");
	field(x, b, "cconfig", "entry", "Change entry number", "num", "", 1);
	select_field(x, b, "cconfig", "object", "Object", objs);
	field(x, b, "cconfig", "key", "Key", "text", "", 0);
	field(x, b, "cconfig", "field", "Field", "text", "", 1);
	field(x, b, "cconfig", "value", "Corrected value", "text", "", 1);
	d_html_reason(x, b, "cconfig");
	field(x, b, "cconfig", "password", "Your password (after READY)",
	    "password", "", 0);
	form_close(b, "Correct");
}

/* Seconds since the epoch of a server time YYYY-MM-DDTHH:MM:SS(.mmm)Z,
 * or -1. */
static long long
at_secs(const char *at)
{
	struct tm tm;
	int y, mo, dd, h, mi, sec;

	if (!at || sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &dd, &h,
	    &mi, &sec) != 6)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = dd;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (long long)timegm(&tm);
}

static void
put_time(struct sb *b, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	put(b, s);
}

/* Papers per minute, one decimal, by integer arithmetic; "-" when the
 * entries span no time. */
static void
put_rate(struct sb *b, long long papers, long long secs)
{
	long long r10;

	if (secs <= 0 || papers <= 0) {
		put(b, "\xe2\x80\x94");
		return;
	}
	r10 = (papers * 600 + secs / 2) / secs;
	putf(b, "%lld.%lld", r10 / 10, r10 % 10);
}

/* The staff of table t: username and role there. */
static void
put_staff(struct ctx *x, struct sb *b, int t)
{
	int n = 0;

	for (int i = 0; i < x->d->nusers; i++)
		for (int j = 0; j < x->d->users[i].ntabs; j++)
			if (x->d->users[i].tabs[j].table == t) {
				put(b, n++ ? ", " : "");
				esc(b, x->d->users[i].username);
				put(b, " (");
				esc(b, x->d->users[i].tabs[j].role);
				put(b, ")");
			}
}

/* A back-filled tally-sheet entry n still short of its agreeing second
 * entry (I20): 1, else 0. */
static int
tally_pending(const struct desk *d, long long n)
{
	for (int i = 0; i < d->ntallies; i++)
		if (d->tallies[i].entry == n && !d->tallies[i].carried)
			return !d->tallies[i].withdrawn &&
			    !d_tally_agreed(d, &d->tallies[i]);
	return 0;
}

/* S-21's back-fill (§2.16), from the book: the contest's entries
 * flagged backfilled (taken in from the paper forms with their paper
 * times), per action with the span of their paper times; and the
 * backlog, the back-filled double-entry figures (BPA, counts, tally
 * sheets) whose second entry has not yet agreed, listed. The backlog
 * is zero once the paper record is in. */
static void
backfill(struct ctx *x, struct sb *b)
{
	sqlite3_stmt *st;
	json_t *acts = json_object(), *late = json_array(), *r;
	const char *k;
	size_t i;
	int rc;

	/* the instr() test spares parsing the lines of live entries */
	if (sqlite3_prepare_v2(x->d->db, "SELECT entry, line ->> 'action',"
	    " line ->> 'paper_time', line ->> 'at', coalesce(line ->>"
	    " '$.data.box', line ->> '$.data.sheet') FROM event WHERE"
	    " instr(line, '\"backfilled\":true') AND line ->> 'backfilled'"
	    " AND line ->> 'contest' = ? ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK) {
		put(b, "<p>The back-fill cannot be read.</p>");
		json_decref(acts);
		json_decref(late);
		return;
	}
	sqlite3_bind_text(st, 1, x->d->cs[x->c].id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long n = sqlite3_column_int64(st, 0);
		const char *a = (const char *)sqlite3_column_text(st, 1);
		const char *pt = (const char *)sqlite3_column_text(st, 2);
		int pend = 0;

		if (!a)
			continue;
		if (!(r = json_object_get(acts, a))) {
			r = json_pack("{s:i, s:s?, s:s?}", "n", 0, "from", pt,
			    "to", pt);
			json_object_set_new(acts, a, r);
		}
		json_object_set_new(r, "n", json_integer(json_integer_value(
		    json_object_get(r, "n")) + 1));
		if (pt && (!json_string_value(json_object_get(r, "from")) ||
		    strcmp(pt, json_string_value(json_object_get(r,
		    "from"))) < 0))
			json_object_set_new(r, "from", json_string(pt));
		if (pt && (!json_string_value(json_object_get(r, "to")) ||
		    strcmp(pt, json_string_value(json_object_get(r,
		    "to"))) > 0))
			json_object_set_new(r, "to", json_string(pt));
		if (strcmp(a, "bpa.enter") == 0 || strcmp(a, "count.enter") ==
		    0)
			pend = d_fig_pending(x->d, n);
		else if (strcmp(a, "tally.enter") == 0)
			pend = tally_pending(x->d, n);
		if (pend)
			json_array_append_new(late, json_pack("{s:I, s:s, s:s?,"
			    " s:s?, s:s?, s:s}", "entry", (json_int_t)n,
			    "action", a, "what", (const char *)
			    sqlite3_column_text(st, 4), "paper_time", pt,
			    "at", (const char *)sqlite3_column_text(st, 3),
			    "status", pend == 2 ? "the two entries differ" :
			    "awaiting its second entry"));
	}
	sqlite3_finalize(st);
	put(b, "<h2 id=\"backfill\">Back-fill from paper</h2>");
	if (rc != SQLITE_DONE)
		put(b, "<p>The back-fill cannot be read.</p>");
	putf(b, "<p class=\"state\">Back-fill backlog: %zu %s.</p>",
	    json_array_size(late), json_array_size(late) == 1 ?
	    "back-filled figure awaiting its double entry" :
	    "back-filled figures awaiting their double entry");
	if (!json_object_size(acts))
		put(b, "<p>No entry has been taken in from paper.</p>");
	else {
		static const char *const cols[] = { "Action", "Entries",
			"Paper times from", "to", NULL };
		static const char *const keys[] = { "#n", "from", "to", NULL };

		table_open(b, "Back-filled entries", cols);
		json_object_foreach(acts, k, r) {
			put(b, "<tr><th scope=\"row\">");
			esc(b, k);
			put(b, "</th>");
			row_cells(b, r, keys);
			put(b, "</tr>");
		}
		put(b, "</tbody></table>");
	}
	if (json_array_size(late)) {
		put(b, "<table id=\"backlog\"><caption>Back-fill backlog"
		    "</caption><thead><tr><th scope=\"col\">Entry</th><th"
		    " scope=\"col\">Action</th><th scope=\"col\">Box or"
		    " sheet</th><th scope=\"col\">Paper time</th><th scope="
		    "\"col\">Taken in at</th><th scope=\"col\">Status</th>"
		    "</tr></thead><tbody>");
		json_array_foreach(late, i, r) {
			static const char *const keys[] = { "#entry", "action",
				"what", "paper_time", "at", "status", NULL };

			put(b, "<tr>");
			row_cells(b, r, keys);
			put(b, "</tr>");
		}
		put(b, "</tbody></table>");
	}
	json_decref(acts);
	json_decref(late);
}

/* S-21: per contest the board's progress; per table of the plan the
 * current round's stage-1 sheet: staff, entries, papers, papers per
 * minute between its first and last entry, the last entry's time;
 * then the projected finish of the round's stage 1 at the tables'
 * combined rate, against the plan's timetable; and the back-fill
 * backlog (§2.16). */
void
d_scr_progress(struct ctx *x, struct sb *b)
{
	static const char *const cols[] = { "Contest", "State",
		"Boxes verified", "Papers to count", "Progress %",
		"Doubtful waiting", NULL };
	static const char *const head[] = { "^name", "~state", NULL };
	static const char *const tail[] = { "#papers_to_count",
		"#progress_percent", "#doubtful_queue", NULL };
	json_t *bd = get(x, "board"), *k;
	const json_t *c, *t;
	char path[120], round[16];
	long long first = -1, last = -1, total = 0, left;
	size_t i;

	table_open(b, "Contests", cols);
	json_array_foreach(json_object_get(bd, "contests"), i, c) {
		put(b, "<tr>");
		row_cells(b, c, head);
		put(b, "<td class=\"n\">");
		escj(b, json_object_get(c, "boxes_verified"));
		put(b, " of ");
		escj(b, json_object_get(c, "boxes_expected"));
		put(b, "</td>");
		row_cells(b, c, tail);
		put(b, "</tr>");
	}
	put(b, "</tbody></table>");
	json_decref(bd);
	contest_pick(x, b, "/progress");
	k = get(x, "contests/%s", x->d->cs[x->c].id);
	snprintf(round, sizeof round, "%lld", (long long)json_integer_value(
	    json_object_get(k, "round")));
	json_decref(k);
	put(b, "<table><caption>Tables, round ");
	esc(b, round);
	put(b, ", stage 1</caption><thead><tr><th scope=\"col\">Table</th>"
	    "<th scope=\"col\">Staff</th><th scope=\"col\">Entries</th>"
	    "<th scope=\"col\">Papers</th><th scope=\"col\">Papers per"
	    " minute</th><th scope=\"col\">Last entry at</th><th scope="
	    "\"col\">Sheet closed for</th></tr></thead><tbody>");
	snprintf(path, sizeof path, "contests/%s/sheets", x->d->cs[x->c].id);
	json_array_foreach(x->d->tables, i, t) {
		char tn[24];
		json_t *sh;
		const json_t *es, *a;
		long long t0, t1, papers;
		size_t j;

		snprintf(tn, sizeof tn, "%lld", (long long)json_integer_value(
		    json_object_get(t, "number")));
		sh = getq(x, path, round, "1", tn, NULL, NULL);
		es = json_object_get(sh, "entries");
		papers = json_integer_value(json_object_get(sh, "papers"));
		t0 = at_secs(json_string_value(json_object_get(
		    json_array_get(es, 0), "at")));
		t1 = at_secs(json_string_value(json_object_get(
		    json_array_get(es, json_array_size(es) - 1), "at")));
		if (t0 >= 0 && (first < 0 || t0 < first))
			first = t0;
		if (t1 > last)
			last = t1;
		total += papers;
		put(b, "<tr><th scope=\"row\">");
		esc(b, tn);
		put(b, "</th><td>");
		put_staff(x, b, (int)json_integer_value(json_object_get(t,
		    "number")));
		putf(b, "</td><td class=\"n\">%zu</td><td class=\"n\">",
		    json_array_size(es));
		escj(b, json_object_get(sh, "papers"));
		put(b, "</td><td class=\"n\">");
		put_rate(b, papers, t0 >= 0 && t1 >= 0 ? t1 - t0 : 0);
		put(b, "</td><td>");
		escj(b, json_object_get(json_array_get(es, json_array_size(es)
		    - 1), "at"));
		put(b, "</td><td>");
		json_array_foreach(json_object_get(sh, "closed"), j, a) {
			if (j)
				put(b, ", ");
			escj(b, a);
		}
		put(b, "</td></tr>");
		json_decref(sh);
	}
	put(b, "</tbody></table><p class=\"state\">");
	left = d_verified_contest(x->d, x->c) - total;
	if (!json_integer_value(json_object_get(k = get(x, "contests/%s",
	    x->d->cs[x->c].id), "round")))
		put(b, "No round has started: no projection yet.");
	else if (left <= 0)
		put(b, "Every verified paper of the round is entered.");
	else if (first < 0 || last <= first || total <= 0)
		putf(b, "%lld papers left; too few entries to project a"
		    " finish.", left);
	else {
		putf(b, "%lld papers left at ", left);
		put_rate(b, total, last - first);
		put(b, " papers a minute: projected finish of stage 1 ");
		put_time(b, last + (left * (last - first) + total - 1) / total);
		put(b, ".");
	}
	json_decref(k);
	put(b, "</p>");
	if (json_array_size(json_object_get(x->d->election, "timetable"))) {
		static const char *const tt_cols[] = { "Event", "At", NULL };
		static const char *const tt_keys[] = { "event", "at", NULL };

		rows_table(b, "The plan's timetable", tt_cols, tt_keys,
		    json_object_get(x->d->election, "timetable"));
	}
	backfill(x, b);
	config_form(x, b);
}

/* S-06: one box's variance: its figures and recount history, the
 * §2.3 checklist, and only the outcomes the role may record (§3.2);
 * the decision and the checks are the API's entries through do_form.
 * (The polling-place panel waits for a read that gives a place's
 * boxes together.) */
/* The polling place of box code (through its station), or NULL. */
const char *
d_html_box_place(const struct desk *d, const char *code)
{
	int bi = d_box_find(d, code);
	const char *st = bi < 0 ? NULL : d->boxes[bi].station;
	size_t i;
	const json_t *s;

	json_array_foreach(d->stations, i, s)
		if (st && json_is_string(json_object_get(s, "code")) &&
		    strcmp(json_string_value(json_object_get(s, "code")),
		    st) == 0)
			return json_string_value(json_object_get(s, "place"));
	return NULL;
}

/* S-06's polling-place panel (§2.3 step 3): the place's boxes side by
 * side, each with its BPA and latest agreed count, and Σ counted − Σ
 * BPA; compensating errors net to zero over a place wholly counted. */
static void
place_panel(struct ctx *x, struct sb *b, const json_t *bx, const char *box)
{
	const char *pl = d_html_box_place(x->d, box);
	long long sbpa = 0, sc = 0;
	int all = 1;
	size_t i;
	const json_t *k;

	if (!pl)
		return;
	put(b, "<table><caption>Polling place ");
	json_array_foreach(x->d->places, i, k)
		if (json_is_string(json_object_get(k, "id")) && strcmp(
		    json_string_value(json_object_get(k, "id")), pl) == 0) {
			escj(b, json_object_get(k, "name"));
			put(b, " ");
		}
	put(b, "(");
	esc(b, pl);
	put(b, ")</caption><thead><tr><th scope=\"col\">Box</th><th scope="
	    "\"col\">BPA</th><th scope=\"col\">Counted</th><th scope="
	    "\"col\">Variance</th><th scope=\"col\">State</th></tr>"
	    "</thead><tbody>");
	json_array_foreach(bx, i, k) {
		const char *code = json_string_value(json_object_get(k, "box"));
		const json_t *cs = json_object_get(k, "counts");
		const json_t *bpa = json_object_get(k, "bpa");
		const json_t *last = json_array_get(cs, json_array_size(cs) ?
		    json_array_size(cs) - 1 : 0);
		const json_t *cnt = json_object_get(last, "papers");
		const char *pk = code ? d_html_box_place(x->d, code) : NULL;

		if (!pk || strcmp(pk, pl) != 0)
			continue;
		if (json_is_integer(bpa) && json_is_integer(cnt)) {
			sbpa += json_integer_value(bpa);
			sc += json_integer_value(cnt);
		} else
			all = 0;
		put(b, "<tr><th scope=\"row\">");
		esc(b, code);
		put(b, "</th><td class=\"n\">");
		escj(b, bpa);
		put(b, "</td><td class=\"n\">");
		escj(b, cnt);
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(k, "variance"));
		put(b, "</td><td>");
		escj(b, json_object_get(k, "state"));
		put(b, "</td></tr>");
	}
	putf(b, "</tbody></table><p class=\"state\">The place: counted"
	    " %lld, BPA %lld, difference %+lld%s.</p>", sc, sbpa, sc - sbpa,
	    all ? (sc == sbpa ? " \xe2\x80\x94 it balances" : "") :
	    " (not every box counted and agreed yet)");
}

void
d_scr_variance(struct ctx *x, struct sb *b)
{
	static const char *const items[] = { "bpa_arithmetic",
		"unused_count", "other_packets", "postal_not_added",
		"po_contacted", "boxes_issued", NULL };
	static const char *const results[] = { "done", "not_done", NULL };
	static const char *const sup_oc[] = { "agreed", "agreed_on_recount",
		NULL };
	static const char *const dro_oc[] = { "agreed", "agreed_on_recount",
		"variance_confirmed", "within_tolerance", NULL };
	static const char *const ro_oc[] = { "agreed", "agreed_on_recount",
		"variance_confirmed", "within_tolerance", "not_received",
		NULL };
	static const char *const count_cols[] = { "Attempt", "Papers", NULL };
	static const char *const count_keys[] = { "#attempt", "#papers",
		NULL };
	const char *box, *role = x->u->role;
	json_t *bx, *mine;

	if ((mine = picked_box(x, b, "/variance", 0, &box, &bx)) == NULL)
		return;
	put(b, "<p>State <span class=\"state\">");
	escj(b, json_object_get(mine, "state"));
	put(b, "</span>; BPA ");
	escj(b, json_object_get(mine, "bpa"));
	put(b, "; variance ");
	escj(b, json_object_get(mine, "variance"));
	put(b, ".</p>");
	rows_table(b, "Counts (attempt 0 the first)", count_cols, count_keys,
	    json_object_get(mine, "counts"));
	place_panel(x, b, bx, box);
	put(b, "<p>The rule (§2.3): preliminary checks, every"
	    " box issued to the station opened, compensating errors at the"
	    " polling place, at least two recounts until two consecutive"
	    " agree, then the counted figure with the variance and an"
	    " explanation.</p>");
	form_open(x, b, "vcheck", "Preliminary check");
	field(x, b, "vcheck", "box", "", "hidden", box, 0);
	select_field(x, b, "vcheck", "item", "Check", items);
	select_field(x, b, "vcheck", "result", "Result", results);
	form_close(b, "Record check");
	form_open(x, b, "vdecide", "Decide the box");
	field(x, b, "vdecide", "box", "", "hidden", box, 0);
	select_field(x, b, "vdecide", "outcome", "Outcome",
	    strcmp(role, "ro") == 0 ? ro_oc : strcmp(role, "dro") == 0 ?
	    dro_oc : sup_oc);
	field(x, b, "vdecide", "explanation", "Explanation (required but"
	    " for agreed)", "text", "", 0);
	if (strcmp(role, "ro") == 0 || strcmp(role, "dro") == 0)
		field(x, b, "vdecide", "password", "Your password"
		    " (re-authentication, for the RO's outcomes)", "password",
		    "", 0);
	form_close(b, "Record decision");
	/* §2.3 (3): the place's boxes deemed verified together, by a
	 * decision on the place (box.decide with "place") */
	if ((strcmp(role, "ro") == 0 || strcmp(role, "dro") == 0) &&
	    d_html_box_place(x->d, box)) {
		form_open(x, b, "vcomp", "Compensating errors at the polling"
		    " place");
		field(x, b, "vcomp", "box", "", "hidden", box, 0);
		field(x, b, "vcomp", "place", "", "hidden",
		    d_html_box_place(x->d, box), 0);
		field(x, b, "vcomp", "outcome", "", "hidden", "compensating",
		    0);
		field(x, b, "vcomp", "explanation", "Explanation", "text", "",
		    1);
		field(x, b, "vcomp", "password", "Your password"
		    " (re-authentication)", "password", "", 1);
		form_close(b, "Verify the place's boxes");
	}
	/* §3.5: the box's decisions, withdrawn or corrected here */
	d_html_decisions(x, b, box, "wdecision", "cdecision");
	json_decref(bx);
}
