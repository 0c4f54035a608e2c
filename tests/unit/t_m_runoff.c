/* SPDX-License-Identifier: MIT */
/*
 * t_m_runoff.c -- the runoff and plurality families of methods.md 2-3,
 * hand-worked: contingent (LGA 2000 Sch.2 paras 2, 3 applied to a full
 * ranking, methods.md 3.1), plurality-runoff (3.2), the exhaustive
 * ballot in separate rounds (3.3, Standing Order No. 1B for
 * --min-share), limited, sntv and approval (2.1-2.3).
 */
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

static int
count_with(struct bx *b, const char *method, int seats, int ranks,
    int votes)
{
	teller_rules ru;

	teller_rules_init(&ru, method);
	ru.seats = seats;
	ru.ranks = ranks;
	ru.votes = votes;
	b->r = NULL;
	b->rc = teller_count(b->ctx, b->c, b->p, &ru, &b->r);
	if (b->rc != TELLER_OK)
		fprintf(stderr, "  count: %s\n", teller_errmsg(b->ctx));
	return b->rc;
}

static void
contingent(void)
{
	struct bx b;

	/* 3.1: more than half of the first preferences elects at once */
	bx_init(&b, "AB");
	bx_add(&b, "A", 51);
	bx_add(&b, "B,A", 49);
	CHECK_INT(bx_count(&b, "contingent", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(bx_nstages(&b), 1);
	bx_free(&b);

	/* 3.1 hand-worked: A 40, B 35, C 15, D 10; C and D excluded at once;
	 * C's go to B, D's (D then C) find no remaining candidate */
	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 40);
	bx_add(&b, "B,C", 35);
	bx_add(&b, "C,B", 15);
	bx_add(&b, "D,C", 10);
	CHECK_INT(bx_count(&b, "contingent", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "B");
	CHECK_INT(bx_nstages(&b), 2);
	CHECK_INT(bx_votes(&b, 2, 'A'), 40);
	CHECK_INT(bx_votes(&b, 2, 'B'), 50);
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 10);
	CHECK_INT(TL_STAGE(b.r, 1)->kind, TL_STAGE_TRANSFER);
	CHECK_INT(TL_STAGE(b.r, 1)->nexcluded, 2);
	CHECK_INT(bx_nties(&b), 0);
	bx_free(&b);

	/* para 3(4): a tie for second keeps all the tied, no lot: A 40,
	 * B 25, C 25, D 10 (D then B): A 40, B 35, C 25, A elected on a
	 * plurality of totals (no majority needed) */
	bx_init(&b, "ABCD");
	bx_add(&b, "A", 40);
	bx_add(&b, "B", 25);
	bx_add(&b, "C,A", 25);
	bx_add(&b, "D,B", 10);
	CHECK_INT(bx_count(&b, "contingent", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(bx_votes(&b, 2, 'B'), 35);
	CHECK_INT(bx_votes(&b, 2, 'C'), 25);
	CHECK_INT(bx_nties(&b), 0);
	bx_free(&b);

	/* --ranks 1: later preferences are not read */
	bx_init(&b, "ABC");
	bx_add(&b, "A", 40);
	bx_add(&b, "B", 35);
	bx_add(&b, "C,B", 25);
	CHECK_INT(count_with(&b, "contingent", 0, 1, 0), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 25);
	CHECK_INT(count_with(&b, "contingent", 0, 0, 0), TELLER_OK);
	CHECK_STR(bx_elected(&b), "B");
	CHECK_INT(bx_votes(&b, 2, 'B'), 60);
	bx_free(&b);

	/* para 3(8): equal final totals, a lot with no look back */
	bx_init(&b, "ABC");
	bx_add(&b, "A", 40);
	bx_add(&b, "B", 40);
	bx_add(&b, "C", 20);
	CHECK_INT(bx_count(&b, "contingent", 0, 1), TELLER_OK);
	CHECK_INT(bx_nties(&b), 1);
	if (bx_nties(&b) == 1) {
		CHECK_INT(bx_tie(&b, 0)->kind, TL_TIEK_ELECT);
		CHECK_INT(bx_tie(&b, 0)->how, TL_TIE_LOT);
		CHECK_INT(bx_tie(&b, 0)->ntied, 2);
	}
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 20);
	bx_free(&b);

	/* rejected: unmarked and several first preferences */
	bx_init(&b, "ABC");
	bx_add(&b, "A", 6);
	bx_add(&b, "B", 3);
	bx_add(&b, "A|B", 2);
	bx_add(&b, "", 1);
	CHECK_INT(bx_count(&b, "contingent", 0, 1), TELLER_OK);
	CHECK_INT(bx_tally(&b, true, "more than one first preference"), 2);
	CHECK_STR(bx_elected(&b), "A");
	bx_free(&b);
}

static void
plurality_runoff(void)
{
	struct bx b;

	/* 3.2: a tie for second goes to a lot (finalist); only two go */
	bx_init(&b, "ABCD");
	bx_add(&b, "A", 40);
	bx_add(&b, "B", 25);
	bx_add(&b, "C,A", 25);
	bx_add(&b, "D,B", 10);
	CHECK_INT(bx_count(&b, "plurality-runoff", 0, 1), TELLER_OK);
	CHECK_INT(bx_nties(&b), 1);
	if (bx_nties(&b) >= 1) {
		CHECK_INT(bx_tie(&b, 0)->kind, TL_TIEK_FINALIST);
		CHECK_INT(bx_tie(&b, 0)->ntied, 2);
	}
	CHECK_INT(TL_STAGE(b.r, 1)->kind, TL_STAGE_RUNOFF);
	CHECK_INT(TL_STAGE(b.r, 1)->nexcluded, 2);
	CHECK_STR(bx_elected(&b), "A");
	bx_free(&b);

	/* without ties it is contingent */
	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 40);
	bx_add(&b, "B,C", 35);
	bx_add(&b, "C,B", 15);
	bx_add(&b, "D,C", 10);
	CHECK_INT(bx_count(&b, "plurality-runoff", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "B");
	CHECK_INT(bx_votes(&b, 2, 'B'), 50);
	CHECK_INT(bx_nties(&b), 0);
	bx_free(&b);

	/* three tied for first: lots pick two finalists */
	bx_init(&b, "ABC");
	bx_add(&b, "A", 10);
	bx_add(&b, "B", 10);
	bx_add(&b, "C", 10);
	CHECK_INT(bx_count(&b, "plurality-runoff", 0, 1), TELLER_OK);
	CHECK_INT(TL_STAGE(b.r, 1)->nexcluded, 1);
	bx_free(&b);
}

static void
plurality_family(void)
{
	struct bx b;

	/* 2.1: limited vote, 3 seats, 2 votes (RPA 1867 s.9); a paper
	 * marking three is rejected whole */
	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 30);
	bx_add(&b, "C", 20);
	bx_add(&b, "A,C", 10);
	bx_add(&b, "B,D", 5);
	bx_add(&b, "A,B,C", 7);
	CHECK_INT(count_with(&b, "limited", 3, 0, 2), TELLER_OK);
	CHECK_STR(bx_elected(&b), "ABC");
	CHECK_INT(bx_votes(&b, 1, 'A'), 40);
	CHECK_INT(bx_votes(&b, 1, 'B'), 35);
	CHECK_INT(bx_votes(&b, 1, 'C'), 30);
	CHECK_INT(bx_tally(&b, true, "voting for more candidates than "
	    "entitled"), 7);
	CHECK_INT(count_with(&b, "limited", 3, 0, 4), TELLER_EINVAL);
	CHECK_INT(count_with(&b, "limited", 3, 0, 0), TELLER_EINVAL);
	/* 2.2: sntv, first choices only */
	CHECK_INT(count_with(&b, "sntv", 2, 0, 0), TELLER_OK);
	CHECK_STR(bx_elected(&b), "AC");
	CHECK_INT(bx_votes(&b, 1, 'A'), 47);
	CHECK_INT(bx_votes(&b, 1, 'C'), 20);
	/* 2.3: approval, every mark */
	CHECK_INT(count_with(&b, "approval", 0, 0, 0), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(bx_votes(&b, 1, 'A'), 47);
	CHECK_INT(bx_votes(&b, 1, 'C'), 37);
	CHECK_INT(TL_STAGE(b.r, 0)->kind, TL_STAGE_VOTES);
	bx_free(&b);

	/* approval: two marks at one rank are approvals, not an overvote */
	bx_init(&b, "ABC");
	bx_add(&b, "A|B", 3);
	bx_add(&b, "C", 2);
	CHECK_INT(count_with(&b, "approval", 2, 0, 0), TELLER_OK);
	CHECK_STR(bx_elected(&b), "AB");
	CHECK_INT(count_with(&b, "sntv", 1, 0, 0), TELLER_OK);
	CHECK_STR(bx_elected(&b), "C");
	CHECK_INT(bx_tally(&b, true, "more than one first preference"), 3);
	bx_free(&b);
}

/* ---- exhaustive: one bx per round ---- */

static int
exh(struct bx *r, int n, int min_share, teller_result **out)
{
	const teller_contest *cs[8];
	const teller_profile *ps[8];
	teller_rules ru;
	int i, rc;

	for (i = 1; i < n; i++) {
		cs[i - 1] = r[i].c;
		ps[i - 1] = r[i].p;
	}
	teller_rules_init(&ru, "exhaustive");
	ru.round_contests = cs;
	ru.round_profiles = ps;
	ru.nrounds = n - 1;
	ru.min_share = min_share;
	*out = NULL;
	rc = teller_count(r[0].ctx, r[0].c, r[0].p, &ru, out);
	if (rc != TELLER_OK)
		fprintf(stderr, "  count: %s\n", teller_errmsg(r[0].ctx));
	return rc;
}

static void
exhaustive(void)
{
	struct bx r[3];
	teller_result *res;
	int i;

	/* 3.3 hand-worked: D out, then C, then B elected 51 to 49 */
	bx_init(&r[0], "ABCD");
	bx_add_singles(&r[0], "A40 B30 C20 D10");
	bx_init(&r[1], "ABC");
	bx_add_singles(&r[1], "A42 B33 C25");
	bx_init(&r[2], "AB");
	bx_add_singles(&r[2], "A49 B51");
	CHECK_INT(exh(r, 3, 0, &res), TELLER_OK);
	if (res != NULL) {
		CHECK_INT(res->stages->len, 3);
		CHECK_INT(TL_STAGE(res, 0)->excluded[0], 3);
		CHECK_INT(TL_STAGE(res, 1)->excluded[0], 2);
		CHECK_INT(TL_VEC_AT(res->elected, int, 0), 1);
		CHECK_INT(TL_STAGE(res, 2)->votes[1], 51);
		CHECK(res->stopped == NULL, "not stopped");
	}
	/* files run out: stopped, nobody elected */
	CHECK_INT(exh(r, 2, 0, &res), TELLER_OK);
	if (res != NULL) {
		CHECK_INT(res->elected->len, 0);
		CHECK(res->stopped != NULL && strstr(res->stopped, "A and B")
		    != NULL, "stopped: %s", res->stopped ? res->stopped : "");
	}
	/* a round without C: C withdrawn */
	CHECK_INT(exh((struct bx[]){ r[0], r[2] }, 2, 0, &res), TELLER_OK);
	if (res != NULL) {
		CHECK_INT(TL_STAGE(res, 1)->nwithdrawn, 1);
		CHECK_INT(TL_STAGE(res, 1)->withdrawn[0], 2);
	}
	for (i = 0; i < 3; i++)
		bx_free(&r[i]);

	/* a candidate excluded earlier on a later file: bad input */
	bx_init(&r[0], "ABCD");
	bx_add_singles(&r[0], "A40 B30 C20 D10");
	bx_init(&r[1], "ABD");
	bx_add_singles(&r[1], "A42 B33 D25");
	CHECK_INT(exh(r, 2, 0, &res), TELLER_EPARSE);
	CHECK(strstr(teller_errmsg(r[0].ctx), "\"D\" was excluded after "
	    "round 1") != NULL, "%s", teller_errmsg(r[0].ctx));
	bx_free(&r[1]);
	/* a file after the round that elected */
	bx_init(&r[1], "AB");
	bx_add_singles(&r[1], "A60 B40");
	bx_init(&r[2], "A");
	bx_add_singles(&r[2], "A1");
	CHECK_INT(exh((struct bx[]){ r[1], r[2] }, 2, 0, &res), TELLER_EPARSE);
	for (i = 0; i < 3; i++)
		bx_free(&r[i]);

	/* tie for fewest: fewer at the previous round goes (C 20 < B 30) */
	bx_init(&r[0], "ABCD");
	bx_add_singles(&r[0], "A40 B30 C20 D10");
	bx_init(&r[1], "ABC");
	bx_add_singles(&r[1], "A45 B25 C25");
	CHECK_INT(exh(r, 2, 0, &res), TELLER_OK);
	if (res != NULL && res->ties->len == 1) {
		const struct tl_tie *t = &TL_VEC_AT(res->ties, struct tl_tie,
		    0);
		CHECK_INT(t->how, TL_TIE_EARLIER);
		CHECK_INT(t->chosen, 2);
	} else {
		CHECK(0, "one tie recorded");
	}
	bx_free(&r[0]);
	bx_free(&r[1]);

	/* --min-share 5 (SO No. 1B): D (fewest) and C (under 5%) go */
	bx_init(&r[0], "ABCD");
	bx_add_singles(&r[0], "A48 B47 C4 D1");
	CHECK_INT(exh(r, 1, 5, &res), TELLER_OK);
	if (res != NULL) {
		CHECK_INT(TL_STAGE(res, 0)->nexcluded, 2);
		CHECK(res->stopped != NULL, "another round needed");
	}
	CHECK_INT(exh(r, 1, 0, &res), TELLER_OK);
	if (res != NULL)
		CHECK_INT(TL_STAGE(res, 0)->nexcluded, 1);
	bx_free(&r[0]);
}

/* methods.md 2.3: approval ballots in CSV (candidate columns, a 1 in
 * each approved cell) and in PrefLib categorical (.cat: the first
 * category approved). */
static int
read_count(const char *text, enum teller_format f, const char *method,
    int seats, long long *votes)
{
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	teller_result *r = NULL;
	teller_rules ru;
	int rc, i;

	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	rc = teller_read(ctx, f, "t", text, strlen(text), &c, &p);
	if (rc == TELLER_OK) {
		teller_rules_init(&ru, method);
		ru.seats = seats;
		rc = teller_count(ctx, c, p, &ru, &r);
	}
	if (rc != TELLER_OK)
		fprintf(stderr, "  %s\n", teller_errmsg(ctx));
	for (i = 0; r != NULL && i < r->ncand && i < 3; i++)
		votes[i] = TL_STAGE(r, 0)->votes[i];
	teller_ctx_free(ctx);
	return rc;
}

static void
approval_inputs(void)
{
	static const char cat[] = "# DATA TYPE: cat\n"
	    "# NUMBER ALTERNATIVES: 3\n# NUMBER CATEGORIES: 2\n"
	    "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n"
	    "# ALTERNATIVE NAME 3: C\n"
	    "5: {1,2},3\n3: 3,{1,2}\n2: {1,2,3}\n";
	static const char csv[] = "weight,A,B,C\n5,1,1,\n3,,,1\n2,1,1,1\n";
	long long v[3] = { -1, -1, -1 };

	CHECK_INT(read_count(cat, TELLER_FMT_PREFLIB, "approval", 2, v),
	    TELLER_OK);
	CHECK(v[0] == 7 && v[1] == 7 && v[2] == 5, "cat: %lld %lld %lld",
	    v[0], v[1], v[2]);
	CHECK_INT(read_count(csv, TELLER_FMT_CSV, "approval", 2, v),
	    TELLER_OK);
	CHECK(v[0] == 7 && v[1] == 7 && v[2] == 5, "csv: %lld %lld %lld",
	    v[0], v[1], v[2]);
}

int
main(void)
{
	approval_inputs();
	contingent();
	plurality_runoff();
	plurality_family();
	exhaustive();
	return h_done();
}
