/* SPDX-License-Identifier: MIT */
/*
 * m_ranked_pairs.c -- ranked pairs (methods.md 6.6): the pairs X over Y
 * with m(X,Y) > 0, strongest first (margins; --strength winning: d(X,Y),
 * then m), each locked unless it closes a cycle. Pairs of equal strength
 * are ordered by a ranking of the candidates drawn once by lot (TBRC;
 * Zavist and Tideman, SCW 6(2), 1989; Tideman, SCW 4(3), 1987). The
 * winner has no pair locked against it; several by lot.
 */
#include <string.h>

#include "pairwise.h"

struct rp {
	const struct tl_pw *pw;
	bool winning;
	int *rank; /* [n] place in the TBRC (0 top), or NULL */
};

/* Compare strengths only: > 0 if pair a is stronger. */
static int
stronger(const struct rp *v, const struct tl_lock *a, const struct tl_lock *b)
{
	tl_fix da = TL_PW_D(v->pw, a->winner, a->loser);
	tl_fix db = TL_PW_D(v->pw, b->winner, b->loser);

	if (v->winning && da != db)
		return da > db ? 1 : -1;
	if (a->margin != b->margin)
		return a->margin > b->margin ? 1 : -1;
	return 0;
}

/* Is a taken before b? */
static bool
before(const struct rp *v, const struct tl_lock *a, const struct tl_lock *b)
{
	int s = stronger(v, a, b);

	if (s != 0 || v->rank == NULL)
		return s > 0;
	if (a->winner != b->winner)
		return v->rank[a->winner] < v->rank[b->winner];
	return v->rank[a->loser] > v->rank[b->loser];
}

/* Does from reach to through the locked pairs? */
static bool
reaches(const bool *lk, int n, int from, int to, bool *seen)
{
	int y;

	if (from == to)
		return true;
	seen[from] = true;
	for (y = 0; y < n; y++)
		if (lk[from * n + y] && !seen[y] && reaches(lk, n, y, to,
		    seen))
			return true;
	return false;
}

/* Draw the TBRC: the top first, each by lot among those left. */
static int
draw_tbrc(teller_ctx *ctx, struct teller_result *r, struct tl_lots *lots,
    const bool *ok, int n, int *rank)
{
	int *left = tl_alloc(ctx, (size_t)n + 1, sizeof(int));
	int *order = tl_alloc(ctx, (size_t)n + 1, sizeof(int));
	int nl = 0, k = 0, i, rc;
	uint64_t first = 0, draw;
	enum tl_tie_how how = TL_TIE_LOT, h0 = TL_TIE_LOT;

	if (left == NULL || order == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < n; i++)
		if (ok[i])
			left[nl++] = i;
	while (nl > 1) {
		int idx = 0;
		if ((rc = tl_lots_draw(ctx, lots, 1, TL_TIEK_PAIR_ORDER,
		    false, left, nl, &idx, &draw, &how)) != TELLER_OK)
			return rc;
		if (k == 0) {
			first = draw;
			h0 = how;
		}
		order[k++] = left[idx];
		memmove(left + idx, left + idx + 1,
		    (size_t)(nl - idx - 1) * sizeof(int));
		nl--;
	}
	if (nl == 1)
		order[k++] = left[0];
	for (i = 0; i < k; i++)
		rank[order[i]] = i;
	return tl_result_tie(ctx, r, TL_TIEK_PAIR_ORDER, h0, order, k,
	    order[0], first);
}

/* The pairs with a positive margin, in the order they are taken. */
static int
pairs(teller_ctx *ctx, struct rp *v, struct teller_result *r,
    struct tl_lots *lots, const bool *ok)
{
	const struct tl_pw *pw = v->pw;
	struct tl_lock pr, *a;
	int n = pw->n, x, y, rc;
	size_t i, j, np;
	bool equal = false;

	if ((r->locked = tl_vec_new(ctx, sizeof(struct tl_lock))) == NULL)
		return TELLER_ENOMEM;
	for (x = 0; x < n; x++)
		for (y = 0; y < n; y++)
			if (ok[x] && ok[y] && TL_PW_D(pw, x, y) >
			    TL_PW_D(pw, y, x)) {
				pr.winner = x;
				pr.loser = y;
				pr.margin = TL_PW_D(pw, x, y) -
				    TL_PW_D(pw, y, x);
				pr.locked = false;
				if (tl_vec_push(ctx, r->locked, &pr) == NULL)
					return TELLER_ENOMEM;
			}
	np = r->locked->len;
	a = (struct tl_lock *)r->locked->data;
	for (i = 0; i < np; i++)
		for (j = i + 1; j < np; j++)
			equal = equal || stronger(v, &a[i], &a[j]) == 0;
	if (equal) {
		if ((v->rank = tl_alloc(ctx, (size_t)n + 1, sizeof(int))) ==
		    NULL)
			return TELLER_ENOMEM;
		if ((rc = draw_tbrc(ctx, r, lots, ok, n, v->rank)))
			return rc;
	}
	for (i = 1; i < np; i++) /* insertion sort: stable, small */
		for (j = i; j > 0 && before(v, &a[j], &a[j - 1]); j--) {
			pr = a[j];
			a[j] = a[j - 1];
			a[j - 1] = pr;
		}
	return TELLER_OK;
}

int
tl_m_ranked_pairs(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    struct teller_result **out)
{
	struct tl_pw pw;
	struct teller_result *r;
	struct tl_lots lots;
	struct rp v;
	int n = c->ncand, x, y, rc;
	size_t i, nn = (size_t)n * (size_t)n;
	tl_fix *votes = tl_alloc(ctx, (size_t)n + 1, sizeof(tl_fix));
	struct tl_wide *key = tl_alloc(ctx, (size_t)n + 1, sizeof(*key));
	bool *ok = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));
	bool *lk = tl_alloc(ctx, nn + 1, sizeof(bool));
	bool *seen = tl_alloc(ctx, (size_t)n + 1, sizeof(bool));

	*out = NULL;
	if (votes == NULL || key == NULL || ok == NULL || lk == NULL ||
	    seen == NULL)
		return TELLER_ENOMEM;
	memset(&v, 0, sizeof(v));
	if ((rc = tl_pw_strength(ctx, rules, "ranked-pairs", false,
	    &v.winning)) || (rc = tl_pw_start(ctx, c, p, rules,
	    "ranked-pairs", false, &pw, &r, &lots)) != TELLER_OK)
		return rc;
	v.pw = &pw;
	tl_pw_ok(c, ok);
	if ((rc = pairs(ctx, &v, r, &lots, ok)) != TELLER_OK)
		return rc;
	for (i = 0; i < r->locked->len; i++) {
		struct tl_lock *a = &TL_VEC_AT(r->locked, struct tl_lock, i);
		memset(seen, 0, (size_t)n * sizeof(bool));
		if (!reaches(lk, n, a->loser, a->winner, seen)) {
			a->locked = true;
			lk[a->winner * n + a->loser] = true;
		}
	}
	for (x = 0; x < n; x++) {
		int below = 0;
		bool top = ok[x];
		for (y = 0; y < n; y++) {
			top = top && !lk[y * n + x];
			memset(seen, 0, (size_t)n * sizeof(bool));
			below += y != x && reaches(lk, n, x, y, seen);
		}
		votes[x] = below * tl_num_pow10(pw.dp);
		key[x] = tl_num_wide(top);
	}
	if ((rc = tl_pw_stage(ctx, r, votes, "candidates below in the "
	    "locked order")) != TELLER_OK)
		return rc;
	for (i = 0; i < r->ties->len; i++) /* the TBRC: stage 1 */
		TL_VEC_AT(r->ties, struct tl_tie, i).stage = 1;
	if ((rc = tl_pw_elect_best(ctx, r, &lots, key, ok, false, 1)))
		return rc;
	*out = r;
	return TELLER_OK;
}
