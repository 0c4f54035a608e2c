/* SPDX-License-Identifier: MIT */
/* fmt_csv.c -- placeholder until the reader lands: refuses the input. */
#include "tl_int.h"

int
tl_fmt_csv(teller_ctx *ctx, const char *buf, size_t len,
    struct teller_contest **c, struct teller_profile **p)
{
	(void)buf; (void)len; *c = NULL; *p = NULL;
	return tl_fail(ctx, TELLER_EPARSE, "the csv reader is not built yet");
}
