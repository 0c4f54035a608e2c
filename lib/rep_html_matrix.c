/* SPDX-License-Identifier: MIT */
/*
 * rep_html_matrix.c -- the HTML report's tables for the methods of
 * methods.md: the pairwise matrix with the Smith and Schwartz sets (6.1,
 * 6.7), Schulze's strongest paths (6.5), ranked pairs' pairs in order
 * (6.6), and an electoral college's sections, overall and per round
 * (4.4). Their markup extends docs/reports.md 11 (NAME, STR and N as
 * there; checked by tests/html_contract.py and tests/browser):
 *
 * M1 With `pairwise`: table#pairwise with a <caption>, one
 *    th[scope=col][data-against=NAME] per candidate, and one
 *    tbody tr[data-for=NAME] per candidate with a th[scope=row] holding
 *    NAME and, for every other candidate Y, one
 *    td[data-against=Y][data-value=STR] (STR = pairwise[NAME][Y]) that
 *    shows STR.
 * M2 With `smith` / `schwartz`: an element #smith / #schwartz holding
 *    one [data-member=NAME] per member, in input order.
 * M3 With `paths`: table#paths as M1 from `paths`; a null path is a td
 *    without data-value.
 * M4 With `locked`: table#locked, one tbody tr per pair in order, with
 *    data-winner, data-loser, data-value (the margin) and data-locked
 *    ("true" or "false").
 * M5 With `sections` at stage N: in section#stage-N, per section one
 *    table.college[data-section=ID] with a <caption> holding its name,
 *    and per candidate NAME of the section's `votes` one tr[data-for=
 *    NAME] with td[data-col=votes], td[data-col=percent] and
 *    td[data-col=points], each with data-value = the JSON's STR.
 * M6 With top-level `sections`: table#sections, one tr[data-section=ID]
 *    per section with td[data-col=valid][data-value=STR].
 */
#include <string.h>

#include "rep_html.h"

/* ' KEY="NAME"' for candidate c. */
static void
attr(struct tl_html *h, const char *key, int c)
{
	tl_out_fmt(&h->o, " %s=\"", key);
	tl_rep_html_out_esc(&h->o, TL_CAND(h->r->contest, c)->name);
	tl_out_str(&h->o, "\"");
}

/* A number cell: data-value the exact decimal, the text with thousands
 * separators; col names the column (NULL: none). */
static void
num_td(struct tl_html *h, const char *col, tl_fix v, int dp)
{
	tl_out_str(&h->o, "<td class=\"n\"");
	if (col != NULL)
		tl_out_fmt(&h->o, " data-col=\"%s\"", col);
	tl_out_str(&h->o, " data-value=\"");
	tl_out_num(&h->o, v, dp);
	tl_out_str(&h->o, "\">");
	tl_rep_html_out_num(&h->o, v, dp);
	tl_out_str(&h->o, "</td>");
}

/* M1, M3: matrix m (d or p; -1 = none) as table#id. */
static void
matrix(struct tl_html *h, const char *id, const char *caption,
    const tl_fix *m)
{
	const struct teller_result *r = h->r;
	int x, y, n = r->ncand;

	tl_out_fmt(&h->o, "<div class=\"scroll\" role=\"region\" tabindex="
	    "\"0\" aria-labelledby=\"%s-c\">\n<table id=\"%s\"><caption "
	    "id=\"%s-c\">%s</caption>\n<thead><tr><td></td>", id, id, id,
	    caption);
	for (y = 0; y < n; y++) {
		tl_out_str(&h->o, "<th scope=\"col\"");
		attr(h, "data-against", y);
		tl_out_str(&h->o, ">");
		tl_rep_html_out_name(h, y);
		tl_out_str(&h->o, "</th>");
	}
	tl_out_str(&h->o, "</tr></thead>\n<tbody>\n");
	for (x = 0; x < n; x++) {
		tl_out_str(&h->o, "<tr");
		attr(h, "data-for", x);
		tl_out_str(&h->o, "><th scope=\"row\">");
		tl_rep_html_out_name(h, x);
		tl_out_str(&h->o, "</th>");
		for (y = 0; y < n; y++) {
			tl_fix v = m[(size_t)x * (size_t)n + (size_t)y];

			if (x == y) {
				tl_out_str(&h->o, "<td class=\"n\">&#8211;"
				    "</td>");
				continue;
			}
			if (v < 0) {
				tl_out_str(&h->o, "<td class=\"n\"");
				attr(h, "data-against", y);
				tl_out_str(&h->o, ">none</td>");
				continue;
			}
			tl_out_str(&h->o, "<td class=\"n\"");
			attr(h, "data-against", y);
			tl_out_str(&h->o, " data-value=\"");
			tl_out_num(&h->o, v, r->dp);
			tl_out_str(&h->o, "\">");
			tl_rep_html_out_num(&h->o, v, r->dp);
			tl_out_str(&h->o, "</td>");
		}
		tl_out_str(&h->o, "</tr>\n");
	}
	tl_out_str(&h->o, "</tbody></table>\n</div>\n");
}

/* M2: a set as p#id, its members in input order. */
static void
set(struct tl_html *h, const char *id, const char *label, const bool *in)
{
	int i, n = 0;

	tl_out_fmt(&h->o, "<p id=\"%s\">%s: ", id, label);
	for (i = 0; i < h->r->ncand; i++) {
		if (!in[i])
			continue;
		tl_out_str(&h->o, n++ > 0 ? ", <span" : "<span");
		attr(h, "data-member", i);
		tl_out_str(&h->o, ">");
		tl_rep_html_out_name(h, i);
		tl_out_str(&h->o, "</span>");
	}
	tl_out_str(&h->o, n == 0 ? "none.</p>\n" : ".</p>\n");
}

/* M4: ranked pairs' pairs in the order taken. */
static void
locked(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	size_t i;

	tl_out_str(&h->o, "<div class=\"scroll\" role=\"region\" tabindex="
	    "\"0\" aria-labelledby=\"locked-c\">\n<table id=\"locked\">"
	    "<caption id=\"locked-c\">Pairs in the order taken, strongest "
	    "first</caption>\n<thead><tr><th scope=\"col\">Winner</th>"
	    "<th scope=\"col\">Loser</th><th scope=\"col\">Margin</th>"
	    "<th scope=\"col\">Locked</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->locked->len; i++) {
		const struct tl_lock *l = &TL_VEC_AT(r->locked, struct tl_lock,
		    i);

		tl_out_str(&h->o, "<tr");
		attr(h, "data-winner", l->winner);
		attr(h, "data-loser", l->loser);
		tl_out_str(&h->o, " data-value=\"");
		tl_out_num(&h->o, l->margin, r->dp);
		tl_out_fmt(&h->o, "\" data-locked=\"%s\"><td>", l->locked ?
		    "true" : "false");
		tl_rep_html_out_name(h, l->winner);
		tl_out_str(&h->o, "</td><td>");
		tl_rep_html_out_name(h, l->loser);
		tl_out_str(&h->o, "</td>");
		num_td(h, NULL, l->margin, r->dp);
		tl_out_fmt(&h->o, "<td>%s</td></tr>\n", l->locked ? "locked" :
		    "not locked: it would close a cycle");
	}
	tl_out_str(&h->o, "</tbody></table>\n</div>\n");
}

void
tl_rep_html_matrix_pairwise(struct tl_html *h)
{
	const struct teller_result *r = h->r;

	if (r->pairwise == NULL)
		return;
	tl_out_str(&h->o, "<section id=\"pairwise-contests\" "
	    "aria-labelledby=\"pairwise-h\">\n<h2 id=\"pairwise-h\">"
	    "Pairwise contests</h2>\n<p>Each cell is the number of ballots "
	    "that rank the row's candidate above the column's; a ranked "
	    "candidate is above every unranked one.</p>\n");
	matrix(h, "pairwise", "Ballots ranking the row&#39;s candidate "
	    "above the column&#39;s", r->pairwise);
	if (r->smith != NULL)
		set(h, "smith", "Smith set (each beats every candidate "
		    "outside it)", r->smith);
	if (r->schwartz != NULL)
		set(h, "schwartz", "Schwartz set", r->schwartz);
	if (r->paths != NULL)
		matrix(h, "paths", "Strength of the strongest path from the "
		    "row&#39;s candidate to the column&#39;s", r->paths);
	if (r->locked != NULL)
		locked(h);
	tl_out_str(&h->o, "</section>\n");
}

/* Section k's definition: the result's, or one section "all". */
static const struct tl_section *
sect_def(const struct teller_result *r, int k)
{
	static const struct tl_section all = { "all", "all", "1", 1, 1 };

	return r->sects != NULL ? &TL_VEC_AT(r->sects, struct tl_section, k) :
	    &all;
}

/* ' data-section="ID"' of section k. */
static void
sect_attr(struct tl_html *h, int k)
{
	tl_out_str(&h->o, " data-section=\"");
	tl_rep_html_out_esc(&h->o, sect_def(h->r, k)->id);
	tl_out_str(&h->o, "\"");
}

/* M6: each section's weight, valid and rejected ballots (round 1). */
void
tl_rep_html_matrix_sections(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	int64_t sc;
	int k;

	if (r->nsect == 0 || r->sect_valid == NULL)
		return;
	sc = tl_num_pow10(r->dp - r->sect_vdp);
	tl_out_str(&h->o, "<section id=\"college\" aria-labelledby=\""
	    "college-h\">\n<h2 id=\"college-h\">Sections of the college</h2>"
	    "\n<p>Each section's votes are taken as shares of its own live "
	    "ballots, then weighted; the college's points add up to 100."
	    "</p>\n<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
	    "aria-labelledby=\"sections-c\">\n<table id=\"sections\"><caption "
	    "id=\"sections-c\">Sections, their weights and ballots</caption>"
	    "\n<thead><tr><th scope=\"col\">Section</th><th scope=\"col\">"
	    "Weight</th><th scope=\"col\">Valid ballots</th><th scope=\"col\">"
	    "Rejected</th></tr></thead>\n<tbody>\n");
	for (k = 0; k < r->nsect; k++) {
		tl_out_str(&h->o, "<tr");
		sect_attr(h, k);
		tl_out_str(&h->o, "><th scope=\"row\">");
		tl_rep_html_out_esc(&h->o, sect_def(r, k)->name);
		tl_out_str(&h->o, "</th><td class=\"n\">");
		tl_rep_html_out_esc(&h->o, sect_def(r, k)->weight);
		tl_out_str(&h->o, "</td>");
		num_td(h, "valid", r->sect_valid[k] / sc, r->sect_vdp);
		num_td(h, "rejected", (r->sect_unmarked[k] +
		    r->sect_over[k]) / sc, r->sect_vdp);
		tl_out_str(&h->o, "</tr>\n");
	}
	tl_out_str(&h->o, "</tbody></table>\n</div>\n</section>\n");
}

/* M5: one section's figures at stage s. */
static void
stage_section(struct tl_html *h, const struct tl_stage *s, int k)
{
	const struct teller_result *r = h->r;
	const struct tl_sect_stage *x = &s->sect[k];
	int64_t sc = tl_num_pow10(r->dp - r->sect_vdp);
	int i;

	tl_out_fmt(&h->o, "<div class=\"scroll\" role=\"region\" tabindex="
	    "\"0\" aria-labelledby=\"stage-%d-s%d\">\n<table class=\""
	    "college\"", s->number, k + 1);
	sect_attr(h, k);
	tl_out_fmt(&h->o, "><caption id=\"stage-%d-s%d\">Section ",
	    s->number, k + 1);
	tl_rep_html_out_esc(&h->o, sect_def(r, k)->name);
	tl_out_str(&h->o, " (weight ");
	tl_rep_html_out_esc(&h->o, sect_def(r, k)->weight);
	tl_out_str(&h->o, "): live ballots ");
	tl_rep_html_out_num(&h->o, x->valid / sc, r->sect_vdp);
	tl_out_str(&h->o, ", non-transferable ");
	tl_rep_html_out_num(&h->o, x->nontrans / sc, r->sect_vdp);
	tl_out_str(&h->o, "</caption>\n<thead><tr><th scope=\"col\">"
	    "Candidate</th><th scope=\"col\">Votes</th><th scope=\"col\">"
	    "Per cent</th><th scope=\"col\">Points</th></tr></thead>\n"
	    "<tbody>\n");
	for (i = 0; i < r->ncand; i++) {
		if (x->points[i] < 0)
			continue;
		tl_out_str(&h->o, "<tr");
		attr(h, "data-for", i);
		tl_out_str(&h->o, "><th scope=\"row\">");
		tl_rep_html_out_name(h, i);
		tl_out_str(&h->o, "</th>");
		num_td(h, "votes", x->votes[i] / sc, r->sect_vdp);
		num_td(h, "percent", x->percent[i], TL_COLLEGE_DP);
		num_td(h, "points", x->points[i], TL_COLLEGE_DP);
		tl_out_str(&h->o, "</tr>\n");
	}
	tl_out_str(&h->o, "</tbody></table>\n</div>\n");
}

void
tl_rep_html_matrix_stage(struct tl_html *h, const struct tl_stage *s)
{
	int k;

	if (s->sect == NULL)
		return;
	tl_out_fmt(&h->o, "<h4 id=\"stage-%d-sections\">Sections at this "
	    "%s</h4>\n", s->number, h->us ? "round" : "stage");
	for (k = 0; k < h->r->nsect; k++)
		stage_section(h, s, k);
}
