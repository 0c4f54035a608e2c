/* SPDX-License-Identifier: MIT */
/*
 * sens_stv.h -- the second STV count behind --sensitivity rounding
 * (sens_stv.c), for teller_sensitivity and the unit tests.
 */
#ifndef TL_SENS_STV_H
#define TL_SENS_STV_H

#include "sens.h"
#include "tl_int.h"

enum tl_sens_mode {
	TL_SENS_EXACT = 0, /* exact fractions */
	TL_SENS_PARCEL,    /* Scottish: each parcel's total truncated to
			    * 5 places (stv.md 2.7, the common error) */
	TL_SENS_PAPER      /* Scottish: each paper's value truncated, as
			    * the statute says: a self-check that must
			    * agree with stv-scottish to the last place */
};

/* Count r's contest c and profile p again (r->method: stv-scottish or
 * stv-wigm; r->seats seats) in the way mode says, and compare with r
 * into *out (arrays from ctx's arena). Errors: ERULE (fractional
 * weights), EOVERFLOW, EINTERNAL (another number of valid papers than
 * r's), ENOMEM. */
int tl_sens_stv_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const struct teller_result *r,
    enum tl_sens_mode mode, struct tl_sens_cmp *out) TL_MUST_CHECK;

/* A second count's record, as tl_sens_compare reads it. */
struct tl_sens_run {
	int ncand;
	struct tl_vec *snaps;    /* of mpq_t *: the totals [ncand] a stage */
	struct tl_vec *kinds;    /* of int: enum tl_stage_kind a stage */
	struct tl_vec *subj;     /* of int: its subject, or -1 */
	struct tl_vec *elected;  /* of int, in order of election */
	struct tl_vec *excluded; /* of int, in order of exclusion */
};

/* Compare run with the statutory count r into *out (arrays from ctx's
 * arena): the decisions, and each stage's largest difference up to the
 * first stage whose kind or subject differs. EOVERFLOW, ENOMEM. */
int tl_sens_compare(teller_ctx *ctx, const struct teller_result *r,
    const struct tl_sens_run *run, struct tl_sens_cmp *out) TL_MUST_CHECK;

/*
 * stv-ers97 again, independently of m_stv_ers97.c (sens_ers97.c): in
 * exact fractions (statutory false), or with the statute's hundredths
 * (statutory true: a self-check that must agree with stv-ers97 to the
 * last place). Compared with r into *out. Errors: ERULE, EOVERFLOW,
 * EINTERNAL (another number of valid papers than r's), ENOMEM.
 */
int tl_sens_ers97_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const struct teller_result *r, bool statutory,
    struct tl_sens_cmp *out) TL_MUST_CHECK;

/*
 * stv-meek again, independently of m_stv_meek.c (sens_meek.c), at 10^-18
 * in 128 bits without guard digits, compared with r into *out. Errors:
 * ERULE (papers with equal rankings), EOVERFLOW, EINTERNAL, ENOMEM.
 */
int tl_sens_meek_count(teller_ctx *ctx, const struct teller_contest *c,
    const struct teller_profile *p, const teller_rules *rules,
    const struct teller_result *r, struct tl_sens_cmp *out) TL_MUST_CHECK;

#endif /* TL_SENS_STV_H */
