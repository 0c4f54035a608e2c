/* SPDX-License-Identifier: MIT */
/*
 * rep_text.c -- the human report, laid out like a UK declaration of
 * result: each candidate with first-stage votes, transfers and final
 * votes; who is elected; rejected ballot papers by statutory head; then
 * the stage-by-stage table, the ties and how each was settled.
 */
#include <stdio.h>
#include <string.h>

#include "tl_int.h"
#include "decl.h"
#include "sens.h"

/* Format v (dp places) with thousands separators into buf. */
static void
grouped(char *buf, size_t cap, tl_fix v, int dp, bool plus)
{
	char raw[TL_NUM_BUFSZ];
	size_t n = tl_num_fmt(raw, v, dp), k = 0, i, intlen, start = 0;
	const char *dot = memchr(raw, '.', n);

	if (raw[0] == '-') {
		buf[k++] = '-';
		start = 1;
	} else if (plus) {
		buf[k++] = '+';
	}
	intlen = (dot != NULL ? (size_t)(dot - raw) : n) - start;
	for (i = 0; i < intlen && k + 2 < cap; i++) {
		if (i > 0 && (intlen - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = raw[start + i];
	}
	for (i = start + intlen; i < n && k + 1 < cap; i++)
		buf[k++] = raw[i];
	buf[k] = '\0';
}

static void
num_col(struct tl_out *o, tl_fix v, int dp, int w, bool plus)
{
	char b[2 * TL_NUM_BUFSZ];

	grouped(b, sizeof(b), v, dp, plus);
	tl_out_pad(o, b, w, true);
}

static const char *
kind_label(enum tl_stage_kind kind)
{
	switch (kind) {
	case TL_STAGE_FIRST: return "first preferences";
	case TL_STAGE_SURPLUS: return "surplus of";
	case TL_STAGE_EXCLUSION: return "exclusion of";
	case TL_STAGE_SECOND: return "second preferences";
	case TL_STAGE_ITERATION: return "iteration";
	case TL_STAGE_SCORES: return "scores";
	case TL_STAGE_PAIRWISE: return "pairwise";
	case TL_STAGE_ROUND: return "round";
	case TL_STAGE_TRANSFER: return "transfer";
	case TL_STAGE_RUNOFF: return "runoff";
	case TL_STAGE_VOTES: return "votes";
	default: return "last vacancies filled";
	}
}

static int
name_width(const struct teller_result *r)
{
	int i, w = 17; /* fits "Loss by fractions" */

	for (i = 0; i < r->ncand; i++) {
		const char *s = TL_CAND(r->contest, i)->name;
		int n = 0;
		for (; *s != '\0'; s++)
			n += ((unsigned char)*s & 0xC0) != 0x80;
		if (n > w)
			w = n;
	}
	return w > 40 ? 40 : w;
}

static bool
in_list(const struct tl_vec *v, int id)
{
	size_t i;

	for (i = 0; i < v->len; i++)
		if (TL_VEC_AT(v, int, i) == id)
			return true;
	return false;
}

/* Width of v as num_col writes it. */
static int
num_width(tl_fix v, int dp, bool plus)
{
	char b[2 * TL_NUM_BUFSZ];

	grouped(b, sizeof(b), v, dp, plus);
	return (int)strlen(b);
}

/* A column min wide, or two more than its widest number, so columns
 * never run together. */
static int
col_width(const struct teller_result *r, int min, bool transfers)
{
	const struct tl_stage *f = TL_STAGE(r, 0);
	const struct tl_stage *l = TL_STAGE(r, r->stages->len - 1);
	size_t s;
	int i, w = min - 2, n;

	for (s = 0; s < r->stages->len; s++) {
		const struct tl_stage *st = TL_STAGE(r, s);
		for (i = 0; i < r->ncand; i++)
			if ((n = num_width(st->votes[i], r->dp, false)) > w)
				w = n;
		if ((n = num_width(st->nontrans, r->dp, false)) > w)
			w = n;
		if ((n = num_width(st->loss, r->dp, false)) > w)
			w = n;
	}
	for (i = 0; transfers && i < r->ncand; i++)
		if ((n = num_width(l->votes[i] - f->votes[i], r->dp, true)) >
		    w)
			w = n;
	return w + 2;
}

static void
declaration(struct tl_out *o, const struct teller_result *r, int nw)
{
	const struct tl_stage *first = TL_STAGE(r, 0);
	const struct tl_stage *last = TL_STAGE(r, r->stages->len - 1);
	bool multi = r->stages->len > 1;
	int i, vw = col_width(r, 14, true);

	tl_out_pad(o, "Candidate", nw, false);
	tl_out_str(o, "  ");
	tl_out_pad(o, multi ? "First stage" : "Votes", vw, true);
	if (multi) {
		/* separate ballots (exhaustive): a change, not a transfer */
		tl_out_pad(o, last->has_round ? "Change" : "Transfers", vw,
		    true);
		tl_out_pad(o, "Final", vw, true);
	}
	tl_out_str(o, "\n");
	for (i = 0; i < r->ncand; i++) {
		const struct tl_cand *c = TL_CAND(r->contest, i);
		tl_out_pad(o, c->name, nw, false);
		tl_out_str(o, "  ");
		num_col(o, first->votes[i], r->dp, vw, false);
		if (multi) {
			if (in_list(r->excluded, i) && last->votes[i] == 0) {
				tl_out_pad(o, "excluded", vw, true);
			} else {
				num_col(o, last->votes[i] - first->votes[i],
				    r->dp, vw, true);
				num_col(o, last->votes[i], r->dp, vw, false);
			}
		}
		if (in_list(r->elected, i))
			tl_out_str(o, "  ELECTED");
		tl_out_str(o, "\n");
		if (tl_decl_party(r, i)[0] != '\0') {
			tl_out_str(o, "  ");
			tl_out_str(o, tl_decl_party(r, i));
			tl_out_str(o, c->withdrawn ? " (withdrawn)\n" : "\n");
		} else if (c->withdrawn) {
			tl_out_str(o, "  (withdrawn)\n");
		}
	}
}

/* methods.md 4.4: per round, one table per section (votes, %, points);
 * 3.3: a separate round's valid votes and withdrawals. */
static void
stage_extras(struct tl_out *o, const struct teller_result *r,
    const struct tl_stage *st, int nw)
{
	int k, i;

	if (st->has_round) {
		tl_out_str(o, "  valid votes this round: ");
		tl_out_num(o, st->round_valid, r->dp);
		tl_out_str(o, "\n");
		for (k = 0; k < st->nwithdrawn; k++) {
			tl_out_str(o, "  withdrawn: ");
			tl_out_str(o, TL_CAND(r->contest, st->withdrawn[k])
			    ->name);
			tl_out_str(o, "\n");
		}
	}
	for (k = 0; st->sect != NULL && k < r->nsect; k++) {
		const struct tl_sect_stage *x = &st->sect[k];
		int64_t sc = tl_num_pow10(r->dp - r->sect_vdp);

		tl_out_str(o, "  Section ");
		tl_out_str(o, r->sects != NULL ? TL_VEC_AT(r->sects,
		    struct tl_section, k).name : "all");
		tl_out_str(o, " (weight ");
		tl_out_str(o, r->sects != NULL ? TL_VEC_AT(r->sects,
		    struct tl_section, k).weight : "1");
		tl_out_str(o, "), live ballots ");
		tl_out_num(o, x->valid / sc, r->sect_vdp);
		tl_out_str(o, ", non-transferable ");
		tl_out_num(o, x->nontrans / sc, r->sect_vdp);
		tl_out_str(o, "\n    ");
		tl_out_pad(o, "", nw, false);
		tl_out_pad(o, "Votes", 14, true);
		tl_out_pad(o, "%", 10, true);
		tl_out_pad(o, "Points", 10, true);
		tl_out_str(o, "\n");
		for (i = 0; i < r->ncand; i++) {
			if (x->points[i] < 0)
				continue;
			tl_out_str(o, "    ");
			tl_out_pad(o, TL_CAND(r->contest, i)->name, nw, false);
			num_col(o, x->votes[i] / sc, r->sect_vdp, 14, false);
			num_col(o, x->percent[i], TL_COLLEGE_DP, 10, false);
			num_col(o, x->points[i], TL_COLLEGE_DP, 10, false);
			tl_out_str(o, "\n");
		}
	}
}

static void
stage_table(struct tl_out *o, const struct teller_result *r, int nw)
{
	size_t s0, s, n = r->stages->len;
	int i, vw = col_width(r, r->dp > 0 ? 14 + r->dp : 12, false);
	size_t per = (size_t)((110 - nw) / vw);

	if (per < 2)
		per = 2;
	for (s0 = 0; s0 < n; s0 += per) {
		size_t s1 = s0 + per < n ? s0 + per : n;
		tl_out_str(o, "\n");
		tl_out_pad(o, "Stage", nw, false);
		for (s = s0; s < s1; s++) {
			char h[32];
			int len = 0;
			const int num = TL_STAGE(r, s)->number;
			char d[16];
			int k = 0, x = num;
			do {
				d[k++] = (char)('0' + x % 10);
				x /= 10;
			} while (x > 0);
			while (k > 0)
				h[len++] = d[--k];
			h[len] = '\0';
			tl_out_pad(o, h, vw, true);
		}
		tl_out_str(o, "\n");
		for (i = 0; i < r->ncand; i++) {
			tl_out_pad(o, TL_CAND(r->contest, i)->name, nw, false);
			for (s = s0; s < s1; s++)
				num_col(o, TL_STAGE(r, s)->votes[i], r->dp, vw,
				    false);
			tl_out_str(o, "\n");
		}
		tl_out_pad(o, "Non-transferable", nw, false);
		for (s = s0; s < s1; s++)
			num_col(o, TL_STAGE(r, s)->nontrans, r->dp, vw, false);
		tl_out_str(o, "\n");
		if (r->dp > 0) {
			tl_out_pad(o, "Loss by fractions", nw, false);
			for (s = s0; s < s1; s++)
				num_col(o, TL_STAGE(r, s)->loss, r->dp, vw,
				    false);
			tl_out_str(o, "\n");
		}
	}
	tl_out_str(o, "\n");
	for (s = 0; s < n; s++) {
		const struct tl_stage *st = TL_STAGE(r, s);
		int k;
		tl_out_fmt(o, "Stage %d: %s", st->number, kind_label(st->kind));
		if (st->subject >= 0 && (st->kind == TL_STAGE_SURPLUS ||
		    st->kind == TL_STAGE_EXCLUSION)) {
			tl_out_str(o, " ");
			tl_out_str(o, TL_CAND(r->contest, st->subject)->name);
		}
		if (st->value >= 0) {
			tl_out_str(o, ", transfer value ");
			tl_out_num(o, st->value, r->dp);
		}
		if (st->note != NULL && st->note[0] != '\0') {
			tl_out_str(o, " [");
			tl_out_str(o, st->note);
			tl_out_str(o, "]");
		}
		tl_out_str(o, "\n");
		stage_extras(o, r, st, nw);
		for (k = 0; k < st->nexcluded; k++) {
			tl_out_str(o, "  excluded: ");
			tl_out_str(o,
			    TL_CAND(r->contest, st->excluded[k])->name);
			tl_out_str(o, "\n");
		}
		for (k = 0; k < st->nelected; k++) {
			tl_out_str(o, "  elected: ");
			tl_out_str(o,
			    TL_CAND(r->contest, st->elected[k])->name);
			tl_out_str(o, "\n");
		}
	}
}

static void
ties(struct tl_out *o, const struct teller_result *r)
{
	static const char *const how[] = { "by the totals at an earlier stage",
		"by lot", "by order on the ballot paper",
		"by first preferences", "by a lot drawn by hand",
		"by the tie order the input gives ([tie])", "" };
	_Static_assert(TL_NELEM(how) == TL_TIE_HOW_COUNT,
	    "how: one name a kind");
	static const char *const kinds[] = { "tie for exclusion",
		"tie for the surplus transferred first", "tie for election",
		"tie for the order of election", "tie for the order of pairs",
		"tie for a place in the runoff" };
	_Static_assert(TL_NELEM(kinds) == TL_TIEK_COUNT,
	    "kinds: one name a kind");
	static const char *const done[] = { " excluded", " first",
		" elected", " first", " first", " goes to the runoff" };
	_Static_assert(TL_NELEM(done) == TL_TIEK_COUNT,
	    "done: one name a kind");
	size_t i;
	int k;

	if (r->ties->len == 0)
		return;
	tl_out_str(o, "\nTies:\n");
	for (i = 0; i < r->ties->len; i++) {
		const struct tl_tie *t = &TL_VEC_AT(r->ties, struct tl_tie, i);
		tl_out_fmt(o, "  stage %d, %s: ", t->stage, kinds[t->kind]);
		for (k = 0; k < t->ntied; k++) {
			if (k > 0)
				tl_out_str(o, ", ");
			tl_out_str(o, TL_CAND(r->contest, t->tied[k])->name);
		}
		if (t->how == TL_TIE_PENDING) {
			tl_out_str(o, " tied; not settled: the count stopped "
			    "for a lot\n");
			continue;
		}
		tl_out_str(o, " tied; settled ");
		tl_out_str(o, how[t->how]);
		tl_out_str(o, ": ");
		tl_out_str(o, TL_CAND(r->contest, t->chosen)->name);
		tl_out_str(o, done[t->kind]);
		if (t->how == TL_TIE_LOT)
			tl_out_fmt(o, " (seed %s, draw %llu)", r->seed,
			    (unsigned long long)t->draw);
		if (t->how == TL_TIE_HAND && t->draw >= 1 &&
		    t->draw <= (uint64_t)r->nlots)
			tl_out_fmt(o, " (lot %llu: %s)",
			    (unsigned long long)t->draw,
			    r->lots[t->draw - 1]);
		tl_out_str(o, "\n");
	}
}

static void
tally_list(struct tl_out *o, const struct teller_result *r,
    const struct tl_vec *v, const char *head, bool total)
{
	size_t i;
	tl_fix sum = 0;
	int nw = 5, vw = 12, n;

	if (v->len == 0)
		return;
	for (i = 0; i < v->len; i++) {
		const char *s = TL_VEC_AT(v, struct tl_tally, i).name;
		int c = 0;
		for (; *s != '\0'; s++)
			c += ((unsigned char)*s & 0xC0) != 0x80;
		if (c > nw)
			nw = c;
		sum += TL_VEC_AT(v, struct tl_tally, i).n;
		n = num_width(TL_VEC_AT(v, struct tl_tally, i).n, r->dp,
		    false) + 2;
		if (n > vw)
			vw = n;
	}
	if (total && (n = num_width(sum, r->dp, false) + 2) > vw)
		vw = n;
	sum = 0;
	tl_out_fmt(o, "\n%s:\n", head);
	for (i = 0; i < v->len; i++) {
		const struct tl_tally *t = &TL_VEC_AT(v, struct tl_tally, i);
		tl_out_str(o, "  ");
		tl_out_pad(o, t->name, nw, false);
		num_col(o, t->n, r->dp, vw, false);
		if (t->cite[0] != '\0')
			tl_out_fmt(o, "  (%s)", t->cite);
		tl_out_str(o, "\n");
		sum += t->n;
	}
	if (total) {
		tl_out_str(o, "  ");
		tl_out_pad(o, "Total", nw, false);
		num_col(o, sum, r->dp, vw, false);
		tl_out_str(o, "\n");
	}
}

/* A count that stopped short (a tally count) says so under "Elected". */
static void
status(struct tl_out *o, const struct teller_result *r)
{
	int i, n = 0;

	if (r->status == TELLER_STATUS_LOT_NEEDED)
		tl_out_str(o, "Count stopped: an equality of votes is to be "
		    "settled by lot\n");
	if (r->stopped != NULL) {
		tl_out_str(o, "Count stopped: ");
		tl_out_str(o, r->stopped);
		tl_out_str(o, "\n");
	}
	if (r->status != TELLER_STATUS_STAGE2_NEEDED)
		return;
	tl_out_str(o, "No majority: the second stage is to be counted; "
	    "remaining: ");
	for (i = 0; i < r->ncand; i++)
		if (r->remain != NULL && r->remain[i]) {
			tl_out_str(o, n++ > 0 ? "; " : "");
			tl_out_str(o, TL_CAND(r->contest, i)->name);
		}
	tl_out_str(o, "\n");
}

static void
set_line(struct tl_out *o, const struct teller_result *r, const char *head,
    const bool *in)
{
	int i, n = 0;

	tl_out_str(o, head);
	for (i = 0; i < r->ncand; i++)
		if (in[i]) {
			tl_out_str(o, n++ > 0 ? "; " : "");
			tl_out_str(o, TL_CAND(r->contest, i)->name);
		}
	tl_out_str(o, "\n");
}

/* methods.md 6.1: the matrix d(X,Y), the row's candidate over the
 * column's, then the Smith and Schwartz sets. */
void
tl_rep_text_pairwise(struct tl_out *o, const struct teller_result *r)
{
	int nw = name_width(r);

	int x, y, n = r->ncand, cw = nw > 12 ? 12 : nw < 8 ? 8 : nw;

	if (r->pairwise == NULL)
		return;
	tl_out_str(o, "\nPairwise: ballots ranking the row's candidate above "
	    "the column's\n");
	tl_out_pad(o, "", nw + 2, false);
	for (y = 0; y < n; y++) {
		char head[16];
		snprintf(head, sizeof(head), "%.12s",
		    TL_CAND(r->contest, y)->name);
		tl_out_str(o, "  ");
		tl_out_pad(o, head, cw, true);
	}
	tl_out_str(o, "\n");
	for (x = 0; x < n; x++) {
		tl_out_str(o, "  ");
		tl_out_pad(o, TL_CAND(r->contest, x)->name, nw, false);
		for (y = 0; y < n; y++) {
			tl_out_str(o, "  ");
			if (x == y)
				tl_out_pad(o, "-", cw, true);
			else
				num_col(o, r->pairwise[(size_t)x *
				    (size_t)n + (size_t)y], r->dp, cw, false);
		}
		tl_out_str(o, "\n");
	}
	if (r->smith != NULL)
		set_line(o, r, "Smith set: ", r->smith);
	if (r->schwartz != NULL)
		set_line(o, r, "Schwartz set: ", r->schwartz);
}

/* The --meta facts above the method, each on its line when given. */
static void
meta_lines(struct tl_out *o, const struct tl_meta *m)
{
	if (m == NULL)
		return;
	if (m->authority != NULL)
		tl_out_fmt(o, "Authority: %s\n", m->authority);
	if (m->election != NULL)
		tl_out_fmt(o, "Election: %s\n", m->election);
	if (m->area != NULL)
		tl_out_fmt(o, "Area: %s\n", m->area);
	if (m->date != NULL)
		tl_out_fmt(o, "Date of poll: %s\n", m->date);
	if (m->officer != NULL)
		tl_out_fmt(o, "Returning officer: %s\n", m->officer);
	if (m->place != NULL)
		tl_out_fmt(o, "Place: %s\n", m->place);
}

/* The electorate and the turnout (papers counted per hundred
 * electors) when the count knows them (decl.c; reports.md 4.1). */
static void
electorate(struct tl_out *o, const struct teller_result *r)
{
	char b[2 * TL_NUM_BUFSZ], t[32];

	if (r->meta != NULL && r->meta->issued > 0) {
		grouped(b, sizeof(b), r->meta->issued, 0, false);
		tl_out_fmt(o, "Ballot papers issued: %s\n", b);
	}
	if (r->electorate <= 0)
		return;
	grouped(b, sizeof(b), r->electorate, 0, false);
	tl_out_fmt(o, "Electorate: %s\n", b);
	if (tl_decl_turnout(r, t, sizeof(t)))
		tl_out_fmt(o, "Turnout: %s%%\n", t);
}

struct sens_ud {
	struct tl_out *o;
	const struct teller_result *r;
};

static void
sens_name(void *ud, int id)
{
	struct sens_ud *u = ud;

	tl_out_str(u->o, TL_CAND(u->r->contest, id)->name);
}

/* --sensitivity rounding (audit.md 7): a short paragraph. */
static void
sensitivity(struct tl_out *o, const struct teller_result *r)
{
	struct sens_ud u = { o, r };

	if (r->sens == NULL)
		return;
	tl_out_str(o, "\nRounding sensitivity: ");
	tl_sens_sentence(o, r, 0, sens_name, &u);
	tl_out_str(o, "\n");
	if (!r->sens->has_parcel)
		return;
	tl_sens_sentence(o, r, 1, sens_name, &u);
	tl_out_str(o, "\n");
}

int
tl_rep_text(teller_ctx *ctx, const struct teller_result *r,
    teller_write_fn w, void *ud)
{
	struct tl_out o;
	int nw = name_width(r);
	size_t i;
	char b[2 * TL_NUM_BUFSZ];

	tl_out_init(&o, ctx, w, ud);
	tl_out_str(&o, "DECLARATION OF RESULT\n");
	if (r->contest->title[0] != '\0') {
		tl_out_str(&o, r->contest->title);
		tl_out_str(&o, "\n");
	}
	meta_lines(&o, r->meta);
	tl_out_fmt(&o, "Method: %s\n", r->method_title);
	if (r->regime_title != NULL)
		tl_out_fmt(&o, "Regime: %s\n", r->regime_title);
	tl_out_fmt(&o, "Seats: %d\n", r->seats);
	if (r->stages->len == 0)
		return tl_out_flush(&o);
	electorate(&o, r);
	grouped(b, sizeof(b), r->papers, r->dp, false);
	tl_out_fmt(&o, "Ballot papers: %s\n", b);
	grouped(b, sizeof(b), r->valid_papers, r->dp, false);
	tl_out_fmt(&o, "Valid papers: %s\n", b);
	grouped(b, sizeof(b), r->valid, r->dp, false);
	tl_out_fmt(&o, "Valid votes: %s\n", b);
	if (r->has_quota) {
		grouped(b, sizeof(b), r->quota, r->dp, false);
		tl_out_fmt(&o, "Quota: %s\n", b);
	}
	tl_out_str(&o, "\n");
	declaration(&o, r, nw);
	tl_out_str(&o, "\n");
	tl_out_str(&o, r->elected->len == 1 ? "Elected: " : "Elected, in "
	    "order: ");
	for (i = 0; i < r->elected->len; i++) {
		if (i > 0)
			tl_out_str(&o, "; ");
		tl_out_str(&o, TL_CAND(r->contest,
		    TL_VEC_AT(r->elected, int, i))->name);
	}
	tl_out_str(&o, r->elected->len == 0 ? "(none)\n" : "\n");
	status(&o, r);
	if (r->stopped != NULL)
		tl_out_fmt(&o, "Count stopped: %s\n", r->stopped);
	tally_list(&o, r, r->rejected, "Rejected ballot papers", true);
	tally_list(&o, r, r->notes, "Other counts", false);
	stage_table(&o, r, nw);
	tl_rep_text_pairwise(&o, r);
	ties(&o, r);
	if (r->ties->len == 0)
		tl_out_str(&o, "\nNo ties.\n");
	sensitivity(&o, r);
	return tl_out_flush(&o);
}
