/* SPDX-License-Identifier: MIT */
/*
 * ckwigm.c -- teller-check for stv-wigm certificates: the weighted
 * inclusive Gregory method as Droop's `wigm` rule counts it with its
 * defaults (docs/stv.md 3). Its own guarded arithmetic: values are
 * integers in units of 10^-27, every product and quotient floored on its
 * own, values within 0.5 * 10^-18 compare equal. The certificate shows
 * values at 9 places rounded half up, as the count displays them; the
 * replay keeps the exact values and compares what it would show.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mjson.h"

enum { HOPEFUL = 0, ELECTED, DEFEATED };

struct wg {
	struct ck_run r;        /* first: the shared replay's state */
	struct ck_prof *pf;
	int seats, nhopeful, nlots;
	u128 G, quota, exh;     /* 10^27; the quota; non-transferable */
	int64_t valid9;         /* valid papers at 9 places */
	int *state, *bo;        /* [ncand]; bo: candidates in ballot order */
	bool *pending;          /* elected, surplus not yet transferred */
	u128 *vote;             /* [ncand] */
	int *holder;            /* [npat], -1: non-transferable */
	uint32_t *pos;          /* [npat] */
	u128 *wt;               /* [npat] the weight of each paper */
	int *moved;             /* [npat] the stage it last moved at */
	size_t *held;           /* [ncand] patterns held */
};

#define wfail(k, ...) ck_fail(&(k)->r, __VA_ARGS__)

/* floor(a * b / c), c > 0, the product in 256 bits; the quotient must
 * fit (it does for weights <= 1 and votes <= 9 * 10^9 papers). */
u128
ck_gmuldiv(u128 a, u128 b, u128 c)
{
	const u128 m = ((u128)1 << 64) - 1;
	u128 a0 = a & m, a1 = a >> 64, b0 = b & m, b1 = b >> 64;
	u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	u128 mid = (p00 >> 64) + (p01 & m) + (p10 & m);
	u128 lo = (p00 & m) | (mid << 64);
	u128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
	u128 r = 0, q = 0;
	int i;

	for (i = 255; i >= 0; i--) {
		u128 bit = i >= 128 ? (hi >> (i - 128)) & 1 : (lo >> i) & 1;
		r = (r << 1) | bit;
		q <<= 1;
		if (r >= c) {
			r -= c;
			q |= 1;
		}
	}
	return q;
}

/* a at 9 places, rounded half up (as the count displays it). */
int64_t
ck_gshow(u128 a)
{
	u128 u = (u128)1000000000 * 1000000000;

	return (int64_t)((a + u / 2) / u);
}

/* Droop's guarded comparison: equal within 0.5 * 10^-18. */
static int
gcmp(u128 a, u128 b)
{
	u128 d = a > b ? a - b : b - a;

	if (d < 500000000)
		return 0;
	return a > b ? 1 : -1;
}

static const char *
nm(const struct wg *k, int j)
{
	return j >= 0 ? k->pf->names[j] : "(none)";
}

/* A decimal member at 9 places equals v. */
static bool
shows(const struct mj *o, const char *key, int64_t v)
{
	int64_t x;
	const char *s = mj_str(o, key);

	return s != NULL && ck_parse(s, 9, &x) == 0 && x == v;
}

/* Give pattern i's papers to their next hopeful preference after pos
 * (at its weight), or to the non-transferable pile; the move m must say
 * so (NULL at stage 1). */
static int
advance(struct wg *k, size_t i, const struct mj *m)
{
	const struct ck_pat *pt = &k->pf->pat[i];
	const int *pr = k->pf->prefs + pt->off;
	const struct mj *tov = m != NULL ? mj_get(m, "to") : NULL;
	u128 amount = k->wt[i] * (u128)(uint64_t)pt->w;
	int to;

	while (k->pos[i] < pt->len && k->state[pr[k->pos[i]]] != HOPEFUL)
		k->pos[i]++;
	to = k->pos[i] < pt->len ? pr[k->pos[i]] : -1;
	if (m != NULL) {
		const char *r = mj_str(m, "reason");
		int said = tov != NULL && tov->type == MJ_STR ?
		    ck_prof_cand(k->pf, tov->s) : -1;
		if (said != to || (to < 0 && (tov == NULL || tov->type !=
		    MJ_NULL || r == NULL || strcmp(r, "no further "
		    "preference") != 0)))
			return wfail(k, m, "pattern %zu goes to %s", i,
			    to >= 0 ? nm(k, to) : "non-transferable (no "
			    "further preference)");
		if (!shows(m, "value", ck_gshow(k->wt[i])))
			return wfail(k, m, "pattern %zu: the value is not its "
			    "weight shown at 9 places", i);
	}
	k->moved[i] = k->r.stage;
	k->holder[i] = to;
	if (to < 0) {
		k->exh += amount;
		return 0;
	}
	k->held[to]++;
	k->vote[to] += amount;
	return 0;
}

/* The candidate member "from" of m names, or -1. */
static int
cand_named(const struct wg *k, const struct mj *m)
{
	const char *s = mj_str(m, "from");

	return s != NULL ? ck_prof_cand(k->pf, s) : -1;
}

/* Every move of rec takes a pattern cand holds, and every one it holds
 * moves; a surplus (sur > 0 of total) re-weights each paper first. */
static int
moves(struct wg *k, const struct mj *rec, int cand, u128 sur, u128 total)
{
	const struct mj *ms = mj_get(rec, "moves"), *m;
	int64_t idx, papers;
	int rc;

	if (ms == NULL || ms->type != MJ_ARR)
		return wfail(k, rec, "no \"moves\"");
	for (m = ms->kid; m != NULL; m = m->next) {
		const struct mj *pv = mj_get(m, "pattern");
		if (pv == NULL || pv->type != MJ_NUM || ck_parse(pv->s, 0,
		    &idx) || (size_t)idx >= k->pf->npat)
			return wfail(k, m, "no such pattern");
		if (k->moved[idx] == k->r.stage || k->holder[idx] != cand ||
		    cand_named(k, m) != cand)
			return wfail(k, m, "pattern %lld is held by %s, not "
			    "moved from %s", (long long)idx,
			    nm(k, k->holder[idx]), nm(k, cand));
		if (mj_str(m, "papers") == NULL || ck_parse(mj_str(m,
		    "papers"), 0, &papers) || papers != k->pf->pat[idx].w)
			return wfail(k, m, "pattern %lld has %lld papers",
			    (long long)idx, (long long)k->pf->pat[idx].w);
		if (total > 0)
			k->wt[idx] = ck_gmuldiv(ck_gmuldiv(k->wt[idx], sur,
			    k->G), k->G, total);
		k->held[cand]--;
		if ((rc = advance(k, (size_t)idx, m)) != 0)
			return rc;
	}
	if (k->held[cand] != 0)
		return wfail(k, ms, "%s: %zu pattern%s not moved", nm(k, cand),
		    k->held[cand], k->held[cand] == 1 ? "" : "s");
	return 0;
}

/* Droop's extreme(): among the pending (pend) or the hopeful, the first
 * in ballot order on the highest (hi) or lowest vote, exactly; then all
 * within the guard of it, in ballot order, into ids; how many. */
static int
extreme(const struct wg *k, bool hi, bool pend, int *ids)
{
	int a, i, ext = -1, n = 0, nc = k->pf->ncand;

	for (a = 0; a < nc; a++) {
		i = k->bo[a];
		if ((pend ? k->state[i] == ELECTED && k->pending[i] :
		    k->state[i] == HOPEFUL) && (ext < 0 || (hi ?
		    k->vote[i] > k->vote[ext] : k->vote[i] < k->vote[ext])))
			ext = i;
	}
	for (a = 0; ext >= 0 && a < nc; a++) {
		i = k->bo[a];
		if ((pend ? k->state[i] == ELECTED && k->pending[i] :
		    k->state[i] == HOPEFUL) &&
		    gcmp(k->vote[i], k->vote[ext]) == 0)
			ids[n++] = i;
	}
	return n;
}

/* The stage's action: the largest pending surplus, else the lowest
 * hopeful, the first in ballot order among equals (Droop: tie order),
 * with the rule cited ("largest", "lowest", or "ballot order" with the
 * tie); then its moves. */
static int
action(struct wg *k, const struct mj *rec)
{
	const struct mj *a = mj_get(rec, "action"), *why = mj_get(rec, "why");
	const char *kind = mj_str(a, "kind"), *rule = mj_str(why, "rule");
	const char *cn = mj_str(a, "cand");
	int *ids = calloc((size_t)k->pf->ncand + 1, sizeof(int));
	int n, e, rc = 0, i, m = 0;
	bool sur;
	u128 s = 0, total;

	if (ids == NULL)
		return wfail(k, rec, "out of memory");
	n = extreme(k, true, true, ids);
	sur = n > 0;
	if (!sur)
		n = extreme(k, false, false, ids);
	e = n > 0 ? ids[0] : -1;
	if (e < 0)
		rc = wfail(k, a, "no candidate is left to act on");
	else if (kind == NULL || strcmp(kind, sur ? "surplus" : "exclude") != 0 ||
	    cn == NULL || ck_prof_cand(k->pf, cn) != e)
		rc = wfail(k, a, "%s of %s is next", sur ? "the surplus" :
		    "the exclusion", nm(k, e));
	else if (rule == NULL || strcmp(rule, n > 1 ? "ballot order" : sur ?
	    "largest" : "lowest") != 0)
		rc = wfail(k, why, "the rule is \"%s\"", n > 1 ?
		    "ballot order" : sur ? "largest" : "lowest");
	if (rc == 0 && n > 1) {
		const struct mj *t = mj_get(why, "tie"), *x;
		if (t == NULL || t->type != MJ_ARR || (int)t->n != n)
			rc = wfail(k, why, "the tie is %s and %d more",
			    nm(k, e), n - 1);
		for (x = rc == 0 ? t->kid : NULL; x != NULL; x = x->next) {
			int j = x->type == MJ_STR ? ck_prof_cand(k->pf,
			    x->s) : -1;
			for (i = 0; i < n && ids[i] != j; i++)
				;
			m += i < n;
		}
		if (rc == 0 && m != n)
			rc = wfail(k, why, "the tie is %s and %d more",
			    nm(k, e), n - 1);
	}
	free(ids);
	if (rc != 0)
		return rc;
	total = k->vote[e];
	if (sur) {
		s = total - k->quota;
		if (!shows(a, "surplus", ck_gshow(s)) || !shows(a, "tv",
		    ck_gshow(ck_gmuldiv(s, k->G, total))))
			return wfail(k, a, "the surplus or \"tv\" is not "
			    "votes minus quota, or surplus / votes");
		k->pending[e] = false;
	} else {
		k->state[e] = DEFEATED;
		k->nhopeful--;
	}
	if ((rc = moves(k, rec, e, s, sur ? total : 0)) != 0)
		return rc;
	k->vote[e] = sur ? k->quota : 0;
	return 0;
}

/* The tallies, non-transferable and loss, as the count shows them. */
static int
totals(struct wg *k, const struct mj *rec)
{
	const struct mj *t = mj_get(rec, "tallies"), *x;
	int64_t sum = 0, v;
	char b[CK_BUFSZ];
	int j;

	if (t == NULL || t->type != MJ_OBJ || (int)t->n != k->pf->ncand)
		return wfail(k, t, "\"tallies\" must name every candidate "
		    "once");
	for (x = t->kid; x != NULL; x = x->next) {
		const struct mj *d;
		j = ck_prof_cand(k->pf, x->key);
		if (j < 0 || x->type != MJ_STR || ck_parse(x->s, 9, &v) != 0)
			return wfail(k, x, "bad tally");
		for (d = t->kid; d != x; d = d->next)
			if (strcmp(d->key, x->key) == 0)
				return wfail(k, x, "%s has two tallies",
				    x->key);
		if (v != ck_gshow(k->vote[j])) {
			ck_fmt(b, ck_gshow(k->vote[j]), 9);
			return wfail(k, x, "%s has %s", x->key, b);
		}
		sum += v;
	}
	if (!shows(rec, "nt", ck_gshow(k->exh))) {
		ck_fmt(b, ck_gshow(k->exh), 9);
		return wfail(k, mj_get(rec, "nt"), "non-transferable is %s",
		    b);
	}
	v = k->valid9 - sum - ck_gshow(k->exh);
	if (mj_str(rec, "loss") == NULL || (v < 0 ? mj_str(rec, "loss")[0]
	    != '-' || ck_parse(mj_str(rec, "loss") + 1, 9, &sum) != 0 ||
	    sum != -v : !shows(rec, "loss", v)))
		return wfail(k, mj_get(rec, "loss"), "the loss is the valid "
		    "papers less the tallies and non-transferable shown");
	return 0;
}

/* An election the record lists next: j, under rule. */
static int
elect_next(struct wg *k, const struct mj **e, int j, const char *rule,
    bool pend)
{
	const char *r = *e != NULL ? mj_str(*e, "rule") : NULL;
	const char *c = *e != NULL ? mj_str(*e, "cand") : NULL;

	if (c == NULL || ck_prof_cand(k->pf, c) != j || r == NULL ||
	    strcmp(r, rule) != 0)
		return wfail(k, *e, "%s is elected next (%s)", nm(k, j), rule);
	k->state[j] = ELECTED;
	k->pending[j] = pend;
	k->r.order[k->r.nelected++] = j;
	k->nhopeful--;
	*e = (*e)->next;
	return 0;
}

/* The elections after a stage. While more hopefuls than seats left (and
 * seats left), every hopeful over the quota, the highest first (Droop
 * sorts equal votes later-in-ballot-order first): "quota"; else the
 * hopefuls left in ballot order while seats are left: "rest", and the
 * count is over. */
static int
elections(struct wg *k, const struct mj *rec)
{
	const struct mj *el = mj_get(rec, "elected"), *e;
	int a, i, best, rc;

	if (el == NULL || el->type != MJ_ARR)
		return wfail(k, rec, "no \"elected\"");
	e = el->kid;
	if (k->nhopeful > k->seats - k->r.nelected &&
	    k->seats > k->r.nelected) {
		for (;;) {
			best = -1;
			for (a = 0; a < k->pf->ncand; a++) {
				i = k->bo[a];
				if (k->state[i] == HOPEFUL &&
				    gcmp(k->vote[i], k->quota) > 0 &&
				    (best < 0 || gcmp(k->vote[i],
				    k->vote[best]) >= 0))
					best = i;
			}
			if (best < 0)
				break;
			if ((rc = elect_next(k, &e, best, "quota", true)) != 0)
				return rc;
		}
	} else {
		for (a = 0; a < k->pf->ncand; a++) {
			i = k->bo[a];
			if (k->state[i] != HOPEFUL)
				continue;
			if (k->r.nelected < k->seats) {
				if ((rc = elect_next(k, &e, i, "rest",
				    false)) != 0)
					return rc;
			} else {
				k->state[i] = DEFEATED;
			}
		}
		k->r.done = true;
	}
	return e != NULL ? wfail(k, e, "nobody else is elected here") : 0;
}

/* Stage 1: every pattern to its first preference at weight 1. */
static int
first(struct wg *k, const struct mj *rec)
{
	const struct mj *a = mj_get(rec, "action");
	size_t i;

	if (mj_str(a, "kind") == NULL || strcmp(mj_str(a, "kind"), "first"))
		return wfail(k, a, "the first stage must be \"first\"");
	for (i = 0; i < k->pf->npat; i++) {
		k->wt[i] = k->G;
		k->pos[i] = 0;
		if (advance(k, i, NULL) != 0)
			return 5;
	}
	return 0;
}

static int
record(struct ck_run *r, const struct mj *rec)
{
	struct wg *k = (struct wg *)r;
	int rc = k->r.stage == 1 ? first(k, rec) : action(k, rec);

	if (rc == 0)
		rc = totals(k, rec);
	return rc != 0 ? rc : elections(k, rec);
}

/* The header: seats, the quota N/(S+1) as shown, the ballot order. */
static int
header(struct ck_run *r, const struct mj *h)
{
	struct wg *k = (struct wg *)r;
	int64_t total;
	int j;

	/* state (all HOPEFUL, 0, again after) holds each one's place */
	if (ck_stv_header(r, h, 9, &k->seats, &total, k->state) != 0)
		return 5;
	for (j = 0; j < k->pf->ncand; j++) {
		k->bo[k->state[j]] = j;
		k->state[j] = HOPEFUL;
	}
	if (total > INT64_C(9000000000))
		return wfail(k, h, "more than 9 * 10^9 papers");
	k->valid9 = total * 1000000000;
	k->quota = (u128)(uint64_t)total * k->G / (u128)(unsigned)(k->seats + 1);
	if (!shows(h, "quota", ck_gshow(k->quota)))
		return wfail(k, h, "the quota is not N / (seats + 1)");
	k->nhopeful = k->pf->ncand;
	return 0;
}

static void
drop(struct ck_run *r)
{
	struct wg *k = (struct wg *)r;

	if (k == NULL)
		return;
	free(k->state);
	free(k->bo);
	free(k->pending);
	free(k->vote);
	free(k->held);
	free(k->r.order);
	free(k->holder);
	free(k->pos);
	free(k->wt);
	free(k->moved);
	free(k);
}

static struct ck_run *
make(struct ck_prof *pf)
{
	size_t nc = (size_t)pf->ncand + 1, np = pf->npat + 1;
	struct wg *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->pf = pf;
	k->G = (u128)1000000000 * 1000000000 * 1000000000;
	k->state = calloc(nc, sizeof(int));
	k->bo = calloc(nc, sizeof(int));
	k->pending = calloc(nc, sizeof(bool));
	k->vote = calloc(nc, sizeof(u128));
	k->held = calloc(nc, sizeof(size_t));
	k->r.order = calloc(nc, sizeof(int));
	k->holder = calloc(np, sizeof(int));
	k->pos = calloc(np, sizeof(uint32_t));
	k->wt = calloc(np, sizeof(u128));
	k->moved = calloc(np, sizeof(int));
	if (k->state == NULL || k->bo == NULL || k->pending == NULL ||
	    k->vote == NULL || k->held == NULL || k->r.order == NULL ||
	    k->holder == NULL || k->pos == NULL || k->wt == NULL ||
	    k->moved == NULL) {
		drop(&k->r);
		return NULL;
	}
	return &k->r;
}

const struct ck_ops ck_wigm_ops = { make, header, record, drop };
