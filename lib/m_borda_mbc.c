/* SPDX-License-Identifier: MIT */
/*
 * m_borda_mbc.c -- the modified Borda count (methods.md 5): a ballot
 * ranking m candidates gives m, m-1, ..., 1 down its ranks, the unranked
 * 0; equal ranks share the points of their positions. P. Emerson, "The
 * original Borda count and partial voting", Social Choice and Welfare
 * 40(2), 2013.
 */
#include "pairwise.h"

/* Twice the mean of m-pos+1 .. m-pos-k+2; 0 below the ranked. */
static struct tl_wide
points(void *ud, int n, int m, int pos, int k)
{
	(void)ud;
	(void)n;
	return tl_num_wide(pos > m ? 0 : 2 * m - 2 * pos - k + 3);
}

int
tl_m_borda_mbc(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	if (p->wdp + 1 > TL_DP_MAX)
		return tl_fail(ctx, TELLER_ELIMIT, "borda-mbc: weights with "
		    "%d places are too fine", p->wdp);
	return tl_pw_positional(ctx, c, p, rules, "borda-mbc", p->wdp + 1,
	    tl_num_wide(2), points, NULL, out);
}
