/* SPDX-License-Identifier: MIT */
/*
 * t_m_irv.c -- instant-runoff / alternative vote: transfers, skipped and
 * repeated ranks, overvotes, rejected papers, and ties for exclusion read
 * forwards as PVSCA 2011 Sch.10 para 7 (PER r.49, r.49A) would have it.
 */
#include <stdlib.h>

#include "harness.h"
#include "tl_int.h"
#include "testlib.h"

/* Reference: the ballot's next preference by the definition, each rank
 * read afresh: -1 none left, -2 an overvote reached. */
static int
ref_pref(const struct bx *b, const struct tl_pat *pat, const bool *cont)
{
	struct tl_rank r, q;
	int i, j;

	for (r = tl_rank_first(b->p, pat); r.cells != NULL;
	    r = tl_rank_next(r)) {
		int live[64], n = 0;
		for (i = 0; i < r.n; i++) {
			int id = r.ids[i];
			bool skip = TL_CAND(b->c, id)->withdrawn;
			for (j = 0; j < n; j++)
				skip |= live[j] == id;
			for (q = tl_rank_first(b->p, pat); q.cells != r.cells;
			    q = tl_rank_next(q))
				for (j = 0; j < q.n; j++)
					skip |= q.ids[j] == id;
			if (!skip)
				live[n++] = id;
		}
		if (n > 1)
			return -2;
		if (n == 1 && cont[live[0]])
			return live[0];
	}
	return -1;
}

/* Reference IRV, recounting every ballot each round. Returns the winner,
 * or -1 if a tie arose (not compared). */
static int
ref_irv(const struct bx *b, long long v[][16], long long *nt, int *nst)
{
	bool cont[16], valid[256];
	int nc = b->c->ncand, s, i, ncont = 0;
	size_t pi;

	for (i = 0; i < nc; i++) {
		cont[i] = !TL_CAND(b->c, i)->withdrawn;
		ncont += cont[i];
	}
	for (s = 0; s < 16; s++) {
		long long live = 0, best = -1, low = -1;
		int top = -1, nlow = 0, lo = -1;

		memset(v[s], 0, sizeof(v[s]));
		nt[s] = 0;
		for (pi = 0; pi < b->p->pats->len; pi++) {
			const struct tl_pat *pat = TL_PAT(b->p, pi);
			int who = ref_pref(b, pat, cont);
			if (s == 0)
				valid[pi] = who >= 0;
			if (who >= 0)
				v[s][who] += pat->w;
			else if (valid[pi])
				nt[s] += pat->w;
		}
		*nst = s + 1;
		for (i = 0; i < nc; i++) {
			if (!cont[i])
				continue;
			live += v[s][i];
			if (v[s][i] > best) {
				best = v[s][i];
				top = i;
			}
		}
		if (ncont == 1 || 2 * best > live)
			return top;
		if (ncont == 2)
			return -1;
		for (i = 0; i < nc; i++) {
			if (!cont[i])
				continue;
			if (low < 0 || v[s][i] < low) {
				low = v[s][i];
				nlow = 1;
				lo = i;
			} else if (v[s][i] == low) {
				nlow++;
			}
		}
		if (nlow > 1)
			return -1;
		cont[lo] = false;
		ncont--;
	}
	return -1;
}

static void
reference(void)
{
	static long long v[16][16], nt[16];
	int iter, compared = 0;

	for (iter = 0; iter < 400; iter++) {
		struct bx b;
		int nst, w, s, i;

		bx_random(&b, iter % 3 ? "ABCDEF" : "ABCDa?", 5 + tt_rnd(40));
		w = ref_irv(&b, v, nt, &nst);
		CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_OK);
		if (b.r != NULL && w >= 0 && bx_nties(&b) == 0) {
			compared++;
			CHECK_INT(bx_nstages(&b), nst);
			CHECK_INT(TL_VEC_AT(b.r->elected, int, 0), w);
			for (s = 0; s < nst && s < bx_nstages(&b); s++) {
				const struct tl_stage *st = TL_STAGE(b.r, s);
				CHECK_INT(st->nontrans, nt[s]);
				for (i = 0; i < b.c->ncand; i++)
					CHECK(st->votes[i] == v[s][i],
					    "iter %d stage %d cand %d: %lld v "
					    "%lld", iter, s + 1, i,
					    (long long)st->votes[i], v[s][i]);
			}
		}
		bx_free(&b);
	}
	CHECK(compared > 100, "only %d compared", compared);
}

static void
transfers(void)
{
	struct bx b;

	/* A 8, B 7, C 5: C excluded, 4 to B, 1 exhausted; B elected */
	bx_init(&b, "ABC");
	bx_add(&b, "A", 8);
	bx_add(&b, "B,A", 7);
	bx_add(&b, "C,B", 3);
	bx_add(&b, "C,,B", 1);    /* skipped rank */
	bx_add(&b, "C", 1);       /* exhausted */
	CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_OK);
	CHECK_STR(b.r->method, "irv");
	CHECK_INT(b.r->valid, 20);
	CHECK_INT(bx_nstages(&b), 2);
	CHECK_INT(TL_STAGE(b.r, 0)->kind, TL_STAGE_FIRST);
	CHECK_INT(TL_STAGE(b.r, 1)->kind, TL_STAGE_EXCLUSION);
	CHECK_INT(TL_STAGE(b.r, 1)->subject, bx_id(&b, 'C'));
	CHECK_INT(TL_STAGE(b.r, 1)->nexcluded, 1);
	CHECK_INT(TL_STAGE(b.r, 0)->nexcluded, 0);
	CHECK_INT(bx_votes(&b, 2, 'A'), 8);
	CHECK_INT(bx_votes(&b, 2, 'B'), 11);
	CHECK_INT(bx_votes(&b, 2, 'C'), 0);
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 1);
	CHECK_STR(bx_elected(&b), "B");
	CHECK_INT(TL_STAGE(b.r, 1)->nelected, 1);
	CHECK_INT(bx_nties(&b), 0);
	CHECK_INT(bx_tally(&b, false, "non-transferable: no further "
	    "preference"), 1);
	bx_free(&b);

	/* a majority of first preferences: one stage */
	bx_init(&b, "ABC");
	bx_add(&b, "A", 6);
	bx_add(&b, "B", 3);
	bx_add(&b, "C", 2);
	CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_OK);
	CHECK_INT(bx_nstages(&b), 1);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(TL_STAGE(b.r, 0)->nelected, 1);
	bx_free(&b);

	/* exactly half is not a majority: A 5, B 3, C 2 */
	bx_init(&b, "ABC");
	bx_add(&b, "A", 5);
	bx_add(&b, "B", 3);
	bx_add(&b, "C,B", 2);
	CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_OK);
	CHECK_INT(bx_nstages(&b), 2);
	/* A 5 v B 5: two left and equal; A had more first preferences */
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(bx_nties(&b), 1);
	if (bx_nties(&b) == 1) {
		CHECK_INT(bx_tie(&b, 0)->kind, TL_TIEK_ELECT);
		CHECK_INT(bx_tie(&b, 0)->how, TL_TIE_EARLIER);
		CHECK_INT(bx_tie(&b, 0)->chosen, bx_id(&b, 'A'));
	}
	bx_free(&b);
}

static void
marks(void)
{
	struct bx b;

	bx_init(&b, "ABCDd?");
	bx_add(&b, "A", 10);
	bx_add(&b, "B", 9);
	bx_add(&b, ",,B", 1);      /* skipped ranks: counts for B */
	bx_add(&b, "d,A", 1);      /* withdrawn skipped: counts for A */
	bx_add(&b, "C,C,B", 2);    /* repeat skipped: goes to B */
	bx_add(&b, "C,A|C", 1);    /* C repeated in an overvote: A */
	bx_add(&b, "C,A|B", 3);    /* overvote: exhausted */
	bx_add(&b, "A|B,C", 4);    /* rejected: two first preferences */
	bx_add(&b, ",A|B", 1);     /* rejected: first live rank overvoted */
	bx_add(&b, "", 2);         /* rejected: no mark */
	bx_add(&b, "d", 1);        /* rejected: only a withdrawn candidate */
	bx_add(&b, "?,A", 1);      /* a write-in is a candidate here */
	bx_add(&b, "D", 1);
	CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_OK);
	CHECK_INT(bx_tally(&b, true, "more than one first preference"), 5);
	CHECK_INT(bx_tally(&b, true, "unmarked or void for uncertainty (no "
	    "preference for a candidate)"), 3);
	CHECK_INT(b.r->valid, 29);
	CHECK_INT(bx_votes(&b, 1, 'A'), 11);
	CHECK_INT(bx_votes(&b, 1, 'B'), 10);
	CHECK_INT(bx_votes(&b, 1, 'C'), 6);
	CHECK_INT(bx_votes(&b, 1, '?'), 1);
	CHECK_INT(bx_votes(&b, 1, 'D'), 1);
	/* stage 1: ? and D tie on 1 with no earlier stage: a lot */
	CHECK(bx_nties(&b) >= 1, "%d ties", bx_nties(&b));
	if (bx_nties(&b) >= 1) {
		CHECK_INT(bx_tie(&b, 0)->how, TL_TIE_LOT);
		CHECK_INT(bx_tie(&b, 0)->stage, 1);
		CHECK_INT(bx_tie(&b, 0)->kind, TL_TIEK_EXCLUDE);
	}
	/* then the other of ? and D (one stage each), then C */
	CHECK_INT(bx_nstages(&b), 4);
	CHECK_INT(TL_STAGE(b.r, 3)->subject, bx_id(&b, 'C'));
	CHECK_INT(bx_votes(&b, 4, 'A'), 13);
	CHECK_INT(bx_votes(&b, 4, 'B'), 12);
	CHECK_INT(TL_STAGE(b.r, 3)->nontrans, 4);
	CHECK_INT(bx_tally(&b, false, "non-transferable: several candidates "
	    "at the next preference"), 3);
	CHECK_STR(bx_elected(&b), "A");
	bx_free(&b);
}

static void
ties(void)
{
	struct bx b;
	int seed, got[2] = { 0, 0 };

	/*
	 * Forward reading of r.49(2): C and D tie at stage 3 (9 each); at
	 * stage 1 C had 7 and D 8, so C goes, although at stage 2 C had
	 * more (9 v 8) and a "most recent stage" reading would exclude D.
	 */
	bx_init(&b, "ABCDEF");
	bx_add(&b, "A", 30);
	bx_add(&b, "B", 25);
	bx_add(&b, "C", 7);
	bx_add(&b, "D", 8);
	bx_add(&b, "E,C", 2);
	bx_add(&b, "F,D", 1);
	bx_add(&b, "F", 2);
	CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_OK);
	CHECK(bx_nstages(&b) >= 4, "%d stages", bx_nstages(&b));
	CHECK_INT(bx_votes(&b, 2, 'C'), 9);
	CHECK_INT(bx_votes(&b, 2, 'D'), 8);
	CHECK_INT(bx_votes(&b, 3, 'C'), 9);
	CHECK_INT(bx_votes(&b, 3, 'D'), 9);
	CHECK_INT(TL_STAGE(b.r, 3)->subject, bx_id(&b, 'C'));
	CHECK_INT(bx_nties(&b), 1);
	if (bx_nties(&b) == 1) {
		const struct tl_tie *t = bx_tie(&b, 0);
		CHECK_INT(t->how, TL_TIE_EARLIER);
		CHECK_INT(t->kind, TL_TIEK_EXCLUDE);
		CHECK_INT(t->chosen, bx_id(&b, 'C'));
		CHECK_INT(t->stage, 3);
	}
	bx_free(&b);

	/* two candidates, equal: r.49A(3) lot */
	for (seed = 1; seed <= 30; seed++) {
		bx_init(&b, "AB");
		bx_add(&b, "A", 5);
		bx_add(&b, "B", 5);
		CHECK_INT(bx_count(&b, "irv", 0, (uint64_t)seed), TELLER_OK);
		CHECK_INT(bx_nties(&b), 1);
		if (bx_nties(&b) == 1) {
			CHECK_INT(bx_tie(&b, 0)->how, TL_TIE_LOT);
			CHECK_INT(bx_tie(&b, 0)->kind, TL_TIEK_ELECT);
			CHECK_INT(bx_tie(&b, 0)->chosen,
			    TL_VEC_AT(b.r->elected, int, 0));
		}
		got[TL_VEC_AT(b.r->elected, int, 0)]++;
		bx_free(&b);
	}
	CHECK(got[0] > 0 && got[1] > 0, "A %d B %d", got[0], got[1]);
}

static void
misc(void)
{
	struct bx b;

	bx_init(&b, "AB");
	bx_add(&b, "A", 1);
	CHECK_INT(bx_count(&b, "irv", 2, 1), TELLER_EINVAL);
	bx_free(&b);
	bx_init(&b, "ab");
	CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_ERULE);
	bx_free(&b);
	/* nothing valid: no winner from nothing; the count stops */
	bx_init(&b, "ABC");
	bx_add(&b, "", 3);
	CHECK_INT(bx_count(&b, "irv", 0, 5), TELLER_ESTOP);
	CHECK(b.r == NULL, "no result");
	CHECK(strstr(teller_errmsg(b.ctx), "all 3 papers rejected") != NULL,
	    "%s", teller_errmsg(b.ctx));
	bx_free(&b);
	/* one candidate */
	bx_init(&b, "A");
	bx_add(&b, "A", 3);
	CHECK_INT(bx_count(&b, "irv", 0, 5), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	bx_free(&b);
	/* weighted at 2 dp */
	bx_init(&b, "ABC");
	if (tl_profile_set_wdp(b.ctx, b.p, 2) != TELLER_OK)
		abort();
	bx_add(&b, "A", 450);
	bx_add(&b, "B", 400);
	bx_add(&b, "C,B", 101);
	bx_add(&b, "C", 49);
	CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_OK);
	CHECK_INT(b.r->dp, 2);
	CHECK_INT(bx_votes(&b, 2, 'B'), 501);
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 49);
	CHECK_STR(bx_elected(&b), "B");
	bx_free(&b);
	/* a long chain: 12 candidates, each excluded in turn */
	{
		const char *names = "ABCDEFGHIJKL";
		char spec[32];
		int i;

		bx_init(&b, names);
		for (i = 0; i < 12; i++) {
			int n = 0, j;
			for (j = i; j < 12; j++) {
				spec[n++] = names[j];
				spec[n++] = ',';
			}
			spec[n - 1] = '\0';
			bx_add(&b, spec, 100 + i);
		}
		CHECK_INT(bx_count(&b, "irv", 0, 1), TELLER_OK);
		/* exclusions A C E G I K B F J D pass every paper on
		 * (none exhausts); H then has 828 of 1266 */
		CHECK_STR(bx_elected(&b), "H");
		CHECK_INT(bx_votes(&b, 11, 'H'), 828);
		CHECK_INT(bx_nstages(&b), 11);
		CHECK_INT(TL_STAGE(b.r, 10)->nontrans, 0);
		bx_free(&b);
	}
}

int
main(void)
{
	reference();
	transfers();
	marks();
	ties();
	misc();
	return h_done();
}
