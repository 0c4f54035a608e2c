/* SPDX-License-Identifier: MIT */
/*
 * m_bucklin.c -- Bucklin (methods.md 7.2): round k scores each candidate
 * by the weight of ballots ranking it among their first k ranks (choice
 * reading: skipped ranks closed up, a rank naming several stops the
 * ballot). A score above half the valid ballots ends the count, the
 * highest winning (equals by lot); else the next round; when the ranks
 * run out, the highest at the last round wins. The Bucklin system of
 * Grand Junction, Colorado, from 1909.
 */
#include "pairwise.h"

int
tl_m_bucklin(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	int n = c->ncand, k, i, len, maxlen = 0, rc;
	size_t pi, np = p->pats->len;
	struct teller_result *r;
	struct tl_lots lots;
	tl_fix unmarked = 0, over1 = 0, valid = 0, half;
	tl_cid *list = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_cid));
	tl_fix *votes = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_fix));
	struct tl_wide *key = tl_alloc(ctx, (size_t)n + 1, sizeof(*key));
	bool *ok = tl_alloc(ctx, (size_t)n + 1, sizeof(bool)), eq, over;

	*out = NULL;
	if (rules->seats > 1)
		return tl_fail(ctx, TELLER_EINVAL, "bucklin elects one "
		    "candidate, not %d", rules->seats);
	if (list == NULL || votes == NULL || key == NULL || ok == NULL ||
	    (r = tl_result_new(ctx, c, "bucklin", 1, p->wdp)) == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_lots_init(ctx, &lots, c, rules)) != TELLER_OK)
		return rc;
	tl_pw_ok(c, ok);
	for (pi = 0; pi < np; pi++) {
		const struct tl_pat *pat = TL_PAT(p, pi);
		tl_fix *to;
		len = tl_pat_clean(c, p, pat, list, n, &eq);
		to = len > 0 ? &valid : eq ? &over1 : &unmarked;
		if (tl_num_add(ctx, *to, pat->w, to))
			return TELLER_EOVERFLOW;
		if (len > maxlen)
			maxlen = len;
	}
	r->valid = valid;
	if (tl_result_tally(ctx, r, true, "unmarked or void for "
	    "uncertainty (no preference for a candidate)", "", unmarked) ||
	    tl_result_tally(ctx, r, true, "more than one first preference",
	    "", over1))
		return TELLER_ENOMEM;
	/* methods.md 7.2: more than half of the valid ballots, fixed */
	half = valid / 2; /* a score above half: 2 * score > valid */
	for (k = 1, over = false; k <= maxlen && !over; k++) {
		struct tl_stage *st;
		for (pi = 0; pi < np; pi++) {
			const struct tl_pat *pat = TL_PAT(p, pi);
			len = tl_pat_clean(c, p, pat, list, n, NULL);
			if (len >= k && tl_num_add(ctx, votes[list[k - 1]],
			    pat->w, &votes[list[k - 1]]))
				return TELLER_EOVERFLOW;
		}
		for (i = 0; i < n; i++) {
			key[i] = tl_num_wide(votes[i]);
			over = over || (ok[i] && votes[i] > half);
		}
		st = tl_result_stage(ctx, r, TL_STAGE_ROUND, -1, votes, 0, 0);
		if (st == NULL)
			return TELLER_ENOMEM;
		st->note = over ? "a majority" : "no majority";
	}
	if (maxlen == 0) { /* no valid ballot: teller_count says so */
		*out = r;
		return tl_result_stage(ctx, r, TL_STAGE_ROUND, -1, votes, 0,
		    0) != NULL ? TELLER_OK : TELLER_ENOMEM;
	}
	if ((rc = tl_pw_elect_best(ctx, r, &lots, key, ok, false, 1)))
		return rc;
	*out = r;
	return TELLER_OK;
}
