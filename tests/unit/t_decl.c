/* SPDX-License-Identifier: MIT */
/*
 * t_decl.c -- the declaration's facts no ballot holds (lib/decl.c,
 * reports.md 4.1): the turnout rounded half up, '# electorate:' and
 * '# rejected:' in CSV and in BLT comments, the hand heads in the
 * statutory order and in the papers, --electorate (rules.electorate)
 * overriding the file, and the values refused.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "decl.h"
#include "testlib.h"

static void
turnout(void)
{
	static const struct {
		int64_t papers, electorate;
		int dp;
		const char *want;
	} cases[] = {
		{ 1, 8, 0, "12.50" },
		{ 1, 3, 0, "33.33" },
		{ 2, 3, 0, "66.67" },
		{ 1, 800, 0, "0.13" },   /* 0.125 half up */
		{ 1, 801, 0, "0.12" },
		{ 40, 40, 0, "100.00" },
		{ 0, 5, 0, "0.00" },
		{ 2500000, 40, 5, "62.50" }, /* 25 papers at 5 places */
	};
	struct teller_result r;
	char b[32];
	size_t i;

	memset(&r, 0, sizeof(r));
	CHECK(!tl_decl_turnout(&r, b, sizeof(b)), "no electorate");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r.papers = cases[i].papers;
		r.electorate = cases[i].electorate;
		r.dp = cases[i].dp;
		CHECK(tl_decl_turnout(&r, b, sizeof(b)), "turnout known");
		CHECK_STR(b, cases[i].want);
	}
}

/* Read text, count it by method with rules.electorate = el; the result
 * or NULL, the error code in *rc. */
static teller_result *
count(teller_ctx *ctx, const char *name, const char *text,
    const char *method, int64_t el, int *rc)
{
	teller_contest *c;
	teller_profile *p;
	teller_rules rules;
	teller_result *r = NULL;

	*rc = teller_read(ctx, TELLER_FMT_AUTO, name, text, strlen(text), &c,
	    &p);
	if (*rc != TELLER_OK)
		return NULL;
	teller_rules_init(&rules, method);
	rules.electorate = el;
	*rc = teller_count(ctx, c, p, &rules, &r);
	return r;
}

static const char *
head(const teller_result *r, size_t i)
{
	return i < r->rejected->len ? TL_VEC_AT(r->rejected,
	    struct tl_tally, i).name : "(none)";
}

static void
csv(void)
{
	static const char text[] =
	    "# electorate: 40\n"
	    "# Rejected : Identifying the voter | 1\n"
	    "# rejected: want of an official mark | 2\n"
	    "A,B\nX,\nX,\n,X\nX,X\n,\n";
	teller_ctx *ctx;
	teller_result *r;
	int rc;

	teller_ctx_new(NULL, &ctx);
	r = count(ctx, "a.csv", text, "fptp", 0, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_INT(r->electorate, 40);
	CHECK_INT(r->papers, 8);
	CHECK_INT(r->valid_papers, 3);
	CHECK_STR(head(r, 0), "want of official mark");
	CHECK_STR(head(r, 1), "voting for more candidates than entitled");
	CHECK_STR(head(r, 2), "writing or mark by which the voter could be "
	    "identified");
	CHECK_STR(head(r, 3), "unmarked or wholly void for uncertainty");
	CHECK_INT(TL_VEC_AT(r->rejected, struct tl_tally, 0).n, 2);
	CHECK_INT(TL_VEC_AT(r->rejected, struct tl_tally, 2).n, 1);
	teller_ctx_free(ctx);
	/* --electorate overrides; below the papers it is refused */
	teller_ctx_new(NULL, &ctx);
	r = count(ctx, "a.csv", text, "fptp", 50, &rc);
	CHECK_INT(rc, TELLER_OK);
	CHECK(r != NULL && r->electorate == 50, "override");
	teller_ctx_free(ctx);
	teller_ctx_new(NULL, &ctx);
	r = count(ctx, "a.csv", text, "fptp", 7, &rc);
	CHECK_INT(rc, TELLER_ERANGE);
out:
	teller_ctx_free(ctx);
}

static void
blt(void)
{
	static const char good[] =
	    "# electorate: 20\n# rejected: no official mark | 4\n"
	    "2 1\n1 1 0\n1 1 0\n1 2 0\n0\n\"A\"\n\"B\"\n\"T\"\n";
	static const char late[] =
	    "2 1\n1 1 0 # electorate: 20\n0\n\"A\"\n\"B\"\n\"T\"\n";
	teller_ctx *ctx;
	teller_result *r;
	long line, col;
	int rc;

	teller_ctx_new(NULL, &ctx);
	r = count(ctx, "a.blt", good, "irv", 0, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r != NULL) {
		CHECK_INT(r->electorate, 20);
		CHECK_INT(r->papers, 7);
		CHECK_STR(head(r, 0), "want of official mark");
	}
	teller_ctx_free(ctx);
	teller_ctx_new(NULL, &ctx);
	r = count(ctx, "b.blt", late, "irv", 0, &rc);
	CHECK_INT(rc, TELLER_EPARSE);
	teller_errpos(ctx, NULL, &line, &col);
	CHECK_INT(line, 2);
	CHECK_INT(col, 9);
	teller_ctx_free(ctx);
}

/* Refused at the value: code, line, column. */
static void
refused(void)
{
	static const struct {
		const char *text;
		int rc;
		long line, col;
	} cases[] = {
		{ "# electorate: 4O\nA\nX\n", TELLER_EPARSE, 1, 15 },
		{ "# electorate: 0\nA\nX\n", TELLER_EPARSE, 1, 15 },
		{ "# electorate: 5\n# electorate: 5\nA\nX\n", TELLER_EDUP,
		    2, 3 },
		{ "# rejected: want of official mark\nA\nX\n", TELLER_EPARSE,
		    1, 13 },
		{ "# rejected: spoilt | 2\nA\nX\n", TELLER_EPARSE, 1, 13 },
		{ "# rejected: unmarked | 2\nA\nX\n", TELLER_EPARSE, 1, 13 },
		{ "# rejected: identifying mark | -2\nA\nX\n", TELLER_EPARSE,
		    1, 32 },
		{ "# rejected: identifying mark | 1\n# rejected: identifying "
		    "the voter | 1\nA\nX\n", TELLER_EDUP, 2, 13 },
		{ "# electorate: 2\n# rejected: no official mark | 2\nA\nX\n",
		    TELLER_ERANGE, 1, 15 },
		{ "# electorat: 5\nA\nX\n", TELLER_EPARSE, 1, 3 },
	};
	teller_ctx *ctx;
	teller_result *r;
	long line, col;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		teller_ctx_new(NULL, &ctx);
		r = count(ctx, "c.csv", cases[i].text, "fptp", 0, &rc);
		CHECK(r == NULL, "%s", cases[i].text);
		CHECK_INT(rc, cases[i].rc);
		teller_errpos(ctx, NULL, &line, &col);
		CHECK_INT(line, cases[i].line);
		CHECK_INT(col, cases[i].col);
		teller_ctx_free(ctx);
	}
}

/* Two inputs: the hand heads add up; two electorates must agree. */
static void
merge(void)
{
	static const char a[] = "# candidate: A\n# candidate: B\n"
	    "# rejected: no official mark | 2\n# electorate: 30\n"
	    "rank1\nA\nB\n";
	static const char b[] = "# candidate: A\n# candidate: B\n"
	    "# rejected: no official mark | 3\nrank1\nA\n";
	static const char c[] = "# candidate: A\n# candidate: B\n"
	    "# electorate: 31\nrank1\nA\n";
	teller_ctx *ctx;
	teller_contest *c1, *c2;
	teller_profile *p1, *p2;

	teller_ctx_new(NULL, &ctx);
	CHECK_INT(teller_read(ctx, TELLER_FMT_AUTO, "a.csv", a, strlen(a),
	    &c1, &p1), TELLER_OK);
	CHECK_INT(teller_read(ctx, TELLER_FMT_AUTO, "b.csv", b, strlen(b),
	    &c2, &p2), TELLER_OK);
	if (c1 != NULL && c2 != NULL) {
		CHECK_INT(teller_profile_merge(ctx, c1, p1, c2, p2),
		    TELLER_OK);
		CHECK_INT(c1->hand_rej[TL_DECL_NO_OFFICIAL], 5);
		CHECK_INT(teller_contest_electorate(c1), 30);
	}
	CHECK_INT(teller_read(ctx, TELLER_FMT_AUTO, "c.csv", c, strlen(c),
	    &c2, &p2), TELLER_OK);
	if (c1 != NULL && c2 != NULL)
		CHECK_INT(teller_profile_merge(ctx, c1, p1, c2, p2),
		    TELLER_EPARSE);
	teller_ctx_free(ctx);
}

/* --meta facts on a result: text copied, numbers checked. */
static void
meta(void)
{
	static const char text[] = "# electorate: 40\nA,B\nX,\nX,\n,X\n";
	teller_ctx *ctx;
	teller_result *r;
	int rc;

	teller_ctx_new(NULL, &ctx);
	r = count(ctx, "m.csv", text, "fptp", 0, &rc);
	CHECK_INT(rc, TELLER_OK);
	if (r == NULL)
		goto out;
	CHECK_INT(teller_result_set_meta(ctx, r, "authority", "Borough"),
	    TELLER_OK);
	CHECK_INT(teller_result_set_meta(ctx, r, "date_of_poll", "1 May"),
	    TELLER_OK);
	CHECK_INT(teller_result_set_meta(ctx, r, "ballot_papers_issued",
	    "5"), TELLER_OK);
	CHECK_INT(teller_result_set_meta(ctx, r, "electorate", "40"),
	    TELLER_OK);
	CHECK(r->meta != NULL && strcmp(r->meta->authority, "Borough") == 0 &&
	    strcmp(r->meta->date, "1 May") == 0 && r->meta->issued == 5,
	    "meta kept");
	CHECK_INT(teller_result_set_meta(ctx, r, "mayor", "x"),
	    TELLER_EINVAL);
	teller_errclear(ctx);
	CHECK_INT(teller_result_set_meta(ctx, r, "ballot_papers_issued",
	    "2"), TELLER_ERANGE);
	teller_errclear(ctx);
	CHECK_INT(teller_result_set_meta(ctx, r, "electorate", "41"),
	    TELLER_EINVAL);
	teller_errclear(ctx);
	CHECK_INT(teller_result_set_meta(ctx, r, "electorate", "4x"),
	    TELLER_EINVAL);
out:
	teller_ctx_free(ctx);
}

int
main(void)
{
	meta();
	merge();
	turnout();
	csv();
	blt();
	refused();
	return h_done();
}
