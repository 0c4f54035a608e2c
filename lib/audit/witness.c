/* SPDX-License-Identifier: MIT */
/*
 * witness.c -- the witnesses of `teller margin` (audit.md 2.4, 8.2): the
 * papers to change, built from a branch-and-bound solution, checked to
 * change the outcome, and copied into the reported margin in contest
 * ids. Shared by margin.c, irv_bb.c and stv_margin.c, which is why it is
 * a module of its own (below all three in the link graph).
 */
#include <string.h>

#include "margin.h"

int
tl_witness_from_bb(teller_ctx *ctx, const struct tl_ab *b, const uint8_t *seq,
    int k, const uint32_t *mask, const int *colcls, int np, int ncol,
    const int64_t *x, struct tl_chg **ch, size_t *nch)
{
	struct tl_vec *v = tl_vec_new(ctx, sizeof(struct tl_chg));
	struct tl_chg c;
	int64_t *left, in_left = 0;
	int col, incol = 0, j;
	size_t r = 0;

	if (v == NULL || (left = tl_alloc(ctx, b->n + 1,
	    sizeof(int64_t))) == NULL)
		return TELLER_ENOMEM;
	memcpy(left, b->w, b->n * sizeof(int64_t));
	/* next "in" column with papers left, as needed */
	for (col = np; col <= ncol; col++) {
		int64_t out = col < ncol ? x[col] : 0;

		while (out > 0 || (col == ncol && incol < np)) {
			memset(&c, 0, sizeof(c));
			while (incol < np && in_left == 0)
				if ((in_left = x[incol]) == 0)
					incol++;
			if (col == ncol && in_left == 0)
				break;
			if (col < ncol) {
				while (r < b->n && (mask[r] !=
				    (uint32_t)colcls[col] || left[r] == 0))
					r++;
				if (r == b->n)
					return tl_fail(ctx, TELLER_EINTERNAL,
					    "margin: witness takes papers a "
					    "class does not have");
				c.from = (long)r;
				c.papers = out < left[r] ? out : left[r];
			} else {
				c.from = -1;
				c.papers = in_left;
			}
			if (in_left > 0) {
				if (c.papers > in_left)
					c.papers = in_left;
				for (j = 0; j < k; j++)
					if ((uint32_t)colcls[incol] >> j & 1)
						c.to[c.nto++] = seq[j];
				in_left -= c.papers;
				if (in_left == 0)
					incol++;
			}
			if (c.from >= 0) {
				left[r] -= c.papers;
				out -= c.papers;
			}
			if (tl_vec_push(ctx, v, &c) == NULL)
				return TELLER_ENOMEM;
		}
		r = 0;
	}
	*ch = v->data;
	*nch = v->len;
	return TELLER_OK;
}

int
tl_witness_check(teller_ctx *ctx, const struct tl_ab *b, int winner,
    const struct tl_chg *ch, size_t nch)
{
	struct tl_ab a;
	uint64_t m;
	int rc;

	if ((rc = tl_ab_apply(ctx, b, ch, nch, &a)) != TELLER_OK)
		return rc;
	if ((m = tl_ab_winners(ctx, &a)) == 0)
		return teller_errcode(ctx);
	if (m == 1ULL << winner)
		return tl_fail(ctx, TELLER_EINTERNAL, "margin: a witness of "
		    "the search does not change the outcome (a bug)");
	return TELLER_OK;
}

int
tl_witness_keep(teller_ctx *ctx, struct teller_margin *m, const struct tl_ab *b,
    const struct tl_chg *ch, size_t nch)
{
	size_t i;
	uint32_t k;
	int j;

	m->changes = tl_vec_new(ctx, sizeof(struct tl_mchg));
	if (m->changes == NULL)
		return TELLER_ENOMEM;
	for (i = 0; i < nch; i++) {
		struct tl_mchg c;

		memset(&c, 0, sizeof(c));
		c.papers = ch[i].papers;
		c.nfrom = c.nto = -1;
		if (ch[i].from >= 0) {
			uint32_t o = b->off[ch[i].from];
			c.nfrom = (int)(b->off[ch[i].from + 1] - o);
			c.from = tl_alloc(ctx, (size_t)c.nfrom + 1,
			    sizeof(int));
			if (c.from == NULL)
				return TELLER_ENOMEM;
			for (k = 0; k < (uint32_t)c.nfrom; k++)
				c.from[k] = b->cand[b->ids[o + k]];
		}
		if (ch[i].nto > 0) {
			c.nto = ch[i].nto;
			c.to = tl_alloc(ctx, (size_t)c.nto, sizeof(int));
			if (c.to == NULL)
				return TELLER_ENOMEM;
			for (j = 0; j < c.nto; j++)
				c.to[j] = b->cand[ch[i].to[j]];
		}
		m->upper_papers += c.papers;
		if (tl_vec_push(ctx, m->changes, &c) == NULL)
			return TELLER_ENOMEM;
	}
	return TELLER_OK;
}
