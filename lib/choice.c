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

static tl_choice_int
gcd(tl_choice_int a, tl_choice_int b)
{
	if (a < 0)
		a = -a;
	while (b != 0) {
		tl_choice_int t = a % b;
		a = b;
		b = t < 0 ? -t : t;
	}
	return a;
}

static struct tl_choice_q
reduce(tl_choice_int n, tl_choice_int d)
{
	struct tl_choice_q q;
	tl_choice_int g;

	if (d < 0) {
		n = -n;
		d = -d;
	}
	g = gcd(n, d);
	if (g > 1) {
		n /= g;
		d /= g;
	}
	q.n = n;
	q.d = d;
	return q;
}

struct tl_choice_q
tl_choice_q(int64_t n, int64_t d)
{
	return reduce(n, d);
}

static bool
mul_ov(tl_choice_int a, tl_choice_int b, tl_choice_int *out)
{
	return __builtin_mul_overflow(a, b, out);
}

int
tl_choice_add(teller_ctx *ctx, struct tl_choice_q a, struct tl_choice_q b,
    struct tl_choice_q *out)
{
	tl_choice_int g = gcd(a.d, b.d), x, y, d, s;

	if (mul_ov(a.n, b.d / g, &x) || mul_ov(b.n, a.d / g, &y) ||
	    __builtin_add_overflow(x, y, &s) || mul_ov(a.d / g, b.d, &d))
		return tl_fail(ctx, TELLER_EOVERFLOW, "a share overflows "
		    "128-bit arithmetic");
	*out = reduce(s, d);
	return TELLER_OK;
}

int
tl_choice_mul(teller_ctx *ctx, struct tl_choice_q a, struct tl_choice_q b,
    struct tl_choice_q *out)
{
	tl_choice_int g1 = gcd(a.n, b.d), g2 = gcd(b.n, a.d), n, d;

	if (g1 == 0)
		g1 = 1;
	if (g2 == 0)
		g2 = 1;
	if (mul_ov(a.n / g1, b.n / g2, &n) || mul_ov(a.d / g2, b.d / g1, &d))
		return tl_fail(ctx, TELLER_EOVERFLOW, "a share overflows "
		    "128-bit arithmetic");
	*out = reduce(n, d);
	return TELLER_OK;
}

int
tl_choice_div(teller_ctx *ctx, struct tl_choice_q a, struct tl_choice_q b,
    struct tl_choice_q *out)
{
	struct tl_choice_q inv;

	if (b.n == 0)
		return tl_fail(ctx, TELLER_EINTERNAL, "a share divides by 0");
	inv = reduce(b.d, b.n);
	return tl_choice_mul(ctx, a, inv, out);
}

int
tl_choice_cmp(struct tl_choice_q a, struct tl_choice_q b, int *rc)
{
	tl_choice_int x, y;

	if (mul_ov(a.n, b.d, &x) || mul_ov(b.n, a.d, &y)) {
		*rc = TELLER_EOVERFLOW;
		return 0;
	}
	return x < y ? -1 : x > y;
}

int
tl_choice_round(teller_ctx *ctx, struct tl_choice_q a, int dp,
    tl_fix *out)
{
	tl_choice_int s = tl_num_pow10(dp), x, t;

	/* floor((2 * n * 10^dp + d) / (2 * d)) */
	if (a.n < 0 || mul_ov(a.n, 2 * s, &x) ||
	    __builtin_add_overflow(x, a.d, &x) || mul_ov(a.d, 2, &t))
		return tl_fail(ctx, TELLER_EOVERFLOW, "a share cannot be "
		    "shown at %d places", dp);
	x /= t;
	if (x > INT64_MAX)
		return tl_fail(ctx, TELLER_EOVERFLOW, "a share cannot be "
		    "shown at %d places", dp);
	*out = (tl_fix)x;
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
