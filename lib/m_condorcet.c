/* SPDX-License-Identifier: MIT */
/*
 * m_condorcet.c -- the Condorcet winner (methods.md 6.2): the candidate
 * who beats every other is elected; with none, nobody is, and the count
 * says so (stopped, exit 4). votes = how many each beats.
 */
#include "pairwise.h"

int
tl_m_condorcet(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct tl_pw pw;
	struct teller_result *r;
	struct tl_lots lots;
	int n = c->ncand, x, y, rc, win = -1;
	tl_fix *votes = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_fix));

	*out = NULL;
	if (votes == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_pw_start(ctx, c, p, rules, "condorcet", false, &pw, &r,
	    &lots)) != TELLER_OK)
		return rc;
	for (x = 0; x < n; x++) {
		int beats = 0;
		for (y = 0; y < n; y++)
			beats += TL_PW_D(&pw, x, y) > TL_PW_D(&pw, y, x);
		votes[x] = beats * tl_num_pow10(pw.dp);
		if (!TL_CAND(c, x)->withdrawn && beats == pw.nstand - 1)
			win = x;
	}
	if ((rc = tl_pw_stage(ctx, r, votes, "candidates each beats")))
		return rc;
	if (win >= 0 && (rc = tl_result_elect(ctx, r, win)) != TELLER_OK)
		return rc;
	if (win < 0)
		r->stopped = "no Condorcet winner";
	*out = r;
	return TELLER_OK;
}
