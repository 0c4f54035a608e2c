/* SPDX-License-Identifier: MIT */
/*
 * irv_bb.c -- the exact IRV margin of Blom, Stuckey, Teague & Tidhar,
 * "Efficient computation of exact IRV margins" (ECAI 2016; audit.md
 * 2.4.3): best-first branch and bound over elimination-order suffixes,
 * an LP lower bound per node (DistanceTo over trajectory classes), the
 * cheap bound b2, an integer program at complete orders whose solution
 * becomes a witness that is applied and re-counted exactly before it is
 * believed.
 */
#include <string.h>

#include "audit.h"
#include "margin.h"

/* Deepest suffix the LP is built for: 2^20 trajectory classes. */
#define MAXK 20

struct bbnode {
	int64_t bound;
	uint8_t seq[TL_AB_MAXC];
	int len;
};

struct bb {
	teller_ctx *ctx;
	struct tl_bb *io;
	const struct tl_ab *b;
	int64_t *fp;            /* [nc] first preferences */
	struct bbnode *heap;
	size_t n, cap;
	int64_t *cls;           /* [2^k] papers per trajectory class */
	uint32_t *mask;         /* [b->n] class of each ranking */
};

static int
hpush(struct bb *s, const struct bbnode *x)
{
	size_t i, p;

	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		struct bbnode *h = tl_realloc(s->ctx, s->heap,
		    s->cap * sizeof(*h), nc * sizeof(*h));
		if (h == NULL)
			return TELLER_ENOMEM;
		s->heap = h;
		s->cap = nc;
	}
	i = s->n++;
	s->heap[i] = *x;
	while (i > 0 && s->heap[p = (i - 1) / 2].bound > s->heap[i].bound) {
		struct bbnode t = s->heap[p];
		s->heap[p] = s->heap[i];
		s->heap[i] = t;
		i = p;
	}
	return TELLER_OK;
}

static void
hpop(struct bb *s, struct bbnode *out)
{
	size_t i = 0, n;

	*out = s->heap[0];
	n = --s->n;
	s->heap[0] = s->heap[n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct bbnode t;

		if (l < n && s->heap[l].bound < s->heap[m].bound)
			m = l;
		if (r < n && s->heap[r].bound < s->heap[m].bound)
			m = r;
		if (m == i)
			break;
		t = s->heap[m];
		s->heap[m] = s->heap[i];
		s->heap[i] = t;
		i = m;
	}
}

/* Trajectory class of every ranking under suffix seq[0..k) and the
 * papers in each class (s->cls, 2^k entries). */
static void
classes(struct bb *s, const uint8_t *seq, int k)
{
	const struct tl_ab *b = s->b;
	int pos[TL_AB_MAXC], i;
	size_t r;
	uint32_t j;

	for (i = 0; i < b->nc; i++)
		pos[i] = -1;
	for (i = 0; i < k; i++)
		pos[seq[i]] = i;
	memset(s->cls, 0, ((size_t)1 << k) * sizeof(int64_t));
	for (r = 0; r < b->n; r++) {
		uint32_t m = 0;
		int cur = -1;

		for (j = b->off[r]; j < b->off[r + 1]; j++) {
			int q = pos[b->ids[j]];
			if (q > cur) {
				m |= 1u << q;
				cur = q;
			}
		}
		s->mask[r] = m;
		s->cls[m] += b->w[r];
	}
}

/* Lowest set bit of m at or above r, or -1. */
static int
first_from(uint32_t m, int r)
{
	m >>= r;
	if (m == 0)
		return -1;
	return r + __builtin_ctz(m);
}

/*
 * DistanceTo(seq[0..k)): the fewest changes after which the count can
 * eliminate seq[0], then seq[1], ..., leaving seq[k-1] (ties allowed).
 * Columns: p (papers into class c, c != 0) then m (out of a class that
 * has papers). integer: solve exactly and fill ch with the witness.
 */
static int
distance(struct bb *s, const uint8_t *seq, int k, bool integer,
    int64_t *bound, bool *infeasible, struct tl_chg **ch, size_t *nch)
{
	struct tl_lp lp;
	uint32_t ncls = 1u << k, c;
	int model = s->io->model, np, nm = 0, col, r, j, row, rc;
	int *colcls;
	int64_t *x;
	size_t sz;
	char *mem;

	classes(s, seq, k);
	np = model == TELLER_MARGIN_DELETE ? 0 : (int)ncls - 1;
	if (model != TELLER_MARGIN_ADD)
		for (c = 0; c < ncls; c++)
			nm += s->cls[c] > 0;
	memset(&lp, 0, sizeof(lp));
	lp.ncol = np + nm;
	lp.nrow = k * (k - 1) / 2 + (model == TELLER_MARGIN_CHANGE);
	/* one scratch block, freed below: nodes are many */
	sz = ((size_t)lp.ncol + 1) * (4 * sizeof(int64_t) + sizeof(int)) +
	    ((size_t)lp.nrow + 1) * (sizeof(int64_t) + sizeof(bool)) +
	    (size_t)lp.nrow * (size_t)lp.ncol + 16;
	if ((mem = tl_realloc(s->ctx, NULL, 0, sz)) == NULL)
		return TELLER_ENOMEM;
	memset(mem, 0, sz);
	lp.lo = (int64_t *)(void *)mem;
	lp.hi = lp.lo + lp.ncol + 1;
	lp.obj = lp.hi + lp.ncol + 1;
	x = lp.obj + lp.ncol + 1;
	lp.rhs = x + lp.ncol + 1;
	colcls = (int *)(void *)(lp.rhs + lp.nrow + 1);
	lp.eq = (bool *)(colcls + lp.ncol + 1);
	lp.a = (int8_t *)(lp.eq + lp.nrow + 1);
	col = 0;
	for (c = 1; (int)c <= np; c++, col++) {
		colcls[col] = (int)c;
		lp.hi[col] = s->b->total + 1; /* finite integer search */
		lp.obj[col] = 1;
	}
	for (c = 0; c < ncls && model != TELLER_MARGIN_ADD; c++)
		if (s->cls[c] > 0) {
			colcls[col] = (int)c;
			lp.hi[col] = s->cls[c];
			lp.obj[col] = model == TELLER_MARGIN_DELETE;
			col++;
		}
	row = 0;
	for (r = 0; r + 1 < k; r++)
		for (j = r + 1; j < k; j++, row++) {
			int8_t *a = lp.a + (size_t)row * (size_t)lp.ncol;
			for (c = 0; c < ncls; c++) {
				int q = first_from(c, r);
				if (q == r)
					lp.rhs[row] -= s->cls[c];
				else if (q == j)
					lp.rhs[row] += s->cls[c];
			}
			for (col = 0; col < lp.ncol; col++) {
				int q = first_from((uint32_t)colcls[col], r);
				int8_t v = q == r ? 1 : q == j ? -1 : 0;
				a[col] = (int8_t)(col < np ? v : -v);
			}
		}
	if (model == TELLER_MARGIN_CHANGE) {
		int8_t *a = lp.a + (size_t)row * (size_t)lp.ncol;
		for (col = 0; col < lp.ncol; col++)
			a[col] = col < np ? 1 : -1;
		lp.eq[row] = true;
	}
	if (integer)
		lp.cutoff = s->io->upper;
	s->io->lps++;
	rc = tl_lp_solve(s->ctx, &lp, integer, bound, infeasible, x);
	if (rc == TELLER_OK && !*infeasible && integer &&
	    *bound < lp.cutoff)
		rc = tl_witness_from_bb(s->ctx, s->b, seq, k, s->mask, colcls, np,
		    lp.ncol, x, ch, nch);
	tl_free(s->ctx, mem, sz);
	return rc;
}

/* b2 of suffix seq[0..k) (audit.md 2.4.3; margin.h). */
int64_t
tl_bb_b2(const struct tl_ab *b, const int64_t *fp, int model,
    const uint8_t *seq, int k)
{
	int64_t t[TL_AB_MAXC], best = 0;
	uint64_t set = 0;
	int e, i, div = model == TELLER_MARGIN_CHANGE ? 2 : 1;

	for (i = 0; i < k; i++)
		set |= 1ULL << seq[i];
	for (e = 0; e < b->nc; e++) {
		if (set >> e & 1)
			continue;
		tl_ab_tally(b, set | 1ULL << e, t);
		for (i = 0; i < k; i++) {
			int64_t d = fp[e] - t[seq[i]];
			if (d > 0 && (d + div - 1) / div > best)
				best = (d + div - 1) / div;
		}
	}
	return best;
}

static int64_t
b2(struct bb *s, const uint8_t *seq, int k)
{
	return tl_bb_b2(s->b, s->fp, s->io->model, seq, k);
}

/* A complete order: its integer program; a cheaper verified witness
 * lowers the incumbent. */
static int
leaf(struct bb *s, const uint8_t *seq, int k)
{
	struct tl_chg *ch = NULL;
	size_t nch = 0;
	int64_t v;
	bool inf;
	int rc;

	if ((rc = distance(s, seq, k, true, &v, &inf, &ch, &nch)) !=
	    TELLER_OK || inf || v >= s->io->upper)
		return rc;
	if ((rc = tl_witness_check(s->ctx, s->b, s->io->winner, ch, nch)) !=
	    TELLER_OK)
		return rc;
	s->io->upper = v;
	s->io->ch = ch;
	s->io->nch = nch;
	return TELLER_OK;
}

/* Expand node x (its LP bound taken): push or solve its children. */
static int
expand(struct bb *s, const struct bbnode *x, int64_t l)
{
	struct bbnode c;
	int e, i, rc;

	for (e = 0; e < s->b->nc; e++) {
		bool in = false;

		for (i = 0; i < x->len; i++)
			in |= x->seq[i] == e;
		if (in)
			continue;
		c.seq[0] = (uint8_t)e;
		memcpy(c.seq + 1, x->seq, (size_t)x->len);
		c.len = x->len + 1;
		if (c.len == s->b->nc) {
			if ((rc = leaf(s, c.seq, c.len)) != TELLER_OK)
				return rc;
			continue;
		}
		c.bound = b2(s, c.seq, c.len);
		if (c.bound < l)
			c.bound = l;
		if (c.bound < s->io->upper && (rc = hpush(s, &c)) !=
		    TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

static int
run(struct bb *s)
{
	struct tl_bb *io = s->io;
	struct bbnode x;
	int64_t v;
	bool inf;
	int e, rc;

	for (e = 0; e < s->b->nc; e++)
		if (e != io->winner) {
			x.seq[0] = (uint8_t)e;
			x.len = 1;
			x.bound = b2(s, x.seq, 1);
			if ((rc = hpush(s, &x)) != TELLER_OK)
				return rc;
		}
	while (s->n > 0 && io->upper > io->lower) {
		if (io->nodes >= io->max_nodes) {
			io->stopped_by = "max-nodes";
			return TELLER_OK;
		}
		if (io->stop != NULL && io->stop(io->stop_ud)) {
			io->stopped_by = "budget";
			return TELLER_OK;
		}
		hpop(s, &x);
		io->nodes++;
		if (x.bound >= io->upper)
			continue;
		if ((rc = distance(s, x.seq, x.len, false, &v, &inf, NULL,
		    NULL)) != TELLER_OK)
			return rc;
		if (inf || v >= io->upper)
			continue;
		if (v < x.bound)
			v = x.bound;
		if ((rc = expand(s, &x, v)) != TELLER_OK)
			return rc;
	}
	return TELLER_OK;
}

int
tl_bb_run(teller_ctx *ctx, const struct tl_ab *b, struct tl_bb *io)
{
	struct bb s;
	uint64_t all = b->nc == 64 ? ~0ULL : (1ULL << b->nc) - 1;
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	s.ctx = ctx;
	s.io = io;
	s.b = b;
	io->stopped_by = NULL;
	if (b->nc > MAXK) {
		io->stopped_by = "max-nodes";
		return TELLER_OK;
	}
	s.fp = tl_alloc(ctx, (size_t)b->nc, sizeof(int64_t));
	s.cls = tl_alloc(ctx, (size_t)1 << b->nc, sizeof(int64_t));
	s.mask = tl_alloc(ctx, b->n + 1, sizeof(uint32_t));
	if (s.fp == NULL || s.cls == NULL || s.mask == NULL)
		return TELLER_ENOMEM;
	tl_ab_tally(b, all, s.fp);
	rc = run(&s);
	if (rc == TELLER_OK && io->stopped_by != NULL) {
		/* the least bound left open */
		int64_t lo = io->upper;
		for (i = 0; i < s.n; i++)
			if (s.heap[i].bound < lo)
				lo = s.heap[i].bound;
		if (lo > io->lower)
			io->lower = lo;
	} else if (rc == TELLER_OK) {
		io->lower = io->upper;
	}
	tl_free(ctx, s.heap, s.cap * sizeof(*s.heap));
	return rc;
}
