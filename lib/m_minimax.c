/* SPDX-License-Identifier: MIT */
/*
 * m_minimax.c -- minimax, margins (methods.md 6.4): score = the largest
 * margin by which another beats the candidate (0 if none does); the
 * lowest wins, equals by lot. P. B. Simpson, QJE 83(3), 1969; G. H.
 * Kramer, JET 16, 1977.
 */
#include "pairwise.h"

static void
score(const struct teller_contest *c, const struct tl_pw *pw, int x,
    tl_fix *vote, struct tl_wide *key)
{
	tl_fix worst = 0;
	int y;

	for (y = 0; y < c->ncand; y++) {
		tl_fix m = TL_PW_D(pw, y, x) - TL_PW_D(pw, x, y);
		if (y != x && m > worst)
			worst = m;
	}
	*vote = worst;
	*key = tl_num_wide(worst);
}

int
tl_m_minimax(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return tl_pw_scored(ctx, c, p, rules, "minimax", false, score,
	    "largest defeat by margin", true, out);
}
