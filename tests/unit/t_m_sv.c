/* SPDX-License-Identifier: MIT */
/*
 * t_m_sv.c -- the statutory Supplementary Vote (LGA 2000 Sch.2; MER 2007
 * Sch.1 rr.48, 51, 52): every case of shared/data/uk/sv_edge_cases.json
 * (ballot_cases sv-01..11, stage_cases st-01..08) written out as a test,
 * plus the statutory tallies and conservation.
 */
#include <stdlib.h>

#include "harness.h"
#include "oom.h"
#include "uk_paper.h"
#include "tl_int.h"
#include "testlib.h"

/* Reference: the column (rank index col) of pat: distinct standing
 * candidates into ids, uncertain (write-in) marks into *u. */
static int
ref_col(const struct bx *b, const struct tl_pat *pat, int col, int *ids,
    int *u)
{
	struct tl_rank r;
	int k = 0, i, j, rank = 0;

	*u = 0;
	for (r = tl_rank_first(b->p, pat); r.cells != NULL;
	    r = tl_rank_next(r), rank++) {
		if (rank != col)
			continue;
		for (i = 0; i < r.n; i++) {
			const struct tl_cand *cd = TL_CAND(b->c, r.ids[i]);
			bool dup = false;
			if (cd->withdrawn)
				continue;
			if (cd->writein) {
				(*u)++;
				continue;
			}
			for (j = 0; j < k; j++)
				dup |= ids[j] == r.ids[i];
			if (!dup)
				ids[k++] = r.ids[i];
		}
	}
	return k;
}

/* Reference SV. Returns the winner, or -1 on a tie (not compared). */
static int
ref_sv(const struct bx *b, long long *s1, long long *s2, long long *nt,
    int *nst)
{
	int nc = b->c->ncand, i, ids[64], u, nstand = 0, top = -1;
	long long valid = 0, hi = -1, second = -1, best = -1;
	bool rem[16];
	size_t pi;

	memset(s1, 0, 16 * sizeof(*s1));
	memset(s2, 0, 16 * sizeof(*s2));
	*nt = 0;
	for (i = 0; i < nc; i++)
		nstand += !TL_CAND(b->c, i)->withdrawn &&
		    !TL_CAND(b->c, i)->writein;
	for (pi = 0; pi < b->p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(b->p, pi);
		if (ref_col(b, pat, 0, ids, &u) == 1 && u == 0) {
			s1[ids[0]] += pat->w;
			valid += pat->w;
		}
	}
	*nst = 1;
	for (i = 0; i < nc; i++)
		if (s1[i] > hi) {
			hi = s1[i];
			top = i;
		}
	if (nstand <= 2 || 2 * hi > valid) {
		for (i = 0; i < nc; i++)
			if (i != top && s1[i] == hi &&
			    !TL_CAND(b->c, i)->withdrawn &&
			    !TL_CAND(b->c, i)->writein)
				return -1;
		return top;
	}
	{
		int ntop = 0;
		for (i = 0; i < nc; i++) {
			bool st = !TL_CAND(b->c, i)->withdrawn &&
			    !TL_CAND(b->c, i)->writein;
			if (st && s1[i] == hi)
				ntop++;
			else if (st && s1[i] > second)
				second = s1[i];
		}
		for (i = 0; i < nc; i++)
			rem[i] = !TL_CAND(b->c, i)->withdrawn &&
			    !TL_CAND(b->c, i)->writein && (s1[i] == hi ||
			    (ntop == 1 && s1[i] == second));
	}
	for (i = 0; i < nc; i++)
		s2[i] = rem[i] ? s1[i] : 0;
	for (pi = 0; pi < b->p->pats->len; pi++) {
		const struct tl_pat *pat = TL_PAT(b->p, pi);
		int a, k;
		if (ref_col(b, pat, 0, ids, &u) != 1 || u != 0)
			continue;
		a = ids[0];
		if (rem[a])
			continue;
		k = ref_col(b, pat, 1, ids, &u);
		if (k == 1 && u == 0 && ids[0] != a && rem[ids[0]])
			s2[ids[0]] += pat->w;
		else
			*nt += pat->w;
	}
	*nst = 2;
	top = -1;
	for (i = 0; i < nc; i++)
		if (rem[i] && s2[i] > best) {
			best = s2[i];
			top = i;
		}
	for (i = 0; i < nc; i++)
		if (rem[i] && i != top && s2[i] == best)
			return -1;
	return top;
}

static void
reference(void)
{
	long long s1[16], s2[16], nt;
	int iter, compared = 0, two = 0;

	for (iter = 0; iter < 600; iter++) {
		struct bx b;
		int nst, w, i;
		const char *names = iter % 4 == 0 ? "ABCa?" : iter % 4 == 1 ?
		    "ABc" : "ABCDE";

		bx_random(&b, names, 3 + tt_rnd(40));
		w = ref_sv(&b, s1, s2, &nt, &nst);
		i = bx_count(&b, "sv", 0, 1);
		/* no valid paper: no winner from nothing */
		CHECK_INT(i, b.r == NULL && strstr(teller_errmsg(b.ctx),
		    "no valid paper") != NULL ? TELLER_ESTOP : TELLER_OK);
		if (b.r != NULL && w >= 0) {
			compared++;
			two += nst == 2;
			CHECK_INT(bx_nties(&b), 0);
			CHECK_INT(bx_nstages(&b), nst);
			CHECK_INT(TL_VEC_AT(b.r->elected, int, 0), w);
			for (i = 0; i < b.c->ncand; i++)
				CHECK(TL_STAGE(b.r, 0)->votes[i] == s1[i],
				    "iter %d cand %d", iter, i);
			if (nst == 2 && bx_nstages(&b) == 2) {
				CHECK_INT(TL_STAGE(b.r, 1)->nontrans, nt);
				for (i = 0; i < b.c->ncand; i++)
					CHECK(TL_STAGE(b.r, 1)->votes[i] ==
					    s2[i], "iter %d cand %d", iter, i);
			}
		}
		bx_free(&b);
	}
	CHECK(compared > 200 && two > 100, "compared %d (%d at stage 2)",
	    compared, two);
}

/* examples/tower-hamlets-2014/ballots.csv (tests run from the repo root)
 * must reproduce the published 2014 count exactly. */
static void
demo(void)
{
	static const char path[] = "examples/tower-hamlets-2014/ballots.csv";
	static const struct {
		const char *name;
		long long first, final;
	} want[] = {
		{ "Reetendra Nath BANERJI", 1959, 0 },
		{ "John BIGGS", 27643, 34143 },
		{ "Reza Shoaib CHOUDHURY", 205, 0 },
		{ "Hafiz Abdul KADIR", 162, 0 },
		{ "Mohammed Kowaj Ali KHAN", 164, 0 },
		{ "Nicholas MCQUEEN", 4819, 0 },
		{ "Hugo PIERRE", 871, 0 },
		{ "Lutfur RAHMAN", 36539, 37395 },
		{ "Chris SMITH", 4699, 0 },
		{ "Christopher WILFORD", 7173, 0 },
	};
	size_t len = 0;
	char *buf = tt_slurp(path, &len);
	teller_ctx *ctx;
	teller_contest *c;
	teller_profile *p;
	teller_result *r = NULL;
	teller_rules ru;
	size_t i;
	int rc;

	CHECK(buf != NULL, "%s: cannot read (run from the repo root)", path);
	if (buf == NULL)
		return;
	if (teller_ctx_new(NULL, &ctx) != TELLER_OK)
		abort();
	rc = teller_read(ctx, TELLER_FMT_AUTO, path, buf, len, &c, &p);
	CHECK(rc == TELLER_OK, "%s", teller_errmsg(ctx));
	if (rc == TELLER_OK) {
		teller_rules_init(&ru, "sv");
		rc = teller_count(ctx, c, p, &ru, &r);
		CHECK(rc == TELLER_OK, "%s", teller_errmsg(ctx));
	}
	if (r != NULL) {
		CHECK_INT(c->ncand, 10);
		CHECK_STR(c->title, "Mayor of Tower Hamlets, 22 May 2014");
		CHECK_INT(p->total, 86540);
		CHECK_INT(r->valid, 84234);
		CHECK_INT(r->stages->len, 2);
		for (i = 0; i < sizeof(want) / sizeof(want[0]) &&
		    r->stages->len == 2 && c->ncand == 10; i++) {
			CHECK_STR(TL_CAND(c, i)->name, want[i].name);
			CHECK_INT(TL_STAGE(r, 0)->votes[i], want[i].first);
			CHECK_INT(TL_STAGE(r, 1)->votes[i], want[i].final);
		}
		CHECK_STR(TL_CAND(c, 7)->party, "Tower Hamlets First");
		if (r->stages->len == 2)
			CHECK_INT(TL_STAGE(r, 1)->nontrans, 12696);
		CHECK_STR(teller_result_elected(r, 0), "Lutfur RAHMAN");
		{
			const struct tl_vec *v = r->rejected;
			long long rej = 0;
			for (i = 0; i < v->len; i++)
				rej += TL_VEC_AT(v, struct tl_tally, i).n;
			CHECK_INT(rej, 2306);
		}
	}
	teller_ctx_free(ctx);
	free(buf);
}

/* Under TELLER_OOM=1: each allocation of a count failing in turn gives
 * TELLER_ENOMEM cleanly, for all four UK methods. */
static int
oom_count(teller_ctx *ctx, void *arg)
{
	static const char *const spec[] = { "A", "B,A", "C,B", "C,C", "D,A|B",
		"A|B", "", "C,D,A", NULL };
	const char *method = arg;
	struct teller_contest *c = tl_contest_new(ctx);
	struct teller_profile *p;
	teller_result *r;
	teller_rules ru;
	int i, rc;

	if (c == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < 4; i++)
		if (tl_contest_add(ctx, c, &"ABCD"[i], 1, NULL, 0) < 0)
			return TELLER_ENOMEM;
	if ((p = tl_profile_new(ctx, 4)) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; spec[i] != NULL; i++)
		if ((rc = tt_add_letters(ctx, c, p, spec[i], 10 + i)) !=
		    TELLER_OK)
			return rc;
	teller_rules_init(&ru, method);
	ru.seats = strcmp(method, "block") == 0 ? 2 : 0;
	return teller_count(ctx, c, p, &ru, &r);
}

static void
oom(void)
{
	static const char *const methods[] = { "sv", "fptp", "block", "irv",
		NULL };
	int i;

	for (i = 0; methods[i] != NULL; i++) {
		if (oom_enabled())
			oom_loop(methods[i], oom_count, (void *)methods[i]);
		else
			CHECK_INT(oom_run_fn(oom_count, (void *)methods[i], 0,
			    NULL), TELLER_OK);
	}
}

/* Classify the one pattern spec on candidates ABCD? with flags. */
static struct tl_uk_sv_paper
paper(const char *spec, unsigned flags)
{
	struct bx b;
	struct tl_uk_seen s;
	struct tl_uk_sv_paper pp;

	bx_init(&b, "ABCD?");
	bx_add(&b, spec, 1);
	if (tl_uk_seen_init(b.ctx, &s, b.c->ncand) != TELLER_OK ||
	    tl_uk_sv_paper(b.ctx, b.c, b.p, TL_PAT(b.p, 0), flags, &s,
	    &pp) != 0)
		abort();
	bx_free(&b);
	return pp;
}

/* Remaining set from letters. */
static void
remain_of(bool *rem, const char *letters)
{
	int i;

	for (i = 0; i < 5; i++)
		rem[i] = false;
	for (; *letters; letters++)
		rem[*letters - 'A'] = true;
}

static void
ballot_cases(void)
{
	struct tl_uk_sv_paper pp;
	bool rem[5];

	/* sv-01: F={A}, S={B}: para 3(5) */
	pp = paper("A,B", 0);
	CHECK_INT(pp.first_head, TL_UK_VALID);
	CHECK_INT(pp.first, 0);
	CHECK_INT(pp.second_head, TL_UK_VALID);
	CHECK_INT(pp.second, 1);
	remain_of(rem, "AB");
	CHECK_INT(tl_uk_sv_fate(&pp, rem), TL_SVX_REMAINS);
	remain_of(rem, "BC");
	CHECK_INT(tl_uk_sv_fate(&pp, rem), TL_SVX_TRANSFER);
	remain_of(rem, "CD");
	CHECK_INT(tl_uk_sv_fate(&pp, rem), TL_SVX_ELIMINATED);

	/* sv-02: F={A}, S={}: unused, unmarked (r.48(3)) */
	pp = paper("A", 0);
	CHECK_INT(pp.first_head, TL_UK_VALID);
	CHECK_INT(pp.second_head, TL_UK_UNMARKED);
	pp = paper("A,", 0);
	CHECK_INT(pp.first_head, TL_UK_VALID);
	CHECK_INT(pp.second_head, TL_UK_UNMARKED);
	remain_of(rem, "BC");
	CHECK_INT(tl_uk_sv_fate(&pp, rem), TL_SVX_UNMARKED);

	/* sv-03: F={}, S={B}: whole paper rejected, r.48(1)(d), r.52(2) */
	pp = paper(",B", 0);
	CHECK_INT(pp.first_head, TL_UK_UNCERTAIN);
	CHECK_INT(pp.first, -1);

	/* sv-04: F={A}, S={A}: same as first, never transferred */
	pp = paper("A,A", 0);
	CHECK_INT(pp.first_head, TL_UK_VALID);
	CHECK_INT(pp.second_head, TL_UK_SAME);
	remain_of(rem, "BC");
	CHECK_INT(tl_uk_sv_fate(&pp, rem), TL_SVX_SAME);
	remain_of(rem, "AB");
	CHECK_INT(tl_uk_sv_fate(&pp, rem), TL_SVX_REMAINS);

	/* sv-05: F={A,B}, S={C}: more than one first preference */
	pp = paper("A|B,C", 0);
	CHECK_INT(pp.first_head, TL_UK_TOO_MANY);
	CHECK_INT(pp.second_head, TL_UK_UNMARKED);

	/* sv-06: F={A}, S={B,C}: first valid, second rejected */
	pp = paper("A,B|C", 0);
	CHECK_INT(pp.first_head, TL_UK_VALID);
	CHECK_INT(pp.second_head, TL_UK_TOO_MANY);
	remain_of(rem, "BC");
	CHECK_INT(tl_uk_sv_fate(&pp, rem), TL_SVX_TOO_MANY);

	/* sv-07: F={A}, S=? (illegible): second void for uncertainty */
	pp = paper("A,?", 0);
	CHECK_INT(pp.first_head, TL_UK_VALID);
	CHECK_INT(pp.second_head, TL_UK_UNCERTAIN);
	remain_of(rem, "BC");
	CHECK_INT(tl_uk_sv_fate(&pp, rem), TL_SVX_UNCERTAIN);

	/* sv-08: no official mark: r.48(1)(a) */
	pp = paper("A,B", TL_PAPER_NO_OFFICIAL_MARK);
	CHECK_INT(pp.first_head, TL_UK_NO_OFFICIAL);
	CHECK_INT(pp.first, -1);

	/* sv-09: identifying writing: r.48(1)(c) */
	pp = paper("A,B", TL_PAPER_IDENTIFYING);
	CHECK_INT(pp.first_head, TL_UK_IDENTIFYING);
	/* heads in the order of r.48(1): (b) before (c) */
	pp = paper("A|B", TL_PAPER_IDENTIFYING);
	CHECK_INT(pp.first_head, TL_UK_TOO_MANY);

	/* sv-10: an informal mark whose intention is clear is a mark
	 * (r.48(2)); the adjudicated paper reads as F={A} */
	pp = paper("A", 0);
	CHECK_INT(pp.first_head, TL_UK_VALID);
	CHECK_INT(pp.first, 0);

	/* sv-11: F={}, S={}: unmarked */
	pp = paper("", 0);
	CHECK_INT(pp.first_head, TL_UK_UNMARKED);
	pp = paper(",", 0);
	CHECK_INT(pp.first_head, TL_UK_UNMARKED);

	/* more: an uncertain first mark, a clear mark beside an uncertain
	 * one, rank 3 never read, a repeated mark in one column */
	pp = paper("?,B", 0);
	CHECK_INT(pp.first_head, TL_UK_UNCERTAIN);
	pp = paper("A|?,B", 0);
	CHECK_INT(pp.first_head, TL_UK_UNCERTAIN);
	pp = paper("A,,B", 0);
	CHECK_INT(pp.second_head, TL_UK_UNMARKED);
	pp = paper("A|A,B|B", 0);
	CHECK_INT(pp.first_head, TL_UK_VALID);
	CHECK_INT(pp.second_head, TL_UK_VALID);
	CHECK_INT(pp.second, 1);
}

/* The ids of the candidates excluded at stage 2, as letters. */
static const char *
excluded_at(const struct bx *b, int stage)
{
	static char buf[16];
	const struct tl_stage *st;
	int i;

	buf[0] = '\0';
	if (b->r == NULL || stage > bx_nstages(b))
		return "(no stage)";
	st = TL_STAGE(b->r, stage - 1);
	for (i = 0; i < st->nexcluded && i < 15; i++)
		buf[i] = TL_CAND(b->c, st->excluded[i])->name[0];
	buf[i] = '\0';
	return buf;
}

static void
stage_cases(void)
{
	struct bx b;
	int seed, won_a = 0, won_b = 0;

	/* st-01: exactly half is not more than half (para 2) */
	bx_init(&b, "ABC");
	bx_add_singles(&b, "A50 B30 C20");
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_INT(bx_nstages(&b), 2);
	CHECK_INT(TL_STAGE(b.r, 0)->kind, TL_STAGE_FIRST);
	CHECK_INT(TL_STAGE(b.r, 0)->nelected, 0);
	CHECK_INT(TL_STAGE(b.r, 1)->kind, TL_STAGE_SECOND);
	CHECK_STR(excluded_at(&b, 2), "C");
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(TL_STAGE(b.r, 1)->nelected, 1);
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 20);
	CHECK_INT(bx_votes(&b, 2, 'C'), 0);
	bx_free(&b);

	/* st-02: 51% elected at stage 1 */
	bx_init(&b, "ABC");
	bx_add_singles(&b, "A51 B30 C19");
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_INT(bx_nstages(&b), 1);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(TL_STAGE(b.r, 0)->nelected, 1);
	CHECK_INT(b.r->valid, 100);
	bx_free(&b);

	/* st-03: tie for second, all tied remain, no lot (para 3(3)) */
	bx_init(&b, "ABCD");
	bx_add_singles(&b, "A40 B25 C25 D10");
	bx_add(&b, "D,B", 3);
	bx_add(&b, "D,C", 4);
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_INT(bx_nstages(&b), 2);
	CHECK_STR(excluded_at(&b, 2), "D");
	CHECK_INT(bx_votes(&b, 2, 'B'), 28);
	CHECK_INT(bx_votes(&b, 2, 'C'), 29);
	CHECK_INT(bx_votes(&b, 2, 'A'), 40);
	CHECK_INT(bx_nties(&b), 0);
	CHECK_STR(bx_elected(&b), "A");
	bx_free(&b);

	/* st-04: three-way tie for first: all three remain */
	bx_init(&b, "ABCD");
	bx_add_singles(&b, "A30 B30 C30 D10");
	bx_add(&b, "D,C", 1);
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_STR(excluded_at(&b, 2), "D");
	CHECK_INT(bx_votes(&b, 2, 'C'), 31);
	CHECK_STR(bx_elected(&b), "C");
	CHECK_INT(bx_nties(&b), 0);
	bx_free(&b);

	/* st-05: totals A45 B45 after transfers: lot (para 3(8)) */
	for (seed = 1; seed <= 40; seed++) {
		bx_init(&b, "ABC");
		bx_add_singles(&b, "A45 B40 C10");
		bx_add(&b, "C,B", 5);
		CHECK_INT(bx_count(&b, "sv", 0, (uint64_t)seed), TELLER_OK);
		CHECK_INT(bx_votes(&b, 2, 'A'), 45);
		CHECK_INT(bx_votes(&b, 2, 'B'), 45);
		CHECK_INT(bx_nties(&b), 1);
		if (bx_nties(&b) == 1) {
			const struct tl_tie *t = bx_tie(&b, 0);
			CHECK_INT(t->how, TL_TIE_LOT);
			CHECK_INT(t->kind, TL_TIEK_ELECT);
			CHECK_INT(t->ntied, 2);
			CHECK_INT(t->stage, 2);
			CHECK_INT(t->chosen, b.r->elected->len ?
			    TL_VEC_AT(b.r->elected, int, 0) : -9);
		}
		won_a += strcmp(bx_elected(&b), "A") == 0;
		won_b += strcmp(bx_elected(&b), "B") == 0;
		bx_free(&b);
	}
	CHECK(won_a + won_b == 40, "%d + %d", won_a, won_b);
	CHECK(won_a > 0 && won_b > 0, "lot never chose one: A %d B %d",
	    won_a, won_b);

	/* st-06: plurality of totals suffices; 10 of C's exhausted */
	bx_init(&b, "ABC");
	bx_add_singles(&b, "A45 B40 C10");
	bx_add(&b, "C,A", 1);
	bx_add(&b, "C,B", 4);
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_INT(bx_votes(&b, 2, 'A'), 46);
	CHECK_INT(bx_votes(&b, 2, 'B'), 44);
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 10);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(bx_nties(&b), 0);
	bx_free(&b);

	/* st-07: two candidates only, equal: lot (MER r.51(5)), one stage,
	 * the second column never read */
	for (seed = 1; seed <= 3; seed++) {
		bx_init(&b, "AB");
		bx_add(&b, "A,B", 100);
		bx_add(&b, "B", 100);
		CHECK_INT(bx_count(&b, "sv", 0, (uint64_t)seed), TELLER_OK);
		CHECK_INT(bx_nstages(&b), 1);
		CHECK_INT(bx_nties(&b), 1);
		CHECK_INT(b.r->elected->len, 1);
		bx_free(&b);
	}
	/* two candidates, simple majority (not more than half needed) */
	bx_init(&b, "ABCc");
	bx_add(&b, "A", 100);
	bx_add(&b, "B", 99);
	bx_add(&b, "c", 500); /* withdrawn: reads as unmarked */
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_STR(bx_elected(&b), "A");
	bx_free(&b);

	/* st-08 (after Bedfordshire PCC 2021): the runner-up gets more
	 * transfers (8,107 v 8,093) and still loses on totals. The first
	 * preferences here are made up; the transfers are the real ones. */
	bx_init(&b, "WRX");
	bx_add_singles(&b, "W60000 R52000 X30000");
	bx_add(&b, "X,W", 8093);
	bx_add(&b, "X,R", 8107);
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_INT(bx_votes(&b, 2, 'W'), 68093);
	CHECK_INT(bx_votes(&b, 2, 'R'), 60107);
	CHECK_STR(bx_elected(&b), "W");
	bx_free(&b);
}

/* Every statutory count on one profile; conservation at each stage. */
static void
tallies(void)
{
	struct bx b;

	bx_init(&b, "ABCD?");
	bx_add(&b, "A", 40);
	bx_add(&b, "B,A", 30);
	bx_add(&b, "C,A", 7);     /* transferred to A */
	bx_add(&b, "C,B,A", 5);   /* to B; rank 3 unread */
	bx_add(&b, "C", 4);       /* second unmarked */
	bx_add(&b, "C,C", 3);     /* same as first */
	bx_add(&b, "C,D", 2);     /* for an eliminated candidate */
	bx_add(&b, "D,A|B", 6);   /* rejected on second: too many */
	bx_add(&b, "D,?", 1);     /* rejected on second: uncertain */
	bx_add(&b, "A|B,C", 9);   /* rejected: two first preferences */
	bx_add(&b, ",A", 2);      /* rejected: void for uncertainty */
	bx_add(&b, "", 3);        /* rejected: unmarked */
	bx_add(&b, "?", 1);       /* rejected: void for uncertainty */
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_INT(b.r->valid, 98);
	CHECK_INT(bx_votes(&b, 1, 'A'), 40);
	CHECK_INT(bx_votes(&b, 1, 'B'), 30);
	CHECK_INT(bx_votes(&b, 1, 'C'), 21);
	CHECK_INT(bx_votes(&b, 1, 'D'), 7);
	CHECK_INT(bx_votes(&b, 2, 'A'), 47);
	CHECK_INT(bx_votes(&b, 2, 'B'), 35);
	CHECK_INT(bx_votes(&b, 2, 'C'), 0);
	CHECK_INT(TL_STAGE(b.r, 1)->nontrans, 16);
	CHECK_STR(bx_elected(&b), "A");
	CHECK_INT(bx_tally(&b, true, "voting for more than one candidate as "
	    "to the first preference vote"), 9);
	CHECK_INT(bx_tally(&b, true, "unmarked or void for uncertainty as to "
	    "the first preference vote"), 6);
	CHECK_INT(bx_tally(&b, false, "rejected first preference, of which "
	    "unmarked"), 3);
	CHECK_INT(bx_tally(&b, false, "rejected first preference, of which "
	    "void for uncertainty"), 3);
	CHECK_INT(bx_tally(&b, false, "not transferred: second preference "
	    "unmarked"), 4);
	CHECK_INT(bx_tally(&b, false, "not transferred: second preference "
	    "same as first"), 3);
	CHECK_INT(bx_tally(&b, false, "not transferred: second preference for "
	    "an eliminated candidate"), 2);
	CHECK_INT(bx_tally(&b, false, "not transferred: rejected on second "
	    "preference, voting for too many"), 6);
	CHECK_INT(bx_tally(&b, false, "not transferred: rejected on second "
	    "preference, void for uncertainty"), 1);
	CHECK_STR(excluded_at(&b, 2), "CD");
	CHECK_INT(TL_STAGE(b.r, 1)->subject, -1);
	bx_free(&b);

	/* weighted ballots at 2 decimal places */
	bx_init(&b, "ABC");
	if (tl_profile_set_wdp(b.ctx, b.p, 2) != TELLER_OK)
		abort();
	bx_add(&b, "A", 4050);
	bx_add(&b, "B", 3025);
	bx_add(&b, "C,B", 2925);
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_OK);
	CHECK_INT(b.r->dp, 2);
	CHECK_INT(bx_votes(&b, 2, 'B'), 5950);
	CHECK_STR(bx_elected(&b), "B");
	CHECK_INT(TL_STAGE(b.r, 1)->subject, 2);
	bx_free(&b);
}

static void
errors(void)
{
	struct bx b;

	bx_init(&b, "ABC");
	bx_add(&b, "A", 1);
	CHECK_INT(bx_count(&b, "sv", 2, 1), TELLER_EINVAL);
	bx_free(&b);
	bx_init(&b, "ab");
	bx_add(&b, "a", 1);
	CHECK_INT(bx_count(&b, "sv", 0, 1), TELLER_ERULE);
	bx_free(&b);
	/* strict: a third preference is not on an SV paper */
	bx_init(&b, "ABC");
	bx_add(&b, "A,B,C", 1);
	bx_add(&b, "B", 1);
	{
		teller_rules ru;
		teller_rules_init(&ru, "sv");
		ru.strict = 1;
		CHECK_INT(teller_count(b.ctx, b.c, b.p, &ru, &b.r),
		    TELLER_ERULE);
		teller_errclear(b.ctx);
		ru.strict = 0;
		CHECK_INT(teller_count(b.ctx, b.c, b.p, &ru, &b.r),
		    TELLER_OK);
	}
	bx_free(&b);
	/* no valid paper at all: no winner from nothing (exit 4) */
	bx_init(&b, "ABC");
	bx_add(&b, "", 5);
	CHECK_INT(bx_count(&b, "sv", 0, 7), TELLER_ESTOP);
	CHECK(b.r == NULL, "no result");
	CHECK(strstr(teller_errmsg(b.ctx), "all 5 papers rejected (5 "
	    "unmarked") != NULL, "%s", teller_errmsg(b.ctx));
	bx_free(&b);
}

int
main(void)
{
	reference();
	ballot_cases();
	stage_cases();
	tallies();
	errors();
	demo();
	oom();
	return h_done();
}
