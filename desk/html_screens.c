/* SPDX-License-Identifier: MIT */
/* html_screens.c -- S-07 verification statement, S-14 reconciliation,
 * S-20 agents' view and S-25 print centre (§5). Like html.c's screens
 * they show API reads as the cookie's session, so a role sees only what
 * §3.4 lets it read; S-07's "issue" is the API's verification entry
 * through html.c's one form path (do_form). Nothing here counts. */
#include "html.h"

#include <stdio.h>
#include <string.h>

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
	json_t *bx = get(x, "contests/%s/boxes", x->d->cs[x->c].id);
	const json_t *v;
	size_t i;
	int n = 0;

	put(b, blockers ? "<h2>Blockers (I5)</h2><ul>" :
	    "<table><caption>Boxes</caption><thead><tr><th scope=\"col\">"
	    "Box</th><th scope=\"col\">Kind</th><th scope=\"col\">State"
	    "</th><th scope=\"col\">BPA</th><th scope=\"col\">Verified"
	    "</th><th scope=\"col\">Variance</th><th scope=\"col\">"
	    "Outcome</th></tr></thead><tbody>");
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
		put(b, "<tr><th scope=\"row\">");
		escj(b, json_object_get(v, "box"));
		put(b, "</th><td>");
		escj(b, json_object_get(v, "kind"));
		put(b, "</td><td class=\"state\">");
		escj(b, json_object_get(v, "state"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(v, "bpa"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(v, "verified"));
		put(b, "</td><td class=\"n\">");
		escj(b, json_object_get(v, "variance"));
		put(b, "</td><td>");
		escj(b, oc);
		put(b, "</td></tr>");
	}
	if (blockers && !n)
		put(b, "<li>None: every box is decided.</li>");
	put(b, blockers ? "</ul>" : "</tbody></table>");
	json_decref(bx);
}

/* S-07: F6 once issued; before, the blockers and (RO, DRO) the issue
 * form. */
void
d_scr_statement(struct ctx *x, struct sb *b)
{
	json_t *st = get(x, "contests/%s/verification", x->d->cs[x->c].id);

	contest_pick(x, b, "/statement");
	if (st) {
		put(b, "<p>Issued at ");
		escj(b, json_object_get(st, "issued_at"));
		put(b, " (entry #");
		escj(b, json_object_get(st, "entry"));
		put(b, "); total going to the count ");
		escj(b, json_object_get(st, "total"));
		put(b, ". ");
		form_link(x, b, "F6", "Print F6");
		put(b, "</p>");
		json_decref(st);
		return;
	}
	put(b, "<p>The statement is not issued yet.</p>");
	box_list(x, b, 1);
	if (strcmp(x->u->role, "ro") == 0 || strcmp(x->u->role, "dro") == 0) {
		form_open(x, b, "issue", "Issue the verification statement");
		form_close(b, "Issue statement");
	}
}

/* S-14: per area, the papers against the verified total (F12). */
void
d_scr_reconciliation(struct ctx *x, struct sb *b)
{
	json_t *r = get(x, "contests/%s/reconciliation", x->d->cs[x->c].id);
	const json_t *a;
	size_t i;
	int off = 0;

	contest_pick(x, b, "/reconciliation");
	if (!r) {
		put(b, "<p>No reconciliation to show.</p>");
		return;
	}
	put(b, "<table><caption>Reconciliation, current round</caption>"
	    "<thead><tr><th scope=\"col\">Area</th><th scope=\"col\">"
	    "Verified</th><th scope=\"col\">Bundles</th><th scope=\"col\">"
	    "Tally sheets</th><th scope=\"col\">Allowed doubtful</th>"
	    "<th scope=\"col\">Rejected</th><th scope=\"col\">Doubtful"
	    " pending</th><th scope=\"col\">Papers</th><th scope=\"col\">"
	    "Difference</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(r, "areas"), i, a) {
		static const char *const k[] = { "verified", "bundles",
			"tally_sheets", "allowed_doubtful", "rejected",
			"pending_doubtful", "papers", "difference", NULL };

		off |= json_integer_value(json_object_get(a, "difference"))
		    != 0;
		put(b, "<tr><th scope=\"row\">");
		escj(b, json_object_get(a, "area"));
		put(b, "</th>");
		for (int j = 0; k[j]; j++) {
			put(b, "<td class=\"n\">");
			escj(b, json_object_get(a, k[j]));
			put(b, "</td>");
		}
		put(b, "</tr>");
	}
	put(b, "</tbody></table><p class=\"state\">");
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
