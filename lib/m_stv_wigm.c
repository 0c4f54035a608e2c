/* SPDX-License-Identifier: MIT */
/*
 * m_stv_wigm.c -- STV by the weighted inclusive Gregory method, as
 * Droop's generic `wigm` rule counts it with its defaults: guarded
 * arithmetic (18 + 9 places, floor), quota N/(S+1) exactly, elected when
 * vote > quota, one surplus per round (largest first), one exclusion per
 * round, ties by ballot (input) order. Numbers are shown at 9 places,
 * rounded half up as Droop prints them (display=9); the rounding residue
 * goes to the loss row, which can therefore be a few 10^-9 below zero.
 */
#include <string.h>

#include "stv.h"
#include "cert.h"

#define WIGM_DP 9

struct wigm {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct teller_result *r;
	struct stv_ballots b;
	int ncand, seats, nelected, nhopeful;
	int *state;
	bool *pending;   /* elected, surplus not yet transferred */
	tl_g *vote;
	tl_g quota, exhausted;
	uint32_t *pos;   /* per ballot: index of its current preference */
	tl_g *wt;        /* per ballot: current weight (1 = 10^27) */
	struct tl_vec **at; /* per candidate: ballots (uint32_t) held */
	struct tl_cert *cert; /* the certificate, or NULL (audit.md 5) */
};

/* Ballot k's multiplier times weight, added to *acc. */
static int
add_bal(struct wigm *w, size_t k, tl_g *acc)
{
	return tl_g_addmul(w->ctx, acc, w->wt[k], w->b.w[k]);
}

/*
 * Move ballot k on to its next preference for a hopeful candidate
 * (Droop wigm transfer()): credit it there at its weight, or count it
 * as non-transferable.
 */
static int
advance(struct wigm *w, uint32_t k, int from)
{
	uint32_t end = w->b.off[k + 1] - w->b.off[k];
	const tl_cid *ids = w->b.ids + w->b.off[k];
	int rc;

	while (w->pos[k] < end && w->state[ids[w->pos[k]]] != STV_HOPEFUL)
		w->pos[k]++;
	/* the certificate shows each weight at the display's places */
	if (from >= 0 && w->cert != NULL && (rc = tl_cert_move(w->cert,
	    w->b.pat[k], from, w->pos[k] < end ? ids[w->pos[k]] : -1,
	    w->b.w[k], tl_g_round(w->wt[k], WIGM_DP),
	    "no further preference")) != TELLER_OK)
		return rc;
	if (w->pos[k] >= end)
		return add_bal(w, k, &w->exhausted);
	if (tl_vec_push(w->ctx, w->at[ids[w->pos[k]]], &k) == NULL)
		return TELLER_ENOMEM;
	return add_bal(w, k, &w->vote[ids[w->pos[k]]]);
}

/* Record a stage: votes and non-transferable rounded at WIGM_DP, and the
 * loss taking up the rest, so conservation holds exactly. */
static struct tl_stage *
stage(struct wigm *w, enum tl_stage_kind kind, int subject)
{
	tl_fix *v = tl_alloc(w->ctx, (size_t)w->ncand + 1, sizeof(tl_fix));
	tl_fix nt, sum = 0;
	int i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < w->ncand; i++) {
		v[i] = tl_g_round(w->vote[i], WIGM_DP);
		sum += v[i];
	}
	nt = tl_g_round(w->exhausted, WIGM_DP);
	return tl_result_stage(w->ctx, w->r, kind, subject, v, nt,
	    w->r->valid - sum - nt);
}

/*
 * Transfer the surplus of elected candidate e: every ballot it holds is
 * re-weighted to floor(floor(w * surplus) / vote) (Droop wigm: "b.weight
 * = (b.weight * surplus) / high_candidate.vote") and moves on. Weights
 * repeat, so the new weight is cached per old weight.
 */
static int
xfer_surplus(struct wigm *w, int e)
{
	struct tl_vec *held = w->at[e];
	tl_g surplus, total = w->vote[e];
	tl_g oldw[16], neww[16];
	int ncache = 0, rc;
	size_t i;

	if ((rc = tl_g_sub(w->ctx, w->vote[e], w->quota, &surplus)) != 0)
		return rc;
	w->at[e] = tl_vec_new(w->ctx, sizeof(uint32_t));
	if (w->at[e] == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < held->len; i++) {
		uint32_t k = TL_VEC_AT(held, uint32_t, i);
		int j;
		tl_g nw;

		for (j = 0; j < ncache && !tl_g_eq(oldw[j], w->wt[k]); j++)
			;
		if (j < ncache) {
			nw = neww[j];
		} else {
			if ((rc = tl_g_mul(w->ctx, w->wt[k], surplus, &nw)) ||
			    (rc = tl_g_div(w->ctx, nw, total, &nw)))
				return rc;
			if (ncache < 16) {
				oldw[ncache] = w->wt[k];
				neww[ncache++] = nw;
			}
		}
		w->wt[k] = nw;
		if ((rc = advance(w, k, e)) != TELLER_OK)
			return rc;
	}
	w->vote[e] = w->quota; /* Droop: high_candidate.vote = E.quota */
	return TELLER_OK;
}

/* Exclusion: every ballot the candidate holds moves at its weight. */
static int
xfer_defeat(struct wigm *w, int d)
{
	struct tl_vec *held = w->at[d];
	size_t i;
	int rc;

	w->at[d] = tl_vec_new(w->ctx, sizeof(uint32_t));
	if (w->at[d] == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < held->len; i++)
		if ((rc = advance(w, TL_VEC_AT(held, uint32_t, i), d)) != 0)
			return rc;
	w->vote[d] = tl_g_zero();
	return TELLER_OK;
}

static int
elect(struct wigm *w, int i, bool pend)
{
	int rc;

	w->state[i] = STV_ELECTED;
	w->pending[i] = pend;
	w->nelected++;
	w->nhopeful--;
	/* "quota": vote > quota; "rest": the hopefuls left at the end */
	if (w->cert != NULL && (rc = tl_cert_elect(w->cert, i, pend ?
	    "quota" : "rest")) != TELLER_OK)
		return rc;
	return tl_result_elect(w->ctx, w->r, i);
}

/*
 * Elect every hopeful with vote > quota (strict: guarded counts as exact
 * in Droop), in descending order of votes; Droop sorts by (vote, ballot
 * order) reversed, so equal votes go later-in-ballot-order first.
 */
static int
elect_quota(struct wigm *w)
{
	for (;;) {
		int best = -1, i, rc;

		for (i = 0; i < w->ncand; i++) {
			if (w->state[i] != STV_HOPEFUL ||
			    tl_g_cmp(w->vote[i], w->quota) <= 0)
				continue;
			if (best < 0 ||
			    tl_g_cmp(w->vote[i], w->vote[best]) >= 0)
				best = i;
		}
		if (best < 0)
			return TELLER_OK;
		if ((rc = elect(w, best, true)) != TELLER_OK)
			return rc;
	}
}

/* The candidates (in mask) whose vote equals the extreme one (max if
 * hi), in ballot order; returns how many. */
static int
extreme(struct wigm *w, bool hi, bool pend, int *out)
{
	int i, n = 0, ext = -1;

	for (i = 0; i < w->ncand; i++) {
		bool ok = pend ? (w->state[i] == STV_ELECTED && w->pending[i])
			       : w->state[i] == STV_HOPEFUL;
		if (ok && (ext < 0 || tl_g_cmp_exact(w->vote[i],
		    w->vote[ext]) == (hi ? 1 : -1)))
			ext = i;
	}
	if (ext < 0)
		return 0;
	for (i = 0; i < w->ncand; i++) {
		bool ok = pend ? (w->state[i] == STV_ELECTED && w->pending[i])
			       : w->state[i] == STV_HOPEFUL;
		if (ok && tl_g_cmp(w->vote[i], w->vote[ext]) == 0)
			out[n++] = i;
	}
	return n;
}

/* Droop's byTieOrder(tied)[0]: the input's [tie] order, else ballot
 * order (tied[] is in ballot order). */
static int
tie_pick(const struct teller_contest *c, const int *tied, int n)
{
	int k = tl_tie_order_first(c, tied, n);

	return k < 0 ? 0 : k;
}

/* The certificate's record of stage st (its subject chosen among
 * tied[0..n) in ballot order: the first), surplus sur shown. */
static int
cert_stage(struct wigm *w, const struct tl_stage *st, const int *tied,
    int n, tl_fix sur)
{
	struct tl_cert_why why;
	bool s = st->kind == TL_STAGE_SURPLUS;

	if (w->cert == NULL)
		return TELLER_OK;
	memset(&why, 0, sizeof(why));
	why.bare = true;
	why.rule = n > 1 ? "ballot order" : s ? "largest" : "lowest";
	why.tie = tied;
	why.ntie = n;
	return tl_cert_stage(w->cert, st->number, s ? "surplus" : "exclude",
	    st->subject, sur, s ? st->value : 0, &why, st->votes,
	    st->nontrans, st->loss);
}

static int
run(struct wigm *w)
{
	int *tied = tl_alloc(w->ctx, (size_t)w->ncand + 1, sizeof(int));
	int rc, i, n;
	size_t k;
	struct tl_stage *st;
	tl_g tv;

	if (tied == NULL)
		return TELLER_ENOMEM;
	/* First stage: each ballot to its first preference at weight 1. */
	for (k = 0; k < w->b.n; k++) {
		w->wt[k] = tl_g_one();
		w->pos[k] = 0;
		if ((rc = advance(w, (uint32_t)k, -1)) != TELLER_OK)
			return rc;
	}
	if ((st = stage(w, TL_STAGE_FIRST, -1)) == NULL)
		return TELLER_ENOMEM;
	if (w->cert != NULL && (rc = tl_cert_stage(w->cert, 1, "first", -1,
	    0, 0, NULL, st->votes, st->nontrans, st->loss)) != TELLER_OK)
		return rc;
	if ((rc = tl_result_check(w->ctx, w->r)) != TELLER_OK)
		return rc;

	/* Droop wigm: while len(hopeful) > seatsLeftToFill > 0: a round. */
	while (w->nhopeful > w->seats - w->nelected &&
	    w->seats - w->nelected > 0) {
		int tkind, subj, kind;
		tl_fix value = -1, sur = 0;

		/* Elect new winners (pending transfer). */
		if ((rc = elect_quota(w)) != TELLER_OK ||
		    (w->cert != NULL && (rc = tl_cert_flush(w->cert)) != 0))
			return rc;
		if ((n = extreme(w, true, true, tied)) > 0) {
			/* Highest surplus = highest vote among pending; a
			 * tie goes to the first in tie order: the input's
			 * [tie], else ballot order (Droop byTieOrder). */
			subj = tied[tie_pick(w->c, tied, n)];
			tkind = TL_TIEK_SURPLUS;
			w->pending[subj] = false;
			if ((rc = tl_g_sub(w->ctx, w->vote[subj], w->quota,
			    &tv)) != TELLER_OK)
				return rc;
			sur = tl_g_round(tv, WIGM_DP); /* shown */
			if ((rc = tl_g_div(w->ctx, tv, w->vote[subj], &tv)) !=
			    TELLER_OK)
				return rc;
			value = tl_g_round(tv, WIGM_DP);
			if ((rc = xfer_surplus(w, subj)) != TELLER_OK)
				return rc;
			kind = TL_STAGE_SURPLUS;
		} else if ((n = extreme(w, false, false, tied)) > 0) {
			/* Defeat the lowest; a tie goes to tie order. */
			subj = tied[tie_pick(w->c, tied, n)];
			tkind = TL_TIEK_EXCLUDE;
			w->state[subj] = STV_DEFEATED;
			w->nhopeful--;
			if ((rc = xfer_defeat(w, subj)) != TELLER_OK)
				return rc;
			kind = TL_STAGE_EXCLUSION;
		} else {
			continue;
		}
		if ((st = stage(w, kind, subj)) == NULL)
			return TELLER_ENOMEM;
		st->value = value; /* surplus / vote, rounded, for show */
		if ((rc = cert_stage(w, st, tied, n, sur)) != TELLER_OK)
			return rc;
		if (kind == TL_STAGE_EXCLUSION &&
		    (rc = tl_result_exclude(w->ctx, w->r, subj)) != 0)
			return rc;
		if (n > 1 && (rc = tl_result_tie(w->ctx, w->r, tkind,
		    w->c->tie_order != NULL ? TL_TIE_TIEORDER : TL_TIE_ORDER,
		    tied, n, subj, 0)) != TELLER_OK)
			return rc;
		if ((rc = tl_result_check(w->ctx, w->r)) != TELLER_OK)
			return rc;
	}
	/* Election over: any pending are elected already; elect or defeat
	 * the remaining hopefuls, in ballot order. */
	for (i = 0; i < w->ncand; i++) {
		if (w->state[i] != STV_HOPEFUL)
			continue;
		if (w->nelected < w->seats) {
			if ((rc = elect(w, i, false)) != TELLER_OK)
				return rc;
		} else {
			w->state[i] = STV_DEFEATED;
		}
	}
	return TELLER_OK;
}

int
tl_m_stv_wigm(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct wigm w;
	tl_g n;
	int rc, i;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.c = c;
	w.ncand = c->ncand;
	if ((rc = tl_stv_prepare(ctx, c, p, rules, "stv-wigm", false, &w.b,
	    &w.seats)) != TELLER_OK)
		return rc;
	if (w.b.total > INT64_C(9000000000))
		return tl_fail(ctx, TELLER_EOVERFLOW, "stv-wigm: more than "
		    "9*10^9 ballots");
	w.r = tl_result_new(ctx, c, "stv-wigm", w.seats, WIGM_DP);
	w.state = tl_alloc(ctx, (size_t)w.ncand + 1, sizeof(int));
	w.pending = tl_alloc(ctx, (size_t)w.ncand + 1, sizeof(bool));
	w.vote = tl_alloc(ctx, (size_t)w.ncand + 1, sizeof(tl_g));
	w.at = tl_alloc(ctx, (size_t)w.ncand + 1, sizeof(struct tl_vec *));
	w.pos = tl_alloc(ctx, w.b.n + 1, sizeof(uint32_t));
	w.wt = tl_alloc(ctx, w.b.n + 1, sizeof(tl_g));
	if (w.r == NULL || w.state == NULL || w.pending == NULL ||
	    w.vote == NULL || w.at == NULL || w.pos == NULL || w.wt == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < w.ncand; i++)
		if ((w.at[i] = tl_vec_new(ctx, sizeof(uint32_t))) == NULL)
			return TELLER_ENOMEM;
	w.nhopeful = tl_stv_states(c, w.state);
	if ((rc = tl_g_from_int(ctx, w.b.total, &n)) != TELLER_OK)
		return rc;
	/* Quota N/(S+1), fractional and static (Droop wigm calcQuota with
	 * exact arithmetic: V(nBallots) / V(nSeats+1)). */
	w.quota = tl_g_div_int(n, w.seats + 1);
	w.r->valid = w.b.total * tl_num_pow10(WIGM_DP);
	if ((rc = tl_stv_rejected(ctx, w.r, &w.b)) != TELLER_OK)
		return rc;
	w.r->has_quota = true;
	w.r->quota = tl_g_round(w.quota, WIGM_DP);
	if ((w.cert = ctx->cert) != NULL) {
		if (c->tie_order != NULL)
			return tl_fail(ctx, TELLER_EINVAL, "stv-wigm: no count "
			    "certificate with a [tie] order");
		tl_cert_header(w.cert, w.r->quota, w.seats, WIGM_DP);
	}
	if ((rc = run(&w)) != TELLER_OK ||
	    (w.cert != NULL && (rc = tl_cert_end(w.cert, w.r)) != 0))
		return rc;
	*out = w.r;
	return TELLER_OK;
}
