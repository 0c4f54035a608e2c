/* SPDX-License-Identifier: MIT */
/*
 * sens_cmp.c -- rounding sensitivity (audit.md 7): a second count's
 * decisions and stage totals against the statutory count's, for every
 * second count (sens_stv.c, sens_ers97.c, sens_meek.c).
 */
#include <gmp.h>
#include <string.h>

#include "audit.h"
#include "sens.h"
#include "sens_stv.h"

/* q = v / 10^dp. */
static void
q_fix(mpq_t q, tl_fix v, int dp)
{
	mpz_set_si(mpq_numref(q), (long)v);
	mpz_ui_pow_ui(mpq_denref(q), 10, (unsigned long)dp);
	mpq_canonicalize(q);
}

/* d = the difference statutory - other at TL_SENS_DP, rounded half away
 * from zero; EOVERFLOW if it does not fit. */
static int
round_diff(teller_ctx *ctx, const mpq_t q, tl_fix *d)
{
	mpz_t a, b;
	int rc = TELLER_OK;

	mpz_init(a);
	mpz_init(b);
	mpz_ui_pow_ui(b, 10, TL_SENS_DP);
	mpz_abs(a, mpq_numref(q));
	mpz_mul(a, a, b);
	mpz_mul_2exp(a, a, 1);
	mpz_add(a, a, mpq_denref(q));
	mpz_mul_2exp(b, mpq_denref(q), 1);
	mpz_fdiv_q(a, a, b);
	if (mpz_sizeinbase(a, 2) > 62)
		rc = tl_fail(ctx, TELLER_EOVERFLOW, "sensitivity: a "
		    "difference does not fit");
	else
		*d = (tl_fix)mpz_get_si(a) * mpq_sgn(q);
	mpz_clear(a);
	mpz_clear(b);
	return rc;
}

/* The largest difference at stage k (0-based) into *out. */
static int
stage_diff(teller_ctx *ctx, const struct teller_result *r,
    const struct tl_sens_run *run, size_t k, struct tl_sens_diff *out)
{
	const struct tl_stage *g = TL_STAGE(r, k);
	mpq_t *v = TL_VEC_AT(run->snaps, mpq_t *, k);
	mpq_t d, best;
	int c, rc;

	mpq_init(d);
	mpq_init(best);
	out->stage = (int)k + 1;
	out->cand = -1;
	for (c = 0; c < run->ncand; c++) {
		q_fix(d, g->votes[c], r->dp);
		mpq_sub(d, d, v[c]);
		mpq_abs(d, d);
		if (mpq_sgn(d) != 0 && (out->cand < 0 ||
		    mpq_cmp(d, best) > 0)) {
			mpq_set(best, d);
			out->cand = c;
		}
	}
	out->d = 0;
	rc = TELLER_OK;
	if (out->cand >= 0) {
		q_fix(d, g->votes[out->cand], r->dp);
		mpq_sub(d, d, v[out->cand]);
		rc = round_diff(ctx, d, &out->d);
	}
	mpq_clear(d);
	mpq_clear(best);
	return rc;
}

static bool
same_list(const struct tl_vec *a, const struct tl_vec *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len * sizeof(int)) == 0);
}

int
tl_sens_compare(teller_ctx *ctx, const struct teller_result *r,
    const struct tl_sens_run *run, struct tl_sens_cmp *out)
{
	size_t ns = run->snaps->len, nr = r->stages->len, k, n;
	bool *in = tl_alloc(ctx, (size_t)run->ncand + 1, sizeof(bool));
	int rc;

	n = ns < nr ? ns : nr;
	out->diff = tl_alloc(ctx, n + 1, sizeof(*out->diff));
	out->elected = tl_alloc(ctx, run->elected->len + 1, sizeof(int));
	if (in == NULL || out->diff == NULL || out->elected == NULL)
		return TELLER_ENOMEM;
	out->nelected = (int)run->elected->len;
	if (run->elected->len > 0)
		memcpy(out->elected, run->elected->data,
		    run->elected->len * sizeof(int));
	out->same_order = same_list(run->elected, r->elected);
	out->same_exclusions = same_list(run->excluded, r->excluded);
	for (k = 0; k < r->elected->len; k++)
		in[TL_VEC_AT(r->elected, int, k)] = true;
	out->same_elected = run->elected->len == r->elected->len;
	for (k = 0; k < run->elected->len; k++)
		if (!in[TL_VEC_AT(run->elected, int, k)])
			out->same_elected = false;
	out->first_stage = 0;
	out->ndiff = 0;
	for (k = 0; k < n; k++) {
		if ((int)TL_STAGE(r, k)->kind !=
		    TL_VEC_AT(run->kinds, int, k) ||
		    TL_STAGE(r, k)->subject != TL_VEC_AT(run->subj, int, k)) {
			out->first_stage = (int)k + 1;
			break;
		}
		if ((rc = stage_diff(ctx, r, run, k, &out->diff[k])) !=
		    TELLER_OK)
			return rc;
		out->ndiff = (int)k + 1;
	}
	if (out->first_stage == 0 && ns != nr)
		out->first_stage = (int)n + 1;
	return TELLER_OK;
}
