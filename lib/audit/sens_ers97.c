/* SPDX-License-Identifier: MIT */
/*
 * sens_ers97.c -- rounding sensitivity for stv-ers97 (audit.md 7): the
 * ERS97 count again, in GMP's exact fractions, compared with the
 * statutory count of m_stv_ers97.c. ERS97 (stv.md 3) rounds in three
 * places, all in hundredths: the quota and the threshold are rounded up
 * (5.1.6, 5.1.7(b)), and a surplus's transfer value is rounded down
 * (5.3.7, "remainder ignored"). Here the quota is the valid vote less
 * the non-transferable over places + 1, the threshold the active vote
 * over places left + 1, and the transfer value surplus / papers, each
 * an exact fraction; every other step (the last parcel only, deferred
 * surpluses, sure losers, sub-stages by transfer value, ties by the
 * earliest differing stage) follows the method's rules as written.
 *
 * It shares no arithmetic with m_stv_ers97.c: it reads the clean
 * preference lists (tl_stv_prepare, as every STV method does) and the
 * statutory result only to compare with it and to let a lot fall the
 * way the statutory count's did. With statutory set it rounds in
 * hundredths as the rules do, and must then agree with stv-ers97 to the
 * last place: the unit tests' self-check of this file.
 */
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "sens.h"
#include "sens_stv.h"
#include "stv.h"

#define ERS_DP 2

struct er {
	teller_ctx *ctx;
	const struct teller_result *r; /* the statutory count */
	struct stv_ballots b;
	bool fixed;          /* round in hundredths, as the rules do */
	int ncand, seats, nwin, ncont;
	bool first_elim;
	int *state;          /* enum stv_state */
	bool *over;          /* elected, surplus not yet transferred */
	bool *used;          /* [r->ties->len] statutory lots followed */
	mpq_t *cnt;          /* [ncand] votes now */
	mpq_t *tv;           /* [b.n] each ballot's value */
	size_t ntv;          /* tv[0..ntv) initialised */
	int *cur;            /* [b.n] holder, or -1 */
	struct tl_vec **held, **last, **fresh; /* of uint32_t */
	mpq_t quota, thresh, surplus, nontrans, t;
	int *tmp, *tmp2, *tmp3;
	bool *mark;
	struct tl_sens_run run;
};

/* q rounded to ERS_DP places, up or down (q >= 0), when fixed. */
static void
hundredths(const struct er *e, mpq_t q, bool up)
{
	mpz_t p;

	if (!e->fixed)
		return;
	mpz_init(p);
	mpz_ui_pow_ui(p, 10, ERS_DP);
	mpz_mul(mpq_numref(q), mpq_numref(q), p);
	if (up)
		mpz_cdiv_q(mpq_numref(q), mpq_numref(q), mpq_denref(q));
	else
		mpz_fdiv_q(mpq_numref(q), mpq_numref(q), mpq_denref(q));
	mpz_set(mpq_denref(q), p);
	mpq_canonicalize(q);
	mpz_clear(p);
}

/* acc += n * v */
static void
addmul(struct er *e, mpq_t acc, int64_t n, const mpq_t v)
{
	mpq_set_si(e->t, (long)n, 1);
	mpq_mul(e->t, e->t, v);
	mpq_add(acc, acc, e->t);
}

static bool
cont(const struct er *e, int i)
{
	return e->state[i] == STV_HOPEFUL;
}

static bool
done(const struct er *e)
{
	return e->nwin == e->seats || e->ncont + e->nwin <= e->seats;
}

static int
next_pref(const struct er *e, uint32_t k)
{
	uint32_t j;

	for (j = e->b.off[k]; j < e->b.off[k + 1]; j++)
		if (cont(e, e->b.ids[j]))
			return e->b.ids[j];
	return -1;
}

static int
give(struct er *e, uint32_t k, int d)
{
	e->cur[k] = d;
	if (tl_vec_push(e->ctx, e->held[d], &k) == NULL ||
	    tl_vec_push(e->ctx, e->fresh[d], &k) == NULL)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* What each candidate has just received becomes its last parcel. */
static void
close_parcels(struct er *e)
{
	int i;

	for (i = 0; i < e->ncand; i++) {
		struct tl_vec *x = e->last[i];
		if (e->fresh[i]->len == 0)
			continue;
		e->last[i] = e->fresh[i];
		e->fresh[i] = x;
		x->len = 0;
	}
}

/* The totals of everyone still holding papers; a winner whose surplus
 * has gone keeps the quota. */
static void
recount(struct er *e)
{
	int i;

	for (i = 0; i < e->ncand; i++) {
		struct tl_vec *h = e->held[i];
		size_t j, n = 0;

		if (e->state[i] == STV_WITHDRAWN ||
		    (e->state[i] == STV_ELECTED && !e->over[i]))
			continue;
		mpq_set_ui(e->cnt[i], 0, 1);
		for (j = 0; j < h->len; j++) {
			uint32_t k = TL_VEC_AT(h, uint32_t, j);
			if (e->cur[k] != i)
				continue;
			TL_VEC_AT(h, uint32_t, n++) = k;
			addmul(e, e->cnt[i], e->b.w[k], e->tv[k]);
		}
		h->len = n;
	}
}

/* 5.1.6, 5.4.8: the quota, until the first election; 5.1.7(b): the
 * threshold. Exact fractions, or rounded up to hundredths. */
static void
thresholds(struct er *e)
{
	mpq_t all;
	int i, rem = e->seats - e->nwin;

	mpq_init(all);
	for (i = 0; i < e->ncand; i++)
		mpq_add(all, all, e->cnt[i]);
	if (e->nwin == 0) {
		mpq_set_si(e->t, e->seats + 1, 1);
		mpq_div(e->quota, all, e->t);
		hundredths(e, e->quota, true);
	}
	mpq_set_ui(all, 0, 1); /* now the active vote */
	for (i = 0; i < e->ncand; i++) {
		if (e->state[i] == STV_HOPEFUL || e->state[i] == STV_DEFEATED)
			mpq_add(all, all, e->cnt[i]);
		else if (e->state[i] == STV_ELECTED && e->over[i] &&
		    mpq_cmp(e->cnt[i], e->quota) > 0) {
			mpq_add(all, all, e->cnt[i]);
			mpq_sub(all, all, e->quota);
		}
	}
	if (rem > 0) {
		mpq_set_si(e->t, rem + 1, 1);
		mpq_div(e->thresh, all, e->t);
		hundredths(e, e->thresh, true);
	}
	mpq_clear(all);
}

static void
surpluses(struct er *e)
{
	int i;

	mpq_set_ui(e->surplus, 0, 1);
	for (i = 0; i < e->ncand; i++)
		if ((cont(e, i) || (e->state[i] == STV_ELECTED &&
		    e->over[i])) && mpq_cmp(e->cnt[i], e->quota) > 0) {
			mpq_add(e->surplus, e->surplus, e->cnt[i]);
			mpq_sub(e->surplus, e->surplus, e->quota);
		}
}

/* Candidate i's total at stage s (0-based) of this count. */
static mpq_t *
at(const struct er *e, size_t s, int i)
{
	return &TL_VEC_AT(e->run.snaps, mpq_t *, s)[i];
}

static int
by_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* A lot among t[0..n) (candidate order): the statutory count's choice
 * in the first of its lots of this kind not yet followed whose winner is
 * among them, else the first. */
static int
lot(struct er *e, enum tl_tie_kind kind, const int *t, int n)
{
	size_t k;
	int i;

	for (k = 0; k < e->r->ties->len; k++) {
		const struct tl_tie *x = &TL_VEC_AT(e->r->ties,
		    struct tl_tie, k);
		if (e->used[k] || x->kind != kind || x->how == TL_TIE_EARLIER)
			continue;
		for (i = 0; i < n; i++)
			if (t[i] == x->chosen) {
				e->used[k] = true;
				return t[i];
			}
	}
	return t[0];
}

/* 5.2.3, 5.2.5, 5.6.2: the most (or fewest) votes now; equal: the
 * first stage at which they differ, narrowing stage by stage; then lot. */
static int
weak_tie(struct er *e, const int *list, int n, bool most,
    enum tl_tie_kind kind)
{
	size_t ns = e->run.snaps->len, s;
	int *t = e->tmp3, nt = 0, i, k;

	for (i = 0; i < n; i++) {
		int cmp = nt == 0 ? 0 : mpq_cmp(*at(e, ns - 1, list[i]),
		    *at(e, ns - 1, t[0]));
		if (nt == 0 || (most ? cmp > 0 : cmp < 0)) {
			nt = 0;
			cmp = 0;
		}
		if (cmp == 0)
			t[nt++] = list[i];
	}
	if (nt == 1)
		return t[0];
	qsort(t, (size_t)nt, sizeof(int), by_int);
	for (s = 0; s + 1 < ns && nt > 1; s++) {
		int x = t[0];
		for (i = 1; i < nt; i++) {
			int cmp = mpq_cmp(*at(e, s, t[i]), *at(e, s, x));
			if (most ? cmp > 0 : cmp < 0)
				x = t[i];
		}
		for (i = k = 0; i < nt; i++)
			if (mpq_equal(*at(e, s, t[i]), *at(e, s, x)))
				t[k++] = t[i];
		nt = k;
	}
	return nt == 1 ? t[0] : lot(e, kind, t, nt);
}

static int
elect(struct er *e, int i)
{
	e->state[i] = STV_ELECTED;
	e->over[i] = true;
	e->nwin++;
	e->ncont--;
	return tl_vec_push(e->ctx, e->run.elected, &i) != NULL ? TELLER_OK :
	    TELLER_ENOMEM;
}

/* 5.1.7, 5.3.13, 5.4.9, 5.6.2: elect, most votes first, everyone
 * continuing with votes >= the threshold (and above nothing); one too
 * many: the weakest stays out. */
static int
winners(struct er *e)
{
	for (;;) {
		int *pot = e->tmp, n = 0, i, j, rc;

		for (i = 0; i < e->ncand; i++)
			if (cont(e, i) && mpq_sgn(e->cnt[i]) > 0 &&
			    mpq_cmp(e->cnt[i], e->thresh) >= 0)
				pot[n++] = i;
		if (n + e->nwin > e->seats + 1)
			return tl_fail(e->ctx, TELLER_EINTERNAL, "sensitivity: "
			    "too many over the threshold");
		if (n > 0 && n + e->nwin == e->seats + 1) {
			int drop = weak_tie(e, pot, n, false, TL_TIEK_ELECT);
			for (i = j = 0; i < n; i++)
				if (pot[i] != drop)
					pot[j++] = pot[i];
			n = j;
		}
		if (n == 0)
			return TELLER_OK;
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && mpq_cmp(e->cnt[pot[j - 1]],
			    e->cnt[pot[j]]) < 0; j--) {
				int x = pot[j];
				pot[j] = pot[j - 1];
				pot[j - 1] = x;
			}
		for (i = 0; i < n; i++)
			if ((rc = elect(e, pot[i])) != TELLER_OK)
				return rc;
		thresholds(e);
		surpluses(e);
		if (e->nwin >= e->seats)
			return TELLER_OK;
	}
}

/* Recount, record the stage, then elect. */
static int
round_end(struct er *e, enum tl_stage_kind kind, int subject)
{
	mpq_t *v = tl_alloc(e->ctx, (size_t)e->ncand + 1, sizeof(mpq_t));
	int k = (int)kind, i;

	recount(e);
	thresholds(e);
	surpluses(e);
	if (v == NULL || tl_vec_push(e->ctx, e->run.kinds, &k) == NULL ||
	    tl_vec_push(e->ctx, e->run.subj, &subject) == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < e->ncand; i++) {
		mpq_init(v[i]);
		mpq_set(v[i], e->cnt[i]);
	}
	if (tl_vec_push(e->ctx, e->run.snaps, &v) == NULL) {
		for (i = 0; i < e->ncand; i++)
			mpq_clear(v[i]);
		return TELLER_ENOMEM;
	}
	return winners(e);
}

/* 5.2.2, 5.2.5: the longest run of lowest candidates (equal votes never
 * split) whose votes and all surpluses do not exceed the next one's,
 * leaving enough candidates for the places; into out, fewest first. */
static int
sure_losers(struct er *e, int *out)
{
	int *s = e->tmp, n = 0, i, j, nl = 0, maxl;
	mpq_t acc;

	maxl = e->ncont + e->nwin - e->seats;
	mpq_init(acc);
	for (i = 0; i < e->ncand; i++)
		if (cont(e, i)) {
			s[n++] = i;
			mpq_add(acc, acc, e->cnt[i]);
		}
	if (mpq_sgn(acc) == 0 && mpq_sgn(e->surplus) == 0) {
		mpq_clear(acc);
		memcpy(out, s, (size_t)n * sizeof(int));
		return n;
	}
	/* fewest votes first, then candidate order (stable) */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && mpq_cmp(e->cnt[s[j - 1]],
		    e->cnt[s[j]]) > 0; j--) {
			int x = s[j];
			s[j] = s[j - 1];
			s[j - 1] = x;
		}
	mpq_set(acc, e->surplus);
	for (i = 0; i < n;) {
		for (j = i; j < n && mpq_equal(e->cnt[s[j]], e->cnt[s[i]]); j++)
			mpq_add(acc, acc, e->cnt[s[i]]);
		if (j >= n)
			break;
		if (mpq_cmp(acc, e->cnt[s[j]]) <= 0 && j <= maxl)
			nl = j;
		i = j;
	}
	mpq_clear(acc);
	memcpy(out, s, (size_t)nl * sizeof(int));
	return nl;
}

/* 5.3: the largest surplus; only the last parcel moves, at surplus /
 * its papers when its transferable value exceeds the surplus, else at
 * the values the papers have. */
static int
do_surplus(struct er *e)
{
	struct tl_vec *lp;
	int *w = e->tmp2, n = 0, i, c, rc = TELLER_OK;
	int64_t npap = 0;
	bool newv;
	mpq_t sur, tval, moved;
	size_t j;

	for (i = 0; i < e->ncand; i++)
		if (e->state[i] == STV_ELECTED && e->over[i])
			w[n++] = i;
	c = weak_tie(e, w, n, true, TL_TIEK_SURPLUS);
	e->over[c] = false;
	lp = e->last[c];
	mpq_init(sur);
	mpq_init(tval);
	mpq_init(moved);
	mpq_sub(sur, e->cnt[c], e->quota);
	for (j = 0; j < lp->len; j++) {
		uint32_t k = TL_VEC_AT(lp, uint32_t, j);
		if (next_pref(e, k) >= 0) {
			addmul(e, tval, e->b.w[k], e->tv[k]);
			npap += e->b.w[k];
		}
	}
	newv = mpq_cmp(tval, sur) > 0;
	if (newv) {
		mpq_set_si(e->t, (long)npap, 1);
		mpq_div(tval, sur, e->t); /* the new value */
		hundredths(e, tval, false);
	}
	for (j = 0; rc == TELLER_OK && j < lp->len; j++) {
		uint32_t k = TL_VEC_AT(lp, uint32_t, j);
		int d = next_pref(e, k);
		if (newv)
			mpq_set(e->tv[k], tval);
		if (d >= 0) {
			rc = give(e, k, d);
			addmul(e, moved, e->b.w[k], e->tv[k]);
		}
	}
	for (j = 0; j < e->held[c]->len; j++) {
		uint32_t k = TL_VEC_AT(e->held[c], uint32_t, j);
		if (e->cur[k] == c)
			e->cur[k] = -1;
	}
	e->held[c]->len = 0;
	if (!newv) {
		mpq_sub(sur, sur, moved);
		mpq_add(e->nontrans, e->nontrans, sur);
	}
	mpq_clear(sur);
	mpq_clear(tval);
	mpq_clear(moved);
	if (rc != TELLER_OK)
		return rc;
	mpq_set(e->cnt[c], e->quota);
	close_parcels(e);
	return round_end(e, TL_STAGE_SURPLUS, c);
}

/* 5.2.5: who goes (sure losers; at the first exclusion, also the
 * lowest of the rest when the losers have no votes). */
static int
losers(struct er *e, int *out)
{
	int n = 0, i;

	if (e->first_elim) {
		n = sure_losers(e, out);
		if (mpq_sgn(e->surplus) == 0) {
			int *rest = e->tmp2, nc = 0;
			bool none = true;
			memset(e->mark, 0, (size_t)e->ncand * sizeof(bool));
			for (i = 0; i < n; i++) {
				none = none && mpq_sgn(e->cnt[out[i]]) == 0;
				e->mark[out[i]] = true;
			}
			for (i = 0; i < e->ncand; i++)
				if (cont(e, i) && !e->mark[i])
					rest[nc++] = i;
			if (nc + e->nwin > e->seats && none)
				out[n++] = weak_tie(e, rest, nc, false,
				    TL_TIEK_EXCLUDE);
		}
	}
	if (!e->first_elim || n == 0) {
		n = sure_losers(e, out);
		if (n == 0) {
			int *cs = e->tmp2, nc = 0;
			for (i = 0; i < e->ncand; i++)
				if (cont(e, i))
					cs[nc++] = i;
			out[n++] = weak_tie(e, cs, nc, false,
			    TL_TIEK_EXCLUDE);
		}
	}
	e->first_elim = false;
	return n;
}

struct btv {
	mpq_t *v;
	uint32_t k;
};

static int
by_value_desc(const void *a, const void *b)
{
	const struct btv *x = a, *y = b;
	int cmp = mpq_cmp(*y->v, *x->v);

	if (cmp != 0)
		return cmp;
	return (x->k > y->k) - (x->k < y->k);
}

/* 5.4: exclude; the papers move by value, highest first, each value a
 * stage of its own (5.4.11), with elections after each. */
static int
do_exclude(struct er *e)
{
	int *lose = tl_alloc(e->ctx, (size_t)e->ncand + 1, sizeof(int));
	struct tl_vec *bt = tl_vec_new(e->ctx, sizeof(struct btv));
	int n, i, rc;
	size_t j, at0;
	bool first = true;

	if (lose == NULL || bt == NULL)
		return TELLER_ENOMEM;
	n = losers(e, lose);
	qsort(lose, (size_t)n, sizeof(int), by_int);
	for (i = 0; i < n; i++) {
		struct tl_vec *h = e->held[lose[i]];
		e->state[lose[i]] = STV_DEFEATED;
		e->ncont--;
		for (j = 0; j < h->len; j++) {
			struct btv x;
			x.k = TL_VEC_AT(h, uint32_t, j);
			x.v = &e->tv[x.k];
			if (e->cur[x.k] == lose[i] &&
			    tl_vec_push(e->ctx, bt, &x) == NULL)
				return TELLER_ENOMEM;
		}
	}
	if (bt->len > 1)
		qsort(bt->data, bt->len, sizeof(struct btv), by_value_desc);
	for (at0 = 0; at0 < bt->len || first;) {
		for (j = at0; j < bt->len && mpq_equal(*TL_VEC_AT(bt,
		    struct btv, j).v, *TL_VEC_AT(bt, struct btv, at0).v); j++) {
			uint32_t k = TL_VEC_AT(bt, struct btv, j).k;
			int d = next_pref(e, k);
			if (d >= 0) {
				if ((rc = give(e, k, d)) != TELLER_OK)
					return rc;
			} else {
				e->cur[k] = -1;
				addmul(e, e->nontrans, e->b.w[k], e->tv[k]);
			}
		}
		at0 = j;
		close_parcels(e);
		if ((rc = round_end(e, TL_STAGE_EXCLUSION, lose[0])) !=
		    TELLER_OK)
			return rc;
		if (first)
			for (i = 0; i < n; i++)
				if (tl_vec_push(e->ctx, e->run.excluded,
				    &lose[i]) == NULL)
					return TELLER_ENOMEM;
		first = false;
		if (done(e))
			break;
	}
	return TELLER_OK;
}

static int
count(struct er *e)
{
	size_t k;
	int rc, i, nc = 0;

	for (k = 0; k < e->b.n; k++)
		if ((rc = give(e, (uint32_t)k, e->b.ids[e->b.off[k]])) != 0)
			return rc;
	close_parcels(e);
	if ((rc = round_end(e, TL_STAGE_FIRST, -1)) != TELLER_OK)
		return rc;
	while (!done(e)) {
		int *sl = e->tmp2 + e->ncand + 1;
		if (mpq_sgn(e->surplus) != 0 && sure_losers(e, sl) == 0)
			rc = do_surplus(e);
		else
			rc = do_exclude(e);
		if (rc != TELLER_OK)
			return rc;
	}
	/* 5.5: places left go to the continuing candidates with votes */
	if (e->nwin >= e->seats)
		return TELLER_OK;
	for (i = 0; i < e->ncand; i++)
		if (cont(e, i) && mpq_sgn(e->cnt[i]) == 0) {
			e->state[i] = STV_DEFEATED;
			e->ncont--;
		}
	for (i = 0; i < e->ncand; i++)
		if (cont(e, i))
			e->tmp2[nc++] = i;
	if (nc + e->nwin > e->seats)
		e->state[weak_tie(e, e->tmp2, nc, false, TL_TIEK_ELECT)] =
		    STV_DEFEATED;
	for (i = 0; i < e->ncand; i++)
		if (cont(e, i) && (rc = elect(e, i)) != TELLER_OK)
			return rc;
	return TELLER_OK;
}

static void
er_clear(struct er *e)
{
	size_t i;
	int k;

	for (i = 0; i < e->ntv; i++)
		mpq_clear(e->tv[i]);
	for (k = 0; e->cnt != NULL && k < e->ncand; k++)
		mpq_clear(e->cnt[k]);
	for (i = 0; e->run.snaps != NULL && i < e->run.snaps->len; i++)
		for (k = 0; k < e->ncand; k++)
			mpq_clear(TL_VEC_AT(e->run.snaps, mpq_t *, i)[k]);
	mpq_clear(e->quota);
	mpq_clear(e->thresh);
	mpq_clear(e->surplus);
	mpq_clear(e->nontrans);
	mpq_clear(e->t);
}

int
tl_sens_ers97_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const struct teller_result *r, bool statutory, struct tl_sens_cmp *out)
{
	struct er e;
	teller_rules ru;
	size_t nn = (size_t)c->ncand + 1, k;
	int rc, i;

	if (rules != NULL)
		ru = *rules;
	else
		teller_rules_init(&ru, "stv-ers97");
	ru.seats = r->seats;
	memset(&e, 0, sizeof(e));
	e.ctx = ctx;
	e.r = r;
	e.fixed = statutory;
	e.ncand = c->ncand;
	e.first_elim = true;
	if ((rc = tl_stv_prepare(ctx, c, p, &ru, "stv-ers97", false, &e.b,
	    &e.seats)) != TELLER_OK)
		return rc;
	if (e.b.total * tl_num_pow10(r->dp) != r->valid)
		return tl_fail(ctx, TELLER_EINTERNAL, "sensitivity: %lld valid "
		    "papers read, the count has another number",
		    (long long)e.b.total);
	e.state = tl_alloc(ctx, nn, sizeof(int));
	e.over = tl_alloc(ctx, nn, sizeof(bool));
	e.used = tl_alloc(ctx, r->ties->len + 1, sizeof(bool));
	e.cnt = tl_alloc(ctx, nn, sizeof(mpq_t));
	e.tv = tl_alloc(ctx, e.b.n + 1, sizeof(mpq_t));
	e.cur = tl_alloc(ctx, e.b.n + 1, sizeof(int));
	e.held = tl_alloc(ctx, nn, sizeof(struct tl_vec *));
	e.last = tl_alloc(ctx, nn, sizeof(struct tl_vec *));
	e.fresh = tl_alloc(ctx, nn, sizeof(struct tl_vec *));
	e.tmp = tl_alloc(ctx, nn, sizeof(int));
	e.tmp2 = tl_alloc(ctx, 2 * nn, sizeof(int));
	e.tmp3 = tl_alloc(ctx, nn, sizeof(int));
	e.mark = tl_alloc(ctx, nn, sizeof(bool));
	e.run.ncand = c->ncand;
	e.run.snaps = tl_vec_new(ctx, sizeof(mpq_t *));
	e.run.kinds = tl_vec_new(ctx, sizeof(int));
	e.run.subj = tl_vec_new(ctx, sizeof(int));
	e.run.elected = tl_vec_new(ctx, sizeof(int));
	e.run.excluded = tl_vec_new(ctx, sizeof(int));
	if (e.state == NULL || e.over == NULL || e.used == NULL ||
	    e.cnt == NULL || e.tv == NULL || e.cur == NULL || e.held == NULL ||
	    e.last == NULL || e.fresh == NULL || e.tmp == NULL ||
	    e.tmp2 == NULL || e.tmp3 == NULL || e.mark == NULL ||
	    e.run.snaps == NULL || e.run.kinds == NULL || e.run.subj == NULL ||
	    e.run.elected == NULL || e.run.excluded == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < e.ncand; i++)
		if ((e.held[i] = tl_vec_new(ctx, sizeof(uint32_t))) == NULL ||
		    (e.last[i] = tl_vec_new(ctx, sizeof(uint32_t))) == NULL ||
		    (e.fresh[i] = tl_vec_new(ctx, sizeof(uint32_t))) == NULL)
			return TELLER_ENOMEM;
	e.ncont = tl_stv_states(c, e.state);
	mpq_init(e.quota);
	mpq_init(e.thresh);
	mpq_init(e.surplus);
	mpq_init(e.nontrans);
	mpq_init(e.t);
	for (i = 0; i < e.ncand; i++)
		mpq_init(e.cnt[i]);
	for (k = 0; k < e.b.n; k++, e.ntv++) {
		mpq_init(e.tv[k]);
		mpq_set_ui(e.tv[k], 1, 1);
	}
	rc = count(&e);
	if (rc == TELLER_OK)
		rc = tl_sens_compare(ctx, r, &e.run, out);
	er_clear(&e);
	return rc;
}
