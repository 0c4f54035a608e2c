/* SPDX-License-Identifier: MIT */
/*
 * raire.c -- RAIRE (Blom, Stuckey & Teague, arXiv 1903.08804; raire-rs):
 * a set of NEB/NEN assertions that rules out every IRV elimination order
 * ending in another winner, with the least possible largest difficulty;
 * the three trimming algorithms; and the sufficiency check (audit.md
 * 3.1, 3.6) that also certifies the margin lower bound of 2.4.4. All
 * decisions are on integer tallies; difficulties are compared through a
 * caller's order (struct tl_diff), so no floating point is needed here.
 */
#include <string.h>

#include "audit.h"

int
tl_diff_cmp(const struct tl_diff *d, int64_t w1, int64_t l1, int64_t w2,
    int64_t l2)
{
	int64_t m1 = w1 - l1, m2 = w2 - l2;

	if (d != NULL && d->cmp != NULL)
		return d->cmp(d->ud, d->n, w1, l1, w2, l2);
	if (m1 <= 0 && m2 <= 0)
		return 0;
	if (m1 <= 0)
		return 1;
	if (m2 <= 0)
		return -1;
	return m1 > m2 ? -1 : m1 < m2;
}

void
tl_raire_tally(const struct tl_ab *b, struct tl_asrt *a)
{
	int64_t t[TL_AB_MAXC];
	uint64_t all = b->nc == 64 ? ~0ULL : (1ULL << b->nc) - 1;

	if (a->kind == TL_NEB) {
		tl_ab_tally(b, all, t);
		a->tw = t[a->w];
		tl_ab_tally(b, 1ULL << a->w | 1ULL << a->l, t);
		a->tl = t[a->l];
	} else {
		tl_ab_tally(b, a->s, t);
		a->tw = t[a->w];
		a->tl = t[a->l];
	}
}

bool
tl_raire_contradicts(const struct tl_asrt *a, const int *sigma, int k)
{
	int i, m, first;

	if (a->kind == TL_NEB) {
		for (i = k - 1; i >= 0; i--) {
			if (sigma[i] == a->l)
				return true;
			if (sigma[i] == a->w)
				return false;
		}
		return false;
	}
	m = 0;
	for (i = 0; i < TL_AB_MAXC; i++)
		m += (int)(a->s >> i & 1);
	first = k > m ? k - m : 0;
	for (i = first; i < k; i++)
		if (!(a->s >> sigma[i] & 1))
			return false;
	return k >= m && sigma[k - m] == a->w;
}

/* A suffix in the search, with the easiest assertion that rules it out
 * (its own or an ancestor's). */
struct node {
	uint8_t seq[TL_AB_MAXC]; /* seq[0] eliminated first */
	int len;
	struct tl_asrt best;
	bool has;                /* best is set */
};

struct search {
	teller_ctx *ctx;
	const struct tl_ab *b;
	const struct tl_diff *d;
	int winner;
	struct tl_asrt *neb;  /* [nc * nc] NEB(w, l) tallies */
	struct node *heap;
	size_t nheap, cap;
	struct tl_vec *out;   /* of struct tl_asrt */
};

/* Is x harder than y (an absent assertion is infinitely hard)? */
static int
harder(const struct search *s, const struct node *x, const struct node *y)
{
	if (!x->has || !y->has)
		return x->has ? -1 : y->has;
	return tl_diff_cmp(s->d, x->best.tw, x->best.tl, y->best.tw,
	    y->best.tl);
}

/* Offer assertion a for node n: kept if easier than what n has. */
static void
offer(const struct search *s, struct node *n, const struct tl_asrt *a)
{
	if (!n->has || tl_diff_cmp(s->d, a->tw, a->tl, n->best.tw,
	    n->best.tl) < 0) {
		n->best = *a;
		n->has = true;
	}
}

/* The assertions that rule out n on its own (not through a shorter
 * suffix): NEN(n[0], l, set(n)); NEB(n[0], l) for l later in n;
 * NEB(w, n[0]) for w not in n. */
static void
own_best(struct search *s, struct node *n)
{
	int64_t t[TL_AB_MAXC];
	struct tl_asrt a;
	uint64_t set = 0;
	int i, nc = s->b->nc, c0 = n->seq[0];

	for (i = 0; i < n->len; i++)
		set |= 1ULL << n->seq[i];
	if (n->len > 1) {
		tl_ab_tally(s->b, set, t);
		memset(&a, 0, sizeof(a));
		a.kind = TL_NEN;
		a.w = c0;
		a.s = set;
		for (i = 1; i < n->len; i++) {
			a.l = n->seq[i];
			a.tw = t[c0];
			a.tl = t[a.l];
			offer(s, n, &a);
			offer(s, n, &s->neb[c0 * nc + n->seq[i]]);
		}
	}
	for (i = 0; i < nc; i++)
		if (!(set >> i & 1))
			offer(s, n, &s->neb[i * nc + c0]);
}

static int
push(struct search *s, const struct node *n)
{
	size_t i, p;

	if (s->nheap == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		struct node *h = tl_realloc(s->ctx, s->heap,
		    s->cap * sizeof(*h), nc * sizeof(*h));
		if (h == NULL)
			return TELLER_ENOMEM;
		s->heap = h;
		s->cap = nc;
	}
	i = s->nheap++;
	s->heap[i] = *n;
	while (i > 0 && harder(s, &s->heap[p = (i - 1) / 2],
	    &s->heap[i]) < 0) {
		struct node t = s->heap[p];
		s->heap[p] = s->heap[i];
		s->heap[i] = t;
		i = p;
	}
	return TELLER_OK;
}

static void
pop(struct search *s, struct node *out)
{
	size_t i = 0, n;

	*out = s->heap[0];
	n = --s->nheap;
	s->heap[0] = s->heap[n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct node t;

		if (l < n && harder(s, &s->heap[l], &s->heap[m]) > 0)
			m = l;
		if (r < n && harder(s, &s->heap[r], &s->heap[m]) > 0)
			m = r;
		if (m == i)
			break;
		t = s->heap[m];
		s->heap[m] = s->heap[i];
		s->heap[i] = t;
		i = m;
	}
}

static bool
same(const struct tl_asrt *x, const struct tl_asrt *y)
{
	return x->kind == y->kind && x->w == y->w && x->l == y->l &&
	    (x->kind == TL_NEB || x->s == y->s);
}

static int
accept(struct search *s, const struct tl_asrt *a)
{
	size_t i;

	for (i = 0; i < s->out->len; i++)
		if (same(&TL_VEC_AT(s->out, struct tl_asrt, i), a))
			return TELLER_OK;
	return tl_vec_push(s->ctx, s->out, a) ? TELLER_OK : TELLER_ENOMEM;
}

/* The best-first search of raire-rs: pop the hardest suffix; accept its
 * best assertion when no harder than the bound found so far, or when it
 * is a complete order (which raises the bound); else expand it. */
static int
search(struct search *s, int64_t *work)
{
	struct tl_asrt lb;
	struct node n, c;
	bool have_lb = false;
	int i, j, rc, nc = s->b->nc;

	for (i = 0; i < nc; i++) {
		if (i == s->winner)
			continue;
		memset(&n, 0, sizeof(n));
		n.seq[0] = (uint8_t)i;
		n.len = 1;
		own_best(s, &n);
		if ((rc = push(s, &n)) != TELLER_OK)
			return rc;
	}
	memset(&lb, 0, sizeof(lb));
	while (s->nheap > 0) {
		pop(s, &n);
		++*work;
		if (n.has && have_lb && tl_diff_cmp(s->d, n.best.tw,
		    n.best.tl, lb.tw, lb.tl) <= 0) {
			if ((rc = accept(s, &n.best)) != TELLER_OK)
				return rc;
			continue;
		}
		if (n.len == nc) {
			if (!n.has || n.best.tw <= n.best.tl)
				return tl_fail(s->ctx, TELLER_ETIE, "raire: "
				    "an elimination order ending in another "
				    "winner cannot be ruled out (a tie)");
			lb = n.best;
			have_lb = true;
			if ((rc = accept(s, &n.best)) != TELLER_OK)
				return rc;
			continue;
		}
		for (j = 0; j < nc; j++) {
			bool in = false;

			for (i = 0; i < n.len; i++)
				in |= n.seq[i] == j;
			if (in)
				continue;
			c = n;
			c.seq[0] = (uint8_t)j;
			memcpy(c.seq + 1, n.seq, (size_t)n.len);
			c.len = n.len + 1;
			own_best(s, &c);
			if ((rc = push(s, &c)) != TELLER_OK)
				return rc;
		}
	}
	return TELLER_OK;
}

/* Does a node need expanding (no assertion of a[0..n) with use[] set --
 * or any, when use is NULL -- contradicts sigma)? Returns the index of
 * one that does, preferring those already used; -1 if none. */
static long
ruled_by(const struct tl_asrt *a, size_t n, const bool *used,
    const int *sigma, int k)
{
	long any = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!tl_raire_contradicts(&a[i], sigma, k))
			continue;
		if (used == NULL || used[i])
			return (long)i;
		if (any < 0)
			any = (long)i;
	}
	return any;
}

/*
 * Walk the suffix tree depth-first from each [c], c != winner, pruning
 * at the first contradicted suffix. mark (may be NULL) gets the
 * assertions used. Returns true if every branch is pruned; otherwise
 * order/len hold the first complete order found uncontradicted.
 */
static bool
walk(int nc, int winner, const struct tl_asrt *a, size_t n, bool *mark,
    int *order, int *len, int64_t *work)
{
	int sigma[TL_AB_MAXC], next[TL_AB_MAXC + 1], k = 1, c, i;
	long r;

	next[0] = 0;
	for (;;) {
		/* next[k-1]: the candidate to try at the front of depth k */
		while (next[k - 1] < nc) {
			bool in = false;

			c = next[k - 1]++;
			if (k == 1 && c == winner)
				continue;
			for (i = TL_AB_MAXC - k + 1; i < TL_AB_MAXC; i++)
				in |= sigma[i] == c;
			if (in)
				continue;
			sigma[TL_AB_MAXC - k] = c;
			++*work;
			r = ruled_by(a, n, mark, sigma + TL_AB_MAXC - k, k);
			if (r >= 0) {
				if (mark != NULL)
					mark[r] = true;
				continue;
			}
			if (k == nc) {
				if (order != NULL) {
					memcpy(order, sigma + TL_AB_MAXC - k,
					    (size_t)k * sizeof(int));
					*len = k;
				}
				return false;
			}
			next[k++] = 0;
		}
		if (--k == 0)
			return true;
	}
}

bool
tl_raire_sufficient(int nc, int winner, const struct tl_asrt *a, size_t n,
    int *order, int *len, int64_t *work)
{
	return walk(nc, winner, a, n, NULL, order, len, work);
}

/* Trim out->a as asked; work counts suffixes visited. */
static int
trim(teller_ctx *ctx, int nc, int winner, int how, struct tl_raire *r)
{
	bool *used;
	size_t i, k = 0;

	if (how == TL_TRIM_NONE || r->n == 0)
		return TELLER_OK;
	if ((used = tl_alloc(ctx, r->n, sizeof(bool))) == NULL)
		return TELLER_ENOMEM;
	if (!walk(nc, winner, r->a, r->n, used, NULL, NULL, &r->work_trim))
		return tl_fail(ctx, TELLER_EINTERNAL, "raire: the assertions "
		    "found do not rule out every other winner");
	for (i = 0; i < r->n; i++)
		if (used[i])
			r->a[k++] = r->a[i];
	r->n = k;
	if (how != TL_TRIM_ASSERTIONS)
		return TELLER_OK;
	/* drop any assertion the rest can do without, easiest first */
	for (i = r->n; i-- > 0;) {
		struct tl_asrt t = r->a[i];

		r->a[i] = r->a[r->n - 1];
		if (walk(nc, winner, r->a, r->n - 1, NULL, NULL, NULL,
		    &r->work_trim)) {
			r->n--;
		} else {
			r->a[r->n - 1] = r->a[i];
			r->a[i] = t;
		}
	}
	return TELLER_OK;
}

/* Order: NEB before NEN, then by winner, loser, set (deterministic). */
static int
asrt_order(const struct tl_asrt *x, const struct tl_asrt *y)
{
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->w != y->w)
		return x->w < y->w ? -1 : 1;
	if (x->l != y->l)
		return x->l < y->l ? -1 : 1;
	return x->s < y->s ? -1 : x->s > y->s;
}

int
tl_raire_solve(teller_ctx *ctx, const struct tl_ab *b, int winner,
    const struct tl_diff *d, int how, struct tl_raire *out)
{
	struct search s;
	uint64_t wins;
	int64_t t[TL_AB_MAXC];
	int w, l, rc, nc = b->nc;
	size_t i, j;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.b = b;
	s.d = d;
	s.winner = winner;
	wins = tl_ab_winners(ctx, b);
	out->work_winner = nc;
	if (wins == 0)
		return teller_errcode(ctx) ? teller_errcode(ctx) :
		    tl_fail(ctx, TELLER_ERULE, "raire: no candidate");
	if (wins != 1ULL << winner)
		return tl_fail(ctx, TELLER_ETIE, "raire: the winner depends "
		    "on a lot (TiedWinners)");
	s.neb = tl_alloc(ctx, (size_t)nc * (size_t)nc + 1, sizeof(*s.neb));
	s.out = tl_vec_new(ctx, sizeof(struct tl_asrt));
	if (s.neb == NULL || s.out == NULL)
		return TELLER_ENOMEM;
	{
		int64_t fp[TL_AB_MAXC];
		uint64_t all = nc == 64 ? ~0ULL : (1ULL << nc) - 1;

		tl_ab_tally(b, all, fp);
		for (w = 0; w < nc; w++)
			for (l = 0; l < nc; l++) {
				struct tl_asrt *a = &s.neb[w * nc + l];
				if (w == l)
					continue;
				tl_ab_tally(b, 1ULL << w | 1ULL << l, t);
				a->kind = TL_NEB;
				a->w = w;
				a->l = l;
				a->tw = fp[w];
				a->tl = t[l];
			}
	}
	rc = search(&s, &out->work_find);
	tl_free(ctx, s.heap, s.cap * sizeof(*s.heap));
	if (rc != TELLER_OK)
		return rc;
	out->a = s.out->data;
	out->n = s.out->len;
	if ((rc = trim(ctx, nc, winner, how, out)) != TELLER_OK)
		return rc;
	for (i = 1; i < out->n; i++)
		for (j = i; j > 0 && asrt_order(&out->a[j - 1],
		    &out->a[j]) > 0; j--) {
			struct tl_asrt x = out->a[j];
			out->a[j] = out->a[j - 1];
			out->a[j - 1] = x;
		}
	for (i = 1; i < out->n; i++)
		if (tl_diff_cmp(d, out->a[i].tw, out->a[i].tl,
		    out->a[out->hardest].tw, out->a[out->hardest].tl) > 0)
			out->hardest = i;
	return TELLER_OK;
}
