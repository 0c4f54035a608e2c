/* SPDX-License-Identifier: MIT */
/*
 * t_stv_wigm.c -- stv-wigm (Droop's wigm rule: guarded 27-digit
 * arithmetic, quota N/(S+1), elected on vote > quota) on small elections
 * worked by hand; values are shown at 9 places, rounded. Ties go by
 * candidate (ballot-file) order, as Droop's tie order does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

/*
 * Case 1: 2 seats, 12 ballots: A B x4, A C x2, B x3, C D x1, D C x2.
 * Stage 1: A 6, B 3, C 1, D 2. Quota 12/3 = 4 exactly; A 6 > 4: elected.
 * Stage 2: A's surplus 2 moves with weight 2/6 = 1/3 on all six papers
 *   (floored at 27 places): B 3 + 4/3 = 4.333333333, C 1 + 2/3 =
 *   1.666666667 (shown rounded at 9 places, as Droop prints); A keeps the
 *   quota, 4. B > 4: elected. Loss: 2 - 6 x 0.333..333 = 2 x 10^-27,
 *   which shows as 0.000000000.
 * Stage 3: Droop checks "hopeful > seats left > 0" before electing, so the
 *   round that elected B still transfers B's surplus 1/3: B's papers have
 *   no further preference, so it all becomes non-transferable (0.333..).
 */
static void
case_basic(void)
{
	static const char *const b[] = { "4 A B", "2 A C", "3 B", "1 C D",
		"2 D C", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-wigm", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "A B");
	CHECK_INT(r->dp, 9);
	CHECK_INT(r->quota, INT64_C(4000000000));
	CHECK_INT(r->stages->len, 3);
	CHECK_STAGE(r, 1, 0, "6.000000000", "first preferences");
	CHECK_STAGE(r, 2, 0, "4.000000000",
	    "surplus: candidate keeps the quota");
	CHECK_STAGE(r, 2, 1, "4.333333333", "weight = weight * surplus / vote");
	CHECK_STAGE(r, 2, 2, "1.666666667", "weight = weight * surplus / vote");
	CHECK_STAGE(r, 2, -2, "0.000000000", "loss: floors at 27 places");
	CHECK_STAGE(r, 3, 1, "4.000000000", "surplus of B");
	CHECK_STAGE(r, 3, -1, "0.333333333", "exhausted papers");
	CHECK_INT(TL_STAGE(r, 0)->nelected, 1);
	CHECK_INT(TL_STAGE(r, 1)->nelected, 1);
	CHECK_INT(TL_STAGE(r, 2)->kind, TL_STAGE_SURPLUS);
out:
	teller_ctx_free(ctx);
}

/*
 * Case 2 (tie order): 1 seat, 11 ballots: A x4, B x3, C B x2, D B x2.
 * Quota 11/2 = 5.5. Stage 1: nobody above it.
 * Stage 2: C and D tie for fewest (2): Droop breaks it by tie order (the
 *   candidates' order), so C goes; B 5.
 * Stage 3: D excluded (2): B 7. Next round: B 7 > 5.5 elected, and its
 *   surplus 1.5 is still moved (stage 4), all non-transferable:
 *   7 x floor(1.5/7) = 1.499999999..99x, shown rounded as 1.500000000.
 */
static void
case_tie(void)
{
	static const char *const b[] = { "4 A", "3 B", "2 C B", "2 D B",
		NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	const struct tl_tie *t;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D", b, 1, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-wigm", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "B");
	CHECK_INT(r->stages->len, 4);
	CHECK_INT(TL_STAGE(r, 1)->subject, 2);
	CHECK_STAGE(r, 2, 1, "5.000000000", "exclusion at present weight");
	CHECK_STAGE(r, 3, 1, "7.000000000", "exclusion at present weight");
	CHECK_STAGE(r, 4, 1, "5.500000000", "surplus: keeps the quota");
	CHECK_STAGE(r, 4, -1, "1.500000000", "exhausted, floored weights");
	CHECK_INT(r->ties->len, 1);
	if (r->ties->len == 1) {
		t = &TL_VEC_AT(r->ties, struct tl_tie, 0);
		CHECK_INT(t->how, TL_TIE_ORDER);
		CHECK_INT(t->kind, TL_TIEK_EXCLUDE);
		CHECK_INT(t->chosen, 2);
	}
out:
	teller_ctx_free(ctx);
}

/*
 * Case 3 (strict quota): 2 seats, 9 ballots: A x3, B x4, C A x2.
 * Quota 9/3 = 3. Stage 1: B 4 > 3 elected; A has exactly 3: not elected
 *   (vote > quota). Stage 2: B's surplus 1, non-transferable. Stage 3: A
 *   3 is still not above the quota, so C (2) is excluded: A 5; one
 *   hopeful for one seat: A elected as the last remaining.
 */
static void
case_strict(void)
{
	static const char *const b[] = { "3 A", "4 B", "2 C A", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-wigm", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "B A");
	CHECK_INT(r->stages->len, 3);
	CHECK_INT(TL_STAGE(r, 0)->nelected, 1);
	CHECK_STAGE(r, 2, 0, "3.000000000", "vote == quota is not elected");
	CHECK_STAGE(r, 3, 0, "5.000000000", "exclusion of C");
	CHECK_INT(TL_STAGE(r, 2)->kind, TL_STAGE_EXCLUSION);
out:
	teller_ctx_free(ctx);
}

/* Guarded arithmetic (num.c): floors and the equality band. */
static void
guarded(void)
{
	teller_ctx *ctx;
	tl_g one = tl_g_one(), zero = tl_g_zero(), three, x, y, t;
	tl_g third = tl_g_div_int(one, 3), ninth = tl_g_div_int(one, 9);
	tl_g ulp = tl_g_div_int(tl_g_div_int(one,
	    INT64_C(1000000000000000000)), 1000000000); /* 10^-27 */
	tl_g band = tl_g_div_int(one, INT64_C(2000000000000000000));

	teller_ctx_new(NULL, &ctx);
	CHECK(tl_g_from_int(ctx, 3, &three) == TELLER_OK, "3");
	CHECK(tl_g_div(ctx, one, three, &x) == TELLER_OK, "div");
	CHECK(tl_g_eq(x, third), "1/3 floored");
	CHECK(tl_g_mul(ctx, x, three, &x) == TELLER_OK, "mul");
	CHECK(tl_g_sub(ctx, one, ulp, &y) == TELLER_OK && tl_g_eq(x, y),
	    "3 * floor(1/3) = 1 - 10^-27");
	CHECK(tl_g_cmp(x, one) == 0, "within 0.5e-18: equal");
	CHECK(tl_g_sub(ctx, one, band, &y) == TELLER_OK &&
	    tl_g_cmp(y, one) < 0, "0.5e-18 apart: unequal");
	CHECK(tl_g_sub(ctx, zero, third, &y) == TELLER_OK &&
	    tl_g_mul(ctx, y, third, &x) == TELLER_OK, "neg");
	/* -(0.333..3 * 0.333..3) = -0.111..1108.. floors to -0.111..111 */
	CHECK(tl_g_sub(ctx, zero, ninth, &y) == TELLER_OK && tl_g_eq(x, y),
	    "negative products floor downwards");
	CHECK(tl_g_add(ctx, one, third, &t) == TELLER_OK &&
	    tl_g_fix(t, 9) == INT64_C(1333333333), "fix");
	CHECK(tl_g_sub(ctx, one, ulp, &t) == TELLER_OK &&
	    tl_g_round(t, 9) == INT64_C(1000000000), "round up");
	CHECK(tl_g_add(ctx, third, third, &t) == TELLER_OK &&
	    tl_g_round(t, 9) == INT64_C(666666667), "round");
	CHECK(tl_g_from_int(ctx, INT64_C(200000000000), &x) ==
	    TELLER_EOVERFLOW, "too many votes");
	teller_ctx_free(ctx);
}

/* Equal rankings are refused (Droop's wigm has no rule for them). */
static void
refusal(void)
{
	static const char *const b[] = { "3 A B", "2 B", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	tl_cid ab[2] = { 0, 1 };
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C", b, 1, &c, &p) == 0, "build");
	CHECK(tl_profile_begin(ctx, p) == TELLER_OK &&
	    tl_profile_rank(ctx, p, ab, 2) == TELLER_OK &&
	    tl_profile_end(ctx, p, 1) == TELLER_OK, "add a paper");
	/* equal first preferences: that paper is rejected, the count goes
	 * on (A: 3 + 1 = 4 of 6 papers, 1 rejected) */
	CHECK(tt_count(ctx, "stv-wigm", c, p, 1, &rc) != NULL, "a result");
	CHECK_INT(rc, TELLER_OK);
	teller_ctx_free(ctx);
}

int
main(void)
{
	refusal();
	case_basic();
	case_tie();
	case_strict();
	tt_check_determinism("stv-wigm", 1);
	guarded();
	return h_done();
}
