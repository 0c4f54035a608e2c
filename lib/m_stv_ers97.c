/* SPDX-License-Identifier: MIT */
/*
 * m_stv_ers97.c -- STV under the Electoral Reform Society's 1997 rules
 * (ERS97), as OpenSTV 1.7's ERS97STV applies them: values in hundredths,
 * floored; the quota recomputed until the first election; a surplus moves
 * only the last parcel received; surpluses deferred while sure losers
 * exist; sure losers excluded together, their papers moved in sub-stages
 * by transfer value (each sub-stage is a stage here); ties by the first
 * stage at which the tied candidates differed, then by lot.
 */
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "stv.h"

#define ERS_DP 2
#define P 100 /* one vote in hundredths */

struct vi {
	int64_t v;
	int i;
};

static int
by_vi(const void *x, const void *y)
{
	const struct vi *a = x, *b = y;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

static int
by_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

struct ers {
	teller_ctx *ctx;
	const struct teller_contest *c;
	struct teller_result *r;
	struct stv_ballots b;
	struct tl_lots lots;
	int ncand, seats;
	int *state;
	bool *over;          /* elected with a surplus not yet transferred */
	int64_t *cnt;        /* votes now, in hundredths */
	int64_t *tv;         /* per ballot: transfer value in hundredths */
	int *cur;            /* per ballot: holder, or -1 */
	struct tl_vec **held;  /* per candidate: ballots (maybe stale) */
	struct tl_vec **last;  /* per candidate: the last parcel received */
	struct tl_vec **fresh; /* per candidate: parcel being received */
	int64_t quota, thresh, surplus, nontrans;
	int nwin, ncont;
	bool first_elim;
	int *tmp, *tmp2;
	struct vi *sv;       /* scratch for sorting, [ncand] */
	bool *mark;          /* scratch, [ncand] */
	/* the certificate, or NULL (audit.md 5): the stage's record */
	struct tl_cert *cert;
	const char *ckind;   /* "first", "surplus", "exclude" */
	const char *erule;   /* the rule electing after this stage */
	int64_t csur, ctv;   /* surplus and its tv (-1: values kept) */
	struct tl_cert_why why;
	bool *out;           /* [ncand] excluded together */
	/* the last tie weak_tie met: tie[0..ntie) (ntie > 1), lot drawn */
	int *tie, ntie;
	bool tielot;
};

static bool
continuing(const struct ers *e, int i)
{
	return e->state[i] == STV_HOPEFUL;
}

/* 5.5: over when the places are filled or no more candidates remain than
 * places (OpenSTV stop conditions "Know Winners" and "N"). */
static bool
over(const struct ers *e)
{
	return e->nwin == e->seats || e->ncont + e->nwin <= e->seats;
}

/* ceil(a / b) for a >= 0, b > 0 */
static int64_t
ceildiv(int64_t a, int64_t b)
{
	return a / b + (a % b != 0);
}

/* The next continuing candidate on ballot k, or -1 (6.10). */
static int
next_pref(const struct ers *e, uint32_t k)
{
	uint32_t j;

	for (j = e->b.off[k]; j < e->b.off[k + 1]; j++)
		if (continuing(e, e->b.ids[j]))
			return e->b.ids[j];
	return -1;
}

/* Credit ballot k to candidate d as part of the parcel d receives now. */
static int
give(struct ers *e, uint32_t k, int d)
{
	e->cur[k] = d;
	if (tl_vec_push(e->ctx, e->held[d], &k) == NULL ||
	    tl_vec_push(e->ctx, e->fresh[d], &k) == NULL)
		return TELLER_ENOMEM;
	return TELLER_OK;
}

/* The parcels just received become each receiver's last parcel (5.3.2:
 * "only the last received batch"); candidates who received none keep
 * their previous one. */
static void
close_parcels(struct ers *e)
{
	int i;

	for (i = 0; i < e->ncand; i++) {
		if (e->fresh[i]->len == 0)
			continue;
		struct tl_vec *t = e->last[i];
		e->last[i] = e->fresh[i];
		e->fresh[i] = t;
		e->fresh[i]->len = 0;
	}
}

/* Recount everyone still holding papers (OpenSTV updateCount: losers,
 * continuing and winners with a surplus); winners whose surplus has gone
 * keep their quota. Stale entries are dropped from the lists. */
static int
recount(struct ers *e)
{
	int i;

	for (i = 0; i < e->ncand; i++) {
		struct tl_vec *h = e->held[i];
		size_t j, n = 0;
		int64_t s = 0;

		if (e->state[i] == STV_WITHDRAWN ||
		    (e->state[i] == STV_ELECTED && !e->over[i]))
			continue;
		for (j = 0; j < h->len; j++) {
			uint32_t k = TL_VEC_AT(h, uint32_t, j);
			int64_t v;
			if (e->cur[k] != i)
				continue;
			TL_VEC_AT(h, uint32_t, n++) = k;
			if (tl_num_mul(e->ctx, e->b.w[k], e->tv[k], &v) ||
			    tl_num_add(e->ctx, s, v, &s))
				return TELLER_EOVERFLOW;
		}
		h->len = n;
		e->cnt[i] = s;
	}
	return TELLER_OK;
}

/*
 * Quota and threshold (OpenSTV ERS97STV.updateThresh). 5.1.6 and 5.4.8:
 * until someone is elected the quota is recomputed as the valid vote less
 * the non-transferable vote, over places + 1, to 2 places rounded up.
 * 5.1.7(b): the threshold is the total active vote over (places not yet
 * filled + 1), rounded up the same way.
 */
static void
update_thresh(struct ers *e)
{
	int64_t active = 0, all = 0;
	int i, rem = e->seats - e->nwin;

	for (i = 0; i < e->ncand; i++)
		all += e->cnt[i];
	if (e->nwin == 0)
		e->quota = ceildiv(all, e->seats + 1);
	for (i = 0; i < e->ncand; i++) {
		if (e->state[i] == STV_HOPEFUL || e->state[i] == STV_DEFEATED)
			active += e->cnt[i];
		else if (e->state[i] == STV_ELECTED && e->over[i] &&
		    e->cnt[i] > e->quota)
			active += e->cnt[i] - e->quota;
	}
	if (rem > 0)
		e->thresh = ceildiv(active, rem + 1);
}

/* 6.18: the surpluses of winners and continuing candidates. */
static void
update_surplus(struct ers *e)
{
	int i;

	e->surplus = 0;
	for (i = 0; i < e->ncand; i++)
		if ((continuing(e, i) || (e->state[i] == STV_ELECTED &&
		    e->over[i])) && e->cnt[i] > e->quota)
			e->surplus += e->cnt[i] - e->quota;
}

/* Votes of candidate i at stage index s (0-based). */
static int64_t
at_stage(const struct ers *e, size_t s, int i)
{
	return TL_STAGE(e->r, s)->votes[i];
}

/*
 * Break a tie among list[0..n) for the most (or fewest) votes at the
 * newest stage: 5.2.3 / 5.2.5 / 5.6.2 look "at the first stage or at the
 * earliest point in the count ... where they had unequal votes" (OpenSTV
 * "forward": narrow the tied set stage by stage from the first); if equal
 * throughout, by lot. Records the tie (kind) when there was one.
 */
static int
weak_tie(struct ers *e, const int *list, int n, bool most,
    enum tl_tie_kind kind, int *out)
{
	size_t ns = e->r->stages->len, s;
	int *t = e->tmp2, nt = 0, i, best, rc;
	enum tl_tie_how how = TL_TIE_EARLIER;
	uint64_t draw = 0;

	for (i = 0; i < n; i++) {
		int64_t v = at_stage(e, ns - 1, list[i]);
		if (nt == 0 || (most ? v > at_stage(e, ns - 1, t[0])
				     : v < at_stage(e, ns - 1, t[0])))
			nt = 0;
		if (nt == 0 || v == at_stage(e, ns - 1, t[0]))
			t[nt++] = list[i];
	}
	e->ntie = 0;
	if (nt == 1) {
		*out = t[0];
		return TELLER_OK;
	}
	/* sorted by candidate number, as OpenSTV lists them */
	qsort(t, (size_t)nt, sizeof(int), by_int);
	int *all = tl_alloc(e->ctx, (size_t)nt + 1, sizeof(int));
	if (all == NULL)
		return TELLER_ENOMEM;
	memcpy(all, t, (size_t)nt * sizeof(int));
	int nall = nt;
	for (s = 0; s + 1 < ns && nt > 1; s++) {
		int k = 0;
		int64_t ext = at_stage(e, s, t[0]);
		for (i = 1; i < nt; i++) {
			int64_t v = at_stage(e, s, t[i]);
			if (most ? v > ext : v < ext)
				ext = v;
		}
		for (i = 0; i < nt; i++)
			if (at_stage(e, s, t[i]) == ext)
				t[k++] = t[i];
		nt = k;
	}
	e->tie = all;
	e->ntie = nall;
	e->tielot = nt > 1;
	if (nt == 1) {
		best = t[0];
	} else {
		int lot;
		if ((rc = tl_lots_draw(e->ctx, &e->lots, (int)ns, kind, !most,
		    t, nt, &lot, &draw, &how)) != TELLER_OK)
			return rc;
		best = t[lot];
	}
	if ((rc = tl_result_tie(e->ctx, e->r, kind, how, all, nall, best,
	    draw)) != TELLER_OK)
		return rc;
	*out = best;
	return TELLER_OK;
}

/*
 * 5.1.7, 5.3.13, 5.4.9: deem elected, in descending order of votes, every
 * continuing candidate with votes >= the threshold (never below 0.01).
 * 5.6.2: if that is one more than the places left, the one with fewest
 * votes at the earliest differing stage is left out. The threshold falls
 * as candidates are elected, so look again.
 */
static int
update_winners(struct ers *e)
{
	for (;;) {
		int *pot = e->tmp, n = 0, i, j, rc, drop;
		int64_t lim = e->thresh > 1 ? e->thresh : 1;

		for (i = 0; i < e->ncand; i++)
			if (continuing(e, i) && e->cnt[i] >= lim)
				pot[n++] = i;
		if (n + e->nwin > e->seats + 1)
			return tl_fail(e->ctx, TELLER_EINTERNAL, "ers97: too "
			    "many candidates over the threshold");
		if (n > 0 && n + e->nwin == e->seats + 1) {
			if ((rc = weak_tie(e, pot, n, false, TL_TIEK_ELECT,
			    &drop)) != TELLER_OK)
				return rc;
			if (e->cert != NULL && e->ntie > 1 && e->tielot)
				return tl_fail(e->ctx, TELLER_EINVAL,
				    "stv-ers97: a certificate cannot yet "
				    "record a lot leaving a candidate out "
				    "(5.6.2)");
			for (i = j = 0; i < n; i++)
				if (pot[i] != drop)
					pot[j++] = pot[i];
			n = j;
		}
		if (n == 0)
			return TELLER_OK;
		/* descending votes, then candidate number */
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && e->cnt[pot[j - 1]] <
			    e->cnt[pot[j]]; j--) {
				int x = pot[j];
				pot[j] = pot[j - 1];
				pot[j - 1] = x;
			}
		for (i = 0; i < n; i++) {
			e->state[pot[i]] = STV_ELECTED;
			e->over[pot[i]] = true;
			e->nwin++;
			e->ncont--;
			if ((rc = tl_result_elect(e->ctx, e->r, pot[i])) != 0 ||
			    (e->cert != NULL && (rc = tl_cert_elect(e->cert,
			    pot[i], e->erule)) != 0))
				return rc;
		}
		update_thresh(e);
		update_surplus(e);
		if (e->nwin >= e->seats)
			return TELLER_OK;
	}
}

/* Recount, push the stage, then deem candidates elected (OpenSTV
 * updateRound). */
static struct tl_stage *
round_end(struct ers *e, enum tl_stage_kind kind, int subject, int64_t value)
{
	struct tl_stage *st;
	int64_t sum = 0;
	int i;

	if (recount(e) != TELLER_OK)
		return NULL;
	update_thresh(e);
	update_surplus(e);
	for (i = 0; i < e->ncand; i++)
		sum += e->cnt[i];
	st = tl_result_stage(e->ctx, e->r, kind, subject, e->cnt,
	    e->nontrans, e->r->valid - sum - e->nontrans);
	if (st == NULL)
		return NULL;
	st->value = value;
	if (e->cert != NULL && tl_cert_stage(e->cert, st->number, e->ckind,
	    subject, e->csur, e->ctv, &e->why, st->votes, st->nontrans,
	    st->loss) != TELLER_OK)
		return NULL;
	if (tl_result_check(e->ctx, e->r) != TELLER_OK ||
	    update_winners(e) != TELLER_OK)
		return NULL;
	return st;
}

/*
 * 5.2.2, 5.2.5: sure losers -- the longest run of lowest candidates
 * (never splitting equal votes) whose votes, with all surpluses, do not
 * exceed the next candidate's, leaving enough for the places. Returns
 * how many, in out[] (ascending votes).
 */
static int
sure_losers(struct ers *e, int *out)
{
	int *s = e->tmp, n = 0, i, j, nl = 0, maxl;
	int64_t tot = 0, acc;

	maxl = e->ncont + e->nwin - e->seats;
	for (i = 0; i < e->ncand; i++)
		if (continuing(e, i)) {
			s[n++] = i;
			tot += e->cnt[i];
		}
	if (tot == 0 && e->surplus == 0) {
		memcpy(out, s, (size_t)n * sizeof(int));
		return n;
	}
	/* ascending votes, then candidate number */
	for (i = 0; i < n; i++) {
		e->sv[i].v = e->cnt[s[i]];
		e->sv[i].i = s[i];
	}
	qsort(e->sv, (size_t)n, sizeof(*e->sv), by_vi);
	for (i = 0; i < n; i++)
		s[i] = e->sv[i].i;
	acc = e->surplus;
	for (i = 0; i < n; ) {
		int64_t v = e->cnt[s[i]];
		for (j = i; j < n && e->cnt[s[j]] == v; j++)
			acc += v;
		if (j >= n)
			break; /* never the top cluster */
		if (acc <= e->cnt[s[j]] && j <= maxl)
			nl = j;
		i = j;
	}
	memcpy(out, s, (size_t)nl * sizeof(int));
	return nl;
}

/* The certificate's why of the stage about to be counted: rule, the set
 * excluded together (or NULL), the tie weak_tie last met. */
static void
cert_why(struct ers *e, const char *rule, const bool *set)
{
	memset(&e->why, 0, sizeof(e->why));
	e->why.rule = rule;
	e->why.bare = true;
	e->why.in = set;
	e->why.inkey = "excluded";
	e->why.tie = e->tie;
	e->why.ntie = e->ntie;
	e->why.lot = e->tielot;
}

/* 5.3: transfer the surplus of the winner with the largest surplus. */
static int
do_surplus(struct ers *e)
{
	int *w = e->tmp, n = 0, i, c, rc;
	int64_t surplus, tval = 0, npap = 0, moved = 0, ntv = -1;
	struct tl_vec *lp;
	size_t j;

	/* the stage before, with its elections, is complete */
	if (e->cert != NULL && (rc = tl_cert_flush(e->cert)) != TELLER_OK)
		return rc;
	for (i = 0; i < e->ncand; i++)
		if (e->state[i] == STV_ELECTED && e->over[i])
			w[n++] = i;
	/* 5.2.3: largest first; equal: earliest differing stage, lot */
	if ((rc = weak_tie(e, w, n, true, TL_TIEK_SURPLUS, &c)) != 0)
		return rc;
	cert_why(e, "5.2.3", NULL);
	e->over[c] = false;
	surplus = e->cnt[c] - e->quota;
	lp = e->last[c];
	/* 5.3.7: the value of the transferable papers of the last parcel */
	for (j = 0; j < lp->len; j++) {
		uint32_t k = TL_VEC_AT(lp, uint32_t, j);
		if (next_pref(e, k) >= 0) {
			tval += e->b.w[k] * e->tv[k];
			npap += e->b.w[k];
		}
	}
	if (tval > surplus)
		ntv = surplus / npap; /* to 2 places, remainder ignored */
	for (j = 0; j < lp->len; j++) {
		uint32_t k = TL_VEC_AT(lp, uint32_t, j);
		int d = next_pref(e, k);
		if (ntv >= 0)
			e->tv[k] = ntv;
		if (d >= 0) {
			if ((rc = give(e, k, d)) != TELLER_OK ||
			    (e->cert != NULL && (rc = tl_cert_move(e->cert,
			    e->b.pat[k], c, d, e->b.w[k], e->tv[k], NULL)) !=
			    TELLER_OK))
				return rc;
			moved += e->b.w[k] * e->tv[k];
		}
	}
	/* Every paper c held leaves the count; c keeps the quota. */
	for (j = 0; j < e->held[c]->len; j++) {
		uint32_t k = TL_VEC_AT(e->held[c], uint32_t, j);
		if (e->cur[k] == c)
			e->cur[k] = -1;
	}
	e->held[c]->len = 0;
	/* 5.3.9: a neglected remainder is the non-transferable difference
	 * (shown as loss); surplus with no next preference is
	 * non-transferable. */
	if (ntv < 0)
		e->nontrans += surplus - moved;
	e->cnt[c] = e->quota;
	close_parcels(e);
	e->ckind = "surplus";
	e->erule = "5.3.13";
	e->csur = surplus;
	e->ctv = ntv;
	if (round_end(e, TL_STAGE_SURPLUS, c, ntv) == NULL)
		return e->ctx->err ? e->ctx->err : TELLER_ENOMEM;
	return TELLER_OK;
}

/* 5.2.5: who is excluded (OpenSTV selectCandidatesToEliminate with
 * batch elimination "LosersERS97"). */
static int
choose_losers(struct ers *e, int *out, int *nout)
{
	int n = 0, i, rc, c;

	if (e->first_elim) {
		n = sure_losers(e, out);
		if (e->surplus == 0) {
			int64_t tot = 0;
			int *ctng = e->tmp2 + e->ncand, nc = 0;
			memset(e->mark, 0, (size_t)e->ncand * sizeof(bool));
			for (i = 0; i < n; i++) {
				tot += e->cnt[out[i]];
				e->mark[out[i]] = true;
			}
			for (i = 0; i < e->ncand; i++)
				if (continuing(e, i) && !e->mark[i])
					ctng[nc++] = i;
			if (nc + e->nwin > e->seats && tot == 0) {
				int *copy = tl_alloc(e->ctx, (size_t)nc + 1,
				    sizeof(int));
				if (copy == NULL)
					return TELLER_ENOMEM;
				memcpy(copy, ctng, (size_t)nc * sizeof(int));
				if ((rc = weak_tie(e, copy, nc, false,
				    TL_TIEK_EXCLUDE, &c)) != TELLER_OK)
					return rc;
				out[n++] = c;
			}
		}
	}
	if (!e->first_elim || n == 0) {
		n = sure_losers(e, out);
		if (n == 0) {
			int *cs = tl_alloc(e->ctx, (size_t)e->ncand + 1,
			    sizeof(int)), nc = 0;
			if (cs == NULL)
				return TELLER_ENOMEM;
			for (i = 0; i < e->ncand; i++)
				if (continuing(e, i))
					cs[nc++] = i;
			if ((rc = weak_tie(e, cs, nc, false, TL_TIEK_EXCLUDE,
			    &c)) != TELLER_OK)
				return rc;
			out[n++] = c;
		}
	}
	e->first_elim = false;
	*nout = n;
	return TELLER_OK;
}

struct bal_tv {
	int64_t tv;
	uint32_t k;
};

static int
by_tv_desc(const void *a, const void *b)
{
	const struct bal_tv *x = a, *y = b;

	if (x->tv != y->tv)
		return x->tv > y->tv ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* Ballot k moves from its holder to d (-1: non-transferable) in a batch
 * from several excluded at once: add its value to mv[giver][to]. */
static int
batch_move(struct ers *e, int64_t *mv, uint32_t k, int d)
{
	int64_t x, *cell = &mv[(size_t)e->cur[k] * (size_t)(e->ncand + 1) +
	    (size_t)(d >= 0 ? d : e->ncand)];

	if (tl_num_mul(e->ctx, e->b.w[k], e->tv[k], &x) ||
	    tl_num_add(e->ctx, *cell, x, cell))
		return TELLER_EOVERFLOW;
	return TELLER_OK;
}

/* The batch's transfers on its stage: each giver in candidate order, to
 * each candidate, then to the non-transferable; exactly the votes the
 * recount moved, so the stage's bands add up (reports.md 11, item 14). */
static int
batch_record(struct ers *e, const int64_t *mv)
{
	int f, t, rc;

	for (f = 0; f < e->ncand; f++)
		for (t = 0; t <= e->ncand; t++) {
			int64_t x = mv[(size_t)f * (size_t)(e->ncand + 1) +
			    (size_t)t];
			if (x != 0 && (rc = tl_result_transfer(e->ctx, e->r, f,
			    t < e->ncand ? t : TL_TO_NONTRANS, x)) != 0)
				return rc;
		}
	return TELLER_OK;
}

/* 5.4: exclude; papers move in batches by transfer value, highest first,
 * each batch a stage of its own (5.4.11), elections checked after each. */
static int
do_exclude(struct ers *e)
{
	int *lose = tl_alloc(e->ctx, (size_t)e->ncand + 1, sizeof(int));
	int n, i, rc, nsub = 0, sub;
	struct tl_vec *bt = tl_vec_new(e->ctx, sizeof(struct bal_tv));
	struct tl_stage *st;
	int64_t *mv = NULL; /* [giver][to], to == ncand: non-transferable */
	size_t j, at;

	if (lose == NULL || bt == NULL)
		return TELLER_ENOMEM;
	e->ntie = 0;
	if ((e->cert != NULL && (rc = tl_cert_flush(e->cert)) != 0) ||
	    (rc = choose_losers(e, lose, &n)) != TELLER_OK)
		return rc;
	memset(e->out, 0, (size_t)e->ncand * sizeof(bool));
	for (i = 0; i < n; i++)
		e->out[lose[i]] = true;
	cert_why(e, "5.2.5", e->out);
	e->ckind = "exclude";
	e->erule = "5.4.9";
	e->csur = e->ctv = 0;
	/* several excluded at once: their transfers, by giver (issue 11) */
	if (n > 1 && (mv = tl_alloc(e->ctx, (size_t)e->ncand *
	    (size_t)(e->ncand + 1), sizeof(*mv))) == NULL)
		return TELLER_ENOMEM;
	qsort(lose, (size_t)n, sizeof(int), by_int); /* candidate order */
	for (i = 0; i < n; i++) {
		e->state[lose[i]] = STV_DEFEATED;
		e->ncont--;
		for (j = 0; j < e->held[lose[i]]->len; j++) {
			struct bal_tv x;
			x.k = TL_VEC_AT(e->held[lose[i]], uint32_t, j);
			x.tv = e->tv[x.k];
			if (e->cur[x.k] == lose[i] &&
			    tl_vec_push(e->ctx, bt, &x) == NULL)
				return TELLER_ENOMEM;
		}
	}
	if (bt->len > 1)
		qsort(bt->data, bt->len, sizeof(struct bal_tv), by_tv_desc);
	for (j = 0; j < bt->len; j++)
		if (j == 0 || TL_VEC_AT(bt, struct bal_tv, j).tv !=
		    TL_VEC_AT(bt, struct bal_tv, j - 1).tv)
			nsub++;
	if (nsub == 0) {
		/* all excluded candidates had no papers */
		if ((st = round_end(e, TL_STAGE_EXCLUSION, lose[0], -1)) ==
		    NULL)
			return e->ctx->err ? e->ctx->err : TELLER_ENOMEM;
		for (i = 0; i < n; i++)
			if ((rc = tl_result_exclude(e->ctx, e->r, lose[i])))
				return rc;
		return TELLER_OK;
	}
	for (at = 0, sub = 0; at < bt->len; sub++) {
		int64_t v = TL_VEC_AT(bt, struct bal_tv, at).tv;
		if (e->cert != NULL && (rc = tl_cert_flush(e->cert)) != 0)
			return rc;
		if (n > 1)
			memset(mv, 0, (size_t)e->ncand *
			    (size_t)(e->ncand + 1) * sizeof(*mv));
		for (; at < bt->len && TL_VEC_AT(bt, struct bal_tv, at).tv ==
		    v; at++) {
			uint32_t k = TL_VEC_AT(bt, struct bal_tv, at).k;
			int d = next_pref(e, k);
			if (n > 1 && (rc = batch_move(e, mv, k, d)) != 0)
				return rc;
			if (e->cert != NULL && (rc = tl_cert_move(e->cert,
			    e->b.pat[k], e->cur[k], d, e->b.w[k], e->tv[k],
			    "no further preference")) != TELLER_OK)
				return rc;
			if (d >= 0) {
				if ((rc = give(e, k, d)) != TELLER_OK)
					return rc;
			} else {
				e->cur[k] = -1;
				e->nontrans += e->b.w[k] * e->tv[k];
			}
		}
		close_parcels(e);
		if ((st = round_end(e, TL_STAGE_EXCLUSION, lose[0], v)) ==
		    NULL)
			return e->ctx->err ? e->ctx->err : TELLER_ENOMEM;
		if (nsub > 1)
			st->note = "sub-stage: papers of one transfer value";
		/* 5.4.11: the next sub-stage moves the next value */
		cert_why(e, "5.4.11", NULL);
		if (n > 1 && (rc = batch_record(e, mv)) != TELLER_OK)
			return rc;
		if (sub == 0)
			for (i = 0; i < n; i++)
				if ((rc = tl_result_exclude(e->ctx, e->r,
				    lose[i])) != TELLER_OK)
					return rc;
		if (over(e))
			break;
	}
	return TELLER_OK;
}

static int
run(struct ers *e)
{
	size_t k;
	int rc, i;

	/* 5.1: first preferences; the first parcel is all of them. */
	for (k = 0; k < e->b.n; k++) {
		e->tv[k] = P;
		if ((rc = give(e, (uint32_t)k, e->b.ids[e->b.off[k]])) != 0)
			return rc;
	}
	close_parcels(e);
	e->ckind = "first";
	e->erule = "5.1.7";
	if (round_end(e, TL_STAGE_FIRST, -1, -1) == NULL)
		return e->ctx->err ? e->ctx->err : TELLER_ENOMEM;
	if (e->cert != NULL)
		tl_cert_header(e->cert, e->quota, e->seats, ERS_DP);
	e->r->quota = e->quota;
	while (!over(e)) {
		/* 5.2.2: transfer the largest surplus unless there is none,
		 * or it is deferred because sure losers exist. */
		if (e->surplus != 0 && sure_losers(e, e->tmp2) == 0)
			rc = do_surplus(e);
		else
			rc = do_exclude(e);
		if (rc != TELLER_OK)
			return rc;
		if (e->nwin == 0)
			e->r->quota = e->quota;
	}
	e->r->quota = e->quota;
	/* 5.5: the count is complete. If places remain, the continuing
	 * candidates with votes are deemed elected (OpenSTV
	 * updateCandidateStatus). */
	if (e->nwin < e->seats) {
		int *cs = tl_alloc(e->ctx, (size_t)e->ncand + 1, sizeof(int));
		int nc = 0, drop;

		if (cs == NULL)
			return TELLER_ENOMEM;
		for (i = 0; i < e->ncand; i++)
			if (continuing(e, i) && e->cnt[i] == 0) {
				e->state[i] = STV_DEFEATED;
				e->ncont--;
			}
		for (i = 0; i < e->ncand; i++)
			if (continuing(e, i))
				cs[nc++] = i;
		if (nc + e->nwin > e->seats) {
			if ((rc = weak_tie(e, cs, nc, false, TL_TIEK_ELECT,
			    &drop)) != TELLER_OK)
				return rc;
			e->state[drop] = STV_DEFEATED;
		}
		for (i = 0; i < e->ncand; i++)
			if (continuing(e, i)) {
				e->state[i] = STV_ELECTED;
				e->nwin++;
				if ((rc = tl_result_elect(e->ctx, e->r, i)) ||
				    (e->cert != NULL && (rc = tl_cert_elect(
				    e->cert, i, "5.5")) != TELLER_OK))
					return rc;
			}
	}
	return TELLER_OK;
}

int
tl_m_stv_ers97(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct ers e;
	size_t nn;
	int rc, i;

	*out = NULL;
	memset(&e, 0, sizeof(e));
	e.ctx = ctx;
	e.c = c;
	e.ncand = c->ncand;
	if ((rc = tl_stv_prepare(ctx, c, p, rules, "stv-ers97", false, &e.b,
	    &e.seats)) != TELLER_OK)
		return rc;
	if (e.b.total > INT64_C(1000000000000000))
		return tl_fail(ctx, TELLER_EOVERFLOW, "stv-ers97: too many "
		    "ballots");
	nn = (size_t)e.ncand + 1;
	e.r = tl_result_new(ctx, c, "stv-ers97", e.seats, ERS_DP);
	e.state = tl_alloc(ctx, nn, sizeof(int));
	e.over = tl_alloc(ctx, nn, sizeof(bool));
	e.cnt = tl_alloc(ctx, nn, sizeof(int64_t));
	e.held = tl_alloc(ctx, nn, sizeof(struct tl_vec *));
	e.last = tl_alloc(ctx, nn, sizeof(struct tl_vec *));
	e.fresh = tl_alloc(ctx, nn, sizeof(struct tl_vec *));
	e.tmp = tl_alloc(ctx, nn, sizeof(int));
	e.tmp2 = tl_alloc(ctx, 2 * nn, sizeof(int));
	e.sv = tl_alloc(ctx, nn, sizeof(struct vi));
	e.mark = tl_alloc(ctx, nn, sizeof(bool));
	e.out = tl_alloc(ctx, nn, sizeof(bool));
	e.tv = tl_alloc(ctx, e.b.n + 1, sizeof(int64_t));
	e.cur = tl_alloc(ctx, e.b.n + 1, sizeof(int));
	if (e.r == NULL || e.state == NULL || e.over == NULL ||
	    e.cnt == NULL || e.held == NULL || e.last == NULL ||
	    e.fresh == NULL || e.tmp == NULL || e.tmp2 == NULL ||
	    e.tv == NULL || e.cur == NULL || e.sv == NULL || e.mark == NULL ||
	    e.out == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < e.ncand; i++)
		if ((e.held[i] = tl_vec_new(ctx, sizeof(uint32_t))) == NULL ||
		    (e.last[i] = tl_vec_new(ctx, sizeof(uint32_t))) == NULL ||
		    (e.fresh[i] = tl_vec_new(ctx, sizeof(uint32_t))) == NULL)
			return TELLER_ENOMEM;
	e.ncont = tl_stv_states(c, e.state);
	e.first_elim = true;
	if ((rc = tl_lots_init(ctx, &e.lots, c, rules)) != TELLER_OK)
		return rc;
	e.r->valid = e.b.total * P;
	if ((rc = tl_stv_rejected(ctx, e.r, &e.b)) != TELLER_OK)
		return rc;
	e.r->has_quota = true;
	e.cert = ctx->cert; /* NULL but in teller_count_certified */
	if ((rc = run(&e)) != TELLER_OK ||
	    (e.cert != NULL && (rc = tl_cert_end(e.cert, e.r)) != TELLER_OK))
		return rc;
	*out = e.r;
	return TELLER_OK;
}
