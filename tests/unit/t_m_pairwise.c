/* SPDX-License-Identifier: MIT */
/*
 * t_m_pairwise.c -- hand-worked cases for the positional, pairwise,
 * coombs and bucklin methods (methods.md 5-7), each cited to its source.
 * The random cross-check against a brute-force reference is
 * tests/suite_pairwise.sh.
 */
#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

/* Score of candidate name at stage s as a decimal string. */
static const char *
score(const struct bx *b, int s, char name)
{
	return b->r != NULL ? tt_stage(b->r, s, bx_id(b, name)) : "(none)";
}

/* methods.md 5, the worked example on short ballots: 10 x (A,B,C,D),
 * 8 x (B), 7 x (C,D). */
static void
borda_example(struct bx *b)
{
	bx_init(b, "ABCD");
	bx_add(b, "A,B,C,D", 10);
	bx_add(b, "B", 8);
	bx_add(b, "C,D", 7);
}

static void
positional(void)
{
	struct bx b;

	borda_example(&b);
	CHECK_INT(bx_count(&b, "borda", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "B");
	CHECK_STR(score(&b, 1, 'A'), "41.5");
	CHECK_STR(score(&b, 1, 'B'), "47.5");
	CHECK_STR(score(&b, 1, 'C'), "39.0");
	CHECK_STR(score(&b, 1, 'D'), "22.0");
	CHECK_INT(bx_count(&b, "borda-mbc", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_STR(score(&b, 1, 'A'), "40.0");
	CHECK_STR(score(&b, 1, 'B'), "38.0");
	CHECK_STR(score(&b, 1, 'C'), "34.0");
	CHECK_STR(score(&b, 1, 'D'), "17.0");
	CHECK_INT(bx_count(&b, "borda-dowdall", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "B");
	CHECK_STR(score(&b, 1, 'C'), "10.333333");
	CHECK_STR(score(&b, 1, 'A'), "10.000000");
	/* Nauru elects two: in descending order of score */
	CHECK_INT(bx_count(&b, "borda-dowdall", 2, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "BC");
	/* the matrix rides along: 10 rank A above B, 8 B above A */
	CHECK(b.r != NULL && b.r->pairwise[0 * 4 + 1] == 10000000 &&
	    b.r->pairwise[1 * 4 + 0] == 8000000, "borda-dowdall: pairwise "
	    "at 6 places");
	bx_free(&b);

	/* equal ranks share: (A|B, C) gives A and B (3+2)/2, C 1, D 0; a
	 * ballot ranking only D among four gives the rest (2+1+0)/3 */
	bx_init(&b, "ABCD");
	bx_add(&b, "A|B,C", 1);
	bx_add(&b, "D", 1);
	CHECK_INT(bx_count(&b, "borda", 0, 1), TELLER_OK);
	CHECK_STR(score(&b, 1, 'A'), "3.5");  /* 2.5 + 1 */
	CHECK_STR(score(&b, 1, 'C'), "2.0");  /* 1 + 1 */
	CHECK_STR(score(&b, 1, 'D'), "3.0");  /* 0 + 3 */
	CHECK_INT(bx_nties(&b), 1); /* A and B equal top */
	bx_free(&b);
	/* (A), (B): A and B 3 + 1 each; equal top: a lot, recorded */
	bx_init(&b, "ABCD");
	bx_add(&b, "A", 1);
	bx_add(&b, "B", 1);
	CHECK_INT(bx_count(&b, "borda", 0, 1), TELLER_OK);
	CHECK_STR(score(&b, 1, 'A'), "4.0");
	CHECK_INT(bx_nties(&b), 1);
	CHECK_INT(bx_tie(&b, 0)->ntied, 2);
	CHECK_INT(bx_tie(&b, 0)->how, TL_TIE_LOT);
	bx_free(&b);
}

/*
 * M. Schulze, Social Choice and Welfare 36(2), 2011, section 3.1, and
 * the Wikipedia "Schulze method" example: 45 voters, 5 candidates; the
 * winner is E (winning votes), with no Condorcet winner.
 */
static void
schulze(void)
{
	struct bx b;

	bx_init(&b, "ABCDE");
	bx_add(&b, "A,C,B,E,D", 5);
	bx_add(&b, "A,D,E,C,B", 5);
	bx_add(&b, "B,E,D,A,C", 8);
	bx_add(&b, "C,A,B,E,D", 3);
	bx_add(&b, "C,A,E,B,D", 7);
	bx_add(&b, "C,B,A,D,E", 2);
	bx_add(&b, "D,C,E,B,A", 7);
	bx_add(&b, "E,B,A,D,C", 8);
	CHECK_INT(bx_count(&b, "schulze", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "E");
	CHECK_INT(bx_nties(&b), 0);
	/* d(A,B) = 20, d(B,A) = 25 (the paper's matrix) */
	CHECK(b.r->pairwise[0 * 5 + 1] == 20 && b.r->pairwise[1 * 5 + 0] ==
	    25, "schulze: d(A,B), d(B,A)");
	/* p(E,A) = 25 via E>D>A? the paper: p[E,A] = 25, p[A,E] = 24 */
	CHECK(b.r->paths[4 * 5 + 0] == 25 && b.r->paths[0 * 5 + 4] == 24,
	    "schulze: strongest paths E-A");
	/* E defeats all four by beatpath */
	CHECK_STR(score(&b, 1, 'E'), "4");
	CHECK_INT(bx_count(&b, "condorcet", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "");
	CHECK(b.r->stopped != NULL, "condorcet: stopped");
	bx_free(&b);
}

/*
 * The Tennessee capital example (Wikipedia, "Ranked pairs", "Coombs'
 * method", "Bucklin voting", "Copeland's method"): Memphis 42, Nashville
 * 26, Chattanooga 15, Knoxville 17. Nashville is the Condorcet winner;
 * Coombs excludes Memphis (most last places) and then elects Nashville;
 * Bucklin elects Nashville in round 2 (68 of 100).
 */
static void
tennessee(void)
{
	static const char *const all[] = { "condorcet", "copeland",
		"minimax", "schulze", "ranked-pairs", "coombs", "bucklin",
		"borda" };
	struct bx b;
	size_t i;

	bx_init(&b, "MNCK");
	bx_add(&b, "M,N,C,K", 42);
	bx_add(&b, "N,C,K,M", 26);
	bx_add(&b, "C,K,N,M", 15);
	bx_add(&b, "K,C,N,M", 17);
	for (i = 0; i < sizeof(all) / sizeof(*all); i++) {
		CHECK(bx_count(&b, all[i], 0, 1) == TELLER_OK &&
		    strcmp(bx_elected(&b), "N") == 0, "%s elects %s",
		    all[i], bx_elected(&b));
		/* no tie for election (ranked pairs draws a TBRC: pairs
		 * of equal margin) */
		CHECK(b.r == NULL || b.r->ties->len == 0 ||
		    (b.r->ties->len == 1 && bx_tie(&b, 0)->kind ==
		    TL_TIEK_PAIR_ORDER), "%s: no tie", all[i]);
	}
	CHECK_INT(bx_count(&b, "smith", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "N");
	/* ranked pairs (margins) locks N>C 36, N>K 36 (ordered by the
	 * TBRC), C>K 16, then N>M 16 and C>M 16, K>M 16 */
	CHECK_INT(bx_count(&b, "ranked-pairs", 0, 1), TELLER_OK);
	CHECK(b.r->locked != NULL && b.r->locked->len == 6,
	    "ranked-pairs: six pairs");
	/* minimax: N is beaten by nobody */
	CHECK_INT(bx_count(&b, "minimax", 0, 1), TELLER_OK);
	CHECK_STR(score(&b, 1, 'N'), "0");
	CHECK_STR(score(&b, 1, 'M'), "16"); /* 58 - 42 */
	/* coombs: round 1 M has 58 last places, excluded */
	CHECK_INT(bx_count(&b, "coombs", 0, 1), TELLER_OK);
	CHECK_INT(bx_nstages(&b), 2);
	CHECK(b.r->excluded->len == 1 && TL_VEC_AT(b.r->excluded, int, 0) ==
	    bx_id(&b, 'M'), "coombs: M excluded first");
	CHECK_INT(TL_STAGE(b.r, 0)->last[bx_id(&b, 'M')], 58);
	CHECK_INT(bx_votes(&b, 2, 'N'), 68);
	/* bucklin: round 1 nobody over 50; round 2 N 68 */
	CHECK_INT(bx_count(&b, "bucklin", 0, 1), TELLER_OK);
	CHECK_INT(bx_nstages(&b), 2);
	CHECK_INT(bx_votes(&b, 2, 'N'), 68);
	CHECK_INT(bx_votes(&b, 2, 'C'), 58); /* 15 + 26 + 17 */
	bx_free(&b);
}

/* methods.md 7.1 on short ballots: (A,B) leaves only C unranked, its
 * last place; (C) leaves two unranked and gives none. Round 1: A 4, B 3,
 * C 2 of 9; last places C 4, A 3: C excluded, then A 4 of 7. */
static void
coombs_short(void)
{
	struct bx b;

	bx_init(&b, "ABC");
	bx_add(&b, "A,B", 4);
	bx_add(&b, "B,C,A", 3);
	bx_add(&b, "C", 2);
	CHECK_INT(bx_count(&b, "coombs", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(TL_STAGE(b.r, 0)->last[bx_id(&b, 'C')], 4);
	CHECK_INT(TL_STAGE(b.r, 0)->last[bx_id(&b, 'A')], 3);
	CHECK_INT(TL_STAGE(b.r, 0)->last[bx_id(&b, 'B')], 0);
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 2);
	bx_free(&b);
}

/* The Smith and Schwartz sets differ with a pairwise tie (methods.md
 * 6.7): A beats B 2-1, B beats C 2-1, C ties A 1-1. Beats-or-ties
 * closes a cycle (Smith = all three), but nobody beats A (Schwartz =
 * A). Also the Condorcet paradox: a cycle, no Condorcet winner. */
static void
sets(void)
{
	struct bx b;

	bx_init(&b, "ABC");
	bx_add(&b, "A,B,C", 1);
	bx_add(&b, "C,A,B", 1);
	bx_add(&b, "B", 1);
	CHECK_INT(bx_count(&b, "smith", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "ABC");
	CHECK_INT(bx_count(&b, "schwartz", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	/* copeland: A 1.5, B 1, C 0.5 */
	CHECK_INT(bx_count(&b, "copeland", 0, 1), TELLER_OK);
	CHECK_STR(score(&b, 1, 'A'), "1.5");
	CHECK_STR(score(&b, 1, 'C'), "0.5");
	CHECK_STR(bx_elected(&b), "A");
	bx_free(&b);

	bx_init(&b, "ABC");
	bx_add(&b, "A,B,C", 1);
	bx_add(&b, "B,C,A", 1);
	bx_add(&b, "C,A,B", 1);
	CHECK_INT(bx_count(&b, "condorcet", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "");
	CHECK(b.r->stopped != NULL && strcmp(b.r->stopped, "no Condorcet "
	    "winner") == 0, "condorcet: stopped");
	CHECK(teller_result_stopped(b.r) != NULL, "public stopped");
	/* schulze: all three tie; a lot among them, recorded */
	CHECK_INT(bx_count(&b, "schulze", 0, 1), TELLER_OK);
	CHECK_INT(bx_nties(&b), 1);
	CHECK_INT(bx_tie(&b, 0)->ntied, 3);
	/* ranked pairs: three pairs of margin 1, a TBRC drawn once */
	CHECK_INT(bx_count(&b, "ranked-pairs", 0, 1), TELLER_OK);
	CHECK(b.r->ties->len >= 1 && bx_tie(&b, 0)->kind ==
	    TL_TIEK_PAIR_ORDER && bx_tie(&b, 0)->ntied == 3,
	    "ranked-pairs: TBRC recorded");
	bx_free(&b);
}

/* methods.md 1.2, preference reading: a withdrawn candidate is removed,
 * a repeat ignored, an unmarked ballot rejected; 1.1: -s 2 on a
 * one-seat method is a usage error. */
static void
reading(void)
{
	struct bx b;

	bx_init(&b, "AbC");
	bx_add(&b, "b,C,C,A", 2);
	bx_add(&b, "A", 1);
	bx_add(&b, "", 3);
	CHECK_INT(bx_count(&b, "condorcet", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "C");
	CHECK_INT(b.r->pairwise[2 * 3 + 0], 2);
	CHECK_INT(b.r->pairwise[0 * 3 + 1], 0);
	CHECK_INT(b.r->valid, 3);
	CHECK_INT(bx_tally(&b, true, "unmarked (no preference for a "
	    "candidate)"), 3);
	CHECK_INT(bx_count(&b, "schulze", 2, 1), TELLER_EINVAL);
	bx_free(&b);
}

int
main(void)
{
	positional();
	schulze();
	tennessee();
	coombs_short();
	sets();
	reading();
	return h_done();
}
