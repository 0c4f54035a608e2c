/* SPDX-License-Identifier: MIT */
/* html_forms.c -- the print-ready forms of §2.17 at /forms/F<n>?c=C:
 * A4 pages (print.css) whose tables repeat their headers on every page
 * and whose footer, repeated too, names the election, the contest, the
 * form and its version, the teller-desk that made it, the last entry
 * its figures count and that entry's checkpoint (§6.5), and the page.
 * Each form shows one API read as this session, so a role sees a form
 * exactly when it may make the read (403 otherwise, 404 before the
 * form exists), or, for the forms no read carries (html_forms2.c),
 * what its builder gathers from the book under the same rules; every
 * figure comes from there, nothing is counted here, and the page
 * carries no clock of its own (I22: the same book prints the same
 * form). Statutory forms end with the RO's signature block. */
#include "html_forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char d_print_css[] =
"*{box-sizing:border-box}\n"
"@page{size:A4;margin:14mm 14mm 16mm 14mm;"
"@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);"
"font:9pt system-ui,sans-serif}}\n"
"body{font:11pt/1.35 system-ui,sans-serif;color:#000;background:#fff;"
"margin:0}\n"
"h1{font-size:16pt;margin:0 0 2mm}h2{font-size:13pt;margin:5mm 0 2mm}\n"
"p.sub{margin:0 0 3mm}\n"
"table.page{width:100%;border-collapse:collapse}\n"
"table.page>tfoot td{font-size:8.5pt;border-top:1px solid #000;"
"padding-top:2mm}\n"
"table.f{border-collapse:collapse;width:100%;margin:2mm 0 4mm;"
"font-size:10pt}\n"
"table.wide{font-size:8.5pt}\n"
"table.f th,table.f td{border:1px solid #000;padding:1mm 2mm;"
"text-align:left;vertical-align:top}\n"
"table.f td.n,table.f th.n{text-align:right;"
"font-variant-numeric:tabular-nums}\n"
"thead{display:table-header-group}tfoot{display:table-footer-group}\n"
"tr{break-inside:avoid}\n"
"pre{font:12pt/1.5 system-ui,sans-serif;white-space:pre-wrap}\n"
".sign{margin-top:10mm;break-inside:avoid}\n"
".sign p{margin:8mm 0 0}\n"
"@media screen{body{padding:8mm;max-width:210mm}}\n";

#define fig df_fig
#define thead df_thead
#define td df_td
#define tdn df_tdn
#define tdv df_tdv
#define cand_name df_cand_name

/* A figure with comma thousands separators (§2.13), or "—". */
void
fig(struct sb *b, const json_t *v)
{
	char d[32], out[48];
	long long n;
	int k = 0, len;

	if (!json_is_integer(v)) {
		escj(b, v);
		return;
	}
	n = json_integer_value(v);
	len = snprintf(d, sizeof d, "%lld", n < 0 ? -n : n);
	if (n < 0)
		out[k++] = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = d[i];
	}
	out[k] = 0;
	put(b, out);
}

void
thead(struct sb *b, const char *const *cols)
{
	put(b, "<thead><tr>");
	for (int i = 0; cols[i]; i++) {
		put(b, cols[i][0] == '#' ? "<th scope=\"col\" class=\"n\">" :
		    "<th scope=\"col\">");
		esc(b, cols[i] + (cols[i][0] == '#'));
		put(b, "</th>");
	}
	put(b, "</tr></thead><tbody>");
}

/* Opens a table of class cls with its caption and the heads cols; the
 * caller's rows follow, then "</tbody></table>". */
void
df_table_open(struct sb *b, const char *cls, const char *caption,
    const char *const *cols)
{
	putf(b, "<table class=\"%s\"><caption>", cls);
	esc(b, caption);
	put(b, "</caption>");
	thead(b, cols);
}

/* The cells of row for keys: a '#' key a figure, '*' a list, else
 * text. */
void
df_cells(struct sb *b, const json_t *row, const char *const *keys)
{
	for (int c = 0; keys[c]; c++) {
		const char *key = keys[c] + (keys[c][0] == '#' ||
		    keys[c][0] == '*');

		if (keys[c][0] == '#')
			tdn(b, json_object_get(row, key));
		else if (keys[c][0] == '*')
			tdv(b, json_object_get(row, key));
		else
			td(b, json_object_get(row, key));
	}
}

/* A table of class cls: one row per object of rows, a cell per key
 * (as df_cells), under cols. */
void
df_rows(struct sb *b, const char *cls, const char *caption,
    const char *const *cols, const char *const *keys, const json_t *rows)
{
	const json_t *k;
	size_t i;

	df_table_open(b, cls, caption, cols);
	json_array_foreach(rows, i, k) {
		put(b, "<tr>");
		df_cells(b, k, keys);
		put(b, "</tr>");
	}
	put(b, "</tbody></table>");
}

void
td(struct sb *b, const json_t *v)
{
	put(b, "<td>");
	escj(b, v);
	put(b, "</td>");
}

void
tdn(struct sb *b, const json_t *v)
{
	put(b, "<td class=\"n\">");
	fig(b, v);
	put(b, "</td>");
}

/* A figure cell for a count the page makes (a row's number). */
void
df_tdi(struct sb *b, long long v)
{
	json_t *n = json_integer(v);

	tdn(b, n);
	json_decref(n);
}

/* A candidate's first cells: position, name as on the ballot (with the
 * commonly used name) and description. */
void
df_cand_cells(struct sb *b, const json_t *k)
{
	tdn(b, json_object_get(k, "position"));
	put(b, "<td>");
	cand_name(b, k);
	put(b, "</td>");
	td(b, json_object_get(k, "description"));
}

/* A candidate as on the ballot, with the commonly used name. */
void
cand_name(struct sb *b, const json_t *k)
{
	escj(b, json_object_get(k, "name"));
	if (json_is_string(json_object_get(k, "common_name"))) {
		put(b, " (");
		escj(b, json_object_get(k, "common_name"));
		put(b, ")");
	}
}

static void
rejected_heads(struct sb *b, const json_t *heads)
{
	static const char *const cols[] = { "Head", "#Papers", NULL };
	static const char *const keys[] = { "head", "#papers", NULL };

	df_rows(b, "f", "Rejected ballot papers", cols, keys, heads);
}

/* The sentence that a lot gave a candidate (its "drawn" position) the
 * additional vote: after a result and under each lot of F17. */
static void
lot_sentence(struct sb *b, const json_t *lot)
{
	put(b, "<p>Following an equality of votes, lots were drawn and"
	    " an additional vote was allotted to the candidate at"
	    " position ");
	escj(b, json_object_get(lot, "drawn"));
	put(b, ".</p>");
}

/* A result object's candidates (§9.3), with what is elected called
 * `elected` ("Elected" or "Provisionally elected"). */
static void
result_cands(struct sb *b, const json_t *r, const char *elected)
{
	static const char *const sv[] = { "Position", "Candidate",
		"Description", "#First preferences", "#Second preferences",
		"#Total", "", NULL };
	static const char *const one[] = { "Position", "Candidate",
		"Description", "#Votes", "", NULL };
	const json_t *cs = json_object_get(r, "candidates"), *k;
	int isv = json_object_get(json_array_get(cs, 0), "first") != NULL;
	size_t i;

	df_table_open(b, "f", "Votes", isv ? sv : one);
	json_array_foreach(cs, i, k) {
		put(b, "<tr>");
		df_cand_cells(b, k);
		if (isv) {
			tdn(b, json_object_get(k, "first"));
			tdn(b, json_object_get(k, "second"));
			tdn(b, json_object_get(k, "total"));
		} else
			tdn(b, json_object_get(k, "votes"));
		put(b, "<td>");
		if (json_is_true(json_object_get(k, "elected")))
			esc(b, elected);
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table>");
	rejected_heads(b, json_object_get(r, "rejected"));
	if (json_is_object(json_object_get(r, "not_transferred"))) {
		static const char *const nc[] = { "Not transferred",
			"#Papers", NULL };
		const char *key;
		const json_t *v;

		df_table_open(b, "f", "Papers not transferred at the second"
		    " count", nc);
		json_object_foreach((json_t *)json_object_get(r,
		    "not_transferred"), key, v) {
			put(b, "<tr><td>");
			esc(b, key);
			put(b, "</td>");
			tdn(b, v);
			put(b, "</tr>");
		}
		put(b, "</tbody></table>");
	}
	put(b, "<p>Total ballot papers counted: ");
	fig(b, json_object_get(r, "papers"));
	put(b, "; valid: ");
	fig(b, json_object_get(r, "valid"));
	put(b, ".</p>");
	if (json_is_object(json_object_get(r, "lot")))
		lot_sentence(b, json_object_get(r, "lot"));
}

/* F6 version n > 1: the figures corrected since version n - 1 (§2.4);
 * S-02's prompt shows the changes not yet issued the same way. */
void
df_f6_changes(struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "Box", "Figure", "#Was", "#Now",
		NULL };
	static const char *const keys[] = { "box", "figure", "#was", "#now",
		NULL };
	char cap[96];

	if (!json_array_size(json_object_get(o, "differences")))
		return;
	snprintf(cap, sizeof cap, "Changed since version %lld (agents"
	    " present to be told)", (long long)json_integer_value(
	    json_object_get(o, "version")) - 1);
	df_rows(b, "f", cap, cols, keys, json_object_get(o, "differences"));
}

/* An issued statement's (F6, F11-F13) when, by which entry, and the
 * version that superseded it. */
static void
df_issued(struct sb *b, const json_t *o)
{
	put(b, "<p>Issued at ");
	escj(b, json_object_get(o, "issued_at"));
	put(b, " (entry #");
	escj(b, json_object_get(o, "entry"));
	put(b, ").");
	if (json_is_integer(json_object_get(o, "superseded_by"))) {
		put(b, " Superseded by version ");
		escj(b, json_object_get(o, "superseded_by"));
		put(b, ".");
	}
	put(b, "</p>");
}

static void
f6(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "Box", "Kind", "Station",
		"Place", "#BPA", "#First count", "#Recounts", "#Verified",
		"#Variance", "Outcome", "Explanation", NULL };
	static const char *const keys[] = { "box", "kind", "station",
		"place", "#bpa", "#first_count", "#recounts", "#verified",
		"#variance", "outcome", "explanation", NULL };
	const json_t *k;
	size_t i;

	df_rows(b, "f wide", "Ballot boxes", cols, keys,
	    json_object_get(o, "boxes"));
	/* a box not in the plan, registered at receipt (§2.1) */
	json_array_foreach(json_object_get(o, "boxes"), i, k)
		if (json_is_string(json_object_get(k, "unexpected"))) {
			put(b, "<p class=\"unexpected\">Box ");
			escj(b, json_object_get(k, "box"));
			put(b, " was not in the plan: registered as unexpected"
			    " at its receipt, for this reason: ");
			escj(b, json_object_get(k, "unexpected"));
			put(b, "</p>");
		}
	put(b, "<table class=\"f\"><caption>Totals</caption>"
	    "<tbody><tr><th scope=\"row\">Polling station boxes</th>");
	tdn(b, json_object_get(o, "station_total"));
	put(b, "</tr><tr><th scope=\"row\">Postal boxes</th>");
	tdn(b, json_object_get(o, "postal_total"));
	put(b, "</tr><tr><th scope=\"row\">Total going to the count</th>");
	tdn(b, json_object_get(o, "total"));
	put(b, "</tr></tbody></table>");
	df_bpa_heads(x, b);
	df_f6_changes(b, o);
	/* the version is the footer's */
	df_issued(b, o);
}

/* F11-F13 as issued (§3.5): the changes from the version before (the
 * agents present to be told), when and by which entry the version was
 * issued, the version that superseded it; nothing for figures as they
 * stand, not issued (F12 while its stage is open). */
static void
df_stmt_version(struct sb *b, const json_t *o)
{
	if (!json_is_integer(json_object_get(o, "version")))
		return;
	df_stmt_changes(b, o);
	df_issued(b, o);
}

/* An issued F11-F13's "differences" (stmtver.c) from the version before
 * its "version", as a table; nothing when there are none. */
void
df_stmt_changes(struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "Row", "Figure", "Was", "Now",
		NULL };
	const json_t *ch = json_object_get(o, "differences"), *k;
	char cap[96];
	size_t i;

	snprintf(cap, sizeof cap, "Changed since version %lld (agents"
	    " present to be told)", (long long)json_integer_value(
	    json_object_get(o, "version")) - 1);
	if (json_array_size(ch))
		df_table_open(b, "f", cap, cols);
	json_array_foreach(ch, i, k) {
		put(b, "<tr><td>");
		if (json_object_get(k, "member")) {
			escj(b, json_object_get(k, "member"));
			put(b, ": ");
			escj(b, json_object_get(k, "of"));
		}
		put(b, "</td>");
		td(b, json_object_get(k, "figure"));
		tdv(b, json_object_get(k, "was"));
		tdv(b, json_object_get(k, "now"));
		put(b, "</tr>");
	}
	if (json_array_size(ch))
		put(b, "</tbody></table>");
}

static void
f11(struct ctx *x, struct sb *b, const json_t *o)
{
	(void)x;
	put(b, "<p>Round ");
	escj(b, json_object_get(o, "round"));
	put(b, ".</p>");
	rejected_heads(b, json_object_get(o, "heads"));
	put(b, "<p>Total rejected: ");
	fig(b, json_object_get(o, "total"));
	put(b, ". Rejected in part (counted as valid for the marks"
	    " allowed): ");
	fig(b, json_object_get(o, "rejected_in_part"));
	put(b, ".</p>");
	if (json_integer_value(json_object_get(o, "rejection_objected")) > 0) {
		/* r.47(2)'s endorsement, §2.7 */
		put(b, "<p>Rejections objected to by an agent: ");
		fig(b, json_object_get(o, "rejection_objected"));
		put(b, ".</p>");
	}	df_stmt_version(b, o);
}

static void
f15(struct ctx *x, struct sb *b, const json_t *o)
{
	put(b, "<p>Version ");
	escj(b, json_object_get(o, "version"));
	put(b, ", round ");
	escj(b, json_object_get(o, "round"));
	put(b, ", scope ");
	escj(b, json_object_get(o, "scope"));
	put(b, "; released at ");
	escj(b, json_object_get(o, "released_at"));
	if (json_is_integer(json_object_get(o, "correction"))) {
		/* §3.5: made by the RO's correction after the release */
		put(b, ", made by the RO's correction, entry #");
		escj(b, json_object_get(o, "correction"));
	}
	put(b, ".</p>");
	result_cands(b, o, "Provisionally elected");
	df_recon_line(x, b, o);
	put(b, "<p>Margin at the seat boundary: ");
	fig(b, json_object_get(o, "margin"));
	put(b, ".</p>");
}

static void
f18(struct ctx *x, struct sb *b, const json_t *o)
{
	(void)x;
	put(b, "<h2>Declaration (to be read aloud)</h2><pre>");
	escj(b, json_object_get(o, "text"));
	put(b, "</pre><h2>Media copy</h2>");
	result_cands(b, o, "Elected");
	put(b, "<p>Declared at ");
	escj(b, json_object_get(o, "declared_at"));
	put(b, ".</p>");
}

static void
f19(struct ctx *x, struct sb *b, const json_t *o)
{
	(void)x;
	put(b, "<pre>");
	escj(b, json_object_get(o, "notice"));
	put(b, "</pre>");
	result_cands(b, o, "Elected");
	if (json_is_string(json_object_get(o, "turnout"))) {
		put(b, "<p>Electorate ");
		fig(b, json_object_get(o, "electorate"));
		put(b, "; turnout ");
		escj(b, json_object_get(o, "turnout"));
		put(b, " %.</p>");
	}
	put(b, "<p>Declared at ");
	escj(b, json_object_get(o, "declared_at"));
	put(b, ".</p>");
}

/* A log value: scalars as escj, a list of them joined by commas. */
static void
val(struct sb *b, const json_t *v)
{
	const json_t *e;
	size_t i;

	if (!json_is_array(v)) {
		escj(b, v);
		return;
	}
	json_array_foreach(v, i, e) {
		if (i)
			put(b, ", ");
		escj(b, e);
	}
}

void
tdv(struct sb *b, const json_t *v)
{
	put(b, "<td>");
	val(b, v);
	put(b, "</td>");
}

/* The items of a log not withdrawn or corrected since (§3.5). */
static size_t
current_count(const json_t *a)
{
	size_t i, n = 0;
	const json_t *it;

	json_array_foreach(a, i, it)
		n += json_is_null(json_object_get(it, "superseded_by")) ||
		    !json_object_get(it, "superseded_by");
	return n;
}

static void
f10(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "#Entry", "Table", "#Papers",
		"Description", "Decision", "Endorsement", "Positions", "Head",
		"Decided by", "Agents present", "Objections", NULL };
	const json_t *k;
	size_t i;

	(void)x;
	put(b, "<p>Round ");
	escj(b, json_object_get(o, "round"));
	put(b, ".</p>");
	df_table_open(b, "f wide", "Doubtful papers and decisions", cols);
	json_array_foreach(json_object_get(o, "adjudications"), i, k) {
		const json_t *dc = json_object_get(k, "decision");

		put(b, "<tr>");
		tdn(b, json_object_get(k, "doubtful"));
		td(b, json_object_get(k, "table"));
		tdn(b, json_object_get(k, "papers"));
		td(b, json_object_get(k, "description"));
		if (json_is_true(json_object_get(k, "withdrawn")))
			put(b, "<td>withdrawn</td>");
		else
			td(b, json_object_get(dc, "decision"));
		td(b, json_object_get(k, "endorsement"));
		tdv(b, json_object_get(dc, "positions"));
		td(b, json_object_get(dc, "head"));
		put(b, "<td>");
		escj(b, json_object_get(dc, "by"));
		if (dc) {
			put(b, " (");
			escj(b, json_object_get(dc, "role"));
			put(b, ")");
		}
		put(b, "</td>");
		tdv(b, json_object_get(dc, "agents_present"));
		putf(b, "<td class=\"n\">%zu</td></tr>", current_count(
		    json_object_get(k, "objections")));
	}
	put(b, "</tbody></table>");
}

static void
f12(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "Area", "#Verified",
		"#Bundles", "#Tally sheets", "#Allowed doubtful",
		"#Rejected", "#Doubtful pending", "#Papers", "#Difference",
		NULL };
	static const char *const keys[] = { "area", "#verified", "#bundles",
		"#tally_sheets", "#allowed_doubtful", "#rejected",
		"#pending_doubtful", "#papers", "#difference", NULL };
	static const char *const cc[] = { "#Position", "#Votes", NULL };
	static const char *const ck[] = { "#position", "#votes", NULL };

	(void)x;
	df_rows(b, "f wide", "Papers by count area", cols, keys,
	    json_object_get(o, "areas"));
	put(b, "<p>Reconciled: ");
	escj(b, json_object_get(o, "reconciled"));
	put(b, ".</p>");
	df_rows(b, "f", "Candidates (approved figures)", cc, ck,
	    json_object_get(o, "candidates"));	df_stmt_version(b, o);
}

static void
f13(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "#Position", "Candidate",
		"#First preferences", NULL };
	static const char *const keys[] = { "#position", "name", "#votes",
		NULL };

	(void)x;
	put(b, "<p>Ballot papers counted: ");
	fig(b, json_object_get(o, "papers"));
	put(b, ".</p>");
	rejected_heads(b, json_object_get(o, "rejected"));
	df_rows(b, "f", "First preferences", cols, keys,
	    json_object_get(o, "first"));
	put(b, "<p>Total of first preferences: ");
	fig(b, json_object_get(o, "valid"));
	put(b, ". Majority: ");
	escj(b, json_object_get(o, "majority"));
	put(b, ". Remaining (positions): ");
	val(b, json_object_get(o, "remaining"));
	put(b, ". Eliminated (positions): ");
	val(b, json_object_get(o, "eliminated"));
	put(b, ".</p>");	df_stmt_version(b, o);
}

static void
f16(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const rq[] = { "#Entry", "At", "Requested by",
		"Capacity", "Scope", "Grounds", NULL };
	static const char *const rqk[] = { "#entry", "at", "requester_name",
		"capacity", "scope", "grounds", NULL };
	static const char *const dc[] = { "#Entry", "At", "#Request",
		"Decision", "Scope", "Reason", NULL };
	static const char *const dck[] = { "#entry", "at", "#request",
		"decision", "scope", "reason", NULL };
	static const char *const vc[] = { "#Version", "#Round",
		"Released at", "Differences (position: votes)", NULL };
	const json_t *k, *e;
	size_t i, j;

	static const char *const vck[] = { "#version", "#round",
		"released_at", NULL };

	(void)x;
	df_rows(b, "f", "Recount requests", rq, rqk,
	    json_object_get(o, "requests"));
	df_rows(b, "f", "Decisions", dc, dck, json_object_get(o, "decisions"));
	df_table_open(b, "f", "Provisional versions", vc);
	json_array_foreach(json_object_get(o, "versions"), i, k) {
		put(b, "<tr>");
		df_cells(b, k, vck);
		put(b, "<td>");
		json_array_foreach(json_object_get(k, "differences"), j, e) {
			if (j)
				put(b, "; ");
			escj(b, json_object_get(e, "position"));
			put(b, ": ");
			escj(b, json_object_get(e, "difference"));
		}
		put(b, "</td></tr>");
	}
	put(b, "</tbody></table>");
}

static void
f17(struct ctx *x, struct sb *b, const json_t *o)
{
	static const char *const cols[] = { "#Entry", "#Round", "Purpose",
		"Tied (positions)", "Method", "Witnesses", "#Drawn", NULL };
	static const char *const keys[] = { "#entry", "#round", "purpose",
		"*tied", "method", "*witnesses", "#drawn", NULL };
	const json_t *k;
	size_t i;

	(void)x;
	if (!json_array_size(json_object_get(o, "lots")))
		put(b, "<p>No lot has been drawn.</p>");
	df_rows(b, "f", "Lots", cols, keys, json_object_get(o, "lots"));
	json_array_foreach(json_object_get(o, "lots"), i, k)
		lot_sentence(b, k);
}

static const struct d_form forms[] = {
	{ "F6", "Statement as to the result of verification",
	    "verification", 1, f6,
	    NULL },
	{ "F10", "Adjudication log", "adjudications", 0, f10,
	    NULL },
	{ "F11", "Statement of rejected ballot papers", "rejected", 1,
	    f11, NULL },
	{ "F12", "Count summary statement", "reconciliation", 0, f12,
	    NULL },
	{ "F13", "Statement after the first count", "stage1", 1, f13,
	    NULL },
	{ "F14", "Provisional first, second and total votes",
	    "provisional", 1, f15, NULL },
	{ "F15", "Provisional result", "provisional", 0, f15,
	    NULL },
	{ "F16", "Recount log and version differences", "recounts", 1,
	    f16, NULL },
	{ "F17", "Lot record", "lots", 1, f17, NULL },
	{ "F18", "Declaration of result: script and media copy",
	    "declaration", 1, f18, NULL },
	{ "F19", "Notice of the result of the poll", "declaration", 1,
	    f19, NULL },
};
#define NFORMS (sizeof forms / sizeof *forms)

/* Form id ("F<n>") in either table, or NULL. */
static const struct d_form *
form_of(const char *id)
{
	for (size_t i = 0; i < NFORMS; i++)
		if (strcmp(forms[i].id, id) == 0)
			return &forms[i];
	for (size_t i = 0; d_forms2[i].id; i++)
		if (strcmp(d_forms2[i].id, id) == 0)
			return &d_forms2[i];
	return NULL;
}

/* The footer line: the checkpoint the read carries, else the book's
 * last entry (public/results gives it to every session). */
static void
footer(struct ctx *x, struct sb *b, const struct d_form *cur,
    const json_t *o, const json_t *el)
{
	const json_t *cp = json_object_get(o, "checkpoint");
	json_t *pub = NULL, *h = get(x, "health");
	const char *hash;
	char h16[17];

	if (!json_is_object(cp)) {
		pub = get(x, "public/results");
		cp = json_object_get(pub, "checkpoint");
	}
	hash = json_string_value(json_object_get(cp, "hash"));
	snprintf(h16, sizeof h16, "%s", hash ? hash : "");
	put(b, "<tfoot><tr><td>");
	escj(b, json_object_get(el, "name"));
	put(b, " \xc2\xb7 ");
	esc(b, x->d->cs[x->c].name);
	putf(b, " \xc2\xb7 %s version ", cur->id);
	escj(b, json_object_get(o, "version") ? json_object_get(o,
	    "version") : json_object_get(o, "round"));
	put(b, "<br>generated by ");
	escj(b, json_object_get(h, "version"));
	put(b, " from entries up to #");
	escj(b, json_object_get(cp, "seq"));
	put(b, " \xc2\xb7 checkpoint #");
	escj(b, json_object_get(cp, "seq"));
	put(b, " \xc2\xb7 ");
	esc(b, h16);
	put(b, "</td></tr></tfoot>");
	json_decref(pub);
	json_decref(h);
}

/* The form's page in b, or the status of its refused read (403, 404;
 * 400 for a bad query value) with b untouched. */
static int
form_page(struct ctx *x, const char *id, const char *version,
    const char *round, struct sb *b)
{
	const struct d_form *cur = NULL;
	json_t *o = NULL, *el;
	char path[160];
	int st;

	cur = form_of(id);
	/* F14 is the SV second count's; F15 serves every kind */
	if (!cur || x->c < 0 || (strcmp(cur->id, "F14") == 0 &&
	    strcmp(x->d->cs[x->c].kind, "sv") != 0))
		return 404;
	if (cur->build)
		st = cur->build(x, &o);
	else {
		snprintf(path, sizeof path, "contests/%s/%s",
		    x->d->cs[x->c].id, cur->read);
		o = getq(x, path, round, NULL, NULL, version, &st);
	}
	if (st != 200) {
		json_decref(o);
		/* 400 is the caller's only when it sent a query value */
		return st == 403 || (st == 400 && (version || round)) ? st :
		    404;
	}
	el = get(x, "election");
	put(b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset="
	    "\"utf-8\"><title>");
	putf(b, "%s ", cur->id);
	esc(b, cur->title);
	put(b, " \xe2\x80\x94 ");
	esc(b, x->d->cs[x->c].name);
	put(b, "</title><link rel=\"stylesheet\" href=\"/static/print.css\">"
	    "</head><body><table class=\"page\">");
	footer(x, b, cur, o, el);
	putf(b, "<tbody><tr><td><main><h1>%s ", cur->id);
	esc(b, cur->title);
	put(b, "</h1><p class=\"sub\">");
	escj(b, json_object_get(el, "name"));
	put(b, ", poll of ");
	escj(b, json_object_get(el, "poll_date"));
	put(b, ": ");
	esc(b, x->d->cs[x->c].name);
	put(b, ".</p>");
	cur->fn(x, b, o);
	if (cur->statutory)
		put(b, "<div class=\"sign\"><p>Signed: ______________________"
		    "______ Returning Officer</p><p>Date: ____________"
		    "</p></div>");
	put(b, "</main></td></tr></tbody></table></body></html>\n");
	json_decref(o);
	json_decref(el);
	return 200;
}

/* GET /forms/F<n>?c=C[&version=N&round=R], the cookie's session. */
void
d_html_form(struct ctx *x, const char *id)
{
	struct sb b;
	int st;

	memset(&b, 0, sizeof b);
	st = form_page(x, id, q(x, "version"), q(x, "round"), &b);
	if (st == 200) {
		respond(x->h, 200, &b);
		return;
	}
	free(b.p);
	simple(x, st, st == 403 ? "Forbidden" : st == 400 ? "Bad request" :
	    "Not yet", st == 403 ? "§3.4: this form is not for your role." :
	    st == 400 ? "A version or round that is not a number." :
	    "This form is not made yet, or there is no such form (§2.17:"
	    " each is printed from its state on).");
}

/* GET /api/v1/forms/F<n>?contest=C[&version=N&round=R] (§9.3): the same
 * page as text/html, for the bearer's role; 0 when answered, else the
 * status for the caller's JSON error. */
int
d_api_form(struct desk *d, struct d_http *h, struct d_user *u,
    const char *id)
{
	struct ctx x;
	struct sb b;
	const char *cid = h->query ? h->query(h->qcls, "contest") : NULL;
	int st;

	memset(&x, 0, sizeof x);
	x.d = d;
	x.h = h;
	x.u = u;
	x.c = cid ? d_contest_find(d, cid) : -1;
	if (!h->auth || strncmp(h->auth, "Bearer ", 7) || strlen(h->auth +
	    7) >= sizeof x.tok || x.c < 0)
		return 404;
	snprintf(x.tok, sizeof x.tok, "%s", h->auth + 7);
	memset(&b, 0, sizeof b);
	st = form_page(&x, id, h->q_version, h->q_round, &b);
	if (st != 200) {
		free(b.p);
		return st;
	}
	respond(h, 200, &b);
	return 0;
}

/* S-25: the forms of the contest this session may read, each a link
 * when it is made, "not yet" before; a form the role may never read is
 * not listed. */
void
d_html_print_centre(struct ctx *x, struct sb *b)
{
	const char *cid = x->d->cs[x->c].id;

	put(b, "<table><caption>Forms of ");
	esc(b, x->d->cs[x->c].name);
	put(b, "</caption><thead><tr><th scope=\"col\">Form</th>"
	    "<th scope=\"col\">Title</th><th scope=\"col\">State</th>"
	    "</tr></thead><tbody>");
	for (int n = 1; n <= 21; n++) {
		const struct d_form *f;
		char path[160], id[16];
		json_t *o = NULL;
		int st;

		snprintf(id, sizeof id, "F%d", n);
		if (!(f = form_of(id)) || (strcmp(f->id, "F14") == 0 &&
		    strcmp(x->d->cs[x->c].kind, "sv") != 0))
			continue;
		if (f->build)
			st = f->build(x, &o);
		else {
			snprintf(path, sizeof path, "contests/%s/%s", cid,
			    f->read);
			st = d_sess_api(x->d, x->h, x->tok, "GET", path, NULL,
			    NULL, &o);
		}
		json_decref(o);
		if (st == 403)
			continue;
		putf(b, "<tr><th scope=\"row\">%s</th><td>", f->id);
		if (st == 200) {
			putf(b, "<a href=\"/forms/%s?c=", f->id);
			esc(b, cid);
			put(b, "\">");
			esc(b, f->title);
			put(b, "</a></td><td>ready to print</td></tr>");
		} else {
			esc(b, f->title);
			put(b, "</td><td>not made yet</td></tr>");
		}
	}
	put(b, "</tbody></table>");
}
