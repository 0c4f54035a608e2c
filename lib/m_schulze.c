/* SPDX-License-Identifier: MIT */
/*
 * m_schulze.c -- the Schulze beatpath method (methods.md 6.5): link
 * strength d(X,Y) where X beats Y (winning votes; --strength margin:
 * m(X,Y)), a path as strong as its weakest link, p(X,Y) the strongest
 * path. X wins if p(X,Y) >= p(Y,X) for every Y; several winners by lot.
 * M. Schulze, Social Choice and Welfare 36(2), 2011.
 */
#include "pairwise.h"

int
tl_m_schulze(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct tl_pw pw;
	struct teller_result *r;
	struct tl_lots lots;
	int n = c->ncand, x, y, k, rc;
	size_t nn = (size_t)n * (size_t)n;
	tl_fix *votes = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_fix));
	tl_fix *ps = tl_alloc(ctx, nn + 1, sizeof(tl_fix));
	struct tl_wide *key = tl_alloc(ctx, (size_t)n + 1, sizeof(*key));
	bool *ok = tl_alloc(ctx, (size_t)n + 1, sizeof(bool)), winning;

	*out = NULL;
	if (votes == NULL || ps == NULL || key == NULL || ok == NULL)
		return TELLER_ENOMEM;
	if ((rc = tl_pw_strength(ctx, rules, "schulze", true, &winning)) ||
	    (rc = tl_pw_start(ctx, c, p, rules, "schulze", false, &pw, &r,
	    &lots)) != TELLER_OK)
		return rc;
	tl_pw_ok(c, ok);
#define P(a, b) ps[(size_t)(a) * (size_t)n + (size_t)(b)]
	for (x = 0; x < n; x++)
		for (y = 0; y < n; y++) {
			tl_fix a = TL_PW_D(&pw, x, y), b = TL_PW_D(&pw, y, x);
			P(x, y) = x != y && ok[x] && ok[y] && a > b ?
			    (winning ? a : a - b) : -1;
		}
	for (k = 0; k < n; k++)
		for (x = 0; x < n; x++)
			for (y = 0; y < n; y++) {
				tl_fix via = P(x, k) < P(k, y) ? P(x, k) :
				    P(k, y);
				if (x != y && x != k && y != k && via > P(x, y))
					P(x, y) = via;
			}
	for (x = 0; x < n; x++) {
		int beats = 0;
		bool wins = ok[x];
		for (y = 0; y < n; y++) {
			if (y == x || !ok[y])
				continue;
			beats += P(x, y) > P(y, x);
			wins = wins && P(x, y) >= P(y, x);
		}
		votes[x] = beats * tl_num_pow10(pw.dp);
		key[x] = tl_num_wide(wins);
	}
#undef P
	r->paths = ps;
	if ((rc = tl_pw_stage(ctx, r, votes, winning ? "beatpath defeats "
	    "(winning votes)" : "beatpath defeats (margins)")) ||
	    (rc = tl_pw_elect_best(ctx, r, &lots, key, ok, false, 1)))
		return rc;
	*out = r;
	return TELLER_OK;
}
