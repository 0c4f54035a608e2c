/* SPDX-License-Identifier: MIT */
/*
 * rep_html_text.c -- the words of the HTML report (docs/reports.md 4, 6):
 * the declaration and the statement of rejected papers, the narrative of
 * each stage, the ties and how they were settled, and the SV statements
 * with the first x second preference cross-table. Names in the text are
 * the strings of the tables; every one is escaped.
 */
#include <string.h>

#include "decl.h"
#include "rep_html.h"

static const char *
cname(const struct tl_html *h, int c)
{
	return TL_CAND(h->r->contest, c)->name;
}

/* "A", "A and B", "A, B and C". */
static void
name_list(struct tl_html *h, const int *ids, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			tl_out_str(&h->o, i == n - 1 ? " and " : ", ");
		tl_rep_html_out_name(h, ids[i]);
	}
}

static void
num(struct tl_html *h, tl_fix v)
{
	tl_rep_html_out_num(&h->o, v, h->r->dp);
}

/* The statutory sentence naming every winner. */
static void
decl_sentence(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	const int *el = r->elected->data;
	int n = (int)r->elected->len, i;

	tl_out_str(&h->o, "<p>");
	if (n == 0) {
		tl_out_str(&h->o, "No candidate has been declared elected: the "
		    "count stopped before the last seat was filled.</p>\n");
		return;
	}
	if (h->lay == TL_LAY_RCV) {
		for (i = 0; i < n; i++) {
			tl_rep_html_out_name(h, el[i]);
			tl_out_fmt(&h->o, " was elected in round %d. ",
			    h->elst[el[i]]);
		}
		tl_out_fmt(&h->o, "%d %s to be elected.</p>\n", r->seats,
		    r->seats == 1 ? "winner was" : "winners were");
		return;
	}
	tl_out_str(&h->o, "I, the undersigned, being the returning officer "
	    "at the above election, do hereby give notice that the number of "
	    "votes recorded for each candidate is as follows, and do hereby "
	    "declare that ");
	name_list(h, el, n);
	tl_out_fmt(&h->o, " %s duly elected.</p>\n", n == 1 ? "is" : "are");
}

/* The returning officer, place and date, as --meta gives them. */
static void
signed_line(struct tl_html *h)
{
	const struct tl_meta *m = h->r->meta;
	const char *part[3];
	int i, n = 0;

	if (m == NULL)
		return;
	part[n] = m->officer;
	n += m->officer != NULL;
	part[n] = m->place;
	n += m->place != NULL;
	part[n] = m->date;
	n += m->date != NULL;
	if (n == 0)
		return;
	tl_out_str(&h->o, "<p class=\"signed\">");
	for (i = 0; i < n; i++) {
		tl_out_str(&h->o, i > 0 ? ", " : "");
		if (part[i] == m->officer)
			tl_out_str(&h->o, "<bdi>");
		tl_rep_html_out_esc(&h->o, part[i]);
		if (part[i] == m->officer)
			tl_out_str(&h->o, h->us ? "</bdi>, election official" :
			    "</bdi>, Returning Officer");
	}
	tl_out_str(&h->o, "</p>\n");
}

/* After a lot for the last seat: the Electoral Commission's words. */
static void
lot_sentence(struct tl_html *h)
{
	size_t i;

	for (i = 0; i < h->r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(h->r->ties, struct tl_tie,
		    i);
		if (t->kind != TL_TIEK_ELECT || t->chosen < 0 ||
		    (t->how != TL_TIE_LOT && t->how != TL_TIE_HAND))
			continue;
		tl_out_str(&h->o, "<p>Following an equality of votes, lots "
		    "were drawn and, as a consequence, an additional vote was "
		    "allotted to candidate ");
		tl_rep_html_out_name(h, t->chosen);
		tl_out_str(&h->o, ".</p>\n");
	}
}

/* The candidates in ballot-paper order, never re-sorted by votes. */
static void
decl_table(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	const struct tl_stage *f = TL_STAGE(r, 0);
	const struct tl_stage *l = TL_STAGE(r, r->stages->len - 1);
	bool two = r->stages->len > 1;
	int c;

	tl_out_fmt(&h->o, "<div class=\"scroll\" role=\"region\" tabindex=\"0"
	    "\" aria-label=\"Votes recorded\">\n<table>\n<caption>Votes "
	    "recorded for each candidate</caption>\n<thead><tr><th scope=\""
	    "col\">Candidate</th><th scope=\"col\">Description</th><th scope="
	    "\"col\">%s</th>%s<th scope=\"col\">Result</th></tr></thead>\n"
	    "<tbody>\n", two ? "First preferences" : "Votes", two ?
	    (h->us ? "<th scope=\"col\">Final round</th>" :
	    "<th scope=\"col\">After transfers</th>") : "");
	for (c = 0; c < r->ncand; c++) {
		tl_out_str(&h->o, "<tr><th scope=\"row\">");
		tl_rep_html_out_name(h, c);
		tl_out_str(&h->o, "</th><td>");
		tl_rep_html_out_esc(&h->o, tl_decl_party(r, c));
		tl_out_str(&h->o, "</td><td class=\"n\">");
		num(h, f->votes[c]);
		if (two) {
			tl_out_str(&h->o, "</td><td class=\"n\">");
			if (h->exst[c] > 0 && l->votes[c] == 0)
				tl_out_str(&h->o, "&ndash;");
			else
				num(h, l->votes[c]);
		}
		tl_out_fmt(&h->o, "</td><td>%s</td></tr>\n", h->elst[c] > 0 ?
		    "Elected" : h->exst[c] > 0 ? (h->us ? "Eliminated" :
		    "Excluded") : "");
	}
	tl_out_str(&h->o, "</tbody>\n</table>\n</div>\n");
}

static void
rejected(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	tl_fix total = 0;
	size_t i;

	if (r->rejected->len == 0)
		return;
	tl_out_fmt(&h->o, "<section id=\"rejected\" aria-labelledby=\""
	    "rejected-h\">\n<h3 id=\"rejected-h\">Statement of rejected %s"
	    "</h3>\n<table>\n<caption>Rejected %s by reason</caption>\n"
	    "<thead><tr><th scope=\"col\">Reason</th><th scope=\"col\">"
	    "Number</th></tr></thead>\n<tbody>\n", h->us ? "ballots" :
	    "ballot papers", h->us ? "ballots" : "ballot papers");
	for (i = 0; i < r->rejected->len; i++) {
		const struct tl_tally *t = &TL_VEC_AT(r->rejected,
		    struct tl_tally, i);
		tl_out_str(&h->o, "<tr><th scope=\"row\">");
		tl_rep_html_out_esc(&h->o, t->name);
		tl_out_str(&h->o, "</th><td data-reason=\"");
		tl_rep_html_out_esc(&h->o, t->name);
		tl_out_str(&h->o, "\"");
		tl_rep_html_out_votes(h, t->n);
		tl_out_str(&h->o, ">");
		num(h, t->n);
		tl_out_str(&h->o, "</td></tr>\n");
		if (tl_num_add(h->o.ctx, total, t->n, &total) != TELLER_OK)
			total = 0;
	}
	tl_out_str(&h->o, "</tbody>\n<tfoot><tr><th scope=\"row\">Total</th>"
	    "<td class=\"n\">");
	num(h, total);
	tl_out_str(&h->o, "</td></tr></tfoot>\n</table>\n</section>\n");
}

/* "; electorate: N; turnout: T%" when the electorate is known (decl.c;
 * reports.md 4.1): papers counted per hundred electors. */
static void
electorate(struct tl_html *h)
{
	char t[32];

	if (h->r->meta != NULL && h->r->meta->issued > 0) {
		tl_out_str(&h->o, h->us ? "; ballots issued: " : "; ballot "
		    "papers issued: ");
		tl_rep_html_out_num(&h->o, h->r->meta->issued, 0);
	}
	if (h->r->electorate <= 0)
		return;
	tl_out_str(&h->o, "; electorate: <span data-electorate=\"");
	tl_out_fmt(&h->o, "%lld\">", (long long)h->r->electorate);
	tl_rep_html_out_num(&h->o, h->r->electorate, 0);
	tl_out_str(&h->o, "</span>");
	if (tl_decl_turnout(h->r, t, sizeof(t)))
		tl_out_fmt(&h->o, "; turnout: <span data-turnout=\"%s\">"
		    "%s%%</span>", t, t);
}

void
tl_rep_html_text_decl(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	static const char *const heads[] = { "Declaration of result of poll",
		"Declaration of result", "Result of the count", "Results" };

	tl_out_fmt(&h->o, "<section id=\"declaration\" aria-labelledby=\""
	    "declaration-h\">\n<h2 id=\"declaration-h\">%s</h2>\n",
	    heads[h->lay]);
	decl_sentence(h);
	signed_line(h);
	lot_sentence(h);
	if (r->stages->len > 0)
		decl_table(h);
	tl_out_str(&h->o, "<p>");
	if (r->papers > 0) {
		tl_out_str(&h->o, h->us ? "Ballots counted: " : "Ballot papers "
		    "counted: ");
		num(h, r->papers);
		tl_out_str(&h->o, "; ");
	}
	tl_out_str(&h->o, h->us ? "valid ballots: " : "valid papers: ");
	num(h, r->valid_papers >= 0 ? r->valid_papers : r->valid);
	if (r->valid_papers >= 0 && r->valid_papers != r->valid) {
		tl_out_str(&h->o, "; valid votes: ");
		num(h, r->valid);
	}
	if (r->has_quota) {
		tl_out_str(&h->o, "; quota: ");
		num(h, r->quota);
	}
	electorate(h);
	tl_out_str(&h->o, ".</p>\n");
	rejected(h);
	tl_out_str(&h->o, "</section>\n");
}

/* "a to B, b to C" over stage s's transfers to candidates. */
static int
moved_list(struct tl_html *h, const struct tl_stage *s, int from)
{
	size_t i;
	int n = 0;

	for (i = 0; s->transfers != NULL && i < s->transfers->len; i++) {
		const struct tl_transfer *t = &TL_VEC_AT(s->transfers,
		    struct tl_transfer, i);
		if (t->to < 0 || (from >= 0 && t->from != from))
			continue;
		tl_out_str(&h->o, n++ > 0 ? ", " : "");
		num(h, t->votes);
		tl_out_str(&h->o, h->us ? " went to " : " to ");
		tl_rep_html_out_name(h, t->to);
	}
	return n;
}

/* The non-transferable and loss clauses of stage k. */
static void
nt_clause(struct tl_html *h, size_t k)
{
	const struct tl_stage *s = TL_STAGE(h->r, k);
	const struct tl_stage *p = TL_STAGE(h->r, k - 1);

	tl_out_str(&h->o, "; ");
	num(h, s->nontrans - p->nontrans);
	tl_out_str(&h->o, h->us ? " ballots became inactive" :
	    " were non-transferable");
	if (s->loss != p->loss) {
		tl_out_str(&h->o, " and ");
		num(h, s->loss - p->loss);
		tl_out_str(&h->o, " was lost by fractions");
	}
	tl_out_str(&h->o, ".");
}

static void
say_surplus(struct tl_html *h, size_t k)
{
	const struct tl_stage *s = TL_STAGE(h->r, k);
	const struct tl_stage *p = TL_STAGE(h->r, k - 1);

	tl_rep_html_out_name(h, s->subject);
	tl_out_str(&h->o, "&#39;s surplus of ");
	num(h, p->votes[s->subject] - s->votes[s->subject]);
	tl_out_str(&h->o, " was transferred");
	if (s->value >= 0) {
		tl_out_str(&h->o, " at ");
		num(h, s->value);
		tl_out_str(&h->o, " per paper");
	}
	if (s->note != NULL && s->note[0] != '\0') {
		tl_out_str(&h->o, " (");
		tl_rep_html_out_esc(&h->o, s->note);
		tl_out_str(&h->o, ")");
	}
	tl_out_str(&h->o, ": ");
	if (moved_list(h, s, s->subject) == 0)
		tl_out_str(&h->o, "nothing to a continuing candidate");
	nt_clause(h, k);
}

static void
say_exclusion(struct tl_html *h, size_t k)
{
	const struct tl_stage *s = TL_STAGE(h->r, k);
	const struct tl_stage *p = TL_STAGE(h->r, k - 1);
	/* a college ranks by points (methods.md 4.2), not votes */
	const char *what = h->r->nsect > 0 ? "points" : "votes";

	tl_rep_html_out_name(h, s->subject);
	if (h->us) {
		tl_out_str(&h->o, " was eliminated with ");
		num(h, p->votes[s->subject]);
		tl_out_fmt(&h->o, " %s; ", what);
	} else {
		tl_out_fmt(&h->o, " had the fewest %s (", what);
		num(h, p->votes[s->subject]);
		tl_out_str(&h->o, ") and was excluded");
		if (s->note != NULL && s->note[0] != '\0') {
			tl_out_str(&h->o, " (");
			tl_rep_html_out_esc(&h->o, s->note);
			tl_out_str(&h->o, ")");
		}
		tl_out_str(&h->o, ". The papers transferred: ");
	}
	if (moved_list(h, s, s->subject) == 0)
		tl_out_str(&h->o, h->us ? "none went to a continuing "
		    "candidate" : "none to a continuing candidate");
	nt_clause(h, k);
}

/* Several excluded at once with their transfers recorded (ERS97 sure
 * losers, RCTab batch elimination): every name, then giver by giver. */
static void
say_batch(struct tl_html *h, size_t k)
{
	const struct tl_stage *s = TL_STAGE(h->r, k);
	int i;

	for (i = 0; i < s->nexcluded; i++) {
		tl_out_str(&h->o, i == 0 ? "" : i + 1 == s->nexcluded ?
		    " and " : ", ");
		tl_rep_html_out_name(h, s->excluded[i]);
	}
	tl_out_str(&h->o, h->us ? " were eliminated together" : " were "
	    "excluded together");
	if (s->note != NULL && s->note[0] != '\0') {
		tl_out_str(&h->o, " (");
		tl_rep_html_out_esc(&h->o, s->note);
		tl_out_str(&h->o, ")");
	}
	tl_out_str(&h->o, h->us ? ". Their ballots: " : ". The papers "
	    "transferred: ");
	for (i = 0; i < s->nexcluded; i++) {
		tl_out_str(&h->o, i > 0 ? "; from " : "from ");
		tl_rep_html_out_name(h, s->excluded[i]);
		tl_out_str(&h->o, ", ");
		if (moved_list(h, s, s->excluded[i]) == 0)
			tl_out_str(&h->o, h->us ? "none went to a continuing "
			    "candidate" : "none to a continuing candidate");
	}
	nt_clause(h, k);
}

/* SV stage 2 (LGA 2000 Sch.2 para 3). */
static void
say_second(struct tl_html *h, size_t k)
{
	const struct teller_result *r = h->r;
	const struct tl_stage *s = TL_STAGE(r, k), *p = TL_STAGE(r, k - 1);
	int c, n = 0, *rem = tl_alloc(h->o.ctx, (size_t)r->ncand + 1,
	    sizeof(int));

	if (rem == NULL)
		return;
	for (c = 0; c < r->ncand; c++)
		if (s->votes[c] > 0 && h->exst[c] != s->number)
			rem[n++] = c;
	tl_out_str(&h->o, "No candidate had more than half of the ");
	num(h, r->valid);
	tl_out_str(&h->o, " valid first preferences, so all but ");
	name_list(h, rem, n);
	tl_out_str(&h->o, " were eliminated: ");
	name_list(h, s->excluded, s->nexcluded);
	tl_out_str(&h->o, ". Second preferences added ");
	for (c = 0; c < n; c++) {
		if (c > 0)
			tl_out_str(&h->o, c == n - 1 ? " and " : ", ");
		num(h, s->votes[rem[c]] - p->votes[rem[c]]);
		tl_out_str(&h->o, " to ");
		tl_rep_html_out_name(h, rem[c]);
	}
	tl_out_str(&h->o, "; ");
	num(h, s->nontrans - p->nontrans);
	tl_out_str(&h->o, " papers were not transferred.");
}

/* A later round of the exhaustive ballot (methods.md 3.3): a new
 * ballot, so nothing is said of transfers, which nobody knows. */
static void
say_round(struct tl_html *h, size_t k)
{
	const struct tl_stage *s = TL_STAGE(h->r, k);

	tl_out_str(&h->o, "a new ballot was held: ");
	num(h, s->round_valid);
	tl_out_str(&h->o, " valid votes");
	if (h->r->nsect > 0)
		tl_out_str(&h->o, ", scored as college points");
	tl_out_str(&h->o, ". Each round is a separate ballot, so where the "
	    "votes went between rounds is not known.");
}

/*
 * stv-meek (m_stv_meek.c): a stage records the count where a decision is
 * taken, and its transfers are what the keep factors moved since the
 * stage before, giver by giver; the papers of a candidate excluded here
 * move at the next stage. Returns whether the excluded were named.
 */
static bool
say_meek(struct tl_html *h, size_t k)
{
	const struct teller_result *r = h->r;
	const struct tl_stage *s = TL_STAGE(r, k);
	int c, n = 0;
	size_t i;

	tl_out_str(&h->o, "the votes were counted again");
	for (c = 0; c < r->ncand; c++) {
		bool gave = false;
		for (i = 0; s->transfers != NULL && i < s->transfers->len; i++)
			if (TL_VEC_AT(s->transfers, struct tl_transfer,
			    i).from == c)
				gave = true;
		if (!gave)
			continue;
		tl_out_str(&h->o, n++ == 0 ? " and votes moved: "
		    "from " : "; from ");
		tl_rep_html_out_name(h, c);
		tl_out_str(&h->o, ", ");
		if (moved_list(h, s, c) == 0)
			tl_out_str(&h->o, "none to a continuing candidate");
	}
	if (n > 0)
		nt_clause(h, k);
	else
		tl_out_str(&h->o, ".");
	if (s->kind != TL_STAGE_EXCLUSION || s->nexcluded == 0)
		return false;
	tl_out_str(&h->o, " ");
	name_list(h, s->excluded, s->nexcluded);
	if (s->nexcluded == 1) {
		tl_out_str(&h->o, " had the fewest votes (");
		num(h, s->votes[s->excluded[0]]);
		tl_out_str(&h->o, ") and was excluded");
	} else {
		tl_out_str(&h->o, " were excluded together");
	}
	if (s->note != NULL && s->note[0] != '\0') {
		tl_out_str(&h->o, " (");
		tl_rep_html_out_esc(&h->o, s->note);
		tl_out_str(&h->o, ")");
	}
	tl_out_str(&h->o, s->nexcluded == 1 ? "; the papers pass on at the "
	    "next stage." : "; their papers pass on at the next stage.");
	return true;
}

/* Who was elected or excluded at stage s that the body has not named. */
static void
say_events(struct tl_html *h, const struct tl_stage *s, bool said_ex)
{
	const struct teller_result *r = h->r;
	int i;

	if (s->nelected > 0) {
		bool q = r->has_quota;
		for (i = 0; q && i < s->nelected; i++)
			if (s->votes[s->elected[i]] < r->quota)
				q = false;
		tl_out_str(&h->o, " ");
		name_list(h, s->elected, s->nelected);
		tl_out_fmt(&h->o, "%s %s elected.", q ? (s->nelected == 1 ?
		    " reached the quota and" : " reached the quota and") :
		    "", s->nelected == 1 ? "was" : "were");
	}
	if (s->nexcluded > 0 && !said_ex) {
		tl_out_str(&h->o, " ");
		name_list(h, s->excluded, s->nexcluded);
		tl_out_fmt(&h->o, " %s %s.", s->nexcluded == 1 ? "was" :
		    "were", h->us ? "eliminated" : "excluded");
	}
}

static const char *
tie_how(enum tl_tie_how how)
{
	static const char *const w[] = { "by the votes at earlier stages",
		"by lot", "by the order of the input",
		"by first preferences", "by a lot drawn by hand",
		"by the tie order of the input", "not settled: the count "
		"stopped for a lot" };
	_Static_assert(TL_NELEM(w) == TL_TIE_HOW_COUNT,
	    "w: one name a kind");

	return w[how];
}

/* Each tie decided at stage n, as its own paragraph. */
static void
ties(struct tl_html *h, int n)
{
	static const char *const kind[] = { "for exclusion",
		"for whose surplus goes first", "for election",
		"for the order of election", "for the order of pairs",
		"for a place in the runoff" };
	_Static_assert(TL_NELEM(kind) == TL_TIEK_COUNT,
	    "kind: one name a kind");
	size_t i;

	for (i = 0; i < h->r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(h->r->ties, struct tl_tie,
		    i);
		if (t->stage != n)
			continue;
		tl_out_str(&h->o, "<p class=\"tie\">Tie ");
		tl_out_str(&h->o, kind[t->kind]);
		tl_out_str(&h->o, ": ");
		name_list(h, t->tied, t->ntied);
		tl_out_fmt(&h->o, " had equal votes; settled %s",
		    tie_how(t->how));
		if (t->how == TL_TIE_LOT) {
			tl_out_str(&h->o, " (seed ");
			tl_rep_html_out_esc(&h->o, h->r->seed);
			tl_out_fmt(&h->o, ", draw %llu)",
			    (unsigned long long)t->draw);
		}
		if (t->how == TL_TIE_HAND)
			tl_out_fmt(&h->o, " (lot %llu)",
			    (unsigned long long)t->draw);
		if (t->chosen >= 0) {
			tl_out_str(&h->o, ": ");
			tl_rep_html_out_name(h, t->chosen);
			tl_out_str(&h->o, " was chosen");
		}
		tl_out_str(&h->o, ".</p>\n");
	}
}

static void
say_first(struct tl_html *h)
{
	const struct teller_result *r = h->r;

	num(h, r->valid);
	tl_out_str(&h->o, h->lay == TL_LAY_UKSV ? " valid first preferences"
	    : h->us ? " votes were counted" : " valid votes");
	if (r->has_quota) {
		tl_out_str(&h->o, "; the quota is ");
		num(h, r->quota);
	}
	tl_out_str(&h->o, ".");
}

void
tl_rep_html_text_narrative(struct tl_html *h, size_t k)
{
	const struct tl_stage *s = TL_STAGE(h->r, k);
	bool said_ex = false;

	tl_out_fmt(&h->o, "<p class=\"narrative\">%s %d: ",
	    tl_rep_html_out_stage_word(h), s->number);
	if (k == 0 || s->kind == TL_STAGE_FIRST) {
		say_first(h);
	} else if (strcmp(h->r->method, "stv-meek") == 0) {
		said_ex = say_meek(h, k);
	} else if (s->kind == TL_STAGE_SURPLUS && s->subject >= 0) {
		say_surplus(h, k);
	} else if (s->kind == TL_STAGE_EXCLUSION && s->subject >= 0 &&
	    s->nexcluded <= 1) {
		say_exclusion(h, k);
		said_ex = s->nexcluded == 1 && s->excluded[0] == s->subject;
	} else if (s->kind == TL_STAGE_EXCLUSION && s->nexcluded > 1 &&
	    s->transfers != NULL && s->transfers->len > 0) {
		say_batch(h, k);
		said_ex = true;
	} else if (s->kind == TL_STAGE_SECOND) {
		say_second(h, k);
		said_ex = true;
	} else if (s->has_round) {
		say_round(h, k);
	} else {
		if (s->subject >= 0) {
			tl_rep_html_out_name(h, s->subject);
			tl_out_str(&h->o, ": ");
		}
		tl_out_str(&h->o, s->kind == TL_STAGE_FINAL ? "the last "
		    "vacancies were filled without a transfer." : "the votes "
		    "were counted again.");
	}
	say_events(h, s, said_ex);
	tl_out_str(&h->o, "</p>\n");
	ties(h, s->number);
}

/* The r.53 statement for the remaining candidates. */
static void
sv_statement(struct tl_html *h, const struct tl_stage *p,
    const struct tl_stage *s)
{
	size_t i;
	int c;

	tl_out_str(&h->o, "<table>\n<caption>Statement as to first and "
	    "second preference votes</caption>\n<thead><tr><th scope=\"col\">"
	    "Candidate</th><th scope=\"col\">First preferences</th><th "
	    "scope=\"col\">Second preferences</th><th scope=\"col\">Total"
	    "</th></tr></thead>\n<tbody>\n");
	for (c = 0; c < h->r->ncand; c++) {
		if (s->votes[c] == 0 || h->exst[c] == s->number)
			continue;
		tl_out_str(&h->o, "<tr><th scope=\"row\">");
		tl_rep_html_out_name(h, c);
		tl_out_str(&h->o, "</th><td class=\"n\">");
		num(h, p->votes[c]);
		tl_out_str(&h->o, "</td><td class=\"n\">");
		num(h, s->votes[c] - p->votes[c]);
		tl_out_str(&h->o, "</td><td class=\"n\">");
		num(h, s->votes[c]);
		tl_out_str(&h->o, "</td></tr>\n");
	}
	tl_out_str(&h->o, "</tbody>\n</table>\n<table>\n<caption>Papers not "
	    "transferred</caption>\n<thead><tr><th scope=\"col\">Reason</th>"
	    "<th scope=\"col\">Papers</th></tr></thead>\n<tbody>\n");
	for (i = 0; s->nt_why != NULL && i < s->nt_why->len; i++) {
		const struct tl_tally *t = &TL_VEC_AT(s->nt_why,
		    struct tl_tally, i);
		tl_out_str(&h->o, "<tr><th scope=\"row\">");
		tl_rep_html_out_esc(&h->o, t->name);
		tl_out_str(&h->o, "</th><td class=\"n\">");
		num(h, t->n);
		tl_out_str(&h->o, "</td></tr>\n");
	}
	tl_out_str(&h->o, "</tbody>\n<tfoot><tr><th scope=\"row\">Total</th>"
	    "<td class=\"n\">");
	num(h, s->nontrans);
	tl_out_str(&h->o, "</td></tr></tfoot>\n</table>\n");
}

/* GLA Rules 2007 Sch.3 r.53(1)(c)(iii): first x second preferences. */
static void
crosstab(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	size_t n = (size_t)r->ncand, f, x;

	tl_out_fmt(&h->o, "<div class=\"scroll%s\" role=\"region\" tabindex="
	    "\"0\" aria-label=\"First and second preferences\">\n<table id=\""
	    "crosstab\">\n<caption>Second preferences (columns) on the papers "
	    "of each first preference (rows)</caption>\n<thead><tr><th scope="
	    "\"col\">First preference</th>", n > 8 ? " wide" : "");
	for (x = 0; x < n; x++) {
		tl_out_str(&h->o, "<th scope=\"col\">");
		tl_rep_html_out_name(h, (int)x);
		tl_out_str(&h->o, "</th>");
	}
	tl_out_str(&h->o, "<th scope=\"col\">No usable second preference</th>"
	    "</tr></thead>\n<tbody>\n");
	for (f = 0; f < n; f++) {
		tl_out_str(&h->o, "<tr data-first=\"");
		tl_rep_html_out_esc(&h->o, cname(h, (int)f));
		tl_out_str(&h->o, "\"><th scope=\"row\">");
		tl_rep_html_out_name(h, (int)f);
		tl_out_str(&h->o, "</th>");
		for (x = 0; x <= n; x++) {
			tl_fix v = r->crosstab[f * (n + 1) + x];
			tl_out_str(&h->o, "<td data-second=\"");
			if (x < n)
				tl_rep_html_out_esc(&h->o, cname(h, (int)x));
			tl_out_str(&h->o, "\"");
			tl_rep_html_out_votes(h, v);
			tl_out_str(&h->o, ">");
			num(h, v);
			tl_out_str(&h->o, "</td>");
		}
		tl_out_str(&h->o, "</tr>\n");
	}
	tl_out_str(&h->o, "</tbody>\n</table>\n</div>\n");
}

void
tl_rep_html_text_sv(struct tl_html *h)
{
	const struct teller_result *r = h->r;
	const struct tl_stage *s;

	if (r->stages->len < 2)
		return;
	s = TL_STAGE(r, 1);
	if (s->kind != TL_STAGE_SECOND)
		return;
	tl_out_str(&h->o, "<section id=\"sv\" aria-labelledby=\"sv-h\">\n"
	    "<h2 id=\"sv-h\">The second count</h2>\n");
	sv_statement(h, TL_STAGE(r, 0), s);
	if (r->crosstab != NULL)
		crosstab(h);
	tl_out_str(&h->o, "</section>\n");
}
