/* SPDX-License-Identifier: MIT */
/*
 * t_tie.c -- the tie-break stream: the rivest-sha256 sampler's reference
 * values (checked against an independent Python implementation of
 * Rivest's sampler.py with hashlib), reproducibility, and the uniform lot.
 */
#include <string.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

static void
reference(void)
{
	static const unsigned char first[4] = { 0xb0, 0xe4, 0xf9, 0xbb };
	static const int dice[5] = { 0, 1, 2, 3, 1726460736 };
	static const int ns[5] = { 2, 3, 5, 7, 2147483647 };
	unsigned char k[32];
	struct tl_rng r;
	int i;

	/* try 0 of seed "1" is SHA-256("1,0") */
	tl_tie_seed(&r, "1");
	tl_tie_next(&r, k);
	CHECK(memcmp(k, first, 4) == 0, "SHA-256(\"1,0\") starts %02x%02x",
	    k[0], k[1]);
	CHECK_INT(r.tries, 1);
	/* a dice ceremony's seed, lots among 2, 3, 5, 7 and 2^31 - 1 */
	tl_tie_seed(&r, "2025-05-02 dice 4 1 6 6 2 3");
	for (i = 0; i < 5; i++)
		CHECK_INT(tl_tie_lot(&r, ns[i]), dice[i]);
	/* NULL is the default seed "1" */
	tl_tie_seed(&r, NULL);
	CHECK_STR(r.seed, "1");
}

static void
lots(void)
{
	static const int want[10] = { 0, 1, 3, 0, 0, 5, 5, 6, 6, 3 };
	struct tl_rng r, r2;
	int i, counts[3] = { 0, 0, 0 }, n = 30000, bad = 0;
	uint64_t before;

	/* seed "42", n = 7: k mod 7 of the reference stream */
	tl_tie_seed(&r, "42");
	for (i = 0; i < 10; i++)
		CHECK_INT(tl_tie_lot(&r, 7), want[i]);
	/* one candidate: no draw is consumed */
	tl_tie_seed(&r, "9");
	before = r.tries;
	CHECK_INT(tl_tie_lot(&r, 1), 0);
	CHECK(r.tries == before, "a lot among one consumed a draw");
	/* same seed, same lots */
	tl_tie_seed(&r, "777");
	tl_tie_seed(&r2, "777");
	for (i = 0; i < 100; i++)
		if (tl_tie_lot(&r, 5) != tl_tie_lot(&r2, 5))
			bad++;
	CHECK(bad == 0, "same seed gave different lots");
	/* range, and roughly uniform (deterministic: fixed seed) */
	tl_tie_seed(&r, "2026");
	for (i = 0; i < n; i++) {
		int k = tl_tie_lot(&r, 3);
		if (k >= 0 && k < 3)
			counts[k]++;
		else
			bad++;
	}
	CHECK(bad == 0, "%d lots out of range", bad);
	for (i = 0; i < 3; i++)
		CHECK(counts[i] > n / 3 - 500 && counts[i] < n / 3 + 500,
		    "lot %d drawn %d times of %d", i, counts[i], n);
	/* the largest n stays in range */
	tl_tie_seed(&r, "5");
	for (i = 0; i < 1000; i++) {
		int k = tl_tie_lot(&r, 2147483647);
		if (k < 0 || k >= 2147483647)
			bad++;
	}
	CHECK(bad == 0, "%d large lots out of range", bad);
}

/* teller_lot_pending: the lot a count stopped at under no_seed. */
static void
pending(void)
{
	teller_pending_lot pl;
	struct bx b;
	teller_rules ru;
	const char *lot[] = { "1:B<C" };

	/* irv: B and C tie at 5, the other's second choice: a lot that
	 * matters, against the one excluded, with a state digest */
	bx_init(&b, "ABC");
	bx_add(&b, "A", 9);
	bx_add(&b, "B,C", 5);
	bx_add(&b, "C,B", 5);
	teller_rules_init(&ru, "irv");
	ru.no_seed = 1;
	CHECK_INT(teller_count(b.ctx, b.c, b.p, &ru, &b.r), TELLER_ETIE);
	CHECK_INT(teller_lot_pending(b.ctx, &pl), 2);
	CHECK_INT(pl.stage, 1);
	CHECK_STR(pl.purpose, "exclusion");
	CHECK(pl.against != 0 && pl.order_free == 0 && pl.state != NULL,
	    "against %d free %d", pl.against, pl.order_free);
	CHECK(pl.tied[0] == 1 && pl.tied[1] == 2, "tied %d %d", pl.tied[0],
	    pl.tied[1]);
	/* given, the count goes on and nothing is pending */
	teller_errclear(b.ctx);
	ru.lots = lot;
	ru.nlots = 1;
	CHECK_INT(teller_count(b.ctx, b.c, b.p, &ru, &b.r), TELLER_OK);
	CHECK_INT(teller_lot_pending(b.ctx, &pl), 0);
	CHECK(pl.tied == NULL && pl.stage == 0, "not zeroed");
	bx_free(&b);

	/* fptp: for the one elected, no state */
	bx_init(&b, "AB");
	bx_add(&b, "A", 4);
	bx_add(&b, "B", 4);
	teller_rules_init(&ru, "fptp");
	ru.no_seed = 1;
	CHECK_INT(teller_count(b.ctx, b.c, b.p, &ru, &b.r), TELLER_ETIE);
	CHECK_INT(teller_lot_pending(b.ctx, &pl), 2);
	CHECK_STR(pl.purpose, "election");
	CHECK(pl.against == 0 && pl.state == NULL, "fptp: against %d",
	    pl.against);
	bx_free(&b);

	/* irv bulk exclusion: C and D (3 each) below B 9 and A 10 */
	bx_init(&b, "ABCD");
	bx_add(&b, "A", 10);
	bx_add(&b, "B", 9);
	bx_add(&b, "C,B", 3);
	bx_add(&b, "D,A", 3);
	teller_rules_init(&ru, "irv");
	ru.no_seed = 1;
	CHECK_INT(teller_count(b.ctx, b.c, b.p, &ru, &b.r), TELLER_ETIE);
	CHECK_INT(teller_lot_pending(b.ctx, &pl), 2);
	CHECK(pl.order_free != 0, "bulk rule not applied");
	bx_free(&b);
	/* ... but not when A and B tie at the first stage, where a later
	 * tie's look-back would start */
	bx_init(&b, "ABCD");
	bx_add(&b, "A", 9);
	bx_add(&b, "B", 9);
	bx_add(&b, "C,B", 3);
	bx_add(&b, "D,A", 3);
	CHECK_INT(teller_count(b.ctx, b.c, b.p, &ru, &b.r), TELLER_ETIE);
	CHECK_INT(teller_lot_pending(b.ctx, &pl), 2);
	CHECK(pl.order_free == 0, "bulk rule applied after an equality");
	bx_free(&b);
}

int
main(void)
{
	reference();
	lots();
	pending();
	return h_done();
}
