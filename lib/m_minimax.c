/* SPDX-License-Identifier: MIT */
/*
 * m_minimax.c -- minimax, margins (methods.md 6.4): score = the largest
 * margin by which another beats the candidate (0 if none does); the
 * lowest wins, equals by lot. P. B. Simpson, QJE 83(3), 1969; G. H.
 * Kramer, JET 16, 1977.
 */
#include "pairwise.h"

int
tl_m_minimax(teller_ctx *ctx, const struct teller_contest *c,
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
	if ((rc = tl_pw_start(ctx, c, p, rules, "minimax", false, &pw, &r,
	    &lots)) != TELLER_OK)
		return rc;
	tl_pw_ok(c, ok);
	for (x = 0; x < n; x++) {
		tl_fix worst = 0;
		for (y = 0; y < n && ok[x]; y++) {
			tl_fix m = TL_PW_D(&pw, y, x) - TL_PW_D(&pw, x, y);
			if (y != x && m > worst)
				worst = m;
		}
		votes[x] = worst;
		key[x] = tl_num_wide(worst);
	}
	if ((rc = tl_pw_stage(ctx, r, votes, "largest defeat by margin")) ||
	    (rc = tl_pw_elect_best(ctx, r, &lots, key, ok, true, 1)))
		return rc;
	*out = r;
	return TELLER_OK;
}
