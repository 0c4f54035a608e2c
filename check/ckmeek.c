/* SPDX-License-Identifier: MIT */
/*
 * ckmeek.c -- teller-check for stv-meek certificates: Meek's method as
 * Droop's `meek` rule counts it with its defaults (docs/stv.md 3), in
 * the guarded values of ckwigm.c (10^-27, each product and quotient
 * floored, values within 0.5 * 10^-18 equal). A record gives the number
 * of iterations since the stage before and the keep factors of the last
 * one; the replay runs those iterations itself from the keep factors it
 * holds (distribute, quota, elections, surplus, the stopping tests, the
 * keep factor update), stopping exactly at the last, and compares the
 * keep factors, tallies and action: it never searches.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mjson.h"

__extension__ typedef __int128 i128;

enum { HOPEFUL = 0, ELECTED, DEFEATED };
enum { ST_ELECT, ST_OMEGA, ST_STABLE, ST_BATCH };
#define OMEGA 1000000000000000000 /* 10^-9 in units of 10^-27 */

struct mk {
	struct ck_run r;        /* first: the shared replay's state */
	struct ck_prof *pf;
	int seats, nhopeful, status;
	bool final_due;         /* a redistribution after the last defeat */
	bool excluded;          /* the last stage defeated */
	u128 G, quota, exh;
	i128 surplus;
	int64_t valid9, papers;
	int *state, *bo, *place, *ids, *gs;
	bool *in;               /* [ncand] the batch */
	u128 *kf, *vote;
	int64_t *shown;
};

#define kfail(k, ...) ck_fail(&(k)->r, __VA_ARGS__)

/* Droop's guarded comparison, signed. */
static int
gcmp(i128 a, i128 b)
{
	i128 d = a - b;

	if (d < 500000000 && d > -500000000)
		return 0;
	return d < 0 ? -1 : 1;
}

/* Every paper from weight 1 through its ranking: each candidate with a
 * keep factor kf keeps floor(w * kf) and passes floor(w * (1 - kf)) on,
 * a whole keep (kf = 1) ends it, as does a guarded-zero remainder; what
 * reaches the end is non-transferable. */
static void
distribute(struct mk *k)
{
	size_t i;
	uint32_t j;
	int c;

	memset(k->vote, 0, (size_t)k->pf->ncand * sizeof(u128));
	k->exh = 0;
	for (i = 0; i < k->pf->npat; i++) {
		const struct ck_pat *pt = &k->pf->pat[i];
		u128 w = k->G, m = (u128)(uint64_t)pt->w, keep;

		for (j = 0; j < pt->len && w > 0; j++) {
			c = k->pf->prefs[pt->off + j];
			if (k->kf[c] == 0)
				continue;
			keep = k->kf[c] == k->G ? w :
			    ck_gmuldiv(w, k->kf[c], k->G);
			k->vote[c] += keep * m;
			w = k->kf[c] == k->G ? 0 : ck_gmuldiv(w, k->G -
			    k->kf[c], k->G);
			if (gcmp((i128)w, 0) <= 0)
				w = 0;
		}
		k->exh += w * m;
	}
}

/* a before b: by vote, exactly, then in ballot order. */
static int
by_vote(const struct mk *k, int a, int b)
{
	if (k->vote[a] != k->vote[b])
		return k->vote[a] < k->vote[b] ? -1 : 1;
	return k->place[a] - k->place[b];
}

/* Droop's batchDefeat (defeat_batch=safe): group the hopefuls by vote
 * (within the surplus of a group's first), take the longest run of
 * lowest groups whose total plus the surplus is below the next group,
 * leaving hopefuls for the seats. The batch into in[]; its size. */
static int
batch(struct mk *k)
{
	int n = 0, ng = 0, i, j, g, maxg = -1, nc = 0, *s = k->ids;
	i128 gv = 0, tot = 0;

	for (i = 0; i < k->pf->ncand; i++)
		if (k->state[i] == HOPEFUL)
			s[n++] = i;
	/* insertion sort: a few dozen candidates */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && by_vote(k, s[j - 1], s[j]) > 0; j--) {
			int t = s[j];
			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (ng > 0 && gcmp(gv + k->surplus, (i128)k->vote[s[i]]) >= 0)
			continue;
		if (ng == 0 && gcmp(k->surplus, (i128)k->vote[s[i]]) >= 0) {
			k->gs[ng++] = i;
			continue;
		}
		k->gs[ng++] = i;
		gv = (i128)k->vote[s[i]];
	}
	k->gs[ng] = n;
	for (g = 0; g + 1 < ng; g++) {
		nc += k->gs[g + 1] - k->gs[g];
		if (nc > k->nhopeful - (k->seats - k->r.nelected))
			break;
		for (i = k->gs[g]; i < k->gs[g + 1]; i++)
			tot += (i128)k->vote[s[i]];
		if (gcmp(tot + k->surplus, (i128)k->vote[s[k->gs[g + 1]]]) < 0)
			maxg = g;
	}
	memset(k->in, 0, (size_t)k->pf->ncand * sizeof(bool));
	for (i = 0; maxg >= 0 && i < k->gs[maxg + 1]; i++)
		k->in[s[i]] = true;
	return maxg >= 0 ? k->gs[maxg + 1] : 0;
}

/* Droop's iterate(), exactly niter times: each must go on but the last,
 * which must stop; the status into k->status. */
static int
iterate(struct mk *k, const struct mj *rec, int64_t niter)
{
	i128 last = (i128)k->papers * (i128)k->G, votes;
	int64_t it;
	int i, any, nc = k->pf->ncand;

	for (it = 1; it <= niter; it++) {
		distribute(k);
		votes = 0;
		for (i = 0; i < nc; i++)
			if (k->state[i] != DEFEATED)
				votes += (i128)k->vote[i];
		k->quota = (u128)votes / (u128)(k->seats + 1);
		for (i = 0, any = 0; i < nc; i++)
			any |= k->state[i] == HOPEFUL &&
			    gcmp((i128)k->vote[i], (i128)k->quota) > 0;
		k->surplus = 0;
		for (i = 0; i < nc; i++)
			if (k->state[i] == ELECTED)
				k->surplus += (i128)k->vote[i] -
				    (i128)k->quota;
		k->status = any ? ST_ELECT : gcmp(k->surplus, OMEGA) <= 0 ?
		    ST_OMEGA : gcmp(k->surplus, last) >= 0 ? ST_STABLE :
		    batch(k) > 0 ? ST_BATCH : -1;
		if (k->status >= 0)
			return it == niter ? 0 : kfail(k, mj_get(rec,
			    "iterations"), "the count stops at iteration "
			    "%lld", (long long)it);
		last = k->surplus;
		for (i = 0; i < nc; i++)
			if (k->state[i] == ELECTED)
				k->kf[i] = ck_gmuldiv(ck_gmuldiv(k->kf[i],
				    k->quota, k->G), k->G, k->vote[i]);
	}
	return kfail(k, mj_get(rec, "iterations"), "iteration %lld does "
	    "not stop the count", (long long)niter);
}

/* The record's keep factors, in ballot order at 27 places, are k's. */
static int
keeps(struct mk *k, const struct mj *rec)
{
	const struct mj *a = mj_get(rec, "keep"), *x;
	int i = 0, d;
	u128 v;

	if (a == NULL || a->type != MJ_ARR || (int)a->n != k->pf->ncand)
		return kfail(k, rec, "\"keep\" must give every candidate's");
	for (x = a->kid; x != NULL; x = x->next, i++) {
		if (x->type != MJ_STR || strlen(x->s) != 29 || x->s[1] != '.')
			return kfail(k, x, "bad keep factor");
		for (d = 0, v = 0; d < 29; d++)
			if (d != 1 && (x->s[d] < '0' || x->s[d] > '9'))
				return kfail(k, x, "bad keep factor");
			else if (d != 1)
				v = v * 10 + (u128)(unsigned)(x->s[d] - '0');
		if (v != k->kf[k->bo[i]])
			return kfail(k, x, "%s's keep factor is not the "
			    "replay's", k->pf->names[k->bo[i]]);
	}
	return 0;
}

/* The exclusion the status calls for, as the record cites it. */
static int
exclusion(struct mk *k, const struct mj *rec)
{
	const struct mj *a = mj_get(rec, "action"), *why = mj_get(rec, "why");
	const struct mj *set, *x;
	const char *rule = mj_str(why, "rule"), *cn = mj_str(a, "cand");
	int i, n = 0, low = -1, c, m = 0;

	if (k->status == ST_BATCH) {
		set = mj_get(why, "excluded");
		for (i = 0; i < k->pf->ncand; i++)
			n += k->in[i];
		if (rule == NULL || strcmp(rule, "sure losers") != 0 ||
		    set == NULL || set->type != MJ_ARR || (int)set->n != n)
			return kfail(k, why, "%d sure losers are defeated "
			    "together", n);
		for (i = 0; i < k->pf->ncand; i++)
			k->ids[i] = 0; /* named yet */
		for (x = set->kid; x != NULL; x = x->next) {
			c = x->type == MJ_STR ? ck_prof_cand(k->pf, x->s) : -1;
			if (c < 0 || !k->in[c] || k->ids[c]++ > 0)
				return kfail(k, x, "not a sure loser, or "
				    "twice");
		}
	} else {
		const char *want = k->status == ST_OMEGA ? "omega" : "stable";
		for (i = 0; i < k->pf->ncand; i++) {
			c = k->bo[i];
			if (k->state[c] == HOPEFUL && (low < 0 ||
			    k->vote[c] < k->vote[low]))
				low = c;
		}
		for (i = 0; low >= 0 && i < k->pf->ncand; i++) {
			c = k->bo[i];
			if (k->state[c] == HOPEFUL && gcmp((i128)k->vote[low] +
			    k->surplus, (i128)k->vote[c]) >= 0)
				k->ids[n++] = c;
		}
		set = mj_get(why, "tie");
		if (rule == NULL || strcmp(rule, want) != 0 || (n > 1 &&
		    (set == NULL || set->type != MJ_ARR || (int)set->n != n)) ||
		    (n <= 1 && set != NULL))
			return kfail(k, why, "the rule is \"%s\", %d tied",
			    want, n);
		for (x = n > 1 ? set->kid : NULL; x != NULL; x = x->next)
			if (x->type != MJ_STR || ck_prof_cand(k->pf, x->s) !=
			    k->ids[m++])
				return kfail(k, x, "the tie is in ballot "
				    "order");
		if (n == 0)
			return kfail(k, a, "nobody to defeat");
		for (i = 0; i < k->pf->ncand; i++)
			k->in[i] = i == k->ids[0];
	}
	for (i = 0; i < k->pf->ncand && !k->in[k->bo[i]]; i++)
		;
	if (cn == NULL || ck_prof_cand(k->pf, cn) != k->bo[i])
		return kfail(k, a, "%s is defeated", k->pf->names[k->bo[i]]);
	for (i = 0; i < k->pf->ncand; i++)
		if (k->in[i]) {
			k->state[i] = DEFEATED;
			k->kf[i] = 0;
			k->nhopeful--;
		}
	return 0;
}

/* An election the record lists next: j, under rule. */
static int
elect(struct mk *k, const struct mj **e, int j, const char *rule)
{
	const char *r = *e != NULL ? mj_str(*e, "rule") : NULL;
	const char *c = *e != NULL ? mj_str(*e, "cand") : NULL;

	if (c == NULL || ck_prof_cand(k->pf, c) != j || r == NULL ||
	    strcmp(r, rule) != 0)
		return kfail(k, *e, "%s is elected next (%s)",
		    k->pf->names[j], rule);
	k->state[j] = ELECTED;
	k->r.order[k->r.nelected++] = j;
	k->nhopeful--;
	*e = (*e)->next;
	return 0;
}

/* The elections after the stage: over the quota (an election stage),
 * in ballot order; then, once the count is complete (and no final
 * redistribution is due), the hopefuls left while seats are. */
static int
elections(struct mk *k, const struct mj *rec, bool quota)
{
	const struct mj *el = mj_get(rec, "elected"), *e;
	int a, i, rc;

	if (el == NULL || el->type != MJ_ARR)
		return kfail(k, rec, "no \"elected\"");
	e = el->kid;
	for (a = 0; quota && a < k->pf->ncand; a++) {
		i = k->bo[a];
		if (k->state[i] == HOPEFUL && gcmp((i128)k->vote[i],
		    (i128)k->quota) > 0 && (rc = elect(k, &e, i, "quota")) != 0)
			return rc;
	}
	if (k->nhopeful <= k->seats - k->r.nelected ||
	    k->seats <= k->r.nelected) {
		if (!k->final_due && k->excluded && k->nhopeful > 0 &&
		    k->r.nelected < k->seats) {
			k->final_due = true;
		} else {
			for (a = 0; a < k->pf->ncand; a++) {
				i = k->bo[a];
				if (k->state[i] != HOPEFUL)
					continue;
				if (k->r.nelected < k->seats) {
					if ((rc = elect(k, &e, i, "rest")) != 0)
						return rc;
				} else {
					k->state[i] = DEFEATED;
				}
			}
			k->r.done = true;
		}
	}
	return e != NULL ? kfail(k, e, "nobody else is elected here") : 0;
}

static int
record(struct ck_run *r, const struct mj *rec)
{
	struct mk *k = (struct mk *)r;
	const struct mj *a = mj_get(rec, "action"), *m = mj_get(rec, "moves");
	const char *kind = mj_str(a, "kind"), *want;
	int64_t niter = 0, sum = 0, nt;
	int i, rc;

	if (k->r.stage == 1) {
		for (i = 0; i < (int)k->pf->npat; i++)
			if (k->pf->pat[i].len > 0)
				k->vote[k->pf->prefs[k->pf->pat[i].off]] +=
				    k->G * (u128)(uint64_t)k->pf->pat[i].w;
		want = "first";
	} else {
		if (mj_str(rec, "iterations") == NULL || ck_parse(mj_str(rec,
		    "iterations"), 0, &niter) != 0 || niter < 1 ||
		    niter > 1000000 || m == NULL || m->type != MJ_ARR ||
		    m->n != 0)
			return kfail(k, rec, "bad \"iterations\" or "
			    "\"moves\"");
		if (k->final_due) {
			if (niter != 1)
				return kfail(k, rec, "one redistribution");
			distribute(k);
		} else if ((rc = iterate(k, rec, niter)) != 0) {
			return rc;
		}
		if ((rc = keeps(k, rec)) != 0)
			return rc;
		want = k->final_due ? "final" : k->status == ST_ELECT ?
		    "elect" : "exclude";
	}
	if (kind == NULL || strcmp(kind, want) != 0)
		return kfail(k, a, "the stage is \"%s\"", want);
	for (i = 0; i < k->pf->ncand; i++)
		sum += k->shown[i] = ck_gshow(k->vote[i]);
	nt = ck_gshow(k->exh);
	if ((rc = ck_totals(r, rec, 9, k->shown, nt, k->valid9 - sum - nt,
	    k->valid9)) != 0)
		return rc;
	k->excluded = strcmp(want, "exclude") == 0;
	if (k->excluded && (rc = exclusion(k, rec)) != 0)
		return rc;
	return elections(k, rec, strcmp(want, "elect") == 0);
}

/* The header: seats, the quota N / (S + 1) as shown, the ballot order. */
static int
header(struct ck_run *r, const struct mj *h)
{
	struct mk *k = (struct mk *)r;
	int j;
	const char *q = mj_str(h, "quota");
	int64_t v;

	if (ck_stv_header(r, h, 9, &k->seats, &k->papers, k->place) != 0)
		return 5;
	for (j = 0; j < k->pf->ncand; j++) {
		k->bo[k->place[j]] = j;
		k->kf[j] = k->G;
	}
	if (k->papers > INT64_C(9000000000))
		return kfail(k, h, "more than 9 * 10^9 papers");
	k->valid9 = k->papers * 1000000000;
	if (q == NULL || ck_parse(q, 9, &v) != 0 || v != ck_gshow(
	    (u128)(uint64_t)k->papers * k->G / (u128)(k->seats + 1)))
		return kfail(k, h, "the quota is not N / (seats + 1)");
	k->nhopeful = k->pf->ncand;
	return 0;
}

static void
drop(struct ck_run *r)
{
	struct mk *k = (struct mk *)r;

	if (k == NULL)
		return;
	free(k->state);
	free(k->bo);
	free(k->place);
	free(k->ids);
	free(k->gs);
	free(k->in);
	free(k->kf);
	free(k->vote);
	free(k->shown);
	free(k->r.order);
	free(k);
}

static struct ck_run *
make(struct ck_prof *pf)
{
	size_t nc = (size_t)pf->ncand + 2;
	struct mk *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->pf = pf;
	k->G = (u128)1000000000 * 1000000000 * 1000000000;
	k->state = calloc(nc, sizeof(int));
	k->bo = calloc(nc, sizeof(int));
	k->place = calloc(nc, sizeof(int));
	k->ids = calloc(nc, sizeof(int));
	k->gs = calloc(nc, sizeof(int));
	k->in = calloc(nc, sizeof(bool));
	k->kf = calloc(nc, sizeof(u128));
	k->vote = calloc(nc, sizeof(u128));
	k->shown = calloc(nc, sizeof(int64_t));
	k->r.order = calloc(nc, sizeof(int));
	if (k->state == NULL || k->bo == NULL || k->place == NULL ||
	    k->ids == NULL || k->gs == NULL || k->in == NULL ||
	    k->kf == NULL || k->vote == NULL || k->shown == NULL ||
	    k->r.order == NULL) {
		drop(&k->r);
		return NULL;
	}
	return &k->r;
}

const struct ck_ops ck_meek_ops = { make, header, record, drop };
