/* SPDX-License-Identifier: MIT */
/*
 * m_copeland.c -- Copeland (methods.md 6.3): score = wins + 1/2 x ties;
 * the highest wins, equals by lot. A. H. Copeland, seminar, University
 * of Michigan, 1951.
 */
#include "pairwise.h"

int
tl_m_copeland(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct tl_pw pw;
	struct teller_result *r;
	struct tl_lots lots;
	int n = c->ncand, x, y, rc;
	tl_fix *votes = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_fix));
	struct tl_wide *key = tl_alloc(ctx, (size_t)n + 1, sizeof(*key));
	bool *ok = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));

	*out = NULL;
	if (votes == NULL || key == NULL || ok == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_pw_start(ctx, c, p, rules, "copeland", true, &pw, &r,
	    &lots)) != TELLER_OK)
		return rc;
	tl_pw_ok(c, ok);
	for (x = 0; x < n; x++) {
		int64_t half = 0; /* twice the score */
		for (y = 0; y < n && ok[x]; y++) {
			tl_fix a = TL_PW_D(&pw, x, y), b = TL_PW_D(&pw, y, x);
			if (y == x || TL_CAND(c, y)->withdrawn)
				continue;
			half += a > b ? 2 : a == b;
		}
		key[x] = tl_num_wide(half);
		votes[x] = half * tl_num_pow10(pw.dp) / 2;
	}
	if ((rc = tl_pw_stage(ctx, r, votes, "wins + 1/2 ties")) ||
	    (rc = tl_pw_elect_best(ctx, r, &lots, key, ok, false, 1)))
		return rc;
	*out = r;
	return TELLER_OK;
}
