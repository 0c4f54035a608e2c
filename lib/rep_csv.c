/* SPDX-License-Identifier: MIT */
/* rep_csv.c -- placeholder until the writer lands. */
#include "tl_int.h"

int
tl_rep_csv(teller_ctx *ctx, const struct teller_result *r, teller_write_fn w,
    void *ud)
{
	(void)r; (void)w; (void)ud;
	return tl_fail(ctx, TELLER_EINVAL, "the csv report is not built yet");
}
