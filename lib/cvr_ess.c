/* SPDX-License-Identifier: MIT */
/* cvr_ess.c -- ES&S xlsx reader (placeholder while xlsx.c lands). */
#include "rctab_cvr.h"

int
tl_cvr_read_ess(teller_ctx *ctx, const struct tl_cvr_source *src,
    tl_cvr_fn fn, void *ud)
{
	(void)src;
	(void)fn;
	(void)ud;
	return tl_fail(ctx, TELLER_EPARSE, "ES&S reader not built yet");
}
