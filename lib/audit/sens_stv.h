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

#endif /* TL_SENS_STV_H */
