/* SPDX-License-Identifier: MIT */
/*
 * t_stv_ers97.c -- stv-ers97 on small elections worked by hand (each in
 * its comment): last-parcel surplus with a truncated transfer value,
 * surplus moved at its present value, deferred surplus with a batch
 * exclusion, sub-stages by transfer value, a tie settled by an earlier
 * stage and one settled by lot; determinism; refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

/*
 * Case C: 2 seats, 23 ballots: A E B x6, A C x6, B x6, C x4, E C x1.
 * Stage 1: A 12, B 6, C 4, E 1. Quota (5.1.6) = 23/3 = 7.666.. -> 7.67.
 *   A deemed elected (5.1.7). Surplus 4.33; sure losers (5.2.2)? E 1 +
 *   4.33 > C 4, so the surplus is not deferred.
 * Stage 2: surplus of A (5.3.1: all 12 papers, as it arose at stage 1):
 *   12 transferable papers worth 12.00 > 4.33, so the transfer value is
 *   4.33 / 12 = 0.3608 -> 0.36 (5.3.7); E +2.16 = 3.16, C +2.16 = 6.16;
 *   the neglected 0.01 is the non-transferable difference (5.3.9).
 * Stage 3: no surplus; E 3.16 <= B 6 is a sure loser (5.2.5). E's papers
 *   go in batches by value (5.4.1-2): first its own paper at 1.00 to C
 *   (7.16), leaving E 2.16;
 * Stage 4: then the six papers at 0.36 to B: 6 + 2.16 = 8.16 >= the
 *   threshold ceil(15.32 / 2) = 7.66 (5.4.9(b)): B deemed elected.
 */
static void
case_substages(void)
{
	static const char *const b[] = { "6 A E B", "6 A C", "6 B", "4 C",
		"1 E C", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C E", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-ers97", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "A B");
	CHECK_INT(r->stages->len, 4);
	CHECK_INT(r->quota, 767);
	CHECK_STAGE(r, 1, 0, "12.00", "5.1.4");
	CHECK_STAGE(r, 2, 0, "7.67", "5.3 (quota kept)");
	CHECK_STAGE(r, 2, 2, "6.16", "5.3.7 (0.36 x 6)");
	CHECK_STAGE(r, 2, 3, "3.16", "5.3.7 (0.36 x 6)");
	CHECK_STAGE(r, 2, -2, "0.01", "5.3.9 (non-transferable difference)");
	CHECK_STAGE(r, 3, 2, "7.16", "5.4.2 (batch at 1.00)");
	CHECK_STAGE(r, 3, 3, "2.16", "5.4.1 (lower batch waits)");
	CHECK_STAGE(r, 4, 1, "8.16", "5.4.11 (batch at 0.36)");
	CHECK_STAGE(r, 4, 3, "0.00", "5.4.12");
	CHECK_INT(TL_STAGE(r, 1)->value, 36);
	CHECK_INT(TL_STAGE(r, 3)->value, 36);
	CHECK_INT(TL_STAGE(r, 3)->nelected, 1);
out:
	teller_ctx_free(ctx);
}

/*
 * Case B: 2 seats, 23 ballots: A X x1, A x9, B x6, X B x3, Y x4.
 * Stage 1: A 10, B 6, X 3, Y 4; quota 7.67; A elected, surplus 2.33;
 *   X 3 + 2.33 > Y 4: no sure losers, so transfer.
 * Stage 2: A's only transferable paper is worth 1.00 <= 2.33, so it moves
 *   at its present value (5.3.7): X 4.00; the other 1.33 of the surplus is
 *   non-transferable.
 * Stage 3: X and Y both have 4.00, the fewest (5.2.5); at stage 1 they
 *   had 3 and 4, so X is excluded (tie settled by an earlier stage). X's
 *   three papers give B 9.00 >= threshold: B elected; A's paper that
 *   reached X has no further preference (non-transferable 2.33).
 */
static void
case_earlier(void)
{
	static const char *const b[] = { "1 A X", "9 A", "6 B", "3 X B",
		"4 Y", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	const struct tl_tie *t;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B X Y", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-ers97", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "A B");
	CHECK_INT(r->stages->len, 3);
	CHECK_STAGE(r, 2, 2, "4.00", "5.3.7 (present value)");
	CHECK_STAGE(r, 2, -1, "1.33", "5.3.7 (surplus not transferable)");
	CHECK_STAGE(r, 3, 2, "0.00", "5.4 (X excluded)");
	CHECK_STAGE(r, 3, 1, "9.00", "5.4.2");
	CHECK_STAGE(r, 3, -1, "2.33", "5.4.2 (no next preference)");
	CHECK_INT(r->ties->len, 1);
	if (r->ties->len == 1) {
		t = &TL_VEC_AT(r->ties, struct tl_tie, 0);
		CHECK_INT(t->how, TL_TIE_EARLIER);
		CHECK_INT(t->kind, TL_TIEK_EXCLUDE);
		CHECK_INT(t->chosen, 2);
	}
out:
	teller_ctx_free(ctx);
}

/*
 * Case D: 2 seats, 20 ballots: A B x7, B x6, C x5, D C x1, E B x1.
 * Stage 1: A 7, B 6, C 5, D 1, E 1; quota 2000/3 -> 6.67; A elected with a
 *   surplus of 0.33. D + E + 0.33 = 2.33 <= C 5: the surplus is deferred
 *   (5.2.2(b)) and D and E are excluded together (5.2.5).
 * Stage 2: C 6, B 7; threshold ceil((7 + 6 + 0.33) / 2) = 6.67; B
 *   elected; places filled, the deferred surplus never moves (5.5.2).
 */
static void
case_deferred(void)
{
	static const char *const b[] = { "7 A B", "6 B", "5 C", "1 D C",
		"1 E B", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-ers97", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "A B");
	CHECK_INT(r->stages->len, 2);
	CHECK_INT(TL_STAGE(r, 1)->kind, TL_STAGE_EXCLUSION);
	CHECK_INT(TL_STAGE(r, 1)->nexcluded, 2);
	CHECK_STAGE(r, 2, 0, "7.00", "5.2.2 (surplus deferred)");
	CHECK_STAGE(r, 2, 1, "7.00", "5.4.2");
	CHECK_STAGE(r, 2, 2, "6.00", "5.4.2");
	CHECK_INT(r->ties->len, 0);
out:
	teller_ctx_free(ctx);
}

/*
 * Case A: 2 seats, 20 ballots: A B x6, A C x3, B x4, C x3, D B x2,
 * E C x1, E D x1.
 * Stage 1: A 9, B 4, C 3, D 2, E 2; quota 2000/3 -> 6.67; A elected.
 * Stage 2: surplus 2.33 over 9 transferable papers: 0.2588 -> 0.25
 *   (5.3.7); B 5.50, C 3.75, loss 0.08.
 * Stage 3: no sure losers (D + E = 4 > C 3.75), so one exclusion: D and
 *   E have 2.00 now and had 2.00 at stage 1 -- equal at every stage, so
 *   the returning officer draws lots (5.2.5). teller draws with the
 *   seeded generator (tie.c): seed 1 draws index 1 of (D, E) = E, whose
 *   papers give C 4.75 and D 3.00; then D is excluded (stage 4): B 7.50,
 *   elected, and E's paper that reached D is non-transferable. Seed 2
 *   draws D: B 7.50 at stage 3 and the count ends there.
 */
static void
case_lot(void)
{
	static const char *const b[] = { "6 A B", "3 A C", "4 B", "3 C",
		"2 D B", "1 E C", "1 E D", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	const struct tl_tie *t;
	struct tl_rng rng;
	int rc;

	/* what the generator draws for a 2-way lot under seeds 1 and 2 */
	tl_tie_seed(&rng, "1");
	CHECK_INT(tl_tie_lot(&rng, 2), 0);
	tl_tie_seed(&rng, "2");
	CHECK_INT(tl_tie_lot(&rng, 2), 1);

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-ers97", c, p, 2, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "A B");
	CHECK_INT(r->stages->len, 4);
	CHECK_STAGE(r, 2, 1, "5.50", "5.3.7 (0.25 x 6)");
	CHECK_STAGE(r, 2, 2, "3.75", "5.3.7 (0.25 x 3)");
	CHECK_STAGE(r, 2, -2, "0.08", "5.3.9");
	CHECK_STAGE(r, 3, 4, "0.00", "5.2.5 (E excluded by lot)");
	CHECK_STAGE(r, 3, 2, "4.75", "5.4.2");
	CHECK_STAGE(r, 3, 3, "3.00", "5.4.2");
	CHECK_STAGE(r, 4, 1, "7.50", "5.4.2");
	CHECK_STAGE(r, 4, -1, "1.00", "6.12 (non-transferable paper)");
	CHECK_INT(r->ties->len, 1);
	if (r->ties->len == 1) {
		t = &TL_VEC_AT(r->ties, struct tl_tie, 0);
		CHECK_INT(t->how, TL_TIE_LOT);
		CHECK_INT(t->ntied, 2);
		CHECK_INT(t->chosen, 4);
		CHECK_INT(t->draw, 1);
	}
	r = tt_count(ctx, "stv-ers97", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_INT(r->stages->len, 3);
	CHECK_STAGE(r, 3, 3, "0.00", "5.2.5 (D excluded by lot)");
	CHECK_STAGE(r, 3, 1, "7.50", "5.4.2");
	CHECK_STR(tt_elected(r), "A B");
out:
	teller_ctx_free(ctx);
}

/* Equal rankings, no seats; withdrawn candidates are passed over. */
static void
refusals(void)
{
	static const char *const b[] = { "3 A B", "2 B", "2 C A", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	tl_cid eq[2] = { 0, 1 };
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C", b, 0, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-ers97", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_EINVAL);
	c->seats = 1;
	TL_CAND(c, 0)->withdrawn = true;
	r = tt_count(ctx, "stv-ers97", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	/* A withdrawn: B 5, C 2 of 7 valid; B elected at stage 1 */
	if (r != NULL) {
		CHECK_STR(tt_elected(r), "B");
		CHECK_INT(r->valid, 700);
		CHECK_STAGE(r, 1, 1, "5.00", "5.1.2 (withdrawn passed over)");
	}
	TL_CAND(c, 0)->withdrawn = false;
	CHECK(tl_profile_begin(ctx, p) == TELLER_OK &&
	    tl_profile_rank(ctx, p, eq, 2) == TELLER_OK &&
	    tl_profile_end(ctx, p, 1) == TELLER_OK, "add a paper");
	/* an equal ranking at the first preference rejects the paper */
	r = tt_count(ctx, "stv-ers97", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	CHECK(r != NULL && r->rejected->len == 2 &&
	    TL_VEC_AT(r->rejected, struct tl_tally, 1).n == 100,
	    "one paper rejected: more than one first preference");
	teller_ctx_free(ctx);
}

int
main(void)
{
	case_substages();
	case_earlier();
	case_deferred();
	case_lot();
	tt_check_determinism("stv-ers97", 7);
	refusals();
	return h_done();
}
