/* SPDX-License-Identifier: MIT */
/*
 * m_votes.c -- the plurality family beside fptp and block (methods.md 2):
 * the limited vote (mark reading, at most L marks), the single
 * non-transferable vote (first choices) and approval voting (mark
 * reading, no limit). One stage of votes; the S most elected, a tie
 * for the last seat by lot.
 */
#include <string.h>

#include "choice.h"
#include "uk_paper.h"

/* The distinct standing candidates pattern pat marks at any rank. */
static int
marks(const struct teller_contest *c, const struct teller_profile *p,
    const struct tl_pat *pat, bool *seen, int *ids)
{
	struct tl_rank rk;
	int n = 0, i;

	for (rk = tl_rank_first(p, pat); rk.cells != NULL;
	    rk = tl_rank_next(rk))
		for (i = 0; i < rk.n; i++) {
			tl_cid id = rk.ids[i];
			if (id >= c->ncand || TL_CAND(c, id)->withdrawn ||
			    seen[id])
				continue;
			seen[id] = true;
			ids[n++] = id;
		}
	for (i = 0; i < n; i++)
		seen[ids[i]] = false;
	return n;
}

/* mode: 'l' limited (at most lim marks; methods.md 2.1), 's' sntv (2.2:
 * first choices only), 'a' approval (2.3: every distinct mark). */
static int
votes_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *name, int mode, struct teller_result **out)
{
	int seats = rules->seats > 0 ? rules->seats : c->seats > 0 ?
	    c->seats : 1, lim = mode == 'l' ? rules->votes : c->ncand, k;
	struct teller_result *r;
	struct tl_choice ch;
	struct tl_lots lots;
	tl_fix *votes, papers = 0, unmarked = 0, over = 0;
	bool *seen;
	int *ids, rc;
	size_t q;

	*out = NULL;
	if (mode == 'l' && (lim < 1 || lim > seats))
		return tl_fail(ctx, TELLER_EINVAL, "limited needs --votes L "
		    "with 1 <= L <= seats (%d)", seats);
	r = tl_result_new(ctx, c, name, seats, p->wdp);
	votes = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_fix));
	seen = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
	ids = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(int));
	if (r == NULL || votes == NULL || seen == NULL || ids == NULL)
		return TELLER_ENOMEM;
	if (mode == 's' && (rc = tl_choice_read(ctx, c, p, 0, &ch)) != 0)
		return rc;
	for (q = 0; q < p->pats->len; q++) {
		const struct tl_pat *pat = TL_PAT(p, q);
		tl_fix *to = NULL;
		int n;

		if (mode == 's') {
			n = ch.n[q] > 0;
			ids[0] = ch.n[q] > 0 ? ch.ids[q * (size_t)ch.ncand] : 0;
			if (n == 0)
				to = ch.over[q] ? &over : &unmarked;
		} else {
			n = marks(c, p, pat, seen, ids);
			if (n == 0)
				to = &unmarked;
			else if (n > lim)
				to = &over;
		}
		if (to != NULL) {
			if (tl_num_add(ctx, *to, pat->w, to) != TELLER_OK)
				return TELLER_EOVERFLOW;
			continue;
		}
		for (k = 0; k < n; k++)
			if (tl_num_add(ctx, votes[ids[k]], pat->w,
			    &votes[ids[k]]))
				return TELLER_EOVERFLOW;
		if (tl_num_add(ctx, papers, pat->w, &papers))
			return TELLER_EOVERFLOW;
	}
	if ((rc = tl_plurality_stage(ctx, r, c, TL_STAGE_VOTES, votes,
	    papers, mode == 'a' ? "approvals" : "votes")) != TELLER_OK)
		return rc;
	if (tl_result_tally(ctx, r, true, "unmarked or void for "
	    "uncertainty", "", unmarked) ||
	    (mode != 'a' && tl_result_tally(ctx, r, true, mode == 's' ?
	    "more than one first preference" : "voting for more "
	    "candidates than entitled", "", over)))
		return TELLER_ENOMEM;
	if (seats > 1 && tl_result_tally(ctx, r, false, "valid ballot "
	    "papers", "", papers))
		return TELLER_ENOMEM;
	if ((rc = tl_lots_init(ctx, &lots, c, rules)) != TELLER_OK ||
	    (rc = tl_plurality_elect(ctx, r, c, votes, seats, &lots)) != 0)
		return rc;
	*out = r;
	return TELLER_OK;
}

int
tl_m_limited(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return votes_count(ctx, c, p, rules, "limited", 'l', out);
}

int
tl_m_sntv(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return votes_count(ctx, c, p, rules, "sntv", 's', out);
}

int
tl_m_approval(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return votes_count(ctx, c, p, rules, "approval", 'a', out);
}
