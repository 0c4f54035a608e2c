/* SPDX-License-Identifier: MIT */
/*
 * cvr_cdf.c -- RCTab CDF CVR reader (docs/rctab.md section 7).
 * Placeholder until the reader is built.
 */
#include "rctab_cvr.h"

int
tl_cvr_read_cdf(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	(void)src;
	(void)fn;
	(void)ud;
	return tl_fail(ctx, TELLER_EPARSE, "CDF CVR reader not built yet");
}
