/* SPDX-License-Identifier: MIT */
/*
 * cvr_hart.c -- RCTab Hart CVR reader (docs/rctab.md section 7).
 * Placeholder until the reader is built.
 */
#include "rctab_cvr.h"

int
tl_cvr_read_hart(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	(void)src;
	(void)fn;
	(void)ud;
	return tl_fail(ctx, TELLER_EPARSE, "Hart CVR reader not built yet");
}
