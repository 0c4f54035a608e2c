/* SPDX-License-Identifier: MIT */
/*
 * stv.c -- shared set-up for the STV methods other than the
 * Scottish one: seats, clean preference lists, candidate states.
 */
#include <string.h>

#include "stv.h"

/* Keep pattern pat (which has an equal ranking) as rank groups. */
static int
keep_equal(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct tl_pat *pat,
    struct stv_ballots *b, bool *seen)
{
	struct tl_rank r;
	uint32_t at;
	int i;

	memset(seen, 0, (size_t)c->ncand * sizeof(bool));
	for (r = tl_rank_first(p, pat); r.cells != NULL; r = tl_rank_next(r)) {
		size_t before = b->eqids->len;
		for (i = 0; i < r.n; i++) {
			tl_cid id = r.ids[i];
			if (TL_CAND(c, id)->withdrawn || seen[id])
				continue;
			seen[id] = true;
			if (tl_vec_push(ctx, b->eqids, &id) == NULL)
				return TELLER_ENOMEM;
		}
		if (b->eqids->len == before)
			continue; /* empty rank: stripped */
		at = (uint32_t)before;
		if (tl_vec_push(ctx, b->eqrank, &at) == NULL)
			return TELLER_ENOMEM;
	}
	at = (uint32_t)b->eqrank->len;
	if (tl_vec_push(ctx, b->eqoff, &at) == NULL ||
	    tl_vec_push(ctx, b->eqw, &pat->w) == NULL)
		return TELLER_ENOMEM;
	b->neq++;
	b->total += pat->w;
	return TELLER_OK;
}

int
tl_stv_prepare(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const char *method, bool allow_equal, struct stv_ballots *b,
    int *seats)
{
	bool *seen = NULL;
	uint32_t zero = 0;

	size_t i, cells = 0, n = 0;
	tl_cid *buf;
	int k;

	*seats = rules->seats > 0 ? rules->seats : c->seats;
	if (*seats <= 0)
		return tl_fail(ctx, TELLER_EINVAL, "%s: the number of seats "
		    "is not given (use -s)", method);
	if (p->wdp != 0)
		return tl_fail(ctx, TELLER_ERULE, "%s counts whole ballots; "
		    "this profile has fractional weights", method);
	for (i = 0; i < p->pats->len; i++)
		cells += TL_PAT(p, i)->nranks;
	buf = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(tl_cid));
	b->off = tl_alloc(ctx, p->pats->len + 1, sizeof(uint32_t));
	b->ids = tl_alloc(ctx, cells + 1, sizeof(tl_cid));
	b->w = tl_alloc(ctx, p->pats->len + 1, sizeof(int64_t));
	b->pat = tl_alloc(ctx, p->pats->len + 1, sizeof(uint32_t));
	if (buf == NULL || b->off == NULL || b->ids == NULL || b->w == NULL ||
	    b->pat == NULL)
		return TELLER_ENOMEM;
	b->total = 0;
	b->unmarked = 0;
	b->over1 = 0;
	b->neq = 0;
	if (allow_equal) {
		seen = tl_alloc(ctx, (size_t)c->ncand + 1, sizeof(bool));
		b->eqoff = tl_vec_new(ctx, sizeof(uint32_t));
		b->eqrank = tl_vec_new(ctx, sizeof(uint32_t));
		b->eqids = tl_vec_new(ctx, sizeof(tl_cid));
		b->eqw = tl_vec_new(ctx, sizeof(int64_t));
		if (seen == NULL || b->eqoff == NULL || b->eqrank == NULL ||
		    b->eqids == NULL || b->eqw == NULL ||
		    tl_vec_push(ctx, b->eqoff, &zero) == NULL)
			return TELLER_ENOMEM;
	}
	cells = 0;
	for (i = 0; i < p->pats->len; i++) {
		const struct tl_pat *pat = TL_PAT(p, i);
		bool eq;

		k = tl_pat_clean(c, p, pat, buf, c->ncand, &eq);
		if (eq && allow_equal) {
			int rc = keep_equal(ctx, c, p, pat, b, seen);
			if (rc != TELLER_OK)
				return rc;
			continue;
		}
		if (k <= 0) {
			/* no first preference, or several: rejected */
			if (eq)
				b->over1 += pat->w;
			else
				b->unmarked += pat->w;
			continue;
		}
		/* eq: the list stops at the equal rank (tl_pat_clean), so
		 * the paper is non-transferable from there */
		b->off[n] = (uint32_t)cells;
		for (int j = 0; j < k; j++)
			b->ids[cells++] = buf[j];
		b->pat[n] = (uint32_t)i;
		b->w[n++] = pat->w;
		b->total += pat->w; /* bounded by p->total */
	}
	b->off[n] = (uint32_t)cells;
	b->n = n;
	return TELLER_OK;
}

int
tl_stv_rejected(teller_ctx *ctx, struct teller_result *r,
    const struct stv_ballots *b)
{
	int64_t one = tl_num_pow10(r->dp), u, o;

	if (tl_num_mul(ctx, b->unmarked, one, &u) != TELLER_OK ||
	    tl_num_mul(ctx, b->over1, one, &o) != TELLER_OK)
		return TELLER_EOVERFLOW;
	if (tl_result_tally(ctx, r, true, "unmarked or void for uncertainty "
	    "(no preference for a candidate)", "", u) ||
	    tl_result_tally(ctx, r, true, "more than one first preference",
	    "", o))
		return TELLER_ENOMEM;
	return TELLER_OK;
}

int
tl_stv_states(const struct teller_contest *c, int *state)
{
	int i, h = 0;

	for (i = 0; i < c->ncand; i++) {
		state[i] = TL_CAND(c, i)->withdrawn ? STV_WITHDRAWN
						    : STV_HOPEFUL;
		if (state[i] == STV_HOPEFUL)
			h++;
	}
	return h;
}
