/* SPDX-License-Identifier: MIT */
/*
 * m_plurality.c -- the plurality count behind fptp and block (LEPAR 2006
 * Sch.2 rr.46, 47, 49 as given in uk-rules.md section 2); papers are
 * classified in uk_paper.c.
 */
#include <string.h>

#include "uk_paper.h"

static const char BLOCK_R47[] = "LEPAR 2006 Sch.2 r.47";

/*
 * Elect the `seats` standing candidates with most votes (r.46). Those
 * above the last seat's total are elected, most votes first; if more
 * candidates share that total than seats are left, r.49 decides by lot,
 * one seat at a time, among the tied in input order (each draw
 * recorded); else all of them are elected, in input order.
 */
static int
elect_top(teller_ctx *ctx, struct teller_result *r,
    const struct teller_contest *c, const tl_fix *votes, int seats,
    const teller_rules *rules)
{
	struct tl_lots lots;
	int *order, *tied, n = 0, above = 0, ntied = 0, need, i, j, rc;
	tl_fix edge;

	order = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	tied = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	if (order == NULL || tied == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < c->ncand; i++) {
		if (!tl_uk_standing(c, i))
			continue;
		for (j = n; j > 0 && votes[order[j - 1]] < votes[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
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
	if ((rc = tl_lots_init(ctx, &lots, c, rules)) != TELLER_OK)
		return rc;
	while (need-- > 0) {
		int d, who;
		enum tl_tie_how how;
		uint64_t draw;

		if ((rc = tl_lots_draw(ctx, &lots, 1, TL_TIEK_ELECT, false,
		    tied, ntied, &d, &draw, &how)) != TELLER_OK)
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
	tl_fix *votes, too_many = 0, voided = 0, part = 0, papers = 0;
	int *ids, nstand = 0, i, j, rc;
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

	/* r.46: each paper gives one vote to each candidate marked on it */
	for (pi = 0; pi < p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(p, pi);
		int k, u, any;

		if ((rc = tl_uk_marks(ctx, c, p, pat, 0, -1, &seen, ids, &k,
		    &u, &any)) != TELLER_OK)
			return rc;
		switch (tl_uk_block_head(k, u, seats, 0)) {
		case TL_UK_PART:
			if (tl_num_add(ctx, part, pat->w, &part))
				return TELLER_EOVERFLOW;
			/* FALLTHROUGH */
		case TL_UK_VALID:
			for (j = 0; j < k; j++)
				if (tl_num_add(ctx, votes[ids[j]], pat->w,
				    &votes[ids[j]]))
					return TELLER_EOVERFLOW;
			if (tl_num_add(ctx, papers, pat->w, &papers))
				return TELLER_EOVERFLOW;
			break;
		case TL_UK_TOO_MANY:
			if (tl_num_add(ctx, too_many, pat->w, &too_many))
				return TELLER_EOVERFLOW;
			break;
		default:
			if (tl_num_add(ctx, voided, pat->w, &voided))
				return TELLER_EOVERFLOW;
			break;
		}
	}
	r->valid = 0;
	for (i = 0; i < c->ncand; i++)
		if (tl_num_add(ctx, r->valid, votes[i], &r->valid))
			return TELLER_EOVERFLOW;
	r->valid_papers = papers;
	if (tl_result_stage(ctx, r, TL_STAGE_FIRST, -1, votes, 0, 0) == NULL)
		return TELLER_ENOMEM;
	TL_STAGE(r, 0)->note = "LEPAR 2006 Sch.2 r.46";
	if (tl_result_tally(ctx, r, true, "voting for more candidates than "
	    "entitled", BLOCK_R47, too_many) ||
	    tl_result_tally(ctx, r, true, "unmarked or wholly void for "
	    "uncertainty", BLOCK_R47, voided))
		return TELLER_ENOMEM;
	/* with several seats, votes are not papers: count both */
	if (seats > 1 && (tl_result_tally(ctx, r, false, "valid ballot "
	    "papers", "LEPAR 2006 Sch.2 r.46", papers) ||
	    tl_result_tally(ctx, r, false, "rejected in part (counted)",
	    BLOCK_R47, part)))
		return TELLER_ENOMEM;
	if ((rc = tl_result_check(ctx, r)) != TELLER_OK)
		return rc;

	if ((rc = elect_top(ctx, r, c, votes, seats, rules)) != 0)
		return rc;
	*out = r;
	return TELLER_OK;
}
