/* SPDX-License-Identifier: MIT */
/*
 * m_borda.c -- the Borda count (methods.md 5): positions 1..n score
 * n-1..0; equal ranks share the points of the positions they occupy, and
 * the unranked share those left below the ranked. J.-C. de Borda,
 * "Memoire sur les elections au scrutin", 1781 (published 1784).
 */
#include "pairwise.h"

/* Twice the mean of n-pos .. n-pos-k+1. */
static struct tl_wide
points(void *ud, int n, int m, int pos, int k)
{
	(void)ud;
	(void)m;
	return tl_num_wide(2 * n - 2 * pos - k + 1);
}

int
tl_m_borda(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	if (p->wdp + 1 > TL_DP_MAX)
		return tl_fail(ctx, TELLER_ELIMIT, "borda: weights with %d "
		    "places are too fine", p->wdp);
	return tl_pw_positional(ctx, c, p, rules, "borda", p->wdp + 1,
	    tl_num_wide(2),	    points, NULL, out);
}
