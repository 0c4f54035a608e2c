/* SPDX-License-Identifier: MIT */
/*
 * t_m_college.c -- the weighted electoral college (methods.md 4.2) read
 * from ranked CSV with sections (4.3): hand-worked shares and points,
 * re-normalisation over the live ballots, exact 50-50 (not a majority;
 * the tie rule), sections in one file per section, merged.
 */
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

static teller_result *
college(teller_ctx *ctx, const char *const *csv, int n, int *rc)
{
	teller_contest *c = NULL, *ci;
	teller_profile *p = NULL, *pi;
	teller_result *r = NULL;
	teller_rules ru;
	int i;

	for (i = 0; i < n; i++) {
		*rc = teller_read(ctx, TELLER_FMT_CSV, "t.csv", csv[i],
		    strlen(csv[i]), &ci, &pi);
		if (*rc == TELLER_OK && c != NULL)
			*rc = teller_profile_merge(ctx, c, p, ci, pi);
		if (*rc != TELLER_OK) {
			fprintf(stderr, "  read: %s\n", teller_errmsg(ctx));
			return NULL;
		}
		if (c == NULL) {
			c = ci;
			p = pi;
		}
	}
	teller_rules_init(&ru, "college");
	*rc = teller_count(ctx, c, p, &ru, &r);
	if (*rc != TELLER_OK)
		fprintf(stderr, "  count: %s\n", teller_errmsg(ctx));
	return r;
}

static const char *
pts(const teller_result *r, int s, int cand)
{
	static char buf[TL_NUM_BUFSZ];

	tl_num_fmt(buf, TL_STAGE(r, s)->votes[cand], r->dp);
	return buf;
}

static void
hand_worked(void)
{
	/* MPs 5 ballots weight 1, members 40 weight 1: round 1 A 30, B
	 * 22.5, C 47.5; B out: A 42.5, C 57.5 (worked in methods.md 4.2
	 * terms: 100 * 1/2 * 3/5 = 30, ...) */
	static const char *const one[] = {
		"# candidate: A\n# candidate: B\n# candidate: C\n"
		"# section: mps | 1 | MPs\n# section: members | 1\n"
		"section,weight,1,2\nmps,3,A,B\nmps,1,B,C\nmps,1,C,\n"
		"members,10,B,A\nmembers,30,C,B\n" };
	static const char *const two[] = {
		"# candidate: A\n# candidate: B\n# candidate: C\n"
		"# section: mps | 1 | MPs\nweight,1,2\n3,A,B\n1,B,C\n1,C,\n",
		"# candidate: A\n# candidate: B\n# candidate: C\n"
		"# section: members | 1\nweight,1,2\n10,B,A\n30,C,B\n" };
	teller_ctx *ctx;
	teller_result *r;
	int rc, k;

	for (k = 0; k < 2; k++) {
		if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
			abort();
		r = college(ctx, k == 0 ? one : two, k + 1, &rc);
		CHECK_INT(rc, TELLER_OK);
		if (r != NULL) {
			CHECK_INT(r->stages->len, 2);
			CHECK_STR(pts(r, 0, 0), "30.000");
			CHECK_STR(pts(r, 0, 1), "22.500");
			CHECK_STR(pts(r, 0, 2), "47.500");
			CHECK_STR(pts(r, 1, 0), "42.500");
			CHECK_STR(pts(r, 1, 2), "57.500");
			CHECK_INT(TL_VEC_AT(r->elected, int, 0), 2);
			CHECK_INT(r->nsect, 2);
			CHECK_INT(TL_STAGE(r, 0)->sect[1].points[1], 12500);
			CHECK_INT(TL_STAGE(r, 0)->sect[0].percent[0], 60000);
		}
		teller_ctx_free(ctx);
	}
}

static void
renormalise(void)
{
	/* 4.2 step 1: a section's exhausted ballots leave its total. MPs:
	 * A 2, B 1, C 1 (C only); members: B 1. C out: MPs A 2 of 3
	 * live = 2/3 * 50 = 33.333, not 2/4 * 50 = 25 */
	static const char *const in[] = {
		"# candidate: A\n# candidate: B\n# candidate: C\n"
		"# section: mps | 1/3\n# section: members | 2/3\n"
		"section,weight,1,2\nmps,2,A,\nmps,1,B,\nmps,1,C,\n"
		"members,2,B,\nmembers,1,A,\nmembers,1,C,A\n" };
	teller_ctx *ctx;
	teller_result *r;
	int rc;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	r = college(ctx, in, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r != NULL && r->stages->len >= 2) {
		/* round 1: A 100/3*2/4 + 200/3*1/4 = 16.667 + 16.667 */
		CHECK_STR(pts(r, 0, 0), "33.333");
		CHECK_INT(TL_STAGE(r, 1)->subject, 2);
		/* round 2: MPs A 2/3 of 33.333 = 22.222; members A 2/4 of
		 * 66.667 = 33.333: 55.556 */
		CHECK_STR(pts(r, 1, 0), "55.556");
		CHECK_INT(TL_STAGE(r, 1)->sect[0].valid, 3000);
		CHECK_INT(TL_STAGE(r, 1)->sect[0].nontrans, 1000);
	}
	teller_ctx_free(ctx);
}

static void
fifty(void)
{
	/* 4.2 step 4: two on exactly 50 each is no majority; the tie rule
	 * (fewer points at the previous round) drops one and the other is
	 * elected. Round 1: A 40, B 35, C 25 (one section); C's go 10 to
	 * A, 15 to B: 50 v 50; B had fewer at round 1: A elected. */
	static const char *const in[] = {
		"# candidate: A\n# candidate: B\n# candidate: C\n"
		"weight,1,2\n40,A,\n35,B,\n10,C,A\n15,C,B\n" };
	teller_ctx *ctx;
	teller_result *r;
	int rc;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	r = college(ctx, in, 1, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r != NULL) {
		CHECK_STR(pts(r, 1, 0), "50.000");
		CHECK_INT(r->ties->len, 1);
		if (r->ties->len == 1) {
			const struct tl_tie *t = &TL_VEC_AT(r->ties,
			    struct tl_tie, 0);
			CHECK_INT(t->kind, TL_TIEK_ELECT);
			CHECK_INT(t->how, TL_TIE_EARLIER);
			CHECK_INT(t->chosen, 0);
		}
		CHECK_INT(TL_VEC_AT(r->elected, int, 0), 0);
		/* without sections: one section "all" of weight 1 */
		CHECK_INT(r->nsect, 1);
	}
	teller_ctx_free(ctx);
}

static void
bad_merge(void)
{
	static const char *const in[] = {
		"# candidate: A\n# candidate: B\n# section: mps | 1\n"
		"weight,1\n1,A\n",
		"# candidate: A\n# candidate: B\n# section: mps | 2\n"
		"weight,1\n1,B\n" };
	static const char *const mixed[] = {
		"# candidate: A\n# candidate: B\n# section: mps | 1\n"
		"weight,1\n1,A\n",
		"# candidate: A\n# candidate: B\nweight,1\n1,B\n" };
	teller_ctx *ctx;
	int rc;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	CHECK(college(ctx, in, 2, &rc) == NULL && rc == TELLER_EPARSE,
	    "a section with two weights");
	teller_ctx_free(ctx);
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	CHECK(college(ctx, mixed, 2, &rc) == NULL && rc == TELLER_EPARSE,
	    "an input without sections among ones with");
	teller_ctx_free(ctx);
}

int
main(void)
{
	hand_worked();
	renormalise();
	fifty();
	bad_merge();
	return h_done();
}
