/* SPDX-License-Identifier: MIT */
/*
 * choice.c -- the choice reading as clean preference lists, exact
 * rationals, and the earlier-stage tie rule, for m_runoff.c,
 * m_exhaustive.c and m_college.c.
 */
#include <string.h>

#include "choice.h"

int
tl_choice_read(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, int maxranks, struct tl_choice *out)
{
	size_t k, npat = p->pats->len;
	int nc = c->ncand > 0 ? c->ncand : 1;

	memset(out, 0, sizeof(*out));
	out->npat = npat;
	out->ncand = nc;
	out->ids = tl_alloc(ctx, npat * (size_t)nc + 1, sizeof(tl_cid));
	out->n = tl_alloc(ctx, npat + 1, sizeof(int));
	out->over = tl_alloc(ctx, npat + 1, sizeof(bool));
	if (out->ids == NULL || out->n == NULL || out->over == NULL)
		return TELLER_ENOMEM;
	for (k = 0; k < npat; k++) {
		const struct tl_pat *pat = TL_PAT(p, k);
		tl_cid *ids = out->ids + k * (size_t)nc;
		struct tl_rank rk;
		int m = 0, rank = 0, i, j;

		for (rk = tl_rank_first(p, pat); rk.cells != NULL &&
		    (maxranks <= 0 || rank < maxranks);
		    rk = tl_rank_next(rk), rank++) {
			int live = 0;
			tl_cid pick = 0;

			for (i = 0; i < rk.n; i++) {
				tl_cid id = rk.ids[i];
				bool seen = live > 0 && id == pick;

				if (id >= c->ncand)
					return tl_fail(ctx, TELLER_EINTERNAL,
					    "a ballot marks candidate %d of %d",
					    id + 1, c->ncand);
				if (TL_CAND(c, id)->withdrawn)
					continue;
				for (j = 0; j < m && !seen; j++)
					seen = ids[j] == id;
				if (seen)
					continue;
				pick = id;
				live++;
			}
			if (live > 1) {
				out->over[k] = true;
				break;
			}
			if (live == 1 && m < nc)
				ids[m++] = pick;
		}
		out->n[k] = m;
	}
	return TELLER_OK;
}

int
tl_choice_top(const struct tl_choice *ch, size_t k, const bool *live)
{
	const tl_cid *ids = ch->ids + k * (size_t)ch->ncand;
	int i;

	for (i = 0; i < ch->n[k]; i++)
		if (live[ids[i]])
			return ids[i];
	return -1;
}

/* The rationals below are pairs of struct tl_wide: the numeric module
 * (num.c) does every 128-bit step, so this file has no 128-bit type. */
#define W(v) tl_num_wide(v)

static bool
w_is0(struct tl_wide a)
{
	return tl_num_wsign(a) == 0;
}

/* |a|; a != -2^127 (every value here is a product of checked steps). */
static struct tl_wide
w_abs(struct tl_wide a)
{
	struct tl_wide z;

	if (tl_num_wsign(a) >= 0 || !tl_num_wsub(W(0), a, &z))
		return a;
	return z;
}

/* a / b exactly (b divides a) or truncated; b != 0. */
static struct tl_wide
w_quo(struct tl_wide a, struct tl_wide b)
{
	return tl_num_wdiv(a, b, TL_ROUND_DOWN);
}

static struct tl_wide
gcd(struct tl_wide a, struct tl_wide b)
{
	a = w_abs(a);
	b = w_abs(b);
	while (!w_is0(b)) {
		struct tl_wide q = w_quo(a, b), p, t;

		/* a - q * b, no overflow: |q * b| <= |a| */
		if (!tl_num_wmul(q, b, &p) || !tl_num_wsub(a, p, &t))
			t = W(0);
		a = b;
		b = w_abs(t);
	}
	return a;
}

static struct tl_choice_q
reduce(struct tl_wide n, struct tl_wide d)
{
	struct tl_choice_q q;
	struct tl_wide g;

	if (tl_num_wsign(d) < 0) {
		struct tl_wide nn, dd;

		/* -n/-d; |n|, |d| < 2^127 as every value here is */
		if (tl_num_wsub(W(0), n, &nn) && tl_num_wsub(W(0), d, &dd)) {
			n = nn;
			d = dd;
		}
	}
	g = gcd(n, d);
	if (tl_num_wcmp(g, W(1)) > 0) {
		n = w_quo(n, g);
		d = w_quo(d, g);
	}
	q.n = n;
	q.d = d;
	return q;
}

struct tl_choice_q
tl_choice_q(int64_t n, int64_t d)
{
	return reduce(W(n), W(d));
}

static int
overflow(teller_ctx *ctx)
{
	return tl_fail(ctx, TELLER_EOVERFLOW, "a share overflows 128-bit "
	    "arithmetic");
}

int
tl_choice_add(teller_ctx *ctx, struct tl_choice_q a, struct tl_choice_q b,
    struct tl_choice_q *out)
{
	struct tl_wide g = gcd(a.d, b.d), x, y, d, s;

	if (!tl_num_wmul(a.n, w_quo(b.d, g), &x) ||
	    !tl_num_wmul(b.n, w_quo(a.d, g), &y) ||
	    !tl_num_wadd(x, y, &s) || !tl_num_wmul(w_quo(a.d, g), b.d, &d))
		return overflow(ctx);
	*out = reduce(s, d);
	return TELLER_OK;
}

int
tl_choice_mul(teller_ctx *ctx, struct tl_choice_q a, struct tl_choice_q b,
    struct tl_choice_q *out)
{
	struct tl_wide g1 = gcd(a.n, b.d), g2 = gcd(b.n, a.d), n, d;

	if (w_is0(g1))
		g1 = W(1);
	if (w_is0(g2))
		g2 = W(1);
	if (!tl_num_wmul(w_quo(a.n, g1), w_quo(b.n, g2), &n) ||
	    !tl_num_wmul(w_quo(a.d, g2), w_quo(b.d, g1), &d))
		return overflow(ctx);
	*out = reduce(n, d);
	return TELLER_OK;
}

int
tl_choice_div(teller_ctx *ctx, struct tl_choice_q a, struct tl_choice_q b,
    struct tl_choice_q *out)
{
	struct tl_choice_q inv;

	if (w_is0(b.n))
		return tl_fail(ctx, TELLER_EINTERNAL, "a share divides by 0");
	inv = reduce(b.d, b.n);
	return tl_choice_mul(ctx, a, inv, out);
}

int
tl_choice_cmp(struct tl_choice_q a, struct tl_choice_q b, int *rc)
{
	struct tl_wide x, y;

	if (!tl_num_wmul(a.n, b.d, &x) || !tl_num_wmul(b.n, a.d, &y)) {
		*rc = TELLER_EOVERFLOW;
		return 0;
	}
	return tl_num_wcmp(x, y);
}

int
tl_choice_round(teller_ctx *ctx, struct tl_choice_q a, int dp,
    tl_fix *out)
{
	struct tl_wide x;

	/* n * 10^dp / d, half up (n >= 0) */
	if (tl_num_wsign(a.n) < 0 ||
	    !tl_num_wdiv_long(a.n, a.d, dp, TL_ROUND_HALF_UP, &x) ||
	    !tl_num_w64(x, out))
		return tl_fail(ctx, TELLER_EOVERFLOW, "a share cannot be "
		    "shown at %d places", dp);
	return TELLER_OK;
}

int
tl_choice_lowest(teller_ctx *ctx, struct teller_result *r,
    struct tl_lots *lots, const struct tl_choice_q *hist, int ncand,
    int now, const int *tied, int n, enum tl_tie_kind kind, int *loser)
{
	int *s = tl_alloc(ctx, (size_t)n + 1, sizeof(int));
	int m = n, i, k, d = 0, st, rc = TELLER_OK, w;
	enum tl_tie_how how = TL_TIE_EARLIER;
	uint64_t dr = 0;

	if (s == NULL)
		return TELLER_ENOMEM;
	memcpy(s, tied, (size_t)n * sizeof(int));
	/* the previous round first, then the one before (methods.md 1.3) */
	for (st = now - 1; st >= 0 && m > 1; st--) {
		const struct tl_choice_q *v = hist + (size_t)st * (size_t)ncand;
		struct tl_choice_q lo = v[s[0]];

		for (i = 1; i < m; i++)
			if (tl_choice_cmp(v[s[i]], lo, &rc) < 0)
				lo = v[s[i]];
		for (i = k = 0; i < m; i++)
			if (tl_choice_cmp(v[s[i]], lo, &rc) == 0)
				s[k++] = s[i];
		m = k;
	}
	if (rc != TELLER_OK)
		return tl_fail(ctx, rc, "a share overflows 128-bit arithmetic");
	if (m > 1) {
		rc = tl_lots_draw(ctx, lots, now + 1, kind, true, s, m, &d,
		    &dr, &how);
		if (rc == TELLER_ETIE && tl_result_pending(ctx, r, kind, s,
		    m) != TELLER_OK)
			return TELLER_ENOMEM;
		if (rc != TELLER_OK)
			return rc;
	}
	*loser = s[d];
	w = *loser;
	if (kind == TL_TIEK_ELECT)
		w = tied[0] == *loser ? tied[1] : tied[0];
	return tl_result_tie(ctx, r, kind, how, tied, n, w, dr);
}

/* Section k's figures and its points into pts (methods.md 4.2 step 2):
 * f = 100 * (w_s / W) / V_s, points_s(c) = f * v_s(c). */
static int
college_section(teller_ctx *ctx, int nc, struct tl_choice_q w,
    struct tl_choice_q wsum, const tl_fix *v, tl_fix live, const bool *cont,
    struct tl_sect_stage *o, struct tl_choice_q *pts)
{
	struct tl_choice_q f, sh, pt;
	int i, rc;

	o->votes = tl_alloc(ctx, (size_t)nc + 1, sizeof(tl_fix));
	o->percent = tl_alloc(ctx, (size_t)nc + 1, sizeof(tl_fix));
	o->points = tl_alloc(ctx, (size_t)nc + 1, sizeof(tl_fix));
	if (o->votes == NULL || o->percent == NULL || o->points == NULL)
		return TELLER_ENOMEM;
	if (live > 0 && ((rc = tl_choice_mul(ctx, tl_choice_q(100, 1), w,
	    &f)) != TELLER_OK ||
	    (rc = tl_choice_div(ctx, f, wsum, &f)) != TELLER_OK ||
	    (rc = tl_choice_div(ctx, f, tl_choice_q(live, 1), &f)) !=
	    TELLER_OK))
		return rc;
	for (i = 0; i < nc; i++) {
		o->votes[i] = v[i];
		o->percent[i] = o->points[i] = -1;
		if (!cont[i])
			continue;
		o->percent[i] = o->points[i] = 0;
		if (live == 0)
			continue;
		if ((rc = tl_choice_div(ctx, tl_choice_q(100, 1),
		    tl_choice_q(live, 1), &sh)) != TELLER_OK ||
		    (rc = tl_choice_mul(ctx, sh, tl_choice_q(v[i], 1), &sh)) !=
		    TELLER_OK ||
		    (rc = tl_choice_mul(ctx, f, tl_choice_q(v[i], 1), &pt)) !=
		    TELLER_OK ||
		    (rc = tl_choice_add(ctx, pts[i], pt, &pts[i])) !=
		    TELLER_OK ||
		    (rc = tl_choice_round(ctx, sh, TL_COLLEGE_DP,
		    &o->percent[i])) != TELLER_OK ||
		    (rc = tl_choice_round(ctx, pt, TL_COLLEGE_DP,
		    &o->points[i])) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

int
tl_choice_college(teller_ctx *ctx, int ns, int nc,
    const struct tl_choice_q *w, tl_fix *const *v, const tl_fix *live,
    const tl_fix *valid, const bool *cont, struct tl_sect_stage *ss,
    struct tl_choice_q *pts)
{
	struct tl_choice_q wsum = tl_choice_q(0, 1);
	int k, i, rc;

	for (i = 0; i < nc; i++)
		pts[i] = tl_choice_q(0, 1);
	/* W: the weights of the sections with a live ballot (4.2 step 2) */
	for (k = 0; k < ns; k++)
		if (live[k] > 0 && (rc = tl_choice_add(ctx, wsum, w[k],
		    &wsum)) != TELLER_OK)
			return rc;
	for (k = 0; k < ns; k++) {
		ss[k].valid = live[k];
		ss[k].nontrans = valid[k] - live[k];
		if ((rc = college_section(ctx, nc, w[k], wsum, v[k], live[k],
		    cont, &ss[k], pts)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}
