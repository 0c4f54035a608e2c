/* SPDX-License-Identifier: MIT */
/*
 * rep_html.c -- the HTML report of docs/reports.md: one self-contained
 * page (inline CSS and SVG, a Content Security Policy that forbids any
 * fetch), the declaration first, the summary table, a section per stage
 * with its narrative and bar chart, the flow chart of every transfer,
 * and the audit appendix. Layouts by method (uk-declaration, uk-sv,
 * scot-stv, rcv), or as the caller names. The page is a pure function of
 * the result: same result, same bytes.
 */
#include <string.h>

#include "decl.h"
#include "rep_html.h"
#include "sens.h"

#define BAR_W 600       /* user units for the longest bar */
#define ROW_H 34        /* a candidate's row in a stage chart */
#define FLOW_H 480      /* user units for the valid poll in the flow */
#define FLOW_COL 170    /* between two columns of the flow */
#define FLOW_GAP 8      /* between two nodes of a column */
#define FLOW_NODE 12    /* a node's width */
#define FLOW_LEFT 220   /* room for the names left of the first column */

static const char css[] =
	"body{font-family:system-ui,\"DejaVu Sans\",\"Liberation Sans\","
	"sans-serif;max-width:72em;margin:0 auto;padding:0 1em;"
	"line-height:1.45;color:#111;background:#fff}"
	".skip{position:absolute;left:-999em}"
	".skip:focus{left:1em;top:1em;background:#fff;padding:.3em}"
	"table{border-collapse:collapse;margin:.5em 0}"
	"caption{text-align:left;font-weight:bold;padding:.3em 0}"
	"th,td{padding:.2em .5em;border-bottom:1px solid #bbb;"
	"text-align:left;vertical-align:top}"
	".n,td[data-votes]{text-align:right;"
	"font-variant-numeric:tabular-nums;white-space:nowrap}"
	".scroll{overflow-x:auto;max-width:100%}"
	"th[scope=row]{overflow-wrap:anywhere;min-width:8em}"
	"svg{max-width:100%;height:auto}"
	".stage-chart text,#flow text{font-size:13px;fill:#111}"
	".b0{fill:#0b5fa5}.b1{fill:#00704f}.b2{fill:#9a4a00}"
	".q{stroke:#111;stroke-dasharray:4 3}"
	".band{fill-opacity:.55}.keep{fill:#ccc;fill-opacity:.5}"
	".node{fill:#333}.nt{fill:#777}"
	"figure{margin:.5em 0;break-inside:avoid}"
	"@page{size:A4;margin:15mm}"
	"@page wide{size:A4 landscape}"
	"@media print{.skip,nav{display:none}"
	".stage{break-before:page}.wide{page:wide}"
	"a[href^=\"http\"]::after{content:\" (\" attr(href) \")\"}"
	".scroll{overflow:visible}}";

/* Escaped name as an attribute value (no <bdi>). */
static void
attr_name(struct tl_html *h, const char *key, int c)
{
	tl_out_fmt(&h->o, " %s=\"", key);
	tl_rep_html_out_esc(&h->o, TL_CAND(h->r->contest, c)->name);
	tl_out_str(&h->o, "\"");
}

/* The authority and election line above the title (--meta). */
static void
head_meta(struct tl_html *h)
{
	const struct tl_meta *m = h->r->meta;
	const char *part[4];
	int i, n = 0;

	if (m == NULL)
		return;
	part[n] = m->authority;
	n += m->authority != NULL;
	part[n] = m->election;
	n += m->election != NULL;
	part[n] = m->area;
	n += m->area != NULL;
	part[n] = m->date;
	n += m->date != NULL;
	if (n == 0)
		return;
	tl_out_str(&h->o, "<p class=\"meta\">");
	for (i = 0; i < n; i++) {
		if (i > 0)
			tl_out_str(&h->o, " \xe2\x80\x94 ");
		if (part[i] == m->date)
			tl_out_str(&h->o, "date of poll: ");
		tl_rep_html_out_esc(&h->o, part[i]);
	}
	tl_out_str(&h->o, "</p>\n");
}

static void
head(struct tl_html *h)
{
	const char *t = h->r->contest->title;
	struct tl_out *o = &h->o;

	tl_out_str(o, "<!DOCTYPE html>\n<html lang=\"");
	tl_rep_html_out_esc(o, h->lang);
	tl_out_fmt(o, "\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-"
	    "Policy\" content=\"default-src 'none'; style-src "
	    "'unsafe-inline'; img-src data:\">\n<meta name=\"generator\" "
	    "content=\"teller " TELLER_VERSION "\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	tl_rep_html_out_esc(o, t[0] != '\0' ? t : "Result of the count");
	tl_out_fmt(o, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<a class=\"skip\" href=\"#declaration\">Skip to the result</a>\n"
	    "<header>\n", css);
	head_meta(h);
	tl_out_str(o, "<h1>");
	tl_rep_html_out_esc(o, t[0] != '\0' ? t : "Result of the count");
	tl_out_str(o, "</h1>\n<p>");
	tl_rep_html_out_esc(o, h->r->method_title);
	if (h->r->regime_title != NULL) {
		tl_out_str(o, "; the rules for a ");
		tl_rep_html_out_esc(o, h->r->regime_title);
	}
	tl_out_fmt(o, "; %d %s to fill.</p>\n</header>\n<main>\n",
	    h->r->seats, h->r->seats == 1 ? "seat" : "seats");
}

/* The status cell of candidate c in the summary table. */
static void
status_cell(struct tl_html *h, int c)
{
	const char *w = tl_rep_html_out_stage_word(h);

	if (h->elst[c] > 0)
		tl_out_fmt(&h->o, "<td>elected at %s %d</td>",
		    h->us ? "round" : "stage", h->elst[c]);
	else if (h->exst[c] > 0)
		tl_out_fmt(&h->o, "<td>%s at %s %d</td>", h->us ? "eliminated"
		    : "excluded", w[0] == 'R' ? "round" : "stage",
		    h->exst[c]);
	else
		tl_out_str(&h->o, "<td>not elected</td>");
}

/* One foot row of the summary table: non-transferable or loss. */
static void
foot_row(struct tl_html *h, const char *key, const char *label, bool loss)
{
	size_t k;

	tl_out_fmt(&h->o, "<tr data-row=\"%s\"><th scope=\"row\">%s</th>"
	    "<td></td>", key, label);
	for (k = 0; k < h->r->stages->len; k++) {
		const struct tl_stage *s = TL_STAGE(h->r, k);
		tl_fix v = loss ? s->loss : s->nontrans;
		tl_out_fmt(&h->o, "<td data-stage=\"%d\"", s->number);
		tl_rep_html_out_votes(h, v);
		tl_out_str(&h->o, ">");
		tl_rep_html_out_num(&h->o, v, h->r->dp);
		tl_out_str(&h->o, "</td>");
	}
	tl_out_str(&h->o, "<td></td></tr>\n");
}

static void
summary_head(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	size_t k;
	const char *w = h->us ? "round" : "stage";

	tl_out_fmt(&h->o, "<section id=\"summary\" aria-labelledby=\"summary-h"
	    "\">\n<h2 id=\"summary-h\">Summary: votes at each %s</h2>\n<div "
	    "class=\"scroll%s\" role=\"region\" tabindex=\"0\" aria-label=\""
	    "Votes at each %s\">\n<table id=\"stages\">\n<caption>Votes for "
	    "each candidate at each %s</caption>\n<thead><tr><th scope=\"col\">"
	    "Candidate</th><th scope=\"col\">Party</th>", w,
	    r->stages->len > 8 ? " wide" : "", w, w);
	for (k = 0; k < r->stages->len; k++) {
		const struct tl_stage *s = TL_STAGE(r, k);
		tl_out_fmt(&h->o, "<th scope=\"col\" data-stage=\"%d\">%s %d",
		    s->number, tl_rep_html_out_stage_word(h), s->number);
		if (s->subject >= 0 && (s->kind == TL_STAGE_SURPLUS ||
		    s->kind == TL_STAGE_EXCLUSION)) {
			tl_out_str(&h->o, s->kind == TL_STAGE_SURPLUS ?
			    "<br>surplus of " : h->us ? "<br>eliminating " :
			    "<br>exclusion of ");
			tl_rep_html_out_name(h, s->subject);
		}
		tl_out_str(&h->o, "</th>");
	}
	tl_out_str(&h->o, "<th scope=\"col\">Result</th></tr></thead>\n"
	    "<tbody>\n");
}

/* Summary table (section 11 items 7-10): candidates x stages. */
static void
summary(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	size_t k;
	int c;

	summary_head(h);
	for (c = 0; c < r->ncand; c++) {
		tl_out_str(&h->o, "<tr");
		attr_name(h, "data-candidate", c);
		tl_out_fmt(&h->o, " data-status=\"%s\"><th scope=\"row\">",
		    h->elst[c] > 0 ? "elected" : h->exst[c] > 0 ? "excluded"
		    : "not-elected");
		tl_rep_html_out_name(h, c);
		tl_out_str(&h->o, "</th><td>");
		tl_rep_html_out_esc(&h->o, tl_decl_party(r, c));
		tl_out_str(&h->o, "</td>");
		for (k = 0; k < r->stages->len; k++) {
			const struct tl_stage *s = TL_STAGE(r, k);
			tl_out_fmt(&h->o, "<td data-stage=\"%d\"", s->number);
			tl_rep_html_out_votes(h, s->votes[c]);
			tl_out_str(&h->o, ">");
			if (s->votes[c] == 0 && h->exst[c] > 0 &&
			    h->exst[c] <= s->number)
				tl_out_str(&h->o, "&ndash;");
			else
				tl_rep_html_out_num(&h->o, s->votes[c], r->dp);
			tl_out_str(&h->o, "</td>");
		}
		status_cell(h, c);
		tl_out_str(&h->o, "</tr>\n");
	}
	tl_out_str(&h->o, "</tbody>\n<tfoot>\n");
	foot_row(h, "non-transferable", h->us ? "Inactive ballots"
	    : "Non-transferable", false);
	if (r->dp > 0)
		foot_row(h, "loss-by-fractions", "Loss by fractions", true);
	tl_out_str(&h->o, "</tfoot>\n</table>\n</div>\n</section>\n");
}

/* Bar class: 1 elected at or before stage n, 2 excluded, 0 continuing. */
static int
bar_class(const struct tl_html *h, int c, int n)
{
	if (h->elst[c] > 0 && h->elst[c] <= n)
		return 1;
	return h->exst[c] > 0 && h->exst[c] <= n ? 2 : 0;
}

/* The chart's <desc>: every bar in words. */
static void
chart_desc(struct tl_html *h, const struct tl_stage *s)
{
	int c, n = 0;

	for (c = 0; c < h->r->ncand; c++) {
		int b = bar_class(h, c, s->number);
		if (s->votes[c] == 0 && b != 1)
			continue;
		tl_out_str(&h->o, n++ > 0 ? "; " : "");
		tl_rep_html_out_esc(&h->o, TL_CAND(h->r->contest, c)->name);
		tl_out_str(&h->o, " ");
		tl_rep_html_out_num(&h->o, s->votes[c], h->r->dp);
		tl_out_str(&h->o, b == 1 ? " (elected)" : b == 2 ?
		    (h->us ? " (eliminated)" : " (excluded)") : "");
	}
	tl_out_str(&h->o, n > 0 ? "." : "No votes.");
}

/* One stage's bar chart: a row per candidate (ballot order), the name
 * above the bar; widths in tenths, votes x BAR_W / max rounded down. */
static void
chart(struct tl_html *h, const struct tl_stage *s, tl_fix max)
{
	const struct teller_result *r = h->r;
	int c, y = r->has_quota ? 22 : 4, hgt;
	int64_t x;

	hgt = y + ROW_H * r->ncand + 4;
	tl_out_fmt(&h->o, "<figure>\n<svg class=\"stage-chart\" role=\"img\" "
	    "aria-labelledby=\"s%d-t s%d-d\" viewBox=\"0 0 %d %d\" width=\"%d"
	    "\" height=\"%d\"><title id=\"s%d-t\">Votes at %s %d</title>"
	    "<desc id=\"s%d-d\">", s->number, s->number, BAR_W + 160, hgt,
	    BAR_W + 160, hgt, s->number, h->us ? "round" : "stage",
	    s->number, s->number);
	chart_desc(h, s);
	tl_out_str(&h->o, "</desc>\n");
	for (c = 0; c < r->ncand; c++, y += ROW_H) {
		const struct tl_cand *cd = TL_CAND(r->contest, c);
		int b = bar_class(h, c, s->number);
		tl_out_fmt(&h->o, "<text x=\"0\" y=\"%d\">", y + 12);
		tl_rep_html_out_esc(&h->o, cd->name);
		tl_out_str(&h->o, b == 1 ? " (elected)" : b == 2 ?
		    (h->us ? " (eliminated)" : " (excluded)") : "");
		tl_out_str(&h->o, "</text>");
		if (s->votes[c] <= 0 || tl_num_muldiv(h->o.ctx, s->votes[c],
		    BAR_W * 10, max, TL_ROUND_DOWN, &x) != TELLER_OK) {
			tl_out_str(&h->o, "\n");
			continue;
		}
		tl_out_str(&h->o, "<rect");
		attr_name(h, "data-candidate", c);
		tl_rep_html_out_votes(h, s->votes[c]);
		tl_out_fmt(&h->o, " class=\"b%d\" x=\"0\" y=\"%d\" width=\""
		    "%lld.%lld\" height=\"14\"/><text x=\"%lld\" y=\"%d\">", b,
		    y + 16, (long long)(x / 10), (long long)(x % 10),
		    (long long)(x / 10 + 6), y + 28);
		tl_rep_html_out_num(&h->o, s->votes[c], r->dp);
		tl_out_str(&h->o, "</text>\n");
	}
	if (r->has_quota && r->quota <= max && tl_num_muldiv(h->o.ctx,
	    r->quota, BAR_W * 10, max, TL_ROUND_DOWN, &x) == TELLER_OK) {
		tl_out_fmt(&h->o, "<line class=\"q\" x1=\"%lld.%lld\" "
		    "x2=\"%lld.%lld\" y1=\"18\" y2=\"%d\"/><text x=\"%lld\" "
		    "y=\"13\" text-anchor=\"middle\">quota ",
		    (long long)(x / 10), (long long)(x % 10),
		    (long long)(x / 10), (long long)(x % 10), hgt,
		    (long long)(x / 10 < 60 ? 60 : x / 10));
		tl_rep_html_out_num(&h->o, r->quota, r->dp);
		tl_out_str(&h->o, "</text>\n");
	}
	tl_out_str(&h->o, "</svg>\n</figure>\n");
}

static void
stages(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	tl_fix max = 1;
	size_t k;
	int c;

	for (k = 0; k < r->stages->len; k++)
		for (c = 0; c < r->ncand; c++)
			if (TL_STAGE(r, k)->votes[c] > max)
				max = TL_STAGE(r, k)->votes[c];
	if (r->has_quota && r->quota > max)
		max = r->quota;
	tl_out_fmt(&h->o, "<section id=\"stage-list\" aria-labelledby=\""
	    "stage-list-h\">\n<h2 id=\"stage-list-h\">%s</h2>\n",
	    h->us ? "Round by round" : "Stage by stage");
	for (k = 0; k < r->stages->len; k++) {
		const struct tl_stage *s = TL_STAGE(r, k);
		tl_out_fmt(&h->o, "<section class=\"stage\" id=\"stage-%d\" "
		    "aria-labelledby=\"stage-%d-h\">\n<h3 id=\"stage-%d-h\">"
		    "%s %d</h3>\n", s->number, s->number, s->number,
		    tl_rep_html_out_stage_word(h), s->number);
		tl_rep_html_text_narrative(h, k);
		chart(h, s, max);
		tl_rep_html_matrix_stage(h, s);
		tl_out_str(&h->o, "</section>\n");
	}
	tl_out_str(&h->o, "</section>\n");
}

/* Flow geometry: node tops per column (FLOW_GAP between), in units. */
struct flow {
	int64_t *top;  /* [nst][ncand + 2]: candidates, non-trans., loss */
	int64_t *in;   /* [ncand + 2] entry offsets for the current stage */
	int64_t *out;  /* [ncand + 2] exit offsets for the current stage */
	int nslot;
};

static int64_t
units(struct tl_html *h, tl_fix v)
{
	int64_t u = 0;

	if (v > 0 && tl_num_muldiv(h->o.ctx, v, FLOW_H, h->r->valid > 0 ?
	    h->r->valid : 1, TL_ROUND_DOWN, &u) != TELLER_OK)
		u = 0;
	return u;
}

static tl_fix
slot_votes(const struct tl_stage *s, int ncand, int i)
{
	return i < ncand ? s->votes[i] : i == ncand ? s->nontrans : s->loss;
}

static void
flow_nodes(struct tl_html *h, struct flow *f)
{
	const struct teller_result *r = h->r;
	size_t k;
	int i;

	for (k = 0; k < r->stages->len; k++) {
		const struct tl_stage *s = TL_STAGE(r, k);
		int64_t y = 30, x = FLOW_LEFT + (int64_t)k * FLOW_COL;
		for (i = 0; i < f->nslot; i++) {
			int64_t u = units(h, slot_votes(s, r->ncand, i));
			f->top[k * (size_t)f->nslot + (size_t)i] = y;
			if (u > 0 || slot_votes(s, r->ncand, i) > 0)
				tl_out_fmt(&h->o, "<rect class=\"%s\" x=\"%lld"
				    "\" y=\"%lld\" width=\"%d\" height=\"%lld"
				    "\"/>", i < r->ncand ? "node" : "nt",
				    (long long)x, (long long)y, FLOW_NODE,
				    (long long)(u > 0 ? u : 1));
			y += u + FLOW_GAP;
		}
		tl_out_str(&h->o, "\n");
	}
}

/* A band: filled between two cubic curves from (x0, y0) to (x1, y1). */
static void
band_path(struct tl_html *h, int64_t x0, int64_t y0, int64_t x1,
    int64_t y1, int64_t t)
{
	int64_t xm = (x0 + x1) / 2;

	tl_out_fmt(&h->o, " d=\"M%lld,%lld C%lld,%lld %lld,%lld %lld,%lld "
	    "L%lld,%lld C%lld,%lld %lld,%lld %lld,%lld Z\"", (long long)x0,
	    (long long)y0, (long long)xm, (long long)y0, (long long)xm,
	    (long long)y1, (long long)x1, (long long)y1, (long long)x1,
	    (long long)(y1 + t), (long long)xm, (long long)(y1 + t),
	    (long long)xm, (long long)(y0 + t), (long long)x0,
	    (long long)(y0 + t));
}

static void
flow_band(struct tl_html *h, struct flow *f, size_t k,
    const struct tl_transfer *t)
{
	const struct teller_result *r = h->r;
	int to = t->to >= 0 ? t->to : t->to == TL_TO_NONTRANS ? r->ncand
	    : t->to == TL_TO_LOSS && r->dp > 0 ? r->ncand + 1 : -1;
	int64_t u = units(h, t->votes), x0, x1, y0, y1;
	size_t n = (size_t)f->nslot;

	x0 = FLOW_LEFT + (int64_t)(k - 1) * FLOW_COL + FLOW_NODE;
	x1 = FLOW_LEFT + (int64_t)k * FLOW_COL;
	y0 = f->top[(k - 1) * n + (size_t)t->from] + f->out[t->from];
	y1 = to >= 0 ? f->top[k * n + (size_t)to] + f->in[to]
	    : f->top[k * n + n - 1] + FLOW_H / 8;
	f->out[t->from] += u;
	if (to >= 0)
		f->in[to] += u;
	tl_out_fmt(&h->o, "<path class=\"band b%d\" data-stage=\"%d\"",
	    bar_class(h, t->from, TL_STAGE(r, k)->number),
	    TL_STAGE(r, k)->number);
	attr_name(h, "data-from", t->from);
	if (t->to >= 0)
		attr_name(h, "data-to", t->to);
	else
		tl_out_fmt(&h->o, " data-to=\"%s\"", t->to == TL_TO_NONTRANS
		    ? "non-transferable" : t->to == TL_TO_LOSS ?
		    "loss-by-fractions" : "others");
	tl_rep_html_out_votes(h, t->votes);
	band_path(h, x0, y0, x1, y1, u);
	tl_out_fmt(&h->o, "><title>%s %d: ", tl_rep_html_out_stage_word(h),
	    TL_STAGE(r, k)->number);
	tl_rep_html_out_esc(&h->o, TL_CAND(r->contest, t->from)->name);
	tl_out_str(&h->o, " \xe2\x86\x92 ");
	tl_rep_html_out_esc(&h->o, t->to >= 0 ? TL_CAND(r->contest, t->to)->name
	    : t->to == TL_TO_NONTRANS ? (h->us ? "inactive" :
	    "non-transferable") : t->to == TL_TO_LOSS ? "loss by fractions"
	    : "others (not recorded by candidate)");
	tl_out_str(&h->o, ", ");
	tl_rep_html_out_num(&h->o, t->votes, r->dp);
	tl_out_str(&h->o, " votes</title></path>\n");
}

/* Stage k's pale bands: what each candidate keeps, then its transfers. */
static void
flow_stage(struct tl_html *h, struct flow *f, size_t k)
{
	const struct teller_result *r = h->r;
	const struct tl_stage *s = TL_STAGE(r, k), *p = TL_STAGE(r, k - 1);
	size_t i, n = (size_t)f->nslot;
	int c;

	for (i = 0; i < n; i++)
		f->in[i] = f->out[i] = 0;
	/* a new ballot (exhaustive): nobody knows who kept or moved */
	if (s->has_round)
		return;
	for (c = 0; c < f->nslot; c++) {
		tl_fix a = slot_votes(p, r->ncand, c);
		tl_fix b = slot_votes(s, r->ncand, c), kept = a < b ? a : b;
		int64_t u = units(h, kept);
		if (kept <= 0)
			continue;
		tl_out_str(&h->o, "<path class=\"keep\"");
		band_path(h, FLOW_LEFT + (int64_t)(k - 1) * FLOW_COL +
		    FLOW_NODE, f->top[(k - 1) * n + (size_t)c],
		    FLOW_LEFT + (int64_t)k * FLOW_COL,
		    f->top[k * n + (size_t)c], u);
		tl_out_str(&h->o, "/>\n");
		f->out[c] = f->in[c] = u;
	}
	if (s->transfers != NULL && s->transfers->len > 0) {
		for (i = 0; i < s->transfers->len; i++)
			flow_band(h, f, k, &TL_VEC_AT(s->transfers,
			    struct tl_transfer, i));
		return;
	}
	/* several gave at once and the result does not say to whom: one
	 * band a giver, to "others" (a method that records no transfers;
	 * stv-meek above 500 candidates) */
	for (c = 0; c < r->ncand; c++) {
		struct tl_transfer t;
		if (s->votes[c] >= p->votes[c])
			continue;
		t.from = c;
		t.to = TL_TO_OTHERS;
		t.votes = p->votes[c] - s->votes[c];
		flow_band(h, f, k, &t);
	}
}

static void
flow_labels(struct tl_html *h, struct flow *f)
{
	const struct teller_result *r = h->r;
	size_t last = r->stages->len - 1, n = (size_t)f->nslot;
	int c;

	for (c = 0; c < f->nslot; c++) {
		const char *nm = c < r->ncand ? TL_CAND(r->contest, c)->name
		    : c == r->ncand ? (h->us ? "Inactive" : "Non-transferable")
		    : "Loss by fractions";
		tl_out_fmt(&h->o, "<text x=\"%d\" y=\"%lld\" text-anchor=\""
		    "end\">", FLOW_LEFT - 6, (long long)(f->top[c] + 10));
		tl_rep_html_out_esc(&h->o, nm);
		tl_out_fmt(&h->o, "</text><text x=\"%lld\" y=\"%lld\">",
		    (long long)(FLOW_LEFT + (int64_t)last * FLOW_COL +
		    FLOW_NODE + 6), (long long)(f->top[last * n +
		    (size_t)c] + 10));
		tl_rep_html_out_esc(&h->o, nm);
		tl_out_str(&h->o, "</text>\n");
	}
}

/* Whether a later stage is a new ballot (exhaustive), not a transfer. */
static bool
new_ballots(const struct teller_result *r)
{
	size_t k;

	for (k = 1; k < r->stages->len; k++)
		if (TL_STAGE(r, k)->has_round)
			return true;
	return false;
}

/* The flow chart (Sankey) of every transfer: candidates in ballot order
 * in every column, node heights and bands in proportion to votes. */
static int
flow(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	size_t nst = r->stages->len, k;
	struct flow f;
	int64_t w, hgt;

	if (nst < 2)
		return TELLER_OK;
	f.nslot = r->ncand + (r->dp > 0 ? 2 : 1);
	f.top = tl_alloc(h->o.ctx, nst * (size_t)f.nslot, sizeof(int64_t));
	f.in = tl_alloc(h->o.ctx, (size_t)f.nslot, sizeof(int64_t));
	f.out = tl_alloc(h->o.ctx, (size_t)f.nslot, sizeof(int64_t));
	if (f.top == NULL || f.in == NULL || f.out == NULL)
		return TELLER_ENOMEM;
	w = FLOW_LEFT * 2 + (int64_t)(nst - 1) * FLOW_COL + FLOW_NODE;
	hgt = 40 + FLOW_H + (int64_t)f.nslot * FLOW_GAP;
	tl_out_fmt(&h->o, "<section id=\"flows\" aria-labelledby=\"flows-h\">"
	    "\n<h2 id=\"flows-h\">Where the votes went</h2>\n<div class=\""
	    "scroll\" role=\"region\" tabindex=\"0\" aria-label=\"Flow of "
	    "votes\">\n<svg id=\"flow\" role=\"img\" aria-labelledby=\"flow-t"
	    " flow-d\" viewBox=\"0 0 %lld %lld\" width=\"%lld\" height=\"%lld"
	    "\"><title id=\"flow-t\">Flow of votes from %s to %s</title>"
	    "<desc id=\"flow-d\">%s; its votes are in the table of %ss "
	    "and in the narrative.</desc>\n",
	    (long long)w, (long long)hgt, (long long)w, (long long)hgt,
	    h->us ? "round to round" : "stage to stage",
	    h->us ? "the last round" : "the last stage",
	    new_ballots(r) ? "Each round is a new ballot, so no transfers "
	    "are known and no bands are drawn; each column is a round" :
	    "Each band is a transfer",
	    h->us ? "round" : "stage");
	flow_nodes(h, &f);
	for (k = 1; k < nst; k++)
		flow_stage(h, &f, k);
	flow_labels(h, &f);
	tl_out_str(&h->o, "</svg>\n</div>\n</section>\n");
	return TELLER_OK;
}

static void
sens_name(void *ud, int id)
{
	tl_rep_html_out_name(ud, id);
}

/* audit.md 7: whether any lot decided the result, and with
 * --sensitivity whether rounding did. */
static void
summaries(struct tl_html *h)
{
	static const char *const what[] = { "who was excluded",
		"whose surplus went first", "who was elected",
		"the order of election", "the order of the pairs",
		"who went to the runoff" };
	const struct teller_result *r = h->r;
	size_t i, n = 0;

	_Static_assert(TL_NELEM(what) == TL_TIEK_COUNT, "what: a kind");
	for (i = 0; i < r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(r->ties, struct tl_tie, i);
		/* the lots of closest.c: seeded, by hand, the input's tie
		 * order (a lot drawn before), or one still to be drawn */
		if (t->how != TL_TIE_LOT && t->how != TL_TIE_HAND &&
		    t->how != TL_TIE_TIEORDER && t->how != TL_TIE_PENDING)
			continue;
		tl_out_str(&h->o, n++ == 0 ? "<p class=\"lots\">This result "
		    "depended on lots: at " : "; at ");
		tl_out_fmt(&h->o, "stage %d, %s%s", t->stage, what[t->kind],
		    t->how == TL_TIE_PENDING ? " (not yet drawn)" : "");
	}
	tl_out_str(&h->o, n > 0 ? ".</p>\n" : "<p class=\"lots\">This "
	    "result did not depend on any lot.</p>\n");
	if (r->sens == NULL)
		return;
	tl_out_str(&h->o, "<p class=\"sensitivity\">");
	tl_sens_sentence(&h->o, r, 0, sens_name, h);
	tl_out_str(&h->o, "</p>\n");
	if (!r->sens->has_parcel)
		return;
	tl_out_str(&h->o, "<p class=\"sensitivity\">");
	tl_sens_sentence(&h->o, r, 1, sens_name, h);
	tl_out_str(&h->o, "</p>\n");
}

static void
audit(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	size_t i;

	tl_out_str(&h->o, "<section id=\"audit\" aria-labelledby=\"audit-h\">"
	    "\n<h2 id=\"audit-h\">How this count was made</h2>\n<p>Method: ");
	tl_rep_html_out_esc(&h->o, r->method_title);
	tl_out_fmt(&h->o, " (<code>%s</code>); numbers at %d decimal "
	    "places; seed ", r->method, r->dp);
	tl_rep_html_out_esc(&h->o, r->seed);
	tl_out_str(&h->o, ".</p>\n");
	summaries(h);
	if (r->inputs->len > 0)
		tl_out_str(&h->o, "<ul>\n");
	for (i = 0; i < r->inputs->len; i++) {
		const struct tl_input *in =
		    &TL_VEC_AT(r->inputs, struct tl_input, i);
		tl_out_str(&h->o, "<li><bdi>");
		tl_rep_html_out_esc(&h->o, in->path);
		tl_out_str(&h->o, "</bdi>, SHA-256 <code>");
		tl_rep_html_out_esc(&h->o, in->sha256);
		tl_out_str(&h->o, "</code></li>\n");
	}
	if (r->inputs->len > 0)
		tl_out_str(&h->o, "</ul>\n");
	tl_out_str(&h->o, "</section>\n");
}

static enum tl_html_layout
default_layout(const struct teller_result *r)
{
	if (strcmp(r->method, "sv") == 0)
		return TL_LAY_UKSV;
	if (strncmp(r->method, "stv", 3) == 0)
		return TL_LAY_SCOT;
	if (strcmp(r->method, "irv") == 0)
		return TL_LAY_RCV;
	return TL_LAY_UKDECL;
}

/* A language tag's shape (BCP 47): 2 or 3 letters, then subtags of 1
 * to 8 letters or digits after '-', at most 35 bytes. */
static bool
lang_tag(const char *s)
{
	size_t i, n = strlen(s), sub = 0;

	if (n < 2 || n > 35)
		return false;
	for (i = 0; i < n && ((s[i] >= 'a' && s[i] <= 'z') ||
	    (s[i] >= 'A' && s[i] <= 'Z')); i++)
		;
	if (i < 2 || i > 3)
		return false;
	for (; i < n; i++) {
		bool alnum = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9');
		if (s[i] == '-' && sub == 0 && i > 0 && s[i - 1] == '-')
			return false;
		if (s[i] == '-') {
			if (i + 1 == n)
				return false;
			sub = 0;
		} else if (!alnum || ++sub > 8) {
			return false;
		}
	}
	return true;
}

static int
setup(struct tl_html *h, teller_ctx *ctx, const struct teller_result *r,
    const char *layout)
{
	static const char *const names[] = { "uk-declaration", "uk-sv",
		"scot-stv", "rcv" };
	size_t k;
	int i;

	h->r = r;
	h->lay = default_layout(r);
	if (layout != NULL) {
		for (i = 0; i < 4 && strcmp(names[i], layout) != 0; i++)
			;
		if (i == 4)
			return tl_fail(ctx, TELLER_EINVAL, "unknown layout "
			    "'%s' (uk-declaration, uk-sv, scot-stv, rcv)",
			    layout);
		h->lay = (enum tl_html_layout)i;
	}
	h->us = h->lay == TL_LAY_RCV;
	if (h->lang == NULL)
		h->lang = h->us ? "en-US" : "en-GB";
	else if (!lang_tag(h->lang))
		return tl_fail(ctx, TELLER_EINVAL, "'%.40s' is not a language "
		    "tag (BCP 47, such as en-GB, cy or gd-GB)", h->lang);
	h->elst = tl_alloc(ctx, (size_t)r->ncand + 1, sizeof(int));
	h->exst = tl_alloc(ctx, (size_t)r->ncand + 1, sizeof(int));
	if (h->elst == NULL || h->exst == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < r->stages->len; k++) {
		const struct tl_stage *s = TL_STAGE(r, k);
		for (i = 0; i < s->nelected; i++)
			h->elst[s->elected[i]] = s->number;
		for (i = 0; i < s->nexcluded; i++)
			h->exst[s->excluded[i]] = s->number;
	}
	return TELLER_OK;
}

int
tl_rep_html_layout(teller_ctx *ctx, const struct teller_result *r,
    const char *layout, teller_write_fn w, void *ud)
{
	return tl_rep_html_lang(ctx, r, layout, NULL, w, ud);
}

int
tl_rep_html_lang(teller_ctx *ctx, const struct teller_result *r,
    const char *layout, const char *lang, teller_write_fn w, void *ud)
{
	struct tl_html h;
	int rc;

	memset(&h, 0, sizeof(h));
	h.lang = lang;
	if ((rc = setup(&h, ctx, r, layout)) != TELLER_OK)
		return rc;
	tl_out_init(&h.o, ctx, w, ud);
	head(&h);
	tl_rep_html_text_decl(&h);
	if (r->stages->len > 0) {
		summary(&h);
		tl_rep_html_matrix_pairwise(&h);
		tl_rep_html_matrix_sections(&h);
		stages(&h);
		if ((rc = flow(&h)) != TELLER_OK)
			return rc;
	}
	if (h.lay == TL_LAY_UKSV)
		tl_rep_html_text_sv(&h);
	audit(&h);
	tl_out_str(&h.o, "</main>\n<footer><p>Counted by teller "
	    TELLER_VERSION ".</p></footer>\n</body>\n</html>\n");
	return tl_out_flush(&h.o);
}

int
tl_rep_html(teller_ctx *ctx, const struct teller_result *r,
    teller_write_fn w, void *ud)
{
	return tl_rep_html_layout(ctx, r, NULL, w, ud);
}

int
teller_report_html(teller_ctx *ctx, const teller_result *r,
    const char *layout, teller_write_fn write, void *ud)
{
	return tl_rep_html_layout(ctx, r, layout, write, ud);
}

int
teller_report_html_lang(teller_ctx *ctx, const teller_result *r,
    const char *layout, const char *lang, teller_write_fn write, void *ud)
{
	return tl_rep_html_lang(ctx, r, layout, lang, write, ud);
}
