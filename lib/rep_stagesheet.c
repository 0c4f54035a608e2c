/* SPDX-License-Identifier: MIT */
/*
 * rep_stagesheet.c -- the stage sheet councils publish after an STV count:
 * a header (title, method, seats, valid votes, quota), then one row per
 * candidate and one column group per stage (the first preferences, then
 * for each stage the transfer and the new total), rows for non-transferable
 * papers, loss by fractions and the total, election and exclusion marks.
 * Stages are wrapped into blocks so that lines stay within 80 columns.
 */
#include <stdio.h>
#include <string.h>

#include "decl.h"
#include "tl_int.h"

#define SHEET_COLS 80
#define NAME_MAX_W 28
#define PARTY_MAX_W 20

/* Display width of s (UTF-8 lead bytes). */
static int
dwidth(const char *s)
{
	int w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* Copy into buf (size n) the first line of s that fits in w display
 * columns, broken after a space or a hyphen when there is one, else on a
 * character boundary; returns the rest of s (never cut: it wraps). */
static const char *
wrap(char *buf, size_t n, const char *s, int w)
{
	size_t i = 0, brk = 0;
	int cols = 0;

	for (; s[i] != '\0' && i + 1 < n; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++cols > w)
			break;
		if (s[i] == ' ' || s[i] == '-')
			brk = i + 1;
		buf[i] = s[i];
	}
	if (s[i] != '\0' && brk > 0)
		i = brk;
	buf[i] = '\0';
	while (i > 0 && buf[i - 1] == ' ')
		buf[--i] = '\0';
	s += i;
	while (*s == ' ')
		s++;
	return s;
}

/* Copy s into buf (size n), cut to at most w display columns, on a
 * character boundary (the stage headings). */
static void
cut(char *buf, size_t n, const char *s, int w)
{
	size_t i = 0;
	int cols = 0;

	for (; s[i] != '\0' && i + 1 < n; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++cols > w)
			break;
		buf[i] = s[i];
	}
	buf[i] = '\0';
}

/* A signed transfer: "+1.50", "-2.00", or "" for none. */
static void
fmt_delta(char *buf, tl_fix d, int dp)
{
	if (d == 0) {
		buf[0] = '\0';
		return;
	}
	buf[0] = d > 0 ? '+' : '-';
	tl_num_fmt(buf + 1, d > 0 ? d : -d, dp);
}

static bool
in_list(const int *a, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i] == x)
			return true;
	return false;
}

/* A line being built; written without trailing blanks. */
struct line {
	char b[2048];
	size_t n;
};

static void
lput(struct line *l, const char *s)
{
	size_t k = strlen(s);

	if (k > sizeof(l->b) - 1 - l->n)
		k = sizeof(l->b) - 1 - l->n;
	memcpy(l->b + l->n, s, k);
	l->n += k;
}

static void
lpad(struct line *l, const char *s, int w, bool right)
{
	int n = dwidth(s);

	for (; right && n < w; n++)
		lput(l, " ");
	lput(l, s);
	for (; !right && n < w; n++)
		lput(l, " ");
}

static void
lend(struct line *l, struct tl_out *o)
{
	while (l->n > 0 && l->b[l->n - 1] == ' ')
		l->n--;
	tl_out_mem(o, l->b, l->n);
	tl_out_str(o, "\n");
	l->n = 0;
}

struct sheet {
	const struct teller_result *r;
	struct tl_out *o;
	int namew, partyw, numw;
	bool party;
};

/* Value of row `row` at stage s: candidates 0..ncand-1, then
 * non-transferable, loss, total. */
static tl_fix
cell(const struct teller_result *r, size_t s, int row)
{
	const struct tl_stage *st = TL_STAGE(r, s);
	tl_fix t;
	int i;

	if (row < r->ncand)
		return st->votes[row];
	if (row == r->ncand)
		return st->nontrans;
	if (row == r->ncand + 1)
		return st->loss;
	t = st->nontrans + st->loss;
	for (i = 0; i < r->ncand; i++)
		t += st->votes[i];
	return t;
}

/* Width of a stage's column group. */
static int
group_w(const struct sheet *sh, size_t s)
{
	if (s == 0)
		return sh->numw + 1 > 11 ? sh->numw + 1 : 11;
	return 2 * sh->numw + 2;
}

/* Header text for stage s, line k (0..5), at most w wide: the stage,
 * what it does, the names over lines 2-4, the transfer value. */
static void
head(const struct sheet *sh, size_t s, int k, char *buf, size_t n, int w)
{
	const struct teller_result *r = sh->r;
	const struct tl_stage *st = TL_STAGE(r, s);
	char tmp[256];
	const char *what = "";
	int j;

	tmp[0] = '\0';
	switch (k) {
	case 0:
		snprintf(tmp, sizeof(tmp), "Stage %d", st->number);
		break;
	case 1:
		switch (st->kind) {
		case TL_STAGE_FIRST: what = "First prefs"; break;
		case TL_STAGE_SURPLUS: what = "Surplus of"; break;
		case TL_STAGE_EXCLUSION: what = "Exclusion of"; break;
		case TL_STAGE_SECOND: what = "Second prefs"; break;
		case TL_STAGE_ITERATION: what = "Iteration"; break;
		case TL_STAGE_FINAL: what = "Final"; break;
		case TL_STAGE_SCORES: what = "Scores"; break;
		case TL_STAGE_PAIRWISE: what = "Pairwise"; break;
		case TL_STAGE_ROUND: what = "Round"; break;
		case TL_STAGE_TRANSFER: what = "Transfer"; break;
		case TL_STAGE_RUNOFF: what = "Runoff"; break;
		case TL_STAGE_VOTES: what = "Votes"; break;
		}
		snprintf(tmp, sizeof(tmp), "%s", what);
		break;
	case 2:
	case 3:
	case 4:
		if (st->kind == TL_STAGE_EXCLUSION && st->nexcluded > 1) {
			size_t len = 0;
			int i;
			for (i = 0; i < st->nexcluded && len + 1 < sizeof(tmp);
			    i++) {
				int m = snprintf(tmp + len, sizeof(tmp) - len,
				    "%s%s", i ? ", " : "", TL_CAND(r->contest,
				    st->excluded[i])->name);
				if (m < 0)
					break;
				len += (size_t)m;
				if (len >= sizeof(tmp))
					len = sizeof(tmp) - 1;
			}
		} else if (st->subject >= 0 && (st->kind == TL_STAGE_SURPLUS ||
		    st->kind == TL_STAGE_EXCLUSION)) {
			snprintf(tmp, sizeof(tmp), "%s",
			    TL_CAND(r->contest, st->subject)->name);
		}
		/* the names wrap over lines 2-4 (cut only after that) */
		for (j = 2; j < k; j++) {
			char piece[256];
			const char *rest = wrap(piece, sizeof(piece), tmp, w);
			memmove(tmp, rest, strlen(rest) + 1);
		}
		if (k < 4)
			wrap(buf, n, tmp, w);
		else
			cut(buf, n, tmp, w);
		return;
	case 5:
		if (st->value >= 0) {
			char v[TL_NUM_BUFSZ];
			tl_num_fmt(v, st->value, r->dp);
			snprintf(tmp, sizeof(tmp), "value %s", v);
		}
		break;
	}
	cut(buf, n, tmp, w);
}

/* The rest of a long name and party, on lines of their own. */
static void
more(struct line *l, struct tl_out *o, const struct sheet *sh,
    const char *name, const char *party)
{
	char hb[512];

	while (*name != '\0' || (sh->party && *party != '\0')) {
		name = wrap(hb, sizeof(hb), name, sh->namew);
		lpad(l, hb, sh->namew, false);
		if (sh->party) {
			lput(l, "  ");
			party = wrap(hb, sizeof(hb), party, sh->partyw);
			lput(l, hb);
		}
		lend(l, o);
	}
}

/* One block of stages [a, b). */
static void
block(struct sheet *sh, size_t a, size_t b)
{
	const struct teller_result *r = sh->r;
	struct tl_out *o = sh->o;
	struct line l;
	char buf[TL_NUM_BUFSZ + 8], hb[256];
	int k, row, lead = sh->namew + (sh->party ? sh->partyw + 2 : 0);
	size_t s;

	l.n = 0;
	for (k = 0; k < 6; k++) {
		bool any = false;

		lpad(&l, "", lead, false);
		for (s = a; s < b; s++) {
			lput(&l, "  ");
			head(sh, s, k, hb, sizeof(hb), group_w(sh, s));
			any |= hb[0] != '\0';
			lpad(&l, hb, group_w(sh, s), false);
		}
		if (any)
			lend(&l, o);
		l.n = 0;
	}
	lpad(&l, "Candidate", sh->namew, false);
	if (sh->party) {
		lput(&l, "  ");
		lpad(&l, "Party", sh->partyw, false);
	}
	for (s = a; s < b; s++) {
		lput(&l, "  ");
		if (s > 0) {
			lpad(&l, "+/-", sh->numw, true);
			lput(&l, " ");
		}
		lpad(&l, s == 0 ? "Votes" : "Total", s == 0 ?
		    group_w(sh, s) - 1 : sh->numw, true);
		lput(&l, " ");
	}
	lend(&l, o);
	for (row = 0; row < r->ncand + 3; row++) {
		const char *label, *party;

		if (row < r->ncand && TL_CAND(r->contest, row)->withdrawn)
			continue;
		if (row == r->ncand)
			label = "Non-transferable";
		else if (row == r->ncand + 1)
			label = "Loss by fractions";
		else if (row == r->ncand + 2)
			label = "Total";
		else
			label = TL_CAND(r->contest, row)->name;
		party = row < r->ncand ? tl_decl_party(r, row) : "";
		label = wrap(hb, sizeof(hb), label, sh->namew);
		lpad(&l, hb, sh->namew, false);
		if (sh->party) {
			lput(&l, "  ");
			party = wrap(hb, sizeof(hb), party, sh->partyw);
			lpad(&l, hb, sh->partyw, false);
		}
		for (s = a; s < b; s++) {
			const struct tl_stage *st = TL_STAGE(r, s);
			const char *flag = " ";

			lput(&l, "  ");
			if (s > 0) {
				fmt_delta(buf, cell(r, s, row) -
				    cell(r, s - 1, row), r->dp);
				lpad(&l, buf, sh->numw, true);
				lput(&l, " ");
			}
			tl_num_fmt(buf, cell(r, s, row), r->dp);
			lpad(&l, buf, s == 0 ? group_w(sh, s) - 1 : sh->numw,
			    true);
			if (row < r->ncand && in_list(st->elected,
			    st->nelected, row))
				flag = "*";
			else if (row < r->ncand && in_list(st->excluded,
			    st->nexcluded, row))
				flag = "x";
			lput(&l, flag);
		}
		lend(&l, o);
		more(&l, o, sh, label, party);
	}
}

/* The electorate, the total poll and the turnout, when the count knows
 * the electorate (decl.c; reports.md 4.3). */
static void
sheet_poll(struct tl_out *o, const struct teller_result *r)
{
	char buf[TL_NUM_BUFSZ + 8], t[32];

	if (r->electorate <= 0)
		return;
	tl_out_fmt(o, "Electorate: %lld\n", (long long)r->electorate);
	tl_num_fmt(buf, r->papers, r->dp);
	tl_out_fmt(o, "Total poll: %s\n", buf);
	if (tl_decl_turnout(r, t, sizeof(t)))
		tl_out_fmt(o, "Turnout: %s%%\n", t);
}

/* The sheet's heading: contest, method, electorate and turnout,
 * rejected ballots, valid votes, quota. */
static void
sheet_head(struct tl_out *o, const struct teller_result *r)
{
	char buf[TL_NUM_BUFSZ + 8];
	size_t s;

	tl_out_str(o, "STAGE SHEET\n");
	if (r->contest->title[0] != '\0')
		tl_out_fmt(o, "%s\n", r->contest->title);
	tl_out_fmt(o, "Method: %s\n", r->method_title);
	tl_out_fmt(o, "Seats: %d\n", r->seats);
	sheet_poll(o, r);
	if (r->rejected->len > 0)
		tl_out_str(o, "Rejected ballots:\n");
	for (s = 0; s < r->rejected->len; s++) {
		const struct tl_tally *t = &TL_VEC_AT(r->rejected,
		    struct tl_tally, s);
		tl_num_fmt(buf, t->n, r->dp);
		tl_out_fmt(o, "  %s  %s\n", buf, t->name);
	}
	tl_num_fmt(buf, r->valid, r->dp);
	tl_out_fmt(o, "Valid votes: %s\n", buf);
	if (r->has_quota) {
		tl_num_fmt(buf, r->quota, r->dp);
		tl_out_fmt(o, "Quota: %s\n", buf);
	}
}

/* Column widths: names, parties, numbers (totals and changes). */
static void
sheet_widths(struct sheet *sh)
{
	const struct teller_result *r = sh->r;
	char buf[TL_NUM_BUFSZ + 8];
	size_t s, n = r->stages->len;
	int i, row;

	sh->namew = dwidth("Loss by fractions");
	for (i = 0; i < r->ncand; i++) {
		const struct tl_cand *cd = TL_CAND(r->contest, i);
		int nw = dwidth(cd->name), pw = dwidth(tl_decl_party(r, i));
		if (cd->withdrawn)
			continue;
		if (nw > sh->namew)
			sh->namew = nw < NAME_MAX_W ? nw : NAME_MAX_W;
		if (pw > sh->partyw)
			sh->partyw = pw < PARTY_MAX_W ? pw : PARTY_MAX_W;
	}
	sh->party = sh->partyw > 0;
	if (sh->party && sh->partyw < 5)
		sh->partyw = 5;
	sh->numw = 5;
	for (s = 0; s < n; s++)
		for (row = 0; row < r->ncand + 3; row++) {
			int l = (int)tl_num_fmt(buf, cell(r, s, row), r->dp);
			if (l > sh->numw)
				sh->numw = l;
			if (s > 0) {
				fmt_delta(buf, cell(r, s, row) -
				    cell(r, s - 1, row), r->dp);
				l = dwidth(buf);
				if (l > sh->numw)
					sh->numw = l;
			}
		}
}

/* The footer: the key, who was elected when, and every tie. */
static void
sheet_foot(struct tl_out *o, const struct teller_result *r)
{
	static const char *how[] = { "an earlier stage", "lot",
		"candidate order", "first preferences", "lot drawn by hand",
		"the input's tie order" };
	size_t s;
	int i;

	tl_out_str(o, "\n* elected at this stage; x excluded at this "
	    "stage\n");
	tl_out_str(o, "Elected, in order:\n");
	for (s = 0; s < r->stages->len; s++) {
		const struct tl_stage *st = TL_STAGE(r, s);
		for (i = 0; i < st->nelected; i++)
			tl_out_fmt(o, "  %s (stage %d)\n", TL_CAND(r->contest,
			    st->elected[i])->name, st->number);
	}
	for (s = 0; s < r->ties->len; s++) {
		const struct tl_tie *t = &TL_VEC_AT(r->ties, struct tl_tie, s);
		tl_out_fmt(o, "Tie at stage %d among", t->stage);
		for (i = 0; i < t->ntied; i++)
			tl_out_fmt(o, "%s %s", i ? "," : "",
			    TL_CAND(r->contest, t->tied[i])->name);
		if (t->how == TL_TIE_PENDING) {
			tl_out_str(o, ": not settled, a lot is needed\n");
			continue;
		}
		tl_out_fmt(o, ": %s chosen by %s\n",
		    TL_CAND(r->contest, t->chosen)->name,
		    t->how >= 0 && t->how <= 5 ? how[t->how] : "?");
	}
}

int
tl_rep_stagesheet(teller_ctx *ctx, const struct teller_result *r,
    teller_write_fn w, void *ud)
{
	struct tl_out o;
	struct sheet sh;
	size_t a, n = r->stages->len;
	int lead;

	tl_out_init(&o, ctx, w, ud);
	memset(&sh, 0, sizeof(sh));
	sh.r = r;
	sh.o = &o;
	sheet_head(&o, r);
	if (n == 0) {
		tl_out_str(&o, "\nNo stages.\n");
		return tl_out_flush(&o);
	}
	sheet_widths(&sh);
	lead = sh.namew + (sh.party ? sh.partyw + 2 : 0);
	/* blocks of stages that fit in SHEET_COLS (at least one each) */
	for (a = 0; a < n; ) {
		int width = lead;
		size_t b = a;
		while (b < n && (b == a || width + 2 + group_w(&sh, b) <=
		    SHEET_COLS)) {
			width += 2 + group_w(&sh, b);
			b++;
		}
		tl_out_str(&o, "\n");
		block(&sh, a, b);
		a = b;
	}
	sheet_foot(&o, r);
	return tl_out_flush(&o);
}
