/* SPDX-License-Identifier: MIT */
/*
 * t_stv_meek.c -- stv-meek (Droop's meek rule: guarded 27-digit
 * arithmetic, keep factors, quota recomputed every iteration, omega
 * 10^-9, batch defeat of sure losers) on small elections worked by hand;
 * one stage per converged round, values at 9 places, rounded.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

/*
 * Case 1: 2 seats, 12 ballots: A B x4, A C x2, B x3, C D x1, D C x2.
 * Stage 1: first preferences A 6, B 3, C 1, D 2.
 * Stage 2 (round 1): every keep factor is 1; quota 12/3 = 4 (D.3); A 6 > 4
 *   is elected (D.4) and the round ends.
 * Stage 3 (round 2): first iteration as before, total surplus 2 (D.6);
 *   A's keep factor becomes floor(4/6) = 0.666..666 (D.8). Next iteration
 *   A keeps 6 x 0.666..666 = 3.999999999..996 (shown rounded, as Droop
 *   prints: 4.000000000) and passes 0.333..334 of each paper: B 3 + 4 x
 *   0.333..334 = 4.333333333, C 1.666666667; the quota is still 12/3 = 4
 *   and B > 4 is elected.
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
	r = tt_count(ctx, "stv-meek", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "A B");
	CHECK_INT(r->stages->len, 3);
	CHECK_INT(TL_STAGE(r, 1)->kind, TL_STAGE_ITERATION);
	CHECK_STAGE(r, 2, 0, "6.000000000", "D.4: elected on kf = 1");
	CHECK_STAGE(r, 3, 0, "4.000000000", "D.8: keeps kf x vote");
	CHECK_STAGE(r, 3, 1, "4.333333333", "D.2: receives w x (1 - kf)");
	CHECK_STAGE(r, 3, 2, "1.666666667", "D.2: receives w x (1 - kf)");
	CHECK_STAGE(r, 3, 3, "2.000000000", "D.2");
	CHECK_STR(TL_STAGE(r, 2)->note, "quota 4.000000000");
out:
	teller_ctx_free(ctx);
}

/*
 * Case 2 (tie order): 1 seat, 11 ballots: A x4, B x3, C B x2, D B x2.
 * Round 1: quota 11/2 = 5.5, nobody above it; no surplus (<= omega), so
 *   the lowest is defeated; C and D both have 2 -- Droop takes the first
 *   in tie order: C (stage 2, shown with the round's converged votes).
 * Round 2: B 5, D 2: D defeated (stage 3).
 * Round 3: B 7 > 5.5: elected (stage 4).
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
	r = tt_count(ctx, "stv-meek", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "B");
	CHECK_INT(r->stages->len, 4);
	CHECK_INT(TL_STAGE(r, 1)->kind, TL_STAGE_EXCLUSION);
	CHECK_INT(TL_STAGE(r, 1)->subject, 2);
	CHECK_STAGE(r, 2, 2, "2.000000000", "defeat: votes when defeated");
	CHECK_STAGE(r, 3, 1, "5.000000000", "C's votes passed on (kf = 0)");
	CHECK_STAGE(r, 4, 1, "7.000000000", "D's votes passed on");
	CHECK_INT(r->ties->len, 1);
	if (r->ties->len == 1) {
		t = &TL_VEC_AT(r->ties, struct tl_tie, 0);
		CHECK_INT(t->how, TL_TIE_ORDER);
		CHECK_INT(t->chosen, 2);
	}
out:
	teller_ctx_free(ctx);
}

/*
 * Case 3 (batch defeat): 2 seats, 19 ballots: A B x8, B x5, C x4, D x1,
 * E x1. Round 1: quota 19/3, A 8 elected (stage 2).
 * Round 2: surplus 8 - 6.333.. = 1.666..; D and E (1 each, within the
 *   surplus of 0) form the lowest group and 1 + 1 + 1.666.. < C 4: sure
 *   losers, defeated together (stage 3).
 * Round 3: their papers exhaust: votes 17, quota 17/3; kf(A) =
 *   floor(5.666..666 / 8) = 0.708333..333; A keeps 5.666..664 (shown
 *   5.666666667), B gets 5 + 8 x 0.291666..667 = 7.333333333 > 5.666..:
 *   elected (stage 4).
 */
static void
case_batch(void)
{
	static const char *const b[] = { "8 A B", "5 B", "4 C", "1 D", "1 E",
		NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E", b, 2, &c, &p) == 0, "build");
	r = tt_count(ctx, "stv-meek", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "A B");
	CHECK_INT(r->stages->len, 4);
	CHECK_INT(TL_STAGE(r, 2)->nexcluded, 2);
	CHECK_INT(r->excluded->len, 2);
	CHECK_STAGE(r, 4, 0, "5.666666667", "D.8: kf = quota / vote");
	CHECK_STAGE(r, 4, 1, "7.333333333", "D.2");
	CHECK_STAGE(r, 4, -1, "2.000000000", "defeated papers exhausted");
	CHECK_STR(TL_STAGE(r, 3)->note, "quota 5.666666667");
out:
	teller_ctx_free(ctx);
}

/*
 * Case 4 (equal rankings, as Droop's meek defines them): 1 seat, 9
 * ballots: A=B x4 (A and B ranked equal first), C x3, B x2. Quota 9/2.
 * Stage 1: the equal first preferences are split: A 4 x 1/2 = 2, B 2 + 2 =
 *   4, C 3. Round 1: nobody above 4.5, no surplus: A (2) defeated.
 * Round 2: at the A=B rank only B is left, so B takes the whole weight:
 *   B 4 + 2 = 6 > 4.5, elected.
 */
static void
case_equal(void)
{
	static const char *const b[] = { "3 C", "2 B", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	tl_cid ab[2] = { 0, 1 };
	int rc;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C", b, 1, &c, &p) == 0, "build");
	CHECK(tl_profile_begin(ctx, p) == TELLER_OK &&
	    tl_profile_rank(ctx, p, ab, 2) == TELLER_OK &&
	    tl_profile_end(ctx, p, 4) == TELLER_OK, "add a paper");
	r = tt_count(ctx, "stv-meek", c, p, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_STR(tt_elected(r), "B");
	CHECK_INT(r->valid, INT64_C(9000000000));
	CHECK_INT(r->stages->len, 3);
	CHECK_STAGE(r, 1, 0, "2.000000000", "equal first preferences split");
	CHECK_STAGE(r, 1, 1, "4.000000000", "equal first preferences split");
	CHECK_STAGE(r, 2, 0, "2.000000000", "defeat of the lowest");
	CHECK_STAGE(r, 3, 1, "6.000000000", "only B left at the equal rank");
	CHECK_STAGE(r, 3, 0, "0.000000000", "defeated: kf = 0");
out:
	teller_ctx_free(ctx);
}

/*
 * The transfers of every stage after the first (m_stv_meek.c,
 * "Transfers"): each candidate who gained received exactly its gain,
 * each who lost gave exactly its loss, none both gave and received, and
 * the non-transferable received its growth. Returns the first stage
 * that does not add up, or 0.
 */
static int
xfer_bad(const struct teller_result *r)
{
	size_t k, i;
	int c;

	for (k = 1; k < r->stages->len; k++) {
		const struct tl_stage *s = TL_STAGE(r, k), *p = TL_STAGE(r,
		    k - 1);
		tl_fix nt = 0;
		for (c = -1; c < r->ncand; c++) {
			tl_fix in = 0, out = 0, d;
			for (i = 0; s->transfers != NULL &&
			    i < s->transfers->len; i++) {
				const struct tl_transfer *t = &TL_VEC_AT(
				    s->transfers, struct tl_transfer, i);
				if (c < 0 && t->to == TL_TO_NONTRANS)
					nt += t->votes;
				if (c >= 0 && t->to == c)
					in += t->votes;
				if (c >= 0 && t->from == c)
					out += t->votes;
			}
			if (c < 0)
				continue;
			d = s->votes[c] - p->votes[c];
			if ((d > 0 && (in != d || out != 0)) ||
			    (d < 0 && (out != -d || in != 0)) ||
			    (d == 0 && (in != 0 || out != 0)))
				return s->number;
		}
		if (nt != s->nontrans - p->nontrans)
			return s->number;
	}
	return 0;
}

/*
 * Case 5: transfers by giver with equal rankings and two surpluses at
 * once: 3 seats, A C x6, B D x6, A=B x4, C x2, D x1, E C x2. A and B
 * are elected together, give at once, A=B papers splitting between them;
 * E's defeat passes papers on. Every stage adds up (xfer_bad).
 */
static void
case_xfer(void)
{
	static const char *const b[] = { "6 A C", "6 B D", "2 C", "1 D",
		"2 E C", NULL };
	teller_ctx *ctx;
	struct teller_contest *c;
	struct teller_profile *p;
	struct teller_result *r;
	tl_cid ab[2] = { 0, 1 };
	size_t k;
	int rc, many = 0;

	teller_ctx_new(NULL, &ctx);
	CHECK(tt_build(ctx, "A B C D E", b, 3, &c, &p) == 0, "build");
	CHECK(tl_profile_begin(ctx, p) == TELLER_OK &&
	    tl_profile_rank(ctx, p, ab, 2) == TELLER_OK &&
	    tl_profile_end(ctx, p, 4) == TELLER_OK, "add a paper");
	r = tt_count(ctx, "stv-meek", c, p, 3, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_INT(xfer_bad(r), 0);
	/* some stage has two givers: the case the "others" band was for */
	for (k = 1; k < r->stages->len; k++) {
		const struct tl_stage *s = TL_STAGE(r, k), *q = TL_STAGE(r,
		    k - 1);
		int g = 0;
		for (int i = 0; i < r->ncand; i++)
			g += s->votes[i] < q->votes[i];
		many += g > 1;
	}
	CHECK(many > 0, "no stage with two givers");
out:
	teller_ctx_free(ctx);
}

/*
 * Every Scottish ward in $SHARED (default ../shared) counted under
 * stv-ers97, stv-wigm and stv-meek: each count succeeds, fills every
 * seat, and conserves the votes at every stage (teller_count checks).
 */
static void
scot_wards(void)
{
	static const char *const methods[] = { "stv-ers97", "stv-wigm",
		"stv-meek" };
	const char *shared = getenv("SHARED");
	char dir[1024], path[2048];
	DIR *top, *sub;
	struct dirent *d, *f;
	int files = 0;

	snprintf(dir, sizeof(dir), "%s/data/scot/blt",
	    shared != NULL ? shared : "../shared");
	if ((top = opendir(dir)) == NULL) {
		printf("SKIP: ../shared not found\n");
		return;
	}
	while ((d = readdir(top)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if ((sub = opendir(path)) == NULL)
			continue;
		while ((f = readdir(sub)) != NULL) {
			char file[2048 + 256];
			size_t len, k;
			char *buf;

			if (strstr(f->d_name, ".blt") == NULL)
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, f->d_name);
			if ((buf = tt_slurp(file, &len)) == NULL)
				continue;
			files++;
			for (k = 0; k < 3; k++) {
				teller_ctx *ctx;
				teller_contest *c;
				teller_profile *p;
				teller_rules rules;
				teller_result *r;
				int rc;

				teller_ctx_new(NULL, &ctx);
				rc = teller_read(ctx, TELLER_FMT_BLT, file, buf,
				    len, &c, &p);
				if (rc == TELLER_OK) {
					teller_rules_init(&rules, methods[k]);
					rc = teller_count(ctx, c, p, &rules,
					    &r);
				}
				CHECK(rc == TELLER_OK, "%s %s: %s", methods[k],
				    file, teller_errmsg(ctx));
				if (rc == TELLER_OK)
					CHECK(teller_result_nelected(r) ==
					    teller_contest_seats(c), "%s %s: "
					    "%d elected", methods[k], file,
					    teller_result_nelected(r));
				if (rc == TELLER_OK && k == 2)
					CHECK(xfer_bad(r) == 0, "%s %s: "
					    "transfers of stage %d", methods[k],
					    file, xfer_bad(r));
				teller_ctx_free(ctx);
			}
			free(buf);
		}
		closedir(sub);
	}
	closedir(top);
	CHECK(files > 0, "no ward files in %s", dir);
}

int
main(void)
{
	case_basic();
	case_tie();
	case_batch();
	case_equal();
	case_xfer();
	tt_check_determinism("stv-meek", 1);
	scot_wards();
	return h_done();
}
