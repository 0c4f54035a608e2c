/* SPDX-License-Identifier: MIT */
/*
 * m_borda_dowdall.c -- Dowdall scoring (methods.md 5): positions score
 * 1, 1/2, 1/3, ...; equal ranks share the values of their positions; the
 * unranked 0. Exact: every score is counted in units of 1/L^2, L the
 * least common multiple of 1..n, and printed rounded half up to 6
 * places. Nauru since 1971: J. Fraenkel and B. Grofman, Australian
 * Journal of Political Science 49(2), 2014.
 */
#include "pairwise.h"

/* lcm(1..n) <= 5354228880 for n <= 24, so L^2 times any weight total
 * below 5 * 10^18 fits in 128 bits, as does a remainder times 10^18. */
#define DOWDALL_MAX 24

static int64_t
gcd(int64_t a, int64_t b)
{
	while (b != 0) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* L^2 * (1/pos + ... + 1/(pos+k-1)) / k. */
static struct tl_wide
points(void *ud, int n, int m, int pos, int k)
{
	int64_t L = *(const int64_t *)ud, sum = 0;
	struct tl_wide v;
	int j;

	(void)n;
	if (pos > m)
		return tl_num_wide(0);
	for (j = pos; j < pos + k; j++)
		sum += L / j;
	/* below 2^35 * 2^33: cannot overflow 127 bits */
	if (!tl_num_wmul(tl_num_wide(sum), tl_num_wide(L / k), &v))
		return tl_num_wide(0);
	return v;
}

int
tl_m_borda_dowdall(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	int64_t L = 1;
	int n = 0, i;
	struct tl_wide unit;

	for (i = 0; i < c->ncand; i++)
		n += !TL_CAND(c, i)->withdrawn;
	if (n > DOWDALL_MAX)
		return tl_fail(ctx, TELLER_ELIMIT, "borda-dowdall: %d "
		    "candidates; exact scores are kept for at most %d", n,
		    DOWDALL_MAX);
	for (i = 2; i <= n; i++)
		L = L / gcd(L, i) * i;
	if (!tl_num_wmul(tl_num_wide(L), tl_num_wide(L), &unit))
		return tl_fail(ctx, TELLER_EINTERNAL, "borda-dowdall: unit");
	return tl_pw_positional(ctx, c, p, rules, "borda-dowdall",
	    p->wdp > 6 ? p->wdp : 6, unit, points, &L, out);
}
