/* SPDX-License-Identifier: MIT */
/*
 * t_stv_scottish.c -- small hand-checked elections under the Scottish STV
 * rules (SSI 2007/42 Sch.1 rules 45-52). Each test is named after the rule
 * it proves; the comments carry the arithmetic (values at 5 dp).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "oom.h"
#include "tl_int.h"

/* The seed string the CLI's --seed N gives. */
static const char *
seed_str(uint64_t seed)
{
	static char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)seed);
	return buf;
}

static teller_ctx *ctx;
static teller_result *R;

/* Count BLT text under stv-scottish (seats 0 = from the file). */
static int
count(const char *blt, int seats, uint64_t seed)
{
	teller_contest *c;
	teller_profile *p;
	teller_rules rules;
	int rc;

	teller_ctx_free(ctx);
	ctx = NULL;
	R = NULL;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		return -1;
	rc = teller_read(ctx, TELLER_FMT_BLT, "t.blt", blt, strlen(blt), &c,
	    &p);
	if (rc != TELLER_OK)
		return rc;
	teller_rules_init(&rules, "stv-scottish");
	rules.seats = seats;
	rules.seed = seed_str(seed);
	return teller_count(ctx, c, p, &rules, &R);
}

static const char *
fmt(tl_fix v)
{
	static char b[4][TL_NUM_BUFSZ];
	static int k;

	k = (k + 1) % 4;
	tl_num_fmt(b[k], v, 5);
	return b[k];
}

/* Stage n (1-based): kind, subject (1-based, 0 none), the votes as one
 * space-separated string, non-transferable and loss. */
static void
stage(int n, int kind, int subject, const char *votes, const char *nt,
    const char *loss)
{
	const struct tl_stage *s;
	char b[512];
	size_t o = 0;
	int i;

	CHECK(R != NULL && (size_t)n <= R->stages->len, "stage %d missing", n);
	if (R == NULL || (size_t)n > R->stages->len)
		return;
	s = TL_STAGE(R, n - 1);
	for (i = 0; i < R->ncand; i++)
		o += (size_t)snprintf(b + o, sizeof(b) - o, "%s%s",
		    i ? " " : "", fmt(s->votes[i]));
	CHECK_INT(s->kind, kind);
	CHECK_INT(s->subject + 1, subject);
	CHECK(strcmp(b, votes) == 0, "stage %d votes %s, expected %s", n, b,
	    votes);
	CHECK_STR(fmt(s->nontrans), nt);
	CHECK_STR(fmt(s->loss), loss);
}

/* The elected (or excluded) candidates, 1-based, as "2 3 1". */
static void
order(struct tl_vec *v, const char *want)
{
	char b[256];
	size_t o = 0, i;

	b[0] = '\0';
	for (i = 0; i < v->len; i++)
		o += (size_t)snprintf(b + o, sizeof(b) - o, "%s%d",
		    i ? " " : "", TL_VEC_AT(v, int, i) + 1);
	CHECK(strcmp(b, want) == 0, "order %s, expected %s", b, want);
}

/*
 * rule46_quota, rule45_first, rule48_3 (per-paper truncation), rule50.
 * 18 papers, 2 seats: quota = floor(18/3) + 1 = 7.
 * Stage 1: A 9, B 3, C 2, D 4; A elected with surplus 2.
 * Stage 2: each of A's 9 papers gets trunc5(2/9) = 0.22222; 5 go to B
 * (1.11110), 4 to C (0.88888); loss 2 - 1.99998 = 0.00002. A parcel
 * truncation would have given B 1.11111: per-paper is the statute.
 * Stage 3: C (2.88888) excluded: 2 "C D" to D at 1; 4 "A C" at 0.22222
 * have no next preference: non-transferable 0.88888.
 * Stage 4: B (4.11110) excluded, all exhausted: nt 0.88888 + 3 + 1.11110.
 * D is then the one continuing candidate for one vacancy (rule 52).
 */
static void
rule48_3(void)
{
	CHECK_INT(count("4 2\n5 1 2 0\n4 1 3 0\n3 2 0\n2 3 4 0\n4 4 0\n0\n"
	    "A\nB\nC\nD\n", 0, 1), TELLER_OK);
	if (R == NULL)
		return;
	CHECK_STR(fmt(R->quota), "7.00000");
	CHECK_STR(fmt(R->valid), "18.00000");
	CHECK_INT(R->stages->len, 4);
	stage(1, TL_STAGE_FIRST, 0, "9.00000 3.00000 2.00000 4.00000",
	    "0.00000", "0.00000");
	stage(2, TL_STAGE_SURPLUS, 1, "7.00000 4.11110 2.88888 4.00000",
	    "0.00000", "0.00002");
	CHECK_STR(fmt(TL_STAGE(R, 1)->value), "0.22222");
	stage(3, TL_STAGE_EXCLUSION, 3, "7.00000 4.11110 0.00000 6.00000",
	    "0.88888", "0.00002");
	stage(4, TL_STAGE_EXCLUSION, 2, "7.00000 0.00000 0.00000 6.00000",
	    "4.99998", "0.00002");
	order(R->elected, "1 4");
	order(R->excluded, "3 2");
	CHECK_STR(TL_STAGE(R, 0)->note, "rule 45");
	CHECK_STR(TL_STAGE(R, 1)->note, "rule 48");
	CHECK(strstr(TL_STAGE(R, 3)->note, "rule 52") != NULL, "note %s",
	    TL_STAGE(R, 3)->note);
}

/*
 * rule48_all_papers: a surplus moves all the candidate's papers, each at
 * value_when_received * surplus / total [48(3)-(4)], not a last parcel.
 * 32 papers, 3 seats: quota = floor(32/4) + 1 = 9.
 * Stage 1: X 14, A 6, B 5, C 4, D 3; X elected, surplus 5.
 * Stage 2: trunc5(5/14) = 0.35714 on 14 papers: A + 4.99996 = 10.99996,
 * loss 0.00004. A elected, surplus 1.99996.
 * Stage 3: A's 6 own papers: trunc5(1 * 1.99996 / 10.99996) = 0.18181
 * each, to B: 1.09086. The 14 from X: trunc5(0.35714 * 1.99996 /
 * 10.99996) = 0.06493 each, no further preference: nt 0.90902. Loss
 * 1.99996 - 1.99988 = 0.00008, cumulative 0.00012.
 * Stage 4: D out (nt 3.90902); stage 5: C out (nt 7.90902); B is left for
 * the last seat (rule 52).
 */
static void
rule48_all_papers(void)
{
	CHECK_INT(count("5 3\n14 1 2 0\n6 2 3 0\n5 3 0\n4 4 0\n3 5 0\n0\n"
	    "X\nA\nB\nC\nD\n", 0, 1), TELLER_OK);
	if (R == NULL)
		return;
	CHECK_STR(fmt(R->quota), "9.00000");
	stage(2, TL_STAGE_SURPLUS, 1,
	    "9.00000 10.99996 5.00000 4.00000 3.00000", "0.00000", "0.00004");
	stage(3, TL_STAGE_SURPLUS, 2,
	    "9.00000 9.00000 6.09086 4.00000 3.00000", "0.90902", "0.00012");
	CHECK_INT(TL_STAGE(R, 2)->value, -1); /* two values: not single */
	stage(5, TL_STAGE_EXCLUSION, 4,
	    "9.00000 9.00000 6.09086 0.00000 0.00000", "7.90902", "0.00012");
	order(R->elected, "1 2 3");
	order(R->excluded, "5 4");
	CHECK_INT(R->stages->len, 5);
}

/*
 * rule48_1_exact_quota: a candidate exactly on the quota has no surplus
 * and causes no stage (stv.md 2.1). 19 papers, 2 seats: quota 7.
 * Stage 1: A 7 (elected, no surplus), B 5, C 4, D 3.
 * Stage 2 is D's exclusion (not an empty surplus stage): C 7, elected.
 */
static void
rule48_1_exact_quota(void)
{
	CHECK_INT(count("4 2\n7 1 2 0\n5 2 0\n4 3 0\n3 4 3 0\n0\nA\nB\nC\nD\n",
	    0, 1), TELLER_OK);
	if (R == NULL)
		return;
	CHECK_INT(R->stages->len, 2);
	stage(2, TL_STAGE_EXCLUSION, 4, "7.00000 5.00000 7.00000 0.00000",
	    "0.00000", "0.00000");
	order(R->elected, "1 3");
	CHECK_INT(TL_STAGE(R, 0)->nelected, 1);
}

/*
 * rule49_2_earlier_stage (as renfrewshire_2017_ward3): two equal
 * surpluses; the one with more votes at the most recent preceding stage
 * where they differed goes first. Candidate 1 is C and 2 is B, so input
 * order would pick C; the rule picks B.
 * 37 papers, 3 seats: quota floor(37/4) + 1 = 10.
 * Stage 1: C 7, B 9, E 6, F 7, G 8. Stage 2: E out, 2 to B and 4 to C:
 * B 11, C 11, both elected, equal surpluses of 1. At stage 1, B 9 > C 7:
 * B's surplus first (stage 3), at trunc5(1/11) = 0.09090 on 11 papers, all
 * exhausted: nt 0.99990, loss 0.00010. Then C's (stage 4).
 */
static void
rule49_2_earlier_stage(void)
{
	const struct tl_tie *t;
	size_t i;
	bool surplus_tie = false;

	CHECK_INT(count("5 3\n9 2 0\n7 1 0\n2 3 2 0\n4 3 1 0\n7 4 0\n8 5 0\n"
	    "0\nC\nB\nE\nF\nG\n", 0, 1), TELLER_OK);
	if (R == NULL)
		return;
	CHECK_STR(fmt(R->quota), "10.00000");
	stage(2, TL_STAGE_EXCLUSION, 3,
	    "11.00000 11.00000 0.00000 7.00000 8.00000", "0.00000", "0.00000");
	stage(3, TL_STAGE_SURPLUS, 2,
	    "11.00000 10.00000 0.00000 7.00000 8.00000", "0.99990", "0.00010");
	CHECK_STR(fmt(TL_STAGE(R, 2)->value), "0.09090");
	stage(4, TL_STAGE_SURPLUS, 1,
	    "10.00000 10.00000 0.00000 7.00000 8.00000", "1.99980", "0.00020");
	order(R->elected, "2 1 5");
	for (i = 0; i < R->ties->len; i++) {
		t = &TL_VEC_AT(R->ties, struct tl_tie, i);
		if (t->kind == TL_TIEK_SURPLUS) {
			surplus_tie = true;
			CHECK_INT(t->how, TL_TIE_EARLIER);
			CHECK_INT(t->chosen, 1);
			CHECK_INT(t->ntied, 2);
			CHECK_INT(t->stage, 2);
		}
	}
	CHECK(surplus_tie, "the surplus tie is recorded");
}

/*
 * rule51_2_a_earlier_stage: equal lowest, settled by the most recent
 * preceding stage where they differed. 15 papers, 1 seat: quota 8.
 * Stage 1: A 7, B 4, C 3, D 1. Stage 2: D out, its paper to C: B 4 = C 4.
 * At stage 1 C had 3 < B 4: C is excluded (stage 3), then B (stage 4),
 * and A fills the seat by rule 52.
 */
static void
rule51_2_a_earlier_stage(void)
{
	const struct tl_tie *t;

	CHECK_INT(count("4 1\n7 1 0\n4 2 0\n3 3 0\n1 4 3 0\n0\nA\nB\nC\nD\n",
	    0, 1), TELLER_OK);
	if (R == NULL)
		return;
	order(R->excluded, "4 3 2");
	order(R->elected, "1");
	CHECK_INT(R->ties->len, 1);
	if (R->ties->len < 1)
		return;
	t = &TL_VEC_AT(R->ties, struct tl_tie, 0);
	CHECK_INT(t->kind, TL_TIEK_EXCLUDE);
	CHECK_INT(t->how, TL_TIE_EARLIER);
	CHECK_INT(t->chosen, 2);
}

/*
 * rule51_2_b_lot: equal lowest at every stage: lot. The draw is the
 * rivest-sha256 sampler of tie.c over the tied candidates in input
 * order; the test repeats the draw to know the answer, and checks that
 * the same seed always gives the same result.
 * 11 papers, 1 seat: quota 6. Stage 1: A 4, B 2, C 2, D 3.
 */
static void
rule51_2_b_lot(void)
{
	uint64_t seed;
	int seen[2] = { 0, 0 };

	for (seed = 1; seed <= 16; seed++) {
		struct tl_rng rng;
		const struct tl_tie *t;
		int j, first;

		tl_tie_seed(&rng, seed_str(seed));
		j = tl_tie_lot(&rng, 2);
		CHECK_INT(count("4 1\n4 1 0\n2 2 0\n2 3 0\n3 4 0\n0\nA\nB\nC\n"
		    "D\n", 0, seed), TELLER_OK);
		if (R == NULL || R->ties->len < 1 || R->excluded->len < 1)
			continue;
		t = &TL_VEC_AT(R->ties, struct tl_tie, 0);
		first = TL_VEC_AT(R->excluded, int, 0);
		CHECK_INT(t->how, TL_TIE_LOT);
		CHECK_INT(t->kind, TL_TIEK_EXCLUDE);
		CHECK_INT(t->ntied, 2);
		CHECK_INT((int)t->draw, j);
		CHECK_INT(first, 1 + j);
		CHECK_STR(R->seed, seed_str(seed));
		seen[j]++;
	}
	CHECK(seen[0] > 0 && seen[1] > 0, "16 seeds drew both (%d, %d)",
	    seen[0], seen[1]);
}

/*
 * rule52_after_exclusion: rule 52 is tested after every stage, before
 * any pending surplus is transferred. 20 papers, 3 seats: quota 6.
 * Stage 1: A 6 (elected), B 5, C 4, D 3, E 2. Stage 2: E out.
 * Stage 3: D out, 3 to B: B 8, elected with a surplus of 2; C is the one
 * continuing candidate for the last seat: elected, no surplus stage.
 */
static void
rule52_after_exclusion(void)
{
	CHECK_INT(count("5 3\n6 1 0\n5 2 0\n4 3 0\n3 4 2 0\n2 5 0\n0\n"
	    "A\nB\nC\nD\nE\n", 0, 1), TELLER_OK);
	if (R == NULL)
		return;
	CHECK_INT(R->stages->len, 3);
	order(R->elected, "1 2 3");
	CHECK_INT(TL_STAGE(R, 2)->nelected, 2);
	CHECK(strstr(TL_STAGE(R, 2)->note, "rule 52") != NULL, "note");
}

/* rule47_order: candidates reaching the quota together are elected in
 * descending order of votes. 3 seats, 40 papers: quota 11.
 * Stage 1: A 12, B 15, C 13: all elected at once, order B C A. */
static void
rule47_order(void)
{
	CHECK_INT(count("4 3\n12 1 0\n15 2 0\n13 3 0\n0\nA\nB\nC\nD\n", 0, 1),
	    TELLER_OK);
	if (R == NULL)
		return;
	order(R->elected, "2 3 1");
	CHECK_INT(R->stages->len, 1);
}

/* Equal rankings (stv.md 2.4): at the first preference the paper is
 * rejected (the figure 1 against more than one candidate); later, its
 * next preference is not for one candidate, so it is non-transferable
 * from there. The count goes on. */
static void
equal_refused(void)
{
	const struct tl_tally *t;

	CHECK_INT(count("3 1\n2 1=2 3 0\n1 3 0\n0\nA\nB\nC\n", 0, 1),
	    TELLER_OK);
	CHECK_INT(R->valid, 100000);
	t = &TL_VEC_AT(R->rejected, struct tl_tally, 1);
	CHECK_INT(t->n, 200000);
	CHECK(strstr(t->name, "more than one first") != NULL, "%s", t->name);
	CHECK_INT(R->papers, 300000);
	/* 3 1=2 0: a valid paper for 3 that stops at the equal rank */
	CHECK_INT(count("3 1\n2 3 1=2 0\n1 1 0\n0\nA\nB\nC\n", 0, 1),
	    TELLER_OK);
	CHECK_INT(R->valid, 300000);
	CHECK_STR(teller_result_elected(R, 0), "C");
}

/*
 * Withdrawn candidates are struck out; a paper left blank is not valid
 * (stv.md 1.2). C withdrawn: the 2 "C" papers go, "C B" counts for B.
 * N = 5 + 3 + 1 = 9, 1 seat: quota 5; A 5 elected at stage 1.
 */
static void
withdrawn_skipped(void)
{
	CHECK_INT(count("3 1\n-3\n5 1 0\n3 2 0\n2 3 0\n1 3 2 0\n0\nA\nB\nC\n",
	    0, 1), TELLER_OK);
	if (R == NULL)
		return;
	CHECK_STR(fmt(R->valid), "9.00000");
	CHECK_STR(fmt(R->quota), "5.00000");
	stage(1, TL_STAGE_FIRST, 0, "5.00000 4.00000 0.00000", "0.00000",
	    "0.00000");
	order(R->elected, "1");
}

/* rules->seats overrides the file. */
static void
seats_override(void)
{
	CHECK_INT(count("3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\nA\nB\nC\n", 2, 1),
	    TELLER_OK);
	if (R == NULL)
		return;
	CHECK_INT(R->seats, 2);
	CHECK_INT(R->elected->len, 2);
}

/*
 * next_available_preference_consecutive: preferences count only "in
 * consecutive order", so a skipped rank ends the paper. 9 papers, 1 seat:
 * quota 5. Stage 1: A 4, B 3, C 2. C is excluded: its "3 - 1" papers
 * have no second preference (the 1 stands after a gap): non-transferable
 * 2. Then B is excluded (nt 5) and A takes the seat by rule 52; had the
 * gap been passed over, A would have reached the quota at stage 2.
 */
static void
next_available_preference_consecutive(void)
{
	CHECK_INT(count("3 1\n4 1 0\n3 2 0\n2 3 - 1 0\n0\nA\nB\nC\n", 0, 1),
	    TELLER_OK);
	if (R == NULL)
		return;
	stage(2, TL_STAGE_EXCLUSION, 3, "4.00000 3.00000 0.00000", "2.00000",
	    "0.00000");
	order(R->excluded, "3 2");
	order(R->elected, "1");
}

/* Read and count src: the unit of work for the OOM loop. */
static int
oom_count(teller_ctx *c, void *arg)
{
	const char *src = arg;
	teller_contest *con;
	teller_profile *p;
	teller_rules rules;
	teller_result *r;
	int rc = teller_read(c, TELLER_FMT_BLT, "oom", src, strlen(src), &con,
	    &p);

	if (rc != TELLER_OK)
		return rc;
	teller_rules_init(&rules, "stv-scottish");
	return teller_count(c, con, p, &rules, &r);
}

/* TELLER_OOM=1: each allocation of a count failing in turn gives ENOMEM
 * and leaks nothing (an election with surpluses, exclusions and ties). */
static void
oom(void)
{
	static char a[] = "5 3\n9 2 0\n7 1 0\n2 3 2 0\n4 3 1 0\n7 4 0\n"
	    "8 5 0\n0\nC\nB\nE\nF\nG\n";
	static char b[] = "4 1\n4 1 0\n2 2 0\n2 3 0\n3 4 0\n0\nA\nB\nC\nD\n";

	oom_loop("stv-scottish ties", oom_count, a);
	oom_loop("stv-scottish lot", oom_count, b);
}

int
main(void)
{
	rule48_3();
	rule48_all_papers();
	rule48_1_exact_quota();
	rule49_2_earlier_stage();
	rule51_2_a_earlier_stage();
	rule51_2_b_lot();
	rule52_after_exclusion();
	rule47_order();
	equal_refused();
	withdrawn_skipped();
	seats_override();
	next_available_preference_consecutive();
	if (oom_enabled())
		oom();
	teller_ctx_free(ctx);
	return h_done();
}
