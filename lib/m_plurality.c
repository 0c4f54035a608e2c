/* SPDX-License-Identifier: MIT */
/*
 * m_plurality.c -- the plurality count behind fptp and block (LEPAR 2006
 * Sch.2 rr.46, 47, 49 as given in uk-rules.md section 2); papers are
 * classified in uk_paper.c.
 */
#include <string.h>

#include "uk_paper.h"

/* The printed heads of a regime for fptp and block (docs/desk.md 2.8). */
struct heads {
	const char *too_many;
	const char *voided;
	const char *cite;
};
static const struct heads regime_heads[] = {
	[TL_REG_LEPAR2006] = { "voting for more candidates than entitled",
	    "unmarked or wholly void for uncertainty",
	    "LEPAR 2006 Sch.2 r.47" },
	[TL_REG_LEPCR2006] = { "voting for more candidates than entitled",
	    "unmarked or wholly void for uncertainty",
	    "LEPCR 2006 Sch.2 r.47" },
	[TL_REG_RPA1983] = { "voting for more than one candidate",
	    "unmarked or void for uncertainty", "RPA 1983 Sch.1 r.47" },
	/* heads assumed as RPA's (desk.md 2.8: not verified) */
	[TL_REG_MER_FPTP_2023] = { "voting for more than one candidate",
	    "unmarked or void for uncertainty",
	    "MER 2007 Sch.1 r.48, FPTP from 2023" },
};

int
tl_plurality_stage(teller_ctx *ctx, struct teller_result *r,
    const struct teller_contest *c, int kind, const tl_fix *votes,
    tl_fix papers, const char *note)
{
	int i;

	r->valid = 0;
	for (i = 0; i < c->ncand; i++)
		if (tl_num_add(ctx, r->valid, votes[i], &r->valid))
			return TELLER_EOVERFLOW;
	r->valid_papers = papers;
	if (tl_result_stage(ctx, r, kind, -1, votes, 0, 0) == NULL)
		return TELLER_ENOMEM;
	TL_STAGE(r, 0)->note = note;
	return TELLER_OK;
}

int
tl_plurality_rejected(teller_ctx *ctx, struct teller_result *r,
    enum tl_uk_regime regime, const struct tl_uk_rejected *rj,
    tl_fix papers)
{
	const struct heads *h = &regime_heads[regime];
	tl_fix voided;

	if (tl_num_add(ctx, rj->n[TL_UK_UNMARKED], rj->n[TL_UK_UNCERTAIN],
	    &voided))
		return TELLER_EOVERFLOW;
	/* the heads in the order the rule lists them */
	if (((rj->given & (1u << TL_UK_NO_OFFICIAL)) &&
	    tl_result_tally(ctx, r, true, "want of official mark", h->cite,
	    rj->n[TL_UK_NO_OFFICIAL])) ||
	    tl_result_tally(ctx, r, true, h->too_many, h->cite,
	    rj->n[TL_UK_TOO_MANY]) ||
	    ((rj->given & (1u << TL_UK_IDENTIFYING)) &&
	    tl_result_tally(ctx, r, true, "writing or mark by which the "
	    "voter could be identified", h->cite,
	    rj->n[TL_UK_IDENTIFYING])) ||
	    tl_result_tally(ctx, r, true, h->voided, h->cite, voided))
		return TELLER_ENOMEM;
	/* with several seats, votes are not papers: count both */
	if (r->seats > 1 && (tl_result_tally(ctx, r, false, "valid ballot "
	    "papers", "LEPAR 2006 Sch.2 r.46", papers) ||
	    tl_result_tally(ctx, r, false, "rejected in part (counted)",
	    h->cite, rj->n[TL_UK_PART])))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* Order the standing candidates of c by votes, most first (input order
 * among equals) into order[]; returns how many. */
static int
by_votes(const struct teller_contest *c, const tl_fix *votes, int *order)
{
	int n = 0, i, j;

	for (i = 0; i < c->ncand; i++) {
		if (!tl_uk_standing(c, i))
			continue;
		for (j = n; j > 0 && votes[order[j - 1]] < votes[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	return n;
}

/*
 * Those above the last seat's total are elected, most votes first; if
 * more candidates share that total than seats are left, r.49 decides by
 * lot, one seat at a time, among the tied in input order (each draw
 * recorded); else all of them are elected, in input order.
 */
int
tl_plurality_elect(teller_ctx *ctx, struct teller_result *r,
    const struct teller_contest *c, const tl_fix *votes, int seats,
    struct tl_lots *lots)
{
	int *order, *tied, n, above = 0, ntied = 0, need, i, rc;
	tl_fix edge;

	order = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	tied = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	if (order == NULL || tied == NULL)
		return TELLER_ENOMEM;
	n = by_votes(c, votes, order);
	edge = votes[order[seats - 1]];
	for (i = 0; i < n && votes[order[i]] > edge; i++) {
		above++;
		if ((rc = tl_result_elect(ctx, r, order[i])) != TELLER_OK)
			return rc;
	}
	for (i = 0; i < c->ncand; i++)
		if (tl_uk_standing(c, i) && votes[i] == edge)
			tied[ntied++] = i;
	need = seats - above;
	if (need == ntied) {
		for (i = 0; i < ntied; i++)
			if ((rc = tl_result_elect(ctx, r, tied[i])) != 0)
				return rc;
		return TELLER_OK;
	}
	TL_STAGE(r, 0)->note = "LEPAR 2006 Sch.2 rr.46, 49";
	while (need-- > 0) {
		int d, who;
		enum tl_tie_how how;
		uint64_t draw;

		rc = tl_lots_draw(ctx, lots, 1, TL_TIEK_ELECT, false, tied,
		    ntied, &d, &draw, &how);
		if (rc == TELLER_ETIE && tl_result_pending(ctx, r,
		    TL_TIEK_ELECT, tied, ntied) != TELLER_OK)
			return TELLER_ENOMEM;
		if (rc != TELLER_OK)
			return rc;
		who = tied[d];
		if ((rc = tl_result_tie(ctx, r, TL_TIEK_ELECT, how,
		    tied, ntied, who, draw)) != TELLER_OK ||
		    (rc = tl_result_elect(ctx, r, who)) != TELLER_OK)
			return rc;
		memmove(&tied[d], &tied[d + 1],
		    (size_t)(ntied - d - 1) * sizeof(int));
		ntied--;
	}
	return TELLER_OK;
}

int
tl_plurality_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, int seats, struct teller_result **out)
{
	struct teller_result *r;
	struct tl_uk_seen seen;
	struct tl_uk_rejected rj;
	struct tl_lots lots;
	tl_fix *votes, papers = 0;
	int *ids, nstand = 0, i, j, rc;
	enum tl_uk_head h;
	size_t pi;

	*out = NULL;
	for (i = 0; i < c->ncand; i++)
		nstand += tl_uk_standing(c, i);
	if (seats < 1)
		return tl_fail(ctx, TELLER_EINVAL, "%s: seats must be at "
		    "least 1", method);
	if (seats > nstand)
		return tl_fail(ctx, TELLER_ERULE, "%s: %d seat%s but only %d "
		    "candidate%s standing", method, seats, seats == 1 ? "" :
		    "s", nstand, nstand == 1 ? "" : "s");
	r = tl_result_new(ctx, c, method, seats, p->wdp);
	votes = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	ids = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	if (r == NULL || votes == NULL || ids == NULL ||
	    tl_uk_seen_init(ctx, &seen, c->ncand) != TELLER_OK)
		return TELLER_ENOMEM;

	memset(&rj, 0, sizeof(rj));
	/* r.46: each paper gives one vote to each candidate marked on it */
	for (pi = 0; pi < p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(p, pi);
		int k, u, any;

		if ((rc = tl_uk_marks(ctx, c, p, pat, 0, -1, &seen, ids, &k,
		    &u, &any)) != TELLER_OK)
			return rc;
		h = tl_uk_block_head(k, u, seats, 0);
		if (h != TL_UK_VALID && tl_num_add(ctx, rj.n[h], pat->w,
		    &rj.n[h]))
			return TELLER_EOVERFLOW;
		if (h != TL_UK_VALID && h != TL_UK_PART)
			continue;
		for (j = 0; j < k; j++)
			if (tl_num_add(ctx, votes[ids[j]], pat->w,
			    &votes[ids[j]]))
				return TELLER_EOVERFLOW;
		if (tl_num_add(ctx, papers, pat->w, &papers))
			return TELLER_EOVERFLOW;
	}
	if ((rc = tl_plurality_stage(ctx, r, c, TL_STAGE_FIRST, votes,
	    papers, "LEPAR 2006 Sch.2 r.46")) != TELLER_OK ||
	    (rc = tl_plurality_rejected(ctx, r, TL_REG_LEPAR2006, &rj,
	    papers)) != TELLER_OK ||
	    (rc = tl_result_check(ctx, r)) != TELLER_OK ||
	    (rc = tl_lots_init(ctx, &lots, c, rules)) != TELLER_OK ||
	    (rc = tl_plurality_elect(ctx, r, c, votes, seats, &lots)) != 0)
		return rc;
	*out = r;
	return TELLER_OK;
}
