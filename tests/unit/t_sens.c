/* SPDX-License-Identifier: MIT */
/*
 * t_sens.c -- rounding sensitivity (audit.md 7; lib/audit/sens_stv.c):
 * the second STV count in exact fractions, and truncating per parcel, on
 * hand cases where rounding changes a decision and where it does not;
 * and on every Scottish ward in $SHARED, the second count with the
 * statute's own per-paper truncation must agree with stv-scottish to the
 * last place (a self-check of the independent count), while the exact
 * count must elect the same councillors in most wards.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "harness.h"
#include "oom.h"
#include "tl_int.h"
#include "testlib.h"
#include "sens.h"
#include "sens_stv.h"

/* "stage:cand:diff" of c's max_difference, joined by spaces. */
static const char *
diffs(const struct bx *b, const struct tl_sens_cmp *c)
{
	static char buf[1024];
	size_t at = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < c->ndiff; i++) {
		char d[TL_NUM_BUFSZ];
		int k;
		tl_num_fmt(d, c->diff[i].d, TL_SENS_DP);
		k = snprintf(buf + at, sizeof(buf) - at, "%s%d:%s:%s",
		    i > 0 ? " " : "", c->diff[i].stage, c->diff[i].cand < 0 ?
		    "-" : TL_CAND(b->c, c->diff[i].cand)->name, d);
		if (k < 0 || (size_t)k >= sizeof(buf) - at)
			break;
		at += (size_t)k;
	}
	return buf;
}

static const char *
names(const struct bx *b, const int *ids, int n)
{
	static char buf[64];
	int i;

	for (i = 0; i < n && i < 63; i++)
		buf[i] = TL_CAND(b->c, ids[i])->name[0];
	buf[i] = '\0';
	return buf;
}

/*
 * 2 seats; A's surplus of 40001 over 120003 papers is exactly 1/3, which
 * rule 48(3) truncates to 0.33333 a paper. B's 120002 transferred papers
 * then lose 0.4 votes and C's one paper almost nothing: the statute has
 * B 60000.26666 below C 60000.33333; in exact fractions B has
 * 60000.66667. D goes first either way; then the statute excludes B and
 * elects C, the exact count excludes C and elects B. Truncating each
 * parcel (120002 papers at once) loses under 10^-5 and agrees with the
 * exact count.
 */
static void
paper_truncation_flips(void)
{
	struct bx b;
	struct tl_sens_cmp ex, pc, pp;

	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 120002);
	bx_add(&b, "A,C", 1);
	bx_add(&b, "B", 20000);
	bx_add(&b, "C", 60000);
	bx_add(&b, "D", 40000);
	CHECK_INT(bx_count(&b, "stv-scottish", 2, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "AC");
	CHECK_INT(bx_votes(&b, 2, 'B'), 6000026666LL);
	memset(&ex, 0, sizeof(ex));
	CHECK_INT(tl_sens_stv_count(b.ctx, b.c, b.p, b.r, TL_SENS_EXACT,
	    &ex), TELLER_OK);
	CHECK(!ex.same_elected && !ex.same_order && !ex.same_exclusions,
	    "exact: same %d %d %d", ex.same_elected, ex.same_order,
	    ex.same_exclusions);
	CHECK_STR(names(&b, ex.elected, ex.nelected), "AB");
	CHECK_INT(ex.first_stage, 4);
	/* B: 60000.26666 - 60000.666666... = -0.4000066667 */
	CHECK_STR(diffs(&b, &ex), "1:-:0.0000000000 "
	    "2:B:-0.4000066667 3:B:-0.4000066667");
	memset(&pc, 0, sizeof(pc));
	CHECK_INT(tl_sens_stv_count(b.ctx, b.c, b.p, b.r, TL_SENS_PARCEL,
	    &pc), TELLER_OK);
	CHECK_STR(names(&b, pc.elected, pc.nelected), "AB");
	CHECK_INT(pc.first_stage, 4);
	/* parcel: B 60000.66666, C 60000.33333 */
	CHECK_STR(diffs(&b, &pc), "1:-:0.0000000000 "
	    "2:B:-0.4000000000 3:B:-0.4000000000");
	memset(&pp, 0, sizeof(pp));
	CHECK_INT(tl_sens_stv_count(b.ctx, b.c, b.p, b.r, TL_SENS_PAPER,
	    &pp), TELLER_OK);
	CHECK(tl_sens_same(&pp), "per paper: not the statute's count");
	CHECK_STR(diffs(&b, &pp), "1:-:0.0000000000 2:-:0.0000000000 "
	    "3:-:0.0000000000 4:-:0.0000000000");

	/* the public entry point attaches both to the result */
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 1),
	    TELLER_OK);
	CHECK(b.r->sens != NULL && b.r->sens->has_parcel &&
	    !b.r->sens->rounding.same_elected &&
	    b.r->sens->parcel.first_stage == 4, "teller_sensitivity");
	bx_free(&b);
}

/* A surplus that divides exactly: no total differs, nothing changes. */
static void
exact_surplus(void)
{
	struct bx b;
	struct tl_sens_cmp ex;

	bx_init(&b, "ABC");
	bx_add(&b, "A,B", 8);
	bx_add(&b, "B", 2);
	bx_add(&b, "C", 3);
	/* quota 5; A's surplus 3 over 8 papers: 0.375 exactly */
	CHECK_INT(bx_count(&b, "stv-scottish", 2, 1), TELLER_OK);
	memset(&ex, 0, sizeof(ex));
	CHECK_INT(tl_sens_stv_count(b.ctx, b.c, b.p, b.r, TL_SENS_EXACT,
	    &ex), TELLER_OK);
	CHECK(tl_sens_same(&ex), "exact: a decision differs");
	CHECK_STR(diffs(&b, &ex), "1:-:0.0000000000 2:-:0.0000000000");
	bx_free(&b);
}

/* WIGM: Droop's 27-digit floor against exact fractions; the surplus of
 * 1/3 loses 10^-27 a paper, far below the 9 places shown. */
static void
wigm(void)
{
	struct bx b;
	struct tl_sens_cmp ex;

	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 6);
	bx_add(&b, "B", 2);
	bx_add(&b, "C,D", 3);
	bx_add(&b, "D", 1);
	CHECK_INT(bx_count(&b, "stv-wigm", 2, 1), TELLER_OK);
	memset(&ex, 0, sizeof(ex));
	CHECK_INT(tl_sens_stv_count(b.ctx, b.c, b.p, b.r, TL_SENS_EXACT,
	    &ex), TELLER_OK);
	CHECK(tl_sens_same(&ex), "wigm: a decision differs");
	CHECK_STR(names(&b, ex.elected, ex.nelected), bx_elected(&b)[0] ==
	    'A' ? "AB" : "?");
	CHECK(ex.ndiff == bx_nstages(&b), "wigm: %d stages compared of %d",
	    ex.ndiff, bx_nstages(&b));
	/* irv rounds nothing: the same, every stage without a difference */
	CHECK_INT(bx_count(&b, "irv", 1, 1), TELLER_OK);
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 0),
	    TELLER_OK);
	CHECK(b.r->sens != NULL && tl_sens_same(&b.r->sens->rounding) &&
	    b.r->sens->rounding.ndiff == bx_nstages(&b) &&
	    b.r->sens->rounding.diff[0].cand < 0, "irv");
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 1),
	    TELLER_ERULE);
	bx_free(&b);
	/* stv-meek: recounted at 10^-18 (it was refused before); A's
	 * surplus of 3 over 7 papers never divides exactly */
	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 7);
	bx_add(&b, "B", 2);
	bx_add(&b, "C,D", 3);
	bx_add(&b, "D", 1);
	CHECK_INT(bx_count(&b, "stv-meek", 2, 1), TELLER_OK);
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 0),
	    TELLER_OK);
	CHECK(b.r->sens != NULL && tl_sens_same(&b.r->sens->rounding),
	    "meek: a decision differs");
	CHECK_STR(diffs(&b, &b.r->sens->rounding), "1:-:0.0000000000 "
	    "2:-:0.0000000000 3:A:-0.0000000003");
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 1),
	    TELLER_ERULE);
	bx_free(&b);
	/* B ends exactly on Meek's quota of 4: the guarded count calls B's
	 * 4 and the quota equal and defeats D at stage 3; floored at
	 * 10^-18 without guard digits the stages differ from 3, though A
	 * and B are still elected, in that order */
	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 6);
	bx_add(&b, "B", 2);
	bx_add(&b, "C,D", 3);
	bx_add(&b, "D", 1);
	CHECK_INT(bx_count(&b, "stv-meek", 2, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "AB");
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 0),
	    TELLER_OK);
	CHECK(b.r->sens != NULL && b.r->sens->rounding.same_elected &&
	    b.r->sens->rounding.same_order &&
	    b.r->sens->rounding.first_stage == 3, "meek on the quota");
	/* a method that is not recounted: refused */
	CHECK_INT(bx_count(&b, "fptp", 1, 1), TELLER_OK);
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 0),
	    TELLER_ERULE);
	bx_free(&b);
}

/*
 * stv-ers97, 2 seats, 13 papers: the quota 13/3 is rounded up to 4.34
 * (5.1.6), so A keeps 4.34 and its surplus of 2.66 moves at 0.38 a paper
 * (2.66 / 7), where the exact count keeps 13/3 and moves 8/21 a paper:
 * A and B differ by 0.0066666667 at stage 2. The count with the rules'
 * hundredths agrees with stv-ers97 to the last place; the exact count
 * takes the same decisions; --rounding parcel is refused.
 */
static bool identical(const struct tl_sens_cmp *c,
    const struct teller_result *r);

static void
ers97_hundredths(void)
{
	struct bx b;
	struct tl_sens_cmp st, ex;

	bx_init(&b, "ABCD");
	bx_add(&b, "A,B", 7);
	bx_add(&b, "B", 2);
	bx_add(&b, "C,D", 3);
	bx_add(&b, "D", 1);
	CHECK_INT(bx_count(&b, "stv-ers97", 2, 1), TELLER_OK);
	memset(&st, 0, sizeof(st));
	memset(&ex, 0, sizeof(ex));
	CHECK_INT(tl_sens_ers97_count(b.ctx, b.c, b.p, NULL, b.r, true, &st),
	    TELLER_OK);
	CHECK(tl_sens_same(&st) && st.ndiff == bx_nstages(&b),
	    "ers97 in hundredths: not stv-ers97's count");
	CHECK_STR(diffs(&b, &st), "1:-:0.0000000000 2:-:0.0000000000");
	CHECK_INT(tl_sens_ers97_count(b.ctx, b.c, b.p, NULL, b.r, false, &ex),
	    TELLER_OK);
	CHECK(tl_sens_same(&ex), "ers97 exact: a decision differs");
	CHECK_STR(diffs(&b, &ex), "1:-:0.0000000000 2:A:0.0066666667");
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 0),
	    TELLER_OK);
	CHECK(b.r->sens != NULL && tl_sens_same(&b.r->sens->rounding),
	    "ers97: teller_sensitivity");
	CHECK_INT(teller_sensitivity(b.ctx, b.c, b.p, NULL, b.r, 1),
	    TELLER_ERULE);
	bx_free(&b);
}

/*
 * A real ward where ERS97's hundredths decide the last seat:
 * west_lothian_2022_ward7 (4 seats). Dickson's surplus moves at 0.30 a
 * paper, truncated; Fairbairn beats Sullivan by 1.90 for the last seat
 * in hundredths, and loses to her in exact fractions.
 */
static void
ers97_west_lothian(void)
{
	const char *shared = getenv("SHARED");
	char path[4096];
	size_t len;
	char *buf;
	teller_ctx *ctx = NULL;
	teller_contest *c;
	teller_profile *p;
	teller_result *r;
	teller_rules ru;
	struct tl_sens_cmp st, ex;
	int i, sullivan = -1, fairbairn = -1;
	bool in_st = false, in_ex = false;

	snprintf(path, sizeof(path), "%s/data/scot/blt/7_cands/"
	    "west_lothian_2022_ward7.blt", shared != NULL && *shared != '\0'
	    ? shared : "../shared");
	if ((buf = tt_slurp(path, &len)) == NULL) {
		printf("SKIP: %s not found\n", path);
		return;
	}
	CHECK_INT(teller_ctx_new(NULL, &ctx), TELLER_OK);
	teller_rules_init(&ru, "stv-ers97");
	CHECK_INT(teller_read(ctx, TELLER_FMT_BLT, path, buf, len, &c, &p),
	    TELLER_OK);
	CHECK_INT(teller_count(ctx, c, p, &ru, &r), TELLER_OK);
	memset(&st, 0, sizeof(st));
	memset(&ex, 0, sizeof(ex));
	CHECK_INT(tl_sens_ers97_count(ctx, c, p, &ru, r, true, &st),
	    TELLER_OK);
	CHECK(identical(&st, r), "west lothian: hundredths differ");
	CHECK_INT(tl_sens_ers97_count(ctx, c, p, &ru, r, false, &ex),
	    TELLER_OK);
	CHECK(!ex.same_elected && !ex.same_order, "west lothian: exact "
	    "elects the same");
	for (i = 0; i < c->ncand; i++) {
		if (strstr(TL_CAND(c, i)->name, "SULLIVAN") != NULL)
			sullivan = i;
		if (strstr(TL_CAND(c, i)->name, "FAIRBAIRN") != NULL)
			fairbairn = i;
	}
	for (i = 0; i < (int)r->elected->len; i++)
		in_st |= TL_VEC_AT(r->elected, int, i) == fairbairn;
	for (i = 0; i < ex.nelected; i++)
		in_ex |= ex.elected[i] == sullivan;
	CHECK(sullivan >= 0 && fairbairn >= 0 && in_st && in_ex,
	    "west lothian: hundredths elect Fairbairn, exact Sullivan");
	teller_ctx_free(ctx);
	free(buf);
}

static int nward, nsame, npaper, ners, ners_same, ners_self;

/* Every stage compared, no total different, no decision different. */
static bool
identical(const struct tl_sens_cmp *c, const struct teller_result *r)
{
	int i;

	for (i = 0; i < c->ndiff && c->diff[i].cand < 0; i++)
		;
	return tl_sens_same(c) && i == c->ndiff &&
	    c->ndiff == (int)r->stages->len;
}

static int nmeek, nmeek_same;

/* Every 4th ward under stv-meek: the count at 10^-18 without guard
 * digits must take the same decisions (tallied), and no total may differ
 * by more than the 9 places shown can hide plus 10^-9. */
static void
ward_meek(teller_ctx *ctx, const char *path, teller_contest *c,
    teller_profile *p)
{
	teller_result *r;
	teller_rules ru;
	struct tl_sens_cmp ex;
	int i;

	teller_rules_init(&ru, "stv-meek");
	memset(&ex, 0, sizeof(ex));
	if (teller_count(ctx, c, p, &ru, &r) != TELLER_OK)
		return;
	nmeek++;
	CHECK_INT(tl_sens_meek_count(ctx, c, p, &ru, r, &ex), TELLER_OK);
	if (tl_sens_same(&ex) && ex.ndiff == (int)r->stages->len)
		nmeek_same++;
	for (i = 0; i < ex.ndiff; i++)
		CHECK(ex.diff[i].d <= 15 && ex.diff[i].d >= -15,
		    "%s: meek stage %d differs by %lld * 10^-10", path,
		    ex.diff[i].stage, (long long)ex.diff[i].d);
}

/* The same ward under stv-ers97: the count with the rules' hundredths
 * must be stv-ers97's to the last place; the exact one is tallied. */
static void
ward_ers97(teller_ctx *ctx, const char *path, teller_contest *c,
    teller_profile *p)
{
	teller_result *r;
	teller_rules ru;
	struct tl_sens_cmp st, ex;

	teller_rules_init(&ru, "stv-ers97");
	memset(&st, 0, sizeof(st));
	memset(&ex, 0, sizeof(ex));
	if (teller_count(ctx, c, p, &ru, &r) != TELLER_OK)
		return;
	ners++;
	CHECK_INT(tl_sens_ers97_count(ctx, c, p, &ru, r, true, &st),
	    TELLER_OK);
	if (identical(&st, r))
		ners_self++;
	else
		CHECK(0, "%s: ers97 in hundredths differs (stage %d)", path,
		    st.first_stage);
	CHECK_INT(tl_sens_ers97_count(ctx, c, p, &ru, r, false, &ex),
	    TELLER_OK);
	ners_same += ex.same_elected;
}

/* One ward: the per-paper count agrees to the last place; the exact
 * count is tallied. */
static void
ward(const char *path)
{
	size_t len;
	char *buf = tt_slurp(path, &len);
	teller_ctx *ctx = NULL;
	teller_contest *c;
	teller_profile *p;
	teller_result *r;
	teller_rules ru;
	struct tl_sens_cmp pp, ex;
	int i;

	if (buf == NULL || teller_ctx_new(NULL, &ctx) != TELLER_OK) {
		CHECK(0, "%s: cannot read", path);
		free(buf);
		return;
	}
	teller_rules_init(&ru, "stv-scottish");
	memset(&pp, 0, sizeof(pp));
	memset(&ex, 0, sizeof(ex));
	if (teller_read(ctx, TELLER_FMT_BLT, path, buf, len, &c, &p) !=
	    TELLER_OK || teller_count(ctx, c, p, &ru, &r) != TELLER_OK) {
		/* a ward the count stops in is the conformance test's */
		goto out;
	}
	nward++;
	CHECK_INT(tl_sens_stv_count(ctx, c, p, r, TL_SENS_PAPER, &pp),
	    TELLER_OK);
	for (i = 0; i < pp.ndiff && pp.diff[i].cand < 0; i++)
		;
	if (tl_sens_same(&pp) && i == pp.ndiff &&
	    pp.ndiff == (int)r->stages->len)
		npaper++;
	else
		CHECK(0, "%s: per-paper count differs (stage %d)", path,
		    i < pp.ndiff ? pp.diff[i].stage : pp.first_stage);
	CHECK_INT(tl_sens_stv_count(ctx, c, p, r, TL_SENS_EXACT, &ex),
	    TELLER_OK);
	nsame += ex.same_elected;
	ward_ers97(ctx, path, c, p);
	if (nward % 4 == 0)
		ward_meek(ctx, path, c, p);
out:
	teller_ctx_free(ctx);
	free(buf);
}

static void
wards(void)
{
	const char *shared = getenv("SHARED");
	char root[4096];
	DIR *d;
	struct dirent *e;
	struct stat sb;

	if (shared == NULL || *shared == '\0')
		shared = "../shared";
	snprintf(root, sizeof(root), "%s/data/scot/blt", shared);
	if (stat(root, &sb) != 0 || (d = opendir(root)) == NULL) {
		printf("SKIP: %s not found\n", root);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char sub[8192];
		DIR *d2;
		struct dirent *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", root, e->d_name);
		if ((d2 = opendir(sub)) == NULL)
			continue;
		while ((f = readdir(d2)) != NULL) {
			char path[12288];
			size_t l = strlen(f->d_name);
			if (l < 4 || strcmp(f->d_name + l - 4, ".blt") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", sub, f->d_name);
			ward(path);
		}
		closedir(d2);
	}
	closedir(d);
	printf("sensitivity: %d wards; per-paper count identical in %d; "
	    "exact count elects the same in %d\n", nward, npaper, nsame);
	CHECK(nward > 600, "only %d wards", nward);
	CHECK_INT(npaper, nward);
	CHECK(nsame * 100 >= nward * 95, "exact elects the same in only %d "
	    "of %d", nsame, nward);
	printf("sensitivity: stv-ers97 %d wards; in hundredths identical "
	    "in %d; exact elects the same in %d\n", ners, ners_self,
	    ners_same);
	CHECK(ners > 600, "ers97: only %d wards", ners);
	CHECK_INT(ners_self, ners);
	printf("sensitivity: stv-meek %d wards; at 10^-18 the same "
	    "decisions in %d\n", nmeek, nmeek_same);
	CHECK(nmeek > 150, "meek: only %d wards", nmeek);
	CHECK(nmeek_same * 100 >= nmeek * 95, "meek: the same decisions in "
	    "only %d of %d", nmeek_same, nmeek);
	CHECK(ners_same * 100 >= ners * 95, "ers97: exact elects the same "
	    "in only %d of %d", ners_same, ners);
}

/* Read the constructed ward, count it and take both comparisons. */
static int
oom_sens(teller_ctx *ctx, void *arg)
{
	const char *blt = arg;
	teller_contest *c;
	teller_profile *p;
	teller_result *r;
	teller_rules ru;
	int rc;

	teller_rules_init(&ru, "stv-scottish");
	if ((rc = teller_read(ctx, TELLER_FMT_BLT, "oom", blt, strlen(blt),
	    &c, &p)) != TELLER_OK || (rc = teller_count(ctx, c, p, &ru, &r)) !=
	    TELLER_OK)
		return rc;
	return teller_sensitivity(ctx, c, p, &ru, r, 1);
}

/* Every allocation failing in turn gives ENOMEM and leaks nothing of
 * the context's (the GMP numbers are freed too: see SAN=1). */
static void
oom(void)
{
	static const char blt[] = "4 2\n120002 1 2 0\n1 1 3 0\n20000 2 0\n"
	    "60000 3 0\n40000 4 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"flip\"\n";

	oom_loop("sensitivity", oom_sens, (void *)blt);
}

int
main(void)
{
	if (oom_enabled()) {
		oom();
		return h_done();
	}
	paper_truncation_flips();
	exact_surplus();
	wigm();
	ers97_hundredths();
	ers97_west_lothian();
	wards();
	return h_done();
}
