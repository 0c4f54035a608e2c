/* SPDX-License-Identifier: MIT */
/*
 * t_m_block.c -- the block vote (LEPAR 2006 Sch.2 rr.46, 47, 49): the
 * block cases of shared/data/uk/sv_edge_cases.json (bl-01..bl-06), whole
 * and partial rejection, plumping, a lot only at the seat boundary.
 */
#include <stdlib.h>

#include "harness.h"
#include "uk_paper.h"
#include "tl_int.h"
#include "testlib.h"

/* Reference block count: a paper's distinct standing candidates (any
 * rank) count if there are 1..seats of them and its uncertain marks
 * could not take it past seats. Returns false on a boundary tie. */
static bool
ref_block(const struct bx *b, int seats, long long *v, bool *won)
{
	int nc = b->c->ncand, i, j, above = 0, at = 0;
	long long edge;
	long long sorted[16];
	size_t pi;

	memset(v, 0, 16 * sizeof(*v));
	for (pi = 0; pi < b->p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(b->p, pi);
		struct tl_rank r;
		int ids[64], k = 0, u = 0;

		for (r = tl_rank_first(b->p, pat); r.cells != NULL;
		    r = tl_rank_next(r))
			for (i = 0; i < r.n; i++) {
				const struct tl_cand *cd =
				    TL_CAND(b->c, r.ids[i]);
				bool dup = false;
				if (cd->withdrawn)
					continue;
				if (cd->writein) {
					u++;
					continue;
				}
				for (j = 0; j < k; j++)
					dup |= ids[j] == r.ids[i];
				if (!dup)
					ids[k++] = r.ids[i];
			}
		if (k >= 1 && k + u <= seats)
			for (j = 0; j < k; j++)
				v[ids[j]] += pat->w;
	}
	for (i = j = 0; i < nc; i++)
		if (!TL_CAND(b->c, i)->withdrawn && !TL_CAND(b->c, i)->writein)
			sorted[j++] = v[i];
	for (i = 1; i < j; i++) {
		long long t = sorted[i];
		int m = i;
		for (; m > 0 && sorted[m - 1] < t; m--)
			sorted[m] = sorted[m - 1];
		sorted[m] = t;
	}
	edge = sorted[seats - 1];
	for (i = 0; i < nc; i++) {
		bool st = !TL_CAND(b->c, i)->withdrawn &&
		    !TL_CAND(b->c, i)->writein;
		won[i] = st && v[i] >= edge;
		above += st && v[i] > edge;
		at += st && v[i] == edge;
	}
	return above + at == seats;
}

static void
reference(void)
{
	long long v[16];
	bool won[16];
	int iter, compared = 0;

	for (iter = 0; iter < 400; iter++) {
		struct bx b;
		int seats = 1 + tt_rnd(3), i;

		bx_random(&b, iter % 2 ? "ABCDEF" : "ABCDe?", 5 + tt_rnd(40));
		i = bx_count(&b, "block", seats, 1);
		if (b.r == NULL && i == TELLER_ESTOP) {
			/* no valid paper: no winner from nothing */
			CHECK(strstr(teller_errmsg(b.ctx), "no valid paper")
			    != NULL, "%s", teller_errmsg(b.ctx));
			bx_free(&b);
			continue;
		}
		CHECK_INT(i, TELLER_OK);
		if (b.r == NULL)
			continue;
		CHECK_INT(b.r->elected->len, seats);
		if (ref_block(&b, seats, v, won)) {
			compared++;
			CHECK_INT(bx_nties(&b), 0);
			for (i = 0; i < b.c->ncand; i++) {
				size_t e;
				bool in = false;
				CHECK_INT(TL_STAGE(b.r, 0)->votes[i], v[i]);
				for (e = 0; e < b.r->elected->len; e++)
					in |= TL_VEC_AT(b.r->elected, int, e)
					    == i;
				CHECK(in == won[i], "iter %d cand %d", iter, i);
			}
		} else {
			CHECK(bx_nties(&b) >= 1, "iter %d: no lot", iter);
		}
		bx_free(&b);
	}
	CHECK(compared > 100, "only %d compared", compared);
}

static void
heads(void)
{
	/* bl-01: four marks, three seats: whole paper void */
	CHECK_INT(tl_uk_block_head(4, 0, 3, 0), TL_UK_TOO_MANY);
	/* bl-02: plumping */
	CHECK_INT(tl_uk_block_head(1, 0, 3, 0), TL_UK_VALID);
	/* bl-03: A, B and an uncertain mark: rejected in part */
	CHECK_INT(tl_uk_block_head(2, 1, 3, 0), TL_UK_PART);
	CHECK_INT(tl_uk_block_head(0, 0, 3, 0), TL_UK_UNMARKED);
	CHECK_INT(tl_uk_block_head(0, 2, 3, 0), TL_UK_UNCERTAIN);
	CHECK_INT(tl_uk_block_head(3, 1, 3, 0), TL_UK_UNCERTAIN);
	CHECK_INT(tl_uk_block_head(1, 1, 1, 0), TL_UK_UNCERTAIN);
	CHECK_INT(tl_uk_block_head(3, 0, 3, TL_PAPER_NO_OFFICIAL_MARK),
	    TL_UK_NO_OFFICIAL);
	CHECK_INT(tl_uk_block_head(2, 0, 3, TL_PAPER_IDENTIFYING),
	    TL_UK_IDENTIFYING);
	CHECK_INT(tl_uk_block_head(4, 0, 3, TL_PAPER_IDENTIFYING),
	    TL_UK_TOO_MANY);
}

static void
papers(void)
{
	struct bx b;

	/* bl-01, bl-02, bl-03 as papers in one count */
	bx_init(&b, "ABCDE?");
	bx_add(&b, "A,B,C,D", 1);     /* bl-01 */
	bx_add(&b, "A", 1);           /* bl-02 */
	bx_add(&b, "A,B,?", 1);       /* bl-03 */
	bx_add(&b, "B|C|D", 2);       /* ranks ignored: an overvote is marks */
	bx_add(&b, "E,E,E", 1);       /* one vote for E, not three */
	bx_add(&b, "", 4);            /* unmarked */
	bx_add(&b, "?", 1);           /* wholly void for uncertainty */
	bx_add(&b, "A,B,C,?", 1);     /* an uncertain 4th mark: void */
	CHECK_INT(bx_count(&b, "block", 3, 1), TELLER_OK);
	CHECK_INT(b.r->seats, 3);
	CHECK_INT(bx_votes(&b, 1, 'A'), 2);
	CHECK_INT(bx_votes(&b, 1, 'B'), 3);
	CHECK_INT(bx_votes(&b, 1, 'C'), 2);
	CHECK_INT(bx_votes(&b, 1, 'D'), 2);
	CHECK_INT(bx_votes(&b, 1, 'E'), 1);
	CHECK_INT(b.r->valid, 10);
	CHECK_INT(bx_tally(&b, true, "voting for more candidates than "
	    "entitled"), 1);
	CHECK_INT(bx_tally(&b, true, "unmarked or wholly void for "
	    "uncertainty"), 6);
	CHECK_INT(bx_tally(&b, false, "rejected in part (counted)"), 1);
	CHECK_INT(bx_tally(&b, false, "valid ballot papers"), 5);
	CHECK_INT(bx_nstages(&b), 1);
	CHECK_INT(TL_STAGE(b.r, 0)->kind, TL_STAGE_FIRST);
	/* B 3 elected; A, C, D tie on 2 for two seats: a lot */
	CHECK_INT(b.r->elected->len, 3);
	CHECK_INT(TL_VEC_AT(b.r->elected, int, 0), bx_id(&b, 'B'));
	CHECK_INT(bx_nties(&b), 2);
	bx_free(&b);

	/* seats from the contest when the rules leave it 0 */
	bx_init(&b, "ABC");
	b.c->seats = 2;
	bx_add_singles(&b, "A5 B4 C3");
	CHECK_INT(bx_count(&b, "block", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "AB");
	bx_free(&b);
	/* neither: one seat */
	bx_init(&b, "ABC");
	bx_add_singles(&b, "A5 B4 C3");
	CHECK_INT(bx_count(&b, "block", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	bx_free(&b);
	/* more seats than candidates standing */
	bx_init(&b, "ABc");
	bx_add_singles(&b, "A5 B4");
	CHECK_INT(bx_count(&b, "block", 3, 1), TELLER_ERULE);
	bx_free(&b);
	/* a withdrawn candidate is never elected; marks for it ignored */
	bx_init(&b, "ABCd");
	bx_add(&b, "d,A", 10);
	bx_add_singles(&b, "B4 C3");
	CHECK_INT(bx_count(&b, "block", 2, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "AB");
	CHECK_INT(bx_votes(&b, 1, 'd'), 0);
	bx_free(&b);
}

static void
boundary(void)
{
	struct bx b;
	int seed, got_b = 0, got_c = 0;
	const char *first = NULL;

	/* bl-04: B and C tie for seat 2: a lot between them only */
	for (seed = 1; seed <= 30; seed++) {
		bx_init(&b, "ABCD");
		bx_add_singles(&b, "A100 B90 C90 D10");
		CHECK_INT(bx_count(&b, "block", 2, (uint64_t)seed), TELLER_OK);
		CHECK_INT(b.r->elected->len, 2);
		CHECK_INT(bx_nties(&b), 1);
		if (bx_nties(&b) == 1) {
			const struct tl_tie *t = bx_tie(&b, 0);
			CHECK_INT(t->how, TL_TIE_LOT);
			CHECK_INT(t->kind, TL_TIEK_ELECT);
			CHECK_INT(t->ntied, 2);
			CHECK_INT(t->tied[0], 1);
			CHECK_INT(t->tied[1], 2);
		}
		CHECK(bx_elected(&b)[0] == 'A', "%s", bx_elected(&b));
		got_b += bx_elected(&b)[1] == 'B';
		got_c += bx_elected(&b)[1] == 'C';
		bx_free(&b);
	}
	CHECK(got_b + got_c == 30 && got_b > 0 && got_c > 0, "B %d C %d",
	    got_b, got_c);
	/* the same seed draws the same lot */
	for (seed = 0; seed < 2; seed++) {
		bx_init(&b, "ABCD");
		bx_add_singles(&b, "A100 B90 C90 D10");
		CHECK_INT(bx_count(&b, "block", 2, 99), TELLER_OK);
		if (first == NULL)
			first = strdup(bx_elected(&b));
		else
			CHECK_STR(bx_elected(&b), first);
		bx_free(&b);
	}
	free((void *)first);

	/* bl-05: tied candidates both within the seats: no lot */
	bx_init(&b, "ABC");
	bx_add_singles(&b, "A100 B100 C50");
	CHECK_INT(bx_count(&b, "block", 2, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "AB");
	CHECK_INT(bx_nties(&b), 0);
	bx_free(&b);

	/* bl-06 (shape of Blackwall & Cubitt Town 2014): a 3-way tie at the
	 * bottom is not at the boundary: no lot (the real data is in
	 * t_uk_data) */
	bx_init(&b, "ABCDEF");
	bx_add_singles(&b, "A956 B877 C875 D872 E11 F11");
	CHECK_INT(bx_count(&b, "block", 3, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "ABC");
	CHECK_INT(bx_nties(&b), 0);
	bx_free(&b);

	/* three tied for the last two seats: two draws, recorded */
	bx_init(&b, "ABCD");
	bx_add_singles(&b, "A9 B5 C5 D5");
	CHECK_INT(bx_count(&b, "block", 3, 4), TELLER_OK);
	CHECK_INT(b.r->elected->len, 3);
	CHECK_INT(bx_nties(&b), 2);
	if (bx_nties(&b) == 2) {
		CHECK_INT(bx_tie(&b, 0)->ntied, 3);
		CHECK_INT(bx_tie(&b, 1)->ntied, 2);
	}
	bx_free(&b);
}

int
main(void)
{
	reference();
	heads();
	papers();
	boundary();
	return h_done();
}
