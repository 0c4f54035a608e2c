/* SPDX-License-Identifier: MIT */
/*
 * rctab_html.c -- `teller rctab --html FILE` (reports.md 2, 4.4): the
 * finished RCTab tabulation as a result (one stage a round, the votes
 * of each candidate, RCTab's inactive ballots by category as the
 * non-transferable, its residual surplus as the loss, and the transfers
 * RCTab recorded, several givers in a round included), written in the
 * rcv layout of the HTML report. Numbers keep the contest's places.
 */
#include <stdio.h>
#include <string.h>

#include "rctab.h"
#include "rctab_tab.h"
#include "rep_html.h"

/* The inactive categories (rctab.md 4.3) in RCTab's words. */
static const struct {
	enum tl_rst st;
	const char *why;
} inactive[] = {
	{ TL_ST_OVERVOTE, "overvotes" },
	{ TL_ST_SKIPPED, "skipped rankings" },
	{ TL_ST_EXHAUSTED, "exhausted choices" },
	{ TL_ST_REPEATED, "repeated rankings" },
};

struct conv {
	teller_ctx *ctx;
	const struct tl_rview *v;
	struct teller_result *r;
	int dp;
	tl_fix *votes, *prev; /* [ncand] */
};

/* d at the result's places, exactly, into *out; else an error. */
static int
fix(struct conv *k, struct tl_dec d, tl_fix *out)
{
	char b[TL_DEC_BUFSZ];
	size_t n = tl_dec_str(b, d);

	if (tl_num_parse(b, n, k->dp, out) != TELLER_OK)
		return tl_fail(k->ctx, TELLER_EOVERFLOW, "rctab --html: %s "
		    "cannot be shown at %d places", b, k->dp);
	return TELLER_OK;
}

static struct tl_dec
st_sum(const struct tl_rview *v, int round, int st)
{
	return v->rounds[round - 1].st[st];
}

/* The transfers of round `round` (>= 2): every recorded pair. */
static int
transfers(struct conv *k, int round)
{
	const struct tl_rview *v = k->v;
	const struct tl_dec *x;
	tl_fix n;
	int c, d, rc;

	for (c = 0; c < v->ncand; c++)
		for (d = TL_XFER_RESIDUAL; d < v->ncand; d++) {
			if ((x = tl_rtab_xfer(v->tab, round, 0, c, d)) == NULL)
				continue;
			if ((rc = fix(k, *x, &n)) != TELLER_OK)
				return rc;
			if ((rc = tl_result_transfer(k->ctx, k->r, c, d >= 0 ?
			    d : d == TL_XFER_EXHAUSTED ? TL_TO_NONTRANS :
			    TL_TO_LOSS, n)) != TELLER_OK)
				return rc;
		}
	return TELLER_OK;
}

/* Candidate c's votes in round `round`: its tally, or, for a winner
 * whose tally RCTab no longer lists, what it held less what it gave. */
static int
votes_of(struct conv *k, int round, int c, tl_fix *out)
{
	const struct tl_rview *v = k->v;
	const struct tl_rround *rr = &v->rounds[round - 1];
	const struct tl_dec *x;
	tl_fix n;
	int d, rc;

	if (rr->present[c])
		return fix(k, rr->tally[c], out);
	*out = 0;
	if (round == 1 || v->won[c] == 0 || v->won[c] >= round)
		return TELLER_OK;
	*out = k->prev[c];
	for (d = TL_XFER_RESIDUAL; d < v->ncand; d++) {
		if ((x = tl_rtab_xfer(v->tab, round, 0, c, d)) == NULL)
			continue;
		if ((rc = fix(k, *x, &n)) != TELLER_OK ||
		    tl_num_sub(k->ctx, *out, n, out) != TELLER_OK)
			return rc != TELLER_OK ? rc : TELLER_EOVERFLOW;
	}
	return TELLER_OK;
}

/* The subject of round `round` >= 2: who gave (eliminated, or elected
 * with a surplus, in the round before), or -1. */
static int
subject(const struct tl_rview *v, int round, enum tl_stage_kind *kind)
{
	int c;

	*kind = TL_STAGE_EXCLUSION;
	for (c = 0; c < v->ncand; c++)
		if (v->elim[c] == round - 1)
			return c;
	*kind = TL_STAGE_SURPLUS;
	for (c = 0; c < v->ncand; c++)
		if (v->won[c] == round - 1)
			return c;
	*kind = TL_STAGE_EXCLUSION;
	return -1;
}

static int
one_round(struct conv *k, int round)
{
	const struct tl_rview *v = k->v;
	enum tl_stage_kind kind = TL_STAGE_FIRST;
	tl_fix nt = 0, loss, x, sum = 0;
	int c, i, subj = -1, rc;

	for (c = 0; c < v->ncand; c++) {
		if ((rc = votes_of(k, round, c, &k->votes[c])) != TELLER_OK)
			return rc;
		if (tl_num_add(k->ctx, sum, k->votes[c], &sum) != TELLER_OK)
			return TELLER_EOVERFLOW;
	}
	for (i = 0; i < (int)(sizeof(inactive) / sizeof(inactive[0])); i++) {
		if ((rc = fix(k, st_sum(v, round, inactive[i].st), &x)) != 0)
			return rc;
		if (tl_num_add(k->ctx, nt, x, &nt) != TELLER_OK)
			return TELLER_EOVERFLOW;
	}
	/* the rest of the valid ballots: RCTab's residual surplus */
	if (tl_num_sub(k->ctx, k->r->valid, sum, &loss) != TELLER_OK ||
	    tl_num_sub(k->ctx, loss, nt, &loss) != TELLER_OK)
		return TELLER_EOVERFLOW;
	if (round > 1)
		subj = subject(v, round, &kind);
	if (tl_result_stage(k->ctx, k->r, kind, subj, k->votes, nt, loss) ==
	    NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < (int)(sizeof(inactive) / sizeof(inactive[0])); i++)
		if ((rc = fix(k, st_sum(v, round, inactive[i].st), &x)) != 0 ||
		    (rc = tl_result_nt_why(k->ctx, k->r, inactive[i].why,
		    x)) != TELLER_OK)
			return rc;
	if (round > 1 && (rc = transfers(k, round)) != TELLER_OK)
		return rc;
	for (c = 0; c < v->ncand; c++) {
		if (round > 1 && v->elim[c] == round - 1 &&
		    (rc = tl_result_exclude(k->ctx, k->r, c)) != TELLER_OK)
			return rc;
		if (v->won[c] == round &&
		    (rc = tl_result_elect(k->ctx, k->r, c)) != TELLER_OK)
			return rc;
	}
	memcpy(k->prev, k->votes, (size_t)v->ncand * sizeof(tl_fix));
	return TELLER_OK;
}

/* The contest: RCTab's candidates (and the write-in line) in order,
 * titled by the config's contest name (and the pass of multi-pass IRV,
 * whose every pass fills one seat). */
static struct teller_contest *
contest(teller_ctx *ctx, const struct tl_rview *v, int pass, int npass)
{
	struct teller_contest *c = tl_contest_new(ctx);
	int i;

	if (c == NULL)
		return NULL;
	/* a pass after the first: the earlier passes' winners take no
	 * part, said in words in their description */
	for (i = 0; i < v->ncand; i++) {
		const char *d = pass > 1 && v->excluded[i] && !(i <
		    v->cfg->ncand && v->cfg->cands[i].excluded) ?
		    "elected at an earlier pass" : "";
		if (tl_contest_add(ctx, c, v->names[i], strlen(v->names[i]),
		    d, strlen(d)) < 0)
			return NULL;
	}
	c->seats = v->seats;
	if (v->cfg->contest != NULL &&
	    (c->title = tl_strdup(ctx, v->cfg->contest)) == NULL)
		return NULL;
	if (pass > 0) {
		const char *t = c->title != NULL ? c->title : "Contest";
		size_t n = strlen(t) + 64;
		char *b = tl_alloc(ctx, n, 1);
		if (b == NULL)
			return NULL;
		snprintf(b, n, "%s, pass %d of %d (seat %d)", t, pass, npass,
		    pass);
		c->title = b;
	}
	return c;
}

/* Valid: the first round's ballots less the undervotes (papers with
 * no ranking, shown as rejected). */
static int
totals(struct conv *k)
{
	const struct tl_rview *v = k->v;
	tl_fix all = 0, x, under;
	int st, rc;

	for (st = 0; st < TL_ST_N; st++) {
		if ((rc = fix(k, st_sum(v, 1, st), &x)) != TELLER_OK)
			return rc;
		if (tl_num_add(k->ctx, all, x, &all) != TELLER_OK)
			return TELLER_EOVERFLOW;
	}
	if ((rc = fix(k, st_sum(v, 1, TL_ST_UNDERVOTE), &under)) != 0)
		return rc;
	k->r->papers = all;
	if (tl_num_sub(k->ctx, all, under, &k->r->valid) != TELLER_OK)
		return TELLER_EOVERFLOW;
	k->r->valid_papers = k->r->valid;
	return tl_result_tally(k->ctx, k->r, true, "undervotes (no "
	    "ranking)", "", under);
}

int
tl_rctab_write_html(teller_ctx *ctx, const struct tl_rview *v,
    int pass, int npass, teller_write_fn w, void *ud)
{
	struct conv k;
	struct teller_contest *c;
	int round, rc;

	memset(&k, 0, sizeof(k));
	k.ctx = ctx;
	k.v = v;
	k.dp = v->cfg->dp;
	if ((c = contest(ctx, v, pass, npass)) == NULL ||
	    (k.r = tl_result_new(ctx, c, "irv", v->seats, k.dp)) == NULL ||
	    (k.votes = tl_alloc(ctx, (size_t)v->ncand + 1,
	    sizeof(tl_fix))) == NULL ||
	    (k.prev = tl_alloc(ctx, (size_t)v->ncand + 1,
	    sizeof(tl_fix))) == NULL)
		return TELLER_ENOMEM;
	k.r->method_title = "RCTab ranked-choice tabulation";
	k.r->seed = "";
	if ((rc = totals(&k)) != TELLER_OK)
		return rc;
	for (round = 1; round <= v->nround; round++)
		if ((rc = one_round(&k, round)) != TELLER_OK)
			return rc;
	return tl_rep_html_lang(ctx, k.r, "rcv", NULL, w, ud);
}
