/* SPDX-License-Identifier: MIT */
/*
 * sens_stv.c -- rounding sensitivity for STV (audit.md 7): a second,
 * independent count of the profile in exact fractions (GMP's mpq_t) and,
 * for stv-scottish with --rounding parcel, one that truncates each
 * parcel's total instead of each paper's value (stv.md 2.7, the common
 * error), each compared with the statutory count's decisions and stage
 * totals. It shares no arithmetic with the methods: it reads the profile
 * and the contest, and the statutory result only to compare with it and
 * to settle a lot the way the statutory count's lot fell.
 *
 * irv rounds nothing, so its comparison is given without a second
 * count. GMP is used here only (lib/audit/ is not in the WebAssembly build).
 * Its allocator ends the process when memory runs out; the counts here
 * need a few kilobytes per parcel at most.
 */
#include <gmp.h>
#include <string.h>

#include "audit.h"
#include "sens.h"
#include "sens_stv.h"

#define PARCEL_DP 5 /* Scottish: truncation at 5 places */

enum { CONT = 0, ELECTED, EXCLUDED };

/* A parcel of identical papers: the preferences prefs[off..off+len), the
 * position of the candidate holding it, how many papers, and the exact
 * value of each. */
struct sp {
	uint32_t off, len, pos;
	int64_t n;
	mpq_t v;
};

struct sc {
	teller_ctx *ctx;
	const struct teller_contest *c;
	const struct teller_result *r; /* the statutory count */
	bool scot;          /* Scottish rules; else WIGM as Droop counts */
	bool parcel;        /* truncate each parcel's total to 5 places */
	bool paper;         /* truncate each paper's value to 5 places */
	int ncand, seats, nelected, nhopeful;
	tl_cid *prefs;
	struct sp *ps;      /* [nps], every v initialised */
	size_t nps;
	int *state;         /* [ncand] */
	bool *pending;      /* [ncand] surplus waiting */
	mpq_t *votes;       /* [ncand], initialised */
	mpq_t quota, nontrans, t;
	bool qinit;
	struct tl_vec **held;  /* [ncand] of uint32_t: parcels held */
	struct tl_vec *snaps;  /* of mpq_t *: votes [ncand] a stage */
	struct tl_vec *kinds;  /* of int: enum tl_stage_kind a stage */
	struct tl_vec *subj;   /* of int: its subject, or -1 */
	struct tl_vec *elected, *excluded; /* of int, in order */
};

static void
sc_clear(struct sc *s)
{
	size_t i;
	int k;

	for (i = 0; i < s->nps; i++)
		mpq_clear(s->ps[i].v);
	if (s->votes != NULL)
		for (k = 0; k < s->ncand; k++)
			mpq_clear(s->votes[k]);
	for (i = 0; s->snaps != NULL && i < s->snaps->len; i++)
		for (k = 0; k < s->ncand; k++)
			mpq_clear(TL_VEC_AT(s->snaps, mpq_t *, i)[k]);
	if (s->qinit) {
		mpq_clear(s->quota);
		mpq_clear(s->nontrans);
		mpq_clear(s->t);
	}
}

/* q = floor(q * 10^dp) / 10^dp, q >= 0. */
static void
q_trunc(mpq_t q, int dp)
{
	mpz_t p;

	mpz_init(p);
	mpz_ui_pow_ui(p, 10, (unsigned long)dp);
	mpz_mul(mpq_numref(q), mpq_numref(q), p);
	mpz_fdiv_q(mpq_numref(q), mpq_numref(q), mpq_denref(q));
	mpz_set(mpq_denref(q), p);
	mpq_canonicalize(q);
	mpz_clear(p);
}

/* acc += n * v. */
static void
q_addmul(struct sc *s, mpq_t acc, int64_t n, const mpq_t v)
{
	mpq_set_si(s->t, (long)n, 1);
	mpq_mul(s->t, s->t, v);
	mpq_add(acc, acc, s->t);
}

/* Next preference of parcel p for a continuing candidate after its
 * position, or -1. */
static int
next_cont(const struct sc *s, const struct sp *p)
{
	uint32_t i;

	for (i = p->pos + 1; i < p->len; i++)
		if (s->state[s->prefs[p->off + i]] == CONT)
			return (int)i;
	return -1;
}

/* Give parcel k (its pos set) to the candidate at its position. */
static int
give(struct sc *s, uint32_t k)
{
	struct sp *p = &s->ps[k];
	int to = s->prefs[p->off + p->pos];

	q_addmul(s, s->votes[to], p->n, p->v);
	return tl_vec_push(s->ctx, s->held[to], &k) != NULL ? TELLER_OK :
	    TELLER_ENOMEM;
}

/* Record a stage: a snapshot of the totals, its kind and subject. */
static int
stage(struct sc *s, enum tl_stage_kind kind, int subject)
{
	mpq_t *v = tl_alloc(s->ctx, (size_t)s->ncand + 1, sizeof(mpq_t));
	int k = (int)kind;

	if (v == NULL || tl_vec_push(s->ctx, s->kinds, &k) == NULL ||
	    tl_vec_push(s->ctx, s->subj, &subject) == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < s->ncand; k++) {
		mpq_init(v[k]);
		mpq_set(v[k], s->votes[k]);
	}
	if (tl_vec_push(s->ctx, s->snaps, &v) == NULL) {
		for (k = 0; k < s->ncand; k++)
			mpq_clear(v[k]);
		return TELLER_ENOMEM;
	}
	return TELLER_OK;
}

/* The statutory count's choice for the decision about to be taken:
 * the subject of its next stage (kind matching), or for an election its
 * next elected; -1 if it has none. */
static int
stat_choice(const struct sc *s, int kind)
{
	const struct teller_result *r = s->r;
	size_t k = s->snaps->len;

	if (kind == TL_STAGE_FINAL)
		return (size_t)s->nelected < r->elected->len ?
		    TL_VEC_AT(r->elected, int, s->nelected) : -1;
	if (k >= r->stages->len || (int)TL_STAGE(r, k)->kind != kind)
		return -1;
	return TL_STAGE(r, k)->subject;
}

/*
 * Settle a tie among t[0..n): Scottish rules 49(2)/51(2)(a) look back
 * through the earlier stages (high: keep the most votes); then, for a
 * lot, the statutory count's choice if it is among them, else the first
 * in input order. WIGM: the statutory choice, else the input's tie order
 * (Droop's byTieOrder). kind: TL_STAGE_SURPLUS, _EXCLUSION, or _FINAL
 * for an order of election.
 */
static int
pick(struct sc *s, int *t, int n, bool high, int kind)
{
	size_t k;
	int i, want, f;

	for (k = s->snaps->len; s->scot && n > 1 && k-- > 0;) {
		mpq_t *v = TL_VEC_AT(s->snaps, mpq_t *, k);
		int best = t[0], m = 0;
		for (i = 1; i < n; i++) {
			int cmp = mpq_cmp(v[t[i]], v[best]);
			if (high ? cmp > 0 : cmp < 0)
				best = t[i];
		}
		for (i = 0; i < n; i++)
			if (mpq_equal(v[t[i]], v[best]))
				t[m++] = t[i];
		n = m;
	}
	if (n == 1)
		return t[0];
	want = stat_choice(s, kind);
	for (i = 0; i < n; i++)
		if (t[i] == want)
			return want;
	f = s->scot ? 0 : tl_tie_order_first(s->c, t, n);
	return t[f < 0 ? 0 : f];
}

static int
elect(struct sc *s, int e, bool pend)
{
	s->state[e] = ELECTED;
	s->pending[e] = pend;
	s->nelected++;
	s->nhopeful--;
	return tl_vec_push(s->ctx, s->elected, &e) != NULL ? TELLER_OK :
	    TELLER_ENOMEM;
}

/* The candidate parcel k goes to at position pos, or -1. */
static int
to(const struct sc *s, uint32_t k, int pos)
{
	return pos < 0 ? -1 : s->prefs[s->ps[k].off + (uint32_t)pos];
}

/* Parcel mode: new values for the parcels ids[0..h) of a surplus with
 * factor f (surplus / total). Papers are grouped by where they go next
 * (dest[]: the position of the next preference, -1 non-transferable)
 * and by their value when received; each
 * group's total is truncated to 5 places and shared out equally. */
static int
parcel_values(struct sc *s, const uint32_t *ids, size_t h, const int *dest,
    const mpq_t f)
{
	uint32_t *grp = tl_alloc(s->ctx, h + 1, sizeof(uint32_t));
	uint32_t *first = tl_alloc(s->ctx, h + 1, sizeof(uint32_t));
	mpq_t *tot = tl_alloc(s->ctx, h + 1, sizeof(mpq_t));
	int64_t *np = tl_alloc(s->ctx, h + 1, sizeof(int64_t));
	size_t i, ng = 0, g;

	if (grp == NULL || first == NULL || tot == NULL || np == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < h; i++) {
		const struct sp *p = &s->ps[ids[i]];
		for (g = 0; g < ng; g++)
			if (to(s, ids[first[g]], dest[first[g]]) ==
			    to(s, ids[i], dest[i]) &&
			    mpq_equal(s->ps[ids[first[g]]].v, p->v))
				break;
		if (g == ng) {
			first[ng] = (uint32_t)i;
			mpq_init(tot[ng]);
			np[ng++] = 0;
		}
		grp[i] = (uint32_t)g;
		np[g] += p->n;
		q_addmul(s, tot[g], p->n, p->v);
	}
	for (g = 0; g < ng; g++) {
		mpq_mul(tot[g], tot[g], f);
		q_trunc(tot[g], PARCEL_DP);
		mpq_set_si(s->t, (long)np[g], 1);
		mpq_div(tot[g], tot[g], s->t);
	}
	for (i = 0; i < h; i++)
		mpq_set(s->ps[ids[i]].v, tot[grp[i]]);
	for (g = 0; g < ng; g++)
		mpq_clear(tot[g]);
	return TELLER_OK;
}

/* Transfer the surplus of e: every paper it holds goes on at
 * value * surplus / total (exactly, or truncated per parcel); e keeps
 * the quota. */
static int
surplus(struct sc *s, int e)
{
	struct tl_vec *h = s->held[e];
	const uint32_t *ids = h->data;
	int *dest = tl_alloc(s->ctx, h->len + 1, sizeof(int));
	mpq_t f;
	size_t i;
	int rc = TELLER_OK;

	if (dest == NULL || (s->held[e] = tl_vec_new(s->ctx,
	    sizeof(uint32_t))) == NULL)
		return TELLER_ENOMEM;
	mpq_init(f);
	mpq_sub(f, s->votes[e], s->quota);
	mpq_div(f, f, s->votes[e]);
	for (i = 0; i < h->len; i++) {
		int nx = next_cont(s, &s->ps[ids[i]]);
		dest[i] = nx < 0 ? -1 : nx;
		if (!s->parcel)
			mpq_mul(s->ps[ids[i]].v, s->ps[ids[i]].v, f);
		if (s->paper)
			q_trunc(s->ps[ids[i]].v, PARCEL_DP);
	}
	if (s->parcel)
		rc = parcel_values(s, ids, h->len, dest, f);
	mpq_clear(f);
	for (i = 0; rc == TELLER_OK && i < h->len; i++) {
		struct sp *p = &s->ps[ids[i]];
		if (dest[i] < 0) {
			q_addmul(s, s->nontrans, p->n, p->v);
			continue;
		}
		if (mpq_sgn(p->v) == 0)
			continue; /* truncated to nothing: lost */
		p->pos = (uint32_t)dest[i];
		rc = give(s, ids[i]);
	}
	mpq_set(s->votes[e], s->quota);
	s->pending[e] = false;
	return rc != TELLER_OK ? rc : stage(s, TL_STAGE_SURPLUS, e);
}

/* Exclude x: all its papers move on at their value. */
static int
exclude(struct sc *s, int x)
{
	struct tl_vec *h = s->held[x];
	size_t i;
	int rc;

	s->state[x] = EXCLUDED;
	s->nhopeful--;
	for (i = 0; i < h->len; i++) {
		uint32_t k = TL_VEC_AT(h, uint32_t, i);
		int nx = next_cont(s, &s->ps[k]);
		if (nx < 0) {
			q_addmul(s, s->nontrans, s->ps[k].n, s->ps[k].v);
			continue;
		}
		s->ps[k].pos = (uint32_t)nx;
		if ((rc = give(s, k)) != TELLER_OK)
			return rc;
	}
	mpq_set_si(s->votes[x], 0, 1);
	if (tl_vec_push(s->ctx, s->excluded, &x) == NULL)
		return TELLER_ENOMEM;
	return stage(s, TL_STAGE_EXCLUSION, x);
}

/* The candidates (pending surpluses, or continuing) with the most (high)
 * or the fewest votes, into t; returns how many. */
static int
extreme(const struct sc *s, bool surpluses, bool high, int *t)
{
	int i, n = 0, best = -1;

	for (i = 0; i < s->ncand; i++) {
		int cmp;
		if (surpluses ? !s->pending[i] : s->state[i] != CONT)
			continue;
		cmp = best < 0 ? 0 : mpq_cmp(s->votes[i], s->votes[best]);
		if (best < 0 || (high ? cmp > 0 : cmp < 0)) {
			best = i;
			n = 0;
		}
		if (mpq_equal(s->votes[i], s->votes[best]))
			t[n++] = i;
	}
	return n;
}

/* Scottish rules 47 and 52 after a stage; sets *done. */
static int
scot_after(struct sc *s, int *t, bool *done)
{
	int i, j, n, rc;

	while (s->nelected < s->seats) {
		int best = -1;
		n = 0;
		for (i = 0; i < s->ncand; i++) {
			if (s->state[i] != CONT ||
			    mpq_cmp(s->votes[i], s->quota) < 0)
				continue;
			if (best < 0 || mpq_cmp(s->votes[i],
			    s->votes[best]) > 0) {
				best = i;
				n = 0;
			}
			if (mpq_equal(s->votes[i], s->votes[best]))
				t[n++] = i;
		}
		if (best < 0)
			break;
		best = n > 1 ? pick(s, t, n, true, TL_STAGE_FINAL) : best;
		if ((rc = elect(s, best, mpq_cmp(s->votes[best], s->quota) >
		    0)) != TELLER_OK)
			return rc;
	}
	if (s->nelected >= s->seats) {
		*done = true;
		return TELLER_OK;
	}
	if (s->nhopeful > s->seats - s->nelected)
		return TELLER_OK;
	/* rule 52: the rest, most votes first */
	for (n = 0, i = 0; i < s->ncand; i++)
		if (s->state[i] == CONT)
			t[n++] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && mpq_cmp(s->votes[t[j]],
		    s->votes[t[j - 1]]) > 0; j--) {
			int x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	for (i = 0; i < n; i++)
		if ((rc = elect(s, t[i], false)) != TELLER_OK)
			return rc;
	*done = true;
	return TELLER_OK;
}

/* The Scottish count after the first stage. */
static int
scot_run(struct sc *s, int *t)
{
	bool done = false;
	int rc, n;

	if ((rc = scot_after(s, t, &done)) != TELLER_OK)
		return rc;
	while (!done) {
		if ((n = extreme(s, true, true, t)) > 0)
			rc = surplus(s, n > 1 ? pick(s, t, n, true,
			    TL_STAGE_SURPLUS) : t[0]);
		else if ((n = extreme(s, false, false, t)) > 0)
			rc = exclude(s, n > 1 ? pick(s, t, n, false,
			    TL_STAGE_EXCLUSION) : t[0]);
		else
			return tl_fail(s->ctx, TELLER_EINTERNAL, "sensitivity: "
			    "no candidate to exclude");
		if (rc != TELLER_OK ||
		    (rc = scot_after(s, t, &done)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* WIGM as Droop counts it (m_stv_wigm.c's rules): rounds while more
 * hopefuls than seats left; each round elects everyone over the quota
 * (strictly), then moves the largest pending surplus or excludes the
 * lowest; at the end the hopefuls left fill the seats in input order. */
static int
wigm_run(struct sc *s, int *t)
{
	int rc, n, i;

	while (s->nhopeful > s->seats - s->nelected &&
	    s->seats - s->nelected > 0) {
		for (;;) {
			int best = -1;
			for (i = 0; i < s->ncand; i++)
				if (s->state[i] == CONT && mpq_cmp(
				    s->votes[i], s->quota) > 0 && (best < 0 ||
				    mpq_cmp(s->votes[i], s->votes[best]) >= 0))
					best = i;
			if (best < 0)
				break;
			if ((rc = elect(s, best, true)) != TELLER_OK)
				return rc;
		}
		if ((n = extreme(s, true, true, t)) > 0)
			rc = surplus(s, n > 1 ? pick(s, t, n, true,
			    TL_STAGE_SURPLUS) : t[0]);
		else if ((n = extreme(s, false, false, t)) > 0)
			rc = exclude(s, n > 1 ? pick(s, t, n, false,
			    TL_STAGE_EXCLUSION) : t[0]);
		else
			continue;
		if (rc != TELLER_OK)
			return rc;
	}
	for (i = 0; i < s->ncand; i++)
		if (s->state[i] == CONT && s->nelected < s->seats &&
		    (rc = elect(s, i, false)) != TELLER_OK)
			return rc;
	return TELLER_OK;
}

/*
 * The preferences of pattern pat as an STV count reads them, into out:
 * withdrawn candidates struck out, a repeated candidate passed over, and
 * the paper stops at a rank with two or more live marks (*eq). A skipped
 * rank ends the paper under the Scottish rules ("consecutive order") and
 * is passed over under WIGM (tl_stv_prepare). Returns the count.
 */
static int
read_prefs(struct sc *s, const struct teller_profile *p,
    const struct tl_pat *pat, bool *seen, tl_cid *out, bool *eq)
{
	struct tl_rank k;
	int n = 0, i;

	*eq = false;
	memset(seen, 0, (size_t)s->ncand * sizeof(bool));
	for (k = tl_rank_first(p, pat); k.cells != NULL; k = tl_rank_next(k)) {
		int live = 0;
		tl_cid pick1 = 0;

		if (k.n == 0 && s->scot)
			break;
		for (i = 0; i < k.n; i++)
			if (!TL_CAND(s->c, k.ids[i])->withdrawn &&
			    !seen[k.ids[i]]) {
				pick1 = k.ids[i];
				live++;
			}
		if (live > 1) {
			*eq = true;
			break;
		}
		if (live == 1 && n < s->ncand) {
			seen[pick1] = true;
			out[n++] = pick1;
		}
	}
	return n;
}

/* Read the parcels, give each its first preference, and record stage 1.
 * *valid: the valid papers. */
static int
first_stage(struct sc *s, const struct teller_profile *p, int64_t *valid)
{
	bool *seen = tl_alloc(s->ctx, (size_t)s->ncand + 1, sizeof(bool));
	int64_t unit = tl_num_pow10(p->wdp);
	size_t i, npref = 0;
	int rc;

	s->prefs = tl_alloc(s->ctx, p->cells->len + 1, sizeof(tl_cid));
	s->ps = tl_alloc(s->ctx, p->pats->len + 1, sizeof(struct sp));
	if (seen == NULL || s->prefs == NULL || s->ps == NULL)
		return TELLER_ENOMEM;
	*valid = 0;
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		bool eq;
		int len = read_prefs(s, p, pat, seen, s->prefs + npref, &eq);
		struct sp *g = &s->ps[s->nps];

		if (pat->w % unit != 0)
			return tl_fail(s->ctx, TELLER_ERULE, "sensitivity: "
			    "ballot weights must be whole papers");
		if (len == 0)
			continue;
		g->off = (uint32_t)npref;
		g->len = (uint32_t)len;
		g->pos = 0;
		g->n = pat->w / unit;
		mpq_init(g->v);
		mpq_set_ui(g->v, 1, 1);
		s->nps++;
		npref += (size_t)len;
		if (tl_num_add(s->ctx, *valid, g->n, valid) != TELLER_OK)
			return s->ctx->err;
		if ((rc = give(s, (uint32_t)(s->nps - 1))) != TELLER_OK)
			return rc;
	}
	return stage(s, TL_STAGE_FIRST, -1);
}

/* Compare the count in s with the statutory one into *out. */
static int
compare(struct sc *s, struct tl_sens_cmp *out)
{
	struct tl_sens_run run;

	run.ncand = s->ncand;
	run.snaps = s->snaps;
	run.kinds = s->kinds;
	run.subj = s->subj;
	run.elected = s->elected;
	run.excluded = s->excluded;
	return tl_sens_compare(s->ctx, s->r, &run, out);
}

int
tl_sens_stv_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct teller_result *r,
    enum tl_sens_mode mode, struct tl_sens_cmp *out)
{
	struct sc s;
	int *t, k, rc;
	int64_t valid;
	bool scot = strcmp(r->method, "stv-scottish") == 0;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.c = c;
	s.r = r;
	s.scot = scot;
	s.parcel = mode == TL_SENS_PARCEL;
	s.paper = mode == TL_SENS_PAPER;
	s.ncand = c->ncand;
	s.seats = r->seats;
	t = tl_alloc(ctx, (size_t)s.ncand + 1, sizeof(int));
	s.state = tl_alloc(ctx, (size_t)s.ncand + 1, sizeof(int));
	s.pending = tl_alloc(ctx, (size_t)s.ncand + 1, sizeof(bool));
	s.held = tl_alloc(ctx, (size_t)s.ncand + 1, sizeof(*s.held));
	s.snaps = tl_vec_new(ctx, sizeof(mpq_t *));
	s.kinds = tl_vec_new(ctx, sizeof(int));
	s.subj = tl_vec_new(ctx, sizeof(int));
	s.elected = tl_vec_new(ctx, sizeof(int));
	s.excluded = tl_vec_new(ctx, sizeof(int));
	s.votes = tl_alloc(ctx, (size_t)s.ncand + 1, sizeof(mpq_t));
	if (t == NULL || s.state == NULL || s.pending == NULL ||
	    s.held == NULL || s.snaps == NULL || s.kinds == NULL ||
	    s.subj == NULL || s.elected == NULL || s.excluded == NULL ||
	    s.votes == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < s.ncand; k++) {
		mpq_init(s.votes[k]);
		if ((s.held[k] = tl_vec_new(ctx, sizeof(uint32_t))) == NULL) {
			s.ncand = k + 1;
			sc_clear(&s);
			return TELLER_ENOMEM;
		}
		s.state[k] = TL_CAND(c, k)->withdrawn ? EXCLUDED : CONT;
		s.nhopeful += s.state[k] == CONT;
	}
	mpq_init(s.quota);
	mpq_init(s.nontrans);
	mpq_init(s.t);
	s.qinit = true;
	rc = first_stage(&s, p, &valid);
	if (rc == TELLER_OK && valid * tl_num_pow10(r->dp) != r->valid)
		rc = tl_fail(ctx, TELLER_EINTERNAL, "sensitivity: %lld valid "
		    "papers read, the count has another number",
		    (long long)valid);
	if (rc == TELLER_OK) {
		/* the quota: rule 46, floor(N/(S+1)) + 1; WIGM N/(S+1) */
		mpq_set_si(s.quota, (long)valid, (unsigned long)s.seats + 1);
		mpq_canonicalize(s.quota);
		if (scot) {
			q_trunc(s.quota, 0);
			mpq_set_si(s.t, 1, 1);
			mpq_add(s.quota, s.quota, s.t);
		}
		rc = scot ? scot_run(&s, t) : wigm_run(&s, t);
	}
	if (rc == TELLER_OK)
		rc = compare(&s, out);
	sc_clear(&s);
	return rc;
}

/* irv: the count only adds papers' weights (m_irv.c divides nothing),
 * so an exact count is the count itself: every total the same, every
 * decision the same. */
static int
no_rounding(teller_ctx *ctx, const struct teller_result *r,
    struct tl_sens_cmp *out)
{
	size_t k;

	out->same_elected = out->same_order = out->same_exclusions = true;
	out->nelected = (int)r->elected->len;
	out->ndiff = (int)r->stages->len;
	out->elected = tl_alloc(ctx, r->elected->len + 1, sizeof(int));
	out->diff = tl_alloc(ctx, r->stages->len + 1, sizeof(*out->diff));
	if (out->elected == NULL || out->diff == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < r->elected->len; k++)
		out->elected[k] = TL_VEC_AT(r->elected, int, k);
	for (k = 0; k < r->stages->len; k++) {
		out->diff[k].stage = (int)k + 1;
		out->diff[k].cand = -1;
	}
	return TELLER_OK;
}

int
teller_sensitivity(teller_ctx *ctx, const teller_contest *contest,
    const teller_profile *profile, const teller_rules *rules,
    teller_result *r, int parcel)
{
	struct tl_sens *s;
	bool scot;
	int rc;

	if (parcel && strcmp(r->method, "stv-ers97") == 0)
		return tl_fail(ctx, TELLER_ERULE, "--rounding parcel: no "
		    "meaning for stv-ers97, which gives every paper of a "
		    "parcel one transfer value (5.3.7); for stv-scottish only");
	if (parcel && strcmp(r->method, "stv-scottish") != 0)
		return tl_fail(ctx, TELLER_ERULE, "--rounding parcel: for "
		    "stv-scottish only");
	if (strcmp(r->method, "stv-meek") == 0) {
		if ((s = tl_alloc(ctx, 1, sizeof(*s))) == NULL)
			return TELLER_ENOMEM;
		s->rounding_words = "to 18 decimal places with 9 guard digits";
		s->other_words = "at 18 decimal places without guard digits";
		if ((rc = tl_sens_meek_count(ctx, contest, profile, rules, r,
		    &s->rounding)) != TELLER_OK)
			return rc;
		r->sens = s;
		return TELLER_OK;
	}
	if (strcmp(r->method, "stv-ers97") == 0) {
		if ((s = tl_alloc(ctx, 1, sizeof(*s))) == NULL)
			return TELLER_ENOMEM;
		s->rounding_words = "to 2 decimal places";
		s->other_words = "in exact fractions";
		if ((rc = tl_sens_ers97_count(ctx, contest, profile, rules, r,
		    false, &s->rounding)) != TELLER_OK)
			return rc;
		r->sens = s;
		return TELLER_OK;
	}
	if (strcmp(r->method, "irv") == 0) {
		if ((s = tl_alloc(ctx, 1, sizeof(*s))) == NULL)
			return TELLER_ENOMEM;
		s->rounding_words = NULL;
		s->other_words = "in exact fractions";
		if ((rc = no_rounding(ctx, r, &s->rounding)) != TELLER_OK)
			return rc;
		r->sens = s;
		return TELLER_OK;
	}
	if (strcmp(r->method, "stv-scottish") != 0 &&
	    strcmp(r->method, "stv-wigm") != 0)
		return tl_fail(ctx, TELLER_ERULE, "--sensitivity rounding: "
		    "not for %s (stv-scottish, stv-ers97, stv-wigm, "
		    "stv-meek, irv)", r->method);
	scot = strcmp(r->method, "stv-scottish") == 0;
	if ((s = tl_alloc(ctx, 1, sizeof(*s))) == NULL)
		return TELLER_ENOMEM;
	s->rounding_words = scot ? "to 5 decimal places" :
	    "to 18 decimal places (with 9 guard digits)";
	s->other_words = "in exact fractions";
	if ((rc = tl_sens_stv_count(ctx, contest, profile, r, TL_SENS_EXACT,
	    &s->rounding)) != TELLER_OK)
		return rc;
	if (parcel && (rc = tl_sens_stv_count(ctx, contest, profile, r,
	    TL_SENS_PARCEL, &s->parcel)) != TELLER_OK)
		return rc;
	s->has_parcel = parcel != 0;
	r->sens = s;
	return TELLER_OK;
}
