/* SPDX-License-Identifier: MIT */
/*
 * rep_html.c -- a self-contained HTML page (no scripts, no external
 * files): the declaration table, then one SVG bar chart per stage with
 * the quota marked, so a count can be read at a glance and printed.
 */
#include "tl_int.h"

#define CHART_W 560 /* px for the longest bar */
#define ROW_H 22

static void
esc(struct tl_out *o, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': tl_out_str(o, "&lt;"); break;
		case '>': tl_out_str(o, "&gt;"); break;
		case '&': tl_out_str(o, "&amp;"); break;
		case '"': tl_out_str(o, "&quot;"); break;
		default: tl_out_mem(o, s, 1);
		}
	}
}

static bool
has(const int *ids, int n, int id)
{
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void
chart(struct tl_out *o, const struct teller_result *r,
    const struct tl_stage *s, tl_fix max)
{
	int i, h = ROW_H * (r->ncand + 1) + 10, label = 230;
	int64_t x;

	tl_out_fmt(o, "<svg role=\"img\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\">\n", label + CHART_W + 120, h,
	    label + CHART_W + 120, h);
	for (i = 0; i < r->ncand; i++) {
		const char *fill = has(s->elected, s->nelected, i) ? "#2a7d3f"
		    : has(s->excluded, s->nexcluded, i) ? "#b03a2e" : "#4a6fa5";
		int y = ROW_H * i + 4;
		if (tl_num_muldiv(o->ctx, s->votes[i] > 0 ? s->votes[i] : 0,
		    CHART_W, max, TL_ROUND_DOWN, &x) != TELLER_OK)
			x = 0;
		tl_out_fmt(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
		    "font-size=\"13\">", label - 6, y + 15);
		esc(o, TL_CAND(r->contest, i)->name);
		tl_out_fmt(o, "</text><rect x=\"%d\" y=\"%d\" width=\"%lld\" "
		    "height=\"%d\" fill=\"%s\"/>", label, y, (long long)x,
		    ROW_H - 6, fill);
		tl_out_fmt(o, "<text x=\"%lld\" y=\"%d\" font-size=\"12\">",
		    (long long)(label + x + 4), y + 15);
		tl_out_num(o, s->votes[i], r->dp);
		tl_out_str(o, "</text>\n");
	}
	if (r->has_quota && tl_num_muldiv(o->ctx, r->quota, CHART_W, max,
	    TL_ROUND_DOWN, &x) == TELLER_OK) {
		tl_out_fmt(o, "<line x1=\"%lld\" x2=\"%lld\" y1=\"0\" "
		    "y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>",
		    (long long)(label + x), (long long)(label + x),
		    ROW_H * r->ncand + 4);
		tl_out_fmt(o, "<text x=\"%lld\" y=\"%d\" font-size=\"12\">"
		    "quota ", (long long)(label + x + 4),
		    ROW_H * r->ncand + 18);
		tl_out_num(o, r->quota, r->dp);
		tl_out_str(o, "</text>\n");
	}
	tl_out_str(o, "</svg>\n");
}

int
tl_rep_html(teller_ctx *ctx, const struct teller_result *r,
    teller_write_fn w, void *ud)
{
	static const char *const kinds[] = { "First preferences",
		"Transfer of surplus of", "Exclusion of",
		"Second preferences", "Iteration", "Last vacancies filled",
		"Transfer", "Runoff", "Round", "Votes" };
	struct tl_out o;
	const struct tl_stage *first, *last;
	tl_fix max = 1;
	size_t s;
	int i;

	tl_out_init(&o, ctx, w, ud);
	tl_out_str(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	    "charset=\"utf-8\"><title>");
	esc(&o, r->contest->title[0] ? r->contest->title : "Result");
	tl_out_str(&o, "</title><style>body{font-family:sans-serif;"
	    "max-width:60em;margin:2em auto}table{border-collapse:collapse}"
	    "td,th{padding:.2em .6em;border-bottom:1px solid #ccc}"
	    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
	    ".el{font-weight:bold;color:#2a7d3f}</style></head><body>\n<h1>");
	esc(&o, r->contest->title[0] ? r->contest->title : "Result");
	tl_out_str(&o, "</h1>\n<p>");
	esc(&o, r->method_title);
	tl_out_fmt(&o, "; %d seat%s; valid votes ", r->seats,
	    r->seats == 1 ? "" : "s");
	tl_out_num(&o, r->valid, r->dp);
	if (r->has_quota) {
		tl_out_str(&o, "; quota ");
		tl_out_num(&o, r->quota, r->dp);
	}
	tl_out_str(&o, "</p>\n");
	if (r->stages->len == 0)
		return tl_out_flush(&o);
	first = TL_STAGE(r, 0);
	last = TL_STAGE(r, r->stages->len - 1);
	tl_out_str(&o, "<table><tr><th>Candidate</th><th>Party</th>"
	    "<th>First stage</th><th>Final</th><th></th></tr>\n");
	for (i = 0; i < r->ncand; i++) {
		const struct tl_cand *c = TL_CAND(r->contest, i);
		bool el = has(r->elected->data, (int)r->elected->len, i);
		tl_out_str(&o, el ? "<tr class=\"el\"><td>" : "<tr><td>");
		esc(&o, c->name);
		tl_out_str(&o, "</td><td>");
		esc(&o, c->party);
		tl_out_str(&o, "</td><td class=\"n\">");
		tl_out_num(&o, first->votes[i], r->dp);
		tl_out_str(&o, "</td><td class=\"n\">");
		tl_out_num(&o, last->votes[i], r->dp);
		tl_out_str(&o, el ? "</td><td>Elected</td></tr>\n"
				  : "</td><td></td></tr>\n");
	}
	tl_out_str(&o, "</table>\n");
	for (s = 0; s < r->stages->len; s++)
		for (i = 0; i < r->ncand; i++)
			if (TL_STAGE(r, s)->votes[i] > max)
				max = TL_STAGE(r, s)->votes[i];
	if (r->has_quota && r->quota > max)
		max = r->quota;
	for (s = 0; s < r->stages->len; s++) {
		const struct tl_stage *st = TL_STAGE(r, s);
		tl_out_fmt(&o, "<h2>Stage %d: %s", st->number, kinds[st->kind]);
		if (st->subject >= 0 && (st->kind == TL_STAGE_SURPLUS ||
		    st->kind == TL_STAGE_EXCLUSION)) {
			tl_out_str(&o, " ");
			esc(&o, TL_CAND(r->contest, st->subject)->name);
		}
		tl_out_str(&o, "</h2>\n");
		chart(&o, r, st, max);
		tl_out_str(&o, "<p>Non-transferable: ");
		tl_out_num(&o, st->nontrans, r->dp);
		if (r->dp > 0) {
			tl_out_str(&o, "; loss by fractions: ");
			tl_out_num(&o, st->loss, r->dp);
		}
		tl_out_str(&o, "</p>\n");
	}
	tl_out_str(&o, "<p>Generated by teller " TELLER_VERSION ".</p>\n"
	    "</body></html>\n");
	return tl_out_flush(&o);
}
