/* SPDX-License-Identifier: MIT */
/*
 * m_smith.c -- the Smith and Schwartz sets as choice sets (methods.md
 * 6.7): elected lists the set in input order, no tie is broken. J. H.
 * Smith, Econometrica 41(6), 1973; T. Schwartz, The Logic of Collective
 * Choice, 1986.
 */
#include "pairwise.h"

static int
choice_set(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, bool smith, struct teller_result **out)
{
	struct tl_pw pw;
	struct teller_result *r;
	struct tl_lots lots;
	teller_rules one = *rules;
	int n = c->ncand, x, rc, k = 0;
	tl_fix *votes = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_fix));

	*out = NULL;
	if (votes == NULL)
		return TELLER_ENOMEM;
	one.seats = 0; /* the set's size is what it is */
	if ((rc = tl_pw_start(ctx, c, p, &one, method, false, &pw, &r,
	    &lots)) != TELLER_OK)
		return rc;
	for (x = 0; x < n; x++)
		votes[x] = (smith ? pw.smith[x] : pw.schwartz[x]) ?
		    tl_num_pow10(pw.dp) : 0;
	if ((rc = tl_pw_stage(ctx, r, votes, smith ? "in the Smith set" :
	    "in the Schwartz set")) != TELLER_OK)
		return rc;
	for (x = 0; x < n; x++)
		if (votes[x] > 0) {
			if ((rc = tl_result_elect(ctx, r, x)) != TELLER_OK)
				return rc;
			k++;
		}
	r->seats = k;
	*out = r;
	return TELLER_OK;
}

int
tl_m_smith(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return choice_set(ctx, c, p, rules, "smith", true, out);
}

int
tl_m_schwartz(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	return choice_set(ctx, c, p, rules, "schwartz", false, out);
}
