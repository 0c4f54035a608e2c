/* SPDX-License-Identifier: MIT */
/*
 * lp_glpk.c -- the one LP module (audit.md 2.4.7): small linear and
 * integer programs through GLPK. The only file of lib/ that includes
 * <glpk.h> and the only one that uses floating point (scripts/lint.sh
 * exempts it by name): GLPK computes in doubles. Nothing a float says
 * is trusted: an objective becomes an integer lower bound by rounding up
 * after taking off a tolerance (float error can only weaken pruning),
 * and an integer solution is rounded and then checked exactly by the
 * caller (every upper bound is a re-counted witness).
 */
#include <glpk.h>
#include <math.h>

#include "audit.h"

#define TOL 1e-6

/* Columns and rows of lp into prob (1-based, as GLPK counts). */
static int
load(teller_ctx *ctx, const struct tl_lp *lp, glp_prob *prob, bool integer)
{
	size_t nz = 0, cap = 1, k;
	int *ia, *ja, r, j;
	double *ar;

	for (k = 0; k < (size_t)lp->nrow * (size_t)lp->ncol; k++)
		cap += lp->a[k] != 0;
	ia = tl_realloc(ctx, NULL, 0, cap * sizeof(int));
	ja = tl_realloc(ctx, NULL, 0, cap * sizeof(int));
	ar = tl_realloc(ctx, NULL, 0, cap * sizeof(double));
	if (ia == NULL || ja == NULL || ar == NULL) {
		tl_free(ctx, ia, cap * sizeof(int));
		tl_free(ctx, ja, cap * sizeof(int));
		tl_free(ctx, ar, cap * sizeof(double));
		return TELLER_ENOMEM;
	}
	glp_set_obj_dir(prob, GLP_MIN);
	if (lp->nrow > 0)
		glp_add_rows(prob, lp->nrow);
	glp_add_cols(prob, lp->ncol);
	for (j = 0; j < lp->ncol; j++) {
		double lo = (double)lp->lo[j], hi = (double)lp->hi[j];

		if (lp->hi[j] < 0)
			glp_set_col_bnds(prob, j + 1, GLP_LO, lo, 0.0);
		else if (lp->hi[j] == lp->lo[j])
			glp_set_col_bnds(prob, j + 1, GLP_FX, lo, lo);
		else
			glp_set_col_bnds(prob, j + 1, GLP_DB, lo, hi);
		glp_set_obj_coef(prob, j + 1, (double)lp->obj[j]);
		if (integer)
			glp_set_col_kind(prob, j + 1, GLP_IV);
	}
	for (r = 0; r < lp->nrow; r++) {
		double b = (double)lp->rhs[r];

		glp_set_row_bnds(prob, r + 1, lp->eq[r] ? GLP_FX : GLP_UP, b,
		    b);
		for (j = 0; j < lp->ncol; j++) {
			int8_t v = lp->a[(size_t)r * (size_t)lp->ncol +
			    (size_t)j];
			if (v == 0)
				continue;
			nz++;
			ia[nz] = r + 1;
			ja[nz] = j + 1;
			ar[nz] = v;
		}
	}
	glp_load_matrix(prob, (int)nz, ia, ja, ar);
	tl_free(ctx, ia, cap * sizeof(int));
	tl_free(ctx, ja, cap * sizeof(int));
	tl_free(ctx, ar, cap * sizeof(double));
	return TELLER_OK;
}

/* ceil(v - TOL) as an integer (v finite and >= 0 here). */
static int64_t
up(double v)
{
	double c = ceil(v - TOL);

	return c < 0 ? 0 : (int64_t)c;
}

int
tl_lp_solve(teller_ctx *ctx, const struct tl_lp *lp, bool integer,
    int64_t *bound, bool *infeasible, int64_t *x)
{
	glp_prob *prob = glp_create_prob();
	glp_smcp sp;
	glp_iocp ip;
	int rc, st, j;

	*infeasible = false;
	*bound = 0;
	if ((rc = load(ctx, lp, prob, integer)) != TELLER_OK) {
		glp_delete_prob(prob);
		return rc;
	}
	glp_init_smcp(&sp);
	sp.msg_lev = GLP_MSG_OFF;
	sp.presolve = GLP_ON;
	rc = glp_simplex(prob, &sp);
	st = glp_get_status(prob);
	if (rc == GLP_ENOPFS || st == GLP_NOFEAS || st == GLP_INFEAS) {
		*infeasible = true;
		glp_delete_prob(prob);
		return TELLER_OK;
	}
	if (rc != 0 || st != GLP_OPT) {
		glp_delete_prob(prob);
		return tl_fail(ctx, TELLER_EINTERNAL, "the LP solver failed "
		    "(glp_simplex %d, status %d)", rc, st);
	}
	*bound = up(glp_get_obj_val(prob));
	if (integer && lp->cutoff > 0 && *bound >= lp->cutoff) {
		glp_delete_prob(prob);
		return TELLER_OK;
	}
	if (integer) {
		glp_init_iocp(&ip);
		ip.msg_lev = GLP_MSG_OFF;
		rc = glp_intopt(prob, &ip);
		st = glp_mip_status(prob);
		if (rc == GLP_ENOPFS || st == GLP_NOFEAS) {
			*infeasible = true;
			glp_delete_prob(prob);
			return TELLER_OK;
		}
		if (rc != 0 || st != GLP_OPT) {
			glp_delete_prob(prob);
			return tl_fail(ctx, TELLER_EINTERNAL, "the integer "
			    "solver failed (glp_intopt %d, status %d)", rc,
			    st);
		}
		*bound = up(glp_mip_obj_val(prob));
		for (j = 0; j < lp->ncol; j++)
			x[j] = (int64_t)llround(glp_mip_col_val(prob, j + 1));
	}
	glp_delete_prob(prob);
	return TELLER_OK;
}
