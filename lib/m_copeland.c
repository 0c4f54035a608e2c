/* SPDX-License-Identifier: MIT */
/*
 * m_copeland.c -- Copeland (methods.md 6.3): score = wins + 1/2 x ties;
 * the highest wins, equals by lot. A. H. Copeland, seminar, University
 * of Michigan, 1951.
 */
#include "pairwise.h"

/* Twice x's score as the key; the score itself at pw->dp (one place
 * more than the profile's when that has none: tl_pw_start's half). */
static void
score(const struct teller_contest *c, const struct tl_pw *pw, int x,
    tl_fix *vote, struct tl_wide *key)
{
	int64_t half = 0; /* twice the score */
	int y;

	for (y = 0; y < c->ncand; y++) {
		tl_fix a = TL_PW_D(pw, x, y), b = TL_PW_D(pw, y, x);
		if (y == x || TL_CAND(c, y)->withdrawn)
			continue;
		half += a > b ? 2 : a == b;
	}
	*key = tl_num_wide(half);
	*vote = half * tl_num_pow10(pw->dp) / 2;
}

int
tl_m_copeland(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return tl_pw_scored(ctx, c, p, rules, "copeland", true, score,
	    "wins + 1/2 ties", false, out);
}
