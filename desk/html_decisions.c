/* SPDX-License-Identifier: MIT */
/* html_decisions.c -- verification outcomes (box.decide) on S-06 and
 * S-07 (§2.3, §3.5): each decision of a box (or of the contest) with
 * its state -- it stands; withdrawn or corrected by whom, when and why;
 * or no longer standing since a figure changed -- and, for the RO and a
 * DRO with verify_approve while §3.5 allows it, the forms that withdraw
 * or correct one. The forms are the API's entries/N/withdrawal and
 * entries/N/correction through html.c's one form path (do_form), so the
 * action code checks who, when and why exactly as for the API. */
#include "html.h"

#include <stdio.h>
#include <string.h>

/* Whether decision n still decides a box of contest c. */
static int
stands(const struct desk *d, int c, long long n)
{
	for (int b = 0; b < d->nboxes; b++)
		for (int j = 0; j < d->boxes[b].npolls; j++) {
			const struct d_vpoll *p = &d->boxes[b].polls[j];

			if (p->contest == c && p->decided && p->decision == n)
				return 1;
		}
	return 0;
}

/* Whether decision line ev concerns box (its box, or its place);
 * every decision when box is NULL. */
static int
concerns(const struct desk *d, const json_t *ev, const char *box)
{
	const json_t *data = json_object_get(ev, "data");
	const char *bx = json_string_value(json_object_get(data, "box"));
	const char *pl = json_string_value(json_object_get(data, "place"));
	const char *mine = box ? d_html_box_place(d, box) : NULL;

	if (!box)
		return 1;
	return (bx && strcmp(bx, box) == 0) || (pl && mine &&
	    strcmp(pl, mine) == 0);
}

/* Whether x's user may withdraw or correct a decision of contest c now
 * (§3.5): the RO or a DRO with verify_approve, in VERIFYING or once F6
 * is issued while it may be corrected. The API checks it again. */
static int
may_supersede(struct ctx *x, int c)
{
	const char *r = x->u->role;
	int s = x->d->cs[c].state;

	if (strcmp(r, "ro") != 0 && (strcmp(r, "dro") != 0 ||
	    !d_has_power(x->d, x->u, c, "verify_approve")))
		return 0;
	return s == S_VERIFYING || (d_f6_correctable(s) &&
	    d_f6_versions(x->d, c));
}

/* A decision's row: entry, what it decided, outcome and explanation
 * (struck through once it no longer stands), who, when, its state. */
static void
decision_row(struct ctx *x, struct sb *b, const json_t *ev)
{
	const json_t *data = json_object_get(ev, "data");
	long long n = json_integer_value(json_object_get(ev, "entry"));
	int on = stands(x->d, x->c, n);
	const char *del = on ? "" : "<del>", *led = on ? "" : "</del>";

	putf(b, "<tr><th scope=\"row\">#%lld</th><td>", n);
	if (json_is_string(json_object_get(data, "place"))) {
		put(b, "place ");
		escj(b, json_object_get(data, "place"));
	} else
		escj(b, json_object_get(data, "box"));
	putf(b, "</td><td>%s", del);
	escj(b, json_object_get(data, "outcome"));
	putf(b, "%s</td><td>%s", led, del);
	escj(b, json_object_get(data, "explanation"));
	putf(b, "%s</td><td>", led);
	escj(b, json_object_get(ev, "user"));
	put(b, "</td><td>");
	escj(b, json_object_get(ev, "at"));
	put(b, "</td><td>");
	if (on)
		put(b, "Stands");
	else if (d_html_superseding(x->d, n))
		d_html_superseded_why(x, b, n);
	else
		put(b, "No longer stands: a figure changed since; the box is"
		    " decided again");
	put(b, "</td></tr>");
}

/* The withdrawal and correction forms (form ids wform, cform): the
 * entry (n, the standing decision, filled in), a reason; the
 * correction's new outcome. box: S-06's box (hidden), or NULL for a
 * typed one (S-07). */
static void
decision_forms(struct ctx *x, struct sb *b, const char *wform,
    const char *cform, const char *box, long long n)
{
	static const char *const ro_oc[] = { "agreed", "agreed_on_recount",
		"variance_confirmed", "within_tolerance", "not_received",
		NULL };
	static const char *const dro_oc[] = { "agreed",
		"agreed_on_recount", "variance_confirmed", "within_tolerance",
		NULL };
	char en[24] = "";

	if (n)
		snprintf(en, sizeof en, "%lld", n);
	put(b, "<p>A decision is withdrawn (the box is decided again) or"
	    " corrected (decided anew) by a new entry, with a reason"
	    " (\xc2\xa7" "3.5); a polling place's decision is withdrawn,"
	    " not corrected.</p>");
	form_open(x, b, wform, "Withdraw a decision");
	if (box)
		field(x, b, wform, "box", "", "hidden", box, 0);
	field(x, b, wform, "entry", "Decision entry number", "num", en, 1);
	d_html_reason(x, b, wform);
	form_close(b, "Withdraw decision");
	form_open(x, b, cform, "Correct a decision");
	field(x, b, cform, "entry", "Decision entry number", "num", en, 1);
	field(x, b, cform, "box", "Box", box ? "hidden" : "text", box ? box :
	    "", 1);
	select_field(x, b, cform, "outcome", "New outcome",
	    strcmp(x->u->role, "ro") == 0 ? ro_oc : dro_oc);
	field(x, b, cform, "explanation", "Explanation (required but for"
	    " agreed)", "text", "", 0);
	d_html_reason(x, b, cform);
	field(x, b, cform, "password", "Your password (re-authentication,"
	    " for the RO's outcomes)", "password", "", 0);
	form_close(b, "Correct decision");
}

/* S-06 (box) and S-07 (box NULL: the contest's): the decisions with
 * their history, then the forms where the user may use them; wform
 * and cform the forms' ids (their screen to come back to). */
void
d_html_decisions(struct ctx *x, struct sb *b, const char *box,
    const char *wform, const char *cform)
{
	static const char *const cols[] = { "Entry", "Box", "Outcome",
		"Explanation", "By", "At", "State", NULL };
	json_t *all = df_events(x->d, "box.decide", x->d->cs[x->c].id);
	const json_t *ev;
	long long cur = 0;
	size_t i;
	int n = 0;

	json_array_foreach(all, i, ev) {
		if (!concerns(x->d, ev, box))
			continue;
		if (!n++)
			table_open(b, "Decisions (box.decide) and their"
			    " history", cols);
		decision_row(x, b, ev);
		if (stands(x->d, x->c, json_integer_value(json_object_get(ev,
		    "entry"))))
			cur = json_integer_value(json_object_get(ev, "entry"));
	}
	json_decref(all);
	put(b, n ? "</tbody></table>" : "<p>No decision recorded yet.</p>");
	if (n && may_supersede(x, x->c))
		decision_forms(x, b, wform, cform, box, box ? cur : 0);
}
