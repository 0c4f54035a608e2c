/* SPDX-License-Identifier: MIT */
/*
 * sv.c -- the exact margin of the Supplementary Vote (audit.md 2.3; LGA
 * 2000 Sch.2): the remaining set after the first count is the top two
 * and every candidate tied for second (all tied for first if several
 * are), no lot; so each alternative outcome is reached through a
 * remaining set R with a top t, and one small integer program per (c, R,
 * t) finds the cheapest change to it (Case B); Case A is a majority for
 * c. Larger R are enumerated only while their lower bound (half the
 * spread of the first preferences that must end level) is below the
 * best found. The witness is applied, decided again here and re-counted
 * through teller_count.
 */
#include <string.h>

#include "margin.h"
#include "uk_paper.h"

#define NONE 0  /* second preference "none": class s index 0 */

struct svm {
	teller_ctx *ctx;
	const struct teller_contest *c;
	int nc;                 /* standing candidates */
	int cand[TL_AB_MAXC];   /* their contest ids */
	int64_t *n;             /* [nc * (nc + 1)] papers (f, s); s 0 none,
				 * else candidate s - 1 */
	int64_t fp[TL_AB_MAXC];
	int64_t total;          /* N, valid first preferences */
	int w;                  /* reported winner (local) */
	int order[TL_AB_MAXC];  /* local ids by first preferences, rising */
	/* the best found: cost, and the witness as class moves */
	int64_t best, strict;
	int64_t *bx;            /* [2 * ncls] p then m of the best */
	bool best_a;            /* the best is case A for best_c */
	int best_c;
	long ips;
};

#define NCLS(s) ((s)->nc * ((s)->nc + 1))

/* Who can win profile counts n (ties at the end free): a bit set. */
static uint64_t
sv_winners(const struct svm *s, const int64_t *n)
{
	int64_t fp[TL_AB_MAXC] = { 0 }, tot[TL_AB_MAXC], top = -1, sec = -1;
	int64_t all = 0, best = -1;
	uint64_t rem = 0, win = 0;
	int f, k, ntop = 0;

	for (f = 0; f < s->nc; f++)
		for (k = 0; k <= s->nc; k++) {
			fp[f] += n[f * (s->nc + 1) + k];
			all += n[f * (s->nc + 1) + k];
		}
	for (f = 0; f < s->nc; f++)
		if (2 * fp[f] > all)
			return 1ULL << f;
	for (f = 0; f < s->nc; f++)
		if (fp[f] > top)
			top = fp[f];
	for (f = 0; f < s->nc; f++)
		if (fp[f] == top)
			ntop++;
		else if (fp[f] > sec)
			sec = fp[f];
	for (f = 0; f < s->nc; f++)
		if (fp[f] == top || (ntop == 1 && fp[f] == sec))
			rem |= 1ULL << f;
	memcpy(tot, fp, sizeof(tot));
	for (f = 0; f < s->nc; f++)
		for (k = 1; k <= s->nc && !(rem >> f & 1); k++)
			if (rem >> (k - 1) & 1)
				tot[k - 1] += n[f * (s->nc + 1) + k];
	for (f = 0; f < s->nc; f++)
		if (rem >> f & 1 && tot[f] > best)
			best = tot[f];
	for (f = 0; f < s->nc; f++)
		if (rem >> f & 1 && tot[f] == best)
			win |= 1ULL << f;
	return win;
}

/* Read the valid papers as (first, second) classes. */
static int
sv_read(struct svm *s, const struct teller_profile *p)
{
	struct tl_uk_seen seen;
	struct tl_uk_sv_paper pp;
	int local[TL_AB_MAXC], i, rc;
	size_t j;

	if (s->c->ncand > TL_AB_MAXC)
		return tl_fail(s->ctx, TELLER_ELIMIT, "margins handle at most "
		    "%d candidates", TL_AB_MAXC);
	if (p->wdp != 0)
		return tl_fail(s->ctx, TELLER_ERULE, "margins count whole "
		    "ballot papers; this profile has weights with %d "
		    "decimal places", p->wdp);
	for (i = 0; i < s->c->ncand; i++) {
		local[i] = -1;
		if (tl_uk_standing(s->c, i)) {
			local[i] = s->nc;
			s->cand[s->nc++] = i;
		}
	}
	s->n = tl_alloc(s->ctx, (size_t)NCLS(s) + 1, sizeof(int64_t));
	s->bx = tl_alloc(s->ctx, 4 * (size_t)NCLS(s) + 1, sizeof(int64_t));
	if (s->n == NULL || s->bx == NULL ||
	    (rc = tl_uk_seen_init(s->ctx, &seen, s->c->ncand)) != TELLER_OK)
		return TELLER_ENOMEM;
	for (j = 0; j < p->pats->len; j++) {
		const struct tl_pat *pat = TL_PAT(p, j);
		int f, k = NONE;

		if ((rc = tl_uk_sv_paper(s->ctx, s->c, p, pat, 0, &seen, &pp))
		    != TELLER_OK)
			return rc;
		if (pp.first_head != TL_UK_VALID || local[pp.first] < 0)
			continue;
		f = local[pp.first];
		if (pp.second_head == TL_UK_VALID && local[pp.second] >= 0)
			k = local[pp.second] + 1;
		s->n[f * (s->nc + 1) + k] += pat->w;
		s->fp[f] += pat->w;
		s->total += pat->w;
	}
	return TELLER_OK;
}

/* Coefficient row helpers: fp(x) and total(x) of class (f, k). */
static int
in_fp(const struct svm *s, int cls, int x)
{
	return cls / (s->nc + 1) == x;
}

static int
in_total(const struct svm *s, int cls, int x, uint64_t R)
{
	int f = cls / (s->nc + 1), k = cls % (s->nc + 1);

	return f == x || (!(R >> f & 1) && k == x + 1);
}

/*
 * Case B for (c, R, t): the least changes after which no one has a
 * majority, R is exactly the statutory remaining set with t on top, and
 * c has the most votes in R (a tie is a lot: enough, unless strict, when
 * the winner must be strictly behind). Columns: p[ncls] then m[ncls].
 */
static int
case_b(struct svm *s, int c, uint64_t R, int t, bool strict, int64_t *cost,
    int64_t *x)
{
	struct tl_lp lp;
	int ncls = NCLS(s), row = 0, r0 = -1, i, k, e, rc;
	size_t sz;
	char *mem;
	bool inf;

	for (i = 0; i < s->nc && r0 < 0; i++)
		if (R >> i & 1 && i != t)
			r0 = i;
	memset(&lp, 0, sizeof(lp));
	lp.ncol = 2 * ncls;
	lp.nrow = 3 * s->nc + 2; /* majority, R exact, totals, balance */
	sz = (size_t)lp.ncol * (3 * sizeof(int64_t)) + (size_t)lp.nrow *
	    (sizeof(int64_t) + sizeof(bool) + (size_t)lp.ncol) + 16;
	if ((mem = tl_realloc(s->ctx, NULL, 0, sz)) == NULL)
		return TELLER_ENOMEM;
	memset(mem, 0, sz);
	lp.lo = (int64_t *)(void *)mem;
	lp.hi = lp.lo + lp.ncol;
	lp.obj = lp.hi + lp.ncol;
	lp.rhs = lp.obj + lp.ncol;
	lp.eq = (bool *)(lp.rhs + lp.nrow);
	lp.a = (int8_t *)(lp.eq + lp.nrow);
	for (k = 0; k < ncls; k++) {
		/* bounded, so the integer search is finite; no paper
		 * into (f, f): a second preference the same as the first
		 * is no second preference, class (f, none) */
		lp.hi[k] = k % (s->nc + 1) == k / (s->nc + 1) + 1 ? 0 :
		    s->total;
		lp.obj[k] = 1;
		lp.hi[ncls + k] = s->n[k];
	}
#define A(r, col) lp.a[(size_t)(r) * (size_t)lp.ncol + (size_t)(col)]
	/* row: sum over classes of coef * y <= rhs, y = n + p - m */
	for (e = 0; e < s->nc; e++, row++) {
		/* no majority: fp(e) <= N/2; R exact: fp(e) vs fp(r0) */
		int64_t lhs0 = 0;
		for (k = 0; k < ncls; k++) {
			int v = in_fp(s, k, e);
			A(row, k) = (int8_t)v;
			A(row, ncls + k) = (int8_t)-v;
			lhs0 += v * s->n[k];
		}
		lp.rhs[row] = s->total / 2 - lhs0;
	}
	for (e = 0; e < s->nc; e++) {
		int64_t lhs0 = 0;
		bool eq = R >> e & 1 && e != t;
		if (e == r0)
			continue;
		/* e in R\{t}: fp(e) - fp(r0) == 0; t: fp(r0) - fp(t) <= 0;
		 * e not in R: fp(e) - fp(r0) <= -1 */
		for (k = 0; k < ncls; k++) {
			int v = in_fp(s, k, e) - in_fp(s, k, r0);
			if (e == t)
				v = -v;
			A(row, k) = (int8_t)v;
			A(row, ncls + k) = (int8_t)-v;
			lhs0 += v * s->n[k];
		}
		lp.eq[row] = eq;
		lp.rhs[row] = (R >> e & 1 ? 0 : -1) - lhs0;
		row++;
	}
	for (e = 0; e < s->nc; e++) {
		int64_t lhs0 = 0;
		if (!(R >> e & 1) || e == c)
			continue;
		/* total(e) - total(c) <= 0 (strict, e the winner: -1) */
		for (k = 0; k < ncls; k++) {
			int v = in_total(s, k, e, R) - in_total(s, k, c, R);
			A(row, k) = (int8_t)v;
			A(row, ncls + k) = (int8_t)-v;
			lhs0 += v * s->n[k];
		}
		lp.rhs[row] = (strict && e == s->w ? -1 : 0) - lhs0;
		row++;
	}
	for (k = 0; k < ncls; k++) {
		A(row, k) = 1;
		A(row, ncls + k) = -1;
	}
	lp.eq[row++] = true;
#undef A
	lp.nrow = row;
	lp.cutoff = strict ? s->strict : s->best;
	if (lp.cutoff < 0)
		lp.cutoff = 0;
	s->ips++;
	rc = tl_lp_solve(s->ctx, &lp, true, cost, &inf, x);
	if (inf || (lp.cutoff > 0 && *cost >= lp.cutoff))
		*cost = -1; /* none, or none better */
	tl_free(s->ctx, mem, sz);
	return rc;
}

/* ceil(d / 2) for d > 0, else 0: one changed paper moves a difference
 * of first preferences by at most 2. */
static int64_t
half(int64_t d)
{
	return d > 0 ? (d + 1) / 2 : 0;
}

/* A lower bound on reaching remaining set R with top t, from the first
 * preferences that must end level (R \ {t}), below (not in R) and above
 * (t). */
static int64_t
set_bound(const struct svm *s, uint64_t R, int t)
{
	int64_t lb = 0, v;
	int x, y;

	for (x = 0; x < s->nc; x++) {
		if (!(R >> x & 1) || x == t)
			continue;
		if ((v = half(s->fp[x] - s->fp[t])) > lb)
			lb = v;
		for (y = 0; y < s->nc; y++) {
			if (R >> y & 1 && y != t)
				v = half(s->fp[y] - s->fp[x]);
			else if (!(R >> y & 1))
				v = half(s->fp[y] - s->fp[x] + 1);
			else
				v = 0;
			if (v > lb)
				lb = v;
		}
	}
	return lb;
}

/* Try (c, R, t) in both senses; keep what is better. */
static int
try_set(struct svm *s, uint64_t R, int t)
{
	int64_t v, *x = s->bx + 2 * NCLS(s), lb = set_bound(s, R, t);
	int c, rc, strict;

	for (c = 0; c < s->nc; c++) {
		if (!(R >> c & 1) || c == s->w)
			continue;
		for (strict = 0; strict < 2; strict++) {
			int64_t *bestp = strict ? &s->strict : &s->best;
			if (*bestp >= 0 && lb >= *bestp)
				continue;
			if ((rc = case_b(s, c, R, t, strict, &v, x)) !=
			    TELLER_OK)
				return rc;
			if (v < 0 || (*bestp >= 0 && v >= *bestp))
				continue;
			*bestp = v;
			if (!strict) {
				memcpy(s->bx, x, 2 * (size_t)NCLS(s) *
				    sizeof(int64_t));
				s->best_a = false;
			}
		}
	}
	return TELLER_OK;
}

/* Every core Q = R \ {t} (level first preferences) from order[from..),
 * while half its spread stays below the best found. */
static int
cores(struct svm *s, uint64_t q, int lo, int from)
{
	int i, t, rc;

	if (q != 0 && (q & (q - 1)) != 0)
		for (t = 0; t < s->nc; t++)
			if (!(q >> t & 1) && (rc = try_set(s, q | 1ULL << t,
			    t)) != TELLER_OK)
				return rc;
	for (i = from; i < s->nc; i++) {
		int x = s->order[i];
		int64_t spread = q ? s->fp[x] - s->fp[lo] : 0;
		int64_t lb = (spread + 1) / 2;
		if (q != 0 && s->best >= 0 && s->strict >= 0 &&
		    lb >= s->best && lb >= s->strict)
			break; /* rising: later ones spread further */
		if ((rc = cores(s, q | 1ULL << x, q ? lo : x, i + 1)) !=
		    TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

/* Phase 1: every R of two, cheapest bound first, until the bound
 * reaches the best found. */
static int
pairs(struct svm *s)
{
	struct pr {
		int64_t lb;
		int t, r;
	} *v, tmp;
	size_t n = 0, i, j;
	int t, r, rc = TELLER_OK;

	v = tl_realloc(s->ctx, NULL, 0, (size_t)s->nc * (size_t)s->nc *
	    sizeof(*v) + 1);
	if (v == NULL)
		return TELLER_ENOMEM;
	for (t = 0; t < s->nc; t++)
		for (r = 0; r < s->nc; r++)
			if (r != t) {
				v[n].t = t;
				v[n].r = r;
				v[n++].lb = set_bound(s, 1ULL << t | 1ULL << r,
				    t);
			}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1].lb > v[j].lb; j--) {
			tmp = v[j];
			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	for (i = 0; i < n && rc == TELLER_OK; i++) {
		if (s->best >= 0 && s->strict >= 0 && v[i].lb >= s->best &&
		    v[i].lb >= s->strict)
			break;
		rc = try_set(s, 1ULL << v[i].t | 1ULL << v[i].r, v[i].t);
	}
	tl_free(s->ctx, v, (size_t)s->nc * (size_t)s->nc * sizeof(*v) + 1);
	return rc;
}

/* Case A: c with a majority; papers taken from others, the winner's
 * first. Witness as class moves into s->bx. */
static void
case_a(struct svm *s)
{
	int64_t need;
	int c;

	for (c = 0; c < s->nc; c++) {
		if (c == s->w)
			continue;
		need = s->total / 2 + 1 - s->fp[c];
		if (need < 0)
			need = 0;
		if (need > s->total - s->fp[c])
			continue;
		if (s->strict < 0 || need < s->strict)
			s->strict = need;
		if (s->best < 0 || need < s->best) {
			s->best = need;
			s->best_a = true;
			s->best_c = c;
		}
	}
}

/* The witness of the best into m (contest ids) and the changed counts
 * into after[]. */
static int
witness(struct svm *s, struct teller_margin *m, int64_t *after)
{
	int ncls = NCLS(s), k, in = 0, f, pass;
	int64_t left = 0;

	memcpy(after, s->n, (size_t)ncls * sizeof(int64_t));
	if (s->best_a) {
		/* into (c, none): from the winner's papers first */
		memset(s->bx, 0, 2 * (size_t)ncls * sizeof(int64_t));
		left = s->best;
		s->bx[s->best_c * (s->nc + 1)] = left;
		for (pass = 0; pass < 2 && left > 0; pass++)
			for (k = 0; k < ncls && left > 0; k++) {
				int64_t t;
				f = k / (s->nc + 1);
				if (f == s->best_c || (pass == 0) != (f ==
				    s->w))
					continue;
				t = s->n[k] < left ? s->n[k] : left;
				s->bx[ncls + k] = t;
				left -= t;
			}
	}
	m->changes = tl_vec_new(s->ctx, sizeof(struct tl_mchg));
	if (m->changes == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < ncls; k++)
		after[k] += s->bx[k] - s->bx[ncls + k];
	for (k = 0; k < ncls; k++) {
		left = s->bx[ncls + k];
		while (left > 0) {
			struct tl_mchg c;
			int64_t take;
			int *ids = tl_alloc(s->ctx, 4, sizeof(int));
			if (ids == NULL)
				return TELLER_ENOMEM;
			while (in < ncls && s->bx[in] == 0)
				in++;
			if (in == ncls)
				return tl_fail(s->ctx, TELLER_EINTERNAL,
				    "sv margin: unbalanced witness");
			take = left < s->bx[in] ? left : s->bx[in];
			memset(&c, 0, sizeof(c));
			c.papers = take;
			c.from = ids;
			c.to = ids + 2;
			c.from[0] = s->cand[k / (s->nc + 1)];
			c.nfrom = k % (s->nc + 1) ? 2 : 1;
			c.from[1] = k % (s->nc + 1) ? s->cand[k % (s->nc + 1)
			    - 1] : 0;
			c.to[0] = s->cand[in / (s->nc + 1)];
			c.nto = in % (s->nc + 1) ? 2 : 1;
			c.to[1] = in % (s->nc + 1) ? s->cand[in % (s->nc + 1)
			    - 1] : 0;
			if (tl_vec_push(s->ctx, m->changes, &c) == NULL)
				return TELLER_ENOMEM;
			m->upper_papers += take;
			s->bx[in] -= take;
			left -= take;
		}
	}
	return TELLER_OK;
}

/* Re-count the changed papers through teller_count. */
static int
recount(struct svm *s, const teller_rules *rules, const int64_t *after,
    uint64_t mask)
{
	struct teller_profile *p = tl_profile_new(s->ctx, s->c->ncand);
	teller_result *r;
	tl_cid ids[2];
	int k, i, w, rc;

	if (p == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < NCLS(s); k++) {
		if (after[k] == 0)
			continue;
		ids[0] = (tl_cid)s->cand[k / (s->nc + 1)];
		if (k % (s->nc + 1))
			ids[1] = (tl_cid)s->cand[k % (s->nc + 1) - 1];
		if ((rc = tl_profile_add_simple(s->ctx, p, ids,
		    k % (s->nc + 1) ? 2 : 1, after[k])) != TELLER_OK)
			return rc;
	}
	if ((rc = teller_count(s->ctx, s->c, p, rules, &r)) != TELLER_OK)
		return rc;
	w = TL_VEC_AT(r->elected, int, 0);
	for (i = 0; i < s->nc; i++)
		if (s->cand[i] == w && mask >> i & 1)
			return TELLER_OK;
	return tl_fail(s->ctx, TELLER_EINTERNAL, "sv margin: the witness "
	    "re-count elected %s, unexpected", TL_CAND(s->c, w)->name);
}

/* ceil((T_w - T_r) / 2) for the final totals of the winner and the best
 * other (first preferences when the first count decided it). */
static int64_t
last_round(const struct teller_margin *m)
{
	const struct teller_result *r = m->result;
	const struct tl_stage *st = TL_STAGE(r, r->stages->len - 1);
	int64_t other = -1;
	int i;

	for (i = 0; i < r->ncand; i++)
		if (i != m->winner && st->votes[i] > other)
			other = st->votes[i];
	return (st->votes[m->winner] - other + 1) / 2;
}

int
tl_m_sv_margin(teller_ctx *ctx, const struct teller_contest *c,
    const teller_rules *rules, struct teller_margin *m)
{
	struct svm s;
	int64_t *after;
	uint64_t mask;
	int i, j, rc;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.c = c;
	s.best = s.strict = -1;
	if (m->model != TELLER_MARGIN_CHANGE)
		return tl_fail(ctx, TELLER_ERULE, "margin: sv margins are in "
		    "changed papers only (no --adds-only or --deletes-only)");
	if ((rc = sv_read(&s, m->profile)) != TELLER_OK)
		return rc;
	for (i = 0; i < s.nc; i++)
		if (s.cand[i] == m->winner)
			s.w = i;
	if (s.nc < 2)
		return tl_fail(ctx, TELLER_ERULE, "margin: one candidate "
		    "standing: no other outcome");
	for (i = 0; i < s.nc; i++)
		s.order[i] = i;
	for (i = 1; i < s.nc; i++)
		for (j = i; j > 0 && s.fp[s.order[j - 1]] > s.fp[s.order[j]];
		    j--) {
			int t = s.order[j];
			s.order[j] = s.order[j - 1];
			s.order[j - 1] = t;
		}
	if ((after = tl_alloc(ctx, (size_t)NCLS(&s) + 1, sizeof(int64_t))) ==
	    NULL)
		return TELLER_ENOMEM;
	mask = sv_winners(&s, s.n);
	m->proof = TL_PROOF_CLOSED;
	if (mask != 1ULL << s.w) {
		/* the reported winner already needed a lot */
		m->lower = m->upper = m->strict = 0;
		m->changes = tl_vec_new(ctx, sizeof(struct tl_mchg));
		for (i = 0; i < s.nc; i++)
			if (mask >> i & 1)
				m->after[m->nafter++] = s.cand[i];
		m->by_lot = true;
		return m->changes ? TELLER_OK : TELLER_ENOMEM;
	}
	case_a(&s);
	if ((rc = pairs(&s)) != TELLER_OK ||
	    (rc = cores(&s, 0, 0, 0)) != TELLER_OK)
		return rc;
	m->lps = s.ips;
	if (s.best < 0)
		return tl_fail(ctx, TELLER_ERULE, "margin: no change of "
		    "papers can change this outcome");
	m->lower = m->upper = s.best;
	m->strict = s.strict;
	m->lrm = last_round(m);
	if ((rc = witness(&s, m, after)) != TELLER_OK)
		return rc;
	mask = sv_winners(&s, after);
	if (mask == 1ULL << s.w)
		return tl_fail(ctx, TELLER_EINTERNAL, "sv margin: the witness "
		    "does not change the outcome (a bug)");
	for (i = 0; i < s.nc; i++)
		if (mask >> i & 1)
			m->after[m->nafter++] = s.cand[i];
	m->by_lot = m->nafter > 1;
	return recount(&s, rules, after, mask);
}
