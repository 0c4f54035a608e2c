/* SPDX-License-Identifier: MIT */
/*
 * m_plurality.c -- shared by the UK statutory methods: reading the marks
 * of a paper, the heads of rejection for block vote, FPTP and the
 * Supplementary Vote, and the plurality count behind fptp and block
 * (LEPAR 2006 Sch.2 rr.46, 47, 49 as given in uk-rules.md section 2).
 */
#include <string.h>

#include "m_plurality.h"

bool
tl_uk_standing(const struct teller_contest *c, int i)
{
	const struct tl_cand *cd = TL_CAND(c, i);

	return !cd->withdrawn && !cd->writein;
}

int
tl_uk_seen_init(teller_ctx *ctx, struct tl_uk_seen *s, int ncand)
{
	s->ncand = ncand;
	s->stamp = 0;
	s->seen = tl_alloc(ctx, (size_t)ncand + 1, sizeof(uint32_t));
	s->ids = tl_alloc(ctx, (size_t)ncand + 1, sizeof(int));
	return s->seen != NULL && s->ids != NULL ? TELLER_OK : TELLER_ENOMEM;
}

/* A fresh stamp: every candidate reads as unseen. */
static uint32_t
next_stamp(struct tl_uk_seen *s)
{
	if (++s->stamp == 0) {
		memset(s->seen, 0, (size_t)s->ncand * sizeof(uint32_t));
		s->stamp = 1;
	}
	return s->stamp;
}

int
tl_uk_marks(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_pat *pat, int from,
    int to, struct tl_uk_seen *s, int *ids, int *k, int *u, int *any)
{
	struct tl_rank r;
	uint32_t st = next_stamp(s);
	int rank = 0, i;

	*k = *u = *any = 0;
	for (r = tl_rank_first(p, pat); r.cells != NULL;
	    r = tl_rank_next(r), rank++) {
		if (to >= 0 && rank >= to)
			break;
		if (rank < from)
			continue;
		for (i = 0; i < r.n; i++) {
			int id = r.ids[i];
			const struct tl_cand *cd;

			if (id >= c->ncand)
				return tl_fail(ctx, TELLER_EINTERNAL,
				    "a ballot marks candidate %d of %d",
				    id + 1, c->ncand);
			cd = TL_CAND(c, id);
			(*any)++;
			if (cd->withdrawn)
				continue;
			if (cd->writein) {
				(*u)++;
				continue;
			}
			if (s->seen[id] == st)
				continue;
			s->seen[id] = st;
			if (ids != NULL)
				ids[*k] = id;
			(*k)++;
		}
	}
	return TELLER_OK;
}

enum tl_uk_head
tl_block_head(int k, int u, int seats, unsigned flags)
{
	if (flags & TL_PAPER_NO_OFFICIAL_MARK)
		return TL_UK_NO_OFFICIAL;
	if (k > seats)
		return TL_UK_TOO_MANY;
	if (flags & TL_PAPER_IDENTIFYING)
		return TL_UK_IDENTIFYING;
	if (k == 0)
		return u == 0 ? TL_UK_UNMARKED : TL_UK_UNCERTAIN;
	if (u > 0 && k + u > seats)
		return TL_UK_UNCERTAIN;
	return u > 0 ? TL_UK_PART : TL_UK_VALID;
}

int
tl_sv_paper(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_pat *pat,
    unsigned flags, struct tl_uk_seen *s, struct tl_sv_paper *out)
{
	int k, u, any, rest;
	int rc;

	out->first = out->second = -1;
	out->second_head = TL_UK_UNMARKED;
	/* the first-preference column: rank 1 (MER 2007 Sch.1 r.48(1)) */
	if ((rc = tl_uk_marks(ctx, c, p, pat, 0, 1, s, s->ids, &k, &u, &any))
	    != TELLER_OK)
		return rc;
	if (flags & TL_PAPER_NO_OFFICIAL_MARK)
		out->first_head = TL_UK_NO_OFFICIAL;		/* r.48(1)(a) */
	else if (k >= 2)
		out->first_head = TL_UK_TOO_MANY;		/* r.48(1)(b) */
	else if (flags & TL_PAPER_IDENTIFYING)
		out->first_head = TL_UK_IDENTIFYING;		/* r.48(1)(c) */
	else if (k == 0 || u > 0)
		out->first_head = TL_UK_UNCERTAIN;		/* r.48(1)(d) */
	else
		out->first_head = TL_UK_VALID;
	if (out->first_head == TL_UK_UNCERTAIN && any == 0) {
		/* unmarked: no mark anywhere on the paper */
		if ((rc = tl_uk_marks(ctx, c, p, pat, 0, -1, s, NULL, &k, &u,
		    &rest)) != TELLER_OK)
			return rc;
		if (rest == 0)
			out->first_head = TL_UK_UNMARKED;
	}
	if (out->first_head != TL_UK_VALID)
		return TELLER_OK;
	out->first = s->ids[0];
	/* the second-preference column: rank 2 only (r.52(2)); rank 3 and
	 * later are never looked at */
	if ((rc = tl_uk_marks(ctx, c, p, pat, 1, 2, s, s->ids, &k, &u, &any))
	    != TELLER_OK)
		return rc;
	if (k >= 2)
		out->second_head = TL_UK_TOO_MANY;
	else if (u > 0)
		out->second_head = TL_UK_UNCERTAIN;
	else if (k == 0)
		out->second_head = TL_UK_UNMARKED;
	else {
		out->second = s->ids[0];
		out->second_head = out->second == out->first ? TL_UK_SAME
		    : TL_UK_VALID;
	}
	return TELLER_OK;
}

enum tl_sv_fate
tl_sv_fate(const struct tl_sv_paper *pp, const bool *remain)
{
	if (remain[pp->first])
		return TL_SVX_REMAINS;
	switch (pp->second_head) {
	case TL_UK_VALID:
		return remain[pp->second] ? TL_SVX_TRANSFER
		    : TL_SVX_ELIMINATED;
	case TL_UK_SAME:
		return TL_SVX_SAME;
	case TL_UK_TOO_MANY:
		return TL_SVX_TOO_MANY;
	case TL_UK_UNCERTAIN:
		return TL_SVX_UNCERTAIN;
	default:
		return TL_SVX_UNMARKED;
	}
}

/* ---- the plurality count (fptp, block) ---- */

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
		int d, who, how;
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
		switch (tl_block_head(k, u, seats, 0)) {
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
